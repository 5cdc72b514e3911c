//! Exposed tool and prompt names: `<slug>__<name>`, at most 64 characters of
//! `[A-Za-z0-9_-]`, the same form the hosted gateway uses.
//!
//! A name that is too long or has other characters is shortened deterministically:
//! sanitised, truncated, and suffixed with a hash of the original (slug, name) pair,
//! so the same tool always gets the same name. [`NameTable`] checks every name it
//! hands out and, in the astronomically unlikely case of a clash, lengthens the hash,
//! so two tools never share a name.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

pub const MAX_NAME: usize = 64;
pub const SEPARATOR: &str = "__";

fn valid(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn hashed(slug: &str, name: &str, hex_len: usize) -> String {
    shorten(&format!("{slug}{SEPARATOR}{name}"), slug, name, hex_len)
}

/// `text` made valid: sanitised, truncated, and suffixed with a hash of (slug, name).
fn shorten(text: &str, slug: &str, name: &str, hex_len: usize) -> String {
    let digest = Sha256::digest(format!("{slug}\0{name}").as_bytes());
    let hex = hex::encode(digest);
    let sanitized: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let keep = MAX_NAME - hex_len - 1;
    let head: String = sanitized.chars().take(keep).collect();
    format!("{head}_{}", &hex[..hex_len])
}

/// The exposed name for a vendor's tool, before any clash check.
pub fn expose(slug: &str, name: &str) -> String {
    let joined = format!("{slug}{SEPARATOR}{name}");
    if valid(&joined) {
        joined
    } else {
        hashed(slug, name, 8)
    }
}

/// Exposed name → (slug, original name), with every name unique.
#[derive(Debug, Default, Clone)]
pub struct NameTable {
    by_exposed: BTreeMap<String, (String, String)>,
    by_original: BTreeMap<(String, String), String>,
}

impl NameTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a name and returns its exposed form.
    pub fn insert(&mut self, slug: &str, name: &str) -> String {
        self.insert_with(slug, name, expose(slug, name), |hex| {
            hashed(slug, name, hex)
        })
    }

    /// Adds a tool whose name already carries its vendor (`vendor__tool`, as the
    /// gateway names them), served by `owner`: the name is kept when it is valid, else
    /// shortened the same way.
    pub fn insert_whole(&mut self, owner: &str, name: &str) -> String {
        let first = if valid(name) {
            name.to_owned()
        } else {
            shorten(name, owner, name, 8)
        };
        self.insert_with(owner, name, first, |hex| shorten(name, owner, name, hex))
    }

    fn insert_with(
        &mut self,
        slug: &str,
        name: &str,
        first: String,
        longer: impl Fn(usize) -> String,
    ) -> String {
        let mut exposed = first;
        let mut hex_len = 8;
        while let Some(owner) = self.by_exposed.get(&exposed) {
            if owner.0 == slug && owner.1 == name {
                return exposed;
            }
            hex_len += 8;
            assert!(
                hex_len <= 56,
                "invariant: a 56-hex-digit SHA-256 prefix never clashes"
            );
            exposed = longer(hex_len);
        }
        self.by_exposed
            .insert(exposed.clone(), (slug.to_owned(), name.to_owned()));
        self.by_original
            .insert((slug.to_owned(), name.to_owned()), exposed.clone());
        exposed
    }

    /// The exposed name of a vendor's tool, if it was inserted.
    pub fn exposed(&self, slug: &str, name: &str) -> Option<&str> {
        self.by_original
            .get(&(slug.to_owned(), name.to_owned()))
            .map(String::as_str)
    }

    /// The vendor and original name behind an exposed name.
    pub fn resolve(&self, exposed: &str) -> Option<(&str, &str)> {
        self.by_exposed
            .get(exposed)
            .map(|(s, n)| (s.as_str(), n.as_str()))
    }

    pub fn len(&self) -> usize {
        self.by_exposed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_exposed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_names_are_kept_when_valid_and_shortened_by_the_same_rules_otherwise() {
        let mut t = NameTable::new();
        assert_eq!(
            t.insert_whole("gateway", "autotask__search_tickets"),
            "autotask__search_tickets"
        );
        assert_eq!(
            t.resolve("autotask__search_tickets"),
            Some(("gateway", "autotask__search_tickets"))
        );
        let long = format!("autotask__{}", "x".repeat(80));
        let short = t.insert_whole("gateway", &long);
        assert!(valid(&short) && short.starts_with("autotask__x"), "{short}");
        assert_eq!(t.resolve(&short), Some(("gateway", long.as_str())));
        // A local tool with the same exposed name gets another one.
        let local = t.insert("autotask", "search_tickets");
        assert_ne!(local, "autotask__search_tickets");
        assert!(valid(&local));
    }

    #[test]
    fn plain_names_are_slug_double_underscore_tool() {
        assert_eq!(
            expose("datto-rmm", "datto_list_devices"),
            "datto-rmm__datto_list_devices"
        );
    }

    #[test]
    fn long_or_odd_names_are_shortened_deterministically_and_stay_valid() {
        let long = "a".repeat(80);
        let a = expose("connectwise-automate", &long);
        assert_eq!(a.len(), MAX_NAME);
        assert!(valid(&a), "{a}");
        assert_eq!(a, expose("connectwise-automate", &long), "deterministic");
        assert_ne!(a, expose("connectwise-automate", &"a".repeat(81)));
        let odd = expose("hudu", "get.asset/password");
        assert!(
            valid(&odd) && odd.starts_with("hudu__get_asset_password_"),
            "{odd}"
        );
    }

    #[test]
    fn sanitising_never_merges_two_tools() {
        let mut t = NameTable::new();
        let a = t.insert("x", "a.b");
        let b = t.insert("x", "a_b");
        let c = t.insert("x", "a b");
        assert_eq!(b, "x__a_b");
        assert!(a != b && a != c && b != c);
        assert_eq!(t.resolve(&a), Some(("x", "a.b")));
        assert_eq!(t.insert("x", "a.b"), a, "re-inserting is stable");
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn a_clash_lengthens_the_hash() {
        let mut t = NameTable::new();
        // Forge an entry that occupies the name "y" would get.
        let taken = expose("y", "z.z");
        t.by_exposed
            .insert(taken.clone(), ("other".into(), "thing".into()));
        let got = t.insert("y", "z.z");
        assert_ne!(got, taken);
        assert!(valid(&got) && got.len() <= MAX_NAME, "{got}");
        assert!(got.len() > taken.len(), "the hash grew: {got} vs {taken}");
        assert_eq!(t.resolve(&got), Some(("y", "z.z")));
    }
}
