//! Raster tiles on the map: requests the visible tiles from a [`TileFetcher`], turns arrived
//! images into textures, draws them (with a coarser tile standing in while a tile loads), and
//! retries failed tiles with backoff. Nothing here waits for the network.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Color32, ColorImage, Pos2, Rect, TextureHandle, TextureOptions};
use walkers::{Position, Projector};

use crate::map::tiles::{
    FetchOptions, TileError, TileFetcher, TileId, TileSource, backoff_seconds,
};

enum Slot {
    Pending,
    Ready {
        texture: TextureHandle,
        used: Instant,
    },
    Failed {
        attempts: u32,
        retry_at: Option<Instant>,
    },
}

/// How the visible tiles stand (for the status line and for `--screenshot`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TileStatus {
    /// Tiles needed for the view.
    pub visible: usize,
    /// Of those, drawn.
    pub loaded: usize,
    /// Of those, still loading.
    pub pending: usize,
    /// Of those, failed (retried later when the error is transient).
    pub failed: usize,
    /// The latest error.
    pub last_error: Option<String>,
    /// Corrupt cache entries found (and removed) so far.
    pub corrupt_cache_entries: usize,
}

impl TileStatus {
    /// True when no visible tile is still loading.
    pub fn settled(&self) -> bool {
        self.pending == 0
    }
}

/// A tile layer over one source.
pub struct TileLayer {
    fetcher: TileFetcher,
    slots: HashMap<TileId, Slot>,
    corrupt: usize,
    last_error: Option<String>,
    /// Status of the last frame.
    pub status: TileStatus,
}

/// Most textures kept; older ones that are off screen are dropped.
const MAX_TEXTURES: usize = 400;
/// Most tiles requested for one view (a 4K screen at 256 px needs about 150).
const MAX_VISIBLE: usize = 256;

/// Longitude/latitude of a tile's north-west corner.
pub fn tile_corner(z: u8, x: u32, y: u32) -> Position {
    let n = f64::from(1u32 << z);
    let lon = f64::from(x) / n * 360.0 - 180.0;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * f64::from(y) / n))
        .sinh()
        .atan()
        .to_degrees();
    Position::new(lon, lat)
}

/// The tile column/row containing a position at zoom `z`.
pub fn tile_at(pos: Position, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let lat = pos.y().clamp(-85.0511, 85.0511).to_radians();
    let x = ((pos.x() + 180.0) / 360.0 * n).floor().clamp(0.0, n - 1.0);
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n)
        .floor()
        .clamp(0.0, n - 1.0);
    (x as u32, y as u32)
}

impl TileLayer {
    /// Starts fetching from `source`; arriving tiles repaint `ctx`.
    pub fn new(source: TileSource, ctx: &egui::Context, options: FetchOptions) -> TileLayer {
        let repaint = ctx.clone();
        let fetcher =
            TileFetcher::new(source, options, Arc::new(move || repaint.request_repaint()));
        TileLayer {
            fetcher,
            slots: HashMap::new(),
            corrupt: 0,
            last_error: None,
            status: TileStatus::default(),
        }
    }

    /// The source.
    pub fn source(&self) -> &TileSource {
        self.fetcher.source()
    }

    fn pump(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        for f in self.fetcher.poll() {
            if f.corrupt_cache_entry {
                self.corrupt += 1;
            }
            let attempts = match self.slots.get(&f.id) {
                Some(Slot::Failed { attempts, .. }) => *attempts,
                _ => 0,
            };
            let slot = match f.result {
                Ok((img, _)) => {
                    let image = ColorImage::from_rgba_unmultiplied(img.size, &img.rgba);
                    let name = format!(
                        "tile/{}/{}/{}/{}",
                        self.fetcher.source().key(),
                        f.id.z,
                        f.id.x,
                        f.id.y
                    );
                    Slot::Ready {
                        texture: ctx.load_texture(name, image, TextureOptions::LINEAR),
                        used: now,
                    }
                }
                Err(error) => {
                    let attempts = attempts + 1;
                    let retry_at = error
                        .is_transient()
                        .then(|| now + Duration::from_secs(backoff_seconds(attempts)));
                    if error != TileError::NotFound {
                        self.last_error = Some(error.to_string());
                    }
                    Slot::Failed { attempts, retry_at }
                }
            };
            self.slots.insert(f.id, slot);
        }
    }

    /// Draws the tiles that cover `rect` and requests the missing ones.
    pub fn draw(&mut self, painter: &egui::Painter, projector: &Projector, rect: Rect) {
        let ctx = painter.ctx().clone();
        self.pump(&ctx);
        let now = Instant::now();
        let z = projector
            .zoom()
            .round()
            .clamp(0.0, f64::from(self.fetcher.source().max_zoom())) as u8;
        let nw = projector.unproject(rect.left_top().to_vec2());
        let se = projector.unproject(rect.right_bottom().to_vec2());
        let (x0, y0) = tile_at(nw, z);
        let (x1, y1) = tile_at(se, z);
        let mut status = TileStatus {
            corrupt_cache_entries: self.corrupt,
            ..TileStatus::default()
        };
        let mut next_retry: Option<Instant> = None;
        let screen = |z: u8, x: u32, y: u32| -> Rect {
            let a = projector.project(tile_corner(z, x, y)).to_pos2();
            let b = projector.project(tile_corner(z, x + 1, y + 1)).to_pos2();
            Rect::from_two_pos(a, b)
        };
        'tiles: for y in y0..=y1 {
            for x in x0..=x1 {
                if status.visible >= MAX_VISIBLE {
                    break 'tiles;
                }
                status.visible += 1;
                let id = TileId { z, x, y };
                let dest = screen(z, x, y);
                match self.slots.get_mut(&id) {
                    Some(Slot::Ready { texture, used }) => {
                        *used = now;
                        painter.image(
                            texture.id(),
                            dest,
                            Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
                            Color32::WHITE,
                        );
                        status.loaded += 1;
                        continue;
                    }
                    Some(Slot::Pending) => status.pending += 1,
                    Some(Slot::Failed {
                        retry_at: Some(t), ..
                    }) if *t <= now => {
                        self.fetcher.request(id);
                        self.slots.insert(id, Slot::Pending);
                        status.pending += 1;
                    }
                    Some(Slot::Failed { retry_at, .. }) => {
                        status.failed += 1;
                        if let Some(t) = retry_at {
                            next_retry = Some(next_retry.map_or(*t, |n: Instant| n.min(*t)));
                        }
                    }
                    None => {
                        self.fetcher.request(id);
                        self.slots.insert(id, Slot::Pending);
                        status.pending += 1;
                    }
                }
                // Stand-in: the nearest coarser tile we have, cropped to this tile's area.
                let mut anc = id;
                for depth in 1..=4u32 {
                    let Some(p) = anc.parent() else { break };
                    anc = p;
                    if let Some(Slot::Ready { texture, .. }) = self.slots.get(&anc) {
                        let k = 1u32 << depth;
                        let (fx, fy) = ((id.x % k) as f32 / k as f32, (id.y % k) as f32 / k as f32);
                        let uv = Rect::from_min_size(
                            Pos2::new(fx, fy),
                            egui::vec2(1.0 / k as f32, 1.0 / k as f32),
                        );
                        painter.image(texture.id(), dest, uv, Color32::WHITE);
                        break;
                    }
                }
            }
        }
        if let Some(t) = next_retry {
            ctx.request_repaint_after(t.saturating_duration_since(now));
        }
        status.last_error = self.last_error.clone();
        self.status = status;
        self.evict(now);
    }

    fn evict(&mut self, now: Instant) {
        let ready = self
            .slots
            .values()
            .filter(|s| matches!(s, Slot::Ready { .. }))
            .count();
        if ready <= MAX_TEXTURES {
            return;
        }
        let mut old: Vec<(TileId, Instant)> = self
            .slots
            .iter()
            .filter_map(|(id, s)| match s {
                Slot::Ready { used, .. } if *used < now => Some((*id, *used)),
                _ => None,
            })
            .collect();
        old.sort_by_key(|(_, used)| *used);
        for (id, _) in old.into_iter().take(ready - MAX_TEXTURES) {
            self.slots.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_math_matches_the_slippy_map_scheme() {
        // Zhanjiang at zoom 9.
        assert_eq!(tile_at(Position::new(110.36, 21.27), 9), (412, 225));
        let c = tile_corner(9, 412, 225);
        assert!(c.x() <= 110.36 && tile_corner(9, 413, 225).x() > 110.36);
        assert!(c.y() >= 21.27 && tile_corner(9, 412, 226).y() < 21.27);
        let (a, b) = (tile_corner(3, 5, 2), tile_corner(3, 6, 3));
        let mid = Position::new((a.x() + b.x()) / 2.0, (a.y() + b.y()) / 2.0);
        assert_eq!(tile_at(mid, 3), (5, 2));
    }
}
