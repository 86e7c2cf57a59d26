//! Map images and the PDF brief, made headless by the command line: PNG sizes, the SVG scene's
//! content, and the PDF's text as `pdftotext` (poppler-utils, installed by
//! `scripts/setup-debian.sh --ci`) extracts it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;

fn run(args: &[&str], out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_park-atlas"))
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

fn atlas() -> park_atlas::Atlas {
    park_atlas::io::load_embedded().unwrap().atlas
}

#[test]
fn a_png_map_has_the_width_asked_for_and_the_city_s_shape() {
    let dir = tempfile::tempdir().unwrap();
    for width in [640u32, 2000] {
        let out = dir.path().join(format!("petro-{width}.png"));
        run(
            &[
                "map",
                "--cluster",
                "green_petrochem",
                "--width",
                &width.to_string(),
            ],
            &out,
        );
        let bytes = std::fs::read(&out).unwrap();
        let (w, h) = png_size(&bytes);
        assert_eq!(w, width);
        // Zhanjiang is taller than wide: portrait, in proportion at every width.
        let ratio = f64::from(h) / f64::from(w);
        assert!((1.3..1.7).contains(&ratio), "{w}×{h}");
    }
    let out = dir.path().join("bad.jpg");
    let o = Command::new(env!("CARGO_BIN_EXE_park-atlas"))
        .args(["map", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "a .jpg is a usage error");
    assert!(!out.exists());
}

#[test]
fn an_svg_map_names_the_counties_the_clusters_and_the_title() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("steel.svg");
    run(
        &[
            "map",
            "--cluster",
            "green_steel",
            "--lang",
            "en",
            "--title",
            "Green steel parks",
        ],
        &out,
    );
    let svg = std::fs::read_to_string(&out).unwrap();
    // It parses as SVG (with the shipped fonts).
    let tree = park_atlas::render::svg_tree(&svg).unwrap();
    assert!(tree.size().width() > 1000.0);
    let a = atlas();
    for c in &a.counties {
        assert!(svg.contains(c.name(false)), "county {}", c.name(false));
    }
    assert!(svg.contains(">Green steel parks<"));
    assert!(svg.contains(">Green steel<"), "legend entry");
    assert!(svg.contains("approximate"));
    assert!(svg.contains("OpenStreetMap"));
    assert!(svg.contains(">N<"), "north arrow");
    assert!(svg.contains(" km<"), "scale bar");
    // One highlighted marker or shape per chosen park at least; the others faint.
    let steel = a
        .parks
        .iter()
        .filter(|p| p.clusters.iter().any(|c| c == "green_steel"))
        .count();
    let highlighted =
        svg.matches(r#"r="5.5""#).count() + svg.matches("fill-opacity=\"0.45\"").count();
    assert!(highlighted >= steel, "{highlighted} < {steel}");
    assert_eq!(svg.matches(r#"r="2.6""#).count(), a.parks.len() - steel);
}

#[test]
fn the_pdf_brief_has_names_investors_sources_and_the_date_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("brief.pdf");
    run(
        &[
            "brief",
            "--id",
            "zhanjiang_etdz,basf_zhanjiang_verbund",
            "--lang",
            "en",
            "--date",
            "2026-11-25",
        ],
        &out,
    );
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&out)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: scripts/setup-debian.sh --ci installs it");
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    let a = atlas();
    for id in ["zhanjiang_etdz", "basf_zhanjiang_verbund"] {
        let p = a.park(id).unwrap();
        let zh = p.name_zh.as_deref().unwrap();
        let en = p.name_en.as_deref().unwrap();
        assert!(text.contains(zh), "{zh} not in the brief");
        assert!(text.contains(en), "{en} not in the brief");
        for pr in &p.projects {
            if let Some(inv) = &pr.investor {
                assert!(
                    text.contains(inv.as_str()),
                    "investor {inv} not in the brief"
                );
            }
        }
        // Every source address of the park is listed.
        for s in p.sources.values() {
            if let Some(u) = s
                .url
                .as_deref()
                .filter(|u| u.starts_with("http") && u.len() < 90)
            {
                assert!(text.contains(u), "source {u} not in the brief");
            }
        }
    }
    assert!(text.contains("2026-11-25"), "the date in the footer");
    assert!(text.contains("Park locations are approximate"));
    // Each source says how far it can be trusted.
    assert!(
        text.contains("reliability: good for coordinates/area"),
        "{text}"
    );
    // The map page's text comes from the same scene (county names).
    assert!(text.contains(a.counties[0].name(false)));
    // Every web address is a link a click opens (the remark after an address is not in it).
    let urls = Command::new("pdfinfo")
        .arg("-url")
        .arg(&out)
        .output()
        .unwrap();
    let urls = String::from_utf8_lossy(&urls.stdout);
    let links: std::collections::BTreeSet<&str> = urls
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    let mut expected = std::collections::BTreeSet::new();
    for id in ["zhanjiang_etdz", "basf_zhanjiang_verbund"] {
        expected.extend(
            a.park(id)
                .unwrap()
                .sources
                .values()
                .filter_map(|s| s.link()),
        );
    }
    assert_eq!(links, expected, "{urls}");
    assert!(links.contains("https://www.geonames.org/"), "{urls}");
    // The font is embedded as a subset.
    let fonts = Command::new("pdffonts").arg(&out).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(fonts.contains("NotoSansCJKsc"), "{fonts}");
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes yes ")),
        "{fonts}"
    );
}

#[test]
fn the_picture_fonts_draw_every_character_of_the_embedded_data() {
    // The map pictures and the brief use only the shipped fonts (no system fonts, unlike the
    // window, which also has egui's): a character missing from both is drawn as a blank.
    use park_atlas::io::dataset::embedded;
    use park_atlas::render::{NOTO_SANS_SC, NOTO_SANS_SC_SUPPLEMENT};
    let mut texts = Vec::new();
    for file in [embedded::PARKS, embedded::CLUSTERS, embedded::CITYWIDE] {
        common::strings(&serde_json::from_str(file).unwrap(), &mut texts);
    }
    let text = texts.concat();
    let main = ttf_parser::Face::parse(NOTO_SANS_SC, 0).unwrap();
    let supplement = ttf_parser::Face::parse(NOTO_SANS_SC_SUPPLEMENT, 0).unwrap();
    let missing: std::collections::BTreeSet<char> = text
        .chars()
        .filter(|c| !c.is_control())
        .filter(|&c| main.glyph_index(c).is_none() && supplement.glyph_index(c).is_none())
        .collect();
    assert!(missing.is_empty(), "no glyph for {missing:?}");
}

/// `park-atlas map --cluster green_petrochem --lang zh` as SVG text.
fn green_petrochem_svg() -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("petro.svg");
    run(
        &["map", "--cluster", "green_petrochem", "--lang", "zh"],
        &out,
    );
    std::fs::read_to_string(&out).unwrap()
}

#[test]
fn every_chosen_park_is_labelled_when_one_of_its_points_has_room() {
    // The agglomeration zone's and the ETDZ's first points sit on the crowded Donghai
    // centroid; their labels go to another of their points, or above or below one.
    let svg = green_petrochem_svg();
    let a = atlas();
    let chosen: Vec<_> = a
        .parks
        .iter()
        .filter(|p| p.hosted_clusters().any(|c| c == "green_petrochem"))
        .collect();
    assert_eq!(chosen.len(), 7);
    for p in chosen {
        let name = park_atlas::model::short_name(p.name(true));
        assert!(
            svg.contains(&format!(r#"fill="black">{name}</text>"#)),
            "{name} has no label"
        );
    }
}

/// The numbers after `key="` in each element of `svg` that contains `marker`.
fn attrs(svg: &str, marker: &str, keys: [&str; 2]) -> Vec<(f64, f64, String)> {
    svg.split('<')
        .filter(|e| e.contains(marker))
        .filter_map(|e| {
            let num = |k: &str| -> Option<f64> {
                let rest = e.split(&format!(" {k}=\"")).nth(1)?;
                rest.split('"').next()?.parse().ok()
            };
            let text = e.split('>').nth(1).unwrap_or("").to_owned();
            Some((num(keys[0])?, num(keys[1])?, text))
        })
        .collect()
}

#[test]
fn county_names_keep_off_the_chosen_parks_markers() {
    let svg = green_petrochem_svg();
    let markers = attrs(&svg, r#"r="5.5""#, ["cx", "cy"]);
    let counties = attrs(&svg, r#"font-size="13""#, ["x", "y"]);
    assert!(markers.len() >= 7 && counties.len() == 9);
    for (x, y, name) in &counties {
        // The name's box: 13 px per character, centred on x, baseline y.
        let half = 13.0 * name.chars().count() as f64 / 2.0;
        for (cx, cy, _) in &markers {
            let clear = cx + 5.5 < x - half
                || cx - 5.5 > x + half
                || cy + 5.5 < y - 11.0
                || cy - 5.5 > y + 3.0;
            assert!(
                clear,
                "{name} at ({x}, {y}) under the marker at ({cx}, {cy})"
            );
        }
    }
}

/// Rasterises an SVG 600 px wide with these fonts (an empty database: a reader without any).
fn raster(svg: &str, options: &resvg::usvg::Options) -> resvg::tiny_skia::Pixmap {
    let tree = resvg::usvg::Tree::from_str(svg, options).unwrap();
    let scale = 600.0 / tree.size().width();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(600, (tree.size().height() * scale).round() as u32).unwrap();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
}

/// The share of pixels that differ clearly between two pictures of one size.
fn differing(a: &resvg::tiny_skia::Pixmap, b: &resvg::tiny_skia::Pixmap) -> f64 {
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    let n = a
        .pixels()
        .iter()
        .zip(b.pixels())
        .filter(|(p, q)| {
            let d = |x: u8, y: u8| x.abs_diff(y);
            d(p.red(), q.red())
                .max(d(p.green(), q.green()))
                .max(d(p.blue(), q.blue()))
                > 64
        })
        .count();
    n as f64 / a.pixels().len() as f64
}

#[test]
fn an_svg_with_text_as_outlines_looks_the_same_in_a_reader_without_chinese_fonts() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, outlined) = (dir.path().join("t.svg"), dir.path().join("o.svg"));
    run(&["map", "--cluster", "green_petrochem"], &plain);
    run(
        &["map", "--cluster", "green_petrochem", "--outline-text"],
        &outlined,
    );
    let plain = std::fs::read_to_string(&plain).unwrap();
    let outlined = std::fs::read_to_string(&outlined).unwrap();
    assert!(plain.contains("<text"));
    assert!(!outlined.contains("<text"), "no text element is left");
    assert!(
        !outlined.contains("湛江"),
        "names are shapes, not characters"
    );

    // What the plain SVG looks like with our fonts, and in a reader without any font.
    let with_fonts = raster(&plain, &park_atlas::render::svg_options());
    let no_fonts = resvg::usvg::Options::default();
    let plain_bare = raster(&plain, &no_fonts);
    let outlined_bare = raster(&outlined, &no_fonts);
    // Without fonts the plain file loses its labels, title and legend…
    assert!(
        differing(&with_fonts, &plain_bare) > 0.002,
        "{}",
        differing(&with_fonts, &plain_bare)
    );
    // …the outlined one draws them all the same.
    assert!(
        differing(&with_fonts, &outlined_bare) < 0.0005,
        "{}",
        differing(&with_fonts, &outlined_bare)
    );

    // A PNG has no text to outline: said, not ignored.
    let o = Command::new(env!("CARGO_BIN_EXE_park-atlas"))
        .args(["map", "--outline-text", "--out"])
        .arg(dir.path().join("x.png"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--outline-text is for SVG"));
}

/// The brief's text (pdftotext, reading order).
fn brief_text(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("brief.pdf");
    let mut all = vec!["brief"];
    all.extend_from_slice(args);
    run(&all, &out);
    let text = Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8(text.stdout).unwrap()
}

#[test]
fn the_brief_sums_up_what_was_signed_in_all_and_county_by_county() {
    use park_atlas::query::{format_totals, stats_by_county, summarize};
    let a = atlas();
    let text = brief_text(&["--cluster", "green_petrochem", "--lang", "zh"]);
    let chosen: Vec<usize> = (0..a.parks.len())
        .filter(|&i| {
            let p = &a.parks[i];
            p.clusters.iter().any(|c| c == "green_petrochem")
                || p.projects
                    .iter()
                    .any(|pr| pr.clusters.iter().any(|c| c == "green_petrochem"))
        })
        .collect();
    let parks: Vec<_> = chosen.iter().map(|&i| &a.parks[i]).collect();
    let s = summarize(&a, &parks);
    assert!(text.contains("汇总"), "{text}");
    let total = format_totals(&s.totals, true).unwrap();
    assert!(
        text.contains(&format!("签约项目 {} 个", s.projects)) && text.contains(&total),
        "{total} not in {text}"
    );
    let counties = stats_by_county(&a, &chosen);
    let mut named = 0;
    for c in &counties {
        let line = format!("{}：园区 {} 个", c.name_zh, c.parks);
        if c.parks > 0 {
            named += 1;
            assert!(text.contains(&line), "{line} not in the brief");
            if let Some(t) = format_totals(&c.totals, true) {
                assert!(text.contains(&format!("签约项目 {} 个，{t}", c.projects)));
            }
        } else {
            assert!(!text.contains(&format!("{}：园区", c.name_zh)));
        }
    }
    assert!(
        named >= 2,
        "the green petrochemical parks lie in several counties"
    );

    // A city-wide batch reported with a park is shown apart, not in the park's total.
    let text = brief_text(&["--id", "lianjiang_htz", "--lang", "en"]);
    let p = a.park("lianjiang_htz").unwrap();
    let s = summarize(&a, &[p]);
    assert!(s.city_wide_projects > 0);
    let apart = format_totals(&s.city_wide_totals, false).unwrap();
    assert!(
        text.contains("city-wide batch") && text.contains(&apart),
        "{apart}: {text}"
    );
    let total = format_totals(&s.totals, false).unwrap();
    assert!(
        text.contains(&format!("signed investment: {total}")),
        "{total}: {text}"
    );
}
