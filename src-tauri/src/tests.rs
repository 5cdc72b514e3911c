//! The commands on tauri's mock runtime, through the same IPC path and ACL the
//! window uses: the real `tauri.conf.json`, the real capability, an in-memory
//! keychain, and local fakes of the vendor API and the release endpoint.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use switchboard_core::Switchboard;
use switchboard_core::catalog::Catalog;
use switchboard_core::paths::Paths;
use switchboard_core::probe::Prober;
use switchboard_core::vault::{MemoryStore, Namespace, Vault};
use switchboard_tests::fake_vendor::FakeVendor;
use tauri::Manager;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;

use super::*;

/// A mock context carrying the app's real `tauri.conf.json`.
fn context() -> tauri::Context<MockRuntime> {
    let mut context = mock_context(noop_assets());
    *context.config_mut() =
        serde_json::from_str(include_str!("../tauri.conf.json")).expect("tauri.conf.json parses");
    context
}

struct TestApp {
    app: tauri::App<MockRuntime>,
    webview: tauri::WebviewWindow<MockRuntime>,
    _home: tempfile::TempDir,
    home: std::path::PathBuf,
}

fn app_with(core: impl FnOnce(&std::path::Path) -> Switchboard) -> TestApp {
    let home = tempfile::tempdir().unwrap();
    let core = core(home.path());
    let app = with_plugins(builder::<MockRuntime>())
        .manage(AppState::new(core, "/nonexistent/switchboard".into()))
        .build(context())
        .expect("mock app");
    let webview = tauri::WebviewWindowBuilder::new(&app, MAIN_WINDOW, Default::default())
        .build()
        .unwrap();
    TestApp {
        app,
        webview,
        home: home.path().to_owned(),
        _home: home,
    }
}

fn app_with_home() -> TestApp {
    app_with(|home| {
        Switchboard::open_with_store(Paths::under(home), Arc::new(MemoryStore::new()))
            .unwrap()
            .with_user_home(home.join("user"))
    })
}

/// A core whose probes for `slug` go to `base` (the fake vendor).
fn app_probing(slug: &str, base: &str) -> TestApp {
    let (slug, base) = (slug.to_owned(), base.to_owned());
    app_with(move |home| {
        let paths = Paths::under(home);
        let vault = Vault::new(
            Arc::new(MemoryStore::new()),
            Namespace::new("switchboard-test"),
            &paths,
        );
        let prober = Prober::new(Duration::from_secs(5))
            .unwrap()
            .with_base_override(&slug, &base);
        Switchboard::new(paths, Catalog::builtin().unwrap(), vault, prober)
    })
}

impl TestApp {
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: self.app.invoke_key().to_owned(),
        };
        get_ipc_response(&self.webview, request).map(|r| r.deserialize::<Value>().unwrap())
    }
}

#[test]
fn vendors_list_returns_the_catalog() {
    let t = app_with_home();
    let value = t
        .invoke("vendors_list", json!({}))
        .expect("command succeeds");
    let vendors: Vec<Value> = serde_json::from_value(value).unwrap();
    assert_eq!(vendors.len(), 30);
    assert!(vendors.iter().all(|v| v["connected"] == false));
}

#[test]
fn a_core_error_reaches_the_webview_as_code_message_and_hint() {
    let t = app_with_home();
    std::fs::create_dir_all(t.home.join("config")).unwrap();
    std::fs::write(t.home.join("config/connections.json"), "not json").unwrap();
    let error = t
        .invoke("vendors_list", json!({}))
        .expect_err("a corrupt index fails");
    assert_eq!(error["code"], "config_corrupt");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("connections.json")
    );
    assert!(error["hint"].as_str().unwrap().contains("untouched"));
}

#[test]
fn connect_tests_then_saves_and_a_rejected_key_saves_nothing() {
    let fake = FakeVendor::start("hudu", &[("api_key", "good-key-123")]);
    let t = app_probing("hudu", &fake.base);

    let rejected = t
        .invoke(
            "vendor_connect",
            json!({"slug": "hudu", "fields": {"base_url": fake.base, "api_key": "wrong-key-456"}}),
        )
        .expect("a failed probe is a result, not an error");
    assert_eq!(rejected["saved"], false);
    assert_eq!(rejected["probe"]["result"], "invalid_credentials");
    assert!(
        !rejected.to_string().contains("wrong-key-456"),
        "{rejected}"
    );
    let hudu = |t: &TestApp| {
        let all = t.invoke("vendors_list", json!({})).unwrap();
        all.as_array()
            .unwrap()
            .iter()
            .find(|v| v["slug"] == "hudu")
            .unwrap()
            .clone()
    };
    assert_eq!(hudu(&t)["connected"], false);

    let ok = t
        .invoke(
            "vendor_connect",
            json!({"slug": "hudu", "fields": {"base_url": fake.base, "api_key": "good-key-123"}}),
        )
        .unwrap();
    assert_eq!(ok["saved"], true);
    assert_eq!(ok["probe"]["result"], "ok");
    let view = hudu(&t);
    assert_eq!(view["connected"], true);
    assert_eq!(view["connection"]["secret_fields"], json!(["api_key"]));
    assert!(!view.to_string().contains("good-key-123"));

    let tested = t.invoke("vendor_test", json!({"slug": "hudu"})).unwrap();
    assert_eq!(tested["result"], "ok");
    t.invoke("vendor_disconnect", json!({"slug": "hudu"}))
        .unwrap();
    assert_eq!(hudu(&t)["connected"], false);
}

#[test]
fn a_missing_required_field_is_an_invalid_field_error() {
    let t = app_with_home();
    let err = t
        .invoke(
            "vendor_connect",
            json!({"slug": "hudu", "fields": {"base_url": "https://a.example"}}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "invalid_field");
    let err = t
        .invoke("vendor_connect", json!({"slug": "nope", "fields": {}}))
        .unwrap_err();
    assert_eq!(err["code"], "unknown_vendor");
}

#[test]
fn status_without_a_daemon_lists_every_vendor_not_running() {
    let t = app_with_home();
    let status = t.invoke("servers_status", json!({})).unwrap();
    assert_eq!(status["daemon"]["running"], false);
    assert_eq!(status["vendors"].as_array().unwrap().len(), 30);
    assert!(status["vendors"][0].get("memory_bytes").is_some());
    let err = t
        .invoke("server_restart", json!({"slug": "hudu"}))
        .unwrap_err();
    assert_eq!(err["code"], "daemon_unavailable");
    let err = t
        .invoke("server_stop", json!({"slug": "hudu"}))
        .unwrap_err();
    assert_eq!(err["code"], "daemon_unavailable");
}

#[test]
fn logs_tail_a_vendor_log_and_refuse_unknown_vendors() {
    let t = app_with_home();
    let log = switchboard_core::logs::vendor_log(&Paths::under(&t.home), "hudu");
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    let text: String = (1..=50).map(|i| format!("line {i}\n")).collect();
    std::fs::write(&log, text).unwrap();
    let lines = t
        .invoke("server_logs", json!({"slug": "hudu", "lines": 3}))
        .unwrap();
    assert_eq!(lines, json!(["line 48", "line 49", "line 50"]));
    let err = t
        .invoke("server_logs", json!({"slug": "../etc", "lines": 3}))
        .unwrap_err();
    assert_eq!(err["code"], "unknown_vendor");
}

#[test]
fn an_unknown_client_is_refused_with_a_hint() {
    let t = app_with_home();
    let err = t
        .invoke("client_install", json!({"client": "notepad"}))
        .unwrap_err();
    assert_eq!(err["code"], "unsupported");
    assert!(err["hint"].as_str().unwrap().contains("claude-desktop"));
}

#[test]
fn the_plugin_switch_edits_only_our_keys_in_claude_codes_settings() {
    let t = app_with_home();
    let path = t.home.join("user/.claude/settings.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let original = "{\n  \"model\": \"opus\",\n  \"env\": {\"A\": \"1\"}\n}\n";
    std::fs::write(&path, original).unwrap();
    let row = |list: &Value, slug: &str| {
        list["plugins"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["vendor"] == slug)
            .cloned()
            .unwrap()
    };
    let list = t.invoke("plugins_list", json!({})).unwrap();
    assert_eq!(row(&list, "hudu")["enabled_in"], json!([]));
    assert_eq!(list["marketplace"]["name"], "msp-claude-plugins");

    let on = t
        .invoke("plugins_set", json!({"slug": "hudu", "enabled": true}))
        .unwrap();
    assert_eq!(on["plugins"], json!(["hudu@msp-claude-plugins"]));
    assert!(on["backup"].is_string(), "{on}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("{\n  \"model\": \"opus\",\n  \"env\": {\"A\": \"1\"}"),
        "{text}"
    );
    let list = t.invoke("plugins_list", json!({})).unwrap();
    assert_eq!(row(&list, "hudu")["enabled_in"], json!([{"kind": "user"}]));

    t.invoke("plugins_set", json!({"slug": "hudu", "enabled": false}))
        .unwrap();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // Only the plugin and the marketplace went; the sections stay, empty.
    assert_eq!(
        v,
        json!({"model": "opus", "env": {"A": "1"}, "extraKnownMarketplaces": {}, "enabledPlugins": {}})
    );

    let err = t
        .invoke("plugins_set", json!({"slug": "nope", "enabled": true}))
        .unwrap_err();
    assert_eq!(err["code"], "unknown_vendor", "{err}");

    // A file that is not JSON is refused and left as it was.
    std::fs::write(&path, "{ not json").unwrap();
    let err = t
        .invoke("plugins_set", json!({"slug": "hudu", "enabled": true}))
        .unwrap_err();
    assert_eq!(err["code"], "client_config_invalid", "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ not json");
}

#[test]
fn settings_round_trip_through_config_toml() {
    let t = app_with_home();
    let before = t.invoke("settings_get", json!({})).unwrap();
    assert_eq!(before["idle_timeout_s"], 600);
    assert_eq!(before["log_level"], "info");
    assert!(
        before["update_endpoint"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let mut new = before.clone();
    new["idle_timeout_s"] = json!(300);
    new["compact"] = json!(true);
    new["log_level"] = json!("debug");
    let saved = t.invoke("settings_set", json!({"settings": new})).unwrap();
    assert_eq!(saved["idle_timeout_s"], 300);
    assert_eq!(saved["compact"], true);
    let text = std::fs::read_to_string(t.home.join("config/config.toml")).unwrap();
    assert!(text.contains("idle_timeout_s = 300"), "{text}");
    assert!(text.contains("log_level = \"debug\""), "{text}");
    // The built-in endpoint is not written down.
    assert!(!text.contains("update_endpoint"), "{text}");

    let mut bad = saved.clone();
    bad["idle_timeout_s"] = json!(10);
    let err = t
        .invoke("settings_set", json!({"settings": bad}))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_field");
    assert!(
        std::fs::read_to_string(t.home.join("config/config.toml"))
            .unwrap()
            .contains("idle_timeout_s = 300")
    );
}

/// A release endpoint that answers every request with `body` and `status`.
fn release_server(status: u16, body: String) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/latest.json", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf);
        let reply = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(reply.as_bytes()).unwrap();
    });
    (url, handle)
}

fn manifest(version: &str) -> String {
    let platform =
        json!({"signature": "dW50cnVzdGVk", "url": "https://example.invalid/switchboard.tar.gz"});
    json!({
        "version": version,
        "notes": "Faster tray menus.",
        "pub_date": "2026-11-01T00:00:00Z",
        "platforms": {
            "linux-x86_64": platform, "linux-aarch64": platform,
            "darwin-x86_64": platform, "darwin-aarch64": platform,
            "windows-x86_64": platform
        }
    })
    .to_string()
}

fn check_updates_against(t: &TestApp, status: u16, body: String) -> Result<Value, Value> {
    let (url, server) = release_server(status, body);
    let mut settings = t.invoke("settings_get", json!({})).unwrap();
    settings["update_endpoint"] = json!(url);
    t.invoke("settings_set", json!({"settings": settings}))
        .unwrap();
    let result = t.invoke("updates_check", json!({}));
    server.join().unwrap();
    result
}

#[test]
fn check_for_updates_reports_newer_same_and_broken_releases() {
    let t = app_with_home();
    let newer = check_updates_against(&t, 200, manifest("0.2.0")).unwrap();
    assert_eq!(newer["status"], "available");
    assert_eq!(newer["latest"], "0.2.0");
    assert_eq!(newer["current"], "0.1.0");
    assert_eq!(newer["notes"], "Faster tray menus.");
    let same = check_updates_against(&t, 200, manifest("0.1.0")).unwrap();
    assert_eq!(same["status"], "up_to_date");
    let broken = check_updates_against(&t, 200, "{\"nope\": 1}".into()).unwrap_err();
    assert_eq!(broken["code"], "update_failed");
    assert!(broken["hint"].as_str().is_some());
    assert!(
        broken["message"]
            .as_str()
            .unwrap()
            .starts_with("Could not check for updates: "),
        "{broken}"
    );
    let garbage = check_updates_against(&t, 200, "<html>502</html>".into()).unwrap_err();
    assert!(
        garbage["message"]
            .as_str()
            .unwrap()
            .contains("not a release manifest"),
        "{garbage}"
    );
}

#[test]
fn a_found_update_installs_only_when_asked() {
    let t = app_with_home();
    // Nothing found yet: installing says to check first, and changes nothing.
    let none = t.invoke("updates_install", json!({})).unwrap_err();
    assert_eq!(none["code"], "update_failed");
    assert!(none["hint"].as_str().unwrap().contains("check"), "{none}");
    check_updates_against(&t, 200, manifest("0.2.0")).unwrap();
    let state = t.app.state::<AppState>();
    assert_eq!(
        state.updates.phase(),
        crate::updates::Phase::Available("0.2.0".into())
    );
    // A later check that finds nothing newer takes the offer back.
    check_updates_against(&t, 200, manifest("0.1.0")).unwrap();
    assert_eq!(state.updates.phase(), crate::updates::Phase::Idle);
}

#[test]
fn the_updater_carries_a_real_minisign_public_key() {
    let config: Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
    let pubkey = config["plugins"]["updater"]["pubkey"].as_str().unwrap();
    let text = String::from_utf8(base64_decode(pubkey)).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("untrusted comment: minisign public key")
    );
    // "Ed" + 8-byte key id + 32-byte Ed25519 key.
    let key = base64_decode(lines.next().unwrap());
    assert_eq!(key.len(), 42);
    assert_eq!(&key[..2], b"Ed");
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .expect("base64")
}

#[test]
fn the_window_may_call_every_command_and_nothing_else() {
    let capability: Value =
        serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
    let granted: Vec<&str> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    // The handler list in lib.rs is the truth; build.rs must declare each command
    // (else Tauri generates no permission) and the capability must grant it.
    let lib = include_str!("lib.rs");
    let handlers = &lib[lib.find("generate_handler![").unwrap()..];
    let handlers = &handlers[..handlers.find(']').unwrap()];
    let registered: Vec<&str> = handlers
        .split("commands::")
        .skip(1)
        .map(|s| {
            s.split(|c: char| c == ',' || c.is_whitespace())
                .next()
                .unwrap()
        })
        .collect();
    assert!(registered.len() >= 17, "{registered:?}");
    let build = include_str!("../build.rs");
    let declared = build.matches("        \"").count();
    assert_eq!(
        declared,
        registered.len(),
        "build.rs declares other commands"
    );
    for command in registered {
        assert!(
            build.contains(&format!("\"{command}\"")),
            "{command} not declared"
        );
        let permission = format!("allow-{}", command.replace('_', "-"));
        assert!(
            granted.contains(&permission.as_str()),
            "{permission} not granted"
        );
    }
    assert!(
        !granted
            .iter()
            .any(|p| p.starts_with("updater:") || p.starts_with("autostart:"))
    );
}

#[test]
fn the_pending_page_is_handed_out_once() {
    let t = app_with_home();
    t.app
        .state::<AppState>()
        .pending_page(json!({"page": "vendors", "slug": "hudu"}));
    let first = t.invoke("take_pending_page", json!({})).unwrap();
    assert_eq!(first["slug"], "hudu");
    assert_eq!(
        t.invoke("take_pending_page", json!({})).unwrap(),
        Value::Null
    );
}

#[test]
fn core_paths_agree_with_tauris_path_resolver() {
    let app = mock_builder().build(context()).unwrap();
    let resolver = app.path();
    let core = Paths::native().expect("a home directory");
    assert_eq!(core.config, resolver.app_config_dir().unwrap());
    assert_eq!(core.data, resolver.app_data_dir().unwrap());
    assert_eq!(core.cache, resolver.app_cache_dir().unwrap());
    assert_eq!(core.logs, resolver.app_log_dir().unwrap());
    assert_eq!(
        app.config().identifier,
        switchboard_core::paths::APP_IDENTIFIER
    );
}
