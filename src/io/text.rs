//! Bytes → text: UTF-8 (with or without BOM), UTF-16 with BOM, and GBK/GB18030 — the usual
//! encoding of files saved on Chinese Windows — decoded correctly instead of turning to garbage.

use std::borrow::Cow;

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
    /// Neither UTF-8 nor GBK.
    #[error(
        "the file is not UTF-8 text (first bad byte at offset {0}) and not GBK either; \
         save it as UTF-8 and try again"
    )]
    NotUtf8(usize),
}

/// Decodes file bytes. Errors name the byte offset of the first undecodable byte.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        if enc == encoding_rs::UTF_8 {
            return std::str::from_utf8(body)
                .map(|t| Decoded {
                    text: Cow::Borrowed(t),
                    converted_from: None,
                })
                .map_err(|e| DecodeError::NotUtf8(e.valid_up_to() + bom_len));
        }
        return enc
            .decode_without_bom_handling_and_without_replacement(body)
            .map(|t| Decoded {
                text: Cow::Owned(t.into_owned()),
                converted_from: Some(enc.name()),
            })
            .ok_or(DecodeError::BadBom(enc.name()));
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(Decoded {
            text: Cow::Borrowed(t),
            converted_from: None,
        }),
        Err(e) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|t| Decoded {
                text: Cow::Owned(t.into_owned()),
                converted_from: Some("GBK/GB18030"),
            })
            .ok_or(DecodeError::NotUtf8(e.valid_up_to())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_bytes_decode_to_the_same_chinese_text() {
        let (gbk, _, bad) = encoding_rs::GBK.encode("湛江市 霞山区");
        assert!(!bad);
        let d = decode(&gbk).unwrap();
        assert_eq!(d.text, "湛江市 霞山区");
        assert_eq!(d.converted_from, Some("GBK/GB18030"));
    }

    #[test]
    fn a_utf8_bom_is_dropped() {
        let d = decode("\u{feff}{}".as_bytes()).unwrap();
        assert_eq!(d.text, "{}");
        assert!(d.converted_from.is_none());
    }

    #[test]
    fn latin1_bytes_are_refused_with_the_offset() {
        let err = decode(b"{\"name\": \"caf\xe9 \"}").unwrap_err();
        assert_eq!(err, DecodeError::NotUtf8(13));
        assert!(err.to_string().contains("offset 13"), "{err}");
    }
}
