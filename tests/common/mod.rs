//! Helpers the window tests share: a harness on the embedded data, clicks at map positions,
//! waiting for background loads.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use park_atlas::app::ParkAtlasApp;
use park_atlas::app::state::{STATE_VERSION, SavedState};
use park_atlas::i18n::Lang;
use park_atlas::io;
use walkers::Position;

pub mod pg;

pub fn english() -> Option<SavedState> {
    Some(SavedState {
        version: STATE_VERSION,
        lang: Lang::En,
        ..SavedState::default()
    })
}

pub fn harness(saved: Option<SavedState>) -> Harness<'static, ParkAtlasApp> {
    harness_with(io::load_embedded().unwrap().atlas, saved)
}

pub fn harness_with(
    atlas: park_atlas::Atlas,
    saved: Option<SavedState>,
) -> Harness<'static, ParkAtlasApp> {
    let app = ParkAtlasApp::with_atlas(atlas, saved);
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(16)
        .with_context_setup(|ctx| {
            park_atlas::ui::fonts::install(ctx);
            ctx.set_theme(egui::Theme::Light);
        })
        .build_ui_state(|ui, app: &mut ParkAtlasApp| app.frame_ui(ui), app);
    h.run();
    h
}

/// Screen position of a park's first point in the last frame.
pub fn park_screen_pos(h: &Harness<'_, ParkAtlasApp>, id: &str) -> Pos2 {
    let app = h.state();
    let frame = app.map.last.expect("the map was drawn");
    let p = app.atlas.park(id).unwrap();
    let c = geo::CoordsIter::coords_iter(p.geometry.as_ref().unwrap())
        .next()
        .unwrap();
    frame.screen_pos(Position::new(c.x, c.y))
}

pub fn click_at(h: &mut Harness<'_, ParkAtlasApp>, pos: Pos2, modifiers: Modifiers) {
    h.event(Event::PointerMoved(pos));
    h.event_modifiers(
        Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed: true,
            modifiers,
        },
        modifiers,
    );
    h.event_modifiers(
        Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed: false,
            modifiers,
        },
        modifiers,
    );
    h.run();
}

/// Runs frames while `busy` says the app works in the background (at most 60 s), then settles.
fn wait_while(h: &mut Harness<'_, ParkAtlasApp>, busy: fn(&ParkAtlasApp) -> bool, what: &str) {
    let start = std::time::Instant::now();
    while busy(h.state()) {
        assert!(start.elapsed().as_secs() < 60, "{what} never finished");
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    h.run();
}

/// Runs frames until a background load has finished.
pub fn wait_loaded(h: &mut Harness<'_, ParkAtlasApp>) {
    wait_while(h, ParkAtlasApp::is_loading, "the load");
}

/// Runs frames until a background export, map image or brief is written.
pub fn wait_written(h: &mut Harness<'_, ParkAtlasApp>) {
    wait_while(h, ParkAtlasApp::is_exporting, "the writing");
}

pub fn selected(h: &Harness<'_, ParkAtlasApp>) -> Vec<String> {
    h.state().state.selection.ids().map(str::to_owned).collect()
}

/// Every string (and key) in a JSON value, appended to `out`.
pub fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out);
        }),
        _ => {}
    }
}

/// Runs GDAL's ogr2ogr (files written by another tool for the readers' tests); it must succeed.
pub fn ogr2ogr(args: &[&str]) {
    let out = std::process::Command::new("ogr2ogr")
        .args(args)
        .output()
        .expect("ogr2ogr (gdal-bin) is needed: scripts/setup-debian.sh --ci installs it");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
