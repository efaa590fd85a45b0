//! Storing many values at once: rows are gathered and written [`BATCH`] at a time with one
//! multi-row `INSERT`, which spares SQLite the per-statement work (opening a cursor, starting
//! the statement, binding) that dominated a row-at-a-time import. A batch that meets a second
//! value for the same (series, area) is undone by SQLite as a whole statement and replayed
//! row by row to find which row it was.

use super::indicator::Status;
use crate::error::Result;
use rusqlite::Transaction;

/// Values per multi-row insert (10 parameters each: 1,280 parameters, well under SQLite's
/// 32,766).
pub const BATCH: usize = 128;

/// SQLite's extended result code for a duplicate primary key.
pub(crate) const SQLITE_CONSTRAINT_PRIMARYKEY: i32 = 1555;

/// One value to store, keyed by its series and area ids.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewValue {
    pub series: i64,
    pub area: i64,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub lower_ci: Option<f64>,
    pub upper_ci: Option<f64>,
    /// The 99.8% limits (what `derive` computes; an import leaves them empty).
    pub lower_ci_99_8: Option<f64>,
    pub upper_ci_99_8: Option<f64>,
    pub status: Status,
}

/// The prepared statements of a batched write.
pub struct BatchWriter<'t> {
    one: rusqlite::Statement<'t>,
    many: rusqlite::Statement<'t>,
}

const COLUMNS: &str = "INSERT INTO atlas_series_values \
     (series, area, value, numerator, denominator, lower_ci, upper_ci, status, lower_ci_99_8, \
     upper_ci_99_8) VALUES ";
const PLACEHOLDERS: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/// Parameters per value.
const PER_VALUE: usize = 10;

fn is_duplicate(e: &rusqlite::Error) -> bool {
    is_primary_key_violation(e)
}

/// Whether `e` is an insert refused for a primary key already present.
pub(crate) fn is_primary_key_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == SQLITE_CONSTRAINT_PRIMARYKEY)
}

impl<'t> BatchWriter<'t> {
    pub fn new(tx: &'t Transaction<'t>) -> Result<Self> {
        let many = vec![PLACEHOLDERS; BATCH].join(", ");
        Ok(Self {
            one: tx.prepare(&format!("{COLUMNS}{PLACEHOLDERS}"))?,
            many: tx.prepare(&format!("{COLUMNS}{many}"))?,
        })
    }

    /// Stores `values`; returns the index of the first one that repeats a (series, area)
    /// already stored (or earlier in `values`), in which case the values before it are stored
    /// and the rest are not.
    pub fn insert(&mut self, values: &[NewValue]) -> Result<Option<usize>> {
        if values.len() == BATCH {
            for (i, v) in values.iter().enumerate() {
                bind(&mut self.many, i * PER_VALUE, v)?;
            }
            match self.many.raw_execute() {
                Ok(_) => return Ok(None),
                Err(e) if is_duplicate(&e) => {} // undone whole: replay row by row
                Err(e) => return Err(e.into()),
            }
        }
        for (i, v) in values.iter().enumerate() {
            bind(&mut self.one, 0, v)?;
            match self.one.raw_execute() {
                Ok(_) => {}
                Err(e) if is_duplicate(&e) => return Ok(Some(i)),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(None)
    }
}

fn bind(stmt: &mut rusqlite::Statement<'_>, at: usize, v: &NewValue) -> rusqlite::Result<()> {
    stmt.raw_bind_parameter(at + 1, v.series)?;
    stmt.raw_bind_parameter(at + 2, v.area)?;
    stmt.raw_bind_parameter(at + 3, v.value)?;
    stmt.raw_bind_parameter(at + 4, v.numerator)?;
    stmt.raw_bind_parameter(at + 5, v.denominator)?;
    stmt.raw_bind_parameter(at + 6, v.lower_ci)?;
    stmt.raw_bind_parameter(at + 7, v.upper_ci)?;
    stmt.raw_bind_parameter(at + 8, v.status.code())?;
    stmt.raw_bind_parameter(at + 9, v.lower_ci_99_8)?;
    stmt.raw_bind_parameter(at + 10, v.upper_ci_99_8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Workspace;
    use crate::data::import::metadata::upsert;
    use crate::data::indicator::IndicatorMeta;
    use crate::data::value_store::ValueWriter;

    fn value(series: i64, area: i64) -> NewValue {
        NewValue {
            series,
            area,
            value: Some(area as f64),
            numerator: None,
            denominator: None,
            lower_ci: None,
            upper_ci: None,
            lower_ci_99_8: None,
            upper_ci_99_8: None,
            status: Status::Ok,
        }
    }

    /// A full batch is stored whole; a batch holding a repeat stores the values before it and
    /// names it.
    #[test]
    fn a_batch_with_a_repeat_names_it_and_keeps_what_came_before() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(&dir.path().join("w.gpkg")).unwrap();
        let (full, dup, stored) = ws
            .write(|tx| {
                upsert(tx, &[IndicatorMeta::default_for("a")], false, "t")?;
                let series = ValueWriter::new(tx, "g")?.series_id("a", "2020")?;
                let mut w = BatchWriter::new(tx)?;
                let first: Vec<NewValue> = (0..BATCH as i64).map(|a| value(series, a)).collect();
                let full = w.insert(&first)?;
                let mut second: Vec<NewValue> =
                    (0..BATCH as i64).map(|a| value(series, 1000 + a)).collect();
                second[77] = value(series, 1003);
                let dup = w.insert(&second)?;
                let stored: i64 =
                    tx.query_row("SELECT count(*) FROM atlas_series_values", [], |r| r.get(0))?;
                Ok((full, dup, stored))
            })
            .unwrap();
        assert_eq!(full, None);
        assert_eq!(dup, Some(77));
        assert_eq!(stored, BATCH as i64 + 77);
    }
}
