//! The browser step's return address: a one-shot HTTP listener on `127.0.0.1` with an
//! ephemeral port (RFC 8252 §7.3). It takes the authorization server's redirect and
//! checks `state`. An answer that is not for this sign-in (another `state`: a stale
//! tab, another program) gets a page saying it was ignored, and the wait goes on. A
//! refusal gets a page saying why. A code is handed back with the browser's
//! connection still open ([`Landing`]): the page says whether the sign-in worked only
//! once the code has been exchanged and the token checked, and that the window can be
//! closed.

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

    /// Waits up to `within` for the redirect that carries `state`. The code comes with
    /// the page still to be written.
    pub async fn wait(
        &self,
        state: &str,
        within: Duration,
    ) -> Result<(Secret<String>, Landing), GatewayError> {
        let mut ignored = false;
        match tokio::time::timeout(within, self.answer(state, &mut ignored)).await {
            Ok(result) => result,
            // Only answers for another sign-in came: say that, not just "no answer".
            Err(_) if ignored => Err(GatewayError::StateMismatch),
            Err(_) => Err(GatewayError::BrowserTimeout(within.as_secs())),
        }
    }

    async fn answer(
        &self,
        state: &str,
        ignored: &mut bool,
    ) -> Result<(Secret<String>, Landing), GatewayError> {
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
            match answer {
                Answer::Code(code) => return Ok((code, Landing { stream })),
                Answer::Refused { error, description } => {
                    let text = format!(
                        "The gateway refused the sign-in ({}). Nothing was stored. You can close this window and try again from Switchboard.",
                        description.as_deref().unwrap_or(&error)
                    );
                    write_page(&mut stream, "400 Bad Request", "Sign-in refused", &text).await;
                    return Err(GatewayError::Refused { error, description });
                }
                Answer::WrongState => {
                    *ignored = true;
                    write_page(
                        &mut stream,
                        "400 Bad Request",
                        "Sign-in not recognised",
                        "This answer does not belong to the sign-in Switchboard is waiting for, so it was ignored. If you started a sign-in, finish it in the window Switchboard opened, or start again from Switchboard.",
                    )
                    .await;
                }
            }
        }
    }
}

/// The browser's connection that brought the code, waiting for the page that says how
/// the sign-in ended.
#[derive(Debug)]
pub struct Landing {
    stream: tokio::net::TcpStream,
}

impl Landing {
    /// The sign-in worked.
    pub async fn signed_in(mut self) {
        write_page(
            &mut self.stream,
            "200 OK",
            "Signed in",
            "Switchboard is signed in to your team. You can close this window.",
        )
        .await;
    }

    /// The gateway wants more access: the browser opens once more.
    pub async fn more_access(mut self) {
        write_page(
            &mut self.stream,
            "200 OK",
            "One more step",
            "The gateway asks for more access than this sign-in gave. Switchboard opens the sign-in page once more; you can close this window.",
        )
        .await;
    }

    /// The sign-in failed after the browser step, for `why` (an error's words, which
    /// never hold a secret).
    pub async fn failed(mut self, why: &str) {
        let text = format!(
            "The sign-in did not complete: {why}. Nothing was stored. You can close this window and try again from Switchboard."
        );
        write_page(
            &mut self.stream,
            "500 Internal Server Error",
            "Sign-in failed",
            &text,
        )
        .await;
    }
}

impl Landing {
    /// Tells the browser the sign-in failed with `e`, and hands `e` back.
    pub async fn fail_with(self, e: GatewayError) -> GatewayError {
        self.failed(&e.to_string()).await;
        e
    }
}

async fn write_page(stream: &mut tokio::net::TcpStream, status: &str, title: &str, text: &str) {
    let _ = stream.write_all(page(status, title, text).as_bytes()).await;
    let _ = stream.shutdown().await;
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
        let (code, landing) = lb.wait("s1", Duration::from_secs(5)).await.unwrap();
        assert_eq!(code.expose(), "abc");
        // The page waits for the outcome.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!browser.is_finished(), "the page waits for the token");
        landing.signed_in().await;
        let page = browser.await.unwrap();
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(page.contains("You can close this window"), "{page}");

        let lb = Loopback::bind().await.unwrap();
        let base = lb.redirect_uri.clone();
        let browser = tokio::spawn(async move { get(&format!("{base}?code=abc&state=s1")).await });
        let (_, landing) = lb.wait("s1", Duration::from_secs(5)).await.unwrap();
        landing
            .failed("the gateway did not issue a token: <invalid_grant>")
            .await;
        let page = browser.await.unwrap();
        assert!(page.starts_with("HTTP/1.1 500"), "{page}");
        assert!(
            page.contains(
                "did not complete: the gateway did not issue a token: &lt;invalid_grant&gt;"
            ),
            "{page}"
        );
    }

    #[tokio::test]
    async fn a_wrong_state_is_ignored_and_a_refusal_stores_nothing_and_says_why() {
        let lb = Loopback::bind().await.unwrap();
        let base = lb.redirect_uri.clone();
        let browser = tokio::spawn(async move {
            let stale = get(&format!("{base}?code=old&state=other")).await;
            let right = get(&format!("{base}?code=abc&state=s1")).await;
            (stale, right)
        });
        // An answer for another sign-in is ignored; the right one still counts.
        let (code, landing) = lb.wait("s1", Duration::from_secs(5)).await.unwrap();
        assert_eq!(code.expose(), "abc");
        landing.signed_in().await;
        let (stale, right) = browser.await.unwrap();
        assert!(stale.contains("does not belong"), "{stale}");
        assert!(right.contains("Signed in"), "{right}");

        // Nothing but answers for another sign-in: that is what the timeout says.
        let lb = Loopback::bind().await.unwrap();
        let base = lb.redirect_uri.clone();
        tokio::spawn(async move { get(&format!("{base}?code=x&state=other")).await });
        assert!(matches!(
            lb.wait("s1", Duration::from_millis(500)).await,
            Err(GatewayError::StateMismatch)
        ));

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
