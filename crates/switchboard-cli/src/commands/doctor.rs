//! `switchboard doctor`.

use switchboard_core::Switchboard;

use super::CmdResult;
use crate::{exit, output};

pub async fn doctor(sb: &Switchboard, json: bool) -> CmdResult {
    let report = sb.doctor().await;
    if json {
        output::json(&report)
    } else {
        output::doctor(&report)
    }
    Ok(if report.ok { exit::OK } else { exit::FAILURE })
}
