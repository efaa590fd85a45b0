//! Funnel-plot control limits at 95% and 99.8%, as PHEindicatormethods' `calculate_funnel_limits`
//! (Funnels.R with `sigma_adjustment` and `poisson_funnel` in utils.R) draws them.
//!
//! - **Proportions**: at denominator n the limits are the proportions whose Wilson interval
//!   *touches* the average p̄: the lower limit is the x/n whose Wilson upper limit is p̄, the upper
//!   limit the x/n whose Wilson lower limit is p̄. Solving the Wilson formula for x gives the
//!   package's closed form (`sigma_adjustment`), clamped to [0, 1].
//! - **Ratios** (O/E, indirectly standardised): exact Poisson. For O observed events the lower
//!   limit O/U(O) is drawn at expected E = U(O) and the upper limit O/L(O) at E = L(O), with
//!   L(O) = χ²(α/2; 2O)/2 and U(O) = χ²(1 − α/2; 2O + 2)/2 — the package's parametric curve
//!   ([`ratio_funnel_point`]). At a given E the same curve is found by solving for a continuous
//!   O ([`ratio_funnel_limits`]): lower = O/E with P(X ≤ O | E) = α/2, i.e. Q(O + 1, E) = α/2,
//!   and upper = O/E with P(X ≥ O | E) = α/2, i.e. P(O, E) = α/2 (regularised gamma functions).
//!   Below E = −ln(α/2) no count is low enough to be significant and the lower limit is 0.
//! - **Rates**: the ratio limits times the average rate r̄: at population n, E = n·r̄; in the
//!   package's parametric form the lower limit for e events is e·r̄/U(e) at population U(e)/r̄
//!   ([`rate_funnel_point`]; the package divides that population by the years of data).
//!
//! Limits are functions of a denominator; [`funnel_curve`] samples them over a range with
//! geometric spacing for drawing.

use super::confidence::{Ci, Level, exact_poisson};
use super::distributions::{regularized_gamma_p, regularized_gamma_q};
use super::undefined::{Undefined, check_count, check_denominator};

/// The limits of a proportion funnel (proportions of 1) at denominator `n` around the
/// average proportion `average` (Σx/Σn).
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::Level;
/// use local_atlas::analysis::indicator_stats::funnel::proportion_funnel_limits;
/// // PHEindicatormethods testdata_funnel_prop_outputs: average 80.642448%, population 75
/// let l = proportion_funnel_limits(0.80642448, 75.0, Level::P95).unwrap();
/// assert!((l.lower * 100.0 - 71.700657).abs() < 1e-5);
/// assert!((l.upper * 100.0 - 89.584239).abs() < 1e-5);
/// ```
pub fn proportion_funnel_limits(average: f64, n: f64, level: Level) -> Result<Ci, Undefined> {
    if !average.is_finite() || !(0.0..=1.0).contains(&average) {
        return Err(Undefined::BadParameter(
            "the average proportion must be between 0 and 1",
        ));
    }
    check_denominator(n)?;
    let z2 = level.z().powi(2);
    // sigma_adjustment(): x = (A ∓ √D/8) / C with the terms below; the limit is x/n.
    let a = average * (n / z2 + 1.0);
    let d = (8.0 * a).powi(2)
        - 64.0
            * (1.0 / z2 + 1.0 / n)
            * average
            * (n * (average * (n / z2 + 2.0) - 1.0) + z2 * (average - 1.0));
    let root = d.max(0.0).sqrt() / 8.0;
    let c = 1.0 / z2 + 1.0 / n;
    Ok(Ci {
        lower: ((a - root) / c / n).clamp(0.0, 1.0),
        upper: ((a + root) / c / n).clamp(0.0, 1.0),
    })
}

/// Solves a monotone `f(o) = target` for o ≥ 0 by bisection (f increasing when `increasing`).
fn bisect(target: f64, increasing: bool, f: impl Fn(f64) -> Option<f64>) -> Option<f64> {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    let above = |v: f64| if increasing { v >= target } else { v <= target };
    while !above(f(hi)?) {
        hi *= 2.0;
        if hi > 1e300 {
            return None;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if above(f(mid)?) {
            hi = mid;
        } else {
            lo = mid;
        }
        if hi - lo <= 1e-15 * hi {
            break;
        }
    }
    Some(0.5 * (lo + hi))
}

/// The ratio funnel's limits (O/E, a ratio of 1) at `expected` events.
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::{exact_poisson, Level};
/// use local_atlas::analysis::indicator_stats::funnel::ratio_funnel_limits;
/// // At E = U(29), the exact upper limit of 29 events, the lower limit is 29/E.
/// let e = exact_poisson(29.0, Level::P95).unwrap().upper;
/// let l = ratio_funnel_limits(e, Level::P95).unwrap();
/// assert!((l.lower - 29.0 / e).abs() < 1e-9);
/// ```
pub fn ratio_funnel_limits(expected: f64, level: Level) -> Result<Ci, Undefined> {
    check_denominator(expected)?;
    let tail = level.alpha() / 2.0;
    // Lower: Q(O + 1, E) = P(X ≤ O | E) rises with O; 0 when even O = 0 is not unusual.
    let lower = if (-expected).exp() >= tail {
        0.0
    } else {
        bisect(tail, true, |o| regularized_gamma_q(o + 1.0, expected))
            .ok_or(Undefined::NotFinite)?
    };
    // Upper: P(O, E) = P(X ≥ O | E) falls with O.
    let upper = bisect(tail, false, |o| {
        if o == 0.0 {
            Some(1.0)
        } else {
            regularized_gamma_p(o, expected)
        }
    })
    .ok_or(Undefined::NotFinite)?;
    Ok(Ci {
        lower: lower / expected,
        upper: upper / expected,
    })
}

/// The rate funnel's limits at population `n` around the average rate `average_rate` (per 1),
/// times `multiplier`.
pub fn rate_funnel_limits(
    average_rate: f64,
    n: f64,
    multiplier: f64,
    level: Level,
) -> Result<Ci, Undefined> {
    check_denominator(n)?;
    if !average_rate.is_finite() || average_rate <= 0.0 {
        return Err(Undefined::BadParameter("the average rate must be positive"));
    }
    let r = ratio_funnel_limits(n * average_rate, level)?;
    let k = average_rate * multiplier;
    Ok(Ci {
        lower: r.lower * k,
        upper: r.upper * k,
    })
}

/// One point of the package's parametric ratio or rate funnel: for `events` the lower limit
/// is drawn at `lower_denominator`, the upper at `upper_denominator`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct FunnelPoint {
    pub events: f64,
    pub lower_denominator: f64,
    pub lower_limit: f64,
    pub upper_denominator: f64,
    pub upper_limit: f64,
}

/// The package's ratio funnel point for `observed` events (> 0): expected events and ratios.
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::Level;
/// use local_atlas::analysis::indicator_stats::funnel::ratio_funnel_point;
/// // testdata_funnel_ratio_outputs, 29 observed: lower_2s_exp_events 41.64883002
/// let p = ratio_funnel_point(29.0, Level::P95).unwrap();
/// assert!((p.lower_denominator / 41.64883002 - 1.0).abs() < 1e-6);
/// ```
pub fn ratio_funnel_point(observed: f64, level: Level) -> Result<FunnelPoint, Undefined> {
    check_count(observed)?;
    if observed == 0.0 {
        return Err(Undefined::TooFewEvents {
            count: 0.0,
            minimum: 1.0,
        });
    }
    let ci = exact_poisson(observed, level)?;
    Ok(FunnelPoint {
        events: observed,
        lower_denominator: ci.upper,
        lower_limit: observed / ci.upper,
        upper_denominator: ci.lower,
        upper_limit: observed / ci.lower,
    })
}

/// The package's rate funnel point for `events` (> 0): populations and rates × `multiplier`.
pub fn rate_funnel_point(
    events: f64,
    average_rate: f64,
    multiplier: f64,
    level: Level,
) -> Result<FunnelPoint, Undefined> {
    if !average_rate.is_finite() || average_rate <= 0.0 {
        return Err(Undefined::BadParameter("the average rate must be positive"));
    }
    let p = ratio_funnel_point(events, level)?;
    let k = average_rate * multiplier;
    Ok(FunnelPoint {
        events,
        lower_denominator: p.lower_denominator / average_rate,
        lower_limit: p.lower_limit * k,
        upper_denominator: p.upper_denominator / average_rate,
        upper_limit: p.upper_limit * k,
    })
}

/// What a funnel is drawn for.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum FunnelKind {
    /// Proportions (of 1) around the average proportion.
    Proportion { average: f64 },
    /// Standardised ratios (of 1) against expected events.
    Ratio,
    /// Rates (per 1) around the average rate, against the population.
    Rate { average_rate: f64 },
}

/// The limits at one denominator.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct FunnelRow {
    pub denominator: f64,
    pub ci95: Ci,
    pub ci99_8: Ci,
}

/// The limits of `kind` at one denominator, both levels.
pub fn funnel_limits(kind: FunnelKind, denominator: f64) -> Result<FunnelRow, Undefined> {
    let at = |level| match kind {
        FunnelKind::Proportion { average } => proportion_funnel_limits(average, denominator, level),
        FunnelKind::Ratio => ratio_funnel_limits(denominator, level),
        FunnelKind::Rate { average_rate } => {
            rate_funnel_limits(average_rate, denominator, 1.0, level)
        }
    };
    Ok(FunnelRow {
        denominator,
        ci95: at(Level::P95)?,
        ci99_8: at(Level::P99_8)?,
    })
}

/// `points` (≥ 2) rows of limits from `min_denominator` to `max_denominator`, geometrically
/// spaced (dense where the funnel is wide).
///
/// ```
/// use local_atlas::analysis::indicator_stats::funnel::{funnel_curve, FunnelKind};
/// let rows = funnel_curve(FunnelKind::Proportion { average: 0.2 }, 10.0, 10_000.0, 50).unwrap();
/// assert_eq!(rows.len(), 50);
/// assert!(rows[0].ci99_8.upper - rows[0].ci99_8.lower > rows[49].ci99_8.upper - rows[49].ci99_8.lower);
/// ```
pub fn funnel_curve(
    kind: FunnelKind,
    min_denominator: f64,
    max_denominator: f64,
    points: usize,
) -> Result<Vec<FunnelRow>, Undefined> {
    check_denominator(min_denominator)?;
    check_denominator(max_denominator)?;
    if max_denominator < min_denominator {
        return Err(Undefined::BadParameter(
            "the largest denominator is below the smallest",
        ));
    }
    if points < 2 {
        return Err(Undefined::TooFewValues {
            count: points,
            minimum: 2,
        });
    }
    let ratio = (max_denominator / min_denominator).ln();
    (0..points)
        .map(|i| {
            let n = min_denominator * (ratio * i as f64 / (points - 1) as f64).exp();
            funnel_limits(kind, n.min(max_denominator))
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference values as published
mod tests {
    use super::*;

    #[test]
    fn proportion_limits_touch_the_average() {
        // The lower limit's Wilson upper limit is the average, and vice versa.
        let (avg, n) = (0.3, 250.0);
        for level in Level::ALL {
            let f = proportion_funnel_limits(avg, n, level).unwrap();
            let at_lower =
                crate::analysis::indicator_stats::confidence::wilson(f.lower * n, n, level)
                    .unwrap();
            let at_upper =
                crate::analysis::indicator_stats::confidence::wilson(f.upper * n, n, level)
                    .unwrap();
            assert!((at_lower.upper - avg).abs() < 1e-12);
            assert!((at_upper.lower - avg).abs() < 1e-12);
        }
    }

    #[test]
    fn limits_bracket_the_average_and_widen_as_the_denominator_shrinks() {
        let kinds = [
            (FunnelKind::Proportion { average: 0.12 }, 0.12),
            (FunnelKind::Ratio, 1.0),
            (
                FunnelKind::Rate {
                    average_rate: 0.004,
                },
                0.004,
            ),
        ];
        for (kind, avg) in kinds {
            let rows = funnel_curve(kind, 20.0, 200_000.0, 40).unwrap();
            for w in rows.windows(2) {
                let (a, b) = (w[0], w[1]);
                for (ca, cb) in [(a.ci95, b.ci95), (a.ci99_8, b.ci99_8)] {
                    assert!(ca.lower <= avg && avg <= ca.upper, "{kind:?} {a:?}");
                    assert!(
                        ca.upper - ca.lower >= cb.upper - cb.lower,
                        "{kind:?} {a:?} {b:?}"
                    );
                }
                assert!(a.ci99_8.lower <= a.ci95.lower && a.ci95.upper <= a.ci99_8.upper);
            }
        }
    }

    #[test]
    fn at_expected_and_parametric_forms_agree() {
        for o in [1.0, 5.0, 29.0, 110.0, 716.0] {
            for level in Level::ALL {
                let p = ratio_funnel_point(o, level).unwrap();
                let at_lower = ratio_funnel_limits(p.lower_denominator, level).unwrap();
                let at_upper = ratio_funnel_limits(p.upper_denominator, level).unwrap();
                assert!(
                    (at_lower.lower / p.lower_limit - 1.0).abs() < 1e-9,
                    "{o} {level:?}"
                );
                assert!(
                    (at_upper.upper / p.upper_limit - 1.0).abs() < 1e-9,
                    "{o} {level:?}"
                );
            }
        }
        // Tiny expected counts: nothing is significantly low.
        assert_eq!(ratio_funnel_limits(3.0, Level::P95).unwrap().lower, 0.0);
    }

    #[test]
    fn degenerate_inputs_give_reasons() {
        assert!(proportion_funnel_limits(1.5, 10.0, Level::P95).is_err());
        assert_eq!(
            proportion_funnel_limits(0.5, 0.0, Level::P95),
            Err(Undefined::ZeroDenominator)
        );
        assert!(ratio_funnel_point(0.0, Level::P95).is_err());
        assert!(ratio_funnel_limits(-1.0, Level::P95).is_err());
        assert!(rate_funnel_limits(0.0, 10.0, 1.0, Level::P95).is_err());
        assert!(funnel_curve(FunnelKind::Ratio, 10.0, 1.0, 5).is_err());
        assert!(funnel_curve(FunnelKind::Ratio, 1.0, 10.0, 1).is_err());
        let zero = proportion_funnel_limits(0.0, 100.0, Level::P95).unwrap();
        assert_eq!((zero.lower, zero.upper), (0.0, 0.0));
    }
}
