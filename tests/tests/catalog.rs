//! The built-in catalog is sound, and the rules that say so really reject bad entries.

use std::collections::BTreeSet;
use std::path::Path;

use switchboard_core::catalog::{Catalog, Source, Vendor, validate};

const THIRTY: [&str; 30] = [
    "abnormal-security",
    "atera",
    "autotask",
    "blackpoint",
    "blumira",
    "cipp",
    "connectwise-automate",
    "connectwise-psa",
    "datto-bcdr",
    "datto-rmm",
    "domotz",
    "halopsa",
    "hudu",
    "huntress",
    "immybot",
    "ironscales",
    "itglue",
    "knowbe4",
    "liongard",
    "meraki",
    "ncentral",
    "ninjaone",
    "proofpoint",
    "rocketcyber",
    "sherweb",
    "spanning",
    "superops",
    "syncro",
    "threatlocker",
    "unitrends",
];

/// The categories `domain.md` §1b names beside PSA, RMM and documentation; the catalog
/// spans every one.
const BREADTH: [&str; 6] = [
    "security",
    "email-security",
    "backup",
    "network",
    "marketplace",
    "m365",
];

fn bundles_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../bundles")
}

#[test]
fn the_catalog_has_exactly_the_thirty_vendors_with_slugs_matching_their_folders() {
    let catalog = Catalog::builtin().unwrap();
    let slugs: Vec<&str> = catalog.vendors().map(|v| v.slug.as_str()).collect();
    assert_eq!(slugs, THIRTY);
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir(bundles_dir()).unwrap() {
        let entry = entry.unwrap();
        let folder = entry.file_name().into_string().unwrap();
        let text = std::fs::read_to_string(entry.path().join("vendor.toml")).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let slug = table["slug"].as_str().unwrap();
        assert_eq!(slug, folder, "bundles/{folder}/vendor.toml");
        assert!(seen.insert(slug.to_owned()), "slug {slug} appears twice");
    }
    assert_eq!(seen.len(), 30);
}

#[test]
fn the_catalog_spans_every_category_and_names_every_companion_plugin() {
    let catalog = Catalog::builtin().unwrap();
    for category in BREADTH {
        assert!(
            catalog.vendors().any(|v| v.category == category),
            "no vendor in {category}"
        );
    }
    for v in catalog.vendors() {
        // Plugin ids are lower-case slugs in the marketplace, not display names.
        assert!(
            !v.companion_plugin.is_empty()
                && v.companion_plugin
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}: companion plugin `{}`",
            v.slug,
            v.companion_plugin
        );
        // The opening comment names the sources.
        let text =
            std::fs::read_to_string(bundles_dir().join(&v.slug).join("vendor.toml")).unwrap();
        assert!(
            text.starts_with("# Facts: "),
            "{}: no sources comment",
            v.slug
        );
        assert!(!v.launch.docker_image.is_empty(), "{}", v.slug);
    }
}

#[test]
fn every_entry_passes_validation_and_env_vars_are_unique_across_the_catalog() {
    let catalog = Catalog::builtin().unwrap();
    for v in catalog.vendors() {
        assert_eq!(validate::validate(v), Vec::<String>::new(), "{}", v.slug);
        assert!(v.probe.is_some(), "{} has a probe", v.slug);
    }
    assert_eq!(
        validate::validate_set(catalog.vendors()),
        Vec::<String>::new()
    );
}

/// Meraki's server reads `READ_ONLY_MODE`, with no vendor prefix.
const UNPREFIXED: [(&str, &str); 1] = [("meraki", "read_only_mode")];

#[test]
fn field_keys_are_the_env_var_without_the_vendor_prefix_and_every_field_has_a_header() {
    let catalog = Catalog::builtin().unwrap();
    for v in catalog.vendors() {
        for f in &v.fields {
            // Settings a server reads without its vendor prefix.
            if UNPREFIXED.contains(&(v.slug.as_str(), f.key.as_str())) {
                assert_eq!(f.env.to_ascii_lowercase(), f.key, "{}", v.slug);
                assert!(!f.secret && !f.required, "{}: {}", v.slug, f.key);
                continue;
            }
            let env = f.env.to_ascii_lowercase();
            let prefix = env
                .strip_suffix(&f.key)
                .unwrap_or_else(|| panic!("{}: {} vs {}", v.slug, f.key, f.env));
            assert!(
                prefix.ends_with('_') && prefix.len() > 1,
                "{}: `{}` from `{}`",
                v.slug,
                f.key,
                f.env
            );
            assert!(
                f.header.is_some() || (!f.secret && !f.required),
                "{}: credential field {} needs the header for AUTH_MODE=gateway",
                v.slug,
                f.key
            );
        }
        // One prefix per vendor.
        let prefixes: BTreeSet<String> = v
            .fields
            .iter()
            .filter(|f| !UNPREFIXED.contains(&(v.slug.as_str(), f.key.as_str())))
            .map(|f| f.env[..f.env.len() - f.key.len()].to_owned())
            .collect();
        assert_eq!(prefixes.len(), 1, "{}: {prefixes:?}", v.slug);
    }
}

#[test]
fn the_documented_value_lists_are_complete() {
    let catalog = Catalog::builtin().unwrap();
    let options = |slug: &str, key: &str| -> Vec<String> {
        catalog
            .get(slug)
            .unwrap()
            .field(key)
            .unwrap()
            .options
            .iter()
            .map(|o| o.value.clone())
            .collect()
    };
    assert_eq!(
        options("datto-rmm", "platform"),
        [
            "pinotage",
            "merlot",
            "concord",
            "vidal",
            "zinfandel",
            "syrah"
        ]
    );
    assert_eq!(
        options("ninjaone", "region"),
        ["us", "eu", "oc", "ca", "us2", "fed"]
    );
    assert_eq!(options("itglue", "region"), ["us", "eu", "au"]);
    let field = |slug: &str, key: &str| catalog.get(slug).unwrap().field(key).unwrap().clone();
    assert_eq!(
        field("connectwise-psa", "url").env,
        "CW_MANAGE_URL",
        "the code reads CW_MANAGE_URL, not the manifest's CW_MANAGE_BASE_URL"
    );
    assert_eq!(
        field("autotask", "integration_code").env,
        "AUTOTASK_INTEGRATION_CODE"
    );
    assert_eq!(
        field("datto-rmm", "platform").default.as_deref(),
        Some("concord")
    );
    assert!(
        field("syncro", "subdomain").required,
        "the Syncro client throws without a subdomain"
    );
    assert_eq!(
        field("connectwise-automate", "server_url")
            .header
            .as_deref(),
        Some("X-CWA-Server")
    );
}

fn sample() -> Vendor {
    Catalog::builtin()
        .unwrap()
        .get("datto-rmm")
        .unwrap()
        .clone()
}

fn problems_after(change: impl FnOnce(&mut Vendor)) -> Vec<String> {
    let mut v = sample();
    change(&mut v);
    validate::validate(&v)
}

#[test]
fn the_rules_reject_broken_entries() {
    let p = problems_after(|v| v.fields[1].env = v.fields[0].env.clone());
    assert!(
        p.iter().any(|p| p.contains("used by another field")),
        "{p:?}"
    );

    let p = problems_after(|v| v.fields[2].default = Some("shiraz".into()));
    assert!(
        p.iter().any(|p| p.contains("not among the options")),
        "{p:?}"
    );

    let p = problems_after(|v| {
        v.probe.as_mut().unwrap().steps[1].path = "/api/{tenant_id}/account".into()
    });
    assert!(
        p.iter()
            .any(|p| p.contains("{tenant_id} is neither a declared field")),
        "{p:?}"
    );

    let p = problems_after(|v| {
        v.probe.as_mut().unwrap().base = vec!["https://{platform.region}".into()]
    });
    assert!(p.iter().any(|p| p.contains("attribute `region`")), "{p:?}");

    let p = problems_after(|v| v.probe.as_mut().unwrap().steps[1].path = "/x/{api_key}".into());
    assert!(
        p.iter().any(|p| p.contains("may not appear in a URL")),
        "{p:?}"
    );

    let p = problems_after(|v| {
        v.probe.as_mut().unwrap().steps[1].auth = Some(
            switchboard_core::catalog::ProbeAuth::Bearer("{token2}".into()),
        )
    });
    assert!(p.iter().any(|p| p.contains("{token2}")), "{p:?}");

    let p = problems_after(|v| v.slug = "Datto RMM".into());
    assert!(p.iter().any(|p| p.contains("slug")), "{p:?}");

    let p = problems_after(|v| v.fields[0].default = Some("x".into()));
    assert!(
        p.iter()
            .any(|p| p.contains("secret field cannot have a default")),
        "{p:?}"
    );

    let mut a = sample();
    let mut b = Catalog::builtin().unwrap().get("ninjaone").unwrap().clone();
    b.fields[0].env = a.fields[0].env.clone();
    a.slug = "a".into();
    assert_eq!(validate::validate_set([&a, &b]).len(), 1);
}

#[test]
fn users_can_override_built_in_entries_and_add_their_own() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hudu.toml"),
        "[launch]\ndocker_image = \"registry.example/hudu-mcp:pinned\"\n\n[[fields]]\nkey = \"base_url\"\ndefault = \"https://docs.acme.example\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("acme-rmm.toml"),
        r#"
name = "Acme RMM"
category = "rmm"
description = "Our in-house RMM."
docs_url = "https://acme.example/api"
companion_plugin = "acme-rmm"

[[fields]]
key = "token"
label = "Token"
env = "ACME_TOKEN"
secret = true
required = true

[launch]
docker_image = "acme/rmm-mcp"
local = { kind = "command", command = "acme-rmm-mcp" }
"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.toml"), "name = [unclosed").unwrap();
    std::fs::write(
        dir.path().join("itglue.toml"),
        "[[fields]]\nkey = \"region\"\ndefault = \"mars\"\n",
    )
    .unwrap();

    let catalog = Catalog::load(dir.path()).unwrap();
    let hudu = catalog.get("hudu").unwrap();
    assert_eq!(hudu.launch.docker_image, "registry.example/hudu-mcp:pinned");
    assert_eq!(
        hudu.field("base_url").unwrap().default.as_deref(),
        Some("https://docs.acme.example")
    );
    assert_eq!(
        hudu.field("base_url").unwrap().env,
        "HUDU_BASE_URL",
        "the rest of the field is kept"
    );
    assert!(matches!(
        catalog.source("hudu"),
        Some(Source::Override { .. })
    ));
    assert_eq!(catalog.get("acme-rmm").unwrap().name, "Acme RMM");
    assert!(matches!(
        catalog.source("acme-rmm"),
        Some(Source::User { .. })
    ));

    // Bad files are reported and skipped; the built-in IT Glue entry survives its bad override.
    let bad: Vec<String> = catalog
        .problems()
        .iter()
        .map(|p| p.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(bad, ["broken.toml", "itglue.toml"]);
    assert_eq!(
        catalog
            .get("itglue")
            .unwrap()
            .field("region")
            .unwrap()
            .default
            .as_deref(),
        Some("us")
    );
    assert_eq!(catalog.vendors().count(), 31);
}

#[test]
fn every_policy_mark_names_a_tool_its_server_has() {
    let catalog = Catalog::builtin().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tools");
    let mut marked = 0;
    for v in catalog.vendors() {
        let text = std::fs::read_to_string(dir.join(format!("{}.json", v.slug))).unwrap();
        let tools: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
        for pattern in v.policy.confirm.iter().chain(&v.policy.deny) {
            let glob = glob::Pattern::new(pattern).unwrap();
            assert!(
                names.iter().any(|n| glob.matches(n)),
                "{}: `{pattern}` matches none of its server's tools",
                v.slug
            );
            marked += 1;
        }
    }
    assert!(marked >= 30, "{marked}");
}
