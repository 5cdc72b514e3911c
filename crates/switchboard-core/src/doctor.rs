//! `doctor`: checks of the things Switchboard depends on, each with a fix hint.

use serde::Serialize;

use crate::catalog::{Catalog, validate};
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
    /// Stable identifier (`keychain`, `catalog`, `connections`).
    pub id: &'static str,
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

pub async fn run(catalog: &Catalog, vault: &Vault) -> DoctorReport {
    let mut checks = vec![keychain(vault).await, catalog_check(catalog)];
    checks.push(connections(catalog, vault));
    DoctorReport::new(checks)
}

async fn keychain(vault: &Vault) -> Check {
    match vault.check_keychain().await {
        Ok(()) => Check {
            id: "keychain",
            status: CheckStatus::Ok,
            message: format!(
                "{} is reachable (wrote, read and deleted a test item under `{}`)",
                vault.store_name(),
                vault.namespace().service("doctor")
            ),
            hint: None,
        },
        Err(e) => Check {
            id: "keychain",
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
            id: "catalog",
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
            id: "catalog",
            status: CheckStatus::Warn,
            message: format!(
                "{count} vendors; skipped user files: {}",
                skipped.join(", ")
            ),
            hint: Some("fix the listed files; the other vendors work meanwhile".into()),
        };
    }
    Check {
        id: "catalog",
        status: CheckStatus::Ok,
        message: format!("{count} vendors, all sound"),
        hint: None,
    }
}

fn connections(catalog: &Catalog, vault: &Vault) -> Check {
    match vault.index() {
        Err(e) => Check {
            id: "connections",
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
                    id: "connections",
                    status: CheckStatus::Ok,
                    message: format!("{} connected", index.vendors.len()),
                    hint: None,
                }
            } else {
                Check {
                    id: "connections",
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
