//! Tool policy, approvals and the audit record: `switchboard policy`, `approvals`,
//! `approve`, `deny` and `audit`.

use std::path::Path;
use std::time::Duration;

use super::Switchboard;
use crate::audit::{self, AuditError, Query, Record};
use crate::config;
use crate::error::Result;
use crate::ipc::ControlOp;
use crate::ipc::client::Control;
use crate::policy::{self, Decision, PolicyError};
use crate::supervisor::approvals::Waiting;
use crate::supervisor::hub::PolicyRow;

/// How long `policy list` waits for a daemon it starts.
const START_WITHIN: Duration = Duration::from_secs(10);

impl Switchboard {
    /// Every tool the daemon knows with its effective policy and why; the daemon
    /// (`program daemon`) is started when none runs.
    pub async fn policies(&self, vendor: Option<&str>, program: &Path) -> Result<Vec<PolicyRow>> {
        if let Some(v) = vendor {
            self.catalog.get(v)?;
        }
        let mut control = Control::connect_or_start(
            &self.paths.runtime,
            program,
            self.paths.home_override.as_deref(),
            START_WITHIN,
        )
        .await?;
        let rows = control
            .request(ControlOp::Policies {
                vendor: vendor.map(str::to_owned),
            })
            .await?;
        Ok(serde_json::from_value(rows).unwrap_or_default())
    }

    /// Sets a rule in `config.toml` (`[policy.tools]`) and tells a running daemon.
    pub async fn set_policy(&self, pattern: &str, decision: &str) -> Result<Decision> {
        policy::check_pattern(pattern)?;
        let decision = Decision::parse(decision)
            .ok_or_else(|| PolicyError::BadDecision(decision.to_owned()))?;
        if let Some(preset) = self.preset().preset()
            && preset.is_locked("policy.tools")
            && preset.policy.tools.contains_key(pattern)
        {
            return Err(PolicyError::Locked {
                pattern: pattern.to_owned(),
            }
            .into());
        }
        config::edit(&self.paths.config_file(), |doc| {
            config::table(doc, &["policy", "tools"])
                .insert(pattern, toml_edit::value(decision.as_str()));
            Ok(())
        })?;
        if let Ok(mut control) = Control::connect(&self.paths.runtime).await {
            control.request(ControlOp::Reload { slug: None }).await?;
        }
        Ok(decision)
    }

    /// The calls waiting for the technician (none when no daemon runs).
    pub async fn approvals(&self) -> Result<Vec<Waiting>> {
        match Control::connect(&self.paths.runtime).await {
            Ok(mut control) => {
                let list = control.request(ControlOp::Approvals).await?;
                Ok(serde_json::from_value(list).unwrap_or_default())
            }
            Err(crate::ipc::client::IpcError::NotRunning) => Ok(Vec::new()),
            Err(e) => Err(e.into()),
        }
    }

    /// Approves or declines a waiting call; `by` says where (`cli`, `tray`, `window`).
    pub async fn answer(&self, id: u64, approve: bool, by: &str) -> Result<Waiting> {
        let mut control = Control::connect(&self.paths.runtime).await?;
        let call = control
            .request(ControlOp::Answer {
                call: id,
                approve,
                by: by.to_owned(),
            })
            .await?;
        Ok(serde_json::from_value(call).map_err(|e| {
            crate::ipc::client::IpcError::Broken(format!("the daemon's answer: {e}"))
        })?)
    }

    /// The audit record's entries matching `query`, oldest first, and how many lines
    /// could not be read.
    pub fn audit(&self, query: &Query) -> Result<(Vec<Record>, usize)> {
        let logs = &self.paths.logs;
        Ok(audit::read(logs, query).map_err(|source| AuditError::Read {
            path: audit::dir(logs),
            source,
        })?)
    }
}
