//! The map: walkers glue and the layers drawn on it, bottom to top.
//!
//! - [`projection`]: WGS-84 → screen (and GCJ-02 on AMap tiles), city bounds, fit zoom.
//! - [`basemap`]: the built-in vector basemap (sea, land, counties), tessellated once per
//!   zoom level and only moved/scaled while panning.
//! - [`tiles`], [`tile_cache`] and [`tile_layer`]: raster tile sources (fetch, cache; no egui) and drawing
//!   them over the built-in basemap.
//! - [`choropleth_layer`]: counties filled by class, legend, county tooltip.
//! - [`shapes`] and [`mesh`]: geometry tessellated once per zoom level; strips, discs and
//!   the meshes reused from frame to frame.
//! - [`parks`]: the parks layer (markers, halos, links, hit-testing) and other features.
//! - [`labels`]: park and county names that do not pile up.
//! - [`measure_tool`]: the Measure tool (points, live line, result box).
//! - [`overlays`]: scale bar, notes and attribution, tile status.
//! - [`style`]: colours and marker sizes.
//!
//! [`MapView::ui`] draws one frame and turns clicks into [`Command`]s.

pub mod basemap;
pub mod choropleth_layer;
pub mod gpu;
pub mod grid;
pub mod labels;
pub mod measure_tool;
pub mod mesh;
pub mod overlays;
pub mod parks;
pub mod projection;
pub mod shapes;
pub mod style;
pub mod tile_cache;
pub mod tile_layer;
pub mod tiles;

use egui::{Color32, Pos2, Shape, Ui};
use geo::{Geometry, InteriorPoint};
use walkers::{Map, MapMemory, MercatorProjection, Position};

use crate::command::{Command, toggle_held};
use crate::i18n::Lang;
use crate::model::{Atlas, Features};
use crate::query::Selection;
use crate::spatial::{Layer, SpatialIndex};
use basemap::{CacheKey, CachedShapes, build_shapes, outline_mesh, place_mesh};
use grid::Occupancy;
pub use overlays::{scale_bar_length, tile_status_text};
pub use projection::{MapFrame, Screen, city_bounds, fit_zoom, shift};
use shapes::{LayerShapes, ShapeKey};
use style::{COUNTY_FILL, COUNTY_LINE, LAND, SEA};

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
    /// Bumped whenever `shown` changes (the legend is cached on it).
    pub shown_generation: u64,
    /// Selected parks.
    pub selection: &'a Selection,
    /// Interface language.
    pub lang: Lang,
    /// The county choropleth, when one is chosen.
    pub choropleth: Option<choropleth_layer::ChoroplethView<'a>>,
    /// Edit mode is on: the selected point park can be dragged to a new place.
    pub editing: bool,
}

/// What the last frame drew (tests and benchmarks read it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FrameStats {
    /// Parks in view.
    pub visible: usize,
    /// Parks drawn as polygons or lines.
    pub shapes: usize,
    /// Parks drawn as markers.
    pub markers: usize,
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
    /// Tessellated parks.
    park_shapes: LayerShapes,
    /// Tessellated other features.
    other_shapes: LayerShapes,
    /// The clusters of the shown parks in view (taxonomy indices): what the legend lists.
    pub legend: Vec<usize>,
    /// What the next fit shows (`None`: the city).
    fit_bounds: Option<geo::Rect<f64>>,
    /// What the last frame drew.
    pub stats: FrameStats,
    /// Park colours and drawing order.
    style: parks::ParkStyle,
    /// The parks' meshes, reused from frame to frame.
    park_meshes: shapes::MeshBuffers,
    /// The other layers' meshes, reused from frame to frame.
    other_meshes: shapes::MeshBuffers,
    /// Draw dense park polygons on the GPU (`map::gpu`; set when the window has OpenGL).
    pub gpu: bool,
    /// The GPU's squares of park polygons.
    gpu_parks: gpu::GpuParks,
    /// The pointer's position as shown in the readout (tests read it).
    pub cursor: Option<String>,
    /// The city's bounds for the data generation they were computed for.
    bounds: Option<(u64, Option<geo::Rect<f64>>)>,
    /// The Measure tool, while it is on.
    pub measure: Option<crate::measure::Measurement>,
    /// An outline being drawn for a park (edit mode): its id and the corners so far.
    pub outline: Option<(String, crate::measure::Measurement)>,
    /// The next click is a place for a new park (edit mode).
    pub picking: bool,
    /// What the Measure box's Copy button last copied (tests read it).
    pub measure_copied: Option<String>,
    /// County fills of the choropleth.
    choropleth: choropleth_layer::ChoroplethLayer,
    /// The county under the pointer while a choropleth is shown, and its tooltip lines.
    pub hovered_county: Option<(usize, Vec<String>)>,
    /// Where a Shift-drag selection rectangle started (screen), while one is drawn.
    box_start: Option<Pos2>,
    /// The point park being dragged to a new place (edit mode), by index.
    moving: Option<usize>,
    /// The outline corner (or edge middle, which adds a corner) being dragged (edit mode).
    reshaping: Option<Handle>,
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
            park_shapes: LayerShapes::default(),
            other_shapes: LayerShapes::default(),
            legend: Vec::new(),
            fit_bounds: None,
            stats: FrameStats::default(),
            style: parks::ParkStyle::default(),
            park_meshes: shapes::MeshBuffers::default(),
            other_meshes: shapes::MeshBuffers::default(),
            gpu: false,
            gpu_parks: gpu::GpuParks::default(),
            cursor: None,
            measure: None,
            measure_copied: None,
            choropleth: Default::default(),
            hovered_county: None,
            box_start: None,
            moving: None,
            reshaping: None,
            outline: None,
            picking: false,
        }
    }
}

/// The Shift-drag selection rectangle: starts it, draws it, and when the button is released
/// returns the ids of the shown parks it touches.
fn box_select(
    ui: &Ui,
    response: &egui::Response,
    painter: &egui::Painter,
    scr: &Screen<'_>,
    input: &MapInput<'_>,
    start: &mut Option<Pos2>,
) -> Option<Vec<String>> {
    if response.drag_started_by(egui::PointerButton::Primary) && ui.input(|i| i.modifiers.shift) {
        *start = ui.input(|i| i.pointer.press_origin());
    }
    let from = (*start)?;
    let to = ui
        .input(|i| i.pointer.latest_pos())
        .unwrap_or(from)
        .clamp(response.rect.min, response.rect.max);
    let r = egui::Rect::from_two_pos(from, to);
    painter.rect(
        r,
        0.0,
        Color32::from_rgba_unmultiplied(0xff, 0xc8, 0x00, 40),
        egui::Stroke::new(1.5, Color32::from_rgb(0xd0, 0x90, 0x00)),
        egui::StrokeKind::Middle,
    );
    if ui.input(|i| i.pointer.primary_down()) {
        return None;
    }
    *start = None;
    let (a, b) = (scr.geo(from), scr.geo(to));
    let rect = geo::Rect::new(a.0, b.0);
    let ids = input
        .index
        .parks_touching(input.atlas, rect)
        .into_iter()
        .filter(|&i| input.shown.get(i).copied().unwrap_or(false))
        .filter_map(|i| input.atlas.parks.get(i))
        .map(|p| p.id.clone())
        .collect();
    Some(ids)
}

/// `p` moved to the nearest corner of a park's or county's outline within `px` pixels, if any.
fn snap(input: &MapInput<'_>, scr: &Screen<'_>, p: (f64, f64), px: f32) -> (f64, f64) {
    use geo::CoordsIter;
    let at = scr.pos(walkers::Position::new(p.0, p.1));
    let outlines = input
        .atlas
        .parks
        .iter()
        .filter_map(|q| q.geometry.as_ref())
        .filter(|g| !matches!(g, geo::Geometry::Point(_)))
        .chain(
            input
                .atlas
                .counties
                .iter()
                .filter_map(|c| c.geometry.as_ref()),
        );
    let mut best: Option<(f32, (f64, f64))> = None;
    for g in outlines {
        for c in g.coords_iter() {
            let d = scr.pos(walkers::Position::new(c.x, c.y)).distance(at);
            if d <= px && best.is_none_or(|(b, _)| d < b) {
                best = Some((d, (c.x, c.y)));
            }
        }
    }
    best.map_or(p, |(_, c)| c)
}

/// A handle on an outline being edited: a corner, or the middle of the edge after corner `k`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handle {
    /// Corner `k` of the ring.
    Corner(usize),
    /// The middle of the edge from corner `k` to the next.
    Middle(usize),
}

/// The selected polygon park's outer ring (without its closing corner), on screen.
struct Corners {
    id: String,
    ring: Vec<(f64, f64)>,
    screen: Vec<Pos2>,
}

impl Corners {
    fn middle(&self, k: usize) -> Pos2 {
        let n = self.screen.len();
        self.screen[k].lerp(self.screen[(k + 1) % n], 0.5)
    }

    /// The handle within 8 px of `p`, corners first.
    fn handle_at(&self, p: Pos2) -> Option<Handle> {
        let near = |q: Pos2| q.distance(p) <= 8.0;
        (0..self.screen.len())
            .find(|&k| near(self.screen[k]))
            .map(Handle::Corner)
            .or_else(|| {
                (0..self.screen.len())
                    .find(|&k| near(self.middle(k)))
                    .map(Handle::Middle)
            })
    }

    /// The handles, and the ring as it would be with a handle dragged to `moved`.
    fn draw(&self, painter: &egui::Painter, scr: &Screen<'_>, moved: Option<(Handle, (f64, f64))>) {
        let ink = Color32::from_rgb(0x80, 0x50, 0x00);
        if let Some((h, g)) = moved {
            let at = scr.pos(walkers::Position::new(g.0, g.1));
            let mut pts = self.screen.clone();
            match h {
                Handle::Corner(k) => pts[k] = at,
                Handle::Middle(k) => pts.insert(k + 1, at),
            }
            pts.push(pts[0]);
            painter.add(Shape::line(pts, egui::Stroke::new(2.0, ink)));
        }
        for k in 0..self.screen.len() {
            painter.rect_filled(
                egui::Rect::from_center_size(self.screen[k], egui::vec2(8.0, 8.0)),
                1.0,
                Color32::WHITE,
            );
            painter.rect_stroke(
                egui::Rect::from_center_size(self.screen[k], egui::vec2(8.0, 8.0)),
                1.0,
                egui::Stroke::new(1.5, ink),
                egui::StrokeKind::Middle,
            );
            painter.circle_filled(self.middle(k), 3.0, ink);
        }
    }
}

/// The selected park's corners when it is one polygon (edit mode reshapes it).
fn outline_corners(input: &MapInput<'_>, last: Option<&MapFrame>) -> Option<Corners> {
    let ids: Vec<&str> = input.selection.ids().collect();
    let [id] = ids.as_slice() else {
        return None;
    };
    let p = input.atlas.park(id)?;
    let Some(geo::Geometry::Polygon(poly)) = &p.geometry else {
        return None;
    };
    let frame = last?;
    let mut ring: Vec<(f64, f64)> = poly.exterior().0.iter().map(|c| (c.x, c.y)).collect();
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    let screen = ring
        .iter()
        .map(|&(x, y)| frame.screen_pos(walkers::Position::new(x, y)))
        .collect();
    Some(Corners {
        id: p.id.clone(),
        ring,
        screen,
    })
}

/// The selected park when it is one point (edit mode moves it by dragging), and whether the
/// pointer is on it (within 12 px, in the last frame's projection).
fn movable_park(input: &MapInput<'_>, last: Option<&MapFrame>, ui: &Ui) -> Option<(usize, bool)> {
    let ids: Vec<&str> = input.selection.ids().collect();
    let [id] = ids.as_slice() else {
        return None;
    };
    let i = input.atlas.parks.iter().position(|p| p.id == *id)?;
    let Some(geo::Geometry::Point(pt)) = &input.atlas.parks[i].geometry else {
        return None;
    };
    let at = last?.screen_pos(walkers::Position::new(pt.x(), pt.y()));
    let pointer = ui.input(|inp| inp.pointer.press_origin().or(inp.pointer.latest_pos()));
    Some((i, pointer.is_some_and(|p| p.distance(at) <= 12.0)))
}

impl MapView {
    /// Shows the map in all the space left in `ui`; clicks become commands.
    pub fn ui(&mut self, ui: &mut Ui, input: &MapInput<'_>, commands: &mut Vec<Command>) {
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
            if let Some(b) = self.fit_bounds.or(bounds)
                && size.x > 10.0
                && size.y > 10.0
            {
                let _ = self.memory.set_zoom(fit_zoom(b, size));
                self.memory
                    .center_at(Position::new(b.center().x, b.center().y));
            }
            if self.pending_fit == 0 {
                self.fit_bounds = None;
            }
        }
        self.ensure_county_labels(input);
        let zoom = self.memory.zoom();
        let gcj = self
            .tiles
            .as_ref()
            .is_some_and(|t| t.source().datum() == crate::map::tiles::Datum::Gcj02);
        self.ensure_caches(input, zoom, city_center, gcj);
        if input.choropleth.is_some() {
            let key = CacheKey {
                generation: input.generation,
                zoom,
                gcj,
            };
            self.choropleth.ensure(input.atlas, key, city_center);
        }
        let key = ShapeKey {
            generation: input.generation,
            level: zoom.round() as i32,
            gcj,
            region: None,
        };
        let ctx = ui.ctx().clone();
        let parks_of = &input.atlas.parks;
        self.park_shapes.ensure(
            key,
            city_center,
            &|| parks_of.iter().map(|p| p.geometry.as_ref()).collect(),
            &ctx,
        );
        let others_of = &input.atlas.others;
        if !others_of.is_empty() {
            let region = self.others_region(key, zoom, others_of);
            self.other_shapes.ensure_flat(
                ShapeKey { region, ..key },
                city_center,
                others_of,
                input
                    .atlas
                    .layers
                    .iter()
                    .map(|l| l.features.clone())
                    .collect(),
                &ctx,
            );
        }
        let building = self.park_shapes.is_building() || self.other_shapes.is_building();
        let park_shapes = self.park_shapes.usable(key);
        let other_shapes = self
            .other_shapes
            .usable(key)
            .filter(|_| !others_of.is_empty());
        let other_overview = self
            .other_shapes
            .usable_overview(key)
            .filter(|_| !others_of.is_empty());

        let MapView {
            memory,
            hovered,
            land,
            counties,
            county_labels,
            tiles,
            legend,
            stats,
            style,
            park_meshes,
            other_meshes,
            gpu,
            gpu_parks,
            cursor,
            measure,
            measure_copied,
            choropleth,
            hovered_county,
            box_start,
            moving,
            last,
            outline,
            reshaping,
            picking,
            ..
        } = self;
        // Edit mode: the selected polygon park's corners can be dragged, added, removed.
        let corners = input
            .editing
            .then(|| outline_corners(input, last.as_ref()))
            .flatten();
        let pointer_now = ui.input(|inp| inp.pointer.press_origin().or(inp.pointer.latest_pos()));
        let over_handle = corners
            .as_ref()
            .and_then(|c| pointer_now.and_then(|p| c.handle_at(p)));
        // Edit mode: a drag that starts on the selected point park moves it, not the map.
        let grabbable = input
            .editing
            .then(|| movable_park(input, last.as_ref(), ui))
            .flatten();
        let mut frame = None;
        let measuring = measure.as_ref().is_some_and(|m| !m.finished) || outline.is_some();
        // Shift + drag draws a selection rectangle instead of panning.
        let shift = ui.input(|i| i.modifiers.shift);
        let boxing = box_start.is_some() || (shift && !measuring);
        let holding = moving.is_some()
            || grabbable.is_some_and(|(_, over)| over)
            || reshaping.is_some()
            || over_handle.is_some();
        Map::new(None, memory, city_center)
            .zoom_with_ctrl(false)
            .drag_pan_buttons(if boxing || holding {
                egui::DragPanButtons::MIDDLE
            } else {
                egui::DragPanButtons::PRIMARY
            })
            // While measuring, a double click ends the line instead of zooming in.
            .double_click_to_zoom(!measuring)
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
                if let Some(view) = &input.choropleth {
                    choropleth.draw(&painter, view, offset, projector.zoom());
                }
                for c in &cached {
                    let scale = 2f64.powf(projector.zoom() - c.0.zoom) as f32;
                    painter.add(Shape::mesh(outline_mesh(
                        &c.1.outlines,
                        offset,
                        scale,
                        rect,
                        COUNTY_LINE,
                    )));
                }
                let zoom = projector.zoom();
                let park_shapes = park_shapes.map(|c| (c, c.placement(scr.pos(c.origin), zoom)));
                // Where the cache in use does not reach (zooming out while the new level is
                // built), the coarsest level's markers.
                let overview = other_shapes.and_then(|c| {
                    let [w, s, e, n] = c.key.region_degrees()?;
                    let covered = egui::Rect::from_two_pos(
                        scr.pos(walkers::Position::new(w, s)),
                        scr.pos(walkers::Position::new(e, n)),
                    );
                    let o = other_overview.filter(|o| o.key != c.key)?;
                    (!covered.contains_rect(rect))
                        .then(|| (o, o.placement(scr.pos(o.origin), zoom), covered))
                });
                let other_shapes = other_shapes.map(|c| (c, c.placement(scr.pos(c.origin), zoom)));
                let view = parks::view_box(&scr, rect, 40.0);
                if other_shapes.is_some() {
                    parks::draw_others(
                        &painter,
                        (other_shapes, overview),
                        &atlas.layers,
                        || parks::in_view(input.index, Layer::Other, view),
                        other_meshes,
                    );
                }

                // Hover: the shown park under the pointer.
                let hover_pos = response.hover_pos();
                *hovered =
                    hover_pos.and_then(|p| parks::park_at_screen(input, &scr, park_shapes, p));
                style.refresh(input);
                let visible = style.visible(input, view);
                let in_view = style.clusters_of(input, &visible);
                if *legend != in_view {
                    // The legend beside the map was drawn before the map: draw again.
                    *legend = in_view;
                    ui.ctx().request_repaint();
                }
                // Thousands of polygons in view (the last frame's count): the GPU draws them.
                let gpu_drawing = park_shapes
                    .filter(|_| *gpu && stats.shapes > gpu::GPU_POLYGONS && !gpu_parks.failed())
                    .map(|(cache, pl)| {
                        let buckets =
                            gpu_parks.buckets_in_view(cache, pl, rect, style, input.shown);
                        gpu_parks.callback(rect, pl, buckets)
                    });
                let mut markers = Occupancy::new(rect, 24.0);
                let (marks, drawn) = parks::ParksFrame {
                    painter: &painter,
                    scr: &scr,
                    input,
                    shapes: park_shapes,
                    visible: &visible,
                    hovered: *hovered,
                    style,
                    gpu: gpu_drawing,
                }
                .draw(&mut markers, park_meshes);
                *stats = FrameStats {
                    visible: visible.len(),
                    shapes: drawn.0,
                    markers: drawn.1,
                };
                let mut taken = Occupancy::new(rect, 24.0);
                // Notes and the scale bar over the parks; labels keep clear of them.
                for r in overlays::draw_notes(&painter, rect, input.lang, tiles.as_ref(), building)
                {
                    taken.insert(r);
                }
                if let Some(r) = overlays::draw_scale_bar(&painter, projector, rect) {
                    taken.insert(r);
                }
                if let Some(p) = hover_pos {
                    let text = overlays::cursor_text(scr.geo(p), gcj);
                    taken.insert(overlays::draw_cursor(&painter, rect, text.clone()));
                    *cursor = Some(text);
                } else {
                    *cursor = None;
                }
                *hovered_county = None;
                if let Some(view) = &input.choropleth {
                    taken.insert(choropleth_layer::draw_legend(
                        &painter, rect, view, input.lang,
                    ));
                    if hovered.is_none()
                        && let Some(p) = hover_pos
                    {
                        let g = scr.geo(p);
                        let county = input
                            .index
                            .at_point(atlas, g.x(), g.y(), 0.0)
                            .into_iter()
                            .find(|h| h.layer == Layer::County)
                            .map(|h| h.index);
                        if let Some(c) = county {
                            let lines = choropleth_layer::tooltip_lines(view, c, input.lang);
                            response.clone().on_hover_ui_at_pointer(|ui| {
                                for (k, line) in lines.iter().enumerate() {
                                    if k == 0 {
                                        ui.strong(line);
                                    } else {
                                        ui.label(line);
                                    }
                                }
                            });
                            *hovered_county = Some((c, lines));
                        }
                    }
                }
                if let Some(m) = measure.as_ref() {
                    let live = hover_pos.map(|p| scr.geo(p));
                    measure_tool::draw(&painter, &scr, m, hover_pos);
                    taken.insert(measure_tool::result_box(
                        ui,
                        rect,
                        m,
                        live,
                        input.lang,
                        measure_copied,
                    ));
                }
                labels::draw_labels(
                    &painter,
                    &scr,
                    input,
                    &marks,
                    *hovered,
                    county_labels.as_ref().map(|c| c.1.as_slice()),
                    &markers,
                    &mut taken,
                );

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
                            .map(|c| atlas.taxonomy.cluster_name(c, zh))
                            .collect();
                        if !clusters.is_empty() {
                            ui.label(clusters.join(" · "));
                        }
                    });
                }
                if let Some(c) = &corners {
                    let at = ui.input(|inp| inp.pointer.latest_pos());
                    if reshaping.is_none() && response.drag_started_by(egui::PointerButton::Primary)
                    {
                        *reshaping = over_handle;
                    }
                    // A right click on a corner removes it (a ring keeps at least 3).
                    if response.secondary_clicked()
                        && let Some(Handle::Corner(k)) =
                            response.interact_pointer_pos().and_then(|p| c.handle_at(p))
                        && c.ring.len() > 3
                    {
                        let mut ring = c.ring.clone();
                        ring.remove(k);
                        commands.push(Command::ReshapeOutline(c.id.clone(), ring));
                    }
                    let dragged = reshaping.zip(at).map(|(h, p)| (h, scr.geo(p)));
                    c.draw(&painter, &scr, dragged.map(|(h, g)| (h, (g.x(), g.y()))));
                    if let Some((h, g)) = dragged
                        && !ui.input(|inp| inp.pointer.primary_down())
                    {
                        *reshaping = None;
                        let mut ring = c.ring.clone();
                        match h {
                            Handle::Corner(k) => ring[k] = (g.x(), g.y()),
                            Handle::Middle(k) => ring.insert(k + 1, (g.x(), g.y())),
                        }
                        commands.push(Command::ReshapeOutline(c.id.clone(), ring));
                    }
                }
                if let Some((i, true)) = grabbable
                    && moving.is_none()
                    && response.drag_started_by(egui::PointerButton::Primary)
                {
                    *moving = Some(i);
                }
                if let Some(i) = *moving {
                    let at = ui.input(|inp| inp.pointer.latest_pos());
                    if let Some(at) = at {
                        painter.circle(
                            at,
                            7.0,
                            Color32::from_rgba_unmultiplied(0xff, 0xc8, 0x00, 160),
                            egui::Stroke::new(2.0, Color32::from_rgb(0x80, 0x50, 0x00)),
                        );
                    }
                    if !ui.input(|inp| inp.pointer.primary_down()) {
                        *moving = None;
                        if let (Some(at), Some(p)) = (at, atlas.parks.get(i)) {
                            let g = scr.geo(at.clamp(rect.min, rect.max));
                            commands.push(Command::MovePark(p.id.clone(), g.x(), g.y()));
                        }
                    }
                }
                if let Some(ids) = box_select(ui, response, &painter, &scr, input, box_start) {
                    commands.push(Command::AddToSelection(ids));
                }
                // The click that closes an outline is the outline's, not a selection.
                let drawing = outline.is_some();
                if let Some((id, m)) = outline.as_mut() {
                    let before = m.points.len();
                    let drawn = measure_tool::handle_clicks(m, response, &scr);
                    // A new corner snaps to a park's or county's corner within 8 px.
                    if drawn
                        && m.points.len() > before
                        && let Some(last) = m.points.last_mut()
                    {
                        *last = snap(input, &scr, *last, 8.0);
                    }
                    measure_tool::draw(&painter, &scr, m, hover_pos);
                    if m.finished {
                        if m.points.len() >= 3 {
                            commands.push(Command::SetOutline(id.clone(), m.points.clone()));
                        }
                        *outline = None;
                    }
                }
                if *picking
                    && response.clicked()
                    && let Some(p) = response.interact_pointer_pos()
                {
                    let g = scr.geo(p);
                    commands.push(Command::PickedPoint(g.x(), g.y()));
                    *picking = false;
                }
                let measured = drawing
                    || *picking
                    || commands
                        .iter()
                        .any(|c| matches!(c, Command::PickedPoint(..)))
                    || measure
                        .as_mut()
                        .is_some_and(|m| measure_tool::handle_clicks(m, response, &scr));
                if response.clicked() && !measured {
                    let pos = response.interact_pointer_pos();
                    let toggle = ui.input(|i| toggle_held(&i.modifiers));
                    let park = pos
                        .and_then(|p| parks::park_at_screen(input, &scr, park_shapes, p))
                        .and_then(|i| atlas.parks.get(i));
                    // Not a park: maybe a feature of an opened file (identify).
                    let other = match (park, pos) {
                        (None, Some(p)) if !atlas.others.is_empty() => {
                            let g = scr.geo(p);
                            let tol = f64::from(6.0 / scr.px_per_m(g).max(1e-9));
                            input.index.top_other_at_point(atlas, g.x(), g.y(), tol)
                        }
                        _ => None,
                    };
                    match park {
                        Some(p) if toggle => commands.push(Command::Toggle(p.id.clone())),
                        Some(p) => commands.push(Command::Select(p.id.clone())),
                        None if toggle => {}
                        None => commands.push(Command::ClearSelection),
                    }
                    if !toggle {
                        commands.push(Command::Identify(other));
                    }
                }
            });
        self.last = frame;
    }

    /// Fits the whole city into the map on the next frame.
    pub fn fit_city(&mut self) {
        self.fit_bounds = None;
        self.pending_fit = FIT_FRAMES;
    }

    /// True while tessellated shapes are being built in the background.
    pub fn is_building(&self) -> bool {
        self.park_shapes.is_building() || self.other_shapes.is_building()
    }

    /// Fits a box (WGS-84) into the map on the next frame (e.g. data just opened).
    pub fn fit_to(&mut self, bounds: geo::Rect<f64>) {
        self.fit_bounds = Some(bounds);
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

    /// The region the opened layers' shapes are built for at `key`'s level: the one drawn or
    /// being built while the view stays inside it, else the view grown by half its size on
    /// every side (so that panning reuses it). None (everything) for small layers and before
    /// the first frame.
    fn others_region(&self, key: ShapeKey, zoom: f64, others: &Features) -> Option<[i32; 4]> {
        if others.vertex_count() < shapes::REGION_VERTICES {
            return None;
        }
        let frame = self.last?;
        let view = MapFrame { zoom, ..frame }.geo_bounds();
        let v = [view.min().x, view.min().y, view.max().x, view.max().y];
        if let Some(k) = self.other_shapes.latest_key()
            && (k.level, k.generation, k.gcj) == (key.level, key.generation, key.gcj)
        {
            match k.region {
                None => return None,
                Some(r) if shapes::holds(r, shapes::region_of(v)) => return Some(r),
                Some(_) => {}
            }
        }
        let (w, h) = ((v[2] - v[0]) / 2.0, (v[3] - v[1]) / 2.0);
        Some(shapes::region_of([v[0] - w, v[1] - h, v[2] + w, v[3] + h]))
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
