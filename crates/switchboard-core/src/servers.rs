//! Launch overrides (`vendors launch`) and custom servers (`servers add|remove`): the
//! parts of `config.toml` the CLI and app change, with the keychain for secrets.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::{self, ConfigError, CustomServer, LaunchOverride};
use crate::paths::Paths;

/// What to do with a vendor's launch spec.
#[derive(Debug, Clone)]
pub enum LaunchChange {
    Set(LaunchOverride),
    /// Back to the catalog's spec.
    Reset,
}

pub fn set_launch(paths: &Paths, slug: &str, change: &LaunchChange) -> Result<(), ConfigError> {
    config::edit(&paths.config_file(), |doc| {
        let vendor = config::table(doc, &["vendors", slug]);
        match change {
            LaunchChange::Reset => {
                vendor.remove("launch");
            }
            LaunchChange::Set(LaunchOverride::Http { http }) => {
                let mut t = toml_edit::Table::new();
                t.insert("http", toml_edit::value(http.as_str()));
                vendor.insert("launch", toml_edit::Item::Table(t));
            }
            LaunchChange::Set(LaunchOverride::Command { command, args, env }) => {
                let mut t = toml_edit::Table::new();
                t.insert("command", toml_edit::value(command.as_str()));
                t.insert("args", config::string_array(args));
                if !env.is_empty() {
                    t.insert("env", config::string_map(env));
                }
                vendor.insert("launch", toml_edit::Item::Table(t));
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// Pins `slug` to a source; `auto` removes the pin.
pub fn set_source(paths: &Paths, slug: &str, pin: config::Pin) -> Result<(), ConfigError> {
    config::edit(&paths.config_file(), |doc| {
        let vendor = config::table(doc, &["vendors", slug]);
        match pin {
            config::Pin::Auto => {
                vendor.remove("source");
            }
            pin => {
                vendor.insert("source", toml_edit::value(pin.as_str()));
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// Sets (or clears) the gateway's address and pre-registered client id.
pub fn set_gateway(
    paths: &Paths,
    url: Option<&str>,
    client_id: Option<&str>,
) -> Result<(), ConfigError> {
    config::edit(&paths.config_file(), |doc| {
        let gateway = config::table(doc, &["gateway"]);
        for (key, value) in [("url", url), ("client_id", client_id)] {
            match value {
                Some(v) => {
                    gateway.insert(key, toml_edit::value(v));
                }
                None => {
                    gateway.remove(key);
                }
            }
        }
        Ok(())
    })?;
    Ok(())
}

pub fn add_server(paths: &Paths, name: &str, server: &CustomServer) -> Result<(), ConfigError> {
    config::edit(&paths.config_file(), |doc| {
        let t = config::table(doc, &["servers", name]);
        t.clear();
        t.set_implicit(false);
        t.insert("command", toml_edit::value(server.command.as_str()));
        t.insert("args", config::string_array(&server.args));
        if !server.env.is_empty() {
            t.insert("env", config::string_map(&server.env));
        }
        if !server.secret_env.is_empty() {
            t.insert("secret_env", config::string_array(&server.secret_env));
        }
        Ok(())
    })?;
    Ok(())
}

pub fn remove_server(paths: &Paths, name: &str) -> Result<bool, ConfigError> {
    let mut existed = false;
    config::edit(&paths.config_file(), |doc| {
        if let Some(servers) = doc.get_mut("servers").and_then(|s| s.as_table_like_mut()) {
            existed = servers.remove(name).is_some();
        }
        Ok(())
    })?;
    Ok(existed)
}

/// What `servers add` stored.
#[derive(Debug, Clone, Serialize)]
pub struct ServerReport {
    pub name: String,
    pub command: String,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub secret_env: Vec<String>,
    pub keychain_service: String,
}
