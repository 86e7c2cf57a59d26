//! Raster tile sources for the basemap: OpenStreetMap, AMap (GCJ-02), a custom XYZ template,
//! a local `{z}/{x}/{y}.png|jpg|webp` folder and raster PMTiles archives — fetched on worker
//! threads (never on the UI thread), cached on disk with a size limit, and decoded to RGBA.
//!
//! No egui here: [`super::tile_layer`] turns [`TileImage`]s into textures and draws them.
//!
//! Why not walkers' own `HttpTiles`: it draws its tiles itself (we need the built-in basemap
//! underneath and the parks above, in our order), never retries a failed tile, and reports no
//! status; a planner offline or behind a flaky proxy must see the basemap and be told why
//! tiles are missing. It also has no local folder source.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use super::tile_cache::TileCache;

/// A tile address in the XYZ (slippy map) scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Zoom level.
    pub z: u8,
    /// Column.
    pub x: u32,
    /// Row (north = 0).
    pub y: u32,
}

impl TileId {
    /// The tile one level up that contains this one.
    pub fn parent(self) -> Option<TileId> {
        (self.z > 0).then(|| TileId {
            z: self.z - 1,
            x: self.x / 2,
            y: self.y / 2,
        })
    }
}

/// Which datum a source's tiles are drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Datum {
    /// WGS-84 (OpenStreetMap and most others).
    Wgs84,
    /// GCJ-02, the offset datum of Chinese web maps.
    Gcj02,
}

/// Where basemap tiles come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TileSource {
    /// OpenStreetMap's standard tiles.
    Osm,
    /// AMap (Gaode) road map, in GCJ-02.
    Amap,
    /// A custom `https://…/{z}/{x}/{y}.png` template with its attribution.
    Xyz {
        /// URL with `{z}`, `{x}`, `{y}` (and optionally `{s}` for a/b/c sub-domains).
        template: String,
        /// Attribution to show on the map.
        attribution: String,
    },
    /// A local folder of `{z}/{x}/{y}.png` (or .jpg, .jpeg, .webp) files.
    Folder(PathBuf),
    /// A local `.pmtiles` archive of raster tiles.
    PmTiles(PathBuf),
}

/// User-Agent sent with every tile request (the OSM tile policy asks for a real one).
pub const USER_AGENT: &str = concat!(
    "park-atlas/",
    env!("CARGO_PKG_VERSION"),
    " (desktop map of Zhanjiang industrial parks)"
);

impl TileSource {
    /// A short name for the cache folder and messages.
    pub fn key(&self) -> String {
        match self {
            TileSource::Osm => "osm".into(),
            TileSource::Amap => "amap".into(),
            TileSource::Xyz { template, .. } => {
                let mut h = DefaultHasher::new();
                template.hash(&mut h);
                format!("xyz-{:016x}", h.finish())
            }
            TileSource::Folder(_) => "folder".into(),
            TileSource::PmTiles(_) => "pmtiles".into(),
        }
    }

    /// A local source for a path: a `.pmtiles` file or a tiles folder, checked.
    pub fn local(path: &Path) -> Result<TileSource, SourceError> {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pmtiles"))
        {
            check_pmtiles(path)?;
            Ok(TileSource::PmTiles(path.to_owned()))
        } else {
            check_folder(path)?;
            Ok(TileSource::Folder(path.to_owned()))
        }
    }

    /// The datum the tiles are in.
    pub fn datum(&self) -> Datum {
        match self {
            TileSource::Amap => Datum::Gcj02,
            _ => Datum::Wgs84,
        }
    }

    /// Highest zoom level the source serves.
    pub fn max_zoom(&self) -> u8 {
        match self {
            TileSource::Amap => 18,
            _ => 19,
        }
    }

    /// Attribution to show while the source is on screen.
    pub fn attribution(&self) -> String {
        match self {
            TileSource::Osm => "© OpenStreetMap contributors".into(),
            TileSource::Amap => "© 高德地图 AutoNavi (GCJ-02)".into(),
            TileSource::Xyz { attribution, .. } => attribution.clone(),
            TileSource::Folder(p) | TileSource::PmTiles(p) => format!("Tiles: {}", p.display()),
        }
    }

    /// The address of a tile, for network sources.
    pub fn url(&self, id: TileId) -> Option<String> {
        let fill = |t: &str, sub: &str| {
            t.replace("{z}", &id.z.to_string())
                .replace("{x}", &id.x.to_string())
                .replace("{y}", &id.y.to_string())
                .replace("{s}", sub)
        };
        let sub = ["a", "b", "c"][((id.x + id.y) % 3) as usize];
        match self {
            TileSource::Osm => Some(fill("https://tile.openstreetmap.org/{z}/{x}/{y}.png", sub)),
            TileSource::Amap => {
                let n = 1 + (id.x + id.y) % 4;
                Some(format!(
                    "https://webrd0{n}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={}&y={}&z={}",
                    id.x, id.y, id.z
                ))
            }
            TileSource::Xyz { template, .. } => Some(fill(template, sub)),
            TileSource::Folder(_) | TileSource::PmTiles(_) => None,
        }
    }

    /// Checks a custom template: http(s) with `{z}`, `{x}` and `{y}`.
    pub fn check_template(template: &str) -> Result<(), SourceError> {
        let t = template.trim();
        if !(t.starts_with("http://") || t.starts_with("https://")) {
            return Err(SourceError::NotHttp);
        }
        for part in ["{z}", "{x}", "{y}"] {
            if !t.contains(part) {
                return Err(SourceError::MissingPart(part));
            }
        }
        Ok(())
    }
}

/// A decoded tile.
#[derive(Clone, PartialEq, Eq)]
pub struct TileImage {
    /// Width and height in pixels.
    pub size: [usize; 2],
    /// RGBA bytes, row by row.
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for TileImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TileImage({}×{})", self.size[0], self.size[1])
    }
}

/// Why a tile source cannot be used (reported when the user picks it; the previous basemap
/// stays).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// A custom template that is not an http(s) URL.
    #[error("the template must start with http:// or https://")]
    NotHttp,
    /// A custom template without one of `{z}`, `{x}`, `{y}`.
    #[error("the template has no {0}")]
    MissingPart(&'static str),
    /// A local folder or file that cannot be read.
    #[error("{path}: {message}")]
    Unreadable {
        /// The folder or file.
        path: PathBuf,
        /// The system's reason.
        message: String,
    },
    /// A folder without `{z}/{x}/{y}` tiles.
    #[error("{0}: no {{z}}/{{x}}/{{y}} tile folders found")]
    NoTiles(PathBuf),
    /// A file that is not a PMTiles archive.
    #[error("{path}: not a PMTiles archive ({message})")]
    NotPmTiles {
        /// The file.
        path: PathBuf,
        /// The reader's reason.
        message: String,
    },
    /// A PMTiles archive of vector tiles.
    #[error("{path}: {kind} tiles; only raster (PNG, JPEG, WebP) archives are supported")]
    NotRaster {
        /// The file.
        path: PathBuf,
        /// The tile type it holds.
        kind: String,
    },
}

/// Why a tile is not there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TileError {
    /// The server answered with an error status.
    #[error("HTTP {0}")]
    Http(u16),
    /// No answer: no network, DNS failure, refused, timed out.
    #[error("network: {0}")]
    Network(String),
    /// The bytes are not an image.
    #[error("not an image: {0}")]
    Decode(String),
    /// The local folder has no such tile.
    #[error("no such tile")]
    NotFound,
    /// A file could not be read.
    #[error("{0}")]
    Io(String),
}

impl TileError {
    /// Whether trying again later may help (network trouble, server errors).
    pub fn is_transient(&self) -> bool {
        match self {
            TileError::Network(_) => true,
            TileError::Http(code) => *code >= 500 || *code == 429 || *code == 408,
            _ => false,
        }
    }
}

/// Decodes PNG/JPEG/WebP bytes.
pub fn decode(bytes: &[u8]) -> Result<TileImage, TileError> {
    let img = image::load_from_memory(bytes)
        .map_err(|e| TileError::Decode(e.to_string()))?
        .to_rgba8();
    Ok(TileImage {
        size: [img.width() as usize, img.height() as usize],
        rgba: img.into_raw(),
    })
}

/// Seconds to wait before retry number `attempts` (1, 2, 4 … capped at 64).
pub fn backoff_seconds(attempts: u32) -> u64 {
    1u64 << attempts.saturating_sub(1).min(6).min(63) as u64
}

/// Options of a fetcher.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Worker threads (the OSM policy allows 2 connections).
    pub workers: usize,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Disk cache; `None` to keep nothing.
    pub cache: Option<TileCache>,
    /// Fetch network tiles from this `{z}/{x}/{y}` template instead of the source's own
    /// server (the source keeps its datum and attribution). Tests point it at 127.0.0.1 so
    /// that they never reach the internet.
    pub url_template: Option<String>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            workers: 2,
            timeout: Duration::from_secs(15),
            cache: TileCache::default_dir().map(|dir| TileCache {
                dir,
                limit_bytes: 512 << 20,
            }),
            url_template: None,
        }
    }
}

/// Where a fetched tile came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The network.
    Network,
    /// The disk cache.
    Cache,
    /// A local folder.
    Folder,
}

/// One finished request.
#[derive(Debug)]
pub struct Fetched {
    /// Which tile.
    pub id: TileId,
    /// The image, or why not.
    pub result: Result<(TileImage, Origin), TileError>,
    /// Set when a corrupt cache entry was found (and removed) on the way.
    pub corrupt_cache_entry: bool,
}

/// Fetches tiles of one source on worker threads. Requests never block; results arrive
/// through [`TileFetcher::poll`], and `notify` is called after each (the window uses it to
/// request a repaint).
pub struct TileFetcher {
    source: TileSource,
    jobs: Option<Sender<TileId>>,
    results: Receiver<Fetched>,
    workers: Vec<std::thread::JoinHandle<()>>,
}

impl TileFetcher {
    /// Starts the workers.
    pub fn new(
        source: TileSource,
        options: FetchOptions,
        notify: Arc<dyn Fn() + Send + Sync>,
    ) -> TileFetcher {
        let (job_tx, job_rx) = channel::<TileId>();
        let (res_tx, res_rx) = channel::<Fetched>();
        let job_rx = Arc::new(Mutex::new(job_rx));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(options.timeout))
            .user_agent(USER_AGENT)
            .http_status_as_error(false)
            .build()
            .into();
        let archive: Arc<Mutex<Option<Result<Archive, SourceError>>>> = Arc::new(Mutex::new(None));
        let writes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let fetch_source = match (&options.url_template, &source) {
            (Some(t), TileSource::Osm | TileSource::Amap | TileSource::Xyz { .. }) => {
                TileSource::Xyz {
                    template: t.clone(),
                    attribution: String::new(),
                }
            }
            _ => source.clone(),
        };
        let workers = (0..options.workers.max(1))
            .map(|_| {
                let (job_rx, res_tx, agent, source, cache, notify) = (
                    job_rx.clone(),
                    res_tx.clone(),
                    agent.clone(),
                    fetch_source.clone(),
                    options.cache.clone(),
                    notify.clone(),
                );
                let (archive, writes) = (archive.clone(), writes.clone());
                std::thread::spawn(move || {
                    loop {
                        let job = match job_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok(id) = job else { return };
                        let fetched = match &source {
                            TileSource::PmTiles(path) => read_pmtiles_tile(&archive, path, id),
                            _ => fetch_one(&agent, &source, cache.as_ref(), id, &writes),
                        };
                        if res_tx.send(fetched).is_err() {
                            return;
                        }
                        notify();
                    }
                })
            })
            .collect();
        TileFetcher {
            source,
            jobs: Some(job_tx),
            results: res_rx,
            workers,
        }
    }

    /// The source.
    pub fn source(&self) -> &TileSource {
        &self.source
    }

    /// Queues a tile.
    pub fn request(&self, id: TileId) {
        if let Some(tx) = &self.jobs {
            let _ = tx.send(id);
        }
    }

    /// Finished requests since the last call.
    pub fn poll(&self) -> Vec<Fetched> {
        self.results.try_iter().collect()
    }
}

impl Drop for TileFetcher {
    fn drop(&mut self) {
        // Closing the channel ends the workers after their current request; they are not
        // joined, so a hanging server never blocks the window.
        self.jobs = None;
        self.workers.clear();
    }
}

/// An open `.pmtiles` archive.
type Archive = pmtiles2::PMTiles<std::fs::File>;

/// Prune the cache after this many writes.
const PRUNE_EVERY: usize = 64;

fn open_pmtiles(path: &Path) -> Result<Archive, SourceError> {
    let file = std::fs::File::open(path).map_err(|e| SourceError::Unreadable {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    pmtiles2::PMTiles::from_reader(file).map_err(|e| SourceError::NotPmTiles {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// Checks that a `.pmtiles` file opens and holds raster tiles.
pub fn check_pmtiles(path: &Path) -> Result<(), SourceError> {
    let a = open_pmtiles(path)?;
    match a.tile_type {
        pmtiles2::TileType::Png | pmtiles2::TileType::Jpeg | pmtiles2::TileType::WebP => Ok(()),
        other => Err(SourceError::NotRaster {
            path: path.to_owned(),
            kind: format!("{other:?}"),
        }),
    }
}

fn read_pmtiles_tile(
    archive: &Mutex<Option<Result<Archive, SourceError>>>,
    path: &Path,
    id: TileId,
) -> Fetched {
    let result = (|| {
        let mut guard = archive
            .lock()
            .map_err(|_| TileError::Io("archive lock poisoned".into()))?;
        let a = guard
            .get_or_insert_with(|| open_pmtiles(path))
            .as_mut()
            .map_err(|e| TileError::Io(e.to_string()))?;
        let raw = a
            .get_tile(u64::from(id.x), u64::from(id.y), id.z)
            .map_err(|e| TileError::Io(format!("{}: {e}", path.display())))?
            .ok_or(TileError::NotFound)?;
        let bytes = pmtiles2::util::decompress_all(a.tile_compression, &raw)
            .map_err(|e| TileError::Decode(e.to_string()))?;
        Ok((decode(&bytes)?, Origin::Folder))
    })();
    Fetched {
        id,
        result,
        corrupt_cache_entry: false,
    }
}

fn fetch_one(
    agent: &ureq::Agent,
    source: &TileSource,
    cache: Option<&TileCache>,
    id: TileId,
    writes: &std::sync::atomic::AtomicUsize,
) -> Fetched {
    let mut corrupt = false;
    if let TileSource::Folder(dir) = source {
        let result = read_folder_tile(dir, id)
            .and_then(|b| decode(&b))
            .map(|img| (img, Origin::Folder));
        return Fetched {
            id,
            result,
            corrupt_cache_entry: false,
        };
    }
    let key = source.key();
    if let Some(c) = cache
        && let Some(bytes) = c.get(&key, id)
    {
        match decode(&bytes) {
            Ok(img) => {
                return Fetched {
                    id,
                    result: Ok((img, Origin::Cache)),
                    corrupt_cache_entry: false,
                };
            }
            Err(_) => {
                c.remove(&key, id);
                corrupt = true;
            }
        }
    }
    let result = match source.url(id) {
        Some(url) => download(agent, &url).and_then(|bytes| {
            let img = decode(&bytes)?;
            if let Some(c) = cache {
                // A cache that cannot be written is not worth failing the tile for.
                let _ = c.put(&key, id, &bytes);
                if writes.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % PRUNE_EVERY
                    == PRUNE_EVERY - 1
                {
                    c.prune();
                }
            }
            Ok((img, Origin::Network))
        }),
        None => Err(TileError::NotFound),
    };
    Fetched {
        id,
        result,
        corrupt_cache_entry: corrupt,
    }
}

fn download(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>, TileError> {
    let response = agent
        .get(url)
        .call()
        .map_err(|e| TileError::Network(e.to_string()))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(TileError::Http(status));
    }
    let mut bytes = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(8 << 20)
        .read_to_end(&mut bytes)
        .map_err(|e| TileError::Network(e.to_string()))?;
    Ok(bytes)
}

fn read_folder_tile(dir: &Path, id: TileId) -> Result<Vec<u8>, TileError> {
    let base = dir.join(id.z.to_string()).join(id.x.to_string());
    for ext in ["png", "jpg", "jpeg", "webp"] {
        match std::fs::read(base.join(format!("{}.{ext}", id.y))) {
            Ok(b) => return Ok(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(TileError::Io(format!("{}: {e}", base.display()))),
        }
    }
    Err(TileError::NotFound)
}

/// Checks that a tiles folder can be used: it exists, is readable, and has at least one
/// zoom-level folder.
pub fn check_folder(dir: &Path) -> Result<(), SourceError> {
    let entries = std::fs::read_dir(dir).map_err(|e| SourceError::Unreadable {
        path: dir.to_owned(),
        message: e.to_string(),
    })?;
    let has_zoom = entries
        .flatten()
        .any(|e| e.path().is_dir() && e.file_name().to_string_lossy().parse::<u8>().is_ok());
    if has_zoom {
        Ok(())
    } else {
        Err(SourceError::NoTiles(dir.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_in_the_tile_address() {
        let s = TileSource::Xyz {
            template: "https://{s}.tiles.example/{z}/{x}/{y}.png".into(),
            attribution: "x".into(),
        };
        assert_eq!(
            s.url(TileId {
                z: 9,
                x: 410,
                y: 226
            })
            .unwrap(),
            "https://a.tiles.example/9/410/226.png"
        );
        assert_eq!(
            TileSource::Osm.url(TileId { z: 1, x: 0, y: 1 }).unwrap(),
            "https://tile.openstreetmap.org/1/0/1.png"
        );
        assert!(
            TileSource::Amap
                .url(TileId { z: 3, x: 6, y: 3 })
                .unwrap()
                .contains("x=6&y=3&z=3")
        );
        assert!(TileSource::check_template("ftp://x/{z}/{x}/{y}").is_err());
        assert!(
            TileSource::check_template("https://x/{z}/{x}.png").unwrap_err()
                == SourceError::MissingPart("{y}")
        );
        assert!(TileSource::check_template("https://x/{z}/{x}/{y}.png").is_ok());
    }

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        let s: Vec<u64> = (1..=9).map(backoff_seconds).collect();
        assert_eq!(s, [1, 2, 4, 8, 16, 32, 64, 64, 64]);
    }

    #[test]
    fn only_network_and_server_errors_are_retried() {
        assert!(TileError::Network("x".into()).is_transient());
        assert!(TileError::Http(503).is_transient());
        assert!(TileError::Http(429).is_transient());
        assert!(!TileError::Http(404).is_transient());
        assert!(!TileError::Decode("x".into()).is_transient());
        assert!(!TileError::NotFound.is_transient());
    }
}
