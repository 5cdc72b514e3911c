//! `switchboard plugins`: the companion plugins go into Claude Code's settings and come
//! out again by the client-config rules, through the real CLI and a temp home.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use switchboard_tests::TempHome;

fn user_settings(home: &TempHome) -> PathBuf {
    home.user_home().join(".claude").join("settings.json")
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn parse(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

const ORIGINAL: &str = "{\n    \"model\": \"claude-opus-4-5\",\n    \"permissions\": {\n        \"allow\": [\"Bash(git status)\"]\n    },\n    \"enabledPlugins\": {\n        \"formatter@acme-tools\": true\n    },\n    \"env\": {\"FOO\": \"\\u0062ar\"}\n}\n";

#[test]
fn enable_adds_only_our_keys_keeps_every_other_byte_and_disable_takes_them_out() {
    let home = TempHome::new();
    let path = user_settings(&home);
    write(&path, ORIGINAL.as_bytes());

    let run = home.run(["plugins", "enable", "hudu", "huntress", "--json"], "");
    assert!(run.code == 0, "{}", run.all_output());
    let change = run.json();
    assert_eq!(
        change["plugins"],
        json!(["hudu@msp-claude-plugins", "huntress@msp-claude-plugins"])
    );
    assert_eq!(change["marketplace"], true);
    let backup = PathBuf::from(change["backup"].as_str().unwrap());
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), ORIGINAL);

    let after = std::fs::read_to_string(&path).unwrap();
    // The other keys keep their bytes: order, indentation, escapes.
    assert!(
        after.starts_with("{\n    \"model\": \"claude-opus-4-5\",\n    \"permissions\": {\n        \"allow\": [\"Bash(git status)\"]\n    },"),
        "{after}"
    );
    assert!(
        after.contains("\"env\": {\"FOO\": \"\\u0062ar\"}"),
        "{after}"
    );
    let v = parse(&path);
    assert_eq!(
        v["extraKnownMarketplaces"]["msp-claude-plugins"],
        json!({"source": {"source": "github", "repo": "wyre-technology/msp-claude-plugins"}})
    );
    assert_eq!(
        v["enabledPlugins"],
        json!({"formatter@acme-tools": true, "hudu@msp-claude-plugins": true, "huntress@msp-claude-plugins": true})
    );

    // list says where each is enabled.
    let list = home.run(["plugins", "list", "--json"], "").json();
    let row = |slug: &str| {
        list["plugins"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["vendor"] == slug)
            .unwrap()
            .clone()
    };
    assert_eq!(row("hudu")["enabled_in"], json!([{"kind": "user"}]));
    assert_eq!(row("itglue")["enabled_in"], json!([]));
    assert_eq!(row("itglue")["id"], "itglue@msp-claude-plugins");
    assert_eq!(list["plugins"].as_array().unwrap().len(), 30);

    // Again: nothing to do, nothing written.
    let bytes = std::fs::read(&path).unwrap();
    let again = home.run(["plugins", "enable", "hudu"], "");
    assert!(
        again.code == 0 && again.stdout.contains("Nothing to change"),
        "{}",
        again.all_output()
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    // Disabling both removes our keys and the marketplace: the file means what it did.
    let off = home.run(["plugins", "disable", "hudu", "huntress", "--json"], "");
    assert!(off.code == 0, "{}", off.all_output());
    assert_eq!(off.json()["marketplace"], true);
    let mut expected: Value = serde_json::from_str(ORIGINAL).unwrap();
    expected["extraKnownMarketplaces"] = json!({});
    assert_eq!(parse(&path), expected);
}

#[test]
fn a_settings_file_that_is_not_json_is_refused_and_left_byte_identical() {
    let home = TempHome::new();
    let path = user_settings(&home);
    let broken = b"{\n  // comments are not JSON\n  \"model\": \"opus\"\n}\n";
    write(&path, broken);
    let run = home.run(["plugins", "enable", "hudu", "--json"], "");
    assert_eq!(run.code, 9, "{}", run.all_output());
    let err = run.json();
    assert_eq!(err["error"]["code"], "client_config_invalid");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("left untouched"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), broken);
    let off = home.run(["plugins", "disable", "hudu"], "");
    assert_eq!(off.code, 9);
    assert_eq!(std::fs::read(&path).unwrap(), broken);
    // list still works, and says what is wrong with the file.
    let list = home.run(["plugins", "list", "--json"], "").json();
    assert!(
        list["files"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{list}"
    );
}

#[test]
fn a_project_gets_its_own_settings_and_an_msps_marketplace_is_used() {
    let home = TempHome::new();
    let project = home.path().join("repo");
    std::fs::create_dir_all(&project).unwrap();
    home.write_config(
        "[plugins]\nmarketplace_name = \"acme-msp\"\nmarketplace = \"https://git.acme.example/msp/plugins.git\"\n",
    );
    let run = home.run(
        [
            "plugins",
            "enable",
            "datto-rmm",
            "--project",
            project.to_str().unwrap(),
        ],
        "",
    );
    assert!(run.code == 0, "{}", run.all_output());
    assert!(
        run.stderr.contains("trust the marketplace"),
        "{}",
        run.stderr
    );
    let v = parse(&project.join(".claude").join("settings.json"));
    assert_eq!(v["enabledPlugins"], json!({"datto-rmm@acme-msp": true}));
    assert_eq!(
        v["extraKnownMarketplaces"]["acme-msp"]["source"],
        json!({"source": "git", "url": "https://git.acme.example/msp/plugins.git"})
    );
    assert!(
        !user_settings(&home).exists(),
        "the user's settings are not touched"
    );
    let list = home
        .run(
            [
                "plugins",
                "list",
                "--json",
                "--project",
                project.to_str().unwrap(),
            ],
            "",
        )
        .json();
    let datto = list["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["vendor"] == "datto-rmm")
        .unwrap();
    assert_eq!(datto["enabled_in"][0]["kind"], "project");
    assert_eq!(list["marketplace"]["public"], false);
}

#[test]
fn unknown_vendors_and_half_a_marketplace_are_clear_errors_that_write_nothing() {
    let home = TempHome::new();
    let run = home.run(["plugins", "enable", "hudo", "--json"], "");
    assert_eq!(run.json()["error"]["code"], "unknown_vendor");
    assert!(
        run.json()["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("hudu")
    );
    home.write_config("[plugins]\nmarketplace_name = \"acme-msp\"\n");
    let run = home.run(["plugins", "enable", "hudu"], "");
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(run.stderr.contains("needs both"), "{}", run.stderr);
    assert!(!user_settings(&home).exists());
}

#[test]
fn connected_enables_the_plugins_of_the_connected_vendors() {
    let home = TempHome::new();
    let run = home.run(["plugins", "enable", "--connected", "--json"], "");
    assert!(run.code == 0, "{}", run.all_output());
    assert_eq!(run.json()["plugins"], json!([]), "nothing connected yet");
}
