//! Ranking tools for `switchboard__search_tools`: BM25F over each tool's words.
//!
//! A tool is a document with four fields, weighted by how much a word there says
//! about what the tool does: its name (without the vendor), its vendor (slug, name and
//! category), its description, and its input schema (parameter names and their
//! descriptions). Words are split at case changes and punctuation, lower-cased,
//! stemmed (English Snowball: "tickets" and "ticket" meet) and stripped of common
//! English function words. A word that appears in few tools (IDF) counts for more than
//! one that appears in most ("list", "get").
//!
//! Two pieces of MSP sense sit on top:
//! - **Synonyms.** Vendors name one thing differently: a customer is a company in
//!   Autotask, a client in HaloPSA, an organization in NinjaOne, a tenant in CIPP; a
//!   device is a computer, an agent or an endpoint. A query word also matches its
//!   group's other words, at [`SYNONYM_WEIGHT`], the best of them counting once.
//! - **What the tool does.** A tool whose name has a changing verb (create, delete,
//!   reboot, run…) is an action. A query with no such verb asks to read, so actions
//!   count for [`ACTION_WEIGHT`] of their score: "open tickets for a company" wants the
//!   ticket searches before "create ticket", and a destructive tool never leads a
//!   question. A plural ("unpaid invoices") prefers the tools that list or search
//!   to the ones that get one by id ([`SINGLE_WEIGHT`]). Navigation helpers count for
//!   [`ACTION_WEIGHT`] too: they match every domain word and do none of the work.
//!
//! Pure: the session hands in the tools a scope sees and the vendors' words.

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};
use serde_json::Value;

/// Field weights: name, vendor, description, schema.
const WEIGHTS: [f64; FIELDS] = [3.0, 2.0, 1.0, 0.6];
const FIELDS: usize = 4;
/// BM25's term-frequency saturation and length normalisation.
const K1: f64 = 1.2;
const B: [f64; FIELDS] = [0.3, 0.0, 0.75, 0.75];

/// Words that say nothing about a tool (and queries are full of them).
const STOP: &[&str] = &[
    "a", "about", "all", "an", "and", "any", "are", "as", "at", "be", "by", "can", "do", "does",
    "for", "from", "has", "have", "how", "i", "in", "into", "is", "it", "its", "me", "my", "of",
    "on", "or", "our", "show", "so", "that", "the", "their", "them", "there", "these", "this",
    "those", "to", "us", "was", "we", "what", "when", "where", "which", "who", "with", "you",
    "your",
];

/// How much a synonym's match counts against the query's own word.
const SYNONYM_WEIGHT: f64 = 0.7;
/// What an action tool's score counts for when the query asks to read.
const ACTION_WEIGHT: f64 = 0.35;

/// Words that name one thing across vendors (matched after stemming).
const SYNONYMS: &[&[&str]] = &[
    &[
        "customer",
        "client",
        "company",
        "organization",
        "organisation",
        "tenant",
    ],
    &[
        "device",
        "computer",
        "machine",
        "endpoint",
        "agent",
        "workstation",
        "server",
    ],
    &["document", "article", "documentation", "doc"],
    &["password", "credential"],
    &["incident", "detection", "finding"],
    &["invoice", "bill", "billing", "charge"],
    &["script", "quickjob"],
    &["reboot", "restart"],
    &["license", "licence", "subscription"],
    &["technician", "agent", "member", "resource"],
];

/// Verbs that make a tool an action (as words of its name, stemmed).
const ACTIONS: &[&str] = &[
    "create",
    "add",
    "update",
    "edit",
    "set",
    "change",
    "delete",
    "remove",
    "archive",
    "unarchive",
    "resolve",
    "reset",
    "reboot",
    "restart",
    "run",
    "execute",
    "trigger",
    "start",
    "cancel",
    "pause",
    "resume",
    "approve",
    "reject",
    "release",
    "send",
    "queue",
    "install",
    "disable",
    "enable",
    "assign",
    "offboard",
    "acknowledge",
    "publish",
    "move",
    "classify",
    "revoke",
    "bulk",
    "manage",
    "act",
    "control",
    "pull",
    "restore",
    "email",
];

/// Query words that ask for an action besides [`ACTIONS`] ("log time", "new customer").
/// A query asks for an action only with a verb as typed: "installed software" and
/// "failed jobs" describe what to read.
const QUERY_ACTIONS: &[&str] = &["log", "new", "make", "close", "fix", "kill"];

/// Name words of a tool that returns many (a plural query prefers these to `get`).
const COLLECTIONS: &[&str] = &["list", "search", "find", "query", "all"];
/// What a single-item `get` tool's score counts for when the query names a plural.
const SINGLE_WEIGHT: f64 = 0.8;
/// Name words of the "decision tree" servers' helpers (`<v>_navigate`, `<v>_back`):
/// their descriptions list every domain, so they match much and do nothing asked.
const NAVIGATION: &[&str] = &["navigate", "back"];

/// What the session knows of a vendor besides its tools: its display name and
/// catalog category, which become words of each of its tools.
#[derive(Debug, Clone, Default)]
pub struct VendorWords {
    pub name: String,
    pub category: String,
}

/// The words of `text`: split at non-alphanumerics and at lower→upper case changes
/// (`companyId`), lower-cased, function words dropped, stemmed.
pub fn words(stemmer: &Stemmer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    let flush = |current: &mut String, out: &mut Vec<String>| {
        if !current.is_empty() {
            let w = current.to_lowercase();
            if !STOP.contains(&w.as_str()) {
                out.push(stemmer.stem(&w).into_owned());
            }
            current.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_uppercase() && prev_lower {
                flush(&mut current, &mut out);
            }
            prev_lower = c.is_lowercase() || c.is_numeric();
            current.push(c);
        } else {
            prev_lower = false;
            flush(&mut current, &mut out);
        }
    }
    flush(&mut current, &mut out);
    out
}

/// The schema's words: parameter names and descriptions, one level of nesting deep
/// (array items and object properties), enum values included.
fn schema_text(schema: Option<&Value>, out: &mut String, depth: usize) {
    let Some(props) = schema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
    else {
        return;
    };
    for (name, prop) in props {
        out.push(' ');
        out.push_str(name);
        if let Some(d) = prop.get("description").and_then(Value::as_str) {
            out.push(' ');
            out.push_str(d);
        }
        if let Some(values) = prop.get("enum").and_then(Value::as_array) {
            for v in values.iter().filter_map(Value::as_str) {
                out.push(' ');
                out.push_str(v);
            }
        }
        if depth > 0 {
            schema_text(Some(prop), out, depth - 1);
            schema_text(prop.get("items"), out, depth - 1);
        }
    }
}

struct Doc {
    /// Per field: stem → count.
    tf: [HashMap<String, u32>; FIELDS],
    len: [f64; FIELDS],
}

/// Tools made searchable: each one's words per field, and how many tools hold each
/// word. Built once per listing (the hub keeps it until the tools change), so a search
/// costs only the query's own words.
pub struct Corpus {
    docs: Vec<Doc>,
    avg: [f64; FIELDS],
    /// Stem → how many tools have it in some field.
    df: HashMap<String, u32>,
}

impl Corpus {
    pub fn new(tools: &[Value], vendors: &BTreeMap<String, VendorWords>) -> Self {
        let stemmer = Stemmer::create(Algorithm::English);
        let docs: Vec<Doc> = tools
            .iter()
            .map(|t| document(&stemmer, t, vendors))
            .collect();
        let n = docs.len().max(1) as f64;
        let mut avg = [0.0; FIELDS];
        let mut df: HashMap<String, u32> = HashMap::new();
        for d in &docs {
            for (a, l) in avg.iter_mut().zip(d.len) {
                *a += l / n;
            }
            let mut mine: HashSet<&String> = HashSet::new();
            for f in &d.tf {
                mine.extend(f.keys());
            }
            for w in mine {
                *df.entry(w.clone()).or_default() += 1;
            }
        }
        Self { docs, avg, df }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

/// The tools among `tools` (exposed names, `vendor__tool`) that match `query`, best
/// first, at most `limit`. An empty query (or one of function words only) lists every
/// tool in order. Ties keep the listing's order.
pub fn rank(
    tools: &[Value],
    vendors: &BTreeMap<String, VendorWords>,
    query: &str,
    limit: usize,
) -> Vec<usize> {
    rank_in(&Corpus::new(tools, vendors), query, limit)
}

/// [`rank`] over a corpus built before.
pub fn rank_in(corpus: &Corpus, query: &str, limit: usize) -> Vec<usize> {
    let stemmer = Stemmer::create(Algorithm::English);
    let mut terms = words(&stemmer, query);
    let mut seen = HashSet::new();
    terms.retain(|t| seen.insert(t.clone()));
    if terms.is_empty() {
        return (0..corpus.len().min(limit)).collect();
    }
    let stems = |list: &[&str]| -> HashSet<String> {
        list.iter()
            .flat_map(|w| words(&stemmer, w))
            .collect::<HashSet<_>>()
    };
    let actions = stems(ACTIONS);
    let collections = stems(COLLECTIONS);
    let get = stems(&["get"]);
    let navigation = stems(NAVIGATION);
    let typed: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let wants_action = typed
        .iter()
        .any(|w| ACTIONS.contains(&w.as_str()) || QUERY_ACTIONS.contains(&w.as_str()));
    // "tickets", "invoices": a word whose stem dropped a plural `s`.
    let plural = typed.iter().any(|w| {
        w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && {
            let stem = stemmer.stem(w);
            stem.len() < w.len() && !w.starts_with(&*format!("{stem}us"))
        }
    });
    // Each query word with its alternatives: itself at 1, its synonyms below.
    let groups: Vec<Vec<String>> = SYNONYMS
        .iter()
        .map(|g| g.iter().flat_map(|w| words(&stemmer, w)).collect())
        .collect();
    let concepts: Vec<Vec<(String, f64)>> = terms
        .iter()
        .map(|t| {
            let mut alts = vec![(t.clone(), 1.0)];
            for g in groups.iter().filter(|g| g.contains(t)) {
                for w in g.iter().filter(|w| *w != t) {
                    if !alts.iter().any(|(a, _)| a == w) {
                        alts.push((w.clone(), SYNONYM_WEIGHT));
                    }
                }
            }
            alts
        })
        .collect();
    let (docs, avg) = (&corpus.docs, corpus.avg);
    let n = docs.len().max(1) as f64;
    let idf = |t: &str| {
        let df = f64::from(corpus.df.get(t).copied().unwrap_or(0));
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    };
    let concepts: Vec<Vec<(String, f64, f64)>> = concepts
        .into_iter()
        .map(|alts| {
            alts.into_iter()
                .map(|(t, w)| {
                    let idf = idf(&t);
                    (t, w, idf)
                })
                .collect()
        })
        .collect();
    let mut scored: Vec<(f64, usize)> = docs
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let mut score = 0.0;
            for alts in &concepts {
                // The best of the word and its synonyms.
                let best = alts
                    .iter()
                    .map(|(t, weight, idf)| {
                        let mut tf = 0.0;
                        for f in 0..FIELDS {
                            let Some(&count) = d.tf[f].get(t) else {
                                continue;
                            };
                            let norm = if avg[f] > 0.0 {
                                1.0 - B[f] + B[f] * d.len[f] / avg[f]
                            } else {
                                1.0
                            };
                            tf += WEIGHTS[f] * f64::from(count) / norm;
                        }
                        weight * idf * tf / (K1 + tf)
                    })
                    .fold(0.0, f64::max);
                score += best;
            }
            let named = |set: &HashSet<String>| d.tf[0].keys().any(|w| set.contains(w));
            if (!wants_action && named(&actions)) || named(&navigation) {
                score *= ACTION_WEIGHT;
            }
            if plural && !wants_action && named(&get) && !named(&collections) {
                score *= SINGLE_WEIGHT;
            }
            (score > 0.0).then_some((score, i))
        })
        .collect();
    // Stable on ties: higher score first, then the listing's order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(limit).map(|(_, i)| i).collect()
}

fn document(stemmer: &Stemmer, tool: &Value, vendors: &BTreeMap<String, VendorWords>) -> Doc {
    let exposed = tool.get("name").and_then(Value::as_str).unwrap_or_default();
    let (vendor, name) = exposed.split_once("__").unwrap_or(("", exposed));
    let mut vendor_text = vendor.to_owned();
    if let Some(v) = vendors.get(vendor) {
        vendor_text.push(' ');
        vendor_text.push_str(&v.name);
        vendor_text.push(' ');
        vendor_text.push_str(&v.category);
    }
    let title = tool
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let description = tool
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut schema = String::new();
    schema_text(tool.get("inputSchema"), &mut schema, 1);
    let fields = [
        format!("{name} {title}"),
        vendor_text,
        description.to_owned(),
        schema,
    ];
    let mut tf: [HashMap<String, u32>; FIELDS] = Default::default();
    let mut len = [0.0; FIELDS];
    for (f, text) in fields.iter().enumerate() {
        let ws = words(stemmer, text);
        len[f] = ws.len() as f64;
        for w in ws {
            *tf[f].entry(w).or_default() += 1;
        }
    }
    Doc { tf, len }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stem(text: &str) -> Vec<String> {
        words(&Stemmer::create(Algorithm::English), text)
    }

    #[test]
    fn words_split_at_case_and_punctuation_and_meet_in_their_stems() {
        assert_eq!(
            stem("autotask_search_tickets"),
            ["autotask", "search", "ticket"]
        );
        assert_eq!(stem("companyID, the Tickets"), ["compani", "id", "ticket"]);
        assert_eq!(
            stem("Open tickets for a company"),
            ["open", "ticket", "compani"]
        );
        assert_eq!(stem("for the of"), Vec::<String>::new());
    }

    fn tool(name: &str, description: &str, params: Value) -> Value {
        json!({"name": name, "description": description,
               "inputSchema": {"type": "object", "properties": params}})
    }

    #[test]
    fn rare_words_and_names_decide_and_schema_words_count() {
        let tools = [
            tool("a__list_devices", "List devices", json!({})),
            tool(
                "b__list_tickets",
                "List tickets",
                json!({"companyId": {"description": "The company"}}),
            ),
            tool("c__list_companies", "List companies", json!({})),
            tool("d__get_ticket", "Get one ticket by id", json!({})),
        ];
        let vendors = BTreeMap::new();
        let order = rank(&tools, &vendors, "tickets for a company", 10);
        assert_eq!(order[0], 1, "ticket in the name, company in the schema");
        assert_eq!(order.len(), 3, "the device tool matches no word");
        assert_eq!(
            rank(&tools, &vendors, "the", 10),
            [0, 1, 2, 3],
            "function words only: everything, in order"
        );
    }

    #[test]
    fn the_vendor_category_is_a_word_of_its_tools() {
        let tools = [
            tool("x__list_items", "List items", json!({})),
            tool("y__list_items", "List items", json!({})),
        ];
        let vendors = BTreeMap::from([(
            "y".to_owned(),
            VendorWords {
                name: "Why Backup".into(),
                category: "backup".into(),
            },
        )]);
        assert_eq!(rank(&tools, &vendors, "backup items", 10), [1, 0]);
    }

    #[test]
    fn a_synonym_matches_at_a_lower_weight() {
        let tools = [
            tool("a__list_companies", "List companies", json!({})),
            tool("b__list_clients", "List clients", json!({})),
            tool("c__list_devices", "List devices", json!({})),
        ];
        let vendors = BTreeMap::new();
        // "customers" is in neither name, but both are customers; the device is not.
        assert_eq!(rank(&tools, &vendors, "customers", 10).len(), 2);
        // The word itself beats its synonym.
        assert_eq!(rank(&tools, &vendors, "clients", 10), [1, 0]);
    }

    #[test]
    fn a_question_puts_reading_tools_before_actions_and_an_action_finds_its_verb() {
        let tools = [
            tool("a__delete_ticket", "Delete a ticket", json!({})),
            tool("a__create_ticket", "Create a ticket", json!({})),
            tool("a__get_ticket", "Get a ticket", json!({})),
            tool("a__search_tickets", "Search tickets", json!({})),
        ];
        let vendors = BTreeMap::new();
        let order = rank(&tools, &vendors, "tickets", 10);
        assert_eq!(order[..2], [3, 2], "reads first, the list before the get");
        assert_eq!(rank(&tools, &vendors, "delete ticket", 1), [0]);
    }

    #[test]
    fn navigation_helpers_rank_below_the_tools_they_lead_to() {
        let tools = [
            tool(
                "a__navigate",
                "Go to a domain: tickets, tickets, devices, approvals",
                json!({}),
            ),
            tool("a__approvals_list", "List approvals", json!({})),
        ];
        assert_eq!(rank(&tools, &BTreeMap::new(), "approvals", 10), [1, 0]);
    }
}
