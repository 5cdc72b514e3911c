//! Shared by the Unix-like OSes.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use directories::BaseDirs;

/// nvm (newest version first), volta, fnm, and the system places.
pub fn runtime_search_dirs(base: &BaseDirs) -> Vec<PathBuf> {
    let nvm = std::env::var_os("NVM_DIR").map(PathBuf::from);
    search_dirs_under(base.home_dir(), base.data_dir(), nvm)
}

pub(crate) fn search_dirs_under(
    home: &Path,
    data_dir: &Path,
    nvm_dir: Option<PathBuf>,
) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let nvm = nvm_dir.unwrap_or_else(|| home.join(".nvm"));
    if let Ok(entries) = std::fs::read_dir(nvm.join("versions").join("node")) {
        let mut versions: Vec<(Vec<u64>, PathBuf)> = entries
            .flatten()
            .map(|e| {
                let name = e
                    .file_name()
                    .to_string_lossy()
                    .trim_start_matches('v')
                    .to_owned();
                let key = name.split('.').map(|p| p.parse().unwrap_or(0)).collect();
                (key, e.path().join("bin"))
            })
            .collect();
        versions.sort_by(|a, b| b.0.cmp(&a.0));
        dirs.extend(versions.into_iter().map(|(_, p)| p));
    }
    dirs.push(home.join(".volta").join("bin"));
    for fnm in [data_dir.join("fnm"), home.join(".fnm")] {
        dirs.push(fnm.join("aliases").join("default").join("bin"));
    }
    dirs.push(home.join(".local").join("bin"));
    dirs.extend(["/usr/local/bin", "/usr/bin", "/bin"].map(PathBuf::from));
    dirs
}

/// Permissions for files meant to be shared (built bundles): 0644.
pub fn shareable_permissions() -> Option<std::fs::Permissions> {
    Some(std::fs::Permissions::from_mode(0o644))
}

/// Adds the executable bits (0755 at least).
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

/// A stream to or from the daemon.
pub type IpcStream = tokio::net::UnixStream;

/// The daemon's listening socket: `<runtime>/daemon.sock`, mode 0600, in a 0700
/// directory, accepting only peers with our own uid.
pub struct IpcListener {
    listener: tokio::net::UnixListener,
    uid: u32,
}

/// The socket of the local channel `name` (`daemon`, `tray`) in the runtime folder.
pub fn ipc_endpoint(runtime: &Path, name: &str) -> PathBuf {
    runtime.join(format!("{name}.sock"))
}

/// Creates a directory only the user can enter.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    fs_err::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

pub fn ipc_listen(runtime: &Path, name: &str) -> std::io::Result<IpcListener> {
    use std::os::unix::fs::MetadataExt;
    private_dir(runtime)?;
    let path = ipc_endpoint(runtime, name);
    // A socket left by a process that died; the caller holds the channel's lock, so
    // it is not in use.
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    let uid = std::fs::metadata(&path)?.uid();
    Ok(IpcListener { listener, uid })
}

impl IpcListener {
    /// The next connection from this user; others are refused and logged.
    pub async fn accept(&mut self) -> std::io::Result<IpcStream> {
        loop {
            let (stream, _) = self.listener.accept().await?;
            match stream.peer_cred() {
                Ok(cred) if cred.uid() == self.uid => return Ok(stream),
                Ok(cred) => tracing::warn!(
                    peer_uid = cred.uid(),
                    "refused a connection from another user"
                ),
                Err(e) => tracing::warn!(error = %e, "refused a connection whose peer is unknown"),
            }
        }
    }
}

pub async fn ipc_connect(runtime: &Path, name: &str) -> std::io::Result<IpcStream> {
    tokio::net::UnixStream::connect(ipc_endpoint(runtime, name)).await
}

pub fn ipc_cleanup(runtime: &Path, name: &str) {
    let _ = std::fs::remove_file(ipc_endpoint(runtime, name));
}

/// Replaces this process with `cmd`, keeping its pid (the app's launcher becomes the
/// tray; the tray restarts into a new version). Returns only when that failed.
pub fn replace_process(cmd: &mut std::process::Command) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    cmd.exec()
}

/// Lets a spawned daemon outlive the bridge that started it: its own process group,
/// so a signal to the client's group does not reach it.
pub fn detach(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// The bridge's stdin and stdout as non-blocking pipes when they are pipes (as an MCP
/// client launches it), which avoids a thread hand-off per read and write; otherwise
/// tokio's stdio.
pub fn process_stdio() -> (
    Box<dyn tokio::io::AsyncRead + Unpin + Send>,
    Box<dyn tokio::io::AsyncWrite + Unpin + Send>,
) {
    use std::os::fd::AsFd;
    use tokio::net::unix::pipe;
    let input: Box<dyn tokio::io::AsyncRead + Unpin + Send> = match std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .and_then(pipe::Receiver::from_owned_fd)
    {
        Ok(rx) => Box::new(rx),
        Err(_) => Box::new(tokio::io::stdin()),
    };
    let output: Box<dyn tokio::io::AsyncWrite + Unpin + Send> = match std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .and_then(pipe::Sender::from_owned_fd)
    {
        Ok(tx) => Box::new(tx),
        Err(_) => Box::new(tokio::io::stdout()),
    };
    (input, output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_is_found_in_nvm_newest_first_then_volta_and_fnm() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        for v in ["v18.20.1", "v22.3.0", "v20.11.0"] {
            std::fs::create_dir_all(h.join(".nvm/versions/node").join(v).join("bin")).unwrap();
        }
        let dirs = search_dirs_under(h, &h.join(".local/share"), None);
        let nvm: Vec<_> = dirs
            .iter()
            .filter(|d| d.starts_with(h.join(".nvm")))
            .collect();
        assert_eq!(
            nvm,
            [
                &h.join(".nvm/versions/node/v22.3.0/bin"),
                &h.join(".nvm/versions/node/v20.11.0/bin"),
                &h.join(".nvm/versions/node/v18.20.1/bin")
            ]
        );
        assert!(dirs.contains(&h.join(".volta/bin")));
        assert!(dirs.contains(&h.join(".local/share/fnm/aliases/default/bin")));
        assert!(dirs.contains(&PathBuf::from("/usr/local/bin")));

        // And the finder uses them when PATH does not have the program.
        let npx = h.join(".nvm/versions/node/v22.3.0/bin/npx");
        std::fs::write(&npx, "#!/bin/sh\n").unwrap();
        make_executable(&npx).unwrap();
        let finder = crate::supervisor::launch::ProgramFinder::with_dirs(dirs);
        assert_eq!(finder.find("npx"), Some(npx));
    }
}
