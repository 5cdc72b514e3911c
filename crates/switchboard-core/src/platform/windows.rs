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

/// Where the Node.js installer, nvm-windows, volta and fnm put `node`/`npx.cmd`.
pub fn runtime_search_dirs(base: &BaseDirs) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for var in ["ProgramFiles", "ProgramFiles(x86)"] {
        if let Some(p) = std::env::var_os(var) {
            dirs.push(PathBuf::from(p).join("nodejs"));
        }
    }
    if let Some(p) = std::env::var_os("NVM_SYMLINK") {
        dirs.push(PathBuf::from(p));
    }
    dirs.push(base.data_dir().join("npm"));
    dirs.push(base.data_local_dir().join("Volta").join("bin"));
    dirs.push(base.data_dir().join("fnm").join("aliases").join("default"));
    dirs
}

/// Windows has no executable bit.
#[cfg_attr(not(test), allow(dead_code, reason = "used by tests; bundle import will use it"))]
pub fn make_executable(_path: &std::path::Path) -> std::io::Result<()> {
    Ok(())
}

/// Puts a vendor server in a job object, so stopping it stops its children.
pub fn wrap_child(cmd: &mut process_wrap::tokio::CommandWrap) {
    cmd.wrap(process_wrap::tokio::JobObject);
}

/// Windows has no SIGTERM for console programs; stdin was already closed.
pub fn terminate(child: &mut dyn process_wrap::tokio::ChildWrapper) {
    let _ = child.start_kill();
}
