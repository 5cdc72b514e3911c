//! How the bridge, the CLI and the tray talk to the daemon: a local socket (a Unix
//! socket, mode 0600 with a peer-uid check; a named pipe on Windows) carrying lines of
//! JSON.
//!
//! Every connection opens with a [`Hello`] line and the daemon's [`Welcome`]. A bridge
//! connection then carries MCP JSON-RPC both ways; a control connection carries
//! [`ControlRequest`]s and their answers, and, after `subscribe`, a stream of events.

pub mod client;
pub mod tray;
pub mod watch;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::code::{Coded, ErrorCode, Surface};

/// The daemon's local channel (`daemon.sock`, or its named pipe).
pub const DAEMON: &str = "daemon";

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
    /// Every tool's effective policy (`vendor` only, when given).
    Policies {
        #[serde(default)]
        vendor: Option<String>,
    },
    /// The calls waiting for the technician's approval.
    Approvals,
    /// Approve or decline the waiting call `call`; `by` says where (`cli`, `tray`,
    /// `window`). (Not `id`: that is the request's own, beside the op.)
    Answer {
        call: u64,
        approve: bool,
        by: String,
    },
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
    /// The message of a refusal.
    #[serde(default)]
    pub error: Option<String>,
    /// Its code, so that it survives the socket (absent from older daemons).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_code"
    )]
    pub code: Option<ErrorCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_hint: Option<String>,
}

impl ControlResponse {
    pub fn ok(id: u64, result: Value) -> Self {
        Self {
            id,
            ok: true,
            result,
            error: None,
            code: None,
            hint: None,
            window_hint: None,
        }
    }

    pub fn refused(id: u64, refusal: Refusal) -> Self {
        Self {
            id,
            ok: false,
            result: Value::Null,
            error: Some(refusal.message),
            code: Some(refusal.code),
            hint: refusal.hint,
            window_hint: refusal.window_hint,
        }
    }

    /// The refusal this response carries, if it is one.
    pub fn refusal(&self) -> Option<Refusal> {
        (!self.ok).then(|| Refusal {
            code: self.code.unwrap_or(ErrorCode::DaemonUnavailable),
            message: self.error.clone().unwrap_or_default(),
            hint: self.hint.clone(),
            window_hint: self.window_hint.clone(),
        })
    }
}

/// A code a newer daemon may know and this build does not: read as absent.
fn lenient_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<ErrorCode>, D::Error> {
    let raw = Option::<Value>::deserialize(d)?;
    Ok(raw.and_then(|v| serde_json::from_value(v).ok()))
}

/// Why the daemon refused a control request, with the code and hints of the error
/// behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: String,
    pub hint: Option<String>,
    pub window_hint: Option<String>,
}

impl Refusal {
    pub fn from_error(e: &dyn Coded) -> Self {
        Self {
            code: e.code(),
            message: e.to_string(),
            hint: e.hint_for(Surface::Cli),
            window_hint: e.hint_for(Surface::Window),
        }
    }

    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: None,
            window_hint: None,
        }
    }

    pub fn hint_for(&self, surface: Surface) -> Option<String> {
        match surface {
            Surface::Cli => self.hint.clone(),
            Surface::Window => self.window_hint.clone(),
        }
    }
}
