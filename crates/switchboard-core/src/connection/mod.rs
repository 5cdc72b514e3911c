//! Connecting a vendor: checking field values, probing, storing; and testing and
//! disconnecting it later.
//!
//! The order is the contract: every field is checked before any network call, the
//! probe runs before anything is stored, and a failed probe stores nothing.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{Field, FieldKind, Vendor};
use crate::code::{Coded, ErrorCode, Surface};
use crate::credentials::Credentials;
use crate::probe::{ProbeOutcome, ProbeResult};
use crate::secret::Secret;

/// Field values as the user gave them.
#[derive(Debug, Default, Clone)]
pub struct FieldInput {
    /// From the command line (`--field key=value`): allowed for plain fields only,
    /// since argv is visible to every process on the machine.
    pub argv: BTreeMap<String, String>,
    /// From a hidden prompt, stdin JSON, or a form: any field.
    pub private: BTreeMap<String, Secret<String>>,
}

impl FieldInput {
    pub fn provides(&self, key: &str) -> bool {
        self.argv.contains_key(key) || self.private.contains_key(key)
    }

    pub fn is_empty(&self) -> bool {
        self.argv.is_empty() && self.private.is_empty()
    }
}

/// One thing wrong with the field values. Messages never include a secret value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum FieldProblem {
    Unknown {
        key: String,
    },
    Missing {
        key: String,
        label: String,
    },
    NotAnOption {
        key: String,
        value: String,
        allowed: Vec<String>,
    },
    NotAUrl {
        key: String,
        value: String,
    },
    NotASubdomain {
        key: String,
        value: String,
    },
    NotAnEmail {
        key: String,
        value: String,
    },
    SecretOnCommandLine {
        key: String,
    },
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unknown { key } => write!(f, "`{key}` is not a field of this vendor"),
            Self::Missing { key, label } => write!(f, "{label} (`{key}`) is required"),
            Self::NotAnOption {
                key,
                value,
                allowed,
            } => {
                write!(
                    f,
                    "`{key}` cannot be `{value}`; choose one of: {}",
                    allowed.join(", ")
                )
            }
            Self::NotAUrl { key, value } => {
                write!(f, "`{key}` must be an http(s) URL, not `{value}`")
            }
            Self::NotASubdomain { key, value } => write!(
                f,
                "`{key}` must be just the subdomain (like `acme` in acme.example.com), not `{value}`"
            ),
            Self::NotAnEmail { key, value } => {
                write!(f, "`{key}` must be an email address, not `{value}`")
            }
            Self::SecretOnCommandLine { key } => write!(
                f,
                "`{key}` is a secret and was not used: secrets are never taken from the command line, where other programs can read them. Use the prompt or `--stdin`, and consider the value exposed"
            ),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    #[error("the values for `{slug}` are not valid: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    InvalidFields {
        slug: String,
        problems: Vec<FieldProblem>,
    },
    #[error("the credential check for `{slug}` failed: {}", outcome.message)]
    ProbeFailed { slug: String, outcome: ProbeOutcome },
    #[error("cannot start: {0}")]
    Setup(#[from] crate::probe::ProberSetupError),
}

impl Coded for ConnectError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidFields { .. } => ErrorCode::InvalidField,
            Self::ProbeFailed { .. } => ErrorCode::ProbeFailed,
            Self::Setup(_) => ErrorCode::Internal,
        }
    }

    fn hint_for(&self, surface: Surface) -> Option<String> {
        let cli = surface == Surface::Cli;
        match self {
            Self::InvalidFields { slug, .. } => Some(if cli {
                format!("`switchboard vendors show {slug}` lists the fields and their allowed values")
            } else {
                "each field's help says what it takes".to_owned()
            }),
            Self::ProbeFailed { slug, outcome } => Some(match outcome.result {
                ProbeResult::InvalidCredentials => "nothing was stored; re-enter the values, taking care to copy them whole".to_owned(),
                ProbeResult::WrongRegionOrUrl if cli => format!("nothing was stored; `switchboard vendors show {slug}` lists the regions and URL formats"),
                ProbeResult::WrongRegionOrUrl => "nothing was stored; check the region and the URL against the vendor's documentation".to_owned(),
                ProbeResult::VendorUnreachable if cli => "nothing was stored; check your connection or proxy, or use `--no-test` to store the values unchecked".to_owned(),
                ProbeResult::VendorUnreachable => "nothing was stored; check your connection or proxy, then try again".to_owned(),
                _ if cli => "nothing was stored; use `--no-test` to store the values unchecked".to_owned(),
                _ => "nothing was stored; try again later, or ask the vendor whether their API is having trouble".to_owned(),
            }),
            Self::Setup(_) => None,
        }
    }
}

/// Fields the user has not supplied and that have no default: what to prompt for.
/// With `all`, every field not supplied (for a fully guided session).
pub fn fields_to_prompt<'a>(vendor: &'a Vendor, input: &FieldInput, all: bool) -> Vec<&'a Field> {
    vendor
        .fields
        .iter()
        .filter(|f| !input.provides(&f.key))
        .filter(|f| all || (f.required && f.default.is_none()))
        .collect()
}

/// Checks and normalises field values before any network call. Returns the
/// credentials, split into plain values and secrets, with defaults filled in.
pub fn prepare(vendor: &Vendor, input: FieldInput) -> Result<Credentials, ConnectError> {
    let mut problems = Vec::new();
    for key in input.argv.keys().chain(input.private.keys()) {
        if vendor.field(key).is_none()
            && !problems.contains(&FieldProblem::Unknown { key: key.clone() })
        {
            problems.push(FieldProblem::Unknown { key: key.clone() });
        }
    }
    let mut creds = Credentials::default();
    for field in &vendor.fields {
        let given = input
            .private
            .get(&field.key)
            .map(|s| s.expose().trim().to_owned())
            .or_else(|| input.argv.get(&field.key).map(|v| v.trim().to_owned()));
        if field.secret && input.argv.contains_key(&field.key) {
            problems.push(FieldProblem::SecretOnCommandLine {
                key: field.key.clone(),
            });
            continue;
        }
        let value = given
            .filter(|v| !v.is_empty())
            .or_else(|| field.default.clone());
        let Some(value) = value else {
            if field.required {
                problems.push(FieldProblem::Missing {
                    key: field.key.clone(),
                    label: field.label.clone(),
                });
            }
            continue;
        };
        if field.secret {
            creds.secrets.insert(field.key.clone(), Secret::new(value));
            continue;
        }
        match normalise(field, value) {
            Ok(v) => {
                creds.plain.insert(field.key.clone(), v);
            }
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(creds)
    } else {
        Err(ConnectError::InvalidFields {
            slug: vendor.slug.clone(),
            problems,
        })
    }
}

fn normalise(field: &Field, value: String) -> Result<String, FieldProblem> {
    let key = field.key.clone();
    if !field.options.is_empty() {
        return match field
            .options
            .iter()
            .find(|o| o.value.eq_ignore_ascii_case(&value))
        {
            Some(o) => Ok(o.value.clone()),
            None => Err(FieldProblem::NotAnOption {
                key,
                value,
                allowed: field.options.iter().map(|o| o.value.clone()).collect(),
            }),
        };
    }
    match field.kind {
        FieldKind::Text => Ok(value),
        FieldKind::Url => {
            let with_scheme = if value.contains("://") {
                value.clone()
            } else {
                format!("https://{value}")
            };
            match url::Url::parse(&with_scheme) {
                Ok(u)
                    if matches!(u.scheme(), "http" | "https")
                        && u.host_str().is_some_and(|h| !h.is_empty()) =>
                {
                    Ok(with_scheme.trim_end_matches('/').to_owned())
                }
                _ => Err(FieldProblem::NotAUrl { key, value }),
            }
        }
        FieldKind::Subdomain => {
            let ok = value.len() <= 63
                && !value.starts_with('-')
                && !value.ends_with('-')
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if ok {
                Ok(value.to_ascii_lowercase())
            } else {
                Err(FieldProblem::NotASubdomain { key, value })
            }
        }
        FieldKind::Email => {
            let ok = value.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty() && domain.contains('.') && !value.contains(char::is_whitespace)
            });
            if ok {
                Ok(value)
            } else {
                Err(FieldProblem::NotAnEmail { key, value })
            }
        }
    }
}

/// A stage of `Switchboard::connect`, reported as it starts.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Stage<'a> {
    /// The values passed every check; the live probe is starting.
    Probing { vendor: &'a Vendor },
    /// The probe passed (or was skipped); the keychain is being written.
    Storing { vendor: &'a Vendor },
}

/// What `connect` did.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectReport {
    pub slug: String,
    /// `None` when the check was skipped (`--no-test`, or the vendor has no probe).
    pub probe: Option<ProbeOutcome>,
    pub stored_secrets: Vec<String>,
    pub stored_plain: Vec<String>,
    pub keychain_service: String,
}

#[cfg(test)]
mod tests;
