//! A vendor's field values, as they travel from a form or the keychain to a probe or a
//! server: plain values, and secrets that only ever live in a [`Secret`].
//!
//! A plain value bag at the bottom of the crate: the vault fills it, the connect
//! rules build it, probes and servers read it.

use std::collections::BTreeMap;

use crate::secret::Secret;

/// A vendor's field values: plain ones, and secrets that only ever live in a `Secret`.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub plain: BTreeMap<String, String>,
    pub secrets: BTreeMap<String, Secret<String>>,
}

impl Credentials {
    /// Builds credentials from (key, value) pairs; handy in tests and examples.
    pub fn from_pairs(plain: &[(&str, &str)], secrets: &[(&str, &str)]) -> Self {
        Self {
            plain: plain
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            secrets: secrets
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Secret::from(*v)))
                .collect(),
        }
    }

    /// The value of a field, plain or secret, if set and non-empty.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.plain
            .get(key)
            .map(String::as_str)
            .or_else(|| self.secrets.get(key).map(|s| s.expose().as_str()))
            .filter(|v| !v.is_empty())
    }
}
