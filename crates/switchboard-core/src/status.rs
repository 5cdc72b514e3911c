//! The status contract: what the daemon reports about itself and each vendor's server,
//! and the events it pushes to control connections.
//!
//! One set of types for every side: the daemon produces them, the CLI prints them,
//! the tray and its watcher read them, and the window gets the same shapes as
//! TypeScript generated from these definitions (`ui/src/bindings.ts`, kept fresh by a
//! test). The words people see for each state are here too, once ([`State::words`]).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a vendor's server is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum State {
    NotConnected,
    Idle,
    Starting,
    Running,
    BackingOff,
    Failed,
    /// The team sign-in behind it expired and could not be renewed.
    SignedOut,
}

impl State {
    pub const ALL: [State; 7] = [
        Self::NotConnected,
        Self::Idle,
        Self::Starting,
        Self::Running,
        Self::BackingOff,
        Self::Failed,
        Self::SignedOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotConnected => "not_connected",
            Self::Idle => "idle",
            Self::Starting => "starting",
            Self::Running => "running",
            Self::BackingOff => "backing_off",
            Self::Failed => "failed",
            Self::SignedOut => "signed_out",
        }
    }

    /// The state in words, as the tray's menu and the window show it (lower case; a
    /// window label capitalises the first letter).
    pub fn words(self) -> &'static str {
        match self {
            Self::NotConnected => "not connected",
            Self::Idle => "connected, idle",
            Self::Starting => "starting",
            Self::Running => "running",
            Self::BackingOff => "restarting after a crash",
            Self::Failed => "failed",
            Self::SignedOut => "signed out: sign in again",
        }
    }

    /// Connected, whatever its server is doing.
    pub fn is_connected(self) -> bool {
        self != Self::NotConnected
    }
}

/// Where a vendor's launch spec came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LaunchSource {
    Catalog,
    Override,
    Http,
    Custom,
    /// An imported `.mcpb`.
    Bundle,
    /// The hosted gateway.
    Gateway,
}

impl LaunchSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Catalog => "catalog",
            Self::Override => "override",
            Self::Http => "http",
            Self::Custom => "custom",
            Self::Bundle => "bundle",
            Self::Gateway => "gateway",
        }
    }
}

/// Who serves a vendor: this computer's credentials, or the team gateway's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Served {
    Local,
    Gateway,
}

/// One vendor's server, as `status` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VendorStatus {
    pub slug: String,
    pub name: String,
    pub state: State,
    /// How it runs; `None` when it cannot launch.
    pub source: Option<LaunchSource>,
    pub pid: Option<u32>,
    /// Seconds since it came up, while it runs.
    pub uptime_s: Option<u64>,
    pub restarts: u32,
    /// How many tools it offers (from the cache when it is not running).
    pub tools: usize,
    pub last_error: Option<String>,
    /// Its last lines of stderr, secrets redacted.
    pub stderr_tail: Vec<String>,
    /// Resident memory of the server process, bytes; `None` when it is not running.
    pub memory_bytes: Option<u64>,
    /// Who serves it; `None` when nobody does.
    #[serde(default)]
    pub served_by: Option<Served>,
}

/// The daemon itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DaemonInfo {
    pub running: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub pid: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub uptime_s: Option<u64>,
    /// Where it listens (or would).
    pub endpoint: String,
}

impl DaemonInfo {
    /// No daemon runs; it would listen at `endpoint`.
    pub fn not_running(endpoint: String) -> Self {
        Self {
            running: false,
            pid: None,
            version: None,
            uptime_s: None,
            endpoint,
        }
    }
}

/// The team gateway, when signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GatewayStatus {
    /// Its MCP endpoint.
    pub endpoint: String,
    pub state: State,
    /// Who is signed in and their team, when the token says.
    pub account: Option<String>,
    pub team: Option<String>,
    /// When the access token expires (Unix seconds), when known.
    pub expires_at: Option<u64>,
    pub last_error: Option<String>,
    /// The vendors it serves (from its tool listing).
    pub vendors: Vec<String>,
}

/// `status`: the daemon and every vendor (from the daemon when it runs, else from
/// disk, each connected vendor `idle`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StatusReport {
    pub daemon: DaemonInfo,
    pub vendors: Vec<VendorStatus>,
    /// The team sign-in, when there is one.
    #[serde(default)]
    pub gateway: Option<GatewayStatus>,
}

impl StatusReport {
    pub fn vendor(&self, slug: &str) -> Option<&VendorStatus> {
        self.vendors.iter().find(|v| v.slug == slug)
    }
}

/// The team sign-in, as `switchboard team` and the window's Team page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TeamView {
    pub signed_in: bool,
    /// The MCP endpoint signed in to (or that a sign-in would use).
    pub endpoint: String,
    /// `false` for a gateway that needs no sign-in.
    pub oauth: bool,
    pub account: Option<String>,
    pub team: Option<String>,
    /// When the access token expires (Unix seconds).
    pub expires_at: Option<u64>,
    /// The gateway connection's state, when signed in.
    pub state: Option<State>,
    /// Why the sign-in is over or the gateway failed, in words.
    pub problem: Option<String>,
    /// Every vendor served, by whom.
    pub vendors: Vec<TeamVendor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TeamVendor {
    pub slug: String,
    pub name: String,
    pub served_by: Served,
    pub tools: usize,
}

/// What a control connection hears after `subscribe`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ControlEvent {
    /// A vendor's server changed state.
    VendorState {
        slug: String,
        state: State,
        last_error: Option<String>,
    },
    /// A vendor's tools changed (or were first fetched).
    ToolsChanged { slug: String, tools: usize },
    /// A call began or stopped waiting for the technician's approval; `waiting` is how
    /// many wait now (`switchboard approvals` lists them).
    ApprovalsChanged { waiting: u32 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_serialize_as_their_names_and_every_one_has_words() {
        for state in State::ALL {
            assert_eq!(
                serde_json::to_value(state).unwrap(),
                serde_json::Value::String(state.as_str().to_owned())
            );
            assert!(!state.words().is_empty());
            assert_eq!(state.words(), state.words().to_lowercase());
        }
    }

    #[test]
    fn a_report_round_trips_and_a_down_daemon_has_no_pid_key() {
        let report = StatusReport {
            daemon: DaemonInfo::not_running("/run/x.sock".into()),
            vendors: vec![VendorStatus {
                slug: "hudu".into(),
                name: "Hudu".into(),
                state: State::BackingOff,
                source: Some(LaunchSource::Bundle),
                pid: None,
                uptime_s: None,
                restarts: 2,
                tools: 7,
                last_error: Some("boom".into()),
                stderr_tail: vec!["line".into()],
                memory_bytes: None,
                served_by: Some(Served::Local),
            }],
            gateway: None,
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json["daemon"],
            serde_json::json!({"running": false, "endpoint": "/run/x.sock"})
        );
        assert_eq!(json["vendors"][0]["state"], "backing_off");
        assert_eq!(json["vendors"][0]["source"], "bundle");
        let back: StatusReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn events_carry_their_kind_in_an_event_key() {
        let e = ControlEvent::VendorState {
            slug: "hudu".into(),
            state: State::Failed,
            last_error: None,
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["event"], "vendor_state");
        assert_eq!(json["state"], "failed");
        assert_eq!(serde_json::from_value::<ControlEvent>(json).unwrap(), e);
    }
}
