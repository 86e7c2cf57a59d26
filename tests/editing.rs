//! Edit mode in the window, driven through its forms: a change with a source, undo and redo,
//! an invalid value refused with its message, a change without a source refused, save into
//! the dataset folder and load it again, discard, and the journal offered back after a crash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use park_atlas::command::Command;
use park_atlas::io;

/// A copy of the embedded dataset in a folder.
fn dataset() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("zhanjiang");
    park_atlas::changes::dataset::copy_dataset(&io::DatasetFiles::embedded(), &dir).unwrap();
    (tmp, dir)
}

fn area(h: &egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>, id: &str) -> Option<f64> {
    h.state()
        .atlas
        .parks
        .iter()
        .find(|p| p.id == id)
        .and_then(|p| p.area_km2)
}

fn editing_fenyong(
    dir: &Path,
    journal: Option<PathBuf>,
) -> egui_kittest::Harness<'static, park_atlas::app::ParkAtlasApp> {
    let mut h = common::harness(common::english());
    h.state_mut().edit.data_dir = Some(dir.to_path_buf());
    h.state_mut().edit.journal = journal;
    h.get_by_label("Edit").click();
    h.run();
    h.state_mut().push(Command::Select("fenyong_htz".into()));
    h.run();
    h.run();
    h
}

/// Sets the "Value" field of the park form for `property`.
fn set_value(
    h: &mut egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>,
    property: &str,
    text: &str,
) {
    h.get_by_label("Property").click();
    h.run();
    // "Area (km²) · area_km2": the popup's entry is the last with the id.
    h.query_all_by_label_contains(&format!("· {property}"))
        .last()
        .unwrap()
        .click();
    h.run();
    h.get_by_label("Value").focus();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Value").type_text(text);
    h.run();
}

#[test]
fn a_sourced_change_is_made_undone_redone_saved_and_loads_again() {
    let (_tmp, dir) = dataset();
    let mut h = editing_fenyong(&dir, None);
    assert_eq!(area(&h, "fenyong_htz"), Some(50.16));
    // An area that is no number is refused as typed, with what is expected.
    set_value(&mut h, "area_km2", "about 60");
    h.get_by_label_contains("Expected an area in km²");
    assert!(
        h.get_by_label("Apply change")
            .accesskit_node()
            .is_disabled()
    );
    set_value(&mut h, "area_km2", "61.5");
    h.get_by_label("Apply change").click();
    h.run();
    assert_eq!(area(&h, "fenyong_htz"), Some(61.5));
    h.get_by_label_contains("Pending changes (1)");
    // Undo and redo, by keyboard.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(area(&h, "fenyong_htz"), Some(50.16));
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(area(&h, "fenyong_htz"), Some(61.5));
    // A project with a new source.
    h.get_by_label("Source").click();
    h.run();
    h.get_by_label("New source…").click();
    h.run();
    h.get_by_label("Title").focus();
    h.get_by_label("Title").type_text("2026年11月集中签约清单");
    h.get_by_label("Outlet").focus();
    h.get_by_label("Outlet").type_text("湛江日报");
    h.get_by_label("Date").focus();
    h.get_by_label("Date").type_text("2026-11-28");
    h.get_by_label("Name (Chinese)").focus();
    h.get_by_label("Name (Chinese)").type_text("奋勇新材料项目");
    // An amount that is no number is refused with what is expected.
    h.get_by_label("Amount (亿元)").focus();
    h.get_by_label("Amount (亿元)").type_text("lots");
    h.run();
    h.get_by_label_contains("Expected an amount in 亿元");
    assert!(h.get_by_label("Add project").accesskit_node().is_disabled());
    h.get_by_label("Amount (亿元)").focus();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Amount (亿元)").type_text("12.5");
    h.run();
    h.get_by_label("Add project").click();
    h.run();
    h.get_by_label_contains("Pending changes (2)");
    // Saved into the folder (Ctrl+S): loading it again gives what the window shows.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    h.get_by_label_contains("Pending changes (0)");
    let saved = io::load_dir(&dir).unwrap().atlas;
    assert_eq!(saved.parks, h.state().atlas.parks);
    let fenyong = saved.parks.iter().find(|p| p.id == "fenyong_htz").unwrap();
    let p = fenyong.projects.last().unwrap();
    assert_eq!(p.name_zh.as_deref(), Some("奋勇新材料项目"));
    assert_eq!(p.amount, Some(1_250_000_000.0));
    let source = &fenyong.sources[&p.source_ids[0]];
    assert_eq!(source.outlet.as_deref(), Some("湛江日报"));
    assert_eq!(park_atlas::changes::dataset::read_log(&dir).0.len(), 2);
    // The park's history in the details panel, from the change log.
    h.run();
    h.get_by_label("History (2)");
    h.get_by_label_contains("area_km2 · 50.16 → 61.5");
}

#[test]
fn a_change_without_a_source_is_refused_and_discard_drops_pending_changes() {
    let (_tmp, dir) = dataset();
    let mut h = editing_fenyong(&dir, None);
    h.get_by_label("Source").click();
    h.run();
    h.get_by_label("New source…").click();
    h.run();
    set_value(&mut h, "name_en", "Fenyong High-tech Zone");
    h.get_by_label("Apply change").click();
    h.run();
    h.get_by_label_contains("Every change cites a source");
    assert!(
        h.state()
            .edit
            .session
            .as_ref()
            .unwrap()
            .pending()
            .is_empty()
    );
    // With a source it goes through; Discard takes it back.
    h.get_by_label("Title").focus();
    h.get_by_label("Title").type_text("奋勇高新区官网");
    h.run();
    h.get_by_label("Apply change").click();
    h.run();
    let name = |h: &egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>| {
        let p = h
            .state()
            .atlas
            .parks
            .iter()
            .find(|p| p.id == "fenyong_htz")
            .unwrap();
        p.name_en.clone()
    };
    assert_eq!(name(&h).as_deref(), Some("Fenyong High-tech Zone"));
    h.get_by_label("Discard").click();
    h.run();
    assert_ne!(name(&h).as_deref(), Some("Fenyong High-tech Zone"));
    assert!(!h.state().edit.is_dirty());
}

/// Pending changes are journaled as they are made: after a crash (the window gone without
/// saving) the next start offers them back.
#[test]
fn the_journal_offers_pending_changes_back_after_a_crash() {
    let (tmp, dir) = dataset();
    let journal = tmp.path().join("journal.json");
    let mut h = editing_fenyong(&dir, Some(journal.clone()));
    set_value(&mut h, "area_km2", "70");
    h.get_by_label("Apply change").click();
    h.run();
    assert!(journal.exists());
    drop(h); // as if killed: nothing saved
    let parks = std::fs::read(dir.join("parks.geojson")).unwrap();
    let mut h = common::harness(common::english());
    h.state_mut().edit.data_dir = Some(dir.clone());
    h.state_mut().edit.journal = Some(journal.clone());
    h.state_mut().edit.find_journal();
    h.run();
    h.get_by_label_contains("Changes not saved when Park Atlas last stopped: 1");
    h.get_by_label("Restore them").click();
    h.run();
    assert_eq!(area(&h, "fenyong_htz"), Some(70.0));
    assert!(h.state().edit.is_dirty());
    assert_eq!(std::fs::read(dir.join("parks.geojson")).unwrap(), parks);
    // Saved: the journal is gone.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert!(!journal.exists());
    assert_eq!(
        io::load_dir(&dir)
            .unwrap()
            .atlas
            .parks
            .iter()
            .find(|p| p.id == "fenyong_htz")
            .unwrap()
            .area_km2,
        Some(70.0)
    );
}

/// Edit → Import projects…: exact matches become pending changes, a close match is asked and
/// confirmed; the pending changes are written as a change set, and that set applied again is
/// refused as a conflict only where it conflicts (adding projects never does).
#[test]
fn a_signing_list_is_imported_in_the_window_and_written_as_a_change_set() {
    use park_atlas::command::EditFile;
    let (tmp, dir) = dataset();
    let mut h = editing_fenyong(&dir, None);
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signing-list.xlsx");
    h.state_mut()
        .push(Command::EditFile(EditFile::ImportProjects, list));
    h.run();
    h.run();
    assert_eq!(h.state().edit.session.as_ref().unwrap().pending().len(), 2);
    h.get_by_label_contains("Row 4: Offshore wind parts plant");
    let lianjiang = h
        .state()
        .atlas
        .park("lianjiang_htz")
        .unwrap()
        .projects
        .len();
    h.get_by_label_contains("→ Zhanjiang Lianjiang").click();
    h.run();
    h.run();
    assert_eq!(h.state().edit.session.as_ref().unwrap().pending().len(), 3);
    assert_eq!(
        h.state()
            .atlas
            .park("lianjiang_htz")
            .unwrap()
            .projects
            .len(),
        lianjiang + 1
    );
    assert!(h.state().edit.import.is_none());
    // Written as a change set, which the command line applies to the folder.
    let set = tmp.path().join("review.json");
    h.state_mut()
        .push(Command::EditFile(EditFile::SaveChangeSet, set.clone()));
    h.run();
    let written: park_atlas::changes::ChangeSet =
        serde_json::from_slice(&std::fs::read(&set).unwrap()).unwrap();
    assert_eq!(written.changes.len(), 3);
    let applied =
        park_atlas::changes::dataset::apply_to_dir(&dir, &written, "review.json").unwrap();
    assert_eq!(applied.log.len(), 3);
    assert_eq!(
        io::load_dir(&dir)
            .unwrap()
            .atlas
            .park("lianjiang_htz")
            .unwrap()
            .projects
            .len(),
        lianjiang + 1
    );
}

/// In edit mode the selected point park is dragged to a new place: one change citing the
/// form's source, undoable; the map itself does not pan.
#[test]
fn a_point_park_is_moved_by_dragging_it() {
    use egui::{Event, PointerButton};
    let (_tmp, dir) = dataset();
    let mut h = editing_fenyong(&dir, None);
    h.run();
    let before = h
        .state()
        .atlas
        .park("fenyong_htz")
        .unwrap()
        .geometry
        .clone();
    let center = h.state().map.last.unwrap().center;
    let from = common::park_screen_pos(&h, "fenyong_htz");
    let to = from + egui::vec2(40.0, 30.0);
    let press = |pos, pressed| Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    h.event(Event::PointerMoved(from));
    h.run();
    h.event(press(from, true));
    h.step();
    for k in 1..=8 {
        h.event(Event::PointerMoved(from + (to - from) * (k as f32 / 8.0)));
        h.step();
    }
    h.event(press(to, false));
    h.run();
    h.run();
    let pending = h.state().edit.session.as_ref().unwrap().pending().to_vec();
    assert_eq!(pending.len(), 1, "{:?}", h.state().edit.error);
    assert!(matches!(
        pending[0],
        park_atlas::changes::Change::SetGeometry { .. }
    ));
    let moved = common::park_screen_pos(&h, "fenyong_htz");
    assert!(moved.distance(to) < 2.0, "{moved:?} vs {to:?}");
    assert_eq!(
        h.state().map.last.unwrap().center,
        center,
        "the map did not pan"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        h.state().atlas.park("fenyong_htz").unwrap().geometry,
        before
    );
}

/// The forms for a park's records: a project's amount changed, a target added, the project
/// removed; a new park added at a place; a park deleted only when asked twice.
#[test]
fn projects_targets_and_parks_are_changed_through_the_forms() {
    let (_tmp, dir) = dataset();
    let mut h = editing_fenyong(&dir, None);
    let project = h.state().atlas.park("fenyong_htz").unwrap().projects[0].clone();
    h.get_by_label("Project to change").scroll_to_me();
    h.run();
    h.get_by_label("Project to change").click_accesskit();
    h.run();
    // The name is also in the details panel's table: the popup's entry is the last one.
    h.query_all_by_label(project.name(false))
        .last()
        .unwrap()
        .click_accesskit();
    h.run();
    // A currency the reader does not know is refused as typed, with its message.
    h.get_by_label("Currency (CNY, USD, EUR…) ").focus();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Currency (CNY, USD, EUR…) ")
        .type_text("yuan");
    h.run();
    assert!(
        h.get_by_label("Apply to project")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_label_contains("currency: ");
    h.get_by_label("Currency (CNY, USD, EUR…) ").focus();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Currency (CNY, USD, EUR…) ")
        .type_text("CNY");
    let amount = h.get_by_label("Amount (亿, in its currency) ");
    amount.focus();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Amount (亿, in its currency) ")
        .type_text("65");
    h.run();
    h.get_by_label("Apply to project").click_accesskit();
    h.run();
    let park = |h: &egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>| {
        h.state().atlas.park("fenyong_htz").unwrap().clone()
    };
    assert_eq!(
        park(&h).projects[0].amount,
        Some(6.5e9),
        "{:?}",
        h.state().edit.error
    );
    // A target.
    h.get_by_label("Target (text)  ").focus();
    h.get_by_label("Target (text)  ").type_text("工业总产值");
    h.get_by_label("Value  ").focus();
    h.get_by_label("Value  ").type_text("300");
    h.get_by_label("Unit  ").focus();
    h.get_by_label("Unit  ").type_text("亿元");
    h.run();
    let targets = park(&h).targets.len();
    h.get_by_label("Add target").click_accesskit();
    h.run();
    assert_eq!(park(&h).targets.len(), targets + 1);
    assert_eq!(park(&h).targets.last().unwrap().value, Some(300.0));
    // And removed again.
    h.get_by_label("Target to remove").click_accesskit();
    h.run();
    let last = park(&h).targets.last().unwrap().clone();
    let label = last.text.or(last.metric).unwrap_or_default();
    h.query_all_by_label_contains(&label)
        .last()
        .unwrap()
        .click_accesskit();
    h.run();
    h.get_by_label("Remove target").click_accesskit();
    h.run();
    assert_eq!(park(&h).targets.len(), targets);
    // The project removed.
    let n = park(&h).projects.len();
    h.get_by_label("Remove project").click_accesskit();
    h.run();
    assert_eq!(park(&h).projects.len(), n - 1);
    // A new park.
    h.get_by_label("Add a park").click_accesskit();
    h.run();
    // Its place: a click on the map.
    h.get_by_label("Place it on the map…").click_accesskit();
    h.run();
    let frame = h.state().map.last.unwrap();
    let spot = frame.screen_pos(walkers::Position::new(110.1, 20.9));
    common::click_at(&mut h, spot, Modifiers::NONE);
    h.run();
    let place = h.state().edit.form.records.new_park.clone();
    let (lon, lat): (f64, f64) = (place[3].parse().unwrap(), place[4].parse().unwrap());
    assert!(
        (lon - 110.1).abs() < 0.01 && (lat - 20.9).abs() < 0.01,
        "{place:?}"
    );
    assert!(!h.state().map.picking);
    for (field, text) in [
        ("Id (letters, digits, _)", "leizhou_new_park"),
        ("Name (Chinese)", "雷州新园区"),
    ] {
        let fields = h.query_all_by_label(field).collect::<Vec<_>>();
        let node = fields.last().unwrap();
        node.focus();
        node.type_text(text);
        h.run();
    }
    h.get_by_label("Add park").click_accesskit();
    h.run();
    h.run();
    let added = h.state().atlas.park("leizhou_new_park").cloned();
    let added = added.unwrap_or_else(|| panic!("{:?}", h.state().edit.error));
    assert_eq!(added.name_zh.as_deref(), Some("雷州新园区"));
    assert_eq!(
        added.sources.len(),
        1,
        "the chosen source copied to the new park"
    );
    assert_eq!(
        h.state().state.selection.ids().collect::<Vec<_>>(),
        ["leizhou_new_park"]
    );
    // Deleted only on the second press.
    h.get_by_label("Delete park…").click_accesskit();
    h.run();
    assert!(h.state().atlas.park("leizhou_new_park").is_some());
    h.get_by_label_contains("Yes, delete it").click_accesskit();
    h.run();
    assert!(h.state().atlas.park("leizhou_new_park").is_none());
    // Saved, all of it loads again as the window shows it.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert_eq!(
        io::load_dir(&dir).unwrap().atlas.parks,
        h.state().atlas.parks
    );
}

/// Draw outline…: clicks add corners, a double click closes it; a corner clicked near a
/// county's corner snaps to it exactly; the park gets the polygon as one change.
#[test]
fn an_outline_is_drawn_with_corners_snapped_to_a_county() {
    use egui::{Event, PointerButton};
    let (_tmp, dir) = dataset();
    let mut h = editing_fenyong(&dir, None);
    h.get_by_label("Draw outline…").click_accesskit();
    h.run();
    assert!(h.state().map.outline.is_some());
    let frame = h.state().map.last.unwrap();
    // A county corner right of the edit window (it sits over the filters panel).
    // Every corner a click can snap to: parks' outlines and counties.
    let atlas = &h.state().atlas;
    let all: Vec<geo::Coord<f64>> = atlas
        .counties
        .iter()
        .filter_map(|c| c.geometry.as_ref())
        .chain(
            atlas
                .parks
                .iter()
                .filter_map(|p| p.geometry.as_ref())
                .filter(|g| !matches!(g, geo::Geometry::Point(_))),
        )
        .flat_map(|g| geo::CoordsIter::coords_iter(g).collect::<Vec<_>>())
        .collect();
    let on_screen = |c: &geo::Coord<f64>| frame.screen_pos(walkers::Position::new(c.x, c.y));
    let screens: Vec<(geo::Coord<f64>, egui::Pos2)> =
        all.iter().map(|c| (*c, on_screen(c))).collect();
    let corner = atlas
        .counties
        .iter()
        .filter_map(|c| c.geometry.as_ref())
        .flat_map(|g| geo::CoordsIter::coords_iter(g).collect::<Vec<_>>())
        .filter(|c| {
            let p = on_screen(c);
            p.x > 500.0 && p.x < frame.rect.right() - 90.0 && p.y > 120.0 && p.y < 560.0
        })
        .find(|c| {
            let p = on_screen(c);
            screens.iter().all(|(o, q)| o == c || q.distance(p) > 11.0)
        })
        .expect("a county corner in view, alone");
    let at = frame.screen_pos(walkers::Position::new(corner.x, corner.y));
    let click = |h: &mut egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>, pos| {
        common::click_at(h, pos, Modifiers::NONE);
    };
    click(&mut h, at + egui::vec2(2.0, 2.0));
    click(&mut h, at + egui::vec2(60.0, 0.0));
    click(&mut h, at + egui::vec2(60.0, 50.0));
    // The closing double click.
    h.ctx
        .options_mut(|o| o.input_options.max_double_click_delay = 0.6);
    let last = at + egui::vec2(0.0, 50.0);
    h.event(Event::PointerMoved(last));
    for _ in 0..2 {
        for pressed in [true, false] {
            h.event(Event::PointerButton {
                pos: last,
                button: PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
        }
        h.step();
    }
    h.run();
    h.run();
    assert!(h.state().map.outline.is_none());
    let g = h
        .state()
        .atlas
        .park("fenyong_htz")
        .unwrap()
        .geometry
        .clone();
    let Some(geo::Geometry::Polygon(poly)) = g else {
        panic!("not a polygon: {g:?} {:?}", h.state().edit.error);
    };
    let ring = &poly.exterior().0;
    assert_eq!(ring.len(), 5, "{ring:?}");
    assert_eq!((ring[0].x, ring[0].y), (corner.x, corner.y), "snapped");
    assert_eq!(ring[0], ring[4]);
    assert_eq!(h.state().edit.session.as_ref().unwrap().pending().len(), 1);

    // Reshaped: a corner dragged, a corner added by dragging an edge's middle, one removed by
    // a right click.
    let drag = |h: &mut egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>,
                from: egui::Pos2,
                by: egui::Vec2| {
        h.event(Event::PointerMoved(from));
        h.run();
        h.event(Event::PointerButton {
            pos: from,
            button: PointerButton::Primary,
            pressed: true,
            modifiers: Modifiers::NONE,
        });
        h.step();
        for k in 1..=6 {
            h.event(Event::PointerMoved(from + by * (k as f32 / 6.0)));
            h.step();
        }
        h.event(Event::PointerButton {
            pos: from + by,
            button: PointerButton::Primary,
            pressed: false,
            modifiers: Modifiers::NONE,
        });
        h.run();
        h.run();
    };
    let ring = |h: &egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>| match h
        .state()
        .atlas
        .park("fenyong_htz")
        .unwrap()
        .geometry
        .clone()
    {
        Some(geo::Geometry::Polygon(p)) => p.exterior().0.clone(),
        other => panic!("{other:?}"),
    };
    let screen = |h: &egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>,
                  c: geo::Coord<f64>| {
        h.state()
            .map
            .last
            .unwrap()
            .screen_pos(walkers::Position::new(c.x, c.y))
    };
    let before = ring(&h);
    let c1 = screen(&h, before[1]);
    drag(&mut h, c1, egui::vec2(15.0, 10.0));
    let after = ring(&h);
    assert_eq!(after.len(), 5, "{after:?}");
    assert!(screen(&h, after[1]).distance(c1 + egui::vec2(15.0, 10.0)) < 2.0);
    assert_eq!(after[0], before[0]);
    let (a, b) = (screen(&h, after[2]), screen(&h, after[3]));
    drag(&mut h, a.lerp(b, 0.5), egui::vec2(0.0, 12.0));
    assert_eq!(ring(&h).len(), 6, "a corner was added");
    let c0 = screen(&h, ring(&h)[0]);
    h.event(Event::PointerMoved(c0));
    h.run();
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos: c0,
            button: PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    h.run();
    h.run();
    assert_eq!(ring(&h).len(), 5, "a corner was removed");
    assert_eq!(h.state().edit.session.as_ref().unwrap().pending().len(), 4);
}

/// A list property (clusters) is typed as ids; an unknown cluster is refused as typed with the
/// reader's message.
#[test]
fn a_parks_clusters_are_set_as_a_list_and_an_unknown_one_is_refused_as_typed() {
    let (_tmp, dir) = dataset();
    let mut h = editing_fenyong(&dir, None);
    set_value(&mut h, "clusters", "green_energy, no_such_cluster");
    assert!(
        h.get_by_label("Apply change")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_label_contains("no_such_cluster");
    set_value(&mut h, "clusters", "green_energy, marine_biomedicine");
    h.get_by_label("Apply change").click();
    h.run();
    let p = h.state().atlas.park("fenyong_htz").unwrap().clone();
    assert_eq!(p.clusters, ["green_energy", "marine_biomedicine"]);
}

/// Closing the window with pending changes asks first: Cancel keeps it open, Save saves.
#[test]
fn closing_with_pending_changes_asks_first() {
    let (_tmp, dir) = dataset();
    let mut h = editing_fenyong(&dir, None);
    set_value(&mut h, "area_km2", "55");
    h.get_by_label("Apply change").click();
    h.run();
    let close = |h: &mut egui_kittest::Harness<'_, park_atlas::app::ParkAtlasApp>| {
        h.input_mut()
            .viewports
            .entry(egui::ViewportId::ROOT)
            .or_default()
            .events
            .push(egui::ViewportEvent::Close);
        h.run();
    };
    close(&mut h);
    h.get_by_label("Save changes before closing?");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.query_by_label("Save changes before closing?").is_none());
    assert!(h.state().edit.is_dirty());
    close(&mut h);
    let save = h.query_all_by_label("Save").last().unwrap();
    save.click_accesskit();
    h.run();
    assert!(!h.state().edit.is_dirty());
    assert!(h.query_by_label("Save changes before closing?").is_none());
    assert!(
        h.state().edit.close_anyway,
        "saved from the question: the window closes"
    );
    assert_eq!(
        io::load_dir(&dir)
            .unwrap()
            .atlas
            .park("fenyong_htz")
            .unwrap()
            .area_km2,
        Some(55.0)
    );
}
