//! What makes the window readable at a glance: the legend beside the map (foldable,
//! remembered, only the clusters in view), a project read whole, a chart that says why it is
//! empty, and the loaders' problems in Chinese.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{click_at, english, harness, harness_with, wait_loaded};
use egui::Modifiers;
use egui_kittest::kittest::Queryable;
use park_atlas::app::state::{STATE_VERSION, SavedState};
use park_atlas::command::Command;
use park_atlas::i18n::Lang;
use park_atlas::io;

const HALO: &str = "anchor site";

#[test]
fn the_legend_folds_to_a_button_and_stays_folded_at_the_next_start() {
    let mut h = harness(english());
    h.get_by_label(HALO);
    assert!(!h.state().state.legend_collapsed);
    h.get_by_label_contains("Legend").click();
    h.run();
    assert!(h.state().state.legend_collapsed);
    assert!(
        h.query_by_label(HALO).is_none(),
        "the folded legend still shows its entries"
    );
    // Remembered: the saved state starts the next window with it folded.
    let saved = SavedState::from_json(&h.state().state.to_json()).unwrap();
    let mut again = harness(Some(saved));
    assert!(again.query_by_label(HALO).is_none());
    again.get_by_label_contains("Legend").click();
    again.run();
    again.get_by_label(HALO);
}

#[test]
fn the_legend_lists_only_the_clusters_of_the_parks_in_view() {
    let mut h = harness(english());
    let city = h.state().map.legend.clone();
    assert!(city.len() >= 8, "{city:?}");
    // Green steel is listed twice: in the filters and in the legend.
    let steel = h.state().atlas.taxonomy.cluster("green_steel").unwrap();
    assert_eq!(h.query_all_by_label(steel.name_en.as_str()).count(), 2);
    // Far out at sea east of the city: no park in view, no cluster listed.
    h.state_mut()
        .map
        .fly_to(walkers::Position::new(111.6, 20.3), 13.0);
    h.run();
    assert!(
        h.state().map.legend.is_empty(),
        "{:?}",
        h.state().map.legend
    );
    h.get_by_label("No park in view.");
    // On Baosteel's plant: green steel and a few others, not the whole city's list.
    h.state_mut()
        .push(Command::SelectAndFly("baosteel_zhanjiang".into()));
    h.run();
    let near = h.state().map.legend.clone();
    assert!(
        !near.is_empty() && near.len() < city.len(),
        "{near:?} vs {city:?}"
    );
}

#[test]
fn a_click_on_a_project_row_shows_the_project_whole() {
    let mut saved = english().unwrap();
    saved.selection.select_only("baosteel_zhanjiang");
    let mut h = harness(Some(saved));
    let status_date = "kick-off 2018-12-06; full construction 2019-03-29; planned start-up 2021-07";
    // In the table the text is cut off by its column; the window has it whole.
    assert_eq!(h.query_all_by_label(status_date).count(), 1);
    let at = h.get_by_label("No. 3 blast-furnace system").rect().center();
    click_at(&mut h, at, Modifiers::NONE);
    assert_eq!(h.query_all_by_label(status_date).count(), 2);
    // Its sources are listed in the window, numbered as in the park's list.
    h.get_by_label_contains("As the source words it");
    // Closed with the window's ×.
    h.get_by_label("Close window").click();
    h.run();
    assert_eq!(h.query_all_by_label(status_date).count(), 1);
}

#[test]
fn without_any_amount_the_overview_says_there_is_nothing_to_chart() {
    let mut atlas = io::load_embedded().unwrap().atlas;
    for p in &mut atlas.parks {
        for pr in &mut p.projects {
            pr.amount = None;
        }
    }
    let h = harness_with(atlas, english());
    h.get_by_label_contains("No project in this data has a known investment amount");
    // With amounts, a chart and no such sentence.
    let h = harness(english());
    assert!(
        h.query_by_label_contains("there is nothing to chart")
            .is_none()
    );
}

#[test]
fn a_loader_problem_is_said_in_chinese_in_the_chinese_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x","name_zh":"测试"},"geometry":{"type":"Point","coordinates":[200,21]}}]}"#,
    )
    .unwrap();
    let chinese = Some(SavedState {
        version: STATE_VERSION,
        lang: Lang::Zh,
        ..SavedState::default()
    });
    let mut h = harness(chinese);
    h.state_mut().push(Command::OpenPath(path));
    h.run();
    wait_loaded(&mut h);
    h.get_by_label("数据问题");
    h.get_by_label_contains("经度 200 超出范围（-180 到 180）");
    assert!(h.query_by_label_contains("out of range").is_none());
    // Switched to English, the same problem in English.
    h.state_mut().push(Command::SetLang(Lang::En));
    h.run();
    h.get_by_label_contains("longitude 200 is out of range (-180 to 180)");
}
