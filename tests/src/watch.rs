//! `Watch`: waits on the daemon's control-API events (vendor state, tool changes), so
//! tests wait for a state to be reached instead of sleeping.

use std::time::Duration;

use switchboard_core::ipc::client::Control;
use switchboard_core::status::{ControlEvent, State, VendorStatus};

pub struct Watch {
    control: Control,
}

impl Watch {
    /// Connects to the running daemon of `home` and subscribes.
    pub async fn new(runtime: &std::path::Path) -> Self {
        let mut control = Control::connect(runtime)
            .await
            .expect("the daemon is running");
        control.subscribe().await.expect("subscribed");
        Self { control }
    }

    /// Waits for an event matching `pred`; returns it.
    pub async fn until(
        &mut self,
        what: &str,
        pred: impl Fn(&ControlEvent) -> bool,
    ) -> ControlEvent {
        let wait = Duration::from_secs(30);
        tokio::time::timeout(wait, async {
            loop {
                match self.control.next_event().await {
                    Some(e) if pred(&e) => return e,
                    Some(_) => {}
                    None => panic!("the daemon went away while waiting for {what}"),
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no {what} within {wait:?}"))
    }

    /// Waits until `slug` reaches `state`.
    pub async fn state(&mut self, slug: &str, state: State) -> ControlEvent {
        self.until(&format!("{slug} {}", state.as_str()), |e| {
            matches!(e, ControlEvent::VendorState { slug: s, state: got, .. } if s == slug && *got == state)
        })
        .await
    }
}

/// The daemon's status report for one vendor (which it must supervise).
pub async fn status_of(runtime: &std::path::Path, slug: &str) -> VendorStatus {
    let mut control = Control::connect(runtime)
        .await
        .expect("the daemon is running");
    let report = control.status().await.expect("status");
    report
        .vendor(slug)
        .cloned()
        .unwrap_or_else(|| panic!("the daemon does not supervise `{slug}`: {report:?}"))
}
