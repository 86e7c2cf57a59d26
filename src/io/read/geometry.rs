//! GeoJSON geometry objects → `geo` geometries, checking every coordinate, and a fast
//! self-intersection check for polygon rings.

use geo::line_intersection::line_intersection;
use geo::sweep::Cross;
use geo::{
    Coord, Geometry, GeometryCollection, Intersections, Line, LineIntersection, LineString,
    MultiLineString, MultiPoint, MultiPolygon, Point, Polygon,
};
use serde_json::Value;

use super::{Ctx, GEOMETRY_TYPES};
use crate::io::problem::describe;

/// Reads a GeoJSON geometry object, checking every coordinate.
pub(super) fn read_geometry(ctx: &mut Ctx<'_>, path: &str, value: &Value) -> Option<Geometry<f64>> {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    let Value::Object(obj) = value else {
        ctx.error(
            path,
            crate::msg!(
                "expected a geometry object or null, found {}",
                describe(value)
            ),
        );
        return None;
    };
    let kind = match obj.get("type") {
        Some(Value::String(s)) => s.as_str(),
        other => {
            ctx.error(
                &join("type"),
                crate::msg!(
                    "expected a geometry type ({}), found {}",
                    GEOMETRY_TYPES.join(", "),
                    other.map_or(crate::msg!("nothing"), describe)
                ),
            );
            return None;
        }
    };
    if kind == "GeometryCollection" {
        let Some(Value::Array(items)) = obj.get("geometries") else {
            ctx.error(
                &join("geometries"),
                crate::msg!("a GeometryCollection needs a \"geometries\" array"),
            );
            return None;
        };
        let mut parts = Vec::with_capacity(items.len());
        for (i, g) in items.iter().enumerate() {
            parts.push(read_geometry(
                ctx,
                &format!("{}[{i}]", join("geometries")),
                g,
            )?);
        }
        return Some(Geometry::GeometryCollection(GeometryCollection(parts)));
    }
    if !GEOMETRY_TYPES.contains(&kind) {
        ctx.error(
            &join("type"),
            crate::msg!(
                "unknown geometry type {} (expected one of {})",
                format!("{:?}", kind),
                GEOMETRY_TYPES.join(", ")
            ),
        );
        return None;
    }
    let cpath = join("coordinates");
    let Some(coords) = obj.get("coordinates") else {
        ctx.error(&cpath, crate::msg!("a {} needs \"coordinates\"", kind));
        return None;
    };
    let geometry = match kind {
        "Point" => Geometry::Point(Point(position(ctx, &cpath, coords)?)),
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(
            array(ctx, &cpath, coords, 0)?
                .iter()
                .enumerate()
                .map(|(i, p)| position(ctx, &format!("{cpath}[{i}]"), p).map(Point))
                .collect::<Option<_>>()?,
        )),
        "LineString" => Geometry::LineString(line(ctx, &cpath, coords, 2)?),
        "MultiLineString" => Geometry::MultiLineString(MultiLineString(
            array(ctx, &cpath, coords, 0)?
                .iter()
                .enumerate()
                .map(|(i, l)| line(ctx, &format!("{cpath}[{i}]"), l, 2))
                .collect::<Option<_>>()?,
        )),
        "Polygon" => Geometry::Polygon(polygon(ctx, &cpath, coords)?),
        _ => Geometry::MultiPolygon(MultiPolygon(
            array(ctx, &cpath, coords, 0)?
                .iter()
                .enumerate()
                .map(|(i, p)| polygon(ctx, &format!("{cpath}[{i}]"), p))
                .collect::<Option<_>>()?,
        )),
    };
    let crossings: Vec<Coord<f64>> = match &geometry {
        Geometry::Polygon(p) => self_crossing(p).into_iter().collect(),
        Geometry::MultiPolygon(mp) => mp.0.iter().filter_map(self_crossing).collect(),
        _ => Vec::new(),
    };
    if let Some(c) = crossings.first() {
        ctx.warn(path, crate::msg!("the {} intersects itself near ({}, {}){} (it is drawn, but areas and hit-tests may be off)", kind, format!("{:.5}", c.x), format!("{:.5}", c.y), if crossings.len() > 1 { crate::msg!(" and in {} more place(s)", crossings.len() - 1) } else { crate::msg!("") }));
    }
    Some(geometry)
}

/// A ring segment, remembering its ring and position so that neighbours can be told apart.
#[derive(Clone, Debug)]
pub(super) struct Segment {
    line: Line<f64>,
    ring: usize,
    index: usize,
    ring_len: usize,
}

impl Cross for Segment {
    type Scalar = f64;
    fn line(&self) -> Line<f64> {
        self.line
    }
}

/// Where a polygon's rings cross themselves or each other, if they do: a sweep over all
/// segments (Bentley–Ottmann, O((n + k) log n)), so that checking 27,000 county vertices
/// takes milliseconds. Neighbouring segments meeting at their shared vertex are fine; rings
/// touching each other at a single point are fine (OGC); crossings, overlaps and a ring
/// touching itself are not.
pub(super) fn self_crossing(poly: &Polygon<f64>) -> Option<Coord<f64>> {
    const SMALL_RING: usize = 32;
    let mut segments = Vec::new();
    for (ring, ls) in std::iter::once(poly.exterior())
        .chain(poly.interiors())
        .enumerate()
    {
        let lines: Vec<Line<f64>> = ls.lines().filter(|l| l.start != l.end).collect();
        let ring_len = lines.len();
        segments.extend(lines.into_iter().enumerate().map(|(index, line)| Segment {
            line,
            ring,
            index,
            ring_len,
        }));
    }
    let judge = |a: &Segment, b: &Segment, hit: LineIntersection<f64>| {
        let neighbours = a.ring == b.ring
            && (a.index.abs_diff(b.index) == 1 || a.index.abs_diff(b.index) + 1 == a.ring_len);
        match hit {
            LineIntersection::SinglePoint {
                intersection,
                is_proper,
            } => (is_proper || (a.ring == b.ring && !neighbours)).then_some(intersection),
            LineIntersection::Collinear { intersection } => Some(intersection.start),
        }
    };
    // A parcel's dozen edges: testing every pair is faster than setting up the sweep.
    if segments.len() <= SMALL_RING {
        for (i, a) in segments.iter().enumerate() {
            for b in segments.get(i + 1..).unwrap_or_default() {
                if let Some(c) = line_intersection(a.line, b.line).and_then(|h| judge(a, b, h)) {
                    return Some(c);
                }
            }
        }
        return None;
    }
    for (a, b, hit) in Intersections::from_iter(segments) {
        if let Some(c) = judge(&a, &b, hit) {
            return Some(c);
        }
    }
    None
}

pub(super) fn array<'v>(
    ctx: &mut Ctx<'_>,
    path: &str,
    v: &'v Value,
    min: usize,
) -> Option<&'v Vec<Value>> {
    match v {
        Value::Array(a) if a.len() >= min => Some(a),
        Value::Array(a) => {
            ctx.error(
                path,
                crate::msg!("expected at least {} positions, found {}", min, a.len()),
            );
            None
        }
        other => {
            ctx.error(
                path,
                crate::msg!("expected an array, found {}", describe(other)),
            );
            None
        }
    }
}

pub(super) fn position(ctx: &mut Ctx<'_>, path: &str, v: &Value) -> Option<Coord<f64>> {
    let Value::Array(a) = v else {
        ctx.error(
            path,
            crate::msg!(
                "expected a position [longitude, latitude], found {}",
                describe(v)
            ),
        );
        return None;
    };
    if a.len() < 2 {
        ctx.error(
            path,
            crate::msg!(
                "a position needs longitude and latitude, found {} number(s)",
                a.len()
            ),
        );
        return None;
    }
    let mut nums = [0.0; 2];
    for (i, x) in a.iter().enumerate() {
        match x.as_f64() {
            Some(n) if n.is_finite() => {
                if i < 2 {
                    nums[i] = n;
                }
            }
            _ => {
                ctx.error(
                    &format!("{path}[{i}]"),
                    crate::msg!("expected a number, found {}", describe(x)),
                );
                return None;
            }
        }
    }
    let [lon, lat] = nums;
    if !(-180.0..=180.0).contains(&lon) {
        ctx.error(path, crate::msg!("longitude {} is out of range (-180 to 180); coordinates must be WGS-84 degrees, longitude first", lon));
        return None;
    }
    if !(-90.0..=90.0).contains(&lat) {
        ctx.error(path, crate::msg!("latitude {} is out of range (-90 to 90); coordinates must be WGS-84 degrees, longitude first", lat));
        return None;
    }
    Some(Coord { x: lon, y: lat })
}

pub(super) fn line(
    ctx: &mut Ctx<'_>,
    path: &str,
    v: &Value,
    min: usize,
) -> Option<LineString<f64>> {
    let a = array(ctx, path, v, min)?;
    let coords = a
        .iter()
        .enumerate()
        .map(|(i, p)| valid_position(p).or_else(|| position(ctx, &format!("{path}[{i}]"), p)))
        .collect::<Option<Vec<_>>>()?;
    Some(LineString(coords))
}

/// A position that passes every check of [`position`], read without building the path a
/// problem would name (millions of positions are read; a problem is reported by `position`).
fn valid_position(v: &Value) -> Option<Coord<f64>> {
    let Value::Array(a) = v else { return None };
    if a.len() < 2 || a.iter().any(|x| !x.as_f64().is_some_and(f64::is_finite)) {
        return None;
    }
    let (lon, lat) = (a.first()?.as_f64()?, a.get(1)?.as_f64()?);
    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat))
        .then_some(Coord { x: lon, y: lat })
}

pub(super) fn polygon(ctx: &mut Ctx<'_>, path: &str, v: &Value) -> Option<Polygon<f64>> {
    let rings = array(ctx, path, v, 1)?;
    let mut out = Vec::with_capacity(rings.len());
    for (i, r) in rings.iter().enumerate() {
        let rp = format!("{path}[{i}]");
        let ring = line(ctx, &rp, r, 4)?;
        if ring.0.first() != ring.0.last() {
            ctx.error(
                &rp,
                crate::msg!("the ring is not closed: its last position must repeat the first"),
            );
            return None;
        }
        out.push(ring);
    }
    let mut it = out.into_iter();
    let exterior = it.next()?;
    Some(Polygon::new(exterior, it.collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, polygon};

    #[test]
    fn a_square_does_not_cross_itself() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        assert_eq!(self_crossing(&p), None);
    }

    #[test]
    fn a_bowtie_crosses_itself_in_the_middle() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0)];
        assert_eq!(self_crossing(&p), Some(Coord { x: 0.5, y: 0.5 }));
    }

    #[test]
    fn repeated_points_are_not_crossings() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        assert_eq!(self_crossing(&p), None);
    }

    #[test]
    fn a_spike_back_along_an_edge_is_an_overlap() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        assert!(self_crossing(&p).is_some());
    }

    #[test]
    fn a_hole_inside_is_fine_but_a_hole_across_the_edge_is_not() {
        let ext = LineString::from(vec![
            (0.0, 0.0),
            (4.0, 0.0),
            (4.0, 4.0),
            (0.0, 4.0),
            (0.0, 0.0),
        ]);
        let inside = LineString::from(vec![(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 1.0)]);
        assert_eq!(
            self_crossing(&Polygon::new(ext.clone(), vec![inside])),
            None
        );
        let across = LineString::from(vec![(3.0, 1.0), (5.0, 1.0), (5.0, 2.0), (3.0, 1.0)]);
        assert_eq!(
            self_crossing(&Polygon::new(ext, vec![across])),
            Some(Coord { x: 4.0, y: 1.0 })
        );
    }
}
