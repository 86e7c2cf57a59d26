//! GeoJSON text → features, with validation a user can act on.
//!
//! Any RFC 7946 text loads: a FeatureCollection, a single Feature or a bare Geometry, with
//! foreign members (GDAL's `name` and `crs`) kept. Features whose properties follow the
//! park schema (they have a `role`, `clusters` or `projects` member) become [`Park`]s, those
//! with an `adcode` become [`County`]s, and all others stay [`GenericFeature`]s with every
//! property. Each problem names the file, the feature index and id, the field, and what was
//! expected.

use serde_json::{Map, Value};

mod blocks;
mod fast;
mod fields;
mod geometry;
mod park;
mod split;
mod stream;

use super::problem::{Msg, Problem, Severity, describe};
use super::progress::Progress;
use super::text;
use crate::model::{County, Extra, GenericFeature, Park, Taxonomy};
use fields::Fields;
use geometry::read_geometry;
use park::read_park;
use stream::{Features, Root};

/// Largest file we read: far above any real parks file, well below what would exhaust memory.
pub const MAX_FILE_BYTES: usize = 512 * 1024 * 1024;

/// What one GeoJSON file held.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    /// Features that follow the park schema.
    pub parks: Vec<Park>,
    /// Index in the file's `features` of each park (parallel to `parks`).
    pub park_feature_index: Vec<usize>,
    /// Features with an `adcode`.
    pub counties: Vec<County>,
    /// Every other feature, untouched.
    pub others: crate::model::Features,
    /// Members of the top-level object other than `type` and `features` (`name`, `crs`, …).
    pub foreign_members: Extra,
}

/// Where we are in a file, for problem messages.
struct Ctx<'a> {
    file: &'a str,
    location: String,
    problems: &'a mut Vec<Problem>,
}

impl Ctx<'_> {
    fn push(&mut self, severity: Severity, field: &str, msg: Msg) {
        self.problems.push(Problem::new(
            severity,
            self.file,
            self.location.clone(),
            field,
            msg,
        ));
    }
    fn error(&mut self, field: &str, msg: Msg) {
        self.push(Severity::Error, field, msg);
    }
    fn warn(&mut self, field: &str, msg: Msg) {
        self.push(Severity::Warning, field, msg);
    }
}

/// Reads a GeoJSON file's bytes. Always returns what could be read, plus every problem found;
/// callers refuse the data when any problem is an error. Features are read one at a time as
/// the text is parsed (see [`stream`]), so memory follows the data kept, not the file.
pub fn parse_geojson(
    file: &str,
    bytes: &[u8],
    taxonomy: Option<&Taxonomy>,
) -> (ParsedFile, Vec<Problem>) {
    parse_geojson_with(file, bytes, taxonomy, &Progress::default())
}

/// [`parse_geojson`] that counts features in `progress` and stops (with an error) when it is
/// cancelled.
pub fn parse_geojson_with(
    file: &str,
    bytes: &[u8],
    taxonomy: Option<&Taxonomy>,
    progress: &Progress,
) -> (ParsedFile, Vec<Problem>) {
    parse(file, bytes, taxonomy, progress, Keep::All)
}

/// [`parse_geojson`] for checking only (`validate`): every feature is read and checked the
/// same way, but the features that are neither parks nor counties are not kept
/// (`others` comes back empty), so that checking a million parcels holds no store of them.
pub fn check_geojson(
    file: &str,
    bytes: &[u8],
    taxonomy: Option<&Taxonomy>,
) -> (ParsedFile, Vec<Problem>) {
    parse(
        file,
        bytes,
        taxonomy,
        &Progress::default(),
        Keep::ParksAndCounties,
    )
}

/// What a parse keeps of what it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    All,
    /// Other features are read and checked, then dropped.
    ParksAndCounties,
}

/// Features of `others` a reader holds before it drops them when they are not kept.
const DROP_EVERY: usize = 4096;

impl Keep {
    /// Drops `others` now and then when they are not kept.
    fn trim(self, out: &mut ParsedFile) {
        if self == Keep::ParksAndCounties && out.others.len() >= DROP_EVERY {
            out.others = crate::model::Features::default();
        }
    }
}

fn parse(
    file: &str,
    bytes: &[u8],
    taxonomy: Option<&Taxonomy>,
    progress: &Progress,
    keep: Keep,
) -> (ParsedFile, Vec<Problem>) {
    let mut problems = Vec::new();
    let Some(text) = decode_text(file, bytes, &mut problems) else {
        return (ParsedFile::default(), problems);
    };
    // Big files: two threads each parse and read half of the features (split where the
    // features start); otherwise, or when the split fails, this thread parses the text while a
    // worker turns each parsed feature into a park (or county, or other feature) with its
    // checks, so that the two halves of the work overlap.
    let halves = (text.len() > SPLIT_BYTES)
        .then(|| split::feature_spans(&text))
        .flatten()
        .and_then(|(spans, array)| {
            let done = read_halves(file, &text, &spans, taxonomy, progress, keep)?;
            // The top level without the features (already read): a few bytes to parse.
            let rest = format!("{}{}", text.get(..array.start)?, text.get(array.end..)?);
            Some((done, rest))
        });
    let (parsed, worked) = match halves {
        Some((done, rest)) => (stream::parse_root(&rest, None), Ok(done)),
        None => std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Value)>(256);
            let worker = s.spawn(move || {
                let mut problems = Vec::new();
                let mut out = ParsedFile::default();
                let mut ctx = Ctx {
                    file,
                    location: String::new(),
                    problems: &mut problems,
                };
                for (i, f) in rx {
                    read_feature(
                        &mut ctx,
                        &mut out,
                        i,
                        &format!("features[{i}]"),
                        f,
                        taxonomy,
                    );
                    keep.trim(&mut out);
                    progress.step();
                }
                (out, problems)
            });
            let parsed = {
                let mut on_feature =
                    |i: usize, f: Value| tx.send((i, f)).is_ok() && !progress.is_cancelled();
                stream::parse_root(&text, Some(&mut on_feature))
            };
            drop(tx);
            (parsed, worker.join())
        }),
    };
    finish(
        file,
        problems,
        parsed,
        worked.map_err(|_| ()),
        taxonomy,
        progress,
        keep,
    )
}

/// The top level once the features are read (`worked`): its type and foreign members, and
/// the problems of both.
fn finish(
    file: &str,
    mut problems: Vec<Problem>,
    parsed: Result<Root, serde_json::Error>,
    worked: Result<(ParsedFile, Vec<Problem>), ()>,
    taxonomy: Option<&Taxonomy>,
    progress: &Progress,
    keep: Keep,
) -> (ParsedFile, Vec<Problem>) {
    let mut out = match worked {
        Ok((out, p)) => {
            problems.extend(p);
            out
        }
        Err(_) => {
            problems.push(Problem::file_level(
                Severity::Error,
                file,
                crate::msg!("internal error while reading the features"),
            ));
            return (ParsedFile::default(), problems);
        }
    };
    let mut ctx = Ctx {
        file,
        location: String::new(),
        problems: &mut problems,
    };
    let (mut root, features) = match parsed {
        Err(_) if progress.is_cancelled() => {
            ctx.problems.push(Problem::file_level(
                Severity::Error,
                file,
                crate::msg!("reading was cancelled"),
            ));
            return (out, problems);
        }
        Err(e) => {
            ctx.problems.push(json_problem(file, &e));
            return (out, problems);
        }
        Ok(Root::NotObject(what)) => {
            ctx.error(
                "",
                crate::msg!(
                    "not GeoJSON: expected an object with a \"type\" member, found {}",
                    what
                ),
            );
            return (out, problems);
        }
        Ok(Root::Object { members, features }) => (members, features),
    };
    let kind = match root.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            ctx.error(
                "type",
                crate::msg!("not GeoJSON: expected a string, found {}", describe(other)),
            );
            return (out, problems);
        }
        None => {
            ctx.error(
                "",
                crate::msg!("not GeoJSON: the top-level object has no \"type\" member"),
            );
            return (out, problems);
        }
    };
    match kind.as_str() {
        "FeatureCollection" => match features {
            Features::Streamed => {
                root.shift_remove("type");
                out.foreign_members = root;
            }
            Features::NotArray(what) => {
                ctx.error("features", crate::msg!("expected an array of features, found {}", what));
            }
            Features::Absent => {
                ctx.error("features", crate::msg!("a FeatureCollection needs a \"features\" array"));
            }
        },
        "Feature" => read_feature(&mut ctx, &mut out, 0, "feature", Value::Object(root), taxonomy),
        _ if GEOMETRY_TYPES.contains(&kind.as_str()) => {
            ctx.location = "geometry".into();
            let geometry = read_geometry(&mut ctx, "", &Value::Object(root));
            out.others.push(&GenericFeature { id: None, properties: Map::new(), geometry });
        }
        other => ctx.error("type", crate::msg!("not GeoJSON: unknown type {} (expected FeatureCollection, Feature or a geometry type)", format!("{:?}", other))),
    }
    if keep == Keep::ParksAndCounties {
        out.others = crate::model::Features::default();
    }
    (out, problems)
}

/// Above this size a FeatureCollection is read by two threads, half the features each.
const SPLIT_BYTES: usize = 1 << 20;

/// Parses and reads the features at `spans` on two threads, half each, and joins the results
/// in file order. `None` when a feature does not parse (the caller then reads the file in one
/// pass, which reports the error with its line and column).
fn read_halves(
    file: &str,
    text: &str,
    spans: &[std::ops::Range<usize>],
    taxonomy: Option<&Taxonomy>,
    progress: &Progress,
    keep: Keep,
) -> Option<(ParsedFile, Vec<Problem>)> {
    let mut out = ParsedFile::default();
    let mut problems = Vec::new();
    let how = Spans {
        file,
        taxonomy,
        progress,
        keep,
    };
    how.read(text, spans, 0, &mut out, &mut problems)?;
    if progress.is_cancelled() {
        return Some(cancelled(file));
    }
    Some((out, problems))
}

/// What was read when reading was cancelled: nothing, and a problem that says so.
fn cancelled(file: &str) -> (ParsedFile, Vec<Problem>) {
    let problem = Problem::file_level(Severity::Error, file, crate::msg!("reading was cancelled"));
    (ParsedFile::default(), vec![problem])
}

/// How features given as spans of text are read.
#[derive(Clone, Copy)]
struct Spans<'a> {
    file: &'a str,
    taxonomy: Option<&'a Taxonomy>,
    progress: &'a Progress,
    keep: Keep,
}

impl Spans<'_> {
    /// Parses and reads the features at `spans` of `text` (the first is the file's
    /// `features[first]`) on two threads, half each, and appends them to `out` and their
    /// problems to `problems`, in file order. `None` when a feature does not parse.
    fn read(
        self,
        text: &str,
        spans: &[std::ops::Range<usize>],
        first: usize,
        out: &mut ParsedFile,
        problems: &mut Vec<Problem>,
    ) -> Option<()> {
        let half = spans.len().div_ceil(2);
        let (a, b) = std::thread::scope(|s| {
            let second = s.spawn(|| {
                let mut out = ParsedFile::default();
                let mut problems = Vec::new();
                let part = spans.get(half..).unwrap_or_default();
                self.read_one(text, part, first + half, &mut out, &mut problems)
                    .map(|()| (out, problems))
            });
            let part = spans.get(..half).unwrap_or_default();
            let a = self.read_one(text, part, first, out, problems);
            (a, second.join().ok().flatten())
        });
        a?;
        let (b_out, b_problems) = b?;
        out.parks.extend(b_out.parks);
        out.park_feature_index.extend(b_out.park_feature_index);
        out.counties.extend(b_out.counties);
        out.others.append(&b_out.others);
        self.keep.trim(out);
        problems.extend(b_problems);
        Some(())
    }

    /// One thread's part of [`Spans::read`].
    fn read_one(
        self,
        text: &str,
        part: &[std::ops::Range<usize>],
        first: usize,
        out: &mut ParsedFile,
        problems: &mut Vec<Problem>,
    ) -> Option<()> {
        let mut ctx = Ctx {
            file: self.file,
            location: String::new(),
            problems,
        };
        for (k, span) in part.iter().enumerate() {
            if self.progress.is_cancelled() {
                return Some(());
            }
            let i = first + k;
            let feature = text.get(span.clone())?;
            self.keep.trim(out);
            if fast::read_plain(out, feature) {
                self.progress.step();
                continue;
            }
            let location = format!("features[{i}]");
            if !fast::read_fast(&mut ctx, out, i, &location, feature, self.taxonomy) {
                let value: Value = serde_json::from_str(feature).ok()?;
                read_feature(&mut ctx, out, i, &location, value, self.taxonomy);
            }
            self.progress.step();
        }
        Some(())
    }
}

/// [`parse_geojson_with`] for a file on disk, read in blocks (see [`blocks`]) so that its
/// text is never held whole. `None` when the file is not a plain UTF-8 FeatureCollection of
/// objects, or cannot be read: the caller then reads it whole, which reports what is wrong.
pub fn parse_geojson_file(
    file: &str,
    path: &std::path::Path,
    taxonomy: Option<&Taxonomy>,
    progress: &Progress,
) -> Option<(ParsedFile, Vec<Problem>)> {
    parse_file(file, path, taxonomy, progress, Keep::All, blocks::BATCH)
}

/// [`check_geojson`] for a file on disk, read in blocks; `None` as for
/// [`parse_geojson_file`].
pub fn check_geojson_file(
    file: &str,
    path: &std::path::Path,
    taxonomy: Option<&Taxonomy>,
) -> Option<(ParsedFile, Vec<Problem>)> {
    let progress = Progress::default();
    parse_file(
        file,
        path,
        taxonomy,
        &progress,
        Keep::ParksAndCounties,
        blocks::BATCH,
    )
}

fn parse_file(
    file: &str,
    path: &std::path::Path,
    taxonomy: Option<&Taxonomy>,
    progress: &Progress,
    keep: Keep,
    batch: usize,
) -> Option<(ParsedFile, Vec<Problem>)> {
    let f = std::fs::File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    if len > MAX_FILE_BYTES as u64 {
        return None;
    }
    let how = Spans {
        file,
        taxonomy,
        progress,
        keep,
    };
    let mut out = ParsedFile::default();
    let mut problems = Vec::new();
    let (all_read, scanned) = std::thread::scope(|s| {
        // One block being read while the batch before it is parsed: the text held is a few
        // batches, whatever the file's size.
        let (tx, rx) = std::sync::mpsc::sync_channel::<blocks::Batch>(1);
        let scanner = s.spawn(move || {
            blocks::scan(
                f,
                batch,
                Some(len),
                |n| progress.set_total(n),
                |batch| tx.send(batch).is_ok(),
            )
        });
        let mut all_read = true;
        while let Ok(batch) = rx.recv() {
            let read = how.read(
                &batch.text,
                &batch.spans,
                batch.first,
                &mut out,
                &mut problems,
            );
            if read.is_none() || progress.is_cancelled() {
                all_read = false;
                break;
            }
        }
        drop(rx);
        (all_read, scanner.join())
    });
    if progress.is_cancelled() {
        return Some(cancelled(file));
    }
    let rest = match scanned {
        Ok(Ok(blocks::Scanned::Done { rest })) if all_read => rest,
        _ => return None,
    };
    // An ECharts map, or a JSON file of another kind (the whole-file reader tells them).
    if super::formats::echarts::looks_like_echarts(rest.as_bytes())
        || !matches!(
            super::dataset::guess_kind(rest.as_bytes()),
            super::dataset::FileKind::GeoJson
        )
    {
        return None;
    }
    let parsed = stream::parse_root(&rest, None);
    Some(finish(
        file,
        Vec::new(),
        parsed,
        Ok((out, problems)),
        taxonomy,
        progress,
        keep,
    ))
}

/// Checks the size and decodes the bytes (UTF-8, UTF-16, GBK), reporting what went wrong.
fn decode_text<'a>(
    file: &str,
    bytes: &'a [u8],
    problems: &mut Vec<Problem>,
) -> Option<std::borrow::Cow<'a, str>> {
    if bytes.len() > MAX_FILE_BYTES {
        problems.push(Problem::file_level(
            Severity::Error,
            file,
            crate::msg!(
                "the file is {} MB, more than the {} MB this program reads",
                bytes.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
        ));
        return None;
    }
    if let Some(what) = text::sniff(bytes) {
        problems.push(Problem::file_level(
            Severity::Error,
            file,
            crate::msg!("this is {}; Park Atlas reads GeoJSON", what),
        ));
        return None;
    }
    let decoded = match text::decode(bytes) {
        Ok(d) => d,
        Err(msg) => {
            problems.push(Problem::file_level(Severity::Error, file, msg.msg()));
            return None;
        }
    };
    if let Some(enc) = decoded.converted_from {
        problems.push(Problem::file_level(
            Severity::Warning,
            file,
            crate::msg!("the file is {}-encoded, not UTF-8; it was converted (save it as UTF-8 to silence this)", enc),
        ));
    }
    if decoded.text.trim().is_empty() {
        problems.push(Problem::file_level(
            Severity::Error,
            file,
            crate::msg!("the file is empty"),
        ));
        return None;
    }
    Some(decoded.text)
}

/// A JSON syntax error as a problem located by line and column.
fn json_problem(file: &str, e: &serde_json::Error) -> Problem {
    let text = e.to_string();
    let what = if text.starts_with("recursion limit exceeded") {
        crate::msg!("not valid JSON: nested more than 128 levels deep")
    } else {
        // serde_json appends " at line L column C"; we give the position ourselves.
        let bare = text.split(" at line ").next().unwrap_or(&text);
        crate::msg!("not valid JSON: {}", bare)
    };
    Problem::new(
        Severity::Error,
        file,
        format!("line {}, column {}", e.line(), e.column()),
        "",
        what,
    )
}

/// Parses JSON text, turning decoding and syntax failures into problems with line and column.
pub fn parse_json(file: &str, bytes: &[u8], problems: &mut Vec<Problem>) -> Option<Value> {
    let text = decode_text(file, bytes, problems)?;
    match serde_json::from_str::<Value>(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(json_problem(file, &e));
            None
        }
    }
}

pub(super) const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

fn read_feature(
    ctx: &mut Ctx<'_>,
    out: &mut ParsedFile,
    index: usize,
    location: &str,
    value: Value,
    taxonomy: Option<&Taxonomy>,
) {
    ctx.location = location.to_owned();
    let Value::Object(mut obj) = value else {
        ctx.error(
            "",
            crate::msg!("expected a Feature object, found {}", describe(&value)),
        );
        return;
    };
    match obj.get("type") {
        Some(Value::String(t)) if t == "Feature" => {}
        Some(other) => {
            ctx.error(
                "type",
                crate::msg!("expected \"Feature\", found {}", describe(other)),
            );
            return;
        }
        None => {
            ctx.error("type", crate::msg!("a feature needs \"type\": \"Feature\""));
            return;
        }
    }
    let feature_id = obj.shift_remove("id");
    let mut props = match obj.shift_remove("properties") {
        Some(Value::Object(p)) => p,
        None | Some(Value::Null) => Map::new(),
        Some(other) => {
            ctx.error(
                "properties",
                crate::msg!("expected an object or null, found {}", describe(&other)),
            );
            return;
        }
    };
    let label = feature_id
        .as_ref()
        .and_then(id_text)
        .or_else(|| props.get("id").and_then(id_text))
        .or_else(|| props.get("adcode").and_then(id_text));
    if let Some(l) = &label {
        ctx.location = format!("{location} (id '{l}')");
    }
    let geometry = match obj.get("geometry") {
        None => {
            ctx.error(
                "geometry",
                crate::msg!("a feature needs a \"geometry\" member (null when it has no location)"),
            );
            None
        }
        Some(Value::Null) => None,
        Some(g) => read_geometry(ctx, "geometry", g),
    };
    let is_park = ["role", "clusters", "projects"]
        .iter()
        .any(|k| props.contains_key(*k));
    if is_park {
        if let Some(park) = read_park(ctx, feature_id, &mut props, geometry, taxonomy) {
            out.parks.push(park);
            out.park_feature_index.push(index);
        }
    } else if props.contains_key("adcode") {
        let mut f = Fields {
            ctx,
            props: &mut props,
            prefix: String::new(),
        };
        let adcode = match f.props.shift_remove("adcode") {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
            Some(Value::Number(n)) if n.is_u64() => Some(n.to_string()),
            Some(other) => {
                f.ctx.error(
                    "adcode",
                    crate::msg!(
                        "expected an administrative code (string or whole number), found {}",
                        describe(&other)
                    ),
                );
                None
            }
            None => None,
        };
        let name_zh = f.opt_str("name_zh").or_else(|| {
            f.props
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
        let name_en = f.opt_str("name_en");
        let kind = f.opt_str("kind");
        if let Some(adcode) = adcode {
            out.counties.push(County {
                adcode,
                name_zh,
                name_en,
                kind,
                geometry,
                extra: props,
            });
        }
    } else {
        out.others.push(&GenericFeature {
            id: feature_id,
            properties: props,
            geometry,
        });
    }
}

pub(super) fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// What a read gave, for comparing two ways of reading (the store feature by feature:
    /// how it is cut into chunks does not matter).
    fn shown(read: &(ParsedFile, Vec<Problem>)) -> String {
        let (f, problems) = read;
        let others: Vec<_> = f.others.iter().collect();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            f.parks, f.park_feature_index, f.counties, others, f.foreign_members, problems
        )
    }

    fn same(a: &str, b: &str, what: &str) {
        if a != b {
            let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            let near = |s: &str| {
                s.get(at.saturating_sub(200)..(at + 200).min(s.len()))
                    .unwrap_or("")
                    .to_owned()
            };
            panic!(
                "{what}: differ at byte {at}:\n{}\n---\n{}",
                near(a),
                near(b)
            );
        }
    }

    /// Reads `path` in blocks of `batch` bytes of features, and checks that it gives exactly
    /// what reading the whole text gives (or is left to that reader). Whether it was read in
    /// blocks.
    fn same_as_whole(path: &std::path::Path, taxonomy: Option<&Taxonomy>, batch: usize) -> bool {
        let bytes = std::fs::read(path).unwrap();
        let name = path.display().to_string();
        let progress = Progress::default();
        let whole = parse_geojson(&name, &bytes, taxonomy);
        let checked = check_geojson(&name, &bytes, taxonomy);
        let in_blocks = parse_file(&name, path, taxonomy, &progress, Keep::All, batch);
        let check = parse_file(
            &name,
            path,
            taxonomy,
            &progress,
            Keep::ParksAndCounties,
            batch,
        );
        assert_eq!(in_blocks.is_some(), check.is_some(), "{name}");
        if let (Some(read), Some(check)) = (in_blocks, check) {
            same(
                &shown(&read),
                &shown(&whole),
                &format!("{name}, batch {batch}"),
            );
            same(
                &shown(&check),
                &shown(&checked),
                &format!("{name}, batch {batch} (check)"),
            );
            return true;
        }
        false
    }

    fn taxonomy() -> Taxonomy {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/zhanjiang");
        let bytes = std::fs::read(dir.join("clusters.json")).unwrap();
        crate::io::dataset::parse_taxonomy("clusters.json", &bytes)
            .0
            .unwrap()
    }

    /// Every fixture (good and bad files) and the embedded data read in blocks as they read
    /// whole: the same features in the same order, the same problems at the same indices.
    #[test]
    fn a_file_read_in_blocks_is_the_file_read_whole() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let taxonomy = taxonomy();
        let mut in_blocks = Vec::new();
        for dir in ["tests/fixtures", "data/zhanjiang"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                if !matches!(ext, "geojson" | "json") {
                    continue;
                }
                for batch in [1, 3000, 20_000, blocks::BATCH] {
                    if same_as_whole(&path, Some(&taxonomy), batch) && batch == 1 {
                        in_blocks.push(path.file_name().unwrap().to_string_lossy().into_owned());
                    }
                }
            }
        }
        for name in [
            "parks.geojson",
            "counties.geojson",
            "land.geojson",
            "bad_tier.geojson",
        ] {
            assert!(in_blocks.iter().any(|n| n == name), "{name}: {in_blocks:?}");
        }
        // Files that are not the plain shape are left to the whole-file reader.
        for name in ["gbk.geojson", "bare_geometry.geojson", "array_root.json"] {
            assert!(!in_blocks.iter().any(|n| n == name), "{name}");
        }
    }

    /// A parcel layer in many batches: every feature, in order.
    #[test]
    fn a_parcel_layer_read_in_many_batches_is_the_layer_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("parcels.geojson");
        let atlas = crate::io::dataset::load_embedded().unwrap().atlas;
        let options = crate::synth::SynthOptions {
            features: 3000,
            vertices: 9,
            seed: 7,
            ..Default::default()
        };
        std::fs::write(&path, crate::synth::parcels_geojson(&atlas, options)).unwrap();
        for batch in [1, 50_000, blocks::BATCH] {
            assert!(same_as_whole(&path, None, batch));
        }
        let (read, _) = parse_geojson_file("p", &path, None, &Progress::default()).unwrap();
        assert_eq!(read.others.len(), 3000);
        // Cancelled: nothing, and a problem that says so.
        let progress = Progress::default();
        progress.cancel();
        let (read, problems) = parse_file("p", &path, None, &progress, Keep::All, 50_000).unwrap();
        assert!(read.others.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].to_string().contains("cancelled"),
            "{problems:?}"
        );
    }
}
