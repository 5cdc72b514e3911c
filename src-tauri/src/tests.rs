use std::sync::Arc;

use switchboard_core::Switchboard;
use switchboard_core::paths::Paths;
use switchboard_core::vault::MemoryStore;
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

fn app_with_home(home: &std::path::Path) -> tauri::App<MockRuntime> {
    let core =
        Switchboard::open_with_store(Paths::under(home), Arc::new(MemoryStore::new())).unwrap();
    builder::<MockRuntime>()
        .manage(AppState { core })
        .build(context())
        .expect("mock app")
}

fn invoke(
    app: &tauri::App<MockRuntime>,
    cmd: &str,
) -> Result<serde_json::Value, serde_json::Value> {
    let webview = tauri::WebviewWindowBuilder::new(app, MAIN_WINDOW, Default::default())
        .build()
        .unwrap();
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::default(),
        headers: Default::default(),
        invoke_key: app.invoke_key().to_owned(),
    };
    get_ipc_response(&webview, request).map(|r| r.deserialize::<serde_json::Value>().unwrap())
}

#[test]
fn vendors_list_returns_the_catalog() {
    let home = tempfile::tempdir().unwrap();
    let app = app_with_home(home.path());
    let value = invoke(&app, "vendors_list").expect("command succeeds");
    let vendors: Vec<serde_json::Value> = serde_json::from_value(value).unwrap();
    assert_eq!(vendors.len(), 10);
    assert!(vendors.iter().all(|v| v["connected"] == false));
}

#[test]
fn a_core_error_reaches_the_webview_as_code_message_and_hint() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    std::fs::write(home.path().join("config/connections.json"), "not json").unwrap();
    let app = app_with_home(home.path());
    let error = invoke(&app, "vendors_list").expect_err("a corrupt index fails");
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
