//! Dense park polygons drawn by the GPU from buffers kept between frames.
//!
//! Where thousands of parks are polygons in view (100,000 parks at zoom 12: 4,500 polygons,
//! half a million vertices), copying their triangles into egui's meshes every frame — and egui
//! copying them once more — is most of the frame. Here each zoom level's polygons are filed by
//! square ([`BUCKET`] cache pixels) and a square's fills and outlines are built once, in cache
//! pixels, and uploaded once; a frame only says which squares are in view and where the
//! level's pixels go (an offset and a scale, as [`Placement`] does), and the vertex shader
//! places them, hides those smaller than a marker (as [`ShapeCache::is_marker`] decides) and
//! adds the outlines' mitred offsets. Markers, labels, highlights stay on the CPU path, drawn
//! over. Colours are those of the CPU path ([`super::parks::paint_of`]) and the same blending
//! (premultiplied, in gamma space), so both pictures match.
//!
//! The building of the squares is plain Rust (tested against the CPU meshes); only
//! [`GlParks`] touches OpenGL, in egui_glow's paint callback. If the shaders cannot be built,
//! the map goes back to the CPU path for good.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, MutexGuard};

use eframe::egui_glow;
use eframe::glow::{self, HasContext};
use egui::epaint::{Color32, Pos2, Rect, Vec2};

use super::parks::{CLASSES, ParkStyle, paint_of};
use super::shapes::{Item, Kind, Placement, SMALL_PX, ShapeCache, ShapeKey};

/// Side of the squares (cache pixels) the parks are filed and uploaded by.
pub const BUCKET: f32 = 512.0;

/// Vertices kept built and uploaded; above this the squares drawn longest ago go.
const KEEP_VERTICES: usize = 3_000_000;

/// Polygons in view above which the GPU draws them (below, the CPU path is as fast and draws
/// the casing under outlines the GPU path leaves out).
pub const GPU_POLYGONS: usize = 1500;

/// One vertex as the GPU reads it.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct GpuVertex {
    /// Cache pixels.
    pub pos: [f32; 2],
    /// Screen points added after placing (an outline's mitred half width; zero for fills).
    pub offset: [f32; 2],
    /// The feature's size at the cache's level: hidden when smaller than a marker on screen.
    pub size: f32,
    /// Premultiplied sRGBA.
    pub color: [u8; 4],
}

impl GpuVertex {
    /// Where the vertex goes on screen under `pl`, or `None` where the shader hides it: what
    /// the vertex shader computes.
    pub fn placed(&self, pl: Placement) -> Option<Pos2> {
        if self.size * pl.scale < SMALL_PX {
            return None;
        }
        Some(Pos2::new(
            self.pos[0] * pl.scale + pl.offset.x + self.offset[0],
            self.pos[1] * pl.scale + pl.offset.y + self.offset[1],
        ))
    }
}

/// One square's parks: their fills, then their outlines, each by class of the drawing order
/// ([`ParkStyle::class`]) and within a class in drawing order.
#[derive(Debug, Default)]
pub struct Bucket {
    /// Vertices.
    pub vertices: Vec<GpuVertex>,
    /// Triangles.
    pub indices: Vec<u32>,
    /// The runs of `indices`: `[fills, outlines][class]`.
    pub runs: [[Range<u32>; CLASSES]; 2],
}

/// Builds the bucket of `items` (in drawing order; `shown` says which are not dimmed).
pub fn build_bucket(
    cache: &ShapeCache,
    items: &[u32],
    style: &ParkStyle,
    shown: &[bool],
) -> Bucket {
    let mut b = Bucket::default();
    for (part, runs) in b.runs.clone().iter().enumerate() {
        for class in 0..runs.len() {
            let start = b.indices.len() as u32;
            for &i in items {
                let i = i as usize;
                if style.class(i) != class {
                    continue;
                }
                let on = shown.get(i).copied().unwrap_or(false);
                let Some(item) = cache.items.get(i) else {
                    continue;
                };
                let paint = paint_of(style.color(i), on, item.kind);
                if part == 0 {
                    if let Some(fill) = paint.fill {
                        push_fill(&mut b, cache, item, fill);
                    }
                } else {
                    push_outline(&mut b, cache, item, paint.width, paint.line);
                }
            }
            if let Some(run) = b.runs.get_mut(part).and_then(|r| r.get_mut(class)) {
                *run = start..b.indices.len() as u32;
            }
        }
    }
    b
}

/// An item's triangles, as [`ShapeCache::push_fill`] makes them.
fn push_fill(b: &mut Bucket, cache: &ShapeCache, item: &Item, fill: Color32) {
    let color = fill.to_array();
    let base = b.vertices.len() as u32;
    let v0 = item.fill_v.start;
    let (verts, idx) = cache.fill_of(item);
    b.vertices.extend(verts.iter().map(|p| GpuVertex {
        pos: [p.x, p.y],
        offset: [0.0; 2],
        size: item.size_px,
        color,
    }));
    b.indices.extend(idx.iter().map(|k| k - v0 + base));
}

/// An item's outlines as strips `width` points wide, as [`ShapeCache::push_outline`] makes
/// them (the offsets left to the shader).
fn push_outline(b: &mut Bucket, cache: &ShapeCache, item: &Item, width: f32, line: Color32) {
    let color = line.to_array();
    let half = width * 0.5;
    let rings = cache
        .rings
        .get(item.rings.start as usize..item.rings.end as usize)
        .unwrap_or_default();
    for ring in rings {
        let span = ring.pts.start as usize..ring.pts.end as usize;
        let pts = cache.line_pos.get(span.clone()).unwrap_or_default();
        let mitre = cache.line_mitre.get(span).unwrap_or_default();
        let m = pts.len().min(mitre.len());
        if m < 2 {
            continue;
        }
        let base = b.vertices.len() as u32;
        for (p, o) in pts.iter().zip(mitre) {
            let o: Vec2 = *o * half;
            for off in [o, -o] {
                b.vertices.push(GpuVertex {
                    pos: [p.x, p.y],
                    offset: [off.x, off.y],
                    size: item.size_px,
                    color,
                });
            }
        }
        let segments = if ring.closed { m } else { m - 1 };
        for k in 0..segments {
            let (a, c) = (base + 2 * k as u32, base + 2 * ((k + 1) % m) as u32);
            b.indices.extend([a, a + 1, c + 1, a, c + 1, c]);
        }
    }
}

/// What the squares are built for: the level's shapes and the colours.
type Key = (ShapeKey, Option<(u64, u64)>);

/// The squares of one level: which parks each holds (in drawing order) and the cache pixels
/// they cover.
#[derive(Default)]
struct Filing {
    squares: HashMap<(i32, i32), (Vec<u32>, Rect)>,
}

impl Filing {
    fn new(cache: &ShapeCache, style: &ParkStyle) -> Filing {
        let mut squares: HashMap<(i32, i32), (Vec<u32>, Rect)> = HashMap::new();
        for &i in style.order() {
            let Some(item) = cache.items.get(i) else {
                continue;
            };
            // Only what can be a polygon (or line) on screen; points and features too small
            // at this level are always markers.
            if !matches!(item.kind, Kind::Area | Kind::Line) || item.rings.is_empty() {
                continue;
            }
            let a = item.anchor;
            let at = ((a.x / BUCKET).floor() as i32, (a.y / BUCKET).floor() as i32);
            // The anchor lies inside the feature's box, whose larger side is `size_px`.
            let reach = Rect::from_center_size(a, Vec2::splat(2.0 * item.size_px));
            let e = squares.entry(at).or_insert_with(|| (Vec::new(), reach));
            e.0.push(i as u32);
            e.1 = e.1.union(reach);
        }
        Filing { squares }
    }
}

/// The parks' GPU drawing, kept by the map from frame to frame.
#[derive(Default)]
pub struct GpuParks {
    key: Option<Key>,
    filing: Filing,
    built: HashMap<(i32, i32), (Arc<Bucket>, u64)>,
    frame: u64,
    gl: Arc<Mutex<GlParks>>,
}

impl GpuParks {
    /// Whether the GPU path is off for good (its shaders could not be built).
    pub fn failed(&self) -> bool {
        lock(&self.gl).failed
    }

    /// Vertices built and kept.
    pub fn vertices(&self) -> usize {
        self.built.values().map(|(b, _)| b.vertices.len()).sum()
    }

    /// The squares meeting `view` (screen) under `pl`, built where they were not: the
    /// buckets to draw.
    pub fn buckets_in_view(
        &mut self,
        cache: &ShapeCache,
        pl: Placement,
        view: Rect,
        style: &ParkStyle,
        shown: &[bool],
    ) -> Vec<((i32, i32), Arc<Bucket>)> {
        let key = (cache.key, style.key());
        if self.key != Some(key) {
            self.key = Some(key);
            self.filing = Filing::new(cache, style);
            self.built.clear();
        }
        self.frame += 1;
        // The view in cache pixels, grown by the widest outline.
        let in_cache = pl.to_cache(view.expand(4.0));
        let mut out = Vec::new();
        let mut wanted: Vec<(i32, i32)> = self
            .filing
            .squares
            .iter()
            .filter(|(_, (_, reach))| reach.intersects(in_cache))
            .map(|(k, _)| *k)
            .collect();
        // Always the same order, so that overlapping squares stack the same every frame.
        wanted.sort_unstable();
        for at in wanted {
            let frame = self.frame;
            let bucket = match self.built.get_mut(&at) {
                Some((b, used)) => {
                    *used = frame;
                    b.clone()
                }
                None => {
                    let items = self
                        .filing
                        .squares
                        .get(&at)
                        .map(|(items, _)| items.as_slice())
                        .unwrap_or_default();
                    let b = Arc::new(build_bucket(cache, items, style, shown));
                    self.built.insert(at, (b.clone(), frame));
                    b
                }
            };
            out.push((at, bucket));
        }
        // Over the budget: the squares drawn longest ago go.
        let mut total = self.vertices();
        if total > KEEP_VERTICES {
            let mut old: Vec<((i32, i32), u64, usize)> = self
                .built
                .iter()
                .filter(|(_, (_, used))| *used != self.frame)
                .map(|(k, (b, used))| (*k, *used, b.vertices.len()))
                .collect();
            old.sort_unstable_by_key(|o| o.1);
            for (k, _, n) in old {
                if total <= KEEP_VERTICES {
                    break;
                }
                self.built.remove(&k);
                total -= n;
            }
        }
        out
    }

    /// The paint callback that draws `buckets` over `rect` with placement `pl`.
    pub fn callback(
        &self,
        rect: Rect,
        pl: Placement,
        buckets: Vec<((i32, i32), Arc<Bucket>)>,
    ) -> egui::PaintCallback {
        let gl = self.gl.clone();
        let key = self.key;
        let alive: Vec<(i32, i32)> = self.built.keys().copied().collect();
        let offset = pl.offset - rect.min.to_vec2();
        let scale = pl.scale;
        let size = rect.size();
        egui::PaintCallback {
            rect,
            callback: Arc::new(egui_glow::CallbackFn::new(move |_info, painter| {
                let mut state = lock(&gl);
                state.paint(painter.gl(), key, &alive, &buckets, offset, scale, size);
            })),
        }
    }
}

fn lock(gl: &Mutex<GlParks>) -> MutexGuard<'_, GlParks> {
    gl.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A square on the GPU.
struct Uploaded {
    vao: glow::VertexArray,
    vbo: glow::Buffer,
    ibo: glow::Buffer,
    runs: [[Range<u32>; CLASSES]; 2],
}

/// The OpenGL side: the program and the uploaded squares.
#[derive(Default)]
struct GlParks {
    program: Option<Program>,
    failed: bool,
    key: Option<Key>,
    uploaded: HashMap<(i32, i32), Uploaded>,
}

struct Program {
    program: glow::Program,
    offset: Option<glow::UniformLocation>,
    scale: Option<glow::UniformLocation>,
    size: Option<glow::UniformLocation>,
    small: Option<glow::UniformLocation>,
}

const VERTEX: &str = r#"
uniform vec2 u_offset;
uniform float u_scale;
uniform vec2 u_size;
uniform float u_small;
in vec2 a_pos;
in vec2 a_offset;
in float a_size;
in vec4 a_color;
out vec4 v_color;
void main() {
    v_color = a_color;
    if (a_size * u_scale < u_small) {
        // Smaller than a marker: the CPU draws a marker instead.
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        return;
    }
    vec2 p = a_pos * u_scale + u_offset + a_offset;
    gl_Position = vec4(2.0 * p.x / u_size.x - 1.0, 1.0 - 2.0 * p.y / u_size.y, 0.0, 1.0);
}
"#;

const FRAGMENT: &str = r#"
in vec4 v_color;
out vec4 f_color;
void main() {
    f_color = v_color;
}
"#;

impl GlParks {
    #[allow(clippy::too_many_arguments)]
    fn paint(
        &mut self,
        gl: &glow::Context,
        key: Option<Key>,
        alive: &[(i32, i32)],
        buckets: &[((i32, i32), Arc<Bucket>)],
        offset: Vec2,
        scale: f32,
        size: Vec2,
    ) {
        if self.failed {
            return;
        }
        if self.program.is_none() {
            match unsafe { compile(gl) } {
                Ok(p) => self.program = Some(p),
                Err(e) => {
                    eprintln!("park polygons go back to the CPU: {e}");
                    self.failed = true;
                    return;
                }
            }
        }
        if self.key != key {
            self.key = key;
            for (_, u) in self.uploaded.drain() {
                unsafe { delete(gl, &u) };
            }
        }
        self.uploaded.retain(|k, u| {
            let keep = alive.contains(k);
            if !keep {
                unsafe { delete(gl, u) };
            }
            keep
        });
        for (at, b) in buckets {
            if !self.uploaded.contains_key(at) {
                match unsafe { upload(gl, b) } {
                    Ok(u) => {
                        self.uploaded.insert(*at, u);
                    }
                    Err(e) => {
                        eprintln!("park polygons go back to the CPU: {e}");
                        self.failed = true;
                        return;
                    }
                }
            }
        }
        let Some(p) = &self.program else {
            return;
        };
        unsafe {
            gl.use_program(Some(p.program));
            gl.uniform_2_f32(p.offset.as_ref(), offset.x, offset.y);
            gl.uniform_1_f32(p.scale.as_ref(), scale);
            gl.uniform_2_f32(p.size.as_ref(), size.x, size.y);
            gl.uniform_1_f32(p.small.as_ref(), SMALL_PX);
            // All fills, then all outlines, each class over the one before, as the CPU's
            // meshes stack them.
            for run in (0..2).flat_map(|part| (0..CLASSES).map(move |class| (part, class))) {
                for (at, _) in buckets {
                    let Some(u) = self.uploaded.get(at) else {
                        continue;
                    };
                    let Some(r) = u.runs.get(run.0).and_then(|r| r.get(run.1)) else {
                        continue;
                    };
                    if r.is_empty() {
                        continue;
                    }
                    gl.bind_vertex_array(Some(u.vao));
                    gl.draw_elements(
                        glow::TRIANGLES,
                        r.len() as i32,
                        glow::UNSIGNED_INT,
                        (r.start as usize * 4) as i32,
                    );
                }
            }
            gl.bind_vertex_array(None);
            gl.use_program(None);
        }
    }
}

unsafe fn compile(gl: &glow::Context) -> Result<Program, String> {
    let version = egui_glow::ShaderVersion::get(gl);
    if !version.is_new_shader_interface() {
        return Err(format!("{version:?} has no `in`/`out` shaders"));
    }
    let head = format!(
        "{}{}",
        version.version_declaration(),
        if version.is_embedded() {
            "precision highp float;\n"
        } else {
            ""
        }
    );
    unsafe {
        let program = gl.create_program()?;
        let mut shaders = Vec::new();
        for (kind, src) in [
            (glow::VERTEX_SHADER, VERTEX),
            (glow::FRAGMENT_SHADER, FRAGMENT),
        ] {
            let s = gl.create_shader(kind)?;
            gl.shader_source(s, &format!("{head}{src}"));
            gl.compile_shader(s);
            if !gl.get_shader_compile_status(s) {
                return Err(gl.get_shader_info_log(s));
            }
            gl.attach_shader(program, s);
            shaders.push(s);
        }
        for (k, name) in ["a_pos", "a_offset", "a_size", "a_color"]
            .iter()
            .enumerate()
        {
            gl.bind_attrib_location(program, k as u32, name);
        }
        gl.link_program(program);
        if !gl.get_program_link_status(program) {
            return Err(gl.get_program_info_log(program));
        }
        for s in shaders {
            gl.detach_shader(program, s);
            gl.delete_shader(s);
        }
        Ok(Program {
            offset: gl.get_uniform_location(program, "u_offset"),
            scale: gl.get_uniform_location(program, "u_scale"),
            size: gl.get_uniform_location(program, "u_size"),
            small: gl.get_uniform_location(program, "u_small"),
            program,
        })
    }
}

unsafe fn upload(gl: &glow::Context, b: &Bucket) -> Result<Uploaded, String> {
    unsafe {
        let vao = gl.create_vertex_array()?;
        let vbo = gl.create_buffer()?;
        let ibo = gl.create_buffer()?;
        gl.bind_vertex_array(Some(vao));
        gl.bind_buffer(glow::ARRAY_BUFFER, Some(vbo));
        gl.buffer_data_u8_slice(
            glow::ARRAY_BUFFER,
            bytemuck::cast_slice(&b.vertices),
            glow::STATIC_DRAW,
        );
        gl.bind_buffer(glow::ELEMENT_ARRAY_BUFFER, Some(ibo));
        gl.buffer_data_u8_slice(
            glow::ELEMENT_ARRAY_BUFFER,
            bytemuck::cast_slice(&b.indices),
            glow::STATIC_DRAW,
        );
        let stride = std::mem::size_of::<GpuVertex>() as i32;
        gl.enable_vertex_attrib_array(0);
        gl.vertex_attrib_pointer_f32(0, 2, glow::FLOAT, false, stride, 0);
        gl.enable_vertex_attrib_array(1);
        gl.vertex_attrib_pointer_f32(1, 2, glow::FLOAT, false, stride, 8);
        gl.enable_vertex_attrib_array(2);
        gl.vertex_attrib_pointer_f32(2, 1, glow::FLOAT, false, stride, 16);
        gl.enable_vertex_attrib_array(3);
        gl.vertex_attrib_pointer_f32(3, 4, glow::UNSIGNED_BYTE, true, stride, 20);
        gl.bind_vertex_array(None);
        gl.bind_buffer(glow::ARRAY_BUFFER, None);
        gl.bind_buffer(glow::ELEMENT_ARRAY_BUFFER, None);
        Ok(Uploaded {
            vao,
            vbo,
            ibo,
            runs: b.runs.clone(),
        })
    }
}

unsafe fn delete(gl: &glow::Context, u: &Uploaded) {
    unsafe {
        gl.delete_vertex_array(u.vao);
        gl.delete_buffer(u.vbo);
        gl.delete_buffer(u.ibo);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use egui::epaint::Mesh;
    use geo::{BoundingRect, Geometry, LineString};
    use walkers::Position;

    use super::*;
    use crate::map::MapInput;
    use crate::model::Role;
    use crate::query::Selection;
    use crate::spatial::SpatialIndex;
    use crate::synth::{self, SynthOptions};

    /// A vertex's colour.
    fn color_of(v: &GpuVertex) -> Color32 {
        Color32::from_rgba_premultiplied(v.color[0], v.color[1], v.color[2], v.color[3])
    }

    /// 400 synthetic parks, some dimmed, of every extent, one of them a line, at zoom 13.
    fn scene() -> (crate::model::Atlas, Vec<bool>) {
        let embedded = crate::io::load_embedded().unwrap().atlas;
        let mut atlas = synth::parks(
            &embedded,
            SynthOptions {
                features: 400,
                projects: 1,
                ..SynthOptions::default()
            },
        );
        let roles = [
            Role::Park,
            Role::AgglomerationZone,
            Role::AnchorSite,
            Role::AgglomerationSection,
            Role::Designation,
        ];
        for (k, p) in atlas.parks.iter_mut().enumerate() {
            p.role = roles[k % roles.len()];
        }
        // The largest park becomes a line.
        let extent = |p: &crate::model::Park| {
            p.geometry
                .as_ref()
                .and_then(|g| g.bounding_rect())
                .map_or(0.0, |r| r.width() + r.height())
        };
        let largest = (0..atlas.parks.len())
            .max_by(|&a, &b| extent(&atlas.parks[a]).total_cmp(&extent(&atlas.parks[b])))
            .unwrap();
        if let Some(Geometry::Polygon(poly)) = atlas.parks[largest].geometry.clone() {
            atlas.parks[largest].geometry =
                Some(Geometry::LineString(LineString(poly.exterior().0.clone())));
        }
        let shown = (0..atlas.parks.len()).map(|i| i % 3 != 0).collect();
        (atlas, shown)
    }

    fn style_of(atlas: &crate::model::Atlas, shown: &[bool]) -> ParkStyle {
        let index = SpatialIndex::build(atlas);
        let selection = Selection::default();
        let input = MapInput {
            atlas,
            index: &index,
            generation: 1,
            shown,
            shown_generation: 1,
            selection: &selection,
            lang: crate::i18n::Lang::En,
            choropleth: None,
            editing: false,
        };
        let mut style = ParkStyle::default();
        style.refresh(&input);
        style
    }

    fn cache_of(atlas: &crate::model::Atlas) -> ShapeCache {
        let geometries: Vec<_> = atlas.parks.iter().map(|p| p.geometry.as_ref()).collect();
        let key = ShapeKey {
            generation: 1,
            level: 13,
            gcj: false,
            region: None,
        };
        ShapeCache::build(&geometries, key, Position::new(110.36, 21.2))
    }

    /// The triangles of a run as (corner positions, colour), those the shader hides left out.
    fn gpu_triangles(b: &Bucket, run: &Range<u32>, pl: Placement) -> Vec<([Pos2; 3], Color32)> {
        let idx = &b.indices[run.start as usize..run.end as usize];
        idx.chunks(3)
            .filter_map(|t| {
                let v = t
                    .iter()
                    .map(|&k| b.vertices[k as usize])
                    .collect::<Vec<_>>();
                let p: Vec<Pos2> = v.iter().filter_map(|v| v.placed(pl)).collect();
                (p.len() == 3).then(|| ([p[0], p[1], p[2]], color_of(&v[0])))
            })
            .collect()
    }

    fn cpu_triangles(m: &Mesh) -> Vec<([Pos2; 3], Color32)> {
        m.indices
            .chunks(3)
            .map(|t| {
                let v = |k: u32| m.vertices[k as usize];
                ([v(t[0]).pos, v(t[1]).pos, v(t[2]).pos], v(t[0]).color)
            })
            .collect()
    }

    #[test]
    fn the_gpu_squares_hold_the_triangles_the_cpu_draws_in_its_order() {
        let (atlas, shown) = scene();
        let style = style_of(&atlas, &shown);
        let cache = cache_of(&atlas);
        // A scale at which some parks are polygons and some markers (16-77 px at the cache's level).
        let pl = Placement {
            offset: Vec2::new(37.5, -12.25),
            scale: 0.25,
        };
        let items: Vec<u32> = style.order().iter().map(|&i| i as u32).collect();
        let b = build_bucket(&cache, &items, &style, &shown);
        let (mut polygons, mut markers, mut lines) = (0, 0, 0);
        for part in 0..2 {
            for class in 0..CLASSES {
                // What the CPU path draws for the parks of this class that are not markers.
                let mut mesh = Mesh::default();
                for &i in style.order() {
                    let item = &cache.items[i];
                    if style.class(i) != class || cache.is_marker(item, pl) {
                        continue;
                    }
                    let paint = paint_of(style.color(i), shown[i], item.kind);
                    if part == 0 {
                        if let Some(fill) = paint.fill {
                            cache.push_fill(item, pl, fill, &mut mesh);
                        }
                    } else {
                        cache.push_outline(item, pl, paint.width, paint.line, &mut mesh);
                    }
                }
                let gpu = gpu_triangles(&b, &b.runs[part][class], pl);
                let cpu = cpu_triangles(&mesh);
                assert_eq!(gpu.len(), cpu.len(), "part {part}, class {class}");
                for (g, c) in gpu.iter().zip(&cpu) {
                    assert_eq!(g.1, c.1);
                    for (p, q) in g.0.iter().zip(&c.0) {
                        assert!((*p - *q).length() < 1e-3, "{p:?} vs {q:?}");
                    }
                }
            }
        }
        // The shader hides exactly the parks the CPU draws as markers.
        for (i, item) in cache.items.iter().enumerate() {
            if !matches!(item.kind, Kind::Area | Kind::Line) || item.rings.is_empty() {
                continue;
            }
            let alone = build_bucket(&cache, &[i as u32], &style, &shown);
            assert!(!alone.vertices.is_empty());
            let marker = cache.is_marker(item, pl);
            assert!(
                alone
                    .vertices
                    .iter()
                    .all(|v| v.placed(pl).is_none() == marker)
            );
            if marker {
                markers += 1;
            } else if item.kind == Kind::Line {
                lines += 1;
            } else {
                polygons += 1;
            }
        }
        assert!(
            polygons > 50 && markers > 50 && lines == 1,
            "{polygons} {markers} {lines}"
        );
    }

    #[test]
    fn the_squares_in_view_hold_every_park_drawn_as_a_polygon_there() {
        let (atlas, shown) = scene();
        let style = style_of(&atlas, &shown);
        let cache = cache_of(&atlas);
        let view = Rect::from_min_size(Pos2::new(100.0, 100.0), Vec2::new(900.0, 600.0));
        // The parks' middle in the middle of the view.
        let n = cache.items.len() as f32;
        let mid = cache
            .items
            .iter()
            .fold(Vec2::ZERO, |s, i| s + i.anchor.to_vec2())
            / n;
        let scale = 0.25;
        let pl = Placement {
            offset: view.center().to_vec2() - mid * scale,
            scale,
        };
        let mut gpu = GpuParks::default();
        let drawn = gpu.buckets_in_view(&cache, pl, view, &style, &shown);
        let squares: Vec<(i32, i32)> = drawn.iter().map(|(k, _)| *k).collect();
        assert!(!squares.is_empty() && squares.len() < gpu.filing.squares.len());
        let held: std::collections::HashSet<u32> = squares
            .iter()
            .flat_map(|k| gpu.filing.squares[k].0.iter().copied())
            .collect();
        let mut checked = 0;
        for (i, item) in cache.items.iter().enumerate() {
            if cache.is_marker(item, pl) || item.kind == Kind::None {
                continue;
            }
            // A park with a corner in view.
            let pts = &cache.fill_pos[item.fill_v.start as usize..item.fill_v.end as usize];
            if pts.iter().any(|p| view.contains(pl.at(*p))) {
                assert!(held.contains(&(i as u32)), "park {i} is in view");
                checked += 1;
            }
        }
        assert!(checked > 20, "{checked}");
        // The next frame reuses the built squares.
        let again = gpu.buckets_in_view(&cache, pl, view, &style, &shown);
        assert!(
            drawn
                .iter()
                .zip(&again)
                .all(|(a, b)| Arc::ptr_eq(&a.1, &b.1))
        );

        // Small views swept over the city at full scale: parks reaching into a view from a
        // square outside it are drawn too.
        let pl = Placement {
            offset: Vec2::ZERO,
            scale: 1.0,
        };
        let all = cache.items.iter().fold(Rect::NOTHING, |r, i| {
            r.union(Rect::from_center_size(i.anchor, Vec2::splat(200.0)))
        });
        let (mut checked, mut from_outside) = (0, 0);
        let mut y = all.min.y;
        while y < all.max.y {
            let mut x = all.min.x;
            while x < all.max.x {
                let view = Rect::from_min_size(Pos2::new(x, y), Vec2::splat(150.0));
                let drawn = gpu.buckets_in_view(&cache, pl, view, &style, &shown);
                let held: std::collections::HashSet<u32> = drawn
                    .iter()
                    .flat_map(|(k, _)| gpu.filing.squares[k].0.iter().copied())
                    .collect();
                for (i, item) in cache.items.iter().enumerate() {
                    let pts = &cache.fill_pos[item.fill_v.start as usize..item.fill_v.end as usize];
                    if cache.is_marker(item, pl) || !pts.iter().any(|p| view.contains(pl.at(*p))) {
                        continue;
                    }
                    assert!(held.contains(&(i as u32)), "park {i} is in {view:?}");
                    checked += 1;
                    // Filed in a square the view does not touch.
                    let (hx, hy) = (
                        (item.anchor.x / BUCKET).floor(),
                        (item.anchor.y / BUCKET).floor(),
                    );
                    let home = Rect::from_min_size(
                        Pos2::new(hx * BUCKET, hy * BUCKET),
                        Vec2::splat(BUCKET),
                    );
                    if !home.intersects(view) {
                        from_outside += 1;
                    }
                }
                x += 150.0;
            }
            y += 150.0;
        }
        assert!(
            checked > 300 && from_outside > 5,
            "{checked} {from_outside}"
        );
    }
}
