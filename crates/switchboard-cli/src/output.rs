//! The only module that writes to stdout (and, for errors and prompts, stderr).
//!
//! Human output reads fine without colour; `--json` output is one pretty JSON
//! document. A closed stdout (`switchboard vendors list | head`) ends the process
//! quietly with success.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;

use serde::Serialize;
use switchboard_core::ErrorCode;
use switchboard_core::catalog::LocalLaunch;
use switchboard_core::connection::ConnectReport;
use switchboard_core::doctor::{CheckStatus, DoctorReport};
use switchboard_core::gateway::login::SignedOut;
use switchboard_core::probe::{ProbeOutcome, ProbeResult};
use switchboard_core::status::{Served, StatusReport, TeamView};
use switchboard_core::vault::Removed;
use switchboard_core::view::VendorView;

fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

pub fn json<T: Serialize>(value: &T) {
    let mut text = serde_json::to_string_pretty(value).expect("invariant: views serialize");
    text.push('\n');
    out(&text);
}

pub fn line(text: &str) {
    out(&format!("{text}\n"));
}

/// Text as it is (CSV).
pub fn raw(text: &str) {
    out(text);
}

/// A line on stderr: warnings, progress, prompts.
pub fn note(text: &str) {
    eprintln!("{text}");
}

pub fn error_line(text: &str) {
    eprintln!("error: {text}");
}

/// An error: JSON on stdout with `--json`, else `error:` and `hint:` lines on stderr.
pub fn error(code: ErrorCode, message: &str, hint: Option<&str>, as_json: bool) {
    if as_json {
        json(&serde_json::json!({ "error": { "code": code, "message": message, "hint": hint } }));
    } else {
        eprintln!("error: {message}");
        if let Some(hint) = hint {
            eprintln!("hint: {hint}");
        }
    }
}

pub fn vendor_table(vendors: &[VendorView]) {
    let w_slug = vendors
        .iter()
        .map(|v| v.slug.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let w_name = vendors
        .iter()
        .map(|v| v.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let w_cat = vendors
        .iter()
        .map(|v| v.category.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut text = format!(
        "{:w_slug$}  {:w_name$}  {:w_cat$}  CONNECTED\n",
        "SLUG", "NAME", "CATEGORY"
    );
    for v in vendors {
        let state = match &v.connection {
            None => "no".to_owned(),
            Some(c) => match &c.last_probe {
                Some(p) if p.result == ProbeResult::Ok => "yes".to_owned(),
                Some(p) => format!("yes (last check: {})", p.result),
                None => "yes (unchecked)".to_owned(),
            },
        };
        text.push_str(&format!(
            "{:w_slug$}  {:w_name$}  {:w_cat$}  {state}\n",
            v.slug, v.name, v.category
        ));
    }
    out(&text);
}

pub fn vendor_details(v: &VendorView) {
    let mut t = format!(
        "{} ({}), {}\n{}\n",
        v.name, v.slug, v.category, v.description
    );
    t.push_str(&format!(
        "Docs:    {}\nPlugin:  {}\n",
        v.docs_url, v.companion_plugin
    ));
    match &v.connection {
        None => t.push_str(&format!(
            "Status:  not connected (switchboard connect {})\n",
            v.slug
        )),
        Some(c) => {
            t.push_str(&format!("Status:  connected {}", c.connected_at));
            match &c.last_probe {
                Some(p) => t.push_str(&format!(
                    "; last check {} at {}: {}\n",
                    p.result, p.at, p.message
                )),
                None => t.push_str("; never checked\n"),
            }
        }
    }
    t.push_str("\nFields:\n");
    for f in &v.fields {
        let mut traits = vec![
            if f.secret { "secret" } else { "plain" },
            if f.required { "required" } else { "optional" },
        ];
        let default = f.default.as_deref().map(|d| format!("default {d}"));
        if let Some(d) = &default {
            traits.push(d);
        }
        t.push_str(&format!(
            "  {:<18} {} ({})\n",
            f.key,
            f.label,
            traits.join(", ")
        ));
        if !f.options.is_empty() {
            let opts: Vec<String> = f
                .options
                .iter()
                .map(|o| {
                    format!(
                        "{o} = {}",
                        f.option_labels.get(o).map(String::as_str).unwrap_or(o)
                    )
                })
                .collect();
            t.push_str(&format!("  {:<18} one of: {}\n", "", opts.join("; ")));
        }
        if let Some(c) = &v.connection
            && let Some(value) = c.fields.get(&f.key)
        {
            t.push_str(&format!("  {:<18} current: {value}\n", ""));
        }
        t.push_str(&format!(
            "  {:<18} env {}{}\n",
            "",
            f.env,
            f.header
                .as_deref()
                .map(|h| format!(", header {h}"))
                .unwrap_or_default()
        ));
        if !f.help.is_empty() {
            t.push_str(&format!("  {:<18} {}\n", "", f.help));
        }
    }
    let local = match &v.launch.local {
        LocalLaunch::Npx { package } => format!("npx -y {package}"),
        LocalLaunch::Mcpb { url } => format!("bundle {url}"),
        LocalLaunch::Bundle => "imported bundle".to_owned(),
        LocalLaunch::Command { command, args } => format!("{command} {}", args.join(" ")),
    };
    t.push_str(&format!(
        "\nLaunch:  {local}\nDocker:  {}\n",
        v.launch.docker_image
    ));
    if let Some(note) = &v.launch.note {
        t.push_str(&format!("Note:    {note}\n"));
    }
    out(&t);
}

pub fn probe_outcome(name: &str, outcome: &ProbeOutcome) {
    if outcome.is_ok() {
        line(&format!(
            "ok: {} ({} ms)",
            outcome.message, outcome.elapsed_ms
        ));
    } else {
        line(&format!("failed ({}): {}", outcome.result, outcome.message));
        if outcome.result == ProbeResult::VendorUnreachable {
            line(&format!("{name}'s stored credentials are unchanged."));
        }
    }
}

pub fn connected(name: &str, report: &ConnectReport, store: &str, index_path: &str) {
    match &report.probe {
        Some(p) => line(&format!("ok: {} ({} ms)", p.message, p.elapsed_ms)),
        None => line(&format!("note: {name}'s credentials were not checked")),
    }
    let mut text = format!("Connected {}.", report.slug);
    if !report.stored_secrets.is_empty() {
        text.push_str(&format!(
            " Secrets ({}) are in the {store} under \"{}\".",
            report.stored_secrets.join(", "),
            report.keychain_service
        ));
    }
    if !report.stored_plain.is_empty() {
        text.push_str(&format!(
            " Settings ({}) are in {index_path}.",
            report.stored_plain.join(", ")
        ));
    }
    line(&text);
}

pub fn disconnected(slug: &str, removed: &Removed) {
    if removed.was_indexed || removed.keychain_items > 0 {
        line(&format!(
            "Disconnected {slug}: removed {} keychain item{}.",
            removed.keychain_items,
            if removed.keychain_items == 1 { "" } else { "s" }
        ));
    } else {
        line(&format!("{slug} was not connected; nothing to remove."));
    }
}

pub fn doctor(report: &DoctorReport) {
    let mut t = String::new();
    for c in &report.checks {
        let tag = match c.status {
            CheckStatus::Ok => "ok",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "FAIL",
        };
        t.push_str(&format!("[{tag}] {}: {}\n", c.id, c.message));
        if let Some(h) = &c.hint {
            let label = if c.status == CheckStatus::Ok {
                "tip"
            } else {
                "fix"
            };
            t.push_str(&format!("       {label}: {h}\n"));
        }
    }
    out(&t);
}

/// `switchboard status` as a table.
pub fn status(report: &StatusReport) {
    let daemon = &report.daemon;
    let mut t = if daemon.running {
        format!(
            "Daemon: running (pid {}, up {})\n\n",
            daemon.pid.map_or("?".into(), |p| p.to_string()),
            duration(daemon.uptime_s.unwrap_or(0))
        )
    } else {
        "Daemon: not running (it starts with the first `switchboard bridge`)\n\n".to_owned()
    };
    let rows: Vec<Vec<String>> = report
        .vendors
        .iter()
        .map(|v| {
            vec![
                v.slug.clone(),
                v.state.as_str().to_owned(),
                served(v.served_by).to_owned(),
                v.source.map_or("-", |s| s.as_str()).to_owned(),
                v.pid.map_or("-".into(), |p| p.to_string()),
                v.uptime_s.map_or("-".into(), duration),
                v.restarts.to_string(),
                v.tools.to_string(),
            ]
        })
        .collect();
    t.push_str(&table(
        &[
            "VENDOR", "STATE", "SERVED", "SOURCE", "PID", "UPTIME", "RESTARTS", "TOOLS",
        ],
        &rows,
    ));
    if let Some(g) = &report.gateway {
        t.push_str(&format!(
            "\nTeam gateway: {} ({}){}\n",
            g.endpoint,
            g.state.words(),
            match (&g.account, &g.team) {
                (Some(a), Some(team)) => format!(", signed in as {a} ({team})"),
                (Some(a), None) => format!(", signed in as {a}"),
                _ => String::new(),
            }
        ));
        if let Some(e) = &g.last_error {
            t.push_str(&format!("  {e}\n"));
        }
    }
    for v in &report.vendors {
        if let Some(e) = &v.last_error {
            t.push_str(&format!("\n{}: {e}\n", v.slug));
            let from = v.stderr_tail.len().saturating_sub(5);
            for line in &v.stderr_tail[from..] {
                t.push_str(&format!("  | {line}\n"));
            }
        }
    }
    out(&t);
}

/// Who serves a vendor, as the tables say it.
fn served(by: Option<Served>) -> &'static str {
    match by {
        Some(Served::Local) => "local",
        Some(Served::Gateway) => "gateway",
        None => "-",
    }
}

/// Rows under a header, each column as wide as its widest cell.
fn table(head: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..head.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([head[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let fmt_row = |cells: &mut dyn Iterator<Item = &str>| {
        let mut line = String::new();
        for (i, c) in cells.enumerate() {
            line.push_str(&format!("{:w$}  ", c, w = widths[i]));
        }
        line.trim_end().to_owned() + "\n"
    };
    let mut t = fmt_row(&mut head.iter().copied());
    for r in rows {
        t.push_str(&fmt_row(&mut r.iter().map(String::as_str)));
    }
    t
}

fn duration(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1_000_000.0),
        b if b >= 1_000 => format!("{:.1} kB", b as f64 / 1_000.0),
        b => format!("{b} B"),
    }
}

pub fn built_bundle(file: &switchboard_core::BuiltFile) {
    line(&format!(
        "{}  {}{}  ({} ms)\n  sha256 {}  (also in {})",
        file.path.display(),
        size(file.size),
        if file.signed { ", signed" } else { "" },
        file.elapsed.as_millis(),
        file.sha256,
        file.sidecar.display()
    ));
}

pub fn inspection(path: &std::path::Path, i: &switchboard_core::bundle::inspect::Inspection) {
    use switchboard_core::bundle::inspect::Severity;
    use switchboard_core::bundle::sign::Verdict;
    let mut text = format!("{}\n", path.display());
    text += &format!(
        "  size      {} ({} unpacked, {} files)\n",
        size(i.size),
        size(i.unpacked_size),
        i.files.len()
    );
    text += &format!("  sha256    {}\n", i.sha256);
    if let Some(m) = &i.manifest {
        text += &format!(
            "  bundle    {} {} ({}; manifest {})\n",
            m.display_name.as_deref().unwrap_or(&m.name),
            m.version,
            m.name,
            m.manifest_version
        );
        text += &format!("  author    {}\n", m.author);
        text += &format!("  about     {}\n", m.description);
        let cmd = m.command.as_deref().unwrap_or("?");
        text += &format!(
            "  server    {} `{}{}{}`\n",
            m.server_type.as_str(),
            cmd,
            if m.args.is_empty() { "" } else { " " },
            m.args.join(" ")
        );
        if let Some(p) = &m.platforms {
            text += &format!(
                "  platforms {}\n",
                p.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
            );
        }
        for s in &m.settings {
            text += &format!(
                "  setting   {} ({}){}{}\n",
                s.key,
                s.title,
                if s.required { ", required" } else { "" },
                if s.sensitive { ", secret" } else { "" }
            );
        }
    }
    text += &match &i.signature {
        Verdict::Unsigned => "  signature none\n".to_owned(),
        Verdict::Valid {
            signer,
            signing_time,
            ..
        } => format!(
            "  signature valid: {}{}\n            issuer {}\n            valid {} to {}\n            fingerprint {}{}\n            (trust in the certificate is not checked here; Claude Desktop asks the OS)\n",
            signer.subject,
            if signer.self_signed {
                " (self-signed)"
            } else {
                ""
            },
            signer.issuer,
            signer.not_before,
            signer.not_after,
            signer.fingerprint,
            signing_time
                .as_ref()
                .map(|t| format!("\n            signed {t}"))
                .unwrap_or_default(),
        ),
        Verdict::Invalid { reason, .. } => format!("  signature INVALID: {reason}\n"),
    };
    text += "  files\n";
    for f in &i.files {
        text += &format!(
            "    {:>9}  {}{}\n",
            size(f.size),
            f.path,
            if f.executable { "  (executable)" } else { "" }
        );
    }
    if !i.findings.is_empty() {
        text += "  findings\n";
        for f in &i.findings {
            let tag = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "note",
            };
            text += &format!("    {tag}: {} [{}]\n", f.message, f.code);
        }
    }
    text += if i.ok {
        "  result    usable\n"
    } else {
        "  result    REFUSED: fix the errors above\n"
    };
    out(&text);
}

pub fn imported(i: &switchboard_core::bundle::import::Imported, connected: bool) {
    use switchboard_core::bundle::import::Binding;
    let r = &i.record;
    let mut text = format!(
        "{} {} {} {} ({}, {})\n  unpacked to {}\n",
        if i.replaced { "Replaced" } else { "Imported" },
        r.display_name.as_deref().unwrap_or(&r.name),
        r.version,
        match r.binding {
            Binding::Catalog => format!("as the catalog vendor `{}`", r.slug),
            Binding::Custom => format!("as the new vendor `{}`", r.slug),
        },
        r.signature,
        &r.sha256[..16],
        i.dir.display()
    );
    for s in &i.settings {
        text += &format!(
            "  setting {} ← {}{}\n",
            s.key,
            match (&s.field, &s.default) {
                (Some(f), _) => format!("field `{f}`"),
                (None, Some(d)) => format!("default `{d}`"),
                (None, None) => "nothing (left out)".to_owned(),
            },
            if s.secret { " (keychain)" } else { "" }
        );
    }
    for w in &i.warnings {
        text += &format!("  warning: {w}\n");
    }
    if connected {
        text += &format!(
            "{} is connected: its server now runs from this bundle.\n",
            r.slug
        );
    } else {
        text += &format!(
            "Next: `switchboard connect {}` to give its credentials.\n",
            r.slug
        );
    }
    out(&text);
}

pub fn client_outcome(o: &switchboard_core::clients::Outcome) {
    use switchboard_core::clients::Action;
    let name = o.client.name();
    let path = o.path.display();
    for w in &o.warnings {
        note(&format!("warning: {w}"));
    }
    if o.dry_run {
        if o.diff.is_empty() {
            line(&format!("No change needed in {path}."));
        } else {
            out(&o.diff);
            line("(dry run: nothing was written)");
        }
        return;
    }
    let what = match o.action {
        Action::Added => format!("Added Switchboard to {name} ({path})."),
        Action::Updated => format!("Updated Switchboard's entry in {name} ({path})."),
        Action::Unchanged => format!("Switchboard is already in {name} ({path}); nothing changed."),
        Action::Removed => format!("Removed Switchboard from {name} ({path})."),
        Action::NotInstalled => format!("Switchboard was not in {name} ({path}); nothing changed."),
    };
    line(&what);
    if let Some(b) = &o.backup {
        line(&format!("  the previous file is saved as {}", b.display()));
    }
    if matches!(o.action, Action::Added | Action::Updated | Action::Removed) {
        line(&format!("  restart {name} to load the change."));
    }
}

/// When a Unix time is, from now, in words.
fn expiry(at: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if at <= now {
        format!("expired {} ago", duration(now - at))
    } else {
        format!("in {}", duration(at - now))
    }
}

/// After `login`.
pub fn signed_in(team: &TeamView) {
    let who = match (&team.account, &team.team) {
        (Some(a), Some(t)) => format!("Signed in as {a} ({t})"),
        (Some(a), None) => format!("Signed in as {a}"),
        _ if !team.oauth => "Connected (this gateway needs no sign-in)".to_owned(),
        _ => "Signed in".to_owned(),
    };
    let from_gateway: Vec<&str> = team
        .vendors
        .iter()
        .filter(|v| v.served_by == Served::Gateway)
        .map(|v| v.slug.as_str())
        .collect();
    let mut t = format!("{who} at {}.\n", team.endpoint);
    if from_gateway.is_empty() {
        t.push_str(
            "The gateway's vendors show up once the daemon has listed them (`switchboard team`).\n",
        );
    } else {
        t.push_str(&format!(
            "Served by the team gateway: {}.\n",
            from_gateway.join(", ")
        ));
    }
    out(&t);
}

/// After `logout`.
pub fn signed_out(o: &SignedOut) {
    let mut t = match &o.endpoint {
        Some(e) => format!("Signed out of {e}."),
        None => "Not signed in; nothing to do.".to_owned(),
    };
    if o.endpoint.is_some() {
        t.push_str(&format!(
            " Revoked {} token(s); removed {} keychain item(s).",
            o.revoked, o.keychain_items
        ));
    }
    if let Some(p) = &o.revoke_problem {
        t.push_str(&format!(
            "\nThe gateway was not told ({p}); the tokens are gone from this computer and expire on their own."
        ));
    }
    line(&t);
}

/// `switchboard team`.
pub fn team(v: &TeamView) {
    let mut t = String::new();
    if v.signed_in {
        t.push_str(&format!("Gateway:  {}\n", v.endpoint));
        if v.oauth {
            t.push_str(&format!(
                "Account:  {}\nTeam:     {}\n",
                v.account.as_deref().unwrap_or("(the gateway did not say)"),
                v.team.as_deref().unwrap_or("(the gateway did not say)")
            ));
            if let Some(at) = v.expires_at {
                t.push_str(&format!(
                    "Token:    expires {} (renewed on its own)\n",
                    expiry(at)
                ));
            }
        }
        if let Some(state) = v.state {
            t.push_str(&format!("State:    {}\n", state.words()));
        }
    } else {
        t.push_str(&format!(
            "Not signed in to a team gateway (`switchboard login` signs in to {}).\n",
            v.endpoint
        ));
    }
    if let Some(p) = &v.problem {
        t.push_str(&format!("Problem:  {p}\n"));
    }
    if !v.vendors.is_empty() {
        t.push('\n');
        let rows: Vec<Vec<String>> = v
            .vendors
            .iter()
            .map(|x| {
                vec![
                    x.slug.clone(),
                    x.name.clone(),
                    served(Some(x.served_by)).to_owned(),
                    x.tools.to_string(),
                ]
            })
            .collect();
        t.push_str(&table(&["VENDOR", "NAME", "SERVED", "TOOLS"], &rows));
    }
    out(&t);
}

/// `switchboard team tools`: one line per tool, its name and the first line of its
/// description.
pub fn team_tools(tools: &[serde_json::Value]) {
    let rows: Vec<Vec<String>> = tools
        .iter()
        .map(|tool| {
            let name = tool.get("name").and_then(|n| n.as_str()).unwrap_or("?");
            let about = tool
                .get("description")
                .and_then(|d| d.as_str())
                .and_then(|d| d.lines().next())
                .unwrap_or("");
            vec![name.to_owned(), about.to_owned()]
        })
        .collect();
    if rows.is_empty() {
        line("The gateway offers no tools.");
        return;
    }
    out(&table(&["TOOL", "DESCRIPTION"], &rows));
}

/// A tool's result: its text content as is, other content as JSON.
pub fn tool_result(result: &serde_json::Value) {
    let failed = result.get("isError").and_then(|e| e.as_bool()) == Some(true);
    let content = result
        .get("content")
        .and_then(|c| c.as_array())
        .cloned()
        .unwrap_or_default();
    let mut t = String::new();
    if failed {
        t.push_str("The tool reported an error:\n");
    }
    for item in &content {
        match item.get("text").and_then(|x| x.as_str()) {
            Some(text) if item.get("type").and_then(|x| x.as_str()) == Some("text") => {
                t.push_str(text);
            }
            _ => t.push_str(
                &serde_json::to_string_pretty(item).expect("invariant: JSON values serialize"),
            ),
        }
        t.push('\n');
    }
    if let Some(s) = result.get("structuredContent")
        && content.is_empty()
    {
        t.push_str(&serde_json::to_string_pretty(s).expect("invariant: JSON values serialize"));
        t.push('\n');
    }
    out(&t);
}

/// `plugins list`: the marketplace, then one line per vendor.
pub fn plugins(r: &switchboard_core::PluginsReport) {
    use switchboard_core::plugins::Scope;
    let source = &r.marketplace.source;
    let from = source
        .get("repo")
        .or_else(|| source.get("url"))
        .or_else(|| source.get("path"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    line(&format!(
        "Marketplace {} ({from}){}",
        r.marketplace.name,
        if r.marketplace.public {
            ""
        } else {
            ", set in the settings"
        }
    ));
    for f in &r.files {
        let state = match (&f.problem, f.exists) {
            (Some(p), _) => format!("cannot be read: {p}"),
            (None, true) => "read".to_owned(),
            (None, false) => "not there yet".to_owned(),
        };
        line(&format!(
            "  {} settings: {} ({state})",
            f.scope.label(),
            f.path.display()
        ));
    }
    line("");
    let width = r.plugins.iter().map(|p| p.vendor.len()).max().unwrap_or(6);
    let pwidth = r.plugins.iter().map(|p| p.plugin.len()).max().unwrap_or(6);
    line(&format!(
        "{:width$}  {:pwidth$}  {:9}  ENABLED IN",
        "VENDOR", "PLUGIN", "CONNECTED"
    ));
    for p in &r.plugins {
        let enabled = if p.enabled_in.is_empty() {
            "-".to_owned()
        } else {
            p.enabled_in
                .iter()
                .map(|s| match s {
                    Scope::User => "user".to_owned(),
                    Scope::Project(_) => "project".to_owned(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        line(&format!(
            "{:width$}  {:pwidth$}  {:9}  {enabled}",
            p.vendor,
            p.plugin,
            if p.connected { "yes" } else { "no" }
        ));
    }
}

/// What `plugins enable` or `disable` did.
pub fn plugin_change(c: &switchboard_core::plugins::Change, enabling: bool) {
    for w in &c.warnings {
        note(&format!("warning: {w}"));
    }
    let path = c.path.display();
    if c.dry_run {
        if c.diff.is_empty() {
            line(&format!("No change needed in {path}."));
        } else {
            out(&c.diff);
            line("(dry run: nothing was written)");
        }
        return;
    }
    if c.plugins.is_empty() && !c.marketplace {
        line(&format!(
            "Nothing to change in {path}: {}.",
            if enabling {
                "those plugins are enabled already"
            } else {
                "those plugins were not enabled there"
            }
        ));
        return;
    }
    let verb = if enabling { "Enabled" } else { "Disabled" };
    for id in &c.plugins {
        line(&format!("{verb} {id} in {path}."));
    }
    if c.marketplace {
        line(&format!(
            "  {} the marketplace {} Claude Code's known marketplaces.",
            if enabling { "added" } else { "removed" },
            if enabling { "to" } else { "from" }
        ));
    }
    if let Some(b) = &c.backup {
        line(&format!("  the previous file is saved as {}", b.display()));
    }
    line("  Claude Code picks the change up in its next session (or run /plugin to see it now).");
}

/// `policy list`: a line per tool.
pub fn policies(rows: &[switchboard_core::supervisor::hub::PolicyRow]) {
    if rows.is_empty() {
        line("No tools known yet: connect a vendor, or wait for its server's first listing.");
        return;
    }
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.tool.clone(),
                r.effective.decision.to_string(),
                r.effective.why.to_string(),
            ]
        })
        .collect();
    out(&table(&["TOOL", "POLICY", "WHY"], &rows));
}

/// `approvals`: the calls waiting, with how to answer them.
pub fn approvals(waiting: &[switchboard_core::supervisor::approvals::Waiting]) {
    if waiting.is_empty() {
        line("No call is waiting for your approval.");
        return;
    }
    for w in waiting {
        line(&format!(
            "{}  {}  from {}  since {} (denied after {} s)",
            w.id,
            w.tool,
            w.client.as_deref().unwrap_or("a client"),
            w.since,
            w.timeout_s
        ));
        line(&format!(
            "    arguments: {}",
            serde_json::to_string(&w.arguments).expect("invariant: JSON values serialize")
        ));
    }
    line("Answer with `switchboard approve <id>` or `switchboard deny <id>`.");
}

/// `audit`: a line per call.
pub fn audit(records: &[switchboard_core::audit::Record]) {
    if records.is_empty() {
        line("No calls recorded.");
        return;
    }
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            vec![
                r.time.clone(),
                r.client.clone().unwrap_or_else(|| "-".into()),
                r.tool.clone(),
                match &r.approved_by {
                    Some(by) => format!("{} ({by})", r.decision),
                    None => r.decision.to_string(),
                },
                serde_json::to_value(r.outcome)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                format!("{:.1} ms", r.duration_ms),
                size(r.result_bytes as u64),
            ]
        })
        .collect();
    out(&table(
        &[
            "TIME", "CLIENT", "TOOL", "POLICY", "OUTCOME", "TOOK", "RESULT",
        ],
        &rows,
    ));
}
