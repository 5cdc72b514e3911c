//! The vendor catalog's data model: what a `bundles/<slug>/vendor.toml` says.
//!
//! These types are plain serde data with no I/O. Loading and merging live in
//! `catalog::load`, the rules a sound catalog obeys in `catalog::validate`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One vendor: its identity, credential fields, how to run its server, how to probe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// Tool prefix and identity; equals the hosted gateway's slug.
    pub slug: String,
    pub name: String,
    pub category: String,
    pub description: String,
    /// Where a technician finds out how to create the credentials.
    pub docs_url: String,
    /// The Claude plugin that carries this vendor's skills and commands.
    pub companion_plugin: String,
    #[serde(default)]
    pub fields: Vec<Field>,
    pub launch: Launch,
    /// The cheapest authenticated call that proves credentials work. User-added
    /// vendors may leave it out; they can then only be connected with `--no-test`.
    #[serde(default)]
    pub probe: Option<ProbeSpec>,
    /// Dangerous tools the server does not annotate (script runs, reboots, deletes):
    /// patterns over its own tool names, `confirm` or `deny` by default.
    #[serde(default, skip_serializing_if = "is_default")]
    pub policy: crate::policy::CatalogMarks,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

impl Vendor {
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn secret_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.secret)
    }
}

/// One credential or setting the vendor's server needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The env var name lower-cased with the vendor prefix removed (`api_key`).
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub help: String,
    /// The exact environment variable the vendor's server reads in stdio mode.
    pub env: String,
    /// The HTTP header the server reads per request when run with `AUTH_MODE=gateway`.
    #[serde(default)]
    pub header: Option<String>,
    /// Secret fields go to the keychain and nowhere else.
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub default: Option<String>,
    /// Allowed values; empty means free text.
    #[serde(default)]
    pub options: Vec<FieldOption>,
    #[serde(default)]
    pub kind: FieldKind,
    #[serde(default)]
    pub placeholder: Option<String>,
}

/// How a free-text field's value is checked and normalised before any network call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    #[default]
    Text,
    /// An `http(s)` URL; a missing scheme becomes `https://`, a trailing `/` is dropped.
    Url,
    /// One DNS label, such as the `acme` of `acme.syncromsp.com`.
    Subdomain,
    Email,
}

/// An allowed value, with a label for people and named attributes for probe templates
/// (`{region.host}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldOption {
    pub value: String,
    pub label: String,
    #[serde(flatten)]
    pub attrs: BTreeMap<String, String>,
}

/// How to run the vendor's MCP server: locally, and as a self-hosted container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Launch {
    /// The runtime the local server needs (`node`), if any.
    #[serde(default)]
    pub runtime: Option<String>,
    pub local: LocalLaunch,
    /// Fixed environment for the local server, besides the credential fields.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Public image for the self-hosted pattern (HTTP on :8080, `/mcp`).
    pub docker_image: String,
    /// A caveat worth showing before the first start (a token the package needs, say).
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LocalLaunch {
    /// `npx -y <package>`; `package` may be a registry name or `github:owner/repo`.
    Npx { package: String },
    /// The vendor's released `.mcpb` bundle, run with its own `mcp_config`.
    Mcpb { url: String },
    /// A `.mcpb` imported with `switchboard bundle import` (custom vendors made from
    /// a bundle).
    Bundle,
    /// Any command.
    Command {
        command: String,
        #[serde(default)]
        args: Vec<String>,
    },
}

/// A declarative credential probe: a base URL and one or more HTTP steps, or, for a
/// vendor that documents no cheap authenticated call, a labelled format check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeSpec {
    /// Candidate base URL templates; the first whose fields are all set is used.
    /// `SWITCHBOARD_PROBE_BASE_<SLUG>` replaces the result, and every step base that is
    /// not built from a captured value.
    #[serde(default)]
    pub base: Vec<String>,
    #[serde(default)]
    pub steps: Vec<ProbeStep>,
    /// Instead of `base` and `steps`: the credentials' shape is checked, nothing is
    /// sent, and every message says so.
    #[serde(default)]
    pub format_only: Option<FormatCheck>,
}

/// A check of the credentials' shape, for a vendor with no documented authenticated
/// call cheap enough to probe with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatCheck {
    /// Why no live call is made, in a sentence a technician reads.
    pub reason: String,
    pub rules: Vec<FormatRule>,
}

/// The shape one field's value must have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatRule {
    pub field: String,
    #[serde(default)]
    pub prefix: Option<String>,
    /// Length bounds, prefix included, in characters.
    pub min_len: usize,
    pub max_len: usize,
    pub charset: Charset,
}

/// The characters a credential may consist of (after its prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Charset {
    /// `0-9a-f`, either case.
    Hex,
    /// Letters and digits.
    Alnum,
    /// Letters, digits, `-`, `_` and `.` (JWTs, URL-safe base64).
    Token,
    /// Standard base64 with padding: letters, digits, `+`, `/`, `=`.
    Base64,
    /// A UUID, `8-4-4-4-12` hex digits.
    Uuid,
}

impl Charset {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Hex => "hexadecimal digits",
            Self::Alnum => "letters and digits",
            Self::Token => "letters, digits, `-`, `_` and `.`",
            Self::Base64 => "base64 characters",
            Self::Uuid => "a UUID (8-4-4-4-12 hex digits)",
        }
    }

    /// Whether `s` (the value after its prefix) is made of this set.
    pub fn matches(self, s: &str) -> bool {
        match self {
            Self::Hex => s.bytes().all(|b| b.is_ascii_hexdigit()),
            Self::Alnum => s.bytes().all(|b| b.is_ascii_alphanumeric()),
            Self::Token => s
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
            Self::Base64 => {
                let body = s.trim_end_matches('=');
                s.len() - body.len() <= 2
                    && body
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+/".contains(&b))
            }
            Self::Uuid => {
                let parts: Vec<&str> = s.split('-').collect();
                parts.len() == 5
                    && parts
                        .iter()
                        .zip([8, 4, 4, 4, 12])
                        .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeStep {
    /// Shown in messages ("token request", "account lookup").
    pub name: String,
    #[serde(default)]
    pub method: HttpMethod,
    /// A base template for this step only (for a URL captured by an earlier step).
    #[serde(default)]
    pub base: Option<String>,
    /// Path template, joined to the base with exactly one `/`.
    pub path: String,
    /// Skip this step when the named field has a value.
    #[serde(default)]
    pub skip_if: Option<String>,
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub auth: Option<ProbeAuth>,
    /// `application/x-www-form-urlencoded` body.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    /// JSON object body (string values).
    #[serde(default)]
    pub json: BTreeMap<String, String>,
    /// Statuses that mean success; empty means any 2xx.
    #[serde(default)]
    pub ok: Vec<u16>,
    /// Statuses that mean the vendor rejected the credentials.
    #[serde(default = "default_reject")]
    pub reject: Vec<u16>,
    /// A 403 with a non-JSON body is a web application firewall in front of the API,
    /// not a verdict on the key; count it as reachable (Hudu).
    #[serde(default)]
    pub waf_ok: bool,
    /// JSON pointers into the response whose values become variables for later steps.
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
    /// Like `capture`, for values that are secrets themselves (access tokens).
    #[serde(default)]
    pub capture_secret: BTreeMap<String, String>,
}

fn default_reject() -> Vec<u16> {
    vec![401, 403]
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    #[default]
    Get,
    Post,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ProbeAuth {
    /// HTTP Basic with (user, password) templates.
    Basic([String; 2]),
    /// `Authorization: Bearer <template>`.
    Bearer(String),
}
