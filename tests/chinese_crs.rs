//! Files in the coordinate systems of Chinese web maps (GCJ-02, BD-09) are found and converted
//! to WGS-84 on opening; a counties file is never swapped in shifted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use egui_kittest::kittest::Queryable;

use geo::{CoordsIter, MapCoordsInPlace};
use park_atlas::gcj02::{wgs84_to_bd09, wgs84_to_gcj02};
use park_atlas::io::crs::WebCrs;
use park_atlas::io::{self, Problem};
use serde_json::{Value, json};

/// The embedded counties as a FeatureCollection shifted by `f`, each feature's properties made
/// by `props` from its adcode and name.
fn counties_file(f: fn(f64, f64) -> (f64, f64), props: fn(&str, &str) -> Value) -> String {
    let atlas = io::load_embedded().unwrap().atlas;
    let features: Vec<Value> = atlas
        .counties
        .iter()
        .map(|c| {
            let mut g = c.geometry.clone().unwrap();
            g.map_coords_in_place(|p| {
                let (x, y) = f(p.x, p.y);
                geo::Coord { x, y }
            });
            let geometry = geojson::Geometry::from(&g);
            json!({
                "type": "Feature",
                "properties": props(&c.adcode, c.name_zh.as_deref().unwrap_or("")),
                "geometry": serde_json::to_value(geometry).unwrap(),
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// What DataV's GeoAtlas writes for a county (its members, with made-up centres).
fn datav(adcode: &str, name: &str) -> Value {
    json!({
        "adcode": adcode.parse::<i64>().unwrap(),
        "name": name,
        "center": [110.36, 21.27],
        "centroid": [110.3, 21.2],
        "childrenNum": 0,
        "level": "district",
        "parent": {"adcode": 440800},
        "subFeatureIndex": 0,
        "acroutes": [100000, 440000, 440800],
    })
}

fn plain(adcode: &str, name: &str) -> Value {
    json!({"adcode": adcode, "name_zh": name})
}

fn open(text: &str, declared: Option<WebCrs>) -> io::Loaded {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("boundaries.geojson");
    std::fs::write(&path, text).unwrap();
    let current = io::load_embedded().unwrap().atlas;
    io::dataset::open_path_as(&current, &path, &io::Progress::default(), declared)
        .unwrap_or_else(|p| panic!("{p:#?}"))
}

/// The largest distance (degrees) between a county's vertices and the built-in one's.
fn worst_offset(loaded: &io::Loaded) -> f64 {
    let builtin = io::load_embedded().unwrap().atlas.counties;
    let mut worst: f64 = 0.0;
    for (a, b) in loaded.atlas.counties.iter().zip(&builtin) {
        assert_eq!(a.adcode, b.adcode);
        let (ga, gb) = (a.geometry.as_ref().unwrap(), b.geometry.as_ref().unwrap());
        for (p, q) in ga.coords_iter().zip(gb.coords_iter()) {
            worst = worst.max((p.x - q.x).abs().max((p.y - q.y).abs()));
        }
    }
    worst
}

fn notes(loaded: &io::Loaded) -> Vec<&Problem> {
    loaded.warnings.iter().collect()
}

#[test]
fn a_datav_counties_file_in_gcj02_replaces_the_counties_only_after_conversion() {
    let loaded = open(&counties_file(wgs84_to_gcj02, datav), None);
    assert!(worst_offset(&loaded) < 1e-7, "{}", worst_offset(&loaded));
    let said: Vec<String> = notes(&loaded).iter().map(|p| p.message.clone()).collect();
    assert!(
        said.iter()
            .any(|m| m.starts_with("coordinates in GCJ-02") && m.contains("(median 0 m; as WGS-84")),
        "{said:?}"
    );
    // And in Chinese.
    assert!(
        notes(&loaded)
            .iter()
            .any(|p| p.text(true).contains("坐标为 GCJ-02")),
    );
}

#[test]
fn counties_in_bd09_without_any_fingerprint_are_found_by_their_outlines() {
    let loaded = open(&counties_file(wgs84_to_bd09, plain), None);
    assert!(worst_offset(&loaded) < 1e-7, "{}", worst_offset(&loaded));
    assert!(
        notes(&loaded)
            .iter()
            .any(|p| p.message.starts_with("coordinates in BD-09")),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn wgs84_counties_are_left_as_they_are_and_a_declaration_wins() {
    let ok = |x: f64, y: f64| (x, y);
    let loaded = open(&counties_file(ok, plain), None);
    assert_eq!(worst_offset(&loaded), 0.0);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    // Declared GCJ-02, the file is converted as said (here wrongly: ~500 m off).
    let loaded = open(&counties_file(ok, plain), Some(WebCrs::Gcj02));
    assert!(worst_offset(&loaded) > 0.003);
    assert!(
        loaded
            .warnings
            .iter()
            .any(|p| p.message == "coordinates declared as GCJ-02 — converted to WGS-84")
    );
}

#[test]
fn the_window_opens_a_table_declared_as_gcj02_where_it_belongs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amap.csv");
    let (lon, lat) = (110.40, 21.20);
    let (glon, glat) = wgs84_to_gcj02(lon, lat);
    std::fs::write(&path, format!("名称,经度,纬度\n甲,{glon},{glat}\n")).unwrap();
    let mut h = common::harness(common::english());
    h.state_mut().push(park_atlas::command::Command::OpenPathAs(
        path,
        io::formats::ReadOptions {
            crs: Some(WebCrs::Gcj02),
            ..Default::default()
        },
    ));
    h.run();
    common::wait_loaded(&mut h);
    let f = h.state().atlas.others.iter().last().unwrap();
    let p = f.geometry.as_ref().unwrap().coords_iter().next().unwrap();
    assert!(
        (p.x - lon).abs() < 1e-9 && (p.y - lat).abs() < 1e-9,
        "{p:?}"
    );
    // Said in the problems window and in the status line.
    assert_eq!(
        h.query_all_by_label_contains("coordinates declared as GCJ-02")
            .count(),
        2
    );
}

/// The median distance (m) of the counties' vertices to the built-in outlines, read as they are.
fn median_to_builtin(counties: &[park_atlas::model::County]) -> f64 {
    let builtin = io::load_embedded().unwrap().atlas.counties;
    let d = park_atlas::io::crs::county_distances(counties, &builtin).unwrap();
    let as_is = d.iter().find(|x| x.0 == WebCrs::Wgs84).unwrap().1;
    assert!(as_is.is_finite(), "{d:?}");
    as_is
}

/// `tests/fixtures/counties-gcj02.topojson` was made by topojson-server's `geo2topo -q 1e5`
/// from the embedded counties shifted to GCJ-02 (as ECharts and DataV maps are), plus one
/// feature without a geometry.
fn topojson_fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/counties-gcj02.topojson")
}

#[test]
fn a_quantized_topojson_of_gcj02_counties_replaces_the_counties_in_place() {
    let current = io::load_embedded().unwrap().atlas;
    let loaded = io::dataset::open_path_as(
        &current,
        &topojson_fixture(),
        &io::Progress::default(),
        None,
    )
    .unwrap_or_else(|p| panic!("{p:#?}"));
    // Quantized to 1e5 steps over the city (1.3e-5° ≈ 1.4 m), and its rings start elsewhere:
    // measured as the distance to the built-in outlines.
    assert!(median_to_builtin(&loaded.atlas.counties) < 2.0);
    let said: Vec<&str> = loaded.warnings.iter().map(|p| p.message.as_str()).collect();
    assert!(
        said.iter()
            .any(|m| m.starts_with("TopoJSON: 10 feature(s) from 1 object(s)")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|m| m.starts_with("coordinates in GCJ-02")),
        "{said:?}"
    );
    // The feature without a geometry is kept, without a location.
    let layer = loaded.atlas.layers.last().unwrap();
    assert_eq!(layer.features.len(), 1);
    let f = &loaded.atlas.others.get(layer.features.start).unwrap();
    assert!(f.geometry.is_none());
    assert_eq!(f.properties["name"], "未定位的要素");
}

#[test]
fn the_window_opens_the_topojson_and_keeps_its_counties_unshifted() {
    let mut h = common::harness(common::english());
    h.state_mut()
        .push(park_atlas::command::Command::OpenPath(topojson_fixture()));
    h.run();
    common::wait_loaded(&mut h);
    let now = &h.state().atlas.counties;
    assert_eq!(now.len(), 9);
    assert!(median_to_builtin(now) < 2.0);
    // The status line says what was found and done.
    let status = &h.state().status.as_ref().unwrap().text;
    assert!(
        status.contains("coordinates in GCJ-02") && status.contains("converted to WGS-84"),
        "{status}"
    );
}

/// `tests/fixtures/echarts-zhanjiang.json` is the Zhanjiang feature of ECharts 4.9.0's
/// compressed map of Guangdong (`echarts/map/json/province/guangdong.json` from npm, Apache-2.0),
/// kept as ECharts encoded it; only the other cities were left out.
fn echarts_fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/echarts-zhanjiang.json")
}

/// The median distance (m) from the vertices of `g` to the nearest built-in county outline.
fn median_to_outlines(g: &geo::Geometry<f64>) -> f64 {
    use geo::{Distance, Euclidean};
    let counties = io::load_embedded().unwrap().atlas.counties;
    let outlines: Vec<geo::LineString<f64>> = counties
        .iter()
        .filter_map(|c| c.geometry.as_ref())
        .flat_map(|g| match g {
            geo::Geometry::Polygon(p) => vec![p.exterior().clone()],
            geo::Geometry::MultiPolygon(m) => m.iter().map(|p| p.exterior().clone()).collect(),
            _ => vec![],
        })
        .collect();
    let (kx, ky) = (111_320.0 * 21.2f64.to_radians().cos(), 110_574.0);
    let scale = |c: geo::Coord<f64>| geo::Coord {
        x: c.x * kx,
        y: c.y * ky,
    };
    let outlines: Vec<geo::LineString<f64>> = outlines
        .into_iter()
        .map(|l| l.0.into_iter().map(scale).collect())
        .collect();
    let vertices: Vec<geo::Coord<f64>> = g.coords_iter().collect();
    let step = (vertices.len() / 60).max(1);
    let mut d: Vec<f64> = vertices
        .iter()
        .step_by(step)
        .map(|&c| {
            let p = geo::Point::from(scale(c));
            outlines
                .iter()
                .map(|l| Euclidean.distance(&p, l))
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    d.sort_by(f64::total_cmp);
    d[d.len() / 2]
}

#[test]
fn an_echarts_compressed_map_is_decoded_and_found_in_gcj02() {
    let current = io::load_embedded().unwrap().atlas;
    let open = |declared| {
        io::dataset::open_path_as(
            &current,
            &echarts_fixture(),
            &io::Progress::default(),
            declared,
        )
        .unwrap_or_else(|p| panic!("{p:#?}"))
    };
    let loaded = open(None);
    let layer = loaded.atlas.layers.last().unwrap();
    let features = &loaded.atlas.others.to_vec(layer.features.clone());
    assert_eq!(features.len(), 1);
    assert_eq!(features[0].properties["name"], "湛江市");
    let said: Vec<&str> = loaded.warnings.iter().map(|p| p.message.as_str()).collect();
    assert!(
        said.iter()
            .any(|m| m.starts_with("ECharts compressed map: 1 feature(s) decoded")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|m| m.contains("coordinates in GCJ-02, found from: an ECharts compressed map")),
        "{said:?}"
    );
    // Quantized to 1/1024° (≈ 100 m): the city outline, converted, lies on the county
    // outlines within that; read as WGS-84 (declared so), it is off by the GCJ-02 offset.
    let converted = median_to_outlines(features[0].geometry.as_ref().unwrap());
    let as_is = open(Some(WebCrs::Wgs84));
    let layer = as_is.atlas.layers.last().unwrap();
    let shifted = median_to_outlines(&as_is.atlas.others.geometry(layer.features.start).unwrap());
    assert!(converted < 80.0, "{converted} m");
    assert!(shifted > 3.0 * converted && shifted > 150.0, "{shifted} m");
}

/// In the Open data… dialog a planner names a table's coordinate columns (called something
/// Park Atlas does not know) and its system; the layer opens where it belongs, and the next
/// start reads it again the same way.
#[test]
fn the_open_dialog_takes_a_tables_columns_and_the_next_start_remembers_them() {
    use egui::{Key, Modifiers};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("survey.csv");
    let (lon, lat) = (110.40, 21.20);
    let (glon, glat) = wgs84_to_gcj02(lon, lat);
    std::fs::write(&path, format!("名称,东坐标,北坐标\n甲,{glon},{glat}\n")).unwrap();
    let mut h = common::harness(common::english());
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run();
    assert!(
        h.query_by_label("Longitude column").is_none(),
        "no table named yet"
    );
    h.get_by_label("File").focus();
    h.get_by_label("File").type_text(path.to_str().unwrap());
    h.run();
    h.get_by_label("Longitude column").focus();
    h.get_by_label("Longitude column").type_text("东坐标");
    h.run();
    h.get_by_label("Latitude column").focus();
    h.get_by_label("Latitude column").type_text("北坐标");
    h.run();
    assert!(h.query_by_label("Sheet").is_none(), "a CSV has no sheets");
    h.get_by_label("Coordinates").click();
    h.run();
    h.get_by_label("GCJ-02 (AMap/Gaode, Tencent, DataV)")
        .click();
    h.run();
    h.get_by_label("Open").click();
    h.run();
    common::wait_loaded(&mut h);
    let f = h.state().atlas.others.iter().last().unwrap();
    let p = f.geometry.as_ref().unwrap().coords_iter().next().unwrap();
    assert!(
        (p.x - lon).abs() < 1e-9 && (p.y - lat).abs() < 1e-9,
        "{p:?}"
    );
    // Remembered with the layer, and used when the next start reads it again.
    for _ in 0..3 {
        h.run();
    }
    let saved = h.state().state.layers.clone();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].options.lon.as_deref(), Some("东坐标"));
    assert_eq!(saved[0].options.crs, Some(WebCrs::Gcj02));
    let mut state = h.state().state.clone();
    state.layers = saved;
    let mut again = common::harness(Some(state));
    common::wait_loaded(&mut again);
    let f = again.state().atlas.others.iter().last().unwrap();
    let p = f.geometry.as_ref().unwrap().coords_iter().next().unwrap();
    assert!(
        (p.x - lon).abs() < 1e-9 && (p.y - lat).abs() < 1e-9,
        "{p:?}"
    );
}

/// A file dropped on the window, as eframe hands it over.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Files dropped on the window open as layers one after another, as from the command line:
/// the ECharts map converted from GCJ-02, the workbook with its sheet found.
#[test]
fn files_dropped_on_the_window_or_named_on_the_command_line_open_as_layers() {
    let workbook =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/enterprises.xlsx");
    let mut h = common::harness(common::english());
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(echarts_fixture())));
    h.run();
    common::wait_loaded(&mut h);
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(workbook.clone())));
    h.run();
    common::wait_loaded(&mut h);
    let names: Vec<&str> = h
        .state()
        .atlas
        .layers
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(names, ["echarts-zhanjiang.json", "enterprises.xlsx"]);
    // The command line's files: the same readers, queued.
    let mut h = common::harness(common::english());
    h.state_mut().queue_files(vec![echarts_fixture(), workbook]);
    for _ in 0..4 {
        h.run();
        common::wait_loaded(&mut h);
    }
    let names: Vec<&str> = h
        .state()
        .atlas
        .layers
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(names, ["echarts-zhanjiang.json", "enterprises.xlsx"]);
    let gcj = h.state().atlas.layers[0].features.clone();
    let g = h
        .state()
        .atlas
        .others
        .get(gcj.start)
        .unwrap()
        .geometry
        .clone()
        .unwrap();
    assert!(median_to_outlines(&g) < 80.0, "converted from GCJ-02");
}
