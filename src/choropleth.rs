//! The county choropleth, without egui: one number per county (parks, projects, signed
//! investment in one currency, or a layer's numeric property summed by a point inside each
//! feature), classed by quantiles, equal intervals or natural breaks (Jenks), coloured from a
//! colour-blind-safe sequential palette.

use geo::InteriorPoint;
use serde::{Deserialize, Serialize};

use crate::model::Atlas;
use crate::query::stats_by_county;
use crate::spatial::PreparedArea;

/// What the counties are coloured by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Metric {
    /// Number of (shown) parks in the county.
    Parks,
    /// Number of their signed projects.
    Projects,
    /// Their signed investment in this currency (never added across currencies).
    Investment(String),
    /// A numeric property of a layer's features, summed per county (the layer's path or name).
    LayerSum {
        /// The layer (its path, or its name when it has none).
        layer: String,
        /// The property.
        property: String,
    },
}

/// How values are put into classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Classing {
    /// The same number of counties in each class.
    #[default]
    Quantiles,
    /// Classes of equal width between the lowest and the highest value.
    EqualInterval,
    /// Jenks natural breaks: classes as different as possible, each as uniform as possible.
    NaturalBreaks,
}

/// What the user chose: a metric and a classing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChoroplethSpec {
    /// What is counted.
    pub metric: Metric,
    /// How it is classed.
    pub classing: Classing,
}

/// Viridis in five steps, light to dark: sequential, told apart with any colour vision and
/// in greyscale.
pub const PALETTE: [[u8; 3]; 5] = [
    [0xfd, 0xe7, 0x25],
    [0x5e, 0xc9, 0x62],
    [0x21, 0x91, 0x8c],
    [0x3b, 0x52, 0x8b],
    [0x44, 0x01, 0x54],
];

/// The counties' values and classes.
#[derive(Debug, Clone, PartialEq)]
pub struct Choropleth {
    /// Per county (in `atlas.counties` order): its value, `None` when it has none (no
    /// feature of the layer in it; for counts, zero is a value).
    pub values: Vec<Option<f64>>,
    /// Class bounds: the lowest value, then each class's highest value (see [`breaks`]).
    pub bounds: Vec<f64>,
    /// Per county: its class, when it has a value.
    pub classes: Vec<Option<usize>>,
    /// Features of the layer that have no number in the property or lie in no county.
    pub skipped: usize,
}

impl Choropleth {
    /// Number of classes.
    pub fn class_count(&self) -> usize {
        self.bounds.len().saturating_sub(1)
    }

    /// The colour of a class (the palette spread over however many classes there are).
    pub fn color(&self, class: usize) -> [u8; 3] {
        palette_color(class, self.class_count())
    }
}

/// Colour of class `i` of `n`.
pub fn palette_color(i: usize, n: usize) -> [u8; 3] {
    if n <= 1 {
        return PALETTE[2];
    }
    let step = (PALETTE.len() - 1) as f64 / (n - 1) as f64;
    let k = ((i as f64) * step).round() as usize;
    PALETTE[k.min(PALETTE.len() - 1)]
}

/// Numeric properties of a layer: those with a number in at least one feature.
pub fn numeric_properties(atlas: &Atlas, layer: usize) -> Vec<String> {
    let Some(l) = atlas.layers.get(layer) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for i in l.features.clone() {
        for (k, v) in &atlas.others.properties(i) {
            if v.is_number() && !out.contains(k) {
                out.push(k.clone());
            }
        }
    }
    out
}

/// Computes the county values for a metric over the parks at `shown`, and their classes.
pub fn compute(atlas: &Atlas, shown: &[usize], spec: &ChoroplethSpec) -> Choropleth {
    let mut skipped = 0;
    let values: Vec<Option<f64>> = match &spec.metric {
        Metric::Parks => stats_by_county(atlas, shown)
            .iter()
            .map(|s| Some(s.parks as f64))
            .collect(),
        Metric::Projects => stats_by_county(atlas, shown)
            .iter()
            .map(|s| Some(s.projects as f64))
            .collect(),
        Metric::Investment(cur) => stats_by_county(atlas, shown)
            .iter()
            // No known amount is "no data", not zero (an unknown stays unknown).
            .map(|s| s.totals.get(cur).copied())
            .collect(),
        Metric::LayerSum { layer, property } => {
            let (v, s) = layer_sum(atlas, layer, property);
            skipped = s;
            v
        }
    };
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let bounds = breaks(&known, PALETTE.len(), spec.classing);
    let classes = values
        .iter()
        .map(|v| v.map(|x| class_of(x, &bounds)))
        .collect();
    Choropleth {
        values,
        bounds,
        classes,
        skipped,
    }
}

/// A layer's property summed per county: each feature counts in the county that holds a
/// point inside it (its interior point). Returns the sums (`None` for counties without a
/// feature with a number) and how many features were skipped.
fn layer_sum(atlas: &Atlas, layer: &str, property: &str) -> (Vec<Option<f64>>, usize) {
    let mut sums: Vec<Option<f64>> = vec![None; atlas.counties.len()];
    let Some(l) = atlas.layers.iter().find(|l| l.key() == layer) else {
        return (sums, 0);
    };
    let areas: Vec<Option<PreparedArea>> = atlas
        .counties
        .iter()
        .map(|c| c.geometry.as_ref().and_then(PreparedArea::new))
        .collect();
    let mut skipped = 0;
    for f in l.features.clone().filter_map(|i| atlas.others.get(i)) {
        let value = f
            .properties
            .get(property)
            .and_then(serde_json::Value::as_f64);
        let point = f.geometry.as_ref().and_then(|g| g.interior_point());
        let county = point.and_then(|p| {
            areas
                .iter()
                .position(|a| a.as_ref().is_some_and(|a| a.contains(p.x(), p.y())))
        });
        match (value, county.and_then(|c| sums.get_mut(c))) {
            (Some(v), Some(sum)) if v.is_finite() => *sum = Some(sum.unwrap_or(0.0) + v),
            _ => skipped += 1,
        }
    }
    (sums, skipped)
}

/// Class bounds for at most `k` classes (fewer when there are fewer distinct values): the
/// lowest value, then each class's highest value (upper bounds are inclusive: class `i` holds
/// the values above `bounds[i]` — or equal to it for the first class — up to `bounds[i + 1]`).
pub fn breaks(values: &[f64], k: usize, classing: Classing) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let mut distinct = v.clone();
    distinct.dedup();
    let k = k.min(distinct.len()).max(1);
    let (Some(&lo), Some(&hi)) = (v.first(), v.last()) else {
        return Vec::new();
    };
    if k == 1 {
        return vec![lo, hi];
    }
    let n = v.len();
    let uppers: Vec<f64> = match classing {
        Classing::EqualInterval => (1..=k)
            .map(|i| lo + (hi - lo) * i as f64 / k as f64)
            .collect(),
        Classing::Quantiles => (1..=k).map(|i| v[(i * n).div_ceil(k) - 1]).collect(),
        Classing::NaturalBreaks => jenks(&v, k),
    };
    let mut b = vec![lo];
    for u in uppers {
        if b.len() == 1 || b.last().is_some_and(|l| u > *l) {
            b.push(u);
        }
    }
    if let Some(last) = b.last_mut() {
        *last = hi;
    }
    b
}

/// The class of a value: the first class whose upper bound it does not pass.
pub fn class_of(x: f64, bounds: &[f64]) -> usize {
    let classes = bounds.len().saturating_sub(1).max(1);
    (0..classes)
        .find(|&i| bounds.get(i + 1).is_some_and(|u| x <= *u))
        .unwrap_or(classes - 1)
}

/// Jenks natural breaks by dynamic programming (Fisher's exact method): minimises the sum of
/// squared deviations within classes. `v` sorted; O(k·n²), fine for counties. Returns each
/// class's highest value.
fn jenks(v: &[f64], k: usize) -> Vec<f64> {
    let n = v.len();
    // Prefix sums for the within-class cost of v[i..j].
    let mut s1 = vec![0.0; n + 1];
    let mut s2 = vec![0.0; n + 1];
    for (i, x) in v.iter().enumerate() {
        s1[i + 1] = s1[i] + x;
        s2[i + 1] = s2[i] + x * x;
    }
    let cost = |i: usize, j: usize| {
        let m = (j - i) as f64;
        let s = s1[j] - s1[i];
        (s2[j] - s2[i]) - s * s / m
    };
    // best[c][j]: least cost of v[..j] in c classes; cut[c][j]: where the last class starts.
    let mut best = vec![vec![f64::INFINITY; n + 1]; k + 1];
    let mut cut = vec![vec![0usize; n + 1]; k + 1];
    best[0][0] = 0.0;
    for c in 1..=k {
        for j in c..=n {
            for i in (c - 1)..j {
                let total = best[c - 1][i] + cost(i, j);
                if total < best[c][j] {
                    best[c][j] = total;
                    cut[c][j] = i;
                }
            }
        }
    }
    // The upper value of each class, walking the cuts back from the end.
    let mut uppers = Vec::with_capacity(k);
    let mut j = n;
    for c in (1..=k).rev() {
        uppers.push(v[j - 1]);
        j = cut[c][j];
    }
    uppers.reverse();
    uppers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::load_embedded;

    #[test]
    fn breaks_worked_by_hand() {
        let v = [1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 30.0];
        // Equal: width (30 − 1) / 3.
        let eq = breaks(&v, 3, Classing::EqualInterval);
        assert_eq!(eq.len(), 4);
        assert!((eq[1] - (1.0 + 29.0 / 3.0)).abs() < 1e-9 && eq[3] == 30.0);
        // Quantiles of 7 values in 3 classes: 3, 2 and 2 values.
        assert_eq!(breaks(&v, 3, Classing::Quantiles), [1.0, 3.0, 11.0, 30.0]);
        // Jenks: {1, 2, 3} {10, 11, 12} {30}.
        assert_eq!(
            breaks(&v, 3, Classing::NaturalBreaks),
            [1.0, 3.0, 12.0, 30.0]
        );
        let b = breaks(&v, 3, Classing::NaturalBreaks);
        let classes: Vec<usize> = v.iter().map(|&x| class_of(x, &b)).collect();
        assert_eq!(classes, [0, 0, 0, 1, 1, 1, 2]);
        // Many zeros keep a class of their own; fewer distinct values, fewer classes.
        let counts = [0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 3.0, 5.0, 9.0];
        let q = breaks(&counts, 5, Classing::Quantiles);
        assert_eq!(q, [0.0, 0.0, 1.0, 2.0, 5.0, 9.0]);
        assert_eq!(class_of(0.0, &q), 0);
        assert_eq!(class_of(1.0, &q), 1);
        assert_eq!(class_of(9.0, &q), 4);
        assert_eq!(breaks(&[4.0, 4.0], 5, Classing::Quantiles), [4.0, 4.0]);
        assert!(breaks(&[], 5, Classing::NaturalBreaks).is_empty());
    }

    #[test]
    fn counties_by_parks_projects_and_one_currency() {
        let atlas = load_embedded().unwrap().atlas;
        let all: Vec<usize> = (0..atlas.parks.len()).collect();
        let stats = stats_by_county(&atlas, &all);
        let spec = |metric| ChoroplethSpec {
            metric,
            classing: Classing::Quantiles,
        };
        let parks = compute(&atlas, &all, &spec(Metric::Parks));
        let expected: Vec<Option<f64>> = stats.iter().map(|s| Some(s.parks as f64)).collect();
        assert_eq!(parks.values, expected);
        // The county with the most parks is in the darkest class.
        let top = (0..stats.len()).max_by_key(|&i| stats[i].parks).unwrap();
        assert_eq!(parks.classes[top], Some(parks.bounds.len() - 2));
        // A county without any known amount has no value (not zero).
        let eur = compute(&atlas, &all, &spec(Metric::Investment("EUR".into())));
        let cny = compute(&atlas, &all, &spec(Metric::Investment("CNY".into())));
        for (i, s) in stats.iter().enumerate() {
            let total = |c: &str| s.totals.get(c).copied();
            assert_eq!(eur.values[i], total("EUR"));
            assert_eq!(cny.values[i], total("CNY"));
        }
        assert!(eur.values.iter().any(Option::is_none) && eur.values.iter().any(Option::is_some));
    }

    #[test]
    fn a_layer_property_is_summed_by_a_point_inside_each_feature() {
        let mut atlas = load_embedded().unwrap().atlas;
        let county = |adcode: &str| {
            atlas
                .counties
                .iter()
                .position(|c| c.adcode == adcode)
                .unwrap()
        };
        let (chikan, xuwen) = (county("440802"), county("440825"));
        // Two small squares inside Xuwen, one inside Chikan, one at sea, one without a number.
        let centre = |i: usize| {
            let p = atlas.counties[i]
                .geometry
                .as_ref()
                .unwrap()
                .interior_point()
                .unwrap();
            (p.x(), p.y())
        };
        let square = |(x, y): (f64, f64), value: serde_json::Value| crate::model::GenericFeature {
            id: None,
            properties: serde_json::json!({ "jobs": value })
                .as_object()
                .cloned()
                .unwrap(),
            geometry: Some(geo::Geometry::Polygon(geo::Polygon::new(
                vec![
                    (x, y),
                    (x + 0.001, y),
                    (x + 0.001, y + 0.001),
                    (x, y + 0.001),
                    (x, y),
                ]
                .into(),
                vec![],
            ))),
        };
        let features = vec![
            square(centre(xuwen), serde_json::json!(120)),
            square(centre(xuwen), serde_json::json!(30.5)),
            square(centre(chikan), serde_json::json!(7)),
            square((111.5, 20.0), serde_json::json!(1000)),
            square(centre(chikan), serde_json::json!("many")),
        ];
        atlas.add_layer("jobs.geojson".into(), None, features);
        assert_eq!(numeric_properties(&atlas, 0), ["jobs"]);
        let c = compute(
            &atlas,
            &[],
            &ChoroplethSpec {
                metric: Metric::LayerSum {
                    layer: "jobs.geojson".into(),
                    property: "jobs".into(),
                },
                classing: Classing::NaturalBreaks,
            },
        );
        assert_eq!(c.values[xuwen], Some(150.5));
        assert_eq!(c.values[chikan], Some(7.0));
        assert_eq!(c.values.iter().flatten().count(), 2, "{:?}", c.values);
        assert_eq!(c.skipped, 2);
        assert_eq!(c.classes[xuwen], Some(1));
        assert_eq!(c.classes[chikan], Some(0));
    }
}
