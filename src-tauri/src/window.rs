//! The settings window: this process exists for it. It opens on the page the tray
//! asked for (`--page`, `--slug`, `--action`), and a second request while it is open
//! (the single-instance plugin hands it over) brings it to the front on that page.

use serde_json::{Value, json};
use tauri::{Emitter, Manager, WebviewWindowBuilder};

use crate::state::AppState;

/// The settings window's label (matches `tauri.conf.json` and the capability file).
pub const MAIN_WINDOW: &str = "main";
/// Tells the window which page to show: `{page, slug?, action?}`.
pub const NAVIGATE_EVENT: &str = "navigate";

/// `{page, slug, action}` from `--page P [--slug S] [--action A]` (Vendors when none).
pub fn page_from_args(args: &[String]) -> Value {
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .filter(|v| !v.starts_with("--"))
            .cloned()
    };
    json!({
        "page": value("--page").unwrap_or_else(|| "vendors".to_owned()),
        "slug": value("--slug"),
        "action": value("--action"),
    })
}

/// Shows the settings window, creating it if needed.
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

/// Shows the window on `page` (`{page, slug?, action?}`).
pub fn open_page<R: tauri::Runtime>(app: &tauri::AppHandle<R>, page: Value) {
    let fresh = app.get_webview_window(MAIN_WINDOW).is_none();
    if fresh {
        // A new page has no listener yet; it reads the request when it loads.
        app.state::<AppState>().pending_page(page.clone());
    }
    if let Err(e) = show_window(app) {
        tracing::warn!(error = %e, "cannot open the window");
        return;
    }
    if !fresh {
        let _ = app.emit_to(MAIN_WINDOW, NAVIGATE_EVENT, page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_page_comes_from_the_arguments() {
        assert_eq!(
            page_from_args(&args(&["app", "--window"])),
            json!({"page": "vendors", "slug": null, "action": null})
        );
        assert_eq!(
            page_from_args(&args(&[
                "app", "--window", "--page", "team", "--action", "sign-in"
            ])),
            json!({"page": "team", "slug": null, "action": "sign-in"})
        );
        assert_eq!(
            page_from_args(&args(&["app", "--page", "vendors", "--slug", "hudu"])),
            json!({"page": "vendors", "slug": "hudu", "action": null})
        );
        // A flag where a value belongs is not taken as the value.
        assert_eq!(
            page_from_args(&args(&["app", "--page", "--slug", "x"]))["page"],
            "vendors"
        );
    }
}
