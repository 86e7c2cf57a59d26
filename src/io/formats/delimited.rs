//! Delimited text (CSV, TSV, `.txt`) opened as a layer of points: what enterprise and project
//! lists arrive as, with 经度/纬度 columns picked on AMap or Baidu. The text is decoded as
//! [`crate::io::text`] does (UTF-8, GBK from Chinese Excel, …); the delimiter is found from the
//! header line; the coordinate columns are found by name — lon / lng / longitude / x / 经度 /
//! 东经 and lat / latitude / y / 纬度 / 北纬, any case, with units or a system in the name
//! (`经度(°)`, `gcj_lng`, `bd_lat`) — or named by the user, or a WKT column is used. Degrees may
//! be decimals, carry `°` and a hemisphere, or be degrees-minutes-seconds (`110°21′36″E`).
//! Other columns become properties typed as numbers where every value is one. Rows without
//! usable coordinates are kept without a location and listed by row number.

use std::path::Path;

use geo::{Geometry, Point};
use serde_json::{Map, Value};

use crate::io::crs::WebCrs;
use crate::io::problem::{Msg, Problem, Severity};
use crate::io::progress::Progress;
use crate::model::GenericFeature;

/// What the user said about a file: its coordinate system, and a table's columns and sheet.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TableOptions {
    /// The longitude column's name, when the user chose it.
    pub lon: Option<String>,
    /// The latitude column's name.
    pub lat: Option<String>,
    /// The coordinate system the user declared (else the column names' or WGS-84).
    pub crs: Option<WebCrs>,
    /// The sheet of a workbook to read (else the first).
    pub sheet: Option<String>,
    /// For a PostGIS table: the box to read (west, south, east, north; the map's view).
    #[serde(skip)]
    pub bbox: Option<[f64; 4]>,
}

/// Delimited text: `.csv`, `.tsv`, `.txt`.
pub struct Delimited;

impl super::LayerFormat for Delimited {
    fn name(&self) -> &'static str {
        "delimited text (CSV/TSV/TXT)"
    }

    fn recognises(&self, path: &Path, _head: &[u8]) -> bool {
        super::has_extension(path, &["csv", "tsv", "txt"])
    }

    fn read(
        &self,
        path: &Path,
        label: &str,
        progress: &Progress,
        options: &super::ReadOptions,
    ) -> super::LayerRead {
        read_delimited(path, label, progress, options)
    }

    fn applies_declared_crs(&self) -> bool {
        true
    }
}

/// The coordinate columns of a header, and the system their names say (`gcj_lng`: GCJ-02).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Columns {
    /// Longitude and latitude columns (indices), and a system named in them.
    LonLat(usize, usize, Option<WebCrs>),
    /// A column of WKT geometries.
    Wkt(usize),
}

/// A column name without case, units, brackets and spacing, and the system it names if any:
/// `"GCJ_LNG"` → (`"lng"`, GCJ-02), `"经度(°)"` → (`"经度"`, none).
fn normalise(name: &str) -> (String, Option<WebCrs>) {
    let mut lower = name.trim().trim_start_matches('\u{feff}').to_lowercase();
    // The system may be named anywhere, brackets included: "gcj_lng", "经度(GCJ-02)",
    // "高德经度", "lngBD". Each marker is taken out once found.
    let mut crs = None;
    for (markers, c) in [
        (
            &["gcj-02", "gcj02", "gcj", "高德", "火星", "amap", "gaode"][..],
            WebCrs::Gcj02,
        ),
        (&["bd-09", "bd09", "百度", "baidu", "bd"][..], WebCrs::Bd09),
        (&["wgs-84", "wgs84", "wgs", "gps"][..], WebCrs::Wgs84),
    ] {
        for m in markers {
            if lower.contains(m) {
                let rest = lower.replacen(m, " ", 1);
                // Only a marker beside a coordinate word counts ("bd" in "abdomen" does not).
                let word = bare_words(&rest);
                if LON_NAMES.contains(&word.as_str()) || LAT_NAMES.contains(&word.as_str()) {
                    crs.get_or_insert(c);
                    lower = rest;
                    break;
                }
            }
        }
    }
    (bare_words(&lower), crs)
}

/// A lower-case name without brackets, units and separators, its words joined by one space.
fn bare_words(lower: &str) -> String {
    let mut bare = String::new();
    let mut depth = 0;
    for c in lower.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
            _ if depth > 0 => {}
            '°' | ' ' | '-' | '_' | '.' | ':' | '：' => bare.push(' '),
            c => bare.push(c),
        }
    }
    let words: Vec<&str> = bare
        .split_whitespace()
        .filter(|w| !["deg", "degree", "degrees", "度", "坐标"].contains(w))
        .collect();
    words.join(" ")
}

const LON_NAMES: [&str; 8] = [
    "lon",
    "lng",
    "long",
    "longitude",
    "x",
    "经度",
    "东经",
    "经度坐标",
];
const LAT_NAMES: [&str; 6] = ["lat", "latitude", "y", "纬度", "北纬", "纬度坐标"];
const WKT_NAMES: [&str; 4] = ["wkt", "geometry", "geom", "the geom"];

/// Finds the coordinate columns of a header (or the ones the user named).
pub fn find_columns(headers: &[String], options: &TableOptions) -> Result<Columns, Msg> {
    let by_name = |wanted: &str| headers.iter().position(|h| h.trim() == wanted.trim());
    if let (Some(lon), Some(lat)) = (&options.lon, &options.lat) {
        let find = |n: &String| {
            by_name(n).ok_or_else(|| crate::msg!("there is no column {}", format!("{n:?}")))
        };
        return Ok(Columns::LonLat(find(lon)?, find(lat)?, None));
    }
    let norm: Vec<(String, Option<WebCrs>)> = headers.iter().map(|h| normalise(h)).collect();
    let find = |names: &[&str]| norm.iter().position(|(n, _)| names.contains(&n.as_str()));
    match (find(&LON_NAMES), find(&LAT_NAMES)) {
        (Some(lon), Some(lat)) => {
            let crs = norm.get(lon).and_then(|n| n.1).or(norm.get(lat).and_then(|n| n.1));
            Ok(Columns::LonLat(lon, lat, crs))
        }
        _ => find(&WKT_NAMES).map(Columns::Wkt).ok_or_else(|| {
            crate::msg!(
                "no longitude and latitude columns (looked for lon/lng/longitude/x/经度 and lat/latitude/y/纬度) and no WKT column among: {}; name them with --lon and --lat",
                headers.join(", ")
            )
        }),
    }
}

/// Degrees from text: `110.36`, `110.36°`, `110.36E`, `E110.36`, `-21.2`, `21°12'N`,
/// `110°21′36″E`, `110度21分36秒`. `None` for anything else.
pub fn parse_degrees(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(v) = t.parse::<f64>() {
        return v.is_finite().then_some(v);
    }
    let mut sign = 1.0;
    let mut body = String::new();
    for c in t.chars() {
        match c {
            'W' | 'w' | 'S' | 's' | '西' | '南' => sign = -1.0,
            'E' | 'e' | 'N' | 'n' | '东' | '北' => {}
            '°' | '度' | '′' | '\'' | '分' | '″' | '"' | '秒' | ' ' | ':' => body.push(' '),
            '纬' | '经' => {}
            c => body.push(c),
        }
    }
    let parts: Vec<f64> = body
        .split_whitespace()
        .map(str::parse::<f64>)
        .collect::<Result<_, _>>()
        .ok()?;
    let (d, m, s) = match parts.as_slice() {
        [d] => (*d, 0.0, 0.0),
        [d, m] => (*d, *m, 0.0),
        [d, m, s] => (*d, *m, *s),
        _ => return None,
    };
    if !(0.0..60.0).contains(&m) || !(0.0..60.0).contains(&s) {
        return None;
    }
    let v = sign * (d.abs() + m / 60.0 + s / 3600.0) * if d < 0.0 { -1.0 } else { 1.0 };
    v.is_finite().then_some(v)
}

/// The delimiter of a header line: the most frequent of tab, comma, semicolon and bar
/// (outside quotes); comma when none occurs.
fn delimiter(first_line: &str) -> u8 {
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for c in first_line.chars() {
        match c {
            '"' => quoted = !quoted,
            '\t' if !quoted => counts[0] += 1,
            ',' if !quoted => counts[1] += 1,
            ';' if !quoted => counts[2] += 1,
            '|' if !quoted => counts[3] += 1,
            _ => {}
        }
    }
    let best = (0..4).max_by_key(|&i| (counts[i], i == 1)).unwrap_or(1);
    if counts[best] == 0 {
        b','
    } else {
        [b'\t', b',', b';', b'|'][best]
    }
}

/// A cell as a property value: a number when it reads as one, else text; empty is null.
fn cell_value(text: &str) -> Value {
    let t = text.trim();
    if t.is_empty() {
        return Value::Null;
    }
    if let Ok(i) = t.parse::<i64>() {
        // Codes with leading zeros (adcodes, postcodes) stay text.
        if !(t.starts_with('0') && t.len() > 1) {
            return Value::from(i);
        }
    } else if let Ok(f) = t.parse::<f64>()
        && f.is_finite()
        && !t.starts_with('.')
    {
        return Value::from(f);
    }
    Value::String(t.to_owned())
}

/// Reads a delimited text file as features (points, or the WKT column's geometries) and
/// warnings: how the text was decoded, which columns hold the coordinates and in what system,
/// the rows without usable coordinates. GCJ-02 or BD-09 named in the columns, or declared, is
/// converted to WGS-84 here.
pub fn read_delimited(
    path: &Path,
    label: &str,
    progress: &Progress,
    options: &TableOptions,
) -> super::LayerRead {
    delimited_rows(path, label, |table, rows| {
        table.into_features(rows, label, progress, options)
    })?
}

/// A table's rows, as (row number as a spreadsheet shows it, cells) or why a row does not read.
pub type Rows<'a> = &'a mut dyn Iterator<Item = Result<(usize, Vec<Value>), Msg>>;

/// Opens a delimited text file and hands its header (with the warnings found while decoding
/// it) and its rows, read one at a time, to `f`.
pub fn delimited_rows<R>(
    path: &Path,
    label: &str,
    f: impl FnOnce(Table, Rows<'_>) -> R,
) -> Result<R, Vec<Problem>> {
    let error = |msg: Msg| vec![Problem::file_level(Severity::Error, label, msg)];
    let warn = |msg: Msg| Problem::file_level(Severity::Warning, label, msg);
    let bytes = crate::io::formats::read_file(path, label)?;
    let decoded = crate::io::text::decode(&bytes).map_err(|e| error(e.msg()))?;
    let mut warnings = Vec::new();
    if let Some(enc) = decoded.converted_from {
        warnings.push(warn(crate::msg!(
            "the text is {}-encoded, not UTF-8; it was converted",
            enc
        )));
    }
    let text = decoded.text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(first))
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| error(crate::msg!("cannot read the header line: {}", e)))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    // Row numbers as a spreadsheet shows them: the header is row 1.
    let mut rows = reader.records().enumerate().map(|(n, r)| {
        let row = n + 2;
        r.map(|rec| (row, rec.iter().map(cell_value).collect()))
            .map_err(|e| crate::msg!("row {}: {}", row, e))
    });
    let table = Table {
        headers,
        warnings,
        rows: None,
    };
    Ok(f(table, &mut rows))
}

/// A table's header and what reading it so far found; its rows come as (row number, cells).
pub struct Table {
    /// Column names.
    pub headers: Vec<String>,
    /// Warnings found before the rows (encoding, sheet).
    pub warnings: Vec<Problem>,
    /// How many rows follow, when known (a workbook's sheet).
    pub rows: Option<usize>,
}

/// A cell's text for coordinates: numbers as they are, text as written.
fn cell_degrees(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_degrees(s),
        _ => None,
    }
}

impl Table {
    /// The rows as features: coordinates from the columns found, other cells as properties,
    /// a `row` property with the row's number; rows without usable coordinates kept without
    /// a location and listed; the declared system or the one the columns name undone.
    pub(crate) fn into_features(
        self,
        rows: impl Iterator<Item = Result<(usize, Vec<Value>), Msg>>,
        label: &str,
        progress: &Progress,
        options: &TableOptions,
    ) -> super::LayerRead {
        let error = |msg: Msg| vec![Problem::file_level(Severity::Error, label, msg)];
        let warn = |msg: Msg| Problem::file_level(Severity::Warning, label, msg);
        let Table {
            headers,
            mut warnings,
            rows: count,
        } = self;
        if let Some(n) = count {
            progress.set_total(n);
        }
        if headers.iter().all(|h| h.trim().is_empty()) {
            return Err(error(crate::msg!("the file has no header line")));
        }
        let columns = find_columns(&headers, options).map_err(error)?;
        let name = |i: usize| format!("{:?}", headers.get(i).map_or("", |s| s.as_str()));
        let (named_crs, column_note) = match &columns {
            Columns::LonLat(lon, lat, crs) => (
                *crs,
                crate::msg!(
                    "coordinates from the columns {} (longitude) and {} (latitude)",
                    name(*lon),
                    name(*lat)
                ),
            ),
            Columns::Wkt(c) => (
                None,
                crate::msg!("geometries from the WKT column {}", name(*c)),
            ),
        };
        warnings.push(warn(column_note));
        let geometry_columns: Vec<usize> = match columns {
            Columns::LonLat(a, b, _) => vec![a, b],
            Columns::Wkt(c) => vec![c],
        };
        let mut features = Vec::new();
        let mut unusable: Vec<usize> = Vec::new();
        for r in rows {
            if progress.is_cancelled() {
                return Err(error(crate::msg!("cancelled")));
            }
            let (row, cells) = r.map_err(error)?;
            let geometry = match columns {
                Columns::LonLat(lon, lat, _) => {
                    let lon = cells.get(lon).and_then(cell_degrees);
                    let lat = cells.get(lat).and_then(cell_degrees);
                    match (lon, lat) {
                        (Some(x), Some(y))
                            if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) =>
                        {
                            Some(Geometry::Point(Point::new(x, y)))
                        }
                        _ => None,
                    }
                }
                Columns::Wkt(c) => cells
                    .get(c)
                    .and_then(Value::as_str)
                    .and_then(|t| t.trim().parse::<wkt::Wkt<f64>>().ok())
                    .and_then(|w| Geometry::try_from(w).ok()),
            };
            if geometry.is_none() {
                unusable.push(row);
            }
            let mut properties = Map::new();
            for (k, h) in headers.iter().enumerate() {
                if !geometry_columns.contains(&k) {
                    properties.insert(h.clone(), cells.get(k).cloned().unwrap_or(Value::Null));
                }
            }
            properties.insert("row".into(), Value::from(row));
            features.push(GenericFeature {
                id: None,
                properties,
                geometry,
            });
            progress.step();
        }
        if !unusable.is_empty() {
            let shown: Vec<String> = unusable.iter().take(20).map(usize::to_string).collect();
            let more = if unusable.len() > 20 {
                crate::msg!(" and {} more", unusable.len() - 20)
            } else {
                crate::msg!("")
            };
            warnings.push(warn(crate::msg!(
                "{} row(s) have no usable coordinates and are kept without a location (not on the map): rows {}{}",
                unusable.len(),
                shown.join(", "),
                more
            )));
        }
        let mut features = crate::model::Features::from(features);
        match (options.crs, named_crs) {
            (Some(crs), _) if crs != WebCrs::Wgs84 => {
                crate::io::crs::convert_features(&mut features, crs);
                warnings.push(warn(crate::msg!(
                    "coordinates declared as {} — converted to WGS-84",
                    crs.name()
                )));
            }
            (None, Some(crs)) if crs != WebCrs::Wgs84 => {
                crate::io::crs::convert_features(&mut features, crs);
                warnings.push(warn(crate::msg!(
                    "coordinates in {}, found from: the column names — converted to WGS-84",
                    crs.name()
                )));
            }
            _ => {}
        }
        Ok((features, warnings))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn degrees_are_read_as_people_write_them() {
        assert_eq!(parse_degrees("110.36"), Some(110.36));
        assert_eq!(parse_degrees(" 110.36° "), Some(110.36));
        assert_eq!(parse_degrees("21.2N"), Some(21.2));
        assert_eq!(parse_degrees("E110.5"), Some(110.5));
        assert_eq!(parse_degrees("33.5S"), Some(-33.5));
        let v = parse_degrees("110°21′36″E").unwrap();
        assert!((v - 110.36).abs() < 1e-12, "{v}");
        let v = parse_degrees("21°12'N").unwrap();
        assert!((v - 21.2).abs() < 1e-12, "{v}");
        let v = parse_degrees("110度21分36秒").unwrap();
        assert!((v - 110.36).abs() < 1e-12, "{v}");
        assert_eq!(parse_degrees("东经110.5"), Some(110.5));
        assert_eq!(parse_degrees(""), None);
        assert_eq!(parse_degrees("n/a"), None);
        assert_eq!(parse_degrees("110°75′"), None);
    }

    #[test]
    fn coordinate_columns_are_found_by_their_names() {
        let h = |names: &[&str]| -> Vec<String> { names.iter().map(|s| (*s).to_owned()).collect() };
        let none = TableOptions::default();
        assert_eq!(
            find_columns(&h(&["企业名称", "经度", "纬度"]), &none),
            Ok(Columns::LonLat(1, 2, None))
        );
        assert_eq!(
            find_columns(&h(&["name", "Longitude (deg)", "LATITUDE"]), &none),
            Ok(Columns::LonLat(1, 2, None))
        );
        assert_eq!(
            find_columns(&h(&["名称", "经度(°)", "纬度（度）"]), &none),
            Ok(Columns::LonLat(1, 2, None))
        );
        assert_eq!(
            find_columns(&h(&["id", "gcj_lng", "gcj_lat"]), &none),
            Ok(Columns::LonLat(1, 2, Some(WebCrs::Gcj02)))
        );
        assert_eq!(
            find_columns(&h(&["id", "bd_lng", "bd_lat"]), &none),
            Ok(Columns::LonLat(1, 2, Some(WebCrs::Bd09)))
        );
        assert_eq!(
            find_columns(&h(&["id", "lngGCJ", "latGCJ"]), &none),
            Ok(Columns::LonLat(1, 2, Some(WebCrs::Gcj02)))
        );
        assert_eq!(
            find_columns(&h(&["企业", "高德经度", "高德纬度"]), &none),
            Ok(Columns::LonLat(1, 2, Some(WebCrs::Gcj02)))
        );
        assert_eq!(
            find_columns(&h(&["企业", "经度(GCJ-02)", "纬度(GCJ-02)"]), &none),
            Ok(Columns::LonLat(1, 2, Some(WebCrs::Gcj02)))
        );
        assert_eq!(
            find_columns(&h(&["企业", "百度经度", "百度纬度"]), &none),
            Ok(Columns::LonLat(1, 2, Some(WebCrs::Bd09)))
        );
        assert_eq!(
            find_columns(&h(&["经度坐标", "纬度坐标"]), &none),
            Ok(Columns::LonLat(0, 1, None))
        );
        assert_eq!(find_columns(&h(&["id", "WKT"]), &none), Ok(Columns::Wkt(1)));
        assert!(find_columns(&h(&["id", "地址"]), &none).is_err());
        let chosen = TableOptions {
            lon: Some("E".into()),
            lat: Some("N".into()),
            ..Default::default()
        };
        assert_eq!(
            find_columns(&h(&["N", "E"]), &chosen),
            Ok(Columns::LonLat(1, 0, None))
        );
    }

    #[test]
    fn the_delimiter_is_the_header_lines_most_frequent() {
        assert_eq!(delimiter("a,b,c"), b',');
        assert_eq!(delimiter("a\tb\tc"), b'\t');
        assert_eq!(delimiter("a;b;\"x,y\""), b';');
        assert_eq!(delimiter("single"), b',');
    }
}
