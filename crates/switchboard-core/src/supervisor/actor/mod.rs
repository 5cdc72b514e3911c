//! One vendor's server, supervised: an actor task that owns the upstream and every
//! request in flight to it.
//!
//! Lifecycle: `idle` (nothing running; tools come from the cache) → `starting` (spawn,
//! `initialize`, list tools/prompts/resources, refresh the cache) → `running` → back to
//! `idle` after the idle timeout. A crash fails every call in flight at once, with an
//! error naming the vendor, then waits (`backing_off`, doubling each crash in a row)
//! before the next start; a run longer than `stable_after` resets the count, and
//! `crash_limit` crashes in a row mark the vendor `failed` until restarted by hand.
//!
//! The parts with rules of their own live beside it: the request table (`inflight`:
//! ids and progress tokens rewritten on the way up, answers, progress and
//! cancellation mapped back), the crash policy (`breaker`), and starting a server
//! (`spawn`, behind the `Connector` seam). The actor keeps the lifecycle, the
//! initialize and listing handshake, and the timers, all on tokio's clock, so its
//! unit tests run in paused time against a fake connector.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use self::handshake::Listing;
use super::breaker::{Breaker, Verdict};
use super::cache::{self, Offer};
pub use super::inflight::SessionId;
use super::inflight::{Answered, RequestTable};
use super::launch::{self, Launch, Plan, ProgramFinder};
use super::spawn::{Connector, StartError, Wiring};
use super::upstream::{Event, Upstream, stdio};
use crate::catalog::Vendor;
use crate::config::SupervisorSettings;
use crate::jsonrpc::{Kind, Message, code};
use crate::paths::Paths;
use crate::status::{State, VendorStatus};

pub use crate::jsonrpc::UPSTREAM_PROTOCOL;

/// Where a session's outgoing messages go.
pub type Reply = mpsc::UnboundedSender<Message>;

/// What the actor shares with the hub: the status `status` shows, and since when the
/// server has been up (for its uptime).
#[derive(Debug, Clone)]
pub struct Live {
    pub status: VendorStatus,
    pub started: Option<Instant>,
}

/// What the actor tells the hub.
#[derive(Debug)]
pub enum Notice {
    /// The server's tools, prompts or resources changed (or were first fetched).
    OfferChanged { slug: String, offer: Offer },
    /// A notification for every session that sees this vendor (logging, updates).
    Broadcast { slug: String, msg: Message },
    /// State changed (for control-API events).
    State {
        slug: String,
        state: State,
        last_error: Option<String>,
    },
}

pub enum Cmd {
    /// A client request, params already in the server's terms (original tool name).
    Request {
        session: SessionId,
        reply: Reply,
        msg: Message,
    },
    /// A request the daemon itself makes (`logging/setLevel`); answered nowhere.
    Internal {
        method: String,
        params: Value,
    },
    Cancel {
        session: SessionId,
        client_id: Value,
        reason: Option<String>,
    },
    SessionGone {
        session: SessionId,
    },
    /// Stop the server now (a person asked); the next call starts it again.
    Stop,
    /// Forget a failed state and start afresh.
    Restart,
    /// Credentials or launch spec changed: stop; the next call starts it anew.
    Reload {
        vendor: Box<Vendor>,
    },
    Shutdown(oneshot::Sender<()>),
}

/// What every actor needs from the daemon.
pub struct Deps {
    pub paths: Paths,
    pub settings: SupervisorSettings,
    /// Launch overrides and custom servers; replaced on reload.
    pub config: std::sync::RwLock<crate::config::Config>,
    pub finder: ProgramFinder,
    /// Starts servers (`spawn::Spawner`; a fake in tests).
    pub connector: Arc<dyn Connector>,
}

impl Deps {
    pub fn launch(&self, vendor: &Vendor) -> Result<Launch, launch::LaunchError> {
        if vendor.slug == crate::gateway::SLUG {
            return launch::gateway(&self.paths);
        }
        launch::resolve(
            vendor,
            &self.config.read().expect("config lock"),
            &self.finder,
            &self.paths.bundles_dir(),
        )
    }
}

pub struct Handle {
    pub slug: String,
    pub cmd: mpsc::UnboundedSender<Cmd>,
    pub status: Arc<Mutex<Live>>,
    pub stderr_tail: stdio::StderrTail,
}

impl Handle {
    pub fn state(&self) -> State {
        self.status.lock().expect("status lock").status.state
    }

    pub fn snapshot(&self) -> VendorStatus {
        let live = self.status.lock().expect("status lock").clone();
        let mut s = live.status;
        s.uptime_s = live.started.map(|t| t.elapsed().as_secs());
        s.stderr_tail = self
            .stderr_tail
            .lock()
            .map(|t| t.iter().cloned().collect())
            .unwrap_or_default();
        s
    }
}

/// Starts the actor for a connected vendor. Returns its handle and the cached offer.
pub fn spawn(
    vendor: Vendor,
    deps: Arc<Deps>,
    notices: mpsc::UnboundedSender<Notice>,
) -> (Handle, Option<Offer>) {
    let launch = deps.launch(&vendor);
    let offer = launch
        .as_ref()
        .ok()
        .and_then(|l| cache::load(&deps.paths.cache, &vendor.slug, &l.key));
    let status = Arc::new(Mutex::new(Live {
        status: VendorStatus {
            slug: vendor.slug.clone(),
            name: vendor.name.clone(),
            state: State::Idle,
            source: launch.as_ref().ok().map(|l| l.source),
            pid: None,
            uptime_s: None,
            restarts: 0,
            tools: offer.as_ref().map_or(0, |o| o.tools.len()),
            last_error: launch.as_ref().err().map(ToString::to_string),
            stderr_tail: Vec::new(),
            memory_bytes: None,
            served_by: Some(crate::status::Served::Local),
        },
        started: None,
    }));
    let tail: stdio::StderrTail = Arc::default();
    let (tx, rx) = mpsc::unbounded_channel();
    let handle = Handle {
        slug: vendor.slug.clone(),
        cmd: tx,
        status: status.clone(),
        stderr_tail: tail.clone(),
    };
    let actor = Actor {
        vendor,
        deps,
        notices,
        status,
        tail,
        offer: offer.clone(),
        state: State::Idle,
        run: None,
        pending: RequestTable::default(),
        queue: VecDeque::new(),
        breaker: Breaker::default(),
        last_activity: Instant::now(),
        last_error: None,
        explanation: None,
    };
    tokio::spawn(actor.run(rx));
    (handle, offer)
}

struct Queued {
    session: SessionId,
    reply: Reply,
    msg: Message,
    deadline: Instant,
}

enum Internal {
    Initialize,
    List {
        method: &'static str,
        items: Vec<Value>,
    },
    Ignore,
}

/// A running (or starting) server.
struct Run {
    upstream: Box<dyn Upstream>,
    events: mpsc::UnboundedReceiver<Event>,
    launch: Launch,
    started: Instant,
    phase: Phase,
}

enum Phase {
    /// Waiting for the answer to `initialize`.
    Initializing {
        deadline: Instant,
    },
    /// Fetching tools/prompts/resources: at start-up, or after `list_changed`.
    Listing {
        listing: Box<Listing>,
        startup: bool,
        deadline: Instant,
    },
    Ready,
}

struct Actor {
    vendor: Vendor,
    deps: Arc<Deps>,
    notices: mpsc::UnboundedSender<Notice>,
    status: Arc<Mutex<Live>>,
    tail: stdio::StderrTail,
    offer: Option<Offer>,
    state: State,
    run: Option<Run>,
    pending: RequestTable<Reply, Internal>,
    queue: VecDeque<Queued>,
    breaker: Breaker,
    last_activity: Instant,
    last_error: Option<String>,
    /// Why the current run is ending, when we know better than its exit status.
    explanation: Option<String>,
}

impl Actor {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Cmd>) {
        if self.offer.is_none() {
            // Nothing cached: start once to learn the tools (it idle-stops as usual).
            self.start().await;
        }
        loop {
            let wake = self.next_wake();
            let event = async {
                match self.run.as_mut() {
                    Some(run) => run.events.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                cmd = rx.recv() => match cmd {
                    Some(Cmd::Shutdown(done)) => {
                        let why = format!("Switchboard's daemon is stopping; the call to {} was interrupted. Try again.", self.vendor.name);
                        self.fail_pending(&why);
                        self.fail_queue(&why);
                        self.stop().await;
                        let _ = done.send(());
                        return;
                    }
                    None => {
                        self.stop().await;
                        return;
                    }
                    Some(cmd) => self.command(cmd).await,
                },
                event = event => match event {
                    Some(event) => self.upstream_event(event).await,
                    None => self.closed("the connection to the server ended".to_owned()).await,
                },
                () = sleep_until(wake) => self.tick().await,
            }
        }
    }

    fn slug(&self) -> &str {
        &self.vendor.slug
    }

    fn set_state(&mut self, state: State) {
        self.state = state;
        {
            let mut live = self.status.lock().expect("status lock");
            live.started = self
                .run
                .as_ref()
                .filter(|r| matches!(r.phase, Phase::Ready))
                .map(|r| r.started);
            let s = &mut live.status;
            s.state = state;
            s.pid = self.run.as_ref().and_then(|r| r.upstream.pid());
            s.restarts = self.breaker.restarts();
            s.tools = self.offer.as_ref().map_or(0, |o| o.tools.len());
            s.last_error.clone_from(&self.last_error);
            if let Some(run) = &self.run {
                s.source = Some(run.launch.source);
            }
        }
        let _ = self.notices.send(Notice::State {
            slug: self.slug().to_owned(),
            state,
            last_error: self.last_error.clone(),
        });
    }

    fn next_wake(&self) -> Option<Instant> {
        let mut times: Vec<Instant> = Vec::new();
        times.extend(self.pending.next_deadline());
        times.extend(self.queue.iter().map(|q| q.deadline));
        if let Some(run) = &self.run {
            match &run.phase {
                Phase::Initializing { deadline } | Phase::Listing { deadline, .. } => {
                    times.push(*deadline)
                }
                Phase::Ready if self.pending.is_empty() => {
                    times.push(self.last_activity + self.deps.settings.idle_timeout());
                }
                Phase::Ready => {}
            }
        }
        times.extend(self.breaker.wake_at());
        times.into_iter().min()
    }

    async fn tick(&mut self) {
        let now = Instant::now();
        // Calls that ran out of time.
        let secs = self.deps.settings.call_timeout_s;
        for (id, call) in self.pending.expired(now) {
            let text = format!(
                "{} did not answer within {secs} s; the call was cancelled",
                self.vendor.name
            );
            let _ = call.reply.send(Message::error_response(
                call.client_id,
                code::UPSTREAM_FAILED,
                &text,
                None,
            ));
            self.cancel_upstream(id, "timed out");
        }
        let (late, keep): (Vec<Queued>, Vec<Queued>) =
            self.queue.drain(..).partition(|q| q.deadline <= now);
        self.queue = keep.into();
        for q in late {
            let text = format!("{} did not start within {secs} s", self.vendor.name);
            answer_error(&q.reply, &q.msg, code::UPSTREAM_FAILED, &text);
        }
        // A start-up or listing that takes too long.
        let phase_late = self.run.as_ref().is_some_and(|r| match &r.phase {
            Phase::Initializing { deadline } | Phase::Listing { deadline, .. } => *deadline <= now,
            Phase::Ready => false,
        });
        if phase_late {
            let startup = self.run.as_ref().is_some_and(|r| {
                matches!(
                    r.phase,
                    Phase::Initializing { .. } | Phase::Listing { startup: true, .. }
                )
            });
            if startup {
                let why = format!(
                    "{}'s server did not finish starting within {} s",
                    self.vendor.name, self.deps.settings.start_timeout_s
                );
                self.explanation = Some(why.clone());
                // Counts as a crash: kill it and let `crashed` apply the backoff.
                self.kill_for(why).await;
                return;
            }
            tracing::warn!(vendor = %self.slug(), "the server did not answer a listing in time; keeping the old one");
            if let Some(run) = self.run.as_mut() {
                run.phase = Phase::Ready;
            }
        }
        // Backoff over: start again if anyone is waiting.
        if let Some(until) = self.breaker.wake_at()
            && until <= now
        {
            self.breaker.clear_wait();
            if self.queue.is_empty() {
                self.set_state(State::Idle);
            } else {
                self.start().await;
            }
        }
        // Idle: stop a server nobody has used for a while.
        let idle = self
            .run
            .as_ref()
            .is_some_and(|r| matches!(r.phase, Phase::Ready))
            && self.pending.is_empty()
            && self.queue.is_empty()
            && now >= self.last_activity + self.deps.settings.idle_timeout();
        if idle {
            tracing::info!(vendor = %self.slug(), "stopping an idle server");
            self.stop().await;
        }
    }

    async fn command(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::Request {
                session,
                reply,
                msg,
            } => {
                self.last_activity = Instant::now();
                let deadline = Instant::now() + self.deps.settings.call_timeout();
                match self.state {
                    State::Running => self.forward(session, reply, msg, deadline),
                    State::SignedOut => {
                        let text = self.last_error.clone().unwrap_or_else(|| {
                            "the team sign-in has expired; sign in again".to_owned()
                        });
                        answer_error(&reply, &msg, code::UPSTREAM_FAILED, &text);
                    }
                    State::Failed => {
                        let text = format!(
                            "{} is marked failed after {} crashes in a row{}; restart it with `switchboard restart {}`",
                            self.vendor.name,
                            self.breaker.crashes_in_a_row(),
                            self.last_error
                                .as_deref()
                                .map(|e| format!(" (last: {e})"))
                                .unwrap_or_default(),
                            self.slug()
                        );
                        answer_error(&reply, &msg, code::UPSTREAM_FAILED, &text);
                    }
                    // A remote server that is being waited out: the network is
                    // down or the server is, so say so now rather than after the
                    // wait; the first call after it tries again.
                    State::BackingOff if self.breaker.remote() => {
                        let wait = self
                            .breaker
                            .waiting_until(Instant::now())
                            .map_or(0, |until| {
                                until.duration_since(Instant::now()).as_secs() + 1
                            });
                        let text = format!(
                            "{}{}; Switchboard tries again in {wait} s",
                            self.vendor.name,
                            self.last_error
                                .as_deref()
                                .map(|e| format!(" cannot be reached ({e})"))
                                .unwrap_or_else(|| " cannot be reached".to_owned()),
                        );
                        answer_error(&reply, &msg, code::UPSTREAM_FAILED, &text);
                    }
                    State::Starting | State::BackingOff => self.queue.push_back(Queued {
                        session,
                        reply,
                        msg,
                        deadline,
                    }),
                    State::Idle | State::NotConnected => {
                        self.queue.push_back(Queued {
                            session,
                            reply,
                            msg,
                            deadline,
                        });
                        self.start().await;
                    }
                }
            }
            Cmd::Internal { method, params } => {
                if self.state == State::Running {
                    self.request_internal(Internal::Ignore, &method, params);
                }
            }
            Cmd::Cancel {
                session,
                client_id,
                reason,
            } => {
                self.queue
                    .retain(|q| !(q.session == session && q.msg.id.as_ref() == Some(&client_id)));
                if let Some(id) = self.pending.cancel(session, &client_id) {
                    self.cancel_upstream(
                        id,
                        reason.as_deref().unwrap_or("cancelled by the client"),
                    );
                }
            }
            Cmd::SessionGone { session } => {
                self.queue.retain(|q| q.session != session);
                for id in self.pending.session_gone(session) {
                    self.cancel_upstream(id, "the client disconnected");
                }
            }
            Cmd::Restart => {
                self.breaker.reset();
                self.last_error = None;
                self.stop().await;
                self.start().await;
            }
            Cmd::Stop => {
                tracing::info!(vendor = %self.slug(), "stopping the server on request");
                self.stop().await;
            }
            Cmd::Reload { vendor } => {
                self.vendor = *vendor;
                self.breaker.reset();
                self.last_error = None;
                self.stop().await;
                self.set_state(State::Idle);
                if !self.queue.is_empty() {
                    self.start().await;
                }
            }
            Cmd::Shutdown(_) => unreachable!("handled in run"),
        }
    }

    fn send(&self, msg: Message) {
        if let Some(run) = &self.run {
            run.upstream.send(msg);
        }
    }

    fn request_internal(&mut self, internal: Internal, method: &str, params: Value) {
        let id = self.pending.internal(internal);
        self.send(Message::request(json!(id), method, Some(params)));
    }

    fn cancel_upstream(&self, id: u64, reason: &str) {
        self.send(Message::notification(
            "notifications/cancelled",
            Some(json!({ "requestId": id, "reason": reason })),
        ));
    }

    /// Sends a client request upstream with our id (and our progress token).
    fn forward(&mut self, session: SessionId, reply: Reply, msg: Message, deadline: Instant) {
        let msg = self.pending.forward(session, reply, msg, deadline);
        self.send(msg);
    }

    /// Spawns the server and sends `initialize`. A failure to spawn is reported to
    /// whoever waits; it is not a crash (nothing ran).
    async fn start(&mut self) {
        if self.run.is_some() {
            return;
        }
        if self.breaker.waiting_until(Instant::now()).is_some() {
            self.set_state(State::BackingOff);
            return;
        }
        self.breaker.clear_wait();
        self.set_state(State::Starting);
        match self.spawn_upstream().await {
            Ok(run) => {
                self.breaker.set_remote(matches!(
                    run.launch.plan,
                    Plan::Http { .. } | Plan::Gateway { .. }
                ));
                self.run = Some(run);
                self.request_internal(
                    Internal::Initialize,
                    "initialize",
                    json!({
                        "protocolVersion": UPSTREAM_PROTOCOL,
                        "capabilities": {},
                        "clientInfo": { "name": "switchboard", "version": env!("CARGO_PKG_VERSION") }
                    }),
                );
                self.set_state(State::Starting);
            }
            Err(e) => {
                let why = e.to_string();
                self.last_error = Some(why.clone());
                self.fail_queue(&why);
                self.set_state(State::Idle);
            }
        }
    }

    async fn spawn_upstream(&mut self) -> Result<Run, StartError> {
        let launch = self.deps.launch(&self.vendor).map_err(StartError::Launch)?;
        let (events_tx, events) = mpsc::unbounded_channel();
        let wiring = Wiring {
            events: events_tx,
            stderr_tail: self.tail.clone(),
        };
        let upstream = self
            .deps
            .connector
            .connect(&self.vendor, &launch, wiring)
            .await?;
        let deadline = Instant::now() + self.deps.settings.start_timeout();
        Ok(Run {
            upstream,
            events,
            launch,
            started: Instant::now(),
            phase: Phase::Initializing { deadline },
        })
    }

    /// Stops the server (if any); not a crash.
    async fn stop(&mut self) {
        if let Some(run) = self.run.take() {
            run.upstream
                .shutdown(self.deps.settings.shutdown_grace())
                .await;
            self.fail_pending(&format!("{}'s server was stopped", self.vendor.name));
            self.set_state(State::Idle);
        }
    }

    /// Kills a misbehaving server; its end is handled as a crash.
    async fn kill_for(&mut self, why: String) {
        if let Some(run) = self.run.take() {
            run.upstream.shutdown(Duration::ZERO).await;
            self.crashed(why).await;
        }
    }

    async fn upstream_event(&mut self, event: Event) {
        match event {
            Event::Message(msg) => self.upstream_message(msg).await,
            Event::Protocol(why) => {
                let text = format!("{}'s server {why}; it was restarted", self.vendor.name);
                tracing::warn!(vendor = %self.slug(), "{text}");
                self.explanation = Some(text);
            }
            Event::Closed(why) => self.closed(why).await,
            Event::AuthLost(why) => self.signed_out(why).await,
        }
    }

    /// The sign-in behind the connection is over: stop, answer everyone with why, and
    /// wait for a new sign-in (a reload) rather than retrying.
    async fn signed_out(&mut self, why: String) {
        tracing::warn!(vendor = %self.slug(), "{why}");
        self.last_error = Some(why.clone());
        self.fail_pending(&why);
        self.fail_queue(&why);
        if let Some(run) = self.run.take() {
            run.upstream.shutdown(Duration::ZERO).await;
        }
        self.set_state(State::SignedOut);
    }

    /// The connection ended without us asking: a crash.
    async fn closed(&mut self, why: String) {
        if self.run.take().is_some() {
            self.crashed(why).await;
        }
    }

    async fn crashed(&mut self, why: String) {
        let ran_for = self
            .status
            .lock()
            .ok()
            .and_then(|s| s.started)
            .map(|t| t.elapsed());
        let verdict = self
            .breaker
            .crashed(ran_for, Instant::now(), &self.deps.settings);
        let was_ready = ran_for.is_some();
        let last_line = self.tail.lock().ok().and_then(|t| t.back().cloned());
        // A protocol violation, a start timeout or a refused initialize explains the
        // end better than the exit status does.
        let reason = match self.explanation.take() {
            Some(e) => e,
            None => format!("{}'s server stopped unexpectedly: {why}", self.vendor.name),
        };
        let reason = match last_line {
            Some(line) => format!("{reason} (last output: {line})"),
            None => reason,
        };
        tracing::warn!(vendor = %self.slug(), crashes = self.breaker.crashes_in_a_row(), "{reason}");
        self.last_error = Some(reason.clone());
        self.fail_pending(&reason);
        if !was_ready {
            // It never came up: whoever waits for it hears why now, not after the
            // backoff rounds. The next call tries again.
            self.fail_queue(&reason);
        }
        match verdict {
            Verdict::Open => {
                self.fail_queue(&reason);
                self.set_state(State::Failed);
            }
            Verdict::BackOff { .. } => self.set_state(State::BackingOff),
        }
    }

    /// Answers every client call in flight with an error; forgets internal ones.
    fn fail_pending(&mut self, why: &str) {
        for call in self.pending.drain() {
            let _ = call.reply.send(Message::error_response(
                call.client_id,
                code::UPSTREAM_FAILED,
                why,
                None,
            ));
        }
    }

    fn fail_queue(&mut self, why: &str) {
        for q in self.queue.drain(..) {
            answer_error(&q.reply, &q.msg, code::UPSTREAM_FAILED, why);
        }
    }

    async fn upstream_message(&mut self, msg: Message) {
        self.last_activity = Instant::now();
        match msg.kind() {
            Kind::Response => match self.pending.answered(msg) {
                Answered::Client { reply, msg } => {
                    let _ = reply.send(msg);
                }
                Answered::Internal { what, msg } => self.internal_response(what, msg).await,
                Answered::Nobody => {} // answered after a timeout or a cancellation
            },
            Kind::Notification => self.upstream_notification(msg),
            Kind::Request => {
                // Server → client requests: answer what we can, refuse the rest.
                let id = msg.id.clone().unwrap_or(Value::Null);
                let answer = match msg.method.as_deref() {
                    Some("ping") => Message::response(id, &json!({})),
                    Some("roots/list") => Message::response(id, &json!({ "roots": [] })),
                    Some(m) => Message::error_response(
                        id,
                        code::METHOD_NOT_FOUND,
                        &format!("Switchboard does not relay `{m}` to the client"),
                        None,
                    ),
                    None => return,
                };
                self.send(answer);
            }
            Kind::Invalid => {}
        }
    }

    fn upstream_notification(&mut self, msg: Message) {
        match msg.method.as_deref() {
            Some("notifications/progress") => {
                let mut params = msg.params_value();
                let Some(token) = params
                    .get("progressToken")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                else {
                    return;
                };
                if let Some((reply, theirs)) = self.pending.progress_target(&token) {
                    params["progressToken"] = theirs.clone();
                    let _ = reply.send(Message::notification(
                        "notifications/progress",
                        Some(params),
                    ));
                }
            }
            Some("notifications/message" | "notifications/resources/updated") => {
                let _ = self.notices.send(Notice::Broadcast {
                    slug: self.slug().to_owned(),
                    msg,
                });
            }
            Some(
                "notifications/tools/list_changed"
                | "notifications/prompts/list_changed"
                | "notifications/resources/list_changed",
            ) => self.begin_listing(false, None),
            _ => {}
        }
    }
}

fn answer_error(reply: &Reply, msg: &Message, code: i64, text: &str) {
    if let Some(id) = msg.id.clone() {
        let _ = reply.send(Message::error_response(id, code, text, None));
    }
}

async fn sleep_until(t: Option<Instant>) {
    match t {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

mod handshake;
#[cfg(test)]
mod tests;
