//! Which URL is the gateway's MCP endpoint.
//!
//! `--gateway` (or the settings) takes the gateway's address, whose MCP endpoint is
//! `<address>/v1/mcp`, or the endpoint itself: a URL with a path is taken as given.

use url::Url;

use super::GatewayError;

/// The MCP endpoint for what the user typed.
pub fn mcp_endpoint(input: &str) -> Result<Url, GatewayError> {
    let trimmed = input.trim();
    let url = Url::parse(trimmed)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
        .ok_or_else(|| GatewayError::BadUrl(trimmed.to_owned()))?;
    require_https("address", &url)?;
    if url.path().trim_end_matches('/').is_empty() {
        let mut endpoint = url;
        endpoint.set_path("/v1/mcp");
        endpoint.set_query(None);
        return Ok(endpoint);
    }
    Ok(url)
}

/// Whether tokens, codes and secrets may travel to `url`: HTTPS, or plain HTTP to this
/// computer (a gateway or a test server on loopback). The MCP authorization spec asks
/// the same of every endpoint.
pub fn secure(url: &Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => false,
        },
        _ => false,
    }
}

/// `url`, the gateway's `what`, is [`secure`], else the error that says it is not.
pub fn require_https(what: &str, url: &Url) -> Result<(), GatewayError> {
    if secure(url) {
        Ok(())
    } else {
        Err(GatewayError::NotHttps {
            what: what.to_owned(),
            url: super::show(url),
        })
    }
}

/// The origin (`scheme://host:port`) of a URL, as a URL with path `/`.
pub fn origin(url: &Url) -> Url {
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    origin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_this_computer_is_trusted_with_a_token() {
        for ok in [
            "https://gw.example/v1/mcp",
            "http://127.0.0.1:9/mcp",
            "http://localhost:9/mcp",
            "http://[::1]:9/mcp",
        ] {
            assert!(secure(&Url::parse(ok).unwrap()), "{ok}");
        }
        for bad in [
            "http://gw.example/v1/mcp",
            "http://10.0.0.1/mcp",
            "http://127.0.0.1.evil.example/",
            "ftp://gw.example/",
        ] {
            assert!(!secure(&Url::parse(bad).unwrap()), "{bad}");
        }
        let err = mcp_endpoint("http://gw.example").unwrap_err();
        assert!(matches!(err, GatewayError::NotHttps { .. }), "{err}");
        assert!(err.to_string().contains("`http://gw.example/`"), "{err}");
    }

    #[test]
    fn an_address_gets_the_v1_mcp_path_and_an_endpoint_is_kept() {
        let e = |s: &str| mcp_endpoint(s).map(|u| u.to_string());
        assert_eq!(
            e("https://conduit.wyre.ai").unwrap(),
            "https://conduit.wyre.ai/v1/mcp"
        );
        assert_eq!(
            e(" https://conduit.wyre.ai/ ").unwrap(),
            "https://conduit.wyre.ai/v1/mcp"
        );
        assert_eq!(
            e("http://127.0.0.1:8080/mcp").unwrap(),
            "http://127.0.0.1:8080/mcp"
        );
        assert_eq!(
            e("https://gw.example/v1/mcp").unwrap(),
            "https://gw.example/v1/mcp"
        );
        for bad in ["conduit.wyre.ai", "ftp://x/y", "", "https://"] {
            assert!(
                matches!(mcp_endpoint(bad), Err(GatewayError::BadUrl(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_origin_drops_the_path() {
        let u = Url::parse("http://localhost:3000/tenant1/mcp?x=1").unwrap();
        assert_eq!(origin(&u).as_str(), "http://localhost:3000/");
    }
}
