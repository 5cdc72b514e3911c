//! What a failed command sends to the webview: a stable code, a message, a hint
//! worded for the window. The UI branches on `code`, never on `message`.

use serde::Serialize;
use switchboard_core::{Coded, ErrorCode, Surface};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    pub hint: Option<String>,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>, hint: Option<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint,
        }
    }
}

impl From<switchboard_core::Error> for CommandError {
    fn from(e: switchboard_core::Error) -> Self {
        Self::new(e.code(), e.to_string(), e.hint_for(Surface::Window))
    }
}
