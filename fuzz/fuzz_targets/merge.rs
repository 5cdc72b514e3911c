//! Any bytes as an MCP client config: parsing and editing must never panic, and an
//! accepted edit must change our entry and nothing else.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};
use switchboard_core::clients::edit::{Document, SERVERS_KEY, expected_after_install};

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Document::parse(data) else {
        return;
    };
    let ours: Map<String, Value> = json!({"command": "/opt/switchboard", "args": ["bridge"]})
        .as_object()
        .unwrap()
        .clone();
    let Ok(edit) = doc.with_entry("switchboard", Some(&ours)) else {
        return;
    };
    let text = edit.unwrap_or_else(|| doc.text.clone());
    let got: Value = serde_json::from_str(&text).expect("an accepted edit parses");
    let expected = expected_after_install(&doc.value, "switchboard", &ours);
    assert_eq!(got, expected, "only our entry changes");
    let again = Document::parse(text.as_bytes()).expect("our output parses");
    if let Ok(Some(removed)) = again.with_entry("switchboard", None) {
        let v: Value = serde_json::from_str(&removed).expect("removal parses");
        assert!(v[SERVERS_KEY].get("switchboard").is_none());
    }
});
