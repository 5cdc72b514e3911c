//! What the tray does outside its own process: notifications, start at login, the
//! settings window and the updater (both run by the window program,
//! `switchboard-app`), and restarting into a new version. [`System`] is the real
//! thing; the tests use a fake.

use std::future::Future;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use switchboard_core::Switchboard;
use switchboard_core::supervisor::approvals::Waiting;

/// The argument the app is started with at login: the tray only, no window.
pub const HIDDEN_ARG: &str = "--hidden";
/// How long the updater may take to download, verify and install.
const UPDATER_WITHIN: Duration = Duration::from_secs(15 * 60);

/// The window to show: `switchboard-app --window --page <page> [--slug] [--action]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowRequest {
    pub page: String,
    pub slug: Option<String>,
    /// `sign-in`: the Team page starts a sign-in as it opens.
    pub action: Option<String>,
}

impl WindowRequest {
    pub fn args(&self) -> Vec<String> {
        let mut args = vec![
            "--window".to_owned(),
            "--page".to_owned(),
            self.page.clone(),
        ];
        if let Some(slug) = &self.slug {
            args.extend(["--slug".to_owned(), slug.clone()]);
        }
        if let Some(action) = &self.action {
            args.extend(["--action".to_owned(), action.clone()]);
        }
        args
    }
}

/// What the tray asks the window program's updater to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdaterOp {
    /// `--updates check`.
    Check,
    /// `--updates install`: check, then download, verify and install what it found.
    Install,
}

impl UpdaterOp {
    fn arg(self) -> &'static str {
        match self {
            Self::Check => "check",
            Self::Install => "install",
        }
    }
}

/// What the updater found (or installed).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Found {
    /// The newer version, if there is one (for `install`: the one installed).
    pub latest: Option<String>,
    /// One line for a notification.
    pub summary: String,
}

/// The updater's answer, the last line it prints.
#[derive(Debug, Deserialize)]
struct Answer {
    ok: bool,
    #[serde(default)]
    latest: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// Reads the updater's output: its last line is the answer.
pub fn parse_answer(stdout: &str) -> Result<Found, String> {
    let line = stdout.lines().rev().find(|l| !l.trim().is_empty());
    let answer: Answer = line
        .and_then(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| "Could not check for updates: the updater gave no answer.".to_owned())?;
    if answer.ok {
        Ok(Found {
            summary: answer.summary.unwrap_or_default(),
            latest: answer.latest,
        })
    } else {
        Err(answer
            .message
            .unwrap_or_else(|| "The updater failed without saying why.".into()))
    }
}

pub trait Desktop: Send + Sync + 'static {
    /// Shows a desktop notification (a log line where there is no notification
    /// service).
    fn notify(&self, title: &str, body: &str);
    /// Tells the technician a call waits for approval: a notification with Approve
    /// and Deny where the desktop supports actions (the answer goes to the daemon
    /// through `core`), a plain one elsewhere (the tray menu answers).
    fn ask_approval(&self, call: &Waiting, core: Switchboard);
    fn autostart(&self) -> bool;
    fn set_autostart(&self, on: bool) -> Result<(), String>;
    /// Starts the settings window; a window that is already open takes the request
    /// over (it comes to the front on that page) and the new process ends.
    fn open_window(&self, request: &WindowRequest) -> Result<(), String>;
    /// Runs the window program's updater without a window.
    fn updater(&self, op: UpdaterOp) -> impl Future<Output = Result<Found, String>> + Send;
    /// Starts this program again in place of this process; returns (why not) only
    /// when it could not.
    fn restart(&self) -> String;
}

/// The real desktop.
pub struct System {
    /// The window program, `switchboard-app`.
    pub window: PathBuf,
    autolaunch: Result<auto_launch::AutoLaunch, String>,
}

impl System {
    pub fn new(window: PathBuf) -> Self {
        // The same entry the window's autostart plugin writes: the app's main program
        // with `--hidden`, which hands over to this tray at once.
        let autolaunch = auto_launch::AutoLaunchBuilder::new()
            .set_app_name("Switchboard")
            .set_app_path(&window.display().to_string())
            .set_args(&[HIDDEN_ARG])
            .set_macos_launch_mode(auto_launch::MacOSLaunchMode::LaunchAgent)
            .build()
            .map_err(|e| e.to_string());
        Self { window, autolaunch }
    }

    fn command(&self) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.window);
        cmd.stdin(Stdio::null());
        cmd
    }
}

impl Desktop for System {
    fn ask_approval(&self, call: &Waiting, core: Switchboard) {
        let title = format!("Approve {}?", call.tool);
        let body = format!(
            "{} asks to run it with {}. Approve or deny here, in the tray menu, or with `switchboard approve {}`; after {} s it is denied.",
            call.client.as_deref().unwrap_or("A client"),
            crate::menu::short_arguments(&call.arguments),
            call.id,
            call.timeout_s
        );
        let id = call.id;
        let runtime = tokio::runtime::Handle::current();
        // The notification service is a D-Bus call, and waiting for its action blocks.
        tokio::task::spawn_blocking(move || {
            crate::platform::ask(&title, &body, move |approve| {
                runtime.spawn(async move {
                    if let Err(e) = core.answer(id, approve, "notification").await {
                        tracing::warn!(error = %e, id, "could not answer from the notification");
                    }
                });
            });
        });
    }

    fn notify(&self, title: &str, body: &str) {
        let (title, body) = (title.to_owned(), body.to_owned());
        // The notification service is a D-Bus call; keep it off the tray's thread.
        tokio::task::spawn_blocking(move || {
            let shown = notify_rust::Notification::new()
                .appname("Switchboard")
                .summary(&title)
                .body(&body)
                .show();
            if let Err(e) = shown {
                tracing::warn!(error = %e, %title, "could not show a notification");
            }
        });
    }

    fn autostart(&self) -> bool {
        self.autolaunch
            .as_ref()
            .is_ok_and(|a| a.is_enabled().unwrap_or(false))
    }

    fn set_autostart(&self, on: bool) -> Result<(), String> {
        let launcher = self.autolaunch.as_ref().map_err(Clone::clone)?;
        let result = if on {
            launcher.enable()
        } else {
            launcher.disable()
        };
        result.map_err(|e| {
            format!(
                "The desktop did not take the start-at-login setting ({e}). Add Switchboard to your session's startup programs by hand."
            )
        })
    }

    fn open_window(&self, request: &WindowRequest) -> Result<(), String> {
        let mut cmd = self.command();
        for (key, value) in crate::platform::WINDOW_ENV {
            if std::env::var_os(key).is_none() {
                cmd.env(key, value);
            }
        }
        let mut child = cmd
            .args(request.args())
            .spawn()
            .map_err(|e| format!("{} did not start: {e}", self.window.display()))?;
        // Reap it when it ends (the window closed, or it handed over to an open one).
        tokio::spawn(async move {
            let _ = child.wait().await;
        });
        Ok(())
    }

    async fn updater(&self, op: UpdaterOp) -> Result<Found, String> {
        let mut cmd = self.command();
        cmd.args(["--updates", op.arg()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let output = match tokio::time::timeout(UPDATER_WITHIN, cmd.output()).await {
            Ok(Ok(output)) => output,
            Ok(Err(e)) => {
                return Err(format!(
                    "Could not check for updates: {} did not start ({e}).",
                    self.window.display()
                ));
            }
            Err(_) => return Err("The updater took more than 15 minutes and was stopped.".into()),
        };
        parse_answer(&String::from_utf8_lossy(&output.stdout))
    }

    fn restart(&self) -> String {
        let exe = match std::env::current_exe() {
            Ok(exe) => switchboard_core::supervisor::launch::installed_path(&exe),
            Err(e) => {
                return format!("Switchboard cannot find its own program ({e}); open it again.");
            }
        };
        let e = switchboard_core::supervisor::launch::replace_process(
            std::process::Command::new(&exe).arg(HIDDEN_ARG),
        );
        format!("Switchboard could not start {} again: {e}", exe.display())
    }
}
