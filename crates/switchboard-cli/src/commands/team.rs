//! `switchboard login|logout|team [tools|call]` and `vendors source`.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use switchboard_core::config::Pin;
use switchboard_core::gateway::browser::SystemBrowser;
use switchboard_core::gateway::login::{LoginOptions, Stage};
use switchboard_core::secret::Secret;
use switchboard_core::{Progress, Switchboard};

use super::{CmdResult, Failure};
use crate::cli::{LoginArgs, SourceArg, SourceArgs, TeamCallArgs};
use crate::{exit, output};

/// Says where a sign-in is, on stderr, with the sign-in page's address to open by hand.
fn report(stage: Stage<'_>) {
    match stage {
        Stage::Browser { url, opened: true } => output::note(&format!(
            "{}\nIf it did not open, open this address:\n  {url}",
            stage.words()
        )),
        Stage::Browser { url, opened: false } => {
            output::note(&format!("{}\n  {url}", stage.words()));
        }
        _ => output::note(&stage.words()),
    }
}

fn progress() -> Progress {
    Arc::new(report)
}

pub async fn login(sb: &Switchboard, args: LoginArgs, json: bool) -> CmdResult {
    let client_secret = if args.client_secret_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::usage(format!("cannot read stdin: {e}"), None))?;
        let secret = text.trim().to_owned();
        if secret.is_empty() {
            return Err(Failure::usage("the client secret on stdin is empty", None));
        }
        Some(Secret::new(secret))
    } else {
        None
    };
    let opts = LoginOptions {
        gateway: args.gateway,
        client_id: args.client_id,
        client_secret,
        open_browser: !args.no_browser,
        wait: Duration::from_secs(args.wait.max(1)),
    };
    let team = sb.login(opts, &SystemBrowser, &report).await?;
    if json {
        output::json(&team);
    } else {
        output::signed_in(&team);
    }
    Ok(exit::OK)
}

pub async fn logout(sb: &Switchboard, json: bool) -> CmdResult {
    let out = sb.logout().await?;
    if json {
        output::json(&out);
    } else {
        output::signed_out(&out);
    }
    Ok(exit::OK)
}

pub async fn team(sb: &Switchboard, json: bool) -> CmdResult {
    let team = sb.team().await?;
    if json {
        output::json(&team);
    } else {
        output::team(&team);
    }
    Ok(exit::OK)
}

pub async fn tools(sb: &Switchboard, json: bool) -> CmdResult {
    let tools = sb.team_tools(Arc::new(SystemBrowser), progress()).await?;
    if json {
        output::json(&tools);
    } else {
        output::team_tools(&tools);
    }
    Ok(exit::OK)
}

pub async fn call(sb: &Switchboard, args: TeamCallArgs, json: bool) -> CmdResult {
    let arguments: Value = serde_json::from_str(&args.args)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| Failure::usage("`--args` must be a JSON object", None))?;
    let result = sb
        .team_call(&args.tool, arguments, Arc::new(SystemBrowser), progress())
        .await?;
    let failed = result.get("isError").and_then(Value::as_bool) == Some(true);
    if json {
        output::json(&result);
    } else {
        output::tool_result(&result);
    }
    Ok(if failed { exit::FAILURE } else { exit::OK })
}

pub async fn source(sb: &Switchboard, args: SourceArgs, json: bool) -> CmdResult {
    let pin = match args.source {
        SourceArg::Local => Pin::Local,
        SourceArg::Gateway => Pin::Gateway,
        SourceArg::Auto => Pin::Auto,
    };
    sb.set_source(&args.slug, pin).await?;
    if json {
        output::json(&serde_json::json!({ "slug": args.slug, "source": pin.as_str() }));
    } else {
        output::line(&match pin {
            Pin::Local => format!(
                "{} is served with this computer's credentials only.",
                args.slug
            ),
            Pin::Gateway => format!("{} is served by the team gateway.", args.slug),
            Pin::Auto => format!(
                "{} is served with this computer's credentials when connected here, else by the team gateway.",
                args.slug
            ),
        });
    }
    Ok(exit::OK)
}
