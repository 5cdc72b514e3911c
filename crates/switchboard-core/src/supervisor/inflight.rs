//! The requests in flight to one server, and how to answer each.
//!
//! Every session numbers its own requests, so ids would clash upstream: each request
//! gets our own id on the way up, and its answer gets the client's id back on the way
//! down. Progress tokens are rewritten the same way, so progress reaches the session
//! that asked. The table also answers "which call does this cancellation mean", "what
//! did this session leave behind", "what ran out of time" and "fail them all".
//!
//! Pure bookkeeping: no tasks, no I/O, no clock reads (times are passed in), so it is
//! unit-tested directly. `R` is where a client's answer goes; `I` is what the actor
//! remembers about its own requests (initialize, listings).

use std::collections::HashMap;

use serde_json::{Value, json};
use tokio::time::Instant;

use crate::jsonrpc::Message;

/// Which bridge session a request came from.
pub type SessionId = u64;

/// A client's request in flight.
#[derive(Debug)]
pub struct ClientCall<R> {
    pub session: SessionId,
    pub reply: R,
    /// The id the client gave it.
    pub client_id: Value,
    pub deadline: Instant,
    /// (our progress token, the client's), when the client asked for progress.
    progress: Option<(String, Value)>,
}

#[derive(Debug)]
enum Entry<R, I> {
    Client(ClientCall<R>),
    Internal(I),
}

/// What an answer from the server is for.
#[derive(Debug)]
pub enum Answered<R, I> {
    /// A client's call: `msg` carries the client's id again, for `reply`.
    Client { reply: R, msg: Message },
    /// One of the actor's own requests.
    Internal { what: I, msg: Message },
    /// Nothing waits for it any more (it timed out or was cancelled): dropped.
    Nobody,
}

#[derive(Debug)]
pub struct RequestTable<R, I> {
    next_id: u64,
    entries: HashMap<u64, Entry<R, I>>,
}

impl<R, I> Default for RequestTable<R, I> {
    fn default() -> Self {
        Self {
            next_id: 1,
            entries: HashMap::new(),
        }
    }
}

impl<R, I> RequestTable<R, I> {
    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Takes a client's request on its way up: it gets our id (and our progress
    /// token, if it asked for progress). Returns the message to send.
    pub fn forward(
        &mut self,
        session: SessionId,
        reply: R,
        mut msg: Message,
        deadline: Instant,
    ) -> Message {
        let id = self.take_id();
        let client_id = msg.id.replace(json!(id)).unwrap_or(Value::Null);
        let mut progress = None;
        // A cheap look first: most calls ask for no progress.
        if msg
            .params
            .as_deref()
            .is_some_and(|p| p.get().contains("progressToken"))
        {
            let mut params = msg.params_value();
            if let Some(token) = params.pointer_mut("/_meta/progressToken") {
                let ours = format!("sb-{id}");
                progress = Some((ours.clone(), std::mem::replace(token, Value::String(ours))));
                msg.set_params(&params);
            }
        }
        self.entries.insert(
            id,
            Entry::Client(ClientCall {
                session,
                reply,
                client_id,
                deadline,
                progress,
            }),
        );
        msg
    }

    /// A request the actor makes itself; returns the id to send it with.
    pub fn internal(&mut self, what: I) -> u64 {
        let id = self.take_id();
        self.entries.insert(id, Entry::Internal(what));
        id
    }

    /// The server answered `msg`: who it is for.
    pub fn answered(&mut self, mut msg: Message) -> Answered<R, I> {
        let Some(id) = msg.id.as_ref().and_then(Value::as_u64) else {
            return Answered::Nobody;
        };
        match self.entries.remove(&id) {
            Some(Entry::Client(call)) => {
                msg.id = Some(call.client_id);
                Answered::Client {
                    reply: call.reply,
                    msg,
                }
            }
            Some(Entry::Internal(what)) => Answered::Internal { what, msg },
            None => Answered::Nobody,
        }
    }

    /// Where progress reported with our `token` goes, and the client's own token.
    pub fn progress_target(&self, token: &str) -> Option<(&R, &Value)> {
        self.entries.values().find_map(|e| match e {
            Entry::Client(ClientCall {
                reply,
                progress: Some((ours, theirs)),
                ..
            }) if ours == token => Some((reply, theirs)),
            _ => None,
        })
    }

    /// The client cancelled its request `client_id`: forgets it and returns our id,
    /// for the cancellation upstream.
    pub fn cancel(&mut self, session: SessionId, client_id: &Value) -> Option<u64> {
        let id = self.entries.iter().find_map(|(id, e)| match e {
            Entry::Client(c) if c.session == session && c.client_id == *client_id => Some(*id),
            _ => None,
        })?;
        self.entries.remove(&id);
        Some(id)
    }

    /// A session went away: forgets its calls and returns our ids, to cancel them.
    pub fn session_gone(&mut self, session: SessionId) -> Vec<u64> {
        let mut ids: Vec<u64> = self
            .entries
            .iter()
            .filter_map(|(id, e)| {
                matches!(e, Entry::Client(c) if c.session == session).then_some(*id)
            })
            .collect();
        ids.sort_unstable();
        for id in &ids {
            self.entries.remove(id);
        }
        ids
    }

    /// Client calls whose deadline is `now` or past, removed, with our ids.
    pub fn expired(&mut self, now: Instant) -> Vec<(u64, ClientCall<R>)> {
        let mut ids: Vec<u64> = self
            .entries
            .iter()
            .filter_map(|(id, e)| matches!(e, Entry::Client(c) if c.deadline <= now).then_some(*id))
            .collect();
        ids.sort_unstable();
        ids.into_iter()
            .filter_map(|id| match self.entries.remove(&id) {
                Some(Entry::Client(call)) => Some((id, call)),
                _ => None,
            })
            .collect()
    }

    /// Empties the table: the client calls, to fail them; the actor's own requests
    /// are forgotten.
    pub fn drain(&mut self) -> Vec<ClientCall<R>> {
        let mut calls: Vec<(u64, ClientCall<R>)> = self
            .entries
            .drain()
            .filter_map(|(id, e)| match e {
                Entry::Client(call) => Some((id, call)),
                Entry::Internal(_) => None,
            })
            .collect();
        calls.sort_unstable_by_key(|(id, _)| *id);
        calls.into_iter().map(|(_, call)| call).collect()
    }

    /// The earliest deadline of a client call.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.entries
            .values()
            .filter_map(|e| match e {
                Entry::Client(c) => Some(c.deadline),
                Entry::Internal(_) => None,
            })
            .min()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    type Table = RequestTable<&'static str, &'static str>;

    fn call(id: Value, params: Value) -> Message {
        Message::request(id, "tools/call", Some(params))
    }

    #[test]
    fn ids_are_ours_on_the_way_up_and_the_clients_on_the_way_down() {
        let now = Instant::now();
        let mut t = Table::default();
        // Two sessions, both using id 1.
        let a = t.forward(1, "a", call(json!(1), json!({"name": "x"})), now);
        let b = t.forward(2, "b", call(json!(1), json!({"name": "y"})), now);
        assert_eq!(
            (a.id.clone(), b.id.clone()),
            (Some(json!(1)), Some(json!(2)))
        );
        let init = t.internal("initialize");
        assert_eq!(init, 3);

        let answer = Message::response(json!(2), &json!({"ok": true}));
        match t.answered(answer) {
            Answered::Client { reply, msg } => {
                assert_eq!(reply, "b");
                assert_eq!(msg.id, Some(json!(1)), "the client's own id again");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            t.answered(Message::response(json!(3), &json!({}))),
            Answered::Internal {
                what: "initialize",
                ..
            }
        ));
        // Answered once only; an answer nobody waits for is dropped.
        assert!(matches!(
            t.answered(Message::response(json!(2), &json!({}))),
            Answered::Nobody
        ));
        assert!(matches!(
            t.answered(Message::response(json!("x"), &json!({}))),
            Answered::Nobody
        ));
        assert!(!t.is_empty(), "session a's call is still out");
    }

    #[test]
    fn progress_tokens_are_rewritten_and_mapped_back() {
        let mut t = Table::default();
        let params = json!({"name": "x", "_meta": {"progressToken": "client-tok"}});
        let sent = t.forward(1, "a", call(json!("c1"), params), Instant::now());
        let ours = sent.params_value()["_meta"]["progressToken"].clone();
        assert_eq!(ours, "sb-1");
        assert_eq!(
            t.progress_target("sb-1"),
            Some((&"a", &json!("client-tok")))
        );
        assert_eq!(t.progress_target("sb-2"), None);
        // A call without a token gets none.
        let plain = t.forward(
            1,
            "a",
            call(json!("c2"), json!({"name": "x"})),
            Instant::now(),
        );
        assert!(plain.params_value().get("_meta").is_none());
    }

    #[test]
    fn cancellation_finds_the_call_by_session_and_client_id() {
        let mut t = Table::default();
        let now = Instant::now();
        t.forward(1, "a", call(json!(7), json!({})), now);
        t.forward(2, "b", call(json!(7), json!({})), now);
        assert_eq!(t.cancel(2, &json!(7)), Some(2));
        assert_eq!(t.cancel(2, &json!(7)), None, "already gone");
        assert_eq!(t.cancel(1, &json!(8)), None);
        assert_eq!(t.cancel(1, &json!(7)), Some(1));
        assert!(t.is_empty());
    }

    #[test]
    fn a_session_that_leaves_takes_its_calls_with_it() {
        let mut t = Table::default();
        let now = Instant::now();
        t.forward(1, "a", call(json!(1), json!({})), now);
        t.forward(2, "b", call(json!(1), json!({})), now);
        t.forward(1, "a", call(json!(2), json!({})), now);
        t.internal("listing");
        assert_eq!(t.session_gone(1), [1, 3]);
        assert_eq!(t.session_gone(1), Vec::<u64>::new());
        assert_eq!(
            t.drain().len(),
            1,
            "session b's call; the internal one is forgotten"
        );
        assert!(t.is_empty());
    }

    #[test]
    fn expiry_takes_the_calls_past_their_deadline_and_says_when_the_next_is_due() {
        let mut t = Table::default();
        let now = Instant::now();
        let soon = now + Duration::from_secs(1);
        let later = now + Duration::from_secs(5);
        t.forward(1, "a", call(json!(1), json!({})), later);
        t.forward(1, "a", call(json!(2), json!({})), soon);
        t.internal("initialize");
        assert_eq!(t.next_deadline(), Some(soon));
        assert!(t.expired(now).is_empty());
        let gone = t.expired(soon);
        assert_eq!(gone.len(), 1);
        assert_eq!((gone[0].0, gone[0].1.client_id.clone()), (2, json!(2)));
        assert_eq!(t.next_deadline(), Some(later));
        let all = t.expired(later + Duration::from_secs(1));
        assert_eq!(all.len(), 1);
        assert_eq!(
            t.next_deadline(),
            None,
            "internal requests have no deadline"
        );
    }

    #[test]
    fn draining_fails_every_client_call_in_order() {
        let mut t = Table::default();
        let now = Instant::now();
        for n in 0..5 {
            t.forward(n, "s", call(json!(n), json!({})), now);
        }
        let ids: Vec<Value> = t.drain().into_iter().map(|c| c.client_id).collect();
        assert_eq!(ids, [json!(0), json!(1), json!(2), json!(3), json!(4)]);
        assert!(t.is_empty());
    }
}
