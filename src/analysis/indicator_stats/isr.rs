//! Indirect standardisation: standardised ratios (SMR) and indirectly standardised rates, as
//! PHEindicatormethods' `calculate_ISRatio` / `calculate_ISRate` (ISRatio.R, ISRate.R).
//!
//! - Expected events E = Σ nᵢ·(x_refᵢ / n_refᵢ) over the age bands.
//! - Ratio = O/E × multiplier (1, or 100 for an SMR "per 100"); limits are the exact Poisson
//!   (O < 10) or Byar's (O ≥ 10) limits of O, divided by E.
//! - Rate = O/E × (Σx_ref / Σn_ref) × multiplier, limits scaled the same way.
//!
//! Breslow & Day (1987), *Statistical methods in cancer research II*, ch. 2.

use super::confidence::{Ci, Estimate, Level, poisson_limits};
use super::undefined::{Undefined, check_count, check_denominator, check_multiplier};

/// The expected number of events: Σ nᵢ·x_refᵢ/n_refᵢ. A reference band with no population is
/// skipped when the area has nobody in it, and an error otherwise.
///
/// ```
/// use local_atlas::analysis::indicator_stats::isr::expected_events;
/// let e = expected_events(&[100.0, 200.0], &[10.0, 40.0], &[1000.0, 2000.0]).unwrap();
/// assert!((e - 5.0).abs() < 1e-12);
/// ```
pub fn expected_events(
    populations: &[f64],
    reference_counts: &[f64],
    reference_populations: &[f64],
) -> Result<f64, Undefined> {
    if populations.len() != reference_counts.len() {
        return Err(Undefined::LengthMismatch(
            populations.len(),
            reference_counts.len(),
        ));
    }
    if populations.len() != reference_populations.len() {
        return Err(Undefined::LengthMismatch(
            populations.len(),
            reference_populations.len(),
        ));
    }
    let mut expected = 0.0;
    for ((&n, &x_ref), &n_ref) in populations
        .iter()
        .zip(reference_counts)
        .zip(reference_populations)
    {
        check_count(n)?;
        check_count(x_ref)?;
        if n_ref == 0.0 && n == 0.0 {
            continue;
        }
        check_denominator(n_ref)?;
        expected += n * x_ref / n_ref;
    }
    Ok(expected)
}

/// The standardised ratio O/E × `multiplier` with exact (O < 10) or Byar's limits.
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::Level;
/// use local_atlas::analysis::indicator_stats::isr::standardised_ratio;
/// // PHEindicatormethods testresults_ISR, testdata_big: 895 observed, 835.8836 expected
/// let r = standardised_ratio(895.0, 835.88356123117433, 100.0, Level::P95).unwrap();
/// assert!((r.value / 107.07232939020275 - 1.0).abs() < 1e-12);
/// assert!((r.ci.lower / 100.17147712553987 - 1.0).abs() < 1e-12);
/// ```
pub fn standardised_ratio(
    observed: f64,
    expected: f64,
    multiplier: f64,
    level: Level,
) -> Result<Estimate, Undefined> {
    check_count(observed)?;
    check_denominator(expected)?;
    check_multiplier(multiplier)?;
    let (ci, method) = poisson_limits(observed, level)?;
    let k = multiplier / expected;
    Ok(Estimate {
        value: observed * k,
        ci: Ci {
            lower: ci.lower * k,
            upper: ci.upper * k,
        },
        level,
        method,
    })
}

/// The indirectly standardised rate: O/E × `reference_rate` × `multiplier`, where
/// `reference_rate` = Σx_ref/Σn_ref is the reference population's crude rate per 1.
pub fn indirectly_standardised_rate(
    observed: f64,
    expected: f64,
    reference_rate: f64,
    multiplier: f64,
    level: Level,
) -> Result<Estimate, Undefined> {
    if !reference_rate.is_finite() {
        return Err(Undefined::NotFinite);
    }
    if reference_rate < 0.0 {
        return Err(Undefined::BadParameter(
            "the reference rate cannot be negative",
        ));
    }
    check_multiplier(multiplier)?;
    let ratio = standardised_ratio(observed, expected, 1.0, level)?;
    let k = reference_rate * multiplier;
    Ok(Estimate {
        value: ratio.value * k,
        ci: Ci {
            lower: ratio.ci.lower * k,
            upper: ratio.ci.upper * k,
        },
        ..ratio
    })
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference values as published
mod tests {
    use super::*;
    use crate::analysis::indicator_stats::confidence::Method;

    // testdata_DSR_ISR.xlsx, sheet refdata.
    const REF_COUNTS: [f64; 19] = [
        10303., 2824., 0., 3615., 3641., 3490., 3789., 3213., 3031., 2771., 3089., 3490., 3595.,
        4745., 5514., 7125., 5694., 6210., 5757.,
    ];
    const REF_POPS: [f64; 19] = [
        50520., 57173., 60213., 54659., 44345., 50128., 62163., 67423., 62899., 55463., 60479.,
        49974., 44140., 40888., 37239., 30819., 18136., 15325., 13918.,
    ];
    const POPS: [f64; 19] = [
        636., 558., 609., 543., 384., 594., 669., 843., 660., 576., 606., 522., 426., 273., 300.,
        288., 153., 123., 207.,
    ];

    fn close(got: f64, want: f64) -> bool {
        (got / want - 1.0).abs() < 1e-11
    }

    // testdata_DSR_ISR.xlsx, sheet testresults_ISR.
    #[test]
    fn matches_the_package_results_sheet() {
        let e = expected_events(&POPS, &REF_COUNTS, &REF_POPS).unwrap();
        assert!(close(e, 835.88356123117433));
        let ref_rate = REF_COUNTS.iter().sum::<f64>() / REF_POPS.iter().sum::<f64>();
        assert!(close(ref_rate * 1e5, 9349.8830922110192));
        // (observed, method, rate per 100,000 at 95% and 99.8%, ratio ×1 at 95% and 99.8%)
        let rows = [
            (
                895.0,
                Method::Byars,
                [
                    10011.137622091057,
                    9365.91600297888,
                    10689.097582910616,
                    9008.7578618655007,
                    11089.02718538338,
                ],
                [
                    1.0707232939020275,
                    1.0017147712553987,
                    1.1432332872498949,
                    0.96351556196144372,
                    1.1860070415876287,
                ],
            ),
            (
                91.0,
                Method::Byars,
                [
                    1017.8922051511577,
                    819.52100250646299,
                    1249.7592601383201,
                    719.51329035282447,
                    1392.9381508991678,
                ],
                [
                    0.10886683770400503,
                    8.765040101829405E-2,
                    0.13366576328418911,
                    7.6954255283921108E-2,
                    0.14897920510466744,
                ],
            ),
            (
                9.0,
                Method::ExactPoisson,
                [
                    100.6706576523123,
                    46.033035133078933,
                    191.10426659054028,
                    27.431908625542341,
                    253.43696352192359,
                ],
                [
                    1.0767049882813684E-2,
                    4.9233808250957762E-3,
                    2.043921455549973E-2,
                    2.9339306550682617E-3,
                    2.7105896514690211E-2,
                ],
            ),
        ];
        for (o, method, rate, ratio) in rows {
            let a = indirectly_standardised_rate(o, e, ref_rate, 1e5, Level::P95).unwrap();
            let b = indirectly_standardised_rate(o, e, ref_rate, 1e5, Level::P99_8).unwrap();
            assert_eq!(a.method, method);
            for (got, want) in [
                (a.value, rate[0]),
                (a.ci.lower, rate[1]),
                (a.ci.upper, rate[2]),
                (b.ci.lower, rate[3]),
                (b.ci.upper, rate[4]),
            ] {
                assert!(close(got, want), "O {o}: {got} vs {want}");
            }
            let c = standardised_ratio(o, e, 1.0, Level::P95).unwrap();
            let d = standardised_ratio(o, e, 1.0, Level::P99_8).unwrap();
            for (got, want) in [
                (c.value, ratio[0]),
                (c.ci.lower, ratio[1]),
                (c.ci.upper, ratio[2]),
                (d.ci.lower, ratio[3]),
                (d.ci.upper, ratio[4]),
            ] {
                assert!(close(got, want), "O {o}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn degenerate_inputs_give_reasons() {
        assert_eq!(
            standardised_ratio(5.0, 0.0, 1.0, Level::P95),
            Err(Undefined::ZeroDenominator)
        );
        assert_eq!(
            standardised_ratio(-5.0, 2.0, 1.0, Level::P95),
            Err(Undefined::NegativeCount(-5.0))
        );
        let zero = standardised_ratio(0.0, 2.0, 1.0, Level::P95).unwrap();
        assert_eq!((zero.value, zero.ci.lower), (0.0, 0.0));
        assert!(expected_events(&[1.0], &[1.0], &[0.0]).is_err());
        assert_eq!(expected_events(&[0.0], &[0.0], &[0.0]), Ok(0.0));
        assert!(expected_events(&[1.0, 2.0], &[1.0], &[1.0]).is_err());
    }
}
