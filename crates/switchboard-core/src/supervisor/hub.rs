//! The hub: every supervised vendor, the aggregate index of what they offer, and the
//! MCP sessions the bridges open.
//!
//! A session sees the tools of the vendors in its scope (`--vendor`), renamed to
//! `<slug>__<tool>`, plus `switchboard__search_tools` (and, in compact mode, only that
//! and `switchboard__call_tool`). `tools/list` is answered from the index, built from
//! each vendor's cache, so nothing starts to list tools. Calls are routed to the
//! owning vendor's actor; notifications fan out to the sessions that see the vendor.
//! Malformed input is answered with a JSON-RPC error and the session goes on.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use futures::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio_util::codec::LinesCodecError;

use super::actor::{self, Cmd, Deps, Handle, Notice, Reply, SessionId};
use super::cache::Offer;
use super::naming::NameTable;
use crate::catalog::Vendor;
use crate::jsonrpc::{Kind, Message, code};
use crate::status::{ControlEvent, State, VendorStatus};

pub const SEARCH_TOOL: &str = "switchboard__search_tools";
pub const CALL_TOOL: &str = "switchboard__call_tool";

/// How long a list request waits for servers that are starting for the first time.
pub const FIRST_LISTING_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Protocol versions the daemon speaks to clients, newest first.
pub const CLIENT_PROTOCOLS: [&str; 4] = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// What one session sees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// `None`: every connected vendor.
    pub vendors: Option<BTreeSet<String>>,
    pub compact: bool,
}

impl Scope {
    fn sees(&self, slug: &str) -> bool {
        self.vendors.as_ref().is_none_or(|v| v.contains(slug))
    }
}

#[derive(Default)]
struct Index {
    tools: NameTable,
    prompts: NameTable,
    /// Exact resource URI → vendor.
    resources: HashMap<String, String>,
    /// Resource template prefix (up to the first `{`) → vendor.
    templates: Vec<(String, String)>,
}

struct SessionEntry {
    reply: Reply,
    scope: Scope,
}

pub struct Hub {
    deps: Arc<Deps>,
    vendors: RwLock<BTreeMap<String, Handle>>,
    offers: RwLock<BTreeMap<String, Offer>>,
    index: RwLock<Index>,
    sessions: Mutex<HashMap<SessionId, SessionEntry>>,
    next_session: AtomicU64,
    events: broadcast::Sender<ControlEvent>,
    notices: mpsc::UnboundedSender<Notice>,
    /// Bumped whenever an offer arrives, so requests can wait for first listings.
    offers_seen: tokio::sync::watch::Sender<u64>,
}

impl Hub {
    /// Starts an actor for each connected vendor and the notice loop.
    pub fn start(deps: Arc<Deps>, connected: Vec<Vendor>) -> Arc<Self> {
        let (notices, mut notice_rx) = mpsc::unbounded_channel();
        let (events, _) = broadcast::channel(256);
        let hub = Arc::new(Self {
            deps,
            vendors: RwLock::default(),
            offers: RwLock::default(),
            index: RwLock::default(),
            sessions: Mutex::default(),
            next_session: AtomicU64::new(1),
            events,
            notices,
            offers_seen: tokio::sync::watch::channel(0).0,
        });
        for vendor in connected {
            hub.add_vendor(vendor);
        }
        hub.rebuild_index();
        let weak = Arc::downgrade(&hub);
        tokio::spawn(async move {
            while let Some(notice) = notice_rx.recv().await {
                let Some(hub) = weak.upgrade() else { return };
                hub.notice(notice);
            }
        });
        hub
    }

    pub fn deps(&self) -> &Arc<Deps> {
        &self.deps
    }

    /// Supervises a (newly) connected vendor.
    pub fn add_vendor(&self, vendor: Vendor) {
        let slug = vendor.slug.clone();
        let (handle, offer) = actor::spawn(vendor, self.deps.clone(), self.notices.clone());
        if let Some(offer) = offer {
            self.offers
                .write()
                .expect("offers lock")
                .insert(slug.clone(), offer);
        }
        self.vendors
            .write()
            .expect("vendors lock")
            .insert(slug, handle);
    }

    /// Stops supervising a vendor (disconnected) and forgets its tools.
    pub async fn remove_vendor(&self, slug: &str) {
        let handle = self.vendors.write().expect("vendors lock").remove(slug);
        if let Some(handle) = handle {
            let (tx, rx) = oneshot::channel();
            if handle.cmd.send(Cmd::Shutdown(tx)).is_ok() {
                let _ = rx.await;
            }
        }
        self.offers.write().expect("offers lock").remove(slug);
        self.rebuild_index();
        self.announce_list_changed(slug);
    }

    pub fn send(&self, slug: &str, cmd: Cmd) -> bool {
        self.vendors
            .read()
            .expect("vendors lock")
            .get(slug)
            .is_some_and(|h| h.cmd.send(cmd).is_ok())
    }

    pub fn slugs(&self) -> Vec<String> {
        self.vendors
            .read()
            .expect("vendors lock")
            .keys()
            .cloned()
            .collect()
    }

    pub fn status(&self) -> Vec<VendorStatus> {
        self.vendors
            .read()
            .expect("vendors lock")
            .values()
            .map(Handle::snapshot)
            .collect()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ControlEvent> {
        self.events.subscribe()
    }

    /// Stops every vendor server gracefully.
    pub async fn shutdown(&self) {
        let handles: Vec<(String, mpsc::UnboundedSender<Cmd>)> = self
            .vendors
            .read()
            .expect("vendors lock")
            .iter()
            .map(|(s, h)| (s.clone(), h.cmd.clone()))
            .collect();
        let mut waits = Vec::new();
        for (_, cmd) in handles {
            let (tx, rx) = oneshot::channel();
            if cmd.send(Cmd::Shutdown(tx)).is_ok() {
                waits.push(rx);
            }
        }
        for rx in waits {
            let _ = rx.await;
        }
    }

    fn notice(&self, notice: Notice) {
        match notice {
            Notice::OfferChanged { slug, offer } => {
                let tools = offer.tools.len();
                self.offers
                    .write()
                    .expect("offers lock")
                    .insert(slug.clone(), offer);
                self.rebuild_index();
                self.offers_seen.send_modify(|n| *n += 1);
                self.announce_list_changed(&slug);
                let _ = self.events.send(ControlEvent::ToolsChanged { slug, tools });
            }
            Notice::Broadcast { slug, mut msg } => {
                if msg.method.as_deref() == Some("notifications/message") {
                    let mut params = msg.params_value();
                    let logger = params
                        .get("logger")
                        .and_then(Value::as_str)
                        .map(|l| format!("{slug}/{l}"));
                    params["logger"] = Value::String(logger.unwrap_or(slug.clone()));
                    msg.set_params(&params);
                }
                self.each_session(&slug, |reply| {
                    let _ = reply.send(msg.clone());
                });
            }
            Notice::State {
                slug,
                state,
                last_error,
            } => {
                // A first start that failed brings no offer: stop waiting for one.
                self.offers_seen.send_modify(|n| *n += 1);
                let _ = self.events.send(ControlEvent::VendorState {
                    slug,
                    state,
                    last_error,
                });
            }
        }
    }

    fn each_session(&self, slug: &str, mut f: impl FnMut(&Reply)) {
        for s in self.sessions.lock().expect("sessions lock").values() {
            if s.scope.sees(slug) {
                f(&s.reply);
            }
        }
    }

    fn announce_list_changed(&self, slug: &str) {
        self.each_session(slug, |reply| {
            for kind in ["tools", "prompts", "resources"] {
                let _ = reply.send(Message::notification(
                    &format!("notifications/{kind}/list_changed"),
                    None,
                ));
            }
        });
    }

    fn rebuild_index(&self) {
        let offers = self.offers.read().expect("offers lock");
        let mut index = Index::default();
        for (slug, offer) in offers.iter() {
            for tool in &offer.tools {
                if let Some(name) = tool.get("name").and_then(Value::as_str) {
                    index.tools.insert(slug, name);
                }
            }
            for prompt in &offer.prompts {
                if let Some(name) = prompt.get("name").and_then(Value::as_str) {
                    index.prompts.insert(slug, name);
                }
            }
            for r in &offer.resources {
                if let Some(uri) = r.get("uri").and_then(Value::as_str) {
                    index
                        .resources
                        .entry(uri.to_owned())
                        .or_insert_with(|| slug.clone());
                }
            }
            for t in &offer.resource_templates {
                if let Some(tpl) = t.get("uriTemplate").and_then(Value::as_str) {
                    let prefix = tpl.split('{').next().unwrap_or(tpl).to_owned();
                    index.templates.push((prefix, slug.clone()));
                }
            }
        }
        // Longest prefix first, so the most specific template wins.
        index
            .templates
            .sort_by_key(|t| std::cmp::Reverse(t.0.len()));
        *self.index.write().expect("index lock") = index;
    }

    /// Vendors in scope that are starting for the first time (no listing yet).
    fn first_listings_pending(&self, scope: &Scope) -> bool {
        let offers = self.offers.read().expect("offers lock");
        self.vendors
            .read()
            .expect("vendors lock")
            .iter()
            .filter(|(slug, _)| scope.sees(slug) && !offers.contains_key(*slug))
            .any(|(_, h)| h.state() == State::Starting)
    }

    /// Waits (at most `FIRST_LISTING_WAIT`) while a vendor in scope has no listing yet
    /// because its server is starting for the first time. Clients tend to fetch the
    /// tool list once, right after `initialize`; an empty one would stick.
    async fn await_first_listings(&self, scope: &Scope) {
        let deadline = tokio::time::Instant::now() + FIRST_LISTING_WAIT;
        let mut seen = self.offers_seen.subscribe();
        while self.first_listings_pending(scope) {
            if tokio::time::timeout_at(deadline, seen.changed())
                .await
                .is_err()
            {
                return;
            }
        }
    }

    /// The tools a scope sees, under their exposed names.
    pub fn tools_for(&self, scope: &Scope) -> Vec<Value> {
        let mut out = Vec::new();
        if !scope.compact {
            let index = self.index.read().expect("index lock");
            out = self.renamed(scope, |o| &o.tools, &index.tools);
        }
        out.push(search_tool_definition());
        if scope.compact {
            out.push(call_tool_definition());
        }
        out
    }

    fn prompts_for(&self, scope: &Scope) -> Vec<Value> {
        let index = self.index.read().expect("index lock");
        self.renamed(scope, |o| &o.prompts, &index.prompts)
    }

    /// Items of the vendors in scope, each with its `name` replaced by the exposed one.
    fn renamed(
        &self,
        scope: &Scope,
        pick: impl Fn(&Offer) -> &Vec<Value>,
        names: &NameTable,
    ) -> Vec<Value> {
        let offers = self.offers.read().expect("offers lock");
        let mut out = Vec::new();
        for (slug, offer) in offers.iter().filter(|(s, _)| scope.sees(s)) {
            for item in pick(offer) {
                let exposed = item
                    .get("name")
                    .and_then(Value::as_str)
                    .and_then(|n| names.exposed(slug, n));
                if let Some(exposed) = exposed {
                    let mut renamed = item.clone();
                    renamed["name"] = Value::String(exposed.to_owned());
                    out.push(renamed);
                }
            }
        }
        out
    }

    fn listed(&self, scope: &Scope, pick: impl Fn(&Offer) -> &Vec<Value>) -> Vec<Value> {
        let offers = self.offers.read().expect("offers lock");
        offers
            .iter()
            .filter(|(s, _)| scope.sees(s))
            .flat_map(|(_, o)| pick(o).iter().cloned())
            .collect()
    }

    fn resource_owner(&self, uri: &str) -> Option<String> {
        let index = self.index.read().expect("index lock");
        index.resources.get(uri).cloned().or_else(|| {
            index
                .templates
                .iter()
                .find(|(p, _)| !p.is_empty() && uri.starts_with(p.as_str()))
                .map(|(_, s)| s.clone())
        })
    }

    /// Tools matching `query`, best first, with their schemas.
    pub fn search(&self, scope: &Scope, query: &str, limit: usize) -> Vec<Value> {
        let words: Vec<String> = query
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let all = self.tools_for(&Scope {
            vendors: scope.vendors.clone(),
            compact: false,
        });
        let mut scored: Vec<(u32, Value)> = all
            .into_iter()
            .filter(|t| t.get("name").and_then(Value::as_str) != Some(SEARCH_TOOL))
            .filter_map(|t| {
                let name = t
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_lowercase();
                let desc = t
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_lowercase();
                let score: u32 = words
                    .iter()
                    .map(|w| {
                        u32::from(name.contains(w.as_str())) * 3
                            + u32::from(desc.contains(w.as_str()))
                    })
                    .sum();
                (words.is_empty() || score > 0).then_some((score, t))
            })
            .collect();
        scored.sort_by_key(|s| std::cmp::Reverse(s.0));
        scored
            .into_iter()
            .take(limit)
            .map(|(_, t)| json!({ "name": t["name"], "description": t.get("description"), "inputSchema": t.get("inputSchema") }))
            .collect()
    }

    /// Serves one MCP session until its input (lines of JSON-RPC) ends.
    pub async fn serve<L, W>(self: &Arc<Self>, scope: Scope, mut lines: L, writer: W)
    where
        L: futures::Stream<Item = Result<String, LinesCodecError>> + Unpin + Send,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let session = self.next_session.fetch_add(1, Ordering::Relaxed);
        let (reply, mut out_rx) = mpsc::unbounded_channel::<Message>();
        let inflight: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        self.sessions.lock().expect("sessions lock").insert(
            session,
            SessionEntry {
                reply: reply.clone(),
                scope: scope.clone(),
            },
        );

        let writer_inflight = inflight.clone();
        let writer = tokio::spawn(async move {
            let mut out = BufWriter::new(writer);
            while let Some(first) = out_rx.recv().await {
                let mut next = Some(first);
                while let Some(msg) = next {
                    if msg.kind() == Kind::Response
                        && let Some(id) = &msg.id
                    {
                        writer_inflight
                            .lock()
                            .expect("inflight lock")
                            .remove(&id.to_string());
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
        });

        let max = self.deps.settings.max_message_bytes;
        while let Some(line) = lines.next().await {
            match line {
                Ok(line) if line.trim().is_empty() => {}
                Ok(line) => match Message::parse(&line) {
                    Ok(msg) => self.dispatch(session, &scope, &reply, &inflight, msg).await,
                    Err(e) => {
                        let _ = reply.send(Message::error_response(
                            Value::Null,
                            code::PARSE_ERROR,
                            &e,
                            None,
                        ));
                    }
                },
                Err(LinesCodecError::MaxLineLengthExceeded) => {
                    let text = format!("a message longer than {max} bytes was refused");
                    let _ = reply.send(Message::error_response(
                        Value::Null,
                        code::INVALID_REQUEST,
                        &text,
                        None,
                    ));
                }
                Err(LinesCodecError::Io(_)) => break,
            }
        }

        self.sessions
            .lock()
            .expect("sessions lock")
            .remove(&session);
        for slug in self.slugs() {
            self.send(&slug, Cmd::SessionGone { session });
        }
        drop(reply);
        let _ = writer.await;
    }

    async fn dispatch(
        &self,
        session: SessionId,
        scope: &Scope,
        reply: &Reply,
        inflight: &Arc<Mutex<HashMap<String, String>>>,
        msg: Message,
    ) {
        let kind = msg.kind();
        let method = msg.method.clone().unwrap_or_default();
        let id = msg.id.clone().unwrap_or(Value::Null);
        let respond = |result: Value| {
            let _ = reply.send(Message::response(id.clone(), &result));
        };
        let error = |c: i64, text: &str| {
            let _ = reply.send(Message::error_response(id.clone(), c, text, None));
        };
        match kind {
            Kind::Response => return, // we send the client no requests
            Kind::Invalid => {
                return error(
                    code::INVALID_REQUEST,
                    "not a valid JSON-RPC request, notification or response",
                );
            }
            Kind::Notification => {
                if method == "notifications/cancelled" {
                    let params = msg.params_value();
                    if let Some(request_id) = params.get("requestId") {
                        let owner = inflight
                            .lock()
                            .expect("inflight lock")
                            .remove(&request_id.to_string());
                        if let Some(slug) = owner {
                            let reason = params
                                .get("reason")
                                .and_then(Value::as_str)
                                .map(str::to_owned);
                            self.send(
                                &slug,
                                Cmd::Cancel {
                                    session,
                                    client_id: request_id.clone(),
                                    reason,
                                },
                            );
                        }
                    }
                }
                return;
            }
            Kind::Request => {}
        }
        let params = msg.params_value();
        match method.as_str() {
            "initialize" => {
                let asked = params
                    .get("protocolVersion")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let version = CLIENT_PROTOCOLS
                    .iter()
                    .find(|v| **v == asked)
                    .copied()
                    .unwrap_or(CLIENT_PROTOCOLS[1]);
                respond(json!({
                    "protocolVersion": version,
                    "capabilities": {
                        "tools": { "listChanged": true },
                        "prompts": { "listChanged": true },
                        "resources": { "listChanged": true, "subscribe": true },
                        "logging": {}
                    },
                    "serverInfo": { "name": "switchboard", "title": "Switchboard", "version": env!("CARGO_PKG_VERSION") },
                    "instructions": "Tools from the MSP vendors connected in Switchboard, named <vendor>__<tool> (for example datto-rmm__list_devices). Call switchboard__search_tools with keywords to find the right tool and its arguments."
                }));
            }
            "ping" => respond(json!({})),
            "tools/list" => {
                self.await_first_listings(scope).await;
                respond(json!({ "tools": self.tools_for(scope) }));
            }
            "prompts/list" => {
                self.await_first_listings(scope).await;
                respond(json!({ "prompts": self.prompts_for(scope) }));
            }
            "resources/list" => {
                respond(json!({ "resources": self.listed(scope, |o| &o.resources) }))
            }
            "resources/templates/list" => {
                respond(
                    json!({ "resourceTemplates": self.listed(scope, |o| &o.resource_templates) }),
                );
            }
            "logging/setLevel" => {
                for slug in self.slugs().into_iter().filter(|s| scope.sees(s)) {
                    self.send(
                        &slug,
                        Cmd::Internal {
                            method: method.clone(),
                            params: params.clone(),
                        },
                    );
                }
                respond(json!({}));
            }
            "tools/call" => {
                let name = params
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                match name.as_str() {
                    SEARCH_TOOL => respond(self.search_result(scope, &params)),
                    CALL_TOOL => {
                        let inner = params
                            .pointer("/arguments/name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned();
                        let arguments = params
                            .pointer("/arguments/arguments")
                            .cloned()
                            .unwrap_or(json!({}));
                        let mut inner_params = json!({ "name": inner, "arguments": arguments });
                        if let Some(meta) = params.get("_meta") {
                            inner_params["_meta"] = meta.clone();
                        }
                        self.route_tool(session, scope, reply, inflight, msg, &inner, inner_params);
                    }
                    _ => self.route_tool(session, scope, reply, inflight, msg, &name, params),
                }
            }
            "prompts/get" => {
                let name = params
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let target = self
                    .index
                    .read()
                    .expect("index lock")
                    .prompts
                    .resolve(&name)
                    .map(|(s, n)| (s.to_owned(), n.to_owned()));
                match target.filter(|(s, _)| scope.sees(s)) {
                    Some((slug, original)) => {
                        let mut p = params;
                        p["name"] = Value::String(original);
                        self.route(session, reply, inflight, msg, &slug, Some(p));
                    }
                    None => error(code::INVALID_PARAMS, &format!("unknown prompt `{name}`")),
                }
            }
            "resources/read" | "resources/subscribe" | "resources/unsubscribe" => {
                let uri = params
                    .get("uri")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                match self.resource_owner(&uri).filter(|s| scope.sees(s)) {
                    Some(slug) => self.route(session, reply, inflight, msg, &slug, None),
                    None => error(-32002, &format!("unknown resource `{uri}`")),
                }
            }
            "completion/complete" => {
                let kind = params
                    .pointer("/ref/type")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let target = match kind {
                    "ref/prompt" => {
                        let name = params
                            .pointer("/ref/name")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        self.index
                            .read()
                            .expect("index lock")
                            .prompts
                            .resolve(name)
                            .map(|(s, n)| (s.to_owned(), Some(n.to_owned())))
                    }
                    "ref/resource" => {
                        let uri = params
                            .pointer("/ref/uri")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        self.resource_owner(uri).map(|s| (s, None))
                    }
                    _ => None,
                };
                match target.filter(|(s, _)| scope.sees(s)) {
                    Some((slug, original)) => {
                        let mut p = params;
                        if let Some(n) = original {
                            p["ref"]["name"] = Value::String(n);
                        }
                        self.route(session, reply, inflight, msg, &slug, Some(p));
                    }
                    None => respond(json!({ "completion": { "values": [], "hasMore": false } })),
                }
            }
            other => error(
                code::METHOD_NOT_FOUND,
                &format!("Switchboard does not handle `{other}`"),
            ),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn route_tool(
        &self,
        session: SessionId,
        scope: &Scope,
        reply: &Reply,
        inflight: &Arc<Mutex<HashMap<String, String>>>,
        msg: Message,
        exposed: &str,
        mut params: Value,
    ) {
        let mut target = self
            .index
            .read()
            .expect("index lock")
            .tools
            .resolve(exposed)
            .map(|(s, n)| (s.to_owned(), n.to_owned()));
        if target.is_none() {
            // A vendor with no listing yet (its first start is under way): route by
            // the prefix; its actor queues the call until the server is up.
            if let Some((slug, name)) = exposed.split_once(super::naming::SEPARATOR)
                && self
                    .vendors
                    .read()
                    .expect("vendors lock")
                    .contains_key(slug)
                && !self.offers.read().expect("offers lock").contains_key(slug)
            {
                target = Some((slug.to_owned(), name.to_owned()));
            }
        }
        match target.filter(|(s, _)| scope.sees(s)) {
            Some((slug, original)) => {
                params["name"] = Value::String(original);
                self.route(session, reply, inflight, msg, &slug, Some(params));
            }
            None => {
                let text = format!(
                    "unknown tool `{exposed}`; call {SEARCH_TOOL} to find tools, or check that the vendor is connected"
                );
                let _ = reply.send(Message::error_response(
                    msg.id.unwrap_or(Value::Null),
                    code::INVALID_PARAMS,
                    &text,
                    None,
                ));
            }
        }
    }

    /// Hands a request to a vendor's actor, with `params` rewritten when given.
    fn route(
        &self,
        session: SessionId,
        reply: &Reply,
        inflight: &Arc<Mutex<HashMap<String, String>>>,
        mut msg: Message,
        slug: &str,
        params: Option<Value>,
    ) {
        if let Some(p) = params {
            msg.set_params(&p);
        }
        let id = msg.id.clone().unwrap_or(Value::Null);
        inflight
            .lock()
            .expect("inflight lock")
            .insert(id.to_string(), slug.to_owned());
        if !self.send(
            slug,
            Cmd::Request {
                session,
                reply: reply.clone(),
                msg,
            },
        ) {
            inflight
                .lock()
                .expect("inflight lock")
                .remove(&id.to_string());
            let text = format!("`{slug}` is not connected");
            let _ = reply.send(Message::error_response(
                id,
                code::UPSTREAM_FAILED,
                &text,
                None,
            ));
        }
    }

    fn search_result(&self, scope: &Scope, params: &Value) -> Value {
        let query = params
            .pointer("/arguments/query")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let limit = params
            .pointer("/arguments/limit")
            .and_then(Value::as_u64)
            .unwrap_or(10)
            .clamp(1, 50);
        let tools = self.search(scope, query, usize::try_from(limit).unwrap_or(10));
        let found = json!({ "tools": tools });
        json!({
            "content": [{ "type": "text", "text": found.to_string() }],
            "structuredContent": found,
            "isError": false
        })
    }
}

fn search_tool_definition() -> Value {
    json!({
        "name": SEARCH_TOOL,
        "title": "Search vendor tools",
        "description": "Find tools across the connected MSP vendors by keywords (for example \"tickets open\", \"devices offline\", \"password\"). Returns matching tools with their descriptions and input schemas.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "query": { "type": "string", "description": "Keywords to look for in tool names and descriptions" },
                "limit": { "type": "integer", "minimum": 1, "maximum": 50, "description": "How many tools to return (default 10)" }
            },
            "required": ["query"]
        },
        "annotations": { "readOnlyHint": true }
    })
}

fn call_tool_definition() -> Value {
    json!({
        "name": CALL_TOOL,
        "title": "Call a vendor tool",
        "description": "Call a tool found with switchboard__search_tools, by its name, with its arguments.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "name": { "type": "string", "description": "The tool's name, as search returned it" },
                "arguments": { "type": "object", "description": "The tool's arguments, as its input schema describes" }
            },
            "required": ["name"]
        }
    })
}
