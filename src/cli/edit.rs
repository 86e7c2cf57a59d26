//! The commands that change data: `apply` (a change set), through the library's change sets.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::{InvalidData, UsageError};
use park_atlas::changes::dataset::{ApplyError, apply_to_dir, parse};

/// `apply CHANGES.json --data DIR`.
pub(crate) fn apply(data: Option<&Path>, changes: &Path, zh: bool) -> Result<ExitCode> {
    let Some(dir) = data else {
        bail!(UsageError(if zh {
            "apply 需要 --data 文件夹：内置数据不能修改（先用 `park-atlas export --out 文件夹/parks.geojson` 复制一份）".to_owned()
        } else {
            "apply needs --data DIR: the embedded data cannot be changed (copy it first with `park-atlas export --out DIR/parks.geojson`)".to_owned()
        }));
    };
    let label = changes.display().to_string();
    let result = std::fs::read(changes)
        .map_err(|e| ApplyError::BadChangeSet(e.to_string()))
        .and_then(|bytes| parse(&bytes))
        .and_then(|set| apply_to_dir(dir, &set, &label));
    match result {
        Ok(report) => {
            for e in &report.log {
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
        Err(e) => {
            let problems = e.problems(&label);
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
