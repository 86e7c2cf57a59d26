//! `--screenshot FILE.png`: draw a few frames (fonts and layout settle, tiles arrive or time
//! out), ask the renderer for a picture, write it as PNG, close the window.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::io::atomic::write_atomic;

/// Why no screenshot was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScreenshotError {
    /// The renderer never delivered a picture.
    #[error("no screenshot arrived from the renderer")]
    NoImage,
    /// PNG encoding failed.
    #[error("could not encode the PNG: {0}")]
    Encode(String),
    /// The file could not be written.
    #[error("could not write {path}: {message}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        message: String,
    },
}

/// Where the screenshot callback puts its outcome.
pub type ScreenshotSlot = Arc<Mutex<Option<Result<(), ScreenshotError>>>>;

/// Frames to draw before taking the screenshot (fonts and layout settle).
const AFTER_FRAMES: u32 = 4;
/// Give up on a screenshot after this many frames.
const MAX_FRAMES: u32 = 6000;
/// Time between frames while the data is still on its way.
const WAITING_FRAME: Duration = Duration::from_millis(100);
/// Wait at most this long for tiles.
const TILE_WAIT: Duration = Duration::from_secs(10);
/// Wait at most this long for the data: files named on the command line, the team store, the
/// view's shapes.
pub const DATA_WAIT: Duration = Duration::from_secs(120);

/// Whether to take the picture now: after a few frames, once the data is in (or after
/// [`DATA_WAIT`]) and the tiles arrived (or after [`TILE_WAIT`]).
pub fn ready(frames: u32, waited: Duration, tiles_settled: bool, data_ready: bool) -> bool {
    frames >= AFTER_FRAMES
        && (data_ready || waited >= DATA_WAIT)
        && (tiles_settled || waited >= TILE_WAIT)
}

/// Where a screenshot job stands; shared with the screenshot callback.
#[derive(Debug, Default)]
pub struct ScreenshotJob {
    /// Target file.
    pub path: PathBuf,
    /// Frames drawn so far.
    pub frames: u32,
    /// Whether the screenshot was requested.
    pub requested: bool,
    /// When the job started (tiles are waited for at most 10 s from here).
    pub started: Option<Instant>,
    /// Set by the callback: Ok(()) when saved.
    pub result: ScreenshotSlot,
    /// When the program started, to print the time to the complete picture
    /// (`PARK_ATLAS_TIMING=1`).
    pub timing: Option<Instant>,
}

impl ScreenshotJob {
    /// A job that writes to `path`.
    pub fn new(path: PathBuf) -> ScreenshotJob {
        ScreenshotJob {
            path,
            ..ScreenshotJob::default()
        }
    }

    /// Called once per frame: requests the picture when the window is ready (`settled`: the
    /// visible tiles arrived or failed; `waiting_for`: the data still being read, if any) and
    /// closes the window once it is saved.
    pub fn step(&mut self, ctx: &egui::Context, settled: bool, waiting_for: Option<String>) {
        self.frames += 1;
        let done = self.result.lock().map(|r| r.is_some()).unwrap_or(true);
        if done || self.frames > MAX_FRAMES {
            if !done && let Ok(mut r) = self.result.lock() {
                *r = Some(Err(ScreenshotError::NoImage));
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        let started = *self.started.get_or_insert_with(Instant::now);
        let waited = started.elapsed();
        if !self.requested && ready(self.frames, waited, settled, waiting_for.is_none()) {
            self.requested = true;
            if let Some(what) = &waiting_for {
                eprintln!(
                    "park-atlas: screenshot taken after {} s while still waiting for {what}",
                    DATA_WAIT.as_secs()
                );
            }
            if let Some(t) = self.timing {
                eprintln!(
                    "park-atlas: complete picture {} ms after start",
                    t.elapsed().as_millis()
                );
            }
            let path = self.path.clone();
            let result = self.result.clone();
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                let r = save_png(&path, &image);
                if let Ok(mut slot) = result.lock() {
                    *slot = Some(r);
                }
                repaint.request_repaint();
            });
        }
        if waiting_for.is_some() && !self.requested {
            // Reading or building on other threads: a frame now and then is enough (every frame
            // drawn would take a core from them), and what arrives asks for one anyway.
            ctx.request_repaint_after(WAITING_FRAME);
        } else {
            ctx.request_repaint();
        }
    }
}

/// Writes an egui image as PNG (atomically).
pub fn save_png(path: &Path, image: &egui::ColorImage) -> Result<(), ScreenshotError> {
    let [w, h] = image.size;
    let mut bytes = Vec::new();
    {
        let encode = |e: png::EncodingError| ScreenshotError::Encode(e.to_string());
        let mut enc = png::Encoder::new(&mut bytes, w as u32, h as u32);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(encode)?;
        let raw: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
        writer.write_image_data(&raw).map_err(encode)?;
    }
    write_atomic(path, &bytes).map_err(|e| ScreenshotError::Write {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picture_waits_for_the_data_up_to_two_minutes_and_for_tiles_up_to_ten_seconds() {
        let s = Duration::from_secs;
        assert!(!ready(2, s(0), true, true), "a few frames first");
        assert!(ready(4, s(0), true, true));
        // A file named on the command line still being read: no picture, even after the
        // tiles' 10 s.
        assert!(!ready(400, s(11), true, false));
        assert!(!ready(4000, s(119), true, false));
        assert!(
            ready(4000, s(120), true, false),
            "then it is taken, and says why"
        );
        // Tiles: at most 10 s.
        assert!(!ready(40, s(5), false, true));
        assert!(ready(40, s(10), false, true));
    }
}

/// `PARK_ATLAS_FRAMES=N` (with `PARK_ATLAS_TIMING=1`): once the data is in, the window draws
/// frames without pause and prints the time from one frame to the next over `N` of them (the
/// UI pass, the painting, the buffer swap: what a user waits for), then closes.
#[derive(Debug)]
pub struct FrameProbe {
    wanted: usize,
    /// Frames drawn since the data was in (the first ones settle the shapes and are skipped).
    settled: usize,
    last: Option<Instant>,
    times: Vec<f64>,
}

/// Frames drawn after the data is in before the probe counts (shapes, GPU uploads).
const PROBE_WARM_UP: usize = 30;

impl FrameProbe {
    /// The probe the environment asks for, if any.
    pub fn from_env() -> Option<FrameProbe> {
        std::env::var_os("PARK_ATLAS_TIMING")?;
        let wanted = std::env::var("PARK_ATLAS_FRAMES").ok()?.parse().ok()?;
        Some(FrameProbe {
            wanted,
            settled: 0,
            last: None,
            times: Vec::new(),
        })
    }

    /// Called once per frame; `ready`: nothing is being read or built.
    pub fn step(&mut self, ctx: &egui::Context, ready: bool) {
        if self.wanted == 0 {
            return;
        }
        ctx.request_repaint();
        if !ready && self.settled < PROBE_WARM_UP {
            self.settled = 0;
            return;
        }
        self.settled += 1;
        let now = Instant::now();
        if self.settled > PROBE_WARM_UP
            && let Some(last) = self.last
        {
            self.times.push((now - last).as_secs_f64() * 1e3);
        }
        self.last = Some(now);
        if self.times.len() >= self.wanted {
            let mut t = self.times.clone();
            t.sort_by(f64::total_cmp);
            let pick = |q: f64| {
                t.get(((t.len() - 1) as f64 * q) as usize)
                    .copied()
                    .unwrap_or(0.0)
            };
            eprintln!(
                "park-atlas: {} frames, frame to frame mean {:.1} ms, median {:.1} ms, 95th percentile {:.1} ms",
                t.len(),
                t.iter().sum::<f64>() / t.len() as f64,
                pick(0.5),
                pick(0.95)
            );
            self.times.clear();
            self.wanted = 0;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}
