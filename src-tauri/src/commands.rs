//! Tauri commands: each deserializes, makes one or two core calls, and maps the
//! result. The contract with the window is `ui/src/api.ts`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use switchboard_core::clients::Client;
use switchboard_core::config::LogLevel;
use switchboard_core::connection::{ConnectError, FieldInput};
use switchboard_core::gateway::login::SignedOut;
use switchboard_core::ipc::tray::TrayRequest;
use switchboard_core::probe::ProbeOutcome;
use switchboard_core::secret::Secret;
use switchboard_core::status::{StatusReport, TeamView};
use switchboard_core::view::VendorView;
use tauri::{AppHandle, Runtime, State};

use crate::error::CommandError;
use crate::state::AppState;

type Result<T> = std::result::Result<T, CommandError>;

/// Every vendor in the catalog with its connection state.
#[tauri::command]
pub fn vendors_list(state: State<'_, AppState>) -> Result<Vec<VendorView>> {
    Ok(state.core.vendor_views()?)
}

#[derive(Debug, Serialize)]
pub struct ConnectResult {
    /// False when the probe failed: nothing was stored.
    pub saved: bool,
    pub probe: Option<ProbeOutcome>,
}

/// Tests the values against the vendor and stores them when they pass. Every value
/// from the form is treated as private (it never reaches a log or an error).
#[tauri::command]
pub async fn vendor_connect(
    state: State<'_, AppState>,
    slug: String,
    fields: BTreeMap<String, String>,
) -> Result<ConnectResult> {
    let input = FieldInput {
        argv: BTreeMap::new(),
        private: fields
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k, Secret::new(v)))
            .collect(),
    };
    let result = match state.core.connect(&slug, input, true, |_| {}).await {
        Ok(report) => ConnectResult {
            saved: true,
            probe: report.probe,
        },
        Err(switchboard_core::Error::Connect(ConnectError::ProbeFailed { outcome, .. })) => {
            ConnectResult {
                saved: false,
                probe: Some(outcome),
            }
        }
        Err(e) => return Err(e.into()),
    };
    state.poke.notify_one();
    Ok(result)
}

#[tauri::command]
pub async fn vendor_test(state: State<'_, AppState>, slug: String) -> Result<ProbeOutcome> {
    Ok(state.core.test(&slug).await?)
}

#[tauri::command]
pub async fn vendor_disconnect(state: State<'_, AppState>, slug: String) -> Result<()> {
    state.core.disconnect(&slug).await?;
    state.poke.notify_one();
    Ok(())
}

/// Every vendor's server state, from the daemon when it runs.
#[tauri::command]
pub async fn servers_status(state: State<'_, AppState>) -> Result<StatusReport> {
    Ok(state.core.status().await?)
}

#[tauri::command]
pub async fn server_restart(state: State<'_, AppState>, slug: String) -> Result<()> {
    Ok(state.core.restart(&slug).await?)
}

#[tauri::command]
pub async fn server_stop(state: State<'_, AppState>, slug: String) -> Result<()> {
    Ok(state.core.stop_vendor(&slug).await?)
}

/// The last `lines` lines of a vendor server's log (its stderr, secrets redacted).
#[tauri::command]
pub fn server_logs(state: State<'_, AppState>, slug: String, lines: usize) -> Result<Vec<String>> {
    state
        .core
        .catalog()
        .get(&slug)
        .map_err(switchboard_core::Error::from)?;
    let files = switchboard_core::logs::files(state.core.paths(), &slug);
    Ok(switchboard_core::logs::tail(&files, lines.min(5000)))
}

#[derive(Debug, Serialize)]
pub struct ClientView {
    pub client: Client,
    pub name: &'static str,
    pub path: String,
    pub exists: bool,
    pub problem: Option<String>,
    pub installed: bool,
    pub command_ok: bool,
    pub command: Option<String>,
}

fn client(slug: &str) -> Result<Client> {
    Client::from_slug(slug).ok_or_else(|| {
        CommandError::new(
            switchboard_core::ErrorCode::Unsupported,
            format!("`{slug}` is not a client Switchboard installs into"),
            Some("use `claude-desktop`, `claude-code` or `cursor`".into()),
        )
    })
}

#[tauri::command]
pub fn clients_list(state: State<'_, AppState>) -> Result<Vec<ClientView>> {
    Client::ALL
        .into_iter()
        .map(|c| {
            let s = state.core.client_status(c)?;
            Ok(ClientView {
                client: c,
                name: c.name(),
                path: s.path.display().to_string(),
                exists: s.exists,
                problem: s.problem,
                installed: s.command.is_some(),
                command_ok: s.command_exists,
                command: s.command,
            })
        })
        .collect()
}

/// What installing (or uninstalling) would change, written nowhere.
#[tauri::command]
pub fn client_preview(
    state: State<'_, AppState>,
    client: String,
    uninstall: bool,
) -> Result<switchboard_core::clients::Outcome> {
    let c = self::client(&client)?;
    Ok(if uninstall {
        state.core.uninstall(c, true)?
    } else {
        state.core.install(c, &[], &state.cli, true)?
    })
}

#[tauri::command]
pub fn client_install<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    client: String,
) -> Result<switchboard_core::clients::Outcome> {
    let outcome = state
        .core
        .install(self::client(&client)?, &[], &state.cli, false)?;
    crate::actions::tell_tray(&app, TrayRequest::Refresh);
    Ok(outcome)
}

#[tauri::command]
pub fn client_uninstall<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    client: String,
) -> Result<switchboard_core::clients::Outcome> {
    let outcome = state.core.uninstall(self::client(&client)?, false)?;
    crate::actions::tell_tray(&app, TrayRequest::Refresh);
    Ok(outcome)
}

/// Every vendor's companion plugin and whether Claude Code's user settings enable it.
#[tauri::command]
pub fn plugins_list(state: State<'_, AppState>) -> Result<switchboard_core::PluginsReport> {
    Ok(state.core.plugins(None)?)
}

/// Enables or disables one vendor's companion plugin in Claude Code's user settings
/// (the same locked, backed-up, atomic edit as `switchboard plugins enable`).
#[tauri::command]
pub fn plugins_set(
    state: State<'_, AppState>,
    slug: String,
    enabled: bool,
) -> Result<switchboard_core::plugins::Change> {
    let vendors = [slug];
    Ok(if enabled {
        state.core.enable_plugins(&vendors, false, None, false)?
    } else {
        state.core.disable_plugins(&vendors, None, false)?
    })
}

/// The Settings page: core's settings plus start-at-login (the OS's state).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SettingsView {
    pub idle_timeout_s: u64,
    pub compact: bool,
    pub log_level: LogLevel,
    pub start_at_login: bool,
    /// The endpoint in use: the configured one, else the app's built-in one.
    pub update_endpoint: String,
    /// The MSP whose preset applies, when one does.
    #[serde(default)]
    pub managed_by: Option<String>,
    /// Settings the preset locks (`supervisor.idle_timeout_s`, `supervisor.compact`,
    /// `updates.endpoint`, …); the page shows them as managed and read-only.
    #[serde(default)]
    pub locked: Vec<String>,
    /// Look for a new version once a day (installing always takes a click).
    #[serde(default = "yes")]
    pub check_updates_daily: bool,
    /// The version running now.
    #[serde(default)]
    pub version: String,
    /// An MSP's own plugin marketplace (name and source); empty for the vendors'
    /// public one.
    #[serde(default)]
    pub plugin_marketplace_name: String,
    #[serde(default)]
    pub plugin_marketplace: String,
}

fn yes() -> bool {
    true
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn settings_view<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    s: switchboard_core::settings::Settings,
) -> SettingsView {
    let found = state.core.preset();
    let preset = found.preset();
    SettingsView {
        managed_by: preset.map(switchboard_core::preset::Preset::managed_by),
        locked: preset.map(|p| p.locked.clone()).unwrap_or_default(),
        idle_timeout_s: s.idle_timeout_s,
        compact: s.compact,
        log_level: s.log_level,
        start_at_login: crate::desktop::autostart_enabled(app),
        check_updates_daily: s.check_updates_daily,
        version: app.package_info().version.to_string(),
        plugin_marketplace_name: s.plugin_marketplace_name.unwrap_or_default(),
        plugin_marketplace: s.plugin_marketplace.unwrap_or_default(),
        update_endpoint: s
            .update_endpoint
            .unwrap_or_else(|| crate::updates::builtin_endpoint(app).unwrap_or_default()),
    }
}

#[tauri::command]
pub fn settings_get<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<SettingsView> {
    Ok(settings_view(&app, &state, state.core.settings()?))
}

/// Saves the settings (core restarts the daemon when a change needs it) and the
/// start-at-login choice.
#[tauri::command]
pub async fn settings_set<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: SettingsView,
) -> Result<SettingsView> {
    let builtin = crate::updates::builtin_endpoint(&app);
    let endpoint = settings.update_endpoint.trim();
    let new = switchboard_core::settings::Settings {
        idle_timeout_s: settings.idle_timeout_s,
        compact: settings.compact,
        log_level: settings.log_level,
        // The built-in endpoint is not written down, so a new release can move it.
        update_endpoint: (!endpoint.is_empty() && Some(endpoint) != builtin.as_deref())
            .then(|| endpoint.to_owned()),
        check_updates_daily: settings.check_updates_daily,
        // Not edited here: config.toml or the preset names it.
        update_channel: None,
        plugin_marketplace_name: non_empty(&settings.plugin_marketplace_name),
        plugin_marketplace: non_empty(&settings.plugin_marketplace),
    };
    let (saved, restarted) = state.core.save_settings(&new).await?;
    if settings.start_at_login != crate::desktop::autostart_enabled(&app) {
        crate::desktop::set_autostart(&app, settings.start_at_login)?;
    }
    if restarted {
        // The watcher notices the daemon is gone and starts a new one.
        state.poke.notify_one();
    }
    crate::actions::tell_tray(&app, TrayRequest::Refresh);
    Ok(settings_view(&app, &state, saved))
}

#[tauri::command]
pub async fn updates_check<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<crate::updates::UpdateCheck> {
    crate::actions::check_updates(&app, &state).await
}

/// Installs the update the last check found, then restarts into it. Returns only when
/// it was not installed (the error says why; the running version is untouched).
#[tauri::command]
pub async fn updates_install<R: Runtime>(app: AppHandle<R>) -> Result<()> {
    crate::actions::install_update(&app).await
}

/// The calls waiting for the technician's approval.
#[tauri::command]
pub async fn approvals_list(
    state: State<'_, AppState>,
) -> Result<Vec<switchboard_core::supervisor::approvals::Waiting>> {
    Ok(state.core.approvals().await?)
}

/// Approves or declines a waiting call from the window.
#[tauri::command]
pub async fn approval_answer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: u64,
    approve: bool,
) -> Result<switchboard_core::supervisor::approvals::Waiting> {
    let call = state.core.answer(id, approve, "window").await?;
    crate::actions::tell_tray(&app, TrayRequest::Refresh);
    Ok(call)
}

/// The audit record, newest first: at most `limit` calls (200 by default).
#[tauri::command]
pub fn audit_list(
    state: State<'_, AppState>,
    vendor: Option<String>,
    limit: Option<usize>,
) -> Result<Vec<switchboard_core::audit::Record>> {
    let (mut records, _) = state.core.audit(&switchboard_core::audit::Query {
        since: None,
        vendor: vendor.filter(|v| !v.is_empty()),
    })?;
    records.reverse();
    records.truncate(limit.unwrap_or(200));
    Ok(records)
}

/// The team sign-in and every vendor served, by whom.
#[tauri::command]
pub async fn team_status(state: State<'_, AppState>) -> Result<TeamView> {
    Ok(state.core.team().await?)
}

/// Signs in to the team gateway in the browser (`gateway`: its address, else the
/// settings' or the built-in one). Progress comes as `team-progress` events.
#[tauri::command]
pub async fn team_login<R: Runtime>(
    app: AppHandle<R>,
    gateway: Option<String>,
) -> Result<TeamView> {
    crate::actions::sign_in(&app, gateway).await
}

/// Revokes the team sign-in's tokens and removes them.
#[tauri::command]
pub async fn team_logout<R: Runtime>(app: AppHandle<R>) -> Result<SignedOut> {
    crate::actions::sign_out(&app).await
}

/// The page the window should open on, once (from the arguments the tray gave).
#[tauri::command]
pub fn take_pending_page(state: State<'_, AppState>) -> Option<Value> {
    state.pending.lock().expect("pending lock").take()
}

/// The page has drawn its first frame: a log line with the time, which
/// `scripts/bench-app` reads to time "Open Switchboard…" to first paint.
#[tauri::command]
pub fn window_painted() {
    let unix_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    tracing::info!(
        unix_ms = unix_ms as u64,
        "the window painted its first page"
    );
}

/// Opens a vendor's documentation in the browser (only catalog URLs, never one the
/// page makes up).
#[tauri::command]
pub fn open_docs(state: State<'_, AppState>, slug: String) -> Result<()> {
    let vendor = state
        .core
        .catalog()
        .get(&slug)
        .map_err(switchboard_core::Error::from)?;
    crate::desktop::open_url(&vendor.docs_url)
}
