//! A vendor server over streamable HTTP: the self-hosted pattern, where the vendor's
//! container runs with `AUTH_MODE=gateway` and reads credentials from headers.
//!
//! Each message is one POST. A response comes back as JSON or as an SSE stream of
//! messages; notifications get 202. Requests run concurrently. A request that fails
//! in transport is answered locally with a JSON-RPC error naming the vendor, so the
//! caller never waits in silence. Secrets travel only in the configured headers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use futures::future::BoxFuture;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::{Event, Upstream};
use crate::code::{Coded, ErrorCode};
use crate::jsonrpc::{Kind, Message, code};
use crate::secret::{Redactor, Secret};

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

pub struct Connect {
    pub vendor: String,
    pub url: url::Url,
    /// Credential headers (name, value).
    pub headers: Vec<(String, Secret<String>)>,
    pub max_message_bytes: usize,
    pub redactor: Redactor,
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
            .build()
            .map_err(HttpError::Client)?;
        let (tx, mut rx) = mpsc::unbounded_channel::<Message>();
        let shared = Arc::new(Shared {
            spec,
            client,
            session: Mutex::new(None),
            events,
        });
        let task = tokio::spawn(async move {
            let mut inflight = JoinSet::new();
            while let Some(msg) = rx.recv().await {
                let shared = shared.clone();
                inflight.spawn(async move { shared.post(msg).await });
                while inflight.try_join_next().is_some() {}
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
    events: mpsc::UnboundedSender<Event>,
}

impl Shared {
    async fn post(&self, msg: Message) {
        let id = (msg.kind() == Kind::Request)
            .then(|| msg.id.clone())
            .flatten();
        let mut req = self.client.post(self.spec.url.clone()).body(msg.to_line());
        if let Some(session) = self.session.lock().ok().and_then(|s| s.clone()) {
            req = req.header("Mcp-Session-Id", session);
        }
        let host = self.spec.url.host_str().unwrap_or("the server").to_owned();
        let fail = |why: String| {
            if let Some(id) = &id {
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
        };
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => return fail(format!("cannot reach {host} ({})", error_chain(&e))),
        };
        if let Some(s) = resp
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            && let Ok(mut session) = self.session.lock()
        {
            *session = Some(s.to_owned());
        }
        let status = resp.status();
        if status.as_u16() == 202 || status.as_u16() == 204 {
            return;
        }
        if !status.is_success() {
            return fail(format!("{host} answered HTTP {}", status.as_u16()));
        }
        let is_sse = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/event-stream"));
        if is_sse {
            let mut stream = sse_stream::SseStream::from_bytes_stream(resp.bytes_stream());
            while let Some(event) = stream.next().await {
                match event {
                    Ok(sse) => {
                        if let Some(data) = sse.data.filter(|d| !d.trim().is_empty()) {
                            self.deliver(&data);
                        }
                    }
                    Err(e) => return fail(format!("the event stream from {host} broke ({e})")),
                }
            }
        } else {
            match resp.bytes().await {
                Ok(body) if body.len() > self.spec.max_message_bytes => {
                    fail(format!(
                        "{host} answered with more than {} bytes",
                        self.spec.max_message_bytes
                    ));
                }
                Ok(body) => self.deliver(&String::from_utf8_lossy(&body)),
                Err(e) => fail(format!(
                    "the answer from {host} broke off ({})",
                    error_chain(&e)
                )),
            }
        }
    }

    fn deliver(&self, text: &str) {
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
        for item in items {
            let event = match Message::parse(item) {
                Ok(m) => Event::Message(m),
                Err(e) => Event::Protocol(format!("answered with something that is not MCP: {e}")),
            };
            let _ = self.events.send(event);
        }
    }
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
