//! Reading a GeoPackage (QGIS's default format, and what GDAL, ArcGIS and Park Atlas itself
//! write) as a layer: the features of every feature table brought to WGS 84 (see
//! [`crate::io::reproject`]), with their columns as properties. The file is opened read-only; nothing is held beyond the features.

use std::path::Path;

use geozero::ToGeo;
use geozero::wkb::GpkgWkb;
use rusqlite::{Connection, OpenFlags, types::ValueRef};
use serde_json::Value;

use crate::io::problem::{Msg, Problem, Severity};
use crate::io::progress::Progress;
use crate::io::reproject::{ToWgs84, cannot_convert, outside_lon_lat};

/// The first bytes of every SQLite database (and so of every GeoPackage).
pub const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// GeoPackages, by their content (an SQLite database), whatever their name.
pub struct GeoPackage;

impl super::LayerFormat for GeoPackage {
    fn name(&self) -> &'static str {
        "GeoPackage"
    }

    fn recognises(&self, _path: &Path, head: &[u8]) -> bool {
        head.starts_with(SQLITE_MAGIC)
    }

    fn read(
        &self,
        path: &Path,
        label: &str,
        progress: &Progress,
        _options: &super::ReadOptions,
    ) -> super::LayerRead {
        read_gpkg(path, label, progress)
    }
}

/// One feature table of the file.
struct Table {
    name: String,
    geometry: String,
    srs: String,
    geographic: bool,
    /// The coordinate system's WKT (`gpkg_spatial_ref_sys.definition`).
    definition: Option<String>,
}

/// Reads every feature table of the GeoPackage at `path` (labelled `label` in problems):
/// the features, and warnings (attribute tables not opened, geometries that do not decode —
/// those features are kept without a geometry — and tables reprojected to WGS 84 from another
/// system). A file that is not a GeoPackage, or a table in a system that cannot be converted,
/// is an error: a map in the wrong place would be worse than none.
pub fn read_gpkg(path: &Path, label: &str, progress: &Progress) -> super::LayerRead {
    let error = |msg: Msg| vec![Problem::file_level(Severity::Error, label, msg)];
    let db = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| error(crate::msg!("cannot open the GeoPackage: {}", e)))?;
    let sql = |e: rusqlite::Error| error(crate::msg!("cannot read the GeoPackage: {}", e));
    let is_gpkg: bool = db
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('gpkg_contents', 'gpkg_geometry_columns')",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(sql)?
        == 2;
    if !is_gpkg {
        return Err(error(crate::msg!(
            "an SQLite database but not a GeoPackage (it has no gpkg_contents and gpkg_geometry_columns tables)"
        )));
    }
    let mut warnings = Vec::new();
    let tables: Vec<Table> = db
        .prepare(
            "SELECT c.table_name, g.column_name, g.srs_id, s.organization, s.organization_coordsys_id, s.srs_name, s.definition
             FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
             LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
             WHERE c.data_type = 'features' ORDER BY c.table_name",
        )
        .and_then(|mut st| {
            st.query_map([], |r| {
                let srs_id: i64 = r.get(2)?;
                let org: Option<String> = r.get(3)?;
                let code: Option<i64> = r.get(4)?;
                let name: Option<String> = r.get(5)?;
                let org = org.unwrap_or_default().to_ascii_uppercase();
                // EPSG:4326, or OGC's CRS84 (the same datum, longitude first as stored).
                let geographic = (org == "EPSG" && code == Some(4326))
                    || (org == "OGC" && code == Some(84))
                    || (org.is_empty() && srs_id == 4326);
                let srs = match (org.is_empty(), code) {
                    (false, Some(c)) => format!("{org}:{c}"),
                    _ => name.unwrap_or_else(|| format!("srs_id {srs_id}")),
                };
                Ok(Table {
                    name: r.get(0)?,
                    geometry: r.get(1)?,
                    srs,
                    geographic,
                    definition: r.get(6)?,
                })
            })?
            .collect()
        })
        .map_err(sql)?;
    let attributes: Vec<String> = db
        .prepare("SELECT table_name FROM gpkg_contents WHERE data_type <> 'features' ORDER BY table_name")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .map_err(sql)?;
    for t in attributes {
        warnings.push(Problem::file_level(
            Severity::Warning,
            label,
            crate::msg!(
                "table {} has no geometry: not opened (the feature tables are)",
                format!("{:?}", t)
            ),
        ));
    }
    if tables.is_empty() {
        return Err(error(crate::msg!("the GeoPackage has no feature table")));
    }
    // Tables in another system are reprojected from their WKT; one that cannot be is refused.
    let mut reprojections = Vec::with_capacity(tables.len());
    for t in &tables {
        if t.geographic {
            reprojections.push(None);
            continue;
        }
        let converted = t
            .definition
            .as_deref()
            .ok_or_else(|| crate::msg!("no definition"))
            .and_then(|wkt| ToWgs84::from_wkt(wkt).map_err(|e| e.msg()));
        match converted {
            Ok(r) => {
                warnings.push(Problem::file_level(
                    Severity::Warning,
                    label,
                    crate::msg!(
                        "{}: {} ({})",
                        format!("{:?}", t.name),
                        r.note.clone(),
                        &t.srs
                    ),
                ));
                reprojections.push(Some(r));
            }
            Err(why) => {
                let what = crate::msg!("{} is in {}", format!("{:?}", t.name), &t.srs);
                return Err(error(cannot_convert(what, why, path)));
            }
        }
    }
    let mut total = 0;
    for t in &tables {
        let n: i64 = db
            .query_row(
                &format!("SELECT count(*) FROM {}", quote(&t.name)),
                [],
                |r| r.get(0),
            )
            .map_err(sql)?;
        total += usize::try_from(n).unwrap_or(0);
    }
    progress.set_total(total);
    let several = tables.len() > 1;
    let mut features = crate::model::Features::default();
    for (t, reproject) in tables.iter().zip(&reprojections) {
        // A view has no rowid: it is read in one pass.
        let span: Option<(Option<i64>, Option<i64>)> = db
            .query_row(
                &format!("SELECT min(rowid), max(rowid) FROM {}", quote(&t.name)),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok();
        let rows = Rows {
            table: t,
            reproject: reproject.as_ref(),
            several,
            label,
            progress,
        };
        let (first, last) = match span {
            Some((Some(first), Some(last))) => (first, last),
            Some(_) => continue,
            None => (i64::MIN, i64::MAX),
        };
        // A big table is read in two halves of its rows, each on its own connection and core.
        let mid = first + (last - first) / 2;
        let (a, b) = if span.is_some() && last - first > PARALLEL_ROWS {
            let before: i64 = db
                .query_row(
                    &format!("SELECT count(*) FROM {} WHERE rowid <= ?1", quote(&t.name)),
                    [mid],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            std::thread::scope(|s| {
                let second = s.spawn(|| {
                    let db = Connection::open_with_flags(
                        path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )
                    .map_err(sql)?;
                    rows.read(&db, mid + 1, last, before)
                });
                let a = rows.read(&db, first, mid, 0);
                let b = second.join().unwrap_or_else(|_| {
                    Err(error(crate::msg!(
                        "internal error while reading the features"
                    )))
                });
                (a, b)
            })
        } else {
            (rows.read(&db, first, last, 0), Ok(Default::default()))
        };
        for (f, w) in [a?, b?] {
            features.append(&f);
            warnings.extend(w);
        }
    }
    Ok((features, warnings))
}

/// Above this many rows a table is read on two threads.
const PARALLEL_ROWS: i64 = 50_000;

/// How the rows of one table are read.
struct Rows<'a> {
    table: &'a Table,
    reproject: Option<&'a ToWgs84>,
    several: bool,
    label: &'a str,
    progress: &'a Progress,
}

impl Rows<'_> {
    /// Reads the rows with `first <= rowid <= last` (the first of them is row `before + 1` of
    /// the table, for messages): each row's columns are written straight as the feature's
    /// JSON text, its geometry decoded and brought to WGS 84.
    fn read(
        &self,
        db: &Connection,
        first: i64,
        last: i64,
        before: i64,
    ) -> Result<(crate::model::Features, Vec<Problem>), Vec<Problem>> {
        let (t, label) = (self.table, self.label);
        let error = |msg: Msg| vec![Problem::file_level(Severity::Error, label, msg)];
        let sql = |e: rusqlite::Error| error(crate::msg!("cannot read the GeoPackage: {}", e));
        let mut warnings = Vec::new();
        let mut features = crate::model::Features::default();
        let whole = (first, last) == (i64::MIN, i64::MAX);
        let query = if whole {
            format!("SELECT * FROM {} WHERE ?1 < ?2", quote(&t.name))
        } else {
            format!(
                "SELECT * FROM {} WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid",
                quote(&t.name)
            )
        };
        let mut st = db.prepare(&query).map_err(sql)?;
        let names: Vec<String> = st.column_names().map(str::to_owned).collect();
        // Column names as JSON strings, once.
        let keys: Vec<String> = names
            .iter()
            .map(|n| Value::String(n.clone()).to_string())
            .collect();
        let table_member = format!(",\"gpkg_table\":{}", Value::String(t.name.clone()));
        let mut rows = st.query([first, last]).map_err(sql)?;
        let mut props: Vec<u8> = Vec::new();
        // A geometry walked straight into the store's form (WGS 84 tables), else decoded.
        let mut flat = super::wkb::Flat::default();
        let mut row_number = before;
        while let Some(row) = rows.next().map_err(sql)? {
            if self.progress.is_cancelled() {
                return Err(error(crate::msg!("cancelled")));
            }
            self.progress.step();
            row_number += 1;
            props.clear();
            props.push(b'{');
            let mut geometry = None;
            let mut walked = false;
            let mut id = None;
            for (k, name) in names.iter().enumerate() {
                let Ok(value) = row.get_ref(k) else { continue };
                if name.eq_ignore_ascii_case(&t.geometry) {
                    if let ValueRef::Blob(blob) = value {
                        if self.reproject.is_none()
                            && super::wkb::gpkg_flat(blob, &mut flat).is_some()
                        {
                            walked = true;
                            continue;
                        }
                        match GpkgWkb(blob).to_geo() {
                            Ok(mut g) => {
                                if let Some(r) = self.reproject {
                                    r.apply(&mut g).map_err(|why| {
                                        error(crate::msg!("{}: {}", format!("{:?}", t.name), why.msg()))
                                    })?;
                                }
                                geometry = Some(g);
                            }
                            Err(e) => warnings.push(Problem::file_level(
                                Severity::Warning,
                                label,
                                crate::msg!("{} row {}: the geometry does not decode ({}); the feature is kept without one", format!("{:?}", t.name), row_number, e),
                            )),
                        }
                    }
                    continue;
                }
                if name.eq_ignore_ascii_case("fid") {
                    let mut text = Vec::new();
                    write_json(value, &mut text);
                    id = String::from_utf8(text).ok();
                    continue;
                }
                if props.len() > 1 {
                    props.push(b',');
                }
                props.extend_from_slice(keys.get(k).map_or("\"\"", String::as_str).as_bytes());
                props.push(b':');
                write_json(value, &mut props);
            }
            if self.several {
                props.extend_from_slice(
                    if props.len() > 1 {
                        &table_member
                    } else {
                        &table_member[1..]
                    }
                    .as_bytes(),
                );
            }
            props.push(b'}');
            let outside = if walked {
                flat.coords
                    .iter()
                    .find(|c| !(-180.0..=180.0).contains(&c[0]) || !(-90.0..=90.0).contains(&c[1]))
                    .map(|c| (c[0], c[1]))
            } else {
                geometry.as_ref().and_then(outside_lon_lat)
            };
            if let Some(bad) = outside {
                return Err(error(crate::msg!(
                    "{} has a coordinate ({}, {}) that is not a longitude/latitude, though the table says WGS 84",
                    format!("{:?}", t.name),
                    bad.0,
                    bad.1
                )));
            }
            // JSON written by serde_json and the keys: UTF-8.
            let props = std::str::from_utf8(&props).unwrap_or("{}");
            if walked {
                features.push_encoded(&flat.tokens, &flat.coords, id.as_deref(), props);
            } else {
                features.push_raw(geometry.as_ref(), id.as_deref(), props);
            }
        }
        features.shrink_to_fit();
        Ok((features, warnings))
    }
}

/// Writes an SQLite value as JSON text (a BLOB other than the geometry as a note of its
/// size), without building a JSON value.
fn write_json(v: ValueRef<'_>, out: &mut Vec<u8>) {
    use std::io::Write;
    // Writing to a Vec does not fail.
    let _ = match v {
        ValueRef::Null => out.write_all(b"null"),
        ValueRef::Integer(n) => write!(out, "{n}"),
        ValueRef::Real(x) => match serde_json::Number::from_f64(x) {
            Some(n) => write!(out, "{n}"),
            None => out.write_all(b"null"),
        },
        ValueRef::Text(t) => serde_json::to_writer(&mut *out, &String::from_utf8_lossy(t))
            .map_err(std::io::Error::other),
        ValueRef::Blob(b) => write!(out, "\"(binary, {} bytes)\"", b.len()),
    };
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The value `write_json` writes, built (what the reader did before it wrote text).
    fn json(v: ValueRef<'_>) -> Value {
        match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => Value::from(n),
            ValueRef::Real(x) => serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number),
            ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::String(format!("(binary, {} bytes)", b.len())),
        }
    }

    #[test]
    fn values_are_written_as_the_json_they_are() {
        let texts: [&[u8]; 6] = [
            b"",
            "湛江 \"东海岛\"".as_bytes(),
            b"tab\there\nnew line \\ back\x01",
            b"\xff\xfe not UTF-8",
            "emoji 🏭".as_bytes(),
            b"</script>",
        ];
        let mut values = vec![
            ValueRef::Null,
            ValueRef::Integer(0),
            ValueRef::Integer(i64::MIN),
            ValueRef::Integer(i64::MAX),
            ValueRef::Real(0.1),
            ValueRef::Real(-0.0),
            ValueRef::Real(1e300),
            ValueRef::Real(110.123456789012),
            ValueRef::Real(f64::NAN),
            ValueRef::Real(f64::INFINITY),
            ValueRef::Blob(b"\x00\x01\x02"),
        ];
        values.extend(texts.iter().map(|t| ValueRef::Text(t)));
        for v in values {
            let mut out = Vec::new();
            write_json(v, &mut out);
            let text = String::from_utf8(out).unwrap();
            assert_eq!(text, json(v).to_string(), "{v:?}");
            let _: Value = serde_json::from_str(&text).unwrap();
        }
    }
}
