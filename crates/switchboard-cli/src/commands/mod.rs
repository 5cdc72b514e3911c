//! One module per noun. Each command makes one core call and hands the result to
//! `output`; errors come back here and become an exit status by error code.

mod bundle;
mod connect;
mod daemon;
mod doctor;
mod install;
mod plugins;
mod policy;
mod preset;
mod servers;
mod team;
mod vendors;

use std::sync::Arc;

use switchboard_core::paths::Paths;
use switchboard_core::vault::KeyringStore;
use switchboard_core::{Coded, ErrorCode, Switchboard};

use crate::cli::{
    BundleCommand, Cli, Command, DaemonAction, PluginsCommand, PolicyCommand, PresetCommand,
    ServersCommand, TeamCommand, VendorsCommand,
};
use crate::{exit, output};

/// What a command failed with, ready to print.
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
    pub hint: Option<String>,
    pub exit: i32,
}

impl From<switchboard_core::Error> for Failure {
    fn from(e: switchboard_core::Error) -> Self {
        Self::coded(&e)
    }
}

impl Failure {
    /// Any core error, with its code, message and terminal hint.
    pub fn coded(e: &dyn Coded) -> Self {
        let code = e.code();
        Self {
            code,
            message: e.to_string(),
            hint: e.hint_for(switchboard_core::Surface::Cli),
            exit: exit::for_code(code),
        }
    }

    pub fn usage(message: impl Into<String>, hint: Option<String>) -> Self {
        Self {
            code: ErrorCode::InvalidField,
            message: message.into(),
            hint,
            exit: exit::USAGE,
        }
    }

    pub fn io(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Io,
            message: message.into(),
            hint: None,
            exit: exit::for_code(ErrorCode::Io),
        }
    }
}

/// The running `switchboard` program: what the daemon runs as and clients start.
pub fn this_program() -> Result<std::path::PathBuf, Failure> {
    std::env::current_exe()
        .map_err(|e| Failure::io(format!("cannot find the running switchboard binary: {e}")))
}

pub type CmdResult = Result<i32, Failure>;

pub async fn run(cli: Cli) -> i32 {
    let json = cli.json;
    match dispatch(cli).await {
        Ok(code) => code,
        Err(f) => {
            output::error(f.code, &f.message, f.hint.as_deref(), json);
            f.exit
        }
    }
}

async fn dispatch(cli: Cli) -> CmdResult {
    let paths = Paths::from_env().map_err(|e| Failure::coded(&e))?;
    // The bridge and the daemon need only the paths: keep their start-up lean (no
    // catalog parsing, no TLS set-up) since Claude starts a bridge per conversation.
    let json = cli.json;
    let command = match cli.command {
        Command::Bridge(a) => return daemon::bridge(paths, a).await,
        Command::Daemon(a) if a.action.is_none() && a.foreground => {
            return daemon::foreground(paths).await;
        }
        other => other,
    };
    let sb = Switchboard::open_with_store(paths, Arc::new(KeyringStore::new()))?;
    if let Err(why) = sb.config() {
        output::note(&format!(
            "warning: {why}; custom servers and launch overrides are ignored until it is fixed"
        ));
    }
    for problem in sb.catalog().problems() {
        output::note(&format!(
            "warning: skipped {}: {}",
            problem.path.display(),
            problem.problems.join("; ")
        ));
    }
    match command {
        Command::Vendors(VendorsCommand::List) => vendors::list(&sb, json),
        Command::Vendors(VendorsCommand::Show(a)) => vendors::show(&sb, &a.slug, json),
        Command::Connect(args) => connect::connect(&sb, args, json).await,
        Command::Test(a) => connect::test(&sb, &a.slug, json).await,
        Command::Disconnect(a) => connect::disconnect(&sb, &a.slug, json).await,
        Command::Doctor => doctor::doctor(&sb, json).await,
        Command::Vendors(VendorsCommand::Launch(a)) => servers::launch(&sb, a, json).await,
        Command::Daemon(a) => match a.action {
            Some(DaemonAction::Stop) => daemon::stop(&sb, json).await,
            None => daemon::background(&sb, json).await,
        },
        Command::Bridge(_) => unreachable!("handled above"),

        Command::Status => daemon::status(&sb, json).await,
        Command::Logs(a) => daemon::logs(&sb, a).await,
        Command::Restart(a) => daemon::restart(&sb, &a.slug, json).await,
        Command::Stop(a) => daemon::stop_vendor(&sb, &a.slug, json).await,
        Command::Servers(ServersCommand::Add(a)) => servers::add(&sb, a, json).await,
        Command::Servers(ServersCommand::Remove(a)) => servers::remove(&sb, &a.name, json).await,
        Command::Bundle(BundleCommand::Build(a)) => bundle::build(&sb, a, json),
        Command::Bundle(BundleCommand::Inspect(a)) => bundle::inspect(&sb, &a.file, json),
        Command::Bundle(BundleCommand::Import(a)) => bundle::import(sb, a, json).await,
        Command::Bundle(BundleCommand::Remove(a)) => bundle::remove(&sb, &a.slug, json).await,
        Command::Install(a) => install::install(&sb, a, json),
        Command::Uninstall(a) => install::uninstall(&sb, a, json),
        Command::Login(a) => team::login(&sb, a, json).await,
        Command::Logout => team::logout(&sb, json).await,
        Command::Team(a) => match a.action {
            None => team::team(&sb, json).await,
            Some(TeamCommand::Tools) => team::tools(&sb, json).await,
            Some(TeamCommand::Call(c)) => team::call(&sb, c, json).await,
        },
        Command::Vendors(VendorsCommand::Source(a)) => team::source(&sb, a, json).await,
        Command::Preset(a) => match a.action {
            PresetCommand::Show => preset::show(&sb, json),
            PresetCommand::Check(c) => preset::check(&sb, c, json),
        },
        Command::Plugins(PluginsCommand::List(a)) => plugins::list(&sb, &a, json),
        Command::Plugins(PluginsCommand::Enable(a)) => plugins::enable(&sb, a, json),
        Command::Plugins(PluginsCommand::Disable(a)) => plugins::disable(&sb, a, json),
        Command::Policy(PolicyCommand::List(a)) => {
            policy::list(&sb, a.vendor.as_deref(), &this_program()?, json).await
        }
        Command::Policy(PolicyCommand::Set(a)) => policy::set(&sb, a, json).await,
        Command::Approvals => policy::approvals(&sb, json).await,
        Command::Approve(a) => policy::answer(&sb, a.id, true, json).await,
        Command::Deny(a) => policy::answer(&sb, a.id, false, json).await,
        Command::Audit(a) => policy::audit(&sb, a, json),
    }
}
