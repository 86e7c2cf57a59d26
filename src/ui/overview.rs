//! The right panel when nothing is selected: the city-wide figures with their sources and a
//! chart of signed investment by cluster (one currency; others listed, never added).

use std::collections::BTreeMap;

use egui::{Color32, RichText, Ui};

use super::ViewContext;
use super::widgets::{article_only_badge, source_refs, sources_list};
use crate::model::Park;
use crate::query::{format_amount, investment_by_cluster};

/// Signed investment per (cluster id, currency).
type ByCluster = BTreeMap<(String, String), f64>;

/// The city overview.
#[derive(Debug, Default)]
pub struct OverviewPanel {
    /// Investment per (cluster, currency), for the data generation it was summed for.
    by_cluster: Option<(u64, ByCluster)>,
}

impl OverviewPanel {
    /// The city-wide figures and a chart of signed investment by cluster.
    pub fn ui(&mut self, ui: &mut Ui, view: &ViewContext<'_>) {
        let (atlas, lang) = (view.atlas, view.lang);
        let zh = lang.is_zh();
        ui.heading(lang.tr("City overview"));
        ui.weak(lang.tr("Nothing selected: click a park on the map or in the list."));
        if let Some(city) = &atlas.citywide {
            ui.label(RichText::new(if zh { &city.title_zh } else { &city.title_en }).strong());
            for f in &city.figures {
                ui.horizontal_wrapped(|ui| {
                    let value = match (f.value, f.unit.as_deref()) {
                        (Some(v), Some(u))
                            if u.len() == 3 && u.chars().all(|c| c.is_ascii_uppercase()) =>
                        {
                            format_amount(v, u, zh)
                        }
                        (Some(v), Some("%")) => format!("{v} %"),
                        (Some(v), Some(u)) => format!("{v} {}", lang.tr_unit(u)),
                        (Some(v), None) => v.to_string(),
                        (None, _) => String::new(),
                    };
                    let q = f
                        .qualifier
                        .as_deref()
                        .map(|q| format!("{} ", super::widgets::qualifier(lang, q)))
                        .unwrap_or_default();
                    ui.label(format!("{}:", if zh { &f.label_zh } else { &f.label_en }));
                    let mut text = super::widgets::in_lang(lang, f.text_in(zh));
                    if let Some(n) = f.note_in(zh) {
                        text = format!("{text}\n{}", super::widgets::in_lang(lang, n));
                    }
                    if value.is_empty() {
                        ui.label(RichText::new(&text).small());
                    } else {
                        ui.label(RichText::new(format!("{q}{value}")).strong())
                            .on_hover_text(&text);
                    }
                    if let Some(p) = f.period_in(zh) {
                        ui.weak(format!("({})", super::widgets::in_lang(lang, p)));
                    }
                    let ids: Vec<&str> = f.source_ids.iter().map(String::as_str).collect();
                    source_refs(ui, &city.sources, &ids);
                    if f.article_only {
                        article_only_badge(ui, lang);
                    }
                });
            }
        }
        ui.separator();
        ui.label(RichText::new(lang.tr("Signed investment by cluster")).strong());
        ui.weak(lang.tr("CNY only; other currencies are listed below, never added."));
        if self
            .by_cluster
            .as_ref()
            .is_none_or(|c| c.0 != view.generation)
        {
            let all: Vec<&Park> = atlas.parks.iter().collect();
            self.by_cluster = Some((view.generation, investment_by_cluster(&all)));
        }
        let Some((_, by_cluster)) = &self.by_cluster else {
            return;
        };
        let bars: Vec<egui_plot::Bar> = atlas
            .taxonomy
            .clusters
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let v = by_cluster.get(&(c.id.clone(), "CNY".to_owned()))?;
                let [r, g, b] = c.rgb();
                Some(
                    egui_plot::Bar::new(i as f64, v / 1e8)
                        .name(c.name(zh))
                        .fill(Color32::from_rgb(r, g, b))
                        .width(0.7),
                )
            })
            .collect();
        if bars.is_empty() {
            // No frame around nothing: say why there is no chart.
            let why = if by_cluster.is_empty() {
                lang.tr(
                    "No project in this data has a known investment amount: there is nothing to chart.",
                )
            } else {
                lang.tr(
                    "No investment in yuan to chart; the amounts in other currencies are listed below.",
                )
            };
            ui.label(RichText::new(why).italics());
        } else {
            investment_chart(ui, atlas, bars, lang);
        }
        for ((cluster, cur), v) in by_cluster {
            if cur != "CNY" {
                let name = atlas.taxonomy.cluster_name(cluster, zh);
                ui.label(format!("{name}: {}", format_amount(*v, cur, zh)));
            }
        }
        if let Some(city) = &atlas.citywide {
            ui.separator();
            ui.label(RichText::new(lang.tr("Sources")).strong());
            sources_list(ui, &city.sources, lang);
        }
    }
}

/// The horizontal bar chart of signed CNY investment per cluster (100 m yuan), clusters top
/// down in taxonomy order.
fn investment_chart(
    ui: &mut Ui,
    atlas: &crate::model::Atlas,
    bars: Vec<egui_plot::Bar>,
    lang: crate::i18n::Lang,
) {
    let zh = lang.is_zh();
    let n = atlas.taxonomy.clusters.len();
    let names: Vec<String> = atlas
        .taxonomy
        .clusters
        .iter()
        .map(|c| c.name(zh).to_owned())
        .collect();
    let bars: Vec<egui_plot::Bar> = bars
        .into_iter()
        .map(|mut b| {
            // Top-down in taxonomy order.
            b.argument = (n - 1) as f64 - b.argument;
            b
        })
        .collect();
    egui_plot::Plot::new("investment_by_cluster")
        .height(22.0 * n as f64 as f32 + 40.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .show_grid([true, false])
        .x_axis_label(lang.tr("100 m CNY (亿元)"))
        .y_axis_min_width(110.0)
        .y_axis_formatter(move |mark, _| {
            let i = (n as f64 - 1.0 - mark.value).round();
            if (mark.value - mark.value.round()).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            plot.bar_chart(egui_plot::BarChart::new("CNY", bars).horizontal())
        });
}
