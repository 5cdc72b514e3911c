//! Turning HTTP statuses and transport errors into a `ProbeResult` and a message.

use std::error::Error as _;

use super::{Decision, ProbeResult};
use crate::catalog::template;
use crate::catalog::{ProbeStep, Vendor};

pub(super) struct Reply<'a> {
    pub status: u16,
    pub is_json_type: bool,
    pub json: Option<&'a serde_json::Value>,
    pub body: &'a [u8],
    pub location: Option<String>,
}

pub(super) enum Verdict {
    Pass,
    WafPass,
    Fail(Decision),
}

/// A URL for messages: scheme, host, port and path; never the query (it may hold a key).
pub(super) fn display_url(url: &url::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

pub(super) fn display_location(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(u) => display_url(&u),
        Err(_) => location.split('?').next().unwrap_or_default().to_owned(),
    }
}

/// The labels of the plain fields that decide where the API is (those named in the
/// base templates), quoted with their values, e.g. "Platform (`concord`)".
pub(super) fn labels_in<'a>(
    vendor: &Vendor,
    templates: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut keys: Vec<&str> = Vec::new();
    for tpl in templates {
        for r in template::references(tpl).unwrap_or_default() {
            if !keys.contains(&r.name) {
                keys.push(r.name);
            }
        }
    }
    let labels: Vec<String> = keys
        .iter()
        .filter_map(|k| vendor.field(k))
        .filter(|f| !f.secret)
        .map(|f| format!("the {}", f.label))
        .collect();
    join_words(&labels)
}

fn location_fields(vendor: &Vendor) -> String {
    let Some(probe) = &vendor.probe else {
        return String::new();
    };
    labels_in(vendor, probe.base.iter().map(String::as_str))
}

fn secret_labels(vendor: &Vendor) -> String {
    let labels: Vec<String> = vendor
        .fields
        .iter()
        .filter(|f| f.required || f.secret)
        .filter(|f| f.options.is_empty() && f.kind != crate::catalog::FieldKind::Url)
        .map(|f| format!("the {}", f.label))
        .collect();
    join_words(&labels)
}

fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn check_location(vendor: &Vendor) -> String {
    let fields = location_fields(vendor);
    if fields.is_empty() {
        String::new()
    } else {
        format!("; check {fields}")
    }
}

pub(super) fn status(vendor: &Vendor, step: &ProbeStep, shown: &str, reply: &Reply<'_>) -> Verdict {
    let status = reply.status;
    let name = &vendor.name;
    let fail =
        |result, message: String| Verdict::Fail(Decision::new(result, message).with_status(status));
    let is_ok = if step.ok.is_empty() {
        (200..300).contains(&status)
    } else {
        step.ok.contains(&status)
    };

    if is_ok {
        let looks_like_page = !reply.body.is_empty() && reply.json.is_none() && !reply.is_json_type;
        if looks_like_page && is_html(reply.body) {
            return fail(
                ProbeResult::WrongRegionOrUrl,
                format!(
                    "{shown} answered with a web page, not {name}'s API{}",
                    check_location(vendor)
                ),
            );
        }
        return Verdict::Pass;
    }
    if step.waf_ok && status == 403 && reply.json.is_none() {
        return Verdict::WafPass;
    }
    if step.reject.contains(&status) {
        let vendor_says = vendor_error(reply)
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        let mut what = secret_labels(vendor);
        let location = location_fields(vendor);
        if !location.is_empty() {
            what = format!("{what}, and that {location} is right");
        }
        return fail(
            ProbeResult::InvalidCredentials,
            format!(
                "{name} rejected the credentials at the {} (HTTP {status}){vendor_says}; check {what}",
                step.name
            ),
        );
    }
    match status {
        300..=399 => fail(
            ProbeResult::WrongRegionOrUrl,
            format!(
                "{shown} redirects{} instead of answering as {name}'s API{}",
                reply
                    .location
                    .as_deref()
                    .map(|l| format!(" to {l}"))
                    .unwrap_or_default(),
                check_location(vendor)
            ),
        ),
        404 | 405 | 410 => fail(
            ProbeResult::WrongRegionOrUrl,
            format!(
                "{name}'s API is not at {shown} (HTTP {status}){}",
                check_location(vendor)
            ),
        ),
        408 | 429 | 500..=599 => fail(
            ProbeResult::VendorUnreachable,
            format!(
                "{name} could not answer right now (HTTP {status} at the {}); try again in a few minutes",
                step.name
            ),
        ),
        _ => fail(
            ProbeResult::UnexpectedResponse,
            format!(
                "{name} answered the {} with HTTP {status}, which Switchboard does not expect{}",
                step.name,
                vendor_error(reply)
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default()
            ),
        ),
    }
}

fn is_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html")
}

/// A short error text from a JSON error body (`error_description`, `error`, `message`),
/// at most 200 characters. The caller's redactor scrubs it.
fn vendor_error(reply: &Reply<'_>) -> Option<String> {
    let json = reply.json?;
    let text = ["error_description", "message", "error", "Message", "title"]
        .iter()
        .find_map(|k| json.get(*k).and_then(|v| v.as_str()))
        .or_else(|| json.pointer("/errors/0").and_then(|v| v.as_str()))?;
    let text: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
    (!text.trim().is_empty()).then_some(text)
}

/// Classifies a request that got no HTTP answer.
pub(super) fn transport(
    vendor: &Vendor,
    step: &ProbeStep,
    shown: &str,
    e: &reqwest::Error,
) -> Decision {
    let name = &vendor.name;
    let chain = error_chain(e);
    let lower = chain.to_ascii_lowercase();
    let host = url::Url::parse(shown)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    if e.is_timeout() {
        return Decision::new(
            ProbeResult::VendorUnreachable,
            format!("{name} did not answer in time at {shown}"),
        );
    }
    let dns = [
        "dns error",
        "failed to lookup address",
        "name or service not known",
        "no such host",
        "nodename nor servname",
    ];
    if dns.iter().any(|d| lower.contains(d)) {
        let fields = location_fields(vendor);
        return if fields.is_empty() {
            Decision::new(
                ProbeResult::VendorUnreachable,
                format!("cannot find {host}; check your internet connection and DNS"),
            )
        } else {
            Decision::new(
                ProbeResult::WrongRegionOrUrl,
                format!("there is no server named {host}; check {fields}"),
            )
        };
    }
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        return Decision::new(
            ProbeResult::VendorUnreachable,
            format!(
                "could not set up a secure connection to {host} ({}); a proxy or an untrusted certificate may be in the way",
                chain.trim()
            ),
        );
    }
    if e.is_connect() {
        return Decision::new(
            ProbeResult::VendorUnreachable,
            format!("could not connect to {name} at {shown} ({})", chain.trim()),
        );
    }
    Decision::new(
        ProbeResult::VendorUnreachable,
        format!("the {} to {name} failed: {}", step.name, chain.trim()),
    )
}

/// The error and its causes in one line, without the request URL (which may carry
/// a query-string key; the redactor is the second line of defence).
fn error_chain(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    if parts.is_empty() {
        parts.push(if e.is_connect() {
            "connection failed".to_owned()
        } else {
            "request failed".to_owned()
        });
    }
    parts.join(": ")
}
