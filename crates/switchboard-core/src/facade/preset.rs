//! The MSP preset, checked against this computer's catalog.

use std::path::Path;

use super::Switchboard;
use crate::error::Result;
use crate::preset::{self, Found, Preset};

impl Switchboard {
    /// The preset in force: where it was looked for, and what came of it.
    pub fn preset(&self) -> Found {
        preset::load(&|slug| self.catalog().fields_of(slug))
    }

    /// Checks the preset file at `path` as Switchboard would read it.
    pub fn check_preset(&self, path: &Path) -> Result<Preset> {
        Ok(preset::read(path, &|slug| self.catalog().fields_of(slug))?)
    }
}
