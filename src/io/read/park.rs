//! A feature that follows the park schema → [`Park`], and the checks of its references.

use geo::Geometry;
use serde_json::{Map, Value};

use super::fields::{Fields, compact, read_project, read_sources, read_target};
use super::{Ctx, id_text};
use crate::model::{Park, Role, Taxonomy, Tier};

pub(super) fn read_park(
    ctx: &mut Ctx<'_>,
    feature_id: Option<Value>,
    props: &mut Map<String, Value>,
    geometry: Option<Geometry<f64>>,
    taxonomy: Option<&Taxonomy>,
) -> Option<Park> {
    let mut f = Fields {
        ctx,
        props,
        prefix: String::new(),
    };
    let prop_id = f.opt_str("id");
    let fid = match &feature_id {
        None | Some(Value::Null) => None,
        Some(v) => id_text(v),
    };
    let id = match (prop_id, fid) {
        (Some(a), Some(b)) if a != b => {
            f.ctx.error(
                "id",
                crate::msg!(
                    "properties.id {} differs from the feature id {}",
                    format!("{:?}", a),
                    format!("{:?}", b)
                ),
            );
            return None;
        }
        (Some(a), _) => a,
        (None, Some(b)) => b,
        (None, None) => {
            f.ctx.error(
                "id",
                crate::msg!("a park needs an id (a \"id\" property or a feature id)"),
            );
            return None;
        }
    };
    if id.trim().is_empty() {
        f.ctx.error("id", crate::msg!("the id is empty"));
        return None;
    }
    let name_zh = f.opt_str("name_zh");
    let name_en = f.opt_str("name_en");
    if name_zh.is_none() && name_en.is_none() {
        f.ctx.error(
            "name_zh",
            crate::msg!("a park needs a name (name_zh or name_en)"),
        );
    }
    let county_adcodes = f.str_list("county_adcodes");
    let tier = match f.opt_str("tier") {
        None => Tier::Unknown,
        Some(t) => Tier::parse(&t).unwrap_or_else(|| {
            f.ctx.error(
                "tier",
                crate::msg!(
                    "expected one of national, provincial, municipal, unknown; found {}",
                    format!("{:?}", t)
                ),
            );
            Tier::Unknown
        }),
    };
    let role = match f.opt_str("role") {
        None => Role::Park,
        Some(r) => Role::parse(&r).unwrap_or_else(|| {
            let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
            f.ctx.error(
                "role",
                crate::msg!(
                    "expected one of {}; found {}",
                    all.join(", "),
                    format!("{:?}", r)
                ),
            );
            Role::Park
        }),
    };
    let parent_id = f.opt_str("parent_id");
    let area_km2 = f.opt_num("area_km2", crate::msg!("an area in km²"));
    let clusters = f.str_list("clusters");
    let projects = f.objects("projects", read_project);
    let targets = f.objects("targets", read_target);
    let location_accuracy_km = f.opt_num("location_accuracy_km", crate::msg!("a distance in km"));
    let sources = read_sources(&mut f);
    let park = Park {
        id,
        name_zh,
        name_en,
        county_adcodes,
        tier,
        role,
        parent_id,
        area_km2,
        clusters,
        projects,
        targets,
        location_accuracy_km,
        sources,
        geometry,
        extra: compact(std::mem::take(props)),
    };
    check_park_references(ctx, &park, taxonomy);
    if park.geometry.is_none() {
        ctx.warn(
            "geometry",
            crate::msg!("no location: the park is listed but not drawn on the map"),
        );
    }
    Some(park)
}

/// Source ids must resolve to the park's `sources`; cluster ids to the taxonomy.
pub(super) fn check_park_references(ctx: &mut Ctx<'_>, park: &Park, taxonomy: Option<&Taxonomy>) {
    let check_sources = |ctx: &mut Ctx<'_>, field: String, ids: &[&str]| {
        for (i, id) in ids.iter().enumerate() {
            if !park.sources.contains_key(*id) {
                ctx.error(
                    &format!("{field}[{i}]"),
                    crate::msg!(
                        "unknown source id {} (not in this park's \"sources\")",
                        format!("{:?}", id)
                    ),
                );
            }
        }
    };
    for (i, p) in park.projects.iter().enumerate() {
        let ids: Vec<&str> = p.source_ids.iter().map(String::as_str).collect();
        check_sources(ctx, format!("projects[{i}].source_ids"), &ids);
    }
    for (i, t) in park.targets.iter().enumerate() {
        let ids: Vec<&str> = t.source_ids.iter().map(String::as_str).collect();
        check_sources(ctx, format!("targets[{i}].source_ids"), &ids);
    }
    let keys: Vec<String> = park
        .extra
        .keys()
        .filter(|k| k.ends_with("source_ids"))
        .cloned()
        .collect();
    for key in keys {
        let ids = park.source_ids(&key);
        check_sources(ctx, key.clone(), &ids);
    }
    if let Some(facts) = park.extra.get("facts").and_then(Value::as_array) {
        for (i, fact) in facts.iter().enumerate() {
            let ids: Vec<&str> = fact
                .get("source_ids")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            check_sources(ctx, format!("facts[{i}].source_ids"), &ids);
        }
    }
    let Some(tax) = taxonomy else { return };
    let check_cluster = |ctx: &mut Ctx<'_>, field: String, id: &str| {
        if tax.cluster(id).is_none() {
            ctx.error(
                &field,
                crate::msg!(
                    "unknown cluster id {} (not in clusters.json)",
                    format!("{:?}", id)
                ),
            );
        }
    };
    for (i, c) in park.clusters.iter().enumerate() {
        check_cluster(ctx, format!("clusters[{i}]"), c);
    }
    for (i, p) in park.projects.iter().enumerate() {
        for (j, c) in p.clusters.iter().enumerate() {
            check_cluster(ctx, format!("projects[{i}].clusters[{j}]"), c);
        }
    }
}
