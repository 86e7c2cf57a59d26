//! Reading an ESRI Shapefile (`.shp` with its `.dbf`, `.shx`, and `.prj`/`.cpg` when present)
//! as a layer: what land bureaus and older GIS desktops hand over. Longitude/latitude on WGS 84
//! or CGCS2000 (the same to well under a metre at this scale) is used as it is; a projected
//! `.prj` is reprojected (see [`crate::io::reproject`]); attribute text is decoded as the `.cpg` says, else as UTF-8, else as GBK — the encoding
//! Chinese Windows saves in — with a warning that says so.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use serde_json::{Map, Value};
use shapefile::dbase::{self, FieldValue};

use crate::io::problem::{Msg, Problem, Severity};
use crate::io::progress::Progress;
use crate::io::reproject::{ToWgs84, cannot_convert, datum_of, outside_lon_lat, wkt_name};
use crate::model::GenericFeature;

/// ESRI Shapefiles, by the `.shp` name as every GIS does.
pub struct Shapefile;

impl super::LayerFormat for Shapefile {
    fn name(&self) -> &'static str {
        "ESRI Shapefile"
    }

    fn recognises(&self, path: &Path, _head: &[u8]) -> bool {
        super::has_extension(path, &["shp"])
    }

    fn read(
        &self,
        path: &Path,
        label: &str,
        progress: &Progress,
        _options: &super::ReadOptions,
    ) -> super::LayerRead {
        read_shp(path, label, progress)
    }
}

/// What the `.prj` says about the coordinates.
enum Crs {
    /// WGS 84 longitude/latitude.
    Wgs84,
    /// Another geographic system close enough to WGS 84 to draw with (named).
    Close(&'static str),
    /// Anything else (its name).
    Other(String),
}

fn crs_of(wkt: &str) -> Crs {
    let upper = wkt.to_ascii_uppercase();
    if upper.trim_start().starts_with("PROJCS") || upper.contains("PROJECTION[") {
        return Crs::Other(wkt_name(wkt).unwrap_or("a projected system").to_owned());
    }
    match datum_of(wkt) {
        Some("WGS 84") => Crs::Wgs84,
        Some(close) => Crs::Close(close),
        None => Crs::Other(wkt_name(wkt).unwrap_or("an unknown system").to_owned()),
    }
}

/// Reads the shapefile at `path` (labelled `label` in problems): its features with their
/// attributes as properties, and warnings. A projected or unknown coordinate system, a missing
/// `.dbf` or a file that does not read is an error, and nothing is opened.
pub fn read_shp(path: &Path, label: &str, progress: &Progress) -> super::LayerRead {
    let error = |msg: Msg| vec![Problem::file_level(Severity::Error, label, msg)];
    let warn = |msg: Msg| Problem::file_level(Severity::Warning, label, msg);
    let mut warnings = Vec::new();
    let mut reproject = None;
    match std::fs::read_to_string(path.with_extension("prj")) {
        Ok(wkt) => match crs_of(&wkt) {
            Crs::Wgs84 => {}
            Crs::Close(name) => warnings.push(warn(crate::msg!(
                "coordinates in {}, drawn as WGS 84 (the two differ by well under a metre)",
                name
            ))),
            Crs::Other(name) => match ToWgs84::from_wkt(&wkt) {
                Ok(t) => {
                    warnings.push(warn(t.note.clone()));
                    reproject = Some(t);
                }
                Err(why) => {
                    let what = crate::msg!("the coordinates are in {}", name);
                    return Err(error(cannot_convert(what, why.msg(), path)));
                }
            },
        },
        Err(_) => warnings.push(warn(crate::msg!(
            "no .prj beside the file: the coordinates are taken as WGS 84 longitude/latitude"
        ))),
    }
    let has_cpg = path.with_extension("cpg").exists();
    let reproject = reproject.as_ref();
    let (mut features, lossy) = read_with(path, label, progress, reproject, &mut warnings)?;
    if !lossy || has_cpg {
        if lossy {
            warnings.push(warn(crate::msg!(
                "some text does not decode in the encoding the .cpg names: shown with �"
            )));
        }
        return Ok((features.into(), warnings));
    }
    // Not UTF-8 and no .cpg to say what it is: Chinese Windows saves GBK. Only the attributes
    // are read again; the shapes (reprojected already) stay.
    let dbf = File::open(path.with_extension("dbf"))
        .map_err(|e| error(crate::msg!("cannot open the .dbf file: {}", e)))?;
    let dbf_error = |e: dbase::Error| error(crate::msg!("cannot read the .dbf file: {}", e));
    let mut records = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::EncodingRs::from(encoding_rs::GBK))
        .build(BufReader::new(dbf))
        .map_err(dbf_error)?;
    let mut lossy = false;
    for (f, record) in features.iter_mut().zip(records.iter_records()) {
        let (properties, bad) = properties(record.map_err(dbf_error)?);
        f.properties = properties;
        lossy |= bad;
    }
    warnings.push(warn(if lossy {
        crate::msg!("the attribute text is neither UTF-8 nor GBK and there is no .cpg saying what it is: read as GBK, with � where it does not decode")
    } else {
        crate::msg!("no .cpg and the attribute text is not UTF-8: read as GBK (GB18030), the encoding Chinese Windows saves")
    }));
    Ok((features.into(), warnings))
}

/// One pass over the file, its text decoded as the `.cpg` says, else as UTF-8. Also says
/// whether any text did not decode (a replacement character in a name or a value).
fn read_with(
    path: &Path,
    label: &str,
    progress: &Progress,
    reproject: Option<&ToWgs84>,
    warnings: &mut Vec<Problem>,
) -> Result<(Vec<GenericFeature>, bool), Vec<Problem>> {
    let error = |msg: Msg| vec![Problem::file_level(Severity::Error, label, msg)];
    let read_error = |e: shapefile::Error| {
        error(match e {
            shapefile::Error::MissingDbf => {
                crate::msg!("the .dbf file beside it (its attributes) is missing")
            }
            e => crate::msg!("cannot read the shapefile: {}", e),
        })
    };
    let mut reader = shapefile::Reader::from_path(path).map_err(read_error)?;
    let total = reader.shape_count().unwrap_or(0);
    progress.set_total(total);
    let mut features = Vec::with_capacity(total);
    let mut lossy = false;
    let mut multipatches = 0usize;
    for (n, item) in reader.iter_shapes_and_records().enumerate() {
        if progress.is_cancelled() {
            return Err(error(crate::msg!("cancelled")));
        }
        progress.step();
        let (shape, record) =
            item.map_err(|e| error(crate::msg!("shape {}: cannot read it: {}", n + 1, e)))?;
        let mut geometry = match shape {
            shapefile::Shape::NullShape => None,
            shapefile::Shape::Multipatch(_) => {
                multipatches += 1;
                None
            }
            shape => match geo::Geometry::<f64>::try_from(shape) {
                Ok(g) => Some(g),
                Err(e) => {
                    warnings.push(Problem::file_level(
                        Severity::Warning,
                        label,
                        crate::msg!(
                            "shape {}: {}; the feature is kept without a geometry",
                            n + 1,
                            format!("{:?}", e)
                        ),
                    ));
                    None
                }
            },
        };
        if let (Some(t), Some(g)) = (reproject, geometry.as_mut()) {
            t.apply(g)
                .map_err(|why| error(crate::msg!("shape {}: {}", n + 1, why.msg())))?;
        }
        if let Some((x, y)) = geometry.as_ref().and_then(outside_lon_lat) {
            return Err(error(crate::msg!(
                "shape {} has a coordinate ({}, {}) that is not a longitude/latitude: the file is in a projected system (convert it with `ogr2ogr -t_srs EPSG:4326 out.shp {}`)",
                n + 1,
                x,
                y,
                path.display()
            )));
        }
        let (properties, bad) = properties(record);
        lossy |= bad;
        features.push(GenericFeature {
            id: None,
            properties,
            geometry,
        });
    }
    if multipatches > 0 {
        warnings.push(Problem::file_level(
            Severity::Warning,
            label,
            crate::msg!(
                "{} of {} shapes are MultiPatch: 3-D surfaces (buildings, terrain models) that a flat map does not draw; they are kept with their attributes but without a location. To see their footprints, flatten them first: `ogr2ogr -nlt MULTIPOLYGON -dim XY flat.shp {}`",
                multipatches,
                features.len(),
                path.display()
            ),
        ));
    }
    Ok((features, lossy))
}

/// A record's fields as properties, and whether any name or text did not decode (a
/// replacement character).
fn properties(record: dbase::Record) -> (Map<String, Value>, bool) {
    let mut properties = Map::new();
    let mut lossy = false;
    for (name, value) in record {
        let value = json(value);
        lossy |=
            name.contains('\u{fffd}') || value.as_str().is_some_and(|s| s.contains('\u{fffd}'));
        properties.insert(name.trim().to_owned(), value);
    }
    (properties, lossy)
}

/// A dBase value as JSON (unknown as null, dates as YYYY-MM-DD).
fn json(v: FieldValue) -> Value {
    let num = |x: f64| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
    match v {
        FieldValue::Character(s) => s.map_or(Value::Null, |s| Value::String(s.trim().to_owned())),
        FieldValue::Memo(s) => Value::String(s),
        FieldValue::Numeric(x) => x.map_or(Value::Null, |x| {
            // Whole numbers (ids, counts) as integers.
            if x.fract() == 0.0 && x.abs() < 9.0e15 {
                Value::from(x as i64)
            } else {
                num(x)
            }
        }),
        FieldValue::Float(x) => x.map_or(Value::Null, |x| num(f64::from(x))),
        FieldValue::Double(x) | FieldValue::Currency(x) => num(x),
        FieldValue::Integer(n) => Value::from(n),
        FieldValue::Logical(b) => b.map_or(Value::Null, Value::Bool),
        FieldValue::Date(d) => d.map_or(Value::Null, |d| {
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }),
        FieldValue::DateTime(dt) => {
            let (d, t) = (dt.date(), dt.time());
            Value::String(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                t.hours(),
                t.minutes(),
                t.seconds()
            ))
        }
    }
}
