//! The flat, typed rows every tabular export writes — the parks (one row each, investment in
//! one column per currency), their projects and their targets — so that the CSV files and the
//! GeoPackage tables have the same columns and the same values.
//!
//! Rows are made one at a time as a writer asks for them: an export of 100,000 parks holds one
//! row in memory, not all of them (with their WKT geometries) at once.

use std::collections::BTreeSet;

use geo::Centroid;
use wkt::ToWkt;

use crate::model::{Atlas, Park};
use crate::query::summarize;

/// One typed value.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// Text (`None`: unknown).
    Text(Option<String>),
    /// A real number (`None`: unknown).
    Real(Option<f64>),
    /// An integer (`None`: unknown).
    Int(Option<i64>),
}

/// What a column holds, declared once for the column (a GeoPackage's column type does not
/// depend on which values happen to be known).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// [`Field::Text`].
    Text,
    /// [`Field::Real`].
    Real,
    /// [`Field::Int`].
    Int,
}

impl Field {
    fn text(s: Option<&str>) -> Field {
        Field::Text(s.map(str::to_owned))
    }

    /// A year.
    fn year(y: Option<i32>) -> Field {
        Field::Int(y.map(i64::from))
    }

    /// A count.
    fn count(n: usize) -> Field {
        Field::Int(Some(i64::try_from(n).unwrap_or(i64::MAX)))
    }
}

/// The last two columns of a project or target row: its source ids and their addresses.
fn source_fields(p: &Park, ids: &[String]) -> [Field; 2] {
    [
        Field::Text(Some(ids.join(";"))),
        Field::Text(Some(source_urls(p, ids).join(" "))),
    ]
}

/// Named, typed columns and the rows under them, made as they are read.
pub struct Rows<'a> {
    /// Column names and kinds.
    pub columns: Vec<(String, Kind)>,
    /// The rows, each as long as `columns`, each field of its column's kind.
    pub rows: Box<dyn Iterator<Item = Vec<Field>> + 'a>,
}

impl Rows<'_> {
    /// The column names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(n, _)| n.as_str())
    }
}

fn columns(cols: &[(&str, Kind)]) -> Vec<(String, Kind)> {
    cols.iter().map(|(n, k)| ((*n).to_owned(), *k)).collect()
}

/// One row per park: ids, names, role, tier, counties, clusters, area, location accuracy,
/// centroid, WKT geometry (when `wkt`), project counts, investment per currency (one column
/// each, never added), target count, source addresses.
pub fn park_rows<'a>(atlas: &'a Atlas, parks: &'a [&'a Park], wkt: bool) -> Rows<'a> {
    use Kind::{Int, Real, Text};
    let currencies: Vec<&str> = parks
        .iter()
        .flat_map(|p| p.projects.iter().filter_map(|pr| pr.currency.as_deref()))
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .collect();
    let mut cols = columns(&[
        ("id", Text),
        ("name_zh", Text),
        ("name_en", Text),
        ("role", Text),
        ("tier", Text),
        ("parent_id", Text),
        ("county_adcodes", Text),
        ("counties_zh", Text),
        ("counties_en", Text),
        ("clusters", Text),
        ("clusters_en", Text),
        ("area_km2", Real),
        ("location_accuracy_km", Real),
        ("location_approximate", Text),
        ("lon", Real),
        ("lat", Real),
        ("wkt", Text),
        ("project_count", Int),
        ("projects_without_amount", Int),
    ]);
    if !wkt {
        cols.retain(|(n, _)| n != "wkt");
    }
    cols.extend(currencies.iter().map(|c| (format!("investment_{c}"), Real)));
    cols.extend(columns(&[("target_count", Int), ("sources", Text)]));
    let rows = parks.iter().map(move |p| {
        let s = summarize(atlas, std::slice::from_ref(p));
        let c = p.geometry.as_ref().and_then(Centroid::centroid);
        let cluster_names: Vec<&str> = p
            .clusters
            .iter()
            .map(|c| {
                atlas
                    .taxonomy
                    .cluster(c)
                    .map_or(c.as_str(), |c| c.name_en.as_str())
            })
            .collect();
        let urls: Vec<&str> = p
            .sources
            .values()
            .filter_map(|s| s.url.as_deref())
            .collect();
        let mut row = vec![
            Field::Text(Some(p.id.clone())),
            Field::text(p.name_zh.as_deref()),
            Field::text(p.name_en.as_deref()),
            Field::text(Some(p.role.as_str())),
            Field::text(Some(p.tier.as_str())),
            Field::text(p.parent_id.as_deref()),
            Field::Text(Some(p.county_adcodes.join(";"))),
            Field::Text(Some(atlas.county_names(p, true))),
            Field::Text(Some(atlas.county_names(p, false))),
            Field::Text(Some(p.clusters.join(";"))),
            Field::Text(Some(cluster_names.join(";"))),
            Field::Real(p.area_km2),
            Field::Real(p.location_accuracy_km),
            Field::Text(Some(p.is_approximate().to_string())),
            Field::Real(c.map(|c| c.x())),
            Field::Real(c.map(|c| c.y())),
        ];
        if wkt {
            row.push(Field::Text(p.geometry.as_ref().map(|g| g.wkt_string())));
        }
        row.push(Field::count(p.projects.len()));
        row.push(Field::count(s.projects - s.projects_with_amount));
        row.extend(
            currencies
                .iter()
                .map(|c| Field::Real(s.totals.get(*c).copied())),
        );
        row.push(Field::count(p.targets.len()));
        row.push(Field::Text(Some(urls.join(" "))));
        row
    });
    Rows {
        columns: cols,
        rows: Box::new(rows),
    }
}

/// One row per project, with the park it belongs to and its sources' addresses.
pub fn project_rows<'a>(parks: &'a [&'a Park]) -> Rows<'a> {
    use Kind::{Int, Real, Text};
    let rows = parks.iter().flat_map(|p| {
        p.projects.iter().map(move |pr| {
            let mut row = vec![
                Field::Text(Some(p.id.clone())),
                Field::text(p.name_zh.as_deref()),
                Field::text(p.name_en.as_deref()),
                Field::text(pr.name_zh.as_deref()),
                Field::text(pr.name_en.as_deref()),
                Field::text(pr.investor.as_deref()),
                Field::Real(pr.amount),
                Field::text(pr.currency.as_deref()),
                Field::year(pr.year),
                Field::text(pr.status.as_deref()),
                Field::text(pr.status_date.as_deref()),
                Field::Text(Some(pr.clusters.join(";"))),
            ];
            row.extend(source_fields(p, &pr.source_ids));
            row
        })
    });
    Rows {
        columns: columns(&[
            ("park_id", Text),
            ("park_name_zh", Text),
            ("park_name_en", Text),
            ("name_zh", Text),
            ("name_en", Text),
            ("investor", Text),
            ("amount", Real),
            ("currency", Text),
            ("year", Int),
            ("status", Text),
            ("status_date", Text),
            ("clusters", Text),
            ("source_ids", Text),
            ("source_urls", Text),
        ]),
        rows: Box::new(rows),
    }
}

/// One row per target, with the park it belongs to and its sources' addresses.
pub fn target_rows<'a>(parks: &'a [&'a Park]) -> Rows<'a> {
    use Kind::{Int, Real, Text};
    let rows = parks.iter().flat_map(|p| {
        p.targets.iter().map(move |t| {
            let mut row = vec![
                Field::Text(Some(p.id.clone())),
                Field::year(t.year),
                Field::text(t.metric.as_deref()),
                Field::Real(t.value),
                Field::text(t.unit.as_deref()),
                Field::text(t.text.as_deref()),
            ];
            row.extend(source_fields(p, &t.source_ids));
            row
        })
    });
    Rows {
        columns: columns(&[
            ("park_id", Text),
            ("year", Int),
            ("metric", Text),
            ("value", Real),
            ("unit", Text),
            ("text", Text),
            ("source_ids", Text),
            ("source_urls", Text),
        ]),
        rows: Box::new(rows),
    }
}

/// The addresses of a park's sources with these ids.
fn source_urls<'a>(p: &'a Park, ids: &[String]) -> Vec<&'a str> {
    ids.iter()
        .filter_map(|id| p.sources.get(id)?.url.as_deref())
        .collect()
}
