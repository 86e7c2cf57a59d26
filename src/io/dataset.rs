//! A dataset: the files of one city (`parks.geojson`, `counties.geojson`, `clusters.json`,
//! `citywide.json`, `land.geojson`), from the copy compiled into the program or from a folder.
//! Checks that span files (parent ids, county adcodes, parks outside every county) live here.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use geo::{BoundingRect, Contains, CoordsIter, Geometry, Intersects};

use super::formats::to_wgs84;
pub use super::formats::{LayerRead, as_geojson, read_layer_file, read_layer_file_as};
use super::problem::{Msg, Problem, Severity, has_errors};
use super::progress::Progress;
use super::read::{ParsedFile, parse_geojson, parse_geojson_with, parse_json};
use crate::model::taxonomy_check;
use crate::model::{Atlas, Citywide, Taxonomy};
use crate::spatial::PreparedArea;

/// The embedded Zhanjiang dataset, compiled into the program.
pub mod embedded {
    /// `parks.geojson`.
    pub const PARKS: &str = include_str!("../../data/zhanjiang/parks.geojson");
    /// `counties.geojson`.
    pub const COUNTIES: &str = include_str!("../../data/zhanjiang/counties.geojson");
    /// `clusters.json`.
    pub const CLUSTERS: &str = include_str!("../../data/zhanjiang/clusters.json");
    /// `citywide.json`.
    pub const CITYWIDE: &str = include_str!("../../data/zhanjiang/citywide.json");
    /// `land.geojson`.
    pub const LAND: &str = include_str!("../../data/zhanjiang/land.geojson");
}

/// File names inside a dataset folder.
pub const PARKS_FILE: &str = "parks.geojson";
/// Counties file name.
pub const COUNTIES_FILE: &str = "counties.geojson";
/// Taxonomy file name.
pub const CLUSTERS_FILE: &str = "clusters.json";
/// City-wide figures file name.
pub const CITYWIDE_FILE: &str = "citywide.json";
/// Basemap land file name.
pub const LAND_FILE: &str = "land.geojson";

/// The raw bytes of a dataset's files; only `parks` is required.
#[derive(Debug, Clone, Default)]
pub struct DatasetFiles {
    /// Label used in messages for each file (a path or "embedded:parks.geojson").
    pub labels: [String; 5],
    /// parks.geojson
    pub parks: Vec<u8>,
    /// counties.geojson
    pub counties: Option<Vec<u8>>,
    /// clusters.json (the embedded taxonomy is used when missing)
    pub clusters: Option<Vec<u8>>,
    /// citywide.json
    pub citywide: Option<Vec<u8>>,
    /// land.geojson
    pub land: Option<Vec<u8>>,
}

impl DatasetFiles {
    /// The embedded Zhanjiang dataset.
    pub fn embedded() -> DatasetFiles {
        DatasetFiles {
            labels: [
                PARKS_FILE,
                COUNTIES_FILE,
                CLUSTERS_FILE,
                CITYWIDE_FILE,
                LAND_FILE,
            ]
            .map(|f| format!("embedded:{f}")),
            parks: embedded::PARKS.as_bytes().to_vec(),
            counties: Some(embedded::COUNTIES.as_bytes().to_vec()),
            clusters: Some(embedded::CLUSTERS.as_bytes().to_vec()),
            citywide: Some(embedded::CITYWIDE.as_bytes().to_vec()),
            land: Some(embedded::LAND.as_bytes().to_vec()),
        }
    }

    /// Reads a dataset folder. A missing `parks.geojson` is an error; the other files are
    /// optional. Unreadable files become problems.
    pub fn from_dir(dir: &Path) -> Result<DatasetFiles, Vec<Problem>> {
        let names = [
            PARKS_FILE,
            COUNTIES_FILE,
            CLUSTERS_FILE,
            CITYWIDE_FILE,
            LAND_FILE,
        ];
        let paths: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
        let labels = names.map(|n| dir.join(n).display().to_string());
        let mut problems = Vec::new();
        let mut read = |i: usize, required: bool| -> Option<Vec<u8>> {
            match std::fs::read(&paths[i]) {
                Ok(b) => Some(b),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => None,
                Err(e) => {
                    problems.push(Problem::file_level(
                        Severity::Error,
                        &labels[i],
                        crate::msg!("cannot read the file: {}", e),
                    ));
                    None
                }
            }
        };
        let parks = read(0, true);
        let files = DatasetFiles {
            parks: parks.unwrap_or_default(),
            counties: read(1, false),
            clusters: read(2, false),
            citywide: read(3, false),
            land: read(4, false),
            labels,
        };
        if problems.is_empty() {
            Ok(files)
        } else {
            Err(problems)
        }
    }
}

/// A loaded atlas and the warnings found while loading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The data.
    pub atlas: Atlas,
    /// Warnings (no errors: data with errors is refused).
    pub warnings: Vec<Problem>,
}

/// Loads the embedded Zhanjiang dataset.
pub fn load_embedded() -> Result<Loaded, Vec<Problem>> {
    load_files(&DatasetFiles::embedded())
}

/// Loads a dataset folder.
pub fn load_dir(dir: &Path) -> Result<Loaded, Vec<Problem>> {
    load_files(&DatasetFiles::from_dir(dir)?)
}

/// Loads a dataset folder, or the embedded Zhanjiang dataset when `dir` is `None` (what both
/// the window and the command line start from).
pub fn load(dir: Option<&Path>) -> Result<Loaded, Vec<Problem>> {
    match dir {
        Some(d) => load_dir(d),
        None => load_embedded(),
    }
}

/// Opens a file or a dataset folder on top of `current`, the way the window's "Open data…"
/// does: a folder replaces everything but the layers; a single GeoJSON file replaces the parks
/// (if it has parks) and the counties (if it has counties), and its other features become a
/// layer (replacing the layer read from the same path before); a GeoPackage's feature tables
/// or a shapefile's shapes become a layer. The result must pass the same cross-file checks as a dataset; any error refuses
/// it and `current` stays as it was.
pub fn open_path(current: &Atlas, path: &Path) -> Result<Loaded, Vec<Problem>> {
    open_path_with(current, path, &Progress::default())
}

/// [`open_path`] with progress (features read) and cancellation.
pub fn open_path_with(
    current: &Atlas,
    path: &Path,
    progress: &Progress,
) -> Result<Loaded, Vec<Problem>> {
    open_path_as(current, path, progress, None)
}

/// [`open_path_with`] for a file whose coordinate system the user declared (`Some`), or that
/// is found from the file (`None`; see [`super::crs`]): a GeoJSON file in GCJ-02 or BD-09 is
/// converted to WGS-84 before anything of it is used, so that a counties file is never swapped
/// in shifted.
pub fn open_path_as(
    current: &Atlas,
    path: &Path,
    progress: &Progress,
    declared: Option<super::crs::WebCrs>,
) -> Result<Loaded, Vec<Problem>> {
    let options = super::formats::ReadOptions {
        crs: declared,
        ..Default::default()
    };
    open_path_with_options(current, path, progress, &options)
}

/// [`open_path_as`] with all the user's choices for a file: its coordinate system and, for a
/// table, its coordinate columns and sheet.
pub fn open_path_with_options(
    current: &Atlas,
    path: &Path,
    progress: &Progress,
    options: &super::formats::ReadOptions,
) -> Result<Loaded, Vec<Problem>> {
    let declared = options.crs;
    if let Some(table) = path
        .to_str()
        .and_then(crate::store::layers::LayerAddress::parse)
    {
        return open_table(current, path, &table, options.bbox);
    }
    if path.is_dir() {
        let files = DatasetFiles::from_dir(path)?;
        progress.set_total(super::progress::estimate_features(&files.parks));
        let mut loaded = load_files_with(&files, progress)?;
        // The user's layers stay over a new dataset.
        for l in &current.layers {
            let features = current.others.slice(l.features.clone());
            let at = loaded
                .atlas
                .add_layer(l.name.clone(), l.path.clone(), features);
            if let Some(new) = loaded.atlas.layers.get_mut(at) {
                new.style = l.style;
            }
        }
        return Ok(loaded);
    }
    let label = path.display().to_string();
    if let Some(read) = read_layer_file_as(path, &label, progress, options) {
        // A GeoPackage, a shapefile or a table: its features become one layer.
        let (features, warnings) = read?;
        let mut atlas = current.clone();
        let name = path
            .file_name()
            .map_or_else(|| label.clone(), |n| n.to_string_lossy().into_owned());
        atlas.add_layer(name, Some(path.to_path_buf()), features);
        return Ok(Loaded { atlas, warnings });
    }
    // A big file is read in blocks, never held whole (unless it is not a plain
    // FeatureCollection: then as any other file).
    let in_blocks = read_in_blocks(path)
        .then(|| super::read::parse_geojson_file(&label, path, Some(&current.taxonomy), progress))
        .flatten();
    let (mut parsed, mut problems, producer) = match in_blocks {
        Some((parsed, problems)) => (parsed, problems, None),
        None => {
            let bytes = super::formats::read_file(path, &label)?;
            let json = as_geojson(&label, bytes)?;
            progress.set_total(super::progress::estimate_features(&json.bytes));
            let (parsed, mut problems) =
                parse_geojson_with(&label, &json.bytes, Some(&current.taxonomy), progress);
            problems.extend(json.note);
            (parsed, problems, json.producer)
        }
    };
    if has_errors(&problems) {
        return Err(problems);
    }
    if let Some(note) = to_wgs84(&mut parsed, current, declared, producer) {
        problems.push(Problem::file_level(Severity::Warning, &label, note));
    }
    let mut atlas = current.clone();
    if !parsed.parks.is_empty() {
        atlas.parks = parsed.parks;
    }
    if !parsed.counties.is_empty() {
        atlas.counties = parsed.counties;
    }
    if !parsed.others.is_empty() {
        let name = path
            .file_name()
            .map_or_else(|| label.clone(), |n| n.to_string_lossy().into_owned());
        atlas.add_layer(name, Some(path.to_path_buf()), parsed.others);
    }
    check_references(
        &atlas,
        &label,
        Scope::Standalone,
        &parsed.park_feature_index,
        &mut problems,
    );
    if has_errors(&problems) {
        Err(problems)
    } else {
        Ok(Loaded {
            atlas,
            warnings: problems,
        })
    }
}

/// Parses and checks a taxonomy file.
pub fn parse_taxonomy(file: &str, bytes: &[u8]) -> (Option<Taxonomy>, Vec<Problem>) {
    let mut problems = Vec::new();
    let Some(value) = parse_json(file, bytes, &mut problems) else {
        return (None, problems);
    };
    match serde_json::from_value::<Taxonomy>(value) {
        Ok(t) => {
            problems.extend(
                taxonomy_check(&t)
                    .into_iter()
                    .map(|m| Problem::file_level(Severity::Error, file, m)),
            );
            (Some(t), problems)
        }
        Err(e) => {
            problems.push(Problem::file_level(
                Severity::Error,
                file,
                crate::msg!("not a clusters file: {}", e),
            ));
            (None, problems)
        }
    }
}

/// Parses and checks a city-wide figures file.
pub fn parse_citywide(file: &str, bytes: &[u8]) -> (Option<Citywide>, Vec<Problem>) {
    let mut problems = Vec::new();
    let Some(value) = parse_json(file, bytes, &mut problems) else {
        return (None, problems);
    };
    match serde_json::from_value::<Citywide>(value) {
        Ok(c) => {
            for (i, fig) in c.figures.iter().enumerate() {
                for id in &fig.source_ids {
                    if !c.sources.contains_key(id) {
                        problems.push(Problem::new(
                            Severity::Error,
                            file,
                            format!("figures[{i}] (id '{}')", fig.id),
                            "source_ids",
                            crate::msg!(
                                "unknown source id {} (not in \"sources\")",
                                format!("{id:?}")
                            ),
                        ));
                    }
                }
            }
            (Some(c), problems)
        }
        Err(e) => {
            problems.push(Problem::file_level(
                Severity::Error,
                file,
                crate::msg!("not a city-wide figures file: {}", e),
            ));
            (None, problems)
        }
    }
}

/// A PostGIS table as a layer, read for `bbox` (the view); replaces the layer read from the
/// same address before.
fn open_table(
    current: &Atlas,
    path: &Path,
    table: &crate::store::layers::LayerAddress,
    bbox: Option<[f64; 4]>,
) -> Result<Loaded, Vec<Problem>> {
    let label = path.display().to_string();
    let fail = |e: crate::store::StoreError| {
        vec![Problem::file_level(
            Severity::Error,
            &label,
            crate::msg!("cannot read the table: {}", e),
        )]
    };
    let mut store = crate::store::Store::connect_only(&table.address).map_err(fail)?;
    let read = crate::store::layers::read(&mut store, &table.table, bbox).map_err(fail)?;
    let mut warnings = Vec::new();
    if read.truncated {
        warnings.push(Problem::file_level(
            Severity::Warning,
            &label,
            crate::msg!(
                "more than {} features in view: the first {} are shown; zoom in for the rest",
                crate::store::layers::LIMIT,
                crate::store::layers::LIMIT
            ),
        ));
    }
    let mut atlas = current.clone();
    atlas.add_layer(table.table.clone(), Some(path.to_path_buf()), read.features);
    Ok(Loaded { atlas, warnings })
}

/// Loads a dataset from its files: every file is checked, then the references between them.
/// Any error refuses the whole dataset (so a half-loaded atlas never replaces a good one).
pub fn load_files(files: &DatasetFiles) -> Result<Loaded, Vec<Problem>> {
    load_files_with(files, &Progress::default())
}

/// [`load_files`] with progress (parks read) and cancellation.
pub fn load_files_with(files: &DatasetFiles, progress: &Progress) -> Result<Loaded, Vec<Problem>> {
    let [
        parks_label,
        counties_label,
        clusters_label,
        citywide_label,
        land_label,
    ] = &files.labels;
    let mut problems = Vec::new();

    let taxonomy = match &files.clusters {
        Some(bytes) => {
            let (t, p) = parse_taxonomy(clusters_label, bytes);
            problems.extend(p);
            t
        }
        None => parse_taxonomy("embedded:clusters.json", embedded::CLUSTERS.as_bytes()).0,
    }
    .unwrap_or_default();

    let (parks_file, p) = parse_geojson_with(parks_label, &files.parks, Some(&taxonomy), progress);
    problems.extend(p);
    let counties_file = files.counties.as_ref().map(|b| {
        let (f, p) = parse_geojson(counties_label, b, Some(&taxonomy));
        problems.extend(p);
        f
    });
    let citywide = files.citywide.as_ref().and_then(|b| {
        let (c, p) = parse_citywide(citywide_label, b);
        problems.extend(p);
        c
    });
    // A dataset without land of its own gets the built-in land (else the map would be all sea).
    let land = match &files.land {
        Some(b) => {
            let (f, p) = parse_geojson(land_label, b, None);
            problems.extend(p);
            (0..f.others.len())
                .filter_map(|i| f.others.geometry(i))
                .collect()
        }
        None => {
            let others = parse_geojson("embedded:land.geojson", embedded::LAND.as_bytes(), None)
                .0
                .others;
            (0..others.len())
                .filter_map(|i| others.geometry(i))
                .collect()
        }
    };

    let mut atlas = Atlas {
        taxonomy,
        citywide,
        land,
        ..Atlas::default()
    };
    let ParsedFile {
        parks,
        park_feature_index,
        counties,
        others,
        ..
    } = parks_file;
    atlas.parks = parks;
    atlas.counties = counties;
    atlas.others = others;
    if let Some(cf) = counties_file {
        atlas.counties.extend(cf.counties);
        atlas.others.append(&cf.others);
        atlas.parks.extend(cf.parks);
    }
    let name = std::path::Path::new(parks_label)
        .file_name()
        .map_or_else(|| parks_label.clone(), |n| n.to_string_lossy().into_owned());
    atlas.adopt_loose_features(&name, None);
    check_references(
        &atlas,
        parks_label,
        Scope::Dataset,
        &park_feature_index,
        &mut problems,
    );
    if has_errors(&problems) {
        problems.sort_by_key(|p| std::cmp::Reverse(p.severity));
        Err(problems)
    } else {
        Ok(Loaded {
            atlas,
            warnings: problems,
        })
    }
}

/// Where the parks being checked come from: a dataset folder, whose references must all
/// resolve, or a single file (an export of a few parks), where a parent that is not in the
/// file is only a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A dataset folder.
    Dataset,
    /// A single file.
    Standalone,
}

/// Checks between parks and counties: unique ids, known parents (no cycles), known adcodes,
/// and parks that lie outside every county or outside the counties they list.
pub fn check_references(
    atlas: &Atlas,
    file: &str,
    scope: Scope,
    feature_index: &[usize],
    problems: &mut Vec<Problem>,
) {
    check_references_of(atlas, file, scope, feature_index, None, problems);
}

/// [`check_references`] for the parks `only` marks (ids are checked against every park):
/// what a change set checks after changing a few parks of many.
pub fn check_references_of(
    atlas: &Atlas,
    file: &str,
    scope: Scope,
    feature_index: &[usize],
    only: Option<&[bool]>,
    problems: &mut Vec<Problem>,
) {
    let checked = |i: usize| only.is_none_or(|m| m.get(i).copied().unwrap_or(false));
    let count = only.map_or(atlas.parks.len(), |m| m.iter().filter(|b| **b).count());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let adcodes: HashSet<&str> = atlas.counties.iter().map(|c| c.adcode.as_str()).collect();
    let county_boxes: Vec<CountyBox<'_>> = atlas
        .counties
        .iter()
        .filter_map(|c| {
            let g = c.geometry.as_ref()?;
            Some((c.adcode.as_str(), g, g.bounding_rect()?))
        })
        .collect();
    // Prepared only when there are enough parks to pay for it.
    let prepared: Vec<Option<PreparedArea>> = county_boxes
        .iter()
        .map(|(_, g, _)| (count > 50).then(|| PreparedArea::new(g)).flatten())
        .collect();
    let location = |i: usize, id: &str| {
        let fi = feature_index.get(i).copied().unwrap_or(i);
        format!("features[{fi}] (id '{id}')")
    };
    let mut push = |severity, i: usize, id: &str, field: &str, msg: Msg| {
        problems.push(Problem::new(severity, file, location(i, id), field, msg));
    };
    for (i, park) in atlas.parks.iter().enumerate() {
        if let Some(first) = seen.insert(&park.id, i) {
            push(
                Severity::Error,
                i,
                &park.id,
                "id",
                crate::msg!("duplicate id: {} already has it", location(first, &park.id)),
            );
        }
    }
    for (i, park) in atlas.parks.iter().enumerate() {
        if !checked(i) {
            continue;
        }
        if let Some(parent) = &park.parent_id {
            if atlas.park(parent).is_none() {
                match scope {
                    Scope::Dataset => push(
                        Severity::Error,
                        i,
                        &park.id,
                        "parent_id",
                        crate::msg!("unknown park id {}", format!("{parent:?}")),
                    ),
                    Scope::Standalone => push(
                        Severity::Warning,
                        i,
                        &park.id,
                        "parent_id",
                        crate::msg!(
                            "park {} is not in this file (fine for an export of a selection; its link is not drawn)",
                            format!("{parent:?}")
                        ),
                    ),
                }
            } else if has_parent_cycle(atlas, &park.id) {
                push(
                    Severity::Error,
                    i,
                    &park.id,
                    "parent_id",
                    crate::msg!("parents form a cycle"),
                );
            }
        }
        if !adcodes.is_empty() {
            for (j, a) in park.county_adcodes.iter().enumerate() {
                if !adcodes.contains(a.as_str()) {
                    push(
                        Severity::Error,
                        i,
                        &park.id,
                        &format!("county_adcodes[{j}]"),
                        crate::msg!(
                            "unknown county adcode {} (not in the counties file)",
                            format!("{a:?}")
                        ),
                    );
                }
            }
        }
        if let Some(g) = &park.geometry
            && !county_boxes.is_empty()
        {
            let Some(gb) = g.bounding_rect() else {
                continue;
            };
            let near: Vec<(usize, &CountyBox<'_>)> = county_boxes
                .iter()
                .enumerate()
                .filter(|(_, (_, _, r))| r.intersects(&gb))
                .collect();
            // Fast path: a point of the park lies in a county it lists (one point-in-polygon
            // test instead of intersecting the outlines).
            let listed_holds_it = g.coords_iter().next().is_some_and(|p| {
                near.iter().any(|(k, (a, cg, _))| {
                    park.county_adcodes.iter().any(|b| b == a)
                        && match prepared.get(*k).and_then(Option::as_ref) {
                            Some(pa) => pa.contains(p.x, p.y),
                            None => cg.contains(&geo::Point::from(p)),
                        }
                })
            });
            if listed_holds_it {
                continue;
            }
            // The counties holding a point of the park (prepared tests); only when none does,
            // the outlines are intersected (a park across a border, or outside every county).
            let mut inside: Vec<&str> = near
                .iter()
                .filter(|(k, _)| {
                    prepared
                        .get(*k)
                        .and_then(Option::as_ref)
                        .is_some_and(|pa| g.coords_iter().any(|c| pa.contains(c.x, c.y)))
                })
                .map(|(_, (a, _, _))| *a)
                .collect();
            if inside.is_empty() {
                inside = near
                    .iter()
                    .filter(|(_, (_, cg, _))| touches(cg, g))
                    .map(|(_, (a, _, _))| *a)
                    .collect();
            }
            if inside.is_empty() {
                push(
                    Severity::Warning,
                    i,
                    &park.id,
                    "geometry",
                    crate::msg!("the location lies outside every county"),
                );
            } else if !park.county_adcodes.is_empty()
                && !inside
                    .iter()
                    .any(|a| park.county_adcodes.iter().any(|b| b == a))
            {
                push(
                    Severity::Warning,
                    i,
                    &park.id,
                    "county_adcodes",
                    crate::msg!(
                        "the location lies in {} but county_adcodes lists {}",
                        inside.join(", "),
                        park.county_adcodes.join(", ")
                    ),
                );
            }
        }
    }
}

/// A county's adcode, boundary and bounding box.
type CountyBox<'a> = (&'a str, &'a Geometry<f64>, geo::Rect<f64>);

fn touches(county: &Geometry<f64>, g: &Geometry<f64>) -> bool {
    match g {
        Geometry::Point(p) => county.contains(p),
        Geometry::MultiPoint(mp) => mp.0.iter().any(|p| county.contains(p)),
        other => county.intersects(other),
    }
}

fn has_parent_cycle(atlas: &Atlas, start: &str) -> bool {
    let mut seen = HashSet::new();
    let mut cur = Some(start);
    while let Some(id) = cur {
        if !seen.insert(id) {
            return true;
        }
        cur = atlas.park(id).and_then(|p| p.parent_id.as_deref());
    }
    false
}

/// What a file holds, judged from its content, for `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// GeoJSON (parks, counties or any other features).
    GeoJson,
    /// A `clusters.json` taxonomy.
    Taxonomy,
    /// A `citywide.json` figures file.
    Citywide,
}

/// Guesses a file's kind: JSON objects with `clusters`/`groups` are taxonomies, with `figures`
/// city-wide files; everything else is read as GeoJSON. Only the top-level keys are kept: the
/// values are skipped, not built (a 127 MB GeoJSON file took 2.4 GB and 5 s to guess when its
/// whole tree was built).
pub fn guess_kind(bytes: &[u8]) -> FileKind {
    use serde::de::IgnoredAny;
    #[derive(serde::Deserialize)]
    struct TopLevel {
        #[serde(rename = "type")]
        kind: Option<IgnoredAny>,
        clusters: Option<IgnoredAny>,
        groups: Option<IgnoredAny>,
        figures: Option<IgnoredAny>,
    }
    let Ok(top) = serde_json::from_slice::<TopLevel>(bytes) else {
        return FileKind::GeoJson;
    };
    if top.kind.is_some() {
        FileKind::GeoJson
    } else if top.clusters.is_some() && top.groups.is_some() {
        FileKind::Taxonomy
    } else if top.figures.is_some() {
        FileKind::Citywide
    } else {
        FileKind::GeoJson
    }
}

/// Validates one file on its own (against `taxonomy` for cluster ids), as `park-atlas validate`
/// does: every problem, errors and warnings.
pub fn validate_file(label: &str, bytes: &[u8], taxonomy: &Taxonomy) -> Vec<Problem> {
    validate_bytes(label, bytes.to_vec(), taxonomy)
}

/// GeoJSON files above this size are read in blocks (their text is never held whole).
const BLOCKS_FROM: u64 = 16 << 20;

/// Whether the file at `path` is big enough to be read in blocks.
fn read_in_blocks(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > BLOCKS_FROM)
}

/// [`validate_file`] for a file on disk: a big GeoJSON file is checked in blocks, never held
/// whole.
pub fn validate_path(label: &str, path: &Path, taxonomy: &Taxonomy) -> Vec<Problem> {
    if read_in_blocks(path)
        && let Some((parsed, problems)) =
            super::read::check_geojson_file(label, path, Some(taxonomy))
    {
        return checked_geojson(label, parsed, problems);
    }
    match std::fs::read(path) {
        Ok(bytes) => validate_bytes(label, bytes, taxonomy),
        Err(e) => vec![Problem::file_level(
            Severity::Error,
            label,
            crate::msg!("cannot read the file: {}", e),
        )],
    }
}

/// [`validate_file`] on bytes it may keep (no copy of a big file).
pub fn validate_bytes(label: &str, bytes: Vec<u8>, taxonomy: &Taxonomy) -> Vec<Problem> {
    let json = match as_geojson(label, bytes) {
        Ok(json) => json,
        Err(problems) => return problems,
    };
    let mut problems = validate_geojson_or_json(label, &json.bytes, taxonomy);
    problems.extend(json.note);
    problems
}

fn validate_geojson_or_json(label: &str, bytes: &[u8], taxonomy: &Taxonomy) -> Vec<Problem> {
    match guess_kind(bytes) {
        FileKind::Taxonomy => parse_taxonomy(label, bytes).1,
        FileKind::Citywide => parse_citywide(label, bytes).1,
        FileKind::GeoJson => {
            // Checked, not kept: the features of a big layer are dropped as they are read.
            let (parsed, problems) = super::read::check_geojson(label, bytes, Some(taxonomy));
            checked_geojson(label, parsed, problems)
        }
    }
}

/// The problems of a checked GeoJSON file, with those of its parks' references.
fn checked_geojson(label: &str, parsed: ParsedFile, mut problems: Vec<Problem>) -> Vec<Problem> {
    if !parsed.parks.is_empty() {
        let atlas = Atlas {
            parks: parsed.parks,
            counties: parsed.counties,
            ..Atlas::default()
        };
        check_references(
            &atlas,
            label,
            Scope::Standalone,
            &parsed.park_feature_index,
            &mut problems,
        );
    }
    problems
}
