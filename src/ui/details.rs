//! The right panel when parks are selected: one park in full (names, county, tier, role,
//! area, location accuracy, planned industries, the projects table, targets, facts, sources),
//! or a comparison of several with totals per currency.

use egui::{Color32, RichText, ScrollArea, Ui};
use egui_extras::{Column, TableBuilder};

use super::ViewContext;
use super::overview::OverviewPanel;
use super::widgets::{
    article_only_badge, cluster_chip, in_lang, row, source_refs, sources_list, unknown,
};
use crate::command::Command;
use crate::i18n::Lang;
use crate::model::{Atlas, Park};
use crate::query::{ProjectSort, SortBy, format_amount, format_totals, summarize};

/// The right panel: details of the selection, or the city overview when nothing is selected.
#[derive(Debug, Default)]
pub struct DetailsPanel {
    /// How the projects table is sorted.
    pub sort: ProjectSort,
    /// The city overview, shown when nothing is selected.
    pub overview: OverviewPanel,
    /// The project shown whole in its window: (park id, index in its projects).
    pub project: Option<(String, usize)>,
}

impl DetailsPanel {
    /// Draws the panel for the current selection.
    pub fn ui(&mut self, ui: &mut Ui, view: &ViewContext<'_>, commands: &mut Vec<Command>) {
        let (atlas, lang) = (view.atlas, view.lang);
        let parks = view.selection.parks(atlas);
        let width = ui.available_width();
        ScrollArea::vertical()
            .id_salt("details_scroll")
            .max_width(width)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                // Everything wraps to the panel's width rather than widening the panel.
                ui.set_max_width(width - 12.0);
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
                let feature = view.identified.and_then(|i| atlas.others.get(i));
                match parks.as_slice() {
                    [] if feature.is_some() => {
                        if let Some(f) = feature {
                            feature_ui(ui, &f, lang);
                        }
                    }
                    [] => self.overview.ui(ui, view),
                    [one] => {
                        let mut table = ProjectsTable {
                            sort: &mut self.sort,
                            open: &mut self.project,
                        };
                        park_ui(ui, atlas, one, lang, &mut table, commands);
                        history_ui(ui, one, view.history, lang);
                    }
                    many => compare_ui(ui, atlas, many, lang, commands),
                }
            });
        super::project::project_window(ui.ctx(), atlas, &mut self.project, lang);
    }
}

/// The projects table's state: its order, and the project opened whole by a click on its row.
struct ProjectsTable<'a> {
    sort: &'a mut ProjectSort,
    open: &'a mut Option<(String, usize)>,
}

/// Every property of a feature of an opened file (identify): values as text, nested JSON
/// pretty-printed; each value can be selected and copied.
fn feature_ui(ui: &mut Ui, f: &crate::model::GenericFeature, lang: Lang) {
    ui.heading(lang.tr("Feature properties"));
    if let Some(id) = &f.id {
        row(ui, "id", |ui| {
            ui.add(egui::Label::new(id.to_string()).selectable(true));
        });
    }
    if f.properties.is_empty() {
        ui.weak(lang.tr("No properties."));
    }
    egui::Grid::new("feature_properties")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (k, v) in &f.properties {
                ui.label(RichText::new(k).strong());
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => lang.tr("unknown").to_owned(),
                    serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                        serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
                    }
                    other => other.to_string(),
                };
                ui.add(egui::Label::new(text).selectable(true).wrap());
                ui.end_row();
            }
        });
}

/// A park's history: the change log's entries for it, newest first.
fn history_ui(ui: &mut Ui, p: &Park, history: &[crate::changes::LogEntry], lang: Lang) {
    let entries: Vec<&crate::changes::LogEntry> =
        history.iter().rev().filter(|e| e.park == p.id).collect();
    if entries.is_empty() {
        return;
    }
    ui.separator();
    egui::CollapsingHeader::new(format!("{} ({})", lang.tr("History"), entries.len()))
        .id_salt("park_history")
        .default_open(true)
        .show(ui, |ui| {
            for e in entries {
                let value = |v: &serde_json::Value| match v {
                    serde_json::Value::Null => lang.tr("unknown").to_owned(),
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Object(o) => o
                        .get("name_zh")
                        .or_else(|| o.get("name_en"))
                        .and_then(|v| v.as_str())
                        .map_or_else(|| "…".to_owned(), str::to_owned),
                    other => other.to_string(),
                };
                ui.label(format!(
                    "{} · {} · {} → {} · [{}]",
                    e.at.replace('T', " ").trim_end_matches('Z'),
                    e.field,
                    value(&e.from),
                    value(&e.to),
                    e.source.as_deref().unwrap_or("")
                ));
            }
        });
}

/// One park in full.
fn park_ui(
    ui: &mut Ui,
    atlas: &Atlas,
    p: &Park,
    lang: Lang,
    table: &mut ProjectsTable<'_>,
    commands: &mut Vec<Command>,
) {
    let zh = lang.is_zh();
    ui.heading(p.name(zh));
    if let Some(other) = if zh {
        p.name_en.as_deref()
    } else {
        p.name_zh.as_deref()
    } {
        ui.label(RichText::new(other).italics());
    }
    // Other names sources use (the name above is the brief's wording).
    if let Some(alias) = p.text_in("name_alias", zh) {
        let alias = in_lang(lang, alias);
        ui.label(RichText::new(format!("{}: {alias}", lang.tr("Also called"))).small());
    }
    ui.add_space(4.0);
    row(ui, lang.tr("County"), |ui| {
        let names = atlas.county_names(p, zh);
        if names.is_empty() {
            unknown(ui, lang)
        } else {
            ui.label(names);
        }
    });
    // Which part of the park lies where, in the research's words.
    if let Some(t) = p.text_in("county_text", zh) {
        ui.label(RichText::new(in_lang(lang, t)).small().weak());
    }
    row(ui, lang.tr("Tier"), |ui| {
        ui.label(lang.tier(p.tier));
        source_refs(ui, &p.sources, &p.source_ids("tier_source_ids"));
    });
    if let Some(d) = p.text_in("tier_detail", zh) {
        ui.label(RichText::new(in_lang(lang, d)).small().weak());
    }
    if let Some(code) = p.text("official_code") {
        row(ui, lang.tr("Official code (GB/T 37028-2018)"), |ui| {
            ui.label(code);
            source_refs(ui, &p.sources, &p.source_ids("official_code_source_ids"));
        });
    }
    row(ui, lang.tr("Role"), |ui| {
        ui.label(lang.role(p.role));
    });
    if let Some(parent) = p.parent_id.as_deref().and_then(|id| atlas.park(id)) {
        row(ui, lang.tr("Parent zone"), |ui| {
            if ui.link(parent.name(zh)).clicked() {
                commands.push(Command::SelectAndFly(parent.id.clone()));
            }
        });
    }
    row(ui, lang.tr("Area"), |ui| {
        match p.area_km2 {
            Some(a) => {
                ui.label(format!("{a} km²"));
            }
            None => unknown(ui, lang),
        }
        source_refs(ui, &p.sources, &p.source_ids("area_source_ids"));
    });
    if let Some(n) = p.text_in("area_note", zh) {
        ui.label(RichText::new(in_lang(lang, n)).small().weak());
    }
    row(ui, lang.tr("Location"), |ui| {
        match p.location_accuracy_km {
            Some(km) if km > 0.0 => {
                ui.label(
                    RichText::new(
                        lang.tr("approximate location, within about {} km")
                            .replace("{}", &km.to_string()),
                    )
                    .color(Color32::from_rgb(0xa0, 0x50, 0x00)),
                );
            }
            _ if p.geometry.is_none() => unknown(ui, lang),
            _ => {
                ui.label("—");
            }
        }
        source_refs(ui, &p.sources, &p.source_ids("location_source_ids"));
    });
    if let Some(n) = p.text_in("location_note", zh) {
        ui.collapsing(lang.tr("Notes"), |ui| {
            ui.label(RichText::new(in_lang(lang, n)).small());
        });
    }
    // Points of parts of the park (the park's own point stays where it is).
    let components = p
        .extra
        .get("location_components")
        .and_then(serde_json::Value::as_array);
    for c in components.into_iter().flatten() {
        let num = |k: &str| c.get(k).and_then(serde_json::Value::as_f64);
        let (Some(lon), Some(lat)) = (num("lon"), num("lat")) else {
            continue;
        };
        let name = c
            .as_object()
            .and_then(|c| crate::model::member_text(c, "name", zh))
            .map(|n| in_lang(lang, n))
            .unwrap_or_default();
        let km = num("uncertainty_km").map_or_else(String::new, |k| format!(" ±{k} km"));
        let ids: Vec<&str> = c
            .get("source_ids")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_str)
            .collect();
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!(
                    "{}: {name} ({lat:.4}, {lon:.4}{km})",
                    lang.tr("Part")
                ))
                .small(),
            );
            source_refs(ui, &p.sources, &ids);
        });
    }

    ui.separator();
    ui.label(RichText::new(lang.tr("Planned industries")).strong());
    ui.horizontal_wrapped(|ui| {
        for c in &p.clusters {
            cluster_chip(ui, atlas, c, lang);
        }
        source_refs(ui, &p.sources, &p.source_ids("clusters_source_ids"));
    });
    if let Some(n) = p.text_in("clusters_note", zh) {
        ui.label(RichText::new(in_lang(lang, n)).small().weak());
    }
    // Clusters it hosts through a signed project though its plan does not list them (a
    // cluster filter finds the park by them).
    let extra = p.project_only_clusters();
    if !extra.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(lang.tr("Also hosts, through its projects:")).small());
            for c in extra {
                cluster_chip(ui, atlas, c, lang);
            }
        });
    }

    ui.separator();
    ui.label(
        RichText::new(format!(
            "{} ({})",
            lang.tr("Signed projects"),
            p.projects.len()
        ))
        .strong(),
    );
    if p.projects.is_empty() {
        ui.weak(lang.tr("No projects recorded."));
    } else {
        ui.label(RichText::new(lang.tr("Click a row to see the project whole.")).weak());
        projects_table(ui, p, lang, table);
        let s = summarize(atlas, &[p]);
        if let Some(t) = format_totals(&s.totals, zh) {
            ui.label(format!("{}: {t}", lang.tr("Totals")));
        }
        // City-wide batches reported with the park: shown apart, never in its totals.
        if s.city_wide_projects > 0 {
            let amount = format_totals(&s.city_wide_totals, zh)
                .unwrap_or_else(|| lang.tr("unknown").to_owned());
            ui.label(
                RichText::new(format!(
                    "{} ({}): {amount}",
                    lang.tr("City-wide batch, not in this park's totals"),
                    s.city_wide_projects
                ))
                .italics(),
            );
        }
    }

    ui.separator();
    ui.label(RichText::new(format!("{} ({})", lang.tr("Targets"), p.targets.len())).strong());
    if p.targets.is_empty() {
        ui.weak(lang.tr("No targets recorded."));
    }
    for t in &p.targets {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(t.year.map_or("—".to_owned(), |y| y.to_string())).strong());
            let r = ui.label(in_lang(lang, t.text_in(zh)));
            if let Some(n) = crate::model::member_text(&t.extra, "note", zh) {
                r.on_hover_text(in_lang(lang, n));
            }
            // A target reported with this park but set for another one.
            if let Some(other) = t
                .extra
                .get("belongs_to")
                .and_then(serde_json::Value::as_str)
            {
                ui.label(
                    RichText::new(format!("({}: {other})", lang.tr("another park's target")))
                        .italics()
                        .color(Color32::from_rgb(0xa0, 0x50, 0x00)),
                );
            }
            if let Some(v) = t.value {
                let q = t
                    .extra
                    .get("value_qualifier")
                    .and_then(serde_json::Value::as_str)
                    .map(|q| format!("{} ", super::widgets::qualifier(lang, q)))
                    .unwrap_or_default();
                ui.label(
                    RichText::new(format!("{q}{v} {}", t.unit.as_deref().unwrap_or(""))).strong(),
                );
            }
            let ids: Vec<&str> = t.source_ids.iter().map(String::as_str).collect();
            source_refs(ui, &p.sources, &ids);
            if t.article_only() {
                article_only_badge(ui, lang);
            }
        });
    }

    if let Some(facts) = p
        .extra
        .get("facts")
        .and_then(|v| v.as_array())
        .filter(|f| !f.is_empty())
    {
        ui.separator();
        ui.label(RichText::new(lang.tr("Facts")).strong());
        for f in facts {
            ui.horizontal_wrapped(|ui| {
                if let Some(text) = f
                    .as_object()
                    .and_then(|f| crate::model::member_text(f, "text", zh))
                {
                    ui.label(RichText::new(in_lang(lang, text)).small());
                }
                let ids: Vec<&str> = f
                    .get("source_ids")
                    .and_then(|v| v.as_array())
                    .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                    .unwrap_or_default();
                source_refs(ui, &p.sources, &ids);
            });
        }
    }
    if let Some(claim) = p
        .extra
        .get("article_claim")
        .and_then(serde_json::Value::as_object)
    {
        ui.separator();
        ui.label(RichText::new(lang.tr("2021 article claim")).strong());
        if let Some(c) = crate::model::member_text(claim, "claim", zh) {
            ui.label(RichText::new(in_lang(lang, c)).small());
        }
        if let Some(v) = crate::model::member_text(claim, "verification", zh) {
            ui.label(
                RichText::new(format!("{}: {}", lang.tr("Verification"), in_lang(lang, v)))
                    .small()
                    .weak(),
            );
        }
    }
    if let Some(n) = p.text_in("notes", zh) {
        ui.label(RichText::new(in_lang(lang, n)).small().italics());
    }
    if let Some(c) = p.text_in("confidence", zh) {
        ui.label(
            RichText::new(format!("{}: {}", lang.tr("Confidence"), in_lang(lang, c)))
                .small()
                .weak(),
        );
    }
    ui.separator();
    ui.label(RichText::new(lang.tr("Sources")).strong());
    sources_list(ui, &p.sources, lang);
}

fn projects_table(ui: &mut Ui, p: &Park, lang: Lang, table: &mut ProjectsTable<'_>) {
    let zh = lang.is_zh();
    let sort = &mut *table.sort;
    let order = sort.order(&p.projects, zh);
    let mut clicked = None;
    let mut opened = None;
    // Labels that do not take clicks, so that a click anywhere on a row opens its project.
    ui.style_mut().interaction.selectable_labels = false;
    let arrow = |by: SortBy| {
        if sort.by == by {
            if sort.descending { " ↓" } else { " ↑" }
        } else {
            ""
        }
    };
    TableBuilder::new(ui)
        .id_salt(("projects", &p.id))
        .sense(egui::Sense::click())
        .striped(true)
        .resizable(true)
        .vscroll(false)
        .column(Column::initial(92.0).at_least(50.0).clip(true))
        .column(Column::initial(62.0).at_least(40.0).clip(true))
        .column(Column::initial(66.0).at_least(50.0).clip(true))
        .column(Column::initial(40.0).clip(true))
        .column(Column::initial(62.0).at_least(40.0).clip(true))
        .column(Column::initial(56.0).at_least(40.0).clip(true))
        .column(Column::remainder().at_least(30.0))
        .header(20.0, |mut h| {
            for (by, label) in [
                (SortBy::Name, lang.tr("Project")),
                (SortBy::Investor, lang.tr("Investor")),
                (SortBy::Amount, lang.tr("Amount")),
                (SortBy::Year, lang.tr("Year")),
                (SortBy::Status, lang.tr("Status")),
            ] {
                h.col(|ui| {
                    if ui
                        .button(
                            RichText::new(format!("{label}{}", arrow(by)))
                                .strong()
                                .small(),
                        )
                        .clicked()
                    {
                        clicked = Some(by);
                    }
                });
            }
            h.col(|ui| {
                ui.label(RichText::new(lang.tr("Status date")).strong().small());
            });
            h.col(|ui| {
                ui.label(RichText::new(lang.tr("Ref.")).strong().small());
            });
        })
        .body(|mut body| {
            for i in order {
                let pr = &p.projects[i];
                body.row(34.0, |mut row| {
                    row.set_selected(table.open.as_ref() == Some(&(p.id.clone(), i)));
                    let text = |k: &str| pr.text_in(k, zh).map(|t| in_lang(lang, t));
                    row.col(|ui| {
                        // The other name, then the project's note (why it carries no
                        // cluster, where a batch belongs), on hover.
                        let hover = match text("note") {
                            Some(n) => format!("{}\n\n{n}", pr.name(!zh)),
                            None => pr.name(!zh).to_owned(),
                        };
                        ui.label(RichText::new(pr.name(zh)).small())
                            .on_hover_text(hover);
                    });
                    row.col(|ui| {
                        let investor = text("investor");
                        let investor = investor.as_deref().unwrap_or("—");
                        ui.label(RichText::new(investor).small())
                            .on_hover_text(investor);
                    });
                    row.col(|ui| match (pr.amount, pr.currency.as_deref()) {
                        (Some(a), Some(c)) => {
                            let q = pr
                                .extra
                                .get("amount_qualifier")
                                .and_then(|v| v.as_str())
                                .map(|q| format!("{} ", super::widgets::qualifier(lang, q)))
                                .unwrap_or_default();
                            let city = if pr.is_city_wide() {
                                format!(" ({})", lang.tr("city-wide"))
                            } else {
                                String::new()
                            };
                            let r = ui.label(
                                RichText::new(format!("{q}{}{city}", format_amount(a, c, zh)))
                                    .small(),
                            );
                            if let Some(n) = text("amount_note") {
                                r.on_hover_text(n);
                            }
                        }
                        _ => {
                            ui.label(RichText::new(lang.tr("unknown")).small().italics());
                        }
                    });
                    row.col(|ui| {
                        ui.label(
                            RichText::new(pr.year.map_or("—".into(), |y| y.to_string())).small(),
                        );
                    });
                    for key in ["status", "status_date"] {
                        row.col(|ui| {
                            let shown = text(key);
                            let shown = shown.as_deref().unwrap_or("—");
                            ui.label(RichText::new(shown).small()).on_hover_text(shown);
                        });
                    }
                    row.col(|ui| {
                        // The sources wrap inside their own column: always visible.
                        ui.horizontal_wrapped(|ui| {
                            ui.spacing_mut().item_spacing.x = 2.0;
                            let ids: Vec<&str> = pr.source_ids.iter().map(String::as_str).collect();
                            source_refs(ui, &p.sources, &ids);
                        });
                    });
                    if row.response().clicked() {
                        opened = Some(i);
                    }
                });
            }
        });
    if let Some(by) = clicked {
        sort.click(by);
    }
    if let Some(i) = opened {
        *table.open = Some((p.id.clone(), i));
    }
}

fn compare_ui(
    ui: &mut Ui,
    atlas: &Atlas,
    parks: &[&Park],
    lang: Lang,
    commands: &mut Vec<Command>,
) {
    let zh = lang.is_zh();
    ui.heading(format!("{} ({})", lang.tr("Selected parks"), parks.len()));
    // One block per park (name, then county · tier · projects · investment), so that long
    // names wrap instead of widening the panel.
    for p in parks {
        ui.separator();
        if ui.link(RichText::new(p.name(zh)).strong()).clicked() {
            commands.push(Command::SelectAndFly(p.id.clone()));
        }
        let invest = format_totals(&summarize(atlas, &[*p]).totals, zh)
            .unwrap_or_else(|| lang.tr("unknown").to_owned());
        ui.label(
            RichText::new(format!(
                "{} · {} · {} {} · {}: {invest}",
                atlas.county_names(p, zh),
                lang.tier(p.tier),
                p.projects.len(),
                lang.tr("projects"),
                lang.tr("Investment"),
            ))
            .small(),
        );
    }
    ui.separator();
    let s = summarize(atlas, parks);
    ui.label(RichText::new(lang.tr("Totals")).strong());
    ui.label(format!(
        "{} {} · {} {} ({} {})",
        s.parks,
        lang.tr("parks"),
        s.projects,
        lang.tr("projects"),
        s.projects_with_amount,
        lang.tr("with amount")
    ));
    for (c, a) in &s.totals {
        ui.label(RichText::new(format_amount(*a, c, zh)).strong());
    }
}
