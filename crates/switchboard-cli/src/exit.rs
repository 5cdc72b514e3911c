//! Exit statuses, chosen by error code (never by message). Documented in README.md.

use switchboard_core::ErrorCode;

pub const OK: i32 = 0;
pub const FAILURE: i32 = 1;
pub const USAGE: i32 = 2;
pub const PROBE_FAILED: i32 = 3;
pub const KEYCHAIN: i32 = 4;
pub const NOT_CONNECTED: i32 = 5;
pub const CORRUPT: i32 = 6;
pub const DAEMON: i32 = 7;
pub const BUNDLE_REFUSED: i32 = 8;
pub const CLIENT_CONFIG: i32 = 9;
pub const SIGN_IN: i32 = 10;
pub const GATEWAY: i32 = 11;

pub fn for_code(code: ErrorCode) -> i32 {
    match code {
        ErrorCode::UnknownVendor | ErrorCode::InvalidField | ErrorCode::SecretTooLarge => USAGE,
        ErrorCode::ProbeFailed => PROBE_FAILED,
        ErrorCode::KeychainUnavailable => KEYCHAIN,
        ErrorCode::NotConnected => NOT_CONNECTED,
        ErrorCode::ConfigCorrupt | ErrorCode::CatalogInvalid => CORRUPT,
        ErrorCode::DaemonUnavailable => DAEMON,
        ErrorCode::RuntimeMissing | ErrorCode::LaunchFailed => USAGE,
        ErrorCode::BundleInvalid | ErrorCode::BundleUnsafe => BUNDLE_REFUSED,
        ErrorCode::ClientConfigInvalid => CLIENT_CONFIG,
        ErrorCode::SigningFailed | ErrorCode::Unsupported => USAGE,
        ErrorCode::NotSignedIn | ErrorCode::SignInFailed => SIGN_IN,
        ErrorCode::GatewayUnreachable => GATEWAY,
        ErrorCode::NotWaiting => USAGE,
        _ => FAILURE,
    }
}
