//! The built-in basemap: land and county polygons (fills and outlines), tessellated and
//! cached.
//!
//! Shapes are projected to Web-Mercator pixels at one zoom level, simplified to half a pixel,
//! triangulated (earcut) and stored relative to a reference point. Each frame only moves and
//! scales the cached vertices (Mercator pixels scale exactly by 2^Δzoom), so panning never
//! re-tessellates; the cache is rebuilt when the zoom moves a whole level away or the data
//! changes.

use egui::epaint::{Color32, Mesh, Pos2, Vertex, WHITE_UV};
use geo::{Coord, Geometry, MapCoords, Polygon, Simplify, TriangulateEarcut};
use walkers::{Position, Projection};

/// One cached layer: filled triangles and outline rings, in pixels relative to the reference.
#[derive(Default, Clone)]
pub struct CachedShapes {
    /// Fill triangles.
    pub fill: Mesh,
    /// Outline rings (closed paths).
    pub outlines: Vec<Vec<Pos2>>,
    /// Vertices before simplification, for the record.
    pub source_vertices: usize,
}

/// The cache key: which data and which zoom the shapes were built for.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct CacheKey {
    /// Bumped whenever the atlas changes.
    pub generation: u64,
    /// Zoom the shapes were built at.
    pub zoom: f64,
    /// Built shifted to GCJ-02.
    pub gcj: bool,
}

/// Projects polygons at a zoom level, simplifies and triangulates them.
pub fn build_shapes(
    geometries: &[&Geometry<f64>],
    projection: &dyn Projection,
    zoom: f64,
    reference: Position,
    color: Color32,
    outlines: bool,
    gcj: bool,
) -> CachedShapes {
    let origin = projection.project(super::shift(reference, gcj), zoom);
    let to_px = |c: Coord<f64>| {
        let p = projection.project(super::shift(Position::new(c.x, c.y), gcj), zoom);
        Coord {
            x: p.x() - origin.x(),
            y: p.y() - origin.y(),
        }
    };
    let mut out = CachedShapes::default();
    for g in geometries {
        let polys: Vec<&Polygon<f64>> = match g {
            Geometry::Polygon(p) => vec![p],
            Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
            _ => Vec::new(),
        };
        for poly in polys {
            out.source_vertices +=
                poly.exterior().0.len() + poly.interiors().iter().map(|r| r.0.len()).sum::<usize>();
            let px: Polygon<f64> = poly.map_coords(to_px);
            let simple = px.simplify(0.5);
            if simple.exterior().0.len() < 4 {
                continue;
            }
            let tri = simple.earcut_triangles_raw();
            let base = out.fill.vertices.len() as u32;
            for xy in &tri.vertices {
                out.fill.vertices.push(Vertex {
                    pos: Pos2::new(xy[0] as f32, xy[1] as f32),
                    uv: WHITE_UV,
                    color,
                });
            }
            out.fill
                .indices
                .extend(tri.triangle_indices.iter().map(|&i| base + i as u32));
            if outlines {
                for ring in std::iter::once(simple.exterior()).chain(simple.interiors()) {
                    out.outlines.push(
                        ring.0
                            .iter()
                            .map(|c| Pos2::new(c.x as f32, c.y as f32))
                            .collect(),
                    );
                }
            }
        }
    }
    out
}

/// Places cached relative vertices on screen: `offset + v * scale`.
pub fn place_mesh(mesh: &Mesh, offset: egui::Vec2, scale: f32) -> Mesh {
    let mut m = mesh.clone();
    for v in &mut m.vertices {
        v.pos = Pos2::new(v.pos.x * scale + offset.x, v.pos.y * scale + offset.y);
    }
    m
}

/// County outlines on screen as one mesh of thin strips, leaving out segments off screen.
pub fn outline_mesh(
    rings: &[Vec<Pos2>],
    offset: egui::Vec2,
    scale: f32,
    clip: egui::Rect,
    color: Color32,
) -> Mesh {
    let mut mesh = Mesh::default();
    let place = |p: &Pos2| Pos2::new(p.x * scale + offset.x, p.y * scale + offset.y);
    let clip = clip.expand(2.0);
    for ring in rings {
        let mut prev: Option<Pos2> = None;
        for p in ring.iter().chain(ring.first()) {
            let q = place(p);
            if let Some(a) = prev
                && clip.intersects(egui::Rect::from_two_pos(a, q))
            {
                super::shapes::push_segment(&mut mesh, a, q, 1.0, color);
            }
            prev = Some(q);
        }
    }
    mesh
}

/// Places a cached outline ring on screen.
pub fn place_path(points: &[Pos2], offset: egui::Vec2, scale: f32) -> Vec<Pos2> {
    points
        .iter()
        .map(|p| Pos2::new(p.x * scale + offset.x, p.y * scale + offset.y))
        .collect()
}
