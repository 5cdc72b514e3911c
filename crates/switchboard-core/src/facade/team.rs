//! The facade's team operations: sign in and out of the hosted gateway, what the
//! sign-in serves, pinning a vendor to a source, and `team tools` / `team call`.
//!
//! `team tools` and `team call` talk to the gateway through the same HTTP upstream
//! the daemon uses (bearer, session, SSE resumption), with a bearer that can step up
//! in the browser when the gateway asks for more scope, a bounded number of times.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::code::{Coded, ErrorCode};
use crate::config::Pin;
use crate::error::Result;
use crate::gateway::browser::BrowserLauncher;
use crate::gateway::discovery::Challenge;
use crate::gateway::login::{self, LoginOptions, SignedOut, Stage};
use crate::gateway::tokens::TokenSource;
use crate::gateway::{self, GatewayError, MAX_SCOPE_STEPS};
use crate::jsonrpc::{Kind, Message};
use crate::secret::{Redactor, Secret};
use crate::servers;
use crate::status::{TeamVendor, TeamView};
use crate::supervisor::upstream::http::{AuthProblem, Bearer, Connect, HttpServer};
use crate::supervisor::upstream::{Event, Upstream};

use super::Switchboard;

/// What errors call the gateway.
const GATEWAY: &str = "the team gateway";

/// Reports a sign-in's stages (the CLI prints them; the app shows them).
pub type Progress = Arc<dyn Fn(Stage<'_>) + Send + Sync>;

/// A bearer for a person at a terminal or the app: renews tokens, and steps up in
/// the browser when the gateway wants more scope.
struct Interactive {
    sb: Switchboard,
    tokens: TokenSource,
    browser: Arc<dyn BrowserLauncher>,
    progress: Progress,
    steps: AtomicUsize,
    /// The sign-in problem behind the last failed request, so the caller gets it
    /// typed (not signed in, sign in again) rather than as an error answer's text.
    failure: Arc<Mutex<Option<GatewayError>>>,
}

impl Interactive {
    fn failed(&self, e: GatewayError) -> AuthProblem {
        let p = problem(&e);
        *self.failure.lock().expect("failure lock") = Some(e);
        p
    }
}

fn problem(e: &GatewayError) -> AuthProblem {
    AuthProblem {
        message: match e.hint() {
            Some(h) => format!("{e}; {h}"),
            None => e.to_string(),
        },
        signed_out: e.code() == ErrorCode::NotSignedIn,
    }
}

impl Bearer for Interactive {
    fn token(&self) -> BoxFuture<'_, std::result::Result<Option<Secret<String>>, AuthProblem>> {
        Box::pin(async move { self.tokens.current().await.map_err(|e| self.failed(e)) })
    }

    fn rejected<'a>(
        &'a self,
        sent: Option<&'a Secret<String>>,
        status: u16,
        challenge: Challenge,
    ) -> BoxFuture<'a, std::result::Result<Option<Secret<String>>, AuthProblem>> {
        Box::pin(async move {
            if status == 401 {
                return self
                    .tokens
                    .refreshed(sent)
                    .await
                    .map_err(|e| self.failed(e));
            }
            let step = self.steps.fetch_add(1, Ordering::SeqCst) + 1;
            if step > MAX_SCOPE_STEPS {
                return Err(self.failed(GatewayError::ScopeSteps {
                    scope: challenge.scope.unwrap_or_default(),
                    tries: step - 1,
                }));
            }
            let opts = LoginOptions::default();
            let progress = self.progress.clone();
            let report = move |s: Stage<'_>| progress(s);
            login::step_up(
                &self.sb.paths,
                &self.sb.vault,
                challenge.scope.as_deref(),
                &opts,
                self.browser.as_ref(),
                &report,
            )
            .await
            .map(Some)
            .map_err(|e| self.failed(e))
        })
    }
}

/// One MCP session with the gateway, for `team tools` and `team call`.
struct TeamSession {
    server: HttpServer,
    events: mpsc::UnboundedReceiver<Event>,
    next_id: u64,
    failure: Arc<Mutex<Option<GatewayError>>>,
}

impl TeamSession {
    async fn open(
        sb: &Switchboard,
        browser: Arc<dyn BrowserLauncher>,
        progress: Progress,
    ) -> Result<Self> {
        let signin = gateway::store::read(&sb.paths)?.ok_or(GatewayError::NotSignedIn)?;
        let endpoint = url::Url::parse(&signin.endpoint)
            .map_err(|_| GatewayError::BadUrl(signin.endpoint.clone()))?;
        let failure = Arc::new(Mutex::new(None));
        let bearer = Interactive {
            sb: sb.clone(),
            tokens: TokenSource::new(sb.paths.clone(), sb.vault.clone())?,
            browser,
            progress,
            steps: AtomicUsize::new(0),
            failure: failure.clone(),
        };
        let (tx, events) = mpsc::unbounded_channel();
        let server = HttpServer::start(
            Connect {
                vendor: GATEWAY.into(),
                url: endpoint,
                headers: Vec::new(),
                bearer: Some(Arc::new(bearer)),
                max_message_bytes: 64 * 1024 * 1024,
                redactor: Redactor::new(),
                relist_every: None,
                // As long as the daemon gives a call, plus a browser round for more
                // scope.
                call_limit: sb
                    .config()
                    .cloned()
                    .unwrap_or_default()
                    .supervisor
                    .call_timeout()
                    + LoginOptions::default().wait,
            },
            tx,
        )
        .map_err(|e| GatewayError::Failed(e.to_string()))?;
        let mut session = Self {
            server,
            events,
            next_id: 1,
            failure,
        };
        session
            .request("initialize", gateway::discovery::initialize_params())
            .await?;
        session
            .server
            .send(Message::notification("notifications/initialized", None));
        Ok(session)
    }

    /// Sends a request and waits for its answer; an error answer becomes an error.
    async fn request(&mut self, method: &str, params: Value) -> Result<Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.server
            .send(Message::request(json!(id), method, Some(params)));
        while let Some(event) = self.events.recv().await {
            let failed = match event {
                Event::Message(m) if m.kind() == Kind::Response && m.id == Some(json!(id)) => {
                    match m.result_value() {
                        Some(result) => return Ok(result),
                        None => m.error_message().unwrap_or_else(|| "an error".to_owned()),
                    }
                }
                Event::AuthLost(why) => why,
                Event::Closed(why) | Event::Protocol(why) => why,
                Event::Message(_) => continue,
            };
            // A sign-in problem comes back as itself; anything else in words.
            return Err(match self.failure.lock().expect("failure lock").take() {
                Some(e) => e.into(),
                None if failed.starts_with(GATEWAY) => GatewayError::Failed(failed).into(),
                None => GatewayError::Failed(format!("{GATEWAY}: {failed}")).into(),
            });
        }
        Err(GatewayError::Failed(format!("{GATEWAY}: the connection ended")).into())
    }

    async fn close(self) {
        Box::new(self.server)
            .shutdown(std::time::Duration::ZERO)
            .await;
    }
}

impl Switchboard {
    /// Signs in to the team gateway, then tells the daemon. A client id given here is
    /// kept in the settings for next time once the sign-in worked, together with the
    /// gateway it belongs to (its secret goes in the keychain with the sign-in).
    pub async fn login(
        &self,
        opts: LoginOptions,
        browser: &dyn BrowserLauncher,
        progress: &(dyn Fn(Stage<'_>) + Sync),
    ) -> Result<TeamView> {
        let settings = self.config().cloned().unwrap_or_default().gateway;
        if let Some(preset) = self.preset().preset()
            && preset.is_locked("gateway.url")
            && let Some(asked) = &opts.gateway
        {
            let endpoint = |u: &str| gateway::endpoint::mcp_endpoint(u).ok();
            if endpoint(asked) != preset.gateway.url.as_deref().and_then(endpoint) {
                return Err(crate::config::ConfigError::Managed {
                    setting: "the team gateway".into(),
                    by: preset.managed_by(),
                }
                .into());
            }
        }
        login::login(
            &self.paths,
            &self.vault,
            &settings,
            &opts,
            browser,
            progress,
        )
        .await?;
        if let Some(client_id) = &opts.client_id {
            let url = opts.gateway.as_deref().or(settings.url.as_deref());
            servers::set_gateway(&self.paths, url, Some(client_id))?;
        }
        self.notify_daemon(Some(gateway::SLUG)).await;
        self.team().await
    }

    /// Revokes the sign-in's tokens and removes every keychain item and file of it,
    /// and the cached list of the team's tools.
    pub async fn logout(&self) -> Result<SignedOut> {
        let out = login::logout(&self.paths, &self.vault).await?;
        self.notify_daemon(Some(gateway::SLUG)).await;
        // The team's tool list goes too (the daemon has let go of the gateway).
        crate::supervisor::cache::remove(&self.paths.cache, gateway::SLUG);
        Ok(out)
    }

    /// The sign-in and every vendor served, by whom.
    pub async fn team(&self) -> Result<TeamView> {
        let signin = gateway::store::read(&self.paths)?;
        let report = self.status().await?;
        let settings = self.config().cloned().unwrap_or_default().gateway;
        let endpoint = match &signin {
            Some(s) => s.endpoint.clone(),
            None => login::endpoint_for(&LoginOptions::default(), &settings)
                .map(|u| u.to_string())
                .unwrap_or_default(),
        };
        let vendors = report
            .vendors
            .iter()
            .filter_map(|v| {
                Some(TeamVendor {
                    slug: v.slug.clone(),
                    name: v.name.clone(),
                    served_by: v.served_by?,
                    tools: v.tools,
                })
            })
            .collect();
        let gateway = report.gateway.as_ref();
        Ok(TeamView {
            signed_in: signin.as_ref().is_some_and(|s| s.signed_out.is_none()),
            endpoint,
            oauth: signin.as_ref().is_none_or(|s| s.oauth.is_some()),
            account: signin.as_ref().and_then(|s| s.account.clone()),
            team: signin.as_ref().and_then(|s| s.team.clone()),
            expires_at: signin
                .as_ref()
                .and_then(|s| s.oauth.as_ref())
                .and_then(|o| o.expires_at),
            state: gateway.map(|g| g.state),
            problem: signin
                .as_ref()
                .and_then(|s| s.signed_out.clone())
                .or_else(|| gateway.and_then(|g| g.last_error.clone())),
            vendors,
        })
    }

    /// Every tool the gateway offers, as it lists them.
    pub async fn team_tools(
        &self,
        browser: Arc<dyn BrowserLauncher>,
        progress: Progress,
    ) -> Result<Vec<Value>> {
        let mut session = TeamSession::open(self, browser, progress).await?;
        let mut tools = Vec::new();
        let mut cursor: Option<Value> = None;
        loop {
            let params = match &cursor {
                Some(c) => json!({ "cursor": c }),
                None => json!({}),
            };
            let page = session.request("tools/list", params).await;
            let page = match page {
                Ok(p) => p,
                Err(e) => {
                    session.close().await;
                    return Err(e);
                }
            };
            tools.extend(
                page.get("tools")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            );
            cursor = page.get("nextCursor").filter(|c| !c.is_null()).cloned();
            if cursor.is_none() {
                break;
            }
        }
        session.close().await;
        Ok(tools)
    }

    /// Calls one of the gateway's tools (its full `vendor__tool` name).
    pub async fn team_call(
        &self,
        tool: &str,
        arguments: Value,
        browser: Arc<dyn BrowserLauncher>,
        progress: Progress,
    ) -> Result<Value> {
        let mut session = TeamSession::open(self, browser, progress).await?;
        let result = session
            .request(
                "tools/call",
                json!({ "name": tool, "arguments": arguments }),
            )
            .await;
        session.close().await;
        result
    }

    /// Pins `slug` to be served locally, by the gateway, or whichever can (`auto`).
    pub async fn set_source(&self, slug: &str, pin: Pin) -> Result<()> {
        if pin == Pin::Local {
            self.catalog.get(slug)?;
        }
        servers::set_source(&self.paths, slug, pin)?;
        self.notify_daemon(None).await;
        Ok(())
    }
}
