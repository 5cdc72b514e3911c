//! `KeyringStore`: the OS keychain through keyring-core and the platform store crates:
//! Secret Service over zbus on Linux, Keychain on macOS, Credential Manager on Windows.
//!
//! This file (with `platform/`) is the only place that may name a target OS. The
//! connection to the platform store is made on first use and retried after a
//! failure, so a keychain that comes up later (a desktop session starting after the
//! daemon) is picked up without a restart. There is no fallback to a file: when the
//! keychain is unavailable, the caller gets `StoreError::Unavailable`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyring_core::{CredentialStore, Error as KError};

use super::store::{SecretStore, StoreError};
use crate::secret::Secret;

#[derive(Default)]
pub struct KeyringStore {
    store: Mutex<Option<Arc<CredentialStore>>>,
}

impl KeyringStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn store(&self) -> Result<Arc<CredentialStore>, StoreError> {
        let mut slot = self
            .store
            .lock()
            .map_err(|_| StoreError::Other("store lock poisoned".into()))?;
        if let Some(store) = slot.as_ref() {
            return Ok(store.clone());
        }
        let store = open_platform_store()?;
        *slot = Some(store.clone());
        Ok(store)
    }

    fn entry(
        &self,
        service: &str,
        account: &str,
        label: Option<&str>,
    ) -> Result<keyring_core::Entry, StoreError> {
        let store = self.store()?;
        let mods = label.and_then(label_modifier);
        store
            .build(service, account, mods.as_ref())
            .map_err(map_error)
    }
}

impl SecretStore for KeyringStore {
    fn describe(&self) -> String {
        STORE_NAME.to_owned()
    }

    fn set(
        &self,
        service: &str,
        account: &str,
        label: &str,
        value: &Secret<String>,
    ) -> Result<(), StoreError> {
        check_size(value.expose())?;
        self.entry(service, account, Some(label))?
            .set_password(value.expose())
            .map_err(map_error)
    }

    fn get(&self, service: &str, account: &str) -> Result<Option<Secret<String>>, StoreError> {
        match self.entry(service, account, None)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(KError::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn delete(&self, service: &str, account: &str) -> Result<bool, StoreError> {
        match self.entry(service, account, None)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(KError::NoEntry) => Ok(false),
            Err(e) => Err(map_error(e)),
        }
    }
}

/// Maps keyring errors without ever formatting a payload: `BadEncoding` and
/// `BadDataFormat` carry the stored bytes, which may be a secret.
fn map_error(e: KError) -> StoreError {
    match e {
        KError::NoStorageAccess(inner) => {
            let text = inner.to_string();
            let lower = text.to_ascii_lowercase();
            StoreError::Unavailable(
                if lower.contains("prompt dismissed") || lower.contains("locked") {
                    format!("it is locked, and the request to unlock it was dismissed ({text})")
                } else {
                    text
                },
            )
        }
        KError::PlatformFailure(inner) => StoreError::Unavailable(inner.to_string()),
        KError::NoDefaultStore => StoreError::Unavailable("no credential store".into()),
        KError::TooLong(_, limit) => StoreError::TooLarge {
            limit: limit as usize,
        },
        KError::BadEncoding(_) => StoreError::Other("a stored value is not UTF-8 text".into()),
        KError::BadDataFormat(..) => {
            StoreError::Other("a stored value has an unexpected format".into())
        }
        KError::BadStoreFormat(what) => {
            StoreError::Other(format!("the keychain has an unexpected format: {what}"))
        }
        KError::Invalid(what, why) => StoreError::Other(format!("invalid {what}: {why}")),
        KError::Ambiguous(items) => StoreError::Other(format!(
            "{} keychain items match one name; remove the duplicates in your keychain app",
            items.len()
        )),
        KError::NoEntry => StoreError::Other("no such item".into()),
        other => StoreError::Other(format!("unexpected keychain error: {other}")),
    }
}

#[cfg(target_os = "linux")]
const STORE_NAME: &str = "Secret Service";
#[cfg(target_os = "macos")]
const STORE_NAME: &str = "macOS Keychain";
#[cfg(target_os = "windows")]
const STORE_NAME: &str = "Windows Credential Manager";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
const STORE_NAME: &str = "no keychain";

/// How to fix an unavailable keychain on this OS.
#[cfg(target_os = "linux")]
pub const UNAVAILABLE_HINT: &str = "Switchboard keeps credentials in the Secret Service (GNOME Keyring, KWallet or KeePassXC). Make sure one is running in your desktop session and your login keyring is unlocked. Without a desktop, run inside `dbus-run-session` and unlock with `gnome-keyring-daemon --unlock`";
#[cfg(target_os = "macos")]
pub const UNAVAILABLE_HINT: &str = "unlock your login keychain in Keychain Access, then try again";
#[cfg(target_os = "windows")]
pub const UNAVAILABLE_HINT: &str =
    "sign in to Windows with your own account (Credential Manager is per user), then try again";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub const UNAVAILABLE_HINT: &str = "this operating system has no supported keychain";

#[cfg(target_os = "linux")]
fn open_platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    let store = zbus_secret_service_keyring_store::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn open_platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    let store = apple_native_keyring_store::keychain::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn open_platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    let store = windows_native_keyring_store::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn open_platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    Err(StoreError::Unavailable(
        "no supported keychain on this operating system".into(),
    ))
}

/// Only the Secret Service store takes a label (what Seahorse and KWallet show).
#[cfg(target_os = "linux")]
fn label_modifier(label: &str) -> Option<HashMap<&str, &str>> {
    Some(HashMap::from([("label", label)]))
}

#[cfg(not(target_os = "linux"))]
fn label_modifier(_label: &str) -> Option<HashMap<&str, &str>> {
    None
}

/// Credential Manager stores at most 2560 bytes per item, and keyring stores text as
/// UTF-16 there. Refuse early with a clear error rather than a platform code.
#[cfg(target_os = "windows")]
fn check_size(value: &str) -> Result<(), StoreError> {
    super::check_value_size(value, Some(super::WINDOWS_MAX_SECRET_BYTES))
}

#[cfg(not(target_os = "windows"))]
fn check_size(value: &str) -> Result<(), StoreError> {
    super::check_value_size(value, None)
}
