//! KML and KMZ (Google Earth, 奥维互动地图 / Ovital exports) opened as a layer: every
//! Placemark with its geometry (points, lines, polygons with holes, MultiGeometry), its name,
//! description and ExtendedData as properties, and the folders it sits in as a `folder`
//! property. A KMZ is read from its zip in memory. KML is WGS-84 by its specification; a file
//! exported from a Chinese map in GCJ-02 can be declared so (`--crs`, the Open dialog).

use std::path::Path;

use kml::types::{Element, Geometry as KmlGeometry, Placemark};
use kml::{Kml, KmlReader};
use serde_json::{Map, Value};

use crate::io::problem::{Msg, Problem, Severity};
use crate::io::progress::Progress;
use crate::model::GenericFeature;

/// KML and KMZ (Google Earth, 奥维互动地图).
pub struct KmlFormat;

impl super::LayerFormat for KmlFormat {
    fn name(&self) -> &'static str {
        "KML/KMZ"
    }

    fn recognises(&self, path: &Path, _head: &[u8]) -> bool {
        super::has_extension(path, &["kml", "kmz"])
    }

    fn read(
        &self,
        path: &Path,
        label: &str,
        progress: &Progress,
        _options: &super::ReadOptions,
    ) -> super::LayerRead {
        read_kml(path, label, progress)
    }
}

/// The KML text of a file: the file itself, or the main `.kml` of a KMZ (`doc.kml`, else the
/// first `.kml` in it).
fn kml_text(bytes: &[u8]) -> Result<String, Msg> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return crate::io::text::decode(bytes)
            .map(|d| d.text.into_owned())
            .map_err(|e| e.msg());
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| crate::msg!("cannot read the KMZ archive: {}", e))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let main = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| {
            names
                .iter()
                .find(|n| n.to_ascii_lowercase().ends_with(".kml"))
        })
        .ok_or_else(|| crate::msg!("the KMZ archive holds no .kml file"))?;
    let mut entry = zip
        .by_name(main)
        .map_err(|e| crate::msg!("cannot read the KMZ archive: {}", e))?;
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut raw)
        .map_err(|e| crate::msg!("cannot read the KMZ archive: {}", e))?;
    crate::io::text::decode(&raw)
        .map(|d| d.text.into_owned())
        .map_err(|e| e.msg())
}

/// What walking the document collects.
#[derive(Default)]
struct Walk {
    features: Vec<GenericFeature>,
    /// Placemarks whose geometry cannot be drawn (a 3-D Model).
    models: usize,
}

impl Walk {
    fn element(&mut self, k: Kml<f64>, folders: &[String]) {
        match k {
            Kml::KmlDocument(d) => d
                .elements
                .into_iter()
                .for_each(|e| self.element(e, folders)),
            Kml::Document { elements, .. } => {
                elements.into_iter().for_each(|e| self.element(e, folders));
            }
            Kml::Folder(f) => {
                let mut path = folders.to_vec();
                path.extend(f.name.clone());
                f.elements.into_iter().for_each(|e| self.element(e, &path));
            }
            Kml::Placemark(p) => self.placemark(p, folders),
            // A bare geometry (a file of one Point): a feature without properties.
            Kml::Point(_)
            | Kml::LineString(_)
            | Kml::LinearRing(_)
            | Kml::Polygon(_)
            | Kml::MultiGeometry(_) => {
                let geometry = Vec::<geo::Geometry<f64>>::try_from(k)
                    .ok()
                    .and_then(|mut g| (g.len() == 1).then(|| g.remove(0)));
                self.features.push(GenericFeature {
                    id: None,
                    properties: Map::new(),
                    geometry,
                });
            }
            _ => {}
        }
    }

    fn placemark(&mut self, p: Placemark<f64>, folders: &[String]) {
        let mut properties = Map::new();
        if let Some(n) = p.name {
            properties.insert("name".into(), Value::from(n.trim()));
        }
        if let Some(d) = p.description {
            properties.insert("description".into(), Value::from(d.trim()));
        }
        if !folders.is_empty() {
            properties.insert("folder".into(), Value::from(folders.join(" / ")));
        }
        for child in &p.children {
            extended_data(child, &mut properties);
        }
        if let Some(id) = p.attrs.get("id") {
            properties.insert("kml_id".into(), Value::from(id.as_str()));
        }
        let geometry = match p.geometry {
            Some(KmlGeometry::Element(_)) => {
                self.models += 1;
                None
            }
            Some(g) => geo::Geometry::try_from(g).ok().map(homogeneous),
            None => None,
        };
        self.features.push(GenericFeature {
            id: None,
            properties,
            geometry,
        });
    }
}

/// A MultiGeometry of points only, lines only or polygons only as the matching multi-geometry
/// (what the map draws and GeoJSON tools expect); a mixed one stays a collection.
fn homogeneous(g: geo::Geometry<f64>) -> geo::Geometry<f64> {
    use geo::Geometry as G;
    let G::GeometryCollection(c) = g else {
        return g;
    };
    let parts: Vec<G<f64>> = c.0.into_iter().map(homogeneous).collect();
    if parts.iter().all(|p| matches!(p, G::Point(_))) {
        G::MultiPoint(
            parts
                .into_iter()
                .filter_map(|p| geo::Point::try_from(p).ok())
                .collect(),
        )
    } else if parts.iter().all(|p| matches!(p, G::LineString(_))) {
        G::MultiLineString(geo::MultiLineString(
            parts
                .into_iter()
                .filter_map(|p| geo::LineString::try_from(p).ok())
                .collect(),
        ))
    } else if parts.iter().all(|p| matches!(p, G::Polygon(_))) {
        G::MultiPolygon(geo::MultiPolygon(
            parts
                .into_iter()
                .filter_map(|p| geo::Polygon::try_from(p).ok())
                .collect(),
        ))
    } else {
        G::GeometryCollection(geo::GeometryCollection(parts))
    }
}

/// `<ExtendedData>`: `<Data name><value>` (Google Earth) and `<SchemaData><SimpleData name>`
/// (GDAL, ArcGIS) as properties.
fn extended_data(e: &Element, out: &mut Map<String, Value>) {
    let local = |n: &str| n.rsplit(':').next().unwrap_or(n).to_owned();
    match local(&e.name).as_str() {
        "ExtendedData" | "SchemaData" => e.children.iter().for_each(|c| extended_data(c, out)),
        "Data" => {
            if let Some(name) = e.attrs.get("name") {
                let value = e
                    .children
                    .iter()
                    .find(|c| local(&c.name) == "value")
                    .and_then(|c| c.content.clone())
                    .or_else(|| e.content.clone())
                    .unwrap_or_default();
                out.insert(name.clone(), typed(&value));
            }
        }
        "SimpleData" => {
            if let Some(name) = e.attrs.get("name") {
                out.insert(name.clone(), typed(e.content.as_deref().unwrap_or("")));
            }
        }
        _ => {}
    }
}

/// Text as a property value: numbers as numbers (not codes with a leading zero), else text.
fn typed(t: &str) -> Value {
    let t = t.trim();
    if t.is_empty() {
        Value::Null
    } else if let Ok(i) = t.parse::<i64>()
        && !(t.starts_with('0') && t.len() > 1)
    {
        Value::from(i)
    } else if let Ok(f) = t.parse::<f64>()
        && f.is_finite()
        && (!t.starts_with('0') || t.starts_with("0."))
    {
        Value::from(f)
    } else {
        Value::from(t)
    }
}

/// Reads a KML or KMZ file as features and warnings.
/// (A declared coordinate system is applied by [`crate::io::formats::read_layer_file_as`].)
pub fn read_kml(path: &Path, label: &str, progress: &Progress) -> super::LayerRead {
    let error = |msg: Msg| vec![Problem::file_level(Severity::Error, label, msg)];
    let bytes = crate::io::formats::read_file(path, label)?;
    let text = kml_text(&bytes).map_err(error)?;
    let root: Kml<f64> = KmlReader::<_, f64>::from_string(&text)
        .read()
        .map_err(|e| error(crate::msg!("not valid KML: {}", e)))?;
    let mut walk = Walk::default();
    walk.element(root, &[]);
    progress.set_total(walk.features.len());
    let mut warnings = Vec::new();
    if walk.models > 0 {
        warnings.push(Problem::file_level(
            Severity::Warning,
            label,
            crate::msg!(
                "{} placemark(s) are 3-D models, which a map cannot draw: kept without a location",
                walk.models
            ),
        ));
    }
    Ok((walk.features.into(), warnings))
}
