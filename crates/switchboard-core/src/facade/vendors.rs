//! The facade's vendor operations: the catalog with connection states, and the
//! connect flow (check, probe, store), test and disconnect.

use crate::connection::{self, ConnectError, ConnectReport, FieldInput};
use crate::error::Result;
use crate::probe::ProbeOutcome;
use crate::vault::{ProbeRecord, Removed};
use crate::view::VendorView;

use super::Switchboard;

impl Switchboard {
    /// Every vendor with its connection state, sorted by slug. When the MSP's preset
    /// names the vendors it uses, the others are left out (unless connected here, so
    /// that they can still be disconnected).
    pub fn vendor_views(&self) -> Result<Vec<VendorView>> {
        let index = self.vault.index()?;
        let found = self.preset();
        let shown = found.preset().and_then(|p| p.vendors.shown.as_ref());
        Ok(self
            .catalog
            .vendors()
            .filter(|v| {
                shown.is_none_or(|s| s.contains(&v.slug)) || index.vendors.contains_key(&v.slug)
            })
            .map(|v| VendorView::new(&self.catalog, v, index.vendors.get(&v.slug)))
            .collect())
    }

    /// Refuses a vendor the MSP's preset leaves out.
    fn check_shown(&self, slug: &str) -> Result<()> {
        if let Some(preset) = self.preset().preset()
            && let Some(shown) = &preset.vendors.shown
            && !shown.iter().any(|s| s == slug)
        {
            return Err(crate::config::ConfigError::Managed {
                setting: format!("which vendors are used ({slug} is not among them)"),
                by: preset.managed_by(),
            }
            .into());
        }
        Ok(())
    }

    pub fn vendor_view(&self, slug: &str) -> Result<VendorView> {
        let vendor = self.catalog.get(slug)?;
        let index = self.vault.index()?;
        Ok(VendorView::new(
            &self.catalog,
            vendor,
            index.vendors.get(slug),
        ))
    }

    /// Checks the values, probes the vendor (unless `test` is false or the vendor has
    /// no probe), and only then stores: secrets in the keychain, the rest in the index.
    /// `progress` hears about each stage as it starts (for "Checking…" messages).
    pub async fn connect(
        &self,
        slug: &str,
        input: FieldInput,
        test: bool,
        progress: impl Fn(connection::Stage<'_>),
    ) -> Result<ConnectReport> {
        let vendor = self.catalog.get(slug)?;
        self.check_shown(slug)?;
        let creds = connection::prepare(vendor, input)?;
        // A corrupt index would stop the save; find out before any network call.
        self.vault.index()?;
        let probe = match (&vendor.probe, test) {
            (Some(_), true) => {
                progress(connection::Stage::Probing { vendor });
                let outcome = self.prober.probe(vendor, &creds).await;
                if !outcome.is_ok() {
                    return Err(ConnectError::ProbeFailed {
                        slug: slug.to_owned(),
                        outcome,
                    }
                    .into());
                }
                Some(outcome)
            }
            _ => None,
        };
        let record = probe.as_ref().map(|o| ProbeRecord {
            result: o.result,
            message: o.message.clone(),
            at: crate::time::now_rfc3339(),
        });
        let report = ConnectReport {
            slug: slug.to_owned(),
            probe,
            stored_secrets: creds.secrets.keys().cloned().collect(),
            stored_plain: creds.plain.keys().cloned().collect(),
            keychain_service: self.vault.namespace().service(slug),
        };
        progress(connection::Stage::Storing { vendor });
        self.vault.save(vendor, creds, record).await?;
        self.notify_daemon(Some(slug)).await;
        Ok(report)
    }

    /// Probes a connected vendor with its stored credentials and records the result.
    pub async fn test(&self, slug: &str) -> Result<ProbeOutcome> {
        let vendor = self.catalog.get(slug)?;
        let creds = self.vault.load(vendor).await?;
        let outcome = self.prober.probe(vendor, &creds).await;
        let record = ProbeRecord {
            result: outcome.result,
            message: outcome.message.clone(),
            at: crate::time::now_rfc3339(),
        };
        self.vault.record_probe(slug, record).await?;
        Ok(outcome)
    }

    /// Removes every keychain item of the vendor and its index entry.
    pub async fn disconnect(&self, slug: &str) -> Result<Removed> {
        let vendor = self.catalog.get(slug)?;
        let removed = self.vault.remove(vendor).await?;
        self.notify_daemon(Some(slug)).await;
        Ok(removed)
    }
}
