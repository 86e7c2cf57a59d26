//! Filters, selections and summaries: pure functions over an [`Atlas`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::{Atlas, Park, Project, Role, Tier};

/// Which parks to show. Within one facet any value matches (any-of); facets combine with AND;
/// an empty facet does not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Cluster ids: a park matches when it plans any of them.
    pub clusters: BTreeSet<String>,
    /// Cluster group ids ("pillar"): a park matches when it plans any cluster of any of them.
    pub groups: BTreeSet<String>,
    /// County adcodes: a park matches when it lies in any of them.
    pub counties: BTreeSet<String>,
    /// Tiers.
    pub tiers: BTreeSet<Tier>,
    /// Roles.
    pub roles: BTreeSet<Role>,
    /// Free text, case-insensitive, matched against ids, zh/en names, project names and
    /// investors. Several words must all match.
    pub text: String,
}

impl Filter {
    /// True when the filter lets every park through.
    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
            && self.groups.is_empty()
            && self.counties.is_empty()
            && self.tiers.is_empty()
            && self.roles.is_empty()
            && self.text.trim().is_empty()
    }

    /// Whether one park passes.
    pub fn matches(&self, atlas: &Atlas, park: &Park) -> bool {
        if !self.matches_facets(atlas, park) {
            return false;
        }
        let text = self.text.trim().to_lowercase();
        text.split_whitespace().all(|word| text_matches(park, word))
    }

    /// Whether one park passes every filter but the search text.
    fn matches_facets(&self, atlas: &Atlas, park: &Park) -> bool {
        // A park matches a cluster it plans or one a project of it belongs to.
        if !self.clusters.is_empty() && !park.hosted_clusters().any(|c| self.clusters.contains(c)) {
            return false;
        }
        if !self.groups.is_empty()
            && !park
                .hosted_clusters()
                .filter_map(|c| atlas.taxonomy.cluster(c))
                .any(|c| self.groups.contains(&c.group))
        {
            return false;
        }
        if !self.counties.is_empty()
            && !park
                .county_adcodes
                .iter()
                .any(|a| self.counties.contains(a))
        {
            return false;
        }
        if !self.tiers.is_empty() && !self.tiers.contains(&park.tier) {
            return false;
        }
        if !self.roles.is_empty() && !self.roles.contains(&park.role) {
            return false;
        }
        true
    }
}

/// The searchable text of every park (id, names, project names, investors), lowercased once,
/// so that typing in the search box does not lowercase every park's fields on each key.
#[derive(Debug, Clone, Default)]
pub struct TextIndex(Vec<String>);

impl TextIndex {
    /// Builds the index of an atlas.
    pub fn build(atlas: &Atlas) -> TextIndex {
        TextIndex(
            atlas
                .parks
                .iter()
                .map(|p| {
                    let mut t = p.id.to_lowercase();
                    let mut add = |s: &Option<String>| {
                        if let Some(s) = s {
                            // A line per field: words never match across two fields.
                            t.push('\n');
                            t.push_str(&s.to_lowercase());
                        }
                    };
                    add(&p.name_zh);
                    add(&p.name_en);
                    for pr in &p.projects {
                        add(&pr.name_zh);
                        add(&pr.name_en);
                        add(&pr.investor);
                    }
                    t
                })
                .collect(),
        )
    }
}

/// [`filter_parks`] with a prepared [`TextIndex`] of the same atlas.
pub fn filter_parks_indexed(atlas: &Atlas, filter: &Filter, index: &TextIndex) -> Vec<usize> {
    let words: Vec<String> = filter
        .text
        .to_lowercase()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        return filter_parks(atlas, filter);
    }
    atlas
        .parks
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            index.0.get(*i).is_some_and(|h| {
                filter.matches_facets(atlas, p) && words.iter().all(|w| h.contains(w.as_str()))
            })
        })
        .map(|(i, _)| i)
        .collect()
}

fn text_matches(park: &Park, word: &str) -> bool {
    let has = |s: &Option<String>| {
        s.as_deref()
            .is_some_and(|s| s.to_lowercase().contains(word))
    };
    park.id.to_lowercase().contains(word)
        || has(&park.name_zh)
        || has(&park.name_en)
        || park
            .projects
            .iter()
            .any(|p| has(&p.name_zh) || has(&p.name_en) || has(&p.investor))
}

/// Indices of the parks that pass `filter`, in atlas order.
pub fn filter_parks(atlas: &Atlas, filter: &Filter) -> Vec<usize> {
    atlas
        .parks
        .iter()
        .enumerate()
        .filter(|(_, p)| filter.matches(atlas, p))
        .map(|(i, _)| i)
        .collect()
}

/// A set of selected parks, by id (ids survive reloading the data; indices do not).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    ids: BTreeSet<String>,
}

impl Selection {
    /// Replaces the selection with one park.
    pub fn select_only(&mut self, id: &str) {
        self.ids.clear();
        self.ids.insert(id.to_owned());
    }
    /// Adds a park if absent, removes it if present.
    pub fn toggle(&mut self, id: &str) {
        if !self.ids.remove(id) {
            self.ids.insert(id.to_owned());
        }
    }
    /// Adds parks.
    pub fn extend<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        self.ids.extend(ids.into_iter().map(str::to_owned));
    }
    /// Empties the selection.
    pub fn clear(&mut self) {
        self.ids.clear();
    }
    /// Whether a park is selected.
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }
    /// Number of selected parks.
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    /// True when nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    /// Selected ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }
    /// Drops ids the atlas no longer has (after loading other data).
    pub fn retain_known(&mut self, atlas: &Atlas) {
        self.ids.retain(|id| atlas.park(id).is_some());
    }
    /// The selected parks, in atlas order.
    pub fn parks<'a>(&self, atlas: &'a Atlas) -> Vec<&'a Park> {
        atlas
            .parks
            .iter()
            .filter(|p| self.ids.contains(&p.id))
            .collect()
    }
}

/// Totals over a set of parks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Parks in the set.
    pub parks: usize,
    /// Projects in those parks.
    pub projects: usize,
    /// Projects with a known amount.
    pub projects_with_amount: usize,
    /// Sum of known amounts per currency code; currencies are never added together.
    pub totals: BTreeMap<String, f64>,
    /// Parks per cluster id.
    pub parks_per_cluster: BTreeMap<String, usize>,
    /// City-wide batches reported with these parks (not in `projects` or `totals`).
    pub city_wide_projects: usize,
    /// Their amounts per currency, apart.
    pub city_wide_totals: BTreeMap<String, f64>,
}

/// Sums a set of parks.
pub fn summarize(_atlas: &Atlas, parks: &[&Park]) -> Summary {
    let mut s = Summary {
        parks: parks.len(),
        ..Summary::default()
    };
    for p in parks {
        for c in &p.clusters {
            *s.parks_per_cluster.entry(c.clone()).or_default() += 1;
        }
        for pr in &p.projects {
            if pr.is_city_wide() {
                s.city_wide_projects += 1;
                if let (Some(a), Some(c)) = (pr.amount, &pr.currency) {
                    *s.city_wide_totals.entry(c.clone()).or_default() += a;
                }
                continue;
            }
            s.projects += 1;
            if let (Some(a), Some(c)) = (pr.amount, &pr.currency) {
                s.projects_with_amount += 1;
                *s.totals.entry(c.clone()).or_default() += a;
            }
        }
    }
    s
}

/// Signed investment per cluster and currency: each project's amount counts for the project's
/// own clusters, or for its park's clusters when the project names none.
pub fn investment_by_cluster(parks: &[&Park]) -> BTreeMap<(String, String), f64> {
    let mut out = BTreeMap::new();
    for p in parks {
        for pr in p.projects.iter().filter(|pr| !pr.is_city_wide()) {
            let (Some(a), Some(cur)) = (pr.amount, &pr.currency) else {
                continue;
            };
            let clusters = if pr.clusters.is_empty() {
                &p.clusters
            } else {
                &pr.clusters
            };
            for c in clusters {
                *out.entry((c.clone(), cur.clone())).or_insert(0.0) += a;
            }
        }
    }
    out
}

/// Formats an amount for people: "696.8 亿 CNY" style in Chinese, "69.68 bn CNY" in English.
pub fn format_amount(amount: f64, currency: &str, chinese: bool) -> String {
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    };
    if chinese && amount >= 1e8 {
        format!("{} 亿 {currency}", trim(format!("{:.2}", amount / 1e8)))
    } else if amount >= 1e9 {
        format!("{} bn {currency}", trim(format!("{:.2}", amount / 1e9)))
    } else if amount >= 1e6 {
        format!("{} m {currency}", trim(format!("{:.2}", amount / 1e6)))
    } else {
        format!("{} {currency}", trim(format!("{amount:.2}")))
    }
}

/// The numbers of one county for a set of parks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CountyStats {
    /// Six-digit adcode.
    pub adcode: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Parks that list this county.
    pub parks: usize,
    /// Their projects.
    pub projects: usize,
    /// Signed investment per currency (never added across currencies).
    pub totals: BTreeMap<String, f64>,
}

/// Per-county numbers for the parks at `indices`, one row per county of the atlas in file
/// order. A park listing several counties counts in each of them.
pub fn stats_by_county(atlas: &Atlas, indices: &[usize]) -> Vec<CountyStats> {
    let mut rows: Vec<CountyStats> = atlas
        .counties
        .iter()
        .map(|c| CountyStats {
            adcode: c.adcode.clone(),
            name_zh: c.name_zh.clone().unwrap_or_default(),
            name_en: c.name_en.clone().unwrap_or_default(),
            ..CountyStats::default()
        })
        .collect();
    for p in indices.iter().filter_map(|&i| atlas.parks.get(i)) {
        let s = summarize(atlas, &[p]);
        for a in &p.county_adcodes {
            if let Some(row) = rows.iter_mut().find(|r| &r.adcode == a) {
                row.parks += 1;
                row.projects += s.projects;
                for (cur, v) in &s.totals {
                    *row.totals.entry(cur.clone()).or_default() += v;
                }
            }
        }
    }
    rows
}

/// Totals per currency as one line ("69.3 亿 CNY + 10 bn EUR"); `None` when there is no
/// known amount. Currencies are listed side by side, never added.
pub fn format_totals(totals: &BTreeMap<String, f64>, chinese: bool) -> Option<String> {
    (!totals.is_empty()).then(|| {
        totals
            .iter()
            .map(|(c, a)| format_amount(*a, c, chinese))
            .collect::<Vec<_>>()
            .join(" + ")
    })
}

/// Columns a projects table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum SortBy {
    /// File order.
    #[default]
    None,
    /// Project name.
    Name,
    /// Investor.
    Investor,
    /// Amount (grouped by currency, largest first; unknown last).
    Amount,
    /// Year.
    Year,
    /// Status.
    Status,
}

/// How a projects table is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ProjectSort {
    /// Column.
    pub by: SortBy,
    /// Descending.
    pub descending: bool,
}

impl ProjectSort {
    /// A click on a column header: the same column flips the direction, another starts
    /// ascending.
    pub fn click(&mut self, by: SortBy) {
        if self.by == by {
            self.descending = !self.descending;
        } else {
            *self = ProjectSort {
                by,
                descending: false,
            };
        }
    }

    /// Project indices in display order (stable: equal keys keep file order).
    pub fn order(&self, projects: &[Project], zh: bool) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..projects.len()).collect();
        // By the text shown: in the interface language.
        let text = |i: usize, key: &str| {
            projects[i]
                .text_in(key, zh)
                .map_or(String::new(), |t| t.0.to_lowercase())
        };
        match self.by {
            SortBy::None => {}
            SortBy::Name => idx.sort_by_cached_key(|&i| projects[i].name(zh).to_lowercase()),
            SortBy::Investor => idx.sort_by_cached_key(|&i| text(i, "investor")),
            SortBy::Status => idx.sort_by_cached_key(|&i| text(i, "status")),
            SortBy::Year => idx.sort_by_key(|&i| projects[i].year),
            SortBy::Amount => idx.sort_by(|&a, &b| {
                let (pa, pb) = (&projects[a], &projects[b]);
                // Known amounts first, by currency, then largest first.
                (pa.amount.is_none(), &pa.currency)
                    .cmp(&(pb.amount.is_none(), &pb.currency))
                    .then(
                        pb.amount
                            .unwrap_or(0.0)
                            .total_cmp(&pa.amount.unwrap_or(0.0)),
                    )
            }),
        }
        if self.descending {
            idx.reverse();
        }
        idx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(name: &str, amount: Option<f64>, currency: &str, year: Option<i32>) -> Project {
        Project {
            name_en: Some(name.into()),
            amount,
            currency: amount.map(|_| currency.to_owned()),
            year,
            ..Project::default()
        }
    }

    #[test]
    fn the_text_index_finds_exactly_what_the_plain_filter_finds() {
        let atlas = crate::io::load_embedded().unwrap().atlas;
        let index = TextIndex::build(&atlas);
        for text in [
            "basf",
            "BASF",
            "湛江",
            "zhanjiang port",
            "steel 宝钢",
            "zzz",
            "  ",
            "a",
        ] {
            let f = Filter {
                text: text.into(),
                ..Filter::default()
            };
            assert_eq!(
                filter_parks_indexed(&atlas, &f, &index),
                filter_parks(&atlas, &f),
                "{text:?}"
            );
        }
        let mut f = Filter {
            text: "port".into(),
            ..Filter::default()
        };
        f.clusters.insert("green_petrochem".into());
        assert_eq!(
            filter_parks_indexed(&atlas, &f, &index),
            filter_parks(&atlas, &f)
        );
    }

    #[test]
    fn county_stats_count_parks_projects_and_money_per_currency() {
        use crate::model::{County, Park};
        let county = |a: &str| County {
            adcode: a.into(),
            name_zh: Some(format!("县{a}")),
            name_en: Some(format!("C{a}")),
            kind: None,
            geometry: None,
            extra: Default::default(),
        };
        let park = |id: &str, counties: &[&str], projects: Vec<Project>| Park {
            id: id.into(),
            name_zh: None,
            name_en: Some(id.into()),
            county_adcodes: counties.iter().map(|c| (*c).to_owned()).collect(),
            tier: crate::model::Tier::Unknown,
            role: crate::model::Role::Park,
            parent_id: None,
            area_km2: None,
            clusters: vec![],
            projects,
            targets: vec![],
            location_accuracy_km: None,
            sources: Default::default(),
            geometry: None,
            extra: Default::default(),
        };
        let atlas = Atlas {
            counties: vec![county("1"), county("2"), county("3")],
            parks: vec![
                park(
                    "a",
                    &["1"],
                    vec![
                        project("x", Some(5e8), "CNY", None),
                        project("y", None, "", None),
                    ],
                ),
                park("b", &["1", "2"], vec![project("z", Some(2e7), "EUR", None)]),
                park("c", &["2"], vec![project("w", Some(1e8), "CNY", None)]),
            ],
            ..Atlas::default()
        };
        let rows = stats_by_county(&atlas, &[0, 1, 2]);
        // Worked out by hand: county 1 has a (2 projects, 5e8 CNY) and b (1, 2e7 EUR);
        // county 2 has b and c (1 + 1 projects, 2e7 EUR and 1e8 CNY); county 3 nothing.
        assert_eq!((rows[0].parks, rows[0].projects), (2, 3));
        assert_eq!(rows[0].totals.get("CNY"), Some(&5e8));
        assert_eq!(rows[0].totals.get("EUR"), Some(&2e7));
        assert_eq!((rows[1].parks, rows[1].projects), (2, 2));
        assert_eq!(rows[1].totals.get("CNY"), Some(&1e8));
        assert_eq!((rows[2].parks, rows[2].projects), (0, 0));
        assert!(rows[2].totals.is_empty());
        // Only the parks asked for count.
        let rows = stats_by_county(&atlas, &[2]);
        assert_eq!((rows[0].parks, rows[1].parks), (0, 1));
    }

    #[test]
    fn totals_are_joined_per_currency_and_never_added() {
        let mut t = BTreeMap::new();
        assert_eq!(format_totals(&t, false), None);
        t.insert("CNY".to_owned(), 3e9);
        t.insert("EUR".to_owned(), 1e10);
        assert_eq!(
            format_totals(&t, false).as_deref(),
            Some("3 bn CNY + 10 bn EUR")
        );
        assert_eq!(
            format_totals(&t, true).as_deref(),
            Some("30 亿 CNY + 100 亿 EUR")
        );
    }

    #[test]
    fn projects_sort_by_amount_per_currency_with_unknown_last() {
        let ps = vec![
            project("a", None, "", Some(2020)),
            project("b", Some(5.0), "EUR", Some(2018)),
            project("c", Some(1.0), "CNY", None),
            project("d", Some(9.0), "CNY", Some(2019)),
        ];
        let mut sort = ProjectSort::default();
        assert_eq!(sort.order(&ps, false), vec![0, 1, 2, 3]);
        sort.click(SortBy::Amount);
        assert_eq!(sort.order(&ps, false), vec![3, 2, 1, 0]);
        sort.click(SortBy::Amount);
        assert!(sort.descending);
        assert_eq!(sort.order(&ps, false), vec![0, 1, 2, 3]);
        sort.click(SortBy::Year);
        assert!(!sort.descending);
        assert_eq!(sort.order(&ps, false), vec![2, 1, 3, 0]);
        sort.click(SortBy::Name);
        sort.click(SortBy::Name);
        assert_eq!(sort.order(&ps, false), vec![3, 2, 1, 0]);
    }
}
