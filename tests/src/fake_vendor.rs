//! Local fakes of the vendor APIs that Switchboard probes, on `127.0.0.1:0`.
//!
//! Each fake answers like the real vendor: success only for a request that is exactly
//! right (method, path, auth scheme, body) and carries the configured credentials;
//! 401/400 for wrong credentials; 404 for paths the vendor does not serve. Every
//! request is recorded so tests can assert what the real vendor would have received.
//!
//! The fake runs on its own thread and runtime, so plain `#[test]`s can use it while
//! they run the CLI as a child process.

mod breadth;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Header names lower-cased.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// `(user, password)` of a Basic `Authorization` header.
    pub fn basic(&self) -> Option<(String, String)> {
        let value = self.header("authorization")?.strip_prefix("Basic ")?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(value)
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (u, p) = text.split_once(':')?;
        Some((u.to_owned(), p.to_owned()))
    }

    pub fn bearer(&self) -> Option<&str> {
        self.header("authorization")?.strip_prefix("Bearer ")
    }

    /// The form body as ordered pairs.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }

    pub fn form_map(&self) -> BTreeMap<String, String> {
        self.form().into_iter().collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn query_map(&self) -> BTreeMap<String, String> {
        self.query.iter().cloned().collect()
    }
}

/// How the fake misbehaves, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Behave like the vendor.
    Normal,
    /// A web application firewall answers 403 with an HTML page (Hudu's edge case).
    Firewall,
    /// Answer every request with 503.
    Down,
    /// Answer every request with a 200 HTML page (a wrong base URL).
    WebPage,
    /// Never answer.
    Hang,
    /// Answer every request with 200 and an empty JSON object (a token endpoint that
    /// issues no token).
    EmptyJson,
    /// Reject with 401 and an error text that echoes the whole request back, the way
    /// careless APIs do. Probes must scrub it.
    Echo,
}

struct State {
    slug: String,
    base: String,
    valid: BTreeMap<String, String>,
    recorded: Mutex<Vec<Recorded>>,
    mode: Mutex<Mode>,
}

/// A running fake. Dropping it stops the server.
pub struct FakeVendor {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    state: Arc<State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The access token every fake issues.
pub const TOKEN: &str = "fake-access-token-7f3a9c";

impl FakeVendor {
    /// Starts the fake for `slug`, accepting exactly the credentials in `valid`
    /// (field key → value).
    pub fn start(slug: &str, valid: &[(&str, &str)]) -> Self {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let slug = slug.to_owned();
        let valid: BTreeMap<String, String> = valid
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
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
                let state = Arc::new(State {
                    slug,
                    base: base.clone(),
                    valid,
                    recorded: Mutex::new(Vec::new()),
                    mode: Mutex::new(Mode::Normal),
                });
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
        let (base, state) = ready_rx.recv().expect("fake vendor started");
        Self {
            base,
            state,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().expect("lock") = mode;
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.recorded.lock().expect("lock").clone()
    }
}

impl Drop for FakeVendor {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // A hanging request keeps graceful shutdown waiting; do not join in that case.
        if *self.state.mode.lock().expect("lock") != Mode::Hang
            && let Some(t) = self.thread.take()
        {
            let _ = t.join();
        }
    }
}

async fn handle(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let rec = Recorded {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri
            .query()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default(),
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
    state.recorded.lock().expect("lock").push(rec.clone());
    let mode = *state.mode.lock().expect("lock");
    match mode {
        Mode::Normal => {}
        Mode::Firewall => {
            return html(
                StatusCode::FORBIDDEN,
                "<html><body>Request blocked by firewall</body></html>",
            );
        }
        Mode::Down => {
            return json(
                StatusCode::SERVICE_UNAVAILABLE,
                serde_json::json!({"message": "maintenance"}),
            );
        }
        Mode::WebPage => {
            return html(
                StatusCode::OK,
                "<!DOCTYPE html><html><body>Welcome to Acme</body></html>",
            );
        }
        Mode::Hang => {
            std::future::pending::<()>().await;
        }
        Mode::EmptyJson => return json(StatusCode::OK, serde_json::json!({})),
        Mode::Echo => {
            let echo = format!(
                "denied {} {:?} headers={:?} body={}",
                rec.path,
                rec.query,
                rec.headers,
                String::from_utf8_lossy(&rec.body)
            );
            return json(
                StatusCode::UNAUTHORIZED,
                serde_json::json!({"error": "invalid_client", "error_description": echo}),
            );
        }
    }
    respond(&state, &rec)
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

fn html(status: StatusCode, body: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html")], body).into_response()
}

fn not_found() -> Response {
    json(
        StatusCode::NOT_FOUND,
        serde_json::json!({"message": "Not Found"}),
    )
}

fn unauthorized() -> Response {
    json(
        StatusCode::UNAUTHORIZED,
        serde_json::json!({"message": "Unauthorized"}),
    )
}

impl State {
    fn v(&self, key: &str) -> &str {
        self.valid
            .get(key)
            .map(String::as_str)
            .unwrap_or("\u{0}unset")
    }
}

/// A token request carrying the right OAuth fields gets a token.
fn token_ok() -> Response {
    json(
        StatusCode::OK,
        serde_json::json!({"access_token": TOKEN, "token_type": "bearer", "expires_in": 3600}),
    )
}

fn respond(s: &State, r: &Recorded) -> Response {
    let form = r.form_map();
    let q = r.query_map();
    let is_form = r
        .header("content-type")
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    match (s.slug.as_str(), r.method.as_str(), r.path.as_str()) {
        // Autotask: an unauthenticated zone directory, then the zone's REST API.
        ("autotask", "GET", "/atservicesrest/v1.0/zoneInformation") => {
            if q.get("user").map(String::as_str) == Some(s.v("username")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({
                        "zoneName": "Fake Zone 5",
                        "url": format!("{}/zone5/ATServicesRest/", s.base),
                        "webUrl": "https://ww5.autotask.net/",
                        "ci": 5
                    }),
                )
            } else {
                json(
                    StatusCode::NOT_FOUND,
                    serde_json::json!({"errors": ["Zone information could not be determined"]}),
                )
            }
        }
        ("autotask", "GET", "/zone5/ATServicesRest/v1.0/Companies/0") => {
            let ok = r.header("ApiIntegrationCode") == Some(s.v("integration_code"))
                && r.header("UserName") == Some(s.v("username"))
                && r.header("Secret") == Some(s.v("secret"));
            if ok {
                json(
                    StatusCode::OK,
                    serde_json::json!({"item": {"id": 0, "companyName": "Fake MSP"}}),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"errors": ["Unauthorized"]}),
                )
            }
        }
        // ConnectWise PSA: Basic "<company>+<public>:<private>" plus a clientId header.
        ("connectwise-psa", "GET", "/v4_6_release/apis/3.0/system/info") => {
            let user = format!("{}+{}", s.v("company_id"), s.v("public_key"));
            let ok = r.basic() == Some((user, s.v("private_key").to_owned()))
                && r.header("clientId") == Some(s.v("client_id"));
            if ok {
                json(
                    StatusCode::OK,
                    serde_json::json!({"version": "v2025.1.0", "isCloud": true}),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"code": "Unauthorized", "message": "Invalid credentials"}),
                )
            }
        }
        // HaloPSA: client-credentials grant at /auth/token, then the API with Bearer.
        ("halopsa", "POST", "/auth/token") => client_credentials(s, r, "all"),
        ("halopsa", "GET", "/api/Agent/me") => {
            bearer_gate(r, serde_json::json!({"id": 1, "name": "API Agent"}))
        }
        // Datto RMM: password grant with the shared public client, then the v2 API.
        ("datto-rmm", "POST", "/auth/oauth/token") => {
            let ok = is_form
                && r.basic() == Some(("public-client".into(), "public".into()))
                && form.get("grant_type").map(String::as_str) == Some("password")
                && form.get("username").map(String::as_str) == Some(s.v("api_key"))
                && form.get("password").map(String::as_str) == Some(s.v("api_secret"));
            if ok {
                token_ok()
            } else {
                json(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({"error": "invalid_grant", "error_description": "Bad credentials"}),
                )
            }
        }
        ("datto-rmm", "GET", "/api/v2/account") => {
            bearer_gate(r, serde_json::json!({"id": 7, "name": "Fake MSP"}))
        }
        // NinjaOne: client credentials in the form body, scope "monitoring management".
        ("ninjaone", "POST", "/oauth/token") => client_credentials(s, r, "monitoring management"),
        ("ninjaone", "GET", "/api/v2/organizations") => {
            bearer_gate(r, serde_json::json!([{"id": 1, "name": "Acme"}]))
        }
        // ConnectWise Automate: JSON token request with ClientId as a header.
        ("connectwise-automate", "POST", "/cwa/api/v1/apitoken") => {
            let body = r.json();
            let ok = r
                .header("content-type")
                .is_some_and(|c| c.starts_with("application/json"))
                && r.header("ClientId") == Some(s.v("client_id"))
                && body["UserName"] == s.v("username")
                && body["Password"] == s.v("password");
            if ok {
                json(
                    StatusCode::OK,
                    serde_json::json!({"AccessToken": TOKEN, "TokenType": "Bearer", "ExpirationDate": "2030-01-01T00:00:00Z"}),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"Message": "Username or password is incorrect."}),
                )
            }
        }
        ("connectwise-automate", "GET", "/cwa/api/v1/Clients") => {
            if r.header("ClientId") != Some(s.v("client_id")) {
                return json(
                    StatusCode::FORBIDDEN,
                    serde_json::json!({"Message": "ClientId header missing"}),
                );
            }
            bearer_gate(r, serde_json::json!([{"Id": 1, "Name": "Acme"}]))
        }
        // IT Glue: x-api-key header.
        ("itglue", "GET", "/organization_types") => {
            if r.header("x-api-key") == Some(s.v("api_key")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({"data": [], "meta": {"total-count": 0}}),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"errors": [{"status": "401", "title": "Unauthorized"}]}),
                )
            }
        }
        // Hudu: x-api-key header.
        ("hudu", "GET", "/api/v1/companies") => {
            if r.header("x-api-key") == Some(s.v("api_key")) {
                json(StatusCode::OK, serde_json::json!({"companies": []}))
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"error": "Invalid API key"}),
                )
            }
        }
        // Huntress: Basic key:secret.
        ("huntress", "GET", "/v1/account") => {
            if r.basic() == Some((s.v("api_key").to_owned(), s.v("api_secret").to_owned())) {
                json(
                    StatusCode::OK,
                    serde_json::json!({"account": {"id": 42, "name": "Fake MSP"}}),
                )
            } else {
                unauthorized()
            }
        }
        // Syncro: Bearer API token.
        ("syncro", "GET", "/api/v1/contacts") => {
            if r.bearer() == Some(s.v("api_key")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({"contacts": [], "meta": {"total_pages": 1}}),
                )
            } else {
                unauthorized()
            }
        }
        _ => breadth::respond(s, r),
    }
}

/// An OAuth client-credentials grant with the secret in the form body (HaloPSA and
/// NinjaOne): a token for exactly the right fields and scope, `invalid_client` else.
fn client_credentials(s: &State, r: &Recorded, scope: &str) -> Response {
    let form = r.form_map();
    let field = |k: &str| form.get(k).map(String::as_str);
    let ok = r
        .header("content-type")
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
        && field("grant_type") == Some("client_credentials")
        && field("client_id") == Some(s.v("client_id"))
        && field("client_secret") == Some(s.v("client_secret"))
        && field("scope") == Some(scope);
    if ok {
        token_ok()
    } else {
        json(
            StatusCode::UNAUTHORIZED,
            serde_json::json!({"error": "invalid_client"}),
        )
    }
}

fn bearer_gate(r: &Recorded, body: serde_json::Value) -> Response {
    if r.bearer() == Some(TOKEN) {
        json(StatusCode::OK, body)
    } else {
        unauthorized()
    }
}
