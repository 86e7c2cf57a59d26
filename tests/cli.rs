//! The `park-atlas` binary as a user runs it: output, exit codes (0 ok, 1 bad input, 2 usage)
//! and files written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_park-atlas"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn list_prints_every_park_with_a_summary() {
    let o = run(&["list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("ID "));
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("basf_zhanjiang_verbund "))
            .count(),
        1
    );
    assert!(out.contains("22 of 22 parks; 31 projects"), "{out}");
    assert!(out.contains("10 bn EUR"), "{out}");
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn list_filters_by_cluster_county_and_text() {
    let o = run(&[
        "list",
        "--cluster",
        "green_petrochem",
        "--county",
        "Mazhang",
    ]);
    let out = stdout(&o);
    assert!(out.contains("zhongke_refinery") && out.contains("basf_zhanjiang_verbund"));
    assert!(!out.contains("xiashan_lingang_park") && !out.contains("lianjiang_htz"));
    let o = run(&["list", "--search", "BASF", "--lang", "zh"]);
    let out = stdout(&o);
    assert!(out.contains("巴斯夫"), "{out}");
    assert!(out.contains("1 of 22 parks"), "{out}");
    let o = run(&["list", "--role", "county_park", "--tier", "provincial"]);
    assert!(stdout(&o).contains("6 of 22 parks"), "{}", stdout(&o));
    assert_eq!(
        run(&["list", "--role", "county-park"]).status.code(),
        Some(2)
    );
}

#[test]
fn an_unknown_filter_value_is_a_usage_error() {
    let o = run(&["list", "--cluster", "unicorns"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("unknown cluster \"unicorns\"") && err.contains("green_petrochem"),
        "{err}"
    );
    let o = run(&["list", "--county", "Atlantis"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(run(&["list", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(run(&["validate"]).status.code(), Some(2));
}

#[test]
fn help_documents_the_commands_and_filters() {
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for word in ["list", "validate", "export", "--data"] {
        assert!(out.contains(word), "{word} missing from help");
    }
    let out = stdout(&run(&["export", "--help"]));
    for word in [
        "--cluster",
        "--group",
        "--county",
        "--tier",
        "--search",
        "--id",
        "--out",
    ] {
        assert!(out.contains(word), "{word} missing from export help");
    }
}

#[test]
fn validate_exits_0_on_good_data_and_1_with_the_problem_on_bad() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/zhanjiang")
        .display()
        .to_string();
    let o = run(&["validate", &data]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["validate", &fixture("bad_amount.geojson")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("features[3] (id 'lianjiang_htz'): projects[1].amount: expected"),
        "{err}"
    );
    let o = run(&["validate", &fixture("self_intersecting.geojson")]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("warning"));
    let o = run(&["validate", "/no/such/file.geojson"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read the file"));
}

#[test]
fn bad_data_given_with_data_exits_1_with_the_problems() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("unknown_cluster.geojson"),
        dir.path().join("parks.geojson"),
    )
    .unwrap();
    let o = run(&["list", "--data", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("unknown cluster id \"green_unicorns\""),
        "{}",
        stderr(&o)
    );
    let empty = tempfile::tempdir().unwrap();
    let o = run(&["list", "--data", empty.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("parks.geojson: cannot read the file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn export_writes_exactly_the_filtered_parks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("petro.geojson");
    let o = run(&[
        "export",
        "--cluster",
        "green_petrochem",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("wrote") && stdout(&o).contains("7 parks"),
        "{}",
        stdout(&o)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["features"].as_array().unwrap().len(), 7);

    // Reload the export as a dataset of its own: it must validate and list the same parks.
    std::fs::rename(&out, dir.path().join("parks.geojson")).unwrap();
    let o = run(&["list", "--data", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("7 of 7 parks"), "{}", stdout(&o));

    let csv = dir.path().join("two.csv");
    let o = run(&[
        "export",
        "--id",
        "xuwen_port,basf_zhanjiang_verbund",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 3);
    assert!(dir.path().join("two-projects.csv").exists());
}

#[test]
fn export_refuses_unknown_ids_and_formats_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.geojson");
    let o = run(&["export", "--id", "ghost", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
    let o = run(&[
        "export",
        "--out",
        dir.path().join("x.shp").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(".geojson"));
    let o = run(&["export", "--out", "/no/such/dir/x.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("could not write"), "{}", stderr(&o));
}

#[test]
fn basemap_options_are_checked_before_the_window_opens() {
    let o = run(&["--basemap", "xyz"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--tile-url"), "{}", stderr(&o));
    let o = run(&["--tiles", "/tmp", "--basemap", "osm"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["--basemap", "xyz", "--tile-url", "ftp://x/{z}/{x}/{y}"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("http"), "{}", stderr(&o));
    let o = run(&["--basemap", "tiles", "--tiles", "/no/such/folder"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/no/such/folder"), "{}", stderr(&o));
    let o = run(&["--basemap", "google"]);
    assert_eq!(o.status.code(), Some(2));
}
