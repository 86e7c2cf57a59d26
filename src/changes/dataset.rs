//! Change sets applied to a dataset folder: the parks file and the change log beside it are
//! written together through the crash-safe writer (both or neither), after the loader's
//! checks pass on the data as it would be.

use std::path::{Path, PathBuf};

use super::{ChangeSet, LogEntry, Refused, apply};
use crate::io::problem::{Problem, Severity};

/// The change log's file name in a dataset folder: one JSON object per line, appended.
pub const LOG_FILE: &str = "changes.jsonl";

/// Why a change set was not applied to a folder.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The change set's file is not a change set.
    #[error("{0}")]
    BadChangeSet(String),
    /// The dataset does not load.
    #[error("the dataset does not load ({} problem(s))", .0.len())]
    Dataset(Vec<Problem>),
    /// Conflicts or invalid changes: nothing was written.
    #[error("refused: {} conflict(s), {} other problem(s)", .0.conflicts.len(), .0.problems.len())]
    Refused(Refused),
    /// Writing failed: the old files stay.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What a change set did to a folder.
#[derive(Debug, Clone)]
pub struct Report {
    /// The log entries written.
    pub log: Vec<LogEntry>,
    /// Parks before and after.
    pub parks: (usize, usize),
}

/// Reads a change set (JSON), saying where it is wrong.
pub fn parse(bytes: &[u8]) -> Result<ChangeSet, ApplyError> {
    serde_json::from_slice(bytes).map_err(|e| ApplyError::BadChangeSet(e.to_string()))
}

/// Applies `set` to the dataset in `dir`: its parks file and change log are replaced together,
/// or, on any conflict or problem, nothing is written.
pub fn apply_to_dir(dir: &Path, set: &ChangeSet, label: &str) -> Result<Report, ApplyError> {
    let loaded = crate::io::load_dir(dir).map_err(ApplyError::Dataset)?;
    let before = loaded.atlas.parks.len();
    let applied = apply(&loaded.atlas, set, label).map_err(ApplyError::Refused)?;
    save(dir, &applied.atlas.parks, &applied.log)?;
    Ok(Report {
        parks: (before, applied.atlas.parks.len()),
        log: applied.log,
    })
}

/// Writes the parks to `dir`'s parks file and appends `log` to its change log, both or
/// neither.
pub fn save(dir: &Path, parks: &[crate::model::Park], log: &[LogEntry]) -> Result<(), ApplyError> {
    let parks_path = dir.join(crate::io::dataset::PARKS_FILE);
    let log_path = dir.join(LOG_FILE);
    let old_log = match std::fs::read(&log_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(source) => {
            return Err(ApplyError::Write {
                path: log_path,
                source,
            });
        }
    };
    let refs: Vec<&crate::model::Park> = parks.iter().collect();
    crate::io::atomic::write_atomic_pair(
        &parks_path,
        |w| crate::io::export::write_geojson(&refs, w),
        &log_path,
        |w| {
            w.write_all(&old_log)?;
            if !old_log.is_empty() && !old_log.ends_with(b"\n") {
                w.write_all(b"\n")?;
            }
            for e in log {
                serde_json::to_writer(&mut *w, e)?;
                w.write_all(b"\n")?;
            }
            Ok(())
        },
    )
    .map_err(|source| ApplyError::Write {
        path: parks_path,
        source,
    })
}

/// The change log of the dataset in `dir` (oldest first); lines that do not read are skipped
/// and counted.
pub fn read_log(dir: &Path) -> (Vec<LogEntry>, usize) {
    let Ok(text) = std::fs::read_to_string(dir.join(LOG_FILE)) else {
        return (Vec::new(), 0);
    };
    let mut bad = 0;
    let entries = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).map_err(|_| bad += 1).ok())
        .collect();
    (entries, bad)
}

/// A dataset error as problems for the user.
impl ApplyError {
    /// Every problem behind the error (`label`: the change set's name).
    pub fn problems(&self, label: &str) -> Vec<Problem> {
        match self {
            ApplyError::Dataset(p) => p.clone(),
            ApplyError::Refused(r) => r.all(label),
            ApplyError::BadChangeSet(e) => vec![Problem::file_level(
                Severity::Error,
                label,
                crate::msg!("not a change set: {}", e),
            )],
            ApplyError::Write { path, source } => vec![Problem::file_level(
                Severity::Error,
                &path.display().to_string(),
                crate::msg!("cannot write the file: {}", source),
            )],
        }
    }
}

/// Writes a dataset's files into a new folder `dir` (made if missing) to change from then on:
/// the parks, and the counties, clusters, city-wide figures and land when there are any. A
/// folder that holds a dataset already is refused (nothing is overwritten).
pub fn copy_dataset(files: &crate::io::DatasetFiles, dir: &Path) -> Result<(), ApplyError> {
    use crate::io::dataset::{CITYWIDE_FILE, CLUSTERS_FILE, COUNTIES_FILE, LAND_FILE, PARKS_FILE};
    let write_err = |path: PathBuf| move |source| ApplyError::Write { path, source };
    let parks = dir.join(PARKS_FILE);
    if parks.exists() {
        return Err(write_err(parks)(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "a dataset is there already",
        )));
    }
    std::fs::create_dir_all(dir).map_err(write_err(dir.to_path_buf()))?;
    let others = [
        (COUNTIES_FILE, &files.counties),
        (CLUSTERS_FILE, &files.clusters),
        (CITYWIDE_FILE, &files.citywide),
        (LAND_FILE, &files.land),
    ];
    for (name, bytes) in others {
        if let Some(bytes) = bytes {
            let path = dir.join(name);
            crate::io::atomic::write_atomic(&path, bytes).map_err(write_err(path))?;
        }
    }
    // The parks last: a folder is a dataset once they are there.
    crate::io::atomic::write_atomic(&parks, &files.parks).map_err(write_err(parks))
}
