//! A stand-in for the person's browser during sign-in tests: `$BROWSER` points here.
//!
//! It opens the URL it is given (its last argument) the way a browser would: a GET
//! that follows redirects, so an authorization server that approves at once lands
//! on Switchboard's loopback page. With `FAKE_BROWSER_LOG` set, it appends the page it
//! landed on (status, then the text) to that file, for tests that check the words.

#![allow(clippy::print_stderr)] // a test tool's usage line

use std::io::Write;

fn main() {
    let Some(url) = std::env::args()
        .nth(1)
        .filter(|_| std::env::args().len() == 2)
    else {
        eprintln!("usage: fake-browser <url>");
        std::process::exit(2);
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let landed = rt.block_on(async {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("client");
        let resp = client.get(&url).send().await?;
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        Ok::<_, reqwest::Error>(format!("{status}\n{text}\n"))
    });
    let page = match landed {
        Ok(page) => page,
        Err(e) => format!("error\n{e}\n"),
    };
    if let Some(log) = std::env::var_os("FAKE_BROWSER_LOG") {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("the browser log opens");
        f.write_all(page.as_bytes())
            .expect("the browser log is written");
    }
}
