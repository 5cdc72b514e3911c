//! Bundle signatures in the `MCPB_SIG_V1` layout, made and checked.
//!
//! ```text
//! [zip bytes]  "MCPB_SIG_V1"  u32-LE length  DER CMS SignedData  [zero padding]  "MCPB_SIG_END"
//! ```
//!
//! The signature is detached PKCS#7/CMS over the zip bytes, SHA-256, with the signed
//! attributes contentType, messageDigest and signingTime, as `mcpb sign` makes them.
//! Unlike `mcpb sign` 2.1.2, we set the zip's end-of-directory comment length to the
//! size of the block *before* signing, so the block reads as the zip comment and strict
//! zip readers (Claude Desktop's among them) still open the file, and the signed bytes
//! are exactly the bytes on disk. The block is padded to a fixed size for that.
//!
//! The verifier accepts all three layouts seen in the wild: ours, the appended block of
//! `mcpb` 2.1.2 (comment length 0), and builds that patched the length after signing.
//! It checks the signature cryptographically and describes the certificate; whether to
//! trust the certificate is the OS's code-signing policy's call, which we do not make.

use std::borrow::Cow;
use std::time::SystemTime;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, KeyPair, RsaKeyPair, UnparsedPublicKey};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec, UtcTime};
use der::{Decode, Encode};
use serde::Serialize;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::attr::{Attribute, AttributeValue};
use x509_cert::spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use crate::code::{Coded, ErrorCode};
use crate::secret::Secret;

pub const HEADER: &[u8] = b"MCPB_SIG_V1";
pub const FOOTER: &[u8] = b"MCPB_SIG_END";
/// The block size we pad to (as Microsoft's signing pipeline does).
pub const BLOCK_SIZE: usize = 16384;
const EOCD_LEN: usize = 22;
const EOCD_MAGIC: &[u8] = b"PK\x05\x06";

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("cannot read the certificate: {0}")]
    Certificate(String),
    #[error("cannot read the private key: {0}")]
    Key(String),
    #[error("the private key does not belong to the certificate")]
    KeyMismatch,
    #[error("signing failed: {0}")]
    Failed(String),
}

impl Coded for SignError {
    fn code(&self) -> ErrorCode {
        ErrorCode::SigningFailed
    }
}

/// Where a signature sits in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// The zip comment length covers the block, set before signing (ours, and Microsoft's).
    Comment,
    /// The comment length was set after signing (mcpb #204 builds); verified with it zeroed.
    CommentPatchedAfter,
    /// Appended with a zero comment length (`mcpb sign` 2.1.2): Claude Desktop's strict
    /// zip reader refuses such files.
    Appended,
}

/// What the signature block at the end of a file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block<'a> {
    Unsigned,
    /// Something looks like a block but does not parse.
    Malformed(String),
    Signed {
        /// The bytes before the header: what was signed (modulo the comment length).
        content: &'a [u8],
        der: &'a [u8],
        block_len: usize,
    },
}

/// Finds the signature block, as `mcpb`'s extractor does: the last footer, the header
/// before it, the length after the header. Bytes between the DER and the footer are
/// padding.
pub fn find_block(file: &[u8]) -> Block<'_> {
    let Some(footer) = rfind(file, FOOTER) else {
        return Block::Unsigned;
    };
    let Some(header) = rfind(&file[..footer], HEADER) else {
        return Block::Malformed("a signature footer without a header".into());
    };
    let len_at = header + HEADER.len();
    let Some(len_bytes) = file.get(len_at..len_at + 4) else {
        return Block::Malformed("the signature length is cut off".into());
    };
    let len = u32::from_le_bytes(len_bytes.try_into().expect("4 bytes")) as usize;
    let start = len_at + 4;
    if start.checked_add(len).is_none_or(|end| end > footer) {
        return Block::Malformed(format!(
            "the signature claims {len} bytes but the block holds {}",
            footer.saturating_sub(start)
        ));
    }
    Block::Signed {
        content: &file[..header],
        der: &file[start..start + len],
        block_len: footer + FOOTER.len() - header,
    }
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The end-of-central-directory record of `zip`: its offset and comment length. The
/// record may end the bytes (no comment, or a signature-prefix whose comment was cut
/// off) or be followed by exactly its comment.
pub fn find_eocd(zip: &[u8]) -> Option<(usize, u16)> {
    let last = zip.len().checked_sub(EOCD_LEN)?;
    let first = last.saturating_sub(u16::MAX as usize);
    (first..=last).rev().find_map(|pos| {
        if &zip[pos..pos + 4] != EOCD_MAGIC {
            return None;
        }
        let comment = u16::from_le_bytes([zip[pos + 20], zip[pos + 21]]);
        let end = pos + EOCD_LEN;
        (end + comment as usize == zip.len() || end == zip.len()).then_some((pos, comment))
    })
}

/// `zip` with its comment length zeroed when the comment bytes are not there (the
/// signed prefix of a patched file), so an ordinary zip reader accepts it.
pub fn readable_zip(zip: &[u8]) -> Cow<'_, [u8]> {
    match find_eocd(zip) {
        Some((pos, len)) if len != 0 && pos + EOCD_LEN == zip.len() => {
            let mut copy = zip.to_vec();
            copy[pos + 20] = 0;
            copy[pos + 21] = 0;
            Cow::Owned(copy)
        }
        _ => Cow::Borrowed(zip),
    }
}

/// A certificate chain and its private key.
pub struct Signer {
    chain: Vec<Certificate>,
    key: Key,
}

enum Key {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("certificates", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// `cert_pem` holds the signing certificate first, then any intermediates;
    /// `intermediates` adds more. The key is PKCS#8 (`PRIVATE KEY`), PKCS#1
    /// (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) PEM, unencrypted.
    pub fn from_pem(
        cert_pem: &[u8],
        key_pem: &Secret<Vec<u8>>,
        intermediates: &[Vec<u8>],
    ) -> Result<Self, SignError> {
        let mut chain = Certificate::load_pem_chain(cert_pem)
            .map_err(|e| SignError::Certificate(e.to_string()))?;
        for pem in intermediates {
            chain.extend(
                Certificate::load_pem_chain(pem)
                    .map_err(|e| SignError::Certificate(format!("intermediate: {e}")))?,
            );
        }
        if chain.is_empty() {
            return Err(SignError::Certificate(
                "no CERTIFICATE block in the file".into(),
            ));
        }
        let (label, der) = der::pem::decode_vec(key_pem.expose())
            .map(|(l, d)| (l.to_owned(), Zeroizing::new(d)))
            .map_err(|e| SignError::Key(format!("not a PEM private key ({e})")))?;
        let spki = &chain[0].tbs_certificate.subject_public_key_info;
        let key = match label.as_str() {
            "ENCRYPTED PRIVATE KEY" => {
                return Err(SignError::Key(
                    "the key is encrypted; decrypt it first (`openssl pkey -in key.pem -out plain.pem`)"
                        .into(),
                ));
            }
            "RSA PRIVATE KEY" => {
                Key::Rsa(RsaKeyPair::from_der(&der).map_err(|e| SignError::Key(e.to_string()))?)
            }
            "EC PRIVATE KEY" | "PRIVATE KEY" if spki.algorithm.oid == EC_PUBLIC_KEY => {
                let alg = match curve(spki) {
                    Some(c) if c == SECP256R1 => &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
                    _ => {
                        return Err(SignError::Key(
                            "of EC keys, only P-256 can sign with SHA-256; use it or RSA".into(),
                        ));
                    }
                };
                Key::Ec(
                    EcdsaKeyPair::from_private_key_der(alg, &der)
                        .or_else(|_| EcdsaKeyPair::from_pkcs8(alg, &der))
                        .map_err(|e| SignError::Key(e.to_string()))?,
                )
            }
            "PRIVATE KEY" => {
                Key::Rsa(RsaKeyPair::from_pkcs8(&der).map_err(|e| SignError::Key(e.to_string()))?)
            }
            other => {
                return Err(SignError::Key(format!(
                    "a `{other}` PEM block is not a private key"
                )));
            }
        };
        let public: &[u8] = match &key {
            Key::Rsa(k) => k.public_key().as_ref(),
            Key::Ec(k) => k.public_key().as_ref(),
        };
        if public != spki.subject_public_key.raw_bytes() {
            return Err(SignError::KeyMismatch);
        }
        Ok(Self { chain, key })
    }

    /// The signing certificate's description.
    pub fn certificate(&self) -> CertInfo {
        CertInfo::of(&self.chain[0])
    }

    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        match self.key {
            Key::Rsa(_) => AlgorithmIdentifierOwned {
                oid: RSA_ENCRYPTION,
                parameters: Some(der::asn1::Null.into()),
            },
            Key::Ec(_) => AlgorithmIdentifierOwned {
                oid: ECDSA_WITH_SHA256,
                parameters: None,
            },
        }
    }

    fn raw_sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let rng = SystemRandom::new();
        let failed = |_| SignError::Failed("the crypto library refused the key".into());
        match &self.key {
            Key::Rsa(k) => {
                let mut out = vec![0u8; k.public_modulus_len()];
                k.sign(&sig::RSA_PKCS1_SHA256, &rng, message, &mut out)
                    .map_err(failed)?;
                Ok(out)
            }
            Key::Ec(k) => Ok(k.sign(&rng, message).map_err(failed)?.as_ref().to_vec()),
        }
    }

    /// The detached CMS SignedData over `content`, DER.
    fn cms(&self, content: &[u8], time: SystemTime) -> Result<Vec<u8>, SignError> {
        let enc = |e: der::Error| SignError::Failed(e.to_string());
        let digest = Sha256::digest(content);
        let attr = |oid, value: AttributeValue| -> Result<Attribute, SignError> {
            let mut values = SetOfVec::new();
            values.insert(value).map_err(enc)?;
            Ok(Attribute { oid, values })
        };
        let when = UtcTime::from_system_time(time).map_err(enc)?;
        let mut signed_attrs = SetOfVec::new();
        signed_attrs
            .insert(attr(
                ID_CONTENT_TYPE,
                AttributeValue::encode_from(&ID_DATA).map_err(enc)?,
            )?)
            .map_err(enc)?;
        signed_attrs
            .insert(attr(
                ID_SIGNING_TIME,
                AttributeValue::encode_from(&when).map_err(enc)?,
            )?)
            .map_err(enc)?;
        signed_attrs
            .insert(attr(
                ID_MESSAGE_DIGEST,
                AttributeValue::encode_from(&OctetString::new(digest.as_slice()).map_err(enc)?)
                    .map_err(enc)?,
            )?)
            .map_err(enc)?;
        let signature = self.raw_sign(&signed_attrs.to_der().map_err(enc)?)?;
        let signer = &self.chain[0].tbs_certificate;
        let sha256 = AlgorithmIdentifierOwned {
            oid: ID_SHA256,
            parameters: None,
        };
        let info = SignerInfo {
            version: CmsVersion::V1,
            sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
                issuer: signer.issuer.clone(),
                serial_number: signer.serial_number.clone(),
            }),
            digest_alg: sha256.clone(),
            signed_attrs: Some(signed_attrs),
            signature_algorithm: self.signature_algorithm(),
            signature: OctetString::new(signature).map_err(enc)?,
            unsigned_attrs: None,
        };
        let mut certs = SetOfVec::new();
        for c in &self.chain {
            certs
                .insert(CertificateChoices::Certificate(c.clone()))
                .map_err(enc)?;
        }
        let mut digests = SetOfVec::new();
        digests.insert(sha256).map_err(enc)?;
        let mut infos = SetOfVec::new();
        infos.insert(info).map_err(enc)?;
        let signed = SignedData {
            version: CmsVersion::V1,
            digest_algorithms: digests,
            encap_content_info: EncapsulatedContentInfo {
                econtent_type: ID_DATA,
                econtent: None,
            },
            certificates: Some(CertificateSet(certs)),
            crls: None,
            signer_infos: SignerInfos(infos),
        };
        ContentInfo {
            content_type: ID_SIGNED_DATA,
            content: der::Any::encode_from(&signed).map_err(enc)?,
        }
        .to_der()
        .map_err(enc)
    }

    /// Signs an unsigned zip: sets its comment length to the block size, signs those
    /// bytes, and appends the padded block.
    /// Seeds the crypto library's random generator, which the first signature would
    /// otherwise wait for (about 25 ms of entropy gathering on a small VM). Call it on
    /// another thread while the bundle is being compressed.
    pub fn warm_up() {
        use aws_lc_rs::rand::SecureRandom;
        let mut byte = [0u8; 1];
        let _ = SystemRandom::new().fill(&mut byte);
    }

    pub fn sign(&self, zip: &[u8], time: SystemTime) -> Result<Vec<u8>, SignError> {
        let Some((pos, 0)) = find_eocd(zip).filter(|(p, _)| p + EOCD_LEN == zip.len()) else {
            return Err(SignError::Failed(
                "the zip already has a comment or a signature; sign the unsigned bundle".into(),
            ));
        };
        let mut block = BLOCK_SIZE;
        loop {
            let mut content = zip.to_vec();
            content[pos + 20..pos + 22].copy_from_slice(&(block as u16).to_le_bytes());
            let der = self.cms(&content, time)?;
            let needed = HEADER.len() + 4 + der.len() + FOOTER.len();
            if needed > block {
                block = needed.div_ceil(4096) * 4096;
                if block > u16::MAX as usize {
                    return Err(SignError::Failed(format!(
                        "the signature is {} bytes, more than a zip comment can hold",
                        der.len()
                    )));
                }
                continue;
            }
            content.extend_from_slice(HEADER);
            content.extend_from_slice(&(der.len() as u32).to_le_bytes());
            content.extend_from_slice(&der);
            content.resize(content.len() + block - needed, 0);
            content.extend_from_slice(FOOTER);
            return Ok(content);
        }
    }
}

/// The first signer's signed attributes as they appear in `der`, re-tagged as the
/// `SET OF` that was signed.
fn raw_signed_attrs(der: &[u8]) -> Option<Vec<u8>> {
    use der::{AnyRef, Reader, SliceReader, Tagged};
    fn children(value: &[u8]) -> Option<Vec<AnyRef<'_>>> {
        let mut r = SliceReader::new(value).ok()?;
        let mut out = Vec::new();
        while !r.is_finished() {
            out.push(r.decode::<AnyRef<'_>>().ok()?);
        }
        Some(out)
    }
    let content_info = AnyRef::from_der(der).ok()?;
    let explicit = *children(content_info.value())?.get(1)?;
    let signed_data = *children(explicit.value())?.first()?;
    let signer_infos = *children(signed_data.value())?.last()?;
    let signer_info = *children(signer_infos.value())?.first()?;
    // version, sid, digestAlgorithm, then [0] signedAttrs.
    let attrs = *children(signer_info.value())?.get(3)?;
    let expected = der::Tag::ContextSpecific {
        constructed: true,
        number: der::TagNumber::N0,
    };
    if attrs.tag() != expected {
        return None;
    }
    let set = AnyRef::new(der::Tag::Set, attrs.value()).ok()?;
    set.to_der().ok()
}

fn curve(spki: &x509_cert::spki::SubjectPublicKeyInfoOwned) -> Option<ObjectIdentifier> {
    spki.algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
}

/// A certificate, described for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub self_signed: bool,
    pub not_before: String,
    pub not_after: String,
    /// Whether the certificate is within its validity period now.
    pub current: bool,
    /// SHA-256 of the DER certificate, upper-case hex pairs joined by `:`.
    pub fingerprint: String,
}

impl CertInfo {
    fn of(cert: &Certificate) -> Self {
        let tbs = &cert.tbs_certificate;
        let when = |t: x509_cert::time::Time| {
            humantime::format_rfc3339_seconds(t.to_system_time()).to_string()
        };
        let now = SystemTime::now();
        let fingerprint = cert
            .to_der()
            .map(|d| {
                Sha256::digest(d)
                    .iter()
                    .map(|b| format!("{b:02X}"))
                    .collect::<Vec<_>>()
                    .join(":")
            })
            .unwrap_or_default();
        Self {
            subject: tbs.subject.to_string(),
            issuer: tbs.issuer.to_string(),
            self_signed: tbs.subject == tbs.issuer,
            not_before: when(tbs.validity.not_before),
            not_after: when(tbs.validity.not_after),
            current: tbs.validity.not_before.to_system_time() <= now
                && now <= tbs.validity.not_after.to_system_time(),
            fingerprint,
        }
    }
}

/// The outcome of checking a signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verdict {
    Unsigned,
    /// The signature matches the bytes and the certificate's key. Trust in the
    /// certificate is not judged here.
    Valid {
        signer: CertInfo,
        certificates: usize,
        signing_time: Option<String>,
        layout: Layout,
    },
    Invalid {
        reason: String,
        signer: Option<CertInfo>,
    },
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        matches!(self, Self::Valid { .. })
    }
}

/// Checks the signature of a whole `.mcpb` file.
pub fn verify(file: &[u8]) -> Verdict {
    match find_block(file) {
        Block::Unsigned => Verdict::Unsigned,
        Block::Malformed(reason) => Verdict::Invalid {
            reason,
            signer: None,
        },
        Block::Signed {
            content,
            der,
            block_len,
        } => verify_detached(content, der, block_len),
    }
}

fn verify_detached(content: &[u8], der: &[u8], block_len: usize) -> Verdict {
    let invalid = |reason: String, signer: Option<CertInfo>| Verdict::Invalid { reason, signer };
    let signed = match ContentInfo::from_der(der) {
        Ok(ci) if ci.content_type == ID_SIGNED_DATA => match ci.content.decode_as::<SignedData>() {
            Ok(sd) => sd,
            Err(e) => return invalid(format!("the signature is not CMS SignedData: {e}"), None),
        },
        Ok(ci) => {
            return invalid(
                format!(
                    "the signature holds {} content, not SignedData",
                    ci.content_type
                ),
                None,
            );
        }
        Err(e) => return invalid(format!("the signature is not DER CMS: {e}"), None),
    };
    let certs: Vec<&Certificate> = signed
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let Some(info) = signed.signer_infos.0.iter().next() else {
        return invalid("the signature has no signer".into(), None);
    };
    let cert = certs.iter().copied().find(|c| match &info.sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            ias.issuer == c.tbs_certificate.issuer
                && ias.serial_number == c.tbs_certificate.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => c
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .any(|e| e.extn_value.as_bytes().ends_with(ski.0.as_bytes())),
    });
    let Some(cert) = cert else {
        return invalid(
            "the signer's certificate is not in the signature".into(),
            None,
        );
    };
    let signer = CertInfo::of(cert);
    if info.digest_alg.oid != ID_SHA256 {
        return invalid(
            format!("digest {} is not SHA-256", info.digest_alg.oid),
            Some(signer),
        );
    }
    let Some(attrs) = &info.signed_attrs else {
        return invalid(
            "the signature has no signed attributes (mcpb signatures always do)".into(),
            Some(signer),
        );
    };
    let attr = |oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    let Some(claimed) = attr(ID_MESSAGE_DIGEST).and_then(|v| v.decode_as::<OctetString>().ok())
    else {
        return invalid("the signature has no message digest".into(), Some(signer));
    };
    let signing_time = attr(ID_SIGNING_TIME)
        .and_then(|v| v.to_der().ok())
        .and_then(|d| x509_cert::time::Time::from_der(&d).ok())
        .map(|t| humantime::format_rfc3339_seconds(t.to_system_time()).to_string());

    let layout = match find_eocd(content) {
        Some((pos, len)) if pos + EOCD_LEN == content.len() && len != 0 => {
            if Sha256::digest(content).as_slice() == claimed.as_bytes() {
                if len as usize != block_len {
                    return invalid(
                        format!(
                            "the zip comment length ({len}) does not match the signature block ({block_len})"
                        ),
                        Some(signer),
                    );
                }
                Some(Layout::Comment)
            } else {
                let zeroed = readable_zip(content);
                (Sha256::digest(&zeroed).as_slice() == claimed.as_bytes())
                    .then_some(Layout::CommentPatchedAfter)
            }
        }
        _ => (Sha256::digest(content).as_slice() == claimed.as_bytes()).then_some(Layout::Appended),
    };
    let Some(layout) = layout else {
        return invalid(
            "the bundle was changed after it was signed (its digest does not match)".into(),
            Some(signer),
        );
    };

    // The signature covers the attributes as the signer encoded them: `mcpb sign`
    // (node-forge) does not sort them, so re-encoding would not give the same bytes.
    let Some(message) = raw_signed_attrs(der) else {
        return invalid(
            "cannot find the signed attributes' encoding".into(),
            Some(signer),
        );
    };
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let key = spki.subject_public_key.raw_bytes();
    let sig_oid = info.signature_algorithm.oid;
    let algorithm: &dyn sig::VerificationAlgorithm = if spki.algorithm.oid == RSA_ENCRYPTION
        && (sig_oid == RSA_ENCRYPTION || sig_oid == SHA256_WITH_RSA)
    {
        &sig::RSA_PKCS1_2048_8192_SHA256
    } else if spki.algorithm.oid == EC_PUBLIC_KEY && sig_oid == ECDSA_WITH_SHA256 {
        match curve(spki) {
            Some(c) if c == SECP256R1 => &sig::ECDSA_P256_SHA256_ASN1,
            Some(c) if c == SECP384R1 => &sig::ECDSA_P384_SHA256_ASN1,
            _ => return invalid("an EC curve other than P-256 or P-384".into(), Some(signer)),
        }
    } else {
        return invalid(
            format!("signature algorithm {sig_oid} is not supported"),
            Some(signer),
        );
    };
    match UnparsedPublicKey::new(algorithm, key).verify(&message, info.signature.as_bytes()) {
        Ok(()) => Verdict::Valid {
            signer,
            certificates: certs.len(),
            signing_time,
            layout,
        },
        Err(_) => invalid(
            "the signature does not match the certificate's key".into(),
            Some(signer),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_parsing_follows_the_mcpb_extractor() {
        assert_eq!(find_block(b"PK plain zip"), Block::Unsigned);
        let mut f = b"ZIPDATA".to_vec();
        f.extend_from_slice(HEADER);
        f.extend_from_slice(&3u32.to_le_bytes());
        f.extend_from_slice(b"DER\0\0");
        f.extend_from_slice(FOOTER);
        match find_block(&f) {
            Block::Signed {
                content,
                der,
                block_len,
            } => {
                assert_eq!(content, b"ZIPDATA");
                assert_eq!(der, b"DER");
                assert_eq!(block_len, f.len() - 7);
            }
            other => panic!("{other:?}"),
        }
        let mut lying = b"Z".to_vec();
        lying.extend_from_slice(HEADER);
        lying.extend_from_slice(&999u32.to_le_bytes());
        lying.extend_from_slice(FOOTER);
        assert!(matches!(find_block(&lying), Block::Malformed(_)));
        assert!(matches!(find_block(FOOTER), Block::Malformed(_)));
    }

    #[test]
    fn eocd_is_found_with_and_without_its_comment() {
        let zip = crate::bundle::archive::write_zip(vec![crate::bundle::archive::NewEntry {
            path: "a".into(),
            data: b"x",
            executable: false,
        }])
        .unwrap();
        let (pos, len) = find_eocd(&zip).unwrap();
        assert_eq!((pos + EOCD_LEN, len), (zip.len(), 0));
        let mut patched = zip.clone();
        patched[pos + 20..pos + 22].copy_from_slice(&100u16.to_le_bytes());
        assert_eq!(find_eocd(&patched), Some((pos, 100)));
        assert_eq!(readable_zip(&patched).as_ref(), zip.as_slice());
        assert!(matches!(readable_zip(&zip), Cow::Borrowed(_)));
    }

    const RSA_CERT: &[u8] = include_bytes!("testdata/rsa-cert.pem");
    const RSA_KEY: &[u8] = include_bytes!("testdata/rsa-key.pem");
    const RSA_KEY_PKCS1: &[u8] = include_bytes!("testdata/rsa-key-pkcs1.pem");
    const EC_CERT: &[u8] = include_bytes!("testdata/ec-cert.pem");
    const EC_KEY: &[u8] = include_bytes!("testdata/ec-key-sec1.pem");
    const CA_CERT: &[u8] = include_bytes!("testdata/ca-cert.pem");
    const LEAF_CERT: &[u8] = include_bytes!("testdata/leaf-cert.pem");
    const LEAF_KEY: &[u8] = include_bytes!("testdata/leaf-key.pem");

    fn zip() -> Vec<u8> {
        crate::bundle::archive::write_zip(vec![crate::bundle::archive::NewEntry {
            path: "manifest.json".into(),
            data: b"{}",
            executable: false,
        }])
        .unwrap()
    }

    fn signer(cert: &[u8], key: &[u8], extra: &[Vec<u8>]) -> Result<Signer, SignError> {
        Signer::from_pem(cert, &Secret::new(key.to_vec()), extra)
    }

    #[test]
    fn our_signatures_verify_keep_the_zip_readable_and_catch_tampering() {
        let unsigned = zip();
        for (cert, key) in [
            (RSA_CERT, RSA_KEY),
            (RSA_CERT, RSA_KEY_PKCS1),
            (EC_CERT, EC_KEY),
        ] {
            let s = signer(cert, key, &[]).unwrap();
            let signed = s.sign(&unsigned, SystemTime::now()).unwrap();
            // The block is exactly the zip comment, so strict readers accept the file.
            let (pos, comment) = find_eocd(&signed[..unsigned.len()]).unwrap();
            assert_eq!(pos + EOCD_LEN, unsigned.len());
            assert_eq!(comment as usize, signed.len() - unsigned.len());
            assert_eq!(signed.len() - unsigned.len(), BLOCK_SIZE);
            let z = zip::ZipArchive::new(std::io::Cursor::new(&signed)).unwrap();
            assert_eq!(z.comment().len(), BLOCK_SIZE);
            match verify(&signed) {
                Verdict::Valid { signer, layout, .. } => {
                    assert_eq!(layout, Layout::Comment);
                    assert!(signer.self_signed && signer.current);
                }
                other => panic!("{other:?}"),
            }
            let mut tampered = signed.clone();
            tampered[40] ^= 1;
            assert!(matches!(verify(&tampered), Verdict::Invalid { .. }));
        }
    }

    #[test]
    fn chains_name_the_leaf_and_keys_must_match_their_certificate() {
        let s = signer(LEAF_CERT, LEAF_KEY, &[CA_CERT.to_vec()]).unwrap();
        let signed = s.sign(&zip(), SystemTime::now()).unwrap();
        match verify(&signed) {
            Verdict::Valid {
                signer,
                certificates,
                ..
            } => {
                assert_eq!(certificates, 2);
                assert!(!signer.self_signed);
                assert!(
                    signer.subject.contains("Switchboard Test Leaf"),
                    "{}",
                    signer.subject
                );
                assert!(signer.issuer.contains("Switchboard Test CA"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            signer(RSA_CERT, LEAF_KEY, &[]),
            Err(SignError::KeyMismatch)
        ));
        assert!(matches!(
            signer(b"nope", RSA_KEY, &[]),
            Err(SignError::Certificate(_))
        ));
        assert!(matches!(
            signer(RSA_CERT, RSA_CERT, &[]),
            Err(SignError::Key(_))
        ));
        let err = signer(RSA_CERT, b"garbage", &[]).unwrap_err().to_string();
        assert!(!err.contains("garbage"), "{err}");
    }

    #[test]
    fn a_zip_that_already_has_a_comment_is_not_signed_twice() {
        let s = signer(RSA_CERT, RSA_KEY, &[]).unwrap();
        let once = s.sign(&zip(), SystemTime::now()).unwrap();
        assert!(s.sign(&once, SystemTime::now()).is_err());
    }

    #[test]
    fn a_comment_length_patched_after_signing_still_verifies() {
        // What mcpb #204 builds do: sign the zip as is, then set the comment length.
        let s = signer(RSA_CERT, RSA_KEY, &[]).unwrap();
        let unsigned = zip();
        let der = s.cms(&unsigned, SystemTime::now()).unwrap();
        let mut file = unsigned.clone();
        let block = HEADER.len() + 4 + der.len() + FOOTER.len();
        let (pos, _) = find_eocd(&unsigned).unwrap();
        file[pos + 20..pos + 22].copy_from_slice(&(block as u16).to_le_bytes());
        file.extend_from_slice(HEADER);
        file.extend_from_slice(&(der.len() as u32).to_le_bytes());
        file.extend_from_slice(&der);
        file.extend_from_slice(FOOTER);
        match verify(&file) {
            Verdict::Valid { layout, .. } => assert_eq!(layout, Layout::CommentPatchedAfter),
            other => panic!("{other:?}"),
        }
        // And with the length left at 0 (mcpb 2.1.2).
        let mut appended = unsigned.clone();
        appended.extend_from_slice(&file[unsigned.len()..]);
        match verify(&appended) {
            Verdict::Valid { layout, .. } => assert_eq!(layout, Layout::Appended),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn garbage_after_the_header_is_invalid_not_a_panic() {
        let mut f = b"PK".to_vec();
        f.extend_from_slice(HEADER);
        f.extend_from_slice(&4u32.to_le_bytes());
        f.extend_from_slice(b"\x30\x80\x00\x00");
        f.extend_from_slice(FOOTER);
        assert!(matches!(verify(&f), Verdict::Invalid { .. }));
    }
}
