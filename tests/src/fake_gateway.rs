//! A local fake of the hosted gateway, on `127.0.0.1:0`, built from domain.md §4.
//!
//! It serves the OAuth side (RFC 9728 protected-resource metadata at
//! `/.well-known/oauth-protected-resource/v1/mcp`, RFC 8414 metadata, RFC 7591
//! registration at `/oauth/register`, `/oauth/authorize` that approves at once and
//! redirects to the client's loopback, `/oauth/token` with PKCE S256 checked and
//! refresh-token rotation that revokes the old token, RFC 7009 `/oauth/revoke`) and
//! the MCP side (`POST /v1/mcp`, 401 with `WWW-Authenticate` without a valid bearer
//! token, `Mcp-Session-Id`, tools named `vendor__tool` plus `gateway__search_tools`,
//! answers framed as SSE). Access tokens look like the gateway's JWTs (the payload
//! carries the account and team); they are not signed for real.
//!
//! Knobs make it misbehave as the real one can: tokens that expire, refusing every
//! refresh, going down (503), restarting (sessions forgotten: 404 on an old
//! `Mcp-Session-Id`), and serving more vendors. Every request is recorded.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::fake_vendor::Recorded;

/// The account and team the fake signs everyone in as.
pub const ACCOUNT: &str = "tech@acme-msp.example";
pub const TEAM: &str = "Acme MSP";
pub const SCOPE: &str = "mcp:all";

#[derive(Debug, Clone)]
struct Client {
    secret: Option<String>,
    redirect_uris: Vec<String>,
    auth_method: String,
}

#[derive(Debug, Clone)]
struct Grant {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    resource: Option<String>,
    scope: Option<String>,
}

#[derive(Debug, Clone)]
struct Access {
    expires: Instant,
}

#[derive(Debug, Default)]
struct State {
    base: String,
    clients: BTreeMap<String, Client>,
    codes: BTreeMap<String, Grant>,
    access: BTreeMap<String, Access>,
    /// Refresh token → client id.
    refresh: BTreeMap<String, String>,
    /// Every token revoked, by rotation or `/oauth/revoke`.
    revoked: Vec<String>,
    sessions: Vec<String>,
    requests: Vec<Recorded>,
    counter: u64,
    access_ttl: Option<Duration>,
    refuse_refresh: bool,
    down: bool,
    /// How long the token endpoint thinks before it answers.
    token_delay: Option<Duration>,
    /// Vendor slug → its tools (name, description).
    vendors: BTreeMap<String, Vec<(String, String)>>,
    /// `token_endpoint_auth_methods_supported`, as the metadata says.
    auth_methods: Vec<String>,
}

/// A running fake gateway. Dropping it stops the server.
pub struct FakeGateway {
    /// `http://127.0.0.1:<port>`; the MCP endpoint is `<base>/v1/mcp`.
    pub base: String,
    state: Arc<Mutex<State>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeGateway {
    /// A gateway whose team has connected Autotask and IT Glue.
    pub fn start() -> Self {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let base = format!("http://{}", listener.local_addr().expect("addr"));
                let mut state = State {
                    base: base.clone(),
                    access_ttl: Some(Duration::from_secs(3600)),
                    auth_methods: ["none", "client_secret_post", "client_secret_basic"]
                        .map(str::to_owned)
                        .to_vec(),
                    ..State::default()
                };
                state.vendors.insert(
                    "autotask".into(),
                    vec![
                        (
                            "search_tickets".into(),
                            "Search Autotask tickets by company, status or text".into(),
                        ),
                        (
                            "list_companies".into(),
                            "List the companies in Autotask".into(),
                        ),
                    ],
                );
                state.vendors.insert(
                    "itglue".into(),
                    vec![(
                        "search_organizations".into(),
                        "Search IT Glue organizations".into(),
                    )],
                );
                let state = Arc::new(Mutex::new(state));
                let app = axum::Router::new()
                    .fallback(handle)
                    .with_state(state.clone());
                ready_tx.send((base, state)).expect("ready");
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stop_rx.await;
                    })
                    .await
                    .expect("serve");
            });
        });
        let (base, state) = ready_rx.recv().expect("fake gateway started");
        Self {
            base,
            state,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn mcp_url(&self) -> String {
        format!("{}/v1/mcp", self.base)
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().expect("gateway state"))
    }

    /// Access tokens issued from now on live this long (`None`: the default hour).
    pub fn set_access_ttl(&self, ttl: Duration) {
        self.with(|s| s.access_ttl = Some(ttl));
    }

    /// The token endpoint's client authentication methods its metadata offers (the
    /// default: `none`, `client_secret_post`, `client_secret_basic`).
    pub fn set_auth_methods(&self, methods: &[&str]) {
        self.with(|s| s.auth_methods = methods.iter().map(|m| (*m).to_owned()).collect());
    }

    /// Every access token issued so far stops working now.
    pub fn expire_access_tokens(&self) {
        self.with(|s| {
            let past = Instant::now() - Duration::from_secs(1);
            for a in s.access.values_mut() {
                a.expires = past;
            }
        });
    }

    /// Refuse every refresh (`invalid_grant`), as after a password change.
    pub fn refuse_refresh(&self, refuse: bool) {
        self.with(|s| s.refuse_refresh = refuse);
    }

    /// The token endpoint waits this long before it answers (a slow or busy gateway).
    pub fn set_token_delay(&self, delay: Option<Duration>) {
        self.with(|s| s.token_delay = delay);
    }

    /// Answer every request with 503 while `down`.
    pub fn set_down(&self, down: bool) {
        self.with(|s| s.down = down);
    }

    /// A restart: every MCP session is forgotten (an old `Mcp-Session-Id` gets 404).
    pub fn restart(&self) {
        self.with(|s| s.sessions.clear());
    }

    /// The team connects another vendor.
    pub fn add_vendor(&self, slug: &str, tools: &[(&str, &str)]) {
        self.with(|s| {
            s.vendors.insert(
                slug.to_owned(),
                tools
                    .iter()
                    .map(|(n, d)| ((*n).to_owned(), (*d).to_owned()))
                    .collect(),
            )
        });
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.with(|s| s.requests.clone())
    }

    /// Requests to `path`, in order.
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    pub fn revoked(&self) -> Vec<String> {
        self.with(|s| s.revoked.clone())
    }

    /// Refresh tokens that still work.
    pub fn live_refresh_tokens(&self) -> Vec<String> {
        self.with(|s| s.refresh.keys().cloned().collect())
    }

    /// Access tokens that still work.
    pub fn live_access_tokens(&self) -> Vec<String> {
        self.with(|s| {
            let now = Instant::now();
            s.access
                .iter()
                .filter(|(_, a)| a.expires > now)
                .map(|(t, _)| t.clone())
                .collect()
        })
    }

    /// Every secret the gateway handed out (tokens, codes, client secrets) or was
    /// shown (PKCE verifiers), for leak scans. Not `state`: it travels in the sign-in
    /// page's address, which the browser's argv and `--no-browser` show by design.
    pub fn secrets_issued(&self) -> Vec<String> {
        self.with(|s| {
            let mut all: Vec<String> = s.access.keys().cloned().collect();
            all.extend(s.refresh.keys().cloned());
            all.extend(s.revoked.iter().cloned());
            all.extend(s.clients.values().filter_map(|c| c.secret.clone()));
            all.extend(s.requests.iter().filter_map(|r| {
                r.query_map()
                    .get("code")
                    .cloned()
                    .or_else(|| r.form_map().get("code").cloned())
            }));
            all.extend(
                s.requests
                    .iter()
                    .filter_map(|r| r.form_map().get("code_verifier").cloned()),
            );
            all.sort();
            all.dedup();
            all
        })
    }
}

impl Drop for FakeGateway {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn token(state: &mut State, kind: &str) -> String {
    state.counter += 1;
    let digest = Sha256::digest(format!("{kind}\0{}\0{:?}", state.counter, Instant::now()));
    format!("{kind}_{}", hex::encode(&digest[..16]))
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// An access token shaped like the gateway's HS256 JWTs.
fn jwt(state: &mut State, ttl: Duration) -> String {
    let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + ttl.as_secs();
    let payload = b64url(
        json!({"sub": "auth0|tech", "email": ACCOUNT, "org_name": TEAM, "scope": SCOPE, "exp": exp})
            .to_string()
            .as_bytes(),
    );
    let sig = token(state, "sig");
    format!("{header}.{payload}.{}", b64url(sig.as_bytes()))
}

fn json_response(status: StatusCode, value: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    json_response(status, json!({ "error": error }))
}

async fn handle(
    axum::extract::State(state): axum::extract::State<Arc<Mutex<State>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let recorded = Recorded {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query,
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    };
    let delay = (method == Method::POST && uri.path() == "/oauth/token")
        .then(|| state.lock().expect("gateway state").token_delay)
        .flatten();
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let mut s = state.lock().expect("gateway state");
    s.requests.push(recorded.clone());
    if s.down {
        return (StatusCode::SERVICE_UNAVAILABLE, "the gateway is down").into_response();
    }
    let base = s.base.clone();
    let auth_methods = s.auth_methods.clone();
    match (method.as_str(), uri.path()) {
        ("GET", "/health") => json_response(StatusCode::OK, json!({"status": "ok"})),
        ("GET", "/.well-known/oauth-protected-resource/v1/mcp") => json_response(
            StatusCode::OK,
            json!({
                "resource": format!("{base}/v1/mcp"),
                "authorization_servers": [base],
                "scopes_supported": [SCOPE],
                "bearer_methods_supported": ["header"]
            }),
        ),
        ("GET", "/.well-known/oauth-authorization-server") => json_response(
            StatusCode::OK,
            json!({
                "issuer": base,
                "authorization_endpoint": format!("{base}/oauth/authorize"),
                "token_endpoint": format!("{base}/oauth/token"),
                "registration_endpoint": format!("{base}/oauth/register"),
                "revocation_endpoint": format!("{base}/oauth/revoke"),
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": auth_methods,
                "scopes_supported": [SCOPE]
            }),
        ),
        ("POST", "/oauth/register") => register(&mut s, &recorded),
        ("GET", "/oauth/authorize") => authorize(&mut s, &recorded),
        ("POST", "/oauth/token") => token_endpoint(&mut s, &recorded),
        ("POST", "/oauth/revoke") => {
            let form = recorded.form_map();
            if let Some(t) = form.get("token") {
                let had = s.access.remove(t).is_some() | s.refresh.remove(t).is_some();
                if had {
                    s.revoked.push(t.clone());
                }
            }
            StatusCode::OK.into_response()
        }
        ("POST", "/v1/mcp") => mcp(&mut s, &recorded),
        ("GET" | "DELETE", "/v1/mcp") => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        _ => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn register(s: &mut State, req: &Recorded) -> Response {
    let body = req.json();
    let redirect_uris: Vec<String> = body["redirect_uris"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if redirect_uris.is_empty() {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_redirect_uri");
    }
    let auth_method = body["token_endpoint_auth_method"]
        .as_str()
        .unwrap_or("client_secret_basic")
        .to_owned();
    let client_id = token(s, "client");
    let secret = (auth_method != "none").then(|| token(s, "secret"));
    s.clients.insert(
        client_id.clone(),
        Client {
            secret: secret.clone(),
            redirect_uris: redirect_uris.clone(),
            auth_method: auth_method.clone(),
        },
    );
    let mut out = json!({
        "client_id": client_id,
        "client_id_issued_at": 0,
        "redirect_uris": redirect_uris,
        "token_endpoint_auth_method": auth_method,
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"]
    });
    if let Some(secret) = secret {
        out["client_secret"] = json!(secret);
    }
    json_response(StatusCode::CREATED, out)
}

fn authorize(s: &mut State, req: &Recorded) -> Response {
    let q = req.query_map();
    let (Some(client_id), Some(redirect_uri)) = (q.get("client_id"), q.get("redirect_uri")) else {
        return (
            StatusCode::BAD_REQUEST,
            "client_id and redirect_uri are required",
        )
            .into_response();
    };
    let known = s.clients.get(client_id).is_some_and(|c| {
        c.redirect_uris
            .iter()
            .any(|r| same_redirect(r, redirect_uri))
    });
    if !known {
        return (StatusCode::BAD_REQUEST, "unknown client or redirect_uri").into_response();
    }
    let mut back = url::Url::parse(redirect_uri).expect("a registered redirect URI parses");
    {
        let mut pairs = back.query_pairs_mut();
        let ok = q.get("response_type").map(String::as_str) == Some("code")
            && q.get("code_challenge_method").map(String::as_str) == Some("S256")
            && q.get("code_challenge").is_some_and(|c| !c.is_empty());
        if ok {
            let code = token(s, "code");
            s.codes.insert(
                code.clone(),
                Grant {
                    client_id: client_id.clone(),
                    redirect_uri: redirect_uri.clone(),
                    challenge: q["code_challenge"].clone(),
                    resource: q.get("resource").cloned(),
                    scope: q.get("scope").cloned(),
                },
            );
            pairs.append_pair("code", &code);
        } else {
            pairs.append_pair("error", "invalid_request");
        }
        if let Some(state) = q.get("state") {
            pairs.append_pair("state", state);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, back.to_string())]).into_response()
}

/// A redirect URI matches the registered one exactly, except that a loopback IP's
/// port may differ (RFC 8252 §7.3: native apps get an ephemeral port each time).
fn same_redirect(registered: &str, asked: &str) -> bool {
    if registered == asked {
        return true;
    }
    let (Ok(mut a), Ok(mut b)) = (url::Url::parse(registered), url::Url::parse(asked)) else {
        return false;
    };
    let loopback = |u: &url::Url| {
        u.scheme() == "http" && matches!(u.host_str(), Some("127.0.0.1") | Some("[::1]"))
    };
    if !(loopback(&a) && loopback(&b)) {
        return false;
    }
    let _ = a.set_port(None);
    let _ = b.set_port(None);
    a == b
}

/// The client the token request authenticates as, by its registered method.
fn token_client(s: &State, req: &Recorded, form: &BTreeMap<String, String>) -> Option<String> {
    let (id, secret) = match req.basic() {
        Some((id, secret)) => (id, Some(secret)),
        None => (
            form.get("client_id")?.clone(),
            form.get("client_secret").cloned(),
        ),
    };
    let client = s.clients.get(&id)?;
    let ok = match client.auth_method.as_str() {
        "none" => secret.is_none(),
        "client_secret_basic" => req.basic().is_some() && secret == client.secret,
        _ => req.basic().is_none() && secret == client.secret,
    };
    ok.then_some(id)
}

fn issue(s: &mut State, client_id: &str) -> Response {
    let ttl = s.access_ttl.unwrap_or(Duration::from_secs(3600));
    let access = jwt(s, ttl);
    s.access.insert(
        access.clone(),
        Access {
            expires: Instant::now() + ttl,
        },
    );
    let refresh = token(s, "refresh");
    s.refresh.insert(refresh.clone(), client_id.to_owned());
    json_response(
        StatusCode::OK,
        json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": ttl.as_secs(),
            "refresh_token": refresh,
            "scope": SCOPE
        }),
    )
}

fn token_endpoint(s: &mut State, req: &Recorded) -> Response {
    let form = req.form_map();
    let Some(client_id) = token_client(s, req, &form) else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    };
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some(grant) = form.get("code").and_then(|c| s.codes.remove(c)) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            };
            let verifier = form.get("code_verifier").cloned().unwrap_or_default();
            let challenge = b64url(&Sha256::digest(verifier.as_bytes()));
            let resource = format!("{}/v1/mcp", s.base);
            let ok = grant.client_id == client_id
                && form.get("redirect_uri") == Some(&grant.redirect_uri)
                && challenge == grant.challenge
                && grant.resource.as_deref() == Some(resource.as_str())
                && form.get("resource").map(String::as_str) == Some(resource.as_str())
                && grant.scope.as_deref().is_none_or(|sc| sc == SCOPE);
            if !ok {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            }
            issue(s, &client_id)
        }
        Some("refresh_token") => {
            let Some(old) = form.get("refresh_token").cloned() else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request");
            };
            if s.refuse_refresh || s.refresh.get(&old) != Some(&client_id) {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            }
            // Rotation: the old refresh token is revoked as it is used.
            s.refresh.remove(&old);
            s.revoked.push(old);
            issue(s, &client_id)
        }
        _ => oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
    }
}

fn unauthorized(s: &State, with_token: bool) -> Response {
    let mut challenge = format!(
        "Bearer resource_metadata=\"{}/.well-known/oauth-protected-resource/v1/mcp\", scope=\"{SCOPE}\"",
        s.base
    );
    if with_token {
        challenge.push_str(", error=\"invalid_token\"");
    }
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, challenge)],
        "unauthorized",
    )
        .into_response()
}

/// An answer framed as one SSE event, as the gateway answers.
fn sse(id: &Value, result: Value, session: Option<&str>) -> Response {
    let msg = json!({"jsonrpc": "2.0", "id": id, "result": result});
    let body = format!("event: message\ndata: {msg}\n\n");
    let mut resp = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/event-stream")],
        body,
    )
        .into_response();
    if let Some(session) = session {
        resp.headers_mut()
            .insert("mcp-session-id", session.parse().expect("a header value"));
    }
    resp
}

fn tool_list(s: &State) -> Vec<Value> {
    let mut tools = vec![json!({
        "name": "gateway__search_tools",
        "description": "Search the tools of the team's vendors",
        "inputSchema": {"type": "object", "properties": {"query": {"type": "string"}}}
    })];
    for (vendor, list) in &s.vendors {
        for (name, description) in list {
            tools.push(json!({
                "name": format!("{vendor}__{name}"),
                "description": description,
                "inputSchema": {"type": "object", "properties": {"query": {"type": "string"}}}
            }));
        }
    }
    tools
}

fn mcp(s: &mut State, req: &Recorded) -> Response {
    let now = Instant::now();
    let Some(bearer) = req.bearer() else {
        return unauthorized(s, false);
    };
    if s.access.get(bearer).is_none_or(|a| a.expires <= now) {
        return unauthorized(s, true);
    }
    if let Some(session) = req.header("mcp-session-id")
        && !s.sessions.iter().any(|x| x == session)
    {
        return (StatusCode::NOT_FOUND, "unknown session").into_response();
    }
    let msg = req.json();
    let id = msg["id"].clone();
    let method = msg["method"].as_str().unwrap_or_default().to_owned();
    if id.is_null() {
        return StatusCode::ACCEPTED.into_response(); // a notification
    }
    match method.as_str() {
        "initialize" => {
            let session = token(s, "session");
            s.sessions.push(session.clone());
            sse(
                &id,
                json!({
                    "protocolVersion": msg["params"]["protocolVersion"].as_str().unwrap_or("2025-06-18"),
                    "capabilities": {"tools": {"listChanged": true}},
                    "serverInfo": {"name": "fake-gateway", "version": "1.0.0"}
                }),
                Some(&session),
            )
        }
        "ping" => sse(&id, json!({}), None),
        "tools/list" => sse(&id, json!({ "tools": tool_list(s) }), None),
        "tools/call" => {
            let name = msg["params"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let args = msg["params"]["arguments"].clone();
            if name == "gateway__search_tools" {
                let query = args["query"].as_str().unwrap_or_default().to_lowercase();
                let found: Vec<Value> = tool_list(s)
                    .into_iter()
                    .filter(|t| {
                        t["name"] != "gateway__search_tools"
                            && query.split_whitespace().any(|w| {
                                t["name"].as_str().unwrap_or_default().contains(w)
                                    || t["description"]
                                        .as_str()
                                        .unwrap_or_default()
                                        .to_lowercase()
                                        .contains(w)
                            })
                    })
                    .collect();
                let text = json!({ "tools": found }).to_string();
                return sse(
                    &id,
                    json!({"content": [{"type": "text", "text": text}]}),
                    None,
                );
            }
            let known = tool_list(s).iter().any(|t| t["name"] == name.as_str());
            if known {
                let text = format!("{name} called with {args}");
                sse(
                    &id,
                    json!({"content": [{"type": "text", "text": text}]}),
                    None,
                )
            } else {
                sse(
                    &id,
                    json!({"content": [{"type": "text", "text": format!("unknown tool {name}")}], "isError": true}),
                    None,
                )
            }
        }
        other => {
            let msg = json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": format!("no {other}")}});
            json_response(StatusCode::OK, msg)
        }
    }
}
