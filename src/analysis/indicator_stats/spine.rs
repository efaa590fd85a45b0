//! The spine chart's numbers (Fingertips' `SpineChartCalculator`, METHODS.md): the lowest,
//! 25th percentile, 75th percentile and highest value of the comparator areas (type-7
//! percentiles), centred on the benchmark, the half-width being the longer side
//! max(|B − min|, |B − max|). Fingertips draws no spine from too few values: it needs at least
//! 4 values and at least 75% of the comparator areas to have one.

use super::benchmark_comparison::type7_percentile;

/// The bands of a spine chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpineBands {
    pub min: f64,
    pub p25: f64,
    pub p75: f64,
    pub max: f64,
    pub centre: f64,
    pub half_width: f64,
}

/// Why there is no spine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoSpine {
    /// Fewer than 4 values, or values for fewer than 75% of the areas.
    InsufficientValues { values: usize, areas: usize },
    /// No benchmark value to centre on.
    NoBenchmark,
}

impl NoSpine {
    /// The words a profile prints instead of the chart.
    pub fn words(&self) -> &'static str {
        match self {
            NoSpine::InsufficientValues { .. } => "insufficient values",
            NoSpine::NoBenchmark => "no benchmark value",
        }
    }
}

/// The least number of values a spine needs.
pub const MIN_VALUES: usize = 4;
/// The least share of the comparator areas that must have a value.
pub const MIN_SHARE: f64 = 0.75;

/// The spine of `values` (one per comparator area that has one; non-finite ones are left out)
/// over `areas` comparator areas, centred on `benchmark`.
///
/// ```
/// use local_atlas::analysis::indicator_stats::spine::{spine, NoSpine};
/// // R: quantile(c(3, 5, 8, 13, 21), c(.25, .75)) = 5, 13
/// let s = spine(&[21.0, 3.0, 8.0, 13.0, 5.0], 5, Some(10.0)).unwrap();
/// assert_eq!((s.min, s.p25, s.p75, s.max), (3.0, 5.0, 13.0, 21.0));
/// assert_eq!(s.half_width, 11.0); // |10 − 21| > |10 − 3|
/// // 4 values of 6 areas is under 75%.
/// assert!(matches!(spine(&[1.0, 2.0, 3.0, 4.0], 6, Some(2.0)),
///     Err(NoSpine::InsufficientValues { values: 4, areas: 6 })));
/// ```
pub fn spine(values: &[f64], areas: usize, benchmark: Option<f64>) -> Result<SpineBands, NoSpine> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let areas = areas.max(v.len());
    if v.len() < MIN_VALUES || (v.len() as f64) < MIN_SHARE * areas as f64 {
        return Err(NoSpine::InsufficientValues {
            values: v.len(),
            areas,
        });
    }
    let centre = benchmark
        .filter(|b| b.is_finite())
        .ok_or(NoSpine::NoBenchmark)?;
    v.sort_by(f64::total_cmp);
    let at = |p: f64| type7_percentile(&v, p).unwrap_or(f64::NAN);
    let (min, max) = (v[0], v[v.len() - 1]);
    Ok(SpineBands {
        min,
        p25: at(0.25),
        p75: at(0.75),
        max,
        centre,
        half_width: (centre - min).abs().max((centre - max).abs()),
    })
}
