//! The vendor catalog: built-in entries compiled from `bundles/`, plus the user's own
//! entries and overrides from `<config>/vendors/<slug>.toml`.
//!
//! A user file whose slug is built in is a partial override, deep-merged onto the
//! built-in entry (fields merge by `key`). Any other user file is a whole new entry.
//! A user file that does not parse or validate is skipped and reported, never fatal:
//! one bad file must not take the other vendors away.

pub mod model;
pub mod template;
pub mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use model::{
    Charset, Field, FieldKind, FieldOption, FormatCheck, FormatRule, HttpMethod, Launch,
    LocalLaunch, ProbeAuth, ProbeSpec, ProbeStep, Vendor,
};

use crate::code::{Coded, ErrorCode, Surface};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_vendors.rs"));
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    #[error("no vendor `{slug}` in the catalog")]
    UnknownVendor {
        slug: String,
        suggestions: Vec<String>,
    },
    #[error("built-in vendor `{slug}` is invalid: {problems}")]
    BuiltinInvalid { slug: String, problems: String },
}

impl Coded for CatalogError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::UnknownVendor { .. } => ErrorCode::UnknownVendor,
            Self::BuiltinInvalid { .. } => ErrorCode::CatalogInvalid,
        }
    }

    fn hint_for(&self, surface: Surface) -> Option<String> {
        let Self::UnknownVendor { suggestions, .. } = self else {
            return None;
        };
        let every = match surface {
            Surface::Cli => "`switchboard vendors list` shows every vendor",
            Surface::Window => "the Vendors page shows every vendor",
        };
        Some(if suggestions.is_empty() {
            every.to_owned()
        } else {
            format!(
                "did you mean {}? {every}",
                suggestions
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        })
    }
}

/// Where an entry came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    Builtin,
    /// A built-in entry changed by a user file.
    Override {
        path: PathBuf,
    },
    /// An entry that exists only in a user file.
    User {
        path: PathBuf,
    },
    /// A custom server from `config.toml` (`switchboard servers add`).
    Custom,
    /// A vendor made from an imported `.mcpb` (`switchboard bundle import`).
    Bundle,
}

/// A user catalog file that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CatalogProblem {
    pub path: PathBuf,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    vendors: BTreeMap<String, (Vendor, Source)>,
    problems: Vec<CatalogProblem>,
}

impl Catalog {
    /// The built-in entries only.
    pub fn builtin() -> Result<Self, CatalogError> {
        let mut vendors = BTreeMap::new();
        for (folder, text) in builtin::BUILTIN_VENDORS {
            let table: toml::Table =
                toml::from_str(text).map_err(|e| CatalogError::BuiltinInvalid {
                    slug: (*folder).to_owned(),
                    problems: e.to_string(),
                })?;
            let vendor = parse_vendor(table).map_err(|problems| CatalogError::BuiltinInvalid {
                slug: (*folder).to_owned(),
                problems: problems.join("; "),
            })?;
            if vendor.slug != *folder {
                return Err(CatalogError::BuiltinInvalid {
                    slug: (*folder).to_owned(),
                    problems: format!("slug `{}` does not match its folder", vendor.slug),
                });
            }
            vendors.insert(vendor.slug.clone(), (vendor, Source::Builtin));
        }
        Ok(Self {
            vendors,
            problems: Vec::new(),
        })
    }

    /// Built-in entries plus the user's files in `user_dir` (which may not exist).
    pub fn load(user_dir: &Path) -> Result<Self, CatalogError> {
        let mut catalog = Self::builtin()?;
        let Ok(dir) = fs_err::read_dir(user_dir) else {
            return Ok(catalog);
        };
        let mut files: Vec<PathBuf> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for path in files {
            if let Err(problems) = catalog.add_user_file(&path) {
                tracing::warn!(path = %path.display(), ?problems, "skipping user catalog file");
                catalog.problems.push(CatalogProblem { path, problems });
            }
        }
        Ok(catalog)
    }

    fn add_user_file(&mut self, path: &Path) -> Result<(), Vec<String>> {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let text = fs_err::read_to_string(path).map_err(|e| vec![e.to_string()])?;
        let mut table: toml::Table = toml::from_str(&text).map_err(|e| vec![e.to_string()])?;
        match table.get("slug") {
            None => {
                table.insert("slug".into(), toml::Value::String(stem.clone()));
            }
            Some(toml::Value::String(slug)) if *slug == stem => {}
            Some(other) => {
                return Err(vec![format!(
                    "slug {other} does not match the file name `{stem}.toml`"
                )]);
            }
        }
        let (merged, source) = match builtin::BUILTIN_VENDORS.iter().find(|(s, _)| *s == stem) {
            Some((_, builtin_text)) => {
                let mut base: toml::Table =
                    toml::from_str(builtin_text).expect("invariant: built-in entries parse");
                merge(&mut base, table);
                (
                    base,
                    Source::Override {
                        path: path.to_owned(),
                    },
                )
            }
            None => (
                table,
                Source::User {
                    path: path.to_owned(),
                },
            ),
        };
        let vendor = parse_vendor(merged)?;
        self.vendors.insert(vendor.slug.clone(), (vendor, source));
        Ok(())
    }

    /// Adds an entry from another source (a custom server, an imported bundle), or
    /// replaces one from the same source. A slug another source holds is left alone:
    /// the error is that source.
    pub fn insert(&mut self, vendor: Vendor, source: Source) -> Result<(), &Source> {
        let taken = self
            .vendors
            .get(&vendor.slug)
            .is_some_and(|(_, held)| *held != source);
        if taken {
            return Err(&self.vendors[&vendor.slug].1);
        }
        self.vendors.insert(vendor.slug.clone(), (vendor, source));
        Ok(())
    }

    /// A vendor's fields as an MSP's preset is checked against them; `None` for a
    /// vendor it does not have.
    pub fn fields_of(&self, slug: &str) -> Option<Vec<crate::preset::FieldFacts>> {
        self.vendors.get(slug).map(|(v, _)| {
            v.fields
                .iter()
                .map(|f| crate::preset::FieldFacts {
                    key: f.key.clone(),
                    secret: f.secret,
                    options: f.options.iter().map(|o| o.value.clone()).collect(),
                })
                .collect()
        })
    }

    /// Makes `value` the default of a vendor's plain field (an MSP's preset). `false`
    /// when there is no such plain field.
    pub fn set_default(&mut self, slug: &str, key: &str, value: &str) -> bool {
        let Some((vendor, _)) = self.vendors.get_mut(slug) else {
            return false;
        };
        match vendor.fields.iter_mut().find(|f| f.key == key && !f.secret) {
            Some(field) => {
                field.default = Some(value.to_owned());
                true
            }
            None => false,
        }
    }

    pub fn get(&self, slug: &str) -> Result<&Vendor, CatalogError> {
        self.vendors
            .get(slug)
            .map(|(v, _)| v)
            .ok_or_else(|| CatalogError::UnknownVendor {
                slug: slug.to_owned(),
                suggestions: self.suggest(slug),
            })
    }

    pub fn source(&self, slug: &str) -> Option<&Source> {
        self.vendors.get(slug).map(|(_, s)| s)
    }

    /// Every vendor, sorted by slug.
    pub fn vendors(&self) -> impl Iterator<Item = &Vendor> {
        self.vendors.values().map(|(v, _)| v)
    }

    /// User files that were skipped.
    pub fn problems(&self) -> &[CatalogProblem] {
        &self.problems
    }

    /// Slugs close to what was typed: a typo (`dato`), a fragment (`datto`), or the
    /// vendor's name (`IT Glue`).
    fn suggest(&self, typed: &str) -> Vec<String> {
        let squash = |s: &str| s.to_ascii_lowercase().replace(['-', '_', ' '], "");
        let typed = squash(typed);
        if typed.is_empty() {
            return Vec::new();
        }
        let close = |candidate: &str| {
            let c = squash(candidate);
            c.contains(&typed) || typed.contains(&c) || strsim::jaro_winkler(&c, &typed) >= 0.85
        };
        self.vendors
            .iter()
            .filter(|(slug, (vendor, _))| {
                close(slug) || close(&vendor.name) || slug.split('-').any(&close)
            })
            .map(|(slug, _)| slug.clone())
            .collect()
    }
}

fn parse_vendor(table: toml::Table) -> Result<Vendor, Vec<String>> {
    let vendor: Vendor = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| vec![e.to_string().trim().to_owned()])?;
    let problems = validate::validate(&vendor);
    if problems.is_empty() {
        Ok(vendor)
    } else {
        Err(problems)
    }
}

/// Deep-merges `over` onto `base`: tables merge, arrays of tables with a `key` merge by
/// key (new keys are appended), anything else is replaced.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (Some(toml::Value::Array(b)), toml::Value::Array(o)) if is_keyed(b) && is_keyed(&o) => {
                for item in o {
                    let key = item.get("key").cloned();
                    match b.iter_mut().find(|x| x.get("key") == key.as_ref()) {
                        Some(toml::Value::Table(existing)) => {
                            if let toml::Value::Table(item) = item {
                                merge(existing, item);
                            }
                        }
                        _ => b.push(item),
                    }
                }
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn is_keyed(items: &[toml::Value]) -> bool {
    items
        .iter()
        .all(|i| i.get("key").is_some_and(toml::Value::is_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_slugs_get_suggestions() {
        let catalog = Catalog::builtin().unwrap();
        let suggest = |typed: &str| match catalog.get(typed) {
            Err(CatalogError::UnknownVendor { suggestions, .. }) => suggestions,
            other => panic!("{other:?}"),
        };
        assert_eq!(suggest("dato"), ["datto-bcdr", "datto-rmm"]);
        assert_eq!(suggest("IT Glue"), ["itglue"]);
        assert_eq!(suggest("ninja"), ["ninjaone"]);
        assert!(suggest("zzzzzz").is_empty());
    }

    #[test]
    fn merge_replaces_scalars_and_merges_fields_by_key() {
        let mut base: toml::Table = toml::from_str(
            r#"
            name = "A"
            [[fields]]
            key = "x"
            label = "X"
            [[fields]]
            key = "y"
            label = "Y"
            "#,
        )
        .unwrap();
        let over: toml::Table = toml::from_str(
            r#"
            name = "B"
            [[fields]]
            key = "y"
            label = "Why"
            [[fields]]
            key = "z"
            label = "Z"
            "#,
        )
        .unwrap();
        merge(&mut base, over);
        assert_eq!(base["name"].as_str(), Some("B"));
        let labels: Vec<_> = base["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, ["X", "Why", "Z"]);
    }
}
