//! The tray's menu, as plain data.
//!
//! [`model`] turns what the tray knows (the daemon's status report, whether Claude
//! Desktop has our entry, whether start-at-login is on, where the updater stands)
//! into a [`Model`]; [`entries`] turns that into the menu's items. The platform file
//! only draws them, so every rule here is tested without a display.

use switchboard_core::status::{GatewayStatus, Served, State, StatusReport};
use switchboard_core::supervisor::approvals::Waiting;

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
    /// Calls waiting for the technician, each with Approve and Deny.
    pub approvals: Vec<ApprovalEntry>,
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
    /// Calls waiting for the technician's approval.
    pub approvals: &'a [Waiting],
}

/// A call waiting for approval, as the menu shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalEntry {
    pub id: u64,
    /// "fx__wipe, asked by claude-ai".
    pub label: String,
    /// The arguments (secrets already redacted), shortened.
    pub detail: String,
}

/// `approval:<id>:approve` or `approval:<id>:deny` → (id, approve).
pub fn parse_approval(id: &str) -> Option<(u64, bool)> {
    let rest = id.strip_prefix("approval:")?;
    let (n, what) = rest.split_once(':')?;
    let approve = match what {
        "approve" => true,
        "deny" => false,
        _ => return None,
    };
    Some((n.parse().ok()?, approve))
}

/// What a waiting call's arguments look like in a menu line: at most 80 characters.
pub fn short_arguments(arguments: &serde_json::Value) -> String {
    let text = if arguments.is_null() {
        "no arguments".to_owned()
    } else {
        arguments.to_string()
    };
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(79).collect::<String>())
    } else {
        text
    }
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
    } else if !inputs.approvals.is_empty() {
        let n = inputs.approvals.len();
        (
            Health::Degraded,
            Some(if n == 1 {
                "1 call waits for your approval".to_owned()
            } else {
                format!("{n} calls wait for your approval")
            }),
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
    let approvals = inputs
        .approvals
        .iter()
        .map(|w| ApprovalEntry {
            id: w.id,
            label: format!(
                "Approve {}? (asked by {})",
                w.tool,
                w.client.as_deref().unwrap_or("a client")
            ),
            detail: short_arguments(&w.arguments),
        })
        .collect();
    Model {
        health,
        tooltip,
        headline,
        approvals,
        vendors: entries,
        desktop_installed: inputs.desktop_installed,
        autostart: inputs.autostart,
        team,
        update: inputs.update.clone(),
    }
}

/// Where the updater stands, as the tray shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Phase {
    #[default]
    Idle,
    Checking,
    Available(String),
    Installing(String),
}

/// One item of the menu, as every platform draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Clicking it sends `id`; a disabled one is a line of text.
    Item {
        id: String,
        label: String,
        enabled: bool,
    },
    /// A check box; clicking it sends `id`.
    Check {
        id: String,
        label: String,
        checked: bool,
    },
    Submenu {
        label: String,
        items: Vec<Entry>,
    },
    Separator,
}

const CONNECT_A_VENDOR: &str = "Connect a vendor";
const CONNECT_ANOTHER: &str = "Connect another vendor";

fn item(id: &str, label: &str, enabled: bool) -> Entry {
    Entry::Item {
        id: id.to_owned(),
        label: label.to_owned(),
        enabled,
    }
}

/// The menu for `model`, top to bottom.
pub fn entries(model: &Model) -> Vec<Entry> {
    let mut items = Vec::new();
    if let Some(headline) = &model.headline {
        items.push(item("headline", headline, false));
        items.push(Entry::Separator);
    }
    // Calls waiting for the technician come first: Claude is waiting on them.
    for a in &model.approvals {
        items.push(Entry::Submenu {
            label: a.label.clone(),
            items: vec![
                item(&format!("approval:{}:detail", a.id), &a.detail, false),
                item(&format!("approval:{}:approve", a.id), "Approve", true),
                item(&format!("approval:{}:deny", a.id), "Deny", true),
            ],
        });
    }
    if !model.approvals.is_empty() {
        items.push(Entry::Separator);
    }
    let submenu = |vendor: &VendorEntry| Entry::Submenu {
        label: vendor.label.clone(),
        items: vendor
            .actions
            .iter()
            .map(|a| {
                item(
                    &format!("vendor:{}:{}", vendor.slug, a.id()),
                    a.label(),
                    true,
                )
            })
            .collect(),
    };
    // The vendors served (here or by the team) at the top; the rest of the catalog,
    // thirty vendors and more, one level down.
    let (served, rest): (Vec<&VendorEntry>, Vec<&VendorEntry>) =
        model.vendors.iter().partition(|v| v.served);
    items.extend(served.iter().map(|v| submenu(v)));
    if !rest.is_empty() {
        items.push(Entry::Submenu {
            label: if served.is_empty() {
                CONNECT_A_VENDOR
            } else {
                CONNECT_ANOTHER
            }
            .to_owned(),
            items: rest.iter().map(|v| submenu(v)).collect(),
        });
    }
    items.push(Entry::Separator);
    match &model.team {
        Team::SignedOut => items.push(item(TEAM_SIGN_IN, "Sign in to team…", true)),
        Team::SigningIn => items.push(item(
            "team:signing-in",
            "Signing in to team… (finish in your browser)",
            false,
        )),
        Team::SignedIn { label } => {
            items.push(item("team:account", label, false));
            items.push(item(TEAM_SIGN_OUT, "Sign out", true));
        }
        Team::Expired => {
            items.push(item(TEAM_SIGN_IN, "Sign in to team again…", true));
            items.push(item(TEAM_SIGN_OUT, "Sign out", true));
        }
    }
    items.push(Entry::Separator);
    items.push(Entry::Check {
        id: INSTALL_DESKTOP.to_owned(),
        label: if model.desktop_installed {
            "Installed in Claude Desktop"
        } else {
            "Install into Claude Desktop"
        }
        .to_owned(),
        checked: model.desktop_installed,
    });
    items.push(item(OPEN, "Open Switchboard…", true));
    items.push(Entry::Check {
        id: AUTOSTART.to_owned(),
        label: "Start at login".to_owned(),
        checked: model.autostart,
    });
    for (id, label, enabled) in update_items(&model.update) {
        items.push(item(id, &label, enabled));
    }
    items.push(Entry::Separator);
    items.push(item(QUIT, "Quit", true));
    items
}

/// The icon for a health: PNG bytes.
pub fn icon(health: Health) -> &'static [u8] {
    match health {
        Health::Good => include_bytes!("../../../icons/tray.png"),
        Health::Degraded => include_bytes!("../../../icons/tray-degraded.png"),
        Health::Error => include_bytes!("../../../icons/tray-error.png"),
    }
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
            approvals: &[],
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
            approvals: &[],
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
            approvals: &[],
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
            approvals: &[],
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

    #[test]
    fn the_menu_lists_the_headline_vendors_team_and_the_apps_items() {
        let r = report(
            true,
            &[
                ("hudu", State::Running),
                ("itglue", State::Failed),
                ("atera", State::NotConnected),
            ],
        );
        let menu = entries(&m(&r));
        let labels: Vec<String> = menu
            .iter()
            .filter_map(|e| match e {
                Entry::Item { label, .. } | Entry::Check { label, .. } => Some(label.clone()),
                Entry::Submenu { label, .. } => Some(format!("[{label}]")),
                Entry::Separator => None,
            })
            .collect();
        assert_eq!(
            labels,
            [
                "⚠ Failed: ITGLUE",
                "[HUDU — running]",
                "[ITGLUE — failed]",
                "[Connect another vendor]",
                "Sign in to team…",
                "Installed in Claude Desktop",
                "Open Switchboard…",
                "Start at login",
                "Check for updates",
                "Quit",
            ]
        );
        // A headline is text, not a button; vendor actions carry their ids.
        assert!(matches!(&menu[0], Entry::Item { enabled: false, .. }));
        let Entry::Submenu { items, .. } = &menu[2] else {
            panic!("{menu:?}")
        };
        assert!(
            items.contains(&item("vendor:hudu:restart", "Restart", true)),
            "{items:?}"
        );
        // The vendors not connected are one level down, each with its Connect….
        let Entry::Submenu { items, .. } = &menu[4] else {
            panic!("{menu:?}")
        };
        assert_eq!(
            items,
            &[Entry::Submenu {
                label: "ATERA — not connected".into(),
                items: vec![item("vendor:atera:connect", "Connect…", true)],
            }]
        );
        // With none connected, the group says so.
        let none = entries(&m(&report(true, &[("atera", State::NotConnected)])));
        assert!(
            none.iter()
                .any(|e| matches!(e, Entry::Submenu { label, .. } if label == "Connect a vendor"))
        );
        assert_ne!(icon(Health::Good), icon(Health::Error));
        assert!(icon(Health::Degraded).starts_with(b"\x89PNG"));
    }

    #[test]
    fn waiting_calls_come_first_with_approve_and_deny() {
        let r = report(true, &[("hudu", State::Running)]);
        let waiting = [Waiting {
            id: 7,
            vendor: "fx".into(),
            tool: "fx__wipe".into(),
            arguments: serde_json::json!({"device": "d1", "password": "[redacted]"}),
            client: Some("claude-ai".into()),
            since: "2026-12-06T10:00:00Z".into(),
            timeout_s: 120,
        }];
        let model = model(&Inputs {
            status: Some(&r),
            daemon_error: None,
            desktop_installed: true,
            autostart: false,
            attaching: false,
            signing_in: false,
            update: Phase::Idle,
            approvals: &waiting,
        });
        assert_eq!(model.health, Health::Degraded);
        assert_eq!(
            model.headline.as_deref(),
            Some("1 call waits for your approval")
        );
        let menu = entries(&model);
        let Entry::Submenu { label, items } = &menu[2] else {
            panic!("{menu:?}")
        };
        assert_eq!(label, "Approve fx__wipe? (asked by claude-ai)");
        assert_eq!(
            items[0],
            item(
                "approval:7:detail",
                r#"{"device":"d1","password":"[redacted]"}"#,
                false
            )
        );
        assert_eq!(items[1], item("approval:7:approve", "Approve", true));
        assert_eq!(items[2], item("approval:7:deny", "Deny", true));
        assert_eq!(parse_approval("approval:7:deny"), Some((7, false)));
        assert_eq!(parse_approval("approval:7:detail"), None);
        assert_eq!(parse_approval("approval:x:approve"), None);
        assert!(short_arguments(&serde_json::json!({"a": "x".repeat(200)})).ends_with('…'));
    }
}
