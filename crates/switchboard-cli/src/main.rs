//! `switchboard`: the command line. A thin shell: parse arguments, make one core call,
//! print the result through `output`. Domain rules live in `switchboard-core`.

mod cli;
mod commands;
mod exit;
mod output;
mod prompt;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            output::error_line(&format!("cannot start the async runtime: {e}"));
            std::process::exit(exit::FAILURE);
        }
    };
    let code = runtime.block_on(commands::run(cli));
    // Leave keychain calls that timed out behind rather than wait for them.
    runtime.shutdown_background();
    std::process::exit(code);
}

/// Logs go to stderr only, never stdout. `SWITCHBOARD_LOG` takes an `EnvFilter`
/// directive; otherwise `-v` shows info and `-vv` debug for Switchboard's own crates.
fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        1 => "warn,switchboard_core=info,switchboard=info",
        _ => "info,switchboard_core=debug,switchboard=debug",
    };
    let filter = std::env::var(switchboard_core::env::LOG)
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(verbose > 1)
        .init();
}
