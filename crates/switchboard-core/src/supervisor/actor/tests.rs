//! The actor in paused time: a fake connector (`supervisor::testing`) hands each
//! "server" the actor starts to the test, which plays it (answers `initialize`, lists
//! tools, crashes, stays quiet).
//! tokio's clock only moves when every task waits, so the timeouts, the idle stop and
//! the backoff are checked to the millisecond without any real waiting.

use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::*;
use crate::catalog::LocalLaunch;
use crate::jsonrpc::{Kind, Message};
use crate::supervisor::testing::{self, FakeServer, fake_vendor, within};

struct Harness {
    handle: Handle,
    servers: mpsc::UnboundedReceiver<FakeServer>,
    notices: mpsc::UnboundedReceiver<Notice>,
    reply: Reply,
    replies: mpsc::UnboundedReceiver<Message>,
    _dir: tempfile::TempDir,
}

impl Harness {
    /// An actor for a vendor with no cached tools: it starts its server at once.
    fn new(settings: SupervisorSettings) -> Self {
        Self::with(settings, false)
    }

    fn with(settings: SupervisorSettings, refuse: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vendor = fake_vendor("fake");
        assert!(matches!(vendor.launch.local, LocalLaunch::Command { .. }));
        let (deps, servers) = testing::deps(dir.path(), settings, refuse);
        let (notice_tx, notices) = mpsc::unbounded_channel();
        let (handle, cached) = spawn(vendor, deps, notice_tx);
        assert!(cached.is_none());
        let (reply, replies) = mpsc::unbounded_channel();
        Self {
            handle,
            servers,
            notices,
            reply,
            replies,
            _dir: dir,
        }
    }

    async fn server(&mut self) -> FakeServer {
        within("server start", self.servers.recv())
            .await
            .expect("the actor started a server")
    }

    /// A client's `tools/call` of `echo`, from session 1 with id `id`.
    fn call(&self, id: u64) {
        self.request(Message::request(
            json!(id),
            "tools/call",
            Some(json!({"name": "echo", "arguments": {}})),
        ));
    }

    /// A client's request, from session 1.
    fn request(&self, msg: Message) {
        self.handle
            .cmd
            .send(Cmd::Request {
                session: 1,
                reply: self.reply.clone(),
                msg,
            })
            .unwrap();
    }

    async fn reply(&mut self) -> Message {
        within("answer", self.replies.recv())
            .await
            .expect("an answer")
    }

    async fn until(&mut self, state: State) {
        within(state.as_str(), async {
            loop {
                match self.notices.recv().await.expect("the actor is alive") {
                    Notice::State { state: s, .. } if s == state => return,
                    _ => {}
                }
            }
        })
        .await;
    }
}

fn error_text(msg: &Message) -> String {
    msg.to_line()
}

#[tokio::test(start_paused = true)]
async fn an_idle_server_stops_after_the_idle_timeout_and_the_next_call_starts_it() {
    let mut h = Harness::new(SupervisorSettings {
        idle_timeout_s: 600,
        ..SupervisorSettings::default()
    });
    let mut server = h.server().await;
    server.handshake().await;
    h.until(State::Running).await;
    let ready = Instant::now();
    let grace = within("idle stop", server.stopped)
        .await
        .expect("stopped by the actor");
    assert_eq!(Instant::now() - ready, Duration::from_secs(600));
    assert_eq!(grace, Duration::from_millis(3000), "a graceful stop");
    h.until(State::Idle).await;
    assert_eq!(h.handle.snapshot().pid, None);

    // The next call starts it again, and is answered once it is up.
    h.call(7);
    let mut server = h.server().await;
    server.handshake().await;
    let forwarded = server.expect("tools/call").await;
    server.answer(&forwarded, json!({"content": []}));
    let answer = h.reply().await;
    assert_eq!(answer.id, Some(json!(7)), "the client's own id");
    assert_eq!(answer.kind(), Kind::Response);
    assert_eq!(
        h.handle.snapshot().restarts,
        0,
        "an idle stop is not a crash"
    );
}

#[tokio::test(start_paused = true)]
async fn a_call_that_gets_no_answer_times_out_and_is_cancelled_upstream() {
    let mut h = Harness::new(SupervisorSettings {
        call_timeout_s: 120,
        ..SupervisorSettings::default()
    });
    let mut server = h.server().await;
    server.handshake().await;
    h.until(State::Running).await;
    h.call(1);
    let forwarded = server.expect("tools/call").await;
    let sent = Instant::now();
    let answer = h.reply().await;
    assert_eq!(Instant::now() - sent, Duration::from_secs(120));
    assert_eq!(answer.id, Some(json!(1)));
    assert!(
        error_text(&answer).contains("fake did not answer within 120 s; the call was cancelled"),
        "{}",
        error_text(&answer)
    );
    let cancel = server.expect("notifications/cancelled").await;
    assert_eq!(cancel.params_value()["requestId"], forwarded.id.unwrap());
    // A late answer goes nowhere.
    server.answer(&Message::request(json!(2), "x", None), json!({}));
    assert_eq!(h.handle.state(), State::Running);
}

#[tokio::test(start_paused = true)]
async fn crashes_back_off_doubling_each_time_then_the_breaker_opens() {
    let mut h = Harness::new(SupervisorSettings {
        backoff_initial_ms: 500,
        crash_limit: 3,
        ..SupervisorSettings::default()
    });
    let mut server = h.server().await;
    server.handshake().await;
    h.until(State::Running).await;
    h.call(1);

    for (n, wait) in [(1, 500), (2, 1000)] {
        // The call in flight when it crashes is answered at once, naming the vendor.
        let _ = server.expect("tools/call").await;
        server.crash();
        let failed = h.reply().await;
        assert!(
            error_text(&failed).contains("fake's server stopped unexpectedly"),
            "{}",
            error_text(&failed)
        );
        h.until(State::BackingOff).await;
        let crashed = Instant::now();
        // The next call waits for the backoff, then starts the server.
        h.call(n + 10);
        server = h.server().await;
        assert_eq!(
            Instant::now() - crashed,
            Duration::from_millis(wait),
            "wait after crash {n}"
        );
        server.handshake().await;
    }
    let _ = server.expect("tools/call").await;
    server.crash();
    let _ = h.reply().await;
    h.until(State::Failed).await;
    assert_eq!(h.handle.snapshot().restarts, 3);

    // Failed: a call is refused at once, saying how to recover.
    let before = Instant::now();
    h.call(99);
    let refused = h.reply().await;
    assert_eq!(Instant::now(), before);
    assert!(
        error_text(&refused).contains("fake is marked failed after 3 crashes in a row"),
        "{}",
        error_text(&refused)
    );

    // A restart by hand closes the breaker.
    h.handle.cmd.send(Cmd::Restart).unwrap();
    let mut server = h.server().await;
    server.handshake().await;
    h.until(State::Running).await;
}

#[tokio::test(start_paused = true)]
async fn a_stable_run_starts_the_crash_count_over() {
    let mut h = Harness::new(SupervisorSettings {
        backoff_initial_ms: 500,
        stable_after_s: 60,
        crash_limit: 2,
        ..SupervisorSettings::default()
    });
    let mut server = h.server().await;
    server.handshake().await;
    h.until(State::Running).await;
    server.crash();
    h.until(State::BackingOff).await;
    h.call(1);
    let mut server = h.server().await;
    server.handshake().await;
    let _ = server.expect("tools/call").await;
    // Up for a minute: this crash is the first in a row again, not the second.
    tokio::time::sleep(Duration::from_secs(60)).await;
    server.crash();
    let _ = h.reply().await;
    h.until(State::BackingOff).await;
    assert_eq!(h.handle.snapshot().restarts, 2);
}

#[tokio::test(start_paused = true)]
async fn a_server_that_does_not_finish_starting_in_time_counts_as_a_crash() {
    let mut h = Harness::new(SupervisorSettings {
        start_timeout_s: 120,
        call_timeout_s: 300,
        ..SupervisorSettings::default()
    });
    h.call(1);
    let mut server = h.server().await;
    let began = Instant::now();
    let _ = server.expect("initialize").await;
    // It never answers.
    let grace = within("kill", server.stopped).await.expect("killed");
    assert_eq!(Instant::now() - began, Duration::from_secs(120));
    assert_eq!(grace, Duration::ZERO, "killed, not asked");
    let answer = h.reply().await;
    assert!(
        error_text(&answer).contains("fake's server did not finish starting within 120 s"),
        "{}",
        error_text(&answer)
    );
    h.until(State::BackingOff).await;
    let status = h.handle.snapshot();
    assert_eq!(status.restarts, 1);
    assert!(
        status
            .last_error
            .is_some_and(|e| e.contains("did not finish starting")),
    );
}

#[tokio::test(start_paused = true)]
async fn a_start_that_fails_answers_the_waiting_call_at_once_and_is_not_a_crash() {
    let mut h = Harness::with(SupervisorSettings::default(), true);
    h.until(State::Idle).await;
    let before = Instant::now();
    h.call(1);
    let answer = h.reply().await;
    assert_eq!(Instant::now(), before);
    assert!(
        error_text(&answer).contains("cannot start `/opt/fake`: No such file or directory"),
        "{}",
        error_text(&answer)
    );
    let status = h.handle.snapshot();
    assert_eq!((status.state, status.restarts), (State::Idle, 0));
    assert!(status.last_error.is_some_and(|e| e.contains("/opt/fake")));
}

#[tokio::test(start_paused = true)]
async fn calls_wait_while_the_server_starts_and_progress_reaches_the_caller() {
    let mut h = Harness::new(SupervisorSettings::default());
    let mut server = h.server().await;
    // A call that arrives mid-start is queued, then forwarded once the server is up.
    h.request(Message::request(
        json!("c-1"),
        "tools/call",
        Some(json!({"name": "echo", "_meta": {"progressToken": "mine"}})),
    ));
    server.handshake().await;
    let forwarded = server.expect("tools/call").await;
    let ours = forwarded.params_value()["_meta"]["progressToken"].clone();
    assert_ne!(ours, json!("mine"), "rewritten on the way up");
    let _ = server.to_actor.send(Event::Message(Message::notification(
        "notifications/progress",
        Some(json!({"progressToken": ours, "progress": 1})),
    )));
    let progress = h.reply().await;
    assert_eq!(progress.params_value()["progressToken"], "mine");
    server.answer(&forwarded, json!({"content": []}));
    assert_eq!(h.reply().await.id, Some(json!("c-1")));
}
