//! Declares the app's own commands so tauri generates an `allow-<command>` permission
//! for each; `capabilities/default.json` grants them to the settings window only.

fn main() {
    let commands = &["vendors_list"];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build script");
}
