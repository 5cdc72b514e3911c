//! Test support for the supervisor: a fake [`Connector`] that hands every server an
//! actor starts to the test, which plays it.

use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::actor::UPSTREAM_PROTOCOL;
use super::launch::Launch;
use super::spawn::{Connector, StartError, Wiring};
use super::upstream::{Event, Upstream};
use crate::catalog::Vendor;
use crate::jsonrpc::Message;

/// Waits for `fut`, failing the test if an hour of (paused) time passes first: with
/// the clock paused, a wait that can never end would otherwise hang the test.
pub async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(3600), fut)
        .await
        .unwrap_or_else(|_| panic!("no {what} within an hour"))
}

/// One server the actor started, as the test sees it.
pub struct FakeServer {
    pub from_actor: mpsc::UnboundedReceiver<Message>,
    pub to_actor: mpsc::UnboundedSender<Event>,
    pub stopped: oneshot::Receiver<Duration>,
}

impl FakeServer {
    /// The next message the actor sends, which must be `method`.
    pub async fn expect(&mut self, method: &str) -> Message {
        let msg = within(method, self.from_actor.recv())
            .await
            .expect("the actor hung up");
        assert_eq!(msg.method.as_deref(), Some(method), "{}", msg.to_line());
        msg
    }

    pub fn answer(&self, request: &Message, result: serde_json::Value) {
        let id = request.id.clone().expect("a request");
        let _ = self
            .to_actor
            .send(Event::Message(Message::response(id, &result)));
    }

    /// `initialize`, `notifications/initialized`, and a listing with one tool.
    pub async fn handshake(&mut self) {
        let init = self.expect("initialize").await;
        self.answer(
            &init,
            json!({
                "protocolVersion": UPSTREAM_PROTOCOL,
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "fake", "version": "1.0.0"}
            }),
        );
        self.expect("notifications/initialized").await;
        let list = self.expect("tools/list").await;
        self.answer(
            &list,
            json!({"tools": [{"name": "echo", "inputSchema": {"type": "object"}}]}),
        );
    }

    pub fn crash(&self) {
        let _ = self
            .to_actor
            .send(Event::Closed("the server exited with status 1".to_owned()));
    }
}

struct FakeUpstream {
    tx: mpsc::UnboundedSender<Message>,
    stop: oneshot::Sender<Duration>,
}

impl Upstream for FakeUpstream {
    fn send(&self, msg: Message) {
        let _ = self.tx.send(msg);
    }

    fn pid(&self) -> Option<u32> {
        Some(4242)
    }

    fn shutdown(self: Box<Self>, grace: Duration) -> BoxFuture<'static, ()> {
        let _ = self.stop.send(grace);
        Box::pin(std::future::ready(()))
    }
}

pub struct FakeConnector {
    pub started: mpsc::UnboundedSender<FakeServer>,
    /// Refuse every start, as a missing runtime would.
    pub refuse: bool,
}

impl Connector for FakeConnector {
    fn connect<'a>(
        &'a self,
        _vendor: &'a Vendor,
        _launch: &'a Launch,
        wiring: Wiring,
    ) -> BoxFuture<'a, Result<Box<dyn Upstream>, StartError>> {
        if self.refuse {
            return Box::pin(std::future::ready(Err(StartError::Spawn {
                program: "/opt/fake".into(),
                detail: "No such file or directory".into(),
            })));
        }
        let (tx, from_actor) = mpsc::unbounded_channel();
        let (stop, stopped) = oneshot::channel();
        let _ = self.started.send(FakeServer {
            from_actor,
            to_actor: wiring.events,
            stopped,
        });
        let upstream: Box<dyn Upstream> = Box::new(FakeUpstream { tx, stop });
        Box::pin(std::future::ready(Ok(upstream)))
    }
}

/// A vendor with no fields whose server "runs" `/bin/sh` (the fake never runs it).
pub fn fake_vendor(slug: &str) -> Vendor {
    crate::sources::custom_server_vendor(
        slug,
        &crate::config::CustomServer {
            command: "/bin/sh".into(),
            args: vec![],
            env: Default::default(),
            secret_env: vec![],
        },
    )
}

/// What actors need, with a fake connector: the servers they start arrive on the
/// receiver. Files (the tool cache) go under `dir`.
pub fn deps(
    dir: &std::path::Path,
    settings: crate::config::SupervisorSettings,
    refuse: bool,
) -> (
    std::sync::Arc<super::Deps>,
    mpsc::UnboundedReceiver<FakeServer>,
) {
    let (started, servers) = mpsc::unbounded_channel();
    let deps = super::Deps {
        paths: crate::paths::Paths::under(dir),
        settings,
        config: std::sync::RwLock::new(crate::config::Config::default()),
        finder: super::launch::ProgramFinder::with_dirs(vec![]),
        connector: std::sync::Arc::new(FakeConnector { started, refuse }),
    };
    (std::sync::Arc::new(deps), servers)
}
