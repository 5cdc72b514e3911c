//! `bundle inspect`: what a `.mcpb` holds, whether its signature holds, and what in it
//! deserves a second look. Reading is as careful as importing: the same limits, and
//! nothing is written anywhere.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::archive::{self, ArchiveError, EntryInfo, Limits};
use super::manifest::{BundleFiles, Manifest, Platform, ServerType, UserConfigType};
use super::sign::{self, Layout, Verdict};

/// The largest `.mcpb` we read at all.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// One thing worth knowing, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}

impl Finding {
    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity,
            code,
            message: message.into(),
        }
    }
}

/// A `user_config` option, summarised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting {
    pub key: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: UserConfigType,
    pub required: bool,
    pub sensitive: bool,
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub name: String,
    pub display_name: Option<String>,
    pub version: String,
    pub manifest_version: String,
    pub description: String,
    pub author: String,
    pub server_type: ServerType,
    pub entry_point: String,
    pub command: Option<String>,
    pub args: Vec<String>,
    pub platforms: Option<Vec<Platform>>,
    pub settings: Vec<Setting>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub size: u64,
    pub sha256: String,
    pub manifest: Option<Summary>,
    pub files: Vec<EntryInfo>,
    pub unpacked_size: u64,
    pub signature: Verdict,
    pub findings: Vec<Finding>,
    /// No finding is an error.
    pub ok: bool,
    #[serde(skip)]
    pub parsed: Option<Manifest>,
}

impl Inspection {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }
}

/// File contents kept while reading: small files whole, others by their head.
struct Kept(BTreeMap<String, Vec<u8>>);

impl BundleFiles for Kept {
    fn head(&self, path: &str, n: usize) -> Option<Vec<u8>> {
        self.0.get(path).map(|d| d[..n.min(d.len())].to_vec())
    }
}

/// Inspects a whole `.mcpb` file. `visit` also sees every file's contents (import
/// uses it to unpack in the same pass); inspection alone passes a no-op.
pub fn inspect_with(
    file: &[u8],
    limits: Limits,
    mut visit: impl FnMut(&EntryInfo, &[u8]) -> Result<(), ArchiveError>,
) -> Inspection {
    let mut findings = Vec::new();
    let sha256 = hex::encode(Sha256::digest(file));
    let signature = sign::verify(file);
    let content = match sign::find_block(file) {
        sign::Block::Signed { content, .. } => content,
        _ => file,
    };
    let zip = sign::readable_zip(content);
    let mut kept = Kept(BTreeMap::new());
    let read = archive::read_zip(&zip, limits, |info, data| {
        if info.path == "manifest.json" && info.size > MAX_MANIFEST_BYTES {
            return Err(ArchiveError::Corrupt {
                path: info.path.clone(),
                why: "larger than 1 MiB".into(),
            });
        }
        let keep = if info.path == "manifest.json" {
            data.len()
        } else {
            16
        };
        kept.0
            .insert(info.path.clone(), data[..keep.min(data.len())].to_vec());
        visit(info, data)
    });
    let files = match read {
        Ok(files) => files,
        Err(e) => {
            let code = match &e {
                ArchiveError::NotZip(_) => "not_a_zip",
                ArchiveError::Unsafe(_) => "unsafe_archive",
                ArchiveError::Corrupt { .. } => "damaged_entry",
                ArchiveError::Unsupported { .. } => "unsupported_compression",
                ArchiveError::Io(_) => "unreadable",
            };
            findings.push(Finding::new(Severity::Error, code, e.to_string()));
            return finish(file, sha256, None, Vec::new(), signature, findings, None);
        }
    };
    check_signature(&signature, &mut findings);
    let Some(manifest_bytes) = kept.0.get("manifest.json").cloned() else {
        findings.push(Finding::new(
            Severity::Error,
            "manifest_missing",
            "there is no manifest.json at the top of the bundle",
        ));
        return finish(file, sha256, None, files, signature, findings, None);
    };
    let manifest = match Manifest::parse(&manifest_bytes, &kept) {
        Ok((m, warnings)) => {
            for w in warnings {
                findings.push(Finding::new(Severity::Warning, "manifest_warning", w));
            }
            m
        }
        Err(problems) => {
            for p in problems.0 {
                findings.push(Finding::new(Severity::Error, "manifest_invalid", p));
            }
            return finish(file, sha256, None, files, signature, findings, None);
        }
    };
    check_contents(&manifest, &files, &mut findings);
    let summary = summarize(&manifest);
    finish(
        file,
        sha256,
        Some(summary),
        files,
        signature,
        findings,
        Some(manifest),
    )
}

pub fn inspect(file: &[u8]) -> Inspection {
    inspect_with(file, Limits::default(), |_, _| Ok(()))
}

fn finish(
    file: &[u8],
    sha256: String,
    manifest: Option<Summary>,
    files: Vec<EntryInfo>,
    signature: Verdict,
    mut findings: Vec<Finding>,
    parsed: Option<Manifest>,
) -> Inspection {
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    Inspection {
        size: file.len() as u64,
        sha256,
        manifest,
        unpacked_size: files.iter().map(|f| f.size).sum(),
        files,
        ok: findings.iter().all(|f| f.severity != Severity::Error),
        signature,
        findings,
        parsed,
    }
}

fn check_signature(signature: &Verdict, findings: &mut Vec<Finding>) {
    match signature {
        Verdict::Unsigned => findings.push(Finding::new(
            Severity::Info,
            "unsigned",
            "the bundle is not signed",
        )),
        Verdict::Invalid { reason, .. } => findings.push(Finding::new(
            Severity::Error,
            "signature_invalid",
            format!("the signature does not hold: {reason}"),
        )),
        Verdict::Valid { signer, layout, .. } => {
            if *layout == Layout::Appended {
                findings.push(Finding::new(
                    Severity::Warning,
                    "signature_layout",
                    "signed by `mcpb sign` 2.1.2 or older, which leaves the zip comment length at 0: Claude Desktop refuses to open such files; re-sign with `switchboard bundle build --sign-cert … --sign-key …`",
                ));
            }
            if signer.self_signed {
                findings.push(Finding::new(
                    Severity::Info,
                    "self_signed",
                    format!(
                        "signed with a self-signed certificate ({}); Claude Desktop shows it as unverified",
                        signer.subject
                    ),
                ));
            }
            if !signer.current {
                findings.push(Finding::new(
                    Severity::Warning,
                    "certificate_not_current",
                    format!(
                        "the signing certificate is valid from {} to {}, not now",
                        signer.not_before, signer.not_after
                    ),
                ));
            }
        }
    }
}

fn check_contents(manifest: &Manifest, files: &[EntryInfo], findings: &mut Vec<Finding>) {
    let by_path: BTreeMap<&str, &EntryInfo> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    let entry = manifest.server.entry_point.trim_start_matches("./");
    match by_path.get(entry) {
        None if manifest.server.kind != ServerType::Uv => findings.push(Finding::new(
            Severity::Error,
            "entry_point_missing",
            format!("the entry point `{entry}` is not in the bundle"),
        )),
        Some(f) if manifest.server.kind == ServerType::Binary && !f.executable => {
            findings.push(Finding::new(
                Severity::Warning,
                "entry_point_not_executable",
                format!("`{entry}` is a binary without the executable bit; it will not start on macOS or Linux"),
            ))
        }
        _ => {}
    }
    if let Some(host) = Platform::host()
        && let Some(platforms) = manifest
            .compatibility
            .as_ref()
            .and_then(|c| c.platforms.as_ref())
        && !platforms.contains(&host)
    {
        findings.push(Finding::new(
            Severity::Warning,
            "other_platform",
            format!(
                "made for {}, not for this computer ({})",
                platforms
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                host.as_str()
            ),
        ));
    }
    let Some(config) = &manifest.server.mcp_config else {
        return;
    };
    let settings = manifest.user_config.as_ref();
    for (platform, cfg) in std::iter::once(("", config.clone())).chain(
        config
            .platform_overrides
            .keys()
            .map(|p| (p.as_str(), config.for_platform(p))),
    ) {
        let at = if platform.is_empty() {
            String::new()
        } else {
            format!(" (on {platform})")
        };
        let cmd = cfg.command.as_str();
        let runtime = matches!(
            cmd,
            "node" | "python" | "python3" | "uv" | "uvx" | "npx" | "docker"
        );
        if !cmd.starts_with("${__dirname}") && !runtime {
            findings.push(Finding::new(
                Severity::Warning,
                "command_outside_bundle",
                format!("runs `{cmd}` from the computer, not from the bundle{at}"),
            ));
        }
        for (key, value) in &cfg.env {
            let upper = key.to_ascii_uppercase();
            let secretish = ["KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD"]
                .iter()
                .any(|w| upper.contains(w));
            if secretish && !value.is_empty() && !value.contains("${") {
                findings.push(Finding::new(
                    Severity::Warning,
                    "literal_secret",
                    format!("`{key}` has a fixed value written into the bundle{at}; anyone with the file can read it"),
                ));
            }
        }
        for (key, option) in settings.into_iter().flatten() {
            let placeholder = format!("${{user_config.{key}}}");
            if option.is_sensitive() && cfg.args.iter().any(|a| a.contains(&placeholder)) {
                findings.push(Finding::new(
                    Severity::Warning,
                    "secret_in_arguments",
                    format!("the secret `{key}` is passed on the command line{at}, where other programs can read it; Switchboard refuses to run it that way"),
                ));
            }
            let used = cfg
                .env
                .values()
                .chain(cfg.args.iter())
                .any(|v| v.contains(&placeholder));
            if used && !option.is_required() && option.default.is_none() && platform.is_empty() {
                findings.push(Finding::new(
                    Severity::Info,
                    "optional_placeholder",
                    format!("`{key}` is optional: left blank, Claude Desktop passes the literal `{placeholder}` to the server; Switchboard leaves it out instead"),
                ));
            }
        }
    }
    if manifest.server.kind == ServerType::Uv {
        findings.push(Finding::new(
            Severity::Info,
            "uv_server",
            "a `uv` server: its dependencies are installed by the host at first start",
        ));
    }
}

fn summarize(m: &Manifest) -> Summary {
    let cfg = m.server.mcp_config.as_ref();
    Summary {
        name: m.name.clone(),
        display_name: m.display_name.clone(),
        version: m.version.clone(),
        manifest_version: m.version_str().to_owned(),
        description: m.description.clone(),
        author: m.author.name.clone(),
        server_type: m.server.kind,
        entry_point: m.server.entry_point.clone(),
        command: cfg.map(|c| c.command.clone()),
        args: cfg.map(|c| c.args.clone()).unwrap_or_default(),
        platforms: m.compatibility.as_ref().and_then(|c| c.platforms.clone()),
        settings: m
            .user_config
            .iter()
            .flatten()
            .map(|(key, o)| Setting {
                key: key.clone(),
                title: o.title.clone(),
                kind: o.kind,
                required: o.is_required(),
                sensitive: o.is_sensitive(),
                default: o.default.as_ref().and_then(|d| d.as_text()),
            })
            .collect(),
    }
}
