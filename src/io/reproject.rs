//! Coordinates of opened layers brought to WGS 84 longitude/latitude: planning data in China
//! often comes projected (CGCS2000 3-degree Gauss–Krüger, UTM). The coordinate system is read
//! from its WKT (a shapefile's `.prj`, a GeoPackage's `gpkg_spatial_ref_sys.definition`) by
//! `proj4wkt` and the points are transformed by `proj4rs`, both pure Rust.

use geo::{Geometry, MapCoordsInPlace};

use super::problem::Msg;

/// Why coordinates could not be brought to WGS 84.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReprojectError {
    /// The WKT does not convert into a PROJ definition.
    #[error("its definition does not read ({0})")]
    Definition(String),
    /// proj4rs does not accept the PROJ definition.
    #[error("the transformation cannot be set up ({0})")]
    Transformation(String),
    /// A point does not transform (outside the projection's domain).
    #[error("the point ({x}, {y}) does not transform")]
    Point {
        /// Its first coordinate, as in the file.
        x: f64,
        /// Its second coordinate.
        y: f64,
    },
}

impl ReprojectError {
    /// The error as a message in either language.
    pub fn msg(&self) -> Msg {
        match self {
            ReprojectError::Definition(e) => crate::msg!("its definition does not read ({})", e),
            ReprojectError::Transformation(e) => {
                crate::msg!("the transformation cannot be set up ({})", e)
            }
            ReprojectError::Point { x, y } => {
                crate::msg!("the point ({}, {}) does not transform", *x, *y)
            }
        }
    }
}

/// A transformation from a layer's coordinate system to WGS 84 longitude/latitude.
pub struct ToWgs84 {
    from: proj4rs::Proj,
    to: proj4rs::Proj,
    /// The source is longitude/latitude itself (in degrees, which proj4rs takes as radians).
    geographic: bool,
    /// What to tell the user (the system's name, and a datum caveat if there is one).
    pub note: Msg,
}

impl ToWgs84 {
    /// The transformation for a coordinate system given as WKT (1 or 2), or why there is none.
    pub fn from_wkt(wkt: &str) -> Result<ToWgs84, ReprojectError> {
        let proj = proj_string(wkt)?;
        let setup = |e: proj4rs::errors::Error| ReprojectError::Transformation(e.to_string());
        let from = proj4rs::Proj::from_proj_string(&proj).map_err(setup)?;
        let to = proj4rs::Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs")
            .map_err(setup)?;
        let name = wkt_name(wkt).unwrap_or("?");
        // Beijing 1954 and Xi'an 1980 differ from WGS 84 by up to ~100 m; a WKT without
        // TOWGS84 gives no shift to apply.
        let datum_unknown =
            !proj.contains("+towgs84") && !proj.contains("+datum=WGS84") && datum_of(wkt).is_none();
        let note = if datum_unknown {
            crate::msg!(
                "reprojected from {} to WGS 84; its datum shift is not given (no TOWGS84), so positions may be off by up to ~100 m",
                name
            )
        } else {
            crate::msg!("reprojected from {} to WGS 84", name)
        };
        Ok(ToWgs84 {
            geographic: proj.contains("+proj=longlat") || proj.contains("+proj=latlong"),
            from,
            to,
            note,
        })
    }

    /// Transforms a geometry in place; `Err` with the first point that does not transform.
    pub fn apply(&self, g: &mut Geometry<f64>) -> Result<(), ReprojectError> {
        // (geo's try_map_coords_in_place recurses without end on Geometry: the first failure
        // is kept aside instead.)
        let failed: std::cell::Cell<Option<(f64, f64)>> = std::cell::Cell::new(None);
        let failed = &failed;
        g.map_coords_in_place(|c| {
            let mut p = if self.geographic {
                (c.x.to_radians(), c.y.to_radians(), 0.0)
            } else {
                (c.x, c.y, 0.0)
            };
            match proj4rs::transform::transform(&self.from, &self.to, &mut p) {
                Ok(()) if p.0.is_finite() && p.1.is_finite() => geo::Coord {
                    x: p.0.to_degrees(),
                    y: p.1.to_degrees(),
                },
                _ => {
                    if failed.get().is_none() {
                        failed.set(Some((c.x, c.y)));
                    }
                    c
                }
            }
        });
        match failed.get() {
            None => Ok(()),
            Some((x, y)) => Err(ReprojectError::Point { x, y }),
        }
    }
}

/// The name a WKT gives its coordinate system (its first quoted string).
pub fn wkt_name(wkt: &str) -> Option<&str> {
    wkt.split('"').nth(1)
}

/// The datum a WKT names when it is WGS 84 or CGCS2000 (the same to well under a metre at
/// this scale), by the names ESRI, EPSG and GDAL give them.
pub fn datum_of(wkt: &str) -> Option<&'static str> {
    let upper = wkt.to_ascii_uppercase();
    if ["WGS_1984", "WGS 84", "WGS84"]
        .iter()
        .any(|n| upper.contains(n))
    {
        Some("WGS 84")
    } else if [
        "CGCS2000",
        "CHINA_GEODETIC_COORDINATE_SYSTEM_2000",
        "CHINA GEODETIC COORDINATE SYSTEM 2000",
    ]
    .iter()
    .any(|n| upper.contains(n))
    {
        Some("CGCS2000")
    } else {
        None
    }
}

/// Why a layer's coordinates cannot be used, and how to convert the file (`what`: the system
/// or the table and its system).
pub fn cannot_convert(what: Msg, why: Msg, path: &std::path::Path) -> Msg {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("gpkg");
    crate::msg!(
        "{}, which Park Atlas cannot convert ({}) — convert it to WGS 84 with `ogr2ogr -t_srs EPSG:4326 out.{} {}` or QGIS's Export → Save Features As…",
        what,
        why,
        ext,
        path.display()
    )
}

/// The first coordinate outside longitude/latitude ranges, if any.
pub fn outside_lon_lat(g: &geo::Geometry<f64>) -> Option<(f64, f64)> {
    use geo::CoordsIter;
    g.coords_iter()
        .find(|c| !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y))
        .map(|c| (c.x, c.y))
}

/// Web Mercator (EPSG:3857, what web maps use): a sphere, whatever the datum's ellipsoid says.
const WEB_MERCATOR: &str =
    "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs";

/// The PROJ string for a WKT: the one GDAL embeds (`EXTENSION["PROJ4", …]`) when there is one;
/// web Mercator by its names (its WKT1 reads as an ellipsoidal Mercator, 0.13° off at
/// Zhanjiang); else `proj4wkt`'s conversion.
fn proj_string(wkt: &str) -> Result<String, ReprojectError> {
    if let Some(rest) = wkt.split("EXTENSION[\"PROJ4\",\"").nth(1)
        && let Some(embedded) = rest.split('"').next()
    {
        // PROJ's grid switch-offs mean "no datum shift", which is proj4rs's default.
        let kept: Vec<&str> = embedded
            .split_whitespace()
            .filter(|p| !p.starts_with("+nadgrids") && *p != "+wktext")
            .collect();
        return Ok(kept.join(" "));
    }
    let upper = wkt.to_ascii_uppercase();
    if upper.contains("PSEUDO-MERCATOR")
        || upper.contains("PSEUDO_MERCATOR")
        || upper.contains("WEB_MERCATOR")
        || upper.contains("MERCATOR_AUXILIARY_SPHERE")
        || upper.contains("POPULAR VISUALISATION")
    {
        return Ok(WEB_MERCATOR.to_owned());
    }
    proj4wkt::wkt_to_projstring(wkt).map_err(|e| ReprojectError::Definition(e.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// GDAL's WKT1 of EPSG:3857 without its PROJ4 extension (as other writers give it).
    const PSEUDO_MERCATOR: &str = r#"PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1]]"#;

    #[test]
    fn web_mercator_is_a_sphere_whatever_its_wkt_says() {
        let t = ToWgs84::from_wkt(PSEUDO_MERCATOR).unwrap();
        // (110.3° E, 21.1° N) in EPSG:3857, by GDAL's gdaltransform.
        let mut g: Geometry<f64> =
            geo::Point::new(12_278_539.834_498_1, 2_403_806.521_646_83).into();
        t.apply(&mut g).unwrap();
        let geo::Geometry::Point(p) = g else { panic!() };
        assert!(
            (p.x() - 110.3).abs() < 1e-9 && (p.y() - 21.1).abs() < 1e-9,
            "{p:?}"
        );
        assert_eq!(
            t.note.text(false),
            "reprojected from WGS 84 / Pseudo-Mercator to WGS 84"
        );
        assert_eq!(
            t.note.text(true),
            "已从 WGS 84 / Pseudo-Mercator 重投影到 WGS 84"
        );
    }

    #[test]
    fn an_unknown_datum_is_said_to_be_off() {
        let beijing = r#"PROJCS["Beijing_1954_3_Degree_GK_CM_111E",GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",111.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        let t = ToWgs84::from_wkt(beijing).unwrap();
        assert!(t.note.text(false).contains("up to ~100 m"), "{:?}", t.note);
        assert!(matches!(
            ToWgs84::from_wkt("not a WKT"),
            Err(ReprojectError::Definition(_))
        ));
    }
}
