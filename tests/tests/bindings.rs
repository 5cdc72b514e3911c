//! The window's TypeScript for the status contract (`ui/src/bindings.ts`) is generated
//! from the Rust types with ts-rs, checked in, and must match them: this test fails
//! when it is stale. `SWITCHBOARD_BLESS=1 cargo test -p switchboard-tests --test
//! bindings` rewrites it.

use std::path::{Path, PathBuf};

use switchboard_core::ErrorCode;
use switchboard_core::gateway::login::SignedOut;
use switchboard_core::status::{
    ControlEvent, DaemonInfo, GatewayStatus, LaunchSource, Served, State, StatusReport, TeamVendor,
    TeamView, VendorStatus,
};
use ts_rs::TS;

fn bindings_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts")
}

/// The file as the Rust types say it must be.
fn typescript() -> String {
    // Every integer here (pids, seconds, bytes, counts) fits a JavaScript number.
    let cfg = ts_rs::Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from crates/switchboard-core/src/status.rs, code.rs and\n\
         // gateway/login.rs by tests/tests/bindings.rs; do not edit. After changing\n\
         // those types, run\n\
         // `SWITCHBOARD_BLESS=1 cargo test -p switchboard-tests --test bindings`.\n\n",
    );
    for decl in [
        State::decl(&cfg),
        LaunchSource::decl(&cfg),
        Served::decl(&cfg),
        VendorStatus::decl(&cfg),
        DaemonInfo::decl(&cfg),
        GatewayStatus::decl(&cfg),
        StatusReport::decl(&cfg),
        TeamVendor::decl(&cfg),
        TeamView::decl(&cfg),
        SignedOut::decl(&cfg),
        ControlEvent::decl(&cfg),
        ErrorCode::decl(&cfg),
    ] {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.push_str(
        "/** Each state in words, as the tray and the window say it (`State::words`). */\n",
    );
    out.push_str("export const STATE_WORDS: Record<State, string> = {\n");
    for state in State::ALL {
        out.push_str(&format!("  {}: {:?},\n", state.as_str(), state.words()));
    }
    out.push_str("};\n");
    out
}

#[test]
fn the_windows_typescript_matches_the_rust_status_contract() {
    let want = typescript();
    let path = bindings_path();
    if std::env::var_os("SWITCHBOARD_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is stale; run `SWITCHBOARD_BLESS=1 cargo test -p switchboard-tests --test bindings` and commit it",
        path.display()
    );
}

#[test]
fn the_generated_typescript_names_every_state_and_field() {
    let ts = typescript();
    for state in State::ALL {
        assert!(ts.contains(&format!("\"{}\"", state.as_str())), "{state:?}");
    }
    for field in ["memory_bytes", "stderr_tail", "last_error", "uptime_s"] {
        assert!(ts.contains(field), "{field}");
    }
    assert!(ts.contains("\"event\": \"vendor_state\""), "{ts}");
    assert!(!ts.contains("bigint"), "integers are numbers in the window");
}
