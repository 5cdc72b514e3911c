//! What the tray knows and what its menu items do.
//!
//! [`Tray`] keeps the daemon's last status, the updater's phase and the team sign-in
//! flag, redraws the menu through a [`View`] when they change, and acts on menu
//! clicks and on requests from the tray's channel. Everything that leaves the process
//! (notifications, the window, start at login, the updater, restarting) goes through
//! [`Desktop`], so the rules are tested with a fake.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use switchboard_core::clients::Client;
use switchboard_core::ipc::tray::TrayRequest;
use switchboard_core::ipc::watch::{Attach, Watcher, watch};
use switchboard_core::status::{ControlEvent, State, StatusReport};
use switchboard_core::supervisor::approvals::Waiting;
use switchboard_core::{Coded as _, Switchboard};

use crate::desktop::{Desktop, UpdaterOp, WindowRequest};
use crate::menu::{self, Model, Phase, VendorAction};

/// Draws the tray: the platform file's half.
pub trait View: Send + Sync + 'static {
    fn draw(&self, model: &Model);
}

pub struct Tray<D: Desktop> {
    pub core: Switchboard,
    /// The `switchboard` program: the daemon is `<cli> daemon`, clients run
    /// `<cli> bridge`.
    pub cli: std::path::PathBuf,
    pub desktop: D,
    view: Box<dyn View>,
    status: Mutex<Option<StatusReport>>,
    daemon_error: Mutex<Option<String>>,
    attached_once: AtomicBool,
    signing_in: AtomicBool,
    update: Mutex<Phase>,
    /// The version the daily check last told the technician about.
    told: Mutex<Option<String>>,
    /// What the menu shows now, so that a redraw with the same model does nothing.
    drawn: Mutex<Option<Model>>,
    /// Wakes the daemon watcher (after a change, or to retry at once).
    pub poke: tokio::sync::Notify,
    /// Vendor states seen in events, to notify on a change only.
    states: Mutex<std::collections::HashMap<String, State>>,
    /// Calls waiting for the technician's approval, as the daemon last listed them.
    approvals: Mutex<Vec<Waiting>>,
}

impl<D: Desktop> Tray<D> {
    pub fn new(
        core: Switchboard,
        cli: std::path::PathBuf,
        desktop: D,
        view: Box<dyn View>,
    ) -> Self {
        Self {
            core,
            cli,
            desktop,
            view,
            status: Mutex::new(None),
            daemon_error: Mutex::new(None),
            attached_once: AtomicBool::new(false),
            signing_in: AtomicBool::new(false),
            update: Mutex::new(Phase::Idle),
            told: Mutex::new(None),
            drawn: Mutex::new(None),
            poke: tokio::sync::Notify::new(),
            states: Mutex::new(std::collections::HashMap::new()),
            approvals: Mutex::new(Vec::new()),
        }
    }

    fn desktop_installed(&self) -> bool {
        self.core
            .client_status(Client::ClaudeDesktop)
            .is_ok_and(|s| s.command.is_some())
    }

    pub fn phase(&self) -> Phase {
        self.update.lock().expect("phase lock").clone()
    }

    fn set_phase(&self, phase: Phase) {
        *self.update.lock().expect("phase lock") = phase;
    }

    /// The menu as it should look from what the tray knows now.
    pub fn model(&self) -> Model {
        let status = self.status.lock().expect("status lock").clone();
        let daemon_error = self.daemon_error.lock().expect("error lock").clone();
        let approvals = self.approvals.lock().expect("approvals lock").clone();
        menu::model(&menu::Inputs {
            approvals: &approvals,
            status: status.as_ref(),
            daemon_error: daemon_error.as_deref(),
            desktop_installed: self.desktop_installed(),
            autostart: self.desktop.autostart(),
            attaching: !self.attached_once.load(Ordering::Relaxed),
            signing_in: self.signing_in.load(Ordering::Relaxed),
            update: self.phase(),
        })
    }

    /// Redraws the menu, if it changed.
    pub fn redraw(&self) {
        let model = self.model();
        let mut drawn = self.drawn.lock().expect("drawn lock");
        if drawn.as_ref() != Some(&model) {
            self.view.draw(&model);
            *drawn = Some(model);
        }
    }

    fn open(&self, page: &str, slug: Option<&str>) {
        self.open_with(WindowRequest {
            page: page.to_owned(),
            slug: slug.map(str::to_owned),
            action: None,
        });
    }

    fn open_with(&self, request: WindowRequest) {
        if let Err(e) = self.desktop.open_window(&request) {
            self.desktop.notify("Cannot open Switchboard's window", &e);
        }
    }

    fn vendor_name(&self, slug: &str) -> String {
        self.core
            .catalog()
            .get(slug)
            .map_or_else(|_| slug.to_owned(), |v| v.name.clone())
    }

    /// Acts on a menu click. Returns `false` for Quit.
    pub async fn menu(&self, id: &str) -> bool {
        match id {
            menu::QUIT => return false,
            menu::OPEN => self.open("vendors", None),
            menu::INSTALL_DESKTOP => self.install_desktop(),
            // The Team page runs the sign-in and shows its progress.
            menu::TEAM_SIGN_IN => self.open_with(WindowRequest {
                page: "team".into(),
                slug: None,
                action: Some("sign-in".into()),
            }),
            menu::TEAM_SIGN_OUT => {
                match self.core.logout().await {
                    Ok(_) => self.desktop.notify(
                        "Signed out of your team",
                        "The team's vendors are no longer served on this computer.",
                    ),
                    Err(e) => self.desktop.notify("Could not sign out", &e.to_string()),
                }
                self.poke.notify_one();
            }
            menu::AUTOSTART => {
                let on = !self.desktop.autostart();
                if let Err(e) = self.desktop.set_autostart(on) {
                    self.desktop.notify("Start at login", &e);
                }
                self.redraw();
            }
            menu::UPDATES => {
                if let Err(message) = self.check_updates().await {
                    self.desktop.notify("Switchboard updates", &message);
                }
            }
            menu::UPDATE_INSTALL => self.install_update().await,
            _ => {
                if let Some((call, approve)) = menu::parse_approval(id) {
                    self.answer(call, approve, "tray").await;
                } else if let Some((slug, action)) = VendorAction::parse(id) {
                    self.vendor_action(slug, action).await;
                }
            }
        }
        true
    }

    /// Approves or declines a waiting call; says so when it could not.
    pub async fn answer(&self, id: u64, approve: bool, by: &str) {
        if let Err(e) = self.core.answer(id, approve, by).await {
            self.desktop
                .notify("Could not answer the call", &e.to_string());
        }
        self.poke.notify_one();
    }

    async fn vendor_action(&self, slug: &str, action: VendorAction) {
        let name = self.vendor_name(slug);
        let (title, body) = match action {
            // Forms and confirmations live in the window.
            VendorAction::Connect | VendorAction::Disconnect => {
                return self.open("vendors", Some(slug));
            }
            VendorAction::Test => match self.core.test(slug).await {
                Ok(o) if o.is_ok() => (format!("{name}: connected"), o.message),
                Ok(o) => (format!("{name}: the test failed"), o.message),
                Err(e) => (format!("{name}: cannot test"), e.to_string()),
            },
            VendorAction::Restart => match self.core.restart(slug).await {
                Ok(()) => (
                    format!("{name}: restarting"),
                    "Its server is being restarted.".to_owned(),
                ),
                Err(e) => (format!("{name}: cannot restart"), e.to_string()),
            },
        };
        self.desktop.notify(&title, &body);
        self.poke.notify_one();
    }

    fn install_desktop(&self) {
        if self.desktop_installed() {
            // Already there: show where, with Uninstall next to it.
            self.open("clients", None);
            return self.redraw();
        }
        match self
            .core
            .install(Client::ClaudeDesktop, &[], &self.cli, false)
        {
            Ok(outcome) => {
                let mut body = format!("Added to {}.", outcome.path.display());
                for w in &outcome.warnings {
                    body.push('\n');
                    body.push_str(w);
                }
                self.desktop.notify("Installed into Claude Desktop", &body);
            }
            Err(e) => {
                let mut body = e.to_string();
                if let Some(hint) = e.hint_for(switchboard_core::Surface::Window) {
                    body.push('\n');
                    body.push_str(&hint);
                }
                self.desktop
                    .notify("Could not install into Claude Desktop", &body);
            }
        }
        self.redraw();
    }

    /// Checks for updates (through the window program's updater), showing "Checking…"
    /// meanwhile; tells what it found, or returns why it could not check.
    async fn check_updates(&self) -> Result<(), String> {
        let found = self.ask_updater_to_check().await?;
        self.desktop.notify("Switchboard updates", &found.summary);
        Ok(())
    }

    async fn ask_updater_to_check(&self) -> Result<crate::desktop::Found, String> {
        let before = {
            let mut phase = self.update.lock().expect("phase lock");
            if matches!(*phase, Phase::Installing(_)) {
                return Err("An update is being installed; wait for it to finish.".into());
            }
            std::mem::replace(&mut *phase, Phase::Checking)
        };
        self.redraw();
        let result = self.desktop.updater(UpdaterOp::Check).await;
        self.set_phase(match &result {
            Ok(found) => found.latest.clone().map_or(Phase::Idle, Phase::Available),
            // What an earlier check found still stands.
            Err(_) if before == Phase::Checking => Phase::Idle,
            Err(_) => before,
        });
        self.redraw();
        result
    }

    /// Installs what the last check found, then starts the new version in place of
    /// this one. A refusal leaves the running version alone and says why.
    async fn install_update(&self) {
        let version = match self.phase() {
            Phase::Available(v) => v,
            _ => return,
        };
        self.set_phase(Phase::Installing(version.clone()));
        self.redraw();
        match self.desktop.updater(UpdaterOp::Install).await {
            Ok(found) => {
                let installed = found.latest.unwrap_or(version);
                self.desktop.notify(
                    "Switchboard updated",
                    &format!("Switchboard {installed} is installed; restarting."),
                );
                // Let the notification go out, then start the new version.
                tokio::time::sleep(Duration::from_millis(300)).await;
                tracing::info!(version = %installed, "restarting into the new version");
                let why = self.desktop.restart();
                // Still here: the new version is installed but not running.
                self.set_phase(Phase::Idle);
                self.redraw();
                self.desktop.notify("Restart Switchboard", &why);
            }
            Err(message) => {
                self.set_phase(Phase::Available(version));
                self.redraw();
                self.desktop.notify("Update not installed", &message);
            }
        }
    }

    /// The daily check: tells about a new version once; quiet when it cannot check
    /// (the technician did not ask, and the next day tries again).
    pub async fn daily_check(&self) {
        let Ok(settings) = self.core.settings() else {
            return;
        };
        if !settings.check_updates_daily {
            return;
        }
        let marker = self.core.paths().data.join("update-check");
        let last = std::fs::read_to_string(&marker)
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        if !daily_due(last, now) {
            return;
        }
        let _ = std::fs::create_dir_all(&self.core.paths().data);
        let _ = std::fs::write(&marker, now.to_string());
        match self.ask_updater_to_check().await {
            Ok(found) => {
                if let Some(latest) = &found.latest {
                    let mut told = self.told.lock().expect("told lock");
                    if told.as_deref() != Some(latest) {
                        *told = Some(latest.clone());
                        drop(told);
                        self.desktop
                            .notify("Switchboard update available", &found.summary);
                    }
                }
            }
            Err(e) => tracing::info!(error = %e, "the daily update check failed"),
        }
    }

    /// Acts on a request from the tray's channel.
    pub fn request(&self, request: TrayRequest) {
        match request {
            TrayRequest::Open { page, slug } => self.open(&page, slug.as_deref()),
            TrayRequest::Refresh => self.poke.notify_one(),
            TrayRequest::SigningIn { waiting } => {
                self.signing_in.store(waiting, Ordering::Relaxed);
                self.poke.notify_one();
                self.redraw();
            }
            TrayRequest::Restart => {
                tracing::info!("restarting into the new version, as the window asked");
                let why = self.desktop.restart();
                self.desktop.notify("Restart Switchboard", &why);
            }
        }
    }

    /// Follows the daemon for as long as the tray runs.
    pub async fn watch(&self, attach: &Attach) {
        watch(attach, &self.poke, self).await;
    }
}

impl<D: Desktop> Watcher for Tray<D> {
    async fn refresh(&self) {
        match self.core.status().await {
            Ok(status) => *self.status.lock().expect("status lock") = Some(status),
            Err(e) => *self.daemon_error.lock().expect("error lock") = Some(e.to_string()),
        }
        if let Ok(now) = self.core.approvals().await {
            let mut known = self.approvals.lock().expect("approvals lock");
            // A call seen for the first time gets a notification with Approve and Deny,
            // where the desktop has them.
            for call in now.iter().filter(|c| !known.iter().any(|k| k.id == c.id)) {
                self.desktop.ask_approval(call, self.core.clone());
            }
            *known = now;
        }
        self.redraw();
    }

    fn event(&self, event: &ControlEvent) {
        let mut states = self.states.lock().expect("states lock");
        if let Some(notice) = notice_for(&mut states, event, |slug| self.vendor_name(slug)) {
            self.desktop.notify(&notice.title, &notice.body);
        }
    }

    fn trouble(&self, why: Option<String>) {
        *self.daemon_error.lock().expect("error lock") = why;
    }

    fn attempted(&self) {
        self.attached_once.store(true, Ordering::Relaxed);
    }
}

/// A day has passed since the last daily check (or there was none).
pub fn daily_due(last_check_unix: Option<u64>, now_unix: u64) -> bool {
    last_check_unix.is_none_or(|last| now_unix.saturating_sub(last) >= 24 * 3600)
}

/// What one notification says.
#[derive(Debug, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// Decides whether `event` deserves a notification, remembering each vendor's last
/// state in `states` so that only the change is announced: a vendor turning `failed`,
/// or the gateway turning `signed_out`. Repeats of the same state (every failed call
/// after an expiry, say) announce nothing.
pub fn notice_for(
    states: &mut std::collections::HashMap<String, State>,
    event: &ControlEvent,
    name_of: impl FnOnce(&str) -> String,
) -> Option<Notice> {
    let ControlEvent::VendorState {
        slug,
        state,
        last_error,
    } = event
    else {
        return None;
    };
    let old = states.insert(slug.clone(), *state);
    if old == Some(*state) {
        return None;
    }
    if slug == switchboard_core::gateway::SLUG {
        return (*state == State::SignedOut).then(|| Notice {
            title: "Team sign-in expired".into(),
            body: "Your team's vendors are unavailable until you sign in again: choose “Sign in to team again…” in the Switchboard menu. Vendors connected on this computer keep working.".into(),
        });
    }
    if *state != State::Failed {
        return None;
    }
    let name = name_of(slug);
    let mut body = format!(
        "{name}'s server kept crashing, so Switchboard stopped restarting it. Restart it from the tray or the Servers page."
    );
    if let Some(err) = last_error {
        body.push('\n');
        body.push_str(err);
    }
    Some(Notice {
        title: format!("{name} stopped"),
        body,
    })
}
