//! The parks layer and the layer of other features (from opened files): which features are
//! in view, what is under the pointer, and drawing them — polygons filled and outlined, lines
//! as lines, points and polygons too small to see as markers (level of detail), accuracy halos
//! and links between a site and its zone. Geometry comes from a [`ShapeCache`] built once per
//! zoom level; a frame only culls with the R-tree, moves and scales.

use egui::{Color32, Mesh, Pos2, Rect, Shape, Stroke, Vec2, epaint::CircleShape};
use geo::{BoundingRect, CoordsIter, Geometry};
use walkers::Position;

use super::MapInput;
use super::grid::{Occupancy, Thinning};
use super::projection::Screen;
use super::shapes::{Kind, MeshBuffers, Placement, ShapeCache, push_disc};
use super::style::{SELECTED, marker_radius, park_color, with_alpha};
use crate::model::Role;
use crate::spatial::{Layer, SpatialIndex};

/// Radius of the marker that stands for a polygon too small to see.
pub const LOD_RADIUS: f32 = 4.0;

/// Opacity of a shown park's polygon fill: its cluster colour must read as the legend's.
pub const FILL_ALPHA: u8 = 165;

/// The light casing under park outlines.
const CASING: Color32 = Color32::from_rgba_premultiplied(230, 230, 230, 230);

/// Up to this many parks in view, outlines get a light casing.
const CASED_OUTLINES: usize = 1500;

/// Halos drawn with dashed outlines at most; beyond, plain thin circles (cheaper).
const DASHED_HALOS: usize = 200;

/// A colour darkened for an outline on its own fill.
pub fn darker(c: Color32) -> Color32 {
    let f = |v: u8| (f32::from(v) * 0.62) as u8;
    Color32::from_rgb(f(c.r()), f(c.g()), f(c.b()))
}

/// The uncertainty disc around a marker.
#[derive(Debug, Clone, Copy)]
pub struct Halo {
    /// Centre on screen.
    pub center: Pos2,
    /// Radius in points.
    pub radius: f32,
    /// The park's colour.
    pub color: Color32,
    /// The park is selected or under the pointer.
    pub strong: bool,
}

impl Halo {
    /// The fill's opacity: faint for a small halo, fading to none as the halo grows to the
    /// size of the view (then only its outline shows), so that overlapping halos of zones
    /// never wash over the parks; stronger for the hovered or selected park.
    pub fn fill_alpha(&self, view: Rect) -> u8 {
        let half = 0.5 * view.width().min(view.height()).max(1.0);
        let base = if self.strong { 40.0 } else { 16.0 };
        let fade = 1.0 - ((self.radius - 40.0) / (half - 40.0).max(1.0)).clamp(0.0, 1.0);
        let fade = if self.strong { fade.max(0.5) } else { fade };
        (base * fade).round() as u8
    }
}

/// Draws the halos: a faint fill (see [`Halo::fill_alpha`]) and a dashed outline; the
/// hovered or selected park's outline solid and darker.
pub fn draw_halos(painter: &egui::Painter, view: Rect, halos: &[Halo]) {
    let dashed = halos.len() <= DASHED_HALOS;
    let mut shapes = Vec::new();
    for h in halos {
        let a = h.fill_alpha(view);
        if a > 0 {
            shapes.push(Shape::circle_filled(
                h.center,
                h.radius,
                with_alpha(h.color, a),
            ));
        }
        if h.strong {
            shapes.push(Shape::circle_stroke(
                h.center,
                h.radius,
                Stroke::new(1.6, with_alpha(darker(h.color), 220)),
            ));
        } else if dashed {
            let stroke = Stroke::new(1.0, with_alpha(h.color, 150));
            let n = ((std::f32::consts::TAU * h.radius / 6.0) as usize).clamp(24, 720);
            // Only the arcs in view are dashed: a halo hundreds of points wide mostly is not.
            let area = view.expand(8.0);
            let mut arc: Vec<Pos2> = Vec::new();
            for k in 0..=n {
                let t = k as f32 / n as f32 * std::f32::consts::TAU;
                let p = h.center + Vec2::angled(t) * h.radius;
                if area.contains(p) {
                    arc.push(p);
                } else if !arc.is_empty() {
                    shapes.extend(Shape::dashed_line(&arc, stroke, 5.0, 4.0));
                    arc.clear();
                }
            }
            if arc.len() > 1 {
                shapes.extend(Shape::dashed_line(&arc, stroke, 5.0, 4.0));
            }
        } else {
            shapes.push(Shape::circle_stroke(
                h.center,
                h.radius,
                Stroke::new(1.0, with_alpha(h.color, 110)),
            ));
        }
    }
    painter.extend(shapes);
}

/// A park drawn this frame: where its label goes and how big its marker is.
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    /// Index in `atlas.parks`.
    pub index: usize,
    /// Label anchor on screen.
    pub pos: Pos2,
    /// Marker radius (0 for a polygon drawn as such).
    pub radius: f32,
}

/// The geographic box a screen rectangle shows (with a margin), as (min, max) lon/lat.
pub fn view_box(scr: &Screen<'_>, rect: Rect, margin: f32) -> [f64; 4] {
    let a = scr.geo(rect.left_bottom() + Vec2::new(-margin, margin));
    let b = scr.geo(rect.right_top() + Vec2::new(margin, -margin));
    [
        a.x().min(b.x()),
        a.y().min(b.y()),
        a.x().max(b.x()),
        a.y().max(b.y()),
    ]
}

/// Indices of one layer's features whose bounding box meets the box.
pub fn in_view(index: &SpatialIndex, layer: Layer, b: [f64; 4]) -> std::borrow::Cow<'_, [usize]> {
    index.layer_in_box(layer, b[0], b[1], b[2], b[3])
}

/// What the parks layer computes once per data and filter change, not per frame: each
/// park's colour, and all parks in drawing order (dimmed first, then larger features before
/// smaller ones, so that small markers sit on top) with each park's place in it.
#[derive(Debug, Default)]
pub struct ParkStyle {
    key: Option<(u64, u64)>,
    /// Colour per park.
    pub colors: Vec<Color32>,
    /// Per park: the index in the taxonomy of the cluster that colours it (`u32::MAX`: none).
    cluster: Vec<u32>,
    order: Vec<usize>,
    rank: Vec<u32>,
    /// Per park: its class in the drawing order (see [`ParkStyle::class`]).
    class: Vec<u8>,
}

/// The ranks of [`crate::model::Role::extent_rank`].
const RANKS: u8 = 5;

/// The classes of the drawing order: dimmed or shown, by extent rank.
pub const CLASSES: usize = 2 * RANKS as usize;

/// How a park that is a polygon or a line on screen is painted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paint {
    /// Its fill (polygons only).
    pub fill: Option<Color32>,
    /// Its outline's width (points).
    pub width: f32,
    /// Its outline's colour.
    pub line: Color32,
}

/// A park's colour when it is shown (`on`), else the grey of parks the filters leave out.
fn shown_or_dimmed(color: Color32, on: bool) -> Color32 {
    if on {
        color
    } else {
        with_alpha(Color32::from_gray(140), 70)
    }
}

/// The paint of a park of colour `color` (its style's), shown (`on`) or dimmed, of `kind`:
/// one rule for the CPU meshes and the GPU buffers.
pub fn paint_of(color: Color32, on: bool, kind: Kind) -> Paint {
    let color = shown_or_dimmed(color, on);
    // Opaque enough to match the legend's swatch over land and sea.
    let fill = (kind == Kind::Area).then(|| with_alpha(color, if on { FILL_ALPHA } else { 30 }));
    let (width, line) = if kind == Kind::Line {
        (2.0, color)
    } else if on {
        (1.4, darker(color))
    } else {
        (1.0, color)
    };
    Paint { fill, width, line }
}

impl ParkStyle {
    /// What the style was computed for (data and filter generations).
    pub fn key(&self) -> Option<(u64, u64)> {
        self.key
    }

    /// A park's class in the drawing order (below [`CLASSES`]): the dimmed before the shown,
    /// and among each the larger roles before the smaller; the order is by class, then index.
    pub fn class(&self, i: usize) -> usize {
        self.class.get(i).map_or(0, |&c| usize::from(c))
    }

    /// All parks in drawing order.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// Brings the cache up to date.
    pub fn refresh(&mut self, input: &MapInput<'_>) {
        let key = (input.generation, input.shown_generation);
        if self.key == Some(key) {
            return;
        }
        let parks = &input.atlas.parks;
        self.colors = parks.iter().map(|p| park_color(input.atlas, p)).collect();
        let clusters = &input.atlas.taxonomy.clusters;
        self.cluster = parks
            .iter()
            .map(|p| {
                p.clusters
                    .first()
                    .and_then(|id| clusters.iter().position(|c| &c.id == id))
                    .map_or(u32::MAX, |k| k as u32)
            })
            .collect();
        // Dimmed first, then larger features before smaller ones.
        self.class = parks
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let shown = input.shown.get(i).copied().unwrap_or(false);
                u8::from(shown) * RANKS + (RANKS - 1).saturating_sub(p.role.extent_rank())
            })
            .collect();
        let mut order: Vec<usize> = (0..parks.len()).collect();
        order.sort_by_key(|&i| (self.class.get(i).copied().unwrap_or(0), i));
        let mut rank = vec![0u32; parks.len()];
        for (r, &i) in order.iter().enumerate() {
            if let Some(x) = rank.get_mut(i) {
                *x = r as u32;
            }
        }
        self.order = order;
        self.rank = rank;
        self.key = Some(key);
    }

    /// Parks (shown or dimmed) in view, in drawing order.
    pub fn visible(&self, input: &MapInput<'_>, b: [f64; 4]) -> Vec<usize> {
        let mut parks = in_view(input.index, Layer::Park, b).into_owned();
        if parks.len() == self.order.len() {
            // The whole city is in view: the order is ready.
            return self.order.clone();
        }
        parks.sort_unstable_by_key(|&i| self.rank.get(i).copied().unwrap_or(u32::MAX));
        parks
    }

    /// The clusters (taxonomy indices, in taxonomy order) that colour the shown parks among
    /// `parks`: what the legend lists for the view.
    pub fn clusters_of(&self, input: &MapInput<'_>, parks: &[usize]) -> Vec<usize> {
        let n = input.atlas.taxonomy.clusters.len();
        let mut used = vec![false; n];
        let mut found = 0;
        for &i in parks {
            if !input.shown.get(i).copied().unwrap_or(false) {
                continue;
            }
            if let Some(&k) = self.cluster.get(i)
                && let Some(u) = used.get_mut(k as usize)
                && !*u
            {
                *u = true;
                found += 1;
                if found == n {
                    break;
                }
            }
        }
        (0..n).filter(|&k| used[k]).collect()
    }

    /// A park's colour.
    pub fn color(&self, i: usize) -> Color32 {
        self.colors.get(i).copied().unwrap_or(Color32::GRAY)
    }
}

/// The shown park under a screen point: inside a polygon drawn as such, or on a marker.
pub fn park_at_screen(
    input: &MapInput<'_>,
    scr: &Screen<'_>,
    shapes: Option<(&ShapeCache, Placement)>,
    p: Pos2,
) -> Option<usize> {
    let pos = scr.geo(p);
    let px_per_m = scr.px_per_m(pos).max(1e-9);
    let tolerance_m = f64::from(12.0 / px_per_m);
    input
        .index
        .parks_at_point(input.atlas, pos.x(), pos.y(), tolerance_m)
        .into_iter()
        .filter(|h| input.shown.get(h.index).copied().unwrap_or(false))
        .find(|h| {
            let Some(park) = input.atlas.parks.get(h.index) else {
                return false;
            };
            let r = marker_radius(park.role).max(LOD_RADIUS) + 3.0;
            match shapes.and_then(|(c, pl)| c.items.get(h.index).map(|it| (c, pl, it))) {
                Some((c, pl, item)) if !c.is_marker(item, pl) => {
                    item.kind == Kind::Area && h.distance_m == 0.0
                }
                Some((c, pl, item)) => c.marker_points(item, pl).any(|q| (q - p).length() <= r),
                // No shapes yet: inside an area, or near one of its points.
                None => park.geometry.as_ref().is_some_and(|g| {
                    h.distance_m == 0.0
                        || g.coords_iter()
                            .any(|c| (scr.pos(Position::new(c.x, c.y)) - p).length() <= r)
                }),
            }
        })
        .map(|h| h.index)
}

/// Everything one frame of the parks layer needs.
pub struct ParksFrame<'a, 'b> {
    /// Where to draw.
    pub painter: &'a egui::Painter,
    /// Projection.
    pub scr: &'a Screen<'b>,
    /// The data.
    pub input: &'a MapInput<'a>,
    /// Tessellated parks and where they go this frame.
    pub shapes: Option<(&'a ShapeCache, Placement)>,
    /// Parks in view, in drawing order.
    pub visible: &'a [usize],
    /// The park under the pointer.
    pub hovered: Option<usize>,
    /// Colours and drawing order.
    pub style: &'a ParkStyle,
    /// The GPU's drawing of the parks that are polygons (`map::gpu`); `None`: the CPU draws
    /// them.
    pub gpu: Option<egui::PaintCallback>,
}

impl ParksFrame<'_, '_> {
    /// Draws the parks (into meshes from `buffers`). Returns the parks drawn (for labels) and
    /// how many were drawn as shapes and as markers, and fills `obstacles` with the markers'
    /// rectangles.
    pub fn draw(
        &self,
        obstacles: &mut Occupancy,
        buffers: &mut MeshBuffers,
    ) -> (Vec<Mark>, (usize, usize)) {
        let (mut n_shapes, mut n_markers) = (0, 0);
        let (painter, input) = (self.painter, self.input);
        let atlas = input.atlas;
        let rect = painter.clip_rect();
        let shown = |i: usize| input.shown.get(i).copied().unwrap_or(false);
        let mut fills = buffers.take(0);
        let mut lines = buffers.take(1);
        let mut discs = buffers.take(2);
        let mut highlights: Vec<Shape> = Vec::new();
        let mut marks = Vec::new();
        let mut halos: Vec<Halo> = Vec::new();
        let mut thin = Thinning::new(rect, 2.0 * LOD_RADIUS + 1.0);
        let px_per_m = self.scr.px_per_m(self.scr.geo(rect.center()));
        let casing = self.visible.len() <= CASED_OUTLINES;

        for &i in self.visible {
            let Some(p) = atlas.parks.get(i) else {
                continue;
            };
            let Some((cache, pl)) = self.shapes else {
                // No shapes yet (being built): a plain marker at the park's first point.
                if let Some(c) = p
                    .geometry
                    .as_ref()
                    .and_then(|g| g.coords_iter().next())
                    .map(|c| self.scr.pos(Position::new(c.x, c.y)))
                    && rect.contains(c)
                    && thin.take(c)
                {
                    let color = shown_or_dimmed(self.style.color(i), shown(i));
                    push_disc(&mut discs, c, LOD_RADIUS, color, 1.0, Color32::WHITE);
                }
                continue;
            };
            let Some(item) = cache.items.get(i) else {
                continue;
            };
            let on = shown(i);
            let selected = input.selection.contains(&p.id);
            let hovered = self.hovered == Some(i);
            let color = shown_or_dimmed(self.style.color(i), on);
            if !cache.is_marker(item, pl) {
                // A polygon (or line) big enough to see: fill and outline (drawn by the GPU
                // when it has them).
                if self.gpu.is_none() {
                    let paint = paint_of(self.style.color(i), on, item.kind);
                    if let Some(fill) = paint.fill {
                        cache.push_fill(item, pl, fill, &mut fills);
                    }
                    if on && casing {
                        // A light casing under the line keeps it readable on any ground (left
                        // out where thousands of outlines are drawn: it would double their
                        // vertices).
                        let casing = if item.kind == Kind::Line { 4.0 } else { 3.2 };
                        cache.push_outline(item, pl, casing, CASING, &mut lines);
                    }
                    cache.push_outline(item, pl, paint.width, paint.line, &mut lines);
                }
                if selected || hovered {
                    let mut m = Mesh::default();
                    let (w, c) = if selected {
                        (3.5, SELECTED)
                    } else {
                        (2.5, Color32::from_gray(30))
                    };
                    cache.push_outline(item, pl, w, c, &mut m);
                    highlights.push(Shape::mesh(m));
                }
                if on {
                    marks.push(Mark {
                        index: i,
                        pos: pl.at(item.anchor),
                        radius: 0.0,
                    });
                }
                n_shapes += 1;
                continue;
            }
            // Markers: the park's points, or one marker inside a polygon too small to see.
            let r = if item.kind == Kind::Point {
                marker_radius(p.role)
            } else {
                LOD_RADIUS
            };
            let mut first = None;
            for c in cache.marker_points(item, pl) {
                if !rect.expand(r).contains(c) {
                    continue;
                }
                // Where thousands overlap, one marker per cell (the selected and hovered
                // always).
                if !thin.take(c) && !selected && !hovered && r <= LOD_RADIUS {
                    continue;
                }
                if first.is_none() {
                    n_markers += 1;
                }
                first.get_or_insert(c);
                if on && let Some(km) = p.location_accuracy_km {
                    let radius = (km * 1000.0) as f32 * px_per_m;
                    if radius > r + 2.0 && radius < 4000.0 {
                        halos.push(Halo {
                            center: c,
                            radius,
                            color,
                            strong: selected || hovered,
                        });
                    }
                }
                if selected {
                    highlights.push(Shape::circle_stroke(c, r + 4.0, Stroke::new(3.0, SELECTED)));
                    highlights.push(Shape::circle_stroke(
                        c,
                        r + 5.5,
                        Stroke::new(1.0, Color32::from_gray(40)),
                    ));
                } else if hovered {
                    highlights.push(Shape::circle_stroke(
                        c,
                        r + 3.0,
                        Stroke::new(2.0, Color32::from_gray(30)),
                    ));
                }
                let outline = if on {
                    Color32::WHITE
                } else {
                    with_alpha(Color32::WHITE, 70)
                };
                match p.role {
                    Role::AgglomerationZone => {
                        highlights.push(Shape::Circle(CircleShape::stroke(
                            c,
                            r,
                            Stroke::new(3.0, color),
                        )));
                    }
                    Role::AnchorSite => {
                        let d = r * 1.3;
                        highlights.push(Shape::convex_polygon(
                            vec![
                                c + Vec2::new(0.0, -d),
                                c + Vec2::new(d, 0.0),
                                c + Vec2::new(0.0, d),
                                c + Vec2::new(-d, 0.0),
                            ],
                            color,
                            Stroke::new(1.2, outline),
                        ));
                    }
                    Role::Infrastructure => {
                        highlights.push(Shape::rect_filled(
                            Rect::from_center_size(c, Vec2::splat(r * 2.0)),
                            1.5,
                            color,
                        ));
                        highlights.push(Shape::rect_stroke(
                            Rect::from_center_size(c, Vec2::splat(r * 2.0)),
                            1.5,
                            Stroke::new(1.2, outline),
                            egui::StrokeKind::Middle,
                        ));
                    }
                    _ => push_disc(&mut discs, c, r, color, 1.2, outline),
                }
                if on {
                    obstacles.insert(Rect::from_center_size(c, Vec2::splat(r * 2.0)));
                }
            }
            if on && let Some(c) = first {
                marks.push(Mark {
                    index: i,
                    pos: c,
                    radius: r,
                });
            }
        }
        // Links: a site to the zone it sits in; a multi-site zone's sections to each other.
        let links = self.links();
        draw_halos(painter, rect, &halos);
        if let Some(gpu) = &self.gpu {
            painter.add(gpu.clone());
        }
        painter.add(buffers.shape(0, fills));
        painter.add(buffers.shape(1, lines));
        painter.extend(links);
        painter.add(buffers.shape(2, discs));
        painter.extend(highlights);
        (marks, (n_shapes, n_markers))
    }

    fn links(&self) -> Vec<Shape> {
        let (input, scr) = (self.input, self.scr);
        let atlas = input.atlas;
        let shown = |i: usize| input.shown.get(i).copied().unwrap_or(false);
        let mut out = Vec::new();
        let point_list = |g: &Geometry<f64>| -> Vec<Pos2> {
            match g {
                Geometry::Point(_) | Geometry::MultiPoint(_) => g
                    .coords_iter()
                    .map(|c| scr.pos(Position::new(c.x, c.y)))
                    .collect(),
                other => other
                    .bounding_rect()
                    .map(|r| vec![scr.pos(Position::new(r.center().x, r.center().y))])
                    .unwrap_or_default(),
            }
        };
        for &i in self.visible {
            let Some(p) = atlas.parks.get(i) else {
                continue;
            };
            if !shown(i) || (p.parent_id.is_none() && p.role != Role::AgglomerationZone) {
                continue;
            }
            let Some(g) = &p.geometry else { continue };
            let pts = point_list(g);
            if p.role == Role::AgglomerationZone && pts.len() > 1 {
                let stroke = Stroke::new(1.5, with_alpha(park_color(atlas, p), 160));
                out.extend(Shape::dashed_line(&pts, stroke, 6.0, 4.0));
            }
            if let Some(parent) = p.parent_id.as_deref().and_then(|id| atlas.park_index(id))
                && shown(parent)
                && let (Some(own), Some(pg)) = (
                    pts.first(),
                    atlas.parks.get(parent).and_then(|q| q.geometry.as_ref()),
                )
            {
                let nearest = point_list(pg)
                    .into_iter()
                    .min_by(|a, b| a.distance(*own).total_cmp(&b.distance(*own)));
                if let Some(n) = nearest
                    && n.distance(*own) > 3.0
                {
                    out.push(Shape::line_segment(
                        [*own, n],
                        Stroke::new(1.0, Color32::from_gray(110)),
                    ));
                }
            }
        }
        out
    }
}

/// An overview of a big layer, where its pixels go this frame, and the screen box the cache in
/// use covers (the overview is drawn outside it).
pub type OverviewAt<'o> = (&'o super::shapes::Overview, Placement, Rect);

/// Draws the features of opened files that are neither parks nor counties, layer by layer
/// (bottom first) in each layer's colour: filled and outlined polygons, lines, and markers
/// (thinned where they pile up). Hidden layers are skipped. The meshes come from `buffers`.
/// A big layer is drawn from its representatives around the view (found with the level's
/// shapes, on the worker); `visible` (the features in view) is asked for only otherwise.
/// Outside the screen box the cache covers, an overview's markers are drawn (zooming out
/// while the new level is built).
pub fn draw_others<'v>(
    painter: &egui::Painter,
    (shapes, overview): (Option<(&ShapeCache, Placement)>, Option<OverviewAt<'_>>),
    layers: &[crate::model::FeatureLayer],
    visible: impl FnOnce() -> std::borrow::Cow<'v, [usize]>,
    buffers: &mut MeshBuffers,
) {
    let Some((cache, pl)) = shapes else {
        return;
    };
    let rect = painter.clip_rect();
    let view = pl.to_cache(rect);
    let mut thin = Thinning::new(rect, 2.0 * LOD_RADIUS);
    // Asked for at most once, by the first layer not drawn from representatives.
    let in_view = std::cell::LazyCell::new(visible);
    for (n, layer) in layers.iter().enumerate().filter(|(_, l)| l.style.visible) {
        let (fill, line) = super::style::layer_colors(&layer.style);
        let mut fills = buffers.take(3 * n);
        let mut lines = buffers.take(3 * n + 1);
        let mut discs = buffers.take(3 * n + 2);
        /// A marker at a screen point, or an item as its scale says.
        enum Draw<'i> {
            Marker(Pos2),
            Item(&'i super::shapes::Item),
        }
        let mut draw = |what: Draw<'_>| match what {
            Draw::Marker(c) => {
                if rect.contains(c) && thin.take(c) {
                    push_disc(&mut discs, c, 3.0, line, 1.0, Color32::WHITE);
                }
            }
            Draw::Item(item) if cache.is_marker(item, pl) => {
                for c in cache.marker_points(item, pl) {
                    if rect.contains(c) && thin.take(c) {
                        push_disc(&mut discs, c, 3.0, line, 1.0, Color32::WHITE);
                    }
                }
            }
            Draw::Item(item) => {
                if item.kind == Kind::Area {
                    cache.push_fill(item, pl, fill, &mut fills);
                }
                let w = if item.kind == Kind::Line { 1.5 } else { 1.0 };
                cache.push_outline(item, pl, w, line, &mut lines);
            }
        };
        // A big layer: its representatives around the view, most of them decided on without
        // looking at the item.
        let represented = cache.representatives_in(&layer.features, view, |r| {
            let marker = !r.tessellated || r.size_px * pl.scale < super::shapes::SMALL_PX;
            if marker && !r.several {
                draw(Draw::Marker(pl.at(r.at)));
            } else if (marker || rect.expand(r.size_px * pl.scale).contains(pl.at(r.at)))
                && let Some(item) = cache.items.get(r.item as usize)
            {
                draw(Draw::Item(item));
            }
        });
        if !represented {
            for &i in in_view.iter().filter(|i| layer.features.contains(i)) {
                if let Some(item) = cache.items.get(i) {
                    draw(Draw::Item(item));
                }
            }
        }
        if let Some((o, opl, covered)) = overview
            && let Some((_, points)) = o.layers.iter().find(|l| l.0 == layer.features)
        {
            for &p in points {
                let c = opl.at(p);
                if !covered.contains(c) {
                    draw(Draw::Marker(c));
                }
            }
        }
        painter.add(buffers.shape(3 * n, fills));
        painter.add(buffers.shape(3 * n + 1, lines));
        painter.add(buffers.shape(3 * n + 2, discs));
    }
}
