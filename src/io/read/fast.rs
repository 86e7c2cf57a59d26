//! The fast path for big files: a feature that follows the park schema exactly (no unknown
//! members, every value of the expected type and range) is deserialised straight into typed
//! structs, without building a JSON value for its properties. Anything else — an unknown or
//! duplicate member, a wrong type, a value out of range, a reference to check by hand —
//! returns `false`, and the caller reads the feature the slow way, which reports each problem
//! exactly. So both paths give the same parks and the same problems; this one is only faster.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::fields::MAX_NUMBER;
use super::geometry::read_geometry;
use super::park::check_park_references;
use super::{Ctx, ParsedFile, id_text};
use crate::model::{Park, Project, Role, Source, Target, Taxonomy, Tier};

#[derive(Deserialize)]
#[allow(dead_code)] // built by serde only
#[serde(deny_unknown_fields)]
struct FastFeature {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    id: Option<Value>,
    properties: FastPark,
    geometry: Value,
}

#[derive(Deserialize)]
#[allow(dead_code)] // built by serde only
#[serde(deny_unknown_fields)]
struct FastPark {
    id: Option<String>,
    name_zh: Option<String>,
    name_en: Option<String>,
    county_adcodes: Option<Vec<String>>,
    tier: Option<String>,
    role: Option<String>,
    parent_id: Option<String>,
    area_km2: Option<f64>,
    clusters: Option<Vec<String>>,
    projects: Option<Vec<FastProject>>,
    targets: Option<Vec<FastTarget>>,
    location_accuracy_km: Option<f64>,
    sources: Option<BTreeMap<String, FastSource>>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // built by serde only
#[serde(deny_unknown_fields)]
struct FastProject {
    name_zh: Option<String>,
    name_en: Option<String>,
    investor: Option<String>,
    amount: Option<f64>,
    currency: Option<String>,
    year: Option<i64>,
    status: Option<String>,
    status_date: Option<String>,
    clusters: Option<Vec<String>>,
    source_ids: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // built by serde only
#[serde(deny_unknown_fields)]
struct FastTarget {
    year: Option<i64>,
    metric: Option<String>,
    value: Option<f64>,
    unit: Option<String>,
    text: Option<String>,
    source_ids: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // built by serde only
#[serde(deny_unknown_fields)]
struct FastSource {
    title: Option<String>,
    outlet: Option<String>,
    date: Option<String>,
    url: Option<String>,
    quality: Option<String>,
}

fn number_ok(x: Option<f64>) -> bool {
    x.is_none_or(|x| (0.0..=MAX_NUMBER).contains(&x))
}

fn year(y: Option<i64>) -> Option<Option<i32>> {
    match y {
        None => Some(None),
        Some(y) if (1000..=9999).contains(&y) => i32::try_from(y).ok().map(Some),
        Some(_) => None,
    }
}

fn currency_ok(c: &Option<String>) -> bool {
    c.as_deref()
        .is_none_or(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
}

/// Reads one park feature from its text, or returns `false` (nothing recorded) when it needs
/// the slow path.
/// Members of properties that make a feature a park or a county (read by the other paths).
const SCHEMA_KEYS: [&str; 4] = ["\"role\"", "\"clusters\"", "\"projects\"", "\"adcode\""];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlainFeature<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(default, borrow)]
    id: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow)]
    properties: &'a serde_json::value::RawValue,
    #[serde(borrow)]
    geometry: PlainGeometry<'a>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlainGeometry<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(borrow)]
    coordinates: &'a serde_json::value::RawValue,
}

/// The fast path for a plain feature of a big layer (a parcel: neither park nor county): its
/// properties are kept as the text they are, never built into a JSON map, and its geometry
/// is read from typed arrays. Only a feature that passes every check of the slow path — a
/// Point, LineString, Polygon or MultiPolygon of valid longitude/latitude pairs, rings
/// closed and not crossing themselves — is taken; for anything else this returns `false`
/// and the slow path reads it and reports what is wrong.
pub(super) fn read_plain(out: &mut ParsedFile, text: &str) -> bool {
    if SCHEMA_KEYS.iter().any(|k| text.contains(k)) {
        return false;
    }
    let Ok(f) = serde_json::from_str::<PlainFeature<'_>>(text) else {
        return false;
    };
    let props = f.properties.get().trim_start();
    if f.kind != "Feature" || !props.starts_with('{') {
        return false;
    }
    let ok = |c: &[f64; 2]| {
        c[0].is_finite()
            && c[1].is_finite()
            && (-180.0..=180.0).contains(&c[0])
            && (-90.0..=90.0).contains(&c[1])
    };
    let coord = |c: &[f64; 2]| geo::Coord { x: c[0], y: c[1] };
    let polygon = |rings: Vec<Vec<[f64; 2]>>| -> Option<geo::Polygon<f64>> {
        let closed = |r: &Vec<[f64; 2]>| r.len() >= 4 && r.first() == r.last() && r.iter().all(ok);
        if rings.is_empty() || !rings.iter().all(closed) {
            return None;
        }
        let mut it = rings
            .into_iter()
            .map(|r| geo::LineString::new(r.iter().map(coord).collect()));
        let p = geo::Polygon::new(it.next()?, it.collect());
        super::geometry::self_crossing(&p).is_none().then_some(p)
    };
    let raw = f.geometry.coordinates.get();
    let geometry: Option<geo::Geometry<f64>> = match f.geometry.kind {
        "Point" => serde_json::from_str::<[f64; 2]>(raw)
            .ok()
            .filter(ok)
            .map(|c| geo::Point(coord(&c)).into()),
        "LineString" => serde_json::from_str::<Vec<[f64; 2]>>(raw)
            .ok()
            .filter(|l| l.len() >= 2 && l.iter().all(ok))
            .map(|l| geo::LineString::new(l.iter().map(coord).collect()).into()),
        "Polygon" => serde_json::from_str(raw)
            .ok()
            .and_then(polygon)
            .map(Into::into),
        "MultiPolygon" => serde_json::from_str::<Vec<Vec<Vec<[f64; 2]>>>>(raw)
            .ok()
            .and_then(|ps| ps.into_iter().map(polygon).collect::<Option<Vec<_>>>())
            .map(|ps| geo::MultiPolygon::new(ps).into()),
        _ => None,
    };
    let Some(geometry) = geometry else {
        return false;
    };
    out.others
        .push_raw(Some(&geometry), f.id.map(|i| i.get()), props);
    true
}

pub(super) fn read_fast(
    ctx: &mut Ctx<'_>,
    out: &mut ParsedFile,
    index: usize,
    location: &str,
    text: &str,
    taxonomy: Option<&Taxonomy>,
) -> bool {
    let Ok(f) = serde_json::from_str::<FastFeature>(text) else {
        return false;
    };
    let p = f.properties;
    if f.kind != "Feature" || (p.role.is_none() && p.clusters.is_none() && p.projects.is_none()) {
        return false;
    }
    let fid = match &f.id {
        None | Some(Value::Null) => None,
        Some(v) => match id_text(v) {
            Some(t) => Some(t),
            None => return false,
        },
    };
    let id = match (&p.id, &fid) {
        (Some(a), Some(b)) if a != b => return false,
        (Some(a), _) => a.clone(),
        (None, Some(b)) => b.clone(),
        (None, None) => return false,
    };
    if id.trim().is_empty() || (p.name_zh.is_none() && p.name_en.is_none()) {
        return false;
    }
    let tier = match &p.tier {
        None => Tier::Unknown,
        Some(t) => match Tier::parse(t) {
            Some(t) => t,
            None => return false,
        },
    };
    let role = match &p.role {
        None => Role::Park,
        Some(r) => match Role::parse(r) {
            Some(r) => r,
            None => return false,
        },
    };
    if !number_ok(p.area_km2) || !number_ok(p.location_accuracy_km) {
        return false;
    }
    let fast_projects = p.projects.unwrap_or_default();
    let mut projects = Vec::with_capacity(fast_projects.len());
    for pr in fast_projects {
        let Some(y) = year(pr.year) else { return false };
        if !number_ok(pr.amount)
            || (pr.amount.is_some() && pr.currency.is_none())
            || !currency_ok(&pr.currency)
        {
            return false;
        }
        projects.push(Project {
            name_zh: pr.name_zh,
            name_en: pr.name_en,
            investor: pr.investor,
            amount: pr.amount,
            currency: pr.currency,
            year: y,
            status: pr.status,
            status_date: pr.status_date,
            clusters: pr.clusters.unwrap_or_default(),
            source_ids: pr.source_ids.unwrap_or_default(),
            extra: Map::new(),
        });
    }
    let fast_targets = p.targets.unwrap_or_default();
    let mut targets = Vec::with_capacity(fast_targets.len());
    for t in fast_targets {
        let Some(y) = year(t.year) else { return false };
        // A unit with a qualifier in it is reported by the exact reader.
        if t.unit
            .as_deref()
            .is_some_and(|u| u.contains('(') || u.contains('（'))
        {
            return false;
        }
        targets.push(Target {
            year: y,
            metric: t.metric,
            value: t.value,
            unit: t.unit,
            text: t.text,
            source_ids: t.source_ids.unwrap_or_default(),
            extra: Map::new(),
        });
    }
    let sources = p
        .sources
        .unwrap_or_default()
        .into_iter()
        .map(|(k, s)| {
            (
                k,
                Source {
                    title: s.title,
                    outlet: s.outlet,
                    date: s.date,
                    url: s.url,
                    quality: s.quality,
                    extra: Map::new(),
                },
            )
        })
        .collect();
    // From here on the slow path would find nothing wrong in the properties: run the same
    // geometry reader and reference checks it runs, in the same order.
    ctx.location = format!("{location} (id '{}')", fid.as_deref().unwrap_or(&id));
    let geometry = match &f.geometry {
        Value::Null => None,
        g => read_geometry(ctx, "geometry", g),
    };
    let park = Park {
        id,
        name_zh: p.name_zh,
        name_en: p.name_en,
        county_adcodes: p.county_adcodes.unwrap_or_default(),
        tier,
        role,
        parent_id: p.parent_id,
        area_km2: p.area_km2,
        clusters: p.clusters.unwrap_or_default(),
        projects,
        targets,
        location_accuracy_km: p.location_accuracy_km,
        sources,
        geometry,
        extra: Map::new(),
    };
    check_park_references(ctx, &park, taxonomy);
    if park.geometry.is_none() {
        ctx.warn(
            "geometry",
            crate::msg!("no location: the park is listed but not drawn on the map"),
        );
    }
    out.parks.push(park);
    out.park_feature_index.push(index);
    true
}
