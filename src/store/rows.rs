//! Parks as table rows and back: each row is a JSON object of its columns (what
//! `to_jsonb(row)` gives and `jsonb_populate_record` takes). A property with a column of its
//! own goes there when its value fits the column's type; every other property goes to the
//! row's `extra` (jsonb), so nothing of a park is lost on the way through the store.

use serde_json::{Map, Value};

/// A column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// text
    Text,
    /// double precision
    Float,
    /// integer
    Int,
    /// text[]
    Texts,
}

/// A table of park data.
#[derive(Debug)]
pub(crate) struct Table {
    /// Its name.
    pub name: &'static str,
    /// The columns that hold properties (a property of the same name).
    pub columns: &'static [(&'static str, Kind)],
}

use Kind::{Float, Int, Text, Texts};

/// Parks (besides `extra`, `position`, `version` and `geom`).
pub(crate) const PARKS: Table = Table {
    name: "parks",
    columns: &[
        ("id", Text),
        ("name_zh", Text),
        ("name_en", Text),
        ("county_adcodes", Texts),
        ("tier", Text),
        ("role", Text),
        ("parent_id", Text),
        ("area_km2", Float),
        ("clusters", Texts),
        ("location_accuracy_km", Float),
        ("tier_detail", Text),
        ("tier_detail_zh", Text),
        ("official_code", Text),
        ("area_note", Text),
        ("area_note_zh", Text),
        ("clusters_note", Text),
        ("clusters_note_zh", Text),
        ("location_note", Text),
        ("location_note_zh", Text),
        ("confidence", Text),
        ("confidence_zh", Text),
        ("notes", Text),
        ("notes_zh", Text),
        ("county_text", Text),
        ("county_text_zh", Text),
        ("name_alias", Text),
        ("name_alias_zh", Text),
    ],
};

/// Projects (besides `row_id`, `park_id`, `position`, `extra`, `version`).
pub(crate) const PROJECTS: Table = Table {
    name: "projects",
    columns: &[
        ("name_zh", Text),
        ("name_en", Text),
        ("investor", Text),
        ("investor_zh", Text),
        ("amount", Float),
        ("currency", Text),
        ("year", Int),
        ("status", Text),
        ("status_zh", Text),
        ("status_date", Text),
        ("status_date_zh", Text),
        ("clusters", Texts),
        ("source_ids", Texts),
        ("scope", Text),
        ("amount_text", Text),
        ("amount_qualifier", Text),
        ("amount_note", Text),
        ("amount_note_zh", Text),
        ("capacity", Text),
        ("note", Text),
        ("note_zh", Text),
    ],
};

/// Targets (besides `row_id`, `park_id`, `position`, `extra`, `version`).
pub(crate) const TARGETS: Table = Table {
    name: "targets",
    columns: &[
        ("year", Int),
        ("metric", Text),
        ("value", Float),
        ("unit", Text),
        ("text", Text),
        ("text_zh", Text),
        ("value_qualifier", Text),
        ("note", Text),
        ("note_zh", Text),
        ("source_ids", Texts),
    ],
};

/// Sources (besides `park_id`, `key`, `position`, `extra`, `version`).
pub(crate) const SOURCES: Table = Table {
    name: "sources",
    columns: &[
        ("title", Text),
        ("outlet", Text),
        ("outlet_zh", Text),
        ("date", Text),
        ("date_zh", Text),
        ("url", Text),
        ("quality", Text),
        ("quality_zh", Text),
    ],
};

/// Whether `v` fits a column of `kind` (null fits any).
fn fits(kind: Kind, v: &Value) -> bool {
    match (kind, v) {
        (_, Value::Null) => true,
        (Text, Value::String(_)) => true,
        (Float, Value::Number(n)) => n.as_f64().is_some_and(f64::is_finite),
        (Int, Value::Number(n)) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
        (Texts, Value::Array(a)) => a.iter().all(Value::is_string),
        _ => false,
    }
}

/// A record's properties as a row of `table`: the columns that fit, the rest in `extra`.
/// `skip`: properties stored elsewhere (a park's projects, targets and sources).
pub(crate) fn to_row(
    props: &Map<String, Value>,
    table: &Table,
    skip: &[&str],
) -> Map<String, Value> {
    let mut row = Map::new();
    let mut extra = Map::new();
    for (k, v) in props {
        if skip.contains(&k.as_str()) {
            continue;
        }
        match table.columns.iter().find(|(c, _)| c == k) {
            // A member given as null is kept as given (the column stays null).
            Some(_) if v.is_null() => {
                extra.insert(k.clone(), Value::Null);
            }
            Some((_, kind)) if fits(*kind, v) => {
                row.insert(k.clone(), v.clone());
            }
            _ => {
                extra.insert(k.clone(), v.clone());
            }
        }
    }
    for (c, _) in table.columns {
        row.entry(*c).or_insert(Value::Null);
    }
    row.insert("extra".into(), Value::Object(extra));
    // The members' order as given, so that what is pulled reads as what was pushed.
    row.insert(
        "keys".into(),
        Value::Array(props.keys().map(|k| Value::String(k.clone())).collect()),
    );
    row
}

/// Puts `props` in the order the row's `keys` recorded; members not listed (a column set
/// since, by QGIS) follow.
pub(crate) fn in_order(props: Map<String, Value>, row: &Map<String, Value>) -> Map<String, Value> {
    let Some(Value::Array(keys)) = row.get("keys") else {
        return props;
    };
    let mut props = props;
    let mut out = Map::new();
    for k in keys.iter().filter_map(Value::as_str) {
        if let Some(v) = props.remove(k) {
            out.insert(k.to_owned(), v);
        }
    }
    out.extend(props);
    out
}

/// A row of `table` as properties, its values moved (not copied): its columns that are not
/// null, then its `extra`, in the order of its `keys`.
pub(crate) fn into_props(mut row: Map<String, Value>, table: &Table) -> Map<String, Value> {
    let keys = row.remove("keys");
    let extra = row.remove("extra");
    let mut props = Map::new();
    for (c, _) in table.columns {
        match row.remove(*c) {
            None | Some(Value::Null) => {}
            Some(v) => {
                props.insert((*c).to_owned(), v);
            }
        }
    }
    if let Some(Value::Object(extra)) = extra {
        for (k, v) in extra {
            if !(v.is_null() && props.contains_key(&k)) {
                props.insert(k, v);
            }
        }
    }
    let mut order = Map::new();
    if let Some(k) = keys {
        order.insert("keys".into(), k);
    }
    in_order(props, &order)
}

/// The columns (and `extra`) whose values differ between two rows of `table`.
pub(crate) fn changed_columns(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    table: &Table,
) -> Vec<&'static str> {
    table
        .columns
        .iter()
        .map(|(c, _)| *c)
        .chain(["extra", "keys"])
        .filter(|c| {
            let a = old.get(*c).unwrap_or(&Value::Null);
            let b = new.get(*c).unwrap_or(&Value::Null);
            !(crate::changes::same(a, b) || is_empty_object(a) && is_empty_object(b))
        })
        .collect()
}

fn is_empty_object(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn properties_that_do_not_fit_a_column_go_to_extra_and_come_back() {
        let props = json!({"year": 2024.5, "amount": 5e8, "clusters": ["a", 1], "name_zh": "项目",
                           "position": 3, "odd": {"x": 1}, "note": null});
        let props = props.as_object().unwrap();
        let row = to_row(props, &PROJECTS, &[]);
        assert_eq!(row["amount"], json!(5e8));
        assert_eq!(row["year"], Value::Null);
        assert_eq!(row["extra"]["year"], json!(2024.5));
        assert_eq!(row["extra"]["clusters"], json!(["a", 1]));
        assert_eq!(row["extra"]["position"], json!(3));
        let moved = into_props(row.clone(), &PROJECTS);
        assert!(
            moved.keys().eq(props.keys()) && &moved == props,
            "{moved:?}"
        );
        // A column set later (by QGIS) wins over the null kept for it.
        let mut edited = row.clone();
        edited.insert("note".into(), json!("set in QGIS"));
        assert_eq!(into_props(edited, &PROJECTS)["note"], json!("set in QGIS"));
        let mut other = row.clone();
        other.insert("currency".into(), json!("CNY"));
        assert_eq!(changed_columns(&row, &other, &PROJECTS), vec!["currency"]);
    }
}
