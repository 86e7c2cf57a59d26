//! The PDF brief of a selection, for a meeting: A4; page 1 the map of the selection (the same
//! scene as `park-atlas map`, as vectors) with its legend and scale bar; then each park (names
//! in both languages, county, tier, clusters, area, location accuracy), its projects (investor,
//! amount with currency, year, status), its targets, and the numbered sources with their
//! addresses. Text is real text (selectable, searchable) in the shipped Noto Sans SC, embedded
//! as a subset; every page's footer gives the date and where the data comes from.

use std::collections::BTreeMap;

use krilla::Document;
use krilla::geom::{Point, Size};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};

use super::{NOTO_SANS_SC, NOTO_SANS_SC_SUPPLEMENT, RenderError, map_svg, svg_tree};
use crate::model::{Atlas, Park};
use crate::query::{format_amount, format_totals, stats_by_county, summarize};

/// What the brief says about itself.
#[derive(Debug, Clone)]
pub struct BriefOptions {
    /// Chinese labels (names are given in both languages either way).
    pub chinese: bool,
    /// The title on page 1.
    pub title: String,
    /// The date in the footer (YYYY-MM-DD).
    pub date: String,
}

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 48.0;
const FOOTER_Y: f32 = PAGE_H - 24.0;

/// The two shipped fonts with their glyph coverage and advances (for wrapping and for
/// switching to the supplement for the few characters outside GB2312).
struct Fonts {
    main: (Font, ttf_parser::Face<'static>),
    supplement: (Font, ttf_parser::Face<'static>),
}

impl Fonts {
    fn new() -> Result<Fonts, RenderError> {
        let load =
            |bytes: &'static [u8]| -> Result<(Font, ttf_parser::Face<'static>), RenderError> {
                let font = Font::new(bytes.to_vec().into(), 0)
                    .ok_or_else(|| RenderError::Pdf("the shipped font does not load".into()))?;
                let face = ttf_parser::Face::parse(bytes, 0).map_err(|e| {
                    RenderError::Pdf(format!("the shipped font does not parse: {e}"))
                })?;
                Ok((font, face))
            };
        Ok(Fonts {
            main: load(NOTO_SANS_SC)?,
            supplement: load(NOTO_SANS_SC_SUPPLEMENT)?,
        })
    }

    /// Which font draws a character (0 main, 1 supplement).
    fn pick(&self, c: char) -> usize {
        if self.main.1.glyph_index(c).is_some() || self.supplement.1.glyph_index(c).is_none() {
            0
        } else {
            1
        }
    }

    fn advance(&self, c: char, size: f32) -> f32 {
        let face = if self.pick(c) == 0 {
            &self.main.1
        } else {
            &self.supplement.1
        };
        let adv = face
            .glyph_index(c)
            .and_then(|g| face.glyph_hor_advance(g))
            .unwrap_or(face.units_per_em() / 2);
        f32::from(adv) * size / f32::from(face.units_per_em())
    }

    fn width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.advance(c, size)).sum()
    }
}

/// One line of text placed on a page.
struct Line {
    x: f32,
    y: f32,
    size: f32,
    text: String,
    grey: bool,
    /// The web address a click on the line opens.
    link: Option<String>,
}

/// Lays out text top to bottom, starting new pages as needed.
struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Line>>,
    y: f32,
}

impl Layout<'_> {
    fn line_break(&mut self, size: f32) {
        let step = size * 1.45;
        if self.y + step > FOOTER_Y - 18.0 {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
        self.y += step;
    }

    /// Writes a paragraph, wrapped at the page width, indented by `indent`.
    fn text(&mut self, text: &str, size: f32, indent: f32, grey: bool) {
        self.text_linked(text, size, indent, grey, None);
    }

    /// [`Self::text`] whose every line opens `link` when clicked.
    fn text_linked(&mut self, text: &str, size: f32, indent: f32, grey: bool, link: Option<&str>) {
        let width = PAGE_W - 2.0 * MARGIN - indent;
        for para in text.split('\n') {
            let mut line = String::new();
            let mut w = 0.0;
            for c in para.chars() {
                let a = self.fonts.advance(c, size);
                if w + a > width && !line.is_empty() {
                    // Break at the last space when there is one in the line's second half.
                    let cut = line
                        .rfind(' ')
                        .filter(|&i| self.fonts.width(&line[..i], size) > width * 0.5);
                    let rest = match cut {
                        Some(i) => {
                            let rest = line[i + 1..].to_owned();
                            line.truncate(i);
                            rest
                        }
                        None => String::new(),
                    };
                    self.push(std::mem::take(&mut line), size, indent, grey, link);
                    line = rest;
                    w = self.fonts.width(&line, size);
                }
                line.push(c);
                w += a;
            }
            self.push(line, size, indent, grey, link);
        }
    }

    fn push(&mut self, text: String, size: f32, indent: f32, grey: bool, link: Option<&str>) {
        self.line_break(size);
        if let Some(page) = self.pages.last_mut() {
            page.push(Line {
                x: MARGIN + indent,
                y: self.y,
                size,
                text,
                grey,
                link: link.map(str::to_owned),
            });
        }
    }

    fn gap(&mut self, h: f32) {
        self.y += h;
    }
}

fn tr<'a>(zh: bool, en: &'a str, zh_text: &'a str) -> &'a str {
    if zh { zh_text } else { en }
}

/// The brief as PDF bytes.
pub fn brief_pdf(
    atlas: &Atlas,
    chosen: &[usize],
    options: &BriefOptions,
) -> Result<Vec<u8>, RenderError> {
    let zh = options.chinese;
    let fonts = Fonts::new()?;
    let parks: Vec<&Park> = chosen.iter().filter_map(|&i| atlas.parks.get(i)).collect();

    // Number the sources in order of first use: (park id, source id) → n.
    let mut numbers: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut sources: Vec<(usize, crate::model::Source)> = Vec::new();
    let mut cite = |p: &Park, ids: &[String]| -> String {
        let mut out = Vec::new();
        for id in ids {
            let Some(s) = p.sources.get(id) else { continue };
            let key = (p.id.clone(), id.clone());
            let n = match numbers.get(&key) {
                Some(&n) => n,
                None => {
                    // The same address cited by two parks gets one number.
                    let same = sources
                        .iter()
                        .find(|(_, o)| o.url.is_some() && o.url == s.url);
                    let n = same.map_or(sources.len() + 1, |(n, _)| *n);
                    if same.is_none() {
                        sources.push((n, s.clone()));
                    }
                    numbers.insert(key, n);
                    n
                }
            };
            out.push(format!("[{n}]"));
        }
        out.join("")
    };

    // Page 1: title, date, the map; its text lines are laid out after the map.
    let map_top = MARGIN + 52.0;
    let (svg, svg_h) = map_svg(
        atlas,
        chosen,
        &super::MapOptions {
            width: 900.0,
            chinese: zh,
            // The page has the title already.
            title: String::new(),
            bounds: None,
        },
    );
    let tree = svg_tree(&svg)?;
    let map_w = PAGE_W - 2.0 * MARGIN;
    let map_h = (map_w * svg_h as f32 / 900.0).min(PAGE_H - map_top - 120.0);
    let map_w = map_h * 900.0 / svg_h as f32;

    let mut layout = Layout {
        fonts: &fonts,
        pages: vec![Vec::new()],
        y: map_top + map_h + 6.0,
    };
    let count = format!(
        "{} {}",
        parks.len(),
        tr(zh, "parks in this brief.", "个园区。")
    );
    layout.text(&count, 10.0, 0.0, false);
    layout.text(
        tr(
            zh,
            "Park locations are approximate: each park gives its uncertainty. Unknown values are marked \"unknown\"; yuan and euros are never added.",
            "园区位置为大致位置，误差范围见各园区。未知的数值标为“未知”；人民币与欧元从不相加。",
        ),
        9.0,
        0.0,
        true,
    );

    // What was signed in these parks, in all and county by county.
    let unknown = tr(zh, "unknown", "未知");
    summary(&mut layout, atlas, chosen, &parks, zh);

    // The parks, each from a new line block.
    for (k, p) in parks.iter().enumerate() {
        layout.gap(10.0);
        let first = if zh {
            p.name_zh.as_deref()
        } else {
            p.name_en.as_deref()
        };
        let second = if zh {
            p.name_en.as_deref()
        } else {
            p.name_zh.as_deref()
        };
        layout.text(
            &format!("{}. {}", k + 1, first.or(second).unwrap_or(&p.id)),
            13.0,
            0.0,
            false,
        );
        if let Some(s) = second.filter(|_| first.is_some()) {
            layout.text(s, 10.0, 12.0, true);
        }
        let clusters: Vec<&str> = p
            .clusters
            .iter()
            .map(|c| atlas.taxonomy.cluster_name(c, zh))
            .collect();
        let area = p
            .area_km2
            .map_or_else(|| unknown.to_owned(), |a| format!("{a} km²"));
        let accuracy = p.location_accuracy_km.map_or_else(
            || tr(zh, "approximate, uncertainty unknown", "大致位置，误差未知").to_owned(),
            |km| format!("{} ±{km} km", tr(zh, "approximate,", "大致位置，误差约")),
        );
        for (label, value) in [
            (
                tr(zh, "County", "所在县区"),
                match p.text_in("county_text", zh) {
                    Some((t, _)) => format!("{} ({t})", atlas.county_names(p, zh)),
                    None => atlas.county_names(p, zh),
                },
            ),
            (tr(zh, "Tier", "级别"), p.tier.name(zh).to_owned()),
            (tr(zh, "Clusters", "产业集群"), clusters.join(", ")),
            (tr(zh, "Area", "面积"), area),
            (tr(zh, "Location", "位置"), accuracy),
        ] {
            layout.text(&format!("{label}: {value}"), 9.5, 12.0, false);
        }
        if !p.projects.is_empty() {
            layout.text(tr(zh, "Signed projects", "签约项目"), 10.5, 12.0, false);
            for pr in &p.projects {
                let amount = match (pr.amount, pr.currency.as_deref()) {
                    (Some(a), Some(c)) => format_amount(a, c, zh),
                    _ => unknown.to_owned(),
                };
                let text_of = |k: &str| pr.text_in(k, zh).map_or(unknown, |t| t.0);
                let text = format!(
                    "· {}: {}: {amount}, {}, {} {}",
                    text_of("investor"),
                    pr.name(zh),
                    pr.year
                        .map_or_else(|| unknown.to_owned(), |y| y.to_string()),
                    text_of("status"),
                    cite(p, &pr.source_ids),
                );
                layout.text(&text, 9.0, 20.0, false);
            }
        }
        if !p.targets.is_empty() {
            layout.text(tr(zh, "Targets", "目标"), 10.5, 12.0, false);
            for t in &p.targets {
                // The number after the words; a target without one is its words alone.
                let value = match (t.value, t.unit.as_deref()) {
                    (Some(v), Some(u)) => format!(": {v} {u}"),
                    (Some(v), None) => format!(": {v}"),
                    _ => String::new(),
                };
                let other = t
                    .extra
                    .get("belongs_to")
                    .and_then(serde_json::Value::as_str)
                    .map(|o| {
                        format!(
                            " ({}{o})",
                            tr(zh, "another park's target: ", "属于另一园区：")
                        )
                    })
                    .unwrap_or_default();
                let text = format!(
                    "· {} {}{value}{other} {}",
                    t.year.map_or_else(String::new, |y| y.to_string()),
                    t.text_in(zh).0,
                    cite(p, &t.source_ids),
                );
                layout.text(&text, 9.0, 20.0, false);
            }
        }
        let ids: Vec<String> = p.sources.keys().cloned().collect();
        let all = cite(p, &ids);
        layout.text(
            &format!("{}: {all}", tr(zh, "Sources", "来源")),
            9.0,
            12.0,
            true,
        );
    }
    layout.gap(12.0);
    layout.text(tr(zh, "Sources", "来源"), 13.0, 0.0, false);
    for (n, s) in &sources {
        let mut text = format!("[{n}] {}", s.title.as_deref().unwrap_or(""));
        for part in [s.text_in("outlet", zh), s.text_in("date", zh)]
            .into_iter()
            .flatten()
        {
            text.push_str(&format!(" · {}", part.0));
        }
        if let Some(q) = s.text_in("quality", zh) {
            text.push_str(&format!(
                " · {}{}",
                tr(zh, "reliability: ", "可靠性："),
                q.0
            ));
        }
        layout.text(&text, 8.5, 0.0, false);
        if let Some(u) = &s.url {
            // A web address is a link; another locator (a file, a book) is only text.
            layout.text_linked(u, 8.5, 0.0, false, s.link());
        }
    }

    // Render.
    let mut doc = Document::new();
    let total = layout.pages.len();
    let footer = format!(
        "{} {} · {}",
        tr(zh, "Park Atlas brief,", "Park Atlas 简报，"),
        options.date,
        tr(
            zh,
            "Data: the Park Atlas dataset (data/), compiled from the sources listed; locations approximate.",
            "数据：Park Atlas 数据集（data/），据所列来源整理；位置为大致位置。",
        )
    );
    for (i, lines) in layout.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| RenderError::Pdf("bad page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        if i == 0 {
            draw(
                &mut surface,
                &fonts,
                MARGIN,
                MARGIN + 20.0,
                18.0,
                &options.title,
                false,
            );
            let sub = format!("{} · {}", options.date, count);
            draw(
                &mut surface,
                &fonts,
                MARGIN,
                MARGIN + 40.0,
                10.0,
                &sub,
                true,
            );
            let size = Size::from_wh(map_w, map_h)
                .ok_or_else(|| RenderError::Pdf("bad map size".into()))?;
            surface.push_transform(&krilla::geom::Transform::from_translate(MARGIN, map_top));
            surface.draw_svg(&tree, size, SvgSettings::default());
            surface.pop();
        }
        let mut links = Vec::new();
        for l in lines {
            draw(&mut surface, &fonts, l.x, l.y, l.size, &l.text, l.grey);
            if let Some(url) = &l.link {
                // The line's box: from above the cap height to below the baseline.
                let w = fonts.width(&l.text, l.size);
                let rect =
                    krilla::geom::Rect::from_xywh(l.x, l.y - l.size, w.max(1.0), l.size * 1.3);
                links.extend(rect.map(|r| (r, url.clone())));
            }
        }
        let foot = format!("{footer} · {}/{total}", i + 1);
        draw(&mut surface, &fonts, MARGIN, FOOTER_Y, 7.5, &foot, true);
        surface.finish();
        for (rect, url) in links {
            let target = krilla::annotation::Target::Action(krilla::action::Action::Link(
                krilla::action::LinkAction::new(url),
            ));
            page.add_annotation(krilla::annotation::LinkAnnotation::new(rect, target).into());
        }
        page.finish();
    }
    let mut meta = krilla::metadata::Metadata::new()
        .title(options.title.clone())
        .creator("Park Atlas".into());
    if let Some(date) = krilla_date(&options.date) {
        meta = meta.creation_date(date);
    }
    doc.set_metadata(meta);
    doc.finish().map_err(|e| RenderError::Pdf(format!("{e:?}")))
}

/// The brief's summary: the chosen parks' signed projects and investment (per currency, never
/// added), city-wide batches apart, then one line per county that has chosen parks.
fn summary(layout: &mut Layout<'_>, atlas: &Atlas, chosen: &[usize], parks: &[&Park], zh: bool) {
    let s = summarize(atlas, parks);
    layout.gap(10.0);
    layout.text(tr(zh, "Summary", "汇总"), 13.0, 0.0, false);
    let none = tr(zh, "no known amount", "无已知金额");
    let without = s.projects - s.projects_with_amount;
    let line = if zh {
        format!(
            "· 签约项目 {} 个（{} 个金额未知）；签约投资：{}",
            s.projects,
            without,
            format_totals(&s.totals, zh).unwrap_or_else(|| none.to_owned())
        )
    } else {
        format!(
            "· Signed projects: {} ({} without a known amount); signed investment: {}",
            s.projects,
            without,
            format_totals(&s.totals, zh).unwrap_or_else(|| none.to_owned())
        )
    };
    layout.text(&line, 9.5, 12.0, false);
    if s.city_wide_projects > 0 {
        let amount = format_totals(&s.city_wide_totals, zh).unwrap_or_else(|| none.to_owned());
        let line = if zh {
            format!(
                "· 另有全市批次 {} 个（{amount}），不计入园区合计",
                s.city_wide_projects
            )
        } else {
            format!(
                "· Also {} city-wide batch(es) reported with these parks ({amount}), not in the parks' totals",
                s.city_wide_projects
            )
        };
        layout.text(&line, 9.5, 12.0, false);
    }
    let counties: Vec<_> = stats_by_county(atlas, chosen)
        .into_iter()
        .filter(|c| c.parks > 0)
        .collect();
    if counties.is_empty() {
        return;
    }
    layout.text(
        tr(
            zh,
            "By county (a park that lists several counties counts in each):",
            "按县区（跨县区的园区在每个县区各计一次）：",
        ),
        9.5,
        12.0,
        false,
    );
    for c in counties {
        let name = if zh { &c.name_zh } else { &c.name_en };
        let amount = format_totals(&c.totals, zh).unwrap_or_else(|| none.to_owned());
        let line = if zh {
            format!(
                "· {name}：园区 {} 个，签约项目 {} 个，{amount}",
                c.parks, c.projects
            )
        } else {
            format!(
                "· {name}: {} park(s), {} project(s), {amount}",
                c.parks, c.projects
            )
        };
        layout.text(&line, 9.0, 20.0, false);
    }
}

fn krilla_date(date: &str) -> Option<krilla::metadata::DateTime> {
    let mut parts = date.split('-').map(str::parse::<u32>);
    let (y, m, d) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    Some(
        krilla::metadata::DateTime::new(u16::try_from(y).ok()?)
            .month(u8::try_from(m).ok()?)
            .day(u8::try_from(d).ok()?),
    )
}

/// Draws one line (characters neither font has — none in the data — are left out by the
/// PDF viewer), switching to the supplement font for the characters only it has.
fn draw(
    surface: &mut krilla::surface::Surface<'_>,
    fonts: &Fonts,
    x: f32,
    y: f32,
    size: f32,
    text: &str,
    grey: bool,
) {
    let grey_level = if grey { 90 } else { 0 };
    surface.set_fill(Some(Fill {
        paint: krilla::color::rgb::Color::new(grey_level, grey_level, grey_level).into(),
        ..Fill::default()
    }));
    let mut x = x;
    let mut run = String::new();
    let mut run_font = 0;
    let flush =
        |surface: &mut krilla::surface::Surface<'_>, run: &mut String, font: usize, x: &mut f32| {
            if run.is_empty() {
                return;
            }
            let f = if font == 0 {
                &fonts.main.0
            } else {
                &fonts.supplement.0
            };
            surface.draw_text(
                Point::from_xy(*x, y),
                f.clone(),
                size,
                run,
                false,
                TextDirection::Auto,
            );
            *x += fonts.width(run, size);
            run.clear();
        };
    for c in text.chars() {
        let f = fonts.pick(c);
        if f != run_font {
            flush(surface, &mut run, run_font, &mut x);
            run_font = f;
        }
        run.push(c);
    }
    flush(surface, &mut run, run_font, &mut x);
}

/// Today's date (UTC) as YYYY-MM-DD.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}
