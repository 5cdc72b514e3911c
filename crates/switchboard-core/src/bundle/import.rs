//! `bundle import`: a vendor's `.mcpb`, unpacked into the data dir and run by the
//! supervisor with credentials from the keychain instead of Claude's `user_config`.
//!
//! Layout, per vendor slug:
//!
//! ```text
//! <data>/bundles/<slug>/import.json   what was imported, from where, when (no secrets)
//! <data>/bundles/<slug>/bundle/…      the unpacked files; `${__dirname}`
//! ```
//!
//! A bundle is tied to a catalog vendor (by `--vendor`, or by its name matching the
//! vendor's released bundle) and then runs with that vendor's fields; or it becomes a
//! vendor of its own whose fields are its `user_config` (sensitive ones secret).
//! Unpacking goes to a staging folder first and is swapped in whole, so a refused or
//! failed import leaves the previous one in place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Field, FieldKind, FieldOption, Launch, LocalLaunch, Source, Vendor};
use crate::code::{Coded, ErrorCode};

use super::BundleError;
use super::archive::Limits;
use super::inspect::{Finding, Severity, inspect_with};
use super::manifest::{Manifest, NoFiles, ServerType, UserConfigType};
use super::vars::{BundleLaunch, RunProblem, field_key, map_inputs, system_vars};

pub const RECORD_FILE: &str = "import.json";
pub const CONTENT_DIR: &str = "bundle";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// Runs as a catalog vendor, with that vendor's fields.
    Catalog,
    /// A vendor of its own, made from the bundle's manifest.
    Custom,
}

/// `import.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub slug: String,
    pub binding: Binding,
    pub name: String,
    pub display_name: Option<String>,
    pub version: String,
    /// SHA-256 of the imported file.
    pub sha256: String,
    /// The file name it was imported from.
    pub source: String,
    pub imported_at: String,
    /// `unsigned`, or `signed by <subject>`.
    pub signature: String,
}

/// An imported bundle on disk.
#[derive(Debug, Clone)]
pub struct Installed {
    pub record: Record,
    /// The unpacked files (`${__dirname}`).
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl Installed {
    /// The command to run for `vendor`, or why it cannot run.
    pub fn launch(&self, vendor: &Vendor) -> Result<BundleLaunch, RunProblem> {
        let config = self
            .manifest
            .server
            .mcp_config
            .as_ref()
            .ok_or(RunProblem::NoConfig)?
            .for_platform(host_platform());
        let inputs = map_inputs(&self.manifest, &config, vendor, &system_vars(&self.dir));
        BundleLaunch::new(&self.dir, &config, inputs)
    }
}

fn host_platform() -> &'static str {
    super::manifest::Platform::host().map_or("linux", |p| p.as_str())
}

/// An imported bundle on disk that cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{}`: {detail}", path.display())]
pub struct Unreadable {
    pub path: PathBuf,
    pub detail: String,
}

impl Coded for Unreadable {
    fn code(&self) -> ErrorCode {
        ErrorCode::BundleInvalid
    }
}

/// The bundle imported for `slug`, if any.
pub fn installed(bundles: &Path, slug: &str) -> Option<Result<Installed, Unreadable>> {
    let root = bundles.join(slug);
    let record_path = root.join(RECORD_FILE);
    if !record_path.exists() {
        return None;
    }
    Some(load(&root, &record_path))
}

fn load(root: &Path, record_path: &Path) -> Result<Installed, Unreadable> {
    let unreadable = |path: &Path| {
        let path = path.to_owned();
        move |detail: String| Unreadable { path, detail }
    };
    let record: Record = std::fs::read(record_path)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
        .map_err(unreadable(record_path))?;
    let dir = root.join(CONTENT_DIR);
    let manifest_path = dir.join("manifest.json");
    let bytes = std::fs::read(&manifest_path)
        .map_err(|e| e.to_string())
        .map_err(unreadable(&manifest_path))?;
    let manifest = Manifest::parse(&bytes, &NoFiles)
        .map(|(m, _)| m)
        .or_else(|p| {
            // Icon checks need the files; everything else must hold.
            if p.0.iter().all(|x| x.starts_with("icon:")) {
                serde_json::from_slice(&bytes).map_err(|e| e.to_string())
            } else {
                Err(p.to_string())
            }
        })
        .map_err(unreadable(&manifest_path))?;
    Ok(Installed {
        record,
        dir,
        manifest,
    })
}

/// Every imported bundle (broken ones as their error).
pub fn list(bundles: &Path) -> Vec<Result<Installed, Unreadable>> {
    let Ok(dir) = std::fs::read_dir(bundles) else {
        return Vec::new();
    };
    let mut roots: Vec<PathBuf> = dir
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(RECORD_FILE).exists())
        .collect();
    roots.sort();
    roots
        .iter()
        .map(|root| load(root, &root.join(RECORD_FILE)))
        .collect()
}

/// The vendor a custom-bound bundle becomes.
pub fn custom_vendor(slug: &str, manifest: &Manifest) -> Vendor {
    let config = manifest
        .server
        .mcp_config
        .clone()
        .unwrap_or_else(|| super::manifest::McpConfig {
            command: String::new(),
            args: Vec::new(),
            env: BTreeMap::new(),
            platform_overrides: BTreeMap::new(),
        });
    let fields = manifest
        .user_config
        .iter()
        .flatten()
        .map(|(key, o)| {
            let placeholder = format!("${{user_config.{key}}}");
            let env = config
                .env
                .iter()
                .find(|(_, v)| **v == placeholder)
                .map(|(k, _)| k.clone())
                .unwrap_or_else(|| field_key(key).to_ascii_uppercase());
            let default = o.default.as_ref().and_then(|d| d.as_text());
            Field {
                key: field_key(key),
                label: o.title.clone(),
                help: o.description.clone(),
                env,
                header: None,
                secret: o.is_sensitive(),
                required: o.is_required() && default.is_none(),
                options: if o.kind == UserConfigType::Boolean {
                    ["true", "false"]
                        .map(|v| FieldOption {
                            value: v.to_owned(),
                            label: v.to_owned(),
                            attrs: BTreeMap::new(),
                        })
                        .to_vec()
                } else {
                    Vec::new()
                },
                default,
                kind: FieldKind::Text,
                placeholder: None,
            }
        })
        .collect();
    Vendor {
        slug: slug.to_owned(),
        name: manifest
            .display_name
            .clone()
            .unwrap_or_else(|| manifest.name.clone()),
        category: "bundle".to_owned(),
        description: manifest.description.clone(),
        docs_url: manifest
            .documentation
            .clone()
            .or_else(|| manifest.homepage.clone())
            .unwrap_or_default(),
        companion_plugin: String::new(),
        fields,
        launch: Launch {
            runtime: match manifest.server.kind {
                ServerType::Node => Some("node".to_owned()),
                ServerType::Python => Some("python".to_owned()),
                _ => None,
            },
            local: LocalLaunch::Bundle,
            env: BTreeMap::new(),
            docker_image: String::new(),
            note: None,
        },
        probe: None,
        policy: Default::default(),
    }
}

/// A slug from a bundle name: `Acme Widgets MCP` → `acme-widgets`.
pub fn slug_for(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    let slug = slug
        .strip_suffix("-mcp-server")
        .or_else(|| slug.strip_suffix("-mcp"))
        .unwrap_or(slug);
    slug.chars()
        .take(40)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// Which vendor a bundle is for.
fn bind(
    manifest: &Manifest,
    catalog: &Catalog,
    requested: Option<&str>,
) -> Result<(String, Binding), BundleError> {
    let invalid = |problems: String| BundleError::Invalid {
        what: format!("`{}`", manifest.name),
        problems,
    };
    if let Some(slug) = requested {
        let vendor = catalog.get(slug).map_err(|e| invalid(e.to_string()))?;
        return Ok(match catalog.source(slug) {
            Some(Source::Bundle) => (vendor.slug.clone(), Binding::Custom),
            Some(Source::Custom) => {
                return Err(invalid(format!(
                    "`{slug}` is a custom server; remove it first (`switchboard servers remove {slug}`) or import under another name"
                )));
            }
            _ => (vendor.slug.clone(), Binding::Catalog),
        });
    }
    let released = |v: &Vendor| match &v.launch.local {
        LocalLaunch::Mcpb { url } => url
            .rsplit('/')
            .next()
            .and_then(|f| f.strip_suffix(".mcpb"))
            .is_some_and(|stem| stem == manifest.name),
        _ => false,
    };
    if let Some(v) = catalog.vendors().find(|v| {
        catalog.source(&v.slug) != Some(&Source::Bundle)
            && catalog.source(&v.slug) != Some(&Source::Custom)
            && (released(v)
                || v.slug == manifest.name
                || format!("{}-mcp", v.slug) == manifest.name)
    }) {
        return Ok((v.slug.clone(), Binding::Catalog));
    }
    let slug = slug_for(&manifest.name);
    if crate::catalog::validate::is_reserved(&slug) {
        return Err(invalid(format!(
            "`{slug}` is reserved for Switchboard itself; pass --vendor <slug>"
        )));
    }
    if !crate::catalog::validate::is_slug(&slug) {
        return Err(invalid(format!(
            "cannot make a vendor name from `{}`; pass --vendor <slug>",
            manifest.name
        )));
    }
    match catalog.source(&slug) {
        None | Some(Source::Bundle) => Ok((slug, Binding::Custom)),
        Some(Source::Custom) => Err(invalid(format!(
            "`{slug}` is already a custom server; remove it first (`switchboard servers remove {slug}`)"
        ))),
        Some(_) => Err(invalid(format!(
            "`{slug}` is a catalog vendor; pass --vendor {slug} to run this bundle as it"
        ))),
    }
}

/// How a bundle setting is filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappedSetting {
    pub key: String,
    pub title: String,
    /// The vendor field that supplies it (`None`: only the default, if any).
    pub field: Option<String>,
    pub secret: bool,
    pub required: bool,
    pub default: Option<String>,
}

/// The outcome of an import.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub record: Record,
    pub dir: PathBuf,
    /// An earlier import for the same vendor was replaced.
    pub replaced: bool,
    pub settings: Vec<MappedSetting>,
    /// Inspection warnings and anything the mapping could not do.
    pub warnings: Vec<String>,
    /// For custom bindings: the vendor it became.
    #[serde(skip)]
    pub vendor: Vendor,
}

/// What to import.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub file: &'a [u8],
    /// The file's name, for the record.
    pub source: &'a str,
    /// Tie it to this catalog vendor.
    pub vendor: Option<&'a str>,
}

/// Removes a folder on drop unless disarmed.
struct Cleanup(Option<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_dir_all(p);
        }
    }
}

fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(".{tag}-{}-{nanos}", std::process::id())
}

/// Unpacks and registers a bundle.
pub fn import(
    request: Request<'_>,
    catalog: &Catalog,
    bundles: &Path,
    limits: Limits,
) -> Result<Imported, BundleError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| BundleError::Io { path, source }
    };
    std::fs::create_dir_all(bundles).map_err(io(bundles))?;
    let _lock = crate::atomic::lock_file(&bundles.join(".lock")).map_err(io(bundles))?;
    sweep(bundles);
    let staging = bundles.join(unique("staging"));
    let mut cleanup = Cleanup(Some(staging.clone()));
    let content = staging.join(CONTENT_DIR);
    std::fs::create_dir_all(&content).map_err(io(&content))?;

    let inspection = inspect_with(request.file, limits, |info, data| {
        let path = content.join(&info.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, data)?;
        if info.executable {
            crate::platform::make_executable(&path)?;
        }
        Ok(())
    });
    let what = format!("`{}`", request.source);
    let errors: Vec<&Finding> = inspection.errors().collect();
    if !errors.is_empty() {
        let problems = errors
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join("; ");
        return Err(if errors.iter().any(|f| f.code == "unsafe_archive") {
            BundleError::Unsafe { what, problems }
        } else {
            BundleError::Invalid { what, problems }
        });
    }
    let manifest = inspection
        .parsed
        .clone()
        .ok_or_else(|| BundleError::Internal("inspection passed without a manifest".into()))?;
    if manifest.server.kind == ServerType::Uv {
        return Err(BundleError::Unsupported(format!(
            "{what} is a `uv` bundle, whose dependencies the host installs; Switchboard cannot run those yet. Run the server another way: `switchboard vendors launch <slug> -- uvx …`"
        )));
    }
    let (slug, binding) = bind(&manifest, catalog, request.vendor)?;
    let vendor = match binding {
        Binding::Catalog => catalog
            .get(&slug)
            .map_err(|e| BundleError::Internal(e.to_string()))?
            .clone(),
        Binding::Custom => {
            let vendor = custom_vendor(&slug, &manifest);
            let problems = crate::catalog::validate::validate_fields(&vendor);
            if !problems.is_empty() {
                return Err(BundleError::Invalid {
                    what,
                    problems: problems.join("; "),
                });
            }
            vendor
        }
    };
    let final_dir = bundles.join(&slug);
    let installed = Installed {
        record: Record {
            slug: slug.clone(),
            binding,
            name: manifest.name.clone(),
            display_name: manifest.display_name.clone(),
            version: manifest.version.clone(),
            sha256: inspection.sha256.clone(),
            source: request.source.to_owned(),
            imported_at: crate::time::now_rfc3339(),
            signature: match &inspection.signature {
                super::sign::Verdict::Valid { signer, .. } => {
                    format!("signed by {}", signer.subject)
                }
                _ => "unsigned".to_owned(),
            },
        },
        dir: final_dir.join(CONTENT_DIR),
        manifest: manifest.clone(),
    };
    let launch = installed
        .launch(&vendor)
        .map_err(|problem| BundleError::Invalid {
            what: what.clone(),
            problems: problem.to_string(),
        })?;

    let mut warnings: Vec<String> = inspection
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(|f| f.message.clone())
        .collect();
    let mut settings = Vec::new();
    for (key, option) in manifest.user_config.iter().flatten() {
        let input = &launch.inputs[key];
        if input.field.is_none() && option.is_required() && input.default.is_none() {
            warnings.push(format!(
                "the bundle needs `{key}` ({}), which {} has no field for; it will be left out",
                option.title, vendor.name
            ));
        }
        settings.push(MappedSetting {
            key: key.clone(),
            title: option.title.clone(),
            field: input.field.clone(),
            secret: input.secret,
            required: option.is_required(),
            default: input.default.clone(),
        });
    }

    let record_json = serde_json::to_vec_pretty(&installed.record)
        .map_err(|e| BundleError::Internal(e.to_string()))?;
    let record_path = staging.join(RECORD_FILE);
    std::fs::write(&record_path, record_json).map_err(io(&record_path))?;

    // Swap in whole: the old folder aside, the new one in, the old one gone.
    let replaced = final_dir.exists();
    let old = bundles.join(unique("old"));
    if replaced {
        std::fs::rename(&final_dir, &old).map_err(io(&final_dir))?;
    }
    if let Err(e) = std::fs::rename(&staging, &final_dir) {
        if replaced {
            let _ = std::fs::rename(&old, &final_dir);
        }
        return Err(io(&final_dir)(e));
    }
    cleanup.0 = None;
    if replaced && let Err(e) = std::fs::remove_dir_all(&old) {
        // A running server may hold files open (Windows); the next import sweeps it.
        tracing::warn!(path = %old.display(), "could not remove the previous bundle yet: {e}");
    }
    Ok(Imported {
        record: installed.record,
        dir: installed.dir,
        replaced,
        settings,
        warnings,
        vendor,
    })
}

/// Removes staging and replaced folders left by an interrupted import.
fn sweep(bundles: &Path) {
    let Ok(dir) = std::fs::read_dir(bundles) else {
        return;
    };
    for e in dir.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".staging-") || name.starts_with(".old-") {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Removes the bundle imported for `slug`; `false` if there was none.
pub fn remove(bundles: &Path, slug: &str) -> Result<bool, BundleError> {
    let root = bundles.join(slug);
    if !root.join(RECORD_FILE).exists() {
        return Ok(false);
    }
    let _lock =
        crate::atomic::lock_file(&bundles.join(".lock")).map_err(|source| BundleError::Io {
            path: bundles.to_owned(),
            source,
        })?;
    let old = bundles.join(unique("old"));
    std::fs::rename(&root, &old).map_err(|source| BundleError::Io {
        path: root.clone(),
        source,
    })?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_names() {
        assert_eq!(slug_for("Acme Widgets MCP"), "acme-widgets");
        assert_eq!(slug_for("acme-mcp-server"), "acme");
        assert_eq!(slug_for("--x__y--"), "x-y");
        assert_eq!(field_key("Halo-Base URL"), "halo_base_url");
    }
}
