//! The hub: every supervised vendor (one actor each), the aggregate index of what
//! they offer, and the sessions the bridges open (served by `session`).
//!
//! The index is built from each vendor's cached offer, so listings never start a
//! server. Notices from the actors update it, become control-API events, and fan out
//! to the sessions that see the vendor (`list_changed`, logging, resource updates).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::sync::{broadcast, mpsc, oneshot};

use super::actor::{self, Cmd, Deps, Handle, Notice, Reply, SessionId};
use super::approvals::Approvals;
use super::cache::Offer;
use super::meta_tools;
use super::naming::NameTable;
use super::search::VendorWords;
use crate::audit::{AuditLog, Record};
use crate::catalog::Vendor;
use crate::config::Pin;
use crate::gateway;
use crate::jsonrpc::Message;
use crate::policy::{self, CatalogMarks, Effective, Sources};
use crate::status::Served;
use crate::status::{ControlEvent, State, VendorStatus};

/// How long a list request waits for servers that are starting for the first time.
pub const FIRST_LISTING_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// What one session sees.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Scope {
    /// `None`: every connected vendor.
    pub vendors: Option<BTreeSet<String>>,
    pub compact: bool,
}

impl Scope {
    pub fn sees(&self, slug: &str) -> bool {
        self.vendors.as_ref().is_none_or(|v| v.contains(slug))
    }

    /// Whether news from the server behind `owner` concerns this session: its own
    /// vendors, and the gateway, which may serve any of them.
    fn hears(&self, owner: &str) -> bool {
        owner == gateway::SLUG || self.sees(owner)
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
    /// `tools/list` results as sent, per scope, made on the first request after a
    /// rebuild (which replaces the whole index, so none outlives what it lists).
    listings: Mutex<HashMap<Scope, Box<RawValue>>>,
    /// The same scopes' tools made searchable, likewise.
    searchables: Mutex<HashMap<Scope, Arc<meta_tools::Searchable>>>,
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
    /// Each supervised vendor's name and category, words of its tools in a search.
    vendor_words: RwLock<BTreeMap<String, VendorWords>>,
    /// Each catalog vendor's marks of dangerous tools its server does not annotate.
    vendor_marks: RwLock<BTreeMap<String, CatalogMarks>>,
    /// Calls waiting for the technician.
    approvals: Approvals,
    /// The audit record (`None` in tests that do not want one).
    audit: Option<AuditLog>,
    /// The tool policy and the audit record apply (off only for the benchmark's
    /// baseline, [`crate::env::UNGUARDED`]).
    guarded: bool,
}

/// A tool's effective policy, with whose it is (for `switchboard policy list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRow {
    pub tool: String,
    pub vendor: String,
    #[serde(flatten)]
    pub effective: Effective,
}

impl Hub {
    /// Starts an actor for each connected vendor and the notice loop.
    pub fn start(deps: Arc<Deps>, connected: Vec<Vendor>) -> Arc<Self> {
        let retention = deps
            .config
            .read()
            .expect("config lock")
            .policy
            .audit_retention_days;
        let audit = Some(AuditLog::open(&deps.paths.logs, retention));
        Self::start_with(deps, connected, audit)
    }

    /// [`Hub::start`] with the audit record given (or none).
    pub fn start_with(
        deps: Arc<Deps>,
        connected: Vec<Vendor>,
        audit: Option<AuditLog>,
    ) -> Arc<Self> {
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
            vendor_words: RwLock::default(),
            vendor_marks: RwLock::default(),
            approvals: Approvals::default(),
            guarded: std::env::var_os(crate::env::UNGUARDED).is_none_or(|v| v != "1"),
            audit,
        });
        if !hub.guarded {
            tracing::warn!(
                "{} is set: no tool policy and no audit record",
                crate::env::UNGUARDED
            );
        }
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
        self.vendor_marks
            .write()
            .expect("marks lock")
            .insert(slug.clone(), vendor.policy.clone());
        self.vendor_words.write().expect("words lock").insert(
            slug.clone(),
            VendorWords {
                name: vendor.name.clone(),
                category: vendor.category.clone(),
            },
        );
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
        self.vendor_words.write().expect("words lock").remove(slug);
        self.vendor_marks.write().expect("marks lock").remove(slug);
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

    /// Every vendor served: each local actor's status, then a row for each vendor the
    /// gateway serves (in the gateway actor's state).
    pub fn status(&self) -> Vec<VendorStatus> {
        let mut rows: Vec<VendorStatus> = self
            .vendors
            .read()
            .expect("vendors lock")
            .iter()
            .filter(|(slug, _)| *slug != gateway::SLUG)
            .map(|(_, h)| h.snapshot())
            .collect();
        if let Some(gw) = self.gateway_snapshot() {
            for (vendor, tools) in self.gateway_vendors() {
                rows.push(VendorStatus {
                    slug: vendor.clone(),
                    name: vendor,
                    state: gw.state,
                    source: Some(crate::status::LaunchSource::Gateway),
                    pid: None,
                    uptime_s: gw.uptime_s,
                    restarts: gw.restarts,
                    tools,
                    last_error: gw.last_error.clone(),
                    stderr_tail: Vec::new(),
                    memory_bytes: None,
                    served_by: Some(Served::Gateway),
                });
            }
        }
        rows
    }

    /// The gateway actor's status, when there is one.
    pub fn gateway_snapshot(&self) -> Option<VendorStatus> {
        self.vendors
            .read()
            .expect("vendors lock")
            .get(gateway::SLUG)
            .map(Handle::snapshot)
    }

    /// The vendors the gateway serves here, with their tool counts.
    pub fn gateway_vendors(&self) -> Vec<(String, usize)> {
        let locals = self.locals();
        let offers = self.offers.read().expect("offers lock");
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for tool in offers
            .get(gateway::SLUG)
            .map(|o| &o.tools)
            .into_iter()
            .flatten()
        {
            if let Some(vendor) = tool
                .get("name")
                .and_then(Value::as_str)
                .and_then(gateway_vendor)
                .filter(|v| self.gateway_serves(v, &locals))
            {
                *counts.entry(vendor.to_owned()).or_default() += 1;
            }
        }
        counts.into_iter().collect()
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
            if s.scope.hears(slug) {
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

    /// Local vendors and what the configuration pins.
    fn gateway_serves(&self, vendor: &str, locals: &BTreeSet<String>) -> bool {
        match self.deps.config.read().expect("config lock").pin(vendor) {
            Pin::Gateway => true,
            Pin::Local => false,
            Pin::Auto => !locals.contains(vendor),
        }
    }

    /// The vendors with an actor of their own (everything but the gateway).
    fn locals(&self) -> BTreeSet<String> {
        self.vendors
            .read()
            .expect("vendors lock")
            .keys()
            .filter(|s| *s != gateway::SLUG)
            .cloned()
            .collect()
    }

    /// Builds the index again (after the configuration changed which source serves a
    /// vendor), and tells every session the lists changed.
    pub fn reindex(&self) {
        self.rebuild_index();
        let sessions: Vec<Reply> = self
            .sessions
            .lock()
            .expect("sessions lock")
            .values()
            .map(|s| s.reply.clone())
            .collect();
        for reply in sessions {
            let _ = reply.send(Message::notification(
                "notifications/tools/list_changed",
                None,
            ));
        }
    }

    fn rebuild_index(&self) {
        let locals = self.locals();
        let offers = self.offers.read().expect("offers lock");
        let mut index = Index::default();
        for (slug, offer) in offers.iter() {
            if slug == gateway::SLUG {
                // Its tools carry their vendors' names already: kept as they are, for
                // the vendors it serves.
                for tool in &offer.tools {
                    if let Some(name) = tool.get("name").and_then(Value::as_str)
                        && let Some(vendor) = gateway_vendor(name)
                        && self.gateway_serves(vendor, &locals)
                    {
                        index.tools.insert_whole(slug, name);
                    }
                }
                continue;
            }
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

    /// Vendors in scope that are starting for the first time (no listing yet), or
    /// whose first listing is on its way to the index.
    fn first_listings_pending(&self, scope: &Scope) -> bool {
        let offers = self.offers.read().expect("offers lock");
        self.vendors
            .read()
            .expect("vendors lock")
            .iter()
            .filter(|(slug, _)| scope.hears(slug) && !offers.contains_key(*slug))
            .any(|(_, h)| matches!(h.state(), State::Starting | State::Running))
    }

    /// Waits (at most `FIRST_LISTING_WAIT`) while a vendor in scope has no listing yet
    /// because its server is starting for the first time. Clients tend to fetch the
    /// tool list once, right after `initialize`; an empty one would stick.
    pub(super) async fn await_first_listings(&self, scope: &Scope) {
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

    /// The vendors' names and categories, for ranking a search.
    pub fn vendor_words(&self) -> BTreeMap<String, VendorWords> {
        self.vendor_words.read().expect("words lock").clone()
    }

    /// The `tools/list` result for a scope, serialized: made once per scope after each
    /// rebuild of the index, then copied (a thirty-vendor list is over half a megabyte
    /// of JSON; cloning and serializing it for every request would cost milliseconds).
    pub fn tools_listing(&self, scope: &Scope) -> Box<RawValue> {
        let index = self.index.read().expect("index lock");
        if let Some(hit) = index.listings.lock().expect("listings lock").get(scope) {
            return hit.clone();
        }
        let tools = self.tools_with(scope, &index);
        let raw = serde_json::value::to_raw_value(&serde_json::json!({ "tools": tools }))
            .expect("invariant: a Value serializes");
        index
            .listings
            .lock()
            .expect("listings lock")
            .insert(scope.clone(), raw.clone());
        raw
    }

    /// The tools of a scope's vendors, ready for `switchboard__search_tools`: built
    /// once per scope after each rebuild of the index.
    pub fn searchable(&self, scope: &Scope) -> Arc<meta_tools::Searchable> {
        let scope = Scope {
            vendors: scope.vendors.clone(),
            compact: false,
        };
        let index = self.index.read().expect("index lock");
        if let Some(hit) = index
            .searchables
            .lock()
            .expect("searchables lock")
            .get(&scope)
        {
            return hit.clone();
        }
        let tools = self.tools_with(&scope, &index);
        let made = Arc::new(meta_tools::Searchable::new(tools, &self.vendor_words()));
        index
            .searchables
            .lock()
            .expect("searchables lock")
            .insert(scope, made.clone());
        made
    }

    /// Whether calls go through the policy and the audit record.
    pub fn guarded(&self) -> bool {
        self.guarded
    }

    pub fn approvals(&self) -> &Approvals {
        &self.approvals
    }

    /// Tells the control connections (the tray, the window) how many calls wait.
    pub fn approvals_changed(&self) {
        let waiting = u32::try_from(self.approvals.list().len()).unwrap_or(u32::MAX);
        let _ = self.events.send(ControlEvent::ApprovalsChanged { waiting });
    }

    /// Writes a call's record (before its answer goes back).
    pub fn audit(&self, record: &Record) {
        if let Some(log) = &self.audit {
            log.append(record);
        }
    }

    /// The effective policy of a tool: `owner` serves it as `original`, for `vendor`,
    /// exposed as `exposed`.
    pub fn policy_of(&self, owner: &str, original: &str, vendor: &str, exposed: &str) -> Effective {
        let annotations = self
            .offers
            .read()
            .expect("offers lock")
            .get(owner)
            .and_then(|o| {
                o.tools
                    .iter()
                    .find(|t| t.get("name").and_then(Value::as_str) == Some(original))
                    .and_then(|t| t.get("annotations").cloned())
            });
        // A team vendor's tool is the gateway's `vendor__tool`; the catalog's marks
        // are over the server's own name.
        let tool = original
            .strip_prefix(&format!("{vendor}{}", super::naming::SEPARATOR))
            .unwrap_or(original);
        let config = self.deps.config.read().expect("config lock");
        let rules = config.policy.rules();
        let preset = config.policy_locked.clone();
        drop(config);
        let marks = self.vendor_marks.read().expect("marks lock");
        policy::resolve(
            exposed,
            tool,
            annotations.as_ref(),
            Sources {
                preset: &preset,
                config: &rules,
                catalog: marks.get(vendor),
            },
        )
    }

    /// Every tool in the index with its effective policy, for `vendor` only when given.
    pub fn policies(&self, vendor: Option<&str>) -> Vec<PolicyRow> {
        let names: Vec<String> = self
            .tools_for(&Scope::default())
            .into_iter()
            .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_owned))
            .filter(|n| n != meta_tools::SEARCH_TOOL)
            .collect();
        names
            .into_iter()
            .filter_map(|exposed| {
                let (owner, original, v) = self.tool_owner(&exposed)?;
                if vendor.is_some_and(|want| want != v) {
                    return None;
                }
                let effective = self.policy_of(&owner, &original, &v, &exposed);
                Some(PolicyRow {
                    tool: exposed,
                    vendor: v,
                    effective,
                })
            })
            .collect()
    }

    /// The tools a scope sees, under their exposed names.
    pub fn tools_for(&self, scope: &Scope) -> Vec<Value> {
        let index = self.index.read().expect("index lock");
        self.tools_with(scope, &index)
    }

    fn tools_with(&self, scope: &Scope, index: &Index) -> Vec<Value> {
        let mut out = Vec::new();
        if !scope.compact {
            out = self.renamed(scope, |o| &o.tools, &index.tools);
        }
        out.push(meta_tools::search_definition());
        if scope.compact {
            out.push(meta_tools::call_definition());
        }
        out
    }

    pub(super) fn prompts_for(&self, scope: &Scope) -> Vec<Value> {
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
        for (slug, offer) in offers.iter() {
            let from_gateway = slug == gateway::SLUG;
            if !from_gateway && !scope.sees(slug) {
                continue;
            }
            for item in pick(offer) {
                let Some(name) = item.get("name").and_then(Value::as_str) else {
                    continue;
                };
                if from_gateway && !gateway_vendor(name).is_some_and(|v| scope.sees(v)) {
                    continue;
                }
                if let Some(exposed) = names.exposed(slug, name) {
                    let mut renamed = item.clone();
                    renamed["name"] = Value::String(exposed.to_owned());
                    out.push(renamed);
                }
            }
        }
        out
    }

    pub(super) fn listed(&self, scope: &Scope, pick: impl Fn(&Offer) -> &Vec<Value>) -> Vec<Value> {
        let offers = self.offers.read().expect("offers lock");
        offers
            .iter()
            .filter(|(s, _)| scope.sees(s))
            .flat_map(|(_, o)| pick(o).iter().cloned())
            .collect()
    }

    /// The vendor that owns `uri`: an exact resource, else the longest template prefix.
    pub(super) fn resource_owner(&self, uri: &str) -> Option<String> {
        let index = self.index.read().expect("index lock");
        index.resources.get(uri).cloned().or_else(|| {
            index
                .templates
                .iter()
                .find(|(p, _)| !p.is_empty() && uri.starts_with(p.as_str()))
                .map(|(_, s)| s.clone())
        })
    }

    /// Registers a session: it hears the notifications of the vendors it sees.
    pub(super) fn open_session(&self, reply: Reply, scope: Scope) -> SessionId {
        let id = self.next_session.fetch_add(1, Ordering::Relaxed);
        self.sessions
            .lock()
            .expect("sessions lock")
            .insert(id, SessionEntry { reply, scope });
        id
    }

    pub(super) fn close_session(&self, id: SessionId) {
        self.sessions.lock().expect("sessions lock").remove(&id);
    }

    /// Who serves the tool exposed as `exposed`: (the actor, the tool's name there,
    /// its vendor). A vendor with no listing yet (its first start is under way) is
    /// found by the name's prefix; its actor queues the call until the server is up.
    /// So is a gateway tool before the gateway has listed (under its whole name).
    pub(super) fn tool_owner(&self, exposed: &str) -> Option<(String, String, String)> {
        let indexed = self
            .index
            .read()
            .expect("index lock")
            .tools
            .resolve(exposed)
            .map(|(s, n)| (s.to_owned(), n.to_owned()));
        if let Some((owner, name)) = indexed {
            let vendor = if owner == gateway::SLUG {
                gateway_vendor(&name).unwrap_or(gateway::SLUG).to_owned()
            } else {
                owner.clone()
            };
            return Some((owner, name, vendor));
        }
        let (slug, name) = exposed.split_once(super::naming::SEPARATOR)?;
        let vendors = self.vendors.read().expect("vendors lock");
        let offers = self.offers.read().expect("offers lock");
        if vendors.contains_key(slug) {
            return (!offers.contains_key(slug))
                .then(|| (slug.to_owned(), name.to_owned(), slug.to_owned()));
        }
        // Not a vendor here: the gateway's, if it has not listed its tools yet.
        let gateway_unlisted =
            vendors.contains_key(gateway::SLUG) && !offers.contains_key(gateway::SLUG);
        drop((vendors, offers));
        let served = gateway_unlisted
            && gateway_vendor(exposed).is_some_and(|v| self.gateway_serves(v, &BTreeSet::new()));
        served.then(|| {
            (
                gateway::SLUG.to_owned(),
                exposed.to_owned(),
                slug.to_owned(),
            )
        })
    }

    /// The vendor and original name of the prompt exposed as `exposed`.
    pub(super) fn prompt_owner(&self, exposed: &str) -> Option<(String, String)> {
        self.index
            .read()
            .expect("index lock")
            .prompts
            .resolve(exposed)
            .map(|(s, n)| (s.to_owned(), n.to_owned()))
    }
}

/// The vendor a gateway tool belongs to (the part before `__`); `None` for the
/// gateway's own tools (`gateway__search_tools`), which are not served.
pub fn gateway_vendor(name: &str) -> Option<&str> {
    let (vendor, tool) = name.split_once(super::naming::SEPARATOR)?;
    (!vendor.is_empty() && !tool.is_empty() && vendor != gateway::SLUG).then_some(vendor)
}
