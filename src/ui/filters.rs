//! The left panel: search, cluster/county/tier filters with counts, and the list of matching
//! parks (virtualised: only the rows on screen are laid out).

use std::collections::{BTreeMap, BTreeSet};

use egui::{Color32, RichText, ScrollArea, Sense, Ui, Vec2};

use super::ViewContext;
use crate::command::{Command, toggle_held};
use crate::model::{Atlas, Tier};
use crate::query::Filter;

/// How many parks have each facet value; computed once per data change.
#[derive(Debug, Default)]
struct FacetCounts {
    clusters: BTreeMap<String, usize>,
    counties: BTreeMap<String, usize>,
    tiers: BTreeMap<Tier, usize>,
}

impl FacetCounts {
    fn of(atlas: &Atlas) -> FacetCounts {
        let mut c = FacetCounts::default();
        for p in &atlas.parks {
            for id in p.hosted_clusters() {
                *c.clusters.entry(id.to_owned()).or_default() += 1;
            }
            for a in &p.county_adcodes {
                *c.counties.entry(a.clone()).or_default() += 1;
            }
            *c.tiers.entry(p.tier).or_default() += 1;
        }
        c
    }
}

/// The filters panel; its only state is a cache of the facet counts.
#[derive(Debug, Default)]
pub struct FiltersPanel {
    counts: Option<(u64, FacetCounts)>,
}

impl FiltersPanel {
    /// Draws the panel. Filter changes and clicks become commands.
    pub fn ui(&mut self, ui: &mut Ui, view: &ViewContext<'_>, commands: &mut Vec<Command>) {
        let (atlas, lang) = (view.atlas, view.lang);
        let zh = lang.is_zh();
        if self.counts.as_ref().is_none_or(|c| c.0 != view.generation) {
            self.counts = Some((view.generation, FacetCounts::of(atlas)));
        }
        let Some((_, counts)) = &self.counts else {
            return;
        };
        let mut filter = view.filter.clone();
        // Long names are cut with "…" (the full name is in the list below) rather than widening
        // the panel.
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        super::layers::layers_ui(ui, view, commands);
        ui.separator();
        ui.heading(lang.tr("Filters"));
        let label = ui.label(lang.tr("Search"));
        ui.add(
            egui::TextEdit::singleline(&mut filter.text)
                .hint_text(lang.tr("Search names, projects, investors"))
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);

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
                                let [r, g, b] = c.rgb();
                                facet_row(
                                    ui,
                                    &mut filter.clusters,
                                    &c.id,
                                    c.name(zh),
                                    counts.clusters.get(&c.id).copied().unwrap_or(0),
                                    Some(Color32::from_rgb(r, g, b)),
                                );
                            }
                        }
                    });
                egui::CollapsingHeader::new(lang.tr("Counties"))
                    .default_open(false)
                    .show(ui, |ui| {
                        for c in &atlas.counties {
                            let n = counts.counties.get(&c.adcode).copied().unwrap_or(0);
                            facet_row(ui, &mut filter.counties, &c.adcode, c.name(zh), n, None);
                        }
                    });
                egui::CollapsingHeader::new(lang.tr("Tiers"))
                    .default_open(false)
                    .show(ui, |ui| {
                        for t in Tier::ALL {
                            let n = counts.tiers.get(&t).copied().unwrap_or(0);
                            facet_row(ui, &mut filter.tiers, &t, lang.tier(t), n, None);
                        }
                    });
            });

        ui.separator();
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(
                    !view.shown.is_empty(),
                    egui::Button::new(lang.tr("Select all shown")),
                )
                .clicked()
            {
                commands.push(Command::SelectAllShown);
            }
            if ui
                .add_enabled(
                    !view.filter.is_empty(),
                    egui::Button::new(lang.tr("Clear filters")),
                )
                .clicked()
            {
                filter = Filter::default();
            }
            if ui
                .add_enabled(
                    !view.selection.is_empty(),
                    egui::Button::new(lang.tr("Clear selection")),
                )
                .clicked()
            {
                commands.push(Command::ClearSelection);
            }
        });
        if filter != *view.filter {
            commands.push(Command::SetFilter(filter));
        }
        ui.label(
            RichText::new(format!(
                "{} ({} / {})",
                lang.tr("Parks shown"),
                view.shown.len(),
                atlas.parks.len()
            ))
            .strong(),
        );
        if view.shown.is_empty() {
            ui.weak(lang.tr("No park matches the filters."));
        }
        let toggle = ui.input(|i| toggle_held(&i.modifiers));
        let row_height = ui.text_style_height(&egui::TextStyle::Button);
        ScrollArea::vertical()
            .id_salt("park_list")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, view.shown.len(), |ui, rows| {
                for &i in view.shown.get(rows).unwrap_or_default() {
                    let Some(p) = atlas.parks.get(i) else {
                        continue;
                    };
                    let r = ui
                        .selectable_label(view.selection.contains(&p.id), p.name(zh))
                        // The whole name (the row cuts long ones off), and the other language's.
                        .on_hover_text(format!("{}\n{}", p.name(zh), p.name(!zh)));
                    if r.clicked() {
                        commands.push(if toggle {
                            Command::Toggle(p.id.clone())
                        } else {
                            Command::SelectAndFly(p.id.clone())
                        });
                    }
                }
            });
    }
}

/// One filter value: an optional colour swatch, a checkbox that adds the value to or removes
/// it from `set`, and how many parks have it.
fn facet_row<T: Ord + Clone>(
    ui: &mut Ui,
    set: &mut BTreeSet<T>,
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
