//! Layers: the features of opened files that are neither parks nor counties, grouped by the
//! file they came from, each with its own look (visible, colour, opacity) and a place in the
//! drawing order. The features themselves sit in one list, `Atlas::others`, that the spatial
//! index and the shape cache work on; a layer names a range of it.

use std::ops::Range;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Atlas, Features};

/// How a layer is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LayerStyle {
    /// Drawn and clickable.
    pub visible: bool,
    /// Fill and line colour, RGB.
    pub color: [u8; 3],
    /// Fill opacity, 0–1 (lines and markers are drawn opaque).
    pub opacity: f32,
}

/// Colours given to new layers in turn: Okabe & Ito's palette, told apart with any kind of
/// colour vision.
pub const LAYER_COLORS: [[u8; 3]; 7] = [
    [0, 114, 178],
    [213, 94, 0],
    [0, 158, 115],
    [204, 121, 167],
    [86, 180, 233],
    [230, 159, 0],
    [90, 90, 90],
];

impl LayerStyle {
    /// The look of the `n`-th layer opened.
    pub fn nth(n: usize) -> LayerStyle {
        LayerStyle {
            visible: true,
            color: LAYER_COLORS[n % LAYER_COLORS.len()],
            opacity: 0.3,
        }
    }
}

/// One layer: a file's features.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureLayer {
    /// What the Layers panel calls it (the file name).
    pub name: String,
    /// The file it was read from (layers are remembered by it).
    pub path: Option<PathBuf>,
    /// Its features: indices in `Atlas::others`.
    pub features: Range<usize>,
    /// How it is drawn.
    pub style: LayerStyle,
}

impl FeatureLayer {
    /// Number of features.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// What the layer is known by in saved settings and tabs: its path, or its name.
    pub fn key(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| self.name.clone(), |p| p.display().to_string())
    }

    /// True when the layer has no features.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }
}

impl Atlas {
    /// Adds a file's features as a layer on top of the others and returns its index in
    /// [`Atlas::layers`]. A layer read from the same path before is replaced in place (its
    /// look and place in the order are kept).
    pub fn add_layer(
        &mut self,
        name: String,
        path: Option<PathBuf>,
        features: impl Into<Features>,
    ) -> usize {
        let old = path
            .as_ref()
            .and_then(|p| self.layers.iter().position(|l| l.path.as_ref() == Some(p)));
        let (style, at) = match old.and_then(|i| self.remove_layer(i).map(|l| (l, i))) {
            Some((l, i)) => (l.style, i),
            None => (self.next_style(), self.layers.len()),
        };
        let start = self.others.len();
        self.others.append(&features.into());
        self.layers.insert(
            at,
            FeatureLayer {
                name,
                path,
                features: start..self.others.len(),
                style,
            },
        );
        at
    }

    /// Removes a layer and its features (later features move down; the other layers' ranges
    /// follow).
    pub fn remove_layer(&mut self, i: usize) -> Option<FeatureLayer> {
        if i >= self.layers.len() {
            return None;
        }
        let layer = self.layers.remove(i);
        let r = layer.features.clone();
        let end = r.end.min(self.others.len());
        let start = r.start.min(end);
        self.others.remove(start..end);
        let n = end - start;
        for l in &mut self.layers {
            if l.features.start >= end {
                l.features = l.features.start - n..l.features.end - n;
            }
        }
        Some(layer)
    }

    /// Moves a layer one place up (drawn later, over the others) or down.
    pub fn move_layer(&mut self, i: usize, up: bool) {
        let j = if up { i + 1 } else { i.wrapping_sub(1) };
        if i < self.layers.len() && j < self.layers.len() {
            self.layers.swap(i, j);
        }
    }

    /// The look of a new layer: the first palette colour no layer has.
    fn next_style(&self) -> LayerStyle {
        let n = (0..LAYER_COLORS.len())
            .find(|&n| !self.layers.iter().any(|l| l.style.color == LAYER_COLORS[n]))
            .unwrap_or(self.layers.len());
        LayerStyle::nth(n)
    }

    /// The layer a feature of `others` belongs to.
    pub fn layer_of(&self, feature: usize) -> Option<usize> {
        self.layers
            .iter()
            .position(|l| l.features.contains(&feature))
    }

    /// Puts features of `others` that no layer names into a layer of their own (a dataset's
    /// parks file with other features in it).
    pub fn adopt_loose_features(&mut self, name: &str, path: Option<PathBuf>) {
        let named: usize = self.layers.iter().map(FeatureLayer::len).sum();
        if named < self.others.len() && self.layers.is_empty() {
            let features = std::mem::take(&mut self.others);
            self.add_layer(name.to_owned(), path, features);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GenericFeature;
    use serde_json::json;

    fn features(tag: &str, n: usize) -> Vec<GenericFeature> {
        (0..n)
            .map(|i| GenericFeature {
                id: Some(json!(format!("{tag}{i}"))),
                properties: Default::default(),
                geometry: None,
            })
            .collect()
    }

    fn ids(atlas: &Atlas, layer: usize) -> Vec<String> {
        atlas
            .others
            .to_vec(atlas.layers[layer].features.clone())
            .iter()
            .filter_map(|f| f.id.as_ref()?.as_str().map(str::to_owned))
            .collect()
    }

    #[test]
    fn layers_are_added_removed_moved_and_replaced_by_path() {
        let mut atlas = Atlas::default();
        atlas.add_layer("a".into(), Some("/a".into()), features("a", 2));
        atlas.add_layer("b".into(), Some("/b".into()), features("b", 3));
        atlas.add_layer("c".into(), None, features("c", 1));
        assert_eq!(atlas.others.len(), 6);
        assert_eq!(ids(&atlas, 1), ["b0", "b1", "b2"]);
        assert_ne!(atlas.layers[0].style.color, atlas.layers[1].style.color);

        // Removing the first moves the later ranges down.
        let a = atlas.remove_layer(0).map(|l| l.name);
        assert_eq!(a.as_deref(), Some("a"));
        assert_eq!(atlas.others.len(), 4);
        assert_eq!(ids(&atlas, 0), ["b0", "b1", "b2"]);
        assert_eq!(ids(&atlas, 1), ["c0"]);
        assert_eq!(atlas.layer_of(3), Some(1));

        // Order.
        atlas.move_layer(0, true);
        assert_eq!(atlas.layers[0].name, "c");
        atlas.move_layer(1, true); // already on top
        assert_eq!(atlas.layers[1].name, "b");

        // Reading /b again replaces it where it was, with its colour.
        atlas.layers[1].style.opacity = 0.9;
        let at = atlas.add_layer("b".into(), Some("/b".into()), features("B", 2));
        assert_eq!(at, 1);
        assert_eq!(atlas.layers.len(), 2);
        assert_eq!(ids(&atlas, 1), ["B0", "B1"]);
        assert_eq!(ids(&atlas, 0), ["c0"]);
        assert!((atlas.layers[1].style.opacity - 0.9).abs() < 1e-6);
        assert_eq!(atlas.others.len(), 3);
        assert!(atlas.remove_layer(5).is_none());
    }

    #[test]
    fn loose_features_get_a_layer() {
        let mut atlas = Atlas {
            others: features("x", 2).into(),
            ..Atlas::default()
        };
        atlas.adopt_loose_features("parks.geojson", None);
        assert_eq!(atlas.layers.len(), 1);
        assert_eq!(atlas.layers[0].len(), 2);
    }
}
