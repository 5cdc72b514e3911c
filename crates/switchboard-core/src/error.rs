//! Stable error codes and the crate's error type.
//!
//! The CLI's exit status and the app's UI branch on [`ErrorCode`], never on message
//! text. Codes are part of the interface: add one only when a consumer branches on it,
//! and never rename one.

use serde::{Deserialize, Serialize};

use crate::catalog::CatalogError;
use crate::connection::ConnectError;
use crate::vault::VaultError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The slug names no vendor in the catalog.
    UnknownVendor,
    /// A field value is missing, unknown, malformed, or passed where secrets may not go.
    InvalidField,
    /// A catalog entry breaks the catalog rules.
    CatalogInvalid,
    /// The OS keychain is locked, missing or not answering.
    KeychainUnavailable,
    /// A secret is larger than the platform keychain accepts.
    SecretTooLarge,
    /// The vendor has no stored connection.
    NotConnected,
    /// The live credential check did not pass; the outcome says why.
    ProbeFailed,
    /// A file Switchboard owns could not be parsed; it was left untouched.
    ConfigCorrupt,
    /// A file or directory could not be read or written.
    Io,
    /// A vendor's server needs a runtime (Node.js, say) that is not installed.
    RuntimeMissing,
    /// A vendor's server could not be started.
    LaunchFailed,
    /// Switchboard's daemon is not running or not answering.
    DaemonUnavailable,
    /// A `.mcpb` is not a usable bundle (not a zip, a bad manifest, an unsupported kind).
    BundleInvalid,
    /// A `.mcpb` tries something dangerous (path traversal, links, a zip bomb).
    BundleUnsafe,
    /// A bundle could not be signed (certificate or key problems).
    SigningFailed,
    /// An MCP client's config file could not be parsed; it was left untouched.
    ClientConfigInvalid,
    /// The operation does not exist on this platform.
    Unsupported,
    /// Looking for an update failed (endpoint unreachable, bad manifest).
    UpdateFailed,
    /// The desktop refused a request (start at login, a notification).
    DesktopIntegration,
    /// A bug.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownVendor => "unknown_vendor",
            Self::InvalidField => "invalid_field",
            Self::CatalogInvalid => "catalog_invalid",
            Self::KeychainUnavailable => "keychain_unavailable",
            Self::SecretTooLarge => "secret_too_large",
            Self::NotConnected => "not_connected",
            Self::ProbeFailed => "probe_failed",
            Self::ConfigCorrupt => "config_corrupt",
            Self::Io => "io",
            Self::RuntimeMissing => "runtime_missing",
            Self::LaunchFailed => "launch_failed",
            Self::DaemonUnavailable => "daemon_unavailable",
            Self::BundleInvalid => "bundle_invalid",
            Self::BundleUnsafe => "bundle_unsafe",
            Self::SigningFailed => "signing_failed",
            Self::ClientConfigInvalid => "client_config_invalid",
            Self::Unsupported => "unsupported",
            Self::UpdateFailed => "update_failed",
            Self::DesktopIntegration => "desktop_integration",
            Self::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Catalog(e) => e.code(),
            Self::Vault(e) => e.code(),
            Self::Connect(e) => e.code(),
            Self::Config(e) => e.code(),
            Self::Launch(e) => e.code(),
            Self::Ipc(e) => e.code(),
            Self::Daemon(e) => e.code(),
            Self::Bundle(e) => e.code(),
            Self::Client(e) => e.code(),
        }
    }

    /// What the user can do about it, when there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::Catalog(e) => e.hint(),
            Self::Vault(e) => e.hint(),
            Self::Connect(e) => e.hint(),
            Self::Config(e) => e.hint(),
            Self::Launch(e) => e.hint(),
            Self::Ipc(e) => e.hint(),
            Self::Daemon(e) => e.hint(),
            Self::Bundle(e) => e.hint(),
            Self::Client(e) => e.hint(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
