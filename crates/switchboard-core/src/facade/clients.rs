//! The facade's client operations: where each MCP client's config is, whether our
//! entry is in it, `install`, `uninstall`, and `install --mode mcpb`.

use std::path::{Path, PathBuf};

use crate::bundle::BundleError;
use crate::clients::{self, Client, ClientError, Context, Homes, Outcome};
use crate::error::Result;
use crate::platform;

use super::Switchboard;

use super::bundles::{BuildRequest, BuiltFile};

impl Switchboard {
    fn homes() -> std::result::Result<Homes, ClientError> {
        Homes::from_env()
            .ok_or_else(|| ClientError::Unsupported("cannot find your home directory".into()))
    }

    /// The config file `client` reads.
    pub fn client_config_path(&self, client: Client) -> Result<PathBuf> {
        Ok(client.config_path(&Self::homes()?))
    }

    /// Whether `client`'s config is readable and carries our entry.
    pub fn client_status(&self, client: Client) -> Result<clients::ClientStatus> {
        Ok(clients::status(client, &self.client_config_path(client)?))
    }

    /// Puts our entry (running `binary bridge [--vendor …]`) into `client`'s config.
    pub fn install(
        &self,
        client: Client,
        vendors: &[String],
        binary: &Path,
        dry_run: bool,
    ) -> Result<Outcome> {
        let mut args = Vec::new();
        for slug in vendors {
            self.catalog.get(slug)?;
            args.push("--vendor".to_owned());
            args.push(slug.clone());
        }
        let binary = std::fs::canonicalize(binary).unwrap_or_else(|_| binary.to_owned());
        let entry = client.entry(&binary, &args);
        let path = self.client_config_path(client)?;
        let backups = self.paths.backups_dir();
        let mut outcome = clients::install(
            &self.client_context(&backups),
            client,
            &path,
            &entry,
            dry_run,
        )?;
        if binary.components().any(|c| c.as_os_str() == "target")
            && binary
                .components()
                .any(|c| matches!(c.as_os_str().to_str(), Some("debug" | "release")))
        {
            outcome.warnings.push(format!(
                "`{}` looks like a build output; the entry breaks if that folder is cleaned",
                binary.display()
            ));
        }
        Ok(outcome)
    }

    /// Takes our entry out of `client`'s config.
    pub fn uninstall(&self, client: Client, dry_run: bool) -> Result<Outcome> {
        let path = self.client_config_path(client)?;
        let backups = self.paths.backups_dir();
        Ok(clients::uninstall(
            &self.client_context(&backups),
            client,
            &path,
            dry_run,
        )?)
    }

    /// What a config change needs: where backups go, where locks live, what runs.
    pub(super) fn client_context<'a>(&'a self, backups: &'a Path) -> Context<'a> {
        Context {
            backups,
            locks: &self.paths.runtime,
            processes: self.processes.as_ref(),
        }
    }

    /// `install claude-desktop --mode mcpb`: builds the bundle and hands it to the OS,
    /// which opens Claude Desktop's install preview.
    pub fn install_mcpb(&self, vendors: &[String], binary: &Path) -> Result<Vec<BuiltFile>> {
        if !platform::OPENS_MCPB {
            return Err(ClientError::Unsupported(
                "Claude Desktop on this platform does not open `.mcpb` files".into(),
            )
            .into());
        }
        let request = BuildRequest {
            vendors: vendors.to_vec(),
            out_dir: self.paths.cache.join("mcpb"),
            binary: binary.to_owned(),
            signing_time: None,
        };
        let built = self.bundle_build(&request, None, |_| {})?;
        for file in &built {
            open::that_detached(&file.path).map_err(|e| BundleError::Io {
                path: file.path.clone(),
                source: e,
            })?;
        }
        Ok(built)
    }
}
