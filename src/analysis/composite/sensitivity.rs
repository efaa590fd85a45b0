//! Weight sensitivity of a composite index: how far do areas' ranks and deciles move when the
//! domain weights are perturbed?
//!
//! **Method.** Draw weight vectors from a Dirichlet distribution centred on the chosen weights,
//! w' = S·Dir(κ·w/S) with S = Σw and concentration κ (larger = closer to the chosen weights;
//! the variance of each share is p(1 − p)/(κ + 1)). For each draw the index is recomputed from
//! the fixed transformed domain values and re-ranked. Reported per area: the central interval
//! (default 90%) of its ranks over the draws and the share of draws in which its decile differs
//! from the baseline decile; overall: the mean share of areas that change decile per draw, and
//! the areas whose decile changes in at least `unstable_share` of the draws.
//!
//! Gamma variates by Marsaglia & Tsang (2000), normal variates by the polar Box–Muller method,
//! all from one PCG stream per seed: the same seed gives the same result on every machine.
//! Cost: O(draws·(d·n + n log n)) time, O(draws·n) memory for the rank intervals.

use super::CompositeError;
use super::transform::rank_group;
use super::weighted_sum;
use crate::analysis::permutation::rng_for;
use crate::feedback::Feedback;
use rand::Rng;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// Options of [`weight_sensitivity`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SensitivityOptions {
    pub draws: usize,
    /// Dirichlet concentration κ.
    pub concentration: f64,
    pub seed: u64,
    /// Central interval of the ranks, e.g. 0.9 for the 5th–95th percentiles.
    pub interval: f64,
    /// An area is unstable when its decile changes in at least this share of draws.
    pub unstable_share: f64,
}

/// The most draws a sensitivity run takes: 100,000. Each draw re-ranks every area, and the
/// rank intervals keep a 4-byte rank per area and draw (see [`MAX_DRAW_CELLS`]); 100,000 draws
/// already estimate a 90% interval to well under a rank.
pub const MAX_DRAWS: usize = 100_000;

/// The most (areas × draws) ranks kept for the intervals: 250,000,000, i.e. 1 GB of 4-byte
/// ranks (England's 32,844 LSOAs allow 7,600 draws).
pub const MAX_DRAW_CELLS: usize = 250_000_000;

/// The largest Dirichlet concentration: 10⁹ (the weights then barely move at all; larger
/// values overflow the Gamma sampler's precision to no purpose).
pub const MAX_CONCENTRATION: f64 = 1e9;

impl SensitivityOptions {
    /// The first option out of range, as (its key in an index spec, what is wrong and what to
    /// use): draws 1 to [`MAX_DRAWS`], concentration in (0, [`MAX_CONCENTRATION`]], interval in
    /// (0, 1), unstable_share in [0, 1].
    ///
    /// ```
    /// use local_atlas::analysis::composite::sensitivity::SensitivityOptions;
    /// assert!(SensitivityOptions::default().problem().is_none());
    /// let bad = SensitivityOptions { interval: 2.5, ..Default::default() };
    /// assert_eq!(bad.problem().unwrap().0, "interval");
    /// ```
    pub fn problem(&self) -> Option<(&'static str, String)> {
        if !(1..=MAX_DRAWS).contains(&self.draws) {
            return Some((
                "draws",
                format!(
                    "draws = {} is not usable; use 1 to {MAX_DRAWS} (e.g. 1000)",
                    self.draws
                ),
            ));
        }
        let c = self.concentration;
        if !(c.is_finite() && c > 0.0 && c <= MAX_CONCENTRATION) {
            return Some((
                "concentration",
                format!(
                    "concentration = {c} is not usable; use a number above 0 and at most {MAX_CONCENTRATION:e} (e.g. 100)"
                ),
            ));
        }
        if !(self.interval > 0.0 && self.interval < 1.0) {
            return Some((
                "interval",
                format!(
                    "interval = {} is not a share between 0 and 1 (e.g. 0.9 for the 5th–95th percentiles)",
                    self.interval
                ),
            ));
        }
        if !(0.0..=1.0).contains(&self.unstable_share) {
            return Some((
                "unstable_share",
                format!(
                    "unstable_share = {} is not a share from 0 to 1 (e.g. 0.25)",
                    self.unstable_share
                ),
            ));
        }
        None
    }
}

impl Default for SensitivityOptions {
    fn default() -> Self {
        Self {
            draws: 1000,
            concentration: 100.0,
            seed: 12345,
            interval: 0.9,
            unstable_share: 0.25,
        }
    }
}

/// The result, ordered as the input areas (`None` for areas without a baseline score).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    pub draws: usize,
    pub rank_low: Vec<Option<usize>>,
    pub rank_high: Vec<Option<usize>>,
    pub decile_change_share: Vec<Option<f64>>,
    /// Mean over draws of the share of areas whose decile differs from the baseline.
    pub mean_share_changing_decile: f64,
    /// Indices of areas whose decile changes in at least `unstable_share` of draws.
    pub unstable: Vec<usize>,
}

/// Runs the perturbation (see the module documentation). `domain_values[d][i]` are the
/// transformed domain values; areas with any `None` are left out. Reports progress per draw
/// to `feedback` and returns [`CompositeError::Cancelled`] when it asks to stop.
///
/// ```
/// use local_atlas::analysis::composite::sensitivity::{weight_sensitivity, SensitivityOptions};
/// use local_atlas::feedback::Silent;
/// // Two domains that agree: the ranks never move, whatever the weights.
/// let d = vec![vec![Some(3.0), Some(2.0), Some(1.0)], vec![Some(30.0), Some(20.0), Some(10.0)]];
/// let s = weight_sensitivity(&d, &[0.5, 0.5], &SensitivityOptions { draws: 50, ..Default::default() }, &Silent).unwrap();
/// assert_eq!(s.rank_low, vec![Some(1), Some(2), Some(3)]);
/// assert_eq!(s.rank_high, s.rank_low);
/// assert_eq!(s.mean_share_changing_decile, 0.0);
/// ```
pub fn weight_sensitivity(
    domain_values: &[Vec<Option<f64>>],
    weights: &[f64],
    opts: &SensitivityOptions,
    feedback: &dyn Feedback,
) -> Result<Sensitivity, CompositeError> {
    if let Some((_, what)) = opts.problem() {
        return Err(CompositeError::BadOption(format!("[sensitivity] {what}")));
    }
    let n = domain_values.first().map_or(0, Vec::len);
    let base = weighted_sum(domain_values, weights, n);
    let areas: Vec<usize> = (0..n).filter(|&i| base[i].is_some()).collect();
    let m = areas.len();
    if m.saturating_mul(opts.draws) > MAX_DRAW_CELLS {
        return Err(CompositeError::BadOption(format!(
            "[sensitivity] draws = {} for {m} areas would keep {} ranks, more than the {MAX_DRAW_CELLS} limit; use at most {} draws",
            opts.draws,
            m.saturating_mul(opts.draws),
            MAX_DRAW_CELLS / m.max(1)
        )));
    }
    let base_decile = deciles(
        &areas
            .iter()
            .map(|&i| base[i].unwrap_or(0.0))
            .collect::<Vec<_>>(),
    );
    let total: f64 = weights.iter().sum();
    let alpha: Vec<f64> = weights
        .iter()
        .map(|w| (opts.concentration * w / total).max(1e-9))
        .collect();
    let mut rng = rng_for(opts.seed, 0x5e05_171e);
    let mut ranks = vec![0u32; m * opts.draws];
    let mut changed = vec![0usize; m];
    let mut share_sum = 0.0;
    let mut scores = vec![0.0; m];
    for draw in 0..opts.draws {
        if feedback.is_cancelled() {
            return Err(CompositeError::Cancelled);
        }
        feedback.progress(draw as u64, opts.draws as u64);
        let w = dirichlet(&alpha, &mut rng);
        for (k, &i) in areas.iter().enumerate() {
            scores[k] = domain_values
                .iter()
                .zip(&w)
                .map(|(d, w)| total * w * d[i].unwrap_or(0.0))
                .sum();
        }
        let r = ranks_of(&scores);
        let mut moved = 0;
        for k in 0..m {
            ranks[k * opts.draws + draw] = r[k] as u32;
            if rank_group(r[k], m, 10) != base_decile[k] {
                changed[k] += 1;
                moved += 1;
            }
        }
        share_sum += moved as f64 / m.max(1) as f64;
    }
    let mut rank_low = vec![None; n];
    let mut rank_high = vec![None; n];
    let mut decile_change_share = vec![None; n];
    let mut unstable = Vec::new();
    let tail = (1.0 - opts.interval.clamp(0.0, 1.0)) / 2.0;
    for (k, &i) in areas.iter().enumerate() {
        if opts.draws > 0 {
            let row = &mut ranks[k * opts.draws..(k + 1) * opts.draws];
            row.sort_unstable();
            let at =
                |q: f64| row[((q * (opts.draws - 1) as f64).round() as usize).min(opts.draws - 1)];
            rank_low[i] = Some(at(tail) as usize);
            rank_high[i] = Some(at(1.0 - tail) as usize);
            let share = changed[k] as f64 / opts.draws as f64;
            decile_change_share[i] = Some(share);
            if share >= opts.unstable_share {
                unstable.push(i);
            }
        }
    }
    feedback.progress(opts.draws as u64, opts.draws as u64);
    Ok(Sensitivity {
        draws: opts.draws,
        rank_low,
        rank_high,
        decile_change_share,
        mean_share_changing_decile: if opts.draws > 0 {
            share_sum / opts.draws as f64
        } else {
            0.0
        },
        unstable,
    })
}

/// Competition ranks, 1 = highest.
fn ranks_of(scores: &[f64]) -> Vec<usize> {
    let opt: Vec<Option<f64>> = scores.iter().map(|s| Some(*s)).collect();
    super::transform::descending_ranks(&opt)
        .into_iter()
        .map(|r| r.unwrap_or(0))
        .collect()
}

fn deciles(scores: &[f64]) -> Vec<usize> {
    let r = ranks_of(scores);
    r.iter().map(|&r| rank_group(r, scores.len(), 10)).collect()
}

/// A uniform draw in (0, 1).
fn uniform(rng: &mut Pcg64Mcg) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal draw (polar Box–Muller; the second variate is discarded for simplicity).
fn normal(rng: &mut Pcg64Mcg) -> f64 {
    loop {
        let u = 2.0 * uniform(rng) - 1.0;
        let v = 2.0 * uniform(rng) - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            return u * (-2.0 * s.ln() / s).sqrt();
        }
    }
}

/// A Gamma(shape, 1) draw: Marsaglia & Tsang (2000), with the shape < 1 boost
/// Gamma(a) = Gamma(a + 1)·U^(1/a).
pub(crate) fn gamma(shape: f64, rng: &mut Pcg64Mcg) -> f64 {
    if shape < 1.0 {
        let u = uniform(rng);
        return gamma(shape + 1.0, rng) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u = uniform(rng);
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

/// A Dirichlet(α) draw (normalised gammas).
fn dirichlet(alpha: &[f64], rng: &mut Pcg64Mcg) -> Vec<f64> {
    let g: Vec<f64> = alpha.iter().map(|&a| gamma(a, rng)).collect();
    let s: f64 = g.iter().sum();
    g.iter().map(|v| v / s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::Silent;

    struct CancelAt(std::sync::atomic::AtomicU64);
    impl Feedback for CancelAt {
        fn progress(&self, done: u64, _total: u64) {
            self.0.store(done, std::sync::atomic::Ordering::Relaxed);
        }
        fn is_cancelled(&self) -> bool {
            self.0.load(std::sync::atomic::Ordering::Relaxed) >= 3
        }
    }

    #[test]
    fn a_cancelled_run_stops_between_draws() {
        let d = vec![
            vec![Some(1.0), Some(2.0), Some(3.0)],
            vec![Some(3.0), Some(1.0), Some(2.0)],
        ];
        let opts = SensitivityOptions {
            draws: 100,
            ..Default::default()
        };
        let f = CancelAt(Default::default());
        let r = weight_sensitivity(&d, &[0.5, 0.5], &opts, &f);
        assert_eq!(r, Err(CompositeError::Cancelled));
        assert_eq!(f.0.load(std::sync::atomic::Ordering::Relaxed), 3);
    }

    #[test]
    fn gamma_has_the_right_mean_and_variance() {
        let mut rng = rng_for(7, 1);
        for shape in [0.5, 2.0, 22.5] {
            let draws: Vec<f64> = (0..40_000).map(|_| gamma(shape, &mut rng)).collect();
            let mean = draws.iter().sum::<f64>() / draws.len() as f64;
            let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / draws.len() as f64;
            assert!(
                (mean / shape - 1.0).abs() < 0.03,
                "shape {shape}: mean {mean}"
            );
            assert!((var / shape - 1.0).abs() < 0.06, "shape {shape}: var {var}");
        }
    }

    #[test]
    fn conflicting_domains_move_ranks_and_are_reproducible() {
        let n = 40;
        let a: Vec<Option<f64>> = (0..n).map(|i| Some(i as f64)).collect();
        let b: Vec<Option<f64>> = (0..n).map(|i| Some((n - i) as f64)).collect();
        let d = vec![a, b];
        let opts = SensitivityOptions {
            draws: 200,
            concentration: 20.0,
            ..Default::default()
        };
        let s1 = weight_sensitivity(&d, &[0.5, 0.5], &opts, &Silent).unwrap();
        let s2 = weight_sensitivity(&d, &[0.5, 0.5], &opts, &Silent).unwrap();
        assert_eq!(s1, s2);
        assert!(s1.mean_share_changing_decile > 0.1);
        assert!(s1.rank_high[0].unwrap() > s1.rank_low[0].unwrap());
    }
}
