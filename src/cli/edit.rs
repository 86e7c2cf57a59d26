//! The commands that change data: `apply` (a change set), through the library's change sets.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};

use super::db::Place;
use crate::{InvalidData, UsageError};
use park_atlas::changes::dataset::{ApplyError, apply_to_dir, parse};

/// `apply CHANGES.json --data DIR`.
pub(crate) fn apply(place: &Place, changes: &Path, zh: bool) -> Result<ExitCode> {
    if let Place::Db(url) = place {
        return apply_db(url, changes, zh);
    }
    let Some(dir) = place.dir() else {
        bail!(UsageError(if zh {
            "apply 需要 --data 文件夹：内置数据不能修改（先用 `park-atlas copy-data 文件夹` 复制一份）".to_owned()
        } else {
            "apply needs --data DIR: the embedded data cannot be changed (copy it first with `park-atlas copy-data DIR`)".to_owned()
        }));
    };
    let label = changes.display().to_string();
    let result = std::fs::read(changes)
        .map_err(|e| ApplyError::BadChangeSet(e.to_string()))
        .and_then(|bytes| parse(&bytes))
        .and_then(|set| apply_to_dir(dir, &set, &label));
    match result {
        Ok(report) => {
            print_log(&report.log);
            if zh {
                println!(
                    "已应用 {} 项修改；园区 {} → {} 个；已写入 {} 和 {}",
                    report.log.len(),
                    report.parks.0,
                    report.parks.1,
                    dir.join("parks.geojson").display(),
                    dir.join(park_atlas::changes::dataset::LOG_FILE).display()
                );
            } else {
                println!(
                    "applied {} change(s); parks {} → {}; wrote {} and {}",
                    report.log.len(),
                    report.parks.0,
                    report.parks.1,
                    dir.join("parks.geojson").display(),
                    dir.join(park_atlas::changes::dataset::LOG_FILE).display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => refused(e.problems(&label), zh),
    }
}

/// `apply CHANGES.json --db URL`: one transaction, checked against the rows as they are.
fn apply_db(url: &str, changes: &Path, zh: bool) -> Result<ExitCode> {
    let label = changes.display().to_string();
    let set = match std::fs::read(changes)
        .map_err(|e| ApplyError::BadChangeSet(e.to_string()))
        .and_then(|bytes| parse(&bytes))
    {
        Ok(set) => set,
        Err(e) => return refused(e.problems(&label), zh),
    };
    let mut store = super::db::connect(url, zh)?;
    let atlas = store
        .load()
        .map_err(|e| super::db::store_error(e, zh))?
        .atlas;
    let before = atlas.parks.len();
    match store.apply(atlas, &set, &label) {
        Ok(applied) => {
            print_log(&applied.log);
            if zh {
                println!(
                    "已应用 {} 项修改；园区 {} → {} 个；已保存到 {}（一个事务）",
                    applied.log.len(),
                    before,
                    applied.atlas.parks.len(),
                    store.shown()
                );
            } else {
                println!(
                    "applied {} change(s); parks {} → {}; saved to {} (one transaction)",
                    applied.log.len(),
                    before,
                    applied.atlas.parks.len(),
                    store.shown()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(park_atlas::store::StoreError::Refused(r)) => refused(r.all(&label), zh),
        Err(e) => Err(super::db::store_error(e, zh)),
    }
}

/// Lists why nothing was written; exit 1.
fn refused(problems: Vec<park_atlas::io::Problem>, zh: bool) -> Result<ExitCode> {
    for p in &problems {
        eprintln!("{}", p.text(zh));
    }
    if zh {
        eprintln!("未写入任何内容：{} 个问题", problems.len());
    } else {
        eprintln!("nothing was written: {} problem(s)", problems.len());
    }
    Err(InvalidData(problems.len()).into())
}

/// One line per applied change.
fn print_log(log: &[park_atlas::changes::LogEntry]) {
    for e in log {
        println!(
            "{} {} {}: {} → {}{}",
            e.op,
            e.park,
            e.field,
            short(&e.from),
            short(&e.to),
            e.source
                .as_deref()
                .map(|s| format!(" [{s}]"))
                .unwrap_or_default()
        );
    }
}

/// A value for one line of output.
fn short(v: &serde_json::Value) -> String {
    let t = v.to_string();
    if t.chars().count() > 60 {
        format!("{}…", t.chars().take(60).collect::<String>())
    } else {
        t
    }
}

/// `import-projects LIST --data DIR`.
pub(crate) fn import_projects(
    place: &Place,
    list: &Path,
    options: &park_atlas::changes::import::ImportOptions,
    dry_run: bool,
    zh: bool,
) -> Result<ExitCode> {
    use park_atlas::changes::import::{ParkMatch, plan_import};
    let mut store = match place {
        Place::Db(url) => Some(super::db::connect(url, zh)?),
        _ => None,
    };
    let dir = place.dir();
    if dir.is_none() && store.is_none() {
        bail!(UsageError(if zh {
            "import-projects 需要 --data 文件夹：内置数据不能修改（先用 `park-atlas copy-data 文件夹` 复制一份）".to_owned()
        } else {
            "import-projects needs --data DIR: the embedded data cannot be changed (copy it first with `park-atlas copy-data DIR`)".to_owned()
        }));
    }
    let fail = |problems: Vec<park_atlas::io::Problem>| -> Result<ExitCode> {
        for p in &problems {
            eprintln!("{}", p.text(zh));
        }
        Err(InvalidData(problems.len()).into())
    };
    let loaded = match (&mut store, dir) {
        (Some(store), _) => match store.load() {
            Ok(l) => Ok(l),
            Err(park_atlas::store::StoreError::Dataset(p)) => Err(p),
            Err(e) => return Err(super::db::store_error(e, zh)),
        },
        (None, Some(dir)) => park_atlas::io::load_dir(dir),
        (None, None) => park_atlas::io::load_embedded(),
    };
    let atlas = match loaded {
        Ok(l) => l.atlas,
        Err(p) => return fail(p),
    };
    let plan = match plan_import(&atlas, list, options) {
        Ok(plan) => plan,
        Err(p) => return fail(p),
    };
    for w in &plan.warnings {
        eprintln!("{}", w.text(zh));
    }
    let name = |p: &serde_json::Map<String, serde_json::Value>| {
        p.get("name_zh")
            .or_else(|| p.get("name_en"))
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let (mut added, mut skipped, mut unmatched) = (0, 0, 0);
    for r in &plan.rows {
        match (&r.park, r.duplicate) {
            (ParkMatch::Exact(id), true) => {
                skipped += 1;
                if zh {
                    println!("第 {} 行：{} → {}：已有，跳过", r.row, name(&r.project), id);
                } else {
                    println!(
                        "row {}: {} → {}: already there, skipped",
                        r.row,
                        name(&r.project),
                        id
                    );
                }
            }
            (ParkMatch::Exact(id), false) => {
                added += 1;
                let amount = r
                    .project
                    .get("amount_text")
                    .and_then(|v| v.as_str())
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default();
                if zh {
                    println!("第 {} 行：{}{} → {}", r.row, name(&r.project), amount, id);
                } else {
                    println!("row {}: {}{} → {}", r.row, name(&r.project), amount, id);
                }
            }
            (ParkMatch::Candidates(c), _) => {
                unmatched += 1;
                let close: Vec<String> = c
                    .iter()
                    .map(|(id, s)| format!("{id} ({:.0}%)", s * 100.0))
                    .collect();
                let close = if close.is_empty() {
                    "—".to_owned()
                } else {
                    close.join(", ")
                };
                if zh {
                    eprintln!(
                        "第 {} 行：{}：园区“{}”没有完全对应的园区，未导入；最接近：{}",
                        r.row,
                        name(&r.project),
                        r.park_text,
                        close
                    );
                } else {
                    eprintln!(
                        "row {}: {}: no park is exactly \"{}\", not imported; closest: {}",
                        r.row,
                        name(&r.project),
                        r.park_text,
                        close
                    );
                }
            }
        }
    }
    let set = plan.changes();
    if !dry_run && !set.changes.is_empty() {
        let label = list.display().to_string();
        match (&mut store, dir) {
            (Some(store), _) => match store.apply(atlas, &set, &label) {
                Ok(_) => {}
                Err(park_atlas::store::StoreError::Refused(r)) => return fail(r.all(&label)),
                Err(e) => return Err(super::db::store_error(e, zh)),
            },
            (None, Some(dir)) => {
                if let Err(e) = apply_to_dir(dir, &set, &label) {
                    return fail(e.problems(&label));
                }
            }
            (None, None) => {}
        }
    }
    let verb = if dry_run {
        if zh { "将导入" } else { "would import" }
    } else if zh {
        "已导入"
    } else {
        "imported"
    };
    if zh {
        println!("{verb} {added} 个项目；已有而跳过 {skipped} 行；未匹配 {unmatched} 行");
    } else {
        println!(
            "{verb} {added} project(s); {skipped} row(s) already there; {unmatched} row(s) not matched"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `copy-data DIR`.
pub(crate) fn copy_data(data: Option<&Path>, dir: &Path) -> Result<ExitCode> {
    let files = match data {
        Some(d) => match park_atlas::io::DatasetFiles::from_dir(d) {
            Ok(f) => f,
            Err(p) => {
                for p in &p {
                    eprintln!("{p}");
                }
                return Err(InvalidData(p.len()).into());
            }
        },
        None => park_atlas::io::DatasetFiles::embedded(),
    };
    park_atlas::changes::dataset::copy_dataset(&files, dir)?;
    println!("{}", dir.display());
    Ok(ExitCode::SUCCESS)
}
