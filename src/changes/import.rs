//! A signing list (an Excel sheet or a CSV of signed projects, as a signing ceremony's
//! organisers publish it) turned into a change set of `add_project`s: columns recognised from
//! Chinese or English headers, amounts in whole yuan, each row's park matched by id or name,
//! clusters by name, rows already in the data skipped.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::{Change, ChangeSet, SourceRef};
use crate::io::problem::{Msg, Problem, Severity};
use crate::model::{Atlas, Park};

/// What the user says about the list.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The workbook's sheet (else the first with a project-name column).
    pub sheet: Option<String>,
    /// The list's source: title, address, date (else the file name and sheet).
    pub title: Option<String>,
    /// The list's web address.
    pub url: Option<String>,
    /// The list's date.
    pub date: Option<String>,
}

/// What a row's park text matched.
#[derive(Debug, Clone, PartialEq)]
pub enum ParkMatch {
    /// One park, by id or by one of its names.
    Exact(String),
    /// No exact match: the closest parks (id, similarity 0–1), best first.
    Candidates(Vec<(String, f64)>),
}

/// One row of the list, read.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// The row number as the spreadsheet shows it.
    pub row: usize,
    /// The park as the list names it.
    pub park_text: String,
    /// What it matched.
    pub park: ParkMatch,
    /// The project's members (`name_zh`/`name_en`, `investor`, `amount`, `currency`,
    /// `amount_text`, `year`, `status`, `status_date`, `clusters`).
    pub project: Map<String, Value>,
    /// Already in the data (same park, name and investor), or earlier in the list.
    pub duplicate: bool,
}

/// A list read and matched: the rows, and the source they will cite.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// Every row with a project name.
    pub rows: Vec<ImportRow>,
    /// The source each imported project cites.
    pub source: Map<String, Value>,
    /// What was found on the way (columns, sheet, clusters not known).
    pub warnings: Vec<Problem>,
}

impl ImportPlan {
    /// The change set that adds the rows matched exactly and not yet in the data.
    pub fn changes(&self) -> ChangeSet {
        let changes = self
            .rows
            .iter()
            .filter(|r| !r.duplicate)
            .filter_map(|r| match &r.park {
                ParkMatch::Exact(id) => Some(self.add(r, id)),
                ParkMatch::Candidates(_) => None,
            })
            .collect();
        ChangeSet { changes }
    }

    /// The change that adds row `r` to park `id` (the window adds confirmed close matches so).
    pub fn add(&self, r: &ImportRow, id: &str) -> Change {
        Change::AddProject {
            park: id.to_owned(),
            project: r.project.clone(),
            source: Some(SourceRef::New(self.source.clone())),
        }
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Name,
    Investor,
    Amount(f64),
    Park,
    Date,
    Clusters,
    Status,
}

/// A header's meaning, and for an amount the unit its header names (yuan per unit).
fn column(header: &str) -> Option<Column> {
    let h = header
        .trim()
        .to_lowercase()
        .replace([' ', '_', '（', '）', '(', ')'], "");
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if has(&[
        "投资额",
        "投资金额",
        "总投资",
        "金额",
        "amount",
        "investment",
        "投资规模",
    ]) {
        return Some(Column::Amount(unit_of(&h).unwrap_or(1.0)));
    }
    if has(&["所在园区", "落户园区", "所属园区", "园区", "park"]) {
        return Some(Column::Park);
    }
    if has(&["项目名称", "项目名", "project"]) || h == "项目" || h == "name" || h == "名称"
    {
        return Some(Column::Name);
    }
    if has(&[
        "投资方",
        "投资企业",
        "签约企业",
        "投资主体",
        "企业",
        "investor",
        "company",
        "enterprise",
    ]) {
        return Some(Column::Investor);
    }
    if has(&[
        "签约时间",
        "签约日期",
        "日期",
        "时间",
        "date",
        "year",
        "年份",
    ]) {
        return Some(Column::Date);
    }
    if has(&["所属产业", "产业", "行业", "industry", "cluster", "sector"]) {
        return Some(Column::Clusters);
    }
    if has(&["状态", "进展", "status"]) {
        return Some(Column::Status);
    }
    None
}

/// Yuan per unit named in a text: 亿 1e8, 万 1e4, bn 1e9, million 1e6, 元 1.
fn unit_of(text: &str) -> Option<f64> {
    let t = text.to_lowercase();
    if t.contains('亿') {
        Some(1e8)
    } else if t.contains('万') {
        Some(1e4)
    } else if t.contains("bn") || t.contains("billion") {
        Some(1e9)
    } else if t.contains("million") || t.contains("mn") {
        Some(1e6)
    } else if t.contains('元') || t.contains("yuan") || t.contains("cny") || t.contains("rmb") {
        Some(1.0)
    } else {
        None
    }
}

/// An amount cell in whole yuan: a number times the header's unit, or a text with its own
/// unit ("12.5亿元", "3000 万元", "1.2 bn"). `None` when it holds no number.
pub fn amount_yuan(cell: &Value, header_unit: f64) -> Option<f64> {
    match cell {
        Value::Number(n) => n.as_f64().map(|x| (x * header_unit).round()),
        Value::String(s) => {
            let number: String = s
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                .filter(|c| *c != ',')
                .collect();
            let x: f64 = number.parse().ok()?;
            Some((x * unit_of(s).unwrap_or(header_unit)).round())
        }
        _ => None,
    }
}

/// A text without spaces, brackets' content kept, in lower case: for matching names.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !"()（）·・-—_,，、".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every name a park is known by: id, names, aliases, and each part of a name with a
/// bracketed other name ("宝钢湛江钢铁基地 (宝钢湛江钢铁有限公司)").
fn names_of(p: &Park) -> Vec<String> {
    let mut names = vec![p.id.clone()];
    let alias = |k: &str| p.extra.get(k).and_then(Value::as_str).map(str::to_owned);
    for n in [
        p.name_zh.clone(),
        p.name_en.clone(),
        alias("name_alias"),
        alias("name_alias_zh"),
    ]
    .into_iter()
    .flatten()
    {
        names.push(n.clone());
        for part in n.split(['(', ')', '（', '）']) {
            if part.trim().chars().count() >= 2 {
                names.push(part.trim().to_owned());
            }
        }
    }
    names
        .iter()
        .map(|n| norm(n))
        .filter(|n| !n.is_empty())
        .collect()
}

/// How alike two normalised names are (0–1): the longest common run of characters over the
/// longer name's length.
fn similarity(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut best = 0;
    let mut prev = vec![0usize; b.len() + 1];
    for x in &a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            if x == y {
                cur[j + 1] = prev[j] + 1;
                best = best.max(cur[j + 1]);
            }
        }
        prev = cur;
    }
    best as f64 / a.len().max(b.len()) as f64
}

/// The park a list names: exactly by id or a name, else the three closest.
pub fn match_park(atlas: &Atlas, text: &str) -> ParkMatch {
    let t = norm(text);
    let mut exact = atlas.parks.iter().filter(|p| names_of(p).contains(&t));
    if let Some(p) = exact.next()
        && exact.next().is_none()
    {
        return ParkMatch::Exact(p.id.clone());
    }
    let mut scored: Vec<(String, f64)> = atlas
        .parks
        .iter()
        .map(|p| {
            let score = names_of(p)
                .iter()
                .map(|n| similarity(&t, n))
                .fold(0.0, f64::max);
            (p.id.clone(), score)
        })
        .filter(|(_, s)| *s >= 0.3)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    scored.truncate(3);
    ParkMatch::Candidates(scored)
}

/// Cluster ids named in a cell ("绿色石化、新能源", "Green steel; Green energy").
fn clusters_of(atlas: &Atlas, text: &str, unknown: &mut Vec<String>) -> Vec<String> {
    let mut ids = Vec::new();
    for part in text.split(['、', ',', '，', ';', '；', '/', '|']) {
        let p = norm(part);
        if p.is_empty() {
            continue;
        }
        let found = atlas.taxonomy.clusters.iter().find(|c| {
            [
                Some(&c.id),
                Some(&c.name_zh),
                Some(&c.name_en),
                c.alias.as_ref(),
                c.alias_zh.as_ref(),
            ]
            .into_iter()
            .flatten()
            .any(|n| norm(n) == p)
        });
        match found {
            Some(c) if !ids.contains(&c.id) => ids.push(c.id.clone()),
            Some(_) => {}
            None => unknown.push(part.trim().to_owned()),
        }
    }
    ids
}

/// A cell as text ("" for none).
fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    }
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Reads a signing list and matches its rows against `atlas`.
pub fn plan_import(
    atlas: &Atlas,
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportPlan, Vec<Problem>> {
    let label = path.display().to_string();
    let wanted = |headers: &[String]| headers.iter().any(|h| column(h) == Some(Column::Name));
    let read = crate::io::formats::table_rows(
        path,
        &label,
        options.sheet.as_deref(),
        &wanted,
        |table, rows| read_rows(atlas, &label, table, rows),
    )
    .ok_or_else(|| {
        vec![Problem::file_level(
            Severity::Error,
            &label,
            crate::msg!("a signing list is a CSV/TSV/TXT table or a workbook (.xlsx, .xls, .ods)"),
        )]
    })??;
    let (rows, mut warnings, sheet) = read?;
    let file = path
        .file_name()
        .map_or_else(|| label.clone(), |n| n.to_string_lossy().into_owned());
    let mut source = Map::new();
    let title = options.title.clone().unwrap_or_else(|| match &sheet {
        Some(s) => format!("{file} ({s})"),
        None => file.clone(),
    });
    source.insert("title".into(), json!(title));
    source.insert("outlet".into(), json!("signing list (imported)"));
    source.insert(
        "date".into(),
        options.date.clone().map_or(Value::Null, Value::from),
    );
    source.insert(
        "url".into(),
        options.url.clone().map_or(Value::Null, Value::from),
    );
    warnings.retain(|w| !w.message.is_empty());
    Ok(ImportPlan {
        rows,
        source,
        warnings,
    })
}

type ReadRows = Result<(Vec<ImportRow>, Vec<Problem>, Option<String>), Vec<Problem>>;

fn read_rows(
    atlas: &Atlas,
    label: &str,
    table: crate::io::formats::delimited::Table,
    rows: crate::io::formats::delimited::Rows<'_>,
) -> ReadRows {
    let error = |m: Msg| vec![Problem::file_level(Severity::Error, label, m)];
    let columns: Vec<Option<Column>> = table.headers.iter().map(|h| column(h)).collect();
    let find =
        |want: fn(&Column) -> bool| columns.iter().position(|c| c.as_ref().is_some_and(want));
    let Some(name_col) = find(|c| *c == Column::Name) else {
        return Err(error(crate::msg!(
            "no project-name column (项目名称, project, name); the columns are: {}",
            table.headers.join(", ")
        )));
    };
    let Some(park_col) = find(|c| *c == Column::Park) else {
        return Err(error(crate::msg!(
            "no park column (所在园区, 园区, park); the columns are: {}",
            table.headers.join(", ")
        )));
    };
    let sheet = table
        .warnings
        .iter()
        .find(|w| w.msg.template.starts_with("sheet "))
        .and_then(|w| match w.msg.args.first() {
            Some(crate::io::problem::Arg::Text(s)) => Some(s.trim_matches('"').to_owned()),
            _ => None,
        });
    let mut warnings = table.warnings.clone();
    let mut out: Vec<ImportRow> = Vec::new();
    let mut unknown_clusters = Vec::new();
    for row in rows {
        let (n, cells) = row.map_err(error)?;
        let cell = |i: usize| cells.get(i).unwrap_or(&Value::Null);
        let name = text(cell(name_col));
        if name.is_empty() {
            continue;
        }
        let mut project = Map::new();
        project.insert(
            if has_cjk(&name) { "name_zh" } else { "name_en" }.into(),
            json!(name),
        );
        for (i, c) in columns.iter().enumerate() {
            let v = cell(i);
            let t = text(v);
            if t.is_empty() {
                continue;
            }
            match c {
                Some(Column::Investor) => {
                    project.insert("investor".into(), json!(t));
                }
                Some(Column::Amount(unit)) => {
                    if let Some(yuan) = amount_yuan(v, *unit) {
                        project.insert("amount".into(), json!(yuan as i64));
                        project.insert("currency".into(), json!("CNY"));
                        let header = &table.headers[i];
                        let shown = if v.is_number() && unit_of(header).is_some() {
                            let unit: String = header
                                .chars()
                                .skip_while(|c| !"亿万元".contains(*c))
                                .take_while(|c| "亿万元".contains(*c))
                                .collect();
                            format!("{t} {unit}")
                        } else {
                            t.clone()
                        };
                        project.insert("amount_text".into(), json!(shown));
                    }
                }
                Some(Column::Date) => {
                    let year: String = t.chars().filter(char::is_ascii_digit).take(4).collect();
                    if let Ok(y) = year.parse::<i32>()
                        && (1949..=2100).contains(&y)
                    {
                        project.insert("year".into(), json!(y));
                    }
                    project.insert("status".into(), json!("signed"));
                    project.insert("status_zh".into(), json!("已签约"));
                    project.insert("status_date".into(), json!(t));
                }
                Some(Column::Clusters) => {
                    let ids = clusters_of(atlas, &t, &mut unknown_clusters);
                    project.insert("clusters".into(), json!(ids));
                }
                Some(Column::Status) => {
                    project.insert(
                        if has_cjk(&t) { "status_zh" } else { "status" }.into(),
                        json!(t),
                    );
                }
                _ => {}
            }
        }
        let park_text = text(cell(park_col));
        let park = match_park(atlas, &park_text);
        let investor = project.get("investor").cloned();
        let duplicate = match &park {
            ParkMatch::Exact(id) => {
                let in_data = atlas.parks.iter().find(|p| &p.id == id).is_some_and(|p| {
                    p.projects.iter().any(|q| {
                        (q.name_zh.as_deref() == Some(name.as_str())
                            || q.name_en.as_deref() == Some(name.as_str()))
                            && investor.as_ref().and_then(Value::as_str) == q.investor.as_deref()
                    })
                });
                let earlier = out.iter().any(|r| {
                    r.park == park
                        && (r.project.get("name_zh") == Some(&json!(name))
                            || r.project.get("name_en") == Some(&json!(name)))
                        && r.project.get("investor") == investor.as_ref()
                });
                in_data || earlier
            }
            ParkMatch::Candidates(_) => false,
        };
        out.push(ImportRow {
            row: n,
            park_text,
            park,
            project,
            duplicate,
        });
    }
    if !unknown_clusters.is_empty() {
        unknown_clusters.sort();
        unknown_clusters.dedup();
        warnings.push(Problem::file_level(
            Severity::Warning,
            label,
            crate::msg!(
                "industries not matched to a cluster (left out): {}",
                unknown_clusters.join(", ")
            ),
        ));
    }
    Ok((out, warnings, sheet))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_whole_yuan_from_the_header_or_the_cell() {
        assert_eq!(amount_yuan(&json!(12.5), 1e8), Some(1_250_000_000.0));
        assert_eq!(amount_yuan(&json!("12.5亿元"), 1.0), Some(1_250_000_000.0));
        assert_eq!(amount_yuan(&json!("3,000 万元"), 1e8), Some(30_000_000.0));
        assert_eq!(amount_yuan(&json!("约 1.2 bn"), 1.0), Some(1_200_000_000.0));
        assert_eq!(amount_yuan(&json!("待定"), 1e8), None);
        assert_eq!(column("投资额（亿元）"), Some(Column::Amount(1e8)));
        assert_eq!(
            column("Investment (million yuan)"),
            Some(Column::Amount(1e6))
        );
        assert_eq!(column("所在园区"), Some(Column::Park));
        assert_eq!(column("项目名称"), Some(Column::Name));
        assert_eq!(column("投资方"), Some(Column::Investor));
    }

    #[test]
    fn parks_match_by_id_name_or_alias_and_otherwise_offer_the_closest() {
        let atlas = crate::io::load_embedded().unwrap().atlas;
        assert_eq!(
            match_park(&atlas, "fenyong_htz"),
            ParkMatch::Exact("fenyong_htz".into())
        );
        assert_eq!(
            match_park(&atlas, "宝钢湛江钢铁有限公司"),
            ParkMatch::Exact("baosteel_zhanjiang".into())
        );
        let ParkMatch::Candidates(c) = match_park(&atlas, "廉江高新区") else {
            panic!("not exact");
        };
        assert_eq!(c[0].0, "lianjiang_htz", "{c:?}");
    }
}
