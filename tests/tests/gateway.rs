//! The hosted gateway, end to end: `switchboard login` against the fake gateway (the
//! "browser" follows its redirect to our loopback page), then the real bridge and
//! daemon serving the team's vendors beside one connected on this computer, through
//! token expiry, a refused refresh, an outage, a restart and new vendors; `logout`;
//! and a scan for every secret the gateway issued.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use switchboard_core::status::{Served, State, StatusReport, TeamView};
use switchboard_tests::fake_gateway::{ACCOUNT, TEAM};
use switchboard_tests::{FakeGateway, FakeVendor, McpClient, TempHome, TestKeyring, text_of};

const FIXTURE: &str = env!("CARGO_BIN_EXE_fixture-server");
const BROWSER: &str = env!("CARGO_BIN_EXE_fake-browser");

/// A signed-out home with the test keyring, the fake browser, and Huntress connected
/// on this computer (its server is the fixture).
struct Setup {
    home: TempHome,
    keyring: TestKeyring,
    gateway: FakeGateway,
    _vendor: FakeVendor,
    /// What the fake browser landed on, page after page.
    browser_log: PathBuf,
    _scratch: tempfile::TempDir,
    /// Everything the CLI printed, for the leak scan.
    printed: String,
}

impl Setup {
    fn new(config: &str) -> Self {
        let keyring = TestKeyring::start();
        let gateway = FakeGateway::start();
        let vendor = FakeVendor::start(
            "huntress",
            &[("api_key", "hk-pub"), ("api_secret", "hs-e2e")],
        );
        let scratch = tempfile::tempdir().unwrap();
        let browser_log = scratch.path().join("browser.log");
        let mut home = TempHome::new();
        home.set_env("DBUS_SESSION_BUS_ADDRESS", keyring.bus_address());
        home.set_env("SWITCHBOARD_PROBE_BASE_HUNTRESS", &vendor.base);
        home.set_env("BROWSER", BROWSER);
        home.set_env("FAKE_BROWSER_LOG", browser_log.to_str().unwrap());
        home.set_env("SWITCHBOARD_LOG", "trace");
        home.write_config(config);
        let mut setup = Self {
            home,
            keyring,
            gateway,
            _vendor: vendor,
            browser_log,
            _scratch: scratch,
            printed: String::new(),
        };
        setup.ok(
            &[
                "vendors", "launch", "huntress", "--", FIXTURE, "--name", "huntress",
            ],
            "",
        );
        setup.ok(
            &[
                "connect",
                "huntress",
                "--field",
                "api_key=hk-pub",
                "--stdin",
            ],
            r#"{"api_secret": "hs-e2e"}"#,
        );
        setup
    }

    /// Runs the CLI, keeps what it printed, and returns the run.
    fn run(&mut self, args: &[&str], stdin: &str) -> switchboard_tests::home::Run {
        let run = self.home.run(args, stdin);
        self.printed.push_str(&run.all_output());
        run
    }

    fn ok(&mut self, args: &[&str], stdin: &str) -> switchboard_tests::home::Run {
        let run = self.run(args, stdin);
        assert_eq!(
            run.code, 0,
            "{args:?} failed:\n{}\n{}",
            run.stdout, run.stderr
        );
        run
    }

    fn login(&mut self) -> switchboard_tests::home::Run {
        let base = self.gateway.base.clone();
        self.ok(&["login", "--gateway", &base, "--wait", "30"], "")
    }

    fn team(&mut self) -> TeamView {
        self.ok(&["team", "--json"], "").parsed()
    }

    fn status(&mut self) -> StatusReport {
        self.ok(&["status", "--json"], "").parsed()
    }

    async fn bridge(&self) -> McpClient {
        let mut c = McpClient::spawn(self.home.bridge(&[]));
        c.initialize().await;
        c
    }

    /// The keychain service the sign-in's items live under.
    fn service(&self) -> String {
        switchboard_core::vault::Namespace::detect(&self.home.paths()).service("gateway")
    }

    fn keychain_items(&self) -> String {
        self.keyring.search(&self.service())
    }

    /// No secret the gateway issued is in a file under the home (logs included), in
    /// anything the CLI printed, or in any process's argv.
    fn assert_no_leaks(&self) {
        let secrets = self.gateway.secrets_issued();
        assert!(
            secrets.iter().any(|s| s.starts_with("refresh_"))
                && secrets.iter().any(|s| s.starts_with("code_")),
            "the scan must cover refresh tokens and codes: {secrets:?}"
        );
        let argv = every_argv();
        for secret in &secrets {
            let files = TempHome::files_containing(self.home.path(), secret);
            assert!(files.is_empty(), "{secret} is written in {files:?}");
            assert!(
                !self.printed.contains(secret.as_str()),
                "the CLI printed {secret}"
            );
            assert!(
                !argv.contains(secret.as_str()),
                "{secret} is in a process's argv"
            );
        }
        // The access tokens are JWTs; their signature part is what must not leak either.
        for jwt in secrets.iter().filter(|s| s.matches('.').count() == 2) {
            let sig = jwt.rsplit('.').next().unwrap();
            let files = TempHome::files_containing(self.home.path(), sig);
            assert!(files.is_empty(), "an access token is written in {files:?}");
        }
    }
}

/// Every process's command line on this machine, joined.
fn every_argv() -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(bytes) = std::fs::read(entry.path().join("cmdline")) {
            all.push_str(&String::from_utf8_lossy(&bytes).replace('\0', " "));
            all.push('\n');
        }
    }
    all
}

fn tool_names(list: &Value) -> Vec<String> {
    list["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools in {list}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Lists tools until `ok` holds for the names, waiting for `tools/list_changed`
/// between tries (a change can take more than one notification to settle).
async fn listed_when(c: &mut McpClient, what: &str, ok: impl Fn(&[String]) -> bool) -> Vec<String> {
    let mut names = Vec::new();
    for _ in 0..10 {
        names = tool_names(&c.request("tools/list", json!({})).await);
        if ok(&names) {
            return names;
        }
        c.notification("notifications/tools/list_changed").await;
    }
    panic!("never {what}: {names:?}");
}

fn has(names: &[String], name: &str) -> bool {
    names.iter().any(|n| n == name)
}

/// Why a call failed: its error message or its error result's text; `None` when it
/// worked.
fn failure(r: &Value) -> Option<String> {
    if r.get("error").is_some() || r["result"]["isError"] == true {
        Some(text_of(r))
    } else {
        None
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_team_sign_in_serves_the_gateways_vendors_beside_local_ones() {
    let mut s = Setup::new("[gateway]\nrelist_s = 1\n");

    // Signed out: the team page says so and names the built-in or configured gateway.
    let team = s.team();
    assert!(!team.signed_in, "{team:?}");

    let run = s.login();
    assert!(
        run.stdout
            .contains(&format!("Signed in as {ACCOUNT} ({TEAM})")),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("Signing in to"),
        "progress on stderr: {}",
        run.stderr
    );
    let page = read(&s.browser_log);
    assert!(
        page.starts_with("200\n") && page.contains("You can close this window"),
        "the browser landed on: {page}"
    );
    // Registered once (RFC 7591), PKCE S256, the resource on both legs.
    assert_eq!(s.gateway.requests_to("/oauth/register").len(), 1);
    let authorize = &s.gateway.requests_to("/oauth/authorize")[0];
    let q = authorize.query_map();
    assert_eq!(
        q.get("code_challenge_method").map(String::as_str),
        Some("S256")
    );
    assert_eq!(q.get("resource"), Some(&s.gateway.mcp_url()));
    assert_eq!(q.get("scope").map(String::as_str), Some("mcp:all"));
    assert!(
        q.get("redirect_uri")
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    let items = s.keychain_items();
    assert!(
        items.contains("access_token") && items.contains("refresh_token"),
        "{items}"
    );
    let signin = read(&s.home.paths().config.join("gateway.json"));
    assert!(signin.contains(&s.gateway.mcp_url()), "{signin}");

    // The bridge serves the team's vendors beside the local one.
    let mut c = s.bridge().await;
    let names = tool_names(&c.request("tools/list", json!({})).await);
    for want in [
        "autotask__search_tickets",
        "autotask__list_companies",
        "itglue__search_organizations",
        "huntress__echo",
        "switchboard__search_tools",
    ] {
        assert!(
            names.contains(&want.to_owned()),
            "{want} missing from {names:?}"
        );
    }
    assert!(
        !names.contains(&"gateway__search_tools".to_owned()),
        "the gateway's search is served through switchboard__search_tools: {names:?}"
    );
    let r = c
        .call("autotask__search_tickets", json!({"query": "printer"}))
        .await;
    assert_eq!(
        text_of(&r),
        r#"autotask__search_tickets called with {"query":"printer"}"#,
        "{r}"
    );
    assert_eq!(
        text_of(&c.call("huntress__echo", json!({"text": "local"})).await),
        "local"
    );
    let found = c
        .call(
            "switchboard__search_tools",
            json!({"query": "organizations"}),
        )
        .await;
    assert!(
        text_of(&found).contains("itglue__search_organizations"),
        "{found}"
    );
    // The bearer went in the header, never the URL.
    let mcp = s.gateway.requests_to("/v1/mcp");
    assert!(mcp.iter().all(|r| r.query.is_empty()));
    assert!(mcp.iter().any(|r| r.bearer().is_some()));

    // status and team say who serves what.
    let status = s.status();
    let by = |slug: &str| status.vendor(slug).and_then(|v| v.served_by);
    assert_eq!(by("autotask"), Some(Served::Gateway), "{status:?}");
    assert_eq!(by("itglue"), Some(Served::Gateway));
    assert_eq!(by("huntress"), Some(Served::Local));
    let gw = status.gateway.as_ref().expect("the gateway's status");
    assert_eq!(gw.account.as_deref(), Some(ACCOUNT));
    assert_eq!(gw.state, State::Running, "{gw:?}");
    let team = s.team();
    assert!(team.signed_in && team.oauth, "{team:?}");
    assert_eq!(
        (team.account.as_deref(), team.team.as_deref()),
        (Some(ACCOUNT), Some(TEAM))
    );
    assert_eq!(team.endpoint, s.gateway.mcp_url());
    assert!(team.expires_at.is_some());
    assert!(
        team.vendors
            .iter()
            .any(|v| v.slug == "itglue" && v.served_by == Served::Gateway)
    );
    let text = s.ok(&["team"], "").stdout;
    assert!(
        text.contains(ACCOUNT) && text.contains("itglue") && text.contains("gateway"),
        "{text}"
    );

    // The gateway is asked for its tools every second (relist_s = 1); while they stay
    // the same, the bridge's client hears nothing.
    c.drain_notifications();
    c.no_notification_within(
        "notifications/tools/list_changed",
        Duration::from_millis(2500),
    )
    .await;

    // The team's huntress is hidden while huntress is connected here; a pin flips it.
    s.gateway
        .add_vendor("huntress", &[("list_incidents", "List Huntress incidents")]);
    s.gateway
        .add_vendor("ninjaone", &[("list_devices", "List NinjaOne devices")]);
    // A vendor the team connects while signed in shows up, announced. (Nothing was
    // announced while nothing changed: see above.)
    c.notification("notifications/tools/list_changed").await;
    let names = listed_when(&mut c, "ninjaone listed", |n| {
        has(n, "ninjaone__list_devices")
    })
    .await;
    assert!(has(&names, "huntress__echo"), "{names:?}");
    assert!(!has(&names, "huntress__list_incidents"), "{names:?}");
    let r = c.call("ninjaone__list_devices", json!({})).await;
    assert_eq!(failure(&r), None, "{r}");
    s.ok(&["vendors", "source", "huntress", "gateway"], "");
    let names = listed_when(&mut c, "huntress from the gateway", |n| {
        has(n, "huntress__list_incidents")
    })
    .await;
    assert!(!has(&names, "huntress__echo"), "{names:?}");
    assert_eq!(
        s.status().vendor("huntress").and_then(|v| v.served_by),
        Some(Served::Gateway)
    );
    s.ok(&["vendors", "source", "huntress", "local"], "");
    let names = listed_when(&mut c, "huntress served here again", |n| {
        has(n, "huntress__echo")
    })
    .await;
    assert!(!has(&names, "huntress__list_incidents"), "{names:?}");
    assert_eq!(
        text_of(&c.call("huntress__echo", json!({"text": "back"})).await),
        "back"
    );

    // Scripting goes through the same client code.
    let tools: Vec<Value> = s.ok(&["team", "tools", "--json"], "").parsed();
    assert!(tools.iter().any(|t| t["name"] == "gateway__search_tools"));
    assert!(tools.iter().any(|t| t["name"] == "ninjaone__list_devices"));
    let listed = s.ok(&["team", "tools"], "").stdout;
    assert!(listed.contains("itglue__search_organizations"), "{listed}");
    let called = s.ok(
        &[
            "team",
            "call",
            "itglue__search_organizations",
            "--args",
            r#"{"query":"acme"}"#,
        ],
        "",
    );
    assert_eq!(
        called.stdout.trim(),
        r#"itglue__search_organizations called with {"query":"acme"}"#
    );
    let bad = s.run(
        &[
            "team",
            "call",
            "itglue__search_organizations",
            "--args",
            "[1]",
        ],
        "",
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    let unknown = s.run(&["team", "call", "nope__nothing"], "");
    assert_eq!(
        unknown.code, 1,
        "an error result fails the command: {}",
        unknown.stdout
    );

    // Logout revokes both tokens and removes every item and file of the sign-in.
    let live_refresh = s.gateway.live_refresh_tokens();
    assert_eq!(
        live_refresh.len(),
        1,
        "one live refresh token: {live_refresh:?}"
    );
    let out = s.ok(&["logout", "--json"], "").json();
    assert_eq!(out["revoked"], 2, "{out}");
    assert!(s.gateway.revoked().contains(&live_refresh[0]));
    assert!(s.gateway.live_refresh_tokens().is_empty());
    assert!(
        !s.keychain_items().contains("access_token"),
        "{}",
        s.keychain_items()
    );
    let signin_file = s.home.paths().config.join("gateway.json");
    assert!(!signin_file.exists());
    assert!(
        !s.home
            .paths()
            .cache
            .join("tools")
            .join("gateway.json")
            .exists(),
        "the team's cached tool list went too"
    );
    c.notification("notifications/tools/list_changed").await;
    let names = tool_names(&c.request("tools/list", json!({})).await);
    assert!(
        !names.iter().any(|n| n.starts_with("itglue__")),
        "{names:?}"
    );
    assert!(names.contains(&"huntress__echo".to_owned()));
    let r = c.call("itglue__search_organizations", json!({})).await;
    assert!(failure(&r).is_some(), "{r}");
    let team = s.team();
    assert!(!team.signed_in, "{team:?}");
    // A sign-in file that cannot be read does not stop a sign-out, which says so.
    std::fs::write(&signin_file, "{ not json").unwrap();
    let out = s.ok(&["logout", "--json"], "").json();
    assert!(
        out["revoke_problem"]
            .as_str()
            .is_some_and(|p| p.contains("could not be read")),
        "{out}"
    );
    assert!(!signin_file.exists());

    s.assert_no_leaks();
    drop(c);
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_renew_mid_session_and_a_refused_refresh_asks_to_sign_in_again() {
    let mut s = Setup::new("");
    // A gateway that only takes confidential clients: registration hands out a client
    // secret, which goes to the keychain and is sent as HTTP Basic.
    s.gateway.set_auth_methods(&["client_secret_basic"]);
    s.login();
    let token_request = &s.gateway.requests_to("/oauth/token")[0];
    assert!(token_request.basic().is_some(), "client_secret_basic");
    assert!(
        s.keychain_items().contains("client_secret"),
        "{}",
        s.keychain_items()
    );
    assert!(
        s.gateway
            .secrets_issued()
            .iter()
            .any(|x| x.starts_with("secret_")),
        "a client secret was issued, so the leak scan covers it"
    );
    let mut c = s.bridge().await;
    assert_eq!(
        failure(&c.call("autotask__list_companies", json!({})).await),
        None
    );
    let first_refresh = s.gateway.live_refresh_tokens();

    // The access token expires mid-session: the next call renews it (on the 401) and
    // works; the old refresh token is revoked by rotation, the new one stored first.
    s.gateway.expire_access_tokens();
    let r = c.call("autotask__list_companies", json!({})).await;
    assert_eq!(failure(&r), None, "{r}");
    assert!(s.gateway.revoked().contains(&first_refresh[0]));
    let live = s.gateway.live_refresh_tokens();
    assert_eq!(live.len(), 1);
    assert_eq!(
        s.keyring.lookup(&s.service(), "refresh_token").as_deref(),
        Some(live[0].as_str())
    );
    // The CLI picks up the token the daemon renewed from the keychain: no token
    // request of its own, and the bearer it sends is the stored one. (Two processes
    // refreshing at the same moment are tested at the core's seam, below.)
    let token_requests = s.gateway.requests_to("/oauth/token").len();
    s.ok(&["team", "tools", "--json"], "");
    assert_eq!(s.gateway.live_refresh_tokens(), live, "no second refresh");
    assert_eq!(s.gateway.requests_to("/oauth/token").len(), token_requests);
    let stored = s.keyring.lookup(&s.service(), "access_token");
    let sent = s.gateway.requests_to("/v1/mcp");
    let sent = sent.last().and_then(|r| r.bearer()).map(str::to_owned);
    assert!(
        stored.is_some() && sent == stored,
        "the CLI sent the stored token"
    );

    // Now the gateway refuses every refresh (say, a password change): every gateway
    // call fails at once saying to sign in again; the local vendor carries on.
    s.gateway.refuse_refresh(true);
    s.gateway.expire_access_tokens();
    let r = c.call("autotask__list_companies", json!({})).await;
    let why = failure(&r).expect("the call fails");
    assert!(why.contains("switchboard login"), "{why}");
    let started = Instant::now();
    let r = c.call("itglue__search_organizations", json!({})).await;
    let why = failure(&r).expect("the call fails");
    assert!(why.contains("sign in again"), "{why}");
    assert!(started.elapsed() < Duration::from_secs(5), "failed fast");
    let token_calls = s.gateway.requests_to("/oauth/token").len();
    c.call("itglue__search_organizations", json!({})).await;
    assert_eq!(
        s.gateway.requests_to("/oauth/token").len(),
        token_calls,
        "no refresh attempt per call once signed out"
    );
    assert_eq!(
        text_of(&c.call("huntress__echo", json!({"text": "still"})).await),
        "still"
    );
    let status = s.status();
    let gw = status.gateway.expect("gateway status");
    assert_eq!(gw.state, State::SignedOut, "{gw:?}");
    let team = s.team();
    assert!(!team.signed_in, "{team:?}");
    assert!(team.problem.is_some(), "{team:?}");
    let cli = s.run(&["team", "tools"], "");
    assert_eq!(cli.code, 10, "{}", cli.stderr);
    assert!(cli.stderr.contains("switchboard login"), "{}", cli.stderr);

    // Signing in again brings the team's vendors back in the same session.
    s.gateway.refuse_refresh(false);
    s.login();
    assert_eq!(
        s.gateway.requests_to("/oauth/register").len(),
        1,
        "the registration is kept per gateway"
    );
    let r = c.call("autotask__list_companies", json!({})).await;
    assert_eq!(failure(&r), None, "{r}");
    assert_eq!(s.status().gateway.unwrap().state, State::Running);

    s.assert_no_leaks();
    drop(c);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gateway_that_goes_down_fails_fast_keeps_its_tools_listed_and_recovers() {
    let mut s = Setup::new("");
    s.login();
    let mut c = s.bridge().await;
    assert_eq!(
        failure(&c.call("itglue__search_organizations", json!({})).await),
        None
    );

    s.gateway.set_down(true);
    let started = Instant::now();
    let r = c.call("itglue__search_organizations", json!({})).await;
    let why = failure(&r).expect("the call fails while the gateway is down");
    assert!(why.contains("503"), "{why}");
    assert!(started.elapsed() < Duration::from_secs(5), "failed fast");
    let names = tool_names(&c.request("tools/list", json!({})).await);
    assert!(
        names.contains(&"itglue__search_organizations".to_owned()),
        "still listed from cache: {names:?}"
    );
    assert_eq!(
        text_of(&c.call("huntress__echo", json!({"text": "up"})).await),
        "up"
    );

    // Back up after a restart that forgot every session: the next call starts a new
    // session and works.
    s.gateway.restart();
    s.gateway.set_down(false);
    let r = c.call("itglue__search_organizations", json!({})).await;
    assert_eq!(failure(&r), None, "{r}");
    let inits = s
        .gateway
        .requests_to("/v1/mcp")
        .iter()
        .filter(|r| r.json()["method"] == "initialize")
        .count();
    assert!(
        inits >= 2,
        "a new session after the restart ({inits} initializes)"
    );
    drop(c);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gateway_down_when_first_needed_fails_fast_is_never_given_up_and_comes_back() {
    // Two failed starts in a row would mark a local server failed.
    let mut s =
        Setup::new("[supervisor]\ncrash_limit = 2\nbackoff_initial_ms = 100\nbackoff_max_s = 1\n");
    s.login();
    s.gateway.set_down(true);
    let mut c = s.bridge().await;
    assert_eq!(
        text_of(&c.call("huntress__echo", json!({"text": "up"})).await),
        "up"
    );
    for round in 0..4 {
        let started = Instant::now();
        let r = c.call("itglue__search_organizations", json!({})).await;
        let why = failure(&r).expect("the call fails while the gateway is down");
        assert!(started.elapsed() < Duration::from_secs(5), "failed fast");
        assert!(!why.contains("marked failed"), "round {round}: {why}");
        assert!(
            why.contains("503") || why.contains("cannot be reached"),
            "{why}"
        );
        // Past the longest wait, so that the next call starts it again.
        tokio::time::sleep(Duration::from_millis(1200)).await;
    }
    assert_ne!(s.status().gateway.unwrap().state, State::Failed);

    s.gateway.set_down(false);
    let r = c.call("itglue__search_organizations", json!({})).await;
    assert_eq!(failure(&r), None, "{r}");
    assert_eq!(s.status().gateway.unwrap().state, State::Running);
    drop(c);
}

#[tokio::test(flavor = "multi_thread")]
async fn no_browser_prints_the_address_and_an_mcp_endpoint_is_taken_as_given() {
    let mut s = Setup::new("");
    let base = s.gateway.base.clone();
    let run = s.run(
        &["login", "--gateway", &base, "--no-browser", "--wait", "1"],
        "",
    );
    assert_eq!(run.code, 10, "nobody opened the page: {}", run.stderr);
    assert!(
        run.stderr.contains("Open the sign-in page in a browser")
            && run.stderr.contains(&format!("{base}/oauth/authorize?")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("no answer from the browser within 1 s"),
        "{}",
        run.stderr
    );
    assert!(read(&s.browser_log).is_empty(), "no browser was started");
    assert!(!s.home.paths().config.join("gateway.json").exists());

    // The MCP endpoint itself (no `/v1/mcp` added), and the settings' gateway next time.
    let endpoint = s.gateway.mcp_url();
    s.ok(&["login", "--gateway", &endpoint], "");
    assert_eq!(s.team().endpoint, endpoint);
    let mut unknown = s.run(&["login", "--gateway", "ftp://nowhere"], "");
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    unknown = s.run(&["login", "--gateway", &format!("{base}/elsewhere")], "");
    assert_ne!(
        unknown.code, 0,
        "a server that is not the gateway: {}",
        unknown.stderr
    );
    assert!(s.team().signed_in, "a failed sign-in leaves the one before");
}

// ---- Tokens, at the core's seams: one process's view, or two racing ---------------

mod tokens {
    use std::sync::Arc;

    use switchboard_core::config::GatewaySettings;
    use switchboard_core::gateway::browser::BrowserLauncher;
    use switchboard_core::gateway::login::{self, LoginOptions};
    use switchboard_core::gateway::tokens::TokenSource;
    use switchboard_core::paths::Paths;
    use switchboard_core::vault::{MemoryStore, Namespace, Vault};
    use switchboard_core::{Coded, ErrorCode};
    use switchboard_tests::FakeGateway;

    /// A browser that follows the authorization redirect, on the test's runtime.
    struct Follow;

    impl BrowserLauncher for Follow {
        fn open(&self, url: &url::Url) -> std::io::Result<()> {
            let url = url.to_string();
            tokio::spawn(async move {
                let client = reqwest::Client::builder().no_proxy().build().unwrap();
                let _ = client.get(url).send().await;
            });
            Ok(())
        }
    }

    async fn signed_in(gateway: &FakeGateway) -> (tempfile::TempDir, Paths, Vault) {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        let vault = Vault::new(
            Arc::new(MemoryStore::new()),
            Namespace::new("tokens-test"),
            &paths,
        );
        let opts = LoginOptions {
            gateway: Some(gateway.base.clone()),
            ..LoginOptions::default()
        };
        login::login(
            &paths,
            &vault,
            &GatewaySettings::default(),
            &opts,
            &Follow,
            &|_| {},
        )
        .await
        .expect("signed in");
        (dir, paths, vault)
    }

    fn refresh_grants(gateway: &FakeGateway) -> usize {
        gateway
            .requests_to("/oauth/token")
            .iter()
            .filter(|r| r.form_map().get("grant_type").map(String::as_str) == Some("refresh_token"))
            .count()
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_token_about_to_expire_is_renewed_before_it_is_used() {
        let gateway = FakeGateway::start();
        // Shorter than the renewal margin: stale as soon as it is issued.
        gateway.set_access_ttl(std::time::Duration::from_secs(30));
        let (_dir, paths, vault) = signed_in(&gateway).await;
        let issued = gateway.live_access_tokens();
        let first_refresh = gateway.live_refresh_tokens();
        let tokens = TokenSource::new(paths, vault).unwrap();
        let token = tokens.current().await.unwrap().expect("a token");
        assert_eq!(refresh_grants(&gateway), 1, "renewed before use");
        assert!(!issued.contains(&token.expose().to_owned()), "a new token");
        assert!(gateway.revoked().contains(&first_refresh[0]), "rotated");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn two_processes_refreshing_at_once_refresh_once_and_share_the_result() {
        let gateway = FakeGateway::start();
        let (_dir, paths, vault) = signed_in(&gateway).await;
        // The daemon and the CLI: separate token sources over the same files and keychain.
        let daemon = TokenSource::new(paths.clone(), vault.clone()).unwrap();
        let cli = TokenSource::new(paths.clone(), vault.clone()).unwrap();
        let old = daemon.current().await.unwrap().unwrap();
        assert_eq!(cli.current().await.unwrap().unwrap().expose(), old.expose());
        gateway.expire_access_tokens();
        let (a, b) = tokio::join!(daemon.refreshed(Some(&old)), cli.refreshed(Some(&old)));
        let (a, b) = (a.unwrap().unwrap(), b.unwrap().unwrap());
        assert_eq!(refresh_grants(&gateway), 1, "one refresh for both");
        assert_eq!(a.expose(), b.expose());
        assert_ne!(a.expose(), old.expose());
        // The rotated refresh token is the one stored: the next refresh works.
        gateway.expire_access_tokens();
        let c = cli.refreshed(Some(&a)).await.unwrap().unwrap();
        assert_eq!(refresh_grants(&gateway), 2);
        assert_ne!(c.expose(), a.expose());
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_sign_out_while_a_refresh_is_on_its_way_is_not_undone_by_it() {
        use switchboard_core::gateway::store::{self, ALL_ITEMS, KEYCHAIN_OWNER};
        let gateway = FakeGateway::start();
        let (_dir, paths, vault) = signed_in(&gateway).await;
        let tokens = TokenSource::new(paths.clone(), vault.clone()).unwrap();
        let old = tokens.current().await.unwrap().unwrap();
        // The daemon renews the token; the gateway takes its time to answer, and the
        // technician signs out meanwhile.
        gateway.set_token_delay(Some(std::time::Duration::from_millis(600)));
        let refresh = tokio::spawn(async move { tokens.refreshed(Some(&old)).await });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let out = login::logout(&paths, &vault).await.unwrap();
        let _ = refresh.await.unwrap();
        assert!(
            store::read(&paths).unwrap().is_none(),
            "signed out stays signed out"
        );
        let items = vault.get_items(KEYCHAIN_OWNER, &ALL_ITEMS).await.unwrap();
        assert!(items.iter().all(Option::is_none), "no token came back");
        assert!(
            gateway.live_refresh_tokens().is_empty(),
            "the renewed refresh token was revoked too ({} revoked)",
            out.revoked
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_refused_refresh_signs_out_and_later_calls_fail_without_the_network() {
        let gateway = FakeGateway::start();
        let (_dir, paths, vault) = signed_in(&gateway).await;
        let tokens = TokenSource::new(paths.clone(), vault.clone()).unwrap();
        let old = tokens.current().await.unwrap().unwrap();
        gateway.refuse_refresh(true);
        let e = tokens.refreshed(Some(&old)).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::NotSignedIn, "{e}");
        assert!(
            e.hint().unwrap().contains("switchboard login"),
            "{:?}",
            e.hint()
        );
        let recorded = switchboard_core::gateway::store::read(&paths)
            .unwrap()
            .unwrap();
        assert!(recorded.signed_out.is_some(), "{recorded:?}");
        let asked = gateway.requests().len();
        let fresh_process = TokenSource::new(paths, vault).unwrap();
        let e = fresh_process.current().await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::NotSignedIn);
        assert_eq!(
            gateway.requests().len(),
            asked,
            "no request once signed out"
        );
    }
}
