//! `doctor`: checks of the things Switchboard depends on, each with a fix hint.
//!
//! The keychain, the catalog, the connections, the daemon, each MCP client's config,
//! every connected vendor's credentials (live probe) and whether its server can start
//! (runtime, imported bundle). Doctor changes nothing.

use serde::Serialize;

use crate::catalog::{Catalog, validate};
use crate::clients::{self, Client};
use crate::code::Coded;
use crate::facade::Switchboard;
use crate::ipc::client::{Control, IpcError};
use crate::supervisor::launch::{self, ProgramFinder};
use crate::vault::Vault;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Stable identifier: `keychain`, `catalog`, `connections`, `preset`, `daemon`,
    /// `client:<client>`, `probe:<slug>`, `runtime:<slug>`.
    pub id: String,
    pub status: CheckStatus,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DoctorReport {
    /// False when any check failed (warnings do not count).
    pub ok: bool,
    pub checks: Vec<Check>,
}

impl DoctorReport {
    fn new(checks: Vec<Check>) -> Self {
        Self {
            ok: checks.iter().all(|c| c.status != CheckStatus::Fail),
            checks,
        }
    }
}

impl Check {
    fn new(id: impl Into<String>, status: CheckStatus, message: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            status,
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl Switchboard {
    /// Every check, in order; see the module docs.
    pub async fn doctor(&self) -> DoctorReport {
        run(self).await
    }
}

async fn run(sb: &Switchboard) -> DoctorReport {
    let catalog = sb.catalog();
    let vault = sb.vault();
    let mut checks = vec![keychain(vault).await, catalog_check(catalog)];
    checks.push(connections(catalog, vault));
    checks.push(preset_check(&sb.preset()));
    checks.push(daemon(sb).await);
    let homes = clients::Homes::from_env();
    for client in Client::ALL {
        checks.push(client_check(sb, client, homes.as_ref()));
    }
    let connected: Vec<String> = vault
        .index()
        .map(|i| i.vendors.keys().cloned().collect())
        .unwrap_or_default();
    let config = sb.config().cloned().unwrap_or_default();
    let finder = ProgramFinder::from_env();
    let probes = connected.iter().filter_map(|slug| {
        let vendor = catalog.get(slug).ok()?;
        Some(async move { probe_check(sb, vendor).await })
    });
    checks.extend(futures::future::join_all(probes).await);
    for slug in &connected {
        if let Ok(vendor) = catalog.get(slug) {
            checks.push(runtime_check(
                vendor,
                &config,
                &finder,
                &sb.paths().bundles_dir(),
            ));
        }
    }
    DoctorReport::new(checks)
}

/// Where the MSP preset was read from, or why it does not apply.
fn preset_check(found: &crate::preset::Found) -> Check {
    use crate::preset::Found;
    match found {
        Found::None { looked_at: Some(p) } => Check::new(
            "preset",
            CheckStatus::Ok,
            format!("no MSP preset (looked for {})", p.display()),
        ),
        Found::None { looked_at: None } => Check::new(
            "preset",
            CheckStatus::Ok,
            "no MSP preset (this platform has no place for one; SWITCHBOARD_PRESET names a file)",
        ),
        Found::Applied { path, preset } => {
            let by = preset.managed_by();
            Check::new(
                "preset",
                CheckStatus::Ok,
                format!(
                    "managed by {by}: preset read from {} ({} locked)",
                    path.display(),
                    preset.locked.len()
                ),
            )
        }
        Found::Ignored { path, problems } => Check::new(
            "preset",
            CheckStatus::Warn,
            format!(
                "the preset {} is not valid, so none of it applies ({} problems; first: {})",
                path.display(),
                problems.len(),
                problems
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ),
        )
        .hint(format!(
            "ask your MSP to fix it; `switchboard preset check {}` lists every problem",
            path.display()
        )),
        Found::Unreadable { path, error } => Check::new(
            "preset",
            CheckStatus::Warn,
            format!(
                "cannot read the preset {}: {error}; none of it applies",
                path.display()
            ),
        ),
    }
}

async fn daemon(sb: &Switchboard) -> Check {
    match Control::connect(&sb.paths().runtime).await {
        Ok(control) => {
            let w = control.welcome();
            if w.version != env!("CARGO_PKG_VERSION") {
                Check::new(
                    "daemon",
                    CheckStatus::Warn,
                    format!(
                        "the running daemon (pid {}) is version {}, this is {}",
                        w.pid,
                        w.version,
                        env!("CARGO_PKG_VERSION")
                    ),
                )
                .hint("`switchboard daemon stop`; the next bridge starts the new one")
            } else {
                Check::new(
                    "daemon",
                    CheckStatus::Ok,
                    format!("running (pid {}), answering", w.pid),
                )
            }
        }
        Err(IpcError::NotRunning) => Check::new(
            "daemon",
            CheckStatus::Ok,
            "not running; the bridge starts it when a client connects",
        ),
        Err(e) => Check::new("daemon", CheckStatus::Fail, e.to_string())
            .hint("`switchboard daemon stop`, then `switchboard status` to start a fresh one; `switchboard logs daemon` shows what happened"),
    }
}

fn client_check(sb: &Switchboard, client: Client, homes: Option<&clients::Homes>) -> Check {
    let id = format!("client:{}", client.slug());
    let Some(homes) = homes else {
        return Check::new(id, CheckStatus::Warn, "cannot find your home directory");
    };
    let s = clients::status(client, &client.config_path(homes));
    let path = s.path.display();
    let install = format!("`switchboard install {}`", client.slug());
    if let Some(problem) = &s.problem {
        return Check::new(id, CheckStatus::Fail, format!("{path}: {problem}")).hint(format!(
            "fix the file (a backup may be in {}), then {install}",
            sb.paths().backups_dir().display()
        ));
    }
    let Some(command) = &s.command else {
        let message = if s.exists {
            format!("Switchboard is not in {path}")
        } else {
            format!("no config file at {path}")
        };
        return Check::new(id, CheckStatus::Ok, message).hint(format!("{install} adds it"));
    };
    if !s.command_exists {
        return Check::new(
            id,
            CheckStatus::Fail,
            format!("the entry in {path} runs `{command}`, which does not exist"),
        )
        .hint(format!("{install} points it at this binary"));
    }
    let unknown: Vec<&String> = s
        .args
        .windows(2)
        .filter(|w| w[0] == "--vendor")
        .map(|w| &w[1])
        .filter(|slug| sb.catalog().get(slug).is_err())
        .collect();
    if !unknown.is_empty() {
        return Check::new(
            id,
            CheckStatus::Warn,
            format!(
                "the entry in {path} names vendors not in the catalog: {}",
                unknown
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .hint(format!("{install} with the right `--vendor` values"));
    }
    Check::new(
        id,
        CheckStatus::Ok,
        format!("installed in {path}, running `{command}`"),
    )
}

async fn probe_check(sb: &Switchboard, vendor: &crate::catalog::Vendor) -> Check {
    let id = format!("probe:{}", vendor.slug);
    if vendor.probe.is_none() {
        return Check::new(
            id,
            CheckStatus::Ok,
            format!("{} has no credential check", vendor.name),
        );
    }
    let creds = match sb.vault().load(vendor).await {
        Ok(c) => c,
        Err(e) => {
            let c = Check::new(id, CheckStatus::Fail, format!("{}: {e}", vendor.name));
            return match e.hint() {
                Some(h) => c.hint(h),
                None => c,
            };
        }
    };
    let outcome = sb.prober().probe(vendor, &creds).await;
    if outcome.is_ok() {
        Check::new(
            id,
            CheckStatus::Ok,
            format!("{}: {}", vendor.name, outcome.message),
        )
    } else {
        Check::new(
            id,
            CheckStatus::Fail,
            format!("{}: {}", vendor.name, outcome.message),
        )
        .hint(format!(
            "check the values, then `switchboard connect {}` again",
            vendor.slug
        ))
    }
}

fn runtime_check(
    vendor: &crate::catalog::Vendor,
    config: &crate::config::Config,
    finder: &ProgramFinder,
    bundles: &std::path::Path,
) -> Check {
    let id = format!("runtime:{}", vendor.slug);
    match launch::resolve(vendor, config, finder, bundles) {
        Ok(l) => {
            let what = match &l.plan {
                launch::Plan::Stdio { program, .. } | launch::Plan::Bundle { program, .. } => {
                    format!("`{}`", program.display())
                }
                launch::Plan::Http { url } => url.to_string(),
                launch::Plan::Gateway { endpoint } => endpoint.to_string(),
            };
            Check::new(
                id,
                CheckStatus::Ok,
                format!("{} runs with {what} ({})", vendor.name, l.source.as_str()),
            )
        }
        Err(e) => {
            let c = Check::new(id, CheckStatus::Fail, e.to_string());
            match e.hint() {
                Some(h) => c.hint(h),
                None => c,
            }
        }
    }
}

async fn keychain(vault: &Vault) -> Check {
    match vault.check_keychain().await {
        Ok(()) => Check {
            id: "keychain".into(),
            status: CheckStatus::Ok,
            message: format!(
                "{} is reachable (wrote, read and deleted a test item under `{}`)",
                vault.store_name(),
                vault.namespace().service("doctor")
            ),
            hint: None,
        },
        Err(e) => Check {
            id: "keychain".into(),
            status: CheckStatus::Fail,
            message: e.to_string(),
            hint: e.hint(),
        },
    }
}

fn catalog_check(catalog: &Catalog) -> Check {
    let mut problems: Vec<String> = Vec::new();
    for vendor in catalog.vendors() {
        problems.extend(
            validate::validate(vendor)
                .into_iter()
                .map(|p| format!("{}: {p}", vendor.slug)),
        );
    }
    problems.extend(validate::validate_set(catalog.vendors()));
    let count = catalog.vendors().count();
    if !problems.is_empty() {
        return Check {
            id: "catalog".into(),
            status: CheckStatus::Fail,
            message: format!("the catalog has problems: {}", problems.join("; ")),
            hint: Some("fix or remove the files in your vendors folder".into()),
        };
    }
    if !catalog.problems().is_empty() {
        let skipped: Vec<String> = catalog
            .problems()
            .iter()
            .map(|p| format!("{} ({})", p.path.display(), p.problems.join("; ")))
            .collect();
        return Check {
            id: "catalog".into(),
            status: CheckStatus::Warn,
            message: format!(
                "{count} vendors; skipped user files: {}",
                skipped.join(", ")
            ),
            hint: Some("fix the listed files; the other vendors work meanwhile".into()),
        };
    }
    Check {
        id: "catalog".into(),
        status: CheckStatus::Ok,
        message: format!("{count} vendors, all sound"),
        hint: None,
    }
}

fn connections(catalog: &Catalog, vault: &Vault) -> Check {
    match vault.index() {
        Err(e) => Check {
            id: "connections".into(),
            status: CheckStatus::Fail,
            message: e.to_string(),
            hint: e.hint(),
        },
        Ok(index) => {
            let orphans: Vec<&String> = index
                .vendors
                .keys()
                .filter(|s| catalog.get(s).is_err())
                .collect();
            if orphans.is_empty() {
                Check {
                    id: "connections".into(),
                    status: CheckStatus::Ok,
                    message: format!("{} connected", index.vendors.len()),
                    hint: None,
                }
            } else {
                Check {
                    id: "connections".into(),
                    status: CheckStatus::Warn,
                    message: format!(
                        "connected vendors missing from the catalog: {}",
                        orphans
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    hint: Some(
                        "restore their catalog files, or `switchboard disconnect <slug>`".into(),
                    ),
                }
            }
        }
    }
}
