//! `<config>/config.toml`: supervisor settings, per-vendor launch overrides, and custom
//! servers. Nothing secret lives here: a custom server's secret variables are listed by
//! name only, their values are in the keychain.
//!
//! Reads go through serde. Writes edit the document in place (toml_edit), so a user's
//! comments and layout survive `switchboard vendors launch` and `servers add`. A file
//! that does not parse is reported and never rewritten.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::code::{Coded, ErrorCode, Surface, left_untouched_hint};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub supervisor: SupervisorSettings,
    /// Per-vendor settings, by slug.
    #[serde(default)]
    pub vendors: BTreeMap<String, VendorSettings>,
    /// Custom servers, by name.
    #[serde(default)]
    pub servers: BTreeMap<String, CustomServer>,
    /// The tray app's own settings.
    #[serde(default)]
    pub app: AppSettings,
    /// The hosted gateway.
    #[serde(default)]
    pub gateway: GatewaySettings,
    /// Where the vendors' companion plugins come from.
    #[serde(default)]
    pub plugins: PluginSettings,
    /// Which tools run, wait for the technician, or never run; and the audit record.
    #[serde(default)]
    pub policy: PolicySettings,
    /// The MSP preset's tool rules, which win over `policy.tools` and cannot be
    /// changed here; set from the preset, never read from the file.
    #[serde(skip)]
    pub policy_locked: Vec<crate::policy::Rule>,
}

/// `[policy]`: tool rules, the confirmation timeout and the audit record's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicySettings {
    /// Glob pattern over `vendor__tool` → `allow`, `confirm` or `deny`.
    pub tools: BTreeMap<String, crate::policy::Decision>,
    /// How long a call waits for the technician before it is denied.
    pub confirm_timeout_s: u64,
    /// Record each call's arguments (secrets redacted) in the audit record.
    pub audit_arguments: bool,
    /// Days the audit record keeps.
    pub audit_retention_days: u64,
}

impl Default for PolicySettings {
    fn default() -> Self {
        Self {
            tools: BTreeMap::new(),
            confirm_timeout_s: 120,
            audit_arguments: false,
            audit_retention_days: 90,
        }
    }
}

impl PolicySettings {
    pub fn rules(&self) -> Vec<crate::policy::Rule> {
        self.tools
            .iter()
            .map(|(pattern, decision)| crate::policy::Rule {
                pattern: pattern.clone(),
                decision: *decision,
            })
            .collect()
    }
}

/// The marketplace the companion plugins are enabled from: the vendors' public one
/// when both are unset, or an MSP's own (its `marketplace.json` name, and its source:
/// `owner/repo` on GitHub, a git or https URL, or a folder).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PluginSettings {
    pub marketplace_name: Option<String>,
    pub marketplace: Option<String>,
}

/// The hosted gateway: where it is, and a client id its administrator registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewaySettings {
    /// The gateway's address or MCP endpoint; the built-in one when unset.
    pub url: Option<String>,
    /// A pre-registered OAuth client id at `url`'s gateway, used only with that gateway
    /// (its secret, if any, is in the keychain with the sign-in); Switchboard
    /// registers itself when unset.
    pub client_id: Option<String>,
    /// How often a running gateway connection looks for newly shared vendors.
    pub relist_s: u64,
}

impl Default for GatewaySettings {
    fn default() -> Self {
        Self {
            url: None,
            client_id: None,
            relist_s: 300,
        }
    }
}

/// Where a vendor is served from, when both could serve it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pin {
    /// Locally when connected on this computer, else by the team gateway.
    #[default]
    Auto,
    /// Only with this computer's credentials.
    Local,
    /// Only by the team gateway.
    Gateway,
}

impl Pin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Local => "local",
            Self::Gateway => "gateway",
        }
    }
}

/// Settings of the tray app that are not the supervisor's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppSettings {
    /// Where "Check for updates" looks; the built-in endpoint when unset.
    pub update_endpoint: Option<String>,
    /// The release channel of the built-in endpoint (`stable`, `beta`); a custom
    /// `update_endpoint` names its own.
    pub update_channel: Option<String>,
    /// Look for a new version once a day (it is only ever installed on a click).
    pub check_updates_daily: bool,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            update_endpoint: None,
            update_channel: None,
            check_updates_daily: true,
        }
    }
}

/// How much the daemon logs (its file and stderr). `SWITCHBOARD_LOG` overrides it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warn => "warn",
            Self::Info => "info",
            Self::Debug => "debug",
            Self::Trace => "trace",
        }
    }

    /// The `EnvFilter` directive: this level for Switchboard, warnings for libraries.
    pub fn filter(self) -> String {
        let own = self.as_str();
        let libs = match self {
            Self::Error => "error",
            _ => "warn",
        };
        format!("{libs},switchboard_core={own},switchboard={own}")
    }
}

/// How the daemon runs vendor servers. Every field has a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupervisorSettings {
    /// Stop a vendor's server after this long without calls.
    pub idle_timeout_s: u64,
    /// Give up on one call after this long.
    pub call_timeout_s: u64,
    /// Give up on a server that has not finished `initialize` after this long
    /// (generous: `npx` may download the package first).
    pub start_timeout_s: u64,
    /// A message from a server longer than this is garbage; the server is restarted.
    pub max_message_bytes: usize,
    /// After this many crashes in a row, the vendor is marked failed.
    pub crash_limit: u32,
    /// A server that ran this long counts as stable; its crash count starts over.
    pub stable_after_s: u64,
    /// The first restart waits this long; each further crash doubles it.
    pub backoff_initial_ms: u64,
    pub backoff_max_s: u64,
    /// After asking a server to stop (stdin closed), wait this long before killing it.
    pub shutdown_grace_ms: u64,
    /// Bridges offer two tools (search and call) instead of every vendor tool, as if
    /// each had been started with `--compact`.
    pub compact: bool,
    pub log_level: LogLevel,
}

impl Default for SupervisorSettings {
    fn default() -> Self {
        Self {
            idle_timeout_s: 600,
            call_timeout_s: 120,
            start_timeout_s: 120,
            max_message_bytes: 16 * 1024 * 1024,
            crash_limit: 5,
            stable_after_s: 60,
            backoff_initial_ms: 500,
            backoff_max_s: 30,
            shutdown_grace_ms: 3000,
            compact: false,
            log_level: LogLevel::Info,
        }
    }
}

impl SupervisorSettings {
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_s)
    }
    pub fn call_timeout(&self) -> Duration {
        Duration::from_secs(self.call_timeout_s)
    }
    pub fn start_timeout(&self) -> Duration {
        Duration::from_secs(self.start_timeout_s)
    }
    pub fn stable_after(&self) -> Duration {
        Duration::from_secs(self.stable_after_s)
    }
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_millis(self.shutdown_grace_ms)
    }
    /// The wait before restart number `crashes` (1 = first crash).
    pub fn backoff(&self, crashes: u32) -> Duration {
        let factor = 2u64.saturating_pow(crashes.saturating_sub(1).min(20));
        Duration::from_millis(self.backoff_initial_ms.saturating_mul(factor))
            .min(Duration::from_secs(self.backoff_max_s))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorSettings {
    /// Replaces the catalog's launch spec.
    #[serde(default)]
    pub launch: Option<LaunchOverride>,
    /// Where the vendor is served from (`auto` when unset).
    #[serde(default)]
    pub source: Option<Pin>,
}

/// A user's own way to run a vendor's server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum LaunchOverride {
    /// A local command (stdio). The credentials are passed as the catalog's env vars.
    Command {
        command: String,
        #[serde(default)]
        args: Vec<String>,
        #[serde(default)]
        env: BTreeMap<String, String>,
    },
    /// A self-hosted server speaking streamable HTTP; credentials go as the catalog's
    /// headers (the server runs with `AUTH_MODE=gateway`).
    Http { http: String },
}

/// A server that is not in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomServer {
    pub command: String,
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Environment variables whose values are in the keychain.
    #[serde(default)]
    pub secret_env: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("`{}` is not valid: {detail}", path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error("cannot read or write `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
    /// The MSP's preset locks this setting.
    #[error("{setting} is managed by {by}; it cannot be changed here")]
    Managed { setting: String, by: String },
}

impl Coded for ConfigError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Corrupt { .. } => ErrorCode::ConfigCorrupt,
            Self::Io { .. } => ErrorCode::Io,
            Self::Invalid(_) | Self::Managed { .. } => ErrorCode::InvalidField,
        }
    }

    fn hint_for(&self, _: Surface) -> Option<String> {
        match self {
            Self::Corrupt { path, .. } => Some(left_untouched_hint(path)),
            Self::Managed { by, .. } => Some(format!(
                "ask {by} to change it; `switchboard preset show` says where the preset is"
            )),
            _ => None,
        }
    }
}

impl Config {
    /// Where `slug` is pinned to be served from.
    pub fn pin(&self, slug: &str) -> Pin {
        self.vendors
            .get(slug)
            .and_then(|v| v.source)
            .unwrap_or_default()
    }

    /// Reads the file; a missing file is the default configuration.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match fs_err::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| ConfigError::Corrupt {
                path: path.to_owned(),
                detail: e.message().to_owned(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ConfigError::Io {
                path: path.to_owned(),
                source,
            }),
        }
    }
}

/// Edits the file in place under a lock: `change` gets the document; the result is
/// checked to still parse as a `Config` before it is written atomically.
pub fn edit(
    path: &Path,
    change: impl FnOnce(&mut toml_edit::DocumentMut) -> Result<(), ConfigError>,
) -> Result<Config, ConfigError> {
    let io = |source| ConfigError::Io {
        path: path.to_owned(),
        source,
    };
    let _lock = crate::atomic::lock_file(&path.with_extension("toml.lock")).map_err(io)?;
    let text = match fs_err::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => return Err(io(source)),
    };
    // Refuse to touch a file that does not parse, before changing anything.
    Config::load(path)?;
    let mut doc: toml_edit::DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| ConfigError::Corrupt {
                path: path.to_owned(),
                detail: e.message().to_owned(),
            })?;
    change(&mut doc)?;
    let new_text = doc.to_string();
    let config: Config = toml::from_str(&new_text).map_err(|e| {
        ConfigError::Invalid(format!(
            "the change would make the configuration invalid: {}",
            e.message()
        ))
    })?;
    crate::atomic::write_atomic(path, new_text.as_bytes()).map_err(io)?;
    Ok(config)
}

/// `table.key` as a table, created (implicit) when missing.
pub fn table<'a>(doc: &'a mut toml_edit::DocumentMut, path: &[&str]) -> &'a mut toml_edit::Table {
    let mut t = doc.as_table_mut();
    for key in path {
        let item = t.entry(key).or_insert_with(|| {
            let mut new = toml_edit::Table::new();
            new.set_implicit(true);
            toml_edit::Item::Table(new)
        });
        t = item
            .as_table_mut()
            .expect("invariant: config sections are tables");
    }
    t
}

pub fn string_array(items: &[String]) -> toml_edit::Item {
    let mut a = toml_edit::Array::new();
    for s in items {
        a.push(s.as_str());
    }
    toml_edit::value(a)
}

pub fn string_map(items: &BTreeMap<String, String>) -> toml_edit::Item {
    let mut t = toml_edit::InlineTable::new();
    for (k, v) in items {
        t.insert(k, v.as_str().into());
    }
    toml_edit::value(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_backoff() {
        let s = SupervisorSettings::default();
        assert_eq!(s.idle_timeout(), Duration::from_secs(600));
        assert_eq!(s.backoff(1), Duration::from_millis(500));
        assert_eq!(s.backoff(2), Duration::from_millis(1000));
        assert_eq!(s.backoff(4), Duration::from_millis(4000));
        assert_eq!(s.backoff(30), Duration::from_secs(30));
    }

    #[test]
    fn edits_keep_comments_and_a_corrupt_file_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "# my notes\n[supervisor]\nidle_timeout_s = 30 # short\n",
        )
        .unwrap();
        let config = edit(&path, |doc| {
            let t = table(doc, &["vendors", "hudu", "launch"]);
            t.insert("http", toml_edit::value("http://127.0.0.1:8080/mcp"));
            Ok(())
        })
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("# my notes") && text.contains("# short"),
            "{text}"
        );
        assert_eq!(config.supervisor.idle_timeout_s, 30);
        assert_eq!(
            config.vendors["hudu"].launch,
            Some(LaunchOverride::Http {
                http: "http://127.0.0.1:8080/mcp".into()
            })
        );

        std::fs::write(&path, "[supervisor\n").unwrap();
        let err = edit(&path, |_| Ok(())).unwrap_err();
        assert_eq!(err.code(), ErrorCode::ConfigCorrupt);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[supervisor\n");
    }

    #[test]
    fn unknown_keys_are_errors_not_silently_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[supervisor]\nidle_timeout = 5\n").unwrap();
        assert_eq!(
            Config::load(&path).unwrap_err().code(),
            ErrorCode::ConfigCorrupt
        );
    }
}
