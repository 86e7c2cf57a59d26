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
/// Wait at most this long for tiles.
const TILE_WAIT: Duration = Duration::from_secs(10);

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
    /// visible tiles arrived or failed) and closes the window once it is saved.
    pub fn step(&mut self, ctx: &egui::Context, settled: bool) {
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
        let waited_enough = started.elapsed() >= TILE_WAIT;
        if self.frames >= AFTER_FRAMES && (settled || waited_enough) && !self.requested {
            self.requested = true;
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
        ctx.request_repaint();
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
