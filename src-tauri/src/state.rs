//! What the app holds: one `Switchboard` (core facade) for every command.

use switchboard_core::Switchboard;
use switchboard_core::paths::Paths;

pub struct AppState {
    pub core: Switchboard,
}

impl AppState {
    /// The real keychain, `SWITCHBOARD_HOME` or the OS directories.
    pub fn open() -> Result<Self, Box<dyn std::error::Error>> {
        let paths = Paths::from_env()?;
        Ok(Self {
            core: Switchboard::open(paths)?,
        })
    }
}
