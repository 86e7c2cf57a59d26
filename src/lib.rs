//! Park Atlas: Zhanjiang's industrial parks as data — load, validate, query and export — and
//! the desktop window over it. `docs/ARCHITECTURE.md` walks through the layers.
//!
//! The core, in the order data flows through it (no egui, eframe or walkers here; the command
//! line and the window call the same functions):
//! - [`io`]: files in and out — decoding ([`io::text`]), GeoJSON reading with validation a
//!   user can act on ([`io::read`]), datasets and the embedded Zhanjiang data
//!   ([`io::dataset`]), GeoJSON and CSV exports ([`io::export`]), atomic writes.
//! - [`model`]: the domain as plain data — [`model::Atlas`], parks, counties, projects,
//!   targets, the industry taxonomy and the city-wide figures.
//! - [`query`]: filters, selections, summaries (totals per currency), project sorting.
//! - [`table`]: the attribute table's rows, sorting and tab-separated copy.
//! - [`choropleth`]: county values, class breaks (quantiles, equal, Jenks) and the palette.
//! - [`measure`]: geodesic distance, area and perimeter for the Measure tool.
//! - [`render`]: the map as SVG/PNG and the PDF brief, headless (resvg, krilla).
//! - [`spatial`]: an R-tree for hit-testing and box queries.
//! - [`synth`]: seeded synthetic parks and parcels at scale (benchmarks, tests).
//! - [`gcj02`]: the WGS-84 ↔ GCJ-02 offset of Chinese web maps (for drawing only).
//!
//! The window, with the `gui` feature (on by default), from the bottom up:
//! - [`i18n`]: the interface's two languages.
//! - [`command`]: what a user can ask for; panels and the map push [`command::Command`]s.
//! - [`map`]: walkers glue and the map's layers (basemap, tiles, parks, labels, overlays),
//!   with the tile sources in [`map::tiles`].
//! - [`ui`]: panels and dialogs, each a struct with a `ui` method.
//! - [`app`]: the eframe app — layout shell, saved state, the one function that applies
//!   commands, `--screenshot`.

pub mod changes;
pub mod choropleth;
pub mod gcj02;
pub mod io;
pub mod measure;
pub mod model;
pub mod query;
pub mod render;
pub mod spatial;
pub mod store;
pub mod synth;
pub mod table;

#[cfg(test)]
mod source_scan;

pub use io::{Problem, Severity};
pub use model::Atlas;

#[cfg(feature = "gui")]
pub mod app;
#[cfg(feature = "gui")]
pub mod command;
#[cfg(feature = "gui")]
pub mod i18n;
#[cfg(feature = "gui")]
pub mod map;
#[cfg(feature = "gui")]
pub mod ui;
