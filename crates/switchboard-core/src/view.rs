//! Serializable views of vendors and their connection state: the JSON the CLI prints
//! with `--json` and the app's UI receives. Field *values* of secrets never appear,
//! only which secret fields are stored.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{Catalog, Field, FieldKind, LocalLaunch, Source, Vendor};
use crate::vault::{ConnectionRecord, ProbeRecord};

#[derive(Debug, Clone, Serialize)]
pub struct VendorView {
    pub slug: String,
    pub name: String,
    pub category: String,
    pub description: String,
    pub docs_url: String,
    pub companion_plugin: String,
    pub connected: bool,
    /// `builtin`, `override`, `user` or `custom`.
    pub source: &'static str,
    pub fields: Vec<FieldView>,
    pub launch: LaunchView,
    /// Present when connected.
    pub connection: Option<ConnectionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub key: String,
    pub label: String,
    pub help: String,
    pub secret: bool,
    pub required: bool,
    pub default: Option<String>,
    /// Allowed values; empty means free text.
    pub options: Vec<String>,
    /// A label for each allowed value.
    pub option_labels: BTreeMap<String, String>,
    pub kind: FieldKind,
    pub placeholder: Option<String>,
    pub env: String,
    pub header: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LaunchView {
    pub runtime: Option<String>,
    pub local: LocalLaunch,
    pub docker_image: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConnectionView {
    pub connected_at: String,
    /// Plain field values.
    pub fields: BTreeMap<String, String>,
    /// Keys of the fields stored in the keychain (never their values).
    pub secret_fields: Vec<String>,
    pub keychain_service: String,
    pub last_probe: Option<ProbeRecord>,
}

impl VendorView {
    pub fn new(catalog: &Catalog, vendor: &Vendor, record: Option<&ConnectionRecord>) -> Self {
        Self {
            slug: vendor.slug.clone(),
            name: vendor.name.clone(),
            category: vendor.category.clone(),
            description: vendor.description.clone(),
            docs_url: vendor.docs_url.clone(),
            companion_plugin: vendor.companion_plugin.clone(),
            connected: record.is_some(),
            source: match catalog.source(&vendor.slug) {
                Some(Source::Override { .. }) => "override",
                Some(Source::User { .. }) => "user",
                Some(Source::Custom) => "custom",
                Some(Source::Bundle) => "bundle",
                _ => "builtin",
            },
            fields: vendor.fields.iter().map(FieldView::new).collect(),
            launch: LaunchView {
                runtime: vendor.launch.runtime.clone(),
                local: vendor.launch.local.clone(),
                docker_image: vendor.launch.docker_image.clone(),
                note: vendor.launch.note.clone(),
            },
            connection: record.map(|r| ConnectionView {
                connected_at: r.connected_at.clone(),
                fields: r.fields.clone(),
                secret_fields: r.secret_fields.clone(),
                keychain_service: r.keychain_service.clone(),
                last_probe: r.last_probe.clone(),
            }),
        }
    }
}

impl FieldView {
    fn new(f: &Field) -> Self {
        Self {
            key: f.key.clone(),
            label: f.label.clone(),
            help: f.help.clone(),
            secret: f.secret,
            required: f.required,
            default: f.default.clone(),
            options: f.options.iter().map(|o| o.value.clone()).collect(),
            option_labels: f
                .options
                .iter()
                .map(|o| (o.value.clone(), o.label.clone()))
                .collect(),
            kind: f.kind,
            placeholder: f.placeholder.clone(),
            env: f.env.clone(),
            header: f.header.clone(),
        }
    }
}
