//! Tile sources against an in-process tile server on 127.0.0.1: fetching, the disk cache
//! (served again with the server stopped), server errors, garbage, hanging servers, local
//! folders.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use park_atlas::map::tiles::{
    FetchOptions, Fetched, Origin, TileCache, TileError, TileFetcher, TileId, TileSource,
};

/// A PNG tile of one colour.
fn png_tile(rgb: [u8; 3]) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(256, 256, image::Rgba([rgb[0], rgb[1], rgb[2], 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A tiny HTTP server: `/ok/…` serves a PNG, `/err/…` a 500, `/garbage/…` bytes that are no
/// image, `/hang/…` never answers. Bounded: it stops when dropped.
struct TileServer {
    port: u16,
    served: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl TileServer {
    fn start() -> TileServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let served = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (served.clone(), stop.clone());
        std::thread::spawn(move || {
            let tile = png_tile([30, 120, 200]);
            let started = Instant::now();
            while !st.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(60) {
                let Ok((mut conn, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                conn.set_nonblocking(false).unwrap();
                let (tile, s, st) = (tile.clone(), s.clone(), st.clone());
                std::thread::spawn(move || {
                    let mut buf = [0u8; 2048];
                    let n = conn.read(&mut buf).unwrap_or(0);
                    let req = String::from_utf8_lossy(&buf[..n]).to_string();
                    let path = req.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    s.fetch_add(1, Ordering::SeqCst);
                    let (status, body): (&str, Vec<u8>) = if path.starts_with("/ok/") {
                        ("200 OK", tile)
                    } else if path.starts_with("/err/") {
                        ("500 Internal Server Error", b"oops".to_vec())
                    } else if path.starts_with("/garbage/") {
                        (
                            "200 OK",
                            b"\x89PNG but not really, just garbage bytes".to_vec(),
                        )
                    } else if path.starts_with("/hang/") {
                        let t = Instant::now();
                        while !st.load(Ordering::SeqCst) && t.elapsed() < Duration::from_secs(10) {
                            std::thread::sleep(Duration::from_millis(20));
                        }
                        return;
                    } else {
                        ("404 Not Found", Vec::new())
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = conn.write_all(head.as_bytes());
                    let _ = conn.write_all(&body);
                });
            }
        });
        TileServer { port, served, stop }
    }

    fn source(&self, mode: &str) -> TileSource {
        TileSource::Xyz {
            template: format!(
                "http://127.0.0.1:{}/{mode}/{{z}}/{{x}}/{{y}}.png",
                self.port
            ),
            attribution: "test".into(),
        }
    }
}

impl Drop for TileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn options(cache: Option<&std::path::Path>, timeout_ms: u64) -> FetchOptions {
    FetchOptions {
        workers: 2,
        timeout: Duration::from_millis(timeout_ms),
        cache: cache.map(|d| TileCache {
            dir: d.to_owned(),
            limit_bytes: 64 << 20,
        }),
        url_template: None,
    }
}

/// Waits (bounded) for `n` results.
fn wait(f: &TileFetcher, n: usize) -> Vec<Fetched> {
    let mut out = Vec::new();
    let t = Instant::now();
    while out.len() < n && t.elapsed() < Duration::from_secs(20) {
        out.extend(f.poll());
        std::thread::sleep(Duration::from_millis(10));
    }
    out
}

const TILE: TileId = TileId {
    z: 9,
    x: 410,
    y: 226,
};

#[test]
fn tiles_are_fetched_cached_and_served_from_the_cache_with_the_server_gone() {
    let cache = tempfile::tempdir().unwrap();
    let server = TileServer::start();
    let source = server.source("ok");
    let f = TileFetcher::new(
        source.clone(),
        options(Some(cache.path()), 5000),
        Arc::new(|| {}),
    );
    f.request(TILE);
    let got = wait(&f, 1);
    let (img, origin) = got[0].result.as_ref().unwrap();
    assert_eq!(*origin, Origin::Network);
    assert_eq!(img.size, [256, 256]);
    assert_eq!(&img.rgba[..4], &[30, 120, 200, 255]);
    assert_eq!(server.served.load(Ordering::SeqCst), 1);
    let c = TileCache {
        dir: cache.path().to_owned(),
        limit_bytes: 64 << 20,
    };
    assert!(c.size() > 0);

    drop(server);
    std::thread::sleep(Duration::from_millis(100));
    let f = TileFetcher::new(source, options(Some(cache.path()), 2000), Arc::new(|| {}));
    f.request(TILE);
    let got = wait(&f, 1);
    assert_eq!(got[0].result.as_ref().unwrap().1, Origin::Cache);
    // A tile that was never cached now fails as a network error (and would be retried).
    f.request(TileId {
        z: 9,
        x: 411,
        y: 226,
    });
    let got = wait(&f, 1);
    let err = got[0].result.as_ref().unwrap_err();
    assert!(matches!(err, TileError::Network(_)), "{err:?}");
    assert!(err.is_transient());
}

#[test]
fn server_errors_and_garbage_are_reported_not_cached() {
    let cache = tempfile::tempdir().unwrap();
    let server = TileServer::start();
    let f = TileFetcher::new(
        server.source("err"),
        options(Some(cache.path()), 5000),
        Arc::new(|| {}),
    );
    f.request(TILE);
    assert_eq!(
        wait(&f, 1)[0].result.as_ref().unwrap_err(),
        &TileError::Http(500)
    );
    let g = TileFetcher::new(
        server.source("garbage"),
        options(Some(cache.path()), 5000),
        Arc::new(|| {}),
    );
    g.request(TILE);
    let got = wait(&g, 1);
    assert!(matches!(
        got[0].result.as_ref().unwrap_err(),
        TileError::Decode(_)
    ));
    let c = TileCache {
        dir: cache.path().to_owned(),
        limit_bytes: 64 << 20,
    };
    assert_eq!(c.size(), 0, "nothing bad was cached");
}

#[test]
fn a_hanging_server_never_blocks_the_caller_and_times_out() {
    let server = TileServer::start();
    let f = TileFetcher::new(server.source("hang"), options(None, 500), Arc::new(|| {}));
    let t = Instant::now();
    for x in 0..8 {
        f.request(TileId { z: 9, x, y: 0 });
    }
    assert!(f.poll().is_empty());
    assert!(
        t.elapsed() < Duration::from_millis(200),
        "request/poll must not wait for the network"
    );
    let got = wait(&f, 8);
    assert_eq!(got.len(), 8);
    assert!(
        got.iter()
            .all(|r| matches!(r.result, Err(TileError::Network(_))))
    );
}

#[test]
fn a_corrupt_cache_entry_is_removed_and_fetched_again() {
    let cache = tempfile::tempdir().unwrap();
    let server = TileServer::start();
    let source = server.source("ok");
    let c = TileCache {
        dir: cache.path().to_owned(),
        limit_bytes: 64 << 20,
    };
    c.put(&source.key(), TILE, b"not a png").unwrap();
    let f = TileFetcher::new(source, options(Some(cache.path()), 5000), Arc::new(|| {}));
    f.request(TILE);
    let got = wait(&f, 1);
    assert!(got[0].corrupt_cache_entry);
    assert_eq!(got[0].result.as_ref().unwrap().1, Origin::Network);
}

#[test]
fn the_cache_is_pruned_to_its_size_limit_oldest_first() {
    let dir = tempfile::tempdir().unwrap();
    let c = TileCache {
        dir: dir.path().to_owned(),
        limit_bytes: 10_000,
    };
    for x in 0..30 {
        c.put("osm", TileId { z: 5, x, y: 1 }, &[0u8; 1000])
            .unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(c.size(), 30_000);
    let removed = c.prune();
    assert_eq!(removed, 21);
    assert!(c.size() <= 9_000);
    assert!(
        c.get("osm", TileId { z: 5, x: 29, y: 1 }).is_some(),
        "the newest stays"
    );
    assert!(
        c.get("osm", TileId { z: 5, x: 0, y: 1 }).is_none(),
        "the oldest goes"
    );
    c.clear().unwrap();
    assert_eq!(c.size(), 0);
}

#[test]
fn a_local_folder_serves_its_tiles() {
    let dir = tempfile::tempdir().unwrap();
    let tile_dir = dir.path().join("9/410");
    std::fs::create_dir_all(&tile_dir).unwrap();
    std::fs::write(tile_dir.join("226.png"), png_tile([200, 10, 10])).unwrap();
    assert!(park_atlas::map::tiles::check_folder(dir.path()).is_ok());
    assert!(park_atlas::map::tiles::check_folder(&dir.path().join("nope")).is_err());
    let f = TileFetcher::new(
        TileSource::Folder(dir.path().to_owned()),
        options(None, 1000),
        Arc::new(|| {}),
    );
    f.request(TILE);
    f.request(TileId {
        z: 9,
        x: 410,
        y: 227,
    });
    let mut got = wait(&f, 2);
    got.sort_by_key(|r| r.id);
    let (img, origin) = got[0].result.as_ref().unwrap();
    assert_eq!(*origin, Origin::Folder);
    assert_eq!(&img.rgba[..3], &[200, 10, 10]);
    assert_eq!(got[1].result.as_ref().unwrap_err(), &TileError::NotFound);
}

#[test]
fn a_pmtiles_archive_serves_its_raster_tiles() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhanjiang.pmtiles");
    let mut pm = pmtiles2::PMTiles::new(pmtiles2::TileType::Png, pmtiles2::Compression::None);
    pm.add_tile(
        pmtiles2::util::tile_id(9, 410, 226),
        png_tile([10, 200, 90]),
    )
    .unwrap();
    pm.add_tile(pmtiles2::util::tile_id(8, 205, 113), png_tile([10, 10, 90]))
        .unwrap();
    let mut file = std::fs::File::create(&path).unwrap();
    pm.to_writer(&mut file).unwrap();
    drop(file);

    let source = TileSource::local(&path).unwrap();
    assert_eq!(source, TileSource::PmTiles(path.clone()));
    let f = TileFetcher::new(source, options(None, 1000), Arc::new(|| {}));
    f.request(TILE);
    f.request(TileId {
        z: 8,
        x: 205,
        y: 113,
    });
    f.request(TileId { z: 9, x: 0, y: 0 });
    let mut got = wait(&f, 3);
    got.sort_by_key(|r| r.id);
    // Sorted by (z, x, y): the zoom-8 tile, the missing one, then TILE.
    assert_eq!(&got[0].result.as_ref().unwrap().0.rgba[..3], &[10, 10, 90]);
    assert_eq!(got[1].result.as_ref().unwrap_err(), &TileError::NotFound);
    assert_eq!(&got[2].result.as_ref().unwrap().0.rgba[..3], &[10, 200, 90]);

    // A file that is not an archive is refused up front with a clear message.
    let bad = dir.path().join("bad.pmtiles");
    std::fs::write(&bad, b"not an archive").unwrap();
    let err = TileSource::local(&bad).unwrap_err().to_string();
    assert!(
        err.contains("bad.pmtiles") && err.contains("PMTiles"),
        "{err}"
    );
}

#[test]
fn a_url_template_sends_a_web_source_to_the_local_server() {
    let server = TileServer::start();
    let local = match server.source("ok") {
        TileSource::Xyz { template, .. } => template,
        other => panic!("{other:?}"),
    };
    let mut o = options(None, 5000);
    o.url_template = Some(local);
    // AMap's tiles, fetched from 127.0.0.1; the source keeps its datum.
    let f = TileFetcher::new(TileSource::Amap, o, Arc::new(|| {}));
    assert_eq!(f.source(), &TileSource::Amap);
    f.request(TILE);
    let got = wait(&f, 1);
    assert_eq!(got[0].result.as_ref().unwrap().1, Origin::Network);
    assert_eq!(server.served.load(Ordering::SeqCst), 1);
}
