//! `switchboard vendors list|show`.

use switchboard_core::Switchboard;

use super::CmdResult;
use crate::{exit, output};

pub fn list(sb: &Switchboard, json: bool) -> CmdResult {
    let vendors = sb.vendor_views()?;
    if json {
        output::json(&vendors)
    } else {
        output::vendor_table(&vendors)
    }
    Ok(exit::OK)
}

pub fn show(sb: &Switchboard, slug: &str, json: bool) -> CmdResult {
    let vendor = sb.vendor_view(slug)?;
    if json {
        output::json(&vendor)
    } else {
        output::vendor_details(&vendor)
    }
    Ok(exit::OK)
}
