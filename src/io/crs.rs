//! The coordinate systems of Chinese web maps, found and undone on reading. AMap/Gaode,
//! Tencent and DataV publish GCJ-02, Baidu BD-09: both are WGS-84 offset by a few hundred
//! metres (at Zhanjiang's centre GCJ-02 is 467 m east and 263 m south). A file in them is
//! converted to WGS-84 as it is read — the data stays WGS-84 — and the problems list says what
//! was found, from what evidence, and what was done.
//!
//! Evidence, strongest first: the user's declaration (`--crs`, the open dialog); a counties
//! file whose outlines match the built-in counties (by adcode) only once the offset is removed;
//! the properties DataV's GeoAtlas writes on every feature.

use geo::{Closest, ClosestPoint, CoordsIter, Geometry, MapCoordsInPlace, Point};

use super::problem::Msg;
use crate::gcj02::{bd09_to_wgs84, gcj02_to_wgs84};
use crate::model::County;

/// The coordinate system a file's longitudes and latitudes are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum WebCrs {
    /// WGS-84 (GPS, OpenStreetMap, Google Earth, GDAL's GeoJSON): kept as it is.
    Wgs84,
    /// GCJ-02 (AMap/Gaode, Tencent, DataV, most Chinese web APIs).
    Gcj02,
    /// BD-09 (Baidu).
    Bd09,
}

impl WebCrs {
    /// All of them, WGS-84 first.
    pub const ALL: [WebCrs; 3] = [WebCrs::Wgs84, WebCrs::Gcj02, WebCrs::Bd09];

    /// Parses `wgs84`, `gcj02` or `bd09` (case and punctuation aside: `GCJ-02`, `bd-09`).
    pub fn parse(s: &str) -> Option<WebCrs> {
        let k: String = s
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        match k.as_str() {
            "wgs84" | "wgs" | "epsg4326" => Some(WebCrs::Wgs84),
            "gcj02" | "gcj" | "amap" | "gaode" => Some(WebCrs::Gcj02),
            "bd09" | "bd" | "baidu" => Some(WebCrs::Bd09),
            _ => None,
        }
    }

    /// Its name as maps and APIs write it.
    pub fn name(self) -> &'static str {
        match self {
            WebCrs::Wgs84 => "WGS-84",
            WebCrs::Gcj02 => "GCJ-02",
            WebCrs::Bd09 => "BD-09",
        }
    }

    /// A position in this system brought to WGS-84 (the identity outside China).
    pub fn to_wgs84(self, lon: f64, lat: f64) -> (f64, f64) {
        match self {
            WebCrs::Wgs84 => (lon, lat),
            WebCrs::Gcj02 => gcj02_to_wgs84(lon, lat),
            WebCrs::Bd09 => bd09_to_wgs84(lon, lat),
        }
    }

    /// Converts a geometry in place to WGS-84.
    pub fn convert(self, g: &mut Geometry<f64>) {
        if self == WebCrs::Wgs84 {
            return;
        }
        g.map_coords_in_place(|c| {
            let (x, y) = self.to_wgs84(c.x, c.y);
            geo::Coord { x, y }
        });
    }
}

/// Converts every feature's geometry from `crs` to WGS-84.
pub fn convert_features(features: &mut crate::model::Features, crs: WebCrs) {
    if crs == WebCrs::Wgs84 {
        return;
    }
    features.map_coords(|[x, y]| {
        let (x, y) = crs.to_wgs84(x, y);
        [x, y]
    });
    {}
}

/// What was found about a file's coordinate system, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The system the coordinates are in.
    pub crs: WebCrs,
    /// The evidence, to tell the user.
    pub evidence: Msg,
}

/// Points sampled per county outline for matching.
const SAMPLES: usize = 60;

/// How far the sampled points of a file's counties lie from the built-in counties' outlines
/// (median, metres) when the file is read as each system; `None` when no county of the file
/// has an adcode and an outline the built-in counties have too.
pub fn county_distances(file: &[County], reference: &[County]) -> Option<Vec<(WebCrs, f64)>> {
    let mut per_crs: Vec<(WebCrs, Vec<f64>)> = WebCrs::ALL.iter().map(|c| (*c, vec![])).collect();
    for county in file {
        let Some(g) = &county.geometry else { continue };
        let Some(r) = reference
            .iter()
            .find(|r| r.adcode == county.adcode)
            .and_then(|r| r.geometry.as_ref())
        else {
            continue;
        };
        let boundary = outline(r);
        let n = g.coords_count().max(1);
        let step = (n / SAMPLES).max(1);
        for c in g.coords_iter().step_by(step).take(SAMPLES) {
            for (crs, distances) in &mut per_crs {
                let (lon, lat) = crs.to_wgs84(c.x, c.y);
                distances.push(distance_m(&boundary, lon, lat));
            }
        }
    }
    if per_crs.iter().all(|(_, d)| d.is_empty()) {
        return None;
    }
    Some(
        per_crs
            .into_iter()
            .map(|(crs, mut d)| (crs, median(&mut d)))
            .collect(),
    )
}

/// A counties file matched against the built-in counties: the system in which it matches
/// (within 100 m, and at least three times closer than read as WGS-84), or WGS-84.
pub fn detect_by_counties(file: &[County], reference: &[County]) -> Option<Finding> {
    let d = county_distances(file, reference)?;
    let as_is = d.first().map_or(f64::INFINITY, |x| x.1);
    let (crs, best) = d
        .iter()
        .copied()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((WebCrs::Wgs84, as_is));
    if crs == WebCrs::Wgs84 || best > 100.0 || best * 3.0 > as_is {
        return Some(Finding {
            crs: WebCrs::Wgs84,
            evidence: crate::msg!(
                "the outlines match the built-in counties as they are (median {} m)",
                format!("{as_is:.0}")
            ),
        });
    }
    Some(Finding {
        crs,
        evidence: crate::msg!(
            "the outlines match the built-in counties once the {} offset is removed (median {} m; as WGS-84: {} m)",
            crs.name(),
            format!("{best:.0}"),
            format!("{as_is:.0}")
        ),
    })
}

/// The members DataV's GeoAtlas (the usual source of Chinese boundaries) writes on every
/// feature; its coordinates are GCJ-02.
const DATAV_MEMBERS: [&str; 5] = ["adcode", "center", "centroid", "childrenNum", "level"];

/// A feature's properties that carry DataV's fingerprint: GCJ-02.
pub fn detect_by_properties(properties: &crate::model::Extra) -> Option<Finding> {
    DATAV_MEMBERS
        .iter()
        .all(|k| properties.contains_key(*k))
        .then(|| Finding {
            crs: WebCrs::Gcj02,
            evidence: crate::msg!(
                "the features carry DataV GeoAtlas's properties (adcode, center, centroid, childrenNum, level)"
            ),
        })
}

/// A county's outline as line strings (its rings).
fn outline(g: &Geometry<f64>) -> Vec<geo::LineString<f64>> {
    match g {
        Geometry::Polygon(p) => std::iter::once(p.exterior().clone())
            .chain(p.interiors().iter().cloned())
            .collect(),
        Geometry::MultiPolygon(mp) => {
            mp.0.iter()
                .flat_map(|p| outline(&p.clone().into()))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Distance in metres from a point to the nearest of some rings (local equirectangular scale).
fn distance_m(rings: &[geo::LineString<f64>], lon: f64, lat: f64) -> f64 {
    let p = Point::new(lon, lat);
    let kx = 111_320.0 * lat.to_radians().cos();
    let ky = 110_574.0;
    rings
        .iter()
        .filter_map(|r| match r.closest_point(&p) {
            Closest::Intersection(q) | Closest::SinglePoint(q) => Some(q),
            Closest::Indeterminate => None,
        })
        .map(|q| ((q.x() - lon) * kx).hypot((q.y() - lat) * ky))
        .fold(f64::INFINITY, f64::min)
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::INFINITY;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::gcj02::{wgs84_to_bd09, wgs84_to_gcj02};

    fn shifted(counties: &[County], f: fn(f64, f64) -> (f64, f64)) -> Vec<County> {
        counties
            .iter()
            .cloned()
            .map(|mut c| {
                if let Some(g) = c.geometry.as_mut() {
                    g.map_coords_in_place(|p| {
                        let (x, y) = f(p.x, p.y);
                        geo::Coord { x, y }
                    });
                }
                c
            })
            .collect()
    }

    #[test]
    fn counties_at_the_gcj02_or_bd09_offset_are_found_and_the_wgs84_ones_left_alone() {
        let builtin = crate::io::load_embedded().unwrap().atlas.counties;
        let same = detect_by_counties(&builtin, &builtin).unwrap();
        assert_eq!(same.crs, WebCrs::Wgs84, "{:?}", same.evidence);
        let gcj = detect_by_counties(&shifted(&builtin, wgs84_to_gcj02), &builtin).unwrap();
        assert_eq!(gcj.crs, WebCrs::Gcj02, "{:?}", gcj.evidence);
        let bd = detect_by_counties(&shifted(&builtin, wgs84_to_bd09), &builtin).unwrap();
        assert_eq!(bd.crs, WebCrs::Bd09, "{:?}", bd.evidence);
        // The offset in Zhanjiang is hundreds of metres; undone, the outlines coincide.
        let d = county_distances(&shifted(&builtin, wgs84_to_gcj02), &builtin).unwrap();
        let get = |c| d.iter().find(|x| x.0 == c).unwrap().1;
        assert!(get(WebCrs::Wgs84) > 150.0, "{d:?}");
        assert!(get(WebCrs::Gcj02) < 1.0, "{d:?}");
    }

    #[test]
    fn datav_properties_say_gcj02_and_others_say_nothing() {
        let props = |keys: &[&str]| -> crate::model::Extra {
            keys.iter()
                .map(|k| ((*k).to_owned(), serde_json::json!(1)))
                .collect()
        };
        let datav = props(&[
            "adcode",
            "name",
            "center",
            "centroid",
            "childrenNum",
            "level",
        ]);
        assert_eq!(detect_by_properties(&datav).unwrap().crs, WebCrs::Gcj02);
        assert!(detect_by_properties(&props(&["adcode", "name", "center"])).is_none());
    }

    #[test]
    fn names_of_the_systems_parse_as_users_write_them() {
        assert_eq!(WebCrs::parse("GCJ-02"), Some(WebCrs::Gcj02));
        assert_eq!(WebCrs::parse("bd09"), Some(WebCrs::Bd09));
        assert_eq!(WebCrs::parse("WGS84"), Some(WebCrs::Wgs84));
        assert_eq!(WebCrs::parse("utm"), None);
    }
}
