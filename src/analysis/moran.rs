//! Global Moran's I (Moran 1950; Cliff & Ord 1981), as `esda.Moran` computes it.
//!
//! **Definition.** With deviations zᵢ = yᵢ − ȳ and weights wᵢⱼ (S₀ = Σᵢ Σⱼ wᵢⱼ):
//!
//! ```text
//! I = (n / S₀) · Σᵢ Σⱼ wᵢⱼ zᵢ zⱼ / Σᵢ zᵢ² ,   E[I] = −1/(n − 1)
//! ```
//!
//! **Weights are used as given.** PySAL's default (`transformation="r"`) corresponds to
//! row-standardised weights: pass `w.row_standardised()` to reproduce it.
//!
//! **Inference.**
//! * Normality: `Var(I) = (n²S₁ − nS₂ + 3S₀²)/((n−1)(n+1)S₀²) − E[I]²`.
//! * Randomisation, with sample kurtosis b₂ = (Σz⁴/n)/(Σz²/n)²:
//!   `Var(I) = [n((n²−3n+3)S₁ − nS₂ + 3S₀²) − b₂((n²−n)S₁ − 2nS₂ + 6S₀²)] / ((n−1)(n−2)(n−3)S₀²) − E[I]²`.
//! * z = (I − E[I])/√Var, two-sided normal p (esda `two_tailed=True`).
//! * Permutation: P random permutations of the values, pseudo-p folded to the observed tail
//!   ([`Alternative::Directed`](super::permutation::Alternative), as esda) or two-sided;
//!   `z_sim = (I − mean)/sd` of the replicates. 999 permutations, seed 12345 by default.
//!
//! **Islands** (areas with no neighbours) follow PySAL's `island_weight = 0`: their lag is 0, so
//! they add to Σz² but not to the cross-products; they are listed in [`Moran::islands`]
//! (GeoDa instead drops them; do so with `SpatialWeights::subset` if wanted).
//!
//! Requires n ≥ 4 (the randomisation variance divides by n − 3). Complexity O(n + L) for the
//! statistic (L links), O(P·(n + L)) for permutations, parallel over replicates.

use super::error::{StatsError, centre, check_inputs};
use super::normal::two_sided_p;
use super::permutation::{PermutationOptions, replicates, shuffle, summarise};
use super::weights::SpatialWeights;
use crate::feedback::{Feedback, Silent};

/// Global Moran's I with its analytical and permutation inference.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Moran {
    pub n: usize,
    pub i: f64,
    pub expected_i: f64,
    pub variance_normal: f64,
    pub z_normal: f64,
    /// Two-sided.
    pub p_normal: f64,
    pub variance_randomisation: f64,
    pub z_randomisation: f64,
    /// Two-sided.
    pub p_randomisation: f64,
    /// Permutation pseudo p-value (`None` with 0 permutations).
    pub p_sim: Option<f64>,
    pub z_sim: Option<f64>,
    /// Mean of the permutation replicates.
    pub expected_i_sim: Option<f64>,
    /// Standard deviation (population) of the permutation replicates.
    pub se_i_sim: Option<f64>,
    /// Indices of areas with no neighbours.
    pub islands: Vec<usize>,
    /// Moran scatterplot points (zᵢ, lag of z at i), z standardised with the population sd.
    pub scatter: Vec<[f64; 2]>,
}

/// Moran's I with 999 permutations, seed 12345, directed pseudo-p.
///
/// ```
/// use local_atlas::analysis::{moran::moran, weights::SpatialWeights};
/// // A path a–b–c–d with values rising along it: strong positive autocorrelation.
/// let ids = ["a", "b", "c", "d"].map(String::from).to_vec();
/// let w = SpatialWeights::from_neighbours(ids, vec![vec![1], vec![0, 2], vec![1, 3], vec![2]]);
/// let m = moran(&[1.0, 2.0, 3.0, 4.0], &w.row_standardised()).unwrap();
/// // z = (−1.5, −0.5, 0.5, 1.5); I = (4/4) · Σ wᵢⱼzᵢzⱼ / Σz² = 2 / 5
/// assert!((m.i - 0.4).abs() < 1e-12);
/// assert!((m.expected_i + 1.0 / 3.0).abs() < 1e-12);
/// ```
pub fn moran(y: &[f64], w: &SpatialWeights) -> Result<Moran, StatsError> {
    moran_with(y, w, &PermutationOptions::default(), &Silent)
}

/// Moran's I with explicit permutation options (`permutations: 0` = analytical only).
/// Reports `progress(done_replicates, permutations)`; returns `Cancelled` when asked to stop.
pub fn moran_with(
    y: &[f64],
    w: &SpatialWeights,
    opts: &PermutationOptions,
    feedback: &dyn Feedback,
) -> Result<Moran, StatsError> {
    check_inputs(y, w, 4)?;
    opts.validate()?;
    let (z, m2) = centre(y)?;
    let s0 = w.s0();
    if w.islands().len() == y.len() || s0 == 0.0 {
        return Err(StatsError::NoNeighbours);
    }
    let n = y.len() as f64;
    let z2_sum = m2 * n;
    let i = statistic(&z, w, s0, z2_sum);

    let (s1, s2) = (w.s1(), w.s2());
    let s02 = s0 * s0;
    let expected_i = -1.0 / (n - 1.0);
    let variance_normal =
        (n * n * s1 - n * s2 + 3.0 * s02) / ((n - 1.0) * (n + 1.0) * s02) - expected_i.powi(2);
    let kurtosis = (z.iter().map(|d| d.powi(4)).sum::<f64>() / n) / (m2 * m2);
    let a = n * ((n * n - 3.0 * n + 3.0) * s1 - n * s2 + 3.0 * s02);
    let b = kurtosis * ((n * n - n) * s1 - 2.0 * n * s2 + 6.0 * s02);
    let variance_randomisation =
        (a - b) / ((n - 1.0) * (n - 2.0) * (n - 3.0) * s02) - expected_i.powi(2);
    let z_normal = (i - expected_i) / variance_normal.sqrt();
    let z_randomisation = (i - expected_i) / variance_randomisation.sqrt();

    let (mut p_sim, mut z_sim, mut expected_i_sim, mut se_i_sim) = (None, None, None, None);
    if opts.permutations > 0 {
        let mut sims = replicates(
            opts.permutations,
            opts.seed,
            feedback,
            || z.clone(),
            |buffer, rng| {
                buffer.copy_from_slice(&z);
                shuffle(buffer, rng);
                statistic(buffer, w, s0, z2_sum)
            },
        )?;
        let reference = summarise(&mut sims, i, opts.alternative);
        p_sim = Some(reference.p_sim);
        z_sim = reference.z(i);
        expected_i_sim = Some(reference.mean);
        se_i_sim = Some(reference.sd);
    }

    let sd = m2.sqrt();
    let standardised: Vec<f64> = z.iter().map(|d| d / sd).collect();
    let lag = w.lag(&standardised);
    Ok(Moran {
        n: y.len(),
        i,
        expected_i,
        variance_normal,
        z_normal,
        p_normal: two_sided_p(z_normal),
        variance_randomisation,
        z_randomisation,
        p_randomisation: two_sided_p(z_randomisation),
        p_sim,
        z_sim,
        expected_i_sim,
        se_i_sim,
        islands: w.islands(),
        scatter: standardised
            .iter()
            .zip(&lag)
            .map(|(&a, &b)| [a, b])
            .collect(),
    })
}

/// I = n/S₀ · Σᵢ zᵢ·(Σⱼ wᵢⱼ zⱼ) / Σz² (no allocation: called once per permutation).
fn statistic(z: &[f64], w: &SpatialWeights, s0: f64, z2_sum: f64) -> f64 {
    let cross: f64 = w
        .neighbours
        .iter()
        .zip(&w.weights)
        .zip(z)
        .map(|((nb, wr), zi)| {
            let lag: f64 = nb.iter().zip(wr).map(|(&j, wij)| wij * z[j]).sum();
            zi * lag
        })
        .sum();
    z.len() as f64 / s0 * cross / z2_sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(n: usize) -> SpatialWeights {
        let ids = (0..n).map(|i| i.to_string()).collect();
        let nb = (0..n)
            .map(|i| {
                let mut r = Vec::new();
                if i > 0 {
                    r.push(i - 1);
                }
                if i + 1 < n {
                    r.push(i + 1);
                }
                r
            })
            .collect();
        SpatialWeights::from_neighbours(ids, nb)
    }

    #[test]
    fn degenerate_inputs_are_errors() {
        let w = path(5);
        assert_eq!(moran(&[1.0; 5], &w), Err(StatsError::ZeroVariance));
        assert_eq!(
            moran(&[1.0, 2.0, 3.0], &w),
            Err(StatsError::LengthMismatch {
                values: 3,
                weights: 5
            })
        );
        assert_eq!(
            moran(&[1.0, 2.0, f64::NAN, 4.0, 5.0], &w),
            Err(StatsError::NonFinite(2))
        );
        assert_eq!(
            moran(&[1.0, 2.0, 3.0], &path(3)),
            Err(StatsError::TooFew(3))
        );
        let islands = SpatialWeights::from_neighbours(
            (0..4).map(|i| i.to_string()).collect(),
            vec![vec![]; 4],
        );
        assert_eq!(
            moran(&[1.0, 2.0, 3.0, 5.0], &islands),
            Err(StatsError::NoNeighbours)
        );
    }

    #[test]
    fn analytical_only_and_islands() {
        let mut w = path(6);
        w.neighbours[4].retain(|&j| j != 5);
        w.weights[4].pop();
        w.neighbours[5].clear();
        w.weights[5].clear();
        let opts = PermutationOptions {
            permutations: 0,
            ..Default::default()
        };
        let m = moran_with(&[1.0, 2.0, 3.0, 4.0, 5.0, 9.0], &w, &opts, &Silent).unwrap();
        assert_eq!(m.islands, vec![5]);
        assert_eq!(m.p_sim, None);
        assert_eq!(m.scatter[5][1], 0.0, "island lag is 0");
        assert!(m.i > 0.0);
    }
}
