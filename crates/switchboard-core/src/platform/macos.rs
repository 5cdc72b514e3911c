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
