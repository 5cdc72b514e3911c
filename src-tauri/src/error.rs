//! What a failed command sends to the webview: a stable code, a message, a hint.
//! The UI branches on `code`, never on `message`.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CommandError {
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl From<switchboard_core::Error> for CommandError {
    fn from(e: switchboard_core::Error) -> Self {
        Self {
            code: e.code().as_str(),
            message: e.to_string(),
            hint: e.hint(),
        }
    }
}
