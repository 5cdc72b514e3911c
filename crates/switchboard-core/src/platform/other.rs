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

#[cfg(test)]
pub use super::unix::make_executable;
pub use super::unix::{
    IpcStream, detach, ipc_cleanup, ipc_connect, ipc_endpoint, ipc_listen, private_dir,
    process_stdio, shutdown_signal,
};
pub use super::unix::{runtime_search_dirs, terminate, wrap_child};
