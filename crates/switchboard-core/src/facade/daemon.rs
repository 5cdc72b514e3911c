//! The facade's daemon operations: status, restart and stop a vendor's server, stop
//! the daemon, tell it about a change, and the settings that need it restarted.

use crate::error::Result;
use crate::ipc::ControlOp;
use crate::ipc::client::{Control, IpcError};
use crate::status::{DaemonInfo, State, StatusReport, VendorStatus};
use crate::{daemon, ipc, settings, supervisor};

use super::Switchboard;

impl Switchboard {
    /// Tells a running daemon that `slug`'s connection or launch changed. Nothing
    /// happens when no daemon runs; it reads everything afresh when it starts.
    pub async fn notify_daemon(&self, slug: Option<&str>) {
        if let Ok(mut control) = Control::connect(&self.paths.runtime).await {
            let op = ControlOp::Reload {
                slug: slug.map(str::to_owned),
            };
            if let Err(e) = control.request(op).await {
                tracing::warn!(error = %e, "the daemon did not take the change");
            }
        }
    }

    /// Status of every vendor: from the daemon when it runs, else from disk (each
    /// connected vendor `idle`, with its cached tool count).
    pub async fn status(&self) -> Result<StatusReport> {
        let index = self.vault.index()?;
        let endpoint = ipc::client::endpoint(&self.paths.runtime)
            .display()
            .to_string();
        let (daemon, mut running) = match Control::connect(&self.paths.runtime).await {
            Ok(mut control) => {
                let report = control.status().await?;
                (report.daemon, report.vendors)
            }
            Err(IpcError::NotRunning) => (DaemonInfo::not_running(endpoint), Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let config = self.config().cloned().unwrap_or_default();
        let finder = supervisor::launch::ProgramFinder::from_env();
        let mut vendors = Vec::new();
        for vendor in self.catalog.vendors() {
            if let Some(pos) = running.iter().position(|v| v.slug == vendor.slug) {
                vendors.push(running.remove(pos));
                continue;
            }
            let connected = index.vendors.contains_key(&vendor.slug);
            let launch =
                supervisor::launch::resolve(vendor, &config, &finder, &self.paths.bundles_dir());
            let tools = launch
                .as_ref()
                .ok()
                .and_then(|l| supervisor::cache::load(&self.paths.cache, &vendor.slug, &l.key))
                .map_or(0, |o| o.tools.len());
            vendors.push(VendorStatus {
                slug: vendor.slug.clone(),
                name: vendor.name.clone(),
                state: if connected {
                    State::Idle
                } else {
                    State::NotConnected
                },
                source: launch.as_ref().ok().map(|l| l.source),
                pid: None,
                uptime_s: None,
                restarts: 0,
                tools,
                last_error: if connected {
                    launch.as_ref().err().map(ToString::to_string)
                } else {
                    None
                },
                stderr_tail: Vec::new(),
                memory_bytes: None,
            });
        }
        Ok(StatusReport { daemon, vendors })
    }

    /// Restarts a vendor's server in the running daemon (clears `failed`).
    pub async fn restart(&self, slug: &str) -> Result<()> {
        self.to_vendor(slug, |slug| ControlOp::Restart { slug })
            .await
    }

    /// Stops a vendor's server in the running daemon; the next call starts it again.
    pub async fn stop_vendor(&self, slug: &str) -> Result<()> {
        self.to_vendor(slug, |slug| ControlOp::StopVendor { slug })
            .await
    }

    /// Sends a vendor's control op to the running daemon.
    async fn to_vendor(&self, slug: &str, op: impl FnOnce(String) -> ControlOp) -> Result<()> {
        self.catalog.get(slug)?;
        let mut control = Control::connect(&self.paths.runtime).await?;
        control.request(op(slug.to_owned())).await?;
        Ok(())
    }

    /// The Settings page's values, from `config.toml`.
    pub fn settings(&self) -> Result<settings::Settings> {
        Ok(settings::load(&self.paths)?)
    }

    /// Saves settings and tells a running daemon. Compact mode applies to the next
    /// bridge; a changed idle timeout or log level is read only when the daemon starts,
    /// so a running daemon is stopped (whoever needs it next, a bridge or the app,
    /// starts a new one; bridges re-attach). Returns what was saved and whether the
    /// daemon was stopped.
    pub async fn save_settings(
        &self,
        new: &settings::Settings,
    ) -> Result<(settings::Settings, bool)> {
        let before = settings::load(&self.paths)?;
        let saved = settings::save(&self.paths, new)?;
        if before.needs_daemon_restart(&saved) {
            return Ok((saved, self.stop_daemon().await?));
        }
        self.notify_daemon(None).await;
        Ok((saved, false))
    }

    /// Stops the running daemon and waits until it and its servers are gone; `false`
    /// when none was running.
    pub async fn stop_daemon(&self) -> Result<bool> {
        match Control::connect(&self.paths.runtime).await {
            Ok(mut control) => {
                let pid = control.welcome().pid;
                control.request(ControlOp::Stop).await?;
                let grace = std::time::Duration::from_secs(30);
                if !daemon::wait_for_exit(&self.paths.runtime, pid, grace).await {
                    return Err(IpcError::Broken(format!(
                        "the daemon did not exit within {} s",
                        grace.as_secs()
                    ))
                    .into());
                }
                Ok(true)
            }
            Err(IpcError::NotRunning) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
