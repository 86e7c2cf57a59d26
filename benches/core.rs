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

criterion_group!(benches, at_scale);
criterion_main!(benches);
