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
    // 31 projects, one of them Lianjiang's city-wide batch of 71.73 亿, shown apart.
    assert!(out.contains("22 of 22 parks; 30 projects"), "{out}");
    assert!(
        out.contains(
            "Apart, not in the totals: 1 city-wide batch(es) reported with these parks: 7.17 bn CNY"
        ),
        "{out}"
    );
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
    // The whole table speaks Chinese: header, tier, summary.
    assert!(out.starts_with("编号"), "{out}");
    assert!(out.contains("1 个园区（共 22 个）"), "{out}");
    assert!(!out.contains("parks") && !out.contains("unknown"), "{out}");
    let o = run(&["list", "--county", "廉江市", "--lang", "zh"]);
    let out = stdout(&o);
    assert!(out.contains("省级") && out.contains("未知"), "{out}");
    assert!(out.contains("全市批量项目 1 批：71.73 亿 CNY"), "{out}");
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

/// Our temporary files left in a folder.
fn strays(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".park-atlas-"))
        .collect()
}

#[test]
fn kill_9_during_exports_never_corrupts_the_file_and_the_next_write_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    park_atlas::synth::write_dataset(
        park_atlas::synth::SynthOptions {
            features: 1500,
            ..Default::default()
        },
        &data,
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("all.geojson");
    let data_arg = data.display().to_string();
    let out_arg = out.display().to_string();
    let export = || {
        Command::new(env!("CARGO_BIN_EXE_park-atlas"))
            .args(["--data", &data_arg, "export", "--out", &out_arg])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // A complete export first; time it to aim the kills.
    let t = std::time::Instant::now();
    assert!(export().wait().unwrap().success());
    let full = t.elapsed();
    let good = std::fs::read(&out).unwrap();
    let mut rng = park_atlas::synth::Rng::new(4);
    let mut left = 0;
    for _ in 0..12 {
        let mut child = export();
        let delay = full.mul_f64(rng.range(0.05, 1.0));
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        // The target is always a whole file: the old export or a new one, never a mix.
        let now = std::fs::read(&out).unwrap();
        let (parsed, problems) = park_atlas::io::parse_geojson("all.geojson", &now, None);
        assert!(problems.is_empty(), "corrupt after a kill: {problems:?}");
        assert_eq!(parsed.parks.len(), 1500);
        assert_eq!(now.len(), good.len());
        left = left.max(strays(&out_dir).len());
    }
    // The next write removes what the killed processes left.
    assert!(export().wait().unwrap().success());
    assert_eq!(
        strays(&out_dir),
        Vec::<String>::new(),
        "at most {left} were left before"
    );
}

#[test]
fn stats_by_county_prints_one_row_per_county_as_csv_for_scripts() {
    let o = run(&[
        "stats",
        "--by",
        "county",
        "--format",
        "csv",
        "--cluster",
        "green_petrochem",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("adcode,name,parks,projects,investment_CNY,investment_EUR")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 9, "one row per county");
    // Mazhang (Donghai Island) holds the green-petrochemical parks listed by `list`.
    let mazhang = rows.iter().find(|r| r[0] == "440811").unwrap();
    let listed = stdout(&run(&[
        "list",
        "--cluster",
        "green_petrochem",
        "--county",
        "440811",
    ]));
    let n: usize = listed
        .lines()
        .find(|l| l.contains(" of "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(mazhang[2].parse::<usize>().unwrap(), n);
    // The table says that currencies are never added.
    let t = stdout(&run(&["stats"]));
    assert!(t.contains("never added"), "{t}");
}

#[test]
fn a_cluster_filter_finds_parks_that_host_it_through_a_project() {
    // The ETDZ does not plan agri/marine processing, but its signed project (国联水产) is one.
    let atlas = park_atlas::io::load_embedded().unwrap().atlas;
    let etdz = atlas.park("zhanjiang_etdz").unwrap();
    assert!(!etdz.clusters.iter().any(|c| c == "agri_marine_processing"));
    assert!(
        etdz.project_only_clusters()
            .contains(&"agri_marine_processing")
    );
    let o = run(&["list", "--cluster", "agri_marine_processing"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("zhanjiang_etdz"), "{}", stdout(&o));
    // Every park listed plans it or has a project of it; every other park does neither.
    let listed: Vec<&str> = atlas
        .parks
        .iter()
        .filter(|p| stdout(&o).contains(&format!("{} ", p.id)))
        .map(|p| p.id.as_str())
        .collect();
    for p in &atlas.parks {
        let hosts = p.hosted_clusters().any(|c| c == "agri_marine_processing");
        assert_eq!(listed.contains(&p.id.as_str()), hosts, "{}", p.id);
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_listing_quietly() {
    // `park-atlas list | head`: far more output than a pipe holds, and the reader leaves after
    // one line.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("many");
    let o = run(&[
        "generate",
        "--count",
        "3000",
        "--projects",
        "0",
        "--out",
        data.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut child = Command::new(env!("CARGO_BIN_EXE_park-atlas"))
        .args(["--data", data.to_str().unwrap(), "list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let out = child.stdout.take().unwrap();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(out), &mut first).unwrap();
    assert!(first.starts_with("ID"), "{first}");
    // The reader (and the pipe) is gone now.
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.status.success(), "{:?}: {err}", o.status);
}
