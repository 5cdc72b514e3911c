//! The JSON-RPC 2.0 envelope Switchboard relays, parsed no deeper than routing needs.
//!
//! The daemon and the bridge forward MCP traffic they do not model (resources,
//! prompts, progress, future methods), so a message is read as its envelope: `id` and
//! `method` are parsed, while `params`, `result` and `error` stay raw JSON text and
//! pass through byte for byte. Only the few places that must rewrite a payload (a
//! tool name, a progress token) parse it.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::code::{Coded, ErrorCode};

/// The MCP protocol version Switchboard asks servers (and gateways) for.
pub const UPSTREAM_PROTOCOL: &str = "2025-06-18";

/// JSON-RPC error codes used by Switchboard.
pub mod code {
    pub const PARSE_ERROR: i64 = -32700;
    pub const INVALID_REQUEST: i64 = -32600;
    pub const METHOD_NOT_FOUND: i64 = -32601;
    pub const INVALID_PARAMS: i64 = -32602;
    pub const INTERNAL_ERROR: i64 = -32603;
    /// MCP: the resource a request names does not exist.
    pub const RESOURCE_NOT_FOUND: i64 = -32002;
    /// A vendor's server failed: it crashed, timed out, or could not start.
    pub const UPSTREAM_FAILED: i64 = -32000;
    /// The daemon went away while the request was in flight (the bridge says so).
    pub const DAEMON_LOST: i64 = -32001;
}

/// One JSON-RPC message: a request (`id` + `method`), a notification (`method`), or a
/// response (`id` + `result` or `error`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    #[serde(default = "two")]
    pub jsonrpc: String,
    /// `None` when absent; `Some(Value::Null)` when present and null.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Box<RawValue>>,
}

fn two() -> String {
    "2.0".to_owned()
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// What a message is, for routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Request,
    Notification,
    Response,
    Invalid,
}

/// Why a line is not a message. It never quotes the line (it may hold secrets).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not a JSON-RPC message ({category} at line {line}, column {column})")]
    NotJson {
        category: &'static str,
        line: usize,
        column: usize,
    },
    #[error("not a JSON-RPC 2.0 message (`jsonrpc` is not \"2.0\")")]
    NotVersion2,
}

/// Never reaches a shell: a session answers it as JSON-RPC error -32700, and a server
/// that writes it is restarted.
impl Coded for ParseError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Internal
    }
}

impl Message {
    /// Parses one line.
    pub fn parse(line: &str) -> Result<Self, ParseError> {
        let msg: Self = serde_json::from_str(line).map_err(|e| ParseError::NotJson {
            category: category(&e),
            line: e.line(),
            column: e.column(),
        })?;
        if msg.jsonrpc != "2.0" {
            return Err(ParseError::NotVersion2);
        }
        Ok(msg)
    }

    pub fn kind(&self) -> Kind {
        match (
            &self.id,
            &self.method,
            self.result.is_some() || self.error.is_some(),
        ) {
            (Some(_), Some(_), false) => Kind::Request,
            (None, Some(_), false) => Kind::Notification,
            (Some(_), None, true) => Kind::Response,
            _ => Kind::Invalid,
        }
    }

    pub fn request(id: Value, method: &str, params: Option<Value>) -> Self {
        Self {
            id: Some(id),
            ..Self::notification(method, params)
        }
    }

    pub fn notification(method: &str, params: Option<Value>) -> Self {
        Self {
            jsonrpc: two(),
            id: None,
            method: Some(method.to_owned()),
            params: params.map(|p| to_raw(&p)),
            result: None,
            error: None,
        }
    }

    pub fn response(id: Value, result: &Value) -> Self {
        Self {
            jsonrpc: two(),
            id: Some(id),
            method: None,
            params: None,
            result: Some(to_raw(result)),
            error: None,
        }
    }

    /// A response whose result is already serialized.
    pub fn response_raw(id: Value, result: Box<RawValue>) -> Self {
        Self {
            jsonrpc: two(),
            id: Some(id),
            method: None,
            params: None,
            result: Some(result),
            error: None,
        }
    }

    pub fn error_response(id: Value, code: i64, message: &str, data: Option<Value>) -> Self {
        let mut error = serde_json::json!({ "code": code, "message": message });
        if let Some(data) = data {
            error["data"] = data;
        }
        Self {
            jsonrpc: two(),
            id: Some(id),
            method: None,
            params: None,
            result: None,
            error: Some(to_raw(&error)),
        }
    }

    /// The parsed params, or `Value::Null` when there are none or they do not parse.
    pub fn params_value(&self) -> Value {
        self.params
            .as_deref()
            .and_then(|p| serde_json::from_str(p.get()).ok())
            .unwrap_or(Value::Null)
    }

    pub fn set_params(&mut self, params: &Value) {
        self.params = Some(to_raw(params));
    }

    /// The parsed result, when this is a successful response.
    pub fn result_value(&self) -> Option<Value> {
        self.result
            .as_deref()
            .and_then(|r| serde_json::from_str(r.get()).ok())
    }

    /// The error message of an error response.
    pub fn error_message(&self) -> Option<String> {
        let e: Value = serde_json::from_str(self.error.as_deref()?.get()).ok()?;
        e.get("message").and_then(Value::as_str).map(str::to_owned)
    }

    /// One line of JSON, without the newline.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("invariant: a message serializes")
    }
}

pub fn to_raw(value: &Value) -> Box<RawValue> {
    // Serialized straight into a RawValue: a Value is valid JSON, no second parse.
    serde_json::value::to_raw_value(value).expect("invariant: a Value serializes")
}

fn category(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "wrong shape",
        serde_json::error::Category::Eof => "truncated JSON",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_apart_and_payloads_pass_through_untouched() {
        let req = Message::parse(r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x",  "arguments":{"a":1}}}"#).unwrap();
        assert_eq!(req.kind(), Kind::Request);
        assert_eq!(
            req.params.as_ref().unwrap().get(),
            r#"{"name":"x",  "arguments":{"a":1}}"#
        );
        let note =
            Message::parse(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).unwrap();
        assert_eq!(note.kind(), Kind::Notification);
        let resp = Message::parse(r#"{"jsonrpc":"2.0","id":"a","result":{"ok":true}}"#).unwrap();
        assert_eq!(resp.kind(), Kind::Response);
        assert_eq!(
            resp.to_line(),
            r#"{"jsonrpc":"2.0","id":"a","result":{"ok":true}}"#
        );
    }

    #[test]
    fn a_null_id_is_kept_distinct_from_a_missing_one() {
        let m =
            Message::parse(r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}"#)
                .unwrap();
        assert_eq!(m.id, Some(Value::Null));
        assert!(m.to_line().contains(r#""id":null"#));
        assert_eq!(m.error_message().as_deref(), Some("x"));
    }

    #[test]
    fn parse_errors_never_quote_the_input() {
        let err =
            Message::parse(r#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"secret":"hunter2""#)
                .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(Message::parse(r#"{"jsonrpc":"1.0","id":1,"method":"x"}"#).is_err());
        assert_eq!(
            Message::parse(r#"{"jsonrpc":"2.0","id":1}"#)
                .unwrap()
                .kind(),
            Kind::Invalid
        );
    }
}
