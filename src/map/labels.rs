//! Labels: park names placed where they cover no other label or marker (selected and hovered
//! parks first, then larger features before smaller ones), then county names where they fit.
//! Overlaps are checked in a screen grid, and at most [`MAX_LABELS`] parks are tried per frame,
//! so the cost does not grow with the number of parks.

use egui::{Color32, FontId, Rect, Vec2};
use walkers::Position;

use super::MapInput;
use super::grid::Occupancy;
use super::parks::Mark;
use super::projection::Screen;
use super::style::short_name;

/// Parks tried for a label per frame (the rest wait until zoomed in).
pub const MAX_LABELS: usize = 300;

/// Draws park labels for the parks drawn this frame, then county names. A label keeps clear of
/// `taken` (labels, notes, scale bar) and of `markers` (other than its own park's).
#[allow(clippy::too_many_arguments)]
pub fn draw_labels(
    painter: &egui::Painter,
    scr: &Screen<'_>,
    input: &MapInput<'_>,
    marks: &[Mark],
    hovered: Option<usize>,
    county_labels: Option<&[(Position, usize)]>,
    markers: &Occupancy,
    taken: &mut Occupancy,
) {
    let atlas = input.atlas;
    let zh = input.lang.is_zh();
    let font = FontId::proportional(12.5);
    let mut order: Vec<&Mark> = marks.iter().collect();
    order.sort_by_key(|m| {
        let p = atlas.parks.get(m.index);
        (
            !p.is_some_and(|p| input.selection.contains(&p.id)),
            hovered != Some(m.index),
            std::cmp::Reverse(p.map_or(0, |p| p.role.extent_rank())),
            m.index,
        )
    });
    let clip = painter.clip_rect();
    for m in order.into_iter().take(MAX_LABELS) {
        let Some(p) = atlas.parks.get(m.index) else {
            continue;
        };
        let c = m.pos;
        let galley = painter.layout_no_wrap(
            short_name(p.name(zh)).to_owned(),
            font.clone(),
            Color32::from_gray(20),
        );
        let size = galley.size() + Vec2::new(6.0, 2.0);
        let r = if m.radius > 0.0 { m.radius + 3.0 } else { 0.0 };
        let candidates = if m.radius > 0.0 {
            vec![
                Rect::from_min_size(c + Vec2::new(r, -size.y / 2.0), size),
                Rect::from_min_size(c + Vec2::new(-r - size.x, -size.y / 2.0), size),
                Rect::from_min_size(c + Vec2::new(-size.x / 2.0, -r - size.y), size),
                Rect::from_min_size(c + Vec2::new(-size.x / 2.0, r), size),
            ]
        } else {
            // A polygon: the label sits on the point inside it.
            vec![Rect::from_center_size(c, size)]
        };
        let selected = input.selection.contains(&p.id);
        // Everyone wants a spot clear of labels and markers; a selected park settles for one
        // clear of labels only; the hovered park always gets its label.
        let spot = candidates
            .iter()
            .find(|rc| {
                clip.contains_rect(**rc)
                    && !taken.hits(**rc, None)
                    && !markers.hits(**rc, (m.radius > 0.0).then_some(c))
            })
            .or_else(|| {
                selected
                    .then(|| {
                        candidates
                            .iter()
                            .find(|rc| clip.contains_rect(**rc) && !taken.hits(**rc, None))
                    })
                    .flatten()
            })
            .copied()
            .or((hovered == Some(m.index)).then_some(candidates[0]));
        if let Some(rc) = spot {
            painter.rect_filled(rc, 3.0, Color32::from_white_alpha(215));
            painter.galley(rc.min + Vec2::new(3.0, 1.0), galley, Color32::from_gray(20));
            taken.insert(rc);
        }
    }
    // County names where they fit.
    let font = FontId::proportional(14.0);
    let color = Color32::from_rgb(0x6b, 0x5e, 0x4e);
    for (pos, ci) in county_labels.unwrap_or_default() {
        let Some(county) = atlas.counties.get(*ci) else {
            continue;
        };
        let c = scr.pos(*pos);
        let galley = painter.layout_no_wrap(county.name(zh).to_owned(), font.clone(), color);
        let rc = Rect::from_center_size(c, galley.size());
        if clip.contains_rect(rc) && !taken.hits(rc, None) && !markers.hits(rc, None) {
            // Over a choropleth's darker fills the name needs a light ground.
            if input.choropleth.is_some() {
                painter.rect_filled(rc.expand(2.0), 3.0, Color32::from_white_alpha(190));
            }
            painter.galley(rc.min, galley, color);
            taken.insert(rc);
        }
    }
}
