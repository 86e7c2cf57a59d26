//! The flat, typed rows every tabular export writes — the parks (one row each, investment in
//! one column per currency), their projects and their targets — so that the CSV files and the
//! GeoPackage tables have the same columns and the same values.

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
    /// An integer.
    Int(i64),
}

impl Field {
    fn text(s: Option<&str>) -> Field {
        Field::Text(s.map(str::to_owned))
    }

    /// A year as an integer, unknown as an empty real.
    fn year(y: Option<i32>) -> Field {
        y.map_or(Field::Real(None), |y| Field::Int(i64::from(y)))
    }
}

/// The last two columns of a project or target row: its source ids and their addresses.
fn source_fields(p: &Park, ids: &[String]) -> [Field; 2] {
    [
        Field::Text(Some(ids.join(";"))),
        Field::Text(Some(source_urls(p, ids).join(" "))),
    ]
}

/// Named columns and rows of fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    /// Column names.
    pub columns: Vec<String>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<Field>>,
}

/// One row per park: ids, names, role, tier, counties, clusters, area, location accuracy,
/// centroid, WKT geometry, project counts, investment per currency (one column each, never
/// added), target count, source addresses.
pub fn park_rows(atlas: &Atlas, parks: &[&Park]) -> Rows {
    let currencies: BTreeSet<&str> = parks
        .iter()
        .flat_map(|p| p.projects.iter().filter_map(|pr| pr.currency.as_deref()))
        .collect();
    let mut columns: Vec<String> = [
        "id",
        "name_zh",
        "name_en",
        "role",
        "tier",
        "parent_id",
        "county_adcodes",
        "counties_zh",
        "counties_en",
        "clusters",
        "clusters_en",
        "area_km2",
        "location_accuracy_km",
        "location_approximate",
        "lon",
        "lat",
        "wkt",
        "project_count",
        "projects_without_amount",
    ]
    .map(String::from)
    .to_vec();
    columns.extend(currencies.iter().map(|c| format!("investment_{c}")));
    columns.extend(["target_count", "sources"].map(String::from));
    let rows = parks
        .iter()
        .map(|p| {
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
                Field::Text(p.geometry.as_ref().map(|g| g.wkt_string())),
                Field::Int(p.projects.len() as i64),
                Field::Int((s.projects - s.projects_with_amount) as i64),
            ];
            row.extend(
                currencies
                    .iter()
                    .map(|c| Field::Real(s.totals.get(*c).copied())),
            );
            row.push(Field::Int(p.targets.len() as i64));
            row.push(Field::Text(Some(urls.join(" "))));
            row
        })
        .collect();
    Rows { columns, rows }
}

/// One row per project, with the park it belongs to and its sources' addresses.
pub fn project_rows(parks: &[&Park]) -> Rows {
    let columns = [
        "park_id",
        "park_name_zh",
        "park_name_en",
        "name_zh",
        "name_en",
        "investor",
        "amount",
        "currency",
        "year",
        "status",
        "status_date",
        "clusters",
        "source_ids",
        "source_urls",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = Vec::new();
    for p in parks {
        for pr in &p.projects {
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
            rows.push(row);
        }
    }
    Rows { columns, rows }
}

/// One row per target, with the park it belongs to and its sources' addresses.
pub fn target_rows(parks: &[&Park]) -> Rows {
    let columns = [
        "park_id",
        "year",
        "metric",
        "value",
        "unit",
        "text",
        "source_ids",
        "source_urls",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = Vec::new();
    for p in parks {
        for t in &p.targets {
            let mut row = vec![
                Field::Text(Some(p.id.clone())),
                Field::year(t.year),
                Field::text(t.metric.as_deref()),
                Field::Real(t.value),
                Field::text(t.unit.as_deref()),
                Field::text(t.text.as_deref()),
            ];
            row.extend(source_fields(p, &t.source_ids));
            rows.push(row);
        }
    }
    Rows { columns, rows }
}

/// The addresses of a park's sources with these ids.
fn source_urls<'a>(p: &'a Park, ids: &[String]) -> Vec<&'a str> {
    ids.iter()
        .filter_map(|id| p.sources.get(id)?.url.as_deref())
        .collect()
}
