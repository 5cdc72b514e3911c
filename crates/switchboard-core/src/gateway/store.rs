//! The sign-in, kept: `<config>/gateway.json` holds what is not secret (the endpoint,
//! the authorization server's endpoints, the client id, when the token expires, who is
//! signed in); the keychain holds the access token, the refresh token and a client
//! secret, under the service `<namespace>:gateway`. Nothing secret is ever in the file.

use std::path::PathBuf;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::GatewayError;
use super::discovery::ServerMetadata;
use super::oauth::AuthMethod;
use crate::paths::Paths;

pub const FILE: &str = "gateway.json";
pub const VERSION: u32 = 1;

/// The keychain service owner (`<namespace>:gateway`) and its items.
pub const KEYCHAIN_OWNER: &str = "gateway";
pub const ACCESS_TOKEN: &str = "access_token";
pub const REFRESH_TOKEN: &str = "refresh_token";
pub const CLIENT_SECRET: &str = "client_secret";
pub const ALL_ITEMS: [&str; 3] = [ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET];

/// The sign-in as `gateway.json` records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    pub version: u32,
    /// The MCP endpoint.
    pub endpoint: String,
    /// `None`: the gateway needs no sign-in (no tokens are kept).
    pub oauth: Option<OAuthState>,
    /// From the token's claims, when it carries them.
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub team: Option<String>,
    /// RFC 3339.
    pub signed_in_at: String,
    /// Set when a refresh was refused: every process then asks for a new sign-in.
    #[serde(default)]
    pub signed_out: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthState {
    pub server: ServerMetadata,
    /// The RFC 8707 resource tokens are asked for.
    pub resource: String,
    pub client_id: String,
    pub auth_method: AuthMethod,
    /// Registered by Switchboard (RFC 7591), so forgotten on sign-out; else set by an
    /// administrator.
    pub registered: bool,
    /// What was asked for.
    #[serde(default)]
    pub scope: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    pub expires_at: Option<u64>,
}

pub fn path(paths: &Paths) -> PathBuf {
    paths.config.join(FILE)
}

/// The sign-in, if there is one. A file that does not parse is an error and is left
/// as it is.
pub fn read(paths: &Paths) -> Result<Option<SignIn>, GatewayError> {
    let path = path(paths);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(GatewayError::Io { path, source }),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| GatewayError::Corrupt {
            path,
            detail: e.to_string(),
        })
}

pub fn write(paths: &Paths, signin: &SignIn) -> Result<(), GatewayError> {
    let path = path(paths);
    let mut text = serde_json::to_string_pretty(signin).expect("invariant: a sign-in serializes");
    text.push('\n');
    crate::atomic::write_atomic(&path, text.as_bytes())
        .map_err(|source| GatewayError::Io { path, source })
}

/// Removes the file; `false` if there was none.
pub fn remove(paths: &Paths) -> Result<bool, GatewayError> {
    let path = path(paths);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(GatewayError::Io { path, source }),
    }
}

/// Who a token says it belongs to: (account, team), from a JWT's payload when the
/// token is one. Read only for display: the gateway checks the token, not us.
pub fn claims(token: &str) -> (Option<String>, Option<String>) {
    let Some(payload) = token.split('.').nth(1) else {
        return (None, None);
    };
    let Ok(bytes) =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('='))
    else {
        return (None, None);
    };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return (None, None);
    };
    let first = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| v.get(*k).and_then(|x| x.as_str()))
            .map(str::to_owned)
    };
    (
        first(&["email", "preferred_username", "name", "sub"]),
        first(&["org_name", "team", "organization", "org"]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_and_team_come_from_a_jwt_payload_and_anything_else_gives_none() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"sub":"auth0|1","email":"a@b.example","org_name":"Acme"}"#);
        let token = format!("h.{payload}.s");
        assert_eq!(
            claims(&token),
            (Some("a@b.example".into()), Some("Acme".into()))
        );
        assert_eq!(claims("test-token-123"), (None, None));
        assert_eq!(claims("a.!!!.c"), (None, None));
    }

    #[test]
    fn a_corrupt_file_is_an_error_and_stays() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        assert_eq!(read(&paths).unwrap(), None);
        std::fs::create_dir_all(&paths.config).unwrap();
        std::fs::write(path(&paths), "{not json").unwrap();
        assert!(matches!(read(&paths), Err(GatewayError::Corrupt { .. })));
        assert_eq!(std::fs::read_to_string(path(&paths)).unwrap(), "{not json");
    }
}
