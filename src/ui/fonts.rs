//! Chinese glyphs: egui's default fonts have none, so the Noto Sans SC subset (GB2312 + Latin,
//! OFL-1.1, `assets/fonts/`) is added as a fallback behind the default fonts.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

pub use crate::render::{NOTO_SANS_SC, NOTO_SANS_SC_SUPPLEMENT};

/// Font definitions with Noto Sans SC as fallback for both families.
pub fn font_definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    for (name, bytes) in [
        ("noto_sans_sc", NOTO_SANS_SC),
        ("noto_sans_sc_supplement", NOTO_SANS_SC_SUPPLEMENT),
    ] {
        fonts
            .font_data
            .insert(name.to_owned(), Arc::new(FontData::from_static(bytes)));
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            fonts
                .families
                .entry(family)
                .or_default()
                .push(name.to_owned());
        }
    }
    fonts
}

/// The smallest text the window shows, in points: egui's own "small" style is 9 pt, too small
/// to read Chinese notes on a normal screen.
pub const SMALLEST_TEXT: f32 = 12.0;

/// Installs the fonts in a context, with text sizes no smaller than [`SMALLEST_TEXT`].
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(font_definitions());
    ctx.all_styles_mut(|style| {
        use egui::{FontId, TextStyle};
        let sizes = [
            (TextStyle::Small, FontId::proportional(SMALLEST_TEXT)),
            (TextStyle::Body, FontId::proportional(13.0)),
            (TextStyle::Monospace, FontId::monospace(12.5)),
            (TextStyle::Heading, FontId::proportional(19.0)),
        ];
        for (style_name, font) in sizes {
            style.text_styles.insert(style_name, font);
        }
    });
}
