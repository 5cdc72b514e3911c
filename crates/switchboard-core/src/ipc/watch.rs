//! Staying attached to the daemon, for the tray and the settings window: start it if
//! needed, subscribe to its events, and have the status read again after each burst
//! of events or a poke. When the daemon goes away the watcher says why and starts it
//! again, backing off up to 30 s.

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::Notify;

use super::client::Control;
use crate::status::ControlEvent;

const START_WITHIN: Duration = Duration::from_secs(10);
const MAX_RETRY: Duration = Duration::from_secs(30);
/// Events closer together than this are shown with one status refresh.
const BURST: Duration = Duration::from_millis(50);

/// What a watcher does with what it learns.
pub trait Watcher: Send + Sync {
    /// Reads the status (the daemon's, or from disk when it is down) and shows it.
    fn refresh(&self) -> impl Future<Output = ()> + Send;
    /// One event, as it arrives (the refresh comes after the burst).
    fn event(&self, _event: &ControlEvent) {}
    /// Why the daemon cannot be reached or started; `None` once it is attached again.
    fn trouble(&self, why: Option<String>);
    /// The first attempt to reach the daemon has ended, either way.
    fn attempted(&self) {}
}

/// Where the daemon is, and how to start it.
#[derive(Debug, Clone)]
pub struct Attach {
    pub runtime: PathBuf,
    /// The `switchboard` program (`<cli> daemon`).
    pub cli: PathBuf,
    /// `SWITCHBOARD_HOME`, passed on to a daemon this starts.
    pub home: Option<PathBuf>,
}

/// Runs until the process ends. `poke` asks for a refresh now (or, while the daemon
/// is down, for another attempt at once).
pub async fn watch(attach: &Attach, poke: &Notify, watcher: &impl Watcher) {
    let mut retry = Duration::from_secs(1);
    loop {
        let attached = Control::connect_or_start(
            &attach.runtime,
            &attach.cli,
            attach.home.as_deref(),
            START_WITHIN,
        )
        .await;
        match attached {
            Ok(mut control) => match control.subscribe().await {
                Ok(()) => {
                    retry = Duration::from_secs(1);
                    watcher.trouble(None);
                    watcher.attempted();
                    watcher.refresh().await;
                    follow(&mut control, poke, watcher).await;
                    tracing::warn!("the daemon went away");
                }
                Err(e) => watcher.trouble(Some(format!("the supervisor did not answer: {e}"))),
            },
            Err(e) => {
                tracing::warn!(error = %e, "cannot reach or start the daemon");
                watcher.trouble(Some(format!("the supervisor could not start: {e}")));
            }
        }
        // Down: show it (the status from disk says not running), then try again.
        watcher.attempted();
        watcher.refresh().await;
        tokio::select! {
            () = tokio::time::sleep(retry) => {}
            () = poke.notified() => {}
        }
        retry = (retry * 2).min(MAX_RETRY);
    }
}

/// Follows a subscribed connection until it ends.
async fn follow(control: &mut Control, poke: &Notify, watcher: &impl Watcher) {
    loop {
        tokio::select! {
            event = control.next_event() => {
                let Some(event) = event else { return };
                watcher.event(&event);
                // Events come in bursts (a start is several state changes and a tools
                // change): take the rest of the burst, then read the status once.
                let mut open = true;
                while let Ok(next) = tokio::time::timeout(BURST, control.next_event()).await {
                    match next {
                        Some(e) => watcher.event(&e),
                        None => {
                            open = false;
                            break;
                        }
                    }
                }
                watcher.refresh().await;
                if !open {
                    return;
                }
            }
            () = poke.notified() => watcher.refresh().await,
        }
    }
}
