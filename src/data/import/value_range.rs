//! The range an indicator's values may take, checked on every imported row: the range its
//! metadata declares (`min`, `max`, in stored units), else what its unit implies — a count is
//! a whole number ≥ 0, a percentage lies in 0–100 (as shown, i.e. times the display
//! multiplier: a proportion stored as 0.104 with multiplier 100 is 10.4 %). A value outside is
//! an error: the import stops before anything is kept and names the line and column.

use crate::data::indicator::IndicatorMeta;
use crate::error::{InputError, Result, excerpt};
use rusqlite::{Connection, OptionalExtension};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// What an indicator's values must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ValueRange {
    /// Declared limits (stored units).
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// A count: whole numbers ≥ 0.
    pub count: bool,
    /// A percentage shown as stored × this factor: 0–100 once multiplied (only when no limit
    /// is declared: a "% change" declares its own).
    pub percent_factor: Option<f64>,
}

/// Whether a unit names a count of things ("count", "number", "people"…).
///
/// ```
/// use local_atlas::data::import::value_range::is_count_unit;
/// assert!(is_count_unit("Count"));
/// assert!(is_count_unit("number of people"));
/// assert!(!is_count_unit("per 100,000"));
/// assert!(!is_count_unit("count per km²"));
/// ```
pub fn is_count_unit(unit: &str) -> bool {
    let u = unit.trim().to_lowercase();
    matches!(
        u.as_str(),
        "count"
            | "counts"
            | "number"
            | "n"
            | "people"
            | "persons"
            | "households"
            | "number of people"
            | "number of persons"
            | "number of households"
    )
}

/// Whether a unit names a percentage.
fn is_percent_unit(unit: &str) -> bool {
    matches!(
        unit.trim().to_lowercase().as_str(),
        "%" | "percent" | "per cent" | "percentage"
    )
}

impl ValueRange {
    /// The range an indicator's metadata implies.
    ///
    /// ```
    /// use local_atlas::data::import::value_range::ValueRange;
    /// use local_atlas::data::indicator::IndicatorMeta;
    /// let mut m = IndicatorMeta::default_for("idaci");
    /// (m.unit, m.multiplier) = ("%".into(), Some(100.0));
    /// let r = ValueRange::of(&m);
    /// assert!(r.problem(0.25).is_none());
    /// assert!(r.problem(1.2).unwrap().contains("above 100"));
    /// m.max = Some(2.0);
    /// assert!(ValueRange::of(&m).problem(1.2).is_none(), "a declared range wins");
    /// ```
    pub fn of(m: &IndicatorMeta) -> Self {
        let declared = m.min.is_some() || m.max.is_some();
        ValueRange {
            min: m.min,
            max: m.max,
            count: is_count_unit(&m.unit),
            percent_factor: (!declared && is_percent_unit(&m.unit)).then(|| m.display_factor()),
        }
    }

    /// What is wrong with a value, in words, or `None`.
    pub fn problem(&self, v: f64) -> Option<String> {
        if let Some(lo) = self.min.filter(|lo| v < *lo) {
            return Some(format!("value {v} is below the indicator's minimum {lo}"));
        }
        if let Some(hi) = self.max.filter(|hi| v > *hi) {
            return Some(format!("value {v} is above the indicator's maximum {hi}"));
        }
        if self.count && v < 0.0 {
            return Some(format!("count {v} is negative"));
        }
        if self.count && (v - v.round()).abs() > 1e-9 {
            return Some(format!("count {v} is not a whole number"));
        }
        let f = self.percent_factor?;
        let shown = v * f;
        let unit = if f == 1.0 {
            String::new()
        } else {
            format!(" ({v} stored × {f})")
        };
        if shown < 0.0 {
            Some(format!("percentage {shown}{unit} is below 0"))
        } else if shown > 100.0 + 1e-9 {
            Some(format!("percentage {shown}{unit} is above 100"))
        } else {
            None
        }
    }

    /// The advice for a value outside this range.
    pub fn hint(&self) -> &'static str {
        if self.min.is_some() || self.max.is_some() {
            "correct the value, or the min/max of the indicator in the metadata file if the range is wrong"
        } else if self.count {
            "a count is a whole number from 0: correct it, or mark it missing (..); if the indicator is not a count, give it another unit in the metadata"
        } else {
            "a percentage lies from 0 to 100: correct the value; if this indicator can lie outside (a % change), declare its range with min and max in the metadata"
        }
    }
}

/// The ranges of the indicators an import meets, looked up once each: the metadata the user
/// gave (file or dialog), else what the workspace has for an existing indicator, else the
/// metadata the import would give it.
pub(crate) struct RangeBook<'a> {
    conn: &'a Connection,
    sidecar: &'a HashMap<String, IndicatorMeta>,
    explicit: &'a HashSet<String>,
    known: RefCell<HashMap<String, ValueRange>>,
}

impl<'a> RangeBook<'a> {
    pub fn new(
        conn: &'a Connection,
        sidecar: &'a HashMap<String, IndicatorMeta>,
        explicit: &'a HashSet<String>,
    ) -> Self {
        Self {
            conn,
            sidecar,
            explicit,
            known: RefCell::new(HashMap::new()),
        }
    }

    pub fn range(&self, code: &str) -> Result<ValueRange> {
        if let Some(r) = self.known.borrow().get(code) {
            return Ok(*r);
        }
        let meta = match (self.explicit.contains(code), self.sidecar.get(code)) {
            (true, Some(m)) => m.clone(),
            (_, given) => match stored(self.conn, code)? {
                Some(m) => m,
                None => given
                    .cloned()
                    .unwrap_or_else(|| IndicatorMeta::default_for(code)),
            },
        };
        let r = ValueRange::of(&meta);
        self.known.borrow_mut().insert(code.to_string(), r);
        Ok(r)
    }

    /// Checks a row's value against its indicator's range: an error naming the line and the
    /// column (`column`: its header) when it lies outside.
    pub fn check(
        &self,
        file: &str,
        line: u64,
        column: &str,
        indicator: &str,
        v: f64,
    ) -> Result<()> {
        let range = self.range(indicator)?;
        match range.problem(v) {
            None => Ok(()),
            Some(p) => Err(
                InputError::new(file, format!("{p} ({})", excerpt(indicator)))
                    .line(line)
                    .column(column)
                    .hint(range.hint())
                    .into(),
            ),
        }
    }
}

/// The unit, multiplier and declared range of an indicator already in the workspace.
fn stored(conn: &Connection, code: &str) -> Result<Option<IndicatorMeta>> {
    Ok(conn
        .query_row(
            "SELECT unit, multiplier, min_value, max_value FROM atlas_indicators WHERE code = ?1",
            [code],
            |r| {
                let mut m = IndicatorMeta::default_for(code);
                m.unit = r.get(0)?;
                m.multiplier = r.get(1)?;
                m.min = r.get(2)?;
                m.max = r.get(3)?;
                Ok(m)
            },
        )
        .optional()?)
}
