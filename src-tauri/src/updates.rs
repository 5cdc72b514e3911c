//! Updates. "Check for updates" (the window's Settings page, or the tray through
//! `switchboard-app --updates check`) asks the release
//! endpoint, a static `latest.json`, whether a newer version exists. Installing it is
//! always the technician's click ("Install Switchboard X"): tauri's updater downloads
//! the installer, verifies its minisign signature against the public key built into
//! the app (and that the signature names the announced version), installs it, and the
//! app restarts into the new version. A refusal leaves the running version alone and
//! says why in words.

use std::sync::Mutex;

use serde::Serialize;
use switchboard_core::ErrorCode;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Error as UpdaterError, Update, UpdaterExt as _};

use crate::error::CommandError;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    UpToDate,
    Available,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpdateCheck {
    pub status: Status,
    pub current: String,
    pub latest: Option<String>,
    /// The release notes, as the manifest carries them.
    pub notes: Option<String>,
}

impl UpdateCheck {
    /// One line for a notification.
    pub fn summary(&self) -> String {
        match (&self.status, &self.latest) {
            (Status::Available, Some(latest)) => {
                let mut words = format!(
                    "Switchboard {latest} is available (you have {}). Choose \"Install Switchboard {latest}\" in the tray menu or in Settings.",
                    self.current
                );
                if let Some(first) = self
                    .notes
                    .as_deref()
                    .and_then(|n| n.lines().map(str::trim).find(|l| !l.is_empty()))
                {
                    words.push_str(&format!(" What's new: {first}"));
                }
                words
            }
            _ => format!("Switchboard {} is up to date.", self.current),
        }
    }
}

/// Where the updater stands in this process (a check and an install never overlap).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Phase {
    #[default]
    Idle,
    Checking,
    Available(String),
    Installing(String),
}

/// The update found by the last check, kept for the click that installs it.
#[derive(Default)]
pub struct Updates {
    phase: Mutex<Phase>,
    found: Mutex<Option<Update>>,
}

impl Updates {
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn phase(&self) -> Phase {
        self.phase.lock().expect("update phase lock").clone()
    }

    fn set(&self, phase: Phase) {
        *self.phase.lock().expect("update phase lock") = phase;
    }

    /// Marks a check as running, unless an install is (then `false`).
    pub fn begin_check(&self) -> bool {
        let mut phase = self.phase.lock().expect("update phase lock");
        if matches!(*phase, Phase::Installing(_)) {
            return false;
        }
        *phase = Phase::Checking;
        true
    }
}

/// The endpoint in `tauri.conf.json`.
pub fn builtin_endpoint<R: Runtime>(app: &AppHandle<R>) -> Option<String> {
    app.config()
        .plugins
        .0
        .get("updater")?
        .get("endpoints")?
        .get(0)?
        .as_str()
        .map(str::to_owned)
}

fn failed(message: String, hint: &str) -> CommandError {
    CommandError::new(ErrorCode::UpdateFailed, message, Some(hint.into()))
}

const CHECK_HINT: &str =
    "check the network connection and the update endpoint in Settings, then try again";

/// Why a check failed, in words.
pub fn check_words(e: &UpdaterError) -> String {
    let why = match e {
        UpdaterError::ReleaseNotFound => {
            "the update server did not answer with a release".to_owned()
        }
        UpdaterError::Reqwest(e) if e.is_connect() || e.is_timeout() => {
            "the update server could not be reached".to_owned()
        }
        UpdaterError::Reqwest(e) if e.is_decode() => {
            "the update server's answer is not a release manifest".to_owned()
        }
        UpdaterError::Reqwest(e) => format!("the update server could not be read ({e})"),
        UpdaterError::Serialization(_) | UpdaterError::Semver(_) => {
            "the update server's answer is not a release manifest".to_owned()
        }
        UpdaterError::TargetsNotFound(_) | UpdaterError::TargetNotFound(_) => {
            "the new release has no installer for this kind of install".to_owned()
        }
        UpdaterError::InsecureTransportProtocol => "the update endpoint must use https".to_owned(),
        other => other.to_string(),
    };
    format!("Could not check for updates: {why}.")
}

/// Why a download was refused or an install failed, in words.
pub fn refusal_words(e: &UpdaterError) -> String {
    use minisign_verify::Error as Sig;
    match e {
        UpdaterError::Minisign(Sig::UnexpectedKeyId) => {
            "it was signed with a key this copy of Switchboard does not trust".to_owned()
        }
        UpdaterError::Minisign(Sig::InvalidSignature) => {
            "its signature does not match the download (it was altered on the way, or the signature belongs to another file)".to_owned()
        }
        UpdaterError::Minisign(_) | UpdaterError::Base64(_) | UpdaterError::SignatureUtf8(_) => {
            "its signature is not a valid Switchboard release signature".to_owned()
        }
        UpdaterError::SignedVersionMismatch { signed, announced } => format!(
            "it is signed as version {signed}, not the {announced} the update server announced (the server's answer may have been altered)"
        ),
        UpdaterError::MissingSignedVersion => {
            "its signature does not say which version it is for".to_owned()
        }
        UpdaterError::InvalidUpdaterFormat => {
            "the download is not an installer for this kind of install".to_owned()
        }
        UpdaterError::PackageInstallFailed
        | UpdaterError::DebInstallFailed
        | UpdaterError::AuthenticationFailed => {
            "the system's package installer did not install it (permission was refused, or the package manager failed)".to_owned()
        }
        UpdaterError::Reqwest(e) => format!("the download failed ({e})"),
        other => other.to_string(),
    }
}

/// The updater for the configured endpoint (`None`: the built-in one, on `channel`).
fn updater<R: Runtime>(
    app: &AppHandle<R>,
    endpoint: Option<String>,
    channel: Option<&str>,
) -> Result<tauri_plugin_updater::Updater, CommandError> {
    // A server that never answers the connection must not leave "Checking…" up for
    // ever; a slow download is fine (no overall limit).
    let mut builder = app
        .updater_builder()
        .configure_client(|c| c.connect_timeout(std::time::Duration::from_secs(20)));
    let endpoint = endpoint.or_else(|| {
        channel.and_then(|c| {
            builtin_endpoint(app)
                .map(|b| switchboard_core::settings::endpoint_for_channel(&b, Some(c)))
        })
    });
    if let Some(endpoint) = endpoint {
        // config.toml may have been edited by hand: the same rule as Settings.
        switchboard_core::settings::check_endpoint(&endpoint).map_err(|e| {
            failed(
                e.to_string(),
                "fix it in Settings, or clear it to use the built-in one",
            )
        })?;
        let url = url::Url::parse(&endpoint).map_err(|e| {
            failed(
                format!("the update endpoint is not a URL ({e})"),
                "fix it in Settings, or clear it to use the built-in one",
            )
        })?;
        builder = builder
            .endpoints(vec![url])
            .map_err(|e| failed(e.to_string(), "use an https:// endpoint in Settings"))?;
    }
    builder
        .build()
        .map_err(|e| failed(e.to_string(), "check the update endpoint in Settings"))
}

/// Checks where the settings say: the configured endpoint, else the built-in one on
/// the configured channel.
pub async fn check_configured<R: Runtime>(
    app: &AppHandle<R>,
    updates: &Updates,
    core: &switchboard_core::Switchboard,
) -> Result<UpdateCheck, CommandError> {
    let settings = core.settings()?;
    check(
        app,
        updates,
        settings.update_endpoint,
        settings.update_channel.as_deref(),
    )
    .await
}

/// Checks for a newer version and keeps what it found for [`install`].
pub async fn check<R: Runtime>(
    app: &AppHandle<R>,
    updates: &Updates,
    endpoint: Option<String>,
    channel: Option<&str>,
) -> Result<UpdateCheck, CommandError> {
    let current = app.package_info().version.to_string();
    if !updates.begin_check() {
        return Err(failed(
            "an update is being installed".into(),
            "wait for it to finish",
        ));
    }
    let result = match updater(app, endpoint, channel) {
        Ok(updater) => updater
            .check()
            .await
            .map_err(|e| failed(check_words(&e), CHECK_HINT)),
        Err(e) => Err(e),
    };
    let mut found = updates.found.lock().expect("found lock");
    match result {
        Ok(Some(update)) => {
            let check = UpdateCheck {
                status: Status::Available,
                current,
                latest: Some(update.version.clone()),
                notes: update.body.clone(),
            };
            updates.set(Phase::Available(update.version.clone()));
            *found = Some(update);
            Ok(check)
        }
        Ok(None) => {
            *found = None;
            updates.set(Phase::Idle);
            Ok(UpdateCheck {
                status: Status::UpToDate,
                current,
                latest: None,
                notes: None,
            })
        }
        Err(e) => {
            // What an earlier check found still stands.
            updates.set(match &*found {
                Some(u) => Phase::Available(u.version.clone()),
                None => Phase::Idle,
            });
            Err(e)
        }
    }
}

/// Downloads, verifies and installs the update the last check found. On success the
/// caller restarts the app; on failure nothing was changed and the error says why.
pub async fn install(
    updates: &Updates,
    current: &str,
    started: impl FnOnce(),
) -> Result<String, CommandError> {
    let Some(update) = updates.found.lock().expect("found lock").clone() else {
        return Err(failed(
            "there is no update to install".into(),
            "check for updates first",
        ));
    };
    let version = update.version.clone();
    {
        let mut phase = updates.phase.lock().expect("update phase lock");
        if matches!(*phase, Phase::Installing(_)) {
            return Err(failed(
                format!("Switchboard {version} is already being installed"),
                "wait for it to finish",
            ));
        }
        *phase = Phase::Installing(version.clone());
    }
    started();
    tracing::info!(%version, "downloading and installing the update");
    let result = update.download_and_install(|_, _| {}, || {}).await;
    match result {
        Ok(()) => {
            tracing::info!(%version, "update installed");
            Ok(version)
        }
        Err(e) => {
            tracing::warn!(%version, error = %e, "update refused");
            updates.set(Phase::Available(version.clone()));
            Err(failed(
                format!(
                    "Switchboard {version} was not installed: {}. You still have {current}.",
                    refusal_words(&e)
                ),
                "nothing was changed; tell whoever publishes your updates if this keeps happening",
            ))
        }
    }
}

/// `switchboard-app --updates check|install`: the updater with no window, for the
/// tray. Prints one JSON line: `{"ok": true, "latest", "summary"}` (for `install`,
/// `latest` is the version now installed) or `{"ok": false, "message"}`.
pub fn headless(context: tauri::Context<tauri::Wry>, op: Option<&str>) -> std::process::ExitCode {
    use std::io::Write as _;
    let answer = match op {
        Some(op @ ("check" | "install")) => run_headless(context, op == "install"),
        _ => serde_json::json!({
            "ok": false,
            "message": "use `--updates check` or `--updates install`",
        }),
    };
    let ok = answer["ok"] == true;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{answer}").and_then(|()| out.flush());
    if ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

fn run_headless(context: tauri::Context<tauri::Wry>, and_install: bool) -> serde_json::Value {
    let refused =
        |e: &dyn std::fmt::Display| serde_json::json!({"ok": false, "message": e.to_string()});
    let app = match tauri::Builder::<tauri::Wry>::new()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
    {
        Ok(app) => app,
        Err(e) => return refused(&format!("Could not check for updates: {e}.")),
    };
    let opened = switchboard_core::paths::Paths::from_env()
        .map_err(|e| e.to_string())
        .and_then(|paths| switchboard_core::Switchboard::open(paths).map_err(|e| e.to_string()));
    let core = match opened {
        Ok(core) => core,
        Err(e) => return refused(&format!("Could not check for updates: {e}.")),
    };
    let updates = Updates::default();
    let handle = app.handle().clone();
    tauri::async_runtime::block_on(async move {
        let found = match check_configured(&handle, &updates, &core).await {
            Ok(found) => found,
            Err(e) => return refused(&e.message),
        };
        if !and_install {
            return serde_json::json!({"ok": true, "latest": found.latest, "summary": found.summary()});
        }
        if found.latest.is_none() {
            return refused(&format!(
                "There is no update to install: {}",
                found.summary()
            ));
        }
        let current = handle.package_info().version.to_string();
        match self::install(&updates, &current, || {}).await {
            Ok(version) => serde_json::json!({
                "ok": true,
                "latest": version,
                "summary": format!("Switchboard {version} is installed."),
            }),
            Err(e) => refused(&e.message),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_why_in_words() {
        let other_key = refusal_words(&UpdaterError::Minisign(
            minisign_verify::Error::UnexpectedKeyId,
        ));
        assert!(other_key.contains("does not trust"), "{other_key}");
        let tampered = refusal_words(&UpdaterError::Minisign(
            minisign_verify::Error::InvalidSignature,
        ));
        assert!(
            tampered.contains("does not match the download"),
            "{tampered}"
        );
        let downgrade = refusal_words(&UpdaterError::SignedVersionMismatch {
            signed: "0.1.0".into(),
            announced: "0.9.0".into(),
        });
        assert!(downgrade.contains("signed as version 0.1.0"), "{downgrade}");
    }

    #[test]
    fn a_failed_check_says_could_not_check() {
        for e in [
            UpdaterError::ReleaseNotFound,
            UpdaterError::Serialization(serde_json::from_str::<u8>("x").unwrap_err()),
            UpdaterError::TargetsNotFound(vec!["linux-x86_64-deb".into()]),
        ] {
            assert!(
                check_words(&e).starts_with("Could not check for updates: "),
                "{}",
                check_words(&e)
            );
        }
    }

    #[test]
    fn the_summary_names_the_version_and_the_notes() {
        let check = UpdateCheck {
            status: Status::Available,
            current: "0.1.0".into(),
            latest: Some("0.2.0".into()),
            notes: Some("\n- Faster start\n- Fixes".into()),
        };
        let s = check.summary();
        assert!(s.contains("0.2.0 is available (you have 0.1.0)"), "{s}");
        assert!(s.contains("What's new: - Faster start"), "{s}");
    }
}
