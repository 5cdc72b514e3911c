//! The daemon: one per user (and per `SWITCHBOARD_HOME`), headless. It owns the hub
//! (every vendor server) and serves the bridges and the control API on a local socket.
//!
//! It holds `<runtime>/daemon.lock` for its whole life, so a second daemon exits at
//! once. On shutdown (a signal, or the control op `stop`) it stops every vendor
//! server gracefully and removes its socket.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::sync::{Notify, mpsc};
use tokio_util::codec::{FramedRead, LinesCodec};

use crate::catalog::Vendor;
use crate::code::{Coded, ErrorCode, Surface};
use crate::config::Config;
use crate::config::Pin;
use crate::gateway;
use crate::ipc::{
    self, ControlOp, ControlRequest, ControlResponse, Hello, PROTOCOL, Refusal, Welcome,
};
use crate::paths::Paths;
use crate::platform::{self, IpcStream};
use crate::status::{DaemonInfo, GatewayStatus, StatusReport};
use crate::supervisor::actor::Cmd;
use crate::supervisor::approvals::Answer;
use crate::supervisor::launch::ProgramFinder;
use crate::supervisor::spawn::Spawner;
use crate::supervisor::{Deps, Hub, Scope, session};
use crate::vault::{Namespace, SecretStore, Vault, VaultError};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DaemonError {
    #[error("a Switchboard daemon is already running for this user")]
    AlreadyRunning,
    /// The runtime folder, the lock or the socket.
    #[error("cannot set up the daemon: {what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
}

impl Coded for DaemonError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::AlreadyRunning => ErrorCode::DaemonUnavailable,
            Self::Io { .. } => ErrorCode::Io,
            Self::Catalog(e) => e.code(),
            Self::Config(e) => e.code(),
            Self::Vault(e) => e.code(),
        }
    }

    fn hint_for(&self, surface: Surface) -> Option<String> {
        match self {
            Self::AlreadyRunning => Some(match surface {
                Surface::Cli => {
                    "`switchboard status` shows it; `switchboard daemon stop` stops it".into()
                }
                Surface::Window => "the Servers page shows it".into(),
            }),
            Self::Catalog(e) => e.hint_for(surface),
            Self::Config(e) => e.hint_for(surface),
            Self::Vault(e) => e.hint_for(surface),
            Self::Io { .. } => None,
        }
    }
}

struct Daemon {
    paths: Paths,
    vault: Vault,
    deps: Arc<Deps>,
    hub: Arc<Hub>,
    started: Instant,
    stop: Notify,
}

/// Loads the configuration, the catalog with custom servers, and the connected vendors.
fn load(paths: &Paths, vault: &Vault) -> Result<(Config, Vec<Vendor>), DaemonError> {
    let config = Config::load(&paths.config_file())?;
    let (catalog, problems) = crate::sources::load_catalog(paths, Some(&config))?;
    for problem in problems {
        tracing::warn!("{problem}");
    }
    // The configuration as it applies: with the MSP's preset, if there is one.
    let config = match crate::preset::load(&|slug| catalog.fields_of(slug)).preset() {
        Some(preset) => crate::settings::effective_config(paths, Some(preset))?,
        None => config,
    };
    let index = vault.index()?;
    let mut connected = Vec::new();
    for slug in index.vendors.keys() {
        if config.pin(slug) == Pin::Gateway {
            continue; // served by the team gateway, whatever is connected here
        }
        match catalog.get(slug) {
            Ok(v) => connected.push(v.clone()),
            Err(_) => tracing::warn!(vendor = %slug, "connected, but not in the catalog; skipped"),
        }
    }
    match gateway::store::read(paths) {
        Ok(Some(_)) => connected.push(gateway::vendor()),
        Ok(None) => {}
        Err(e) => {
            tracing::warn!(error = %e, "the team sign-in cannot be read; the gateway is not served")
        }
    }
    Ok((config, connected))
}

/// Runs the daemon until `shutdown` resolves or a client sends `stop`.
pub async fn run(
    paths: Paths,
    store: Arc<dyn SecretStore>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), DaemonError> {
    platform::private_dir(&paths.runtime).map_err(|source| DaemonError::Io {
        what: format!("`{}`", paths.runtime.display()),
        source,
    })?;
    let lock_path = paths.runtime.join("daemon.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| DaemonError::Io {
            what: format!("`{}`", lock_path.display()),
            source,
        })?;
    match lock.try_lock() {
        Ok(()) => {
            // Who holds the lock, for `wait_for_exit` (the lock is on the file, not
            // its contents, so rewriting them is safe).
            use std::io::Write;
            let mut f = &lock;
            let _ = f
                .set_len(0)
                .and_then(|()| f.write_all(std::process::id().to_string().as_bytes()));
        }
        Err(std::fs::TryLockError::WouldBlock) => return Err(DaemonError::AlreadyRunning),
        Err(std::fs::TryLockError::Error(source)) => {
            return Err(DaemonError::Io {
                what: format!("cannot lock `{}`", lock_path.display()),
                source,
            });
        }
    }

    let vault = Vault::new(store, Namespace::detect(&paths), &paths);
    let (config, connected) = load(&paths, &vault)?;
    let spawner = Spawner {
        paths: paths.clone(),
        vault: vault.clone(),
        max_message_bytes: config.supervisor.max_message_bytes,
        gateway_relist: Duration::from_secs(config.gateway.relist_s.max(1)),
        call_timeout: config.supervisor.call_timeout(),
    };
    let deps = Arc::new(Deps {
        paths: paths.clone(),
        settings: config.supervisor.clone(),
        config: std::sync::RwLock::new(config),
        finder: ProgramFinder::from_env(),
        connector: Arc::new(spawner),
    });
    let mut listener =
        platform::ipc_listen(&paths.runtime, ipc::DAEMON).map_err(|source| DaemonError::Io {
            what: format!(
                "cannot listen at `{}`",
                platform::ipc_endpoint(&paths.runtime, ipc::DAEMON).display()
            ),
            source,
        })?;
    tracing::info!(pid = std::process::id(), endpoint = %platform::ipc_endpoint(&paths.runtime, ipc::DAEMON).display(), vendors = connected.len(), "daemon started");
    let hub = Hub::start(deps.clone(), connected);
    let daemon = Arc::new(Daemon {
        paths: paths.clone(),
        vault,
        deps,
        hub,
        started: Instant::now(),
        stop: Notify::new(),
    });

    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(stream) => {
                    let d = daemon.clone();
                    tokio::spawn(async move { d.connection(stream).await });
                }
                Err(e) => tracing::warn!(error = %e, "accept failed"),
            },
            () = &mut shutdown => break,
            () = daemon.stop.notified() => break,
        }
    }
    tracing::info!("daemon stopping");
    // No new connections from here on; then stop every server; the lock goes last, so
    // whoever waits for it knows the servers are down.
    drop(listener);
    platform::ipc_cleanup(&paths.runtime, ipc::DAEMON);
    daemon.hub.shutdown().await;
    drop(lock);
    Ok(())
}

impl Daemon {
    async fn connection(self: Arc<Self>, stream: IpcStream) {
        let (reader, mut writer) = tokio::io::split(stream);
        let mut lines = FramedRead::new(
            reader,
            LinesCodec::new_with_max_length(self.deps.settings.max_message_bytes.max(1024)),
        );
        let first = match tokio::time::timeout(Duration::from_secs(10), lines.next()).await {
            Ok(Some(Ok(line))) => line,
            _ => return,
        };
        let welcome = |ok: bool, error: Option<String>| {
            let w = Welcome {
                switchboard: PROTOCOL,
                ok,
                version: env!("CARGO_PKG_VERSION").to_owned(),
                pid: std::process::id(),
                error,
            };
            let mut line = serde_json::to_string(&w).expect("invariant: welcome serializes");
            line.push('\n');
            line
        };
        let hello: Hello = match serde_json::from_str(&first) {
            Ok(h) => h,
            Err(_) => {
                let _ = writer
                    .write_all(
                        welcome(
                            false,
                            Some("the first line must be a Switchboard hello".into()),
                        )
                        .as_bytes(),
                    )
                    .await;
                return;
            }
        };
        let version = match &hello {
            Hello::Bridge { switchboard, .. } | Hello::Control { switchboard } => *switchboard,
        };
        if version != PROTOCOL {
            let why = format!(
                "protocol {version} is not supported (this daemon speaks {PROTOCOL}); restart the daemon after upgrading"
            );
            let _ = writer.write_all(welcome(false, Some(why)).as_bytes()).await;
            return;
        }
        if writer
            .write_all(welcome(true, None).as_bytes())
            .await
            .is_err()
        {
            return;
        }
        match hello {
            Hello::Bridge {
                vendors, compact, ..
            } => {
                let compact = compact
                    || self
                        .deps
                        .config
                        .read()
                        .expect("config lock")
                        .supervisor
                        .compact;
                session::serve(&self.hub, Scope { vendors, compact }, lines, writer).await;
            }
            Hello::Control { .. } => self.control(lines, writer).await,
        }
    }

    async fn control<L, W>(self: &Arc<Self>, mut lines: L, mut writer: W)
    where
        L: futures::Stream<Item = Result<String, tokio_util::codec::LinesCodecError>> + Unpin,
        W: tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<String>();
        let writer_task = tokio::spawn(async move {
            while let Some(mut line) = out_rx.recv().await {
                line.push('\n');
                if writer.write_all(line.as_bytes()).await.is_err() || writer.flush().await.is_err()
                {
                    return;
                }
            }
        });
        while let Some(Ok(line)) = lines.next().await {
            let Ok(req) = serde_json::from_str::<ControlRequest>(&line) else {
                let refusal = Refusal::new(ErrorCode::Internal, "not a control request");
                let resp = ControlResponse::refused(0, refusal);
                let _ = out_tx
                    .send(serde_json::to_string(&resp).expect("invariant: responses serialize"));
                continue;
            };
            let (result, stop) = match req.op {
                ControlOp::Status => (
                    Ok(serde_json::to_value(self.status()).expect("invariant: reports serialize")),
                    false,
                ),
                ControlOp::Subscribe => {
                    let mut events = self.hub.subscribe();
                    let tx = out_tx.clone();
                    tokio::spawn(async move {
                        loop {
                            match events.recv().await {
                                Ok(e) => {
                                    if tx
                                        .send(
                                            serde_json::to_string(&e)
                                                .expect("invariant: events serialize"),
                                        )
                                        .is_err()
                                    {
                                        return;
                                    }
                                }
                                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                            }
                        }
                    });
                    (Ok(json!({})), false)
                }
                ControlOp::Restart { slug } => (self.to_vendor(slug, Cmd::Restart), false),
                ControlOp::StopVendor { slug } => (self.to_vendor(slug, Cmd::Stop), false),
                ControlOp::Reload { slug } => (
                    self.reload(slug)
                        .await
                        .map(|()| json!({}))
                        .map_err(|e| Refusal::from_error(&e)),
                    false,
                ),
                ControlOp::Stop => (Ok(json!({})), true),
                ControlOp::Policies { vendor } => (
                    Ok(serde_json::to_value(self.hub.policies(vendor.as_deref()))
                        .expect("invariant: policies serialize")),
                    false,
                ),
                ControlOp::Approvals => (
                    Ok(serde_json::to_value(self.hub.approvals().list())
                        .expect("invariant: approvals serialize")),
                    false,
                ),
                ControlOp::Answer {
                    call: id,
                    approve,
                    by,
                } => {
                    let answer = if approve {
                        Answer::Approved { by }
                    } else {
                        Answer::Declined { by }
                    };
                    let result = self
                        .hub
                        .approvals()
                        .answer(id, answer)
                        .map(|call| {
                            self.hub.approvals_changed();
                            serde_json::to_value(call).expect("invariant: approvals serialize")
                        })
                        .map_err(|e| Refusal::from_error(&e));
                    (result, false)
                }
            };
            let resp = match result {
                Ok(result) => ControlResponse::ok(req.id, result),
                Err(refusal) => ControlResponse::refused(req.id, refusal),
            };
            let _ =
                out_tx.send(serde_json::to_string(&resp).expect("invariant: responses serialize"));
            if stop {
                // Let the answer go out before the daemon winds down.
                drop(out_tx);
                let _ = writer_task.await;
                self.stop.notify_one();
                return;
            }
        }
        drop(out_tx);
        let _ = writer_task.await;
    }

    fn status(&self) -> StatusReport {
        let mut vendors = self.hub.status();
        let pids: Vec<u32> = vendors.iter().filter_map(|v| v.pid).collect();
        let memory = crate::process::resident_memory(&pids);
        for v in &mut vendors {
            v.memory_bytes = v.pid.and_then(|pid| memory.get(&pid).copied());
        }
        let gateway = self.hub.gateway_snapshot().map(|gw| {
            let signin = gateway::store::read(&self.paths).ok().flatten();
            GatewayStatus {
                endpoint: signin
                    .as_ref()
                    .map(|s| s.endpoint.clone())
                    .unwrap_or_default(),
                state: gw.state,
                account: signin.as_ref().and_then(|s| s.account.clone()),
                team: signin.as_ref().and_then(|s| s.team.clone()),
                expires_at: signin
                    .as_ref()
                    .and_then(|s| s.oauth.as_ref())
                    .and_then(|o| o.expires_at),
                last_error: gw.last_error,
                vendors: self
                    .hub
                    .gateway_vendors()
                    .into_iter()
                    .map(|(v, _)| v)
                    .collect(),
            }
        });
        StatusReport {
            gateway,
            daemon: DaemonInfo {
                running: true,
                pid: Some(std::process::id()),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
                uptime_s: Some(self.started.elapsed().as_secs()),
                endpoint: platform::ipc_endpoint(&self.paths.runtime, ipc::DAEMON)
                    .display()
                    .to_string(),
            },
            vendors,
        }
    }

    /// Hands `cmd` to a supervised vendor's actor.
    fn to_vendor(&self, slug: String, cmd: Cmd) -> Result<serde_json::Value, Refusal> {
        if self.hub.send(&slug, cmd) {
            Ok(json!({}))
        } else {
            Err(Refusal::from_error(&VaultError::NotConnected { slug }))
        }
    }

    /// Brings the hub in line with the connections and configuration on disk.
    async fn reload(&self, changed: Option<String>) -> Result<(), DaemonError> {
        let (config, connected) = load(&self.paths, &self.vault)?;
        *self.deps.config.write().expect("config lock") = config;
        let now: BTreeSet<String> = connected.iter().map(|v| v.slug.clone()).collect();
        let running: BTreeSet<String> = self.hub.slugs().into_iter().collect();
        for gone in running.difference(&now) {
            self.hub.remove_vendor(gone).await;
        }
        for vendor in connected {
            if !running.contains(&vendor.slug) {
                self.hub.add_vendor(vendor);
            } else if changed.as_deref() == Some(vendor.slug.as_str()) {
                let slug = vendor.slug.clone();
                self.hub.send(
                    &slug,
                    Cmd::Reload {
                        vendor: Box::new(vendor),
                    },
                );
            }
        }
        // Pins may have changed which source serves a vendor, and a vendor added back
        // may bring its cached tools: index again and tell the sessions.
        self.hub.reindex();
        Ok(())
    }
}

/// Waits until the daemon `pid` has exited (its lock is released), up to `within`.
/// A bridge still attached may start a new daemon at once; that one (another pid)
/// holding the lock also means `pid` is gone.
pub async fn wait_for_exit(runtime: &std::path::Path, pid: u32, within: Duration) -> bool {
    let path = runtime.join("daemon.lock");
    let deadline = Instant::now() + within;
    loop {
        let free = match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
        {
            Ok(f) => f.try_lock().is_ok(),
            Err(_) => true,
        };
        let holder = std::fs::read_to_string(&path)
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok());
        if free || holder.is_some_and(|h| h != pid) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Resolves on Ctrl-C, or SIGTERM on Unix: what ends a foreground daemon.
pub async fn shutdown_signal() {
    platform::shutdown_signal().await;
}
