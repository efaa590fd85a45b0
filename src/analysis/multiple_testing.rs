//! Multiple-testing cut-offs for local statistics (one test per area).
//!
//! Testing every area at α flags about α·n areas by chance alone. Two corrections, both as in
//! GeoDa and PySAL:
//!
//! * **Bonferroni**: cut-off α/n (GeoDa's "Bonferroni bound"; e.g. 0.05/966 = 5.18×10⁻⁵).
//! * **False discovery rate**: Benjamini & Hochberg (1995) as adapted by de Castro & Singer
//!   (2006), exactly `esda.fdr(pvalues, alpha)` (`pysal/esda:esda/util.py`): sort the p-values
//!   ascending p₍₁₎ ≤ … ≤ p₍ₙ₎, find the largest i with p₍ᵢ₎ < i·α/n and return i·α/n; when no i
//!   qualifies return the Bonferroni bound α/n.
//!
//! An area is significant when its p-value is **strictly below** the cut-off (esda's
//! `p_sim < crit_value`). Complexity O(n log n) for FDR.

/// Which multiple-testing correction to apply to per-area p-values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Correction {
    /// Each area tested at α.
    None,
    /// Benjamini–Hochberg false discovery rate ([`fdr_cutoff`]).
    Fdr,
    /// Bonferroni: α/n ([`bonferroni_cutoff`]).
    Bonferroni,
}

impl Correction {
    /// The p-value cut-off for `alpha` given all the p-values tested.
    pub fn cutoff(self, p_values: &[f64], alpha: f64) -> f64 {
        match self {
            Correction::None => alpha,
            Correction::Fdr => fdr_cutoff(p_values, alpha),
            Correction::Bonferroni => {
                bonferroni_cutoff(p_values.iter().filter(|p| !p.is_nan()).count(), alpha)
            }
        }
    }
}

/// The false-discovery-rate cut-off, exactly `esda.fdr(p_values, alpha)`. NaN p-values are
/// ignored (not counted in n); with no p-values at all the cut-off is `alpha`.
///
/// ```
/// use local_atlas::analysis::multiple_testing::fdr_cutoff;
/// // esda.fdr([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205], 0.05) = 0.0125
/// let p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205];
/// assert_eq!(fdr_cutoff(&p, 0.05), 2.0 * 0.05 / 8.0);
/// ```
pub fn fdr_cutoff(p_values: &[f64], alpha: f64) -> f64 {
    let mut sorted: Vec<f64> = p_values.iter().copied().filter(|p| !p.is_nan()).collect();
    let n = sorted.len();
    if n == 0 {
        return alpha;
    }
    sorted.sort_by(f64::total_cmp);
    // esda scans from the largest p downwards and keeps the first (largest) rank that passes.
    for rank in (1..=n).rev() {
        let threshold = rank as f64 * alpha / n as f64;
        if sorted[rank - 1] < threshold {
            return threshold;
        }
    }
    alpha / n as f64
}

/// The Bonferroni cut-off α/n (`alpha` itself when n = 0).
///
/// ```
/// use local_atlas::analysis::multiple_testing::bonferroni_cutoff;
/// assert!((bonferroni_cutoff(966, 0.05) - 5.176e-5).abs() < 1e-8);
/// ```
pub fn bonferroni_cutoff(n: usize, alpha: f64) -> f64 {
    if n == 0 { alpha } else { alpha / n as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fdr_matches_esda() {
        // python3 -c "import esda; print(esda.fdr([...], a))" with esda 2.9.0
        // ties with i·α/n do not pass (strict <): 0.05 and 0.04 fail, 0.03 < 0.030000000000000006
        let p = [0.01, 0.02, 0.03, 0.04, 0.05];
        assert_eq!(fdr_cutoff(&p, 0.05), 0.030000000000000006);
        let all = [0.01, 0.02, 0.03, 0.04, 0.049];
        assert_eq!(fdr_cutoff(&all, 0.05), 0.05);
        let none = [0.5, 0.6, 0.7];
        assert_eq!(fdr_cutoff(&none, 0.05), 0.05 / 3.0);
        assert_eq!(fdr_cutoff(&[], 0.1), 0.1);
        assert_eq!(fdr_cutoff(&[f64::NAN, 0.5, 0.6, 0.7], 0.05), 0.05 / 3.0);
        assert_eq!(fdr_cutoff(&[0.9, 0.001, 0.2], 0.05), 0.016666666666666666);
    }

    #[test]
    fn correction_cutoffs() {
        let p = [0.001, 0.2, f64::NAN, 0.9];
        assert_eq!(Correction::None.cutoff(&p, 0.05), 0.05);
        assert_eq!(Correction::Bonferroni.cutoff(&p, 0.05), 0.05 / 3.0);
        assert_eq!(Correction::Fdr.cutoff(&p, 0.05), 0.05 / 3.0);
    }
}
