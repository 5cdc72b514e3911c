//! `{name}` and `{name.attr}` placeholders in probe URLs, headers and bodies; `{{`
//! and `}}` stand for literal braces (a GraphQL query in a JSON body).
//!
//! Parsing is separate from rendering so that catalog validation can check every
//! placeholder names a declared field without rendering anything.

use std::fmt;

use crate::code::{Coded, ErrorCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    Literal(&'a str),
    Var(VarRef<'a>),
}

/// A placeholder: a field key or captured variable, and optionally an attribute of
/// the selected option (`{region.host}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VarRef<'a> {
    pub name: &'a str,
    pub attr: Option<&'a str>,
}

impl fmt::Display for VarRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.attr {
            Some(attr) => write!(f, "{{{}.{attr}}}", self.name),
            None => write!(f, "{{{}}}", self.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template `{template}`: {problem}")]
pub struct TemplateError {
    pub template: String,
    pub problem: String,
}

impl Coded for TemplateError {
    fn code(&self) -> ErrorCode {
        ErrorCode::CatalogInvalid
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

pub fn parse(template: &str) -> Result<Vec<Segment<'_>>, TemplateError> {
    let err = |problem: &str| TemplateError {
        template: template.to_owned(),
        problem: problem.to_owned(),
    };
    let mut segments = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                segments.push(Segment::Literal(rest));
                break;
            }
            Some(i) if rest[i..].starts_with("{{") || rest[i..].starts_with("}}") => {
                segments.push(Segment::Literal(&rest[..=i]));
                rest = &rest[i + 2..];
            }
            Some(i) if rest.as_bytes()[i] == b'}' => return Err(err("unmatched `}`")),
            Some(i) => {
                if i > 0 {
                    segments.push(Segment::Literal(&rest[..i]));
                }
                let after = &rest[i + 1..];
                let end = after.find('}').ok_or_else(|| err("unclosed `{`"))?;
                let inner = &after[..end];
                let (name, attr) = match inner.split_once('.') {
                    Some((n, a)) => (n, Some(a)),
                    None => (inner, None),
                };
                if !is_name(name) || attr.is_some_and(|a| !is_name(a)) {
                    return Err(err(&format!("`{{{inner}}}` is not a valid placeholder")));
                }
                segments.push(Segment::Var(VarRef { name, attr }));
                rest = &after[end + 1..];
            }
        }
    }
    Ok(segments)
}

/// Every placeholder in a template.
pub fn references(template: &str) -> Result<Vec<VarRef<'_>>, TemplateError> {
    Ok(parse(template)?
        .into_iter()
        .filter_map(|s| match s {
            Segment::Var(v) => Some(v),
            Segment::Literal(_) => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_literals_vars_and_attrs() {
        let segs = parse("https://{region.host}/x/{id}?a=b").unwrap();
        assert_eq!(
            segs,
            vec![
                Segment::Literal("https://"),
                Segment::Var(VarRef {
                    name: "region",
                    attr: Some("host")
                }),
                Segment::Literal("/x/"),
                Segment::Var(VarRef {
                    name: "id",
                    attr: None
                }),
                Segment::Literal("?a=b"),
            ]
        );
    }

    #[test]
    fn rejects_broken_templates() {
        for bad in ["{", "}", "{a", "a}", "{}", "{a.}", "{a b}", "{a.b.c}"] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn doubled_braces_are_literal() {
        let segs = parse("{{ clients(first: 1) {{ id }} }} {x}").unwrap();
        let text: String = segs
            .iter()
            .map(|s| match s {
                Segment::Literal(l) => (*l).to_owned(),
                Segment::Var(v) => format!("<{}>", v.name),
            })
            .collect();
        assert_eq!(text, "{ clients(first: 1) { id } } <x>");
    }

    #[test]
    fn names_may_start_with_a_digit() {
        assert_eq!(references("{2fa_code}").unwrap()[0].name, "2fa_code");
    }
}
