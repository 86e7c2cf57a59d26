//! The window's dialogs: export the selection, open data, a custom XYZ tile source, a local
//! tiles folder, and the list of problems found in opened data. Each dialog keeps its own
//! fields and shows only its own error. Enter submits a path dialog; Escape closes any dialog
//! (the app turns Escape into [`Command::CloseDialogs`]).

use std::path::PathBuf;

use egui::{Key, RichText};

use super::ViewContext;
use super::widgets::status_color;
use crate::command::{Command, Dialog, Picture};
use crate::i18n::Lang;
use crate::map::tiles::TileSource;

/// "Export selected…": a path; the format comes from its extension.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportDialog {
    /// The file to write.
    pub path: String,
    /// Why the last export failed.
    pub error: Option<String>,
}

/// "Open data…": a file or dataset folder.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OpenDialog {
    /// The file or folder.
    pub path: String,
    /// What the user says about the file: its coordinate system (`None`: found from the file)
    /// and, for a table, its coordinate columns and sheet (`None`: found).
    pub options: crate::io::formats::ReadOptions,
}

/// "Custom XYZ…": a URL template and its attribution.
#[derive(Debug, Clone, PartialEq)]
pub struct XyzDialog {
    /// `https://…/{z}/{x}/{y}.png`.
    pub template: String,
    /// Shown on the map.
    pub attribution: String,
}

/// "Tiles folder…": a `{z}/{x}/{y}` folder or a `.pmtiles` file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TilesDialog {
    /// The folder or file.
    pub path: String,
    /// Why the last choice could not be used.
    pub error: Option<String>,
}

/// Problems found in data that was opened (errors: refused; warnings: loaded).
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemsWindow {
    /// The problems (said in the interface language when drawn).
    pub problems: Vec<crate::io::Problem>,
    /// True when the data on screen was kept (the data was refused).
    pub kept: bool,
}

/// The open dialogs (any number at once).
#[derive(Debug, Default)]
pub struct Dialogs {
    /// Export.
    pub export: Option<ExportDialog>,
    /// Open.
    pub open: Option<OpenDialog>,
    /// Custom XYZ.
    pub xyz: Option<XyzDialog>,
    /// Tiles folder.
    pub tiles: Option<TilesDialog>,
    /// Problems.
    pub problems: Option<ProblemsWindow>,
    /// The shortcuts window (F1).
    pub help: bool,
    /// "Save map image…" or "Brief of selection…".
    pub save: Option<SaveDialog>,
}

/// "Save map image…" (scale 1/2/4 for PNG, 0 for SVG) or "Brief of selection…" (PDF).
#[derive(Debug, Clone, PartialEq)]
pub struct SaveDialog {
    /// Which.
    pub kind: Dialog,
    /// The file to write.
    pub path: String,
    /// Why the last attempt failed.
    pub error: Option<String>,
}

impl Dialogs {
    /// True when any dialog is open (Escape then closes dialogs rather than the selection).
    pub fn any_open(&self) -> bool {
        self.export.is_some()
            || self.open.is_some()
            || self.xyz.is_some()
            || self.tiles.is_some()
            || self.problems.is_some()
            || self.help
            || self.save.is_some()
    }

    /// Opens a dialog with its starting values.
    pub fn show(&mut self, dialog: Dialog, basemap: Option<&TileSource>) {
        match dialog {
            Dialog::Export => {
                self.export = Some(ExportDialog {
                    path: default_export_path(),
                    error: None,
                })
            }
            Dialog::Open => self.open = Some(OpenDialog::default()),
            Dialog::Xyz => {
                let (template, attribution) = match basemap {
                    Some(TileSource::Xyz {
                        template,
                        attribution,
                    }) => (template.clone(), attribution.clone()),
                    _ => (String::from("https://"), String::new()),
                };
                self.xyz = Some(XyzDialog {
                    template,
                    attribution,
                });
            }
            Dialog::TilesFolder => {
                let path = match basemap {
                    Some(TileSource::Folder(p) | TileSource::PmTiles(p)) => p.display().to_string(),
                    _ => String::new(),
                };
                self.tiles = Some(TilesDialog { path, error: None });
            }
            Dialog::Problems => {}
            Dialog::Help => self.help = true,
            Dialog::MapImage(picture) => {
                let name = match picture {
                    Picture::Png(scale) => format!("park-atlas-map-{scale}x.png"),
                    Picture::Svg => "park-atlas-map.svg".to_owned(),
                    Picture::SvgOutlined => "park-atlas-map-outlined.svg".to_owned(),
                };
                self.save = Some(SaveDialog {
                    kind: dialog,
                    path: default_dir().join(name).display().to_string(),
                    error: None,
                });
            }
            Dialog::Brief => {
                self.save = Some(SaveDialog {
                    kind: dialog,
                    path: default_dir()
                        .join("park-atlas-brief.pdf")
                        .display()
                        .to_string(),
                    error: None,
                });
            }
        }
    }

    /// Closes one dialog.
    pub fn close(&mut self, dialog: Dialog) {
        match dialog {
            Dialog::Export => self.export = None,
            Dialog::Open => self.open = None,
            Dialog::Xyz => self.xyz = None,
            Dialog::TilesFolder => self.tiles = None,
            Dialog::Problems => self.problems = None,
            Dialog::Help => self.help = false,
            Dialog::MapImage(_) | Dialog::Brief => self.save = None,
        }
    }

    /// Draws the open dialogs.
    pub fn ui(&mut self, ctx: &egui::Context, view: &ViewContext<'_>, out: &mut Vec<Command>) {
        let lang = view.lang;
        if let Some(d) = &mut self.xyz {
            xyz_ui(ctx, lang, d, out);
        }
        if let Some(d) = &mut self.tiles {
            let browse: [(&str, Browse); 2] = [
                (lang.tr("Browse…"), browse_folder),
                (".pmtiles…", browse_pmtiles),
            ];
            let answer = PathWindow {
                title: lang.tr("Tiles folder…"),
                top: None,
                hint: lang.tr(
                    "A folder of {z}/{x}/{y}.png|jpg|webp tiles, or a .pmtiles file of raster tiles.",
                ),
                field: lang.tr("Folder"),
                browse: &browse,
                ok: lang.tr("Apply"),
                error: d.error.as_deref(),
            }
            .ui(ctx, lang, &mut d.path);
            match answer {
                Answer::Ok => out.push(Command::SetBasemap(Some(TileSource::Folder(
                    PathBuf::from(d.path.trim()),
                )))),
                Answer::Cancel => out.push(Command::Close(Dialog::TilesFolder)),
                Answer::None => {}
            }
        }
        if let Some(d) = &mut self.export {
            let top = format!("{} {}", view.selection.len(), lang.tr("selected"));
            let browse: [(&str, Browse); 1] = [(lang.tr("Browse…"), browse_save)];
            let answer = PathWindow {
                title: lang.tr("Export selected…"),
                top: Some(&top),
                hint: lang.tr(
                    "Format from the extension: .geojson, .csv (CSV also writes NAME-projects.csv) or .gpkg (GeoPackage for QGIS).",
                ),
                field: lang.tr("File"),
                browse: &browse,
                ok: lang.tr("Export"),
                error: d.error.as_deref(),
            }
            .ui(ctx, lang, &mut d.path);
            match answer {
                Answer::Ok => out.push(Command::ExportTo(PathBuf::from(d.path.trim()))),
                Answer::Cancel => out.push(Command::Close(Dialog::Export)),
                Answer::None => {}
            }
        }
        if let Some(d) = &mut self.open {
            let browse: [(&str, Browse); 1] = [(lang.tr("Browse…"), browse_open)];
            let options = &mut d.options;
            // A table's columns, told by its name alone (no file read in a frame).
            let named = std::path::Path::new(d.path.trim());
            let table = crate::io::formats::FORMATS
                .iter()
                .find(|f| f.applies_declared_crs() && f.recognises(named, &[]))
                .map(|f| f.name());
            let answer = PathWindow {
                title: lang.tr("Open data…"),
                top: None,
                hint: lang.tr("A parks or counties GeoJSON file; a GeoPackage, shapefile, CSV or Excel table, KML/KMZ, TopoJSON or ECharts map (opened as a layer); or a dataset folder. You can also drop files on the window."),
                field: lang.tr("File"),
                browse: &browse,
                ok: lang.tr("Open"),
                error: None,
            }
            .ui_with(ctx, lang, &mut d.path, |ui| {
                crs_choice_ui(ui, lang, &mut options.crs);
                if let Some(kind) = table {
                    columns_ui(ui, lang, kind, options);
                }
            });
            match answer {
                Answer::Ok => {
                    let path = PathBuf::from(d.path.trim());
                    out.push(if d.options == crate::io::formats::ReadOptions::default() {
                        Command::OpenPath(path)
                    } else {
                        Command::OpenPathAs(path, d.options.clone())
                    });
                }
                Answer::Cancel => out.push(Command::Close(Dialog::Open)),
                Answer::None => {}
            }
        }
        if let Some(d) = &mut self.save {
            let (title, hint, kind) = match d.kind {
                Dialog::Brief => (
                    lang.tr("Brief of selection…"),
                    lang.tr("An A4 PDF: a map of the selected parks, then each park with its projects, targets and sources."),
                    None,
                ),
                Dialog::MapImage(picture) => (
                    lang.tr("Save map image…"),
                    match picture {
                        Picture::Svg => lang.tr("The current view as SVG (vectors; opens in Inkscape, browsers, Office)."),
                        Picture::SvgOutlined => lang.tr("The current view as SVG with every text drawn as outlines: it looks the same in any program, with or without Chinese fonts (e.g. at a print shop), but the text can no longer be edited or searched."),
                        Picture::Png(_) => lang.tr("The current view as PNG, at a multiple of the map's size on screen."),
                    },
                    Some(picture),
                ),
                _ => ("", "", None),
            };
            let browse: [(&str, Browse); 1] = [(lang.tr("Browse…"), browse_save_any)];
            let answer = PathWindow {
                title,
                top: None,
                hint,
                field: lang.tr("File"),
                browse: &browse,
                ok: lang.tr("Save"),
                error: d.error.as_deref(),
            }
            .ui(ctx, lang, &mut d.path);
            let path = PathBuf::from(d.path.trim());
            match (answer, kind) {
                (Answer::Ok, Some(picture)) => out.push(Command::SaveMapImage(path, picture)),
                (Answer::Ok, None) => out.push(Command::SaveBrief(path)),
                (Answer::Cancel, _) => out.push(Command::Close(d.kind)),
                (Answer::None, _) => {}
            }
        }
        if let Some(p) = &self.problems {
            problems_ui(ctx, lang, p, out);
        }
        if self.help {
            help_ui(ctx, lang, out);
        }
    }
}

/// Every mouse and keyboard shortcut of the window, in one place (F1).
fn help_ui(ctx: &egui::Context, lang: Lang, out: &mut Vec<Command>) {
    let rows: [(&str, &str); 17] = [
        (lang.tr("Drag"), lang.tr("Pan the map")),
        (lang.tr("Mouse wheel, pinch, + / −"), lang.tr("Zoom")),
        (
            lang.tr("Click a park"),
            lang.tr("Select it; details open on the right"),
        ),
        (
            lang.tr("Ctrl/Shift-click"),
            lang.tr("Add a park to the selection or remove it"),
        ),
        (
            lang.tr("Shift + drag"),
            lang.tr("Add the shown parks in the rectangle to the selection"),
        ),
        (
            lang.tr("Click on empty map"),
            lang.tr("Clear the selection"),
        ),
        (
            lang.tr("Hover"),
            lang.tr("Name, county and clusters of the park"),
        ),
        ("Ctrl+O", lang.tr("Open data (or drop files on the window)")),
        ("Ctrl+E", lang.tr("Export the selected parks")),
        ("Ctrl+J", lang.tr("Fit the map to the selected parks")),
        ("Ctrl+T", lang.tr("Show or hide the attribute table")),
        (
            "Ctrl+C",
            lang.tr("Copy the selected table rows (tab-separated, for Excel)"),
        ),
        (
            lang.tr("Measure"),
            lang.tr("Measure distance or area (geodesic); Esc ends"),
        ),
        ("Enter", lang.tr("Confirm a path dialog")),
        ("Esc", lang.tr("Close dialogs, then clear the selection")),
        ("F1", lang.tr("This help")),
        (lang.tr("Fit city"), lang.tr("Show the whole city again")),
    ];
    egui::Window::new(lang.tr("Mouse and keyboard"))
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("help")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    for (key, what) in rows {
                        ui.strong(key);
                        ui.label(what);
                        ui.end_row();
                    }
                });
            if ui.button(lang.tr("Close")).clicked() {
                out.push(Command::Close(Dialog::Help));
            }
        });
}

fn xyz_ui(ctx: &egui::Context, lang: Lang, d: &mut XyzDialog, out: &mut Vec<Command>) {
    egui::Window::new(lang.tr("Custom XYZ…"))
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("xyz").num_columns(2).show(ui, |ui| {
                let l = ui.label(lang.tr("URL template"));
                ui.add(
                    egui::TextEdit::singleline(&mut d.template)
                        .desired_width(380.0)
                        .hint_text("https://tiles.example/{z}/{x}/{y}.png"),
                )
                .labelled_by(l.id);
                ui.end_row();
                let l = ui.label(lang.tr("Attribution"));
                ui.add(egui::TextEdit::singleline(&mut d.attribution).desired_width(380.0))
                    .labelled_by(l.id);
                ui.end_row();
            });
            let check = TileSource::check_template(&d.template);
            if let Err(e) = &check {
                ui.colored_label(status_color(true), e.to_string());
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(check.is_ok(), egui::Button::new(lang.tr("Apply")))
                    .clicked()
                {
                    out.push(Command::SetBasemap(Some(TileSource::Xyz {
                        template: d.template.trim().to_owned(),
                        attribution: d.attribution.trim().to_owned(),
                    })));
                }
                if ui.button(lang.tr("Cancel")).clicked() {
                    out.push(Command::Close(Dialog::Xyz));
                }
            });
        });
}

fn problems_ui(ctx: &egui::Context, lang: Lang, p: &ProblemsWindow, out: &mut Vec<Command>) {
    let title = if p.kept {
        lang.tr("Problems in the data")
    } else {
        lang.tr("Loaded with warnings")
    };
    egui::Window::new(title)
        .collapsible(false)
        .default_width(640.0)
        .show(ctx, |ui| {
            if p.kept {
                ui.strong(lang.tr("The data on screen was kept."));
            }
            egui::ScrollArea::vertical()
                .max_height(320.0)
                .show(ui, |ui| {
                    for problem in &p.problems {
                        let color = if problem.is_error() {
                            status_color(true)
                        } else {
                            egui::Color32::from_rgb(0x90, 0x60, 0x00)
                        };
                        let line = problem.text(lang.is_zh());
                        ui.label(RichText::new(line).color(color));
                    }
                });
            if ui.button(lang.tr("Close")).clicked() {
                out.push(Command::Close(Dialog::Problems));
            }
        });
}

/// The coordinate system of a file to open: found from the file, or declared.
fn crs_choice_ui(ui: &mut egui::Ui, lang: Lang, crs: &mut Option<crate::io::crs::WebCrs>) {
    use crate::io::crs::WebCrs;
    let name = |c: Option<WebCrs>| match c {
        None => lang.tr("Find out from the file"),
        Some(WebCrs::Wgs84) => lang.tr("WGS-84 (GPS, OpenStreetMap, Google Earth)"),
        Some(WebCrs::Gcj02) => lang.tr("GCJ-02 (AMap/Gaode, Tencent, DataV)"),
        Some(WebCrs::Bd09) => lang.tr("BD-09 (Baidu)"),
    };
    ui.horizontal(|ui| {
        let label = ui.label(lang.tr("Coordinates"));
        egui::ComboBox::from_id_salt("open_crs")
            .selected_text(name(*crs))
            .width(300.0)
            .show_ui(ui, |ui| {
                for c in [
                    None,
                    Some(WebCrs::Wgs84),
                    Some(WebCrs::Gcj02),
                    Some(WebCrs::Bd09),
                ] {
                    ui.selectable_value(crs, c, name(c));
                }
            })
            .response
            .labelled_by(label.id);
    });
}

/// A table's coordinate columns (and a workbook's sheet), each empty to let Park Atlas find
/// it by name.
fn columns_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    kind: &str,
    options: &mut crate::io::formats::ReadOptions,
) {
    let workbook = kind.starts_with("workbook");
    let mut fields: Vec<(&str, &mut Option<String>)> = vec![
        (lang.tr("Longitude column"), &mut options.lon),
        (lang.tr("Latitude column"), &mut options.lat),
    ];
    if workbook {
        fields.push((lang.tr("Sheet"), &mut options.sheet));
    }
    egui::Grid::new("open_columns")
        .num_columns(2)
        .show(ui, |ui| {
            for (name, value) in fields {
                let label = ui.label(name);
                let mut text = value.clone().unwrap_or_default();
                ui.add(
                    egui::TextEdit::singleline(&mut text)
                        .hint_text(lang.tr("found by name"))
                        .desired_width(200.0),
                )
                .labelled_by(label.id);
                *value = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
                ui.end_row();
            }
        });
    ui.label(
        egui::RichText::new(lang.tr(
            "Columns named lon/lng/经度 and lat/纬度 (or a WKT column) are found by themselves; name them here if they are called something else.",
        ))
        .small(),
    );
}

/// A path window for one of edit mode's file actions: `Some(true)` to go, `Some(false)`
/// cancelled, `None` still open.
pub fn edit_file_path_ui(
    ctx: &egui::Context,
    lang: Lang,
    title: &str,
    hint: &str,
    save: bool,
    path: &mut String,
) -> Option<bool> {
    let browse: [(&str, Browse); 1] = [(
        lang.tr("Browse…"),
        if save { browse_save } else { browse_open },
    )];
    let answer = PathWindow {
        title,
        top: None,
        hint,
        field: lang.tr("File"),
        browse: &browse,
        ok: lang.tr("OK"),
        error: None,
    }
    .ui(ctx, lang, path);
    match answer {
        Answer::Ok => Some(true),
        Answer::Cancel => Some(false),
        Answer::None => None,
    }
}

/// "Save into a new folder…" (the embedded data's changes): `Some(true)` to save into the
/// typed folder, `Some(false)` cancelled, `None` still open.
pub fn save_folder_ui(ctx: &egui::Context, lang: Lang, path: &mut String) -> Option<bool> {
    let browse: [(&str, Browse); 1] = [(lang.tr("Browse…"), browse_folder)];
    let answer = PathWindow {
        title: lang.tr("Save into a new folder…"),
        top: None,
        hint: lang.tr("The embedded data cannot be changed: the data with your changes is saved as a new dataset folder (parks, counties, clusters, city-wide figures, land and the change log), used from then on. Open it later with Open data… or --data."),
        field: lang.tr("Folder"),
        browse: &browse,
        ok: lang.tr("Save"),
        error: None,
    }
    .ui(ctx, lang, path);
    match answer {
        Answer::Ok => Some(true),
        Answer::Cancel => Some(false),
        Answer::None => None,
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
        .add_filter("GeoPackage", &["gpkg"])
        .set_file_name("parks.geojson")
        .save_file()
}

fn browse_save_any() -> Option<PathBuf> {
    rfd::FileDialog::new().save_file()
}

fn browse_open() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .add_filter(
            "GeoJSON, GeoPackage, Shapefile",
            &["geojson", "json", "gpkg", "shp"],
        )
        .add_filter("GeoJSON", &["geojson", "json"])
        .add_filter("GeoPackage", &["gpkg"])
        .add_filter("Shapefile", &["shp"])
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

/// A small window with a path field (which always works; Enter submits) and buttons for the
/// system's file dialogs (where one is available), then OK / Cancel.
struct PathWindow<'a> {
    title: &'a str,
    top: Option<&'a str>,
    hint: &'a str,
    field: &'a str,
    browse: &'a [(&'a str, Browse)],
    ok: &'a str,
    error: Option<&'a str>,
}

impl PathWindow<'_> {
    fn ui(&self, ctx: &egui::Context, lang: Lang, path: &mut String) -> Answer {
        self.ui_with(ctx, lang, path, |_| {})
    }

    /// The window with `extra` controls under the path field.
    fn ui_with(
        &self,
        ctx: &egui::Context,
        lang: Lang,
        path: &mut String,
        extra: impl FnOnce(&mut egui::Ui),
    ) -> Answer {
        let mut answer = Answer::None;
        egui::Window::new(self.title)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                if let Some(t) = self.top {
                    ui.label(t);
                }
                ui.weak(self.hint);
                ui.horizontal(|ui| {
                    let label = ui.label(self.field);
                    let edit = ui
                        .add(egui::TextEdit::singleline(path).desired_width(340.0))
                        .labelled_by(label.id);
                    if edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                        answer = Answer::Ok;
                    }
                    for (text, pick) in self.browse {
                        if ui.button(*text).clicked()
                            && let Some(p) = pick()
                        {
                            *path = p.display().to_string();
                        }
                    }
                });
                extra(ui);
                ui.horizontal(|ui| {
                    if ui.button(self.ok).clicked() {
                        answer = Answer::Ok;
                    }
                    if ui.button(lang.tr("Cancel")).clicked() {
                        answer = Answer::Cancel;
                    }
                });
                if let Some(e) = self.error {
                    ui.colored_label(status_color(true), e);
                }
            });
        answer
    }
}

fn default_dir() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn default_export_path() -> String {
    default_dir()
        .join("park-atlas-selection.geojson")
        .display()
        .to_string()
}

/// The progress of a file being read in the background, with Cancel.
pub fn loading_ui(
    ctx: &egui::Context,
    lang: Lang,
    label: &str,
    progress: &crate::io::Progress,
    out: &mut Vec<Command>,
) {
    egui::Window::new(lang.tr("Loading…"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -40.0))
        .show(ctx, |ui| {
            ui.label(label);
            let (done, total) = progress.counts();
            let text = if total > 0 {
                format!("{done} / ~{total} {}", lang.tr("features"))
            } else {
                lang.tr("Reading the file…").to_owned()
            };
            ui.add(
                egui::ProgressBar::new(progress.fraction())
                    .desired_width(320.0)
                    .text(text),
            );
            if ui.button(lang.tr("Cancel")).clicked() {
                out.push(Command::CancelLoad);
            }
        });
}
