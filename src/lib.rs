//! Park Atlas: Zhanjiang's industrial parks as data — load, validate, query and export.
//!
//! The modules, in the order data flows through them:
//! - [`io`]: GeoJSON and JSON files in (with validation a user can act on), the embedded
//!   Zhanjiang dataset, GeoJSON and CSV out, atomic writes.
//! - [`model`]: the domain as plain data — [`model::Atlas`], parks, counties, projects,
//!   targets, the industry taxonomy and the city-wide figures.
//! - [`query`]: filters, selections and summaries (totals per currency).
//! - [`spatial`]: an R-tree for hit-testing and box queries.
//! - [`gcj02`]: the WGS-84 ↔ GCJ-02 offset of Chinese web maps (for drawing only).
//!
//! With the `gui` feature (on by default) the window is here too, in [`app`], [`ui`] and
//! [`map`]; the four modules above know nothing of it. The command line and the window call
//! the same functions.

pub mod gcj02;
pub mod io;
pub mod model;
pub mod query;
pub mod spatial;

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
