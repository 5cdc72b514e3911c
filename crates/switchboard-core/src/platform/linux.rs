//! Linux: XDG directories, as Tauri resolves them.

use std::path::PathBuf;

use directories::BaseDirs;

pub use crate::platform::unix::runtime_search_dirs;

/// `$XDG_DATA_HOME/<id>/logs`, like Tauri's `app_log_dir`.
pub fn log_dir(base: &BaseDirs, id: &str) -> PathBuf {
    base.data_local_dir().join(id).join("logs")
}

/// `$XDG_RUNTIME_DIR/<id>` (user-only, cleared at logout), else the cache dir.
pub fn runtime_dir(base: &BaseDirs, id: &str) -> PathBuf {
    match base.runtime_dir() {
        Some(dir) => dir.join(id),
        None => base.cache_dir().join(id).join("run"),
    }
}

/// Claude Desktop has no official Linux build; the community builds read
/// `~/.config/Claude` (`$XDG_CONFIG_HOME` honoured).
pub fn claude_desktop_config(config: &std::path::Path, _local_data: &std::path::Path) -> PathBuf {
    config.join("Claude").join("claude_desktop_config.json")
}

/// Process names of Claude Desktop (community builds).
pub const CLAUDE_DESKTOP_PROCESSES: &[&str] = &["claude-desktop", "Claude"];

/// Whether the OS hands a `.mcpb` to Claude Desktop when opened: no Linux build
/// registers the type.
pub const OPENS_MCPB: bool = false;

/// Where an MSP's preset lives: a root-owned file an RMM drops outside the package,
/// like Chrome's and Firefox's policies under `/etc`.
pub fn preset_place() -> Option<super::PresetPlace> {
    Some(super::PresetPlace::File(PathBuf::from(
        "/etc/switchboard/preset.toml",
    )))
}

/// Registry policy values: Windows only.
pub fn read_policy_values() -> std::io::Result<Option<Vec<(String, super::PolicyValue)>>> {
    Ok(None)
}
