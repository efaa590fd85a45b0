//! The statistical data-quality checks of an import (`data::import::quality` runs them on each
//! series written): values far outside the rest (box plot, hinge 3) and changes from the
//! previous period far from the typical change (modified z-score > 3.5), from
//! [`crate::analysis::data_quality`].

use crate::analysis::data_quality::{OUTLIER_HINGE, outliers, unusual_changes};
use crate::data::import::quality::{Previous, QualityCheck, QualityWarning, SeriesValues};
use crate::error::excerpt;

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
    out
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
