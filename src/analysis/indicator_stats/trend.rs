//! Fingertips' recent-trend marker (fingertips-open `Analysis/TrendMarkers/TrendMarkerCalculator.cs`,
//! `TrendRequest.cs`).
//!
//! **Points.** Proportions and crude rates with one-year periods; the latest 5 consecutive
//! valid periods (a missing period or a point without what the method needs breaks the run).
//! A trend whose points include a count equal to its denominator is rejected, as Fingertips
//! does.
//!
//! **Weighted least squares** (the default): value on t = 1…5 with weights wₜ = 1/SEₜ²,
//! SEₜ = (U95 − L95)/3.92. With S₁ = Σw, S₂ = Σw·y·t, S₃ = Σw·t, S₄ = Σw·y, S₅ = Σw·t²:
//! slope = (S₁S₂ − S₃S₄)/(S₁S₅ − S₃²), SE(slope) = √(S₁/(S₁S₅ − S₃²)), χ² = (slope/SE)².
//!
//! **Cochran–Armitage** (indicators compared by SPC for proportions), from counts xₜ and
//! denominators nₜ with N = Σn, X = Σx:
//! χ² = N(N·Σxₜt − X·Σnₜt)² / [X(N − X)(N·Σnₜt² − (Σnₜt)²)]; the slope whose sign is checked is
//! the ordinary least-squares slope of logit(xₜ/nₜ) on t, as in Fingertips.
//!
//! **Significance**: χ² > 9.54953570608324 (χ²₁ at 99.8%) **and** the slope has the same sign
//! in the full fit and in all five leave-one-out fits (a zero slope counts as positive, as in
//! Fingertips). The direction is the full fit's slope; polarity turns it into better/worse.

use super::benchmark_comparison::Polarity;
use super::confidence::{Ci, ValueType};

/// χ²₁ at 99.8%, Fingertips' `ChiSquareConfidence`.
pub const CHI_SQUARED_THRESHOLD: f64 = 9.54953570608324;
/// The number of most recent periods used.
pub const POINTS_TO_USE: usize = 5;

/// One period of an indicator for one area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendPoint {
    /// The period's start year (consecutive periods differ by 1).
    pub period: i32,
    pub value: Option<f64>,
    pub count: Option<f64>,
    pub denominator: Option<f64>,
    pub ci95: Option<Ci>,
}

/// Which test to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TrendMethod {
    /// Weighted least squares on the values and their 95% intervals (most indicators).
    WeightedLeastSquares,
    /// Cochran–Armitage on counts and denominators (SPC-for-proportions indicators).
    CochranArmitage,
}

/// Whether the direction is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    Better,
    Worse,
    NoJudgement,
}

/// What is wrong with a period that stops it being used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointProblem {
    MissingValue,
    MissingConfidenceInterval,
    /// U95 = L95, so the weight 1/SE² is infinite.
    ZeroStandardError,
    MissingCount,
    MissingDenominator,
    /// The period before this one is absent (a gap in the series).
    Gap,
}

/// Why no trend marker could be calculated.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendIssue {
    /// Fewer than 5 consecutive valid periods; `stopped_by` is the first period (going back
    /// from the latest) that broke the run, and why.
    TooFewPeriods {
        available: usize,
        stopped_by: Option<(i32, PointProblem)>,
    },
    /// Fingertips calculates trends for proportions and crude rates only (Cochran–Armitage for
    /// proportions only).
    ValueTypeNotSupported(ValueType),
    /// A count equals its denominator (or, for Cochran–Armitage, is 0), so the log-odds are
    /// infinite.
    DegenerateCount { period: i32 },
    /// Two points share a period.
    DuplicatePeriod(i32),
    /// The fit is singular (all weights zero or not finite).
    SingularFit,
}

/// The trend marker.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendMarker {
    Increasing(Judgement),
    Decreasing(Judgement),
    NoSignificantChange,
    CannotBeCalculated(TrendIssue),
}

/// The marker with the numbers behind it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Trend {
    pub marker: TrendMarker,
    pub chi_squared: Option<f64>,
    /// The full fit's slope (value units per period; log-odds per period for Cochran–Armitage).
    pub slope: Option<f64>,
    /// The slopes with each of the five points left out, oldest first.
    pub leave_one_out_slopes: Vec<f64>,
    /// The periods used, oldest first.
    pub periods: Vec<i32>,
}

impl Trend {
    fn cannot(issue: TrendIssue) -> Trend {
        Trend {
            marker: TrendMarker::CannotBeCalculated(issue),
            chi_squared: None,
            slope: None,
            leave_one_out_slopes: Vec::new(),
            periods: Vec::new(),
        }
    }
}

fn problem(p: &TrendPoint, method: TrendMethod) -> Option<PointProblem> {
    match method {
        TrendMethod::WeightedLeastSquares => {
            if !p.value.is_some_and(f64::is_finite) {
                return Some(PointProblem::MissingValue);
            }
            let Some(ci) = p
                .ci95
                .filter(|c| c.lower.is_finite() && c.upper.is_finite())
            else {
                return Some(PointProblem::MissingConfidenceInterval);
            };
            if ci.upper <= ci.lower {
                return Some(PointProblem::ZeroStandardError);
            }
            None
        }
        TrendMethod::CochranArmitage => {
            if !p.count.is_some_and(|c| c.is_finite() && c >= 0.0) {
                return Some(PointProblem::MissingCount);
            }
            if !p.denominator.is_some_and(|d| d.is_finite() && d > 0.0) {
                return Some(PointProblem::MissingDenominator);
            }
            None
        }
    }
}

/// The latest run of up to 5 consecutive valid points, oldest first, or why there are fewer.
fn latest_run(points: &[TrendPoint], method: TrendMethod) -> Result<Vec<TrendPoint>, TrendIssue> {
    let mut sorted = points.to_vec();
    sorted.sort_by_key(|p| std::cmp::Reverse(p.period));
    if let Some(w) = sorted.windows(2).find(|w| w[0].period == w[1].period) {
        return Err(TrendIssue::DuplicatePeriod(w[0].period));
    }
    let mut run: Vec<TrendPoint> = Vec::new();
    for p in sorted {
        if run.len() == POINTS_TO_USE {
            break;
        }
        let stop = match (problem(&p, method), run.last()) {
            (Some(why), _) => Some(why),
            (None, Some(prev)) if prev.period != p.period + 1 => Some(PointProblem::Gap),
            _ => None,
        };
        if let Some(why) = stop {
            return Err(TrendIssue::TooFewPeriods {
                available: run.len(),
                stopped_by: Some((p.period, why)),
            });
        }
        run.push(p);
    }
    if run.len() < POINTS_TO_USE {
        return Err(TrendIssue::TooFewPeriods {
            available: run.len(),
            stopped_by: None,
        });
    }
    run.reverse();
    Ok(run)
}

/// Weighted least squares of y on t with weights w: (slope, χ²).
fn weighted_fit(rows: &[(f64, f64, f64)]) -> Option<(f64, f64)> {
    let (mut s1, mut s2, mut s3, mut s4, mut s5) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(t, y, w) in rows {
        s1 += w;
        s2 += w * y * t;
        s3 += w * t;
        s4 += w * y;
        s5 += w * t * t;
    }
    let det = s1 * s5 - s3 * s3;
    if !det.is_finite() || det <= 0.0 {
        return None;
    }
    let slope = (s1 * s2 - s3 * s4) / det;
    let se = (s1 / det).sqrt();
    Some((slope, (slope / se).powi(2)))
}

/// Ordinary least-squares slope of y on t.
fn ols_slope(rows: &[(f64, f64)]) -> f64 {
    let n = rows.len() as f64;
    let (st, sy, sty, stt) = rows.iter().fold((0.0, 0.0, 0.0, 0.0), |a, &(t, y)| {
        (a.0 + t, a.1 + y, a.2 + t * y, a.3 + t * t)
    });
    (n * sty - sy * st) / (n * stt - st * st)
}

fn cochran_armitage(rows: &[(f64, f64, f64)]) -> Option<f64> {
    let (mut n, mut x, mut xt, mut nt, mut nt2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(t, count, den) in rows {
        n += den;
        x += count;
        xt += count * t;
        nt += den * t;
        nt2 += den * t * t;
    }
    let denominator = x * (n - x) * (n * nt2 - nt * nt);
    if !denominator.is_finite() || denominator <= 0.0 {
        return None;
    }
    Some(n * (n * xt - x * nt).powi(2) / denominator)
}

/// Fingertips' trend marker over the latest 5 consecutive periods of `points`.
///
/// ```
/// use local_atlas::analysis::indicator_stats::benchmark_comparison::Polarity;
/// use local_atlas::analysis::indicator_stats::confidence::{Ci, ValueType};
/// use local_atlas::analysis::indicator_stats::trend::*;
/// // fingertips-open TrendMarkerCalculatorTest, GetTrendData_Set1: χ² = 46.77, increasing
/// let rows = [(2014, 994., 40299., 24.67, 23.16, 26.25), (2015, 1023., 41527., 24.6, 23.15, 26.19),
///     (2016, 1199., 42811., 28.0, 26.44, 29.64), (2017, 1332., 44064., 30.2, 28.63, 31.9),
///     (2018, 1367., 44701., 30.6, 28.98, 32.25)];
/// let points: Vec<TrendPoint> = rows.iter().map(|&(period, c, n, v, l, u)| TrendPoint {
///     period, value: Some(v), count: Some(c), denominator: Some(n), ci95: Some(Ci { lower: l, upper: u }),
/// }).collect();
/// let t = trend_marker(&points, ValueType::Proportion, TrendMethod::WeightedLeastSquares, Polarity::NoJudgement);
/// assert_eq!(t.marker, TrendMarker::Increasing(Judgement::NoJudgement));
/// assert!((t.chi_squared.unwrap() - 46.77).abs() < 0.005);
/// ```
pub fn trend_marker(
    points: &[TrendPoint],
    value_type: ValueType,
    method: TrendMethod,
    polarity: Polarity,
) -> Trend {
    let supported = match method {
        TrendMethod::WeightedLeastSquares => {
            matches!(value_type, ValueType::Proportion | ValueType::CrudeRate)
        }
        TrendMethod::CochranArmitage => value_type == ValueType::Proportion,
    };
    if !supported {
        return Trend::cannot(TrendIssue::ValueTypeNotSupported(value_type));
    }
    let run = match latest_run(points, method) {
        Ok(run) => run,
        Err(issue) => return Trend::cannot(issue),
    };
    for p in &run {
        let (Some(c), Some(d)) = (p.count, p.denominator) else {
            continue;
        };
        if c == d || (method == TrendMethod::CochranArmitage && c == 0.0) {
            return Trend::cannot(TrendIssue::DegenerateCount { period: p.period });
        }
    }
    let (slope, chi_squared, loo) = match method {
        TrendMethod::WeightedLeastSquares => {
            let rows: Vec<(f64, f64, f64)> = run
                .iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    let ci = p.ci95?;
                    let se = (ci.upper - ci.lower) / 3.92;
                    Some(((i + 1) as f64, p.value?, 1.0 / (se * se)))
                })
                .collect();
            let Some((slope, chi)) = weighted_fit(&rows) else {
                return Trend::cannot(TrendIssue::SingularFit);
            };
            let mut loo = Vec::new();
            for skip in 0..rows.len() {
                let rest: Vec<_> = rows
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, r)| *r)
                    .collect();
                match weighted_fit(&rest) {
                    Some((s, _)) => loo.push(s),
                    None => return Trend::cannot(TrendIssue::SingularFit),
                }
            }
            (slope, chi, loo)
        }
        TrendMethod::CochranArmitage => {
            let rows: Vec<(f64, f64, f64)> = run
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    (
                        (i + 1) as f64,
                        p.count.unwrap_or(0.0),
                        p.denominator.unwrap_or(0.0),
                    )
                })
                .collect();
            let Some(chi) = cochran_armitage(&rows) else {
                return Trend::cannot(TrendIssue::SingularFit);
            };
            let logits: Vec<(f64, f64)> = rows
                .iter()
                .map(|&(t, x, n)| (t, (x / (n - x)).ln()))
                .collect();
            let slope = ols_slope(&logits);
            let loo = (0..logits.len())
                .map(|skip| {
                    let rest: Vec<_> = logits
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != skip)
                        .map(|(_, r)| *r)
                        .collect();
                    ols_slope(&rest)
                })
                .collect();
            (slope, chi, loo)
        }
    };
    let sign = |s: f64| if s < 0.0 { -1 } else { 1 };
    let consistent = loo.iter().all(|&s| sign(s) == sign(slope));
    let marker = if chi_squared > CHI_SQUARED_THRESHOLD && consistent {
        let increasing = slope > 0.0;
        let judgement = match polarity {
            Polarity::NoJudgement => Judgement::NoJudgement,
            Polarity::HighIsGood if increasing => Judgement::Better,
            Polarity::LowIsGood if !increasing => Judgement::Better,
            _ => Judgement::Worse,
        };
        if increasing {
            TrendMarker::Increasing(judgement)
        } else {
            TrendMarker::Decreasing(judgement)
        }
    } else {
        TrendMarker::NoSignificantChange
    };
    Trend {
        marker,
        chi_squared: Some(chi_squared),
        slope: Some(slope),
        leave_one_out_slopes: loo,
        periods: run.iter().map(|p| p.period).collect(),
    }
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference values as published
mod tests {
    use super::*;

    fn point(period: i32, count: f64, den: f64, value: f64, l: f64, u: f64) -> TrendPoint {
        TrendPoint {
            period,
            value: Some(value),
            count: Some(count),
            denominator: Some(den),
            ci95: Some(Ci { lower: l, upper: u }),
        }
    }

    // fingertips-open PholioVisualisationWS/AnalysisTest/TrendMarkerCalculatorTest.cs
    fn set1() -> Vec<TrendPoint> {
        vec![
            point(2018, 1367.0, 44701.0, 30.6, 28.98, 32.25),
            point(2017, 1332.0, 44064.0, 30.2, 28.63, 31.9),
            point(2016, 1199.0, 42811.0, 28.0, 26.44, 29.64),
            point(2015, 1023.0, 41527.0, 24.6, 23.15, 26.19),
            point(2014, 994.0, 40299.0, 24.67, 23.16, 26.25),
        ]
    }

    fn set2() -> Vec<TrendPoint> {
        vec![
            point(2014, 209.0, 1017.0, 20.5506, 18.1803, 23.1427),
            point(2015, 213.0, 1087.0, 19.5952, 17.3444, 22.0602),
            point(2016, 213.0, 1119.0, 19.0349, 16.8421, 21.4394),
            point(2017, 239.0, 1117.0, 21.3966, 19.0918, 23.8975),
            point(2018, 210.0, 1139.0, 18.4372, 16.2925, 20.7941),
        ]
    }

    const WLS: TrendMethod = TrendMethod::WeightedLeastSquares;
    const CA: TrendMethod = TrendMethod::CochranArmitage;

    #[test]
    fn fingertips_examples() {
        let t = trend_marker(&set1(), ValueType::Proportion, WLS, Polarity::LowIsGood);
        assert_eq!(t.marker, TrendMarker::Increasing(Judgement::Worse));
        assert_eq!((t.chi_squared.unwrap() * 100.0).round() / 100.0, 46.77);
        assert_eq!(t.periods, vec![2014, 2015, 2016, 2017, 2018]);
        // Cochran–Armitage on the same counts: 47.9 (TestIsSignificantForProportionsReturnsTrue).
        let ca = trend_marker(&set1(), ValueType::Proportion, CA, Polarity::HighIsGood);
        assert_eq!((ca.chi_squared.unwrap() * 100.0).round() / 100.0, 47.9);
        assert_eq!(ca.marker, TrendMarker::Increasing(Judgement::Better));
        // Set 2 is not significant.
        let t2 = trend_marker(&set2(), ValueType::Proportion, WLS, Polarity::HighIsGood);
        assert_eq!(t2.marker, TrendMarker::NoSignificantChange);
        // Set 2 for proportions: a count equal to its denominator → cannot be calculated.
        let degenerate = [
            (2012, 5.0, 5.0),
            (2013, 3.0, 5.0),
            (2014, 1.0, 5.0),
            (2015, 1.0, 4.0),
            (2016, 2.0, 4.0),
        ]
        .map(|(y, c, n)| point(y, c, n, c / n * 100.0, 0.0, 0.0));
        let t3 = trend_marker(&degenerate, ValueType::Proportion, CA, Polarity::HighIsGood);
        assert_eq!(
            t3.marker,
            TrendMarker::CannotBeCalculated(TrendIssue::DegenerateCount { period: 2012 })
        );
    }

    #[test]
    fn a_leave_one_out_sign_flip_is_not_significant() {
        // A big jump in the last period with a tiny interval dominates the fit: the full slope
        // is positive and χ² large, but leaving that point out gives a falling slope.
        let pts = vec![
            point(2014, 0.0, 0.0, 20.0, 19.0, 21.0),
            point(2015, 0.0, 0.0, 19.5, 18.5, 20.5),
            point(2016, 0.0, 0.0, 19.0, 18.0, 20.0),
            point(2017, 0.0, 0.0, 18.5, 17.5, 19.5),
            point(2018, 0.0, 0.0, 40.0, 39.9, 40.1),
        ]
        .into_iter()
        .map(|p| TrendPoint {
            count: None,
            denominator: None,
            ..p
        })
        .collect::<Vec<_>>();
        let t = trend_marker(&pts, ValueType::CrudeRate, WLS, Polarity::HighIsGood);
        assert!(t.chi_squared.unwrap() > CHI_SQUARED_THRESHOLD, "{t:?}");
        assert!(t.slope.unwrap() > 0.0);
        assert!(t.leave_one_out_slopes[4] < 0.0);
        assert_eq!(t.marker, TrendMarker::NoSignificantChange);
    }

    #[test]
    fn the_latest_run_is_used_and_breaks_are_reported() {
        let mut pts = set1();
        pts.push(point(2012, 10.0, 100.0, 10.0, 5.0, 15.0)); // older, beyond the five
        let t = trend_marker(&pts, ValueType::Proportion, WLS, Polarity::NoJudgement);
        assert_eq!(t.periods, vec![2014, 2015, 2016, 2017, 2018]);
        let mut gap = set1();
        gap.remove(2); // 2016 missing
        let t = trend_marker(&gap, ValueType::Proportion, WLS, Polarity::NoJudgement);
        assert_eq!(
            t.marker,
            TrendMarker::CannotBeCalculated(TrendIssue::TooFewPeriods {
                available: 2,
                stopped_by: Some((2015, PointProblem::Gap))
            })
        );
        let mut no_ci = set1();
        no_ci[0].ci95 = None;
        let t = trend_marker(&no_ci, ValueType::Proportion, WLS, Polarity::NoJudgement);
        assert_eq!(
            t.marker,
            TrendMarker::CannotBeCalculated(TrendIssue::TooFewPeriods {
                available: 0,
                stopped_by: Some((2018, PointProblem::MissingConfidenceInterval))
            })
        );
        let mut zero_se = set1();
        zero_se[1].ci95 = Some(Ci {
            lower: 30.0,
            upper: 30.0,
        });
        let t = trend_marker(&zero_se, ValueType::Proportion, WLS, Polarity::NoJudgement);
        assert!(matches!(
            t.marker,
            TrendMarker::CannotBeCalculated(TrendIssue::TooFewPeriods {
                stopped_by: Some((2017, PointProblem::ZeroStandardError)),
                ..
            })
        ));
        let t = trend_marker(
            &set1()[..4],
            ValueType::Proportion,
            WLS,
            Polarity::NoJudgement,
        );
        assert_eq!(
            t.marker,
            TrendMarker::CannotBeCalculated(TrendIssue::TooFewPeriods {
                available: 4,
                stopped_by: None
            })
        );
        let t = trend_marker(&set1(), ValueType::Dsr, WLS, Polarity::NoJudgement);
        assert_eq!(
            t.marker,
            TrendMarker::CannotBeCalculated(TrendIssue::ValueTypeNotSupported(ValueType::Dsr))
        );
        let mut dup = set1();
        dup[1].period = 2018;
        assert!(matches!(
            trend_marker(&dup, ValueType::Proportion, WLS, Polarity::NoJudgement).marker,
            TrendMarker::CannotBeCalculated(TrendIssue::DuplicatePeriod(2018))
        ));
        assert!(matches!(
            trend_marker(&[], ValueType::Proportion, WLS, Polarity::NoJudgement).marker,
            TrendMarker::CannotBeCalculated(TrendIssue::TooFewPeriods { available: 0, .. })
        ));
    }

    #[test]
    fn decreasing_with_polarity() {
        let mut pts = set1();
        for (p, year) in pts.iter_mut().zip([2014, 2015, 2016, 2017, 2018]) {
            p.period = year; // reverse the time order: the values now fall
        }
        let t = trend_marker(&pts, ValueType::Proportion, WLS, Polarity::LowIsGood);
        assert_eq!(t.marker, TrendMarker::Decreasing(Judgement::Better));
    }
}
