//! Edit mode in the window: the session of pending changes (the library's
//! [`crate::changes::session::Session`]), its journal, saving into the dataset folder, and the
//! question asked when the window closes with pending changes.

use std::path::PathBuf;
use std::sync::Arc;

use crate::changes::session::{Journal, Session};
use crate::command::Command;
use crate::ui::Status;

/// Edit mode's state.
#[derive(Debug, Default)]
pub struct EditState {
    /// The pending changes, while edit mode is on.
    pub session: Option<Session>,
    /// The dataset folder the data came from (`None`: the embedded data).
    pub data_dir: Option<PathBuf>,
    /// Where pending changes are journaled (`None`: not journaled, as in tests).
    pub journal: Option<PathBuf>,
    /// Changes journaled when Park Atlas last stopped, offered back.
    pub offered: Option<Journal>,
    /// Why the last change was refused.
    pub error: Option<String>,
    /// The forms' text.
    pub form: crate::ui::edit::EditForm,
    /// The "save into a new folder" dialog's path, while it is open.
    pub save_to: Option<String>,
    /// The window was asked to close with pending changes.
    pub close_asked: bool,
    /// The user chose to close without saving, or saved from the close question.
    pub close_anyway: bool,
    /// Saved from the close question: close the window on the next frame.
    pub(super) close_now: bool,
    /// The dataset folder's change log, shown as each park's history.
    pub history: Vec<crate::changes::LogEntry>,
    /// A file action waiting for its file: which, and the path typed so far.
    pub asking: Option<(crate::command::EditFile, String)>,
    /// A signing list being imported: its rows, and those still to confirm.
    pub import: Option<(crate::changes::import::ImportPlan, Vec<usize>)>,
    /// The team store's address (no password) when the data comes from one.
    pub store_shown: Option<String>,
    /// A save's conflicts, waiting for the user's choice.
    pub conflicts: Vec<crate::changes::Conflict>,
}

impl EditState {
    /// Whether anything is pending.
    pub fn is_dirty(&self) -> bool {
        self.session.as_ref().is_some_and(Session::is_dirty)
    }

    /// The journal's default place: the user's data folder.
    pub fn default_journal() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "park-atlas")
            .map(|d| d.data_dir().join("pending-changes.json"))
    }

    /// Reads the dataset folder's change log again (none for the embedded data).
    pub fn reload_history(&mut self) {
        self.history = self
            .data_dir
            .as_deref()
            .map(|d| crate::changes::dataset::read_log(d).0)
            .unwrap_or_default();
    }

    /// Looks for changes journaled for this data and offers them back.
    pub fn find_journal(&mut self) {
        let found = self.journal.as_deref().and_then(Journal::read);
        let data = self.journal_data();
        self.offered = found.filter(|j| j.data == data && !j.changes.is_empty());
    }

    /// What the journal names as the data its changes were made on: the folder, or the team
    /// store's address (without a password).
    pub fn journal_data(&self) -> Option<PathBuf> {
        self.data_dir
            .clone()
            .or_else(|| self.store_shown.as_ref().map(PathBuf::from))
    }
}

impl super::ParkAtlasApp {
    /// Handles edit mode's commands; `false` for any other command.
    pub(super) fn apply_edit(&mut self, command: &Command, ctx: &egui::Context) -> bool {
        let lang = self.state.lang;
        match command {
            Command::ToggleEditing => {
                let refused = self
                    .store
                    .as_ref()
                    .and_then(|l| super::team::store_status(l, lang).edit_refused);
                if let Some(why) = refused.filter(|_| self.edit.session.is_none()) {
                    self.status = Some(Status::error(why));
                } else if self.edit.is_dirty() {
                    self.status = Some(Status::error(
                        lang.tr("Save or discard the pending changes first."),
                    ));
                } else if self.edit.session.take().is_none() {
                    self.edit.session = Some(Session::new((*self.atlas).clone()));
                    self.edit.error = None;
                }
            }
            Command::Edit(change) => {
                let Some(session) = &mut self.edit.session else {
                    return true;
                };
                match session.push(change.clone()) {
                    Ok(()) => {
                        self.edit.error = None;
                        self.show_session();
                    }
                    Err(refused) => {
                        let zh = lang.is_zh();
                        let text: Vec<String> = refused
                            .all("edit")
                            .iter()
                            .map(|p| format!("{}: {}", p.field, p.msg.text(zh)))
                            .collect();
                        self.edit.error = Some(text.join("\n"));
                    }
                }
            }
            Command::EditRefused(why) => self.edit.error = Some(why.clone()),
            Command::Undo | Command::Redo => {
                if let Some(s) = &mut self.edit.session {
                    let done = if *command == Command::Undo {
                        s.undo()
                    } else {
                        s.redo()
                    };
                    if done {
                        self.edit.error = None;
                        self.show_session();
                    }
                }
            }
            Command::DiscardEdits => {
                if let Some(s) = &mut self.edit.session {
                    s.discard();
                    self.show_session();
                }
            }
            Command::SaveEdits if self.store.is_some() => self.save_to_store(),
            Command::ResolveConflict(n, choice) => self.resolve_conflict(*n, *choice),
            Command::SaveEdits => match self.edit.data_dir.clone() {
                Some(dir) => self.save_edits(dir),
                None if self.edit.is_dirty() => self.edit.save_to = Some(String::new()),
                None => {}
            },
            Command::SaveEditsTo(dir) => {
                self.edit.save_to = None;
                let files = crate::io::DatasetFiles::embedded();
                match crate::changes::dataset::copy_dataset(&files, dir) {
                    Ok(()) => {
                        self.edit.data_dir = Some(dir.clone());
                        self.save_edits(dir.clone());
                    }
                    Err(e) => {
                        self.status = Some(Status::error(format!(
                            "{}: {}",
                            lang.tr("Not saved"),
                            e.problems("")
                                .iter()
                                .map(|p| p.text(lang.is_zh()))
                                .collect::<Vec<_>>()
                                .join("; ")
                        )));
                    }
                }
            }
            Command::RestoreJournal(take) => {
                if let Some(j) = self.edit.offered.take() {
                    if *take {
                        let mut session = Session::new((*self.atlas).clone());
                        let refused = session.restore(j.changes);
                        self.edit.session = Some(session);
                        self.show_session();
                        self.status = Some(Status::info(format!(
                            "{} ({} {refused})",
                            lang.tr("Pending changes restored"),
                            lang.tr("no longer applicable:")
                        )));
                    } else if let Some(path) = &self.edit.journal {
                        let _ = std::fs::remove_file(path);
                    }
                }
            }
            Command::CloseWithoutSaving => {
                self.edit.close_asked = false;
                self.edit.close_anyway = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Command::CancelClose => self.edit.close_asked = false,
            Command::MovePark(id, lon, lat) => {
                let to = serde_json::json!({"type": "Point", "coordinates": [lon, lat]});
                self.geometry_change(id, to);
            }
            Command::DrawOutline(id) => {
                self.map.outline = id.clone().map(|id| {
                    (
                        id,
                        crate::measure::Measurement::new(crate::measure::MeasureKind::Area),
                    )
                });
            }
            Command::ReshapeOutline(id, corners) => {
                let mut ring: Vec<[f64; 2]> = corners.iter().map(|&(x, y)| [x, y]).collect();
                if let Some(first) = ring.first().copied() {
                    ring.push(first);
                }
                // The holes stay as they are.
                let holes: Vec<Vec<[f64; 2]>> =
                    match self.atlas.park(id).and_then(|p| p.geometry.as_ref()) {
                        Some(geo::Geometry::Polygon(p)) => p
                            .interiors()
                            .iter()
                            .map(|r| r.0.iter().map(|c| [c.x, c.y]).collect())
                            .collect(),
                        _ => Vec::new(),
                    };
                let rings: Vec<Vec<[f64; 2]>> = std::iter::once(ring).chain(holes).collect();
                let to = serde_json::json!({"type": "Polygon", "coordinates": rings});
                self.geometry_change(id, to);
            }
            Command::SetOutline(id, corners) => {
                let mut ring: Vec<[f64; 2]> = corners.iter().map(|&(x, y)| [x, y]).collect();
                if let Some(first) = ring.first().copied() {
                    ring.push(first);
                }
                let to = serde_json::json!({"type": "Polygon", "coordinates": [ring]});
                self.geometry_change(id, to);
            }
            Command::PickPoint(on) => self.map.picking = *on,
            Command::PickedPoint(lon, lat) => {
                self.edit.form.records.new_park[3] = format!("{lon:.6}");
                self.edit.form.records.new_park[4] = format!("{lat:.6}");
            }
            Command::AskEditFile(kind) => self.edit.asking = Some((*kind, String::new())),
            Command::EditFile(kind, path) => {
                self.edit.asking = None;
                self.edit_file(*kind, path);
            }
            Command::ConfirmImport(row, park) => {
                let mut add = None;
                if let Some((plan, rows)) = &mut self.edit.import {
                    rows.retain(|r| r != row);
                    if let (Some(id), Some(r)) = (park, plan.rows.get(*row)) {
                        add = Some(plan.add(r, id));
                    }
                    if rows.is_empty() {
                        self.edit.import = None;
                    }
                }
                if let Some(change) = add {
                    self.commands.push(Command::Edit(change));
                }
            }
            _ => return false,
        }
        true
    }

    /// Gives park `id` the geometry `to` (GeoJSON): a change citing the form's source (or the
    /// park's first source when the form is for another park).
    fn geometry_change(&mut self, id: &str, to: serde_json::Value) {
        let lang = self.state.lang;
        let Some(p) = self.atlas.park(id) else {
            return;
        };
        let source = if self.edit.form.park == id {
            self.edit.form.source_ref(lang)
        } else {
            p.sources
                .keys()
                .next()
                .cloned()
                .map(crate::changes::SourceRef::Id)
                .ok_or_else(|| lang.tr("Every change cites a source: choose one of the park's, or give the new source a title or an outlet.").to_owned())
        };
        let from = p
            .geometry
            .as_ref()
            .and_then(|g| crate::io::export::geometry_value(g).ok())
            .unwrap_or(serde_json::Value::Null);
        match source {
            Ok(source) => self
                .commands
                .push(Command::Edit(crate::changes::Change::SetGeometry {
                    park: id.to_owned(),
                    from,
                    to,
                    source: Some(source),
                })),
            Err(why) => self.edit.error = Some(why),
        }
    }

    /// Edit mode's file actions: write the pending changes as a change set, make a change
    /// set's changes, import a signing list.
    fn edit_file(&mut self, kind: crate::command::EditFile, path: &std::path::Path) {
        use crate::command::EditFile;
        let lang = self.state.lang;
        let zh = lang.is_zh();
        let Some(session) = &mut self.edit.session else {
            return;
        };
        let say = |problems: &[crate::io::Problem]| {
            problems
                .iter()
                .map(|p| p.text(zh))
                .collect::<Vec<_>>()
                .join("\n")
        };
        match kind {
            EditFile::SaveChangeSet => {
                let text = serde_json::to_vec_pretty(&session.change_set()).unwrap_or_default();
                self.status = Some(match crate::io::atomic::write_atomic(path, &text) {
                    Ok(()) => Status::info(format!(
                        "{} {}",
                        lang.tr("Change set written:"),
                        path.display()
                    )),
                    Err(e) => Status::error(format!("{}: {e}", path.display())),
                });
            }
            EditFile::ApplyChangeSet => {
                let label = path.display().to_string();
                let set = std::fs::read(path)
                    .map_err(|e| crate::changes::dataset::ApplyError::BadChangeSet(e.to_string()))
                    .and_then(|b| crate::changes::dataset::parse(&b));
                match set {
                    Err(e) => self.edit.error = Some(say(&e.problems(&label))),
                    Ok(set) => {
                        // All or nothing, as on the command line: checked as one set first.
                        match crate::changes::apply(session.current(), &set, &label) {
                            Err(refused) => self.edit.error = Some(say(&refused.all(&label))),
                            Ok(_) => {
                                for c in set.changes {
                                    let _ = session.push(c);
                                }
                                self.edit.error = None;
                                self.show_session();
                            }
                        }
                    }
                }
            }
            EditFile::ImportProjects => {
                let options = crate::changes::import::ImportOptions::default();
                match crate::changes::import::plan_import(session.current(), path, &options) {
                    Err(problems) => self.edit.error = Some(say(&problems)),
                    Ok(plan) => {
                        let exact = plan.changes();
                        let n = exact.changes.len();
                        for c in exact.changes {
                            let _ = session.push(c);
                        }
                        let ask: Vec<usize> = plan
                            .rows
                            .iter()
                            .enumerate()
                            .filter(|(_, r)| {
                                matches!(r.park, crate::changes::import::ParkMatch::Candidates(_))
                            })
                            .map(|(i, _)| i)
                            .collect();
                        let skipped = plan.rows.iter().filter(|r| r.duplicate).count();
                        self.status = Some(Status::info(format!(
                            "{} {n} · {} {skipped} · {} {}",
                            lang.tr("Projects imported as pending changes:"),
                            lang.tr("already there:"),
                            lang.tr("to confirm:"),
                            ask.len()
                        )));
                        self.edit.import = (!ask.is_empty()).then_some((plan, ask));
                        self.show_session();
                    }
                }
            }
        }
    }

    /// Shows the session's current data and journals its pending changes.
    fn show_session(&mut self) {
        let Some(s) = &self.edit.session else {
            return;
        };
        let atlas = s.current().clone();
        self.set_atlas_keep_view(atlas);
        self.write_journal();
    }

    /// Journals the pending changes (or that none are left).
    pub(super) fn write_journal(&mut self) {
        let Some(s) = &self.edit.session else {
            return;
        };
        let journal = Journal {
            data: self.edit.journal_data(),
            changes: s.pending().to_vec(),
        };
        if let Some(path) = &self.edit.journal
            && let Err(e) = journal.write(path)
        {
            self.status = Some(Status::error(format!(
                "{} {}: {e}",
                self.state.lang.tr("Cannot journal the pending changes in"),
                path.display()
            )));
        }
    }

    /// Replaces the data on screen after an edit: the view and the selection stay.
    pub(super) fn set_atlas_keep_view(&mut self, atlas: crate::model::Atlas) {
        self.index = crate::spatial::SpatialIndex::build(&atlas);
        self.atlas = Arc::new(atlas);
        self.generation += 1;
        self.state.selection.retain_known(&self.atlas);
    }

    fn save_edits(&mut self, dir: PathBuf) {
        let lang = self.state.lang;
        let Some(s) = &mut self.edit.session else {
            return;
        };
        let n = s.pending().len();
        match s.save(&dir) {
            Ok(()) => {
                self.status = Some(Status::info(format!(
                    "{} {n} → {}",
                    lang.tr("Saved changes:"),
                    dir.display()
                )));
                self.edit.reload_history();
                self.show_session();
                // Saved from the close question: the window closes, as asked.
                if self.edit.close_asked {
                    self.edit.close_asked = false;
                    self.edit.close_anyway = true;
                    self.edit.close_now = true;
                }
            }
            Err(e) => {
                let text: Vec<String> = e
                    .problems("edit")
                    .iter()
                    .map(|p| p.text(lang.is_zh()))
                    .collect();
                self.status = Some(Status::error(format!(
                    "{}: {}",
                    lang.tr("Not saved"),
                    text.join("; ")
                )));
            }
        }
    }

    /// Edit mode's windows and keys, drawn after the panels.
    pub(super) fn edit_ui(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let lang = self.state.lang;
        let mut out = Vec::new();
        if let Some(j) = &self.edit.offered {
            crate::ui::edit::journal_ui(ctx, j.changes.len(), lang, &mut out);
        }
        // Closing with pending changes asks first (the journal keeps them either way).
        if ctx.input(|i| i.viewport().close_requested())
            && self.edit.is_dirty()
            && !self.edit.close_anyway
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.edit.close_asked = true;
        }
        if self.edit.close_asked {
            crate::ui::edit::close_ui(ctx, lang, &mut out);
        }
        if std::mem::take(&mut self.edit.close_now) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        self.edit.form.drawing = self.map.outline.is_some();
        self.edit.form.picking = self.map.picking;
        if let Some(session) = &self.edit.session {
            let shortcuts = [
                (
                    KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z),
                    Command::Redo,
                ),
                (
                    KeyboardShortcut::new(Modifiers::COMMAND, Key::Z),
                    Command::Undo,
                ),
                (
                    KeyboardShortcut::new(Modifiers::COMMAND, Key::S),
                    Command::SaveEdits,
                ),
            ];
            for (keys, command) in shortcuts {
                if ctx.input_mut(|i| i.consume_shortcut(&keys)) {
                    out.push(command);
                }
            }
            let view = crate::ui::edit::PendingView {
                pending: session.pending(),
                can_redo: session.can_redo(),
                folder: self.edit.data_dir.as_deref().or(self
                    .edit
                    .store_shown
                    .as_deref()
                    .map(std::path::Path::new)),
            };
            let parks = self.state.selection.parks(&self.atlas);
            let park = match parks.as_slice() {
                [one] => Some(*one),
                _ => None,
            };
            crate::ui::edit::edit_window_ui(
                ctx,
                &self.atlas,
                &view,
                park,
                &mut self.edit.form,
                self.edit.error.as_deref(),
                lang,
                &mut out,
            );
        }
        self.conflicts_ui(ctx);
        self.password_ui(ctx);
        if let Some((kind, path)) = &mut self.edit.asking {
            match crate::ui::edit::edit_file_ui(ctx, lang, *kind, path) {
                Some(true) => out.push(Command::EditFile(*kind, PathBuf::from(path.trim()))),
                Some(false) => self.edit.asking = None,
                None => {}
            }
        }
        if let Some((plan, rows)) = &self.edit.import {
            crate::ui::edit::import_confirm_ui(ctx, &self.atlas, plan, rows, lang, &mut out);
        }
        if let Some(path) = &mut self.edit.save_to {
            match crate::ui::dialogs::save_folder_ui(ctx, lang, path) {
                Some(true) => out.push(Command::SaveEditsTo(PathBuf::from(path.trim()))),
                Some(false) => self.edit.save_to = None,
                None => {}
            }
        }
        self.commands.extend(out);
    }
}
