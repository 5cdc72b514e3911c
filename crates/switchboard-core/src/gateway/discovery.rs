//! From the gateway's MCP endpoint to its authorization server, as the MCP
//! authorization spec lays it out.
//!
//! 1. An unauthenticated request gets 401 with `WWW-Authenticate: Bearer …`, whose
//!    `resource_metadata` names the protected-resource metadata (RFC 9728) and whose
//!    `scope` says what to ask for.
//! 2. Without `resource_metadata`: the path-suffixed well-known URL
//!    (`/.well-known/oauth-protected-resource/<path>`), then the root one.
//! 3. The authorization server's metadata (RFC 8414), with the OpenID discovery
//!    fallback: for an issuer with a path, the path-inserted OAuth URL, then the
//!    path-inserted and path-appended OpenID URLs; for one without, the root OAuth
//!    URL, then the root OpenID one.
//! 4. No protected-resource metadata at all (the 2025-03-26 spec): the authorization
//!    server metadata at the endpoint's root, else the default endpoints `/authorize`,
//!    `/token` and `/register` there.
//!
//! Scopes come from the challenge, else the resource's `scopes_supported`, else none.
//! Metadata that does not offer PKCE with S256 is refused.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use url::Url;

use super::endpoint::origin;
use super::{GatewayError, show};

/// What `WWW-Authenticate: Bearer …` says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Challenge {
    pub resource_metadata: Option<String>,
    pub scope: Option<String>,
    pub error: Option<String>,
}

impl Challenge {
    /// The Bearer challenge among `values` (each a `WWW-Authenticate` header value).
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        values.into_iter().find_map(parse_bearer)
    }

    /// The server wants more scope than the token has.
    pub fn insufficient_scope(&self) -> bool {
        self.error.as_deref() == Some("insufficient_scope")
    }
}

fn parse_bearer(value: &str) -> Option<Challenge> {
    let trimmed = value.trim_start();
    let (scheme, rest) = trimmed
        .split_once(char::is_whitespace)
        .unwrap_or((trimmed, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let mut challenge = Challenge::default();
    let mut rest = rest.trim_start();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq]
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        rest = rest[eq + 1..].trim_start();
        let value = if let Some(quoted) = rest.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            out.push(next);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => out.push(c),
                }
            }
            rest = &quoted[end.min(quoted.len())..];
            out
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            let v = rest[..end].trim().to_owned();
            rest = &rest[end..];
            v
        };
        rest = rest.trim_start().trim_start_matches(',').trim_start();
        match key.as_str() {
            "resource_metadata" => challenge.resource_metadata = Some(value),
            "scope" => challenge.scope = Some(value),
            "error" => challenge.error = Some(value),
            _ => {}
        }
    }
    Some(challenge)
}

/// RFC 9728 protected-resource metadata (what Switchboard uses of it).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResourceMetadata {
    #[serde(default)]
    pub resource: Option<String>,
    #[serde(default)]
    pub authorization_servers: Vec<String>,
    #[serde(default)]
    pub scopes_supported: Option<Vec<String>>,
}

/// RFC 8414 authorization-server metadata (what Switchboard uses of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerMetadata {
    #[serde(default)]
    pub issuer: Option<String>,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub registration_endpoint: Option<String>,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub scopes_supported: Option<Vec<String>>,
}

/// How to sign in to a gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// The RFC 8707 resource to ask tokens for.
    pub resource: String,
    pub server: ServerMetadata,
    /// The scope to request (`None`: send none).
    pub scope: Option<String>,
}

/// What the endpoint said to a request without a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// It answered: no sign-in needed.
    Open,
    /// 401 (or 403) with this challenge.
    Protected(Challenge),
}

/// A JSON-RPC request as Switchboard sends it to a gateway.
pub fn rpc(id: u64, method: &str, params: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })
}

/// The `initialize` Switchboard sends.
pub fn initialize_params() -> Value {
    json!({
        "protocolVersion": crate::jsonrpc::UPSTREAM_PROTOCOL,
        "capabilities": {},
        "clientInfo": { "name": "switchboard", "version": env!("CARGO_PKG_VERSION") }
    })
}

/// The challenge of a 401 or 403 response, if it has one.
pub fn challenge_of(resp: &reqwest::Response) -> Option<Challenge> {
    Challenge::parse(
        resp.headers()
            .get_all(reqwest::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
    )
}

fn unreachable(url: &Url, e: &reqwest::Error) -> GatewayError {
    GatewayError::Unreachable {
        url: show(url),
        detail: chain(e),
    }
}

/// The causes of a transport error, joined, for messages.
pub(crate) fn chain(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.dedup();
    parts.join(": ")
}

/// Asks the endpoint without a token: `initialize`, then `tools/list` (a gateway may
/// leave `initialize` open and protect the rest).
pub async fn probe(http: &reqwest::Client, endpoint: &Url) -> Result<Probe, GatewayError> {
    let mut session: Option<String> = None;
    for (id, method, params) in [
        (1, "initialize", initialize_params()),
        (2, "tools/list", json!({})),
    ] {
        let mut req = http
            .post(endpoint.clone())
            .header(
                reqwest::header::ACCEPT,
                "application/json, text/event-stream",
            )
            .json(&rpc(id, method, params));
        if let Some(s) = &session {
            req = req.header("Mcp-Session-Id", s);
        }
        let resp = req.send().await.map_err(|e| unreachable(endpoint, &e))?;
        let status = resp.status().as_u16();
        if matches!(status, 401 | 403) {
            return Ok(Probe::Protected(challenge_of(&resp).unwrap_or_default()));
        }
        if !resp.status().is_success() {
            return Err(GatewayError::Http {
                url: show(endpoint),
                status,
                detail: None,
            });
        }
        session = resp
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // Read the answer whole, so the connection is free for the next request.
        let _ = resp.bytes().await;
        if id == 1 {
            let mut note = http
                .post(endpoint.clone())
                .header(
                    reqwest::header::ACCEPT,
                    "application/json, text/event-stream",
                )
                .json(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
            if let Some(s) = &session {
                note = note.header("Mcp-Session-Id", s);
            }
            let _ = note.send().await;
        }
    }
    Ok(Probe::Open)
}

/// GETs a JSON document; `None` when it is not there (any non-success status, or not
/// the expected JSON).
async fn fetch<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &Url,
) -> Result<Option<T>, GatewayError> {
    let resp = http
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| unreachable(url, &e))?;
    if !resp.status().is_success() {
        tracing::debug!(url = %show(url), status = resp.status().as_u16(), "no metadata here");
        return Ok(None);
    }
    Ok(resp.json::<T>().await.ok())
}

fn join(base: &Url, path: &str) -> Option<Url> {
    base.join(path).ok()
}

/// Where the protected-resource metadata may be, in order.
fn resource_metadata_urls(endpoint: &Url, challenge: &Challenge) -> Vec<Url> {
    let mut urls = Vec::new();
    if let Some(named) = challenge
        .resource_metadata
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
    {
        urls.push(named);
    }
    let root = origin(endpoint);
    let path = endpoint.path().trim_end_matches('/');
    if !path.is_empty() {
        urls.extend(join(
            &root,
            &format!("/.well-known/oauth-protected-resource{path}"),
        ));
    }
    urls.extend(join(&root, "/.well-known/oauth-protected-resource"));
    urls.dedup();
    urls
}

/// Where an authorization server's metadata may be, in order.
pub fn server_metadata_urls(issuer: &Url) -> Vec<Url> {
    let root = origin(issuer);
    let path = issuer.path().trim_end_matches('/');
    let mut urls = Vec::new();
    if path.is_empty() {
        urls.extend(join(&root, "/.well-known/oauth-authorization-server"));
        urls.extend(join(&root, "/.well-known/openid-configuration"));
    } else {
        urls.extend(join(
            &root,
            &format!("/.well-known/oauth-authorization-server{path}"),
        ));
        urls.extend(join(
            &root,
            &format!("/.well-known/openid-configuration{path}"),
        ));
        urls.extend(join(
            &root,
            &format!("{path}/.well-known/openid-configuration"),
        ));
    }
    urls
}

/// The first metadata document found among `urls`.
async fn first<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    urls: &[Url],
) -> Result<Option<T>, GatewayError> {
    for url in urls {
        if let Some(found) = fetch::<T>(http, url).await? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// The metadata names the authorization server it was fetched for (RFC 8414 §3.3):
/// the one the protected-resource metadata named, so a server cannot pass off
/// another's endpoints. A trailing `/` does not count;
/// metadata without an `issuer` (required, but sometimes missing) is taken as is.
fn require_issuer(server: &ServerMetadata, issuer: &Url) -> Result<(), GatewayError> {
    let Some(named) = &server.issuer else {
        return Ok(());
    };
    let trim = |s: &str| s.trim_end_matches('/').to_owned();
    if trim(named) == trim(issuer.as_str()) {
        Ok(())
    } else {
        Err(GatewayError::Discovery(format!(
            "the authorization-server metadata for `{}` names another issuer (`{named}`)",
            show(issuer)
        )))
    }
}

/// Every endpoint the sign-in will send a code, a token or a secret to is HTTPS (or
/// on this computer).
fn require_secure(server: &ServerMetadata) -> Result<(), GatewayError> {
    let endpoints = [
        (
            "authorization endpoint",
            Some(&server.authorization_endpoint),
        ),
        ("token endpoint", Some(&server.token_endpoint)),
        (
            "registration endpoint",
            server.registration_endpoint.as_ref(),
        ),
        ("revocation endpoint", server.revocation_endpoint.as_ref()),
    ];
    for (what, url) in endpoints {
        let Some(url) = url else { continue };
        let parsed = Url::parse(url).map_err(|_| {
            GatewayError::Discovery(format!("its {what} `{url}` is not a valid URL"))
        })?;
        super::endpoint::require_https(what, &parsed)?;
    }
    Ok(())
}

fn require_pkce(server: &ServerMetadata) -> Result<(), GatewayError> {
    let offered = server
        .code_challenge_methods_supported
        .as_ref()
        .is_some_and(|m| m.iter().any(|m| m == "S256"));
    if offered {
        Ok(())
    } else {
        Err(GatewayError::NoPkce)
    }
}

/// Whether protected-resource metadata naming `resource` may speak for `endpoint`
/// (RFC 9728 §3.3, MCP's resource indicators): the same origin, and the endpoint's
/// path at or under the resource's. Anything else could hand our token to another
/// server, so the sign-in stops before it starts.
pub fn resource_covers(resource: &str, endpoint: &Url) -> bool {
    let Ok(resource) = Url::parse(resource) else {
        return false;
    };
    if resource.scheme() != endpoint.scheme()
        || resource.host_str() != endpoint.host_str()
        || resource.port_or_known_default() != endpoint.port_or_known_default()
    {
        return false;
    }
    let base = resource.path().trim_end_matches('/');
    let path = endpoint.path();
    base.is_empty() || path == base || path.starts_with(&format!("{base}/"))
}

/// How to sign in to the gateway at `endpoint`, which answered with `challenge`.
pub async fn discover(
    http: &reqwest::Client,
    endpoint: &Url,
    challenge: &Challenge,
) -> Result<Discovered, GatewayError> {
    let resource_urls = resource_metadata_urls(endpoint, challenge);
    if let Some(prm) = first::<ResourceMetadata>(http, &resource_urls).await? {
        let issuer = prm
            .authorization_servers
            .first()
            .and_then(|s| Url::parse(s).ok())
            .ok_or_else(|| {
                GatewayError::Discovery(
                    "the protected-resource metadata names no authorization server".into(),
                )
            })?;
        let server: ServerMetadata = first(http, &server_metadata_urls(&issuer))
            .await?
            .ok_or_else(|| {
                GatewayError::Discovery(format!(
                    "no authorization-server metadata for `{}`",
                    show(&issuer)
                ))
            })?;
        require_issuer(&server, &issuer)?;
        require_pkce(&server)?;
        require_secure(&server)?;
        let scope = challenge.scope.clone().or_else(|| {
            prm.scopes_supported
                .as_ref()
                .filter(|s| !s.is_empty())
                .map(|s| s.join(" "))
        });
        let resource = prm.resource.unwrap_or_else(|| endpoint.to_string());
        if !resource_covers(&resource, endpoint) {
            return Err(GatewayError::ResourceMismatch {
                resource,
                endpoint: show(endpoint),
            });
        }
        return Ok(Discovered {
            resource,
            server,
            scope,
        });
    }
    // The 2025-03-26 spec: the server is its own authorization server.
    let root = origin(endpoint);
    let legacy: Option<ServerMetadata> = first(http, &server_metadata_urls(&root)).await?;
    let server = match legacy {
        // No issuer check here: in 2025-03-26 the MCP server's root is where the
        // metadata lives, not an issuer anyone named (servers put theirs under a path).
        Some(server) => {
            require_pkce(&server)?;
            require_secure(&server)?;
            server
        }
        None => ServerMetadata {
            issuer: Some(root.to_string()),
            authorization_endpoint: root.join("/authorize").expect("a path").to_string(),
            token_endpoint: root.join("/token").expect("a path").to_string(),
            registration_endpoint: Some(root.join("/register").expect("a path").to_string()),
            revocation_endpoint: None,
            code_challenge_methods_supported: Some(vec!["S256".into()]),
            token_endpoint_auth_methods_supported: None,
            scopes_supported: None,
        },
    };
    Ok(Discovered {
        resource: endpoint.to_string(),
        scope: challenge.scope.clone(),
        server,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_speaks_only_for_its_own_resource() {
        let endpoint = Url::parse("https://gw.example/v1/mcp").unwrap();
        for ok in [
            "https://gw.example/v1/mcp",
            "https://gw.example/v1/mcp/",
            "https://gw.example/v1",
            "https://gw.example",
            "https://gw.example:443/",
        ] {
            assert!(resource_covers(ok, &endpoint), "{ok}");
        }
        for bad in [
            "https://evil.example.com/mcp",
            "http://gw.example/v1/mcp",
            "https://gw.example:8443/v1/mcp",
            "https://gw.example/v1/mc",
            "https://gw.example/other",
            "not a url",
        ] {
            assert!(!resource_covers(bad, &endpoint), "{bad}");
        }
    }

    #[test]
    fn bearer_challenges_are_read_with_quotes_escapes_and_other_schemes() {
        let c = Challenge::parse([
            r#"Basic realm="x""#,
            r#"Bearer error="invalid_token", error_description="Missing \"Authorization\", header", scope="mcp:basic mcp:write", resource_metadata="http://localhost:3/.well-known/oauth-protected-resource/mcp""#,
        ])
        .unwrap();
        assert_eq!(c.scope.as_deref(), Some("mcp:basic mcp:write"));
        assert_eq!(c.error.as_deref(), Some("invalid_token"));
        assert_eq!(
            c.resource_metadata.as_deref(),
            Some("http://localhost:3/.well-known/oauth-protected-resource/mcp")
        );
        let bare = Challenge::parse(["Bearer"]).unwrap();
        assert_eq!(bare, Challenge::default());
        let unquoted =
            Challenge::parse(["bearer error=insufficient_scope,scope=mcp:admin"]).unwrap();
        assert!(unquoted.insufficient_scope());
        assert_eq!(unquoted.scope.as_deref(), Some("mcp:admin"));
        assert!(Challenge::parse(["Basic realm=\"x\""]).is_none());
    }

    #[test]
    fn resource_metadata_is_looked_for_where_named_then_path_suffixed_then_at_the_root() {
        let endpoint = Url::parse("http://gw.example:8080/v1/mcp").unwrap();
        let urls = |c: &Challenge| -> Vec<String> {
            resource_metadata_urls(&endpoint, c)
                .iter()
                .map(|u| u.to_string())
                .collect()
        };
        assert_eq!(
            urls(&Challenge::default()),
            [
                "http://gw.example:8080/.well-known/oauth-protected-resource/v1/mcp",
                "http://gw.example:8080/.well-known/oauth-protected-resource"
            ]
        );
        let named = Challenge {
            resource_metadata: Some("http://gw.example:8080/custom/meta.json".into()),
            ..Challenge::default()
        };
        assert_eq!(urls(&named)[0], "http://gw.example:8080/custom/meta.json");
    }

    #[test]
    fn server_metadata_urls_insert_the_issuers_path_and_fall_back_to_openid() {
        let s = |issuer: &str| -> Vec<String> {
            server_metadata_urls(&Url::parse(issuer).unwrap())
                .iter()
                .map(|u| u.to_string())
                .collect()
        };
        assert_eq!(
            s("http://as.example"),
            [
                "http://as.example/.well-known/oauth-authorization-server",
                "http://as.example/.well-known/openid-configuration"
            ]
        );
        assert_eq!(
            s("http://as.example/tenant1/"),
            [
                "http://as.example/.well-known/oauth-authorization-server/tenant1",
                "http://as.example/.well-known/openid-configuration/tenant1",
                "http://as.example/tenant1/.well-known/openid-configuration"
            ]
        );
    }

    #[test]
    fn metadata_without_s256_is_refused() {
        let mut server = ServerMetadata {
            issuer: None,
            authorization_endpoint: "http://a/authorize".into(),
            token_endpoint: "http://a/token".into(),
            registration_endpoint: None,
            revocation_endpoint: None,
            code_challenge_methods_supported: None,
            token_endpoint_auth_methods_supported: None,
            scopes_supported: None,
        };
        assert!(matches!(require_pkce(&server), Err(GatewayError::NoPkce)));
        server.code_challenge_methods_supported = Some(vec!["plain".into()]);
        assert!(matches!(require_pkce(&server), Err(GatewayError::NoPkce)));
        server.code_challenge_methods_supported = Some(vec!["plain".into(), "S256".into()]);
        assert!(require_pkce(&server).is_ok());
    }

    #[test]
    fn metadata_must_name_the_issuer_it_was_fetched_for() {
        let mut server = ServerMetadata {
            issuer: Some("https://as.example/tenant1".into()),
            authorization_endpoint: "https://as.example/authorize".into(),
            token_endpoint: "https://as.example/token".into(),
            registration_endpoint: None,
            revocation_endpoint: None,
            code_challenge_methods_supported: Some(vec!["S256".into()]),
            token_endpoint_auth_methods_supported: None,
            scopes_supported: None,
        };
        let tenant = Url::parse("https://as.example/tenant1/").unwrap();
        assert!(require_issuer(&server, &tenant).is_ok());
        let other = Url::parse("https://as.example/tenant2").unwrap();
        let err = require_issuer(&server, &other).unwrap_err();
        assert!(err.to_string().contains("names another issuer"), "{err}");
        server.issuer = None;
        assert!(require_issuer(&server, &other).is_ok());
    }

    #[test]
    fn metadata_that_would_send_a_secret_in_clear_text_is_refused() {
        let mut server = ServerMetadata {
            issuer: None,
            authorization_endpoint: "https://as.example/authorize".into(),
            token_endpoint: "https://as.example/token".into(),
            registration_endpoint: Some("http://127.0.0.1:9/register".into()),
            revocation_endpoint: None,
            code_challenge_methods_supported: Some(vec!["S256".into()]),
            token_endpoint_auth_methods_supported: None,
            scopes_supported: None,
        };
        assert!(require_secure(&server).is_ok());
        server.revocation_endpoint = Some("http://as.example/revoke".into());
        let err = require_secure(&server).unwrap_err();
        assert!(
            matches!(&err, GatewayError::NotHttps { what, .. } if what == "revocation endpoint"),
            "{err}"
        );
        server.revocation_endpoint = None;
        server.token_endpoint = "http://as.example/token".into();
        assert!(matches!(
            require_secure(&server),
            Err(GatewayError::NotHttps { .. })
        ));
    }
}
