//! The eframe app: the shell that lays out the panels and the map, the state that is saved,
//! and the commands that user actions become, handled in one place per frame.

pub mod state;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};
use walkers::Position;

use crate::io::{self, ExportReport, Problem, has_errors};
use crate::map::{MapAction, MapInput, MapView};
use crate::model::Atlas;
use crate::query::{Filter, filter_parks};
use crate::spatial::SpatialIndex;
use crate::tiles::{FetchOptions, TileCache, TileSource};
use crate::ui::details::{ProjectSort, details_ui};
use crate::ui::filters::filters_ui;
use crate::ui::i18n::Lang;
use state::{STATE_VERSION, STORAGE_KEY, SavedState, View};

/// Something the user asked for; handled after the frame's UI is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Select only this park.
    Select(String),
    /// Add or remove this park.
    Toggle(String),
    /// Select only this park and centre the map on it.
    SelectAndFly(String),
    /// Empty the selection.
    ClearSelection,
    /// Select every park that passes the filters.
    SelectAllShown,
    /// Show the whole city.
    FitCity,
    /// Zoom in one level.
    ZoomIn,
    /// Zoom out one level.
    ZoomOut,
    /// Switch the interface language.
    SetLang(Lang),
    /// Open the export dialog.
    ShowExport,
    /// Open the "open data" dialog.
    ShowOpen,
    /// Export the selected parks to this file.
    ExportTo(PathBuf),
    /// Show this tile source under the parks (`None`: the built-in basemap only).
    SetBasemap(Option<TileSource>),
    /// Open the custom XYZ dialog.
    ShowXyz,
    /// Open the tiles-folder dialog.
    ShowTilesFolder,
    /// Delete the on-disk tile cache.
    ClearTileCache,
    /// Load a parks/counties file or a dataset folder.
    OpenPath(PathBuf),
}

/// How the app was started.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// Dataset folder instead of the embedded data.
    pub data_dir: Option<PathBuf>,
    /// Save a screenshot of the first frames here, then close.
    pub screenshot: Option<PathBuf>,
    /// Basemap to start with, overriding the saved one: `Some(None)` = built-in only.
    pub basemap: Option<Option<TileSource>>,
    /// When the program started; with `PARK_ATLAS_TIMING=1` the time to the first frame is
    /// printed to stderr.
    pub started: Option<std::time::Instant>,
}

/// Where the screenshot callback puts its outcome.
pub type ScreenshotSlot = Arc<Mutex<Option<Result<(), String>>>>;

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
    pub started: Option<std::time::Instant>,
    /// Set by the callback: Ok(()) when saved, Err(message) when not.
    pub result: ScreenshotSlot,
}

/// A message in the toolbar.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// The text.
    pub text: String,
    /// Shown in red.
    pub error: bool,
}

/// A list of problems shown in a window.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemsDialog {
    /// Window title.
    pub title: String,
    /// One line per problem.
    pub lines: Vec<String>,
    /// True when the data on screen was kept (the file was refused).
    pub kept: bool,
}

/// The Park Atlas window.
pub struct ParkAtlasApp {
    /// The data on screen.
    pub atlas: Atlas,
    index: SpatialIndex,
    generation: u64,
    /// Filters, selection, language (saved between runs).
    pub state: SavedState,
    shown: Vec<usize>,
    shown_mask: Vec<bool>,
    shown_key: Option<(u64, Filter)>,
    /// The map.
    pub map: MapView,
    sort: ProjectSort,
    export_path: Option<String>,
    open_path: Option<String>,
    xyz_dialog: Option<(String, String)>,
    folder_dialog: Option<String>,
    /// The problems window, when open.
    pub problems: Option<ProblemsDialog>,
    /// The toolbar message.
    pub status: Option<Status>,
    /// The last successful export.
    pub last_export: Option<ExportReport>,
    commands: Vec<Command>,
    screenshot: Option<ScreenshotJob>,
    started: Option<std::time::Instant>,
    /// How tile layers fetch and cache (tests point the cache elsewhere).
    pub fetch_options: FetchOptions,
    panel_widths: Option<(f32, f32)>,
}

/// Frames to draw before taking the screenshot (fonts and layout settle).
const SCREENSHOT_AFTER_FRAMES: u32 = 4;
/// Give up on a screenshot after this many frames.
const SCREENSHOT_MAX_FRAMES: u32 = 6000;

impl ParkAtlasApp {
    /// Creates the app for eframe: fonts, theme, data, saved state.
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> ParkAtlasApp {
        crate::ui::fonts::install(&cc.egui_ctx);
        cc.egui_ctx.set_theme(egui::Theme::Light);
        let (atlas, problems) = initial_atlas(options.data_dir.as_deref());
        let saved = if options.screenshot.is_some() {
            None
        } else {
            cc.storage
                .and_then(|s| s.get_string(STORAGE_KEY))
                .and_then(|t| SavedState::from_json(&t))
        };
        let mut app = ParkAtlasApp::with_atlas(atlas, saved);
        app.problems = problems;
        app.screenshot = options.screenshot.map(|path| ScreenshotJob {
            path,
            ..ScreenshotJob::default()
        });
        let basemap = options
            .basemap
            .clone()
            .unwrap_or_else(|| app.state.basemap.clone());
        app.set_basemap(basemap, &cc.egui_ctx);
        app.started = options
            .started
            .filter(|_| std::env::var_os("PARK_ATLAS_TIMING").is_some());
        app
    }

    /// Creates the app around an atlas, optionally with a saved state (tests use this).
    pub fn with_atlas(atlas: Atlas, saved: Option<SavedState>) -> ParkAtlasApp {
        let index = SpatialIndex::build(&atlas);
        let mut app = ParkAtlasApp {
            atlas,
            index,
            generation: 1,
            state: SavedState {
                version: STATE_VERSION,
                ..SavedState::default()
            },
            shown: Vec::new(),
            shown_mask: Vec::new(),
            shown_key: None,
            map: MapView::default(),
            sort: ProjectSort::default(),
            export_path: None,
            open_path: None,
            xyz_dialog: None,
            folder_dialog: None,
            problems: None,
            status: None,
            last_export: None,
            commands: Vec::new(),
            screenshot: None,
            started: None,
            fetch_options: FetchOptions::default(),
            panel_widths: None,
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
        app
    }

    /// The result of a screenshot job, once it has one.
    pub fn screenshot_result(&self) -> Option<ScreenshotSlot> {
        self.screenshot.as_ref().map(|j| j.result.clone())
    }

    /// Indices of the parks that pass the filters.
    pub fn shown(&self) -> &[usize] {
        &self.shown
    }

    /// Queues a command (as a click would).
    pub fn push(&mut self, c: Command) {
        self.commands.push(c);
    }

    fn refresh_shown(&mut self) {
        let key = (self.generation, self.state.filter.clone());
        if self.shown_key.as_ref() != Some(&key) {
            self.shown = filter_parks(&self.atlas, &self.state.filter);
            self.shown_mask = vec![false; self.atlas.parks.len()];
            for &i in &self.shown {
                self.shown_mask[i] = true;
            }
            self.shown_key = Some(key);
        }
    }

    fn set_atlas(&mut self, atlas: Atlas) {
        self.index = SpatialIndex::build(&atlas);
        self.atlas = atlas;
        self.generation += 1;
        self.state.selection.retain_known(&self.atlas);
        self.map.hovered = None;
        self.map.fit_city();
    }

    /// Loads a file or folder; on any error the data on screen stays and the problems are shown.
    pub fn open(&mut self, path: &Path) {
        let label = path.display().to_string();
        let result = if path.is_dir() {
            io::load_dir(path).map(|l| (l.atlas, l.warnings))
        } else {
            self.merge_file(path, &label)
        };
        let lang = self.state.lang;
        match result {
            Ok((atlas, warnings)) => {
                let n = atlas.parks.len();
                self.set_atlas(atlas);
                self.status = Some(Status {
                    text: format!("{label}: {n} {}", lang.tr("parks")),
                    error: false,
                });
                self.problems = (!warnings.is_empty()).then(|| ProblemsDialog {
                    title: lang.tr("Loaded with warnings").to_owned(),
                    lines: warnings.iter().map(ToString::to_string).collect(),
                    kept: false,
                });
            }
            Err(problems) => {
                let errors = problems.iter().filter(|p| p.is_error()).count();
                self.status = Some(Status {
                    text: format!("{label}: {errors} error(s)"),
                    error: true,
                });
                self.problems = Some(ProblemsDialog {
                    title: lang.tr("Problems in the data").to_owned(),
                    lines: problems.iter().map(ToString::to_string).collect(),
                    kept: true,
                });
            }
        }
    }

    /// A single file replaces the parks (if it has parks), the counties (if it has counties),
    /// and adds its other features; the result must pass the cross-file checks.
    fn merge_file(&self, path: &Path, label: &str) -> Result<(Atlas, Vec<Problem>), Vec<Problem>> {
        let bytes = std::fs::read(path).map_err(|e| {
            vec![Problem::file_level(
                io::Severity::Error,
                label,
                format!("cannot read the file: {e}"),
            )]
        })?;
        let (parsed, mut problems) = io::parse_geojson(label, &bytes, Some(&self.atlas.taxonomy));
        if has_errors(&problems) {
            return Err(problems);
        }
        let mut atlas = self.atlas.clone();
        if !parsed.parks.is_empty() {
            atlas.parks = parsed.parks;
        }
        if !parsed.counties.is_empty() {
            atlas.counties = parsed.counties;
        }
        atlas.others = parsed.others;
        io::dataset::check_references(&atlas, label, &parsed.park_feature_index, &mut problems);
        if has_errors(&problems) {
            Err(problems)
        } else {
            Ok((atlas, problems))
        }
    }

    /// Shows a tile source under the parks, or only the built-in basemap. A tiles folder that
    /// cannot be used is reported and the built-in basemap stays.
    pub fn set_basemap(&mut self, source: Option<TileSource>, ctx: &egui::Context) {
        let checked = match source {
            // A local path becomes a folder or a .pmtiles source, whichever it is.
            Some(TileSource::Folder(p) | TileSource::PmTiles(p)) => TileSource::local(&p).map(Some),
            Some(TileSource::Xyz {
                template,
                attribution,
            }) => TileSource::check_template(&template).map(|()| {
                Some(TileSource::Xyz {
                    template,
                    attribution,
                })
            }),
            other => Ok(other),
        };
        match checked {
            Ok(source) => {
                self.map.tiles = source.clone().map(|s| {
                    crate::map::tile_layer::TileLayer::new(s, ctx, self.fetch_options.clone())
                });
                self.state.basemap = source;
            }
            Err(e) => {
                self.status = Some(Status {
                    text: e,
                    error: true,
                })
            }
        }
    }

    /// Exports the selected parks.
    pub fn export(&mut self, path: &Path) {
        let parks = self.state.selection.parks(&self.atlas);
        let lang = self.state.lang;
        match io::export_parks(&self.atlas, &parks, path) {
            Ok(report) => {
                let files: Vec<String> = report
                    .files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect();
                self.status = Some(Status {
                    text: format!(
                        "{} {} ({} {})",
                        lang.tr("Wrote"),
                        files.join(", "),
                        report.parks,
                        lang.tr("parks")
                    ),
                    error: false,
                });
                self.last_export = Some(report);
                self.export_path = None;
            }
            Err(e) => {
                self.status = Some(Status {
                    text: format!("{}: {e}", lang.tr("Export failed")),
                    error: true,
                });
            }
        }
    }

    fn clear_tile_cache(&mut self, ctx: &egui::Context) {
        let lang = self.state.lang;
        let Some(dir) = TileCache::default_dir() else {
            return;
        };
        let cache = TileCache {
            dir,
            limit_bytes: 0,
        };
        let status = match cache.clear() {
            Ok(()) => Status {
                text: lang.tr("Tile cache cleared").to_owned(),
                error: false,
            },
            Err(e) => Status {
                text: format!("{}: {e}", cache.dir.display()),
                error: true,
            },
        };
        // Start the layer afresh so that its tiles are fetched again.
        self.set_basemap(self.state.basemap.clone(), ctx);
        self.status = Some(status);
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Select(id) => self.state.selection.select_only(&id),
            Command::Toggle(id) => self.state.selection.toggle(&id),
            Command::SelectAndFly(id) => {
                self.state.selection.select_only(&id);
                if let Some(pos) = self
                    .atlas
                    .park(&id)
                    .and_then(|p| p.geometry.as_ref())
                    .and_then(|g| {
                        use geo::Centroid;
                        g.centroid()
                    })
                {
                    self.map.fly_to(Position::new(pos.x(), pos.y()), 10.5);
                }
            }
            Command::ClearSelection => self.state.selection.clear(),
            Command::SelectAllShown => {
                let ids: Vec<String> = self
                    .shown
                    .iter()
                    .map(|&i| self.atlas.parks[i].id.clone())
                    .collect();
                self.state.selection.extend(ids.iter().map(String::as_str));
            }
            Command::FitCity => self.map.fit_city(),
            Command::ZoomIn => {
                let _ = self.map.memory.zoom_in();
            }
            Command::ZoomOut => {
                let _ = self.map.memory.zoom_out();
            }
            Command::SetLang(l) => self.state.lang = l,
            Command::ShowExport => {
                if self.state.selection.is_empty() {
                    let lang = self.state.lang;
                    self.status = Some(Status {
                        text: lang
                            .tr("Select parks first (click on the map or use “Select all shown”).")
                            .to_owned(),
                        error: true,
                    });
                } else {
                    self.export_path = Some(default_export_path());
                }
            }
            Command::ShowOpen => self.open_path = Some(String::new()),
            Command::ExportTo(p) => self.export(&p),
            Command::SetBasemap(_) | Command::ClearTileCache => {}
            Command::ShowXyz => {
                let (t, a) = match &self.state.basemap {
                    Some(TileSource::Xyz {
                        template,
                        attribution,
                    }) => (template.clone(), attribution.clone()),
                    _ => (String::from("https://"), String::new()),
                };
                self.xyz_dialog = Some((t, a));
            }
            Command::ShowTilesFolder => {
                self.folder_dialog = Some(match &self.state.basemap {
                    Some(TileSource::Folder(p) | TileSource::PmTiles(p)) => p.display().to_string(),
                    _ => String::new(),
                });
            }
            Command::OpenPath(p) => {
                self.open_path = None;
                self.open(&p);
            }
        }
    }

    /// Draws one frame (the whole window) and handles the commands it produced.
    pub fn frame_ui(&mut self, ui: &mut Ui) {
        self.refresh_shown();
        self.input_ui(ui);
        let lang = self.state.lang;
        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar_ui(ui));
        let left = egui::Panel::left("filters")
            .resizable(true)
            .default_size(270.0)
            .size_range(220.0..=340.0)
            .show(ui, |ui| {
                filters_ui(
                    ui,
                    &self.atlas,
                    &mut self.state.filter,
                    &self.shown,
                    &self.state.selection,
                    lang,
                    &mut self.commands,
                );
            });
        let right = egui::Panel::right("details")
            .resizable(true)
            .default_size(400.0)
            .size_range(280.0..=520.0)
            .show(ui, |ui| {
                details_ui(
                    ui,
                    &self.atlas,
                    &self.state.selection,
                    lang,
                    &mut self.sort,
                    &mut self.commands,
                );
            });
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
                let input = MapInput {
                    atlas: &self.atlas,
                    index: &self.index,
                    generation: self.generation,
                    shown: &self.shown_mask,
                    selection: &self.state.selection,
                    lang,
                };
                match self.map.ui(ui, &input) {
                    Some(MapAction::ClickPark { index, toggle }) => {
                        let id = self.atlas.parks[index].id.clone();
                        self.commands.push(if toggle {
                            Command::Toggle(id)
                        } else {
                            Command::Select(id)
                        });
                    }
                    Some(MapAction::ClickEmpty)
                        if !ui.input(|i| {
                            i.modifiers.ctrl || i.modifiers.shift || i.modifiers.command
                        }) =>
                    {
                        self.commands.push(Command::ClearSelection);
                    }
                    Some(MapAction::ClickEmpty) => {}
                    None => {}
                }
            });
        self.dialogs_ui(ui);
        let commands = std::mem::take(&mut self.commands);
        if !commands.is_empty() {
            // The commands change what the panels show: draw again.
            ui.ctx().request_repaint();
        }
        let ctx = ui.ctx().clone();
        for c in commands {
            match c {
                Command::SetBasemap(source) => {
                    self.xyz_dialog = None;
                    self.folder_dialog = None;
                    self.set_basemap(source, &ctx);
                }
                Command::ClearTileCache => self.clear_tile_cache(&ctx),
                other => self.handle(other),
            }
        }
        self.refresh_shown();
        if let Some(frame) = self.map.last {
            self.state.view = Some(View {
                lon: frame.center.x(),
                lat: frame.center.y(),
                zoom: frame.zoom,
            });
        }
    }

    fn input_ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let export = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);
        let open = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
        if ctx.input_mut(|i| i.consume_shortcut(&export)) {
            self.commands.push(Command::ShowExport);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&open)) {
            self.commands.push(Command::ShowOpen);
        }
        if ctx.input(|i| i.key_pressed(Key::Escape)) {
            if self.export_path.is_some() || self.open_path.is_some() || self.problems.is_some() {
                self.export_path = None;
                self.open_path = None;
                self.problems = None;
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

    fn toolbar_ui(&mut self, ui: &mut Ui) {
        let lang = self.state.lang;
        ui.horizontal(|ui| {
            ui.strong(lang.tr("Park Atlas"));
            ui.separator();
            if ui
                .button(lang.tr("Open data…"))
                .on_hover_text("Ctrl+O")
                .clicked()
            {
                self.commands.push(Command::ShowOpen);
            }
            let n = self.state.selection.len();
            let export = ui
                .add_enabled(
                    n > 0,
                    egui::Button::new(format!("{} ({n})", lang.tr("Export selected…"))),
                )
                .on_hover_text("Ctrl+E")
                .on_disabled_hover_text(
                    lang.tr("Select parks first (click on the map or use “Select all shown”)."),
                );
            if export.clicked() {
                self.commands.push(Command::ShowExport);
            }
            ui.separator();
            if ui.button("+").on_hover_text(lang.tr("Zoom in")).clicked() {
                self.commands.push(Command::ZoomIn);
            }
            if ui.button("−").on_hover_text(lang.tr("Zoom out")).clicked() {
                self.commands.push(Command::ZoomOut);
            }
            if ui.button(lang.tr("Fit city")).clicked() {
                self.commands.push(Command::FitCity);
            }
            ui.separator();
            for (l, text) in [(Lang::Zh, "中文"), (Lang::En, "English")] {
                if ui.selectable_label(lang == l, text).clicked() {
                    self.commands.push(Command::SetLang(l));
                }
            }
            ui.separator();
            self.basemap_menu_ui(ui);
            if let Some(s) = &self.status {
                ui.separator();
                let color = if s.error {
                    egui::Color32::from_rgb(0xb0, 0x20, 0x20)
                } else {
                    egui::Color32::from_rgb(0x20, 0x70, 0x30)
                };
                ui.label(RichText::new(&s.text).color(color));
            }
        });
    }

    fn basemap_menu_ui(&mut self, ui: &mut Ui) {
        let lang = self.state.lang;
        let current = match &self.state.basemap {
            None => lang.tr("Built-in (offline)"),
            Some(TileSource::Osm) => "OpenStreetMap",
            Some(TileSource::Amap) => lang.tr("AMap 高德 (GCJ-02)"),
            Some(TileSource::Xyz { .. }) => lang.tr("Custom XYZ…"),
            Some(TileSource::Folder(_) | TileSource::PmTiles(_)) => lang.tr("Tiles folder…"),
        };
        let label = ui.label(lang.tr("Basemap"));
        egui::ComboBox::from_id_salt("basemap")
            .selected_text(current)
            .show_ui(ui, |ui| {
                let b = &self.state.basemap;
                if ui
                    .selectable_label(b.is_none(), lang.tr("Built-in (offline)"))
                    .clicked()
                {
                    self.commands.push(Command::SetBasemap(None));
                }
                if ui
                    .selectable_label(*b == Some(TileSource::Osm), "OpenStreetMap")
                    .clicked()
                {
                    self.commands
                        .push(Command::SetBasemap(Some(TileSource::Osm)));
                }
                if ui
                    .selectable_label(*b == Some(TileSource::Amap), lang.tr("AMap 高德 (GCJ-02)"))
                    .clicked()
                {
                    self.commands
                        .push(Command::SetBasemap(Some(TileSource::Amap)));
                }
                if ui
                    .selectable_label(
                        matches!(b, Some(TileSource::Xyz { .. })),
                        lang.tr("Custom XYZ…"),
                    )
                    .clicked()
                {
                    self.commands.push(Command::ShowXyz);
                }
                if ui
                    .selectable_label(
                        matches!(b, Some(TileSource::Folder(_) | TileSource::PmTiles(_))),
                        lang.tr("Tiles folder…"),
                    )
                    .clicked()
                {
                    self.commands.push(Command::ShowTilesFolder);
                }
                ui.separator();
                if ui.button(lang.tr("Clear tile cache")).clicked() {
                    self.commands.push(Command::ClearTileCache);
                }
            })
            .response
            .labelled_by(label.id);
    }

    fn dialogs_ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let lang = self.state.lang;
        if let Some((template, attribution)) = &mut self.xyz_dialog {
            let mut close = false;
            egui::Window::new(lang.tr("Custom XYZ…"))
                .collapsible(false)
                .resizable(false)
                .show(&ctx, |ui| {
                    egui::Grid::new("xyz").num_columns(2).show(ui, |ui| {
                        let l = ui.label(lang.tr("URL template"));
                        ui.add(
                            egui::TextEdit::singleline(template)
                                .desired_width(380.0)
                                .hint_text("https://tiles.example/{z}/{x}/{y}.png"),
                        )
                        .labelled_by(l.id);
                        ui.end_row();
                        let l = ui.label(lang.tr("Attribution"));
                        ui.add(egui::TextEdit::singleline(attribution).desired_width(380.0))
                            .labelled_by(l.id);
                        ui.end_row();
                    });
                    if let Err(e) = TileSource::check_template(template) {
                        ui.colored_label(egui::Color32::from_rgb(0xb0, 0x20, 0x20), e);
                    }
                    ui.horizontal(|ui| {
                        let ok = TileSource::check_template(template).is_ok();
                        if ui
                            .add_enabled(ok, egui::Button::new(lang.tr("Apply")))
                            .clicked()
                        {
                            self.commands
                                .push(Command::SetBasemap(Some(TileSource::Xyz {
                                    template: template.trim().to_owned(),
                                    attribution: attribution.trim().to_owned(),
                                })));
                        }
                        if ui.button(lang.tr("Cancel")).clicked() {
                            close = true;
                        }
                    });
                });
            if close {
                self.xyz_dialog = None;
            }
        }
        let error = self
            .status
            .as_ref()
            .filter(|s| s.error)
            .map(|s| s.text.clone());
        if let Some(path) = &mut self.folder_dialog {
            let browse: [(&str, Browse); 2] = [
                (lang.tr("Browse…"), browse_folder),
                (".pmtiles…", browse_pmtiles),
            ];
            let hint = lang.tr(
                "A folder of {z}/{x}/{y}.png|jpg|webp tiles, or a .pmtiles file of raster tiles.",
            );
            match path_window(
                &ctx,
                lang,
                lang.tr("Tiles folder…"),
                None,
                hint,
                lang.tr("Folder"),
                path,
                &browse,
                lang.tr("Apply"),
                error.as_deref(),
            ) {
                Answer::Ok => {
                    let p = PathBuf::from(path.trim());
                    self.commands
                        .push(Command::SetBasemap(Some(TileSource::Folder(p))));
                }
                Answer::Cancel => self.folder_dialog = None,
                Answer::None => {}
            }
        }
        if let Some(path) = &mut self.export_path {
            let top = format!("{} {}", self.state.selection.len(), lang.tr("selected"));
            let hint = lang.tr(
                "Format from the extension: .geojson or .csv (CSV also writes NAME-projects.csv).",
            );
            let browse: [(&str, Browse); 1] = [(lang.tr("Browse…"), browse_save)];
            match path_window(
                &ctx,
                lang,
                lang.tr("Export selected…"),
                Some(&top),
                hint,
                lang.tr("File"),
                path,
                &browse,
                lang.tr("Export"),
                error.as_deref(),
            ) {
                Answer::Ok => self
                    .commands
                    .push(Command::ExportTo(PathBuf::from(path.trim()))),
                Answer::Cancel => self.export_path = None,
                Answer::None => {}
            }
        }
        if let Some(path) = &mut self.open_path {
            let hint = lang.tr("A parks or counties GeoJSON file, or a dataset folder. You can also drop files on the window.");
            let browse: [(&str, Browse); 1] = [(lang.tr("Browse…"), browse_open)];
            match path_window(
                &ctx,
                lang,
                lang.tr("Open data…"),
                None,
                hint,
                lang.tr("File"),
                path,
                &browse,
                lang.tr("Open"),
                None,
            ) {
                Answer::Ok => self
                    .commands
                    .push(Command::OpenPath(PathBuf::from(path.trim()))),
                Answer::Cancel => self.open_path = None,
                Answer::None => {}
            }
        }
        if let Some(p) = &self.problems {
            let mut close = false;
            egui::Window::new(&p.title)
                .collapsible(false)
                .default_width(640.0)
                .show(&ctx, |ui| {
                    if p.kept {
                        ui.strong(lang.tr("The data on screen was kept."));
                    }
                    egui::ScrollArea::vertical()
                        .max_height(320.0)
                        .show(ui, |ui| {
                            for line in &p.lines {
                                let color = if line.starts_with("error") {
                                    egui::Color32::from_rgb(0xb0, 0x20, 0x20)
                                } else {
                                    egui::Color32::from_rgb(0x90, 0x60, 0x00)
                                };
                                ui.label(RichText::new(line).color(color).monospace().small());
                            }
                        });
                    if ui.button(lang.tr("Close")).clicked() {
                        close = true;
                    }
                });
            if close {
                self.problems = None;
            }
        }
    }

    fn screenshot_step(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.screenshot else {
            return;
        };
        job.frames += 1;
        let done = job.result.lock().map(|r| r.is_some()).unwrap_or(true);
        if done || job.frames > SCREENSHOT_MAX_FRAMES {
            if !done && let Ok(mut r) = job.result.lock() {
                *r = Some(Err("no screenshot arrived from the renderer".into()));
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        let started = *job.started.get_or_insert_with(std::time::Instant::now);
        let tiles_settled = self.map.tiles.as_ref().is_none_or(|t| t.status.settled());
        let waited_enough = started.elapsed() >= std::time::Duration::from_secs(10);
        if job.frames >= SCREENSHOT_AFTER_FRAMES
            && (tiles_settled || waited_enough)
            && !job.requested
        {
            job.requested = true;
            let path = job.path.clone();
            let result = job.result.clone();
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

impl eframe::App for ParkAtlasApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
        if let Some(t) = self.started.take() {
            eprintln!(
                "park-atlas: first frame {} ms after start",
                t.elapsed().as_millis()
            );
        }
        let ctx = ui.ctx().clone();
        self.screenshot_step(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.screenshot.is_none() {
            storage.set_string(STORAGE_KEY, self.state.to_json());
        }
    }
}

/// What a dialog's buttons did this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Ok,
    Cancel,
    None,
}

/// A native file dialog; `None` when cancelled or when no dialog is available.
type Browse = fn() -> Option<PathBuf>;

fn browse_save() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .add_filter("GeoJSON", &["geojson", "json"])
        .add_filter("CSV", &["csv"])
        .set_file_name("parks.geojson")
        .save_file()
}

fn browse_open() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .add_filter("GeoJSON", &["geojson", "json"])
        .pick_file()
}

fn browse_folder() -> Option<PathBuf> {
    rfd::FileDialog::new().pick_folder()
}

fn browse_pmtiles() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .add_filter("PMTiles", &["pmtiles"])
        .pick_file()
}

/// A small window with a path field (which always works) and buttons for the system's file
/// dialogs (where one is available), then OK / Cancel.
#[allow(clippy::too_many_arguments)]
fn path_window(
    ctx: &egui::Context,
    lang: Lang,
    title: &str,
    top: Option<&str>,
    hint: &str,
    field: &str,
    path: &mut String,
    browse: &[(&str, Browse)],
    ok: &str,
    error: Option<&str>,
) -> Answer {
    let mut answer = Answer::None;
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            if let Some(t) = top {
                ui.label(t);
            }
            ui.weak(hint);
            ui.horizontal(|ui| {
                let label = ui.label(field);
                ui.add(egui::TextEdit::singleline(path).desired_width(340.0))
                    .labelled_by(label.id);
                for (text, pick) in browse {
                    if ui.button(*text).clicked()
                        && let Some(p) = pick()
                    {
                        *path = p.display().to_string();
                    }
                }
            });
            ui.horizontal(|ui| {
                if ui.button(ok).clicked() {
                    answer = Answer::Ok;
                }
                if ui.button(lang.tr("Cancel")).clicked() {
                    answer = Answer::Cancel;
                }
            });
            if let Some(e) = error {
                ui.colored_label(egui::Color32::from_rgb(0xb0, 0x20, 0x20), e);
            }
        });
    answer
}

fn initial_atlas(dir: Option<&Path>) -> (Atlas, Option<ProblemsDialog>) {
    let loaded = match dir {
        Some(d) => io::load_dir(d),
        None => io::load_embedded(),
    };
    match loaded {
        Ok(l) => {
            let problems = (!l.warnings.is_empty()).then(|| ProblemsDialog {
                title: "Loaded with warnings".into(),
                lines: l.warnings.iter().map(ToString::to_string).collect(),
                kept: false,
            });
            (l.atlas, problems)
        }
        Err(problems) => {
            // The folder does not load: show why, and the embedded city instead.
            let atlas = io::load_embedded().map(|l| l.atlas).unwrap_or_default();
            (
                atlas,
                Some(ProblemsDialog {
                    title: "Problems in the data".into(),
                    lines: problems.iter().map(ToString::to_string).collect(),
                    kept: true,
                }),
            )
        }
    }
}

fn default_export_path() -> String {
    let dir = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    dir.join("park-atlas-selection.geojson")
        .display()
        .to_string()
}

/// Writes an egui image as PNG (atomically).
pub fn save_png(path: &Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, w as u32, h as u32);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(|e| e.to_string())?;
        let raw: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
        writer.write_image_data(&raw).map_err(|e| e.to_string())?;
    }
    io::atomic::write_atomic(path, &bytes)
        .map_err(|e| format!("could not write {}: {e}", path.display()))
}
