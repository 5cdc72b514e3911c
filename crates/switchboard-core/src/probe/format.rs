//! The labelled format check, for vendors that document no cheap authenticated call:
//! each rule's field must have the credential's shape. Nothing leaves the machine, and
//! every message begins by saying so; a value is never quoted.

use super::{Decision, ProbeResult};
use crate::catalog::{FormatCheck, FormatRule, Vendor};
use crate::credentials::Credentials;

/// What every message of a format check begins with.
pub const LABEL: &str = "Format check only";

pub(super) fn check(vendor: &Vendor, creds: &Credentials, spec: &FormatCheck) -> Decision {
    let name = &vendor.name;
    for rule in &spec.rules {
        let label = vendor
            .field(&rule.field)
            .map_or(rule.field.as_str(), |f| f.label.as_str());
        let value = creds.value(&rule.field).map(str::trim).unwrap_or_default();
        if let Some(problem) = problem(rule, value) {
            return Decision::new(
                ProbeResult::InvalidCredentials,
                format!(
                    "{LABEL} (nothing was sent to {name}): the {label} {problem}. {}",
                    spec.reason
                ),
            );
        }
    }
    let labels: Vec<&str> = spec
        .rules
        .iter()
        .map(|r| {
            vendor
                .field(&r.field)
                .map_or(r.field.as_str(), |f| f.label.as_str())
        })
        .collect();
    Decision::new(
        ProbeResult::Ok,
        format!(
            "{LABEL} (nothing was sent to {name}): the {} {} the expected shape, but {name} has not confirmed {}. {}",
            labels.join(" and the "),
            if labels.len() == 1 { "has" } else { "have" },
            if labels.len() == 1 { "it" } else { "them" },
            spec.reason
        ),
    )
}

/// Why `value` does not fit `rule`, in words that never repeat the value.
fn problem(rule: &FormatRule, value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("is not set".into());
    }
    let len = value.chars().count();
    if let Some(prefix) = &rule.prefix
        && !value.starts_with(prefix.as_str())
    {
        return Some(format!("should start with `{prefix}`"));
    }
    if len < rule.min_len || len > rule.max_len {
        return Some(if rule.min_len == rule.max_len {
            format!("should be {} characters long, and is {len}", rule.min_len)
        } else {
            format!(
                "should be {} to {} characters long, and is {len}",
                rule.min_len, rule.max_len
            )
        });
    }
    let body = rule.prefix.as_deref().map_or(value, |p| &value[p.len()..]);
    if !rule.charset.matches(body) {
        return Some(format!("should consist of {}", rule.charset.describe()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Charset;

    fn rule(prefix: Option<&str>, min: usize, max: usize, charset: Charset) -> FormatRule {
        FormatRule {
            field: "api_key".into(),
            prefix: prefix.map(str::to_owned),
            min_len: min,
            max_len: max,
            charset,
        }
    }

    #[test]
    fn each_broken_shape_is_named_without_the_value() {
        let r = rule(Some("sk_"), 10, 12, Charset::Alnum);
        assert_eq!(problem(&r, "sk_abc12345"), None);
        assert_eq!(problem(&r, ""), Some("is not set".into()));
        assert_eq!(
            problem(&r, "pk_abc12345"),
            Some("should start with `sk_`".into())
        );
        let long = problem(&r, "sk_abc1234567890").unwrap();
        assert!(long.contains("10 to 12") && long.contains("16"), "{long}");
        assert!(!long.contains("abc"));
        assert_eq!(
            problem(&r, "sk_abc-2345"),
            Some("should consist of letters and digits".into())
        );
        let u = rule(None, 36, 36, Charset::Uuid);
        assert_eq!(problem(&u, "0f8fad5b-d9cb-469f-a165-70867728950e"), None);
        assert!(problem(&u, "0f8fad5b-d9cb-469f-a165-70867728950z").is_some());
        let b = rule(None, 4, 64, Charset::Base64);
        assert_eq!(problem(&b, "aGVsbG8gd29ybGQ="), None);
        assert!(problem(&b, "aGVs=bG8").is_some());
    }
}
