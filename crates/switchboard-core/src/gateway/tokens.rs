//! The access token to send, kept fresh.
//!
//! A token that expires within a minute is refreshed before it is used, and a 401 asks
//! for a refresh too. Refreshes are single-flight across every Switchboard process
//! (the daemon, the CLI, the tray): one holds `<runtime>/gateway-refresh.lock` (as do
//! sign-in, step-up and sign-out while they write), and
//! whoever waited reads the keychain again before refreshing, so a token another
//! process just renewed is used rather than renewed twice. A rotated refresh token is
//! stored before the new access token, so a crash in between never loses the only
//! refresh token that still works. A refused refresh marks the sign-in signed out for
//! every process; only a new sign-in clears it.

use std::sync::Mutex;

use super::GatewayError;
use super::oauth::{self, ClientAuth, RefreshFailure, unix_now};
use super::store::{self, ACCESS_TOKEN, CLIENT_SECRET, KEYCHAIN_OWNER, REFRESH_TOKEN, SignIn};
use crate::paths::Paths;
use crate::secret::Secret;
use crate::vault::Vault;

/// Refresh when the token has less than this left (seconds).
pub const REFRESH_EARLY_S: u64 = 60;

struct Cached {
    access: Secret<String>,
    expires_at: Option<u64>,
}

pub struct TokenSource {
    paths: Paths,
    vault: Vault,
    http: reqwest::Client,
    cached: Mutex<Option<Cached>>,
    /// One refresh at a time within this process.
    refreshing: tokio::sync::Mutex<()>,
}

/// Holds `<runtime>/gateway-refresh.lock` until dropped. Every change to a sign-in's
/// tokens and file happens under it (a refresh, a sign-in's last step, a step-up, a
/// sign-out), so none of them writes back what another has just replaced or removed.
pub(super) async fn lock(paths: &Paths) -> Result<std::fs::File, GatewayError> {
    let path = paths.runtime.join("gateway-refresh.lock");
    let at = path.clone();
    tokio::task::spawn_blocking(move || crate::atomic::lock_file(&at))
        .await
        .map_err(|e| GatewayError::Token(format!("the sign-in lock failed: {e}")))?
        .map_err(|source| GatewayError::Io { path, source })
}

fn fresh(expires_at: Option<u64>) -> bool {
    expires_at.is_none_or(|at| at > unix_now() + REFRESH_EARLY_S)
}

impl TokenSource {
    pub fn new(paths: Paths, vault: Vault) -> Result<Self, GatewayError> {
        Ok(Self {
            paths,
            vault,
            http: oauth::http_client()?,
            cached: Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        })
    }

    fn signin(&self) -> Result<SignIn, GatewayError> {
        let signin = store::read(&self.paths)?.ok_or(GatewayError::NotSignedIn)?;
        if let Some(why) = &signin.signed_out {
            return Err(GatewayError::SignInAgain(why.clone()));
        }
        Ok(signin)
    }

    fn remember(&self, access: &Secret<String>, expires_at: Option<u64>) {
        *self.cached.lock().expect("token cache") = Some(Cached {
            access: access.clone(),
            expires_at,
        });
    }

    /// The token to send now (`None`: the gateway needs none).
    pub async fn current(&self) -> Result<Option<Secret<String>>, GatewayError> {
        if let Some(c) = self.cached.lock().expect("token cache").as_ref()
            && fresh(c.expires_at)
        {
            return Ok(Some(c.access.clone()));
        }
        let signin = self.signin()?;
        let Some(oauth) = &signin.oauth else {
            return Ok(None);
        };
        let stored = self
            .vault
            .get_items(KEYCHAIN_OWNER, &[ACCESS_TOKEN])
            .await?
            .pop()
            .flatten();
        match stored {
            Some(access) if fresh(oauth.expires_at) => {
                self.remember(&access, oauth.expires_at);
                Ok(Some(access))
            }
            _ => self.refresh(None).await.map(Some),
        }
    }

    /// After the gateway refused `sent`: a renewed token, unless another process has
    /// renewed it already.
    pub async fn refreshed(
        &self,
        sent: Option<&Secret<String>>,
    ) -> Result<Option<Secret<String>>, GatewayError> {
        if self.signin()?.oauth.is_none() {
            return Ok(None);
        }
        self.refresh(sent).await.map(Some)
    }

    async fn refresh(&self, sent: Option<&Secret<String>>) -> Result<Secret<String>, GatewayError> {
        let _here = self.refreshing.lock().await;
        let lock = lock(&self.paths).await?;
        let result = self.refresh_locked(sent).await;
        drop(lock);
        result
    }

    async fn refresh_locked(
        &self,
        sent: Option<&Secret<String>>,
    ) -> Result<Secret<String>, GatewayError> {
        let mut signin = self.signin()?;
        let Some(state) = signin.oauth.clone() else {
            return Err(GatewayError::NotSignedIn);
        };
        let mut items = self
            .vault
            .get_items(
                KEYCHAIN_OWNER,
                &[ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET],
            )
            .await?
            .into_iter();
        let (access, refresh_token, secret) = (
            items.next().flatten(),
            items.next().flatten(),
            items.next().flatten(),
        );
        // Renewed by someone else while we waited for the lock?
        if let Some(access) = &access
            && sent.is_none_or(|s| s.expose() != access.expose())
            && fresh(state.expires_at)
        {
            self.remember(access, state.expires_at);
            return Ok(access.clone());
        }
        let Some(refresh_token) = refresh_token else {
            return Err(self.signed_out(&mut signin, "there is no refresh token"));
        };
        let client = ClientAuth {
            client_id: state.client_id.clone(),
            secret,
            method: state.auth_method,
        };
        let tokens = match oauth::refresh(
            &self.http,
            &state.server,
            &client,
            &refresh_token,
            &state.resource,
        )
        .await
        {
            Ok(t) => t,
            Err(RefreshFailure::Rejected(why)) => return Err(self.signed_out(&mut signin, &why)),
            Err(RefreshFailure::Failed(why)) => {
                return Err(GatewayError::Unreachable {
                    url: state.server.token_endpoint.clone(),
                    detail: why,
                });
            }
        };
        // The rotated refresh token first: it is the one that still works.
        let mut writes = Vec::new();
        if let Some(new_refresh) = &tokens.refresh {
            writes.push((
                REFRESH_TOKEN,
                "Switchboard: team gateway refresh token".to_owned(),
                new_refresh.clone(),
            ));
        }
        writes.push((
            ACCESS_TOKEN,
            "Switchboard: team gateway access token".to_owned(),
            tokens.access.clone(),
        ));
        self.vault.set_items(KEYCHAIN_OWNER, writes).await?;
        if let Some(o) = signin.oauth.as_mut() {
            o.expires_at = tokens.expires_at;
            if tokens.scope.is_some() {
                o.scope.clone_from(&tokens.scope);
            }
        }
        store::write(&self.paths, &signin)?;
        tracing::info!("renewed the team gateway's access token");
        self.remember(&tokens.access, tokens.expires_at);
        Ok(tokens.access)
    }

    /// Records that the sign-in is over, for every process, and says so.
    fn signed_out(&self, signin: &mut SignIn, why: &str) -> GatewayError {
        tracing::warn!(why, "the team sign-in could not be renewed");
        signin.signed_out = Some(why.to_owned());
        if let Err(e) = store::write(&self.paths, signin) {
            tracing::warn!(error = %e, "cannot record the sign-out");
        }
        *self.cached.lock().expect("token cache") = None;
        GatewayError::SignInAgain(why.to_owned())
    }
}
