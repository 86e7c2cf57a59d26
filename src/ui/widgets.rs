//! Small widgets the panels share: cluster chips, numbered source links, the source list,
//! "unknown" and "2021 article only" marks, label rows.

use egui::{Color32, RichText, Ui};

use crate::i18n::Lang;
use crate::model::{Atlas, Sources};

/// A coloured chip for a cluster.
pub fn cluster_chip(ui: &mut Ui, atlas: &Atlas, id: &str, lang: Lang) {
    let zh = lang.is_zh();
    let (name, color) = match atlas.taxonomy.cluster(id) {
        Some(c) => {
            let [r, g, b] = c.rgb();
            (c.name(zh).to_owned(), Color32::from_rgb(r, g, b))
        }
        None => (id.to_owned(), Color32::GRAY),
    };
    let text_color = if color.r() as u32 + color.g() as u32 + color.b() as u32 > 450 {
        Color32::BLACK
    } else {
        Color32::WHITE
    };
    // One atomic label (text on a coloured background), so that a wrapped row can move the
    // whole chip to the next line.
    let text = RichText::new(format!(" {name} "))
        .color(text_color)
        .background_color(color)
        .size(12.5);
    let chip = ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend));
    if let Some(alias) = atlas.taxonomy.cluster(id).and_then(|c| c.alias_in(zh)) {
        chip.on_hover_text(in_lang(lang, alias));
    }
}

/// Small "[n]" links to sources, numbered by their place in `sources`. Hover shows the
/// outlet and date; click opens the address.
pub fn source_refs(ui: &mut Ui, sources: &Sources, ids: &[&str]) {
    for id in ids {
        let Some((n, (_, s))) = sources
            .iter()
            .enumerate()
            .find(|(_, (k, _))| k.as_str() == *id)
        else {
            ui.weak(format!("[{id}?]"));
            continue;
        };
        let hover = format!(
            "{}{}{}",
            s.title
                .as_deref()
                .map(|t| format!("{t}\n"))
                .unwrap_or_default(),
            s.outlet.as_deref().unwrap_or(""),
            s.date
                .as_deref()
                .map(|d| format!(", {d}"))
                .unwrap_or_default()
        );
        let text = RichText::new(format!("[{}]", n + 1)).small();
        match s.link() {
            Some(url) => {
                ui.hyperlink_to(text, url).on_hover_text(hover);
            }
            None => {
                ui.label(text)
                    .on_hover_text(format!("{hover}\n{}", s.url.as_deref().unwrap_or("")));
            }
        }
    }
}

/// The numbered list of sources.
pub fn sources_list(ui: &mut Ui, sources: &Sources, lang: Lang) {
    sources_list_of(ui, sources, lang, None);
}

/// The numbered list of sources, only those named in `only` when it is given (numbered as in
/// the whole list, so that "[3]" is the same source everywhere).
pub fn sources_list_of(ui: &mut Ui, sources: &Sources, lang: Lang, only: Option<&[String]>) {
    for (n, (id, s)) in sources.iter().enumerate() {
        if only.is_some_and(|ids| !ids.contains(id)) {
            continue;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("[{}]", n + 1)).small().strong());
            let mut text = String::new();
            if let Some(t) = &s.title {
                text.push_str(t);
                text.push_str(" — ");
            }
            let zh = lang.is_zh();
            if let Some(o) = s.text_in("outlet", zh) {
                text.push_str(&in_lang(lang, o));
            }
            if let Some(d) = s.text_in("date", zh) {
                text.push_str(&format!(" ({})", in_lang(lang, d)));
            }
            if let Some(q) = s.text_in("quality", zh) {
                text.push_str(&format!(
                    " · {}: {}",
                    lang.tr("reliability"),
                    in_lang(lang, q)
                ));
            }
            match s.link() {
                Some(url) => {
                    ui.hyperlink_to(RichText::new(text).small(), url)
                        .on_hover_text(url);
                }
                None => {
                    ui.label(RichText::new(text).small())
                        .on_hover_text(s.url.as_deref().unwrap_or(""));
                }
            }
        });
    }
}

/// Marks a claim that only the 2021 conference article makes.
pub fn article_only_badge(ui: &mut Ui, lang: Lang) {
    ui.label(
        RichText::new(lang.tr("2021 article only"))
            .small()
            .color(Color32::from_rgb(0xb0, 0x50, 0x00)),
    )
    .on_hover_text(lang.tr("Only the 2021 conference article makes this claim."));
}

/// A text picked in the interface language (see `model::pick_text`), followed by "(in English
/// only)" / "(in Chinese only)" when it is in the other language.
pub fn in_lang(lang: Lang, (text, fell_back): (&str, bool)) -> String {
    if !fell_back {
        return text.to_owned();
    }
    let note = if lang.is_zh() {
        lang.tr("in English only")
    } else {
        lang.tr("in Chinese only")
    };
    format!("{text} ({note})")
}

/// "unknown", greyed: what the UI shows for every value no source gives.
pub fn unknown(ui: &mut Ui, lang: Lang) {
    ui.label(
        RichText::new(lang.tr("unknown"))
            .italics()
            .color(Color32::from_gray(120)),
    );
}

/// A bold "label:" followed by whatever `add` draws, wrapping as one row.
pub fn row(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui)) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("{label}:")).strong());
        add(ui);
    });
}

/// Red for errors, green for news.
pub fn status_color(error: bool) -> Color32 {
    if error {
        Color32::from_rgb(0xb0, 0x20, 0x20)
    } else {
        Color32::from_rgb(0x20, 0x70, 0x30)
    }
}

/// A qualifier ("about", "more than", …) in the interface language.
pub fn qualifier(lang: Lang, q: &str) -> &'static str {
    crate::model::QUALIFIERS
        .iter()
        .find(|x| **x == q)
        .map_or("", |x| lang.tr(x))
}
