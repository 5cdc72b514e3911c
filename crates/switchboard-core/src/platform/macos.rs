//! macOS: `~/Library/...`, as Tauri resolves them.

use std::path::PathBuf;

use directories::BaseDirs;

/// `~/Library/Logs/<id>`, like Tauri's `app_log_dir`.
pub fn log_dir(base: &BaseDirs, id: &str) -> PathBuf {
    base.home_dir().join("Library").join("Logs").join(id)
}

/// Socket paths are limited to 104 bytes on macOS, so keep this short.
pub fn runtime_dir(base: &BaseDirs, id: &str) -> PathBuf {
    base.data_local_dir().join(id).join("run")
}

/// Where Node.js version managers, Homebrew and installers put `node`/`npx`.
pub fn runtime_search_dirs(base: &BaseDirs) -> Vec<PathBuf> {
    let mut dirs = super::unix::runtime_search_dirs(base);
    dirs.extend(["/opt/homebrew/bin", "/usr/local/bin"].map(PathBuf::from));
    dirs
}

#[cfg(test)]
pub fn make_executable(path: &std::path::Path) -> std::io::Result<()> {
    super::unix::make_executable(path)
}

pub use super::unix::{
    IpcStream, detach, ipc_cleanup, ipc_connect, ipc_endpoint, ipc_listen, private_dir,
    process_stdio, shutdown_signal,
};
pub use super::unix::{terminate, wrap_child};
