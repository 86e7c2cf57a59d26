//! Building meshes for the map: mitred strips for outlines and lines, discs for markers, and
//! the buffers that keep the meshes' memory from one frame to the next.

use egui::epaint::{Color32, Mesh, Pos2, Shape, Vec2, Vertex, WHITE_UV};

/// Meshes kept from one frame to the next so that a frame refills memory it already has
/// instead of allocating (and growing, copying and page-faulting) megabytes of vertices anew:
/// at 100,000 parks a zoom-12 view holds half a million of them.
#[derive(Default)]
pub struct MeshBuffers {
    meshes: Vec<std::sync::Arc<Mesh>>,
}

impl MeshBuffers {
    /// Mesh `k`, empty, with the capacity it had (a new one when the painter still holds the
    /// last frame's).
    pub fn take(&mut self, k: usize) -> Mesh {
        if self.meshes.len() <= k {
            self.meshes.resize_with(k + 1, Default::default);
        }
        let Some(slot) = self.meshes.get_mut(k) else {
            return Mesh::default();
        };
        match std::sync::Arc::try_unwrap(std::mem::take(slot)) {
            Ok(mut mesh) => {
                mesh.vertices.clear();
                mesh.indices.clear();
                mesh
            }
            Err(shared) => {
                let mut mesh = Mesh::default();
                mesh.vertices.reserve(shared.vertices.len());
                mesh.indices.reserve(shared.indices.len());
                mesh
            }
        }
    }

    /// The shape that draws mesh `k`; the buffer comes back with the next [`Self::take`].
    pub fn shape(&mut self, k: usize, mesh: Mesh) -> Shape {
        let mesh = std::sync::Arc::new(mesh);
        if let Some(slot) = self.meshes.get_mut(k) {
            *slot = mesh.clone();
        }
        Shape::Mesh(mesh)
    }
}

/// The mitred offsets of a strip of width 2 along `pts` (one per point; `closed`: the last
/// point joins the first): at a corner the offset bisects the two segments' normals and
/// reaches out so that both edges stay a half width off; a sharp turn's mitre is cut at twice
/// the half width. The ends of an open line get their segment's normal.
pub fn mitres(pts: &[Pos2], closed: bool) -> Vec<Vec2> {
    let m = pts.len();
    // The unit normal of the segment from `a` to `b` (zero when they coincide).
    let normal = |a: Pos2, b: Pos2| {
        let d = b - a;
        let len = d.length();
        if len < 1e-6 {
            Vec2::ZERO
        } else {
            Vec2::new(-d.y, d.x) / len
        }
    };
    // Segment k runs from point k to point k + 1 (the last to the first when closed).
    let segment = |k: usize| match (pts.get(k), pts.get(k + 1).or(pts.first())) {
        (Some(&a), Some(&b)) if k + 1 < m || closed => normal(a, b),
        _ => Vec2::ZERO,
    };
    (0..m)
        .map(|k| {
            let before = if k > 0 {
                segment(k - 1)
            } else if closed {
                segment(m - 1)
            } else {
                Vec2::ZERO
            };
            let after = segment(k);
            let sum = before + after;
            if before == Vec2::ZERO || after == Vec2::ZERO || sum.length_sq() < 1e-6 {
                // An end, or a full turn back: the plain normal.
                if before == Vec2::ZERO { after } else { before }
            } else {
                let dir = sum.normalized();
                dir / dir.dot(before).max(0.5)
            }
        })
        .collect()
}

/// A strip `width` points wide along `pts` (mapped to the screen by `at`, which may only move
/// and scale) with the [`mitres`] of the points: one pair of vertices per point — half the
/// vertices of a quad per segment — and no notches at the corners.
pub fn push_strip(
    mesh: &mut Mesh,
    pts: &[Pos2],
    mitre: &[Vec2],
    closed: bool,
    at: impl Fn(Pos2) -> Pos2,
    width: f32,
    color: Color32,
) {
    let m = pts.len().min(mitre.len());
    if m < 2 {
        return;
    }
    let half = width * 0.5;
    let base = mesh.vertices.len() as u32;
    for (p, o) in pts.iter().zip(mitre) {
        let (q, o) = (at(*p), *o * half);
        for pos in [q + o, q - o] {
            mesh.vertices.push(Vertex {
                pos,
                uv: WHITE_UV,
                color,
            });
        }
    }
    let segments = if closed { m } else { m - 1 };
    for k in 0..segments {
        let (a, b) = (base + 2 * k as u32, base + 2 * ((k + 1) % m) as u32);
        mesh.indices.extend([a, a + 1, b + 1, a, b + 1, b]);
    }
}

/// A straight strip from `a` to `b`.
pub fn push_segment(mesh: &mut Mesh, a: Pos2, b: Pos2, width: f32, color: Color32) {
    let d = b - a;
    let len = d.length();
    if len < 0.01 {
        return;
    }
    let n = Vec2::new(-d.y, d.x) * (width * 0.5 / len);
    let base = mesh.vertices.len() as u32;
    for p in [a + n, a - n, b - n, b + n] {
        mesh.vertices.push(Vertex {
            pos: p,
            uv: WHITE_UV,
            color,
        });
    }
    mesh.indices
        .extend([base, base + 1, base + 2, base, base + 2, base + 3]);
}

/// A filled disc (a 12-sided fan) with an outline of `ring` points in `outline` colour.
pub fn push_disc(mesh: &mut Mesh, c: Pos2, r: f32, fill: Color32, ring: f32, outline: Color32) {
    const N: usize = 12;
    const UNIT: [(f32, f32); N] = {
        // cos/sin of k·30°.
        [
            (1.0, 0.0),
            (0.866_025_4, 0.5),
            (0.5, 0.866_025_4),
            (0.0, 1.0),
            (-0.5, 0.866_025_4),
            (-0.866_025_4, 0.5),
            (-1.0, 0.0),
            (-0.866_025_4, -0.5),
            (-0.5, -0.866_025_4),
            (0.0, -1.0),
            (0.5, -0.866_025_4),
            (0.866_025_4, -0.5),
        ]
    };
    for (radius, color) in [(r + ring, outline), (r, fill)] {
        if radius <= 0.0 || (color == outline && ring <= 0.0 && radius > r) {
            continue;
        }
        let base = mesh.vertices.len() as u32;
        mesh.vertices.push(Vertex {
            pos: c,
            uv: WHITE_UV,
            color,
        });
        for (x, y) in UNIT {
            mesh.vertices.push(Vertex {
                pos: Pos2::new(c.x + x * radius, c.y + y * radius),
                uv: WHITE_UV,
                color,
            });
        }
        for k in 0..N as u32 {
            mesh.indices
                .extend([base, base + 1 + k, base + 1 + (k + 1) % N as u32]);
        }
    }
}
