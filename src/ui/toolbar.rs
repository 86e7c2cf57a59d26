//! The top bar: open and export, zoom, language, the basemap menu and the status line.

use egui::{RichText, Ui};

use super::ViewContext;
use super::widgets::status_color;
use crate::command::{Command, Dialog, Picture};
use crate::i18n::Lang;
use crate::map::tiles::TileSource;

/// The toolbar (no state of its own).
#[derive(Debug, Default)]
pub struct Toolbar;

impl Toolbar {
    /// Draws the toolbar.
    pub fn ui(&mut self, ui: &mut Ui, view: &ViewContext<'_>, commands: &mut Vec<Command>) {
        let lang = view.lang;
        ui.horizontal(|ui| {
            // Tighter than egui's default, so that every button fits 1280 px in English.
            ui.spacing_mut().item_spacing.x = 5.0;
            ui.strong(lang.tr("Park Atlas"));
            ui.separator();
            if ui
                .button(lang.tr("Open data…"))
                .on_hover_text("Ctrl+O")
                .clicked()
            {
                commands.push(Command::Show(Dialog::Open));
            }
            let n = view.selection.len();
            let export = ui
                .add_enabled(
                    n > 0,
                    egui::Button::new(format!("{} ({n})", lang.tr("Export selected…"))),
                )
                .on_hover_text("Ctrl+E")
                .on_disabled_hover_text(
                    lang.tr("Select parks first (click on the map or use “Select all shown”)."),
                );
            if export.clicked() {
                commands.push(Command::Show(Dialog::Export));
            }
            ui.menu_button(lang.tr("Save…"), |ui| {
                for (picture, text) in [
                    (Picture::Png(1), lang.tr("Map image, PNG 1×…")),
                    (Picture::Png(2), lang.tr("Map image, PNG 2×…")),
                    (Picture::Png(4), lang.tr("Map image, PNG 4×…")),
                    (Picture::Svg, lang.tr("Map image, SVG…")),
                    (
                        Picture::SvgOutlined,
                        lang.tr("Map image, SVG with text as outlines…"),
                    ),
                ] {
                    if ui.button(text).clicked() {
                        commands.push(Command::Show(Dialog::MapImage(picture)));
                        ui.close();
                    }
                }
                if ui
                    .add_enabled(
                        n > 0,
                        egui::Button::new(lang.tr("Brief of selection (PDF)…")),
                    )
                    .on_disabled_hover_text(
                        lang.tr("Select parks first (click on the map or use “Select all shown”)."),
                    )
                    .clicked()
                {
                    commands.push(Command::Show(Dialog::Brief));
                    ui.close();
                }
            });
            ui.separator();
            if ui.button("+").on_hover_text(lang.tr("Zoom in")).clicked() {
                commands.push(Command::ZoomIn);
            }
            if ui.button("−").on_hover_text(lang.tr("Zoom out")).clicked() {
                commands.push(Command::ZoomOut);
            }
            if ui.button(lang.tr("Fit city")).clicked() {
                commands.push(Command::FitCity);
            }
            if ui
                .add_enabled(n > 0, egui::Button::new(lang.tr("Fit selection")))
                .on_hover_text("Ctrl+J")
                .on_disabled_hover_text(
                    lang.tr("Select parks first (click on the map or use “Select all shown”)."),
                )
                .clicked()
            {
                commands.push(Command::ZoomToSelection);
            }
            ui.separator();
            if ui
                .selectable_label(view.table_open, lang.tr("Table"))
                .on_hover_text(lang.tr("Show or hide the attribute table (Ctrl+T)"))
                .clicked()
            {
                commands.push(Command::ToggleTable);
            }
            measure_menu_ui(ui, view, commands);
            choropleth_menu_ui(ui, view, commands);
            let refused = view
                .store
                .as_ref()
                .and_then(|s| s.edit_refused.clone())
                .filter(|_| !view.editing);
            let edit = ui.add_enabled(
                refused.is_none(),
                egui::Button::selectable(view.editing, lang.tr("Edit")),
            );
            let edit = match &refused {
                Some(why) => edit.on_disabled_hover_text(why),
                None => edit.on_hover_text(lang.tr("Edit mode: change the selected park, add projects; every change cites a source (Ctrl+Z undo, Ctrl+S save)")),
            };
            if edit.clicked() {
                commands.push(Command::ToggleEditing);
            }
            ui.separator();
            for (l, text) in [(Lang::Zh, "中文"), (Lang::En, "English")] {
                if ui.selectable_label(lang == l, text).clicked() {
                    commands.push(Command::SetLang(l));
                }
            }
            ui.separator();
            basemap_menu_ui(ui, view, commands);
            if ui
                .button("?")
                .on_hover_text(lang.tr("Mouse and keyboard"))
                .clicked()
            {
                commands.push(Command::Show(Dialog::Help));
            }
        });
    }
}

/// The status bar along the window's bottom: what the last action did (files written, data
/// opened, errors in red), with a spinner while a file is written in the background. It has
/// the window's whole width, so a long path is not cut off.
pub fn status_bar_ui(ui: &mut Ui, view: &ViewContext<'_>) {
    ui.horizontal(|ui| {
        if let Some(store) = view.store {
            let lang = view.lang;
            let (text, color) = match store.online {
                Some(true) if store.saving => (
                    lang.tr("● saving"),
                    egui::Color32::from_rgb(0x1a, 0x73, 0xe8),
                ),
                Some(true) => (
                    lang.tr("● team store"),
                    egui::Color32::from_rgb(0x1e, 0x8e, 0x3e),
                ),
                Some(false) => (
                    lang.tr("○ offline"),
                    egui::Color32::from_rgb(0xc5, 0x22, 0x1f),
                ),
                None => (lang.tr("○ connecting"), egui::Color32::GRAY),
            };
            let hover = match &store.reason {
                Some(r) => format!("{}\n{r}", store.shown),
                None => store.shown.clone(),
            };
            ui.label(RichText::new(text).color(color))
                .on_hover_text(hover);
            ui.separator();
        }
        if view.exporting {
            ui.spinner();
        }
        match view.status {
            Some(s) => {
                ui.add(
                    egui::Label::new(RichText::new(&s.text).color(status_color(s.error)))
                        .truncate(),
                )
                .on_hover_text(&s.text);
            }
            // Nothing to report: how many parks are shown and selected.
            None => {
                let (shown, all) = (view.shown.len(), view.atlas.parks.len());
                let n = view.selection.len();
                ui.weak(if view.lang.is_zh() {
                    format!("显示 {shown} / {all} 个园区 · 已选 {n}")
                } else {
                    format!("{shown} / {all} parks shown · {n} selected")
                });
            }
        }
    });
}

fn basemap_menu_ui(ui: &mut Ui, view: &ViewContext<'_>, commands: &mut Vec<Command>) {
    let lang = view.lang;
    let b = view.basemap;
    let current = match b {
        None => lang.tr("Built-in (offline)"),
        Some(TileSource::Osm) => "OpenStreetMap",
        Some(TileSource::Amap) => lang.tr("AMap 高德 (GCJ-02)"),
        Some(TileSource::Xyz { .. }) => lang.tr("Custom XYZ…"),
        Some(TileSource::Folder(_) | TileSource::PmTiles(_)) => lang.tr("Tiles folder…"),
    };
    let label = ui.label(lang.tr("Basemap"));
    egui::ComboBox::from_id_salt("basemap")
        .selected_text(current)
        .show_ui(ui, |ui| {
            let items: [(bool, &str, Command); 5] = [
                (
                    b.is_none(),
                    lang.tr("Built-in (offline)"),
                    Command::SetBasemap(None),
                ),
                (
                    b == Some(&TileSource::Osm),
                    "OpenStreetMap",
                    Command::SetBasemap(Some(TileSource::Osm)),
                ),
                (
                    b == Some(&TileSource::Amap),
                    lang.tr("AMap 高德 (GCJ-02)"),
                    Command::SetBasemap(Some(TileSource::Amap)),
                ),
                (
                    matches!(b, Some(TileSource::Xyz { .. })),
                    lang.tr("Custom XYZ…"),
                    Command::Show(Dialog::Xyz),
                ),
                (
                    matches!(b, Some(TileSource::Folder(_) | TileSource::PmTiles(_))),
                    lang.tr("Tiles folder…"),
                    Command::Show(Dialog::TilesFolder),
                ),
            ];
            for (on, text, command) in items {
                if ui.selectable_label(on, text).clicked() {
                    commands.push(command);
                }
            }
            ui.separator();
            if ui.button(lang.tr("Clear tile cache")).clicked() {
                commands.push(Command::ClearTileCache);
            }
        })
        .response
        .labelled_by(label.id);
}

fn measure_menu_ui(ui: &mut Ui, view: &ViewContext<'_>, commands: &mut Vec<Command>) {
    use crate::measure::MeasureKind;
    let lang = view.lang;
    let on = view.measuring.is_some();
    let title = if on {
        RichText::new(lang.tr("Measure")).strong()
    } else {
        RichText::new(lang.tr("Measure"))
    };
    ui.menu_button(title, |ui| {
        for (kind, text) in [
            (MeasureKind::Distance, lang.tr("Measure distance")),
            (MeasureKind::Area, lang.tr("Measure area")),
        ] {
            if ui
                .selectable_label(view.measuring == Some(kind), text)
                .clicked()
            {
                commands.push(Command::Measure(Some(kind)));
                ui.close();
            }
        }
        if ui
            .add_enabled(on, egui::Button::new(lang.tr("Stop measuring")))
            .clicked()
        {
            commands.push(Command::Measure(None));
            ui.close();
        }
    });
}

/// "Colour counties": the choropleth's metric and classing.
fn choropleth_menu_ui(ui: &mut Ui, view: &ViewContext<'_>, commands: &mut Vec<Command>) {
    use crate::choropleth::{ChoroplethSpec, Classing, Metric, numeric_properties};
    let lang = view.lang;
    let current = view.choropleth;
    let classing = current.map_or(Classing::default(), |s| s.classing);
    let title = if current.is_some() {
        RichText::new(lang.tr("Colour counties")).strong()
    } else {
        RichText::new(lang.tr("Colour counties"))
    };
    ui.menu_button(title, |ui| {
        let set =
            |metric: Metric| Command::SetChoropleth(Some(ChoroplethSpec { metric, classing }));
        let mut items: Vec<(String, Option<Command>, bool)> = vec![(
            lang.tr("None").to_owned(),
            Some(Command::SetChoropleth(None)),
            current.is_none(),
        )];
        let is = |m: &Metric| current.is_some_and(|s| &s.metric == m);
        items.push((
            lang.tr("Parks shown").to_owned(),
            Some(set(Metric::Parks)),
            is(&Metric::Parks),
        ));
        items.push((
            lang.tr("Projects of the parks shown").to_owned(),
            Some(set(Metric::Projects)),
            is(&Metric::Projects),
        ));
        let currencies: std::collections::BTreeSet<&str> = view
            .atlas
            .parks
            .iter()
            .flat_map(|p| p.projects.iter().filter_map(|pr| pr.currency.as_deref()))
            .collect();
        for c in currencies {
            let m = Metric::Investment(c.to_owned());
            let on = is(&m);
            items.push((
                format!("{} ({c})", lang.tr("Signed investment")),
                Some(set(m)),
                on,
            ));
        }
        for (i, l) in view.atlas.layers.iter().enumerate() {
            for property in numeric_properties(view.atlas, i) {
                let m = Metric::LayerSum {
                    layer: l.key(),
                    property: property.clone(),
                };
                let on = is(&m);
                items.push((
                    format!("{} {property} ({})", lang.tr("Sum of"), l.name),
                    Some(set(m)),
                    on,
                ));
            }
        }
        for (text, command, on) in items {
            if ui.selectable_label(on, text).clicked()
                && let Some(c) = command
            {
                commands.push(c);
                ui.close();
            }
        }
        ui.separator();
        ui.label(RichText::new(lang.tr("Classes")).strong());
        for c in [
            Classing::Quantiles,
            Classing::EqualInterval,
            Classing::NaturalBreaks,
        ] {
            let name = crate::map::choropleth_layer::classing_name(c, lang);
            if ui
                .add_enabled(
                    current.is_some(),
                    egui::Button::selectable(classing == c, name),
                )
                .clicked()
                && let Some(s) = current
            {
                commands.push(Command::SetChoropleth(Some(ChoroplethSpec {
                    metric: s.metric.clone(),
                    classing: c,
                })));
            }
        }
    });
}
