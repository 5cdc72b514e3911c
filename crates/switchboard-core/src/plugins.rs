//! Companion plugins: the Claude Code plugin (skills and slash commands) that goes
//! with each vendor's MCP server, enabled by editing a Claude Code settings file.
//!
//! Enabling adds the plugins' marketplace under `extraKnownMarketplaces` (unless the
//! file already names one by that name) and `"<plugin>@<marketplace>": true` under
//! `enabledPlugins`. Disabling removes those plugin keys (and the older names of the
//! same plugins), then the marketplace entry when it is exactly the one Switchboard
//! writes and no plugin of it is left enabled. The file is edited by the rules of
//! [`crate::clients`]: parsed first, refused when it is not strict JSON, only these keys
//! touched, locked, backed up and written atomically.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};

use crate::clients::{self, ClientError, Context, Document, EditError, Member, Target};
use crate::code::{Coded, ErrorCode, Surface};

pub const MARKETPLACES_KEY: &str = "extraKnownMarketplaces";
pub const ENABLED_KEY: &str = "enabledPlugins";

/// The vendors' public marketplace: its `marketplace.json` name and its repository.
pub const DEFAULT_MARKETPLACE_NAME: &str = "msp-claude-plugins";
pub const DEFAULT_MARKETPLACE_REPO: &str = "wyre-technology/msp-claude-plugins";

/// Plugins renamed in the public marketplace: (current, older). Settings written
/// before the rename still count as enabled, and disabling removes them too.
pub const RENAMED: &[(&str, &str)] = &[
    ("itglue", "it-glue"),
    ("ninjaone", "ninjaone-rmm"),
    ("avanan", "checkpoint-avanan"),
];

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PluginError {
    #[error("`{0}` is not a marketplace name: use lower-case letters, digits and `-`")]
    BadName(String),
    #[error(
        "`{0}` is not a marketplace source: give `owner/repo` (GitHub), a git or https URL, or an absolute folder path"
    )]
    BadSource(String),
    #[error("a marketplace of your own needs both its name and its source")]
    Incomplete,
    #[error("{vendor} has no companion plugin")]
    NoPlugin { vendor: String },
    #[error(transparent)]
    File(#[from] ClientError),
}

impl Coded for PluginError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::BadName(_) | Self::BadSource(_) | Self::Incomplete => ErrorCode::InvalidField,
            Self::NoPlugin { .. } => ErrorCode::Unsupported,
            Self::File(e) => e.code(),
        }
    }

    fn hint_for(&self, surface: Surface) -> Option<String> {
        match self {
            Self::File(e) => e.hint_for(surface),
            Self::Incomplete | Self::BadName(_) | Self::BadSource(_) => Some(match surface {
                Surface::Cli => "set both `marketplace_name` and `marketplace` under `[plugins]` in config.toml, or neither".into(),
                Surface::Window => "fill in both the marketplace's name and its source on the Settings page, or neither".into(),
            }),
            Self::NoPlugin { .. } => None,
        }
    }
}

/// Where the plugins come from: the name in the marketplace's `marketplace.json`
/// (the part after `@` in a plugin id) and its source, as Claude Code spells it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Marketplace {
    pub name: String,
    pub source: Value,
    /// The public marketplace (false: one the MSP named).
    pub public: bool,
}

impl Default for Marketplace {
    fn default() -> Self {
        Self {
            name: DEFAULT_MARKETPLACE_NAME.to_owned(),
            source: json!({"source": "github", "repo": DEFAULT_MARKETPLACE_REPO}),
            public: true,
        }
    }
}

impl Marketplace {
    /// The marketplace from the settings: the public one when neither is set.
    pub fn from_settings(name: Option<&str>, source: Option<&str>) -> Result<Self, PluginError> {
        let (name, source) = match (
            name.map(str::trim).filter(|s| !s.is_empty()),
            source.map(str::trim).filter(|s| !s.is_empty()),
        ) {
            (None, None) => return Ok(Self::default()),
            (Some(n), Some(s)) => (n, s),
            _ => return Err(PluginError::Incomplete),
        };
        if !crate::catalog::validate::is_slug(name) {
            return Err(PluginError::BadName(name.to_owned()));
        }
        Ok(Self {
            name: name.to_owned(),
            source: parse_source(source)?,
            public: false,
        })
    }

    /// `<plugin>@<marketplace>`, the key under `enabledPlugins`.
    pub fn id(&self, plugin: &str) -> String {
        format!("{plugin}@{}", self.name)
    }

    /// Every id a plugin may be enabled under: its own, and its older names in the
    /// public marketplace.
    fn ids(&self, plugin: &str) -> Vec<String> {
        let mut ids = vec![self.id(plugin)];
        if self.public {
            ids.extend(
                RENAMED
                    .iter()
                    .filter(|(now, _)| *now == plugin)
                    .map(|(_, old)| self.id(old)),
            );
        }
        ids
    }

    fn entry(&self) -> Value {
        json!({ "source": self.source })
    }
}

/// A marketplace source as Claude Code's settings spell it.
fn parse_source(s: &str) -> Result<Value, PluginError> {
    let bad = || PluginError::BadSource(s.to_owned());
    if s.starts_with("https://") || s.starts_with("http://") {
        url::Url::parse(s).map_err(|_| bad())?;
        return Ok(if s.ends_with(".json") {
            json!({"source": "url", "url": s})
        } else {
            json!({"source": "git", "url": s})
        });
    }
    if s.starts_with("git@") || s.starts_with("ssh://") {
        return Ok(json!({"source": "git", "url": s}));
    }
    if Path::new(s).is_absolute() {
        return Ok(json!({"source": "directory", "path": s}));
    }
    let repo_part = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    };
    match s.split_once('/') {
        Some((owner, repo)) if repo_part(owner) && repo_part(repo) => {
            Ok(json!({"source": "github", "repo": s}))
        }
        _ => Err(bad()),
    }
}

/// Which settings file: the user's, or a project's (shared with its repository).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "dir", rename_all = "snake_case")]
pub enum Scope {
    User,
    Project(PathBuf),
}

impl Scope {
    pub fn settings_path(&self, home: &Path) -> PathBuf {
        match self {
            Self::User => home.join(".claude").join("settings.json"),
            Self::Project(dir) => dir.join(".claude").join("settings.json"),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Self::User => "user".into(),
            Self::Project(dir) => format!("project {}", dir.display()),
        }
    }
}

/// Whether `plugin` is enabled in a parsed settings file (under any of its ids).
pub fn is_enabled(doc: &Document, marketplace: &Marketplace, plugin: &str) -> bool {
    marketplace
        .ids(plugin)
        .iter()
        .any(|id| doc.member(ENABLED_KEY, id) == Some(&Value::Bool(true)))
}

/// Reads a settings file for [`is_enabled`]: `Ok(None)` when there is none.
pub fn read(path: &Path) -> Result<Option<Document>, EditError> {
    match std::fs::read(path) {
        Ok(bytes) => Document::parse(&bytes).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(EditError::Unsafe(e.to_string())),
    }
}

/// What an enable or disable did to one settings file.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub path: PathBuf,
    pub dry_run: bool,
    /// Plugin ids added to (or, disabling, removed from) `enabledPlugins`.
    pub plugins: Vec<String>,
    /// The marketplace entry was added (or removed).
    pub marketplace: bool,
    pub diff: String,
    pub backup: Option<PathBuf>,
    pub warnings: Vec<String>,
}

const TARGET_LABEL: &str = "Claude Code's settings";

fn target(path: &Path) -> Target<'_> {
    Target {
        label: TARGET_LABEL,
        slug: "claude-code-settings",
        path,
    }
}

/// Enables `plugins` of `marketplace` in the settings file at `path`.
pub fn enable(
    ctx: &Context<'_>,
    path: &Path,
    marketplace: &Marketplace,
    plugins: &[&str],
    dry_run: bool,
) -> Result<Change, PluginError> {
    let edited = clients::edit_file(ctx, &target(path), dry_run, |doc| {
        let mut members = Vec::new();
        let mut warnings = Vec::new();
        let mut added_marketplace = false;
        match doc.member(MARKETPLACES_KEY, &marketplace.name) {
            None => {
                members.push(Member {
                    section: MARKETPLACES_KEY,
                    key: &marketplace.name,
                    value: Some(marketplace.entry()),
                });
                added_marketplace = true;
            }
            Some(theirs) if theirs.get("source") != Some(&marketplace.source) => {
                warnings.push(format!(
                    "the file already names a marketplace `{}` with another source; it is kept as it is",
                    marketplace.name
                ));
            }
            Some(_) => {}
        }
        let ids: Vec<String> = plugins
            .iter()
            .filter(|p| !is_enabled(doc, marketplace, p))
            .map(|p| marketplace.id(p))
            .collect();
        for id in &ids {
            members.push(Member {
                section: ENABLED_KEY,
                key: id,
                value: Some(Value::Bool(true)),
            });
        }
        let text = doc.with_members(&members)?;
        Ok((text, (ids, added_marketplace, warnings)))
    })?;
    let (plugins, marketplace, warnings) = edited.extra;
    Ok(Change {
        path: edited.path,
        dry_run,
        plugins,
        marketplace,
        diff: edited.diff,
        backup: edited.backup,
        warnings,
    })
}

/// Disables `plugins` (under every id they may have) in the settings file at `path`,
/// and takes the marketplace out when it is Switchboard's entry and nothing of it is
/// left enabled.
pub fn disable(
    ctx: &Context<'_>,
    path: &Path,
    marketplace: &Marketplace,
    plugins: &[&str],
    dry_run: bool,
) -> Result<Change, PluginError> {
    if !path.exists() {
        return Ok(Change {
            path: path.to_owned(),
            dry_run,
            plugins: Vec::new(),
            marketplace: false,
            diff: String::new(),
            backup: None,
            warnings: Vec::new(),
        });
    }
    let edited = clients::edit_file(ctx, &target(path), dry_run, |doc| {
        let ids: Vec<String> = plugins
            .iter()
            .flat_map(|p| marketplace.ids(p))
            .filter(|id| doc.member(ENABLED_KEY, id).is_some())
            .collect();
        let mut members: Vec<Member<'_>> = ids
            .iter()
            .map(|id| Member {
                section: ENABLED_KEY,
                key: id,
                value: None,
            })
            .collect();
        let suffix = format!("@{}", marketplace.name);
        let others_left = doc
            .value
            .get(ENABLED_KEY)
            .and_then(Value::as_object)
            .is_some_and(|all| all.keys().any(|k| k.ends_with(&suffix) && !ids.contains(k)));
        let ours = doc.member(MARKETPLACES_KEY, &marketplace.name) == Some(&marketplace.entry());
        let remove_marketplace = ours && !others_left;
        if remove_marketplace {
            members.push(Member {
                section: MARKETPLACES_KEY,
                key: &marketplace.name,
                value: None,
            });
        }
        let text = doc.with_members(&members)?;
        Ok((text, (ids, remove_marketplace)))
    })?;
    let (plugins, marketplace) = edited.extra;
    Ok(Change {
        path: edited.path,
        dry_run,
        plugins,
        marketplace,
        diff: edited.diff,
        backup: edited.backup,
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::ProcessList;

    struct NoProcesses;
    impl ProcessList for NoProcesses {
        fn running(&self, _names: &[&str]) -> Vec<String> {
            Vec::new()
        }
    }

    #[test]
    fn sources_are_spelled_the_way_claude_code_reads_them() {
        let m = |s| parse_source(s).unwrap();
        assert_eq!(
            m("acme/msp-plugins"),
            json!({"source": "github", "repo": "acme/msp-plugins"})
        );
        assert_eq!(
            m("https://git.acme.example/msp/plugins.git"),
            json!({"source": "git", "url": "https://git.acme.example/msp/plugins.git"})
        );
        assert_eq!(
            m("https://acme.example/marketplace.json"),
            json!({"source": "url", "url": "https://acme.example/marketplace.json"})
        );
        assert_eq!(
            m("/srv/plugins"),
            json!({"source": "directory", "path": "/srv/plugins"})
        );
        assert!(parse_source("not a source").is_err());
        assert!(matches!(
            Marketplace::from_settings(Some("acme"), None),
            Err(PluginError::Incomplete)
        ));
        assert!(matches!(
            Marketplace::from_settings(Some("Acme Plugins"), Some("acme/p")),
            Err(PluginError::BadName(_))
        ));
        assert_eq!(
            Marketplace::from_settings(None, Some(" ")).unwrap(),
            Marketplace::default()
        );
    }

    #[test]
    fn enable_then_disable_round_trips_to_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let (backups, locks) = (dir.path().join("b"), dir.path().join("l"));
        let ctx = Context {
            backups: &backups,
            locks: &locks,
            processes: &NoProcesses,
        };
        let path = dir.path().join("settings.json");
        let original = "{\n  \"model\": \"opus\",\n  \"permissions\": {\"allow\": [\"Bash(ls)\"]},\n  \"enabledPlugins\": {\"other@elsewhere\": true}\n}\n";
        std::fs::write(&path, original).unwrap();
        let m = Marketplace::default();
        let on = enable(&ctx, &path, &m, &["hudu", "itglue"], false).unwrap();
        assert_eq!(
            on.plugins,
            ["hudu@msp-claude-plugins", "itglue@msp-claude-plugins"]
        );
        assert!(on.marketplace);
        assert_eq!(
            std::fs::read_to_string(on.backup.unwrap()).unwrap(),
            original
        );
        let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(v["model"], "opus");
        assert_eq!(v["enabledPlugins"]["other@elsewhere"], true);
        assert_eq!(v["enabledPlugins"]["hudu@msp-claude-plugins"], true);
        assert_eq!(
            v["extraKnownMarketplaces"]["msp-claude-plugins"]["source"]["repo"],
            DEFAULT_MARKETPLACE_REPO
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(
                "{\n  \"model\": \"opus\",\n  \"permissions\": {\"allow\": [\"Bash(ls)\"]},"
            ),
            "{text}"
        );
        let again = enable(&ctx, &path, &m, &["hudu"], false).unwrap();
        assert!(
            again.plugins.is_empty() && again.diff.is_empty(),
            "idempotent"
        );

        let off = disable(&ctx, &path, &m, &["hudu"], false).unwrap();
        assert_eq!(off.plugins, ["hudu@msp-claude-plugins"]);
        assert!(!off.marketplace, "itglue still needs it");
        let off = disable(&ctx, &path, &m, &["itglue"], false).unwrap();
        assert!(off.marketplace);
        let back: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let mut expected: Value = serde_json::from_str(original).unwrap();
        expected["extraKnownMarketplaces"] = json!({});
        assert_eq!(back, expected, "only our keys came and went");
    }

    #[test]
    fn an_older_name_counts_and_a_foreign_marketplace_entry_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (backups, locks) = (dir.path().join("b"), dir.path().join("l"));
        let ctx = Context {
            backups: &backups,
            locks: &locks,
            processes: &NoProcesses,
        };
        let path = dir.path().join("settings.json");
        let theirs = json!({
            "extraKnownMarketplaces": {"msp-claude-plugins": {"source": {"source": "github", "repo": "fork/msp-claude-plugins"}}},
            "enabledPlugins": {"it-glue@msp-claude-plugins": true}
        });
        std::fs::write(&path, serde_json::to_string_pretty(&theirs).unwrap()).unwrap();
        let m = Marketplace::default();
        let doc = read(&path).unwrap().unwrap();
        assert!(is_enabled(&doc, &m, "itglue"), "the older id counts");
        let on = enable(&ctx, &path, &m, &["itglue", "hudu"], false).unwrap();
        assert_eq!(on.plugins, ["hudu@msp-claude-plugins"]);
        assert!(!on.marketplace);
        assert!(
            on.warnings[0].contains("another source"),
            "{:?}",
            on.warnings
        );
        let off = disable(&ctx, &path, &m, &["itglue", "hudu"], false).unwrap();
        assert_eq!(
            off.plugins,
            ["it-glue@msp-claude-plugins", "hudu@msp-claude-plugins"]
        );
        assert!(!off.marketplace, "not ours to remove");
        let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            v["extraKnownMarketplaces"],
            theirs["extraKnownMarketplaces"]
        );
    }

    #[test]
    fn a_file_that_is_not_json_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let (backups, locks) = (dir.path().join("b"), dir.path().join("l"));
        let ctx = Context {
            backups: &backups,
            locks: &locks,
            processes: &NoProcesses,
        };
        let path = dir.path().join("settings.json");
        for broken in [
            &b"{\"model\": \"opus\",}"[..],
            b"[1, 2]",
            b"{\"enabledPlugins\": [\"hudu@msp-claude-plugins\"]}",
        ] {
            std::fs::write(&path, broken).unwrap();
            let err = enable(&ctx, &path, &Marketplace::default(), &["hudu"], false).unwrap_err();
            assert_eq!(err.code(), ErrorCode::ClientConfigInvalid, "{err}");
            assert!(err.to_string().contains("left untouched"), "{err}");
            assert_eq!(std::fs::read(&path).unwrap(), broken);
        }
        assert!(
            !backups.exists(),
            "nothing was backed up: nothing was written"
        );
    }
}
