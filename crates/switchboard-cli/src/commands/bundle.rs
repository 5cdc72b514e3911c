//! `switchboard bundle build|inspect|import|remove`.

use std::path::Path;
use std::sync::Arc;

use switchboard_core::bundle::BundleError;
use switchboard_core::bundle::sign::Signer;
use switchboard_core::secret::Secret;
use switchboard_core::vault::KeyringStore;
use switchboard_core::{BuildRequest, Error, Switchboard};

use super::{CmdResult, Failure, connect, this_program};
use crate::cli::{BundleBuildArgs, BundleImportArgs, ConnectArgs};
use crate::{exit, output, prompt};

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|source| {
        Failure::from(Error::from(BundleError::Io {
            path: path.to_owned(),
            source,
        }))
    })
}

/// `SOURCE_DATE_EPOCH`, the reproducible-builds convention, fixes the signing time.
fn signing_time() -> Option<std::time::SystemTime> {
    let secs: u64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
}

pub fn build(sb: &Switchboard, args: BundleBuildArgs, json: bool) -> CmdResult {
    let signer = match (&args.sign_cert, &args.sign_key) {
        (Some(cert), Some(key)) => {
            let intermediates = args
                .sign_intermediates
                .iter()
                .map(|p| read(p))
                .collect::<Result<Vec<_>, _>>()?;
            let key = Secret::new(read(key)?);
            Some(
                Signer::from_pem(&read(cert)?, &key, &intermediates)
                    .map_err(|e| Failure::from(Error::from(BundleError::from(e))))?,
            )
        }
        _ => None,
    };
    let binary = this_program()?;
    let request = BuildRequest {
        vendors: args.vendors,
        out_dir: args.out,
        binary,
        signing_time: signing_time(),
    };
    if !json {
        output::note(&format!(
            "Building {}…",
            if request.vendors.is_empty() {
                "the bundle for all vendors".to_owned()
            } else {
                format!("{} bundle(s)", request.vendors.len())
            }
        ));
    }
    let built = sb.bundle_build(&request, signer.as_ref(), |file| {
        if !json {
            output::built_bundle(file);
        }
    })?;
    if json {
        output::json(&built);
    }
    Ok(exit::OK)
}

pub fn inspect(sb: &Switchboard, file: &Path, json: bool) -> CmdResult {
    let inspection = sb.bundle_inspect(file)?;
    if json {
        output::json(&inspection);
    } else {
        output::inspection(file, &inspection);
    }
    Ok(if inspection.ok {
        exit::OK
    } else {
        exit::BUNDLE_REFUSED
    })
}

pub async fn import(sb: Switchboard, args: BundleImportArgs, json: bool) -> CmdResult {
    if !json {
        output::note(&format!("Checking and unpacking {}…", args.file.display()));
    }
    let imported = sb.bundle_import(&args.file, args.vendor.as_deref()).await?;
    let slug = imported.record.slug.clone();
    let connected = sb
        .vault()
        .index()
        .map_err(Error::from)?
        .vendors
        .contains_key(&slug);
    if json {
        output::json(&imported);
    } else {
        output::imported(&imported, connected);
    }
    if connected || args.no_connect || json || !prompt::interactive() {
        return Ok(exit::OK);
    }
    // Ask for the credentials now; the catalog has to see a vendor made from the bundle.
    output::note("");
    let sb = Switchboard::open_with_store(sb.paths().clone(), Arc::new(KeyringStore::new()))?;
    connect::connect(
        &sb,
        ConnectArgs {
            slug,
            fields: Vec::new(),
            stdin: false,
            no_test: false,
        },
        false,
    )
    .await
}

pub async fn remove(sb: &Switchboard, slug: &str, json: bool) -> CmdResult {
    let removed = sb.bundle_remove(slug).await?;
    if json {
        output::json(&serde_json::json!({ "slug": slug, "removed": removed }));
    } else if removed {
        output::line(&format!("Removed the bundle imported for {slug}."));
    } else {
        output::line(&format!("No bundle was imported for {slug}."));
    }
    Ok(exit::OK)
}
