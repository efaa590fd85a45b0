//! Confidence intervals for the indicator value types, as PHEindicatormethods 2.x (`utils.R`,
//! `Proportions.R`, `Rates.R`, `Means.R`) and Fingertips compute them.
//!
//! Levels are 95% and 99.8%, with z = Φ⁻¹(c + (1 − c)/2): 1.959964 and 3.090232.
//!
//! - **Proportion, Wilson score** (Wilson 1927; Newcombe & Altman 2000):
//!   L, U = (2x + z² ∓ z·√(z² + 4x(1 − x/n))) / (2(n + z²)), times the multiplier.
//! - **Counts, Byar's approximation** (Breslow & Day 1987):
//!   L = x(1 − 1/(9x) − z/(3√x))³, U = (x + 1)(1 − 1/(9(x + 1)) + z/(3√(x + 1)))³.
//! - **Counts, exact Poisson**: L = χ²(α/2; 2x)/2, U = χ²(1 − α/2; 2x + 2)/2 (L = 0 when x = 0).
//! - **Crude rate**: the exact limits of the count when it is below 10, Byar's otherwise, divided
//!   by the denominator and times the multiplier (100,000 by default in the package).
//! - **Mean, Student's t**: x̄ ± t(1 − α/2; n − 1)·s/√n, s the sample standard deviation.
//!
//! The directly and indirectly standardised values are in [`super::dsr`] and [`super::isr`].

use super::distributions::{chi_squared_quantile, student_t_quantile};
use super::undefined::{Undefined, check_count, check_denominator, check_multiplier};
use crate::analysis::normal::normal_quantile;

/// A confidence level Fingertips publishes: 95% or 99.8%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Level {
    #[serde(rename = "95")]
    P95,
    #[serde(rename = "99.8")]
    P99_8,
}

impl Level {
    /// Both levels, 95% first.
    pub const ALL: [Level; 2] = [Level::P95, Level::P99_8];

    /// The confidence as a fraction: 0.95 or 0.998.
    pub fn confidence(self) -> f64 {
        match self {
            Level::P95 => 0.95,
            Level::P99_8 => 0.998,
        }
    }

    /// The two-sided tail probability α = 1 − confidence.
    pub fn alpha(self) -> f64 {
        match self {
            Level::P95 => 0.05,
            Level::P99_8 => 0.002,
        }
    }

    /// z = Φ⁻¹(c + (1 − c)/2).
    ///
    /// ```
    /// use local_atlas::analysis::indicator_stats::confidence::Level;
    /// assert!((Level::P95.z() - 1.959964).abs() < 1e-6);
    /// assert!((Level::P99_8.z() - 3.090232).abs() < 1e-6);
    /// ```
    pub fn z(self) -> f64 {
        let c = self.confidence();
        normal_quantile(c + (1.0 - c) / 2.0)
    }
}

/// A confidence interval (lower ≤ upper, in the unit of the value it belongs to).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Ci {
    pub lower: f64,
    pub upper: f64,
}

impl Ci {
    /// Whether `v` lies inside the interval, boundaries included (Fingertips counts a benchmark
    /// on a limit as similar).
    pub fn contains(&self, v: f64) -> bool {
        self.lower <= v && v <= self.upper
    }

    fn scaled(self, k: f64) -> Ci {
        Ci {
            lower: self.lower * k,
            upper: self.upper * k,
        }
    }
}

/// The value types of the issue (Fingertips' value types with a confidence method).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    Proportion,
    CrudeRate,
    Dsr,
    Isr,
    Mean,
}

/// How an interval was computed (PHEindicatormethods' `method` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Method {
    Wilson,
    Byars,
    ExactPoisson,
    Dobson,
    StudentT,
}

/// A value with its confidence interval at one level.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Estimate {
    pub value: f64,
    pub ci: Ci,
    pub level: Level,
    pub method: Method,
}

/// The Wilson score interval for `count` successes out of `denominator` (a proportion of 1).
/// Non-integer counts are accepted, as in the package. 0 and n are fine (L = 0, U = 1).
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::{wilson, Level};
/// // PHEindicatormethods testdata_Byars_Wilson: 65/100 → 0.5525444–0.7363575
/// let ci = wilson(65.0, 100.0, Level::P95).unwrap();
/// assert!((ci.lower - 0.55254443296887967).abs() < 1e-12);
/// assert!((ci.upper - 0.73635751756902468).abs() < 1e-12);
/// ```
pub fn wilson(count: f64, denominator: f64, level: Level) -> Result<Ci, Undefined> {
    check_count(count)?;
    check_denominator(denominator)?;
    if count > denominator {
        return Err(Undefined::CountExceedsDenominator { count, denominator });
    }
    let z = level.z();
    let z2 = z * z;
    let root = z * (z2 + 4.0 * count * (1.0 - count / denominator)).sqrt();
    let scale = 2.0 * (denominator + z2);
    // At 0 and n the formula gives 0 and 1 up to rounding; return them exactly.
    let lower = if count == 0.0 {
        0.0
    } else {
        (2.0 * count + z2 - root) / scale
    };
    let upper = if count == denominator {
        1.0
    } else {
        (2.0 * count + z2 + root) / scale
    };
    Ok(Ci { lower, upper })
}

/// A proportion `count / denominator` times `multiplier` (1 or 100) with its Wilson interval.
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::{proportion, Level};
/// let e = proportion(65.0, 100.0, 100.0, Level::P99_8).unwrap();
/// assert!((e.value - 65.0).abs() < 1e-12);
/// assert!((e.ci.lower - 49.549465740704314).abs() < 1e-9);
/// ```
pub fn proportion(
    count: f64,
    denominator: f64,
    multiplier: f64,
    level: Level,
) -> Result<Estimate, Undefined> {
    check_multiplier(multiplier)?;
    let ci = wilson(count, denominator, level)?;
    Ok(Estimate {
        value: count / denominator * multiplier,
        ci: ci.scaled(multiplier),
        level,
        method: Method::Wilson,
    })
}

/// Byar's lower limit of a count; an error when the approximation turns negative (a count of
/// 1 at 99.8%), which the package reports as missing.
pub fn byars_lower(count: f64, level: Level) -> Result<f64, Undefined> {
    check_count(count)?;
    if count == 0.0 {
        return Ok(0.0);
    }
    let l = count * (1.0 - 1.0 / (9.0 * count) - level.z() / (3.0 * count.sqrt())).powi(3);
    if l < 0.0 {
        return Err(Undefined::ByarsLowerNegative);
    }
    Ok(l)
}

/// Byar's upper limit of a count.
pub fn byars_upper(count: f64, level: Level) -> Result<f64, Undefined> {
    check_count(count)?;
    let x = count + 1.0;
    Ok(x * (1.0 - 1.0 / (9.0 * x) + level.z() / (3.0 * x.sqrt())).powi(3))
}

/// Byar's limits of a count.
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::{byars, Level};
/// // PHEindicatormethods: 65 events at 95% → 50.16319–82.84914
/// let ci = byars(65.0, Level::P95).unwrap();
/// assert!((ci.lower - 50.163187710459454).abs() < 1e-9);
/// assert!((ci.upper - 82.849138545939837).abs() < 1e-9);
/// ```
pub fn byars(count: f64, level: Level) -> Result<Ci, Undefined> {
    Ok(Ci {
        lower: byars_lower(count, level)?,
        upper: byars_upper(count, level)?,
    })
}

/// The exact Poisson limits of a count from χ² quantiles.
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::{exact_poisson, Level};
/// // 1 event: 0.02531781–5.571643 (PHEindicatormethods' exact rate of 1 per 100, per 100)
/// let ci = exact_poisson(1.0, Level::P95).unwrap();
/// assert!((ci.lower - 0.025317807984289897).abs() < 1e-12);
/// assert!((ci.upper - 5.571643390938898).abs() < 1e-9);
/// ```
pub fn exact_poisson(count: f64, level: Level) -> Result<Ci, Undefined> {
    check_count(count)?;
    let a = level.alpha();
    let lower = if count == 0.0 {
        0.0
    } else {
        chi_squared_quantile(a / 2.0, 2.0 * count).ok_or(Undefined::NotFinite)? / 2.0
    };
    let upper =
        chi_squared_quantile(1.0 - a / 2.0, 2.0 * count + 2.0).ok_or(Undefined::NotFinite)? / 2.0;
    Ok(Ci { lower, upper })
}

/// The limits of a count as PHEindicatormethods chooses them: exact Poisson below 10 events,
/// Byar's from 10.
pub fn poisson_limits(count: f64, level: Level) -> Result<(Ci, Method), Undefined> {
    check_count(count)?;
    if count < 10.0 {
        Ok((exact_poisson(count, level)?, Method::ExactPoisson))
    } else {
        Ok((byars(count, level)?, Method::Byars))
    }
}

/// A crude rate `count / denominator × multiplier` with exact (count < 10) or Byar's limits.
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::{crude_rate, Level, Method};
/// // PHEindicatormethods testdata_Rate: 65 per 100 (per 100,000) → 50,163.19–82,849.14
/// let e = crude_rate(65.0, 100.0, 100_000.0, Level::P95).unwrap();
/// assert_eq!(e.method, Method::Byars);
/// assert!((e.ci.lower / 50163.187710459453 - 1.0).abs() < 1e-12);
/// ```
pub fn crude_rate(
    count: f64,
    denominator: f64,
    multiplier: f64,
    level: Level,
) -> Result<Estimate, Undefined> {
    check_count(count)?;
    check_denominator(denominator)?;
    check_multiplier(multiplier)?;
    let (ci, method) = poisson_limits(count, level)?;
    let k = multiplier / denominator;
    Ok(Estimate {
        value: count * k,
        ci: ci.scaled(k),
        level,
        method,
    })
}

/// The mean of `values` with its Student's t interval (needs at least 2 values).
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::{mean, Level};
/// // PHEindicatormethods testdata_Mean, Area1 (8 values): 53.70435, 95% 36.16833–71.24036
/// let v = [33.09375, 48.38596, 64.83495, 67.98475, 22.93556, 71.23587, 38.78465, 82.37927];
/// let e = mean(&v, Level::P95).unwrap();
/// assert!((e.ci.lower - 36.168325241336504).abs() < 1e-9);
/// ```
pub fn mean(values: &[f64], level: Level) -> Result<Estimate, Undefined> {
    if values.iter().any(|v| !v.is_finite()) {
        return Err(Undefined::NotFinite);
    }
    let n = values.len();
    if n < 2 {
        return Err(Undefined::TooFewValues {
            count: n,
            minimum: 2,
        });
    }
    let m = values.iter().sum::<f64>() / n as f64;
    let ss: f64 = values.iter().map(|v| (v - m) * (v - m)).sum();
    let sd = (ss / (n as f64 - 1.0)).sqrt();
    mean_from_summary(m, sd, n, level)
}

/// The Student's t interval from a mean, a sample standard deviation and the number of values.
pub fn mean_from_summary(
    mean: f64,
    sd: f64,
    n: usize,
    level: Level,
) -> Result<Estimate, Undefined> {
    if !mean.is_finite() || !sd.is_finite() {
        return Err(Undefined::NotFinite);
    }
    if sd < 0.0 {
        return Err(Undefined::BadParameter(
            "a standard deviation cannot be negative",
        ));
    }
    if n < 2 {
        return Err(Undefined::TooFewValues {
            count: n,
            minimum: 2,
        });
    }
    let c = level.confidence();
    let t = student_t_quantile(c + (1.0 - c) / 2.0, n as f64 - 1.0).ok_or(Undefined::NotFinite)?;
    let half = t * sd / (n as f64).sqrt();
    Ok(Estimate {
        value: mean,
        ci: Ci {
            lower: mean - half,
            upper: mean + half,
        },
        level,
        method: Method::StudentT,
    })
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference values as published
mod tests {
    use super::*;

    fn close(got: f64, want: f64, rel: f64) -> bool {
        (got - want).abs() <= rel * want.abs().max(1e-300)
    }

    // PHEindicatormethods tests/testthat/testdata_Byars_Wilson.xlsx (sheet testdata_B_W).
    #[test]
    fn byars_and_wilson_match_the_package_test_sheet() {
        let byars_rows = [
            (65.0, Level::P95, 50.163187710459454, 82.849138545939837),
            (1045.0, Level::P95, 982.59320180733255, 1110.3312129856499),
            (1.0, Level::P95, 1.3072132901504351E-2, 5.5637555824752605),
            (65.0, Level::P99_8, 42.880261471480203, 94.000290844318016),
            (1045.0, Level::P99_8, 947.94070356103737, 1148.8061609880331),
            (10.0, Level::P99_8, 2.916318374695686, 24.193724927880535),
        ];
        for (x, level, l, u) in byars_rows {
            let ci = byars(x, level).unwrap();
            assert!(
                close(ci.lower, l, 1e-12) && close(ci.upper, u, 1e-12),
                "{x} {level:?}: {ci:?}"
            );
        }
        // 1 event at 99.8%: the package gives no lower limit, upper 9.362180217908362.
        assert_eq!(
            byars_lower(1.0, Level::P99_8),
            Err(Undefined::ByarsLowerNegative)
        );
        assert!(close(
            byars_upper(1.0, Level::P99_8).unwrap(),
            9.362180217908362,
            1e-12
        ));
        let wilson_rows = [
            (
                65.0,
                100.0,
                Level::P95,
                0.55254443296887967,
                0.73635751756902468,
            ),
            (
                1045.0,
                5000.0,
                Level::P95,
                0.19795549880013297,
                0.22049130373189027,
            ),
            (
                0.445,
                1.0,
                Level::P95,
                4.3817447720588223E-2,
                0.93346212769791559,
            ),
            (
                65.0,
                100.0,
                Level::P99_8,
                0.49549465740704313,
                0.77835406140896968,
            ),
            (
                1045.0,
                5000.0,
                Level::P99_8,
                0.19179381799015244,
                0.22731562902525818,
            ),
            (
                0.445,
                1.0,
                Level::P99_8,
                1.9347006132900975E-2,
                0.97022599470195414,
            ),
        ];
        for (x, n, level, l, u) in wilson_rows {
            let ci = wilson(x, n, level).unwrap();
            assert!(
                close(ci.lower, l, 1e-12) && close(ci.upper, u, 1e-12),
                "{x}/{n}: {ci:?}"
            );
        }
    }

    // PHEindicatormethods testdata_Rate.xlsx: rates per 100 at 95% and 99.8%.
    #[test]
    fn crude_rates_match_the_package_test_sheet() {
        let rows = [
            (
                1.0,
                100.0,
                2.5317807984289897E-2,
                5.571643390938898,
                1.0005003335835344E-3,
                9.2334134764515845,
            ),
            (
                5.0,
                100.0,
                1.62348639011842,
                11.668332079322669,
                0.739371731917839,
                16.454745203680105,
            ),
            (
                20.0,
                100.0,
                12.211428834875937,
                30.889880369197066,
                8.922802365144193,
                38.085035625041911,
            ),
            (
                9856.0,
                12345.0,
                78.269490589767571,
                81.430016542721404,
                77.375905432710525,
                82.354472770954303,
            ),
            (
                7776456.0,
                7564336677.0,
                0.10273196005302074,
                0.10287648334092832,
                0.102690317308454,
                0.10291817639509068,
            ),
            (
                250.0,
                220.0,
                99.984947385328764,
                128.63114487455782,
                92.710005544389525,
                137.65123772147458,
            ),
        ];
        for (x, n, l95, u95, l998, u998) in rows {
            let a = crude_rate(x, n, 100.0, Level::P95).unwrap();
            let b = crude_rate(x, n, 100.0, Level::P99_8).unwrap();
            for (got, want) in [
                (a.ci.lower, l95),
                (a.ci.upper, u95),
                (b.ci.lower, l998),
                (b.ci.upper, u998),
            ] {
                assert!(close(got, want, 1e-10), "{x}/{n}: {got} vs {want}");
            }
        }
    }

    // PHEindicatormethods testdata_Proportion.xlsx (proportions of 1).
    #[test]
    fn proportions_match_the_package_test_sheet() {
        let rows = [
            (
                1.0,
                100.0,
                1.7674320641406511E-3,
                5.4486196178705294E-2,
                8.73065697299977E-4,
                0.10455445283705821,
            ),
            (
                9856.0,
                12345.0,
                0.79121017529090687,
                0.80536400736149094,
                0.7869924108419063,
                0.80930614125896261,
            ),
            (
                7776456.0,
                7564336677.0,
                1.0273201001641094E-3,
                1.0287644578977231E-3,
                1.0269040118442213E-3,
                1.0291812992698397E-3,
            ),
            (
                999.0,
                3456.0,
                0.27418951080009873,
                0.30440389662818057,
                0.26583995768074953,
                0.31344754492799848,
            ),
        ];
        for (x, n, l95, u95, l998, u998) in rows {
            let a = wilson(x, n, Level::P95).unwrap();
            let b = wilson(x, n, Level::P99_8).unwrap();
            for (got, want) in [
                (a.lower, l95),
                (a.upper, u95),
                (b.lower, l998),
                (b.upper, u998),
            ] {
                assert!(close(got, want, 1e-10), "{x}/{n}: {got} vs {want}");
            }
        }
    }

    // PHEindicatormethods testdata_Mean.xlsx (testdata_Mean_results).
    #[test]
    fn means_match_the_package_test_sheet() {
        let area2 = [
            5555.66666, 6666.77777, 4444.88888, 2222.99999, 3333.88888, 5555.44444, 6666.33333,
            7777.44444, 5555.99999, 8888.33333, 2222.55555, 4444.33333, 6666.22222, 4444.11111,
            4444.22222, 5555.11111, 7777.22222, 9999.77777,
        ];
        let a = mean(&area2, Level::P95).unwrap();
        let b = mean(&area2, Level::P99_8).unwrap();
        assert!(close(a.value, 5678.9629577777778, 1e-12));
        for (got, want) in [
            (a.ci.lower, 4625.7900224529722),
            (a.ci.upper, 6732.1358931025834),
            (b.ci.lower, 3859.0770997295967),
            (b.ci.upper, 7498.8488158259588),
        ] {
            assert!(close(got, want, 1e-9), "{got} vs {want}");
        }
    }

    #[test]
    fn degenerate_inputs_give_reasons() {
        assert_eq!(
            wilson(1.0, 0.0, Level::P95),
            Err(Undefined::ZeroDenominator)
        );
        assert_eq!(
            wilson(-1.0, 10.0, Level::P95),
            Err(Undefined::NegativeCount(-1.0))
        );
        assert!(matches!(
            wilson(11.0, 10.0, Level::P95),
            Err(Undefined::CountExceedsDenominator { .. })
        ));
        assert_eq!(
            wilson(f64::NAN, 10.0, Level::P95),
            Err(Undefined::NotFinite)
        );
        let zero = wilson(0.0, 10.0, Level::P95).unwrap();
        assert_eq!(zero.lower, 0.0);
        let all = wilson(10.0, 10.0, Level::P95).unwrap();
        assert_eq!(all.upper, 1.0);
        let r = crude_rate(0.0, 1000.0, 1000.0, Level::P95).unwrap();
        assert_eq!(r.ci.lower, 0.0);
        // −ln(0.025) = 3.6888794541139363 events, per 1,000 of 1,000.
        assert!(close(r.ci.upper, 3.6888794541139363, 1e-12));
        assert_eq!(
            crude_rate(5.0, 0.0, 1.0, Level::P95),
            Err(Undefined::ZeroDenominator)
        );
        assert!(mean(&[1.0], Level::P95).is_err());
        assert_eq!(mean(&[2.0, 2.0], Level::P95).unwrap().ci.lower, 2.0);
    }
}
