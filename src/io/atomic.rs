//! Crash-safe file writes. A file is written to a temporary file beside the target, flushed to
//! disk, renamed over the target, and the folder is synced; a failure or a crash at any moment
//! leaves either the old file or the new one, never a mix.
//!
//! Temporary files are named `.park-atlas-<pid>-<random>.tmp`. A crash (kill -9, power loss)
//! can leave one behind; the next write into the same folder removes those whose process is no
//! longer running — only ours (by name), never a running export's, never anyone else's file.
//!
//! A pair of files (the CSV export's parks and projects) is replaced together: both are
//! written and synced first, the old ones are moved aside, the new ones renamed in, and on a
//! failure the old ones are put back.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The prefix of our temporary files.
pub const TMP_PREFIX: &str = ".park-atlas-";
/// The suffix of our temporary files.
pub const TMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Writes to `path` atomically whatever `write` streams into the (buffered) writer it is
/// given; an error from `write` leaves the old file as it was.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let tmp = write_temp(path, write)?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(folder(path))
}

/// Replaces `path` atomically with a file that a library writes by its path (SQLite): `build`
/// gets the path of an empty temporary file beside `path`, writes it and closes it; the file
/// is then synced and renamed over `path`. An error from `build` leaves the old file as it was
/// and removes the temporary one.
pub fn write_atomic_by_path<E: From<std::io::Error>>(
    path: &Path,
    build: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<(), E> {
    let tmp = write_temp(path, |_| Ok(()))?;
    build(tmp.path())?;
    // Our handle is to the same file the library wrote through its own.
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(folder(path))?;
    Ok(())
}

/// Writes two files so that both are replaced or neither: `first` and `second` with what
/// `write_first` and `write_second` stream.
pub fn write_atomic_pair(
    first: &Path,
    write_first: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    second: &Path,
    write_second: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let a = write_temp(first, write_first)?;
    let b = write_temp(second, write_second)?;
    // Move the old files aside (hard links, so that the targets never disappear), rename the
    // new ones in, then drop the old ones; any failure puts the old ones back.
    let backup = |p: &Path| -> std::io::Result<Option<PathBuf>> {
        if !p.exists() {
            return Ok(None);
        }
        let aside = tmp_name(p, "old");
        std::fs::hard_link(p, &aside)?;
        Ok(Some(aside))
    };
    let old_a = backup(first)?;
    let old_b = match backup(second) {
        Ok(b) => b,
        Err(e) => {
            remove_if(old_a.as_deref());
            return Err(e);
        }
    };
    let restore = |target: &Path, old: Option<&Path>| match old {
        Some(o) => {
            let _ = std::fs::rename(o, target);
        }
        None => {
            let _ = std::fs::remove_file(target);
        }
    };
    if let Err(e) = a.persist(first) {
        remove_if(old_a.as_deref());
        remove_if(old_b.as_deref());
        return Err(e.error);
    }
    if let Err(e) = b.persist(second) {
        restore(first, old_a.as_deref());
        remove_if(old_b.as_deref());
        let _ = sync_dir(folder(first));
        return Err(e.error);
    }
    remove_if(old_a.as_deref());
    remove_if(old_b.as_deref());
    sync_dir(folder(first))?;
    if folder(second) != folder(first) {
        sync_dir(folder(second))?;
    }
    Ok(())
}

fn remove_if(p: Option<&Path>) {
    if let Some(p) = p {
        let _ = std::fs::remove_file(p);
    }
}

fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn tmp_name(target: &Path, tag: &str) -> PathBuf {
    let n: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let name = target
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    folder(target).join(format!(
        "{TMP_PREFIX}{}-{n:x}-{tag}-{name}{TMP_SUFFIX}",
        std::process::id()
    ))
}

/// Writes a synced temporary file beside `path` with the target's permissions (or the usual
/// ones for a new file), after removing stale temporary files of dead processes.
fn write_temp(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = folder(path);
    remove_stale(dir);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{TMP_PREFIX}{}-", std::process::id()))
        .suffix(TMP_SUFFIX)
        .tempfile_in(dir)?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut w)?;
        w.flush()?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode & 0o7777))?;
    }
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Syncs a folder, so that a rename in it survives a power loss.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Removes our temporary files in `dir` whose process is gone (a crash mid-write).
pub fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name
            .strip_prefix(TMP_PREFIX)
            .filter(|_| name.ends_with(TMP_SUFFIX))
        else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        // Elsewhere we cannot tell: keep the file.
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_temporary_file_of_a_dead_process_is_removed_and_others_stay() {
        let dir = tempfile::tempdir().unwrap();
        // PIDs above the kernel's limit (4,194,304) are never running.
        let stale = dir
            .path()
            .join(format!("{TMP_PREFIX}4194399-abc{TMP_SUFFIX}"));
        let running = dir.path().join(format!(
            "{TMP_PREFIX}{}-abc{TMP_SUFFIX}",
            std::process::id()
        ));
        let someone_else = dir.path().join(".other-4194399.tmp");
        for p in [&stale, &running, &someone_else] {
            std::fs::write(p, b"x").unwrap();
        }
        write_atomic(&dir.path().join("out.geojson"), b"{}").unwrap();
        assert!(!stale.exists());
        assert!(running.exists(), "a running process's file stays");
        assert!(someone_else.exists(), "not ours: never touched");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.csv");
        std::fs::write(&target, b"old").unwrap();
        let r = write_atomic_with(&target, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_replaced_not_rewritten_and_keeps_its_permissions() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.geojson");
        std::fs::write(&target, b"old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        let before = std::fs::metadata(&target).unwrap();
        write_atomic(&target, b"new").unwrap();
        let after = std::fs::metadata(&target).unwrap();
        assert_ne!(before.ino(), after.ino(), "a new file was renamed in");
        assert_eq!(after.permissions().mode() & 0o777, 0o640);
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
    }

    #[test]
    fn a_pair_is_replaced_together_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("p.csv"), dir.path().join("p-projects.csv"));
        std::fs::write(&a, b"old a").unwrap();
        std::fs::write(&b, b"old b").unwrap();
        // The second file fails while being written: neither changes.
        let r = write_atomic_pair(
            &a,
            |w| w.write_all(b"new a"),
            &b,
            |_| Err(std::io::Error::other("injected")),
        );
        assert!(r.is_err());
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert_eq!(std::fs::read(&b).unwrap(), b"old b");
        // The second rename fails (its target is a non-empty folder): the first is restored.
        std::fs::remove_file(&b).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("x"), b"x").unwrap();
        let r = write_atomic_pair(&a, |w| w.write_all(b"new a"), &b, |w| w.write_all(b"nb"));
        assert!(r.is_err());
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        // Both succeed: both replaced, nothing left over.
        std::fs::remove_dir_all(&b).unwrap();
        write_atomic_pair(&a, |w| w.write_all(b"new a"), &b, |w| w.write_all(b"new b")).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new a");
        assert_eq!(std::fs::read(&b).unwrap(), b"new b");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
