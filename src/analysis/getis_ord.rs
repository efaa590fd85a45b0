//! Local Getis-Ord statistics Gᵢ and Gᵢ* (Getis & Ord 1992; Ord & Getis 1995): hot and cold
//! spots of a non-negative variable (counts, rates, scores).
//!
//! **Definitions.**
//!
//! ```text
//! Gᵢ* = Σⱼ wᵢⱼ yⱼ / Σⱼ yⱼ          (the area itself included, wᵢᵢ ≠ 0)
//! Gᵢ  = Σⱼ≠ᵢ wᵢⱼ yⱼ / Σⱼ≠ᵢ yⱼ       (the area itself excluded)
//! ```
//!
//! **z-score: the Ord & Getis (1995) general formula**, valid for any weights:
//!
//! ```text
//! zᵢ = (Σⱼ wᵢⱼ yⱼ − ȳ·Wᵢ) / ( s · √((N·S1ᵢ − Wᵢ²)/(N − 1)) ),  Wᵢ = Σⱼ wᵢⱼ,  S1ᵢ = Σⱼ wᵢⱼ²
//! ```
//!
//! with N = n, ȳ and s² = Σ(yⱼ − ȳ)²/N over all areas for Gᵢ*, and over the N = n − 1 other
//! areas for Gᵢ. This is what ArcGIS reports and equals esda's `G_Local(transform="B",
//! star=True).Zs` exactly for binary weights; it is **not** esda's variance for row-standardised
//! weights (`Wᵢ(N − Wᵢ)`, only right for binary ones). zᵢ is unchanged when row *i* is scaled,
//! so binary and row-standardised weights give the same z.
//!
//! **Weights are used as given**; ArcGIS and PySAL's recommended Gi* use binary weights with
//! self-weight 1. For Gᵢ* the self-weight wᵢᵢ is the **largest weight in the row**: 1 for binary
//! rows, 1/kᵢ for row-standardised ones (esda's own choice for row-standardised input), so every
//! scaling of a binary row gives the same z.
//!
//! **Classes** (ArcGIS `Gi_Bin`): hot or cold (sign of z) at 99 / 95 / 90 % confidence when the
//! two-sided normal p of z is below 0.01 / 0.05 / 0.10 (|z| > 2.576 / 1.960 / 1.645). With
//! [`Correction::Fdr`] each level's cut-off is the Benjamini–Hochberg cut-off at that α over
//! all areas tested; [`Correction::Bonferroni`] uses α/n.
//!
//! **Permutation** pseudo-p (`p_sim`, for reference; classes use z): conditional randomisation
//! of the neighbours' values with yᵢ (and wᵢᵢ) fixed, as esda, 999 permutations, seed 12345.
//!
//! **Islands** get no statistic (G, z and p NaN, `p_sim` None, not significant) and a warning:
//! alone, Gᵢ* would only restate the area's own standard score. Negative values, a zero sum
//! and undefined z-scores are reported in `warnings`.
//!
//! Complexity O(n + L), plus O(P·L) for the permutations (L links), parallel over areas.

use super::error::{StatsError, centre, check_inputs};
use super::multiple_testing::Correction;
use super::normal::two_sided_p;
use super::permutation::{LocalStatistic, PermutationOptions, conditional_randomisation};
use super::weights::SpatialWeights;
use crate::feedback::{Feedback, Silent};

/// Hot-spot class at 99 / 95 / 90 % confidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum HotSpot {
    #[serde(rename = "hot_99")]
    Hot99,
    #[serde(rename = "hot_95")]
    Hot95,
    #[serde(rename = "hot_90")]
    Hot90,
    #[serde(rename = "not_significant")]
    NotSignificant,
    #[serde(rename = "cold_90")]
    Cold90,
    #[serde(rename = "cold_95")]
    Cold95,
    #[serde(rename = "cold_99")]
    Cold99,
}

/// Options of [`getis_ord_with`].
#[derive(Debug, Clone, PartialEq)]
pub struct GiOptions {
    /// true: Gᵢ* (self-weight = the row's largest weight); false: Gᵢ.
    pub star: bool,
    pub permutation: PermutationOptions,
    pub correction: Correction,
}

impl Default for GiOptions {
    fn default() -> Self {
        Self {
            star: true,
            permutation: PermutationOptions::default(),
            correction: Correction::None,
        }
    }
}

/// Gᵢ or Gᵢ* of every area, in area order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GetisOrd {
    pub n: usize,
    pub star: bool,
    /// G (NaN for islands or when the values sum to 0).
    pub g: Vec<f64>,
    /// z by the general formula (NaN for islands and undefined cases).
    pub z: Vec<f64>,
    /// Two-sided normal p-value of z.
    pub p_norm: Vec<f64>,
    /// Permutation pseudo p-value (`None` for islands or with 0 permutations).
    pub p_sim: Vec<Option<f64>>,
    pub classes: Vec<HotSpot>,
    pub warnings: Vec<String>,
}

/// Gᵢ* with the weights as given (binary expected), 999 permutations, no correction.
///
/// ```
/// use local_atlas::analysis::{getis_ord::{getis_ord, HotSpot}, weights::SpatialWeights};
/// let ids = ["a", "b", "c", "d"].map(String::from).to_vec();
/// let w = SpatialWeights::from_neighbours(ids, vec![vec![1], vec![0, 2], vec![1, 3], vec![2]]);
/// let g = getis_ord(&[1.0, 2.0, 3.0, 4.0], &w).unwrap();
/// // d with self-weight 1: Σwy = 7, W = 2, S1 = 2, ȳ = 2.5, s = √1.25
/// // z = (7 − 5) / (√1.25 · √((4·2 − 4)/3))
/// assert!((g.z[3] - 2.0 / (1.25f64.sqrt() * (4.0f64 / 3.0).sqrt())).abs() < 1e-12);
/// assert!((g.g[3] - 0.7).abs() < 1e-12);
/// // z = 1.549, two-sided p = 0.121: not significant even at 90 %
/// assert_eq!(g.classes[3], HotSpot::NotSignificant);
/// ```
pub fn getis_ord(y: &[f64], w: &SpatialWeights) -> Result<GetisOrd, StatsError> {
    getis_ord_with(y, w, &GiOptions::default(), &Silent)
}

/// Gᵢ / Gᵢ* with explicit options.
pub fn getis_ord_with(
    y: &[f64],
    w: &SpatialWeights,
    opts: &GiOptions,
    feedback: &dyn Feedback,
) -> Result<GetisOrd, StatsError> {
    check_inputs(y, w, 3)?;
    opts.permutation.validate()?;
    let n = y.len();
    let island: Vec<bool> = w.neighbours.iter().map(Vec::is_empty).collect();
    if island.iter().all(|&b| b) {
        return Err(StatsError::NoNeighbours);
    }
    let (deviations, _) = centre(y)?;
    let sum: f64 = y.iter().sum();
    let mean = sum / n as f64;
    let squares: f64 = deviations.iter().map(|d| d * d).sum();

    let self_weight: Vec<f64> = w
        .weights
        .iter()
        .map(|r| {
            if opts.star {
                r.iter().copied().fold(f64::NAN, f64::max)
            } else {
                0.0
            }
        })
        .collect();
    let lag = w.lag(y);
    let (mut g, mut z) = (vec![f64::NAN; n], vec![f64::NAN; n]);
    let mut undefined = 0usize;
    for i in (0..n).filter(|&i| !island[i]) {
        let row = &w.weights[i];
        let own = self_weight[i];
        let row_sum = row.iter().sum::<f64>() + own;
        let row_squares = row.iter().map(|v| v * v).sum::<f64>() + own * own;
        let local = lag[i] + own * y[i];
        // Reference population: all areas for Gi*, the n − 1 others for Gi.
        let (count, local_mean, variance, total) = if opts.star {
            (n as f64, mean, squares / n as f64, sum)
        } else {
            let others = (n - 1) as f64;
            let d = deviations[i];
            let variance = (squares - d * d * n as f64 / others) / others;
            (others, (sum - y[i]) / others, variance, sum - y[i])
        };
        let spread = (count * row_squares - row_sum * row_sum) / (count - 1.0);
        let zi = (local - local_mean * row_sum) / (variance.sqrt() * spread.sqrt());
        if zi.is_finite() {
            z[i] = zi;
        } else {
            undefined += 1;
        }
        if total != 0.0 {
            g[i] = local / total;
        }
    }

    let offset: Vec<f64> = (0..n).map(|i| self_weight[i] * y[i]).collect();
    let scale = vec![1.0; n];
    let references = conditional_randomisation(
        &LocalStatistic {
            values: y,
            weights: w,
            offset: &offset,
            scale: &scale,
        },
        &opts.permutation,
        feedback,
    )?;
    let p_sim = references.iter().map(|r| r.map(|r| r.p_sim)).collect();
    let p_norm: Vec<f64> = z.iter().map(|&zi| two_sided_p(zi)).collect();
    let classes = classify(&z, &p_norm, opts.correction);

    let mut warnings = Vec::new();
    let negatives = y.iter().filter(|&&v| v < 0.0).count();
    if negatives > 0 {
        warnings.push(format!(
            "{negatives} of {n} values are negative: Getis-Ord G assumes a non-negative \
             variable (a count, rate or score); G is not a share of the total and hot spots \
             may mislead"
        ));
    }
    let islands = island.iter().filter(|&&b| b).count();
    if islands > 0 {
        warnings.push(format!(
            "{islands} areas have no neighbours (islands): no statistic is computed for them"
        ));
    }
    if undefined > 0 {
        warnings.push(format!(
            "{undefined} areas have an undefined z-score (their weights or the other values \
             have no variance)"
        ));
    }
    if sum == 0.0 {
        warnings.push("the values sum to zero: G is undefined (z-scores are still valid)".into());
    }
    Ok(GetisOrd {
        n,
        star: opts.star,
        g,
        z,
        p_norm,
        p_sim,
        classes,
        warnings,
    })
}

/// Hot/cold classes from the two-sided normal p of z, cut-offs corrected per level.
fn classify(z: &[f64], p_norm: &[f64], correction: Correction) -> Vec<HotSpot> {
    let tested: Vec<f64> = p_norm.iter().copied().filter(|p| !p.is_nan()).collect();
    let levels = [
        (
            correction.cutoff(&tested, 0.01),
            HotSpot::Hot99,
            HotSpot::Cold99,
        ),
        (
            correction.cutoff(&tested, 0.05),
            HotSpot::Hot95,
            HotSpot::Cold95,
        ),
        (
            correction.cutoff(&tested, 0.10),
            HotSpot::Hot90,
            HotSpot::Cold90,
        ),
    ];
    z.iter()
        .zip(p_norm)
        .map(|(&zi, &p)| {
            levels.iter().find(|(cutoff, _, _)| p < *cutoff).map_or(
                HotSpot::NotSignificant,
                |&(_, hot, cold)| {
                    if zi > 0.0 { hot } else { cold }
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names() {
        let all = [
            HotSpot::Hot99,
            HotSpot::Hot95,
            HotSpot::Hot90,
            HotSpot::NotSignificant,
            HotSpot::Cold90,
            HotSpot::Cold95,
            HotSpot::Cold99,
        ];
        assert_eq!(
            serde_json::to_string(&all).unwrap(),
            r#"["hot_99","hot_95","hot_90","not_significant","cold_90","cold_95","cold_99"]"#
        );
    }

    #[test]
    fn classes_follow_arcgis_thresholds() {
        let z = [3.0, 2.0, 1.7, 1.6, -1.7, -2.0, -3.0, f64::NAN];
        let p: Vec<f64> = z.iter().map(|&v| two_sided_p(v)).collect();
        use HotSpot::*;
        assert_eq!(
            classify(&z, &p, Correction::None),
            vec![
                Hot99,
                Hot95,
                Hot90,
                NotSignificant,
                Cold90,
                Cold95,
                Cold99,
                NotSignificant
            ]
        );
    }

    #[test]
    fn negative_values_and_islands_warn() {
        let w = SpatialWeights::from_neighbours(
            (0..4).map(|i| i.to_string()).collect(),
            vec![vec![1], vec![0, 2], vec![1], vec![]],
        );
        let g = getis_ord(&[-1.0, 2.0, 3.0, 4.0], &w).unwrap();
        assert_eq!(g.warnings.len(), 2, "{:?}", g.warnings);
        assert!(g.z[3].is_nan() && g.p_sim[3].is_none());
        assert_eq!(g.classes[3], HotSpot::NotSignificant);
    }
}
