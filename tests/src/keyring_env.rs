//! Guard for tests that use the real Secret Service.
//!
//! They must run inside `scripts/with-test-keyring`, which starts a private D-Bus
//! session and a fresh, unlocked gnome-keyring under a temporary HOME. The script sets
//! `SWITCHBOARD_TEST_KEYRING=1`; without it these tests refuse to run rather than
//! write to a developer's own keyring.

pub const MARKER: &str = "SWITCHBOARD_TEST_KEYRING";

pub fn require_test_keyring() {
    assert_eq!(
        std::env::var(MARKER).as_deref(),
        Ok("1"),
        "this test uses the real Secret Service; run it inside scripts/with-test-keyring \
         (e.g. `scripts/with-test-keyring cargo test -p switchboard-tests -- --ignored`)"
    );
}

/// The temporary HOME the keyring daemon lives in (scanned by leak tests).
pub fn keyring_home() -> std::path::PathBuf {
    std::env::var_os("HOME")
        .map(Into::into)
        .expect("HOME is set by with-test-keyring")
}
