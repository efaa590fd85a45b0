//! Comparing an area with a benchmark (England, the region, the parent), by Fingertips' rules
//! (fingertips-open `PholioVisualisationWS/Analysis`: `SingleOverlappingCIsComparer`,
//! `SingleOverlappingCIsForTwoCILevelsComparer`, `SpcForProportionsComparer`,
//! `QuintilesComparer`, `ValueCategoriesCalculator`, `StandardAverageCalculator`).
//!
//! - **Confidence interval vs the benchmark value** (Fingertips method 1): *similar* when
//!   L ≤ B ≤ U (boundaries count as similar); otherwise the area is higher (B < L) or lower
//!   (B > U), which polarity turns into *better*/*worse*, or leaves as *higher*/*lower* when the
//!   polarity is "no judgement".
//! - **Two levels** (Fingertips method 17, "95 and 99.8"): similar inside the 95% interval;
//!   better/worse when B lies between the 95% and 99.8% limits; best/worst beyond the 99.8%.
//!   (Fingertips' own code does not swap best and worst for low-is-good indicators; here they
//!   follow polarity as better and worse do.)
//! - **CI overlap**: the area's and the benchmark's intervals are compared; similar when they
//!   overlap (touching counts as overlap).
//! - **SPC for proportions** (method 5): control limits around the benchmark proportion P₀ for
//!   the area's denominator N, the Wilson interval of E = N·P₀ events:
//!   L, U = (2E + z² ∓ z√(z² + 4E(1 − E/N))) / (2(N + z²)); the area's proportion outside them
//!   is higher or lower (strictly: on a limit is similar).
//! - **Quintiles / quartiles**: bounds min, type-7 percentiles at k/g, max (R's default
//!   `quantile`, Hyndman & Fan 1996: h = (n − 1)p + 1, linear between order statistics); an area
//!   is in the first group whose upper bound is ≥ its value. Group 1 holds the lowest values.
//! - **Benchmark average**: Σcount/Σdenominator × multiplier, only when more than one area has a
//!   valid value.
//!
//! Outcomes carry Fingertips' colours ([`Outcome::colour`]) as a constant table of hex strings.

use super::confidence::{Ci, Level, wilson};
use super::undefined::Undefined;

/// Which direction is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    HighIsGood,
    LowIsGood,
    NoJudgement,
}

/// Why an area was not compared.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotComparedReason {
    /// The area has no value (missing, suppressed or undefined).
    NoValue,
    /// The area (or, for overlap, the benchmark) has no confidence interval at the level needed.
    NoConfidenceInterval,
    /// There is no benchmark value.
    NoBenchmark,
    /// Too few areas with values for the method (quintiles need 5, quartiles 4, an average 2).
    TooFewAreas { count: usize, minimum: usize },
    /// The area has no usable denominator (SPC needs one).
    NoDenominator,
    /// The input is invalid (a negative count, a count above its denominator, …).
    Invalid(String),
}

/// The result of a comparison.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Better,
    Similar,
    Worse,
    /// Two-level method: beyond the 99.8% limit on the good side.
    Best,
    /// Two-level method: beyond the 99.8% limit on the bad side.
    Worst,
    Higher,
    Lower,
    NotCompared(NotComparedReason),
}

/// Fingertips' comparison colours.
pub mod colours {
    pub const BETTER: &str = "#92D050";
    pub const SIMILAR: &str = "#FFC000";
    pub const WORSE: &str = "#C00000";
    pub const LOWER: &str = "#5555E6";
    pub const HIGHER: &str = "#BED2FF";
    pub const NOT_COMPARED: &str = "#C9C9C9";
}

impl Outcome {
    /// The outcome's colour as a hex string. Best and worst share better's and worse's colours
    /// (the issue gives no separate ones).
    ///
    /// ```
    /// use local_atlas::analysis::indicator_stats::benchmark_comparison::Outcome;
    /// assert_eq!(Outcome::Similar.colour(), "#FFC000");
    /// ```
    pub fn colour(&self) -> &'static str {
        match self {
            Outcome::Better | Outcome::Best => colours::BETTER,
            Outcome::Similar => colours::SIMILAR,
            Outcome::Worse | Outcome::Worst => colours::WORSE,
            Outcome::Lower => colours::LOWER,
            Outcome::Higher => colours::HIGHER,
            Outcome::NotCompared(_) => colours::NOT_COMPARED,
        }
    }

    /// A short label: "better", "similar", … "not compared".
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Better => "better",
            Outcome::Similar => "similar",
            Outcome::Worse => "worse",
            Outcome::Best => "best",
            Outcome::Worst => "worst",
            Outcome::Higher => "higher",
            Outcome::Lower => "lower",
            Outcome::NotCompared(_) => "not compared",
        }
    }
}

/// Higher or lower than the benchmark, judged by polarity; `strong` for beyond 99.8%.
fn judged(higher: bool, strong: bool, polarity: Polarity) -> Outcome {
    let good = match polarity {
        Polarity::HighIsGood => higher,
        Polarity::LowIsGood => !higher,
        Polarity::NoJudgement => {
            return if higher {
                Outcome::Higher
            } else {
                Outcome::Lower
            };
        }
    };
    match (good, strong) {
        (true, false) => Outcome::Better,
        (true, true) => Outcome::Best,
        (false, false) => Outcome::Worse,
        (false, true) => Outcome::Worst,
    }
}

fn valid_ci(ci: Option<Ci>) -> Option<Ci> {
    ci.filter(|c| c.lower.is_finite() && c.upper.is_finite() && c.lower <= c.upper)
}

fn valid_benchmark(b: Option<f64>) -> Result<f64, Outcome> {
    b.filter(|b| b.is_finite())
        .ok_or(Outcome::NotCompared(NotComparedReason::NoBenchmark))
}

/// Fingertips method 1: the area's interval against the benchmark value.
///
/// ```
/// use local_atlas::analysis::indicator_stats::benchmark_comparison::{compare_ci, Outcome, Polarity};
/// use local_atlas::analysis::indicator_stats::confidence::Ci;
/// let ci = Ci { lower: 10.0, upper: 12.0 };
/// assert_eq!(compare_ci(Some(ci), Some(12.0), Polarity::LowIsGood), Outcome::Similar); // on the limit
/// assert_eq!(compare_ci(Some(ci), Some(9.0), Polarity::LowIsGood), Outcome::Worse);
/// assert_eq!(compare_ci(Some(ci), Some(9.0), Polarity::NoJudgement), Outcome::Higher);
/// ```
pub fn compare_ci(ci95: Option<Ci>, benchmark: Option<f64>, polarity: Polarity) -> Outcome {
    let b = match valid_benchmark(benchmark) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let Some(ci) = valid_ci(ci95) else {
        return Outcome::NotCompared(NotComparedReason::NoConfidenceInterval);
    };
    if ci.contains(b) {
        Outcome::Similar
    } else {
        judged(b < ci.lower, false, polarity)
    }
}

/// Fingertips method 17: similar inside 95%, better/worse between the 95% and 99.8% limits,
/// best/worst beyond 99.8% (higher/lower for "no judgement" at either level).
///
/// ```
/// use local_atlas::analysis::indicator_stats::benchmark_comparison::{compare_two_levels, Outcome, Polarity};
/// use local_atlas::analysis::indicator_stats::confidence::Ci;
/// let (ci95, ci998) = (Ci { lower: 10.0, upper: 12.0 }, Ci { lower: 9.0, upper: 13.0 });
/// assert_eq!(compare_two_levels(Some(ci95), Some(ci998), Some(9.5), Polarity::HighIsGood), Outcome::Better);
/// assert_eq!(compare_two_levels(Some(ci95), Some(ci998), Some(8.0), Polarity::HighIsGood), Outcome::Best);
/// ```
pub fn compare_two_levels(
    ci95: Option<Ci>,
    ci99_8: Option<Ci>,
    benchmark: Option<f64>,
    polarity: Polarity,
) -> Outcome {
    let b = match valid_benchmark(benchmark) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let (Some(c95), Some(c998)) = (valid_ci(ci95), valid_ci(ci99_8)) else {
        return Outcome::NotCompared(NotComparedReason::NoConfidenceInterval);
    };
    if c95.contains(b) {
        return Outcome::Similar;
    }
    let higher = b < c95.lower;
    judged(higher, !c998.contains(b), polarity)
}

/// The CI-overlap method: similar when the area's and the benchmark's intervals overlap
/// (touching counts), otherwise higher/lower judged by polarity.
///
/// ```
/// use local_atlas::analysis::indicator_stats::benchmark_comparison::{compare_ci_overlap, Outcome, Polarity};
/// use local_atlas::analysis::indicator_stats::confidence::Ci;
/// let area = Ci { lower: 10.0, upper: 12.0 };
/// assert_eq!(compare_ci_overlap(Some(area), Some(Ci { lower: 12.0, upper: 13.0 }), Polarity::HighIsGood), Outcome::Similar);
/// assert_eq!(compare_ci_overlap(Some(area), Some(Ci { lower: 12.5, upper: 13.0 }), Polarity::HighIsGood), Outcome::Worse);
/// ```
pub fn compare_ci_overlap(area: Option<Ci>, benchmark: Option<Ci>, polarity: Polarity) -> Outcome {
    let (Some(a), Some(b)) = (valid_ci(area), valid_ci(benchmark)) else {
        return Outcome::NotCompared(NotComparedReason::NoConfidenceInterval);
    };
    if a.lower > b.upper {
        judged(true, false, polarity)
    } else if a.upper < b.lower {
        judged(false, false, polarity)
    } else {
        Outcome::Similar
    }
}

/// The SPC control limits (a proportion of 1) around the benchmark proportion `p0` for a
/// denominator `n`: the Wilson interval of E = n·p0 events out of n.
pub fn spc_proportion_limits(p0: f64, n: f64, level: Level) -> Result<Ci, Undefined> {
    if !p0.is_finite() || !(0.0..=1.0).contains(&p0) {
        return Err(Undefined::BadParameter(
            "a benchmark proportion must be between 0 and 1",
        ));
    }
    wilson(n * p0, n, level)
}

/// Fingertips method 5: an area's proportion `count/denominator` against the SPC limits around
/// the benchmark proportion `p0` (a proportion of 1, e.g. England's value / 100).
///
/// ```
/// use local_atlas::analysis::indicator_stats::benchmark_comparison::{compare_spc_proportion, Outcome, Polarity};
/// use local_atlas::analysis::indicator_stats::confidence::Level;
/// // 30 of 100 against a benchmark of 20%: limits 0.1333–0.2888 at 95%, so higher
/// assert_eq!(compare_spc_proportion(30.0, 100.0, Some(0.2), Level::P95, Polarity::NoJudgement), Outcome::Higher);
/// assert_eq!(compare_spc_proportion(25.0, 100.0, Some(0.2), Level::P95, Polarity::NoJudgement), Outcome::Similar);
/// ```
pub fn compare_spc_proportion(
    count: f64,
    denominator: f64,
    p0: Option<f64>,
    level: Level,
    polarity: Polarity,
) -> Outcome {
    let p0 = match valid_benchmark(p0) {
        Ok(b) => b,
        Err(o) => return o,
    };
    if !count.is_finite() {
        return Outcome::NotCompared(NotComparedReason::NoValue);
    }
    if !denominator.is_finite() || denominator <= 0.0 {
        return Outcome::NotCompared(NotComparedReason::NoDenominator);
    }
    if count < 0.0 || count > denominator {
        return Outcome::NotCompared(NotComparedReason::Invalid(format!(
            "count {count} is outside 0–{denominator}"
        )));
    }
    let limits = match spc_proportion_limits(p0, denominator, level) {
        Ok(l) => l,
        Err(e) => return Outcome::NotCompared(NotComparedReason::Invalid(e.to_string())),
    };
    let p1 = count / denominator;
    if limits.upper < p1 {
        judged(true, false, polarity)
    } else if limits.lower > p1 {
        judged(false, false, polarity)
    } else {
        Outcome::Similar
    }
}

/// The type-7 percentile (R's default, Excel's PERCENTILE.INC) of ascending `sorted` values
/// at `fraction` ∈ [0, 1]; `None` for no values or a fraction outside 0–1.
///
/// ```
/// use local_atlas::analysis::indicator_stats::benchmark_comparison::type7_percentile;
/// // R: quantile(c(1, 2, 4, 7, 11), 0.3) = 2.4
/// assert!((type7_percentile(&[1.0, 2.0, 4.0, 7.0, 11.0], 0.3).unwrap() - 2.4).abs() < 1e-12);
/// ```
pub fn type7_percentile(sorted: &[f64], fraction: f64) -> Option<f64> {
    // Type 7 is numpy's default linear interpolation, which the classifier already has.
    (!sorted.is_empty() && (0.0..=1.0).contains(&fraction))
        .then(|| crate::analysis::classify::percentile_sorted(sorted, fraction * 100.0))
}

/// The bounds of `groups` quantile groups (5 for quintiles, 4 for quartiles): min, the type-7
/// percentiles at 1/g … (g−1)/g, max. Needs at least `groups` finite values (Fingertips needs
/// 5 for quintiles); non-finite values are left out.
pub fn quantile_bounds(values: &[f64], groups: usize) -> Result<Vec<f64>, NotComparedReason> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let minimum = groups.max(2);
    if groups < 2 || v.len() < minimum {
        return Err(NotComparedReason::TooFewAreas {
            count: v.len(),
            minimum,
        });
    }
    v.sort_by(f64::total_cmp);
    let mut bounds = vec![v[0]];
    for k in 1..groups {
        bounds.extend(type7_percentile(&v, k as f64 / groups as f64));
    }
    bounds.push(v[v.len() - 1]);
    Ok(bounds)
}

/// The 1-based group of each value (1 = lowest) among `groups` quantile groups of the finite
/// values; `None` for a value that is missing.
///
/// ```
/// use local_atlas::analysis::indicator_stats::benchmark_comparison::quantile_groups;
/// let g = quantile_groups(&[5.0, 1.0, 3.0, f64::NAN, 2.0, 4.0], 5).unwrap();
/// assert_eq!(g, vec![Some(5), Some(1), Some(3), None, Some(2), Some(4)]);
/// ```
pub fn quantile_groups(
    values: &[f64],
    groups: usize,
) -> Result<Vec<Option<usize>>, NotComparedReason> {
    let bounds = quantile_bounds(values, groups)?;
    Ok(values
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                return None;
            }
            (1..=groups).find(|&g| v <= bounds[g]).or(Some(groups))
        })
        .collect())
}

/// The benchmark average Σcount/Σdenominator × multiplier over areas with a finite count and
/// a positive denominator; needs more than one such area.
///
/// ```
/// use local_atlas::analysis::indicator_stats::benchmark_comparison::benchmark_average;
/// let b = benchmark_average(&[10.0, 30.0], &[100.0, 100.0], 100.0).unwrap();
/// assert!((b - 20.0).abs() < 1e-12);
/// ```
pub fn benchmark_average(
    counts: &[f64],
    denominators: &[f64],
    multiplier: f64,
) -> Result<f64, NotComparedReason> {
    if counts.len() != denominators.len() {
        return Err(NotComparedReason::Invalid(format!(
            "{} counts but {} denominators",
            counts.len(),
            denominators.len()
        )));
    }
    let (mut x, mut n, mut areas) = (0.0, 0.0, 0);
    for (&c, &d) in counts.iter().zip(denominators) {
        if c.is_finite() && c >= 0.0 && d.is_finite() && d > 0.0 {
            x += c;
            n += d;
            areas += 1;
        }
    }
    if areas < 2 {
        return Err(NotComparedReason::TooFewAreas {
            count: areas,
            minimum: 2,
        });
    }
    Ok(x / n * multiplier)
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference values as published
mod tests {
    use super::*;

    const CI: Ci = Ci {
        lower: 10.0,
        upper: 12.0,
    };
    const CI998: Ci = Ci {
        lower: 9.0,
        upper: 13.0,
    };

    #[test]
    fn boundaries_are_similar_and_polarity_decides() {
        for b in [10.0, 11.0, 12.0] {
            assert_eq!(
                compare_ci(Some(CI), Some(b), Polarity::HighIsGood),
                Outcome::Similar
            );
        }
        assert_eq!(
            compare_ci(Some(CI), Some(9.99), Polarity::HighIsGood),
            Outcome::Better
        );
        assert_eq!(
            compare_ci(Some(CI), Some(9.99), Polarity::LowIsGood),
            Outcome::Worse
        );
        assert_eq!(
            compare_ci(Some(CI), Some(12.01), Polarity::HighIsGood),
            Outcome::Worse
        );
        assert_eq!(
            compare_ci(Some(CI), Some(12.01), Polarity::LowIsGood),
            Outcome::Better
        );
        assert_eq!(
            compare_ci(Some(CI), Some(12.01), Polarity::NoJudgement),
            Outcome::Lower
        );
        assert_eq!(
            compare_ci(None, Some(1.0), Polarity::HighIsGood),
            Outcome::NotCompared(NotComparedReason::NoConfidenceInterval)
        );
        assert_eq!(
            compare_ci(Some(CI), Some(f64::NAN), Polarity::HighIsGood),
            Outcome::NotCompared(NotComparedReason::NoBenchmark)
        );
        let nan = Ci {
            lower: f64::NAN,
            upper: 1.0,
        };
        assert_eq!(
            compare_ci(Some(nan), Some(1.0), Polarity::HighIsGood).label(),
            "not compared"
        );
    }

    #[test]
    fn two_levels() {
        let cmp = |b, p| compare_two_levels(Some(CI), Some(CI998), Some(b), p);
        assert_eq!(cmp(10.0, Polarity::HighIsGood), Outcome::Similar);
        assert_eq!(cmp(9.0, Polarity::HighIsGood), Outcome::Better); // on the 99.8% limit
        assert_eq!(cmp(8.9, Polarity::HighIsGood), Outcome::Best);
        assert_eq!(cmp(8.9, Polarity::LowIsGood), Outcome::Worst);
        assert_eq!(cmp(12.5, Polarity::HighIsGood), Outcome::Worse);
        assert_eq!(cmp(13.5, Polarity::HighIsGood), Outcome::Worst);
        assert_eq!(cmp(13.5, Polarity::LowIsGood), Outcome::Best);
        assert_eq!(cmp(13.5, Polarity::NoJudgement), Outcome::Lower);
        assert_eq!(
            compare_two_levels(Some(CI), None, Some(1.0), Polarity::HighIsGood),
            Outcome::NotCompared(NotComparedReason::NoConfidenceInterval)
        );
    }

    #[test]
    fn spc_limits_are_wilson_around_the_benchmark() {
        // E = 20 of 100: the Wilson interval of 20/100, 0.1333669–0.2888292 (package sheet).
        let l = spc_proportion_limits(0.2, 100.0, Level::P95).unwrap();
        assert!((l.lower - 0.1333669333310325).abs() < 1e-12);
        assert!((l.upper - 0.28882916559315885).abs() < 1e-12);
        let cmp = |x: f64, p| compare_spc_proportion(x, 100.0, Some(0.2), Level::P95, p);
        assert_eq!(cmp(29.0, Polarity::HighIsGood), Outcome::Better);
        assert_eq!(cmp(13.0, Polarity::HighIsGood), Outcome::Worse);
        assert_eq!(cmp(13.0, Polarity::LowIsGood), Outcome::Better);
        assert_eq!(cmp(14.0, Polarity::HighIsGood), Outcome::Similar);
        // The wider 99.8% limits (0.1052–0.3471) make 29 similar.
        assert_eq!(
            compare_spc_proportion(29.0, 100.0, Some(0.2), Level::P99_8, Polarity::HighIsGood),
            Outcome::Similar
        );
        assert_eq!(
            compare_spc_proportion(5.0, 0.0, Some(0.2), Level::P95, Polarity::HighIsGood),
            Outcome::NotCompared(NotComparedReason::NoDenominator)
        );
        assert!(matches!(
            compare_spc_proportion(5.0, 4.0, Some(0.2), Level::P95, Polarity::HighIsGood),
            Outcome::NotCompared(NotComparedReason::Invalid(_))
        ));
    }

    #[test]
    fn quintiles_use_type7_percentiles() {
        // R: quantile(1:10, c(.2, .4, .6, .8)) = 2.8 4.6 6.4 8.2
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let b = quantile_bounds(&v, 5).unwrap();
        let want = [1.0, 2.8, 4.6, 6.4, 8.2, 10.0];
        for (g, w) in b.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{b:?}");
        }
        let groups = quantile_groups(&v, 5).unwrap();
        assert_eq!(groups, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5].map(Some).to_vec());
        // Quartiles of 4 values: R quantile(c(3, 1, 4, 2)) = 1 1.75 2.5 3.25 4
        let q = quantile_bounds(&[3.0, 1.0, 4.0, 2.0], 4).unwrap();
        assert_eq!(q, vec![1.0, 1.75, 2.5, 3.25, 4.0]);
        assert_eq!(
            quantile_bounds(&[1.0, 2.0, 3.0, 4.0], 5),
            Err(NotComparedReason::TooFewAreas {
                count: 4,
                minimum: 5
            })
        );
        // Ties: all equal values are all in group 1.
        assert_eq!(quantile_groups(&[2.0; 6], 5).unwrap(), vec![Some(1); 6]);
    }

    #[test]
    fn benchmark_average_needs_two_areas() {
        assert_eq!(
            benchmark_average(&[5.0, f64::NAN], &[10.0, 10.0], 1.0),
            Err(NotComparedReason::TooFewAreas {
                count: 1,
                minimum: 2
            })
        );
        assert!(benchmark_average(&[1.0], &[1.0, 2.0], 1.0).is_err());
    }

    #[test]
    fn colour_table() {
        assert_eq!(Outcome::Better.colour(), "#92D050");
        assert_eq!(Outcome::Worse.colour(), "#C00000");
        assert_eq!(Outcome::Lower.colour(), "#5555E6");
        assert_eq!(Outcome::Higher.colour(), "#BED2FF");
        assert_eq!(
            Outcome::NotCompared(NotComparedReason::NoValue).colour(),
            "#C9C9C9"
        );
    }
}
