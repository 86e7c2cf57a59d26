//! Progress and cancellation of long reads, shared between the thread that reads and the one
//! that shows a progress bar. Lock-free: the reader bumps a counter per feature.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How far a read has come, and whether it should stop.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
    cancelled: AtomicBool,
}

impl Progress {
    /// Sets the expected number of features (an estimate).
    pub fn set_total(&self, n: usize) {
        self.total.store(n, Ordering::Relaxed);
    }

    /// One more feature read.
    pub fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// Features read so far and the expected total.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// The fraction done, 0–1 (0 while the total is unknown).
    pub fn fraction(&self) -> f32 {
        let (d, t) = self.counts();
        if t == 0 {
            0.0
        } else {
            (d as f32 / t as f32).min(1.0)
        }
    }

    /// Asks the reader to stop.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether the reader was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// A quick estimate of the number of features in GeoJSON text: the occurrences of the string
/// `"Feature"` (which `"FeatureCollection"` does not match).
pub fn estimate_features(text: &[u8]) -> usize {
    memchr::memmem::find_iter(text, b"\"Feature\"").count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_counted_without_the_collection() {
        let t =
            br#"{"type":"FeatureCollection","features":[{"type":"Feature"},{"type": "Feature"}]}"#;
        assert_eq!(estimate_features(t), 2);
    }

    #[test]
    fn progress_counts_and_cancels() {
        let p = Progress::default();
        assert_eq!(p.fraction(), 0.0);
        p.set_total(4);
        p.step();
        assert_eq!(p.fraction(), 0.25);
        assert!(!p.is_cancelled());
        p.cancel();
        assert!(p.is_cancelled());
    }
}
