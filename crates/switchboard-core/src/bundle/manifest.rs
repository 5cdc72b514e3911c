//! The `.mcpb` manifest (`manifest.json`), as strict as the official CLI.
//!
//! The official `@anthropic-ai/mcpb` CLI validates with strict schemas: an unknown key
//! anywhere fails. We do the same with `deny_unknown_fields`, then apply the rules the
//! schema types cannot say: fields that only exist from a given `manifest_version`,
//! URL and email shapes, and the icon checks. We are stricter than the CLI in one
//! place, on purpose: a `name` must be safe to use as a folder name.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::code::{Coded, ErrorCode};

/// The versions the official CLI knows. Claude Desktop builds from late 2025 reject
/// 0.3 and newer, so we write 0.2.
pub const KNOWN_VERSIONS: [&str; 4] = ["0.1", "0.2", "0.3", "0.4"];
pub const BUILD_VERSION: &str = "0.2";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_version: Option<String>,
    /// The deprecated name of `manifest_version`, still accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dxt_version: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub version: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_description: Option<String>,
    pub author: Author,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<Repository>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screenshots: Option<Vec<String>>,
    pub server: Server,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools_generated: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts: Option<Vec<Prompt>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts_generated: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keywords: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility: Option<Compatibility>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_config: Option<IndexMap<String, UserConfigOption>>,
    /// Since 0.2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_policies: Option<Vec<String>>,
    /// Since 0.3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icons: Option<Vec<IconEntry>>,
    /// Since 0.3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localization: Option<Localization>,
    /// Since 0.3; free-form per reverse-DNS key.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Author {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repository {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    #[serde(rename = "type")]
    pub kind: ServerType,
    pub entry_point: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcp_config: Option<McpConfig>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerType {
    Node,
    Python,
    Binary,
    /// Since 0.4.
    Uv,
}

impl ServerType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Node => "node",
            Self::Python => "python",
            Self::Binary => "binary",
            Self::Uv => "uv",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpConfig {
    pub command: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Keyed by Node's `process.platform` (`win32`, `darwin`, `linux`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub platform_overrides: BTreeMap<String, PlatformOverride>,
}

/// Each present field replaces the base field wholesale (env is not merged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<BTreeMap<String, String>>,
}

impl McpConfig {
    /// The config for one platform (`process.platform` spelling), overrides applied.
    pub fn for_platform(&self, platform: &str) -> McpConfig {
        let mut out = McpConfig {
            command: self.command.clone(),
            args: self.args.clone(),
            env: self.env.clone(),
            platform_overrides: BTreeMap::new(),
        };
        if let Some(o) = self.platform_overrides.get(platform) {
            if let Some(c) = &o.command {
                out.command = c.clone();
            }
            if let Some(a) = &o.args {
                out.args = a.clone();
            }
            if let Some(e) = &o.env {
                out.env = e.clone();
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prompt {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Vec<String>>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compatibility {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claude_desktop: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platforms: Option<Vec<Platform>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtimes: Option<Runtimes>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Darwin,
    Win32,
    Linux,
}

impl Platform {
    /// The platform this binary was built for, in Node's spelling.
    pub fn host() -> Option<Self> {
        match std::env::consts::OS {
            "macos" => Some(Self::Darwin),
            "windows" => Some(Self::Win32),
            "linux" => Some(Self::Linux),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Darwin => "darwin",
            Self::Win32 => "win32",
            Self::Linux => "linux",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runtimes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfigOption {
    #[serde(rename = "type")]
    pub kind: UserConfigType,
    pub title: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<DefaultValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

impl UserConfigOption {
    pub fn is_required(&self) -> bool {
        self.required.unwrap_or(false)
    }

    pub fn is_sensitive(&self) -> bool {
        self.sensitive.unwrap_or(false)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserConfigType {
    String,
    Number,
    Boolean,
    Directory,
    File,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DefaultValue {
    String(String),
    Number(f64),
    Bool(bool),
    List(Vec<String>),
}

impl DefaultValue {
    /// As Claude Desktop turns it into a substitution value (lists have none).
    pub fn as_text(&self) -> Option<String> {
        match self {
            Self::String(s) => Some(s.clone()),
            Self::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
            Self::Number(n) => Some(n.to_string()),
            Self::Bool(b) => Some(b.to_string()),
            Self::List(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IconEntry {
    pub src: String,
    pub size: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localization {
    pub resources: String,
    pub default_locale: String,
}

/// Why a manifest was rejected: one line per problem, each with its JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestProblems(pub Vec<String>);

impl std::fmt::Display for ManifestProblems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("; "))
    }
}

impl std::error::Error for ManifestProblems {}

impl Coded for ManifestProblems {
    fn code(&self) -> ErrorCode {
        ErrorCode::BundleInvalid
    }
}

impl Manifest {
    /// Parses and validates `manifest.json` bytes, returning the manifest and warnings.
    /// `files` gives access to the bundle's other files, for the icon checks.
    pub fn parse(
        bytes: &[u8],
        files: &dyn BundleFiles,
    ) -> Result<(Manifest, Vec<String>), ManifestProblems> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| ManifestProblems(vec![format!("manifest.json is not valid JSON: {e}")]))?;
        let version = value
            .get("manifest_version")
            .or_else(|| value.get("dxt_version"))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        let Some(version) = version.filter(|v| KNOWN_VERSIONS.contains(&v.as_str())) else {
            return Err(ManifestProblems(vec![format!(
                "manifest_version: missing or unsupported (known: {})",
                KNOWN_VERSIONS.join(", ")
            )]));
        };
        let manifest: Manifest = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner().to_string();
            ManifestProblems(vec![if path == "." {
                inner
            } else {
                format!("{path}: {inner}")
            }])
        })?;
        let (problems, warnings) = manifest.check(&version, files);
        if problems.is_empty() {
            Ok((manifest, warnings))
        } else {
            Err(ManifestProblems(problems))
        }
    }

    /// The effective manifest version (`manifest_version`, else `dxt_version`).
    pub fn version_str(&self) -> &str {
        self.manifest_version
            .as_deref()
            .or(self.dxt_version.as_deref())
            .unwrap_or("")
    }

    /// The rules beyond field types: (errors, warnings).
    fn check(&self, version: &str, files: &dyn BundleFiles) -> (Vec<String>, Vec<String>) {
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let at_least = |v: &str| version >= v;
        if self.manifest_version.is_some()
            && self.dxt_version.is_some()
            && self.manifest_version != self.dxt_version
        {
            errors.push("manifest_version and dxt_version disagree".to_owned());
        }
        if !at_least("0.2") && self.privacy_policies.is_some() {
            errors.push(format!(
                "privacy_policies: needs manifest_version 0.2 or newer (this is {version})"
            ));
        }
        for (present, key) in [
            (self.icons.is_some(), "icons"),
            (self.localization.is_some(), "localization"),
            (self.meta.is_some(), "_meta"),
        ] {
            if present && !at_least("0.3") {
                errors.push(format!(
                    "{key}: needs manifest_version 0.3 or newer (this is {version})"
                ));
            }
        }
        if self.server.kind == ServerType::Uv && !at_least("0.4") {
            errors.push(format!(
                "server.type: `uv` needs manifest_version 0.4 (this is {version})"
            ));
        }
        if self.server.mcp_config.is_none() {
            errors.push("server.mcp_config: required".to_owned());
        }
        if at_least("0.3") {
            warnings.push(format!(
                "manifest_version {version}: Claude Desktop releases before 2026 only install 0.1 and 0.2 bundles"
            ));
        }
        if let Err(why) = safe_name(&self.name) {
            warnings.push(format!("name: {why}"));
        }
        for (what, url) in [
            ("homepage", &self.homepage),
            ("documentation", &self.documentation),
            ("support", &self.support),
            ("author.url", &self.author.url),
            (
                "repository.url",
                &self.repository.as_ref().map(|r| r.url.clone()),
            ),
        ] {
            if let Some(u) = url
                && !is_url(u)
            {
                errors.push(format!("{what}: `{u}` is not a URL"));
            }
        }
        for (i, u) in self.privacy_policies.iter().flatten().enumerate() {
            if !is_url(u) {
                errors.push(format!("privacy_policies.{i}: `{u}` is not a URL"));
            }
        }
        if let Some(email) = &self.author.email
            && !is_email(email)
        {
            errors.push(format!("author.email: `{email}` is not an email address"));
        }
        for (i, icon) in self.icons.iter().flatten().enumerate() {
            if !is_size(&icon.size) {
                errors.push(format!(
                    "icons.{i}.size: `{}` is not WIDTHxHEIGHT (like 16x16)",
                    icon.size
                ));
            }
        }
        if let Some(loc) = &self.localization
            && !loc.resources.contains("${locale}")
        {
            errors.push("localization.resources: must contain ${locale}".to_owned());
        }
        for (key, opt) in self.user_config.iter().flatten() {
            if let (Some(min), Some(max)) = (opt.min, opt.max)
                && min > max
            {
                errors.push(format!("user_config.{key}: min is above max"));
            }
            if opt.kind != UserConfigType::String && opt.is_sensitive() {
                warnings.push(format!(
                    "user_config.{key}: sensitive is set on a {:?} option",
                    opt.kind
                ));
            }
        }
        if let Some(icon) = &self.icon {
            if icon.starts_with("http://") || icon.starts_with("https://") {
                warnings
                    .push("icon: a URL; Claude Desktop only shows icons inside the bundle".into());
            } else if icon.contains("${__dirname}") {
                errors.push(
                    "icon: must not use ${__dirname}; give a path relative to the bundle root"
                        .into(),
                );
            } else if icon.starts_with('/') || icon.starts_with('\\') || icon.get(1..2) == Some(":")
            {
                errors.push("icon: must be relative to the bundle root".into());
            } else {
                match files.head(icon.trim_start_matches("./"), 8) {
                    None => errors.push(format!("icon: `{icon}` is not in the bundle")),
                    Some(head) if head != b"\x89PNG\r\n\x1a\n" => {
                        errors.push(format!("icon: `{icon}` is not a PNG file"))
                    }
                    Some(_) => {}
                }
            }
        }
        (errors, warnings)
    }
}

/// Read access to the files of the bundle a manifest came from.
pub trait BundleFiles {
    /// The first `n` bytes of `path` (fewer if it is shorter), or `None` if absent.
    fn head(&self, path: &str, n: usize) -> Option<Vec<u8>>;
}

/// Why a name cannot be a folder and file name everywhere.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    #[error("is empty")]
    Empty,
    #[error("is longer than 100 characters")]
    TooLong,
    #[error("must not start with `.`")]
    LeadingDot,
    #[error("`{name}` has `{found}`; use lower-case letters, digits, `.`, `_` and `-`")]
    Character { name: String, found: char },
}

impl Coded for NameProblem {
    fn code(&self) -> ErrorCode {
        ErrorCode::BundleInvalid
    }
}

/// A name we can use as a folder and file name everywhere: `[a-z0-9._-]`, at most
/// 100 characters, not starting with `.`.
pub fn safe_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    if name.len() > 100 {
        return Err(NameProblem::TooLong);
    }
    if name.starts_with('.') {
        return Err(NameProblem::LeadingDot);
    }
    if let Some(found) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')))
    {
        return Err(NameProblem::Character {
            name: name.to_owned(),
            found,
        });
    }
    Ok(())
}

fn is_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| u.has_host() || u.scheme() == "mailto")
}

fn is_email(s: &str) -> bool {
    let mut parts = s.splitn(2, '@');
    let (Some(local), Some(domain)) = (parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
        && !domain.contains('@')
}

fn is_size(s: &str) -> bool {
    let Some((w, h)) = s.split_once('x') else {
        return false;
    };
    !w.is_empty()
        && !h.is_empty()
        && w.bytes().all(|b| b.is_ascii_digit())
        && h.bytes().all(|b| b.is_ascii_digit())
}

/// For manifests checked without their bundle (our own, before it is zipped; an
/// unpacked import, whose icon checks are done).
pub struct NoFiles;

impl BundleFiles for NoFiles {
    fn head(&self, _path: &str, _n: usize) -> Option<Vec<u8>> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Files(Vec<(&'static str, &'static [u8])>);

    impl BundleFiles for Files {
        fn head(&self, path: &str, n: usize) -> Option<Vec<u8>> {
            self.0
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, b)| b[..n.min(b.len())].to_vec())
        }
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\nrest";

    fn base() -> serde_json::Value {
        serde_json::json!({
            "manifest_version": "0.3", "name": "t", "version": "1.0.0", "description": "d",
            "author": {"name": "a"},
            "server": {"type": "binary", "entry_point": "server/t",
                       "mcp_config": {"command": "${__dirname}/server/t"}}
        })
    }

    fn parse(v: serde_json::Value) -> Result<Manifest, ManifestProblems> {
        Manifest::parse(
            &serde_json::to_vec(&v).unwrap(),
            &Files(vec![("icon.png", PNG), ("bad.png", b"GIF89a..")]),
        )
        .map(|(m, _)| m)
    }

    fn mutate(f: impl FnOnce(&mut serde_json::Value)) -> Result<Manifest, ManifestProblems> {
        let mut v = base();
        f(&mut v);
        parse(v)
    }

    #[test]
    fn the_base_manifest_passes_and_round_trips() {
        let m = parse(base()).unwrap();
        assert_eq!(m.version_str(), "0.3");
        assert_eq!(serde_json::to_value(&m).unwrap(), base());
    }

    /// The rejections the official CLI makes (research table in mcpb.md §4), plus ours.
    #[test]
    fn rejects_what_the_official_cli_rejects() {
        type Mutation = Box<dyn FnOnce(&mut serde_json::Value)>;
        let cases: Vec<(&str, Mutation, &str)> = vec![
            (
                "no name",
                Box::new(|v| {
                    v.as_object_mut().unwrap().remove("name");
                }),
                "missing field `name`",
            ),
            (
                "numeric version",
                Box::new(|v| v["version"] = 1.into()),
                "version",
            ),
            (
                "docker type",
                Box::new(|v| v["server"]["type"] = "docker".into()),
                "server.type",
            ),
            (
                "uv in 0.3",
                Box::new(|v| v["server"]["type"] = "uv".into()),
                "needs manifest_version 0.4",
            ),
            (
                "no mcp_config",
                Box::new(|v| {
                    v["server"].as_object_mut().unwrap().remove("mcp_config");
                }),
                "server.mcp_config: required",
            ),
            (
                "no entry point",
                Box::new(|v| {
                    v["server"].as_object_mut().unwrap().remove("entry_point");
                }),
                "entry_point",
            ),
            (
                "no version",
                Box::new(|v| {
                    v.as_object_mut().unwrap().remove("manifest_version");
                }),
                "manifest_version: missing or unsupported",
            ),
            (
                "0.5",
                Box::new(|v| v["manifest_version"] = "0.5".into()),
                "unsupported",
            ),
            (
                "extra key",
                Box::new(|v| v["foo"] = 1.into()),
                "unknown field `foo`",
            ),
            (
                "icons in 0.2",
                Box::new(|v| {
                    v["manifest_version"] = "0.2".into();
                    v["icons"] = serde_json::json!([]);
                }),
                "icons: needs manifest_version 0.3",
            ),
            (
                "custom client",
                Box::new(|v| v["compatibility"] = serde_json::json!({"my_client": ">1"})),
                "unknown field `my_client`",
            ),
            (
                "macos platform",
                Box::new(|v| v["compatibility"] = serde_json::json!({"platforms": ["macos"]})),
                "compatibility.platforms[0]",
            ),
            (
                "select type",
                Box::new(|v| {
                    v["user_config"] = serde_json::json!({"x": {"type": "select", "title": "t", "description": "d"}})
                }),
                "user_config.x.type",
            ),
            (
                "no title",
                Box::new(|v| {
                    v["user_config"] =
                        serde_json::json!({"x": {"type": "string", "description": "d"}})
                }),
                "missing field `title`",
            ),
            (
                "bad policy url",
                Box::new(|v| v["privacy_policies"] = serde_json::json!(["example.com/p"])),
                "privacy_policies.0",
            ),
            (
                "no author",
                Box::new(|v| {
                    v.as_object_mut().unwrap().remove("author");
                }),
                "missing field `author`",
            ),
            (
                "bad email",
                Box::new(|v| v["author"]["email"] = "nope".into()),
                "author.email",
            ),
            (
                "numeric arg",
                Box::new(|v| v["server"]["mcp_config"]["args"] = serde_json::json!(["a", 1])),
                "server.mcp_config.args[1]",
            ),
            (
                "numeric env",
                Box::new(|v| v["server"]["mcp_config"]["env"] = serde_json::json!({"A": 1})),
                "server.mcp_config.env.A",
            ),
            (
                "override cwd",
                Box::new(|v| {
                    v["server"]["mcp_config"]["platform_overrides"] =
                        serde_json::json!({"win32": {"cwd": "x"}})
                }),
                "unknown field `cwd`",
            ),
            (
                "icon size",
                Box::new(|v| v["icons"] = serde_json::json!([{"src": "i.png", "size": "16"}])),
                "icons.0.size",
            ),
            (
                "icon missing",
                Box::new(|v| v["icon"] = "nope.png".into()),
                "not in the bundle",
            ),
            (
                "icon not png",
                Box::new(|v| v["icon"] = "bad.png".into()),
                "not a PNG",
            ),
            (
                "icon dirname",
                Box::new(|v| v["icon"] = "${__dirname}/icon.png".into()),
                "must not use ${__dirname}",
            ),
            (
                "icon absolute",
                Box::new(|v| v["icon"] = "/icon.png".into()),
                "relative",
            ),
        ];
        for (what, f, expected) in cases {
            let err = mutate(f).expect_err(what);
            assert!(err.to_string().contains(expected), "{what}: {err}");
        }
    }

    #[test]
    fn accepts_what_the_official_cli_accepts() {
        mutate(|v| v["version"] = "not-a-version".into()).unwrap();
        let m = mutate(|v| {
            let o = v.as_object_mut().unwrap();
            o.remove("manifest_version");
            o.insert("dxt_version".into(), "0.3".into());
        })
        .unwrap();
        assert_eq!(m.version_str(), "0.3");
        mutate(|v| v["icon"] = "icon.png".into()).unwrap();
        let mut odd = base();
        odd["name"] = "My Ext / Ünïcode".into();
        let (_, warnings) =
            Manifest::parse(&serde_json::to_vec(&odd).unwrap(), &Files(vec![])).unwrap();
        assert!(
            warnings.iter().any(|w| w.starts_with("name:")),
            "{warnings:?}"
        );
        mutate(|v| v["icon"] = "https://example.com/i.png".into()).unwrap();
        mutate(|v| v["_meta"] = serde_json::json!({"com.example": {"anything": [1, 2]}})).unwrap();
        let with_bom = [
            b"\xEF\xBB\xBF".as_slice(),
            &serde_json::to_vec(&base()).unwrap(),
        ]
        .concat();
        Manifest::parse(&with_bom, &Files(vec![])).unwrap();
    }

    #[test]
    fn platform_overrides_replace_whole_fields() {
        let m = mutate(|v| {
            v["server"]["mcp_config"]["env"] = serde_json::json!({"A": "1", "B": "2"});
            v["server"]["mcp_config"]["platform_overrides"] =
                serde_json::json!({"win32": {"command": "x.exe", "env": {"C": "3"}}});
        })
        .unwrap();
        let cfg = m.server.mcp_config.unwrap();
        let win = cfg.for_platform("win32");
        assert_eq!(win.command, "x.exe");
        assert_eq!(win.env.len(), 1);
        assert_eq!(cfg.for_platform("linux").env.len(), 2);
    }

    #[test]
    fn defaults_become_text_as_claude_does_it() {
        assert_eq!(DefaultValue::Number(3.0).as_text().unwrap(), "3");
        assert_eq!(DefaultValue::Number(2.5).as_text().unwrap(), "2.5");
        assert_eq!(DefaultValue::Bool(false).as_text().unwrap(), "false");
        assert_eq!(DefaultValue::List(vec![]).as_text(), None);
    }
}
