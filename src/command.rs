//! What the user can ask of the window. Panels and the map read the app's state and push
//! [`Command`]s; the app applies them in one function ([`crate::app::ParkAtlasApp::apply`])
//! after the frame's UI is drawn. This module sits below the panels, the map and the app, so
//! that none of them imports another to talk.

use std::path::PathBuf;

use crate::i18n::Lang;
use crate::map::tiles::TileSource;
use crate::model::LayerStyle;
use crate::query::Filter;

/// Something the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Select only this park.
    Select(String),
    /// Add or remove this park.
    Toggle(String),
    /// Select only this park and centre the map on it.
    SelectAndFly(String),
    /// Add these parks to the selection (a rectangle drawn with Shift on the map).
    AddToSelection(Vec<String>),
    /// Empty the selection.
    ClearSelection,
    /// Show the properties of a feature of an opened file (index in `atlas.others`), or none.
    Identify(Option<usize>),
    /// Select every park that passes the filters.
    SelectAllShown,
    /// Replace the filters.
    SetFilter(Filter),
    /// Fit the map to the selected parks.
    ZoomToSelection,
    /// Show the whole city.
    FitCity,
    /// Zoom in one level.
    ZoomIn,
    /// Zoom out one level.
    ZoomOut,
    /// Switch the interface language.
    SetLang(Lang),
    /// Open a dialog.
    Show(Dialog),
    /// Close a dialog.
    Close(Dialog),
    /// Close every dialog (Escape).
    CloseDialogs,
    /// Export the selected parks to this file.
    ExportTo(PathBuf),
    /// Save the current view as a map image.
    SaveMapImage(PathBuf, Picture),
    /// Save a PDF brief of the selected parks.
    SaveBrief(PathBuf),
    /// Load a parks/counties file or a dataset folder (in the background).
    OpenPath(PathBuf),
    /// Open a file whose coordinates the user says are in this system.
    OpenPathAs(PathBuf, crate::io::formats::ReadOptions),
    /// Stop loading; the data on screen stays.
    CancelLoad,
    /// Show this tile source under the parks (`None`: the built-in basemap only).
    SetBasemap(Option<TileSource>),
    /// Delete the on-disk tile cache.
    ClearTileCache,
    /// Change how a layer (index in `atlas.layers`) is drawn.
    SetLayerStyle(usize, LayerStyle),
    /// Fit the map to a layer.
    ZoomToLayer(usize),
    /// Move a layer up (`true`, drawn later) or down in the drawing order.
    MoveLayer(usize, bool),
    /// Remove a layer and its features.
    RemoveLayer(usize),
    /// Identify a feature of a layer (index in `atlas.others`) and centre the map on it.
    ShowFeature(usize),
    /// Show or hide the attribute table.
    ToggleTable,
    /// Fold or unfold the legend under the map.
    ToggleLegend,
    /// Colour the counties by a metric, or not (`None`).
    SetChoropleth(Option<crate::choropleth::ChoroplethSpec>),
    /// Start measuring (a new, empty measurement), or stop (`None`).
    Measure(Option<crate::measure::MeasureKind>),
    /// Turn edit mode on or off.
    ToggleEditing,
    /// Make a change (edit mode): applied with the loader's checks, or refused with why.
    Edit(crate::changes::Change),
    /// A form could not make its change: say why.
    EditRefused(String),
    /// Take back the last change.
    Undo,
    /// Make the last undone change again.
    Redo,
    /// Save the pending changes into the dataset folder (the embedded data asks for a new one).
    SaveEdits,
    /// Save the data with the pending changes into a new dataset folder, used from then on.
    SaveEditsTo(PathBuf),
    /// Drop the pending changes.
    DiscardEdits,
    /// A save's conflict (by position) resolved.
    ResolveConflict(usize, ConflictChoice),
    /// Take back (`true`) or drop the changes journaled when Park Atlas last stopped.
    RestoreJournal(bool),
    /// Close the window, pending changes left in the journal.
    CloseWithoutSaving,
    /// Keep the window open after all.
    CancelClose,
    /// Move a point park here (lon, lat, WGS-84): a change citing the form's source.
    MovePark(String, f64, f64),
    /// Start drawing a park's outline on the map (clicks add corners, a double click
    /// closes it), or stop (`None`).
    DrawOutline(Option<String>),
    /// Give a park this outline (its corners, WGS-84): a change citing the form's source.
    SetOutline(String, Vec<(f64, f64)>),
    /// Take the next click on the map as the new park's place (`true`), or stop.
    PickPoint(bool),
    /// The map was clicked while picking a place (lon, lat, WGS-84).
    PickedPoint(f64, f64),
    /// Give a polygon park this outer ring (corners moved, added or removed; holes kept).
    ReshapeOutline(String, Vec<(f64, f64)>),
    /// Ask for a file for one of edit mode's file actions.
    AskEditFile(EditFile),
    /// Do one of edit mode's file actions with this file.
    EditFile(EditFile, PathBuf),
    /// Add row `.0` of the signing list being imported to park `.1` (a close match the user
    /// confirmed), or skip it (`None`).
    ConfirmImport(usize, Option<String>),
}

/// Edit mode's file actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditFile {
    /// Write the pending changes as a change set (to send for review).
    SaveChangeSet,
    /// Make the changes of a change set file (each checked; conflicts refused).
    ApplyChangeSet,
    /// Read a signing list: exact matches become pending changes, close ones are asked.
    ImportProjects,
}

/// The window's dialogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    /// Export the selection.
    Export,
    /// Open a file or folder.
    Open,
    /// Custom XYZ tile source.
    Xyz,
    /// Local tiles folder or .pmtiles archive.
    TilesFolder,
    /// The list of problems in opened data.
    Problems,
    /// Mouse and keyboard shortcuts (F1).
    Help,
    /// "Save map image…": the current view as PNG or SVG.
    MapImage(Picture),
    /// "Brief of selection…" (PDF).
    Brief,
}

/// True when a click should add to / remove from the selection instead of replacing it
/// (Ctrl, Shift, or Cmd on a Mac).
pub fn toggle_held(modifiers: &egui::Modifiers) -> bool {
    modifiers.command || modifiers.ctrl || modifiers.shift
}

/// The kind of map image "Save…" writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picture {
    /// PNG at this multiple (1, 2, 4) of the map's size on screen.
    Png(u8),
    /// SVG with text as text (editable; the reader needs a Chinese font).
    Svg,
    /// SVG with text as outlines (paths): looks the same in every reader, with or without
    /// Chinese fonts, e.g. at a print shop; the text can no longer be edited or searched.
    SvgOutlined,
}

/// What to do with a value a colleague changed meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictChoice {
    /// Drop my change.
    KeepTheirs,
    /// Make my change on their value.
    UseMine,
    /// Drop my change and put my value in the form, to edit from theirs.
    Edit,
}
