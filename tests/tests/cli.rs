//! The `switchboard` command as a user drives it, without a keychain: catalog output,
//! input checks, and every failure path that must store nothing.
//!
//! Each run points D-Bus at a dead address, so any attempt to reach the keychain shows
//! up as `keychain_unavailable` (exit 4).

use switchboard_tests::fake_vendor::Mode;
use switchboard_tests::{FakeVendor, TempHome};

const NO_BUS: &str = "unix:path=/nonexistent/switchboard-test-bus";

fn home() -> TempHome {
    let mut home = TempHome::new();
    home.set_env("DBUS_SESSION_BUS_ADDRESS", NO_BUS);
    home
}

fn nothing_stored(home: &TempHome) {
    assert!(
        !home.path().join("config/connections.json").exists(),
        "an index was written"
    );
}

#[test]
fn vendors_list_json_has_the_documented_shape() {
    let home = home();
    let run = home.run(["vendors", "list", "--json"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list = run.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 30);
    for v in list {
        for key in ["slug", "name", "category", "connected", "fields"] {
            assert!(v.get(key).is_some(), "{key} missing in {v}");
        }
        assert_eq!(v["connected"], false);
        for f in v["fields"].as_array().unwrap() {
            for key in ["key", "label", "secret", "required", "default", "options"] {
                assert!(f.get(key).is_some(), "{key} missing in {f}");
            }
        }
    }
    let datto = list.iter().find(|v| v["slug"] == "datto-rmm").unwrap();
    let platform = datto["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "platform")
        .unwrap();
    assert_eq!(platform["default"], "concord");
    assert_eq!(platform["options"].as_array().unwrap().len(), 6);
    assert_eq!(platform["options"][0], "pinotage");
}

#[test]
fn vendors_show_prints_one_vendor_and_the_human_list_is_a_table() {
    let home = home();
    let run = home.run(["vendors", "show", "itglue", "--json"], "");
    assert_eq!(run.code, 0);
    let v = run.json();
    assert_eq!(v["slug"], "itglue");
    assert_eq!(
        v["fields"][1]["options"],
        serde_json::json!(["us", "eu", "au"])
    );

    let run = home.run(["vendors", "list"], "");
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("SLUG"), "{}", run.stdout);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("huntress") && l.trim_end().ends_with("no"))
    );

    let run = home.run(["vendors", "show", "ninjaone"], "");
    assert!(
        run.stdout.contains("us2 = United States 2"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("env NINJAONE_CLIENT_SECRET"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unknown_vendor_is_a_usage_error_with_a_suggestion() {
    let home = home();
    let run = home.run(["connect", "hudo"], "");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no vendor `hudo`") && run.stderr.contains("did you mean `hudu`"),
        "{}",
        run.stderr
    );

    let run = home.run(["vendors", "show", "hudo", "--json"], "");
    assert_eq!(run.code, 2);
    assert_eq!(run.json()["error"]["code"], "unknown_vendor");
}

#[test]
fn bad_field_values_are_refused_before_any_network_call() {
    let mut home = home();
    let fake = FakeVendor::start("datto-rmm", &[]);
    home.set_env("SWITCHBOARD_PROBE_BASE_DATTO_RMM", &fake.base);
    let run = home.run(
        [
            "connect",
            "datto-rmm",
            "--stdin",
            "--field",
            "platform=shiraz",
        ],
        r#"{"api_key": "k"}"#,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("API secret key (`api_secret`) is required"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`platform` cannot be `shiraz`"),
        "{}",
        run.stderr
    );
    assert!(fake.requests().is_empty(), "no request may be made");
    nothing_stored(&home);
}

#[test]
fn a_secret_on_the_command_line_is_refused_and_not_echoed() {
    let home = home();
    let run = home.run(
        [
            "connect",
            "huntress",
            "--field",
            "api_key=pub",
            "--field",
            "api_secret=SUPER-SECRET-1",
        ],
        "",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("secrets are never taken from the command line"),
        "{}",
        run.stderr
    );
    assert!(!run.all_output().contains("SUPER-SECRET-1"));
    nothing_stored(&home);
}

#[test]
fn rejected_credentials_store_nothing_and_never_reach_the_keychain() {
    let mut home = home();
    let fake = FakeVendor::start("huntress", &[("api_key", "pub"), ("api_secret", "right")]);
    home.set_env("SWITCHBOARD_PROBE_BASE_HUNTRESS", &fake.base);
    let run = home.run(
        ["connect", "huntress", "--field", "api_key=pub", "--stdin"],
        r#"{"api_secret": "WRONG-SECRET-9"}"#,
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("Huntress rejected the credentials"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was stored"), "{}", run.stderr);
    assert_eq!(fake.requests().len(), 1);
    assert!(!run.all_output().contains("WRONG-SECRET-9"));
    nothing_stored(&home);

    let run = home.run(
        [
            "connect",
            "huntress",
            "--field",
            "api_key=pub",
            "--stdin",
            "--json",
        ],
        r#"{"api_secret": "WRONG-SECRET-9"}"#,
    );
    assert_eq!(run.code, 3);
    assert_eq!(run.json()["error"]["code"], "probe_failed");
}

#[test]
fn an_unreachable_vendor_stores_nothing() {
    let mut home = home();
    let fake = FakeVendor::start("syncro", &[]);
    fake.set_mode(Mode::Down);
    home.set_env("SWITCHBOARD_PROBE_BASE_SYNCRO", &fake.base);
    let run = home.run(
        ["connect", "syncro", "--field", "subdomain=acme", "--stdin"],
        r#"{"api_key": "tok"}"#,
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("HTTP 503"), "{}", run.stderr);
    nothing_stored(&home);
}

#[test]
fn a_missing_keychain_is_keychain_unavailable_with_a_hint_and_no_plaintext_fallback() {
    let mut home = home();
    let fake = FakeVendor::start("syncro", &[("api_key", "SYNCRO-TOKEN-55")]);
    home.set_env("SWITCHBOARD_PROBE_BASE_SYNCRO", &fake.base);
    let run = home.run(
        ["connect", "syncro", "--field", "subdomain=acme", "--stdin"],
        r#"{"api_key": "SYNCRO-TOKEN-55"}"#,
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("keychain (Secret Service) is unavailable"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: ") && run.stderr.contains("gnome-keyring-daemon"),
        "{}",
        run.stderr
    );
    nothing_stored(&home);
    assert!(
        TempHome::files_containing(home.path(), "SYNCRO-TOKEN-55").is_empty(),
        "no secret on disk"
    );

    let run = home.run(["doctor", "--json"], "");
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_eq!(report["ok"], false);
    assert_eq!(report["checks"][0]["id"], "keychain");
    assert_eq!(report["checks"][0]["status"], "fail");
    assert!(
        report["checks"][0]["hint"]
            .as_str()
            .unwrap()
            .contains("Secret Service")
    );
    assert_eq!(report["checks"][1]["id"], "catalog");
    assert_eq!(report["checks"][1]["status"], "ok");
}

#[test]
fn stdin_that_is_not_a_json_object_is_refused_without_echoing_it() {
    let home = home();
    let run = home.run(["connect", "hudu", "--stdin"], "api_key=LEAKY-VALUE-1");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("stdin is not valid JSON"),
        "{}",
        run.stderr
    );
    assert!(!run.all_output().contains("LEAKY-VALUE-1"));
    let run = home.run(["connect", "hudu", "--stdin"], r#"["LEAKY-VALUE-2"]"#);
    assert_eq!(run.code, 2);
    assert!(!run.all_output().contains("LEAKY-VALUE-2"));
}

#[test]
fn testing_a_vendor_that_is_not_connected_says_so() {
    let home = home();
    let run = home.run(["test", "hudu"], "");
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr.contains("`hudu` is not connected")
            && run.stderr.contains("switchboard connect hudu")
    );
}

#[test]
fn a_corrupt_index_is_reported_and_left_byte_identical() {
    let mut home = home();
    let fake = FakeVendor::start("hudu", &[]);
    home.set_env("SWITCHBOARD_PROBE_BASE_HUDU", &fake.base);
    let index = home.path().join("config/connections.json");
    std::fs::create_dir_all(index.parent().unwrap()).unwrap();
    std::fs::write(&index, "{\"version\": 1, \"vendors\": ").unwrap();
    for args in [
        vec!["vendors", "list"],
        vec![
            "connect",
            "hudu",
            "--field",
            "base_url=https://h.example",
            "--stdin",
        ],
    ] {
        let run = home.run(&args, r#"{"api_key": "k"}"#);
        assert_eq!(run.code, 6, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("is not a valid connections file"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("left the file untouched"),
            "{}",
            run.stderr
        );
    }
    assert!(fake.requests().is_empty(), "no probe with a corrupt index");
    assert_eq!(
        std::fs::read_to_string(&index).unwrap(),
        "{\"version\": 1, \"vendors\": "
    );
}

#[test]
fn a_broken_user_catalog_file_is_a_warning_not_an_outage() {
    let home = home();
    let dir = home.path().join("config/vendors");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("oops.toml"), "this is not toml [").unwrap();
    let run = home.run(["vendors", "list", "--json"], "");
    assert_eq!(run.code, 0);
    assert_eq!(run.json().as_array().unwrap().len(), 30);
    assert!(
        run.stderr.contains("warning: skipped") && run.stderr.contains("oops.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn help_lists_the_exit_codes() {
    let run = home().run(["--help"], "");
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Exit codes: 0 ok"), "{}", run.stdout);
}

#[test]
fn a_launch_override_that_cannot_run_is_refused_with_what_to_install() {
    let home = home();
    let run = home.run(
        [
            "vendors",
            "launch",
            "hudu",
            "--",
            "surely-not-a-program-xyz",
            "--flag",
        ],
        "",
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`surely-not-a-program-xyz` was not found"),
        "{}",
        run.stderr
    );
    assert!(
        !home.path().join("config/config.toml").exists(),
        "nothing written"
    );

    // A launcher whose runtime is nowhere (searched: PATH and the usual install
    // places): the error names the runtime to install, not a bare ENOENT. (npx is on
    // this machine; the same message for Node.js is unit-tested in supervisor::launch.)
    let found = std::process::Command::new("sh")
        .args(["-c", "command -v uvx"])
        .output()
        .unwrap();
    assert!(
        !found.status.success(),
        "this test needs a machine without uvx"
    );
    let mut cmd = home.command(["servers", "add", "needs-uv", "--", "uvx", "some-mcp-server"]);
    cmd.env("HOME", home.path());
    let run = home.run_command(cmd, "");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`uvx` was not found") && run.stderr.contains("it needs uv"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("hint: install uv (https://docs.astral.sh/uv), then try again")
            && run.stderr.contains(".volta"),
        "the hint says what to install and where we looked: {}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("No such file or directory"),
        "{}",
        run.stderr
    );

    let run = home.run(["vendors", "launch", "hudu"], "");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("say how to run it"), "{}", run.stderr);
    let run = home.run(["vendors", "launch", "hudu", "--http", "ftp://nope"], "");
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_corrupt_config_file_is_reported_and_never_rewritten() {
    let home = home();
    let path = home.path().join("config/config.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "[supervisor\nidle = ").unwrap();
    let run = home.run(
        [
            "vendors",
            "launch",
            "hudu",
            "--http",
            "http://127.0.0.1:9/mcp",
        ],
        "",
    );
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert!(
        run.stderr.contains("left the file untouched"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "[supervisor\nidle = "
    );
    let run = home.run(["vendors", "list"], "");
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("warning:") && run.stderr.contains("config.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn names_switchboard_keeps_for_itself_are_refused_for_custom_servers_and_in_config() {
    let home = TempHome::new();
    for name in ["gateway", "switchboard"] {
        let run = home.run(["servers", "add", name, "--", "echo", "hi"], "");
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("reserved"), "{}", run.stderr);
    }
    // Written into config.toml by hand: skipped with a warning, never served.
    home.write_config("[servers.gateway]\ncommand = \"echo\"\n");
    let run = home.run(["vendors", "list", "--json"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("reserved"), "{}", run.stderr);
    assert!(
        !run.json()
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["slug"] == "gateway"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_preset_is_checked_with_line_numbers_shown_with_its_source_and_never_half_applied() {
    let home = TempHome::new();
    let preset = home.path().join("preset.toml");
    let run = home.run(["preset", "show", "--json"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["state"], "none", "{}", run.stdout);

    let good = r#"locked = ["gateway.url"]

[msp]
name = "Acme IT"

[gateway]
url = "https://gw.acme.example"

[vendors]
shown = ["autotask", "itglue"]

[vendors.defaults.itglue]
region = "eu"
"#;
    std::fs::write(&preset, good).unwrap();
    let run = home.run(["preset", "check", preset.to_str().unwrap()], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("gateway: https://gw.acme.example (locked)"),
        "{}",
        run.stdout
    );
    let shown = home.run(["preset", "show", "--json"], "").json();
    assert_eq!(shown["state"], "applied", "{shown}");
    assert_eq!(shown["path"], preset.to_str().unwrap());
    assert_eq!(
        shown["preset"]["vendors"]["defaults"]["itglue"]["region"],
        "eu"
    );
    let doctor = home.run(["doctor", "--json"], "").json();
    let check = doctor["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "preset")
        .cloned()
        .expect("a preset check");
    assert!(
        check["message"]
            .as_str()
            .unwrap()
            .contains("managed by Acme IT"),
        "{check}"
    );
    // Only the vendors the MSP uses are listed, with its field defaults; another
    // cannot be connected.
    let listed = home.run(["vendors", "list", "--json"], "").json();
    let slugs: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["autotask", "itglue"], "{listed}");
    let region = listed[1]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "region")
        .cloned()
        .unwrap();
    assert_eq!(region["default"], "eu", "{region}");
    let run = home.run(
        [
            "connect",
            "huntress",
            "--field",
            "api_key=k",
            "--no-test",
            "--stdin",
        ],
        r#"{"api_secret": "s"}"#,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("managed by Acme IT"), "{}", run.stderr);

    // The preset's gateway is the one a sign-in uses; locked, another is refused
    // before anything goes on the network.
    let team = home.run(["team", "--json"], "");
    assert_eq!(team.code, 0, "{}", team.stderr);
    assert_eq!(team.json()["endpoint"], "https://gw.acme.example/v1/mcp");
    let run = home.run(
        [
            "login",
            "--gateway",
            "https://other.example",
            "--no-browser",
            "--wait",
            "1",
        ],
        "",
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the team gateway is managed by Acme IT"),
        "{}",
        run.stderr
    );

    // A secret, an unknown vendor and a field the vendor does not have: every problem
    // with its line, exit 2, and the preset in force is none of it.
    let bad = r#"[vendors]
shown = ["autotask", "nosuch"]

[vendors.defaults.itglue]
region = "eu"
api_key = "itg-live-123"
"#;
    std::fs::write(&preset, bad).unwrap();
    let run = home.run(["preset", "check", preset.to_str().unwrap()], "");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("line 2, column"), "{}", run.stderr);
    assert!(run.stderr.contains("line 6, column"), "{}", run.stderr);
    assert!(run.stderr.contains("looks like a secret"), "{}", run.stderr);
    assert!(
        !run.all_output().contains("itg-live-123"),
        "the value is never repeated"
    );
    let shown = home.run(["preset", "show", "--json"], "").json();
    assert_eq!(shown["state"], "ignored", "{shown}");
    assert!(
        shown.get("preset").is_none(),
        "nothing of it applies: {shown}"
    );
    assert_eq!(shown["problems"].as_array().unwrap().len(), 2, "{shown}");
}
