//! `Secret<T>`: the only way a credential value travels through Switchboard.
//!
//! A `Secret` has no `Display`, no `Serialize`, and a `Debug` that prints
//! `Secret(<redacted>)`. Reading the value needs an explicit `expose()`, which makes
//! every place a secret leaves its wrapper easy to find with grep. The value is
//! zeroed when dropped.

use std::fmt;

use zeroize::Zeroize;

/// A value that must never be printed, logged or written to disk.
pub struct Secret<T: Zeroize>(T);

impl<T: Zeroize> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Borrows the secret value. Callers must not print, log or persist it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> Drop for Secret<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize + Clone> Clone for Secret<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret<String> {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Self {
        Self::new(value.to_owned())
    }
}

/// Replaces every known secret in a text with `<redacted>`.
///
/// Error texts from HTTP clients and vendor responses can echo request URLs, query
/// strings and headers. Everything that may reach a user, a log or a file passes
/// through a `Redactor` built from the secrets in play. Encoded forms (URL-encoded,
/// and any extra forms registered with [`Redactor::add_form`]) are covered too.
#[derive(Default, Clone)]
pub struct Redactor {
    needles: Vec<Secret<String>>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("needles", &self.needles.len())
            .finish()
    }
}

/// Secrets shorter than this are not redacted inside longer words: a two-letter
/// "secret" would shred every message. Such values are still never printed by us;
/// this only limits what can be scrubbed out of third-party text.
const MIN_REDACT_LEN: usize = 4;

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a secret and its URL-encoded form.
    pub fn add(&mut self, secret: &Secret<String>) {
        let raw = secret.expose();
        self.add_form(raw);
        let encoded: String = url::form_urlencoded::byte_serialize(raw.as_bytes()).collect();
        self.add_form(&encoded);
        let encoded_path = encode_uri_component(raw);
        self.add_form(&encoded_path);
    }

    /// Registers one more literal form of a secret (for example a base64 Basic token).
    pub fn add_form(&mut self, form: &str) {
        if form.is_empty() || self.needles.iter().any(|n| n.expose() == form) {
            return;
        }
        self.needles.push(Secret::new(form.to_owned()));
        // Longest first, so a secret that contains another is replaced whole.
        self.needles
            .sort_by_key(|n| std::cmp::Reverse(n.expose().len()));
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for needle in &self.needles {
            let n = needle.expose();
            if n.len() >= MIN_REDACT_LEN {
                out = out.replace(n.as_str(), "<redacted>");
            } else if out == *n {
                out = "<redacted>".to_owned();
            }
        }
        out
    }

    /// True when `text` still contains any registered secret (for assertions).
    pub fn leaks(&self, text: &str) -> bool {
        self.needles
            .iter()
            .any(|n| n.expose().len() >= MIN_REDACT_LEN && text.contains(n.expose().as_str()))
    }
}

fn encode_uri_component(raw: &str) -> String {
    url::form_urlencoded::byte_serialize(raw.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::from("hunter2-very-secret");
        let printed = format!("{s:?} {:?}", vec![s.clone()]);
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("<redacted>"));
    }

    #[test]
    fn redactor_scrubs_raw_and_encoded_forms() {
        let mut r = Redactor::new();
        r.add(&Secret::from("p@ss word/+x"));
        let text = "GET /x?api_key=p%40ss+word%2F%2Bx failed; body said p@ss word/+x; p%40ss%20word%2F%2Bx";
        let out = r.redact(text);
        assert!(!out.contains("p@ss"), "{out}");
        assert!(!out.contains("p%40ss"), "{out}");
        assert_eq!(out.matches("<redacted>").count(), 3, "{out}");
        assert!(!r.leaks(&out));
        assert!(r.leaks(text));
    }

    #[test]
    fn redactor_prefers_the_longest_secret() {
        let mut r = Redactor::new();
        r.add_form("abcd");
        r.add_form("abcdefgh");
        assert_eq!(r.redact("xx abcdefgh yy"), "xx <redacted> yy");
    }
}
