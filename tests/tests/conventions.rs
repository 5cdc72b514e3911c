//! Conventions from docs/ARCHITECTURE.md, checked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("target") && !p.ends_with("node_modules") && !p.ends_with("gen") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn core_depends_on_neither_tauri_nor_clap_even_indirectly() {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root())
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let nodes: BTreeMap<&str, Vec<&str>> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let normal = n["deps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| {
                    d["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|k| k["kind"].is_null())
                })
                .map(|d| d["pkg"].as_str().unwrap())
                .collect();
            (n["id"].as_str().unwrap(), normal)
        })
        .collect();
    let core = names
        .iter()
        .find(|(_, n)| **n == "switchboard-core")
        .map(|(id, _)| *id)
        .unwrap();
    let mut seen = BTreeSet::new();
    let mut stack = vec![core];
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            stack.extend(nodes.get(id).into_iter().flatten());
        }
    }
    let reached: BTreeSet<&str> = seen.iter().map(|id| names[id]).collect();
    for banned in ["tauri", "tauri-runtime", "wry", "clap", "clap_builder"] {
        assert!(
            !reached.contains(banned),
            "switchboard-core reaches {banned}"
        );
    }
    assert!(
        reached.contains("keyring-core"),
        "the walk covers core's dependencies"
    );
}

#[test]
fn target_os_appears_only_in_platform_files() {
    let allowed = [
        "crates/switchboard-core/src/vault/keyring.rs",
        "crates/switchboard-core/src/platform/",
        "crates/switchboard-tray/src/platform/",
    ];
    let root = root();
    for dir in ["crates", "src-tauri/src", "tests/src", "tests/tests"] {
        for file in rust_files(&root.join(dir)) {
            let rel = file
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel.ends_with("conventions.rs") || allowed.iter().any(|a| rel.starts_with(a)) {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(
                !text.contains("target_os"),
                "{rel} names a target OS; move it to platform/"
            );
        }
    }
}

#[test]
fn every_core_module_says_what_it_is_for() {
    for file in rust_files(&root().join("crates/switchboard-core/src")) {
        let name = file.file_name().unwrap().to_string_lossy();
        if name == "tests.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("//!"),
            "{} has no `//!` module doc",
            file.display()
        );
    }
}

/// Core's source files with their text, comment lines left out.
fn core_code() -> Vec<(PathBuf, String)> {
    rust_files(&root().join("crates/switchboard-core/src"))
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let code = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            (file, code)
        })
        .collect()
}

#[test]
fn every_core_error_type_keeps_a_code_and_none_is_a_bare_string() {
    let files = core_code();
    let all: String = files.iter().map(|(_, c)| c.as_str()).collect();
    let mut errors = Vec::new();
    for (_, code) in &files {
        let mut rest = code.as_str();
        while let Some(at) = rest.find("thiserror::Error") {
            rest = &rest[at..];
            // The type the derive is on: the next `enum X` or `struct X`.
            let decl = ["pub enum ", "pub struct ", "enum ", "struct "]
                .iter()
                .filter_map(|k| rest.find(k).map(|i| (i, k.len())))
                .min();
            if let Some((i, len)) = decl {
                let name: String = rest[i + len..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                errors.push(name);
            }
            rest = &rest[1..];
        }
    }
    assert!(
        errors.len() > 15,
        "the scan finds the error types: {errors:?}"
    );
    let uncoded: Vec<&String> = errors
        .iter()
        .filter(|e| !all.contains(&format!("impl Coded for {e} ")))
        .collect();
    assert!(
        uncoded.is_empty(),
        "these error types need `impl Coded` (code.rs): {uncoded:?}"
    );
    for (file, code) in &files {
        for line in code.lines() {
            assert!(
                result_errors(line)
                    .iter()
                    .all(|e| e != "String" && e != "&str"),
                "{}: a `Result<_, String>`; give the error a type: {line}",
                file.display()
            );
        }
    }
    assert_eq!(
        result_errors("fn f() -> Result<BTreeMap<String, String>, String> {"),
        ["String"],
        "the scan reads the error type, not a map's"
    );
}

/// The error types of the `Result<T, E>`s written on a line.
fn result_errors(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices("Result<") {
        let mut depth = 0;
        let mut comma = None;
        for (i, c) in line[at + 7..].char_indices() {
            match c {
                '<' | '(' => depth += 1,
                '>' | ')' if depth == 0 => {
                    if let Some(start) = comma {
                        out.push(line[at + 7 + start..at + 7 + i].trim().to_owned());
                    }
                    break;
                }
                '>' | ')' => depth -= 1,
                ',' if depth == 0 => comma = Some(i + 1),
                _ => {}
            }
        }
    }
    out
}
