//! The crate's error type: every module's error, each keeping its code and hint.
//!
//! Only the facade (`lib.rs`, `facade/`, `doctor.rs`) returns it; the modules below
//! return their own enums, which implement [`Coded`].

use crate::catalog::CatalogError;
pub use crate::code::{Coded, ErrorCode, Surface};
use crate::connection::ConnectError;
use crate::vault::VaultError;

/// Any error from `switchboard-core`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Launch(#[from] crate::supervisor::launch::LaunchError),
    #[error(transparent)]
    Ipc(#[from] crate::ipc::client::IpcError),
    #[error(transparent)]
    Daemon(#[from] crate::daemon::DaemonError),
    #[error(transparent)]
    Bundle(#[from] crate::bundle::BundleError),
    #[error(transparent)]
    Client(#[from] crate::clients::ClientError),
}

impl Error {
    /// The module error behind this one.
    fn inner(&self) -> &(dyn Coded + 'static) {
        match self {
            Self::Catalog(e) => e,
            Self::Vault(e) => e,
            Self::Connect(e) => e,
            Self::Config(e) => e,
            Self::Launch(e) => e,
            Self::Ipc(e) => e,
            Self::Daemon(e) => e,
            Self::Bundle(e) => e,
            Self::Client(e) => e,
        }
    }
}

impl Coded for Error {
    fn code(&self) -> ErrorCode {
        self.inner().code()
    }

    fn hint_for(&self, surface: Surface) -> Option<String> {
        self.inner().hint_for(surface)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
