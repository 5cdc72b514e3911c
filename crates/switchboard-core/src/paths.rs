//! Every directory Switchboard owns, computed in one place.
//!
//! Without `SWITCHBOARD_HOME` the directories follow the OS conventions for the app
//! identifier, the same ones Tauri's path resolver uses for the app, so the CLI, the
//! daemon and the tray app agree. With `SWITCHBOARD_HOME=<dir>`, everything lives under
//! `<dir>` (`config/`, `data/`, `cache/`, `logs/`, `run/`).

use std::path::{Path, PathBuf};

use crate::code::{Coded, ErrorCode};
use crate::{env, platform};

/// Matches `identifier` in `src-tauri/tauri.conf.json`.
pub const APP_IDENTIFIER: &str = "io.switchboard.desktop";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config: PathBuf,
    pub data: PathBuf,
    pub cache: PathBuf,
    pub logs: PathBuf,
    /// Sockets and lock files.
    pub runtime: PathBuf,
    /// Set when `SWITCHBOARD_HOME` re-rooted everything.
    pub home_override: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "cannot find your home directory; set `SWITCHBOARD_HOME` to a directory Switchboard may use"
)]
pub struct NoHomeError;

impl Coded for NoHomeError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Io
    }
}

impl Paths {
    /// Reads `SWITCHBOARD_HOME`, else the OS conventions.
    pub fn from_env() -> Result<Self, NoHomeError> {
        match std::env::var_os(env::HOME).filter(|v| !v.is_empty()) {
            Some(home) => Ok(Self::under(Path::new(&home))),
            None => Self::native(),
        }
    }

    /// Everything under one directory.
    pub fn under(home: &Path) -> Self {
        let home = std::path::absolute(home).unwrap_or_else(|_| home.to_owned());
        Self {
            config: home.join("config"),
            data: home.join("data"),
            cache: home.join("cache"),
            logs: home.join("logs"),
            runtime: home.join("run"),
            home_override: Some(home),
        }
    }

    /// The OS conventions for the app identifier, ignoring `SWITCHBOARD_HOME`.
    pub fn native() -> Result<Self, NoHomeError> {
        let base = directories::BaseDirs::new().ok_or(NoHomeError)?;
        let id = APP_IDENTIFIER;
        Ok(Self {
            config: base.config_dir().join(id),
            data: base.data_dir().join(id),
            cache: base.cache_dir().join(id),
            logs: platform::log_dir(&base, id),
            runtime: platform::runtime_dir(&base, id),
            home_override: None,
        })
    }

    /// The non-secret index of connected vendors.
    pub fn connections_file(&self) -> PathBuf {
        self.config.join("connections.json")
    }

    /// Supervisor settings, launch overrides and custom servers.
    pub fn config_file(&self) -> PathBuf {
        self.config.join("config.toml")
    }

    /// Imported `.mcpb` bundles: `<slug>/import.json` and `<slug>/bundle/`.
    pub fn bundles_dir(&self) -> PathBuf {
        self.data.join("bundles")
    }

    /// Byte-identical copies of client config files taken before each change.
    pub fn backups_dir(&self) -> PathBuf {
        self.data.join("backups")
    }

    /// User catalog additions and overrides: `<slug>.toml`.
    pub fn user_catalog_dir(&self) -> PathBuf {
        self.config.join("vendors")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_override_re_roots_every_directory() {
        let p = Paths::under(Path::new("/tmp/sb-home"));
        for dir in [&p.config, &p.data, &p.cache, &p.logs, &p.runtime] {
            assert!(dir.starts_with("/tmp/sb-home"), "{}", dir.display());
        }
        assert!(p.connections_file().starts_with(&p.config));
    }
}
