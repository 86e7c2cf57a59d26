//! An R-tree over park and county geometries: "what is at this point" (point-in-polygon for
//! areas, a distance tolerance for points and lines) and "what is in this box".

use std::borrow::Cow;

use geo::BoundingRect;
use geo::{
    Closest, ClosestPoint, Contains, Distance, Geometry, Haversine, Intersects, Point, Rect,
};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, Envelope, RTree, RTreeObject};

use crate::model::Atlas;

/// Which list of the atlas an index entry points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// `atlas.parks`.
    Park,
    /// `atlas.counties`.
    County,
    /// `atlas.others` (features of opened files that are neither parks nor counties).
    Other,
}

/// One result of a spatial query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Which list.
    pub layer: Layer,
    /// Index in that list.
    pub index: usize,
    /// Distance from the query point in metres (0 inside an area).
    pub distance_m: f64,
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, (Layer, usize)>;

/// A layer, the box around all its entries and their indices.
type Listed = (Layer, AABB<[f64; 2]>, Vec<usize>);

/// Runs `a` here and `b` on another thread, at once; a panic on the other thread is this
/// one's.
fn on_two_cores<A, B: Send>(a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B) {
    let (a, b) = std::thread::scope(|s| {
        let other = s.spawn(b);
        (a(), other.join())
    });
    match b {
        Ok(b) => (a, b),
        Err(e) => std::panic::resume_unwind(e),
    }
}

/// An index entry: a box and what it is the box of.
fn entry([x0, y0, x1, y1]: [f64; 4], data: (Layer, usize)) -> Entry {
    GeomWithData::new(Rectangle::from_corners([x0, y0], [x1, y1]), data)
}

/// The spatial index of one atlas. Rebuild it when the atlas changes.
#[derive(Debug, Default)]
pub struct SpatialIndex {
    /// One tree per layer: a query for the parks in view does not walk a million parcels.
    trees: Vec<(Layer, RTree<Entry>)>,
    /// Per layer: the box around all its entries and their indices (a view that holds the
    /// whole layer lists it without walking the tree).
    layers: Vec<Listed>,
}

const METRES_PER_DEGREE: f64 = 111_320.0;

/// Above this many entries a layer's tree is built in two halves, one per core.
const PARALLEL_ENTRIES: usize = 50_000;

impl SpatialIndex {
    /// Indexes every park, county and other feature that has a geometry.
    pub fn build(atlas: &Atlas) -> SpatialIndex {
        let rect = |g: Option<&Geometry<f64>>| {
            let r = g?.bounding_rect()?;
            Some([r.min().x, r.min().y, r.max().x, r.max().y])
        };
        let parks = atlas
            .parks
            .iter()
            .enumerate()
            .map(|(i, p)| (Layer::Park, i, rect(p.geometry.as_ref())));
        let counties = atlas
            .counties
            .iter()
            .enumerate()
            .map(|(i, c)| (Layer::County, i, rect(c.geometry.as_ref())));
        // The features of opened layers: their boxes straight from the flat coordinates.
        let others = |range: std::ops::Range<usize>| {
            range.filter_map(|i| {
                let [x0, y0, x1, y1] = atlas.others.flat(i)?.bbox()?;
                Some(entry([x0, y0, x1, y1], (Layer::Other, i)))
            })
        };
        let n = atlas.others.len();
        let many = n >= PARALLEL_ENTRIES;
        let entries: Vec<Entry> = parks
            .chain(counties)
            .filter_map(|(layer, i, b)| Some(entry(b?, (layer, i))))
            .chain(others(0..if many { 0 } else { n }))
            .collect();
        // Per layer: the box around it, its indices, and its entries.
        let mut per_layer: Vec<(Listed, Vec<Entry>)> = Vec::new();
        for e in entries {
            let (layer, i) = e.data;
            let env = e.geom().envelope();
            match per_layer.iter_mut().find(|l| l.0.0 == layer) {
                Some((listed, entries)) => {
                    listed.1.merge(&env);
                    listed.2.push(i);
                    entries.push(e);
                }
                None => per_layer.push(((layer, env, vec![i]), vec![e])),
            }
        }
        let mut trees = Vec::new();
        let mut layers = Vec::new();
        for (listed, mut entries) in per_layer {
            let layer = listed.0;
            layers.push(listed);
            if entries.len() < PARALLEL_ENTRIES {
                trees.push((layer, RTree::bulk_load(entries)));
                continue;
            }
            // Many parks: two trees, built on two cores (a query walks both).
            let second = entries.split_off(entries.len() / 2);
            let (a, b) = on_two_cores(|| RTree::bulk_load(entries), || RTree::bulk_load(second));
            trees.push((layer, a));
            trees.push((layer, b));
        }
        if many {
            // A big layer: each half's boxes found and its tree bulk-loaded on its own core
            // (a query walks both trees).
            let half = |range| {
                let entries: Vec<Entry> = others(range).collect();
                let mut env = AABB::new_empty();
                let mut indices = Vec::with_capacity(entries.len());
                for e in &entries {
                    env.merge(&e.geom().envelope());
                    indices.push(e.data.1);
                }
                (env, indices, RTree::bulk_load(entries))
            };
            let (a, b) = on_two_cores(|| half(0..n / 2), || half(n / 2..n));
            let (mut env, mut indices, tree_a) = a;
            env.merge(&b.0);
            indices.extend(b.1);
            if !indices.is_empty() {
                layers.push((Layer::Other, env, indices));
            }
            trees.push((Layer::Other, tree_a));
            trees.push((Layer::Other, b.2));
        }
        SpatialIndex { trees, layers }
    }

    /// The entries of the trees of `layers` meeting `query`.
    fn meeting<'a>(
        &'a self,
        layers: &'a [Layer],
        query: &'a AABB<[f64; 2]>,
    ) -> impl Iterator<Item = &'a Entry> + 'a {
        self.trees
            .iter()
            .filter(|(l, _)| layers.contains(l))
            .flat_map(move |(_, t)| t.locate_in_envelope_intersecting(query))
    }

    /// Number of indexed geometries.
    pub fn len(&self) -> usize {
        self.trees.iter().map(|(_, t)| t.size()).sum()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Parks and counties at a point (WGS-84 degrees). Points and lines within `tolerance_m`
    /// metres count; areas count when they contain the point. Parks come first, nearest
    /// first, smaller roles (anchor sites) before the zones around them; then counties.
    pub fn at_point(&self, atlas: &Atlas, lon: f64, lat: f64, tolerance_m: f64) -> Vec<Hit> {
        self.hits(atlas, lon, lat, tolerance_m, &[Layer::Park, Layer::County])
    }

    /// Like [`SpatialIndex::at_point`] for parks only, without testing the county polygons
    /// (what hovering needs on every frame).
    pub fn parks_at_point(&self, atlas: &Atlas, lon: f64, lat: f64, tolerance_m: f64) -> Vec<Hit> {
        self.hits(atlas, lon, lat, tolerance_m, &[Layer::Park])
    }

    /// Like [`SpatialIndex::at_point`] for the other features (of opened files) only.
    pub fn others_at_point(&self, atlas: &Atlas, lon: f64, lat: f64, tolerance_m: f64) -> Vec<Hit> {
        self.hits(atlas, lon, lat, tolerance_m, &[Layer::Other])
    }

    /// The feature of a visible layer at a point: the top layer's first, nearest first.
    pub fn top_other_at_point(
        &self,
        atlas: &Atlas,
        lon: f64,
        lat: f64,
        tolerance_m: f64,
    ) -> Option<usize> {
        self.others_at_point(atlas, lon, lat, tolerance_m)
            .into_iter()
            .filter_map(|h| {
                let layer = atlas.layer_of(h.index)?;
                atlas
                    .layers
                    .get(layer)
                    .is_some_and(|l| l.style.visible)
                    .then_some((layer, h))
            })
            .min_by(|a, b| {
                b.0.cmp(&a.0)
                    .then(a.1.distance_m.total_cmp(&b.1.distance_m))
            })
            .map(|(_, h)| h.index)
    }

    fn hits(
        &self,
        atlas: &Atlas,
        lon: f64,
        lat: f64,
        tolerance_m: f64,
        layers: &[Layer],
    ) -> Vec<Hit> {
        let tol_lat = tolerance_m / METRES_PER_DEGREE;
        let tol_lon = tolerance_m / (METRES_PER_DEGREE * lat.to_radians().cos().max(0.01));
        let query = AABB::from_corners(
            [lon - tol_lon, lat - tol_lat],
            [lon + tol_lon, lat + tol_lat],
        );
        let here = Point::new(lon, lat);
        let mut hits: Vec<Hit> = self
            .meeting(layers, &query)
            .filter_map(|e| {
                let (layer, index) = e.data;
                let g = match layer {
                    Layer::Park => Cow::Borrowed(atlas.parks.get(index)?.geometry.as_ref()?),
                    Layer::County => Cow::Borrowed(atlas.counties.get(index)?.geometry.as_ref()?),
                    Layer::Other => Cow::Owned(atlas.others.geometry(index)?),
                };
                let d = distance_m(&g, here)?;
                (d <= tolerance_m).then_some(Hit {
                    layer,
                    index,
                    distance_m: d,
                })
            })
            .collect();
        let rank = |h: &Hit| match h.layer {
            Layer::County | Layer::Other => 9,
            Layer::Park => atlas.parks.get(h.index).map_or(8, |p| p.role.extent_rank()),
        };
        hits.sort_by(|a, b| {
            (a.layer, rank(a))
                .cmp(&(b.layer, rank(b)))
                .then(a.distance_m.total_cmp(&b.distance_m))
                .then(a.index.cmp(&b.index))
        });
        hits
    }

    /// The first park at a point, if any (see [`SpatialIndex::at_point`]).
    pub fn park_at(&self, atlas: &Atlas, lon: f64, lat: f64, tolerance_m: f64) -> Option<usize> {
        self.parks_at_point(atlas, lon, lat, tolerance_m)
            .first()
            .map(|h| h.index)
    }

    /// Everything whose bounding box meets the box (for viewport culling and box selection).
    pub fn in_box(
        &self,
        min_lon: f64,
        min_lat: f64,
        max_lon: f64,
        max_lat: f64,
    ) -> Vec<(Layer, usize)> {
        let query = AABB::from_corners([min_lon, min_lat], [max_lon, max_lat]);
        let all = [Layer::Park, Layer::County, Layer::Other];
        let mut out: Vec<_> = self.meeting(&all, &query).map(|e| e.data).collect();
        out.sort_unstable();
        out
    }

    /// Indices of one layer's entries whose bounding box meets the box, unordered. When the
    /// box holds the whole layer (the city view) the list is returned without a tree walk.
    pub fn layer_in_box(
        &self,
        layer: Layer,
        min_lon: f64,
        min_lat: f64,
        max_lon: f64,
        max_lat: f64,
    ) -> Cow<'_, [usize]> {
        let query = AABB::from_corners([min_lon, min_lat], [max_lon, max_lat]);
        let Some((_, env, all)) = self.layers.iter().find(|l| l.0 == layer) else {
            return Cow::Borrowed(&[]);
        };
        if query.contains_envelope(env) {
            // The whole layer: its list as it is (a million features are not copied per frame).
            return Cow::Borrowed(all);
        }
        Cow::Owned(self.meeting(&[layer], &query).map(|e| e.data.1).collect())
    }

    /// Parks whose geometry meets the box (a point inside it, a polygon or line crossing it),
    /// by index in file order: what a rectangle selection selects. A multi-site zone counts
    /// when one of its sites is inside, not because the box lies between its sites.
    pub fn parks_touching(&self, atlas: &Atlas, rect: Rect<f64>) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .parks_in_box(rect)
            .into_iter()
            .filter(|&i| {
                atlas
                    .parks
                    .get(i)
                    .and_then(|p| p.geometry.as_ref())
                    .is_some_and(|g| g.intersects(&rect))
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// Parks inside a box, by index.
    pub fn parks_in_box(&self, rect: Rect<f64>) -> Vec<usize> {
        let query = AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        let mut out: Vec<usize> = self
            .meeting(&[Layer::Park], &query)
            .map(|e| e.data.1)
            .collect();
        out.sort_unstable();
        out
    }
}

/// The smallest box holding both boxes.
pub fn union_rect(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        geo::Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        geo::Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

/// The box around some geometries (`None` when none has a box).
pub fn bounds_of<'a>(geoms: impl Iterator<Item = &'a Geometry<f64>>) -> Option<Rect<f64>> {
    geoms.filter_map(|g| g.bounding_rect()).reduce(union_rect)
}

/// A polygon prepared for many point-in-polygon tests: its edges bucketed into horizontal
/// bands, so that a test looks only at the edges of one band (crossing-number rule, holes and
/// multi-polygons included). For a 3,000-vertex county this is about 50× faster than testing
/// every edge.
#[derive(Debug, Clone)]
pub struct PreparedArea {
    min_y: f64,
    band_height: f64,
    bands: Vec<Vec<[f64; 4]>>,
    bounds: Rect<f64>,
}

impl PreparedArea {
    /// Prepares a Polygon or MultiPolygon (`None` for other geometries).
    pub fn new(g: &Geometry<f64>) -> Option<PreparedArea> {
        let polys: Vec<&geo::Polygon<f64>> = match g {
            Geometry::Polygon(p) => vec![p],
            Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
            _ => return None,
        };
        let bounds = g.bounding_rect()?;
        let edges: Vec<[f64; 4]> = polys
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|ring| ring.lines())
            .map(|l| [l.start.x, l.start.y, l.end.x, l.end.y])
            .collect();
        let n = (edges.len() / 8).clamp(1, 4096);
        let min_y = bounds.min().y;
        let band_height = (bounds.height() / n as f64).max(f64::MIN_POSITIVE);
        let mut bands = vec![Vec::new(); n];
        let band = |y: f64| (((y - min_y) / band_height).floor().max(0.0) as usize).min(n - 1);
        for e in edges {
            let (lo, hi) = (e[1].min(e[3]), e[1].max(e[3]));
            for b in bands.iter_mut().take(band(hi) + 1).skip(band(lo)) {
                b.push(e);
            }
        }
        Some(PreparedArea {
            min_y,
            band_height,
            bands,
            bounds,
        })
    }

    /// Whether the point lies inside (points exactly on an edge may go either way).
    pub fn contains(&self, x: f64, y: f64) -> bool {
        if !(self.bounds.min().x..=self.bounds.max().x).contains(&x)
            || !(self.bounds.min().y..=self.bounds.max().y).contains(&y)
        {
            return false;
        }
        let n = self.bands.len();
        let b = (((y - self.min_y) / self.band_height).floor().max(0.0) as usize).min(n - 1);
        let mut inside = false;
        for &[x1, y1, x2, y2] in self.bands.get(b).map(Vec::as_slice).unwrap_or_default() {
            if (y1 > y) != (y2 > y) {
                let xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1);
                if x < xc {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

/// Metres from `p` to a geometry: 0 inside areas, else to the nearest point.
fn distance_m(g: &Geometry<f64>, p: Point<f64>) -> Option<f64> {
    let areal = matches!(
        g,
        Geometry::Polygon(_)
            | Geometry::MultiPolygon(_)
            | Geometry::Rect(_)
            | Geometry::Triangle(_)
    );
    if areal && g.contains(&p) {
        return Some(0.0);
    }
    match g.closest_point(&p) {
        Closest::Intersection(_) => Some(0.0),
        Closest::SinglePoint(q) => Some(Haversine.distance(p, q)),
        Closest::Indeterminate => None,
    }
}
