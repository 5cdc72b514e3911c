//! The tools Switchboard adds to every session: `switchboard__search_tools` (find a
//! tool across the vendors in scope by keywords) and, in compact mode,
//! `switchboard__call_tool` (call a tool found that way by name).
//!
//! Pure: their definitions, the ranking, and unwrapping a compact call into the call
//! it stands for. The session routes what comes out.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::search::{self, VendorWords};

pub const SEARCH_TOOL: &str = "switchboard__search_tools";
pub const CALL_TOOL: &str = "switchboard__call_tool";

/// How many tools a search returns when the caller does not say, and at most.
const DEFAULT_LIMIT: u64 = 10;
const MAX_LIMIT: u64 = 50;

pub fn search_definition() -> Value {
    json!({
        "name": SEARCH_TOOL,
        "title": "Search vendor tools",
        "description": "Find tools across the connected MSP vendors by keywords (for example \"tickets open\", \"devices offline\", \"password\"). Returns matching tools with their descriptions and input schemas.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "query": { "type": "string", "description": "What you want to do, in a few words (for example \"open tickets for a company\"); matched against tool names, vendors, descriptions and parameters" },
                "limit": { "type": "integer", "minimum": 1, "maximum": 50, "description": "How many tools to return (default 10)" }
            },
            "required": ["query"]
        },
        "annotations": { "readOnlyHint": true }
    })
}

pub fn call_definition() -> Value {
    json!({
        "name": CALL_TOOL,
        "title": "Call a vendor tool",
        "description": "Call a tool found with switchboard__search_tools, by its name, with its arguments.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "name": { "type": "string", "description": "The tool's name, as search returned it" },
                "arguments": { "type": "object", "description": "The tool's arguments, as its input schema describes" }
            },
            "required": ["name"]
        }
    })
}

/// The tools among `tools` (under their exposed names) that match `query`, best first
/// (see [`super::search`] for the ranking). An empty query lists every tool. Each comes
/// with its description and input schema.
pub fn search(
    tools: Vec<Value>,
    vendors: &BTreeMap<String, VendorWords>,
    query: &str,
    limit: usize,
) -> Vec<Value> {
    Searchable::new(tools, vendors).search(query, limit)
}

/// A scope's tools (without the search tool itself) and their search corpus, built
/// once per listing.
pub struct Searchable {
    tools: Vec<Value>,
    corpus: search::Corpus,
}

impl Searchable {
    pub fn new(tools: Vec<Value>, vendors: &BTreeMap<String, VendorWords>) -> Self {
        let tools: Vec<Value> = tools
            .into_iter()
            .filter(|t| t.get("name").and_then(Value::as_str) != Some(SEARCH_TOOL))
            .collect();
        let corpus = search::Corpus::new(&tools, vendors);
        Self { tools, corpus }
    }

    /// See [`search`].
    pub fn search(&self, query: &str, limit: usize) -> Vec<Value> {
        search::rank_in(&self.corpus, query, limit)
            .into_iter()
            .map(|i| {
                let t = &self.tools[i];
                json!({ "name": t["name"], "description": t.get("description"), "inputSchema": t.get("inputSchema") })
            })
            .collect()
    }
}

/// The search a `switchboard__search_tools` call asks for: its query and limit.
pub fn search_request(params: &Value) -> (String, usize) {
    let query = params
        .pointer("/arguments/query")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let limit = params
        .pointer("/arguments/limit")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_LIMIT)
        .clamp(1, MAX_LIMIT);
    (query, usize::try_from(limit).unwrap_or(10))
}

/// A search's tools as a `tools/call` result: as JSON text and as structured content.
pub fn search_result(tools: Vec<Value>) -> Value {
    let found = json!({ "tools": tools });
    json!({
        "content": [{ "type": "text", "text": found.to_string() }],
        "structuredContent": found,
        "isError": false
    })
}

/// A `switchboard__call_tool` call as the call it stands for: the inner tool's name,
/// and `tools/call` params with its arguments (and the caller's `_meta`, so progress
/// still reaches it).
pub fn unwrap_call(params: &Value) -> (String, Value) {
    let inner = params
        .pointer("/arguments/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let arguments = params
        .pointer("/arguments/arguments")
        .cloned()
        .unwrap_or(json!({}));
    let mut inner_params = json!({ "name": inner, "arguments": arguments });
    if let Some(meta) = params.get("_meta") {
        inner_params["_meta"] = meta.clone();
    }
    (inner, inner_params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(name: &str, description: &str) -> Value {
        json!({"name": name, "description": description, "inputSchema": {"type": "object"}, "annotations": {}})
    }

    fn names(found: &[Value]) -> Vec<&str> {
        found.iter().map(|t| t["name"].as_str().unwrap()).collect()
    }

    fn catalog() -> Vec<Value> {
        vec![
            tool("hudu__get_companies", "List the companies in Hudu"),
            tool("halopsa__list_tickets", "Open tickets, filtered by company"),
            tool("datto-rmm__list_devices", "Devices and their status"),
            tool(
                "ninjaone__get_status",
                "Status of the devices a company manages",
            ),
            tool(SEARCH_TOOL, "Find tools"),
        ]
    }

    #[test]
    fn a_word_in_the_name_outranks_one_in_the_description() {
        let found = search(catalog(), &BTreeMap::new(), "devices", 10);
        assert_eq!(
            names(&found),
            ["datto-rmm__list_devices", "ninjaone__get_status"],
            "in the name and the description, then in the description only"
        );
        let found = search(catalog(), &BTreeMap::new(), "Company TICKETS", 10);
        assert_eq!(
            names(&found),
            [
                "halopsa__list_tickets",
                "hudu__get_companies",
                "ninjaone__get_status"
            ],
            "words are matched without case and by stem (company, companies), and add up"
        );
        assert_eq!(found[0]["inputSchema"], json!({"type": "object"}));
        assert!(
            found[0].get("annotations").is_none(),
            "only name, description, schema"
        );
    }

    #[test]
    fn no_match_finds_nothing_and_an_empty_query_lists_all_but_itself() {
        assert!(search(catalog(), &BTreeMap::new(), "invoices", 10).is_empty());
        assert_eq!(search(catalog(), &BTreeMap::new(), "  ", 10).len(), 4);
        assert_eq!(
            search(catalog(), &BTreeMap::new(), "", 2).len(),
            2,
            "the limit holds"
        );
    }

    #[test]
    fn the_limit_defaults_to_ten_and_stays_between_one_and_fifty() {
        let args = |a: Value| search_request(&json!({"name": SEARCH_TOOL, "arguments": a}));
        assert_eq!(args(json!({"query": "x"})), ("x".into(), 10));
        assert_eq!(args(json!({"query": "x", "limit": 0})), ("x".into(), 1));
        assert_eq!(args(json!({"query": "x", "limit": 500})), ("x".into(), 50));
        assert_eq!(args(json!({})), (String::new(), 10));
    }

    #[test]
    fn a_search_result_is_text_and_structured_content() {
        let r = search_result(vec![tool("a__b", "c")]);
        assert_eq!(r["isError"], false);
        assert_eq!(r["structuredContent"]["tools"][0]["name"], "a__b");
        let text: Value = serde_json::from_str(r["content"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(text, r["structuredContent"]);
    }

    #[test]
    fn a_compact_call_unwraps_into_the_inner_call_keeping_meta() {
        let (name, params) = unwrap_call(&json!({
            "name": CALL_TOOL,
            "arguments": {"name": "hudu__get_companies", "arguments": {"page": 2}},
            "_meta": {"progressToken": 5}
        }));
        assert_eq!(name, "hudu__get_companies");
        assert_eq!(
            params,
            json!({"name": "hudu__get_companies", "arguments": {"page": 2}, "_meta": {"progressToken": 5}})
        );
        let (name, params) = unwrap_call(&json!({"name": CALL_TOOL, "arguments": {}}));
        assert_eq!((name.as_str(), &params["arguments"]), ("", &json!({})));
    }

    #[test]
    fn the_definitions_are_valid_tools() {
        for def in [search_definition(), call_definition()] {
            assert!(def["name"].as_str().unwrap().starts_with("switchboard__"));
            assert_eq!(def["inputSchema"]["type"], "object");
        }
        assert_eq!(search_definition()["annotations"]["readOnlyHint"], true);
    }
}
