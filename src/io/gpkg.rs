//! GeoPackage export (OGC GeoPackage 1.3, QGIS's default format): a `parks` feature table
//! (the geometry plus the parks CSV's columns), and `projects` and `targets` attribute tables
//! keyed by `park_id`. SQLite (rusqlite, bundled) writes the database straight into a
//! temporary file beside the target, which is then renamed over it (the crash-safe path of the
//! other exports), so the export holds no second copy of the file in memory.

use std::path::Path;

use geo::BoundingRect;
use geozero::{CoordDimensions, ToWkb};
use rusqlite::{Connection, params_from_iter, types::Value as Sql};

use super::rows::{Field, Kind, Rows, park_rows, project_rows, target_rows};
use crate::model::{Atlas, GenericFeature, Park};

/// GeoPackage failures.
#[derive(Debug, thiserror::Error)]
pub enum GpkgError {
    /// SQLite refused something.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file could not be written or renamed into place.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A geometry could not be encoded.
    #[error("could not encode a geometry of park {id:?}: {message}")]
    Geometry {
        /// The park.
        id: String,
        /// Why.
        message: String,
    },
}

const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]"#;

/// The GeoPackage's required tables (spec 1.3, clauses 1.1.2–1.1.4).
const SCHEMA: &str = r#"
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
"#;

/// Writes these parks as a GeoPackage to `path`, replacing it atomically.
pub fn write_gpkg(atlas: &Atlas, parks: &[&Park], path: &Path) -> Result<(), GpkgError> {
    write_with(path, |tx| fill(tx, atlas, parks))
}

/// Writes features as a GeoPackage of one feature table named `table` (what `park-atlas
/// convert` writes): their properties as columns — integers, reals or text by what the column
/// holds, other values as JSON text — and their geometries in WGS-84.
pub fn write_features_gpkg(
    features: &[GenericFeature],
    table: &str,
    path: &Path,
) -> Result<(), GpkgError> {
    let rows = feature_rows(features);
    write_with(path, |tx| {
        let geometries = features
            .iter()
            .enumerate()
            .map(|(i, f)| (f.geometry.as_ref(), (i + 1).to_string()));
        feature_table(
            tx,
            table,
            "Converted by Park Atlas (WGS-84)",
            rows,
            geometries,
        )
    })
}

/// A new GeoPackage at `path` (replaced atomically): the required tables, then `fill` in one
/// transaction.
fn write_with(
    path: &Path,
    fill: impl FnOnce(&rusqlite::Transaction) -> Result<(), GpkgError>,
) -> Result<(), GpkgError> {
    super::atomic::write_atomic_by_path(path, |tmp| {
        let mut db = Connection::open(tmp)?;
        // A new file nobody else sees until it is renamed in: no journal, no syncs (the
        // rename path syncs the finished file once).
        db.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
        db.execute_batch(SCHEMA)?;
        db.execute(
            "INSERT INTO gpkg_spatial_ref_sys VALUES
               ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
               ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
               ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?1, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
            [WGS84_WKT],
        )?;
        let tx = db.transaction()?;
        fill(&tx)?;
        tx.commit()?;
        db.close().map_err(|(_, e)| e)?;
        Ok(())
    })
}

/// The features' properties as typed rows: a column per key in the order first seen; a column
/// of whole numbers is INTEGER, of numbers REAL, else TEXT (JSON for arrays and objects).
fn feature_rows(features: &[GenericFeature]) -> Rows<'_> {
    use serde_json::Value;
    let mut columns: Vec<(String, Kind)> = Vec::new();
    for f in features {
        for (k, v) in &f.properties {
            let kind = match v {
                Value::Null => None,
                Value::Number(n) if n.is_i64() => Some(Kind::Int),
                Value::Number(_) => Some(Kind::Real),
                _ => Some(Kind::Text),
            };
            match columns.iter_mut().find(|(c, _)| c == k) {
                None => columns.push((k.clone(), kind.unwrap_or(Kind::Int))),
                Some((_, have)) => {
                    *have = match (*have, kind) {
                        (have, None) => have,
                        (Kind::Text, _) | (_, Some(Kind::Text)) => Kind::Text,
                        (Kind::Real, _) | (_, Some(Kind::Real)) => Kind::Real,
                        (Kind::Int, Some(Kind::Int)) => Kind::Int,
                    }
                }
            }
        }
    }
    let kinds = columns.clone();
    let rows = features.iter().map(move |f| {
        kinds
            .iter()
            .map(|(k, kind)| match (f.properties.get(k), kind) {
                (None | Some(Value::Null), Kind::Text) => Field::Text(None),
                (None | Some(Value::Null), Kind::Real) => Field::Real(None),
                (None | Some(Value::Null), Kind::Int) => Field::Int(None),
                (Some(Value::Number(n)), Kind::Int) => Field::Int(n.as_i64()),
                (Some(Value::Number(n)), Kind::Real) => Field::Real(n.as_f64()),
                (Some(Value::String(s)), _) => Field::Text(Some(s.clone())),
                (Some(v), _) => Field::Text(Some(v.to_string())),
            })
            .collect()
    });
    Rows {
        columns,
        rows: Box::new(rows),
    }
}

/// Creates and fills one feature table (`geom` and the rows' columns) and registers it.
fn feature_table<'g>(
    tx: &rusqlite::Transaction,
    name: &str,
    description: &str,
    rows: Rows,
    geometries: impl Iterator<Item = (Option<&'g geo::Geometry<f64>>, String)>,
) -> Result<(), GpkgError> {
    create_table(tx, name, &rows, true)?;
    let mut bounds: Option<geo::Rect<f64>> = None;
    {
        let placeholders = vec!["?"; rows.columns.len() + 1].join(", ");
        let names = std::iter::once("geom".to_owned())
            .chain(rows.names().map(quote))
            .collect::<Vec<_>>()
            .join(", ");
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {} ({names}) VALUES ({placeholders})",
            quote(name)
        ))?;
        for ((g, id), row) in geometries.zip(rows.rows) {
            let blob = match g {
                Some(g) => {
                    let r = g.bounding_rect();
                    if let Some(r) = r {
                        bounds = Some(bounds.map_or(r, |b| crate::spatial::union_rect(b, r)));
                    }
                    let envelope = r.map_or_else(Vec::new, |r| {
                        vec![r.min().x, r.max().x, r.min().y, r.max().y]
                    });
                    Sql::Blob(
                        g.to_gpkg_wkb(CoordDimensions::xy(), Some(4326), envelope)
                            .map_err(|e| GpkgError::Geometry {
                                id,
                                message: e.to_string(),
                            })?,
                    )
                }
                None => Sql::Null,
            };
            let values = std::iter::once(blob).chain(row.iter().map(sql));
            insert.execute(params_from_iter(values))?;
        }
    }
    let (min_x, min_y, max_x, max_y) = bounds.map_or((None, None, None, None), |b| {
        (
            Some(b.min().x),
            Some(b.min().y),
            Some(b.max().x),
            Some(b.max().y),
        )
    });
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
         VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, 4326)",
        rusqlite::params![name, description, min_x, min_y, max_x, max_y],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', 'GEOMETRY', 4326, 0, 0)",
        [name],
    )?;
    Ok(())
}

/// The parks' feature table and the projects' and targets' attribute tables.
fn fill(tx: &rusqlite::Transaction, atlas: &Atlas, parks: &[&Park]) -> Result<(), GpkgError> {
    // Parks: the CSV's columns without its WKT (the geometry is in `geom`).
    let geometries = parks.iter().map(|p| (p.geometry.as_ref(), p.id.clone()));
    feature_table(
        tx,
        "parks",
        "Industrial parks (Park Atlas export); locations are approximate",
        park_rows(atlas, parks, false),
        geometries,
    )?;
    for (name, rows, what) in [
        (
            "projects",
            project_rows(parks),
            "Signed projects, one row per project (park_id → parks.id)",
        ),
        (
            "targets",
            target_rows(parks),
            "Targets, one row per target (park_id → parks.id)",
        ),
    ] {
        create_table(tx, name, &rows, false)?;
        let placeholders = vec!["?"; rows.columns.len()].join(", ");
        let mut insert =
            tx.prepare(&format!("INSERT INTO {name} VALUES (NULL, {placeholders})"))?;
        for row in rows.rows {
            insert.execute(params_from_iter(row.iter().map(sql)))?;
        }
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?1, 'attributes', ?1, ?2)",
            [name, what],
        )?;
    }
    Ok(())
}

/// `CREATE TABLE` with an integer primary key `fid`, a `geom` column for the feature table,
/// and the rows' columns with their declared kinds.
fn create_table(db: &Connection, name: &str, rows: &Rows, geometry: bool) -> rusqlite::Result<()> {
    let mut cols = vec!["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_owned()];
    if geometry {
        cols.push("geom GEOMETRY".to_owned());
    }
    for (c, kind) in &rows.columns {
        let kind = match kind {
            Kind::Text => "TEXT",
            Kind::Real => "REAL",
            Kind::Int => "INTEGER",
        };
        cols.push(format!("{} {kind}", quote(c)));
    }
    db.execute_batch(&format!(
        "CREATE TABLE {} ({});",
        quote(name),
        cols.join(", ")
    ))
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sql(f: &Field) -> Sql {
    match f {
        Field::Text(Some(s)) => Sql::Text(s.clone()),
        Field::Real(Some(x)) => Sql::Real(*x),
        Field::Int(Some(n)) => Sql::Integer(*n),
        Field::Text(None) | Field::Real(None) | Field::Int(None) => Sql::Null,
    }
}
