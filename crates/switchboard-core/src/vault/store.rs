//! The `SecretStore` seam: where secret values live. Real: the OS keychain
//! (`KeyringStore`). Fake: `MemoryStore`, for unit tests, with failure injection.
//!
//! Calls are blocking, as the platform APIs are. `Vault` runs them off the async
//! runtime and one at a time.

use crate::code::{Coded, ErrorCode};
use crate::secret::Secret;

/// Failures a store reports. Detail strings never contain secret values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Locked, missing, or refusing access.
    #[error("the keychain is unavailable: {0}")]
    Unavailable(String),
    /// The value exceeds what the platform stores.
    #[error("the value is longer than the keychain accepts ({limit} bytes)")]
    TooLarge { limit: usize },
    #[error("the keychain failed: {0}")]
    Other(String),
}

impl Coded for StoreError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::TooLarge { .. } => ErrorCode::SecretTooLarge,
            Self::Unavailable(_) | Self::Other(_) => ErrorCode::KeychainUnavailable,
        }
    }
}

/// Items are addressed by `service` (one per vendor and namespace) and `account`
/// (the field key), as every OS keychain does.
pub trait SecretStore: Send + Sync + 'static {
    /// What this store is, for messages (`Secret Service`, `memory`).
    fn describe(&self) -> String;

    /// Creates or replaces an item. `label` is what the OS keychain UI shows.
    fn set(
        &self,
        service: &str,
        account: &str,
        label: &str,
        value: &Secret<String>,
    ) -> Result<(), StoreError>;

    /// `Ok(None)` when there is no such item.
    fn get(&self, service: &str, account: &str) -> Result<Option<Secret<String>>, StoreError>;

    /// Returns whether an item was there to delete.
    fn delete(&self, service: &str, account: &str) -> Result<bool, StoreError>;
}
