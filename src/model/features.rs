//! The features of opened layers, kept compact: a million parcels must fit in a few hundred
//! megabytes, where a `geo::Geometry` and a JSON map per feature took two gigabytes.
//!
//! The coordinates of a block of features sit in one flat buffer; each feature's geometry is a short
//! run of tokens (its type and counts, in the order WKB would write them) pointing into it, so
//! every geometry type — holes, multi-parts, collections (nested too), empty ones — comes back
//! exactly as it went in. The `id` and properties of a feature are kept as one compact JSON
//! text, parsed again when a feature is shown, tabled or exported.
//!
//! The blocks (chunks of 16,384 features) sit behind `Arc`s: a copy of the layers (for a
//! worker thread, or for the atlas a team-store reload builds) and joining two stores cost
//! nothing until a block is changed.

use std::ops::Range;
use std::sync::Arc;

use geo::{
    Coord, Geometry, GeometryCollection, Line, LineString, MultiLineString, MultiPoint,
    MultiPolygon, Point, Polygon, Rect, Triangle,
};
use serde_json::Value;

use super::{Extra, GenericFeature};

// The geometry tokens. Points, lines, polygons, multis and collections carry WKB's codes, so
// a WKB reader (`io::formats::wkb`) writes them as it walks the bytes.
pub(crate) const POINT: u32 = 1;
pub(crate) const LINE_STRING: u32 = 2;
pub(crate) const POLYGON: u32 = 3;
pub(crate) const MULTI_POINT: u32 = 4;
pub(crate) const MULTI_LINE_STRING: u32 = 5;
pub(crate) const MULTI_POLYGON: u32 = 6;
pub(crate) const COLLECTION: u32 = 7;
const LINE: u32 = 8;
const RECT: u32 = 9;
const TRIANGLE: u32 = 10;

/// A block of consecutive features: its own coordinates, tokens and text.
#[derive(Debug, Clone, Default)]
struct Chunk {
    /// Every coordinate, feature after feature.
    coords: Vec<[f64; 2]>,
    /// Geometry tokens: a type, then its counts (see `encode`).
    tokens: Vec<u32>,
    /// `id` and properties as JSON text (UTF-8), `[id,{…}]`, feature after feature.
    text: Vec<u8>,
    /// Per feature, where its coordinates, tokens and text end (the previous one's end is where
    /// they start).
    ends: Vec<End>,
}

/// One feature as stored: its coordinates, geometry tokens and text.
type Raw<'a> = (&'a [[f64; 2]], &'a [u32], &'a [u8]);

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct End {
    coords: usize,
    tokens: usize,
    text: usize,
}

/// Features per chunk: big enough that the chunk list stays short, small enough that growing
/// one never copies much (a million parcels are 62 chunks of about 4 MB).
const CHUNK: usize = 16_384;

impl Chunk {
    fn start(&self, i: usize) -> End {
        if i == 0 {
            End::default()
        } else {
            self.ends.get(i - 1).copied().unwrap_or_default()
        }
    }

    /// Feature `i`'s coordinates, tokens and text.
    fn raw(&self, i: usize) -> Option<Raw<'_>> {
        let end = *self.ends.get(i)?;
        let start = self.start(i);
        Some((
            self.coords.get(start.coords..end.coords)?,
            self.tokens.get(start.tokens..end.tokens)?,
            self.text.get(start.text..end.text)?,
        ))
    }

    fn close_feature(&mut self) {
        self.ends.push(End {
            coords: self.coords.len(),
            tokens: self.tokens.len(),
            text: self.text.len(),
        });
    }

    fn push(&mut self, f: &GenericFeature) {
        if let Some(g) = &f.geometry {
            encode(g, &mut self.tokens, &mut self.coords);
        }
        // A JSON value always serialises.
        let _ = serde_json::to_writer(&mut self.text, &(&f.id, &f.properties));
        self.close_feature();
    }

    /// Ends a feature whose geometry is written: its `id` and properties, JSON text already.
    fn close_raw(&mut self, id: Option<&str>, properties: &str) {
        self.text.push(b'[');
        self.text.extend_from_slice(id.unwrap_or("null").as_bytes());
        self.text.push(b',');
        self.text.extend_from_slice(properties.as_bytes());
        self.text.push(b']');
        self.close_feature();
    }

    /// Copies features `range` of another chunk to the end of this one.
    fn copy_from(&mut self, other: &Chunk, range: Range<usize>) {
        for i in range {
            if let Some((c, t, x)) = other.raw(i) {
                self.coords.extend_from_slice(c);
                self.tokens.extend_from_slice(t);
                self.text.extend_from_slice(x);
                self.close_feature();
            }
        }
    }

    fn shrink_to_fit(&mut self) {
        self.coords.shrink_to_fit();
        self.tokens.shrink_to_fit();
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// The features of the opened layers, in one compact store (see the module's notes): a list
/// of shared chunks, so that joining two stores (the halves a file is read in, a layer added)
/// moves no feature and a copy shares them all.
#[derive(Debug, Clone, Default)]
pub struct Features {
    chunks: Vec<Arc<Chunk>>,
    /// Index of each chunk's first feature.
    starts: Vec<usize>,
    len: usize,
}

impl PartialEq for Features {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && (0..self.len).all(|i| self.raw(i) == other.raw(i))
    }
}

/// One feature's geometry as it sits in the store: read it without building a
/// `geo::Geometry` (drawing and indexing walk the rings this way).
#[derive(Debug, Clone, Copy)]
pub struct FlatGeometry<'a> {
    coords: &'a [[f64; 2]],
    tokens: &'a [u32],
}

/// A piece of a flat geometry, in order: what drawing needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Part<'a> {
    /// A point.
    Point([f64; 2]),
    /// An open line.
    Line(&'a [[f64; 2]]),
    /// A polygon: its rings, exterior first, each closed as stored.
    Polygon(PolygonRings<'a>),
    /// A rectangle or triangle (never read from a file), as the polygon it is.
    Shape(Polygon<f64>),
}

/// The rings of one polygon in the store.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolygonRings<'a> {
    coords: &'a [[f64; 2]],
    counts: &'a [u32],
}

impl<'a> PolygonRings<'a> {
    /// Its rings, exterior first.
    pub fn rings(&self) -> impl Iterator<Item = &'a [[f64; 2]]> + 'a {
        let coords = self.coords;
        self.counts.iter().scan(0usize, move |at, &n| {
            let start = *at;
            *at += n as usize;
            coords.get(start..*at)
        })
    }

    /// The exterior ring (empty for an empty polygon).
    pub fn exterior(&self) -> &'a [[f64; 2]] {
        self.rings().next().unwrap_or_default()
    }
}

impl Features {
    /// Number of features.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The chunk holding feature `i` and its place in it.
    fn locate(&self, i: usize) -> Option<(&Chunk, usize)> {
        if i >= self.len {
            return None;
        }
        let c = self.starts.partition_point(|&s| s <= i).checked_sub(1)?;
        Some((self.chunks.get(c)?, i - self.starts.get(c)?))
    }

    fn raw(&self, i: usize) -> Option<Raw<'_>> {
        let (chunk, k) = self.locate(i)?;
        chunk.raw(k)
    }

    /// The chunk new features go to (a new one when the last is full or shared).
    fn tail(&mut self) -> &mut Chunk {
        let full = self
            .chunks
            .last()
            .is_none_or(|c| c.ends.len() >= CHUNK || Arc::strong_count(c) > 1);
        if full {
            // The next chunk is likely the size of the last one: room for it at once, rather
            // than its buffers doubling (each doubling copies them).
            let mut next = Chunk::default();
            if let Some(last) = self.chunks.last_mut().and_then(Arc::get_mut) {
                last.shrink_to_fit();
                if last.ends.len() >= CHUNK {
                    next.coords
                        .reserve(last.coords.len() + last.coords.len() / 8);
                    next.tokens
                        .reserve(last.tokens.len() + last.tokens.len() / 8);
                    next.text.reserve(last.text.len() + last.text.len() / 8);
                    next.ends.reserve(CHUNK);
                }
            }
            self.starts.push(self.len);
            self.chunks.push(Arc::new(next));
        }
        let last = self.chunks.len() - 1;
        Arc::make_mut(&mut self.chunks[last])
    }

    /// Appends one feature.
    pub fn push(&mut self, f: &GenericFeature) {
        self.tail().push(f);
        self.len += 1;
    }

    /// Appends one feature whose `id` and properties are JSON text already (a reader's fast
    /// path: `properties` must be a JSON object, `id` any JSON value).
    pub fn push_raw(
        &mut self,
        geometry: Option<&Geometry<f64>>,
        id: Option<&str>,
        properties: &str,
    ) {
        let c = self.tail();
        if let Some(g) = geometry {
            encode(g, &mut c.tokens, &mut c.coords);
        }
        c.close_raw(id, properties);
        self.len += 1;
    }

    /// Appends one feature whose geometry is tokens and coordinates already, as `encode`
    /// writes them (`io::formats::wkb`'s fast path; `id` and properties as for
    /// [`Self::push_raw`]).
    pub(crate) fn push_encoded(
        &mut self,
        tokens: &[u32],
        coords: &[[f64; 2]],
        id: Option<&str>,
        properties: &str,
    ) {
        let c = self.tail();
        c.tokens.extend_from_slice(tokens);
        c.coords.extend_from_slice(coords);
        c.close_raw(id, properties);
        self.len += 1;
    }

    /// Appends features.
    pub fn extend<'f>(&mut self, features: impl IntoIterator<Item = &'f GenericFeature>) {
        for f in features {
            self.push(f);
        }
    }

    /// Appends all features of another store (its chunks are shared, not copied).
    pub fn append(&mut self, other: &Features) {
        for c in other.chunks.iter().filter(|c| !c.ends.is_empty()) {
            self.starts.push(self.len);
            self.chunks.push(c.clone());
            self.len += c.ends.len();
        }
    }

    /// Removes the features in `range` (later ones move down).
    pub fn remove(&mut self, range: Range<usize>) {
        let end = range.end.min(self.len);
        let start = range.start.min(end);
        if start == end {
            return;
        }
        let mut kept = self.slice(0..start);
        kept.append(&self.slice(end..self.len));
        *self = kept;
    }

    /// The features in `range`, as a store of their own (whole chunks shared, the ends
    /// copied).
    pub fn slice(&self, range: Range<usize>) -> Features {
        let end = range.end.min(self.len);
        let start = range.start.min(end);
        let mut out = Features::default();
        for (c, &s) in self.chunks.iter().zip(&self.starts) {
            let (a, b) = (start.max(s), end.min(s + c.ends.len()));
            if a >= b {
                continue;
            }
            if a == s && b == s + c.ends.len() {
                out.starts.push(out.len);
                out.chunks.push(c.clone());
                out.len += b - a;
            } else {
                let mut part = Chunk::default();
                part.copy_from(c, a - s..b - s);
                out.starts.push(out.len);
                out.chunks.push(Arc::new(part));
                out.len += b - a;
            }
        }
        out
    }

    /// The geometry of feature `i` as stored (None when it has none or `i` is out of range).
    pub fn flat(&self, i: usize) -> Option<FlatGeometry<'_>> {
        let (coords, tokens, _) = self.raw(i)?;
        if tokens.is_empty() {
            return None;
        }
        Some(FlatGeometry { coords, tokens })
    }

    /// The geometry of feature `i`, built.
    pub fn geometry(&self, i: usize) -> Option<Geometry<f64>> {
        self.flat(i).map(|g| g.to_geo())
    }

    fn text(&self, i: usize) -> Option<(Option<Value>, Extra)> {
        serde_json::from_slice(self.raw(i)?.2).ok()
    }

    /// Feature `i`'s `id` and properties as the JSON text they are kept in, `[id,{…}]` (a
    /// writer copies it out without building a map).
    pub fn raw_text(&self, i: usize) -> Option<&[u8]> {
        Some(self.raw(i)?.2)
    }

    /// The properties of feature `i` (empty when out of range).
    pub fn properties(&self, i: usize) -> Extra {
        self.text(i).map(|(_, p)| p).unwrap_or_default()
    }

    /// Feature `i`, built.
    pub fn get(&self, i: usize) -> Option<GenericFeature> {
        let (id, properties) = self.text(i)?;
        Some(GenericFeature {
            id,
            properties,
            geometry: self.geometry(i),
        })
    }

    /// The features in `range`, built (an empty list when the range is out of bounds).
    pub fn to_vec(&self, range: Range<usize>) -> Vec<GenericFeature> {
        let end = range.end.min(self.len());
        (range.start.min(end)..end)
            .filter_map(|i| self.get(i))
            .collect()
    }

    /// All features, built one at a time.
    pub fn iter(&self) -> impl Iterator<Item = GenericFeature> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Bytes held by the buffers (coordinates, tokens, text, offsets).
    pub fn heap_bytes(&self) -> usize {
        self.chunks
            .iter()
            .map(|b| {
                b.coords.capacity() * 16
                    + b.tokens.capacity() * 4
                    + b.text.capacity()
                    + b.ends.capacity() * std::mem::size_of::<End>()
            })
            .sum()
    }

    /// The box around the features in `range` (west, south, east, north); None when none of
    /// them has a coordinate.
    pub fn bounds(&self, range: Range<usize>) -> Option<[f64; 4]> {
        range.filter_map(|i| self.flat(i)?.bbox()).reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })
    }

    /// Number of coordinates stored.
    pub fn vertex_count(&self) -> usize {
        self.chunks.iter().map(|c| c.coords.len()).sum()
    }

    /// Gives back memory reserved beyond what is held.
    pub fn shrink_to_fit(&mut self) {
        if let Some(last) = self.chunks.last_mut().and_then(Arc::get_mut) {
            last.shrink_to_fit();
        }
    }

    /// Changes every coordinate in place (a datum conversion).
    pub fn map_coords(&mut self, mut f: impl FnMut([f64; 2]) -> [f64; 2]) {
        for c in &mut self.chunks {
            for xy in &mut Arc::make_mut(c).coords {
                *xy = f(*xy);
            }
        }
    }
}

impl From<Vec<GenericFeature>> for Features {
    fn from(v: Vec<GenericFeature>) -> Features {
        let mut f = Features::default();
        f.extend(&v);
        f.shrink_to_fit();
        f
    }
}

/// A coordinate as serde_json writes an `f64` (shortest round-trip form; `null` when not
/// finite, which a checked coordinate never is).
fn write_number(v: f64, out: &mut Vec<u8>) {
    use serde_json::ser::Formatter;
    if v.is_finite() {
        let _ = serde_json::ser::CompactFormatter.write_f64(out, v);
    } else {
        out.extend_from_slice(b"null");
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn put(coords: &mut Vec<[f64; 2]>, c: &Coord<f64>) {
    coords.push([c.x, c.y]);
}

fn put_polygon(p: &Polygon<f64>, tokens: &mut Vec<u32>, coords: &mut Vec<[f64; 2]>) {
    tokens.push(POLYGON);
    tokens.push(count(1 + p.interiors().len()));
    for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
        tokens.push(count(ring.0.len()));
        ring.0.iter().for_each(|c| put(coords, c));
    }
}

fn put_line_string(l: &LineString<f64>, tokens: &mut Vec<u32>, coords: &mut Vec<[f64; 2]>) {
    tokens.push(LINE_STRING);
    tokens.push(count(l.0.len()));
    l.0.iter().for_each(|c| put(coords, c));
}

/// Writes a geometry's tokens and coordinates.
fn encode(g: &Geometry<f64>, tokens: &mut Vec<u32>, coords: &mut Vec<[f64; 2]>) {
    match g {
        Geometry::Point(p) => {
            tokens.push(POINT);
            put(coords, &p.0);
        }
        Geometry::LineString(l) => put_line_string(l, tokens, coords),
        Geometry::Polygon(p) => put_polygon(p, tokens, coords),
        Geometry::MultiPoint(m) => {
            tokens.push(MULTI_POINT);
            tokens.push(count(m.0.len()));
            m.0.iter().for_each(|p| put(coords, &p.0));
        }
        Geometry::MultiLineString(m) => {
            tokens.push(MULTI_LINE_STRING);
            tokens.push(count(m.0.len()));
            m.0.iter().for_each(|l| put_line_string(l, tokens, coords));
        }
        Geometry::MultiPolygon(m) => {
            tokens.push(MULTI_POLYGON);
            tokens.push(count(m.0.len()));
            m.0.iter().for_each(|p| put_polygon(p, tokens, coords));
        }
        Geometry::GeometryCollection(c) => {
            tokens.push(COLLECTION);
            tokens.push(count(c.0.len()));
            c.0.iter().for_each(|g| encode(g, tokens, coords));
        }
        Geometry::Line(l) => {
            tokens.push(LINE);
            put(coords, &l.start);
            put(coords, &l.end);
        }
        Geometry::Rect(r) => {
            tokens.push(RECT);
            put(coords, &r.min());
            put(coords, &r.max());
        }
        Geometry::Triangle(t) => {
            tokens.push(TRIANGLE);
            put(coords, &t.v1());
            put(coords, &t.v2());
            put(coords, &t.v3());
        }
    }
}

/// Reads tokens and coordinates back; stops quietly on a short buffer (cannot happen for
/// what `encode` wrote).
struct Reader<'a> {
    tokens: &'a [u32],
    coords: &'a [[f64; 2]],
    t: usize,
    c: usize,
}

impl<'a> Reader<'a> {
    fn token(&mut self) -> u32 {
        let v = self.tokens.get(self.t).copied().unwrap_or(0);
        self.t += 1;
        v
    }

    fn coords(&mut self, n: usize) -> &'a [[f64; 2]] {
        let end = (self.c + n).min(self.coords.len());
        let s = self.coords.get(self.c..end).unwrap_or_default();
        self.c = end;
        s
    }

    fn coord(&mut self) -> Coord<f64> {
        let c = self.coords(1).first().copied().unwrap_or_default();
        Coord { x: c[0], y: c[1] }
    }

    fn line_string(&mut self) -> LineString<f64> {
        let n = self.token() as usize;
        LineString::new(
            self.coords(n)
                .iter()
                .map(|c| Coord { x: c[0], y: c[1] })
                .collect(),
        )
    }

    fn polygon(&mut self) -> Polygon<f64> {
        let rings = self.token() as usize;
        let mut all: Vec<LineString<f64>> = (0..rings).map(|_| self.line_string()).collect();
        let exterior = if all.is_empty() {
            LineString::new(Vec::new())
        } else {
            all.remove(0)
        };
        Polygon::new(exterior, all)
    }

    fn geometry(&mut self) -> Geometry<f64> {
        match self.token() {
            POINT => Point(self.coord()).into(),
            LINE_STRING => self.line_string().into(),
            POLYGON => self.polygon().into(),
            MULTI_POINT => {
                let n = self.token() as usize;
                MultiPoint::new((0..n).map(|_| Point(self.coord())).collect()).into()
            }
            MULTI_LINE_STRING => {
                let n = self.token() as usize;
                MultiLineString::new(
                    (0..n)
                        .map(|_| {
                            self.token();
                            self.line_string()
                        })
                        .collect(),
                )
                .into()
            }
            MULTI_POLYGON => {
                let n = self.token() as usize;
                MultiPolygon::new(
                    (0..n)
                        .map(|_| {
                            self.token();
                            self.polygon()
                        })
                        .collect(),
                )
                .into()
            }
            COLLECTION => {
                let n = self.token() as usize;
                Geometry::GeometryCollection(GeometryCollection::new_from(
                    (0..n).map(|_| self.geometry()).collect(),
                ))
            }
            LINE => {
                let (a, b) = (self.coord(), self.coord());
                Line::new(a, b).into()
            }
            RECT => {
                let (a, b) = (self.coord(), self.coord());
                Rect::new(a, b).into()
            }
            TRIANGLE => {
                let (a, b, c) = (self.coord(), self.coord(), self.coord());
                Triangle::new(a, b, c).into()
            }
            _ => Geometry::GeometryCollection(GeometryCollection::default()),
        }
    }

    fn write_position(&mut self, out: &mut Vec<u8>) {
        let c = self.coords(1).first().copied().unwrap_or_default();
        out.push(b'[');
        write_number(c[0], out);
        out.push(b',');
        write_number(c[1], out);
        out.push(b']');
    }

    /// `n` positions as a JSON array.
    fn write_positions(&mut self, n: usize, out: &mut Vec<u8>) {
        out.push(b'[');
        for k in 0..n {
            if k > 0 {
                out.push(b',');
            }
            self.write_position(out);
        }
        out.push(b']');
    }

    /// A list of `n` items written by `item`, as a JSON array.
    fn write_list(&mut self, n: usize, out: &mut Vec<u8>, item: fn(&mut Self, &mut Vec<u8>)) {
        out.push(b'[');
        for k in 0..n {
            if k > 0 {
                out.push(b',');
            }
            item(self, out);
        }
        out.push(b']');
    }

    fn write_line_coordinates(&mut self, out: &mut Vec<u8>) {
        let n = self.token() as usize;
        self.write_positions(n, out);
    }

    fn write_polygon_coordinates(&mut self, out: &mut Vec<u8>) {
        let rings = self.token() as usize;
        if rings == 0 || self.tokens.get(self.t).is_none_or(|&n| n == 0) {
            // An empty polygon is `[]` (as `geojson` writes it), whatever its holes.
            let counts = self.tokens.get(self.t..self.t + rings).unwrap_or_default();
            let total = counts.iter().map(|&n| n as usize).sum();
            self.t += rings;
            self.coords(total);
            out.extend_from_slice(b"[]");
            return;
        }
        self.write_list(rings, out, Self::write_line_coordinates);
    }

    /// The GeoJSON object of a point, line, polygon or multi-part at the reader's position.
    fn write_geojson(&mut self, out: &mut Vec<u8>) {
        let kind = self.token();
        let name: &[u8] = match kind {
            POINT => b"Point",
            LINE_STRING => b"LineString",
            POLYGON => b"Polygon",
            MULTI_POINT => b"MultiPoint",
            MULTI_LINE_STRING => b"MultiLineString",
            _ => b"MultiPolygon",
        };
        out.extend_from_slice(b"{\"type\":\"");
        out.extend_from_slice(name);
        out.extend_from_slice(b"\",\"coordinates\":");
        match kind {
            POINT => self.write_position(out),
            LINE_STRING => self.write_line_coordinates(out),
            POLYGON => self.write_polygon_coordinates(out),
            MULTI_POINT => {
                let n = self.token() as usize;
                self.write_positions(n, out);
            }
            MULTI_LINE_STRING => {
                let n = self.token() as usize;
                self.write_list(n, out, |r, out| {
                    r.token();
                    r.write_line_coordinates(out);
                });
            }
            _ => {
                let n = self.token() as usize;
                self.write_list(n, out, |r, out| {
                    r.token();
                    r.write_polygon_coordinates(out);
                });
            }
        }
        out.push(b'}');
    }

    /// The parts of the geometry at the reader's position, in order.
    fn parts(&mut self, out: &mut Vec<Part<'a>>) {
        let pt = |c: &[[f64; 2]]| c.first().copied().unwrap_or_default();
        match self.token() {
            POINT => out.push(Part::Point(pt(self.coords(1)))),
            LINE_STRING => {
                let n = self.token() as usize;
                out.push(Part::Line(self.coords(n)));
            }
            POLYGON => {
                let rings = self.token() as usize;
                let counts = self
                    .tokens
                    .get(self.t..(self.t + rings).min(self.tokens.len()))
                    .unwrap_or_default();
                self.t += rings;
                let total: usize = counts.iter().map(|&n| n as usize).sum();
                out.push(Part::Polygon(PolygonRings {
                    coords: self.coords(total),
                    counts,
                }));
            }
            MULTI_POINT => {
                let n = self.token() as usize;
                out.extend(self.coords(n).iter().map(|&c| Part::Point(c)));
            }
            MULTI_LINE_STRING | MULTI_POLYGON | COLLECTION => {
                let n = self.token() as usize;
                for _ in 0..n {
                    self.parts(out);
                }
            }
            LINE => out.push(Part::Line(self.coords(2))),
            RECT => {
                let (a, b) = (self.coord(), self.coord());
                out.push(Part::Shape(Rect::new(a, b).to_polygon()));
            }
            TRIANGLE => {
                let (a, b, c) = (self.coord(), self.coord(), self.coord());
                out.push(Part::Shape(Triangle::new(a, b, c).to_polygon()));
            }
            _ => {}
        }
    }
}

impl<'a> FlatGeometry<'a> {
    /// The `geo` geometry.
    pub fn to_geo(&self) -> Geometry<f64> {
        Reader {
            tokens: self.tokens,
            coords: self.coords,
            t: 0,
            c: 0,
        }
        .geometry()
    }

    /// 0 for points, 1 for lines, 2 for areas (the highest of a collection's members).
    pub fn dimension(&self) -> u8 {
        match self.tokens.first() {
            Some(&(POINT | MULTI_POINT)) => 0,
            Some(&(LINE_STRING | MULTI_LINE_STRING | LINE)) => 1,
            Some(&COLLECTION) => self
                .parts()
                .iter()
                .map(|p| match p {
                    Part::Point(_) => 0,
                    Part::Line(_) => 1,
                    Part::Polygon(_) | Part::Shape(_) => 2,
                })
                .max()
                .unwrap_or(0),
            _ => 2,
        }
    }

    /// Its coordinates, all of them.
    pub fn coords(&self) -> &'a [[f64; 2]] {
        self.coords
    }

    /// Its points, lines and polygons, in order (multi-parts and collections flattened).
    pub fn parts(&self) -> Vec<Part<'a>> {
        let mut out = Vec::new();
        Reader {
            tokens: self.tokens,
            coords: self.coords,
            t: 0,
            c: 0,
        }
        .parts(&mut out);
        out
    }

    /// Writes it as a GeoJSON geometry object (RFC 7946), the text `geojson` would write for
    /// its `geo` geometry, without building that geometry.
    pub fn write_geojson(&self, out: &mut Vec<u8>) {
        let mut r = Reader {
            tokens: self.tokens,
            coords: self.coords,
            t: 0,
            c: 0,
        };
        match self.tokens.first() {
            // Built first: a line, rectangle or triangle is written as what it converts to,
            // and a collection may hold them.
            Some(&(COLLECTION | LINE | RECT | TRIANGLE)) | None => {
                let g = geojson::Geometry::from(&self.to_geo());
                // A geometry of finite numbers always serialises.
                let _ = serde_json::to_writer(&mut *out, &g);
            }
            Some(_) => r.write_geojson(out),
        }
    }

    /// The box around it: (min x, min y, max x, max y); None when it has no coordinates.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        let first = self.coords.first()?;
        let mut b = [first[0], first[1], first[0], first[1]];
        for c in self.coords {
            b[0] = b[0].min(c[0]);
            b[1] = b[1].min(c[1]);
            b[2] = b[2].max(c[0]);
            b[3] = b[3].max(c[1]);
        }
        Some(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon};
    use serde_json::json;

    fn every_kind() -> Vec<Option<Geometry<f64>>> {
        let square =
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)];
        let with_hole = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            interiors: [
                [(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0)],
                [(x: 5.0, y: 5.0), (x: 6.0, y: 5.0), (x: 6.0, y: 6.0)],
            ],
        );
        let line = line_string![(x: 1.5, y: -2.25), (x: 3.0, y: 4.0), (x: 110.123456789, y: 21.1)];
        vec![
            Some(point!(x: 110.3, y: 21.2).into()),
            None,
            Some(line.clone().into()),
            Some(square.clone().into()),
            Some(with_hole.clone().into()),
            Some(MultiPoint::new(vec![point!(x: 1.0, y: 2.0), point!(x: 3.0, y: 4.0)]).into()),
            Some(MultiLineString::new(vec![line.clone(), LineString::new(vec![])]).into()),
            Some(MultiPolygon::new(vec![square.clone(), with_hole.clone()]).into()),
            Some(Geometry::GeometryCollection(GeometryCollection::new_from(
                vec![
                    point!(x: 9.0, y: 9.0).into(),
                    MultiPolygon::new(vec![with_hole]).into(),
                    Geometry::GeometryCollection(GeometryCollection::new_from(vec![line.into()])),
                ],
            ))),
            // Empty ones.
            Some(LineString::<f64>::new(vec![]).into()),
            Some(Polygon::<f64>::new(LineString::new(vec![]), vec![]).into()),
            Some(MultiPolygon::<f64>::new(vec![]).into()),
            Some(MultiPoint::<f64>::new(vec![]).into()),
            Some(Geometry::GeometryCollection(GeometryCollection::default())),
            Some(Line::new(Coord { x: 0.0, y: 1.0 }, Coord { x: 2.0, y: 3.0 }).into()),
            Some(Rect::new(Coord { x: 0.0, y: 1.0 }, Coord { x: 2.0, y: 3.0 }).into()),
            Some(
                Triangle::new(
                    Coord { x: 0.0, y: 0.0 },
                    Coord { x: 1.0, y: 0.0 },
                    Coord { x: 0.0, y: 1.0 },
                )
                .into(),
            ),
            Some(point!(x: f64::MIN_POSITIVE, y: -0.0).into()),
        ]
    }

    fn features() -> Vec<GenericFeature> {
        every_kind()
            .into_iter()
            .enumerate()
            .map(|(i, geometry)| GenericFeature {
                id: (i % 3 == 0).then(|| json!(i)),
                properties: json!({"名称": format!("地块{i}"), "n": i as f64 / 3.0, "z": null, "list": [1, "a"]})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
                geometry,
            })
            .collect()
    }

    #[test]
    fn every_geometry_type_comes_back_exactly() {
        let input = features();
        let store = Features::from(input.clone());
        assert_eq!(store.len(), input.len());
        for (i, f) in input.iter().enumerate() {
            assert_eq!(store.get(i).as_ref(), Some(f), "feature {i}");
            assert_eq!(store.geometry(i), f.geometry, "feature {i}");
        }
        assert_eq!(store.get(input.len()), None);
        assert_eq!(store.to_vec(0..99), input);
        // -0.0 stays -0.0.
        let last = store.geometry(input.len() - 1);
        assert!(matches!(last, Some(Geometry::Point(p)) if p.y().is_sign_negative()));
    }

    #[test]
    fn geometries_are_written_as_geojson_writes_them() {
        let input = features();
        let store = Features::from(input.clone());
        for (i, f) in input.iter().enumerate() {
            let Some(g) = &f.geometry else {
                assert!(store.flat(i).is_none());
                continue;
            };
            let mut ours = Vec::new();
            store.flat(i).unwrap().write_geojson(&mut ours);
            let theirs = serde_json::to_string(&geojson::Geometry::from(g)).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), theirs, "feature {i}");
        }
    }

    #[test]
    fn slices_appends_and_removals_keep_the_right_features() {
        let input = features();
        let store = Features::from(input.clone());
        let middle = store.slice(3..9);
        assert_eq!(middle.to_vec(0..6), input[3..9]);
        let mut joined = store.slice(0..3);
        joined.append(&store.slice(3..input.len()));
        assert_eq!(joined, store);
        let mut cut = store.clone();
        cut.remove(2..5);
        let mut expected = input.clone();
        expected.drain(2..5);
        assert_eq!(cut.to_vec(0..99), expected);
        // The original is untouched by changes to its copy.
        assert_eq!(store.to_vec(0..99), input);
        cut.remove(50..60);
        assert_eq!(cut.len(), expected.len());
    }

    #[test]
    fn many_chunks_behave_as_one_list() {
        let point = |i: usize| GenericFeature {
            id: Some(json!(i)),
            properties: Extra::new(),
            geometry: Some(point!(x: i as f64, y: -(i as f64)).into()),
        };
        let n = 2 * CHUNK + 100;
        let mut a = Features::default();
        a.extend(&(0..CHUNK + 7).map(point).collect::<Vec<_>>());
        let mut b = Features::default();
        b.extend(&(CHUNK + 7..n).map(point).collect::<Vec<_>>());
        let mut all = a.clone();
        all.append(&b);
        assert_eq!(all.len(), n);
        assert!(all.chunks.len() >= 3);
        for i in [0, CHUNK - 1, CHUNK, CHUNK + 6, CHUNK + 7, 2 * CHUNK, n - 1] {
            assert_eq!(all.get(i), Some(point(i)), "feature {i}");
        }
        assert_eq!(all.get(n), None);
        // A slice across chunk edges, and a removal across them.
        let s = all.slice(CHUNK - 5..2 * CHUNK + 5);
        assert_eq!(s.len(), CHUNK + 10);
        assert_eq!(s.get(0), Some(point(CHUNK - 5)));
        assert_eq!(s.get(CHUNK + 9), Some(point(2 * CHUNK + 4)));
        let mut cut = all.clone();
        cut.remove(10..CHUNK + 20);
        assert_eq!(cut.len(), n - (CHUNK + 10));
        assert_eq!(cut.get(9), Some(point(9)));
        assert_eq!(cut.get(10), Some(point(CHUNK + 20)));
        // Pushing onto a copy leaves the original alone.
        let mut more = all.clone();
        more.push(&point(n));
        assert_eq!((all.len(), more.len()), (n, n + 1));
        assert_eq!(more.get(n), Some(point(n)));
        assert_ne!(more, all);
        assert_eq!(more.slice(0..n), all);
    }

    #[test]
    fn parts_walk_rings_without_building_geometry() {
        let store = Features::from(features());
        let parts = store.flat(4).map(|g| g.parts()).unwrap_or_default();
        let [Part::Polygon(p)] = parts.as_slice() else {
            panic!("one polygon expected, got {parts:?}");
        };
        let rings: Vec<usize> = p.rings().map(<[_]>::len).collect();
        assert_eq!(rings, [5, 4, 4], "closed rings as stored");
        assert_eq!(p.exterior()[2], [10.0, 10.0]);
        // The nested collection flattens to point, polygon, line.
        let parts = store.flat(8).map(|g| g.parts()).unwrap_or_default();
        assert!(matches!(
            parts.as_slice(),
            [Part::Point(_), Part::Polygon(_), Part::Line(l)] if l.len() == 3
        ));
        assert!(store.flat(1).is_none());
        assert_eq!(
            store.flat(3).and_then(|g| g.bbox()),
            Some([0.0, 0.0, 4.0, 4.0])
        );
    }

    #[test]
    fn a_parcel_takes_little_more_than_its_coordinates() {
        let parcels: Vec<GenericFeature> = (0..1000)
            .map(|i| GenericFeature {
                id: None,
                properties:
                    json!({"parcel": format!("P{i:07}"), "use": "industrial", "area_m2": 97510.0})
                        .as_object()
                        .cloned()
                        .unwrap_or_default(),
                geometry: Some(
                    Polygon::new(
                        LineString::new(
                            (0..13)
                                .map(|k| Coord {
                                    x: 110.0 + f64::from(k) * 1e-4,
                                    y: 21.0 + f64::from(i) * 1e-4,
                                })
                                .collect(),
                        ),
                        vec![],
                    )
                    .into(),
                ),
            })
            .collect();
        let store = Features::from(parcels);
        let per_feature = store.heap_bytes() / store.len();
        // 13 coordinates (208 bytes), 3 tokens, ~70 bytes of text, 24 bytes of offsets.
        assert!(per_feature < 330, "{per_feature} bytes per parcel");
    }
}
