//! The MSP preset: settings an MSP sets once for every technician, some of them
//! locked. One model for every platform; where the preset is read from is
//! `platform::preset_place`: a TOML file on Linux (`/etc/switchboard/preset.toml`),
//! the `HKLM\SOFTWARE\Policies\Switchboard` registry values on Windows, and the
//! managed preferences of `io.switchboard.desktop` on macOS. Registry values and
//! managed preferences are turned into the same TOML ([`policy_to_toml`]), so every
//! platform goes through one parser with one set of rules. `SWITCHBOARD_PRESET` names
//! a file when the platform's place holds nothing.
//!
//! A preset is all or nothing: one that does not parse, or breaks a rule, is reported
//! with line numbers and ignored as a whole, never half-applied. It never carries a
//! secret: a key that looks like one (`api_key`, `password`, `client_secret`, …) is
//! refused, because each technician connects with their own credentials.
//!
//! `settings::effective_config` applies it; `settings::save` and `login` refuse
//! changes to what it locks; the facade applies the vendors shown and the field
//! defaults.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::code::{Coded, ErrorCode, Surface};

/// Settings a preset can lock, by their dotted names.
pub const LOCKABLE: &[&str] = &[
    "msp.name",
    "msp.support_url",
    "gateway.url",
    "vendors.shown",
    "vendors.defaults",
    "updates.endpoint",
    "updates.channel",
    "updates.check_daily",
    "supervisor.idle_timeout_s",
    "supervisor.compact",
    "policy.tools",
];

/// Update channels a preset may name.
pub const CHANNELS: &[&str] = &["stable", "beta"];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Preset {
    /// Settings technicians cannot change (names from [`LOCKABLE`]).
    pub locked: Vec<String>,
    pub msp: Msp,
    pub gateway: PresetGateway,
    pub vendors: PresetVendors,
    pub updates: PresetUpdates,
    pub supervisor: PresetSupervisor,
    pub policy: PresetPolicy,
}

/// `[policy.tools]`: tool rules for every technician (glob over `vendor__tool` →
/// allow, confirm or deny). Locked (`policy.tools`), they win over the technician's
/// own rules; unlocked, they fill in where the technician has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PresetPolicy {
    pub tools: BTreeMap<String, crate::policy::Decision>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Msp {
    /// Shown as "managed by <name>".
    pub name: Option<String>,
    pub support_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PresetGateway {
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PresetVendors {
    /// Only these vendors are shown (others hidden); unset: all.
    pub shown: Option<Vec<String>>,
    /// Per vendor, defaults for its plain fields (region, platform, subdomain).
    pub defaults: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PresetUpdates {
    pub endpoint: Option<String>,
    pub channel: Option<String>,
    pub check_daily: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PresetSupervisor {
    pub idle_timeout_s: Option<u64>,
    pub compact: Option<bool>,
}

impl Preset {
    /// Who manages the settings, for "managed by …": the MSP's name, else "your MSP".
    pub fn managed_by(&self) -> String {
        self.msp
            .name
            .clone()
            .unwrap_or_else(|| "your MSP".to_owned())
    }

    pub fn is_locked(&self, setting: &str) -> bool {
        self.locked.iter().any(|l| l == setting)
    }

    /// Whether the setting named `setting` (one of [`LOCKABLE`]) has a value.
    fn sets(&self, setting: &str) -> bool {
        match setting {
            "msp.name" => self.msp.name.is_some(),
            "msp.support_url" => self.msp.support_url.is_some(),
            "gateway.url" => self.gateway.url.is_some(),
            "vendors.shown" => self.vendors.shown.is_some(),
            "vendors.defaults" => !self.vendors.defaults.is_empty(),
            "updates.endpoint" => self.updates.endpoint.is_some(),
            "updates.channel" => self.updates.channel.is_some(),
            "updates.check_daily" => self.updates.check_daily.is_some(),
            "supervisor.idle_timeout_s" => self.supervisor.idle_timeout_s.is_some(),
            "supervisor.compact" => self.supervisor.compact.is_some(),
            "policy.tools" => !self.policy.tools.is_empty(),
            _ => false,
        }
    }
}

/// One thing wrong with a preset, where it is (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PresetError {
    #[error("the preset `{}` is not valid, so none of it applies:\n{}", path.display(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
    #[error("cannot read the preset `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Coded for PresetError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid { .. } => ErrorCode::InvalidField,
            Self::Io { .. } => ErrorCode::Io,
        }
    }

    fn hint_for(&self, _surface: Surface) -> Option<String> {
        match self {
            Self::Invalid { .. } => Some(
                "fix the lines named, then check again with `switchboard preset check <file>`; docs/PRESET.md lists every key"
                    .into(),
            ),
            Self::Io { .. } => None,
        }
    }
}

/// Where a preset was looked for and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Found {
    /// No preset file (the usual case for a technician without an MSP).
    None {
        looked_at: Option<PathBuf>,
    },
    Applied {
        path: PathBuf,
        preset: Box<Preset>,
    },
    /// Present but not valid: reported, and none of it applies.
    Ignored {
        path: PathBuf,
        problems: Vec<Problem>,
    },
    /// Present but unreadable (permissions): none of it applies.
    Unreadable {
        path: PathBuf,
        error: String,
    },
}

impl Found {
    /// The preset in force, if any.
    pub fn preset(&self) -> Option<&Preset> {
        match self {
            Self::Applied { preset, .. } => Some(preset),
            _ => None,
        }
    }
}

pub use crate::platform::{PolicyValue, PresetPlace as Place};

/// Where the preset is read from: the platform's place when a preset is there, else
/// `SWITCHBOARD_PRESET`. The variable cannot override an MSP's preset: a technician
/// could otherwise point it at an empty file and unlock everything.
pub fn place() -> Option<Place> {
    choose_place(
        crate::platform::preset_place(),
        std::env::var_os(crate::env::PRESET)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
    )
}

/// The file `place()` names, when it is a file (for `preset check` defaults).
pub fn location() -> Option<PathBuf> {
    place().map(|p| p.shown())
}

fn choose_place(platform: Option<Place>, from_env: Option<PathBuf>) -> Option<Place> {
    match platform {
        Some(p) if p.present() => Some(p),
        platform => from_env.map(Place::File).or(platform),
    }
}

/// Keys whose registry form is a DWORD 0/1.
const FLAGS: &[&str] = &["supervisor.compact", "updates.check_daily"];

/// Turns a policy store's values into the preset's TOML. Names are the preset's dotted
/// keys (`msp.name`, `supervisor.compact`, `vendors.defaults.autotask.region`) or
/// nested tables; a number under a yes/no key becomes a boolean. What comes out is
/// parsed and checked like any preset file, so a wrong name or type is reported (and
/// the whole preset ignored) the same way everywhere.
pub fn policy_to_toml(values: &[(String, PolicyValue)]) -> String {
    // Nested tables become dotted names first.
    fn flatten(
        prefix: &str,
        values: &[(String, PolicyValue)],
        out: &mut Vec<(String, PolicyValue)>,
    ) {
        for (name, value) in values {
            let full = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            match value {
                PolicyValue::Table(entries) => flatten(&full, entries, out),
                leaf => out.push((full, leaf.clone())),
            }
        }
    }
    let mut leaves = Vec::new();
    flatten("", values, &mut leaves);
    let mut doc = toml_edit::DocumentMut::new();
    'leaves: for (name, value) in &leaves {
        let path: Vec<&str> = name.split('.').filter(|p| !p.is_empty()).collect();
        let Some((last, parents)) = path.split_last() else {
            continue;
        };
        let mut table = doc.as_table_mut();
        for part in parents {
            let entry = table
                .entry(part)
                .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
            let Some(t) = entry.as_table_mut() else {
                // `a = 1` beside `a.b = 2`: the first stands, and the parser says why
                // the preset is wrong.
                continue 'leaves;
            };
            t.set_implicit(true);
            table = t;
        }
        let item = match value {
            PolicyValue::Text(s) => toml_edit::value(s.as_str()),
            PolicyValue::Number(n) if FLAGS.contains(&name.as_str()) => toml_edit::value(*n != 0),
            PolicyValue::Number(n) => toml_edit::value(*n),
            PolicyValue::Flag(b) => toml_edit::value(*b),
            PolicyValue::List(items) => toml_edit::value(
                items
                    .iter()
                    .map(String::as_str)
                    .collect::<toml_edit::Array>(),
            ),
            PolicyValue::Table(_) => continue,
        };
        table.insert(last, item);
    }
    doc.to_string()
}

/// Reads a managed-preferences property list (XML or binary) into policy values. What
/// cannot be read is one [`Problem`] (a property list has no lines worth naming).
pub fn plist_to_policy(bytes: &[u8]) -> Result<Vec<(String, PolicyValue)>, Problem> {
    let problem = |message: String| Problem {
        line: 1,
        column: 1,
        message,
    };
    fn convert(v: &plist::Value) -> Option<PolicyValue> {
        Some(match v {
            plist::Value::String(s) => PolicyValue::Text(s.clone()),
            plist::Value::Boolean(b) => PolicyValue::Flag(*b),
            plist::Value::Integer(i) => PolicyValue::Number(i.as_signed()?),
            plist::Value::Array(items) => PolicyValue::List(
                items
                    .iter()
                    .map(|i| i.as_string().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()?,
            ),
            plist::Value::Dictionary(d) => PolicyValue::Table(
                d.iter()
                    .filter_map(|(k, v)| Some((k.clone(), convert(v)?)))
                    .collect(),
            ),
            _ => return None,
        })
    }
    let value = plist::Value::from_reader(std::io::Cursor::new(bytes))
        .map_err(|e| problem(format!("not a property list: {e}")))?;
    let dict = value
        .as_dictionary()
        .ok_or_else(|| problem("the property list is not a dictionary".into()))?;
    // Profile bookkeeping that macOS adds beside the payload's own keys.
    const SKIP: &[&str] = &[
        "PayloadUUID",
        "PayloadIdentifier",
        "PayloadType",
        "PayloadVersion",
    ];
    let mut out = Vec::new();
    for (k, v) in dict {
        if SKIP.contains(&k.as_str()) {
            continue;
        }
        let converted =
            convert(v).ok_or_else(|| problem(format!("`{k}` has a type a preset cannot hold")))?;
        out.push((k.clone(), converted));
    }
    Ok(out)
}

/// What the preset's vendor settings are checked against: one of a vendor's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFacts {
    pub key: String,
    pub secret: bool,
    /// Allowed values; empty means free text.
    pub options: Vec<String>,
}

/// A vendor's fields, or `None` for a vendor the catalog does not have. (The catalog
/// sits above this module, so the caller passes it in.)
pub type FieldsOf<'a> = &'a dyn Fn(&str) -> Option<Vec<FieldFacts>>;

/// Reads the preset in force, checked against the catalog.
pub fn load(fields_of: FieldsOf<'_>) -> Found {
    let Some(place) = place() else {
        return Found::None { looked_at: None };
    };
    let path = place.shown();
    // What the place holds: `None` when nothing is there.
    let read: std::io::Result<Option<Result<String, Problem>>> = match &place {
        Place::File(path) => return load_file(path.clone(), fields_of),
        Place::ManagedPrefs(file) => match std::fs::read(file) {
            Ok(bytes) => Ok(Some(plist_to_policy(&bytes).map(|v| policy_to_toml(&v)))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        },
        Place::Registry { .. } => crate::platform::read_policy_values()
            .map(|values| values.map(|v| Ok(policy_to_toml(&v)))),
    };
    let text = match read {
        Ok(Some(text)) => text,
        Ok(None) => {
            return Found::None {
                looked_at: Some(path),
            };
        }
        Err(e) => {
            return Found::Unreadable {
                path,
                error: e.to_string(),
            };
        }
    };
    let parsed = text
        .map_err(|problem| vec![problem])
        .and_then(|text| parse_for(&text, fields_of));
    match parsed {
        Ok(preset) => Found::Applied {
            path,
            preset: Box::new(preset),
        },
        Err(problems) => {
            tracing::warn!(place = %path.display(), problems = problems.len(), "ignoring a preset that is not valid");
            Found::Ignored { path, problems }
        }
    }
}

fn load_file(path: PathBuf, fields_of: FieldsOf<'_>) -> Found {
    match read(&path, fields_of) {
        Ok(preset) => Found::Applied {
            path,
            preset: Box::new(preset),
        },
        Err(PresetError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            Found::None {
                looked_at: Some(path),
            }
        }
        Err(PresetError::Io { source, .. }) => Found::Unreadable {
            path,
            error: source.to_string(),
        },
        Err(PresetError::Invalid { problems, .. }) => {
            tracing::warn!(path = %path.display(), problems = problems.len(), "ignoring a preset that is not valid");
            Found::Ignored { path, problems }
        }
    }
}

/// Reads and checks the preset at `path`.
pub fn read(path: &Path, fields_of: FieldsOf<'_>) -> Result<Preset, PresetError> {
    let text = std::fs::read_to_string(path).map_err(|source| PresetError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse_for(&text, fields_of).map_err(|problems| PresetError::Invalid {
        path: path.to_owned(),
        problems,
    })
}

/// [`parse`], then the vendor settings against the catalog: every vendor named
/// exists, and defaults are only for its plain (not secret) fields.
pub fn parse_for(text: &str, fields_of: FieldsOf<'_>) -> Result<Preset, Vec<Problem>> {
    let (preset, mut problems) = match parse(text) {
        Ok(p) => (p, Vec::new()),
        // Broken beyond the rules (syntax, unknown keys): nothing more to check.
        Err(problems) => match toml::from_str::<Preset>(text) {
            Ok(p) => (p, problems),
            Err(_) => return Err(problems),
        },
    };
    problems.extend(vendor_problems(text, &preset, fields_of));
    if problems.is_empty() {
        Ok(preset)
    } else {
        problems.sort_by_key(|p| (p.line, p.column));
        problems.dedup();
        Err(problems)
    }
}

/// The preset's vendor settings against the catalog.
fn vendor_problems(text: &str, preset: &Preset, fields_of: FieldsOf<'_>) -> Vec<Problem> {
    let Ok(doc) = text.parse::<toml_edit::Document<String>>() else {
        return Vec::new();
    };
    let at = |span: Option<Range<usize>>, message: String| {
        let (line, column) = line_col(text, span.map_or(0, |s| s.start));
        Problem {
            line,
            column,
            message,
        }
    };
    let mut problems = Vec::new();
    let vendors = doc.get("vendors");
    if let Some(shown) = &preset.vendors.shown {
        let spans: Vec<Option<Range<usize>>> = vendors
            .and_then(|v| v.get("shown"))
            .and_then(toml_edit::Item::as_array)
            .map(|a| a.iter().map(toml_edit::Value::span).collect())
            .unwrap_or_default();
        for (i, slug) in shown.iter().enumerate() {
            if fields_of(slug).is_none() {
                problems.push(at(
                    spans.get(i).cloned().flatten(),
                    format!(
                        "`vendors.shown` names `{slug}`, which is not a vendor Switchboard knows"
                    ),
                ));
            }
        }
    }
    let defaults = vendors.and_then(|v| v.get("defaults"));
    for (slug, values) in &preset.vendors.defaults {
        let table = defaults.and_then(|d| d.get(slug));
        let Some(fields) = fields_of(slug) else {
            problems.push(at(
                table.and_then(toml_edit::Item::span),
                format!("`vendors.defaults.{slug}`: `{slug}` is not a vendor Switchboard knows"),
            ));
            continue;
        };
        // Names that look like secrets were reported by `parse` already.
        for (key, value) in values.iter().filter(|(k, _)| !looks_secret(k)) {
            let span = table
                .and_then(toml_edit::Item::as_table_like)
                .and_then(|t| t.key(key))
                .and_then(toml_edit::Key::span);
            match fields.iter().find(|f| &f.key == key) {
                None => problems.push(at(
                    span,
                    format!(
                        "`{slug}` has no field `{key}`; its fields: {}",
                        fields
                            .iter()
                            .filter(|f| !f.secret)
                            .map(|f| f.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
                Some(f) if !f.secret && !f.options.is_empty() && !f.options.contains(value) => {
                    problems.push(at(
                        span,
                        format!(
                            "`{slug}.{key}` is `{value}`; it can be: {}",
                            f.options.join(", ")
                        ),
                    ));
                }
                Some(f) if f.secret => problems.push(at(
                    span,
                    format!(
                        "`{slug}.{key}` is a secret field; a preset never carries one (each technician connects with their own credentials)"
                    ),
                )),
                Some(_) => {}
            }
        }
    }
    problems
}

/// Checks a preset's text: every problem, in line order.
pub fn parse(text: &str) -> Result<Preset, Vec<Problem>> {
    let at = |span: Option<Range<usize>>, message: String| {
        let (line, column) = line_col(text, span.map_or(0, |s| s.start));
        Problem {
            line,
            column,
            message,
        }
    };
    let doc = match text.parse::<toml_edit::Document<String>>() {
        Ok(doc) => doc,
        Err(e) => return Err(vec![at(e.span(), e.message().trim().to_owned())]),
    };
    let mut problems = Vec::new();
    secret_keys(doc.as_table(), "", &mut |key, span| {
        problems.push(at(
            span,
            format!(
                "`{key}` looks like a secret; a preset never carries one (each technician connects with their own credentials)"
            ),
        ));
    });
    let preset: Preset = match toml::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            problems.push(at(e.span(), e.message().trim().to_owned()));
            problems.sort_by_key(|p| (p.line, p.column));
            return Err(problems);
        }
    };
    // Spans of the things the rules below talk about.
    let span_of = |path: &[&str]| -> Option<Range<usize>> {
        let mut item = doc.as_item();
        for key in path {
            item = item.get(key)?;
        }
        item.span()
    };
    let locked_spans: Vec<Option<Range<usize>>> = doc
        .get("locked")
        .and_then(toml_edit::Item::as_array)
        .map(|a| a.iter().map(toml_edit::Value::span).collect())
        .unwrap_or_default();
    for (i, name) in preset.locked.iter().enumerate() {
        let span = locked_spans.get(i).cloned().flatten();
        if !LOCKABLE.contains(&name.as_str()) {
            problems.push(at(
                span,
                format!(
                    "`{name}` cannot be locked; these can: {}",
                    LOCKABLE.join(", ")
                ),
            ));
        } else if !preset.sets(name) {
            problems.push(at(
                span,
                format!("`{name}` is locked but the preset does not set it"),
            ));
        }
    }
    for (path, value) in [
        (&["msp", "support_url"][..], &preset.msp.support_url),
        (&["gateway", "url"][..], &preset.gateway.url),
        (&["updates", "endpoint"][..], &preset.updates.endpoint),
    ] {
        if let Some(v) = value
            && !is_web_url(v)
        {
            problems.push(at(
                span_of(path),
                format!("`{}` must be an http(s) URL, not `{v}`", path.join(".")),
            ));
        }
    }
    if let Some(channel) = &preset.updates.channel
        && !CHANNELS.contains(&channel.as_str())
    {
        problems.push(at(
            span_of(&["updates", "channel"]),
            format!(
                "`updates.channel` is `{channel}`; it can be {}",
                CHANNELS.join(" or ")
            ),
        ));
    }
    for pattern in preset.policy.tools.keys() {
        if let Err(e) = crate::policy::check_pattern(pattern) {
            problems.push(at(span_of(&["policy", "tools", pattern]), e.to_string()));
        }
    }
    if preset.supervisor.idle_timeout_s == Some(0) {
        problems.push(at(
            span_of(&["supervisor", "idle_timeout_s"]),
            "`supervisor.idle_timeout_s` must be at least 1".to_owned(),
        ));
    }
    if problems.is_empty() {
        Ok(preset)
    } else {
        problems.sort_by_key(|p| (p.line, p.column));
        Err(problems)
    }
}

fn is_web_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

/// Whether a key's name says it holds a secret.
pub fn looks_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace('-', "_");
    [
        "secret",
        "password",
        "passwd",
        "token",
        "api_key",
        "apikey",
        "private_key",
        "credential",
    ]
    .iter()
    .any(|w| k.contains(w))
        || k == "key"
        || k.ends_with("_key")
}

fn secret_keys(
    table: &dyn toml_edit::TableLike,
    prefix: &str,
    found: &mut dyn FnMut(String, Option<Range<usize>>),
) {
    for (key, item) in table.iter() {
        let name = if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        };
        // Tool patterns name tools (`cipp__cipp_reset_password`), not values.
        if looks_secret(key) && prefix != "policy.tools" {
            let span = table
                .key(key)
                .and_then(toml_edit::Key::span)
                .or_else(|| item.span());
            found(name.clone(), span);
        }
        if let Some(t) = item.as_table_like() {
            secret_keys(t, &name, found);
        }
    }
}

/// 1-based line and column of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"locked = ["gateway.url", "vendors.shown", "supervisor.compact"]

[msp]
name = "Acme IT"
support_url = "https://help.acme.example"

[gateway]
url = "https://gw.acme.example"

[vendors]
shown = ["autotask", "itglue", "huntress"]

[vendors.defaults.autotask]
zone = "webservices2"

[updates]
endpoint = "https://updates.acme.example/latest.json"
channel = "stable"
check_daily = true

[supervisor]
idle_timeout_s = 900
compact = true
"#;

    fn catalog(slug: &str) -> Option<Vec<FieldFacts>> {
        let fields: &[(&str, bool)] = match slug {
            "autotask" => &[("username", false), ("secret", true), ("zone", false)],
            "itglue" => &[("api_key", true), ("region", false)],
            "huntress" => &[("api_key", true), ("api_secret", true)],
            _ => return None,
        };
        Some(
            fields
                .iter()
                .map(|(k, s)| FieldFacts {
                    key: (*k).to_owned(),
                    secret: *s,
                    options: if *k == "region" {
                        vec!["us".into(), "eu".into(), "au".into()]
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
        )
    }

    #[test]
    fn vendors_are_checked_against_the_catalog() {
        assert!(parse_for(FULL, &catalog).is_ok());
        let text = r#"[vendors]
shown = ["autotask", "nosuch"]

[vendors.defaults.autotask]
zone = "webservices2"
username = "tech"
colour = "blue"

[vendors.defaults.ghost]
region = "eu"

[vendors.defaults.itglue]
region = "mars"
"#;
        let problems = parse_for(text, &catalog).unwrap_err();
        let got: Vec<(usize, bool)> = problems
            .iter()
            .map(|p| {
                (
                    p.line,
                    p.message.contains("not a vendor")
                        || p.message.contains("no field")
                        || p.message.contains("it can be: us, eu, au"),
                )
            })
            .collect();
        assert_eq!(
            got,
            [(2, true), (7, true), (9, true), (13, true)],
            "{problems:#?}"
        );
    }

    #[test]
    fn a_preset_sets_and_locks_tool_rules_whose_names_may_sound_secret() {
        let text = "locked = [\"policy.tools\"]\n\n[policy.tools]\n\"cipp__cipp_reset_password\" = \"deny\"\n\"*__*delete*\" = \"confirm\"\n";
        let preset = parse(text).unwrap();
        assert_eq!(
            preset.policy.tools["cipp__cipp_reset_password"],
            crate::policy::Decision::Deny
        );
        let mut config = crate::config::Config::default();
        crate::settings::apply_preset(&mut config, &toml_edit::DocumentMut::new(), &preset);
        assert_eq!(config.policy_locked.len(), 2);
        assert!(config.policy.tools.is_empty());
        // Unlocked, the rules fill in where the technician has none.
        let unlocked = parse("[policy.tools]\n\"x__*\" = \"deny\"\n").unwrap();
        let mut config = crate::config::Config::default();
        config
            .policy
            .tools
            .insert("x__*".into(), crate::policy::Decision::Allow);
        config
            .policy
            .tools
            .insert("y__*".into(), crate::policy::Decision::Allow);
        crate::settings::apply_preset(&mut config, &toml_edit::DocumentMut::new(), &unlocked);
        assert_eq!(config.policy.tools["x__*"], crate::policy::Decision::Allow);
        assert!(config.policy_locked.is_empty());
        // A pattern without a vendor is a problem with its line.
        let problems = parse("[policy.tools]\n\"delete\" = \"deny\"\n").unwrap_err();
        assert_eq!(problems[0].line, 2, "{problems:?}");
        assert!(
            problems[0].message.contains("names no vendor"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_full_preset_reads_into_one_model() {
        let p = parse(FULL).unwrap();
        assert_eq!(p.msp.name.as_deref(), Some("Acme IT"));
        assert_eq!(p.gateway.url.as_deref(), Some("https://gw.acme.example"));
        assert_eq!(p.vendors.shown.as_ref().map(Vec::len), Some(3));
        assert_eq!(p.vendors.defaults["autotask"]["zone"], "webservices2");
        assert_eq!(p.updates.check_daily, Some(true));
        assert_eq!(p.supervisor.idle_timeout_s, Some(900));
        assert!(p.is_locked("gateway.url") && !p.is_locked("updates.endpoint"));
        assert_eq!(parse("").unwrap(), Preset::default());
    }

    #[test]
    fn every_problem_is_reported_with_its_line_and_nothing_applies() {
        let text = r#"locked = ["gateway.url", "updates.pubkey"]

[msp]
name = "Acme IT"
support_url = "not a url"

[vendors.defaults.autotask]
zone = "webservices2"
api_secret = "hunter2"

[updates]
channel = "nightly"
"#;
        let problems = parse(text).unwrap_err();
        let lines: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        assert_eq!(lines.len(), 5, "{problems:#?}");
        assert_eq!(lines[0].0, 1);
        assert!(
            lines[0]
                .1
                .contains("`gateway.url` is locked but the preset does not set it")
        );
        assert_eq!(lines[1].0, 1);
        assert!(lines[1].1.contains("`updates.pubkey` cannot be locked"));
        assert_eq!(lines[2].0, 5);
        assert!(lines[2].1.contains("msp.support_url"));
        assert_eq!(lines[3].0, 9);
        assert!(lines[3].1.contains("looks like a secret"));
        assert!(
            !lines[3].1.contains("hunter2"),
            "the value is never repeated"
        );
        assert_eq!(lines[4].0, 12);
        assert!(lines[4].1.contains("stable or beta"));
    }

    #[test]
    fn syntax_errors_and_unknown_keys_say_where() {
        let problems = parse("[msp]\nname = \"Acme\"\nsuport_url = \"https://x\"\n").unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 3);
        assert!(problems[0].message.contains("suport_url"), "{problems:?}");

        let problems = parse("[msp]\nname = \"Acme\n").unwrap_err();
        assert_eq!(problems[0].line, 2, "{problems:?}");

        // A secret is refused even where the model would have refused the key anyway.
        let problems = parse("[gateway]\nclient_secret = \"s\"\n").unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.line == 2 && p.message.contains("looks like a secret")),
            "{problems:?}"
        );
    }

    #[test]
    fn the_environment_cannot_override_an_msps_preset() {
        let dir = tempfile::tempdir().unwrap();
        let msp = dir.path().join("etc-preset.toml");
        let mine = dir.path().join("mine.toml");
        // No MSP preset: the variable names one (tests, trying a preset out).
        assert_eq!(
            choose_place(Some(Place::File(msp.clone())), Some(mine.clone())),
            Some(Place::File(mine.clone()))
        );
        assert_eq!(
            choose_place(Some(Place::File(msp.clone())), None),
            Some(Place::File(msp.clone()))
        );
        assert_eq!(
            choose_place(None, Some(mine.clone())),
            Some(Place::File(mine.clone()))
        );
        // The MSP's preset is there: it wins.
        std::fs::write(&msp, "").unwrap();
        assert_eq!(
            choose_place(Some(Place::File(msp.clone())), Some(mine)),
            Some(Place::File(msp))
        );
    }

    #[test]
    fn secret_looking_names_are_recognised() {
        for k in [
            "api_key",
            "API-Key",
            "client_secret",
            "password",
            "refresh_token",
            "private_key",
            "key",
        ] {
            assert!(looks_secret(k), "{k}");
        }
        for k in [
            "zone",
            "region",
            "subdomain",
            "platform",
            "name",
            "keyboard",
        ] {
            assert!(!looks_secret(k), "{k}");
        }
    }

    #[test]
    fn a_missing_file_is_no_preset_and_a_broken_one_is_ignored_whole() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("preset.toml");
        assert!(matches!(
            read(&missing, &catalog),
            Err(PresetError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound
        ));
        std::fs::write(&missing, "[gateway]\nurl = 3\n").unwrap();
        let err = read(&missing, &catalog).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidField);
        assert!(err.to_string().contains("none of it applies"), "{err}");
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    fn no_catalog(_: &str) -> Option<Vec<FieldFacts>> {
        Some(vec![FieldFacts {
            key: "region".into(),
            secret: false,
            options: vec![],
        }])
    }

    #[test]
    fn registry_values_become_the_same_preset_as_a_file() {
        // As an MSI or GPO writes them under HKLM\SOFTWARE\Policies\Switchboard.
        let values = vec![
            ("msp.name".to_owned(), PolicyValue::Text("Acme IT".into())),
            (
                "locked".to_owned(),
                PolicyValue::List(vec!["supervisor.compact".into(), "gateway.url".into()]),
            ),
            ("supervisor.compact".to_owned(), PolicyValue::Number(1)),
            (
                "supervisor.idle_timeout_s".to_owned(),
                PolicyValue::Number(900),
            ),
            ("updates.check_daily".to_owned(), PolicyValue::Number(0)),
            (
                "gateway.url".to_owned(),
                PolicyValue::Text("https://gw.acme.example".into()),
            ),
            (
                "vendors.defaults.autotask.region".to_owned(),
                PolicyValue::Text("EU".into()),
            ),
        ];
        let text = policy_to_toml(&values);
        let from_registry = parse_for(&text, &no_catalog).unwrap();
        let from_file = parse_for(
            "locked = [\"supervisor.compact\", \"gateway.url\"]\n[msp]\nname = \"Acme IT\"\n[supervisor]\ncompact = true\nidle_timeout_s = 900\n[updates]\ncheck_daily = false\n[gateway]\nurl = \"https://gw.acme.example\"\n[vendors.defaults.autotask]\nregion = \"EU\"\n",
            &no_catalog,
        )
        .unwrap();
        assert_eq!(from_registry, from_file, "{text}");
    }

    #[test]
    fn a_registry_value_of_the_wrong_kind_is_refused_like_a_file() {
        let text = policy_to_toml(&[
            ("msp.name".to_owned(), PolicyValue::Number(3)),
            (
                "vendors.defaults.hudu.api_key".to_owned(),
                PolicyValue::Text("x".into()),
            ),
        ]);
        let problems = parse_for(&text, &no_catalog).unwrap_err();
        assert!(!problems.is_empty(), "{text}");
    }

    #[test]
    fn managed_preferences_nested_or_dotted_read_alike() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>PayloadUUID</key><string>5E1A</string>
  <key>msp</key><dict><key>name</key><string>Acme IT</string></dict>
  <key>supervisor.compact</key><true/>
  <key>vendors</key><dict><key>shown</key><array><string>autotask</string></array></dict>
  <key>locked</key><array><string>supervisor.compact</string></array>
</dict></plist>"#;
        let values = plist_to_policy(xml).unwrap();
        let preset = parse_for(&policy_to_toml(&values), &no_catalog).unwrap();
        assert_eq!(preset.msp.name.as_deref(), Some("Acme IT"));
        assert_eq!(preset.supervisor.compact, Some(true));
        assert_eq!(preset.vendors.shown, Some(vec!["autotask".to_owned()]));
        assert!(preset.is_locked("supervisor.compact"));
        assert!(plist_to_policy(b"not a plist").is_err());
    }
}
