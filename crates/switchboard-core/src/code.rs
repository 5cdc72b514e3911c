//! Stable error codes, and the trait every error enum of the crate implements.
//!
//! The CLI's exit status and the app's UI branch on [`ErrorCode`], never on message
//! text. Codes are part of the interface: add one only when a consumer branches on it,
//! and never rename one.
//!
//! This file sits at the bottom of the crate: it imports nothing from it, so every
//! module can name a code without pulling in the crate's `Error` (see `error.rs`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
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
    /// There is no team sign-in, or it expired and could not be renewed.
    NotSignedIn,
    /// Signing in to the team gateway failed (discovery, registration, the browser
    /// step, the token exchange).
    SignInFailed,
    /// The team gateway could not be reached or answered with an error.
    GatewayUnreachable,
    /// No call with that id waits for approval (answered, or timed out).
    NotWaiting,
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
            Self::NotSignedIn => "not_signed_in",
            Self::SignInFailed => "sign_in_failed",
            Self::GatewayUnreachable => "gateway_unreachable",
            Self::NotWaiting => "not_waiting",
            Self::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who reads a hint. A terminal user can run `switchboard …` commands; the settings
/// window's user has pages and buttons, and a terminal only where the window has no
/// equivalent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Surface {
    Cli,
    Window,
}

/// A stable code and a hint: what every error enum of the crate reports.
pub trait Coded: std::error::Error {
    fn code(&self) -> ErrorCode;

    /// What the reader can do about it, worded for where they read it; `None` when
    /// there is nothing useful to say.
    fn hint_for(&self, surface: Surface) -> Option<String> {
        let _ = surface;
        None
    }

    /// The hint for a terminal (`hint_for(Surface::Cli)`).
    fn hint(&self) -> Option<String> {
        self.hint_for(Surface::Cli)
    }
}

/// The shared hint for a file Switchboard could not parse and did not touch.
pub fn left_untouched_hint(path: &std::path::Path) -> String {
    format!(
        "Switchboard left the file untouched. Fix it, or move it away to start over: `{}`",
        path.display()
    )
}
