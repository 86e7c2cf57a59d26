//! The Layers section at the top of the left panel: one row per opened file (top of the
//! drawing order first) with visibility, colour, opacity, feature count, zoom to, order and
//! remove.

use egui::{Color32, RichText, Ui};

use super::ViewContext;
use crate::command::{Command, Dialog};

/// Draws the Layers section.
pub fn layers_ui(ui: &mut Ui, view: &ViewContext<'_>, commands: &mut Vec<Command>) {
    let lang = view.lang;
    let layers = &view.atlas.layers;
    let title = format!("{} ({})", lang.tr("Layers"), layers.len());
    egui::CollapsingHeader::new(title)
        .id_salt("layers_section")
        .default_open(true)
        .show(ui, |ui| {
            if layers.is_empty() {
                ui.weak(lang.tr("Open a GeoJSON, GeoPackage or shapefile (Ctrl+O), or drop one here, to add a layer."));
                if ui.small_button(lang.tr("Open…")).clicked() {
                    commands.push(Command::Show(Dialog::Open));
                }
                return;
            }
            let last = layers.len() - 1;
            // The top of the drawing order is listed first, as in QGIS.
            for (i, layer) in layers.iter().enumerate().rev() {
                ui.push_id(("layer", i), |ui| {
                    let mut style = layer.style;
                    ui.horizontal(|ui| {
                        ui.color_edit_button_srgb(&mut style.color)
                            .on_hover_text(lang.tr("Colour"));
                        let path = layer
                            .path
                            .as_ref()
                            .map_or_else(String::new, |p| p.display().to_string());
                        ui.checkbox(&mut style.visible, &layer.name)
                            .on_hover_text(format!(
                                "{path}\n{}",
                                lang.tr("Show or hide the layer")
                            ));
                    });
                    ui.horizontal(|ui| {
                        let count = format!("{} {}", layer.len(), lang.tr("features"));
                        ui.add(
                            egui::Label::new(RichText::new(count).color(Color32::from_gray(90)))
                                .extend(),
                        );
                        ui.spacing_mut().slider_width = 48.0;
                        ui.add(egui::Slider::new(&mut style.opacity, 0.0..=1.0).show_value(false))
                            .on_hover_text(lang.tr("Fill opacity"));
                        if ui
                            .small_button(lang.tr("Zoom"))
                            .on_hover_text(lang.tr("Zoom to layer"))
                            .clicked()
                        {
                            commands.push(Command::ZoomToLayer(i));
                        }
                        if ui
                            .add_enabled(i < last, egui::Button::new("↑").small())
                            .on_hover_text(lang.tr("Move up (drawn over the others)"))
                            .clicked()
                        {
                            commands.push(Command::MoveLayer(i, true));
                        }
                        if ui
                            .add_enabled(i > 0, egui::Button::new("↓").small())
                            .on_hover_text(lang.tr("Move down"))
                            .clicked()
                        {
                            commands.push(Command::MoveLayer(i, false));
                        }
                        if ui
                            .small_button("×")
                            .on_hover_text(lang.tr("Remove layer"))
                            .clicked()
                        {
                            commands.push(Command::RemoveLayer(i));
                        }
                    });
                    if style != layer.style {
                        commands.push(Command::SetLayerStyle(i, style));
                    }
                });
                ui.add_space(2.0);
            }
        });
}
