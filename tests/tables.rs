//! Delimited text opened as a layer, with files written by other tools: a GBK CSV with Chinese
//! headers written by Python's csv module (as Excel on Chinese Windows saves), CSVs written by
//! GDAL's ogr2ogr (X/Y columns and a WKT column), and AMap (GCJ-02) coordinates in columns
//! named so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::ogr2ogr;

use std::process::Command;

use geo::CoordsIter;
use park_atlas::gcj02::wgs84_to_gcj02;
use park_atlas::io::{self, Progress};

fn read(path: &std::path::Path) -> (Vec<park_atlas::model::GenericFeature>, Vec<String>) {
    let (features, warnings) = io::dataset::read_layer_file(path, "t.csv", &Progress::default())
        .expect("a table is a layer file")
        .unwrap_or_else(|p| panic!("{p:#?}"));
    (
        features.to_vec(0..features.len()),
        warnings.iter().map(|w| w.message.clone()).collect(),
    )
}

fn point(f: &park_atlas::model::GenericFeature) -> (f64, f64) {
    let c = f.geometry.as_ref().unwrap().coords_iter().next().unwrap();
    (c.x, c.y)
}

#[test]
fn a_gbk_csv_with_chinese_headers_from_python_opens_with_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("企业名录.csv");
    let script = r#"
import csv, sys
rows = [["企业名称", "投资额（万元）", "经度", "纬度"],
        ["宝钢湛江钢铁有限公司", "6968000", "110.4868", "21.0633"],
        ["中科（广东）炼化有限公司", "4400000", "110°26′24″E", "21°03′36″N"],
        ["地址待定的企业", "", "", ""]]
with open(sys.argv[1], "w", encoding="gbk", newline="") as f:
    csv.writer(f).writerows(rows)
"#;
    let ok = Command::new("python3")
        .args(["-c", script, path.to_str().unwrap()])
        .status()
        .expect("python3 writes the file");
    assert!(ok.success());
    let (features, said) = read(&path);
    assert_eq!(features.len(), 3, "no row is dropped");
    assert_eq!(features[0].properties["企业名称"], "宝钢湛江钢铁有限公司");
    assert_eq!(features[0].properties["投资额（万元）"], 6_968_000);
    assert_eq!(point(&features[0]), (110.4868, 21.0633));
    let (x, y) = point(&features[1]);
    assert!(
        (x - 110.44).abs() < 1e-9 && (y - 21.06).abs() < 1e-9,
        "{x} {y}"
    );
    assert!(features[2].geometry.is_none());
    assert!(said.iter().any(|m| m.contains("GBK")), "{said:?}");
    assert!(
        said.iter()
            .any(|m| m.starts_with("1 row(s) have no usable coordinates") && m.ends_with("rows 4")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|m| m.contains("\"经度\" (longitude)")),
        "{said:?}"
    );
}

#[test]
fn csvs_written_by_ogr2ogr_open_where_the_parks_are() {
    let dir = tempfile::tempdir().unwrap();
    let parks = dir.path().join("parks.geojson");
    let atlas = io::load_embedded().unwrap().atlas;
    let all: Vec<_> = atlas.parks.iter().collect();
    io::export_parks(&atlas, &all, &parks).unwrap();
    let xy = dir.path().join("xy.csv");
    let wkt = dir.path().join("wkt.csv");
    // Points only: X/Y columns hold a point's coordinates.
    ogr2ogr(&[
        "-f",
        "CSV",
        "-lco",
        "GEOMETRY=AS_XY",
        "-where",
        "OGR_GEOMETRY='POINT'",
        xy.to_str().unwrap(),
        parks.to_str().unwrap(),
    ]);
    ogr2ogr(&[
        "-f",
        "CSV",
        "-lco",
        "GEOMETRY=AS_WKT",
        wkt.to_str().unwrap(),
        parks.to_str().unwrap(),
    ]);
    let (features, said) = read(&xy);
    assert!(
        said.iter().any(|m| m.contains("\"X\" (longitude)")),
        "{said:?}"
    );
    assert!(!features.is_empty());
    for f in &features {
        let id = f.properties["id"].as_str().unwrap();
        let p = atlas.park(id).unwrap();
        let c = p.geometry.as_ref().unwrap().coords_iter().next().unwrap();
        let (x, y) = point(f);
        assert!((x - c.x).abs() < 1e-9 && (y - c.y).abs() < 1e-9, "{id}");
    }
    let (features, said) = read(&wkt);
    assert_eq!(features.len(), atlas.parks.len());
    assert!(said.iter().any(|m| m.contains("WKT column")), "{said:?}");
    for f in &features {
        let id = f.properties["id"].as_str().unwrap();
        let p = atlas.park(id).unwrap();
        assert_eq!(
            f.geometry.as_ref().unwrap().coords_count(),
            p.geometry.as_ref().unwrap().coords_count(),
            "{id}"
        );
    }
}

#[test]
fn amap_coordinates_in_columns_named_gcj_are_brought_back_to_wgs84() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amap.csv");
    let (lon, lat) = (110.40, 21.20);
    let (glon, glat) = wgs84_to_gcj02(lon, lat);
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(["name", "gcj_lng", "gcj_lat"]).unwrap();
    w.write_record(["a", &glon.to_string(), &glat.to_string()])
        .unwrap();
    w.flush().unwrap();
    let (features, said) = read(&path);
    let (x, y) = point(&features[0]);
    assert!((x - lon).abs() < 1e-9 && (y - lat).abs() < 1e-9, "{x} {y}");
    assert!(
        said.iter()
            .any(|m| m.starts_with("coordinates in GCJ-02, found from: the column names")),
        "{said:?}"
    );
}

#[test]
fn a_table_without_coordinate_columns_is_refused_with_its_columns_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.csv");
    std::fs::write(&path, "名称,地址\n甲,湛江\n").unwrap();
    let problems = io::dataset::read_layer_file(&path, "list.csv", &Progress::default())
        .unwrap()
        .unwrap_err();
    assert!(problems[0].message.contains("名称, 地址"), "{problems:?}");
    assert!(problems[0].text(true).contains("请用 --lon 和 --lat 指定"));
}

#[test]
fn the_window_opens_a_csv_as_a_layer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("enterprises.csv");
    std::fs::write(&path, "名称,经度,纬度\n甲,110.40,21.20\n乙,110.45,21.10\n").unwrap();
    let mut h = common::harness(common::english());
    h.state_mut()
        .push(park_atlas::command::Command::OpenPath(path));
    h.run();
    common::wait_loaded(&mut h);
    let app = h.state();
    let layer = app.atlas.layers.last().expect("a layer");
    assert_eq!(layer.name, "enterprises.csv");
    assert_eq!(layer.features.len(), 2);
}

#[test]
fn convert_turns_an_amap_spreadsheet_export_into_wgs84_geojson_that_gdal_reads() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("高德企业.csv");
    let (glon, glat) = wgs84_to_gcj02(110.40, 21.20);
    let script = r#"
import csv, sys
with open(sys.argv[1], "w", encoding="gbk", newline="") as f:
    w = csv.writer(f)
    w.writerow(["企业名称", "高德经度", "高德纬度"])
    w.writerow(["甲公司", sys.argv[2], sys.argv[3]])
    w.writerow(["乙公司", "", ""])
"#;
    let ok = Command::new("python3")
        .args([
            "-c",
            script,
            input.to_str().unwrap(),
            &glon.to_string(),
            &glat.to_string(),
        ])
        .status()
        .unwrap();
    assert!(ok.success());
    let out = dir.path().join("out.geojson");
    let run = Command::new(env!("CARGO_BIN_EXE_park-atlas"))
        .args([
            "convert",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--lang", "en"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{said}");
    assert!(
        said.contains("coordinates in GCJ-02, found from: the column names"),
        "{said}"
    );
    assert!(said.contains("rows 3"), "{said}");
    let info = Command::new("ogrinfo")
        .args(["-al", "-q", out.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(text.contains("企业名称 (String) = 甲公司"), "{text}");
    let point = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("POINT ("))
        .unwrap();
    let xy: Vec<f64> = point
        .trim_end_matches(')')
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(
        (xy[0] - 110.40).abs() < 1e-8 && (xy[1] - 21.20).abs() < 1e-8,
        "{xy:?}"
    );
    // The same as a GeoPackage that GDAL reads: one table named after the file, typed columns.
    let gpkg = dir.path().join("企业.gpkg");
    let run = Command::new(env!("CARGO_BIN_EXE_park-atlas"))
        .args([
            "convert",
            input.to_str().unwrap(),
            "--out",
            gpkg.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let info = Command::new("ogrinfo")
        .args(["-al", "-q", gpkg.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(text.contains("Layer name: 企业"), "{text}");
    assert!(text.contains("企业名称 (String) = 甲公司"), "{text}");
    assert!(text.contains("row (Integer64) = 2"), "{text}");
    assert!(text.contains("POINT (110.4 21.2)"), "{text}");
    assert_eq!(text.matches("OGRFeature").count(), 2, "{text}");
    // Bad input: exit 1, nothing written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "名称,地址\n甲,湛江\n").unwrap();
    let none = dir.path().join("none.geojson");
    let run = Command::new(env!("CARGO_BIN_EXE_park-atlas"))
        .args([
            "convert",
            bad.to_str().unwrap(),
            "-o",
            none.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(!none.exists());
}

/// `tests/fixtures/enterprises.xlsx` was written by Python's openpyxl: a notes sheet "说明"
/// first, then "企业" with 经度/纬度 as numbers and as degrees-minutes-seconds text, a date,
/// a code with a leading zero and a row without coordinates.
fn workbook() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/enterprises.xlsx")
}

#[test]
fn a_workbook_from_openpyxl_opens_its_sheet_with_coordinates() {
    let (features, said) = read(&workbook());
    assert_eq!(features.len(), 3);
    assert!(
        said.iter().any(|m| m.starts_with("sheet \"企业\" read")),
        "{said:?}"
    );
    let p = &features[0].properties;
    assert_eq!(p["企业名称"], "宝钢湛江钢铁有限公司");
    assert_eq!(p["投资额（亿元）"], 696.8);
    assert_eq!(p["签约日期"], "2012-05-24");
    assert_eq!(features[1].properties["统一社会信用代码"], "0440800");
    assert_eq!(point(&features[0]), (110.4868, 21.0633));
    let (x, y) = point(&features[1]);
    assert!((x - 110.44).abs() < 1e-9 && (y - 21.06).abs() < 1e-9);
    assert!(features[2].geometry.is_none());
    assert!(said.iter().any(|m| m.ends_with("rows 4")), "{said:?}");
}

#[test]
fn a_sheet_is_chosen_by_name_and_a_wrong_name_lists_the_sheets() {
    let read_sheet = |sheet: &str| {
        let options = io::formats::TableOptions {
            sheet: Some(sheet.into()),
            ..Default::default()
        };
        io::dataset::read_layer_file_as(&workbook(), "w.xlsx", &Progress::default(), &options)
            .unwrap()
    };
    let notes = read_sheet("说明").unwrap_err();
    assert!(
        notes[0]
            .message
            .contains("no longitude and latitude columns"),
        "{notes:?}"
    );
    let missing = read_sheet("Sheet9").unwrap_err();
    assert!(
        missing[0].message.contains("the sheets are: 说明, 企业"),
        "{missing:?}"
    );
    assert_eq!(read_sheet("企业").unwrap().0.len(), 3);
}

#[test]
fn the_window_opens_a_workbook_as_a_layer() {
    let mut h = common::harness(common::english());
    h.state_mut()
        .push(park_atlas::command::Command::OpenPath(workbook()));
    h.run();
    common::wait_loaded(&mut h);
    let layer = h.state().atlas.layers.last().expect("a layer");
    assert_eq!(layer.name, "enterprises.xlsx");
    assert_eq!(layer.features.len(), 3);
}

#[test]
fn kml_written_by_ogr2ogr_and_zipped_into_a_kmz_by_python_opens_with_holes_and_data() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.geojson");
    std::fs::write(
        &src,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"Name":"有洞的地块","编号":"0012","面积":12.5},"geometry":{"type":"Polygon","coordinates":[[[110.3,21.2],[110.4,21.2],[110.4,21.3],[110.3,21.3],[110.3,21.2]],[[110.33,21.23],[110.36,21.23],[110.36,21.26],[110.33,21.26],[110.33,21.23]]]}},
{"type":"Feature","properties":{"Name":"道路"},"geometry":{"type":"LineString","coordinates":[[110.3,21.1],[110.5,21.15]]}},
{"type":"Feature","properties":{"Name":"两点"},"geometry":{"type":"MultiPoint","coordinates":[[110.3,21.1],[110.5,21.15]]}}]}"#,
    )
    .unwrap();
    let kml = dir.path().join("plots.kml");
    ogr2ogr(&["-f", "KML", kml.to_str().unwrap(), src.to_str().unwrap()]);
    let kmz = dir.path().join("plots.kmz");
    let zipped = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; z = zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED); z.write(sys.argv[1], 'doc.kml'); z.close()",
            kml.to_str().unwrap(),
            kmz.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(zipped.success());
    for path in [&kml, &kmz] {
        let (features, _) = read(path);
        assert_eq!(features.len(), 3, "{path:?}");
        let plot = &features[0];
        assert_eq!(plot.properties["name"], "有洞的地块");
        assert_eq!(
            plot.properties["编号"], "0012",
            "a code keeps its leading zero"
        );
        assert_eq!(plot.properties["面积"], 12.5);
        assert_eq!(plot.properties["folder"], "src");
        let Some(geo::Geometry::Polygon(p)) = &plot.geometry else {
            panic!("{:?}", plot.geometry)
        };
        assert_eq!(p.interiors().len(), 1, "the hole is kept");
        assert!(matches!(
            features[1].geometry,
            Some(geo::Geometry::LineString(_))
        ));
        assert!(matches!(
            features[2].geometry,
            Some(geo::Geometry::MultiPoint(_))
        ));
    }
}

#[test]
fn google_earth_data_and_nested_folders_become_properties() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("survey.kml");
    std::fs::write(
        &path,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>调研</name>
<Folder><name>麻章区</name><Folder><name>东海岛</name>
<Placemark><name>企业甲</name><description>现场核实</description>
<ExtendedData><Data name="员工数"><value>320</value></Data></ExtendedData>
<Point><coordinates>110.45,21.05,0</coordinates></Point></Placemark>
</Folder></Folder></Document></kml>"#,
    )
    .unwrap();
    let (features, _) = read(&path);
    let p = &features[0].properties;
    assert_eq!(p["name"], "企业甲");
    assert_eq!(p["description"], "现场核实");
    assert_eq!(p["员工数"], 320);
    assert_eq!(p["folder"], "麻章区 / 东海岛");
    assert_eq!(point(&features[0]), (110.45, 21.05));
}
