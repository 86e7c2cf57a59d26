//! Edit mode's windows: the form for the selected park (a property, a new project, the source
//! every change cites) and the list of pending changes with undo, redo, save and discard.
//! The forms only make [`Change`]s; the app applies them through the library's session, with
//! the loader's checks, and shows why a change was refused.

use egui::{ComboBox, RichText, TextEdit, Ui};
use serde_json::{Map, Value, json};

use crate::changes::{Change, SourceRef};
use crate::command::Command;
use crate::i18n::Lang;
use crate::model::{Park, Role, Tier};

/// The properties the form sets, in its list's order.
const FIELDS: [&str; 10] = [
    "tier",
    "role",
    "area_km2",
    "name_zh",
    "name_en",
    "clusters",
    "county_adcodes",
    "parent_id",
    "notes_zh",
    "notes",
];

/// A property as the form names it: the word in the interface language, then the field's id
/// (as in the files and change sets).
fn field_name(field: &str, lang: Lang) -> String {
    let word = match field {
        "tier" => lang.tr("Tier"),
        "role" => lang.tr("Role"),
        "area_km2" => lang.tr("Area (km²)"),
        "name_zh" => lang.tr("Name (Chinese)"),
        "name_en" => lang.tr("Name (English)"),
        "clusters" => lang.tr("Clusters (ids)"),
        "county_adcodes" => lang.tr("Counties (adcodes)"),
        "parent_id" => lang.tr("Parent zone (id)"),
        "notes_zh" => lang.tr("Notes (Chinese)"),
        "notes" => lang.tr("Notes (English)"),
        _ => "",
    };
    format!("{word} · {field}")
}

/// Properties that are lists, typed as ids separated by commas or spaces.
const LISTS: [&str; 2] = ["clusters", "county_adcodes"];

/// What the forms hold while the user types.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EditForm {
    /// The park the form was filled for (a new park selected starts it over).
    pub park: String,
    /// The property being set ([`FIELDS`]).
    pub field: usize,
    /// Its new value as typed.
    pub value: String,
    /// The source cited: a key of the park's sources, or `None` for a new one.
    pub source: Option<String>,
    /// The new source's title, outlet, date, address and reliability.
    pub new_source: [String; 5],
    /// The new project's Chinese name, investor, amount in 亿元, year and status.
    pub project: [String; 5],
    /// The forms for the park's projects and targets, and for parks.
    pub records: super::edit_records::RecordsForm,
    /// An outline is being drawn on the map.
    pub drawing: bool,
    /// The next click on the map places a new park.
    pub picking: bool,
    /// The value last checked with the loader's rules (park, field, text) and what it said.
    pub checked: Option<((String, usize, String), Vec<String>)>,
}

impl EditForm {
    /// Fills the property form with `value` for `field` of `park` (to edit a value that met a
    /// colleague's); `false` when the form has no such property.
    pub fn prefill(&mut self, park: &Park, field: &str, value: &Value) -> bool {
        let Some(i) = FIELDS.iter().position(|f| *f == field) else {
            return false;
        };
        self.reset_for(park);
        self.field = i;
        self.value = current_text(&serde_json::json!({ field: value }), field);
        true
    }

    fn reset_for(&mut self, p: &Park) {
        *self = EditForm {
            drawing: self.drawing,
            picking: self.picking,
            // The new park's fields stay (they are not the park's); the rest is the park's.
            records: super::edit_records::RecordsForm {
                new_park: std::mem::take(&mut self.records.new_park),
                ..Default::default()
            },
            park: p.id.clone(),
            source: p.sources.keys().next().cloned(),
            ..EditForm::default()
        };
        let feature = crate::io::export::park_feature(p).unwrap_or(Value::Null);
        self.value = current_text(&feature["properties"], FIELDS[0]);
    }

    /// Makes the changes `make` builds with the form's source, or says why there is no source.
    /// True when they were made.
    pub fn cite(
        &self,
        lang: Lang,
        out: &mut Vec<Command>,
        make: impl FnOnce(SourceRef) -> Vec<Change>,
    ) -> bool {
        match self.source_ref(lang) {
            Ok(source) => {
                out.extend(make(source).into_iter().map(Command::Edit));
                true
            }
            Err(e) => {
                out.push(Command::EditRefused(e));
                false
            }
        }
    }

    /// The source as a change cites it; `Err` says what is missing.
    pub fn source_ref(&self, lang: Lang) -> Result<SourceRef, String> {
        if let Some(id) = &self.source {
            return Ok(SourceRef::Id(id.clone()));
        }
        let [title, outlet, date, url, reliability] = &self.new_source;
        if title.trim().is_empty() && outlet.trim().is_empty() {
            return Err(lang
                .tr("Every change cites a source: choose one of the park's, or give the new source a title or an outlet.")
                .to_owned());
        }
        let mut s = Map::new();
        for (k, v) in [
            ("title", title),
            ("outlet", outlet),
            ("date", date),
            ("url", url),
            ("reliability", reliability),
        ] {
            let v = v.trim();
            s.insert(k.into(), if v.is_empty() { Value::Null } else { json!(v) });
        }
        Ok(SourceRef::New(s))
    }
}

/// Text fields under their labels, two columns; `suffix` after each label keeps labels unique
/// where the same word is in two forms (the accessibility tree names fields by them).
pub(super) fn fields_grid(
    ui: &mut Ui,
    id: &str,
    labels: &[&str],
    values: &mut [String],
    width: f32,
    suffix: &str,
) {
    egui::Grid::new(id).num_columns(2).show(ui, |ui| {
        for (label, value) in labels.iter().zip(values.iter_mut()) {
            let l = ui.label(format!("{label}{suffix}"));
            ui.add(TextEdit::singleline(value).desired_width(width))
                .labelled_by(l.id);
            ui.end_row();
        }
    });
}

/// A park property's value (from its feature's `props`) as the form shows it ("" for unknown).
fn current_text(props: &Value, field: &str) -> String {
    match props.get(field).cloned() {
        Some(Value::String(s)) => s,
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

/// The typed text as the property's JSON value: empty is unknown (`null`), never 0.
fn typed(field: &str, text: &str, lang: Lang) -> Result<Value, String> {
    let t = text.trim();
    if LISTS.contains(&field) {
        let items: Vec<&str> = t
            .split([',', '，', '、', ' ', ';'])
            .filter(|s| !s.is_empty())
            .collect();
        return Ok(json!(items));
    }
    if t.is_empty() {
        return Ok(Value::Null);
    }
    if field == "area_km2" {
        return match t.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Ok(json!(x)),
            _ => Err(format!(
                "{} ({t})",
                lang.tr("Expected an area in km² (a number ≥ 0, empty for unknown)")
            )),
        };
    }
    Ok(json!(t))
}

/// The edit window: the pending changes and their buttons, then the form for the selected
/// park (`park`), or a hint when none is selected. `error` is why the last change was refused.
#[allow(clippy::too_many_arguments)]
pub fn edit_window_ui(
    ctx: &egui::Context,
    atlas: &crate::model::Atlas,
    pending: &PendingView<'_>,
    park: Option<&Park>,
    form: &mut EditForm,
    error: Option<&str>,
    lang: Lang,
    out: &mut Vec<Command>,
) {
    egui::Window::new(lang.tr("Edit park"))
        .id(egui::Id::unique("edit_park"))
        // Over the filters panel (little needed while editing), not over the map.
        .default_pos(egui::pos2(6.0, 40.0))
        .default_height(700.0)
        .default_width(330.0)
        .resizable(true)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("edit_scroll")
                .show(ui, |ui| {
                    pending_ui(ui, pending, lang, out);
                    // Why the last change was refused, where it is seen.
                    if let Some(e) = error {
                        ui.colored_label(egui::Color32::from_rgb(180, 30, 30), e);
                    }
                    ui.separator();
                    match park {
                        Some(p) => park_form_ui(ui, atlas, p, form, lang, out),
                        None => {
                            ui.weak(
                                lang.tr("Select one park on the map or in the list to edit it."),
                            );
                        }
                    }
                    ui.separator();
                    let mut records = std::mem::take(&mut form.records);
                    super::edit_records::new_park_ui(
                        ui,
                        atlas,
                        park,
                        form,
                        &mut records,
                        lang,
                        out,
                    );
                    form.records = records;
                });
        });
}

/// The form for one park: the source, a property, a new project.
fn park_form_ui(
    ui: &mut Ui,
    atlas: &crate::model::Atlas,
    p: &Park,
    form: &mut EditForm,
    lang: Lang,
    out: &mut Vec<Command>,
) {
    if form.park != p.id {
        form.reset_for(p);
    }
    ui.label(RichText::new(p.name(lang.is_zh())).strong());
    // The park as its feature, once per frame: what the forms compare with and change.
    let feature = crate::io::export::park_feature(p).unwrap_or(Value::Null);
    let props = &feature["properties"];
    source_ui(ui, p, form, lang);
    ui.separator();
    field_ui(ui, atlas, p, props, form, lang, out);
    ui.separator();
    project_ui(ui, p, form, lang, out);
    let mut records = std::mem::take(&mut form.records);
    ui.separator();
    super::edit_records::projects_ui(ui, &atlas.taxonomy, p, props, form, &mut records, lang, out);
    ui.separator();
    super::edit_records::target_ui(ui, p, form, &mut records, lang, out);
    super::edit_records::remove_target_ui(ui, p, props, form, &mut records, lang, out);
    ui.separator();
    super::edit_records::outline_ui(ui, p, form.drawing, lang, out);
    ui.separator();
    super::edit_records::delete_ui(ui, p, form, &mut records, lang, out);
    form.records = records;
}

fn source_ui(ui: &mut Ui, p: &Park, form: &mut EditForm, lang: Lang) {
    let name = |id: &Option<String>| match id {
        None => lang.tr("New source…").to_owned(),
        Some(id) => {
            let s = p.sources.get(id);
            let what = s
                .and_then(|s| s.title.clone().or_else(|| s.outlet.clone()))
                .unwrap_or_default();
            let date = s.and_then(|s| s.date.clone()).unwrap_or_default();
            format!("{id}: {what} {date}")
        }
    };
    ui.horizontal(|ui| {
        let label = ui.label(lang.tr("Source"));
        ComboBox::from_id_salt("edit_source")
            .selected_text(name(&form.source))
            .width(280.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut form.source, None, lang.tr("New source…"));
                for id in p.sources.keys() {
                    let choice = Some(id.clone());
                    let text = name(&choice);
                    ui.selectable_value(&mut form.source, choice, text);
                }
            })
            .response
            .labelled_by(label.id);
    });
    if form.source.is_none() {
        let labels = [
            lang.tr("Title"),
            lang.tr("Outlet"),
            lang.tr("Date"),
            lang.tr("Address (URL)"),
            lang.tr("Reliability"),
        ];
        fields_grid(
            ui,
            "edit_new_source",
            &labels,
            &mut form.new_source,
            240.0,
            "",
        );
    }
}

fn field_ui(
    ui: &mut Ui,
    atlas: &crate::model::Atlas,
    p: &Park,
    props: &Value,
    form: &mut EditForm,
    lang: Lang,
    out: &mut Vec<Command>,
) {
    let zh = lang.is_zh();
    ui.horizontal(|ui| {
        let label = ui.label(lang.tr("Property"));
        let before = form.field;
        ComboBox::from_id_salt("edit_field")
            .selected_text(field_name(FIELDS[form.field], lang))
            .show_ui(ui, |ui| {
                for (i, f) in FIELDS.iter().enumerate() {
                    ui.selectable_value(&mut form.field, i, field_name(f, lang));
                }
            })
            .response
            .labelled_by(label.id);
        if form.field != before {
            form.value = current_text(props, FIELDS[form.field]);
        }
    });
    let field = FIELDS[form.field];
    ui.horizontal(|ui| {
        let label = ui.label(lang.tr("Value"));
        match field {
            "tier" => {
                ComboBox::from_id_salt("edit_tier")
                    .selected_text(Tier::parse(&form.value).map_or("", |t| t.name(zh)))
                    .show_ui(ui, |ui| {
                        for t in Tier::ALL {
                            ui.selectable_value(&mut form.value, t.as_str().to_owned(), t.name(zh));
                        }
                    })
                    .response
                    .labelled_by(label.id);
            }
            "role" => {
                ComboBox::from_id_salt("edit_role")
                    .selected_text(form.value.clone())
                    .show_ui(ui, |ui| {
                        for r in Role::ALL {
                            ui.selectable_value(&mut form.value, r.as_str().to_owned(), r.as_str());
                        }
                    })
                    .response
                    .labelled_by(label.id);
            }
            _ => {
                ui.add(
                    TextEdit::singleline(&mut form.value)
                        .hint_text(lang.tr("empty: unknown"))
                        .desired_width(240.0),
                )
                .labelled_by(label.id);
            }
        }
    });
    let from = props.get(field).cloned().unwrap_or(Value::Null);
    let to = typed(field, &form.value, lang);
    if let Err(e) = &to {
        ui.colored_label(egui::Color32::from_rgb(180, 30, 30), e);
    }
    let changed = to.as_ref().is_ok_and(|v| !crate::changes::same(v, &from));
    // Checked as typed with the loader's own rules (once per new text).
    let key = (p.id.clone(), form.field, form.value.clone());
    if changed && form.checked.as_ref().is_none_or(|(k, _)| *k != key) {
        let said = match &to {
            Ok(v) => crate::changes::check_change(
                p,
                &atlas.taxonomy,
                &Change::Set {
                    park: p.id.clone(),
                    field: field.to_owned(),
                    from: from.clone(),
                    to: v.clone(),
                    source: None,
                },
            )
            .iter()
            .map(|problem| problem.msg.text(lang.is_zh()))
            .collect(),
            Err(_) => Vec::new(),
        };
        form.checked = Some((key.clone(), said));
    }
    let wrong = changed
        && form
            .checked
            .as_ref()
            .is_some_and(|(k, said)| *k == key && !said.is_empty());
    if wrong && let Some((_, said)) = &form.checked {
        for s in said {
            ui.colored_label(egui::Color32::from_rgb(180, 30, 30), s);
        }
    }
    if ui
        .add_enabled(
            changed && !wrong,
            egui::Button::new(lang.tr("Apply change")),
        )
        .clicked()
    {
        match to {
            Ok(to) => {
                form.cite(lang, out, |source| {
                    vec![Change::Set {
                        park: p.id.clone(),
                        field: field.to_owned(),
                        from,
                        to,
                        source: Some(source),
                    }]
                });
            }
            Err(e) => out.push(Command::EditRefused(e)),
        }
    }
}

fn project_ui(ui: &mut Ui, p: &Park, form: &mut EditForm, lang: Lang, out: &mut Vec<Command>) {
    ui.label(RichText::new(lang.tr("Add a project")).strong());
    let labels = [
        lang.tr("Name (Chinese)"),
        lang.tr("Investor"),
        lang.tr("Amount (亿元)"),
        lang.tr("Year"),
        lang.tr("Status"),
    ];
    fields_grid(ui, "edit_project", &labels, &mut form.project, 220.0, "");
    let [name, investor, amount, year, status] = &form.project;
    let mut project = Map::new();
    let mut wrong = None;
    if !name.trim().is_empty() {
        project.insert("name_zh".into(), json!(name.trim()));
    }
    if !investor.trim().is_empty() {
        project.insert("investor".into(), json!(investor.trim()));
    }
    if !amount.trim().is_empty() {
        match amount.trim().parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => {
                project.insert("amount".into(), json!((x * 1e8).round() as i64));
                project.insert("currency".into(), json!("CNY"));
                project.insert(
                    "amount_text".into(),
                    json!(format!("{} 亿元", amount.trim())),
                );
            }
            _ => {
                wrong =
                    Some(lang.tr("Expected an amount in 亿元 (a number ≥ 0, empty for unknown)"))
            }
        }
    }
    if !year.trim().is_empty() {
        match year.trim().parse::<i32>() {
            Ok(y) if (1949..=2100).contains(&y) => {
                project.insert("year".into(), json!(y));
            }
            _ => wrong = Some(lang.tr("Expected a year (1949–2100)")),
        }
    }
    if !status.trim().is_empty() {
        project.insert("status_zh".into(), json!(status.trim()));
    }
    if let Some(w) = wrong {
        ui.colored_label(egui::Color32::from_rgb(180, 30, 30), w);
    }
    let ready = wrong.is_none() && project.contains_key("name_zh");
    if ui
        .add_enabled(ready, egui::Button::new(lang.tr("Add project")))
        .clicked()
    {
        let made = form.cite(lang, out, |source| {
            vec![Change::AddProject {
                park: p.id.clone(),
                project,
                source: Some(source),
            }]
        });
        if made {
            form.project = Default::default();
        }
    }
}

/// What the pending-changes window shows.
pub struct PendingView<'a> {
    /// The pending changes.
    pub pending: &'a [Change],
    /// Something to redo.
    pub can_redo: bool,
    /// The data's folder (`None`: the embedded data; saving asks for a new folder).
    pub folder: Option<&'a std::path::Path>,
}

/// The list of pending changes and its buttons.
fn pending_ui(ui: &mut Ui, view: &PendingView<'_>, lang: Lang, out: &mut Vec<Command>) {
    ui.label(
        RichText::new(format!(
            "{} ({})",
            lang.tr("Pending changes"),
            view.pending.len()
        ))
        .strong(),
    );
    {
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!view.pending.is_empty(), egui::Button::new(lang.tr("Undo")))
                .on_hover_text("Ctrl+Z")
                .clicked()
            {
                out.push(Command::Undo);
            }
            if ui
                .add_enabled(view.can_redo, egui::Button::new(lang.tr("Redo")))
                .on_hover_text("Ctrl+Shift+Z")
                .clicked()
            {
                out.push(Command::Redo);
            }
            if ui
                .add_enabled(!view.pending.is_empty(), egui::Button::new(lang.tr("Save")))
                .on_hover_text("Ctrl+S")
                .clicked()
            {
                out.push(Command::SaveEdits);
            }
            if ui
                .add_enabled(
                    !view.pending.is_empty(),
                    egui::Button::new(lang.tr("Discard")),
                )
                .clicked()
            {
                out.push(Command::DiscardEdits);
            }
        });
        ui.horizontal_wrapped(|ui| {
            use crate::command::EditFile;
            if ui
                .add_enabled(
                    !view.pending.is_empty(),
                    egui::Button::new(lang.tr("Save as change set…")),
                )
                .clicked()
            {
                out.push(Command::AskEditFile(EditFile::SaveChangeSet));
            }
            if ui.button(lang.tr("Apply change set…")).clicked() {
                out.push(Command::AskEditFile(EditFile::ApplyChangeSet));
            }
            if ui.button(lang.tr("Import projects…")).clicked() {
                out.push(Command::AskEditFile(EditFile::ImportProjects));
            }
        });
        ui.weak(match view.folder {
            Some(f) => format!("{} {}", lang.tr("Saved into"), f.display()),
            None => lang
                .tr("The embedded data: Save asks for a new folder to keep the data in.")
                .to_owned(),
        });
        egui::ScrollArea::vertical()
            .id_salt("pending_list")
            .max_height(80.0)
            .show(ui, |ui| {
                if view.pending.is_empty() {
                    ui.weak(lang.tr("No pending changes."));
                }
                for c in view.pending {
                    let source = match c.source() {
                        Some(SourceRef::Id(id)) => id.clone(),
                        Some(SourceRef::New(s)) => s
                            .get("title")
                            .or_else(|| s.get("outlet"))
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                        None => String::new(),
                    };
                    let values = match c {
                        Change::Set { from, to, .. }
                        | Change::SetProject { from, to, .. }
                        | Change::SetTarget { from, to, .. } => format!(": {from} → {to}"),
                        _ => String::new(),
                    };
                    ui.label(format!(
                        "{} · {}{values} · [{}]",
                        c.park(),
                        c.what(),
                        source
                    ));
                }
            });
    }
}

/// The path window of an edit-mode file action.
pub fn edit_file_ui(
    ctx: &egui::Context,
    lang: Lang,
    kind: crate::command::EditFile,
    path: &mut String,
) -> Option<bool> {
    use crate::command::EditFile;
    let (title, hint, save) = match kind {
        EditFile::SaveChangeSet => (
            lang.tr("Save as change set…"),
            lang.tr("The pending changes as a change set (JSON, docs/DATA.md): to send for review, or to apply with park-atlas apply. The data is not changed."),
            true,
        ),
        EditFile::ApplyChangeSet => (
            lang.tr("Apply change set…"),
            lang.tr("A change set (JSON): its changes become pending changes, all or none; a change whose data changed meanwhile is refused as a conflict."),
            false,
        ),
        EditFile::ImportProjects => (
            lang.tr("Import projects…"),
            lang.tr("A signing list (.xlsx, .xls, .ods, .csv) with 项目名称, 投资方, 投资额, 所在园区, 签约时间, 所属产业 (or English headers): rows whose park matches exactly become pending changes; close matches are asked."),
            false,
        ),
    };
    crate::ui::dialogs::edit_file_path_ui(ctx, lang, title, hint, save, path)
}

/// The rows of a signing list whose park matched only approximately: each with its closest
/// parks to choose, or skip.
pub fn import_confirm_ui(
    ctx: &egui::Context,
    atlas: &crate::model::Atlas,
    plan: &crate::changes::import::ImportPlan,
    rows: &[usize],
    lang: Lang,
    out: &mut Vec<Command>,
) {
    use crate::changes::import::ParkMatch;
    let zh = lang.is_zh();
    egui::Window::new(lang.tr("Import: confirm the parks"))
        .id(egui::Id::unique("import_confirm"))
        .default_width(420.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(400.0)
                .show(ui, |ui| {
                    for &i in rows {
                        let Some(r) = plan.rows.get(i) else {
                            continue;
                        };
                        let name = r
                            .project
                            .get("name_zh")
                            .or_else(|| r.project.get("name_en"))
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        ui.label(if zh {
                            format!("第 {} 行：{name} —“{}”", r.row, r.park_text)
                        } else {
                            format!("Row {}: {name} — “{}”", r.row, r.park_text)
                        });
                        ui.horizontal_wrapped(|ui| {
                            if let ParkMatch::Candidates(c) = &r.park {
                                for (id, score) in c {
                                    let park = atlas.park(id).map_or(id.as_str(), |p| p.name(zh));
                                    if ui
                                        .button(format!("→ {park} ({:.0}%)", score * 100.0))
                                        .clicked()
                                    {
                                        out.push(Command::ConfirmImport(i, Some(id.clone())));
                                    }
                                }
                            }
                            if ui.button(lang.tr("Skip")).clicked() {
                                out.push(Command::ConfirmImport(i, None));
                            }
                        });
                        ui.separator();
                    }
                });
        });
}

/// The question asked when edits from the last session were found.
pub fn journal_ui(ctx: &egui::Context, count: usize, lang: Lang, out: &mut Vec<Command>) {
    egui::Window::new(lang.tr("Unsaved changes found"))
        .id(egui::Id::unique("journal_offer"))
        .collapsible(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui| {
            ui.label(format!(
                "{} {count}",
                lang.tr("Changes not saved when Park Atlas last stopped:")
            ));
            ui.horizontal(|ui| {
                if ui.button(lang.tr("Restore them")).clicked() {
                    out.push(Command::RestoreJournal(true));
                }
                if ui.button(lang.tr("Drop them")).clicked() {
                    out.push(Command::RestoreJournal(false));
                }
            });
        });
}

/// The question asked when the window is closed with pending changes.
pub fn close_ui(ctx: &egui::Context, lang: Lang, out: &mut Vec<Command>) {
    egui::Window::new(lang.tr("Save changes before closing?"))
        .id(egui::Id::unique("close_unsaved"))
        .collapsible(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui| {
            ui.label(lang.tr("There are pending changes. They are kept in a journal and offered back at the next start if you close without saving."));
            ui.horizontal(|ui| {
                if ui.button(lang.tr("Save")).clicked() {
                    out.push(Command::SaveEdits);
                }
                if ui.button(lang.tr("Close without saving")).clicked() {
                    out.push(Command::CloseWithoutSaving);
                }
                if ui.button(lang.tr("Cancel")).clicked() {
                    out.push(Command::CancelClose);
                }
            });
        });
}
