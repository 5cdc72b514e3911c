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
    if url.path().trim_end_matches('/').is_empty() {
        let mut endpoint = url;
        endpoint.set_path("/v1/mcp");
        endpoint.set_query(None);
        return Ok(endpoint);
    }
    Ok(url)
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
