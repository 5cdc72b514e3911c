//! Minimal-diff edits of one entry in an MCP client's JSON config.
//!
//! The file must be strict JSON (what Claude Desktop's `JSON.parse` reads), an object
//! at the top, with `mcpServers` an object if present. We edit the text through a
//! concrete syntax tree, so every other byte (key order, indentation, number spelling,
//! escapes) stays as it was, then parse the result and check that the only change is
//! our entry. Anything that fails that check is refused, and nothing is written.

use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstInputValue, CstRootNode};
use serde_json::{Map, Value};

use crate::code::{Coded, ErrorCode};

pub const SERVERS_KEY: &str = "mcpServers";
const BOM: &str = "\u{feff}";

/// A parsed config file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The text without a byte-order mark.
    pub text: String,
    /// The file started with a UTF-8 byte-order mark (Claude Desktop cannot read those).
    pub had_bom: bool,
    pub value: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("it is not UTF-8 text")]
    NotUtf8,
    #[error("it is not valid JSON ({0})")]
    NotJson(String),
    #[error("its top level is not a JSON object")]
    NotObject,
    #[error("its `mcpServers` is not a JSON object")]
    ServersNotObject,
    #[error("its `{0}` is not a JSON object")]
    SectionNotObject(String),
    #[error("it cannot be edited safely: {0}")]
    Unsafe(String),
}

impl Coded for EditError {
    fn code(&self) -> ErrorCode {
        ErrorCode::ClientConfigInvalid
    }
}

impl Document {
    /// Strictly parses a config file's bytes. Empty (or blank) means `{}`.
    pub fn parse(bytes: &[u8]) -> Result<Self, EditError> {
        let text = std::str::from_utf8(bytes).map_err(|_| EditError::NotUtf8)?;
        let (text, had_bom) = match text.strip_prefix(BOM) {
            Some(rest) => (rest, true),
            None => (text, false),
        };
        if text.trim().is_empty() {
            return Ok(Self {
                text: String::new(),
                had_bom,
                value: Map::new(),
            });
        }
        let value: Value =
            serde_json::from_str(text).map_err(|e| EditError::NotJson(e.to_string()))?;
        let Value::Object(value) = value else {
            return Err(EditError::NotObject);
        };
        if value.get(SERVERS_KEY).is_some_and(|s| !s.is_object()) {
            return Err(EditError::ServersNotObject);
        }
        Ok(Self {
            text: text.to_owned(),
            had_bom,
            value,
        })
    }

    /// Our entry, if the file has one.
    pub fn entry(&self, name: &str) -> Option<&Value> {
        self.value.get(SERVERS_KEY)?.get(name)
    }

    /// The text with `mcpServers.<name>` set to `entry` (keys of an existing entry that
    /// `entry` does not mention are kept), or removed when `entry` is `None`. Returns
    /// `None` when nothing would change.
    pub fn with_entry(
        &self,
        name: &str,
        entry: Option<&Map<String, Value>>,
    ) -> Result<Option<String>, EditError> {
        let mut expected = self.value.clone();
        match entry {
            Some(fields) => {
                let servers = expected
                    .entry(SERVERS_KEY)
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
                    .ok_or(EditError::ServersNotObject)?;
                match servers.get_mut(name) {
                    Some(Value::Object(existing)) => {
                        for (k, v) in fields {
                            existing.insert(k.clone(), v.clone());
                        }
                    }
                    _ => {
                        servers.insert(name.to_owned(), Value::Object(fields.clone()));
                    }
                }
            }
            None => {
                if let Some(Value::Object(servers)) = expected.get_mut(SERVERS_KEY) {
                    servers.shift_remove(name);
                }
            }
        }
        if expected == self.value {
            return Ok(None);
        }
        let text = if self.text.is_empty() {
            let mut t = serde_json::to_string_pretty(&Value::Object(expected.clone()))
                .map_err(|e| EditError::Unsafe(e.to_string()))?;
            t.push('\n');
            t
        } else {
            self.edit_text(name, entry)?
        };
        // The guard: the result must parse strictly and differ only in our entry.
        let got: Value = serde_json::from_str(&text)
            .map_err(|e| EditError::Unsafe(format!("the edit would not parse ({e})")))?;
        if got != Value::Object(expected) {
            return Err(EditError::Unsafe(
                "the edit would change more than the `switchboard` entry (duplicate keys?)".into(),
            ));
        }
        Ok(Some(text))
    }

    fn edit_text(
        &self,
        name: &str,
        entry: Option<&Map<String, Value>>,
    ) -> Result<String, EditError> {
        let root = CstRootNode::parse(&self.text, &ParseOptions::default())
            .map_err(|e| EditError::Unsafe(e.to_string()))?;
        let obj = root.object_value().ok_or(EditError::NotObject)?;
        match entry {
            Some(fields) => {
                let servers = obj
                    .object_value_or_create(SERVERS_KEY)
                    .ok_or(EditError::ServersNotObject)?;
                match servers.get(name) {
                    Some(prop) => match prop.object_value() {
                        Some(existing) => {
                            for (k, v) in fields {
                                match existing.get(k) {
                                    Some(p) => p.set_value(input(v)),
                                    None => {
                                        existing.append(k, input(v));
                                    }
                                }
                            }
                        }
                        None => prop.set_value(input(&Value::Object(fields.clone()))),
                    },
                    None => {
                        servers.append(name, input(&Value::Object(fields.clone())));
                    }
                }
            }
            None => {
                if let Some(prop) = obj.object_value(SERVERS_KEY).and_then(|s| s.get(name)) {
                    prop.remove();
                }
            }
        }
        Ok(root.to_string())
    }
}

/// One member of a top-level object to set (`Some`) or remove (`None`):
/// `section.key`, as in `enabledPlugins."hudu@msp-claude-plugins"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    pub section: &'a str,
    pub key: &'a str,
    pub value: Option<Value>,
}

impl Document {
    /// `section.key`, if the file has it.
    pub fn member(&self, section: &str, key: &str) -> Option<&Value> {
        self.value.get(section)?.get(key)
    }

    /// The text with each member set (replacing its value whole) or removed, every
    /// other byte kept (a section the removal empties stays, as `{}`: it may have been
    /// the user's); `None` when nothing would change. A section that exists and is
    /// not an object is refused. The same guard as [`Document::with_entry`] holds: the
    /// result must parse and differ from the file in these members only.
    pub fn with_members(&self, members: &[Member<'_>]) -> Result<Option<String>, EditError> {
        let mut expected = self.value.clone();
        for m in members {
            if expected.get(m.section).is_some_and(|s| !s.is_object()) {
                return Err(EditError::SectionNotObject(m.section.to_owned()));
            }
            match &m.value {
                Some(v) => {
                    if let Value::Object(section) = expected
                        .entry(m.section)
                        .or_insert_with(|| Value::Object(Map::new()))
                    {
                        section.insert(m.key.to_owned(), v.clone());
                    }
                }
                None => {
                    if let Some(Value::Object(section)) = expected.get_mut(m.section) {
                        section.shift_remove(m.key);
                    }
                }
            }
        }
        if expected == self.value {
            return Ok(None);
        }
        let text = if self.text.is_empty() {
            let mut t = serde_json::to_string_pretty(&Value::Object(expected.clone()))
                .map_err(|e| EditError::Unsafe(e.to_string()))?;
            t.push('\n');
            t
        } else {
            let root = CstRootNode::parse(&self.text, &ParseOptions::default())
                .map_err(|e| EditError::Unsafe(e.to_string()))?;
            let obj = root.object_value().ok_or(EditError::NotObject)?;
            for m in members {
                match &m.value {
                    Some(v) => {
                        let section = obj
                            .object_value_or_create(m.section)
                            .ok_or_else(|| EditError::SectionNotObject(m.section.to_owned()))?;
                        match section.get(m.key) {
                            Some(prop) => prop.set_value(input(v)),
                            None => {
                                section.append(m.key, input(v));
                            }
                        }
                    }
                    None => {
                        if let Some(prop) = obj.object_value(m.section).and_then(|s| s.get(m.key)) {
                            prop.remove();
                        }
                    }
                }
            }
            root.to_string()
        };
        let got: Value = serde_json::from_str(&text)
            .map_err(|e| EditError::Unsafe(format!("the edit would not parse ({e})")))?;
        if got != Value::Object(expected) {
            return Err(EditError::Unsafe(
                "the edit would change more than Switchboard's keys (duplicate keys?)".into(),
            ));
        }
        Ok(Some(text))
    }
}

fn input(v: &Value) -> CstInputValue {
    match v {
        Value::Null => CstInputValue::Null,
        Value::Bool(b) => CstInputValue::Bool(*b),
        Value::Number(n) => CstInputValue::Number(n.to_string()),
        Value::String(s) => CstInputValue::String(s.clone()),
        Value::Array(a) => CstInputValue::Array(a.iter().map(input).collect()),
        Value::Object(o) => {
            CstInputValue::Object(o.iter().map(|(k, v)| (k.clone(), input(v))).collect())
        }
    }
}

/// What installing `entry` as `name` must leave of a config whose value is `value`:
/// `entry`'s keys set on the existing entry (replacing one that is not an object), and
/// everything else as it was. The edit's property test and the fuzz target both hold
/// [`Document::with_entry`] to this.
pub fn expected_after_install(
    value: &Map<String, Value>,
    name: &str,
    entry: &Map<String, Value>,
) -> Value {
    let mut expected = value.clone();
    let servers = expected
        .entry(SERVERS_KEY)
        .or_insert_with(|| Value::Object(Map::new()));
    if !servers.is_object() {
        *servers = Value::Object(Map::new());
    }
    let ours = servers
        .as_object_mut()
        .expect("made an object just above")
        .entry(name)
        .or_insert_with(|| Value::Object(Map::new()));
    match ours {
        Value::Object(existing) => {
            for (k, v) in entry {
                existing.insert(k.clone(), v.clone());
            }
        }
        other => *other = Value::Object(entry.clone()),
    }
    Value::Object(expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ours() -> Map<String, Value> {
        json!({"command": "/opt/sb/switchboard", "args": ["bridge"]})
            .as_object()
            .unwrap()
            .clone()
    }

    #[test]
    fn adds_to_an_existing_file_keeping_every_other_byte() {
        let text = "{\n    \"preferences\": {\"sidebarMode\": \"chat\"},\n    \"mcpServers\": {\n        \"other\": {\"command\": \"x\", \"n\": 1.50}\n    },\n    \"globalShortcut\": \"\\u0041lt+Space\"\n}\n";
        let doc = Document::parse(text.as_bytes()).unwrap();
        let out = doc
            .with_entry("switchboard", Some(&ours()))
            .unwrap()
            .unwrap();
        assert!(out.starts_with("{\n    \"preferences\": {\"sidebarMode\": \"chat\"},"));
        assert!(out.contains("\"n\": 1.50"), "number spelling kept: {out}");
        assert!(out.contains("\\u0041lt+Space"), "escapes kept: {out}");
        assert!(out.ends_with("}\n"));
        let again = Document::parse(out.as_bytes()).unwrap();
        assert_eq!(again.entry("switchboard").unwrap(), &Value::Object(ours()));
        assert_eq!(
            again.with_entry("switchboard", Some(&ours())).unwrap(),
            None,
            "idempotent"
        );
        let removed = again.with_entry("switchboard", None).unwrap().unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&removed).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
    }

    #[test]
    fn an_empty_or_missing_file_becomes_a_fresh_config() {
        for text in ["", "  \n"] {
            let doc = Document::parse(text.as_bytes()).unwrap();
            let out = doc
                .with_entry("switchboard", Some(&ours()))
                .unwrap()
                .unwrap();
            assert_eq!(
                serde_json::from_str::<Value>(&out).unwrap(),
                json!({"mcpServers": {"switchboard": ours()}})
            );
        }
    }

    #[test]
    fn keys_the_user_added_to_our_entry_survive_an_update() {
        let text = r#"{"mcpServers":{"switchboard":{"command":"/old","args":[],"env":{"SWITCHBOARD_LOG":"debug"}}}}"#;
        let doc = Document::parse(text.as_bytes()).unwrap();
        let out = doc
            .with_entry("switchboard", Some(&ours()))
            .unwrap()
            .unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v["mcpServers"]["switchboard"]["env"]["SWITCHBOARD_LOG"],
            "debug"
        );
        assert_eq!(
            v["mcpServers"]["switchboard"]["command"],
            "/opt/sb/switchboard"
        );
    }

    #[test]
    fn refuses_what_it_cannot_edit_safely() {
        for (text, want) in [
            (&b"{\"a\": 1,}"[..], "not valid JSON"),
            (b"// c\n{}", "not valid JSON"),
            (b"[1, 2]", "not a JSON object"),
            (b"{\"mcpServers\": []}", "`mcpServers` is not"),
            (b"\xff\xfe{}", "not UTF-8"),
        ] {
            let err = Document::parse(text).unwrap_err();
            assert!(err.to_string().contains(want), "{err}");
        }
        let dup =
            Document::parse(br#"{"mcpServers": {"a": {}}, "mcpServers": {"b": {}}}"#).unwrap();
        assert!(matches!(
            dup.with_entry("switchboard", Some(&ours())),
            Err(EditError::Unsafe(_))
        ));
    }

    #[test]
    fn a_bom_is_noted_and_not_written_back() {
        let doc = Document::parse("\u{feff}{}".as_bytes()).unwrap();
        assert!(doc.had_bom);
        let out = doc
            .with_entry("switchboard", Some(&ours()))
            .unwrap()
            .unwrap();
        assert!(!out.starts_with('\u{feff}'));
    }

    mod merge_property {
        use super::*;
        use proptest::prelude::*;

        fn value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(|n| json!(n)),
                // Decimals with few digits: serde_json's default float parsing is not
                // exact for 17-digit values, which would fail the comparison, not us.
                (-1_000_000i64..1_000_000, 0u32..1000).prop_map(|(i, d)| {
                    serde_json::from_str::<Value>(&format!("{i}.{d:03}")).unwrap()
                }),
                "\\PC{0,12}".prop_map(Value::String),
            ];
            leaf.prop_recursive(4, 40, 5, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    prop::collection::btree_map("\\PC{0,8}", inner, 0..4)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        /// A config: arbitrary top-level keys, maybe `mcpServers` with arbitrary
        /// servers, maybe already our entry with keys of its own.
        fn config() -> impl Strategy<Value = Map<String, Value>> {
            (
                prop::collection::btree_map("\\PC{0,10}", value(), 0..6),
                prop::option::of(prop::collection::btree_map("\\PC{1,10}", value(), 0..4)),
                prop::option::of(prop::collection::btree_map("[a-z]{1,6}", value(), 0..3)),
            )
                .prop_map(|(top, servers, ours)| {
                    let mut m: Map<String, Value> = top.into_iter().collect();
                    m.remove(SERVERS_KEY);
                    if let Some(servers) = servers {
                        let mut s: Map<String, Value> = servers.into_iter().collect();
                        if let Some(ours) = ours {
                            s.insert(
                                "switchboard".into(),
                                Value::Object(ours.into_iter().collect()),
                            );
                        }
                        m.insert(SERVERS_KEY.into(), Value::Object(s));
                    }
                    m
                })
        }

        fn render(v: &Map<String, Value>, style: u8, bom: bool, crlf: bool) -> Vec<u8> {
            let value = Value::Object(v.clone());
            let mut text = match style % 4 {
                0 => serde_json::to_string(&value).unwrap(),
                1 => serde_json::to_string_pretty(&value).unwrap(),
                indent => {
                    let ws: &[u8] = if indent == 2 { b"    " } else { b"\t" };
                    let mut out = Vec::new();
                    let fmt = serde_json::ser::PrettyFormatter::with_indent(ws);
                    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
                    serde::Serialize::serialize(&value, &mut ser).unwrap();
                    String::from_utf8(out).unwrap() + "\n"
                }
            };
            if crlf {
                // JSON strings cannot hold a raw newline, so this only touches whitespace.
                text = text.replace('\n', "\r\n");
            }
            let mut bytes = if bom {
                b"\xEF\xBB\xBF".to_vec()
            } else {
                Vec::new()
            };
            bytes.extend_from_slice(text.as_bytes());
            bytes
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]

            #[test]
            fn only_our_entry_ever_changes(
                original in config(),
                style in 0u8..4,
                bom: bool,
                crlf: bool,
            ) {
                let bytes = render(&original, style, bom, crlf);
                let doc = Document::parse(&bytes).unwrap();
                prop_assert_eq!(doc.had_bom, bom);
                prop_assert_eq!(&doc.value, &original);

                let expected = expected_after_install(&original, "switchboard", &ours());

                let installed = match doc.with_entry("switchboard", Some(&ours())).unwrap() {
                    Some(text) => text,
                    None => doc.text.clone(),
                };
                let got: Value = serde_json::from_str(&installed).unwrap();
                prop_assert_eq!(&got, &expected);
                if doc.text.contains("\r\n") {
                    prop_assert!(!installed.replace("\r\n", "").contains('\n'), "line endings kept");
                }

                let again = Document::parse(installed.as_bytes()).unwrap();
                prop_assert_eq!(again.with_entry("switchboard", Some(&ours())).unwrap(), None);

                let removed = again.with_entry("switchboard", None).unwrap().unwrap();
                let mut without = expected;
                without[SERVERS_KEY].as_object_mut().unwrap().shift_remove("switchboard");
                prop_assert_eq!(serde_json::from_str::<Value>(&removed).unwrap(), without);
            }
        }
    }
}
