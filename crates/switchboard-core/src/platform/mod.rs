//! The few OS-specific facts no crate gives us. One file per OS, same free functions;
//! what the Unix-likes share is in `unix.rs` and re-exported here once. This folder
//! and `vault/keyring.rs` are the only places with `cfg(target_os)`.
//!
//! Decisions that depend on OS facts but not on the OS itself (which Claude Desktop
//! config wins on Windows) are plain functions here, so every platform's tests run
//! them.

use std::path::{Path, PathBuf};

#[cfg_attr(target_os = "linux", path = "linux.rs")]
#[cfg_attr(target_os = "macos", path = "macos.rs")]
#[cfg_attr(target_os = "windows", path = "windows.rs")]
#[cfg_attr(
    not(any(target_os = "linux", target_os = "macos", target_os = "windows")),
    path = "other.rs"
)]
mod imp;

#[cfg(unix)]
mod unix;

pub use imp::*;
#[cfg(unix)]
pub use unix::{
    IpcListener, IpcStream, detach, ipc_cleanup, ipc_connect, ipc_endpoint, ipc_listen,
    make_executable, private_dir, process_stdio, replace_process, shareable_permissions,
    shutdown_signal, terminate, wrap_child,
};

/// Where a platform keeps an MSP's preset (`preset` reads it, as `preset::Place`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresetPlace {
    /// A preset TOML file (Linux, or `SWITCHBOARD_PRESET`).
    File(PathBuf),
    /// A managed-preferences property list (macOS configuration profiles).
    ManagedPrefs(PathBuf),
    /// Registry values under a policy key (Windows); `key` is how it is named to a
    /// person, `HKLM\SOFTWARE\Policies\Switchboard`.
    Registry { key: String },
}

impl PresetPlace {
    /// How it is named in `doctor` and `preset show`.
    pub fn shown(&self) -> PathBuf {
        match self {
            Self::File(p) | Self::ManagedPrefs(p) => p.clone(),
            Self::Registry { key } => PathBuf::from(key),
        }
    }

    /// Whether something is there; a place we cannot look into counts as holding a
    /// preset (it must not be skipped for `SWITCHBOARD_PRESET`).
    pub fn present(&self) -> bool {
        match self {
            Self::File(p) | Self::ManagedPrefs(p) => p.try_exists().unwrap_or(true),
            Self::Registry { .. } => !matches!(read_policy_values(), Ok(None)),
        }
    }
}

/// A value as a platform's policy store holds it: a registry value or a managed
/// preference.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyValue {
    Text(String),
    Number(i64),
    Flag(bool),
    List(Vec<String>),
    /// A nested dictionary (managed preferences may nest `msp` → `name`).
    Table(Vec<(String, PolicyValue)>),
}

/// Where Claude Desktop on Windows reads its config. The MSIX install (the default
/// since early 2026) reads a virtualised
/// `%LOCALAPPDATA%\Packages\Claude_<id>\LocalCache\Roaming\Claude`, and writing the
/// plain `%APPDATA%\Claude` has no effect there. Prefers a package folder that already
/// has a config, then any package folder, then `<appdata>\Claude`.
// Called on Windows only; compiled and tested everywhere.
#[cfg_attr(not(target_os = "windows"), allow(dead_code))]
pub fn choose_desktop_config(packages: &[PathBuf], appdata: &Path) -> PathBuf {
    const FILE: &str = "claude_desktop_config.json";
    let mut dirs: Vec<PathBuf> = packages
        .iter()
        .map(|p| p.join("LocalCache").join("Roaming").join("Claude"))
        .collect();
    dirs.sort();
    if let Some(with_config) = dirs.iter().find(|d| d.join(FILE).is_file()) {
        return with_config.join(FILE);
    }
    match dirs.first() {
        Some(first) => first.join(FILE),
        None => appdata.join("Claude").join(FILE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_msix_installs_win_over_the_classic_path() {
        let dir = tempfile::tempdir().unwrap();
        let appdata = dir.path().join("Roaming");
        let classic = appdata.join("Claude/claude_desktop_config.json");
        assert_eq!(choose_desktop_config(&[], &appdata), classic);
        let a = dir.path().join("Packages/Claude_aaa");
        let b = dir.path().join("Packages/Claude_pzs8sxrjxfjjc");
        let in_b = b.join("LocalCache/Roaming/Claude/claude_desktop_config.json");
        assert_eq!(
            choose_desktop_config(&[b.clone(), a.clone()], &appdata),
            a.join("LocalCache/Roaming/Claude/claude_desktop_config.json"),
            "no config yet: the first package"
        );
        std::fs::create_dir_all(in_b.parent().unwrap()).unwrap();
        std::fs::write(&in_b, "{}").unwrap();
        assert_eq!(
            choose_desktop_config(&[a, b], &appdata),
            in_b,
            "the one with a config"
        );
    }
}
