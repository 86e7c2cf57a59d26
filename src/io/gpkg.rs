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
use crate::model::{Atlas, Park};

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
    super::atomic::write_atomic_by_path(path, |tmp| {
        let mut db = Connection::open(tmp)?;
        // A new file nobody else sees until it is renamed in: no journal, no syncs (the
        // rename path syncs the finished file once).
        db.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
        fill(&mut db, atlas, parks)?;
        db.close().map_err(|(_, e)| e)?;
        Ok(())
    })
}

/// Creates the GeoPackage's tables in an empty database and fills them.
fn fill(db: &mut Connection, atlas: &Atlas, parks: &[&Park]) -> Result<(), GpkgError> {
    db.execute_batch(SCHEMA)?;
    db.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES
           ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
           ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
           ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?1, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
        [WGS84_WKT],
    )?;
    let tx = db.transaction()?;
    // Parks: the CSV's columns without its WKT (the geometry is in `geom`).
    let rows = park_rows(atlas, parks, false);
    create_table(&tx, "parks", &rows, true)?;
    let mut bounds: Option<geo::Rect<f64>> = None;
    {
        let placeholders = vec!["?"; rows.columns.len() + 1].join(", ");
        let names = std::iter::once("geom".to_owned())
            .chain(rows.names().map(quote))
            .collect::<Vec<_>>()
            .join(", ");
        let mut insert = tx.prepare(&format!(
            "INSERT INTO parks ({names}) VALUES ({placeholders})"
        ))?;
        for (p, row) in parks.iter().zip(rows.rows) {
            let blob = match &p.geometry {
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
                                id: p.id.clone(),
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
         VALUES ('parks', 'features', 'parks', 'Industrial parks (Park Atlas export); locations are approximate', ?1, ?2, ?3, ?4, 4326)",
        rusqlite::params![min_x, min_y, max_x, max_y],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES ('parks', 'geom', 'GEOMETRY', 4326, 0, 0)",
        [],
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
        create_table(&tx, name, &rows, false)?;
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
    tx.commit()?;
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
    db.execute_batch(&format!("CREATE TABLE {name} ({});", cols.join(", ")))
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
