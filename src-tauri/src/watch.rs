//! Keeps the app attached to the daemon: starts it if needed, subscribes to its
//! events, refreshes the status the tray and window show, and raises a notification
//! when a vendor's circuit breaker opens or the team sign-in expires (once each, on
//! the change, however many calls then fail). When the daemon goes away the tray turns
//! red and the watcher starts it again, backing off up to 30 s.

use std::collections::HashMap;
use std::time::Duration;

use switchboard_core::ipc::client::Control;
use switchboard_core::status::{ControlEvent, State};
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;
use crate::{actions, desktop};

const START_WITHIN: Duration = Duration::from_secs(10);
const MAX_RETRY: Duration = Duration::from_secs(30);
/// Events closer together than this are shown with one status refresh.
const BURST: Duration = Duration::from_millis(50);

pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move { run(app).await });
}

async fn refresh<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    match state.core.status().await {
        Ok(status) => actions::set_status(app, status),
        Err(e) => {
            *state.daemon_error.lock().expect("error lock") = Some(e.to_string());
            actions::refresh_tray(app);
        }
    }
}

async fn run<R: Runtime>(app: AppHandle<R>) {
    let mut retry = Duration::from_secs(1);
    // Last known state per vendor, to notify on the change to `failed` only.
    let mut states: HashMap<String, State> = HashMap::new();
    loop {
        let state = app.state::<AppState>();
        let paths = state.core.paths();
        let attached = Control::connect_or_start(
            &paths.runtime,
            &state.cli,
            paths.home_override.as_deref(),
            START_WITHIN,
        )
        .await;
        match attached {
            Ok(mut control) => match control.subscribe().await {
                Ok(_) => {
                    retry = Duration::from_secs(1);
                    *state.daemon_error.lock().expect("error lock") = None;
                    state
                        .attached_once
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                    refresh(&app).await;
                    loop {
                        tokio::select! {
                            event = control.next_event() => match event {
                                Some(event) => {
                                    breaker_notice(&app, &mut states, &event);
                                    // Events come in bursts (a start is several state
                                    // changes and a tools change): take the rest of the
                                    // burst, then read the status once.
                                    let mut open = true;
                                    while let Ok(next) =
                                        tokio::time::timeout(BURST, control.next_event()).await
                                    {
                                        match next {
                                            Some(e) => breaker_notice(&app, &mut states, &e),
                                            None => {
                                                open = false;
                                                break;
                                            }
                                        }
                                    }
                                    refresh(&app).await;
                                    if !open {
                                        break;
                                    }
                                }
                                None => break,
                            },
                            () = state.poke.notified() => refresh(&app).await,
                        }
                    }
                    tracing::warn!("the daemon went away");
                }
                Err(e) => {
                    *state.daemon_error.lock().expect("error lock") =
                        Some(format!("the supervisor did not answer: {e}"));
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "cannot reach or start the daemon");
                *state.daemon_error.lock().expect("error lock") =
                    Some(format!("the supervisor could not start: {e}"));
            }
        }
        // Down: show it (status from disk says not running), then try again.
        state
            .attached_once
            .store(true, std::sync::atomic::Ordering::Relaxed);
        refresh(&app).await;
        tokio::select! {
            () = tokio::time::sleep(retry) => {}
            () = state.poke.notified() => {}
        }
        retry = (retry * 2).min(MAX_RETRY);
    }
}

/// A vendor that just turned `failed` gets a notification with its last error.
fn breaker_notice<R: Runtime>(
    app: &AppHandle<R>,
    states: &mut HashMap<String, State>,
    event: &ControlEvent,
) {
    let ControlEvent::VendorState {
        slug,
        state,
        last_error,
    } = event
    else {
        return;
    };
    let old = states.insert(slug.clone(), *state);
    if old == Some(*state) {
        return;
    }
    if slug == switchboard_core::gateway::SLUG {
        if *state == State::SignedOut {
            desktop::notify(
                app,
                "Team sign-in expired",
                "Your team's vendors are unavailable until you sign in again: choose “Sign in to team again…” in the Switchboard menu. Vendors connected on this computer keep working.",
            );
        }
        return;
    }
    if *state != State::Failed {
        return;
    }
    let name = app
        .state::<AppState>()
        .core
        .catalog()
        .get(slug)
        .map_or_else(|_| slug.clone(), |v| v.name.clone());
    let mut body = format!(
        "{name}'s server kept crashing, so Switchboard stopped restarting it. Restart it from the tray or the Servers page."
    );
    if let Some(err) = last_error {
        body.push('\n');
        body.push_str(err);
    }
    desktop::notify(app, &format!("{name} stopped"), &body);
}
