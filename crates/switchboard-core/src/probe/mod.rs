//! Live credential probes: the catalog's cheapest authenticated call per vendor.
//!
//! A probe is data (`catalog::ProbeSpec`): a base URL and HTTP steps. A step may
//! capture values from its JSON response (an access token, a zone URL) for the next.
//! The engine renders the templates from the credentials, sends each request exactly
//! as the vendor's API expects it, and classifies the first failure into a
//! [`ProbeResult`] with a message a technician can act on.
//!
//! Invariants: no redirect is followed (credentials never go to another host); the
//! whole probe is bounded by one timeout (10 s by default); every message passes
//! through a `Redactor` holding every secret in play, including captured tokens and
//! encoded forms.

mod classify;
mod format;
mod render;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::catalog::{HttpMethod, ProbeStep, Vendor};
use crate::code::{Coded, ErrorCode};
use crate::credentials::Credentials;
use crate::env;
use crate::secret::{Redactor, Secret};

use render::Vars;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The classified verdict of a probe. Serialized as snake_case; part of the CLI's
/// JSON output and stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeResult {
    Ok,
    InvalidCredentials,
    WrongRegionOrUrl,
    VendorUnreachable,
    UnexpectedResponse,
}

impl ProbeResult {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::InvalidCredentials => "invalid_credentials",
            Self::WrongRegionOrUrl => "wrong_region_or_url",
            Self::VendorUnreachable => "vendor_unreachable",
            Self::UnexpectedResponse => "unexpected_response",
        }
    }
}

impl std::fmt::Display for ProbeResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a probe checked: the vendor's API, or only the credentials' shape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// An authenticated call to the vendor's API.
    #[default]
    Live,
    /// The vendor documents no cheap authenticated call: the credentials' format was
    /// checked, nothing was sent.
    Format,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeOutcome {
    pub result: ProbeResult,
    pub check: CheckKind,
    /// Readable, and free of secrets.
    pub message: String,
    /// The HTTP status of the deciding response, if there was one.
    pub status: Option<u16>,
    /// The step that decided the outcome.
    pub step: Option<String>,
    pub elapsed_ms: u64,
}

impl ProbeOutcome {
    pub fn is_ok(&self) -> bool {
        self.result == ProbeResult::Ok
    }
}

/// Runs probes. Cheap to clone; holds one HTTP client.
#[derive(Debug, Clone)]
pub struct Prober {
    /// Built on first use: setting up TLS loads the platform's root certificates,
    /// which commands that never probe should not pay for.
    client: Arc<OnceLock<Result<reqwest::Client, ProberSetupError>>>,
    timeout: Duration,
    base_overrides: BTreeMap<String, String>,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot set up the HTTP client: {0}")]
pub struct ProberSetupError(String);

impl Coded for ProberSetupError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Internal
    }
}

impl Prober {
    pub fn new(timeout: Duration) -> Result<Self, ProberSetupError> {
        Ok(Self {
            client: Arc::default(),
            timeout,
            base_overrides: BTreeMap::new(),
        })
    }

    fn client(&self) -> Result<&reqwest::Client, ProberSetupError> {
        self.client
            .get_or_init(|| {
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
                    .connect_timeout(self.timeout)
                    .build()
                    .map_err(|e| ProberSetupError(e.to_string()))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Timeout from `SWITCHBOARD_PROBE_TIMEOUT_MS` (default 10 s). Base overrides are
    /// read per probe from `SWITCHBOARD_PROBE_BASE_<SLUG>`.
    pub fn from_env() -> Result<Self, ProberSetupError> {
        let timeout = std::env::var(env::PROBE_TIMEOUT_MS)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(DEFAULT_TIMEOUT, Duration::from_millis);
        Self::new(timeout)
    }

    /// Sends this vendor's probe to `base` instead (takes precedence over the env).
    pub fn with_base_override(mut self, slug: &str, base: &str) -> Self {
        self.base_overrides.insert(slug.to_owned(), base.to_owned());
        self
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    fn base_override(&self, slug: &str) -> Option<String> {
        self.base_overrides
            .get(slug)
            .cloned()
            .or_else(|| std::env::var(env::probe_base_var(slug)).ok())
            .map(|b| b.trim().trim_end_matches('/').to_owned())
            .filter(|b| !b.is_empty())
    }

    /// Runs the vendor's probe against `creds`. Never fails: every problem becomes an
    /// outcome. A vendor without a probe yields `unexpected_response`; callers check
    /// `vendor.probe` first.
    pub async fn probe(&self, vendor: &Vendor, creds: &Credentials) -> ProbeOutcome {
        let started = Instant::now();
        let mut run = Run::new(vendor, creds);
        let result = tokio::time::timeout(self.timeout, self.run_steps(&mut run)).await;
        let mut outcome = match result {
            Ok(outcome) => outcome,
            Err(_) => Decision::new(
                ProbeResult::VendorUnreachable,
                format!(
                    "{} did not answer within {} s{}",
                    vendor.name,
                    self.timeout.as_secs_f32(),
                    run.current_step
                        .as_deref()
                        .map(|s| format!(" (at the {s})"))
                        .unwrap_or_default()
                ),
            )
            .at_step(run.current_step.clone()),
        };
        outcome.message = run.redactor.redact(&outcome.message);
        let check = if vendor
            .probe
            .as_ref()
            .is_some_and(|p| p.format_only.is_some())
        {
            CheckKind::Format
        } else {
            CheckKind::Live
        };
        ProbeOutcome {
            result: outcome.result,
            check,
            message: outcome.message,
            status: outcome.status,
            step: outcome.step,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        }
    }

    async fn run_steps(&self, run: &mut Run<'_>) -> Decision {
        let vendor = run.vendor;
        let Some(spec) = &vendor.probe else {
            return Decision::new(
                ProbeResult::UnexpectedResponse,
                format!("{} has no credential check in the catalog", vendor.name),
            );
        };
        if let Some(check) = &spec.format_only {
            return format::check(vendor, run.creds, check);
        }
        let overridden = self.base_override(&vendor.slug);
        run.base_overridden = overridden.is_some();
        let base = match overridden {
            Some(b) => b,
            None => match spec
                .base
                .iter()
                .find_map(|t| run.vars().render(t).ok().flatten())
            {
                Some(b) => b,
                None => {
                    return Decision::new(
                        ProbeResult::WrongRegionOrUrl,
                        format!(
                            "{} needs one of these set to find its API: {}",
                            vendor.name,
                            classify::labels_in(vendor, spec.base.iter().map(String::as_str))
                        ),
                    );
                }
            },
        };
        let mut last = None;
        for step in &spec.steps {
            if step
                .skip_if
                .as_deref()
                .is_some_and(|k| run.creds.value(k).is_some())
            {
                continue;
            }
            run.current_step = Some(step.name.clone());
            match self.run_step(run, &base, step).await {
                StepEnd::Next(status) => last = Some((status, step.name.clone())),
                StepEnd::Done(decision) => return decision.at_step(Some(step.name.clone())),
            }
        }
        let (status, step) = last.unzip();
        Decision {
            result: ProbeResult::Ok,
            message: format!("{} accepted the credentials", vendor.name),
            status,
            step,
        }
    }

    async fn run_step(&self, run: &mut Run<'_>, probe_base: &str, step: &ProbeStep) -> StepEnd {
        let vendor = run.vendor;
        let prepared = match run.vars().prepare(probe_base, step, run.base_overridden) {
            Ok(p) => p,
            Err(missing) => {
                return StepEnd::Done(Decision::new(
                    ProbeResult::UnexpectedResponse,
                    format!("cannot build the {}: {missing}", step.name),
                ));
            }
        };
        let client = match self.client() {
            Ok(c) => c,
            Err(e) => {
                return StepEnd::Done(Decision::new(
                    ProbeResult::UnexpectedResponse,
                    e.to_string(),
                ));
            }
        };
        let mut request = match step.method {
            HttpMethod::Get => client.get(prepared.url.clone()),
            HttpMethod::Post => client.post(prepared.url.clone()),
        };
        request = request.header(reqwest::header::ACCEPT, "application/json");
        for (name, value) in &prepared.headers {
            request = request.header(name.as_str(), value.expose().as_str());
        }
        match &prepared.auth {
            Some(PreparedAuth::Basic(user, pass)) => {
                run.redactor
                    .add_form(&basic_token(user.expose(), pass.expose()));
                request = request.basic_auth(user.expose(), Some(pass.expose()));
            }
            Some(PreparedAuth::Bearer(token)) => request = request.bearer_auth(token.expose()),
            None => {}
        }
        if !prepared.form.is_empty() {
            let form: Vec<(&str, &str)> = prepared
                .form
                .iter()
                .map(|(k, v)| (k.as_str(), v.expose().as_str()))
                .collect();
            request = request.form(&form);
        } else if !prepared.json.is_empty() {
            let body: serde_json::Map<String, serde_json::Value> = prepared
                .json
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.expose().clone())))
                .collect();
            request = request.json(&body);
        }

        let shown = classify::display_url(&prepared.url);
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return StepEnd::Done(classify::transport(vendor, step, &shown, &e)),
        };
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(classify::display_location);
        let is_json_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.contains("json"));
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return StepEnd::Done(classify::transport(vendor, step, &shown, &e)),
        };
        let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        let reply = classify::Reply {
            status,
            is_json_type,
            json: json.as_ref(),
            body: &body,
            location,
        };
        match classify::status(vendor, step, &shown, &reply) {
            classify::Verdict::Fail(decision) => StepEnd::Done(decision),
            classify::Verdict::WafPass => StepEnd::Done(Decision {
                result: ProbeResult::Ok,
                message: format!(
                    "{} is reachable, but a firewall answered for its API (HTTP 403 with a web page), so the key itself could not be checked",
                    vendor.name
                ),
                status: Some(status),
                step: None,
            }),
            classify::Verdict::Pass => {
                for (name, pointer, secret) in step
                    .capture
                    .iter()
                    .map(|(n, p)| (n, p, false))
                    .chain(step.capture_secret.iter().map(|(n, p)| (n, p, true)))
                {
                    let value =
                        json.as_ref()
                            .and_then(|j| j.pointer(pointer))
                            .and_then(|v| match v {
                                serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
                                serde_json::Value::Number(n) => Some(n.to_string()),
                                _ => None,
                            });
                    let Some(value) = value else {
                        return StepEnd::Done(Decision::new(
                            ProbeResult::UnexpectedResponse,
                            format!(
                                "{} answered the {} with HTTP {status} but without `{}` in the response",
                                vendor.name,
                                step.name,
                                pointer.trim_start_matches('/')
                            ),
                        ).with_status(status));
                    };
                    if secret {
                        let value = Secret::new(value);
                        run.redactor.add(&value);
                        run.captured_secret.insert(name.clone(), value);
                    } else {
                        run.captured_plain.insert(name.clone(), value);
                    }
                }
                StepEnd::Next(status)
            }
        }
    }
}

fn basic_token(user: &str, pass: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
}

/// State of one probe run.
struct Run<'a> {
    vendor: &'a Vendor,
    creds: &'a Credentials,
    captured_plain: BTreeMap<String, String>,
    captured_secret: BTreeMap<String, Secret<String>>,
    redactor: Redactor,
    current_step: Option<String>,
    /// The probe's base was replaced (a test or a proxy); step bases that do not come
    /// from a captured value are replaced too.
    base_overridden: bool,
}

impl<'a> Run<'a> {
    fn new(vendor: &'a Vendor, creds: &'a Credentials) -> Self {
        let mut redactor = Redactor::new();
        for secret in creds.secrets.values() {
            redactor.add(secret);
        }
        Self {
            vendor,
            creds,
            captured_plain: BTreeMap::new(),
            captured_secret: BTreeMap::new(),
            redactor,
            current_step: None,
            base_overridden: false,
        }
    }

    fn vars(&self) -> Vars<'_> {
        Vars {
            vendor: self.vendor,
            creds: self.creds,
            captured_plain: &self.captured_plain,
            captured_secret: &self.captured_secret,
        }
    }
}

enum StepEnd {
    Next(u16),
    Done(Decision),
}

/// An outcome before timing and redaction are applied.
#[derive(Debug)]
struct Decision {
    result: ProbeResult,
    message: String,
    status: Option<u16>,
    step: Option<String>,
}

impl Decision {
    fn new(result: ProbeResult, message: String) -> Self {
        Self {
            result,
            message,
            status: None,
            step: None,
        }
    }

    fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    fn at_step(mut self, step: Option<String>) -> Self {
        if self.step.is_none() {
            self.step = step;
        }
        self
    }
}

/// A step with every template rendered.
struct Prepared {
    url: url::Url,
    headers: Vec<(String, Secret<String>)>,
    auth: Option<PreparedAuth>,
    form: Vec<(String, Secret<String>)>,
    json: Vec<(String, Secret<String>)>,
}

enum PreparedAuth {
    Basic(Secret<String>, Secret<String>),
    Bearer(Secret<String>),
}

#[cfg(test)]
mod tests;
