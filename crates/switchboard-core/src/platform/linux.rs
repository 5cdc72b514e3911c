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
