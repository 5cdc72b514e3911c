//! The Switchboard tray: the menu that runs from login to logout.
//!
//! It holds no web engine. The settings window is another process
//! (`switchboard-app --window`), started from the menu and gone when it closes; a
//! second launch of the app, and the window itself, reach this process through the
//! tray's local channel (`switchboard_core::ipc::tray`). The tray stays attached to
//! the daemon, draws its state, and raises notifications on the changes that matter.

mod app;
pub mod desktop;
pub mod menu;
mod platform;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use switchboard_core::Switchboard;
use switchboard_core::ipc::tray::{self, TrayListener, TrayRequest};
use switchboard_core::ipc::watch::Attach;
use switchboard_core::paths::Paths;

pub use app::{Notice, Tray, View, daily_due, notice_for};
pub use desktop::{Desktop, Found, HIDDEN_ARG, System, UpdaterOp, WindowRequest};

/// The version this tray ships in: the package's, which `scripts/package` passes as
/// `SWITCHBOARD_VERSION` (it differs from the crate's only in test packages built with
/// `--version`).
pub const VERSION: &str = match option_env!("SWITCHBOARD_VERSION") {
    Some(v) => v,
    None => env!("CARGO_PKG_VERSION"),
};

/// The daily update check starts this long after the tray.
const DAILY_FIRST: Duration = Duration::from_secs(90);

pub fn main() -> ExitCode {
    init_logging();
    let hidden = std::env::args().any(|a| a == HIDDEN_ARG);
    let paths = match Paths::from_env() {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "cannot find Switchboard's folders");
            return ExitCode::FAILURE;
        }
    };
    // One tray per user: a second launch shows the running tray's window and ends.
    let lock = match take_lock(&paths, hidden) {
        Ok(Some(lock)) => lock,
        Ok(None) => return hand_over(&paths, hidden),
        Err(e) => {
            tracing::error!(error = %e, "cannot take the tray's lock");
            return ExitCode::FAILURE;
        }
    };
    let core = match Switchboard::open(paths.clone()) {
        Ok(core) => core,
        Err(e) => {
            tracing::error!(error = %e, "cannot open Switchboard");
            return ExitCode::FAILURE;
        }
    };
    let cli = switchboard_core::supervisor::launch::sibling_program(
        switchboard_core::env::CLI,
        "switchboard",
    );
    let window = switchboard_core::supervisor::launch::sibling_program(
        switchboard_core::env::APP,
        "switchboard-app",
    );
    platform::run(move |view, clicks| async move {
        let listener = match TrayListener::bind(&paths.runtime, &lock) {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(error = %e, "cannot open the tray's channel");
                return ExitCode::FAILURE;
            }
        };
        let attach = Attach {
            runtime: paths.runtime.clone(),
            cli: cli.clone(),
            home: paths.home_override.clone(),
        };
        let tray = Arc::new(Tray::new(core, cli, System::new(window), view));
        tracing::info!(version = VERSION, part = "tray", "Switchboard app started");
        tray.redraw();
        let code = serve(tray, attach, clicks, listener, hidden).await;
        drop(lock);
        code
    })
}

/// The tray's loop: menu clicks, channel requests, the daemon watcher and the daily
/// update check, until Quit.
async fn serve<D: Desktop>(
    tray: Arc<Tray<D>>,
    attach: Attach,
    mut clicks: tokio::sync::mpsc::UnboundedReceiver<String>,
    mut listener: TrayListener,
    hidden: bool,
) -> ExitCode {
    {
        let tray = tray.clone();
        tokio::spawn(async move { tray.watch(&attach).await });
    }
    {
        let tray = tray.clone();
        tokio::spawn(async move {
            tokio::time::sleep(DAILY_FIRST).await;
            loop {
                tray.daily_check().await;
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
        });
    }
    if !hidden {
        tray.request(TrayRequest::Open {
            page: "vendors".into(),
            slug: None,
        });
    }
    let (quit_tx, mut quit) = tokio::sync::mpsc::unbounded_channel::<()>();
    loop {
        tokio::select! {
            Some(id) = clicks.recv() => {
                let tray = tray.clone();
                let quit_tx = quit_tx.clone();
                // Long actions (an update, a test) must not hold up the next click.
                tokio::spawn(async move {
                    if !tray.menu(&id).await {
                        let _ = quit_tx.send(());
                    }
                });
            }
            request = listener.next() => tray.request(request),
            Some(()) = quit.recv() => break,
        }
    }
    tracing::info!("quit from the tray");
    ExitCode::SUCCESS
}

/// The lock, waiting a moment when started `--hidden` (a restart into a new version
/// may start before the old tray has let go of it).
fn take_lock(paths: &Paths, hidden: bool) -> std::io::Result<Option<tray::TrayLock>> {
    let tries = if hidden { 30 } else { 1 };
    for _ in 1..tries {
        if let Some(lock) = tray::try_lock(&paths.runtime)? {
            return Ok(Some(lock));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    tray::try_lock(&paths.runtime)
}

/// Another tray runs: ask it to show its window (unless this launch was `--hidden`).
fn hand_over(paths: &Paths, hidden: bool) -> ExitCode {
    if hidden {
        tracing::info!("Switchboard is already in the tray");
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(_) => return ExitCode::FAILURE,
    };
    let open = TrayRequest::Open {
        page: "vendors".into(),
        slug: None,
    };
    match runtime.block_on(tray::send(&paths.runtime, &open)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "Switchboard is running but did not answer");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = std::env::var(switchboard_core::env::LOG)
        .unwrap_or_else(|_| "warn,switchboard_tray=info".to_owned());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests;
