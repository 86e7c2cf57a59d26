//! Pictures and documents without a window or GPU: the map as SVG ([`scene`]), rasterised to
//! PNG with resvg, and the PDF brief ([`brief`]) with krilla — all from one vector scene, with
//! the Noto Sans SC subset shipped in `assets/fonts` for Chinese.

pub mod brief;
pub mod scene;

use std::sync::Arc;

pub use scene::{FONT_FAMILY, MapOptions, map_svg};

/// The font file (GB2312 and Latin), compiled into the program.
pub const NOTO_SANS_SC: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-GB2312-subset.otf");
/// The few characters of the embedded data outside GB2312 (e.g. 㙍 in 塘㙍镇), from the same
/// Noto Sans CJK SC font.
pub const NOTO_SANS_SC_SUPPLEMENT: &[u8] =
    include_bytes!("../../assets/fonts/NotoSansSC-supplement-subset.otf");

/// Rendering failures.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The SVG scene did not parse (a bug).
    #[error("the map scene is not valid SVG: {0}")]
    Svg(#[from] resvg::usvg::Error),
    /// The picture is too large or empty.
    #[error("cannot make a {0} × {1} px picture")]
    Size(u32, u32),
    /// PNG encoding failed.
    #[error("could not encode the PNG: {0}")]
    Png(String),
    /// PDF writing failed.
    #[error("could not write the PDF: {0}")]
    Pdf(String),
}

/// usvg's options with the shipped fonts (and no system fonts: the same picture everywhere).
pub fn svg_options() -> resvg::usvg::Options<'static> {
    let mut db = resvg::usvg::fontdb::Database::new();
    db.load_font_data(NOTO_SANS_SC.to_vec());
    db.load_font_data(NOTO_SANS_SC_SUPPLEMENT.to_vec());
    db.set_sans_serif_family(FONT_FAMILY);
    resvg::usvg::Options {
        font_family: FONT_FAMILY.to_owned(),
        fontdb: Arc::new(db),
        ..resvg::usvg::Options::default()
    }
}

/// Parses an SVG scene with the shipped fonts.
pub fn svg_tree(svg: &str) -> Result<resvg::usvg::Tree, RenderError> {
    Ok(resvg::usvg::Tree::from_str(svg, &svg_options())?)
}

/// The SVG scene with every text converted to outlines drawn with the shipped fonts: the file
/// looks the same in any reader, whether or not it has a Chinese font.
pub fn svg_outlined(svg: &str) -> Result<String, RenderError> {
    let options = resvg::usvg::WriteOptions {
        preserve_text: false,
        ..resvg::usvg::WriteOptions::default()
    };
    Ok(svg_tree(svg)?.to_string(&options))
}

/// Rasterises an SVG scene to PNG bytes, `width_px` wide (the height keeps the aspect).
pub fn png_from_svg(svg: &str, width_px: u32) -> Result<Vec<u8>, RenderError> {
    let tree = svg_tree(svg)?;
    let size = tree.size();
    let scale = width_px as f32 / size.width();
    let height_px = (size.height() * scale).round() as u32;
    if width_px == 0 || height_px == 0 || u64::from(width_px) * u64::from(height_px) > 400_000_000 {
        return Err(RenderError::Size(width_px, height_px));
    }
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width_px, height_px)
        .ok_or(RenderError::Size(width_px, height_px))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Png(e.to_string()))
}
