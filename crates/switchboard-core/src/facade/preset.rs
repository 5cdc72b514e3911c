//! The MSP preset, checked against this computer's catalog.

use std::path::Path;

use super::Switchboard;
use crate::error::Result;
use crate::preset::{self, Found, Preset};

impl Switchboard {
    /// A vendor's fields as `(key, secret)`, for checking a preset's vendor settings.
    fn preset_fields(&self, slug: &str) -> Option<Vec<(String, bool)>> {
        self.catalog()
            .get(slug)
            .ok()
            .map(|v| v.fields.iter().map(|f| (f.key.clone(), f.secret)).collect())
    }

    /// The preset in force: where it was looked for, and what came of it.
    pub fn preset(&self) -> Found {
        preset::load(&|slug| self.preset_fields(slug))
    }

    /// Checks the preset file at `path` as Switchboard would read it.
    pub fn check_preset(&self, path: &Path) -> Result<Preset> {
        Ok(preset::read(path, &|slug| self.preset_fields(slug))?)
    }
}
