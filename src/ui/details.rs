//! The right panel: one park's details, a comparison of several, or the city overview.

use egui::{Color32, RichText, ScrollArea, Ui};
use egui_extras::{Column, TableBuilder};
use serde::{Deserialize, Serialize};

use crate::app::Command;
use crate::model::{Atlas, Park, Project};
use crate::query::{Selection, format_amount, investment_by_cluster, summarize};
use crate::ui::i18n::Lang;
use crate::ui::{cluster_chip, source_refs, sources_list};

/// Columns the projects table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SortBy {
    /// File order.
    #[default]
    None,
    /// Project name.
    Name,
    /// Investor.
    Investor,
    /// Amount (per currency, unknown last).
    Amount,
    /// Year.
    Year,
    /// Status.
    Status,
}

/// Sort state of the projects table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProjectSort {
    /// Column.
    pub by: SortBy,
    /// Descending.
    pub descending: bool,
}

impl ProjectSort {
    fn click(&mut self, by: SortBy) {
        if self.by == by {
            self.descending = !self.descending;
        } else {
            *self = ProjectSort {
                by,
                descending: false,
            };
        }
    }

    /// Project indices in display order.
    pub fn order(&self, projects: &[Project], zh: bool) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..projects.len()).collect();
        let key_str = |p: &Project| match self.by {
            SortBy::Name => p.name(zh).to_lowercase(),
            SortBy::Investor => p.investor.clone().unwrap_or_default().to_lowercase(),
            SortBy::Status => p.status.clone().unwrap_or_default().to_lowercase(),
            _ => String::new(),
        };
        match self.by {
            SortBy::None => {}
            SortBy::Amount => idx.sort_by(|&a, &b| {
                let (pa, pb) = (&projects[a], &projects[b]);
                (pa.currency.clone(), pa.amount.map(|x| -x))
                    .partial_cmp(&(pb.currency.clone(), pb.amount.map(|x| -x)))
                    .unwrap_or(std::cmp::Ordering::Equal)
            }),
            SortBy::Year => idx.sort_by_key(|&i| projects[i].year),
            _ => idx.sort_by_key(|&i| key_str(&projects[i])),
        }
        if self.descending {
            idx.reverse();
        }
        idx
    }
}

/// Draws the panel for the current selection.
pub fn details_ui(
    ui: &mut Ui,
    atlas: &Atlas,
    selection: &Selection,
    lang: Lang,
    sort: &mut ProjectSort,
    commands: &mut Vec<Command>,
) {
    let parks = selection.parks(atlas);
    let width = ui.available_width();
    ScrollArea::vertical()
        .id_salt("details_scroll")
        .max_width(width)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            // Everything wraps to the panel's width rather than widening the panel.
            ui.set_max_width(width - 12.0);
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
            match parks.as_slice() {
                [] => overview_ui(ui, atlas, lang),
                [one] => park_ui(ui, atlas, one, lang, sort, commands),
                many => compare_ui(ui, atlas, many, lang, commands),
            }
        });
}

/// Marks a claim that only the 2021 conference article makes.
fn article_only_badge(ui: &mut Ui, lang: Lang) {
    ui.label(
        RichText::new(lang.tr("2021 article only"))
            .small()
            .color(Color32::from_rgb(0xb0, 0x50, 0x00)),
    )
    .on_hover_text(lang.tr("Only the 2021 conference article makes this claim."));
}

fn unknown(ui: &mut Ui, lang: Lang) {
    ui.label(
        RichText::new(lang.tr("unknown"))
            .italics()
            .color(Color32::from_gray(120)),
    );
}

fn row(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui)) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("{label}:")).strong());
        add(ui);
    });
}

/// One park in full.
pub fn park_ui(
    ui: &mut Ui,
    atlas: &Atlas,
    p: &Park,
    lang: Lang,
    sort: &mut ProjectSort,
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
    ui.add_space(4.0);
    row(ui, lang.tr("County"), |ui| {
        let names = atlas.county_names(p, zh);
        if names.is_empty() {
            unknown(ui, lang)
        } else {
            ui.label(names);
        }
    });
    row(ui, lang.tr("Tier"), |ui| {
        ui.label(lang.tier(p.tier));
        source_refs(ui, &p.sources, &p.source_ids("tier_source_ids"));
    });
    if let Some(d) = p.text("tier_detail") {
        ui.label(RichText::new(d).small().weak());
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
    if let Some(n) = p.text("area_note") {
        ui.label(RichText::new(n).small().weak());
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
    if let Some(n) = p.text("location_note") {
        ui.collapsing(lang.tr("Notes"), |ui| {
            ui.label(RichText::new(n).small());
        });
    }

    ui.separator();
    ui.label(RichText::new(lang.tr("Planned industries")).strong());
    ui.horizontal_wrapped(|ui| {
        for c in &p.clusters {
            cluster_chip(ui, atlas, c, zh);
        }
        source_refs(ui, &p.sources, &p.source_ids("clusters_source_ids"));
    });
    if let Some(n) = p.text("clusters_note") {
        ui.label(RichText::new(n).small().weak());
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
        projects_table(ui, p, lang, sort);
        let s = summarize(atlas, &[p]);
        if !s.totals.is_empty() {
            ui.label(format!(
                "{}: {}",
                lang.tr("Totals"),
                s.totals
                    .iter()
                    .map(|(c, a)| format_amount(*a, c, zh))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ));
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
            ui.label(t.text.as_deref().or(t.metric.as_deref()).unwrap_or(""));
            if let Some(v) = t.value {
                ui.label(
                    RichText::new(format!("{v} {}", t.unit.as_deref().unwrap_or(""))).strong(),
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
                ui.label(
                    RichText::new(f.get("text").and_then(|t| t.as_str()).unwrap_or("")).small(),
                );
                let ids: Vec<&str> = f
                    .get("source_ids")
                    .and_then(|v| v.as_array())
                    .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                    .unwrap_or_default();
                source_refs(ui, &p.sources, &ids);
            });
        }
    }
    if let Some(claim) = p.extra.get("article_claim") {
        ui.separator();
        ui.label(RichText::new(lang.tr("2021 article claim")).strong());
        ui.label(RichText::new(claim.get("claim").and_then(|c| c.as_str()).unwrap_or("")).small());
        if let Some(v) = claim.get("verification").and_then(|c| c.as_str()) {
            ui.label(
                RichText::new(format!("{}: {v}", lang.tr("Verification")))
                    .small()
                    .weak(),
            );
        }
    }
    if let Some(n) = p.text("notes") {
        ui.label(RichText::new(n).small().italics());
    }
    if let Some(c) = p.text("confidence") {
        ui.label(
            RichText::new(format!("{}: {c}", lang.tr("Confidence")))
                .small()
                .weak(),
        );
    }
    ui.separator();
    ui.label(RichText::new(lang.tr("Sources")).strong());
    sources_list(ui, &p.sources);
}

fn projects_table(ui: &mut Ui, p: &Park, lang: Lang, sort: &mut ProjectSort) {
    let zh = lang.is_zh();
    let order = sort.order(&p.projects, zh);
    let mut clicked = None;
    let arrow = |by: SortBy| {
        if sort.by == by {
            if sort.descending { " ↓" } else { " ↑" }
        } else {
            ""
        }
    };
    TableBuilder::new(ui)
        .id_salt(("projects", &p.id))
        .striped(true)
        .resizable(true)
        .vscroll(false)
        .column(Column::initial(92.0).at_least(50.0).clip(true))
        .column(Column::initial(62.0).at_least(40.0).clip(true))
        .column(Column::initial(66.0).at_least(50.0).clip(true))
        .column(Column::initial(34.0).clip(true))
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
                    row.col(|ui| {
                        ui.label(RichText::new(pr.name(zh)).small())
                            .on_hover_text(pr.name(!zh));
                    });
                    row.col(|ui| {
                        ui.label(RichText::new(pr.investor.as_deref().unwrap_or("—")).small())
                            .on_hover_text(pr.investor.as_deref().unwrap_or(""));
                    });
                    row.col(|ui| match (pr.amount, pr.currency.as_deref()) {
                        (Some(a), Some(c)) => {
                            let q = pr
                                .extra
                                .get("amount_qualifier")
                                .and_then(|v| v.as_str())
                                .map(|q| format!("{q} "))
                                .unwrap_or_default();
                            let r = ui.label(
                                RichText::new(format!("{q}{}", format_amount(a, c, zh))).small(),
                            );
                            if let Some(n) = pr.extra.get("amount_note").and_then(|v| v.as_str()) {
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
                    row.col(|ui| {
                        ui.label(RichText::new(pr.status.as_deref().unwrap_or("—")).small())
                            .on_hover_text(pr.status.as_deref().unwrap_or(""));
                    });
                    row.col(|ui| {
                        ui.label(RichText::new(pr.status_date.as_deref().unwrap_or("—")).small())
                            .on_hover_text(pr.status_date.as_deref().unwrap_or(""));
                    });
                    row.col(|ui| {
                        // The sources wrap inside their own column: always visible.
                        ui.horizontal_wrapped(|ui| {
                            ui.spacing_mut().item_spacing.x = 2.0;
                            let ids: Vec<&str> = pr.source_ids.iter().map(String::as_str).collect();
                            source_refs(ui, &p.sources, &ids);
                        });
                    });
                });
            }
        });
    if let Some(by) = clicked {
        sort.click(by);
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
        let s = summarize(atlas, &[*p]);
        let invest = if s.totals.is_empty() {
            lang.tr("unknown").to_owned()
        } else {
            s.totals
                .iter()
                .map(|(c, a)| format_amount(*a, c, zh))
                .collect::<Vec<_>>()
                .join(" + ")
        };
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

/// The city-wide figures and a chart of signed investment by cluster.
pub fn overview_ui(ui: &mut Ui, atlas: &Atlas, lang: Lang) {
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
                    .map(|q| format!("{q} "))
                    .unwrap_or_default();
                ui.label(format!("{}:", if zh { &f.label_zh } else { &f.label_en }));
                if value.is_empty() {
                    ui.label(RichText::new(&f.text).small());
                } else {
                    ui.label(RichText::new(format!("{q}{value}")).strong())
                        .on_hover_text(&f.text);
                }
                if let Some(p) = &f.period {
                    ui.weak(format!("({p})"));
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
    let all: Vec<&Park> = atlas.parks.iter().collect();
    let by_cluster = investment_by_cluster(&all);
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
        .x_axis_label(if zh {
            "亿元（人民币）"
        } else {
            "100 m CNY (亿元)"
        })
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
    for ((cluster, cur), v) in &by_cluster {
        if cur != "CNY" {
            let name = atlas
                .taxonomy
                .cluster(cluster)
                .map_or(cluster.as_str(), |c| c.name(zh));
            ui.label(format!("{name}: {}", format_amount(*v, cur, zh)));
        }
    }
    if let Some(city) = &atlas.citywide {
        ui.separator();
        ui.label(RichText::new(lang.tr("Sources")).strong());
        sources_list(ui, &city.sources);
    }
}
