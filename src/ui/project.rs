//! One signed project whole, in a window of its own: a click on a row of the details'
//! projects table opens it. Every field wraps, so nothing is cut off as in the table's narrow
//! columns — names in both languages, investor, amount with its qualifier and note, year,
//! status and its date, clusters, capacity, notes and the project's sources.

use egui::{RichText, Ui};

use super::widgets::{cluster_chip, in_lang, qualifier, row, sources_list_of, unknown};
use crate::i18n::Lang;
use crate::model::{Atlas, Park, Project};
use crate::query::format_amount;

/// Members of a project shown by the window in their own rows; any other text member is listed
/// after them under its own name.
const SHOWN: [&str; 10] = [
    "name",
    "status",
    "amount_text",
    "amount_note",
    "amount_qualifier",
    "note",
    "capacity",
    "scope",
    "investor",
    "status_date",
];

/// The project window: shows `open` (park id, index of the project) until it is closed.
pub fn project_window(
    ctx: &egui::Context,
    atlas: &Atlas,
    open: &mut Option<(String, usize)>,
    lang: Lang,
) {
    let Some((park_id, k)) = open.clone() else {
        return;
    };
    let Some((park, project)) = atlas
        .park(&park_id)
        .and_then(|p| p.projects.get(k).map(|pr| (p, pr)))
    else {
        // The data changed under it: nothing to show.
        *open = None;
        return;
    };
    let mut still_open = true;
    egui::Window::new(RichText::new(lang.tr("Project")).strong())
        .id(egui::Id::unique("project_window"))
        .open(&mut still_open)
        .collapsible(false)
        .resizable(true)
        .default_width(440.0)
        .max_width(560.0)
        .pivot(egui::Align2::RIGHT_TOP)
        .default_pos(ctx.content_rect().right_top() + egui::vec2(-30.0, 90.0))
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(ctx.content_rect().height() * 0.7)
                .show(ui, |ui| project_ui(ui, atlas, park, project, lang));
        });
    if !still_open {
        *open = None;
    }
}

/// A project's fields, each on a wrapped row.
pub fn project_ui(ui: &mut Ui, atlas: &Atlas, park: &Park, pr: &Project, lang: Lang) {
    let zh = lang.is_zh();
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
    ui.label(RichText::new(pr.name(zh)).heading());
    if let Some(other) = if zh { &pr.name_en } else { &pr.name_zh } {
        ui.label(RichText::new(other).italics());
    }
    ui.label(RichText::new(park.name(zh)).weak());
    ui.separator();
    let text = |k: &str| pr.text_in(k, zh).map(|t| in_lang(lang, t));
    row(ui, lang.tr("Investor"), |ui| match text("investor") {
        Some(t) => {
            ui.label(t);
        }
        None => unknown(ui, lang),
    });
    row(ui, lang.tr("Amount"), |ui| {
        match (pr.amount, pr.currency.as_deref()) {
            (Some(a), Some(c)) => {
                let q = pr
                    .extra
                    .get("amount_qualifier")
                    .and_then(|v| v.as_str())
                    .map(|q| format!("{} ", qualifier(lang, q)))
                    .unwrap_or_default();
                ui.label(RichText::new(format!("{q}{}", format_amount(a, c, zh))).strong());
                if pr.is_city_wide() {
                    ui.label(
                        RichText::new(lang.tr("City-wide batch, not in this park's totals"))
                            .italics(),
                    );
                }
            }
            _ => unknown(ui, lang),
        }
    });
    for (key, label) in [
        ("amount_text", lang.tr("As the source words it")),
        ("amount_note", lang.tr("Amount note")),
    ] {
        if let Some(t) = text(key) {
            row(ui, label, |ui| {
                ui.label(t);
            });
        }
    }
    row(ui, lang.tr("Year"), |ui| match pr.year {
        Some(y) => {
            ui.label(y.to_string());
        }
        None => unknown(ui, lang),
    });
    row(ui, lang.tr("Status"), |ui| match text("status") {
        Some(t) => {
            ui.label(t);
        }
        None => unknown(ui, lang),
    });
    if let Some(t) = text("status_date") {
        row(ui, lang.tr("Status date"), |ui| {
            ui.label(t);
        });
    }
    if let Some(t) = text("capacity") {
        row(ui, lang.tr("Capacity"), |ui| {
            ui.label(t);
        });
    }
    if !pr.clusters.is_empty() {
        row(ui, lang.tr("Industry clusters"), |ui| {
            for c in &pr.clusters {
                cluster_chip(ui, atlas, c, lang);
            }
        });
    }
    // Members the data carries that have no row of their own.
    for (key, value) in &pr.extra {
        let base = key.strip_suffix("_zh").unwrap_or(key);
        if SHOWN.contains(&base) || base != key.as_str() && pr.extra.contains_key(base) {
            continue;
        }
        let shown = match value {
            serde_json::Value::String(_) => text(base),
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        if let Some(t) = shown {
            row(ui, base, |ui| {
                ui.label(t);
            });
        }
    }
    if let Some(n) = text("note") {
        ui.add_space(4.0);
        ui.label(RichText::new(n).italics());
    }
    ui.separator();
    ui.label(RichText::new(lang.tr("Sources")).strong());
    if pr.source_ids.is_empty() {
        unknown(ui, lang);
    }
    sources_list_of(ui, &park.sources, lang, Some(&pr.source_ids));
}
