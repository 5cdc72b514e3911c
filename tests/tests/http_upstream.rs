//! The self-hosted pattern: a vendor's server over streamable HTTP, credentials sent as
//! the catalog's headers (what `AUTH_MODE=gateway` servers read), never in the URL.

use std::io::BufRead;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use switchboard_core::status::{LaunchSource, State};
use switchboard_tests::{FakeVendor, McpClient, TempHome, TestKeyring, text_of};

/// Starts the fixture in HTTP mode; returns the process (killed on drop) and its URL.
struct HttpFixture {
    child: std::process::Child,
    url: String,
}

impl HttpFixture {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fixture-server"))
            .args(["--http", "--name", "selfhosted"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Self {
            child,
            url: line.trim().to_owned(),
        }
    }
}

impl Drop for HttpFixture {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_self_hosted_server_gets_the_credentials_as_headers() {
    let keyring = TestKeyring::start();
    let fake = FakeVendor::start(
        "huntress",
        &[
            ("api_key", "hk-http-pub"),
            ("api_secret", "hs-http-secret-5150"),
        ],
    );
    let server = HttpFixture::start();
    let mut home = TempHome::new();
    home.set_env("DBUS_SESSION_BUS_ADDRESS", keyring.bus_address());
    home.set_env("SWITCHBOARD_PROBE_BASE_HUNTRESS", &fake.base);
    assert_eq!(
        home.run(["vendors", "launch", "huntress", "--http", &server.url], "")
            .code,
        0
    );
    let run = home.run(
        [
            "connect",
            "huntress",
            "--field",
            "api_key=hk-http-pub",
            "--stdin",
        ],
        r#"{"api_secret": "hs-http-secret-5150"}"#,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);

    let mut c = McpClient::spawn(home.bridge(&[]));
    c.initialize().await;
    assert!(c.tool_names().await.contains(&"huntress__echo".to_owned()));
    assert_eq!(
        text_of(&c.call("huntress__echo", json!({"text": "over http"})).await),
        "over http"
    );
    let headers: Value =
        serde_json::from_str(&text_of(&c.call("huntress__headers", json!({})).await)).unwrap();
    assert_eq!(headers["x-huntress-api-key"], "hk-http-pub", "{headers}");
    assert_eq!(
        headers["x-huntress-api-secret"], "hs-http-secret-5150",
        "{headers}"
    );
    assert!(
        headers["accept"]
            .as_str()
            .unwrap()
            .contains("text/event-stream"),
        "{headers}"
    );

    let status = home.status();
    let huntress = status.vendor("huntress").unwrap();
    assert_eq!(
        (huntress.state, huntress.source),
        (State::Running, Some(LaunchSource::Http)),
        "{huntress:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_self_hosted_server_answers_calls_with_an_error() {
    let keyring = TestKeyring::start();
    let fake = FakeVendor::start("huntress", &[("api_key", "k"), ("api_secret", "s")]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut home = TempHome::new();
    home.set_env("DBUS_SESSION_BUS_ADDRESS", keyring.bus_address());
    home.set_env("SWITCHBOARD_PROBE_BASE_HUNTRESS", &fake.base);
    home.write_config("[supervisor]\nstart_timeout_s = 5\n");
    assert_eq!(
        home.run(
            [
                "vendors",
                "launch",
                "huntress",
                "--http",
                &format!("http://127.0.0.1:{port}/mcp")
            ],
            ""
        )
        .code,
        0
    );
    assert_eq!(
        home.run(
            ["connect", "huntress", "--field", "api_key=k", "--stdin"],
            r#"{"api_secret": "s"}"#
        )
        .code,
        0
    );
    let mut c = McpClient::spawn(home.bridge(&[]));
    c.initialize().await;
    let started = std::time::Instant::now();
    let r = c.call("huntress__echo", json!({"text": "x"})).await;
    let msg = r["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"));
    assert!(
        msg.contains("could not initialize Huntress's server")
            && msg.contains("cannot reach 127.0.0.1"),
        "{msg}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "answered in {:?}",
        started.elapsed()
    );
}
