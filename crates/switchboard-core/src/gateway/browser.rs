//! Opening the sign-in page: the seam between the sign-in and a real browser.
//!
//! Real: [`SystemBrowser`] runs `$BROWSER` when it is set (a `:`-separated list of
//! commands; `%s` in a command stands for the URL, else the URL is its last
//! argument), else the desktop's default browser. Tests pass their own launcher, which
//! follows the redirect to the loopback address as a browser would.

use url::Url;

/// Shows a URL to the person signing in.
pub trait BrowserLauncher: Send + Sync {
    fn open(&self, url: &Url) -> std::io::Result<()>;
}

/// The user's browser: `$BROWSER`, else the desktop's default.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemBrowser;

impl BrowserLauncher for SystemBrowser {
    fn open(&self, url: &Url) -> std::io::Result<()> {
        let configured = std::env::var(crate::env::BROWSER).unwrap_or_default();
        let mut last_error = None;
        for command in configured
            .split(':')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let mut words: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
            if words.iter().any(|w| w.contains("%s")) {
                for w in &mut words {
                    *w = w.replace("%s", url.as_str());
                }
            } else {
                words.push(url.to_string());
            }
            let mut cmd = std::process::Command::new(&words[0]);
            cmd.args(&words[1..])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            match cmd.spawn() {
                Ok(mut child) => {
                    // Reap it whenever it ends; the sign-in does not wait for it.
                    std::thread::spawn(move || {
                        let _ = child.wait();
                    });
                    return Ok(());
                }
                Err(e) => {
                    last_error = Some(std::io::Error::new(
                        e.kind(),
                        format!("`{}`: {e}", words[0]),
                    ));
                }
            }
        }
        if let Some(e) = last_error {
            return Err(e);
        }
        open::that_detached(url.as_str())
    }
}
