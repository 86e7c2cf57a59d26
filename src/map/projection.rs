//! From WGS-84 data to the screen and back: walkers' Web-Mercator projector, shifted to
//! GCJ-02 when the tiles underneath are in GCJ-02; the city's bounds and the zoom that fits
//! them.

use egui::{Pos2, Rect, Vec2};

use walkers::{MercatorProjection, Position, Projection, Projector};

use crate::model::Atlas;

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
    /// The WGS-84 box the map shows (GCJ-02 drawing aside: the shift is ~500 m).
    pub fn geo_bounds(&self) -> geo::Rect<f64> {
        let c = MercatorProjection.project(self.center, self.zoom);
        let corner = |dx: f32, dy: f32| {
            let p = walkers::Pixels::new(c.x() + f64::from(dx), c.y() + f64::from(dy));
            MercatorProjection.unproject(p, self.zoom)
        };
        let half = self.rect.size() / 2.0;
        let a = corner(-half.x, -half.y);
        let b = corner(half.x, half.y);
        geo::Rect::new((a.x(), a.y()), (b.x(), b.y()))
    }

    /// Screen position of a WGS-84 position (shifted like the data when `gcj`).
    pub fn screen_pos(&self, pos: Position) -> Pos2 {
        let c = MercatorProjection.project(self.center, self.zoom);
        let p = MercatorProjection.project(shift(pos, self.gcj), self.zoom);
        self.rect.center() + Vec2::new((p.x() - c.x()) as f32, (p.y() - c.y()) as f32)
    }
}

pub use crate::spatial::bounds_of;

/// The bounding box of the counties (else of the parks): what "fit city" shows.
pub fn city_bounds(atlas: &Atlas) -> Option<geo::Rect<f64>> {
    if atlas.counties.iter().any(|c| c.geometry.is_some()) {
        bounds_of(atlas.counties.iter().filter_map(|c| c.geometry.as_ref()))
    } else {
        bounds_of(atlas.parks.iter().filter_map(|p| p.geometry.as_ref()))
    }
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
