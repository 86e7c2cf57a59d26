//! The commands that read and write files: loading the data, `validate`, `export`, `map` and
//! `brief`, and the filters and choices they share with `list` and `stats`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::{ChosenArgs, FilterArgs, InvalidData, Lang, UsageError};
use park_atlas::Atlas;
use park_atlas::io::{self, Problem, Severity};
use park_atlas::query::{self, Filter};

pub(crate) fn print_problems(problems: &[Problem]) {
    for p in problems {
        eprintln!("{p}");
    }
}

pub(crate) fn load(place: &super::db::Place) -> Result<Atlas> {
    use super::db::Place;
    let loaded = match place {
        Place::Db(url) => {
            let zh = system_lang() == Lang::Zh;
            let mut store = super::db::connect(url, zh)?;
            return store
                .load()
                .map(|l| {
                    print_problems(&l.warnings);
                    l.atlas
                })
                .map_err(|e| super::db::store_error(e, zh));
        }
        Place::Dir(d) => io::load(Some(d)),
        Place::Embedded => io::load(None),
    };
    match loaded {
        Ok(l) => {
            print_problems(&l.warnings);
            Ok(l.atlas)
        }
        Err(problems) => {
            print_problems(&problems);
            let n = problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .count();
            Err(InvalidData(n).into())
        }
    }
}

pub(crate) fn build_filter(atlas: &Atlas, args: &FilterArgs) -> Result<Filter> {
    let mut f = Filter::default();
    for c in &args.clusters {
        if atlas.taxonomy.cluster(c).is_none() {
            let known: Vec<&str> = atlas
                .taxonomy
                .clusters
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            bail!(UsageError(format!(
                "unknown cluster {c:?}; known clusters: {}",
                known.join(", ")
            )));
        }
        f.clusters.insert(c.clone());
    }
    for g in &args.groups {
        if atlas.taxonomy.group(g).is_none() {
            let known: Vec<&str> = atlas
                .taxonomy
                .groups
                .iter()
                .map(|g| g.id.as_str())
                .collect();
            bail!(UsageError(format!(
                "unknown cluster group {g:?}; known groups: {}",
                known.join(", ")
            )));
        }
        f.groups.insert(g.clone());
    }
    for c in &args.counties {
        let Some(county) = atlas.resolve_county(c) else {
            let known: Vec<String> = atlas
                .counties
                .iter()
                .map(|c| format!("{} {}", c.adcode, c.name(false)))
                .collect();
            bail!(UsageError(format!(
                "unknown county {c:?}; known counties: {}",
                known.join(", ")
            )));
        };
        f.counties.insert(county.adcode.clone());
    }
    f.tiers = args.tiers.iter().copied().collect();
    f.roles = args.roles.iter().copied().collect();
    f.text = args.search.clone().unwrap_or_default();
    Ok(f)
}

/// The system's language as the locale says (the first of LC_ALL, LC_MESSAGES, LANG that is
/// set): Chinese for `zh…`, else English.
pub(crate) fn system_lang() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    if locale.to_ascii_lowercase().starts_with("zh") {
        Lang::Zh
    } else {
        Lang::En
    }
}

pub(crate) fn validate(
    data: Option<&Path>,
    files: &[PathBuf],
    zh: bool,
    crs: Option<io::crs::WebCrs>,
) -> Result<ExitCode> {
    // Cluster ids are checked against the dataset's taxonomy (embedded unless --data).
    let taxonomy = match data {
        Some(d) => load(&super::db::Place::Dir(d.to_path_buf()))?.taxonomy,
        None => io::load_embedded()
            .map(|l| l.atlas.taxonomy)
            .unwrap_or_default(),
    };
    let mut errors = 0;
    let mut warnings = 0;
    for path in files {
        let label = path.display().to_string();
        let problems = if path.is_dir() {
            match io::load_dir(path) {
                Ok(l) => l.warnings,
                Err(p) => p,
            }
        } else if let Some(read) = io::dataset::read_layer_file_as(
            path,
            &label,
            &io::progress::Progress::default(),
            &io::formats::TableOptions {
                crs,
                ..Default::default()
            },
        ) {
            // A GeoPackage or a shapefile: what opening it as a layer would say.
            match read {
                Ok((features, w)) => {
                    if zh {
                        say!("{label}：图层，{} 个要素", features.len());
                    } else {
                        say!("{label}: a layer of {} feature(s)", features.len());
                    }
                    w
                }
                Err(p) => p,
            }
        } else {
            io::validate_path(&label, path, &taxonomy)
        };
        for p in &problems {
            eprintln!("{}", p.text(zh));
        }
        let e = problems.iter().filter(|p| p.is_error()).count();
        errors += e;
        warnings += problems.len() - e;
        if e == 0 && zh {
            say!("{label}：通过（{} 个警告）", problems.len());
        } else if e == 0 {
            say!("{label}: ok ({} warning(s))", problems.len());
        }
    }
    if errors > 0 && zh {
        eprintln!("{errors} 个错误，{warnings} 个警告");
        Ok(ExitCode::from(1))
    } else if errors > 0 {
        eprintln!("{errors} error(s), {warnings} warning(s)");
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

pub(crate) fn export(atlas: &Atlas, args: &ChosenArgs, out: &Path) -> Result<ExitCode> {
    if io::Format::from_path(out).is_none() {
        bail!(UsageError(format!(
            "cannot tell the format from {}: use a .geojson, .json, .csv or .gpkg file name",
            out.display()
        )));
    }
    let parks: Vec<_> = chosen(atlas, args)?
        .into_iter()
        .filter_map(|i| atlas.parks.get(i))
        .collect();
    let report = io::export_parks(atlas, &parks, out)
        .with_context(|| format!("export to {} failed", out.display()))?;
    for f in &report.files {
        say!("wrote {}", f.display());
    }
    say!("{} parks, {} projects", report.parks, report.projects);
    Ok(ExitCode::SUCCESS)
}

/// Indices of the parks that pass the filters and, when ids are given, are among them.
pub(crate) fn chosen(atlas: &Atlas, args: &ChosenArgs) -> Result<Vec<usize>> {
    let ids = &args.ids;
    for id in ids {
        if atlas.park(id).is_none() {
            bail!(UsageError(format!(
                "unknown park id {id:?} (park-atlas list shows the ids)"
            )));
        }
    }
    let filter = build_filter(atlas, &args.filters)?;
    Ok(query::filter_parks(atlas, &filter)
        .into_iter()
        .filter(|&i| {
            atlas
                .parks
                .get(i)
                .is_some_and(|p| ids.is_empty() || ids.contains(&p.id))
        })
        .collect())
}

pub(crate) fn default_title(n: usize, zh: bool) -> String {
    if zh {
        format!("湛江产业园区 · {n} 个园区")
    } else {
        format!("Zhanjiang industrial parks · {n} parks")
    }
}

pub(crate) fn map_image(
    atlas: &Atlas,
    args: &ChosenArgs,
    out: &Path,
    width: u32,
    lang: Lang,
    title: Option<String>,
    outline_text: bool,
) -> Result<ExitCode> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("png" | "svg")) {
        bail!(UsageError(format!(
            "cannot tell the format from {}: use a .png or .svg file name",
            out.display()
        )));
    }
    if outline_text && ext.as_deref() != Some("svg") {
        bail!(UsageError(
            "--outline-text is for SVG files (a PNG's text is pixels already)".to_owned()
        ));
    }
    if !(200..=20_000).contains(&width) {
        bail!(UsageError(format!(
            "--width {width}: use 200 to 20000 pixels"
        )));
    }
    let parks = chosen(atlas, args)?;
    let zh = lang == Lang::Zh;
    let options = park_atlas::render::MapOptions {
        width: f64::from(width),
        chinese: zh,
        title: title.unwrap_or_else(|| default_title(parks.len(), zh)),
        bounds: None,
    };
    let (svg, _) = park_atlas::render::map_svg(atlas, &parks, &options);
    let bytes = if outline_text {
        park_atlas::render::svg_outlined(&svg)?.into_bytes()
    } else if ext.as_deref() == Some("svg") {
        svg.into_bytes()
    } else {
        park_atlas::render::png_from_svg(&svg, width)?
    };
    io::atomic::write_atomic(out, &bytes)
        .with_context(|| format!("could not write {}", out.display()))?;
    say!(
        "wrote {} ({} parks highlighted)",
        out.display(),
        parks.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn brief(
    atlas: &Atlas,
    args: &ChosenArgs,
    out: &Path,
    lang: Lang,
    title: Option<String>,
    date: Option<String>,
) -> Result<ExitCode> {
    let parks = chosen(atlas, args)?;
    if parks.is_empty() {
        bail!(UsageError(
            "no park matches: the brief would be empty".into()
        ));
    }
    let zh = lang == Lang::Zh;
    let options = park_atlas::render::brief::BriefOptions {
        chinese: zh,
        title: title.unwrap_or_else(|| default_title(parks.len(), zh)),
        date: date.unwrap_or_else(park_atlas::render::brief::today),
    };
    let pdf = park_atlas::render::brief::brief_pdf(atlas, &parks, &options)?;
    io::atomic::write_atomic(out, &pdf)
        .with_context(|| format!("could not write {}", out.display()))?;
    say!("wrote {} ({} parks)", out.display(), parks.len());
    Ok(ExitCode::SUCCESS)
}

/// `convert`: a layer file to WGS-84 GeoJSON, CSV or GeoPackage.
pub(crate) fn convert(
    input: &Path,
    out: &Path,
    options: io::formats::TableOptions,
    zh: bool,
) -> Result<ExitCode> {
    use io::convert::{Output, read_features, write_features};
    let Some(output) = Output::from_path(out) else {
        bail!(UsageError(format!(
            "cannot tell the format from {}: use a .geojson, .csv or .gpkg file name",
            out.display()
        )));
    };
    let reference = io::load_embedded().map(|l| l.atlas).unwrap_or_default();
    let (features, warnings) = match read_features(input, &options, &reference) {
        Ok(r) => r,
        Err(problems) => {
            for p in &problems {
                eprintln!("{}", p.text(zh));
            }
            return Err(InvalidData(problems.iter().filter(|p| p.is_error()).count()).into());
        }
    };
    for w in &warnings {
        eprintln!("{}", w.text(zh));
    }
    write_features(&features, out, output)
        .with_context(|| format!("writing {} failed", out.display()))?;
    let located = (0..features.len())
        .filter(|&i| features.flat(i).is_some())
        .count();
    if zh {
        say!(
            "已写入 {}：{} 个要素（{} 个有位置），WGS-84",
            out.display(),
            features.len(),
            located
        );
    } else {
        say!(
            "wrote {}: {} feature(s) ({} with a location), WGS-84",
            out.display(),
            features.len(),
            located
        );
    }
    Ok(ExitCode::SUCCESS)
}
