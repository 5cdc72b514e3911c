//! Windows: `%LOCALAPPDATA%`, as Tauri resolves it.

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
