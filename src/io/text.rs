//! Bytes → text, honestly: UTF-8 (with or without BOM); UTF-16 LE/BE with a BOM or, for
//! JSON, recognised by its zero bytes; anything else identified by `chardetng` (the detector
//! Firefox uses) among the legacy encodings — GBK/GB18030 (files saved on Chinese Windows),
//! Big5, Windows-1252 and others — and decoded only if every byte is valid in it. The warning
//! names the encoding that was used.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

/// Text decoded from a file, with a note when it was not UTF-8.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// Set when the bytes were in another encoding, naming it.
    pub converted_from: Option<&'static str>,
}

/// Why bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// A byte-order mark promised an encoding the bytes do not follow.
    #[error("the file starts with a {0} byte-order mark but is not valid {0}")]
    BadBom(&'static str),
    /// Not UTF-8, and not valid in the encoding the detector found either.
    #[error(
        "the file is not UTF-8 text (first bad byte at offset {offset}) and not valid {guess} \
         either; save it as UTF-8 and try again"
    )]
    NotText {
        /// Offset of the first byte that is not UTF-8.
        offset: usize,
        /// The detector's best guess.
        guess: &'static str,
    },
}

impl DecodeError {
    /// The error as a message in either language.
    pub fn msg(&self) -> crate::io::problem::Msg {
        match self {
            DecodeError::BadBom(enc) => crate::msg!(
                "the file starts with a {} byte-order mark but is not valid {}",
                *enc,
                *enc
            ),
            DecodeError::NotText { offset, guess } => crate::msg!(
                "the file is not UTF-8 text (first bad byte at offset {}) and not valid {} either; save it as UTF-8 and try again",
                *offset,
                *guess
            ),
        }
    }
}

/// What a file that is not text (or not JSON) is, and what to do with it, from its first
/// bytes: archives, spreadsheets, other GIS formats, images, PDFs and web pages saved under a
/// `.geojson` name.
pub fn sniff(bytes: &[u8]) -> Option<crate::io::problem::Msg> {
    let head = &bytes[..bytes.len().min(512)];
    let text_start = String::from_utf8_lossy(head)
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    let starts = |m: &[u8]| head.starts_with(m);
    Some(if starts(b"PK\x03\x04") {
        crate::msg!(
            "a ZIP archive: an Excel workbook or a KMZ opens when its name ends in .xlsx or \
         .kmz; a zipped shapefile, once unzipped"
        )
    } else if starts(&[0xD0, 0xCF, 0x11, 0xE0]) {
        crate::msg!("an old Excel or Office file: a workbook opens when its name ends in .xls")
    } else if starts(&[0x00, 0x00, 0x27, 0x0A]) {
        crate::msg!(
            "a shapefile's .shp: it opens when its name ends in .shp, with its .dbf beside it"
        )
    } else if starts(b"SQLite format 3\0") {
        crate::msg!(
            "a GeoPackage or SQLite database: convert a layer with \
         `ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson IN.gpkg LAYER`"
        )
    } else if starts(b"\x89PNG") || starts(&[0xFF, 0xD8, 0xFF]) || starts(b"GIF8") {
        crate::msg!("an image, not data")
    } else if starts(b"%PDF") {
        crate::msg!("a PDF document, not data")
    } else if text_start.starts_with("<!doctype html") || text_start.starts_with("<html") {
        crate::msg!(
            "an HTML web page (saved from a browser?): download the raw .geojson file instead"
        )
    } else if text_start.starts_with("<?xml") && text_start.contains("<kml")
        || text_start.starts_with("<kml")
    {
        crate::msg!("KML (Google Earth): it opens when its name ends in .kml")
    } else if text_start.starts_with('<') {
        crate::msg!(
            "XML, not JSON: convert it with `ogr2ogr -f GeoJSON out.geojson IN_FILE` if it is GML"
        )
    } else {
        return None;
    })
}

/// Decodes file bytes.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        return match std::str::from_utf8(body) {
            Ok(t) if enc == encoding_rs::UTF_8 => Ok(Decoded {
                text: Cow::Borrowed(t),
                converted_from: None,
            }),
            _ => strict(enc, body).ok_or(DecodeError::BadBom(enc.name())),
        };
    }
    // UTF-16 without a BOM first: its zero bytes are valid UTF-8 (but never in JSON text).
    if let Some(enc) = utf16_without_bom(bytes)
        && let Some(d) = strict(enc, bytes)
    {
        return Ok(d);
    }
    let bad_utf8_at = match std::str::from_utf8(bytes) {
        Ok(t) => {
            return Ok(Decoded {
                text: Cow::Borrowed(t),
                converted_from: None,
            });
        }
        Err(e) => e.valid_up_to(),
    };
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let guess = detector.guess(None, true);
    // C1 control characters never occur in real text: they mean the guess is wrong (bytes a
    // single-byte code page merely tolerates).
    strict(guess, bytes)
        .filter(|d| !d.text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)))
        .ok_or(DecodeError::NotText {
            offset: bad_utf8_at,
            guess: guess.name(),
        })
}

/// Decodes with `enc`, refusing any malformed byte.
fn strict<'a>(enc: &'static Encoding, bytes: &[u8]) -> Option<Decoded<'a>> {
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| Decoded {
            text: Cow::Owned(t.into_owned()),
            converted_from: Some(enc.name()),
        })
}

/// JSON is mostly ASCII: in UTF-16 every other byte is zero. Looks at the first 4 KB.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_at = |k: usize| head.iter().skip(k).step_by(2).filter(|b| **b == 0).count();
    let (even, odd) = (zero_at(0), zero_at(1));
    if odd * 10 > pairs * 6 && even * 10 < pairs {
        Some(UTF_16LE)
    } else if even * 10 > pairs * 6 && odd * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(enc: &'static Encoding, text: &str) -> Vec<u8> {
        let (b, _, bad) = enc.encode(text);
        assert!(!bad);
        b.into_owned()
    }

    #[test]
    fn gbk_bytes_decode_to_the_same_chinese_text() {
        let text = "{\"name\": \"湛江市 霞山区 工业园区 产业转移 东海岛\"}";
        let gbk = encoded(encoding_rs::GBK, text);
        let d = decode(&gbk).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.converted_from, Some("GBK"));
    }

    #[test]
    fn windows_1252_is_not_taken_for_gbk() {
        let text = "{\"name\": \"Zürich Straße Park, café\"}";
        let bytes = encoded(encoding_rs::WINDOWS_1252, text);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.converted_from, Some("windows-1252"));
    }

    #[test]
    fn big5_is_read_as_big5() {
        let text = "{\"name\": \"臺灣高雄加工出口區 園區管理處 產業發展\"}";
        let bytes = encoded(encoding_rs::BIG5, text);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.converted_from, Some("Big5"));
    }

    #[test]
    fn utf16_with_and_without_bom_both_ways() {
        let text = "{\"name\": \"湛江 Zhanjiang\"}";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            let d = decode(&bytes).unwrap();
            assert_eq!((d.text.as_ref(), d.converted_from), (text, Some(name)));
            let bom: Vec<u8> = if name == "UTF-16LE" {
                [0xFF, 0xFE].iter().chain(&bytes).copied().collect()
            } else {
                [0xFE, 0xFF].iter().chain(&bytes).copied().collect()
            };
            let d = decode(&bom).unwrap();
            assert_eq!((d.text.as_ref(), d.converted_from), (text, Some(name)));
        }
    }

    #[test]
    fn wrong_kinds_of_file_are_named() {
        let cases: [(&[u8], &str); 9] = [
            (b"PK\x03\x04rest", "ZIP"),
            (&[0xD0, 0xCF, 0x11, 0xE0, 0xA1], "Excel"),
            (&[0x00, 0x00, 0x27, 0x0A, 0x00], "shapefile"),
            (b"SQLite format 3\0....", "GeoPackage"),
            (b"\x89PNG\r\n", "image"),
            (b"%PDF-1.7", "PDF"),
            (b"\n  <!DOCTYPE html><html>", "HTML"),
            (b"<?xml version=\"1.0\"?>\n<kml xmlns=", "KML"),
            (b"<gml:FeatureCollection>", "XML"),
        ];
        for (bytes, word) in cases {
            let what = sniff(bytes).map(|m| m.text(false)).unwrap_or_default();
            assert!(what.contains(word), "{word}: {what}");
        }
        assert_eq!(sniff(b"{\"type\": \"FeatureCollection\"}"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn a_utf8_bom_is_dropped() {
        let d = decode("\u{feff}{}".as_bytes()).unwrap();
        assert_eq!(d.text, "{}");
        assert!(d.converted_from.is_none());
    }

    #[test]
    fn bytes_valid_in_no_guessed_encoding_are_refused_with_the_offset() {
        // A lone GBK lead byte before a quote is valid nowhere the detector would pick.
        let err = decode(b"{\"a\": \"\x81\"}\x81").unwrap_err();
        assert!(
            matches!(err, DecodeError::NotText { offset: 7, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("offset 7"), "{err}");
    }
}
