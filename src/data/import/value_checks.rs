//! Checks of a value against its associates (count, denominator, 95% confidence limits), as
//! Fingertips publishes them (METHODS.md §c10). Errors: a negative count, a denominator that
//! is not above 0, a lower limit above the upper one, and — for proportions only — a count
//! above its denominator. Ratios (an observed count over an *expected* one, e.g. standardised
//! admission ratios) and rates of repeatable events may exceed their denominator, so they are
//! not checked for it. A value outside its own interval is a warning, not an error: published
//! data have them (the Fingertips extract of 2025-02-12 has 31, from rounding the value and
//! from limits given per another multiplier), and the value is kept as published.

use crate::data::indicator::ValueRow;
use crate::error::{InputError, Result, excerpt};

/// The header names of the associate columns (for messages).
#[derive(Debug, Clone, Default)]
pub struct AssociateNames {
    pub numerator: String,
    pub denominator: String,
    pub lower: String,
    pub upper: String,
}

/// Whether an indicator's values are proportions, from a Fingertips `value_type` cell
/// (`Proportion`) or a metadata unit (`%`, `percent`, `per cent`, `percentage`, `proportion`).
///
/// ```
/// use local_atlas::data::import::value_checks::is_proportion;
/// assert!(is_proportion("Proportion"));
/// assert!(is_proportion(" % "));
/// assert!(!is_proportion("Indirectly standardised ratio"));
/// assert!(!is_proportion("per 100,000"));
/// ```
pub fn is_proportion(kind_or_unit: &str) -> bool {
    matches!(
        kind_or_unit.trim().to_lowercase().as_str(),
        "proportion" | "%" | "percent" | "per cent" | "percentage"
    )
}

/// Checks one row; `Ok(Some(warning))` when its value lies outside its confidence interval.
///
/// ```
/// use local_atlas::data::import::value_checks::{check_associates, AssociateNames};
/// use local_atlas::data::indicator::ValueRow;
/// let names = AssociateNames::default();
/// let mut r = ValueRow::computed("a", "E01", "2019", Some(5.0));
/// (r.numerator, r.denominator) = (Some(12.0), Some(10.0));
/// assert!(check_associates("f.csv", &r, &names, false).unwrap().is_none());
/// assert!(check_associates("f.csv", &r, &names, true).is_err());
/// (r.lower_ci, r.upper_ci) = (Some(6.0), Some(9.0));
/// assert!(check_associates("f.csv", &r, &names, false).unwrap().is_some());
/// ```
pub fn check_associates(
    file: &str,
    r: &ValueRow,
    names: &AssociateNames,
    proportion: bool,
) -> Result<Option<String>> {
    let err = |column: &str, msg: String, hint: &str| {
        InputError::new(file, msg)
            .line(r.line)
            .column(excerpt(column))
            .hint(hint)
            .into()
    };
    if let Some(n) = r.numerator.filter(|n| *n < 0.0) {
        return Err(err(
            &names.numerator,
            format!("count {} is negative", shown(n)),
            "a count cannot be below 0: correct it, or mark it missing (..)",
        ));
    }
    if let Some(d) = r.denominator.filter(|d| *d <= 0.0) {
        return Err(err(
            &names.denominator,
            format!("denominator {} is not above 0", shown(d)),
            "a value over a zero or negative denominator is undefined: correct the denominator, or leave it empty if it is not known",
        ));
    }
    if let (true, Some(n), Some(d)) = (proportion, r.numerator, r.denominator)
        && n > d
    {
        return Err(err(
            &names.numerator,
            format!(
                "count {} is larger than its denominator {} (this indicator is a proportion)",
                shown(n),
                shown(d)
            ),
            "a proportion's count cannot exceed its denominator: check the row and whether the two columns are swapped",
        ));
    }
    let (Some(lo), Some(hi)) = (r.lower_ci, r.upper_ci) else {
        return Ok(None);
    };
    if lo > hi {
        return Err(err(
            &names.lower,
            format!(
                "lower confidence limit {} is above the upper limit {} ('{}')",
                shown(lo),
                shown(hi),
                excerpt(&names.upper)
            ),
            "check the row and whether the two columns are swapped",
        ));
    }
    Ok(r.value.filter(|v| *v < lo || *v > hi).map(|v| {
        format!(
            "line {}: {} {} {}: {} outside {}–{}",
            r.line,
            excerpt(&r.area_code),
            excerpt(&r.indicator),
            excerpt(&r.period),
            shown(v),
            shown(lo),
            shown(hi)
        )
    }))
}

/// A number as a message shows it: plain, or in exponent form when very large or small (an
/// `f64` prints 1e300 as 301 digits).
fn shown(v: f64) -> String {
    if v != 0.0 && !(1e-6..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}
