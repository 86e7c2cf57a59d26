//! TopoJSON (ECharts maps, the Ministry of Civil Affairs' boundaries, `topojson` tools):
//! every object's geometries as GeoJSON features — arcs decoded (quantized and delta-encoded
//! or not, reversed where an index is negative), holes kept, nested collections flattened,
//! null geometries kept as features without a location — then read as GeoJSON, so that the
//! same checks and coordinate-system step apply.
//!
//! Written here rather than taken from the `topojson` crate: its 0.5 panics on null
//! geometries and nested collections, and it pins an old `geojson`.

use serde_json::{Map, Value, json};

use crate::io::problem::Msg;

/// True when the text's top-level object says `"type": "Topology"` (cheaply: the first bytes
/// are looked at, then the value parsed by the caller).
pub fn looks_like_topojson(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    text.contains("\"Topology\"")
}

/// The arcs and the quantization of a topology.
struct Arcs {
    arcs: Vec<Vec<[f64; 2]>>,
    scale: [f64; 2],
    translate: [f64; 2],
    quantized: bool,
}

impl Arcs {
    fn position(&self, p: &Value) -> Result<[f64; 2], Msg> {
        let a = p
            .as_array()
            .ok_or_else(|| crate::msg!("a position is not an array"))?;
        let n = |i: usize| a.get(i).and_then(Value::as_f64);
        let (Some(x), Some(y)) = (n(0), n(1)) else {
            return Err(crate::msg!("a position needs two numbers"));
        };
        Ok(if self.quantized {
            [
                x * self.scale[0] + self.translate[0],
                y * self.scale[1] + self.translate[1],
            ]
        } else {
            [x, y]
        })
    }

    /// The points of arc `i` (reversed when `i` is negative, `!i` then being the arc).
    fn arc(&self, i: i64) -> Result<Vec<[f64; 2]>, Msg> {
        let k = if i < 0 { !i } else { i };
        let arc = usize::try_from(k)
            .ok()
            .and_then(|k| self.arcs.get(k))
            .ok_or_else(|| crate::msg!("arc {} does not exist", i))?;
        let mut pts = arc.clone();
        if i < 0 {
            pts.reverse();
        }
        Ok(pts)
    }

    /// A line or ring from arc indices: the arcs joined, each after the first without its
    /// first point (the last point of the one before).
    fn line(&self, indices: &Value) -> Result<Vec<[f64; 2]>, Msg> {
        let list = indices
            .as_array()
            .ok_or_else(|| crate::msg!("arc indices are not an array"))?;
        let mut out: Vec<[f64; 2]> = Vec::new();
        for (n, i) in list.iter().enumerate() {
            let i = i
                .as_i64()
                .ok_or_else(|| crate::msg!("an arc index is not a whole number"))?;
            let pts = self.arc(i)?;
            out.extend(pts.into_iter().skip(usize::from(n > 0)));
        }
        Ok(out)
    }
}

/// Decodes the raw arcs (delta-encoded when quantized).
fn decode_arcs(topology: &Map<String, Value>) -> Result<Arcs, Msg> {
    let transform = topology.get("transform").and_then(Value::as_object);
    let pair = |k: &str, default: f64| -> [f64; 2] {
        let v = transform.and_then(|t| t.get(k)).and_then(Value::as_array);
        let n = |i: usize| {
            v.and_then(|a| a.get(i))
                .and_then(Value::as_f64)
                .unwrap_or(default)
        };
        [n(0), n(1)]
    };
    let quantized = transform.is_some();
    let (scale, translate) = (pair("scale", 1.0), pair("translate", 0.0));
    let raw = topology
        .get("arcs")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut arcs = Vec::with_capacity(raw.len());
    for arc in raw {
        let points = arc
            .as_array()
            .ok_or_else(|| crate::msg!("an arc is not an array of positions"))?;
        let (mut x, mut y) = (0.0, 0.0);
        let mut out = Vec::with_capacity(points.len());
        for p in points {
            let a = p.as_array();
            let n = |i: usize| a.and_then(|a| a.get(i)).and_then(Value::as_f64);
            let (Some(px), Some(py)) = (n(0), n(1)) else {
                return Err(crate::msg!("a position needs two numbers"));
            };
            if quantized {
                x += px;
                y += py;
                out.push([x * scale[0] + translate[0], y * scale[1] + translate[1]]);
            } else {
                out.push([px, py]);
            }
        }
        arcs.push(out);
    }
    Ok(Arcs {
        arcs,
        scale,
        translate,
        quantized,
    })
}

/// A TopoJSON geometry as GeoJSON features (a collection gives one per member).
fn features(g: &Value, arcs: &Arcs, object: Option<&str>, out: &mut Vec<Value>) -> Result<(), Msg> {
    let Some(o) = g.as_object() else {
        return Err(crate::msg!("a geometry is not an object"));
    };
    let kind = o.get("type").and_then(Value::as_str);
    if kind == Some("GeometryCollection") {
        for member in o
            .get("geometries")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            features(member, arcs, object, out)?;
        }
        return Ok(());
    }
    let a = o.get("arcs").unwrap_or(&Value::Null);
    let each = |v: &Value| -> Vec<Value> { v.as_array().cloned().unwrap_or_default() };
    let lines = |v: &Value| -> Result<Vec<Vec<[f64; 2]>>, Msg> {
        each(v).iter().map(|l| arcs.line(l)).collect()
    };
    let geometry = match kind {
        Some("Point") => json!({"type": "Point",
            "coordinates": arcs.position(o.get("coordinates").unwrap_or(&Value::Null))?}),
        Some("MultiPoint") => json!({"type": "MultiPoint", "coordinates":
            each(o.get("coordinates").unwrap_or(&Value::Null)).iter()
                .map(|p| arcs.position(p)).collect::<Result<Vec<_>, _>>()?}),
        Some("LineString") => json!({"type": "LineString", "coordinates": arcs.line(a)?}),
        Some("MultiLineString") => json!({"type": "MultiLineString", "coordinates": lines(a)?}),
        Some("Polygon") => json!({"type": "Polygon", "coordinates": lines(a)?}),
        Some("MultiPolygon") => json!({"type": "MultiPolygon", "coordinates":
            each(a).iter().map(lines).collect::<Result<Vec<_>, _>>()?}),
        // A geometry without a type (or `null`): a feature without a location.
        None => Value::Null,
        Some(other) => {
            return Err(crate::msg!(
                "unknown TopoJSON geometry type {}",
                format!("{other:?}")
            ));
        }
    };
    let mut properties = o
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(name) = object {
        properties.insert("topojson_object".into(), Value::from(name));
    }
    let mut feature = Map::new();
    feature.insert("type".into(), Value::from("Feature"));
    if let Some(id) = o.get("id") {
        feature.insert("id".into(), id.clone());
    }
    feature.insert("properties".into(), Value::Object(properties));
    feature.insert("geometry".into(), geometry);
    out.push(Value::Object(feature));
    Ok(())
}

/// A topology as one GeoJSON FeatureCollection of every object's features (each with a
/// `topojson_object` property when there are several objects).
pub fn to_geojson(topology: &Value) -> Result<Value, Msg> {
    let t = topology
        .as_object()
        .filter(|t| t.get("type").and_then(Value::as_str) == Some("Topology"))
        .ok_or_else(|| crate::msg!("not a TopoJSON Topology"))?;
    let arcs = decode_arcs(t)?;
    let objects = t
        .get("objects")
        .and_then(Value::as_object)
        .ok_or_else(|| crate::msg!("a Topology needs \"objects\""))?;
    if objects.is_empty() {
        return Err(crate::msg!("the TopoJSON has no objects: nothing to read"));
    }
    let several = objects.len() > 1;
    let mut out = Vec::new();
    for (name, g) in objects {
        features(g, &arcs, several.then_some(name.as_str()), &mut out)?;
    }
    Ok(json!({"type": "FeatureCollection", "features": out}))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The example of the TopoJSON specification (quantized, delta-encoded arcs).
    const SPEC: &str = r#"{"type":"Topology","transform":{"scale":[0.0005000500050005,0.00010001000100010001],"translate":[100,0]},
      "objects":{"example":{"type":"GeometryCollection","geometries":[
        {"type":"Point","properties":{"prop0":"value0"},"coordinates":[4000,5000]},
        {"type":"LineString","properties":{"prop0":"value0","prop1":0},"arcs":[0]},
        {"type":"Polygon","properties":{"prop0":"value0","prop1":{"this":"that"}},"arcs":[[-2]]},
        {"type":null,"properties":{"name":"nowhere"}}]}},
      "arcs":[[[4000,0],[1999,9999],[2000,-9999],[2000,9999]],[[0,0],[0,9999],[2000,0],[0,-9999],[-2000,0]]]}"#;

    #[test]
    fn the_specifications_example_decodes_to_its_geojson() {
        let fc = to_geojson(&serde_json::from_str(SPEC).unwrap()).unwrap();
        let f = fc["features"].as_array().unwrap();
        assert_eq!(f.len(), 4);
        let close = |v: &Value, x: f64, y: f64| {
            let (a, b) = (v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
            assert!(
                (a - x).abs() < 1e-3 && (b - y).abs() < 1e-3,
                "{v} vs {x} {y}"
            );
        };
        close(&f[0]["geometry"]["coordinates"], 102.0, 0.5);
        let line = &f[1]["geometry"]["coordinates"];
        close(&line[0], 102.0, 0.0);
        close(&line[3], 105.0, 1.0);
        // The polygon's ring is arc 1 reversed: it starts where arc 1 ends.
        let ring = f[2]["geometry"]["coordinates"][0].as_array().unwrap();
        assert_eq!(ring.len(), 5);
        close(&ring[0], 100.0, 0.0);
        close(&ring[1], 101.0, 0.0);
        assert_eq!(f[3]["geometry"], Value::Null);
        assert_eq!(f[3]["properties"]["name"], "nowhere");
    }
}
