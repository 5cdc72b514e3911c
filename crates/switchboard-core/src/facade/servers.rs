//! The facade's launch operations: a vendor's launch override, and custom servers
//! (their command in `config.toml`, their secrets in the keychain).

use crate::catalog;
use crate::config::{Config, ConfigError, CustomServer};
use crate::error::Result;
use crate::{credentials, secret, servers, sources, supervisor};

use super::Switchboard;

impl Switchboard {
    /// Sets or resets a vendor's launch override, then tells the daemon.
    pub async fn set_launch(&self, slug: &str, change: servers::LaunchChange) -> Result<()> {
        let vendor = self.catalog.get(slug)?;
        if let servers::LaunchChange::Set(launch) = &change {
            // Check it resolves now, so a typo is caught here and not at the first call.
            let mut config = self.config().cloned().unwrap_or_default();
            config.vendors.entry(slug.to_owned()).or_default().launch = Some(launch.clone());
            supervisor::launch::resolve(
                vendor,
                &config,
                &supervisor::launch::ProgramFinder::from_env(),
                &self.paths.bundles_dir(),
            )?;
        }
        servers::set_launch(&self.paths, slug, &change)?;
        self.notify_daemon(Some(slug)).await;
        Ok(())
    }

    /// Adds (or replaces) a custom server: its secrets to the keychain, its command to
    /// `config.toml`.
    pub async fn add_server(
        &self,
        name: &str,
        server: CustomServer,
        secrets: std::collections::BTreeMap<String, secret::Secret<String>>,
    ) -> Result<servers::ServerReport> {
        if self.catalog.get(name).is_ok()
            && self.catalog.source(name) != Some(&catalog::Source::Custom)
        {
            return Err(ConfigError::Invalid(format!(
                "`{name}` is a catalog vendor; pick another name for a custom server"
            ))
            .into());
        }
        if !catalog::validate::is_slug(name) {
            return Err(ConfigError::Invalid(format!(
                "`{name}` must be lower-case words joined by `-`"
            ))
            .into());
        }
        if catalog::validate::is_reserved(name) {
            return Err(ConfigError::Invalid(format!(
                "`{name}` is reserved for Switchboard itself; pick another name"
            ))
            .into());
        }
        let missing: Vec<&String> = server
            .secret_env
            .iter()
            .filter(|k| !secrets.contains_key(*k))
            .collect();
        if !missing.is_empty() {
            return Err(ConfigError::Invalid(format!(
                "no value given for {}",
                missing
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .into());
        }
        // Build the entry as the catalog will see it, and store its secrets first.
        let mut config = Config::default();
        config.servers.insert(name.to_owned(), server.clone());
        let vendor = sources::custom_server_vendor(name, &server);
        supervisor::launch::resolve(
            &vendor,
            &config,
            &supervisor::launch::ProgramFinder::from_env(),
            &self.paths.bundles_dir(),
        )?;
        let creds = credentials::Credentials {
            plain: Default::default(),
            secrets: secrets
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
        };
        self.vault.save(&vendor, creds, None).await?;
        if let Err(e) = servers::add_server(&self.paths, name, &server) {
            let _ = self.vault.remove(&vendor).await;
            return Err(e.into());
        }
        self.notify_daemon(Some(name)).await;
        Ok(servers::ServerReport {
            name: name.to_owned(),
            command: server.command,
            args: server.args,
            env: server.env,
            secret_env: server.secret_env,
            keychain_service: self.vault.namespace().service(name),
        })
    }

    /// Removes a custom server, its keychain items and its cache.
    pub async fn remove_server(&self, name: &str) -> Result<bool> {
        let vendor = self.catalog.get(name)?.clone();
        if self.catalog.source(name) != Some(&catalog::Source::Custom) {
            return Err(ConfigError::Invalid(format!(
                "`{name}` is not a custom server; use `switchboard disconnect {name}`"
            ))
            .into());
        }
        self.vault.remove(&vendor).await?;
        let existed = servers::remove_server(&self.paths, name)?;
        supervisor::cache::remove(&self.paths.cache, name);
        self.notify_daemon(Some(name)).await;
        Ok(existed)
    }
}
