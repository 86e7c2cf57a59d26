//! The corpus of bad files in tests/fixtures: each produces its own specific problem, and
//! nothing panics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use park_atlas::io::{self, Problem, parse_geojson, validate_file};
use park_atlas::model::Taxonomy;

fn taxonomy() -> Taxonomy {
    io::load_embedded().unwrap().atlas.taxonomy
}

fn problems_of(name: &str) -> Vec<Problem> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    validate_file(name, &bytes, &taxonomy())
}

/// Asserts the file has exactly one error and that its text contains every part given.
fn assert_one_error(name: &str, parts: &[&str]) {
    let problems = problems_of(name);
    let errors: Vec<String> = problems
        .iter()
        .filter(|p| p.is_error())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors.len(),
        1,
        "{name}: expected one error, got {errors:#?}"
    );
    for part in parts {
        assert!(
            errors[0].contains(part),
            "{name}: {:?} does not contain {part:?}",
            errors[0]
        );
    }
}

fn assert_only_warnings(name: &str, parts: &[&str]) {
    let problems = problems_of(name);
    assert!(
        problems.iter().all(|p| !p.is_error()),
        "{name}: {problems:#?}"
    );
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    for part in parts {
        assert!(
            text.iter().any(|t| t.contains(part)),
            "{name}: no warning with {part:?} in {text:#?}"
        );
    }
}

#[test]
fn an_empty_file_says_it_is_empty() {
    assert_one_error("empty.geojson", &["empty.geojson", "the file is empty"]);
    assert_one_error("whitespace.geojson", &["the file is empty"]);
}

#[test]
fn text_that_is_not_json_reports_line_and_column() {
    assert_one_error(
        "not_json.geojson",
        &["not_json.geojson: line 1, column 2: not valid JSON: expected ident"],
    );
    assert_one_error(
        "truncated.geojson",
        &["line 4, column 0", "not valid JSON", "EOF"],
    );
}

#[test]
fn nan_is_not_json_and_is_reported_where_it_stands() {
    assert_one_error(
        "nan_coordinate.geojson",
        &["line 2, column", "not valid JSON"],
    );
}

#[test]
fn json_that_is_not_geojson_is_named_as_such() {
    assert_one_error("not_geojson.json", &["not GeoJSON", "\"type\""]);
    assert_one_error("array_root.json", &["not GeoJSON", "found an array of 3"]);
    // A TopoJSON Topology is read (tests/chinese_crs.rs); one with nothing in it is refused.
    assert_one_error("unknown_type.geojson", &["TopoJSON", "no objects"]);
}

#[test]
fn invalid_coordinates_name_the_feature_and_the_position() {
    assert_one_error(
        "string_coordinate.geojson",
        &[
            "features[0]",
            "geometry.coordinates[0]",
            "expected a number, found \"110.3\"",
        ],
    );
    assert_one_error(
        "out_of_range.geojson",
        &["features[0]", "longitude 210 is out of range"],
    );
    assert_one_error(
        "swapped_lat_lon.geojson",
        &["latitude 110.37 is out of range", "longitude first"],
    );
    assert_one_error(
        "too_few_positions.geojson",
        &["geometry.coordinates", "at least 2 positions, found 1"],
    );
    assert_one_error(
        "short_ring.geojson",
        &["geometry.coordinates[0]", "at least 4 positions, found 3"],
    );
    assert_one_error(
        "unclosed_ring.geojson",
        &["geometry.coordinates[0]", "not closed"],
    );
    assert_one_error(
        "missing_coordinates.geojson",
        &["geometry.coordinates", "a Point needs \"coordinates\""],
    );
}

#[test]
fn a_wrong_field_type_names_file_feature_id_field_and_value() {
    assert_one_error(
        "bad_amount.geojson",
        &[
            "bad_amount.geojson: features[3] (id 'lianjiang_htz'): projects[1].amount: expected an investment amount (a number), found \"about 5 bn\"",
        ],
    );
    assert_one_error(
        "bad_tier.geojson",
        &["features[0] (id 'p0')", "tier", "\"galactic\""],
    );
    assert_one_error(
        "amount_without_currency.geojson",
        &["projects[0].currency", "needs a currency"],
    );
    assert_one_error("park_without_name.geojson", &["needs a name"]);
}

#[test]
fn broken_references_are_errors() {
    assert_one_error(
        "unknown_cluster.geojson",
        &["clusters[1]", "unknown cluster id \"green_unicorns\""],
    );
    assert_one_error(
        "unknown_source.geojson",
        &["projects[0].source_ids[1]", "unknown source id \"nowhere\""],
    );
    assert_one_error(
        "duplicate_ids.geojson",
        &["features[1] (id 'p0')", "duplicate id", "features[0]"],
    );
    assert_one_error("id_mismatch.geojson", &["differs from the feature id"]);
}

#[test]
fn an_unknown_parent_is_a_warning_in_a_file_and_an_error_in_a_dataset() {
    let problems = problems_of("unknown_parent.geojson");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(!problems[0].is_error());
    assert!(
        problems[0]
            .to_string()
            .contains("\"no_such_zone\" is not in this file")
    );
    let dir = tempfile::tempdir().unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/unknown_parent.geojson");
    std::fs::copy(fixture, dir.path().join("parks.geojson")).unwrap();
    let refused = io::load_dir(dir.path()).unwrap_err();
    assert!(
        refused
            .iter()
            .any(|p| p.is_error() && p.to_string().contains("unknown park id \"no_such_zone\"")),
        "{refused:#?}"
    );
}

#[test]
fn a_bad_clusters_file_lists_each_problem() {
    let problems = problems_of("bad_clusters.json");
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{text:#?}");
    assert!(
        text[0].contains("color") && text[0].contains("#12345"),
        "{text:#?}"
    );
    assert!(
        text[1].contains("unknown group id \"nowhere\""),
        "{text:#?}"
    );
}

#[test]
fn a_self_intersecting_polygon_is_a_warning_not_an_error() {
    assert_only_warnings(
        "self_intersecting.geojson",
        &[
            "features[0] (id 'p0'): geometry: the Polygon intersects itself near (110.35000, 21.15000)",
        ],
    );
}

#[test]
fn a_park_outside_every_county_is_a_warning() {
    // The county check needs counties: load the fixture as the parks file of the embedded set.
    let mut files = io::DatasetFiles::embedded();
    files.parks = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/outside_counties.geojson"),
    )
    .unwrap();
    let loaded = io::load_files(&files).unwrap();
    let text: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 1, "{text:#?}");
    assert!(
        text[0].contains("features[0] (id 'p0')") && text[0].contains("outside every county"),
        "{text:#?}"
    );
}

#[test]
fn a_gbk_file_is_decoded_not_garbled() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gbk.geojson");
    let bytes = std::fs::read(path).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must really be GBK"
    );
    let (parsed, problems) = parse_geojson("gbk.geojson", &bytes, Some(&taxonomy()));
    assert_eq!(
        parsed.parks[0].name_zh.as_deref(),
        Some("廉江高新区（GBK 编码）")
    );
    assert_eq!(problems.len(), 1);
    assert!(!problems[0].is_error());
    assert!(problems[0].message.contains("GBK"), "{}", problems[0]);
}

#[test]
fn a_latin1_file_is_read_as_windows_1252_with_a_warning_that_says_so() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/latin1.geojson");
    let bytes = std::fs::read(path).unwrap();
    let (parsed, problems) = parse_geojson("latin1.geojson", &bytes, None);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(!problems[0].is_error());
    assert!(
        problems[0].message.contains("windows-1252"),
        "{}",
        problems[0]
    );
    assert_eq!(
        parsed.foreign_members.get("name").and_then(|v| v.as_str()),
        Some("café")
    );
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    for depth in [200, 100_000, 2_000_000] {
        let text = "[".repeat(depth);
        let (_, problems) = parse_geojson("deep.json", text.as_bytes(), None);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("nested more than 128 levels"),
            "{}",
            problems[0]
        );
        let obj = "{\"a\":".repeat(depth);
        let (_, problems) = parse_geojson("deep.json", obj.as_bytes(), None);
        assert!(
            problems[0].message.contains("nested more than 128 levels"),
            "{}",
            problems[0]
        );
    }
}

#[test]
fn every_fixture_is_read_without_panicking_and_only_valid_ones_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let valid = [
        "self_intersecting.geojson",
        "outside_counties.geojson",
        "qgis_export.geojson",
        "single_feature.geojson",
        "bare_geometry.geojson",
        "gbk.geojson",
        "latin1.geojson",
        "unknown_parent.geojson",
        "counties-gcj02.topojson",
        "echarts-zhanjiang.json",
    ];
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let problems = problems_of(&name);
        let ok = !io::has_errors(&problems);
        assert_eq!(ok, valid.contains(&name.as_str()), "{name}: {problems:#?}");
        n += 1;
    }
    assert!(n >= 30, "only {n} fixtures");
}

#[test]
fn truncating_a_valid_file_anywhere_never_panics() {
    let text = io::dataset::embedded::PARKS.as_bytes();
    let tax = taxonomy();
    for cut in (0..text.len()).step_by(997) {
        let (_, problems) = parse_geojson("cut.geojson", &text[..cut], Some(&tax));
        assert!(io::has_errors(&problems), "cut at {cut} passed");
    }
}

#[test]
fn randomly_damaged_files_never_panic() {
    // A fixed-seed xorshift: the same damage every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let tax = taxonomy();
    let original = io::dataset::embedded::PARKS.as_bytes();
    let mut errors = 0;
    for _ in 0..300 {
        let mut bytes = original.to_vec();
        for _ in 0..(1 + next() % 8) {
            let at = (next() % bytes.len() as u64) as usize;
            match next() % 3 {
                0 => bytes[at] = (next() % 256) as u8,
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, b"{}[],:\"0-e.\\"[(next() % 12) as usize]),
            }
        }
        let problems = validate_file("damaged.geojson", &bytes, &tax);
        if io::has_errors(&problems) {
            errors += 1;
            // Every error says where it is: a line and column, a feature and field, a byte
            // offset, or that it concerns the whole file.
            for p in problems.iter().filter(|p| p.is_error()) {
                assert_eq!(p.file, "damaged.geojson");
                let located = p.location.starts_with("line ")
                    || p.location.starts_with("feature")
                    || p.message.contains("offset")
                    || (p.location.is_empty()
                        && (p.message.starts_with("not GeoJSON")
                            || p.message.starts_with("the file")));
                assert!(located, "not located: {p}");
            }
        }
    }
    assert!(
        errors > 200,
        "only {errors} of 300 damaged files were refused"
    );
}

#[test]
fn a_big_file_read_by_two_threads_matches_the_one_pass_reader() {
    use park_atlas::synth::{self, SynthOptions};
    let base = io::load_embedded().unwrap().atlas;
    let atlas = synth::parks(
        &base,
        SynthOptions {
            features: 600,
            ..SynthOptions::default()
        },
    );
    let all: Vec<_> = atlas.parks.iter().collect();
    let text = io::export::geojson_string(&all).unwrap();
    assert!(text.len() > 2 << 20, "big enough for the two-thread path");
    let (big, problems) = parse_geojson("big.geojson", text.as_bytes(), Some(&base.taxonomy));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(big.parks, atlas.parks, "every park, in file order");
    assert_eq!(big.park_feature_index, (0..600).collect::<Vec<_>>());
    // A bad amount in feature 400 is reported with its feature index.
    let bad = {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines[401] = lines[401].replacen("\"amount\":", "\"amount\":\"lots\",\"was\":", 1);
        lines.join("\n")
    };
    let (_, problems) = parse_geojson("big.geojson", bad.as_bytes(), Some(&base.taxonomy));
    assert!(
        problems
            .iter()
            .any(|p| p.is_error() && p.location.starts_with("features[400]")),
        "{problems:?}"
    );
    // A syntax error in the middle is located by line and column, as in a small file.
    let mut broken = text.clone().into_bytes();
    let at = text.lines().take(300).map(|l| l.len() + 1).sum::<usize>();
    assert_eq!(broken[at], b'{', "line 301 starts a feature");
    broken[at] = b'#';
    let (_, problems) = parse_geojson("big.geojson", &broken, None);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].location.starts_with("line 301,"),
        "{}",
        problems[0]
    );
}

#[test]
fn a_wrong_kind_of_file_is_named_with_what_to_do() {
    let (_, problems) = parse_geojson("parks.geojson", b"PK\x03\x04\x14\x00\x06\x00", None);
    assert_eq!(problems.len(), 1);
    let m = problems[0].to_string();
    assert!(m.contains("ZIP") && m.contains(".xlsx or .kmz"), "{m}");
    let (_, problems) = parse_geojson("page.geojson", b"<!DOCTYPE html>\n<html>", None);
    assert!(problems[0].to_string().contains("HTML"), "{}", problems[0]);
}

#[test]
fn numbers_too_big_or_negative_are_refused_where_they_stand() {
    let park = |amount: &str| {
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","geometry":{{"type":"Point","coordinates":[110.3,21.2]}},"properties":{{"id":"p","name_en":"P","projects":[{{"name_en":"x","amount":{amount},"currency":"CNY"}}]}}}}]}}"#
        )
    };
    for (amount, expect) in [
        ("1e16", "more than 10^15"),
        ("-5", "a number ≥ 0"),
        ("1e400", "not valid JSON"),
    ] {
        let (_, problems) = parse_geojson("p.geojson", park(amount).as_bytes(), None);
        let errors: Vec<String> = problems
            .iter()
            .filter(|p| p.is_error())
            .map(ToString::to_string)
            .collect();
        assert!(
            errors.iter().any(|e| e.contains(expect)),
            "{amount}: {errors:#?}"
        );
    }
    let (_, problems) = parse_geojson("p.geojson", park("1e15").as_bytes(), None);
    assert!(!io::has_errors(&problems), "{problems:#?}");
}

#[test]
fn in_a_big_file_parks_with_extra_members_read_the_same_as_in_a_small_one() {
    use park_atlas::synth::{self, SynthOptions};
    let base = io::load_embedded().unwrap().atlas;
    // The embedded parks carry notes, facts and other extra members (the slow path); the
    // synthetic ones follow the schema exactly (the typed fast path).
    let mut parks: Vec<_> = base.parks.clone();
    parks.extend(
        synth::parks(
            &base,
            SynthOptions {
                features: 500,
                ..SynthOptions::default()
            },
        )
        .parks,
    );
    let refs: Vec<_> = parks.iter().collect();
    let text = io::export::geojson_string(&refs).unwrap();
    assert!(text.len() > 2 << 20);
    let (big, problems) = parse_geojson("mixed.geojson", text.as_bytes(), Some(&base.taxonomy));
    assert!(problems.iter().all(|p| !p.is_error()), "{problems:#?}");
    assert_eq!(big.parks, parks);
}
