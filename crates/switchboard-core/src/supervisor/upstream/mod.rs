//! The connection to one vendor's MCP server, whatever carries it.
//!
//! An upstream is a pair of channels: messages to the server, and events from it
//! (messages, protocol violations, the end of the connection). Two kinds exist: a
//! stdio child process and a streamable HTTP endpoint. The hosted gateway will be a
//! third variant of [`Upstream`]; nothing above this module knows which one it talks to.

pub mod http;
pub mod stdio;

use std::time::Duration;

use tokio::sync::mpsc;

use crate::jsonrpc::Message;

/// What an upstream reports.
#[derive(Debug)]
pub enum Event {
    Message(Message),
    /// The server broke the protocol (garbage or an oversized line). It is stopped.
    Protocol(String),
    /// The connection is over (the process exited, say). Always the last event.
    Closed(String),
}

pub enum Upstream {
    Stdio(stdio::StdioChild),
    Http(http::HttpServer),
}

impl Upstream {
    pub fn sender(&self) -> &mpsc::UnboundedSender<Message> {
        match self {
            Self::Stdio(c) => &c.tx,
            Self::Http(h) => &h.tx,
        }
    }

    pub fn pid(&self) -> Option<u32> {
        match self {
            Self::Stdio(c) => c.pid,
            Self::Http(_) => None,
        }
    }

    /// Stops the server: closes its input, waits up to `grace`, then terminates it.
    pub async fn shutdown(self, grace: Duration) {
        match self {
            Self::Stdio(c) => c.shutdown(grace).await,
            Self::Http(h) => h.shutdown(),
        }
    }
}
