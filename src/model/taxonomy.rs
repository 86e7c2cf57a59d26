//! The industry taxonomy: cluster groups (pillar, emerging, traditional, agglomeration) and
//! their clusters, each with names and a colour.

use serde::{Deserialize, Serialize};

use super::{Extra, Sources};

/// A group of clusters ("3 pillar", "4 emerging", …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterGroup {
    /// Identifier ("pillar").
    pub id: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
}

/// An industry cluster ("green_petrochem").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// Identifier.
    pub id: String,
    /// Id of its group.
    pub group: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Display colour, "#rrggbb".
    pub color: String,
    /// Another name a source uses, with where it comes from, in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// The same in Chinese.
    #[serde(default)]
    pub alias_zh: Option<String>,
}

impl Cluster {
    /// The name in the preferred language.
    pub fn name(&self, chinese: bool) -> &str {
        if chinese {
            &self.name_zh
        } else {
            &self.name_en
        }
    }

    /// The other name in the preferred language, and whether it fell back.
    pub fn alias_in(&self, chinese: bool) -> Option<(&str, bool)> {
        super::bilingual::picked(self.alias_zh.as_deref(), self.alias.as_deref(), chinese)
    }

    /// The colour as RGB bytes; grey when the colour text is not "#rrggbb".
    pub fn rgb(&self) -> [u8; 3] {
        parse_hex_color(&self.color).unwrap_or([128, 128, 128])
    }
}

/// Parses "#rrggbb".
pub fn parse_hex_color(s: &str) -> Option<[u8; 3]> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 || !h.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// The whole taxonomy, as stored in `clusters.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Taxonomy {
    /// Groups in display order.
    pub groups: Vec<ClusterGroup>,
    /// Clusters in display order.
    pub clusters: Vec<Cluster>,
    /// Sources of the taxonomy.
    #[serde(default)]
    pub sources: Sources,
    /// Other members.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Taxonomy {
    /// The cluster with this id.
    pub fn cluster(&self, id: &str) -> Option<&Cluster> {
        self.clusters.iter().find(|c| c.id == id)
    }

    /// A cluster's name in the chosen language, or its id when the taxonomy does not know it.
    pub fn cluster_name<'a>(&'a self, id: &'a str, zh: bool) -> &'a str {
        self.cluster(id).map_or(id, |c| c.name(zh))
    }

    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&ClusterGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// Clusters of one group, in display order.
    pub fn clusters_in<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a Cluster> + 'a {
        self.clusters.iter().filter(move |c| c.group == group)
    }
}

/// Problems in a taxonomy: duplicate ids, clusters in unknown groups, colours that are not
/// "#rrggbb". Returns one message per problem.
pub fn taxonomy_check(t: &Taxonomy) -> Vec<crate::io::problem::Msg> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, g) in t.groups.iter().enumerate() {
        if !seen.insert(("g", g.id.as_str())) {
            out.push(crate::msg!(
                "groups[{}].id: duplicate group id {}",
                i,
                format!("{:?}", g.id)
            ));
        }
    }
    for (i, c) in t.clusters.iter().enumerate() {
        if !seen.insert(("c", c.id.as_str())) {
            out.push(crate::msg!(
                "clusters[{}].id: duplicate cluster id {}",
                i,
                format!("{:?}", c.id)
            ));
        }
        if t.group(&c.group).is_none() {
            out.push(crate::msg!(
                "clusters[{}] (id '{}').group: unknown group id {}",
                i,
                &c.id,
                format!("{:?}", c.group)
            ));
        }
        if parse_hex_color(&c.color).is_none() {
            out.push(crate::msg!(
                "clusters[{}] (id '{}').color: expected \"#rrggbb\", found {}",
                i,
                &c.id,
                format!("{:?}", c.color)
            ));
        }
    }
    out
}
