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

#[cfg(test)]
pub use super::unix::make_executable;
pub use super::unix::{
    IpcStream, detach, ipc_cleanup, ipc_connect, ipc_endpoint, ipc_listen, private_dir,
    process_stdio, shutdown_signal,
};
pub use super::unix::{runtime_search_dirs, terminate, wrap_child};
