//! `park-atlas convert`: anything Park Atlas opens as a layer (a table, a GeoPackage, a
//! shapefile, a GeoJSON file of features or counties) read by the same readers as the window,
//! its coordinates brought to WGS-84, and written as GeoJSON (RFC 7946) or CSV — a planner's
//! "turn this AMap spreadsheet into a layer QGIS places right".

use std::io::Write;
use std::path::Path;

use serde_json::{Map, Value};

use super::formats::TableOptions;
use super::problem::{Problem, Severity};
use super::progress::Progress;
use crate::model::{Atlas, Features, GenericFeature};

/// What a file converted to: its features (WGS-84) and what was found and done on the way.
pub type Converted = Result<(Features, Vec<Problem>), Vec<Problem>>;

/// Reads `path` as features in WGS-84. `reference` gives the counties a counties file is
/// matched against (to find GCJ-02/BD-09). A parks file is refused: `export` writes parks.
pub fn read_features(path: &Path, options: &TableOptions, reference: &Atlas) -> Converted {
    let label = path.display().to_string();
    let progress = Progress::default();
    if let Some(read) = super::dataset::read_layer_file_as(path, &label, &progress, options) {
        return read;
    }
    let bytes = super::formats::read_file(path, &label)?;
    let json = super::dataset::as_geojson(&label, bytes)?;
    let (mut parsed, mut problems) =
        super::read::parse_geojson(&label, &json.bytes, Some(&reference.taxonomy));
    problems.extend(json.note);
    if super::problem::has_errors(&problems) {
        return Err(problems);
    }
    if !parsed.parks.is_empty() {
        return Err(vec![Problem::file_level(
            Severity::Error,
            &label,
            crate::msg!(
                "a parks file: write parks with `park-atlas export` (convert writes layers)"
            ),
        )]);
    }
    if let Some(note) = super::formats::to_wgs84(&mut parsed, reference, options.crs, json.producer)
    {
        problems.push(Problem::file_level(Severity::Warning, &label, note));
    }
    let counties: Vec<GenericFeature> = parsed
        .counties
        .into_iter()
        .map(|c| {
            let mut properties = Map::new();
            properties.insert("adcode".into(), Value::from(c.adcode));
            for (k, v) in [
                ("name_zh", c.name_zh),
                ("name_en", c.name_en),
                ("kind", c.kind),
            ] {
                if let Some(v) = v {
                    properties.insert(k.into(), Value::from(v));
                }
            }
            properties.extend(c.extra);
            GenericFeature {
                id: None,
                properties,
                geometry: c.geometry,
            }
        })
        .collect();
    let mut features = Features::from(counties);
    features.append(&parsed.others);
    Ok((features, problems))
}

/// The output formats of `convert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// GeoJSON (RFC 7946), one feature per line.
    GeoJson,
    /// CSV, UTF-8 with a byte-order mark (for Excel): the properties, then `lon` and `lat` for
    /// points or `wkt` for other geometries.
    Csv,
    /// GeoPackage: one feature table named after the file, properties as typed columns.
    Gpkg,
}

impl Output {
    /// From a file name's extension: `.geojson`/`.json`, `.csv` or `.gpkg`.
    pub fn from_path(path: &Path) -> Option<Output> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "geojson" | "json" => Some(Output::GeoJson),
            "csv" => Some(Output::Csv),
            "gpkg" => Some(Output::Gpkg),
            _ => None,
        }
    }
}

/// Writes features to `path` (atomically: the old file stays on any error).
pub fn write_features(
    features: &Features,
    path: &Path,
    output: Output,
) -> Result<(), super::gpkg::GpkgError> {
    match output {
        Output::GeoJson => {
            super::atomic::write_atomic_with(path, |w| write_geojson(features, w))?;
        }
        Output::Csv => {
            let features = features.to_vec(0..features.len());
            super::atomic::write_atomic_with(path, |w| write_csv(&features, w))?;
        }
        Output::Gpkg => {
            let table = path.file_stem().map_or_else(
                || "features".to_owned(),
                |s| s.to_string_lossy().into_owned(),
            );
            let features = features.to_vec(0..features.len());
            super::gpkg::write_features_gpkg(&features, &table, path)?;
        }
    }
    Ok(())
}

/// GeoJSON straight from the store: each feature's id and properties are copied as the JSON
/// text they are kept in, its geometry written from the flat coordinates.
fn write_geojson(features: &Features, w: &mut dyn Write) -> std::io::Result<()> {
    use serde_json::value::RawValue;
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    let mut line = Vec::with_capacity(256);
    for i in 0..features.len() {
        line.clear();
        if i > 0 {
            line.extend_from_slice(b",\n");
        }
        line.extend_from_slice(b"{\"type\":\"Feature\",");
        let text = features.raw_text(i).unwrap_or(b"[null,{}]");
        let (id, properties): (&RawValue, &RawValue) =
            serde_json::from_slice(text).map_err(std::io::Error::other)?;
        if id.get() != "null" {
            line.extend_from_slice(b"\"id\":");
            line.extend_from_slice(id.get().as_bytes());
            line.push(b',');
        }
        line.extend_from_slice(b"\"properties\":");
        line.extend_from_slice(properties.get().as_bytes());
        line.extend_from_slice(b",\"geometry\":");
        match features.flat(i) {
            Some(g) => g.write_geojson(&mut line),
            None => line.extend_from_slice(b"null"),
        }
        line.push(b'}');
        w.write_all(&line)?;
    }
    w.write_all(b"\n]}\n")
}

fn write_csv(features: &[GenericFeature], w: &mut dyn Write) -> std::io::Result<()> {
    let mut keys: Vec<&str> = Vec::new();
    for f in features {
        for k in f.properties.keys() {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
    }
    let points = features
        .iter()
        .all(|f| matches!(f.geometry, None | Some(geo::Geometry::Point(_))));
    w.write_all("\u{feff}".as_bytes())?;
    let mut out = csv::Writer::from_writer(w);
    let mut header: Vec<&str> = keys.clone();
    if points {
        header.extend(["lon", "lat"]);
    } else {
        header.push("wkt");
    }
    out.write_record(&header)?;
    for f in features {
        let mut row: Vec<String> = keys
            .iter()
            .map(|k| match f.properties.get(*k) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            })
            .collect();
        match (&f.geometry, points) {
            (Some(geo::Geometry::Point(p)), true) => {
                row.push(p.x().to_string());
                row.push(p.y().to_string());
            }
            (None, true) => row.extend([String::new(), String::new()]),
            (Some(g), false) => row.push(wkt::ToWkt::wkt_string(g)),
            (None, false) => row.push(String::new()),
            (Some(_), true) => row.extend([String::new(), String::new()]),
        }
        out.write_record(&row)?;
    }
    out.flush()
}
