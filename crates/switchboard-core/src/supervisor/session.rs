//! One bridge's MCP session over the hub.
//!
//! A session sees the tools of the vendors in its scope (`--vendor`), renamed to
//! `<slug>__<tool>`, plus the meta tools (`meta_tools`). Lists are answered from the
//! hub's index, so nothing starts to list tools; calls, prompt gets, resource reads
//! and completions are routed to the owning vendor's actor. The session remembers
//! which vendor each of its requests went to, so a cancellation follows it. Malformed
//! input is answered with a JSON-RPC error and the session goes on.
//!
//! [`Session`] has one method per method family; `handle` only picks the family.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::sync::mpsc;
use tokio_util::codec::LinesCodecError;

use std::time::{Duration, Instant};

use super::actor::{Cmd, Reply, SessionId};
use super::approvals::{Answer, Waiting};
use super::hub::{Hub, Scope};
use super::meta_tools::{self, CALL_TOOL, SEARCH_TOOL};
use crate::audit::{self, Outcome, Record};
use crate::jsonrpc::{Kind, Message, code};
use crate::policy::Decision;

/// Protocol versions the daemon speaks to clients, newest first.
pub const CLIENT_PROTOCOLS: [&str; 4] = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

const INSTRUCTIONS: &str = "Tools from the MSP vendors connected in Switchboard, named <vendor>__<tool> (for example datto-rmm__list_devices). Call switchboard__search_tools with keywords to find the right tool and its arguments.";

/// Serves one MCP session until its input (lines of JSON-RPC) ends.
pub async fn serve<L, W>(hub: &Arc<Hub>, scope: Scope, mut lines: L, writer: W)
where
    L: futures::Stream<Item = Result<String, LinesCodecError>> + Unpin + Send,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (reply, out_rx) = mpsc::unbounded_channel::<Message>();
    let session = Session {
        hub: hub.clone(),
        id: hub.open_session(reply.clone(), scope.clone()),
        scope,
        reply,
        routed: Arc::default(),
        client: Arc::default(),
    };
    let writer = tokio::spawn(write_out(writer, out_rx, session.routed.clone()));

    let max = hub.deps().settings.max_message_bytes;
    while let Some(line) = lines.next().await {
        match line {
            Ok(line) if line.trim().is_empty() => {}
            Ok(line) => match Message::parse(&line) {
                Ok(msg) => session.handle(msg).await,
                Err(e) => session.error(Value::Null, code::PARSE_ERROR, &e.to_string()),
            },
            Err(LinesCodecError::MaxLineLengthExceeded) => {
                let text = format!("a message longer than {max} bytes was refused");
                session.error(Value::Null, code::INVALID_REQUEST, &text);
            }
            Err(LinesCodecError::Io(_)) => break,
        }
    }

    hub.close_session(session.id);
    for slug in hub.slugs() {
        hub.send(
            &slug,
            Cmd::SessionGone {
                session: session.id,
            },
        );
    }
    drop(session);
    let _ = writer.await;
}

/// Writes the session's outgoing messages, a line each, flushing when none are
/// waiting; an answer ends its request's routing entry.
async fn write_out<W: AsyncWrite + Unpin>(
    writer: W,
    mut out_rx: mpsc::UnboundedReceiver<Message>,
    routed: Routed,
) {
    let mut out = BufWriter::new(writer);
    while let Some(first) = out_rx.recv().await {
        let mut next = Some(first);
        while let Some(msg) = next {
            if msg.kind() == Kind::Response
                && let Some(id) = &msg.id
            {
                routed.lock().expect("routed lock").remove(&id.to_string());
            }
            let mut line = msg.to_line();
            line.push('\n');
            if out.write_all(line.as_bytes()).await.is_err() {
                return;
            }
            next = out_rx.try_recv().ok();
        }
        if out.flush().await.is_err() {
            return;
        }
    }
}

/// Where the technician answered, in words for the model.
fn where_answered(by: &str) -> String {
    match by {
        "cli" => "declined from the terminal".to_owned(),
        "tray" => "declined in the tray menu".to_owned(),
        "window" => "declined in Switchboard's window".to_owned(),
        "notification" => "declined from a notification".to_owned(),
        other => format!("declined ({other})"),
    }
}

/// Just whether a tool result says it is an error.
#[derive(serde::Deserialize)]
struct IsError {
    #[serde(default, rename = "isError")]
    is_error: bool,
}

/// The client's request id (as JSON text) → the vendor it was routed to.
type Routed = Arc<Mutex<HashMap<String, String>>>;

#[derive(Clone)]
struct Session {
    hub: Arc<Hub>,
    id: SessionId,
    scope: Scope,
    reply: Reply,
    routed: Routed,
    /// The client's name from its `initialize`, for the audit record.
    client: Arc<Mutex<Option<String>>>,
}

/// A `tools/call` on its way: what its audit record needs.
struct Call {
    started: Instant,
    vendor: String,
    tool: String,
    decision: Decision,
    arguments: Option<Value>,
}

impl Session {
    async fn handle(&self, msg: Message) {
        match msg.kind() {
            Kind::Response => {} // we send the client no requests
            Kind::Invalid => self.error(
                msg.id.unwrap_or(Value::Null),
                code::INVALID_REQUEST,
                "not a valid JSON-RPC request, notification or response",
            ),
            Kind::Notification => self.notification(&msg),
            Kind::Request => self.request(msg).await,
        }
    }

    async fn request(&self, msg: Message) {
        let params = msg.params_value();
        match msg.method.as_deref().unwrap_or_default() {
            "initialize" => self.initialize(&msg, &params),
            "ping" => self.respond(&msg, json!({})),
            "tools/list" | "prompts/list" | "resources/list" | "resources/templates/list" => {
                self.list(&msg).await;
            }
            "logging/setLevel" => self.set_level(&msg, params),
            "tools/call" => self.call_tool(msg, params),
            "prompts/get" => self.get_prompt(msg, params),
            "resources/read" | "resources/subscribe" | "resources/unsubscribe" => {
                self.resource(msg, &params);
            }
            "completion/complete" => self.complete(msg, params),
            other => {
                let text = format!("Switchboard does not handle `{other}`");
                self.error(msg.id.unwrap_or(Value::Null), code::METHOD_NOT_FOUND, &text);
            }
        }
    }

    fn respond(&self, request: &Message, result: Value) {
        let id = request.id.clone().unwrap_or(Value::Null);
        let _ = self.reply.send(Message::response(id, &result));
    }

    fn error(&self, id: Value, code: i64, text: &str) {
        let _ = self
            .reply
            .send(Message::error_response(id, code, text, None));
    }

    /// `notifications/cancelled`: passed to the vendor the request went to.
    fn notification(&self, msg: &Message) {
        if msg.method.as_deref() != Some("notifications/cancelled") {
            return;
        }
        let params = msg.params_value();
        let Some(request_id) = params.get("requestId") else {
            return;
        };
        let owner = self
            .routed
            .lock()
            .expect("routed lock")
            .remove(&request_id.to_string());
        if let Some(slug) = owner {
            let reason = params
                .get("reason")
                .and_then(Value::as_str)
                .map(str::to_owned);
            self.hub.send(
                &slug,
                Cmd::Cancel {
                    session: self.id,
                    client_id: request_id.clone(),
                    reason,
                },
            );
        }
    }

    /// Agrees on the client's protocol version when we speak it, else our default.
    fn initialize(&self, msg: &Message, params: &Value) {
        if let Some(name) = params.pointer("/clientInfo/name").and_then(Value::as_str) {
            *self.client.lock().expect("client lock") = Some(name.to_owned());
        }
        let asked = params
            .get("protocolVersion")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let version = CLIENT_PROTOCOLS
            .iter()
            .find(|v| **v == asked)
            .copied()
            .unwrap_or(CLIENT_PROTOCOLS[1]);
        self.respond(
            msg,
            json!({
                "protocolVersion": version,
                "capabilities": {
                    "tools": { "listChanged": true },
                    "prompts": { "listChanged": true },
                    "resources": { "listChanged": true, "subscribe": true },
                    "logging": {}
                },
                "serverInfo": { "name": "switchboard", "title": "Switchboard", "version": env!("CARGO_PKG_VERSION") },
                "instructions": INSTRUCTIONS
            }),
        );
    }

    /// The four listings, from the index (tools and prompts wait for vendors that are
    /// starting for the first time).
    async fn list(&self, msg: &Message) {
        let scope = &self.scope;
        let result = match msg.method.as_deref() {
            Some("tools/list") => {
                self.hub.await_first_listings(scope).await;
                let id = msg.id.clone().unwrap_or(Value::Null);
                let listing = self.hub.tools_listing(scope);
                let _ = self.reply.send(Message::response_raw(id, listing));
                return;
            }
            Some("prompts/list") => {
                self.hub.await_first_listings(scope).await;
                json!({ "prompts": self.hub.prompts_for(scope) })
            }
            Some("resources/list") => {
                json!({ "resources": self.hub.listed(scope, |o| &o.resources) })
            }
            _ => json!({ "resourceTemplates": self.hub.listed(scope, |o| &o.resource_templates) }),
        };
        self.respond(msg, result);
    }

    /// `logging/setLevel`: to every vendor in scope; answered at once.
    fn set_level(&self, msg: &Message, params: Value) {
        let method = msg.method.clone().unwrap_or_default();
        for slug in self.hub.slugs().into_iter().filter(|s| self.scope.sees(s)) {
            self.hub.send(
                &slug,
                Cmd::Internal {
                    method: method.clone(),
                    params: params.clone(),
                },
            );
        }
        self.respond(msg, json!({}));
    }

    /// `tools/call`: a meta tool, or a vendor's tool by its exposed name.
    fn call_tool(&self, msg: Message, params: Value) {
        let name = params
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        match name.as_str() {
            SEARCH_TOOL => {
                let (query, limit) = meta_tools::search_request(&params);
                let found = self.hub.searchable(&self.scope).search(&query, limit);
                self.respond(&msg, meta_tools::search_result(found));
            }
            CALL_TOOL => {
                let (inner, inner_params) = meta_tools::unwrap_call(&params);
                self.route_tool(msg, &inner, inner_params);
            }
            _ => self.route_tool(msg, &name, params),
        }
    }

    fn route_tool(&self, msg: Message, exposed: &str, mut params: Value) {
        match self
            .hub
            .tool_owner(exposed)
            .filter(|(_, _, vendor)| self.scope.sees(vendor))
        {
            Some((owner, original, _)) if !self.hub.guarded() => {
                params["name"] = Value::String(original);
                self.route(msg, &owner, Some(params));
            }
            Some((owner, original, vendor)) => {
                let effective = self.hub.policy_of(&owner, &original, &vendor, exposed);
                params["name"] = Value::String(original);
                let call = Call {
                    started: Instant::now(),
                    vendor,
                    tool: exposed.to_owned(),
                    decision: effective.decision,
                    arguments: params.get("arguments").cloned(),
                };
                match effective.decision {
                    Decision::Allow => self.route_call(msg, &owner, params, call, None),
                    Decision::Deny => {
                        let text = format!(
                            "Switchboard's tool policy does not let `{}` run (set by {}). The technician has not allowed this tool: do not call it again; tell them what you wanted to do instead.",
                            call.tool, effective.why
                        );
                        self.refuse(msg, call, Outcome::Denied, None, &text);
                    }
                    Decision::Confirm => {
                        let session = self.clone();
                        tokio::spawn(async move {
                            session.confirm(msg, owner, params, call).await;
                        });
                    }
                }
            }
            None => {
                let text = format!(
                    "unknown tool `{exposed}`; call {SEARCH_TOOL} to find tools, or check that the vendor is connected"
                );
                self.error(msg.id.unwrap_or(Value::Null), code::INVALID_PARAMS, &text);
            }
        }
    }

    fn get_prompt(&self, msg: Message, mut params: Value) {
        let name = params
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        match self
            .hub
            .prompt_owner(&name)
            .filter(|(s, _)| self.scope.sees(s))
        {
            Some((slug, original)) => {
                params["name"] = Value::String(original);
                self.route(msg, &slug, Some(params));
            }
            None => {
                let text = format!("unknown prompt `{name}`");
                self.error(msg.id.unwrap_or(Value::Null), code::INVALID_PARAMS, &text);
            }
        }
    }

    /// `resources/read`, `subscribe`, `unsubscribe`: to the vendor that owns the URI.
    fn resource(&self, msg: Message, params: &Value) {
        let uri = params
            .get("uri")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match self.hub.resource_owner(uri).filter(|s| self.scope.sees(s)) {
            Some(slug) => self.route(msg, &slug, None),
            None => {
                let text = format!("unknown resource `{uri}`");
                self.error(
                    msg.id.unwrap_or(Value::Null),
                    code::RESOURCE_NOT_FOUND,
                    &text,
                );
            }
        }
    }

    /// `completion/complete`: to the vendor of the prompt or resource it refers to;
    /// no completions when none owns it.
    fn complete(&self, msg: Message, mut params: Value) {
        let target = match params.pointer("/ref/type").and_then(Value::as_str) {
            Some("ref/prompt") => {
                let name = params
                    .pointer("/ref/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                self.hub
                    .prompt_owner(name)
                    .map(|(slug, original)| (slug, Some(original)))
            }
            Some("ref/resource") => {
                let uri = params
                    .pointer("/ref/uri")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                self.hub.resource_owner(uri).map(|s| (s, None))
            }
            _ => None,
        };
        match target.filter(|(s, _)| self.scope.sees(s)) {
            Some((slug, original)) => {
                if let Some(n) = original {
                    params["ref"]["name"] = Value::String(n);
                }
                self.route(msg, &slug, Some(params));
            }
            None => self.respond(
                &msg,
                json!({ "completion": { "values": [], "hasMore": false } }),
            ),
        }
    }

    /// A `confirm` call: held until the technician answers outside the conversation
    /// (`switchboard approve`, the tray, the window), or denied when nobody does in
    /// time.
    async fn confirm(self, msg: Message, owner: String, params: Value, call: Call) {
        let timeout_s = self
            .hub
            .deps()
            .config
            .read()
            .expect("config lock")
            .policy
            .confirm_timeout_s;
        let waiting = Waiting {
            id: 0,
            vendor: call.vendor.clone(),
            tool: call.tool.clone(),
            arguments: call
                .arguments
                .as_ref()
                .map_or(Value::Null, audit::redact_arguments),
            client: self.client_name(),
            since: crate::time::now_rfc3339(),
            timeout_s,
        };
        let (id, answer) = self.hub.approvals().hold(waiting);
        tracing::info!(id, tool = %call.tool, "a call waits for the technician: `switchboard approve {id}` or `switchboard deny {id}`");
        self.hub.approvals_changed();
        let answer = tokio::time::timeout(Duration::from_secs(timeout_s), answer).await;
        if answer.is_err() {
            self.hub.approvals().forget(id);
        }
        self.hub.approvals_changed();
        match answer {
            Ok(Ok(Answer::Approved { by })) => {
                tracing::info!(id, tool = %call.tool, by = %by, "approved");
                self.route_call(msg, &owner, params, call, Some(by));
            }
            Ok(Ok(Answer::Declined { by })) => {
                let text = format!(
                    "The technician declined `{}` ({}). Do not call it again unless they ask you to.",
                    call.tool,
                    where_answered(&by)
                );
                self.refuse(msg, call, Outcome::Declined, Some(by), &text);
            }
            Ok(Err(_)) | Err(_) => {
                let text = format!(
                    "Nobody approved `{}` within {timeout_s} s, so Switchboard did not run it. Ask the technician to approve it (`switchboard approvals`, or the tray) before you call it again.",
                    call.tool
                );
                self.refuse(msg, call, Outcome::TimedOut, None, &text);
            }
        }
    }

    fn client_name(&self) -> Option<String> {
        self.client.lock().expect("client lock").clone()
    }

    fn record(
        &self,
        call: &Call,
        outcome: Outcome,
        approved_by: Option<String>,
        result_bytes: usize,
    ) -> Record {
        let with_arguments = self
            .hub
            .deps()
            .config
            .read()
            .expect("config lock")
            .policy
            .audit_arguments;
        Record {
            time: humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string(),
            client: self.client_name(),
            vendor: call.vendor.clone(),
            tool: call.tool.clone(),
            decision: call.decision,
            approved_by,
            outcome,
            duration_ms: call.started.elapsed().as_secs_f64() * 1000.0,
            result_bytes,
            arguments: if with_arguments {
                call.arguments.as_ref().map(audit::redact_arguments)
            } else {
                None
            },
        }
    }

    /// A call that does not run: a tool error the client shows, in words, recorded.
    fn refuse(&self, msg: Message, call: Call, outcome: Outcome, by: Option<String>, text: &str) {
        let result = json!({ "content": [{ "type": "text", "text": text }], "isError": true });
        let id = msg.id.unwrap_or(Value::Null);
        let answer = Message::response(id, &result);
        let bytes = answer.result.as_ref().map_or(0, |r| r.get().len());
        self.hub.audit(&self.record(&call, outcome, by, bytes));
        let _ = self.reply.send(answer);
    }

    /// Routes a `tools/call` with its answer watched: the audit record is written
    /// before the answer goes to the client.
    fn route_call(
        &self,
        mut msg: Message,
        slug: &str,
        params: Value,
        call: Call,
        by: Option<String>,
    ) {
        msg.set_params(&params);
        let id = msg.id.clone().unwrap_or(Value::Null);
        self.routed
            .lock()
            .expect("routed lock")
            .insert(id.to_string(), slug.to_owned());
        let (tx, mut rx) = mpsc::unbounded_channel::<Message>();
        let sent = self.hub.send(
            slug,
            Cmd::Request {
                session: self.id,
                reply: tx,
                msg,
            },
        );
        if !sent {
            self.routed
                .lock()
                .expect("routed lock")
                .remove(&id.to_string());
            let text = format!("`{slug}` is not connected");
            self.hub.audit(&self.record(&call, Outcome::Failed, by, 0));
            self.error(id, code::UPSTREAM_FAILED, &text);
            return;
        }
        let session = self.clone();
        tokio::spawn(async move {
            while let Some(m) = rx.recv().await {
                if m.kind() == Kind::Response && m.id.as_ref() == Some(&id) {
                    let (outcome, bytes) = match (&m.result, &m.error) {
                        (Some(r), _) => {
                            let is_error =
                                serde_json::from_str::<IsError>(r.get()).is_ok_and(|e| e.is_error);
                            let outcome = if is_error {
                                Outcome::ToolError
                            } else {
                                Outcome::Ok
                            };
                            (outcome, r.get().len())
                        }
                        (None, Some(e)) => (Outcome::Failed, e.get().len()),
                        (None, None) => (Outcome::Failed, 0),
                    };
                    session
                        .hub
                        .audit(&session.record(&call, outcome, by, bytes));
                    let _ = session.reply.send(m);
                    return;
                }
                let _ = session.reply.send(m);
            }
            // The actor went without answering.
            session
                .hub
                .audit(&session.record(&call, Outcome::Failed, by, 0));
        });
    }

    /// Hands a request to a vendor's actor, with `params` rewritten when given.
    fn route(&self, mut msg: Message, slug: &str, params: Option<Value>) {
        if let Some(p) = params {
            msg.set_params(&p);
        }
        let id = msg.id.clone().unwrap_or(Value::Null);
        self.routed
            .lock()
            .expect("routed lock")
            .insert(id.to_string(), slug.to_owned());
        let sent = self.hub.send(
            slug,
            Cmd::Request {
                session: self.id,
                reply: self.reply.clone(),
                msg,
            },
        );
        if !sent {
            self.routed
                .lock()
                .expect("routed lock")
                .remove(&id.to_string());
            let text = format!("`{slug}` is not connected");
            self.error(id, code::UPSTREAM_FAILED, &text);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use futures::channel::mpsc as fmpsc;
    use tokio::io::{AsyncBufReadExt, BufReader, DuplexStream, Lines};

    use super::*;
    use crate::config::SupervisorSettings;
    use crate::supervisor::testing::{self, FakeServer, fake_vendor, within};

    /// A client on one session: lines in, lines out.
    struct Client {
        to_session: fmpsc::UnboundedSender<Result<String, LinesCodecError>>,
        from_session: Lines<BufReader<DuplexStream>>,
    }

    impl Client {
        fn open(hub: &Arc<Hub>, scope: Scope) -> Self {
            let (to_session, lines) = fmpsc::unbounded();
            let (ours, theirs) = tokio::io::duplex(1 << 20);
            let hub = hub.clone();
            tokio::spawn(async move { serve(&hub, scope, lines, theirs).await });
            Self {
                to_session,
                from_session: BufReader::new(ours).lines(),
            }
        }

        fn send(&self, line: &str) {
            self.to_session.unbounded_send(Ok(line.to_owned())).unwrap();
        }

        fn request(&self, id: u64, method: &str, params: Value) {
            self.send(
                &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
                    .to_string(),
            );
        }

        async fn next(&mut self) -> Value {
            let line = within("a line from the session", self.from_session.next_line())
                .await
                .unwrap()
                .expect("the session is open");
            serde_json::from_str(&line).unwrap()
        }

        /// The next answer (skipping notifications).
        async fn answer(&mut self) -> Value {
            loop {
                let v = self.next().await;
                if v.get("method").is_none() {
                    return v;
                }
            }
        }

        async fn call(&mut self, id: u64, method: &str, params: Value) -> Value {
            self.request(id, method, params);
            self.answer().await
        }
    }

    fn names(list: &Value, key: &str) -> Vec<String> {
        list["result"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    }

    fn empty_hub() -> (Arc<Hub>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let (deps, _) = testing::deps(dir.path(), SupervisorSettings::default(), false);
        (Hub::start(deps, Vec::new()), dir)
    }

    #[tokio::test(start_paused = true)]
    async fn initialize_agrees_on_a_version_it_speaks_and_the_meta_tools_are_listed() {
        let (hub, _dir) = empty_hub();
        let mut c = Client::open(&hub, Scope::default());
        let init = c
            .call(1, "initialize", json!({"protocolVersion": "2025-03-26"}))
            .await;
        assert_eq!(init["result"]["protocolVersion"], "2025-03-26");
        assert_eq!(init["result"]["serverInfo"]["name"], "switchboard");
        let init = c
            .call(2, "initialize", json!({"protocolVersion": "1999-01-01"}))
            .await;
        assert_eq!(init["result"]["protocolVersion"], CLIENT_PROTOCOLS[1]);
        let tools = c.call(3, "tools/list", json!({})).await;
        assert_eq!(names(&tools, "tools"), [SEARCH_TOOL]);

        let mut compact = Client::open(
            &hub,
            Scope {
                vendors: None,
                compact: true,
            },
        );
        let tools = compact.call(1, "tools/list", json!({})).await;
        assert_eq!(names(&tools, "tools"), [SEARCH_TOOL, CALL_TOOL]);
    }

    #[tokio::test(start_paused = true)]
    async fn bad_input_gets_an_error_and_the_session_goes_on() {
        let (hub, _dir) = empty_hub();
        let mut c = Client::open(&hub, Scope::default());
        c.send("this is not json");
        let parse = c.answer().await;
        assert_eq!(
            (parse["id"].clone(), parse["error"]["code"].clone()),
            (Value::Null, json!(-32700))
        );
        c.send(r#"{"jsonrpc": "2.0", "id": 4}"#);
        assert_eq!(c.answer().await["error"]["code"], -32600);
        let unknown = c.call(5, "tools/teleport", json!({})).await;
        assert_eq!(unknown["error"]["code"], -32601);
        let tool = c.call(6, "tools/call", json!({"name": "nope__x"})).await;
        assert_eq!(tool["error"]["code"], -32602);
        assert!(
            tool["error"]["message"]
                .as_str()
                .unwrap()
                .contains("call switchboard__search_tools to find tools"),
            "{tool}"
        );
        let resource = c.call(7, "resources/read", json!({"uri": "x://y"})).await;
        assert_eq!(resource["error"]["code"], code::RESOURCE_NOT_FOUND);
        let completion = c
            .call(
                8,
                "completion/complete",
                json!({"ref": {"type": "ref/prompt", "name": "p"}}),
            )
            .await;
        assert_eq!(completion["result"]["completion"]["values"], json!([]));
        assert_eq!(c.call(9, "ping", json!({})).await["result"], json!({}));
    }

    /// A hub with vendor `fake` whose server is up (listing one tool, `echo`).
    async fn hub_with_fake() -> (Arc<Hub>, FakeServer, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let (deps, mut servers) = testing::deps(dir.path(), SupervisorSettings::default(), false);
        let hub = Hub::start(deps, vec![fake_vendor("fake")]);
        let mut server = within("server start", servers.recv()).await.unwrap();
        server.handshake().await;
        (hub, server, dir)
    }

    #[tokio::test(start_paused = true)]
    async fn calls_go_to_the_vendor_by_exposed_name_and_a_cancellation_follows_them() {
        let (hub, mut server, _dir) = hub_with_fake().await;
        let mut c = Client::open(&hub, Scope::default());
        let tools = c.call(1, "tools/list", json!({})).await;
        assert_eq!(names(&tools, "tools"), ["fake__echo", SEARCH_TOOL]);

        c.request(
            2,
            "tools/call",
            json!({"name": "fake__echo", "arguments": {"text": "hi"}}),
        );
        let up = server.expect("tools/call").await;
        assert_eq!(up.params_value()["name"], "echo", "the vendor's own name");
        server.answer(&up, json!({"content": [{"type": "text", "text": "hi"}]}));
        let answer = c.answer().await;
        assert_eq!(
            (
                answer["id"].clone(),
                answer["result"]["content"][0]["text"].clone()
            ),
            (json!(2), json!("hi"))
        );

        c.request(3, "tools/call", json!({"name": "fake__echo"}));
        let up = server.expect("tools/call").await;
        c.send(&json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 3, "reason": "enough"}}).to_string());
        let cancel = server.expect("notifications/cancelled").await;
        assert_eq!(cancel.params_value()["requestId"], up.id.unwrap());
        assert_eq!(cancel.params_value()["reason"], "enough");

        // Compact mode: the call tool unwraps into the same call.
        let compact = Client::open(
            &hub,
            Scope {
                vendors: None,
                compact: true,
            },
        );
        compact.request(
            1,
            "tools/call",
            json!({"name": CALL_TOOL, "arguments": {"name": "fake__echo", "arguments": {"text": "c"}}}),
        );
        let up = server.expect("tools/call").await;
        assert_eq!(up.params_value()["arguments"], json!({"text": "c"}));
    }

    #[tokio::test(start_paused = true)]
    async fn a_session_scoped_to_other_vendors_neither_sees_nor_reaches_this_one() {
        let (hub, _server, _dir) = hub_with_fake().await;
        let mut c = Client::open(
            &hub,
            Scope {
                vendors: Some(BTreeSet::from(["hudu".to_owned()])),
                compact: false,
            },
        );
        let tools = c.call(1, "tools/list", json!({})).await;
        assert_eq!(names(&tools, "tools"), [SEARCH_TOOL]);
        let call = c.call(2, "tools/call", json!({"name": "fake__echo"})).await;
        assert_eq!(call["error"]["code"], -32602);
        let search = c
            .call(
                3,
                "tools/call",
                json!({"name": SEARCH_TOOL, "arguments": {"query": "echo"}}),
            )
            .await;
        assert_eq!(search["result"]["structuredContent"]["tools"], json!([]));
    }
}
