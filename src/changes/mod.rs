//! Change sets: every change of data — from the window's forms, `park-atlas apply`, an imported
//! signing list — is a [`Change`] in a [`ChangeSet`], applied here in one way and checked by
//! the loader's own rules (each changed park is written as its GeoJSON feature, changed, and
//! read back by the park reader; then the whole dataset's cross-checks run).
//!
//! A change names what it expects to find (`from`): when the data no longer holds that —
//! someone changed it meanwhile, or the set was applied already — it is a [`Conflict`] and the
//! whole set is refused. Every change cites a source: one the park has (by id) or a new one,
//! added to the park's `sources`. The format is documented in docs/DATA.md.

pub mod dataset;
pub mod import;
pub mod session;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::io::problem::{Msg, Problem, Severity};
use crate::model::{Atlas, Park};

/// A list of changes, applied all or none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeSet {
    /// The changes, in order.
    pub changes: Vec<Change>,
}

/// A source a change cites: the id of one the park has, or a new one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SourceRef {
    /// A key of the park's `sources`.
    Id(String),
    /// A new source: `title`, `outlet`, `date`, `url`, `reliability` (or `quality`), and any
    /// other members; added to the park's `sources` under a new id.
    New(Map<String, Value>),
}

/// One change of the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// Sets a park's property (`tier`, `area_km2`, `name_zh`, `clusters`, `notes_zh`, …).
    Set {
        /// The park's id.
        park: String,
        /// The property.
        field: String,
        /// The value expected there now (`null`: unknown or absent).
        from: Value,
        /// The new value (`null`: unknown).
        to: Value,
        /// What says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<SourceRef>,
    },
    /// Sets a member of one of a park's projects.
    SetProject {
        /// The park's id.
        park: String,
        /// The project's position in the park's list (from 0).
        project: usize,
        /// The member (`amount`, `status`, `year`, …).
        field: String,
        /// The value expected there now.
        from: Value,
        /// The new value.
        to: Value,
        /// What says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<SourceRef>,
    },
    /// Adds a project to a park (never a conflict).
    AddProject {
        /// The park's id.
        park: String,
        /// The project's members (docs/DATA.md: `name_zh`, `amount`, `currency`, `year`, …).
        project: Map<String, Value>,
        /// What says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<SourceRef>,
    },
    /// Removes a project; `from` is the whole project as expected.
    RemoveProject {
        /// The park's id.
        park: String,
        /// The project's position in the park's list (from 0).
        project: usize,
        /// The project as it is expected to be.
        from: Value,
        /// What says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<SourceRef>,
    },
    /// Adds a target to a park.
    AddTarget {
        /// The park's id.
        park: String,
        /// The target's members (`year`, `metric`, `value`, `unit`, `text`, …).
        target: Map<String, Value>,
        /// What says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<SourceRef>,
    },
    /// Sets a member of one of a park's targets.
    SetTarget {
        /// The park's id.
        park: String,
        /// The target's position (from 0).
        target: usize,
        /// The member.
        field: String,
        /// The value expected there now.
        from: Value,
        /// The new value.
        to: Value,
        /// What says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<SourceRef>,
    },
    /// Removes a target; `from` is the whole target as expected.
    RemoveTarget {
        /// The park's id.
        park: String,
        /// The target's position (from 0).
        target: usize,
        /// The target as it is expected to be.
        from: Value,
        /// What says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<SourceRef>,
    },
    /// Moves a park or changes its outline: a GeoJSON geometry (WGS-84), or `null`.
    SetGeometry {
        /// The park's id.
        park: String,
        /// The geometry expected now.
        from: Value,
        /// The new geometry.
        to: Value,
        /// What says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<SourceRef>,
    },
    /// Adds a park: its properties (with `id`) and geometry.
    AddPark {
        /// The new park's id.
        park: String,
        /// Its properties (`name_zh`, `tier`, `role`, `county_adcodes`, `clusters`, …).
        properties: Map<String, Value>,
        /// Its GeoJSON geometry (WGS-84), or `null`.
        geometry: Value,
        /// What says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<SourceRef>,
    },
    /// Removes a park with its projects and targets; `from` is its Chinese name as expected.
    RemovePark {
        /// The park's id.
        park: String,
        /// Its `name_zh` as expected.
        from: Value,
        /// What says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<SourceRef>,
    },
}

impl Change {
    /// The park it changes.
    pub fn park(&self) -> &str {
        match self {
            Change::Set { park, .. }
            | Change::SetProject { park, .. }
            | Change::AddProject { park, .. }
            | Change::RemoveProject { park, .. }
            | Change::AddTarget { park, .. }
            | Change::SetTarget { park, .. }
            | Change::RemoveTarget { park, .. }
            | Change::SetGeometry { park, .. }
            | Change::AddPark { park, .. }
            | Change::RemovePark { park, .. } => park,
        }
    }

    /// Its operation as the change set names it (`set`, `add_project`, …).
    pub fn op(&self) -> &'static str {
        match self {
            Change::Set { .. } => "set",
            Change::SetProject { .. } => "set_project",
            Change::AddProject { .. } => "add_project",
            Change::RemoveProject { .. } => "remove_project",
            Change::AddTarget { .. } => "add_target",
            Change::SetTarget { .. } => "set_target",
            Change::RemoveTarget { .. } => "remove_target",
            Change::SetGeometry { .. } => "set_geometry",
            Change::AddPark { .. } => "add_park",
            Change::RemovePark { .. } => "remove_park",
        }
    }

    /// The source it cites.
    pub fn source(&self) -> Option<&SourceRef> {
        match self {
            Change::Set { source, .. }
            | Change::SetProject { source, .. }
            | Change::AddProject { source, .. }
            | Change::RemoveProject { source, .. }
            | Change::AddTarget { source, .. }
            | Change::SetTarget { source, .. }
            | Change::RemoveTarget { source, .. }
            | Change::SetGeometry { source, .. }
            | Change::AddPark { source, .. }
            | Change::RemovePark { source, .. } => source.as_ref(),
        }
    }

    /// What it expects to find (`None` for additions, which never conflict).
    pub fn from(&self) -> Option<&Value> {
        match self {
            Change::Set { from, .. }
            | Change::SetProject { from, .. }
            | Change::RemoveProject { from, .. }
            | Change::SetTarget { from, .. }
            | Change::RemoveTarget { from, .. }
            | Change::SetGeometry { from, .. }
            | Change::RemovePark { from, .. } => Some(from),
            Change::AddProject { .. } | Change::AddTarget { .. } | Change::AddPark { .. } => None,
        }
    }

    /// What it puts there (`null` for removals).
    pub fn to(&self) -> Value {
        match self {
            Change::Set { to, .. }
            | Change::SetProject { to, .. }
            | Change::SetTarget { to, .. }
            | Change::SetGeometry { to, .. } => to.clone(),
            Change::AddProject { project, .. } => Value::Object(project.clone()),
            Change::AddTarget { target, .. } => Value::Object(target.clone()),
            Change::AddPark { properties, .. } => Value::Object(properties.clone()),
            Change::RemoveProject { .. }
            | Change::RemoveTarget { .. }
            | Change::RemovePark { .. } => Value::Null,
        }
    }

    /// The change made on what is there now: its `from` becomes `found` ("use mine" after a
    /// conflict).
    pub fn rebased(&self, found: &Value) -> Change {
        let mut c = self.clone();
        match &mut c {
            Change::Set { from, .. }
            | Change::SetProject { from, .. }
            | Change::RemoveProject { from, .. }
            | Change::SetTarget { from, .. }
            | Change::RemoveTarget { from, .. }
            | Change::SetGeometry { from, .. }
            | Change::RemovePark { from, .. } => *from = found.clone(),
            Change::AddProject { .. } | Change::AddTarget { .. } | Change::AddPark { .. } => {}
        }
        c
    }

    /// What it changes, for messages and the change log: "tier", "projects[2].amount".
    pub fn what(&self) -> String {
        match self {
            Change::Set { field, .. } => field.clone(),
            Change::SetProject { project, field, .. } => format!("projects[{project}].{field}"),
            Change::AddProject { .. } => "projects[+]".to_owned(),
            Change::RemoveProject { project, .. } => format!("projects[{project}]"),
            Change::AddTarget { .. } => "targets[+]".to_owned(),
            Change::SetTarget { target, field, .. } => format!("targets[{target}].{field}"),
            Change::RemoveTarget { target, .. } => format!("targets[{target}]"),
            Change::SetGeometry { .. } => "geometry".to_owned(),
            Change::AddPark { .. } => "park[+]".to_owned(),
            Change::RemovePark { .. } => "park[-]".to_owned(),
        }
    }
}

/// A change that no longer fits the data: what it expected and what is there.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The change's position in its set (from 0).
    pub change: usize,
    /// The park.
    pub park: String,
    /// What it changes ("tier", "projects[2].amount").
    pub field: String,
    /// What the change expected to find.
    pub expected: Value,
    /// What is there.
    pub found: Value,
}

impl Conflict {
    /// The conflict as a problem, in either language.
    pub fn problem(&self, label: &str) -> Problem {
        Problem::new(
            Severity::Error,
            label,
            format!("changes[{}] (park '{}')", self.change, self.park),
            self.field.clone(),
            crate::msg!(
                "conflict: expected {}, found {} (changed meanwhile, or applied already)",
                short(&self.expected),
                short(&self.found)
            ),
        )
    }
}

/// A value as a short text for messages.
fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text
    }
}

/// Why a change set was refused: nothing of it was applied.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Refused {
    /// Changes whose `from` no longer holds.
    pub conflicts: Vec<Conflict>,
    /// Invalid values, missing sources, unknown parks: the loader's problems with the data as
    /// it would be.
    pub problems: Vec<Problem>,
}

impl Refused {
    /// Every reason as a problem (conflicts first).
    pub fn all(&self, label: &str) -> Vec<Problem> {
        self.conflicts
            .iter()
            .map(|c| c.problem(label))
            .chain(self.problems.iter().cloned())
            .collect()
    }
}

/// One applied change as the change log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// When (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub at: String,
    /// The operation (`set`, `add_project`, …).
    pub op: String,
    /// The park.
    pub park: String,
    /// What changed ("tier", "projects[2].amount").
    pub field: String,
    /// The value before (`null`: unknown or new).
    pub from: Value,
    /// The value after (`null`: unknown or removed).
    pub to: Value,
    /// The id of the source cited (in the park's `sources`).
    pub source: Option<String>,
}

/// Properties a `set` may not touch: they have their own operations, or are kept by them.
const NOT_SET: [&str; 5] = ["id", "projects", "targets", "sources", "facts"];

/// Where a park property's sources are listed: `area_km2` → `area_source_ids`.
pub fn source_ids_key(field: &str) -> String {
    let base = match field {
        "area_km2" => "area",
        "location_accuracy_km" => "location",
        other => other,
    };
    format!("{base}_source_ids")
}

/// Whether two JSON values are the same for a `from` check (numbers by value: 1.25e9 is
/// 1250000000).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The current time (UTC) as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::render::brief::today(),
        day / 3600,
        day / 60 % 60,
        day % 60
    )
}

/// The result of applying a change set: the new data and the log of what was done.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The data with the changes.
    pub atlas: Atlas,
    /// One entry per change.
    pub log: Vec<LogEntry>,
}

/// What a change did to one park's feature, before it is read back.
struct Done {
    from: Value,
    to: Value,
    source: Option<String>,
}

/// Applies a change set to `atlas`: all of it, or none (the reasons in [`Refused`]). `label`
/// names the change set in problems (its file name).
pub fn apply(atlas: &Atlas, set: &ChangeSet, label: &str) -> Result<Applied, Refused> {
    apply_owned(atlas.clone(), set, label).map_err(|e| e.1)
}

/// How to take back one step of [`apply_owned`].
enum Undo {
    Replaced(usize, Box<Park>),
    Added,
    Removed(usize, Box<Park>),
}

/// [`apply`] on data it owns, changed in place (no copy of the whole data: an edit of one park
/// among 10,000 costs that park); on refusal the data is given back as it was.
pub fn apply_owned(
    mut atlas: Atlas,
    set: &ChangeSet,
    label: &str,
) -> Result<Applied, Box<(Atlas, Refused)>> {
    let mut refused = Refused::default();
    let mut undo = Vec::new();
    let mut touched: Vec<String> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    let parks = &mut atlas.parks;
    let taxonomy = &atlas.taxonomy;
    let mut log = Vec::with_capacity(set.changes.len());
    let at = now_utc();
    for (n, change) in set.changes.iter().enumerate() {
        let place = format!("changes[{n}] (park '{}')", change.park());
        let problem =
            |m: Msg| Problem::new(Severity::Error, label, place.clone(), change.what(), m);
        let Some(source) = change.source() else {
            refused.problems.push(problem(crate::msg!(
                "no source: every change cites one (an id from the park's sources, or a new source with a title or outlet)"
            )));
            continue;
        };
        let at_park = parks.iter().position(|p| p.id == change.park());
        let feature = match (change, at_park) {
            (Change::AddPark { .. }, Some(_)) => {
                refused
                    .problems
                    .push(problem(crate::msg!("a park with this id exists already")));
                continue;
            }
            (
                Change::AddPark {
                    park,
                    properties,
                    geometry,
                    ..
                },
                None,
            ) => {
                let mut props = properties.clone();
                props.insert("id".into(), json!(park));
                json!({"type": "Feature", "id": park, "properties": props, "geometry": geometry})
            }
            (_, None) => {
                refused.conflicts.push(Conflict {
                    change: n,
                    park: change.park().to_owned(),
                    field: change.what(),
                    expected: json!("a park with this id"),
                    found: Value::Null,
                });
                continue;
            }
            (Change::RemovePark { from, .. }, Some(i)) => {
                let found = parks[i].name_zh.clone().map_or(Value::Null, Value::from);
                if same(from, &found) {
                    let gone = parks.remove(i);
                    removed.push(gone.id.clone());
                    undo.push(Undo::Removed(i, Box::new(gone)));
                    let source = match source {
                        SourceRef::Id(id) => Some(id.clone()),
                        SourceRef::New(_) => None,
                    };
                    log.push(entry(&at, change, found, Value::Null, source));
                } else {
                    refused.conflicts.push(Conflict {
                        change: n,
                        park: change.park().to_owned(),
                        field: change.what(),
                        expected: from.clone(),
                        found,
                    });
                }
                continue;
            }
            (_, Some(i)) => match crate::io::export::park_feature(&parks[i]) {
                Ok(f) => f,
                Err(e) => {
                    refused
                        .problems
                        .push(problem(crate::msg!("cannot write the park: {}", e)));
                    continue;
                }
            },
        };
        let mut feature = feature;
        let done = match edit_feature(&mut feature, change, source, n) {
            Ok(done) => done,
            Err(Edit::Conflict(c)) => {
                refused.conflicts.push(*c);
                continue;
            }
            Err(Edit::Invalid(m)) => {
                refused.problems.push(problem(m));
                continue;
            }
        };
        match read_back(&feature, taxonomy, label, &place) {
            Ok(park) => {
                touched.push(park.id.clone());
                match at_park {
                    Some(i) => {
                        let old = std::mem::replace(&mut parks[i], park);
                        undo.push(Undo::Replaced(i, Box::new(old)));
                    }
                    None => {
                        parks.push(park);
                        undo.push(Undo::Added);
                    }
                }
                log.push(entry(&at, change, done.from, done.to, done.source));
            }
            Err(problems) => refused.problems.extend(problems),
        }
    }
    if refused.conflicts.is_empty() && refused.problems.is_empty() {
        // The dataset's cross-checks (ids, parents, counties), as the loader runs them, for
        // the parks changed and those whose parent was removed.
        let mask: Vec<bool> = atlas
            .parks
            .iter()
            .map(|p| {
                touched.contains(&p.id) || p.parent_id.as_ref().is_some_and(|q| removed.contains(q))
            })
            .collect();
        let index: Vec<usize> = (0..atlas.parks.len()).collect();
        crate::io::dataset::check_references_of(
            &atlas,
            label,
            crate::io::dataset::Scope::Dataset,
            &index,
            Some(&mask),
            &mut refused.problems,
        );
        refused.problems.retain(Problem::is_error);
        if refused.problems.is_empty() {
            return Ok(Applied { atlas, log });
        }
    }
    for step in undo.into_iter().rev() {
        match step {
            Undo::Replaced(i, p) => atlas.parks[i] = *p,
            Undo::Added => {
                atlas.parks.pop();
            }
            Undo::Removed(i, p) => atlas.parks.insert(i, *p),
        }
    }
    Err(Box::new((atlas, refused)))
}

fn entry(at: &str, change: &Change, from: Value, to: Value, source: Option<String>) -> LogEntry {
    LogEntry {
        at: at.to_owned(),
        op: change.op().to_owned(),
        park: change.park().to_owned(),
        field: change.what(),
        from,
        to,
        source,
    }
}

/// Reads a changed park's feature back with the park reader's checks (and the taxonomy's).
fn read_back(
    feature: &Value,
    taxonomy: &crate::model::Taxonomy,
    label: &str,
    place: &str,
) -> Result<Park, Vec<Problem>> {
    let fc = json!({"type": "FeatureCollection", "features": [feature]});
    let bytes = fc.to_string();
    let (mut parsed, problems) =
        crate::io::read::parse_geojson(label, bytes.as_bytes(), Some(taxonomy));
    let errors: Vec<Problem> = problems
        .into_iter()
        .filter(Problem::is_error)
        .map(|mut p| {
            // "features[0] (id …)" means nothing to the user: the change's place does.
            p.location = place.to_owned();
            p
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    match parsed.parks.pop() {
        Some(p) if parsed.parks.is_empty() => Ok(p),
        _ => Err(vec![Problem::new(
            Severity::Error,
            label,
            place.to_owned(),
            String::new(),
            crate::msg!("the change does not leave a park (an id and a name are needed)"),
        )]),
    }
}

/// Why one change could not be made.
enum Edit {
    Conflict(Box<Conflict>),
    Invalid(Msg),
}

/// The source's id in the park's `sources`, adding a new source there first.
fn cite(props: &mut Map<String, Value>, source: &SourceRef) -> Result<String, Msg> {
    let sources = props
        .entry("sources")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(sources) = sources.as_object_mut() else {
        return Err(crate::msg!("the park's sources are not an object"));
    };
    match source {
        SourceRef::Id(id) if sources.contains_key(id) => Ok(id.clone()),
        SourceRef::Id(id) => Err(crate::msg!(
            "source '{}' is not one of this park's sources",
            id
        )),
        SourceRef::New(new) => {
            let text = |k: &str| {
                new.get(k)
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            if text("title").is_none() && text("outlet").is_none() {
                return Err(crate::msg!("a new source needs a title or an outlet"));
            }
            if let Some(url) = text("url")
                && url.contains("://")
                && !(url.starts_with("http://") || url.starts_with("https://"))
            {
                return Err(crate::msg!(
                    "the source's address must start with http:// or https:// (found {})",
                    url
                ));
            }
            let mut source = Map::new();
            for k in ["title", "outlet", "date", "url"] {
                source.insert(k.into(), new.get(k).cloned().unwrap_or(Value::Null));
            }
            let quality = new.get("reliability").or_else(|| new.get("quality"));
            source.insert("quality".into(), quality.cloned().unwrap_or(Value::Null));
            for (k, v) in new {
                if !source.contains_key(k) && k != "reliability" && k != "id" {
                    source.insert(k.clone(), v.clone());
                }
            }
            // The same source given again (same address, or same title, outlet and date) is
            // the one already there.
            let key = |s: &Map<String, Value>| {
                ["url", "title", "outlet", "date"].map(|k| s.get(k).cloned().unwrap_or(Value::Null))
            };
            if let Some((id, _)) = sources.iter().find(|(_, s)| {
                s.as_object().is_some_and(|s| {
                    let (a, b) = (key(s), key(&source));
                    (!a[0].is_null() && a[0] == b[0]) || a == b
                })
            }) {
                return Ok(id.clone());
            }
            let wanted = new.get("id").and_then(Value::as_str).map(str::to_owned);
            let date: String = text("date")
                .unwrap_or_default()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            let stem = wanted.unwrap_or_else(|| {
                let day = if date.len() >= 8 {
                    date[..8].to_owned()
                } else {
                    crate::render::brief::today().replace('-', "")
                };
                format!("added_{day}")
            });
            let mut id = stem.clone();
            let mut k = 2;
            while sources.contains_key(&id) {
                id = format!("{stem}_{k}");
                k += 1;
            }
            sources.insert(id.clone(), Value::Object(source));
            Ok(id)
        }
    }
}

/// Adds `id` to a record's `source_ids` (once).
fn add_source_id(record: &mut Map<String, Value>, id: &str) {
    let ids = record
        .entry("source_ids")
        .or_insert_with(|| Value::Array(Vec::new()));
    if !ids.is_array() {
        *ids = Value::Array(Vec::new());
    }
    if let Some(ids) = ids.as_array_mut()
        && !ids.iter().any(|v| v.as_str() == Some(id))
    {
        ids.push(json!(id));
    }
}

/// Checks one change on one park with the park reader's own rules, without changing
/// anything: what a form shows as the user types. The reasons it would be refused; the checks
/// across parks (ids, parents) and the source are left to [`apply`].
pub fn check_change(
    park: &Park,
    taxonomy: &crate::model::Taxonomy,
    change: &Change,
) -> Vec<Problem> {
    let Ok(mut feature) = crate::io::export::park_feature(park) else {
        return Vec::new();
    };
    let mut placeholder = Map::new();
    placeholder.insert("title".into(), json!("(checking)"));
    let source = SourceRef::New(placeholder);
    let place = format!("park '{}'", park.id);
    // What the change expects is taken as what is there: only the new value is judged.
    let mut change = change.clone();
    let props = &feature["properties"];
    let record = |key: &str, i: usize| props[key].get(i).cloned().unwrap_or(Value::Null);
    match &mut change {
        Change::Set { field, from, .. } => {
            *from = props.get(field.as_str()).cloned().unwrap_or(Value::Null)
        }
        Change::SetProject {
            project,
            field,
            from,
            ..
        } => {
            *from = record("projects", *project)
                .get(field.as_str())
                .cloned()
                .unwrap_or(Value::Null);
        }
        Change::SetTarget {
            target,
            field,
            from,
            ..
        } => {
            *from = record("targets", *target)
                .get(field.as_str())
                .cloned()
                .unwrap_or(Value::Null);
        }
        Change::RemoveProject { project, from, .. } => *from = record("projects", *project),
        Change::RemoveTarget { target, from, .. } => *from = record("targets", *target),
        Change::SetGeometry { from, .. } => *from = feature["geometry"].clone(),
        _ => {}
    }
    let change = &change;
    match edit_feature(&mut feature, change, &source, 0) {
        // No record at that position: nothing to judge a value against.
        Err(Edit::Conflict(_)) => Vec::new(),
        Err(Edit::Invalid(m)) => vec![Problem::new(
            Severity::Error,
            "edit",
            place,
            change.what(),
            m,
        )],
        Ok(_) => read_back(&feature, taxonomy, "edit", &place)
            .err()
            .unwrap_or_default(),
    }
}

/// Makes one change on a park's GeoJSON feature.
fn edit_feature(
    feature: &mut Value,
    change: &Change,
    source: &SourceRef,
    n: usize,
) -> Result<Done, Edit> {
    let conflict = |expected: &Value, found: &Value| {
        Edit::Conflict(Box::new(Conflict {
            change: n,
            park: change.park().to_owned(),
            field: change.what(),
            expected: expected.clone(),
            found: found.clone(),
        }))
    };
    let geometry = feature.get("geometry").cloned().unwrap_or(Value::Null);
    let Some(props) = feature.get_mut("properties").and_then(Value::as_object_mut) else {
        return Err(Edit::Invalid(crate::msg!("the park has no properties")));
    };
    let id = cite(props, source).map_err(Edit::Invalid)?;
    let list = |props: &mut Map<String, Value>, key: &str, i: usize| -> Result<Value, Edit> {
        props
            .get(key)
            .and_then(Value::as_array)
            .and_then(|l| l.get(i))
            .cloned()
            .ok_or_else(|| conflict(&json!(format!("{key}[{i}]")), &Value::Null))
    };
    let done = |from: Value, to: Value| Done {
        from,
        to,
        source: Some(id.clone()),
    };
    Ok(match change {
        Change::Set {
            field, from, to, ..
        } => {
            if NOT_SET.contains(&field.as_str()) || field.ends_with("_source_ids") {
                return Err(Edit::Invalid(crate::msg!(
                    "'{}' is not set with `set` (projects, targets, sources and source ids have their own operations)",
                    field
                )));
            }
            let found = props.get(field).cloned().unwrap_or(Value::Null);
            if !same(from, &found) {
                return Err(conflict(from, &found));
            }
            props.insert(field.clone(), to.clone());
            props.insert(source_ids_key(field), json!([id]));
            done(found, to.clone())
        }
        Change::SetProject {
            project: i,
            field,
            from,
            to,
            ..
        }
        | Change::SetTarget {
            target: i,
            field,
            from,
            to,
            ..
        } => {
            let key = if matches!(change, Change::SetProject { .. }) {
                "projects"
            } else {
                "targets"
            };
            let mut record = list(props, key, *i)?;
            let Some(members) = record.as_object_mut() else {
                return Err(Edit::Invalid(crate::msg!(
                    "{}[{}] is not an object",
                    key,
                    i
                )));
            };
            if field == "source_ids" {
                return Err(Edit::Invalid(crate::msg!(
                    "source ids follow the source a change cites: they are not set by hand"
                )));
            }
            let found = members.get(field).cloned().unwrap_or(Value::Null);
            if !same(from, &found) {
                return Err(conflict(from, &found));
            }
            members.insert(field.clone(), to.clone());
            add_source_id(members, &id);
            if let Some(slot) = props.get_mut(key).and_then(|l| l.get_mut(*i)) {
                *slot = record;
            }
            done(found, to.clone())
        }
        Change::AddProject {
            project: record, ..
        }
        | Change::AddTarget { target: record, .. } => {
            let key = if matches!(change, Change::AddProject { .. }) {
                "projects"
            } else {
                "targets"
            };
            let mut record = record.clone();
            add_source_id(&mut record, &id);
            let to = Value::Object(record);
            let items = props.entry(key).or_insert_with(|| Value::Array(Vec::new()));
            match items.as_array_mut() {
                Some(items) => items.push(to.clone()),
                None => {
                    return Err(Edit::Invalid(crate::msg!(
                        "the park's {} are not a list",
                        key
                    )));
                }
            }
            done(Value::Null, to)
        }
        Change::RemoveProject {
            project: i, from, ..
        }
        | Change::RemoveTarget {
            target: i, from, ..
        } => {
            let key = if matches!(change, Change::RemoveProject { .. }) {
                "projects"
            } else {
                "targets"
            };
            let found = list(props, key, *i)?;
            if !same(from, &found) {
                return Err(conflict(from, &found));
            }
            if let Some(items) = props.get_mut(key).and_then(Value::as_array_mut) {
                items.remove(*i);
            }
            done(found, Value::Null)
        }
        Change::SetGeometry { from, to, .. } => {
            if !same(from, &geometry) {
                return Err(conflict(from, &geometry));
            }
            props.insert("location_source_ids".into(), json!([id]));
            feature["geometry"] = to.clone();
            done(geometry, to.clone())
        }
        Change::AddPark { .. } => {
            props.insert("location_source_ids".into(), json!([id]));
            let to = Value::Object(props.clone());
            done(Value::Null, to)
        }
        // Removed before the feature is made.
        Change::RemovePark { .. } => done(Value::Null, Value::Null),
    })
}

#[cfg(test)]
mod op_tests {
    use super::*;

    /// `op()` names each operation as the change set's JSON does.
    #[test]
    fn op_is_the_json_tag() {
        let source = || Some(SourceRef::Id("s".into()));
        let v = Value::Null;
        let all = [
            Change::Set {
                park: "p".into(),
                field: "f".into(),
                from: v.clone(),
                to: v.clone(),
                source: source(),
            },
            Change::SetProject {
                park: "p".into(),
                project: 0,
                field: "f".into(),
                from: v.clone(),
                to: v.clone(),
                source: source(),
            },
            Change::AddProject {
                park: "p".into(),
                project: Map::new(),
                source: source(),
            },
            Change::RemoveProject {
                park: "p".into(),
                project: 0,
                from: v.clone(),
                source: source(),
            },
            Change::AddTarget {
                park: "p".into(),
                target: Map::new(),
                source: source(),
            },
            Change::SetTarget {
                park: "p".into(),
                target: 0,
                field: "f".into(),
                from: v.clone(),
                to: v.clone(),
                source: source(),
            },
            Change::RemoveTarget {
                park: "p".into(),
                target: 0,
                from: v.clone(),
                source: source(),
            },
            Change::SetGeometry {
                park: "p".into(),
                from: v.clone(),
                to: v.clone(),
                source: source(),
            },
            Change::AddPark {
                park: "p".into(),
                properties: Map::new(),
                geometry: v.clone(),
                source: source(),
            },
            Change::RemovePark {
                park: "p".into(),
                from: v.clone(),
                source: source(),
            },
        ];
        for c in all {
            let json = serde_json::to_value(&c).unwrap();
            assert_eq!(json["op"], c.op());
        }
    }
}
