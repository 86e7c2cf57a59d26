//! GeoPackage export: the tables, rows and values read back with SQLite, geometries decoded
//! back to the parks' own, filters respected, and GDAL (`ogrinfo`, from gdal-bin — installed by
//! `scripts/setup-debian.sh --ci`) opens the file and counts the same features.
#![allow(clippy::unwrap_used, clippy::expect_used)]

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
