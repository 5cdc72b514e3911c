//! The Switchboard tray app: a thin tauri shell over `switchboard-core`.
//!
//! `run` wires the builder: state, commands, the tray, and the rule that closing the
//! window frees it while the app lives on in the tray.

mod commands;
mod error;
mod state;
mod tray;

use tauri::{Manager, RunEvent, WebviewWindowBuilder};

pub use error::CommandError;
pub use state::AppState;

/// The settings window's label (matches `tauri.conf.json` and the capability file).
pub const MAIN_WINDOW: &str = "main";

/// Builds the app with every command registered; shared by `run` and the tests.
pub fn builder<R: tauri::Runtime>() -> tauri::Builder<R> {
    tauri::Builder::<R>::new().invoke_handler(tauri::generate_handler![commands::vendors_list])
}

pub fn run() {
    init_logging();
    let app = builder::<tauri::Wry>()
        .setup(|app| {
            app.manage(AppState::open()?);
            tray::install(app.handle())?;
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

/// Shows the settings window, creating it again if it was closed.
pub fn show_window<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<()> {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        window.show()?;
        window.unminimize()?;
        return window.set_focus();
    }
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN_WINDOW)
        .cloned()
        .unwrap_or_default();
    WebviewWindowBuilder::from_config(app, &config)?
        .build()?
        .set_focus()
}

fn init_logging() {
    let filter = std::env::var(switchboard_core::env::LOG).unwrap_or_else(|_| "warn".to_owned());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests;
