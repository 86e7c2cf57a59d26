//! The planner tools in the window — layers, attribute table, measure, county choropleth —
//! driven through real input (clicks at map positions, keys) with egui_kittest.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use egui::Modifiers;
use egui_kittest::kittest::Queryable;
use park_atlas::command::Command;
use walkers::Position;

use common::*;

/// Writes a one-polygon GeoJSON file (a square of `size` degrees at lon/lat) with a `name`.
fn square_file(dir: &Path, file: &str, name: &str, lon: f64, lat: f64, size: f64) -> PathBuf {
    let path = dir.join(file);
    let (x2, y2) = (lon + size, lat + size);
    std::fs::write(
        &path,
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"{name}"}},"geometry":{{"type":"Polygon","coordinates":[[[{lon},{lat}],[{x2},{lat}],[{x2},{y2}],[{lon},{y2}],[{lon},{lat}]]]}}}}]}}"#
        ),
    )
    .unwrap();
    path
}

fn click_label(h: &mut egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

#[test]
fn layers_are_listed_hidden_reordered_removed_and_remembered() {
    let dir = tempfile::tempdir().unwrap();
    // Two overlapping squares south of the city (open sea: no park in the way).
    let a = square_file(dir.path(), "zoning.geojson", "zone-A", 110.30, 21.10, 0.04);
    let b = square_file(dir.path(), "sites.geojson", "site-B", 110.31, 21.11, 0.02);
    let mut h = harness(english());
    h.get_by_label_contains("Open a GeoJSON file");
    h.state_mut().queue_files(vec![a.clone(), b.clone()]);
    h.run();
    wait_loaded(&mut h);
    h.get_by_label("Layers (2)");
    h.get_by_label("zoning.geojson");
    h.get_by_label("sites.geojson");
    assert_eq!(h.get_all_by_label("1 features").count(), 2);

    // A click where both overlap identifies the top layer's feature (the last opened).
    let frame = h.state().map.last.unwrap();
    let both = frame.screen_pos(Position::new(110.32, 21.12));
    click_at(&mut h, both, Modifiers::NONE);
    h.get_by_label("site-B");

    // Hidden: the click reaches the layer below.
    click_label(&mut h, "sites.geojson");
    assert!(!h.state().atlas.layers[1].style.visible);
    click_at(&mut h, both, Modifiers::NONE);
    h.get_by_label("zone-A");
    click_label(&mut h, "sites.geojson");

    // Order: move zoning up (the panel lists the top first, so its ↑ is the second).
    let up: Vec<_> = h.get_all_by_label("↑").collect();
    assert_eq!(up.len(), 2);
    up[1].click();
    h.run();
    assert_eq!(h.state().atlas.layers[1].name, "zoning.geojson");
    click_at(&mut h, both, Modifiers::NONE);
    h.get_by_label("zone-A");

    // Remembered by path with its look.
    let saved = h.state().state.clone();
    let paths: Vec<&Path> = saved.layers.iter().map(|l| l.path.as_path()).collect();
    assert_eq!(paths, [b.as_path(), a.as_path()]);

    // Remove the top layer (zoning): its feature goes, the other one stays clickable.
    h.get_all_by_label("×").next().unwrap().click();
    h.run();
    h.get_by_label("Layers (1)");
    assert!(h.query_by_label("zoning.geojson").is_none());
    assert_eq!(h.state().atlas.others.len(), 1);
    click_at(&mut h, both, Modifiers::NONE);
    h.get_by_label("site-B");

    // The next run reads the remembered layers again; a file that is gone is reported once.
    std::fs::remove_file(&a).unwrap();
    let mut h2 = harness(Some(saved));
    wait_loaded(&mut h2);
    h2.get_by_label("Layers (1)");
    h2.get_by_label("sites.geojson");
    h2.get_by_label_contains("Layers not found");
    h2.get_by_label_contains("zoning.geojson");
    assert_eq!(h2.state().state.layers.len(), 1);
}

#[test]
fn a_layer_leaves_the_parks_and_zoom_to_layer_fits_it() {
    let dir = tempfile::tempdir().unwrap();
    let far = square_file(dir.path(), "far.geojson", "far", 111.5, 22.5, 0.01);
    let mut h = harness(english());
    h.state_mut().push(Command::OpenPath(far));
    h.run();
    wait_loaded(&mut h);
    let parks = h.state().atlas.parks.len();
    assert_eq!(parks, 22, "a file of other features leaves the parks");
    // Back to the city, then "Zoom" on the layer brings the square into view.
    h.state_mut().push(Command::FitCity);
    h.run();
    let frame = h.state().map.last.unwrap();
    assert!(frame.zoom < 11.0);
    assert!(
        !frame
            .rect
            .contains(frame.screen_pos(Position::new(111.505, 22.505)))
    );
    click_label(&mut h, "Zoom");
    h.run();
    let frame = h.state().map.last.unwrap();
    assert!(frame.zoom > 11.0, "zoom {}", frame.zoom);
    assert!(
        frame
            .rect
            .contains(frame.screen_pos(Position::new(111.505, 22.505)))
    );
}
