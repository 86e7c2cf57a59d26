//! Files in and out: decoding, GeoJSON reading with validation, dataset loading, exports and
//! atomic writes.

pub mod atomic;
pub mod convert;
pub mod crs;
pub mod dataset;
pub mod export;
pub mod formats;
pub mod gpkg;
pub mod problem;
pub mod problem_zh;
pub mod progress;
pub mod read;
pub mod reproject;
pub mod rows;
pub mod text;

pub use dataset::{
    DatasetFiles, Loaded, load, load_dir, load_embedded, load_files, open_path, open_path_with,
    validate_bytes, validate_file, validate_path,
};
pub use export::{ExportError, ExportReport, Format, export_parks};
pub use problem::{Problem, Severity, has_errors};
pub use progress::Progress;
pub use read::{ParsedFile, check_geojson, parse_geojson, parse_geojson_with};
