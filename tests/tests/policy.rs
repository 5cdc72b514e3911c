//! The tool policy and the audit record, end to end: the official Python MCP SDK
//! client calls through the real bridge and daemon; this test plays the technician
//! from a terminal (`switchboard approvals`, `approve`, `deny`).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use switchboard_tests::{TempHome, tools};

const FIXTURE: &str = env!("CARGO_BIN_EXE_fixture-server");
const PASSWORD: &str = "hunter2-do-not-keep";

fn home_with_fixture(config: &str) -> TempHome {
    let mut home = TempHome::new();
    home.set_env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/no-keychain-needed",
    );
    home.write_config(config);
    let run = home.run(["servers", "add", "fx", "--", FIXTURE, "--name", "fx"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    home
}

/// The calls waiting now.
fn waiting(home: &TempHome) -> Vec<Value> {
    let run = home.run(["approvals", "--json"], "");
    assert_eq!(run.code, 0, "{}", run.all_output());
    run.json().as_array().cloned().unwrap_or_default()
}

/// Waits for a call to wait for approval, then returns it.
fn next_waiting(home: &TempHome, after: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(w) = waiting(home)
            .into_iter()
            .find(|w| w["id"].as_u64().unwrap() > after)
        {
            return w;
        }
        assert!(Instant::now() < deadline, "no call came to wait");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_destructive_call_waits_for_the_technician_who_approves_declines_or_lets_it_time_out() {
    let home = home_with_fixture(
        "[supervisor]\nbackoff_initial_ms = 50\n\n[policy]\nconfirm_timeout_s = 3\naudit_arguments = true\n",
    );
    // A rule from the terminal: the fixture's echo may not run.
    let set = home.run(["policy", "set", "fx__echo", "deny"], "");
    assert_eq!(set.code, 0, "{}", set.all_output());
    let bad = home.run(["policy", "set", "echo", "deny"], "");
    assert_eq!(bad.code, 2, "{}", bad.all_output());
    assert!(
        bad.stderr.contains("vendor__tool") || bad.stderr.contains("<vendor>__<tool>"),
        "{}",
        bad.stderr
    );

    let mut py = Command::new(tools::python());
    py.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/peers/python_policy.py"
    ))
    .arg(switchboard_tests::switchboard_bin())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    home.apply_env(&mut py);
    let client = py.spawn().expect("running the Python client");

    // 1. Approved from the terminal: the arguments are shown, the password is not.
    let first = next_waiting(&home, 0);
    assert_eq!(first["tool"], "fx__wipe");
    assert_eq!(first["client"], "policy-test");
    assert_eq!(first["arguments"]["device"], "laptop-7");
    assert_eq!(first["arguments"]["password"], "[redacted]");
    let list = home.run(["approvals"], "");
    assert!(
        list.stdout.contains("fx__wipe") && list.stdout.contains("switchboard approve"),
        "{}",
        list.stdout
    );
    let id = first["id"].as_u64().unwrap();
    let ok = home.run(["approve", &id.to_string()], "");
    assert_eq!(ok.code, 0, "{}", ok.all_output());
    assert!(ok.stdout.contains("Approved"), "{}", ok.stdout);
    // Answered once only.
    let again = home.run(["approve", &id.to_string(), "--json"], "");
    assert_eq!(again.code, 2, "{}", again.all_output());
    assert_eq!(again.json()["error"]["code"], "not_waiting");

    // 2. Declined.
    let second = next_waiting(&home, id);
    let id2 = second["id"].as_u64().unwrap();
    let no = home.run(["deny", &id2.to_string()], "");
    assert_eq!(no.code, 0, "{}", no.all_output());

    // 3. Nobody answers: denied after the timeout (3 s here).
    let third = next_waiting(&home, id2);
    assert_eq!(third["timeout_s"], 3);

    let out = client.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "python client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_str(stdout.trim()).expect("JSON from the client");
    assert_eq!(seen["peek"]["text"], "42");
    assert_eq!(seen["approved"]["text"], "wiped laptop-7");
    assert_eq!(seen["approved"]["is_error"], false);
    let declined = seen["declined"]["text"].as_str().unwrap();
    assert_eq!(seen["declined"]["is_error"], true);
    assert!(
        declined.contains("The technician declined `fx__wipe`"),
        "{declined}"
    );
    assert!(
        declined.contains("declined from the terminal"),
        "{declined}"
    );
    assert!(declined.contains("Do not call it again"), "{declined}");
    let timed_out = seen["timed_out"]["text"].as_str().unwrap();
    assert!(
        timed_out.contains("Nobody approved `fx__wipe` within 3 s"),
        "{timed_out}"
    );
    let denied = seen["denied"]["text"].as_str().unwrap();
    assert_eq!(seen["denied"]["is_error"], true);
    assert!(denied.contains("does not let `fx__echo` run"), "{denied}");
    assert!(
        denied.contains("set by config.toml, rule `fx__echo`"),
        "{denied}"
    );
    assert!(waiting(&home).is_empty());

    // The audit record: one line per call, with the decision and who answered.
    let audit = home.run(["audit", "--json"], "");
    assert_eq!(audit.code, 0, "{}", audit.all_output());
    let records = audit.json();
    let records = records.as_array().unwrap();
    let outcomes: Vec<(&str, &str, &str)> = records
        .iter()
        .map(|r| {
            (
                r["tool"].as_str().unwrap(),
                r["decision"].as_str().unwrap(),
                r["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("fx__peek", "allow", "ok"),
            ("fx__wipe", "confirm", "ok"),
            ("fx__wipe", "confirm", "declined"),
            ("fx__wipe", "confirm", "timed_out"),
            ("fx__echo", "deny", "denied"),
        ]
    );
    assert_eq!(records[1]["approved_by"], "cli");
    assert_eq!(records[2]["approved_by"], "cli");
    assert!(records.iter().all(|r| r["client"] == "policy-test"));
    assert!(records[1]["result_bytes"].as_u64().unwrap() > 0);
    assert_eq!(records[1]["arguments"]["password"], "[redacted]");
    let csv = home.run(["audit", "--csv", "--vendor", "fx"], "");
    assert_eq!(csv.stdout.lines().count(), 6, "{}", csv.stdout);
    let table = home.run(["audit", "--since", "1h"], "");
    assert!(
        table.stdout.contains("fx__wipe") && table.stdout.contains("confirm (cli)"),
        "{}",
        table.stdout
    );

    // No secret reached any file Switchboard wrote.
    let leaked = TempHome::files_containing(home.path(), PASSWORD);
    assert!(leaked.is_empty(), "the password is in {leaked:?}");

    // `policy list`: every tool with its policy and why.
    let list = home.run(["policy", "list", "--json"], "");
    assert_eq!(list.code, 0, "{}", list.all_output());
    let rows = list.json();
    let row = |tool: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["tool"] == tool)
            .cloned()
            .unwrap_or_else(|| panic!("{tool} not in {rows}"))
    };
    assert_eq!(row("fx__wipe")["decision"], "confirm");
    assert_eq!(row("fx__wipe")["why"]["hint"], "destructiveHint");
    assert_eq!(row("fx__peek")["why"]["hint"], "readOnlyHint");
    assert_eq!(row("fx__echo")["decision"], "deny");
    assert_eq!(row("fx__add")["why"]["source"], "default");

    // The daemon dies hard: the records are on disk, and the next one joins them.
    let pid = home.status().daemon.pid.expect("the daemon runs");
    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        home.run(["audit", "--json"], "")
            .json()
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut c = switchboard_tests::McpClient::spawn(home.bridge(&[]));
        c.initialize().await;
        let r = c.call("fx__peek", serde_json::json!({})).await;
        assert_eq!(switchboard_tests::text_of(&r), "42", "{r}");
    });
    assert_eq!(
        home.run(["audit", "--json"], "")
            .json()
            .as_array()
            .unwrap()
            .len(),
        6
    );
    let _ = home.run(["daemon", "stop"], "");
}
