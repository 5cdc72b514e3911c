//! Turning a launch plan into a running upstream: the [`Connector`] seam the actor
//! starts servers through, and its real implementation, [`Spawner`].
//!
//! The spawner reads the vendor's credentials from the vault and hands them to the
//! server the only ways allowed (invariant 15): a local server gets them in its
//! environment ([`command_line`]), a self-hosted one as headers ([`http_headers`]);
//! never on the command line. A test puts a fake connector in its place to play the
//! server itself.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

use super::launch::{Launch, LaunchError, Plan};
use super::upstream::http::{self, AuthProblem, Bearer, HttpError, HttpServer};
use super::upstream::stdio::{self, StdioChild};
use super::upstream::{Event, Upstream};
use crate::catalog::Vendor;
use crate::code::{Coded, ErrorCode, Surface};
use crate::credentials::Credentials;
use crate::gateway::GatewayError;
use crate::gateway::discovery::Challenge;
use crate::gateway::tokens::TokenSource;
use crate::paths::Paths;
use crate::secret::{Redactor, Secret};
use crate::vault::{Vault, VaultError};

/// Where a started upstream reports, and where a child's stderr lines go.
pub struct Wiring {
    /// Events from the server; `Closed` is always the last.
    pub events: mpsc::UnboundedSender<Event>,
    /// The recent stderr lines `status` shows.
    pub stderr_tail: stdio::StderrTail,
}

/// Starts vendor servers. Real: [`Spawner`]. The hosted gateway plugs in here as one
/// more kind of plan, without the actor changing.
pub trait Connector: Send + Sync + 'static {
    fn connect<'a>(
        &'a self,
        vendor: &'a Vendor,
        launch: &'a Launch,
        wiring: Wiring,
    ) -> BoxFuture<'a, Result<Box<dyn Upstream>, StartError>>;
}

/// Why a server could not be started (nothing ran; not a crash). The text is what
/// `status` shows as the vendor's last error, so it carries the hint too.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    #[error("{}", with_hint(.0))]
    Launch(LaunchError),
    #[error("cannot read {vendor}'s credentials: {}", with_hint(.source))]
    Credentials { vendor: String, source: VaultError },
    #[error("cannot open the log for {vendor}: {source}")]
    Log {
        vendor: String,
        source: std::io::Error,
    },
    /// Both parts already redacted.
    #[error("cannot start `{program}`: {detail}")]
    Spawn { program: String, detail: String },
    #[error("{vendor}'s bundle would put a secret on the command line; refusing to start it")]
    SecretOnArgv { vendor: String },
    #[error(transparent)]
    Http(#[from] HttpError),
}

fn with_hint(e: &dyn Coded) -> String {
    match e.hint() {
        Some(h) => format!("{e}; {h}"),
        None => e.to_string(),
    }
}

impl Coded for StartError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Launch(e) => e.code(),
            Self::Credentials { source, .. } => source.code(),
            Self::Log { .. } => ErrorCode::Io,
            Self::Spawn { .. } | Self::SecretOnArgv { .. } | Self::Http(_) => {
                ErrorCode::LaunchFailed
            }
        }
    }

    fn hint_for(&self, surface: Surface) -> Option<String> {
        match self {
            Self::Launch(e) => e.hint_for(surface),
            Self::Credentials { source, .. } => source.hint_for(surface),
            _ => None,
        }
    }
}

/// A local server's process: what runs, with what, where. Credentials are in `env`
/// only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    /// The bundle folder, for imported bundles.
    pub cwd: Option<PathBuf>,
}

/// The process for a stdio or bundle plan (`None` for an HTTP plan). The vendor's
/// field values go in the environment; an imported bundle's `user_config` is filled
/// in, and a bundle that would still put a secret in its arguments is refused.
pub fn command_line(
    vendor: &Vendor,
    plan: &Plan,
    creds: &Credentials,
) -> Option<Result<Command, StartError>> {
    let field_env = |env: &mut BTreeMap<String, String>| {
        for field in &vendor.fields {
            if let Some(v) = creds.value(&field.key) {
                env.insert(field.env.clone(), v.to_owned());
            }
        }
    };
    Some(match plan {
        Plan::Stdio { program, args, env } => {
            let mut all_env = env.clone();
            field_env(&mut all_env);
            Ok(Command {
                program: program.clone(),
                args: args.clone(),
                env: all_env,
                cwd: None,
            })
        }
        Plan::Bundle {
            program,
            launch,
            env,
            catalog_fields,
        } => {
            let got = launch.materialize(&|key| creds.value(key).map(str::to_owned));
            if !got.dropped.is_empty() {
                tracing::info!(
                    vendor = %vendor.slug,
                    left_out = ?got.dropped,
                    "bundle settings without a value were left out"
                );
            }
            let on_argv = creds.secrets.values().any(|secret| {
                let secret = secret.expose();
                !secret.is_empty() && got.args.iter().any(|a| a.contains(secret.as_str()))
            });
            if on_argv {
                return Some(Err(StartError::SecretOnArgv {
                    vendor: vendor.name.clone(),
                }));
            }
            let mut all_env = env.clone();
            if *catalog_fields {
                field_env(&mut all_env);
            }
            all_env.extend(got.env);
            Ok(Command {
                program: program.clone(),
                args: got.args,
                env: all_env,
                cwd: Some(launch.dir.clone()),
            })
        }
        Plan::Http { .. } | Plan::Gateway { .. } => return None,
    })
}

/// The headers that carry a self-hosted server's credentials (each field with a
/// `header` name and a value).
pub fn http_headers(vendor: &Vendor, creds: &Credentials) -> Vec<(String, Secret<String>)> {
    vendor
        .fields
        .iter()
        .filter_map(|f| {
            Some((
                f.header.clone()?,
                Secret::new(creds.value(&f.key)?.to_owned()),
            ))
        })
        .collect()
}

/// The real connector: child processes and HTTP connections, with credentials from
/// the vault, and the team gateway with the sign-in's tokens.
pub struct Spawner {
    pub paths: Paths,
    pub vault: Vault,
    pub max_message_bytes: usize,
    /// How often a gateway connection looks for newly shared vendors.
    pub gateway_relist: Duration,
    /// The longest an HTTP server's answer may take (the call timeout).
    pub call_timeout: Duration,
}

/// The daemon's bearer for the gateway: the sign-in's token, renewed before it
/// expires and after a 401. It cannot open a browser, so a gateway that wants more
/// scope, or a sign-in that is over, is reported in words.
struct SignedIn(TokenSource);

fn sign_in_again(e: &GatewayError) -> AuthProblem {
    let signed_out = e.code() == ErrorCode::NotSignedIn;
    let message = if signed_out {
        format!("{e}; sign in again: `switchboard login`, or from the tray")
    } else {
        e.to_string()
    };
    AuthProblem {
        message,
        signed_out,
    }
}

impl Bearer for SignedIn {
    fn token(&self) -> BoxFuture<'_, Result<Option<Secret<String>>, AuthProblem>> {
        Box::pin(async move { self.0.current().await.map_err(|e| sign_in_again(&e)) })
    }

    fn rejected<'a>(
        &'a self,
        sent: Option<&'a Secret<String>>,
        status: u16,
        challenge: Challenge,
    ) -> BoxFuture<'a, Result<Option<Secret<String>>, AuthProblem>> {
        Box::pin(async move {
            if status == 403 {
                let scope = challenge.scope.unwrap_or_default();
                return Err(AuthProblem {
                    message: format!(
                        "the team gateway needs more access for this (`{scope}`); sign in again to grant it: `switchboard login`, or from the tray"
                    ),
                    signed_out: false,
                });
            }
            self.0.refreshed(sent).await.map_err(|e| sign_in_again(&e))
        })
    }
}

impl Spawner {
    async fn credentials(&self, vendor: &Vendor) -> Result<Credentials, StartError> {
        if vendor.fields.is_empty() {
            return Ok(Credentials::default());
        }
        self.vault
            .load(vendor)
            .await
            .map_err(|source| StartError::Credentials {
                vendor: vendor.name.clone(),
                source,
            })
    }

    async fn start(
        &self,
        vendor: &Vendor,
        launch: &Launch,
        wiring: Wiring,
    ) -> Result<Box<dyn Upstream>, StartError> {
        let creds = self.credentials(vendor).await?;
        let mut redactor = Redactor::new();
        for s in creds.secrets.values() {
            redactor.add(s);
        }
        let max = self.max_message_bytes;
        if let Some(command) = command_line(vendor, &launch.plan, &creds) {
            let command = command?;
            let log_path = self
                .paths
                .logs
                .join("vendors")
                .join(format!("{}.log", vendor.slug));
            let log = stdio::RotatingLog::open(log_path, 5 * 1024 * 1024, 3).map_err(|source| {
                StartError::Log {
                    vendor: vendor.name.clone(),
                    source,
                }
            })?;
            let program = command.program.clone();
            let spec = stdio::Spawn {
                program: command.program,
                args: command.args,
                env: command.env,
                cwd: command.cwd,
                max_message_bytes: max,
                redactor: redactor.clone(),
                stderr_log: Arc::new(log),
                stderr_tail: wiring.stderr_tail,
            };
            let child = StdioChild::spawn(spec, wiring.events).map_err(|e| StartError::Spawn {
                program: redactor.redact(&program.display().to_string()),
                detail: redactor.redact(&e.to_string()),
            })?;
            return Ok(Box::new(child));
        }
        if let Plan::Gateway { endpoint } = &launch.plan {
            let tokens = TokenSource::new(self.paths.clone(), self.vault.clone()).map_err(|e| {
                StartError::Spawn {
                    program: endpoint.to_string(),
                    detail: e.to_string(),
                }
            })?;
            let spec = http::Connect {
                vendor: vendor.name.clone(),
                url: endpoint.clone(),
                headers: Vec::new(),
                bearer: Some(Arc::new(SignedIn(tokens))),
                max_message_bytes: max,
                redactor,
                relist_every: Some(self.gateway_relist),
                call_limit: self.call_timeout,
            };
            return Ok(Box::new(HttpServer::start(spec, wiring.events)?));
        }
        let Plan::Http { url } = &launch.plan else {
            unreachable!("command_line covers every other plan");
        };
        let spec = http::Connect {
            vendor: vendor.name.clone(),
            url: url.clone(),
            headers: http_headers(vendor, &creds),
            bearer: None,
            max_message_bytes: max,
            redactor,
            relist_every: None,
            call_limit: self.call_timeout,
        };
        Ok(Box::new(HttpServer::start(spec, wiring.events)?))
    }
}

impl Connector for Spawner {
    fn connect<'a>(
        &'a self,
        vendor: &'a Vendor,
        launch: &'a Launch,
        wiring: Wiring,
    ) -> BoxFuture<'a, Result<Box<dyn Upstream>, StartError>> {
        Box::pin(self.start(vendor, launch, wiring))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::vars::{BundleLaunch, Input};
    use crate::catalog::{Field, FieldKind, LocalLaunch};

    fn vendor() -> Vendor {
        let field = |key: &str, secret: bool| Field {
            key: key.into(),
            label: key.into(),
            help: String::new(),
            env: format!("ACME_{}", key.to_uppercase()),
            header: Some(format!("x-acme-{key}")),
            secret,
            required: true,
            default: None,
            options: Vec::new(),
            kind: FieldKind::Text,
            placeholder: None,
        };
        let mut v = crate::sources::custom_server_vendor(
            "acme",
            &crate::config::CustomServer {
                command: "acme-server".into(),
                args: vec![],
                env: BTreeMap::new(),
                secret_env: vec![],
            },
        );
        v.name = "Acme".into();
        v.fields = vec![field("api_key", true), field("region", false)];
        v.launch.local = LocalLaunch::Bundle;
        v
    }

    fn creds() -> Credentials {
        Credentials::from_pairs(&[("region", "eu")], &[("api_key", "sk-very-secret")])
    }

    #[test]
    fn a_stdio_server_gets_its_credentials_in_the_environment_and_never_in_argv() {
        let plan = Plan::Stdio {
            program: "/usr/bin/acme".into(),
            args: vec!["--stdio".into()],
            env: BTreeMap::from([("MCP_TRANSPORT".into(), "stdio".into())]),
        };
        let cmd = command_line(&vendor(), &plan, &creds()).unwrap().unwrap();
        assert_eq!(cmd.args, ["--stdio"]);
        assert_eq!(cmd.env["ACME_API_KEY"], "sk-very-secret");
        assert_eq!(cmd.env["ACME_REGION"], "eu");
        assert_eq!(cmd.env["MCP_TRANSPORT"], "stdio");
        assert!(!format!("{:?}", cmd.args).contains("sk-very-secret"));
    }

    fn bundle_plan(args: &[&str], dir: &std::path::Path) -> Plan {
        let config = crate::bundle::manifest::McpConfig {
            command: "node".into(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            env: BTreeMap::from([("ACME_TOKEN".into(), "${user_config.api_key}".into())]),
            platform_overrides: BTreeMap::new(),
        };
        let inputs = BTreeMap::from([(
            "api_key".to_owned(),
            Input {
                field: Some("api_key".into()),
                default: None,
                secret: false,
            },
        )]);
        Plan::Bundle {
            program: "/usr/bin/node".into(),
            launch: Box::new(BundleLaunch::new(dir, &config, inputs).unwrap()),
            env: BTreeMap::new(),
            catalog_fields: false,
        }
    }

    #[test]
    fn a_bundle_gets_its_user_config_in_the_environment_and_runs_in_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let plan = bundle_plan(&["${__dirname}/server.js"], dir.path());
        let cmd = command_line(&vendor(), &plan, &creds()).unwrap().unwrap();
        assert_eq!(cmd.env["ACME_TOKEN"], "sk-very-secret");
        assert!(
            !cmd.env.contains_key("ACME_API_KEY"),
            "not tied to the catalog"
        );
        assert_eq!(cmd.cwd.as_deref(), Some(dir.path()));
        assert!(cmd.args[0].ends_with("server.js"), "{:?}", cmd.args);
    }

    #[test]
    fn a_bundle_that_would_pass_a_secret_as_an_argument_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let plan = bundle_plan(&["--token", "${user_config.api_key}"], dir.path());
        let err = command_line(&vendor(), &plan, &creds())
            .unwrap()
            .unwrap_err();
        assert!(matches!(err, StartError::SecretOnArgv { .. }), "{err:?}");
        assert_eq!(err.code(), ErrorCode::LaunchFailed);
        assert!(!err.to_string().contains("sk-very-secret"), "{err}");
        assert!(err.to_string().contains("Acme's bundle would put a secret"));
    }

    #[test]
    fn an_http_plan_has_no_command_and_sends_fields_with_a_header_name() {
        let plan = Plan::Http {
            url: "http://127.0.0.1:9/mcp".parse().unwrap(),
        };
        assert!(command_line(&vendor(), &plan, &creds()).is_none());
        let headers = http_headers(&vendor(), &creds());
        let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["x-acme-api_key", "x-acme-region"]);
        assert_eq!(headers[0].1.expose(), "sk-very-secret");
    }

    #[test]
    fn a_launch_error_reads_with_its_hint_and_keeps_its_code() {
        let err = StartError::Launch(LaunchError::BadUrl {
            vendor: "Acme".into(),
            url: "ftp://x".into(),
        });
        assert_eq!(err.code(), ErrorCode::LaunchFailed);
        assert_eq!(
            err.to_string(),
            "Acme's launch URL `ftp://x` is not an http(s) URL; give a URL like http://127.0.0.1:8080/mcp"
        );
    }
}
