//! Measuring on the map, without egui: a distance along a polyline and the area and perimeter
//! of a polygon, both geodesic on the WGS-84 ellipsoid (Karney's algorithms, via `geo`), so
//! that a 50 km line or a district-sized polygon is right to the metre, not a Web-Mercator
//! estimate that is 7 % off at Zhanjiang's latitude.

use geo::orient::{Direction, Orient};
use geo::{Distance, Geodesic, GeodesicArea, LineString, Point, Polygon};
use serde::{Deserialize, Serialize};

/// What is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeasureKind {
    /// Length of a polyline.
    Distance,
    /// Area and perimeter of a polygon.
    Area,
}

/// A measurement being drawn or finished: the points clicked (longitude, latitude).
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Distance or area.
    pub kind: MeasureKind,
    /// The points clicked, WGS-84 degrees.
    pub points: Vec<(f64, f64)>,
    /// Ended (Esc or double click): further clicks start a new measurement.
    pub finished: bool,
}

/// The numbers of a measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeasureResult {
    /// Length of the line (distance) or the ring's perimeter (area), metres.
    pub length_m: f64,
    /// Area in m² (area measurements with 3 points or more).
    pub area_m2: Option<f64>,
    /// Number of points.
    pub points: usize,
}

impl Measurement {
    /// A new, empty measurement.
    pub fn new(kind: MeasureKind) -> Measurement {
        Measurement {
            kind,
            points: Vec::new(),
            finished: false,
        }
    }

    /// The numbers, with an extra point at the end when given (the pointer while drawing).
    pub fn result(&self, live: Option<(f64, f64)>) -> MeasureResult {
        let mut pts = self.points.clone();
        if let Some(p) = live.filter(|_| !self.finished) {
            pts.push(p);
        }
        match self.kind {
            MeasureKind::Distance => MeasureResult {
                length_m: path_length_m(&pts),
                area_m2: None,
                points: pts.len(),
            },
            MeasureKind::Area => {
                let (perimeter, area) = polygon_perimeter_area(&pts);
                MeasureResult {
                    length_m: perimeter,
                    area_m2: area,
                    points: pts.len(),
                }
            }
        }
    }
}

/// Geodesic length of a polyline through the points, metres.
pub fn path_length_m(points: &[(f64, f64)]) -> f64 {
    points
        .windows(2)
        .map(|w| Geodesic.distance(Point::new(w[0].0, w[0].1), Point::new(w[1].0, w[1].1)))
        .sum()
}

/// Geodesic perimeter (metres) and area (m²) of the polygon through the points (closed
/// automatically); the area is `None` below three points.
pub fn polygon_perimeter_area(points: &[(f64, f64)]) -> (f64, Option<f64>) {
    if points.len() < 3 {
        return (2.0 * path_length_m(points), None);
    }
    let ring: LineString<f64> = points.iter().copied().collect();
    // The ellipsoidal area is of the region left of the ring: a clockwise ring would give
    // the rest of the Earth. Counter-clockwise first.
    let polygon = Polygon::new(ring, vec![]).orient(Direction::Default);
    let (perimeter, area) = polygon.geodesic_perimeter_area_unsigned();
    (perimeter, Some(area))
}

/// A length for people: metres below 1 km, else km with two decimals.
pub fn format_length(m: f64) -> String {
    if m < 1000.0 {
        format!("{m:.0} m")
    } else {
        format!("{:.2} km", m / 1000.0)
    }
}

/// An area for people: km² (three decimals below 10 km²) and hectares.
pub fn format_area(m2: f64) -> String {
    let km2 = m2 / 1e6;
    let ha = m2 / 1e4;
    if km2 < 10.0 {
        format!("{km2:.3} km² ({ha:.1} ha)")
    } else {
        format!("{km2:.2} km² ({ha:.0} ha)")
    }
}

impl MeasureResult {
    /// One line with every number, in English units (what "Copy" puts on the clipboard).
    pub fn text(&self, kind: MeasureKind) -> String {
        match (kind, self.area_m2) {
            (MeasureKind::Distance, _) => format!(
                "distance {} ({} points, geodesic WGS-84)",
                format_length(self.length_m),
                self.points
            ),
            (MeasureKind::Area, Some(a)) => format!(
                "area {}, perimeter {} ({} points, geodesic WGS-84)",
                format_area(a),
                format_length(self.length_m),
                self.points
            ),
            (MeasureKind::Area, None) => format!("area: {} points, need 3", self.points),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_match_known_geodesic_values() {
        // One degree of longitude on the equator: 111,319.49 m on WGS-84.
        let eq = path_length_m(&[(0.0, 0.0), (1.0, 0.0)]);
        assert!((eq - 111_319.49).abs() < 0.1, "{eq}");
        // A meridian arc 21°–22°N (Zhanjiang): M(21.5°)·π/180 with M = a(1−e²)/(1−e²sin²φ)^1.5
        // = 6,343,997 m, so 110,723.5 m; the polyline adds its two legs.
        let arc = path_length_m(&[(110.0, 21.0), (110.0, 21.5), (110.0, 22.0)]);
        assert!((arc - 110_723.5).abs() < 5.0, "{arc}");
        assert_eq!(path_length_m(&[(110.0, 21.0)]), 0.0);
    }

    #[test]
    fn areas_match_the_ellipsoid() {
        // A 0.1° × 0.1° cell at 21°N: 0.1° of latitude = 11,072.4 m (meridian radius at
        // 21.05°), 0.1° of longitude = N·cos φ·0.1° = 10,393.7 m (N = 6,380,900 m).
        let cell = [(110.0, 21.0), (110.1, 21.0), (110.1, 21.1), (110.0, 21.1)];
        let (perimeter, area) = polygon_perimeter_area(&cell);
        let area = area.unwrap();
        let expected = 11_072.4 * 10_393.7;
        assert!(
            (area / expected - 1.0).abs() < 0.001,
            "{area} vs {expected}"
        );
        assert!((perimeter / (2.0 * (11_072.4 + 10_393.7)) - 1.0).abs() < 0.001);
        // The same ring clockwise has the same area; fewer than 3 points has none.
        let mut cw = cell;
        cw.reverse();
        assert!((polygon_perimeter_area(&cw).1.unwrap() - area).abs() < 1.0);
        assert_eq!(polygon_perimeter_area(&cell[..2]).1, None);
    }

    #[test]
    fn the_pointer_counts_while_drawing_and_not_after() {
        let mut m = Measurement::new(MeasureKind::Distance);
        m.points.push((110.0, 21.0));
        let live = m.result(Some((110.0, 21.1)));
        assert!((live.length_m - 11_072.4).abs() < 2.0, "{live:?}");
        m.finished = true;
        assert_eq!(m.result(Some((110.0, 21.1))).length_m, 0.0);
        assert_eq!(format_length(11_070.4), "11.07 km");
        assert_eq!(format_length(950.2), "950 m");
        assert_eq!(format_area(115_075_000.0), "115.08 km² (11508 ha)");
    }
}
