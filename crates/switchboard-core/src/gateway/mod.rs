//! Signing in to a hosted gateway team account, and keeping that sign-in alive.
//!
//! - `endpoint`: which URL is the gateway's MCP endpoint.
//! - `discovery`: from the endpoint's 401 to the authorization server's endpoints
//!   (RFC 9728 protected-resource metadata, RFC 8414 / OpenID metadata, and the
//!   2025-03-26 fallbacks).
//! - `oauth`: registration (RFC 7591), PKCE authorization, the token endpoint (on the
//!   `oauth2` crate) and revocation (RFC 7009).
//! - `loopback` and `browser`: the browser step, answered on `127.0.0.1`.
//! - `store`: the sign-in on disk (`gateway.json`, nothing secret) and in the keychain
//!   (tokens, a client secret).
//! - `tokens`: the access token to send, refreshed before it expires and after a 401,
//!   one refresh at a time across every Switchboard process.
//! - `login`: the whole sign-in, with step-up when the gateway asks for more scope.
//!
//! Nothing here prints or opens a window by itself: the browser is a seam, and the
//! caller hears about each stage.

pub mod browser;
pub mod discovery;
pub mod endpoint;
pub mod login;
pub mod loopback;
pub mod oauth;
pub mod store;
pub mod tokens;

use std::path::PathBuf;

use crate::code::{Coded, ErrorCode, Surface};
use crate::vault::VaultError;

/// The gateway's documented public URL, used when neither `--gateway` nor the settings
/// name one.
pub const DEFAULT_GATEWAY: &str = "https://conduit.wyre.ai";

/// The slug the daemon supervises the gateway under. It is not a vendor: the tools it
/// serves carry their own vendors' names.
pub const SLUG: &str = "gateway";

/// How many times a sign-in may ask for more scope before giving up.
pub const MAX_SCOPE_STEPS: usize = 3;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayError {
    #[error("`{0}` is not an http(s) URL")]
    BadUrl(String),
    #[error("cannot reach the gateway at `{url}`: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("the gateway at `{url}` answered HTTP {status}{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Http {
        url: String,
        status: u16,
        detail: Option<String>,
    },
    /// A request to the gateway failed (it is down, or answered with an error); the
    /// words name the gateway.
    #[error("{0}")]
    Failed(String),
    #[error(
        "the gateway's metadata speaks for another server (`{resource}`) than `{endpoint}`; nothing was sent to it"
    )]
    ResourceMismatch { resource: String, endpoint: String },
    #[error(
        "the gateway's {what} (`{url}`) is not HTTPS; Switchboard sends tokens, codes and secrets only over HTTPS (plain http only to this computer)"
    )]
    NotHttps { what: String, url: String },
    #[error("cannot find how to sign in to the gateway: {0}")]
    Discovery(String),
    #[error(
        "the gateway's sign-in does not offer PKCE with S256, which Switchboard requires; nothing was sent"
    )]
    NoPkce,
    #[error("the gateway did not register Switchboard as a client: {0}")]
    Registration(String),
    #[error("the sign-in was refused: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        error: String,
        description: Option<String>,
    },
    #[error(
        "the only answers from the browser belonged to another sign-in (their state differed); nothing was stored"
    )]
    StateMismatch,
    #[error("no answer from the browser within {0} s")]
    BrowserTimeout(u64),
    #[error("cannot open the browser: {0}")]
    Browser(String),
    #[error("the gateway did not issue a token: {0}")]
    Token(String),
    #[error("the gateway kept asking for more access (`{scope}`); gave up after {tries} sign-ins")]
    ScopeSteps { scope: String, tries: usize },
    #[error("not signed in to a team gateway")]
    NotSignedIn,
    #[error("the team sign-in has expired and could not be renewed ({0})")]
    SignInAgain(String),
    #[error("`{}` is not a valid sign-in file: {detail}", path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error("cannot read or write `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl Coded for GatewayError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::BadUrl(_) => ErrorCode::InvalidField,
            Self::Unreachable { .. } | Self::Http { .. } | Self::Failed(_) => {
                ErrorCode::GatewayUnreachable
            }
            Self::NotSignedIn | Self::SignInAgain(_) => ErrorCode::NotSignedIn,
            Self::Corrupt { .. } => ErrorCode::ConfigCorrupt,
            Self::Io { .. } => ErrorCode::Io,
            Self::Vault(e) => e.code(),
            _ => ErrorCode::SignInFailed,
        }
    }

    fn hint_for(&self, surface: Surface) -> Option<String> {
        let how = |what: &str| match surface {
            Surface::Cli => format!("{what} with `switchboard login`"),
            Surface::Window => format!("{what} on the Team page or from the tray menu"),
        };
        match self {
            Self::BadUrl(_) => Some(
                "give the gateway's address (https://conduit.wyre.ai) or its MCP endpoint (…/v1/mcp)"
                    .into(),
            ),
            Self::Unreachable { .. } => {
                Some("check the address and your connection or proxy, then try again".into())
            }
            Self::NotSignedIn => Some(how("sign in")),
            Self::SignInAgain(_) => Some(how("sign in again")),
            Self::StateMismatch | Self::BrowserTimeout(_) | Self::Refused { .. } => {
                Some(how("start the sign-in again"))
            }
            Self::ResourceMismatch { .. } => Some(
                "check the gateway's address; if it is right, tell the gateway's administrator that its protected-resource metadata names another server"
                    .into(),
            ),
            Self::NotHttps { .. } => Some(
                "use the gateway's https:// address; if it is right, tell the gateway's administrator that its sign-in must use HTTPS"
                    .into(),
            ),
            Self::NoPkce => Some(
                "ask the gateway's administrator to enable PKCE (S256); it protects the sign-in code"
                    .into(),
            ),
            Self::Corrupt { path, .. } => Some(crate::code::left_untouched_hint(path)),
            Self::Vault(e) => e.hint_for(surface),
            _ => None,
        }
    }
}

/// The entry the daemon supervises the gateway as. It is not a catalog vendor: no
/// fields, and its launch is the sign-in's endpoint.
pub fn vendor() -> crate::catalog::Vendor {
    use crate::catalog::{Launch, LocalLaunch, Vendor};
    Vendor {
        slug: SLUG.to_owned(),
        name: "Team gateway".to_owned(),
        category: "gateway".to_owned(),
        description: "The vendors your team shares through the hosted gateway".to_owned(),
        docs_url: String::new(),
        companion_plugin: String::new(),
        fields: Vec::new(),
        launch: Launch {
            runtime: None,
            local: LocalLaunch::Bundle,
            env: Default::default(),
            docker_image: String::new(),
            note: None,
        },
        probe: None,
        policy: Default::default(),
    }
}

/// `http://host:port/path` of a URL, for messages: never a query (it may hold a code).
pub(crate) fn show(url: &url::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_vendor_can_take_the_gateways_slug() {
        assert!(crate::catalog::validate::is_reserved(super::SLUG));
    }
}
