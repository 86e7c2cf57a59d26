//! Exports: GeoJSON reloads losslessly (unknown properties included), CSV opens in Excel with
//! Chinese intact and no live formulas, and a failed write never damages an existing file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use park_atlas::io::export::{geojson_string, parks_csv, projects_csv, safe_cell};
use park_atlas::io::{self, ExportError, export_parks, parse_geojson};
use park_atlas::model::Park;
use park_atlas::query::{Filter, filter_parks};
use serde_json::json;

fn atlas() -> park_atlas::Atlas {
    io::load_embedded().unwrap().atlas
}

#[test]
fn geojson_export_then_load_gives_identical_parks() {
    let a = atlas();
    let all: Vec<&Park> = a.parks.iter().collect();
    let text = geojson_string(&all).unwrap();
    let (parsed, problems) = parse_geojson("export.geojson", text.as_bytes(), Some(&a.taxonomy));
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(parsed.parks.len(), a.parks.len());
    for (orig, back) in a.parks.iter().zip(&parsed.parks) {
        assert_eq!(orig, back, "{} changed in the round trip", orig.id);
    }
    // And a second round trip gives the very same text.
    let again: Vec<&Park> = parsed.parks.iter().collect();
    assert!(
        geojson_string(&again).unwrap() == text,
        "the second export differs from the first"
    );
}

#[test]
fn unknown_properties_survive_load_and_export() {
    let a = atlas();
    let mut park = a.park("xuwen_port").unwrap().clone();
    park.extra.insert(
        "planner_comment".into(),
        json!({"by": "规划科", "text": "check berth 3", "n": [1, 2.5]}),
    );
    park.projects[0]
        .extra
        .insert("contract_no".into(), json!("ZJ-2019-17"));
    park.sources
        .get_mut("xw_port_open")
        .unwrap()
        .extra
        .insert("archived".into(), json!(true));
    let text = geojson_string(&[&park]).unwrap();
    let (parsed, problems) = parse_geojson("x.geojson", text.as_bytes(), Some(&a.taxonomy));
    assert!(problems.is_empty(), "{problems:#?}");
    let back = &parsed.parks[0];
    assert_eq!(back.extra["planner_comment"]["by"], "规划科");
    assert_eq!(back.projects[0].extra["contract_no"], "ZJ-2019-17");
    assert_eq!(back.sources["xw_port_open"].extra["archived"], true);
    assert_eq!(back, &park);
}

#[test]
fn exported_geojson_is_rfc7946_shaped() {
    let a = atlas();
    let basf = a.park("basf_zhanjiang_verbund").unwrap();
    let v: serde_json::Value = serde_json::from_str(&geojson_string(&[basf]).unwrap()).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    assert!(v.get("crs").is_none(), "RFC 7946 has no crs member");
    let f = &v["features"][0];
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["id"], "basf_zhanjiang_verbund");
    assert_eq!(f["geometry"]["type"], "Point");
    assert_eq!(f["geometry"]["coordinates"], json!([110.48, 21.03]));
    assert_eq!(f["properties"]["projects"][0]["currency"], "EUR");
}

#[test]
fn a_qgis_style_file_keeps_its_generic_features_and_members() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qgis_export.geojson");
    let (parsed, problems) =
        parse_geojson("qgis_export.geojson", &std::fs::read(path).unwrap(), None);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(parsed.others.len(), 2);
    assert_eq!(parsed.others.get(0).unwrap().properties["名称"], "湛江港");
    assert_eq!(parsed.others.get(0).unwrap().properties["fid"], 1);
    assert!(parsed.others.get(1).unwrap().geometry.is_none());
    assert_eq!(parsed.foreign_members["name"], "ports");
    assert!(parsed.foreign_members.contains_key("crs"));
}

#[test]
fn csv_has_a_bom_one_row_per_park_and_chinese_intact() {
    let a = atlas();
    let f = Filter {
        clusters: ["green_petrochem".to_string()].into(),
        ..Filter::default()
    };
    let parks: Vec<&Park> = filter_parks(&a, &f)
        .into_iter()
        .map(|i| &a.parks[i])
        .collect();
    let bytes = parks_csv(&a, &parks).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let header = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), parks.len());
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let basf = rows
        .iter()
        .find(|r| &r[col("id")] == "basf_zhanjiang_verbund")
        .unwrap();
    assert_eq!(&basf[col("name_zh")], "巴斯夫(广东)一体化基地");
    assert_eq!(&basf[col("investment_EUR")], "10000000000");
    assert_eq!(&basf[col("investment_CNY")], "");
    assert_eq!(&basf[col("wkt")], "POINT(110.48 21.03)");
    assert_eq!(&basf[col("location_approximate")], "true");
    assert_eq!(&basf[col("counties_zh")], "麻章区");

    let projects = projects_csv(&parks).unwrap();
    let mut r = csv::Reader::from_reader(&projects[3..]);
    let n = r.records().count();
    assert_eq!(n, parks.iter().map(|p| p.projects.len()).sum::<usize>());
}

#[test]
fn formula_cells_are_neutralised() {
    for bad in [
        "=HYPERLINK(\"http://x\")",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\tx",
    ] {
        assert!(safe_cell(bad).starts_with('\''), "{bad}");
    }
    assert_eq!(safe_cell("湛江"), "湛江");
    assert_eq!(safe_cell("a=b"), "a=b");

    let a = atlas();
    let mut park = a.park("xuwen_port").unwrap().clone();
    park.name_en = Some("=cmd|' /C calc'!A0".into());
    park.projects[0].investor = Some("@evil".into());
    let bytes = parks_csv(&a, &[&park]).unwrap();
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let row = r.records().next().unwrap().unwrap();
    assert_eq!(&row[2], "'=cmd|' /C calc'!A0");
    let projects = projects_csv(&[&park]).unwrap();
    let mut r = csv::Reader::from_reader(&projects[3..]);
    let row = r.records().next().unwrap().unwrap();
    assert_eq!(&row[5], "'@evil");
}

#[test]
fn export_writes_the_files_the_extension_names() {
    let a = atlas();
    let dir = tempfile::tempdir().unwrap();
    let parks: Vec<&Park> = a.parks.iter().take(3).collect();
    let report = export_parks(&a, &parks, &dir.path().join("sel.csv")).unwrap();
    assert_eq!(
        report.files,
        [
            dir.path().join("sel.csv"),
            dir.path().join("sel-projects.csv")
        ]
    );
    assert_eq!(report.parks, 3);
    let report = export_parks(&a, &parks, &dir.path().join("sel.geojson")).unwrap();
    let text = std::fs::read_to_string(&report.files[0]).unwrap();
    let (parsed, _) = parse_geojson("sel.geojson", text.as_bytes(), None);
    assert_eq!(parsed.parks.len(), 3);
    let err = export_parks(&a, &parks, &dir.path().join("sel.xlsx")).unwrap_err();
    assert!(matches!(err, ExportError::UnknownFormat(_)));
    assert!(!dir.path().join("sel.xlsx").exists());
}

#[test]
fn a_failed_export_leaves_the_old_file_and_no_temporary_files() {
    let a = atlas();
    // GeoJSON is streamed into the temporary file; SQLite writes the GeoPackage's by its path.
    for name in ["out.geojson", "out.gpkg"] {
        let dir = tempfile::tempdir().unwrap();
        // The target is a non-empty directory: the final rename fails.
        let target = dir.path().join(name);
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep.txt"), "precious").unwrap();
        let parks: Vec<&Park> = a.parks.iter().collect();
        let err = export_parks(&a, &parks, &target).unwrap_err();
        assert!(matches!(err, ExportError::Write { .. }), "{name}: {err}");
        assert_eq!(
            std::fs::read_to_string(target.join("keep.txt")).unwrap(),
            "precious"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from(name)]);
    }
    // A missing folder is an error too, not a panic.
    let dir = tempfile::tempdir().unwrap();
    let parks: Vec<&Park> = a.parks.iter().collect();
    let err = export_parks(&a, &parks, &dir.path().join("nope/out.csv")).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn an_export_replaces_an_existing_file_whole() {
    let a = atlas();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.geojson");
    std::fs::write(&target, "x".repeat(1_000_000)).unwrap();
    let one = [a.park("xuwen_port").unwrap()];
    export_parks(&a, &one, &target).unwrap();
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.len() < 1_000_000 && text.contains("xuwen_port"));
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
}

/// Validates an export the way `park-atlas validate FILE` does and opens it the way the
/// window does; both must succeed.
fn loads_back(a: &park_atlas::Atlas, parks: &[&Park], dir: &std::path::Path) {
    let ids: Vec<&str> = parks.iter().map(|p| p.id.as_str()).collect();
    let path = dir.join("selection.geojson");
    export_parks(a, parks, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let problems = io::validate_file("selection.geojson", &bytes, &a.taxonomy);
    let errors: Vec<_> = problems.iter().filter(|p| p.is_error()).collect();
    assert!(errors.is_empty(), "{ids:?} does not validate: {errors:#?}");
    let opened = io::open_path(a, &path)
        .unwrap_or_else(|p| panic!("{ids:?} does not open: {p:#?}"))
        .atlas;
    let back: Vec<&str> = opened.parks.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(back, ids);
}

#[test]
fn every_single_park_exported_alone_loads_back() {
    let a = atlas();
    let dir = tempfile::tempdir().unwrap();
    for p in &a.parks {
        loads_back(&a, &[p], dir.path());
    }
}

#[test]
fn random_selections_load_back_and_a_missing_parent_is_only_a_warning() {
    let a = atlas();
    let dir = tempfile::tempdir().unwrap();
    let mut rng = park_atlas::synth::Rng::new(9);
    for _ in 0..40 {
        let pick: Vec<&Park> = a.parks.iter().filter(|_| rng.unit() < 0.3).collect();
        if !pick.is_empty() {
            loads_back(&a, &pick, dir.path());
        }
    }
    // A site without its zone: loads, with a warning that names the missing parent.
    let site = a.parks.iter().find(|p| p.parent_id.is_some()).unwrap();
    let text = geojson_string(&[site]).unwrap();
    let problems = io::validate_file("one.geojson", text.as_bytes(), &a.taxonomy);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(!problems[0].is_error());
    assert!(
        problems[0]
            .message
            .contains(site.parent_id.as_deref().unwrap())
    );
    // In a dataset folder the parent must still resolve.
    let folder = dir.path().join("dataset");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("parks.geojson"), &text).unwrap();
    let refused = io::load_dir(&folder).unwrap_err();
    assert!(
        refused
            .iter()
            .any(|p| p.is_error() && p.field == "parent_id")
    );
}
