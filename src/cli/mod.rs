//! The command line's sub-commands, over the library (the window is `park_atlas::app`).

pub(crate) mod data;
pub(crate) mod db;
pub(crate) mod edit;
pub(crate) mod tables;
