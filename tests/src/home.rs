//! `TempHome`: a throwaway `SWITCHBOARD_HOME` and a way to run the CLI inside it.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Stops the home's daemon when the test ends, so no daemon outlives its test.
impl Drop for TempHome {
    fn drop(&mut self) {
        if self.path().join("run").exists() {
            self.stop_daemon();
        }
    }
}

pub struct TempHome {
    dir: tempfile::TempDir,
    /// Extra environment for every command (probe base overrides, say).
    env: Vec<(String, String)>,
}

/// What a CLI run produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Stdout as the typed value it must be (`status --json` as a `StatusReport`).
    pub fn parsed<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not the expected JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Everything the process printed, for leak checks.
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

impl Default for TempHome {
    fn default() -> Self {
        Self::new()
    }
}

impl TempHome {
    pub fn new() -> Self {
        Self {
            dir: tempfile::Builder::new()
                .prefix("sb-home-")
                .tempdir()
                .expect("temp dir"),
            env: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The user's home directory as the commands see it (`HOME`): MCP client configs
    /// (`~/.claude.json`, `~/.config/Claude/…`) live here, never in the real home.
    pub fn user_home(&self) -> PathBuf {
        self.path().join("user")
    }

    pub fn paths(&self) -> switchboard_core::paths::Paths {
        switchboard_core::paths::Paths::under(self.path())
    }

    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.push((key.to_owned(), value.to_owned()));
    }

    /// A `switchboard` command with this home and a clean Switchboard environment.
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new(crate::switchboard_bin());
        self.apply_env(&mut cmd);
        cmd.args(args);
        cmd
    }

    /// Gives `cmd` this home's environment: a clean Switchboard environment with
    /// `SWITCHBOARD_HOME` set, plus whatever `set_env` added.
    pub fn apply_env(&self, cmd: &mut Command) {
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("SWITCHBOARD_") && key != "SWITCHBOARD_BIN" {
                cmd.env_remove(&key);
            }
        }
        cmd.env("SWITCHBOARD_HOME", self.path());
        // The MSP preset: this home's `preset.toml` (absent unless a test writes it).
        // A machine with its own `/etc/switchboard/preset.toml` wins over it by
        // design, so run the tests where there is none (CI has none).
        cmd.env("SWITCHBOARD_PRESET", self.path().join("preset.toml"));
        cmd.env("NO_PROXY", "127.0.0.1,localhost");
        // Client configs follow HOME and XDG: keep every test away from the real ones.
        cmd.env("HOME", self.user_home());
        for var in [
            "XDG_CONFIG_HOME",
            "XDG_DATA_HOME",
            "XDG_CACHE_HOME",
            "APPDATA",
            "LOCALAPPDATA",
        ] {
            cmd.env_remove(var);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
    }

    /// Runs the CLI with `stdin` as its input (no terminal, so no prompts).
    pub fn run<I, S>(&self, args: I, stdin: &str) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run_command(self.command(args), stdin)
    }

    pub fn run_command(&self, mut cmd: Command, stdin: &str) -> Run {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawning switchboard");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("writing stdin");
        let Output {
            status,
            stdout,
            stderr,
        } = child.wait_with_output().expect("waiting for switchboard");
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }
    }

    /// Writes `<config>/config.toml`.
    /// `switchboard status --json`, typed: the CLI's report must parse as the contract.
    pub fn status(&self) -> switchboard_core::status::StatusReport {
        let run = self.run(["status", "--json"], "");
        assert_eq!(run.code, 0, "status failed: {}", run.stderr);
        run.parsed()
    }

    pub fn write_config(&self, toml: &str) {
        let path = self.path().join("config/config.toml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, toml).unwrap();
    }

    /// `switchboard bridge <args>` as an async command, with this home's environment.
    pub fn bridge(&self, args: &[&str]) -> tokio::process::Command {
        let cmd = self.command(std::iter::once("bridge").chain(args.iter().copied()));
        tokio::process::Command::from(cmd)
    }

    /// The runtime directory (the daemon's socket and lock).
    pub fn runtime(&self) -> std::path::PathBuf {
        self.paths().runtime
    }

    /// Stops this home's daemon, if one runs.
    pub fn stop_daemon(&self) {
        let _ = self.run(["daemon", "stop"], "");
    }

    /// Every regular file under `root` whose bytes contain `needle`.
    pub fn files_containing(root: &Path, needle: &str) -> Vec<PathBuf> {
        let mut hits = Vec::new();
        let mut stack = vec![root.to_owned()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(meta) = std::fs::symlink_metadata(&path) else {
                    continue;
                };
                if meta.is_dir() {
                    stack.push(path);
                } else if meta.is_file()
                    && let Ok(bytes) = std::fs::read(&path)
                    && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
                {
                    hits.push(path);
                }
            }
        }
        hits
    }
}
