//! Where an indicator import's rows go, one by one, inside the import's transaction: each is
//! checked against the workspace (its area matches a boundary; its series has no values
//! already unless `--replace`; it is not a second value for the same area, indicator and
//! period) and stored at once, while the report is counted. Memory holds the geography's codes,
//! the series seen and the examples a report shows, never the rows.

use super::indicators::{IndicatorOptions, IndicatorReport};
use super::metadata;
use crate::data::benchmark;
use crate::data::indicator::{IndicatorMeta, Status, ValueRow};
use crate::data::value_batch::{BATCH, BatchWriter, NewValue};
use crate::data::value_store::{self, ValueWriter};
use crate::error::{Error, InputError, Result, excerpt};
use rusqlite::Transaction;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

/// Distinct unmatched area codes remembered (a file of the wrong geography can have
/// millions; the report then says "at least").
pub(crate) const MAX_UNMATCHED_TRACKED: usize = 100_000;

/// Keys of unmatched rows remembered to find duplicates among them (rows that are not stored,
/// so the values table cannot find them); past this many, duplicates among unmatched rows go
/// unnoticed, which costs nothing: those rows are skipped or the import is refused.
const MAX_UNMATCHED_KEYS: usize = 200_000;

/// Examples a report lists.
const EXAMPLES: usize = 5;

/// What went wrong with a row that needs the file read again to explain (the line of the
/// first of two values for the same key).
#[derive(Debug)]
pub(crate) struct DuplicateAt {
    pub row: ValueRow,
}

/// An area of the geography: its id once known, and whether a row of the file matched it.
#[derive(Clone, Copy, Default)]
struct AreaSlot {
    id: Option<i64>,
    matched: bool,
}

pub(crate) struct Sink<'a, 't> {
    tx: &'t Transaction<'t>,
    writer: ValueWriter<'t>,
    batch: BatchWriter<'t>,
    /// Values not yet written, and each one's line and area slot (to name a duplicate).
    pending: Vec<NewValue>,
    pending_at: Vec<(u64, usize)>,
    /// Slot → its area code; series id → (indicator, period): for messages.
    slot_codes: Vec<String>,
    series_names: HashMap<i64, (String, String)>,
    opts: &'a IndicatorOptions,
    path: &'a Path,
    /// Boundary code → index into `slots` (one lookup per row).
    slot_of: HashMap<String, usize>,
    slots: Vec<AreaSlot>,
    /// The series of the previous row (files come sorted by indicator and period, so this
    /// spares the lookups of all but the first row of a series).
    last: Option<(String, String, i64)>,
    sidecar: &'a HashMap<String, IndicatorMeta>,
    /// Codes whose metadata the user gave (file or dialog): it replaces an existing
    /// indicator's; the defaults of the others never do.
    explicit: &'a HashSet<String>,
    provenance: String,
    /// Indicators written so far, in order of first appearance.
    indicators: Vec<String>,
    indicator_set: HashSet<String>,
    periods: BTreeSet<String>,
    /// Series whose existing values were checked (and, with --replace, deleted).
    checked: HashSet<i64>,
    /// Series of the file that were new to the workspace.
    created: HashSet<i64>,
    matched: usize,
    unmatched: BTreeSet<String>,
    /// (indicator, area, period) of unmatched rows → first line, to find duplicates among them.
    unmatched_keys: HashMap<(String, String, String), u64>,
    /// Codes looked at as mistyped (`fix_codes`) and the area each was taken for.
    mistyped: HashMap<String, Option<usize>>,
    /// Rows of benchmark areas (England, a region, `--benchmark-codes`): few, kept in memory
    /// and written at the end under the benchmark pseudo-geography; their keys, to find a
    /// second value.
    bench_rows: Vec<ValueRow>,
    bench_keys: HashSet<(String, String, String)>,
    bench_codes: HashSet<String>,
    pub report: IndicatorReport,
}

impl<'a, 't> Sink<'a, 't> {
    pub fn new(
        tx: &'t Transaction<'t>,
        opts: &'a IndicatorOptions,
        path: &'a Path,
        codes: &'a HashSet<String>,
        sidecar: &'a HashMap<String, IndicatorMeta>,
        explicit: &'a HashSet<String>,
        report: IndicatorReport,
    ) -> Result<Self> {
        let writer = ValueWriter::new(tx, &opts.geography)?;
        let mut slot_of = HashMap::with_capacity(codes.len());
        let mut slots = Vec::with_capacity(codes.len());
        let mut slot_codes = Vec::with_capacity(codes.len());
        for code in codes {
            slot_of.insert(code.clone(), slots.len());
            slot_codes.push(code.clone());
            slots.push(AreaSlot {
                id: writer.known_area(code),
                matched: false,
            });
        }
        Ok(Self {
            tx,
            writer,
            batch: BatchWriter::new(tx)?,
            pending: Vec::with_capacity(BATCH),
            pending_at: Vec::with_capacity(BATCH),
            slot_codes,
            series_names: HashMap::new(),
            opts,
            path,
            slot_of,
            slots,
            last: None,
            sidecar,
            explicit,
            provenance: format!("imported from {}", path.display()),
            indicators: Vec::new(),
            indicator_set: HashSet::new(),
            periods: BTreeSet::new(),
            checked: HashSet::new(),
            created: HashSet::new(),
            matched: 0,
            unmatched: BTreeSet::new(),
            unmatched_keys: HashMap::new(),
            mistyped: HashMap::new(),
            bench_rows: Vec::new(),
            bench_keys: HashSet::new(),
            bench_codes: opts
                .benchmark_codes
                .iter()
                .map(|c| c.trim().to_uppercase())
                .filter(|c| !c.is_empty())
                .collect(),
            report,
        })
    }

    /// Checks and stores one row. `Err(Ok(dup))` asks the caller to find the first line of a
    /// duplicate (it has the file); other errors stop the import.
    pub fn add(&mut self, r: &ValueRow) -> std::result::Result<(), SinkError> {
        let k = match self.slot_of.get(r.area_code.as_str()) {
            Some(&k) => k,
            None => match self.fixed_slot(r) {
                Some(k) => k,
                None => return self.add_benchmark_or_unmatched(r),
            },
        };
        let series = match &self.last {
            Some((i, p, id)) if *i == r.indicator && *p == r.period => *id,
            _ => self.first_of_series(r)?,
        };
        let area = match self.slots[k].id {
            Some(id) => id,
            None => {
                // The boundary's own code (a fixed `e01…` is stored as `E01…`).
                let id = self.writer.area_id(&self.slot_codes[k])?;
                self.slots[k].id = Some(id);
                id
            }
        };
        self.pending.push(NewValue {
            series,
            area,
            value: r.value,
            numerator: r.numerator,
            denominator: r.denominator,
            lower_ci: r.lower_ci,
            upper_ci: r.upper_ci,
            lower_ci_99_8: r.lower_ci_99_8,
            upper_ci_99_8: r.upper_ci_99_8,
            status: r.status,
        });
        self.pending_at.push((r.line, k));
        if self.pending.len() == BATCH {
            self.flush()?;
        }
        if !self.slots[k].matched {
            self.slots[k].matched = true;
            self.matched += 1;
        }
        let rep = &mut self.report;
        rep.values += 1;
        match r.status {
            Status::Ok => rep.ok += 1,
            Status::Suppressed => rep.suppressed += 1,
            Status::Missing => rep.missing += 1,
        }
        Ok(())
    }

    /// The area a code names once trimmed and in upper case (`e01005067` → `E01005067`), noted
    /// in the report as fixed.
    fn fixed_slot(&mut self, r: &ValueRow) -> Option<usize> {
        let norm = r.area_code.trim().to_uppercase();
        let k = match self.slot_of.get(norm.as_str()) {
            Some(&k) if norm != r.area_code => k,
            _ if self.opts.fix_codes => return self.mistyped_slot(r),
            _ => return None,
        };
        let rep = &mut self.report;
        rep.fixed_codes += 1;
        if rep.fixed_code_examples.len() < EXAMPLES {
            rep.fixed_code_examples.push(format!(
                "line {}: {} → {norm}",
                r.line,
                excerpt(&r.area_code)
            ));
        }
        Some(k)
    }

    /// With `fix_codes`: the area of a code that looks mistyped (one digit or a letter O away
    /// from exactly one boundary code), remembered per code and reported as fixed.
    fn mistyped_slot(&mut self, r: &ValueRow) -> Option<usize> {
        let k = match self.mistyped.get(&r.area_code) {
            Some(k) => *k,
            None => {
                let k = super::code_suggestion::likely_code(&r.area_code, |c| {
                    self.slot_of.contains_key(c)
                })
                .and_then(|c| self.slot_of.get(c.as_str()).copied());
                self.mistyped.insert(r.area_code.clone(), k);
                k
            }
        }?;
        let rep = &mut self.report;
        rep.fixed_codes += 1;
        if rep.fixed_code_examples.len() < EXAMPLES {
            rep.fixed_code_examples.push(format!(
                "line {}: {} → {} (looked mistyped)",
                r.line,
                excerpt(&r.area_code),
                self.slot_codes[k]
            ));
        }
        Some(k)
    }

    /// Writes the values gathered so far (call once more after the last row).
    pub fn flush(&mut self) -> std::result::Result<(), SinkError> {
        let dup = self.batch.insert(&self.pending)?;
        if let Some(i) = dup {
            let (line, k) = self.pending_at[i];
            let v = self.pending[i];
            let (indicator, period) = self
                .series_names
                .get(&v.series)
                .cloned()
                .unwrap_or_default();
            let code = self.slot_codes.get(k).cloned().unwrap_or_default();
            let mut row = ValueRow::computed(&indicator, &code, &period, v.value);
            row.line = line;
            return Err(SinkError::Duplicate(Box::new(DuplicateAt { row })));
        }
        self.pending.clear();
        self.pending_at.clear();
        Ok(())
    }

    /// A row whose series differs from the previous row's: registers its indicator and
    /// period and finds (or creates) the series.
    fn first_of_series(&mut self, r: &ValueRow) -> Result<i64> {
        self.indicator(&r.indicator)?;
        let id = self.series(&r.indicator, &r.period)?;
        if !self.periods.contains(&r.period) {
            self.periods.insert(r.period.clone());
        }
        self.last = Some((r.indicator.clone(), r.period.clone(), id));
        self.series_names
            .entry(id)
            .or_insert_with(|| (r.indicator.clone(), r.period.clone()));
        Ok(id)
    }

    /// The series rows were written to: (id, indicator, period), indicators in the order the
    /// file first gives them, then by period.
    pub fn written_series(&self) -> Vec<(i64, String, String)> {
        let order: HashMap<&str, usize> = self
            .indicators
            .iter()
            .enumerate()
            .map(|(k, i)| (i.as_str(), k))
            .collect();
        let mut v: Vec<(i64, String, String)> = self
            .series_names
            .iter()
            .map(|(id, (i, p))| (*id, i.clone(), p.clone()))
            .collect();
        v.sort_by_key(|(_, i, p)| (order.get(i.as_str()).copied(), p.clone()));
        v
    }

    /// Records a warning (a value outside its confidence interval).
    pub fn outside_ci(&mut self, warning: String) {
        self.report.outside_ci += 1;
        if self.report.outside_ci_examples.len() < EXAMPLES {
            self.report.outside_ci_examples.push(warning);
        }
    }

    /// A row whose code matches no boundary: kept as a benchmark area's when its code is a
    /// well-known benchmark code or one of `--benchmark-codes`, else unmatched.
    fn add_benchmark_or_unmatched(&mut self, r: &ValueRow) -> std::result::Result<(), SinkError> {
        let code = r.area_code.trim().to_uppercase();
        if !(benchmark::is_well_known(&code) || self.bench_codes.contains(&code)) {
            return self.add_unmatched(r);
        }
        let key = (r.indicator.clone(), code.clone(), r.period.clone());
        if !self.bench_keys.insert(key) {
            return Err(SinkError::Duplicate(Box::new(DuplicateAt {
                row: r.clone(),
            })));
        }
        self.indicator(&r.indicator)?;
        if !self.periods.contains(&r.period) {
            self.periods.insert(r.period.clone());
        }
        let mut row = r.clone();
        row.area_code = code;
        self.bench_rows.push(row);
        Ok(())
    }

    /// Writes the benchmark rows (call after the last row, before [`Sink::finish`]): a series
    /// of a benchmark area that already has values is refused, or replaced with --replace.
    pub fn write_benchmarks(&mut self) -> Result<()> {
        if self.bench_rows.is_empty() {
            return Ok(());
        }
        let geo = benchmark::BENCHMARK_GEOGRAPHY;
        let writer = ValueWriter::new(self.tx, geo)?;
        let series: BTreeSet<(String, String)> = self
            .bench_rows
            .iter()
            .map(|r| (r.indicator.clone(), r.period.clone()))
            .collect();
        for (indicator, period) in &series {
            let Some(id) = writer.known_series(indicator, period) else {
                continue;
            };
            if value_store::series_has_values(self.tx, id)? {
                if !self.opts.replace {
                    let existing = value_store::series_len(self.tx, id)?;
                    return Err(Error::Invalid(format!(
                        "{}: the workspace already has {existing} benchmark value(s) of {} in \
                         period {}; pass --replace to replace them",
                        self.path.display(),
                        excerpt(indicator),
                        excerpt(period)
                    )));
                }
                value_store::delete_series(self.tx, indicator, geo, period)?;
            }
        }
        drop(writer);
        value_store::insert_values(self.tx, geo, &self.bench_rows)?;
        let codes: BTreeSet<String> = self
            .bench_rows
            .iter()
            .map(|r| r.area_code.clone())
            .collect();
        let rep = &mut self.report;
        rep.more.benchmark_values = self.bench_rows.len();
        rep.more.benchmarks = codes.into_iter().collect();
        Ok(())
    }

    fn add_unmatched(&mut self, r: &ValueRow) -> std::result::Result<(), SinkError> {
        self.report.skipped_rows += 1;
        if self.unmatched.len() < MAX_UNMATCHED_TRACKED {
            self.unmatched.insert(r.area_code.clone());
        } else if !self.unmatched.contains(&r.area_code) {
            self.report.unmatched_overflow = true;
        }
        if self.unmatched_keys.len() < MAX_UNMATCHED_KEYS {
            let key = (r.indicator.clone(), r.area_code.clone(), r.period.clone());
            if self.unmatched_keys.insert(key, r.line).is_some() {
                return Err(SinkError::Duplicate(Box::new(DuplicateAt {
                    row: r.clone(),
                })));
            }
        }
        Ok(())
    }

    /// Registers an indicator the first time a row of it is stored (its metadata from the
    /// sidecar file, else the defaults).
    fn indicator(&mut self, code: &str) -> Result<()> {
        if self.indicator_set.contains(code) {
            return Ok(());
        }
        let meta = self
            .sidecar
            .get(code)
            .cloned()
            .unwrap_or_else(|| IndicatorMeta::default_for(code));
        metadata::upsert(
            self.tx,
            &[meta],
            self.explicit.contains(code),
            &self.provenance,
        )?;
        self.indicator_set.insert(code.to_string());
        self.indicators.push(code.to_string());
        Ok(())
    }

    /// The series of a row; the first time a series that was already in the workspace is met,
    /// its values are refused (or deleted, with --replace).
    fn series(&mut self, indicator: &str, period: &str) -> Result<i64> {
        let before = self.writer.known_series(indicator, period);
        let id = self.writer.series_id(indicator, period)?;
        match before {
            None => {
                self.created.insert(id);
            }
            Some(id) if !self.checked.contains(&id) && !self.created.contains(&id) => {
                self.checked.insert(id);
                if value_store::series_has_values(self.tx, id)? {
                    if !self.opts.replace {
                        let existing = value_store::series_len(self.tx, id)?;
                        return Err(Error::Invalid(format!(
                            "{}: the workspace already has {existing} values of {} for {} in \
                             period {}; pass --replace to replace them",
                            self.path.display(),
                            excerpt(indicator),
                            self.opts.geography,
                            excerpt(period)
                        )));
                    }
                    value_store::delete_series(self.tx, indicator, &self.opts.geography, period)?;
                }
            }
            Some(_) => {}
        }
        Ok(id)
    }

    /// The report, once every row is in: fails when codes matched no boundary (unless
    /// `--allow-unmatched`).
    pub fn finish(mut self, code_column: &str) -> Result<IndicatorReport> {
        let mut rep = std::mem::take(&mut self.report);
        rep.indicators = std::mem::take(&mut self.indicators);
        rep.periods = std::mem::take(&mut self.periods).into_iter().collect();
        rep.matched = self.matched;
        rep.unmatched = self.unmatched.len();
        rep.unmatched_examples = self
            .unmatched
            .iter()
            .take(EXAMPLES)
            .map(|c| excerpt(c))
            .collect();
        // The first thousand unmatched codes are looked at (a national file in a local
        // workspace has tens of thousands, none mistyped): about 300 probes each.
        rep.suggested_codes = self
            .unmatched
            .iter()
            .take(1_000)
            .filter_map(|c| {
                super::code_suggestion::likely_code(c, |k| self.slot_of.contains_key(k))
                    .map(|s| format!("{c} → {s}"))
            })
            .take(5)
            .collect();
        if !self.unmatched.is_empty() && !self.opts.allow_unmatched {
            let looks_like = match rep.suggested_codes.as_slice() {
                [] => String::new(),
                s => format!("; some look mistyped: {}", s.join(", ")),
            };
            let count = if rep.unmatched_overflow {
                format!("more than {MAX_UNMATCHED_TRACKED}")
            } else {
                rep.unmatched.to_string()
            };
            return Err(InputError::new(
                &rep.file,
                format!(
                    "{count} area code(s) match no boundary in geography '{}' (e.g. {}){looks_like}",
                    self.opts.geography,
                    rep.unmatched_examples.join(", ")
                ),
            )
            .column(code_column)
            .hint("check --geography and --code-field, or pass --allow-unmatched to import the matching rows and skip these")
            .into());
        }
        Ok(rep)
    }
}

/// Why a row could not be stored.
pub(crate) enum SinkError {
    /// A second value for the same area, indicator and period.
    Duplicate(Box<DuplicateAt>),
    Other(Error),
}

impl From<Error> for SinkError {
    fn from(e: Error) -> Self {
        SinkError::Other(e)
    }
}
