//! MCP client configs (Claude Desktop, Claude Code, Cursor): find them, put our one
//! entry in, take it out, and report on it.
//!
//! The rules for touching a user's file:
//! - a file that is not strict JSON is refused, with the reason, and left untouched;
//! - only `mcpServers.switchboard` changes; every other byte stays (see [`edit`]);
//! - the change is made under a lock, from a fresh read, and written atomically (temp
//!   file, fsync, rename), keeping the file's permissions and following a symlink to
//!   the real file; if the file changed while we worked, we start over;
//! - a byte-identical copy of the old file goes to `<data>/backups/<client>/` first
//!   (the last five are kept);
//! - nothing changes when nothing needs to (re-install is a no-op).

pub mod edit;

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::code::{Coded, ErrorCode, Surface};
use crate::platform;

pub use edit::{Document, EditError, Member};

use crate::process::ProcessList;

/// Our entry's name in `mcpServers`.
pub const ENTRY_NAME: &str = "switchboard";
/// Backups kept per client.
pub const BACKUPS_KEPT: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Client {
    ClaudeDesktop,
    ClaudeCode,
    Cursor,
}

impl Client {
    pub const ALL: [Client; 3] = [Self::ClaudeDesktop, Self::ClaudeCode, Self::Cursor];

    pub fn slug(self) -> &'static str {
        match self {
            Self::ClaudeDesktop => "claude-desktop",
            Self::ClaudeCode => "claude-code",
            Self::Cursor => "cursor",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::ClaudeDesktop => "Claude Desktop",
            Self::ClaudeCode => "Claude Code",
            Self::Cursor => "Cursor",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.slug() == s)
    }

    /// Where this client reads its MCP servers, for the current user.
    pub fn config_path(self, home: &Homes) -> PathBuf {
        match self {
            Self::ClaudeDesktop => platform::claude_desktop_config(&home.config, &home.local_data),
            Self::ClaudeCode => home.home.join(".claude.json"),
            Self::Cursor => home.home.join(".cursor").join("mcp.json"),
        }
    }

    /// The entry that runs `binary bridge <args>`, in this client's dialect.
    pub fn entry(self, binary: &Path, args: &[String]) -> Map<String, Value> {
        let mut all = vec!["bridge".to_owned()];
        all.extend(args.iter().cloned());
        let mut v = json!({ "command": binary.display().to_string(), "args": all });
        if self == Self::ClaudeCode {
            v["type"] = json!("stdio");
        }
        v.as_object().expect("an object literal").clone()
    }
}

/// The user's directories the client configs live under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Homes {
    pub home: PathBuf,
    /// `~/.config`, `~/Library/Application Support`, `%APPDATA%`.
    pub config: PathBuf,
    /// `%LOCALAPPDATA%` on Windows (MSIX packages); the data dir elsewhere.
    pub local_data: PathBuf,
}

impl Homes {
    pub fn from_env() -> Option<Self> {
        let base = directories::BaseDirs::new()?;
        Some(Self {
            home: base.home_dir().to_owned(),
            config: base.config_dir().to_owned(),
            local_data: base.data_local_dir().to_owned(),
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    #[error("{client}'s config `{path}` was left untouched: {why}")]
    Invalid {
        client: &'static str,
        path: PathBuf,
        why: EditError,
    },
    #[error("`{path}`: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{path}` kept changing while Switchboard tried to update it")]
    Busy { path: PathBuf },
    #[error("{0}")]
    Unsupported(String),
}

impl Coded for ClientError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid { .. } => ErrorCode::ClientConfigInvalid,
            Self::Io { .. } | Self::Busy { .. } => ErrorCode::Io,
            Self::Unsupported(_) => ErrorCode::Unsupported,
        }
    }

    fn hint_for(&self, surface: Surface) -> Option<String> {
        match self {
            Self::Invalid { path, .. } => Some(format!(
                "fix the file by hand (or move it away to start fresh), then {} again; your backups are in Switchboard's data folder. The file: {}",
                match surface {
                    Surface::Cli => "run the command",
                    Surface::Window => "try",
                },
                path.display()
            )),
            Self::Busy { .. } => Some("quit the client, then try again".into()),
            Self::Unsupported(_) => Some(match surface {
                Surface::Cli => "use `--mode config` instead".into(),
                Surface::Window => "install with Install on the Clients page instead".into(),
            }),
            Self::Io { .. } => None,
        }
    }
}

/// What `install` or `uninstall` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Added,
    Updated,
    Unchanged,
    Removed,
    NotInstalled,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub client: Client,
    pub path: PathBuf,
    pub action: Action,
    /// True when this was a dry run: nothing was written.
    pub dry_run: bool,
    /// The unified diff of the change (empty when unchanged).
    pub diff: String,
    /// The copy of the previous file, when one was made.
    pub backup: Option<PathBuf>,
    pub warnings: Vec<String>,
}

/// Where backups go and which processes are running; the parts of the world an
/// install touches besides the file.
pub struct Context<'a> {
    pub backups: &'a Path,
    pub locks: &'a Path,
    pub processes: &'a dyn ProcessList,
}

/// Adds or updates our entry.
pub fn install(
    ctx: &Context<'_>,
    client: Client,
    path: &Path,
    entry: &Map<String, Value>,
    dry_run: bool,
) -> Result<Outcome, ClientError> {
    change(ctx, client, path, Some(entry), dry_run)
}

/// Removes our entry (and only it).
pub fn uninstall(
    ctx: &Context<'_>,
    client: Client,
    path: &Path,
    dry_run: bool,
) -> Result<Outcome, ClientError> {
    change(ctx, client, path, None, dry_run)
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ClientError + '_ {
    move |source| ClientError::Io {
        path: path.to_owned(),
        source,
    }
}

fn read(path: &Path) -> Result<Option<Vec<u8>>, ClientError> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(path)(e)),
    }
}

fn change(
    ctx: &Context<'_>,
    client: Client,
    path: &Path,
    entry: Option<&Map<String, Value>>,
    dry_run: bool,
) -> Result<Outcome, ClientError> {
    let mut warnings = Vec::new();
    if client == Client::ClaudeDesktop {
        let running = ctx.processes.running(platform::CLAUDE_DESKTOP_PROCESSES);
        if !running.is_empty() {
            warnings.push(
                "Claude Desktop is running and may overwrite its config when it quits; quit it fully (tray icon → Quit), then start it again to load the change".to_owned(),
            );
        }
    }
    let target = Target {
        label: client.name(),
        slug: client.slug(),
        path,
    };
    let edited = edit_file(ctx, &target, dry_run, |doc| {
        let had_entry = doc.entry(ENTRY_NAME).is_some();
        let mut new_text = doc.with_entry(ENTRY_NAME, entry)?;
        if doc.had_bom && new_text.is_none() && (entry.is_some() || had_entry) {
            new_text = Some(doc.text.clone());
        }
        let action = match (entry.is_some(), had_entry, new_text.is_some()) {
            (true, _, false) => Action::Unchanged,
            (true, false, true) => Action::Added,
            (true, true, true) => Action::Updated,
            (false, false, _) => Action::NotInstalled,
            (false, true, _) => Action::Removed,
        };
        Ok((new_text, (action, doc.had_bom)))
    })?;
    let (action, had_bom) = edited.extra;
    if had_bom {
        warnings.push(
            "the file started with a UTF-8 byte-order mark, which stops Claude from reading it; it is written without one".to_owned(),
        );
    }
    Ok(Outcome {
        client,
        path: edited.path,
        action,
        dry_run,
        diff: edited.diff,
        backup: edited.backup,
        warnings,
    })
}

/// A JSON file Switchboard edits for a client, and the names its lock and backups go by.
pub struct Target<'a> {
    /// For messages: "Claude Desktop", "Claude Code settings".
    pub label: &'static str,
    /// Names the lock (`client-<slug>.lock`) and the backup folder.
    pub slug: &'static str,
    pub path: &'a Path,
}

/// What [`edit_file`] did.
#[derive(Debug)]
pub struct Edited<T> {
    /// The real file (a symlink followed).
    pub path: PathBuf,
    /// The unified diff (empty when nothing changed).
    pub diff: String,
    pub backup: Option<PathBuf>,
    pub changed: bool,
    /// What the edit function returned besides the new text.
    pub extra: T,
}

/// Edits a user's JSON file by the rules in this module's header: under a lock, from a
/// fresh read, refusing what does not parse, backing up, writing atomically, and
/// starting over if the file changed meanwhile. `edit` gets the parsed file and gives
/// the new text (`None`: leave it) and anything else the caller wants back.
pub fn edit_file<T>(
    ctx: &Context<'_>,
    target: &Target<'_>,
    dry_run: bool,
    edit: impl Fn(&Document) -> Result<(Option<String>, T), EditError>,
) -> Result<Edited<T>, ClientError> {
    // Edit the real file behind a symlink (dotfile managers), not the link.
    let path = std::fs::canonicalize(target.path).unwrap_or_else(|_| target.path.to_owned());
    let invalid = |why| ClientError::Invalid {
        client: target.label,
        path: path.clone(),
        why,
    };
    let lock_path = ctx.locks.join(format!("client-{}.lock", target.slug));
    let _lock = crate::atomic::lock_file(&lock_path).map_err(io_err(&lock_path))?;
    for _attempt in 0..5 {
        let before = read(&path)?;
        let doc = Document::parse(before.as_deref().unwrap_or_default()).map_err(invalid)?;
        let (new_text, extra) = edit(&doc).map_err(invalid)?;
        let Some(new_text) = new_text else {
            return Ok(Edited {
                path,
                diff: String::new(),
                backup: None,
                changed: false,
                extra,
            });
        };
        let old_text = String::from_utf8_lossy(before.as_deref().unwrap_or_default()).into_owned();
        let diff = similar::TextDiff::from_lines(&old_text, &new_text)
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{} (before)", path.display()),
                &format!("{} (after)", path.display()),
            )
            .to_string();
        if dry_run {
            return Ok(Edited {
                path,
                diff,
                backup: None,
                changed: true,
                extra,
            });
        }
        let backup = match &before {
            Some(bytes) => Some(
                backup(&ctx.backups.join(target.slug), &path, bytes)
                    .map_err(io_err(ctx.backups))?,
            ),
            None => None,
        };
        // Someone else (the client itself) may have written since we read.
        if read(&path)? != before {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        let permissions = std::fs::metadata(&path).ok().map(|m| m.permissions());
        crate::atomic::write_atomic_with(&path, new_text.as_bytes(), permissions)
            .map_err(io_err(&path))?;
        return Ok(Edited {
            path,
            diff,
            backup,
            changed: true,
            extra,
        });
    }
    Err(ClientError::Busy { path })
}

/// Copies `bytes` (the file at `original`) into `dir` with a timestamped name and
/// keeps the newest [`BACKUPS_KEPT`].
pub fn backup(dir: &Path, original: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let stamp = humantime::format_rfc3339_millis(std::time::SystemTime::now())
        .to_string()
        .replace(':', "-");
    let name = original
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.json".into());
    let mut path = dir.join(format!("{stamp}-{name}"));
    let mut n = 1;
    while path.exists() {
        path = dir.join(format!("{stamp}-{n}-{name}"));
        n += 1;
    }
    crate::atomic::write_atomic(&path, bytes)?;
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    all.sort();
    let excess = all.len().saturating_sub(BACKUPS_KEPT);
    for old in &all[..excess] {
        let _ = std::fs::remove_file(old);
    }
    Ok(path)
}

/// The state of one client's config, for `doctor` and the app.
#[derive(Debug, Clone, Serialize)]
pub struct ClientStatus {
    pub client: Client,
    pub path: PathBuf,
    pub exists: bool,
    /// Why the file cannot be read, if it cannot.
    pub problem: Option<String>,
    /// Our entry's command, when the entry is there.
    pub command: Option<String>,
    pub args: Vec<String>,
    /// The command exists as a file.
    pub command_exists: bool,
}

pub fn status(client: Client, path: &Path) -> ClientStatus {
    let mut s = ClientStatus {
        client,
        path: path.to_owned(),
        exists: false,
        problem: None,
        command: None,
        args: Vec::new(),
        command_exists: false,
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return s,
        Err(e) => {
            s.exists = true;
            s.problem = Some(e.to_string());
            return s;
        }
    };
    s.exists = true;
    match Document::parse(&bytes) {
        Err(e) => s.problem = Some(e.to_string()),
        Ok(doc) => {
            if doc.had_bom {
                s.problem =
                    Some("it starts with a byte-order mark, which Claude cannot read".into());
            }
            if let Some(entry) = doc.entry(ENTRY_NAME) {
                s.command = entry
                    .get("command")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                s.args = entry
                    .get("args")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                s.command_exists = s.command.as_deref().is_some_and(|c| Path::new(c).is_file());
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoProcesses;
    impl ProcessList for NoProcesses {
        fn running(&self, _names: &[&str]) -> Vec<String> {
            Vec::new()
        }
    }

    struct ClaudeRunning;
    impl ProcessList for ClaudeRunning {
        fn running(&self, names: &[&str]) -> Vec<String> {
            names.iter().take(1).map(|n| n.to_string()).collect()
        }
    }

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let backups = dir.path().join("backups");
        let locks = dir.path().join("run");
        (dir, backups, locks)
    }

    #[test]
    fn install_backs_up_keeps_five_and_is_idempotent() {
        let (dir, backups, locks) = setup();
        let ctx = Context {
            backups: &backups,
            locks: &locks,
            processes: &NoProcesses,
        };
        let path = dir.path().join("claude_desktop_config.json");
        std::fs::write(&path, "{\"preferences\": {}}").unwrap();
        let entry = Client::ClaudeDesktop.entry(Path::new("/bin/sb"), &[]);
        let first = install(&ctx, Client::ClaudeDesktop, &path, &entry, false).unwrap();
        assert_eq!(first.action, Action::Added);
        assert_eq!(
            std::fs::read(first.backup.unwrap()).unwrap(),
            b"{\"preferences\": {}}"
        );
        let bytes = std::fs::read(&path).unwrap();
        let second = install(&ctx, Client::ClaudeDesktop, &path, &entry, false).unwrap();
        assert_eq!(second.action, Action::Unchanged);
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        for i in 0..7 {
            let e = Client::ClaudeDesktop.entry(Path::new(&format!("/bin/sb{i}")), &[]);
            install(&ctx, Client::ClaudeDesktop, &path, &e, false).unwrap();
        }
        assert_eq!(
            std::fs::read_dir(backups.join("claude-desktop"))
                .unwrap()
                .count(),
            BACKUPS_KEPT
        );
        let gone = uninstall(&ctx, Client::ClaudeDesktop, &path, false).unwrap();
        assert_eq!(gone.action, Action::Removed);
        let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(v, json!({"preferences": {}, "mcpServers": {}}));
        assert_eq!(
            uninstall(&ctx, Client::ClaudeDesktop, &path, false)
                .unwrap()
                .action,
            Action::NotInstalled
        );
    }

    #[test]
    fn dry_runs_write_nothing_and_show_the_diff() {
        let (dir, backups, locks) = setup();
        let ctx = Context {
            backups: &backups,
            locks: &locks,
            processes: &ClaudeRunning,
        };
        let path = dir.path().join("c.json");
        std::fs::write(&path, "{}\n").unwrap();
        let entry = Client::Cursor.entry(Path::new("/bin/sb"), &["--vendor".into(), "hudu".into()]);
        let out = install(&ctx, Client::ClaudeDesktop, &path, &entry, true).unwrap();
        assert!(out.dry_run && out.backup.is_none());
        assert!(out.diff.contains("+    \"switchboard\""), "{}", out.diff);
        assert!(
            out.warnings
                .iter()
                .any(|w| w.contains("Claude Desktop is running"))
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
        assert!(!backups.exists());
    }

    #[test]
    fn a_broken_file_is_refused_and_left_byte_identical() {
        let (dir, backups, locks) = setup();
        let ctx = Context {
            backups: &backups,
            locks: &locks,
            processes: &NoProcesses,
        };
        let path = dir.path().join("c.json");
        let broken = b"{\"mcpServers\": {\"a\": {\"command\": \"x\",}}}";
        std::fs::write(&path, broken).unwrap();
        let entry = Client::ClaudeDesktop.entry(Path::new("/bin/sb"), &[]);
        let err = install(&ctx, Client::ClaudeDesktop, &path, &entry, false).unwrap_err();
        assert_eq!(err.code(), ErrorCode::ClientConfigInvalid);
        assert!(err.to_string().contains("not valid JSON"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), broken);
        assert!(uninstall(&ctx, Client::ClaudeDesktop, &path, false).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), broken);
    }

    #[test]
    fn claude_code_entries_say_stdio() {
        let e = Client::ClaudeCode.entry(Path::new("/x"), &[]);
        assert_eq!(e["type"], "stdio");
        assert_eq!(e["args"], json!(["bridge"]));
        assert!(
            !Client::ClaudeDesktop
                .entry(Path::new("/x"), &[])
                .contains_key("type")
        );
    }
}
