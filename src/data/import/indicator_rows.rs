//! Reading indicator values out of a streamed CSV ([`super::csv_stream::CsvStream`]): which
//! columns hold what (long form: code, indicator, period, value and associates; wide form:
//! one column per indicator), and each record's cells as [`ValueRow`]s, with the messages that
//! name the file, line and column of a bad cell.

use super::csv_stream::CsvStream;
use super::csv_text::{Cell, CellFix, CsvColumns, parse_cell_fixing};
use super::indicators::{IndicatorOptions, MAX_CODE_CHARS};
use super::session::ImportRun;
use super::value_checks::AssociateNames;
use crate::data::indicator::{Status, ValueRow};
use crate::error::{Error, InputError, Result, excerpt};
use std::collections::HashSet;

/// Records read to find the area-code column when none is named.
const CODE_SAMPLE_ROWS: usize = 500;

/// The area-code column: the flag, else the column whose values in the first 500 records
/// match the most boundary codes (ties: the first), with at least one match.
pub(crate) fn code_column(
    stream: &CsvStream,
    flag: Option<&str>,
    codes: &HashSet<String>,
) -> Result<usize> {
    let cols = &stream.columns;
    if let Some(name) = flag {
        return cols.require(name, "--code-field");
    }
    let mut hits = vec![0usize; cols.headers.len()];
    let mut sample = stream.reopen()?;
    for _ in 0..CODE_SAMPLE_ROWS {
        if sample.next_record()?.is_none() {
            break;
        }
        for (i, h) in hits.iter_mut().enumerate() {
            let cell = sample.cell(i);
            let code = cell.trim();
            // Lower-case or padded codes count too: the import matches them fixed.
            *h += usize::from(codes.contains(code) || codes.contains(&code.to_uppercase()));
        }
    }
    let best = hits
        .iter()
        .enumerate()
        .map(|(i, &h)| (h, std::cmp::Reverse(i)))
        .max();
    match best {
        Some((h, std::cmp::Reverse(i))) if h > 0 => Ok(i),
        _ => Err(
            InputError::new(&cols.file, "no column holds area codes of this geography")
                .line(1)
                .hint(format!(
                    "pass --code-field (one of: {}) and check --geography",
                    cols.column_list()
                ))
                .into(),
        ),
    }
}

/// Refuses a code (`what`: "indicator code", "area code", "period") of more than
/// [`MAX_CODE_CHARS`] characters.
pub(crate) fn check_code(
    cols: &CsvColumns,
    line: u64,
    col: usize,
    what: &str,
    code: &str,
) -> Result<()> {
    if code.len() > MAX_CODE_CHARS && code.chars().count() > MAX_CODE_CHARS {
        return Err(cell_error(
            cols,
            line,
            col,
            format!(
                "the {what} '{}' is longer than {MAX_CODE_CHARS} characters",
                excerpt(code)
            ),
            "check the column, or shorten the code",
        ));
    }
    Ok(())
}

pub(crate) fn cell_error(
    cols: &CsvColumns,
    line: u64,
    col: usize,
    msg: String,
    hint: &str,
) -> Error {
    InputError::new(&cols.file, msg)
        .line(line)
        .column(cols.column_name(col))
        .hint(hint)
        .into()
}

/// The current record's area code, trimmed, present and not too long.
pub(crate) fn area_code(s: &CsvStream, col: usize) -> Result<String> {
    let code = s.cell(col).trim().to_string();
    check_area_code(&s.columns, s.line(), col, &code)?;
    Ok(code)
}

/// An area code must be there and not too long.
fn check_area_code(cols: &CsvColumns, line: u64, col: usize, code: &str) -> Result<()> {
    if code.is_empty() {
        return Err(cell_error(
            cols,
            line,
            col,
            "empty area code".into(),
            "fill in the code or delete the row",
        ));
    }
    check_code(cols, line, col, "area code", code)
}

/// The columns of a long-form file.
pub(crate) struct LongColumns {
    pub code: usize,
    pub indicator: usize,
    pub value: usize,
    pub period: Option<usize>,
    pub numerator: Option<usize>,
    pub denominator: Option<usize>,
    pub lower: Option<usize>,
    pub upper: Option<usize>,
    pub lower_99_8: Option<usize>,
    pub upper_99_8: Option<usize>,
    /// Fingertips' `value_type` (`Proportion`, `Crude rate`…).
    pub value_type: Option<usize>,
    pub names: AssociateNames,
}

pub(crate) fn long_columns(
    cols: &CsvColumns,
    code: usize,
    opts: &IndicatorOptions,
) -> Result<LongColumns> {
    let need = |names: &[&str], what: &str| {
        cols.find(names).ok_or_else(|| {
            Error::from(
                InputError::new(&cols.file, format!("has no '{what}' column for long form"))
                    .line(1)
                    .hint("long form needs columns code, indicator, period, value; for one column per indicator pass --wide"),
            )
        })
    };
    let (indicator, value) = (
        need(
            &["indicator", "indicator_code", "indicator_id"],
            "indicator",
        )?,
        need(&["value"], "value")?,
    );
    let period = cols.find(&["period", "year", "time_period"]);
    if period.is_none() && opts.period.is_none() {
        return Err(InputError::new(&cols.file, "has no 'period' column")
            .line(1)
            .hint("add a period column or pass --period (e.g. --period 2019)")
            .into());
    }
    let (numerator, denominator) = (
        cols.find(&["numerator", "count"]),
        cols.find(&["denominator"]),
    );
    // Fingertips names them lower_ci_95 / upper_ci_95 (or LowerCI / UpperCI).
    let lower = cols.find(&[
        "lower_ci",
        "lower_ci95",
        "lower_ci_95",
        "lowerci",
        "lower_cl",
        "lcl",
    ]);
    let upper = cols.find(&[
        "upper_ci",
        "upper_ci95",
        "upper_ci_95",
        "upperci",
        "upper_cl",
        "ucl",
    ]);
    // What `export-data` writes (and Fingertips' "Lower CI 99.8 limit" once normalised).
    let lower_99_8 = cols.find(&[
        "lower_ci_99_8",
        "lower_ci998",
        "lowerci99_8",
        "lower_ci_99_8_limit",
    ]);
    let upper_99_8 = cols.find(&[
        "upper_ci_99_8",
        "upper_ci998",
        "upperci99_8",
        "upper_ci_99_8_limit",
    ]);
    let name = |c: Option<usize>| {
        c.and_then(|c| cols.headers.get(c))
            .cloned()
            .unwrap_or_default()
    };
    let names = AssociateNames {
        numerator: name(numerator),
        denominator: name(denominator),
        lower: name(lower),
        upper: name(upper),
    };
    Ok(LongColumns {
        code,
        indicator,
        value,
        period,
        numerator,
        denominator,
        lower,
        upper,
        lower_99_8,
        upper_99_8,
        value_type: cols.find(&["value_type", "valuetype"]),
        names,
    })
}

/// Reads the current long-form record into `r` (its strings' buffers reused, so a row costs
/// no allocation), its cells read and required ones present.
pub(crate) fn long_row(
    s: &CsvStream,
    cols: &LongColumns,
    opts: &IndicatorOptions,
    r: &mut ValueRow,
    fixes: &ValueFixes,
) -> Result<()> {
    let (line, table) = (s.line(), &s.columns);
    let set = |to: &mut String, c: usize| {
        to.clear();
        to.push_str(s.cell(c).trim());
    };
    set(&mut r.indicator, cols.indicator);
    if r.indicator.is_empty() {
        return Err(cell_error(
            table,
            line,
            cols.indicator,
            "empty indicator code".into(),
            "fill it in or delete the row",
        ));
    }
    match cols.period {
        Some(c) => set(&mut r.period, c),
        None => {
            r.period.clear();
            r.period
                .push_str(opts.period.as_deref().unwrap_or_default());
        }
    }
    if r.period.is_empty() {
        return Err(cell_error(
            table,
            line,
            cols.period.unwrap_or(0),
            "empty period".into(),
            "fill it in or delete the row",
        ));
    }
    check_code(table, line, cols.indicator, "indicator code", &r.indicator)?;
    check_code(table, line, cols.period.unwrap_or(0), "period", &r.period)?;
    (r.value, r.status) = value_cell(s, cols.value, fixes)?;
    set(&mut r.area_code, cols.code);
    check_area_code(table, line, cols.code, &r.area_code)?;
    let extra = |c: Option<usize>| -> Result<Option<f64>> {
        match c {
            None => Ok(None),
            Some(c) => value_cell(s, c, fixes).map(|(v, _)| v),
        }
    };
    r.numerator = extra(cols.numerator)?;
    r.denominator = extra(cols.denominator)?;
    r.lower_ci = extra(cols.lower)?;
    r.upper_ci = extra(cols.upper)?;
    r.lower_ci_99_8 = extra(cols.lower_99_8)?;
    r.upper_ci_99_8 = extra(cols.upper_99_8)?;
    r.line = line;
    Ok(())
}

/// Cell `col` of the current record as a value and its status; text is an error.
pub(crate) fn value_cell(
    s: &CsvStream,
    col: usize,
    fixes: &ValueFixes,
) -> Result<(Option<f64>, Status)> {
    let raw = s.cell(col);
    let (cell, fix) = parse_cell_fixing(&raw);
    if let (Cell::Number(v), Some(fix)) = (cell, fix) {
        fixes.note(s, col, &raw, v, fix);
    }
    match cell {
        Cell::Number(v) => Ok((Some(v), Status::Ok)),
        Cell::Suppressed => Ok((None, Status::Suppressed)),
        Cell::Missing => Ok((None, Status::Missing)),
        Cell::Text => Err(cell_error(
            &s.columns,
            s.line(),
            col,
            format!("'{}' is not a number", excerpt(&raw)),
            "use a number, or a marker for a value that is not available: empty, .., :, - (missing) or *, c, x, ~ (suppressed)",
        )),
    }
}

/// Values read once a currency symbol or `%` was taken off: how many, and the first five.
#[derive(Default)]
pub(crate) struct ValueFixes {
    count: std::cell::Cell<usize>,
    examples: std::cell::RefCell<Vec<String>>,
}

impl ValueFixes {
    fn note(&self, s: &CsvStream, col: usize, raw: &str, v: f64, fix: CellFix) {
        self.count.set(self.count.get() + 1);
        let mut ex = self.examples.borrow_mut();
        if ex.len() < 5 {
            ex.push(format!(
                "line {}, column {}: '{}' → {v} ({})",
                s.line(),
                s.columns.column_name(col),
                excerpt(raw.trim()),
                fix.describe()
            ));
        }
    }

    /// (how many, examples).
    pub fn take(self) -> (usize, Vec<String>) {
        (self.count.get(), self.examples.into_inner())
    }
}

/// A wide file's plan: the period, the indicator columns, and the text columns skipped.
pub(crate) struct WideColumns {
    pub code: usize,
    pub period: String,
    pub indicators: Vec<usize>,
    /// The indicator code of each of `indicators`: its header cleaned
    /// ([`super::header_codes`]), or the header itself when the metadata names it.
    pub codes: Vec<String>,
    pub skipped: Vec<String>,
}

/// Reads a wide file once to choose its columns: every chosen column must hold numbers or
/// markers only; without `--columns`, a column of text alone is skipped (names, notes).
pub(crate) fn wide_columns(
    stream: &CsvStream,
    code: usize,
    opts: &IndicatorOptions,
    run: &ImportRun<'_>,
    known: &dyn Fn(&str) -> bool,
) -> Result<WideColumns> {
    let cols = &stream.columns;
    let period = opts
        .period
        .clone()
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| {
            Error::from(
                InputError::new(&cols.file, "wide form needs a period for its values")
                    .hint("pass --period (e.g. --period 2019)"),
            )
        })?;
    let chosen: Vec<usize> = match &opts.columns {
        Some(names) => names
            .iter()
            .map(|n| cols.require(n.trim(), "--columns"))
            .collect::<Result<_>>()?,
        None => (0..cols.headers.len()).filter(|&i| i != code).collect(),
    };
    if period.chars().count() > MAX_CODE_CHARS {
        return Err(Error::Invalid(format!(
            "--period '{}' is longer than {MAX_CODE_CHARS} characters: give a period such as 2019 or 2019/20",
            excerpt(&period)
        )));
    }
    for &col in &chosen {
        let name = cols
            .headers
            .get(col)
            .map(String::as_str)
            .unwrap_or_default();
        check_code(cols, 1, col, "indicator code", name)?;
    }
    // Per chosen column: how many numbers, and the first text cell (line, raw).
    let mut numbers = vec![0usize; chosen.len()];
    let mut first_text: Vec<Option<(u64, String)>> = vec![None; chosen.len()];
    let mut texts = vec![0usize; chosen.len()];
    let mut pass = stream.reopen()?;
    let mut n = 0usize;
    while let Some(line) = pass.next_record()? {
        n += 1;
        let (read, total) = pass.progress();
        run.step_stream(n, read, total)?;
        for (k, &col) in chosen.iter().enumerate() {
            match parse_cell_fixing(&pass.cell(col)).0 {
                Cell::Number(_) => numbers[k] += 1,
                Cell::Text => {
                    texts[k] += 1;
                    if first_text[k].is_none() {
                        first_text[k] = Some((line, pass.cell(col).into_owned()));
                    }
                }
                _ => {}
            }
        }
    }
    let mut indicators = Vec::new();
    let mut skipped = Vec::new();
    let mut problems = super::problems::Problems::default();
    for (k, &col) in chosen.iter().enumerate() {
        match (numbers[k], first_text[k].take()) {
            (_, None) => indicators.push(col),
            (0, Some(_)) if opts.columns.is_none() => {
                skipped.push(cols.headers.get(col).cloned().unwrap_or_default())
            }
            (_, Some((line, raw))) => problems.note_counted(
                cell_error(
                    cols,
                    line,
                    col,
                    format!("'{}' is not a number", excerpt(&raw)),
                    "use a number or a missing-data marker (empty, .., :, -, *, c, x, ~), or leave the column out of the import",
                ),
                texts[k],
            )?,
        }
    }
    if let Some(e) = problems.into_error(&cols.file, None) {
        return Err(e);
    }
    let headers: Vec<&str> = indicators
        .iter()
        .map(|&c| cols.headers.get(c).map(|h| h.trim()).unwrap_or_default())
        .collect();
    let codes = super::header_codes::codes_for(&headers, |h| known(h));
    Ok(WideColumns {
        code,
        period,
        indicators,
        codes,
        skipped,
    })
}

/// The current wide-form record's values, one per indicator column.
pub(crate) fn wide_rows(
    s: &CsvStream,
    w: &WideColumns,
    out: &mut Vec<ValueRow>,
    fixes: &ValueFixes,
) -> Result<()> {
    out.clear();
    let code = area_code(s, w.code)?;
    for (&col, indicator) in w.indicators.iter().zip(&w.codes) {
        let (value, status) = value_cell(s, col, fixes)?;
        out.push(ValueRow {
            indicator: indicator.clone(),
            area_code: code.clone(),
            period: w.period.clone(),
            value,
            numerator: None,
            denominator: None,
            lower_ci: None,
            upper_ci: None,
            lower_ci_99_8: None,
            upper_ci_99_8: None,
            status,
            line: s.line(),
        });
    }
    Ok(())
}
