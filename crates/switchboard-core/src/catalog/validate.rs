//! The rules a sound vendor entry obeys. Every built-in entry is checked by a test,
//! and user additions and overrides are checked when loaded.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{LocalLaunch, ProbeAuth, ProbeSpec, Vendor};
use super::template;

/// The categories the hosted gateway uses, plus the marketplace's `psa-rmm`.
pub const CATEGORIES: &[&str] = &[
    "psa",
    "rmm",
    "psa-rmm",
    "documentation",
    "security",
    "email-security",
    "backup",
    "bcdr",
    "network",
    "productivity",
    "sales",
    "accounting",
    "crm",
    "marketplace",
    "m365",
    "other",
];

/// Names Switchboard keeps for itself: the team gateway's actor and the prefix of its
/// own tools (`switchboard__search_tools`). No vendor, custom server or bundle takes
/// them.
pub const RESERVED: [&str; 2] = ["gateway", "switchboard"];

pub fn is_reserved(slug: &str) -> bool {
    RESERVED.contains(&slug)
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn is_env(s: &str) -> bool {
    !s.is_empty()
        && !s.as_bytes()[0].is_ascii_digit()
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

fn is_header(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
}

fn is_http_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

/// Checks one vendor entry; returns every problem found, in plain words.
pub fn validate(vendor: &Vendor) -> Vec<String> {
    let mut problems = Vec::new();
    let mut bad = |p: String| problems.push(p);

    if !is_slug(&vendor.slug) {
        bad(format!(
            "slug `{}` must be lower-case words joined by `-`",
            vendor.slug
        ));
    }
    if is_reserved(&vendor.slug) {
        bad(format!(
            "slug `{}` is reserved for Switchboard itself",
            vendor.slug
        ));
    }
    for (what, value) in [
        ("name", &vendor.name),
        ("description", &vendor.description),
        ("companion_plugin", &vendor.companion_plugin),
    ] {
        if value.trim().is_empty() {
            bad(format!("`{what}` is empty"));
        }
    }
    if !CATEGORIES.contains(&vendor.category.as_str()) {
        bad(format!(
            "category `{}` is not one of: {}",
            vendor.category,
            CATEGORIES.join(", ")
        ));
    }
    if !is_http_url(&vendor.docs_url) {
        bad(format!(
            "docs_url `{}` is not an http(s) URL",
            vendor.docs_url
        ));
    }

    validate_fields(vendor).into_iter().for_each(&mut bad);
    validate_launch(vendor, &mut bad);
    if let Some(probe) = &vendor.probe {
        validate_probe(vendor, probe, &mut bad);
    }
    problems
}

/// The rules for a vendor's fields alone: unique keys, env vars and headers, sound
/// defaults and options. Vendors made from imported bundles are held to these only.
pub fn validate_fields(vendor: &Vendor) -> Vec<String> {
    let mut problems = Vec::new();
    let mut bad = |p: String| problems.push(p);
    let mut keys = BTreeSet::new();
    let mut envs = BTreeSet::new();
    let mut headers = BTreeSet::new();
    for field in &vendor.fields {
        let at = format!("field `{}`", field.key);
        if !is_key(&field.key) {
            bad(format!(
                "{at}: key must be lower-case letters, digits and `_`"
            ));
        }
        if !keys.insert(field.key.as_str()) {
            bad(format!("{at}: key is declared twice"));
        }
        if !is_env(&field.env) {
            bad(format!(
                "{at}: env `{}` is not an environment variable name",
                field.env
            ));
        }
        if !envs.insert(field.env.as_str()) {
            bad(format!(
                "{at}: env `{}` is used by another field",
                field.env
            ));
        }
        if field.label.trim().is_empty() {
            bad(format!("{at}: label is empty"));
        }
        if let Some(header) = &field.header {
            if !is_header(header) {
                bad(format!(
                    "{at}: header `{header}` is not a valid header name"
                ));
            }
            if !headers.insert(header.to_ascii_lowercase()) {
                bad(format!("{at}: header `{header}` is used by another field"));
            }
        }
        if field.secret && (field.default.is_some() || !field.options.is_empty()) {
            bad(format!(
                "{at}: a secret field cannot have a default or options"
            ));
        }
        let mut values = BTreeSet::new();
        for option in &field.options {
            if option.value.is_empty() || !values.insert(option.value.as_str()) {
                bad(format!("{at}: option values must be non-empty and unique"));
            }
        }
        if let Some(first) = field.options.first() {
            let attrs: BTreeSet<_> = first.attrs.keys().collect();
            if field
                .options
                .iter()
                .any(|o| o.attrs.keys().collect::<BTreeSet<_>>() != attrs)
            {
                bad(format!("{at}: every option must carry the same attributes"));
            }
        }
        if let Some(default) = &field.default
            && !field.options.is_empty()
            && !values.contains(default.as_str())
        {
            bad(format!(
                "{at}: default `{default}` is not among the options"
            ));
        }
    }

    problems
}

fn validate_launch(vendor: &Vendor, bad: &mut impl FnMut(String)) {
    let launch = &vendor.launch;
    match &launch.local {
        LocalLaunch::Npx { package } if package.trim().is_empty() => {
            bad("launch: npx package is empty".into());
        }
        LocalLaunch::Mcpb { url } if !is_http_url(url) => {
            bad(format!("launch: mcpb url `{url}` is not an http(s) URL"));
        }
        LocalLaunch::Command { command, .. } if command.trim().is_empty() => {
            bad("launch: command is empty".into());
        }
        _ => {}
    }
    if launch.docker_image.trim().is_empty() {
        bad("launch: docker_image is empty".into());
    }
    for key in launch.env.keys() {
        if !is_env(key) {
            bad(format!(
                "launch: env `{key}` is not an environment variable name"
            ));
        }
        if vendor.fields.iter().any(|f| &f.env == key) {
            bad(format!("launch: env `{key}` is also a credential field"));
        }
    }
}

fn validate_probe(vendor: &Vendor, probe: &ProbeSpec, bad: &mut impl FnMut(String)) {
    if let Some(check) = &probe.format_only {
        validate_format_check(vendor, probe, check, bad);
        return;
    }
    if probe.base.is_empty() {
        bad("probe: `base` lists no URL".into());
    }
    if probe.steps.is_empty() {
        bad("probe: no steps".into());
    }
    // Names usable in templates so far: fields, then each step's captures.
    let mut captured: BTreeSet<String> = BTreeSet::new();
    let check = |where_: &str, tpl: &str, captured: &BTreeSet<String>, in_url: bool| {
        let refs = match template::references(tpl) {
            Ok(refs) => refs,
            Err(e) => return vec![format!("probe {where_}: {e}")],
        };
        let mut out = Vec::new();
        for r in refs {
            match (vendor.field(r.name), r.attr) {
                (Some(field), None) => {
                    if in_url && field.secret {
                        out.push(format!(
                            "probe {where_}: secret field {r} may not appear in a URL base or path"
                        ));
                    }
                }
                (Some(field), Some(attr)) => {
                    if field.options.is_empty() || field.options.iter().any(|o| !o.attrs.contains_key(attr)) {
                        out.push(format!(
                            "probe {where_}: {r} names attribute `{attr}`, which field `{}` options do not all have",
                            field.key
                        ));
                    }
                }
                (None, None) if captured.contains(r.name) => {}
                (None, _) => out.push(format!(
                    "probe {where_}: {r} is neither a declared field nor captured by an earlier step"
                )),
            }
        }
        out
    };

    for (i, base) in probe.base.iter().enumerate() {
        for p in check(&format!("base[{i}]"), base, &captured, true) {
            bad(p);
        }
        if !base.starts_with("{") && !is_http_url(&base.replace(['{', '}'], "")) {
            bad(format!("probe base[{i}]: `{base}` is not an http(s) URL"));
        }
    }
    for step in &probe.steps {
        let at = format!("step `{}`", step.name);
        let mut problems = Vec::new();
        if let Some(base) = &step.base {
            problems.extend(check(&format!("{at} base"), base, &captured, true));
        }
        problems.extend(check(&format!("{at} path"), &step.path, &captured, true));
        for (k, v) in step
            .query
            .iter()
            .chain(&step.headers)
            .chain(&step.form)
            .chain(&step.json)
        {
            problems.extend(check(&format!("{at} `{k}`"), v, &captured, false));
        }
        match &step.auth {
            Some(ProbeAuth::Basic([user, pass])) => {
                problems.extend(check(&format!("{at} auth"), user, &captured, false));
                problems.extend(check(&format!("{at} auth"), pass, &captured, false));
            }
            Some(ProbeAuth::Bearer(token)) => {
                problems.extend(check(&format!("{at} auth"), token, &captured, false));
            }
            None => {}
        }
        if let Some(skip) = &step.skip_if
            && vendor.field(skip).is_none()
        {
            problems.push(format!(
                "probe {at}: skip_if names undeclared field `{skip}`"
            ));
        }
        if !step.form.is_empty() && !step.json.is_empty() {
            problems.push(format!("probe {at}: has both a form and a JSON body"));
        }
        for status in step.ok.iter().chain(&step.reject) {
            if !(100..600).contains(status) {
                problems.push(format!("probe {at}: `{status}` is not an HTTP status"));
            }
        }
        for (name, pointer) in step.capture.iter().chain(&step.capture_secret) {
            if !pointer.starts_with('/') {
                problems.push(format!(
                    "probe {at}: capture `{name}` needs a JSON pointer like `/access_token`"
                ));
            }
        }
        problems.into_iter().for_each(&mut *bad);
        captured.extend(step.capture.keys().cloned());
        captured.extend(step.capture_secret.keys().cloned());
    }
}

/// Checks that hold across a whole set of vendors (the built-in catalog):
/// environment variable names are unique across every vendor.
pub fn validate_set<'a>(vendors: impl IntoIterator<Item = &'a Vendor>) -> Vec<String> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut problems = Vec::new();
    for vendor in vendors {
        for field in &vendor.fields {
            if let Some(other) = seen.insert(&field.env, &vendor.slug) {
                problems.push(format!(
                    "env `{}` is declared by both `{other}` and `{}`",
                    field.env, vendor.slug
                ));
            }
        }
    }
    problems
}

fn validate_format_check(
    vendor: &Vendor,
    probe: &ProbeSpec,
    check: &super::model::FormatCheck,
    bad: &mut impl FnMut(String),
) {
    if !probe.base.is_empty() || !probe.steps.is_empty() {
        bad("probe: `format_only` cannot be combined with `base` or `steps`".into());
    }
    if check.reason.trim().is_empty() {
        bad("probe: `format_only.reason` is empty; say why no live call is made".into());
    }
    if check.rules.is_empty() {
        bad("probe: `format_only` has no rules".into());
    }
    for rule in &check.rules {
        let at = format!("probe format rule for `{}`", rule.field);
        if vendor.field(&rule.field).is_none() {
            bad(format!("{at}: no such field"));
        }
        let prefix = rule.prefix.as_deref().unwrap_or_default().chars().count();
        if rule.min_len > rule.max_len || rule.min_len <= prefix {
            bad(format!(
                "{at}: lengths must satisfy prefix < min_len <= max_len"
            ));
        }
    }
}
