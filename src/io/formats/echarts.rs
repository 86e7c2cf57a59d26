//! ECharts' compressed maps: the `.json` map files ECharts 4 shipped and many Chinese web
//! dashboards still serve (`"UTF8Encoding": true`). They look like GeoJSON, but each ring is a
//! string — the coordinates quantized (1/1024 degree unless `UTF8Scale` says otherwise),
//! delta- and zigzag-encoded, one UTF-16 code unit per number, starting from the ring's
//! `encodeOffsets`. Decoded here as ECharts' own `parseGeoJson` does, into plain GeoJSON, so
//! that the same checks and coordinate-system step apply. ECharts' maps of China are in
//! GCJ-02: declare it when opening one (it is not detected: a city outline has no county code
//! to compare with).

use serde_json::{Map, Value, json};

use crate::io::problem::Msg;

/// True when the text says `"UTF8Encoding": true` near its start or its end (ECharts writes
/// the flag last), cheaply: the value is parsed by the caller.
pub fn looks_like_echarts(bytes: &[u8]) -> bool {
    let near = |b: &[u8]| {
        let text = String::from_utf8_lossy(b);
        text.contains("\"UTF8Encoding\"")
    };
    near(&bytes[..bytes.len().min(4096)]) || near(&bytes[bytes.len().saturating_sub(256)..])
}

/// Whether a parsed value is a compressed ECharts map.
pub fn is_echarts(value: &Value) -> bool {
    value.get("UTF8Encoding").and_then(Value::as_bool) == Some(true)
}

/// One encoded ring or line: its text and its starting offsets, decoded to positions.
fn ring(text: &Value, offsets: &Value, scale: f64) -> Result<Value, Msg> {
    let text = text
        .as_str()
        .ok_or_else(|| crate::msg!("ECharts map: a ring is not an encoded string"))?;
    let start = |i: usize| {
        offsets
            .get(i)
            .and_then(Value::as_i64)
            .ok_or_else(|| crate::msg!("ECharts map: a ring has no encodeOffsets"))
    };
    let (mut x, mut y) = (start(0)?, start(1)?);
    let units: Vec<u16> = text.encode_utf16().collect();
    if !units.len().is_multiple_of(2) {
        return Err(crate::msg!(
            "ECharts map: a ring's text has an odd length ({})",
            units.len()
        ));
    }
    let zigzag = |u: u16| {
        let n = i64::from(u) - 64;
        (n >> 1) ^ -(n & 1)
    };
    let positions = units
        .chunks_exact(2)
        .map(|pair| {
            x += zigzag(pair[0]);
            y += zigzag(pair[1]);
            json!([x as f64 / scale, y as f64 / scale])
        })
        .collect();
    Ok(Value::Array(positions))
}

/// `coordinates` and `encodeOffsets` nested `depth` arrays deep above the encoded strings.
fn decode(coordinates: &Value, offsets: &Value, depth: usize, scale: f64) -> Result<Value, Msg> {
    if depth == 0 {
        return ring(coordinates, offsets, scale);
    }
    let (Some(items), Some(offsets)) = (coordinates.as_array(), offsets.as_array()) else {
        return Err(crate::msg!(
            "ECharts map: coordinates and encodeOffsets do not match"
        ));
    };
    if items.len() != offsets.len() {
        return Err(crate::msg!(
            "ECharts map: coordinates and encodeOffsets do not match"
        ));
    }
    items
        .iter()
        .zip(offsets)
        .map(|(c, o)| decode(c, o, depth - 1, scale))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// Leaves out a polygon's rings of fewer than 4 positions (ECharts' maps have a few: two
/// points and back, no area, nothing drawn), counting them; false when its outer ring goes,
/// and with it the polygon.
fn keep_polygon(polygon: &mut Value, dropped: &mut usize) -> bool {
    let Some(rings) = polygon.as_array_mut() else {
        return false;
    };
    let short = |r: &Value| r.as_array().is_none_or(|r| r.len() < 4);
    if rings.first().is_none_or(short) {
        *dropped += rings.len();
        return false;
    }
    let before = rings.len();
    rings.retain(|r| !short(r));
    *dropped += before - rings.len();
    true
}

/// A compressed ECharts map as a plain GeoJSON FeatureCollection (its other members kept),
/// and how many degenerate rings (under 4 positions) were left out.
pub fn to_geojson(map: &Value) -> Result<(Value, usize), Msg> {
    let scale = map
        .get("UTF8Scale")
        .and_then(Value::as_f64)
        .unwrap_or(1024.0);
    if scale.is_nan() || scale <= 0.0 {
        return Err(crate::msg!(
            "ECharts map: UTF8Scale is not a positive number"
        ));
    }
    let features = map
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| crate::msg!("ECharts map: no features"))?;
    let mut out = Vec::with_capacity(features.len());
    let mut dropped = 0;
    for feature in features {
        let mut feature = feature.clone();
        if let Some(g) = feature.get_mut("geometry").and_then(Value::as_object_mut) {
            let depth = match g.get("type").and_then(Value::as_str) {
                Some("LineString") => Some(0),
                Some("Polygon" | "MultiLineString") => Some(1),
                Some("MultiPolygon") => Some(2),
                _ => None,
            };
            if let (Some(depth), Some(offsets)) = (depth, g.remove("encodeOffsets")) {
                let coordinates = g.get("coordinates").unwrap_or(&Value::Null);
                let mut decoded = decode(coordinates, &offsets, depth, scale)?;
                match g.get("type").and_then(Value::as_str) {
                    Some("Polygon") if !keep_polygon(&mut decoded, &mut dropped) => {
                        decoded = json!([]);
                    }
                    Some("MultiPolygon") => {
                        if let Some(polygons) = decoded.as_array_mut() {
                            polygons.retain_mut(|p| keep_polygon(p, &mut dropped));
                        }
                    }
                    _ => {}
                }
                let empty = decoded.as_array().is_some_and(Vec::is_empty);
                g.insert("coordinates".to_owned(), decoded);
                if empty {
                    feature["geometry"] = Value::Null;
                }
            }
        }
        out.push(feature);
    }
    let mut fc: Map<String, Value> = map.as_object().cloned().unwrap_or_default();
    fc.remove("UTF8Encoding");
    fc.remove("UTF8Scale");
    fc.insert("type".to_owned(), json!("FeatureCollection"));
    fc.insert("features".to_owned(), Value::Array(out));
    Ok((Value::Object(fc), dropped))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes as ECharts' map tool did (zigzag, delta, +64), to check the decoder against.
    fn encode(ring: &[[f64; 2]], scale: f64) -> (String, [i64; 2]) {
        let q: Vec<[i64; 2]> = ring
            .iter()
            .map(|p| [(p[0] * scale).round() as i64, (p[1] * scale).round() as i64])
            .collect();
        let mut prev = q[0];
        let mut units = Vec::new();
        for p in &q {
            for k in 0..2 {
                let d = p[k] - prev[k];
                units.push(((d << 1) ^ (d >> 63)) as u16 + 64);
            }
            prev = *p;
        }
        (String::from_utf16(&units).unwrap(), q[0])
    }

    #[test]
    fn a_ring_decodes_to_its_positions_within_the_quantization() {
        let ring = [
            [110.35, 21.27],
            [110.9, 21.27],
            [110.9, 20.6],
            [110.35, 21.27],
        ];
        let (text, offsets) = encode(&ring, 1024.0);
        let map = json!({"type": "FeatureCollection", "UTF8Encoding": true, "features": [
            {"type": "Feature", "id": "440800", "properties": {"name": "湛江市"},
             "geometry": {"type": "MultiPolygon", "coordinates": [[text]],
                          "encodeOffsets": [[offsets]]}},
            {"type": "Feature", "properties": {}, "geometry": null}
        ]});
        assert!(is_echarts(&map));
        assert!(looks_like_echarts(map.to_string().as_bytes()));
        let (fc, dropped) = to_geojson(&map).unwrap();
        assert_eq!(dropped, 0);
        let got = &fc["features"][0]["geometry"]["coordinates"][0][0];
        for (p, q) in ring.iter().zip(got.as_array().unwrap()) {
            assert!((p[0] - q[0].as_f64().unwrap()).abs() <= 0.5 / 1024.0, "{q}");
            assert!((p[1] - q[1].as_f64().unwrap()).abs() <= 0.5 / 1024.0, "{q}");
        }
        assert!(fc["features"][0]["geometry"].get("encodeOffsets").is_none());
        assert!(fc.get("UTF8Encoding").is_none());
        assert!(fc["features"][1]["geometry"].is_null());
        // A degenerate ring (there and back) is left out and counted; a polygon whose outer
        // ring it is goes with it, and a feature left with nothing has no geometry.
        let (back, there) = encode(&[[110.35, 21.27], [110.36, 21.27], [110.35, 21.27]], 1024.0);
        let mut degenerate = map.clone();
        degenerate["features"][0]["geometry"]["coordinates"][0]
            .as_array_mut()
            .unwrap()
            .push(json!(back));
        degenerate["features"][0]["geometry"]["encodeOffsets"][0]
            .as_array_mut()
            .unwrap()
            .push(json!(there));
        let (fc, dropped) = to_geojson(&degenerate).unwrap();
        assert_eq!(dropped, 1);
        assert_eq!(
            fc["features"][0]["geometry"]["coordinates"][0]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        degenerate["features"][0]["geometry"]["coordinates"] = json!([[back]]);
        degenerate["features"][0]["geometry"]["encodeOffsets"] = json!([[there]]);
        let (fc, dropped) = to_geojson(&degenerate).unwrap();
        assert_eq!(dropped, 1);
        assert!(fc["features"][0]["geometry"].is_null());
        // A ring cut short is refused, not read wrong.
        let mut bad = map.clone();
        bad["features"][0]["geometry"]["coordinates"][0][0] = json!("ABC");
        assert!(to_geojson(&bad).is_err());
    }
}
