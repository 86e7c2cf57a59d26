//! WGS-84 ↔ GCJ-02 ("Mars coordinates"), the offset datum of Chinese web maps (AMap/Gaode).
//!
//! Tiles from such services are drawn in GCJ-02, offset from WGS-84 by up to several hundred
//! metres. Park Atlas keeps its data in WGS-84 and only shifts what it *draws* over those tiles
//! ([`wgs84_to_gcj02`]); positions picked on such a map are shifted back ([`gcj02_to_wgs84`])
//! before hit-testing. The forward transform is the standard published one (as in
//! eviltransform); the inverse iterates it to 1e-12°. Outside China both are the identity.

use std::f64::consts::PI;

/// Semi-major axis used by the transform (Krasovsky 1940 ellipsoid).
const A: f64 = 6_378_245.0;
/// Eccentricity squared of that ellipsoid.
const EE: f64 = 0.006_693_421_622_965_943;

/// True outside the rough bounding box where GCJ-02 applies.
pub fn out_of_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

fn transform(x: f64, y: f64) -> (f64, f64) {
    let xy = x * y;
    let abs_x = x.abs().sqrt();
    let (x_pi, y_pi) = (x * PI, y * PI);
    let d = 20.0 * (6.0 * x_pi).sin() + 20.0 * (2.0 * x_pi).sin();
    let mut lat = d + 20.0 * y_pi.sin() + 40.0 * (y_pi / 3.0).sin();
    let mut lon = d + 20.0 * x_pi.sin() + 40.0 * (x_pi / 3.0).sin();
    lat += 160.0 * (y_pi / 12.0).sin() + 320.0 * (y_pi / 30.0).sin();
    lon += 150.0 * (x_pi / 12.0).sin() + 300.0 * (x_pi / 30.0).sin();
    lat *= 2.0 / 3.0;
    lon *= 2.0 / 3.0;
    lat += -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * xy + 0.2 * abs_x;
    lon += 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * xy + 0.1 * abs_x;
    (lon, lat)
}

/// The GCJ-02 offset (Δlon, Δlat) in degrees at a WGS-84 position.
fn delta(lon: f64, lat: f64) -> (f64, f64) {
    let (dlon, dlat) = transform(lon - 105.0, lat - 35.0);
    let rad_lat = lat.to_radians();
    let magic = 1.0 - EE * rad_lat.sin() * rad_lat.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlon = (dlon * 180.0) / (A / sqrt_magic * rad_lat.cos() * PI);
    (dlon, dlat)
}

/// WGS-84 → GCJ-02, `(lon, lat)` in degrees.
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    let (dlon, dlat) = delta(lon, lat);
    (lon + dlon, lat + dlat)
}

/// GCJ-02 → WGS-84 by fixed-point iteration of the forward transform (converges to 1e-12° in
/// a few steps).
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    let (mut wlon, mut wlat) = (lon, lat);
    for _ in 0..30 {
        let (glon, glat) = wgs84_to_gcj02(wlon, wlat);
        let (elon, elat) = (glon - lon, glat - lat);
        wlon -= elon;
        wlat -= elat;
        if elon.abs().max(elat.abs()) < 1e-12 {
            break;
        }
    }
    (wlon, wlat)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (wgs lat, wgs lon, gcj lat, gcj lon), the reference pairs published with eviltransform.
    const PAIRS: [(f64, f64, f64, f64); 3] = [
        (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
        (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
        (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
    ];

    #[test]
    fn the_forward_transform_matches_published_pairs() {
        for (wlat, wlon, glat, glon) in PAIRS {
            let (lon, lat) = wgs84_to_gcj02(wlon, wlat);
            assert!(
                (lat - glat).abs() < 1e-6 && (lon - glon).abs() < 1e-6,
                "{wlat},{wlon} → {lat},{lon}, expected {glat},{glon}"
            );
        }
    }

    #[test]
    fn the_inverse_round_trips() {
        for (wlat, wlon, glat, glon) in PAIRS {
            let (lon, lat) = gcj02_to_wgs84(glon, glat);
            assert!((lat - wlat).abs() < 1e-6 && (lon - wlon).abs() < 1e-6);
        }
        // Across Zhanjiang, to far better than 1e-6°.
        for i in 0..20 {
            for j in 0..20 {
                let (lon, lat) = (109.6 + 0.07 * f64::from(i), 20.2 + 0.09 * f64::from(j));
                let (g_lon, g_lat) = wgs84_to_gcj02(lon, lat);
                let (b_lon, b_lat) = gcj02_to_wgs84(g_lon, g_lat);
                assert!(
                    (b_lon - lon).abs() < 1e-9 && (b_lat - lat).abs() < 1e-9,
                    "{lon},{lat}"
                );
            }
        }
    }

    #[test]
    fn the_offset_in_zhanjiang_is_a_few_hundred_metres() {
        let (lon, lat) = (110.36, 21.27);
        let (g_lon, g_lat) = wgs84_to_gcj02(lon, lat);
        let metres =
            ((g_lon - lon) * 111_320.0 * lat.to_radians().cos()).hypot((g_lat - lat) * 110_540.0);
        assert!((300.0..800.0).contains(&metres), "{metres} m");
    }

    #[test]
    fn outside_china_nothing_moves() {
        for (lon, lat) in [(2.35, 48.85), (-74.0, 40.7), (151.2, -33.9), (0.0, 0.0)] {
            assert_eq!(wgs84_to_gcj02(lon, lat), (lon, lat));
            assert_eq!(gcj02_to_wgs84(lon, lat), (lon, lat));
        }
    }
}
