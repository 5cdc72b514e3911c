//! What the window does beyond one core call: the team sign-in with its progress,
//! updates, and telling the tray (another process) when something it shows changed.

use std::sync::atomic::Ordering;

use switchboard_core::gateway::browser::SystemBrowser;
use switchboard_core::gateway::login::{LoginOptions, SignedOut, Stage};
use switchboard_core::ipc::tray::{self, TrayRequest};
use switchboard_core::status::{StatusReport, TeamView};
use switchboard_core::{Coded, ErrorCode, Surface};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::desktop;
use crate::error::CommandError;
use crate::state::AppState;

/// The event that carries a fresh status report to the window.
pub const STATUS_EVENT: &str = "status-changed";
/// Where a team sign-in is: `{message, url}` while it runs, `null` when it ended.
pub const TEAM_PROGRESS_EVENT: &str = "team-progress";

/// Tells the tray, if one runs, and does not wait for it.
pub fn tell_tray<R: Runtime>(app: &AppHandle<R>, request: TrayRequest) {
    let runtime = app.state::<AppState>().core.paths().runtime.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(e) = tray::send(&runtime, &request).await {
            tracing::debug!(error = %e, ?request, "the tray was not told");
        }
    });
}

/// Takes a new status report and tells the window.
pub fn set_status<R: Runtime>(app: &AppHandle<R>, status: StatusReport) {
    let _ = app.emit(STATUS_EVENT, status);
}

/// Signs in to the team gateway in the browser: one sign-in at a time, its progress
/// sent to the window, the tray told while it waits.
pub async fn sign_in<R: Runtime>(
    app: &AppHandle<R>,
    gateway: Option<String>,
) -> Result<TeamView, CommandError> {
    let state = app.state::<AppState>();
    if state.signing_in.swap(true, Ordering::SeqCst) {
        return Err(CommandError::new(
            ErrorCode::SignInFailed,
            "a team sign-in is already waiting in your browser",
            Some("finish it there, or wait for it to time out".into()),
        ));
    }
    tell_tray(app, TrayRequest::SigningIn { waiting: true });
    let handle = app.clone();
    let progress = move |stage: Stage<'_>| {
        let payload = serde_json::json!({
            "message": stage.words(),
            "url": stage.url().map(|u| u.to_string()),
        });
        let _ = handle.emit(TEAM_PROGRESS_EVENT, payload);
    };
    let opts = LoginOptions {
        gateway: gateway.filter(|g| !g.trim().is_empty()),
        ..LoginOptions::default()
    };
    let result = state.core.login(opts, &SystemBrowser, &progress).await;
    state.signing_in.store(false, Ordering::SeqCst);
    let _ = app.emit(TEAM_PROGRESS_EVENT, serde_json::Value::Null);
    state.poke.notify_one();
    tell_tray(app, TrayRequest::SigningIn { waiting: false });
    result.map_err(|e| CommandError::new(e.code(), e.to_string(), e.hint_for(Surface::Window)))
}

/// Signs out of the team gateway (revokes and removes its tokens).
pub async fn sign_out<R: Runtime>(app: &AppHandle<R>) -> Result<SignedOut, CommandError> {
    let state = app.state::<AppState>();
    let out = state.core.logout().await?;
    state.poke.notify_one();
    tell_tray(app, TrayRequest::Refresh);
    Ok(out)
}

/// Checks for updates where the settings say (the configured endpoint, else the
/// built-in one on the configured channel).
pub async fn check_updates<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
) -> Result<crate::updates::UpdateCheck, CommandError> {
    crate::updates::check_configured(app, &state.updates, &state.core).await
}

/// Installs what the last check found, has the tray start the new version, and
/// restarts this window into it; returns only when the update was refused or failed.
pub async fn install_update<R: Runtime>(app: &AppHandle<R>) -> Result<(), CommandError> {
    let state = app.state::<AppState>();
    let current = app.package_info().version.to_string();
    let version = crate::updates::install(&state.updates, &current, || {}).await?;
    desktop::notify(
        app,
        "Switchboard updated",
        &format!("Switchboard {version} is installed; restarting."),
    );
    let runtime = app.state::<AppState>().core.paths().runtime.clone();
    if let Err(e) = tray::send(&runtime, &TrayRequest::Restart).await {
        tracing::info!(error = %e, "no tray to restart");
    }
    // Let the notification go out, then start the new version.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    tracing::info!(%version, "restarting into the new version");
    app.restart()
}
