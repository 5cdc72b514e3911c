//! The whole sign-in: find how (discovery), who Switchboard is (a pre-registered client
//! or RFC 7591 registration, kept per gateway), the browser step with PKCE, the token
//! exchange, a check that the gateway takes the token (stepping up the scope when it
//! asks for more, a bounded number of times), and storing the result: tokens in the
//! keychain, the rest in `gateway.json`. Signing out revokes the tokens and removes
//! every keychain item and file of the sign-in.

use std::time::Duration;

use serde_json::json;
use url::Url;

use super::browser::BrowserLauncher;
use super::discovery::{self, Challenge, Discovered, Probe, rpc};
use super::endpoint::mcp_endpoint;
use super::loopback::{Landing, Loopback};
use super::oauth::{self, AuthMethod, ClientAuth, Tokens};
use super::store::{
    self, ACCESS_TOKEN, ALL_ITEMS, CLIENT_SECRET, KEYCHAIN_OWNER, OAuthState, REFRESH_TOKEN, SignIn,
};
use super::{DEFAULT_GATEWAY, GatewayError, MAX_SCOPE_STEPS, show, tokens};
use crate::config::GatewaySettings;
use crate::paths::Paths;
use crate::secret::Secret;
use crate::vault::Vault;

/// What `switchboard login` (or the tray) asks for.
#[derive(Debug, Clone)]
pub struct LoginOptions {
    /// The gateway's address or MCP endpoint; else the settings', else the built-in.
    pub gateway: Option<String>,
    /// A pre-registered client (else the settings', else registration).
    pub client_id: Option<String>,
    pub client_secret: Option<Secret<String>>,
    /// Open the browser (else only report the URL).
    pub open_browser: bool,
    /// How long to wait for the browser.
    pub wait: Duration,
}

impl Default for LoginOptions {
    fn default() -> Self {
        Self {
            gateway: None,
            client_id: None,
            client_secret: None,
            open_browser: true,
            wait: Duration::from_secs(300),
        }
    }
}

/// Where a sign-in is, for "Signing in…" messages.
#[derive(Debug)]
pub enum Stage<'a> {
    Discovering {
        endpoint: &'a Url,
    },
    Registering,
    /// The page to sign in on; `opened` says whether a browser was started for it.
    Browser {
        url: &'a Url,
        opened: bool,
    },
    Exchanging,
    Checking,
}

impl Stage<'_> {
    /// The stage in words, for a terminal or a window (the sign-in page's address is
    /// the caller's to show, from [`Stage::url`]).
    pub fn words(&self) -> String {
        match self {
            Self::Discovering { endpoint } => format!("Signing in to {}…", super::show(endpoint)),
            Self::Registering => "Registering Switchboard with the gateway…".to_owned(),
            Self::Browser { opened: true, .. } => {
                "Your browser is open at the gateway's sign-in page; finish signing in there."
                    .to_owned()
            }
            Self::Browser { opened: false, .. } => {
                "Open the sign-in page in a browser to sign in.".to_owned()
            }
            Self::Exchanging => "Signed in in the browser; getting the token…".to_owned(),
            Self::Checking => "Checking that the gateway accepts it…".to_owned(),
        }
    }

    /// The sign-in page, at the browser stage.
    pub fn url(&self) -> Option<&Url> {
        match self {
            Self::Browser { url, .. } => Some(url),
            _ => None,
        }
    }
}

/// The endpoint a sign-in goes to.
pub fn endpoint_for(opts: &LoginOptions, settings: &GatewaySettings) -> Result<Url, GatewayError> {
    let input = opts
        .gateway
        .as_deref()
        .or(settings.url.as_deref())
        .unwrap_or(DEFAULT_GATEWAY);
    mcp_endpoint(input)
}

/// What the gateway said to a request with the new token.
enum Checked {
    Accepted,
    /// 403 `insufficient_scope`.
    MoreScope(Challenge),
}

/// Sends `initialize` and `tools/list` with `token`, as the daemon will.
async fn check(
    http: &reqwest::Client,
    endpoint: &Url,
    token: &Secret<String>,
) -> Result<Checked, GatewayError> {
    let mut session: Option<String> = None;
    for (id, method, params) in [
        (1, "initialize", discovery::initialize_params()),
        (2, "tools/list", json!({})),
    ] {
        let mut req = http
            .post(endpoint.clone())
            .header(
                reqwest::header::ACCEPT,
                "application/json, text/event-stream",
            )
            .bearer_auth(token.expose())
            .json(&rpc(id, method, params));
        if let Some(s) = &session {
            req = req.header("Mcp-Session-Id", s);
        }
        let resp = req.send().await.map_err(|e| GatewayError::Unreachable {
            url: show(endpoint),
            detail: discovery::chain(&e),
        })?;
        let status = resp.status().as_u16();
        if status == 403
            && let Some(c) = discovery::challenge_of(&resp).filter(Challenge::insufficient_scope)
        {
            return Ok(Checked::MoreScope(c));
        }
        if status == 401 {
            return Err(GatewayError::Token(
                "the gateway refused the token it issued".into(),
            ));
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
            .map(str::to_owned)
            .or(session);
        let _ = resp.bytes().await;
        if id == 1 {
            let mut note = http
                .post(endpoint.clone())
                .header(
                    reqwest::header::ACCEPT,
                    "application/json, text/event-stream",
                )
                .bearer_auth(token.expose())
                .json(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
            if let Some(s) = &session {
                note = note.header("Mcp-Session-Id", s);
            }
            let _ = note.send().await;
        }
    }
    Ok(Checked::Accepted)
}

/// Both scopes, each word once, in order.
pub fn union(a: Option<&str>, b: Option<&str>) -> Option<String> {
    let mut words: Vec<&str> = Vec::new();
    for w in a.into_iter().chain(b).flat_map(str::split_whitespace) {
        if !words.contains(&w) {
            words.push(w);
        }
    }
    (!words.is_empty()).then(|| words.join(" "))
}

/// The pre-registered client to sign in to `endpoint` as: the one given now, else the
/// settings' when `endpoint` is the settings' gateway (a client id belongs to the
/// gateway that issued it).
fn configured_client_id(
    opts: &LoginOptions,
    settings: &GatewaySettings,
    endpoint: &Url,
) -> Option<String> {
    opts.client_id.clone().or_else(|| {
        let settings_gateway = endpoint_for(&LoginOptions::default(), settings).ok();
        settings
            .client_id
            .clone()
            .filter(|_| settings_gateway.as_ref() == Some(endpoint))
    })
}

/// Whether the client secret stored with `previous` (the sign-in to this same
/// endpoint) belongs to the pre-registered `client_id` at `token_endpoint`.
fn secret_is_for(previous: Option<&SignIn>, client_id: &str, token_endpoint: &str) -> bool {
    previous.and_then(|p| p.oauth.as_ref()).is_some_and(|o| {
        !o.registered && o.client_id == client_id && o.server.token_endpoint == token_endpoint
    })
}

/// What the browser rounds of one sign-in share.
struct Round<'a> {
    http: &'a reqwest::Client,
    loopback: &'a Loopback,
    opts: &'a LoginOptions,
    browser: &'a dyn BrowserLauncher,
    progress: &'a (dyn Fn(Stage<'_>) + Sync),
}

impl Round<'_> {
    /// One browser round: authorize, wait for the code, exchange it. The browser's
    /// page is left for the caller to finish, once it knows how the sign-in ended.
    async fn authorize(
        &self,
        state: &OAuthState,
        client: &ClientAuth,
        scope: Option<&str>,
    ) -> Result<(Tokens, Landing), GatewayError> {
        let auth = oauth::authorize(
            &state.server,
            client,
            &self.loopback.redirect_uri,
            scope,
            &state.resource,
        )?;
        let opened = self.opts.open_browser && {
            match self.browser.open(&auth.url) {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot open the browser; the URL is shown instead");
                    false
                }
            }
        };
        (self.progress)(Stage::Browser {
            url: &auth.url,
            opened,
        });
        let (code, landing) = self
            .loopback
            .wait(auth.state.secret(), self.opts.wait)
            .await?;
        (self.progress)(Stage::Exchanging);
        match oauth::exchange(
            self.http,
            &state.server,
            client,
            &self.loopback.redirect_uri,
            code,
            auth.verifier,
            &state.resource,
        )
        .await
        {
            Ok(tokens) => Ok((tokens, landing)),
            Err(e) => Err(landing.fail_with(e).await),
        }
    }

    /// The client to sign in as: one from the options or settings, the one registered
    /// with this gateway before, or a new registration. `true` when Switchboard
    /// registered it.
    ///
    /// The settings' client id belongs to the settings' gateway, and a stored client
    /// secret to the client and token endpoint it was stored with: neither is offered
    /// to any other gateway.
    async fn client(
        &self,
        vault: &Vault,
        endpoint: &Url,
        previous: Option<&SignIn>,
        found: &Discovered,
        settings: &GatewaySettings,
    ) -> Result<(ClientAuth, bool), GatewayError> {
        let stored_secret = || async {
            Ok::<_, GatewayError>(
                vault
                    .get_items(KEYCHAIN_OWNER, &[CLIENT_SECRET])
                    .await?
                    .pop()
                    .flatten(),
            )
        };
        if let Some(client_id) = configured_client_id(self.opts, settings, endpoint) {
            let secret = match &self.opts.client_secret {
                Some(s) => Some(s.clone()),
                None if secret_is_for(previous, &client_id, &found.server.token_endpoint) => {
                    stored_secret().await?
                }
                None => None,
            };
            let method = AuthMethod::choose(&found.server, secret.is_some());
            return Ok((
                ClientAuth {
                    client_id,
                    secret,
                    method,
                },
                false,
            ));
        }
        let reusable = previous
            .and_then(|p| p.oauth.as_ref())
            .filter(|o| o.registered && o.server.token_endpoint == found.server.token_endpoint);
        if let Some(o) = reusable {
            let secret = stored_secret().await?;
            if secret.is_some() || o.auth_method == AuthMethod::None {
                return Ok((
                    ClientAuth {
                        client_id: o.client_id.clone(),
                        secret,
                        method: o.auth_method,
                    },
                    true,
                ));
            }
        }
        (self.progress)(Stage::Registering);
        let reg = oauth::register(
            self.http,
            &found.server,
            &self.loopback.redirect_uri,
            found.scope.as_deref(),
        )
        .await?;
        Ok((
            ClientAuth {
                client_id: reg.client_id,
                secret: reg.client_secret,
                method: reg.method,
            },
            true,
        ))
    }
}

/// Signs in and stores the result. Returns what `gateway.json` now says.
pub async fn login(
    paths: &Paths,
    vault: &Vault,
    settings: &GatewaySettings,
    opts: &LoginOptions,
    browser: &dyn BrowserLauncher,
    progress: &(dyn Fn(Stage<'_>) + Sync),
) -> Result<SignIn, GatewayError> {
    let endpoint = endpoint_for(opts, settings)?;
    let http = oauth::http_client()?;
    progress(Stage::Discovering {
        endpoint: &endpoint,
    });
    // A file we cannot read stops us here, before anything is replaced.
    let previous = store::read(paths)?;
    let challenge = match discovery::probe(&http, &endpoint).await? {
        Probe::Open => {
            let _lock = tokens::lock(paths).await?;
            if let Some(old) = store::read(paths)?.as_ref().and_then(|p| p.oauth.as_ref()) {
                revoke_stored(vault, old).await;
            }
            vault.delete_items(KEYCHAIN_OWNER, &ALL_ITEMS).await?;
            let signin = SignIn {
                version: store::VERSION,
                endpoint: endpoint.to_string(),
                oauth: None,
                account: None,
                team: None,
                signed_in_at: crate::time::now_rfc3339(),
                signed_out: None,
            };
            store::write(paths, &signin)?;
            return Ok(signin);
        }
        Probe::Protected(challenge) => challenge,
    };
    let found = discovery::discover(&http, &endpoint, &challenge).await?;
    let loopback = Loopback::bind().await?;
    let same_gateway = previous
        .as_ref()
        .filter(|p| p.endpoint == endpoint.as_str());
    let round = Round {
        http: &http,
        loopback: &loopback,
        opts,
        browser,
        progress,
    };
    let (client, registered) = round
        .client(vault, &endpoint, same_gateway, &found, settings)
        .await?;
    let mut state = OAuthState {
        server: found.server.clone(),
        resource: found.resource.clone(),
        client_id: client.client_id.clone(),
        auth_method: client.method,
        registered,
        scope: found.scope.clone(),
        expires_at: None,
    };
    let mut tries = 0;
    let (tokens, landing) = loop {
        tries += 1;
        let (tokens, landing) = round
            .authorize(&state, &client, state.scope.as_deref())
            .await?;
        progress(Stage::Checking);
        let checked = match check(&http, &endpoint, &tokens.access).await {
            Ok(c) => c,
            Err(e) => return Err(landing.fail_with(e).await),
        };
        match checked {
            Checked::Accepted => break (tokens, landing),
            Checked::MoreScope(more) => {
                let wanted = union(state.scope.as_deref(), more.scope.as_deref());
                if tries >= MAX_SCOPE_STEPS {
                    let e = GatewayError::ScopeSteps {
                        scope: wanted.unwrap_or_default(),
                        tries,
                    };
                    return Err(landing.fail_with(e).await);
                }
                landing.more_access().await;
                state.scope = wanted;
            }
        }
    };
    state.expires_at = tokens.expires_at;
    match save(paths, vault, &endpoint, state, &tokens, &client).await {
        Ok(signin) => {
            landing.signed_in().await;
            Ok(signin)
        }
        Err(e) => Err(landing.fail_with(e).await),
    }
}

/// Stores a new sign-in: its secrets in the keychain, then `gateway.json` (which says
/// "signed in" only once they are stored). The sign-in it replaces is revoked.
async fn save(
    paths: &Paths,
    vault: &Vault,
    endpoint: &Url,
    state: OAuthState,
    tokens: &Tokens,
    client: &ClientAuth,
) -> Result<SignIn, GatewayError> {
    let (account, team) = store::claims(tokens.access.expose());
    let mut items = Vec::new();
    if let Some(refresh) = &tokens.refresh {
        items.push((
            REFRESH_TOKEN,
            "Switchboard: team gateway refresh token".to_owned(),
            refresh.clone(),
        ));
    }
    items.push((
        ACCESS_TOKEN,
        "Switchboard: team gateway access token".to_owned(),
        tokens.access.clone(),
    ));
    if let Some(secret) = &client.secret {
        items.push((
            CLIENT_SECRET,
            "Switchboard: team gateway client secret".to_owned(),
            secret.clone(),
        ));
    }
    let _lock = tokens::lock(paths).await?;
    if let Some(old) = store::read(paths)?.as_ref().and_then(|p| p.oauth.as_ref()) {
        let (_, problem) = revoke_stored(vault, old).await;
        if let Some(problem) = problem {
            tracing::info!(problem, "the previous sign-in's tokens were not revoked");
        }
    }
    vault.delete_items(KEYCHAIN_OWNER, &ALL_ITEMS).await?;
    vault.set_items(KEYCHAIN_OWNER, items).await?;
    let signin = SignIn {
        version: store::VERSION,
        endpoint: endpoint.to_string(),
        oauth: Some(state),
        account,
        team,
        signed_in_at: crate::time::now_rfc3339(),
        signed_out: None,
    };
    store::write(paths, &signin)?;
    Ok(signin)
}

/// A new token with more scope, for a running session the gateway answered with
/// `insufficient_scope`: one browser round, the sign-in's client and endpoints.
pub async fn step_up(
    paths: &Paths,
    vault: &Vault,
    wanted: Option<&str>,
    opts: &LoginOptions,
    browser: &dyn BrowserLauncher,
    progress: &(dyn Fn(Stage<'_>) + Sync),
) -> Result<Secret<String>, GatewayError> {
    let signin = store::read(paths)?.ok_or(GatewayError::NotSignedIn)?;
    let state = signin.oauth.clone().ok_or(GatewayError::NotSignedIn)?;
    let http = oauth::http_client()?;
    let secret = vault
        .get_items(KEYCHAIN_OWNER, &[CLIENT_SECRET])
        .await?
        .pop()
        .flatten();
    let client = ClientAuth {
        client_id: state.client_id.clone(),
        secret,
        method: state.auth_method,
    };
    let loopback = Loopback::bind().await?;
    let scope = union(state.scope.as_deref(), wanted);
    let round = Round {
        http: &http,
        loopback: &loopback,
        opts,
        browser,
        progress,
    };
    let (tokens, landing) = round.authorize(&state, &client, scope.as_deref()).await?;
    match save_step_up(paths, vault, &signin, state, scope, &tokens).await {
        Ok(()) => {
            landing.signed_in().await;
            Ok(tokens.access)
        }
        Err(e) => Err(landing.fail_with(e).await),
    }
}

/// Stores the tokens of a step-up, unless the sign-in changed meanwhile.
async fn save_step_up(
    paths: &Paths,
    vault: &Vault,
    signin: &SignIn,
    mut state: OAuthState,
    scope: Option<String>,
    tokens: &Tokens,
) -> Result<(), GatewayError> {
    let _lock = tokens::lock(paths).await?;
    // Signed out, or signed in anew, while the browser was open: this round is stale.
    let mut signin = store::read(paths)?
        .filter(|now| {
            now.endpoint == signin.endpoint
                && now.oauth.as_ref().map(|o| &o.client_id) == Some(&state.client_id)
        })
        .ok_or(GatewayError::NotSignedIn)?;
    let mut items = Vec::new();
    if let Some(refresh) = &tokens.refresh {
        items.push((
            REFRESH_TOKEN,
            "Switchboard: team gateway refresh token".to_owned(),
            refresh.clone(),
        ));
    }
    items.push((
        ACCESS_TOKEN,
        "Switchboard: team gateway access token".to_owned(),
        tokens.access.clone(),
    ));
    vault.set_items(KEYCHAIN_OWNER, items).await?;
    state.scope = scope;
    state.expires_at = tokens.expires_at;
    signin.oauth = Some(state);
    signin.signed_out = None;
    store::write(paths, &signin)?;
    Ok(())
}

/// What `logout` did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct SignedOut {
    /// The endpoint that was signed in, if one was.
    pub endpoint: Option<String>,
    /// Tokens the gateway confirmed revoked.
    pub revoked: usize,
    /// Why revoking did not work, when it did not (the local sign-in is gone anyway).
    pub revoke_problem: Option<String>,
    pub keychain_items: usize,
}

/// Revokes the tokens (RFC 7009, best effort) and removes every keychain item and the
/// file of the sign-in. A sign-in file that cannot be read does not stop it: the
/// keychain items go, and so does the file (it is Switchboard's own, and signing out
/// is asking for it to go), with a word that nothing could be revoked.
pub async fn logout(paths: &Paths, vault: &Vault) -> Result<SignedOut, GatewayError> {
    let _lock = tokens::lock(paths).await?;
    let (signin, unreadable) = match store::read(paths) {
        Ok(s) => (s, None),
        Err(e @ GatewayError::Corrupt { .. }) => (None, Some(e.to_string())),
        Err(e) => return Err(e),
    };
    let mut out = SignedOut {
        endpoint: signin.as_ref().map(|s| s.endpoint.clone()),
        revoked: 0,
        revoke_problem: unreadable.map(|why| {
            format!("nothing was revoked, because the sign-in could not be read ({why})")
        }),
        keychain_items: 0,
    };
    if let Some(state) = signin.as_ref().and_then(|s| s.oauth.as_ref()) {
        let (revoked, problem) = revoke_stored(vault, state).await;
        out.revoked = revoked;
        out.revoke_problem = problem;
    }
    out.keychain_items = match vault.delete_items(KEYCHAIN_OWNER, &ALL_ITEMS).await {
        Ok(n) => n,
        // Not signed in and no keychain to hold leftovers of a sign-in: nothing to do.
        Err(_) if signin.is_none() && out.revoke_problem.is_none() => 0,
        Err(e) => return Err(e.into()),
    };
    store::remove(paths)?;
    Ok(out)
}

/// Revokes the stored tokens of `state` at its revocation endpoint: how many the
/// gateway confirmed, and why not when something did not work.
async fn revoke_stored(vault: &Vault, state: &OAuthState) -> (usize, Option<String>) {
    let Some(endpoint) = &state.server.revocation_endpoint else {
        return (
            0,
            Some("the gateway offers no revocation; its tokens expire on their own".into()),
        );
    };
    let items = match vault
        .get_items(
            KEYCHAIN_OWNER,
            &[REFRESH_TOKEN, ACCESS_TOKEN, CLIENT_SECRET],
        )
        .await
    {
        Ok(items) => items,
        Err(e) => return (0, Some(format!("the tokens could not be read: {e}"))),
    };
    let mut items = items.into_iter();
    let (refresh, access, secret) = (
        items.next().flatten(),
        items.next().flatten(),
        items.next().flatten(),
    );
    let http = match oauth::http_client() {
        Ok(h) => h,
        Err(e) => return (0, Some(e.to_string())),
    };
    let client = ClientAuth {
        client_id: state.client_id.clone(),
        secret,
        method: state.auth_method,
    };
    let (mut revoked, mut problem) = (0, None);
    for (token, hint) in [(refresh, "refresh_token"), (access, "access_token")] {
        let Some(token) = token else { continue };
        match oauth::revoke(&http, endpoint, &client, &token, hint).await {
            Ok(()) => revoked += 1,
            Err(e) => problem = Some(e.to_string()),
        }
    }
    (revoked, problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_id_and_its_secret_go_only_to_the_gateway_they_belong_to() {
        let a = Url::parse("https://a.example/v1/mcp").unwrap();
        let b = Url::parse("https://b.example/v1/mcp").unwrap();
        let settings = GatewaySettings {
            url: Some("https://a.example".into()),
            client_id: Some("acme".into()),
            ..GatewaySettings::default()
        };
        let none = LoginOptions::default();
        assert_eq!(
            configured_client_id(&none, &settings, &a).as_deref(),
            Some("acme")
        );
        assert_eq!(configured_client_id(&none, &settings, &b), None);
        let given = LoginOptions {
            client_id: Some("other".into()),
            ..LoginOptions::default()
        };
        assert_eq!(
            configured_client_id(&given, &settings, &b).as_deref(),
            Some("other")
        );

        let signin = |client_id: &str, registered: bool, token: &str| SignIn {
            version: store::VERSION,
            endpoint: a.to_string(),
            oauth: Some(OAuthState {
                server: discovery::ServerMetadata {
                    issuer: None,
                    authorization_endpoint: "https://as.a.example/authorize".into(),
                    token_endpoint: token.into(),
                    registration_endpoint: None,
                    revocation_endpoint: None,
                    code_challenge_methods_supported: Some(vec!["S256".into()]),
                    token_endpoint_auth_methods_supported: None,
                    scopes_supported: None,
                },
                resource: a.to_string(),
                client_id: client_id.into(),
                auth_method: AuthMethod::Basic,
                registered,
                scope: None,
                expires_at: None,
            }),
            account: None,
            team: None,
            signed_in_at: String::new(),
            signed_out: None,
        };
        let token = "https://as.a.example/token";
        assert!(secret_is_for(
            Some(&signin("acme", false, token)),
            "acme",
            token
        ));
        assert!(!secret_is_for(
            Some(&signin("acme", false, token)),
            "other",
            token
        ));
        assert!(!secret_is_for(
            Some(&signin("acme", false, token)),
            "acme",
            "https://as.evil.example/token"
        ));
        // A secret Switchboard got by registering is not a pre-registered client's.
        assert!(!secret_is_for(
            Some(&signin("acme", true, token)),
            "acme",
            token
        ));
        assert!(!secret_is_for(None, "acme", token));
    }

    #[test]
    fn scopes_join_without_repeats() {
        assert_eq!(
            union(Some("mcp:basic"), Some("mcp:basic mcp:write")).as_deref(),
            Some("mcp:basic mcp:write")
        );
        assert_eq!(union(None, Some("a")).as_deref(), Some("a"));
        assert_eq!(union(None, None), None);
        assert_eq!(union(Some(" "), None), None);
    }

    #[test]
    fn the_endpoint_comes_from_the_options_then_the_settings_then_the_built_in() {
        let mut settings = GatewaySettings::default();
        let opts = LoginOptions::default();
        assert_eq!(
            endpoint_for(&opts, &settings).unwrap().as_str(),
            "https://conduit.wyre.ai/v1/mcp"
        );
        settings.url = Some("https://gw.example".into());
        assert_eq!(
            endpoint_for(&opts, &settings).unwrap().as_str(),
            "https://gw.example/v1/mcp"
        );
        let opts = LoginOptions {
            gateway: Some("http://127.0.0.1:9/mcp".into()),
            ..LoginOptions::default()
        };
        assert_eq!(
            endpoint_for(&opts, &settings).unwrap().as_str(),
            "http://127.0.0.1:9/mcp"
        );
    }
}
