//! Every catalog probe against a local fake of its vendor's API: the exact request the
//! real vendor would receive, and each classified failure.

use std::time::Duration;

use switchboard_core::probe::ProbeResult;
use switchboard_tests::FakeVendor;
use switchboard_tests::fake_vendor::{Mode, TOKEN};
use switchboard_tests::probing::*;

// --- the four credential shapes the issue names, and the rest of the catalog -------

#[tokio::test]
async fn itglue_sends_the_key_in_x_api_key() {
    let secrets = [("api_key", "ITG.0123456789abcdef")];
    let fake = FakeVendor::start("itglue", &secrets);
    let o = probe(
        "itglue",
        &creds(&[("region", "eu")], &secrets),
        Some(&fake.base),
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/organization_types")
    );
    assert_eq!(r.query, [("page[size]".to_owned(), "1".to_owned())]);
    assert_eq!(r.header("x-api-key"), Some("ITG.0123456789abcdef"));
    assert_eq!(r.header("authorization"), None);
    assert!(r.body.is_empty());
    assert_json_accept(r);
}

#[tokio::test]
async fn huntress_uses_basic_key_and_secret() {
    let (plain, secrets) = (
        [("api_key", "hk_public_123")],
        [("api_secret", "hs_secret_456")],
    );
    let fake = FakeVendor::start("huntress", &all(&plain, &secrets));
    let o = probe("huntress", &creds(&plain, &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/account"));
    assert_eq!(
        r.basic(),
        Some(("hk_public_123".into(), "hs_secret_456".into()))
    );
    assert!(r.query.is_empty() && r.body.is_empty());
}

#[tokio::test]
async fn ninjaone_grants_client_credentials_in_the_form_then_lists_organizations() {
    let (plain, secrets) = (
        [("client_id", "ninja-client"), ("region", "eu")],
        [("client_secret", "ninja-secret-789")],
    );
    let fake = FakeVendor::start("ninjaone", &all(&plain, &secrets));
    let o = probe("ninjaone", &creds(&plain, &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    let token = &reqs[0];
    assert_eq!(
        (token.method.as_str(), token.path.as_str()),
        ("POST", "/oauth/token")
    );
    assert_eq!(
        token.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        token.header("authorization"),
        None,
        "NinjaOne's client sends the secret in the body, not Basic"
    );
    let form = token.form_map();
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_id"], "ninja-client");
    assert_eq!(form["client_secret"], "ninja-secret-789");
    assert_eq!(form["scope"], "monitoring management");
    assert_eq!(form.len(), 4);
    let api = &reqs[1];
    assert_eq!(
        (api.method.as_str(), api.path.as_str()),
        ("GET", "/api/v2/organizations")
    );
    assert_eq!(api.query, [("pageSize".to_owned(), "1".to_owned())]);
    assert_eq!(api.bearer(), Some(TOKEN));
}

#[tokio::test]
async fn halopsa_grants_client_credentials_with_scope_all_then_reads_the_agent() {
    let (plain, secrets) = (
        [("client_id", "halo-client"), ("tenant", "acme")],
        [("client_secret", "halo-secret-000")],
    );
    let fake = FakeVendor::start("halopsa", &all(&plain, &secrets));
    let o = probe("halopsa", &creds(&plain, &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        (reqs[0].method.as_str(), reqs[0].path.as_str()),
        ("POST", "/auth/token")
    );
    assert!(
        reqs[0].query.is_empty(),
        "HaloPSA's token URL carries no ?tenant="
    );
    let form = reqs[0].form_map();
    assert_eq!(
        form,
        [
            ("client_id", "halo-client"),
            ("client_secret", "halo-secret-000"),
            ("grant_type", "client_credentials"),
            ("scope", "all")
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    );
    assert_eq!(
        (reqs[1].path.as_str(), reqs[1].bearer()),
        ("/api/Agent/me", Some(TOKEN))
    );
}

#[tokio::test]
async fn datto_rmm_uses_the_password_grant_with_the_public_client() {
    let (plain, secrets) = (
        [("platform", "merlot")],
        [("api_key", "DATTO-KEY-1"), ("api_secret", "DATTO-SECRET-2")],
    );
    let fake = FakeVendor::start("datto-rmm", &all(&plain, &secrets));
    let o = probe("datto-rmm", &creds(&plain, &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2);
    let token = &reqs[0];
    assert_eq!(
        (token.method.as_str(), token.path.as_str()),
        ("POST", "/auth/oauth/token")
    );
    assert_eq!(
        token.basic(),
        Some(("public-client".into(), "public".into()))
    );
    assert_eq!(
        token.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        token.form(),
        [
            ("grant_type", "password"),
            ("password", "DATTO-SECRET-2"),
            ("username", "DATTO-KEY-1")
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect::<Vec<_>>()
    );
    assert_eq!(
        (
            reqs[1].method.as_str(),
            reqs[1].path.as_str(),
            reqs[1].bearer()
        ),
        ("GET", "/api/v2/account", Some(TOKEN))
    );
}

#[tokio::test]
async fn connectwise_psa_uses_company_plus_public_key_and_a_client_id_header() {
    let fake_creds = [
        ("company_id", "acme"),
        ("client_id", "cid-123"),
        ("public_key", "pub1"),
        ("private_key", "priv2"),
    ];
    let fake = FakeVendor::start("connectwise-psa", &fake_creds);
    let c = creds(
        &[
            ("company_id", "acme"),
            ("client_id", "cid-123"),
            ("url", &fake.base),
        ],
        &[("public_key", "pub1"), ("private_key", "priv2")],
    );
    let o = probe("connectwise-psa", &c, None).await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/v4_6_release/apis/3.0/system/info")
    );
    assert_eq!(r.basic(), Some(("acme+pub1".into(), "priv2".into())));
    assert_eq!(r.header("clientid"), Some("cid-123"));
}

#[tokio::test]
async fn connectwise_automate_posts_json_with_client_id_header_and_no_empty_2fa() {
    let fake_creds = [
        ("client_id", "cwa-cid"),
        ("username", "integrator"),
        ("password", "cwa-pass-1"),
    ];
    let fake = FakeVendor::start("connectwise-automate", &fake_creds);
    let c = creds(
        &[
            ("server_url", &fake.base),
            ("client_id", "cwa-cid"),
            ("username", "integrator"),
        ],
        &[("password", "cwa-pass-1")],
    );
    let o = probe("connectwise-automate", &c, None).await;
    assert_ok(&o);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2);
    let t = &reqs[0];
    assert_eq!(
        (t.method.as_str(), t.path.as_str()),
        ("POST", "/cwa/api/v1/apitoken")
    );
    assert_eq!(t.header("clientid"), Some("cwa-cid"));
    assert_eq!(
        t.json(),
        serde_json::json!({"UserName": "integrator", "Password": "cwa-pass-1"})
    );
    assert_eq!(
        (
            reqs[1].path.as_str(),
            reqs[1].bearer(),
            reqs[1].header("clientid")
        ),
        ("/cwa/api/v1/Clients", Some(TOKEN), Some("cwa-cid"))
    );
}

#[tokio::test]
async fn hudu_sends_x_api_key_to_the_users_own_url() {
    let fake = FakeVendor::start("hudu", &[("api_key", "hudu-key-1")]);
    let o = probe(
        "hudu",
        &creds(&[("base_url", &fake.base)], &[("api_key", "hudu-key-1")]),
        None,
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(r.path, "/api/v1/companies");
    assert_eq!(
        r.query_map(),
        [
            ("page".to_owned(), "1".to_owned()),
            ("page_size".to_owned(), "1".to_owned())
        ]
        .into()
    );
    assert_eq!(r.header("x-api-key"), Some("hudu-key-1"));
}

#[tokio::test]
async fn syncro_sends_the_token_as_bearer_never_in_the_url() {
    let fake = FakeVendor::start("syncro", &[("api_key", "syncro-tok-1")]);
    let o = probe(
        "syncro",
        &creds(&[("subdomain", "acme")], &[("api_key", "syncro-tok-1")]),
        Some(&fake.base),
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.path.as_str(), r.bearer()),
        ("/api/v1/contacts", Some("syncro-tok-1"))
    );
    assert_eq!(r.query, [("limit".to_owned(), "1".to_owned())]);
}

#[tokio::test]
async fn autotask_finds_the_zone_then_checks_all_three_credentials() {
    let fake_creds = [
        ("username", "api@acme.example"),
        ("secret", "at-secret"),
        ("integration_code", "AT-CODE"),
    ];
    let fake = FakeVendor::start("autotask", &fake_creds);
    let c = creds(
        &[("username", "api@acme.example")],
        &[("secret", "at-secret"), ("integration_code", "AT-CODE")],
    );
    let o = probe(
        "autotask",
        &c,
        Some(&format!("{}/atservicesrest", fake.base)),
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].path, "/atservicesrest/v1.0/zoneInformation");
    assert_eq!(
        reqs[0].query,
        [("user".to_owned(), "api@acme.example".to_owned())]
    );
    assert_eq!(
        reqs[0].header("secret"),
        None,
        "the zone directory gets no credentials"
    );
    assert_eq!(reqs[1].path, "/zone5/ATServicesRest/v1.0/Companies/0");
    assert_eq!(reqs[1].header("apiintegrationcode"), Some("AT-CODE"));
    assert_eq!(reqs[1].header("username"), Some("api@acme.example"));
    assert_eq!(reqs[1].header("secret"), Some("at-secret"));

    // A wrong secret passes the zone lookup and is caught by the authenticated call.
    let bad = creds(
        &[("username", "api@acme.example")],
        &[("secret", "wrong"), ("integration_code", "AT-CODE")],
    );
    let o = probe(
        "autotask",
        &bad,
        Some(&format!("{}/atservicesrest", fake.base)),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(o.step.as_deref(), Some("company lookup"));
}

// --- classification -------------------------------------------------------------

#[tokio::test]
async fn wrong_credentials_are_invalid_credentials_for_every_shape() {
    let fake = FakeVendor::start(
        "datto-rmm",
        &[("api_key", "right"), ("api_secret", "right")],
    );
    let o = probe(
        "datto-rmm",
        &creds(
            &[("platform", "concord")],
            &[("api_key", "right"), ("api_secret", "nope")],
        ),
        Some(&fake.base),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(o.status, Some(400));
    assert!(
        o.message.contains("Bad credentials") && o.message.contains("Platform"),
        "{}",
        o.message
    );

    let fake = FakeVendor::start("itglue", &[("api_key", "right")]);
    let o = probe(
        "itglue",
        &creds(&[("region", "us")], &[("api_key", "wrong")]),
        Some(&fake.base),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert!(o.message.contains("API key"), "{}", o.message);
}

#[tokio::test]
async fn a_base_without_the_api_is_wrong_region_or_url() {
    let fake = FakeVendor::start("huntress", &[]);
    let o = probe(
        "huntress",
        &creds(&[("api_key", "k")], &[("api_secret", "s")]),
        Some(&format!("{}/elsewhere", fake.base)),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::WrongRegionOrUrl, Some(404)),
        "{o:?}"
    );

    fake.set_mode(Mode::WebPage);
    let o = probe(
        "hudu",
        &creds(&[("base_url", &fake.base)], &[("api_key", "k")]),
        None,
    )
    .await;
    assert_eq!(o.result, ProbeResult::WrongRegionOrUrl, "{o:?}");
    assert!(
        o.message.contains("web page") && o.message.contains("Hudu URL"),
        "{}",
        o.message
    );
}

#[tokio::test]
async fn a_host_that_does_not_exist_is_wrong_region_or_url() {
    let o = probe(
        "hudu",
        &creds(&[("base_url", "https://acme.invalid")], &[("api_key", "k")]),
        None,
    )
    .await;
    assert_eq!(o.result, ProbeResult::WrongRegionOrUrl, "{o:?}");
    assert!(o.message.contains("acme.invalid"), "{}", o.message);
}

#[tokio::test]
async fn a_closed_port_and_a_vendor_outage_are_vendor_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = probe(
        "huntress",
        &creds(&[("api_key", "k")], &[("api_secret", "s")]),
        Some(&format!("http://127.0.0.1:{port}")),
    )
    .await;
    assert_eq!(o.result, ProbeResult::VendorUnreachable, "{o:?}");

    let fake = FakeVendor::start("huntress", &[]);
    fake.set_mode(Mode::Down);
    let o = probe(
        "huntress",
        &creds(&[("api_key", "k")], &[("api_secret", "s")]),
        Some(&fake.base),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::VendorUnreachable, Some(503)),
        "{o:?}"
    );
}

#[tokio::test]
async fn a_vendor_that_never_answers_times_out() {
    let fake = FakeVendor::start("huntress", &[]);
    fake.set_mode(Mode::Hang);
    let o = probe_with(
        "huntress",
        &creds(&[("api_key", "k")], &[("api_secret", "s")]),
        Some(&fake.base),
        Duration::from_millis(300),
    )
    .await;
    assert_eq!(o.result, ProbeResult::VendorUnreachable, "{o:?}");
    assert!(
        o.message.contains("did not answer within 0.3 s"),
        "{}",
        o.message
    );
    assert!(o.elapsed_ms < 5_000);
}

#[tokio::test]
async fn a_token_response_without_a_token_is_unexpected() {
    let fake = FakeVendor::start("datto-rmm", &[]);
    fake.set_mode(Mode::EmptyJson);
    let o = probe(
        "datto-rmm",
        &creds(
            &[("platform", "concord")],
            &[("api_key", "k"), ("api_secret", "s")],
        ),
        Some(&fake.base),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::UnexpectedResponse, Some(200)),
        "{o:?}"
    );
    assert!(o.message.contains("access_token"), "{}", o.message);
    assert_eq!(
        fake.requests().len(),
        1,
        "the API step never runs without a token"
    );
}

#[tokio::test]
async fn hudus_firewall_page_is_reachable_but_unverified() {
    let fake = FakeVendor::start("hudu", &[("api_key", "k")]);
    fake.set_mode(Mode::Firewall);
    let o = probe(
        "hudu",
        &creds(&[("base_url", &fake.base)], &[("api_key", "k")]),
        None,
    )
    .await;
    assert_eq!(o.result, ProbeResult::Ok, "{o:?}");
    assert!(o.message.contains("firewall"), "{}", o.message);
}

#[tokio::test]
async fn secrets_echoed_by_a_vendor_are_redacted_from_the_message() {
    let secrets = [("api_key", "DATTO-KEY-zzz9"), ("api_secret", "p@ss w/rd+!")];
    let fake = FakeVendor::start("datto-rmm", &secrets);
    fake.set_mode(Mode::Echo);
    let o = probe(
        "datto-rmm",
        &creds(&[("platform", "concord")], &secrets),
        Some(&fake.base),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert!(
        o.message.contains("denied"),
        "the vendor's text is shown: {}",
        o.message
    );
    for needle in [
        "DATTO-KEY-zzz9",
        "p@ss w/rd+!",
        "p%40ss+w%2Frd%2B%21",
        "cHVibGljLWNsaWVudDpwdWJsaWM",
    ] {
        assert!(
            !o.message.contains(needle),
            "{needle} leaked: {}",
            o.message
        );
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    // A base that redirects (as a marketing site would) must not receive credentials
    // on a second host. axum's fake answers 404 for unknown paths, so use a raw socket.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf);
        s.write_all(b"HTTP/1.1 301 Moved Permanently\r\nLocation: https://elsewhere.invalid/login?next=x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
    });
    let o = probe(
        "huntress",
        &creds(&[("api_key", "k")], &[("api_secret", "s")]),
        Some(&format!("http://{addr}")),
    )
    .await;
    server.join().unwrap();
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::WrongRegionOrUrl, Some(301)),
        "{o:?}"
    );
    assert!(
        o.message.contains("https://elsewhere.invalid/login"),
        "{}",
        o.message
    );
    assert!(
        !o.message.contains("next=x"),
        "query strings are not shown: {}",
        o.message
    );
}
