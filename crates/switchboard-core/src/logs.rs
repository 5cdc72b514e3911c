//! Reading the logs: a vendor server's stderr (`<logs>/vendors/<slug>.log`, rotated to
//! `.1`, `.2`, …) or the daemon's (`<logs>/daemon.<date>.log`).

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::paths::Paths;

/// The log files for `slug` (or `daemon`), oldest first.
pub fn files(paths: &Paths, slug: &str) -> Vec<PathBuf> {
    if slug == "daemon" {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&paths.logs)
            .map(|d| {
                d.flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with("daemon.") && n.ends_with(".log"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        return files;
    }
    let base = vendor_log(paths, slug);
    let mut rotated: Vec<(u32, PathBuf)> =
        std::fs::read_dir(base.parent().unwrap_or(Path::new(".")))
            .map(|d| {
                d.flatten()
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        let n: u32 = name.strip_prefix(&format!("{slug}.log."))?.parse().ok()?;
                        Some((n, e.path()))
                    })
                    .collect()
            })
            .unwrap_or_default();
    // `.1` is the most recent of the rotated files: oldest is the highest number.
    rotated.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut files: Vec<PathBuf> = rotated.into_iter().map(|(_, p)| p).collect();
    if base.exists() {
        files.push(base);
    }
    files
}

pub fn vendor_log(paths: &Paths, slug: &str) -> PathBuf {
    paths.logs.join("vendors").join(format!("{slug}.log"))
}

/// The last `n` lines across `files`.
pub fn tail(files: &[PathBuf], n: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for f in files.iter().rev() {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let mut these: Vec<String> = text.lines().map(str::to_owned).collect();
        these.append(&mut lines);
        lines = these;
        if lines.len() >= n {
            break;
        }
    }
    let skip = lines.len().saturating_sub(n);
    lines.split_off(skip)
}

/// Follows one file as it grows (and starts over when it is rotated).
pub struct Follower {
    path: PathBuf,
    offset: u64,
    partial: String,
}

impl Follower {
    /// Starts at the current end of `path`.
    pub fn at_end(path: PathBuf) -> Self {
        let offset = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        Self {
            path,
            offset,
            partial: String::new(),
        }
    }

    /// Whole lines written since the last call.
    pub fn poll(&mut self) -> Vec<String> {
        let Ok(mut file) = std::fs::File::open(&self.path) else {
            return Vec::new();
        };
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if len < self.offset {
            self.offset = 0; // rotated
            self.partial.clear();
        }
        if file.seek(SeekFrom::Start(self.offset)).is_err() {
            return Vec::new();
        }
        let mut buf = String::new();
        let Ok(read) = file.read_to_string(&mut buf) else {
            return Vec::new();
        };
        self.offset += read as u64;
        self.partial.push_str(&buf);
        let mut out = Vec::new();
        while let Some(i) = self.partial.find('\n') {
            out.push(self.partial[..i].to_owned());
            self.partial.drain(..=i);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_reads_across_rotated_files_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        let vendors = paths.logs.join("vendors");
        std::fs::create_dir_all(&vendors).unwrap();
        std::fs::write(vendors.join("x.log.2"), "a\nb\n").unwrap();
        std::fs::write(vendors.join("x.log.1"), "c\n").unwrap();
        std::fs::write(vendors.join("x.log"), "d\ne\n").unwrap();
        let f = files(&paths, "x");
        assert_eq!(tail(&f, 3), ["c", "d", "e"]);
        assert_eq!(tail(&f, 10), ["a", "b", "c", "d", "e"]);

        let mut follow = Follower::at_end(vendors.join("x.log"));
        std::fs::write(vendors.join("x.log"), "d\ne\nf\ng").unwrap();
        assert_eq!(follow.poll(), ["f"]);
        std::fs::write(vendors.join("x.log"), "new\n").unwrap();
        assert_eq!(follow.poll(), ["new"]);
    }
}
