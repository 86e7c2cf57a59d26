//! A GeoPackage geometry (its binary header, then WKB) walked straight into the compact
//! store's tokens and coordinates, with no `geo` geometry built on the way: a million parcels
//! are read a sixth faster (see docs/PERFORMANCE.md).
//!
//! Only what it gives exactly as geozero + [`crate::model::Features::push_raw`] would is
//! handled: 2-D, Z, M and ZM points, lines, polygons, their multis and collections (nested),
//! either byte order. Anything else — the empty flag, extended types, curves, TINs, EWKB
//! flags, empty points (NaN), polygons without rings, a multi holding another type — answers
//! `None`, and the caller decodes that geometry through geozero as before (its warnings
//! included). A unit test checks both ways agree on every kind of geometry.

use crate::model::features::{
    COLLECTION, LINE_STRING, MULTI_LINE_STRING, MULTI_POINT, MULTI_POLYGON, POINT, POLYGON,
};

/// A geometry as the store keeps it: tokens and coordinates (reused from row to row).
#[derive(Debug, Default)]
pub struct Flat {
    /// The geometry's type and counts.
    pub tokens: Vec<u32>,
    /// Its positions, x and y.
    pub coords: Vec<[f64; 2]>,
}

/// Deeper collections than this are left to geozero.
const MAX_DEPTH: u32 = 32;

/// Walks a GeoPackage geometry blob into `out` (cleared first). `None`: not one this walker
/// handles (see the module's notes); `out` is then meaningless.
pub fn gpkg_flat(blob: &[u8], out: &mut Flat) -> Option<()> {
    out.tokens.clear();
    out.coords.clear();
    let [g, p, _version, flags] = *blob.first_chunk::<4>()?;
    // The empty flag and GeoPackage's extended types: left to geozero.
    if g != b'G' || p != b'P' || flags & 0b0011_0000 != 0 {
        return None;
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return None,
    };
    let mut w = Walker {
        bytes: blob.get(8 + envelope..)?,
        at: 0,
    };
    w.geometry(out, 0)
}

/// The WKB bytes and where the walk is.
struct Walker<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// A geometry's header: byte order, base type (1–7) and coordinate width in bytes.
struct Header {
    little: bool,
    kind: u32,
    width: usize,
}

impl Walker<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let b = *self.bytes.get(self.at..)?.first_chunk::<N>()?;
        self.at += N;
        Some(b)
    }

    fn u32(&mut self, little: bool) -> Option<u32> {
        let b = self.take::<4>()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    /// A count of items each at least `min_bytes` long, refused when the bytes left cannot
    /// hold them (so a corrupt count never reserves gigabytes).
    fn count(&mut self, little: bool, min_bytes: usize) -> Option<usize> {
        let n = usize::try_from(self.u32(little)?).ok()?;
        let left = self.bytes.len().saturating_sub(self.at);
        (n.checked_mul(min_bytes)? <= left).then_some(n)
    }

    fn header(&mut self) -> Option<Header> {
        let little = match self.take::<1>()? {
            [0] => false,
            [1] => true,
            _ => return None,
        };
        // ISO codes only (what a GeoPackage holds): 1000s for Z, M, ZM.
        let code = self.u32(little)?;
        let dims = match code / 1000 {
            0 => 2,
            1 | 2 => 3,
            3 => 4,
            _ => return None,
        };
        let kind = code % 1000;
        (1..=7).contains(&kind).then_some(Header {
            little,
            kind,
            width: dims * 8,
        })
    }

    /// One position: x and y kept, Z and M skipped (the store is 2-D, as `geo` is).
    fn coord(&mut self, h: &Header) -> Option<[f64; 2]> {
        let b = self.bytes.get(self.at..self.at.checked_add(h.width)?)?;
        self.at += h.width;
        let x = b.first_chunk::<8>()?;
        let y = b.get(8..)?.first_chunk::<8>()?;
        Some(if h.little {
            [f64::from_le_bytes(*x), f64::from_le_bytes(*y)]
        } else {
            [f64::from_be_bytes(*x), f64::from_be_bytes(*y)]
        })
    }

    /// A point's position; an empty point (NaN) is left to geozero.
    fn point(&mut self, h: &Header, out: &mut Flat) -> Option<()> {
        let c = self.coord(h)?;
        if c[0].is_nan() || c[1].is_nan() {
            return None;
        }
        out.coords.push(c);
        Some(())
    }

    /// A run of positions after its count; `close` repeats the first at the end when the
    /// last differs, as `geo::Polygon::new` closes a ring.
    fn positions(&mut self, h: &Header, close: bool, out: &mut Flat) -> Option<()> {
        let n = self.count(h.little, h.width)?;
        let start = out.coords.len();
        out.coords.reserve(n + usize::from(close));
        for _ in 0..n {
            let c = self.coord(h)?;
            out.coords.push(c);
        }
        let ring = out.coords.get(start..)?;
        let mut len = n;
        if close
            && let (Some(&first), Some(&last)) = (ring.first(), ring.last())
            && first != last
        {
            out.coords.push(first);
            len += 1;
        }
        out.tokens.push(u32::try_from(len).ok()?);
        Some(())
    }

    fn line_string(&mut self, h: &Header, out: &mut Flat) -> Option<()> {
        out.tokens.push(LINE_STRING);
        self.positions(h, false, out)
    }

    fn polygon(&mut self, h: &Header, out: &mut Flat) -> Option<()> {
        let rings = self.count(h.little, 4)?;
        // geo gives a polygon without rings an empty exterior: left to geozero.
        if rings == 0 {
            return None;
        }
        out.tokens.push(POLYGON);
        out.tokens.push(u32::try_from(rings).ok()?);
        for _ in 0..rings {
            self.positions(h, true, out)?;
        }
        Some(())
    }

    /// The parts of a multi: each its own header, of the kind `part`.
    fn parts(&mut self, h: &Header, part: u32, out: &mut Flat) -> Option<()> {
        let n = self.count(h.little, 5)?;
        out.tokens.push(u32::try_from(n).ok()?);
        for _ in 0..n {
            let ph = self.header()?;
            if ph.kind != part {
                return None;
            }
            match part {
                POINT => self.point(&ph, out)?,
                LINE_STRING => self.line_string(&ph, out)?,
                _ => self.polygon(&ph, out)?,
            }
        }
        Some(())
    }

    fn geometry(&mut self, out: &mut Flat, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        let h = self.header()?;
        match h.kind {
            POINT => {
                out.tokens.push(POINT);
                self.point(&h, out)
            }
            LINE_STRING => self.line_string(&h, out),
            POLYGON => self.polygon(&h, out),
            MULTI_POINT => {
                out.tokens.push(MULTI_POINT);
                self.parts(&h, POINT, out)
            }
            MULTI_LINE_STRING => {
                out.tokens.push(MULTI_LINE_STRING);
                self.parts(&h, LINE_STRING, out)
            }
            MULTI_POLYGON => {
                out.tokens.push(MULTI_POLYGON);
                self.parts(&h, POLYGON, out)
            }
            _ => {
                let n = self.count(h.little, 5)?;
                out.tokens.push(COLLECTION);
                out.tokens.push(u32::try_from(n).ok()?);
                for _ in 0..n {
                    self.geometry(out, depth + 1)?;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::Features;
    use geo::{Geometry, GeometryCollection, LineString, MultiPolygon, Point, Polygon};
    use geozero::wkb::GpkgWkb;
    use geozero::{CoordDimensions, ToGeo, ToWkb};

    /// What the store holds for `blob` read through geozero (the slow path) and through the
    /// walker; `None` for the walker when it leaves the blob to geozero.
    fn both(blob: &[u8]) -> (Option<Features>, Option<Features>) {
        let slow = GpkgWkb(blob).to_geo().ok().map(|g| {
            let mut f = Features::default();
            f.push_raw(Some(&g), Some("1"), "{}");
            f
        });
        let mut flat = Flat::default();
        let fast = gpkg_flat(blob, &mut flat).map(|()| {
            let mut f = Features::default();
            f.push_encoded(&flat.tokens, &flat.coords, Some("1"), "{}");
            f
        });
        (slow, fast)
    }

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(points.to_vec())
    }

    fn samples() -> Vec<Geometry<f64>> {
        let square = Polygon::new(
            ring(&[
                (110.0, 21.0),
                (110.1, 21.0),
                (110.1, 21.1),
                (110.0, 21.1),
                (110.0, 21.0),
            ]),
            vec![ring(&[
                (110.02, 21.02),
                (110.05, 21.02),
                (110.05, 21.05),
                (110.02, 21.02),
            ])],
        );
        let line = ring(&[(110.3, 21.2), (110.4, 21.25), (-0.0, 1e-300)]);
        let point = Geometry::Point(Point::new(110.36, 21.27));
        vec![
            point.clone(),
            Geometry::LineString(line.clone()),
            Geometry::LineString(LineString::new(vec![])),
            Geometry::Polygon(square.clone()),
            Geometry::MultiPoint(vec![Point::new(1.0, 2.0), Point::new(3.0, 4.0)].into()),
            Geometry::MultiPoint(geo::MultiPoint::new(vec![])),
            Geometry::MultiLineString(geo::MultiLineString::new(vec![line.clone(), line])),
            Geometry::MultiPolygon(MultiPolygon::new(vec![square.clone(), square.clone()])),
            Geometry::MultiPolygon(MultiPolygon::new(vec![])),
            Geometry::GeometryCollection(GeometryCollection::new_from(vec![
                point.clone(),
                Geometry::Polygon(square.clone()),
                Geometry::GeometryCollection(GeometryCollection::new_from(vec![point])),
            ])),
            Geometry::GeometryCollection(GeometryCollection::new_from(vec![])),
        ]
    }

    /// A GeoPackage blob by hand: WKB in `little` or big-endian order with `extra` ordinates
    /// (Z, M) after x and y, an envelope of kind `env`; rings written as given (open ones too).
    fn blob(g: &Geometry<f64>, little: bool, extra: usize, env: u8) -> Vec<u8> {
        let mut b = vec![b'G', b'P', 0, (env << 1) | u8::from(little)];
        b.extend_from_slice(&[0; 4]);
        b.extend(std::iter::repeat_n(0u8, [0, 32, 48, 48, 64][env as usize]));
        wkb(g, little, extra, &mut b);
        b
    }

    fn wkb(g: &Geometry<f64>, little: bool, extra: usize, b: &mut Vec<u8>) {
        let u = |n: u32, b: &mut Vec<u8>| {
            b.extend(if little {
                n.to_le_bytes()
            } else {
                n.to_be_bytes()
            })
        };
        let c = |c: geo::Coord<f64>, b: &mut Vec<u8>| {
            for v in [c.x, c.y]
                .into_iter()
                .chain(std::iter::repeat_n(7.5, extra))
            {
                b.extend(if little {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                });
            }
        };
        let code = |kind: u32| kind + [0, 1000, 3000][extra];
        let line = |l: &LineString<f64>, b: &mut Vec<u8>| {
            u(l.0.len() as u32, b);
            l.0.iter().for_each(|p| c(*p, b));
        };
        let polygon = |p: &Polygon<f64>, b: &mut Vec<u8>| {
            u(1 + p.interiors().len() as u32, b);
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .for_each(|r| line(r, b));
        };
        b.push(u8::from(little));
        match g {
            Geometry::Point(p) => {
                u(code(1), b);
                c(p.0, b);
            }
            Geometry::LineString(l) => {
                u(code(2), b);
                line(l, b);
            }
            Geometry::Polygon(p) => {
                u(code(3), b);
                polygon(p, b);
            }
            Geometry::MultiPoint(m) => {
                u(code(4), b);
                u(m.0.len() as u32, b);
                m.0.iter()
                    .for_each(|p| wkb(&Geometry::Point(*p), little, extra, b));
            }
            Geometry::MultiLineString(m) => {
                u(code(5), b);
                u(m.0.len() as u32, b);
                m.0.iter()
                    .for_each(|l| wkb(&Geometry::LineString(l.clone()), little, extra, b));
            }
            Geometry::MultiPolygon(m) => {
                u(code(6), b);
                u(m.0.len() as u32, b);
                m.0.iter()
                    .for_each(|p| wkb(&Geometry::Polygon(p.clone()), little, extra, b));
            }
            Geometry::GeometryCollection(gc) => {
                u(code(7), b);
                u(gc.0.len() as u32, b);
                gc.0.iter().for_each(|g| wkb(g, little, extra, b));
            }
            _ => unreachable!(),
        }
    }

    #[test]
    fn the_walker_stores_what_geozero_gives() {
        let mut walked = 0;
        for g in samples() {
            // geozero's own writer, as GDAL and QGIS write them.
            let written = g
                .to_gpkg_wkb(CoordDimensions::xy(), Some(4326), vec![])
                .unwrap();
            let (slow, fast) = both(&written);
            assert_eq!(fast, slow, "{g:?}");
            assert!(fast.is_some(), "{g:?}");
            for little in [true, false] {
                for extra in [0, 1, 2] {
                    for env in [0, 1, 2, 4] {
                        let b = blob(&g, little, extra, env);
                        let (slow, fast) = both(&b);
                        assert!(slow.is_some());
                        assert_eq!(fast, slow, "{g:?} little {little} extra {extra} env {env}");
                        walked += 1;
                    }
                }
            }
        }
        assert_eq!(walked, samples().len() * 24);
    }

    #[test]
    fn open_rings_are_closed_as_geo_closes_them() {
        // A ring written without its closing point, as some tools do.
        let open = Polygon::new(ring(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]), vec![]);
        let mut b = blob(&Geometry::Polygon(open.clone()), true, 0, 1);
        // `Polygon::new` closed it: write the ring open by dropping its last point.
        let n_at = 8 + 32 + 1 + 4 + 4;
        b[n_at..n_at + 4].copy_from_slice(&3u32.to_le_bytes());
        b.truncate(b.len() - 16);
        let (slow, fast) = both(&b);
        assert_eq!(fast, slow);
        let g = fast.unwrap().geometry(0).unwrap();
        assert_eq!(g, Geometry::Polygon(open));
    }

    #[test]
    fn what_it_does_not_handle_is_left_to_geozero() {
        let mut flat = Flat::default();
        // The empty flag; an empty point (NaN); a polygon without rings; EWKB's Z flag; a
        // curve (CircularString); a multipoint holding a line; a short blob; bad byte order.
        let point = blob(&Geometry::Point(Point::new(1.0, 2.0)), true, 0, 0);
        let mut empty = point.clone();
        empty[3] |= 0b1_0000;
        let nan = blob(&Geometry::Point(Point::new(f64::NAN, f64::NAN)), true, 0, 0);
        let mut no_rings = vec![b'G', b'P', 0, 1, 0, 0, 0, 0, 1];
        no_rings.extend(3u32.to_le_bytes());
        no_rings.extend(0u32.to_le_bytes());
        let mut ewkb = point.clone();
        ewkb[9..13].copy_from_slice(&0x8000_0001u32.to_le_bytes());
        let mut curve = point.clone();
        curve[9..13].copy_from_slice(&8u32.to_le_bytes());
        let mut mixed = vec![b'G', b'P', 0, 1, 0, 0, 0, 0, 1];
        mixed.extend(4u32.to_le_bytes());
        mixed.extend(1u32.to_le_bytes());
        wkb(
            &Geometry::LineString(ring(&[(0.0, 0.0), (1.0, 1.0)])),
            true,
            0,
            &mut mixed,
        );
        let mut huge = vec![b'G', b'P', 0, 1, 0, 0, 0, 0, 1];
        huge.extend(2u32.to_le_bytes());
        huge.extend(u32::MAX.to_le_bytes());
        let mut order = point.clone();
        order[8] = 7;
        for (what, b) in [
            ("empty flag", &empty),
            ("NaN point", &nan),
            ("no rings", &no_rings),
            ("EWKB", &ewkb),
            ("curve", &curve),
            ("mixed multi", &mixed),
            ("huge count", &huge),
            ("short", &point[..point.len() - 1].to_vec()),
            ("byte order", &order),
        ] {
            assert!(gpkg_flat(b, &mut flat).is_none(), "{what}");
        }
        assert!(gpkg_flat(&point, &mut flat).is_some());
    }
}
