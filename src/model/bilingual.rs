//! Texts in two languages. Every text a user sees is stored in English under its key and in
//! Chinese under `<key>_zh` beside it (`location_note` / `location_note_zh`); the interface picks
//! one and says when it had to fall back to the other. [`untranslated`] lists the texts that
//! lack their Chinese, so a test can hold the embedded data to it.

use serde_json::{Map, Value};

use super::{Atlas, Park, Project, Source, Sources, pick_text};

/// The text members of a park's properties the details show.
pub const PARK_TEXTS: [&str; 8] = [
    "name_alias",
    "county_text",
    "tier_detail",
    "area_note",
    "location_note",
    "clusters_note",
    "notes",
    "confidence",
];
/// The text members of a park's `article_claim`.
pub const CLAIM_TEXTS: [&str; 2] = ["claim", "verification"];
/// The text members of one of a park's `location_components`.
pub const COMPONENT_TEXTS: [&str; 1] = ["name"];
/// The text members of a project (besides its two names).
pub const PROJECT_TEXTS: [&str; 5] = ["investor", "status", "status_date", "amount_note", "note"];
/// The text members of a target.
pub const TARGET_TEXTS: [&str; 2] = ["text", "note"];
/// The text members of a fact (a park's or the city's).
pub const FACT_TEXTS: [&str; 1] = ["text"];
/// The text members of a source the source lists show (its title stays as published).
pub const SOURCE_TEXTS: [&str; 3] = ["outlet", "date", "quality"];
/// The text members of a city-wide figure.
pub const FIGURE_TEXTS: [&str; 3] = ["text", "period", "note"];

/// The member `key` of a JSON object in the preferred language (`<key>_zh` is the Chinese),
/// and whether it fell back to the other language; `None` when neither is there.
pub fn member_text<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    chinese: bool,
) -> Option<(&'a str, bool)> {
    let en = object.get(key).and_then(Value::as_str);
    let zh = object.get(&format!("{key}_zh")).and_then(Value::as_str);
    picked(zh, en, chinese)
}

/// [`pick_text`], `None` for no text, and a fallback only when the text shown has words of
/// the other language: a date like "2010-06" shown for a missing Chinese is not one.
pub(crate) fn picked<'a>(
    zh: Option<&'a str>,
    en: Option<&'a str>,
    chinese: bool,
) -> Option<(&'a str, bool)> {
    let (text, fell_back) = pick_text(zh, en, chinese);
    let other_words = if chinese {
        needs_chinese(text)
    } else {
        has_chinese(text)
    };
    (!text.is_empty()).then_some((text, fell_back && other_words))
}

/// True when a text has words to translate: two or more Latin letters in a row. Dates, numbers,
/// codes like "5G" and texts already in Chinese need no second version.
pub fn needs_chinese(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_alphabetic() { run + 1 } else { 0 };
        if run >= 2 {
            return true;
        }
    }
    false
}

/// True when a text has at least one Chinese character.
pub fn has_chinese(text: &str) -> bool {
    text.chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c))
}

impl Park {
    /// A text property in the preferred language (`key` / `<key>_zh`), and whether it fell
    /// back to the other language.
    pub fn text_in(&self, key: &str, chinese: bool) -> Option<(&str, bool)> {
        member_text(&self.extra, key, chinese)
    }
}

impl Project {
    /// A text member (`investor`, `status`, `status_date`, `amount_note`, `note`) in the
    /// preferred language, and whether it fell back to the other language.
    pub fn text_in(&self, key: &str, chinese: bool) -> Option<(&str, bool)> {
        let en = match key {
            "investor" => self.investor.as_deref(),
            "status" => self.status.as_deref(),
            "status_date" => self.status_date.as_deref(),
            _ => self.extra.get(key).and_then(Value::as_str),
        };
        let zh = self.extra.get(&format!("{key}_zh")).and_then(Value::as_str);
        picked(zh, en, chinese)
    }
}

impl Source {
    /// `outlet`, `date` or `quality` in the preferred language, and whether it fell back.
    pub fn text_in(&self, key: &str, chinese: bool) -> Option<(&str, bool)> {
        let en = match key {
            "outlet" => self.outlet.as_deref(),
            "date" => self.date.as_deref(),
            "quality" => self.quality.as_deref(),
            _ => self.extra.get(key).and_then(Value::as_str),
        };
        picked(zh_of(&self.extra, key), en, chinese)
    }
}

fn check_sources(missing: &mut Vec<String>, at: &str, sources: &Sources) {
    for (id, s) in sources {
        for k in SOURCE_TEXTS {
            let en = s.text_in(k, false).filter(|t| !t.1).map(|t| t.0);
            check(
                missing,
                &format!("{at} sources.{id}"),
                k,
                en,
                zh_of(&s.extra, k),
            );
        }
    }
}

fn str_of<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str)
}

fn zh_of<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    o.get(&format!("{key}_zh")).and_then(Value::as_str)
}

/// Adds "at: key" to `missing` when `en` has words to translate and `zh` no Chinese.
fn check(missing: &mut Vec<String>, at: &str, key: &str, en: Option<&str>, zh: Option<&str>) {
    if en.is_some_and(needs_chinese) && !zh.is_some_and(has_chinese) {
        missing.push(format!("{at}: {key}"));
    }
}

fn check_object(missing: &mut Vec<String>, at: &str, o: &Map<String, Value>, keys: &[&str]) {
    for k in keys {
        check(missing, at, k, str_of(o, k), zh_of(o, k));
    }
}

/// Every text a user sees that has words to translate but no Chinese beside it, as
/// "where: key" (e.g. "zhanjiang_etdz: location_note", "figure signed_projects: period").
pub fn untranslated(atlas: &Atlas) -> Vec<String> {
    let mut missing = Vec::new();
    let m = &mut missing;
    check_sources(m, "clusters.json", &atlas.taxonomy.sources);
    for c in &atlas.taxonomy.clusters {
        let at = format!("cluster {}", c.id);
        check(m, &at, "alias", c.alias.as_deref(), c.alias_zh.as_deref());
    }
    for p in &atlas.parks {
        check_object(m, &p.id, &p.extra, &PARK_TEXTS);
        check_sources(m, &p.id, &p.sources);
        if let Some(claim) = p.extra.get("article_claim").and_then(Value::as_object) {
            check_object(m, &format!("{} article_claim", p.id), claim, &CLAIM_TEXTS);
        }
        let array = |k: &str| {
            p.extra
                .get(k)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
        };
        for (i, c) in array("location_components").enumerate() {
            let at = format!("{} location_components[{i}]", p.id);
            check_object(m, &at, c, &COMPONENT_TEXTS);
        }
        for (i, f) in array("facts").enumerate() {
            check_object(m, &format!("{} facts[{i}]", p.id), f, &FACT_TEXTS);
        }
        for (i, pr) in p.projects.iter().enumerate() {
            let at = format!("{} projects[{i}]", p.id);
            for k in PROJECT_TEXTS {
                // The English (typed member or extra), never the Chinese it falls back to.
                let en = pr.text_in(k, false).filter(|t| !t.1).map(|t| t.0);
                check(m, &at, k, en, zh_of(&pr.extra, k));
            }
        }
        for (i, t) in p.targets.iter().enumerate() {
            let at = format!("{} targets[{i}]", p.id);
            check(m, &at, "text", t.text.as_deref(), zh_of(&t.extra, "text"));
            check_object(m, &at, &t.extra, &["note"]);
        }
    }
    if let Some(city) = &atlas.citywide {
        check_sources(m, "city", &city.sources);
        for f in &city.figures {
            let at = format!("figure {}", f.id);
            check(m, &at, "text", Some(&f.text), f.text_zh.as_deref());
            check(
                m,
                &at,
                "period",
                f.period.as_deref(),
                f.period_zh.as_deref(),
            );
            check(m, &at, "note", f.note.as_deref(), f.note_zh.as_deref());
        }
        let facts = city.extra.get("facts").and_then(Value::as_array);
        for (i, f) in facts.into_iter().flatten().enumerate() {
            if let Some(f) = f.as_object() {
                check_object(m, &format!("city facts[{i}]"), f, &FACT_TEXTS);
            }
        }
    }
    missing
}
