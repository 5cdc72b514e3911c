//! The supervisor: runs every connected vendor's MCP server and serves them as one.
//!
//! `launch` decides how a vendor runs and `spawn` starts it (the `Connector` seam);
//! `upstream` talks to it (stdio child or HTTP). `actor` supervises one server (its
//! lifecycle and timers), with `inflight` (the requests in flight to it) and `breaker`
//! (the crash policy). `cache` keeps what a server offers, `naming` makes
//! `<slug>__<tool>` names, `hub` holds every actor and the aggregate index, `session`
//! serves one bridge's MCP session over it, and `meta_tools` are the tools Switchboard
//! adds (search, and call in compact mode), with `search` ranking their matches.

pub mod actor;
pub mod approvals;
pub mod breaker;
pub mod cache;
pub mod hub;
pub mod inflight;
pub mod launch;
pub mod meta_tools;
pub mod naming;
pub mod search;
pub mod session;
pub mod spawn;
#[cfg(test)]
pub(crate) mod testing;
pub mod upstream;

pub use actor::Deps;
pub use hub::{Hub, Scope};
