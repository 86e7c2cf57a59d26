//! Change sets: applied all or none with the loader's checks, conflicts refused with nothing
//! written, every change sourced, the change log beside the data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use park_atlas::changes::dataset::{LOG_FILE, apply_to_dir, read_log, save};
use park_atlas::changes::{Change, ChangeSet, SourceRef, apply};
use park_atlas::io;
use serde_json::{Value, json};

/// A copy of the embedded Zhanjiang dataset folder to change.
fn dataset() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("zhanjiang");
    std::fs::create_dir(&data).unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/zhanjiang");
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), data.join(e.file_name())).unwrap();
    }
    (dir, data)
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_park-atlas"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const SET_AND_ADD: &str = r#"{"changes": [
  {"op": "set", "park": "lianjiang_htz", "field": "tier", "from": "provincial", "to": "national",
   "source": {"title": "国务院关于同意廉江高新区升级的批复", "outlet": "gov.cn", "date": "2026-11-30",
              "url": "https://www.gov.cn/zhengce/example", "reliability": "official"}},
  {"op": "add_project", "park": "suixi_eco_park",
   "project": {"name_zh": "遂溪新能源装备项目", "investor": "某能源公司", "amount": 1250000000,
               "currency": "CNY", "year": 2026, "clusters": ["green_energy"]},
   "source": "achie_2021"}
]}"#;

#[test]
fn apply_changes_the_folder_and_logs_it_and_a_second_time_is_a_conflict() {
    let (_tmp, data) = dataset();
    let changes = data.parent().unwrap().join("changes.json");
    std::fs::write(&changes, SET_AND_ADD).unwrap();
    let d = data.to_str().unwrap();
    let c = changes.to_str().unwrap();
    let (code, out, err) = run(&["--data", d, "apply", c, "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("applied 2 change(s)"), "{out}");

    let atlas = io::load_dir(&data).unwrap().atlas;
    let lianjiang = atlas
        .parks
        .iter()
        .find(|p| p.id == "lianjiang_htz")
        .unwrap();
    assert_eq!(lianjiang.tier.as_str(), "national");
    // The new source is in the park's sources and the tier cites it.
    let cited = lianjiang.extra["tier_source_ids"][0].as_str().unwrap();
    let source = &lianjiang.sources[cited];
    assert_eq!(source.outlet.as_deref(), Some("gov.cn"));
    assert_eq!(source.quality.as_deref(), Some("official"));
    let suixi = atlas
        .parks
        .iter()
        .find(|p| p.id == "suixi_eco_park")
        .unwrap();
    let project = suixi.projects.last().unwrap();
    assert_eq!(project.name_zh.as_deref(), Some("遂溪新能源装备项目"));
    assert_eq!(project.amount, Some(1.25e9));
    assert_eq!(project.source_ids, ["achie_2021"]);
    // Every other park is as it was.
    let before = io::load_embedded().unwrap().atlas;
    for (a, b) in before.parks.iter().zip(&atlas.parks) {
        if a.id != "lianjiang_htz" && a.id != "suixi_eco_park" {
            assert_eq!(a, b, "{}", a.id);
        }
    }
    let (log, bad) = read_log(&data);
    assert_eq!((log.len(), bad), (2, 0));
    assert_eq!(log[0].from, json!("provincial"));
    assert_eq!(log[0].to, json!("national"));
    assert_eq!(log[0].source.as_deref(), Some(cited));

    // The same set again: the tier is no longer what it expects. Refused, nothing written.
    let parks = std::fs::read(data.join("parks.geojson")).unwrap();
    let logged = std::fs::read(data.join(LOG_FILE)).unwrap();
    let (code, _, err) = run(&["--data", d, "apply", c, "--lang", "en"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("changes[0] (park 'lianjiang_htz')")
            && err.contains("tier: conflict: expected \"provincial\", found \"national\""),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(std::fs::read(data.join("parks.geojson")).unwrap(), parks);
    assert_eq!(std::fs::read(data.join(LOG_FILE)).unwrap(), logged);
    // In Chinese too.
    let (_, _, err) = run(&["--data", d, "apply", c, "--lang", "zh"]);
    assert!(err.contains("冲突：应为 \"provincial\""), "{err}");
}

/// An invalid value is refused with the loader's own message; so is a change without a
/// source, or citing one the park does not have; the files stay as they were.
#[test]
fn invalid_values_and_missing_sources_are_refused_with_nothing_written() {
    let (_tmp, data) = dataset();
    let parks = std::fs::read(data.join("parks.geojson")).unwrap();
    let cases = [
        (
            json!({"op": "set_project", "park": "baosteel_zhanjiang", "project": 1, "field": "amount",
                   "from": 18850000000u64, "to": "lots", "source": "zjgov_bf3"}),
            "projects[1].amount: expected an investment amount (a number), found \"lots\"",
        ),
        (
            json!({"op": "set", "park": "fenyong_htz", "field": "tier", "from": "provincial",
                   "to": "galactic", "source": "fy_2012"}),
            "tier",
        ),
        (
            json!({"op": "set", "park": "fenyong_htz", "field": "area_km2", "from": 50.16, "to": 60}),
            "no source",
        ),
        (
            json!({"op": "set", "park": "fenyong_htz", "field": "area_km2", "from": 50.16, "to": 60,
                   "source": "no_such_source"}),
            "is not one of this park's sources",
        ),
        (
            json!({"op": "set", "park": "fenyong_htz", "field": "area_km2", "from": 50.16, "to": 60,
                   "source": {"url": "https://example.org"}}),
            "needs a title or an outlet",
        ),
        (
            json!({"op": "add_project", "park": "fenyong_htz", "source": "fy_2012",
                   "project": {"name_zh": "某项目", "amount": 0.5, "currency": "yuan"}}),
            "currency",
        ),
    ];
    for (change, expected) in cases {
        let path = data.parent().unwrap().join("bad.json");
        std::fs::write(&path, json!({"changes": [change]}).to_string()).unwrap();
        let (code, _, err) = run(&[
            "--data",
            data.to_str().unwrap(),
            "apply",
            path.to_str().unwrap(),
            "--lang",
            "en",
        ]);
        assert_eq!(code, 1, "{change}: {err}");
        assert!(err.contains(expected), "{change}: {err}");
        assert_eq!(std::fs::read(data.join("parks.geojson")).unwrap(), parks);
        assert!(!data.join(LOG_FILE).exists());
    }
    // Without --data: the embedded data is not changed, and it says how to copy it.
    let path = data.parent().unwrap().join("ok.json");
    std::fs::write(&path, SET_AND_ADD).unwrap();
    let (code, _, err) = run(&["apply", path.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("apply needs --data DIR"), "{err}");
}

#[test]
fn removals_and_geometry_check_what_they_expect() {
    let atlas = io::load_embedded().unwrap().atlas;
    let bao = atlas
        .parks
        .iter()
        .find(|p| p.id == "baosteel_zhanjiang")
        .unwrap();
    let first = io::export::park_feature(bao).unwrap()["properties"]["projects"][0].clone();
    let geometry = io::export::park_feature(bao).unwrap()["geometry"].clone();
    let moved = json!({"type": "Point", "coordinates": [110.49, 21.06]});
    let set = |changes: Vec<Change>| ChangeSet { changes };
    let source = || Some(SourceRef::Id("cd_2012_bao".into()));
    // The right project and location: removed and moved.
    let ok = apply(
        &atlas,
        &set(vec![
            Change::RemoveProject {
                park: bao.id.clone(),
                project: 0,
                from: first.clone(),
                source: source(),
            },
            Change::SetGeometry {
                park: bao.id.clone(),
                from: geometry.clone(),
                to: moved.clone(),
                source: source(),
            },
        ]),
        "t",
    )
    .unwrap();
    let after = ok.atlas.parks.iter().find(|p| p.id == bao.id).unwrap();
    assert_eq!(after.projects.len(), bao.projects.len() - 1);
    assert_eq!(after.projects[0], bao.projects[1]);
    assert_eq!(
        after.geometry,
        Some(geo::Geometry::Point(geo::Point::new(110.49, 21.06)))
    );
    // Against the changed data the same removal is a conflict (the first project is another).
    let again = apply(
        &ok.atlas,
        &set(vec![Change::RemoveProject {
            park: bao.id.clone(),
            project: 0,
            from: first,
            source: source(),
        }]),
        "t",
    )
    .unwrap_err();
    assert_eq!(again.conflicts.len(), 1);
    assert_eq!(again.conflicts[0].field, "projects[0]");
    // An unknown park is a conflict; removing a park takes its projects with it.
    let gone = apply(
        &atlas,
        &set(vec![Change::RemovePark {
            park: "xuwen_port".into(),
            from: json!(
                atlas
                    .parks
                    .iter()
                    .find(|p| p.id == "xuwen_port")
                    .unwrap()
                    .name_zh
            ),
            source: Some(SourceRef::Id("xw_port_2023".into())),
        }]),
        "t",
    )
    .unwrap();
    assert_eq!(gone.atlas.parks.len(), atlas.parks.len() - 1);
    let unknown = apply(
        &gone.atlas,
        &set(vec![Change::Set {
            park: "xuwen_port".into(),
            field: "tier".into(),
            from: json!("unknown"),
            to: json!("provincial"),
            source: Some(SourceRef::Id("xw_port_2023".into())),
        }]),
        "t",
    )
    .unwrap_err();
    assert_eq!(unknown.conflicts[0].found, Value::Null);
}

#[test]
fn a_new_source_given_twice_is_added_once() {
    let atlas = io::load_embedded().unwrap().atlas;
    let source = json!({"title": "2026 年签约仪式", "outlet": "湛江日报", "date": "2026-11-28",
                        "url": "https://www.zjphoto.example/2026"});
    let add = |name: &str| Change::AddProject {
        park: "suixi_eco_park".into(),
        project: serde_json::from_value(json!({"name_zh": name})).unwrap(),
        source: Some(serde_json::from_value(source.clone()).unwrap()),
    };
    let done = apply(
        &atlas,
        &ChangeSet {
            changes: vec![add("甲"), add("乙")],
        },
        "t",
    )
    .unwrap();
    let before = atlas
        .parks
        .iter()
        .find(|p| p.id == "suixi_eco_park")
        .unwrap();
    let after = done
        .atlas
        .parks
        .iter()
        .find(|p| p.id == "suixi_eco_park")
        .unwrap();
    assert_eq!(after.sources.len(), before.sources.len() + 1);
    assert!(after.sources.contains_key("added_20261128"));
    assert_eq!(done.log[1].source.as_deref(), Some("added_20261128"));
}

mod property {
    use super::*;
    use proptest::prelude::*;

    /// One random edit of the embedded data, expressed against the data as it is.
    fn edit(atlas: &park_atlas::Atlas, pick: (usize, u8, u32)) -> Change {
        let (i, kind, n) = pick;
        let park = &atlas.parks[i % atlas.parks.len()];
        let feature = io::export::park_feature(park).unwrap();
        let props = &feature["properties"];
        let source = Some(SourceRef::Id(park.sources.keys().next().cloned().unwrap()));
        match kind % 4 {
            0 => Change::Set {
                park: park.id.clone(),
                field: "area_km2".into(),
                from: props["area_km2"].clone(),
                to: json!(f64::from(n % 1000) / 4.0),
                source,
            },
            1 => Change::AddProject {
                park: park.id.clone(),
                project: serde_json::from_value(json!({
                    "name_zh": format!("项目{n}"), "amount": u64::from(n) * 10_000,
                    "currency": "CNY", "year": 2020 + (n % 7)
                }))
                .unwrap(),
                source,
            },
            2 => Change::Set {
                park: park.id.clone(),
                field: "notes_zh".into(),
                from: props.get("notes_zh").cloned().unwrap_or(Value::Null),
                to: json!(format!("备注 {n}")),
                source,
            },
            _ => Change::AddTarget {
                park: park.id.clone(),
                target: serde_json::from_value(json!({
                    "year": 2030, "metric": "output", "value": n % 5000, "unit": "亿元",
                    "text": format!("target {n}")
                }))
                .unwrap(),
                source,
            },
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        /// Random sequences of edits, each made on the data the last left, saved and loaded
        /// again, equal the edited data.
        #[test]
        fn edits_saved_and_loaded_again_equal_the_edited_data(
            picks in proptest::collection::vec((0usize..64, 0u8..4, 0u32..100_000), 1..12)
        ) {
            let (_tmp, data) = dataset();
            let mut atlas = io::load_dir(&data).unwrap().atlas;
            let mut log = Vec::new();
            for pick in picks {
                let set = ChangeSet { changes: vec![edit(&atlas, pick)] };
                let done = apply(&atlas, &set, "t").unwrap();
                atlas = done.atlas;
                log.extend(done.log);
            }
            save(&data, &atlas.parks, &log).unwrap();
            let again = io::load_dir(&data).unwrap().atlas;
            prop_assert_eq!(&again.parks, &atlas.parks);
            prop_assert_eq!(read_log(&data).0, log);
        }
    }

    #[test]
    fn a_whole_set_applied_to_a_folder_equals_the_same_set_applied_in_memory() {
        let (_tmp, data) = dataset();
        let atlas = io::load_dir(&data).unwrap().atlas;
        let set: ChangeSet = serde_json::from_str(SET_AND_ADD).unwrap();
        let expected = apply(&atlas, &set, "t").unwrap().atlas;
        apply_to_dir(&data, &set, "t").unwrap();
        assert_eq!(io::load_dir(&data).unwrap().atlas.parks, expected.parks);
    }
}

/// `tests/fixtures/signing-list.xlsx` was written by Python's openpyxl: a notes sheet "说明"
/// first, then "签约项目" with Chinese headers, an amount in 亿元 (the header's unit) and one as
/// "3000万元" text, a park given by id, one by another name, one that matches no park exactly,
/// an industry that is no cluster, and an empty row.
#[test]
fn import_projects_adds_exact_matches_lists_the_rest_and_adds_nothing_twice() {
    let (_tmp, data) = dataset();
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signing-list.xlsx");
    let args = [
        "--data",
        data.to_str().unwrap(),
        "import-projects",
        list.to_str().unwrap(),
        "--source-url",
        "https://www.zhanjiang.gov.cn/example/signing-2026-11",
        "--source-date",
        "2026-11-28",
        "--lang",
        "en",
    ];
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("imported 2 project(s); 0 row(s) already there; 1 row(s) not matched"),
        "{out}"
    );
    assert!(
        err.contains("row 4: Offshore wind parts plant: no park is exactly \"廉江高新区\"")
            && err.contains("closest: lianjiang_htz"),
        "{err}"
    );
    assert!(err.contains("left out): 海上风电"), "{err}");
    let atlas = io::load_dir(&data).unwrap().atlas;
    let suixi = atlas
        .parks
        .iter()
        .find(|p| p.id == "suixi_eco_park")
        .unwrap();
    let p = suixi.projects.last().unwrap();
    assert_eq!(p.name_zh.as_deref(), Some("遂溪新能源装备制造项目"));
    assert_eq!(p.amount, Some(1_250_000_000.0));
    assert_eq!(p.currency.as_deref(), Some("CNY"));
    assert_eq!(p.year, Some(2026));
    assert_eq!(p.clusters, ["green_energy"]);
    let source = &suixi.sources[&p.source_ids[0]];
    assert_eq!(
        source.title.as_deref(),
        Some("signing-list.xlsx (签约项目)")
    );
    assert_eq!(source.date.as_deref(), Some("2026-11-28"));
    let bao = atlas
        .parks
        .iter()
        .find(|p| p.id == "baosteel_zhanjiang")
        .unwrap();
    let p = bao.projects.last().unwrap();
    assert_eq!(p.amount, Some(30_000_000.0));
    assert_eq!(p.clusters, ["green_paper"]);
    // Again: nothing added, and it says so; the files are as they were.
    let parks = std::fs::read(data.join("parks.geojson")).unwrap();
    let (code, out, _) = run(&args);
    assert_eq!(code, 0);
    assert!(
        out.contains("imported 0 project(s); 2 row(s) already there"),
        "{out}"
    );
    assert_eq!(std::fs::read(data.join("parks.geojson")).unwrap(), parks);
    assert_eq!(read_log(&data).0.len(), 2);
}

#[test]
fn copy_data_makes_a_folder_that_loads_as_the_embedded_data_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-city");
    let (code, _, err) = run(&["copy-data", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let copied = io::load_dir(&dir).unwrap().atlas;
    let embedded = io::load_embedded().unwrap().atlas;
    assert_eq!(copied.parks, embedded.parks);
    assert_eq!(copied.counties.len(), embedded.counties.len());
    std::fs::write(dir.join("parks.geojson"), "changed").unwrap();
    let (code, _, err) = run(&["copy-data", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("a dataset is there already"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("parks.geojson")).unwrap(),
        "changed"
    );
}

/// A refused set leaves the data exactly as it was, however far it got; removing a park that
/// others name as their parent is refused by the loader's rule.
#[test]
fn a_refused_set_gives_the_data_back_unchanged() {
    let atlas = io::load_embedded().unwrap().atlas;
    let set: ChangeSet = serde_json::from_value(json!({"changes": [
        {"op": "set", "park": "fenyong_htz", "field": "area_km2", "from": 50.16, "to": 1,
         "source": "fy_2012"},
        {"op": "remove_park", "park": "xuwen_port",
         "from": atlas.parks.iter().find(|p| p.id == "xuwen_port").unwrap().name_zh,
         "source": "xw_port_2023"},
        {"op": "set", "park": "fenyong_htz", "field": "tier", "from": "national", "to": "municipal",
         "source": "fy_2012"}
    ]}))
    .unwrap();
    let (back, refused) = *park_atlas::changes::apply_owned(atlas.clone(), &set, "t").unwrap_err();
    assert_eq!(refused.conflicts.len(), 1);
    assert_eq!(back.parks, atlas.parks);
    // The agglomeration zone is the parent of other parks: it cannot go alone.
    let zone = atlas
        .parks
        .iter()
        .find(|p| p.id == "zj_large_agglomeration_zone")
        .unwrap();
    assert!(
        atlas
            .parks
            .iter()
            .any(|p| p.parent_id.as_deref() == Some(zone.id.as_str()))
    );
    let remove = ChangeSet {
        changes: vec![Change::RemovePark {
            park: zone.id.clone(),
            from: json!(zone.name_zh),
            source: Some(SourceRef::Id(zone.sources.keys().next().unwrap().clone())),
        }],
    };
    let refused = apply(&atlas, &remove, "t").unwrap_err();
    assert!(
        refused
            .problems
            .iter()
            .any(|p| p.field == "parent_id" && p.message.contains("unknown park id")),
        "{:?}",
        refused.problems
    );
}

/// What a form shows as the user types: the park reader's own message, nothing changed.
#[test]
fn a_change_is_checked_with_the_loaders_rules_without_applying_it() {
    let atlas = io::load_embedded().unwrap().atlas;
    let p = atlas.park("fenyong_htz").unwrap();
    let set = |field: &str, to: Value| Change::Set {
        park: p.id.clone(),
        field: field.into(),
        from: Value::Null,
        to,
        source: None,
    };
    let said =
        park_atlas::changes::check_change(p, &atlas.taxonomy, &set("tier", json!("galactic")));
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].message.contains("expected one of"), "{said:?}");
    let said = park_atlas::changes::check_change(
        p,
        &atlas.taxonomy,
        &set("clusters", json!(["no_such_cluster"])),
    );
    assert!(!said.is_empty());
    assert!(
        park_atlas::changes::check_change(p, &atlas.taxonomy, &set("tier", json!("national")))
            .is_empty()
    );
    assert_eq!(
        atlas.park("fenyong_htz").unwrap().tier.as_str(),
        "provincial"
    );
}
