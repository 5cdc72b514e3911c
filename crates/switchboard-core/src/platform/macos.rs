//! macOS: `~/Library/...`, as Tauri resolves them.

use std::path::PathBuf;

use directories::BaseDirs;

/// `~/Library/Logs/<id>`, like Tauri's `app_log_dir`.
pub fn log_dir(base: &BaseDirs, id: &str) -> PathBuf {
    base.home_dir().join("Library").join("Logs").join(id)
}

/// Socket paths are limited to 104 bytes on macOS, so keep this short.
pub fn runtime_dir(base: &BaseDirs, id: &str) -> PathBuf {
    base.data_local_dir().join(id).join("run")
}

/// Where Node.js version managers, Homebrew and installers put `node`/`npx`.
pub fn runtime_search_dirs(base: &BaseDirs) -> Vec<PathBuf> {
    let mut dirs = crate::platform::unix::runtime_search_dirs(base);
    dirs.extend(["/opt/homebrew/bin", "/usr/local/bin"].map(PathBuf::from));
    dirs
}

/// `~/Library/Application Support/Claude/claude_desktop_config.json`.
pub fn claude_desktop_config(config: &std::path::Path, _local_data: &std::path::Path) -> PathBuf {
    config.join("Claude").join("claude_desktop_config.json")
}

/// Process names of Claude Desktop.
pub const CLAUDE_DESKTOP_PROCESSES: &[&str] = &["Claude"];

/// Claude Desktop registers `.mcpb`: opening one shows its install preview.
pub const OPENS_MCPB: bool = true;

/// Where an MSP's preset lives: the managed preferences of `io.switchboard.desktop`,
/// which macOS writes (root-owned) from a configuration profile an MDM pushes. The
/// payload's keys are the preset's (dotted, or nested dictionaries); docs/PRESET.md.
pub fn preset_place() -> Option<super::PresetPlace> {
    Some(super::PresetPlace::ManagedPrefs(PathBuf::from(
        "/Library/Managed Preferences/io.switchboard.desktop.plist",
    )))
}

/// Registry policy values: Windows only.
pub fn read_policy_values() -> std::io::Result<Option<Vec<(String, super::PolicyValue)>>> {
    Ok(None)
}
