//! The argument grammar. Names here are part of the interface (DESIGN.md, CLI surface).

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Connect Claude to your MSP vendor tools, with credentials kept in the OS keychain.",
    after_help = "Exit codes: 0 ok, 1 failure, 2 bad input, 3 credential check failed, 4 keychain unavailable, 5 not connected, 6 a Switchboard file is corrupt, 7 the daemon is unavailable."
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
    /// Run the supervisor daemon (the bridge starts it when needed).
    Daemon(DaemonArgs),
    /// The MCP entry point for Claude and other clients: speaks MCP on stdin/stdout.
    Bridge(BridgeArgs),
    /// What every vendor's server is doing.
    Status,
    /// Show a vendor server's log (its stderr), or the daemon's (`logs daemon`).
    Logs(LogsArgs),
    /// Restart a vendor's server in the daemon (also clears a failed state).
    Restart(SlugArg),
    /// Servers that are not in the catalog.
    #[command(subcommand)]
    Servers(ServersCommand),
}

#[derive(Debug, Args)]
pub struct DaemonArgs {
    #[command(subcommand)]
    pub action: Option<DaemonAction>,
    /// Run in this process (logs also go to stderr) instead of in the background.
    #[arg(long)]
    pub foreground: bool,
}

#[derive(Debug, Subcommand)]
pub enum DaemonAction {
    /// Stop the daemon and every vendor server it runs.
    Stop,
}

#[derive(Debug, Args)]
pub struct BridgeArgs {
    /// Expose only this vendor's tools. Repeatable.
    #[arg(long = "vendor", value_name = "SLUG")]
    pub vendors: Vec<String>,
    /// Expose only `switchboard__search_tools` and `switchboard__call_tool`.
    #[arg(long)]
    pub compact: bool,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// A vendor's slug, or `daemon`.
    pub slug: String,
    /// Keep printing new lines as they are written.
    #[arg(short, long)]
    pub follow: bool,
    /// How many lines to show first.
    #[arg(short = 'n', long, default_value_t = 100)]
    pub lines: usize,
}

#[derive(Debug, Args)]
pub struct LaunchArgs {
    /// The vendor's slug.
    pub slug: String,
    /// Use a self-hosted server at this streamable-HTTP URL (credentials go as headers).
    #[arg(long, value_name = "URL", conflicts_with_all = ["reset", "command"])]
    pub http: Option<String>,
    /// Go back to the catalog's way of running the vendor.
    #[arg(long, conflicts_with = "command")]
    pub reset: bool,
    /// The command to run instead, after `--`. Credentials are passed as the catalog's
    /// environment variables.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ServersCommand {
    /// Add a server that is not in the catalog, run as `-- <command> [args…]`.
    Add(ServerAddArgs),
    /// Remove a custom server and its keychain items.
    Remove(NameArg),
}

#[derive(Debug, Args)]
pub struct ServerAddArgs {
    /// A name for it (lower-case words joined by `-`); its tools are `<name>__<tool>`.
    pub name: String,
    /// A plain environment variable for the server. Repeatable.
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub env: Vec<(String, String)>,
    /// An environment variable whose value is a secret, kept in the keychain; asked for
    /// with hidden input, or read from `--stdin`. Repeatable.
    #[arg(long = "secret-env", value_name = "KEY")]
    pub secret_env: Vec<String>,
    /// Read the secret values as a JSON object from stdin, e.g. {"API_TOKEN": "…"}.
    #[arg(long)]
    pub stdin: bool,
    /// The command to run, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NameArg {
    pub name: String,
}

#[derive(Debug, Subcommand)]
pub enum VendorsCommand {
    /// Every vendor, with whether it is connected.
    List,
    /// One vendor's fields, allowed values, launch and connection.
    Show(SlugArg),
    /// Change how a vendor's server runs: `-- <command> [args…]`, `--http <url>`, or `--reset`.
    Launch(LaunchArgs),
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
