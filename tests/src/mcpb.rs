//! Bundles as vendors make them, written with Python's `zipfile` (not our writer).

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

/// Writes a zip with a few lines of Python acting on `z`, a `zipfile.ZipFile`.
pub fn python_zip(path: &Path, body: &str) {
    let script = format!(
        "import zipfile, sys\nz = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n{body}\nz.close()\n"
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A vendor's bundle as WYRE ships them (domain.md §3): `user_config` for each
/// credential, sensitive ones marked; `server` is the program to run (the fixture).
pub fn vendor_bundle(path: &Path, name: &str, server: &Path, env: Value, user_config: Value) {
    let manifest = json!({
        "manifest_version": "0.3",
        "name": name,
        "display_name": "Acme RMM",
        "version": "2.0.0",
        "description": "Acme RMM tools",
        "author": {"name": "Acme", "url": "https://acme.example"},
        "server": {
            "type": "binary",
            "entry_point": "server/acme-server",
            "mcp_config": {
                "command": "${__dirname}/server/acme-server",
                "args": ["--name", name],
                "env": env
            }
        },
        "tools_generated": true,
        "user_config": user_config,
        "compatibility": {"platforms": ["darwin", "win32", "linux"]}
    });
    let manifest_path = path.with_extension("json");
    std::fs::write(
        &manifest_path,
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    python_zip(
        path,
        &format!(
            "z.write(r'{}', 'manifest.json')\ni = zipfile.ZipInfo('server/acme-server')\ni.external_attr = 0o755 << 16\ni.compress_type = zipfile.ZIP_DEFLATED\nz.writestr(i, open(r'{}', 'rb').read())",
            manifest_path.display(),
            server.display()
        ),
    );
}
