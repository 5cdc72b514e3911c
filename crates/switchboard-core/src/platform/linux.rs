//! Linux: XDG directories, as Tauri resolves them.

use std::path::PathBuf;

use directories::BaseDirs;

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

pub use super::unix::{
    IpcStream, detach, ipc_cleanup, ipc_connect, ipc_endpoint, ipc_listen, private_dir,
    process_stdio, shutdown_signal,
};
pub use super::unix::{make_executable, shareable_permissions};
pub use super::unix::{runtime_search_dirs, terminate, wrap_child};

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
