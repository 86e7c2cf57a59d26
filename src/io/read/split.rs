//! A fast path for big files: find where each element of the top-level `features` array
//! starts and ends with a byte scan (string- and escape-aware), so that two threads can each
//! parse and read half of the features. Anything unusual (no such array, unbalanced brackets, a
//! syntax error in a feature) makes the caller fall back to the one-pass reader, which gives
//! the exact message.

use std::ops::Range;

/// The byte ranges of the elements of the top-level object's `features` array, in order,
/// and the range of the array's contents (between its brackets); `None` when the text is not
/// shaped like a FeatureCollection.
pub(super) fn feature_spans(text: &str) -> Option<(Vec<Range<usize>>, Range<usize>)> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut spans = Vec::new();
    let mut in_features = false;
    let mut done = false;
    let mut key_is_features = false;
    let mut elem_start: Option<usize> = None;
    let mut array = 0..0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' => {
                let start = i;
                i = string_end(b, i)?;
                if depth == 1 {
                    key_is_features = b.get(start + 1..i) == Some(b"features".as_slice());
                }
                if in_features && depth == 2 && elem_start.is_none() {
                    elem_start = Some(start);
                }
            }
            b'{' if in_features && depth == 2 && elem_start.is_none() => {
                // A feature: jump to its closing brace.
                elem_start = Some(i);
                i = object_end(b, i)?;
            }
            b'{' | b'[' => {
                if in_features && depth == 2 && elem_start.is_none() {
                    elem_start = Some(i);
                }
                if depth == 1 && c == b'[' && key_is_features && !done {
                    in_features = true;
                    done = true;
                    array.start = i + 1;
                }
                depth += 1;
            }
            b'}' | b']' => {
                if depth == 0 {
                    return None;
                }
                if in_features && depth == 2 {
                    // The end of the features array.
                    if let Some(s) = elem_start.take() {
                        spans.push(s..i);
                    }
                    in_features = false;
                    array.end = i;
                }
                depth -= 1;
            }
            b',' if in_features && depth == 2 => {
                spans.push(elem_start.take()?..i);
            }
            b' ' | b'\t' | b'\n' | b'\r' | b':' | b',' => {}
            _ => {
                if in_features && depth == 2 && elem_start.is_none() {
                    elem_start = Some(i);
                }
            }
        }
        i += 1;
    }
    (done && depth == 0 && !in_features).then_some((spans, array))
}

/// The index of the `"` that closes the string opening at `start`; `None` when `b` ends first.
pub(super) fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The index of the `}` that closes the object opening at `start`, found by jumping from
/// brace to quote to brace (SIMD search: the numbers that make up most of a feature are never
/// looked at one by one). Brackets are not counted: a feature whose brackets do not balance
/// does not parse, and the caller falls back to the one-pass reader.
pub(super) fn object_end(b: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    loop {
        let k = i + memchr::memchr3(b'"', b'{', b'}', b.get(i..)?)?;
        match b.get(k)? {
            b'"' => {
                let mut j = k + 1;
                loop {
                    let m = j + memchr::memchr2(b'"', b'\\', b.get(j..)?)?;
                    if b.get(m)? == &b'\\' {
                        j = m + 2;
                    } else {
                        i = m + 1;
                        break;
                    }
                }
            }
            b'{' => {
                depth += 1;
                i = k + 1;
            }
            _ => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k);
                }
                i = k + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_found_whatever_their_content() {
        let t = r#"{"type":"FeatureCollection","name":"x [", "features": [ {"a":"}],\"x"}, {"b":[1,{"c":2}]} ,3 ], "z": {"features": [9]}}"#;
        let (spans, array) = feature_spans(t).unwrap();
        assert_eq!(
            &t[..array.start],
            r#"{"type":"FeatureCollection","name":"x [", "features": ["#
        );
        assert!(t[array.end..].starts_with("], \"z\""));
        let parts: Vec<&str> = spans.iter().map(|r| t[r.clone()].trim()).collect();
        assert_eq!(parts, [r#"{"a":"}],\"x"}"#, r#"{"b":[1,{"c":2}]}"#, "3"]);
    }

    #[test]
    fn odd_shapes_give_none() {
        assert!(feature_spans(r#"{"type":"Feature"}"#).is_none());
        assert!(feature_spans(r#"{"features": [ {"a": 1} "#).is_none());
        assert!(feature_spans(r#"{"features": [ "unterminated ]}"#).is_none());
        assert_eq!(feature_spans(r#"{"features": []}"#), Some((vec![], 14..14)));
    }
}
