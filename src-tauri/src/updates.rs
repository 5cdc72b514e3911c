//! "Check for updates": asks the release endpoint (tauri's updater, verifying with
//! the minisign public key in `tauri.conf.json`) whether a newer version exists.
//! Installing one is a later step; this reports what it found.

use serde::Serialize;
use switchboard_core::ErrorCode;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::UpdaterExt as _;

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
    pub notes: Option<String>,
}

impl UpdateCheck {
    /// One line for a notification.
    pub fn summary(&self) -> String {
        match (&self.status, &self.latest) {
            (Status::Available, Some(latest)) => {
                format!(
                    "Switchboard {latest} is available (you have {}).",
                    self.current
                )
            }
            _ => format!("Switchboard {} is up to date.", self.current),
        }
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

/// Checks `endpoint` (the configured one) or the built-in one.
pub async fn check<R: Runtime>(
    app: &AppHandle<R>,
    endpoint: Option<String>,
) -> Result<UpdateCheck, CommandError> {
    let mut builder = app.updater_builder();
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
        // Plain http (allowed by Settings only to this machine) is refused by release
        // builds of the updater; debug builds accept it with a warning.
        builder = builder
            .endpoints(vec![url])
            .map_err(|e| failed(e.to_string(), "use an https:// endpoint in Settings"))?;
    }
    let updater = builder
        .build()
        .map_err(|e| failed(e.to_string(), "check the update endpoint in Settings"))?;
    let current = app.package_info().version.to_string();
    match updater.check().await {
        Ok(Some(update)) => Ok(UpdateCheck {
            status: Status::Available,
            current,
            latest: Some(update.version.clone()),
            notes: update.body.clone(),
        }),
        Ok(None) => Ok(UpdateCheck {
            status: Status::UpToDate,
            current,
            latest: None,
            notes: None,
        }),
        Err(e) => Err(failed(
            format!("could not check for updates: {e}"),
            "check the network connection and the update endpoint in Settings, then try again",
        )),
    }
}
