//! Indicator values from CSV, long form (one row per area × indicator × period) or wide form
//! (one column per indicator). Codes stay text; ONS markers become a status, never a number.

use super::csv_text::{Cell, Table, TextEncoding, decode, parse_cell};
use super::metadata;
use super::session::ImportRun;
use super::value_checks::{AssociateNames, check_associates, is_proportion};
use crate::data::indicator::{IndicatorMeta, Status, ValueRow};
use crate::data::workspace::Workspace;
use crate::error::{Error, InputError, Result, excerpt};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// How to read an indicator CSV.
#[derive(Debug, Clone, Default)]
pub struct IndicatorOptions {
    pub geography: String,
    pub code_field: Option<String>,
    pub wide: bool,
    /// Wide form: import only these columns (text columns must be chosen here to be refused
    /// with a clear error rather than skipped).
    pub columns: Option<Vec<String>>,
    /// Period for every value (wide form), or for long-form files without a period column.
    pub period: Option<String>,
    pub metadata: Option<PathBuf>,
    pub allow_unmatched: bool,
    /// Replace values already in the workspace for the same indicator, geography and period.
    pub replace: bool,
    pub encoding: TextEncoding,
}

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct IndicatorReport {
    pub file: String,
    pub geography: String,
    pub form: String,
    /// The column read as area codes.
    pub code_field: String,
    /// Distinct area codes that match a boundary of the geography.
    pub matched: usize,
    pub indicators: Vec<String>,
    pub periods: Vec<String>,
    pub values: usize,
    pub ok: usize,
    pub suppressed: usize,
    pub missing: usize,
    /// Text columns of a wide file that were not imported.
    pub skipped_columns: Vec<String>,
    /// Distinct area codes that match no boundary; their rows are skipped with --allow-unmatched.
    pub unmatched: usize,
    pub unmatched_examples: Vec<String>,
    /// Rows skipped because their area code matches no boundary.
    pub skipped_rows: usize,
    /// Values that lie outside their own confidence interval (kept as published; see
    /// [`super::value_checks`]).
    pub outside_ci: usize,
    /// Up to five of them: line, area, indicator, period, value and limits.
    pub outside_ci_examples: Vec<String>,
}

/// Reads, checks and stores an indicator CSV in one transaction.
pub fn import_indicators(
    ws: &mut Workspace,
    path: &Path,
    opts: &IndicatorOptions,
) -> Result<IndicatorReport> {
    import_indicators_with(ws, path, opts, &ImportRun::silent())
}

/// [`import_indicators`] with progress, cancel, and the choice of keeping the result or
/// rolling it back (a trial).
pub fn import_indicators_with(
    ws: &Workspace,
    path: &Path,
    opts: &IndicatorOptions,
    run: &ImportRun<'_>,
) -> Result<IndicatorReport> {
    run.stage("reading indicators");
    let file = path.display().to_string();
    let bytes = super::read_file(path)?;
    let sha = super::sha256_hex(&bytes);
    // The bytes and the text are dropped once parsed: the table is what is checked.
    let table = Table::parse(&file, &decode(&file, &bytes, opts.encoding)?)?;
    drop(bytes);
    let codes = super::geography_codes(ws.conn(), &opts.geography)?;
    let code_col = code_column(&table, opts.code_field.as_deref(), &codes)?;
    let sidecar = match &opts.metadata {
        Some(p) => metadata::read_metadata(p)?,
        None => HashMap::new(),
    };
    let units: HashMap<String, String> = sidecar
        .iter()
        .map(|(code, m)| (code.clone(), m.unit.clone()))
        .collect();
    let (rows, skipped, form, outside_ci) = if opts.wide {
        let (rows, skipped) = read_wide(&table, code_col, opts, run)?;
        (rows, skipped, "wide", Vec::new())
    } else {
        let (rows, warnings) = read_long(&table, code_col, opts, &units, run)?;
        (rows, Vec::new(), "long", warnings)
    };
    check_duplicates(&file, &rows)?;
    let unmatched: BTreeSet<String> = rows
        .iter()
        .filter(|r| !codes.contains(&r.area_code))
        .map(|r| r.area_code.clone())
        .collect();
    let all_rows = rows.len();
    let rows: Vec<ValueRow> = rows
        .into_iter()
        .filter(|r| codes.contains(&r.area_code))
        .collect();
    let mut report = summarise(&file, opts, form, &rows, skipped);
    report.code_field = table.column_name(code_col);
    report.matched = rows
        .iter()
        .map(|r| r.area_code.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    report.unmatched = unmatched.len();
    report.unmatched_examples = unmatched.iter().take(5).map(|c| excerpt(c)).collect();
    report.skipped_rows = all_rows - rows.len();
    report.outside_ci = outside_ci.len();
    report.outside_ci_examples = outside_ci.into_iter().take(5).collect();
    if !unmatched.is_empty() && !opts.allow_unmatched {
        return Err(InputError::new(
            &file,
            format!(
                "{} area code(s) match no boundary in geography '{}' (e.g. {})",
                unmatched.len(),
                opts.geography,
                report.unmatched_examples.join(", ")
            ),
        )
        .column(table.column_name(code_col))
        .hint("check --geography and --code-field, or pass --allow-unmatched to import the matching rows and skip these")
        .into());
    }
    let metas = indicator_metadata(&sidecar, &report.indicators);
    let written = Written {
        rows: &rows,
        metas: &metas,
        report: &report,
        sha: &sha,
    };
    write(ws, path, opts, &written, run)?;
    Ok(report)
}

/// The area-code column: the flag, else the column whose values match the most boundary codes
/// (ties: the first), with at least one match.
fn code_column(
    table: &Table,
    flag: Option<&str>,
    codes: &std::collections::HashSet<String>,
) -> Result<usize> {
    if let Some(name) = flag {
        return table.require(name, "--code-field");
    }
    let sample: Vec<&(u64, Vec<String>)> = table.rows.iter().take(500).collect();
    let best = (0..table.headers.len())
        .map(|i| {
            let hits = sample
                .iter()
                .filter(|(_, r)| r.get(i).is_some_and(|v| codes.contains(v.trim())))
                .count();
            (hits, std::cmp::Reverse(i))
        })
        .max();
    match best {
        Some((hits, std::cmp::Reverse(i))) if hits > 0 => Ok(i),
        _ => Err(
            InputError::new(&table.file, "no column holds area codes of this geography")
                .line(1)
                .hint(format!(
                    "pass --code-field (one of: {}) and check --geography",
                    table.column_list()
                ))
                .into(),
        ),
    }
}

/// The longest indicator code, area code or period accepted, in characters: 200. Codes are
/// keys, shown in every list and (without metadata) as an indicator's title; ONS and
/// Fingertips codes have at most a few dozen characters, so a longer one is a mistake.
pub const MAX_CODE_CHARS: usize = 200;

/// Refuses a code (`what`: "indicator code", "area code", "period") of more than
/// [`MAX_CODE_CHARS`] characters.
fn check_code(table: &Table, line: u64, col: usize, what: &str, code: &str) -> Result<()> {
    let n = code.chars().count();
    if n > MAX_CODE_CHARS {
        return Err(cell_error(
            table,
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

fn cell_error(table: &Table, line: u64, col: usize, msg: String, hint: &str) -> Error {
    InputError::new(&table.file, msg)
        .line(line)
        .column(table.column_name(col))
        .hint(hint)
        .into()
}

fn area_code(table: &Table, line: u64, row: &[String], col: usize) -> Result<String> {
    let code = row
        .get(col)
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    if code.is_empty() {
        return Err(cell_error(
            table,
            line,
            col,
            "empty area code".into(),
            "fill in the code or delete the row",
        ));
    }
    check_code(table, line, col, "area code", &code)?;
    Ok(code)
}

/// The columns of a long-form file.
struct LongColumns {
    code: usize,
    indicator: usize,
    value: usize,
    period: Option<usize>,
    numerator: Option<usize>,
    denominator: Option<usize>,
    lower: Option<usize>,
    upper: Option<usize>,
    /// Fingertips' `value_type` (`Proportion`, `Crude rate`…).
    value_type: Option<usize>,
    names: AssociateNames,
}

fn long_columns(table: &Table, code: usize, opts: &IndicatorOptions) -> Result<LongColumns> {
    let need = |names: &[&str], what: &str| {
        table.find(names).ok_or_else(|| {
            Error::from(
                InputError::new(&table.file, format!("has no '{what}' column for long form"))
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
    let period = table.find(&["period", "year", "time_period"]);
    if period.is_none() && opts.period.is_none() {
        return Err(InputError::new(&table.file, "has no 'period' column")
            .line(1)
            .hint("add a period column or pass --period (e.g. --period 2019)")
            .into());
    }
    let (numerator, denominator) = (
        table.find(&["numerator", "count"]),
        table.find(&["denominator"]),
    );
    // Fingertips names them lower_ci_95 / upper_ci_95 (or LowerCI / UpperCI).
    let lower = table.find(&[
        "lower_ci",
        "lower_ci95",
        "lower_ci_95",
        "lowerci",
        "lower_cl",
        "lcl",
    ]);
    let upper = table.find(&[
        "upper_ci",
        "upper_ci95",
        "upper_ci_95",
        "upperci",
        "upper_cl",
        "ucl",
    ]);
    let name = |c: Option<usize>| {
        c.and_then(|c| table.headers.get(c))
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
        value_type: table.find(&["value_type", "valuetype"]),
        names,
    })
}

/// Long-form rows and the warnings of values outside their confidence interval.
fn read_long(
    table: &Table,
    code_col: usize,
    opts: &IndicatorOptions,
    units: &HashMap<String, String>,
    run: &ImportRun<'_>,
) -> Result<(Vec<ValueRow>, Vec<String>)> {
    let cols = long_columns(table, code_col, opts)?;
    let total = table.rows.len();
    let mut out = Vec::with_capacity(total);
    let mut warnings = Vec::new();
    for (i, (line, row)) in table.rows.iter().enumerate() {
        run.step(i + 1, total)?;
        let r = long_row(table, &cols, opts, *line, row)?;
        let kind = cols
            .value_type
            .and_then(|c| row.get(c))
            .or_else(|| units.get(&r.indicator))
            .map(String::as_str)
            .unwrap_or_default();
        let proportion = is_proportion(kind);
        if let Some(w) = check_associates(&table.file, &r, &cols.names, proportion)? {
            warnings.push(w);
        }
        out.push(r);
    }
    Ok((out, warnings))
}

/// One long-form row, its cells read and required ones present.
fn long_row(
    table: &Table,
    cols: &LongColumns,
    opts: &IndicatorOptions,
    line: u64,
    row: &[String],
) -> Result<ValueRow> {
    let text = |c: usize| row.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
    let indicator = text(cols.indicator);
    if indicator.is_empty() {
        return Err(cell_error(
            table,
            line,
            cols.indicator,
            "empty indicator code".into(),
            "fill it in or delete the row",
        ));
    }
    let period = match cols.period {
        Some(c) => text(c),
        None => opts.period.clone().unwrap_or_default(),
    };
    if period.is_empty() {
        return Err(cell_error(
            table,
            line,
            cols.period.unwrap_or(0),
            "empty period".into(),
            "fill it in or delete the row",
        ));
    }
    check_code(table, line, cols.indicator, "indicator code", &indicator)?;
    check_code(table, line, cols.period.unwrap_or(0), "period", &period)?;
    let (value, status) = value_cell(table, line, row, cols.value)?;
    let extra = |c: Option<usize>| -> Result<Option<f64>> {
        match c {
            None => Ok(None),
            Some(c) => value_cell(table, line, row, c).map(|(v, _)| v),
        }
    };
    Ok(ValueRow {
        area_code: area_code(table, line, row, cols.code)?,
        indicator,
        period,
        value,
        numerator: extra(cols.numerator)?,
        denominator: extra(cols.denominator)?,
        lower_ci: extra(cols.lower)?,
        upper_ci: extra(cols.upper)?,
        status,
        line,
    })
}

fn value_cell(
    table: &Table,
    line: u64,
    row: &[String],
    col: usize,
) -> Result<(Option<f64>, Status)> {
    let raw = row.get(col).map(String::as_str).unwrap_or_default();
    match parse_cell(raw) {
        Cell::Number(v) => Ok((Some(v), Status::Ok)),
        Cell::Suppressed => Ok((None, Status::Suppressed)),
        Cell::Missing => Ok((None, Status::Missing)),
        Cell::Text => Err(cell_error(
            table,
            line,
            col,
            format!("'{}' is not a number", excerpt(raw)),
            "use a number, or a marker for a value that is not available: empty, .., :, - (missing) or *, c, x, ~ (suppressed)",
        )),
    }
}

fn read_wide(
    table: &Table,
    code_col: usize,
    opts: &IndicatorOptions,
    run: &ImportRun<'_>,
) -> Result<(Vec<ValueRow>, Vec<String>)> {
    let period = opts
        .period
        .clone()
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| {
            Error::from(
                InputError::new(&table.file, "wide form needs a period for its values")
                    .hint("pass --period (e.g. --period 2019)"),
            )
        })?;
    let chosen: Vec<usize> = match &opts.columns {
        Some(names) => names
            .iter()
            .map(|n| table.require(n.trim(), "--columns"))
            .collect::<Result<_>>()?,
        None => (0..table.headers.len())
            .filter(|&i| i != code_col)
            .collect(),
    };
    if period.chars().count() > MAX_CODE_CHARS {
        return Err(Error::Invalid(format!(
            "--period '{}' is longer than {MAX_CODE_CHARS} characters: give a period such as 2019 or 2019/20",
            excerpt(&period)
        )));
    }
    let mut indicators = Vec::new();
    let mut skipped = Vec::new();
    for &col in &chosen {
        let name = table
            .headers
            .get(col)
            .map(String::as_str)
            .unwrap_or_default();
        check_code(table, 1, col, "indicator code", name)?;
        let cells: Vec<Cell> = table
            .rows
            .iter()
            .map(|(_, r)| parse_cell(r.get(col).map(String::as_str).unwrap_or_default()))
            .collect();
        let numbers = cells
            .iter()
            .filter(|c| matches!(c, Cell::Number(_)))
            .count();
        let first_text = cells.iter().position(|c| *c == Cell::Text);
        match (numbers, first_text) {
            (_, None) => indicators.push(col),
            (0, Some(_)) if opts.columns.is_none() => {
                skipped.push(table.headers.get(col).cloned().unwrap_or_default())
            }
            (_, Some(row)) => {
                let (line, r) = table
                    .rows
                    .get(row)
                    .map(|(l, r)| (*l, r.as_slice()))
                    .unwrap_or((0, &[]));
                let raw = r.get(col).cloned().unwrap_or_default();
                return Err(cell_error(
                    table,
                    line,
                    col,
                    format!("'{}' is not a number", excerpt(&raw)),
                    "use a number or a missing-data marker (empty, .., :, -, *, c, x, ~), or leave the column out with --columns",
                ));
            }
        }
    }
    let total = table.rows.len();
    let mut out = Vec::with_capacity(total * indicators.len());
    for (i, (line, row)) in table.rows.iter().enumerate() {
        run.step(i + 1, total)?;
        let code = area_code(table, *line, row, code_col)?;
        for &col in &indicators {
            let (value, status) = value_cell(table, *line, row, col)?;
            out.push(ValueRow {
                indicator: table.headers.get(col).cloned().unwrap_or_default(),
                area_code: code.clone(),
                period: period.clone(),
                value,
                numerator: None,
                denominator: None,
                lower_ci: None,
                upper_ci: None,
                status,
                line: *line,
            });
        }
    }
    Ok((out, skipped))
}

fn check_duplicates(file: &str, rows: &[ValueRow]) -> Result<()> {
    let mut seen: HashMap<(&str, &str, &str), u64> = HashMap::with_capacity(rows.len());
    for r in rows {
        if let Some(first) = seen.insert((&r.indicator, &r.area_code, &r.period), r.line) {
            return Err(InputError::new(
                file,
                format!(
                    "area {} has a second value for indicator {} in period {} (first on line {first})",
                    excerpt(&r.area_code),
                    excerpt(&r.indicator),
                    excerpt(&r.period)
                ),
            )
            .line(r.line)
            .hint("each area, indicator and period may appear once; remove the duplicate row")
            .into());
        }
    }
    Ok(())
}

fn summarise(
    file: &str,
    opts: &IndicatorOptions,
    form: &str,
    rows: &[ValueRow],
    skipped: Vec<String>,
) -> IndicatorReport {
    let mut indicators: Vec<String> = Vec::new();
    for r in rows {
        if !indicators.contains(&r.indicator) {
            indicators.push(r.indicator.clone());
        }
    }
    let periods: BTreeSet<&str> = rows.iter().map(|r| r.period.as_str()).collect();
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    IndicatorReport {
        file: file.to_string(),
        geography: opts.geography.clone(),
        form: form.to_string(),
        code_field: String::new(),
        matched: 0,
        indicators,
        periods: periods.into_iter().map(String::from).collect(),
        values: rows.len(),
        ok: count(Status::Ok),
        suppressed: count(Status::Suppressed),
        missing: count(Status::Missing),
        skipped_columns: skipped,
        unmatched: 0,
        unmatched_examples: Vec::new(),
        skipped_rows: 0,
        outside_ci: 0,
        outside_ci_examples: Vec::new(),
    }
}

fn indicator_metadata(
    sidecar: &HashMap<String, IndicatorMeta>,
    codes: &[String],
) -> Vec<IndicatorMeta> {
    codes
        .iter()
        .map(|c| {
            sidecar
                .get(c)
                .cloned()
                .unwrap_or_else(|| IndicatorMeta::default_for(c))
        })
        .collect()
}

/// What an indicator import writes: the values, the indicators' metadata, and (for the import
/// log) the report and the file's SHA-256.
struct Written<'a> {
    rows: &'a [ValueRow],
    metas: &'a [IndicatorMeta],
    report: &'a IndicatorReport,
    sha: &'a str,
}

/// Values are inserted (and progress reported, cancel checked) this many at a time (a
/// multiple of the progress step).
const INSERT_CHUNK: usize = 4096;

fn write(
    ws: &Workspace,
    path: &Path,
    opts: &IndicatorOptions,
    w: &Written<'_>,
    run: &ImportRun<'_>,
) -> Result<()> {
    let (rows, metas, report) = (w.rows, w.metas, w.report);
    let sha = w.sha;
    let detail = serde_json::to_string(report).unwrap_or_default();
    let provenance = format!("imported from {}", path.display());
    run.stage("writing indicators");
    run.write(ws, |tx| {
        metadata::upsert(tx, metas, opts.metadata.is_some(), &provenance)?;
        let combos: BTreeSet<(&str, &str)> = rows.iter().map(|r| (r.indicator.as_str(), r.period.as_str())).collect();
        for (indicator, period) in &combos {
            let existing: i64 = tx.query_row(
                "SELECT COUNT(*) FROM atlas_values WHERE indicator = ?1 AND geography = ?2 AND period = ?3",
                (indicator, &opts.geography, period),
                |r| r.get(0),
            )?;
            if existing > 0 && !opts.replace {
                return Err(Error::Invalid(format!(
                    "{}: the workspace already has {existing} values of {} for {} in period {}; \
                     pass --replace to replace them",
                    path.display(),
                    excerpt(indicator),
                    opts.geography,
                    excerpt(period)
                )));
            }
            tx.execute(
                "DELETE FROM atlas_values WHERE indicator = ?1 AND geography = ?2 AND period = ?3",
                (indicator, &opts.geography, period),
            )?;
        }
        let mut done = 0;
        for chunk in rows.chunks(INSERT_CHUNK) {
            insert_values(tx, &opts.geography, chunk)?;
            done += chunk.len();
            run.step(done, rows.len())?;
        }
        super::log_import(tx, "indicators", &opts.geography, path, rows.len(), sha, &detail)
    })
}

/// Inserts value rows for a geography.
pub fn insert_values(
    tx: &rusqlite::Transaction<'_>,
    geography: &str,
    rows: &[ValueRow],
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO atlas_values (indicator, geography, area_code, period, value, numerator, denominator, lower_ci, upper_ci, status) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for r in rows {
        stmt.execute(rusqlite::params![
            r.indicator,
            geography,
            r.area_code,
            r.period,
            r.value,
            r.numerator,
            r.denominator,
            r.lower_ci,
            r.upper_ci,
            r.status.as_str()
        ])?;
    }
    Ok(())
}
