//! [`ParkAtlasApp::apply`]: the one place where the app's state changes in answer to what the
//! user did, and the actions behind it (open data, export, basemap, tile cache).

use std::path::Path;
use std::sync::Arc;

use geo::InteriorPoint;
use walkers::Position;

use super::ParkAtlasApp;
use crate::command::{Command, Dialog, Picture};
use crate::io;
use crate::map::tiles::{TileCache, TileSource};
use crate::model::{Atlas, Park};
use crate::spatial::SpatialIndex;
use crate::ui::Status;
use crate::ui::dialogs::ProblemsWindow;

impl ParkAtlasApp {
    /// Applies one command.
    pub fn apply(&mut self, command: Command, ctx: &egui::Context) {
        let lang = self.state.lang;
        if self.apply_edit(&command, ctx) {
            return;
        }
        match command {
            Command::Select(id) => self.state.selection.select_only(&id),
            Command::Toggle(id) => self.state.selection.toggle(&id),
            Command::AddToSelection(ids) => {
                self.state.selection.extend(ids.iter().map(String::as_str));
            }
            Command::SelectAndFly(id) => {
                self.state.selection.select_only(&id);
                if let Some(pos) = self
                    .atlas
                    .park(&id)
                    .and_then(|p| p.geometry.as_ref())
                    .and_then(|g| g.interior_point())
                {
                    self.map.fly_to(Position::new(pos.x(), pos.y()), 10.5);
                }
            }
            Command::ClearSelection => self.state.selection.clear(),
            Command::Identify(i) => self.identified = i,
            Command::SelectAllShown => {
                let atlas = &self.atlas;
                let ids = self
                    .shown
                    .list
                    .iter()
                    .filter_map(|&i| atlas.parks.get(i))
                    .map(|p| p.id.as_str());
                self.state.selection.extend(ids);
            }
            Command::SetFilter(f) => self.state.filter = f,
            Command::FitCity => self.map.fit_city(),
            Command::ZoomToSelection => {
                if let Some(b) = self.selection_bounds() {
                    self.map.fit_to(b);
                }
            }
            Command::ZoomIn => {
                let _ = self.map.memory.zoom_in();
            }
            Command::ZoomOut => {
                let _ = self.map.memory.zoom_out();
            }
            Command::SetLang(l) => self.state.lang = l,
            Command::Show(Dialog::Export) if self.state.selection.is_empty() => {
                self.status = Some(Status::error(
                    lang.tr("Select parks first (click on the map or use “Select all shown”)."),
                ));
            }
            Command::Show(d) => self.dialogs.show(d, self.state.basemap.as_ref()),
            Command::Close(d) => self.dialogs.close(d),
            Command::CloseDialogs => self.dialogs = Default::default(),
            Command::ExportTo(p) if p.as_os_str().is_empty() => {
                if let Some(d) = &mut self.dialogs.export {
                    d.error = Some(lang.tr("Name a file or folder first.").to_owned());
                }
            }
            Command::ExportTo(p) => self.export(&p, ctx),
            Command::SaveMapImage(p, picture) => self.save_map_image(&p, picture, ctx),
            Command::SaveBrief(p) => self.save_brief(&p, ctx),
            Command::OpenPath(p) if p.as_os_str().is_empty() => {
                self.status = Some(Status::error(lang.tr("Name a file or folder first.")));
            }
            Command::OpenPath(p) => {
                self.dialogs.open = None;
                self.start_open(p, ctx);
            }
            Command::OpenPathAs(p, options) => {
                self.dialogs.open = None;
                let how = super::OpenHow {
                    options,
                    ..Default::default()
                };
                self.start_open_how(p, how, ctx);
            }
            Command::CancelLoad => {
                if let Some(job) = &self.loading {
                    job.progress.cancel();
                }
            }
            Command::SetBasemap(source) => self.set_basemap(source, ctx),
            Command::ClearTileCache => self.clear_tile_cache(ctx),
            Command::SetLayerStyle(i, style) => {
                if let Some(l) = Arc::make_mut(&mut self.atlas).layers.get_mut(i) {
                    l.style = style;
                }
            }
            Command::ZoomToLayer(i) => {
                if let Some(b) = self.layer_bounds(i) {
                    self.map.fit_to(b);
                }
            }
            Command::MoveLayer(i, up) => Arc::make_mut(&mut self.atlas).move_layer(i, up),
            Command::ShowFeature(i) => {
                self.identified = Some(i);
                let point = self
                    .atlas
                    .others
                    .geometry(i)
                    .and_then(|g| g.interior_point());
                if let Some(p) = point {
                    self.map.fly_to(Position::new(p.x(), p.y()), 12.0);
                }
            }
            Command::ToggleTable => self.state.table_open = !self.state.table_open,
            Command::ToggleLegend => self.state.legend_collapsed = !self.state.legend_collapsed,
            Command::SetChoropleth(spec) => self.state.choropleth = spec,
            // Edit mode's commands (handled by `apply_edit` above).
            Command::ToggleEditing
            | Command::Edit(_)
            | Command::EditRefused(_)
            | Command::Undo
            | Command::Redo
            | Command::SaveEdits
            | Command::ResolveConflict(..)
            | Command::SaveEditsTo(_)
            | Command::DiscardEdits
            | Command::RestoreJournal(_)
            | Command::CloseWithoutSaving
            | Command::CancelClose
            | Command::AskEditFile(_)
            | Command::EditFile(..)
            | Command::ConfirmImport(..)
            | Command::MovePark(..)
            | Command::DrawOutline(_)
            | Command::SetOutline(..)
            | Command::ReshapeOutline(..)
            | Command::PickPoint(_)
            | Command::PickedPoint(..) => {}
            Command::Measure(kind) => {
                self.map.measure = kind.map(crate::measure::Measurement::new);
            }
            Command::RemoveLayer(i) => {
                if Arc::make_mut(&mut self.atlas).remove_layer(i).is_some() {
                    self.index = SpatialIndex::build(&self.atlas);
                    self.generation += 1;
                    self.identified = None;
                }
            }
        }
    }

    /// The box around a layer's features.
    /// The box around the selected parks, at least about 5 km across (one point would
    /// otherwise zoom in to the street).
    fn selection_bounds(&self) -> Option<geo::Rect<f64>> {
        let geoms = self
            .state
            .selection
            .ids()
            .filter_map(|id| self.atlas.park(id))
            .filter_map(|p| p.geometry.as_ref());
        let b = crate::map::projection::bounds_of(geoms)?;
        let (c, half) = (b.center(), 0.025);
        let (w, h) = ((b.width() / 2.0).max(half), (b.height() / 2.0).max(half));
        Some(geo::Rect::new((c.x - w, c.y - h), (c.x + w, c.y + h)))
    }

    fn layer_bounds(&self, i: usize) -> Option<geo::Rect<f64>> {
        let layer = self.atlas.layers.get(i)?;
        let [x0, y0, x1, y1] = self.atlas.others.bounds(layer.features.clone())?;
        Some(geo::Rect::new((x0, y0), (x1, y1)))
    }

    /// Replaces the data on screen (new index, new generation, selection kept where the ids
    /// still exist, view fitted to the new data when `fit`).
    fn set_atlas(&mut self, atlas: Atlas, fit: bool, index: Option<SpatialIndex>) {
        self.index = index.unwrap_or_else(|| SpatialIndex::build(&atlas));
        self.atlas = Arc::new(atlas);
        self.generation += 1;
        self.state.selection.retain_known(&self.atlas);
        self.identified = None;
        self.map.hovered = None;
        if fit {
            self.map.fit_city();
        }
    }

    /// Starts reading a file or folder on a worker thread; the window keeps drawing and shows
    /// the progress (with Cancel). A second open while one runs replaces it.
    pub fn start_open(&mut self, path: std::path::PathBuf, ctx: &egui::Context) {
        self.start_open_how(path, super::OpenHow::default(), ctx);
    }

    pub(super) fn start_open_how(
        &mut self,
        path: std::path::PathBuf,
        how: super::OpenHow,
        ctx: &egui::Context,
    ) {
        let mut how = how;
        if crate::store::layers::LayerAddress::is_table(&path) {
            // Read for the view: once the map has drawn a frame.
            if self.map.last.is_none() {
                self.queued.push_front((path, how));
                ctx.request_repaint_after(std::time::Duration::from_millis(50));
                return;
            }
            how.fit = false;
            // A table is read for the view (with a margin), through its spatial index.
            let view = self.map.last.map(|f| f.geo_bounds());
            how.options.bbox = view.map(|r| {
                let (w, h) = (r.width() * 0.5, r.height() * 0.5);
                [r.min().x - w, r.min().y - h, r.max().x + w, r.max().y + h]
            });
            if let Some(b) = how.options.bbox {
                self.table_boxes.insert(path.clone(), b);
            }
        }
        if let Some(old) = self.loading.take() {
            old.progress.cancel();
        }
        let progress = std::sync::Arc::new(io::Progress::default());
        let (tx, rx) = std::sync::mpsc::channel();
        // The data on screen, shared with the reader (no copy).
        let base = Arc::clone(&self.atlas);
        let (p, job_path, repaint) = (progress.clone(), path.clone(), ctx.clone());
        let options = how.options.clone();
        std::thread::spawn(move || {
            let t0 = std::time::Instant::now();
            let result = io::dataset::open_path_with_options(&base, &job_path, &p, &options);
            let read = t0.elapsed();
            // The index too, off the window's thread (a million features take a second).
            let index = result
                .as_ref()
                .ok()
                .filter(|_| !crate::store::layers::LayerAddress::is_table(&job_path))
                .map(|l| SpatialIndex::build(&l.atlas));
            if std::env::var_os("PARK_ATLAS_TIMING").is_some() {
                eprintln!(
                    "park-atlas: {} read in {} ms, indexed in {} ms",
                    job_path.display(),
                    read.as_millis(),
                    (t0.elapsed() - read).as_millis()
                );
            }
            let _ = tx.send((result, index));
            repaint.request_repaint();
        });
        self.loading = Some(super::LoadJob {
            path,
            progress,
            result: rx,
            how,
        });
        ctx.request_repaint();
    }

    /// Takes the result of a background read when it is there.
    pub(super) fn poll_loading(&mut self, ctx: &egui::Context) {
        if self.loading.is_none()
            && let Some((path, how)) = self.queued.pop_front()
        {
            self.start_open_how(path, how, ctx);
        }
        let Some(job) = &self.loading else {
            return;
        };
        match job.result.try_recv() {
            Ok((result, index)) => {
                let (path, cancelled, how) = (
                    job.path.clone(),
                    job.progress.is_cancelled(),
                    job.how.clone(),
                );
                self.loading = None;
                if cancelled {
                    let lang = self.state.lang;
                    self.status = Some(Status::error(format!(
                        "{}: {}",
                        path.display(),
                        lang.tr("Loading cancelled; the data on screen was kept.")
                    )));
                } else {
                    self.finish_open(&path, result, how, index);
                }
                ctx.request_repaint();
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => self.loading = None,
        }
    }

    /// Loads a file or folder on this thread (the command line and tests); on any error the
    /// data on screen stays and the problems are listed.
    pub fn open(&mut self, path: &Path) {
        let result = io::open_path(&self.atlas, path);
        self.finish_open(path, result, super::OpenHow::default(), None);
    }

    /// Shows what was opened, or why not.
    fn finish_open(
        &mut self,
        path: &Path,
        result: Result<io::Loaded, Vec<io::Problem>>,
        how: super::OpenHow,
        mut index: Option<SpatialIndex>,
    ) {
        let label = path.display().to_string();
        let lang = self.state.lang;
        match result {
            Ok(mut loaded) => {
                // A table's features go onto the data as it is now (the store's parks may have
                // arrived while they were read).
                if crate::store::layers::LayerAddress::is_table(path)
                    && let Some(l) = loaded
                        .atlas
                        .layers
                        .iter()
                        .find(|l| l.path.as_deref() == Some(path))
                        .cloned()
                {
                    let features = loaded.atlas.others.slice(l.features.clone());
                    let mut atlas = (*self.atlas).clone();
                    atlas.add_layer(l.name, l.path, features);
                    loaded.atlas = atlas;
                    index = None;
                }
                let layer = (!path.is_dir())
                    .then(|| {
                        let a = &loaded.atlas;
                        a.layers
                            .iter()
                            .position(|l| l.path.as_deref() == Some(path))
                    })
                    .flatten();
                if let (Some(i), Some(style)) = (layer, how.style)
                    && let Some(l) = loaded.atlas.layers.get_mut(i)
                {
                    l.style = style;
                }
                if layer.is_some() {
                    if how.options == io::formats::ReadOptions::default() {
                        self.layer_options.remove(path);
                    } else {
                        self.layer_options
                            .insert(path.to_path_buf(), how.options.clone());
                    }
                }
                let others = layer
                    .and_then(|i| loaded.atlas.layers.get(i))
                    .map_or(0, |l| l.len());
                let replaces_parks = path.is_dir()
                    || loaded.atlas.parks.len() != self.atlas.parks.len()
                    || loaded
                        .atlas
                        .parks
                        .iter()
                        .zip(&self.atlas.parks)
                        .any(|(a, b)| a.id != b.id);
                let parks = loaded.atlas.parks.len();
                if path.is_dir() {
                    self.edit.data_dir = Some(path.to_path_buf());
                    self.edit.reload_history();
                }
                self.set_atlas(
                    loaded.atlas,
                    how.fit && replaces_parks && layer.is_none(),
                    index,
                );
                if how.fit
                    && let Some(b) = layer.and_then(|i| self.layer_bounds(i))
                {
                    self.map.fit_to(b);
                }
                let mut text = format!("{label}: {parks} {}", lang.tr("parks"));
                if others > 0 {
                    text.push_str(&format!(", {others} {}", lang.tr("other features")));
                }
                // What was found about the coordinates and done, where anything was.
                if let Some(crs) = loaded.warnings.iter().find(|p| {
                    p.msg.template.starts_with("coordinates in ")
                        || p.msg.template.starts_with("coordinates declared as ")
                }) {
                    text.push_str(" · ");
                    text.push_str(&crs.msg.text(lang.is_zh()));
                }
                // Layers read again from the last run are no news (and must not hide the
                // report of those that are gone).
                if how.style.is_none() {
                    self.status = Some(Status::info(text));
                }
                self.dialogs.problems = (!loaded.warnings.is_empty()).then(|| ProblemsWindow {
                    problems: loaded.warnings.clone(),
                    kept: false,
                });
            }
            Err(problems) => {
                let errors = problems.iter().filter(|p| p.is_error()).count();
                self.status = Some(Status::error(format!(
                    "{label}: {errors} {}",
                    lang.tr("error(s)")
                )));
                self.dialogs.problems = Some(ProblemsWindow {
                    problems: problems.clone(),
                    kept: true,
                });
            }
        }
    }

    /// Shows a tile source under the parks, or only the built-in basemap. A source that cannot
    /// be used is reported (in its dialog when one is open) and the basemap on screen stays.
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
                self.dialogs.xyz = None;
                self.dialogs.tiles = None;
            }
            Err(e) => match &mut self.dialogs.tiles {
                Some(d) => d.error = Some(e.to_string()),
                None => self.status = Some(Status::error(e.to_string())),
            },
        }
    }

    /// Exports the selected parks. Success closes the export dialog and reports the files in
    /// the status line; a failure is shown in the dialog (or the status line).
    pub fn export(&mut self, path: &Path, ctx: &egui::Context) {
        let lang = self.state.lang;
        let parks = self.state.selection.parks(&self.atlas);
        if parks.len() > super::BACKGROUND_EXPORT_PARKS {
            let idx: Vec<usize> = parks
                .iter()
                .filter_map(|p| self.atlas.park_index(&p.id))
                .collect();
            let running = format!(
                "{} {} {} → {}…",
                lang.tr("Exporting"),
                parks.len(),
                lang.tr("parks"),
                path.display()
            );
            let job_path = path.to_owned();
            self.spawn_output(ctx, path, running, true, move |atlas| {
                let parks: Vec<&Park> = idx.iter().filter_map(|&i| atlas.parks.get(i)).collect();
                io::export_parks(atlas, &parks, &job_path)
                    .map(super::Written::Export)
                    .map_err(|e| e.to_string())
            });
            return;
        }
        let result = io::export_parks(&self.atlas, &parks, path).map_err(|e| e.to_string());
        self.finish_export(result);
    }

    /// Runs `work` on a worker thread with the data on screen (shared, not copied): the window
    /// keeps drawing, the status line says `running` beside a spinner, and the outcome is taken
    /// by [`Self::poll_export`] (`export`: parks, else a picture or brief, for the wording). One at a time: another while one runs is refused with a reason.
    fn spawn_output(
        &mut self,
        ctx: &egui::Context,
        path: &Path,
        running: String,
        export: bool,
        work: impl FnOnce(&Atlas) -> Result<super::Written, String> + Send + 'static,
    ) {
        if self.exporting.is_some() {
            let lang = self.state.lang;
            self.status = Some(Status::error(
                lang.tr("An export is still being written; try again when it is done."),
            ));
            return;
        }
        let (atlas, (tx, rx)) = (Arc::clone(&self.atlas), std::sync::mpsc::channel());
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(work(&atlas));
            repaint.request_repaint();
        });
        self.status = Some(Status::info(running));
        self.exporting = Some(super::ExportJob {
            path: path.to_owned(),
            export,
            result: rx,
        });
        self.dialogs.export = None;
        self.dialogs.save = None;
    }

    /// Says what an export wrote (and closes its dialog), or why it failed (in its dialog when
    /// that is still open).
    fn finish_export(&mut self, result: Result<io::ExportReport, String>) {
        let lang = self.state.lang;
        match result {
            Ok(report) => {
                let files: Vec<String> = report
                    .files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect();
                self.status = Some(Status::info(format!(
                    "{} {} ({} {})",
                    lang.tr("Wrote"),
                    files.join(", "),
                    report.parks,
                    lang.tr("parks")
                )));
                self.last_export = Some(report);
                self.dialogs.export = None;
            }
            Err(e) => {
                let text = format!("{}: {e}", lang.tr("Export failed"));
                match &mut self.dialogs.export {
                    Some(d) => d.error = Some(text),
                    None => self.status = Some(Status::error(text)),
                }
            }
        }
    }

    /// Takes the outcome of a background export when it is there.
    pub(super) fn poll_export(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.exporting else {
            return;
        };
        match job.result.try_recv() {
            Ok(Ok(super::Written::Export(report))) => {
                self.exporting = None;
                self.finish_export(Ok(report));
            }
            Ok(Ok(super::Written::File(path))) => {
                self.exporting = None;
                self.write_saved(&path, Ok(()));
            }
            Ok(Err(e)) => {
                let export = job.export;
                self.exporting = None;
                if export {
                    self.finish_export(Err(e));
                } else {
                    self.save_failed(e);
                }
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                let path = job.path.display().to_string();
                self.exporting = None;
                self.finish_export(Err(format!("{path}: the export stopped")));
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
            Ok(()) => Status::info(lang.tr("Tile cache cleared")),
            Err(e) => Status::error(format!("{}: {e}", cache.dir.display())),
        };
        // Start the layer afresh so that its tiles are fetched again.
        self.set_basemap(self.state.basemap.clone(), ctx);
        self.status = Some(status);
    }
}

impl ParkAtlasApp {
    /// Title of a picture or brief: the selection's size, or what is shown.
    fn picture_title(&self, n: usize) -> String {
        if self.state.lang.is_zh() {
            format!("湛江产业园区 · {n} 个园区")
        } else {
            format!("Zhanjiang industrial parks · {n} parks")
        }
    }

    /// The parks a picture highlights: the selection, else the parks shown.
    fn picture_parks(&self) -> Vec<usize> {
        if self.state.selection.is_empty() {
            self.shown.list.clone()
        } else {
            self.state
                .selection
                .ids()
                .filter_map(|id| self.atlas.park_index(id))
                .collect()
        }
    }

    fn save_failed(&mut self, message: String) {
        match &mut self.dialogs.save {
            Some(d) => d.error = Some(message),
            None => self.status = Some(Status::error(message)),
        }
    }

    /// Saves the current view as PNG (at a multiple of the map's size on screen) or SVG, on a
    /// worker thread.
    fn save_map_image(&mut self, path: &Path, picture: Picture, ctx: &egui::Context) {
        let lang = self.state.lang;
        if path.as_os_str().is_empty() {
            return self.save_failed(lang.tr("Name a file or folder first.").to_owned());
        }
        let Some(frame) = self.map.last else {
            return;
        };
        let chosen = self.picture_parks();
        let options = crate::render::MapOptions {
            width: f64::from(frame.rect.width())
                * match picture {
                    Picture::Png(scale) => f64::from(scale.max(1)),
                    Picture::Svg | Picture::SvgOutlined => 1.0,
                },
            chinese: lang.is_zh(),
            title: self.picture_title(chosen.len()),
            bounds: Some(frame.geo_bounds()),
        };
        let running = format!("{} {}…", lang.tr("Saving"), path.display());
        let job_path = path.to_owned();
        self.spawn_output(ctx, path, running, false, move |atlas| {
            let (svg, _) = crate::render::map_svg(atlas, &chosen, &options);
            let bytes = match picture {
                Picture::Svg => Ok(svg.into_bytes()),
                Picture::SvgOutlined => crate::render::svg_outlined(&svg)
                    .map(String::into_bytes)
                    .map_err(|e| e.to_string()),
                Picture::Png(_) => crate::render::png_from_svg(&svg, options.width as u32)
                    .map_err(|e| e.to_string()),
            };
            write_file(&job_path, bytes)
        });
    }

    /// Says that a picture or brief was written, or why not (in its dialog while it is open).
    fn write_saved(&mut self, path: &Path, written: Result<(), String>) {
        let lang = self.state.lang;
        match written {
            Ok(()) => {
                self.dialogs.save = None;
                self.status = Some(Status::info(format!(
                    "{}: {}",
                    lang.tr("Saved"),
                    path.display()
                )));
            }
            Err(e) => self.save_failed(e),
        }
    }

    /// Saves a PDF brief of the selected parks, on a worker thread.
    fn save_brief(&mut self, path: &Path, ctx: &egui::Context) {
        let lang = self.state.lang;
        if path.as_os_str().is_empty() {
            return self.save_failed(lang.tr("Name a file or folder first.").to_owned());
        }
        let chosen = self.picture_parks();
        let options = crate::render::brief::BriefOptions {
            chinese: lang.is_zh(),
            title: self.picture_title(chosen.len()),
            date: crate::render::brief::today(),
        };
        let running = format!("{} {}…", lang.tr("Saving"), path.display());
        let job_path = path.to_owned();
        self.spawn_output(ctx, path, running, false, move |atlas| {
            let bytes = crate::render::brief::brief_pdf(atlas, &chosen, &options)
                .map_err(|e| e.to_string());
            write_file(&job_path, bytes)
        });
    }
}

/// Writes a picture or brief atomically (on the worker thread).
fn write_file(path: &Path, bytes: Result<Vec<u8>, String>) -> Result<super::Written, String> {
    let bytes = bytes?;
    io::atomic::write_atomic(path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(super::Written::File(path.to_owned()))
}
