//! `list` and `stats`: the parks and the per-county numbers as text tables (columns padded by
//! display width, so Chinese lines up) or TSV/CSV.

use std::process::ExitCode;

use anyhow::Result;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::{FilterArgs, Lang, StatsFormat};
use park_atlas::Atlas;
use park_atlas::query;

use super::data::build_filter;

/// One row of a terminal table: each cell cut or padded to its width.
pub(crate) fn table_line(cols: &[&str], widths: &[usize]) -> String {
    cols.iter()
        .zip(widths)
        .map(|(c, w)| cell(c, *w))
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end()
        .to_owned()
}

/// Cuts `s` to `width` terminal columns (CJK characters take two), padding with spaces.
pub(crate) fn cell(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut w = 0;
    if s.width() > width {
        for ch in s.chars() {
            let cw = ch.width().unwrap_or(0);
            if w + cw + 1 > width {
                break;
            }
            out.push(ch);
            w += cw;
        }
        out.push('…');
        w += 1;
    } else {
        out.push_str(s);
        w = s.width();
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

pub(crate) fn totals_text(
    totals: &std::collections::BTreeMap<String, f64>,
    chinese: bool,
) -> String {
    let unknown = if chinese { "未知" } else { "unknown" };
    query::format_totals(totals, chinese).unwrap_or_else(|| unknown.into())
}

pub(crate) fn list(atlas: &Atlas, args: &FilterArgs, lang: Lang) -> Result<ExitCode> {
    let zh = lang == Lang::Zh;
    let filter = build_filter(atlas, args)?;
    let idx = query::filter_parks(atlas, &filter);
    let widths = [34, 36, 22, 11, 34, 5, 22];
    let header = if zh {
        [
            "编号",
            "名称",
            "所在县区",
            "级别",
            "产业集群",
            "项目",
            "投资",
        ]
    } else {
        [
            "ID",
            "NAME",
            "COUNTY",
            "TIER",
            "CLUSTERS",
            "PROJ",
            "INVESTMENT",
        ]
    };
    let line = |cols: [&str; 7]| table_line(&cols, &widths);
    say!("{}", line(header));
    let parks: Vec<_> = idx.iter().filter_map(|&i| atlas.parks.get(i)).collect();
    for p in &parks {
        let s = query::summarize(atlas, std::slice::from_ref(p));
        let clusters: Vec<&str> = p
            .clusters
            .iter()
            .map(|c| atlas.taxonomy.cluster_name(c, zh))
            .collect();
        let invest = if s.projects == 0 {
            String::new()
        } else {
            totals_text(&s.totals, zh)
        };
        say!(
            "{}",
            line([
                &p.id,
                p.name(zh),
                &atlas.county_names(p, zh),
                p.tier.name(zh),
                &clusters.join(", "),
                &s.projects.to_string(),
                &invest
            ])
        );
    }
    let s = query::summarize(atlas, &parks);
    let (total, invest) = (atlas.parks.len(), totals_text(&s.totals, zh));
    let (city_wide, apart) = (s.city_wide_projects, totals_text(&s.city_wide_totals, zh));
    if zh {
        say!(
            "{} 个园区（共 {total} 个）；项目 {} 个（{} 个有金额）；投资：{invest}",
            s.parks,
            s.projects,
            s.projects_with_amount
        );
        if city_wide > 0 {
            say!("另列，不计入合计：随这些园区报道的全市批量项目 {city_wide} 批：{apart}");
        }
        say!("位置为大致位置（见 location_accuracy_km）；金额按各项目来源所报。");
    } else {
        say!(
            "{} of {total} parks; {} projects ({} with an amount); investment: {invest}",
            s.parks,
            s.projects,
            s.projects_with_amount
        );
        if city_wide > 0 {
            say!(
                "Apart, not in the totals: {city_wide} city-wide batch(es) reported with these parks: {apart}"
            );
        }
        say!(
            "Locations are approximate (see location_accuracy_km); amounts are as reported by each project's sources."
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn stats(
    atlas: &Atlas,
    args: &FilterArgs,
    format: StatsFormat,
    lang: Lang,
) -> Result<ExitCode> {
    let zh = lang == Lang::Zh;
    let filter = build_filter(atlas, args)?;
    let rows = query::stats_by_county(atlas, &query::filter_parks(atlas, &filter));
    let currencies: std::collections::BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.totals.keys().map(String::as_str))
        .collect();
    let name = |r: &query::CountyStats| {
        if zh {
            r.name_zh.clone()
        } else {
            r.name_en.clone()
        }
    };
    match format {
        StatsFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            let mut header = vec![
                "adcode".to_owned(),
                "name".into(),
                "parks".into(),
                "projects".into(),
            ];
            header.extend(currencies.iter().map(|c| format!("investment_{c}")));
            w.write_record(&header)?;
            for r in &rows {
                let mut rec = vec![
                    r.adcode.clone(),
                    name(r),
                    r.parks.to_string(),
                    r.projects.to_string(),
                ];
                rec.extend(
                    currencies
                        .iter()
                        .map(|c| r.totals.get(*c).map(|v| v.to_string()).unwrap_or_default()),
                );
                w.write_record(&rec)?;
            }
            w.flush()?;
        }
        StatsFormat::Table => {
            let widths = [8, 24, 6, 9, 30];
            let line = |cols: [&str; 5]| table_line(&cols, &widths);
            say!(
                "{}",
                line(["ADCODE", "COUNTY", "PARKS", "PROJECTS", "INVESTMENT"])
            );
            for r in &rows {
                let invest = query::format_totals(&r.totals, zh).unwrap_or_default();
                say!(
                    "{}",
                    line([
                        &r.adcode,
                        &name(r),
                        &r.parks.to_string(),
                        &r.projects.to_string(),
                        &invest
                    ])
                );
            }
            say!("A park listed in several counties counts in each; currencies are never added.");
        }
    }
    Ok(ExitCode::SUCCESS)
}
