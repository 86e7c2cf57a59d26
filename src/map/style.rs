//! How things look on the map: colours, marker sizes, short labels.

use egui::Color32;

use crate::model::{Atlas, LayerStyle, Park, Role};

/// Sea colour.
pub const SEA: Color32 = Color32::from_rgb(0xc6, 0xdd, 0xea);
/// Land outside Zhanjiang.
pub const LAND: Color32 = Color32::from_rgb(0xe2, 0xde, 0xd3);
/// Zhanjiang's counties.
pub const COUNTY_FILL: Color32 = Color32::from_rgb(0xfb, 0xfa, 0xf4);
/// County borders.
pub const COUNTY_LINE: Color32 = Color32::from_rgb(0x9a, 0x8f, 0x80);
/// Ring around selected parks.
pub const SELECTED: Color32 = Color32::from_rgb(0xff, 0xc4, 0x00);

pub use crate::model::short_name;

/// Marker radius in points.
pub fn marker_radius(role: Role) -> f32 {
    match role {
        Role::AgglomerationZone => 11.0,
        Role::AgglomerationSection | Role::CountyPark | Role::Park => 7.0,
        Role::AnchorSite | Role::Infrastructure => 5.5,
        Role::Designation => 3.5,
    }
}

/// The colour of a park: its first cluster's.
pub fn park_color(atlas: &Atlas, park: &Park) -> Color32 {
    park.clusters
        .first()
        .and_then(|c| atlas.taxonomy.cluster(c))
        .map_or(Color32::from_gray(120), |c| {
            let [r, g, b] = c.rgb();
            Color32::from_rgb(r, g, b)
        })
}

/// The same colour with another alpha.
pub fn with_alpha(c: Color32, a: u8) -> Color32 {
    Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), a)
}

/// A layer's fill (its colour at its opacity) and its line and marker colour.
pub fn layer_colors(style: &LayerStyle) -> (Color32, Color32) {
    let [r, g, b] = style.color;
    let alpha = (style.opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
    (
        Color32::from_rgba_unmultiplied(r, g, b, alpha),
        Color32::from_rgb(r, g, b),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_stop_at_the_first_bracket() {
        assert_eq!(
            short_name("湛江产业转移工业园 (东海岛：钢铁配套产业园区)"),
            "湛江产业转移工业园"
        );
        assert_eq!(
            short_name("湛江奋勇高新技术产业开发区（广东奋勇东盟产业园）"),
            "湛江奋勇高新技术产业开发区"
        );
        assert_eq!(short_name("Xuwen Port (Nanshan ro-ro)"), "Xuwen Port");
        assert_eq!(
            short_name("Baosteel Zhanjiang Iron & Steel base"),
            "Baosteel Zhanjiang Iron & Steel base"
        );
    }
}
