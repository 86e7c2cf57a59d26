//! The room for the formats opened as layers: which reader takes a file (GeoPackage by its
//! content; shapefile, table, workbook, KML/KMZ by their names; TopoJSON turned into GeoJSON),
//! and the one place the coordinate-system step ([`super::crs`]) is applied to what they read.

use std::path::Path;

use super::problem::{Msg, Problem, Severity};
use super::progress::Progress;
use super::read::ParsedFile;
use crate::model::Atlas;

/// Finds the coordinate system of a parsed GeoJSON file (or takes the declared one) and
/// converts every geometry to WGS-84; says what was done, or `None` when nothing was.
pub(crate) fn to_wgs84(
    parsed: &mut ParsedFile,
    current: &Atlas,
    declared: Option<super::crs::WebCrs>,
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
            let found = detect_by_counties(&parsed.counties, &current.counties).or_else(|| {
                parsed
                    .counties
                    .iter()
                    .map(|c| &c.extra)
                    .chain(parsed.others.iter().map(|f| &f.properties))
                    .find_map(detect_by_properties)
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
        )
        .chain(parsed.others.iter_mut().filter_map(|f| f.geometry.as_mut()));
    for g in geometries {
        crs.convert(g);
    }
    Some(note)
}

/// A layer file's features and warnings, or the errors that refuse it.
pub type LayerRead = Result<(Vec<crate::model::GenericFeature>, Vec<Problem>), Vec<Problem>>;

/// Reads a GeoPackage (told by its content), a shapefile or a delimited text table (by their
/// extensions) as a layer's features and warnings; `None` for any other file.
pub fn read_layer_file(path: &Path, label: &str, progress: &Progress) -> Option<LayerRead> {
    read_layer_file_as(
        path,
        label,
        progress,
        &super::delimited::TableOptions::default(),
    )
}

/// [`read_layer_file`] with the user's choices: the coordinate system the file is in (its
/// features are converted to WGS-84) and, for a table, its coordinate columns.
pub fn read_layer_file_as(
    path: &Path,
    label: &str,
    progress: &Progress,
    options: &super::delimited::TableOptions,
) -> Option<LayerRead> {
    let read = if super::gpkg_read::is_sqlite(path) {
        super::gpkg_read::read_gpkg(path, label, progress)
    } else if super::shp_read::is_shapefile(path) {
        super::shp_read::read_shp(path, label, progress)
    } else if super::delimited::is_delimited(path) {
        // A table applies the declared system itself (its column names may name another).
        return Some(super::delimited::read_delimited(
            path, label, progress, options,
        ));
    } else if super::workbook::is_workbook(path) {
        return Some(super::workbook::read_workbook(
            path, label, progress, options,
        ));
    } else if super::kml_read::is_kml(path) {
        super::kml_read::read_kml(path, label, progress)
    } else {
        return None;
    };
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

/// A TopoJSON file's features as GeoJSON text (and a note saying so); other bytes as they are.
pub fn topojson_as_geojson(
    label: &str,
    bytes: Vec<u8>,
) -> Result<(Vec<u8>, Option<Problem>), Vec<Problem>> {
    if !super::topojson::looks_like_topojson(&bytes) {
        return Ok((bytes, None));
    }
    let value = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v) if v.get("type").and_then(serde_json::Value::as_str) == Some("Topology") => v,
        // Not a topology after all, or not JSON: the GeoJSON reader says what it is.
        _ => return Ok((bytes, None)),
    };
    let error = |m: Msg| vec![Problem::file_level(Severity::Error, label, m)];
    let fc = super::topojson::to_geojson(&value).map_err(error)?;
    let n = fc["features"].as_array().map_or(0, Vec::len);
    let objects = value["objects"].as_object().map_or(0, serde_json::Map::len);
    let note = Problem::file_level(
        Severity::Warning,
        label,
        crate::msg!(
            "TopoJSON: {} feature(s) from {} object(s), arcs decoded",
            n,
            objects
        ),
    );
    Ok((fc.to_string().into_bytes(), Some(note)))
}
