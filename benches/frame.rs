//! One full frame of the window, headless: the UI pass (`run_ui`) plus tessellation, at
//! 1280×800 — on the embedded Zhanjiang data and on seeded synthetic polygon parks (1k, 10k,
//! 100k) and a 100k-polygon parcel layer, at city zoom, z12 and z15. The vertices tessellated
//! per frame are printed for each case.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

/// The binary's allocator, so that the numbers are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use egui::{Event, Pos2, RawInput, Rect, Vec2};
use park_atlas::Atlas;
use park_atlas::app::ParkAtlasApp;
use park_atlas::app::state::{STATE_VERSION, SavedState, View};
use park_atlas::io;
use park_atlas::synth::{self, SynthOptions};
use park_atlas::ui::table::Tab;

fn input(t: f64, pointer: Pos2) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1280.0, 800.0))),
        time: Some(t),
        events: vec![Event::PointerMoved(pointer)],
        ..RawInput::default()
    }
}

/// Zhanjiang's centre (Chikan/Xiashan), where the synthetic parks are densest.
const CENTRE: (f64, f64) = (110.36, 21.2);

fn bench_view(c: &mut Criterion, name: &str, atlas: &Atlas, zoom: Option<f64>) {
    bench_view_with(c, name, atlas, zoom, None);
}

/// A frame with the attribute table open on `table` (the parks, or a layer).
fn bench_view_with(
    c: &mut Criterion,
    name: &str,
    atlas: &Atlas,
    zoom: Option<f64>,
    table: Option<Tab>,
) {
    bench_frames(c, name, atlas, zoom, table, false);
}

/// A frame; `gpu`: dense park polygons handed to the GPU (`map::gpu`) as the window does
/// with OpenGL — measured here is the frame's own work (the squares are built once, the
/// callback is made, never run: there is no GPU here).
fn bench_frames(
    c: &mut Criterion,
    name: &str,
    atlas: &Atlas,
    zoom: Option<f64>,
    table: Option<Tab>,
    gpu: bool,
) {
    let saved = SavedState {
        version: STATE_VERSION,
        view: zoom.map(|zoom| View {
            lon: CENTRE.0,
            lat: CENTRE.1,
            zoom,
        }),
        table_open: table.is_some(),
        ..SavedState::default()
    };
    let mut app = ParkAtlasApp::with_atlas(atlas.clone(), Some(saved));
    app.table.tab = table.unwrap_or_default();
    app.map.gpu = gpu;
    let ctx = egui::Context::default();
    park_atlas::ui::fonts::install(&ctx);
    // Warm up: fonts, layout, the fit-to-city frames, and the shape caches (which big data
    // builds on a worker thread: wait for it).
    let mut t = 0.0;
    for k in 0..2000 {
        t += 0.016;
        let out = ctx.run_ui(input(t, Pos2::new(600.0, 400.0)), |ui| app.frame_ui(ui));
        ctx.tessellate(out.shapes, out.pixels_per_point);
        if k > 6 && !app.map.is_building() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // Two more frames (the GPU path starts from the second frame that has many polygons).
    let (mut vertices, mut callbacks) = (0, 0);
    for _ in 0..2 {
        t += 0.016;
        let out = ctx.run_ui(input(t, Pos2::new(600.0, 400.0)), |ui| app.frame_ui(ui));
        let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
        vertices = 0;
        callbacks = 0;
        for p in &prims {
            match &p.primitive {
                egui::epaint::Primitive::Mesh(m) => vertices += m.vertices.len(),
                egui::epaint::Primitive::Callback(_) => callbacks += 1,
            }
        }
    }
    eprintln!(
        "{name}: {vertices} vertices tessellated per frame, {callbacks} paint callbacks; {:?}",
        app.map.stats
    );
    // Each measured frame moves the pointer over the map (a hover repaint).
    let mut k = 0u32;
    c.bench_function(name, |b| {
        b.iter(|| {
            k = k.wrapping_add(1);
            t += 0.016;
            let p = Pos2::new(500.0 + (k % 200) as f32, 300.0 + (k % 150) as f32);
            let out = ctx.run_ui(input(t, p), |ui| app.frame_ui(ui));
            black_box(ctx.tessellate(out.shapes, out.pixels_per_point))
        })
    });
}

fn frame(c: &mut Criterion) {
    let embedded = io::load_embedded().unwrap().atlas;
    bench_view(c, "frame embedded, city", &embedded, None);
    bench_view(c, "frame embedded, z12", &embedded, Some(12.0));
    for n in [1_000, 10_000, 100_000] {
        let atlas = synth::parks(
            &embedded,
            SynthOptions {
                features: n,
                projects: if n > 10_000 { 1 } else { 10 },
                ..SynthOptions::default()
            },
        );
        for (zoom, label) in [(None, "city"), (Some(12.0), "z12"), (Some(15.0), "z15")] {
            bench_view(
                c,
                &format!("frame {n} polygon parks, {label}"),
                &atlas,
                zoom,
            );
        }
        if n == 100_000 {
            bench_frames(
                c,
                "frame 100000 polygon parks, z12, polygons on the GPU",
                &atlas,
                Some(12.0),
                None,
                true,
            );
        }
        if n == 10_000 {
            bench_view_with(
                c,
                "frame 10000 polygon parks, city, attribute table open",
                &atlas,
                None,
                Some(Tab::Parks),
            );
        }
    }
    // The moonshot: a 100k-polygon parcel layer over the embedded parks.
    let text = synth::parcels_geojson(
        &embedded,
        SynthOptions {
            features: 100_000,
            vertices: 12,
            ..SynthOptions::default()
        },
    );
    let (parsed, _) = io::parse_geojson("parcels", text.as_bytes(), None);
    let mut with_parcels = embedded.clone();
    with_parcels.add_layer("parcels".into(), None, parsed.others);
    assert_eq!(with_parcels.others.len(), 100_000);
    for (zoom, label) in [(None, "city"), (Some(12.0), "z12"), (Some(15.0), "z15")] {
        bench_view(
            c,
            &format!("frame 100k parcel layer, {label}"),
            &with_parcels,
            zoom,
        );
    }
    bench_view_with(
        c,
        "frame 100k parcel layer, city, its attribute table open",
        &with_parcels,
        None,
        Some(Tab::Layer("parcels".into())),
    );
}

/// A million parcels (issue 21), only with `PARK_ATLAS_BENCH_1M=1`: writing and reading them
/// takes half a minute before the first sample.
fn frame_1m(c: &mut Criterion) {
    if std::env::var_os("PARK_ATLAS_BENCH_1M").is_none() {
        return;
    }
    let embedded = io::load_embedded().unwrap().atlas;
    let text = synth::parcels_geojson(
        &embedded,
        SynthOptions {
            features: 1_000_000,
            vertices: 12,
            ..SynthOptions::default()
        },
    );
    let (parsed, _) = io::parse_geojson("parcels", text.as_bytes(), None);
    drop(text);
    let mut with_parcels = embedded.clone();
    with_parcels.add_layer("parcels".into(), None, parsed.others);
    assert_eq!(with_parcels.others.len(), 1_000_000);
    for (zoom, label) in [(None, "city"), (Some(12.0), "z12"), (Some(15.0), "z15")] {
        bench_view(
            c,
            &format!("frame 1M parcel layer, {label}"),
            &with_parcels,
            zoom,
        );
    }
    // A new zoom level: the shapes of the region a 1280×800 view at the centre keeps (the
    // view grown by half its size on each side), built on both cores, and its representatives.
    use park_atlas::map::shapes::{REPRESENTATIVE_CELL, ShapeCache, ShapeKey, region_of};
    let features = &with_parcels.others;
    let layers = [std::ops::Range {
        start: 0,
        end: features.len(),
    }];
    let origin = walkers::Position::new(CENTRE.0, CENTRE.1);
    let mut g = c.benchmark_group("1M parcel layer, a new zoom level");
    g.sample_size(10);
    for level in [12, 13, 14] {
        let lon_px = 360.0 / (256.0 * 2f64.powi(level));
        let lat_px = lon_px * CENTRE.1.to_radians().cos();
        let (w, h) = (1280.0 * lon_px, 800.0 * lat_px);
        let key = ShapeKey {
            generation: 1,
            level,
            gcj: false,
            region: Some(region_of([
                CENTRE.0 - w,
                CENTRE.1 - h,
                CENTRE.0 + w,
                CENTRE.1 + h,
            ])),
        };
        g.bench_function(format!("zoom {level}"), |b| {
            b.iter(|| {
                let stop = std::sync::atomic::AtomicBool::new(false);
                let cache = ShapeCache::build_flat_parallel(features, key, origin, &stop);
                black_box(cache.representatives(&layers, REPRESENTATIVE_CELL).len())
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = frame, frame_1m
}
criterion_main!(benches);
