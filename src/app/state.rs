//! What the app remembers between runs: view, filters, selection, language. Panel sizes are
//! kept by egui's own memory. A saved state that does not parse (corrupt, or from another
//! version) is dropped and the app starts clean.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::query::{Filter, Selection};

/// Storage key.
pub const STORAGE_KEY: &str = "park_atlas_state";
/// Bumped when the saved layout changes incompatibly.
pub const STATE_VERSION: u32 = 1;

/// The map's centre and zoom.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// Longitude of the centre.
    pub lon: f64,
    /// Latitude of the centre.
    pub lat: f64,
    /// Zoom level.
    pub zoom: f64,
}

impl View {
    /// A view that makes sense: finite, on Earth, in walkers' zoom range.
    pub fn is_sane(&self) -> bool {
        self.lon.is_finite()
            && self.lat.is_finite()
            && (-180.0..=180.0).contains(&self.lon)
            && (-85.0..=85.0).contains(&self.lat)
            && (1.0..=20.0).contains(&self.zoom)
    }
}

/// The persisted part of the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SavedState {
    /// Layout version.
    pub version: u32,
    /// Interface language.
    pub lang: Lang,
    /// Filters.
    pub filter: Filter,
    /// Selected park ids.
    pub selection: Selection,
    /// Map view.
    pub view: Option<View>,
    /// Tile source under the parks; `None` = the built-in basemap only.
    pub basemap: Option<crate::map::tiles::TileSource>,
    /// Opened files shown as layers, bottom first (read again at the next start).
    pub layers: Vec<SavedLayer>,
    /// The attribute table is open.
    pub table_open: bool,
    /// What the counties are coloured by.
    pub choropleth: Option<crate::choropleth::ChoroplethSpec>,
    /// The legend under the map is folded to its button.
    pub legend_collapsed: bool,
}

/// A layer as remembered between runs: its file and its look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedLayer {
    /// The file.
    pub path: std::path::PathBuf,
    /// Visible, colour, opacity.
    pub style: crate::model::LayerStyle,
    /// What the user said when opening it (coordinate system, columns, sheet): used again.
    #[serde(default)]
    pub options: crate::io::formats::ReadOptions,
}

impl SavedState {
    /// Parses saved text; anything unusable gives `None` (start clean).
    pub fn from_json(text: &str) -> Option<SavedState> {
        let s: SavedState = serde_json::from_str(text).ok()?;
        (s.version == STATE_VERSION).then_some(s)
    }

    /// The text to save.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_state_round_trips() {
        let mut s = SavedState {
            version: STATE_VERSION,
            lang: Lang::En,
            ..SavedState::default()
        };
        s.filter.clusters.insert("green_steel".into());
        s.selection.select_only("xuwen_port");
        s.layers.push(SavedLayer {
            path: "/tmp/parcels.geojson".into(),
            style: crate::model::LayerStyle::nth(2),
            options: crate::io::formats::ReadOptions {
                crs: Some(crate::io::crs::WebCrs::Gcj02),
                lon: Some("高德经度".into()),
                ..Default::default()
            },
        });
        s.view = Some(View {
            lon: 110.3,
            lat: 21.2,
            zoom: 9.5,
        });
        assert_eq!(SavedState::from_json(&s.to_json()), Some(s));
    }

    #[test]
    fn corrupt_or_old_state_is_dropped() {
        assert_eq!(SavedState::from_json("{not json"), None);
        assert_eq!(
            SavedState::from_json(r#"{"version": 0, "lang": "En"}"#),
            None
        );
        assert_eq!(
            SavedState::from_json(r#"{"version": 1, "lang": "Klingon"}"#),
            None
        );
        assert_eq!(SavedState::from_json(""), None);
    }

    #[test]
    fn views_off_the_map_are_not_sane() {
        assert!(
            View {
                lon: 110.3,
                lat: 21.2,
                zoom: 9.0
            }
            .is_sane()
        );
        assert!(
            !View {
                lon: f64::NAN,
                lat: 21.2,
                zoom: 9.0
            }
            .is_sane()
        );
        assert!(
            !View {
                lon: 110.3,
                lat: 21.2,
                zoom: 40.0
            }
            .is_sane()
        );
    }
}
