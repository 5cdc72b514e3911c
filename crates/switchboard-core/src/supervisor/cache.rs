//! The per-vendor cache of what a server offers (`<cache>/tools/<slug>.json`), so that
//! `tools/list` is answered without starting anything.
//!
//! An entry is valid for one launch spec (its key). It records the server's name and
//! version; every start refreshes it, and a change is announced as `list_changed`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const CACHE_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    pub version: u32,
    /// The launch spec this was fetched with.
    pub key: String,
    pub server_name: String,
    pub server_version: String,
    pub protocol_version: String,
    #[serde(default)]
    pub instructions: Option<String>,
    #[serde(default)]
    pub tools: Vec<Value>,
    #[serde(default)]
    pub prompts: Vec<Value>,
    #[serde(default)]
    pub resources: Vec<Value>,
    #[serde(default)]
    pub resource_templates: Vec<Value>,
    pub fetched_at: String,
}

impl Offer {
    /// Whether two offers present the same things (ignoring when they were fetched).
    pub fn same_offer(&self, other: &Self) -> bool {
        self.tools == other.tools
            && self.prompts == other.prompts
            && self.resources == other.resources
            && self.resource_templates == other.resource_templates
    }
}

pub fn path(cache_dir: &Path, slug: &str) -> PathBuf {
    cache_dir.join("tools").join(format!("{slug}.json"))
}

/// The cached offer for `key`, if there is a readable one.
pub fn load(cache_dir: &Path, slug: &str, key: &str) -> Option<Offer> {
    let bytes = std::fs::read(path(cache_dir, slug)).ok()?;
    let offer: Offer = match serde_json::from_slice(&bytes) {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!(vendor = slug, error = %e, "ignoring an unreadable tool cache");
            return None;
        }
    };
    (offer.version == CACHE_VERSION && offer.key == key).then_some(offer)
}

pub fn save(cache_dir: &Path, slug: &str, offer: &Offer) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(offer).expect("invariant: an offer serializes");
    crate::atomic::write_atomic(&path(cache_dir, slug), &bytes)
}

pub fn remove(cache_dir: &Path, slug: &str) {
    let _ = std::fs::remove_file(path(cache_dir, slug));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_is_only_valid_for_its_launch_key() {
        let dir = tempfile::tempdir().unwrap();
        let offer = Offer {
            version: CACHE_VERSION,
            key: "k1".into(),
            tools: vec![serde_json::json!({"name": "a"})],
            ..Offer::default()
        };
        save(dir.path(), "v", &offer).unwrap();
        assert_eq!(load(dir.path(), "v", "k1"), Some(offer));
        assert_eq!(load(dir.path(), "v", "k2"), None);
        std::fs::write(path(dir.path(), "v"), "{not json").unwrap();
        assert_eq!(load(dir.path(), "v", "k1"), None);
    }
}
