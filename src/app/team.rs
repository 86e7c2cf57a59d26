//! The window on a team store: applying the store worker's events (data loaded, a save's
//! outcome, colleagues' changes, the server away or back) and the conflicts dialog.

use super::store_link::{Event, StoreLink};
use crate::changes::Conflict;
use crate::command::{Command, ConflictChoice};
use crate::store::StoreError;
use crate::ui::Status;

impl super::ParkAtlasApp {
    /// Connects the window to a team store (`--db`): the data is read on a worker thread.
    pub fn connect_store(&mut self, address: &str, ctx: &egui::Context) {
        let ctx = ctx.clone();
        let link = StoreLink::start(address, None, move || ctx.request_repaint());
        self.status = Some(Status::info(format!(
            "{} {}",
            self.state.lang.tr("Reading the team store"),
            link.shown
        )));
        self.edit.store_shown = Some(link.shown.clone());
        self.edit.data_dir = None;
        self.store = Some(link);
    }

    /// Reads PostGIS table layers again when the view left the box they were read for (once
    /// the view has rested for 300 ms, and nothing else is being read).
    pub(super) fn refresh_table_layers(&mut self, ctx: &egui::Context) {
        use crate::store::layers::LayerAddress;
        let Some(view) = self.map.last.map(|f| f.geo_bounds()) else {
            return;
        };
        let now = std::time::Instant::now();
        match self.view_moved {
            Some((v, _)) if v == view => {}
            _ => self.view_moved = Some((view, now)),
        }
        let rested = self
            .view_moved
            .is_some_and(|(_, at)| now.duration_since(at) >= std::time::Duration::from_millis(300));
        if self.is_loading() {
            return;
        }
        let stale: Vec<(std::path::PathBuf, crate::model::LayerStyle)> = self
            .atlas
            .layers
            .iter()
            .filter_map(|l| Some((l.path.clone()?, l.style)))
            .filter(|(p, _)| LayerAddress::is_table(p))
            .filter(|(p, _)| {
                self.table_boxes.get(p).is_none_or(|b| {
                    view.min().x < b[0] || view.min().y < b[1] || view.max().x > b[2] || view.max().y > b[3]
                        // Zoomed far in: a closer read gives what a full box left out.
                        || (b[2] - b[0]) > 8.0 * view.width()
                })
            })
            .collect();
        if stale.is_empty() {
            return;
        }
        if !rested {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
            return;
        }
        if let Some((path, style)) = stale.into_iter().next() {
            let how = super::OpenHow {
                fit: false,
                style: Some(style),
                options: Default::default(),
            };
            self.start_open_how(path, how, ctx);
        }
    }

    /// Whether the window works on a team store.
    pub fn is_on_store(&self) -> bool {
        self.store.is_some()
    }

    /// Applies what the store's workers reported since the last frame.
    pub(super) fn poll_store(&mut self) {
        let Some(link) = &self.store else {
            return;
        };
        let events = link.poll();
        let lang = self.state.lang;
        for event in events {
            let Some(link) = &mut self.store else {
                return;
            };
            match event {
                Event::Loaded(loaded, role, can_edit, history) => {
                    self.edit.history = history;
                    let first = !link.loaded;
                    link.loaded = true;
                    link.online = Some(true);
                    link.reason = None;
                    link.role = role;
                    link.can_edit = can_edit;
                    let resend = link.save_wanted;
                    let text = format!(
                        "{} {} ({} {})",
                        lang.tr("Team store"),
                        link.shown,
                        loaded.atlas.parks.len(),
                        lang.tr("parks")
                    );
                    let selection = link.selection.take();
                    self.replace_base(loaded.atlas);
                    self.status = Some(Status::info(text));
                    if first {
                        self.edit.find_journal();
                        if let Some(mut s) = selection {
                            s.retain_known(&self.atlas);
                            self.state.selection = s;
                        }
                    }
                    if resend {
                        self.push(Command::SaveEdits);
                    }
                }
                Event::Failed(why) | Event::Offline(why) if !link.loaded => {
                    link.online = Some(false);
                    link.reason = Some(why.clone());
                    self.status = Some(Status::error(format!(
                        "{} {}: {why}",
                        lang.tr("Cannot read the team store"),
                        link.shown
                    )));
                }
                Event::Failed(why) => {
                    link.reason = Some(why.clone());
                    self.status = Some(Status::error(why));
                }
                Event::Offline(why) => {
                    let was = link.online;
                    link.online = Some(false);
                    link.reason = Some(why);
                    if was != Some(false) {
                        self.status = Some(Status::error(
                            lang.tr("Offline: the team store does not answer. You keep working on what was read; pending changes are journaled and saved when it is back.").to_owned(),
                        ));
                    }
                }
                Event::Saved(result) => {
                    link.saving = None;
                    self.saved(*result);
                }
                Event::Changed(ids, parks) => self.colleagues_changed(&ids, parks),
                Event::NeedsPassword => {
                    link.asking_password = Some(String::new());
                    link.online = Some(false);
                }
            }
        }
    }

    /// New data from the store as the base: pending edits are made again on it; those that
    /// no longer fit are flagged at once.
    fn replace_base(&mut self, atlas: crate::model::Atlas) {
        let mut atlas = atlas;
        atlas.layers = self.atlas.layers.clone();
        atlas.others = self.atlas.others.clone();
        match &mut self.edit.session {
            Some(session) => {
                let refused = session.rebase(atlas);
                self.edit.conflicts = refused.map(|r| r.conflicts).unwrap_or_default();
                let current = session.current().clone();
                self.set_atlas_keep_view(current);
            }
            None => self.set_atlas_keep_view(atlas),
        }
    }

    /// Colleagues saved changes to `ids`: the parks are replaced (the view, the selection and
    /// pending edits stay).
    fn colleagues_changed(&mut self, ids: &[String], parks: Vec<crate::model::Park>) {
        let lang = self.state.lang;
        let saving: Vec<String> = self
            .store
            .as_ref()
            .and_then(|l| l.saving.clone())
            .unwrap_or_default();
        let mut base = match &self.edit.session {
            Some(s) => s.base().clone(),
            None => (*self.atlas).clone(),
        };
        base.put_parks(ids, &parks);
        let editing: Vec<&String> = ids
            .iter()
            .filter(|id| !saving.contains(id))
            .filter(|id| {
                self.edit
                    .session
                    .as_ref()
                    .is_some_and(|s| s.pending().iter().any(|c| c.park() == id.as_str()))
            })
            .collect();
        let flagged = !editing.is_empty();
        let names: Vec<String> = editing.iter().map(|s| s.to_string()).collect();
        self.replace_base(base);
        if flagged {
            self.status = Some(Status::error(format!(
                "{} {}",
                lang.tr("Changed by a colleague meanwhile, while you edit it:"),
                names.join(", ")
            )));
        } else if saving.is_empty() {
            self.status = Some(Status::info(format!(
                "{} {}",
                lang.tr("Updated from the team store:"),
                ids.join(", ")
            )));
        }
    }

    /// A save's outcome.
    fn saved(&mut self, result: Result<crate::changes::Applied, StoreError>) {
        let lang = self.state.lang;
        match result {
            Ok(applied) => {
                let n = applied.log.len();
                self.edit.history.extend(applied.log.iter().cloned());
                if let Some(s) = &mut self.edit.session {
                    *s = crate::changes::session::Session::new(applied.atlas.clone());
                }
                self.edit.conflicts.clear();
                let mut atlas = applied.atlas;
                atlas.layers = self.atlas.layers.clone();
                atlas.others = self.atlas.others.clone();
                self.set_atlas_keep_view(atlas);
                self.write_journal();
                let shown = self
                    .store
                    .as_ref()
                    .map(|l| l.shown.clone())
                    .unwrap_or_default();
                self.status = Some(Status::info(format!(
                    "{} {n} → {shown}",
                    lang.tr("Saved changes:")
                )));
                if self.edit.close_asked {
                    self.edit.close_asked = false;
                    self.edit.close_anyway = true;
                    self.edit.close_now = true;
                }
            }
            Err(StoreError::Refused(r)) if !r.conflicts.is_empty() => {
                self.status = Some(Status::error(format!(
                    "{} {}",
                    lang.tr(
                        "Not saved: colleagues changed the same values meanwhile. Choose for each:"
                    ),
                    r.conflicts.len()
                )));
                self.edit.conflicts = r.conflicts;
            }
            Err(e) if e.is_connection_lost() => {
                if let Some(link) = &mut self.store {
                    link.save_wanted = true;
                }
                self.status = Some(Status::error(
                    lang.tr("Offline: the changes stay pending (journaled) and are saved when the team store is back.")
                        .to_owned(),
                ));
            }
            Err(e) => {
                if let (StoreError::ReadOnly { .. }, Some(link)) = (&e, &mut self.store) {
                    link.can_edit = false;
                }
                let text = match &e {
                    StoreError::Refused(r) => r
                        .all("edit")
                        .iter()
                        .map(|p| p.text(lang.is_zh()))
                        .collect::<Vec<_>>()
                        .join("; "),
                    other => other.text(lang.is_zh()),
                };
                self.status = Some(Status::error(format!("{}: {text}", lang.tr("Not saved"))));
            }
        }
    }

    /// Saves the pending changes to the store (or, offline, as soon as it is back).
    pub(super) fn save_to_store(&mut self) {
        let lang = self.state.lang;
        let (Some(link), Some(session)) = (&mut self.store, &self.edit.session) else {
            return;
        };
        if !session.is_dirty() || link.saving.is_some() {
            return;
        }
        if link.online != Some(true) {
            link.save_wanted = true;
            self.status = Some(Status::error(
                lang.tr("Offline: the changes stay pending (journaled) and are saved when the team store is back.")
                    .to_owned(),
            ));
            return;
        }
        link.save(session.base().clone(), session.change_set());
        self.status = Some(Status::info(
            lang.tr("Saving to the team store…").to_owned(),
        ));
    }

    /// "Keep theirs" (drop my change) or "use mine" (my change, made on theirs) for one
    /// conflict.
    pub(super) fn resolve_conflict(&mut self, conflict: usize, choice: ConflictChoice) {
        if conflict >= self.edit.conflicts.len() {
            return;
        }
        let mine = choice == ConflictChoice::UseMine;
        let c: Conflict = self.edit.conflicts.remove(conflict);
        if choice == ConflictChoice::Edit
            && let Some(session) = &self.edit.session
            && let Some(crate::changes::Change::Set { field, to, .. }) =
                session.pending().get(c.change)
            && let Some(i) = self.atlas.park_index(&c.park)
        {
            // The form shows my value on the park as it is now (theirs), to edit from there.
            let (field, to) = (field.clone(), to.clone());
            let park = self.atlas.parks[i].clone();
            self.state.selection.select_only(&park.id);
            self.edit.form.prefill(&park, &field, &to);
        }
        if let Some(session) = &mut self.edit.session {
            let with = if mine {
                session
                    .pending()
                    .get(c.change)
                    .map(|ch| ch.rebased(&c.found))
            } else {
                None
            };
            session.replace_pending(c.change, with);
            if !mine {
                // The later conflicts' change numbers moved up by one.
                for other in &mut self.edit.conflicts {
                    if other.change > c.change {
                        other.change -= 1;
                    }
                }
            }
            let current = session.current().clone();
            self.set_atlas_keep_view(current);
            self.write_journal();
        }
    }

    /// Asks for the store's password when the server wants one nobody gave; it is kept in
    /// memory only.
    pub(super) fn password_ui(&mut self, ctx: &egui::Context) {
        let lang = self.state.lang;
        let Some(link) = &mut self.store else {
            return;
        };
        let shown = link.shown.clone();
        let Some(typed) = &mut link.asking_password else {
            return;
        };
        let mut submit = false;
        egui::Window::new(lang.tr("Password"))
            .id(egui::Id::unique("store_password"))
            .collapsible(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                let asked = ui.label(format!(
                    "{} {shown}",
                    lang.tr("The team store asks for the password of")
                ));
                let edit = ui
                    .add(egui::TextEdit::singleline(typed).password(true))
                    .labelled_by(asked.id);
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.weak(lang.tr(
                    "Kept in memory only, never saved. To skip this question, keep it in ~/.pgpass.",
                ));
                if ui.button(lang.tr("Connect")).clicked() || enter {
                    submit = true;
                }
            });
        if submit && let Some(password) = link.asking_password.take() {
            let ctx = ctx.clone();
            let new = link.with_password(password, move || ctx.request_repaint());
            self.store = Some(new);
        }
    }

    /// The conflicts dialog: for each, the original, theirs and mine side by side.
    pub(super) fn conflicts_ui(&mut self, ctx: &egui::Context) {
        if self.edit.conflicts.is_empty() {
            return;
        }
        let lang = self.state.lang;
        let Some(session) = &self.edit.session else {
            return;
        };
        let mut out = Vec::new();
        egui::Window::new(lang.tr("Conflicts"))
            .id(egui::Id::unique("conflicts"))
            .collapsible(false)
            .default_width(560.0)
            .max_width(820.0)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(lang.tr(
                    "A colleague (or QGIS, or psql) saved these values after you started. Nothing was saved. Choose for each, then save again.",
                ));
                ui.separator();
                egui::Grid::new("conflict_grid")
                    .striped(true)
                    .num_columns(6)
                    .show(ui, |ui| {
                        for h in [
                            lang.tr("Park"),
                            lang.tr("Field"),
                            lang.tr("Original"),
                            lang.tr("Theirs"),
                            lang.tr("Mine"),
                            "",
                        ] {
                            ui.strong(h);
                        }
                        ui.end_row();
                        let short = |v: &serde_json::Value| {
                            let t = match v {
                                serde_json::Value::String(s) => s.clone(),
                                serde_json::Value::Null => lang.tr("unknown").to_owned(),
                                other => other.to_string(),
                            };
                            if t.chars().count() > 24 {
                                format!("{}…", t.chars().take(24).collect::<String>())
                            } else {
                                t
                            }
                        };
                        for (i, c) in self.edit.conflicts.iter().enumerate() {
                            let mine = session
                                .pending()
                                .get(c.change)
                                .map(crate::changes::Change::to)
                                .unwrap_or_default();
                            let name = self
                                .atlas
                                .park_index(&c.park)
                                .map(|p| self.atlas.parks[p].name(lang.is_zh()).to_owned())
                                .unwrap_or_else(|| c.park.clone());
                            ui.label(short(&serde_json::Value::String(name)))
                                .on_hover_text(&c.park);
                            ui.label(&c.field);
                            ui.label(short(&c.expected));
                            ui.label(egui::RichText::new(short(&c.found)).strong());
                            ui.label(short(&mine));
                            ui.horizontal(|ui| {
                                if ui.button(lang.tr("Keep theirs")).clicked() {
                                    out.push(Command::ResolveConflict(i, ConflictChoice::KeepTheirs));
                                }
                                if ui.button(lang.tr("Use mine")).clicked() {
                                    out.push(Command::ResolveConflict(i, ConflictChoice::UseMine));
                                }
                                if ui
                                    .button(lang.tr("Edit…"))
                                    .on_hover_text(lang.tr("Drop my change and put my value in the form, to change their value"))
                                    .clicked()
                                {
                                    out.push(Command::ResolveConflict(i, ConflictChoice::Edit));
                                }
                            });
                            ui.end_row();
                        }
                    });
            });
        self.commands.extend(out);
    }
}

/// The store's state for the toolbar and the status line.
pub(super) fn store_status(link: &StoreLink, lang: crate::i18n::Lang) -> crate::ui::StoreStatus {
    let edit_refused = if link.loaded && !link.can_edit {
        Some(format!(
            "{} {}",
            lang.tr("Read only: the role may only view this store; editing needs a role in park_atlas_editor. Role:"),
            link.role
        ))
    } else if !link.loaded {
        Some(lang.tr("The team store has not been read yet.").to_owned())
    } else {
        None
    };
    crate::ui::StoreStatus {
        shown: link.shown.clone(),
        online: link.online,
        reason: link.reason.clone(),
        edit_refused,
        saving: link.saving.is_some(),
    }
}
