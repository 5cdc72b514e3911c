//! `bundle build`: a `.mcpb` that carries the `switchboard` binary and runs the bridge.
//!
//! The bundle holds no secrets and asks for none (no `user_config`): the bridge reaches
//! the local daemon, which reads credentials from the keychain. Manifest version 0.2,
//! the one every Claude Desktop release installs. The build is deterministic; see
//! `archive::write_zip`.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::catalog::Vendor;

use super::BundleError;
use super::archive::{NewEntry, write_zip};
use super::manifest::{
    Author, BUILD_VERSION, Compatibility, Manifest, McpConfig, NoFiles, Platform, PlatformOverride,
    Server, ServerType,
};

/// The app icon, shown by Claude Desktop for every bundle we build.
pub const ICON: &[u8] = include_bytes!("../../../../icons/icon.png");

/// What a bundle serves.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Vendor(&'a Vendor),
    /// Every connected vendor, through one bridge.
    All {
        vendor_names: &'a [String],
    },
}

/// Everything a build needs besides the catalog.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The `switchboard` executable to ship.
    pub binary: &'a [u8],
    /// The platform `binary` runs on.
    pub platform: Platform,
    pub version: &'a str,
}

/// A built bundle, not yet written anywhere.
#[derive(Debug, Clone)]
pub struct Built {
    /// `<name>-<version>.mcpb`.
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub manifest: Manifest,
}

impl Built {
    pub fn sha256_hex(&self) -> String {
        hex::encode(Sha256::digest(&self.bytes))
    }

    /// The `<file>.sha256` sidecar, in `sha256sum` format.
    pub fn sidecar(&self) -> String {
        format!("{}  {}\n", self.sha256_hex(), self.file_name)
    }
}

fn executable_name(platform: Platform) -> &'static str {
    match platform {
        Platform::Win32 => "switchboard.exe",
        _ => "switchboard",
    }
}

/// The manifest for `target`.
pub fn manifest(target: Target<'_>, inputs: &Inputs<'_>) -> Manifest {
    let (name, display, description, long, mut args, keywords, documentation) = match target {
        Target::Vendor(v) => (
            format!("switchboard-{}", v.slug),
            format!("{} (Switchboard)", v.name),
            format!(
                "{} tools for Claude, served by Switchboard. Credentials stay in your OS keychain.",
                v.name
            ),
            format!(
                "{}\n\nThis bundle runs Switchboard's bridge for {}. Connect the vendor first with `switchboard connect {}` (or the Switchboard tray app); the bundle itself holds no credentials. Tools are named `{}__<tool>`.",
                v.description, v.name, v.slug, v.slug
            ),
            vec!["bridge".to_owned(), "--vendor".to_owned(), v.slug.clone()],
            vec!["msp".to_owned(), v.category.clone(), v.slug.clone()],
            Some(v.docs_url.clone()).filter(|u| !u.is_empty()),
        ),
        Target::All { vendor_names } => (
            "switchboard".to_owned(),
            "Switchboard".to_owned(),
            "Every MSP vendor you connect in Switchboard, through one server. Credentials stay in your OS keychain.".to_owned(),
            format!(
                "Serves the tools of every vendor connected in Switchboard, named `<vendor>__<tool>`. Vendors it knows: {}. Connect them with `switchboard connect <vendor>` or the tray app; the bundle itself holds no credentials.",
                vendor_names.join(", ")
            ),
            vec!["bridge".to_owned()],
            vec!["msp".to_owned(), "psa".to_owned(), "rmm".to_owned()],
            None,
        ),
    };
    let exe = executable_name(inputs.platform);
    let mut overrides = BTreeMap::new();
    overrides.insert(
        "win32".to_owned(),
        PlatformOverride {
            command: Some("${__dirname}/server/switchboard.exe".to_owned()),
            args: None,
            env: None,
        },
    );
    args.shrink_to_fit();
    Manifest {
        schema: None,
        manifest_version: Some(BUILD_VERSION.to_owned()),
        dxt_version: None,
        name,
        display_name: Some(display),
        version: inputs.version.to_owned(),
        description,
        long_description: Some(long),
        author: Author {
            name: "Switchboard".to_owned(),
            email: None,
            url: None,
        },
        repository: None,
        homepage: None,
        documentation,
        support: None,
        icon: Some("icon.png".to_owned()),
        screenshots: None,
        server: Server {
            kind: ServerType::Binary,
            entry_point: format!("server/{exe}"),
            mcp_config: Some(McpConfig {
                command: format!("${{__dirname}}/server/{exe}"),
                args,
                env: BTreeMap::new(),
                platform_overrides: overrides,
            }),
        },
        tools: None,
        tools_generated: Some(true),
        prompts: None,
        prompts_generated: None,
        keywords: Some(keywords),
        license: None,
        compatibility: Some(Compatibility {
            claude_desktop: None,
            // Honest: the bundle carries one binary, for the platform it was built on.
            platforms: Some(vec![inputs.platform]),
            runtimes: None,
        }),
        user_config: None,
        privacy_policies: None,
        icons: None,
        localization: None,
        meta: None,
    }
}

/// Builds the bundle for `target`.
pub fn build(target: Target<'_>, inputs: &Inputs<'_>) -> Result<Built, BundleError> {
    let manifest = manifest(target, inputs);
    let mut manifest_json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| BundleError::Internal(e.to_string()))?;
    manifest_json.push(b'\n');
    // Our own output must pass our own validator (the strict CLI's rules).
    if let Err(problems) = Manifest::parse(&manifest_json, &NoFiles) {
        let only_icon = problems.0.iter().all(|p| p.starts_with("icon:"));
        if !only_icon {
            return Err(BundleError::Internal(format!(
                "built an invalid manifest: {problems}"
            )));
        }
    }
    let exe_path = manifest.server.entry_point.clone();
    let bytes = write_zip(vec![
        NewEntry {
            path: "manifest.json".into(),
            data: &manifest_json,
            executable: false,
        },
        NewEntry {
            path: "icon.png".into(),
            data: ICON,
            executable: false,
        },
        NewEntry {
            path: exe_path,
            data: inputs.binary,
            executable: true,
        },
    ])?;
    Ok(Built {
        file_name: format!("{}-{}.mcpb", manifest.name, manifest.version),
        bytes,
        manifest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::archive::{Limits, read_zip};
    use crate::catalog::Catalog;

    fn inputs() -> Inputs<'static> {
        Inputs {
            binary: b"\x7fELF not really",
            platform: Platform::Linux,
            version: "1.2.3",
        }
    }

    #[test]
    fn a_vendor_bundle_runs_the_bridge_for_that_vendor_and_asks_for_nothing() {
        let catalog = Catalog::builtin().unwrap();
        let hudu = catalog.get("hudu").unwrap();
        let built = build(Target::Vendor(hudu), &inputs()).unwrap();
        assert_eq!(built.file_name, "switchboard-hudu-1.2.3.mcpb");
        let m = &built.manifest;
        let cfg = m.server.mcp_config.as_ref().unwrap();
        assert_eq!(cfg.command, "${__dirname}/server/switchboard");
        assert_eq!(cfg.args, ["bridge", "--vendor", "hudu"]);
        assert_eq!(
            cfg.for_platform("win32").command,
            "${__dirname}/server/switchboard.exe"
        );
        assert!(m.user_config.is_none() && cfg.env.is_empty());

        let mut files = BTreeMap::new();
        read_zip(&built.bytes, Limits::default(), |info, data| {
            files.insert(info.path.clone(), (info.executable, data.to_vec()));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["icon.png", "manifest.json", "server/switchboard"]
        );
        assert!(files["server/switchboard"].0);
        let parsed = Manifest::parse(&files["manifest.json"].1, &files_of(&files)).unwrap();
        assert_eq!(&parsed.0, m);
    }

    fn files_of(
        files: &BTreeMap<String, (bool, Vec<u8>)>,
    ) -> impl crate::bundle::manifest::BundleFiles + '_ {
        struct F<'a>(&'a BTreeMap<String, (bool, Vec<u8>)>);
        impl crate::bundle::manifest::BundleFiles for F<'_> {
            fn head(&self, path: &str, n: usize) -> Option<Vec<u8>> {
                self.0.get(path).map(|(_, d)| d[..n.min(d.len())].to_vec())
            }
        }
        F(files)
    }

    #[test]
    fn the_all_bundle_runs_the_plain_bridge_and_rebuilds_byte_identically() {
        let names = vec!["Hudu".to_owned(), "IT Glue".to_owned()];
        let a = build(
            Target::All {
                vendor_names: &names,
            },
            &inputs(),
        )
        .unwrap();
        let b = build(
            Target::All {
                vendor_names: &names,
            },
            &inputs(),
        )
        .unwrap();
        assert_eq!(a.bytes, b.bytes);
        assert_eq!(
            a.manifest.server.mcp_config.as_ref().unwrap().args,
            ["bridge"]
        );
        assert_eq!(a.file_name, "switchboard-1.2.3.mcpb");
        assert!(a.sidecar().ends_with("  switchboard-1.2.3.mcpb\n"));
        assert_eq!(a.sidecar().len(), 64 + 2 + a.file_name.len() + 1);
    }
}
