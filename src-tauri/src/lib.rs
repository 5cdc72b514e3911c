//! The Switchboard window: a thin tauri shell over `switchboard-core`.
//!
//! The program `switchboard-app` is what desktops, start-at-login and installers
//! launch. It runs in one of three ways:
//! - with no mode (`[--hidden]`): it hands over at once to the tray program,
//!   `switchboard-tray`, which replaces this process (the tray loads no web engine);
//! - `--window [--page P] [--slug S] [--action A]`: the settings window, started by
//!   the tray; this process ends when the window closes, and a second request while
//!   it is open (the single-instance plugin) brings it to the front on that page;
//! - `--updates check|install`: tauri's updater with no window, for the tray; it
//!   prints one JSON line (`{ok, latest, summary}` or `{ok: false, message}`).

mod actions;
mod commands;
mod desktop;
mod error;
mod state;
mod updates;
mod watch;
mod window;

use std::process::ExitCode;

use tauri::{Manager, RunEvent};

pub use error::CommandError;
pub use state::{AppState, CLI_ENV, locate_cli};
pub use window::{MAIN_WINDOW, NAVIGATE_EVENT, open_page, page_from_args, show_window};

/// Starts the settings window.
pub const WINDOW_ARG: &str = "--window";
/// Runs the updater without a window: `--updates check` or `--updates install`.
pub const UPDATES_ARG: &str = "--updates";

/// Builds the app with every command registered; shared by `run` and the tests.
pub fn builder<R: tauri::Runtime>() -> tauri::Builder<R> {
    tauri::Builder::<R>::new().invoke_handler(tauri::generate_handler![
        commands::vendors_list,
        commands::vendor_connect,
        commands::vendor_test,
        commands::vendor_disconnect,
        commands::servers_status,
        commands::server_restart,
        commands::server_stop,
        commands::server_logs,
        commands::clients_list,
        commands::client_preview,
        commands::client_install,
        commands::client_uninstall,
        commands::settings_get,
        commands::settings_set,
        commands::updates_check,
        commands::updates_install,
        commands::open_docs,
        commands::take_pending_page,
        commands::window_painted,
        commands::team_status,
        commands::team_login,
        commands::team_logout,
        commands::plugins_list,
        commands::plugins_set,
        commands::approvals_list,
        commands::approval_answer,
        commands::audit_list,
    ])
}

/// The plugins every build carries (the tests add them to the mock app too).
pub fn with_plugins<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![desktop::HIDDEN_ARG]),
        ))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
}

pub fn run() -> ExitCode {
    init_logging();
    let args: Vec<String> = std::env::args().collect();
    let context = tauri::generate_context!();
    if let Some(i) = args.iter().position(|a| a == UPDATES_ARG) {
        return updates::headless(context, args.get(i + 1).map(String::as_str));
    }
    if args.iter().any(|a| a == WINDOW_ARG) {
        return run_window(context, &args);
    }
    hand_over_to_tray(&args[1..])
}

/// The tray is its own program; this process becomes it (same pid on Linux and
/// macOS), passing `--hidden` on.
fn hand_over_to_tray(args: &[String]) -> ExitCode {
    use switchboard_core::supervisor::launch;
    let tray = launch::sibling_program(switchboard_core::env::TRAY, "switchboard-tray");
    let e = launch::replace_process(std::process::Command::new(&tray).args(args));
    tracing::error!(error = %e, tray = %tray.display(), "cannot start Switchboard's tray");
    ExitCode::FAILURE
}

fn run_window(context: tauri::Context<tauri::Wry>, args: &[String]) -> ExitCode {
    let first = page_from_args(args);
    // A second window request while this one is open: show this one on its page.
    let app = with_plugins(
        builder::<tauri::Wry>().plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            open_page(app, page_from_args(&args));
        })),
    )
    .setup(move |app| {
        let state = AppState::open()?;
        app.manage(state);
        watch::start(app.handle().clone());
        tracing::info!(
            version = %app.package_info().version,
            part = "window",
            "Switchboard app started"
        );
        open_page(app.handle(), first);
        Ok(())
    })
    .build(context);
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "the window cannot start");
            return ExitCode::FAILURE;
        }
    };
    // Closing the window ends this process; the tray lives on.
    app.run(|_app, event| {
        if let RunEvent::Exit = event {
            tracing::info!("the window closed");
        }
    });
    ExitCode::SUCCESS
}

fn init_logging() {
    // The app's own start and update lines are worth keeping at the default level.
    let filter = std::env::var(switchboard_core::env::LOG)
        .unwrap_or_else(|_| "warn,switchboard_app=info".to_owned());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests;
