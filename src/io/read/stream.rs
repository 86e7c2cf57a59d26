//! The top level of a GeoJSON text, read without building the whole document in memory: the
//! members of the top-level object are kept as JSON values, except `features`, whose elements
//! are handed one by one to a callback as they are parsed. Memory stays in proportion to the
//! largest feature, not the file.

use std::fmt;

use crate::io::problem::Msg;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::io::problem::describe;

/// What the top level held.
pub(super) enum Root {
    /// An object: its members (without `features`) and what `features` was.
    Object {
        /// Every member but `features`, in file order.
        members: Map<String, Value>,
        /// The `features` member.
        features: Features,
    },
    /// Something else, described for a message ("an array of 3", "\"text\"").
    NotObject(Msg),
}

/// The `features` member of the top-level object.
pub(super) enum Features {
    /// There was none.
    Absent,
    /// An array: its elements were handed to the callback.
    Streamed,
    /// Not an array (described).
    NotArray(Msg),
}

/// Parses `text`, calling `on_feature(index, value)` for each element of `features`; when it
/// returns false, parsing stops with an error.
pub(super) fn parse_root(
    text: &str,
    on_feature: Option<&mut dyn FnMut(usize, Value) -> bool>,
) -> Result<Root, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let root = RootSeed { on_feature }.deserialize(&mut de)?;
    de.end()?;
    Ok(root)
}

struct RootSeed<'a> {
    /// `None`: the features are skipped (read elsewhere).
    on_feature: Option<&'a mut dyn FnMut(usize, Value) -> bool>,
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_> {
    type Value = Root;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Root, D::Error> {
        d.deserialize_any(self)
    }
}

/// Describes a value that is not what was expected, consuming it.
macro_rules! describe_scalars {
    ($wrap:expr) => {
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok($wrap(describe(&Value::Bool(v))))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok($wrap(describe(&Value::from(v))))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok($wrap(describe(&Value::from(v))))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok($wrap(describe(&Value::from(v))))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok($wrap(describe(&Value::String(v.to_owned()))))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($wrap(describe(&Value::Null)))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($wrap(describe(&Value::Null)))
        }
    };
}

impl<'de> Visitor<'de> for RootSeed<'_> {
    type Value = Root;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON object")
    }

    describe_scalars!(Root::NotObject);

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Root, A::Error> {
        let mut n = 0;
        // Values, not `IgnoredAny`: serde_json checks the nesting limit only for these.
        while seq.next_element::<Value>()?.is_some() {
            n += 1;
        }
        Ok(Root::NotObject(crate::msg!("an array of {}", n)))
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Root, A::Error> {
        let mut members = Map::new();
        let mut features = Features::Absent;
        while let Some(key) = map.next_key::<String>()? {
            if key == "features" {
                features = match self.on_feature.as_deref_mut() {
                    Some(on_feature) => map.next_value_seed(FeaturesSeed { on_feature })?,
                    None => {
                        map.next_value::<IgnoredAny>()?;
                        Features::Streamed
                    }
                };
            } else {
                let v: Value = map.next_value()?;
                members.insert(key, v);
            }
        }
        Ok(Root::Object { members, features })
    }
}

struct FeaturesSeed<'a> {
    on_feature: &'a mut dyn FnMut(usize, Value) -> bool,
}

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_> {
    type Value = Features;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Features, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_> {
    type Value = Features;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of features")
    }

    describe_scalars!(Features::NotArray);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Features, A::Error> {
        while map.next_entry::<IgnoredAny, Value>()?.is_some() {}
        Ok(Features::NotArray(crate::msg!("an object")))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Features, A::Error> {
        let mut i = 0;
        while let Some(v) = seq.next_element::<Value>()? {
            if !(self.on_feature)(i, v) {
                return Err(de::Error::custom("cancelled"));
            }
            i += 1;
        }
        Ok(Features::Streamed)
    }
}
