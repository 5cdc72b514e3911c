//! `MemoryStore`: an in-memory `SecretStore` for unit tests, with injectable failures.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::store::{SecretStore, StoreError};
use crate::secret::Secret;

#[derive(Default)]
pub struct MemoryStore {
    items: Mutex<BTreeMap<(String, String), Secret<String>>>,
    failure: Mutex<Option<StoreError>>,
    /// `set` fails after this many more successful sets (for rollback tests).
    fail_sets_after: Mutex<Option<(usize, StoreError)>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every later call fails with `error` (a locked keychain, say).
    pub fn fail_with(&self, error: StoreError) {
        *self.failure.lock().expect("lock") = Some(error);
    }

    /// The next `n` calls to `set` succeed; later ones fail with `error`. Other
    /// calls keep working (a value too large for the platform, say).
    pub fn fail_sets_after(&self, n: usize, error: StoreError) {
        *self.fail_sets_after.lock().expect("lock") = Some((n, error));
    }

    pub fn heal(&self) {
        *self.failure.lock().expect("lock") = None;
        *self.fail_sets_after.lock().expect("lock") = None;
    }

    /// (service, account) of every item, sorted.
    pub fn keys(&self) -> Vec<(String, String)> {
        self.items.lock().expect("lock").keys().cloned().collect()
    }

    fn check(&self) -> Result<(), StoreError> {
        match self.failure.lock().expect("lock").clone() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn check_set(&self) -> Result<(), StoreError> {
        self.check()?;
        match self.fail_sets_after.lock().expect("lock").as_mut() {
            Some((0, error)) => Err(error.clone()),
            Some((n, _)) => {
                *n -= 1;
                Ok(())
            }
            None => Ok(()),
        }
    }
}

impl SecretStore for MemoryStore {
    fn describe(&self) -> String {
        "in-memory store".to_owned()
    }

    fn set(
        &self,
        service: &str,
        account: &str,
        _label: &str,
        value: &Secret<String>,
    ) -> Result<(), StoreError> {
        self.check_set()?;
        self.items
            .lock()
            .expect("lock")
            .insert((service.to_owned(), account.to_owned()), value.clone());
        Ok(())
    }

    fn get(&self, service: &str, account: &str) -> Result<Option<Secret<String>>, StoreError> {
        self.check()?;
        Ok(self
            .items
            .lock()
            .expect("lock")
            .get(&(service.to_owned(), account.to_owned()))
            .cloned())
    }

    fn delete(&self, service: &str, account: &str) -> Result<bool, StoreError> {
        self.check()?;
        Ok(self
            .items
            .lock()
            .expect("lock")
            .remove(&(service.to_owned(), account.to_owned()))
            .is_some())
    }
}
