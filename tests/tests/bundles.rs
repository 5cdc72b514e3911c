//! `.mcpb` bundles, end to end, against tools nobody here wrote: the official `mcpb`
//! CLI, `openssl cms`, yauzl (the zip reader family Claude Desktop uses) and Python's
//! `zipfile` for writing hostile archives.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use switchboard_core::status::LaunchSource;
use switchboard_tests::mcpb::{self, python_zip};
use switchboard_tests::{McpClient, TempHome, TestKeyring, text_of, tools};

const FIXTURE: &str = env!("CARGO_BIN_EXE_fixture-server");

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Ran {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn mcpb(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Ran {
    let mut cmd = Command::new(tools::node());
    cmd.arg(tools::mcpb());
    for a in args {
        cmd.arg(a);
    }
    run(&mut cmd)
}

fn zip_strict(file: &Path) -> Value {
    let r = run(Command::new(tools::node())
        .arg(tools::zip_strict())
        .arg(file));
    serde_json::from_str(r.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn build(home: &TempHome, out: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["bundle", "build", "--json", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let r = home.run(&args, "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json().as_array().unwrap().clone()
}

fn path_of(built: &Value) -> PathBuf {
    PathBuf::from(built["path"].as_str().unwrap())
}

#[test]
fn built_bundles_satisfy_the_official_cli_and_rebuild_byte_identically() {
    let home = TempHome::new();
    let work = tempfile::tempdir().unwrap();
    let a = build(&home, &work.path().join("a"), &["--vendor", "hudu"]);
    let b = build(&home, &work.path().join("b"), &["--vendor", "hudu"]);
    let (fa, fb) = (path_of(&a[0]), path_of(&b[0]));
    assert_eq!(fa.file_name().unwrap(), "switchboard-hudu-0.1.0.mcpb");
    let bytes = std::fs::read(&fa).unwrap();
    assert_eq!(
        bytes,
        std::fs::read(&fb).unwrap(),
        "a rebuild is byte-identical"
    );

    // The sidecar is `sha256sum` format, and `sha256sum -c` agrees.
    let sidecar =
        std::fs::read_to_string(work.path().join("a/switchboard-hudu-0.1.0.mcpb.sha256")).unwrap();
    assert_eq!(
        sidecar,
        format!(
            "{}  switchboard-hudu-0.1.0.mcpb\n",
            a[0]["sha256"].as_str().unwrap()
        )
    );
    let check = run(Command::new("sha256sum")
        .arg("-c")
        .arg("switchboard-hudu-0.1.0.mcpb.sha256")
        .current_dir(work.path().join("a")));
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);

    let info = mcpb(&[&"info", &fa]);
    assert_eq!(info.code, 0, "{}{}", info.stdout, info.stderr);
    assert!(
        info.stdout.contains("File: switchboard-hudu-0.1.0.mcpb"),
        "{}",
        info.stdout
    );
    assert!(info.stdout.contains("Not signed"), "{}", info.stdout);

    let unpacked = work.path().join("unpacked");
    let unpack = mcpb(&[&"unpack", &fa, &unpacked]);
    assert_eq!(unpack.code, 0, "{}{}", unpack.stdout, unpack.stderr);
    for target in [unpacked.clone(), unpacked.join("manifest.json")] {
        let v = mcpb(&[&"validate", &target]);
        assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
        assert!(
            v.stdout.contains("Manifest schema validation passes!"),
            "{}",
            v.stdout
        );
    }
    // The binary inside is this switchboard, executable, and it speaks MCP.
    let shipped = unpacked.join("server/switchboard");
    assert_eq!(
        std::fs::read(&shipped).unwrap(),
        std::fs::read(switchboard_tests::switchboard_bin()).unwrap()
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&shipped).unwrap().permissions().mode() & 0o777,
        0o755
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(unpacked.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["manifest_version"], "0.2");
    assert_eq!(manifest["server"]["type"], "binary");
    assert_eq!(
        manifest["server"]["mcp_config"]["args"],
        json!(["bridge", "--vendor", "hudu"])
    );
    assert_eq!(
        manifest["server"]["mcp_config"]["platform_overrides"]["win32"]["command"],
        "${__dirname}/server/switchboard.exe"
    );
    assert!(
        manifest.get("user_config").is_none(),
        "no user_config: {manifest}"
    );
    assert_eq!(zip_strict(&fa)["entries"], 3);

    // The all-vendors bundle runs the plain bridge.
    let all = build(&home, &work.path().join("all"), &["--all"]);
    let inspect = home.run(
        [
            "bundle",
            "inspect",
            "--json",
            all[0]["path"].as_str().unwrap(),
        ],
        "",
    );
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    let i = inspect.json();
    assert_eq!(i["manifest"]["name"], "switchboard");
    assert_eq!(i["manifest"]["args"], json!(["bridge"]));
    assert_eq!(i["ok"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_in_a_bundle_serves_mcp_as_claude_would_start_it() {
    let home = TempHome::new();
    let work = tempfile::tempdir().unwrap();
    let built = build(&home, work.path(), &["--vendor", "hudu"]);
    let unpacked = work.path().join("x");
    assert_eq!(mcpb(&[&"unpack", &path_of(&built[0]), &unpacked]).code, 0);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(unpacked.join("manifest.json")).unwrap()).unwrap();
    let cfg = &manifest["server"]["mcp_config"];
    let command = cfg["command"]
        .as_str()
        .unwrap()
        .replace("${__dirname}", unpacked.to_str().unwrap());
    let mut cmd = Command::new(command);
    home.apply_env(&mut cmd);
    cmd.args(
        cfg["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap()),
    );
    let mut client = McpClient::spawn(tokio::process::Command::from(cmd));
    let init = client.initialize().await;
    assert_eq!(
        init["result"]["serverInfo"]["name"], "switchboard",
        "{init}"
    );
    client.close().await;
    home.stop_daemon();
}

fn openssl(args: &[&str], dir: &Path) {
    let r = run(Command::new("openssl").args(args).current_dir(dir));
    assert_eq!(r.code, 0, "openssl {args:?}: {}", r.stderr);
}

/// The signature block's DER and the signed prefix, cut as `mcpb`'s extractor does.
fn split(file: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let end = file
        .windows(12)
        .rposition(|w| w == b"MCPB_SIG_END")
        .unwrap();
    let start = file[..end]
        .windows(11)
        .rposition(|w| w == b"MCPB_SIG_V1")
        .unwrap();
    let len = u32::from_le_bytes(file[start + 11..start + 15].try_into().unwrap()) as usize;
    (
        file[start + 15..start + 15 + len].to_vec(),
        file[..start].to_vec(),
    )
}

#[test]
fn signatures_interoperate_with_openssl_and_mcpb_sign() {
    let home = TempHome::new();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-days",
            "30",
            "-subj",
            "/CN=Interop Signer/O=Switchboard Tests",
        ],
        dir,
    );

    // Ours → openssl verifies the detached CMS; yauzl still opens the file.
    let signed = build(
        &home,
        &dir.join("signed"),
        &[
            "--vendor",
            "hudu",
            "--sign-cert",
            dir.join("cert.pem").to_str().unwrap(),
            "--sign-key",
            dir.join("key.pem").to_str().unwrap(),
        ],
    );
    let signed_path = path_of(&signed[0]);
    assert_eq!(signed[0]["signed"], true);
    let bytes = std::fs::read(&signed_path).unwrap();
    let (der, content) = split(&bytes);
    std::fs::write(dir.join("sig.der"), der).unwrap();
    std::fs::write(dir.join("content.bin"), content).unwrap();
    openssl(
        &[
            "cms",
            "-verify",
            "-inform",
            "DER",
            "-in",
            "sig.der",
            "-content",
            "content.bin",
            "-binary",
            "-noverify",
            "-out",
            "/dev/null",
        ],
        dir,
    );
    let strict = zip_strict(&signed_path);
    assert_eq!(strict["comment_length"], 16384, "{strict}");
    let unpack = mcpb(&[&"unpack", &signed_path, &dir.join("signed-unpacked")]);
    assert_eq!(unpack.code, 0, "{}", unpack.stderr);
    let i = home
        .run(
            ["bundle", "inspect", "--json", signed_path.to_str().unwrap()],
            "",
        )
        .json();
    assert_eq!(i["signature"]["status"], "valid", "{i}");
    assert_eq!(i["signature"]["layout"], "comment");
    assert_eq!(i["signature"]["signer"]["self_signed"], true);
    assert!(
        i["signature"]["signer"]["subject"]
            .as_str()
            .unwrap()
            .contains("CN=Interop Signer")
    );

    // mcpb sign → we verify it, and say why Claude Desktop will refuse the file.
    let unsigned = build(&home, &dir.join("plain"), &["--vendor", "hudu"]);
    let theirs = dir.join("theirs.mcpb");
    std::fs::copy(path_of(&unsigned[0]), &theirs).unwrap();
    let sign = mcpb(&[
        &"sign",
        &theirs,
        &"-c",
        &dir.join("cert.pem"),
        &"-k",
        &dir.join("key.pem"),
    ]);
    assert_eq!(sign.code, 0, "{}{}", sign.stdout, sign.stderr);
    let r = home.run(
        ["bundle", "inspect", "--json", theirs.to_str().unwrap()],
        "",
    );
    let i = r.json();
    assert_eq!(i["signature"]["status"], "valid", "{i}");
    assert_eq!(i["signature"]["layout"], "appended");
    assert!(
        i["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "signature_layout"),
        "{i}"
    );
    assert!(
        zip_strict(&theirs)["error"]
            .as_str()
            .unwrap()
            .contains("Invalid comment length")
    );

    // One flipped byte anywhere in the signed part, and the signature fails.
    for file in [&signed_path, &theirs] {
        let mut bytes = std::fs::read(file).unwrap();
        bytes[100] ^= 0x01;
        let tampered = dir.join("tampered.mcpb");
        std::fs::write(&tampered, bytes).unwrap();
        let r = home.run(
            ["bundle", "inspect", "--json", tampered.to_str().unwrap()],
            "",
        );
        assert_eq!(r.code, 8, "{}", r.stdout);
        assert_eq!(r.json()["signature"]["status"], "invalid");
    }

    // A key that is not the certificate's is refused before anything is built.
    openssl(
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "other.pem",
        ],
        dir,
    );
    let r = home.run(
        [
            "bundle",
            "build",
            "--vendor",
            "hudu",
            "--out",
            dir.join("nope").to_str().unwrap(),
            "--sign-cert",
            dir.join("cert.pem").to_str().unwrap(),
            "--sign-key",
            dir.join("other.pem").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("does not belong to the certificate"),
        "{}",
        r.stderr
    );
    assert!(!dir.join("nope").exists());
    let key = std::fs::read_to_string(dir.join("other.pem")).unwrap();
    let secret_line = key.lines().nth(1).unwrap();
    assert!(
        !r.all_output().contains(secret_line),
        "no key material in errors"
    );
}

const MANIFEST: &str = r#"{"manifest_version":"0.2","name":"evil","version":"1.0.0","description":"d","author":{"name":"a"},"server":{"type":"binary","entry_point":"server/x","mcp_config":{"command":"${__dirname}/server/x"}}}"#;

#[test]
fn hostile_bundles_are_refused_and_nothing_is_unpacked() {
    let home = TempHome::new();
    let work = tempfile::tempdir().unwrap();
    let m = format!("z.writestr('manifest.json', r'''{MANIFEST}''')\nz.writestr('server/x', 'x')");
    let cases = [
        (
            "traversal",
            format!("{m}\nz.writestr('../escaped.txt', 'owned')"),
            "points outside the bundle",
        ),
        (
            "backslash",
            format!("{m}\nz.writestr('..\\\\escaped.txt', 'owned')"),
            "points outside the bundle",
        ),
        (
            "absolute",
            format!("{m}\nz.writestr('/tmp/escaped.txt', 'owned')"),
            "absolute path",
        ),
        (
            "symlink",
            format!(
                "{m}\ni = zipfile.ZipInfo('server/link')\ni.external_attr = 0o120777 << 16\nz.writestr(i, '/etc/passwd')"
            ),
            "symbolic link",
        ),
        (
            "bomb",
            format!("{m}\nz.writestr('zeros.bin', bytes(200 * 1024 * 1024))"),
            "expands more than 100 times",
        ),
        (
            "many",
            format!("{m}\nfor n in range(10001): z.writestr('f/%d' % n, '')"),
            "10,000",
        ),
        (
            "no manifest",
            "z.writestr('server/x', 'x')".to_owned(),
            "no manifest.json",
        ),
        (
            "bad manifest",
            "z.writestr('manifest.json', '{\"manifest_version\": \"0.2\", \"name\": \"x\"}')"
                .to_owned(),
            "missing field",
        ),
        (
            "entry point missing",
            format!("z.writestr('manifest.json', r'''{MANIFEST}''')"),
            "entry point `server/x` is not in the bundle",
        ),
    ];
    for (what, body, reason) in cases {
        let file = work.path().join(format!("{}.mcpb", what.replace(' ', "-")));
        python_zip(&file, &body);
        let inspect = home.run(["bundle", "inspect", file.to_str().unwrap()], "");
        assert_eq!(inspect.code, 8, "{what}: {}", inspect.stdout);
        assert!(
            inspect.stdout.contains(reason),
            "{what}: {}",
            inspect.stdout
        );
        let import = home.run(
            ["bundle", "import", file.to_str().unwrap(), "--no-connect"],
            "",
        );
        assert_eq!(import.code, 8, "{what}: {}", import.stderr);
        assert!(import.stderr.contains(reason), "{what}: {}", import.stderr);
        let left: Vec<String> = std::fs::read_dir(home.paths().bundles_dir())
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            left.iter().all(|n| n == ".lock"),
            "{what}: left behind {left:?}"
        );
    }
    assert!(!work.path().parent().unwrap().join("escaped.txt").exists());
    assert!(!Path::new("/tmp/escaped.txt").exists());
}

fn vendor_bundle(path: &Path, name: &str, env: Value, user_config: Value) {
    mcpb::vendor_bundle(path, name, Path::new(FIXTURE), env, user_config);
}

async fn env_of(client: &mut McpClient, tool: &str, var: &str) -> String {
    text_of(&client.call(tool, json!({"name": var})).await)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_imported_bundle_runs_with_keychain_credentials_and_no_placeholders() {
    let keyring = TestKeyring::start();
    let mut home = TempHome::new();
    home.set_env("DBUS_SESSION_BUS_ADDRESS", keyring.bus_address());
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("acme-rmm-mcp.mcpb");
    vendor_bundle(
        &file,
        "acme-rmm-mcp",
        json!({
            "ACME_API_KEY": "${user_config.acme_api_key}",
            "ACME_REGION": "${user_config.acme_region}",
            "ACME_BASE_URL": "${user_config.acme_base_url}",
            "ACME_HOME": "${HOME}",
            "MCP_TRANSPORT": "stdio"
        }),
        json!({
            "acme_api_key": {"type": "string", "title": "API key", "description": "From Settings → API", "required": true, "sensitive": true},
            "acme_region": {"type": "string", "title": "Region", "description": "us or eu", "default": "eu"},
            "acme_base_url": {"type": "string", "title": "Base URL", "description": "Only for private clouds"}
        }),
    );
    let r = home.run(["bundle", "import", file.to_str().unwrap(), "--json"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let imported = r.json();
    assert_eq!(imported["record"]["slug"], "acme-rmm");
    assert_eq!(imported["record"]["binding"], "custom");

    let show = home
        .run(["vendors", "show", "acme-rmm", "--json"], "")
        .json();
    let fields = show["fields"].as_array().unwrap();
    let key = fields.iter().find(|f| f["key"] == "acme_api_key").unwrap();
    assert_eq!(key["secret"], true);
    assert_eq!(key["env"], "ACME_API_KEY");

    let secret = "acme-live-7f3a9c1e5b";
    let c = home.run(
        ["connect", "acme-rmm", "--stdin", "--json"],
        &json!({"acme_api_key": secret}).to_string(),
    );
    assert_eq!(c.code, 0, "{}", c.stderr);
    let service = c.json()["keychain_service"].as_str().unwrap().to_owned();
    assert_eq!(
        keyring.lookup(&service, "acme_api_key").as_deref(),
        Some(secret)
    );

    let mut client = McpClient::spawn(home.bridge(&[]));
    client.initialize().await;
    let tools = client.tool_names().await;
    assert!(tools.contains(&"acme-rmm__echo".to_owned()), "{tools:?}");
    assert_eq!(
        env_of(&mut client, "acme-rmm__env", "ACME_API_KEY").await,
        secret
    );
    assert_eq!(
        env_of(&mut client, "acme-rmm__env", "ACME_REGION").await,
        "eu",
        "the default"
    );
    assert_eq!(
        env_of(&mut client, "acme-rmm__env", "ACME_BASE_URL").await,
        "<unset>",
        "a blank optional value is left out, never the literal placeholder"
    );
    assert_eq!(
        env_of(&mut client, "acme-rmm__env", "ACME_HOME").await,
        home.user_home().display().to_string()
    );
    client.close().await;
    let status = home.status();
    let acme = status.vendor("acme-rmm").unwrap();
    assert_eq!(acme.source, Some(LaunchSource::Bundle), "{acme:?}");
    home.stop_daemon();

    // The secret is in the keychain and nowhere under the home.
    assert_eq!(
        TempHome::files_containing(home.path(), secret),
        Vec::<PathBuf>::new()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bundle_named_after_a_catalog_vendor_runs_as_that_vendor() {
    let keyring = TestKeyring::start();
    let mut home = TempHome::new();
    home.set_env("DBUS_SESSION_BUS_ADDRESS", keyring.bus_address());
    let work = tempfile::tempdir().unwrap();
    // Syncro's released bundle is syncro-mcp.mcpb; its subdomain is optional there.
    let file = work.path().join("syncro-mcp.mcpb");
    vendor_bundle(
        &file,
        "syncro-mcp",
        json!({
            "SYNCRO_API_KEY": "${user_config.syncro_api_key}",
            "SYNCRO_SUBDOMAIN": "${user_config.syncro_subdomain}",
            "SYNCRO_BASE_URL": "https://${user_config.syncro_subdomain}.syncromsp.com"
        }),
        json!({
            "syncro_api_key": {"type": "string", "title": "API key", "description": "d", "required": true, "sensitive": true},
            "syncro_subdomain": {"type": "string", "title": "Subdomain", "description": "d"}
        }),
    );
    let r = home.run(["bundle", "import", file.to_str().unwrap(), "--json"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let imported = r.json();
    assert_eq!(imported["record"]["slug"], "syncro");
    assert_eq!(imported["record"]["binding"], "catalog");
    let settings = imported["settings"].as_array().unwrap();
    assert!(
        settings.iter().any(|s| s["key"] == "syncro_api_key"
            && s["field"] == "api_key"
            && s["secret"] == true),
        "{imported}"
    );

    let secret = "syncro-T0k3n-abc123";
    let c = home.run(
        ["connect", "syncro", "--stdin", "--no-test"],
        &json!({"api_key": secret, "subdomain": "acme"}).to_string(),
    );
    assert_eq!(c.code, 0, "{}", c.stderr);
    let mut client = McpClient::spawn(home.bridge(&["--vendor", "syncro"]));
    client.initialize().await;
    assert_eq!(
        env_of(&mut client, "syncro__env", "SYNCRO_API_KEY").await,
        secret
    );
    assert_eq!(
        env_of(&mut client, "syncro__env", "SYNCRO_BASE_URL").await,
        "https://acme.syncromsp.com"
    );
    client.close().await;
    home.stop_daemon();

    // Re-importing replaces the files; removing it brings back "not installed".
    let again = home.run(["bundle", "import", file.to_str().unwrap(), "--json"], "");
    assert_eq!(again.json()["replaced"], true);
    let rm = home.run(["bundle", "remove", "syncro"], "");
    assert_eq!(rm.code, 0, "{}", rm.stderr);
    let doctor = home.run(["doctor", "--json"], "").json();
    let runtime = doctor["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "runtime:syncro")
        .unwrap()
        .clone();
    assert_eq!(runtime["status"], "fail", "{runtime}");
    assert!(
        runtime["hint"]
            .as_str()
            .unwrap()
            .contains("switchboard bundle import"),
        "{runtime}"
    );
    assert_eq!(
        TempHome::files_containing(home.path(), secret),
        Vec::<PathBuf>::new()
    );
}

#[test]
fn a_bundle_that_would_put_a_secret_on_the_command_line_is_refused() {
    let home = TempHome::new();
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("leaky-mcp.mcpb");
    let manifest = json!({
        "manifest_version": "0.2", "name": "leaky-mcp", "version": "1.0.0", "description": "d",
        "author": {"name": "a"},
        "server": {"type": "binary", "entry_point": "server/x",
            "mcp_config": {"command": "${__dirname}/server/x", "args": ["--token", "${user_config.token}"]}},
        "user_config": {"token": {"type": "string", "title": "Token", "description": "d", "sensitive": true, "required": true}}
    });
    python_zip(
        &file,
        &format!("z.writestr('manifest.json', r'''{manifest}''')\nz.writestr('server/x', 'x')"),
    );
    let r = home.run(
        ["bundle", "import", file.to_str().unwrap(), "--no-connect"],
        "",
    );
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(r.stderr.contains("on the command line"), "{}", r.stderr);
}
