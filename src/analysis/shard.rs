//! Shards: one study (`simulate` samples, `sweep` cases) split over N independent runs, e.g. the
//! tasks of a Slurm job array or a Kubernetes Indexed Job, then merged.
//!
//! A study's work items are numbered (sample chunks, cases). Shard K of N computes exactly the
//! items `i` with `i % N == K - 1`, each just as the single run computes it (same per-index seed,
//! same warm-start chain), and writes them with a manifest. `capplan merge` checks the manifests
//! agree and that shards 1..N are all there once, then recomputes every aggregate from the union in
//! index order, so its reports are byte for byte those of the single run.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Shard K of N (1-based K).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl Shard {
    /// The whole study: one shard.
    pub const ALL: Shard = Shard { k: 1, n: 1 };

    /// Whether work item `i` is this shard's.
    pub fn owns(&self, i: u64) -> bool {
        i % self.n == self.k - 1
    }
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("'{s}' is not K/N with 1 <= K <= N, e.g. 3/8");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

pub const MANIFEST: &str = "manifest.json";
/// The shard's computed items (JSON; floats round-trip exactly).
pub const PART: &str = "part.json";

/// What a partial result is a part of. Two parts merge only when everything but `shard` agrees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub capplan_version: String,
    /// `simulate` or `sweep`.
    pub command: String,
    /// The scenario folder as given on the command line (merge of `simulate` reads it again).
    pub scenario: String,
    /// The same folder as an absolute path, for a merge run from another folder.
    pub scenario_absolute: String,
    /// FNV-1a 64 of the folder's CSV files (names and bytes).
    pub scenario_hash: String,
    /// Every option that changes the result, as `--name=value` (not --out, --quiet, --shard).
    pub arguments: Vec<String>,
    pub seed: Option<u64>,
    /// Work items of the whole study (samples or cases including the base).
    pub items: u64,
    pub shard: u64,
    pub shards: u64,
}

impl Manifest {
    pub fn new(
        command: &str,
        scenario: &Path,
        arguments: Vec<String>,
        seed: Option<u64>,
        items: u64,
        shard: Shard,
    ) -> Result<Manifest> {
        Ok(Manifest {
            capplan_version: env!("CARGO_PKG_VERSION").to_string(),
            command: command.to_string(),
            scenario: scenario.display().to_string(),
            scenario_absolute: std::fs::canonicalize(scenario)
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            scenario_hash: folder_hash(scenario)?,
            arguments,
            seed,
            items,
            shard: shard.k,
            shards: shard.n,
        })
    }
}

impl Manifest {
    /// The scenario folder for a merge: as given if it exists from here, else the absolute path.
    pub fn scenario_dir(&self) -> PathBuf {
        let given = PathBuf::from(&self.scenario);
        if given.is_dir() || self.scenario_absolute.is_empty() {
            given
        } else {
            PathBuf::from(&self.scenario_absolute)
        }
    }
}

/// FNV-1a, 64 bit: a content fingerprint (not a security hash) for telling scenarios apart.
pub fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// Fingerprint of a folder's `.csv` files: sorted names, lengths and contents.
pub fn folder_hash(dir: &Path) -> Result<String> {
    let io = |e: std::io::Error| Error::Io(format!("cannot read {}: {e}", dir.display()));
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "csv"))
        .collect();
    names.sort();
    let mut h = FNV_OFFSET;
    for p in names {
        let bytes = std::fs::read(&p).map_err(io)?;
        h = fnv1a(
            h,
            p.file_name()
                .map(|n| n.as_encoded_bytes())
                .unwrap_or_default(),
        );
        h = fnv1a(h, &(bytes.len() as u64).to_le_bytes());
        h = fnv1a(h, &bytes);
    }
    Ok(format!("{h:016x}"))
}

/// Fingerprint of one file (the cases file of a sweep).
pub fn file_hash(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", path.display())))?;
    Ok(format!("{:016x}", fnv1a(FNV_OFFSET, &bytes)))
}

/// The files of a part folder: the manifest, the items, and any extra files (kept plans).
pub fn part_files<T: Serialize>(
    manifest: &Manifest,
    items: &T,
    extra: Vec<(String, Vec<u8>)>,
) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        (
            MANIFEST.to_string(),
            serde_json::to_vec_pretty(manifest).expect("manifest serialises"),
        ),
        (
            PART.to_string(),
            serde_json::to_vec(items).expect("items serialise"),
        ),
    ];
    files.extend(extra);
    files
}

/// A part folder read back.
pub struct Part {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl Part {
    /// The shard's items.
    pub fn items<T: for<'de> Deserialize<'de>>(&self) -> Result<T> {
        let p = self.dir.join(PART);
        let bytes = std::fs::read(&p)
            .map_err(|e| Error::Usage(format!("{}: cannot read: {e}", p.display())))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::Usage(format!("{}: not a capplan part: {e}", p.display())))
    }
}

/// Reads the parts' manifests and checks they are shards 1..N of one study, each once. Every
/// problem is named at once (exit 2).
pub fn check(dirs: &[PathBuf]) -> Result<Vec<Part>> {
    let mut problems = Vec::new();
    let mut parts = Vec::new();
    for d in dirs {
        let p = d.join(MANIFEST);
        match std::fs::read(&p) {
            Err(e) => problems.push(format!(
                "{}: cannot read the shard manifest: {e}",
                p.display()
            )),
            Ok(bytes) => match serde_json::from_slice::<Manifest>(&bytes) {
                Ok(m) => parts.push(Part {
                    dir: d.clone(),
                    manifest: m,
                }),
                Err(e) => problems.push(format!(
                    "{}: not a capplan shard manifest: {e}",
                    p.display()
                )),
            },
        }
    }
    if dirs.is_empty() {
        problems.push("merge needs at least one part folder".into());
    }
    if let Some(first) = parts.first() {
        let f = &first.manifest;
        let name = |p: &Part| p.dir.display().to_string();
        for p in &parts[1..] {
            let m = &p.manifest;
            let mut differ = |what: &str, a: String, b: String| {
                if a != b {
                    problems.push(format!(
                        "{}: {what} is {b}, but {} has {a}",
                        name(p),
                        name(first)
                    ));
                }
            };
            differ("the command", f.command.clone(), m.command.clone());
            differ(
                "the capplan version",
                f.capplan_version.clone(),
                m.capplan_version.clone(),
            );
            differ(
                "the scenario hash",
                f.scenario_hash.clone(),
                m.scenario_hash.clone(),
            );
            differ("the seed", format!("{:?}", f.seed), format!("{:?}", m.seed));
            differ(
                "the arguments",
                f.arguments.join(" "),
                m.arguments.join(" "),
            );
            differ(
                "the number of items",
                f.items.to_string(),
                m.items.to_string(),
            );
            differ(
                "the number of shards",
                f.shards.to_string(),
                m.shards.to_string(),
            );
        }
        let n = f.shards;
        for k in 1..=n {
            let with: Vec<String> = parts
                .iter()
                .filter(|p| p.manifest.shard == k)
                .map(name)
                .collect();
            match with.len() {
                0 => problems.push(format!("shard {k}/{n} is missing")),
                1 => {}
                _ => problems.push(format!(
                    "shard {k}/{n} is given {} times: {}",
                    with.len(),
                    with.join(", ")
                )),
            }
        }
        for p in &parts {
            if p.manifest.shard == 0 || p.manifest.shard > n {
                problems.push(format!(
                    "{}: shard {} is not one of 1..{n}",
                    name(p),
                    p.manifest.shard
                ));
            }
        }
    }
    if problems.is_empty() {
        parts.sort_by_key(|p| p.manifest.shard);
        Ok(parts)
    } else {
        Err(Error::Usage(format!(
            "cannot merge:\n  {}",
            problems.join("\n  ")
        )))
    }
}

/// The items of every part, in index order; each index must appear once, 0..items.
pub fn union<T>(parts: Vec<Vec<T>>, index: impl Fn(&T) -> u64, items: u64) -> Result<Vec<T>> {
    let mut all: Vec<T> = parts.into_iter().flatten().collect();
    all.sort_by_key(|t| index(t));
    let ok = all.len() as u64 == items && all.iter().enumerate().all(|(i, t)| index(t) == i as u64);
    if !ok {
        return Err(Error::Usage(format!(
            "the parts hold {} items, not exactly items 0..{items} once each: a part folder was changed",
            all.len()
        )));
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_partitions() {
        assert_eq!("3/7".parse::<Shard>().unwrap(), Shard { k: 3, n: 7 });
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        // Every item is owned by exactly one shard.
        for n in 1..8u64 {
            for i in 0..50u64 {
                let owners = (1..=n).filter(|&k| Shard { k, n }.owns(i)).count();
                assert_eq!(owners, 1);
            }
        }
    }

    #[test]
    fn fnv_matches_published_vectors() {
        assert_eq!(fnv1a(FNV_OFFSET, b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(FNV_OFFSET, b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(FNV_OFFSET, b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn union_needs_every_index_once() {
        assert_eq!(
            union(vec![vec![2u64, 0], vec![1]], |x| *x, 3).unwrap(),
            vec![0, 1, 2]
        );
        assert!(union(vec![vec![0u64, 1], vec![1]], |x| *x, 3).is_err());
        assert!(union(vec![vec![0u64]], |x| *x, 2).is_err());
    }
}
