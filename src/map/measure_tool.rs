//! The Measure tool on the map: clicks add points, the pointer is the live last point, a
//! double click (or Esc, handled by the app) ends it; the line or polygon is drawn over the
//! parks and a box at the map's top right shows the geodesic numbers with a Copy button.

use egui::{Color32, Mesh, Pos2, Rect, Response, Shape, Stroke, Ui, Vec2};
use geo::TriangulateEarcut;
use walkers::Position;

use super::projection::Screen;
use crate::i18n::Lang;
use crate::measure::{MeasureKind, MeasureResult, Measurement, format_area, format_length};

const INK: Color32 = Color32::from_rgb(0xc0, 0x1f, 0x7a);

/// Turns this frame's clicks into points. Returns true when the click was the tool's (the
/// map must not also select or identify with it).
pub fn handle_clicks(m: &mut Measurement, response: &Response, scr: &Screen<'_>) -> bool {
    // A quick click before the double click makes egui call it a triple click.
    if response.double_clicked() || response.triple_clicked() {
        // The double click's first click already added its point.
        if !m.finished {
            m.finished = true;
        }
        return true;
    }
    if !response.clicked() {
        return false;
    }
    let Some(p) = response.interact_pointer_pos() else {
        return false;
    };
    if m.finished {
        *m = Measurement::new(m.kind);
    }
    let g = scr.geo(p);
    m.points.push((g.x(), g.y()));
    true
}

/// Draws the measured line or polygon, its points, and the live segment to the pointer.
pub fn draw(painter: &egui::Painter, scr: &Screen<'_>, m: &Measurement, pointer: Option<Pos2>) {
    let mut pts: Vec<Pos2> = m
        .points
        .iter()
        .map(|&(x, y)| scr.pos(Position::new(x, y)))
        .collect();
    let drawn = pts.len();
    if !m.finished
        && let Some(p) = pointer
        && !pts.is_empty()
    {
        pts.push(p);
    }
    if m.kind == MeasureKind::Area && pts.len() >= 3 {
        let closed: Vec<Pos2> = pts.iter().copied().chain(pts.first().copied()).collect();
        // A light fill, triangulated: the polygon may be concave (an L-shaped plot).
        painter.add(Shape::mesh(fill_mesh(
            &pts,
            Color32::from_rgba_unmultiplied(0xc0, 0x1f, 0x7a, 28),
        )));
        painter.add(Shape::line(closed, Stroke::new(2.0, INK)));
    } else if pts.len() >= 2 {
        painter.add(Shape::line(pts.clone(), Stroke::new(2.0, INK)));
    }
    for p in pts.iter().take(drawn) {
        painter.circle(*p, 4.0, Color32::WHITE, Stroke::new(2.0, INK));
    }
}

/// The inside of the ring through `pts` as triangles (earcut, as the map's polygons), so a
/// concave outline is filled as drawn and not as its convex hull.
fn fill_mesh(pts: &[Pos2], color: Color32) -> Mesh {
    let ring: Vec<geo::Coord<f64>> = pts
        .iter()
        .map(|p| geo::coord! { x: f64::from(p.x), y: f64::from(p.y) })
        .collect();
    let tri = geo::Polygon::new(geo::LineString::new(ring), vec![]).earcut_triangles_raw();
    let mut mesh = Mesh::default();
    for xy in &tri.vertices {
        mesh.colored_vertex(Pos2::new(xy[0] as f32, xy[1] as f32), color);
    }
    mesh.indices
        .extend(tri.triangle_indices.iter().map(|&i| i as u32));
    mesh
}

/// The result box at the map's top right: the numbers (selectable), a Copy button and how to
/// go on. Returns its rectangle (labels keep clear of it).
pub fn result_box(
    ui: &Ui,
    map: Rect,
    m: &Measurement,
    live: Option<Position>,
    lang: Lang,
    copied: &mut Option<String>,
) -> Rect {
    let r = m.result(live.map(|p| (p.x(), p.y())));
    let text = r.text(m.kind);
    let area = egui::Area::new(egui::Id::unique("park_atlas_measure_result"))
        .order(egui::Order::Foreground)
        .fixed_pos(map.right_top() + Vec2::new(-300.0, 8.0))
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_width(280.0);
                let title = match m.kind {
                    MeasureKind::Distance => lang.tr("Measure distance"),
                    MeasureKind::Area => lang.tr("Measure area"),
                };
                ui.strong(title);
                for line in lines(&r, m.kind, lang) {
                    ui.add(egui::Label::new(egui::RichText::new(line).size(15.0)).selectable(true));
                }
                ui.weak(if m.finished {
                    lang.tr("Finished. Click to start again; Esc closes the tool.")
                } else {
                    lang.tr("Click to add points; double-click or Esc to finish.")
                });
                if ui.button(lang.tr("Copy")).clicked() {
                    ui.ctx().copy_text(text.clone());
                    *copied = Some(text.clone());
                }
            });
        });
    area.response.rect
}

fn lines(r: &MeasureResult, kind: MeasureKind, lang: Lang) -> Vec<String> {
    match (kind, r.area_m2) {
        (MeasureKind::Distance, _) => vec![format!(
            "{}: {}",
            lang.tr("Distance"),
            format_length(r.length_m)
        )],
        (MeasureKind::Area, Some(a)) => vec![
            format!("{}: {}", lang.tr("Area"), format_area(a)),
            format!("{}: {}", lang.tr("Perimeter"), format_length(r.length_m)),
        ],
        (MeasureKind::Area, None) => vec![lang.tr("Area: click at least 3 points").to_owned()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The area the triangles cover.
    fn covered(mesh: &Mesh) -> f32 {
        mesh.indices
            .chunks(3)
            .map(|t| {
                let [a, b, c] = [0, 1, 2].map(|k| mesh.vertices[t[k] as usize].pos);
                ((b - a).x * (c - a).y - (b - a).y * (c - a).x).abs() / 2.0
            })
            .sum()
    }

    #[test]
    fn a_concave_outline_is_filled_as_drawn_not_as_its_hull() {
        // An L: a 20×20 square without its 10×10 top-right quarter (area 300; hull 350).
        let l = [
            (0., 0.),
            (10., 0.),
            (10., 10.),
            (20., 10.),
            (20., 20.),
            (0., 20.),
        ]
        .map(|(x, y)| Pos2::new(x, y));
        let mesh = fill_mesh(&l, Color32::RED);
        assert!((covered(&mesh) - 300.0).abs() < 1e-3, "{}", covered(&mesh));
        assert_eq!(mesh.indices.len(), 3 * 4);
        // Clockwise works the same.
        let mut cw = l;
        cw.reverse();
        assert!((covered(&fill_mesh(&cw, Color32::RED)) - 300.0).abs() < 1e-3);
    }
}
