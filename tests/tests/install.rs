//! `switchboard install|uninstall`: MCP client configs in a throwaway `HOME`, changed
//! only where our entry lives, never when they cannot be parsed.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use switchboard_tests::{McpClient, TempHome};

fn desktop_config(home: &TempHome) -> PathBuf {
    home.user_home()
        .join(".config/Claude/claude_desktop_config.json")
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn parse(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn backups(home: &TempHome, client: &str) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(home.paths().backups_dir().join(client))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    all.sort();
    all
}

fn bin() -> String {
    std::fs::canonicalize(switchboard_tests::switchboard_bin())
        .unwrap()
        .display()
        .to_string()
}

/// A config as Claude Desktop writes it, plus a hand-added server and some unicode.
const EXISTING: &str = r#"{
    "preferences": {
        "sidebarMode": "chat",
        "localAgentModeTrustedFolders": ["/Users/tëch/Clients/Ünïcode Co"]
    },
    "mcpServers": {
        "filesystem": {
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/tëch/Desktop"],
            "env": {"DEBUG": "1"}
        }
    },
    "globalShortcut": "Alt+Space",
    "isUsingBuiltInNodeForMcp": false
}
"#;

#[test]
fn install_adds_one_entry_keeps_everything_else_and_is_idempotent() {
    let home = TempHome::new();
    let path = desktop_config(&home);
    write(&path, EXISTING.as_bytes());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();

    let r = home.run(["install", "claude-desktop"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("Added Switchboard to Claude Desktop"),
        "{}",
        r.stdout
    );
    let after = std::fs::read_to_string(&path).unwrap();
    // Every original line is still there, in order: only our lines were added.
    let mut added = after.lines();
    for line in EXISTING.lines() {
        assert!(added.any(|l| l == line), "lost or moved: {line}\n{after}");
    }
    let mut v = parse(&path);
    assert_eq!(
        v["mcpServers"]["switchboard"],
        json!({"command": bin(), "args": ["bridge"]})
    );
    v["mcpServers"]
        .as_object_mut()
        .unwrap()
        .remove("switchboard");
    assert_eq!(v, serde_json::from_str::<Value>(EXISTING).unwrap());
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600,
        "mode kept"
    );
    let saved = backups(&home, "claude-desktop");
    assert_eq!(saved.len(), 1);
    assert_eq!(
        std::fs::read(&saved[0]).unwrap(),
        EXISTING.as_bytes(),
        "byte-identical backup"
    );

    let bytes = std::fs::read(&path).unwrap();
    let again = home.run(["install", "claude-desktop"], "");
    assert_eq!(again.code, 0);
    assert!(
        again.stdout.contains("already in Claude Desktop"),
        "{}",
        again.stdout
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "re-install changes nothing"
    );
    assert_eq!(
        backups(&home, "claude-desktop").len(),
        1,
        "and backs up nothing"
    );

    let vendors = home.run(
        [
            "install",
            "claude-desktop",
            "--vendor",
            "hudu",
            "--vendor",
            "itglue",
            "--json",
        ],
        "",
    );
    assert_eq!(vendors.json()["action"], "updated");
    assert_eq!(
        parse(&path)["mcpServers"]["switchboard"]["args"],
        json!(["bridge", "--vendor", "hudu", "--vendor", "itglue"])
    );

    let gone = home.run(["uninstall", "claude-desktop"], "");
    assert_eq!(gone.code, 0, "{}", gone.stderr);
    let expected: Value = serde_json::from_str(EXISTING).unwrap();
    assert_eq!(parse(&path), expected);
    let not = home.run(["uninstall", "claude-desktop", "--json"], "");
    assert_eq!(not.json()["action"], "not_installed");

    let unknown = home.run(["install", "claude-desktop", "--vendor", "nope"], "");
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
}

#[test]
fn every_client_gets_its_own_file_and_dialect() {
    let home = TempHome::new();
    for client in ["claude-desktop", "claude-code", "cursor"] {
        let r = home.run(["install", client, "--json"], "");
        assert_eq!(r.code, 0, "{client}: {}", r.stderr);
        assert_eq!(r.json()["action"], "added");
    }
    assert_eq!(
        parse(&desktop_config(&home))["mcpServers"]["switchboard"]["command"],
        bin()
    );
    let code = parse(&home.user_home().join(".claude.json"));
    assert_eq!(
        code["mcpServers"]["switchboard"],
        json!({"command": bin(), "args": ["bridge"], "type": "stdio"})
    );
    let cursor = parse(&home.user_home().join(".cursor/mcp.json"));
    assert_eq!(
        cursor["mcpServers"]["switchboard"]["args"],
        json!(["bridge"])
    );
    let bad = home.run(["install", "vscode"], "");
    assert_eq!(bad.code, 2);
}

#[test]
fn a_file_that_is_not_json_is_refused_and_left_byte_identical() {
    let home = TempHome::new();
    let path = home.user_home().join(".claude.json");
    for broken in [
        &b"{\"mcpServers\": {\"a\": {\"command\": \"x\",}},}"[..],
        b"// my servers\n{\"mcpServers\": {}}",
        b"{\"numStartups\": 12, \"projects\": {",
        b"[]",
        b"{\"mcpServers\": \"none\"}",
        b"\xff\xfe{\x00}\x00",
    ] {
        write(&path, broken);
        for cmd in [
            &["install", "claude-code"][..],
            &["uninstall", "claude-code"],
            &["install", "claude-code", "--dry-run"],
        ] {
            let r = home.run(cmd, "");
            assert_eq!(
                r.code,
                9,
                "{cmd:?} {}: {}",
                String::from_utf8_lossy(broken),
                r.stderr
            );
            assert!(r.stderr.contains("left untouched"), "{}", r.stderr);
            assert!(r.stderr.contains("hint:"), "{}", r.stderr);
            assert_eq!(std::fs::read(&path).unwrap(), broken, "byte-identical");
        }
    }
    assert!(backups(&home, "claude-code").is_empty());
}

#[test]
fn a_byte_order_mark_is_handled_and_removed() {
    let home = TempHome::new();
    let path = desktop_config(&home);
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), br#"{"preferences": {"a": 1}}"#].concat();
    write(&path, &with_bom);
    let r = home.run(["install", "claude-desktop"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("byte-order mark"), "{}", r.stderr);
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(parse(&path)["preferences"]["a"], 1);
    assert_eq!(
        std::fs::read(&backups(&home, "claude-desktop")[0]).unwrap(),
        with_bom
    );
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let home = TempHome::new();
    let path = home.user_home().join(".cursor/mcp.json");
    write(&path, b"{\n  \"mcpServers\": {}\n}\n");
    let r = home.run(["install", "cursor", "--dry-run", "--vendor", "hudu"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("(before)") && r.stdout.contains("(after)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("+    \"switchboard\": {"), "{}", r.stdout);
    assert!(r.stdout.contains("nothing was written"), "{}", r.stdout);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"{\n  \"mcpServers\": {}\n}\n"
    );
    assert!(backups(&home, "cursor").is_empty());
    let missing = home.run(["install", "claude-code", "--dry-run"], "");
    assert_eq!(missing.code, 0);
    assert!(!home.user_home().join(".claude.json").exists());
}

#[test]
fn concurrent_installs_leave_valid_json_with_one_entry() {
    let home = TempHome::new();
    let path = desktop_config(&home);
    write(&path, EXISTING.as_bytes());
    for round in 0..4 {
        let children: Vec<_> = (0..6)
            .map(|i| {
                let vendor = ["hudu", "itglue", "ninjaone"][(i + round) % 3];
                home.command(["install", "claude-desktop", "--vendor", vendor])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let v = parse(&path);
        let servers = v["mcpServers"].as_object().unwrap();
        assert_eq!(servers.keys().filter(|k| *k == "switchboard").count(), 1);
        assert_eq!(servers.len(), 2, "{v}");
        assert_eq!(servers["filesystem"]["env"]["DEBUG"], "1");
    }
    assert!(backups(&home, "claude-desktop").len() <= 5);
}

#[test]
fn a_symlinked_config_is_edited_where_it_points() {
    let home = TempHome::new();
    let real = home.user_home().join("dotfiles/claude.json");
    write(&real, b"{\"numStartups\": 3}");
    let link = home.user_home().join(".claude.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let r = home.run(["install", "claude-code"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(parse(&real)["numStartups"], 3);
    assert_eq!(parse(&real)["mcpServers"]["switchboard"]["type"], "stdio");
}

#[test]
fn a_running_claude_desktop_is_warned_about() {
    let home = TempHome::new();
    let dir = tempfile::tempdir().unwrap();
    // A process named like the Linux Claude Desktop builds' main process.
    let fake = dir.path().join("claude-desktop");
    std::fs::copy("/bin/sleep", &fake).unwrap();
    let mut claude = std::process::Command::new(&fake).arg("30").spawn().unwrap();
    let r = home.run(["install", "claude-desktop"], "");
    claude.kill().unwrap();
    let _ = claude.wait();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("Claude Desktop is running"),
        "{}",
        r.stderr
    );
    let quiet = home.run(["install", "claude-desktop", "--vendor", "hudu"], "");
    assert!(!quiet.stderr.contains("is running"), "{}", quiet.stderr);
}

#[test]
fn mcpb_mode_is_refused_where_claude_cannot_open_bundles() {
    let home = TempHome::new();
    let r = home.run(["install", "claude-desktop", "--mode", "mcpb"], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("does not open `.mcpb` files"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--mode config"), "{}", r.stderr);
    let r = home.run(["install", "cursor", "--mode", "mcpb"], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_installed_entry_starts_a_working_bridge() {
    let home = TempHome::new();
    assert_eq!(home.run(["install", "claude-desktop"], "").code, 0);
    let entry = parse(&desktop_config(&home))["mcpServers"]["switchboard"].clone();
    let mut cmd = std::process::Command::new(entry["command"].as_str().unwrap());
    home.apply_env(&mut cmd);
    cmd.args(
        entry["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap()),
    );
    let mut client = McpClient::spawn(tokio::process::Command::from(cmd));
    let init = client.initialize().await;
    assert_eq!(
        init["result"]["serverInfo"]["name"], "switchboard",
        "{init}"
    );
    client.close().await;
    home.stop_daemon();
}

#[test]
fn doctor_checks_the_client_configs() {
    let home = TempHome::new();
    let check = |id: &str| -> Value {
        let doctor = home.run(["doctor", "--json"], "").json();
        doctor["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(check("client:cursor")["status"], "ok");
    assert_eq!(home.run(["install", "cursor"], "").code, 0);
    let ok = check("client:cursor");
    assert_eq!(ok["status"], "ok");
    assert!(
        ok["message"].as_str().unwrap().contains("installed"),
        "{ok}"
    );

    // The entry points at a binary that is gone.
    let path = home.user_home().join(".cursor/mcp.json");
    let mut v = parse(&path);
    v["mcpServers"]["switchboard"]["command"] = json!("/opt/old/switchboard");
    write(&path, v.to_string().as_bytes());
    let gone = check("client:cursor");
    assert_eq!(gone["status"], "fail", "{gone}");
    assert!(
        gone["hint"]
            .as_str()
            .unwrap()
            .contains("switchboard install cursor"),
        "{gone}"
    );

    write(&path, b"{broken");
    let broken = check("client:cursor");
    assert_eq!(broken["status"], "fail");
    assert!(
        broken["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{broken}"
    );
    let daemon = check("daemon");
    assert_eq!(daemon["status"], "ok", "{daemon}");
}
