//! Tauri commands: each deserializes, makes one core call, and maps the result.

use switchboard_core::view::VendorView;
use tauri::State;

use crate::{AppState, CommandError};

/// Every vendor in the catalog with its connection state.
#[tauri::command]
pub fn vendors_list(state: State<'_, AppState>) -> Result<Vec<VendorView>, CommandError> {
    Ok(state.core.vendor_views()?)
}
