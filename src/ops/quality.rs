//! The statistical data-quality checks of an import (`data::import::quality` runs them on each
//! series written): values far outside the rest (box plot, hinge 3) and changes from the
//! previous period far from the typical change (modified z-score > 3.5), from
//! [`crate::analysis::data_quality`].

use crate::analysis::data_quality::{OUTLIER_HINGE, outliers, unusual_changes};
use crate::analysis::indicator_stats::confidence::{Level, ValueType};
use crate::data::import::quality::{Previous, QualityCheck, QualityWarning, SeriesValues};
use crate::error::excerpt;
use crate::ops::value_type;

/// Examples a warning lists.
const EXAMPLES: usize = 5;

/// The outlier and change warnings of one series.
pub fn review(s: &SeriesValues<'_>) -> Vec<QualityWarning> {
    let mut out = Vec::new();
    let far = outliers(s.values, OUTLIER_HINGE);
    if !far.is_empty() {
        let examples = ranked(
            &far,
            |i| s.values[i],
            |i| format!("{} = {}", s.codes[i], s.values[i]),
            s.values,
        );
        out.push(QualityWarning {
            check: QualityCheck::Outliers,
            indicator: s.indicator.to_string(),
            indicators: Vec::new(),
            period: s.period.to_string(),
            count: far.len(),
            message: format!(
                "{} value(s) of {} in {} lie far outside the rest (beyond 3 × the interquartile range from the quartiles): {}",
                far.len(),
                excerpt(s.indicator),
                excerpt(s.period),
                examples.join(", ")
            ),
            examples,
        });
    }
    if let Some(Previous {
        period: before,
        pairs,
    }) = &s.previous
    {
        let changes: Vec<f64> = pairs.iter().map(|(_, p, v)| v - p).collect();
        let odd = unusual_changes(&changes);
        if !odd.is_empty() {
            let examples = ranked(
                &odd,
                |i| changes[i],
                |i| format!("{} {} → {}", pairs[i].0, pairs[i].1, pairs[i].2),
                &changes,
            );
            out.push(QualityWarning {
                check: QualityCheck::UnusualChange,
                indicator: s.indicator.to_string(),
                indicators: Vec::new(),
                period: s.period.to_string(),
                count: odd.len(),
                message: format!(
                    "{} area(s) changed unusually from {} to {} in {} (modified z-score of the change above 3.5): {}",
                    odd.len(),
                    excerpt(before),
                    excerpt(s.period),
                    excerpt(s.indicator),
                    examples.join(", ")
                ),
                examples,
            });
        }
    }
    out.extend(ci_disagreement(s));
    out
}

/// How far an imported limit may be from the recomputed one, as a share of the interval's
/// width: 1%. Rounding in a published file moves a limit by far less (the Fingertips extract's
/// limits agree to 0.2% of their width), a different method by more.
const CI_TOLERANCE: f64 = 0.01;

/// Imported 95% limits that a recomputation from count and denominator (Wilson for
/// proportions, Byar's or exact Poisson for crude rates) does not reproduce.
fn ci_disagreement(s: &SeriesValues<'_>) -> Option<QualityWarning> {
    let kind = s
        .value_type
        .and_then(value_type::parse_value_type)
        .or_else(|| value_type::value_type_of_unit(s.unit))?;
    let mult = value_type::multiplier_from(
        s.values
            .iter()
            .zip(s.figures)
            .filter_map(|(v, f)| Some((*v, f.numerator?, f.denominator?))),
    )?;
    let mut odd = Vec::new();
    for (i, f) in s.figures.iter().enumerate() {
        let (Some(c), Some(d), Some(lo), Some(hi)) =
            (f.numerator, f.denominator, f.lower_ci, f.upper_ci)
        else {
            continue;
        };
        let Some(ci) = value_type::limits_from_count(kind, c, d, mult, Level::P95) else {
            continue;
        };
        let width = (ci.upper - ci.lower).abs().max(f64::MIN_POSITIVE);
        if (lo - ci.lower).abs() > CI_TOLERANCE * width
            || (hi - ci.upper).abs() > CI_TOLERANCE * width
        {
            odd.push((i, ci));
        }
    }
    if odd.is_empty() {
        return None;
    }
    let examples: Vec<String> = odd
        .iter()
        .take(EXAMPLES)
        .map(|(i, ci)| {
            let f = &s.figures[*i];
            format!(
                "{} {}–{} (recomputed {:.4}–{:.4})",
                s.codes[*i],
                f.lower_ci.unwrap_or_default(),
                f.upper_ci.unwrap_or_default(),
                ci.lower,
                ci.upper
            )
        })
        .collect();
    Some(QualityWarning {
        check: QualityCheck::CiDisagrees,
        indicator: s.indicator.to_string(),
        indicators: Vec::new(),
        period: s.period.to_string(),
        count: odd.len(),
        message: format!(
            "{} value(s) of {} in {} have 95% limits more than 1% of the interval's width from \
             those recomputed from count and denominator ({}); the imported limits are kept: {}",
            odd.len(),
            excerpt(s.indicator),
            excerpt(s.period),
            match kind {
                ValueType::Proportion => "Wilson score",
                _ => "Byar's, exact Poisson below 10",
            },
            examples.join(", ")
        ),
        examples,
    })
}

/// The examples of the flagged indices, the farthest from the median first.
fn ranked(
    flagged: &[usize],
    value: impl Fn(usize) -> f64,
    text: impl Fn(usize) -> String,
    all: &[f64],
) -> Vec<String> {
    let mut sorted: Vec<f64> = all.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    let mut order = flagged.to_vec();
    order.sort_by(|&a, &b| {
        (value(b) - median)
            .abs()
            .total_cmp(&(value(a) - median).abs())
            .then(a.cmp(&b))
    });
    order.into_iter().take(EXAMPLES).map(text).collect()
}
