//! Rate smoothing as GeoDa's `RateSmoothing.cpp` (and esda's `smoothing.py`) defines it, for
//! events Eᵢ over base populations Pᵢ.
//!
//! - **Raw rate** rᵢ = Eᵢ/Pᵢ.
//! - **Excess risk** (standardised morbidity ratio) Eᵢ / (Pᵢ·θ), θ = ΣE/ΣP: observed over
//!   the events expected at the overall rate.
//! - **Empirical Bayes** (Marshall 1991, *Applied Statistics* 40:283; Anselin, Lozano & Koschinsky
//!   2006): θ₁ = ΣE/ΣP, θ₂ = ΣPᵢ(rᵢ − θ₁)²/ΣP − θ₁/P̄ (P̄ the mean population), clamped to 0
//!   when negative as GeoDa does; wᵢ = θ₂/(θ₂ + θ₁/Pᵢ); smoothed = wᵢrᵢ + (1 − wᵢ)θ₁. When
//!   θ₂ + θ₁/Pᵢ = 0 (no events anywhere) wᵢ = 1, as in GeoDa.
//! - **Spatial empirical Bayes**: the same with θ₁, θ₂ and P̄ computed over each area together
//!   with its neighbours (given as index lists, so this module needs no weights type).
//!
//! A zero base population makes the rate undefined, not zero (GeoDa issues #502, #544): such
//! an area gets `None` and is left out of the pooled sums. Unlike GeoDa, it is also left out of
//! the count behind P̄ (GeoDa counts it), and a zero-population neighbour is skipped rather than
//! making the area undefined. In the spatial version an area with no neighbour with a defined
//! rate is undefined too (GeoDa's islands).

use super::undefined::Undefined;

/// The smoothed values and the estimates behind empirical Bayes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EmpiricalBayes {
    /// Per area, in input order; `None` where the base population is 0.
    pub rates: Vec<Option<f64>>,
    /// θ₁, the pooled rate ΣE/ΣP.
    pub theta1: f64,
    /// θ₂ after clamping (the between-area variance of the true rates).
    pub theta2: f64,
    /// Whether θ₂ was negative and set to 0 (every area is then shrunk fully to θ₁).
    pub theta2_clamped: bool,
}

fn check(events: &[f64], base: &[f64]) -> Result<(), Undefined> {
    if events.len() != base.len() {
        return Err(Undefined::LengthMismatch(events.len(), base.len()));
    }
    if events.is_empty() {
        return Err(Undefined::TooFewValues {
            count: 0,
            minimum: 1,
        });
    }
    for (&e, &p) in events.iter().zip(base) {
        if !e.is_finite() || !p.is_finite() {
            return Err(Undefined::NotFinite);
        }
        if e < 0.0 {
            return Err(Undefined::NegativeCount(e));
        }
        if p < 0.0 {
            return Err(Undefined::NegativeDenominator(p));
        }
    }
    Ok(())
}

/// Raw rates Eᵢ/Pᵢ (`None` for a zero base).
///
/// ```
/// use local_atlas::analysis::indicator_stats::smoothing::raw_rates;
/// assert_eq!(raw_rates(&[1.0, 3.0], &[10.0, 0.0]).unwrap(), vec![Some(0.1), None]);
/// ```
pub fn raw_rates(events: &[f64], base: &[f64]) -> Result<Vec<Option<f64>>, Undefined> {
    check(events, base)?;
    Ok(events
        .iter()
        .zip(base)
        .map(|(&e, &p)| (p > 0.0).then(|| e / p))
        .collect())
}

/// The pooled rate ΣE/ΣP over areas with a positive base.
fn pooled_rate(events: &[f64], base: &[f64]) -> Result<f64, Undefined> {
    let (se, sp) = events
        .iter()
        .zip(base)
        .filter(|(_, p)| **p > 0.0)
        .fold((0.0, 0.0), |a, (e, p)| (a.0 + e, a.1 + p));
    if sp <= 0.0 {
        return Err(Undefined::ZeroDenominator);
    }
    Ok(se / sp)
}

/// Excess risk Eᵢ/(Pᵢ·θ) with θ = ΣE/ΣP; an error when there are no events at all (θ = 0).
///
/// ```
/// use local_atlas::analysis::indicator_stats::smoothing::excess_risk;
/// let r = excess_risk(&[2.0, 6.0], &[100.0, 100.0]).unwrap(); // θ = 0.04
/// assert_eq!(r, vec![Some(0.5), Some(1.5)]);
/// ```
pub fn excess_risk(events: &[f64], base: &[f64]) -> Result<Vec<Option<f64>>, Undefined> {
    check(events, base)?;
    let theta = pooled_rate(events, base)?;
    if theta <= 0.0 {
        return Err(Undefined::TooFewEvents {
            count: 0.0,
            minimum: 1.0,
        });
    }
    Ok(events
        .iter()
        .zip(base)
        .map(|(&e, &p)| (p > 0.0).then(|| e / (p * theta)))
        .collect())
}

/// θ₁, θ₂ (clamped) and whether it was clamped, over the given (event, base) pairs with base > 0.
fn eb_moments(pairs: impl Iterator<Item = (f64, f64)> + Clone) -> Option<(f64, f64, bool)> {
    let (se, sp, k) = pairs
        .clone()
        .fold((0.0, 0.0, 0usize), |a, (e, p)| (a.0 + e, a.1 + p, a.2 + 1));
    if k == 0 || sp <= 0.0 {
        return None;
    }
    let theta1 = se / sp;
    let p_bar = sp / k as f64;
    let q: f64 = pairs.map(|(e, p)| p * (e / p - theta1).powi(2)).sum();
    let theta2 = q / sp - theta1 / p_bar;
    Some((theta1, theta2.max(0.0), theta2 < 0.0))
}

fn shrink(e: f64, p: f64, theta1: f64, theta2: f64) -> f64 {
    let r = e / p;
    let d = theta2 + theta1 / p;
    let w = if d > 0.0 { theta2 / d } else { 1.0 };
    w * r + (1.0 - w) * theta1
}

/// Empirical Bayes smoothing towards the pooled rate.
///
/// ```
/// use local_atlas::analysis::indicator_stats::smoothing::empirical_bayes;
/// // θ₁ = 30/300 = 0.1; θ₂ = (100·0.05² + 100·0 + 100·0.05²)/300 − 0.1/100 = 0.000667;
/// // w = 0.000667/(0.000667 + 0.001) = 0.4: area 1 → 0.4·0.05 + 0.6·0.1 = 0.08
/// let eb = empirical_bayes(&[5.0, 10.0, 15.0], &[100.0, 100.0, 100.0]).unwrap();
/// assert!((eb.rates[0].unwrap() - 0.08).abs() < 1e-12);
/// ```
pub fn empirical_bayes(events: &[f64], base: &[f64]) -> Result<EmpiricalBayes, Undefined> {
    check(events, base)?;
    let pairs = events
        .iter()
        .zip(base)
        .map(|(&e, &p)| (e, p))
        .filter(|&(_, p)| p > 0.0);
    let (theta1, theta2, clamped) = eb_moments(pairs).ok_or(Undefined::ZeroDenominator)?;
    let rates = events
        .iter()
        .zip(base)
        .map(|(&e, &p)| (p > 0.0).then(|| shrink(e, p, theta1, theta2)))
        .collect();
    Ok(EmpiricalBayes {
        rates,
        theta1,
        theta2,
        theta2_clamped: clamped,
    })
}

/// Spatial empirical Bayes: each area shrunk towards the rate of itself with its neighbours
/// (`neighbours[i]` lists the indices of area i's neighbours; i itself need not be listed).
///
/// ```
/// use local_atlas::analysis::indicator_stats::smoothing::spatial_empirical_bayes;
/// // Three areas in a row; area 2 is an island, so undefined.
/// let nb = vec![vec![1], vec![0], vec![]];
/// let r = spatial_empirical_bayes(&[5.0, 15.0, 1.0], &[100.0, 100.0, 10.0], &nb).unwrap();
/// assert!(r[0].is_some() && r[2].is_none());
/// ```
pub fn spatial_empirical_bayes(
    events: &[f64],
    base: &[f64],
    neighbours: &[Vec<usize>],
) -> Result<Vec<Option<f64>>, Undefined> {
    check(events, base)?;
    if neighbours.len() != events.len() {
        return Err(Undefined::LengthMismatch(events.len(), neighbours.len()));
    }
    if let Some(&bad) = neighbours.iter().flatten().find(|&&j| j >= events.len()) {
        return Err(Undefined::BadNeighbour(bad));
    }
    Ok((0..events.len())
        .map(|i| {
            if base[i] <= 0.0 {
                return None;
            }
            let mut set: Vec<usize> = neighbours[i]
                .iter()
                .copied()
                .filter(|&j| j != i && base[j] > 0.0)
                .collect();
            set.sort_unstable();
            set.dedup();
            if set.is_empty() {
                return None;
            }
            set.push(i);
            let pairs = set.iter().map(|&j| (events[j], base[j]));
            let (theta1, theta2, _) = eb_moments(pairs)?;
            Some(shrink(events[i], base[i], theta1, theta2))
        })
        .collect())
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // reference values as published
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12 * b.abs().max(1.0)
    }

    // A small case worked by hand with GeoDa's definitions (RateSmoother_EBS):
    // E = 2, 8, 30, 0; P = 100, 200, 500, 50. ΣE = 40, ΣP = 850, θ₁ = 0.0470588; P̄ = 212.5;
    // r = 0.02, 0.04, 0.06, 0;
    // q = 100(0.02−θ₁)² + 200(0.04−θ₁)² + 500(0.06−θ₁)² + 50θ₁² = 0.0732180 + 0.0099654 +
    //     0.0837370 + 0.1107266 = 0.2776471; θ₂ = q/850 − θ₁/212.5 = 0.000326644 − 0.000221453
    //     = 0.000105190; w = 0.1827, 0.3089, 0.5278, 0.1005; smoothed 0.0421154, 0.0448780,
    //     0.0538889, 0.0423280.
    #[test]
    fn empirical_bayes_matches_a_hand_computed_case() {
        let e = [2.0, 8.0, 30.0, 0.0];
        let p = [100.0, 200.0, 500.0, 50.0];
        let eb = empirical_bayes(&e, &p).unwrap();
        let theta1 = 40.0 / 850.0;
        let q: f64 = e
            .iter()
            .zip(&p)
            .map(|(e, p)| p * (e / p - theta1).powi(2))
            .sum();
        let theta2 = q / 850.0 - theta1 / 212.5;
        assert!(close(eb.theta1, theta1));
        assert!(close(eb.theta2, theta2));
        assert!((eb.theta2 - 0.000105190).abs() < 1e-9);
        for (got, want) in eb
            .rates
            .iter()
            .zip([0.0421154, 0.0448780, 0.0538889, 0.0423280])
        {
            assert!((got.unwrap() - want).abs() < 1e-7);
        }
        assert!(!eb.theta2_clamped);
        for i in 0..4 {
            let w = theta2 / (theta2 + theta1 / p[i]);
            assert!(close(
                eb.rates[i].unwrap(),
                w * e[i] / p[i] + (1.0 - w) * theta1
            ));
        }
        // Smoothing pulls every rate towards θ₁.
        let raw = raw_rates(&e, &p).unwrap();
        for (r, s) in raw.iter().zip(&eb.rates) {
            let (r, s) = (r.unwrap(), s.unwrap());
            assert!((s - theta1).abs() <= (r - theta1).abs());
        }
    }

    #[test]
    fn negative_theta2_is_clamped_to_zero() {
        // Rates that vary less than Poisson noise: θ₂ < 0 → 0, every area becomes θ₁.
        let eb = empirical_bayes(&[10.0, 11.0, 9.0], &[100.0, 100.0, 100.0]).unwrap();
        assert!(eb.theta2_clamped);
        assert_eq!(eb.theta2, 0.0);
        for r in &eb.rates {
            assert!(close(r.unwrap(), 0.1));
        }
    }

    #[test]
    fn zero_population_is_undefined_not_zero() {
        let e = [2.0, 8.0, 0.0];
        let p = [100.0, 200.0, 0.0];
        assert_eq!(raw_rates(&e, &p).unwrap()[2], None);
        assert_eq!(excess_risk(&e, &p).unwrap()[2], None);
        let eb = empirical_bayes(&e, &p).unwrap();
        assert_eq!(eb.rates[2], None);
        // …and is left out of θ₁ and P̄: the same as without it.
        let without = empirical_bayes(&e[..2], &p[..2]).unwrap();
        assert_eq!(eb.theta1, without.theta1);
        assert_eq!(eb.theta2, without.theta2);
        let nb = vec![vec![1, 2], vec![0, 2], vec![0, 1]];
        let s = spatial_empirical_bayes(&e, &p, &nb).unwrap();
        assert_eq!(s[2], None);
        assert!(s[0].is_some());
        assert_eq!(
            empirical_bayes(&[1.0], &[0.0]),
            Err(Undefined::ZeroDenominator)
        );
    }

    #[test]
    fn spatial_eb_uses_each_area_with_its_neighbours() {
        let e = [2.0, 8.0, 30.0, 0.0];
        let p = [100.0, 200.0, 500.0, 50.0];
        // A chain 0–1–2–3.
        let nb = vec![vec![1], vec![0, 2], vec![1, 3], vec![2]];
        let s = spatial_empirical_bayes(&e, &p, &nb).unwrap();
        for (i, set) in [vec![0, 1], vec![0, 1, 2], vec![1, 2, 3], vec![2, 3]]
            .iter()
            .enumerate()
        {
            let se: f64 = set.iter().map(|&j| e[j]).sum();
            let sp: f64 = set.iter().map(|&j| p[j]).sum();
            let t1 = se / sp;
            let q: f64 = set.iter().map(|&j| p[j] * (e[j] / p[j] - t1).powi(2)).sum();
            let t2 = (q / sp - t1 / (sp / set.len() as f64)).max(0.0);
            let w = if t2 + t1 / p[i] > 0.0 {
                t2 / (t2 + t1 / p[i])
            } else {
                1.0
            };
            assert!(
                close(s[i].unwrap(), w * e[i] / p[i] + (1.0 - w) * t1),
                "area {i}"
            );
        }
        // With everyone as everyone's neighbour it is the global EB.
        let all = vec![vec![1, 2, 3], vec![0, 2, 3], vec![0, 1, 3], vec![0, 1, 2]];
        let s = spatial_empirical_bayes(&e, &p, &all).unwrap();
        let eb = empirical_bayes(&e, &p).unwrap();
        for (a, b) in s.iter().zip(&eb.rates) {
            assert!(close(a.unwrap(), b.unwrap()));
        }
        assert_eq!(
            spatial_empirical_bayes(&e, &p, &[vec![9], vec![], vec![], vec![]]),
            Err(Undefined::BadNeighbour(9))
        );
        assert!(spatial_empirical_bayes(&e, &p, &[]).is_err());
    }

    #[test]
    fn no_events_anywhere() {
        let eb = empirical_bayes(&[0.0, 0.0], &[10.0, 20.0]).unwrap();
        assert_eq!(eb.rates, vec![Some(0.0), Some(0.0)]);
        assert!(excess_risk(&[0.0, 0.0], &[10.0, 20.0]).is_err());
        assert!(raw_rates(&[-1.0], &[1.0]).is_err());
        assert!(raw_rates(&[], &[]).is_err());
    }
}
