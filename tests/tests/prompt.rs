//! `connect` on a terminal: it asks for each field, hides what is typed for secrets,
//! and shows what is typed for plain fields. Driven through a real pseudo-terminal.

use std::process::Command;

use switchboard_tests::{FakeVendor, TempHome, TestKeyring};

const SECRET: &str = "TYPED-SECRET-4d2a9";

#[test]
fn connect_prompts_on_a_terminal_with_hidden_input_for_secrets() {
    let keyring = TestKeyring::start();
    let fake = FakeVendor::start(
        "huntress",
        &[("api_key", "typed-public-key"), ("api_secret", SECRET)],
    );
    let mut home = TempHome::new();
    home.set_env("DBUS_SESSION_BUS_ADDRESS", keyring.bus_address());
    home.set_env("SWITCHBOARD_PROBE_BASE_HUNTRESS", &fake.base);

    let steps = serde_json::json!([["api_key: ", "typed-public-key"], ["api_secret: ", SECRET]]);
    let script = home.path().join("steps.json");
    std::fs::write(&script, steps.to_string()).unwrap();
    let mut session = Command::new("/usr/bin/python3");
    session
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tty/session.py"))
        .arg(&script)
        .arg("--")
        .arg(switchboard_tests::switchboard_bin())
        .args(["connect", "huntress"]);
    home.apply_env(&mut session);

    let out = session.output().expect("running the terminal session");
    let transcript = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{transcript}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    assert!(transcript.contains("EXIT 0"), "{transcript}");
    assert!(
        transcript.contains("API key\r\n  The public key"),
        "the label and help are shown: {transcript}"
    );
    assert!(
        transcript.contains("typed-public-key"),
        "plain input is echoed: {transcript}"
    );
    assert!(
        !transcript.contains(SECRET),
        "secret input must not be echoed: {transcript}"
    );
    assert!(
        transcript.contains("Huntress accepted the credentials"),
        "{transcript}"
    );
    let service = format!("{}:huntress", home_namespace(&home));
    assert_eq!(
        keyring.lookup(&service, "api_secret").as_deref(),
        Some(SECRET)
    );
}

fn home_namespace(home: &TempHome) -> String {
    switchboard_core::vault::Namespace::detect(&home.paths())
        .as_str()
        .to_owned()
}
