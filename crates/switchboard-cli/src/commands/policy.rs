//! `switchboard policy list|set`, `approvals`, `approve`, `deny` and `audit`.

use std::path::Path;

use switchboard_core::Switchboard;
use switchboard_core::audit::{self, Query};

use super::{CmdResult, Failure};
use crate::cli::{AuditArgs, PolicySetArgs};
use crate::{exit, output};

pub async fn list(sb: &Switchboard, vendor: Option<&str>, program: &Path, json: bool) -> CmdResult {
    let rows = sb.policies(vendor, program).await?;
    if json {
        output::json(&rows);
    } else {
        output::policies(&rows);
    }
    Ok(exit::OK)
}

pub async fn set(sb: &Switchboard, args: PolicySetArgs, json: bool) -> CmdResult {
    let decision = sb.set_policy(&args.pattern, &args.decision).await?;
    if json {
        output::json(&serde_json::json!({"pattern": args.pattern, "decision": decision}));
    } else {
        output::line(&format!(
            "{} is now `{decision}` (config.toml, [policy.tools]).",
            args.pattern
        ));
    }
    Ok(exit::OK)
}

pub async fn approvals(sb: &Switchboard, json: bool) -> CmdResult {
    let waiting = sb.approvals().await?;
    if json {
        output::json(&waiting);
    } else {
        output::approvals(&waiting);
    }
    Ok(exit::OK)
}

pub async fn answer(sb: &Switchboard, id: u64, approve: bool, json: bool) -> CmdResult {
    let call = sb.answer(id, approve, "cli").await?;
    if json {
        output::json(&serde_json::json!({"id": id, "approved": approve, "call": call}));
    } else if approve {
        output::line(&format!("Approved {id}: {} runs now.", call.tool));
    } else {
        output::line(&format!(
            "Declined {id}: Claude is told you declined {}.",
            call.tool
        ));
    }
    Ok(exit::OK)
}

pub fn audit(sb: &Switchboard, args: AuditArgs, json: bool) -> CmdResult {
    let since = match args.since.as_deref() {
        Some(text) => Some(audit::parse_since(text).ok_or_else(|| {
            Failure::usage(
                format!("`{text}` is not a time"),
                Some(
                    "give one like 2026-12-06T10:00:00Z, a date, or a duration such as 2h or 7d"
                        .into(),
                ),
            )
        })?),
        None => None,
    };
    let (records, unreadable) = sb.audit(&Query {
        since,
        vendor: args.vendor,
    })?;
    if json {
        output::json(&records);
    } else if args.csv {
        output::raw(&audit::to_csv(&records));
    } else {
        output::audit(&records);
    }
    if unreadable > 0 {
        output::note(&format!(
            "{unreadable} line(s) of the record could not be read (cut short by a full disk?) and were skipped"
        ));
    }
    Ok(exit::OK)
}
