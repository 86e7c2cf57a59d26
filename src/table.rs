//! The attribute table's content, without egui: the parks, their projects, or a layer's
//! features as rows of typed cells; sorting (numbers as numbers, empty cells last); and the
//! tab-separated text that pastes into a spreadsheet.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use serde_json::Value;

use crate::model::Atlas;
use crate::query::summarize;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing (unknown): sorts last either way.
    Empty,
    /// A number: sorts by value.
    Number(f64),
    /// Text: sorts case-insensitively.
    Text(String),
}

impl Cell {
    fn text(s: Option<&str>) -> Cell {
        match s {
            Some(s) if !s.is_empty() => Cell::Text(s.to_owned()),
            _ => Cell::Empty,
        }
    }

    fn number(x: Option<f64>) -> Cell {
        x.filter(|v| v.is_finite())
            .map_or(Cell::Empty, Cell::Number)
    }

    fn of_json(v: &Value) -> Cell {
        match v {
            Value::Null => Cell::Empty,
            Value::Number(n) => Cell::number(n.as_f64()),
            Value::String(s) => Cell::text(Some(s)),
            Value::Bool(b) => Cell::Text(b.to_string()),
            other => Cell::Text(other.to_string()),
        }
    }

    /// The cell as shown and copied (numbers without trailing zeros).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number(x) => format_number(*x),
            Cell::Text(s) => s.clone(),
        }
    }

    fn cmp_to(&self, other: &Cell) -> Ordering {
        match (self, other) {
            (Cell::Number(a), Cell::Number(b)) => a.total_cmp(b),
            (Cell::Text(a), Cell::Text(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
            (Cell::Number(_), Cell::Text(_)) => Ordering::Less,
            (Cell::Text(_), Cell::Number(_)) => Ordering::Greater,
            (Cell::Empty, Cell::Empty) => Ordering::Equal,
            (Cell::Empty, _) => Ordering::Greater,
            (_, Cell::Empty) => Ordering::Less,
        }
    }
}

fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// What a row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKey {
    /// A park (index in `atlas.parks`).
    Park(usize),
    /// A project of a park.
    Project {
        /// Index in `atlas.parks`.
        park: usize,
        /// Index in the park's projects.
        project: usize,
    },
    /// A feature of a layer (index in `atlas.others`).
    Feature(usize),
}

/// Rows of cells under named columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// What each row stands for.
    pub keys: Vec<RowKey>,
    /// The cells, row by row (each as long as `columns`).
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row indices sorted by a column (stable: equal cells keep their order; empty cells last
    /// in both directions).
    pub fn sorted(&self, column: usize, ascending: bool) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        let cell = |r: usize| self.rows.get(r).and_then(|row| row.get(column));
        order.sort_by(|&a, &b| match (cell(a), cell(b)) {
            (Some(x), Some(y)) => {
                let empty = matches!(x, Cell::Empty) || matches!(y, Cell::Empty);
                let o = x.cmp_to(y);
                if ascending || empty { o } else { o.reverse() }
            }
            _ => Ordering::Equal,
        });
        order
    }

    /// Tab-separated text of some rows and columns with a header line, for pasting into a
    /// spreadsheet (tabs and line breaks inside cells become spaces).
    pub fn tsv(&self, rows: &[usize], columns: &[usize]) -> String {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        let mut out = columns
            .iter()
            .filter_map(|&c| self.columns.get(c))
            .map(|s| clean(s))
            .collect::<Vec<_>>()
            .join("\t");
        out.push('\n');
        for &r in rows {
            let Some(row) = self.rows.get(r) else {
                continue;
            };
            let line: Vec<String> = columns
                .iter()
                .map(|&c| row.get(c).map_or_else(String::new, |x| clean(&x.display())))
                .collect();
            out.push_str(&line.join("\t"));
            out.push('\n');
        }
        out
    }
}

/// The parks given (indices in `atlas.parks`): names, counties, tier, role, clusters, area,
/// location accuracy, projects and signed investment per currency (one column each, never
/// added), targets.
pub fn parks_table(atlas: &Atlas, parks: &[usize], chinese: bool) -> Table {
    let list: Vec<&crate::model::Park> = parks.iter().filter_map(|&i| atlas.parks.get(i)).collect();
    let currencies: BTreeSet<&str> = list
        .iter()
        .flat_map(|p| p.projects.iter().filter_map(|pr| pr.currency.as_deref()))
        .collect();
    let mut columns: Vec<String> = [
        "id",
        "name_zh",
        "name_en",
        "counties",
        "tier",
        "role",
        "clusters",
        "area_km2",
        "location_accuracy_km",
        "projects",
    ]
    .map(String::from)
    .to_vec();
    columns.extend(currencies.iter().map(|c| format!("investment_{c}")));
    columns.push("targets".into());
    let mut keys = Vec::with_capacity(list.len());
    let mut rows = Vec::with_capacity(list.len());
    for (&i, p) in parks.iter().zip(&list) {
        let totals = summarize(atlas, std::slice::from_ref(p)).totals;
        let clusters: Vec<&str> = p
            .clusters
            .iter()
            .map(|c| atlas.taxonomy.cluster_name(c, chinese))
            .collect();
        let mut row = vec![
            Cell::Text(p.id.clone()),
            Cell::text(p.name_zh.as_deref()),
            Cell::text(p.name_en.as_deref()),
            Cell::text(Some(&atlas.county_names(p, chinese))),
            Cell::Text(p.tier.as_str().to_owned()),
            Cell::Text(p.role.as_str().to_owned()),
            Cell::text(Some(&clusters.join(", "))),
            Cell::number(p.area_km2),
            Cell::number(p.location_accuracy_km),
            Cell::Number(p.projects.len() as f64),
        ];
        row.extend(
            currencies
                .iter()
                .map(|c| Cell::number(totals.get(*c).copied())),
        );
        row.push(Cell::Number(p.targets.len() as f64));
        keys.push(RowKey::Park(i));
        rows.push(row);
    }
    Table {
        columns,
        keys,
        rows,
    }
}

/// The projects of the parks given, one row each, with the park's name.
pub fn projects_table(atlas: &Atlas, parks: &[usize], chinese: bool) -> Table {
    let columns = [
        "park",
        "name_zh",
        "name_en",
        "investor",
        "amount",
        "currency",
        "year",
        "status",
        "status_date",
        "clusters",
    ]
    .map(String::from)
    .to_vec();
    let mut keys = Vec::new();
    let mut rows = Vec::new();
    for &i in parks {
        let Some(p) = atlas.parks.get(i) else {
            continue;
        };
        for (j, pr) in p.projects.iter().enumerate() {
            let clusters: Vec<&str> = pr
                .clusters
                .iter()
                .map(|c| atlas.taxonomy.cluster_name(c, chinese))
                .collect();
            keys.push(RowKey::Project {
                park: i,
                project: j,
            });
            rows.push(vec![
                Cell::text(Some(p.name(chinese))),
                Cell::text(pr.name_zh.as_deref()),
                Cell::text(pr.name_en.as_deref()),
                Cell::text(pr.text_in("investor", chinese).map(|t| t.0)),
                Cell::number(pr.amount),
                Cell::text(pr.currency.as_deref()),
                Cell::number(pr.year.map(f64::from)),
                Cell::text(pr.text_in("status", chinese).map(|t| t.0)),
                Cell::text(pr.text_in("status_date", chinese).map(|t| t.0)),
                Cell::text(Some(&clusters.join(", "))),
            ]);
        }
    }
    Table {
        columns,
        keys,
        rows,
    }
}

/// A layer's features: the `id` and every property any feature has, in first-seen order.
pub fn features_table(atlas: &Atlas, layer: usize) -> Table {
    let Some(l) = atlas.layers.get(layer) else {
        return Table::default();
    };
    let features: Vec<crate::model::GenericFeature> = l
        .features
        .clone()
        .filter_map(|i| atlas.others.get(i))
        .collect();
    let mut columns: Vec<String> = vec!["id".into()];
    let mut seen = std::collections::HashMap::new();
    for f in &features {
        for k in f.properties.keys() {
            if !seen.contains_key(k) {
                seen.insert(k.clone(), columns.len());
                columns.push(k.clone());
            }
        }
    }
    let mut keys = Vec::with_capacity(features.len());
    let mut rows = Vec::with_capacity(features.len());
    for (n, f) in features.iter().enumerate() {
        let mut row = vec![Cell::Empty; columns.len()];
        if let Some(c) = row.first_mut() {
            *c = f.id.as_ref().map_or(Cell::Empty, Cell::of_json);
        }
        for (k, v) in &f.properties {
            if let Some(c) = seen.get(k).and_then(|&i| row.get_mut(i)) {
                *c = Cell::of_json(v);
            }
        }
        keys.push(RowKey::Feature(l.features.start + n));
        rows.push(row);
    }
    Table {
        columns,
        keys,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::load_embedded;

    #[test]
    fn parks_sort_by_numbers_with_unknowns_last_and_copy_as_tsv() {
        let atlas = load_embedded().unwrap().atlas;
        let all: Vec<usize> = (0..atlas.parks.len()).collect();
        let t = parks_table(&atlas, &all, false);
        assert_eq!(t.len(), 22);
        let area = t.columns.iter().position(|c| c == "area_km2").unwrap();
        for ascending in [true, false] {
            let order = t.sorted(area, ascending);
            let cells: Vec<&Cell> = order.iter().map(|&r| &t.rows[r][area]).collect();
            let known: Vec<f64> = cells
                .iter()
                .filter_map(|c| match c {
                    Cell::Number(x) => Some(*x),
                    _ => None,
                })
                .collect();
            assert!(known.len() >= 3, "{known:?}");
            let mut expected = known.clone();
            expected.sort_by(f64::total_cmp);
            if !ascending {
                expected.reverse();
            }
            assert_eq!(known, expected);
            // Unknown areas come after every known one.
            let first_empty = cells.iter().position(|c| **c == Cell::Empty).unwrap();
            assert!(cells[first_empty..].iter().all(|c| **c == Cell::Empty));
        }
        // CNY and EUR in separate columns, never one.
        assert!(t.columns.iter().any(|c| c == "investment_CNY"));
        assert!(t.columns.iter().any(|c| c == "investment_EUR"));

        let etdz = t
            .keys
            .iter()
            .position(|k| *k == RowKey::Park(atlas.park_index("zhanjiang_etdz").unwrap()))
            .unwrap();
        let tsv = t.tsv(&[etdz], &[0, 2]);
        let name = atlas
            .park("zhanjiang_etdz")
            .unwrap()
            .name_en
            .clone()
            .unwrap();
        assert_eq!(tsv, format!("id\tname_en\nzhanjiang_etdz\t{name}\n"));
    }

    #[test]
    fn projects_and_features_become_rows() {
        let mut atlas = load_embedded().unwrap().atlas;
        let all: Vec<usize> = (0..atlas.parks.len()).collect();
        let p = projects_table(&atlas, &all, true);
        let expected: usize = atlas.parks.iter().map(|p| p.projects.len()).sum();
        assert_eq!(p.len(), expected);
        let year = p.columns.iter().position(|c| c == "year").unwrap();
        let order = p.sorted(year, true);
        let years: Vec<f64> = order
            .iter()
            .filter_map(|&r| match p.rows[r][year] {
                Cell::Number(y) => Some(y),
                _ => None,
            })
            .collect();
        assert!(years.windows(2).all(|w| w[0] <= w[1]) && years.len() > 5);

        let f: Vec<crate::model::GenericFeature> = serde_json::from_str::<Vec<Value>>(
            r#"[{"a": 1, "b": "x\ty"}, {"b": null, "c": {"d": [1, 2]}}]"#,
        )
        .unwrap()
        .into_iter()
        .map(|v| crate::model::GenericFeature {
            id: None,
            properties: v.as_object().cloned().unwrap(),
            geometry: None,
        })
        .collect();
        atlas.add_layer("l".into(), None, f);
        let t = features_table(&atlas, 0);
        assert_eq!(t.columns, ["id", "a", "b", "c"]);
        assert_eq!(t.rows[1][3], Cell::Text(r#"{"d":[1,2]}"#.into()));
        assert_eq!(t.tsv(&[0, 1], &[1, 2]), "a\tb\n1\tx y\n\t\n");
    }
}
