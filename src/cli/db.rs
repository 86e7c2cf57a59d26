//! Where the data of a command comes from (the embedded data, a folder, or a team store) and
//! the `db` commands: `init`, `push`, `pull`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::{InvalidData, UsageError};
use park_atlas::store::{Store, StoreError};

/// The data a command works on.
#[derive(Debug, Clone)]
pub(crate) enum Place {
    /// The embedded Zhanjiang data.
    Embedded,
    /// A dataset folder (`--data`).
    Dir(PathBuf),
    /// A team store (`--db` or `PARK_ATLAS_DB`).
    Db(String),
}

impl Place {
    /// From `--data` and `--db`; both at once is a usage error.
    pub(crate) fn new(data: Option<PathBuf>, db: Option<String>) -> Result<Place> {
        match (data, db) {
            (Some(_), Some(_)) => bail!(UsageError(
                "--data and --db (or PARK_ATLAS_DB) name two datasets; give one".into()
            )),
            (Some(d), None) => Ok(Place::Dir(d)),
            (None, Some(u)) if !u.trim().is_empty() => Ok(Place::Db(u)),
            _ => Ok(Place::Embedded),
        }
    }

    /// The folder, if it is one.
    pub(crate) fn dir(&self) -> Option<&Path> {
        match self {
            Place::Dir(d) => Some(d),
            _ => None,
        }
    }
}

/// Connects to a store, the error said in the user's language. A server that asks for a
/// password nobody gave gets a prompt when the program runs in a terminal.
pub(crate) fn connect(url: &str, zh: bool) -> Result<Store> {
    connect_by(url, zh, Store::connect_with)
}

fn connect_by(
    url: &str,
    zh: bool,
    how: fn(&str, Option<&str>) -> Result<Store, StoreError>,
) -> Result<Store> {
    use std::io::IsTerminal;
    match how(url, None) {
        Err(StoreError::NeedsPassword { address }) if std::io::stdin().is_terminal() => {
            let prompt = if zh {
                format!("{address} 的密码：")
            } else {
                format!("Password for {address}: ")
            };
            let password = rpassword::prompt_password(prompt)?;
            how(url, Some(&password)).map_err(|e| store_error(e, zh))
        }
        other => other.map_err(|e| store_error(e, zh)),
    }
}

/// A store error for the command line: the data's problems are printed, others returned.
pub(crate) fn store_error(e: StoreError, zh: bool) -> anyhow::Error {
    match e {
        StoreError::Dataset(problems) => {
            for p in &problems {
                eprintln!("{}", p.text(zh));
            }
            InvalidData(problems.len()).into()
        }
        StoreError::Refused(r) => {
            let problems = r.all("change set");
            for p in &problems {
                eprintln!("{}", p.text(zh));
            }
            InvalidData(problems.len()).into()
        }
        other => anyhow::anyhow!(other.text(zh)),
    }
}

/// `db init [URL]`.
pub(crate) fn init(url: &str, zh: bool) -> Result<ExitCode> {
    let mut store = connect_by(url, zh, Store::connect_only_with)?;
    let (before, after) = store.init().map_err(|e| store_error(e, zh))?;
    if before == after {
        if zh {
            println!("{}：结构已是版本 {after}，无需更改", store.shown());
        } else {
            println!(
                "{}: schema at version {after} already, nothing to do",
                store.shown()
            );
        }
    } else if zh {
        println!("{}：结构版本 {before} → {after}", store.shown());
    } else {
        println!("{}: schema version {before} → {after}", store.shown());
    }
    Ok(ExitCode::SUCCESS)
}

/// `db push [--data DIR] URL`.
pub(crate) fn push(data: Option<&Path>, url: &str, zh: bool) -> Result<ExitCode> {
    let files = match data {
        Some(d) => park_atlas::io::DatasetFiles::from_dir(d).map_err(|p| {
            for p in &p {
                eprintln!("{}", p.text(zh));
            }
            anyhow::Error::from(InvalidData(p.len()))
        })?,
        None => park_atlas::io::DatasetFiles::embedded(),
    };
    let mut store = connect(url, zh)?;
    let report = store.push(&files).map_err(|e| store_error(e, zh))?;
    let [parks, projects, targets, sources] = report.rows;
    if zh {
        println!(
            "已写入 {}：{parks} 个园区，{projects} 个项目，{targets} 个目标，{sources} 个来源",
            store.shown()
        );
    } else {
        println!(
            "pushed to {}: {parks} parks, {projects} projects, {targets} targets, {sources} sources",
            store.shown()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `db pull URL --out DIR`.
pub(crate) fn pull(url: &str, out: &Path, zh: bool) -> Result<ExitCode> {
    let mut store = connect(url, zh)?;
    let mut files = store.files().map_err(|e| store_error(e, zh))?;
    let loaded =
        park_atlas::io::load_files(&files).map_err(|p| store_error(StoreError::Dataset(p), zh))?;
    let parks: Vec<&park_atlas::model::Park> = loaded.atlas.parks.iter().collect();
    let mut bytes = Vec::new();
    park_atlas::io::export::write_geojson(&parks, &mut bytes)?;
    files.parks = bytes;
    park_atlas::changes::dataset::copy_dataset(&files, out)?;
    if zh {
        println!(
            "已从 {} 写出 {} 个园区到 {}",
            store.shown(),
            parks.len(),
            out.display()
        );
    } else {
        println!(
            "pulled {} parks from {} into {}",
            parks.len(),
            store.shown(),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
