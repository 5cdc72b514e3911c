//! `switchboard plugins list|enable|disable`.

use switchboard_core::Switchboard;

use super::CmdResult;
use crate::cli::{PluginsDisableArgs, PluginsEnableArgs, PluginsScope};
use crate::{exit, output};

pub fn list(sb: &Switchboard, args: &PluginsScope, json: bool) -> CmdResult {
    let report = sb.plugins(args.project.as_deref())?;
    if json {
        output::json(&report);
    } else {
        output::plugins(&report);
    }
    Ok(exit::OK)
}

pub fn enable(sb: &Switchboard, args: PluginsEnableArgs, json: bool) -> CmdResult {
    let change = sb.enable_plugins(
        &args.vendors,
        args.connected,
        args.scope.project.as_deref(),
        args.dry_run,
    )?;
    if json {
        output::json(&change);
    } else {
        output::plugin_change(&change, true);
    }
    Ok(exit::OK)
}

pub fn disable(sb: &Switchboard, args: PluginsDisableArgs, json: bool) -> CmdResult {
    let change = sb.disable_plugins(&args.vendors, args.scope.project.as_deref(), args.dry_run)?;
    if json {
        output::json(&change);
    } else {
        output::plugin_change(&change, false);
    }
    Ok(exit::OK)
}
