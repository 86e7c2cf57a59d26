//! Feature geometry tessellated once per zoom level and kept: fills (earcut triangles),
//! outlines and lines (simplified to half a pixel), marker points, a label anchor inside each
//! feature and its size on screen. Positions are Web-Mercator pixels at the cache's zoom level,
//! relative to an origin, so that a frame only moves and scales what it draws
//! (`screen = offset + p × 2^(zoom − level)`); panning never re-tessellates, and the cache is
//! rebuilt when the zoom crosses to another whole level or the data changes — on a worker
//! thread when the data is big, while the window keeps drawing.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::epaint::{Color32, Mesh, Pos2, Vec2, Vertex, WHITE_UV};
use geo::{
    BoundingRect, Coord, Geometry, InteriorPoint, LineString, MapCoords, Polygon, TriangulateEarcut,
};
use walkers::{MercatorProjection, Position, Projection};

pub use super::mesh::{MeshBuffers, mitres, push_disc, push_segment, push_strip};
use super::projection::shift;
use crate::model::Features;

/// A polygon whose bounding box is smaller than this on screen (points) is drawn as a marker.
pub const SMALL_PX: f32 = 10.0;

/// Above this many source vertices the cache is built on a worker thread.
const BACKGROUND_VERTICES: usize = 40_000;

/// The square (cache pixels) big layers' markers are thinned to once per level: the screen
/// keeps one marker per 8-px cell, and within half a level a square grows at most √2 times.
pub const REPRESENTATIVE_CELL: f32 = 8.0 / std::f32::consts::SQRT_2;

/// Above this many source vertices only the features around the view are built.
pub const REGION_VERTICES: usize = 400_000;

/// What kind of geometry an item is, for drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// No geometry.
    #[default]
    None,
    /// Points (markers).
    Point,
    /// Lines.
    Line,
    /// Polygons (fill and outline).
    Area,
}

/// One feature in the cache.
#[derive(Debug, Clone, Default)]
pub struct Item {
    /// Kind of geometry.
    pub kind: Kind,
    /// Fill vertices, in [`ShapeCache::fill_pos`].
    pub fill_v: Range<u32>,
    /// Fill triangle indices, in [`ShapeCache::fill_idx`] (they point into `fill_pos`).
    pub fill_i: Range<u32>,
    /// Outline rings and lines, in [`ShapeCache::rings`].
    pub rings: Range<u32>,
    /// Marker positions, in [`ShapeCache::points`].
    pub points: Range<u32>,
    /// Where a label or a level-of-detail marker goes (inside polygons).
    pub anchor: Pos2,
    /// Larger side of the bounding box, in pixels at the cache's zoom.
    pub size_px: f32,
}

/// A ring (closed) or a line (open), in [`ShapeCache::line_pos`].
#[derive(Debug, Clone)]
pub struct Ring {
    /// Its points.
    pub pts: Range<u32>,
    /// Closed (a polygon ring) or open (a line).
    pub closed: bool,
}

/// What a cache was built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapeKey {
    /// Data generation.
    pub generation: u64,
    /// Whole zoom level.
    pub level: i32,
    /// Shifted to GCJ-02.
    pub gcj: bool,
    /// Only features meeting this WGS-84 box are built (millionths of a degree: west, south,
    /// east, north); None: all of them.
    pub region: Option<[i32; 4]>,
}

impl ShapeKey {
    /// The region as degrees.
    pub fn region_degrees(&self) -> Option<[f64; 4]> {
        self.region.map(|r| r.map(|v| f64::from(v) / 1e6))
    }
}

/// A WGS-84 box (west, south, east, north) as a [`ShapeKey::region`], rounded outwards.
pub fn region_of(b: [f64; 4]) -> [i32; 4] {
    let q = |v: f64, up: bool| {
        let m = v * 1e6;
        (if up { m.ceil() } else { m.floor() }).clamp(f64::from(i32::MIN), f64::from(i32::MAX))
            as i32
    };
    [q(b[0], false), q(b[1], false), q(b[2], true), q(b[3], true)]
}

/// True when box `a` holds box `b` (both west, south, east, north).
pub fn holds(a: [i32; 4], b: [i32; 4]) -> bool {
    a[0] <= b[0] && a[1] <= b[1] && a[2] >= b[2] && a[3] >= b[3]
}

/// Tessellated features at one zoom level.
#[derive(Debug, Clone)]
pub struct ShapeCache {
    /// What it was built for.
    pub key: ShapeKey,
    /// The reference position (WGS-84) that pixel (0, 0) stands for.
    pub origin: Position,
    /// One item per input feature, in input order.
    pub items: Vec<Item>,
    /// Fill vertices.
    pub fill_pos: Vec<Pos2>,
    /// Fill triangles.
    pub fill_idx: Vec<u32>,
    /// Outline and line points (a closed ring does not repeat its first point; no point
    /// repeats the one before it).
    pub line_pos: Vec<Pos2>,
    /// For each of `line_pos`, the offset of the strip's edge for a width of 2 (mitred; see
    /// [`mitres`]). A placement only moves and scales, so it is computed once.
    pub line_mitre: Vec<Vec2>,
    /// Rings and lines.
    pub rings: Vec<Ring>,
    /// Marker positions.
    pub points: Vec<Pos2>,
    /// Vertices of the input geometry.
    pub source_vertices: usize,
    /// For big layers: the items a frame looks at (see [`ShapeCache::representatives`]),
    /// found on first use.
    reps: std::sync::OnceLock<Representatives>,
}

/// Side of the squares (cache pixels) representatives are filed by, so that a frame looks only
/// at those around the view.
const REPRESENTATIVE_TILE: f32 = 128.0;

/// A big layer's representatives: in item order, and per layer filed by square.
#[derive(Debug, Clone, Default)]
struct Representatives {
    list: Vec<u32>,
    /// Per layer, in the order the layers were given.
    layers: Vec<Filed>,
}

/// One layer's representatives filed by the square of [`REPRESENTATIVE_TILE`] their marker
/// (or anchor) is in; wider ones apart.
#[derive(Debug, Clone, Default)]
struct Filed {
    /// The layer's features (what it is known by: layers change places without a rebuild).
    features: Range<usize>,
    tiles: std::collections::HashMap<(i32, i32), Vec<Represented>>,
    /// Items wider than a square, looked at in every frame.
    wide: Vec<Represented>,
    /// The widest of the filed items (cache pixels): how far one reaches beyond its square.
    reach: f32,
}

/// What a frame needs to know of a representative before it looks at the item itself (kept
/// side by side, so that those off screen cost one read of memory in sequence).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Represented {
    /// Index of the item.
    pub item: u32,
    /// Its marker (first point) or anchor, cache pixels.
    pub at: Pos2,
    /// Its size at the cache's level (see [`Item::size_px`]).
    pub size_px: f32,
    /// It has triangles or outlines (else it is only ever a marker).
    pub tessellated: bool,
    /// It has more than one marker point (a multi-point).
    pub several: bool,
}

/// Where cached pixels go on screen this frame.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    /// Screen position of the origin.
    pub offset: Vec2,
    /// 2^(zoom − level).
    pub scale: f32,
}

impl Placement {
    /// Screen position of a cached point.
    #[inline]
    pub fn at(&self, p: Pos2) -> Pos2 {
        Pos2::new(
            p.x * self.scale + self.offset.x,
            p.y * self.scale + self.offset.y,
        )
    }

    /// The cache pixels a screen rectangle covers.
    pub fn to_cache(&self, r: egui::Rect) -> egui::Rect {
        let back = |p: Pos2| (p - self.offset) / self.scale;
        egui::Rect::from_min_max(back(r.min), back(r.max))
    }
}

/// How far (pixels) a simplified line may stray from the original.
const SIMPLIFY_PX: f64 = 0.5;

/// Ramer–Douglas–Peucker simplification as `geo`'s `Simplify` does it — the farthest point
/// (the last of equals) splits a run; a run is not dropped if that would leave fewer than `min`
/// points in all — comparing squared distances, so that no point costs a square root (`hypot`
/// was a quarter of the time a zoom level of parcels took).
fn simplify(c: &[Coord<f64>], eps: f64, min: usize) -> Vec<Coord<f64>> {
    let n = c.len();
    if n <= 2 || eps <= 0.0 {
        return c.to_vec();
    }
    let mut kept = Vec::with_capacity(n);
    let mut len = n;
    rdp(c, 0, n - 1, eps * eps, min, &mut len, &mut kept);
    kept.push(n - 1);
    kept.into_iter().filter_map(|i| c.get(i).copied()).collect()
}

/// Appends the points of `c[lo..=hi]` that stay, but not `hi`.
fn rdp(
    c: &[Coord<f64>],
    lo: usize,
    hi: usize,
    eps2: f64,
    min: usize,
    len: &mut usize,
    kept: &mut Vec<usize>,
) {
    if hi <= lo + 1 {
        kept.push(lo);
        return;
    }
    let (Some(&a), Some(&b)) = (c.get(lo), c.get(hi)) else {
        return;
    };
    let (mut far, mut far_d2) = (lo, 0.0);
    for k in lo + 1..hi {
        let d2 = c.get(k).map_or(0.0, |&p| segment_distance2(p, a, b));
        if d2 >= far_d2 {
            (far, far_d2) = (k, d2);
        }
    }
    if far_d2 > eps2 {
        rdp(c, lo, far, eps2, min, len, kept);
        rdp(c, far, hi, eps2, min, len, kept);
        return;
    }
    let culled = hi - lo - 1;
    if *len - culled < min {
        kept.extend(lo..hi);
        return;
    }
    *len -= culled;
    kept.push(lo);
}

/// Squared distance from `p` to the segment `a`–`b`.
fn segment_distance2(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (p.x - (a.x + t * dx), p.y - (a.y + t * dy));
    ex * ex + ey * ey
}

/// A point inside an area for its marker and label: the middle of its box when that is
/// inside (one point-in-polygon test; most parcels), else `geo`'s interior point (several
/// line intersections and tests: it was most of the time a zoom level of parcels took).
fn area_anchor(px: &Geometry<f64>, middle: Pos2) -> Pos2 {
    use geo::Intersects;
    let c = Coord {
        x: f64::from(middle.x),
        y: f64::from(middle.y),
    };
    if px.intersects(&c) {
        return middle;
    }
    px.interior_point()
        .map_or(middle, |p| Pos2::new(p.x() as f32, p.y() as f32))
}

/// Counts the vertices of a geometry.
pub fn vertex_count(g: &Geometry<f64>) -> usize {
    geo::CoordsIter::coords_count(g)
}

/// WGS-84 → Web-Mercator pixels at the key's level, relative to `origin` (shifted to GCJ-02
/// when the key says so).
fn to_pixels(key: ShapeKey, origin: Position) -> impl Fn(Coord<f64>) -> Coord<f64> + Copy {
    let zoom = f64::from(key.level);
    let o = MercatorProjection.project(shift(origin, key.gcj), zoom);
    move |c: Coord<f64>| {
        let p = MercatorProjection.project(shift(Position::new(c.x, c.y), key.gcj), zoom);
        Coord {
            x: p.x() - o.x(),
            y: p.y() - o.y(),
        }
    }
}

impl ShapeCache {
    /// Tessellates `geometries` (one item each, `None` for features without geometry).
    pub fn build(geometries: &[Option<&Geometry<f64>>], key: ShapeKey, origin: Position) -> Self {
        let to_px = to_pixels(key, origin);
        let mut cache = ShapeCache::empty(key, origin, geometries.len());
        for g in geometries {
            let mut item = cache.next_item();
            if let Some(g) = g {
                cache.source_vertices += vertex_count(g);
                let px = g.map_coords(to_px);
                cache.add(&px, &mut item);
                if let Some(r) = px.bounding_rect() {
                    item.size_px = r.width().max(r.height()) as f32;
                    let c = px
                        .interior_point()
                        .map_or(r.center(), |p| Coord { x: p.x(), y: p.y() });
                    item.anchor = Pos2::new(c.x as f32, c.y as f32);
                }
            }
            cache.close_item(item);
        }
        cache
    }

    /// Tessellates the features of opened layers straight from their compact store: only
    /// those meeting the key's region, and those too small to be more than a marker at this
    /// level only get their anchor and size (a city view of a million parcels needs no
    /// triangles).
    pub fn build_flat(features: &Features, key: ShapeKey, origin: Position) -> Self {
        Self::build_flat_range(
            features,
            0..features.len(),
            key,
            origin,
            &AtomicBool::new(false),
        )
    }

    /// [`ShapeCache::build_flat`] on both cores: each half of the features on its own thread,
    /// the halves joined. Stops early (returning what it has) when `stop` is raised.
    pub fn build_flat_parallel(
        features: &Features,
        key: ShapeKey,
        origin: Position,
        stop: &AtomicBool,
    ) -> Self {
        let n = features.len();
        let half = n / 2;
        let (mut a, b) = std::thread::scope(|s| {
            let second = s.spawn(|| Self::build_flat_range(features, half..n, key, origin, stop));
            let a = Self::build_flat_range(features, 0..half, key, origin, stop);
            (a, second.join().ok())
        });
        match b {
            Some(b) => a.append(b),
            None => a.items.resize(n, Item::default()),
        }
        a
    }

    /// Appends another cache's items (built for the same key and origin) after this one's.
    fn append(&mut self, other: ShapeCache) {
        let off = |r: &Range<u32>, by: usize| r.start + by as u32..r.end + by as u32;
        let (fv, fi, rg, pt, lp) = (
            self.fill_pos.len(),
            self.fill_idx.len(),
            self.rings.len(),
            self.points.len(),
            self.line_pos.len(),
        );
        self.items.extend(other.items.into_iter().map(|it| Item {
            fill_v: off(&it.fill_v, fv),
            fill_i: off(&it.fill_i, fi),
            rings: off(&it.rings, rg),
            points: off(&it.points, pt),
            ..it
        }));
        self.fill_pos.extend(other.fill_pos);
        self.fill_idx
            .extend(other.fill_idx.into_iter().map(|i| i + fv as u32));
        self.line_pos.extend(other.line_pos);
        self.line_mitre.extend(other.line_mitre);
        self.rings.extend(other.rings.into_iter().map(|r| Ring {
            pts: off(&r.pts, lp),
            closed: r.closed,
        }));
        self.points.extend(other.points);
        self.source_vertices += other.source_vertices;
    }

    /// [`ShapeCache::build_flat`] for the features in `range` (its items are those features,
    /// in order); stops early, with the rest left out, when `stop` is raised.
    fn build_flat_range(
        features: &Features,
        range: Range<usize>,
        key: ShapeKey,
        origin: Position,
        stop: &AtomicBool,
    ) -> Self {
        let to_px = to_pixels(key, origin);
        let region = key.region_degrees();
        let mut cache = ShapeCache::empty(key, origin, range.len());
        for i in range {
            if i % 4096 == 0 && stop.load(Ordering::Relaxed) {
                break;
            }
            let mut item = cache.next_item();
            if let Some(g) = features.flat(i) {
                cache.source_vertices += g.coords().len();
                let b = g.bbox().filter(|b| {
                    region.is_none_or(|r| {
                        b[0] <= r[2] && b[2] >= r[0] && b[1] <= r[3] && b[3] >= r[1]
                    })
                });
                if let Some(b) = b {
                    let nw = to_px(Coord { x: b[0], y: b[3] });
                    let se = to_px(Coord { x: b[2], y: b[1] });
                    item.size_px = ((se.x - nw.x).abs().max((se.y - nw.y).abs())) as f32;
                    item.anchor =
                        Pos2::new(((nw.x + se.x) / 2.0) as f32, ((nw.y + se.y) / 2.0) as f32);
                    // Within half a level of this one a feature grows at most √2 times.
                    if item.size_px * 1.5 < SMALL_PX {
                        item.kind = match g.dimension() {
                            0 => Kind::Point,
                            1 => Kind::Line,
                            _ => Kind::Area,
                        };
                        if item.kind == Kind::Point {
                            let start = cache.points.len();
                            cache.points.extend(g.coords().iter().map(|c| {
                                let p = to_px(Coord { x: c[0], y: c[1] });
                                Pos2::new(p.x as f32, p.y as f32)
                            }));
                            if cache.points.len() - start > 1 {
                                // Many points in a tiny box: one marker is what shows.
                                cache.points.truncate(start + 1);
                            }
                        }
                    } else {
                        let px = g.to_geo().map_coords(to_px);
                        cache.add(&px, &mut item);
                        if item.kind == Kind::Area {
                            item.anchor = area_anchor(&px, item.anchor);
                        }
                    }
                }
            }
            cache.close_item(item);
        }
        cache
    }

    fn empty(key: ShapeKey, origin: Position, n: usize) -> ShapeCache {
        ShapeCache {
            key,
            origin,
            items: Vec::with_capacity(n),
            fill_pos: Vec::new(),
            fill_idx: Vec::new(),
            line_pos: Vec::new(),
            line_mitre: Vec::new(),
            rings: Vec::new(),
            points: Vec::new(),
            source_vertices: 0,
            reps: std::sync::OnceLock::new(),
        }
    }

    fn next_item(&self) -> Item {
        Item {
            fill_v: self.fill_pos.len() as u32..self.fill_pos.len() as u32,
            fill_i: self.fill_idx.len() as u32..self.fill_idx.len() as u32,
            rings: self.rings.len() as u32..self.rings.len() as u32,
            points: self.points.len() as u32..self.points.len() as u32,
            ..Item::default()
        }
    }

    fn close_item(&mut self, mut item: Item) {
        item.fill_v.end = self.fill_pos.len() as u32;
        item.fill_i.end = self.fill_idx.len() as u32;
        item.rings.end = self.rings.len() as u32;
        item.points.end = self.points.len() as u32;
        self.items.push(item);
    }

    fn add(&mut self, g: &Geometry<f64>, item: &mut Item) {
        let pos = |c: &Coord<f64>| Pos2::new(c.x as f32, c.y as f32);
        match g {
            Geometry::Point(p) => {
                item.kind = item.kind.max_with(Kind::Point);
                self.points.push(pos(&p.0));
            }
            Geometry::MultiPoint(mp) => {
                item.kind = item.kind.max_with(Kind::Point);
                self.points.extend(mp.0.iter().map(|p| pos(&p.0)));
            }
            Geometry::LineString(l) => {
                item.kind = item.kind.max_with(Kind::Line);
                self.add_line(l, false);
            }
            Geometry::MultiLineString(m) => {
                item.kind = item.kind.max_with(Kind::Line);
                for l in &m.0 {
                    self.add_line(l, false);
                }
            }
            Geometry::Polygon(p) => {
                item.kind = Kind::Area;
                self.add_polygon(p);
            }
            Geometry::MultiPolygon(mp) => {
                item.kind = Kind::Area;
                for p in &mp.0 {
                    self.add_polygon(p);
                }
            }
            Geometry::Rect(r) => {
                item.kind = Kind::Area;
                self.add_polygon(&r.to_polygon());
            }
            Geometry::Triangle(t) => {
                item.kind = Kind::Area;
                self.add_polygon(&t.to_polygon());
            }
            Geometry::Line(l) => {
                item.kind = item.kind.max_with(Kind::Line);
                self.add_line(&LineString::new(vec![l.start, l.end]), false);
            }
            Geometry::GeometryCollection(gc) => {
                for g in &gc.0 {
                    self.add(g, item);
                }
            }
        }
    }

    fn add_line(&mut self, l: &LineString<f64>, closed: bool) {
        let simple = LineString(simplify(&l.0, SIMPLIFY_PX, 2));
        let start = self.line_pos.len();
        for c in &simple.0 {
            let p = Pos2::new(c.x as f32, c.y as f32);
            if self.line_pos.len() == start || self.line_pos.last() != Some(&p) {
                self.line_pos.push(p);
            }
        }
        if closed
            && self.line_pos.len() > start + 1
            && self.line_pos.last() == self.line_pos.get(start)
        {
            self.line_pos.pop();
        }
        let pts = self.line_pos.get(start..).unwrap_or_default();
        self.line_mitre.extend(mitres(pts, closed));
        self.rings.push(Ring {
            pts: start as u32..self.line_pos.len() as u32,
            closed,
        });
    }

    fn add_polygon(&mut self, p: &Polygon<f64>) {
        let ring = |l: &LineString<f64>| LineString(simplify(&l.0, SIMPLIFY_PX, 4));
        let simple = Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect());
        if simple.exterior().0.len() < 4 {
            // Smaller than a pixel: nothing to fill, but keep a dot of outline.
            self.add_line(p.exterior(), true);
            return;
        }
        let tri = simple.earcut_triangles_raw();
        let base = self.fill_pos.len() as u32;
        self.fill_pos.extend(
            tri.vertices
                .iter()
                .map(|xy| Pos2::new(xy[0] as f32, xy[1] as f32)),
        );
        self.fill_idx
            .extend(tri.triangle_indices.iter().map(|&i| base + i as u32));
        for ring in std::iter::once(simple.exterior()).chain(simple.interiors()) {
            self.add_line(ring, true);
        }
    }

    /// Where the cache's pixels go this frame.
    pub fn placement(&self, origin_on_screen: Pos2, zoom: f64) -> Placement {
        Placement {
            offset: origin_on_screen.to_vec2(),
            scale: 2f64.powf(zoom - f64::from(self.key.level)) as f32,
        }
    }

    /// Appends an item's fill to `mesh`.
    pub fn push_fill(&self, item: &Item, pl: Placement, color: Color32, mesh: &mut Mesh) {
        let base = mesh.vertices.len() as u32;
        let (verts, idx) = self.fill_of(item);
        mesh.vertices.extend(verts.iter().map(|p| Vertex {
            pos: pl.at(*p),
            uv: WHITE_UV,
            color,
        }));
        let v0 = item.fill_v.start;
        mesh.indices.extend(idx.iter().map(|i| i - v0 + base));
    }

    /// An item's fill: its vertices (cache pixels) and its triangles' indices, which count
    /// from `item.fill_v.start`.
    pub fn fill_of(&self, item: &Item) -> (&[Pos2], &[u32]) {
        let verts = self
            .fill_pos
            .get(item.fill_v.start as usize..item.fill_v.end as usize)
            .unwrap_or_default();
        let idx = self
            .fill_idx
            .get(item.fill_i.start as usize..item.fill_i.end as usize)
            .unwrap_or_default();
        (verts, idx)
    }

    /// Appends an item's outlines and lines to `mesh` as strips `width` points wide.
    pub fn push_outline(
        &self,
        item: &Item,
        pl: Placement,
        width: f32,
        color: Color32,
        mesh: &mut Mesh,
    ) {
        let rings = self
            .rings
            .get(item.rings.start as usize..item.rings.end as usize)
            .unwrap_or_default();
        for ring in rings {
            let pts = self
                .line_pos
                .get(ring.pts.start as usize..ring.pts.end as usize)
                .unwrap_or_default();
            let mitre = self
                .line_mitre
                .get(ring.pts.start as usize..ring.pts.end as usize)
                .unwrap_or_default();
            push_strip(mesh, pts, mitre, ring.closed, |p| pl.at(p), width, color);
        }
    }

    /// The item's marker positions on screen (its points, or its anchor).
    pub fn marker_points<'a>(
        &'a self,
        item: &'a Item,
        pl: Placement,
    ) -> impl Iterator<Item = Pos2> + 'a {
        let pts = self
            .points
            .get(item.points.start as usize..item.points.end as usize)
            .unwrap_or_default();
        let anchor = pts.is_empty().then_some(item.anchor);
        pts.iter().copied().chain(anchor).map(move |p| pl.at(p))
    }

    /// The items worth looking at when a frame holds most of a big layer: every tessellated
    /// item, and of those that are only a marker at this level one per square of `cell` cache
    /// pixels, each layer (`layers`: its range of items) thinned on its own. In item order.
    /// Found once per cache; a frame then walks thousands of items instead of a million.
    pub fn representatives(&self, layers: &[Range<usize>], cell: f32) -> &[u32] {
        &self
            .reps
            .get_or_init(|| self.find_representatives(layers, cell))
            .list
    }

    /// Where an item's marker (its first point, or its anchor) is.
    fn marker_at(&self, item: &Item) -> Pos2 {
        self.points
            .get(item.points.start as usize)
            .copied()
            .unwrap_or(item.anchor)
    }

    fn find_representatives(&self, layers: &[Range<usize>], cell: f32) -> Representatives {
        let mut out = Representatives::default();
        for r in layers {
            let mut taken = std::collections::HashSet::new();
            let mut filed = Filed {
                features: r.clone(),
                ..Filed::default()
            };
            for i in r.clone() {
                let Some(item) = self.items.get(i) else { break };
                if item.kind == Kind::None {
                    continue;
                }
                let tessellated = !(item.rings.is_empty() && item.fill_i.is_empty());
                let at = self.marker_at(item);
                let square = ((at.x / cell).floor() as i32, (at.y / cell).floor() as i32);
                if !tessellated && !taken.insert(square) {
                    continue;
                }
                out.list.push(i as u32);
                let rep = Represented {
                    item: i as u32,
                    at,
                    size_px: item.size_px,
                    tessellated,
                    several: item.points.len() > 1,
                };
                if item.size_px > REPRESENTATIVE_TILE {
                    filed.wide.push(rep);
                } else {
                    filed.reach = filed.reach.max(item.size_px);
                    let tile = (
                        (at.x / REPRESENTATIVE_TILE).floor() as i32,
                        (at.y / REPRESENTATIVE_TILE).floor() as i32,
                    );
                    filed.tiles.entry(tile).or_default().push(rep);
                }
            }
            out.layers.push(filed);
        }
        out.list.sort_unstable();
        out
    }

    /// Calls `f` with each representative of the layer of features `layer` that may show in
    /// `view` (cache pixels): those filed in the squares it (grown by the layer's widest item)
    /// meets, and the wide ones. False (and no call) when they are not found yet or not for
    /// this layer.
    pub fn representatives_in(
        &self,
        layer: &Range<usize>,
        view: egui::Rect,
        mut f: impl FnMut(&Represented),
    ) -> bool {
        let Some(filed) = self
            .reps
            .get()
            .and_then(|reps| reps.layers.iter().find(|l| l.features == *layer))
        else {
            return false;
        };
        let grown = view.expand(filed.reach);
        let t = |v: f32| (v / REPRESENTATIVE_TILE).floor() as i32;
        let (x0, x1) = (t(grown.min.x), t(grown.max.x));
        let (y0, y1) = (t(grown.min.y), t(grown.max.y));
        let squares = (i64::from(x1) - i64::from(x0) + 1) * (i64::from(y1) - i64::from(y0) + 1);
        if squares > filed.tiles.len() as i64 {
            filed
                .tiles
                .iter()
                .filter(|((x, y), _)| (x0..=x1).contains(x) && (y0..=y1).contains(y))
                .for_each(|(_, v)| v.iter().for_each(&mut f));
        } else {
            for y in y0..=y1 {
                for x in x0..=x1 {
                    if let Some(v) = filed.tiles.get(&(x, y)) {
                        v.iter().for_each(&mut f);
                    }
                }
            }
        }
        filed.wide.iter().for_each(f);
        true
    }

    /// Whether the item is drawn as a marker at this scale: points, and polygons or lines
    /// smaller than [`SMALL_PX`].
    pub fn is_marker(&self, item: &Item, pl: Placement) -> bool {
        match item.kind {
            Kind::Point => true,
            // Not tessellated (too small at the cache's level): a marker at any scale.
            Kind::Area | Kind::Line if item.rings.is_empty() => true,
            Kind::Area | Kind::Line => item.size_px * pl.scale < SMALL_PX,
            Kind::None => false,
        }
    }
}

impl Kind {
    fn max_with(self, other: Kind) -> Kind {
        let rank = |k: Kind| match k {
            Kind::None => 0,
            Kind::Point => 1,
            Kind::Line => 2,
            Kind::Area => 3,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

/// The markers of the coarsest level built, kept to draw where the cache in use does not
/// reach: zooming out from a street, the previous level covers only the street's
/// surroundings while the new level is built.
#[derive(Debug, Clone)]
pub struct Overview {
    /// The level it was found at (its generation and datum too).
    pub key: ShapeKey,
    /// The origin of its cache pixels.
    pub origin: Position,
    /// Per layer (known by its features): one marker point per representative, cache pixels.
    pub layers: Vec<(Range<usize>, Vec<Pos2>)>,
}

impl Overview {
    /// Where its pixels go this frame.
    pub fn placement(&self, origin_on_screen: Pos2, zoom: f64) -> Placement {
        Placement {
            offset: origin_on_screen.to_vec2(),
            scale: 2f64.powf(zoom - f64::from(self.key.level)) as f32,
        }
    }
}

impl ShapeCache {
    /// The representatives' marker points, per layer (None before they are found).
    pub fn overview(&self) -> Option<Overview> {
        let reps = self.reps.get()?;
        let layers = reps
            .layers
            .iter()
            .map(|l| {
                let points = l.tiles.values().flatten().chain(&l.wide).map(|r| r.at);
                (l.features.clone(), points.collect())
            })
            .collect();
        Some(Overview {
            key: self.key,
            origin: self.origin,
            layers,
        })
    }
}

/// A layer's cache, rebuilt on a worker thread when the data is big.
#[derive(Default)]
pub struct LayerShapes {
    /// The cache drawn from (possibly for another zoom level while a new one is built).
    pub current: Option<ShapeCache>,
    /// The coarsest level's markers (big layers only, see [`Overview`]).
    pub overview: Option<Overview>,
    pending: Option<(ShapeKey, Receiver<ShapeCache>)>,
    /// Raised to stop the build in progress when another is wanted (zooming on).
    stop: Arc<AtomicBool>,
}

impl LayerShapes {
    /// Makes sure a cache for `key` is built or on its way. `geometries` is called only when
    /// a cache has to be built.
    pub fn ensure<'g>(
        &mut self,
        key: ShapeKey,
        origin: Position,
        geometries: &dyn Fn() -> Vec<Option<&'g Geometry<f64>>>,
        ctx: &egui::Context,
    ) {
        if self.needs(key) {
            let borrowed = geometries();
            let vertices: usize = borrowed.iter().flatten().map(|g| vertex_count(g)).sum();
            if vertices < BACKGROUND_VERTICES {
                self.current = Some(ShapeCache::build(&borrowed, key, origin));
                self.pending = None;
            } else {
                let owned: Vec<Option<Geometry<f64>>> =
                    borrowed.iter().map(|g| g.cloned()).collect();
                self.spawn(key, ctx, move |_| {
                    let refs: Vec<Option<&Geometry<f64>>> =
                        owned.iter().map(Option::as_ref).collect();
                    ShapeCache::build(&refs, key, origin)
                });
            }
        }
        self.keep_polling(ctx);
    }

    /// Like [`LayerShapes::ensure`] for the features of opened layers, built from their
    /// compact store (shared with the worker thread, not copied); a big layer's
    /// representatives for `layers` (each layer's range of features) are found there too.
    pub fn ensure_flat(
        &mut self,
        key: ShapeKey,
        origin: Position,
        features: &Features,
        layers: Vec<Range<usize>>,
        ctx: &egui::Context,
    ) {
        if self.needs(key) {
            if features.vertex_count() < BACKGROUND_VERTICES {
                self.current = Some(ShapeCache::build_flat(features, key, origin));
                self.pending = None;
            } else {
                let features = features.clone();
                self.spawn(key, ctx, move |stop| {
                    let t0 = std::time::Instant::now();
                    let c = ShapeCache::build_flat_parallel(&features, key, origin, stop);
                    c.representatives(&layers, REPRESENTATIVE_CELL);
                    if std::env::var_os("PARK_ATLAS_TIMING").is_some() {
                        eprintln!(
                            "park-atlas: layer shapes for zoom {} built in {} ms",
                            key.level,
                            t0.elapsed().as_millis()
                        );
                    }
                    c
                });
            }
        }
        self.keep_polling(ctx);
    }

    /// Takes a finished build; true when a cache for `key` is neither there nor on its way.
    fn needs(&mut self, key: ShapeKey) -> bool {
        if let Some((k, rx)) = &self.pending {
            match rx.try_recv() {
                Ok(cache) if *k == key => {
                    let coarser = |o: &Overview| {
                        o.key.generation != key.generation
                            || o.key.gcj != key.gcj
                            || key.level <= o.key.level
                    };
                    if self.overview.as_ref().is_none_or(coarser) {
                        self.overview = cache.overview().or(self.overview.take());
                    }
                    self.current = Some(cache);
                    self.pending = None;
                }
                Ok(_) | Err(TryRecvError::Disconnected) => self.pending = None,
                Err(TryRecvError::Empty) => {}
            }
        }
        let fresh = self.current.as_ref().is_some_and(|c| c.key == key);
        let building = self.pending.as_ref().is_some_and(|(k, _)| *k == key);
        !fresh && !building
    }

    fn spawn(
        &mut self,
        key: ShapeKey,
        ctx: &egui::Context,
        job: impl FnOnce(&AtomicBool) -> ShapeCache + Send + 'static,
    ) {
        // A build for another key is no longer wanted.
        self.stop.store(true, Ordering::Relaxed);
        self.stop = Arc::new(AtomicBool::new(false));
        let stop = self.stop.clone();
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(job(&stop));
            repaint.request_repaint();
        });
        self.pending = Some((key, rx));
    }

    fn keep_polling(&self, ctx: &egui::Context) {
        if self.pending.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
    }

    /// The key of the cache drawn now or being built (where a region is kept while the view
    /// stays inside it).
    pub fn latest_key(&self) -> Option<ShapeKey> {
        self.pending
            .as_ref()
            .map(|(k, _)| *k)
            .or(self.current.as_ref().map(|c| c.key))
    }

    /// The cache to draw from for `key`: one of the same data and datum, possibly of another
    /// zoom level while the right one is built.
    pub fn usable(&self, key: ShapeKey) -> Option<&ShapeCache> {
        self.current
            .as_ref()
            .filter(|c| c.key.generation == key.generation && c.key.gcj == key.gcj)
    }

    /// The overview to draw beside the cache for `key` (same data and datum).
    pub fn usable_overview(&self, key: ShapeKey) -> Option<&Overview> {
        self.overview
            .as_ref()
            .filter(|o| o.key.generation == key.generation && o.key.gcj == key.gcj)
    }

    /// True while a cache is being built in the background.
    pub fn is_building(&self) -> bool {
        self.pending.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Point, polygon};

    fn key(level: i32) -> ShapeKey {
        ShapeKey {
            generation: 1,
            level,
            gcj: false,
            region: None,
        }
    }

    #[test]
    fn a_square_is_filled_outlined_and_anchored_inside() {
        let sq: Geometry<f64> = polygon![
            (x: 110.0, y: 21.0), (x: 110.01, y: 21.0), (x: 110.01, y: 21.01), (x: 110.0, y: 21.01), (x: 110.0, y: 21.0)
        ]
        .into();
        let origin = Position::new(110.0, 21.0);
        let c = ShapeCache::build(&[Some(&sq)], key(14), origin);
        let item = &c.items[0];
        assert_eq!(item.kind, Kind::Area);
        assert_eq!(item.fill_i.len(), 6, "two triangles");
        assert_eq!(item.rings.len(), 1);
        // 0.01° at zoom 14 is 2^14·256/360·0.01 ≈ 116.5 px wide, and 116.5 / cos 21° ≈ 124.8
        // px high in Mercator.
        assert!((item.size_px - 124.8).abs() < 1.0, "{}", item.size_px);
        assert!(item.anchor.x > 0.0 && item.anchor.x < item.size_px);
        // The same square is a marker far out (zoom 8: under 2 px).
        let far = ShapeCache::build(&[Some(&sq)], key(8), origin);
        let pl = far.placement(Pos2::ZERO, 8.0);
        assert!(far.is_marker(&far.items[0], pl));
        let pl = c.placement(Pos2::ZERO, 14.0);
        assert!(!c.is_marker(item, pl));
    }

    #[test]
    fn a_layer_built_in_two_halves_is_the_layer_built_in_one() {
        let features: Vec<crate::model::GenericFeature> = (0..301)
            .map(|i| {
                let (x, y) = (110.0 + f64::from(i % 20) * 0.01, 21.0 + f64::from(i / 20) * 0.01);
                let d = 0.002 + f64::from(i % 7) * 0.001;
                let geometry: Geometry<f64> = if i % 10 == 3 {
                    Point::new(x, y).into()
                } else {
                    polygon![(x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d), (x: x, y: y)].into()
                };
                crate::model::GenericFeature {
                    id: None,
                    properties: Default::default(),
                    geometry: (i % 50 != 7).then_some(geometry),
                }
            })
            .collect();
        let store = Features::from(features);
        let origin = Position::new(110.0, 21.0);
        let one = ShapeCache::build_flat(&store, key(15), origin);
        let two = ShapeCache::build_flat_parallel(&store, key(15), origin, &AtomicBool::new(false));
        assert_eq!(one.items.len(), 301);
        assert_eq!(two.items.len(), 301);
        assert!(one.fill_idx.len() > 1000);
        let pl = one.placement(Pos2::ZERO, 15.0);
        for (a, b) in one.items.iter().zip(&two.items) {
            assert_eq!((a.kind, a.anchor, a.size_px), (b.kind, b.anchor, b.size_px));
            let mesh = |c: &ShapeCache, it: &Item| {
                let mut m = Mesh::default();
                c.push_fill(it, pl, Color32::RED, &mut m);
                c.push_outline(it, pl, 1.0, Color32::BLACK, &mut m);
                let points: Vec<Pos2> = c.marker_points(it, pl).collect();
                (
                    m.indices,
                    m.vertices.iter().map(|v| v.pos).collect::<Vec<_>>(),
                    points,
                )
            };
            assert_eq!(mesh(&one, a), mesh(&two, b));
        }
    }

    /// A square `d` degrees wide with its south-west corner at (`x`, `y`).
    fn square(x: f64, y: f64, d: f64) -> Option<Geometry<f64>> {
        Some(polygon![(x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d), (x: x, y: y)].into())
    }

    /// `n` squares `d` degrees wide in rows of `cols`, `step` degrees apart, from (110, 21).
    fn grid(n: u32, cols: u32, step: f64, d: f64) -> Vec<Option<Geometry<f64>>> {
        (0..n)
            .map(|i| {
                square(
                    110.0 + f64::from(i % cols) * step,
                    21.0 + f64::from(i / cols) * step,
                    d,
                )
            })
            .collect()
    }

    /// Features of these geometries, without properties.
    fn store_of(geoms: Vec<Option<Geometry<f64>>>) -> Features {
        Features::from(
            geoms
                .into_iter()
                .map(|geometry| crate::model::GenericFeature {
                    id: None,
                    properties: Default::default(),
                    geometry,
                })
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)]
    fn the_coarsest_level_built_is_kept_as_the_overview() {
        // 10,000 squares (50k vertices): built on the worker, with representatives.
        let squares: Vec<Option<Geometry<f64>>> = (0..10_000)
            .map(|i| {
                let (x, y) = (110.0 + f64::from(i % 100) * 0.005, 21.0 + f64::from(i / 100) * 0.005);
                let d = 0.002;
                Some(polygon![(x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d), (x: x, y: y)].into())
            })
            .collect();
        let store = store_of(squares);
        let n = store.len();
        let ctx = egui::Context::default();
        let origin = Position::new(110.0, 21.0);
        let mut shapes = LayerShapes::default();
        let build = |shapes: &mut LayerShapes, k: ShapeKey| {
            let start = std::time::Instant::now();
            while shapes.current.as_ref().is_none_or(|c| c.key != k) {
                assert!(
                    start.elapsed().as_secs() < 60,
                    "level {} not built",
                    k.level
                );
                shapes.ensure_flat(k, origin, &store, vec![0..n], &ctx);
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        };
        let level = |shapes: &LayerShapes| shapes.overview.as_ref().map(|o| o.key.level);
        build(&mut shapes, key(10));
        assert_eq!(level(&shapes), Some(10));
        let o = shapes.overview.clone().unwrap();
        // One point per representative, all of the one layer.
        let reps = shapes
            .current
            .as_ref()
            .unwrap()
            .representatives(&[0..n], 5.7)
            .len();
        assert_eq!(o.layers.len(), 1);
        assert_eq!(o.layers[0].0, 0..n);
        assert_eq!(o.layers[0].1.len(), reps);
        assert!(reps > 100, "{reps}");
        // A street level does not replace it; a coarser level does.
        let street = ShapeKey {
            region: Some(region_of([110.1, 21.1, 110.12, 21.12])),
            ..key(15)
        };
        build(&mut shapes, street);
        assert_eq!(level(&shapes), Some(10));
        build(&mut shapes, key(8));
        assert_eq!(level(&shapes), Some(8));
        // Only for the same data and datum.
        assert!(shapes.usable_overview(key(12)).is_some());
        let other = ShapeKey {
            generation: 2,
            ..key(12)
        };
        assert!(shapes.usable_overview(other).is_none());
        // New data: its first level is the overview, whatever the old one's level.
        build(
            &mut shapes,
            ShapeKey {
                generation: 2,
                ..key(13)
            },
        );
        assert_eq!(level(&shapes), Some(13));
    }

    #[test]
    fn lines_and_rings_are_simplified_as_geo_simplifies_them() {
        use geo::Simplify;
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for round in 0..400 {
            // Wobbly rings and lines of 3–60 points, under a pixel to a few hundred across
            // (the smallest ones keep their last points: a ring keeps 4, a line 2).
            let n = 3 + (next() * 58.0) as usize;
            let r = if round % 3 == 0 {
                0.1 + next()
            } else {
                2.0 + next() * 200.0
            };
            let mut pts: Vec<Coord<f64>> = (0..n)
                .map(|k| {
                    let t = k as f64 / n as f64 * std::f64::consts::TAU;
                    let rr = r * (0.7 + 0.3 * next());
                    Coord {
                        x: rr * t.cos(),
                        y: rr * t.sin(),
                    }
                })
                .collect();
            if round % 2 == 0 {
                pts.push(pts[0]);
            }
            let line = LineString(pts.clone());
            assert_eq!(simplify(&pts, 0.5, 2), line.simplify(0.5).0, "line {round}");
            let poly = Polygon::new(line.clone(), vec![]);
            assert_eq!(
                simplify(&poly.exterior().0, 0.5, 4),
                poly.simplify(0.5).exterior().0,
                "ring {round}"
            );
        }
    }

    #[test]
    fn an_area_is_anchored_inside_it() {
        use geo::Intersects;
        // A square: the middle of its box. A U: the middle of its box is in the gap, so the
        // anchor is found elsewhere, inside.
        let sq: Geometry<f64> =
            polygon![(x: 0.0, y: 0.0), (x: 40.0, y: 0.0), (x: 40.0, y: 40.0), (x: 0.0, y: 40.0)]
                .into();
        assert_eq!(
            area_anchor(&sq, Pos2::new(20.0, 20.0)),
            Pos2::new(20.0, 20.0)
        );
        let u: Geometry<f64> = polygon![
            (x: 0.0, y: 0.0), (x: 40.0, y: 0.0), (x: 40.0, y: 40.0), (x: 30.0, y: 40.0),
            (x: 30.0, y: 10.0), (x: 10.0, y: 10.0), (x: 10.0, y: 40.0), (x: 0.0, y: 40.0)
        ]
        .into();
        let a = area_anchor(&u, Pos2::new(20.0, 20.0));
        assert_ne!(a, Pos2::new(20.0, 20.0));
        assert!(
            u.intersects(&Coord {
                x: f64::from(a.x),
                y: f64::from(a.y)
            }),
            "{a:?}"
        );
        // Built from the store, a U-shaped parcel gets the same.
        let lonlat = |x: f64, y: f64| (110.0 + x * 1e-4, 21.0 + y * 1e-4);
        let ring: Vec<(f64, f64)> = [
            (0.0, 0.0),
            (40.0, 0.0),
            (40.0, 40.0),
            (30.0, 40.0),
            (30.0, 10.0),
            (10.0, 10.0),
            (10.0, 40.0),
            (0.0, 40.0),
            (0.0, 0.0),
        ]
        .iter()
        .map(|&(x, y)| lonlat(x, y))
        .collect();
        let parcel: Geometry<f64> = Polygon::new(LineString::from(ring), vec![]).into();
        let c = ShapeCache::build_flat(
            &store_of(vec![Some(parcel.clone())]),
            key(17),
            Position::new(110.0, 21.0),
        );
        let item = &c.items[0];
        assert!(!item.rings.is_empty(), "tessellated at this level");
        let to_px = to_pixels(key(17), Position::new(110.0, 21.0));
        let px = parcel.map_coords(to_px);
        let anchor = Coord {
            x: f64::from(item.anchor.x),
            y: f64::from(item.anchor.y),
        };
        assert!(px.intersects(&anchor), "{:?}", item.anchor);
    }

    #[test]
    fn representatives_keep_every_shape_and_one_marker_per_square_per_layer() {
        // 2,000 tiny squares packed into a small area (markers at zoom 10), then 10 big ones.
        let mut geoms = grid(2000, 50, 0.002, 0.0005);
        geoms.extend((0..10).map(|i| square(110.5 + f64::from(i) * 0.2, 21.5, 0.1)));
        let store = store_of(geoms);
        let c = ShapeCache::build_flat(&store, key(10), Position::new(110.0, 21.0));
        let cell = 8.0;
        // Two layers: the first 1,000 squares, and the rest.
        let reps = c.representatives(&[1000..2010, 0..1000], cell).to_vec();
        assert!(reps.windows(2).all(|w| w[0] < w[1]), "in item order");
        // Every big square is there.
        assert!((2000..2010).all(|i| reps.contains(&i)));
        // Far fewer markers, and every marker-only item has a representative of its own layer
        // in its square.
        let markers = reps.iter().filter(|&&i| i < 2000).count();
        assert!(markers < 400, "{markers}");
        let square_of = |i: usize| {
            let a = c.items[i].anchor;
            ((a.x / cell).floor() as i32, (a.y / cell).floor() as i32)
        };
        for i in 0..2000 {
            let layer = if i < 1000 { 0..1000 } else { 1000..2010 };
            assert!(
                reps.iter().any(
                    |&r| layer.contains(&(r as usize)) && square_of(r as usize) == square_of(i)
                ),
                "item {i}"
            );
        }
        // Each layer's, asked for by its features (layers change places without a rebuild),
        // are its own, and together they are all of them.
        let everywhere = egui::Rect::from_min_max(Pos2::new(-1e6, -1e6), Pos2::new(1e6, 1e6));
        let mut seen = Vec::new();
        for layer in [0..1000, 1000..2010] {
            assert!(c.representatives_in(&layer, everywhere, |r| {
                assert!(
                    layer.contains(&(r.item as usize)),
                    "{} in {layer:?}",
                    r.item
                );
                seen.push(r.item);
            }));
        }
        seen.sort_unstable();
        assert_eq!(seen, reps);
    }

    #[test]
    fn representatives_around_a_view_are_all_that_can_show_there() {
        // 40 × 40 small squares over about 2,300 pixels at zoom 12, and one square wider
        // than a filing square.
        let mut geoms = grid(1600, 40, 0.02, 0.0004);
        geoms.push(square(109.7, 20.7, 0.2));
        // About 110 px wide, its anchor in the square left of the view's, its right side in
        // the view.
        geoms.push(square(110.0687, 21.21, 0.0378));
        let store = store_of(geoms);
        let c = ShapeCache::build_flat(&store, key(12), Position::new(110.0, 21.0));
        let view = egui::Rect::from_min_size(Pos2::new(300.0, -900.0), Vec2::new(640.0, 400.0));
        let around = |layer: Range<usize>| {
            let mut out = Vec::new();
            let found = c.representatives_in(&layer, view, |r| out.push(*r));
            found.then_some(out)
        };
        assert_eq!(around(0..1602), None, "not found yet");
        let layers = [Range {
            start: 0,
            end: 1602,
        }];
        let all = c.representatives(&layers, 1.0).to_vec();
        assert_eq!(all.len(), 1602, "no two share a square");
        let out = around(0..1602).unwrap();
        let items: Vec<u32> = out.iter().map(|r| r.item).collect();
        assert!(items.contains(&1600), "the wide one always");
        let reaching = &c.items[1601];
        assert!(reaching.anchor.x < 256.0 && reaching.anchor.x + reaching.size_px > 300.0);
        assert!(
            items.contains(&1601),
            "one from beside the view that reaches into it"
        );
        // Everything that reaches into the view is there, once; much that does not is left
        // out.
        for &i in &all {
            let item = &c.items[i as usize];
            let n = items.iter().filter(|&&k| k == i).count();
            if view.expand(item.size_px).contains(c.marker_at(item)) {
                assert_eq!(n, 1, "item {i}");
            }
            assert!(n <= 1);
        }
        assert!(out.len() < all.len() / 4, "{} of {}", out.len(), all.len());
        // What is told about each is the item's.
        for r in &out {
            let item = &c.items[r.item as usize];
            assert_eq!(r.at, c.marker_at(item));
            assert_eq!(r.size_px, item.size_px);
            assert_eq!(r.tessellated, !item.rings.is_empty());
        }
        assert_eq!(around(0..1601), None, "not a layer they were found for");
    }

    #[test]
    fn placement_moves_and_scales() {
        let p: Geometry<f64> = Point::new(110.001, 21.0).into();
        let c = ShapeCache::build(&[Some(&p), None], key(10), Position::new(110.0, 21.0));
        assert_eq!(c.items.len(), 2);
        assert_eq!(c.items[1].kind, Kind::None);
        let pl1 = c.placement(Pos2::new(100.0, 100.0), 10.0);
        let pl2 = c.placement(Pos2::new(100.0, 100.0), 11.0);
        let a: Vec<Pos2> = c.marker_points(&c.items[0], pl1).collect();
        let b: Vec<Pos2> = c.marker_points(&c.items[0], pl2).collect();
        assert!((b[0].x - 100.0 - 2.0 * (a[0].x - 100.0)).abs() < 1e-3);
    }

    #[test]
    fn fills_and_outlines_append_to_a_mesh() {
        let sq: Geometry<f64> = polygon![
            (x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01), (x: 0.0, y: 0.0)
        ]
        .into();
        let c = ShapeCache::build(&[Some(&sq), Some(&sq)], key(14), Position::new(0.0, 0.0));
        let pl = c.placement(Pos2::ZERO, 14.0);
        let mut mesh = Mesh::default();
        c.push_fill(&c.items[1], pl, Color32::RED, &mut mesh);
        c.push_fill(&c.items[0], pl, Color32::RED, &mut mesh);
        assert_eq!(mesh.indices.len(), 12);
        assert!(
            mesh.indices
                .iter()
                .all(|&i| (i as usize) < mesh.vertices.len())
        );
        let mut lines = Mesh::default();
        c.push_outline(&c.items[0], pl, 1.0, Color32::BLACK, &mut lines);
        assert_eq!(lines.vertices.len(), 4 * 2, "a pair of vertices per corner");
        assert_eq!(
            lines.indices.len(),
            4 * 6,
            "two triangles per edge, closing one included"
        );
    }

    #[test]
    fn mesh_buffers_come_back_empty_with_their_memory() {
        let mut buffers = MeshBuffers::default();
        let mut mesh = buffers.take(1);
        push_disc(
            &mut mesh,
            Pos2::ZERO,
            5.0,
            Color32::RED,
            1.0,
            Color32::WHITE,
        );
        let (n, ptr) = (mesh.vertices.len(), mesh.vertices.as_ptr());
        assert!(n > 0);
        let shape = buffers.shape(1, mesh);
        // While the painter holds the shape, a new mesh (as big) is handed out.
        let other = buffers.take(1);
        assert!(other.vertices.is_empty() && other.vertices.capacity() >= n);
        assert_ne!(other.vertices.as_ptr(), ptr);
        let shape2 = buffers.shape(1, other);
        drop((shape, shape2));
        // Once the frame is painted the same memory comes back, emptied.
        let mut again = buffers.take(1);
        assert!(again.vertices.is_empty() && again.indices.is_empty());
        push_disc(
            &mut again,
            Pos2::ZERO,
            5.0,
            Color32::RED,
            1.0,
            Color32::WHITE,
        );
        let ptr2 = again.vertices.as_ptr();
        let shape = buffers.shape(1, again);
        drop(shape);
        assert_eq!(buffers.take(1).vertices.as_ptr(), ptr2);
    }

    #[test]
    fn an_outline_is_a_mitred_strip_centred_on_the_ring() {
        let sq = [
            Pos2::new(0.0, 0.0),
            Pos2::new(10.0, 0.0),
            Pos2::new(10.0, 10.0),
            Pos2::new(0.0, 10.0),
        ];
        let mut mesh = Mesh::default();
        let m = mitres(&sq, true);
        push_strip(&mut mesh, &sq, &m, true, |p| p, 2.0, Color32::BLACK);
        // Each corner gets the mitred corners of a 1-px band inside and outside: (±1, ±1).
        let mut corners: Vec<(i32, i32)> = mesh
            .vertices
            .iter()
            .map(|v| (v.pos.x.round() as i32, v.pos.y.round() as i32))
            .collect();
        corners.sort_unstable();
        assert_eq!(
            corners,
            [
                (-1, -1),
                (-1, 11),
                (1, 1),
                (1, 9),
                (9, 1),
                (9, 9),
                (11, -1),
                (11, 11)
            ]
        );
        // An open line: no closing segment; a spike back on itself stays within the width.
        let mut open = Mesh::default();
        let spike = [
            Pos2::new(0.0, 0.0),
            Pos2::new(10.0, 0.0),
            Pos2::new(0.0, 0.1),
        ];
        let m = mitres(&spike, false);
        push_strip(&mut open, &spike, &m, false, |p| p, 2.0, Color32::BLACK);
        assert_eq!(open.indices.len(), 2 * 6);
        assert!(
            open.vertices
                .iter()
                .all(|v| v.pos.x <= 12.1 && v.pos.y.abs() <= 2.1)
        );
    }
}
