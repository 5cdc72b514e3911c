//! The facade: `Switchboard`, one catalog, one vault, one prober and a view of the
//! running processes, with the operations the CLI and the app expose, one file per
//! area. Each operation is a few calls into the modules below; the rules live there.

mod bundles;
mod clients;
mod daemon;
mod plugins;
mod policy;
mod preset;
mod servers;
mod team;
mod vendors;

use std::sync::Arc;

pub use bundles::{BuildRequest, BuiltFile};
pub use plugins::{PluginRow, PluginsReport, SettingsFile};
pub use team::Progress;

use crate::catalog::Catalog;
use crate::config::{Config, ConfigError};
use crate::connection::ConnectError;
use crate::error::Result;
use crate::paths::Paths;
use crate::probe::Prober;
use crate::process::{ProcessList, SystemProcesses};
use crate::settings;
use crate::sources;
use crate::vault::{KeyringStore, Namespace, SecretStore, Vault};

/// The core facade: what the CLI and the app hold.
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
    /// The home whose `.claude/settings.json` holds the plugins; `None`: the user's.
    user_home: Option<std::path::PathBuf>,
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
            user_home: None,
        }
    }

    /// The same facade, seeing running programs through `processes` (tests).
    pub fn with_processes(mut self, processes: Arc<dyn ProcessList>) -> Self {
        self.processes = processes;
        self
    }

    /// Claude Code's user settings (the companion plugins) under `dir` instead of the
    /// user's home: for tests that run in-process.
    pub fn with_user_home(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.user_home = Some(dir.into());
        self
    }

    /// The real thing: the OS keychain, the user's catalog files, probes configured
    /// from the environment.
    pub fn open(paths: Paths) -> Result<Self> {
        Self::open_with_store(paths, Arc::new(KeyringStore::new()))
    }

    pub fn open_with_store(paths: Paths, store: Arc<dyn SecretStore>) -> Result<Self> {
        let config = Config::load(&paths.config_file());
        let (mut catalog, problems) = sources::load_catalog(&paths, config.as_ref().ok())?;
        for p in problems {
            tracing::warn!("{p}");
        }
        // The MSP's preset: its field defaults go into the catalog, its settings over
        // the configuration.
        let found = crate::preset::load(&|slug| catalog.fields_of(slug));
        if let Some(preset) = found.preset() {
            for (slug, values) in &preset.vendors.defaults {
                for (key, value) in values {
                    catalog.set_default(slug, key, value);
                }
            }
        }
        let config = match (config, found.preset()) {
            (Ok(_), Some(preset)) => settings::effective_config(&paths, Some(preset)),
            (config, _) => config,
        };
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
}
