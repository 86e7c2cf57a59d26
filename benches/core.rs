//! Baseline timings for the library: loading the embedded dataset, filtering, hit-testing.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use park_atlas::io::{self, DatasetFiles};
use park_atlas::query::{Filter, filter_parks};
use park_atlas::spatial::SpatialIndex;

fn load(c: &mut Criterion) {
    let files = DatasetFiles::embedded();
    c.bench_function(
        "load embedded dataset (parse + validate + cross-check)",
        |b| b.iter(|| io::load_files(black_box(&files)).expect("embedded data loads")),
    );
    let atlas = io::load_embedded().expect("loads").atlas;
    c.bench_function("build spatial index", |b| {
        b.iter(|| SpatialIndex::build(black_box(&atlas)))
    });
}

fn filter(c: &mut Criterion) {
    let atlas = io::load_embedded().expect("loads").atlas;
    let mut f = Filter::default();
    f.clusters.insert("green_petrochem".into());
    c.bench_function("filter by cluster", |b| {
        b.iter(|| filter_parks(black_box(&atlas), black_box(&f)))
    });
    let text = Filter {
        text: "basf".into(),
        ..Filter::default()
    };
    c.bench_function("filter by free text", |b| {
        b.iter(|| filter_parks(black_box(&atlas), black_box(&text)))
    });
}

fn hit_test(c: &mut Criterion) {
    let atlas = io::load_embedded().expect("loads").atlas;
    let index = SpatialIndex::build(&atlas);
    // Inside Leizhou (a county polygon) near the Fenyong point, and out at sea.
    c.bench_function("hit-test a point near a park (2 km tolerance)", |b| {
        b.iter(|| {
            index.at_point(
                black_box(&atlas),
                black_box(110.10),
                black_box(20.96),
                2000.0,
            )
        })
    });
    c.bench_function("hit-test a point at sea", |b| {
        b.iter(|| index.at_point(black_box(&atlas), black_box(111.5), black_box(20.0), 2000.0))
    });
}

criterion_group!(benches, load, filter, hit_test);
criterion_main!(benches);
