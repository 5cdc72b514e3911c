//! Rendering a probe step's templates from credentials and captured values.

use std::collections::BTreeMap;

use super::{Prepared, PreparedAuth};
use crate::catalog::template::{self, Segment};
use crate::catalog::{ProbeAuth, ProbeStep, Vendor};
use crate::code::{Coded, ErrorCode};
use crate::credentials::Credentials;
use crate::secret::Secret;

/// Why a probe step could not be filled in from the credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Template(#[from] template::TemplateError),
    #[error("`{}` is not set", .0.join("`, `"))]
    Unset(Vec<String>),
    #[error("`{0}` is not a valid URL")]
    BadUrl(String),
    #[error("`{0}` is not an http(s) URL")]
    NotHttp(String),
}

impl Coded for RenderError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Template(e) => e.code(),
            _ => ErrorCode::InvalidField,
        }
    }
}

pub(super) struct Vars<'a> {
    pub vendor: &'a Vendor,
    pub creds: &'a Credentials,
    pub captured_plain: &'a BTreeMap<String, String>,
    pub captured_secret: &'a BTreeMap<String, Secret<String>>,
}

impl Vars<'_> {
    fn lookup(&self, name: &str, attr: Option<&str>) -> Option<String> {
        if attr.is_none() {
            if let Some(v) = self.captured_secret.get(name) {
                return Some(v.expose().clone());
            }
            if let Some(v) = self.captured_plain.get(name) {
                return Some(v.clone());
            }
        }
        let value = self.creds.value(name)?;
        match attr {
            None => Some(value.to_owned()),
            Some(attr) => self
                .vendor
                .field(name)?
                .options
                .iter()
                .find(|o| o.value == value)?
                .attrs
                .get(attr)
                .cloned(),
        }
    }

    fn names_captured(&self, tpl: &str) -> Result<bool, RenderError> {
        Ok(template::references(tpl)?.iter().any(|r| {
            r.attr.is_none()
                && (self.captured_plain.contains_key(r.name)
                    || self.captured_secret.contains_key(r.name))
        }))
    }

    /// `Ok(None)` when the template names a value that is not set.
    pub fn render(&self, tpl: &str) -> Result<Option<String>, RenderError> {
        let mut out = String::new();
        for seg in template::parse(tpl)? {
            match seg {
                Segment::Literal(l) => out.push_str(l),
                Segment::Var(v) => match self.lookup(v.name, v.attr) {
                    Some(value) => out.push_str(&value),
                    None => return Ok(None),
                },
            }
        }
        Ok(Some(out))
    }

    fn required(&self, tpl: &str) -> Result<Secret<String>, RenderError> {
        match self.render(tpl)? {
            Some(v) => Ok(Secret::new(v)),
            None => {
                let names: Vec<String> = template::references(tpl)?
                    .iter()
                    .filter(|r| self.lookup(r.name, r.attr).is_none())
                    .map(|r| r.name.to_owned())
                    .collect();
                Err(RenderError::Unset(names))
            }
        }
    }

    /// Renders an optional map: entries naming unset values are left out.
    fn optional_map(
        &self,
        map: &BTreeMap<String, String>,
    ) -> Result<Vec<(String, Secret<String>)>, RenderError> {
        let mut out = Vec::new();
        for (k, tpl) in map {
            if let Some(v) = self.render(tpl)? {
                out.push((k.clone(), Secret::new(v)));
            }
        }
        Ok(out)
    }

    /// Renders `step`. With `overridden`, a step base made only of literals and fields
    /// (a token host) is replaced by `probe_base` as well; one built from a captured
    /// value (a zone URL the vendor named) is kept.
    pub fn prepare(
        &self,
        probe_base: &str,
        step: &ProbeStep,
        overridden: bool,
    ) -> Result<Prepared, RenderError> {
        let base = match &step.base {
            Some(tpl) if !overridden || self.names_captured(tpl)? => {
                self.required(tpl)?.expose().clone()
            }
            _ => probe_base.to_owned(),
        };
        let path = self.required(&step.path)?.expose().clone();
        let joined = format!(
            "{}/{}",
            base.trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        let mut url = url::Url::parse(&joined).map_err(|_| RenderError::BadUrl(base.clone()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(RenderError::NotHttp(base));
        }
        let query = self.optional_map(&step.query)?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &query {
                pairs.append_pair(k, v.expose());
            }
        }
        let auth = match &step.auth {
            Some(ProbeAuth::Basic([user, pass])) => Some(PreparedAuth::Basic(
                self.required(user)?,
                self.required(pass)?,
            )),
            Some(ProbeAuth::Bearer(token)) => Some(PreparedAuth::Bearer(self.required(token)?)),
            None => None,
        };
        Ok(Prepared {
            url,
            headers: self.optional_map(&step.headers)?,
            auth,
            form: self.optional_map(&step.form)?,
            json: self.optional_map(&step.json)?,
        })
    }
}
