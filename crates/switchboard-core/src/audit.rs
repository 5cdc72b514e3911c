//! The local audit record: one JSON line per `tools/call` through the daemon.
//!
//! Files are `<logs>/audit/<YYYY-MM-DD>.jsonl` (UTC days); a day's file that passes
//! [`MAX_FILE_BYTES`] continues in `<day>.1.jsonl`, `<day>.2.jsonl`… Files of days
//! older than the retention are deleted when the daemon opens the record and at each
//! new day. Each record is written (one `write` of a whole line, in append mode)
//! before the call's answer goes back, so a daemon that crashes afterwards has it. A
//! write that fails (a full disk) is logged once as a warning; calls go on.
//!
//! Arguments and results are not recorded, only the result's size, unless the
//! settings ask for the arguments; those are then recorded with every value whose
//! name says it is a secret replaced, and any known secret redacted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::code::{Coded, ErrorCode};
use crate::policy::Decision;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    #[error("cannot read the audit record in `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Coded for AuditError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Io
    }
}

/// A day's file continues in the next one past this size.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The vendor answered with a result.
    Ok,
    /// The vendor's tool answered with an error result (`isError`).
    ToolError,
    /// The call failed: a JSON-RPC error, a server that died, a timeout.
    Failed,
    /// The policy denies the tool.
    Denied,
    /// The technician declined it.
    Declined,
    /// Nobody answered the confirmation in time.
    TimedOut,
}

/// One call, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// RFC 3339, UTC, milliseconds (when the call ended).
    pub time: String,
    /// The client's name from its `initialize` (`claude-ai`, `cursor`…).
    #[serde(default)]
    pub client: Option<String>,
    pub vendor: String,
    /// The exposed name, `vendor__tool`.
    pub tool: String,
    pub decision: Decision,
    /// For a confirmed call: who answered (`cli`, `tray`, `window`, `notification`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    pub outcome: Outcome,
    pub duration_ms: f64,
    /// Bytes of the answer's `result` (or `error`) as sent to the client.
    pub result_bytes: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Value>,
}

/// Argument names whose values are never recorded.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "key",
    "credential",
    "authorization",
    "cookie",
    "session",
    "jwt",
    "otp",
    "pin",
];

/// Whether an argument's name says its value is a secret: one of [`SECRET_WORDS`], a
/// name ending in `_<word>`, or one containing a word longer than three letters
/// (`apiKey`, `client_secret`, `x-auth-token`; not `keyboard`).
fn secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace(['-', ' '], "_");
    let squashed = lower.replace('_', "");
    SECRET_WORDS.iter().any(|w| {
        lower == *w
            || lower.ends_with(&format!("_{w}"))
            || (w.len() > 3 && squashed.contains(&w.replace('_', "")))
    })
}

/// `arguments` with every value under a secret-sounding name replaced, at any depth.
pub fn redact_arguments(arguments: &Value) -> Value {
    match arguments {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    if secret_name(k) {
                        (k.clone(), Value::String("[redacted]".into()))
                    } else {
                        (k.clone(), redact_arguments(v))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact_arguments).collect()),
        other => other.clone(),
    }
}

/// The record's directory.
pub fn dir(logs: &Path) -> PathBuf {
    logs.join("audit")
}

/// The writer the daemon keeps.
pub struct AuditLog {
    dir: PathBuf,
    retention_days: u64,
    /// The open file and its day and part.
    open: Mutex<Option<Open>>,
    warned: AtomicBool,
}

struct Open {
    day: String,
    part: u32,
    file: std::fs::File,
    bytes: u64,
}

impl AuditLog {
    /// Opens the record under `logs` and deletes days past `retention_days`.
    pub fn open(logs: &Path, retention_days: u64) -> Self {
        let log = Self {
            dir: dir(logs),
            retention_days,
            open: Mutex::new(None),
            warned: AtomicBool::new(false),
        };
        log.sweep(&today());
        log
    }

    /// Appends `record` (one whole line); a failure is warned about once.
    pub fn append(&self, record: &Record) {
        let mut line = serde_json::to_string(record).expect("invariant: records serialize");
        line.push('\n');
        if let Err(e) = self.write(line.as_bytes(), &record.time) {
            if !self.warned.swap(true, Ordering::Relaxed) {
                tracing::warn!(error = %e, dir = %self.dir.display(), "the audit record cannot be written; calls go on without it");
            }
        } else if self.warned.swap(false, Ordering::Relaxed) {
            tracing::info!("the audit record is written again");
        }
    }

    fn write(&self, line: &[u8], time: &str) -> std::io::Result<()> {
        let day = time.get(..10).unwrap_or("unknown").to_owned();
        let mut open = self.open.lock().expect("audit lock");
        let stale = open.as_ref().is_none_or(|o| o.day != day);
        let full = open
            .as_ref()
            .is_some_and(|o| o.bytes + line.len() as u64 > MAX_FILE_BYTES);
        if stale || full {
            if stale {
                self.sweep(&day);
            }
            let mut part = if stale {
                0
            } else {
                open.as_ref().map_or(0, |o| o.part + 1)
            };
            std::fs::create_dir_all(&self.dir)?;
            // A part that is already full (from before a restart) is skipped.
            let (file, bytes) = loop {
                let path = self.dir.join(file_name(&day, part));
                let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
                if bytes + line.len() as u64 > MAX_FILE_BYTES && bytes > 0 {
                    part += 1;
                    continue;
                }
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)?;
                break (file, bytes);
            };
            *open = Some(Open {
                day,
                part,
                file,
                bytes,
            });
        }
        let o = open.as_mut().expect("opened just above");
        o.file.write_all(line)?;
        o.bytes += line.len() as u64;
        Ok(())
    }

    /// Deletes the files of days older than the retention, counted back from `today`.
    fn sweep(&self, today: &str) {
        let Some(cutoff) = day_before(today, self.retention_days) else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(day) = day_of(&name)
                && day < cutoff.as_str()
            {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

fn file_name(day: &str, part: u32) -> String {
    if part == 0 {
        format!("{day}.jsonl")
    } else {
        format!("{day}.{part}.jsonl")
    }
}

/// The day of a record file's name, if it is one.
fn day_of(name: &str) -> Option<&str> {
    let day = name.get(..10)?;
    let rest = &name[10..];
    let ok = day.len() == 10
        && day.as_bytes()[4] == b'-'
        && day.as_bytes()[7] == b'-'
        && (rest == ".jsonl" || rest.starts_with('.') && rest.ends_with(".jsonl"));
    ok.then_some(day)
}

fn today() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()[..10].to_owned()
}

/// `YYYY-MM-DD` `days` before `day`.
fn day_before(day: &str, days: u64) -> Option<String> {
    let t = humantime::parse_rfc3339(&format!("{day}T00:00:00Z")).ok()?;
    let before = t.checked_sub(Duration::from_secs(days.checked_mul(86_400)?))?;
    // Before 1970 nothing can be older: no cutoff (humantime formats no earlier time).
    before.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(humantime::format_rfc3339_seconds(before).to_string()[..10].to_owned())
}

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Records at or after this RFC 3339 time.
    pub since: Option<String>,
    pub vendor: Option<String>,
}

/// The records under `logs` that match `query`, oldest first. Lines that do not parse
/// (a line cut short by a full disk) are counted in the second value and skipped.
pub fn read(logs: &Path, query: &Query) -> std::io::Result<(Vec<Record>, usize)> {
    let dir = dir(logs);
    let mut files: Vec<(String, u32, PathBuf)> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let day = day_of(&name)?.to_owned();
                let part = name[10..]
                    .trim_start_matches('.')
                    .trim_end_matches(".jsonl")
                    .parse()
                    .unwrap_or(0);
                Some((day, part, e.path()))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    files.sort();
    let since_day = query.since.as_deref().and_then(|s| s.get(..10));
    let mut out = Vec::new();
    let mut bad = 0;
    for (day, _, path) in files {
        if since_day.is_some_and(|s| day.as_str() < s) {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match serde_json::from_str::<Record>(line) {
                Ok(r) => {
                    if query.since.as_deref().is_some_and(|s| r.time.as_str() < s) {
                        continue;
                    }
                    if query.vendor.as_deref().is_some_and(|v| r.vendor != v) {
                        continue;
                    }
                    out.push(r);
                }
                Err(_) => bad += 1,
            }
        }
    }
    Ok((out, bad))
}

/// `--since`: an RFC 3339 time or date, or a duration back from now (`2h`, `7d`).
pub fn parse_since(text: &str) -> Option<String> {
    let text = text.trim();
    if let Ok(d) = humantime::parse_duration(text) {
        let t = SystemTime::now().checked_sub(d)?;
        return Some(humantime::format_rfc3339_millis(t).to_string());
    }
    let full = if text.len() == 10 {
        format!("{text}T00:00:00Z")
    } else {
        text.to_owned()
    };
    let t = humantime::parse_rfc3339_weak(full.trim_end_matches('Z')).ok()?;
    Some(humantime::format_rfc3339_millis(t).to_string())
}

/// The CSV header and one line per record (for `audit --csv`).
pub fn to_csv(records: &[Record]) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = String::from(
        "time,client,vendor,tool,decision,approved_by,outcome,duration_ms,result_bytes\n",
    );
    for r in records {
        let cols = [
            field(&r.time),
            field(r.client.as_deref().unwrap_or("")),
            field(&r.vendor),
            field(&r.tool),
            r.decision.as_str().to_owned(),
            field(r.approved_by.as_deref().unwrap_or("")),
            serde_json::to_value(r.outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            format!("{:.3}", r.duration_ms),
            r.result_bytes.to_string(),
        ];
        out.push_str(&cols.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record(time: &str, vendor: &str) -> Record {
        Record {
            time: time.into(),
            client: Some("claude-ai".into()),
            vendor: vendor.into(),
            tool: format!("{vendor}__x"),
            decision: Decision::Allow,
            approved_by: None,
            outcome: Outcome::Ok,
            duration_ms: 1.5,
            result_bytes: 10,
            arguments: None,
        }
    }

    #[test]
    fn records_go_to_day_files_and_read_back_filtered() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path(), 100_000);
        log.append(&record("2026-12-05T10:00:00.000Z", "hudu"));
        log.append(&record("2026-12-06T09:00:00.000Z", "hudu"));
        log.append(&record("2026-12-06T10:00:00.000Z", "syncro"));
        assert!(dir.path().join("audit/2026-12-05.jsonl").exists());
        let (all, bad) = read(dir.path(), &Query::default()).unwrap();
        assert_eq!((all.len(), bad), (3, 0));
        let q = Query {
            since: Some("2026-12-06T09:30:00.000Z".into()),
            vendor: None,
        };
        assert_eq!(read(dir.path(), &q).unwrap().0[0].vendor, "syncro");
        let q = Query {
            since: None,
            vendor: Some("hudu".into()),
        };
        assert_eq!(read(dir.path(), &q).unwrap().0.len(), 2);
        // A cut line is skipped and counted.
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join("audit/2026-12-06.jsonl"))
            .unwrap()
            .write_all(b"{\"time\": \"2026-12-06T11")
            .unwrap();
        assert_eq!(read(dir.path(), &Query::default()).unwrap().1, 1);
    }

    #[test]
    fn old_days_are_swept_and_a_full_file_continues_in_the_next_part() {
        let dir = tempfile::tempdir().unwrap();
        let audit = dir.path().join("audit");
        std::fs::create_dir_all(&audit).unwrap();
        std::fs::write(audit.join("2000-01-01.jsonl"), "{}\n").unwrap();
        std::fs::write(audit.join("notes.txt"), "keep").unwrap();
        let log = AuditLog::open(dir.path(), 90);
        assert!(!audit.join("2000-01-01.jsonl").exists());
        assert!(audit.join("notes.txt").exists());
        let big = audit.join("2026-12-06.jsonl");
        std::fs::write(&big, vec![b' '; MAX_FILE_BYTES as usize]).unwrap();
        log.append(&record("2026-12-06T10:00:00.000Z", "hudu"));
        assert!(audit.join("2026-12-06.1.jsonl").exists());
        assert_eq!(std::fs::metadata(&big).unwrap().len(), MAX_FILE_BYTES);
    }

    #[test]
    fn secret_sounding_arguments_are_redacted_at_any_depth() {
        let args = json!({
            "deviceId": 42,
            "password": "hunter2",
            "nested": {"apiKey": "k", "note": "fine", "list": [{"client_secret": "s"}]},
            "keyboard_layout": "us"
        });
        let r = redact_arguments(&args);
        assert_eq!(r["deviceId"], 42);
        assert_eq!(r["password"], "[redacted]");
        assert_eq!(r["nested"]["apiKey"], "[redacted]");
        assert_eq!(r["nested"]["note"], "fine");
        assert_eq!(r["nested"]["list"][0]["client_secret"], "[redacted]");
        assert!(!r.to_string().contains("hunter2"));
    }

    #[test]
    fn since_takes_a_duration_a_date_or_a_time() {
        assert!(parse_since("2h").is_some());
        assert_eq!(
            parse_since("2026-12-01").as_deref(),
            Some("2026-12-01T00:00:00.000Z")
        );
        assert_eq!(
            parse_since("2026-12-01T10:00:00Z").as_deref(),
            Some("2026-12-01T10:00:00.000Z")
        );
        assert!(parse_since("yesterday-ish").is_none());
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let mut r = record("2026-12-06T10:00:00.000Z", "hudu");
        r.client = Some("a, \"b\"".into());
        let csv = to_csv(&[r]);
        assert!(csv.starts_with("time,client,vendor"));
        assert!(csv.contains("\"a, \"\"b\"\"\""), "{csv}");
    }

    #[test]
    fn a_record_that_cannot_be_written_costs_a_warning_not_a_call() {
        let dir = tempfile::tempdir().unwrap();
        // `audit` is a file, so the directory cannot be made: every write fails.
        std::fs::write(dir.path().join("audit"), "not a directory").unwrap();
        let log = AuditLog::open(dir.path(), 90);
        log.append(&record("2026-12-06T10:00:00.000Z", "hudu"));
        log.append(&record("2026-12-06T10:00:01.000Z", "hudu"));
        assert!(log.warned.load(Ordering::Relaxed));
        // Once it can write again, it does.
        std::fs::remove_file(dir.path().join("audit")).unwrap();
        log.append(&record("2026-12-06T10:00:02.000Z", "hudu"));
        assert!(!log.warned.load(Ordering::Relaxed));
        assert_eq!(read(dir.path(), &Query::default()).unwrap().0.len(), 1);
    }
}
