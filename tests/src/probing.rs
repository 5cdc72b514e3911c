//! Helpers the probe tests share: credentials, a probe against a base override, and
//! checks of the recorded request.

use std::time::Duration;

use switchboard_core::catalog::Catalog;
use switchboard_core::credentials::Credentials;
use switchboard_core::probe::{ProbeOutcome, ProbeResult, Prober};

use crate::Recorded;

pub fn creds(plain: &[(&str, &str)], secrets: &[(&str, &str)]) -> Credentials {
    Credentials::from_pairs(plain, secrets)
}

pub fn all(
    plain: &[(&'static str, &'static str)],
    secrets: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    plain.iter().chain(secrets).copied().collect()
}

/// Probes `slug` with `c`, with its base replaced by `base` when given.
pub async fn probe(slug: &str, c: &Credentials, base: Option<&str>) -> ProbeOutcome {
    probe_with(slug, c, base, Duration::from_secs(10)).await
}

pub async fn probe_with(
    slug: &str,
    c: &Credentials,
    base: Option<&str>,
    timeout: Duration,
) -> ProbeOutcome {
    let catalog = Catalog::builtin().unwrap();
    let mut prober = Prober::new(timeout).unwrap();
    if let Some(base) = base {
        prober = prober.with_base_override(slug, base);
    }
    prober.probe(catalog.get(slug).unwrap(), c).await
}

pub fn assert_ok(o: &ProbeOutcome) {
    assert_eq!(o.result, ProbeResult::Ok, "{o:?}");
}

pub fn only(reqs: &[Recorded]) -> &Recorded {
    assert_eq!(reqs.len(), 1, "{reqs:#?}");
    &reqs[0]
}

pub fn assert_json_accept(r: &Recorded) {
    assert_eq!(r.header("accept"), Some("application/json"));
    assert!(r.header("user-agent").unwrap().starts_with("Switchboard/"));
}
