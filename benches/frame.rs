//! One full frame of the window, headless: the UI pass (`run_ui`) plus tessellation, at
//! 1280×800 on the embedded Zhanjiang data, city-wide and zoomed in on Donghai Island.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Event, Pos2, RawInput, Rect, Vec2};
use park_atlas::app::ParkAtlasApp;
use park_atlas::app::state::{STATE_VERSION, SavedState, View};
use park_atlas::io;

fn input(t: f64, pointer: Pos2) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1280.0, 800.0))),
        time: Some(t),
        events: vec![Event::PointerMoved(pointer)],
        ..RawInput::default()
    }
}

fn bench_view(c: &mut Criterion, name: &str, view: Option<View>) {
    let atlas = io::load_embedded().unwrap().atlas;
    let saved = SavedState {
        version: STATE_VERSION,
        view,
        ..SavedState::default()
    };
    let mut app = ParkAtlasApp::with_atlas(atlas, Some(saved));
    let ctx = egui::Context::default();
    park_atlas::ui::fonts::install(&ctx);
    // Warm up: fonts, layout, the fit-to-city frames and the mesh caches.
    let mut t = 0.0;
    for _ in 0..6 {
        t += 0.016;
        let out = ctx.run_ui(input(t, Pos2::new(600.0, 400.0)), |ui| app.frame_ui(ui));
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
    }
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
    bench_view(c, "frame 1280x800, whole city (run_ui + tessellate)", None);
    bench_view(
        c,
        "frame 1280x800, zoomed in on Donghai Island (z12)",
        Some(View {
            lon: 110.45,
            lat: 21.04,
            zoom: 12.0,
        }),
    );
}

criterion_group!(benches, frame);
criterion_main!(benches);
