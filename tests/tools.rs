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
    h.get_by_label_contains("Open a GeoJSON, GeoPackage or shapefile");
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

/// Vertical position of the first node with this label.
fn y_of(h: &egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>, label: &str) -> f32 {
    h.get_by_label(label).rect().center().y
}

/// `first` is on screen, and `second` is below it or scrolled out of view.
fn above(
    h: &egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>,
    first: &str,
    second: &str,
) -> bool {
    let y = y_of(h, first);
    h.query_by_label(second)
        .is_none_or(|n| n.rect().center().y > y)
}

/// Presses Ctrl+C and returns what the table put on the clipboard. (The text goes out as
/// egui's `CopyText` command; the harness's last output does not keep it, so the table's own
/// record of it is read.)
fn copy(h: &mut egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>) -> Option<String> {
    h.state_mut().table.copied = None;
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::C);
    h.run();
    h.state().table.copied.clone()
}

#[test]
fn the_attribute_table_sorts_selects_follows_the_map_and_copies_rows() {
    let mut h = harness(english());
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::T);
    h.run();
    h.get_by_label("Attribute table");
    h.get_by_label("Parks (22)");

    // Sort by area: the smallest known area comes first, the largest after it.
    let atlas = h.state().atlas.clone();
    let mut by_area: Vec<(f64, &str)> = atlas
        .parks
        .iter()
        .filter_map(|p| Some((p.area_km2?, p.id.as_str())))
        .collect();
    by_area.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (small, large) = (by_area[0].1, by_area[by_area.len() - 1].1);
    click_label(&mut h, "area_km2");
    h.get_by_label("area_km2 ↑");
    assert!(above(&h, small, large));
    click_label(&mut h, "area_km2 ↑");
    assert!(above(&h, large, small));
    click_label(&mut h, "area_km2 ↓");
    h.get_by_label("area_km2 ↑");

    // A click on a row selects that park and flies to it.
    click_label(&mut h, small);
    assert_eq!(selected(&h), [small]);
    let frame = h.state().map.last.unwrap();
    let p =
        geo::InteriorPoint::interior_point(atlas.park(small).unwrap().geometry.as_ref().unwrap())
            .unwrap();
    let on_screen = frame.screen_pos(Position::new(p.x(), p.y()));
    assert!(frame.rect.center().distance(on_screen) < 5.0);

    // Ctrl+C copies the selected row (header + one line, tab-separated).
    let text = copy(&mut h).expect("Ctrl+C copied the row");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("id\tname_zh\tname_en\t"));
    assert!(lines[1].starts_with(&format!("{small}\t")));
    h.run();

    // Hidden columns are neither shown nor copied.
    h.get_by_label("Columns").click();
    h.run();
    // The menu's tick box (the header has the same text).
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "name_zh")
        .click();
    h.run();
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.query_by_label_contains("name_zh").is_none());
    h.get_by_label("area_km2 ↑");

    // Selected on the map: the table scrolls to the park's row and highlights it. Take the
    // last row of the table (scrolled out of view) whose park a map click selects.
    h.state_mut().push(Command::FitCity);
    h.run();
    let order: Vec<String> = {
        let t = park_atlas::table::parks_table(&atlas, &(0..22).collect::<Vec<_>>(), false);
        let area = t.columns.iter().position(|c| c == "area_km2").unwrap();
        t.sorted(area, true)
            .iter()
            .map(|&r| t.rows[r][0].display())
            .collect()
    };
    let mut target = None;
    for id in order.iter().rev() {
        if h.query_by_label(id).is_some() {
            continue;
        }
        let at = park_screen_pos(&h, id);
        click_at(&mut h, at, Modifiers::NONE);
        if selected(&h) == [id.as_str()] {
            target = Some(id.clone());
            break;
        }
    }
    let target = target.expect("a park off the table's screen that a click selects");
    h.get_by_label(&target);
    click_label(&mut h, &target);
    let text = copy(&mut h).expect("copied");
    assert!(
        !text.contains("name_zh") && text.contains("name_en"),
        "{text}"
    );
    h.run();

    // The projects tab lists the shown parks' projects.
    click_label(&mut h, "Projects");
    let projects: usize = atlas.parks.iter().map(|p| p.projects.len()).sum();
    let investors = atlas
        .parks
        .iter()
        .flat_map(|p| &p.projects)
        .filter_map(|p| p.investor.as_deref())
        .next()
        .unwrap();
    assert!(projects > 20);
    h.get_all_by_label(investors).next().unwrap();
}

#[test]
fn a_layer_tab_lists_its_features_and_a_row_identifies_one() {
    let dir = tempfile::tempdir().unwrap();
    let a = square_file(dir.path(), "zoning.geojson", "zone-A", 110.30, 21.10, 0.04);
    let mut h = harness(english());
    h.state_mut().queue_files(vec![a]);
    wait_loaded(&mut h);
    h.state_mut().push(Command::ToggleTable);
    h.run();
    click_label(&mut h, "zoning.geojson (1)");
    h.get_by_label("name");
    click_label(&mut h, "zone-A");
    h.get_by_label("Feature properties");
    assert_eq!(h.state().identified, Some(0));
}

/// Two clicks one frame apart: a double click. (The harness's frames are 0.25 s apart and a
/// press and its release take one each, so egui's 0.3 s double-click window is widened.)
fn double_click_at(
    h: &mut egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>,
    pos: egui::Pos2,
) {
    h.ctx
        .options_mut(|o| o.input_options.max_double_click_delay = 0.6);
    h.event(egui::Event::PointerMoved(pos));
    for _ in 0..2 {
        for pressed in [true, false] {
            h.event(egui::Event::PointerButton {
                pos,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
        }
        h.step();
    }
    h.run();
}

fn zoomed(lon: f64, lat: f64, zoom: f64) -> Option<park_atlas::app::state::SavedState> {
    let mut s = english().unwrap();
    s.view = Some(park_atlas::app::state::View { lon, lat, zoom });
    Some(s)
}

fn screen(
    h: &egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>,
    lon: f64,
    lat: f64,
) -> egui::Pos2 {
    h.state()
        .map
        .last
        .unwrap()
        .screen_pos(Position::new(lon, lat))
}

#[test]
fn measure_distance_live_then_finished_with_esc_and_copied() {
    let mut h = harness(zoomed(110.35, 21.15, 12.0));
    click_label(&mut h, "Measure");
    click_label(&mut h, "Measure distance");
    // Two clicks 0.1° of latitude apart: 11.07 km by hand (meridian radius at 21.1°N).
    let a = screen(&h, 110.35, 21.10);
    let b = screen(&h, 110.35, 21.20);
    click_at(&mut h, a, Modifiers::NONE);
    // Live: the pointer is the line's end while drawing.
    h.hover_at(screen(&h, 110.35, 21.15));
    h.run();
    h.get_by_label("Distance: 5.54 km");
    click_at(&mut h, b, Modifiers::NONE);
    h.get_by_label("Distance: 11.07 km");
    assert!(selected(&h).is_empty(), "measuring clicks select nothing");
    h.key_press(egui::Key::Escape);
    h.run();
    // Finished: the pointer no longer counts.
    h.hover_at(screen(&h, 110.40, 21.25));
    h.run();
    h.get_by_label("Distance: 11.07 km");
    h.get_by_label_contains("Finished.");
    click_label(&mut h, "Copy");
    let copied = h.state().map.measure_copied.clone().unwrap();
    assert!(
        copied.starts_with("distance 11.07 km (2 points"),
        "{copied}"
    );
    // Esc again closes the tool; clicks select parks again.
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.state().map.measure.is_none());
    assert!(h.query_by_label_contains("Distance:").is_none());
}

#[test]
fn measure_area_ends_with_a_double_click() {
    let mut h = harness(zoomed(110.35, 21.15, 12.0));
    click_label(&mut h, "Measure");
    click_label(&mut h, "Measure area");
    // A 0.1° × 0.1° cell, 21.1°–21.2°N: by hand at 21.15°N, 0.1° of latitude = M·0.1° =
    // 11,071.9 m and 0.1° of longitude = N·cos φ·0.1° = 10,386.6 m: 115.00 km², perimeter
    // 2 × (11,071.9 + 10,386.6) m = 42.92 km.
    for (lon, lat) in [(110.30, 21.10), (110.40, 21.10), (110.40, 21.20)] {
        let p = screen(&h, lon, lat);
        click_at(&mut h, p, Modifiers::NONE);
    }
    h.get_by_label_contains("Area: ");
    let last = screen(&h, 110.30, 21.20);
    double_click_at(&mut h, last);
    let m = h.state().map.measure.clone().unwrap();
    assert!(m.finished, "a double click ends the polygon: {m:?}");
    assert_eq!(m.points.len(), 4, "the double click adds no extra point");
    h.get_by_label("Area: 115.00 km² (11500 ha)");
    h.get_by_label("Perimeter: 42.92 km");
}

/// A county's interior point on screen where no park is under the pointer.
fn county_spot(
    h: &mut egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>,
    adcode: &str,
) -> egui::Pos2 {
    use geo::InteriorPoint;
    let atlas = h.state().atlas.clone();
    let c = atlas.county(adcode).unwrap();
    let p = c.geometry.as_ref().unwrap().interior_point().unwrap();
    let pos = screen(h, p.x(), p.y());
    h.hover_at(pos);
    h.run();
    assert!(
        h.state().map.hovered.is_none(),
        "a park under {adcode}'s centre"
    );
    pos
}

#[test]
fn counties_coloured_by_parks_follow_the_filters_and_show_their_numbers_on_hover() {
    let mut h = harness(english());
    click_label(&mut h, "Colour counties");
    click_label(&mut h, "Parks shown");
    let spec = h.state().state.choropleth.clone().unwrap();
    assert_eq!(spec.metric, park_atlas::choropleth::Metric::Parks);
    // Xuwen (440825): the parks that list it, counted here from the data.
    let atlas = h.state().atlas.clone();
    let count = |pred: &dyn Fn(&park_atlas::model::Park) -> bool| {
        atlas
            .parks
            .iter()
            .filter(|p| p.county_adcodes.iter().any(|a| a == "440825") && pred(p))
            .count()
    };
    let all = count(&|_| true);
    assert!(all >= 1);
    county_spot(&mut h, "440825");
    h.get_by_label("Xuwen County");
    h.get_by_label(&format!("Parks shown: {all}"));
    let hovered = h.state().map.hovered_county.clone().unwrap();
    assert_eq!(atlas.counties[hovered.0].adcode, "440825");

    // Filter to green steel: the counts follow.
    let mut f = h.state().state.filter.clone();
    f.clusters.insert("green_steel".into());
    h.state_mut().push(Command::SetFilter(f));
    h.run();
    let steel = count(&|p| p.clusters.iter().any(|c| c == "green_steel"));
    county_spot(&mut h, "440825");
    h.get_by_label(&format!("Parks shown: {steel}"));
    assert_ne!(steel, all);

    // Classing by natural breaks; then off.
    click_label(&mut h, "Colour counties");
    click_label(&mut h, "Natural breaks (Jenks)");
    assert_eq!(
        h.state().state.choropleth.as_ref().unwrap().classing,
        park_atlas::choropleth::Classing::NaturalBreaks
    );
    h.key_press(egui::Key::Escape);
    h.run();
    click_label(&mut h, "Colour counties");
    click_label(&mut h, "None");
    assert!(h.state().state.choropleth.is_none());
    county_spot(&mut h, "440825");
    assert!(h.state().map.hovered_county.is_none());
}

#[test]
fn counties_coloured_by_a_layer_property_sum() {
    let dir = tempfile::tempdir().unwrap();
    // Three parcels: two in Xuwen (jobs 120 + 30), one in Chikan (7).
    let atlas = park_atlas::io::load_embedded().unwrap().atlas;
    let centre = |adcode: &str| {
        use geo::InteriorPoint;
        let p = atlas
            .county(adcode)
            .unwrap()
            .geometry
            .as_ref()
            .unwrap()
            .interior_point()
            .unwrap();
        (p.x(), p.y())
    };
    let feature = |(x, y): (f64, f64), jobs: u32| {
        format!(
            r#"{{"type":"Feature","properties":{{"jobs":{jobs}}},"geometry":{{"type":"Point","coordinates":[{x},{y}]}}}}"#
        )
    };
    let path = dir.path().join("jobs.geojson");
    std::fs::write(
        &path,
        format!(
            r#"{{"type":"FeatureCollection","features":[{},{},{}]}}"#,
            feature(centre("440825"), 120),
            feature((centre("440825").0 + 0.01, centre("440825").1), 30),
            feature(centre("440802"), 7)
        ),
    )
    .unwrap();
    let mut h = harness(english());
    h.state_mut().queue_files(vec![path]);
    wait_loaded(&mut h);
    h.state_mut().push(Command::FitCity);
    h.run();
    click_label(&mut h, "Colour counties");
    click_label(&mut h, "Sum of jobs (jobs.geojson)");
    county_spot(&mut h, "440825");
    h.get_by_label("jobs (sum · jobs.geojson): 150");
    county_spot(&mut h, "440883");
    h.get_by_label("jobs (sum · jobs.geojson): no data");
}

#[test]
fn the_window_saves_the_current_view_as_png_and_svg_and_a_brief_of_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(zoomed(110.40, 21.15, 11.0));
    // PNG at 2× the map's size on screen.
    click_label(&mut h, "Save…");
    click_label(&mut h, "Map image, PNG 2×…");
    let png = dir.path().join("view.png");
    h.state_mut().dialogs.save.as_mut().unwrap().path = png.display().to_string();
    // The file is written on a worker: frames go on (with a spinner) until it is done.
    h.get_by_label("Save").click();
    h.step();
    wait_written(&mut h);
    let bytes = std::fs::read(&png).expect("the PNG was written");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let map_w = h.state().map.last.unwrap().rect.width();
    assert_eq!(width, (map_w * 2.0) as u32);
    assert!(h.state().dialogs.save.is_none());
    h.get_by_label_contains("Saved: ");

    // SVG of the same view: only the counties in view are named... and the title counts the
    // parks shown (nothing is selected).
    click_label(&mut h, "Save…");
    click_label(&mut h, "Map image, SVG…");
    let svg = dir.path().join("view.svg");
    h.state_mut().dialogs.save.as_mut().unwrap().path = svg.display().to_string();
    // The file is written on a worker: frames go on (with a spinner) until it is done.
    h.get_by_label("Save").click();
    h.step();
    wait_written(&mut h);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("Zhanjiang industrial parks · 22 parks"));

    // The same with every text as outlines (for readers without a Chinese font).
    click_label(&mut h, "Save…");
    click_label(&mut h, "Map image, SVG with text as outlines…");
    let outlined = dir.path().join("outlined.svg");
    assert!(
        h.state()
            .dialogs
            .save
            .as_ref()
            .unwrap()
            .path
            .ends_with("park-atlas-map-outlined.svg")
    );
    h.state_mut().dialogs.save.as_mut().unwrap().path = outlined.display().to_string();
    h.get_by_label("Save").click();
    h.step();
    wait_written(&mut h);
    let outlined = std::fs::read_to_string(&outlined).unwrap();
    assert!(outlined.starts_with("<svg") && !outlined.contains("<text"));
    assert!(!outlined.contains("Zhanjiang industrial parks"));

    // The brief needs a selection; then it is a PDF naming the park.
    click_label(&mut h, "Save…");
    click_label(&mut h, "Brief of selection (PDF)…");
    assert!(
        h.state().dialogs.save.is_none(),
        "disabled without a selection"
    );
    h.key_press(egui::Key::Escape);
    h.run();
    h.state_mut().push(Command::Select("xuwen_port".into()));
    h.run();
    click_label(&mut h, "Save…");
    click_label(&mut h, "Brief of selection (PDF)…");
    let pdf = dir.path().join("brief.pdf");
    h.state_mut().dialogs.save.as_mut().unwrap().path = pdf.display().to_string();
    // The file is written on a worker: frames go on (with a spinner) until it is done.
    h.get_by_label("Save").click();
    h.step();
    wait_written(&mut h);
    let out = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let name = h
        .state()
        .atlas
        .park("xuwen_port")
        .unwrap()
        .name_en
        .clone()
        .unwrap();
    assert!(text.contains(&name), "{text}");
}

#[test]
fn a_geopackage_opened_in_the_window_is_a_layer_whose_features_identify() {
    let dir = tempfile::tempdir().unwrap();
    let a = park_atlas::io::load_embedded().unwrap().atlas;
    let all: Vec<&park_atlas::model::Park> = a.parks.iter().collect();
    let path = dir.path().join("exported.gpkg");
    park_atlas::io::export_parks(&a, &all, &path).unwrap();
    let mut h = harness(english());
    h.state_mut().push(Command::OpenPath(path));
    h.run();
    wait_loaded(&mut h);
    assert_eq!(h.state().atlas.parks.len(), 22, "the parks stay");
    h.get_by_label("exported.gpkg");
    h.get_by_label("22 features");
    assert!(
        h.state()
            .status
            .as_ref()
            .unwrap()
            .text
            .contains("22 other features")
    );
    // The two attribute tables are reported as not opened, in the problems window.
    let problems = &h.state().dialogs.problems.as_ref().unwrap().problems;
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("\"projects\" has no geometry")),
        "{problems:?}"
    );
    h.get_by_label_contains("\"targets\" has no geometry");
    // Its columns are the table's; a row identifies its feature.
    h.state_mut().push(Command::CloseDialogs);
    h.state_mut().push(Command::ToggleTable);
    h.run();
    click_label(&mut h, "exported.gpkg (22)");
    h.get_by_label("name_zh");
    h.get_by_label("county_adcodes");
    h.get_all_by_label(&a.parks[0].id).next().unwrap().click();
    h.run();
    h.get_by_label("Feature properties");
    assert!(h.state().identified.is_some());
}
