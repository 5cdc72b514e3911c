//! Declares the app's own commands so tauri generates an `allow-<command>` permission
//! for each; `capabilities/default.json` grants them to the settings window only.

fn main() {
    let commands = &[
        "vendors_list",
        "vendor_connect",
        "vendor_test",
        "vendor_disconnect",
        "servers_status",
        "server_restart",
        "server_stop",
        "server_logs",
        "clients_list",
        "client_preview",
        "client_install",
        "client_uninstall",
        "settings_get",
        "settings_set",
        "updates_check",
        "updates_install",
        "open_docs",
        "take_pending_page",
        "window_painted",
        "team_status",
        "team_login",
        "team_logout",
        "plugins_list",
        "plugins_set",
        "approvals_list",
        "approval_answer",
        "audit_list",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build script");
}
