//! The zip container: a deterministic writer and a reader that refuses hostile input.
//!
//! Writer: entries sorted by path, the DOS epoch as every timestamp, modes 0644 or 0755,
//! deflate at a fixed level (3: within 2.5% of level 6's size at two-thirds the time,
//! which keeps a bundle build under 200 ms), no directory entries (the official unpacker turns them
//! into files) and no comment. The same inputs give the same bytes.
//!
//! Reader: before anything is written anywhere, every entry name is checked (no `..`,
//! no absolute or drive paths, no `\`, no control characters, no duplicates even by
//! case), symlinks and encrypted entries are refused, and sizes are counted while
//! decompressing, whatever the headers claim, against an entry count, a total size and
//! a compression-ratio limit.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Write};

use serde::Serialize;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::code::{Coded, ErrorCode};

/// One file to put in a bundle.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    /// `/`-separated, relative.
    pub path: String,
    pub data: &'a [u8],
    pub executable: bool,
}

/// Writes `entries` as a deterministic zip.
pub fn write_zip(mut entries: Vec<NewEntry<'_>>) -> Result<Vec<u8>, ArchiveError> {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(w) = entries.windows(2).find(|w| w[0].path == w[1].path) {
        return Err(ArchiveError::Unsafe(Unsafe::Duplicate(w[0].path.clone())));
    }
    let total: usize = entries.iter().map(|e| e.data.len()).sum();
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(total / 2 + 1024)));
    for e in &entries {
        check_name(&e.path).map_err(ArchiveError::Unsafe)?;
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(3))
            .last_modified_time(DateTime::default())
            .unix_permissions(if e.executable { 0o755 } else { 0o644 })
            .large_file(e.data.len() as u64 >= u32::MAX as u64);
        zip.start_file(e.path.as_str(), options)?;
        zip.write_all(e.data)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// What the reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: usize,
    /// Total uncompressed bytes, counted while decompressing.
    pub max_total_bytes: u64,
    /// Largest uncompressed/compressed ratio for an entry bigger than `ratio_floor`.
    pub max_ratio: u64,
    pub ratio_floor: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entries: 10_000,
            max_total_bytes: 500_000_000,
            max_ratio: 100,
            ratio_floor: 1024 * 1024,
        }
    }
}

/// Why an archive was refused as hostile. Each names the entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum Unsafe {
    TooManyEntries(usize),
    TooLarge(u64),
    CompressionRatio(String),
    PathTraversal(String),
    AbsolutePath(String),
    BadName(String),
    Symlink(String),
    Encrypted(String),
    Duplicate(String),
    /// A name is both a file and a folder (`a` and `a/b`).
    FileAndFolder(String),
}

impl std::fmt::Display for Unsafe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooManyEntries(n) => write!(f, "it has {n} entries (the limit is 10,000)"),
            Self::TooLarge(limit) => {
                write!(f, "it unpacks to more than {} MB", limit / 1_000_000)
            }
            Self::CompressionRatio(p) => write!(
                f,
                "`{p}` expands more than 100 times (a zip bomb, or not a real bundle)"
            ),
            Self::PathTraversal(p) => write!(f, "`{p}` points outside the bundle (`..`)"),
            Self::AbsolutePath(p) => write!(f, "`{p}` is an absolute path"),
            Self::BadName(p) => write!(f, "`{}` is not a usable file name", p.escape_debug()),
            Self::Symlink(p) => write!(f, "`{p}` is a symbolic link"),
            Self::Encrypted(p) => write!(f, "`{p}` is encrypted"),
            Self::Duplicate(p) => write!(f, "`{p}` appears more than once"),
            Self::FileAndFolder(p) => write!(f, "`{p}` is both a file and a folder"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("not a readable zip file: {0}")]
    NotZip(String),
    #[error("refused: {0}")]
    Unsafe(Unsafe),
    #[error("`{path}` is damaged: {why}")]
    Corrupt { path: String, why: String },
    #[error("`{path}` uses compression method {method}, which bundles do not use")]
    Unsupported { path: String, method: String },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Coded for ArchiveError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Unsafe(_) => ErrorCode::BundleUnsafe,
            Self::Io(_) => ErrorCode::Io,
            _ => ErrorCode::BundleInvalid,
        }
    }
}

impl From<zip::result::ZipError> for ArchiveError {
    fn from(e: zip::result::ZipError) -> Self {
        match e {
            zip::result::ZipError::Io(io) => Self::Io(io),
            other => Self::NotZip(other.to_string()),
        }
    }
}

/// One file read from an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryInfo {
    pub path: String,
    pub size: u64,
    pub compressed_size: u64,
    pub executable: bool,
    #[serde(serialize_with = "hex_bytes")]
    pub sha256: [u8; 32],
}

/// Reads every file of `zip` (directory entries are checked, then skipped), handing
/// each one's contents to `visit`. Stops at the first reason to refuse the archive.
pub fn read_zip(
    zip: &[u8],
    limits: Limits,
    mut visit: impl FnMut(&EntryInfo, &[u8]) -> Result<(), ArchiveError>,
) -> Result<Vec<EntryInfo>, ArchiveError> {
    let mut archive = ZipArchive::new(Cursor::new(zip))?;
    if archive.len() > limits.max_entries {
        return Err(ArchiveError::Unsafe(Unsafe::TooManyEntries(archive.len())));
    }
    // First pass, on the central directory alone: names, kinds and declared sizes.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut files = BTreeSet::new();
    let mut dirs = BTreeSet::new();
    let mut declared: u64 = 0;
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let f = archive.by_index_raw(i)?;
        let name = String::from_utf8(f.name_raw().to_vec()).map_err(|_| {
            ArchiveError::Unsafe(Unsafe::BadName(
                String::from_utf8_lossy(f.name_raw()).into_owned(),
            ))
        })?;
        let is_dir = name.ends_with('/');
        let path = name.trim_end_matches('/').to_owned();
        check_name(&path).map_err(ArchiveError::Unsafe)?;
        if f.is_symlink() {
            return Err(ArchiveError::Unsafe(Unsafe::Symlink(path)));
        }
        if f.encrypted() {
            return Err(ArchiveError::Unsafe(Unsafe::Encrypted(path)));
        }
        if !is_dir {
            if let Some(first) = seen.insert(path.to_lowercase(), path.clone()) {
                return Err(ArchiveError::Unsafe(Unsafe::Duplicate(first)));
            }
            declared = declared.saturating_add(f.size());
            files.insert(path.clone());
        }
        names.push(path.clone());
        let mut parent = path.as_str();
        if is_dir {
            dirs.insert(path.clone());
        }
        while let Some((p, _)) = parent.rsplit_once('/') {
            dirs.insert(p.to_owned());
            parent = p;
        }
    }
    if let Some(both) = files.intersection(&dirs).next() {
        return Err(ArchiveError::Unsafe(Unsafe::FileAndFolder(both.clone())));
    }
    if declared > limits.max_total_bytes {
        return Err(ArchiveError::Unsafe(Unsafe::TooLarge(
            limits.max_total_bytes,
        )));
    }

    // Second pass: decompress, counting what really comes out.
    let mut total: u64 = 0;
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    for (i, name) in names.iter().enumerate() {
        let mut f = archive.by_index(i).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(why) => ArchiveError::Unsupported {
                path: name.clone(),
                method: why.to_string(),
            },
            other => other.into(),
        })?;
        if f.is_dir() {
            continue;
        }
        let path = name.clone();
        let compressed = f.compressed_size().max(1);
        let executable = f.unix_mode().is_some_and(|m| m & 0o111 != 0);
        let mut data = Vec::with_capacity(f.size().min(limits.max_total_bytes) as usize);
        let mut hasher = Sha256::new();
        loop {
            let n = f.read(&mut buf).map_err(|e| ArchiveError::Corrupt {
                path: path.clone(),
                why: e.to_string(),
            })?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > limits.max_total_bytes {
                return Err(ArchiveError::Unsafe(Unsafe::TooLarge(
                    limits.max_total_bytes,
                )));
            }
            let produced = data.len() as u64 + n as u64;
            if produced > limits.ratio_floor && produced / compressed > limits.max_ratio {
                return Err(ArchiveError::Unsafe(Unsafe::CompressionRatio(path)));
            }
            hasher.update(&buf[..n]);
            data.extend_from_slice(&buf[..n]);
        }
        let info = EntryInfo {
            path,
            size: data.len() as u64,
            compressed_size: f.compressed_size(),
            executable,
            sha256: hasher.finalize().into(),
        };
        visit(&info, &data)?;
        out.push(info);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The rules for a name inside a bundle. `path` has no trailing `/`.
pub fn check_name(path: &str) -> Result<(), Unsafe> {
    let bad = || Unsafe::BadName(path.to_owned());
    if path.is_empty() || path.len() > 1024 {
        return Err(bad());
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Err(Unsafe::AbsolutePath(path.to_owned()));
    }
    let bytes = path.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return Err(Unsafe::AbsolutePath(path.to_owned()));
    }
    if path.contains('\\') {
        // Windows reads it as a separator, and `..\` escapes there.
        return Err(if path.split('\\').any(|c| c == "..") {
            Unsafe::PathTraversal(path.to_owned())
        } else {
            bad()
        });
    }
    for component in path.split('/') {
        match component {
            ".." => return Err(Unsafe::PathTraversal(path.to_owned())),
            "" | "." => return Err(bad()),
            c if c.chars().any(|ch| ch.is_control() || ch == ':') => return Err(bad()),
            _ => {}
        }
    }
    Ok(())
}

fn hex_bytes<S: serde::Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<NewEntry<'static>> {
        vec![
            NewEntry {
                path: "server/run".into(),
                data: b"#!/bin/sh\necho hi\n",
                executable: true,
            },
            NewEntry {
                path: "manifest.json".into(),
                data: b"{}",
                executable: false,
            },
        ]
    }

    #[test]
    fn writes_the_same_bytes_every_time_and_reads_them_back() {
        let a = write_zip(entries()).unwrap();
        let mut reversed = entries();
        reversed.reverse();
        assert_eq!(a, write_zip(reversed).unwrap());
        let mut got = Vec::new();
        let infos = read_zip(&a, Limits::default(), |info, data| {
            got.push((info.path.clone(), data.to_vec()));
            Ok(())
        })
        .unwrap();
        assert_eq!(got[0].0, "manifest.json", "sorted on write");
        assert_eq!(infos[1].path, "server/run");
        assert!(infos[1].executable && !infos[0].executable);
        assert_eq!(got[1].1, b"#!/bin/sh\necho hi\n");
    }

    #[test]
    fn names_that_escape_or_confuse_are_refused() {
        for (name, kind) in [
            ("../x", "path_traversal"),
            ("a/../../x", "path_traversal"),
            ("..\\x", "path_traversal"),
            ("/etc/passwd", "absolute_path"),
            ("C:/x", "absolute_path"),
            ("a\\b", "bad_name"),
            ("a//b", "bad_name"),
            ("./a", "bad_name"),
            ("a\u{0}b", "bad_name"),
            ("con:x", "bad_name"),
        ] {
            let err = check_name(name).unwrap_err();
            let json = serde_json::to_value(&err).unwrap();
            assert_eq!(json["kind"], kind, "{name}");
        }
        check_name("server/node_modules/a.b/c-d_e.js").unwrap();
    }

    fn raw_zip(build: impl FnOnce(&mut ZipWriter<Cursor<Vec<u8>>>)) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        build(&mut zip);
        zip.finish().unwrap().into_inner()
    }

    fn refusal(zip: &[u8], limits: Limits) -> Unsafe {
        match read_zip(zip, limits, |_, _| Ok(())) {
            Err(ArchiveError::Unsafe(u)) => u,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn symlinks_duplicates_and_bombs_are_refused() {
        let opts = SimpleFileOptions::default();
        let link = raw_zip(|z| z.add_symlink("evil", "/etc/passwd", opts).unwrap());
        assert_eq!(
            refusal(&link, Limits::default()),
            Unsafe::Symlink("evil".into())
        );

        let dup = raw_zip(|z| {
            z.start_file("Readme.md", opts).unwrap();
            z.start_file("readme.md", opts).unwrap();
        });
        assert_eq!(
            refusal(&dup, Limits::default()),
            Unsafe::Duplicate("Readme.md".into())
        );

        let clash = raw_zip(|z| {
            z.start_file("a", opts).unwrap();
            z.start_file("a/b", opts).unwrap();
        });
        assert_eq!(
            refusal(&clash, Limits::default()),
            Unsafe::FileAndFolder("a".into())
        );

        let zeros = vec![0u8; 8 * 1024 * 1024];
        let bomb = raw_zip(|z| {
            z.start_file(
                "zeros",
                opts.compression_method(CompressionMethod::Deflated),
            )
            .unwrap();
            z.write_all(&zeros).unwrap();
        });
        assert_eq!(
            refusal(&bomb, Limits::default()),
            Unsafe::CompressionRatio("zeros".into())
        );

        let small = Limits {
            max_total_bytes: 1000,
            ..Limits::default()
        };
        let big = raw_zip(|z| {
            z.start_file("a", opts).unwrap();
            z.write_all(&[7u8; 2000]).unwrap();
        });
        assert_eq!(refusal(&big, small), Unsafe::TooLarge(1000));

        let many = raw_zip(|z| {
            for i in 0..11 {
                z.start_file(format!("f{i}"), opts).unwrap();
            }
        });
        let few = Limits {
            max_entries: 10,
            ..Limits::default()
        };
        assert_eq!(refusal(&many, few), Unsafe::TooManyEntries(11));
    }

    #[test]
    fn garbage_is_not_a_zip() {
        assert!(matches!(
            read_zip(b"not a zip at all", Limits::default(), |_, _| Ok(())),
            Err(ArchiveError::NotZip(_))
        ));
    }
}
