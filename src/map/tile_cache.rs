//! The on-disk cache of basemap tiles: one file per tile under a folder per source, pruned to
//! a size limit oldest first (no egui; [`super::tiles`] fetches into it).

use std::path::PathBuf;

use super::tiles::TileId;

/// The on-disk tile cache: `DIR/<source key>/<z>/<x>/<y>.tile`, pruned to a size limit,
/// oldest files first.
#[derive(Debug, Clone)]
pub struct TileCache {
    /// Root folder.
    pub dir: PathBuf,
    /// Size limit in bytes.
    pub limit_bytes: u64,
}

impl TileCache {
    /// The platform cache folder (`~/.cache/park-atlas/tiles` on Linux), or
    /// `$PARK_ATLAS_CACHE_DIR/tiles` when that is set.
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(d) = std::env::var_os("PARK_ATLAS_CACHE_DIR") {
            return Some(PathBuf::from(d).join("tiles"));
        }
        directories::ProjectDirs::from("", "", "park-atlas").map(|d| d.cache_dir().join("tiles"))
    }

    fn path(&self, source: &str, id: TileId) -> PathBuf {
        self.dir
            .join(source)
            .join(id.z.to_string())
            .join(id.x.to_string())
            .join(format!("{}.tile", id.y))
    }

    /// Cached bytes of a tile.
    pub fn get(&self, source: &str, id: TileId) -> Option<Vec<u8>> {
        std::fs::read(self.path(source, id)).ok()
    }

    /// Stores a tile (atomically).
    pub fn put(&self, source: &str, id: TileId, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(source, id);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        crate::io::atomic::write_atomic(&path, bytes)
    }

    /// Removes one tile (a corrupt entry).
    pub fn remove(&self, source: &str, id: TileId) {
        let _ = std::fs::remove_file(self.path(source, id));
    }

    fn files(&self) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
        let mut out = Vec::new();
        let mut stack = vec![self.dir.clone()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let Ok(meta) = e.metadata() else { continue };
                if meta.is_dir() {
                    stack.push(e.path());
                } else {
                    out.push((
                        e.path(),
                        meta.len(),
                        meta.modified().unwrap_or(std::time::UNIX_EPOCH),
                    ));
                }
            }
        }
        out
    }

    /// Total size of the cache in bytes.
    pub fn size(&self) -> u64 {
        self.files().iter().map(|f| f.1).sum()
    }

    /// Deletes the oldest files until the cache is under 90 % of its limit. Returns the
    /// number of files deleted.
    pub fn prune(&self) -> usize {
        let mut files = self.files();
        let mut total: u64 = files.iter().map(|f| f.1).sum();
        if total <= self.limit_bytes {
            return 0;
        }
        files.sort_by_key(|f| f.2);
        let target = self.limit_bytes / 10 * 9;
        let mut n = 0;
        for (path, len, _) in files {
            if total <= target {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total -= len;
                n += 1;
            }
        }
        n
    }

    /// Deletes every cached tile.
    pub fn clear(&self) -> std::io::Result<()> {
        match std::fs::remove_dir_all(&self.dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}
