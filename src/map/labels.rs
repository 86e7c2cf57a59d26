//! Labels: park names placed where they cover no other label or marker (selected and hovered
//! parks first, then zones before parks before sites), then county names where they fit.

use egui::{Color32, FontId, Rect, Vec2};
use walkers::Position;

use super::MapInput;
use super::parks::points_of;
use super::projection::Screen;
use super::style::{marker_radius, short_name};

#[allow(clippy::too_many_arguments)]
pub(super) fn draw_labels(
    painter: &egui::Painter,
    scr: &Screen<'_>,
    input: &MapInput<'_>,
    visible: &[usize],
    hovered: Option<usize>,
    county_labels: Option<&[(Position, usize)]>,
    obstacles: &mut Vec<Rect>,
) {
    let atlas = input.atlas;
    let zh = input.lang.is_zh();
    let font = FontId::proportional(12.5);
    // Priority: selected, hovered, then zones before parks before sites.
    let mut order: Vec<usize> = visible
        .iter()
        .copied()
        .filter(|&i| input.shown[i])
        .collect();
    order.sort_by_key(|&i| {
        let p = &atlas.parks[i];
        (
            !input.selection.contains(&p.id),
            hovered != Some(i),
            std::cmp::Reverse(p.role.extent_rank()),
            i,
        )
    });
    let mut placed: Vec<Rect> = Vec::new();
    for i in order {
        let p = &atlas.parks[i];
        let Some(pos) = p
            .geometry
            .as_ref()
            .and_then(|g| points_of(g).into_iter().next())
        else {
            continue;
        };
        let c = scr.pos(pos);
        let galley = painter.layout_no_wrap(
            short_name(p.name(zh)).to_owned(),
            font.clone(),
            Color32::from_gray(20),
        );
        let size = galley.size() + Vec2::new(6.0, 2.0);
        let r = marker_radius(p.role) + 3.0;
        let candidates = [
            Rect::from_min_size(c + Vec2::new(r, -size.y / 2.0), size),
            Rect::from_min_size(c + Vec2::new(-r - size.x, -size.y / 2.0), size),
            Rect::from_min_size(c + Vec2::new(-size.x / 2.0, -r - size.y), size),
            Rect::from_min_size(c + Vec2::new(-size.x / 2.0, r), size),
        ];
        let inside = |rc: &Rect| painter.clip_rect().contains_rect(*rc);
        let clear_of_labels = |rc: &Rect| !placed.iter().any(|o| o.intersects(*rc));
        let clear_of_markers = |rc: &Rect| {
            !obstacles
                .iter()
                .any(|o| o.intersects(*rc) && !o.contains(c))
        };
        // Everyone wants a spot clear of labels and markers; a selected park settles for one
        // clear of labels only; the hovered park always gets its label.
        let spot = candidates
            .iter()
            .find(|rc| inside(rc) && clear_of_labels(rc) && clear_of_markers(rc))
            .or_else(|| {
                input
                    .selection
                    .contains(&p.id)
                    .then(|| {
                        candidates
                            .iter()
                            .find(|rc| inside(rc) && clear_of_labels(rc))
                    })
                    .flatten()
            })
            .copied()
            .or((hovered == Some(i)).then_some(candidates[0]));
        if let Some(rc) = spot {
            painter.rect_filled(rc, 3.0, Color32::from_white_alpha(215));
            painter.galley(rc.min + Vec2::new(3.0, 1.0), galley, Color32::from_gray(20));
            placed.push(rc);
        }
    }
    // County names where they fit.
    let font = FontId::proportional(14.0);
    for (pos, ci) in county_labels.unwrap_or_default() {
        let Some(county) = atlas.counties.get(*ci) else {
            continue;
        };
        let c = scr.pos(*pos);
        let galley = painter.layout_no_wrap(
            county.name(zh).to_owned(),
            font.clone(),
            Color32::from_rgb(0x6b, 0x5e, 0x4e),
        );
        let rc = Rect::from_center_size(c, galley.size());
        if painter.clip_rect().contains_rect(rc)
            && !placed
                .iter()
                .chain(obstacles.iter())
                .any(|o| o.intersects(rc))
        {
            painter.galley(rc.min, galley, Color32::from_rgb(0x6b, 0x5e, 0x4e));
            placed.push(rc);
        }
    }
    obstacles.extend(placed);
}
