//! The browser step's return address: a one-shot HTTP listener on `127.0.0.1` with an
//! ephemeral port (RFC 8252 §7.3). It takes the authorization server's redirect,
//! checks `state`, answers the browser with a page that says in words what happened
//! and that the window can be closed, and hands back the code.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;

use super::GatewayError;
use crate::secret::Secret;

const PATH: &str = "/callback";
const MAX_REQUEST: usize = 16 * 1024;

pub struct Loopback {
    listener: TcpListener,
    pub redirect_uri: Url,
}

/// What the browser brought back.
enum Answer {
    Code(Secret<String>),
    Refused {
        error: String,
        description: Option<String>,
    },
    WrongState,
}

impl Loopback {
    pub async fn bind() -> Result<Self, GatewayError> {
        let listener =
            TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|source| GatewayError::Io {
                    path: "127.0.0.1:0".into(),
                    source,
                })?;
        let port = listener
            .local_addr()
            .map_err(|source| GatewayError::Io {
                path: "127.0.0.1:0".into(),
                source,
            })?
            .port();
        let redirect_uri = Url::parse(&format!("http://127.0.0.1:{port}{PATH}"))
            .expect("invariant: a loopback URL parses");
        Ok(Self {
            listener,
            redirect_uri,
        })
    }

    /// Waits up to `within` for the redirect that carries `state`, and answers it.
    pub async fn wait(
        &self,
        state: &str,
        within: Duration,
    ) -> Result<Secret<String>, GatewayError> {
        match tokio::time::timeout(within, self.answer(state)).await {
            Ok(result) => result,
            Err(_) => Err(GatewayError::BrowserTimeout(within.as_secs())),
        }
    }

    async fn answer(&self, state: &str) -> Result<Secret<String>, GatewayError> {
        loop {
            let Ok((mut stream, _)) = self.listener.accept().await else {
                continue;
            };
            let Some(target) = read_target(&mut stream).await else {
                continue;
            };
            let Some(answer) = parse(&target, state) else {
                // Not our path (a favicon, say).
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    )
                    .await;
                continue;
            };
            let (status, title, text) = match &answer {
                Answer::Code(_) => (
                    "200 OK",
                    "Signed in",
                    "Switchboard is signed in to your team. You can close this window.".to_owned(),
                ),
                Answer::Refused { error, description } => (
                    "400 Bad Request",
                    "Sign-in refused",
                    format!(
                        "The gateway refused the sign-in ({}). Nothing was stored. You can close this window and try again from Switchboard.",
                        description.as_deref().unwrap_or(error)
                    ),
                ),
                Answer::WrongState => (
                    "400 Bad Request",
                    "Sign-in not recognised",
                    "This answer does not belong to the sign-in Switchboard started, so it was ignored. You can close this window and try again from Switchboard.".to_owned(),
                ),
            };
            let _ = stream
                .write_all(page(status, title, &text).as_bytes())
                .await;
            let _ = stream.shutdown().await;
            return match answer {
                Answer::Code(code) => Ok(code),
                Answer::Refused { error, description } => {
                    Err(GatewayError::Refused { error, description })
                }
                Answer::WrongState => Err(GatewayError::StateMismatch),
            };
        }
    }
}

/// The request target of an HTTP request (`/callback?…`), read with a size limit.
async fn read_target(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 || buf.len() + n > MAX_REQUEST {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    let line = text.lines().next()?;
    let mut parts = line.split_whitespace();
    (parts.next()? == "GET").then(|| parts.next().map(str::to_owned))?
}

fn parse(target: &str, state: &str) -> Option<Answer> {
    let url = Url::parse(&format!("http://127.0.0.1{target}")).ok()?;
    if url.path() != PATH {
        return None;
    }
    let q: std::collections::BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    if q.get("state").map(String::as_str) != Some(state) {
        return Some(Answer::WrongState);
    }
    if let Some(error) = q.get("error") {
        return Some(Answer::Refused {
            error: error.clone(),
            description: q.get("error_description").cloned(),
        });
    }
    match q.get("code").filter(|c| !c.is_empty()) {
        Some(code) => Some(Answer::Code(Secret::new(code.clone()))),
        None => Some(Answer::Refused {
            error: "no code in the answer".into(),
            description: None,
        }),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(status: &str, title: &str, text: &str) -> String {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Switchboard: {}</title></head>\
         <body style=\"font-family: system-ui, sans-serif; margin: 3em auto; max-width: 32em\">\
         <h1>{}</h1><p>{}</p></body></html>",
        escape(title),
        escape(title),
        escape(text)
    );
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(url: &str) -> String {
        let url = Url::parse(url).unwrap();
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", url.port().unwrap()))
            .await
            .unwrap();
        let target = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        stream
            .write_all(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut out = String::new();
        stream.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn the_code_comes_back_with_a_page_that_says_it_worked() {
        let lb = Loopback::bind().await.unwrap();
        assert!(lb.redirect_uri.as_str().starts_with("http://127.0.0.1:"));
        assert!(lb.redirect_uri.as_str().ends_with("/callback"));
        let base = lb.redirect_uri.clone();
        let browser = tokio::spawn(async move {
            let favicon = get(base.join("/favicon.ico").unwrap().as_ref()).await;
            assert!(favicon.starts_with("HTTP/1.1 404"));
            get(&format!("{base}?code=abc&state=s1")).await
        });
        let code = lb.wait("s1", Duration::from_secs(5)).await.unwrap();
        assert_eq!(code.expose(), "abc");
        let page = browser.await.unwrap();
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(page.contains("You can close this window"), "{page}");
    }

    #[tokio::test]
    async fn a_wrong_state_or_a_refusal_stores_nothing_and_says_why() {
        let lb = Loopback::bind().await.unwrap();
        let base = lb.redirect_uri.clone();
        let browser =
            tokio::spawn(async move { get(&format!("{base}?code=abc&state=other")).await });
        assert!(matches!(
            lb.wait("s1", Duration::from_secs(5)).await,
            Err(GatewayError::StateMismatch)
        ));
        assert!(browser.await.unwrap().contains("does not belong"));

        let lb = Loopback::bind().await.unwrap();
        let base = lb.redirect_uri.clone();
        let browser = tokio::spawn(async move {
            get(&format!(
                "{base}?error=access_denied&error_description=No%20%3Cthanks%3E&state=s1"
            ))
            .await
        });
        match lb.wait("s1", Duration::from_secs(5)).await {
            Err(GatewayError::Refused { error, description }) => {
                assert_eq!(error, "access_denied");
                assert_eq!(description.as_deref(), Some("No <thanks>"));
            }
            other => panic!("{other:?}"),
        }
        let page = browser.await.unwrap();
        assert!(page.contains("No &lt;thanks&gt;"), "escaped: {page}");
    }

    #[tokio::test(start_paused = true)]
    async fn nobody_answering_times_out() {
        let lb = Loopback::bind().await.unwrap();
        assert!(matches!(
            lb.wait("s", Duration::from_secs(300)).await,
            Err(GatewayError::BrowserTimeout(300))
        ));
    }
}
