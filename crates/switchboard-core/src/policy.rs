//! Tool policy: whether a vendor tool may run (`allow`), must wait for the
//! technician's approval (`confirm`) or may not run (`deny`).
//!
//! The effective policy of a tool comes from the first of these that has a say:
//! 1. the MSP preset's locked rules (`[policy.tools]` in the preset, with the preset
//!    locking `policy.tools`);
//! 2. the user's rules, `[policy.tools]` in `config.toml`;
//! 3. the catalog: the tools a vendor entry marks as dangerous (`[policy] confirm` and
//!    `deny` in `vendor.toml`, for servers that do not annotate their script runs,
//!    reboots and deletes);
//! 4. the tool's MCP annotations: `destructiveHint: true` is `confirm`,
//!    `readOnlyHint: true` is `allow`;
//! 5. otherwise `allow`.
//!
//! Rules are glob patterns (`*`, `?`, `[...]`) over the exposed name `vendor__tool`;
//! catalog patterns are over the server's own tool name. Among the rules of one
//! source that match, the most specific wins (the most characters that are not
//! wildcards), and of two as specific the stricter.
//!
//! Pure: no I/O; the daemon and the CLI hand in what they know.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::code::{Coded, ErrorCode};

/// What happens when a tool is called.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    #[default]
    Allow,
    Confirm,
    Deny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Confirm => "confirm",
            Self::Deny => "deny",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "allow" => Some(Self::Allow),
            "confirm" => Some(Self::Confirm),
            "deny" => Some(Self::Deny),
            _ => None,
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a tool has its policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Why {
    /// A rule of the MSP's preset, which the user cannot change.
    Preset { pattern: String },
    /// A rule in `config.toml`.
    Config { pattern: String },
    /// The vendor's catalog entry marks the tool.
    Catalog { pattern: String },
    /// The tool's own MCP annotation.
    Annotation { hint: String },
    /// Nothing says otherwise.
    Default,
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Preset { pattern } => write!(f, "your MSP's preset, rule `{pattern}` (locked)"),
            Self::Config { pattern } => write!(f, "config.toml, rule `{pattern}`"),
            Self::Catalog { pattern } => write!(f, "the catalog, which marks `{pattern}`"),
            Self::Annotation { hint } => write!(f, "the tool's annotation `{hint}`"),
            Self::Default => f.write_str("no rule or annotation"),
        }
    }
}

/// A tool's effective policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effective {
    pub decision: Decision,
    pub why: Why,
    /// Set by the preset: `policy set` cannot change it.
    pub locked: bool,
}

/// One rule: a glob pattern and what it decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub pattern: String,
    pub decision: Decision,
}

/// A vendor entry's marks for tools its server does not annotate (patterns over the
/// server's own tool names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CatalogMarks {
    pub confirm: Vec<String>,
    pub deny: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    #[error("`{pattern}` is not a valid pattern: {why}")]
    BadPattern { pattern: String, why: String },
    #[error("`{0}` is not a policy: use allow, confirm or deny")]
    BadDecision(String),
    #[error(
        "`{pattern}` names no vendor: write it as `<vendor>__<tool>` (a `*` may stand for either)"
    )]
    NoVendor { pattern: String },
    #[error("`{pattern}` is set by your MSP's preset and cannot be changed here")]
    Locked { pattern: String },
}

impl Coded for PolicyError {
    fn code(&self) -> ErrorCode {
        ErrorCode::InvalidField
    }
}

/// Checks a rule's pattern: a glob with the `vendor__tool` shape.
pub fn check_pattern(pattern: &str) -> Result<(), PolicyError> {
    glob::Pattern::new(pattern).map_err(|e| PolicyError::BadPattern {
        pattern: pattern.to_owned(),
        why: e.msg.to_owned(),
    })?;
    if !pattern.contains("__") && pattern != "*" {
        return Err(PolicyError::NoVendor {
            pattern: pattern.to_owned(),
        });
    }
    Ok(())
}

fn matches(pattern: &str, name: &str) -> bool {
    glob::Pattern::new(pattern).is_ok_and(|p| p.matches(name))
}

/// Characters that are not wildcards: how specific a pattern is.
fn specificity(pattern: &str) -> usize {
    pattern
        .chars()
        .filter(|c| !matches!(c, '*' | '?' | '[' | ']'))
        .count()
}

/// The most specific matching rule (the stricter of two as specific).
fn best<'a>(
    rules: impl Iterator<Item = (&'a str, Decision)>,
    name: &str,
) -> Option<(&'a str, Decision)> {
    rules
        .filter(|(p, _)| matches(p, name))
        .max_by(|a, b| specificity(a.0).cmp(&specificity(b.0)).then(a.1.cmp(&b.1)))
}

/// Everything a tool's policy depends on besides the tool.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sources<'a> {
    /// The preset's locked rules.
    pub preset: &'a [Rule],
    /// `config.toml`'s rules.
    pub config: &'a [Rule],
    /// The vendor's catalog marks (`None` for a custom server or a team vendor).
    pub catalog: Option<&'a CatalogMarks>,
}

/// The effective policy of the tool `tool` (the server's name) exposed as `exposed`,
/// with its `annotations` (the MCP `annotations` object, if any).
pub fn resolve(
    exposed: &str,
    tool: &str,
    annotations: Option<&Value>,
    sources: Sources<'_>,
) -> Effective {
    if let Some((pattern, decision)) = best(
        sources
            .preset
            .iter()
            .map(|r| (r.pattern.as_str(), r.decision)),
        exposed,
    ) {
        return Effective {
            decision,
            why: Why::Preset {
                pattern: pattern.to_owned(),
            },
            locked: true,
        };
    }
    if let Some((pattern, decision)) = best(
        sources
            .config
            .iter()
            .map(|r| (r.pattern.as_str(), r.decision)),
        exposed,
    ) {
        return Effective {
            decision,
            why: Why::Config {
                pattern: pattern.to_owned(),
            },
            locked: false,
        };
    }
    if let Some(marks) = sources.catalog {
        let marked = marks
            .confirm
            .iter()
            .map(|p| (p.as_str(), Decision::Confirm))
            .chain(marks.deny.iter().map(|p| (p.as_str(), Decision::Deny)));
        if let Some((pattern, decision)) = best(marked, tool) {
            return Effective {
                decision,
                why: Why::Catalog {
                    pattern: pattern.to_owned(),
                },
                locked: false,
            };
        }
    }
    let hint = |name: &str| {
        annotations
            .and_then(|a| a.get(name))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    if hint("destructiveHint") {
        return Effective {
            decision: Decision::Confirm,
            why: Why::Annotation {
                hint: "destructiveHint".into(),
            },
            locked: false,
        };
    }
    if hint("readOnlyHint") {
        return Effective {
            decision: Decision::Allow,
            why: Why::Annotation {
                hint: "readOnlyHint".into(),
            },
            locked: false,
        };
    }
    Effective {
        decision: Decision::Allow,
        why: Why::Default,
        locked: false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rule(pattern: &str, decision: Decision) -> Rule {
        Rule {
            pattern: pattern.into(),
            decision,
        }
    }

    #[test]
    fn annotations_decide_when_nothing_else_does() {
        let none = Sources::default();
        let destructive = json!({"destructiveHint": true});
        let read_only = json!({"readOnlyHint": true});
        assert_eq!(
            resolve("v__wipe", "wipe", Some(&destructive), none).decision,
            Decision::Confirm
        );
        assert_eq!(
            resolve("v__list", "list", Some(&read_only), none).why,
            Why::Annotation {
                hint: "readOnlyHint".into()
            }
        );
        // Unknown tools are allowed; a false hint is no hint.
        let e = resolve("v__x", "x", Some(&json!({"destructiveHint": false})), none);
        assert_eq!((e.decision, e.why), (Decision::Allow, Why::Default));
        assert_eq!(resolve("v__x", "x", None, none).decision, Decision::Allow);
    }

    #[test]
    fn the_catalog_marks_what_the_server_does_not_annotate() {
        let marks = CatalogMarks {
            confirm: vec!["*_run_quickjob".into(), "*reboot*".into()],
            deny: vec!["*_delete_*".into()],
        };
        let s = Sources {
            catalog: Some(&marks),
            ..Sources::default()
        };
        let quick = resolve(
            "datto-rmm__datto_run_quickjob",
            "datto_run_quickjob",
            None,
            s,
        );
        assert_eq!(quick.decision, Decision::Confirm);
        assert_eq!(
            quick.why,
            Why::Catalog {
                pattern: "*_run_quickjob".into()
            }
        );
        assert_eq!(
            resolve("h__hudu_delete_asset", "hudu_delete_asset", None, s).decision,
            Decision::Deny
        );
        // The catalog wins over a read-only annotation it contradicts.
        let ro = json!({"readOnlyHint": true});
        assert_eq!(
            resolve("n__devices_reboot", "devices_reboot", Some(&ro), s).decision,
            Decision::Confirm
        );
    }

    #[test]
    fn overrides_win_over_the_catalog_and_the_most_specific_rule_wins() {
        let marks = CatalogMarks {
            confirm: vec!["*_run_quickjob".into()],
            deny: vec![],
        };
        let config = [
            rule("datto-rmm__*", Decision::Deny),
            rule("datto-rmm__datto_run_quickjob", Decision::Allow),
            rule("datto-rmm__datto_list_*", Decision::Allow),
        ];
        let s = Sources {
            config: &config,
            catalog: Some(&marks),
            ..Sources::default()
        };
        assert_eq!(
            resolve(
                "datto-rmm__datto_run_quickjob",
                "datto_run_quickjob",
                None,
                s
            )
            .decision,
            Decision::Allow
        );
        assert_eq!(
            resolve("datto-rmm__datto_get_site", "datto_get_site", None, s).decision,
            Decision::Deny
        );
        assert_eq!(
            resolve("datto-rmm__datto_list_sites", "datto_list_sites", None, s).why,
            Why::Config {
                pattern: "datto-rmm__datto_list_*".into()
            }
        );
        // Two rules as specific: the stricter.
        let tie = [
            rule("a__x*", Decision::Allow),
            rule("a__*x", Decision::Confirm),
        ];
        let s = Sources {
            config: &tie,
            ..Sources::default()
        };
        assert_eq!(resolve("a__x", "x", None, s).decision, Decision::Confirm);
    }

    #[test]
    fn the_preset_is_locked_and_wins_over_everything() {
        let preset = [rule("*", Decision::Confirm)];
        let config = [rule("hudu__hudu_list_companies", Decision::Allow)];
        let s = Sources {
            preset: &preset,
            config: &config,
            catalog: None,
        };
        let e = resolve("hudu__hudu_list_companies", "hudu_list_companies", None, s);
        assert_eq!((e.decision, e.locked), (Decision::Confirm, true));
    }

    #[test]
    fn patterns_are_checked() {
        assert!(check_pattern("datto-rmm__*").is_ok());
        assert!(check_pattern("*__*delete*").is_ok());
        assert!(check_pattern("*").is_ok());
        assert!(matches!(
            check_pattern("delete"),
            Err(PolicyError::NoVendor { .. })
        ));
        assert!(matches!(
            check_pattern("a__[x"),
            Err(PolicyError::BadPattern { .. })
        ));
        assert_eq!(Decision::parse(" Confirm "), Some(Decision::Confirm));
        assert_eq!(Decision::parse("ask"), None);
    }
}
