//! Big layers (issue 21): what the compact store and the fast reading path give back is what
//! the slow path gave, and hit-testing a big layer finds what a search of every feature finds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use egui::Modifiers;
use egui_kittest::kittest::Queryable;
use geo::{Intersects, Point};
use park_atlas::io;
use park_atlas::model::{Atlas, GenericFeature};
use park_atlas::spatial::SpatialIndex;
use park_atlas::synth::{self, SynthOptions};
use walkers::Position;

fn embedded() -> Atlas {
    io::load_embedded().unwrap().atlas
}

/// Parcels as GeoJSON features, one text each.
fn parcel_texts(n: usize, seed: u64) -> Vec<String> {
    let text = synth::parcels_geojson(
        &embedded(),
        SynthOptions {
            features: n,
            vertices: 12,
            seed,
            ..SynthOptions::default()
        },
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.to_string())
        .collect()
}

/// Reads one feature alone: a small file, read by the slow path only.
fn slowly(text: &str) -> (Option<GenericFeature>, Vec<(String, String)>) {
    let (parsed, problems) = io::parse_geojson("one", text.as_bytes(), None);
    (
        parsed.others.get(0),
        problems
            .iter()
            .map(|p| (p.field.clone(), p.message.clone()))
            .collect(),
    )
}

#[test]
fn features_read_fast_are_the_features_read_slowly() {
    let mut texts = parcel_texts(4000, 7);
    // Features the fast path must leave to the slow one, which reports what is wrong.
    let odd = [
        // Crosses itself: a warning.
        r#"{"type":"Feature","properties":{"n":1},"geometry":{"type":"Polygon","coordinates":[[[110,21],[110.01,21.01],[110.01,21],[110,21.01],[110,21]]]}}"#,
        // Three numbers per position, a bbox member, null properties, an id.
        r#"{"type":"Feature","id":7,"bbox":[110,21,110.1,21.1],"properties":null,"geometry":{"type":"Point","coordinates":[110.05,21.05,3.5]}}"#,
        // A ring that is not closed: an error.
        r#"{"type":"Feature","properties":{"n":3},"geometry":{"type":"Polygon","coordinates":[[[110,21],[110.01,21],[110.01,21.01],[110,21.01]]]}}"#,
        // Latitude and longitude swapped: an error.
        r#"{"type":"Feature","properties":{"n":4},"geometry":{"type":"Point","coordinates":[21.2,110.3]}}"#,
        // A collection, and a feature without geometry.
        r#"{"type":"Feature","properties":{"名称":"码头"},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[110.4,21.2]},{"type":"LineString","coordinates":[[110.4,21.2],[110.5,21.3]]}]}}"#,
        r#"{"type":"Feature","properties":{"n":6,"nested":{"a":[1,2.5,null]}},"geometry":null}"#,
        // Plain, with an escaped string and a string id: the fast path takes these.
        r#"{"type":"Feature","id":"p-1","properties":{"名称":"东海岛\"北\"","v":1e3},"geometry":{"type":"MultiPolygon","coordinates":[[[[110,21],[110.01,21],[110.01,21.01],[110,21],[110,21]]],[[[110.2,21],[110.21,21],[110.21,21.01],[110.2,21]]]]}}"#,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[110.4,21.2],[110.5,21.3]]}}"#,
    ];
    for (k, t) in odd.iter().enumerate() {
        texts.insert(500 * k + 3, (*t).to_owned());
    }
    let file = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}",
        texts.join(",\n")
    );
    assert!(file.len() > 1 << 20, "big enough to be read in halves");
    let (parsed, problems) = io::parse_geojson("big", file.as_bytes(), None);

    // Every feature the slow path keeps is kept, the same, in order; and every problem the
    // slow path reports is reported, at the feature's place in the big file.
    let mut kept = 0;
    let mut expected_problems = 0;
    for (i, t) in texts.iter().enumerate() {
        let (f, p) = slowly(t);
        for (field, message) in &p {
            let reported = problems.iter().any(|q| {
                q.location.starts_with(&format!("features[{i}]"))
                    && &q.field == field
                    && &q.message == message
            });
            assert!(
                reported,
                "feature {i}: {field}: {message} not in {problems:?}"
            );
            expected_problems += 1;
        }
        if let Some(f) = f {
            assert_eq!(parsed.others.get(kept).as_ref(), Some(&f), "feature {i}");
            kept += 1;
        }
    }
    assert_eq!(parsed.others.len(), kept);
    assert_eq!(problems.len(), expected_problems, "{problems:?}");
    assert!(expected_problems >= 3);

    // Checking only (what `validate` does) finds the same problems and keeps no feature.
    let (checked, check_problems) = io::check_geojson("big", file.as_bytes(), None);
    assert_eq!(check_problems, problems);
    assert!(checked.others.is_empty());
    // In one pass (a small file) too.
    let small = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
        odd.join(",")
    );
    let (parsed, problems) = io::parse_geojson("small", small.as_bytes(), None);
    let (checked, check_problems) = io::check_geojson("small", small.as_bytes(), None);
    assert_eq!(check_problems, problems);
    assert!(!problems.is_empty() && !parsed.others.is_empty() && checked.others.is_empty());
}

#[test]
fn hit_tests_on_a_big_layer_find_what_a_search_of_every_feature_finds() {
    // 100k parcels here; `PARK_ATLAS_TEST_PARCELS=1000000 cargo test --release --test
    // big_layers hit_tests` checks the city's million (docs/PERFORMANCE.md).
    let n = std::env::var("PARK_ATLAS_TEST_PARCELS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let text = synth::parcels_geojson(
        &embedded(),
        SynthOptions {
            features: n,
            vertices: 12,
            seed: 21,
            ..SynthOptions::default()
        },
    );
    let (parsed, _) = io::parse_geojson("parcels", text.as_bytes(), None);
    let mut atlas = embedded();
    atlas.add_layer("parcels".into(), None, parsed.others);
    assert_eq!(atlas.others.len(), n);
    let index = SpatialIndex::build(&atlas);
    let geometries: Vec<geo::Geometry<f64>> =
        (0..n).map(|i| atlas.others.geometry(i).unwrap()).collect();
    // Points on the parcels themselves (their first corner moved inside a little) and points
    // anywhere in the city.
    let mut seed = 99u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut points: Vec<Point<f64>> = (0..100)
        .map(|_| Point::new(109.6 + 1.5 * next(), 20.2 + 1.8 * next()))
        .collect();
    for k in 0..100 {
        let i = (k * (n / 100) + k * 7) % n;
        let c = geo::InteriorPoint::interior_point(&geometries[i]).unwrap();
        points.push(c);
    }
    let mut found = 0;
    for p in &points {
        let mut hits: Vec<usize> = index
            .others_at_point(&atlas, p.x(), p.y(), 0.0)
            .iter()
            .map(|h| h.index)
            .collect();
        hits.sort_unstable();
        let all: Vec<usize> = (0..n).filter(|&i| geometries[i].intersects(p)).collect();
        assert_eq!(hits, all, "at {p:?}");
        found += all.len();
    }
    assert!(found >= 100, "each parcel's inner point hits it: {found}");
}

#[test]
fn the_window_waits_for_a_big_layer_then_draws_and_identifies_its_parcels() {
    // 60,000 parcels (780k vertices): read on both cores, shapes built around the view.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parcels.geojson");
    let text = synth::parcels_geojson(
        &embedded(),
        SynthOptions {
            features: 60_000,
            vertices: 12,
            seed: 5,
            ..SynthOptions::default()
        },
    );
    std::fs::write(&path, &text).unwrap();
    let mut h = common::harness(common::english());
    h.state_mut().queue_files(vec![path.clone()]);
    // What --screenshot waits for: the file named, then the view's shapes, then nothing.
    let named = h.state().waiting_for();
    assert_eq!(named.as_deref(), Some(path.to_str().unwrap()));
    let start = std::time::Instant::now();
    let mut seen_file = false;
    while let Some(what) = h.state().waiting_for() {
        seen_file |= what == path.display().to_string();
        assert!(start.elapsed().as_secs() < 120, "still waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    assert!(seen_file);
    h.run();
    assert_eq!(h.state().atlas.others.len(), 60_000);
    h.get_by_label("parcels.geojson");

    // Zoomed in on one parcel, a click inside it shows its properties.
    let (parsed, _) = io::parse_geojson("parcels", text.as_bytes(), None);
    let target = parsed.others.get(12_345).unwrap();
    let inside = geo::InteriorPoint::interior_point(target.geometry.as_ref().unwrap()).unwrap();
    h.state_mut()
        .map
        .fly_to(Position::new(inside.x(), inside.y()), 17.0);
    let start = std::time::Instant::now();
    loop {
        h.step();
        let frame = h.state().map.last.unwrap();
        if (frame.zoom - 17.0).abs() < 0.01 && h.state().waiting_for().is_none() {
            break;
        }
        assert!(start.elapsed().as_secs() < 60, "never zoomed in");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run();
    let at = h
        .state()
        .map
        .last
        .unwrap()
        .screen_pos(Position::new(inside.x(), inside.y()));
    common::click_at(&mut h, at, Modifiers::NONE);
    let expected = target.properties["parcel"].as_str().unwrap().to_owned();
    let index = SpatialIndex::build(&h.state().atlas);
    let hits = index.others_at_point(&h.state().atlas, inside.x(), inside.y(), 0.0);
    assert!(hits.iter().any(|hit| {
        h.state().atlas.others.properties(hit.index)["parcel"] == expected.as_str()
    }));
    // The details panel shows a parcel under the click (the topmost of those overlapping).
    let shown = h.state().identified.unwrap();
    assert!(
        hits.iter().any(|hit| hit.index == shown),
        "{shown} not among {hits:?}"
    );
    let name = h.state().atlas.others.properties(shown)["parcel"]
        .as_str()
        .unwrap()
        .to_owned();
    h.get_by_label_contains(&name);
}

/// A file big enough to be read in blocks (over 16 MB): validating it and opening it give
/// what reading its whole text gives, problems at the same feature indices included.
#[test]
fn a_big_file_read_in_blocks_gives_what_its_whole_text_gives() {
    let mut texts = parcel_texts(48_000, 11);
    let bad = r#"{"type":"Feature","properties":{"n":1},"geometry":{"type":"Polygon","coordinates":[[[110,21],[110.01,21.01],[110.01,21],[110,21.01],[110,21]]]}}"#;
    texts.insert(30_000, bad.to_owned());
    texts.push(bad.to_owned());
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"name\":\"parcels\",\"features\":[\n{}\n]}}\n",
        texts.join(",\n")
    );
    assert!(text.len() > 17 << 20, "{} bytes", text.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parcels.geojson");
    std::fs::write(&path, &text).unwrap();
    let atlas = embedded();
    let lines = |problems: &[park_atlas::io::Problem]| -> Vec<String> {
        problems.iter().map(|p| p.to_string()).collect()
    };
    let in_blocks = io::validate_path("parcels", &path, &atlas.taxonomy);
    let whole = io::validate_bytes("parcels", text.clone().into_bytes(), &atlas.taxonomy);
    assert_eq!(lines(&in_blocks), lines(&whole));
    let at: Vec<_> = in_blocks.iter().map(|p| p.location.clone()).collect();
    assert_eq!(at, ["features[30000]", "features[48001]"]);
    // Opened as a layer: every feature, in the file's order.
    let loaded = io::open_path(&atlas, &path).unwrap();
    let layer = loaded.atlas.layers.last().unwrap();
    let (parsed, _) = io::parse_geojson("parcels", text.as_bytes(), None);
    assert_eq!(layer.features.len(), parsed.others.len());
    let store = &loaded.atlas.others;
    for i in [0, 1, 29_999, 30_000, 30_001, 48_001] {
        let k = layer.features.start + i;
        assert_eq!(store.get(k), parsed.others.get(i), "feature {i}");
    }
}
