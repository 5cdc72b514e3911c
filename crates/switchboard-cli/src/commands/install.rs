//! `switchboard install|uninstall <client>`.

use switchboard_core::Switchboard;
use switchboard_core::clients::Client;

use super::{CmdResult, Failure, this_program};
use crate::cli::{ClientArg, InstallArgs, InstallMode, UninstallArgs};
use crate::{exit, output};

fn client(arg: ClientArg) -> Client {
    match arg {
        ClientArg::ClaudeDesktop => Client::ClaudeDesktop,
        ClientArg::ClaudeCode => Client::ClaudeCode,
        ClientArg::Cursor => Client::Cursor,
    }
}

pub fn install(sb: &Switchboard, args: InstallArgs, json: bool) -> CmdResult {
    let client = client(args.client);
    if args.mode == InstallMode::Mcpb {
        if client != Client::ClaudeDesktop {
            return Err(Failure::usage(
                format!(
                    "`--mode mcpb` is for Claude Desktop only; {} reads its config",
                    client.name()
                ),
                Some(format!("run `switchboard install {}`", client.slug())),
            ));
        }
        if args.dry_run {
            return Err(Failure::usage(
                "`--dry-run` shows a config change; `--mode mcpb` makes none",
                None,
            ));
        }
        let built = sb.install_mcpb(&args.vendors, &this_program()?)?;
        if json {
            output::json(&built);
        } else {
            for file in &built {
                output::line(&format!(
                    "Opened {} with Claude Desktop: confirm the install in its window.",
                    file.path.display()
                ));
            }
        }
        return Ok(exit::OK);
    }
    let outcome = sb.install(client, &args.vendors, &this_program()?, args.dry_run)?;
    if json {
        output::json(&outcome);
    } else {
        output::client_outcome(&outcome);
    }
    Ok(exit::OK)
}

pub fn uninstall(sb: &Switchboard, args: UninstallArgs, json: bool) -> CmdResult {
    let outcome = sb.uninstall(client(args.client), args.dry_run)?;
    if json {
        output::json(&outcome);
    } else {
        output::client_outcome(&outcome);
    }
    Ok(exit::OK)
}
