//! Spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.ods`) opened as a layer of points, read by
//! calamine: one sheet (chosen by name, the first by default), its first row the header, the
//! rest rows — then as a delimited table ([`super::delimited`]): coordinate columns found by
//! name, degrees in any form, other cells as properties keeping their types.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};
use serde_json::Value;

use super::delimited::{Table, TableOptions};
use crate::io::problem::{Msg, Problem, Severity};
use crate::io::progress::Progress;

/// Workbooks: `.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`.
pub struct Workbook;

impl super::LayerFormat for Workbook {
    fn name(&self) -> &'static str {
        "workbook (XLSX/XLS/ODS)"
    }

    fn recognises(&self, path: &Path, _head: &[u8]) -> bool {
        super::has_extension(path, &["xlsx", "xlsm", "xlsb", "xls", "ods"])
    }

    fn read(
        &self,
        path: &Path,
        label: &str,
        progress: &Progress,
        options: &super::ReadOptions,
    ) -> super::LayerRead {
        read_workbook(path, label, progress, options)
    }

    fn applies_declared_crs(&self) -> bool {
        true
    }
}

/// A cell as a property value: numbers as numbers (whole ones as integers), text as text
/// (numbers written as text stay text, e.g. codes), dates as the sheet shows them.
fn value(d: &Data) -> Value {
    match d {
        Data::Int(i) => Value::from(*i),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(*f as i64),
        Data::Float(f) => Value::from(*f),
        Data::String(s) if s.trim().is_empty() => Value::Null,
        Data::String(s) => Value::String(s.trim().to_owned()),
        Data::Bool(b) => Value::Bool(*b),
        Data::Empty | Data::Error(_) => Value::Null,
        Data::DateTime(dt) if dt.is_datetime() => Value::String(date_text(dt.as_f64())),
        other => Value::String(other.to_string()),
    }
}

/// An Excel date serial (days since 1899-12-30, the fraction the time of day) as ISO text:
/// `2012-05-24`, or `2012-05-24 14:30` with a time.
fn date_text(serial: f64) -> String {
    let days = serial.floor() as i64 - 25_569; // 1899-12-30 → 1970-01-01
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let minutes = ((serial - serial.floor()) * 1440.0).round() as i64;
    if minutes == 0 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}",
            minutes / 60,
            minutes % 60
        )
    }
}

/// Reads one sheet of a workbook as features and warnings.
pub fn read_workbook(
    path: &Path,
    label: &str,
    progress: &Progress,
    options: &TableOptions,
) -> super::LayerRead {
    let wanted = |headers: &[String]| super::delimited::find_columns(headers, options).is_ok();
    workbook_rows(
        path,
        label,
        options.sheet.as_deref(),
        &wanted,
        |table, rows| table.into_features(rows, label, progress, options),
    )?
}

/// Opens one sheet of a workbook — `sheet`, else the first whose header row is `wanted`, else
/// the first — and hands its header (with a warning naming the sheet when there are several)
/// and its rows to `f`.
pub fn workbook_rows<R>(
    path: &Path,
    label: &str,
    sheet: Option<&str>,
    wanted: &dyn Fn(&[String]) -> bool,
    f: impl FnOnce(Table, super::delimited::Rows<'_>) -> R,
) -> Result<R, Vec<Problem>> {
    let error = |msg: Msg| vec![Problem::file_level(Severity::Error, label, msg)];
    let mut book = open_workbook_auto(path)
        .map_err(|e| error(crate::msg!("cannot open the workbook: {}", e)))?;
    let names = book.sheet_names();
    let sheet = match sheet {
        Some(s) => names.iter().find(|n| *n == s).cloned().ok_or_else(|| {
            error(crate::msg!(
                "there is no sheet {}; the sheets are: {}",
                format!("{s:?}"),
                names.join(", ")
            ))
        })?,
        // The first sheet with coordinate columns (a notes sheet often comes first).
        None => names
            .iter()
            .find(|n| {
                book.worksheet_range(n).is_ok_and(|r| {
                    let headers: Vec<String> = r
                        .rows()
                        .next()
                        .map(|row| row.iter().map(|d| d.to_string()).collect())
                        .unwrap_or_default();
                    wanted(&headers)
                })
            })
            .or(names.first())
            .cloned()
            .ok_or_else(|| error(crate::msg!("the workbook has no sheet")))?,
    };
    let range = book.worksheet_range(&sheet).map_err(|e| {
        error(crate::msg!(
            "cannot read the sheet {}: {}",
            format!("{sheet:?}"),
            e
        ))
    })?;
    let mut warnings = Vec::new();
    if names.len() > 1 {
        warnings.push(Problem::file_level(
            Severity::Warning,
            label,
            crate::msg!(
                "sheet {} read (the workbook has {}: {})",
                format!("{sheet:?}"),
                names.len(),
                names.join(", ")
            ),
        ));
    }
    // Row numbers as the spreadsheet shows them.
    let first_row = range.start().map_or(0, |(r, _)| r as usize) + 1;
    let mut rows = range.rows();
    let headers: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(|d| d.to_string().trim().to_owned()).collect())
        .unwrap_or_default();
    let mut body = rows
        .enumerate()
        .map(|(n, r)| Ok((first_row + 1 + n, r.iter().map(value).collect())));
    let table = Table {
        headers,
        warnings,
        rows: Some(range.height().saturating_sub(1)),
    };
    Ok(f(table, &mut body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_date_serials_read_as_dates() {
        assert_eq!(date_text(41_053.0), "2012-05-24");
        assert_eq!(date_text(1.0), "1899-12-31");
        assert_eq!(date_text(45_658.5), "2025-01-01 12:00");
    }
}
