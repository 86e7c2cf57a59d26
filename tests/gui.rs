//! The window, driven headless through egui_kittest and its accessibility tree: what a user
//! clicks, types and sees.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;

use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use park_atlas::app::ParkAtlasApp;
use park_atlas::app::state::{STATE_VERSION, SavedState};
use park_atlas::i18n::Lang;
use park_atlas::io;
use walkers::Position;

mod common;
use common::*;

#[test]
fn the_window_opens_on_the_whole_city() {
    let h = harness(None);
    let app = h.state();
    let frame = app.map.last.unwrap();
    // Every county is inside the map rectangle.
    let bounds = park_atlas::map::city_bounds(&app.atlas).unwrap();
    for corner in [
        (bounds.min().x, bounds.min().y),
        (bounds.max().x, bounds.max().y),
    ] {
        let p = frame.screen_pos(Position::new(corner.0, corner.1));
        assert!(
            frame.rect.expand(1.0).contains(p),
            "{corner:?} at {p:?} is outside {:?}",
            frame.rect
        );
    }
    // Chinese is the default language, and the glyphs exist (the harness panics on tofu).
    h.get_by_label("筛选");
    h.get_by_label("全市概况");
}

#[test]
fn clicking_a_park_selects_it_and_the_details_show_its_projects() {
    let mut h = harness(english());
    let pos = park_screen_pos(&h, "lianjiang_htz");
    click_at(&mut h, pos, Modifiers::NONE);
    assert_eq!(selected(&h), ["lianjiang_htz"]);
    // The details panel: its name, a signed project, the approximate-location note.
    // As the heading of the details panel (and in the park list when its row is scrolled
    // into view: the list lays out only the rows on screen).
    assert!(h.get_all_by_label("Zhanjiang Lianjiang High-tech Zone (former Lianjiang Economic Development Zone; incl. Foshan Shunde (Lianjiang) Industrial Transfer Park)").count() >= 1);
    h.get_by_label("Guangdong Meiwang Electric");
    h.get_by_label_contains("approximate location, within about 4 km");

    // Ctrl-click adds a second park; a click on empty sea clears.
    let pos = park_screen_pos(&h, "xuwen_port");
    click_at(&mut h, pos, Modifiers::CTRL);
    assert_eq!(selected(&h), ["lianjiang_htz", "xuwen_port"]);
    h.get_by_label_contains("Selected parks (2)");
    // Open sea in the bottom-right corner of the map (clear of the attribution line).
    let sea = h.state().map.last.unwrap().rect.right_bottom() + egui::vec2(-40.0, -60.0);
    click_at(&mut h, sea, Modifiers::NONE);
    assert!(selected(&h).is_empty());
    // Escape clears too.
    let pos = park_screen_pos(&h, "lianjiang_htz");
    click_at(&mut h, pos, Modifiers::NONE);
    h.key_press(Key::Escape);
    h.run();
    assert!(selected(&h).is_empty());
}

#[test]
fn ticking_green_petrochemicals_leaves_the_expected_parks() {
    let mut h = harness(english());
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "Green petrochemicals")
        .click();
    h.run();
    let expected: BTreeSet<&str> = [
        "zj_large_agglomeration_zone",
        "zhanjiang_etdz",
        "zhanjiang_industrial_transfer_park_donghai",
        "zhongke_refinery",
        "basf_zhanjiang_verbund",
        "leizhou_wushi",
        "xiashan_lingang_park",
    ]
    .into();
    let app = h.state();
    let shown: BTreeSet<&str> = app
        .shown()
        .iter()
        .map(|&i| app.atlas.parks[i].id.as_str())
        .collect();
    assert_eq!(shown, expected);
    // The list shows exactly those names.
    h.get_by_label_contains("Parks shown (7 / 22)");
    for id in &expected {
        let name = h.state().atlas.park(id).unwrap().name(false).to_owned();
        h.get_by_label(&name);
    }
    assert!(
        h.query_by_label("Guangdong Lianjiang Nuclear Power Project, phase 1")
            .is_none()
    );
}

#[test]
fn select_all_shown_then_export_writes_exactly_the_filtered_parks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("petro.geojson");
    let mut h = harness(english());
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "Green petrochemicals")
        .click();
    h.run();
    h.get_by_label("Select all shown").click();
    h.run();
    assert_eq!(selected(&h).len(), 7);
    h.get_by_label("Export selected… (7)").click();
    h.run();
    let field = h.get_by_label("File");
    field.focus();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("File").type_text(out.to_str().unwrap());
    h.run();
    h.get_by_label("Export").click();
    h.run();
    let text = std::fs::read_to_string(&out).expect("the export was written");
    let (parsed, problems) = io::parse_geojson("petro.geojson", text.as_bytes(), None);
    assert!(problems.is_empty(), "{problems:#?}");
    let written: BTreeSet<String> = parsed.parks.iter().map(|p| p.id.clone()).collect();
    let app = h.state();
    let filtered: BTreeSet<String> = app
        .shown()
        .iter()
        .map(|&i| app.atlas.parks[i].id.clone())
        .collect();
    assert_eq!(written, filtered);
    h.get_by_label_contains("Wrote");
}

#[test]
fn export_is_disabled_with_nothing_selected_and_ctrl_e_says_why() {
    let mut h = harness(english());
    assert!(
        h.get_by_label("Export selected… (0)")
            .accesskit_node()
            .is_disabled()
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    h.get_by_label_contains("Select parks first");
    assert!(h.query_by_label("Browse…").is_none());
}

#[test]
fn the_language_switch_changes_visible_labels() {
    let mut h = harness(None);
    h.get_by_label("筛选");
    h.get_by_label("English").click();
    h.run();
    h.get_by_label("Filters");
    h.get_by_label("City overview");
    assert!(h.query_by_label("筛选").is_none());
    assert_eq!(h.state().state.lang, Lang::En);
    h.get_by_label("中文").click();
    h.run();
    h.get_by_label("筛选");
}

#[test]
fn opening_a_bad_file_shows_the_error_and_keeps_the_data() {
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad_amount.geojson");
    let mut h = harness(english());
    h.get_by_label("Open data…").click();
    h.run();
    h.get_by_label("File").focus();
    h.get_by_label("File").type_text(bad.to_str().unwrap());
    h.run();
    h.get_by_label("Open").click();
    h.run();
    wait_loaded(&mut h);
    h.get_by_label("Problems in the data");
    h.get_by_label("The data on screen was kept.");
    h.get_by_label_contains("projects[1].amount: expected an investment amount");
    assert_eq!(h.state().atlas.parks.len(), 22);
    assert!(
        h.state()
            .atlas
            .park("lianjiang_htz")
            .unwrap()
            .projects
            .len()
            == 3
    );
}

#[test]
fn opening_a_good_parks_file_replaces_the_parks() {
    let dir = tempfile::tempdir().unwrap();
    let atlas = io::load_embedded().unwrap().atlas;
    let two: Vec<_> = atlas
        .parks
        .iter()
        .filter(|p| p.id == "lianjiang_nuclear" || p.id == "lianjiang_htz")
        .collect();
    let file = dir.path().join("two.geojson");
    std::fs::write(&file, io::export::geojson_string(&two).unwrap()).unwrap();
    let mut h = harness(english());
    h.state_mut()
        .push(park_atlas::command::Command::OpenPath(file));
    h.run();
    wait_loaded(&mut h);
    assert_eq!(h.state().atlas.parks.len(), 2);
    h.get_by_label_contains("Parks shown (2 / 2)");
    assert!(h.state().dialogs.problems.is_none());
}

#[test]
fn a_saved_state_is_restored_and_unknown_ids_are_dropped() {
    let mut saved = english().unwrap();
    saved
        .selection
        .extend(["basf_zhanjiang_verbund", "no_such_park"]);
    saved.filter.clusters.insert("green_petrochem".into());
    saved.view = Some(park_atlas::app::state::View {
        lon: 110.45,
        lat: 21.05,
        zoom: 12.0,
    });
    let h = harness(Some(saved));
    assert_eq!(selected(&h), ["basf_zhanjiang_verbund"]);
    let frame = h.state().map.last.unwrap();
    assert!((frame.zoom - 12.0).abs() < 1e-9);
    assert!((frame.center.x() - 110.45).abs() < 1e-6);
    // In the list and as the heading of the details panel.
    assert_eq!(h.get_all_by_label("BASF Zhanjiang Verbund site").count(), 2);
}

#[test]
fn the_projects_table_sorts_by_a_clicked_header() {
    let mut saved = english().unwrap();
    saved.selection.select_only("baosteel_zhanjiang");
    let mut h = harness(Some(saved));
    let y = |h: &Harness<'_, ParkAtlasApp>, name: &str| h.get_by_label(name).rect().min.y;
    // File order: phase 1, BF3, hydrogen furnace.
    assert!(y(&h, "Phase 1 (BF1, BF2)") < y(&h, "No. 3 blast-furnace system"));
    // Sort by year, then click again for descending: the 2018 project comes first.
    h.get_by_label("Year").click();
    h.run();
    h.get_by_label("Year ↑").click();
    h.run();
    h.get_by_label("Year ↓");
    assert!(y(&h, "No. 3 blast-furnace system") < y(&h, "Phase 1 (BF1, BF2)"));
}

#[test]
fn every_character_of_the_embedded_data_has_a_glyph() {
    use park_atlas::io::dataset::embedded;
    let mut texts = Vec::new();
    for file in [embedded::PARKS, embedded::CLUSTERS, embedded::CITYWIDE] {
        strings(&serde_json::from_str(file).unwrap(), &mut texts);
    }
    let counties: serde_json::Value = serde_json::from_str(embedded::COUNTIES).unwrap();
    for f in counties["features"].as_array().unwrap() {
        strings(&f["properties"], &mut texts);
    }
    // One label per distinct character: the harness panics on any character no font can draw.
    let chars: BTreeSet<char> = texts
        .iter()
        .flat_map(|t| t.chars())
        .filter(|c| !c.is_control())
        .collect();
    assert!(chars.len() > 500, "{} distinct characters", chars.len());
    let line: String = chars.iter().collect();
    let mut h = Harness::builder()
        .with_size([1200.0, 4000.0])
        .with_context_setup(park_atlas::ui::fonts::install)
        .build_ui(move |ui| {
            ui.label(&line);
        });
    h.run();
}

#[test]
fn on_amap_tiles_parks_are_drawn_and_hit_in_gcj02_but_stay_wgs84() {
    let mut saved = english().unwrap();
    saved.view = Some(park_atlas::app::state::View {
        lon: 110.2600,
        lat: 21.6600,
        zoom: 14.0,
    });
    let mut h = harness(Some(saved));
    let wgs_pos = park_screen_pos(&h, "lianjiang_htz");
    h.state_mut().fetch_options.cache = None;
    // Never AMap's real servers: a local port that refuses (the tiles fail, the shift stays).
    h.state_mut().fetch_options.url_template = Some("http://127.0.0.1:9/{z}/{x}/{y}.png".into());
    h.state_mut()
        .push(park_atlas::command::Command::SetBasemap(Some(
            park_atlas::map::tiles::TileSource::Amap,
        )));
    h.run();
    let frame = h.state().map.last.unwrap();
    assert!(frame.gcj);
    let gcj_pos = park_screen_pos(&h, "lianjiang_htz");
    // About 500 m at zoom 14: tens of pixels.
    assert!(
        (gcj_pos - wgs_pos).length() > 20.0,
        "{wgs_pos:?} → {gcj_pos:?}"
    );
    // A click where the marker is drawn now selects it; where it was drawn before, nothing.
    click_at(&mut h, wgs_pos, Modifiers::NONE);
    assert!(selected(&h).is_empty());
    click_at(&mut h, gcj_pos, Modifiers::NONE);
    assert_eq!(selected(&h), ["lianjiang_htz"]);
    // The data itself did not move: an export holds the WGS-84 point.
    let p = h.state().atlas.park("lianjiang_htz").unwrap();
    let c = geo::CoordsIter::coords_iter(p.geometry.as_ref().unwrap())
        .next()
        .unwrap();
    assert_eq!((c.x, c.y), (110.26, 21.66));
}

#[test]
fn a_hanging_tile_server_does_not_stall_the_window() {
    // A server that accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().take(64) {
            held.push(conn);
        }
        std::thread::sleep(std::time::Duration::from_secs(30));
    });
    let mut h = harness(english());
    h.state_mut().fetch_options.cache = None;
    let source = park_atlas::map::tiles::TileSource::Xyz {
        template: format!("http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"),
        attribution: "hanging test server".into(),
    };
    h.state_mut()
        .push(park_atlas::command::Command::SetBasemap(Some(source)));
    let started = std::time::Instant::now();
    h.run();
    let status = h.state().map.tiles.as_ref().unwrap().status.clone();
    assert!(
        status.visible > 0 && status.pending == status.visible,
        "{status:?}"
    );
    // The window keeps answering while every tile hangs.
    let pos = park_screen_pos(&h, "lianjiang_htz");
    click_at(&mut h, pos, Modifiers::NONE);
    assert_eq!(selected(&h), ["lianjiang_htz"]);
    h.get_by_label("中文").click();
    h.run();
    h.get_by_label("筛选");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "frames waited for the network"
    );
}

/// Serves a 500 for the first request of every tile, then a PNG.
fn flaky_tile_server() -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let img = image::RgbaImage::from_pixel(256, 256, image::Rgba([240, 200, 40, 255]));
        let mut png = std::io::Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let png = png.into_inner();
        let mut seen = std::collections::HashSet::new();
        for conn in listener.incoming().take(400) {
            let Ok(mut conn) = conn else { continue };
            let mut buf = [0u8; 2048];
            let n = conn.read(&mut buf).unwrap_or(0);
            let path = String::from_utf8_lossy(&buf[..n])
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_owned();
            let (status, body) = if seen.insert(path) {
                ("500 Internal Server Error", b"no".to_vec())
            } else {
                ("200 OK", png.clone())
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(&body);
        }
    });
    port
}

#[test]
fn failed_tiles_are_retried_and_then_shown() {
    let cache = tempfile::tempdir().unwrap();
    let port = flaky_tile_server();
    let mut h = harness(english());
    h.state_mut().fetch_options.cache = Some(park_atlas::map::tiles::TileCache {
        dir: cache.path().to_owned(),
        limit_bytes: 64 << 20,
    });
    let source = park_atlas::map::tiles::TileSource::Xyz {
        template: format!("http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"),
        attribution: "flaky test server".into(),
    };
    h.state_mut()
        .push(park_atlas::command::Command::SetBasemap(Some(source)));
    h.run();
    let t = std::time::Instant::now();
    let mut saw_failures = false;
    loop {
        std::thread::sleep(std::time::Duration::from_millis(100));
        h.step();
        let s = h.state().map.tiles.as_ref().unwrap().status.clone();
        saw_failures |= s.failed > 0;
        if s.visible > 0 && s.loaded == s.visible {
            break;
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(15),
            "tiles never arrived: {s:?}"
        );
    }
    assert!(
        saw_failures,
        "the first answers were errors, shown as failed tiles"
    );
    assert!(
        park_atlas::map::tile_status_text(&h.state().map.tiles.as_ref().unwrap().status, Lang::En)
            .is_none()
    );
}

#[test]
fn a_pmtiles_file_can_be_chosen_in_the_basemap_menu() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pack.pmtiles");
    let mut pm = pmtiles2::PMTiles::new(pmtiles2::TileType::Png, pmtiles2::Compression::None);
    let img = image::RgbaImage::from_pixel(256, 256, image::Rgba([1, 2, 3, 255]));
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    pm.add_tile(pmtiles2::util::tile_id(9, 412, 225), png.into_inner())
        .unwrap();
    pm.to_writer(&mut std::fs::File::create(&path).unwrap())
        .unwrap();

    let mut h = harness(english());
    h.get_by_label("Basemap").click();
    h.run();
    h.get_by_label("Tiles folder…").click();
    h.run();
    h.get_by_label("Folder").focus();
    h.get_by_label("Folder").type_text(path.to_str().unwrap());
    h.run();
    h.get_by_label("Apply").click();
    h.run();
    assert_eq!(
        h.state().state.basemap,
        Some(park_atlas::map::tiles::TileSource::PmTiles(path.clone()))
    );
    assert!(h.state().map.tiles.is_some());

    // A folder that is not a tiles folder is refused and the basemap stays.
    h.get_by_label("Basemap").click();
    h.run();
    h.get_by_label("Tiles folder…").click();
    h.run();
    h.get_by_label("Folder").focus();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Folder")
        .type_text(dir.path().join("empty").to_str().unwrap());
    h.run();
    h.get_by_label("Apply").click();
    h.run();
    assert_eq!(
        h.state().state.basemap,
        Some(park_atlas::map::tiles::TileSource::PmTiles(path))
    );
    h.get_by_label_contains("empty");
}

/// Every accessible node's rectangle, for layout checks.
fn node_rects(h: &Harness<'_, ParkAtlasApp>) -> Vec<(egui::Rect, String)> {
    h.root()
        .children_recursive()
        .filter_map(|n| {
            let b = n.accesskit_node().raw_bounds()?;
            let r = egui::Rect::from_min_max(
                egui::pos2(b.x0 as f32, b.y0 as f32),
                egui::pos2(b.x1 as f32, b.y1 as f32),
            );
            Some((r, n.accesskit_node().label().unwrap_or_default()))
        })
        .collect()
}

#[test]
fn the_details_panel_never_spills_out_of_the_window() {
    let atlas = io::load_embedded().unwrap().atlas;
    let ids: Vec<String> = atlas.parks.iter().map(|p| p.id.clone()).collect();
    for lang in [Lang::Zh, Lang::En] {
        let mut cases: Vec<Vec<&str>> = vec![vec![]];
        cases.extend(ids.iter().map(|id| vec![id.as_str()]));
        cases.push(ids.iter().map(String::as_str).collect());
        for sel in cases {
            let mut saved = SavedState {
                version: STATE_VERSION,
                lang,
                ..SavedState::default()
            };
            saved.selection.extend(sel.iter().copied());
            let h = harness(Some(saved));
            for (r, label) in node_rects(&h) {
                assert!(
                    r.max.x <= 1280.5,
                    "{lang:?} {sel:?}: {label:?} at {r:?} leaves the window"
                );
            }
        }
    }
}

#[test]
fn enter_submits_the_export_dialog_and_its_error_stays_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(english());
    let pos = park_screen_pos(&h, "xuwen_port");
    click_at(&mut h, pos, Modifiers::NONE);
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    // A path with no known extension: the dialog stays open and says why.
    let field = h.get_by_label("File");
    field.focus();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    let bad = dir.path().join("parks.txt");
    h.get_by_label("File").type_text(bad.to_str().unwrap());
    h.run();
    h.key_press(Key::Enter);
    h.run();
    h.get_by_label_contains("Export failed: cannot tell the format");
    assert!(
        h.state().status.is_none(),
        "the error belongs to the dialog"
    );
    // A good path, submitted with Enter: written, dialog closed.
    h.get_by_label("File").focus();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    let good = dir.path().join("port.geojson");
    h.get_by_label("File").type_text(good.to_str().unwrap());
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert!(good.exists());
    assert!(h.state().dialogs.export.is_none());
    assert!(h.query_by_label("Browse…").is_none());
    // The open dialog starts clean: no export error carried over.
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run();
    assert!(h.query_by_label_contains("Export failed").is_none());
}

#[test]
fn escape_closes_every_dialog_before_it_clears_the_selection() {
    let mut h = harness(english());
    let pos = park_screen_pos(&h, "xuwen_port");
    click_at(&mut h, pos, Modifiers::NONE);
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run();
    h.get_by_label("Basemap").click();
    h.run();
    h.get_by_label("Custom XYZ…").click();
    h.run();
    assert!(h.state().dialogs.open.is_some() && h.state().dialogs.xyz.is_some());
    h.key_press(Key::Escape);
    h.run();
    assert!(!h.state().dialogs.any_open());
    assert_eq!(
        selected(&h),
        ["xuwen_port"],
        "the first Escape only closes dialogs"
    );
    h.key_press(Key::Escape);
    h.run();
    assert!(selected(&h).is_empty());
}

/// The embedded counties with two polygon parks: a big one (about 6 km across) and a small one
/// (about 150 m across, less than a marker at city zoom).
fn two_polygon_parks() -> park_atlas::Atlas {
    use park_atlas::synth::{Rng, blob};
    let mut atlas = io::load_embedded().unwrap().atlas;
    let mut rng = Rng::new(5);
    let mut park = |id: &str, lon: f64, lat: f64, radius: f64| {
        let mut p = atlas.parks[0].clone();
        p.id = id.into();
        p.name_en = Some(id.into());
        p.name_zh = Some(id.into());
        p.parent_id = None;
        p.role = park_atlas::model::Role::Park;
        p.location_accuracy_km = None;
        p.geometry = Some(blob(&mut rng, geo::Coord { x: lon, y: lat }, radius, 24).into());
        p
    };
    let big = park("big_park", 110.05, 21.35, 3000.0);
    let small = park("small_park", 110.25, 20.75, 75.0);
    atlas.parks = vec![big, small];
    atlas
}

#[test]
fn a_click_inside_a_polygon_park_selects_it() {
    let mut h = harness_with(two_polygon_parks(), english());
    // Zoom in on the big park so that its outline is far from its centre.
    let frame = h.state().map.last.unwrap();
    let centre = frame.screen_pos(Position::new(110.05, 21.35));
    h.state_mut().map.fly_to(Position::new(110.05, 21.35), 12.0);
    h.run();
    let frame = h.state().map.last.unwrap();
    let centre2 = frame.screen_pos(Position::new(110.05, 21.35));
    assert_ne!(centre, centre2);
    assert!(h.state().map.stats.shapes >= 1, "{:?}", h.state().map.stats);
    // 2 km east of the centre is inside (radius 2–3 km), far from any vertex at zoom 12.
    let inside = frame.screen_pos(Position::new(110.05 + 0.015, 21.35));
    click_at(&mut h, inside, Modifiers::NONE);
    assert_eq!(selected(&h), ["big_park"]);
    // 6 km east is outside: the selection clears.
    let outside = frame.screen_pos(Position::new(110.05 + 0.06, 21.35));
    click_at(&mut h, outside, Modifiers::NONE);
    assert!(selected(&h).is_empty());
}

#[test]
fn a_polygon_smaller_than_a_marker_is_drawn_and_clicked_as_a_marker() {
    let mut h = harness_with(two_polygon_parks(), english());
    // At city zoom the 150 m park is a marker, the 6 km one a polygon.
    let stats = h.state().map.stats;
    assert_eq!(
        (stats.visible, stats.shapes, stats.markers),
        (2, 1, 1),
        "{stats:?}"
    );
    // The marker sits inside the small polygon; clicking 3 px beside its centre hits it.
    let frame = h.state().map.last.unwrap();
    let c = frame.screen_pos(Position::new(110.25, 20.75));
    click_at(&mut h, c + egui::vec2(3.0, 0.0), Modifiers::NONE);
    assert_eq!(selected(&h), ["small_park"]);
    // Zoomed in far enough, it is a polygon again.
    h.state_mut().map.fly_to(Position::new(110.25, 20.75), 17.0);
    h.run();
    let stats = h.state().map.stats;
    assert_eq!((stats.shapes, stats.markers), (1, 0), "{stats:?}");
}

#[test]
fn frames_keep_coming_while_a_big_file_loads_and_cancel_keeps_the_old_data() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    park_atlas::synth::write_dataset(
        park_atlas::synth::SynthOptions {
            features: 4000,
            projects: 10,
            vertices: 48,
            seed: 3,
        },
        &big,
    )
    .unwrap();
    let mut h = harness(english());
    h.state_mut()
        .push(park_atlas::command::Command::OpenPath(big));
    h.run();
    assert!(h.state().is_loading(), "the load runs in the background");
    // The window keeps drawing: frames run and the progress window is there.
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Loading…");
    h.get_by_label("Cancel").click();
    h.run();
    wait_loaded(&mut h);
    assert_eq!(h.state().atlas.parks.len(), 22, "the old data stays");
    h.get_by_label_contains("Loading cancelled");
}

#[test]
fn f1_shows_every_shortcut_and_escape_closes_it() {
    let mut h = harness(english());
    h.key_press(Key::F1);
    h.run();
    h.get_by_label("Mouse and keyboard");
    h.get_by_label("Ctrl+E");
    h.get_by_label("Export the selected parks");
    h.key_press(Key::Escape);
    h.run();
    assert!(h.query_by_label("Export the selected parks").is_none());
    // In Chinese too.
    let mut h = harness(None);
    h.key_press(Key::F1);
    h.run();
    h.get_by_label("鼠标与键盘");
}

#[test]
fn the_cursor_readout_shows_where_the_pointer_is() {
    let mut h = harness(english());
    let pos = park_screen_pos(&h, "xuwen_port");
    h.event(Event::PointerMoved(pos));
    h.run();
    let text = h
        .state()
        .map
        .cursor
        .clone()
        .expect("a readout while hovering the map");
    let p = h.state().atlas.park("xuwen_port").unwrap();
    let c = geo::CoordsIter::coords_iter(p.geometry.as_ref().unwrap())
        .next()
        .unwrap();
    // Within a pixel of the park's point (about 0.002° at city zoom).
    let nums: Vec<f64> = text
        .split(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
        .filter_map(|t| t.parse().ok())
        .collect();
    assert!(
        (nums[0] - c.x).abs() < 0.003 && (nums[1] - c.y).abs() < 0.003,
        "{text}"
    );
    assert!(
        text.contains("WGS-84") && !text.contains("GCJ-02"),
        "{text}"
    );
}

#[test]
fn a_click_on_a_feature_of_an_opened_file_shows_its_properties() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("parcels.geojson");
    std::fs::write(
        &file,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"parcel":"P-0042","use":"industrial","owner":{"name":"湛江港集团","share":0.6}},"geometry":{"type":"Polygon","coordinates":[[[110.30,21.10],[110.34,21.10],[110.34,21.14],[110.30,21.14],[110.30,21.10]]]}}]}"#,
    )
    .unwrap();
    let mut h = harness(english());
    h.state_mut()
        .push(park_atlas::command::Command::OpenPath(file));
    h.run();
    wait_loaded(&mut h);
    h.run();
    let frame = h.state().map.last.unwrap();
    let inside = frame.screen_pos(Position::new(110.32, 21.12));
    click_at(&mut h, inside, Modifiers::NONE);
    h.get_by_label("Feature properties");
    h.get_by_label("P-0042");
    h.get_by_label("industrial");
    h.get_by_label_contains("湛江港集团");
    // A click elsewhere (open sea) clears it.
    let sea = frame.rect.right_bottom() + egui::vec2(-40.0, -60.0);
    click_at(&mut h, sea, Modifiers::NONE);
    assert!(h.query_by_label("P-0042").is_none());
}

#[test]
fn the_details_say_which_clusters_a_park_hosts_only_through_its_projects() {
    let mut h = harness(english());
    h.state_mut().push(park_atlas::command::Command::Select(
        "zhanjiang_etdz".into(),
    ));
    h.run();
    h.get_by_label("Also hosts, through its projects:");
    // A park whose projects all fall in its plan says nothing of the kind.
    h.state_mut()
        .push(park_atlas::command::Command::Select("xuwen_port".into()));
    h.run();
    assert!(
        h.query_by_label("Also hosts, through its projects:")
            .is_none()
    );
}

#[test]
fn the_city_overview_in_chinese_has_no_english_sentences() {
    let h = harness(None);
    // The qualifier of the 2025 value-added target, in Chinese.
    h.get_by_label_contains("超过 1300");
    assert!(h.query_by_label_contains("more than").is_none());
    assert!(h.query_by_label_contains("Parks: 1 national").is_none());
    assert!(h.query_by_label_contains("仅有英文").is_none());
}

#[test]
fn the_details_show_the_research_notes_in_the_interface_language() {
    // In Chinese (the default): the ETDZ's notes, their Chinese versions only.
    let mut h = harness(None);
    h.state_mut().push(park_atlas::command::Command::Select(
        "zhanjiang_etdz".into(),
    ));
    h.run();
    h.get_by_label_contains("1984 年经国务院批准"); // tier detail
    h.get_by_label_contains("东海岛（麻章区），以及霞山沿海的原陆上园区"); // where in the counties
    h.get_by_label_contains("2010 年与东海岛经济开发试验区合并后为 502.04 km²"); // area note
    h.get_by_label_contains("钢铁、石化、造纸为三大主导产业"); // cluster note
    h.get_by_label_contains("可信度: 中");
    h.get_by_label("说明").click(); // the location note, folded
    h.run();
    h.get_by_label_contains("今日开发区的大部分位于东海岛");
    assert!(h.query_by_label_contains("Most of today's zone").is_none());
    assert!(
        h.query_by_label_contains("approved by the State Council")
            .is_none()
    );
    // The sources: who published them, in Chinese (titles stay as published).
    h.get_by_label_contains("网易号自媒体转载（湛江园区专题）");
    assert!(h.query_by_label_contains("NetEase").is_none());
    // …and how far each can be trusted.
    h.get_by_label_contains("维基百科 (n.d.) · 可靠性: 坐标和面积可靠");
    assert!(h.query_by_label_contains("good for coordinates").is_none());
    assert!(h.query_by_label_contains("仅有英文").is_none());
    // A project's status and investor.
    h.state_mut().push(park_atlas::command::Command::Select(
        "zhanjiang_industrial_transfer_park_donghai".into(),
    ));
    h.run();
    h.get_by_label("在建（后续状态不明）");
    assert_eq!(h.query_all_by_label("多家").count(), 2);
    assert!(h.query_by_label("various").is_none());

    // A note without its Chinese is shown in English, marked.
    let i = h.state().atlas.park_index("zhanjiang_etdz").unwrap();
    std::sync::Arc::make_mut(&mut h.state_mut().atlas).parks[i]
        .extra
        .remove("notes_zh");
    h.state_mut().push(park_atlas::command::Command::Select(
        "zhanjiang_etdz".into(),
    ));
    h.run();
    h.get_by_label_contains("and their own anchor entries. (仅有英文)");

    // In English the same notes are English.
    let mut h = harness(english());
    h.state_mut().push(park_atlas::command::Command::Select(
        "zhanjiang_etdz".into(),
    ));
    h.run();
    h.get_by_label_contains("approved by the State Council in 1984");
    h.get_by_label_contains("plus original mainland zone on the Xiashan waterfront");
    h.get_by_label_contains("Confidence: medium");
    h.get_by_label_contains("Wikipedia (n.d.) · reliability: good for coordinates/area");
    assert!(h.query_by_label_contains("1984 年经国务院批准").is_none());
    // Another name a source uses: glossed in English, not the Chinese note.
    h.state_mut().push(park_atlas::command::Command::Select(
        "chikan_urban_bigdata".into(),
    ));
    h.run();
    h.get_by_label_contains("Also called: 赤坎(与霞山) 都市产业及大数据试验区 (Chikan");
    assert!(h.query_by_label_contains("研究资料的用语").is_none());
    assert!(h.query_by_label_contains("in Chinese only").is_none());
}

/// A drag with the primary button from `from` to `to`, `modifiers` held throughout.
fn drag(h: &mut Harness<'_, ParkAtlasApp>, from: egui::Pos2, to: egui::Pos2, modifiers: Modifiers) {
    h.event(Event::ModifiersChanged(modifiers));
    h.event(Event::PointerMoved(from));
    h.step();
    h.event(Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers,
    });
    h.step();
    for k in 1..=5 {
        h.event(Event::PointerMoved(from + (to - from) * (k as f32 / 5.0)));
        h.step();
    }
    h.event(Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers,
    });
    h.step();
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run();
}

#[test]
fn shift_drag_selects_the_shown_parks_in_the_rectangle() {
    let mut h = harness(english());
    h.run();
    let frame = h.state().map.last.unwrap();
    let corner_a = frame.screen_pos(Position::new(110.25, 21.10));
    let corner_b = frame.screen_pos(Position::new(110.55, 20.98));
    let rect = geo::Rect::new((110.25, 20.98), (110.55, 21.10));
    let index = park_atlas::spatial::SpatialIndex::build(&h.state().atlas);
    let expected: BTreeSet<String> = index
        .parks_touching(&h.state().atlas, rect)
        .into_iter()
        .map(|i| h.state().atlas.parks[i].id.clone())
        .collect();
    assert!(expected.len() >= 5, "{expected:?}");
    assert!(expected.contains("basf_zhanjiang_verbund"));
    drag(&mut h, corner_a, corner_b, Modifiers::SHIFT);
    let got: BTreeSet<String> = selected(&h).into_iter().collect();
    assert_eq!(got, expected);
    // The map did not pan meanwhile.
    let after = h.state().map.last.unwrap();
    assert!((after.center.x() - frame.center.x()).abs() < 1e-9);

    // A plain drag pans and selects nothing more.
    h.state_mut()
        .push(park_atlas::command::Command::ClearSelection);
    h.run();
    drag(&mut h, corner_a, corner_b, Modifiers::NONE);
    assert!(selected(&h).is_empty());
    let panned = h.state().map.last.unwrap();
    assert!((panned.center.x() - frame.center.x()).abs() > 1e-4);

    // With a filter on, only the shown parks are taken.
    h.state_mut().push(park_atlas::command::Command::FitCity);
    h.run();
    let mut filter = h.state().state.filter.clone();
    filter.clusters.insert("green_steel".into());
    h.state_mut()
        .push(park_atlas::command::Command::SetFilter(filter));
    h.run();
    let frame = h.state().map.last.unwrap();
    let corner_a = frame.screen_pos(Position::new(110.25, 21.10));
    let corner_b = frame.screen_pos(Position::new(110.55, 20.98));
    drag(&mut h, corner_a, corner_b, Modifiers::SHIFT);
    let got = selected(&h);
    assert!(!got.is_empty());
    assert!(
        !got.contains(&"basf_zhanjiang_verbund".to_owned()),
        "{got:?}"
    );
    assert!(got.contains(&"baosteel_zhanjiang".to_owned()), "{got:?}");
}

#[test]
fn zoom_to_selection_frames_the_selected_parks() {
    let mut h = harness(english());
    h.run();
    let city_zoom = h.state().map.last.unwrap().zoom;
    assert!(
        h.get_by_label("Fit selection")
            .accesskit_node()
            .is_disabled(),
        "disabled without a selection"
    );
    h.state_mut().push(park_atlas::command::Command::Select(
        "basf_zhanjiang_verbund".into(),
    ));
    h.run();
    // With nothing to report, the status bar counts what is shown and selected.
    h.get_by_label("22 / 22 parks shown · 1 selected");
    h.key_press_modifiers(Modifiers::COMMAND, Key::J);
    h.run();
    let frame = h.state().map.last.unwrap();
    assert!(
        frame.zoom > city_zoom + 2.0,
        "{} vs {city_zoom}",
        frame.zoom
    );
    let basf = park_screen_pos(&h, "basf_zhanjiang_verbund");
    assert!(basf.distance(frame.rect.center()) < 5.0, "{basf:?}");
    // Two parks far apart: both in view, from the toolbar button.
    h.state_mut()
        .push(park_atlas::command::Command::Toggle("lianjiang_htz".into()));
    h.run();
    h.get_by_label("Fit selection").click();
    h.run();
    let frame = h.state().map.last.unwrap();
    for id in ["basf_zhanjiang_verbund", "lianjiang_htz"] {
        let p = park_screen_pos(&h, id);
        assert!(
            frame.rect.contains(p),
            "{id} at {p:?} outside {:?}",
            frame.rect
        );
    }
    assert!(frame.zoom < city_zoom + 2.0);
}

#[test]
fn a_big_export_is_written_in_the_background_and_reported() {
    use park_atlas::command::{Command, Picture};
    use park_atlas::synth::{self, SynthOptions};
    let base = io::load_embedded().unwrap().atlas;
    let n = park_atlas::app::BACKGROUND_EXPORT_PARKS + 500;
    let atlas = synth::parks(
        &base,
        SynthOptions {
            features: n,
            projects: 2,
            ..SynthOptions::default()
        },
    );
    let mut h = harness_with(atlas, english());
    h.state_mut().push(Command::SelectAllShown);
    h.run();
    let dir = tempfile::tempdir().unwrap();
    let status = |h: &Harness<'_, ParkAtlasApp>| h.state().status.as_ref().unwrap().text.clone();
    let out = dir.path().join("big.gpkg");
    h.state_mut().push(Command::ExportTo(out.clone()));
    h.step();
    // Handed to a worker: the window goes on and says what is being written.
    assert!(h.state().is_exporting());
    assert!(
        status(&h).starts_with(&format!("Exporting {n} parks")),
        "{}",
        status(&h)
    );
    wait_written(&mut h);
    h.get_by_label_contains(&format!("({n} parks)"));
    assert_eq!(h.state().last_export.as_ref().unwrap().parks, n);
    let conn = rusqlite::Connection::open(&out).unwrap();
    let count: i64 = conn
        .query_row("SELECT count(*) FROM parks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count as usize, n);
    // A second export while one is written is refused with a reason, not queued or mixed.
    let (first, second) = (dir.path().join("a.geojson"), dir.path().join("b.geojson"));
    h.state_mut().push(Command::ExportTo(first.clone()));
    h.state_mut().push(Command::ExportTo(second.clone()));
    h.step();
    assert!(status(&h).contains("still being written"), "{}", status(&h));
    wait_written(&mut h);
    assert!(first.exists() && !second.exists());
    // Map images (and briefs) are always made on the worker; a failure is reported in red.
    let svg = dir.path().join("view.svg");
    h.state_mut()
        .push(Command::SaveMapImage(svg.clone(), Picture::Svg));
    h.step();
    assert!(h.state().is_exporting());
    assert!(status(&h).starts_with("Saving "), "{}", status(&h));
    wait_written(&mut h);
    assert!(svg.exists());
    assert!(status(&h).starts_with("Saved: "), "{}", status(&h));
    let nowhere = dir.path().join("no/such/folder/view.svg");
    h.state_mut()
        .push(Command::SaveMapImage(nowhere, Picture::Svg));
    h.step();
    wait_written(&mut h);
    let s = h.state().status.clone().unwrap();
    assert!(s.error && s.text.contains("no/such/folder"), "{}", s.text);
}
