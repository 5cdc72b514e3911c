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
    // Last known state per vendor, to notify on a change only (see `notice_for`).
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

/// A vendor that just turned `failed`, or a team sign-in that just expired, gets a
/// notification.
fn breaker_notice<R: Runtime>(
    app: &AppHandle<R>,
    states: &mut HashMap<String, State>,
    event: &ControlEvent,
) {
    let name_of = |slug: &str| {
        app.state::<AppState>()
            .core
            .catalog()
            .get(slug)
            .map_or_else(|_| slug.to_owned(), |v| v.name.clone())
    };
    if let Some(notice) = notice_for(states, event, name_of) {
        desktop::notify(app, &notice.title, &notice.body);
    }
}

/// What one notification says.
#[derive(Debug, PartialEq, Eq)]
struct Notice {
    title: String,
    body: String,
}

/// Decides whether `event` deserves a notification, remembering each vendor's last
/// state in `states` so that only the change is announced: a vendor turning `failed`,
/// or the gateway turning `signed_out`. Repeats of the same state (every failed call
/// after an expiry, say) announce nothing.
fn notice_for(
    states: &mut HashMap<String, State>,
    event: &ControlEvent,
    name_of: impl FnOnce(&str) -> String,
) -> Option<Notice> {
    let ControlEvent::VendorState {
        slug,
        state,
        last_error,
    } = event
    else {
        return None;
    };
    let old = states.insert(slug.clone(), *state);
    if old == Some(*state) {
        return None;
    }
    if slug == switchboard_core::gateway::SLUG {
        return (*state == State::SignedOut).then(|| Notice {
            title: "Team sign-in expired".into(),
            body: "Your team's vendors are unavailable until you sign in again: choose “Sign in to team again…” in the Switchboard menu. Vendors connected on this computer keep working.".into(),
        });
    }
    if *state != State::Failed {
        return None;
    }
    let name = name_of(slug);
    let mut body = format!(
        "{name}'s server kept crashing, so Switchboard stopped restarting it. Restart it from the tray or the Servers page."
    );
    if let Some(err) = last_error {
        body.push('\n');
        body.push_str(err);
    }
    Some(Notice {
        title: format!("{name} stopped"),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(slug: &str, state: State) -> ControlEvent {
        ControlEvent::VendorState {
            slug: slug.into(),
            state,
            last_error: Some("exit status 3".into()),
        }
    }

    fn titles(events: &[ControlEvent]) -> Vec<String> {
        let mut states = HashMap::new();
        events
            .iter()
            .filter_map(|e| notice_for(&mut states, e, |s| s.to_uppercase()))
            .map(|n| n.title)
            .collect()
    }

    #[test]
    fn an_expired_team_sign_in_is_announced_once_however_many_calls_fail() {
        let gw = switchboard_core::gateway::SLUG;
        let mut events = vec![event(gw, State::Running)];
        events.extend((0..20).map(|_| event(gw, State::SignedOut)));
        assert_eq!(titles(&events), ["Team sign-in expired"]);
        // Signed in again, expired again: a second notice, for a second change.
        events.push(event(gw, State::Running));
        events.push(event(gw, State::SignedOut));
        events.push(event(gw, State::SignedOut));
        assert_eq!(titles(&events).len(), 2);
    }

    #[test]
    fn a_breaker_that_opens_is_announced_once_with_the_last_error() {
        let mut states = HashMap::new();
        let failed = event("huntress", State::Failed);
        let first = notice_for(&mut states, &failed, |s| s.to_uppercase()).expect("notice");
        assert_eq!(first.title, "HUNTRESS stopped");
        assert!(first.body.ends_with("\nexit status 3"), "{}", first.body);
        assert_eq!(notice_for(&mut states, &failed, |_| unreachable!()), None);
        // Other states and other events say nothing.
        assert_eq!(
            titles(&[
                event("huntress", State::Running),
                event("huntress", State::BackingOff),
                event(switchboard_core::gateway::SLUG, State::Failed),
                ControlEvent::ToolsChanged {
                    slug: "huntress".into(),
                    tools: 3,
                },
            ]),
            Vec::<String>::new()
        );
    }
}
