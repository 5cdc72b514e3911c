//! The settings window: created on demand, destroyed when closed (the app lives on in
//! the tray), and told which page to show.

use tauri::{Emitter, Manager, WebviewWindowBuilder};

use crate::state::AppState;

/// The settings window's label (matches `tauri.conf.json` and the capability file).
pub const MAIN_WINDOW: &str = "main";
/// Tells the window which page to show: `{page, slug?}`.
pub const NAVIGATE_EVENT: &str = "navigate";

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

/// Shows the window on `page` (and a vendor's form, with `slug`).
pub fn open_page<R: tauri::Runtime>(app: &tauri::AppHandle<R>, page: &str, slug: Option<&str>) {
    let fresh = app.get_webview_window(MAIN_WINDOW).is_none();
    if let Err(e) = show_window(app) {
        tracing::warn!(error = %e, "cannot open the window");
        return;
    }
    let payload = serde_json::json!({ "page": page, "slug": slug });
    if fresh {
        // A new page has no listener yet; it reads the request when it loads.
        app.state::<AppState>().pending_page(payload);
    } else {
        let _ = app.emit_to(MAIN_WINDOW, NAVIGATE_EVENT, payload);
    }
}
