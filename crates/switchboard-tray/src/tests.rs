//! The tray's rules with a fake desktop and a fake view: what each menu item and
//! channel request does, the updater's phases, the daily check, and the notices.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use switchboard_core::Switchboard;
use switchboard_core::ipc::tray::TrayRequest;
use switchboard_core::paths::Paths;
use switchboard_core::status::{ControlEvent, State};
use switchboard_core::supervisor::approvals::Waiting;
use switchboard_core::vault::MemoryStore;

use crate::app::Tray;
use crate::desktop::{Desktop, Found, UpdaterOp, WindowRequest, parse_answer};
use crate::menu::{self, Model, Phase, Team};
use crate::{View, daily_due, notice_for};

#[derive(Default)]
struct Seen {
    notes: Vec<(String, String)>,
    windows: Vec<WindowRequest>,
    updater: Vec<UpdaterOp>,
    /// Answers the fake updater gives, in order.
    answers: VecDeque<Result<Found, String>>,
    autostart: bool,
    restarts: usize,
    drawn: Vec<Model>,
    /// Calls the tray asked the technician about.
    asked: Vec<u64>,
}

#[derive(Clone, Default)]
struct Fake(Arc<Mutex<Seen>>);

impl Fake {
    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.0.lock().unwrap()
    }

    fn titles(&self) -> Vec<String> {
        self.seen().notes.iter().map(|(t, _)| t.clone()).collect()
    }
}

impl Desktop for Fake {
    fn notify(&self, title: &str, body: &str) {
        self.seen().notes.push((title.into(), body.into()));
    }
    fn ask_approval(&self, call: &Waiting, _core: Switchboard) {
        self.seen().asked.push(call.id);
    }
    fn autostart(&self) -> bool {
        self.seen().autostart
    }
    fn set_autostart(&self, on: bool) -> Result<(), String> {
        self.seen().autostart = on;
        Ok(())
    }
    fn open_window(&self, request: &WindowRequest) -> Result<(), String> {
        self.seen().windows.push(request.clone());
        Ok(())
    }
    async fn updater(&self, op: UpdaterOp) -> Result<Found, String> {
        let mut seen = self.seen();
        seen.updater.push(op);
        seen.answers
            .pop_front()
            .unwrap_or_else(|| Err("no answer queued".into()))
    }
    fn restart(&self) -> String {
        self.seen().restarts += 1;
        "restarted (fake)".into()
    }
}

impl View for Fake {
    fn draw(&self, model: &Model) {
        self.seen().drawn.push(model.clone());
    }
}

fn tray() -> (Tray<Fake>, Fake, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let core =
        Switchboard::open_with_store(Paths::under(home.path()), Arc::new(MemoryStore::new()))
            .unwrap();
    let fake = Fake::default();
    let tray = Tray::new(
        core,
        "/opt/switchboard/switchboard".into(),
        fake.clone(),
        Box::new(fake.clone()),
    );
    (tray, fake, home)
}

fn found(latest: Option<&str>) -> Found {
    Found {
        latest: latest.map(str::to_owned),
        summary: match latest {
            Some(v) => format!("Switchboard {v} is available (you have 0.1.0)."),
            None => "Switchboard 0.1.0 is up to date.".into(),
        },
    }
}

fn request(page: &str, slug: Option<&str>, action: Option<&str>) -> WindowRequest {
    WindowRequest {
        page: page.into(),
        slug: slug.map(str::to_owned),
        action: action.map(str::to_owned),
    }
}

#[tokio::test]
async fn menu_items_open_the_window_on_the_right_page() {
    let (tray, fake, _home) = tray();
    assert!(tray.menu(menu::OPEN).await);
    assert!(tray.menu("vendor:hudu:connect").await);
    assert!(tray.menu("vendor:itglue:disconnect").await);
    assert!(tray.menu(menu::TEAM_SIGN_IN).await);
    assert_eq!(
        fake.seen().windows,
        [
            request("vendors", None, None),
            request("vendors", Some("hudu"), None),
            request("vendors", Some("itglue"), None),
            // The Team page runs the sign-in itself, with its progress.
            request("team", None, Some("sign-in")),
        ]
    );
    assert_eq!(
        request("team", Some("x"), Some("sign-in")).args(),
        [
            "--window", "--page", "team", "--slug", "x", "--action", "sign-in"
        ]
    );
    // Quit is the one item that ends the loop.
    assert!(!tray.menu(menu::QUIT).await);
    assert!(tray.menu("no-such-item").await);
}

#[tokio::test]
async fn start_at_login_toggles_and_redraws_the_check_box() {
    let (tray, fake, _home) = tray();
    tray.redraw();
    assert!(!fake.seen().drawn.last().unwrap().autostart);
    tray.menu(menu::AUTOSTART).await;
    assert!(fake.seen().autostart);
    assert!(fake.seen().drawn.last().unwrap().autostart);
    // Drawing the same model again draws nothing.
    let n = fake.seen().drawn.len();
    tray.redraw();
    assert_eq!(fake.seen().drawn.len(), n);
}

#[tokio::test]
async fn a_found_update_is_offered_and_installs_only_on_the_click() {
    let (tray, fake, _home) = tray();
    fake.seen().answers.push_back(Ok(found(Some("0.2.0"))));
    tray.menu(menu::UPDATES).await;
    let phases: Vec<Phase> = fake.seen().drawn.iter().map(|m| m.update.clone()).collect();
    assert_eq!(phases, [Phase::Checking, Phase::Available("0.2.0".into())]);
    assert_eq!(fake.seen().updater, [UpdaterOp::Check]);
    assert_eq!(
        fake.seen().notes.last().unwrap().1,
        "Switchboard 0.2.0 is available (you have 0.1.0)."
    );
    assert_eq!(fake.seen().restarts, 0, "nothing installs by itself");

    // A refusal keeps the offer and says why.
    fake.seen().answers.push_back(Err(
        "The download's signature does not match. You still have 0.1.0.".into(),
    ));
    tray.menu(menu::UPDATE_INSTALL).await;
    assert_eq!(tray.phase(), Phase::Available("0.2.0".into()));
    assert_eq!(fake.titles().last().unwrap(), "Update not installed");
    assert!(
        fake.seen()
            .drawn
            .iter()
            .any(|m| m.update == Phase::Installing("0.2.0".into()))
    );

    // Installed: told, then restarted into it.
    fake.seen().answers.push_back(Ok(found(Some("0.2.0"))));
    tray.menu(menu::UPDATE_INSTALL).await;
    assert_eq!(fake.seen().restarts, 1);
    // The fake's restart returns, as a failed exec would: the menu is not left at
    // "Installing…", and the technician is told.
    assert_eq!(tray.phase(), Phase::Idle);
    assert_eq!(fake.titles().last().unwrap(), "Restart Switchboard");
    let notes = fake.seen().notes.clone();
    let installed = notes
        .iter()
        .find(|(t, _)| t == "Switchboard updated")
        .unwrap();
    assert_eq!(installed.1, "Switchboard 0.2.0 is installed; restarting.");
    assert_eq!(
        fake.seen().updater,
        [UpdaterOp::Check, UpdaterOp::Install, UpdaterOp::Install]
    );
}

#[tokio::test]
async fn a_failed_check_says_so_and_keeps_what_an_earlier_check_found() {
    let (tray, fake, _home) = tray();
    fake.seen().answers.push_back(Err(
        "Could not check for updates: connection refused.".into()
    ));
    tray.menu(menu::UPDATES).await;
    assert_eq!(tray.phase(), Phase::Idle);
    assert_eq!(
        fake.seen().notes.last().unwrap(),
        &(
            "Switchboard updates".to_owned(),
            "Could not check for updates: connection refused.".to_owned()
        )
    );
    fake.seen().answers.push_back(Ok(found(Some("0.3.0"))));
    tray.menu(menu::UPDATES).await;
    fake.seen()
        .answers
        .push_back(Err("Could not check for updates: down.".into()));
    tray.menu(menu::UPDATES).await;
    assert_eq!(tray.phase(), Phase::Available("0.3.0".into()));
    // No install item without an offer: the click does nothing.
    let (tray, fake, _home) = self::tray();
    tray.menu(menu::UPDATE_INSTALL).await;
    assert!(fake.seen().updater.is_empty());
}

#[tokio::test]
async fn the_daily_check_tells_once_per_version_and_waits_a_day() {
    let (tray, fake, home) = tray();
    fake.seen().answers.push_back(Ok(found(Some("0.2.0"))));
    tray.daily_check().await;
    assert_eq!(fake.titles(), ["Switchboard update available"]);
    // The marker holds the time: the next run within a day asks nothing.
    let marker = Paths::under(home.path()).data.join("update-check");
    assert!(
        std::fs::read_to_string(&marker)
            .unwrap()
            .parse::<u64>()
            .is_ok()
    );
    tray.daily_check().await;
    assert_eq!(fake.seen().updater.len(), 1);
    // A day later the same version is not told again.
    std::fs::write(&marker, "0").unwrap();
    fake.seen().answers.push_back(Ok(found(Some("0.2.0"))));
    tray.daily_check().await;
    assert_eq!(fake.seen().updater.len(), 2);
    assert_eq!(fake.titles().len(), 1);

    assert!(daily_due(None, 100));
    assert!(!daily_due(Some(1_000), 1_000 + 23 * 3600));
    assert!(daily_due(Some(1_000), 1_000 + 24 * 3600));
}

#[tokio::test]
async fn the_daily_check_is_off_when_the_settings_say_so() {
    let (tray, fake, home) = tray();
    let config = Paths::under(home.path()).config_file();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "[app]\ncheck_updates_daily = false\n").unwrap();
    tray.daily_check().await;
    assert!(fake.seen().updater.is_empty());
}

#[tokio::test]
async fn channel_requests_open_redraw_and_restart() {
    let (tray, fake, _home) = tray();
    tray.request(TrayRequest::Open {
        page: "servers".into(),
        slug: None,
    });
    assert_eq!(fake.seen().windows, [request("servers", None, None)]);
    tray.request(TrayRequest::SigningIn { waiting: true });
    assert_eq!(fake.seen().drawn.last().unwrap().team, Team::SigningIn);
    tray.request(TrayRequest::SigningIn { waiting: false });
    assert_eq!(fake.seen().drawn.last().unwrap().team, Team::SignedOut);
    tray.request(TrayRequest::Restart);
    assert_eq!(fake.seen().restarts, 1);
    // The fake's restart returns: a failed restart is said in a notification.
    assert_eq!(fake.titles(), ["Restart Switchboard"]);
}

#[test]
fn the_updaters_answer_is_its_last_line() {
    assert_eq!(
        parse_answer("log noise\n{\"ok\":true,\"latest\":\"0.2.0\",\"summary\":\"s\"}\n"),
        Ok(Found {
            latest: Some("0.2.0".into()),
            summary: "s".into()
        })
    );
    assert_eq!(
        parse_answer("{\"ok\":false,\"message\":\"Could not check for updates: x\"}"),
        Err("Could not check for updates: x".into())
    );
    assert!(
        parse_answer("")
            .unwrap_err()
            .contains("the updater gave no answer")
    );
    assert!(parse_answer("<html>").is_err());
}

fn event(slug: &str, state: State) -> ControlEvent {
    ControlEvent::VendorState {
        slug: slug.into(),
        state,
        last_error: Some("exit status 3".into()),
    }
}

fn titles(events: &[ControlEvent]) -> Vec<String> {
    let mut states = HashMap::new();
    events
        .iter()
        .filter_map(|e| notice_for(&mut states, e, |s| s.to_uppercase()))
        .map(|n| n.title)
        .collect()
}

#[test]
fn an_expired_team_sign_in_is_announced_once_however_many_calls_fail() {
    let gw = switchboard_core::gateway::SLUG;
    let mut events = vec![event(gw, State::Running)];
    events.extend((0..20).map(|_| event(gw, State::SignedOut)));
    assert_eq!(titles(&events), ["Team sign-in expired"]);
    // Signed in again, expired again: a second notice, for a second change.
    events.push(event(gw, State::Running));
    events.push(event(gw, State::SignedOut));
    events.push(event(gw, State::SignedOut));
    assert_eq!(titles(&events).len(), 2);
}

#[test]
fn a_breaker_that_opens_is_announced_once_with_the_last_error() {
    let mut states = HashMap::new();
    let failed = event("huntress", State::Failed);
    let first = notice_for(&mut states, &failed, |s| s.to_uppercase()).expect("notice");
    assert_eq!(first.title, "HUNTRESS stopped");
    assert!(first.body.ends_with("\nexit status 3"), "{}", first.body);
    assert_eq!(notice_for(&mut states, &failed, |_| unreachable!()), None);
    // Other states and other events say nothing.
    assert_eq!(
        titles(&[
            event("huntress", State::Running),
            event("huntress", State::BackingOff),
            event(switchboard_core::gateway::SLUG, State::Failed),
            ControlEvent::ToolsChanged {
                slug: "huntress".into(),
                tools: 3,
            },
        ]),
        Vec::<String>::new()
    );
}
