//! The facade's daemon operations: status, restart and stop a vendor's server, stop
//! the daemon, tell it about a change, and the settings that need it restarted.

use crate::config::Pin;
use crate::error::Result;
use crate::ipc::ControlOp;
use crate::ipc::client::{Control, IpcError};
use crate::status::{
    DaemonInfo, GatewayStatus, LaunchSource, Served, State, StatusReport, VendorStatus,
};
use crate::{daemon, gateway, ipc, settings, supervisor};

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
    /// connected vendor `idle`, with its cached tool count, and the vendors the team
    /// gateway served last time).
    pub async fn status(&self) -> Result<StatusReport> {
        let index = self.vault.index()?;
        let endpoint = ipc::client::endpoint(&self.paths.runtime)
            .display()
            .to_string();
        let config = self.config().cloned().unwrap_or_default();
        let (daemon, mut running, gateway) = match Control::connect(&self.paths.runtime).await {
            Ok(mut control) => {
                let report = control.status().await?;
                (report.daemon, report.vendors, report.gateway)
            }
            Err(IpcError::NotRunning) => {
                let local = |slug: &str| {
                    index.vendors.contains_key(slug) && config.pin(slug) != Pin::Gateway
                };
                let (gateway, rows) = self.gateway_offline(&config, &local);
                (DaemonInfo::not_running(endpoint), rows, gateway)
            }
            Err(e) => return Err(e.into()),
        };
        let finder = supervisor::launch::ProgramFinder::from_env();
        let mut vendors = Vec::new();
        for vendor in self.catalog.vendors() {
            if let Some(pos) = running.iter().position(|v| v.slug == vendor.slug) {
                let mut row = running.remove(pos);
                row.name.clone_from(&vendor.name);
                vendors.push(row);
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
                served_by: connected.then_some(Served::Local),
            });
        }
        // Vendors the gateway serves that this catalog does not know.
        vendors.extend(running);
        Ok(StatusReport {
            daemon,
            vendors,
            gateway,
        })
    }

    /// The team gateway as disk knows it (no daemon): the sign-in, and the vendors its
    /// cached listing served, as rows.
    fn gateway_offline(
        &self,
        config: &crate::config::Config,
        local: &dyn Fn(&str) -> bool,
    ) -> (Option<GatewayStatus>, Vec<VendorStatus>) {
        let Ok(Some(signin)) = gateway::store::read(&self.paths) else {
            return (None, Vec::new());
        };
        let offer = supervisor::launch::gateway(&self.paths)
            .ok()
            .and_then(|l| supervisor::cache::load(&self.paths.cache, gateway::SLUG, &l.key));
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for tool in offer.iter().flat_map(|o| &o.tools) {
            if let Some(vendor) = tool
                .get("name")
                .and_then(serde_json::Value::as_str)
                .and_then(supervisor::hub::gateway_vendor)
            {
                let serves = match config.pin(vendor) {
                    Pin::Gateway => true,
                    Pin::Local => false,
                    Pin::Auto => !local(vendor),
                };
                if serves {
                    *counts.entry(vendor.to_owned()).or_default() += 1;
                }
            }
        }
        let state = if signin.signed_out.is_some() {
            State::SignedOut
        } else {
            State::Idle
        };
        let rows = counts
            .iter()
            .map(|(vendor, tools)| VendorStatus {
                slug: vendor.clone(),
                name: vendor.clone(),
                state,
                source: Some(LaunchSource::Gateway),
                pid: None,
                uptime_s: None,
                restarts: 0,
                tools: *tools,
                last_error: signin.signed_out.clone(),
                stderr_tail: Vec::new(),
                memory_bytes: None,
                served_by: Some(Served::Gateway),
            })
            .collect();
        let status = GatewayStatus {
            endpoint: signin.endpoint.clone(),
            state,
            account: signin.account.clone(),
            team: signin.team.clone(),
            expires_at: signin.oauth.as_ref().and_then(|o| o.expires_at),
            last_error: signin.signed_out.clone(),
            vendors: counts.into_keys().collect(),
        };
        (Some(status), rows)
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

    /// The Settings page's values, from `config.toml` with the MSP's preset applied.
    pub fn settings(&self) -> Result<settings::Settings> {
        Ok(settings::load(&self.paths, self.preset().preset())?)
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
        let found = self.preset();
        crate::plugins::Marketplace::from_settings(
            new.plugin_marketplace_name.as_deref(),
            new.plugin_marketplace.as_deref(),
        )?;
        let before = settings::load(&self.paths, found.preset())?;
        let saved = settings::save(&self.paths, new, found.preset())?;
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
