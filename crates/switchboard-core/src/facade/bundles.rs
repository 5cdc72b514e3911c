//! The facade's bundle operations: `bundle build|inspect|import|remove`. Each is a few
//! calls into `bundle`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;

use crate::bundle::BundleError;
use crate::bundle::archive::Limits;
use crate::bundle::build::{self, Inputs, Target};
use crate::bundle::import::{self, Imported, Request};
use crate::bundle::inspect::{self, Inspection};
use crate::bundle::manifest::Platform;
use crate::bundle::sign::Signer;
use crate::error::Result;
use crate::platform;

use super::Switchboard;

/// A bundle written to disk.
#[derive(Debug, Clone, Serialize)]
pub struct BuiltFile {
    pub path: PathBuf,
    pub sidecar: PathBuf,
    pub name: String,
    pub sha256: String,
    pub size: u64,
    pub signed: bool,
    /// Time to build (and sign) this bundle, excluding reading the binary.
    #[serde(serialize_with = "millis")]
    pub elapsed: Duration,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

/// What `bundle build` makes.
#[derive(Debug, Clone, Default)]
pub struct BuildRequest {
    /// One bundle per vendor; empty means one bundle for all vendors.
    pub vendors: Vec<String>,
    pub out_dir: PathBuf,
    /// The `switchboard` executable to ship.
    pub binary: PathBuf,
    /// When the signature says it was made.
    pub signing_time: Option<SystemTime>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BundleError + '_ {
    move |source| BundleError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Reads a `.mcpb`, refusing files too large to be a bundle.
fn read_bundle(path: &Path) -> std::result::Result<Vec<u8>, BundleError> {
    let len = std::fs::metadata(path).map_err(io(path))?.len();
    if len > inspect::MAX_FILE_BYTES {
        return Err(BundleError::Unsafe {
            what: format!("`{}`", path.display()),
            problems: format!(
                "it is {} MB; bundles are limited to {} MB",
                len / 1_000_000,
                inspect::MAX_FILE_BYTES / 1_000_000
            ),
        });
    }
    std::fs::read(path).map_err(io(path))
}

impl Switchboard {
    /// Builds, optionally signs, and writes bundles with their `.sha256` sidecars.
    /// `progress` hears each file as it is written.
    pub fn bundle_build(
        &self,
        request: &BuildRequest,
        signer: Option<&Signer>,
        progress: impl Fn(&BuiltFile),
    ) -> Result<Vec<BuiltFile>> {
        let binary = std::fs::read(&request.binary).map_err(io(&request.binary))?;
        let platform = Platform::host().ok_or_else(|| {
            BundleError::Unsupported("bundles can only be built on macOS, Windows or Linux".into())
        })?;
        let inputs = Inputs {
            binary: &binary,
            platform,
            version: env!("CARGO_PKG_VERSION"),
        };
        let names: Vec<String> = self.catalog.vendors().map(|v| v.name.clone()).collect();
        let mut targets = Vec::new();
        for slug in &request.vendors {
            targets.push(Target::Vendor(self.catalog.get(slug)?));
        }
        if targets.is_empty() {
            targets.push(Target::All {
                vendor_names: &names,
            });
        }
        std::fs::create_dir_all(&request.out_dir).map_err(io(&request.out_dir))?;
        let mut warm_up = signer.map(|_| std::thread::spawn(Signer::warm_up));
        let mut out = Vec::new();
        for target in targets {
            let started = Instant::now();
            let mut built = build::build(target, &inputs)?;
            tracing::debug!(bundle = %built.file_name, ms = started.elapsed().as_millis() as u64, "built");
            if let Some(signer) = signer {
                if let Some(handle) = warm_up.take() {
                    let _ = handle.join();
                }
                built.bytes = signer
                    .sign(
                        &built.bytes,
                        request.signing_time.unwrap_or_else(SystemTime::now),
                    )
                    .map_err(BundleError::from)?;
                tracing::debug!(ms = started.elapsed().as_millis() as u64, "signed");
            }
            let path = request.out_dir.join(&built.file_name);
            let shareable = platform::shareable_permissions;
            crate::atomic::write_atomic_with(&path, &built.bytes, shareable())
                .map_err(io(&path))?;
            let sidecar = request.out_dir.join(format!("{}.sha256", built.file_name));
            crate::atomic::write_atomic_with(&sidecar, built.sidecar().as_bytes(), shareable())
                .map_err(io(&sidecar))?;
            tracing::debug!(ms = started.elapsed().as_millis() as u64, "written");
            let file = BuiltFile {
                path,
                sidecar,
                name: built.manifest.name.clone(),
                sha256: built.sha256_hex(),
                size: built.bytes.len() as u64,
                signed: signer.is_some(),
                elapsed: started.elapsed(),
            };
            progress(&file);
            out.push(file);
        }
        Ok(out)
    }

    /// Everything about a `.mcpb`; reads, never writes.
    pub fn bundle_inspect(&self, file: &Path) -> Result<Inspection> {
        Ok(inspect::inspect(&read_bundle(file)?))
    }

    /// Unpacks a vendor's `.mcpb` and tells the daemon.
    pub async fn bundle_import(&self, file: &Path, vendor: Option<&str>) -> Result<Imported> {
        let bytes = read_bundle(file)?;
        let source = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bundles = self.paths.bundles_dir();
        let catalog = self.catalog.clone();
        let vendor = vendor.map(str::to_owned);
        let imported = tokio::task::spawn_blocking(move || {
            import::import(
                Request {
                    file: &bytes,
                    source: &source,
                    vendor: vendor.as_deref(),
                },
                &catalog,
                &bundles,
                Limits::default(),
            )
        });
        let imported = imported
            .await
            .map_err(|e| BundleError::Internal(e.to_string()))??;
        crate::supervisor::cache::remove(&self.paths.cache, &imported.record.slug);
        self.notify_daemon(Some(&imported.record.slug)).await;
        Ok(imported)
    }

    /// Removes an imported bundle; `false` if none was imported for `slug`.
    pub async fn bundle_remove(&self, slug: &str) -> Result<bool> {
        let removed = import::remove(&self.paths.bundles_dir(), slug)?;
        if removed {
            crate::supervisor::cache::remove(&self.paths.cache, slug);
            self.notify_daemon(Some(slug)).await;
        }
        Ok(removed)
    }
}
