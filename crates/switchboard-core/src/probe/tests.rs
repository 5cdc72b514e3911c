use super::classify::{Reply, Verdict, status};
use super::*;
use crate::catalog::Catalog;

fn vendor(slug: &str) -> Vendor {
    Catalog::builtin().unwrap().get(slug).unwrap().clone()
}

fn creds(plain: &[(&str, &str)], secrets: &[(&str, &str)]) -> Credentials {
    Credentials::from_pairs(plain, secrets)
}

fn base(v: &Vendor, c: &Credentials) -> Option<String> {
    let empty_p = BTreeMap::new();
    let empty_s = BTreeMap::new();
    let vars = Vars {
        vendor: v,
        creds: c,
        captured_plain: &empty_p,
        captured_secret: &empty_s,
    };
    v.probe
        .as_ref()
        .unwrap()
        .base
        .iter()
        .find_map(|t| vars.render(t).unwrap())
}

#[test]
fn option_attributes_pick_the_regional_host() {
    let v = vendor("datto-rmm");
    assert_eq!(
        base(&v, &creds(&[("platform", "syrah")], &[])).unwrap(),
        "https://syrah-api.centrastage.net"
    );
    let v = vendor("ninjaone");
    assert_eq!(
        base(&v, &creds(&[("region", "us")], &[])).unwrap(),
        "https://app.ninjarmm.com"
    );
}

#[test]
fn the_first_base_with_every_value_set_wins() {
    let v = vendor("itglue");
    assert_eq!(
        base(&v, &creds(&[("region", "eu")], &[])).unwrap(),
        "https://api.eu.itglue.com"
    );
    assert_eq!(
        base(
            &v,
            &creds(
                &[("region", "eu"), ("base_url", "https://itg.example")],
                &[]
            )
        )
        .unwrap(),
        "https://itg.example"
    );
    let v = vendor("halopsa");
    assert_eq!(
        base(&v, &creds(&[("tenant", "acme")], &[])).unwrap(),
        "https://acme.halopsa.com"
    );
    assert_eq!(base(&v, &creds(&[], &[])), None);
}

#[test]
fn optional_body_entries_with_unset_values_are_left_out() {
    let v = vendor("connectwise-automate");
    let c = creds(
        &[
            ("server_url", "https://rmm.example"),
            ("client_id", "cid"),
            ("username", "u"),
        ],
        &[("password", "p")],
    );
    let empty_p = BTreeMap::new();
    let empty_s = BTreeMap::new();
    let vars = Vars {
        vendor: &v,
        creds: &c,
        captured_plain: &empty_p,
        captured_secret: &empty_s,
    };
    let step = &v.probe.as_ref().unwrap().steps[0];
    let prepared = vars
        .prepare("https://rmm.example/cwa/api/v1", step, false)
        .unwrap();
    let keys: Vec<_> = prepared.json.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["Password", "UserName"],
        "TwoFactorPasscode is dropped, never sent empty"
    );
    assert_eq!(
        prepared.url.as_str(),
        "https://rmm.example/cwa/api/v1/apitoken"
    );
}

fn reply(status: u16, body: &'static [u8], json: Option<&serde_json::Value>) -> Reply<'static> {
    // The JSON value is leaked only in this test helper, to satisfy the borrow.
    let json = json.map(|j| &*Box::leak(Box::new(j.clone())));
    Reply {
        status,
        is_json_type: json.is_some(),
        json,
        body,
        location: None,
    }
}

fn verdict(slug: &str, step: usize, r: &Reply<'_>) -> Verdict {
    let v = vendor(slug);
    let s = v.probe.as_ref().unwrap().steps[step].clone();
    status(&v, &s, "https://api.example/x", r)
}

fn failed(v: Verdict) -> Decision {
    match v {
        Verdict::Fail(d) => d,
        Verdict::Pass => panic!("expected a failure, got pass"),
        Verdict::WafPass => panic!("expected a failure, got waf pass"),
    }
}

#[test]
fn statuses_are_classified() {
    let d = failed(verdict("huntress", 0, &reply(401, b"", None)));
    assert_eq!(d.result, ProbeResult::InvalidCredentials);
    assert!(d.message.contains("API secret"), "{}", d.message);

    let d = failed(verdict(
        "datto-rmm",
        0,
        &reply(
            400,
            b"",
            Some(&serde_json::json!({"error": "invalid_grant"})),
        ),
    ));
    assert_eq!(d.result, ProbeResult::InvalidCredentials);
    assert!(
        d.message.contains("invalid_grant") && d.message.contains("Platform"),
        "{}",
        d.message
    );

    assert_eq!(
        failed(verdict("huntress", 0, &reply(404, b"", None))).result,
        ProbeResult::WrongRegionOrUrl
    );
    assert_eq!(
        failed(verdict("huntress", 0, &reply(302, b"", None))).result,
        ProbeResult::WrongRegionOrUrl
    );
    assert_eq!(
        failed(verdict("huntress", 0, &reply(503, b"", None))).result,
        ProbeResult::VendorUnreachable
    );
    assert_eq!(
        failed(verdict("huntress", 0, &reply(429, b"", None))).result,
        ProbeResult::VendorUnreachable
    );
    assert_eq!(
        failed(verdict("huntress", 0, &reply(418, b"", None))).result,
        ProbeResult::UnexpectedResponse
    );
    let page = reply(
        200,
        b"<!DOCTYPE html><html><body>Welcome</body></html>",
        None,
    );
    assert_eq!(
        failed(verdict("hudu", 0, &page)).result,
        ProbeResult::WrongRegionOrUrl
    );
    assert!(matches!(
        verdict(
            "huntress",
            0,
            &reply(200, b"{}", Some(&serde_json::json!({})))
        ),
        Verdict::Pass
    ));
}

#[test]
fn hudus_firewall_page_counts_as_reachable_but_a_json_403_does_not() {
    assert!(matches!(
        verdict("hudu", 0, &reply(403, b"<html>blocked</html>", None)),
        Verdict::WafPass
    ));
    let d = failed(verdict(
        "hudu",
        0,
        &reply(403, b"{}", Some(&serde_json::json!({"error": "bad key"}))),
    ));
    assert_eq!(d.result, ProbeResult::InvalidCredentials);
    // Other vendors get no such allowance.
    assert_eq!(
        failed(verdict("huntress", 0, &reply(403, b"<html/>", None))).result,
        ProbeResult::InvalidCredentials
    );
}

#[test]
fn the_default_timeout_is_ten_seconds() {
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(10));
}
