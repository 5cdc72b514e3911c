//! How the bridge, the CLI and the tray talk to the daemon: a local socket (a Unix
//! socket, mode 0600 with a peer-uid check; a named pipe on Windows) carrying lines of
//! JSON.
//!
//! Every connection opens with a [`Hello`] line and the daemon's [`Welcome`]. A bridge
//! connection then carries MCP JSON-RPC both ways; a control connection carries
//! [`ControlRequest`]s and their answers, and, after `subscribe`, a stream of events.

pub mod client;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Bumped when the hello or control protocol changes incompatibly.
pub const PROTOCOL: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Hello {
    Bridge {
        switchboard: u32,
        /// `None`: every connected vendor.
        #[serde(default)]
        vendors: Option<BTreeSet<String>>,
        #[serde(default)]
        compact: bool,
    },
    Control {
        switchboard: u32,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Welcome {
    pub switchboard: u32,
    pub ok: bool,
    pub version: String,
    pub pid: u32,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ControlOp {
    /// Every supervised vendor's status.
    Status,
    /// Start receiving events (vendor state and tool changes) on this connection.
    Subscribe,
    /// Stop and start a vendor's server, clearing a `failed` state.
    Restart { slug: String },
    /// Stop a vendor's server now; the next call starts it again.
    StopVendor { slug: String },
    /// Re-read the configuration and connections; `slug` names the one that changed.
    Reload {
        #[serde(default)]
        slug: Option<String>,
    },
    /// Stop the daemon (and every vendor server) gracefully.
    Stop,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ControlRequest {
    pub id: u64,
    #[serde(flatten)]
    pub op: ControlOp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ControlResponse {
    pub id: u64,
    pub ok: bool,
    #[serde(default)]
    pub result: Value,
    #[serde(default)]
    pub error: Option<String>,
}

/// What `status` reports about the daemon itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DaemonInfo {
    pub running: bool,
    pub pid: Option<u32>,
    pub version: Option<String>,
    pub endpoint: String,
}
