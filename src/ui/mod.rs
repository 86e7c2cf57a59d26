//! Panels and dialogs, each a struct with a `ui` method (as in egui's demo app). A panel reads
//! a [`ViewContext`] (the app's state for this frame, read-only) and pushes
//! [`Command`](crate::command::Command)s; it never changes app state itself. The app
//! ([`crate::app`]) lays the panels out and applies the commands.
//!
//! - [`toolbar`]: the top bar (open, export, zoom, language, basemap menu, status line).
//! - [`filters`]: the left panel (search, facets with counts, the list of matching parks).
//! - [`details`]: the right panel for one park or a comparison of several.
//! - [`layers`]: the Layers section (opened files: visible, colour, opacity, order).
//! - [`legend`]: the legend docked under the map (clusters in view, symbols), foldable.
//! - [`overview`]: the right panel when nothing is selected (city-wide figures, chart).
//! - [`project`]: one signed project whole, in its own window (a click on its row).
//! - [`table`]: the attribute table (bottom panel).
//! - [`dialogs`]: export, open, custom XYZ, tiles folder, and the problems window.
//! - [`widgets`]: chips, source links and other small pieces the panels share.
//! - [`fonts`]: the Chinese fallback font.

pub mod details;
pub mod dialogs;
pub mod edit;
pub mod edit_records;
pub mod filters;
pub mod fonts;
pub mod layers;
pub mod legend;
pub mod overview;
pub mod project;
pub mod table;
pub mod toolbar;
pub mod widgets;

use crate::i18n::Lang;
use crate::map::tiles::TileSource;
use crate::model::Atlas;
use crate::query::{Filter, Selection};

/// What the panels may read this frame.
#[derive(Clone, Copy)]
pub struct ViewContext<'a> {
    /// The team store, when the data comes from one.
    pub store: Option<&'a StoreStatus>,
    /// The data on screen.
    pub atlas: &'a Atlas,
    /// Bumped whenever `atlas` changes (panels key their caches on it).
    pub generation: u64,
    /// The filters.
    pub filter: &'a Filter,
    /// Indices of the parks that pass the filters.
    pub shown: &'a [usize],
    /// Bumped whenever `shown` changes.
    pub shown_generation: u64,
    /// The attribute table is open.
    pub table_open: bool,
    /// What the counties are coloured by.
    pub choropleth: Option<&'a crate::choropleth::ChoroplethSpec>,
    /// The Measure tool's kind, while it is on.
    pub measuring: Option<crate::measure::MeasureKind>,
    /// Selected parks.
    pub selection: &'a Selection,
    /// Interface language.
    pub lang: Lang,
    /// Tile source under the parks (`None`: the built-in basemap only).
    pub basemap: Option<&'a TileSource>,
    /// The status line.
    pub status: Option<&'a Status>,
    /// A big export is being written in the background (the status line says which).
    pub exporting: bool,
    /// The feature of an opened file whose properties are shown.
    pub identified: Option<usize>,
    /// Edit mode is on.
    pub editing: bool,
    /// The dataset's change log (its parks' history), oldest first.
    pub history: &'a [crate::changes::LogEntry],
}

/// The team store's state, as the toolbar and the status line show it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreStatus {
    /// The address, without a password.
    pub shown: String,
    /// `None` until the first answer; then whether the server answers.
    pub online: Option<bool>,
    /// Why it is away or unusable.
    pub reason: Option<String>,
    /// Why editing is not possible (a read-only role, not read yet).
    pub edit_refused: Option<String>,
    /// A save is on its way.
    pub saving: bool,
}

/// A message in the toolbar's status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// The text.
    pub text: String,
    /// Shown in red.
    pub error: bool,
}

impl Status {
    /// Good news.
    pub fn info(text: impl Into<String>) -> Status {
        Status {
            text: text.into(),
            error: false,
        }
    }

    /// Something went wrong.
    pub fn error(text: impl Into<String>) -> Status {
        Status {
            text: text.into(),
            error: true,
        }
    }
}
