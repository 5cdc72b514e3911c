//! Switchboard's testkit: a temporary home, the `switchboard` binary, and faithful
//! local fakes of the vendor APIs (built from the contracts in domain.md §2a and the
//! vendors' public client code). Nothing here talks to the real internet.

pub mod fake_gateway;
pub mod fake_vendor;
pub mod home;
pub mod keyring;
pub mod mcp;
pub mod mcpb;
pub mod probing;
pub mod tools;
pub mod watch;

pub use fake_gateway::FakeGateway;
pub use fake_vendor::{FakeVendor, Recorded};
pub use home::TempHome;
pub use keyring::TestKeyring;
pub use mcp::{McpClient, text_of};
pub use watch::Watch;

use std::path::PathBuf;
use std::sync::OnceLock;

/// The `switchboard` binary, built once per test process with the test's profile.
pub fn switchboard_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(path) = std::env::var_os("SWITCHBOARD_BIN") {
            return PathBuf::from(path);
        }
        escargot::CargoBuild::new()
            .package("switchboard-cli")
            .bin("switchboard")
            .current_release()
            .current_target()
            .run()
            .expect("building the switchboard binary")
            .path()
            .to_owned()
    })
    .clone()
}
