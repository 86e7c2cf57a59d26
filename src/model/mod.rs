//! The domain as plain data: an [`Atlas`] of counties and parks, the industry taxonomy and the
//! city-wide figures. Nothing here knows about files, egui or the map.

mod bilingual;
pub(crate) mod features;
mod layers;
mod taxonomy;

pub use bilingual::{
    CLAIM_TEXTS, COMPONENT_TEXTS, FACT_TEXTS, FIGURE_TEXTS, PARK_TEXTS, PROJECT_TEXTS,
    TARGET_TEXTS, has_chinese, member_text, needs_chinese, untranslated,
};
pub use features::{Features, FlatGeometry, Part, PolygonRings};
pub use layers::{FeatureLayer, LAYER_COLORS, LayerStyle};

pub use taxonomy::{Cluster, ClusterGroup, Taxonomy, parse_hex_color, taxonomy_check};

use std::collections::BTreeMap;
use std::fmt;

use geo::Geometry;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A JSON object of properties we do not model, kept so that they survive load → export.
pub type Extra = Map<String, Value>;

/// A source a figure rests on: an article, a plan, a data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Source {
    /// Title of the document, where the reference gives one.
    pub title: Option<String>,
    /// Who published it (outlet, agency) or what kind of document it is.
    pub outlet: Option<String>,
    /// Publication date as given by the source (free text: "2021-12-03", "c. 2017").
    pub date: Option<String>,
    /// Web address, or a textual locator when the source has no address.
    pub url: Option<String>,
    /// How far the source can be trusted, in the researcher's words.
    pub quality: Option<String>,
    /// Members of the source object we do not model.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Source {
    /// The address when it is a clickable web link (http or https), else `None`; a remark
    /// after it ("https://www.geonames.org/ (cities1000 extract …)") is not part of the link.
    pub fn link(&self) -> Option<&str> {
        self.url
            .as_deref()
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            .and_then(|u| u.split_whitespace().next())
    }
}

/// Sources of a park or of the city-wide figures, by id.
pub type Sources = BTreeMap<String, Source>;

/// Administrative rank of a park.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Approved by the State Council.
    National,
    /// Approved by Guangdong province.
    Provincial,
    /// Set up by the city.
    Municipal,
    /// No source confirms a rank.
    Unknown,
}

impl Tier {
    /// Every tier, in display order.
    pub const ALL: [Tier; 4] = [
        Tier::National,
        Tier::Provincial,
        Tier::Municipal,
        Tier::Unknown,
    ];

    /// The identifier used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::National => "national",
            Tier::Provincial => "provincial",
            Tier::Municipal => "municipal",
            Tier::Unknown => "unknown",
        }
    }

    /// Parses the identifier used in files.
    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The tier as Chinese text says it (国家级, 省级, 市级, 未知), or its identifier.
    pub fn name(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Tier::National, true) => "国家级",
            (Tier::Provincial, true) => "省级",
            (Tier::Municipal, true) => "市级",
            (Tier::Unknown, true) => "未知",
            (other, false) => other.as_str(),
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What part a feature plays in the city's "1+N" layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The "1": the large industrial agglomeration zone.
    AgglomerationZone,
    /// A section of the "1" (Donghai Island/ETDZ, Fenyong, Leizhou–Wushi).
    AgglomerationSection,
    /// A county's "N" park: one provincial park per county-level division.
    CountyPark,
    /// Another park or development zone.
    Park,
    /// A large enterprise site inside (or beside) a park.
    AnchorSite,
    /// A port, airport or similar site that parks are planned around.
    Infrastructure,
    /// A designation (a demonstration title) rather than a place of its own.
    Designation,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 7] = [
        Role::AgglomerationZone,
        Role::AgglomerationSection,
        Role::CountyPark,
        Role::Park,
        Role::AnchorSite,
        Role::Infrastructure,
        Role::Designation,
    ];

    /// The identifier used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::AgglomerationZone => "agglomeration_zone",
            Role::AgglomerationSection => "agglomeration_section",
            Role::CountyPark => "county_park",
            Role::Park => "park",
            Role::AnchorSite => "anchor_site",
            Role::Infrastructure => "infrastructure",
            Role::Designation => "designation",
        }
    }

    /// Parses the identifier used in files.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// How much ground a feature of this role typically covers, from 0 (a designation on a
    /// site) to 4 (the agglomeration zone). Maps draw larger features first so that smaller
    /// ones stay on top, and hit-tests prefer smaller ones: one order, used both ways.
    pub fn extent_rank(self) -> u8 {
        match self {
            Role::Designation => 0,
            Role::AnchorSite | Role::Infrastructure => 1,
            Role::CountyPark | Role::Park => 2,
            Role::AgglomerationSection => 3,
            Role::AgglomerationZone => 4,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A signed or running project in a park.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Project {
    /// Chinese name.
    pub name_zh: Option<String>,
    /// English name.
    pub name_en: Option<String>,
    /// Investor or operator.
    pub investor: Option<String>,
    /// Investment in whole units of `currency` (yuan, euros); `None` when no source gives one.
    pub amount: Option<f64>,
    /// ISO 4217 code of `amount` ("CNY", "EUR").
    pub currency: Option<String>,
    /// Year the amount was reported for.
    pub year: Option<i32>,
    /// Project status in the source's words.
    pub status: Option<String>,
    /// When that status was reported.
    pub status_date: Option<String>,
    /// Cluster ids of the project.
    pub clusters: Vec<String>,
    /// Ids (keys of the park's `sources`) that support this record.
    pub source_ids: Vec<String>,
    /// Further members (amount_text, amount_note, capacity, …).
    pub extra: Extra,
}

impl Project {
    /// The name in the preferred language, falling back to the other one.
    pub fn name(&self, chinese: bool) -> &str {
        pick_name(&self.name_zh, &self.name_en, chinese)
    }
}

/// A planned target of a park (output, investment, a milestone).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Target {
    /// Target year; `None` when open or given as a period.
    pub year: Option<i32>,
    /// What is measured.
    pub metric: Option<String>,
    /// The number, when there is one.
    pub value: Option<f64>,
    /// Unit of `value` ("亿元").
    pub unit: Option<String>,
    /// The target in words.
    pub text: Option<String>,
    /// Supporting source ids.
    pub source_ids: Vec<String>,
    /// Further members (note, article_only, …).
    pub extra: Extra,
}

impl Target {
    /// True when only the 2021 conference article makes this claim.
    pub fn article_only(&self) -> bool {
        self.extra.get("article_only") == Some(&Value::Bool(true))
    }
}

/// A park, zone, anchor site or other place in the parks file.
#[derive(Debug, Clone, PartialEq)]
pub struct Park {
    /// Stable identifier.
    pub id: String,
    /// Chinese name.
    pub name_zh: Option<String>,
    /// English name.
    pub name_en: Option<String>,
    /// Adcodes of the county-level divisions it lies in.
    pub county_adcodes: Vec<String>,
    /// Administrative rank.
    pub tier: Tier,
    /// Part in the "1+N" layout.
    pub role: Role,
    /// The zone it sits inside.
    pub parent_id: Option<String>,
    /// Area in km², when a source gives one.
    pub area_km2: Option<f64>,
    /// Planned industry cluster ids.
    pub clusters: Vec<String>,
    /// Signed or running projects.
    pub projects: Vec<Project>,
    /// Targets.
    pub targets: Vec<Target>,
    /// How far the drawn location may be off, in km; `None` if it is exact or unknown.
    pub location_accuracy_km: Option<f64>,
    /// Sources by id.
    pub sources: Sources,
    /// Where it is (WGS-84); `None` when no location is known.
    pub geometry: Option<Geometry<f64>>,
    /// All other properties, in file order (tier_detail, area_note, notes, …).
    pub extra: Extra,
}

impl Park {
    /// Clusters of its signed projects that its plan does not list (a park hosts a cluster it
    /// plans or one a project of it belongs to).
    pub fn project_only_clusters(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for c in self.projects.iter().flat_map(|pr| &pr.clusters) {
            if !self.clusters.contains(c) && !out.contains(&c.as_str()) {
                out.push(c);
            }
        }
        out
    }

    /// Every cluster it hosts: the planned ones, then those only its projects have.
    pub fn hosted_clusters(&self) -> impl Iterator<Item = &str> {
        self.clusters
            .iter()
            .map(String::as_str)
            .chain(self.project_only_clusters())
    }

    /// The name in the preferred language, falling back to the other one, then to the id.
    pub fn name(&self, chinese: bool) -> &str {
        let n = pick_name(&self.name_zh, &self.name_en, chinese);
        if n.is_empty() { &self.id } else { n }
    }

    /// A string property from `extra` (e.g. "tier_detail", "area_note", "location_note").
    pub fn text(&self, key: &str) -> Option<&str> {
        self.extra.get(key).and_then(Value::as_str)
    }

    /// Source ids listed under an `extra` member such as "area_source_ids".
    pub fn source_ids(&self, key: &str) -> Vec<&str> {
        self.extra
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// Whether the location is approximate (it has an accuracy radius).
    pub fn is_approximate(&self) -> bool {
        self.location_accuracy_km.is_some_and(|km| km > 0.0)
    }
}

/// A county-level division (district, county, county-level city).
#[derive(Debug, Clone, PartialEq)]
pub struct County {
    /// Six-digit administrative code.
    pub adcode: String,
    /// Chinese name.
    pub name_zh: Option<String>,
    /// English name.
    pub name_en: Option<String>,
    /// "district", "county" or "county_level_city".
    pub kind: Option<String>,
    /// Boundary (WGS-84).
    pub geometry: Option<Geometry<f64>>,
    /// Other properties.
    pub extra: Extra,
}

impl County {
    /// The name in the preferred language, falling back to the other one, then to the adcode.
    pub fn name(&self, chinese: bool) -> &str {
        let n = pick_name(&self.name_zh, &self.name_en, chinese);
        if n.is_empty() { &self.adcode } else { n }
    }
}

/// A feature that is neither a park nor a county (e.g. from a QGIS export): kept as it came.
#[derive(Debug, Clone, PartialEq)]
pub struct GenericFeature {
    /// The feature's `id` member, if any.
    pub id: Option<Value>,
    /// All its properties.
    pub properties: Extra,
    /// Its geometry.
    pub geometry: Option<Geometry<f64>>,
}

/// The words an amount or a value may be qualified with (`amount_qualifier` of a project,
/// `value_qualifier` of a target, `qualifier` of a city figure). Anything else is refused on
/// load; a unit carries no qualifier.
pub const QUALIFIERS: [&str; 4] = ["about", "more than", "at least", "up to"];

impl Target {
    /// The target in words in the preferred language (`text_zh` / `text`, else the metric),
    /// and whether it fell back to the other language.
    pub fn text_in(&self, chinese: bool) -> (&str, bool) {
        let zh = self.extra.get("text_zh").and_then(Value::as_str);
        let en = self.text.as_deref().or(self.metric.as_deref());
        pick_text(zh, en, chinese)
    }
}

impl Project {
    /// A batch the source gives for the whole city (`"scope": "city_wide"`): listed with the
    /// park that reported it, but kept out of the park's totals.
    pub fn is_city_wide(&self) -> bool {
        self.extra.get("scope").and_then(Value::as_str) == Some("city_wide")
    }
}

/// One city-wide figure (e.g. 195 signed projects, 2016–2020).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Identifier.
    pub id: String,
    /// Label in Chinese.
    pub label_zh: String,
    /// Label in English.
    pub label_en: String,
    /// The number; `None` where the figure is only text.
    pub value: Option<f64>,
    /// Unit of `value` ("projects", "CNY", "%").
    pub unit: Option<String>,
    /// The period or date the figure is for.
    pub period: Option<String>,
    /// The same in Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_zh: Option<String>,
    /// The figure as the source states it, in English.
    pub text: String,
    /// The same in Chinese (the source's own words where it is Chinese).
    #[serde(default)]
    pub text_zh: Option<String>,
    /// Supporting source ids.
    pub source_ids: Vec<String>,
    /// True when only the 2021 conference article makes the claim.
    #[serde(default)]
    pub article_only: bool,
    /// A caveat.
    #[serde(default)]
    pub note: Option<String>,
    /// The caveat in Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_zh: Option<String>,
    /// "more than", "about", …
    #[serde(default)]
    pub qualifier: Option<String>,
}

impl Figure {
    /// The text in the preferred language, and whether it fell back to the other one.
    pub fn text_in(&self, chinese: bool) -> (&str, bool) {
        pick_text(self.text_zh.as_deref(), Some(&self.text), chinese)
    }

    /// The period in the preferred language, and whether it fell back.
    pub fn period_in(&self, chinese: bool) -> Option<(&str, bool)> {
        bilingual::picked(self.period_zh.as_deref(), self.period.as_deref(), chinese)
    }

    /// The caveat in the preferred language, and whether it fell back.
    pub fn note_in(&self, chinese: bool) -> Option<(&str, bool)> {
        bilingual::picked(self.note_zh.as_deref(), self.note.as_deref(), chinese)
    }
}

/// The city-wide figures with their sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Citywide {
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// The figures.
    pub figures: Vec<Figure>,
    /// Sources by id.
    pub sources: Sources,
    /// Other members (event, facts, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// Everything the app shows: counties, parks, other features, the taxonomy and city figures.
#[derive(Debug, Clone, Default)]
pub struct Atlas {
    /// County-level divisions.
    pub counties: Vec<County>,
    /// Parks, zones and sites, in file order.
    pub parks: Vec<Park>,
    /// Features that follow neither schema, from any loaded file (each in one of `layers`).
    pub others: Features,
    /// The opened files' features as layers, in drawing order (bottom first).
    pub layers: Vec<FeatureLayer>,
    /// Industry clusters.
    pub taxonomy: Taxonomy,
    /// City-wide figures, when the dataset has them.
    pub citywide: Option<Citywide>,
    /// Basemap land polygons, when the dataset has them.
    pub land: Vec<Geometry<f64>>,
    /// Park id → index, built on the first lookup.
    pub ids: IdIndex,
}

/// A park-id lookup table, built on first use. A clone starts empty (the parks of a cloned
/// atlas are often replaced), and a lookup that finds a stale entry searches the list instead,
/// so the table can never give a wrong answer.
#[derive(Debug, Default)]
pub struct IdIndex(std::sync::OnceLock<std::collections::HashMap<String, usize>>);

impl Clone for IdIndex {
    fn clone(&self) -> Self {
        IdIndex::default()
    }
}

impl Atlas {
    /// Puts the parks with these ids as they are in `parks`: replaced in place, added at the
    /// end, or, for an id `parks` lacks, removed (what a store says of them now).
    pub fn put_parks(&mut self, ids: &[String], parks: &[Park]) {
        for id in ids {
            let now = parks.iter().find(|p| &p.id == id);
            match (self.park_index(id), now) {
                (Some(i), Some(p)) => self.parks[i] = p.clone(),
                (None, Some(p)) => self.parks.push(p.clone()),
                (Some(i), None) => {
                    self.parks.remove(i);
                }
                (None, None) => {}
            }
            self.ids = IdIndex::default();
        }
    }

    /// Index of the park with this id (the first, if several have it).
    pub fn park_index(&self, id: &str) -> Option<usize> {
        let map = self.ids.0.get_or_init(|| {
            let mut m = std::collections::HashMap::with_capacity(self.parks.len());
            for (i, p) in self.parks.iter().enumerate() {
                m.entry(p.id.clone()).or_insert(i);
            }
            m
        });
        match map.get(id) {
            Some(&i) if self.parks.get(i).is_some_and(|p| p.id == id) => Some(i),
            _ => self.parks.iter().position(|p| p.id == id),
        }
    }

    /// The park with this id.
    pub fn park(&self, id: &str) -> Option<&Park> {
        self.park_index(id).and_then(|i| self.parks.get(i))
    }

    /// The county with this adcode.
    pub fn county(&self, adcode: &str) -> Option<&County> {
        self.counties.iter().find(|c| c.adcode == adcode)
    }

    /// Names of a park's counties in the preferred language, joined with ", ".
    pub fn county_names(&self, park: &Park, chinese: bool) -> String {
        park.county_adcodes
            .iter()
            .map(|a| self.county(a).map_or(a.as_str(), |c| c.name(chinese)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Resolves a county given as an adcode or a name (zh or en, case-insensitive, with or
    /// without the "District"/"County" suffix).
    pub fn resolve_county(&self, query: &str) -> Option<&County> {
        let q = query.trim().to_lowercase();
        self.counties.iter().find(|c| {
            c.adcode == q
                || c.name_zh
                    .as_deref()
                    .is_some_and(|n| n == q || n.trim_end_matches(['区', '县', '市']) == q)
                || c.name_en.as_deref().is_some_and(|n| {
                    let n = n.to_lowercase();
                    n == q || n.split([' ', '(']).next() == Some(q.as_str())
                })
        })
    }
}

/// A text in the preferred language from its Chinese and English versions (empty ones count as
/// missing), and whether it fell back to the other language.
pub fn pick_text<'a>(zh: Option<&'a str>, en: Option<&'a str>, chinese: bool) -> (&'a str, bool) {
    let (zh, en) = (zh.filter(|s| !s.is_empty()), en.filter(|s| !s.is_empty()));
    let (first, second) = if chinese { (zh, en) } else { (en, zh) };
    match (first, second) {
        (Some(t), _) => (t, false),
        (None, Some(t)) => (t, true),
        (None, None) => ("", false),
    }
}

/// A short label: the name up to its first bracket (map labels, pictures).
pub fn short_name(name: &str) -> &str {
    let cut = ["(", "（"].iter().filter_map(|b| name.find(b)).min();
    cut.map_or(name, |i| name[..i].trim_end())
}

fn pick_name<'a>(zh: &'a Option<String>, en: &'a Option<String>, chinese: bool) -> &'a str {
    let (first, second) = if chinese { (zh, en) } else { (en, zh) };
    first
        .as_deref()
        .filter(|s| !s.is_empty())
        .or(second.as_deref())
        .unwrap_or("")
}
