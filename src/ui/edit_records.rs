//! Edit mode's forms for a park's records and for parks themselves: change or remove one of
//! its projects, add a target, delete the park (asked first), add a new park. Like the other
//! forms they only make [`Change`]s, each citing the form's source.

use egui::{ComboBox, RichText, TextEdit, Ui};
use serde_json::{Map, Value, json};

use super::edit::{EditForm, fields_grid};
use crate::changes::{Change, SourceRef};
use crate::command::Command;
use crate::i18n::Lang;
use crate::model::{Atlas, Park};

/// What these forms hold while the user types.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordsForm {
    /// The project chosen to change (position in the park's list).
    pub project: Option<usize>,
    /// Its Chinese and English names, investor, amount (亿, in its currency), currency, year,
    /// status, status date and cluster ids, as typed.
    pub fields: [String; 9],
    /// The project's members last checked with the loader's rules, and what it said.
    pub checked: Option<(Vec<String>, Vec<String>)>,
    /// The new target's year, text, value and unit.
    pub target: [String; 4],
    /// The target chosen to remove.
    pub target_pick: Option<usize>,
    /// "Delete park" was pressed once: the second press deletes.
    pub confirm_delete: bool,
    /// The new park's id, Chinese name, county adcode, longitude and latitude.
    pub new_park: [String; 5],
}

fn red(ui: &mut Ui, text: &str) {
    ui.colored_label(egui::Color32::from_rgb(180, 30, 30), text);
}

/// A project's member as the form shows it.
fn member(project: &Value, key: &str) -> String {
    match project.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

/// Sets a project's member in the model as a change would (for checking the next member).
fn set_member(q: &mut crate::model::Project, key: &str, to: &Value) {
    let text = to.as_str().map(str::to_owned);
    match key {
        "name_zh" => q.name_zh = text,
        "name_en" => q.name_en = text,
        "investor" => q.investor = text,
        "currency" => q.currency = text,
        "amount" => q.amount = to.as_f64(),
        "year" => q.year = to.as_i64().and_then(|y| i32::try_from(y).ok()),
        _ => {}
    }
}

/// The amount typed in 亿元 as whole yuan (`Ok(None)`: empty, unknown).
fn yuan(text: &str) -> Result<Option<i64>, ()> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(Some((x * 1e8).round() as i64)),
        _ => Err(()),
    }
}

/// Change or remove one of the park's projects.
#[allow(clippy::too_many_arguments)]
pub fn projects_ui(
    ui: &mut Ui,
    taxonomy: &crate::model::Taxonomy,
    p: &Park,
    props: &Value,
    form: &EditForm,
    rec: &mut RecordsForm,
    lang: Lang,
    out: &mut Vec<Command>,
) {
    if p.projects.is_empty() {
        return;
    }
    let zh = lang.is_zh();
    let projects: &[Value] = props["projects"].as_array().map_or(&[], Vec::as_slice);
    ui.label(RichText::new(lang.tr("Change a project")).strong());
    let before = rec.project;
    ui.horizontal(|ui| {
        let label = ui.label(lang.tr("Project to change"));
        let name = |i: Option<usize>| {
            i.and_then(|i| p.projects.get(i))
                .map_or_else(|| "—".to_owned(), |q| q.name(zh).to_owned())
        };
        ComboBox::from_id_salt("edit_project_pick")
            .selected_text(name(rec.project))
            .width(260.0)
            .show_ui(ui, |ui| {
                for i in 0..p.projects.len() {
                    ui.selectable_value(&mut rec.project, Some(i), name(Some(i)));
                }
            })
            .response
            .labelled_by(label.id);
    });
    let Some(i) = rec.project.filter(|i| *i < projects.len()) else {
        return;
    };
    let current = &projects[i];
    if rec.project != before {
        let clusters = current["clusters"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        rec.fields = [
            member(current, "name_zh"),
            member(current, "name_en"),
            member(current, "investor"),
            current
                .get("amount")
                .and_then(Value::as_f64)
                .map_or_else(String::new, |a| format!("{}", a / 1e8)),
            member(current, "currency"),
            member(current, "year"),
            member(current, "status_zh"),
            member(current, "status_date"),
            clusters,
        ];
    }
    let labels = [
        lang.tr("Name (Chinese)"),
        lang.tr("Name (English)"),
        lang.tr("Investor"),
        lang.tr("Amount (亿, in its currency)"),
        lang.tr("Currency (CNY, USD, EUR…)"),
        lang.tr("Year"),
        lang.tr("Status"),
        lang.tr("Status date"),
        lang.tr("Clusters (ids)"),
    ];
    fields_grid(
        ui,
        "edit_project_fields",
        &labels,
        &mut rec.fields,
        220.0,
        " ",
    );
    // The members as typed, beside what is there: one set_project per member changed.
    let [
        name,
        name_en,
        investor,
        amount,
        currency,
        year,
        status,
        status_date,
        clusters,
    ] = &rec.fields;
    let text = |t: &str| {
        let t = t.trim();
        if t.is_empty() { Value::Null } else { json!(t) }
    };
    let cluster_ids: Vec<&str> = clusters
        .split([',', '，', '、', ' ', ';'])
        .filter(|c| !c.is_empty())
        .collect();
    let mut wanted: Vec<(&str, Value)> = vec![
        ("name_zh", text(name)),
        ("name_en", text(name_en)),
        ("investor", text(investor)),
        ("status_zh", text(status)),
        ("status_date", text(status_date)),
        ("clusters", json!(cluster_ids)),
    ];
    let mut wrong = None;
    match yuan(amount) {
        Ok(a) => {
            wanted.push(("amount", a.map_or(Value::Null, Value::from)));
            let currency = match currency.trim() {
                "" if a.is_some() => json!("CNY"),
                c => text(c),
            };
            wanted.push(("currency", currency));
        }
        Err(()) => {
            wrong = Some(lang.tr("Expected an amount in 亿元 (a number ≥ 0, empty for unknown)"))
        }
    }
    match year.trim() {
        "" => wanted.push(("year", Value::Null)),
        y => match y.parse::<i32>() {
            Ok(y) if (1949..=2100).contains(&y) => wanted.push(("year", json!(y))),
            _ => wrong = Some(lang.tr("Expected a year (1949–2100)")),
        },
    }
    if let Some(w) = wrong {
        red(ui, w);
    }
    let changes_to_check: Vec<(&str, Value, Value)> = wanted
        .iter()
        .filter_map(|(k, to)| {
            let from = current.get(*k).cloned().unwrap_or(Value::Null);
            (!crate::changes::same(&from, to)).then(|| (*k, from, to.clone()))
        })
        .collect();
    // All the members changed at once, checked with the loader's rules (once per new text).
    let key: Vec<String> = std::iter::once(i.to_string())
        .chain(rec.fields.iter().cloned())
        .collect();
    if wrong.is_none() && rec.checked.as_ref().is_none_or(|(k, _)| *k != key) {
        let mut trial = p.clone();
        let mut said = Vec::new();
        for (k, from, to) in &changes_to_check {
            let change = Change::SetProject {
                park: p.id.clone(),
                project: i,
                field: (*k).to_owned(),
                from: from.clone(),
                to: to.clone(),
                source: None,
            };
            said.extend(
                crate::changes::check_change(&trial, taxonomy, &change)
                    .iter()
                    .map(|problem| {
                        format!("{}: {}", problem.field, problem.msg.text(lang.is_zh()))
                    }),
            );
            // The next member is judged with this one made (currency with its amount).
            if let Some(q) = trial.projects.get_mut(i) {
                set_member(q, k, to);
            }
        }
        rec.checked = Some((key.clone(), said));
    }
    let refused = rec
        .checked
        .as_ref()
        .filter(|(k, _)| *k == key)
        .map(|(_, said)| said.clone())
        .unwrap_or_default();
    for s in &refused {
        red(ui, s);
    }
    if !refused.is_empty() && wrong.is_none() {
        wrong = Some("");
    }
    let changes: Vec<(&str, Value, Value)> = wanted
        .into_iter()
        .filter_map(|(k, to)| {
            let from = current.get(k).cloned().unwrap_or(Value::Null);
            (!crate::changes::same(&from, &to)).then_some((k, from, to))
        })
        .collect();
    ui.horizontal(|ui| {
        let ready = wrong.is_none() && !changes.is_empty();
        if ui
            .add_enabled(ready, egui::Button::new(lang.tr("Apply to project")))
            .clicked()
        {
            form.cite(lang, out, |source| {
                changes
                    .into_iter()
                    .map(|(k, from, to)| Change::SetProject {
                        park: p.id.clone(),
                        project: i,
                        field: k.to_owned(),
                        from,
                        to,
                        source: Some(source.clone()),
                    })
                    .collect()
            });
        }
        if ui.button(lang.tr("Remove project")).clicked() {
            let made = form.cite(lang, out, |source| {
                vec![Change::RemoveProject {
                    park: p.id.clone(),
                    project: i,
                    from: current.clone(),
                    source: Some(source),
                }]
            });
            if made {
                rec.project = None;
            }
        }
    });
}

/// Add a target to the park.
pub fn target_ui(
    ui: &mut Ui,
    p: &Park,
    form: &EditForm,
    rec: &mut RecordsForm,
    lang: Lang,
    out: &mut Vec<Command>,
) {
    ui.label(RichText::new(lang.tr("Add a target")).strong());
    let labels = [
        lang.tr("Year"),
        lang.tr("Target (text)"),
        lang.tr("Value"),
        lang.tr("Unit"),
    ];
    fields_grid(ui, "edit_target", &labels, &mut rec.target, 220.0, "  ");
    let [year, text, value, unit] = &rec.target;
    let mut target = Map::new();
    let mut wrong = None;
    match year.trim() {
        "" => {}
        y => match y.parse::<i32>() {
            Ok(y) if (1949..=2100).contains(&y) => {
                target.insert("year".into(), json!(y));
            }
            _ => wrong = Some(lang.tr("Expected a year (1949–2100)")),
        },
    }
    if !text.trim().is_empty() {
        target.insert("text_zh".into(), json!(text.trim()));
        target.insert("metric".into(), json!(text.trim()));
    }
    match value.trim() {
        "" => {}
        v => match v.parse::<f64>() {
            Ok(x) if x.is_finite() => {
                target.insert("value".into(), json!(x));
            }
            _ => wrong = Some(lang.tr("Expected a number (empty for none)")),
        },
    }
    if !unit.trim().is_empty() {
        target.insert("unit".into(), json!(unit.trim()));
    }
    if let Some(w) = wrong {
        red(ui, w);
    }
    let ready = wrong.is_none() && target.contains_key("metric");
    if ui
        .add_enabled(ready, egui::Button::new(lang.tr("Add target")))
        .clicked()
    {
        let made = form.cite(lang, out, |source| {
            vec![Change::AddTarget {
                park: p.id.clone(),
                target,
                source: Some(source),
            }]
        });
        if made {
            rec.target = Default::default();
        }
    }
}

/// Draw the park's outline on the map.
pub fn outline_ui(ui: &mut Ui, p: &Park, drawing: bool, lang: Lang, out: &mut Vec<Command>) {
    if drawing {
        ui.label(lang.tr("Click the corners on the map; a double click closes the outline (Esc cancels). Corners snap to parks' and counties' corners within 8 px."));
        if ui.button(lang.tr("Cancel")).clicked() {
            out.push(Command::DrawOutline(None));
        }
    } else if ui.button(lang.tr("Draw outline…")).clicked() {
        out.push(Command::DrawOutline(Some(p.id.clone())));
    }
}

/// Remove one of the park's targets.
pub fn remove_target_ui(
    ui: &mut Ui,
    p: &Park,
    props: &Value,
    form: &EditForm,
    rec: &mut RecordsForm,
    lang: Lang,
    out: &mut Vec<Command>,
) {
    if p.targets.is_empty() {
        return;
    }
    let targets: &[Value] = props["targets"].as_array().map_or(&[], Vec::as_slice);
    let name = |i: Option<usize>| {
        i.and_then(|i| p.targets.get(i)).map_or_else(
            || "—".to_owned(),
            |t| {
                let what = t
                    .text
                    .clone()
                    .or_else(|| t.metric.clone())
                    .unwrap_or_default();
                let year = t.year.map(|y| format!("{y} ")).unwrap_or_default();
                format!("{year}{what}")
            },
        )
    };
    ui.horizontal(|ui| {
        let label = ui.label(lang.tr("Target to remove"));
        ComboBox::from_id_salt("edit_target_pick")
            .selected_text(name(rec.target_pick))
            .width(220.0)
            .show_ui(ui, |ui| {
                for i in 0..p.targets.len() {
                    ui.selectable_value(&mut rec.target_pick, Some(i), name(Some(i)));
                }
            })
            .response
            .labelled_by(label.id);
    });
    let chosen = rec.target_pick.filter(|i| *i < targets.len());
    if ui
        .add_enabled(
            chosen.is_some(),
            egui::Button::new(lang.tr("Remove target")),
        )
        .clicked()
        && let Some(i) = chosen
    {
        let made = form.cite(lang, out, |source| {
            vec![Change::RemoveTarget {
                park: p.id.clone(),
                target: i,
                from: targets[i].clone(),
                source: Some(source),
            }]
        });
        if made {
            rec.target_pick = None;
        }
    }
}

/// Delete the park, with its projects and targets: asked first.
pub fn delete_ui(
    ui: &mut Ui,
    p: &Park,
    form: &EditForm,
    rec: &mut RecordsForm,
    lang: Lang,
    out: &mut Vec<Command>,
) {
    let text = if rec.confirm_delete {
        format!(
            "{} ({} {})",
            lang.tr("Yes, delete it"),
            p.projects.len(),
            lang.tr("projects go with it")
        )
    } else {
        lang.tr("Delete park…").to_owned()
    };
    ui.horizontal(|ui| {
        if ui.button(text).clicked() {
            if !rec.confirm_delete {
                rec.confirm_delete = true;
            } else {
                rec.confirm_delete = false;
                form.cite(lang, out, |source| {
                    vec![Change::RemovePark {
                        park: p.id.clone(),
                        from: p.name_zh.clone().map_or(Value::Null, Value::from),
                        source: Some(source),
                    }]
                });
            }
        }
        if rec.confirm_delete && ui.button(lang.tr("Cancel")).clicked() {
            rec.confirm_delete = false;
        }
    });
}

/// Add a new park as a point. Its source: the form's new source, or a copy of the selected
/// park's chosen source.
pub fn new_park_ui(
    ui: &mut Ui,
    atlas: &Atlas,
    selected: Option<&Park>,
    form: &EditForm,
    rec: &mut RecordsForm,
    lang: Lang,
    out: &mut Vec<Command>,
) {
    let zh = lang.is_zh();
    egui::CollapsingHeader::new(lang.tr("Add a park"))
        .id_salt("edit_new_park")
        .show(ui, |ui| {
            let labels = [
                lang.tr("Id (letters, digits, _)"),
                lang.tr("Name (Chinese)"),
                lang.tr("County"),
                lang.tr("Longitude"),
                lang.tr("Latitude"),
            ];
            egui::Grid::new("edit_new_park_grid")
                .num_columns(2)
                .show(ui, |ui| {
                    for (k, (label, value)) in labels.iter().zip(rec.new_park.iter_mut()).enumerate() {
                        let l = ui.label(*label);
                        if k == 2 {
                            let shown = atlas
                                .counties
                                .iter()
                                .find(|c| c.adcode == *value)
                                .map_or("—", |c| c.name(zh));
                            ComboBox::from_id_salt("edit_new_park_county")
                                .selected_text(shown)
                                .show_ui(ui, |ui| {
                                    for c in &atlas.counties {
                                        ui.selectable_value(value, c.adcode.clone(), c.name(zh));
                                    }
                                })
                                .response
                                .labelled_by(l.id);
                        } else {
                            ui.add(TextEdit::singleline(value).desired_width(200.0))
                                .labelled_by(l.id);
                        }
                        ui.end_row();
                    }
                });
            if form.picking {
                ui.label(lang.tr("Click the park's place on the map."));
            } else if ui.button(lang.tr("Place it on the map…")).clicked() {
                out.push(Command::PickPoint(true));
            }
            let [id, name, county, lon, lat] = &rec.new_park;
            let point = lon
                .trim()
                .parse::<f64>()
                .ok()
                .zip(lat.trim().parse::<f64>().ok())
                .filter(|(x, y)| (-180.0..=180.0).contains(x) && (-90.0..=90.0).contains(y));
            let id_ok = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !id.is_empty() && !id_ok {
                red(ui, lang.tr("An id is letters, digits, _ and - only."));
            }
            if (!lon.is_empty() || !lat.is_empty()) && point.is_none() {
                red(ui, lang.tr("Expected a longitude and a latitude in degrees (WGS-84)."));
            }
            let ready = id_ok && !name.trim().is_empty() && point.is_some();
            if ui
                .add_enabled(ready, egui::Button::new(lang.tr("Add park")))
                .clicked()
            {
                // A new park has no sources yet: a source of the selected park is copied.
                let source = match form.source_ref(lang) {
                    Ok(SourceRef::Id(sid)) => selected
                        .and_then(|p| p.sources.get(&sid))
                        .and_then(|s| serde_json::to_value(s).ok())
                        .and_then(|v| v.as_object().cloned())
                        .map(|mut m| {
                            m.insert("id".into(), json!(sid));
                            SourceRef::New(m)
                        })
                        .ok_or_else(|| lang.tr("Every change cites a source: choose one of the park's, or give the new source a title or an outlet.").to_owned()),
                    other => other,
                };
                match (source, point) {
                    (Ok(source), Some((x, y))) => {
                        let mut props = Map::new();
                        props.insert("name_zh".into(), json!(name.trim()));
                        props.insert("tier".into(), json!("unknown"));
                        props.insert("role".into(), json!("park"));
                        let counties: Vec<&str> =
                            [county.as_str()].into_iter().filter(|c| !c.is_empty()).collect();
                        props.insert("county_adcodes".into(), json!(counties));
                        props.insert("clusters".into(), json!([]));
                        props.insert("location_accuracy_km".into(), Value::Null);
                        out.push(Command::Edit(Change::AddPark {
                            park: id.clone(),
                            properties: props,
                            geometry: json!({"type": "Point", "coordinates": [x, y]}),
                            source: Some(source),
                        }));
                        out.push(Command::Select(id.clone()));
                        rec.new_park = Default::default();
                    }
                    (Err(e), _) => out.push(Command::EditRefused(e)),
                    (_, None) => {}
                }
            }
        });
}
