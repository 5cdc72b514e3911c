//! What the tray's menu items do, and keeping the tray in step with the daemon.

use std::sync::atomic::Ordering;

use switchboard_core::clients::Client;
use switchboard_core::gateway::browser::SystemBrowser;
use switchboard_core::gateway::login::{LoginOptions, SignedOut, Stage};
use switchboard_core::status::{StatusReport, TeamView};
use switchboard_core::{Coded, ErrorCode, Surface};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::desktop;
use crate::error::CommandError;
use crate::state::AppState;
use crate::tray::{self, VendorAction};

/// The event that carries a fresh status report to the window.
pub const STATUS_EVENT: &str = "status-changed";
/// Where a team sign-in is: `{message, url}` while it runs, `null` when it ended.
pub const TEAM_PROGRESS_EVENT: &str = "team-progress";

pub fn menu_event<R: Runtime>(app: &AppHandle<R>, id: &str) {
    match id {
        tray::QUIT => app.exit(0),
        tray::OPEN => crate::window::open_page(app, "vendors", None),
        tray::INSTALL_DESKTOP => install_desktop(app),
        tray::TEAM_SIGN_IN => {
            // The Team page shows the progress and the address to open by hand.
            crate::window::open_page(app, "team", None);
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                match sign_in(&app, None).await {
                    Ok(team) => {
                        desktop::notify(&app, "Signed in to your team", &signed_in_words(&team))
                    }
                    Err(e) => {
                        let body = match &e.hint {
                            Some(h) => format!("{}\n{h}", e.message),
                            None => e.message.clone(),
                        };
                        desktop::notify(&app, "Team sign-in did not finish", &body);
                    }
                }
            });
        }
        tray::TEAM_SIGN_OUT => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                match sign_out(&app).await {
                    Ok(_) => desktop::notify(
                        &app,
                        "Signed out of your team",
                        "The team's vendors are no longer served on this computer.",
                    ),
                    Err(e) => desktop::notify(&app, "Could not sign out", &e.message),
                }
            });
        }
        tray::AUTOSTART => {
            let on = !desktop::autostart_enabled(app);
            if let Err(e) = desktop::set_autostart(app, on) {
                desktop::notify(app, "Start at login", &e.message);
            }
            refresh_tray(app);
        }
        tray::UPDATES => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let state = app.state::<AppState>();
                // "Checking for updates…" while it runs.
                state.updates.begin_check();
                refresh_tray(&app);
                match check_updates(&app, &state).await {
                    Ok(found) => desktop::notify(&app, "Switchboard updates", &found.summary()),
                    Err(e) => desktop::notify(&app, "Switchboard updates", &e.message),
                }
                refresh_tray(&app);
            });
        }
        tray::UPDATE_INSTALL => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                // On success the app restarts into the new version and this never returns.
                if let Err(e) = install_update(&app).await {
                    desktop::notify(&app, "Update not installed", &e.message);
                }
            });
        }
        _ => {
            if let Some((slug, action)) = VendorAction::parse(id) {
                vendor_action(app, slug.to_owned(), action);
            }
        }
    }
}

fn vendor_action<R: Runtime>(app: &AppHandle<R>, slug: String, action: VendorAction) {
    match action {
        // Forms and confirmations live in the window.
        VendorAction::Connect | VendorAction::Disconnect => {
            crate::window::open_page(app, "vendors", Some(&slug));
        }
        VendorAction::Test | VendorAction::Restart => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let state = app.state::<AppState>();
                let name = state
                    .core
                    .catalog()
                    .get(&slug)
                    .map_or_else(|_| slug.clone(), |v| v.name.clone());
                let (title, body) = if action == VendorAction::Test {
                    match state.core.test(&slug).await {
                        Ok(o) if o.is_ok() => (format!("{name}: connected"), o.message),
                        Ok(o) => (format!("{name}: the test failed"), o.message),
                        Err(e) => (format!("{name}: cannot test"), e.to_string()),
                    }
                } else {
                    match state.core.restart(&slug).await {
                        Ok(()) => (
                            format!("{name}: restarting"),
                            "Its server is being restarted.".to_owned(),
                        ),
                        Err(e) => (format!("{name}: cannot restart"), e.to_string()),
                    }
                };
                desktop::notify(&app, &title, &body);
                state.poke.notify_one();
            });
        }
    }
}

fn install_desktop<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    if desktop_installed(&state) {
        // Already there: show where, with Uninstall next to it.
        crate::window::open_page(app, "clients", None);
        refresh_tray(app);
        return;
    }
    let result = state
        .core
        .install(Client::ClaudeDesktop, &[], &state.cli, false);
    match result {
        Ok(outcome) => {
            let mut body = format!("Added to {}.", outcome.path.display());
            for w in &outcome.warnings {
                body.push('\n');
                body.push_str(w);
            }
            desktop::notify(app, "Installed into Claude Desktop", &body);
        }
        Err(e) => {
            let mut body = e.to_string();
            if let Some(hint) = e.hint_for(switchboard_core::Surface::Window) {
                body.push('\n');
                body.push_str(&hint);
            }
            desktop::notify(app, "Could not install into Claude Desktop", &body);
        }
    }
    refresh_tray(app);
}

fn desktop_installed(state: &AppState) -> bool {
    state
        .core
        .client_status(Client::ClaudeDesktop)
        .is_ok_and(|s| s.command.is_some())
}

/// The tray as it should look from what the app knows now.
pub fn current_model<R: Runtime>(app: &AppHandle<R>) -> tray::Model {
    let state = app.state::<AppState>();
    let status = state.status.lock().expect("status lock").clone();
    let daemon_error = state.daemon_error.lock().expect("error lock").clone();
    tray::model(&tray::Inputs {
        status: status.as_ref(),
        daemon_error: daemon_error.as_deref(),
        desktop_installed: desktop_installed(&state),
        autostart: desktop::autostart_enabled(app),
        attaching: !state.attached_once.load(Ordering::Relaxed),
        signing_in: state.signing_in.load(Ordering::Relaxed),
        update: state.updates.phase(),
    })
}

/// Redraws the tray from what the app knows now.
pub fn refresh_tray<R: Runtime>(app: &AppHandle<R>) {
    let model = current_model(app);
    // Menus are built on the main thread.
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || {
        if let Err(e) = tray::apply(&handle, &model) {
            tracing::warn!(error = %e, "cannot update the tray");
        }
    });
}

/// Takes a new status report: keeps it, tells the window, redraws the tray.
pub fn set_status<R: Runtime>(app: &AppHandle<R>, status: StatusReport) {
    let state = app.state::<AppState>();
    *state.status.lock().expect("status lock") = Some(status.clone());
    let _ = app.emit(STATUS_EVENT, status);
    refresh_tray(app);
}

/// "Signed in as tech@acme (Acme MSP)", or as much as the gateway said.
pub fn signed_in_words(team: &TeamView) -> String {
    match (&team.account, &team.team) {
        (Some(a), Some(t)) => format!("Signed in as {a} ({t})."),
        (Some(a), None) => format!("Signed in as {a}."),
        _ => format!("Signed in to {}.", team.endpoint),
    }
}

/// Signs in to the team gateway in the browser: one sign-in at a time, its progress
/// sent to the window, the tray redrawn around it.
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
    refresh_tray(app);
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
    refresh_tray(app);
    result.map_err(|e| CommandError::new(e.code(), e.to_string(), e.hint_for(Surface::Window)))
}

/// Signs out of the team gateway (revokes and removes its tokens).
pub async fn sign_out<R: Runtime>(app: &AppHandle<R>) -> Result<SignedOut, CommandError> {
    let state = app.state::<AppState>();
    let out = state.core.logout().await?;
    state.poke.notify_one();
    refresh_tray(app);
    Ok(out)
}

/// Checks for updates where the settings say (the configured endpoint, else the
/// built-in one on the configured channel); the tray shows "Checking…" meanwhile.
pub async fn check_updates<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
) -> Result<crate::updates::UpdateCheck, CommandError> {
    let settings = state.core.settings()?;
    crate::updates::check(
        app,
        &state.updates,
        settings.update_endpoint,
        settings.update_channel.as_deref(),
    )
    .await
}

/// Installs what the last check found and restarts into it; returns only when the
/// update was refused or failed, with the running version untouched.
pub async fn install_update<R: Runtime>(app: &AppHandle<R>) -> Result<(), CommandError> {
    let state = app.state::<AppState>();
    let current = app.package_info().version.to_string();
    let result = crate::updates::install(&state.updates, &current, || refresh_tray(app)).await;
    refresh_tray(app);
    let version = result?;
    desktop::notify(
        app,
        "Switchboard updated",
        &format!("Switchboard {version} is installed; restarting."),
    );
    // Let the notification go out, then start the new version.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    tracing::info!(%version, "restarting into the new version");
    app.restart()
}

/// The daily update check: a little after start, then whenever a day has passed
/// since the last one (kept in `<data>/update-check`, so a restart does not check
/// again). It only tells; installing takes the technician's click.
pub fn start_daily_check<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(90)).await;
        loop {
            daily_check_once(&app).await;
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
}

async fn daily_check_once<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Ok(settings) = state.core.settings() else {
        return;
    };
    if !settings.check_updates_daily {
        return;
    }
    let marker = state.core.paths().data.join("update-check");
    let last = std::fs::read_to_string(&marker)
        .ok()
        .and_then(|t| t.trim().parse::<u64>().ok());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if !crate::updates::daily_due(last, now) {
        return;
    }
    let _ = std::fs::create_dir_all(&state.core.paths().data);
    let _ = std::fs::write(&marker, now.to_string());
    let found = check_updates(app, &state).await;
    refresh_tray(app);
    match found {
        Ok(found) => {
            if let Some(latest) = &found.latest
                && state.updates.first_time_for(latest)
            {
                desktop::notify(app, "Switchboard update available", &found.summary());
            }
        }
        // Quietly: the technician did not ask, and the next day tries again.
        Err(e) => tracing::info!(error = %e.message, "the daily update check failed"),
    }
}
