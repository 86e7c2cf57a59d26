//! The county choropleth on the map: each county filled in its class colour (meshes built
//! once per zoom level, recoloured per frame), a legend with the class ranges, and a tooltip
//! with the county's numbers.

use egui::{Color32, FontId, Pos2, Rect, Shape, Stroke, Vec2};
use walkers::{MercatorProjection, Position};

use super::basemap::{CacheKey, CachedShapes, build_shapes, place_mesh};
use crate::choropleth::{Choropleth, ChoroplethSpec, Classing, Metric};
use crate::i18n::Lang;
use crate::model::Atlas;
use crate::query::{CountyStats, format_amount};

/// What the map needs to draw the choropleth this frame.
pub struct ChoroplethView<'a> {
    /// What is shown.
    pub spec: &'a ChoroplethSpec,
    /// The counties' values and classes.
    pub data: &'a Choropleth,
    /// Every county's numbers (for the tooltip).
    pub stats: &'a [CountyStats],
}

/// Per-county fill meshes for one zoom level.
#[derive(Default)]
pub struct ChoroplethLayer {
    cache: Option<(CacheKey, Vec<CachedShapes>)>,
}

impl ChoroplethLayer {
    /// Builds the county meshes when the data, zoom level or datum changed.
    pub fn ensure(&mut self, atlas: &Atlas, key: CacheKey, reference: Position) {
        let fresh = self.cache.as_ref().is_some_and(|(k, _)| {
            k.generation == key.generation && k.gcj == key.gcj && (k.zoom - key.zoom).abs() < 1.0
        });
        if fresh {
            return;
        }
        let meshes = atlas
            .counties
            .iter()
            .map(|c| {
                let g: Vec<&geo::Geometry<f64>> = c.geometry.iter().collect();
                build_shapes(
                    &g,
                    &MercatorProjection,
                    key.zoom,
                    reference,
                    Color32::WHITE,
                    false,
                    key.gcj,
                )
            })
            .collect();
        self.cache = Some((key, meshes));
    }

    /// Fills each county with a value in its class colour (counties without one stay as
    /// they are).
    pub fn draw(
        &self,
        painter: &egui::Painter,
        view: &ChoroplethView<'_>,
        offset: Vec2,
        zoom: f64,
    ) {
        let Some((key, meshes)) = &self.cache else {
            return;
        };
        let scale = 2f64.powf(zoom - key.zoom) as f32;
        for (mesh, class) in meshes.iter().zip(&view.data.classes) {
            let Some(class) = class else {
                continue;
            };
            let [r, g, b] = view.data.color(*class);
            let color = Color32::from_rgba_unmultiplied(r, g, b, 190);
            let mut m = place_mesh(&mesh.fill, offset, scale);
            for v in &mut m.vertices {
                v.color = color;
            }
            painter.add(Shape::mesh(m));
        }
    }
}

/// The legend's title: what is counted and how it is classed.
pub fn title(spec: &ChoroplethSpec, lang: Lang) -> String {
    let what = match &spec.metric {
        Metric::Parks => lang.tr("Parks shown").to_owned(),
        Metric::Projects => lang.tr("Projects of the parks shown").to_owned(),
        Metric::Investment(c) => format!("{} ({c})", lang.tr("Signed investment")),
        Metric::LayerSum { layer, property } => {
            let file = std::path::Path::new(layer)
                .file_name()
                .map_or_else(|| layer.clone(), |n| n.to_string_lossy().into_owned());
            format!("{property} ({} · {file})", lang.tr("sum"))
        }
    };
    format!("{what} — {}", classing_name(spec.classing, lang))
}

/// A classing's name.
pub fn classing_name(c: Classing, lang: Lang) -> &'static str {
    match c {
        Classing::Quantiles => lang.tr("Quantiles"),
        Classing::EqualInterval => lang.tr("Equal intervals"),
        Classing::NaturalBreaks => lang.tr("Natural breaks (Jenks)"),
    }
}

/// A value as the legend and tooltip show it.
pub fn format_value(metric: &Metric, x: f64, lang: Lang) -> String {
    match metric {
        Metric::Investment(c) => format_amount(x, c, lang.is_zh()),
        _ if x.fract() == 0.0 => format!("{x:.0}"),
        _ => format!("{x:.2}"),
    }
}

/// The legend's lines: one per class with its range ("a – b"; the first class from its
/// lowest value, the others above the previous class's top).
pub fn legend_lines(view: &ChoroplethView<'_>, lang: Lang) -> Vec<([u8; 3], String)> {
    let b = &view.data.bounds;
    let f = |x: f64| format_value(&view.spec.metric, x, lang);
    (0..view.data.class_count())
        .filter_map(|i| {
            let (lo, hi) = (*b.get(i)?, *b.get(i + 1)?);
            let text = if lo == hi {
                f(lo)
            } else if i == 0 {
                format!("{} – {}", f(lo), f(hi))
            } else {
                format!("> {} – {}", f(lo), f(hi))
            };
            Some((view.data.color(i), text))
        })
        .collect()
}

/// Draws the legend at the map's bottom right (above the cursor readout) and returns its
/// rectangle.
pub fn draw_legend(
    painter: &egui::Painter,
    rect: Rect,
    view: &ChoroplethView<'_>,
    lang: Lang,
) -> Rect {
    let title = title(view.spec, lang);
    let mut lines = legend_lines(view, lang);
    let none = view.data.values.iter().any(Option::is_none);
    if none {
        lines.push(([255, 255, 255], lang.tr("no data").to_owned()));
    }
    let font = FontId::proportional(12.0);
    let title_g = painter.layout_no_wrap(title, FontId::proportional(12.5), Color32::BLACK);
    let galleys: Vec<_> = lines
        .iter()
        .map(|(_, t)| painter.layout_no_wrap(t.clone(), font.clone(), Color32::from_gray(30)))
        .collect();
    let row = 17.0;
    let width = galleys
        .iter()
        .map(|g| g.size().x + 26.0)
        .fold(title_g.size().x, f32::max)
        + 14.0;
    let height = title_g.size().y + row * galleys.len() as f32 + 12.0;
    let min = rect.right_bottom() - Vec2::new(width + 8.0, height + 48.0);
    let r = Rect::from_min_size(min, Vec2::new(width, height));
    painter.rect_filled(r, 4.0, Color32::from_white_alpha(225));
    painter.rect_stroke(
        r,
        4.0,
        Stroke::new(1.0, Color32::from_gray(170)),
        egui::StrokeKind::Inside,
    );
    let mut y = r.min.y + 6.0;
    painter.galley(Pos2::new(r.min.x + 7.0, y), title_g.clone(), Color32::BLACK);
    y += title_g.size().y + 3.0;
    for ((rgb, _), g) in lines.iter().zip(galleys) {
        let sw = Rect::from_min_size(Pos2::new(r.min.x + 7.0, y + 2.0), Vec2::new(16.0, 11.0));
        let [cr, cg, cb] = *rgb;
        painter.rect_filled(sw, 1.0, Color32::from_rgb(cr, cg, cb));
        painter.rect_stroke(
            sw,
            1.0,
            Stroke::new(0.5, Color32::from_gray(120)),
            egui::StrokeKind::Inside,
        );
        painter.galley(Pos2::new(sw.max.x + 6.0, y), g, Color32::from_gray(30));
        y += row;
    }
    r
}

/// The tooltip's lines for a county: its value and all its numbers.
pub fn tooltip_lines(view: &ChoroplethView<'_>, county: usize, lang: Lang) -> Vec<String> {
    let zh = lang.is_zh();
    let mut out = Vec::new();
    if let Some(s) = view.stats.get(county) {
        let name = if zh { &s.name_zh } else { &s.name_en };
        out.push(name.clone());
    }
    let value = view.data.values.get(county).copied().flatten().map_or_else(
        || lang.tr("no data").to_owned(),
        |v| format_value(&view.spec.metric, v, lang),
    );
    out.push(format!(
        "{}: {value}",
        title(view.spec, lang).split(" — ").next().unwrap_or("")
    ));
    if let Some(s) = view.stats.get(county) {
        // The other numbers (the metric's own line is above).
        if view.spec.metric != Metric::Parks {
            out.push(format!("{}: {}", lang.tr("Parks shown"), s.parks));
        }
        if view.spec.metric != Metric::Projects {
            out.push(format!("{}: {}", lang.tr("Projects"), s.projects));
        }
        let totals = crate::query::format_totals(&s.totals, zh)
            .unwrap_or_else(|| lang.tr("unknown").to_owned());
        out.push(format!("{}: {totals}", lang.tr("Signed investment")));
    }
    out
}
