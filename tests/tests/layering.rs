//! The layering of `switchboard-core`, checked: each module may use only the modules
//! on floors below its own (docs/ARCHITECTURE.md, "Layers"), nothing uses the crate
//! root, and no files import each other in a circle except a module and its parent.
//!
//! Imports are read from the source text: `use` trees, and `crate::`, `super::`,
//! `self::` and child-module paths in code. Test code (`#[cfg(test)] mod tests`, and
//! the `tests.rs` and `testing.rs` files) is left out: a test may reach up to build
//! what it checks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Floor of each module (the longest listed prefix decides); lower floors first.
/// A module may use a module on a lower floor, its own parent and children, the other
/// files of its own entry, and its siblings on its own floor within one folder (those
/// last two are checked for circles instead).
const FLOORS: &[(&str, u32)] = &[
    // 0: vocabulary; these use nothing of the crate.
    ("code", 0),
    ("secret", 0),
    ("time", 0),
    ("env", 0),
    ("atomic", 0),
    ("process", 0),
    ("status", 0),
    // 1: OS facts, value bags and the JSON-RPC envelope.
    ("platform", 1),
    ("credentials", 1),
    ("jsonrpc", 1),
    ("policy", 1),
    // 2: where things live, and the settings file.
    ("paths", 2),
    ("config", 2),
    ("preset", 2),
    // 3: the catalog, the data model of vendors.
    ("catalog", 3),
    // 4: what works on single vendors and files: probes, the bundle format, logs.
    ("probe", 4),
    ("bundle::manifest", 4),
    ("bundle::archive", 4),
    ("bundle::sign", 4),
    ("bundle::inspect", 4),
    ("logs", 4),
    ("settings", 4),
    ("servers", 4),
    ("clients", 4),
    ("audit", 4),
    // 5: the keychain, running and importing bundles, the connect rules, views.
    ("vault", 5),
    ("bundle", 5),
    ("connection", 5),
    ("ipc", 5),
    ("plugins", 5),
    // 6: the team gateway's sign-in.
    ("gateway", 6),
    // 7: the supervisor, the catalog loader, the views of vendors and connections.
    ("supervisor", 7),
    ("sources", 7),
    ("view", 7),
    // 8: the processes: daemon and bridge.
    ("daemon", 8),
    ("bridge", 8),
    // 9: the crate error, which wraps every module's.
    ("error", 9),
    // 10: the facade and what needs all of it.
    ("facade", 10),
    ("doctor", 11),
];

fn core_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/switchboard-core/src")
}

/// Every non-test source file of core, by its module path (`""` for the root).
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let test_only = path.ends_with("tests.rs") || path.ends_with("testing.rs");
            if path.extension().is_none_or(|e| e != "rs") || test_only {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            out.insert(parts.join("::"), without_tests_and_comments(&text));
        }
    }
    out
}

/// The source without its inline test module and without comment lines.
fn without_tests_and_comments(text: &str) -> String {
    let code = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    };
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The leaf paths of a `use` tree (`a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`).
fn expand_use(tree: &str) -> Vec<String> {
    let mut tree = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    for tight in ["::", "{", "}", ","] {
        tree = tree
            .replace(&format!(" {tight}"), tight)
            .replace(&format!("{tight} "), tight);
    }
    fn walk(prefix: &str, tree: &str, out: &mut Vec<String>) {
        match tree.find('{') {
            Some(open) if tree.ends_with('}') => {
                let head = tree[..open].trim_end_matches("::");
                let prefix = join(prefix, head);
                let inner = &tree[open + 1..tree.len() - 1];
                let mut depth = 0;
                let mut start = 0;
                for (i, c) in inner.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            walk(&prefix, &inner[start..i], out);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                walk(&prefix, &inner[start..], out);
            }
            _ => {
                let leaf = tree.split(" as ").next().unwrap_or(tree);
                if !leaf.is_empty() {
                    out.push(join(prefix, leaf));
                }
            }
        }
    }
    fn join(a: &str, b: &str) -> String {
        match (a.is_empty(), b.is_empty()) {
            (true, _) => b.to_owned(),
            (_, true) => a.to_owned(),
            _ => format!("{a}::{b}"),
        }
    }
    let mut out = Vec::new();
    walk("", &tree, &mut out);
    out
}

/// Every path a file names that could lead into the crate.
fn named_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    // `use` statements, whole trees.
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        rest = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(end) = rest.find(';') {
            out.extend(expand_use(&rest[..end]));
            rest = &rest[end..];
        }
    }
    // Paths in code: runs of `ident::ident::…`.
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let starts = (c.is_alphabetic() || c == '_')
            && (i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len() && (bytes[j].is_alphanumeric() || bytes[j] == '_' || bytes[j] == ':')
        {
            j += 1;
        }
        let path: String = bytes[i..j].iter().collect();
        let path = path.trim_end_matches(':');
        // `a::{…}` ends before its braces; the `use` reader above has it.
        if path.contains("::") && bytes.get(j) != Some(&'{') {
            out.push(path.to_owned());
        }
        i = j.max(i + 1);
    }
    out
}

/// The module a path names, from inside `from`, if it is one of ours.
fn resolve(from: &str, path: &str, known: &BTreeSet<String>) -> Option<String> {
    let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<&str> = if from.is_empty() {
        Vec::new()
    } else {
        from.split("::").collect()
    };
    let rest: Vec<&str> = match segments.first().copied()? {
        "crate" => {
            base.clear();
            segments[1..].to_vec()
        }
        "self" => segments[1..].to_vec(),
        "super" => {
            let mut rest = &segments[..];
            while rest.first() == Some(&"super") {
                base.pop();
                rest = &rest[1..];
            }
            rest.to_vec()
        }
        first => {
            // A child module of `from`, named without `self::` (uniform paths).
            let child = if from.is_empty() {
                first.to_owned()
            } else {
                format!("{from}::{first}")
            };
            if !known.contains(&child) {
                return None;
            }
            segments
        }
    };
    let mut best = base.join("::");
    for segment in rest {
        base.push(segment);
        let candidate = base.join("::");
        if known.contains(&candidate) {
            best = candidate;
        } else {
            break;
        }
    }
    known.contains(&best).then_some(best)
}

fn edges() -> BTreeMap<String, BTreeSet<String>> {
    edges_of(&modules(&core_src()))
}

fn edges_of(files: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let known: BTreeSet<String> = files.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (module, code) in files {
        let targets: BTreeSet<String> = named_paths(code)
            .iter()
            .filter_map(|p| resolve(module, p, &known))
            .filter(|t| t != module)
            .collect();
        graph.insert(module.clone(), targets);
    }
    graph
}

fn floor_entry(module: &str) -> Option<(&'static str, u32)> {
    FLOORS
        .iter()
        .filter(|(prefix, _)| module == *prefix || module.starts_with(&format!("{prefix}::")))
        .max_by_key(|(prefix, _)| prefix.len())
        .copied()
}

fn parent(module: &str) -> &str {
    module.rsplit_once("::").map_or("", |(p, _)| p)
}

fn related(a: &str, b: &str) -> bool {
    let child_of = |c: &str, p: &str| p.is_empty() || c.starts_with(&format!("{p}::"));
    child_of(a, b) || child_of(b, a)
}

#[test]
fn every_core_module_is_on_a_floor() {
    let missing: Vec<String> = edges()
        .into_keys()
        .filter(|m| !m.is_empty() && floor_entry(m).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "put these modules on a floor in tests/tests/layering.rs and docs/ARCHITECTURE.md: {missing:?}"
    );
}

/// Every import that breaks the floors, in words.
fn floor_breaks(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut wrong = Vec::new();
    for (from, targets) in graph {
        if from.is_empty() {
            continue; // the root declares and re-exports
        }
        let Some((from_entry, from_floor)) = floor_entry(from) else {
            continue; // reported by `every_core_module_is_on_a_floor`
        };
        for to in targets {
            if to.is_empty() {
                wrong.push(format!(
                    "{from} uses the crate root; name the module it comes from"
                ));
                continue;
            }
            if related(from, to) {
                continue;
            }
            let Some((to_entry, to_floor)) = floor_entry(to) else {
                continue;
            };
            if to_entry == from_entry
                || (to_floor == from_floor && parent(to) == parent(from) && !parent(to).is_empty())
            {
                continue; // one entry, or siblings in one folder: the circle test watches
            }
            if to_floor >= from_floor {
                wrong.push(format!(
                    "{from} (floor {from_floor}) uses {to} (floor {to_floor})"
                ));
            }
        }
    }
    wrong
}

/// Every import that lies on a circle and is not a parent-child link, in words. A
/// circle made only of parent and child links is how Rust modules work.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(v) = stack.pop() {
            if v == to {
                return true;
            }
            if seen.insert(v.clone()) {
                stack.extend(graph.get(&v).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut out = Vec::new();
    for (from, targets) in graph {
        for to in targets {
            if !related(from, to) && reaches(to, from) {
                out.push(format!("{from} -> {to} -> … -> {from}"));
            }
        }
    }
    out
}

#[test]
fn core_modules_use_only_lower_floors_and_never_the_root() {
    let graph = edges();
    assert!(
        graph
            .get("supervisor::hub")
            .is_some_and(|t| t.contains("jsonrpc")),
        "the import reader sees `use crate::jsonrpc::…`: {:?}",
        graph.get("supervisor::hub")
    );
    let wrong = floor_breaks(&graph);
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn no_core_files_import_each_other_in_a_circle_beyond_parent_and_child() {
    let found = circles(&edges());
    assert!(
        found.is_empty(),
        "files that import each other in a circle:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_import_reader_understands_use_trees_and_relative_paths() {
    let known: BTreeSet<String> = ["", "a", "a::b", "a::c", "d"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        expand_use("crate::{a::{b::X, c}, d as e}"),
        ["crate::a::b::X", "crate::a::c", "crate::d"]
    );
    assert_eq!(
        resolve("a::b", "super::c::f", &known).as_deref(),
        Some("a::c")
    );
    assert_eq!(resolve("a", "b::Y", &known).as_deref(), Some("a::b"));
    assert_eq!(resolve("a", "std::io", &known), None);
    assert_eq!(
        resolve("d", "crate::a::b::Z", &known).as_deref(),
        Some("a::b")
    );
    assert_eq!(
        resolve("a::b", "crate::Switchboard", &known).as_deref(),
        Some("")
    );
    assert!(
        named_paths("let x = crate::d::f();\nuse super::{b, c};")
            .contains(&"crate::d::f".to_owned())
    );
}

#[test]
fn the_checks_catch_an_upward_import_a_circle_and_a_use_of_the_root() {
    let files: BTreeMap<String, String> = [
        (
            "",
            "pub mod catalog; pub mod vault; pub struct Switchboard;",
        ),
        // catalog (floor 3) reaching up into vault (floor 5), which uses catalog.
        (
            "catalog",
            "use crate::vault::Vault;\nuse crate::Switchboard;",
        ),
        ("vault", "use crate::catalog::Vendor;"),
        // Parent and child using each other is fine.
        ("probe", "mod render; use render::Vars;"),
        ("probe::render", "use super::ProbeStep;"),
    ]
    .into_iter()
    .map(|(m, c)| (m.to_owned(), c.to_owned()))
    .collect();
    let graph = edges_of(&files);
    assert_eq!(
        floor_breaks(&graph),
        [
            "catalog uses the crate root; name the module it comes from",
            "catalog (floor 3) uses vault (floor 5)",
        ]
    );
    assert_eq!(
        circles(&graph),
        [
            "catalog -> vault -> … -> catalog",
            "vault -> catalog -> … -> vault"
        ]
    );
}
