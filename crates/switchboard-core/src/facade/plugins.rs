//! The facade's companion-plugin operations: which vendor's plugin is enabled where,
//! and enabling or disabling them in Claude Code's user or project settings.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::clients::ClientError;
use crate::error::Result;
use crate::plugins::{self, Change, Marketplace, PluginError, Scope};

use super::Switchboard;

/// One settings file looked at, and why it could not be read, if it could not.
#[derive(Debug, Clone, Serialize)]
pub struct SettingsFile {
    pub scope: Scope,
    pub path: PathBuf,
    pub exists: bool,
    pub problem: Option<String>,
}

/// One vendor's companion plugin.
#[derive(Debug, Clone, Serialize)]
pub struct PluginRow {
    pub vendor: String,
    pub vendor_name: String,
    pub plugin: String,
    /// `<plugin>@<marketplace>`.
    pub id: String,
    pub connected: bool,
    /// The scopes whose settings enable it.
    pub enabled_in: Vec<Scope>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PluginsReport {
    pub marketplace: Marketplace,
    pub files: Vec<SettingsFile>,
    pub plugins: Vec<PluginRow>,
}

impl Switchboard {
    /// The marketplace the settings name (the public one by default).
    pub fn plugin_marketplace(&self) -> Result<Marketplace> {
        let s = self.settings()?;
        Ok(Marketplace::from_settings(
            s.plugin_marketplace_name.as_deref(),
            s.plugin_marketplace.as_deref(),
        )?)
    }

    fn home_dir(&self) -> std::result::Result<PathBuf, ClientError> {
        if let Some(home) = &self.user_home {
            return Ok(home.clone());
        }
        directories::BaseDirs::new()
            .map(|b| b.home_dir().to_owned())
            .ok_or_else(|| ClientError::Unsupported("cannot find your home directory".into()))
    }

    fn scopes(project: Option<&Path>) -> Vec<Scope> {
        let mut scopes = vec![Scope::User];
        if let Some(dir) = project {
            scopes.push(Scope::Project(
                std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned()),
            ));
        }
        scopes
    }

    /// Every catalog vendor that has a companion plugin, and where it is enabled: the
    /// user's settings, and `project`'s when given.
    pub fn plugins(&self, project: Option<&Path>) -> Result<PluginsReport> {
        let marketplace = self.plugin_marketplace()?;
        let home = self.home_dir()?;
        let index = self.vault.index()?;
        let mut files = Vec::new();
        let mut docs = Vec::new();
        for scope in Self::scopes(project) {
            let path = scope.settings_path(&home);
            let (doc, problem) = match plugins::read(&path) {
                Ok(doc) => (doc, None),
                Err(e) => (None, Some(e.to_string())),
            };
            files.push(SettingsFile {
                scope: scope.clone(),
                exists: path.exists(),
                path,
                problem,
            });
            docs.push((scope, doc));
        }
        let rows = self
            .catalog
            .vendors()
            .filter(|v| !v.companion_plugin.is_empty())
            .map(|v| PluginRow {
                vendor: v.slug.clone(),
                vendor_name: v.name.clone(),
                plugin: v.companion_plugin.clone(),
                id: marketplace.id(&v.companion_plugin),
                connected: index.vendors.contains_key(&v.slug),
                enabled_in: docs
                    .iter()
                    .filter(|(_, doc)| {
                        doc.as_ref().is_some_and(|d| {
                            plugins::is_enabled(d, &marketplace, &v.companion_plugin)
                        })
                    })
                    .map(|(s, _)| s.clone())
                    .collect(),
            })
            .collect();
        Ok(PluginsReport {
            marketplace,
            files,
            plugins: rows,
        })
    }

    /// The plugins of `vendors` (all connected vendors' with `connected`).
    fn plugin_names(&self, vendors: &[String], connected: bool) -> Result<Vec<String>> {
        let mut slugs: Vec<String> = vendors.to_vec();
        if connected {
            slugs.extend(self.vault.index()?.vendors.keys().cloned());
        }
        let mut names = Vec::new();
        for slug in &slugs {
            let vendor = self.catalog.get(slug)?;
            if vendor.companion_plugin.is_empty() {
                return Err(PluginError::NoPlugin {
                    vendor: vendor.name.clone(),
                }
                .into());
            }
            if !names.contains(&vendor.companion_plugin) {
                names.push(vendor.companion_plugin.clone());
            }
        }
        Ok(names)
    }

    fn plugins_path(&self, project: Option<&Path>) -> Result<PathBuf> {
        let scope = match project {
            Some(dir) => Scope::Project(dir.to_owned()),
            None => Scope::User,
        };
        Ok(scope.settings_path(&self.home_dir()?))
    }

    /// Enables the companion plugins of `vendors` (and of every connected vendor with
    /// `connected`) in the user's settings, or `project`'s.
    pub fn enable_plugins(
        &self,
        vendors: &[String],
        connected: bool,
        project: Option<&Path>,
        dry_run: bool,
    ) -> Result<Change> {
        let names = self.plugin_names(vendors, connected)?;
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let marketplace = self.plugin_marketplace()?;
        let path = self.plugins_path(project)?;
        let backups = self.paths.backups_dir();
        let mut change = plugins::enable(
            &self.client_context(&backups),
            &path,
            &marketplace,
            &names,
            dry_run,
        )?;
        if project.is_some() && !change.plugins.is_empty() {
            change.warnings.push(
                "in a project, Claude Code asks each person who opens it to trust the marketplace; if the plugins do not appear, run /plugin there to install them".into(),
            );
        }
        Ok(change)
    }

    /// Disables the companion plugins of `vendors`.
    pub fn disable_plugins(
        &self,
        vendors: &[String],
        project: Option<&Path>,
        dry_run: bool,
    ) -> Result<Change> {
        let names = self.plugin_names(vendors, false)?;
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let marketplace = self.plugin_marketplace()?;
        let path = self.plugins_path(project)?;
        let backups = self.paths.backups_dir();
        Ok(plugins::disable(
            &self.client_context(&backups),
            &path,
            &marketplace,
            &names,
            dry_run,
        )?)
    }
}
