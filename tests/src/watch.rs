//! `Watch`: waits on the daemon's control-API events (vendor state, tool changes), so
//! tests wait for a state to be reached instead of sleeping.

use std::time::Duration;

use serde_json::Value;
use switchboard_core::ipc::ControlOp;
use switchboard_core::ipc::client::Control;

pub struct Watch {
    control: Control,
}

impl Watch {
    /// Connects to the running daemon of `home` and subscribes.
    pub async fn new(runtime: &std::path::Path) -> Self {
        let mut control = Control::connect(runtime)
            .await
            .expect("the daemon is running");
        control
            .request(ControlOp::Subscribe)
            .await
            .expect("subscribed");
        Self { control }
    }

    /// Waits for an event matching `pred`; returns it.
    pub async fn until(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
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
    pub async fn state(&mut self, slug: &str, state: &str) -> Value {
        self.until(&format!("{slug} {state}"), |e| {
            e["event"] == "vendor_state" && e["slug"] == slug && e["state"] == state
        })
        .await
    }
}

/// The daemon's status report for one vendor.
pub async fn status_of(runtime: &std::path::Path, slug: &str) -> Value {
    let mut control = Control::connect(runtime)
        .await
        .expect("the daemon is running");
    let report = control.request(ControlOp::Status).await.expect("status");
    report["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["slug"] == slug)
        .cloned()
        .unwrap_or(Value::Null)
}
