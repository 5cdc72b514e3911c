//! The tray icon and its menu.
//!
//! [`model`] turns what the app knows (the daemon's status report, whether Claude
//! Desktop has our entry, whether start-at-login is on) into a plain description of
//! the menu; [`apply`] turns that into tauri menu items. The split keeps the rules
//! testable without a display.

use switchboard_core::status::{GatewayStatus, Served, State, StatusReport};
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

use crate::updates::Phase;

pub const TRAY_ID: &str = "switchboard";
pub const OPEN: &str = "open";
pub const QUIT: &str = "quit";
pub const INSTALL_DESKTOP: &str = "install:claude-desktop";
pub const AUTOSTART: &str = "autostart";
pub const UPDATES: &str = "updates";
pub const UPDATE_INSTALL: &str = "updates:install";
pub const TEAM_SIGN_IN: &str = "team:sign-in";
pub const TEAM_SIGN_OUT: &str = "team:sign-out";

/// The team sign-in, as the menu shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Team {
    /// "Sign in to team…".
    SignedOut,
    /// A sign-in is waiting on the browser.
    SigningIn,
    /// "Signed in as <user> (<team>)", with "Sign out".
    SignedIn { label: String },
    /// The sign-in expired and could not be renewed: "Sign in to team again…".
    Expired,
}

impl Team {
    fn of(gateway: Option<&GatewayStatus>, signing_in: bool) -> Self {
        if signing_in {
            return Self::SigningIn;
        }
        let Some(g) = gateway else {
            return Self::SignedOut;
        };
        if g.state == State::SignedOut {
            return Self::Expired;
        }
        let label = match (&g.account, &g.team) {
            (Some(a), Some(t)) => format!("Signed in as {a} ({t})"),
            (Some(a), None) => format!("Signed in as {a}"),
            _ => "Signed in to the team gateway".to_owned(),
        };
        Self::SignedIn { label }
    }
}

/// The icon's state: the worst of the daemon's and the vendors'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Every connected vendor is idle, starting or running.
    Good,
    /// A vendor is backing off after a crash.
    Degraded,
    /// A vendor failed (its circuit breaker is open) or the daemon is down.
    Error,
}

/// A vendor action from the tray.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorAction {
    Connect,
    Test,
    Restart,
    Disconnect,
}

impl VendorAction {
    fn id(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Test => "test",
            Self::Restart => "restart",
            Self::Disconnect => "disconnect",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Connect => "Connect…",
            Self::Test => "Test",
            Self::Restart => "Restart",
            Self::Disconnect => "Disconnect…",
        }
    }

    /// `vendor:<slug>:<action>` back into its parts.
    pub fn parse(id: &str) -> Option<(&str, Self)> {
        let rest = id.strip_prefix("vendor:")?;
        let (slug, action) = rest.rsplit_once(':')?;
        let action = [Self::Connect, Self::Test, Self::Restart, Self::Disconnect]
            .into_iter()
            .find(|a| a.id() == action)?;
        Some((slug, action))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorEntry {
    pub slug: String,
    /// "Hudu — running".
    pub label: String,
    pub actions: Vec<VendorAction>,
    /// Served, on this computer or by the team gateway.
    pub served: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub health: Health,
    pub tooltip: String,
    /// A line at the top saying what is wrong, when something is.
    pub headline: Option<String>,
    pub vendors: Vec<VendorEntry>,
    pub desktop_installed: bool,
    pub autostart: bool,
    pub team: Team,
    pub update: Phase,
}

/// What the app knows when it draws the tray.
pub struct Inputs<'a> {
    /// The daemon's status report (`Switchboard::status`), or `None` if unknown yet.
    pub status: Option<&'a StatusReport>,
    pub daemon_error: Option<&'a str>,
    pub desktop_installed: bool,
    pub autostart: bool,
    /// The app has not finished its first attempt to reach the daemon.
    pub attaching: bool,
    /// A team sign-in is waiting on the browser.
    pub signing_in: bool,
    /// Where the updater stands.
    pub update: Phase,
}

pub fn model(inputs: &Inputs<'_>) -> Model {
    let daemon_up = inputs.status.is_some_and(|s| s.daemon.running);
    let vendors = inputs.status.map_or(&[][..], |s| &s.vendors[..]);
    let mut entries = Vec::new();
    let (mut failed, mut backing_off, mut connected) = (Vec::new(), Vec::new(), 0);
    for v in vendors {
        let by_gateway = v.served_by == Some(Served::Gateway);
        let actions = if by_gateway {
            // Served by the team: connecting it here makes this computer serve it.
            vec![VendorAction::Connect]
        } else if v.state.is_connected() {
            connected += 1;
            vec![
                VendorAction::Test,
                VendorAction::Restart,
                VendorAction::Disconnect,
            ]
        } else {
            vec![VendorAction::Connect]
        };
        match v.state {
            State::Failed if !by_gateway => failed.push(v.name.clone()),
            State::BackingOff if !by_gateway => backing_off.push(v.name.clone()),
            _ => {}
        }
        let label = match v.state {
            _ if !by_gateway => format!("{} — {}", v.name, v.state.words()),
            State::Running | State::Idle | State::Starting => {
                format!("{} — via the team gateway", v.name)
            }
            state => format!("{} — via the team gateway, {}", v.name, state.words()),
        };
        entries.push(VendorEntry {
            label,
            slug: v.slug.clone(),
            actions,
            served: v.served_by.is_some() || v.state.is_connected(),
        });
    }
    // Served vendors first (here or by the team), then the rest, each by name.
    entries.sort_by_key(|e| (!e.served, e.label.to_lowercase()));
    let team = Team::of(
        inputs.status.and_then(|s| s.gateway.as_ref()),
        inputs.signing_in,
    );
    let team_vendors = vendors
        .iter()
        .filter(|v| v.served_by == Some(Served::Gateway))
        .count();
    let (health, headline) = if inputs.attaching && !daemon_up {
        (Health::Good, Some("Starting the supervisor…".to_owned()))
    } else if !daemon_up && inputs.status.is_some() || inputs.daemon_error.is_some() {
        let why = inputs.daemon_error.map_or_else(
            || "the supervisor is not running".to_owned(),
            |e| e.to_owned(),
        );
        (Health::Error, Some(format!("⚠ {why}")))
    } else if !failed.is_empty() {
        (
            Health::Error,
            Some(format!("⚠ Failed: {}", failed.join(", "))),
        )
    } else if team == Team::Expired {
        (
            Health::Error,
            Some("⚠ Team sign-in expired: sign in again".to_owned()),
        )
    } else if !backing_off.is_empty() {
        (
            Health::Degraded,
            Some(format!("Restarting: {}", backing_off.join(", "))),
        )
    } else {
        (Health::Good, None)
    };
    let tooltip = match (&headline, connected + team_vendors) {
        (Some(h), _) => format!("Switchboard: {}", h.trim_start_matches("⚠ ")),
        (None, 0) => "Switchboard: no vendor connected".to_owned(),
        (None, 1) => "Switchboard: 1 vendor, all good".to_owned(),
        (None, n) => format!("Switchboard: {n} vendors, all good"),
    };
    Model {
        health,
        tooltip,
        headline,
        vendors: entries,
        desktop_installed: inputs.desktop_installed,
        autostart: inputs.autostart,
        team,
        update: inputs.update.clone(),
    }
}

fn icon(health: Health) -> tauri::Result<Image<'static>> {
    let bytes: &'static [u8] = match health {
        Health::Good => include_bytes!("../../icons/tray.png"),
        Health::Degraded => include_bytes!("../../icons/tray-degraded.png"),
        Health::Error => include_bytes!("../../icons/tray-error.png"),
    };
    Image::from_bytes(bytes)
}

fn menu<R: Runtime>(app: &AppHandle<R>, model: &Model) -> tauri::Result<Menu<R>> {
    let mut items: Vec<Box<dyn IsMenuItem<R>>> = Vec::new();
    if let Some(headline) = &model.headline {
        items.push(Box::new(MenuItem::with_id(
            app,
            "headline",
            headline,
            false,
            None::<&str>,
        )?));
        items.push(Box::new(PredefinedMenuItem::separator(app)?));
    }
    for vendor in &model.vendors {
        let actions: Vec<MenuItem<R>> = vendor
            .actions
            .iter()
            .map(|a| {
                MenuItem::with_id(
                    app,
                    format!("vendor:{}:{}", vendor.slug, a.id()),
                    a.label(),
                    true,
                    None::<&str>,
                )
            })
            .collect::<tauri::Result<_>>()?;
        let refs: Vec<&dyn IsMenuItem<R>> = actions.iter().map(|a| a as _).collect();
        items.push(Box::new(Submenu::with_id_and_items(
            app,
            format!("vendor:{}", vendor.slug),
            &vendor.label,
            true,
            &refs,
        )?));
    }
    items.push(Box::new(PredefinedMenuItem::separator(app)?));
    let item = |id: &str, label: &str, enabled: bool| -> tauri::Result<Box<dyn IsMenuItem<R>>> {
        Ok(Box::new(MenuItem::with_id(
            app,
            id,
            label,
            enabled,
            None::<&str>,
        )?))
    };
    match &model.team {
        Team::SignedOut => items.push(item(TEAM_SIGN_IN, "Sign in to team…", true)?),
        Team::SigningIn => items.push(item(
            "team:signing-in",
            "Signing in to team… (finish in your browser)",
            false,
        )?),
        Team::SignedIn { label } => {
            items.push(item("team:account", label, false)?);
            items.push(item(TEAM_SIGN_OUT, "Sign out", true)?);
        }
        Team::Expired => {
            items.push(item(TEAM_SIGN_IN, "Sign in to team again…", true)?);
            items.push(item(TEAM_SIGN_OUT, "Sign out", true)?);
        }
    }
    items.push(Box::new(PredefinedMenuItem::separator(app)?));
    let install_label = if model.desktop_installed {
        "Installed in Claude Desktop"
    } else {
        "Install into Claude Desktop"
    };
    items.push(Box::new(CheckMenuItem::with_id(
        app,
        INSTALL_DESKTOP,
        install_label,
        true,
        model.desktop_installed,
        None::<&str>,
    )?));
    items.push(Box::new(MenuItem::with_id(
        app,
        OPEN,
        "Open Switchboard…",
        true,
        None::<&str>,
    )?));
    items.push(Box::new(CheckMenuItem::with_id(
        app,
        AUTOSTART,
        "Start at login",
        true,
        model.autostart,
        None::<&str>,
    )?));
    for (id, label, enabled) in update_items(&model.update) {
        items.push(Box::new(MenuItem::with_id(
            app,
            id,
            label,
            enabled,
            None::<&str>,
        )?));
    }
    items.push(Box::new(PredefinedMenuItem::separator(app)?));
    items.push(Box::new(MenuItem::with_id(
        app,
        QUIT,
        "Quit",
        true,
        None::<&str>,
    )?));
    let refs: Vec<&dyn IsMenuItem<R>> = items.iter().map(|b| b.as_ref()).collect();
    Menu::with_items(app, &refs)
}

/// The update entries: (id, label, enabled). A found update adds its install item;
/// nothing is installed without that click.
pub fn update_items(phase: &Phase) -> Vec<(&'static str, String, bool)> {
    match phase {
        Phase::Idle => vec![(UPDATES, "Check for updates".to_owned(), true)],
        Phase::Checking => vec![(UPDATES, "Checking for updates…".to_owned(), false)],
        Phase::Available(v) => vec![
            (UPDATE_INSTALL, format!("Install Switchboard {v}…"), true),
            (UPDATES, "Check for updates".to_owned(), true),
        ],
        Phase::Installing(v) => vec![(UPDATES, format!("Installing Switchboard {v}…"), false)],
    }
}

/// What the tray shows now, so that a redraw with the same model does nothing.
#[derive(Default)]
struct Drawn(std::sync::Mutex<Option<Model>>);

/// Creates the tray showing `first`. Menu clicks go to `on_menu` with the item's id;
/// a left click on the icon (where the platform reports one) goes to `on_click`.
pub fn install<R: Runtime>(
    app: &AppHandle<R>,
    first: &Model,
    on_menu: impl Fn(&AppHandle<R>, &str) + Send + Sync + 'static,
    on_click: impl Fn(&AppHandle<R>) + Send + Sync + 'static,
) -> tauri::Result<TrayIcon<R>> {
    app.manage(Drawn(std::sync::Mutex::new(Some(first.clone()))));
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(first.health)?)
        .tooltip(&first.tooltip)
        .title("Switchboard")
        .menu(&menu(app, first)?)
        // Left click opens the window where the platform reports clicks (Windows,
        // macOS); on Linux the menu opens instead.
        .show_menu_on_left_click(false)
        .on_tray_icon_event(move |tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                on_click(tray.app_handle());
            }
        })
        .on_menu_event(move |app, event| on_menu(app, event.id().as_ref()))
        .build(app)
}

/// Redraws the tray from `model`, if it changed.
pub fn apply<R: Runtime>(app: &AppHandle<R>, model: &Model) -> tauri::Result<()> {
    let Some(drawn) = app.try_state::<Drawn>() else {
        return Ok(()); // no tray yet
    };
    let mut last = drawn.0.lock().expect("tray lock");
    if last.as_ref() == Some(model) {
        return Ok(());
    }
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        if last.as_ref().map(|m| m.health) != Some(model.health) {
            tray.set_icon(Some(icon(model.health)?))?;
        }
        tray.set_tooltip(Some(&model.tooltip))?;
        tray.set_menu(Some(menu(app, model)?))?;
    }
    *last = Some(model.clone());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::status::{DaemonInfo, VendorStatus};

    fn report(daemon: bool, vendors: &[(&str, State)]) -> StatusReport {
        StatusReport {
            daemon: DaemonInfo {
                running: daemon,
                ..DaemonInfo::not_running(String::new())
            },
            vendors: vendors
                .iter()
                .map(|(slug, state)| VendorStatus {
                    slug: (*slug).to_owned(),
                    name: slug.to_uppercase(),
                    state: *state,
                    source: None,
                    pid: None,
                    uptime_s: None,
                    restarts: 0,
                    tools: 0,
                    last_error: None,
                    stderr_tail: Vec::new(),
                    memory_bytes: None,
                    served_by: state.is_connected().then_some(Served::Local),
                })
                .collect(),
            gateway: None,
        }
    }

    fn m(status: &StatusReport) -> Model {
        model(&Inputs {
            status: Some(status),
            daemon_error: None,
            desktop_installed: true,
            autostart: false,
            attaching: false,
            signing_in: false,
            update: Phase::Idle,
        })
    }

    #[test]
    fn health_is_the_worst_state() {
        let good = report(
            true,
            &[
                ("hudu", State::Running),
                ("itglue", State::Idle),
                ("x", State::NotConnected),
            ],
        );
        assert_eq!(m(&good).health, Health::Good);
        assert_eq!(m(&good).tooltip, "Switchboard: 2 vendors, all good");
        let degraded = report(
            true,
            &[("hudu", State::BackingOff), ("itglue", State::Idle)],
        );
        assert_eq!(m(&degraded).health, Health::Degraded);
        assert_eq!(m(&degraded).headline.as_deref(), Some("Restarting: HUDU"));
        let failed = report(
            true,
            &[("hudu", State::BackingOff), ("itglue", State::Failed)],
        );
        assert_eq!(m(&failed).health, Health::Error);
        assert_eq!(m(&failed).headline.as_deref(), Some("⚠ Failed: ITGLUE"));
        let down = report(false, &[("hudu", State::Idle)]);
        assert_eq!(m(&down).health, Health::Error);
        let unreachable = model(&Inputs {
            status: None,
            daemon_error: Some("the supervisor could not start: boom"),
            desktop_installed: false,
            autostart: false,
            attaching: false,
            signing_in: false,
            update: Phase::Idle,
        });
        assert_eq!(unreachable.health, Health::Error);
        let starting = model(&Inputs {
            status: Some(&down),
            daemon_error: None,
            desktop_installed: false,
            autostart: false,
            attaching: true,
            signing_in: false,
            update: Phase::Idle,
        });
        assert_eq!(starting.health, Health::Good);
        assert_eq!(
            starting.headline.as_deref(),
            Some("Starting the supervisor…")
        );
        assert!(unreachable.tooltip.contains("boom"));
    }

    #[test]
    fn vendors_get_the_actions_that_fit_connected_first() {
        let r = report(
            true,
            &[
                ("zed", State::NotConnected),
                ("hudu", State::Failed),
                ("abc", State::Idle),
            ],
        );
        let model = m(&r);
        let slugs: Vec<&str> = model.vendors.iter().map(|v| v.slug.as_str()).collect();
        assert_eq!(slugs, ["abc", "hudu", "zed"]);
        assert_eq!(model.vendors[1].label, "HUDU — failed");
        assert_eq!(model.vendors[2].actions, [VendorAction::Connect]);
        assert_eq!(
            model.vendors[0].actions,
            [
                VendorAction::Test,
                VendorAction::Restart,
                VendorAction::Disconnect
            ]
        );
    }

    fn gateway(state: State) -> GatewayStatus {
        GatewayStatus {
            endpoint: "https://gw.example/v1/mcp".into(),
            state,
            account: Some("tech@acme.example".into()),
            team: Some("Acme MSP".into()),
            expires_at: None,
            last_error: None,
            vendors: vec!["autotask".into()],
        }
    }

    #[test]
    fn the_team_sign_in_shows_who_and_an_expired_one_asks_to_sign_in_again() {
        let mut r = report(true, &[("hudu", State::Idle), ("autotask", State::Running)]);
        assert_eq!(m(&r).team, Team::SignedOut);
        r.vendors[1].served_by = Some(Served::Gateway);
        r.gateway = Some(gateway(State::Running));
        let signed_in = m(&r);
        assert_eq!(
            signed_in.team,
            Team::SignedIn {
                label: "Signed in as tech@acme.example (Acme MSP)".into()
            }
        );
        assert_eq!(signed_in.health, Health::Good);
        assert_eq!(signed_in.tooltip, "Switchboard: 2 vendors, all good");
        let autotask = signed_in
            .vendors
            .iter()
            .find(|v| v.slug == "autotask")
            .unwrap();
        assert_eq!(autotask.label, "AUTOTASK — via the team gateway");
        assert_eq!(autotask.actions, [VendorAction::Connect]);

        r.gateway = Some(gateway(State::SignedOut));
        r.vendors[1].state = State::SignedOut;
        let expired = m(&r);
        assert_eq!(expired.team, Team::Expired);
        assert_eq!(expired.health, Health::Error);
        assert_eq!(
            expired.headline.as_deref(),
            Some("⚠ Team sign-in expired: sign in again")
        );
        let autotask = expired
            .vendors
            .iter()
            .find(|v| v.slug == "autotask")
            .unwrap();
        assert_eq!(
            autotask.label,
            "AUTOTASK — via the team gateway, signed out: sign in again"
        );

        let signing_in = model(&Inputs {
            status: Some(&r),
            daemon_error: None,
            desktop_installed: true,
            autostart: false,
            attaching: false,
            signing_in: true,
            update: Phase::Idle,
        });
        assert_eq!(signing_in.team, Team::SigningIn);
    }

    #[test]
    fn menu_ids_round_trip() {
        for a in [
            VendorAction::Connect,
            VendorAction::Test,
            VendorAction::Restart,
            VendorAction::Disconnect,
        ] {
            let id = format!("vendor:connectwise-psa:{}", a.id());
            assert_eq!(VendorAction::parse(&id), Some(("connectwise-psa", a)));
        }
        assert_eq!(VendorAction::parse("vendor:hudu:explode"), None);
        assert_eq!(VendorAction::parse(QUIT), None);
    }

    #[test]
    fn a_found_update_adds_an_install_item_and_nothing_installs_by_itself() {
        let labels = |phase: Phase| update_items(&phase);
        assert_eq!(
            labels(Phase::Idle),
            vec![(UPDATES, "Check for updates".to_owned(), true)]
        );
        let found = labels(Phase::Available("0.2.0".into()));
        assert_eq!(
            found[0],
            (
                UPDATE_INSTALL,
                "Install Switchboard 0.2.0…".to_owned(),
                true
            )
        );
        assert_eq!(found.len(), 2);
        // While checking or installing, a second click cannot start another run.
        assert!(labels(Phase::Checking).iter().all(|(_, _, on)| !on));
        let installing = labels(Phase::Installing("0.2.0".into()));
        assert!(
            installing
                .iter()
                .all(|(id, _, on)| !on && *id != UPDATE_INSTALL)
        );
    }
}
