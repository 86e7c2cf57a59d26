//! Parks → files: GeoJSON (RFC 7946, every property, reloads losslessly), CSV (one row per
//! park, plus a projects CSV beside it; UTF-8 with BOM for Excel; formula cells neutralised)
//! and GeoPackage ([`super::gpkg`]).
//! Every file is written atomically.

use std::path::{Path, PathBuf};

use geo::Geometry;
use serde_json::{Map, Value, json};

use super::atomic::{write_atomic_pair, write_atomic_with};
use crate::model::{Atlas, Park, Project, Source, Target};

/// Export failures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The extension names no format we write.
    #[error("cannot tell the format from {0:?}: use a .geojson, .json, .csv or .gpkg file name")]
    UnknownFormat(PathBuf),
    /// Writing failed; the old file (if any) is untouched.
    #[error("could not write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// JSON encoding failed (nothing was written).
    #[error("could not encode GeoJSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Building the GeoPackage failed (nothing was written).
    #[error("could not build the GeoPackage: {0}")]
    Gpkg(#[from] super::gpkg::GpkgError),
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 7946 GeoJSON.
    GeoJson,
    /// CSV (parks file plus a `-projects.csv` beside it).
    Csv,
    /// OGC GeoPackage: a `parks` layer, `projects` and `targets` tables.
    GeoPackage,
}

impl Format {
    /// The format for a file name, from its extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "geojson" | "json" => Some(Format::GeoJson),
            "csv" => Some(Format::Csv),
            "gpkg" => Some(Format::GeoPackage),
            _ => None,
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportReport {
    /// Files written, main file first.
    pub files: Vec<PathBuf>,
    /// Parks written.
    pub parks: usize,
    /// Project rows written (CSV) or contained (GeoJSON).
    pub projects: usize,
}

/// Writes the given parks to `path` in the format its extension names.
pub fn export_parks(
    atlas: &Atlas,
    parks: &[&Park],
    path: &Path,
) -> Result<ExportReport, ExportError> {
    let format =
        Format::from_path(path).ok_or_else(|| ExportError::UnknownFormat(path.to_owned()))?;
    let projects = parks.iter().map(|p| p.projects.len()).sum();
    match format {
        Format::GeoJson => {
            write_atomic_with(path, |w| write_geojson(parks, w)).map_err(|source| {
                ExportError::Write {
                    path: path.to_owned(),
                    source,
                }
            })?;
            Ok(ExportReport {
                files: vec![path.to_owned()],
                parks: parks.len(),
                projects,
            })
        }
        Format::GeoPackage => {
            super::gpkg::write_gpkg(atlas, parks, path).map_err(|e| match e {
                super::gpkg::GpkgError::Io(source) => ExportError::Write {
                    path: path.to_owned(),
                    source,
                },
                e => e.into(),
            })?;
            Ok(ExportReport {
                files: vec![path.to_owned()],
                parks: parks.len(),
                projects,
            })
        }
        Format::Csv => {
            let projects_path = projects_csv_path(path);
            // Both files are replaced together or neither is; each is streamed row by row.
            write_atomic_pair(
                path,
                |w| write_parks_csv(atlas, parks, w),
                &projects_path,
                |w| write_projects_csv(parks, w),
            )
            .map_err(|source| ExportError::Write {
                path: path.to_owned(),
                source,
            })?;
            Ok(ExportReport {
                files: vec![path.to_owned(), projects_path],
                parks: parks.len(),
                projects,
            })
        }
    }
}

/// `parks.csv` → `parks-projects.csv`.
pub fn projects_csv_path(path: &Path) -> PathBuf {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("parks");
    path.with_file_name(format!("{stem}-projects.csv"))
}

/// Streams the parks as an RFC 7946 FeatureCollection, one feature per line (as GDAL writes
/// it): memory stays at one feature whatever the number of parks.
pub fn write_geojson(parks: &[&Park], w: &mut dyn std::io::Write) -> std::io::Result<()> {
    w.write_all(b"{\"type\": \"FeatureCollection\", \"features\": [\n")?;
    for (i, p) in parks.iter().enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut *w, &park_feature(p)?)?;
    }
    w.write_all(b"\n]}\n")
}

/// The parks as an RFC 7946 FeatureCollection (text).
pub fn geojson_string(parks: &[&Park]) -> Result<String, ExportError> {
    let out = in_memory(|w| write_geojson(parks, w))?;
    String::from_utf8(out).map_err(|e| ExportError::Write {
        path: PathBuf::from("(memory)"),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}

fn opt<T: Into<Value> + Clone>(v: &Option<T>) -> Value {
    v.clone().map_or(Value::Null, Into::into)
}

fn with_extra(mut obj: Map<String, Value>, extra: &Map<String, Value>) -> Value {
    for (k, v) in extra {
        obj.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Value::Object(obj)
}

fn project_value(p: &Project) -> Value {
    let mut o = Map::new();
    o.insert("name_zh".into(), opt(&p.name_zh));
    o.insert("name_en".into(), opt(&p.name_en));
    o.insert("investor".into(), opt(&p.investor));
    o.insert("amount".into(), opt(&p.amount));
    o.insert("currency".into(), opt(&p.currency));
    o.insert("year".into(), opt(&p.year));
    o.insert("status".into(), opt(&p.status));
    o.insert("status_date".into(), opt(&p.status_date));
    o.insert("clusters".into(), json!(p.clusters));
    o.insert("source_ids".into(), json!(p.source_ids));
    with_extra(o, &p.extra)
}

fn target_value(t: &Target) -> Value {
    let mut o = Map::new();
    o.insert("year".into(), opt(&t.year));
    o.insert("metric".into(), opt(&t.metric));
    o.insert("value".into(), opt(&t.value));
    o.insert("unit".into(), opt(&t.unit));
    o.insert("text".into(), opt(&t.text));
    o.insert("source_ids".into(), json!(t.source_ids));
    with_extra(o, &t.extra)
}

fn source_value(s: &Source) -> Value {
    let mut o = Map::new();
    o.insert("title".into(), opt(&s.title));
    o.insert("outlet".into(), opt(&s.outlet));
    o.insert("date".into(), opt(&s.date));
    o.insert("url".into(), opt(&s.url));
    o.insert("quality".into(), opt(&s.quality));
    with_extra(o, &s.extra)
}

/// One park as a GeoJSON Feature with all its properties.
pub fn park_feature(p: &Park) -> Result<Value, serde_json::Error> {
    let mut o = Map::new();
    o.insert("id".into(), json!(p.id));
    o.insert("name_zh".into(), opt(&p.name_zh));
    o.insert("name_en".into(), opt(&p.name_en));
    o.insert("county_adcodes".into(), json!(p.county_adcodes));
    o.insert("tier".into(), json!(p.tier.as_str()));
    o.insert("role".into(), json!(p.role.as_str()));
    o.insert("parent_id".into(), opt(&p.parent_id));
    o.insert("area_km2".into(), opt(&p.area_km2));
    o.insert("clusters".into(), json!(p.clusters));
    o.insert(
        "projects".into(),
        Value::Array(p.projects.iter().map(project_value).collect()),
    );
    o.insert(
        "targets".into(),
        Value::Array(p.targets.iter().map(target_value).collect()),
    );
    o.insert("location_accuracy_km".into(), opt(&p.location_accuracy_km));
    let sources: Map<String, Value> = p
        .sources
        .iter()
        .map(|(k, s)| (k.clone(), source_value(s)))
        .collect();
    o.insert("sources".into(), Value::Object(sources));
    let props = with_extra(o, &p.extra);
    let geometry = match &p.geometry {
        Some(g) => geometry_value(g)?,
        None => Value::Null,
    };
    Ok(json!({
        "type": "Feature",
        "id": p.id,
        "properties": props,
        "geometry": geometry,
    }))
}

/// A geo geometry as a GeoJSON geometry object.
pub fn geometry_value(g: &Geometry<f64>) -> Result<Value, serde_json::Error> {
    let gj = geojson::Geometry::new(geojson::GeometryValue::from(g));
    serde_json::to_value(gj)
}

/// Neutralises a text cell that a spreadsheet would run as a formula (OWASP: a leading
/// `=`, `+`, `-`, `@`, tab or carriage return gets a `'` in front).
pub fn safe_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

fn num(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

const BOM: &[u8] = "\u{feff}".as_bytes();

/// Streams rows as CSV (UTF-8 with a byte-order mark for spreadsheets, CRLF line ends): text
/// through [`safe_cell`], unknown values as empty cells.
fn write_rows(rows: super::rows::Rows, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    use super::rows::Field;
    w.write_all(BOM)?;
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    let io = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        kind => std::io::Error::other(format!("{kind:?}")),
    };
    out.write_record(rows.names()).map_err(io)?;
    for row in rows.rows {
        let cells = row.iter().map(|f| match f {
            Field::Text(t) => safe_cell(t.as_deref().unwrap_or("")),
            Field::Real(x) => num(*x),
            Field::Int(n) => n.map(|n| n.to_string()).unwrap_or_default(),
        });
        out.write_record(cells).map_err(io)?;
    }
    out.flush()
}

/// Streams the parks as CSV: one row per park; investment totals in one column per currency.
pub fn write_parks_csv(
    atlas: &Atlas,
    parks: &[&Park],
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write_rows(super::rows::park_rows(atlas, parks, true), w)
}

/// Streams the projects as CSV: one row per project, with the park it belongs to and its
/// sources' addresses.
pub fn write_projects_csv(parks: &[&Park], w: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_rows(super::rows::project_rows(parks), w)
}

/// [`write_parks_csv`] into memory.
pub fn parks_csv(atlas: &Atlas, parks: &[&Park]) -> Result<Vec<u8>, ExportError> {
    in_memory(|w| write_parks_csv(atlas, parks, w))
}

/// [`write_projects_csv`] into memory.
pub fn projects_csv(parks: &[&Park]) -> Result<Vec<u8>, ExportError> {
    in_memory(|w| write_projects_csv(parks, w))
}

fn in_memory(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::new();
    write(&mut out).map_err(|source| ExportError::Write {
        path: PathBuf::from("(memory)"),
        source,
    })?;
    Ok(out)
}
