//! A server over streamable HTTP: a self-hosted vendor server (credentials as headers,
//! the server running with `AUTH_MODE=gateway`) or the hosted gateway (a bearer token
//! from the sign-in).
//!
//! Each message is one POST. A response comes back as JSON or as an SSE stream;
//! notifications get 202. Requests run concurrently. Besides that:
//! - a bearer token comes from a [`Bearer`]; a 401 asks it for a renewed token and the
//!   request is sent once more, and a 403 `insufficient_scope` asks it for more scope
//!   (the CLI steps up in the browser; the daemon cannot, and says so);
//! - a 404 on a request that carried `Mcp-Session-Id` means the server restarted and
//!   forgot the session: `initialize` is replayed and the request sent again;
//! - an SSE answer that ends before the response is resumed with a GET carrying
//!   `Last-Event-ID`, after the `retry` the server asked for;
//! - after `initialize`, requests carry `MCP-Protocol-Version`;
//! - `relist_every` makes the connection announce `tools/list_changed` now and then,
//!   so a gateway that gained vendors is listed again.
//!
//! A request that fails in transport is answered locally with a JSON-RPC error naming
//! the vendor, so the caller never waits in silence. Secrets travel only in headers
//! marked sensitive, and every message about a failure is redacted.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use futures::future::BoxFuture;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::{Event, Upstream};
use crate::code::{Coded, ErrorCode};
use crate::gateway::discovery::Challenge;
use crate::jsonrpc::{Kind, Message, code};
use crate::secret::{Redactor, Secret};

/// How often an SSE answer that broke off is resumed before the call fails.
const RESUMES: usize = 3;
/// The longest wait before resuming that a server's `retry` can ask for.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);

pub struct HttpServer {
    tx: mpsc::UnboundedSender<Message>,
    task: tokio::task::JoinHandle<()>,
}

/// Why the connection to a server could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    #[error("`{0}` is not a valid header name")]
    HeaderName(String),
    #[error("the value for `{0}` cannot be sent as a header")]
    HeaderValue(String),
    #[error("cannot set up the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}

impl Coded for HttpError {
    fn code(&self) -> ErrorCode {
        ErrorCode::LaunchFailed
    }
}

/// Why no token can be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthProblem {
    /// Said to the caller, in words.
    pub message: String,
    /// The sign-in is over: nothing works until a new one.
    pub signed_out: bool,
}

/// Where a connection's bearer token comes from.
pub trait Bearer: Send + Sync + 'static {
    /// The token to send now (`None`: the server needs none).
    fn token(&self) -> BoxFuture<'_, Result<Option<Secret<String>>, AuthProblem>>;

    /// The server answered `status` (401, or 403 `insufficient_scope`) with
    /// `challenge` to `sent`: a token to send the request once more with.
    fn rejected<'a>(
        &'a self,
        sent: Option<&'a Secret<String>>,
        status: u16,
        challenge: Challenge,
    ) -> BoxFuture<'a, Result<Option<Secret<String>>, AuthProblem>>;
}

pub struct Connect {
    pub vendor: String,
    pub url: url::Url,
    /// Credential headers (name, value).
    pub headers: Vec<(String, Secret<String>)>,
    pub bearer: Option<Arc<dyn Bearer>>,
    pub max_message_bytes: usize,
    pub redactor: Redactor,
    /// Announce `tools/list_changed` this often (for a gateway that gains vendors).
    pub relist_every: Option<Duration>,
    /// The longest one message may take, retries and resumes included; past it the
    /// request is answered with an error and its connection dropped.
    pub call_limit: Duration,
}

impl HttpServer {
    pub fn start(spec: Connect, events: mpsc::UnboundedSender<Event>) -> Result<Self, HttpError> {
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("application/json, text/event-stream"),
        );
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in &spec.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| HttpError::HeaderName(name.clone()))?;
            let mut value = HeaderValue::from_str(value.expose())
                .map_err(|_| HttpError::HeaderValue(name.to_string()))?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(HttpError::Client)?;
        let (tx, mut rx) = mpsc::unbounded_channel::<Message>();
        let relist_every = spec.relist_every;
        let shared = Arc::new(Shared {
            spec,
            client,
            session: Mutex::new(None),
            init: Mutex::new(None),
            protocol: Mutex::new(None),
            signed_out: AtomicBool::new(false),
            events,
        });
        let task = tokio::spawn(async move {
            let mut inflight = JoinSet::new();
            let mut relist = relist_every
                .map(|every| tokio::time::interval_at(tokio::time::Instant::now() + every, every));
            loop {
                let tick = async {
                    match relist.as_mut() {
                        Some(i) => {
                            i.tick().await;
                        }
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    msg = rx.recv() => match msg {
                        Some(msg) => {
                            let shared = shared.clone();
                            inflight.spawn(async move { shared.post(msg).await });
                            while inflight.try_join_next().is_some() {}
                        }
                        None => break,
                    },
                    () = tick => {
                        let note = Message::notification("notifications/tools/list_changed", None);
                        let _ = shared.events.send(Event::Message(note));
                    }
                }
            }
            while inflight.join_next().await.is_some() {}
            let _ = shared
                .events
                .send(Event::Closed("the connection was closed".to_owned()));
        });
        Ok(Self { tx, task })
    }
}

impl Upstream for HttpServer {
    fn send(&self, msg: Message) {
        let _ = self.tx.send(msg);
    }

    fn shutdown(self: Box<Self>, _grace: Duration) -> BoxFuture<'static, ()> {
        self.task.abort();
        Box::pin(std::future::ready(()))
    }
}

struct Shared {
    spec: Connect,
    client: reqwest::Client,
    /// `Mcp-Session-Id`, once the server has given one.
    session: Mutex<Option<String>>,
    /// The `initialize` request, to replay when the server forgets the session.
    init: Mutex<Option<Message>>,
    /// The protocol version `initialize` settled on.
    protocol: Mutex<Option<String>>,
    /// A sign-in that is over: every request fails at once, without the network.
    signed_out: AtomicBool,
    events: mpsc::UnboundedSender<Event>,
}

/// How long the rest of an SSE answer is read after the response came.
const DRAIN: Duration = Duration::from_secs(5);

/// How one request's answer went.
enum Outcome {
    /// Delivered (or nothing to deliver).
    Done,
    /// 401 / 403 with this challenge.
    Refused(u16, Challenge),
    /// 404 for a session the server no longer knows.
    SessionGone,
    /// A transport or HTTP failure, in words.
    Failed(String),
}

impl Shared {
    fn host(&self) -> String {
        self.spec.url.host_str().unwrap_or("the server").to_owned()
    }

    /// Answers request `id` with an error naming the vendor.
    fn fail(&self, id: Option<&Value>, why: &str) {
        if let Some(id) = id {
            let text = self
                .spec
                .redactor
                .redact(&format!("{}: {why}", self.spec.vendor));
            let _ = self.events.send(Event::Message(Message::error_response(
                id.clone(),
                code::UPSTREAM_FAILED,
                &text,
                None,
            )));
        }
    }

    fn auth_problem(&self, id: Option<&Value>, problem: AuthProblem) {
        self.fail(id, &problem.message);
        if problem.signed_out && !self.signed_out.swap(true, Ordering::SeqCst) {
            let _ = self.events.send(Event::AuthLost(problem.message));
        }
    }

    async fn post(&self, msg: Message) {
        let id = (msg.kind() == Kind::Request)
            .then(|| msg.id.clone())
            .flatten();
        if msg.method.as_deref() == Some("initialize") {
            *self.init.lock().expect("init lock") = Some(msg.clone());
        }
        if self.signed_out.load(Ordering::SeqCst) {
            return self.fail(
                id.as_ref(),
                "the team sign-in has expired; sign in again (`switchboard login`, or from the tray)",
            );
        }
        let limit = self.spec.call_limit;
        if tokio::time::timeout(limit, self.deliver_one(&msg, id.as_ref()))
            .await
            .is_err()
        {
            self.fail(
                id.as_ref(),
                &format!(
                    "{} did not answer within {} s",
                    self.host(),
                    limit.as_secs_f32()
                ),
            );
        }
    }

    /// Sends `msg` and delivers the answer, renewing the token, replaying
    /// `initialize` and resuming as needed.
    async fn deliver_one(&self, msg: &Message, id: Option<&Value>) {
        let mut token = match &self.spec.bearer {
            Some(b) => match b.token().await {
                Ok(t) => t,
                Err(p) => return self.auth_problem(id, p),
            },
            None => None,
        };
        let mut retried_auth = false;
        let mut replayed_init = false;
        loop {
            match self.exchange(msg, id, token.as_ref()).await {
                Outcome::Done => return,
                Outcome::Failed(why) => return self.fail(id, &why),
                Outcome::SessionGone
                    if !replayed_init && msg.method.as_deref() != Some("initialize") =>
                {
                    replayed_init = true;
                    *self.session.lock().expect("session lock") = None;
                    if let Outcome::Failed(why) = self.reinitialize(token.as_ref()).await {
                        return self.fail(id, &why);
                    }
                }
                Outcome::SessionGone => {
                    return self.fail(id, &format!("{} lost the session", self.host()));
                }
                Outcome::Refused(status, challenge) => {
                    let Some(bearer) = &self.spec.bearer else {
                        return self.fail(id, &format!("{} answered HTTP {status}", self.host()));
                    };
                    if retried_auth {
                        // Only this call fails: the sign-in itself is over only when
                        // a refresh is refused, which the bearer says.
                        return self.fail(
                            id,
                            &format!(
                                "{} refused a token it had just renewed (HTTP {status}); try again, and sign in again (`switchboard login`, or from the tray) if it keeps happening",
                                self.host()
                            ),
                        );
                    }
                    retried_auth = true;
                    match bearer.rejected(token.as_ref(), status, challenge).await {
                        Ok(t) => token = t,
                        Err(p) => return self.auth_problem(id, p),
                    }
                }
            }
        }
    }

    fn request(
        &self,
        builder: reqwest::RequestBuilder,
        token: Option<&Secret<String>>,
    ) -> reqwest::RequestBuilder {
        let mut req = builder;
        if let Some(s) = self.session.lock().ok().and_then(|s| s.clone()) {
            req = req.header("Mcp-Session-Id", s);
        }
        if let Some(v) = self.protocol.lock().ok().and_then(|p| p.clone()) {
            req = req.header("MCP-Protocol-Version", v);
        }
        if let Some(token) = token
            && let Ok(mut value) = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        {
            value.set_sensitive(true);
            req = req.header(reqwest::header::AUTHORIZATION, value);
        }
        req
    }

    /// Sends `msg` once and delivers what comes back.
    async fn exchange(
        &self,
        msg: &Message,
        id: Option<&Value>,
        token: Option<&Secret<String>>,
    ) -> Outcome {
        let had_session = self.session.lock().ok().is_some_and(|s| s.is_some());
        let req = self.request(
            self.client.post(self.spec.url.clone()).body(msg.to_line()),
            token,
        );
        let host = self.host();
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => return Outcome::Failed(format!("cannot reach {host} ({})", error_chain(&e))),
        };
        let status = resp.status().as_u16();
        if matches!(status, 401 | 403) {
            let challenge = crate::gateway::discovery::challenge_of(&resp).unwrap_or_default();
            if status == 401 || challenge.insufficient_scope() {
                return Outcome::Refused(status, challenge);
            }
        }
        if status == 404 && had_session {
            return Outcome::SessionGone;
        }
        if let Some(s) = resp
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            && let Ok(mut session) = self.session.lock()
        {
            *session = Some(s.to_owned());
        }
        if status == 202 || status == 204 {
            return Outcome::Done;
        }
        if !resp.status().is_success() {
            return Outcome::Failed(format!("{host} answered HTTP {status}"));
        }
        if is_sse(&resp) {
            return self.stream(resp, id, token).await;
        }
        match resp.bytes().await {
            Ok(body) if body.len() > self.spec.max_message_bytes => Outcome::Failed(format!(
                "{host} answered with more than {} bytes",
                self.spec.max_message_bytes
            )),
            Ok(body) => {
                self.deliver(&String::from_utf8_lossy(&body));
                Outcome::Done
            }
            Err(e) => Outcome::Failed(format!(
                "the answer from {host} broke off ({})",
                error_chain(&e)
            )),
        }
    }

    /// Reads an SSE answer; resumes it with a GET when it ends before the response to
    /// `id`.
    async fn stream(
        &self,
        resp: reqwest::Response,
        id: Option<&Value>,
        token: Option<&Secret<String>>,
    ) -> Outcome {
        let host = self.host();
        let mut last_event: Option<String> = None;
        let mut retry = Duration::from_secs(1);
        let mut resp = resp;
        for attempt in 0..=RESUMES {
            let mut events = sse_stream::SseStream::from_bytes_stream(resp.bytes_stream());
            let mut answered = false;
            let mut broke = None;
            while let Some(event) = events.next().await {
                match event {
                    Ok(sse) => {
                        if let Some(i) = sse.id.filter(|i| !i.is_empty()) {
                            last_event = Some(i);
                        }
                        if let Some(ms) = sse.retry {
                            retry = Duration::from_millis(ms).min(MAX_RETRY_WAIT);
                        }
                        if let Some(data) = sse.data.filter(|d| !d.trim().is_empty())
                            && self.deliver(&data).iter().any(|r| Some(r) == id)
                        {
                            answered = true;
                            break;
                        }
                    }
                    Err(e) => {
                        broke = Some(e.to_string());
                        break;
                    }
                }
            }
            if answered {
                // Read the stream to its end (servers close it after the answer), so
                // the connection goes back to the pool instead of being torn down;
                // anything more on it is still delivered. Bounded: a server that keeps
                // it open loses the connection, not the answer.
                let _ = tokio::time::timeout(DRAIN, async {
                    while let Some(Ok(sse)) = events.next().await {
                        if let Some(data) = sse.data.filter(|d| !d.trim().is_empty()) {
                            self.deliver(&data);
                        }
                    }
                })
                .await;
                return Outcome::Done;
            }
            if id.is_none() {
                return Outcome::Done;
            }
            if attempt == RESUMES {
                break;
            }
            // The answer broke off: resume the stream where it ended.
            tracing::debug!(vendor = %self.spec.vendor, ?broke, "resuming an answer that broke off");
            tokio::time::sleep(retry).await;
            let mut get = self.request(
                self.client
                    .get(self.spec.url.clone())
                    .header(ACCEPT, "text/event-stream"),
                token,
            );
            if let Some(last) = &last_event {
                get = get.header("Last-Event-ID", last);
            }
            resp = match get.send().await {
                Ok(r) if r.status().is_success() && is_sse(&r) => r,
                Ok(r) => {
                    return Outcome::Failed(format!(
                        "the answer from {host} broke off, and resuming it was refused (HTTP {})",
                        r.status().as_u16()
                    ));
                }
                Err(e) => {
                    return Outcome::Failed(format!(
                        "the answer from {host} broke off, and resuming it failed ({})",
                        error_chain(&e)
                    ));
                }
            };
        }
        Outcome::Failed(format!("the answer from {host} broke off {RESUMES} times"))
    }

    /// Sends the saved `initialize` again (the server forgot the session), and
    /// `notifications/initialized`; nothing of it reaches the caller.
    async fn reinitialize(&self, token: Option<&Secret<String>>) -> Outcome {
        let Some(init) = self.init.lock().expect("init lock").clone() else {
            return Outcome::Failed(format!("{} lost the session before it began", self.host()));
        };
        let resp = match self
            .request(
                self.client.post(self.spec.url.clone()).body(init.to_line()),
                token,
            )
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Failed(format!(
                    "cannot reach {} ({})",
                    self.host(),
                    error_chain(&e)
                ));
            }
        };
        if !resp.status().is_success() {
            return Outcome::Failed(format!(
                "{} did not take the session again (HTTP {})",
                self.host(),
                resp.status().as_u16()
            ));
        }
        if let Some(s) = resp
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
        {
            *self.session.lock().expect("session lock") = Some(s.to_owned());
        }
        let _ = resp.bytes().await;
        let note = Message::notification("notifications/initialized", None);
        let _ = self
            .request(
                self.client.post(self.spec.url.clone()).body(note.to_line()),
                token,
            )
            .send()
            .await;
        tracing::info!(vendor = %self.spec.vendor, "the server had forgotten the session; initialized again");
        Outcome::Done
    }

    /// Hands the messages in `text` on; returns the ids of the responses among them.
    fn deliver(&self, text: &str) -> Vec<Value> {
        let trimmed = text.trim();
        let items: Vec<&str> = if trimmed.starts_with('[') {
            // A JSON-RPC batch: split into its messages.
            match serde_json::from_str::<Vec<&serde_json::value::RawValue>>(trimmed) {
                Ok(items) => items.into_iter().map(|r| r.get()).collect(),
                Err(_) => vec![trimmed],
            }
        } else {
            vec![trimmed]
        };
        let init_id = self
            .init
            .lock()
            .ok()
            .and_then(|i| i.as_ref().and_then(|m| m.id.clone()));
        let mut responses = Vec::new();
        for item in items {
            let event = match Message::parse(item) {
                Ok(m) => {
                    if m.kind() == Kind::Response
                        && let Some(rid) = &m.id
                    {
                        if Some(rid) == init_id.as_ref()
                            && let Some(v) = m.result_value().and_then(|r| {
                                r.get("protocolVersion")
                                    .and_then(Value::as_str)
                                    .map(str::to_owned)
                            })
                        {
                            *self.protocol.lock().expect("protocol lock") = Some(v);
                        }
                        responses.push(rid.clone());
                    }
                    Event::Message(m)
                }
                Err(e) => Event::Protocol(format!("answered with something that is not MCP: {e}")),
            };
            let _ = self.events.send(event);
        }
        responses
    }
}

fn is_sse(resp: &reqwest::Response) -> bool {
    resp.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/event-stream"))
}

fn error_chain(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut parts = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    if parts.is_empty() {
        "request failed".to_owned()
    } else {
        parts.join(": ")
    }
}
