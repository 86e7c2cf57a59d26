//! An editing session: the window's pending changes over the data as last saved, with undo,
//! redo, discard and save, and a journal on disk so that pending changes survive a crash.
//! Every edit is a [`Change`] applied with [`super::apply`], as `park-atlas apply` does.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Applied, Change, ChangeSet, Refused, apply};
use crate::model::Atlas;

/// Pending changes over a base.
#[derive(Debug, Clone)]
pub struct Session {
    base: Atlas,
    current: Atlas,
    pending: Vec<Change>,
    undone: Vec<Change>,
}

/// The label changes made in the window carry in problems.
const LABEL: &str = "edit";

impl Session {
    /// A session over `base`, with nothing pending.
    pub fn new(base: Atlas) -> Session {
        Session {
            current: base.clone(),
            base,
            pending: Vec::new(),
            undone: Vec::new(),
        }
    }

    /// The data with the pending changes.
    pub fn current(&self) -> &Atlas {
        &self.current
    }

    /// The data as last saved.
    pub fn base(&self) -> &Atlas {
        &self.base
    }

    /// The pending changes, oldest first.
    pub fn pending(&self) -> &[Change] {
        &self.pending
    }

    /// Whether anything is pending.
    pub fn is_dirty(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }

    /// Makes a change on the current data; refused (with the reasons) when it does not apply.
    /// A new change clears what could be redone.
    pub fn push(&mut self, change: Change) -> Result<(), Refused> {
        let set = ChangeSet {
            changes: vec![change.clone()],
        };
        match super::apply_owned(std::mem::take(&mut self.current), &set, LABEL) {
            Ok(Applied { atlas, .. }) => {
                self.current = atlas;
                self.pending.push(change);
                self.undone.clear();
                Ok(())
            }
            Err(back) => {
                let (atlas, refused) = *back;
                self.current = atlas;
                Err(refused)
            }
        }
    }

    /// Takes a new base (what colleagues saved meanwhile) and makes the pending changes again
    /// on it. Changes that no longer apply stay pending (the save will name them) but are left
    /// out of the data shown; the reasons are returned.
    pub fn rebase(&mut self, base: Atlas) -> Option<Refused> {
        self.base = base;
        match apply(&self.base, &self.change_set(), LABEL) {
            Ok(a) => {
                self.current = a.atlas;
                None
            }
            Err(all) => {
                let mut current = self.base.clone();
                for c in &self.pending {
                    let one = ChangeSet {
                        changes: vec![c.clone()],
                    };
                    match super::apply_owned(current, &one, LABEL) {
                        Ok(a) => current = a.atlas,
                        Err(back) => current = back.0,
                    }
                }
                self.current = current;
                Some(all)
            }
        }
    }

    /// Replaces pending change `n` (`None`: drops it, "keep theirs") and makes the data again.
    pub fn replace_pending(&mut self, n: usize, with: Option<Change>) {
        if n >= self.pending.len() {
            return;
        }
        match with {
            Some(c) => self.pending[n] = c,
            None => {
                self.pending.remove(n);
            }
        }
        self.undone.clear();
        let base = self.base.clone();
        self.rebase(base);
    }

    /// Takes back the last change.
    pub fn undo(&mut self) -> bool {
        let Some(last) = self.pending.pop() else {
            return false;
        };
        self.undone.push(last);
        self.replay();
        true
    }

    /// Makes the last undone change again.
    pub fn redo(&mut self) -> bool {
        let Some(next) = self.undone.pop() else {
            return false;
        };
        let undone = std::mem::take(&mut self.undone);
        let ok = self.push(next).is_ok();
        self.undone = undone;
        ok
    }

    /// Drops every pending change.
    pub fn discard(&mut self) {
        self.pending.clear();
        self.undone.clear();
        self.current = self.base.clone();
    }

    /// The pending changes as a change set (to save for review, or to journal).
    pub fn change_set(&self) -> ChangeSet {
        ChangeSet {
            changes: self.pending.clone(),
        }
    }

    /// Makes the current data from the base and the pending changes again.
    fn replay(&mut self) {
        self.current = match apply(&self.base, &self.change_set(), LABEL) {
            Ok(a) => a.atlas,
            // Each change applied when it was made, on the same data: it applies again.
            Err(_) => self.base.clone(),
        };
    }

    /// Takes pending changes back from a journal: those that still apply, in order; the count
    /// of those that do not.
    pub fn restore(&mut self, changes: Vec<Change>) -> usize {
        let mut refused = 0;
        for c in changes {
            if self.push(c).is_err() {
                refused += 1;
            }
        }
        refused
    }

    /// Saves the pending changes into the dataset folder `dir` (its parks file and change
    /// log, together); the saved data becomes the base.
    pub fn save(&mut self, dir: &Path) -> Result<(), super::dataset::ApplyError> {
        let applied = apply(&self.base, &self.change_set(), LABEL)
            .map_err(super::dataset::ApplyError::Refused)?;
        super::dataset::save(dir, &applied.atlas.parks, &applied.log)?;
        self.base = applied.atlas;
        self.current = self.base.clone();
        self.pending.clear();
        self.undone.clear();
        Ok(())
    }
}

/// Pending changes on disk, for the data they were made on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Journal {
    /// The dataset folder, or `None` for the embedded data.
    pub data: Option<PathBuf>,
    /// The changes.
    pub changes: Vec<Change>,
}

impl Journal {
    /// Writes the journal to `path` (crash-safe), or removes it when nothing is pending.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        if self.changes.is_empty() {
            return match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            };
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::io::atomic::write_atomic(path, &text)
    }

    /// The journal at `path`, if there is one that reads.
    pub fn read(path: &Path) -> Option<Journal> {
        let bytes = std::fs::read(path).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::SourceRef;
    use serde_json::json;

    fn tier(from: &str, to: &str) -> Change {
        Change::Set {
            park: "fenyong_htz".into(),
            field: "tier".into(),
            from: json!(from),
            to: json!(to),
            source: Some(SourceRef::Id("fy_2012".into())),
        }
    }

    fn tier_now(s: &Session) -> &'static str {
        s.current()
            .parks
            .iter()
            .find(|p| p.id == "fenyong_htz")
            .map_or("", |p| p.tier.as_str())
    }

    #[test]
    fn undo_redo_discard_and_a_refused_change() {
        let base = crate::io::load_embedded().unwrap().atlas;
        let mut s = Session::new(base);
        s.push(tier("provincial", "national")).unwrap();
        s.push(tier("national", "municipal")).unwrap();
        assert_eq!(tier_now(&s), "municipal");
        // A change against stale data is refused and changes nothing.
        assert!(s.push(tier("provincial", "national")).is_err());
        assert_eq!(s.pending().len(), 2);
        assert_eq!(tier_now(&s), "municipal");
        assert!(s.undo());
        assert_eq!(tier_now(&s), "national");
        assert!(s.can_redo());
        assert!(s.redo());
        assert_eq!(tier_now(&s), "municipal");
        assert!(s.undo() && s.undo());
        assert_eq!(tier_now(&s), "provincial");
        assert!(!s.undo());
        // A new change after undo: nothing to redo.
        s.redo();
        s.push(tier("national", "unknown")).unwrap();
        assert!(!s.can_redo());
        s.discard();
        assert_eq!(tier_now(&s), "provincial");
        assert!(!s.is_dirty());
    }

    #[test]
    fn a_journal_round_trips_and_is_removed_when_nothing_is_pending() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/journal.json");
        let j = Journal {
            data: Some("/data/zhanjiang".into()),
            changes: vec![tier("provincial", "national")],
        };
        j.write(&path).unwrap();
        assert_eq!(Journal::read(&path), Some(j));
        Journal {
            data: None,
            changes: vec![],
        }
        .write(&path)
        .unwrap();
        assert!(!path.exists());
    }
}
