//! Shared by the Unix-like OSes.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use directories::BaseDirs;

/// nvm (newest version first), volta, fnm, and the system places.
pub fn runtime_search_dirs(base: &BaseDirs) -> Vec<PathBuf> {
    let home = base.home_dir();
    let mut dirs = Vec::new();
    let nvm = std::env::var_os("NVM_DIR").map(PathBuf::from).unwrap_or_else(|| home.join(".nvm"));
    if let Ok(entries) = std::fs::read_dir(nvm.join("versions").join("node")) {
        let mut versions: Vec<(Vec<u64>, PathBuf)> = entries
            .flatten()
            .map(|e| {
                let name = e.file_name().to_string_lossy().trim_start_matches('v').to_owned();
                let key = name.split('.').map(|p| p.parse().unwrap_or(0)).collect();
                (key, e.path().join("bin"))
            })
            .collect();
        versions.sort_by(|a, b| b.0.cmp(&a.0));
        dirs.extend(versions.into_iter().map(|(_, p)| p));
    }
    dirs.push(home.join(".volta").join("bin"));
    for fnm in [base.data_dir().join("fnm"), home.join(".fnm")] {
        dirs.push(fnm.join("aliases").join("default").join("bin"));
    }
    dirs.push(home.join(".local").join("bin"));
    dirs.extend(["/usr/local/bin", "/usr/bin", "/bin"].map(PathBuf::from));
    dirs
}

#[cfg_attr(not(test), allow(dead_code, reason = "used by tests; bundle import will use it"))]
pub fn make_executable(path: &Path) -> std::io::Result<()> {
    let mut perms = std::fs::metadata(path)?.permissions();
    perms.set_mode(perms.mode() | 0o755);
    std::fs::set_permissions(path, perms)
}

/// Puts a vendor server in its own process group, so stopping it stops its children.
pub fn wrap_child(cmd: &mut process_wrap::tokio::CommandWrap) {
    cmd.wrap(process_wrap::tokio::ProcessGroup::leader());
}

/// Asks the server's process group to terminate (SIGTERM).
pub fn terminate(child: &mut dyn process_wrap::tokio::ChildWrapper) {
    // SIGTERM is 15 on every Unix Switchboard supports.
    const SIGTERM: i32 = 15;
    let _ = child.signal(SIGTERM);
}
