//! Real MCP peers that nobody here wrote, as test partners: the official Python SDK
//! client, `@modelcontextprotocol/server-everything` as a vendor upstream, and the
//! MCP Inspector CLI. They come from PyPI and npm (installed by `scripts/setup`).

use std::process::Command;

use serde_json::{Value, json};
use switchboard_core::status::{LaunchSource, State};
use switchboard_tests::{FakeVendor, McpClient, TempHome, TestKeyring, text_of, tools};

const FIXTURE: &str = env!("CARGO_BIN_EXE_fixture-server");

fn home_with_fixture() -> TempHome {
    let mut home = TempHome::new();
    home.set_env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/no-keychain-needed",
    );
    home.write_config("[supervisor]\nbackoff_initial_ms = 50\n");
    let run = home.run(["servers", "add", "fx", "--", FIXTURE, "--name", "fx"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    home
}

#[test]
fn the_python_sdk_client_lists_calls_sees_progress_and_survives_a_crash() {
    let home = home_with_fixture();
    let mut py = Command::new(tools::python());
    py.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/peers/python_client.py"
    ))
    .arg(switchboard_tests::switchboard_bin());
    home.apply_env(&mut py);

    let out = py.output().expect("running the Python client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "python client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_str(stdout.trim()).expect("JSON from the client");
    assert_eq!(seen["server"], "switchboard");
    assert_eq!(seen["echo"], "from the python sdk");
    assert_eq!(seen["progress"].as_array().unwrap().len(), 3, "{seen}");
    assert_eq!(seen["progress"][2][2], "step 3 of 3");
    let crash = &seen["crash"];
    assert!(
        crash["error"]
            .as_str()
            .unwrap()
            .contains("fx's server stopped unexpectedly"),
        "{crash}"
    );
    assert!(crash["seconds"].as_f64().unwrap() < 1.0, "{crash}");
    assert_eq!(seen["after"], "after the crash");
}

#[tokio::test(flavor = "multi_thread")]
async fn server_everything_runs_as_a_vendor_and_gets_the_keychain_credentials_in_its_env() {
    let keyring = TestKeyring::start();
    let fake = FakeVendor::start(
        "huntress",
        &[
            ("api_key", "hk-pub-everything"),
            ("api_secret", "hs-secret-everything-77"),
        ],
    );
    let mut home = TempHome::new();
    home.set_env("DBUS_SESSION_BUS_ADDRESS", keyring.bus_address());
    home.set_env("SWITCHBOARD_PROBE_BASE_HUNTRESS", &fake.base);

    // Run the real server-everything (Node 22) in place of Huntress's own server.
    let node = tools::node();
    let everything = tools::server_everything();
    let run = home.run(
        [
            "vendors",
            "launch",
            "huntress",
            "--",
            node.to_str().unwrap(),
            everything.to_str().unwrap(),
            "stdio",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = home.run(
        [
            "connect",
            "huntress",
            "--field",
            "api_key=hk-pub-everything",
            "--stdin",
        ],
        r#"{"api_secret": "hs-secret-everything-77"}"#,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);

    let mut c = McpClient::spawn(home.bridge(&[]));
    c.initialize().await;
    let names = c.tool_names().await;
    assert!(names.contains(&"huntress__get-env".to_owned()), "{names:?}");
    assert!(names.contains(&"huntress__echo".to_owned()));
    let env = c.call("huntress__get-env", json!({})).await;
    let text = text_of(&env);
    let parsed: Value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("get-env returns JSON: {text}"));
    assert_eq!(
        parsed["HUNTRESS_API_KEY"], "hk-pub-everything",
        "the plain field is injected"
    );
    assert_eq!(
        parsed["HUNTRESS_API_SECRET"], "hs-secret-everything-77",
        "the keychain secret is injected"
    );
    assert_eq!(
        text_of(
            &c.call("huntress__echo", json!({"message": "through switchboard"}))
                .await
        ),
        "Echo: through switchboard"
    );
    // Logging both ways: the client's level reaches the server, and the server's log
    // message reaches the client, labelled with the vendor.
    let set = c
        .request("logging/setLevel", json!({"level": "debug"}))
        .await;
    assert!(set.get("result").is_some(), "{set}");
    c.call("huntress__toggle-simulated-logging", json!({}))
        .await;
    let log = c.notification("notifications/message").await;
    assert!(
        log["params"]["logger"]
            .as_str()
            .unwrap()
            .starts_with("huntress"),
        "{log}"
    );
    assert!(
        log["params"]["level"].is_string() && log["params"]["data"].is_string(),
        "{log}"
    );

    let status = home.status();
    let huntress = status.vendor("huntress").unwrap();
    assert_eq!(
        (huntress.state, huntress.source),
        (State::Running, Some(LaunchSource::Override)),
        "{huntress:?}"
    );
}

fn inspector(home: &TempHome, args: &[&str]) -> (bool, String) {
    let mut cmd = Command::new(tools::node());
    cmd.arg(tools::inspector()).arg("--cli");
    // The Inspector gives the server a minimal environment; pass ours with -e.
    cmd.args(["-e", &format!("SWITCHBOARD_HOME={}", home.path().display())]);
    cmd.args([
        "-e",
        "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/no-keychain-needed",
    ]);
    cmd.arg(switchboard_tests::switchboard_bin()).arg("bridge");
    cmd.args(args);
    cmd.env("HOME", home.path());
    let out = cmd.output().expect("running the Inspector");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn the_inspector_cli_lists_and_calls_through_the_bridge() {
    let home = home_with_fixture();
    let (ok, out) = inspector(&home, &["--method", "tools/list"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("\"fx__echo\"") && out.contains("\"switchboard__search_tools\""),
        "{out}"
    );
    let (ok, out) = inspector(
        &home,
        &[
            "--method",
            "tools/call",
            "--tool-name",
            "fx__echo",
            "--tool-arg",
            "text=inspected",
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("inspected"), "{out}");
}
