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
    #[error(transparent)]
    Gateway(#[from] crate::gateway::GatewayError),
    #[error(transparent)]
    Preset(#[from] crate::preset::PresetError),
    #[error(transparent)]
    Plugin(#[from] crate::plugins::PluginError),
    #[error(transparent)]
    Policy(#[from] crate::policy::PolicyError),
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
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
            Self::Gateway(e) => e,
            Self::Preset(e) => e,
            Self::Plugin(e) => e,
            Self::Policy(e) => e,
            Self::Audit(e) => e,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::BundleError;
    use crate::clients::ClientError;
    use crate::config::ConfigError;
    use crate::daemon::DaemonError;
    use crate::ipc::client::IpcError;
    use crate::supervisor::launch::LaunchError;
    use crate::vault::VaultError;

    /// One of each error whose terminal hint names a `switchboard` command or flag.
    fn errors() -> Vec<Error> {
        vec![
            CatalogError::UnknownVendor {
                slug: "hdu".into(),
                suggestions: vec!["hudu".into()],
            }
            .into(),
            VaultError::NotConnected {
                slug: "hudu".into(),
            }
            .into(),
            VaultError::SecretMissing {
                slug: "hudu".into(),
                field: "api_key".into(),
            }
            .into(),
            DaemonError::AlreadyRunning.into(),
            IpcError::NotRunning.into(),
            IpcError::StartFailed("boom".into()).into(),
            ConnectError::InvalidFields {
                slug: "hudu".into(),
                problems: vec![],
            }
            .into(),
            BundleError::Invalid {
                what: "x.mcpb".into(),
                problems: "no manifest".into(),
            }
            .into(),
            ClientError::Unsupported("no".into()).into(),
            LaunchError::BundleNotInstalled {
                vendor: "Datto RMM".into(),
                slug: "datto-rmm".into(),
                url: None,
            }
            .into(),
        ]
    }

    #[test]
    fn terminal_hints_name_commands_and_window_hints_fit_a_window() {
        for e in errors() {
            let cli = e.hint_for(Surface::Cli).expect("a hint");
            let window = e.hint_for(Surface::Window).expect("a hint");
            assert_eq!(e.hint(), Some(cli.clone()), "hint() is the terminal's");
            assert!(
                cli.contains("switchboard ") || cli.contains("`--"),
                "{e}: {cli}"
            );
            // The window names a command only where it has no equivalent, and then
            // says it is for a terminal.
            assert!(
                !window.contains("`switchboard ")
                    || window.starts_with("in a terminal")
                    || window.contains("; in a terminal"),
                "{e}: {window}"
            );
            assert!(
                !window.contains("--no-test") && !window.contains("--mode"),
                "{window}"
            );
        }
        let corrupt: Error = ConfigError::Corrupt {
            path: "/x/config.toml".into(),
            detail: "bad".into(),
        }
        .into();
        assert_eq!(
            corrupt.hint_for(Surface::Cli),
            corrupt.hint_for(Surface::Window),
            "a hint with no command reads the same in both"
        );
    }
}
