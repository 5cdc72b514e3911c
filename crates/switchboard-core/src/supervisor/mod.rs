//! The supervisor: runs every connected vendor's MCP server and serves them as one.
//!
//! `launch` decides how a vendor runs, `upstream` talks to it (stdio child or HTTP),
//! `vendor` supervises one server (lifecycle, routing, crashes), `cache` keeps what a
//! server offers, `naming` makes `<slug>__<tool>` names, and `hub` ties the vendors to
//! the sessions the bridges open.

pub mod cache;
pub mod hub;
pub mod launch;
pub mod naming;
pub mod upstream;
pub mod vendor;

pub use hub::{Hub, Scope};
pub use vendor::Deps;
