//! The per-column transforms of a composite index: ranks, van der Waerden normal scores,
//! z-scores and the IoD exponential transform, plus ranks, deciles and quintiles of a score.
//!
//! Every transform returns values oriented so that **higher = more deprived**, whatever the
//! input's direction, and leaves missing values (`None`) missing.

use crate::analysis::normal::normal_quantile;

/// The exponential transform's constant λ = 23 (IoD): about 10% of areas score above 50.
pub const EXPONENTIAL_LAMBDA: f64 = 23.0;

/// The IoD exponential transform of a scaled rank R ∈ (0, 1] (1 = most deprived):
/// X = −23·ln(1 − R·(1 − e^(−100/23))), running from ≈ 0 to 100.
///
/// ```
/// use local_atlas::analysis::composite::transform::exponential;
/// assert!((exponential(0.5) - 15.65).abs() < 0.005); // METHODS.md c1 check values
/// assert!((exponential(0.9) - 50.43).abs() < 0.005);
/// assert!((exponential(1.0) - 100.0).abs() < 1e-9);
/// ```
pub fn exponential(r: f64) -> f64 {
    let c = 1.0 - (-100.0 / EXPONENTIAL_LAMBDA).exp();
    -EXPONENTIAL_LAMBDA * (1.0 - r * c).ln()
}

/// Ascending mid-ranks (ties share the mean of their positions) of the present values,
/// 1 = smallest; `None` stays `None`. O(n log n).
///
/// ```
/// use local_atlas::analysis::composite::transform::mid_ranks;
/// let r = mid_ranks(&[Some(3.0), None, Some(1.0), Some(3.0)]);
/// assert_eq!(r, vec![Some(2.5), None, Some(1.0), Some(2.5)]);
/// ```
pub fn mid_ranks(values: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut order: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut out = vec![None; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && order[end].1 == order[start].1 {
            end += 1;
        }
        // Positions start+1 ..= end share their mean.
        let rank = (start + 1 + end) as f64 / 2.0;
        for &(i, _) in &order[start..end] {
            out[i] = Some(rank);
        }
        start = end;
    }
    out
}

/// Van der Waerden normal scores Φ⁻¹(r/(n+1)) of the ascending mid-ranks of the present values
/// (openSIMD's `normalScores`). Higher values give higher scores.
///
/// ```
/// use local_atlas::analysis::composite::transform::normal_scores;
/// let s = normal_scores(&[Some(10.0), Some(20.0), Some(30.0)]);
/// // ranks 1, 2, 3 of n = 3: Φ⁻¹(0.25), Φ⁻¹(0.5), Φ⁻¹(0.75)
/// assert!((s[0].unwrap() + 0.6744897501960817).abs() < 1e-12);
/// assert_eq!(s[1], Some(0.0));
/// ```
pub fn normal_scores(values: &[Option<f64>]) -> Vec<Option<f64>> {
    let n = values.iter().flatten().count() as f64;
    mid_ranks(values)
        .into_iter()
        .map(|r| r.map(|r| normal_quantile(r / (n + 1.0))))
        .collect()
}

/// z-scores (x − mean)/sd of the present values, sd with n − 1 (as R's `scale()`). All values
/// equal (or fewer than two) gives zeros: such a column carries no information.
///
/// ```
/// use local_atlas::analysis::composite::transform::z_scores;
/// let z = z_scores(&[Some(1.0), Some(2.0), Some(3.0), None]);
/// assert_eq!(z, vec![Some(-1.0), Some(0.0), Some(1.0), None]);
/// ```
pub fn z_scores(values: &[Option<f64>]) -> Vec<Option<f64>> {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let n = present.len() as f64;
    let mean = present.iter().sum::<f64>() / n;
    let var = present.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    standardise(values, mean, var.sqrt())
}

/// Weighted z-scores (x − m)/s with m = Σpx/Σp and s² = Σp(x − m)²/Σp over the areas with a
/// value and a weight p > 0 (the population-weighted standardisation of the published
/// Carstairs scores, Carstairs & Morris 1991). Areas without a weight are still standardised.
///
/// ```
/// use local_atlas::analysis::composite::transform::weighted_z_scores;
/// // Weights 1, 1, 2 on 0, 4, 4: m = 3, s² = (9 + 1 + 2)/4 = 3.
/// let z = weighted_z_scores(&[Some(0.0), Some(4.0), Some(4.0), None], &[Some(1.0), Some(1.0), Some(2.0), Some(5.0)]);
/// let s = 3f64.sqrt();
/// assert!((z[0].unwrap() + 3.0 / s).abs() < 1e-12 && (z[2].unwrap() - 1.0 / s).abs() < 1e-12);
/// assert_eq!(z[3], None);
/// ```
pub fn weighted_z_scores(values: &[Option<f64>], weights: &[Option<f64>]) -> Vec<Option<f64>> {
    let pairs: Vec<(f64, f64)> = values
        .iter()
        .zip(weights)
        .filter_map(|(v, w)| {
            Some((
                v.as_ref().copied()?,
                w.filter(|w| *w > 0.0 && w.is_finite())?,
            ))
        })
        .collect();
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    let mean = pairs.iter().map(|(v, w)| v * w).sum::<f64>() / total;
    let var = pairs
        .iter()
        .map(|(v, w)| w * (v - mean).powi(2))
        .sum::<f64>()
        / total;
    standardise(values, mean, var.sqrt())
}

/// (x − mean)/sd per value; all 0 when the sd is 0 or not a number (a constant column).
fn standardise(values: &[Option<f64>], mean: f64, sd: f64) -> Vec<Option<f64>> {
    let usable = sd > 0.0 && sd.is_finite();
    values
        .iter()
        .map(|v| v.map(|v| if usable { (v - mean) / sd } else { 0.0 }))
        .collect()
}

/// Ranks of a score, 1 = highest (most deprived), ties sharing the best rank (competition
/// ranking, "1224"). Missing scores get no rank.
///
/// ```
/// use local_atlas::analysis::composite::transform::descending_ranks;
/// let r = descending_ranks(&[Some(5.0), Some(9.0), None, Some(5.0), Some(1.0)]);
/// assert_eq!(r, vec![Some(2), Some(1), None, Some(2), Some(4)]);
/// ```
pub fn descending_ranks(scores: &[Option<f64>]) -> Vec<Option<usize>> {
    let mut order: Vec<(usize, f64)> = scores
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut out = vec![None; scores.len()];
    let mut rank = 0;
    for (pos, &(i, v)) in order.iter().enumerate() {
        if pos == 0 || v != order[pos - 1].1 {
            rank = pos + 1;
        }
        out[i] = Some(rank);
    }
    out
}

/// The rank of `score` against a reference set (e.g. a national ranking): 1 + the number of
/// reference scores strictly higher. `reference_desc` must be sorted descending.
///
/// ```
/// use local_atlas::analysis::composite::transform::rank_against;
/// assert_eq!(rank_against(7.0, &[9.0, 8.0, 7.0, 1.0]), 3);
/// ```
pub fn rank_against(score: f64, reference_desc: &[f64]) -> usize {
    reference_desc.partition_point(|&r| r > score) + 1
}

/// The group (decile: `groups` = 10, quintile: 5) of rank `rank` (1 = most deprived) of `n`:
/// ⌈groups·rank/n⌉, group 1 = most deprived. This is how the IoD deciles are defined (checked
/// on all 32,844 LSOAs: rank 3,284 is decile 1, rank 3,285 decile 2).
///
/// ```
/// use local_atlas::analysis::composite::transform::rank_group;
/// assert_eq!(rank_group(3284, 32844, 10), 1);
/// assert_eq!(rank_group(3285, 32844, 10), 2);
/// assert_eq!(rank_group(32844, 32844, 5), 5);
/// ```
pub fn rank_group(rank: usize, n: usize, groups: usize) -> usize {
    if n == 0 {
        return 0;
    }
    (groups * rank).div_ceil(n).clamp(1, groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_check_values() {
        for (r, x) in [(0.8, 35.86), (0.99, 86.96)] {
            assert!((exponential(r) - x).abs() < 0.005, "{r}");
        }
        assert!(exponential(1.0 / 32844.0) < 0.01);
    }

    #[test]
    fn z_scores_of_constant_are_zero() {
        assert_eq!(
            z_scores(&[Some(2.0), Some(2.0)]),
            vec![Some(0.0), Some(0.0)]
        );
    }
}
