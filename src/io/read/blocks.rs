//! Big GeoJSON files read in blocks: the file is read a few megabytes at a time, and each run
//! of whole features is handed on as soon as it is complete, so that the file's text is never
//! held whole (a million parcels are 450 MB of text beside the store they become).
//!
//! Only the plain shape is taken: a UTF-8 object whose `features` member is an array of
//! objects. Anything else (another encoding, an element that is not an object, brackets that
//! never close, a file that ends early) gives [`Scanned::Unusual`], and the caller reads the
//! whole file the usual way, which gives the exact message.

use std::io::Read;
use std::ops::Range;

use super::split::{object_end, string_end};

/// Bytes read from the file at a time.
const BLOCK: usize = 2 << 20;
/// About how much feature text goes into one batch.
pub(super) const BATCH: usize = 4 << 20;
/// Text not yet handed on (the top level before `features`, or one feature) beyond which the
/// file is read whole instead.
const MAX_PENDING: usize = 64 << 20;

/// A run of whole features: their text, each one's span in it, and the index in the file's
/// `features` of the first.
#[derive(Debug)]
pub(super) struct Batch {
    pub text: String,
    pub spans: Vec<Range<usize>>,
    pub first: usize,
}

/// How a scan ended.
#[derive(Debug)]
pub(super) enum Scanned {
    /// Every feature was handed on; this is the top level without them (`features` is `[]`).
    Done { rest: String },
    /// Not the plain shape, or the receiver stopped: read the file whole.
    Unusual,
}

/// What the top level before the features array held so far.
enum Prefix {
    /// The `[` that opens the top-level `features` array is at this index.
    At(usize),
    /// Not found in the bytes read so far.
    More,
    /// The top-level object ended, or the text is not an object.
    Unusual,
}

/// Finds the `[` of the top-level object's `features` array in `b`, with the rules of
/// [`super::split::feature_spans`].
fn features_start(b: &[u8]) -> Prefix {
    let mut depth = 0usize;
    let mut key_is_features = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                let Some(end) = string_end(b, i) else {
                    return Prefix::More;
                };
                i = end;
                if depth == 1 {
                    key_is_features = b.get(start + 1..i) == Some(b"features".as_slice());
                }
            }
            b'[' if depth == 1 && key_is_features => return Prefix::At(i),
            b'[' if depth == 0 => return Prefix::Unusual,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = match depth.checked_sub(1) {
                    Some(0) | None => return Prefix::Unusual,
                    Some(d) => d,
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' | b':' | b',' => {}
            _ if depth == 0 => return Prefix::Unusual,
            _ => {}
        }
        i += 1;
    }
    Prefix::More
}

/// Where the scan is between the elements of the features array.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Between {
    /// Right after `[`.
    Open,
    /// After an element.
    Element,
    /// After a `,`.
    Comma,
}

struct Blocks<R> {
    reader: R,
    buf: Vec<u8>,
    eof: bool,
}

impl<R: Read> Blocks<R> {
    /// Appends up to a block of the file to `buf`; false at its end.
    fn fill(&mut self) -> std::io::Result<bool> {
        let old = self.buf.len();
        self.buf.resize(old + BLOCK, 0);
        let mut n = 0;
        while let Some(free) = self.buf.get_mut(old + n..).filter(|f| !f.is_empty()) {
            match self.reader.read(free) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e);
                }
            }
        }
        self.buf.truncate(old + n);
        self.eof = n == 0;
        Ok(n > 0)
    }
}

/// Reads `reader` in blocks and calls `send` with each batch of whole features (about
/// `batch` bytes of them), in file order; stops (with [`Scanned::Unusual`]) when `send`
/// returns false. `total_bytes`, when known, lets the first batch estimate the number of
/// features (`on_estimate`).
pub(super) fn scan(
    reader: impl Read,
    batch: usize,
    total_bytes: Option<u64>,
    mut on_estimate: impl FnMut(usize),
    mut send: impl FnMut(Batch) -> bool,
) -> std::io::Result<Scanned> {
    let mut b = Blocks {
        reader,
        buf: Vec::with_capacity(batch.min(BATCH) + 2 * BLOCK),
        eof: false,
    };
    b.fill()?;
    // A UTF-8 byte order mark is skipped; another encoding (or UTF-16 without a mark: zero
    // bytes) is read whole, where it is decoded.
    if b.buf.starts_with(b"\xEF\xBB\xBF") {
        b.buf.drain(..3);
    }
    if b.buf.contains(&0) || super::super::text::sniff(&b.buf).is_some() {
        return Ok(Scanned::Unusual);
    }
    let open = loop {
        match features_start(&b.buf) {
            Prefix::At(i) => break i,
            Prefix::Unusual => return Ok(Scanned::Unusual),
            Prefix::More if b.eof || b.buf.len() > MAX_PENDING => return Ok(Scanned::Unusual),
            Prefix::More => {
                b.fill()?;
            }
        }
    };
    // The top level up to and with the `[`.
    let mut rest = b.buf.get(..=open).unwrap_or_default().to_vec();
    let mut p = open + 1;
    let mut batch_start = p;
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut first = 0;
    let mut state = Between::Open;
    let mut estimated = false;
    loop {
        while b
            .buf
            .get(p)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        {
            p += 1;
        }
        let Some(&c) = b.buf.get(p) else {
            if b.eof || b.buf.len() - batch_start > MAX_PENDING + batch || !b.fill()? {
                return Ok(Scanned::Unusual);
            }
            continue;
        };
        match (state, c) {
            (Between::Open | Between::Element, b']') => break,
            (Between::Element, b',') => {
                state = Between::Comma;
                p += 1;
            }
            (Between::Open | Between::Comma, b'{') => match object_end(&b.buf, p) {
                Some(end) => {
                    spans.push(p - batch_start..end + 1 - batch_start);
                    p = end + 1;
                    state = Between::Element;
                    if p - batch_start >= batch {
                        let n = spans.len();
                        if !estimated && let Some(total) = total_bytes {
                            let per = (p - batch_start) as f64 / n as f64;
                            on_estimate((total as f64 / per) as usize);
                            estimated = true;
                        }
                        let Some(taken) = take_batch(&mut b.buf, batch_start, p, &mut spans, first)
                        else {
                            return Ok(Scanned::Unusual);
                        };
                        first += n;
                        p = 0;
                        batch_start = 0;
                        if !send(taken) {
                            return Ok(Scanned::Unusual);
                        }
                    }
                }
                None if b.eof || b.buf.len() - p > MAX_PENDING => return Ok(Scanned::Unusual),
                None => {
                    b.fill()?;
                }
            },
            _ => return Ok(Scanned::Unusual),
        }
    }
    if !spans.is_empty() {
        let Some(batch) = take_batch(&mut b.buf, batch_start, p, &mut spans, first) else {
            return Ok(Scanned::Unusual);
        };
        p = 0;
        if !send(batch) {
            return Ok(Scanned::Unusual);
        }
    }
    // The top level from the `]` on.
    rest.extend_from_slice(b.buf.get(p..).unwrap_or_default());
    b.buf = Vec::new();
    b.reader.read_to_end(&mut rest)?;
    Ok(match String::from_utf8(rest) {
        Ok(rest) => Scanned::Done { rest },
        Err(_) => Scanned::Unusual,
    })
}

/// The features in `buf[start..end]` as a batch (`spans` are relative to `start`), removed
/// from `buf` with what came before them. `None` when the text is not UTF-8.
fn take_batch(
    buf: &mut Vec<u8>,
    start: usize,
    end: usize,
    spans: &mut Vec<Range<usize>>,
    first: usize,
) -> Option<Batch> {
    let text = String::from_utf8(buf.get(start..end)?.to_vec()).ok()?;
    buf.drain(..end);
    Some(Batch {
        text,
        spans: std::mem::take(spans),
        first,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// Scans `text` with blocks of the given size (the reader hands out at most `chunk` bytes
    /// per read); the features handed on and the rest.
    fn scanned(text: &str, chunk: usize) -> (Vec<(usize, String)>, Option<String>) {
        scanned_in(text, chunk, BATCH)
    }

    fn scanned_in(
        text: &str,
        chunk: usize,
        batch: usize,
    ) -> (Vec<(usize, String)>, Option<String>) {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(out.len()).min(self.1);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut got = Vec::new();
        let end = scan(
            Trickle(text.as_bytes(), chunk),
            batch,
            None,
            |_| {},
            |b| {
                for (k, s) in b.spans.iter().enumerate() {
                    got.push((b.first + k, b.text[s.clone()].to_owned()));
                }
                true
            },
        )
        .unwrap();
        let rest = match end {
            Scanned::Done { rest } => Some(rest),
            Scanned::Unusual => None,
        };
        (got, rest)
    }

    #[test]
    fn features_are_handed_on_whole_and_in_order_whatever_the_blocks() {
        let features: Vec<String> = (0..50)
            .map(|i| {
                format!(
                    r#"{{"type":"Feature","id":{i},"properties":{{"s":"a \"}}{{\" ]{i}","n":[{{}}]}},"geometry":{{"type":"Point","coordinates":[{i},1]}}}}"#
                )
            })
            .collect();
        let text = format!(
            "\u{feff}{{\"type\": \"FeatureCollection\", \"name\": \"features\", \"crs\": {{\"a\": [1, {{\"features\": []}}]}},\n \"features\" : [\n{}\n ],\n \"after\": {{\"x\": \"]\"}} }}\n",
            features.join(" ,\n")
        );
        for (chunk, batch) in [
            (1, BATCH),
            (7, 1),
            (64, 300),
            (1 << 20, 1000),
            (1 << 20, BATCH),
        ] {
            let (got, rest) = scanned_in(&text, chunk, batch);
            let want: Vec<(usize, String)> = features.iter().cloned().enumerate().collect();
            assert_eq!(got, want, "chunk {chunk}, batch {batch}");
            let rest = rest.unwrap();
            let v: serde_json::Value = serde_json::from_str(&rest).unwrap();
            assert_eq!(v["features"], serde_json::json!([]), "{rest}");
            assert_eq!(v["after"]["x"], "]");
            assert_eq!(v["crs"]["a"][1]["features"], serde_json::json!([]));
            assert_eq!(v["name"], "features");
        }
        // An empty array, and features on one line.
        let (got, rest) = scanned(r#"{"features":[],"type":"FeatureCollection"}"#, 3);
        assert!(got.is_empty());
        assert_eq!(
            rest.unwrap(),
            r#"{"features":[],"type":"FeatureCollection"}"#
        );
    }

    #[test]
    fn what_is_not_the_plain_shape_is_left_to_the_whole_file_reader() {
        for text in [
            r#"{"type":"FeatureCollection","features":[{"type":"Feature"},null]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature"} {"type":"Feature"}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature"},]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature""#,
            r#"{"type":"FeatureCollection","features":{"a":1}}"#,
            r#"{"type":"FeatureCollection"}"#,
            r#"{"type":"Feature","geometry":null,"properties":{}}"#,
            r#"[{"features":[]}]"#,
            r#"["features",[{"type":"Feature"}]]"#,
            "{\"features\":[{\"s\":\"\0\"}]}",
            "SQLite format 3\0",
        ] {
            assert_eq!(scanned(text, 5).1, None, "{text}");
        }
        // Text that is not UTF-8 (GBK) is decoded by the whole-file reader.
        let gbk = b"{\"features\":[{\"name\":\"\xd5\xbf\xbd\xad\"}]}";
        let end = scan(&gbk[..], BATCH, None, |_| {}, |_| true).unwrap();
        assert!(matches!(end, Scanned::Unusual));
    }
}
