//! The argument grammar. Names here are part of the interface (DESIGN.md, CLI surface).

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Connect Claude to your MSP vendor tools, with credentials kept in the OS keychain.",
    after_help = "Exit codes: 0 ok, 1 failure, 2 bad input, 3 credential check failed, 4 keychain unavailable, 5 not connected, 6 a Switchboard file is corrupt, 7 the daemon is unavailable, 8 a bundle was refused, 9 a client config could not be parsed, 10 not signed in to the team gateway (or the sign-in failed), 11 the team gateway is unreachable."
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
    /// Check everything Switchboard depends on, each finding with a fix.
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
    /// Stop a vendor's server now; the next call starts it again.
    Stop(SlugArg),
    /// Servers that are not in the catalog.
    #[command(subcommand)]
    Servers(ServersCommand),
    /// Build, inspect and import `.mcpb` bundles.
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Add Switchboard to an MCP client (its config, or a bundle for Claude Desktop).
    Install(InstallArgs),
    /// Take Switchboard out of an MCP client's config (nothing else is touched).
    Uninstall(UninstallArgs),
    /// Sign in to your team's hosted gateway in the browser; its vendors then work
    /// without keys on this computer.
    Login(LoginArgs),
    /// Sign out of the team gateway: revoke its tokens and remove them.
    Logout,
    /// The team sign-in and the vendors it serves; `team tools` and `team call` use it.
    Team(TeamArgs),
    /// The MSP preset: where it was read from and what it sets, or check a preset file.
    Preset(PresetArgs),
    /// The vendors' companion plugins for Claude Code (skills and slash commands):
    /// which are enabled, and enabling or disabling them.
    #[command(subcommand)]
    Plugins(PluginsCommand),
    /// Which vendor tools run, wait for your approval, or never run.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// The calls waiting for your approval (a `confirm` tool that Claude called).
    Approvals,
    /// Approve a waiting call: it runs and Claude gets its result.
    Approve(AnswerArgs),
    /// Decline a waiting call: Claude is told you declined it.
    Deny(AnswerArgs),
    /// The record of every tool call through the daemon.
    Audit(AuditArgs),
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Every tool's effective policy and why (starts the daemon if needed).
    List(PolicyListArgs),
    /// Set a rule in config.toml for a tool or a pattern (`datto-rmm__*`).
    Set(PolicySetArgs),
}

#[derive(Debug, Args)]
pub struct PolicyListArgs {
    /// Only this vendor's tools.
    #[arg(long, value_name = "SLUG")]
    pub vendor: Option<String>,
}

#[derive(Debug, Args)]
pub struct PolicySetArgs {
    /// `vendor__tool`, or a glob pattern over those names (`*`, `?`, `[...]`).
    pub pattern: String,
    /// allow, confirm or deny.
    pub decision: String,
}

#[derive(Debug, Args)]
pub struct AnswerArgs {
    /// The call's id, from `switchboard approvals`.
    pub id: u64,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only calls since then: a time (2026-12-06T10:00:00Z), a date, or a duration
    /// back from now (2h, 7d).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only this vendor's calls.
    #[arg(long, value_name = "SLUG")]
    pub vendor: Option<String>,
    /// As CSV (a header, then a line per call) instead of a table.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// Each vendor's companion plugin, and where it is enabled.
    List(PluginsScope),
    /// Enable vendors' companion plugins in Claude Code's settings.
    Enable(PluginsEnableArgs),
    /// Disable vendors' companion plugins (only their keys are removed).
    Disable(PluginsDisableArgs),
}

#[derive(Debug, Args)]
pub struct PluginsScope {
    /// Also (for `list`), or instead (for `enable` and `disable`), the project in this
    /// folder: its `.claude/settings.json`, shared with the repository.
    #[arg(long, value_name = "DIR")]
    pub project: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct PluginsEnableArgs {
    /// The vendors, by slug.
    #[arg(required_unless_present = "connected")]
    pub vendors: Vec<String>,
    /// Every connected vendor's plugin.
    #[arg(long)]
    pub connected: bool,
    #[command(flatten)]
    pub scope: PluginsScope,
    /// Show the change as a diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct PluginsDisableArgs {
    /// The vendors, by slug.
    #[arg(required = true)]
    pub vendors: Vec<String>,
    #[command(flatten)]
    pub scope: PluginsScope,
    /// Show the change as a diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The gateway's address (its MCP endpoint is `<address>/v1/mcp`) or its MCP
    /// endpoint. Default: the settings', else https://conduit.wyre.ai.
    #[arg(long, value_name = "URL")]
    pub gateway: Option<String>,
    /// Print the sign-in page's address instead of opening the browser.
    #[arg(long)]
    pub no_browser: bool,
    /// A client id your gateway's administrator registered (kept in the settings with
    /// this gateway once the sign-in works; used only with it).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Read that client's secret from stdin (it goes to the keychain).
    #[arg(long, requires = "client_id")]
    pub client_secret_stdin: bool,
    /// Give up waiting for the browser after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub wait: u64,
}

#[derive(Debug, Args)]
pub struct PresetArgs {
    #[command(subcommand)]
    pub action: PresetCommand,
}

#[derive(Debug, Subcommand)]
pub enum PresetCommand {
    /// Where the preset in force was read from, and what it sets and locks.
    Show,
    /// Check a preset file as Switchboard would read it; problems come with line numbers.
    Check(PresetCheckArgs),
}

#[derive(Debug, Args)]
pub struct PresetCheckArgs {
    /// The preset file (TOML).
    pub file: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct TeamArgs {
    #[command(subcommand)]
    pub action: Option<TeamCommand>,
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Every tool the gateway offers.
    Tools,
    /// Call one of the gateway's tools by its `vendor__tool` name.
    Call(TeamCallArgs),
}

#[derive(Debug, Args)]
pub struct TeamCallArgs {
    /// The tool's name, as `switchboard team tools` lists it.
    pub tool: String,
    /// Its arguments, as a JSON object.
    #[arg(long, value_name = "JSON", default_value = "{}")]
    pub args: String,
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Build `.mcpb` bundles that run Switchboard's bridge (no credentials inside).
    Build(BundleBuildArgs),
    /// Show what a `.mcpb` holds, check its signature, and list safety findings.
    Inspect(FileArg),
    /// Unpack a vendor's `.mcpb` and run it under Switchboard, with keychain credentials.
    Import(BundleImportArgs),
    /// Remove an imported bundle (the vendor's credentials stay).
    Remove(SlugArg),
}

#[derive(Debug, Args)]
pub struct BundleBuildArgs {
    /// Build a bundle for this vendor only. Repeatable (one bundle each).
    #[arg(long = "vendor", value_name = "SLUG", conflicts_with = "all")]
    pub vendors: Vec<String>,
    /// Build one bundle serving every connected vendor (the default).
    #[arg(long)]
    pub all: bool,
    /// Where to write the bundles and their `.sha256` files.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: std::path::PathBuf,
    /// Sign with this PEM certificate (the signer first, then any intermediates).
    #[arg(long, value_name = "PEM", requires = "sign_key")]
    pub sign_cert: Option<std::path::PathBuf>,
    /// The certificate's unencrypted PEM private key.
    #[arg(long, value_name = "PEM", requires = "sign_cert")]
    pub sign_key: Option<std::path::PathBuf>,
    /// An intermediate certificate to include. Repeatable.
    #[arg(long = "sign-intermediate", value_name = "PEM", requires = "sign_cert")]
    pub sign_intermediates: Vec<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct FileArg {
    /// The `.mcpb` file.
    pub file: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct BundleImportArgs {
    /// The vendor's `.mcpb` file.
    pub file: std::path::PathBuf,
    /// Run it as this catalog vendor (found from the bundle's name when left out).
    #[arg(long, value_name = "SLUG")]
    pub vendor: Option<String>,
    /// Do not ask for the vendor's credentials afterwards.
    #[arg(long)]
    pub no_connect: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClientArg {
    ClaudeDesktop,
    ClaudeCode,
    Cursor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum InstallMode {
    /// Write an entry into the client's JSON config.
    #[default]
    Config,
    /// Build a `.mcpb` and open it with Claude Desktop (macOS and Windows).
    Mcpb,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// The client: claude-desktop, claude-code or cursor.
    #[arg(value_enum)]
    pub client: ClientArg,
    /// Serve only this vendor. Repeatable; all connected vendors when left out.
    #[arg(long = "vendor", value_name = "SLUG")]
    pub vendors: Vec<String>,
    #[arg(long, value_enum, default_value_t)]
    pub mode: InstallMode,
    /// Show the change as a diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// The client: claude-desktop, claude-code or cursor.
    #[arg(value_enum)]
    pub client: ClientArg,
    /// Show the change as a diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
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
    /// Serve a vendor with this computer's credentials, by the team gateway, or
    /// whichever can (`auto`, the default: this computer's when connected here).
    Source(SourceArgs),
}

#[derive(Debug, Args)]
pub struct SourceArgs {
    /// The vendor's slug.
    pub slug: String,
    pub source: SourceArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceArg {
    Local,
    Gateway,
    Auto,
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
