//! The handshake with a server: `initialize`, then every listing it offers (tools,
//! prompts, resources, resource templates, following `nextCursor`), kept in the cache
//! and announced to the hub when it changed. At start-up it ends in `running`; after a
//! `list_changed` it refreshes the listing while the server keeps serving.

use std::collections::VecDeque;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::{Actor, Internal, Notice, Phase, Queued, Run};
use crate::jsonrpc::Message;
use crate::status::State;
use crate::supervisor::cache::{self, Offer};

pub(super) struct Listing {
    offer: Offer,
    /// Listings still to fetch, the first one in progress.
    todo: VecDeque<&'static str>,
}

const LISTINGS: [&str; 4] = [
    "tools/list",
    "prompts/list",
    "resources/list",
    "resources/templates/list",
];

impl Actor {
    /// Starts fetching every listing the server offers (per its capabilities).
    pub(super) fn begin_listing(&mut self, startup: bool, init: Option<&Value>) {
        let Some(run) = self.run.as_mut() else { return };
        if !startup && !matches!(run.phase, Phase::Ready) {
            return; // a listing is already under way
        }
        let mut offer = match (&self.offer, init) {
            (Some(old), None) => Offer {
                tools: vec![],
                prompts: vec![],
                resources: vec![],
                resource_templates: vec![],
                ..old.clone()
            },
            _ => Offer {
                version: cache::CACHE_VERSION,
                key: run.launch.key.clone(),
                ..Offer::default()
            },
        };
        let mut todo: VecDeque<&'static str> = VecDeque::new();
        if let Some(init) = init {
            offer.server_name = init
                .pointer("/serverInfo/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            offer.server_version = init
                .pointer("/serverInfo/version")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            offer.protocol_version = init
                .get("protocolVersion")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            offer.instructions = init
                .get("instructions")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let caps = init.get("capabilities").cloned().unwrap_or(Value::Null);
            // A server that declares nothing is asked for tools anyway.
            if caps.get("tools").is_some() || caps.as_object().is_none_or(|c| c.is_empty()) {
                todo.push_back("tools/list");
            }
            if caps.get("prompts").is_some() {
                todo.push_back("prompts/list");
            }
            if caps.get("resources").is_some() {
                todo.push_back("resources/list");
                todo.push_back("resources/templates/list");
            }
        } else {
            // After list_changed, fetch the kinds the server had.
            todo.push_back("tools/list");
            if self.offer.as_ref().is_some_and(|o| !o.prompts.is_empty()) {
                todo.push_back("prompts/list");
            }
            if self
                .offer
                .as_ref()
                .is_some_and(|o| !o.resources.is_empty() || !o.resource_templates.is_empty())
            {
                todo.push_back("resources/list");
                todo.push_back("resources/templates/list");
            }
        }
        let deadline = match &run.phase {
            Phase::Initializing { deadline } => *deadline,
            _ => Instant::now() + self.deps.settings.call_timeout(),
        };
        run.phase = Phase::Listing {
            listing: Box::new(Listing { offer, todo }),
            startup,
            deadline,
        };
        self.next_listing();
    }

    /// Requests the current listing, or finishes when none is left.
    fn next_listing(&mut self) {
        let method = match self.run.as_ref().map(|r| &r.phase) {
            Some(Phase::Listing { listing, .. }) => listing.todo.front().copied(),
            _ => return,
        };
        match method {
            Some(method) => {
                let method = LISTINGS
                    .into_iter()
                    .find(|m| *m == method)
                    .expect("invariant: known listing");
                self.request_internal(
                    Internal::List {
                        method,
                        items: Vec::new(),
                    },
                    method,
                    json!({}),
                );
            }
            None => self.finish_listing(),
        }
    }

    pub(super) async fn internal_response(&mut self, internal: Internal, msg: Message) {
        match internal {
            Internal::Ignore => {}
            Internal::Initialize => match msg.result_value() {
                Some(init) => {
                    self.send(Message::notification("notifications/initialized", None));
                    self.begin_listing(true, Some(&init));
                }
                None => {
                    let why = format!(
                        "could not initialize {}'s server: {}",
                        self.vendor.name,
                        msg.error_message()
                            .unwrap_or_else(|| "no reason given".to_owned())
                    );
                    self.explanation = Some(why.clone());
                    self.kill_for(why).await;
                }
            },
            Internal::List { method, mut items } => {
                let result = msg.result_value().unwrap_or(Value::Null);
                let key = match method {
                    "tools/list" => "tools",
                    "prompts/list" => "prompts",
                    "resources/list" => "resources",
                    _ => "resourceTemplates",
                };
                if let Some(list) = result.get(key).and_then(Value::as_array) {
                    items.extend(list.iter().cloned());
                }
                // A server may not implement a listing it advertised; treat as empty.
                if let Some(cursor) = result.get("nextCursor").filter(|c| !c.is_null()).cloned() {
                    self.request_internal(
                        Internal::List { method, items },
                        method,
                        json!({ "cursor": cursor }),
                    );
                    return;
                }
                if let Some(Run {
                    phase: Phase::Listing { listing, .. },
                    ..
                }) = self.run.as_mut()
                {
                    let target = match method {
                        "tools/list" => &mut listing.offer.tools,
                        "prompts/list" => &mut listing.offer.prompts,
                        "resources/list" => &mut listing.offer.resources,
                        _ => &mut listing.offer.resource_templates,
                    };
                    *target = items;
                    listing.todo.pop_front();
                }
                self.next_listing();
            }
        }
    }

    fn finish_listing(&mut self) {
        let Some(run) = self.run.as_mut() else { return };
        let Phase::Listing {
            listing, startup, ..
        } = std::mem::replace(&mut run.phase, Phase::Ready)
        else {
            return;
        };
        let mut offer = listing.offer;
        offer.fetched_at = crate::time::now_rfc3339();
        let changed = self.offer.as_ref().is_none_or(|old| {
            !old.same_offer(&offer) || old.server_version != offer.server_version
        });
        if let Err(e) = cache::save(&self.deps.paths.cache, &self.vendor.slug, &offer) {
            tracing::warn!(vendor = %self.vendor.slug, error = %e, "cannot write the tool cache");
        }
        self.offer = Some(offer.clone());
        if changed {
            let _ = self.notices.send(Notice::OfferChanged {
                slug: self.vendor.slug.clone(),
                offer,
            });
        }
        if startup {
            run.started = Instant::now();
            self.last_activity = Instant::now();
            self.last_error = None;
            self.set_state(State::Running);
            let queued: Vec<Queued> = self.queue.drain(..).collect();
            for q in queued {
                self.forward(q.session, q.reply, q.msg, q.deadline);
            }
        } else {
            self.set_state(State::Running);
        }
    }
}
