//! The parks layer: which parks are in view, what is under the pointer, and drawing their
//! markers, accuracy halos and links; other (non-park) features in grey.

use egui::{Color32, Pos2, Rect, Shape, Stroke, Vec2, epaint::CircleShape};
use geo::{CoordsIter, Geometry};
use walkers::Position;

use super::MapInput;
use super::projection::Screen;
use super::style::{SELECTED, marker_radius, park_color, with_alpha};
use crate::model::{Atlas, Role};
use crate::spatial::Layer;

pub(super) fn points_of(g: &Geometry<f64>) -> Vec<Position> {
    g.coords_iter().map(|c| Position::new(c.x, c.y)).collect()
}

/// Parks (shown or dimmed) whose location meets the visible area, in drawing order: zones
/// first, sites last, so that small markers sit on top.
pub(super) fn visible_parks(input: &MapInput<'_>, scr: &Screen<'_>, rect: Rect) -> Vec<usize> {
    let margin = 40.0;
    let a = scr.geo(rect.left_bottom() + Vec2::new(-margin, margin));
    let b = scr.geo(rect.right_top() + Vec2::new(margin, -margin));
    let mut parks: Vec<usize> = input
        .index
        .in_box(
            a.x().min(b.x()),
            a.y().min(b.y()),
            a.x().max(b.x()),
            a.y().max(b.y()),
        )
        .into_iter()
        .filter(|(l, _)| *l == Layer::Park)
        .map(|(_, i)| i)
        .collect();
    parks.sort_by_key(|&i| {
        (
            input.shown.get(i).copied().unwrap_or(false),
            std::cmp::Reverse(input.atlas.parks[i].role.extent_rank()),
            i,
        )
    });
    parks
}

pub(super) fn park_at_screen(input: &MapInput<'_>, scr: &Screen<'_>, p: Pos2) -> Option<usize> {
    let pos = scr.geo(p);
    let px_per_m = scr.px_per_m(pos).max(1e-9);
    let tolerance_m = f64::from(12.0 / px_per_m);
    input
        .index
        .parks_at_point(input.atlas, pos.x(), pos.y(), tolerance_m)
        .into_iter()
        .filter(|h| input.shown.get(h.index).copied().unwrap_or(false))
        .find(|h| {
            // The marker itself must be under the pointer: hit radius = marker radius + 3 px.
            let park = &input.atlas.parks[h.index];
            let r = marker_radius(park.role) + 3.0;
            park.geometry
                .as_ref()
                .is_some_and(|g| points_of(g).iter().any(|q| (scr.pos(*q) - p).length() <= r))
        })
        .map(|h| h.index)
}

pub(super) fn draw_other_features(painter: &egui::Painter, scr: &Screen<'_>, atlas: &Atlas) {
    let stroke = Stroke::new(1.5, Color32::from_gray(90));
    for f in &atlas.others {
        let Some(g) = &f.geometry else { continue };
        match g {
            Geometry::Point(_) | Geometry::MultiPoint(_) => {
                for p in points_of(g) {
                    painter.circle(
                        scr.pos(p),
                        4.0,
                        Color32::from_gray(110),
                        Stroke::new(1.0, Color32::WHITE),
                    );
                }
            }
            other => {
                for ls in lines_of(other) {
                    let pts: Vec<Pos2> =
                        ls.0.iter()
                            .map(|c| scr.pos(Position::new(c.x, c.y)))
                            .collect();
                    painter.add(Shape::line(pts, stroke));
                }
            }
        }
    }
}

fn lines_of(g: &Geometry<f64>) -> Vec<geo::LineString<f64>> {
    match g {
        Geometry::LineString(l) => vec![l.clone()],
        Geometry::MultiLineString(m) => m.0.clone(),
        Geometry::Polygon(p) => std::iter::once(p.exterior().clone())
            .chain(p.interiors().iter().cloned())
            .collect(),
        Geometry::MultiPolygon(mp) => {
            mp.0.iter()
                .flat_map(|p| lines_of(&Geometry::Polygon(p.clone())))
                .collect()
        }
        Geometry::GeometryCollection(gc) => gc.0.iter().flat_map(lines_of).collect(),
        _ => Vec::new(),
    }
}

pub(super) fn draw_parks(
    painter: &egui::Painter,
    scr: &Screen<'_>,
    input: &MapInput<'_>,
    visible: &[usize],
    hovered: Option<usize>,
    obstacles: &mut Vec<Rect>,
) {
    let atlas = input.atlas;
    // Halos first (under every marker): the uncertainty of each shown location.
    for &i in visible {
        let p = &atlas.parks[i];
        if !input.shown[i] {
            continue;
        }
        let (Some(g), Some(km)) = (&p.geometry, p.location_accuracy_km) else {
            continue;
        };
        let color = park_color(atlas, p);
        for pos in points_of(g) {
            let r = (km * 1000.0) as f32 * scr.px_per_m(pos);
            if r > marker_radius(p.role) + 2.0 && r < 4000.0 {
                let c = scr.pos(pos);
                painter.circle(
                    c,
                    r,
                    with_alpha(color, 22),
                    Stroke::new(1.0, with_alpha(color, 90)),
                );
            }
        }
    }
    // Links: a site to the zone it sits in; a multi-site zone's sections to each other.
    for &i in visible {
        let p = &atlas.parks[i];
        if !input.shown[i] {
            continue;
        }
        let Some(g) = &p.geometry else { continue };
        let pts: Vec<Pos2> = points_of(g).into_iter().map(|q| scr.pos(q)).collect();
        if p.role == Role::AgglomerationZone && pts.len() > 1 {
            let stroke = Stroke::new(1.5, with_alpha(park_color(atlas, p), 160));
            painter.extend(Shape::dashed_line(&pts, stroke, 6.0, 4.0));
        }
        if let Some(parent) = p.parent_id.as_deref().and_then(|id| atlas.park_index(id))
            && input.shown.get(parent).copied().unwrap_or(false)
            && let (Some(own), Some(pg)) = (pts.first(), &atlas.parks[parent].geometry)
        {
            let nearest = points_of(pg)
                .into_iter()
                .map(|q| scr.pos(q))
                .min_by(|a, b| a.distance(*own).total_cmp(&b.distance(*own)));
            if let Some(n) = nearest
                && n.distance(*own) > 3.0
            {
                painter.line_segment([*own, n], Stroke::new(1.0, Color32::from_gray(110)));
            }
        }
    }
    for &i in visible {
        let p = &atlas.parks[i];
        let Some(g) = &p.geometry else { continue };
        let shown = input.shown[i];
        let color = if shown {
            park_color(atlas, p)
        } else {
            with_alpha(Color32::from_gray(140), 70)
        };
        let outline = if shown {
            Color32::WHITE
        } else {
            with_alpha(Color32::WHITE, 70)
        };
        let r = marker_radius(p.role);
        let selected = input.selection.contains(&p.id);
        for pos in points_of(g) {
            let c = scr.pos(pos);
            if selected {
                painter.circle_stroke(c, r + 4.0, Stroke::new(3.0, SELECTED));
                painter.circle_stroke(c, r + 5.5, Stroke::new(1.0, Color32::from_gray(40)));
            } else if hovered == Some(i) {
                painter.circle_stroke(c, r + 3.0, Stroke::new(2.0, Color32::from_gray(30)));
            }
            match p.role {
                Role::AgglomerationZone => {
                    painter.add(CircleShape::stroke(c, r, Stroke::new(3.0, color)));
                }
                Role::AnchorSite => {
                    let d = r * 1.3;
                    let diamond = vec![
                        c + Vec2::new(0.0, -d),
                        c + Vec2::new(d, 0.0),
                        c + Vec2::new(0.0, d),
                        c + Vec2::new(-d, 0.0),
                    ];
                    painter.add(Shape::convex_polygon(
                        diamond,
                        color,
                        Stroke::new(1.2, outline),
                    ));
                }
                Role::Infrastructure => {
                    painter.rect(
                        Rect::from_center_size(c, Vec2::splat(r * 2.0)),
                        1.5,
                        color,
                        Stroke::new(1.2, outline),
                        egui::StrokeKind::Middle,
                    );
                }
                _ => {
                    painter.circle(c, r, color, Stroke::new(1.5, outline));
                }
            }
            if shown {
                obstacles.push(Rect::from_center_size(c, Vec2::splat(r * 2.0)));
            }
        }
    }
}
