//! The probes of the twenty vendors added for MSP breadth, each against a local fake
//! of its vendor's API: the exact request the real vendor would receive, and a
//! rejection. (`probes.rs` has the first ten and the failure classes.)

use switchboard_core::probe::ProbeResult;
use switchboard_tests::FakeVendor;
use switchboard_tests::fake_vendor::TOKEN;
use switchboard_tests::probing::*;

// --- atera ---

#[tokio::test]
async fn atera_sends_the_key_in_x_api_key_and_asks_for_one_agent() {
    let secrets = [("api_key", "3f9c2a7b81d64e0f9a5b7c1d2e3f4a5b")];
    let fake = FakeVendor::start("atera", &secrets);
    let o = probe("atera", &creds(&[], &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/api/v3/agents")
    );
    assert_eq!(
        r.query_map(),
        [
            ("itemsInPage".to_owned(), "1".to_owned()),
            ("page".to_owned(), "1".to_owned())
        ]
        .into()
    );
    assert_eq!(
        r.header("x-api-key"),
        Some("3f9c2a7b81d64e0f9a5b7c1d2e3f4a5b")
    );
    assert_eq!(r.header("authorization"), None);
    assert!(r.body.is_empty());
    assert_json_accept(r);
}

#[tokio::test]
async fn atera_wrong_key_is_invalid_credentials() {
    let fake = FakeVendor::start("atera", &[("api_key", "3f9c2a7b81d64e0f9a5b7c1d2e3f4a5b")]);
    let wrong = "0000aaaa1111bbbb2222cccc3333dddd";
    let o = probe(
        "atera",
        &creds(&[], &[("api_key", wrong)]),
        Some(&fake.base),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::InvalidCredentials, Some(401)),
        "{o:?}"
    );
    assert_eq!(o.step.as_deref(), Some("agent list"));
    assert!(o.message.contains("API key"), "{}", o.message);
    assert!(!o.message.contains(wrong), "{}", o.message);
}

// --- superops ---

#[tokio::test]
async fn superops_posts_one_graphql_client_list_with_bearer_and_subdomain() {
    let (plain, secrets) = (
        [("subdomain", "acme"), ("region", "eu")],
        [("api_token", "sopt_9f8e7d6c5b4a39281706f5e4d3c2b1a0")],
    );
    let fake = FakeVendor::start("superops", &all(&plain, &secrets));
    let o = probe("superops", &creds(&plain, &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/msp"));
    assert!(r.query.is_empty());
    assert_eq!(r.bearer(), Some("sopt_9f8e7d6c5b4a39281706f5e4d3c2b1a0"));
    assert_eq!(r.header("customersubdomain"), Some("acme"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.json(),
        serde_json::json!({
            "query": "query { getClientList(input: { page: 1, pageSize: 1 }) { listInfo { totalCount } } }"
        })
    );
    assert_json_accept(r);
}

#[tokio::test]
async fn superops_wrong_token_is_invalid_credentials() {
    let plain = [("subdomain", "acme"), ("region", "us")];
    let fake = FakeVendor::start(
        "superops",
        &all(
            &plain,
            &[("api_token", "sopt_9f8e7d6c5b4a39281706f5e4d3c2b1a0")],
        ),
    );
    let wrong = "sopt_00000000000000000000000000000000";
    let o = probe(
        "superops",
        &creds(&plain, &[("api_token", wrong)]),
        Some(&fake.base),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::InvalidCredentials, Some(401)),
        "{o:?}"
    );
    assert!(o.message.contains("API token"), "{}", o.message);
    assert!(!o.message.contains(wrong), "{}", o.message);
}

// --- ncentral ---

const NCENTRAL_JWT: &str =
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhcGktdXNlciIsImlzcyI6Ik4tYWJsZSJ9.c2lnbmF0dXJlLWZha2UtMTIz";

#[tokio::test]
async fn ncentral_exchanges_the_jwt_then_validates_the_access_token() {
    let fake = FakeVendor::start("ncentral", &[("jwt", NCENTRAL_JWT)]);
    let o = probe(
        "ncentral",
        &creds(&[("server_url", &fake.base)], &[("jwt", NCENTRAL_JWT)]),
        None,
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    let auth = &reqs[0];
    assert_eq!(
        (auth.method.as_str(), auth.path.as_str()),
        ("POST", "/api/auth/authenticate")
    );
    assert_eq!(auth.bearer(), Some(NCENTRAL_JWT));
    assert!(auth.query.is_empty() && auth.body.is_empty());
    assert_json_accept(auth);
    let validate = &reqs[1];
    assert_eq!(
        (
            validate.method.as_str(),
            validate.path.as_str(),
            validate.bearer()
        ),
        ("GET", "/api/auth/validate", Some(TOKEN))
    );
    assert!(validate.query.is_empty() && validate.body.is_empty());
}

#[tokio::test]
async fn ncentral_wrong_jwt_is_invalid_credentials() {
    let fake = FakeVendor::start("ncentral", &[("jwt", NCENTRAL_JWT)]);
    let wrong = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzb21lb25lLWVsc2UifQ.d3Jvbmctc2lnbmF0dXJl";
    let o = probe(
        "ncentral",
        &creds(&[("server_url", &fake.base)], &[("jwt", wrong)]),
        None,
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::InvalidCredentials, Some(401)),
        "{o:?}"
    );
    assert_eq!(o.step.as_deref(), Some("token exchange"));
    assert_eq!(
        fake.requests().len(),
        1,
        "validation never runs without a token"
    );
    assert!(!o.message.contains(wrong), "{}", o.message);
}

// --- liongard ---

// base64("a1b2c3d4e5f6:Zx9Yw8Vu7Ts6Rq5P"), the form Liongard's X-ROAR-API-KEY takes.
const LIONGARD_KEY: &str = "YTFiMmMzZDRlNWY2Olp4OVl3OFZ1N1RzNlJxNVA=";

#[tokio::test]
async fn liongard_sends_x_roar_api_key_to_the_v2_environment_list() {
    let (plain, secrets) = ([("instance", "acme")], [("api_key", LIONGARD_KEY)]);
    let fake = FakeVendor::start("liongard", &all(&plain, &secrets));
    let o = probe("liongard", &creds(&plain, &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/api/v2/environments/")
    );
    assert_eq!(
        r.query_map(),
        [
            ("page".to_owned(), "1".to_owned()),
            ("pageSize".to_owned(), "1".to_owned())
        ]
        .into()
    );
    assert_eq!(r.header("x-roar-api-key"), Some(LIONGARD_KEY));
    assert_eq!(r.header("authorization"), None);
    assert!(r.body.is_empty());
    assert_json_accept(r);
}

#[tokio::test]
async fn liongard_wrong_key_is_invalid_credentials() {
    let plain = [("instance", "acme")];
    let fake = FakeVendor::start("liongard", &all(&plain, &[("api_key", LIONGARD_KEY)]));
    // base64("a1b2c3d4e5f6:WRONGsecret000000")
    let wrong = "YTFiMmMzZDRlNWY2OldST05Hc2VjcmV0MDAwMDAw";
    let o = probe(
        "liongard",
        &creds(&plain, &[("api_key", wrong)]),
        Some(&fake.base),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::InvalidCredentials, Some(401)),
        "{o:?}"
    );
    assert!(o.message.contains("Instance"), "{}", o.message);
    assert!(!o.message.contains(wrong), "{}", o.message);
}

// --- immybot ---

const IMMY_TENANT: &str = "3c8e1f2a-6b4d-4e7f-9a1b-2c3d4e5f6a7b";
const IMMY_CLIENT: &str = "9f1e2d3c-4b5a-4678-8899-aabbccddeeff";
const IMMY_SECRET: &str = "Qx8~kV2.nR5_tY7-wZ1pL4mB6cD9fG3hJ0sA";

#[tokio::test]
async fn immybot_gets_an_entra_token_then_lists_tenants_on_the_instance() {
    let (plain, secrets) = (
        [
            ("instance_subdomain", "acme"),
            ("tenant_id", IMMY_TENANT),
            ("client_id", IMMY_CLIENT),
        ],
        [("client_secret", IMMY_SECRET)],
    );
    let fake = FakeVendor::start("immybot", &all(&plain, &secrets));
    let o = probe("immybot", &creds(&plain, &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    let token = &reqs[0];
    assert_eq!(
        (token.method.as_str(), token.path.clone()),
        ("POST", format!("/{IMMY_TENANT}/oauth2/v2.0/token"))
    );
    assert!(token.query.is_empty());
    assert_eq!(
        token.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        token.header("authorization"),
        None,
        "the secret goes in the form body, not Basic"
    );
    assert_eq!(
        token.form_map(),
        [
            ("client_id", IMMY_CLIENT.to_owned()),
            ("client_secret", IMMY_SECRET.to_owned()),
            ("grant_type", "client_credentials".to_owned()),
            ("scope", format!("api://{IMMY_CLIENT}/.default")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    );
    let api = &reqs[1];
    assert_eq!(
        (api.method.as_str(), api.path.as_str(), api.bearer()),
        ("GET", "/api/v1/tenants/", Some(TOKEN))
    );
    assert!(api.query.is_empty() && api.body.is_empty());
    assert_json_accept(api);
}

#[tokio::test]
async fn immybot_wrong_client_secret_is_invalid_credentials() {
    let plain = [
        ("instance_subdomain", "acme"),
        ("tenant_id", IMMY_TENANT),
        ("client_id", IMMY_CLIENT),
    ];
    let fake = FakeVendor::start("immybot", &all(&plain, &[("client_secret", IMMY_SECRET)]));
    let wrong = "Zz9~wrong.secret_value-0000000000000";
    let o = probe(
        "immybot",
        &creds(&plain, &[("client_secret", wrong)]),
        Some(&fake.base),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::InvalidCredentials, Some(401)),
        "{o:?}"
    );
    assert_eq!(o.step.as_deref(), Some("token request"));
    assert!(o.message.contains("AADSTS7000215"), "{}", o.message);
    assert_eq!(
        fake.requests().len(),
        1,
        "the API step never runs without a token"
    );
    assert!(!o.message.contains(wrong), "{}", o.message);
}

// --- rocketcyber ---

#[tokio::test]
async fn rocketcyber_sends_the_provider_token_as_bearer_to_v3_account() {
    let secrets = [("api_key", "4f9e2c7a1b8d3e6f0a5c9b2d7e4f1a8c3b6d9e2f")];
    let fake = FakeVendor::start("rocketcyber", &secrets);
    let o = probe(
        "rocketcyber",
        &creds(&[("region", "eu")], &secrets),
        Some(&format!("{}/v3", fake.base)),
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v3/account"));
    assert!(r.query.is_empty() && r.body.is_empty());
    assert_eq!(r.bearer(), Some("4f9e2c7a1b8d3e6f0a5c9b2d7e4f1a8c3b6d9e2f"));
    assert_eq!(r.header("x-rocketcyber-api-key"), None);
    assert_json_accept(r);
}

#[tokio::test]
async fn rocketcyber_rejects_a_wrong_token_as_invalid_credentials() {
    let fake = FakeVendor::start(
        "rocketcyber",
        &[("api_key", "4f9e2c7a1b8d3e6f0a5c9b2d7e4f1a8c3b6d9e2f")],
    );
    // No region: the probe falls back to the US host, as the server does.
    let o = probe(
        "rocketcyber",
        &creds(
            &[],
            &[("api_key", "0000aaaa1111bbbb2222cccc3333dddd4444eeee")],
        ),
        Some(&format!("{}/v3", fake.base)),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::InvalidCredentials, Some(401)),
        "{o:?}"
    );
    assert_eq!(o.step.as_deref(), Some("account lookup"));
    assert!(
        !o.message
            .contains("0000aaaa1111bbbb2222cccc3333dddd4444eeee"),
        "{}",
        o.message
    );
}

// --- blackpoint ---

#[tokio::test]
async fn blackpoint_lists_one_account_with_a_bearer_token_and_a_trailing_slash() {
    let secrets = [("api_token", "bp_c1o_7Hq2xV9mK4rT8wZ3nL6pS1dF5gJ0aY2e")];
    let fake = FakeVendor::start("blackpoint", &secrets);
    let o = probe(
        "blackpoint",
        &creds(&[], &secrets),
        Some(&format!("{}/v1", fake.base)),
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/v1/accounts/"),
        "node-blackpoint always adds the trailing slash; no redirect is followed"
    );
    assert_eq!(r.query, [("pageSize".to_owned(), "1".to_owned())]);
    assert_eq!(r.bearer(), Some("bp_c1o_7Hq2xV9mK4rT8wZ3nL6pS1dF5gJ0aY2e"));
    assert!(r.body.is_empty());
    assert_json_accept(r);
}

#[tokio::test]
async fn blackpoint_rejects_a_wrong_token_as_invalid_credentials() {
    let fake = FakeVendor::start(
        "blackpoint",
        &[("api_token", "bp_c1o_7Hq2xV9mK4rT8wZ3nL6pS1dF5gJ0aY2e")],
    );
    let o = probe(
        "blackpoint",
        &creds(&[], &[("api_token", "bp_c1o_WRONGwrongWRONGwrong00000000")]),
        Some(&format!("{}/v1", fake.base)),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::InvalidCredentials, Some(401)),
        "{o:?}"
    );
    assert!(
        !o.message.contains("bp_c1o_WRONGwrongWRONGwrong00000000"),
        "{}",
        o.message
    );
}

// --- threatlocker ---

#[tokio::test]
async fn threatlocker_sends_the_raw_token_and_the_managed_organization() {
    let (plain, secrets) = (
        [
            ("organization_id", "3a7c1e90-5b2d-4f86-9e14-c0d8a6b2f471"),
            ("instance", "h"),
        ],
        [(
            "api_key",
            "9C4E1A7B2D8F3E6A0B5C9D2E7F4A1B8C3D6E9F2A5B8C1D4E7F0A3B6C9D2E5F81",
        )],
    );
    let fake = FakeVendor::start("threatlocker", &all(&plain, &secrets));
    let base = format!("{}/portalapi", fake.base);
    let o = probe("threatlocker", &creds(&plain, &secrets), Some(&base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/portalapi/ApprovalRequest/ApprovalRequestGetCount")
    );
    assert!(r.query.is_empty() && r.body.is_empty());
    assert_eq!(
        r.header("authorization"),
        Some("9C4E1A7B2D8F3E6A0B5C9D2E7F4A1B8C3D6E9F2A5B8C1D4E7F0A3B6C9D2E5F81"),
        "the raw token, with no Bearer prefix"
    );
    assert_eq!(
        r.header("managedorganizationid"),
        Some("3a7c1e90-5b2d-4f86-9e14-c0d8a6b2f471")
    );
    assert_eq!(r.header("organizationid"), None);
    assert_json_accept(r);

    // Without an organization the header is left out: the token's own organization is used.
    let o = probe("threatlocker", &creds(&[], &secrets), Some(&base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].header("managedorganizationid"), None);
}

#[tokio::test]
async fn threatlocker_wrong_or_foreign_instance_tokens_are_invalid_credentials() {
    let valid = [
        (
            "api_key",
            "9C4E1A7B2D8F3E6A0B5C9D2E7F4A1B8C3D6E9F2A5B8C1D4E7F0A3B6C9D2E5F81",
        ),
        (
            "key_on_other_instance",
            "1F2E3D4C5B6A79881F2E3D4C5B6A79881F2E3D4C5B6A79881F2E3D4C5B6A7988",
        ),
    ];
    let fake = FakeVendor::start("threatlocker", &valid);
    let base = format!("{}/portalapi", fake.base);

    let wrong = "0A0A0A0A0B0B0B0B0C0C0C0C0D0D0D0D0E0E0E0E0F0F0F0F0A0A0A0A0B0B0B0B";
    let o = probe(
        "threatlocker",
        &creds(&[], &[("api_key", wrong)]),
        Some(&base),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::InvalidCredentials, Some(401)),
        "{o:?}"
    );
    assert!(!o.message.contains(wrong), "{}", o.message);

    // A token made on another portal instance: ThreatLocker answers 440.
    let foreign = "1F2E3D4C5B6A79881F2E3D4C5B6A79881F2E3D4C5B6A79881F2E3D4C5B6A7988";
    let o = probe(
        "threatlocker",
        &creds(&[("instance", "g")], &[("api_key", foreign)]),
        Some(&base),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::InvalidCredentials, Some(440)),
        "{o:?}"
    );
    assert!(o.message.contains("Portal instance"), "{}", o.message);
    assert!(!o.message.contains(foreign), "{}", o.message);
}

// --- blumira ---

#[tokio::test]
async fn blumira_sends_the_jwt_as_bearer_to_the_public_api_health() {
    let jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmYWtlLWNsaWVudEBjbGllbnRzIiwiYXVkIjoiaHR0cHM6Ly9hcGkuYmx1bWlyYS5jb20vcHVibGljLWFwaS92MSJ9.c2lnbmF0dXJlLW5vdC1yZWFs";
    let secrets = [("jwt_token", jwt)];
    let fake = FakeVendor::start("blumira", &secrets);
    let o = probe(
        "blumira",
        &creds(&[], &secrets),
        Some(&format!("{}/public-api/v1", fake.base)),
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/public-api/v1/health")
    );
    assert!(r.query.is_empty() && r.body.is_empty());
    assert_eq!(r.bearer(), Some(jwt));
    assert_eq!(r.header("x-blumira-jwt-token"), None);
    assert_json_accept(r);
}

#[tokio::test]
async fn blumira_rejects_an_expired_or_wrong_jwt_as_invalid_credentials() {
    let fake = FakeVendor::start(
        "blumira",
        &[(
            "jwt_token",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyaWdodCJ9.cmlnaHQ",
        )],
    );
    let wrong = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzdGFsZSJ9.c3RhbGUtc2lnbmF0dXJl";
    let o = probe(
        "blumira",
        &creds(&[], &[("jwt_token", wrong)]),
        Some(&format!("{}/public-api/v1", fake.base)),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::InvalidCredentials, Some(401)),
        "{o:?}"
    );
    assert_eq!(o.step.as_deref(), Some("health check"));
    assert!(!o.message.contains(wrong), "{}", o.message);
}

// --- cipp ---

#[tokio::test]
async fn cipp_mints_an_entra_token_for_the_api_client_then_lists_tenants() {
    let plain = [
        ("base_url", "https://cippabcde.azurewebsites.net"),
        ("tenant_id", "7d2f9c41-0e6b-4a58-b3d1-92c8e5f4a610"),
        ("client_id", "e3b1c8a2-4f7d-4d09-8a6e-15c2b9f0d7a3"),
    ];
    let secrets = [("client_secret", "Xq8~hT2.vN5kR9_pL3mW7sD1fG4jB6cA0zY8eU2")];
    let fake = FakeVendor::start("cipp", &all(&plain[1..], &secrets));
    // The override replaces the CIPP URL and the Entra host alike.
    let o = probe("cipp", &creds(&plain, &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    let token = &reqs[0];
    assert_eq!(
        (token.method.as_str(), token.path.as_str()),
        (
            "POST",
            "/7d2f9c41-0e6b-4a58-b3d1-92c8e5f4a610/oauth2/v2.0/token"
        )
    );
    assert_eq!(
        token.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(token.header("authorization"), None);
    assert_eq!(
        token.form_map(),
        [
            ("client_id", "e3b1c8a2-4f7d-4d09-8a6e-15c2b9f0d7a3"),
            ("client_secret", "Xq8~hT2.vN5kR9_pL3mW7sD1fG4jB6cA0zY8eU2"),
            ("grant_type", "client_credentials"),
            (
                "scope",
                "api://e3b1c8a2-4f7d-4d09-8a6e-15c2b9f0d7a3/.default"
            ),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    );
    let api = &reqs[1];
    assert_eq!(
        (api.method.as_str(), api.path.as_str(), api.bearer()),
        ("GET", "/api/ListTenants", Some(TOKEN))
    );
    assert!(api.query.is_empty() && api.body.is_empty());
    assert_json_accept(api);

    // A legacy static key skips the token step (skip_if) and is the bearer itself.
    let key = "cipp-static-4b7e1d9a2c5f8e0b3d6a9c2f5e8b1d4a";
    let fake = FakeVendor::start("cipp", &[("api_key", key)]);
    let o = probe(
        "cipp",
        &creds(
            &[("base_url", "https://cippabcde.azurewebsites.net")],
            &[("api_key", key)],
        ),
        Some(&fake.base),
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.bearer()),
        ("GET", "/api/ListTenants", Some(key))
    );
}

#[tokio::test]
async fn cipp_wrong_client_secret_or_key_is_invalid_credentials() {
    let valid = [
        ("tenant_id", "7d2f9c41-0e6b-4a58-b3d1-92c8e5f4a610"),
        ("client_id", "e3b1c8a2-4f7d-4d09-8a6e-15c2b9f0d7a3"),
        ("client_secret", "Xq8~hT2.vN5kR9_pL3mW7sD1fG4jB6cA0zY8eU2"),
        ("api_key", "cipp-static-4b7e1d9a2c5f8e0b3d6a9c2f5e8b1d4a"),
    ];
    let fake = FakeVendor::start("cipp", &valid);
    let wrong_secret = "Wr0ng~Secret.Value_1234567890abcdefGHIJ";
    let o = probe(
        "cipp",
        &creds(
            &[
                ("base_url", "https://cippabcde.azurewebsites.net"),
                ("tenant_id", "7d2f9c41-0e6b-4a58-b3d1-92c8e5f4a610"),
                ("client_id", "e3b1c8a2-4f7d-4d09-8a6e-15c2b9f0d7a3"),
            ],
            &[("client_secret", wrong_secret)],
        ),
        Some(&fake.base),
    )
    .await;
    assert_eq!(
        (o.result, o.status),
        (ProbeResult::InvalidCredentials, Some(401)),
        "{o:?}"
    );
    assert_eq!(o.step.as_deref(), Some("token request"));
    assert!(o.message.contains("AADSTS7000215"), "{}", o.message);
    assert!(!o.message.contains(wrong_secret), "{}", o.message);
    assert_eq!(fake.requests().len(), 1, "CIPP itself is never called");

    // A wrong static key: CIPP's App Service authentication answers 401 with no body.
    let wrong_key = "cipp-static-00000000000000000000000000000000";
    let o = probe(
        "cipp",
        &creds(
            &[("base_url", "https://cippabcde.azurewebsites.net")],
            &[("api_key", wrong_key)],
        ),
        Some(&fake.base),
    )
    .await;
    assert_eq!(
        (o.result, o.status, o.step.as_deref()),
        (
            ProbeResult::InvalidCredentials,
            Some(401),
            Some("tenant list")
        ),
        "{o:?}"
    );
    assert!(!o.message.contains(wrong_key), "{}", o.message);
}

// --- abnormal-security ---

#[tokio::test]
async fn abnormal_security_lists_one_threat_with_the_bearer_token() {
    let secrets = [("api_token", "3f0c9a1e5b7d4c2a8e6f1b0d9c7a5e3f")];
    let fake = FakeVendor::start("abnormal-security", &secrets);
    let o = probe("abnormal-security", &creds(&[], &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/threats"));
    assert_eq!(r.query, [("pageSize".to_owned(), "1".to_owned())]);
    assert_eq!(r.bearer(), Some("3f0c9a1e5b7d4c2a8e6f1b0d9c7a5e3f"));
    assert!(r.body.is_empty());
    assert_json_accept(r);
}

#[tokio::test]
async fn abnormal_security_rejects_a_wrong_token() {
    let fake = FakeVendor::start(
        "abnormal-security",
        &[("api_token", "3f0c9a1e5b7d4c2a8e6f1b0d9c7a5e3f")],
    );
    let o = probe(
        "abnormal-security",
        &creds(&[], &[("api_token", "0123456789abcdef0123456789abcdef")]),
        Some(&fake.base),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(o.status, Some(401));
    assert_eq!(o.step.as_deref(), Some("threat list"));
    assert!(
        !o.message.contains("0123456789abcdef0123456789abcdef"),
        "{}",
        o.message
    );
}

// --- ironscales ---

#[tokio::test]
async fn ironscales_trades_the_key_for_a_jwt_then_lists_one_company_incident() {
    let (plain, secrets) = (
        [("company_id", "48213")],
        [("api_key", "b7f3c2d1e0a94f5c8d6e2b1a0f9c8d7e")],
    );
    let fake = FakeVendor::start("ironscales", &all(&plain, &secrets));
    let o = probe("ironscales", &creds(&plain, &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    let token = &reqs[0];
    assert_eq!(
        (token.method.as_str(), token.path.as_str()),
        ("POST", "/appapi/get-token/")
    );
    assert_eq!(
        token.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(token.header("authorization"), None);
    assert_eq!(
        token.form_map(),
        [
            ("key", "b7f3c2d1e0a94f5c8d6e2b1a0f9c8d7e"),
            ("scopes", "company.view")
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    );
    assert!(token.query.is_empty());
    let api = &reqs[1];
    assert_eq!(
        (api.method.as_str(), api.path.as_str()),
        ("GET", "/appapi/incident/48213/list/")
    );
    assert_eq!(
        api.query_map(),
        [
            ("items_per_page".to_owned(), "1".to_owned()),
            ("page".to_owned(), "1".to_owned())
        ]
        .into()
    );
    assert_eq!(api.bearer(), Some(TOKEN));
    assert!(api.body.is_empty());
    assert_json_accept(api);
}

#[tokio::test]
async fn ironscales_rejects_a_wrong_key_and_a_foreign_company_id() {
    let fake = FakeVendor::start(
        "ironscales",
        &[
            ("company_id", "48213"),
            ("api_key", "b7f3c2d1e0a94f5c8d6e2b1a0f9c8d7e"),
        ],
    );
    let o = probe(
        "ironscales",
        &creds(
            &[("company_id", "48213")],
            &[("api_key", "0000aaaa1111bbbb2222cccc3333dddd")],
        ),
        Some(&fake.base),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(o.status, Some(403));
    assert_eq!(o.step.as_deref(), Some("token request"));
    assert!(
        !o.message.contains("0000aaaa1111bbbb2222cccc3333dddd"),
        "{}",
        o.message
    );

    // The right key with another company's ID fails at the company-scoped call.
    let o = probe(
        "ironscales",
        &creds(
            &[("company_id", "99999")],
            &[("api_key", "b7f3c2d1e0a94f5c8d6e2b1a0f9c8d7e")],
        ),
        Some(&fake.base),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(o.step.as_deref(), Some("incident list"));
    assert!(
        !o.message.contains("b7f3c2d1e0a94f5c8d6e2b1a0f9c8d7e") && !o.message.contains(TOKEN),
        "{}",
        o.message
    );
}

// --- knowbe4 ---

#[tokio::test]
async fn knowbe4_reads_the_account_with_the_reporting_key_as_bearer() {
    let key = "eyJhbGciOiJIUzUxMiJ9.eyJzaXRlIjoidHJhaW5pbmcua25vd2JlNC5jb20iLCJ1dWlkIjoiZmFrZSJ9.c2lnbmF0dXJlLWZha2U";
    let secrets = [("api_key", key)];
    let fake = FakeVendor::start("knowbe4", &secrets);
    let o = probe(
        "knowbe4",
        &creds(&[("region", "eu")], &secrets),
        Some(&fake.base),
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/account"));
    assert!(r.query.is_empty());
    assert_eq!(r.bearer(), Some(key));
    assert!(r.body.is_empty());
    assert_json_accept(r);

    // A base URL, when given, wins over the region (no override: the fake is the base).
    let fake = FakeVendor::start("knowbe4", &secrets);
    let o = probe(
        "knowbe4",
        &creds(&[("region", "us"), ("base_url", &fake.base)], &secrets),
        None,
    )
    .await;
    assert_ok(&o);
    assert_eq!(only(&fake.requests()).path, "/v1/account");
}

#[tokio::test]
async fn knowbe4_rejects_a_wrong_reporting_key() {
    let fake = FakeVendor::start("knowbe4", &[("api_key", "eyJhbGciOiJIUzUxMiJ9.right.key")]);
    let o = probe(
        "knowbe4",
        &creds(
            &[("region", "us")],
            &[("api_key", "eyJhbGciOiJIUzUxMiJ9.wrong.key")],
        ),
        Some(&fake.base),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(o.status, Some(401));
    assert!(o.message.contains("Reporting API key"), "{}", o.message);
    assert!(
        !o.message.contains("eyJhbGciOiJIUzUxMiJ9.wrong.key"),
        "{}",
        o.message
    );
}

// --- proofpoint ---

#[tokio::test]
async fn proofpoint_queries_one_minute_of_blocked_clicks_with_basic_auth() {
    let (plain, secrets) = (
        [("service_principal", "7a1c2f4e-3b5d-4c6e-9f80-1a2b3c4d5e6f")],
        [(
            "service_secret",
            "c0ffee1234deadbeef5678cafe9abc0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b",
        )],
    );
    let fake = FakeVendor::start("proofpoint", &all(&plain, &secrets));
    let o = probe("proofpoint", &creds(&plain, &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/v2/siem/clicks/blocked")
    );
    assert_eq!(
        r.query_map(),
        [
            ("format".to_owned(), "json".to_owned()),
            ("sinceSeconds".to_owned(), "60".to_owned())
        ]
        .into()
    );
    assert_eq!(
        r.basic(),
        Some((
            "7a1c2f4e-3b5d-4c6e-9f80-1a2b3c4d5e6f".into(),
            "c0ffee1234deadbeef5678cafe9abc0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b".into()
        ))
    );
    assert!(r.body.is_empty());
    assert_json_accept(r);
}

#[tokio::test]
async fn proofpoint_rejects_a_wrong_service_secret() {
    let fake = FakeVendor::start(
        "proofpoint",
        &[
            ("service_principal", "7a1c2f4e-3b5d-4c6e-9f80-1a2b3c4d5e6f"),
            ("service_secret", "right-secret-0001"),
        ],
    );
    let o = probe(
        "proofpoint",
        &creds(
            &[("service_principal", "7a1c2f4e-3b5d-4c6e-9f80-1a2b3c4d5e6f")],
            &[("service_secret", "wrong-secret-9999")],
        ),
        Some(&fake.base),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(o.status, Some(401));
    assert!(o.message.contains("Service secret"), "{}", o.message);
    assert!(!o.message.contains("wrong-secret-9999"), "{}", o.message);
}

// --- sherweb ---

#[tokio::test]
async fn sherweb_gets_a_token_for_both_scopes_then_lists_customers_with_the_gateway_key() {
    let (plain, secrets) = (
        [("client_id", "3c9e7a52-1f4b-4d8e-a6c0-9b2d5e7f1a34")],
        [
            ("client_secret", "sw-secret-Zq8vN3kR7tY2pL5m"),
            ("subscription_key", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
        ],
    );
    let fake = FakeVendor::start("sherweb", &all(&plain, &secrets));
    let o = probe("sherweb", &creds(&plain, &secrets), Some(&fake.base)).await;
    assert_ok(&o);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    let token = &reqs[0];
    assert_eq!(
        (token.method.as_str(), token.path.as_str()),
        ("POST", "/auth/oidc/connect/token")
    );
    assert_eq!(
        token.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(token.header("authorization"), None);
    assert_eq!(
        token.header("ocp-apim-subscription-key"),
        Some("0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    );
    assert_eq!(
        token.form_map(),
        [
            ("client_id", "3c9e7a52-1f4b-4d8e-a6c0-9b2d5e7f1a34"),
            ("client_secret", "sw-secret-Zq8vN3kR7tY2pL5m"),
            ("grant_type", "client_credentials"),
            ("scope", "distributor service-provider")
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    );
    let api = &reqs[1];
    assert_eq!(
        (api.method.as_str(), api.path.as_str()),
        ("GET", "/service-provider/v1/customers")
    );
    assert!(api.query.is_empty() && api.body.is_empty());
    assert_eq!(api.bearer(), Some(TOKEN));
    assert_eq!(
        api.header("ocp-apim-subscription-key"),
        Some("0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    );
    assert_json_accept(api);
}

#[tokio::test]
async fn sherweb_rejects_a_wrong_secret_and_a_wrong_subscription_key() {
    let valid = [
        ("client_id", "3c9e7a52-1f4b-4d8e-a6c0-9b2d5e7f1a34"),
        ("client_secret", "sw-secret-Zq8vN3kR7tY2pL5m"),
        ("subscription_key", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
    ];
    let fake = FakeVendor::start("sherweb", &valid);
    let o = probe(
        "sherweb",
        &creds(
            &[("client_id", "3c9e7a52-1f4b-4d8e-a6c0-9b2d5e7f1a34")],
            &[
                ("client_secret", "sw-secret-WRONGWRONGWRONG"),
                ("subscription_key", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
            ],
        ),
        Some(&fake.base),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(
        (o.status, o.step.as_deref()),
        (Some(400), Some("token request"))
    );
    assert!(o.message.contains("invalid_client"), "{}", o.message);
    assert!(
        !o.message.contains("sw-secret-WRONGWRONGWRONG"),
        "{}",
        o.message
    );

    let o = probe(
        "sherweb",
        &creds(
            &[("client_id", "3c9e7a52-1f4b-4d8e-a6c0-9b2d5e7f1a34")],
            &[
                ("client_secret", "sw-secret-Zq8vN3kR7tY2pL5m"),
                ("subscription_key", "ffffffffffffffffffffffffffffffff"),
            ],
        ),
        Some(&fake.base),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(
        (o.status, o.step.as_deref()),
        (Some(401), Some("customer list"))
    );
    assert!(
        !o.message.contains("ffffffffffffffffffffffffffffffff")
            && !o.message.contains("sw-secret-Zq8vN3kR7tY2pL5m"),
        "{}",
        o.message
    );
}

// --- datto-bcdr ---

#[tokio::test]
async fn datto_bcdr_lists_one_appliance_with_basic_public_and_secret_key() {
    let secrets = [
        ("public_key", "8f3c2a1b9d7e4f60"),
        ("private_key", "b7e1d94c0a2f4e8b9c3d5a6f7e8d9c0b"),
    ];
    let fake = FakeVendor::start("datto-bcdr", &secrets);
    let o = probe(
        "datto-bcdr",
        &creds(&[], &secrets),
        Some(&format!("{}/v1", fake.base)),
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/v1/bcdr/device")
    );
    assert_eq!(
        r.query_map(),
        [
            ("_page".to_owned(), "1".to_owned()),
            ("_perPage".to_owned(), "1".to_owned())
        ]
        .into()
    );
    assert_eq!(
        r.basic(),
        Some((
            "8f3c2a1b9d7e4f60".into(),
            "b7e1d94c0a2f4e8b9c3d5a6f7e8d9c0b".into()
        ))
    );
    // Basic, not the gateway registry's stale HMAC headers.
    assert_eq!(r.header("x-datto-api-signature"), None);
    assert_eq!(r.header("x-datto-api-timestamp"), None);
    assert!(r.body.is_empty());
    assert_json_accept(r);
}

#[tokio::test]
async fn datto_bcdr_wrong_secret_key_is_invalid_credentials() {
    let fake = FakeVendor::start(
        "datto-bcdr",
        &[
            ("public_key", "8f3c2a1b9d7e4f60"),
            ("private_key", "b7e1d94c0a2f4e8b9c3d5a6f7e8d9c0b"),
        ],
    );
    let o = probe(
        "datto-bcdr",
        &creds(
            &[],
            &[
                ("public_key", "8f3c2a1b9d7e4f60"),
                ("private_key", "0000d94c0a2f4e8b9c3d5a6f7e8dffff"),
            ],
        ),
        Some(&format!("{}/v1", fake.base)),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(o.status, Some(401));
    assert_eq!(o.step.as_deref(), Some("appliance list"));
    for needle in ["0000d94c0a2f4e8b9c3d5a6f7e8dffff", "8f3c2a1b9d7e4f60"] {
        assert!(
            !o.message.contains(needle),
            "{needle} leaked: {}",
            o.message
        );
    }
}

// --- spanning ---

#[tokio::test]
async fn spanning_reads_the_license_with_basic_admin_email_and_token() {
    let (plain, secrets) = (
        [
            ("platform", "m365"),
            ("admin_email", "backup-admin@acme.example"),
        ],
        [("api_token", "sp_5f2d8c1e0b9a47e6a3c4d2f1e0b9a8c7")],
    );
    let fake = FakeVendor::start("spanning", &all(&plain, &secrets));
    // The M365 and Google Workspace APIs live under /external.
    let o = probe(
        "spanning",
        &creds(&plain, &secrets),
        Some(&format!("{}/external", fake.base)),
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/external/license")
    );
    assert!(r.query.is_empty());
    assert_eq!(
        r.basic(),
        Some((
            "backup-admin@acme.example".into(),
            "sp_5f2d8c1e0b9a47e6a3c4d2f1e0b9a8c7".into()
        ))
    );
    assert_eq!(r.header("x-spanning-authorization"), None);
    assert!(r.body.is_empty());
    assert_json_accept(r);
}

#[tokio::test]
async fn spanning_token_for_another_admin_is_invalid_credentials() {
    let fake = FakeVendor::start(
        "spanning",
        &[
            ("admin_email", "backup-admin@acme.example"),
            ("api_token", "sp_5f2d8c1e0b9a47e6a3c4d2f1e0b9a8c7"),
        ],
    );
    let o = probe(
        "spanning",
        &creds(
            &[
                ("platform", "gws"),
                ("admin_email", "someone-else@acme.example"),
            ],
            &[("api_token", "sp_5f2d8c1e0b9a47e6a3c4d2f1e0b9a8c7")],
        ),
        Some(&format!("{}/external", fake.base)),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(o.status, Some(401));
    assert!(o.message.contains("Platform"), "{}", o.message);
    assert!(
        !o.message.contains("sp_5f2d8c1e0b9a47e6a3c4d2f1e0b9a8c7"),
        "{}",
        o.message
    );
}

// --- unitrends ---

#[tokio::test]
async fn unitrends_logs_in_with_json_at_the_appliances_api_url() {
    let fake = FakeVendor::start(
        "unitrends",
        &[("username", "msp-readonly"), ("password", "Ut!7c9#kQ2pL")],
    );
    let c = creds(
        &[
            ("base_url", &format!("{}/api", fake.base)),
            ("username", "msp-readonly"),
            ("verify_tls", "true"),
        ],
        &[("password", "Ut!7c9#kQ2pL")],
    );
    let o = probe("unitrends", &c, None).await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/api/login"));
    assert!(r.query.is_empty());
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(
        r.json(),
        serde_json::json!({"username": "msp-readonly", "password": "Ut!7c9#kQ2pL"})
    );
    assert_json_accept(r);
}

#[tokio::test]
async fn unitrends_wrong_password_is_invalid_credentials() {
    let fake = FakeVendor::start(
        "unitrends",
        &[("username", "msp-readonly"), ("password", "Ut!7c9#kQ2pL")],
    );
    let c = creds(
        &[
            ("base_url", &format!("{}/api", fake.base)),
            ("username", "msp-readonly"),
        ],
        &[("password", "Wrong#Pass-99")],
    );
    let o = probe("unitrends", &c, None).await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(o.status, Some(401));
    assert_eq!(o.step.as_deref(), Some("login"));
    assert!(!o.message.contains("Wrong#Pass-99"), "{}", o.message);
}

// --- domotz ---

#[tokio::test]
async fn domotz_reads_the_user_with_the_key_in_x_api_key() {
    let (plain, secrets) = (
        [("region", "eu-central-1")],
        [("api_key", "dz_k9QvT2mX7bLr4NwE8sYh3JcF6pZa1Ud0")],
    );
    let fake = FakeVendor::start("domotz", &all(&plain, &secrets));
    let o = probe(
        "domotz",
        &creds(&plain, &secrets),
        Some(&format!("{}/public-api/v1", fake.base)),
    )
    .await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/public-api/v1/user")
    );
    assert!(r.query.is_empty());
    assert_eq!(
        r.header("x-api-key"),
        Some("dz_k9QvT2mX7bLr4NwE8sYh3JcF6pZa1Ud0")
    );
    assert_eq!(r.header("authorization"), None);
    assert!(r.body.is_empty());
    assert_json_accept(r);
}

#[tokio::test]
async fn domotz_wrong_key_is_invalid_credentials() {
    let fake = FakeVendor::start(
        "domotz",
        &[("api_key", "dz_k9QvT2mX7bLr4NwE8sYh3JcF6pZa1Ud0")],
    );
    let o = probe(
        "domotz",
        &creds(
            &[("region", "us-east-1")],
            &[("api_key", "dz_WRONGWRONGWRONGWRONGWRONGWRONG00")],
        ),
        Some(&format!("{}/public-api/v1", fake.base)),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(o.status, Some(401));
    assert!(o.message.contains("Region"), "{}", o.message);
    assert!(
        !o.message.contains("dz_WRONGWRONGWRONGWRONGWRONGWRONG00"),
        "{}",
        o.message
    );
}

// --- meraki ---

#[tokio::test]
async fn meraki_lists_organizations_with_the_key_as_bearer() {
    let key = "3f9a0c1d2e4b5a6978c0d1e2f3a4b5c6d7e8f901";
    let fake = FakeVendor::start("meraki", &[("api_key", key)]);
    // An explicit base URL (another Meraki region) is used instead of api.meraki.com.
    let c = creds(
        &[
            ("base_url", &format!("{}/api/v1", fake.base)),
            ("org_id", "549236"),
            ("read_only_mode", "true"),
        ],
        &[("api_key", key)],
    );
    let o = probe("meraki", &c, None).await;
    assert_ok(&o);
    let reqs = fake.requests();
    let r = only(&reqs);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/api/v1/organizations")
    );
    assert!(r.query.is_empty());
    assert_eq!(r.bearer(), Some(key));
    assert_eq!(r.header("x-cisco-meraki-api-key"), None);
    assert!(r.body.is_empty());
    assert_json_accept(r);
}

#[tokio::test]
async fn meraki_wrong_key_is_invalid_credentials() {
    let fake = FakeVendor::start(
        "meraki",
        &[("api_key", "3f9a0c1d2e4b5a6978c0d1e2f3a4b5c6d7e8f901")],
    );
    let wrong = "0000000000000000000000000000000000000bad";
    let o = probe(
        "meraki",
        &creds(&[], &[("api_key", wrong)]),
        Some(&format!("{}/api/v1", fake.base)),
    )
    .await;
    assert_eq!(o.result, ProbeResult::InvalidCredentials, "{o:?}");
    assert_eq!(o.status, Some(401));
    assert!(o.message.contains("Invalid API key"), "{}", o.message);
    assert!(!o.message.contains(wrong), "{}", o.message);
}
