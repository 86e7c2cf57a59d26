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
                            ui.horizontal(|ui| {
                                let (rect, _) =
                                    ui.allocate_exact_size(Vec2::splat(11.0), Sense::hover());
                                let [r, g, b] = c.rgb();
                                ui.painter()
                                    .rect_filled(rect, 2.0, Color32::from_rgb(r, g, b));
                                let mut on = filter.clusters.contains(&c.id);
                                if ui.checkbox(&mut on, c.name(zh)).changed() {
                                    toggle(&mut filter.clusters, &c.id, on);
                                }
                                ui.weak(count.to_string());
                            });
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
                        ui.horizontal(|ui| {
                            let mut on = filter.counties.contains(&c.adcode);
                            if ui.checkbox(&mut on, c.name(zh)).changed() {
                                toggle(&mut filter.counties, &c.adcode, on);
                            }
                            ui.weak(count.to_string());
                        });
                    }
                });
            egui::CollapsingHeader::new(lang.tr("Tiers"))
                .default_open(false)
                .show(ui, |ui| {
                    for t in Tier::ALL {
                        let count = atlas.parks.iter().filter(|p| p.tier == t).count();
                        ui.horizontal(|ui| {
                            let mut on = filter.tiers.contains(&t);
                            if ui.checkbox(&mut on, lang.tier(t)).changed() {
                                if on {
                                    filter.tiers.insert(t);
                                } else {
                                    filter.tiers.remove(&t);
                                }
                            }
                            ui.weak(count.to_string());
                        });
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

fn toggle(set: &mut std::collections::BTreeSet<String>, id: &str, on: bool) {
    if on {
        set.insert(id.to_owned());
    } else {
        set.remove(id);
    }
}
