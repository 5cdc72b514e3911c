//! One module per noun. Each command makes one core call and hands the result to
//! `output`; errors come back here and become an exit status by error code.

mod connect;
mod doctor;
mod vendors;

use std::sync::Arc;

use switchboard_core::Switchboard;
use switchboard_core::paths::Paths;
use switchboard_core::vault::KeyringStore;

use crate::cli::{Cli, Command, VendorsCommand};
use crate::{exit, output};

/// What a command failed with, ready to print.
pub struct Failure {
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
    pub exit: i32,
}

impl From<switchboard_core::Error> for Failure {
    fn from(e: switchboard_core::Error) -> Self {
        let code = e.code();
        Self {
            code: code.as_str(),
            message: e.to_string(),
            hint: e.hint(),
            exit: exit::for_code(code),
        }
    }
}

impl Failure {
    pub fn usage(message: impl Into<String>, hint: Option<String>) -> Self {
        Self {
            code: "invalid_field",
            message: message.into(),
            hint,
            exit: exit::USAGE,
        }
    }
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
    let paths = Paths::from_env().map_err(|e| Failure {
        code: "io",
        message: e.to_string(),
        hint: None,
        exit: exit::FAILURE,
    })?;
    let sb = Switchboard::open_with_store(paths, Arc::new(KeyringStore::new()))?;
    for problem in sb.catalog().problems() {
        output::note(&format!(
            "warning: skipped {}: {}",
            problem.path.display(),
            problem.problems.join("; ")
        ));
    }
    let json = cli.json;
    match cli.command {
        Command::Vendors(VendorsCommand::List) => vendors::list(&sb, json),
        Command::Vendors(VendorsCommand::Show(a)) => vendors::show(&sb, &a.slug, json),
        Command::Connect(args) => connect::connect(&sb, args, json).await,
        Command::Test(a) => connect::test(&sb, &a.slug, json).await,
        Command::Disconnect(a) => connect::disconnect(&sb, &a.slug, json).await,
        Command::Doctor => doctor::doctor(&sb, json).await,
    }
}
