//! The attribute table (bottom panel): the shown parks, their projects, or a layer's features
//! in a sortable, virtualised table (only the rows on screen are laid out) with a column
//! chooser. A row click selects and flies to it; the map's selection is highlighted (and
//! scrolled to) here; Ctrl+C copies the selected rows as tab-separated text.

use std::collections::{BTreeMap, BTreeSet};

use egui::{Key, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::ViewContext;
use crate::command::{Command, toggle_held};
use crate::i18n::Lang;
use crate::table::{RowKey, Table, features_table, parks_table, projects_table};

/// Which table is shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Tab {
    /// The parks that pass the filters.
    #[default]
    Parks,
    /// Their projects.
    Projects,
    /// A layer's features (the layer's path, or its name when it has none).
    Layer(String),
}

type CacheKey = (u64, u64, Tab, Lang, Option<(usize, bool)>);

/// The table panel's state.
#[derive(Debug, Default)]
pub struct TablePanel {
    /// Which table.
    pub tab: Tab,
    /// Sorted by this column, ascending or not.
    sort: Option<(usize, bool)>,
    /// Hidden columns per kind of table.
    hidden: BTreeMap<String, BTreeSet<String>>,
    cache: Option<(CacheKey, Table, Vec<usize>)>,
    /// A row was the last thing clicked: Ctrl+C copies rows.
    pub active: bool,
    /// The selection last seen, to scroll to it when the map changes it.
    seen: u64,
    scroll_to: Option<usize>,
    /// The text last put on the clipboard (tests read it).
    pub copied: Option<String>,
}

impl TablePanel {
    fn kind(&self) -> String {
        match &self.tab {
            Tab::Parks => "parks".into(),
            Tab::Projects => "projects".into(),
            Tab::Layer(k) => format!("layer:{k}"),
        }
    }

    /// The table on screen, in its sorted order (built when data, filters, tab, language or
    /// sort change).
    pub fn current(&mut self, view: &ViewContext<'_>) -> (&Table, &[usize]) {
        let atlas = view.atlas;
        if let Tab::Layer(k) = &self.tab
            && !atlas.layers.iter().any(|l| l.key() == *k)
        {
            self.tab = Tab::Parks;
            self.sort = None;
        }
        let key: CacheKey = (
            view.generation,
            view.shown_generation,
            self.tab.clone(),
            view.lang,
            self.sort,
        );
        if self.cache.as_ref().is_none_or(|c| c.0 != key) {
            let zh = view.lang.is_zh();
            let table = match &self.tab {
                Tab::Parks => parks_table(atlas, view.shown, zh),
                Tab::Projects => projects_table(atlas, view.shown, zh),
                Tab::Layer(k) => atlas
                    .layers
                    .iter()
                    .position(|l| l.key() == *k)
                    .map(|i| features_table(atlas, i))
                    .unwrap_or_default(),
            };
            let order = match self.sort {
                Some((c, asc)) if c < table.columns.len() => table.sorted(c, asc),
                _ => (0..table.len()).collect(),
            };
            self.cache = Some((key, table, order));
        }
        match &self.cache {
            Some((_, t, o)) => (t, o),
            None => (&EMPTY, &[]),
        }
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut Ui, view: &ViewContext<'_>, commands: &mut Vec<Command>) {
        let lang = view.lang;
        ui.horizontal(|ui| {
            ui.strong(lang.tr("Attribute table"));
            ui.separator();
            let mut tabs = vec![
                (
                    Tab::Parks,
                    format!("{} ({})", lang.tr("Parks"), view.shown.len()),
                ),
                (Tab::Projects, lang.tr("Projects").to_owned()),
            ];
            tabs.extend(
                view.atlas
                    .layers
                    .iter()
                    .map(|l| (Tab::Layer(l.key()), format!("{} ({})", l.name, l.len()))),
            );
            for (tab, text) in tabs {
                if ui.selectable_label(self.tab == tab, text).clicked() && self.tab != tab {
                    self.tab = tab;
                    self.sort = None;
                }
            }
            ui.separator();
            let kind = self.kind();
            let columns = self.current(view).0.columns.clone();
            let hidden = self.hidden.entry(kind).or_default();
            ui.menu_button(lang.tr("Columns"), |ui| {
                for c in &columns {
                    let mut on = !hidden.contains(c);
                    if ui.checkbox(&mut on, c).changed() {
                        if on {
                            hidden.remove(c);
                        } else {
                            hidden.insert(c.clone());
                        }
                    }
                }
            });
            ui.weak(lang.tr("Click a row to select it; Ctrl+C copies the selected rows."));
        });
        self.copy_on_request(ui, view);
        self.follow_selection(view);
        let kind = self.kind();
        let hidden = self.hidden.get(&kind).cloned().unwrap_or_default();
        let scroll_to = self.scroll_to.take();
        let mut sort = self.sort;
        let mut clicked_row = None;
        let (table, order) = self.current(view);
        let visible: Vec<usize> = (0..table.columns.len())
            .filter(|&c| table.columns.get(c).is_some_and(|n| !hidden.contains(n)))
            .collect();
        if table.is_empty() {
            ui.weak(lang.tr("No rows."));
            return;
        }
        let row_h = 20.0;
        let mut builder = TableBuilder::new(ui)
            .id_salt(("attribute_table", kind))
            .striped(true)
            .sense(egui::Sense::click())
            .min_scrolled_height(0.0)
            .max_scroll_height(f32::INFINITY);
        for _ in &visible {
            builder = builder.column(
                Column::initial(130.0)
                    .at_least(40.0)
                    .resizable(true)
                    .clip(true),
            );
        }
        if let Some(r) = scroll_to {
            builder = builder.scroll_to_row(r, Some(egui::Align::Center));
        }
        builder
            .header(row_h + 2.0, |mut header| {
                for &c in &visible {
                    header.col(|ui| {
                        let name = table.columns.get(c).map_or("", String::as_str);
                        let arrow = match sort {
                            Some((s, true)) if s == c => " ↑",
                            Some((s, false)) if s == c => " ↓",
                            _ => "",
                        };
                        let b = ui.add(
                            egui::Button::new(RichText::new(format!("{name}{arrow}")).strong())
                                .frame(false),
                        );
                        if b.clicked() {
                            sort = match sort {
                                Some((s, true)) if s == c => Some((c, false)),
                                _ => Some((c, true)),
                            };
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(row_h, order.len(), |mut row| {
                    let Some(&r) = order.get(row.index()) else {
                        return;
                    };
                    let key = table.keys.get(r).copied();
                    row.set_selected(key.is_some_and(|k| is_selected(view, k)));
                    let cells = table.rows.get(r);
                    for &c in &visible {
                        row.col(|ui| {
                            let text = cells
                                .and_then(|cells| cells.get(c))
                                .map(crate::table::Cell::display)
                                .unwrap_or_default();
                            ui.add(egui::Label::new(text).truncate().selectable(false));
                        });
                    }
                    if row.response().clicked() {
                        clicked_row = key;
                    }
                });
            });
        self.sort = sort;
        if let Some(key) = clicked_row {
            self.active = true;
            let toggle = ui.input(|i| toggle_held(&i.modifiers));
            commands.extend(row_commands(view, key, toggle));
            // The click is this table's: do not scroll back to it.
            self.seen = selection_hash(view);
        }
    }

    /// Ctrl+C (or the system's copy) while the table is active: the selected rows, in the
    /// table's order and columns, as tab-separated text.
    fn copy_on_request(&mut self, ui: &Ui, view: &ViewContext<'_>) {
        if !self.active {
            return;
        }
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        let copy = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, Key::C);
        let asked = ui.input_mut(|i| {
            i.events.iter().any(|e| matches!(e, egui::Event::Copy)) || i.consume_shortcut(&copy)
        });
        if !asked {
            return;
        }
        let hidden = self.hidden.get(&self.kind()).cloned().unwrap_or_default();
        let (table, order) = self.current(view);
        let rows: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&r| table.keys.get(r).is_some_and(|&k| is_selected(view, k)))
            .collect();
        if rows.is_empty() {
            return;
        }
        let columns: Vec<usize> = (0..table.columns.len())
            .filter(|&c| table.columns.get(c).is_some_and(|n| !hidden.contains(n)))
            .collect();
        let text = table.tsv(&rows, &columns);
        ui.ctx().copy_text(text.clone());
        self.copied = Some(text);
    }

    /// When the selection changed elsewhere (the map), scroll to its first row.
    fn follow_selection(&mut self, view: &ViewContext<'_>) {
        let h = selection_hash(view);
        if h == self.seen {
            return;
        }
        self.seen = h;
        let (table, order) = self.current(view);
        self.scroll_to = order
            .iter()
            .position(|&r| table.keys.get(r).is_some_and(|&k| is_selected(view, k)));
    }
}

static EMPTY: Table = Table {
    columns: Vec::new(),
    keys: Vec::new(),
    rows: Vec::new(),
};

fn selection_hash(view: &ViewContext<'_>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for id in view.selection.ids() {
        id.hash(&mut h);
    }
    view.identified.hash(&mut h);
    h.finish()
}

fn is_selected(view: &ViewContext<'_>, key: RowKey) -> bool {
    match key {
        RowKey::Park(i) | RowKey::Project { park: i, .. } => view
            .atlas
            .parks
            .get(i)
            .is_some_and(|p| view.selection.contains(&p.id)),
        RowKey::Feature(i) => view.identified == Some(i),
    }
}

fn row_commands(view: &ViewContext<'_>, key: RowKey, toggle: bool) -> Vec<Command> {
    match key {
        RowKey::Park(i) | RowKey::Project { park: i, .. } => {
            let Some(p) = view.atlas.parks.get(i) else {
                return Vec::new();
            };
            if toggle {
                vec![Command::Toggle(p.id.clone())]
            } else {
                vec![Command::SelectAndFly(p.id.clone())]
            }
        }
        RowKey::Feature(i) => vec![Command::ShowFeature(i)],
    }
}
