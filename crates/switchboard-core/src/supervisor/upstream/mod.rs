//! The connection to one vendor's MCP server, whatever carries it.
//!
//! An upstream takes messages for the server ([`Upstream`]) and reports events from it
//! on a channel (messages, protocol violations, the end of the connection). Two kinds
//! exist: a stdio child process and a streamable HTTP endpoint. The hosted gateway
//! will be a third implementation; nothing above this module knows which one it talks
//! to.

pub mod http;
pub mod stdio;

use std::time::Duration;

use futures::future::BoxFuture;

use crate::jsonrpc::Message;

/// What an upstream reports.
#[derive(Debug)]
pub enum Event {
    Message(Message),
    /// The server broke the protocol (garbage or an oversized line). It is stopped.
    Protocol(String),
    /// The connection is over (the process exited, say). Always the last event.
    Closed(String),
    /// The sign-in behind the connection is over (a refresh was refused): nothing
    /// works until a person signs in again.
    AuthLost(String),
}

/// A connection to one server, whatever carries it: what the actor needs of it.
/// `spawn::Connector` makes them; a third kind (the hosted gateway) is one more
/// implementation, and the actor does not change.
pub trait Upstream: Send {
    /// Queues a message for the server (dropped once the connection is gone; the
    /// `Closed` event says so).
    fn send(&self, msg: Message);

    /// The server's process, when it is one of ours.
    fn pid(&self) -> Option<u32> {
        None
    }

    /// Stops the server: closes its input, waits up to `grace`, then terminates it.
    fn shutdown(self: Box<Self>, grace: Duration) -> BoxFuture<'static, ()>;
}
