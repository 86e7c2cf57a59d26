//! The room for the formats: one module per format in this folder, each behind the small
//! [`LayerFormat`] interface (recognise the file by its name or first bytes; read it with
//! progress into a layer's features), listed once in [`FORMATS`]. GeoPackage is told by its
//! content; shapefile, delimited table, workbook and KML/KMZ by their names; TopoJSON and
//! ECharts' compressed maps are turned into GeoJSON for the dataset loader. The
//! coordinate-system step ([`super::crs`]) is applied here, in one place, to what they read.

use std::path::Path;

use super::problem::{Msg, Problem, Severity};
use super::progress::Progress;
use super::read::ParsedFile;
use crate::model::Atlas;

pub mod delimited;
pub mod echarts;
pub mod gpkg;
pub mod kml_kmz;
pub mod shp;
pub mod topojson;
pub mod wkb;
pub mod workbook;

pub use delimited::TableOptions;

/// Finds the coordinate system of a parsed GeoJSON file (or takes the declared one) and
/// converts every geometry to WGS-84; says what was done, or `None` when nothing was.
///
/// Evidence is weighed in this order: what was declared; the counties' match; the producer's
/// fingerprint in the format (`producer`: an ECharts compressed map) or in the properties
/// (DataV's).
pub(crate) fn to_wgs84(
    parsed: &mut ParsedFile,
    current: &Atlas,
    declared: Option<super::crs::WebCrs>,
    producer: Option<super::crs::Finding>,
) -> Option<Msg> {
    use super::crs::{WebCrs, detect_by_counties, detect_by_properties};
    let (crs, note) = match declared {
        Some(crs) => (
            crs,
            crate::msg!(
                "coordinates declared as {} — converted to WGS-84",
                crs.name()
            ),
        ),
        None => {
            let found = detect_by_counties(&parsed.counties, &current.counties)
                .or(producer)
                .or_else(|| {
                    parsed
                        .counties
                        .iter()
                        .map(|c| &c.extra)
                        .find_map(detect_by_properties)
                        .or_else(|| {
                            // DataV and others name their columns on every feature: the first
                            // thousand tell.
                            (0..parsed.others.len().min(1000))
                                .find_map(|i| detect_by_properties(&parsed.others.properties(i)))
                        })
                })?;
            (
                found.crs,
                crate::msg!(
                    "coordinates in {}, found from: {} — converted to WGS-84",
                    found.crs.name(),
                    found.evidence
                ),
            )
        }
    };
    if crs == WebCrs::Wgs84 {
        return None;
    }
    let geometries = parsed
        .parks
        .iter_mut()
        .filter_map(|p| p.geometry.as_mut())
        .chain(
            parsed
                .counties
                .iter_mut()
                .filter_map(|c| c.geometry.as_mut()),
        );
    for g in geometries {
        crs.convert(g);
    }
    super::crs::convert_features(&mut parsed.others, crs);
    Some(note)
}

/// A layer file's features and warnings, or the errors that refuse it.
pub type LayerRead = Result<(crate::model::Features, Vec<Problem>), Vec<Problem>>;

/// What the user chose when opening a file: its coordinate system and, for a table, its
/// coordinate columns and sheet.
pub type ReadOptions = delimited::TableOptions;

/// One format opened as a layer. Adding a format is one module in this folder with one of
/// these, and one line in [`FORMATS`].
pub trait LayerFormat: Sync {
    /// The format's name, as the user knows it ("GeoPackage", "KML/KMZ").
    fn name(&self) -> &'static str;
    /// Whether this reader takes the file, from its name or its first bytes (`head`: up to
    /// [`HEAD_LEN`] bytes, fewer for a short file).
    fn recognises(&self, path: &Path, head: &[u8]) -> bool;
    /// Reads the file's features (converted to WGS-84 when the file says what system it is in)
    /// and warnings, reporting progress; a declared web system ([`ReadOptions::crs`]) is applied
    /// afterwards by [`read_layer_file_as`] unless [`Self::applies_declared_crs`].
    fn read(
        &self,
        path: &Path,
        label: &str,
        progress: &Progress,
        options: &ReadOptions,
    ) -> LayerRead;
    /// Whether [`Self::read`] applies a declared system itself (a table, whose column names
    /// may name another).
    fn applies_declared_crs(&self) -> bool {
        false
    }
}

/// How many first bytes of a file the formats are shown to recognise it.
pub const HEAD_LEN: usize = 64;

/// Every format opened as a layer, in the order they are asked; the first that recognises a
/// file reads it. (GeoJSON and TopoJSON are read by the dataset loader, which also tells parks
/// and counties from other features.)
pub static FORMATS: &[&dyn LayerFormat] = &[
    &gpkg::GeoPackage,
    &shp::Shapefile,
    &delimited::Delimited,
    &workbook::Workbook,
    &kml_kmz::KmlFormat,
];

/// Whether the path's extension is one of `extensions` (lower case), in any case.
fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.contains(&e.to_ascii_lowercase().as_str()))
}

/// The first bytes of the file at `path` (empty when it cannot be read: the reader says why).
fn head(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::with_capacity(HEAD_LEN);
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(HEAD_LEN as u64).read_to_end(&mut head);
    }
    head
}

/// The layer format that takes the file at `path`, if any.
pub fn format_of(path: &Path) -> Option<&'static dyn LayerFormat> {
    let head = head(path);
    FORMATS.iter().copied().find(|f| f.recognises(path, &head))
}

/// Reads a file of any [`FORMATS`] as a layer's features and warnings; `None` for a file none
/// of them takes.
pub fn read_layer_file(path: &Path, label: &str, progress: &Progress) -> Option<LayerRead> {
    read_layer_file_as(path, label, progress, &ReadOptions::default())
}

/// [`read_layer_file`] with the user's choices: the coordinate system the file is in (its
/// features are converted to WGS-84 — the one place this is done for every format) and, for a
/// table, its coordinate columns and sheet.
pub fn read_layer_file_as(
    path: &Path,
    label: &str,
    progress: &Progress,
    options: &ReadOptions,
) -> Option<LayerRead> {
    let format = format_of(path)?;
    let read = format.read(path, label, progress, options);
    if format.applies_declared_crs() {
        return Some(read);
    }
    Some(read.map(|(mut features, mut warnings)| {
        if let Some(crs) = options.crs.filter(|c| *c != super::crs::WebCrs::Wgs84) {
            super::crs::convert_features(&mut features, crs);
            warnings.push(Problem::file_level(
                Severity::Warning,
                label,
                crate::msg!(
                    "coordinates declared as {} — converted to WGS-84",
                    crs.name()
                ),
            ));
        }
        (features, warnings)
    }))
}

/// A table's rows (a delimited text file or a workbook's sheet — `sheet`, else the first whose
/// header is `wanted`) handed to `f` with its header; `None` for a file that is no table.
pub fn table_rows<R>(
    path: &Path,
    label: &str,
    sheet: Option<&str>,
    wanted: &dyn Fn(&[String]) -> bool,
    f: impl FnOnce(delimited::Table, delimited::Rows<'_>) -> R,
) -> Option<Result<R, Vec<Problem>>> {
    if delimited::Delimited.recognises(path, &[]) {
        Some(delimited::delimited_rows(path, label, f))
    } else if workbook::Workbook.recognises(path, &[]) {
        Some(workbook::workbook_rows(path, label, sheet, wanted, f))
    } else {
        None
    }
}

/// A file's bytes, or the problem that says why they cannot be read.
pub(crate) fn read_file(path: &Path, label: &str) -> Result<Vec<u8>, Vec<Problem>> {
    std::fs::read(path).map_err(|e| {
        vec![Problem::file_level(
            Severity::Error,
            label,
            crate::msg!("cannot read the file: {}", e),
        )]
    })
}

/// A JSON file as GeoJSON text: a TopoJSON file or a compressed ECharts map decoded, other
/// bytes as they are.
pub struct AsGeoJson {
    /// GeoJSON text (or what the file was, for the GeoJSON reader to judge).
    pub bytes: Vec<u8>,
    /// What was decoded, to tell the user.
    pub note: Option<Problem>,
    /// The coordinate system the format's producer is known to use (ECharts: GCJ-02).
    pub producer: Option<super::crs::Finding>,
}

/// A TopoJSON file's or a compressed ECharts map's features as GeoJSON text, with a note
/// saying what was decoded; other bytes as they are.
pub fn as_geojson(label: &str, bytes: Vec<u8>) -> Result<AsGeoJson, Vec<Problem>> {
    let unchanged = |bytes| {
        Ok(AsGeoJson {
            bytes,
            note: None,
            producer: None,
        })
    };
    let topo = topojson::looks_like_topojson(&bytes);
    if !topo && !echarts::looks_like_echarts(&bytes) {
        return unchanged(bytes);
    }
    let value = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v) => v,
        // Not JSON: the GeoJSON reader says what is wrong.
        Err(_) => return unchanged(bytes),
    };
    let error = |m: Msg| vec![Problem::file_level(Severity::Error, label, m)];
    let count = |fc: &serde_json::Value| fc["features"].as_array().map_or(0, Vec::len);
    let mut producer = None;
    let (fc, note) = if value.get("type").and_then(serde_json::Value::as_str) == Some("Topology") {
        let fc = topojson::to_geojson(&value).map_err(error)?;
        let objects = value["objects"].as_object().map_or(0, serde_json::Map::len);
        let note = crate::msg!(
            "TopoJSON: {} feature(s) from {} object(s), arcs decoded",
            count(&fc),
            objects
        );
        (fc, note)
    } else if echarts::is_echarts(&value) {
        let (fc, dropped) = echarts::to_geojson(&value).map_err(error)?;
        let note = crate::msg!(
            "ECharts compressed map: {} feature(s) decoded ({} degenerate ring(s) of under 4 positions left out)",
            count(&fc),
            dropped
        );
        producer = Some(super::crs::Finding {
            crs: super::crs::WebCrs::Gcj02,
            evidence: crate::msg!(
                "an ECharts compressed map (ECharts' maps of China are in GCJ-02)"
            ),
        });
        (fc, note)
    } else {
        return unchanged(bytes);
    };
    Ok(AsGeoJson {
        bytes: fc.to_string().into_bytes(),
        note: Some(Problem::file_level(Severity::Warning, label, note)),
        producer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each file name goes to the one reader that takes it, and a GeoPackage is told by its
    /// content whatever its name.
    #[test]
    fn every_file_goes_to_one_format() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                "a.CSV",
                &b"lon,lat\n"[..],
                Some("delimited text (CSV/TSV/TXT)"),
            ),
            ("a.tsv", b"x\ty\n", Some("delimited text (CSV/TSV/TXT)")),
            ("a.xlsx", b"PK", Some("workbook (XLSX/XLS/ODS)")),
            ("a.ods", b"PK", Some("workbook (XLSX/XLS/ODS)")),
            ("a.kmz", b"PK", Some("KML/KMZ")),
            ("a.shp", b"\0\0\x27\x0a", Some("ESRI Shapefile")),
            ("a.gpkg", b"SQLite format 3\0rest", Some("GeoPackage")),
            ("named.csv", b"SQLite format 3\0rest", Some("GeoPackage")),
            ("a.geojson", b"{\"type\":\"FeatureCollection\"}", None),
            ("a.gpkg.bak", b"not sqlite", None),
        ];
        for (name, bytes, expected) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let taken: Vec<_> = FORMATS
                .iter()
                .filter(|f| f.recognises(&path, &head(&path)))
                .map(|f| f.name())
                .collect();
            assert_eq!(format_of(&path).map(|f| f.name()), expected, "{name}");
            assert!(taken.len() <= 2, "{name}: {taken:?}");
        }
    }
}
