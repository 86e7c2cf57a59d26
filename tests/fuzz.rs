//! Bounded fuzzing on stable Rust (proptest; a fixed number of cases, well under a minute in
//! CI): the loader never panics on damaged files from the corpus (`data/`, `tests/fixtures/`)
//! and always locates its errors; exporting any parks and loading them back gives the same
//! parks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use park_atlas::io::{self, export::geojson_string, parse_geojson};
use park_atlas::model::{Park, Project, Role, Source, Sources, Target, Tier};
use proptest::prelude::*;

fn corpus() -> &'static [Vec<u8>] {
    static CORPUS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(read_corpus)
}

fn read_corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![std::fs::read(root.join("data/zhanjiang/parks.geojson")).unwrap()];
    for e in std::fs::read_dir(root.join("tests/fixtures"))
        .unwrap()
        .flatten()
    {
        files.push(std::fs::read(e.path()).unwrap());
    }
    files
}

/// One change to a file: overwrite, delete or insert a byte (often a JSON delimiter).
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Delete(usize),
    Insert(usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let special = prop::sample::select(b"{}[],:\"0-e.\\ \n\xe6\x88\x91\x00".to_vec());
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Set(at, b)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), special).prop_map(|(at, b)| Edit::Insert(at, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn damaged_corpus_files_never_panic_and_errors_are_located(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..12),
    ) {
        let files = corpus();
        let mut bytes = pick.get(files).clone();
        for e in edits {
            let n = bytes.len().max(1);
            match e {
                Edit::Set(at, b) if !bytes.is_empty() => bytes[at % n] = b,
                Edit::Delete(at) if !bytes.is_empty() => { bytes.remove(at % n); }
                Edit::Insert(at, b) => bytes.insert(at % (bytes.len() + 1), b),
                _ => {}
            }
        }
        let (_, problems) = parse_geojson("fuzz.geojson", &bytes, None);
        for p in problems.iter().filter(|p| p.is_error()) {
            prop_assert_eq!(&p.file, "fuzz.geojson");
            prop_assert!(!p.message.is_empty());
            prop_assert!(
                !p.location.is_empty() || !p.field.is_empty()
                    || p.message.contains("offset")
                    || p.message.starts_with("not GeoJSON")
                    || p.message.starts_with("the file")
                    || p.message.starts_with("this is"),
                "not located: {}", p
            );
        }
    }
}

fn text() -> impl Strategy<Value = String> {
    // Any Unicode, quotes, backslashes and controls included.
    "\\PC{0,12}|[\"\\\\\n\t]{0,3}|湛江[一-龥]{0,6}"
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn amount() -> impl Strategy<Value = Option<f64>> {
    prop::option::of(prop_oneof![
        0.0..1e15f64,
        Just(0.0),
        Just(69.3e9),
        Just(1e15)
    ])
}

fn project() -> impl Strategy<Value = Project> {
    (
        opt_text(),
        "[a-z]{1,8}",
        opt_text(),
        amount(),
        prop::option::of(1000i32..=9999),
        opt_text(),
    )
        .prop_map(|(zh, en, investor, amount, year, status)| Project {
            name_zh: zh,
            name_en: Some(en),
            investor,
            currency: amount.map(|_| "CNY".to_owned()),
            amount,
            year,
            status,
            status_date: None,
            clusters: Vec::new(),
            source_ids: vec!["s1".into()],
            extra: Default::default(),
        })
}

fn park(i: usize) -> impl Strategy<Value = Park> {
    (
        text(),
        prop::collection::vec(project(), 0..4),
        prop::option::of(0.0..1000.0f64),
        prop::option::of(0.1..12.0f64),
        (109.5..111.0f64, 20.2..21.9f64),
        prop::sample::select(vec![Tier::National, Tier::Provincial, Tier::Unknown]),
        prop::sample::select(vec!["green_steel", "green_petrochem", "green_paper"]),
        opt_text(),
    )
        .prop_map(
            move |(name, projects, area, acc, (lon, lat), tier, cluster, note)| {
                let mut sources = Sources::new();
                sources.insert(
                    "s1".into(),
                    Source {
                        title: note.clone(),
                        url: Some("https://example.org/a?b=\"c\"".into()),
                        ..Source::default()
                    },
                );
                let mut extra = serde_json::Map::new();
                if let Some(n) = &note {
                    extra.insert("notes".into(), serde_json::Value::String(n.clone()));
                }
                Park {
                    id: format!("p{i}"),
                    name_zh: Some(format!("园区{name}")),
                    name_en: None,
                    county_adcodes: vec!["440882".into()],
                    tier,
                    role: Role::Park,
                    parent_id: None,
                    area_km2: area,
                    clusters: vec![cluster.to_owned()],
                    projects,
                    targets: vec![Target {
                        year: Some(2025),
                        text: note,
                        source_ids: vec!["s1".into()],
                        ..Target::default()
                    }],
                    location_accuracy_km: acc,
                    sources,
                    geometry: Some(geo::Point::new(lon, lat).into()),
                    extra,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn exporting_then_loading_gives_the_same_parks(
        parks in (park(0), park(1), park(2))
    ) {
        let parks = [parks.0, parks.1, parks.2];
        let refs: Vec<&Park> = parks.iter().collect();
        let text = geojson_string(&refs).unwrap();
        static TAXONOMY: std::sync::OnceLock<park_atlas::model::Taxonomy> = std::sync::OnceLock::new();
        let taxonomy = TAXONOMY.get_or_init(|| io::load_embedded().unwrap().atlas.taxonomy);
        let (back, problems) = parse_geojson("rt.geojson", text.as_bytes(), Some(taxonomy));
        prop_assert!(problems.is_empty(), "{:#?}", problems);
        prop_assert_eq!(back.parks.as_slice(), parks.as_slice());
    }
}
