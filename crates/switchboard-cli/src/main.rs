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
    // The daemon logs at the level chosen in Settings unless told otherwise.
    let daemon_level = matches!(&cli.command, cli::Command::Daemon(d) if d.action.is_none())
        .then(|| {
            switchboard_core::paths::Paths::from_env()
                .ok()
                .and_then(|p| switchboard_core::settings::load(&p, None).ok())
        })
        .flatten()
        .map(|s| s.log_level.filter());
    init_logging(cli.verbose, daemon_level);
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

/// The daemon also logs to `<logs>/daemon.<date>.log` (one file a day, seven kept).
/// The returned guard flushes the file when dropped.
pub fn init_daemon_logging(
    logs: &std::path::Path,
) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("daemon")
        .filename_suffix("log")
        .max_log_files(7)
        .build(logs)
        .ok()?;
    // The default buffer preallocates 128 000 lines (about 4 MiB); the daemon logs a
    // few lines a minute. Lines beyond the buffer are dropped, never blocking.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(4096)
        .lossy(true)
        .finish(appender);

    FILE_LOG.get_or_init(|| std::sync::Mutex::new(Some(writer)));
    Some(guard)
}

/// The daemon's file writer, once `init_daemon_logging` has run.
static FILE_LOG: std::sync::OnceLock<
    std::sync::Mutex<Option<tracing_appender::non_blocking::NonBlocking>>,
> = std::sync::OnceLock::new();

/// Logs go to stderr only, never stdout. `SWITCHBOARD_LOG` takes an `EnvFilter`
/// directive; otherwise `-v` shows info and `-vv` debug for Switchboard's own crates.
fn init_logging(verbose: u8, configured: Option<String>) {
    use tracing_subscriber::EnvFilter;
    let default = match (verbose, configured) {
        (0, Some(configured)) => configured,
        (0, None) => "warn".to_owned(),
        (1, _) => "warn,switchboard_core=info,switchboard=info".to_owned(),
        _ => "info,switchboard_core=debug,switchboard=debug".to_owned(),
    };
    let filter = std::env::var(switchboard_core::env::LOG)
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(default));
    // Everything goes to stderr, and to the daemon's file once one is set up.
    let writer = || -> Box<dyn std::io::Write> {
        let file = FILE_LOG
            .get()
            .and_then(|m| m.lock().ok().and_then(|w| w.clone()));
        match file {
            Some(file) => Box::new(Tee(std::io::stderr(), file)),
            None => Box::new(std::io::stderr()),
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .with_target(verbose > 1)
        .init();
}

/// Writes to two places.
struct Tee<A, B>(A, B);

impl<A: std::io::Write, B: std::io::Write> std::io::Write for Tee<A, B> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.write_all(buf);
        self.1.write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let _ = self.0.flush();
        self.1.flush()
    }
}
