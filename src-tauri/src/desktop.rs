//! The desktop services the app uses through tauri's plugins: start at login,
//! notifications, and opening a web page. Failures become `desktop_integration`.

use switchboard_core::ErrorCode;
use tauri::{AppHandle, Runtime};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_notification::NotificationExt as _;

use crate::error::CommandError;

/// Launched at login with this argument, the app starts in the tray with no window.
pub const HIDDEN_ARG: &str = "--hidden";

fn failed(what: &str, e: impl std::fmt::Display) -> CommandError {
    CommandError::new(ErrorCode::DesktopIntegration, format!("{what}: {e}"), None)
}

pub fn autostart_enabled<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.autolaunch().is_enabled().unwrap_or(false)
}

pub fn set_autostart<R: Runtime>(app: &AppHandle<R>, on: bool) -> Result<(), CommandError> {
    let launcher = app.autolaunch();
    let result = if on {
        launcher.enable()
    } else {
        launcher.disable()
    };
    result.map_err(|e| {
        let mut err = failed("the desktop did not take the start-at-login setting", e);
        err.hint = Some("Add Switchboard to your session's startup programs by hand.".into());
        err
    })
}

/// Shows a desktop notification; a desktop without a notification service only gets
/// a log line.
pub fn notify<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(error = %e, %title, "could not show a notification");
    }
}

/// Opens an `http(s)` URL in the default browser.
pub fn open_url(url: &str) -> Result<(), CommandError> {
    let parsed = url::Url::parse(url).map_err(|e| failed("not a web address", e))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(failed("only web pages are opened", url));
    }
    open::that_detached(parsed.as_str()).map_err(|e| failed("no browser could open it", e))
}
