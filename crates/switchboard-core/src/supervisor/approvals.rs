//! Calls held for the technician's approval (`confirm` policy).
//!
//! A held call waits here, outside the conversation: the terminal
//! (`switchboard approve <id>`), the tray or the window answers it over the control
//! channel, never the model. Unanswered within its timeout, it is denied.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::code::{Coded, ErrorCode};

/// A call waiting for the technician, as the terminal, tray and window show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiting {
    pub id: u64,
    pub vendor: String,
    /// The exposed name, `vendor__tool`.
    pub tool: String,
    /// With secret-sounding values redacted.
    pub arguments: Value,
    /// The client's name from its `initialize`.
    #[serde(default)]
    pub client: Option<String>,
    /// RFC 3339.
    pub since: String,
    /// Seconds it waits in all, before it is denied.
    pub timeout_s: u64,
}

/// The technician's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Approved { by: String },
    Declined { by: String },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("no call {0} is waiting for approval (it may have been answered or timed out)")]
pub struct NotWaiting(pub u64);

impl Coded for NotWaiting {
    fn code(&self) -> ErrorCode {
        ErrorCode::NotWaiting
    }
}

#[derive(Default)]
pub struct Approvals {
    next: AtomicU64,
    waiting: Mutex<BTreeMap<u64, (Waiting, oneshot::Sender<Answer>)>>,
}

impl Approvals {
    /// Holds a call; its answer comes on the receiver. `id` is set here.
    pub fn hold(&self, mut call: Waiting) -> (u64, oneshot::Receiver<Answer>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        call.id = id;
        let (tx, rx) = oneshot::channel();
        self.waiting
            .lock()
            .expect("approvals lock")
            .insert(id, (call, tx));
        (id, rx)
    }

    /// Answers a waiting call.
    pub fn answer(&self, id: u64, answer: Answer) -> Result<Waiting, NotWaiting> {
        let (call, tx) = self
            .waiting
            .lock()
            .expect("approvals lock")
            .remove(&id)
            .ok_or(NotWaiting(id))?;
        // The session may have gone (the client quit): the answer is moot then.
        let _ = tx.send(answer);
        Ok(call)
    }

    /// Forgets a call that timed out or whose session ended; whether it was waiting.
    pub fn forget(&self, id: u64) -> bool {
        self.waiting
            .lock()
            .expect("approvals lock")
            .remove(&id)
            .is_some()
    }

    pub fn list(&self) -> Vec<Waiting> {
        self.waiting
            .lock()
            .expect("approvals lock")
            .values()
            .map(|(w, _)| w.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> Waiting {
        Waiting {
            id: 0,
            vendor: "datto-rmm".into(),
            tool: "datto-rmm__datto_run_quickjob".into(),
            arguments: serde_json::json!({"deviceUid": "d1"}),
            client: Some("claude-ai".into()),
            since: "2026-12-06T10:00:00Z".into(),
            timeout_s: 120,
        }
    }

    #[tokio::test]
    async fn a_held_call_gets_its_answer_once() {
        let a = Approvals::default();
        let (id, rx) = a.hold(call());
        assert_eq!(a.list()[0].id, id);
        let answered = a.answer(id, Answer::Approved { by: "cli".into() }).unwrap();
        assert_eq!(answered.tool, "datto-rmm__datto_run_quickjob");
        assert_eq!(rx.await.unwrap(), Answer::Approved { by: "cli".into() });
        assert!(a.list().is_empty());
        assert_eq!(
            a.answer(id, Answer::Declined { by: "cli".into() }),
            Err(NotWaiting(id))
        );
    }

    #[tokio::test]
    async fn a_forgotten_call_cannot_be_answered() {
        let a = Approvals::default();
        let (id, rx) = a.hold(call());
        assert!(a.forget(id));
        assert!(!a.forget(id));
        assert!(rx.await.is_err());
        assert!(a.answer(id, Answer::Approved { by: "cli".into() }).is_err());
    }
}
