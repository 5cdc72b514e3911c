//! What the app holds: one `Switchboard` (core facade) for every command, the path of
//! the `switchboard` program (it runs the daemon and is what clients launch), and
//! what the tray last showed.

use std::path::PathBuf;
use std::sync::Mutex;

use serde_json::Value;
use switchboard_core::Switchboard;
use switchboard_core::paths::Paths;
use switchboard_core::status::StatusReport;

/// Overrides where the app finds the `switchboard` program (tests, unusual installs).
pub const CLI_ENV: &str = "SWITCHBOARD_CLI";

pub struct AppState {
    pub core: Switchboard,
    /// The `switchboard` program: the daemon is `<cli> daemon`, clients run
    /// `<cli> bridge`.
    pub cli: PathBuf,
    /// The daemon's last status report, as the tray and the Servers page show it.
    pub status: Mutex<Option<StatusReport>>,
    /// Why the daemon could not be reached or started, when it could not.
    pub daemon_error: Mutex<Option<String>>,
    /// Wakes the daemon watcher (after a change, or to retry at once).
    pub poke: tokio::sync::Notify,
    /// The page a new window should open on (`{page, slug?}`), from the tray.
    pub pending: Mutex<Option<Value>>,
    /// The watcher has made its first attempt to reach the daemon.
    pub attached_once: std::sync::atomic::AtomicBool,
    /// A team sign-in is waiting on the browser (one at a time, from the tray or the
    /// window).
    pub signing_in: std::sync::atomic::AtomicBool,
    /// What the last update check found, kept for the click that installs it.
    pub(crate) updates: crate::updates::Updates,
}

impl AppState {
    pub fn new(core: Switchboard, cli: PathBuf) -> Self {
        Self {
            core,
            cli,
            status: Mutex::new(None),
            daemon_error: Mutex::new(None),
            poke: tokio::sync::Notify::new(),
            pending: Mutex::new(None),
            attached_once: std::sync::atomic::AtomicBool::new(false),
            signing_in: std::sync::atomic::AtomicBool::new(false),
            updates: crate::updates::Updates::default(),
        }
    }

    pub fn pending_page(&self, page: Value) {
        *self.pending.lock().expect("pending lock") = Some(page);
    }

    /// The real keychain, `SWITCHBOARD_HOME` or the OS directories.
    pub fn open() -> Result<Self, Box<dyn std::error::Error>> {
        let paths = Paths::from_env()?;
        Ok(Self::new(Switchboard::open(paths)?, locate_cli()))
    }
}

/// `SWITCHBOARD_CLI`, else `switchboard` beside the app (how it is shipped), else on
/// `PATH`. When none exists the path beside the app is returned, and starting the
/// daemon reports that it is missing.
pub fn locate_cli() -> PathBuf {
    if let Some(p) = std::env::var_os(CLI_ENV) {
        return PathBuf::from(p);
    }
    let name = format!("switchboard{}", std::env::consts::EXE_SUFFIX);
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join(&name)));
    if let Some(beside) = beside.as_ref().filter(|p| p.is_file()) {
        return beside.clone();
    }
    switchboard_core::supervisor::launch::ProgramFinder::from_env()
        .find(&name)
        .or(beside)
        .unwrap_or_else(|| PathBuf::from(name))
}
