//! Directly standardised rates with Dobson's confidence limits, as PHEindicatormethods'
//! `calculate_dsr` (DSR.R) and Fingertips compute them.
//!
//! For age bands i with events xᵢ, populations nᵢ and standard-population weights wᵢ:
//!
//! - DSR = Σ(xᵢ·wᵢ/nᵢ) / Σwᵢ × multiplier,
//! - var(DSR) = Σ xᵢ·(wᵢ/nᵢ)² / (Σwᵢ)²,
//! - limits DSR + √(var/O)·(O_L − O) and DSR + √(var/O)·(O_U − O), O = Σxᵢ, with O_L, O_U
//!   Byar's limits of O (Dobson et al. 1991, *Stat Med* 10:457). The value is **not reported when
//!   O < 10** (the package's "dsr NA for total count < 10"), so the exact Poisson branch is never
//!   reached in practice.
//!
//! The 2013 European Standard Population ([`ESP2013`], 19 bands 0–4, 5–9, …, 85–89, 90+) is
//! bundled; it equals PHEindicatormethods' `esp2013` data set (`data-raw/LoadTestdata.R`).
//! Bands with a count but no population are an error (the rate is undefined); bands with
//! neither contribute nothing.

use super::confidence::{Ci, Estimate, Level, Method, byars};
use super::undefined::{Undefined, check_count, check_multiplier};

/// The 2013 European Standard Population weights for 0–4, 5–9, …, 85–89, 90+ (sum 100,000).
pub const ESP2013: [f64; 19] = [
    5000.0, 5500.0, 5500.0, 5500.0, 6000.0, 6000.0, 6500.0, 7000.0, 7000.0, 7000.0, 7000.0, 6500.0,
    6000.0, 5500.0, 5000.0, 4000.0, 2500.0, 1500.0, 1000.0,
];

/// The labels of the [`ESP2013`] bands.
pub const ESP2013_BANDS: [&str; 19] = [
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
    "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
];

/// The fewest events a DSR is reported for.
pub const DSR_MINIMUM_EVENTS: f64 = 10.0;

/// A directly standardised rate, its variance and its Dobson interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Dsr {
    pub estimate: Estimate,
    /// O = Σxᵢ.
    pub total_count: f64,
    /// Σnᵢ.
    pub total_population: f64,
    /// var(DSR) on the scale of a rate per 1 (multiply by multiplier² for the published unit).
    pub variance: f64,
}

/// The directly standardised rate of `counts` over `populations` with the standard weights
/// `standard` (e.g. [`ESP2013`]), times `multiplier`, with Dobson's limits at `level`.
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::Level;
/// use local_atlas::analysis::indicator_stats::dsr::{dsr, ESP2013};
/// // PHEindicatormethods testdata_DSR_ISR.xlsx, area testdata_big (895 events, population 8,970)
/// let counts = [127., 25., 18., 21., 12., 27., 48., 27., 29., 32., 32., 34., 45., 65., 38., 68., 74., 82., 91.];
/// let pops = [636., 558., 609., 543., 384., 594., 669., 843., 660., 576., 606., 522., 426., 273., 300., 288., 153., 123., 207.];
/// let d = dsr(&counts, &pops, &ESP2013, 100_000.0, Level::P95).unwrap();
/// assert!((d.estimate.value / 10430.247991469423 - 1.0).abs() < 1e-12);
/// assert!((d.estimate.ci.lower / 9717.709067985681 - 1.0).abs() < 1e-12);
/// assert!((d.estimate.ci.upper / 11178.94091547925 - 1.0).abs() < 1e-12);
/// ```
pub fn dsr(
    counts: &[f64],
    populations: &[f64],
    standard: &[f64],
    multiplier: f64,
    level: Level,
) -> Result<Dsr, Undefined> {
    check_multiplier(multiplier)?;
    if counts.len() != populations.len() {
        return Err(Undefined::LengthMismatch(counts.len(), populations.len()));
    }
    if counts.len() != standard.len() {
        return Err(Undefined::LengthMismatch(counts.len(), standard.len()));
    }
    if counts.is_empty() {
        return Err(Undefined::TooFewValues {
            count: 0,
            minimum: 1,
        });
    }
    let (mut weighted, mut variance_sum, mut weights, mut total, mut population) =
        (0.0, 0.0, 0.0, 0.0, 0.0);
    for ((&x, &n), &w) in counts.iter().zip(populations).zip(standard) {
        check_count(x)?;
        if !n.is_finite() || !w.is_finite() {
            return Err(Undefined::NotFinite);
        }
        if n < 0.0 {
            return Err(Undefined::NegativeDenominator(n));
        }
        if w < 0.0 {
            return Err(Undefined::BadParameter(
                "a standard population weight is negative",
            ));
        }
        weights += w;
        total += x;
        population += n;
        if n == 0.0 {
            if x > 0.0 {
                return Err(Undefined::ZeroDenominator);
            }
            continue;
        }
        weighted += x * w / n;
        variance_sum += x * (w / n) * (w / n);
    }
    if weights <= 0.0 {
        return Err(Undefined::BadParameter(
            "the standard population weights sum to zero",
        ));
    }
    if total < DSR_MINIMUM_EVENTS {
        return Err(Undefined::TooFewEvents {
            count: total,
            minimum: DSR_MINIMUM_EVENTS,
        });
    }
    let value = weighted / weights;
    let variance = variance_sum / (weights * weights);
    let o = byars(total, level)?;
    let k = (variance / total).sqrt();
    Ok(Dsr {
        estimate: Estimate {
            value: value * multiplier,
            ci: Ci {
                lower: (value + k * (o.lower - total)) * multiplier,
                upper: (value + k * (o.upper - total)) * multiplier,
            },
            level,
            method: Method::Dobson,
        },
        total_count: total,
        total_population: population,
        variance,
    })
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference values as published
mod tests {
    use super::*;

    const POPS: [f64; 19] = [
        636., 558., 609., 543., 384., 594., 669., 843., 660., 576., 606., 522., 426., 273., 300.,
        288., 153., 123., 207.,
    ];
    const BIG: [f64; 19] = [
        127., 25., 18., 21., 12., 27., 48., 27., 29., 32., 32., 34., 45., 65., 38., 68., 74., 82.,
        91.,
    ];
    const SMALL: [f64; 19] = [
        12., 4., 3., 2., 3., 4., 8., 2., 2., 3., 4., 5., 6., 8., 5., 6., 5., 5., 4.,
    ];
    // The package's NA count in band 10–14 is treated as 0 (its `na.zero`).
    const TINY: [f64; 19] = [
        0., 0., 0., 0., 0., 0., 1., 0., 0., 0., 0., 0., 1., 0., 0., 1., 1., 2., 3.,
    ];

    fn close(got: f64, want: f64) -> bool {
        (got / want - 1.0).abs() < 1e-12
    }

    // testdata_DSR_ISR.xlsx, sheet testresults_DSR (per 100,000, 95% and 99.8%).
    #[test]
    fn matches_the_package_results_sheet() {
        let rows = [
            (
                &BIG,
                895.0,
                10430.247991469423,
                9717.709067985681,
                11178.94091547925,
                9323.2878802199029,
                11620.595999522058,
            ),
            (
                &SMALL,
                91.0,
                1103.212025300104,
                877.455767536709,
                1367.0882227251795,
                763.64203579398793,
                1530.0328948244762,
            ),
        ];
        for (counts, total, v, l95, u95, l998, u998) in rows {
            let a = dsr(counts, &POPS, &ESP2013, 100_000.0, Level::P95).unwrap();
            let b = dsr(counts, &POPS, &ESP2013, 100_000.0, Level::P99_8).unwrap();
            assert_eq!(a.total_count, total);
            assert_eq!(a.total_population, 8970.0);
            assert!(close(a.estimate.value, v));
            assert!(close(a.estimate.ci.lower, l95) && close(a.estimate.ci.upper, u95));
            assert!(close(b.estimate.ci.lower, l998) && close(b.estimate.ci.upper, u998));
        }
        // Per 10,000 (the sheet's first block).
        let c = dsr(&BIG, &POPS, &ESP2013, 10_000.0, Level::P95).unwrap();
        assert!(close(c.estimate.value, 1043.0247991469423));
        assert_eq!(
            dsr(&TINY, &POPS, &ESP2013, 100_000.0, Level::P95),
            Err(Undefined::TooFewEvents {
                count: 9.0,
                minimum: 10.0
            })
        );
    }

    #[test]
    fn esp2013_is_the_package_data_set() {
        assert_eq!(ESP2013.iter().sum::<f64>(), 100_000.0);
        assert_eq!(ESP2013.len(), ESP2013_BANDS.len());
    }

    #[test]
    fn degenerate_inputs_give_reasons() {
        let mut pops = POPS;
        pops[0] = 0.0;
        assert_eq!(
            dsr(&BIG, &pops, &ESP2013, 1e5, Level::P95),
            Err(Undefined::ZeroDenominator)
        );
        assert!(matches!(
            dsr(&BIG[..3], &POPS, &ESP2013, 1e5, Level::P95),
            Err(Undefined::LengthMismatch(3, 19))
        ));
        let mut neg = BIG;
        neg[2] = -1.0;
        assert_eq!(
            dsr(&neg, &POPS, &ESP2013, 1e5, Level::P95),
            Err(Undefined::NegativeCount(-1.0))
        );
        assert!(dsr(&[0.0; 19], &POPS, &ESP2013, 1e5, Level::P95).is_err());
        assert!(dsr(&[], &[], &[], 1e5, Level::P95).is_err());
    }
}
