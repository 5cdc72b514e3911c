//! `switchboard preset show|check`.

use switchboard_core::Switchboard;
use switchboard_core::preset::{Found, Preset};

use super::CmdResult;
use crate::cli::PresetCheckArgs;
use crate::{exit, output};

pub fn show(sb: &Switchboard, json: bool) -> CmdResult {
    let found = sb.preset();
    if json {
        output::json(&found);
        return Ok(exit::OK);
    }
    match &found {
        Found::None { looked_at } => output::line(&match looked_at {
            Some(p) => format!("No MSP preset (looked for {}).", p.display()),
            None => "No MSP preset (this platform has no place for one; SWITCHBOARD_PRESET names a file).".to_owned(),
        }),
        Found::Applied { path, preset } => {
            output::line(&format!("Preset read from {}", path.display()));
            summary(preset);
        }
        Found::Ignored { path, problems } => {
            output::line(&format!(
                "The preset {} is not valid, so none of it applies:",
                path.display()
            ));
            for p in problems {
                output::line(&format!("  {p}"));
            }
        }
        Found::Unreadable { path, error } => output::line(&format!(
            "Cannot read the preset {} ({error}), so none of it applies.",
            path.display()
        )),
    }
    Ok(exit::OK)
}

pub fn check(sb: &Switchboard, args: PresetCheckArgs, json: bool) -> CmdResult {
    let preset = sb.check_preset(&args.file)?;
    if json {
        output::json(&preset);
    } else {
        output::line(&format!("{} is a valid preset.", args.file.display()));
        summary(&preset);
    }
    Ok(exit::OK)
}

/// What a preset sets, one line each, locked ones marked.
fn summary(p: &Preset) {
    let lock = |key: &str| if p.is_locked(key) { " (locked)" } else { "" };
    let mut lines = Vec::new();
    if let Some(name) = &p.msp.name {
        lines.push(format!("MSP: {name}{}", lock("msp.name")));
    }
    if let Some(url) = &p.msp.support_url {
        lines.push(format!("support: {url}{}", lock("msp.support_url")));
    }
    if let Some(url) = &p.gateway.url {
        lines.push(format!("gateway: {url}{}", lock("gateway.url")));
    }
    if let Some(shown) = &p.vendors.shown {
        lines.push(format!(
            "vendors shown: {}{}",
            shown.join(", "),
            lock("vendors.shown")
        ));
    }
    for (slug, values) in &p.vendors.defaults {
        let values: Vec<String> = values.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        lines.push(format!(
            "{slug} defaults: {}{}",
            values.join(", "),
            lock("vendors.defaults")
        ));
    }
    if let Some(e) = &p.updates.endpoint {
        lines.push(format!("update endpoint: {e}{}", lock("updates.endpoint")));
    }
    if let Some(c) = &p.updates.channel {
        lines.push(format!("update channel: {c}{}", lock("updates.channel")));
    }
    if let Some(d) = p.updates.check_daily {
        lines.push(format!(
            "check for updates daily: {}{}",
            if d { "yes" } else { "no" },
            lock("updates.check_daily")
        ));
    }
    if let Some(s) = p.supervisor.idle_timeout_s {
        lines.push(format!(
            "idle timeout: {s} s{}",
            lock("supervisor.idle_timeout_s")
        ));
    }
    if let Some(c) = p.supervisor.compact {
        lines.push(format!(
            "compact mode: {}{}",
            if c { "on" } else { "off" },
            lock("supervisor.compact")
        ));
    }
    if lines.is_empty() {
        lines.push("(it sets nothing)".to_owned());
    }
    for l in lines {
        output::line(&format!("  {l}"));
    }
}
