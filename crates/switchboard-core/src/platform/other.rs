//! Other Unix-likes: the Linux layout without a runtime dir.

use std::path::PathBuf;

use directories::BaseDirs;

/// `%LOCALAPPDATA%\<id>\logs`, like Tauri's `app_log_dir`.
pub fn log_dir(base: &BaseDirs, id: &str) -> PathBuf {
    base.data_local_dir().join(id).join("logs")
}

/// Lock files; the daemon's endpoint is a named pipe, not a path.
pub fn runtime_dir(base: &BaseDirs, id: &str) -> PathBuf {
    base.data_local_dir().join(id).join("run")
}

pub fn runtime_search_dirs(base: &BaseDirs) -> Vec<PathBuf> {
    super::unix::runtime_search_dirs(base)
}

#[cfg_attr(
    not(test),
    allow(dead_code, reason = "used by tests; bundle import will use it")
)]
pub fn make_executable(path: &std::path::Path) -> std::io::Result<()> {
    super::unix::make_executable(path)
}

pub use super::unix::{
    IpcStream, detach, ipc_cleanup, ipc_connect, ipc_endpoint, ipc_listen, private_dir,
    process_stdio, shutdown_signal,
};
pub use super::unix::{terminate, wrap_child};
