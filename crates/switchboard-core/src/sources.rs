//! The catalog as every part of Switchboard sees it: the built-in entries and the
//! user's files (`catalog`), the custom servers of `config.toml`, and the vendors made
//! from imported bundles (`bundle::import`).
//!
//! This loader sits above both `catalog` and `bundle`, so that the catalog (the data
//! model) knows nothing of the operations that produce entries. Problems with the
//! optional parts are returned, never fatal: one bad file must not take the other
//! vendors away.

use std::path::Path;

use crate::bundle::import::{self, Binding};
use crate::catalog::{
    Catalog, CatalogError, Field, FieldKind, Launch, LocalLaunch, Source, Vendor, validate,
};
use crate::config::{Config, CustomServer};
use crate::paths::Paths;

/// Built-in entries, the user's files, custom servers (when `config` could be read)
/// and imported bundles, with what was skipped and why.
pub fn load_catalog(
    paths: &Paths,
    config: Option<&Config>,
) -> Result<(Catalog, Vec<String>), CatalogError> {
    let mut catalog = Catalog::load(&paths.user_catalog_dir())?;
    let mut problems = Vec::new();
    if let Some(config) = config {
        problems.extend(add_custom_servers(&mut catalog, config));
    }
    problems.extend(add_imported_bundles(&mut catalog, &paths.bundles_dir()));
    Ok((catalog, problems))
}

/// Adds the vendors made from imported bundles (those not tied to a catalog vendor).
/// A broken import is skipped and reported.
pub fn add_imported_bundles(catalog: &mut Catalog, bundles: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for installed in import::list(bundles) {
        match installed {
            Err(e) => problems.push(format!("imported bundle: {e}")),
            Ok(b) if b.record.binding == Binding::Custom => {
                let slug = b.record.slug.clone();
                let vendor = import::custom_vendor(&slug, &b.manifest);
                if catalog.insert(vendor, Source::Bundle).is_err() {
                    problems.push(format!(
                        "imported bundle `{slug}` has the name of another vendor; skipped"
                    ));
                }
            }
            Ok(_) => {}
        }
    }
    problems
}

/// Adds the custom servers of `config` as entries whose fields are their secret
/// environment variables. A name that is already a vendor is skipped and reported.
pub fn add_custom_servers(catalog: &mut Catalog, config: &Config) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, server) in &config.servers {
        if !validate::is_slug(name) {
            problems.push(format!(
                "custom server name `{name}` must be lower-case words joined by `-`"
            ));
            continue;
        }
        if validate::is_reserved(name) {
            problems.push(format!(
                "custom server name `{name}` is reserved for Switchboard itself"
            ));
            continue;
        }
        if catalog
            .insert(custom_server_vendor(name, server), Source::Custom)
            .is_err()
        {
            problems.push(format!(
                "custom server `{name}` has the name of a catalog vendor"
            ));
        }
    }
    problems
}

/// The catalog entry of a custom server: its secret environment variables are its
/// fields; it runs its command.
pub fn custom_server_vendor(name: &str, server: &CustomServer) -> Vendor {
    let fields = server
        .secret_env
        .iter()
        .map(|env| Field {
            key: env.to_ascii_lowercase(),
            label: env.clone(),
            help: String::new(),
            env: env.clone(),
            header: None,
            secret: true,
            required: true,
            default: None,
            options: Vec::new(),
            kind: FieldKind::Text,
            placeholder: None,
        })
        .collect();
    Vendor {
        slug: name.to_owned(),
        name: name.to_owned(),
        category: "other".to_owned(),
        description: format!("Custom server: {}", server.command),
        docs_url: String::new(),
        companion_plugin: String::new(),
        fields,
        launch: Launch {
            runtime: None,
            local: LocalLaunch::Command {
                command: server.command.clone(),
                args: server.args.clone(),
            },
            env: server.env.clone(),
            docker_image: String::new(),
            note: None,
        },
        probe: None,
        policy: Default::default(),
    }
}
