//! Any PostGIS table with a geometry column as a layer, read for the view's box through the
//! table's spatial index: `postgresql://user@host/db?table=schema.parcels` (the password from
//! `PGPASSWORD` or the password file, never in the address kept with the layer). The table and
//! column names are only used when `geometry_columns` lists them, and then quoted; the box is
//! bound as parameters.

use serde_json::{Map, Value};

use super::{Store, StoreError};
use crate::model::GenericFeature;

/// At most this many features are read for one view; more is said (zoom in).
pub const LIMIT: i64 = 200_000;

/// A table named as a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerAddress {
    /// The store's address (without `table=`).
    pub address: String,
    /// The table, as given (`parcels` or `schema.parcels`).
    pub table: String,
}

impl LayerAddress {
    /// Reads `postgresql://…?table=NAME` (or `postgres://`); `None` for anything else.
    pub fn parse(text: &str) -> Option<LayerAddress> {
        if !(text.starts_with("postgresql://") || text.starts_with("postgres://")) {
            return None;
        }
        let (head, query) = text.split_once('?')?;
        let mut table = None;
        let mut kept = Vec::new();
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("table", t)) if !t.is_empty() => table = Some(t.to_owned()),
                _ if !pair.is_empty() => kept.push(pair),
                _ => {}
            }
        }
        let address = if kept.is_empty() {
            head.to_owned()
        } else {
            format!("{head}?{}", kept.join("&"))
        };
        Some(LayerAddress {
            address,
            table: table?,
        })
    }

    /// Whether a path names a table rather than a file.
    pub fn is_table(path: &std::path::Path) -> bool {
        path.to_str().and_then(LayerAddress::parse).is_some()
    }
}

/// What was read for a view.
#[derive(Debug)]
pub struct Read {
    /// The features in the box (WGS-84), their columns as properties.
    pub features: Vec<GenericFeature>,
    /// The table has more in the box than [`LIMIT`].
    pub truncated: bool,
}

/// The tables with a geometry column: schema, table, column, SRID.
pub fn geometry_tables(
    store: &mut Store,
) -> Result<Vec<(String, String, String, i32)>, StoreError> {
    let rows = store.client.query(
        "SELECT f_table_schema::text, f_table_name::text, f_geometry_column::text, srid \
         FROM geometry_columns ORDER BY 1, 2",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect())
}

/// `name` as a quoted SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Reads the features of `table` whose geometry meets `bbox` (west, south, east, north in
/// WGS-84; `None`: all), through the table's spatial index.
pub fn read(store: &mut Store, table: &str, bbox: Option<[f64; 4]>) -> Result<Read, StoreError> {
    let (schema, name) = match table.split_once('.') {
        Some((s, t)) => (Some(s), t),
        None => (None, table),
    };
    let found = geometry_tables(store)?
        .into_iter()
        .find(|(s, t, _, _)| t == name && schema.is_none_or(|want| want == s))
        .ok_or_else(|| {
            StoreError::Db(format!(
                "no table {table} with a geometry column in {} (geometry_columns)",
                store.shown()
            ))
        })?;
    let (schema, name, column, srid) = found;
    let (from, col) = (
        format!("{}.{}", quoted(&schema), quoted(&name)),
        quoted(&column),
    );
    let srid = if srid > 0 { srid } else { 4326 };
    let wgs = if srid == 4326 {
        format!("t.{col}")
    } else {
        format!("ST_Transform(t.{col}, 4326)")
    };
    let filter = if bbox.is_some() {
        format!(
            " WHERE ST_Intersects(t.{col}, ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4326), {srid}))"
        )
    } else {
        String::new()
    };
    let limit_param = if bbox.is_some() { "$5" } else { "$1" };
    let sql = format!(
        "SELECT to_jsonb(t) - {}, ST_AsGeoJSON({wgs}, 9) FROM {from} t{filter} LIMIT {limit_param}",
        quoted_literal(&column)
    );
    let limit = LIMIT + 1;
    let rows = match bbox {
        Some([w, s, e, n]) => store.client.query(&sql, &[&w, &s, &e, &n, &limit])?,
        None => store.client.query(&sql, &[&limit])?,
    };
    let truncated = rows.len() as i64 > LIMIT;
    let mut features = Vec::with_capacity(rows.len().min(LIMIT as usize));
    for r in rows.iter().take(LIMIT as usize) {
        let properties = match r.get::<_, Value>(0) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let geometry = r
            .get::<_, Option<String>>(1)
            .and_then(|g| g.parse::<geojson::Geometry>().ok())
            .and_then(|g| geo::Geometry::<f64>::try_from(g).ok());
        features.push(GenericFeature {
            id: None,
            properties,
            geometry,
        });
    }
    Ok(Read {
        features,
        truncated,
    })
}

/// `text` as an SQL string literal (for a column name checked against `geometry_columns`).
fn quoted_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_address_is_the_store_address_and_the_table() {
        let a =
            LayerAddress::parse("postgresql://u@h/db?sslmode=require&table=land.parcels").unwrap();
        assert_eq!(a.address, "postgresql://u@h/db?sslmode=require");
        assert_eq!(a.table, "land.parcels");
        assert_eq!(LayerAddress::parse("postgresql://u@h/db"), None);
        assert_eq!(LayerAddress::parse("/data/parcels.gpkg"), None);
        assert_eq!(quoted("we\"ird"), "\"we\"\"ird\"");
    }
}
