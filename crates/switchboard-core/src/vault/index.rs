//! The non-secret index of connections: `<config>/connections.json`.
//!
//! It records which vendors are connected, their plain field values, which secret
//! fields are in the keychain, when, and the last probe result. It never holds a
//! secret value. Writes are atomic. A file that does not parse is reported and left
//! exactly as it is: nothing overwrites a file we could not read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::code::{Coded, ErrorCode, Surface, left_untouched_hint};
use crate::probe::ProbeResult;

pub const INDEX_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub version: u32,
    #[serde(default)]
    pub vendors: BTreeMap<String, ConnectionRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRecord {
    /// RFC 3339, UTC.
    pub connected_at: String,
    /// Plain (non-secret) field values.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Keys of the fields whose values are in the keychain.
    #[serde(default)]
    pub secret_fields: Vec<String>,
    /// The keychain service the secrets are under.
    pub keychain_service: String,
    #[serde(default)]
    pub last_probe: Option<ProbeRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeRecord {
    pub result: ProbeResult,
    pub message: String,
    /// RFC 3339, UTC.
    pub at: String,
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("`{}` is not a valid connections file: {detail}", path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error("cannot read or write `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Coded for IndexError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Corrupt { .. } => ErrorCode::ConfigCorrupt,
            Self::Io { .. } => ErrorCode::Io,
        }
    }

    fn hint_for(&self, _: Surface) -> Option<String> {
        match self {
            Self::Corrupt { path, .. } => Some(left_untouched_hint(path)),
            Self::Io { .. } => None,
        }
    }
}

pub fn read(path: &Path) -> Result<Index, IndexError> {
    let text = match fs_err::read(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Index {
                version: INDEX_VERSION,
                vendors: BTreeMap::new(),
            });
        }
        Err(source) => {
            return Err(IndexError::Io {
                path: path.to_owned(),
                source,
            });
        }
    };
    let index: Index = serde_json::from_slice(&text).map_err(|e| IndexError::Corrupt {
        path: path.to_owned(),
        detail: e.to_string(),
    })?;
    if index.version > INDEX_VERSION {
        return Err(IndexError::Corrupt {
            path: path.to_owned(),
            detail: format!(
                "it was written by a newer Switchboard (format {}, this one reads up to {INDEX_VERSION})",
                index.version
            ),
        });
    }
    Ok(index)
}

pub fn write(path: &Path, index: &Index) -> Result<(), IndexError> {
    let mut bytes = serde_json::to_vec_pretty(index).expect("invariant: the index serializes");
    bytes.push(b'\n');
    crate::atomic::write_atomic(path, &bytes).map_err(|source| IndexError::Io {
        path: path.to_owned(),
        source,
    })
}

/// An exclusive lock on `<path>.lock`, held for a whole read-modify-write so that two
/// processes (the CLI and the app, say) never lose each other's changes.
pub struct IndexLock {
    _file: std::fs::File,
}

pub fn lock(path: &Path) -> Result<IndexLock, IndexError> {
    let lock_path = path.with_extension("json.lock");
    let file = crate::atomic::lock_file(&lock_path).map_err(|source| IndexError::Io {
        path: lock_path,
        source,
    })?;
    Ok(IndexLock { _file: file })
}
