//! Typed fields out of a JSON object (strings, numbers, years, lists, nested objects), with
//! each wrong type reported by its path; the readers of projects, targets and sources.

use serde_json::{Map, Value};

use super::Ctx;
use crate::io::problem::describe;
use crate::model::{Project, Source, Sources, Target};

/// The largest number a field takes (10^15: far above any investment in yuan), so that sums
/// over any number of projects stay finite.
pub(super) const MAX_NUMBER: f64 = 1e15;

/// Takes typed fields out of a JSON object, reporting wrong types with the field path.
pub(super) struct Fields<'a, 'b> {
    pub(super) ctx: &'a mut Ctx<'b>,
    pub(super) props: &'a mut Map<String, Value>,
    pub(super) prefix: String,
}

impl Fields<'_, '_> {
    pub(super) fn path(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    pub(super) fn opt_str(&mut self, key: &str) -> Option<String> {
        match self.props.shift_remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                let p = self.path(key);
                self.ctx.error(
                    &p,
                    crate::msg!("expected a string, found {}", describe(&other)),
                );
                None
            }
        }
    }

    pub(super) fn opt_num(&mut self, key: &str, what: crate::io::problem::Msg) -> Option<f64> {
        match self.props.shift_remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(x) if (0.0..=MAX_NUMBER).contains(&x) => Some(x),
                Some(x) if x > MAX_NUMBER => {
                    let p = self.path(key);
                    self.ctx.error(
                        &p,
                        crate::msg!("{} {} is more than 10^15: a unit mistake? (amounts are in whole yuan or euros)", what, n),
                    );
                    None
                }
                _ => {
                    let p = self.path(key);
                    self.ctx.error(
                        &p,
                        crate::msg!("expected {} (a number ≥ 0), found {}", what, n),
                    );
                    None
                }
            },
            Some(other) => {
                let p = self.path(key);
                self.ctx.error(
                    &p,
                    crate::msg!("expected {} (a number), found {}", what, describe(&other)),
                );
                None
            }
        }
    }

    pub(super) fn opt_year(&mut self, key: &str) -> Option<i32> {
        match self.props.shift_remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) if n.as_i64().is_some_and(|y| (1000..=9999).contains(&y)) => {
                n.as_i64().and_then(|y| i32::try_from(y).ok())
            }
            Some(other) => {
                let p = self.path(key);
                self.ctx.error(
                    &p,
                    crate::msg!("expected a four-digit year, found {}", describe(&other)),
                );
                None
            }
        }
    }

    pub(super) fn str_list(&mut self, key: &str) -> Vec<String> {
        match self.props.shift_remove(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        Value::String(s) => out.push(s),
                        other => {
                            let p = format!("{}[{i}]", self.path(key));
                            self.ctx.error(
                                &p,
                                crate::msg!("expected a string, found {}", describe(&other)),
                            );
                        }
                    }
                }
                out
            }
            Some(other) => {
                let p = self.path(key);
                self.ctx.error(
                    &p,
                    crate::msg!("expected an array of strings, found {}", describe(&other)),
                );
                Vec::new()
            }
        }
    }

    /// Takes an array of objects, reading each with `read` (which keeps the members it does
    /// not know as the item's extra members).
    pub(super) fn objects<T>(
        &mut self,
        key: &str,
        mut read: impl FnMut(&mut Fields<'_, '_>) -> T,
    ) -> Vec<T> {
        let items = match self.props.shift_remove(key) {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(items)) => items,
            Some(other) => {
                let p = self.path(key);
                self.ctx.error(
                    &p,
                    crate::msg!("expected an array of objects, found {}", describe(&other)),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let prefix = format!("{}[{i}].", self.path(key));
            match item {
                Value::Object(mut obj) => {
                    let mut sub = Fields {
                        ctx: &mut *self.ctx,
                        props: &mut obj,
                        prefix,
                    };
                    out.push(read(&mut sub));
                }
                other => {
                    let p = prefix.trim_end_matches('.').to_owned();
                    self.ctx.error(
                        &p,
                        crate::msg!("expected an object, found {}", describe(&other)),
                    );
                }
            }
        }
        out
    }
}

pub(super) fn read_project(f: &mut Fields<'_, '_>) -> Project {
    let mut p = Project {
        name_zh: f.opt_str("name_zh"),
        name_en: f.opt_str("name_en"),
        investor: f.opt_str("investor"),
        amount: f.opt_num("amount", crate::msg!("an investment amount")),
        currency: f.opt_str("currency"),
        year: f.opt_year("year"),
        status: f.opt_str("status"),
        status_date: f.opt_str("status_date"),
        clusters: f.str_list("clusters"),
        source_ids: f.str_list("source_ids"),
        extra: Map::new(),
    };
    if p.amount.is_some() && p.currency.is_none() {
        let path = f.path("currency");
        f.ctx.error(
            &path,
            crate::msg!("an amount needs a currency (an ISO 4217 code such as \"CNY\")"),
        );
    }
    if let Some(c) = &p.currency
        && !(c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
    {
        let path = f.path("currency");
        f.ctx.error(
            &path,
            crate::msg!(
                "expected a three-letter ISO 4217 code such as \"CNY\", found {}",
                format!("{:?}", c)
            ),
        );
    }
    p.extra = compact(std::mem::take(f.props));
    check_qualifier(f, &p.extra, "amount_qualifier");
    if let Some(s) = p.extra.get("scope")
        && !matches!(s.as_str(), Some("park" | "city_wide"))
    {
        let path = f.path("scope");
        f.ctx.error(
            &path,
            crate::msg!("expected \"park\" or \"city_wide\", found {}", s),
        );
    }
    p
}

/// A qualifier must be one of [`crate::model::QUALIFIERS`].
fn check_qualifier(f: &mut Fields<'_, '_>, extra: &Map<String, Value>, key: &str) {
    if let Some(q) = extra.get(key)
        && !q
            .as_str()
            .is_some_and(|q| crate::model::QUALIFIERS.contains(&q))
    {
        let path = f.path(key);
        f.ctx.error(
            &path,
            crate::msg!(
                "expected one of {}, found {}",
                format!("{:?}", crate::model::QUALIFIERS),
                q
            ),
        );
    }
}

pub(super) fn read_target(f: &mut Fields<'_, '_>) -> Target {
    let mut t = Target {
        year: f.opt_year("year"),
        metric: f.opt_str("metric"),
        value: None,
        unit: f.opt_str("unit"),
        text: f.opt_str("text"),
        source_ids: f.str_list("source_ids"),
        extra: Map::new(),
    };
    t.value = match f.props.shift_remove("value") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_f64(),
        Some(other) => {
            let path = f.path("value");
            f.ctx.error(
                &path,
                crate::msg!(
                    "expected a number (put words in \"text\"), found {}",
                    describe(&other)
                ),
            );
            None
        }
    };
    t.extra = compact(std::mem::take(f.props));
    check_qualifier(f, &t.extra, "value_qualifier");
    if let Some(u) = t
        .unit
        .as_deref()
        .filter(|u| u.contains('(') || u.contains('（'))
    {
        let path = f.path("unit");
        f.ctx.error(
            &path,
            crate::msg!("a unit is only the unit ({}): put \"about\" or \"more than\" in value_qualifier and glosses in note", format!("{:?}", u)),
        );
    }
    t
}

pub(super) fn read_sources(f: &mut Fields<'_, '_>) -> Sources {
    let mut out = Sources::new();
    let obj = match f.props.shift_remove("sources") {
        None | Some(Value::Null) => return out,
        Some(Value::Object(o)) => o,
        Some(other) => {
            let path = f.path("sources");
            f.ctx.error(
                &path,
                crate::msg!(
                    "expected an object of sources by id, found {}",
                    describe(&other)
                ),
            );
            return out;
        }
    };
    for (id, v) in obj {
        let prefix = format!("{}sources.{id}.", f.prefix);
        let Value::Object(mut o) = v else {
            let p = prefix.trim_end_matches('.').to_owned();
            f.ctx.error(
                &p,
                crate::msg!(
                    "expected a source object (title, outlet, date, url), found {}",
                    describe(&v)
                ),
            );
            continue;
        };
        let mut sub = Fields {
            ctx: &mut *f.ctx,
            props: &mut o,
            prefix,
        };
        let s = Source {
            title: sub.opt_str("title"),
            outlet: sub.opt_str("outlet"),
            date: sub.opt_str("date"),
            url: sub.opt_str("url"),
            quality: sub.opt_str("quality"),
            extra: Map::new(),
        };
        out.insert(
            id,
            Source {
                extra: compact(o),
                ..s
            },
        );
    }
    out
}

/// The members left after the known ones were taken out, without the room the taken ones used
/// (an emptied map keeps its capacity: 100,000 projects would keep 100 MB of it).
pub(super) fn compact(mut m: Map<String, Value>) -> Map<String, Value> {
    if m.is_empty() {
        Map::new()
    } else {
        // Rebuilt at its own size (serde_json's map has no shrink_to_fit).
        let mut out = Map::with_capacity(m.len());
        out.extend(std::mem::take(&mut m));
        out
    }
}
