//! The left panel: search, cluster/county/tier filters with counts, and the list of matching
//! parks.

use egui::{Color32, RichText, ScrollArea, Sense, Ui, Vec2};

use crate::app::Command;
use crate::model::{Atlas, Tier};
use crate::query::{Filter, Selection};
use crate::ui::i18n::Lang;

/// Draws the filters and the list; changes `filter` in place and pushes commands.
pub fn filters_ui(
    ui: &mut Ui,
    atlas: &Atlas,
    filter: &mut Filter,
    shown: &[usize],
    selection: &Selection,
    lang: Lang,
    commands: &mut Vec<Command>,
) {
    let zh = lang.is_zh();
    // Long names are cut with "…" (the full name is in the list below) rather than widening
    // the panel.
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
    ui.heading(lang.tr("Filters"));
    ui.add(
        egui::TextEdit::singleline(&mut filter.text)
            .hint_text(lang.tr("Search names, projects, investors"))
            .desired_width(f32::INFINITY),
    )
    .labelled_by(ui.label(lang.tr("Search")).id);

    ScrollArea::vertical()
        .id_salt("filters_scroll")
        .max_height(ui.available_height() * 0.55)
        .show(ui, |ui| {
            egui::CollapsingHeader::new(lang.tr("Industry clusters"))
                .default_open(true)
                .show(ui, |ui| {
                    for group in &atlas.taxonomy.groups {
                        ui.label(
                            RichText::new(if zh { &group.name_zh } else { &group.name_en })
                                .strong()
                                .size(12.5),
                        );
                        for c in atlas.taxonomy.clusters_in(&group.id) {
                            let count = atlas
                                .parks
                                .iter()
                                .filter(|p| p.clusters.contains(&c.id))
                                .count();
                            let [r, g, b] = c.rgb();
                            let swatch = Some(Color32::from_rgb(r, g, b));
                            facet_row(ui, &mut filter.clusters, &c.id, c.name(zh), count, swatch);
                        }
                    }
                });
            egui::CollapsingHeader::new(lang.tr("Counties"))
                .default_open(false)
                .show(ui, |ui| {
                    for c in &atlas.counties {
                        let count = atlas
                            .parks
                            .iter()
                            .filter(|p| p.county_adcodes.contains(&c.adcode))
                            .count();
                        facet_row(ui, &mut filter.counties, &c.adcode, c.name(zh), count, None);
                    }
                });
            egui::CollapsingHeader::new(lang.tr("Tiers"))
                .default_open(false)
                .show(ui, |ui| {
                    for t in Tier::ALL {
                        let count = atlas.parks.iter().filter(|p| p.tier == t).count();
                        facet_row(ui, &mut filter.tiers, &t, lang.tier(t), count, None);
                    }
                });
        });

    ui.separator();
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(
                !shown.is_empty(),
                egui::Button::new(lang.tr("Select all shown")),
            )
            .clicked()
        {
            commands.push(Command::SelectAllShown);
        }
        if ui
            .add_enabled(
                !filter.is_empty(),
                egui::Button::new(lang.tr("Clear filters")),
            )
            .clicked()
        {
            *filter = Filter::default();
        }
        if ui
            .add_enabled(
                !selection.is_empty(),
                egui::Button::new(lang.tr("Clear selection")),
            )
            .clicked()
        {
            commands.push(Command::ClearSelection);
        }
    });
    ui.label(
        RichText::new(format!(
            "{} ({} / {})",
            lang.tr("Parks shown"),
            shown.len(),
            atlas.parks.len()
        ))
        .strong(),
    );
    if shown.is_empty() {
        ui.weak(lang.tr("No park matches the filters."));
    }
    ScrollArea::vertical()
        .id_salt("park_list")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for &i in shown {
                let p = &atlas.parks[i];
                let selected = selection.contains(&p.id);
                let r = ui
                    .selectable_label(selected, p.name(zh))
                    .on_hover_text(p.name(!zh));
                if r.clicked() {
                    let toggle =
                        ui.input(|i| i.modifiers.command || i.modifiers.ctrl || i.modifiers.shift);
                    commands.push(if toggle {
                        Command::Toggle(p.id.clone())
                    } else {
                        Command::SelectAndFly(p.id.clone())
                    });
                }
            }
        });
}

/// One filter value: an optional colour swatch, a checkbox that adds the value to or removes
/// it from `set`, and how many parks have it.
fn facet_row<T: Ord + Clone>(
    ui: &mut Ui,
    set: &mut std::collections::BTreeSet<T>,
    value: &T,
    label: &str,
    count: usize,
    swatch: Option<Color32>,
) {
    ui.horizontal(|ui| {
        if let Some(color) = swatch {
            let (rect, _) = ui.allocate_exact_size(Vec2::splat(11.0), Sense::hover());
            ui.painter().rect_filled(rect, 2.0, color);
        }
        let mut on = set.contains(value);
        if ui.checkbox(&mut on, label).changed() {
            if on {
                set.insert(value.clone());
            } else {
                set.remove(value);
            }
        }
        ui.weak(count.to_string());
    });
}
