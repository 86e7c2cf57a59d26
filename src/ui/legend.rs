//! The legend, docked under the map so that it never covers a park or a label: one line with
//! the clusters that colour the shown parks in view (fewer as the map zooms in), the marker
//! shapes (the map's own note says what a halo means). Collapsed to a single button, and remembered so.

use egui::{Color32, RichText, Sense, Stroke, Ui, Vec2};

use crate::command::Command;
use crate::i18n::Lang;
use crate::model::Atlas;

/// What the legend shows this frame.
pub struct LegendView<'a> {
    /// The data (the taxonomy's clusters and colours).
    pub atlas: &'a Atlas,
    /// Taxonomy indices of the clusters of the shown parks in view.
    pub clusters: &'a [usize],
    /// Folded to its button.
    pub collapsed: bool,
    /// Interface language.
    pub lang: Lang,
}

/// The marker shapes the map draws, as the legend names them.
#[derive(Clone, Copy)]
enum Symbol {
    Zone,
    Park,
    Site,
    Infrastructure,
}

/// One entry: the symbol and its name, as one widget (so that a wrapped row moves both).
fn item_ui(ui: &mut Ui, symbol: Symbol, color: Color32, text: &str, weak: bool) {
    let text_color = if weak {
        ui.visuals().weak_text_color()
    } else {
        ui.visuals().text_color()
    };
    let galley = ui.painter().layout_no_wrap(
        text.to_owned(),
        egui::TextStyle::Small.resolve(ui.style()),
        text_color,
    );
    let size = Vec2::new(18.0 + galley.size().x, galley.size().y.max(16.0));
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    // Read by screen readers (and found by tests) as the label it shows.
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text));
    symbol_paint(
        ui.painter(),
        symbol,
        color,
        rect.left_center() + Vec2::new(7.0, 0.0),
    );
    ui.painter().galley(
        egui::pos2(rect.left() + 18.0, rect.center().y - galley.size().y / 2.0),
        galley,
        text_color,
    );
}

fn symbol_paint(p: &egui::Painter, symbol: Symbol, color: Color32, c: egui::Pos2) {
    let white = Stroke::new(1.0, Color32::WHITE);
    match symbol {
        Symbol::Zone => {
            p.circle_stroke(c, 5.5, Stroke::new(2.5, color));
        }
        Symbol::Park => {
            p.circle(c, 5.0, color, white);
        }
        Symbol::Site => {
            let d = 5.5;
            p.add(egui::Shape::convex_polygon(
                vec![
                    c + Vec2::new(0.0, -d),
                    c + Vec2::new(d, 0.0),
                    c + Vec2::new(0.0, d),
                    c + Vec2::new(-d, 0.0),
                ],
                color,
                white,
            ));
        }
        Symbol::Infrastructure => {
            p.rect(
                egui::Rect::from_center_size(c, Vec2::splat(9.0)),
                1.5,
                color,
                white,
                egui::StrokeKind::Middle,
            );
        }
    }
}

/// Draws the legend (in a panel docked under the map) and pushes [`Command::ToggleLegend`]
/// when its button is clicked.
pub fn legend_ui(ui: &mut Ui, view: &LegendView<'_>, commands: &mut Vec<Command>) {
    let (lang, zh) = (view.lang, view.lang.is_zh());
    ui.painter()
        .rect_filled(ui.max_rect().expand(4.0), 0.0, ui.visuals().panel_fill);
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        let tip = if view.collapsed {
            lang.tr("Show the legend")
        } else {
            lang.tr("Hide the legend")
        };
        // A triangle painted beside the word (the fonts have no ▸ / ▾): right when folded,
        // down when open.
        let button = ui
            .button(RichText::new(format!("    {}", lang.tr("Legend"))).strong())
            .on_hover_text(tip);
        let c = button.rect.left_center() + Vec2::new(11.0, 0.0);
        let points = if view.collapsed {
            vec![
                c + Vec2::new(-3.0, -5.0),
                c + Vec2::new(4.0, 0.0),
                c + Vec2::new(-3.0, 5.0),
            ]
        } else {
            vec![
                c + Vec2::new(-5.0, -3.0),
                c + Vec2::new(5.0, -3.0),
                c + Vec2::new(0.0, 4.0),
            ]
        };
        let color = ui.visuals().strong_text_color();
        ui.painter()
            .add(egui::Shape::convex_polygon(points, color, Stroke::NONE));
        if button.clicked() {
            commands.push(Command::ToggleLegend);
        }
        if view.collapsed {
            return;
        }
        if view.clusters.is_empty() {
            ui.weak(lang.tr("No park in view."));
        }
        for &k in view.clusters {
            let Some(c) = view.atlas.taxonomy.clusters.get(k) else {
                continue;
            };
            let [r, g, b] = c.rgb();
            item_ui(
                ui,
                Symbol::Park,
                Color32::from_rgb(r, g, b),
                c.name(zh),
                false,
            );
            ui.add_space(6.0);
        }
        // (No ui.separator(): in a wrapping row it would stretch to the whole height.)
        ui.add_space(8.0);
        let grey = Color32::from_gray(110);
        for (symbol, text) in [
            (Symbol::Zone, lang.tr("agglomeration zone")),
            (Symbol::Park, lang.tr("park")),
            (Symbol::Site, lang.tr("anchor site")),
            (Symbol::Infrastructure, lang.tr("infrastructure")),
        ] {
            item_ui(ui, symbol, grey, text, true);
            ui.add_space(2.0);
        }
    });
}
