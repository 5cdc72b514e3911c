//! `switchboard connect|test|disconnect`.

use std::collections::BTreeMap;
use std::io::Read;

use serde::Serialize;
use switchboard_core::connection::{self, FieldInput, Stage};
use switchboard_core::probe::ProbeOutcome;
use switchboard_core::secret::Secret;
use switchboard_core::{Error, ErrorCode, Switchboard};

use super::{CmdResult, Failure};
use crate::cli::ConnectArgs;
use crate::{exit, output, prompt};

pub async fn connect(sb: &Switchboard, args: ConnectArgs, json: bool) -> CmdResult {
    let vendor = sb.catalog().get(&args.slug).map_err(Error::from)?;
    let mut input = FieldInput {
        argv: args.fields.into_iter().collect(),
        private: BTreeMap::new(),
    };
    if args.stdin {
        input.private = read_stdin_json()?;
    } else if prompt::interactive() {
        let guided = input.is_empty();
        for field in connection::fields_to_prompt(vendor, &input, guided) {
            let value = prompt::ask(field)
                .map_err(|e| Failure::usage(format!("cannot read from the terminal: {e}"), None))?;
            if let Some(value) = value {
                input.private.insert(field.key.clone(), value);
            }
        }
    }
    let progress = |stage: Stage<'_>| {
        if let (false, Stage::Probing { vendor }) = (json, stage) {
            output::note(&format!("Checking the credentials with {}…", vendor.name));
        }
    };
    let report = sb.connect(&args.slug, input, !args.no_test, progress).await.map_err(|e| {
        let mut f = Failure::from(e);
        if f.code == ErrorCode::InvalidField && !args.stdin && !prompt::interactive() {
            f.hint = Some(format!(
                "not in a terminal, so nothing was asked; pass plain values with `--field key=value` and secrets as JSON with `--stdin` (`switchboard vendors show {}` lists the fields)",
                args.slug
            ));
        }
        f
    })?;
    if json {
        output::json(&report);
    } else {
        output::connected(
            &vendor.name,
            &report,
            &sb.vault().store_name(),
            &sb.paths().connections_file().display().to_string(),
        );
    }
    Ok(exit::OK)
}

/// `--stdin`: one JSON object of field values. Strings, numbers and booleans are taken
/// as text. The values are not echoed in any error.
pub fn read_stdin_json() -> Result<BTreeMap<String, Secret<String>>, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::usage(format!("cannot read stdin: {e}"), None))?;
    let text = Secret::new(text);
    let hint = Some(r#"give one JSON object, e.g. {"api_key": "…", "region": "eu"}"#.to_owned());
    let value: serde_json::Value = serde_json::from_str(text.expose()).map_err(|e| {
        Failure::usage(
            format!(
                "stdin is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
            hint.clone(),
        )
    })?;
    let serde_json::Value::Object(map) = value else {
        return Err(Failure::usage(
            "stdin must hold a JSON object of field values",
            hint,
        ));
    };
    let mut values = BTreeMap::new();
    for (key, v) in map {
        let text = match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Null => continue,
            _ => return Err(Failure::usage(format!("`{key}` must be a string"), hint)),
        };
        values.insert(key, Secret::new(text));
    }
    Ok(values)
}

#[derive(Serialize)]
struct TestJson<'a> {
    slug: &'a str,
    ok: bool,
    result: &'a str,
    message: &'a str,
    status: Option<u16>,
    step: Option<&'a str>,
    elapsed_ms: u64,
}

pub async fn test(sb: &Switchboard, slug: &str, json: bool) -> CmdResult {
    let vendor = sb.catalog().get(slug).map_err(Error::from)?;
    let outcome: ProbeOutcome = sb.test(slug).await?;
    if json {
        output::json(&TestJson {
            slug,
            ok: outcome.is_ok(),
            result: outcome.result.as_str(),
            message: &outcome.message,
            status: outcome.status,
            step: outcome.step.as_deref(),
            elapsed_ms: outcome.elapsed_ms,
        });
    } else {
        output::probe_outcome(&vendor.name, &outcome);
    }
    Ok(if outcome.is_ok() {
        exit::OK
    } else {
        exit::PROBE_FAILED
    })
}

pub async fn disconnect(sb: &Switchboard, slug: &str, json: bool) -> CmdResult {
    let removed = sb.disconnect(slug).await?;
    if json {
        output::json(&serde_json::json!({
            "slug": slug,
            "was_connected": removed.was_indexed,
            "keychain_items_removed": removed.keychain_items,
        }));
    } else {
        output::disconnected(slug, &removed);
    }
    Ok(exit::OK)
}
