//! Seeded synthetic data at the scale planners have: N parks as polygons spread over the
//! city's counties, each with M projects; and a generic parcel layer of N polygons. Used by
//! the benchmarks, the tests and `park-atlas generate`. The same seed gives the same data.

use geo::{BoundingRect, Contains, Coord, Geometry, LineString, Point, Polygon, Rect};
use serde_json::{Map, Value, json};

use crate::model::{Atlas, Park, Project, Role, Source, Sources, Tier};

/// SplitMix64: a tiny, well-mixed seeded generator (enough for test data; no crate needed).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for this seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [a, b).
    pub fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }

    /// Uniform index below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Where generated features go: inside the counties of `atlas` (else inside the parks'
/// bounding box, else around Zhanjiang).
struct Sampler<'a> {
    counties: Vec<(&'a str, &'a Geometry<f64>, Rect<f64>)>,
    bounds: Rect<f64>,
}

impl<'a> Sampler<'a> {
    fn new(atlas: &'a Atlas) -> Sampler<'a> {
        let counties: Vec<_> = atlas
            .counties
            .iter()
            .filter_map(|c| {
                let g = c.geometry.as_ref()?;
                Some((c.adcode.as_str(), g, g.bounding_rect()?))
            })
            .collect();
        let bounds = counties
            .iter()
            .map(|c| c.2)
            .reduce(crate::spatial::union_rect)
            .unwrap_or(Rect::new(
                Coord { x: 109.7, y: 20.2 },
                Coord { x: 110.9, y: 21.9 },
            ));
        Sampler { counties, bounds }
    }

    /// A random point on land (in a county) and that county's adcode.
    fn point(&self, rng: &mut Rng) -> (Coord<f64>, Option<&'a str>) {
        let b = self.bounds;
        for _ in 0..1000 {
            let c = Coord {
                x: rng.range(b.min().x, b.max().x),
                y: rng.range(b.min().y, b.max().y),
            };
            if self.counties.is_empty() {
                return (c, None);
            }
            let p = Point::from(c);
            if let Some((a, _, _)) = self
                .counties
                .iter()
                .find(|(_, g, r)| r.contains(&p) && g.contains(&p))
            {
                return (c, Some(a));
            }
        }
        (b.center(), None)
    }
}

/// A star-shaped (so never self-crossing) polygon of `vertices` points around `c`, with a
/// radius of about `radius_m` metres.
pub fn blob(rng: &mut Rng, c: Coord<f64>, radius_m: f64, vertices: usize) -> Polygon<f64> {
    let dlat = radius_m / 111_320.0;
    let dlon = dlat / c.y.to_radians().cos().max(0.01);
    let n = vertices.max(3);
    let mut ring: Vec<Coord<f64>> = (0..n)
        .map(|k| {
            let a = std::f64::consts::TAU * k as f64 / n as f64;
            let r = rng.range(0.65, 1.0);
            // Rounded to 1e-7° (about 1 cm), as surveyed data is.
            Coord {
                x: ((c.x + dlon * r * a.cos()) * 1e7).round() / 1e7,
                y: ((c.y + dlat * r * a.sin()) * 1e7).round() / 1e7,
            }
        })
        .collect();
    ring.push(ring[0]);
    Polygon::new(LineString::new(ring), vec![])
}

/// How much synthetic data to make.
#[derive(Debug, Clone, Copy)]
pub struct SynthOptions {
    /// Number of parks (or parcels).
    pub features: usize,
    /// Projects per park.
    pub projects: usize,
    /// Vertices per polygon.
    pub vertices: usize,
    /// The seed.
    pub seed: u64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            features: 1000,
            projects: 10,
            vertices: 48,
            seed: 1,
        }
    }
}

const STATUSES: [&str; 4] = ["signed", "under construction", "in operation", "planned"];

/// `options.features` parks as polygons inside the counties of `base` (its counties and
/// taxonomy are kept; its parks are replaced), each with `options.projects` projects.
pub fn parks(base: &Atlas, options: SynthOptions) -> Atlas {
    let mut rng = Rng::new(options.seed);
    let sampler = Sampler::new(base);
    let clusters: Vec<&str> = base
        .taxonomy
        .clusters
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let mut sources = Sources::new();
    sources.insert(
        "synthetic".into(),
        Source {
            title: Some("Synthetic test data (park-atlas generate)".into()),
            outlet: Some("park-atlas".into()),
            quality: Some("not real: generated for tests and benchmarks".into()),
            ..Source::default()
        },
    );
    let parks = (0..options.features)
        .map(|i| {
            let (c, adcode) = sampler.point(&mut rng);
            let radius = rng.range(150.0, 700.0);
            let poly = blob(&mut rng, c, radius, options.vertices);
            let mut own: Vec<String> = Vec::new();
            if !clusters.is_empty() {
                for _ in 0..1 + rng.below(3) {
                    let id = clusters[rng.below(clusters.len())].to_owned();
                    if !own.contains(&id) {
                        own.push(id);
                    }
                }
            }
            let projects = (0..options.projects)
                .map(|k| {
                    let known = rng.unit() < 0.8;
                    Project {
                        name_zh: Some(format!("合成项目 {i}-{k}")),
                        name_en: Some(format!("Synthetic project {i}-{k}")),
                        investor: Some(format!("Investor {}", rng.below(500))),
                        amount: known.then(|| (rng.range(0.1, 50.0) * 1e8).round()),
                        currency: known
                            .then(|| if rng.unit() < 0.9 { "CNY" } else { "EUR" }.to_owned()),
                        year: Some(2016 + rng.below(9) as i32),
                        status: Some(STATUSES[rng.below(STATUSES.len())].to_owned()),
                        status_date: None,
                        clusters: Vec::new(),
                        source_ids: vec!["synthetic".into()],
                        extra: Map::new(),
                    }
                })
                .collect();
            Park {
                id: format!("synth_{i:06}"),
                name_zh: Some(format!("合成园区 {i}")),
                name_en: Some(format!("Synthetic park {i}")),
                county_adcodes: adcode.map(|a| vec![a.to_owned()]).unwrap_or_default(),
                tier: [Tier::Provincial, Tier::Municipal, Tier::Unknown][rng.below(3)],
                role: Role::Park,
                parent_id: None,
                area_km2: None,
                clusters: own,
                projects,
                targets: Vec::new(),
                location_accuracy_km: None,
                sources: sources.clone(),
                geometry: Some(Geometry::Polygon(poly)),
                extra: Map::new(),
            }
        })
        .collect();
    Atlas {
        counties: base.counties.clone(),
        parks,
        others: Default::default(),
        layers: Vec::new(),
        taxonomy: base.taxonomy.clone(),
        citywide: None,
        land: base.land.clone(),
        ids: Default::default(),
    }
}

/// A generic parcel layer (not parks): `options.features` polygons with a few plain
/// properties, as GeoJSON text.
pub fn parcels_geojson(base: &Atlas, options: SynthOptions) -> String {
    let mut rng = Rng::new(options.seed);
    let sampler = Sampler::new(base);
    let mut out = String::with_capacity(options.features * options.vertices * 40);
    out.push_str("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for i in 0..options.features {
        let (c, adcode) = sampler.point(&mut rng);
        let radius = rng.range(40.0, 250.0);
        let poly = blob(&mut rng, c, radius, options.vertices);
        let ring: Vec<[f64; 2]> = poly
            .exterior()
            .0
            .iter()
            .map(|c| [(c.x * 1e6).round() / 1e6, (c.y * 1e6).round() / 1e6])
            .collect();
        let kind = ["industrial", "logistics", "warehouse", "vacant"][rng.below(4)];
        let area = rng.range(2_000.0, 150_000.0).round();
        let f = json!({
            "type": "Feature",
            "properties": {
                "parcel": format!("P{i:07}"),
                "use": kind,
                "area_m2": area,
                "county": adcode.map_or(Value::Null, |a| Value::String(a.to_owned())),
            },
            "geometry": { "type": "Polygon", "coordinates": [ring] }
        });
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str(&f.to_string());
    }
    out.push_str("\n]}\n");
    out
}

/// Writes a synthetic dataset folder: `parks.geojson` with generated parks, and the embedded
/// counties, clusters and land beside it (so that `--data DIR` loads it like a real city).
pub fn write_dataset(options: SynthOptions, dir: &std::path::Path) -> Result<usize, SynthError> {
    use crate::io::dataset::{self, embedded};
    let base = embedded_base()?;
    let atlas = parks(&base, options);
    std::fs::create_dir_all(dir).map_err(|e| SynthError::Write(dir.to_owned(), e))?;
    let all: Vec<&Park> = atlas.parks.iter().collect();
    crate::io::export_parks(&atlas, &all, &dir.join(dataset::PARKS_FILE))?;
    for (name, text) in [
        (dataset::COUNTIES_FILE, embedded::COUNTIES),
        (dataset::CLUSTERS_FILE, embedded::CLUSTERS),
        (dataset::LAND_FILE, embedded::LAND),
    ] {
        let path = dir.join(name);
        crate::io::atomic::write_atomic(&path, text.as_bytes())
            .map_err(|e| SynthError::Write(path, e))?;
    }
    Ok(atlas.parks.len())
}

/// Writes a synthetic parcel layer (generic polygons, not parks) to a GeoJSON file.
pub fn write_parcels(options: SynthOptions, path: &std::path::Path) -> Result<(), SynthError> {
    let base = embedded_base()?;
    let text = parcels_geojson(&base, options);
    crate::io::atomic::write_atomic(path, text.as_bytes())
        .map_err(|e| SynthError::Write(path.to_owned(), e))
}

/// The embedded city, whose counties and taxonomy the generated data uses.
fn embedded_base() -> Result<Atlas, SynthError> {
    crate::io::load_embedded().map(|l| l.atlas).map_err(|p| {
        SynthError::Base(
            p.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// Why synthetic data could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SynthError {
    /// The embedded data (counties, clusters) did not load.
    #[error("the embedded data did not load: {0}")]
    Base(String),
    /// The parks could not be exported.
    #[error(transparent)]
    Export(#[from] crate::io::ExportError),
    /// A file could not be written.
    #[error("could not write {0}: {1}")]
    Write(std::path::PathBuf, std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers_and_another_seed_others() {
        let a: Vec<u64> = (0..5).map(|_| Rng::new(7).next_u64()).collect();
        assert!(a.iter().all(|x| *x == a[0]));
        let mut r = Rng::new(7);
        let mut s = Rng::new(8);
        assert_ne!(r.next_u64(), s.next_u64());
        for _ in 0..1000 {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn blobs_are_closed_and_around_their_centre() {
        let mut r = Rng::new(3);
        let c = Coord { x: 110.3, y: 21.2 };
        let p = blob(&mut r, c, 500.0, 48);
        assert_eq!(p.exterior().0.len(), 49);
        assert_eq!(p.exterior().0.first(), p.exterior().0.last());
        assert!(p.contains(&Point::from(c)));
    }
}
