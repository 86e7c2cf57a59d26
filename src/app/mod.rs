//! The eframe app: a layout shell around the panels and the map.
//!
//! - [`state`]: what is saved between runs.
//! - [`commands`]: [`ParkAtlasApp::apply`], the one function that changes the app's state in
//!   answer to a [`Command`], and the actions behind it (open, export, basemap).
//! - [`screenshot`]: `--screenshot FILE.png`.
//!
//! Each frame: keyboard and dropped files become commands; the toolbar, the filters, the
//! details, the map and the dialogs draw from a [`ViewContext`] and push commands; then the
//! commands are applied, in order.

pub mod commands;
pub mod edit;
pub mod screenshot;
pub mod state;
pub mod store_link;
mod team;

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers, Ui};
use walkers::Position;

use crate::choropleth::{Choropleth, ChoroplethSpec};
use crate::command::{Command, Dialog};
use crate::io::{self, ExportReport};
use crate::map::tiles::{FetchOptions, TileSource};
use crate::map::{MapInput, MapView};
use crate::model::Atlas;
use crate::query::{Filter, TextIndex, filter_parks, filter_parks_indexed};
use crate::spatial::SpatialIndex;
use crate::ui::details::DetailsPanel;
use crate::ui::dialogs::{Dialogs, ProblemsWindow};
use crate::ui::filters::FiltersPanel;
use crate::ui::toolbar::Toolbar;
use crate::ui::{Status, ViewContext};
use screenshot::{ScreenshotJob, ScreenshotSlot};
use state::{STATE_VERSION, STORAGE_KEY, SavedState, View};

/// How the app was started.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// Dataset folder instead of the embedded data.
    pub data_dir: Option<PathBuf>,
    /// Files named on the command line, opened as layers (or as parks) once the window shows.
    pub files: Vec<PathBuf>,
    /// Save a screenshot of the first frames here, then close.
    pub screenshot: Option<PathBuf>,
    /// Basemap to start with, overriding the saved one: `Some(None)` = built-in only.
    pub basemap: Option<Option<TileSource>>,
    /// When the program started; with `PARK_ATLAS_TIMING=1` the time to the first frame is
    /// printed to stderr.
    pub started: Option<std::time::Instant>,
    /// The coordinate system of the files named on the command line (`None`: found).
    pub crs: Option<crate::io::crs::WebCrs>,
    /// A team store's address (`--db`) instead of a folder.
    pub db: Option<String>,
}

/// The parks that pass the filters, cached per data generation and filter.
#[derive(Debug, Default)]
struct Shown {
    key: Option<(u64, Filter)>,
    /// Bumped whenever the list changes.
    generation: u64,
    list: Vec<usize>,
    mask: Vec<bool>,
}

/// Selections bigger than this are exported on a worker thread (the window keeps drawing and
/// says what is being written); smaller ones take well under a tenth of a second. Map images
/// and briefs are always made on one.
pub const BACKGROUND_EXPORT_PARKS: usize = 2_000;

/// What a background job wrote.
#[derive(Debug)]
pub enum Written {
    /// An export of parks.
    Export(ExportReport),
    /// A map image or a brief.
    File(PathBuf),
}

/// An export, map image or brief being written on a worker thread.
pub struct ExportJob {
    /// Where it writes.
    pub path: PathBuf,
    /// An export of parks (else a map image or a brief): how a failure is worded.
    pub export: bool,
    /// The outcome, when the writer is done.
    pub result: std::sync::mpsc::Receiver<Result<Written, String>>,
}

/// What a background read sends back: the data (or why not) and its spatial index, built on
/// the reading thread.
pub type LoadResult = (Result<io::Loaded, Vec<io::Problem>>, Option<SpatialIndex>);

/// A file or folder being read on a worker thread.
pub struct LoadJob {
    /// What is read.
    pub path: PathBuf,
    /// Features read, expected total, cancellation.
    pub progress: std::sync::Arc<io::Progress>,
    /// The outcome, when the reader is done.
    pub result: std::sync::mpsc::Receiver<LoadResult>,
    /// How to show it when it is read.
    pub how: OpenHow,
}

/// What to do with a file once it is read.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenHow {
    /// Fit the map to what was opened.
    pub fit: bool,
    /// The look its layer had in the last run.
    pub style: Option<crate::model::LayerStyle>,
    /// What the user says about it: its coordinate system (else found from the file), a
    /// table's coordinate columns and sheet (else found).
    pub options: crate::io::formats::ReadOptions,
}

impl Default for OpenHow {
    fn default() -> Self {
        OpenHow {
            fit: true,
            style: None,
            options: crate::io::formats::ReadOptions::default(),
        }
    }
}

/// The Park Atlas window.
pub struct ParkAtlasApp {
    /// The data on screen.
    pub atlas: std::sync::Arc<Atlas>,
    index: SpatialIndex,
    generation: u64,
    /// Filters, selection, language, view, basemap (saved between runs).
    pub state: SavedState,
    shown: Shown,
    /// Searchable text of the parks, for the data generation it was built for.
    text_index: Option<(u64, TextIndex)>,
    /// The map.
    pub map: MapView,
    toolbar: Toolbar,
    filters: FiltersPanel,
    details: DetailsPanel,
    /// The attribute table.
    pub table: crate::ui::table::TablePanel,
    /// The open dialogs.
    pub dialogs: Dialogs,
    /// The status line.
    pub status: Option<Status>,
    /// The feature of an opened file whose properties are shown (index in `atlas.others`).
    pub identified: Option<usize>,
    /// The last successful export.
    pub last_export: Option<ExportReport>,
    /// A big export running in the background.
    pub exporting: Option<ExportJob>,
    commands: Vec<Command>,
    /// The file being read in the background, if any.
    pub loading: Option<LoadJob>,
    /// Files to read after it (the command line's and the remembered layers).
    queued: std::collections::VecDeque<(PathBuf, OpenHow)>,
    /// What the user said when opening each layer file (its coordinate system, columns,
    /// sheet), remembered with the layer.
    layer_options: std::collections::HashMap<PathBuf, crate::io::formats::ReadOptions>,
    screenshot: Option<ScreenshotJob>,
    /// `PARK_ATLAS_FRAMES`: frame-to-frame times printed once the data is in.
    frame_probe: Option<screenshot::FrameProbe>,
    started: Option<std::time::Instant>,
    /// How tile layers fetch and cache (tests point the cache elsewhere).
    pub fetch_options: FetchOptions,
    panel_widths: Option<(f32, f32)>,
    /// The choropleth for (data, shown parks, spec), and every county's numbers.
    choropleth: Option<(ChoroKey, Choropleth, Vec<crate::query::CountyStats>)>,
    /// Edit mode: pending changes, their journal, the dataset folder they are saved into.
    pub edit: edit::EditState,
    /// The team store the data comes from (`--db`), if any.
    pub store: Option<store_link::StoreLink>,
    /// PostGIS tables open as layers: the box each was last read for, and when the view last
    /// moved.
    table_boxes: std::collections::HashMap<PathBuf, [f64; 4]>,
    view_moved: Option<(geo::Rect<f64>, std::time::Instant)>,
}

type ChoroKey = (u64, u64, ChoroplethSpec);

/// What the legend's height is kept for: zoom level, map width, language, folded.
type LegendKey = (i32, i32, crate::i18n::Lang, bool);

impl ParkAtlasApp {
    /// Creates the app for eframe: fonts, theme, data, saved state.
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> ParkAtlasApp {
        if let Some(t) = options
            .started
            .filter(|_| std::env::var_os("PARK_ATLAS_TIMING").is_some())
        {
            eprintln!(
                "park-atlas: window created {} ms after start",
                t.elapsed().as_millis()
            );
        }
        crate::ui::fonts::install(&cc.egui_ctx);
        cc.egui_ctx.set_theme(egui::Theme::Light);
        let (mut atlas, problems) = initial_atlas(options.data_dir.as_deref());
        if options.db.is_some() {
            // The city at once; the parks come from the store's worker.
            atlas.parks.clear();
        }
        let saved = if options.screenshot.is_some() {
            None
        } else {
            cc.storage
                .and_then(|s| s.get_string(STORAGE_KEY))
                .and_then(|t| SavedState::from_json(&t))
        };
        // The parks of a store come later: the saved selection waits for them.
        let wanted = options
            .db
            .as_ref()
            .and(saved.as_ref())
            .map(|s| s.selection.clone());
        let mut app = ParkAtlasApp::with_atlas(atlas, saved);
        // Dense park polygons are drawn by the GPU when there is OpenGL (PARK_ATLAS_GPU=0:
        // always by the CPU, as the tests do).
        app.map.gpu = cc.gl.is_some() && std::env::var("PARK_ATLAS_GPU").as_deref() != Ok("0");
        app.dialogs.problems = problems;
        app.edit.data_dir = options.data_dir.clone();
        app.edit.reload_history();
        if options.screenshot.is_none() {
            app.edit.journal = edit::EditState::default_journal();
            app.edit.find_journal();
        }
        if let Some(db) = &options.db {
            app.connect_store(db, &cc.egui_ctx);
            if let Some(link) = &mut app.store {
                link.selection = wanted;
            }
        }
        app.queue_files_as(options.files, options.crs);
        app.screenshot = options.screenshot.map(ScreenshotJob::new);
        let timing = options
            .started
            .filter(|_| std::env::var_os("PARK_ATLAS_TIMING").is_some());
        if let Some(job) = &mut app.screenshot {
            job.timing = timing;
        }
        let basemap = options
            .basemap
            .clone()
            .unwrap_or_else(|| app.state.basemap.clone());
        app.set_basemap(basemap, &cc.egui_ctx);
        app.started = options
            .started
            .filter(|_| std::env::var_os("PARK_ATLAS_TIMING").is_some());
        app.frame_probe = screenshot::FrameProbe::from_env();
        // The first file named starts reading now, while the window draws its first frame.
        app.poll_loading(&cc.egui_ctx);
        app
    }

    /// Creates the app around an atlas, optionally with a saved state (tests use this).
    pub fn with_atlas(atlas: Atlas, saved: Option<SavedState>) -> ParkAtlasApp {
        let index = SpatialIndex::build(&atlas);
        let mut app = ParkAtlasApp {
            atlas: std::sync::Arc::new(atlas),
            index,
            generation: 1,
            state: SavedState {
                version: STATE_VERSION,
                ..SavedState::default()
            },
            shown: Shown::default(),
            text_index: None,
            map: MapView::default(),
            toolbar: Toolbar,
            filters: FiltersPanel::default(),
            details: DetailsPanel::default(),
            table: Default::default(),
            dialogs: Dialogs::default(),
            status: None,
            identified: None,
            last_export: None,
            exporting: None,
            commands: Vec::new(),
            loading: None,
            queued: Default::default(),
            layer_options: Default::default(),
            screenshot: None,
            started: None,
            frame_probe: None,
            fetch_options: FetchOptions::default(),
            panel_widths: None,
            choropleth: None,
            edit: edit::EditState::default(),
            store: None,
            table_boxes: Default::default(),
            view_moved: None,
        };
        if let Some(mut s) = saved {
            s.selection.retain_known(&app.atlas);
            if let Some(v) = s.view.filter(View::is_sane) {
                app.map.pending_fit = 0;
                app.map.memory.center_at(Position::new(v.lon, v.lat));
                let _ = app.map.memory.set_zoom(v.zoom);
            }
            app.state = s;
        }
        app.queue_saved_layers();
        app
    }

    /// Queues the remembered layers for reading; a file that is gone is reported once (and is
    /// no longer remembered).
    fn queue_saved_layers(&mut self) {
        let (found, missing): (Vec<_>, Vec<_>) = std::mem::take(&mut self.state.layers)
            .into_iter()
            .partition(|l| {
                l.path.exists() || crate::store::layers::LayerAddress::is_table(&l.path)
            });
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .map(|l| l.path.display().to_string())
                .collect();
            self.status = Some(Status::error(format!(
                "{}: {}",
                self.state
                    .lang
                    .tr("Layers not found (no longer remembered)"),
                names.join(", ")
            )));
        }
        for l in &found {
            let how = OpenHow {
                fit: false,
                style: Some(l.style),
                options: l.options.clone(),
            };
            self.queued.push_back((l.path.clone(), how));
        }
        self.state.layers = found;
    }

    /// Queues files to open one after another (the command line's).
    pub fn queue_files(&mut self, files: Vec<PathBuf>) {
        self.queue_files_as(files, None);
    }

    /// [`Self::queue_files`] for files whose coordinates are in `crs` (`None`: found).
    pub fn queue_files_as(&mut self, files: Vec<PathBuf>, crs: Option<crate::io::crs::WebCrs>) {
        for f in files {
            let f = if crate::store::layers::LayerAddress::is_table(&f) {
                f
            } else {
                std::path::absolute(&f).unwrap_or(f)
            };
            self.queued.retain(|q| q.0 != f);
            let how = OpenHow {
                options: crate::io::formats::ReadOptions {
                    crs,
                    ..Default::default()
                },
                ..OpenHow::default()
            };
            self.queued.push_back((f, how));
        }
    }

    /// The remembered layers follow the layers on screen (once the remembered ones are read).
    fn sync_saved_layers(&mut self) {
        if self.loading.is_some() || !self.queued.is_empty() {
            return;
        }
        let layers = self.atlas.layers.iter().filter_map(|l| {
            let path = l.path.clone()?;
            Some(state::SavedLayer {
                options: self.layer_options.get(&path).cloned().unwrap_or_default(),
                path,
                style: l.style,
            })
        });
        self.state.layers = layers.collect();
    }

    /// What the data on screen is still waiting for (a file being read or queued, the team
    /// store, the view's shapes), in words; `None` when the picture is complete.
    pub fn waiting_for(&self) -> Option<String> {
        if let Some(job) = &self.loading {
            return Some(job.path.display().to_string());
        }
        if let Some((path, _)) = self.queued.front() {
            return Some(path.display().to_string());
        }
        if let Some(link) = self
            .store
            .as_ref()
            .filter(|l| !l.loaded && l.reason.is_none())
        {
            return Some(link.shown.clone());
        }
        if self.map.is_building() {
            return Some("the view's shapes".to_owned());
        }
        None
    }

    /// The result of a screenshot job, once it has one.
    pub fn screenshot_result(&self) -> Option<ScreenshotSlot> {
        self.screenshot.as_ref().map(|j| j.result.clone())
    }

    /// Indices of the parks that pass the filters.
    pub fn shown(&self) -> &[usize] {
        &self.shown.list
    }

    /// Queues a command (as a click would); it is applied at the end of the next frame.
    pub fn push(&mut self, c: Command) {
        self.commands.push(c);
    }

    fn refresh_shown(&mut self) {
        let key = (self.generation, self.state.filter.clone());
        if self.shown.key.as_ref() != Some(&key) {
            let list = if self.state.filter.text.trim().is_empty() {
                filter_parks(&self.atlas, &self.state.filter)
            } else {
                // The search box: lowercase every park's text once per data, not per key.
                if self
                    .text_index
                    .as_ref()
                    .is_none_or(|t| t.0 != self.generation)
                {
                    self.text_index = Some((self.generation, TextIndex::build(&self.atlas)));
                }
                match &self.text_index {
                    Some((_, index)) => {
                        filter_parks_indexed(&self.atlas, &self.state.filter, index)
                    }
                    None => filter_parks(&self.atlas, &self.state.filter),
                }
            };
            let mut mask = vec![false; self.atlas.parks.len()];
            for &i in &list {
                if let Some(m) = mask.get_mut(i) {
                    *m = true;
                }
            }
            self.shown = Shown {
                key: Some(key),
                generation: self.shown.generation + 1,
                list,
                mask,
            };
        }
    }

    /// Brings the choropleth up to date with the data, the filters and the chosen metric.
    fn refresh_choropleth(&mut self) {
        let Some(spec) = &self.state.choropleth else {
            self.choropleth = None;
            return;
        };
        let key = (self.generation, self.shown.generation, spec.clone());
        if self.choropleth.as_ref().is_none_or(|c| c.0 != key) {
            let data = crate::choropleth::compute(&self.atlas, &self.shown.list, spec);
            let stats = crate::query::stats_by_county(&self.atlas, &self.shown.list);
            self.choropleth = Some((key, data, stats));
        }
    }

    /// True while an export, map image or brief is written in the background.
    pub fn is_exporting(&self) -> bool {
        self.exporting.is_some()
    }

    /// True while a file is read in the background or waits to be.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some() || !self.queued.is_empty()
    }

    /// Draws one frame (the whole window) and applies the commands it produced.
    pub fn frame_ui(&mut self, ui: &mut Ui) {
        let (generation, was_loading) = (self.generation, self.is_loading());
        self.poll_store();
        self.refresh_table_layers(ui.ctx());
        self.poll_loading(ui.ctx());
        self.poll_export(ui.ctx());
        self.refresh_shown();
        self.refresh_choropleth();
        self.input_ui(ui);
        let store_status = self
            .store
            .as_ref()
            .map(|l| team::store_status(l, self.state.lang));
        let view = ViewContext {
            atlas: &self.atlas,
            generation: self.generation,
            filter: &self.state.filter,
            shown: &self.shown.list,
            shown_generation: self.shown.generation,
            table_open: self.state.table_open,
            measuring: self.map.measure.as_ref().map(|m| m.kind),
            choropleth: self.state.choropleth.as_ref(),
            selection: &self.state.selection,
            lang: self.state.lang,
            basemap: self.state.basemap.as_ref(),
            status: self.status.as_ref(),
            exporting: self.exporting.is_some(),
            identified: self.identified,
            editing: self.edit.session.is_some(),
            history: &self.edit.history,
            store: store_status.as_ref(),
        };
        let commands = &mut self.commands;
        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar.ui(ui, &view, commands));
        egui::Panel::bottom("status_bar")
            .show(ui, |ui| crate::ui::toolbar::status_bar_ui(ui, &view));
        if view.table_open {
            let table = &mut self.table;
            let shown = egui::Panel::bottom("attribute_table")
                .resizable(true)
                .default_size(240.0)
                .size_range(120.0..=600.0)
                .show(ui, |ui| table.ui(ui, &view, commands));
            // A click anywhere else ends the table's hold on Ctrl+C.
            let elsewhere = ui.input(|i| {
                i.pointer.any_click()
                    && i.pointer
                        .interact_pos()
                        .is_some_and(|p| !shown.response.rect.contains(p))
            });
            if elsewhere {
                table.active = false;
            }
        }
        let left = egui::Panel::left("filters")
            .resizable(true)
            .default_size(270.0)
            .size_range(220.0..=340.0)
            .show(ui, |ui| self.filters.ui(ui, &view, commands));
        let right = egui::Panel::right("details")
            .resizable(true)
            .default_size(400.0)
            .size_range(280.0..=520.0)
            .show(ui, |ui| self.details.ui(ui, &view, commands));
        // A panel that changed width this frame was laid out against the old width of the
        // map: draw once more so that nothing is left overlapping.
        let widths = (left.response.rect.width(), right.response.rect.width());
        if self.panel_widths != Some(widths) {
            self.panel_widths = Some(widths);
            ui.ctx().request_repaint();
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                // The legend docked under the map: it covers nothing of it. Its height is
                // the last frame's (it wraps to the map's width). What it lists depends on
                // the map's size, which depends on its height: so for one zoom level, width,
                // language and fold it only grows (shrinking could flip back and forth).
                let full = ui.available_rect_before_wrap();
                let legend_id = egui::Id::unique("legend_height");
                let key = (
                    self.map.memory.zoom().round() as i32,
                    full.width().round() as i32,
                    view.lang,
                    self.state.legend_collapsed,
                );
                let (legend_h, last_key): (f32, Option<LegendKey>) = ui
                    .data(|d| d.get_temp(legend_id))
                    .map_or((28.0, None), |(h, k)| (h, Some(k)));
                let split = (full.max.y - legend_h).max(full.min.y + 50.0);
                let map_rect = egui::Rect::from_min_max(full.min, egui::pos2(full.max.x, split));
                let legend_rect = egui::Rect::from_min_max(egui::pos2(full.min.x, split), full.max);
                let legend = crate::ui::legend::LegendView {
                    atlas: view.atlas,
                    clusters: &self.map.legend,
                    collapsed: self.state.legend_collapsed,
                    lang: view.lang,
                };
                let used = ui
                    .scope_builder(
                        egui::UiBuilder::new().max_rect(legend_rect.shrink(4.0)),
                        |ui| {
                            crate::ui::legend::legend_ui(ui, &legend, commands);
                        },
                    )
                    .response
                    .rect
                    .height()
                    + 8.0;
                let wanted = if last_key == Some(key) {
                    used.max(legend_h)
                } else {
                    used
                };
                if (wanted - legend_h).abs() > 0.5 || last_key != Some(key) {
                    ui.data_mut(|d| d.insert_temp(legend_id, (wanted, key)));
                    if (wanted - legend_h).abs() > 0.5 {
                        ui.ctx().request_repaint();
                    }
                }
                let input = MapInput {
                    atlas: view.atlas,
                    index: &self.index,
                    generation: view.generation,
                    shown: &self.shown.mask,
                    shown_generation: self.shown.generation,
                    selection: view.selection,
                    lang: view.lang,
                    editing: view.editing,
                    choropleth: self.choropleth.as_ref().map(|(key, data, stats)| {
                        crate::map::choropleth_layer::ChoroplethView {
                            spec: &key.2,
                            data,
                            stats,
                        }
                    }),
                };
                ui.scope_builder(egui::UiBuilder::new().max_rect(map_rect), |ui| {
                    self.map.ui(ui, &input, commands);
                });
            });
        self.dialogs.ui(ui.ctx(), &view, commands);
        if let Some(job) = &self.loading {
            let label = job.path.display().to_string();
            crate::ui::dialogs::loading_ui(ui.ctx(), view.lang, &label, &job.progress, commands);
        }

        self.edit_ui(ui.ctx());
        let commands = std::mem::take(&mut self.commands);
        let had_commands = !commands.is_empty();
        if had_commands {
            // The commands change what the panels show: draw again.
            ui.ctx().request_repaint();
        }
        let ctx = ui.ctx().clone();
        for c in commands {
            self.apply(c, &ctx);
        }
        self.refresh_shown();
        // The remembered layers change only with a command, new data or the end of a load.
        if had_commands || self.generation != generation || (was_loading && !self.is_loading()) {
            self.sync_saved_layers();
        }
        if let Some(frame) = self.map.last {
            self.state.view = Some(View {
                lon: frame.center.x(),
                lat: frame.center.y(),
                zoom: frame.zoom,
            });
        }
    }

    /// Keyboard shortcuts and dropped files.
    fn input_ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let export = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);
        let open = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
        if ctx.input_mut(|i| i.consume_shortcut(&export)) {
            self.commands.push(Command::Show(Dialog::Export));
        }
        if ctx.input_mut(|i| i.consume_shortcut(&open)) {
            self.commands.push(Command::Show(Dialog::Open));
        }
        // QGIS's shortcut for "Zoom to Selection".
        let zoom_selection = KeyboardShortcut::new(Modifiers::COMMAND, Key::J);
        if ctx.input_mut(|i| i.consume_shortcut(&zoom_selection)) {
            self.commands.push(Command::ZoomToSelection);
        }
        let table = KeyboardShortcut::new(Modifiers::COMMAND, Key::T);
        if ctx.input_mut(|i| i.consume_shortcut(&table)) {
            self.commands.push(Command::ToggleTable);
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F1)) {
            self.commands.push(if self.dialogs.help {
                Command::Close(Dialog::Help)
            } else {
                Command::Show(Dialog::Help)
            });
        }
        if ctx.input(|i| i.key_pressed(Key::Escape)) {
            // Dialogs first, then the Measure tool (end the line, then close the tool), then
            // the selection.
            if self.dialogs.any_open() {
                self.commands.push(Command::CloseDialogs);
            } else if self.map.outline.is_some() {
                self.commands.push(Command::DrawOutline(None));
            } else if let Some(m) = &mut self.map.measure {
                if m.finished || m.points.is_empty() {
                    self.commands.push(Command::Measure(None));
                } else {
                    m.finished = true;
                }
            } else {
                self.commands.push(Command::ClearSelection);
            }
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        self.commands
            .extend(dropped.into_iter().map(Command::OpenPath));
    }
}

impl eframe::App for ParkAtlasApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
        if let Some(t) = self.started.take() {
            eprintln!(
                "park-atlas: first frame {} ms after start",
                t.elapsed().as_millis()
            );
        }
        let tiles = self.map.tiles.as_ref().is_none_or(|t| t.status.settled());
        let waiting_for = self.waiting_for();
        if let Some(probe) = &mut self.frame_probe {
            probe.step(ui.ctx(), waiting_for.is_none() && !self.map.is_building());
        }
        if let Some(job) = &mut self.screenshot {
            job.step(ui.ctx(), tiles, waiting_for);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.screenshot.is_none() {
            storage.set_string(STORAGE_KEY, self.state.to_json());
        }
    }
}

/// The data to start with: the folder given, else the embedded city. A folder that does not
/// load is reported and the embedded city shown instead.
fn initial_atlas(dir: Option<&std::path::Path>) -> (Atlas, Option<ProblemsWindow>) {
    match io::load(dir) {
        Ok(l) => {
            let problems = (!l.warnings.is_empty()).then(|| ProblemsWindow {
                problems: l.warnings.clone(),
                kept: false,
            });
            (l.atlas, problems)
        }
        Err(problems) => {
            let atlas = io::load_embedded().map(|l| l.atlas).unwrap_or_default();
            (
                atlas,
                Some(ProblemsWindow {
                    problems: problems.clone(),
                    kept: true,
                }),
            )
        }
    }
}
