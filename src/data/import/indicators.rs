//! Indicator values from CSV, long form (one row per area × indicator × period) or wide form
//! (one column per indicator). Codes stay text; ONS markers become a status, never a number.
//!
//! The file is streamed: each record is read, checked and stored inside one transaction
//! ([`super::indicator_sink`]), so memory does not grow with the file, and any error, a cancel
//! or a killed process leaves the workspace as it was (the transaction is rolled back, by
//! SQLite's journal when the process died).

use super::breakdown::{Breakdown, BreakdownPlan, Keep};
use super::csv_stream::CsvStream;
use super::csv_text::TextEncoding;
use super::indicator_rows::{
    LongColumns, ValueFixes, WideColumns, code_column, long_columns, long_row, wide_columns,
    wide_rows,
};
use super::indicator_sink::{Sink, SinkError};
use super::metadata;
use super::problems::Problems;
use super::quality;
use super::session::ImportRun;
use super::value_checks::{check_associates, is_proportion};
use super::value_range::RangeBook;
use crate::data::indicator::{IndicatorMeta, ValueRow};
use crate::data::workspace::Workspace;
use crate::error::{Error, InputError, Result, excerpt};
use std::collections::{HashMap, HashSet};
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
    /// Metadata given for the file's indicators (the app's import dialog: title, theme, unit,
    /// polarity), each keyed by its column header (wide form) or indicator code (long form);
    /// it wins over the metadata file and replaces what an existing indicator had.
    pub described: Vec<IndicatorMeta>,
    /// Take a code that matches no boundary but is one digit or a letter O away from exactly
    /// one boundary code for that code (reported as fixed); off by default.
    pub fix_codes: bool,
    /// Data-quality warnings refuse the import (`--strict`).
    pub strict: bool,
    /// The statistical checks of each series written (outliers, unusual changes), given by
    /// `ops`; none: only the areas without a value are looked for.
    pub review: Option<quality::SeriesReview>,
    /// Codes whose rows are stored as benchmark areas (beside the well-known ones: the UK's
    /// countries and England's regions, `data::benchmark::WELL_KNOWN`).
    pub benchmark_codes: Vec<String>,
    /// Which rows of a file with breakdown columns (sex, age, category) are imported.
    pub breakdown: Breakdown,
}

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct IndicatorReport {
    pub file: String,
    pub geography: String,
    pub form: String,
    /// The column read as area codes.
    pub code_field: String,
    /// Unmatched codes one digit (or a letter O) away from exactly one boundary code, with it
    /// ("E0800003 → E08000003"; at most five): reported, never applied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggested_codes: Vec<String>,
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
    /// Area codes that matched a boundary only once trimmed and in upper case (e.g.
    /// `e01005067`), and up to five of them as "line: code → CODE".
    pub fixed_codes: usize,
    pub fixed_code_examples: Vec<String>,
    /// Values read once a currency symbol or a `%` was taken off (e.g. `£872`), and up to
    /// five as "line N, column: raw → number (what was removed)".
    pub fixed_values: usize,
    pub fixed_value_examples: Vec<String>,
    /// More distinct unmatched codes than were counted
    /// ([`super::indicator_sink::MAX_UNMATCHED_TRACKED`]).
    #[serde(skip)]
    pub unmatched_overflow: bool,
    /// The data-quality warnings ([`super::quality`]): areas without a value, outliers,
    /// unusual changes, values outside their interval, codes that look mistyped.
    pub warnings: Vec<quality::QualityWarning>,
    /// Benchmark areas and breakdowns (boxed: the report is moved around by value).
    #[serde(flatten)]
    pub more: Box<BenchmarkReport>,
}

/// The part of an import's report about benchmark areas and breakdowns.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BenchmarkReport {
    /// Values stored for benchmark areas (no boundary: England, a region, `--benchmark-codes`)
    /// and those areas' codes.
    pub benchmark_values: usize,
    pub benchmarks: Vec<String>,
    /// Rows of a file with breakdown columns left out: not the headline breakdown (with
    /// `--breakdown headline`) or of an indicator in `ambiguous_indicators`.
    pub breakdown_rows_skipped: usize,
    /// Indicators skipped because their chosen rows give two values for one area and period.
    pub ambiguous_indicators: Vec<String>,
}

/// Reads, checks and stores an indicator CSV in one transaction.
pub fn import_indicators(
    ws: &mut Workspace,
    path: &Path,
    opts: &IndicatorOptions,
) -> Result<IndicatorReport> {
    import_indicators_with(ws, path, opts, &ImportRun::silent())
}

/// The longest indicator code, area code or period accepted, in characters: 200. Codes are
/// keys, shown in every list and (without metadata) as an indicator's title; ONS and
/// Fingertips codes have at most a few dozen characters, so a longer one is a mistake.
pub const MAX_CODE_CHARS: usize = 200;

/// How the records of the file become value rows.
enum Form {
    Long {
        cols: LongColumns,
        units: HashMap<String, String>,
        plan: Option<Box<BreakdownPlan>>,
    },
    Wide(WideColumns),
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
    let stream = CsvStream::open(path, opts.encoding)?;
    let codes = super::geography_codes(ws.conn(), &opts.geography)?;
    let code_col = code_column(&stream, opts.code_field.as_deref(), &codes)?;
    let mut sidecar = match &opts.metadata {
        Some(p) => metadata::read_metadata(p)?,
        None => HashMap::new(),
    };
    // Metadata given by the user replaces an existing indicator's; defaults never do.
    let mut explicit: HashSet<String> = sidecar.keys().cloned().collect();
    let form = if opts.wide {
        let known = |h: &str| sidecar.contains_key(h);
        let w = wide_columns(&stream, code_col, opts, run, &known)?;
        titles_from_headers(&stream, &w, opts, &mut sidecar, &mut explicit);
        Form::Wide(w)
    } else {
        let cols = long_columns(&stream.columns, code_col, opts)?;
        let plan = BreakdownPlan::read(
            &stream,
            cols.indicator,
            code_col,
            cols.period,
            opts.breakdown,
        )?
        .map(Box::new);
        // The file's own metadata (Fingertips: title, polarity, value type) for indicators
        // the metadata file does not describe; like defaults, it never replaces an existing
        // indicator's.
        if let Some(p) = &plan {
            for (code, m) in &p.meta {
                sidecar.entry(code.clone()).or_insert_with(|| m.clone());
            }
        }
        let units = sidecar
            .iter()
            .map(|(code, m)| (code.clone(), m.unit.clone()))
            .collect();
        for m in &opts.described {
            sidecar.insert(m.code.clone(), m.clone());
            explicit.insert(m.code.clone());
        }
        Form::Long { cols, units, plan }
    };
    let report = IndicatorReport {
        file: stream.columns.file.clone(),
        geography: opts.geography.clone(),
        form: if opts.wide { "wide" } else { "long" }.into(),
        code_field: stream.columns.column_name(code_col),
        skipped_columns: match &form {
            Form::Wide(w) => w.skipped.clone(),
            Form::Long { .. } => Vec::new(),
        },
        more: Box::new(BenchmarkReport {
            ambiguous_indicators: match &form {
                Form::Long { plan: Some(p), .. } => p.ambiguous.clone(),
                _ => Vec::new(),
            },
            ..BenchmarkReport::default()
        }),
        ..IndicatorReport::default()
    };
    let code_name = stream.columns.column_name(code_col);
    run.stage("importing indicators");
    run.write(ws, |tx| {
        let mut sink = Sink::new(tx, opts, path, &codes, &sidecar, &explicit, report)?;
        let fixes = ValueFixes::default();
        let file = stream.columns.file.clone();
        let ranges = RangeBook::new(ws.conn(), &sidecar, &explicit);
        let read = Reading {
            form: &form,
            opts,
            fixes: &fixes,
            ranges: &ranges,
        };
        let (sha, problems) = stream_rows(stream, &read, &mut sink, run)?;
        if problems.is_empty() {
            sink.write_benchmarks()?;
        }
        let written = sink.written_series();
        let finished = sink.finish(&code_name);
        if !problems.is_empty() {
            let later = finished.err();
            return Err(problems
                .into_error(&file, later)
                .unwrap_or(Error::Cancelled));
        }
        let mut report = finished?;
        (report.fixed_values, report.fixed_value_examples) = fixes.take();
        run.stage("checking data quality");
        report
            .warnings
            .extend(quality::mistyped(&report.suggested_codes));
        report.warnings.extend(quality::outside_ci(
            report.outside_ci,
            &report.outside_ci_examples,
        ));
        report.warnings.extend(quality::review_import(
            tx,
            &opts.geography,
            &codes,
            &written,
            opts.review,
        )?);
        quality::refuse_if_strict(&report.file, opts.strict, &report.warnings)?;
        let detail = serde_json::to_string(&report).unwrap_or_default();
        super::log_import(
            tx,
            "indicators",
            &opts.geography,
            path,
            report.values,
            &sha,
            &detail,
        )?;
        Ok(report)
    })
}

/// The metadata the user gave for a column (by its header) goes to the column's code; a new
/// indicator whose code was cleaned from its header keeps the header as its title (unless the
/// metadata file describes it).
fn titles_from_headers(
    stream: &CsvStream,
    w: &WideColumns,
    opts: &IndicatorOptions,
    sidecar: &mut HashMap<String, IndicatorMeta>,
    explicit: &mut HashSet<String>,
) {
    for (&col, code) in w.indicators.iter().zip(&w.codes) {
        let header = stream
            .columns
            .headers
            .get(col)
            .map(|h| h.trim())
            .unwrap_or_default();
        if let Some(d) = opts.described.iter().find(|d| d.code.trim() == header) {
            let mut m = d.clone();
            m.code = code.clone();
            if m.title.trim().is_empty() {
                m.title = header.to_string();
            }
            sidecar.insert(code.clone(), m);
            explicit.insert(code.clone());
        } else if header != code && !sidecar.contains_key(code) {
            let mut m = IndicatorMeta::default_for(code);
            m.title = header.to_string();
            sidecar.insert(code.clone(), m);
        }
    }
}

/// Reads every record into the sink; returns the file's SHA-256 and the problems of the rows
/// that could not be read (noted, not stopping the read, so one run reports them all).
fn stream_rows(
    mut stream: CsvStream,
    read: &Reading<'_>,
    sink: &mut Sink<'_, '_>,
    run: &ImportRun<'_>,
) -> Result<(String, Problems)> {
    let Reading {
        form,
        opts,
        fixes,
        ranges,
    } = *read;
    let mut rows: Vec<ValueRow> = Vec::new();
    let mut problems = Problems::default();
    let mut sink_ok = true;
    let mut n = 0usize;
    while stream.next_record()?.is_some() {
        n += 1;
        let (read, total) = stream.progress();
        run.step_stream(n, read, total)?;
        match record_rows(&stream, form, opts, &mut rows, fixes) {
            Ok(Some(w)) => sink.outside_ci(w),
            Ok(None) if rows.is_empty() && matches!(form, Form::Long { .. }) => {
                sink.report.more.breakdown_rows_skipped += 1;
                continue;
            }
            Ok(None) => {}
            Err(e) => {
                problems.note(e)?;
                continue;
            }
        }
        if let Err(e) = check_ranges(&stream, form, &rows, ranges) {
            problems.note(e)?;
            continue;
        }
        // The readable rows still go to the sink (rolled back if there are problems), so the
        // unmatched codes of the whole file are counted; a duplicate ends the sink's part.
        if !sink_ok {
            continue;
        }
        for r in &rows {
            if let Err(e) = sink.add(r) {
                let e = sink_error(&stream, form, opts, e);
                if problems.is_empty() {
                    return Err(e);
                }
                problems.note(e)?;
                sink_ok = false;
                break;
            }
        }
    }
    if sink_ok && let Err(e) = sink.flush() {
        let e = sink_error(&stream, form, opts, e);
        if problems.is_empty() {
            return Err(e);
        }
        problems.note(e)?;
    }
    run.step_stream(n, 1, 1)?;
    Ok((stream.finish()?, problems))
}

/// What reading a record needs besides the file.
#[derive(Clone, Copy)]
struct Reading<'a> {
    form: &'a Form,
    opts: &'a IndicatorOptions,
    fixes: &'a ValueFixes,
    ranges: &'a RangeBook<'a>,
}

/// Checks the record's values against their indicators' ranges
/// ([`super::value_range`]); the first value outside is the record's problem.
fn check_ranges(
    stream: &CsvStream,
    form: &Form,
    rows: &[ValueRow],
    ranges: &RangeBook<'_>,
) -> Result<()> {
    for (i, r) in rows.iter().enumerate() {
        let Some(v) = r.value else { continue };
        let col = match form {
            Form::Long { cols, .. } => cols.value,
            Form::Wide(w) => w.indicators[i],
        };
        let column = stream.columns.column_name(col);
        ranges.check(&stream.columns.file, r.line, &column, &r.indicator, v)?;
    }
    Ok(())
}

/// The current record's value rows (one in long form, one per indicator column in wide form),
/// and the warning of a long-form value outside its confidence interval.
fn record_rows(
    stream: &CsvStream,
    form: &Form,
    opts: &IndicatorOptions,
    rows: &mut Vec<ValueRow>,
    fixes: &ValueFixes,
) -> Result<Option<String>> {
    match form {
        Form::Long { cols, units, plan } => {
            let keep = plan.as_ref().map(|p| p.keep(stream));
            if matches!(keep, Some(Keep::Skip)) {
                rows.clear();
                return Ok(None);
            }
            if rows.len() != 1 {
                rows.clear();
                rows.push(ValueRow::computed("", "", "", None));
            }
            let r = &mut rows[0];
            long_row(stream, cols, opts, r, fixes)?;
            if let Some(Keep::As(code)) = keep {
                r.indicator = code;
            }
            let proportion = match cols.value_type {
                Some(c) => is_proportion(&stream.cell(c)),
                None => units.get(&r.indicator).is_some_and(|u| is_proportion(u)),
            };
            check_associates(&stream.columns.file, r, &cols.names, proportion)
        }
        Form::Wide(w) => {
            wide_rows(stream, w, rows, fixes)?;
            Ok(None)
        }
    }
}

fn sink_error(stream: &CsvStream, form: &Form, opts: &IndicatorOptions, e: SinkError) -> Error {
    match e {
        SinkError::Other(e) => e,
        SinkError::Duplicate(d) => duplicate_error(stream, form, opts, &d.row),
    }
}

/// The error for a second value of the same area, indicator and period: the file is read again
/// from the start to name the line of the first.
fn duplicate_error(
    stream: &CsvStream,
    form: &Form,
    opts: &IndicatorOptions,
    dup: &ValueRow,
) -> Error {
    let first = first_line_of(stream, form, opts, dup).unwrap_or(0);
    InputError::new(
        &stream.columns.file,
        format!(
            "area {} has a second value for indicator {} in period {} (first on line {first})",
            excerpt(&dup.area_code),
            excerpt(&dup.indicator),
            excerpt(&dup.period)
        ),
    )
    .line(dup.line)
    .hint("each area, indicator and period may appear once; remove the duplicate row")
    .into()
}

fn first_line_of(
    stream: &CsvStream,
    form: &Form,
    opts: &IndicatorOptions,
    dup: &ValueRow,
) -> Result<u64> {
    let mut again = stream.reopen()?;
    let mut rows = Vec::new();
    while let Some(line) = again.next_record()? {
        if line >= dup.line {
            break;
        }
        record_rows(&again, form, opts, &mut rows, &ValueFixes::default())?;
        // Codes compared as matched (trimmed, upper case): `e01` and `E01` are one area.
        let same = |r: &ValueRow| {
            r.area_code.to_uppercase() == dup.area_code.to_uppercase()
                && r.indicator == dup.indicator
                && r.period == dup.period
        };
        if rows.iter().any(same) {
            return Ok(line);
        }
    }
    Ok(0)
}
