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
pub mod credentials;
pub mod daemon;
pub mod doctor;
pub mod env;
pub mod error;
mod facade;
pub mod ipc;
pub mod jsonrpc;
pub mod logs;
pub mod paths;
mod platform;
pub mod probe;
pub mod process;
pub mod secret;
pub mod servers;
pub mod settings;
pub mod sources;
pub mod supervisor;
pub mod time;
pub mod vault;
pub mod view;

use std::sync::Arc;

pub use code::{Coded, ErrorCode, Surface};
pub use error::{Error, Result};
pub use facade::{BuildRequest, BuiltFile};

use catalog::Catalog;
use config::{Config, ConfigError};
use connection::{ConnectError, ConnectReport, FieldInput};
use paths::Paths;
use probe::{ProbeOutcome, Prober};
use process::{ProcessList, SystemProcesses};
use vault::{KeyringStore, Namespace, ProbeRecord, Removed, SecretStore, Vault};
use view::VendorView;

/// The core facade: one catalog, one vault, one prober, and the operations the CLI
/// and the app expose. Each operation is a few calls; the rules live in the modules.
#[derive(Clone)]
pub struct Switchboard {
    paths: Paths,
    catalog: Arc<Catalog>,
    vault: Vault,
    prober: Prober,
    /// What runs on this computer (for "Claude is running" warnings).
    processes: Arc<dyn ProcessList>,
    /// `config.toml` as read at open (an unreadable file is kept as its error).
    config: Arc<Result<Config, ConfigError>>,
}

impl std::fmt::Debug for Switchboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Switchboard")
            .field("paths", &self.paths)
            .field("catalog", &self.catalog)
            .field("vault", &self.vault)
            .finish_non_exhaustive()
    }
}

impl Switchboard {
    pub fn new(paths: Paths, catalog: Catalog, vault: Vault, prober: Prober) -> Self {
        Self {
            paths,
            catalog: Arc::new(catalog),
            vault,
            prober,
            processes: Arc::new(SystemProcesses),
            config: Arc::new(Ok(Config::default())),
        }
    }

    /// The same facade, seeing running programs through `processes` (tests).
    pub fn with_processes(mut self, processes: Arc<dyn ProcessList>) -> Self {
        self.processes = processes;
        self
    }

    /// The real thing: the OS keychain, the user's catalog files, probes configured
    /// from the environment.
    pub fn open(paths: Paths) -> Result<Self> {
        Self::open_with_store(paths, Arc::new(KeyringStore::new()))
    }

    pub fn open_with_store(paths: Paths, store: Arc<dyn SecretStore>) -> Result<Self> {
        let config = Config::load(&paths.config_file());
        let (catalog, problems) = sources::load_catalog(&paths, config.as_ref().ok())?;
        for p in problems {
            tracing::warn!("{p}");
        }
        let vault = Vault::new(store, Namespace::detect(&paths), &paths);
        let prober = Prober::from_env().map_err(ConnectError::from)?;
        let mut sb = Self::new(paths, catalog, vault, prober);
        sb.config = Arc::new(config);
        Ok(sb)
    }

    /// The configuration, or why it could not be read.
    pub fn config(&self) -> std::result::Result<&Config, &ConfigError> {
        self.config.as_ref().as_ref()
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
            at: crate::time::now_rfc3339(),
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
            at: crate::time::now_rfc3339(),
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
}
