//! Switchboard's domain logic: the vendor catalog, the keychain vault, live credential
//! probes and the connect flow. Shared by the CLI and the tray app.
//!
//! This crate never depends on tauri or clap, and never writes to stdout or stderr
//! (the bridge speaks MCP on stdout). It reports through return values and `tracing`.
//!
//! The modules are layered (see `docs/ARCHITECTURE.md`): each may use only the ones
//! below it, and nothing uses this root; it declares and re-exports.

pub mod atomic;
pub mod audit;
pub mod bridge;
pub mod bundle;
pub mod catalog;
pub mod clients;
pub mod code;
pub mod config;
pub mod connection;
pub mod credentials;
pub mod daemon;
pub mod doctor;
pub mod env;
pub mod error;
mod facade;
pub mod gateway;
pub mod ipc;
pub mod jsonrpc;
pub mod logs;
pub mod paths;
mod platform;
pub mod plugins;
pub mod policy;
pub mod preset;
pub mod probe;
pub mod process;
pub mod secret;
pub mod servers;
pub mod settings;
pub mod sources;
pub mod status;
pub mod supervisor;
pub mod time;
pub mod vault;
pub mod view;

pub use code::{Coded, ErrorCode, Surface};
pub use error::{Error, Result};
pub use facade::{
    BuildRequest, BuiltFile, PluginRow, PluginsReport, Progress, SettingsFile, Switchboard,
};
