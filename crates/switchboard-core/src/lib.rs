//! Switchboard's domain logic: the vendor catalog, the keychain vault, live credential
//! probes and the connect flow. Shared by the CLI and the tray app.
//!
//! This crate never depends on tauri or clap, and never writes to stdout or stderr
//! (the bridge speaks MCP on stdout). It reports through return values and `tracing`.

pub mod atomic;
pub mod bridge;
pub mod bundle;
pub mod catalog;
pub mod clients;
pub mod code;
pub mod config;
pub mod connection;
pub mod daemon;
pub mod doctor;
pub mod env;
pub mod error;
mod integrations;
pub mod ipc;
pub mod jsonrpc;
pub mod logs;
pub mod paths;
mod platform;
pub mod probe;
pub mod secret;
pub mod servers;
pub mod settings;
pub mod supervisor;
pub mod vault;
pub mod view;

use std::sync::Arc;

pub use code::{Coded, ErrorCode, Surface};
pub use error::{Error, Result};
pub use integrations::{BuildRequest, BuiltFile};

use catalog::Catalog;
use config::{Config, ConfigError, CustomServer};
use connection::{ConnectError, ConnectReport, FieldInput};
use ipc::ControlOp;
use ipc::client::{Control, IpcError};
use paths::Paths;
use probe::{ProbeOutcome, Prober};
use serde_json::{Value, json};
use vault::{KeyringStore, Namespace, ProbeRecord, Removed, SecretStore, Vault};
use view::VendorView;

/// The core facade: one catalog, one vault, one prober, and the operations the CLI
/// and the app expose. Each operation is a few calls; the rules live in the modules.
#[derive(Debug, Clone)]
pub struct Switchboard {
    paths: Paths,
    catalog: Arc<Catalog>,
    vault: Vault,
    prober: Prober,
    /// `config.toml` as read at open (an unreadable file is kept as its error).
    config: Arc<Result<Config, String>>,
}

impl Switchboard {
    pub fn new(paths: Paths, catalog: Catalog, vault: Vault, prober: Prober) -> Self {
        Self {
            paths,
            catalog: Arc::new(catalog),
            vault,
            prober,
            config: Arc::new(Ok(Config::default())),
        }
    }

    /// The real thing: the OS keychain, the user's catalog files, probes configured
    /// from the environment.
    pub fn open(paths: Paths) -> Result<Self> {
        Self::open_with_store(paths, Arc::new(KeyringStore::new()))
    }

    pub fn open_with_store(paths: Paths, store: Arc<dyn SecretStore>) -> Result<Self> {
        let config = Config::load(&paths.config_file());
        let (catalog, problems) = Catalog::load_all(&paths, config.as_ref().ok())?;
        for p in problems {
            tracing::warn!("{p}");
        }
        let vault = Vault::new(store, Namespace::detect(&paths), &paths);
        let prober = Prober::from_env().map_err(ConnectError::from)?;
        let mut sb = Self::new(paths, catalog, vault, prober);
        sb.config = Arc::new(config.map_err(|e| e.to_string()));
        Ok(sb)
    }

    /// The configuration, or why it could not be read.
    pub fn config(&self) -> std::result::Result<&Config, &str> {
        self.config.as_ref().as_ref().map_err(String::as_str)
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    pub fn prober(&self) -> &Prober {
        &self.prober
    }

    /// Every vendor with its connection state, sorted by slug.
    pub fn vendor_views(&self) -> Result<Vec<VendorView>> {
        let index = self.vault.index()?;
        Ok(self
            .catalog
            .vendors()
            .map(|v| VendorView::new(&self.catalog, v, index.vendors.get(&v.slug)))
            .collect())
    }

    pub fn vendor_view(&self, slug: &str) -> Result<VendorView> {
        let vendor = self.catalog.get(slug)?;
        let index = self.vault.index()?;
        Ok(VendorView::new(
            &self.catalog,
            vendor,
            index.vendors.get(slug),
        ))
    }

    /// Checks the values, probes the vendor (unless `test` is false or the vendor has
    /// no probe), and only then stores: secrets in the keychain, the rest in the index.
    /// `progress` hears about each stage as it starts (for "Checking…" messages).
    pub async fn connect(
        &self,
        slug: &str,
        input: FieldInput,
        test: bool,
        progress: impl Fn(connection::Stage<'_>),
    ) -> Result<ConnectReport> {
        let vendor = self.catalog.get(slug)?;
        let creds = connection::prepare(vendor, input)?;
        // A corrupt index would stop the save; find out before any network call.
        self.vault.index()?;
        let probe = match (&vendor.probe, test) {
            (Some(_), true) => {
                progress(connection::Stage::Probing { vendor });
                let outcome = self.prober.probe(vendor, &creds).await;
                if !outcome.is_ok() {
                    return Err(ConnectError::ProbeFailed {
                        slug: slug.to_owned(),
                        outcome,
                    }
                    .into());
                }
                Some(outcome)
            }
            _ => None,
        };
        let record = probe.as_ref().map(|o| ProbeRecord {
            result: o.result,
            message: o.message.clone(),
            at: vault::now_rfc3339(),
        });
        let report = ConnectReport {
            slug: slug.to_owned(),
            probe,
            stored_secrets: creds.secrets.keys().cloned().collect(),
            stored_plain: creds.plain.keys().cloned().collect(),
            keychain_service: self.vault.namespace().service(slug),
        };
        progress(connection::Stage::Storing { vendor });
        self.vault.save(vendor, creds, record).await?;
        self.notify_daemon(Some(slug)).await;
        Ok(report)
    }

    /// Probes a connected vendor with its stored credentials and records the result.
    pub async fn test(&self, slug: &str) -> Result<ProbeOutcome> {
        let vendor = self.catalog.get(slug)?;
        let creds = self.vault.load(vendor).await?;
        let outcome = self.prober.probe(vendor, &creds).await;
        let record = ProbeRecord {
            result: outcome.result,
            message: outcome.message.clone(),
            at: vault::now_rfc3339(),
        };
        self.vault.record_probe(slug, record).await?;
        Ok(outcome)
    }

    /// Removes every keychain item of the vendor and its index entry.
    pub async fn disconnect(&self, slug: &str) -> Result<Removed> {
        let vendor = self.catalog.get(slug)?;
        let removed = self.vault.remove(vendor).await?;
        self.notify_daemon(Some(slug)).await;
        Ok(removed)
    }

    pub async fn doctor(&self) -> doctor::DoctorReport {
        doctor::run(self).await
    }

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
    pub async fn status(&self) -> Result<Value> {
        let index = self.vault.index()?;
        let endpoint = ipc::client::endpoint(&self.paths.runtime)
            .display()
            .to_string();
        let (daemon, mut running): (Value, Vec<Value>) =
            match Control::connect(&self.paths.runtime).await {
                Ok(mut control) => {
                    let report = control.request(ControlOp::Status).await?;
                    let vendors = report
                        .get("vendors")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    (
                        report.get("daemon").cloned().unwrap_or(Value::Null),
                        vendors,
                    )
                }
                Err(IpcError::NotRunning) => (
                    json!({ "running": false, "endpoint": endpoint }),
                    Vec::new(),
                ),
                Err(e) => return Err(e.into()),
            };
        let config = self.config().cloned().unwrap_or_default();
        let finder = supervisor::launch::ProgramFinder::from_env();
        let mut vendors = Vec::new();
        for vendor in self.catalog.vendors() {
            if let Some(pos) = running
                .iter()
                .position(|v| v.get("slug").and_then(Value::as_str) == Some(&vendor.slug))
            {
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
            vendors.push(json!({
                "slug": vendor.slug,
                "name": vendor.name,
                "state": if connected { "idle" } else { "not_connected" },
                "source": launch.as_ref().ok().map(|l| l.source.as_str()),
                "pid": null,
                "uptime_s": null,
                "restarts": 0,
                "tools": tools,
                "last_error": if connected { launch.as_ref().err().map(ToString::to_string) } else { None },
                "stderr_tail": [],
                "memory_bytes": null,
            }));
        }
        Ok(json!({ "daemon": daemon, "vendors": vendors }))
    }

    /// Restarts a vendor's server in the running daemon (clears `failed`).
    pub async fn restart(&self, slug: &str) -> Result<()> {
        self.catalog.get(slug)?;
        let mut control = Control::connect(&self.paths.runtime).await?;
        control
            .request(ControlOp::Restart {
                slug: slug.to_owned(),
            })
            .await?;
        Ok(())
    }

    /// Stops a vendor's server in the running daemon; the next call starts it again.
    pub async fn stop_vendor(&self, slug: &str) -> Result<()> {
        self.catalog.get(slug)?;
        let mut control = Control::connect(&self.paths.runtime).await?;
        control
            .request(ControlOp::StopVendor {
                slug: slug.to_owned(),
            })
            .await?;
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

    /// Sets or resets a vendor's launch override, then tells the daemon.
    pub async fn set_launch(&self, slug: &str, change: servers::LaunchChange) -> Result<()> {
        let vendor = self.catalog.get(slug)?;
        if let servers::LaunchChange::Set(launch) = &change {
            // Check it resolves now, so a typo is caught here and not at the first call.
            let mut config = self.config().cloned().unwrap_or_default();
            config.vendors.entry(slug.to_owned()).or_default().launch = Some(launch.clone());
            supervisor::launch::resolve(
                vendor,
                &config,
                &supervisor::launch::ProgramFinder::from_env(),
                &self.paths.bundles_dir(),
            )?;
        }
        servers::set_launch(&self.paths, slug, &change)?;
        self.notify_daemon(Some(slug)).await;
        Ok(())
    }

    /// Adds (or replaces) a custom server: its secrets to the keychain, its command to
    /// `config.toml`.
    pub async fn add_server(
        &self,
        name: &str,
        server: CustomServer,
        secrets: std::collections::BTreeMap<String, secret::Secret<String>>,
    ) -> Result<servers::ServerReport> {
        if self.catalog.get(name).is_ok()
            && self.catalog.source(name) != Some(&catalog::Source::Custom)
        {
            return Err(ConfigError::Invalid(format!(
                "`{name}` is a catalog vendor; pick another name for a custom server"
            ))
            .into());
        }
        if !catalog::validate::is_slug(name) {
            return Err(ConfigError::Invalid(format!(
                "`{name}` must be lower-case words joined by `-`"
            ))
            .into());
        }
        let missing: Vec<&String> = server
            .secret_env
            .iter()
            .filter(|k| !secrets.contains_key(*k))
            .collect();
        if !missing.is_empty() {
            return Err(ConfigError::Invalid(format!(
                "no value given for {}",
                missing
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .into());
        }
        // Build the entry as the catalog will see it, and store its secrets first.
        let mut config = Config::default();
        config.servers.insert(name.to_owned(), server.clone());
        let mut scratch = Catalog::builtin()?;
        scratch.add_custom_servers(&config);
        let vendor = scratch.get(name)?.clone();
        supervisor::launch::resolve(
            &vendor,
            &config,
            &supervisor::launch::ProgramFinder::from_env(),
            &self.paths.bundles_dir(),
        )?;
        let creds = vault::Credentials {
            plain: Default::default(),
            secrets: secrets
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
        };
        self.vault.save(&vendor, creds, None).await?;
        if let Err(e) = servers::add_server(&self.paths, name, &server) {
            let _ = self.vault.remove(&vendor).await;
            return Err(e.into());
        }
        self.notify_daemon(Some(name)).await;
        Ok(servers::ServerReport {
            name: name.to_owned(),
            command: server.command,
            args: server.args,
            env: server.env,
            secret_env: server.secret_env,
            keychain_service: self.vault.namespace().service(name),
        })
    }

    /// Removes a custom server, its keychain items and its cache.
    pub async fn remove_server(&self, name: &str) -> Result<bool> {
        let vendor = self.catalog.get(name)?.clone();
        if self.catalog.source(name) != Some(&catalog::Source::Custom) {
            return Err(ConfigError::Invalid(format!(
                "`{name}` is not a custom server; use `switchboard disconnect {name}`"
            ))
            .into());
        }
        self.vault.remove(&vendor).await?;
        let existed = servers::remove_server(&self.paths, name)?;
        supervisor::cache::remove(&self.paths.cache, name);
        self.notify_daemon(Some(name)).await;
        Ok(existed)
    }
}
