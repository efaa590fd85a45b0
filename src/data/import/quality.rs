//! The data-quality review of an indicator import, run inside its transaction once every row
//! is stored: for each series written, the areas of the geography left without a value, and —
//! through the statistical checks the caller gives ([`SeriesReview`], `ops::quality`) — values
//! far outside the rest and changes from the previous period far from the typical change.
//! Warnings never stop an import (unless `--strict`); errors (values outside their range,
//! [`super::value_range`]) stop it before this review.

use crate::error::{InputError, Result, excerpt};
use rusqlite::{OptionalExtension, Transaction};
use std::collections::{HashMap, HashSet};

/// Examples a warning lists.
const EXAMPLES: usize = 5;

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityCheck {
    /// Areas of the geography with no value (no row, or a row marked missing).
    MissingAreas,
    /// Values beyond the box plot's fences at hinge 3.
    Outliers,
    /// Changes from the previous period with a modified z-score beyond 3.5.
    UnusualChange,
    /// Values outside their own confidence interval.
    OutsideCi,
    /// Codes that match no boundary but look like one mistyped.
    MistypedCodes,
    /// Imported 95% limits that differ from the ones recomputed from count and denominator
    /// (the imported ones are kept).
    CiDisagrees,
}

/// One data-quality warning of an import.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QualityWarning {
    pub check: QualityCheck,
    /// The indicator it concerns (the first of them for a grouped warning); empty when the
    /// warning is about the file as a whole.
    pub indicator: String,
    /// Areas without a value: every indicator of the period missing exactly these areas (a
    /// wide file's columns usually miss the same rows), when more than one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<String>,
    pub period: String,
    /// How many areas (or values) it concerns.
    pub count: usize,
    /// Up to five, e.g. `E01005067 = 95.2`.
    pub examples: Vec<String>,
    /// The warning in words.
    pub message: String,
}

/// The values of one series just imported, for the statistical checks.
pub struct SeriesValues<'a> {
    pub indicator: &'a str,
    pub period: &'a str,
    /// Area codes and values of the series' published (ok) values.
    pub codes: &'a [String],
    pub values: &'a [f64],
    /// For each of them: count, denominator and 95% limits as imported.
    pub figures: &'a [Figures],
    /// The indicator's unit and stored value type (what its limits can be recomputed by).
    pub unit: &'a str,
    pub value_type: Option<&'a str>,
    /// The period before, when the workspace has one.
    pub previous: Option<Previous<'a>>,
}

/// A value's associates as imported.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Figures {
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub lower_ci: Option<f64>,
    pub upper_ci: Option<f64>,
}

/// The period before a series and the areas with a value in both.
pub struct Previous<'a> {
    pub period: &'a str,
    /// (code, previous value, value).
    pub pairs: &'a [(String, f64, f64)],
}

/// The statistical checks of a series (outliers, unusual changes), supplied by the caller so
/// that the storage layer needs no statistics.
pub type SeriesReview = fn(&SeriesValues<'_>) -> Vec<QualityWarning>;

/// The warnings of the series written by an import (`series`: id, indicator, period) over a
/// geography whose codes are `codes`.
pub(crate) fn review_import(
    tx: &Transaction<'_>,
    geography: &str,
    codes: &HashSet<String>,
    series: &[(i64, String, String)],
    review: Option<SeriesReview>,
) -> Result<Vec<QualityWarning>> {
    let mut out = Vec::new();
    let mut missing: Vec<QualityWarning> = Vec::new();
    for (id, indicator, period) in series {
        let (present, ok_codes, ok_values, figures) = series_values(tx, *id)?;
        if let Some(w) = missing_areas(geography, codes, &present, indicator, period) {
            add_missing(&mut missing, w, codes.len(), geography);
        }
        let Some(review) = review else { continue };
        let before = previous_series(tx, indicator, geography, period)?;
        let pairs = match &before {
            Some((prev_id, _)) => {
                let prev: HashMap<String, f64> = ok_pairs(tx, *prev_id)?.into_iter().collect();
                ok_codes
                    .iter()
                    .zip(&ok_values)
                    .filter_map(|(c, v)| prev.get(c).map(|p| (c.clone(), *p, *v)))
                    .collect()
            }
            None => Vec::new(),
        };
        let (unit, value_type): (String, Option<String>) = tx
            .prepare_cached("SELECT unit, value_type FROM atlas_indicators WHERE code = ?1")?
            .query_row([indicator], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or_default();
        out.extend(review(&SeriesValues {
            indicator,
            period,
            codes: &ok_codes,
            values: &ok_values,
            figures: &figures,
            unit: &unit,
            value_type: value_type.as_deref(),
            previous: before.as_ref().map(|(_, p)| Previous {
                period: p.as_str(),
                pairs: pairs.as_slice(),
            }),
        }));
    }
    missing.append(&mut out);
    Ok(missing)
}

/// Adds a missing-areas warning, merged with an earlier one of the same period that misses
/// the same areas (compared by count and examples).
fn add_missing(into: &mut Vec<QualityWarning>, w: QualityWarning, areas: usize, geography: &str) {
    let same = into
        .iter_mut()
        .find(|m| m.period == w.period && m.count == w.count && m.examples == w.examples);
    let Some(m) = same else {
        into.push(w);
        return;
    };
    if m.indicators.is_empty() {
        m.indicators.push(m.indicator.clone());
    }
    m.indicators.push(w.indicator);
    m.message = format!(
        "{} of {areas} areas of {geography} have no value of {} indicators ({}) in {} (e.g. {})",
        m.count,
        m.indicators.len(),
        crate::data::import::csv_headers::column_list(&m.indicators),
        excerpt(&m.period),
        m.examples.join(", ")
    );
}

/// What [`series_values`] reads: the codes with a value or a suppressed one, and the codes,
/// values and associates of the published ones.
type SeriesRead = (HashSet<String>, Vec<String>, Vec<f64>, Vec<Figures>);

fn series_values(tx: &Transaction<'_>, series: i64) -> Result<SeriesRead> {
    let mut stmt = tx.prepare_cached(
        "SELECT a.code, v.value, v.status, v.numerator, v.denominator, v.lower_ci, v.upper_ci \
         FROM atlas_series_values v JOIN atlas_areas a ON a.id = v.area WHERE v.series = ?1",
    )?;
    let mut rows = stmt.query([series])?;
    let (mut present, mut codes, mut values, mut figures) =
        (HashSet::new(), Vec::new(), Vec::new(), Vec::new());
    while let Some(r) = rows.next()? {
        let (code, value, status): (String, Option<f64>, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if status == 2 {
            continue;
        }
        if let Some(v) = value {
            codes.push(code.clone());
            values.push(v);
            figures.push(Figures {
                numerator: r.get(3)?,
                denominator: r.get(4)?,
                lower_ci: r.get(5)?,
                upper_ci: r.get(6)?,
            });
        }
        present.insert(code);
    }
    Ok((present, codes, values, figures))
}

fn ok_pairs(tx: &Transaction<'_>, series: i64) -> Result<Vec<(String, f64)>> {
    let (_, codes, values, _) = series_values(tx, series)?;
    Ok(codes.into_iter().zip(values).collect())
}

/// The latest series of the indicator and geography before `period` (periods compare as
/// text: `2018` < `2019`, `2018/19` < `2019/20`, `2019-01` < `2019-02`).
fn previous_series(
    tx: &Transaction<'_>,
    indicator: &str,
    geography: &str,
    period: &str,
) -> Result<Option<(i64, String)>> {
    Ok(tx
        .prepare_cached(
            "SELECT id, period FROM atlas_series WHERE indicator = ?1 AND geography = ?2 \
             AND period < ?3 AND EXISTS (SELECT 1 FROM atlas_series_values v WHERE v.series = atlas_series.id) \
             ORDER BY period DESC LIMIT 1",
        )?
        .query_row([indicator, geography, period], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

fn missing_areas(
    geography: &str,
    codes: &HashSet<String>,
    present: &HashSet<String>,
    indicator: &str,
    period: &str,
) -> Option<QualityWarning> {
    let mut missing: Vec<&String> = codes.iter().filter(|c| !present.contains(*c)).collect();
    if missing.is_empty() {
        return None;
    }
    missing.sort();
    let examples: Vec<String> = missing
        .iter()
        .take(EXAMPLES)
        .map(|c| c.to_string())
        .collect();
    Some(QualityWarning {
        check: QualityCheck::MissingAreas,
        indicator: indicator.to_string(),
        indicators: Vec::new(),
        period: period.to_string(),
        count: missing.len(),
        message: format!(
            "{} of {} areas of {geography} have no value of {} in {} (e.g. {})",
            missing.len(),
            codes.len(),
            excerpt(indicator),
            excerpt(period),
            examples.join(", ")
        ),
        examples,
    })
}

/// The warning for values outside their own confidence interval (counted while reading).
pub(crate) fn outside_ci(count: usize, examples: &[String]) -> Option<QualityWarning> {
    (count > 0).then(|| QualityWarning {
        check: QualityCheck::OutsideCi,
        indicator: String::new(),
        indicators: Vec::new(),
        period: String::new(),
        count,
        examples: examples.to_vec(),
        message: format!(
            "{count} value(s) lie outside their own confidence interval (kept as published), e.g. {}",
            examples.first().map(String::as_str).unwrap_or_default()
        ),
    })
}

/// The warning for unmatched codes that look like a boundary code mistyped.
pub(crate) fn mistyped(suggested: &[String]) -> Option<QualityWarning> {
    (!suggested.is_empty()).then(|| QualityWarning {
        check: QualityCheck::MistypedCodes,
        indicator: String::new(),
        indicators: Vec::new(),
        period: String::new(),
        count: suggested.len(),
        examples: suggested.to_vec(),
        message: format!(
            "area codes that match no boundary look mistyped: {} (pass --fix-codes to take them for those codes)",
            suggested.join(", ")
        ),
    })
}

/// With `--strict`, warnings refuse the import (its transaction is rolled back).
pub(crate) fn refuse_if_strict(
    file: &str,
    strict: bool,
    warnings: &[QualityWarning],
) -> Result<()> {
    if !strict || warnings.is_empty() {
        return Ok(());
    }
    let listed: Vec<&str> = warnings
        .iter()
        .take(3)
        .map(|w| w.message.as_str())
        .collect();
    let more = match warnings.len() {
        n if n > 3 => format!("; and {} more", n - 3),
        _ => String::new(),
    };
    Err(InputError::new(
        file,
        format!(
            "{} data-quality warning(s), refused with --strict: {}{more}",
            warnings.len(),
            listed.join("; ")
        ),
    )
    .hint("correct the file, or import without --strict to keep the values and see the warnings in the report")
    .into())
}
