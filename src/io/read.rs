//! GeoJSON text → features, with validation a user can act on.
//!
//! Any RFC 7946 text loads: a FeatureCollection, a single Feature or a bare Geometry, with
//! foreign members (GDAL's `name` and `crs`) kept. Features whose properties follow the
//! park schema (they have a `role`, `clusters` or `projects` member) become [`Park`]s, those
//! with an `adcode` become [`County`]s, and all others stay [`GenericFeature`]s with every
//! property. Each problem names the file, the feature index and id, the field, and what was
//! expected.

use geo::sweep::Cross;
use geo::{
    Coord, Geometry, GeometryCollection, Intersections, Line, LineIntersection, LineString,
    MultiLineString, MultiPoint, MultiPolygon, Point, Polygon,
};
use serde_json::{Map, Value};

use super::problem::{Problem, Severity, describe};
use super::text;
use crate::model::{
    County, Extra, GenericFeature, Park, Project, Role, Source, Sources, Target, Taxonomy, Tier,
};

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
    pub others: Vec<GenericFeature>,
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
    fn push(&mut self, severity: Severity, field: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            severity,
            file: self.file.to_owned(),
            location: self.location.clone(),
            field: field.to_owned(),
            message: message.into(),
        });
    }
    fn error(&mut self, field: &str, message: impl Into<String>) {
        self.push(Severity::Error, field, message);
    }
    fn warn(&mut self, field: &str, message: impl Into<String>) {
        self.push(Severity::Warning, field, message);
    }
}

/// Reads a GeoJSON file's bytes. Always returns what could be read, plus every problem found;
/// callers refuse the data when any problem is an error.
pub fn parse_geojson(
    file: &str,
    bytes: &[u8],
    taxonomy: Option<&Taxonomy>,
) -> (ParsedFile, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut out = ParsedFile::default();
    let Some(root) = parse_json(file, bytes, &mut problems) else {
        return (out, problems);
    };
    let mut ctx = Ctx {
        file,
        location: String::new(),
        problems: &mut problems,
    };
    let Value::Object(mut root) = root else {
        ctx.error(
            "",
            format!(
                "not GeoJSON: expected an object with a \"type\" member, found {}",
                describe(&root)
            ),
        );
        return (out, problems);
    };
    let kind = match root.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            ctx.error(
                "type",
                format!("not GeoJSON: expected a string, found {}", describe(other)),
            );
            return (out, problems);
        }
        None => {
            ctx.error(
                "",
                "not GeoJSON: the top-level object has no \"type\" member",
            );
            return (out, problems);
        }
    };
    match kind.as_str() {
        "FeatureCollection" => {
            let features = match root.shift_remove("features") {
                Some(Value::Array(a)) => a,
                Some(other) => {
                    ctx.error("features", format!("expected an array of features, found {}", describe(&other)));
                    return (out, problems);
                }
                None => {
                    ctx.error("features", "a FeatureCollection needs a \"features\" array");
                    return (out, problems);
                }
            };
            root.shift_remove("type");
            out.foreign_members = root;
            for (i, f) in features.into_iter().enumerate() {
                read_feature(&mut ctx, &mut out, i, &format!("features[{i}]"), f, taxonomy);
            }
        }
        "Feature" => read_feature(&mut ctx, &mut out, 0, "feature", Value::Object(root), taxonomy),
        _ if GEOMETRY_TYPES.contains(&kind.as_str()) => {
            ctx.location = "geometry".into();
            let geometry = read_geometry(&mut ctx, "", &Value::Object(root));
            out.others.push(GenericFeature { id: None, properties: Map::new(), geometry });
        }
        other => ctx.error("type", format!(
            "not GeoJSON: unknown type {other:?} (expected FeatureCollection, Feature or a geometry type)"
        )),
    }
    (out, problems)
}

/// Parses JSON text, turning decoding and syntax failures into problems with line and column.
pub fn parse_json(file: &str, bytes: &[u8], problems: &mut Vec<Problem>) -> Option<Value> {
    if bytes.len() > MAX_FILE_BYTES {
        problems.push(Problem::file_level(
            Severity::Error,
            file,
            format!(
                "the file is {} MB, more than the {} MB this program reads",
                bytes.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
        ));
        return None;
    }
    let decoded = match text::decode(bytes) {
        Ok(d) => d,
        Err(msg) => {
            problems.push(Problem::file_level(Severity::Error, file, msg));
            return None;
        }
    };
    if let Some(enc) = decoded.converted_from {
        problems.push(Problem::file_level(
            Severity::Warning,
            file,
            format!("the file is {enc}-encoded, not UTF-8; it was converted (save it as UTF-8 to silence this)"),
        ));
    }
    if decoded.text.trim().is_empty() {
        problems.push(Problem::file_level(
            Severity::Error,
            file,
            "the file is empty",
        ));
        return None;
    }
    match serde_json::from_str::<Value>(&decoded.text) {
        Ok(v) => Some(v),
        Err(e) => {
            let msg = e.to_string();
            let what = if msg.starts_with("recursion limit exceeded") {
                "not valid JSON: nested more than 128 levels deep".to_owned()
            } else {
                // serde_json appends " at line L column C"; we give the position ourselves.
                let bare = msg.split(" at line ").next().unwrap_or(&msg);
                format!("not valid JSON: {bare}")
            };
            problems.push(Problem {
                severity: Severity::Error,
                file: file.to_owned(),
                location: format!("line {}, column {}", e.line(), e.column()),
                field: String::new(),
                message: what,
            });
            None
        }
    }
}

const GEOMETRY_TYPES: [&str; 7] = [
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
            format!("expected a Feature object, found {}", describe(&value)),
        );
        return;
    };
    match obj.get("type") {
        Some(Value::String(t)) if t == "Feature" => {}
        Some(other) => {
            ctx.error(
                "type",
                format!("expected \"Feature\", found {}", describe(other)),
            );
            return;
        }
        None => {
            ctx.error("type", "a feature needs \"type\": \"Feature\"");
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
                format!("expected an object or null, found {}", describe(&other)),
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
                "a feature needs a \"geometry\" member (null when it has no location)",
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
                    format!(
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
        out.others.push(GenericFeature {
            id: feature_id,
            properties: props,
            geometry,
        });
    }
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Takes typed fields out of a JSON object, reporting wrong types with the field path.
struct Fields<'a, 'b> {
    ctx: &'a mut Ctx<'b>,
    props: &'a mut Map<String, Value>,
    prefix: String,
}

impl Fields<'_, '_> {
    fn path(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn opt_str(&mut self, key: &str) -> Option<String> {
        match self.props.shift_remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                let p = self.path(key);
                self.ctx
                    .error(&p, format!("expected a string, found {}", describe(&other)));
                None
            }
        }
    }

    fn opt_num(&mut self, key: &str, what: &str) -> Option<f64> {
        match self.props.shift_remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(x) if x >= 0.0 => Some(x),
                _ => {
                    let p = self.path(key);
                    self.ctx
                        .error(&p, format!("expected {what} (a number ≥ 0), found {n}"));
                    None
                }
            },
            Some(other) => {
                let p = self.path(key);
                self.ctx.error(
                    &p,
                    format!("expected {what} (a number), found {}", describe(&other)),
                );
                None
            }
        }
    }

    fn opt_year(&mut self, key: &str) -> Option<i32> {
        match self.props.shift_remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) if n.as_i64().is_some_and(|y| (1000..=9999).contains(&y)) => {
                n.as_i64().and_then(|y| i32::try_from(y).ok())
            }
            Some(other) => {
                let p = self.path(key);
                self.ctx.error(
                    &p,
                    format!("expected a four-digit year, found {}", describe(&other)),
                );
                None
            }
        }
    }

    fn str_list(&mut self, key: &str) -> Vec<String> {
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
                                format!("expected a string, found {}", describe(&other)),
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
                    format!("expected an array of strings, found {}", describe(&other)),
                );
                Vec::new()
            }
        }
    }

    /// Takes an array of objects, reading each with `read` (which keeps the members it does
    /// not know as the item's extra members).
    fn objects<T>(&mut self, key: &str, mut read: impl FnMut(&mut Fields<'_, '_>) -> T) -> Vec<T> {
        let items = match self.props.shift_remove(key) {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(items)) => items,
            Some(other) => {
                let p = self.path(key);
                self.ctx.error(
                    &p,
                    format!("expected an array of objects, found {}", describe(&other)),
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
                        format!("expected an object, found {}", describe(&other)),
                    );
                }
            }
        }
        out
    }
}

fn read_project(f: &mut Fields<'_, '_>) -> Project {
    let mut p = Project {
        name_zh: f.opt_str("name_zh"),
        name_en: f.opt_str("name_en"),
        investor: f.opt_str("investor"),
        amount: f.opt_num("amount", "an investment amount"),
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
            "an amount needs a currency (an ISO 4217 code such as \"CNY\")",
        );
    }
    if let Some(c) = &p.currency
        && !(c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
    {
        let path = f.path("currency");
        f.ctx.error(
            &path,
            format!("expected a three-letter ISO 4217 code such as \"CNY\", found {c:?}"),
        );
    }
    p.extra = std::mem::take(f.props);
    p
}

fn read_target(f: &mut Fields<'_, '_>) -> Target {
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
                format!(
                    "expected a number (put words in \"text\"), found {}",
                    describe(&other)
                ),
            );
            None
        }
    };
    t.extra = std::mem::take(f.props);
    t
}

fn read_sources(f: &mut Fields<'_, '_>) -> Sources {
    let mut out = Sources::new();
    let obj = match f.props.shift_remove("sources") {
        None | Some(Value::Null) => return out,
        Some(Value::Object(o)) => o,
        Some(other) => {
            let path = f.path("sources");
            f.ctx.error(
                &path,
                format!(
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
                format!(
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
        out.insert(id, Source { extra: o, ..s });
    }
    out
}

fn read_park(
    ctx: &mut Ctx<'_>,
    feature_id: Option<Value>,
    props: &mut Map<String, Value>,
    geometry: Option<Geometry<f64>>,
    taxonomy: Option<&Taxonomy>,
) -> Option<Park> {
    let mut f = Fields {
        ctx,
        props,
        prefix: String::new(),
    };
    let prop_id = f.opt_str("id");
    let fid = match &feature_id {
        None | Some(Value::Null) => None,
        Some(v) => id_text(v),
    };
    let id = match (prop_id, fid) {
        (Some(a), Some(b)) if a != b => {
            f.ctx.error(
                "id",
                format!("properties.id {a:?} differs from the feature id {b:?}"),
            );
            return None;
        }
        (Some(a), _) => a,
        (None, Some(b)) => b,
        (None, None) => {
            f.ctx.error(
                "id",
                "a park needs an id (a \"id\" property or a feature id)",
            );
            return None;
        }
    };
    if id.trim().is_empty() {
        f.ctx.error("id", "the id is empty");
        return None;
    }
    let name_zh = f.opt_str("name_zh");
    let name_en = f.opt_str("name_en");
    if name_zh.is_none() && name_en.is_none() {
        f.ctx
            .error("name_zh", "a park needs a name (name_zh or name_en)");
    }
    let county_adcodes = f.str_list("county_adcodes");
    let tier = match f.opt_str("tier") {
        None => Tier::Unknown,
        Some(t) => Tier::parse(&t).unwrap_or_else(|| {
            f.ctx.error(
                "tier",
                format!("expected one of national, provincial, municipal, unknown; found {t:?}"),
            );
            Tier::Unknown
        }),
    };
    let role = match f.opt_str("role") {
        None => Role::Park,
        Some(r) => Role::parse(&r).unwrap_or_else(|| {
            let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
            f.ctx.error(
                "role",
                format!("expected one of {}; found {r:?}", all.join(", ")),
            );
            Role::Park
        }),
    };
    let parent_id = f.opt_str("parent_id");
    let area_km2 = f.opt_num("area_km2", "an area in km²");
    let clusters = f.str_list("clusters");
    let projects = f.objects("projects", read_project);
    let targets = f.objects("targets", read_target);
    let location_accuracy_km = f.opt_num("location_accuracy_km", "a distance in km");
    let sources = read_sources(&mut f);
    let park = Park {
        id,
        name_zh,
        name_en,
        county_adcodes,
        tier,
        role,
        parent_id,
        area_km2,
        clusters,
        projects,
        targets,
        location_accuracy_km,
        sources,
        geometry,
        extra: std::mem::take(props),
    };
    check_park_references(ctx, &park, taxonomy);
    if park.geometry.is_none() {
        ctx.warn(
            "geometry",
            "no location: the park is listed but not drawn on the map",
        );
    }
    Some(park)
}

/// Source ids must resolve to the park's `sources`; cluster ids to the taxonomy.
fn check_park_references(ctx: &mut Ctx<'_>, park: &Park, taxonomy: Option<&Taxonomy>) {
    let check_sources = |ctx: &mut Ctx<'_>, field: String, ids: &[&str]| {
        for (i, id) in ids.iter().enumerate() {
            if !park.sources.contains_key(*id) {
                ctx.error(
                    &format!("{field}[{i}]"),
                    format!("unknown source id {id:?} (not in this park's \"sources\")"),
                );
            }
        }
    };
    for (i, p) in park.projects.iter().enumerate() {
        let ids: Vec<&str> = p.source_ids.iter().map(String::as_str).collect();
        check_sources(ctx, format!("projects[{i}].source_ids"), &ids);
    }
    for (i, t) in park.targets.iter().enumerate() {
        let ids: Vec<&str> = t.source_ids.iter().map(String::as_str).collect();
        check_sources(ctx, format!("targets[{i}].source_ids"), &ids);
    }
    let keys: Vec<String> = park
        .extra
        .keys()
        .filter(|k| k.ends_with("source_ids"))
        .cloned()
        .collect();
    for key in keys {
        let ids = park.source_ids(&key);
        check_sources(ctx, key.clone(), &ids);
    }
    if let Some(facts) = park.extra.get("facts").and_then(Value::as_array) {
        for (i, fact) in facts.iter().enumerate() {
            let ids: Vec<&str> = fact
                .get("source_ids")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            check_sources(ctx, format!("facts[{i}].source_ids"), &ids);
        }
    }
    let Some(tax) = taxonomy else { return };
    let check_cluster = |ctx: &mut Ctx<'_>, field: String, id: &str| {
        if tax.cluster(id).is_none() {
            ctx.error(
                &field,
                format!("unknown cluster id {id:?} (not in clusters.json)"),
            );
        }
    };
    for (i, c) in park.clusters.iter().enumerate() {
        check_cluster(ctx, format!("clusters[{i}]"), c);
    }
    for (i, p) in park.projects.iter().enumerate() {
        for (j, c) in p.clusters.iter().enumerate() {
            check_cluster(ctx, format!("projects[{i}].clusters[{j}]"), c);
        }
    }
}

/// Reads a GeoJSON geometry object, checking every coordinate.
fn read_geometry(ctx: &mut Ctx<'_>, path: &str, value: &Value) -> Option<Geometry<f64>> {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    let Value::Object(obj) = value else {
        ctx.error(
            path,
            format!(
                "expected a geometry object or null, found {}",
                describe(value)
            ),
        );
        return None;
    };
    let kind = match obj.get("type") {
        Some(Value::String(s)) => s.as_str(),
        other => {
            ctx.error(
                &join("type"),
                format!(
                    "expected a geometry type ({}), found {}",
                    GEOMETRY_TYPES.join(", "),
                    other.map_or("nothing".to_owned(), describe)
                ),
            );
            return None;
        }
    };
    if kind == "GeometryCollection" {
        let Some(Value::Array(items)) = obj.get("geometries") else {
            ctx.error(
                &join("geometries"),
                "a GeometryCollection needs a \"geometries\" array",
            );
            return None;
        };
        let mut parts = Vec::with_capacity(items.len());
        for (i, g) in items.iter().enumerate() {
            parts.push(read_geometry(
                ctx,
                &format!("{}[{i}]", join("geometries")),
                g,
            )?);
        }
        return Some(Geometry::GeometryCollection(GeometryCollection(parts)));
    }
    if !GEOMETRY_TYPES.contains(&kind) {
        ctx.error(
            &join("type"),
            format!(
                "unknown geometry type {kind:?} (expected one of {})",
                GEOMETRY_TYPES.join(", ")
            ),
        );
        return None;
    }
    let cpath = join("coordinates");
    let Some(coords) = obj.get("coordinates") else {
        ctx.error(&cpath, format!("a {kind} needs \"coordinates\""));
        return None;
    };
    let geometry = match kind {
        "Point" => Geometry::Point(Point(position(ctx, &cpath, coords)?)),
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(
            array(ctx, &cpath, coords, 0)?
                .iter()
                .enumerate()
                .map(|(i, p)| position(ctx, &format!("{cpath}[{i}]"), p).map(Point))
                .collect::<Option<_>>()?,
        )),
        "LineString" => Geometry::LineString(line(ctx, &cpath, coords, 2)?),
        "MultiLineString" => Geometry::MultiLineString(MultiLineString(
            array(ctx, &cpath, coords, 0)?
                .iter()
                .enumerate()
                .map(|(i, l)| line(ctx, &format!("{cpath}[{i}]"), l, 2))
                .collect::<Option<_>>()?,
        )),
        "Polygon" => Geometry::Polygon(polygon(ctx, &cpath, coords)?),
        _ => Geometry::MultiPolygon(MultiPolygon(
            array(ctx, &cpath, coords, 0)?
                .iter()
                .enumerate()
                .map(|(i, p)| polygon(ctx, &format!("{cpath}[{i}]"), p))
                .collect::<Option<_>>()?,
        )),
    };
    let crossings: Vec<Coord<f64>> = match &geometry {
        Geometry::Polygon(p) => self_crossing(p).into_iter().collect(),
        Geometry::MultiPolygon(mp) => mp.0.iter().filter_map(self_crossing).collect(),
        _ => Vec::new(),
    };
    if let Some(c) = crossings.first() {
        ctx.warn(path, format!(
            "the {kind} intersects itself near ({:.5}, {:.5}){} (it is drawn, but areas and hit-tests may be off)",
            c.x,
            c.y,
            if crossings.len() > 1 { format!(" and in {} more place(s)", crossings.len() - 1) } else { String::new() }
        ));
    }
    Some(geometry)
}

/// A ring segment, remembering its ring and position so that neighbours can be told apart.
#[derive(Clone, Debug)]
struct Segment {
    line: Line<f64>,
    ring: usize,
    index: usize,
    ring_len: usize,
}

impl Cross for Segment {
    type Scalar = f64;
    fn line(&self) -> Line<f64> {
        self.line
    }
}

/// Where a polygon's rings cross themselves or each other, if they do: a sweep over all
/// segments (Bentley–Ottmann, O((n + k) log n)), so that checking 27,000 county vertices
/// takes milliseconds. Neighbouring segments meeting at their shared vertex are fine; rings
/// touching each other at a single point are fine (OGC); crossings, overlaps and a ring
/// touching itself are not.
fn self_crossing(poly: &Polygon<f64>) -> Option<Coord<f64>> {
    let mut segments = Vec::new();
    for (ring, ls) in std::iter::once(poly.exterior())
        .chain(poly.interiors())
        .enumerate()
    {
        let lines: Vec<Line<f64>> = ls.lines().filter(|l| l.start != l.end).collect();
        let ring_len = lines.len();
        segments.extend(lines.into_iter().enumerate().map(|(index, line)| Segment {
            line,
            ring,
            index,
            ring_len,
        }));
    }
    for (a, b, hit) in Intersections::from_iter(segments) {
        let neighbours = a.ring == b.ring
            && (a.index.abs_diff(b.index) == 1 || a.index.abs_diff(b.index) + 1 == a.ring_len);
        match hit {
            LineIntersection::SinglePoint {
                intersection,
                is_proper,
            } => {
                if is_proper || (a.ring == b.ring && !neighbours) {
                    return Some(intersection);
                }
            }
            LineIntersection::Collinear { intersection } => return Some(intersection.start),
        }
    }
    None
}

fn array<'v>(ctx: &mut Ctx<'_>, path: &str, v: &'v Value, min: usize) -> Option<&'v Vec<Value>> {
    match v {
        Value::Array(a) if a.len() >= min => Some(a),
        Value::Array(a) => {
            ctx.error(
                path,
                format!("expected at least {min} positions, found {}", a.len()),
            );
            None
        }
        other => {
            ctx.error(
                path,
                format!("expected an array, found {}", describe(other)),
            );
            None
        }
    }
}

fn position(ctx: &mut Ctx<'_>, path: &str, v: &Value) -> Option<Coord<f64>> {
    let Value::Array(a) = v else {
        ctx.error(
            path,
            format!(
                "expected a position [longitude, latitude], found {}",
                describe(v)
            ),
        );
        return None;
    };
    if a.len() < 2 {
        ctx.error(
            path,
            format!(
                "a position needs longitude and latitude, found {} number(s)",
                a.len()
            ),
        );
        return None;
    }
    let mut nums = [0.0; 2];
    for (i, x) in a.iter().enumerate() {
        match x.as_f64() {
            Some(n) if n.is_finite() => {
                if i < 2 {
                    nums[i] = n;
                }
            }
            _ => {
                ctx.error(
                    &format!("{path}[{i}]"),
                    format!("expected a number, found {}", describe(x)),
                );
                return None;
            }
        }
    }
    let [lon, lat] = nums;
    if !(-180.0..=180.0).contains(&lon) {
        ctx.error(path, format!("longitude {lon} is out of range (-180 to 180); coordinates must be WGS-84 degrees, longitude first"));
        return None;
    }
    if !(-90.0..=90.0).contains(&lat) {
        ctx.error(path, format!("latitude {lat} is out of range (-90 to 90); coordinates must be WGS-84 degrees, longitude first"));
        return None;
    }
    Some(Coord { x: lon, y: lat })
}

fn line(ctx: &mut Ctx<'_>, path: &str, v: &Value, min: usize) -> Option<LineString<f64>> {
    let a = array(ctx, path, v, min)?;
    let coords = a
        .iter()
        .enumerate()
        .map(|(i, p)| position(ctx, &format!("{path}[{i}]"), p))
        .collect::<Option<Vec<_>>>()?;
    Some(LineString(coords))
}

fn polygon(ctx: &mut Ctx<'_>, path: &str, v: &Value) -> Option<Polygon<f64>> {
    let rings = array(ctx, path, v, 1)?;
    let mut out = Vec::with_capacity(rings.len());
    for (i, r) in rings.iter().enumerate() {
        let rp = format!("{path}[{i}]");
        let ring = line(ctx, &rp, r, 4)?;
        if ring.0.first() != ring.0.last() {
            ctx.error(
                &rp,
                "the ring is not closed: its last position must repeat the first",
            );
            return None;
        }
        out.push(ring);
    }
    let mut it = out.into_iter();
    let exterior = it.next()?;
    Some(Polygon::new(exterior, it.collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, polygon};

    #[test]
    fn a_square_does_not_cross_itself() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        assert_eq!(self_crossing(&p), None);
    }

    #[test]
    fn a_bowtie_crosses_itself_in_the_middle() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0)];
        assert_eq!(self_crossing(&p), Some(Coord { x: 0.5, y: 0.5 }));
    }

    #[test]
    fn repeated_points_are_not_crossings() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        assert_eq!(self_crossing(&p), None);
    }

    #[test]
    fn a_spike_back_along_an_edge_is_an_overlap() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        assert!(self_crossing(&p).is_some());
    }

    #[test]
    fn a_hole_inside_is_fine_but_a_hole_across_the_edge_is_not() {
        let ext = LineString::from(vec![
            (0.0, 0.0),
            (4.0, 0.0),
            (4.0, 4.0),
            (0.0, 4.0),
            (0.0, 0.0),
        ]);
        let inside = LineString::from(vec![(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 1.0)]);
        assert_eq!(
            self_crossing(&Polygon::new(ext.clone(), vec![inside])),
            None
        );
        let across = LineString::from(vec![(3.0, 1.0), (5.0, 1.0), (5.0, 2.0), (3.0, 1.0)]);
        assert_eq!(
            self_crossing(&Polygon::new(ext, vec![across])),
            Some(Coord { x: 4.0, y: 1.0 })
        );
    }
}
