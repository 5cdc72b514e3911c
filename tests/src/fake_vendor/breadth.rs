//! The fakes of the twenty vendors added for MSP breadth (security, email security,
//! backup, network, marketplace and Microsoft 365 management), in the same manner as
//! the first ten in the parent module: exactly the right request succeeds, the rest is
//! answered as the vendor answers it.

use super::*;

pub(super) fn respond(s: &State, r: &Recorded) -> Response {
    let q = r.query_map();
    let form = r.form_map();
    let is_form = r
        .header("content-type")
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    match (s.slug.as_str(), r.method.as_str(), r.path.as_str()) {
        // Atera: REST API v3, the key in X-API-KEY; a paged envelope on success and
        // ASP.NET's denial message otherwise.
        ("atera", "GET", "/api/v3/agents") => {
            if r.header("X-API-KEY") == Some(s.v("api_key")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({
                        "items": [{
                            "AgentID": 101,
                            "AgentName": "ACME-DC01",
                            "MachineName": "ACME-DC01",
                            "CustomerID": 7,
                            "CustomerName": "Acme",
                            "Online": true,
                            "OSType": "Server"
                        }],
                        "totalItemCount": 42,
                        "page": 1,
                        "itemsInPage": 1,
                        "totalPages": 42,
                        "prevLink": "",
                        "nextLink": "https://app.atera.com/api/v3/agents?page=2&itemsInPage=1"
                    }),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"Message": "Authorization has been denied for this request."}),
                )
            }
        }

        // SuperOps: one GraphQL endpoint per region; Bearer token plus the
        // CustomerSubDomain header. Errors come back in the GraphQL `errors` array.
        ("superops", "POST", "/msp") => {
            let is_json = r
                .header("content-type")
                .is_some_and(|c| c.starts_with("application/json"));
            let authed = r.bearer() == Some(s.v("api_token"))
                && r.header("CustomerSubDomain") == Some(s.v("subdomain"));
            if !authed {
                return json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({
                        "data": null,
                        "errors": [{
                            "message": "Invalid API token or customer subdomain",
                            "extensions": {"code": "UNAUTHENTICATED"}
                        }]
                    }),
                );
            }
            let body = r.json();
            let query = body["query"].as_str().unwrap_or_default();
            if !is_json || !query.contains("getClientList") {
                return json(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({
                        "data": null,
                        "errors": [{
                            "message": "Query is not a valid GraphQL document",
                            "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}
                        }]
                    }),
                );
            }
            json(
                StatusCode::OK,
                serde_json::json!({
                    "data": {
                        "getClientList": {
                            "listInfo": {"page": 1, "pageSize": 1, "totalCount": 12, "hasMore": true}
                        }
                    }
                }),
            )
        }

        // N-central: the User-API Token (JWT) goes in as Bearer and comes back as an
        // access/refresh pair; the access token then passes /api/auth/validate.
        ("ncentral", "POST", "/api/auth/authenticate") => {
            if r.bearer() == Some(s.v("jwt")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({
                        "tokens": {
                            "access": {"token": TOKEN, "type": "Bearer", "expirySeconds": 3600},
                            "refresh": {"token": "fake-refresh-token-19d2", "type": "Bearer", "expirySeconds": 90000}
                        }
                    }),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({
                        "status": 401,
                        "message": "Authentication failed: the token is invalid or has expired",
                        "path": "/api/auth/authenticate"
                    }),
                )
            }
        }
        ("ncentral", "GET", "/api/auth/validate") => {
            bearer_gate(r, serde_json::json!({"message": "The token is valid."}))
        }

        // Liongard: X-ROAR-API-KEY (base64 "id:secret"); v2 lists wrap rows in Data
        // with a Pagination block.
        ("liongard", "GET", "/api/v2/environments/") => {
            if r.header("X-ROAR-API-KEY") == Some(s.v("api_key")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({
                        "Data": [{"ID": 1, "Name": "Acme", "Status": "Active", "Tier": "Core"}],
                        "Pagination": {
                            "TotalRows": 14,
                            "HasMoreRows": true,
                            "CurrentPage": 1,
                            "TotalPages": 14,
                            "PageSize": 1
                        }
                    }),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"message": "Unauthorized: invalid access key"}),
                )
            }
        }
        // Without the trailing slash Liongard redirects to it (and clients drop the key).
        ("liongard", "GET", "/api/v2/environments") => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, "/api/v2/environments/")],
        )
            .into_response(),

        // ImmyBot: a Microsoft Entra ID client-credentials token (tenant in the path,
        // scope api://<clientId>/.default), then the instance API with Bearer.
        ("immybot", "POST", path) if path.ends_with("/oauth2/v2.0/token") => {
            entra_client_credentials(s, r)
        }
        ("immybot", "GET", "/api/v1/tenants/") => bearer_gate(
            r,
            serde_json::json!([
                {"id": 1, "name": "Acme Corp", "status": "Active", "type": "Standard"},
                {"id": 2, "name": "Globex", "status": "Active", "type": "Standard"}
            ]),
        ),
        // Without the trailing slash the instance redirects (and clients drop the token).
        ("immybot", "GET", "/api/v1/tenants") => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, "/api/v1/tenants/")],
        )
            .into_response(),

        // RocketCyber: the provider account's API token as a Bearer token, GET /v3/account
        // (what rocketcyber_test_connection calls). The account shape follows
        // node-rocketcyber's `Account` type.
        ("rocketcyber", "GET", "/v3/account") => {
            if r.bearer() == Some(s.v("api_key")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({
                        "id": 40112,
                        "accountName": "Fake MSP",
                        "accountPath": "40112",
                        "status": "active"
                    }),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"message": "Unauthenticated."}),
                )
            }
        }

        // Blackpoint CompassOne: Bearer API token. node-blackpoint always requests paths with a
        // trailing slash "to avoid redirects that strip auth headers", so the slash-less path
        // answers with a redirect to the slashed one, as the real API does by that account.
        ("blackpoint", "GET", "/v1/accounts/") => {
            if r.bearer() == Some(s.v("api_token")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({
                        "data": [{
                            "id": "6f1c2a9e-3b7d-4e21-9c55-0a8b7d4e2f10",
                            "name": "Fake MSP",
                            "partnershipType": "partner",
                            "billingVersion": "v2"
                        }],
                        "pagination": {"page": 1, "pageSize": 1, "totalCount": 1, "hasNext": false}
                    }),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"message": "Invalid or expired API token"}),
                )
            }
        }
        ("blackpoint", "GET", "/v1/accounts") => redirect_to(&format!("{}/v1/accounts/", s.base)),

        // ThreatLocker Portal API: the raw API token in Authorization (no Bearer), optionally a
        // ManagedOrganizationId header naming a child organization. The count endpoint answers
        // with a bare integer. A token that lives on another portal instance is answered with
        // ThreatLocker's HTTP 440 (valid value "key_on_other_instance" in the fake's map).
        ("threatlocker", "GET", "/portalapi/ApprovalRequest/ApprovalRequestGetCount") => {
            let key = r.header("authorization");
            if key == Some(s.v("key_on_other_instance")) {
                return json(
                    StatusCode::from_u16(440).expect("440 is a valid status"),
                    serde_json::json!({"Message": "Token revoked"}),
                );
            }
            if key != Some(s.v("api_key")) {
                return json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"Message": "Authorization has been denied for this request."}),
                );
            }
            match r.header("managedorganizationid") {
                Some(org) if org != s.v("organization_id") => json(
                    StatusCode::FORBIDDEN,
                    serde_json::json!({"Message": "You do not have access to this organization."}),
                ),
                _ => json(StatusCode::OK, serde_json::json!(3)),
            }
        }

        // Blumira Public API: the JWT as a Bearer token; /health answers with the API's build
        // data (node-blumira's `HealthResponse`).
        ("blumira", "GET", "/public-api/v1/health") => {
            if r.bearer() == Some(s.v("jwt_token")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({
                        "status": "OK",
                        "data": {
                            "api_name": "public-api",
                            "build_time": "2026-08-01T12:00:00Z",
                            "commit_hash": "3f9c2d1"
                        }
                    }),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"status": "error", "message": "Unauthorized"}),
                )
            }
        }

        // CIPP: an Entra ID client-credentials grant at
        // login.microsoftonline.com/<tenant>/oauth2/v2.0/token (scope api://<client>/.default),
        // then the CIPP-API Function App with the token, or a legacy static key, as Bearer.
        // App Service authentication answers a token it does not accept with 401 and no body.
        ("cipp", "POST", p) if p.ends_with("/oauth2/v2.0/token") => entra_client_credentials(s, r),
        ("cipp", "GET", "/api/ListTenants") => {
            let bearer = r.bearer();
            if bearer == Some(TOKEN) || bearer == Some(s.v("api_key")) {
                json(
                    StatusCode::OK,
                    serde_json::json!([{
                        "customerId": "0b7c9a3e-58d2-4f61-a1c4-2e9d7b6f3a10",
                        "defaultDomainName": "contoso.onmicrosoft.com",
                        "displayName": "Contoso Ltd"
                    }]),
                )
            } else {
                (StatusCode::UNAUTHORIZED, "").into_response()
            }
        }

        // Abnormal Security: a static Bearer token; errors are a flat {"error": ...} object.
        ("abnormal-security", "GET", "/v1/threats") => {
            if r.bearer() == Some(s.v("api_token")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({
                        "threats": [{"threatId": "184712ab-6d8b-47b3-89d3-a314efef79e2"}],
                        "pageNumber": 1,
                        "nextPageNumber": 2
                    }),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"error": "Authentication credentials were missing or invalid"}),
                )
            }
        }

        // IRONSCALES: the App API key is traded for a JWT at /appapi/get-token/ (documented as
        // JSON with a `scopes` list; Django REST framework also takes a form, where one
        // `scopes` value is a one-item list), then calls carry it as Bearer and name the
        // company in the path.
        ("ironscales", "POST", "/appapi/get-token/") => {
            let ct = r.header("content-type").unwrap_or_default();
            let (key, scopes): (Option<String>, Vec<String>) = if ct.starts_with("application/json")
            {
                let body = r.json();
                (
                    body["key"].as_str().map(str::to_owned),
                    body["scopes"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|v| v.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default(),
                )
            } else if is_form {
                let pairs = r.form();
                (
                    form.get("key").cloned(),
                    pairs
                        .into_iter()
                        .filter(|(k, _)| k == "scopes")
                        .map(|(_, v)| v)
                        .collect(),
                )
            } else {
                (None, Vec::new())
            };
            if scopes.is_empty() {
                json(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({"error_message": "Missing scope list under \"scopes\""}),
                )
            } else if key.as_deref() != Some(s.v("api_key")) {
                json(
                    StatusCode::FORBIDDEN,
                    serde_json::json!({"error_message": "No company found for API key"}),
                )
            } else if !scopes
                .iter()
                .all(|sc| ["company.view", "company.all"].contains(&sc.as_str()))
            {
                json(
                    StatusCode::FORBIDDEN,
                    serde_json::json!({"error_message": "Company does not have permission for requested scopes"}),
                )
            } else {
                json(StatusCode::OK, serde_json::json!({"jwt": TOKEN}))
            }
        }
        ("ironscales", "GET", path) if ironscales_company(path).is_some() => {
            let company = ironscales_company(path).unwrap_or_default();
            if r.bearer() != Some(TOKEN) {
                json(
                    StatusCode::FORBIDDEN,
                    serde_json::json!({"detail": "Missing JWT"}),
                )
            } else if company != s.v("company_id") {
                json(
                    StatusCode::FORBIDDEN,
                    serde_json::json!({"message": format!("You do not have permission for company {company}")}),
                )
            } else {
                json(
                    StatusCode::OK,
                    serde_json::json!({"page": 1, "total_pages": 1, "total_count": 0, "incidents": []}),
                )
            }
        }

        // KnowBe4 Reporting API: the Reporting API key as a Bearer token.
        ("knowbe4", "GET", "/v1/account") => {
            if r.bearer() == Some(s.v("api_key")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({
                        "name": "Acme MSP",
                        "type": "paid",
                        "domains": ["acme.example"],
                        "admins": [{"id": 974, "first_name": "Ada", "last_name": "Admin", "email": "ada@acme.example"}],
                        "subscription_level": "Diamond",
                        "subscription_end_date": "2027-03-31",
                        "number_of_seats": 250,
                        "current_risk_score": 32.115
                    }),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"message": "Invalid token"}),
                )
            }
        }

        // Proofpoint TAP SIEM API: Basic service principal:secret; a time window is required.
        ("proofpoint", "GET", "/v2/siem/clicks/blocked") => {
            let window_ok = q
                .get("sinceSeconds")
                .and_then(|v| v.parse::<u32>().ok())
                .is_some_and(|n| (1..=3600).contains(&n))
                || q.contains_key("interval")
                || q.contains_key("sinceTime");
            if r.basic()
                != Some((
                    s.v("service_principal").to_owned(),
                    s.v("service_secret").to_owned(),
                ))
            {
                unauthorized()
            } else if !window_ok {
                json(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({"message": "sinceSeconds, sinceTime or interval is required (at most 1 hour)"}),
                )
            } else {
                json(
                    StatusCode::OK,
                    serde_json::json!({"queryEndTime": "2026-08-22T12:01:00Z", "clicksBlocked": []}),
                )
            }
        }

        // Sherweb: an OpenID Connect client-credentials token (400 invalid_client or
        // invalid_scope otherwise), then the Azure API Management gateway, which wants the
        // subscription key on every API call besides the Bearer token.
        ("sherweb", "POST", "/auth/oidc/connect/token") => {
            let field = |k: &str| form.get(k).map(String::as_str);
            let scopes: Vec<&str> = field("scope").unwrap_or_default().split(' ').collect();
            if !(is_form
                && field("grant_type") == Some("client_credentials")
                && field("client_id") == Some(s.v("client_id"))
                && field("client_secret") == Some(s.v("client_secret")))
            {
                json(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({"error": "invalid_client"}),
                )
            } else if !scopes
                .iter()
                .all(|sc| ["distributor", "service-provider"].contains(sc))
            {
                json(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({"error": "invalid_scope"}),
                )
            } else {
                json(
                    StatusCode::OK,
                    serde_json::json!({"access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer", "scope": "distributor service-provider"}),
                )
            }
        }
        ("sherweb", "GET", "/service-provider/v1/customers") => {
            if r.header("Ocp-Apim-Subscription-Key") != Some(s.v("subscription_key")) {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({
                        "statusCode": 401,
                        "message": "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."
                    }),
                )
            } else {
                bearer_gate(
                    r,
                    serde_json::json!({"items": [{"id": "5b0c7f1e-2d3a-4c5b-9e8f-7a6b5c4d3e2f", "displayName": "Acme Corp"}]}),
                )
            }
        }

        // Datto BCDR: the partner REST API takes the key pair as HTTP Basic
        // (public key : secret key) on every request; no token exchange.
        ("datto-bcdr", "GET", "/v1/bcdr/device") => {
            if r.basic() == Some((s.v("public_key").to_owned(), s.v("private_key").to_owned())) {
                json(
                    StatusCode::OK,
                    serde_json::json!({
                        "pagination": {"page": 1, "perPage": 1, "totalPages": 3, "count": 3},
                        "items": [{
                            "serialNumber": "a0b1c2d3e4f5",
                            "name": "acme-siris",
                            "model": "S5-2",
                            "clientCompanyName": "Acme Dental",
                            "internalIP": "10.0.0.20",
                            "lastSeenDate": "2026-08-20T14:02:11+00:00",
                            "agentCount": 4,
                            "alertCount": 0
                        }]
                    }),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"code": 401, "message": "Invalid API credentials"}),
                )
            }
        }

        // Spanning Backup: HTTP Basic with the admin email and the API token on
        // every request; a mismatched pair gets a bare 401.
        ("spanning", "GET", "/external/license") => {
            if r.basic() == Some((s.v("admin_email").to_owned(), s.v("api_token").to_owned())) {
                json(
                    StatusCode::OK,
                    serde_json::json!({
                        "platform": "m365",
                        "purchasedSeats": 250,
                        "usedSeats": 187,
                        "asOf": "2026-08-20T00:00:00Z"
                    }),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"message": "unauthorized"}),
                )
            }
        }

        // Unitrends Backup: a session login on the appliance's own /api; JSON body,
        // no Authorization header. The appliance answers an auth_token.
        ("unitrends", "POST", "/api/login") => {
            let body = r.json();
            let ok = r
                .header("content-type")
                .is_some_and(|c| c.starts_with("application/json"))
                && r.header("authorization").is_none()
                && body["username"] == s.v("username")
                && body["password"] == s.v("password");
            if ok {
                json(StatusCode::OK, serde_json::json!({"auth_token": TOKEN}))
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"result": [{"code": 401, "message": "Login failed: invalid username or password."}]}),
                )
            }
        }

        // Domotz: the public API takes the key in X-Api-Key on every request; keys are
        // bound to one regional cell.
        ("domotz", "GET", "/public-api/v1/user") => {
            if r.header("x-api-key") == Some(s.v("api_key")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({"id": 40512, "name": "noc@acme.example"}),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"message": "Unauthorized"}),
                )
            }
        }

        // Cisco Meraki Dashboard API v1: Bearer API key; an unknown key gets 401 with
        // an `errors` array.
        ("meraki", "GET", "/api/v1/organizations") => {
            if r.bearer() == Some(s.v("api_key")) {
                json(
                    StatusCode::OK,
                    serde_json::json!([{
                        "id": "549236",
                        "name": "Acme MSP",
                        "url": "https://n149.meraki.com/o/-t35Mb/manage/organization/overview",
                        "api": {"enabled": true},
                        "licensing": {"model": "co-term"},
                        "cloud": {"region": {"name": "North America"}}
                    }]),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"errors": ["Invalid API key"]}),
                )
            }
        }
        _ => not_found(),
    }
}

/// A permanent redirect, as an API that insists on trailing slashes answers.
fn redirect_to(location: &str) -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, location.to_owned())],
        "",
    )
        .into_response()
}

/// Microsoft Entra ID's v2.0 token endpoint for a client-credentials grant: a token for the
/// configured tenant (in the path), client, secret and `api://<client>/.default` scope, and
/// Entra's own error codes otherwise.
fn entra_client_credentials(s: &State, r: &Recorded) -> Response {
    let form = r.form_map();
    let field = |k: &str| form.get(k).map(String::as_str);
    let entra_error = |status: StatusCode, error: &str, description: &str| {
        json(
            status,
            serde_json::json!({
                "error": error,
                "error_description": description,
                "error_codes": [],
                "timestamp": "2026-08-01 12:00:00Z"
            }),
        )
    };
    if r.path != format!("/{}/oauth2/v2.0/token", s.v("tenant_id")) {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "AADSTS90002: Tenant not found. Check to make sure you have the correct tenant ID.",
        );
    }
    let is_form = r
        .header("content-type")
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form || field("grant_type") != Some("client_credentials") {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "AADSTS900144: The request body must contain the following parameter: 'grant_type'.",
        );
    }
    if field("client_id") != Some(s.v("client_id")) {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "AADSTS700016: Application was not found in the directory.",
        );
    }
    if field("client_secret") != Some(s.v("client_secret")) {
        return entra_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "AADSTS7000215: Invalid client secret provided.",
        );
    }
    if field("scope") != Some(format!("api://{}/.default", s.v("client_id")).as_str()) {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "AADSTS70011: The provided value for the input parameter 'scope' is not valid.",
        );
    }
    json(
        StatusCode::OK,
        serde_json::json!({
            "token_type": "Bearer",
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": TOKEN
        }),
    )
}

/// The company ID in an IRONSCALES incident-list path, `/appapi/incident/<id>/list/`.
fn ironscales_company(path: &str) -> Option<&str> {
    path.strip_prefix("/appapi/incident/")?
        .strip_suffix("/list/")
        .filter(|id| !id.is_empty() && !id.contains('/'))
}
