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

/// Files get the folder's inherited ACL on Windows.
pub fn shareable_permissions() -> Option<std::fs::Permissions> {
    None
}

/// Windows has no executable bit.
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

/// A stream to or from the daemon: one end of a named pipe.
pub enum IpcStream {
    Server(tokio::net::windows::named_pipe::NamedPipeServer),
    Client(tokio::net::windows::named_pipe::NamedPipeClient),
}

impl tokio::io::AsyncRead for IpcStream {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Server(s) => std::pin::Pin::new(s).poll_read(cx, buf),
            Self::Client(c) => std::pin::Pin::new(c).poll_read(cx, buf),
        }
    }
}

impl tokio::io::AsyncWrite for IpcStream {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Self::Server(s) => std::pin::Pin::new(s).poll_write(cx, buf),
            Self::Client(c) => std::pin::Pin::new(c).poll_write(cx, buf),
        }
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Server(s) => std::pin::Pin::new(s).poll_flush(cx),
            Self::Client(c) => std::pin::Pin::new(c).poll_flush(cx),
        }
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Server(s) => std::pin::Pin::new(s).poll_shutdown(cx),
            Self::Client(c) => std::pin::Pin::new(c).poll_shutdown(cx),
        }
    }
}

/// The pipe name of the local channel `name` (`daemon`, `tray`): per user (the
/// runtime dir is under the user's profile) and per `SWITCHBOARD_HOME`.
pub fn ipc_endpoint(runtime: &std::path::Path, name: &str) -> PathBuf {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(runtime.to_string_lossy().as_bytes());
    let hash = &hex::encode(digest)[..16];
    // The daemon's pipe keeps the name it has always had.
    PathBuf::from(if name == "daemon" {
        format!(r"\\.\pipe\switchboard-{hash}")
    } else {
        format!(r"\\.\pipe\switchboard-{name}-{hash}")
    })
}

pub fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    fs_err::create_dir_all(dir)
}

/// Named pipes are created with the default security descriptor (the creating user,
/// administrators and SYSTEM get full access) and refuse remote clients.
pub struct IpcListener {
    name: PathBuf,
    next: tokio::net::windows::named_pipe::NamedPipeServer,
}

pub fn ipc_listen(runtime: &std::path::Path, channel: &str) -> std::io::Result<IpcListener> {
    private_dir(runtime)?;
    let name = ipc_endpoint(runtime, channel);
    let next = tokio::net::windows::named_pipe::ServerOptions::new()
        .first_pipe_instance(true)
        .reject_remote_clients(true)
        .create(&name)?;
    Ok(IpcListener { name, next })
}

impl IpcListener {
    pub async fn accept(&mut self) -> std::io::Result<IpcStream> {
        self.next.connect().await?;
        let fresh = tokio::net::windows::named_pipe::ServerOptions::new()
            .reject_remote_clients(true)
            .create(&self.name)?;
        Ok(IpcStream::Server(std::mem::replace(&mut self.next, fresh)))
    }
}

pub async fn ipc_connect(runtime: &std::path::Path, channel: &str) -> std::io::Result<IpcStream> {
    let name = ipc_endpoint(runtime, channel);
    for _ in 0..50 {
        match tokio::net::windows::named_pipe::ClientOptions::new().open(&name) {
            Ok(c) => return Ok(IpcStream::Client(c)),
            // All instances busy: another client is connecting; try again shortly.
            Err(e) if e.raw_os_error() == Some(231) => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await
            }
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "the {channel} pipe stayed busy"
    )))
}

pub fn ipc_cleanup(_runtime: &std::path::Path, _name: &str) {}

/// Windows has no exec: starts `cmd` and ends this process. Returns only when the
/// start failed.
pub fn replace_process(cmd: &mut std::process::Command) -> std::io::Error {
    match cmd.spawn() {
        Ok(_) => std::process::exit(0),
        Err(e) => e,
    }
}

/// A daemon that outlives the bridge, with no console window.
pub fn detach(cmd: &mut std::process::Command) {
    use std::os::windows::process::CommandExt;
    const DETACHED_PROCESS: u32 = 0x0000_0008;
    const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    cmd.creation_flags(DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP | CREATE_NO_WINDOW);
}

pub async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

/// The bridge's stdin and stdout.
pub fn process_stdio() -> (
    Box<dyn tokio::io::AsyncRead + Unpin + Send>,
    Box<dyn tokio::io::AsyncWrite + Unpin + Send>,
) {
    (Box::new(tokio::io::stdin()), Box::new(tokio::io::stdout()))
}

/// Claude Desktop's config: the MSIX package's virtualised folder when Claude was
/// installed that way, else `%APPDATA%\Claude` (see `platform::choose_desktop_config`).
pub fn claude_desktop_config(config: &std::path::Path, local_data: &std::path::Path) -> PathBuf {
    let packages: Vec<PathBuf> = std::fs::read_dir(local_data.join("Packages"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("Claude_"))
        .map(|e| e.path())
        .collect();
    crate::platform::choose_desktop_config(&packages, config)
}

/// Process names of Claude Desktop.
pub const CLAUDE_DESKTOP_PROCESSES: &[&str] = &["Claude.exe"];

/// Claude Desktop registers `.mcpb`: opening one shows its install preview.
pub const OPENS_MCPB: bool = true;

/// The policy key an MSI property, a GPO or an RMM script writes the preset to.
const POLICY_KEY: &str = r"SOFTWARE\Policies\Switchboard";

/// Where an MSP's preset lives: values under `HKLM\SOFTWARE\Policies\Switchboard`
/// (standard users cannot write there, so a lock holds).
pub fn preset_place() -> Option<super::PresetPlace> {
    Some(super::PresetPlace::Registry {
        key: format!(r"HKLM\{POLICY_KEY}"),
    })
}

/// The policy key's values: `REG_SZ`/`REG_EXPAND_SZ` as text, `REG_DWORD`/`REG_QWORD`
/// as numbers, `REG_MULTI_SZ` as lists. `Ok(None)` when the key does not exist.
pub fn read_policy_values() -> std::io::Result<Option<Vec<(String, super::PolicyValue)>>> {
    use super::PolicyValue;
    use windows_registry::Type;
    let key = match windows_registry::LOCAL_MACHINE.open(POLICY_KEY) {
        Ok(key) => key,
        // ERROR_FILE_NOT_FOUND: no policy set.
        Err(e) if e.code().0 as u32 == 0x8007_0002 => return Ok(None),
        Err(e) => return Err(std::io::Error::other(e.message())),
    };
    let mut out = Vec::new();
    for (name, value) in key
        .values()
        .map_err(|e| std::io::Error::other(e.message()))?
    {
        let converted = match value.ty() {
            Type::String | Type::ExpandString => PolicyValue::Text(
                String::try_from(value).map_err(|e| std::io::Error::other(e.message()))?,
            ),
            Type::U32 => PolicyValue::Number(i64::from(
                u32::try_from(value).map_err(|e| std::io::Error::other(e.message()))?,
            )),
            Type::U64 => PolicyValue::Number(
                i64::try_from(
                    u64::try_from(value).map_err(|e| std::io::Error::other(e.message()))?,
                )
                .unwrap_or(i64::MAX),
            ),
            Type::MultiString => PolicyValue::List(
                Vec::<String>::try_from(value).map_err(|e| std::io::Error::other(e.message()))?,
            ),
            // Binary and other kinds mean nothing to a preset: the whole preset is
            // reported as unreadable, naming the value, and none of it applies.
            _ => {
                return Err(std::io::Error::other(format!(
                    "the registry value `{name}` is binary; a preset takes text (REG_SZ), numbers (REG_DWORD) and lists (REG_MULTI_SZ)"
                )));
            }
        };
        out.push((name, converted));
    }
    Ok(Some(out))
}
