//! GeoPackage export: the tables, rows and values read back with SQLite, geometries decoded
//! back to the parks' own, filters respected, and GDAL (`ogrinfo`, from gdal-bin — installed by
//! `scripts/setup-debian.sh --ci`) opens the file and counts the same features. GeoPackages and
//! shapefiles (made by GDAL's `ogr2ogr` here) opened as layers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::ogr2ogr;

use std::path::Path;
use std::process::Command;

use geozero::ToGeo;
use park_atlas::io::{self, export_parks};
use park_atlas::model::Park;
use rusqlite::Connection;

fn atlas() -> park_atlas::Atlas {
    io::load_embedded().unwrap().atlas
}

fn count(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_geopackage_holds_parks_projects_and_targets_with_their_geometry() {
    let a = atlas();
    let all: Vec<&Park> = a.parks.iter().collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.gpkg");
    let report = export_parks(&a, &all, &path).unwrap();
    assert_eq!(report.parks, 22);
    let db = Connection::open(&path).unwrap();
    // An OGC GeoPackage 1.3: application id "GPKG", the required tables, WGS 84.
    assert_eq!(count(&db, "PRAGMA application_id"), 0x4750_4B47);
    assert_eq!(count(&db, "PRAGMA user_version"), 10300);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = 4326 AND organization = 'EPSG'"
        ),
        1
    );
    let contents: Vec<(String, String)> = db
        .prepare("SELECT table_name, data_type FROM gpkg_contents ORDER BY table_name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        contents,
        [
            ("parks".to_owned(), "features".to_owned()),
            ("projects".to_owned(), "attributes".to_owned()),
            ("targets".to_owned(), "attributes".to_owned())
        ]
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM gpkg_geometry_columns WHERE table_name = 'parks' AND column_name = 'geom' AND srs_id = 4326"
        ),
        1
    );

    // Rows: one per park, per project, per target.
    let projects: usize = a.parks.iter().map(|p| p.projects.len()).sum();
    let targets: usize = a.parks.iter().map(|p| p.targets.len()).sum();
    assert_eq!(count(&db, "SELECT count(*) FROM parks"), 22);
    assert_eq!(
        count(&db, "SELECT count(*) FROM projects") as usize,
        projects
    );
    assert_eq!(count(&db, "SELECT count(*) FROM targets") as usize, targets);

    // Values: Chinese intact, numbers as numbers, every geometry decodes back to the park's.
    let mut q = db
        .prepare("SELECT id, name_zh, area_km2, project_count, geom FROM parks")
        .unwrap();
    let mut n = 0;
    for row in q
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<f64>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Vec<u8>>(4)?,
            ))
        })
        .unwrap()
    {
        let (id, name_zh, area, projects, blob) = row.unwrap();
        let p = a.park(&id).unwrap();
        assert_eq!(name_zh, p.name_zh);
        assert_eq!(area, p.area_km2);
        assert_eq!(projects as usize, p.projects.len());
        assert_eq!(&blob[..2], b"GP");
        let g = geozero::wkb::GpkgWkb(blob).to_geo().unwrap();
        assert_eq!(Some(&g), p.geometry.as_ref(), "{id}");
        n += 1;
    }
    assert_eq!(n, 22);
    // A project row names its park, investor and amount with its currency.
    let (park, investor, amount, currency): (String, Option<String>, Option<f64>, Option<String>) = db
        .query_row(
            "SELECT park_id, investor, amount, currency FROM projects WHERE amount IS NOT NULL ORDER BY amount DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let biggest = a
        .parks
        .iter()
        .flat_map(|p| p.projects.iter().map(move |pr| (p, pr)))
        .filter(|(_, pr)| pr.amount.is_some())
        .max_by(|x, y| x.1.amount.partial_cmp(&y.1.amount).unwrap())
        .unwrap();
    assert_eq!(park, biggest.0.id);
    assert_eq!(investor, biggest.1.investor);
    assert_eq!(amount, biggest.1.amount);
    assert_eq!(currency, biggest.1.currency);
}

#[test]
fn the_cli_exports_the_filtered_parks_as_a_geopackage_that_gdal_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("petro.gpkg");
    let out = Command::new(env!("CARGO_BIN_EXE_park-atlas"))
        .args(["export", "--cluster", "green_petrochem", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a = atlas();
    let expected = a
        .parks
        .iter()
        .filter(|p| p.clusters.iter().any(|c| c == "green_petrochem"))
        .count();
    let db = Connection::open(&path).unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM parks") as usize, expected);

    let info = Command::new("ogrinfo")
        .args(["-so", "-al"])
        .arg(&path)
        .output()
        .expect("ogrinfo (gdal-bin) is needed: scripts/setup-debian.sh --ci installs it");
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&info.stderr)
    );
    assert!(text.contains("using driver `GPKG' successful"), "{text}");
    assert!(
        text.contains(&format!("Feature Count: {expected}")),
        "{text}"
    );
    assert!(text.contains("Layer name: projects"), "{text}");
    assert!(
        text.contains("EPSG\",4326") || text.contains("WGS 84"),
        "{text}"
    );
}

/// The declared type of each column, as `PRAGMA table_info` reports it.
fn column_types(db: &Connection, table: &str) -> Vec<(String, String)> {
    db.prepare(&format!("PRAGMA table_info({table})"))
        .unwrap()
        .query_map([], |r| Ok((r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_columns_type_does_not_depend_on_which_values_are_known() {
    let a = atlas();
    // A park of unknown area, without projects or targets: its columns keep their types.
    let mut park = a.parks[0].clone();
    park.area_km2 = None;
    park.projects.clear();
    park.targets.clear();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.gpkg");
    export_parks(&a, &[&park], &path).unwrap();
    let db = Connection::open(&path).unwrap();
    let all: Vec<&Park> = a.parks.iter().collect();
    let full = dir.path().join("all.gpkg");
    export_parks(&a, &all, &full).unwrap();
    let full_db = Connection::open(&full).unwrap();
    for table in ["parks", "projects", "targets"] {
        let types = column_types(&db, table);
        let expected: Vec<(String, String)> = column_types(&full_db, table)
            .into_iter()
            .filter(|(c, _)| !c.starts_with("investment_"))
            .collect();
        assert_eq!(types, expected, "{table}");
    }
    let types = column_types(&db, "parks");
    let of = |name: &str| types.iter().find(|(c, _)| c == name).unwrap().1.clone();
    assert_eq!(of("area_km2"), "REAL");
    assert_eq!(of("project_count"), "INTEGER");
    let projects = column_types(&db, "projects");
    assert!(projects.contains(&("year".to_owned(), "INTEGER".to_owned())));
    assert!(projects.contains(&("amount".to_owned(), "REAL".to_owned())));
}

#[test]
fn a_geopackage_opens_as_a_layer_with_its_features_and_columns() {
    let a = atlas();
    let all: Vec<&Park> = a.parks.iter().collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.gpkg");
    export_parks(&a, &all, &path).unwrap();
    let loaded = io::open_path(&a, &path).unwrap();
    // The parks stay; the file's feature table is a layer named after the file.
    assert_eq!(loaded.atlas.parks.len(), a.parks.len());
    let layer = loaded.atlas.layers.last().unwrap();
    assert_eq!(layer.name, "all.gpkg");
    let features = &loaded.atlas.others.to_vec(layer.features.clone());
    assert_eq!(features.len(), 22);
    for f in features {
        let id = f.properties["id"].as_str().unwrap();
        let park = a.park(id).unwrap();
        assert_eq!(f.geometry, park.geometry, "{id}");
        assert_eq!(f.properties["name_zh"].as_str(), park.name_zh.as_deref());
        assert!(f.id.as_ref().is_some_and(serde_json::Value::is_i64));
    }
    // The attribute tables are named as not opened, not dropped silently.
    let warnings: Vec<&str> = loaded.warnings.iter().map(|p| p.message.as_str()).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("\"projects\" has no geometry")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("\"targets\" has no geometry"))
    );

    // A second feature table (added by GDAL) comes along, each feature saying its table.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qgis_export.geojson");
    let p = path.to_str().unwrap();
    ogr2ogr(&["-update", "-nln", "extra", p, fixture.to_str().unwrap()]);
    let loaded = io::open_path(&a, &path).unwrap();
    let layer = loaded.atlas.layers.last().unwrap();
    let features = &loaded.atlas.others.to_vec(layer.features.clone());
    assert!(features.len() > 22);
    assert_eq!(
        features
            .iter()
            .filter(|f| f.properties["gpkg_table"] == "parks")
            .count(),
        22
    );
    assert!(
        features
            .iter()
            .any(|f| f.properties["gpkg_table"] == "extra")
    );
    // Opening the same file again replaces its layer.
    let again = io::open_path(&loaded.atlas, &path).unwrap();
    assert_eq!(again.atlas.layers.len(), loaded.atlas.layers.len());
}

/// The largest distance in degrees between the points of two geometries of the same shape.
fn max_offset(a: &geo::Geometry<f64>, b: &geo::Geometry<f64>) -> f64 {
    use geo::CoordsIter;
    assert_eq!(a.coords_count(), b.coords_count());
    a.coords_iter()
        .zip(b.coords_iter())
        .map(|(p, q)| (p.x - q.x).abs().max((p.y - q.y).abs()))
        .fold(0.0, f64::max)
}

#[test]
fn a_projected_geopackage_is_brought_to_wgs84_and_one_that_cannot_be_is_refused() {
    let a = atlas();
    let all: Vec<&Park> = a.parks.iter().collect();
    let dir = tempfile::tempdir().unwrap();
    let wgs = dir.path().join("wgs.gpkg");
    export_parks(&a, &all, &wgs).unwrap();
    // CGCS2000 3-degree Gauss–Krüger (zone CM 111°E: Zhanjiang's), as a land bureau's
    // GIS would hand it over, and web Mercator.
    for (code, name) in [
        ("EPSG:4546", "CGCS2000 / 3-degree Gauss-Kruger CM 111E"),
        ("EPSG:3857", "WGS 84 / Pseudo-Mercator"),
    ] {
        let projected = dir.path().join(format!("{}.gpkg", &code[5..]));
        ogr2ogr(&[
            "-t_srs",
            code,
            projected.to_str().unwrap(),
            wgs.to_str().unwrap(),
            "parks",
        ]);
        let loaded = io::open_path(&a, &projected).unwrap();
        let features = layer_of(&loaded);
        assert_eq!(features.len(), 22);
        for f in &features {
            let park = a.park(f.properties["id"].as_str().unwrap()).unwrap();
            // Back where the park is, to a millionth of a degree (~0.1 m).
            let off = max_offset(
                f.geometry.as_ref().unwrap(),
                park.geometry.as_ref().unwrap(),
            );
            assert!(off < 1e-6, "{code} {}: {off}", park.id);
        }
        let said: Vec<&str> = loaded.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(
            said.iter()
                .any(|w| w.contains(&format!("reprojected from {name} to WGS 84"))),
            "{said:?}"
        );
    }

    // A table whose system is not defined cannot be placed: refused, with the way out.
    let undefined = dir.path().join("undefined.gpkg");
    std::fs::copy(&wgs, &undefined).unwrap();
    Connection::open(&undefined)
        .unwrap()
        .execute_batch("UPDATE gpkg_geometry_columns SET srs_id = -1; UPDATE gpkg_contents SET srs_id = -1 WHERE table_name = 'parks';")
        .unwrap();
    let problems = io::open_path(&a, &undefined).unwrap_err();
    let text = problems[0].message.clone();
    assert!(problems[0].is_error());
    assert!(
        text.contains("cannot convert") && text.contains("-t_srs EPSG:4326"),
        "{text}"
    );
}

#[test]
fn not_a_geopackage_is_refused_as_such() {
    let a = atlas();
    let dir = tempfile::tempdir().unwrap();
    // An SQLite database that is no GeoPackage.
    let plain = dir.path().join("plain.sqlite");
    Connection::open(&plain)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .unwrap();
    let problems = io::open_path(&a, &plain).unwrap_err();
    assert!(
        problems[0].message.contains("not a GeoPackage"),
        "{:?}",
        problems
    );
}

/// Two parcels with Chinese attribute names and values, as GeoJSON.
fn parcels_geojson(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("parcels.geojson");
    std::fs::write(
        &path,
        r#"{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"名称": "湛江地块一", "面积": 12.5, "编号": 7}, "geometry": {"type": "Polygon", "coordinates": [[[110.3, 21.1], [110.31, 21.1], [110.31, 21.11], [110.3, 21.11], [110.3, 21.1]]]}},
{"type": "Feature", "properties": {"名称": "霞山区地块", "面积": null, "编号": 8}, "geometry": {"type": "Polygon", "coordinates": [[[110.4, 21.2], [110.41, 21.2], [110.41, 21.21], [110.4, 21.2]]]}}
]}"#,
    )
    .unwrap();
    path
}

fn shapefile(dir: &Path, name: &str, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join(name);
    let src = parcels_geojson(dir);
    let mut args = vec![out.to_str().unwrap(), src.to_str().unwrap()];
    args.extend_from_slice(extra);
    ogr2ogr(&args);
    out
}

fn layer_of(loaded: &io::Loaded) -> Vec<park_atlas::model::GenericFeature> {
    let layer = loaded.atlas.layers.last().unwrap();
    loaded.atlas.others.to_vec(layer.features.clone())
}

#[test]
fn a_shapefile_opens_as_a_layer_with_its_chinese_attributes_in_any_encoding() {
    use geo::Area;
    let a = atlas();
    let dir = tempfile::tempdir().unwrap();
    // GBK, as Chinese Windows saves it, with the .cpg that says so.
    let gbk = shapefile(dir.path(), "gbk.shp", &["-lco", "ENCODING=GBK"]);
    assert_eq!(
        std::fs::read_to_string(gbk.with_extension("cpg"))
            .unwrap()
            .trim(),
        "GBK"
    );
    let loaded = io::open_path(&a, &gbk).unwrap();
    assert_eq!(loaded.atlas.layers.last().unwrap().name, "gbk.shp");
    assert_eq!(loaded.atlas.parks.len(), a.parks.len());
    let features = layer_of(&loaded);
    assert_eq!(features.len(), 2);
    assert_eq!(features[0].properties["名称"], "湛江地块一");
    assert_eq!(features[0].properties["面积"], 12.5);
    assert_eq!(features[0].properties["编号"], 7);
    assert_eq!(features[1].properties["名称"], "霞山区地块");
    assert!(
        features[1].properties["面积"].is_null(),
        "unknown stays unknown"
    );
    let area = features[0].geometry.as_ref().unwrap().unsigned_area();
    assert!((area - 0.0001).abs() < 1e-9, "{area}");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);

    // Without the .cpg the text is not UTF-8: read as GBK, and said so.
    std::fs::remove_file(gbk.with_extension("cpg")).unwrap();
    let loaded = io::open_path(&a, &gbk).unwrap();
    assert_eq!(layer_of(&loaded)[0].properties["名称"], "湛江地块一");
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.message.contains("read as GBK")),
        "{:?}",
        loaded.warnings
    );

    // UTF-8 without a .cpg is read as such, with nothing to say; no .prj is said.
    let utf8 = shapefile(dir.path(), "utf8.shp", &["-lco", "ENCODING=UTF-8"]);
    let _ = std::fs::remove_file(utf8.with_extension("cpg"));
    std::fs::remove_file(utf8.with_extension("prj")).unwrap();
    let loaded = io::open_path(&a, &utf8).unwrap();
    assert_eq!(layer_of(&loaded)[1].properties["名称"], "霞山区地块");
    let said: Vec<&str> = loaded.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("no .prj"));
}

#[test]
fn a_projected_shapefile_is_brought_to_wgs84_and_a_broken_one_is_refused() {
    let a = atlas();
    let dir = tempfile::tempdir().unwrap();
    let wgs = shapefile(dir.path(), "wgs.shp", &[]);
    let expected = layer_of(&io::open_path(&a, &wgs).unwrap());
    // Web Mercator as ArcGIS writes its .prj (an ellipsoid named, a sphere meant).
    let web = shapefile(dir.path(), "web.shp", &["-t_srs", "EPSG:3857"]);
    let loaded = io::open_path(&a, &web).unwrap();
    for (f, e) in layer_of(&loaded).iter().zip(&expected) {
        let off = max_offset(f.geometry.as_ref().unwrap(), e.geometry.as_ref().unwrap());
        assert!(off < 1e-6, "web Mercator: {off}");
    }
    let utm = shapefile(dir.path(), "utm.shp", &["-t_srs", "EPSG:32649"]);
    let loaded = io::open_path(&a, &utm).unwrap();
    let features = layer_of(&loaded);
    assert_eq!(features.len(), 2);
    for (f, e) in features.iter().zip(&expected) {
        let off = max_offset(f.geometry.as_ref().unwrap(), e.geometry.as_ref().unwrap());
        assert!(off < 1e-6, "UTM: {off}");
    }
    assert!(
        loaded.warnings.iter().any(|w| w
            .message
            .contains("reprojected from WGS_1984_UTM_Zone_49N to WGS 84")),
        "{:?}",
        loaded.warnings
    );
    // A .prj that names a projection nobody can compute is refused, with the way out.
    std::fs::write(
        utm.with_extension("prj"),
        r#"PROJCS["Mystery",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["No_Such_Projection"],UNIT["Meter",1.0]]"#,
    )
    .unwrap();
    let problems = io::open_path(&a, &utm).unwrap_err();
    assert!(problems[0].is_error());
    let text = &problems[0].message;
    assert!(
        text.contains("Mystery")
            && text.contains("cannot convert")
            && text.contains("-t_srs EPSG:4326"),
        "{text}"
    );
    // Without its .prj the coordinates give it away.
    std::fs::remove_file(utm.with_extension("prj")).unwrap();
    let problems = io::open_path(&a, &utm).unwrap_err();
    assert!(
        problems[0].message.contains("not a longitude/latitude"),
        "{problems:?}"
    );

    let bare = shapefile(dir.path(), "bare.shp", &[]);
    std::fs::remove_file(bare.with_extension("dbf")).unwrap();
    let problems = io::open_path(&a, &bare).unwrap_err();
    assert!(problems[0].message.contains(".dbf"), "{problems:?}");
}

/// A shapefile of MultiPatch shapes (3-D surfaces, as ArcGIS saves buildings), written by
/// GDAL: named for what it is, its features kept with their attributes, and the way out said.
#[test]
fn a_multipatch_shapefile_is_named_as_3d_surfaces() {
    let a = atlas();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("surface.csv");
    std::fs::write(
        &csv,
        "名称,WKT\n厂房,\"POLYHEDRALSURFACE Z (((110.3 21.2 0,110.31 21.2 0,110.31 21.21 0,110.3 21.2 0)),((110.3 21.2 0,110.31 21.2 0,110.31 21.2 10,110.3 21.2 0)))\"\n",
    )
    .unwrap();
    let out = dir.path().join("buildings.shp");
    ogr2ogr(&[
        out.to_str().unwrap(),
        csv.to_str().unwrap(),
        "-lco",
        "SHPT=MULTIPATCH",
        "-lco",
        "ENCODING=UTF-8",
        "-a_srs",
        "EPSG:4326",
    ]);
    let loaded = io::open_path(&a, &out).unwrap();
    let features = layer_of(&loaded);
    assert_eq!(features.len(), 1);
    assert_eq!(features[0].properties["名称"], "厂房");
    assert!(features[0].geometry.is_none());
    let said: Vec<&str> = loaded.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        said.iter()
            .any(|m| m.contains("1 of 1 shapes are MultiPatch: 3-D surfaces")
                && m.contains("ogr2ogr -nlt MULTIPOLYGON")),
        "{said:?}"
    );
    assert!(!said.iter().any(|m| m.contains("Unsupported")), "{said:?}");
}

#[test]
fn a_big_geopackage_read_in_two_halves_keeps_every_row_in_order() {
    // 60,000 parcels written by GDAL, rows deleted here and there (gaps in the rowids), one
    // geometry broken in the second half.
    let dir = tempfile::tempdir().unwrap();
    let embedded = io::load_embedded().unwrap().atlas;
    let json = dir.path().join("parcels.geojson");
    let options = park_atlas::synth::SynthOptions {
        features: 60_000,
        vertices: 8,
        seed: 3,
        ..Default::default()
    };
    std::fs::write(
        &json,
        park_atlas::synth::parcels_geojson(&embedded, options),
    )
    .unwrap();
    let gpkg = dir.path().join("parcels.gpkg");
    ogr2ogr(&[
        "-nln",
        "parcels",
        gpkg.to_str().unwrap(),
        json.to_str().unwrap(),
    ]);
    let db = Connection::open(&gpkg).unwrap();
    db.execute(
        "DELETE FROM parcels WHERE fid % 997 = 0 OR fid BETWEEN 29000 AND 31000",
        [],
    )
    .unwrap();
    // GDAL's spatial-index triggers call functions only GDAL has: drop them to break a blob.
    let triggers: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'parcels'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in triggers {
        db.execute(&format!("DROP TRIGGER \"{t}\""), []).unwrap();
    }
    db.execute("UPDATE parcels SET geom = X'00' WHERE fid = 45000", [])
        .unwrap();
    let kept: Vec<i64> = db
        .prepare("SELECT fid FROM parcels ORDER BY fid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(db);

    let (expected, _) = io::parse_geojson("parcels", &std::fs::read(&json).unwrap(), None);
    let loaded = io::open_path(&embedded, &gpkg).unwrap();
    let features = layer_of(&loaded);
    assert_eq!(features.len(), kept.len());
    for (f, &fid) in features.iter().zip(&kept) {
        assert_eq!(f.id, Some(serde_json::json!(fid)));
        let source = expected
            .others
            .get(usize::try_from(fid - 1).unwrap())
            .unwrap();
        assert_eq!(
            f.properties["parcel"], source.properties["parcel"],
            "fid {fid}"
        );
        assert_eq!(f.properties["area_m2"], source.properties["area_m2"]);
        if fid == 45000 {
            assert!(f.geometry.is_none());
        } else {
            assert_eq!(f.geometry, source.geometry, "fid {fid}");
        }
    }
    // The broken row is named by its place in the table.
    let row = kept.iter().position(|&f| f == 45000).unwrap() + 1;
    let warnings: Vec<&str> = loaded.warnings.iter().map(|p| p.message.as_str()).collect();
    assert!(
        warnings.iter().any(|w| w.contains(&format!(
            "\"parcels\" row {row}: the geometry does not decode"
        ))),
        "{warnings:?}"
    );
}
