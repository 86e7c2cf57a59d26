//! The library at the scale users have: loading, filtering and click hit-tests on the embedded
//! dataset and on seeded synthetic polygon parks (1k, 10k, 100k).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

/// The binary's allocator, so that the numbers are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use park_atlas::io::{self, DatasetFiles};
use park_atlas::query::{Filter, filter_parks};
use park_atlas::spatial::SpatialIndex;
use park_atlas::synth::{self, SynthOptions};

fn scales() -> Vec<(String, DatasetFiles)> {
    let embedded = io::load_embedded().unwrap().atlas;
    let mut out = vec![("embedded".to_owned(), DatasetFiles::embedded())];
    for n in [1_000usize, 10_000, 100_000] {
        let atlas = synth::parks(
            &embedded,
            SynthOptions {
                features: n,
                projects: if n > 10_000 { 1 } else { 10 },
                ..SynthOptions::default()
            },
        );
        let all: Vec<_> = atlas.parks.iter().collect();
        let mut files = DatasetFiles::embedded();
        files.parks = io::export::geojson_string(&all).unwrap().into_bytes();
        out.push((format!("{n}"), files));
    }
    out
}

fn at_scale(c: &mut Criterion) {
    for (name, files) in scales() {
        let mb = files.parks.len() as f64 / 1e6;
        let mut g = c.benchmark_group(format!("{name} parks ({mb:.1} MB)"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(3));
        g.bench_function("load (parse + validate + cross-check)", |b| {
            b.iter(|| io::load_files(black_box(&files)).expect("loads"))
        });
        let atlas = io::load_files(&files).unwrap().atlas;
        g.bench_function("build spatial index", |b| {
            b.iter(|| SpatialIndex::build(black_box(&atlas)))
        });
        let mut f = Filter::default();
        f.clusters.insert("green_petrochem".into());
        g.bench_function("filter by cluster", |b| {
            b.iter(|| filter_parks(black_box(&atlas), black_box(&f)))
        });
        let text = Filter {
            text: "investor 42".into(),
            ..Filter::default()
        };
        g.bench_function("filter by free text", |b| {
            b.iter(|| filter_parks(black_box(&atlas), black_box(&text)))
        });
        let index = park_atlas::query::TextIndex::build(&atlas);
        g.bench_function(
            "filter by free text (text index, as the window does)",
            |b| {
                b.iter(|| {
                    park_atlas::query::filter_parks_indexed(
                        black_box(&atlas),
                        black_box(&text),
                        &index,
                    )
                })
            },
        );
        // A click: on a park's first point (inside or on its outline), 12 px at z12 ≈ 430 m.
        let index = SpatialIndex::build(&atlas);
        let targets: Vec<(f64, f64)> = atlas
            .parks
            .iter()
            .step_by((atlas.parks.len() / 64).max(1))
            .filter_map(|p| {
                let r = geo::BoundingRect::bounding_rect(p.geometry.as_ref()?)?;
                Some((r.center().x, r.center().y))
            })
            .collect();
        let mut k = 0;
        g.bench_function("click hit-test (parks, 430 m tolerance)", |b| {
            b.iter(|| {
                k = (k + 1) % targets.len();
                let (x, y) = targets[k];
                index.parks_at_point(black_box(&atlas), black_box(x), black_box(y), 430.0)
            })
        });
        // The attribute table: built once per data/filter change, sorted per header click.
        let all: Vec<usize> = (0..atlas.parks.len()).collect();
        g.bench_function("attribute table: build the parks table", |b| {
            b.iter(|| park_atlas::table::parks_table(black_box(&atlas), &all, true))
        });
        let table = park_atlas::table::parks_table(&atlas, &all, true);
        let area = table
            .columns
            .iter()
            .position(|c| c == "area_km2")
            .unwrap_or(0);
        g.bench_function("attribute table: sort by area", |b| {
            b.iter(|| black_box(&table).sorted(area, false))
        });
        g.finish();
    }
}

/// Opening files as layers (issue 18): a 100k-row table, and the coordinate-system detection's
/// share of opening a 100k-feature GeoJSON layer (found vs declared: target ≤ 5 % more).
fn opening_files(c: &mut Criterion) {
    use park_atlas::io::crs::WebCrs;
    let current = io::load_embedded().unwrap().atlas;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("t.csv");
    let mut text = String::from("名称,经度,纬度,员工,行业\n");
    let mut seed = 18u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    for i in 0..100_000 {
        let (lon, lat) = (109.7 + 1.2 * next(), 20.2 + 1.7 * next());
        let staff = (next() * 5000.0) as u32;
        text.push_str(&format!("企业{i},{lon:.6},{lat:.6},{staff},钢铁\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let (features, _) = io::formats::read_layer_file(&csv, "t.csv", &io::Progress::default())
        .unwrap()
        .unwrap();
    let geojson = dir.path().join("t.geojson");
    io::convert::write_features(&features, &geojson, io::convert::Output::GeoJson).unwrap();
    let mut g = c.benchmark_group("opening files (100k rows)");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("CSV to a layer", |b| {
        b.iter(|| io::formats::read_layer_file(black_box(&csv), "t.csv", &io::Progress::default()))
    });
    for (name, declared) in [
        ("GeoJSON layer, system found", None),
        ("GeoJSON layer, system declared", Some(WebCrs::Wgs84)),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                io::dataset::open_path_as(&current, &geojson, &io::Progress::default(), declared)
                    .unwrap()
            })
        });
    }
    g.finish();
}

/// Change sets at 10k parks (issue 19): one edit as the window makes it, a 1,000-change set,
/// saving the dataset with its change log.
fn change_sets(c: &mut Criterion) {
    use park_atlas::changes::{Change, ChangeSet, SourceRef, apply, session::Session};
    let embedded = io::load_embedded().unwrap().atlas;
    let atlas = synth::parks(
        &embedded,
        SynthOptions {
            features: 10_000,
            projects: 3,
            ..SynthOptions::default()
        },
    );
    let edit = |i: usize, to: f64| {
        let p = &atlas.parks[i % atlas.parks.len()];
        Change::Set {
            park: p.id.clone(),
            field: "area_km2".into(),
            from: p
                .area_km2
                .map_or(serde_json::Value::Null, serde_json::Value::from),
            to: serde_json::Value::from(to),
            source: p.sources.keys().next().cloned().map(SourceRef::Id),
        }
    };
    let thousand = ChangeSet {
        changes: (0..1000).map(|i| edit(i * 7, 1.0 + i as f64)).collect(),
    };
    let applied = apply(&atlas, &thousand, "bench").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("change sets (10k parks)");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("one edit in the window (session push)", |b| {
        b.iter_batched(
            || Session::new(atlas.clone()),
            // The session is handed back, dropped outside the timing.
            |mut s| {
                s.push(edit(17, 42.0)).unwrap();
                s
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("apply a 1,000-change set", |b| {
        b.iter(|| apply(black_box(&atlas), &thousand, "bench").unwrap())
    });
    g.bench_function("save 10k parks and the change log", |b| {
        b.iter(|| {
            let _ = std::fs::remove_file(dir.path().join("changes.jsonl"));
            park_atlas::changes::dataset::save(dir.path(), &applied.atlas.parks, &applied.log)
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, at_scale, opening_files, change_sets, team_store);
criterion_main!(benches);

/// The team store at 10k parks (skipped without `DATABASE_URL`, a PostgreSQL + PostGIS server
/// such as `scripts/pg-test-server.sh start` gives): opening beside the same folder, one saved
/// change, eight writers at once.
fn team_store(c: &mut Criterion) {
    use park_atlas::changes::ChangeSet;
    use park_atlas::store::Store;
    let Ok(server) = std::env::var("DATABASE_URL") else {
        eprintln!("team store: skipped (no DATABASE_URL)");
        return;
    };
    let name = format!("pa_bench_{}", std::process::id());
    let mut admin = postgres::Client::connect(&server, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let url = match server.rsplit_once('/') {
        Some((head, _)) => format!("{head}/{name}"),
        None => server.clone(),
    };
    let (_, files) = scales().swap_remove(2);
    let dir = tempfile::tempdir().unwrap();
    park_atlas::changes::dataset::copy_dataset(&files, &dir.path().join("d")).unwrap();
    let folder = dir.path().join("d");
    Store::connect_only(&url).unwrap().init().unwrap();
    Store::connect(&url).unwrap().push(&files).unwrap();

    let mut g = c.benchmark_group("team store (10k parks)");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(6));
    g.bench_function("open the dataset folder", |b| {
        b.iter(|| io::load_dir(&folder).unwrap())
    });
    g.bench_function("open from the store (connect and read)", |b| {
        b.iter(|| Store::connect(&url).unwrap().load().unwrap())
    });
    let add = |park: &str, n: usize| -> ChangeSet {
        serde_json::from_value(serde_json::json!({"changes": [{"op": "add_project", "park": park,
            "project": {"name_zh": format!("基准项目 {n}"), "amount": 1000000, "currency": "CNY", "year": 2026},
            "source": {"title": "bench", "date": "2026-12-03"}}]}))
        .unwrap()
    };
    let mut store = Store::connect(&url).unwrap();
    let mut base = Some(store.load().unwrap().atlas);
    let ids: Vec<String> = base
        .as_ref()
        .unwrap()
        .parks
        .iter()
        .map(|p| p.id.clone())
        .collect();
    let mut n = 0;
    g.bench_function("one saved change", |b| {
        b.iter(|| {
            n += 1;
            let set = add(&ids[n % ids.len()], n);
            let applied = store.apply(base.take().unwrap(), &set, "bench").unwrap();
            base = Some(applied.atlas);
        })
    });
    // Eight writers, each with its own connection and copy of the data, 10 change sets each.
    let before: i64 = admin_count(&url);
    let mut sent = 0i64;
    g.bench_function("8 writers x 10 change sets", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let barrier = std::sync::Arc::new(std::sync::Barrier::new(9));
                let workers: Vec<_> = (0..8)
                    .map(|w| {
                        let (url, barrier, ids) = (url.clone(), barrier.clone(), ids.clone());
                        std::thread::spawn(move || {
                            let mut store = Store::connect(&url).unwrap();
                            let mut base = Some(store.load().unwrap().atlas);
                            barrier.wait();
                            for k in 0..10 {
                                let set = add(&ids[(w * 131 + k * 17) % ids.len()], w * 100 + k);
                                base = Some(
                                    store.apply(base.take().unwrap(), &set, "w").unwrap().atlas,
                                );
                            }
                        })
                    })
                    .collect();
                barrier.wait();
                let started = std::time::Instant::now();
                for w in workers {
                    w.join().unwrap();
                }
                total += started.elapsed();
                sent += 80;
            }
            total
        })
    });
    // A view of the city (about 900 parcels) from a table of 1,000,000 parcels and from one of
    // 1,000 at the same density: the spatial index makes them cost the same.
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for (table, side) in [("parcels_1m", 1000), ("parcels_1k", 32)] {
        c.batch_execute(&format!(
            "DROP TABLE IF EXISTS {table};
             CREATE TABLE {table} AS SELECT i AS gid, 'industrial' AS land_use,
               ST_MakeEnvelope(109.8 + (i % {side}) * 0.001, 20.6 + (i / {side}) * 0.001,
                               109.8009 + (i % {side}) * 0.001, 20.6009 + (i / {side}) * 0.001, 4326)::geometry(Polygon, 4326) AS geom
             FROM generate_series(0, {side} * {side} - 1) i;
             CREATE INDEX ON {table} USING gist (geom); ANALYZE {table};"
        ))
        .unwrap();
    }
    let view = Some([109.8, 20.6, 109.83, 20.63]);
    for table in ["parcels_1m", "parcels_1k"] {
        let n = park_atlas::store::layers::read(&mut store, table, view)
            .unwrap()
            .features
            .len();
        g.bench_function(format!("a view of {n} parcels from {table}"), |b| {
            b.iter(|| park_atlas::store::layers::read(&mut store, table, view).unwrap())
        });
    }
    g.finish();
    let after = admin_count(&url);
    assert_eq!(after - before, sent, "change sets lost");
    eprintln!("team store: 8 writers sent {sent} change sets, all {sent} landed (0 lost)");
}

/// Projects added by the benchmark so far.
fn admin_count(url: &str) -> i64 {
    postgres::Client::connect(url, postgres::NoTls)
        .unwrap()
        .query_one(
            "SELECT count(*) FROM projects WHERE name_zh LIKE '基准项目%'",
            &[],
        )
        .unwrap()
        .get(0)
}
