//! Running an imported bundle: its `mcp_config` with the `${…}` variables filled in.
//!
//! The variables are Claude Desktop's: `${__dirname}`, `${HOME}`, `${DESKTOP}`,
//! `${DOCUMENTS}`, `${DOWNLOADS}`, `${pathSeparator}`, `${/}` and `${user_config.KEY}`.
//! Unknown variables stay as written, as in Claude Desktop. We differ on purpose in one
//! way: a `user_config` value that is unset is never passed on as the literal
//! placeholder (Claude Desktop's known bug). The env entry or argument that needs it is
//! dropped instead, with the `--flag` before a dropped argument.
//!
//! Values come from the vendor's connection: a `user_config` key is tied to the
//! vendor's field of the same key, or of the env var the bundle feeds it to, or whose
//! key the user_config key ends with (`datto_api_key` → `api_key`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::catalog::Vendor;
use crate::code::{Coded, ErrorCode};

use super::manifest::{Manifest, McpConfig};

/// Where one `user_config` value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The vendor field that holds it, if any.
    pub field: Option<String>,
    /// The manifest default, system variables expanded.
    pub default: Option<String>,
    /// Sensitive in the manifest or secret in the catalog: never in argv.
    pub secret: bool,
}

/// The system variables for a bundle unpacked in `dir`.
pub fn system_vars(dir: &Path) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    vars.insert("__dirname".to_owned(), dir.display().to_string());
    let sep = std::path::MAIN_SEPARATOR.to_string();
    vars.insert("pathSeparator".to_owned(), sep.clone());
    vars.insert("/".to_owned(), sep);
    if let Some(user) = directories::UserDirs::new() {
        vars.insert("HOME".to_owned(), user.home_dir().display().to_string());
        for (name, path) in [
            ("DESKTOP", user.desktop_dir()),
            ("DOCUMENTS", user.document_dir()),
            ("DOWNLOADS", user.download_dir()),
        ] {
            let path = path
                .map(Path::to_owned)
                .unwrap_or_else(|| user.home_dir().join(name.to_lowercase()));
            vars.insert(name.to_owned(), path.display().to_string());
        }
    }
    vars
}

/// A user_config key as a field key: lower-case, `_` for anything else.
pub fn field_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Ties each `user_config` key of `manifest` to `vendor`'s fields.
pub fn map_inputs(
    manifest: &Manifest,
    config: &McpConfig,
    vendor: &Vendor,
    system: &BTreeMap<String, String>,
) -> BTreeMap<String, Input> {
    let mut inputs = BTreeMap::new();
    for (key, option) in manifest.user_config.iter().flatten() {
        let placeholder = format!("${{user_config.{key}}}");
        let fed_env: Vec<&String> = config
            .env
            .iter()
            .filter(|(_, v)| v.contains(&placeholder))
            .map(|(k, _)| k)
            .collect();
        let field = vendor
            .fields
            .iter()
            .find(|f| f.key == field_key(key))
            .or_else(|| vendor.fields.iter().find(|f| fed_env.contains(&&f.env)))
            .or_else(|| {
                vendor
                    .fields
                    .iter()
                    .filter(|f| key.ends_with(&format!("_{}", f.key)))
                    .max_by_key(|f| f.key.len())
            });
        let default = option
            .default
            .as_ref()
            .and_then(|d| d.as_text())
            .map(|d| substitute(&d, &|name| system.get(name).cloned()).unwrap_or(d))
            .filter(|d| !d.is_empty());
        inputs.insert(
            key.clone(),
            Input {
                field: field.map(|f| f.key.clone()),
                default,
                secret: option.is_sensitive() || field.is_some_and(|f| f.secret),
            },
        );
    }
    inputs
}

/// A variable that has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unset(pub String);

/// Replaces every `${name}` in `text`. `lookup` gives a value, `None` to keep the
/// placeholder as written. A `user_config.*` name without a value is [`Unset`].
/// Replaced text is not scanned again.
pub fn substitute(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, Unset> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = &after[..end];
        match lookup(name) {
            Some(value) => out.push_str(&value),
            None if name.starts_with("user_config.") => return Err(Unset(name.to_owned())),
            None => {
                out.push_str("${");
                out.push_str(name);
                out.push('}');
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Why an imported bundle cannot be run as Switchboard runs bundles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RunProblem {
    #[error("the bundle has no mcp_config")]
    NoConfig,
    #[error("the bundle's command depends on a user setting")]
    CommandNeedsSetting,
    #[error(
        "the bundle passes the secret `{0}` on the command line, where other programs can read it; Switchboard only passes secrets in the environment"
    )]
    SecretOnArgv(String),
}

impl Coded for RunProblem {
    fn code(&self) -> ErrorCode {
        ErrorCode::BundleInvalid
    }
}

/// A bundle's command, ready but for the connection's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleLaunch {
    pub dir: PathBuf,
    /// The command as the bundle gives it, system variables expanded.
    pub command: String,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub inputs: BTreeMap<String, Input>,
}

/// The materialised command line and environment, and what was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Materialized {
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    /// `user_config` keys that had no value, so their env entries and arguments were
    /// dropped.
    pub dropped: Vec<String>,
}

impl BundleLaunch {
    pub fn new(
        dir: &Path,
        config: &McpConfig,
        inputs: BTreeMap<String, Input>,
    ) -> Result<Self, RunProblem> {
        let system = system_vars(dir);
        let sys = |name: &str| system.get(name).cloned();
        let keep = |s: &str| -> String {
            // System variables only; user_config placeholders stay for later.
            substitute(s, &|name| {
                if name.starts_with("user_config.") {
                    Some(format!("${{{name}}}"))
                } else {
                    sys(name)
                }
            })
            .unwrap_or_else(|_| s.to_owned())
        };
        let command = keep(&config.command);
        if command.contains("${user_config.") {
            return Err(RunProblem::CommandNeedsSetting);
        }
        for arg in &config.args {
            for (key, input) in &inputs {
                if input.secret && arg.contains(&format!("${{user_config.{key}}}")) {
                    return Err(RunProblem::SecretOnArgv(key.clone()));
                }
            }
        }
        Ok(Self {
            dir: dir.to_owned(),
            command,
            args: config.args.iter().map(|a| keep(a)).collect(),
            env: config
                .env
                .iter()
                .map(|(k, v)| (k.clone(), keep(v)))
                .collect(),
            inputs,
        })
    }

    /// Fills in the `user_config` values: the vendor field's value, else the default.
    pub fn materialize(&self, field_value: &dyn Fn(&str) -> Option<String>) -> Materialized {
        let value = |name: &str| -> Option<String> {
            let key = name.strip_prefix("user_config.")?;
            let input = self.inputs.get(key)?;
            input
                .field
                .as_deref()
                .and_then(field_value)
                .filter(|v| !v.is_empty())
                .or_else(|| input.default.clone())
        };
        let mut dropped = Vec::new();
        let mut args: Vec<String> = Vec::with_capacity(self.args.len());
        let mut flag_pending = false;
        for arg in &self.args {
            match substitute(arg, &value) {
                Ok(a) => {
                    flag_pending = a.starts_with('-') && !a.contains('=');
                    args.push(a);
                }
                Err(Unset(name)) => {
                    let whole = arg.starts_with("${")
                        && arg.ends_with('}')
                        && arg.matches("${").count() == 1;
                    if whole && flag_pending {
                        args.pop();
                    }
                    flag_pending = false;
                    dropped.push(name.trim_start_matches("user_config.").to_owned());
                }
            }
        }
        let mut env = BTreeMap::new();
        for (k, v) in &self.env {
            match substitute(v, &value) {
                Ok(v) => {
                    env.insert(k.clone(), v);
                }
                Err(Unset(name)) => {
                    dropped.push(name.trim_start_matches("user_config.").to_owned())
                }
            }
        }
        dropped.sort();
        dropped.dedup();
        Materialized { args, env, dropped }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn lookup(name: &str) -> Option<String> {
        match name {
            "__dirname" => Some("/b".into()),
            "user_config.set" => Some("v".into()),
            _ => None,
        }
    }

    #[test]
    fn substitution_matches_claude_except_for_unset_values() {
        assert_eq!(substitute("${__dirname}/x", &lookup).unwrap(), "/b/x");
        assert_eq!(substitute("a${user_config.set}b", &lookup).unwrap(), "avb");
        assert_eq!(substitute("${OTHER}", &lookup).unwrap(), "${OTHER}");
        assert_eq!(substitute("${unclosed", &lookup).unwrap(), "${unclosed");
        assert_eq!(
            substitute("https://${user_config.sub}.x.com", &lookup),
            Err(Unset("user_config.sub".into()))
        );
        // Replaced text is not scanned again.
        let tricky = |n: &str| (n == "A").then(|| "${B}".to_owned());
        assert_eq!(substitute("${A}", &tricky).unwrap(), "${B}");
    }

    fn manifest(json: serde_json::Value) -> Manifest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn unset_optional_values_drop_their_entries_never_pass_placeholders() {
        let m = manifest(serde_json::json!({
            "manifest_version": "0.3", "name": "halopsa-mcp", "version": "1", "description": "d",
            "author": {"name": "a"},
            "server": {"type": "node", "entry_point": "dist/index.js", "mcp_config": {
                "command": "node",
                "args": ["${__dirname}/dist/index.js", "--tenant", "${user_config.halo_tenant}", "--verbose"],
                "env": {
                    "HALOPSA_CLIENT_ID": "${user_config.halo_client_id}",
                    "HALOPSA_CLIENT_SECRET": "${user_config.halo_client_secret}",
                    "HALOPSA_BASE_URL": "${user_config.halo_base_url}",
                    "MCP_TRANSPORT": "stdio"
                }
            }},
            "user_config": {
                "halo_client_id": {"type": "string", "title": "t", "description": "d", "required": true},
                "halo_client_secret": {"type": "string", "title": "t", "description": "d", "required": true, "sensitive": true},
                "halo_base_url": {"type": "string", "title": "t", "description": "d"},
                "halo_tenant": {"type": "string", "title": "t", "description": "d", "default": "main"}
            }
        }));
        let halo = Catalog::builtin().unwrap().get("halopsa").unwrap().clone();
        let config = m.server.mcp_config.clone().unwrap();
        let dir = Path::new("/data/bundles/halopsa/bundle");
        let inputs = map_inputs(&m, &config, &halo, &system_vars(dir));
        assert_eq!(
            inputs["halo_client_secret"].field.as_deref(),
            Some("client_secret")
        );
        assert!(inputs["halo_client_secret"].secret);
        let launch = BundleLaunch::new(dir, &config, inputs).unwrap();
        assert_eq!(launch.args[0], format!("{}/dist/index.js", dir.display()));

        let values = |key: &str| match key {
            "client_id" => Some("id".to_owned()),
            "client_secret" => Some("s3cret".to_owned()),
            _ => None,
        };
        let got = launch.materialize(&values);
        assert_eq!(got.env["HALOPSA_CLIENT_SECRET"], "s3cret");
        assert_eq!(got.env["MCP_TRANSPORT"], "stdio");
        assert!(!got.env.contains_key("HALOPSA_BASE_URL"), "{got:?}");
        assert_eq!(got.dropped, ["halo_base_url"]);
        assert_eq!(got.args[1..], ["--tenant", "main", "--verbose"]);
        assert!(
            got.args
                .iter()
                .chain(got.env.values())
                .all(|v| !v.contains("${"))
        );
    }

    #[test]
    fn a_dropped_argument_takes_its_flag_with_it() {
        let config: McpConfig = serde_json::from_value(serde_json::json!({
            "command": "${__dirname}/server/x",
            "args": ["--region", "${user_config.region}", "--url=${user_config.url}", "plain"]
        }))
        .unwrap();
        let mut inputs = BTreeMap::new();
        for key in ["region", "url"] {
            inputs.insert(
                key.to_owned(),
                Input {
                    field: Some(key.to_owned()),
                    default: None,
                    secret: false,
                },
            );
        }
        let launch = BundleLaunch::new(Path::new("/b"), &config, inputs).unwrap();
        let got = launch.materialize(&|_| None);
        assert_eq!(got.args, ["plain"]);
        assert_eq!(got.dropped, ["region", "url"]);
    }

    #[test]
    fn secrets_on_the_command_line_are_refused() {
        let config: McpConfig = serde_json::from_value(serde_json::json!({
            "command": "node", "args": ["--key", "${user_config.key}"]
        }))
        .unwrap();
        let inputs = BTreeMap::from([(
            "key".to_owned(),
            Input {
                field: Some("key".into()),
                default: None,
                secret: true,
            },
        )]);
        let err = BundleLaunch::new(Path::new("/b"), &config, inputs).unwrap_err();
        assert!(err.to_string().contains("command line"), "{err}");
    }
}
