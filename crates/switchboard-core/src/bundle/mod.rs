//! `.mcpb` bundles: the manifest model, a deterministic build, inspection, a safe
//! import, and signatures.
//!
//! - [`manifest`]: the strict manifest model and its rules.
//! - [`archive`]: the deterministic zip writer and the hostile-input-proof reader.
//! - [`sign`]: the `MCPB_SIG_V1` block, signing and verifying.
//! - [`build`]: the bundle that carries our bridge.
//! - [`inspect`]: everything about a `.mcpb`, with findings.
//! - [`import`]: unpacking a vendor's bundle to run it under the supervisor.
//! - [`vars`]: filling in `${…}` when an imported bundle starts.

pub mod archive;
pub mod build;
pub mod import;
pub mod inspect;
pub mod manifest;
pub mod sign;
pub mod vars;

use crate::code::{Coded, ErrorCode, Surface};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The file is not a bundle we can use: not a zip, or a bad manifest.
    #[error("{what} is not a usable bundle: {problems}")]
    Invalid { what: String, problems: String },
    /// The archive tries something dangerous.
    #[error("{what} was refused: {problems}")]
    Unsafe { what: String, problems: String },
    #[error("{0}")]
    Unsupported(String),
    #[error(transparent)]
    Sign(#[from] sign::SignError),
    #[error("`{path}`: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Internal(String),
}

impl From<archive::ArchiveError> for BundleError {
    fn from(e: archive::ArchiveError) -> Self {
        match e {
            archive::ArchiveError::Unsafe(u) => Self::Unsafe {
                what: "the archive".into(),
                problems: u.to_string(),
            },
            other => Self::Invalid {
                what: "the archive".into(),
                problems: other.to_string(),
            },
        }
    }
}

impl Coded for BundleError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid { .. } | Self::Unsupported(_) => ErrorCode::BundleInvalid,
            Self::Unsafe { .. } => ErrorCode::BundleUnsafe,
            Self::Sign(_) => ErrorCode::SigningFailed,
            Self::Io { .. } => ErrorCode::Io,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    fn hint_for(&self, surface: Surface) -> Option<String> {
        match self {
            Self::Invalid { .. } => Some(match surface {
                Surface::Cli => "`switchboard bundle inspect <file>` lists every problem; ask the vendor for a fixed bundle".into(),
                Surface::Window => "ask the vendor for a fixed bundle; in a terminal, `switchboard bundle inspect <file>` lists every problem".into(),
            }),
            Self::Unsafe { .. } => Some(
                "do not install this file; get the bundle again from the vendor's releases page".into(),
            ),
            Self::Sign(sign::SignError::KeyMismatch) => Some(
                "give the key that was used to make the certificate (`openssl x509 -noout -pubkey` and `openssl pkey -pubout` must print the same key)".into(),
            ),
            Self::Sign(_) => Some(
                "give a PEM certificate (`-----BEGIN CERTIFICATE-----`) and its unencrypted PEM private key".into(),
            ),
            _ => None,
        }
    }
}
