//! Compiles every `bundles/<slug>/vendor.toml` into the library.
//!
//! A proc-macro such as `include_dir!` cannot tell cargo to rebuild when a file
//! under `bundles/` changes on stable Rust, which would leave a stale catalog in
//! the binary. This script emits `rerun-if-changed` for the folder and each file.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let bundles = Path::new(&manifest_dir).join("../../bundles");
    println!("cargo:rerun-if-changed={}", bundles.display());

    let mut slugs: Vec<String> = std::fs::read_dir(&bundles)
        .unwrap_or_else(|e| panic!("reading {}: {e}", bundles.display()))
        .filter_map(|entry| {
            let entry = entry.ok()?;
            entry
                .file_type()
                .ok()?
                .is_dir()
                .then(|| entry.file_name().to_string_lossy().into_owned())
        })
        .collect();
    slugs.sort();

    let mut out =
        String::from("/// (folder name, vendor.toml text) for every built-in vendor, sorted.\n");
    out.push_str("pub(crate) static BUILTIN_VENDORS: &[(&str, &str)] = &[\n");
    for slug in &slugs {
        let file = bundles.join(slug).join("vendor.toml");
        println!("cargo:rerun-if-changed={}", file.display());
        let file = file
            .canonicalize()
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        writeln!(
            out,
            "    ({slug:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    out.push_str("];\n");

    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("builtin_vendors.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("writing {}: {e}", dest.display()));
}
