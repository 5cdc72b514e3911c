//! The Switchboard tray app: a thin tauri shell over `switchboard-core`.
//!
//! `run` wires the builder: plugins (single instance first), state, commands, the
//! tray, the daemon watcher, and the rule that closing the window frees it while the
//! app lives on in the tray.

mod actions;
mod commands;
mod desktop;
mod error;
mod state;
mod tray;
mod updates;
mod watch;
mod window;

use tauri::{Manager, RunEvent};

pub use error::CommandError;
pub use state::{AppState, CLI_ENV, locate_cli};
pub use window::{MAIN_WINDOW, NAVIGATE_EVENT, open_page, show_window};

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
        commands::team_status,
        commands::team_login,
        commands::team_logout,
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

pub fn run() {
    init_logging();
    let hidden = std::env::args().any(|a| a == desktop::HIDDEN_ARG);
    // Single instance first: a second launch shows the running app's window.
    let app = with_plugins(
        builder::<tauri::Wry>().plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            open_page(app, "vendors", None);
        })),
    )
    .setup(move |app| {
        let state = AppState::open()?;
        // The first menu lists every vendor: from the daemon if it runs, else from disk.
        if let Ok(status) = tauri::async_runtime::block_on(state.core.status()) {
            *state.status.lock().expect("status lock") = Some(status);
        }
        app.manage(state);
        tray::install(
            app.handle(),
            &actions::current_model(app.handle()),
            actions::menu_event,
            |app| open_page(app, "vendors", None),
        )?;
        watch::start(app.handle().clone());
        actions::start_daily_check(app.handle().clone());
        tracing::info!(
            version = %app.package_info().version,
            "Switchboard app started"
        );
        if !hidden {
            show_window(app.handle())?;
        }
        Ok(())
    })
    .build(tauri::generate_context!())
    .expect("error while building the Switchboard app");
    app.run(|_app, event| {
        // The window is only a view; closing it leaves Switchboard in the tray.
        if let RunEvent::ExitRequested {
            api, code: None, ..
        } = event
        {
            api.prevent_exit();
        }
    });
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
