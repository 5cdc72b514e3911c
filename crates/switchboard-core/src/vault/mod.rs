//! The vault: secrets in the OS keychain, everything else in a non-secret index.
//!
//! `Vault` pairs a [`SecretStore`] with the index file. It keeps both in step: a save
//! writes every secret, then the index, and undoes the secrets if anything fails; a
//! removal deletes every keychain item the vendor could have, whatever the index says.
//!
//! Keychain calls block (and may wait for an unlock prompt), so `Vault` runs them on
//! tokio's blocking pool, one at a time, under a timeout. They never run on an async
//! worker thread. (The Secret Service store is built on zbus's async-io runtime, not
//! tokio's: with tokio's, merely dropping the store on a runtime thread panics with
//! "Cannot start a runtime from within a runtime"; see stack.md, pitfall 10.)

pub mod index;
pub mod keyring;
pub mod memory;
pub mod store;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha2::Digest;

pub use index::{ConnectionRecord, Index, ProbeRecord};
pub use keyring::KeyringStore;
pub use memory::MemoryStore;
pub use store::{SecretStore, StoreError};

use crate::catalog::Vendor;
use crate::code::{Coded, ErrorCode, Surface};
use crate::credentials::Credentials;
use crate::env;
use crate::paths::Paths;
use crate::secret::Secret;

/// Credential Manager's per-item limit (CRED_MAX_CREDENTIAL_BLOB_SIZE).
pub const WINDOWS_MAX_SECRET_BYTES: usize = 2560;

/// How long a keychain call may take before we give up (an unanswered unlock prompt).
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(60);

/// Refuses a value whose UTF-16 form (what keyring stores on Windows) exceeds `limit`.
pub fn check_value_size(value: &str, limit: Option<usize>) -> Result<(), StoreError> {
    match limit {
        Some(limit) if value.encode_utf16().count() * 2 > limit => {
            Err(StoreError::TooLarge { limit })
        }
        _ => Ok(()),
    }
}

/// The prefix of every keychain service name Switchboard writes.
///
/// A release build with no `SWITCHBOARD_HOME` uses `switchboard`. A debug build uses
/// `switchboard-dev`. Any run with `SWITCHBOARD_HOME` set (every test) uses
/// `switchboard-home-<hash of that path>`. So a dev or test run can never read, change
/// or delete a real user's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace(String);

impl Namespace {
    pub fn detect(paths: &Paths) -> Self {
        if let Ok(custom) = std::env::var(env::KEYCHAIN_NAMESPACE)
            && !custom.trim().is_empty()
        {
            return Self(format!("switchboard-{}", custom.trim()));
        }
        if let Some(home) = &paths.home_override {
            let digest = sha2::Sha256::digest(home.to_string_lossy().as_bytes());
            return Self(format!("switchboard-home-{}", &hex::encode(digest)[..12]));
        }
        if cfg!(debug_assertions) {
            Self("switchboard-dev".to_owned())
        } else {
            Self("switchboard".to_owned())
        }
    }

    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The keychain service holding one vendor's secrets.
    pub fn service(&self, slug: &str) -> String {
        format!("{}:{slug}", self.0)
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    #[error("the keychain ({store}) is unavailable: {detail}")]
    KeychainUnavailable { store: String, detail: String },
    #[error("`{field}` is too long for the keychain ({limit} bytes at most)")]
    SecretTooLarge { field: String, limit: usize },
    #[error("`{slug}` is not connected")]
    NotConnected { slug: String },
    #[error("`{slug}` is connected, but its `{field}` is missing from the keychain")]
    SecretMissing { slug: String, field: String },
    #[error("the keychain failed: {detail}")]
    Keychain { detail: String },
    #[error(transparent)]
    Index(#[from] index::IndexError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Coded for VaultError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::KeychainUnavailable { .. } => ErrorCode::KeychainUnavailable,
            Self::SecretTooLarge { .. } => ErrorCode::SecretTooLarge,
            Self::NotConnected { .. } | Self::SecretMissing { .. } => ErrorCode::NotConnected,
            Self::Keychain { .. } => ErrorCode::KeychainUnavailable,
            Self::Index(e) => e.code(),
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    fn hint_for(&self, surface: Surface) -> Option<String> {
        let connect = |slug: &str| match surface {
            Surface::Cli => format!("`switchboard connect {slug}`"),
            Surface::Window => "Connect… on the Vendors page".to_owned(),
        };
        match self {
            Self::KeychainUnavailable { .. } | Self::Keychain { .. } => {
                Some(keyring::UNAVAILABLE_HINT.to_owned())
            }
            Self::SecretTooLarge { .. } => Some(
                "Windows Credential Manager holds at most 2560 bytes per item; check that the value was pasted whole and alone".to_owned(),
            ),
            Self::NotConnected { slug } => Some(format!("connect it first: {}", connect(slug))),
            Self::SecretMissing { slug, .. } => Some(format!(
                "the item was removed from the keychain outside Switchboard; connect again: {}",
                connect(slug)
            )),
            Self::Index(e) => e.hint_for(surface),
            Self::Internal(_) => None,
        }
    }
}

impl VaultError {
    fn from_store(store: &str, field: &str, e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(detail) => Self::KeychainUnavailable {
                store: store.to_owned(),
                detail,
            },
            StoreError::TooLarge { limit } => Self::SecretTooLarge {
                field: field.to_owned(),
                limit,
            },
            StoreError::Other(detail) => Self::Keychain { detail },
        }
    }
}

/// What `Vault::remove` found and deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub was_indexed: bool,
    pub keychain_items: usize,
}

#[derive(Clone)]
pub struct Vault {
    inner: Arc<Inner>,
    timeout: Duration,
}

struct Inner {
    store: Arc<dyn SecretStore>,
    namespace: Namespace,
    index_path: PathBuf,
    /// Keychain backends misbehave under concurrent access; one call at a time.
    serial: Mutex<()>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("store", &self.inner.store.describe())
            .field("namespace", &self.inner.namespace)
            .field("index", &self.inner.index_path)
            .finish()
    }
}

impl Vault {
    pub fn new(store: Arc<dyn SecretStore>, namespace: Namespace, paths: &Paths) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                namespace,
                index_path: paths.connections_file(),
                serial: Mutex::new(()),
            }),
            timeout: KEYCHAIN_TIMEOUT,
        }
    }

    /// Gives up on a keychain call after `timeout` (tests use short ones).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn namespace(&self) -> &Namespace {
        &self.inner.namespace
    }

    pub fn store_name(&self) -> String {
        self.inner.store.describe()
    }

    /// Runs `f` on the blocking pool, serialised with every other vault call.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> Result<T, VaultError> + Send + 'static,
    ) -> Result<T, VaultError> {
        let inner = self.inner.clone();
        let task = tokio::task::spawn_blocking(move || {
            let _serial = inner
                .serial
                .lock()
                .map_err(|_| VaultError::Internal("vault lock poisoned".into()))?;
            f(&inner)
        });
        match tokio::time::timeout(self.timeout, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(VaultError::Internal(format!(
                "keychain task failed: {join}"
            ))),
            Err(_) => Err(VaultError::KeychainUnavailable {
                store: self.inner.store.describe(),
                detail: format!(
                    "it did not answer within {} s (is it waiting to be unlocked?)",
                    self.timeout.as_secs()
                ),
            }),
        }
    }

    /// Reads the index (no keychain access).
    pub fn index(&self) -> Result<Index, VaultError> {
        Ok(index::read(&self.inner.index_path)?)
    }

    /// Stores a vendor's credentials: every secret in the keychain, then the index
    /// entry. Secret fields not in `creds` are deleted. On any failure, the secrets
    /// written by this call are removed again and the index is unchanged.
    pub async fn save(
        &self,
        vendor: &Vendor,
        creds: Credentials,
        probe: Option<ProbeRecord>,
    ) -> Result<(), VaultError> {
        let slug = vendor.slug.clone();
        let labels: BTreeMap<String, String> = vendor
            .fields
            .iter()
            .map(|f| {
                (
                    f.key.clone(),
                    format!("Switchboard: {} {}", vendor.name, f.label),
                )
            })
            .collect();
        let all_secret_keys: Vec<String> = vendor.secret_fields().map(|f| f.key.clone()).collect();
        self.blocking(move |inner| {
            let _lock = index::lock(&inner.index_path)?;
            // Read first: a corrupt index stops us before the keychain is touched.
            let mut idx = index::read(&inner.index_path)?;
            let service = inner.namespace.service(&slug);
            let store = inner.store.describe();
            let mut written: Vec<&str> = Vec::new();
            let undo = |written: &[&str]| {
                for key in written {
                    if let Err(e) = inner.store.delete(&service, key) {
                        tracing::warn!(vendor = %slug, field = %key, error = %e, "could not undo a keychain write");
                    }
                }
            };
            for (key, value) in &creds.secrets {
                let label = labels.get(key).map(String::as_str).unwrap_or(key);
                let label = match inner.namespace.as_str() {
                    "switchboard" => label.to_owned(),
                    ns => format!("{label} ({ns})"),
                };
                if let Err(e) = inner.store.set(&service, key, &label, value) {
                    undo(&written);
                    return Err(VaultError::from_store(&store, key, e));
                }
                written.push(key);
            }
            for key in all_secret_keys.iter().filter(|k| !creds.secrets.contains_key(*k)) {
                if let Err(e) = inner.store.delete(&service, key) {
                    undo(&written);
                    return Err(VaultError::from_store(&store, key, e));
                }
            }
            idx.version = index::INDEX_VERSION;
            idx.vendors.insert(
                slug.clone(),
                ConnectionRecord {
                    connected_at: crate::time::now_rfc3339(),
                    fields: creds.plain.clone(),
                    secret_fields: creds.secrets.keys().cloned().collect(),
                    keychain_service: service.clone(),
                    last_probe: probe,
                },
            );
            if let Err(e) = index::write(&inner.index_path, &idx) {
                undo(&written);
                return Err(e.into());
            }
            Ok(())
        })
        .await
    }

    /// Loads a connected vendor's credentials from the index and the keychain.
    pub async fn load(&self, vendor: &Vendor) -> Result<Credentials, VaultError> {
        let slug = vendor.slug.clone();
        self.blocking(move |inner| {
            let idx = index::read(&inner.index_path)?;
            let record = idx
                .vendors
                .get(&slug)
                .ok_or_else(|| VaultError::NotConnected { slug: slug.clone() })?;
            let store = inner.store.describe();
            let mut creds = Credentials {
                plain: record.fields.clone(),
                secrets: BTreeMap::new(),
            };
            for key in &record.secret_fields {
                match inner.store.get(&record.keychain_service, key) {
                    Ok(Some(value)) => {
                        creds.secrets.insert(key.clone(), value);
                    }
                    Ok(None) => {
                        return Err(VaultError::SecretMissing {
                            slug: slug.clone(),
                            field: key.clone(),
                        });
                    }
                    Err(e) => return Err(VaultError::from_store(&store, key, e)),
                }
            }
            Ok(creds)
        })
        .await
    }

    /// Deletes every keychain item the vendor may have (the catalog's secret fields and
    /// any the index lists) and its index entry.
    pub async fn remove(&self, vendor: &Vendor) -> Result<Removed, VaultError> {
        let slug = vendor.slug.clone();
        let mut keys: Vec<String> = vendor.secret_fields().map(|f| f.key.clone()).collect();
        self.blocking(move |inner| {
            let _lock = index::lock(&inner.index_path)?;
            let mut idx = index::read(&inner.index_path)?;
            let record = idx.vendors.get(&slug).cloned();
            let mut services = vec![inner.namespace.service(&slug)];
            if let Some(record) = &record {
                keys.extend(record.secret_fields.iter().cloned());
                if !services.contains(&record.keychain_service) {
                    services.push(record.keychain_service.clone());
                }
            }
            keys.sort();
            keys.dedup();
            let store = inner.store.describe();
            let mut deleted = 0;
            for service in &services {
                for key in &keys {
                    match inner.store.delete(service, key) {
                        Ok(true) => deleted += 1,
                        Ok(false) => {}
                        Err(e) => return Err(VaultError::from_store(&store, key, e)),
                    }
                }
            }
            if record.is_some() {
                idx.vendors.remove(&slug);
                index::write(&inner.index_path, &idx)?;
            }
            Ok(Removed {
                was_indexed: record.is_some(),
                keychain_items: deleted,
            })
        })
        .await
    }

    /// Records a probe outcome for a connected vendor.
    pub async fn record_probe(&self, slug: &str, probe: ProbeRecord) -> Result<(), VaultError> {
        let slug = slug.to_owned();
        self.blocking(move |inner| {
            let _lock = index::lock(&inner.index_path)?;
            let mut idx = index::read(&inner.index_path)?;
            match idx.vendors.get_mut(&slug) {
                Some(record) => record.last_probe = Some(probe),
                None => return Err(VaultError::NotConnected { slug }),
            }
            index::write(&inner.index_path, &idx)?;
            Ok(())
        })
        .await
    }

    /// Writes several items of one keychain service (`<namespace>:<owner>`), in order,
    /// each replacing the item of that name. Used for what is not a vendor's
    /// connection (the team sign-in's tokens and client secret).
    pub async fn set_items(
        &self,
        owner: &str,
        items: Vec<(&'static str, String, Secret<String>)>,
    ) -> Result<(), VaultError> {
        let owner = owner.to_owned();
        self.blocking(move |inner| {
            let service = inner.namespace.service(&owner);
            let store = inner.store.describe();
            for (account, label, value) in &items {
                let label = match inner.namespace.as_str() {
                    "switchboard" => label.clone(),
                    ns => format!("{label} ({ns})"),
                };
                inner
                    .store
                    .set(&service, account, &label, value)
                    .map_err(|e| VaultError::from_store(&store, account, e))?;
            }
            Ok(())
        })
        .await
    }

    /// Reads items of one keychain service; a missing item is `None`.
    pub async fn get_items(
        &self,
        owner: &str,
        accounts: &[&'static str],
    ) -> Result<Vec<Option<Secret<String>>>, VaultError> {
        let owner = owner.to_owned();
        let accounts = accounts.to_vec();
        self.blocking(move |inner| {
            let service = inner.namespace.service(&owner);
            let store = inner.store.describe();
            accounts
                .iter()
                .map(|account| {
                    inner
                        .store
                        .get(&service, account)
                        .map_err(|e| VaultError::from_store(&store, account, e))
                })
                .collect()
        })
        .await
    }

    /// Deletes items of one keychain service; returns how many were there.
    pub async fn delete_items(
        &self,
        owner: &str,
        accounts: &[&'static str],
    ) -> Result<usize, VaultError> {
        let owner = owner.to_owned();
        let accounts = accounts.to_vec();
        self.blocking(move |inner| {
            let service = inner.namespace.service(&owner);
            let store = inner.store.describe();
            let mut deleted = 0;
            for account in &accounts {
                if inner
                    .store
                    .delete(&service, account)
                    .map_err(|e| VaultError::from_store(&store, account, e))?
                {
                    deleted += 1;
                }
            }
            Ok(deleted)
        })
        .await
    }

    /// Proves the keychain works end to end: writes, reads back and deletes a canary
    /// item in this namespace.
    pub async fn check_keychain(&self) -> Result<(), VaultError> {
        self.blocking(|inner| {
            let service = inner.namespace.service("doctor");
            let store = inner.store.describe();
            let canary = Secret::new(format!("canary-{}", std::process::id()));
            let label = format!("Switchboard keychain check ({})", inner.namespace.as_str());
            inner
                .store
                .set(&service, "canary", &label, &canary)
                .map_err(|e| VaultError::from_store(&store, "canary", e))?;
            let back = inner
                .store
                .get(&service, "canary")
                .map_err(|e| VaultError::from_store(&store, "canary", e))?;
            inner
                .store
                .delete(&service, "canary")
                .map_err(|e| VaultError::from_store(&store, "canary", e))?;
            match back {
                Some(v) if v.expose() == canary.expose() => Ok(()),
                _ => Err(VaultError::Keychain {
                    detail: "an item written could not be read back".into(),
                }),
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests;
