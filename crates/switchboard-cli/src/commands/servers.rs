//! `switchboard vendors launch` and `servers add|remove`.

use std::collections::BTreeMap;

use switchboard_core::Switchboard;
use switchboard_core::config::{CustomServer, LaunchOverride};
use switchboard_core::secret::Secret;
use switchboard_core::servers::LaunchChange;

use super::{CmdResult, Failure};
use crate::cli::{LaunchArgs, ServerAddArgs};
use crate::{exit, output, prompt};

pub async fn launch(sb: &Switchboard, args: LaunchArgs, json: bool) -> CmdResult {
    let change = match (args.http, args.reset, args.command.split_first()) {
        (Some(http), _, _) => LaunchChange::Set(LaunchOverride::Http { http }),
        (None, true, _) => LaunchChange::Reset,
        (None, false, Some((command, rest))) => LaunchChange::Set(LaunchOverride::Command {
            command: command.clone(),
            args: rest.to_vec(),
            env: BTreeMap::new(),
        }),
        (None, false, None) => {
            return Err(Failure::usage(
                "say how to run it: `-- <command> [args…]`, `--http <url>`, or `--reset`",
                Some(format!(
                    "e.g. `switchboard vendors launch {} -- node /path/to/server.js`",
                    args.slug
                )),
            ));
        }
    };
    sb.set_launch(&args.slug, change.clone()).await?;
    let text = match &change {
        LaunchChange::Reset => format!("{} runs as the catalog says again.", args.slug),
        LaunchChange::Set(LaunchOverride::Http { http }) => {
            format!("{} now uses the server at {http}.", args.slug)
        }
        LaunchChange::Set(LaunchOverride::Command {
            command, args: a, ..
        }) => {
            format!(
                "{} now runs `{}`.",
                args.slug,
                std::iter::once(command.as_str())
                    .chain(a.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    };
    if json {
        output::json(&serde_json::json!({ "slug": args.slug, "message": text }));
    } else {
        output::line(&text);
    }
    Ok(exit::OK)
}

pub async fn add(sb: &Switchboard, args: ServerAddArgs, json: bool) -> CmdResult {
    let (command, rest) = args.command.split_first().expect("clap requires a command");
    let mut secrets: BTreeMap<String, Secret<String>> = BTreeMap::new();
    if args.stdin {
        for (k, v) in super::connect::read_stdin_json()? {
            secrets.insert(k, v);
        }
    } else if prompt::interactive() {
        for key in &args.secret_env {
            let value = prompt::ask_secret(key)
                .map_err(|e| Failure::usage(format!("cannot read from the terminal: {e}"), None))?;
            if let Some(v) = value {
                secrets.insert(key.clone(), v);
            }
        }
    }
    if let Some(unknown) = secrets.keys().find(|k| !args.secret_env.contains(k)) {
        return Err(Failure::usage(
            format!("`{unknown}` was given but not declared with `--secret-env {unknown}`"),
            None,
        ));
    }
    let server = CustomServer {
        command: command.clone(),
        args: rest.to_vec(),
        env: args.env.into_iter().collect(),
        secret_env: args.secret_env,
    };
    let report = sb.add_server(&args.name, server, secrets).await?;
    if json {
        output::json(&report);
    } else {
        output::line(&format!(
            "Added {}: its tools are {}__<tool>.",
            report.name, report.name
        ));
        if !report.secret_env.is_empty() {
            output::line(&format!(
                "Secrets ({}) are in the keychain under \"{}\".",
                report.secret_env.join(", "),
                report.keychain_service
            ));
        }
    }
    Ok(exit::OK)
}

pub async fn remove(sb: &Switchboard, name: &str, json: bool) -> CmdResult {
    let existed = sb.remove_server(name).await?;
    if json {
        output::json(&serde_json::json!({ "name": name, "removed": existed }));
    } else {
        output::line(&format!("Removed {name}."));
    }
    Ok(exit::OK)
}
