//! The team store against a real PostgreSQL + PostGIS server (`DATABASE_URL`): push and pull,
//! every command with `--db` as with a folder, optimistic saves (two clients, psql, eight
//! processes at once), the change log, SQL-looking text, a read-only role, a server that is
//! down or silent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::pg;
use park_atlas::changes::ChangeSet;
use park_atlas::store::{Store, StoreError};
use serde_json::{Value, json};

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_park-atlas"))
        .args(args)
        .env_remove("PARK_ATLAS_DB")
        .env("LANG", "C")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn set(v: Value) -> ChangeSet {
    serde_json::from_value(v).unwrap()
}

#[test]
fn init_push_pull_gives_the_same_dataset() {
    let Some(url) = pg::fresh_db("roundtrip") else {
        return;
    };
    let (code, out, err) = run(&["db", "init", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 → 1"), "{out}");
    // A second init has nothing to do.
    let (code, out, _) = run(&["db", "init", &url]);
    assert_eq!(code, 0);
    assert!(out.contains("already"), "{out}");
    let (code, out, err) = run(&["db", "push", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("22 parks"), "{out}");
    // Pushing into a store that has parks is refused.
    let (code, _, err) = run(&["db", "push", &url]);
    assert_eq!(code, 1);
    assert!(err.contains("holds 22 park(s) already"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("pulled");
    let (code, _, err) = run(&["db", "pull", &url, "--out", out_dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let embedded = park_atlas::io::load_embedded().unwrap().atlas;
    let pulled = park_atlas::io::load_dir(&out_dir).unwrap().atlas;
    assert_eq!(pulled.parks, embedded.parks);
    assert_eq!(pulled.counties, embedded.counties);
    assert_eq!(
        pulled.taxonomy.clusters.len(),
        embedded.taxonomy.clusters.len()
    );
    let projects: usize = embedded.parks.iter().map(|p| p.projects.len()).sum();
    let targets: usize = embedded.parks.iter().map(|p| p.targets.len()).sum();
    let mut c = pg::client(&url);
    let counted: Vec<i64> = ["parks", "projects", "targets"]
        .iter()
        .map(|t| {
            c.query_one(&format!("SELECT count(*) FROM {t}"), &[])
                .unwrap()
                .get(0)
        })
        .collect();
    assert_eq!(counted, vec![22, projects as i64, targets as i64]);
    // QGIS reads the geometry column as EPSG:4326.
    let srid: i32 = c
        .query_one(
            "SELECT srid FROM geometry_columns WHERE f_table_name = 'parks'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(srid, 4326);
}

#[test]
fn every_command_with_db_prints_what_the_folder_gives() {
    let Some(url) = pg::zhanjiang_db("commands") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert_eq!(run(&["copy-data", data.to_str().unwrap()]).0, 0);
    let data = data.to_str().unwrap().to_owned();
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    for args in [
        vec!["list"],
        vec!["list", "--cluster", "green_petrochem", "--lang", "zh"],
        vec!["stats", "--format", "csv"],
        vec!["export", "-o", "OUT.geojson"],
        vec!["export", "-o", "OUT.csv", "--county", "440803"],
        vec!["map", "-o", "OUT.svg"],
        vec![
            "brief",
            "-o",
            "OUT.pdf",
            "--date",
            "2026-12-03",
            "--id",
            "baosteel_zhanjiang",
        ],
    ] {
        let mut outputs = Vec::new();
        for (flag, value, tag) in [
            ("--data", data.as_str(), "dir"),
            ("--db", url.as_str(), "db"),
        ] {
            // The output file (OUT.*) goes into the temporary folder, never
            // into the working directory.
            let named = args.iter().find(|s| s.starts_with("OUT"));
            let file = out(&format!(
                "{tag}-{}",
                named.map_or("stdout".to_owned(), |s| s.replace("OUT", "x"))
            ));
            let mut a: Vec<&str> = args
                .iter()
                .map(|s| {
                    if s.starts_with("OUT") {
                        file.as_str()
                    } else {
                        s
                    }
                })
                .collect();
            a.extend([flag, value]);
            let (code, stdout, err) = run(&a);
            assert_eq!(code, 0, "{a:?}: {err}");
            let written = match named {
                Some(_) => std::fs::read(&file).unwrap_or_else(|e| panic!("{a:?}: {file}: {e}")),
                None => Vec::new(),
            };
            // Files written beside the output (an export's projects table) are
            // named after it: compare their contents too.
            let prefix = out(&format!("{tag}-"));
            let mut beside = Vec::new();
            for line in stdout.lines() {
                let path = line
                    .strip_prefix("wrote ")
                    .and_then(|p| p.split(' ').next());
                if let Some(path) = path.filter(|p| *p != file) {
                    beside.push(std::fs::read(path).unwrap());
                }
            }
            let stdout = stdout.replace(&file, "OUT").replace(&prefix, "");
            outputs.push((stdout, written, beside));
        }
        assert_eq!(outputs[0], outputs[1], "{args:?}");
    }
    // The address also comes from PARK_ATLAS_DB, before or after the sub-command.
    let by_env = Command::new(env!("CARGO_BIN_EXE_park-atlas"))
        .arg("list")
        .env("PARK_ATLAS_DB", &url)
        .output()
        .unwrap();
    assert!(by_env.status.success());
    assert_eq!(
        String::from_utf8_lossy(&by_env.stdout),
        run(&["--db", &url, "list"]).1
    );
    // --data and --db together name two datasets.
    let (code, _, err) = run(&["list", "--data", &data, "--db", &url]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn two_clients_edit_one_park_the_second_gets_the_conflict_and_nothing_is_lost() {
    let Some(url) = pg::zhanjiang_db("twoclients") else {
        return;
    };
    let mut a = Store::connect(&url).unwrap();
    let mut b = Store::connect(&url).unwrap();
    let base_a = a.load().unwrap().atlas;
    let base_b = b.load().unwrap().atlas;
    let mine = set(
        json!({"changes": [{"op": "set", "park": "lianjiang_htz", "field": "tier",
        "from": "provincial", "to": "national", "source": {"title": "A's source", "date": "2026-12-01"}}]}),
    );
    let theirs = set(
        json!({"changes": [{"op": "set", "park": "lianjiang_htz", "field": "tier",
        "from": "provincial", "to": "municipal", "source": {"title": "B's source", "date": "2026-12-02"}}]}),
    );
    let applied = a.apply(base_a, &mine, "a").unwrap();
    assert_eq!(applied.log.len(), 1);
    match b.apply(base_b, &theirs, "b") {
        Err(StoreError::Refused(r)) => {
            assert_eq!(r.conflicts.len(), 1);
            assert_eq!(r.conflicts[0].expected, json!("provincial"));
            assert_eq!(r.conflicts[0].found, json!("national"));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    // A's change is there, B's source was not added.
    let now = Store::connect(&url).unwrap().load().unwrap().atlas;
    let park = &now.parks[now.park_index("lianjiang_htz").unwrap()];
    assert_eq!(park.tier.as_str(), "national");
    assert!(
        park.sources
            .values()
            .all(|s| s.title.as_deref() != Some("B's source"))
    );
    assert!(
        park.sources
            .values()
            .any(|s| s.title.as_deref() == Some("A's source"))
    );
    // Edits of different parks from the same stale copy both land (no lock held meanwhile).
    let base_b = b.load().unwrap().atlas;
    let notes = base_b.parks[base_b.park_index("suixi_eco_park").unwrap()]
        .text("notes")
        .map(str::to_owned);
    let other = set(
        json!({"changes": [{"op": "set", "park": "suixi_eco_park", "field": "notes",
        "from": notes, "to": "B was here", "source": "achie_2021"}]}),
    );
    b.apply(base_b, &other, "b").unwrap();
}

#[test]
fn a_psql_update_makes_a_stale_change_set_conflict_and_is_logged_with_its_role() {
    let Some(url) = pg::zhanjiang_db("psql") else {
        return;
    };
    let mut store = Store::connect(&url).unwrap();
    let base = store.load().unwrap().atlas;
    let area = base.parks[base.park_index("baosteel_zhanjiang").unwrap()].area_km2;
    let mut c = pg::client(&url);
    let v0: i64 = c
        .query_one(
            "SELECT version FROM parks WHERE id = 'baosteel_zhanjiang'",
            &[],
        )
        .unwrap()
        .get(0);
    // What QGIS sends when a planner edits the attribute table.
    c.execute(
        "UPDATE parks SET area_km2 = 14.5 WHERE id = 'baosteel_zhanjiang'",
        &[],
    )
    .unwrap();
    let v1: i64 = c
        .query_one(
            "SELECT version FROM parks WHERE id = 'baosteel_zhanjiang'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(v1, v0 + 1, "the trigger bumps the version");
    let stale = set(
        json!({"changes": [{"op": "set", "park": "baosteel_zhanjiang", "field": "area_km2",
        "from": area, "to": 13.0, "source": "cd_2012_bao"}]}),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stale.json");
    std::fs::write(&file, serde_json::to_vec(&stale).unwrap()).unwrap();
    let (code, _, err) = run(&["apply", file.to_str().unwrap(), "--db", &url]);
    assert_eq!(code, 1);
    assert!(
        err.contains("conflict: expected 12.58, found 14.5"),
        "{err}"
    );
    let row: (String, Value, Value) = c
        .query_one(
            "SELECT who, from_value, to_value FROM change_log WHERE op = 'UPDATE' ORDER BY seq",
            &[],
        )
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .unwrap();
    assert_eq!(row.0, "postgres");
    assert_eq!(row.1, json!({"area_km2": 12.58}));
    assert_eq!(row.2, json!({"area_km2": 14.5}));
    let _ = store;
}

#[test]
fn eight_processes_at_once_all_inserts_land_and_one_of_eight_edits_wins() {
    let Some(url) = pg::zhanjiang_db("eight") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let spawn = |n: usize, change: Value| {
        let file = dir.path().join(format!("c{n}.json"));
        std::fs::write(
            &file,
            serde_json::to_vec(&json!({"changes": [change]})).unwrap(),
        )
        .unwrap();
        Command::new(env!("CARGO_BIN_EXE_park-atlas"))
            .args(["apply", file.to_str().unwrap(), "--db", &url])
            .env("LANG", "C")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let inserts: Vec<_> = (0..8)
        .map(|n| {
            spawn(n, json!({"op": "add_project", "park": "suixi_eco_park",
                "project": {"name_zh": format!("并发项目 {n}"), "amount": 1000000 * (n + 1), "currency": "CNY", "year": 2026},
                "source": "achie_2021"}))
        })
        .collect();
    for p in inserts {
        let out = p.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let edits: Vec<_> = (0..8)
        .map(|n| {
            spawn(
                10 + n,
                json!({"op": "set", "park": "lianjiang_htz", "field": "area_km2",
                "from": 31.77, "to": 10.0 + n as f64, "source": "achie_2021"}),
            )
        })
        .collect();
    let mut won = 0;
    let mut conflicts = 0;
    for p in edits {
        let out = p.wait_with_output().unwrap();
        if out.status.success() {
            won += 1;
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("conflict: expected 31.77, found 1"), "{err}");
            conflicts += 1;
        }
    }
    assert_eq!((won, conflicts), (1, 7));
    let mut c = pg::client(&url);
    let added: i64 = c
        .query_one(
            "SELECT count(*) FROM projects WHERE park_id = 'suixi_eco_park' AND name_zh LIKE '并发项目%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(added, 8);
    // The logs hold exactly what was applied: 8 inserts and one edit.
    let edits_logged: i64 = c
        .query_one("SELECT count(*) FROM edits", &[])
        .unwrap()
        .get(0);
    assert_eq!(edits_logged, 9);
    let area_updates: i64 = c
        .query_one(
            "SELECT count(*) FROM change_log WHERE table_name = 'parks' AND op = 'UPDATE' AND to_value ? 'area_km2'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(area_updates, 1);
    let project_inserts: i64 = c
        .query_one(
            "SELECT count(*) FROM change_log WHERE table_name = 'projects' AND op = 'INSERT' AND to_value ->> 'name_zh' LIKE '并发项目%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(project_inserts, 8);
}

#[test]
fn sql_looking_text_is_stored_verbatim() {
    let Some(url) = pg::zhanjiang_db("sqltext") else {
        return;
    };
    let evil = "x'); DROP TABLE parks; --";
    let mut store = Store::connect(&url).unwrap();
    let base = store.load().unwrap().atlas;
    let notes = base.parks[base.park_index("suixi_eco_park").unwrap()]
        .text("notes")
        .map(str::to_owned);
    let changes = set(json!({"changes": [
        {"op": "add_project", "park": "suixi_eco_park", "project": {"name_zh": evil, "investor": "\"; DELETE FROM projects; --"},
         "source": {"title": evil, "outlet": "Robert'); DROP TABLE sources;--", "date": "2026-12-03"}},
        {"op": "set", "park": "suixi_eco_park", "field": "notes", "from": notes, "to": evil, "source": "achie_2021"}
    ]}));
    store.apply(base, &changes, "evil").unwrap();
    let now = Store::connect(&url).unwrap().load().unwrap().atlas;
    let park = &now.parks[now.park_index("suixi_eco_park").unwrap()];
    let p = park.projects.last().unwrap();
    assert_eq!(p.name_zh.as_deref(), Some(evil));
    assert_eq!(p.investor.as_deref(), Some("\"; DELETE FROM projects; --"));
    assert_eq!(park.text("notes"), Some(evil));
    assert!(
        park.sources
            .values()
            .any(|s| s.title.as_deref() == Some(evil))
    );
    assert_eq!(now.parks.len(), 22);
}

#[test]
fn a_read_only_role_views_and_its_save_is_refused_with_the_reason() {
    let Some(url) = pg::zhanjiang_db("readonly") else {
        return;
    };
    let role = format!("pa_viewer_{}", std::process::id());
    let mut c = pg::client(&url);
    c.batch_execute(&format!(
        "DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN IN ROLE park_atlas_reader"
    ))
    .unwrap();
    let as_viewer = url.replacen("postgres@", &format!("{role}@"), 1);
    let mut store = Store::connect(&as_viewer).unwrap();
    assert!(!store.can_edit);
    let base = store.load().unwrap().atlas;
    assert_eq!(base.parks.len(), 22);
    let change = set(
        json!({"changes": [{"op": "set", "park": "suixi_eco_park", "field": "notes",
        "from": null, "to": "x", "source": "achie_2021"}]}),
    );
    match store.apply(base, &change, "viewer") {
        Err(StoreError::ReadOnly { role: r }) => assert_eq!(r, role),
        other => panic!("expected read-only, got {other:?}"),
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.json");
    std::fs::write(&file, serde_json::to_vec(&change).unwrap()).unwrap();
    let (code, _, err) = run(&["apply", file.to_str().unwrap(), "--db", &as_viewer]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!("the role {role} may only read this store")),
        "{err}"
    );
    // The server itself refuses the role's writes (QGIS or psql as that role).
    let mut raw = pg::client(&as_viewer);
    let e = raw
        .execute(
            "UPDATE parks SET notes = 'x' WHERE id = 'suixi_eco_park'",
            &[],
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("permission denied")
            || format!("{e:?}").contains("permission denied"),
        "{e:?}"
    );
    drop(raw);
    drop(store);
    c.batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}"))
        .ok();
}

#[test]
fn a_server_that_is_down_or_silent_is_a_clear_error_within_15_seconds_and_no_password_shows() {
    // Nothing listens on this port.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("postgresql://planner:s3cret-pw@127.0.0.1:{port}/parks");
    let started = Instant::now();
    let (code, _, err) = run(&["--db", &url, "list"]);
    assert_eq!(code, 1);
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(
        err.contains(&format!(
            "cannot connect to postgresql://planner@127.0.0.1:{port}/parks"
        )),
        "{err}"
    );
    assert!(!err.contains("s3cret-pw"), "{err}");
    // A server that accepts the connection and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let keep = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in silent.incoming().take(2) {
            held.push(s);
        }
        std::thread::sleep(Duration::from_secs(20));
    });
    let url = format!("postgresql://planner:s3cret-pw@127.0.0.1:{port}/parks");
    let started = Instant::now();
    let (code, _, err) = run(&["--db", &url, "list"]);
    assert_eq!(code, 1);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert!(err.contains("cannot connect"), "{err}");
    assert!(!err.contains("s3cret-pw"), "{err}");
    drop(keep);
}

#[test]
fn a_newer_schema_is_refused_and_an_empty_database_is_named_as_such() {
    let Some(url) = pg::fresh_db("schema") else {
        return;
    };
    match Store::connect(&url) {
        Err(e @ StoreError::NotInitialised { .. }) => {
            assert!(e.to_string().contains("park-atlas db init"), "{e}");
        }
        other => panic!("{:?}", other.err()),
    }
    Store::connect_only(&url).unwrap().init().unwrap();
    pg::client(&url)
        .execute("INSERT INTO park_atlas_schema (version) VALUES (99)", &[])
        .unwrap();
    let (code, _, err) = run(&["--db", &url, "list"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("schema version 99") && err.contains("update Park Atlas"),
        "{err}"
    );
}

#[test]
fn eight_clients_released_at_once_on_one_field_exactly_one_wins() {
    let Some(url) = pg::zhanjiang_db("barrier") else {
        return;
    };
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|n| {
            let (url, barrier) = (url.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut store = Store::connect(&url).unwrap();
                let base = store.load().unwrap().atlas;
                let change = set(
                    json!({"changes": [{"op": "set", "park": "xuwen_lingang", "field": "area_km2",
                    "from": 140.0, "to": 200.0 + n as f64, "source": "achie_2021"}]}),
                );
                barrier.wait();
                store.apply(base, &change, "race")
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let won = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::Refused(x)) if x.conflicts.len() == 1))
        .count();
    assert_eq!((won, conflicts), (1, 7), "{results:?}");
}

#[test]
fn tls_require_and_verify_full_encrypt_and_an_unknown_authority_is_refused() {
    let Some(url) = pg::zhanjiang_db("tls") else {
        return;
    };
    // The test server has a self-signed certificate (scripts/pg-test-server.sh).
    let Ok(ca) = std::env::var("PARK_ATLAS_TEST_PG_CA") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true: PARK_ATLAS_TEST_PG_CA missing"
        );
        eprintln!("skipped: the test server has no certificate (PARK_ATLAS_TEST_PG_CA)");
        return;
    };
    for mode in [
        "require",
        format!("verify-full&sslrootcert={ca}").as_str(),
        format!("verify-ca&sslrootcert={ca}").as_str(),
    ] {
        let with = format!("{url}?sslmode={mode}");
        let mut store = Store::connect(&with).unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert_eq!(store.load().unwrap().atlas.parks.len(), 22);
        let ssl: bool = pg::client(&url)
            .query_one(
                "SELECT bool_or(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
                 WHERE a.application_name = 'park-atlas' AND a.datname = current_database()",
                &[],
            )
            .unwrap()
            .get(0);
        assert!(ssl, "{mode}: the connection is not encrypted");
        drop(store);
    }
    // verify-full without the office's authority: the system's do not know the certificate.
    match Store::connect(&format!("{url}?sslmode=verify-full")) {
        Err(StoreError::Connect { reason, .. }) => {
            assert!(reason.to_lowercase().contains("certificate"), "{reason}")
        }
        other => panic!("expected a certificate error, got {:?}", other.err()),
    }
}

#[test]
fn a_password_comes_from_the_password_file_and_its_absence_is_named() {
    let Some(url) = pg::zhanjiang_db("password") else {
        return;
    };
    // The test server asks this role for a password (scripts/pg-test-server.sh).
    let mut c = pg::client(&url);
    c.batch_execute(
        "DO $$ BEGIN CREATE ROLE pa_password_user LOGIN PASSWORD 'pw-in-file' IN ROLE park_atlas_reader; \
         EXCEPTION WHEN duplicate_object THEN NULL; END $$",
    )
    .unwrap();
    let as_user = url.replacen("postgres@", "pa_password_user@", 1);
    let dir = tempfile::tempdir().unwrap();
    let pgpass = dir.path().join("pgpass");
    let port = as_user
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let cmd = |pgpass: Option<&std::path::Path>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_park-atlas"));
        c.args(["--db", &as_user, "list"])
            .env_remove("PGPASSWORD")
            .env("LANG", "C")
            .env(
                "PGPASSFILE",
                pgpass.unwrap_or(std::path::Path::new("/nonexistent")),
            );
        c.output().unwrap()
    };
    let out = cmd(None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("asks for a password"), "{err}");
    std::fs::write(
        &pgpass,
        format!("# office\n127.0.0.1:{port}:*:pa_password_user:pw-in-file\n"),
    )
    .unwrap();
    let out = cmd(Some(&pgpass));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("22 parks"));
    std::fs::write(
        &pgpass,
        format!("127.0.0.1:{port}:*:pa_password_user:wrong\n"),
    )
    .unwrap();
    let out = cmd(Some(&pgpass));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("password authentication failed") && !err.contains("wrong"),
        "{err}"
    );
}

#[test]
fn a_postgis_table_opens_as_a_layer_read_for_the_view_through_its_index() {
    let Some(url) = pg::fresh_db("table_layer") else {
        return;
    };
    let mut c = pg::client(&url);
    c.batch_execute("CREATE EXTENSION IF NOT EXISTS postgis")
        .unwrap();
    // 10,000 parcels on a 100 × 100 grid over Zhanjiang, and the same in a projected system
    // (CGCS2000 / 3-degree Gauss-Kruger CM 111E, as land bureaus deliver them).
    c.batch_execute(
        "CREATE TABLE parcels (gid serial PRIMARY KEY, land_use text, geom geometry(Polygon, 4326));
         INSERT INTO parcels (land_use, geom)
           SELECT CASE WHEN i % 2 = 0 THEN '工业用地' ELSE 'farmland' END,
                  ST_MakeEnvelope(109.8 + (i % 100) * 0.01, 20.5 + (i / 100) * 0.01,
                                  109.805 + (i % 100) * 0.01, 20.505 + (i / 100) * 0.01, 4326)
           FROM generate_series(0, 9999) i;
         CREATE INDEX parcels_geom ON parcels USING gist (geom);
         CREATE SCHEMA land;
         CREATE TABLE land.parcels_gk AS SELECT gid, land_use, ST_Transform(geom, 4547)::geometry(Polygon, 4547) AS shape FROM parcels;
         CREATE INDEX ON land.parcels_gk USING gist (shape);",
    )
    .unwrap();
    let atlas = park_atlas::io::load_embedded().unwrap().atlas;
    let open = |table: &str, bbox: Option<[f64; 4]>| {
        let path = std::path::PathBuf::from(format!("{url}?table={table}"));
        let options = park_atlas::io::formats::ReadOptions {
            bbox,
            ..Default::default()
        };
        park_atlas::io::dataset::open_path_with_options(
            &atlas,
            &path,
            &park_atlas::io::Progress::default(),
            &options,
        )
    };
    // The box holds parcels 10..20 across and 10..20 up: 10 × 10 = 100, plus those touching.
    let bbox = Some([109.9001, 20.6001, 109.9999, 20.6999]);
    for table in ["parcels", "land.parcels_gk"] {
        let loaded = open(table, bbox).unwrap();
        let layer = loaded.atlas.layers.last().unwrap();
        assert_eq!(layer.len(), 100, "{table}");
        let f = &loaded.atlas.others.get(layer.features.start).unwrap();
        assert!(f.properties.contains_key("land_use") && !f.properties.contains_key("geom"));
        let rect = geo::BoundingRect::bounding_rect(f.geometry.as_ref().unwrap()).unwrap();
        assert!(
            rect.min().x > 109.89 && rect.max().y < 20.71,
            "{table}: {rect:?} (in WGS-84)"
        );
    }
    assert_eq!(
        open("parcels", None)
            .unwrap()
            .atlas
            .layers
            .last()
            .unwrap()
            .len(),
        10_000
    );
    // A table that is not there, or a name made to break out of the quotes, is a clear error.
    for bad in ["nothing_here", "parcels\"; DROP TABLE parcels; --"] {
        let problems = open(bad, bbox).unwrap_err();
        assert!(
            problems[0].msg.text(false).contains("no table"),
            "{:?}",
            problems[0]
        );
    }
    let n: i64 = c
        .query_one("SELECT count(*) FROM parcels", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 10_000);
}
