//! The embedded Zhanjiang dataset: it loads cleanly, its references resolve, and the queries
//! and hit-tests return the parks a planner expects.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;

use park_atlas::Atlas;
use park_atlas::io;
use park_atlas::model::{Role, Tier};
use park_atlas::query::{
    Filter, Selection, filter_parks, format_amount, investment_by_cluster, summarize,
};
use park_atlas::spatial::{Layer, SpatialIndex};

fn atlas() -> Atlas {
    let loaded = io::load_embedded().expect("the embedded dataset loads");
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
    loaded.atlas
}

fn ids(atlas: &Atlas, idx: &[usize]) -> BTreeSet<String> {
    idx.iter().map(|&i| atlas.parks[i].id.clone()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_embedded_dataset_has_the_expected_counts() {
    let a = atlas();
    assert_eq!(a.counties.len(), 9);
    assert_eq!(a.parks.len(), 22);
    let count = |roles: &[Role]| a.parks.iter().filter(|p| roles.contains(&p.role)).count();
    assert_eq!(count(&[Role::AgglomerationZone]), 1);
    assert_eq!(
        count(&[
            Role::AgglomerationZone,
            Role::AgglomerationSection,
            Role::CountyPark,
            Role::Park
        ]),
        14
    );
    assert_eq!(count(&[Role::AnchorSite]), 5);
    assert_eq!(count(&[Role::Infrastructure]), 2);
    assert_eq!(a.parks.iter().map(|p| p.projects.len()).sum::<usize>(), 31);
    let per_group: Vec<usize> = ["pillar", "emerging", "traditional", "agglomeration"]
        .iter()
        .map(|g| a.taxonomy.clusters_in(g).count())
        .collect();
    assert_eq!(per_group, [3, 4, 4, 3]);
    assert!(a.others.is_empty());
    assert!(!a.land.is_empty());
    let city = a.citywide.as_ref().unwrap();
    let signed = city
        .figures
        .iter()
        .find(|f| f.id == "signed_projects_2016_2020")
        .unwrap();
    assert_eq!(signed.value, Some(195.0));
    let invest = city
        .figures
        .iter()
        .find(|f| f.id == "signed_investment_2016_2020")
        .unwrap();
    assert_eq!(invest.value, Some(69.3e9));
}

#[test]
fn every_county_has_an_adcode_names_and_a_kind() {
    let a = atlas();
    let adcodes: BTreeSet<&str> = a.counties.iter().map(|c| c.adcode.as_str()).collect();
    assert_eq!(adcodes.len(), 9);
    for c in &a.counties {
        assert!(c.adcode.starts_with("4408"), "{}", c.adcode);
        assert!(c.name_zh.is_some() && c.name_en.is_some(), "{}", c.adcode);
        assert!(matches!(
            c.kind.as_deref(),
            Some("district" | "county" | "county_level_city")
        ));
        assert!(c.geometry.is_some());
    }
    assert_eq!(a.resolve_county("Xiashan").unwrap().adcode, "440803");
    assert_eq!(a.resolve_county("霞山区").unwrap().adcode, "440803");
    assert_eq!(a.resolve_county("雷州").unwrap().adcode, "440882");
}

#[test]
fn every_cluster_and_source_reference_resolves() {
    let a = atlas();
    for p in &a.parks {
        for c in p
            .clusters
            .iter()
            .chain(p.projects.iter().flat_map(|pr| pr.clusters.iter()))
        {
            assert!(a.taxonomy.cluster(c).is_some(), "{}: cluster {c}", p.id);
        }
        let mut cited: Vec<&str> = p
            .projects
            .iter()
            .flat_map(|pr| pr.source_ids.iter().map(String::as_str))
            .collect();
        cited.extend(
            p.targets
                .iter()
                .flat_map(|t| t.source_ids.iter().map(String::as_str)),
        );
        for key in [
            "tier_source_ids",
            "area_source_ids",
            "clusters_source_ids",
            "location_source_ids",
        ] {
            cited.extend(p.source_ids(key));
        }
        for id in cited {
            assert!(p.sources.contains_key(id), "{}: source {id}", p.id);
        }
        if let Some(parent) = &p.parent_id {
            assert!(a.park(parent).is_some(), "{}: parent {parent}", p.id);
        }
    }
    let city = a.citywide.as_ref().unwrap();
    for f in &city.figures {
        assert!(!f.source_ids.is_empty(), "{} has no source", f.id);
    }
}

#[test]
fn every_figure_has_a_source_and_unknowns_stay_null() {
    let a = atlas();
    for p in &a.parks {
        for pr in &p.projects {
            assert!(
                !pr.source_ids.is_empty(),
                "{}: project without source",
                p.id
            );
            assert_eq!(
                pr.amount.is_some(),
                pr.currency.is_some(),
                "{}: amount without currency",
                p.id
            );
        }
        for t in &p.targets {
            assert!(!t.source_ids.is_empty(), "{}: target without source", p.id);
        }
        if p.area_km2.is_some() {
            assert!(
                !p.source_ids("area_source_ids").is_empty(),
                "{}: area without source",
                p.id
            );
        }
        // Every location is approximate and says by how much.
        assert!(p.is_approximate(), "{}", p.id);
        assert!(p.text("location_note").is_some(), "{}", p.id);
    }
    // The agglomeration zone has no sourced total area: it stays unknown.
    assert_eq!(
        a.park("zj_large_agglomeration_zone").unwrap().area_km2,
        None
    );
}

#[test]
fn claims_only_the_2021_article_makes_are_marked() {
    let a = atlas();
    let lianjiang = a.park("lianjiang_htz").unwrap();
    let marked: Vec<_> = lianjiang
        .targets
        .iter()
        .filter(|t| t.article_only())
        .collect();
    assert_eq!(marked.len(), 1);
    assert!(
        marked[0]
            .metric
            .as_deref()
            .unwrap()
            .contains("international first-class")
    );
    let city = a.citywide.as_ref().unwrap();
    let article_only: BTreeSet<&str> = city
        .figures
        .iter()
        .filter(|f| f.article_only)
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(
        article_only,
        ["agglomeration_cluster_scale", "parks_seven_connections"]
            .into_iter()
            .collect()
    );
}

#[test]
fn all_locations_lie_in_zhanjiang_and_in_their_listed_counties() {
    let a = atlas();
    let index = SpatialIndex::build(&a);
    for p in &a.parks {
        let g = p.geometry.as_ref().unwrap();
        for pt in geo::CoordsIter::coords_iter(g) {
            assert!(
                (109.6..=110.95).contains(&pt.x) && (20.2..=21.95).contains(&pt.y),
                "{}: {pt:?}",
                p.id
            );
            let counties: Vec<&str> = index
                .at_point(&a, pt.x, pt.y, 0.0)
                .into_iter()
                .filter(|h| h.layer == Layer::County)
                .map(|h| a.counties[h.index].adcode.as_str())
                .collect();
            assert_eq!(counties.len(), 1, "{}: {pt:?} in {counties:?}", p.id);
            assert!(
                p.county_adcodes.iter().any(|c| c == counties[0]),
                "{}: {pt:?} in {counties:?}",
                p.id
            );
        }
    }
}

#[test]
fn green_petrochemicals_are_planned_on_donghai_island_and_along_the_coast() {
    let a = atlas();
    let f = Filter {
        clusters: set(&["green_petrochem"]),
        ..Filter::default()
    };
    let found = ids(&a, &filter_parks(&a, &f));
    assert_eq!(
        found,
        set(&[
            "zj_large_agglomeration_zone",
            "zhanjiang_etdz",
            "zhanjiang_industrial_transfer_park_donghai",
            "zhongke_refinery",
            "basf_zhanjiang_verbund",
            "leizhou_wushi",
            "xiashan_lingang_park",
        ])
    );
    // The Donghai Island sites among them: those in Mazhang (Donghai Island).
    let donghai = Filter {
        clusters: set(&["green_petrochem"]),
        counties: set(&["440811"]),
        ..Filter::default()
    };
    let found = ids(&a, &filter_parks(&a, &donghai));
    assert!(found.contains("zhongke_refinery") && found.contains("basf_zhanjiang_verbund"));
    assert!(!found.contains("xiashan_lingang_park"));
}

#[test]
fn facets_combine_with_and_and_values_with_or() {
    let a = atlas();
    let national = Filter {
        tiers: [Tier::National].into(),
        ..Filter::default()
    };
    assert_eq!(
        ids(&a, &filter_parks(&a, &national)),
        set(&["zhanjiang_etdz", "zhanjiang_htz"])
    );
    let steel_or_paper = Filter {
        clusters: set(&["green_steel", "green_paper"]),
        ..Filter::default()
    };
    let n_either = filter_parks(&a, &steel_or_paper).len();
    let steel = filter_parks(
        &a,
        &Filter {
            clusters: set(&["green_steel"]),
            ..Filter::default()
        },
    )
    .len();
    assert!(n_either > steel);
    let steel_national = Filter {
        clusters: set(&["green_steel"]),
        tiers: [Tier::National].into(),
        ..Filter::default()
    };
    assert_eq!(
        ids(&a, &filter_parks(&a, &steel_national)),
        set(&["zhanjiang_etdz"])
    );
    let leizhou = Filter {
        counties: set(&["440882"]),
        ..Filter::default()
    };
    assert_eq!(
        ids(&a, &filter_parks(&a, &leizhou)),
        set(&[
            "zj_large_agglomeration_zone",
            "fenyong_htz",
            "leizhou_wushi"
        ])
    );
    let county_parks = Filter {
        roles: [Role::CountyPark].into(),
        ..Filter::default()
    };
    assert_eq!(filter_parks(&a, &county_parks).len(), 8);
    let traditional = Filter {
        groups: set(&["traditional"]),
        ..Filter::default()
    };
    let found = ids(&a, &filter_parks(&a, &traditional));
    assert!(
        found.contains("lianjiang_htz")
            && found.contains("mazhang_forestry_park")
            && !found.contains("basf_zhanjiang_verbund")
    );
    assert!(Filter::default().is_empty());
    assert_eq!(filter_parks(&a, &Filter::default()).len(), a.parks.len());
}

#[test]
fn free_text_matches_names_investors_and_projects_case_insensitively() {
    let a = atlas();
    let find = |t: &str| {
        ids(
            &a,
            &filter_parks(
                &a,
                &Filter {
                    text: t.into(),
                    ..Filter::default()
                },
            ),
        )
    };
    assert_eq!(find("BASF"), set(&["basf_zhanjiang_verbund"]));
    assert_eq!(find("basf"), find("BASF"));
    // 宝钢 is in the steel base's name and in a steel-supporting project of the transfer park.
    assert_eq!(
        find("宝钢"),
        set(&[
            "baosteel_zhanjiang",
            "zhanjiang_industrial_transfer_park_donghai"
        ])
    );
    assert_eq!(find("sinopec"), set(&["zhongke_refinery"]));
    assert!(find("chenming").contains("mazhang_forestry_park"));
    assert!(find("廉江").contains("lianjiang_htz"));
    assert_eq!(
        find("airport wuchuan"),
        set(&["wuchuan_airport_economic_zone", "zhanjiang_wuchuan_airport"])
    );
    assert!(find("no such park anywhere").is_empty());
}

#[test]
fn totals_are_kept_per_currency() {
    let a = atlas();
    let basf = a.park("basf_zhanjiang_verbund").unwrap();
    let baosteel = a.park("baosteel_zhanjiang").unwrap();
    let s = summarize(&a, &[basf, baosteel]);
    assert_eq!(s.parks, 2);
    assert_eq!(s.projects, 5);
    assert_eq!(s.projects_with_amount, 3);
    assert_eq!(s.totals.get("EUR"), Some(&10e9));
    assert_eq!(
        s.totals.get("CNY"),
        Some(&(69_680_000_000.0 + 18_850_000_000.0))
    );
    assert_eq!(s.totals.len(), 2);
    let by_cluster = investment_by_cluster(&[basf]);
    assert_eq!(
        by_cluster.get(&("green_petrochem".into(), "EUR".into())),
        Some(&10e9)
    );
    assert!(!by_cluster.keys().any(|(_, c)| c == "CNY"));
    assert_eq!(format_amount(69_680_000_000.0, "CNY", true), "696.8 亿 CNY");
    assert_eq!(
        format_amount(69_680_000_000.0, "CNY", false),
        "69.68 bn CNY"
    );
}

#[test]
fn a_selection_keeps_ids_and_drops_unknown_ones() {
    let a = atlas();
    let mut s = Selection::default();
    s.select_only("basf_zhanjiang_verbund");
    s.toggle("zhongke_refinery");
    s.toggle("basf_zhanjiang_verbund");
    s.extend(["ghost_park", "xuwen_port"]);
    assert_eq!(s.len(), 3);
    s.retain_known(&a);
    assert_eq!(
        s.ids().collect::<Vec<_>>(),
        ["xuwen_port", "zhongke_refinery"]
    );
    let parks: Vec<&str> = s.parks(&a).iter().map(|p| p.id.as_str()).collect();
    assert_eq!(parks, ["zhongke_refinery", "xuwen_port"], "atlas order");
}

#[test]
fn a_click_finds_the_site_before_the_zone_around_it() {
    let a = atlas();
    let index = SpatialIndex::build(&a);
    let park_at = |lon, lat, tol| {
        index
            .park_at(&a, lon, lat, tol)
            .map(|i| a.parks[i].id.as_str())
    };
    // Xuwen port: the port point and a component of the Xuwen park share the spot.
    assert_eq!(park_at(110.1367, 20.23554, 500.0), Some("xuwen_port"));
    // 300 m off the BASF point, within a 1 km tolerance.
    assert_eq!(
        park_at(110.48, 21.0327, 1000.0),
        Some("basf_zhanjiang_verbund")
    );
    // The same spot with a 100 m tolerance finds nothing.
    assert_eq!(park_at(110.48, 21.0327, 100.0), None);
    // Open sea.
    assert!(index.at_point(&a, 111.5, 20.0, 5000.0).is_empty());
    // Inside Leizhou, far from any park: only the county.
    let hits = index.at_point(&a, 109.95, 20.75, 500.0);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].layer, Layer::County);
    assert_eq!(a.counties[hits[0].index].adcode, "440882");
}

#[test]
fn a_box_query_returns_what_lies_in_the_box() {
    let a = atlas();
    let index = SpatialIndex::build(&a);
    assert_eq!(index.len(), 22 + 9);
    // North-east Donghai Island.
    let found: BTreeSet<String> = index
        .parks_in_box(geo::Rect::new((110.44, 21.02), (110.52, 21.06)))
        .into_iter()
        .map(|i| a.parks[i].id.clone())
        .collect();
    for id in [
        "baosteel_zhanjiang",
        "zhongke_refinery",
        "basf_zhanjiang_verbund",
        "baosteel_5g_demo_park",
        "zhanjiang_industrial_transfer_park_donghai",
    ] {
        assert!(found.contains(id), "{id} missing from {found:?}");
    }
    assert!(!found.contains("lianjiang_htz"));
    // The agglomeration zone's sites (Donghai, Fenyong, Wushi) span this box by their
    // bounding box, but none lies in it: a rectangle selection does not take it.
    let between = geo::Rect::new((109.95, 20.7), (110.05, 20.85));
    let zone = a.park_index("zj_large_agglomeration_zone").unwrap();
    assert!(index.parks_in_box(between).contains(&zone));
    assert!(!index.parks_touching(&a, between).contains(&zone));
    let touching: BTreeSet<String> = index
        .parks_touching(&a, geo::Rect::new((110.44, 21.02), (110.52, 21.06)))
        .into_iter()
        .map(|i| a.parks[i].id.clone())
        .collect();
    assert!(touching.contains("baosteel_zhanjiang") && touching.contains("zhongke_refinery"));
    assert!(touching.is_subset(&found));
}

#[test]
fn load_without_a_folder_is_the_embedded_city() {
    let a = io::load(None).unwrap().atlas;
    assert_eq!(a.parks.len(), atlas().parks.len());
    let missing = io::load(Some(std::path::Path::new("/no/such/folder"))).unwrap_err();
    assert!(missing.iter().any(|p| p.is_error()));
}

#[test]
fn opening_a_file_replaces_only_what_it_holds() {
    let base = atlas();
    let dir = tempfile::tempdir().unwrap();
    // A parks file with two parks: the parks change, the counties stay.
    let two: Vec<_> = base
        .parks
        .iter()
        .filter(|p| p.id == "lianjiang_nuclear" || p.id == "lianjiang_htz")
        .collect();
    let parks = dir.path().join("two.geojson");
    std::fs::write(&parks, io::export::geojson_string(&two).unwrap()).unwrap();
    let opened = io::open_path(&base, &parks).unwrap().atlas;
    assert_eq!(opened.parks.len(), 2);
    assert_eq!(opened.counties.len(), base.counties.len());
    // A file of other features: parks and counties stay, the features are added.
    let other = dir.path().join("roads.geojson");
    std::fs::write(
        &other,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"road"},"geometry":{"type":"LineString","coordinates":[[110.3,21.2],[110.4,21.3]]}}]}"#,
    )
    .unwrap();
    let opened = io::open_path(&base, &other).unwrap().atlas;
    assert_eq!(opened.parks.len(), base.parks.len());
    assert_eq!(opened.others.len(), 1);
    // A broken file is refused with located problems.
    let bad = dir.path().join("bad.geojson");
    std::fs::write(&bad, "{\"type\": \"FeatureCollection\", \"features\": [").unwrap();
    let problems = io::open_path(&base, &bad).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.is_error() && p.to_string().contains("bad.geojson"))
    );
}

#[test]
fn cluster_names_fall_back_to_the_id_and_roles_rank_by_extent() {
    let a = atlas();
    assert_eq!(a.taxonomy.cluster_name("green_steel", false), "Green steel");
    assert_eq!(a.taxonomy.cluster_name("no_such", true), "no_such");
    assert!(Role::AgglomerationZone.extent_rank() > Role::CountyPark.extent_rank());
    assert!(Role::CountyPark.extent_rank() > Role::AnchorSite.extent_rank());
    assert!(Role::AnchorSite.extent_rank() > Role::Designation.extent_rank());
}

#[test]
fn a_prepared_county_answers_point_tests_like_geo() {
    use geo::Contains;
    use park_atlas::spatial::PreparedArea;
    use park_atlas::synth::Rng;
    let a = atlas();
    let mut rng = Rng::new(11);
    let mut inside = 0;
    for county in &a.counties {
        let g = county.geometry.as_ref().unwrap();
        let prepared = PreparedArea::new(g).unwrap();
        let r = geo::BoundingRect::bounding_rect(g).unwrap();
        for _ in 0..400 {
            let (x, y) = (
                rng.range(r.min().x - 0.01, r.max().x + 0.01),
                rng.range(r.min().y - 0.01, r.max().y + 0.01),
            );
            let expected = g.contains(&geo::Point::new(x, y));
            assert_eq!(
                prepared.contains(x, y),
                expected,
                "{} at {x}, {y}",
                county.adcode
            );
            inside += usize::from(expected);
        }
    }
    assert!(
        inside > 500,
        "the test must see points inside too ({inside})"
    );
}

#[test]
fn a_dataset_without_land_gets_the_built_in_land() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("parks.geojson"),
        io::dataset::embedded::PARKS,
    )
    .unwrap();
    let a = io::load_dir(dir.path()).unwrap().atlas;
    assert!(!a.land.is_empty());
    assert_eq!(a.land.len(), atlas().land.len());
}

/// The embedded park `id` as a one-feature file, changed by `edit`.
fn edited_park(id: &str, edit: impl Fn(&mut serde_json::Value)) -> String {
    let all: serde_json::Value =
        serde_json::from_str(park_atlas::io::dataset::embedded::PARKS).unwrap();
    let mut f = all["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == id)
        .unwrap()
        .clone();
    f["properties"]["parent_id"] = serde_json::Value::Null;
    edit(&mut f["properties"]);
    serde_json::json!({"type": "FeatureCollection", "features": [f]}).to_string()
}

fn errors_of(text: &str) -> Vec<String> {
    let a = atlas();
    let (_, problems) =
        park_atlas::io::parse_geojson("t.geojson", text.as_bytes(), Some(&a.taxonomy));
    problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect()
}

#[test]
fn qualifiers_come_from_one_vocabulary_and_units_carry_none() {
    // The data as shipped passes.
    assert!(errors_of(&edited_park("lianjiang_htz", |_| {})).is_empty());
    let e = errors_of(&edited_park("lianjiang_htz", |p| {
        p["projects"][0]["amount_qualifier"] = "total".into();
    }));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("projects[0].amount_qualifier: expected one of"),
        "{e:?}"
    );
    let e = errors_of(&edited_park("zhanjiang_etdz", |p| {
        p["targets"][0]["unit"] = "亿元 (about)".into();
    }));
    assert!(
        e.len() == 1 && e[0].starts_with("targets[0].unit: a unit is only the unit"),
        "{e:?}"
    );
    let e = errors_of(&edited_park("zhanjiang_etdz", |p| {
        p["targets"][0]["value_qualifier"] = "roughly".into();
    }));
    assert!(
        e.len() == 1 && e[0].starts_with("targets[0].value_qualifier"),
        "{e:?}"
    );
    let e = errors_of(&edited_park("lianjiang_htz", |p| {
        p["projects"][2]["scope"] = "town".into();
    }));
    assert!(
        e.len() == 1 && e[0].starts_with("projects[2].scope"),
        "{e:?}"
    );
}

#[test]
fn a_city_wide_batch_is_listed_with_its_park_but_kept_out_of_its_totals() {
    let a = atlas();
    let lj = a.park("lianjiang_htz").unwrap();
    let batch: Vec<_> = lj.projects.iter().filter(|p| p.is_city_wide()).collect();
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].amount, Some(7_173_000_000.0));
    let s = park_atlas::query::summarize(&a, &[lj]);
    let in_park: f64 = lj
        .projects
        .iter()
        .filter(|p| !p.is_city_wide())
        .filter_map(|p| p.amount)
        .sum();
    assert_eq!(s.totals.get("CNY").copied(), Some(in_park));
    assert_eq!(s.projects, lj.projects.len() - 1);
    assert_eq!(
        s.city_wide_totals.get("CNY").copied(),
        Some(7_173_000_000.0)
    );
}

#[test]
fn every_fact_group_of_the_embedded_data_has_a_source() {
    let a = atlas();
    for p in &a.parks {
        let ids = |key: &str| p.source_ids(key);
        if !p.clusters.is_empty() {
            assert!(
                !ids("clusters_source_ids").is_empty(),
                "{}: clusters without a source",
                p.id
            );
        }
        if p.area_km2.is_some() {
            assert!(
                !ids("area_source_ids").is_empty(),
                "{}: area without a source",
                p.id
            );
        }
        if p.geometry.is_some() {
            assert!(
                !ids("location_source_ids").is_empty(),
                "{}: location without a source",
                p.id
            );
        }
        for (i, pr) in p.projects.iter().enumerate() {
            assert!(
                !pr.source_ids.is_empty(),
                "{}: projects[{i}] without a source",
                p.id
            );
        }
        for (i, t) in p.targets.iter().enumerate() {
            assert!(
                !t.source_ids.is_empty(),
                "{}: targets[{i}] without a source",
                p.id
            );
        }
        // An agglomeration-zone cluster belongs to parks in the zone's counties only (the
        // Wuchuan airport zone carried one).
        let zone = a.park("zj_large_agglomeration_zone").unwrap();
        let in_zone = p
            .county_adcodes
            .iter()
            .all(|c| zone.county_adcodes.contains(c));
        for c in p
            .clusters
            .iter()
            .chain(p.projects.iter().flat_map(|pr| &pr.clusters))
        {
            let group = a.taxonomy.cluster(c).map(|c| c.group.as_str());
            assert!(in_zone || group != Some("agglomeration"), "{}: {c}", p.id);
        }
    }
}

#[test]
fn every_city_figure_speaks_both_languages() {
    let a = atlas();
    let city = a.citywide.as_ref().unwrap();
    for f in &city.figures {
        assert!(!f.label_zh.is_empty() && !f.label_en.is_empty(), "{}", f.id);
        let zh = f.text_zh.as_deref().unwrap_or("");
        assert!(
            !f.text.is_empty() && !zh.is_empty(),
            "{}: text in one language only",
            f.id
        );
        // The Chinese text is Chinese.
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}",
            f.id
        );
        assert_eq!(f.text_in(true), (zh, false));
        assert_eq!(f.text_in(false), (f.text.as_str(), false));
        if let Some(q) = &f.qualifier {
            assert!(
                park_atlas::model::QUALIFIERS.contains(&q.as_str()),
                "{}: {q}",
                f.id
            );
        }
    }
}

#[test]
fn every_target_speaks_both_languages() {
    let a = atlas();
    for p in &a.parks {
        for (i, t) in p.targets.iter().enumerate() {
            let (zh, zh_fell_back) = t.text_in(true);
            let (en, en_fell_back) = t.text_in(false);
            assert!(!zh_fell_back && !en_fell_back, "{} targets[{i}]", p.id);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{} targets[{i}]: {zh}",
                p.id
            );
            assert!(
                en.is_ascii(),
                "{} targets[{i}] English text has Chinese: {en}",
                p.id
            );
        }
    }
}

#[test]
fn every_park_fact_speaks_both_languages() {
    let a = atlas();
    let mut n = 0;
    for p in &a.parks {
        for f in p
            .extra
            .get("facts")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let zh = f["text_zh"].as_str().unwrap_or("");
            let en = f["text"].as_str().unwrap_or("");
            assert!(
                !en.is_empty() && zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}: {en}",
                p.id
            );
            n += 1;
        }
    }
    assert!(n >= 15);
}

#[test]
fn every_visible_text_of_the_embedded_data_speaks_both_languages() {
    let a = atlas();
    let missing = park_atlas::model::untranslated(&a);
    assert!(missing.is_empty(), "English only: {missing:#?}");
    // The notes the details show first, both ways, with no fallback.
    let etdz = a.park("zhanjiang_etdz").unwrap();
    for key in park_atlas::model::PARK_TEXTS {
        let Some((zh, zh_fell_back)) = etdz.text_in(key, true) else {
            continue;
        };
        let (en, en_fell_back) = etdz.text_in(key, false).unwrap();
        assert!(!zh_fell_back && !en_fell_back, "{key}");
        assert!(park_atlas::model::has_chinese(zh), "{key}: {zh}");
        assert_ne!(zh, en, "{key}");
    }
    let city = a.citywide.as_ref().unwrap();
    let f = city
        .figures
        .iter()
        .find(|f| f.period.as_deref() == Some("as of 2021-09"))
        .unwrap();
    assert_eq!(f.period_in(true), Some(("截至 2021-09", false)));
    assert_eq!(f.period_in(false), Some(("as of 2021-09", false)));
}

#[test]
fn a_text_without_its_chinese_is_found_and_falls_back() {
    let a = atlas();
    let strip = |id: &str, edit: &dyn Fn(&mut serde_json::Value)| {
        let text = edited_park(id, edit);
        let (parsed, _) =
            park_atlas::io::parse_geojson("t.geojson", text.as_bytes(), Some(&a.taxonomy));
        let mut one = a.clone();
        one.parks = parsed.parks;
        one.citywide = None;
        one
    };
    let no_note = strip("zhanjiang_etdz", &|p| {
        p.as_object_mut().unwrap().remove("location_note_zh");
    });
    assert_eq!(
        park_atlas::model::untranslated(&no_note),
        ["zhanjiang_etdz: location_note"]
    );
    let etdz = no_note.park("zhanjiang_etdz").unwrap();
    let (shown, fell_back) = etdz.text_in("location_note", true).unwrap();
    assert!(fell_back && shown.starts_with("Most of today's zone"));
    // A project's typed member (status) and a target's note are held to it too.
    let no_status = strip("baosteel_zhanjiang", &|p| {
        p["projects"][1]
            .as_object_mut()
            .unwrap()
            .remove("status_zh");
    });
    assert_eq!(
        park_atlas::model::untranslated(&no_status),
        ["baosteel_zhanjiang projects[1]: status"]
    );
    let pr = &no_status.park("baosteel_zhanjiang").unwrap().projects[1];
    assert!(pr.text_in("status", true).unwrap().1);
    let no_target_note = strip("zj_large_agglomeration_zone", &|p| {
        p["targets"][0]["note_zh"] = serde_json::Value::Null;
    });
    assert_eq!(
        park_atlas::model::untranslated(&no_target_note),
        ["zj_large_agglomeration_zone targets[0]: note"]
    );
    // A Chinese "translation" that is not Chinese does not count.
    let fake = strip("zhanjiang_etdz", &|p| {
        p["tier_detail_zh"] = "approved in 1984".into();
    });
    assert_eq!(
        park_atlas::model::untranslated(&fake),
        ["zhanjiang_etdz: tier_detail"]
    );
    // A source's outlet.
    let no_outlet = strip("zhanjiang_etdz", &|p| {
        p["sources"]["wiki_donghai"]
            .as_object_mut()
            .unwrap()
            .remove("outlet_zh");
    });
    assert_eq!(
        park_atlas::model::untranslated(&no_outlet),
        ["zhanjiang_etdz sources.wiki_donghai: outlet"]
    );
    // Where in the counties a park lies.
    let no_county_text = strip("zhanjiang_etdz", &|p| {
        p.as_object_mut().unwrap().remove("county_text_zh");
    });
    assert_eq!(
        park_atlas::model::untranslated(&no_county_text),
        ["zhanjiang_etdz: county_text"]
    );
    // A source's reliability note.
    let no_quality = strip("zhanjiang_etdz", &|p| {
        p["sources"]["wiki_donghai"]
            .as_object_mut()
            .unwrap()
            .remove("quality_zh");
    });
    assert_eq!(
        park_atlas::model::untranslated(&no_quality),
        ["zhanjiang_etdz sources.wiki_donghai: quality"]
    );
    assert!(!park_atlas::model::needs_chinese("2013 / 2017"));
    assert!(!park_atlas::model::needs_chinese("5G"));
    assert!(park_atlas::model::needs_chinese("c. Jan 2026"));
}

#[test]
fn a_files_kind_is_told_from_its_top_level_keys() {
    use park_atlas::io::dataset::{FileKind, guess_kind};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/zhanjiang");
    let kind = |name: &str| guess_kind(&std::fs::read(dir.join(name)).unwrap());
    assert_eq!(kind("clusters.json"), FileKind::Taxonomy);
    assert_eq!(kind("citywide.json"), FileKind::Citywide);
    assert_eq!(kind("parks.geojson"), FileKind::GeoJson);
    assert_eq!(kind("counties.geojson"), FileKind::GeoJson);
    // A key nested deeper does not count; anything unreadable is GeoJSON (and said so there).
    assert_eq!(
        guess_kind(br#"{"type": "FeatureCollection", "features": [], "x": {"figures": []}}"#),
        FileKind::GeoJson
    );
    assert_eq!(
        guess_kind(br#"{"meta": {"clusters": 1, "groups": 2}}"#),
        FileKind::GeoJson
    );
    assert_eq!(
        guess_kind(br#"{"figures": [1, 2], "title": "x"}"#),
        FileKind::Citywide
    );
    assert_eq!(guess_kind(b"not json"), FileKind::GeoJson);
    assert_eq!(guess_kind(b"[1, 2]"), FileKind::GeoJson);
}
