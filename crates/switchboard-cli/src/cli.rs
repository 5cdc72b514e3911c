//! The argument grammar. Names here are part of the interface (DESIGN.md, CLI surface).

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Connect Claude to your MSP vendor tools, with credentials kept in the OS keychain.",
    after_help = "Exit codes: 0 ok, 1 failure, 2 bad input, 3 credential check failed, 4 keychain unavailable, 5 not connected, 6 a Switchboard file is corrupt."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,

    /// More log output on stderr (-v, -vv). `SWITCHBOARD_LOG` overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Browse the vendor catalog.
    #[command(subcommand)]
    Vendors(VendorsCommand),
    /// Check a vendor's credentials live, then keep them in the keychain.
    Connect(ConnectArgs),
    /// Check a connected vendor's stored credentials against its API.
    Test(SlugArg),
    /// Remove a vendor's credentials from the keychain and forget it.
    Disconnect(SlugArg),
    /// Check that Switchboard's keychain and catalog work.
    Doctor,
}

#[derive(Debug, Subcommand)]
pub enum VendorsCommand {
    /// Every vendor, with whether it is connected.
    List,
    /// One vendor's fields, allowed values, launch and connection.
    Show(SlugArg),
}

#[derive(Debug, Args)]
pub struct SlugArg {
    /// The vendor's slug, as `switchboard vendors list` shows it.
    pub slug: String,
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The vendor's slug, as `switchboard vendors list` shows it.
    pub slug: String,

    /// A plain (non-secret) field value. Repeatable. Secrets are never taken from the
    /// command line: enter them at the prompt or with `--stdin`.
    #[arg(long = "field", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub fields: Vec<(String, String)>,

    /// Read every field value as a JSON object from stdin, e.g. {"api_key": "…"}.
    #[arg(long)]
    pub stdin: bool,

    /// Store the values without checking them against the vendor's API.
    #[arg(long)]
    pub no_test: bool,
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
        _ => Err("expected KEY=VALUE".to_owned()),
    }
}
