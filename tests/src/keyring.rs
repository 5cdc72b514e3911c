//! `TestKeyring`: a private D-Bus session with a fresh, unlocked gnome-keyring, for
//! tests that use the real Secret Service.
//!
//! Each instance has its own bus and its own keyring files under a temporary HOME, so
//! tests run in parallel without seeing each other, and nothing ever touches the
//! developer's own keyring. Readiness is awaited on events (the daemon's
//! `GNOME_KEYRING_CONTROL=` line, then `gdbus wait` for the service name), not sleeps.
//! Dropping it stops both daemons.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

pub struct TestKeyring {
    dir: tempfile::TempDir,
    address: String,
    dbus: Child,
    _dbus_out: BufReader<ChildStdout>,
    keyring: Child,
}

const NEEDS: &str =
    "needs dbus-daemon, gnome-keyring-daemon, gdbus and secret-tool (scripts/setup installs them)";

impl TestKeyring {
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("sb-keyring-")
            .tempdir()
            .expect("temp dir");
        let mut dbus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting dbus-daemon ({NEEDS}): {e}"));
        let mut dbus_out = BufReader::new(dbus.stdout.take().expect("stdout"));
        let mut address = String::new();
        dbus_out
            .read_line(&mut address)
            .expect("reading the bus address");
        let address = address.trim().to_owned();
        assert!(
            address.starts_with("unix:"),
            "unexpected bus address {address:?}"
        );

        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path().join("share"))
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting gnome-keyring-daemon ({NEEDS}): {e}"));
        {
            let mut stdin = keyring.stdin.take().expect("stdin");
            stdin
                .write_all(b"switchboard-test")
                .expect("unlock password");
        }
        let out = BufReader::new(keyring.stdout.take().expect("stdout"));
        let ready = out
            .lines()
            .map_while(Result::ok)
            .any(|l| l.starts_with("GNOME_KEYRING_CONTROL="));
        assert!(ready, "gnome-keyring-daemon exited before it was ready");
        let this = Self {
            dir,
            address,
            dbus,
            _dbus_out: dbus_out,
            keyring,
        };
        let waited = this
            .command("gdbus")
            .args([
                "wait",
                "--session",
                "--timeout",
                "20",
                "org.freedesktop.secrets",
            ])
            .status()
            .unwrap_or_else(|e| panic!("running gdbus ({NEEDS}): {e}"));
        assert!(
            waited.success(),
            "the Secret Service did not appear on the test bus"
        );
        this
    }

    /// The bus address to give processes that should use this keyring.
    pub fn bus_address(&self) -> &str {
        &self.address
    }

    /// The keyring daemon's HOME, where its (encrypted) keyring files live.
    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address);
        cmd
    }

    /// Looks an item up with libsecret's `secret-tool`, independent of our code.
    pub fn lookup(&self, service: &str, account: &str) -> Option<String> {
        let out = self
            .command("secret-tool")
            .args(["lookup", "service", service, "username", account])
            .output()
            .unwrap_or_else(|e| panic!("running secret-tool ({NEEDS}): {e}"));
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Every item's attributes and label, as `secret-tool search --all` prints them.
    pub fn search(&self, service: &str) -> String {
        let out = self
            .command("secret-tool")
            .args(["search", "--all", "service", service])
            .output()
            .expect("secret-tool");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    /// Locks the default collection, as a screen lock or a timeout would.
    pub fn lock(&self) {
        let status = self
            .command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/aliases/default",
            ])
            .stdout(Stdio::null())
            .status()
            .expect("dbus-send");
        assert!(status.success(), "locking the keyring failed");
    }
}

impl Drop for TestKeyring {
    fn drop(&mut self) {
        let _ = self.keyring.kill();
        let _ = self.keyring.wait();
        let _ = self.dbus.kill();
        let _ = self.dbus.wait();
    }
}
