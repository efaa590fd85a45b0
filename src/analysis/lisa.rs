//! Local Moran's I, the LISA of Anselin (1995), as `esda.Moran_Local` computes it.
//!
//! **Definition.** With values standardised by the population standard deviation,
//! zᵢ = (yᵢ − ȳ)/σ (numpy `std`, ddof = 0), and the spatial lag of z, lagᵢ = Σⱼ wᵢⱼ zⱼ:
//!
//! ```text
//! Iᵢ = (n − 1) · zᵢ · lagᵢ / Σₖ zₖ²      ( = (n−1)/n · zᵢ · lagᵢ, since Σz² = n )
//! ```
//!
//! Σᵢ Iᵢ = (n − 1)·S₀/n · I (global Moran's I with the same weights).
//!
//! **Weights are used as given.** PySAL's default (`transformation="r"`) corresponds to
//! row-standardised weights: pass `w.row_standardised()` to reproduce it.
//!
//! **Quadrants** (esda, `geoda_quads=False`): HH when zᵢ > 0 and lagᵢ > 0, LH when zᵢ ≤ 0 and
//! lagᵢ > 0, LL when both ≤ 0, HL when zᵢ > 0 and lagᵢ ≤ 0 — a value exactly at the mean, or a
//! lag exactly 0, counts as low, as in esda.
//!
//! **Inference.** Conditional randomisation ([`permutation`](super::permutation)): zᵢ held
//! fixed, kᵢ other values drawn without replacement, P times (999, seed 12345 by default).
//! Pseudo-p directed (esda's default) or two-sided. `z_sim = (Iᵢ − mean)/sd` of the replicates.
//! The cut-off is α (0.05) or its FDR / Bonferroni correction over the areas tested
//! ([`multiple_testing`](super::multiple_testing)); an area is a cluster (its quadrant) when
//! p_sim **<** cut-off (esda's `get_cluster_labels` uses strict <), otherwise not significant.
//! With P = 999 the smallest p is 0.001, so α must exceed 1/(P + 1) for anything to qualify.
//! With `permutations: 0` no p-values exist and every non-island is `NotSignificant`.
//!
//! **Islands** have lag 0 (PySAL `island_weight = 0`), so Iᵢ = 0; they get no quadrant, no
//! p-value and the class [`Cluster::Island`], and are not counted in the multiple-testing n
//! (esda would give them p = 1/(P+1), a spurious significance).
//!
//! Complexity O(n + L), plus O(P·L) for the permutations (L links), parallel over areas.

use super::error::{StatsError, centre, check_inputs};
use super::multiple_testing::Correction;
use super::permutation::{LocalStatistic, PermutationOptions, conditional_randomisation};
use super::weights::SpatialWeights;
use crate::feedback::{Feedback, Silent};

/// Moran scatterplot quadrant of an area: its own value and its neighbours' (High/Low).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Quadrant {
    #[serde(rename = "HH")]
    HighHigh,
    #[serde(rename = "LH")]
    LowHigh,
    #[serde(rename = "LL")]
    LowLow,
    #[serde(rename = "HL")]
    HighLow,
}

/// LISA cluster map class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Cluster {
    #[serde(rename = "HH")]
    HighHigh,
    #[serde(rename = "LL")]
    LowLow,
    #[serde(rename = "LH")]
    LowHigh,
    #[serde(rename = "HL")]
    HighLow,
    #[serde(rename = "not_significant")]
    NotSignificant,
    /// No neighbours: nothing to test.
    #[serde(rename = "island")]
    Island,
}

impl From<Quadrant> for Cluster {
    fn from(q: Quadrant) -> Self {
        match q {
            Quadrant::HighHigh => Cluster::HighHigh,
            Quadrant::LowHigh => Cluster::LowHigh,
            Quadrant::LowLow => Cluster::LowLow,
            Quadrant::HighLow => Cluster::HighLow,
        }
    }
}

/// Options of [`local_moran_with`].
#[derive(Debug, Clone, PartialEq)]
pub struct LisaOptions {
    pub permutation: PermutationOptions,
    /// Significance level before correction (0.05).
    pub alpha: f64,
    pub correction: Correction,
}

impl Default for LisaOptions {
    fn default() -> Self {
        Self {
            permutation: PermutationOptions::default(),
            alpha: 0.05,
            correction: Correction::None,
        }
    }
}

/// Local Moran's I of every area, in area order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Lisa {
    pub n: usize,
    /// Iᵢ (0 for islands).
    pub is: Vec<f64>,
    /// Standardised values zᵢ.
    pub z: Vec<f64>,
    /// Spatial lag of z (0 for islands).
    pub lag: Vec<f64>,
    /// `None` for islands.
    pub quadrants: Vec<Option<Quadrant>>,
    /// Permutation pseudo p-values (`None` for islands or with 0 permutations).
    pub p_sim: Vec<Option<f64>>,
    pub z_sim: Vec<Option<f64>>,
    /// The p-value cut-off after the multiple-testing correction.
    pub cutoff: f64,
    pub clusters: Vec<Cluster>,
}

/// Local Moran's I with 999 permutations (seed 12345), α = 0.05, no correction.
///
/// ```
/// use local_atlas::analysis::{lisa::{local_moran, Quadrant}, weights::SpatialWeights};
/// let ids = ["a", "b", "c", "d"].map(String::from).to_vec();
/// let w = SpatialWeights::from_neighbours(ids, vec![vec![1], vec![0, 2], vec![1, 3], vec![2]]);
/// let l = local_moran(&[1.0, 2.0, 3.0, 4.0], &w.row_standardised()).unwrap();
/// // z = (−1.5, −0.5, 0.5, 1.5)/√1.25; for d: I = 3 · z_d · z_c / Σz² = 3 · 1.5 · 0.5 / 5
/// assert!((l.is[3] - 0.45).abs() < 1e-12);
/// assert_eq!(l.quadrants[3], Some(Quadrant::HighHigh));
/// ```
pub fn local_moran(y: &[f64], w: &SpatialWeights) -> Result<Lisa, StatsError> {
    local_moran_with(y, w, &LisaOptions::default(), &Silent)
}

/// Local Moran's I with explicit options.
pub fn local_moran_with(
    y: &[f64],
    w: &SpatialWeights,
    opts: &LisaOptions,
    feedback: &dyn Feedback,
) -> Result<Lisa, StatsError> {
    check_inputs(y, w, 3)?;
    opts.permutation.validate()?;
    if !(opts.alpha > 0.0 && opts.alpha < 1.0) {
        return Err(StatsError::BadOption(format!(
            "alpha must be between 0 and 1, got {}",
            opts.alpha
        )));
    }
    let n = y.len();
    let island: Vec<bool> = w.neighbours.iter().map(Vec::is_empty).collect();
    if island.iter().all(|&b| b) {
        return Err(StatsError::NoNeighbours);
    }
    let (deviations, m2) = centre(y)?;
    let sd = m2.sqrt();
    let z: Vec<f64> = deviations.iter().map(|d| d / sd).collect();
    let z2_sum: f64 = z.iter().map(|v| v * v).sum();
    let lag = w.lag(&z);
    // Iᵢ = scaleᵢ · lagᵢ; the permutation engine recomputes the replicates in the same form.
    let scale: Vec<f64> = z.iter().map(|zi| (n - 1) as f64 * zi / z2_sum).collect();
    let is: Vec<f64> = scale.iter().zip(&lag).map(|(s, l)| s * l).collect();
    let offset = vec![0.0; n];
    let references = conditional_randomisation(
        &LocalStatistic {
            values: &z,
            weights: w,
            offset: &offset,
            scale: &scale,
        },
        &opts.permutation,
        feedback,
    )?;

    let quadrants: Vec<Option<Quadrant>> = (0..n)
        .map(|i| (!island[i]).then(|| quadrant(z[i], lag[i])))
        .collect();
    let p_sim: Vec<Option<f64>> = references.iter().map(|r| r.map(|r| r.p_sim)).collect();
    let z_sim = references
        .iter()
        .zip(&is)
        .map(|(r, &obs)| r.and_then(|r| r.z(obs)))
        .collect();
    let tested: Vec<f64> = p_sim.iter().flatten().copied().collect();
    let cutoff = opts.correction.cutoff(&tested, opts.alpha);
    let clusters = quadrants
        .iter()
        .zip(&p_sim)
        .map(|(q, p)| match (q, p) {
            (None, _) => Cluster::Island,
            (Some(q), Some(p)) if *p < cutoff => Cluster::from(*q),
            _ => Cluster::NotSignificant,
        })
        .collect();
    Ok(Lisa {
        n,
        is,
        z,
        lag,
        quadrants,
        p_sim,
        z_sim,
        cutoff,
        clusters,
    })
}

/// esda's quadrant rule: "high" means strictly above 0.
fn quadrant(z: f64, lag: f64) -> Quadrant {
    match (z > 0.0, lag > 0.0) {
        (true, true) => Quadrant::HighHigh,
        (false, true) => Quadrant::LowHigh,
        (false, false) => Quadrant::LowLow,
        (true, false) => Quadrant::HighLow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_at_zero_count_as_low() {
        assert_eq!(quadrant(0.0, 1.0), Quadrant::LowHigh);
        assert_eq!(quadrant(1.0, 0.0), Quadrant::HighLow);
        assert_eq!(quadrant(0.0, 0.0), Quadrant::LowLow);
    }

    #[test]
    fn serde_names() {
        let json =
            serde_json::to_string(&[Cluster::HighHigh, Cluster::NotSignificant, Cluster::Island])
                .unwrap();
        assert_eq!(json, r#"["HH","not_significant","island"]"#);
        assert_eq!(
            serde_json::to_string(&Quadrant::LowHigh).unwrap(),
            r#""LH""#
        );
    }

    #[test]
    fn bad_alpha_is_rejected() {
        let w = SpatialWeights::from_neighbours(
            (0..3).map(|i| i.to_string()).collect(),
            vec![vec![1], vec![0, 2], vec![1]],
        );
        let opts = LisaOptions {
            alpha: 1.5,
            ..Default::default()
        };
        assert!(matches!(
            local_moran_with(&[1.0, 2.0, 3.0], &w, &opts, &Silent),
            Err(StatsError::BadOption(_))
        ));
    }
}
