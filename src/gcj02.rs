//! WGS-84 ↔ GCJ-02 ("Mars coordinates"), the offset datum of Chinese web maps (AMap/Gaode).
//!
//! Tiles from such services are drawn in GCJ-02, offset from WGS-84 by up to several hundred
//! metres. Park Atlas keeps its data in WGS-84 and only shifts what it *draws* over those tiles
//! ([`wgs84_to_gcj02`]); positions picked on such a map are shifted back ([`gcj02_to_wgs84`])
//! before hit-testing. The forward transform is the standard published one (as in
//! eviltransform); the inverse iterates it to 1e-12°. Outside China both are the identity.
//! BD-09 (Baidu) is a further offset from GCJ-02: [`gcj02_to_bd09`], [`bd09_to_gcj02`].

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

/// Baidu's constant: π × 3000 / 180.
const X_PI: f64 = PI * 3000.0 / 180.0;

/// GCJ-02 → BD-09 (Baidu's datum, offset from GCJ-02 by a few hundred metres more), the
/// published formula. Applied inside China only, as GCJ-02 is.
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    let z = (lon * lon + lat * lat).sqrt() + 0.00002 * (lat * X_PI).sin();
    let theta = lat.atan2(lon) + 0.000003 * (lon * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// BD-09 → GCJ-02: the published one-step inverse as the start, then fixed-point iteration of
/// [`gcj02_to_bd09`] (the one-step inverse alone is off by up to ~0.1 m).
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    let (x, y) = (lon - 0.0065, lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * X_PI).cos();
    let (mut glon, mut glat) = (z * theta.cos(), z * theta.sin());
    for _ in 0..30 {
        let (blon, blat) = gcj02_to_bd09(glon, glat);
        let (elon, elat) = (blon - lon, blat - lat);
        glon -= elon;
        glat -= elat;
        if elon.abs().max(elat.abs()) < 1e-12 {
            break;
        }
    }
    (glon, glat)
}

/// WGS-84 → BD-09 (through GCJ-02).
pub fn wgs84_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let (g0, g1) = wgs84_to_gcj02(lon, lat);
    gcj02_to_bd09(g0, g1)
}

/// BD-09 → WGS-84 (through GCJ-02).
pub fn bd09_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    let (g0, g1) = bd09_to_gcj02(lon, lat);
    gcj02_to_wgs84(g0, g1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published reference values (wandergis/coordtransform's test, used by most ports)
    /// at Tian'anmen, (116.404, 39.915).
    #[test]
    fn baidu_matches_the_published_reference_values() {
        assert_eq!(
            gcj02_to_bd09(116.404, 39.915),
            (116.41036949371029, 39.92133699351021)
        );
        // Their inverse is the one-step approximation; ours iterates, a few cm from it.
        let (lon, lat) = bd09_to_gcj02(116.404, 39.915);
        assert!((lon - 116.39762729119315).abs() < 2e-6, "{lon}");
        assert!((lat - 39.90865673957631).abs() < 2e-6, "{lat}");
        assert_eq!(
            wgs84_to_gcj02(116.404, 39.915),
            (116.41024449916938, 39.91640428150164)
        );
    }

    #[test]
    fn bd09_and_back_is_within_a_millimetre_over_zhanjiang() {
        let mut worst: f64 = 0.0;
        for i in 0..=20 {
            for j in 0..=20 {
                let (lon, lat) = (109.6 + 0.07 * f64::from(i), 20.2 + 0.09 * f64::from(j));
                let (b0, b1) = wgs84_to_bd09(lon, lat);
                // The offset is real: hundreds of metres.
                assert!((b0 - lon).abs() + (b1 - lat).abs() > 0.005);
                let (w0, w1) = bd09_to_wgs84(b0, b1);
                worst = worst.max((w0 - lon).abs().max((w1 - lat).abs()));
            }
        }
        assert!(worst < 1e-8, "worst {worst}°");
        assert_eq!(bd09_to_wgs84(2.35, 48.85), (2.35, 48.85));
    }

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
