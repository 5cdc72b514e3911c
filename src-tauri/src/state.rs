//! What the window holds: one `Switchboard` (core facade) for every command, the path
//! of the `switchboard` program (it runs the daemon and is what clients launch), the
//! page to open on, and the updater's state.

use std::path::PathBuf;
use std::sync::Mutex;

use serde_json::Value;
use switchboard_core::Switchboard;
use switchboard_core::paths::Paths;

/// Overrides where the app finds the `switchboard` program (tests, unusual installs).
pub const CLI_ENV: &str = switchboard_core::env::CLI;

pub struct AppState {
    pub core: Switchboard,
    /// The `switchboard` program: the daemon is `<cli> daemon`, clients run
    /// `<cli> bridge`.
    pub cli: PathBuf,
    /// Wakes the daemon watcher (after a change, or to retry at once).
    pub poke: tokio::sync::Notify,
    /// The page a new window should open on (`{page, slug?, action?}`).
    pub pending: Mutex<Option<Value>>,
    /// A team sign-in is waiting on the browser (one at a time).
    pub signing_in: std::sync::atomic::AtomicBool,
    /// What the last update check found, kept for the click that installs it.
    pub(crate) updates: crate::updates::Updates,
}

impl AppState {
    pub fn new(core: Switchboard, cli: PathBuf) -> Self {
        Self {
            core,
            cli,
            poke: tokio::sync::Notify::new(),
            pending: Mutex::new(None),
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
/// `PATH`.
pub fn locate_cli() -> PathBuf {
    switchboard_core::supervisor::launch::sibling_program(CLI_ENV, "switchboard")
}
