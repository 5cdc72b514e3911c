//! The OAuth 2.1 client side: registering (RFC 7591), the PKCE authorization request,
//! the token endpoint (code exchange and refresh) and revocation (RFC 7009).
//!
//! The authorization request and the token endpoint use the `oauth2` crate (PKCE S256,
//! `state`, client authentication), over Switchboard's own reqwest client (no
//! redirects followed). Registration and revocation are plain requests: the crate has
//! no registration, and its revocation refuses `http://` endpoints, which loopback
//! gateways and tests use.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use url::Url;

use super::discovery::{ServerMetadata, chain};
use super::{GatewayError, show};
use crate::code::{Coded, ErrorCode};
use crate::secret::Secret;

/// How Switchboard authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// `client_secret_basic`: id and secret in a Basic `Authorization` header.
    #[serde(rename = "client_secret_basic")]
    Basic,
    /// `client_secret_post`: id and secret in the form body.
    #[serde(rename = "client_secret_post")]
    Post,
    /// `none`: a public client; the id in the body, no secret.
    None,
}

impl AuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Basic => "client_secret_basic",
            Self::Post => "client_secret_post",
            Self::None => "none",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "client_secret_basic" => Some(Self::Basic),
            "client_secret_post" => Some(Self::Post),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    /// What to use with the server's `token_endpoint_auth_methods_supported`: with a
    /// secret, Basic then post; without, none. A server that says nothing gets the
    /// RFC 8414 default (Basic) when there is a secret.
    pub fn choose(server: &ServerMetadata, has_secret: bool) -> Self {
        let supported = server.token_endpoint_auth_methods_supported.as_deref();
        let offers = |m: Self| supported.is_none_or(|s| s.iter().any(|x| x == m.as_str()));
        match (has_secret, supported) {
            (true, _) if offers(Self::Basic) => Self::Basic,
            (true, _) if offers(Self::Post) => Self::Post,
            (true, None) => Self::Basic,
            _ => Self::None,
        }
    }
}

/// Who Switchboard is at the gateway's authorization server.
#[derive(Debug, Clone)]
pub struct ClientAuth {
    pub client_id: String,
    pub secret: Option<Secret<String>>,
    pub method: AuthMethod,
}

/// Tokens as the token endpoint issued them.
pub struct Tokens {
    pub access: Secret<String>,
    pub refresh: Option<Secret<String>>,
    /// Unix seconds.
    pub expires_at: Option<u64>,
    pub scope: Option<String>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("refresh", &self.refresh.is_some())
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// Now, in Unix seconds.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The HTTP client every gateway request goes through: no redirects followed (a token
/// or code must not travel to another host), bounded in time.
pub fn http_client() -> Result<reqwest::Client, GatewayError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| GatewayError::Token(format!("cannot set up the HTTP client: {e}")))
}

/// `oauth2`'s HTTP seam over Switchboard's reqwest client.
struct OAuthHttp<'a>(&'a reqwest::Client);

#[derive(Debug, thiserror::Error)]
enum OAuthHttpError {
    #[error("{}", chain(.0))]
    Reqwest(reqwest::Error),
    #[error("{0}")]
    Http(oauth2::http::Error),
}

/// Only ever seen inside this module, turned into a [`GatewayError`]; coded anyway, as
/// every core error is.
impl Coded for OAuthHttpError {
    fn code(&self) -> ErrorCode {
        ErrorCode::GatewayUnreachable
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for OAuthHttp<'_> {
    type Error = OAuthHttpError;
    type Future =
        Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(OAuthHttpError::Reqwest)?;
            let response = self
                .0
                .execute(request)
                .await
                .map_err(OAuthHttpError::Reqwest)?;
            let mut builder = oauth2::http::Response::builder()
                .status(response.status())
                .version(response.version());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await.map_err(OAuthHttpError::Reqwest)?;
            builder.body(body.to_vec()).map_err(OAuthHttpError::Http)
        })
    }
}

fn url_or(what: &str, s: &str) -> Result<Url, GatewayError> {
    Url::parse(s).map_err(|_| GatewayError::Discovery(format!("the {what} `{s}` is not a URL")))
}

/// A registered client, as RFC 7591 answered.
#[derive(Debug)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: Option<Secret<String>>,
    pub method: AuthMethod,
}

/// Registers Switchboard with the server for `redirect_uri` (RFC 7591). The request
/// asks for the method the metadata suggests for a public client; the answer decides.
pub async fn register(
    http: &reqwest::Client,
    server: &ServerMetadata,
    redirect_uri: &Url,
    scope: Option<&str>,
) -> Result<Registration, GatewayError> {
    let endpoint = server.registration_endpoint.as_deref().ok_or_else(|| {
        GatewayError::Registration(
            "the gateway offers no registration; ask its administrator for a client id (`switchboard login --client-id …`)"
                .into(),
        )
    })?;
    let endpoint = url_or("registration endpoint", endpoint)?;
    let wanted = match server.token_endpoint_auth_methods_supported.as_deref() {
        Some(methods) if !methods.iter().any(|m| m == "none") => methods
            .iter()
            .find_map(|m| AuthMethod::from_name(m))
            .unwrap_or(AuthMethod::Basic),
        _ => AuthMethod::None,
    };
    let mut body = json!({
        "client_name": "Switchboard",
        "redirect_uris": [redirect_uri.as_str()],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": wanted.as_str(),
    });
    if let Some(scope) = scope {
        body["scope"] = json!(scope);
    }
    let resp = http
        .post(endpoint.clone())
        .json(&body)
        .send()
        .await
        .map_err(|e| GatewayError::Unreachable {
            url: show(&endpoint),
            detail: chain(&e),
        })?;
    let status = resp.status();
    let answer: serde_json::Value = resp.json().await.unwrap_or_default();
    if !status.is_success() {
        let why = answer
            .get("error_description")
            .or_else(|| answer.get("error"))
            .and_then(|v| v.as_str())
            .map_or_else(|| format!("HTTP {}", status.as_u16()), str::to_owned);
        return Err(GatewayError::Registration(why));
    }
    let client_id = answer
        .get("client_id")
        .and_then(|v| v.as_str())
        .ok_or_else(|| GatewayError::Registration("the answer has no client_id".into()))?
        .to_owned();
    let client_secret = answer
        .get("client_secret")
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .map(|s| Secret::new(s.to_owned()));
    let method = answer
        .get("token_endpoint_auth_method")
        .and_then(|v| v.as_str())
        .and_then(AuthMethod::from_name)
        .unwrap_or(if client_secret.is_some() {
            AuthMethod::Basic
        } else {
            AuthMethod::None
        });
    Ok(Registration {
        client_id,
        client_secret,
        method,
    })
}

type Configured = BasicClient<
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn oauth_client(
    server: &ServerMetadata,
    client: &ClientAuth,
    redirect_uri: Option<&Url>,
) -> Result<Configured, GatewayError> {
    let auth = AuthUrl::new(server.authorization_endpoint.clone()).map_err(|_| {
        GatewayError::Discovery(format!(
            "the authorization endpoint `{}` is not a URL",
            server.authorization_endpoint
        ))
    })?;
    let token = TokenUrl::new(server.token_endpoint.clone()).map_err(|_| {
        GatewayError::Discovery(format!(
            "the token endpoint `{}` is not a URL",
            server.token_endpoint
        ))
    })?;
    let mut oauth = BasicClient::new(ClientId::new(client.client_id.clone()))
        .set_auth_uri(auth)
        .set_token_uri(token)
        .set_auth_type(match client.method {
            AuthMethod::Basic => AuthType::BasicAuth,
            _ => AuthType::RequestBody,
        });
    if client.method != AuthMethod::None
        && let Some(secret) = &client.secret
    {
        oauth = oauth.set_client_secret(ClientSecret::new(secret.expose().clone()));
    }
    if let Some(redirect) = redirect_uri {
        oauth = oauth.set_redirect_uri(
            RedirectUrl::new(redirect.to_string()).expect("invariant: a loopback URL parses"),
        );
    }
    Ok(oauth)
}

/// An authorization request to send the browser to, and what checks its answer.
pub struct Authorization {
    pub url: Url,
    pub verifier: PkceCodeVerifier,
    pub state: CsrfToken,
}

/// The authorization URL: PKCE S256, a fresh `state`, the RFC 8707 `resource`, and
/// `scope` when there is one.
pub fn authorize(
    server: &ServerMetadata,
    client: &ClientAuth,
    redirect_uri: &Url,
    scope: Option<&str>,
    resource: &str,
) -> Result<Authorization, GatewayError> {
    let oauth = oauth_client(server, client, Some(redirect_uri))?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = oauth
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(challenge)
        .add_extra_param("resource", resource);
    for s in scope.into_iter().flat_map(str::split_whitespace) {
        request = request.add_scope(Scope::new(s.to_owned()));
    }
    let (url, state) = request.url();
    Ok(Authorization {
        url,
        verifier,
        state,
    })
}

fn tokens_from(response: &oauth2::basic::BasicTokenResponse) -> Tokens {
    Tokens {
        access: Secret::new(response.access_token().secret().clone()),
        refresh: response
            .refresh_token()
            .map(|r| Secret::new(r.secret().clone())),
        expires_at: response.expires_in().map(|d| unix_now() + d.as_secs()),
        scope: response.scopes().map(|s| {
            s.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        }),
    }
}

fn token_error<RE: std::error::Error + 'static>(
    e: RequestTokenError<RE, oauth2::basic::BasicErrorResponse>,
) -> (bool, String) {
    match e {
        RequestTokenError::ServerResponse(r) => {
            let rejected = matches!(
                r.error(),
                oauth2::basic::BasicErrorResponseType::InvalidGrant
                    | oauth2::basic::BasicErrorResponseType::InvalidClient
                    | oauth2::basic::BasicErrorResponseType::UnauthorizedClient
            );
            let mut text = r.error().to_string();
            if let Some(d) = r.error_description() {
                text.push_str(&format!(" ({d})"));
            }
            (rejected, text)
        }
        RequestTokenError::Request(e) => (false, e.to_string()),
        RequestTokenError::Parse(e, _) => (false, format!("an answer that is not a token: {e}")),
        RequestTokenError::Other(e) => (false, e),
    }
}

/// Exchanges the code from the browser for tokens.
pub async fn exchange(
    http: &reqwest::Client,
    server: &ServerMetadata,
    client: &ClientAuth,
    redirect_uri: &Url,
    code: Secret<String>,
    verifier: PkceCodeVerifier,
    resource: &str,
) -> Result<Tokens, GatewayError> {
    let oauth = oauth_client(server, client, Some(redirect_uri))?;
    let response = oauth
        .exchange_code(AuthorizationCode::new(code.expose().clone()))
        .set_pkce_verifier(verifier)
        .add_extra_param("resource", resource)
        .request_async(&OAuthHttp(http))
        .await
        .map_err(|e| GatewayError::Token(token_error(e).1))?;
    Ok(tokens_from(&response))
}

/// Why a refresh did not work.
#[derive(Debug)]
pub enum RefreshFailure {
    /// The server refused the refresh token: only a new sign-in helps.
    Rejected(String),
    /// It could not be asked (network, server error): try again later.
    Failed(String),
}

/// Trades the refresh token for new tokens (the server may rotate it).
pub async fn refresh(
    http: &reqwest::Client,
    server: &ServerMetadata,
    client: &ClientAuth,
    refresh_token: &Secret<String>,
    resource: &str,
) -> Result<Tokens, RefreshFailure> {
    let oauth =
        oauth_client(server, client, None).map_err(|e| RefreshFailure::Failed(e.to_string()))?;
    let token = RefreshToken::new(refresh_token.expose().clone());
    let response = oauth
        .exchange_refresh_token(&token)
        .add_extra_param("resource", resource)
        .request_async(&OAuthHttp(http))
        .await
        .map_err(|e| match token_error(e) {
            (true, text) => RefreshFailure::Rejected(text),
            (false, text) => RefreshFailure::Failed(text),
        })?;
    Ok(tokens_from(&response))
}

/// Revokes a token (RFC 7009). Best effort: the answer is not needed.
pub async fn revoke(
    http: &reqwest::Client,
    endpoint: &str,
    client: &ClientAuth,
    token: &Secret<String>,
    hint: &str,
) -> Result<(), GatewayError> {
    let url = url_or("revocation endpoint", endpoint)?;
    let mut form = vec![
        ("token", token.expose().clone()),
        ("token_type_hint", hint.to_owned()),
    ];
    let mut req = http.post(url.clone());
    match (client.method, &client.secret) {
        (AuthMethod::Basic, Some(secret)) => {
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let pair = format!("{}:{}", enc(&client.client_id), enc(secret.expose()));
            let value = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            );
            let mut header = reqwest::header::HeaderValue::from_str(&value)
                .map_err(|_| GatewayError::Token("the client id cannot be sent".into()))?;
            header.set_sensitive(true);
            req = req.header(reqwest::header::AUTHORIZATION, header);
        }
        (AuthMethod::Post, Some(secret)) => {
            form.push(("client_id", client.client_id.clone()));
            form.push(("client_secret", secret.expose().clone()));
        }
        _ => form.push(("client_id", client.client_id.clone())),
    }
    let resp = req
        .form(&form)
        .send()
        .await
        .map_err(|e| GatewayError::Unreachable {
            url: show(&url),
            detail: chain(&e),
        })?;
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(GatewayError::Http {
            url: show(&url),
            status: resp.status().as_u16(),
            detail: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(methods: Option<&[&str]>) -> ServerMetadata {
        ServerMetadata {
            issuer: None,
            authorization_endpoint: "http://as.example/authorize".into(),
            token_endpoint: "http://as.example/token".into(),
            registration_endpoint: None,
            revocation_endpoint: None,
            code_challenge_methods_supported: Some(vec!["S256".into()]),
            token_endpoint_auth_methods_supported: methods
                .map(|m| m.iter().map(|s| (*s).to_owned()).collect()),
            scopes_supported: None,
        }
    }

    #[test]
    fn the_token_endpoint_method_follows_the_metadata() {
        let choose = |m: Option<&[&str]>, secret| AuthMethod::choose(&server(m), secret);
        assert_eq!(choose(None, true), AuthMethod::Basic);
        assert_eq!(choose(None, false), AuthMethod::None);
        assert_eq!(
            choose(Some(&["client_secret_post"]), true),
            AuthMethod::Post
        );
        assert_eq!(
            choose(Some(&["client_secret_post", "client_secret_basic"]), true),
            AuthMethod::Basic
        );
        assert_eq!(choose(Some(&["none"]), false), AuthMethod::None);
    }

    #[test]
    fn the_authorization_url_carries_pkce_s256_state_resource_and_scope() {
        let client = ClientAuth {
            client_id: "sb-1".into(),
            secret: None,
            method: AuthMethod::None,
        };
        let redirect = Url::parse("http://127.0.0.1:5555/callback").unwrap();
        let a = authorize(
            &server(None),
            &client,
            &redirect,
            Some("mcp:basic mcp:write"),
            "http://gw.example/v1/mcp",
        )
        .unwrap();
        let q: std::collections::BTreeMap<String, String> =
            a.url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "sb-1");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:5555/callback");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["resource"], "http://gw.example/v1/mcp");
        assert_eq!(q["scope"], "mcp:basic mcp:write");
        assert_eq!(&q["state"], a.state.secret());
        let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            <sha2::Sha256 as sha2::Digest>::digest(a.verifier.secret().as_bytes()),
        );
        assert_eq!(q["code_challenge"], expected);
        let none = authorize(&server(None), &client, &redirect, None, "r").unwrap();
        assert!(!none.url.query_pairs().any(|(k, _)| k == "scope"));
    }
}
