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

    let steps = serde_json::json!([
        ["api_key: ", "typed-public-key"],
        ["api_secret: ", SECRET, "hidden"]
    ]);
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

/// `bundle import` in a terminal goes on to ask for the new vendor's settings, with the
/// bundle's sensitive ones hidden, and stores them like `connect`.
#[test]
fn import_asks_for_the_bundles_settings_on_a_terminal() {
    let keyring = TestKeyring::start();
    let mut home = TempHome::new();
    home.set_env("DBUS_SESSION_BUS_ADDRESS", keyring.bus_address());
    let bundle = home.path().join("acme-rmm-mcp.mcpb");
    switchboard_tests::mcpb::vendor_bundle(
        &bundle,
        "acme-rmm-mcp",
        std::path::Path::new(env!("CARGO_BIN_EXE_fixture-server")),
        serde_json::json!({"ACME_API_KEY": "${user_config.acme_api_key}", "ACME_REGION": "${user_config.acme_region}"}),
        serde_json::json!({
            "acme_api_key": {"type": "string", "title": "API key", "description": "From Settings", "required": true, "sensitive": true},
            "acme_region": {"type": "string", "title": "Region", "description": "us or eu", "default": "eu"}
        }),
    );
    let steps = serde_json::json!([
        ["acme_api_key: ", SECRET, "hidden"],
        ["acme_region [eu]: ", ""]
    ]);
    let script = home.path().join("steps.json");
    std::fs::write(&script, steps.to_string()).unwrap();
    let mut session = Command::new("/usr/bin/python3");
    session
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tty/session.py"))
        .arg(&script)
        .arg("--")
        .arg(switchboard_tests::switchboard_bin())
        .arg("bundle")
        .arg("import")
        .arg(&bundle);
    home.apply_env(&mut session);
    let out = session.output().expect("running the terminal session");
    let transcript = String::from_utf8_lossy(&out.stdout);
    assert!(transcript.contains("EXIT 0"), "{transcript}");
    assert!(
        transcript.contains("Imported Acme RMM 2.0.0 as the new vendor `acme-rmm`"),
        "{transcript}"
    );
    assert!(!transcript.contains(SECRET), "{transcript}");
    assert!(transcript.contains("Connected acme-rmm"), "{transcript}");
    let service = format!("{}:acme-rmm", home_namespace(&home));
    assert_eq!(
        keyring.lookup(&service, "acme_api_key").as_deref(),
        Some(SECRET)
    );
}
