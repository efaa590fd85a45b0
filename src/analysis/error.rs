//! Errors of the spatial statistics (Moran's I, LISA, Getis-Ord, kernel density).
//!
//! Degenerate input gives one of these instead of a panic or a silently meaningless number.
//! Conditions that still allow an honest result (islands, negative values for Gi*) are reported
//! inside the result instead.

/// Why a statistic could not be computed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StatsError {
    /// The values and the weights describe different numbers of areas.
    #[error("{values} values were given but the spatial weights describe {weights} areas")]
    LengthMismatch { values: usize, weights: usize },
    /// Too few areas (the number given) for the statistic: its variance would divide by zero.
    /// Global Moran's I needs at least 4 areas, the local statistics at least 3.
    #[error("only {0} areas: global Moran's I needs at least 4 areas and the local statistics 3")]
    TooFew(usize),
    /// Every value is the same, so nothing can be standardised.
    #[error("all values are equal (zero variance): spatial autocorrelation is undefined")]
    ZeroVariance,
    /// A value (or a point coordinate or weight) is NaN or infinite; the index says which.
    #[error("value {0} is not a finite number (missing values must be removed first)")]
    NonFinite(usize),
    /// No area has a neighbour, so there is no spatial structure to test.
    #[error("no area has a neighbour (all areas are islands): check the spatial weights")]
    NoNeighbours,
    /// The spatial weights are malformed (index out of range, lengths differ, non-finite weight).
    #[error("invalid spatial weights: {0}")]
    BadWeights(String),
    /// The user asked to stop.
    #[error("cancelled")]
    Cancelled,
    /// An option is out of range.
    #[error("invalid option: {0}")]
    BadOption(String),
}

/// Checks shared by the statistics: matching lengths, at least `minimum` areas, finite values,
/// well-formed weights (row lengths agree, neighbour indices in range, finite weights).
pub(crate) fn check_inputs(
    y: &[f64],
    w: &super::weights::SpatialWeights,
    minimum: usize,
) -> Result<(), StatsError> {
    let n = y.len();
    if w.neighbours.len() != n {
        return Err(StatsError::LengthMismatch {
            values: n,
            weights: w.neighbours.len(),
        });
    }
    if n < minimum {
        return Err(StatsError::TooFew(n));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(StatsError::NonFinite(i));
    }
    if w.weights.len() != n {
        return Err(StatsError::BadWeights(format!(
            "{} neighbour rows but {} weight rows",
            n,
            w.weights.len()
        )));
    }
    for (i, (nb, wr)) in w.neighbours.iter().zip(&w.weights).enumerate() {
        if nb.len() != wr.len() {
            return Err(StatsError::BadWeights(format!(
                "row {i} has {} neighbours but {} weights",
                nb.len(),
                wr.len()
            )));
        }
        if let Some(&j) = nb.iter().find(|&&j| j >= n || j == i) {
            return Err(StatsError::BadWeights(format!(
                "row {i} lists neighbour {j}, which is itself or not one of the {n} areas"
            )));
        }
        if wr.iter().any(|v| !v.is_finite()) {
            return Err(StatsError::BadWeights(format!(
                "row {i} has a weight that is not a finite number"
            )));
        }
    }
    Ok(())
}

/// Deviations from the mean and their mean square m₂ = Σz²/n; `ZeroVariance` when the values
/// differ by no more than rounding noise (sd ≤ 64·ε·max|y|).
pub(crate) fn centre(y: &[f64]) -> Result<(Vec<f64>, f64), StatsError> {
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let z: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let m2 = z.iter().map(|d| d * d).sum::<f64>() / n;
    let scale = y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    // y is finite (checked first), so m2 is too.
    if m2.sqrt() <= 64.0 * f64::EPSILON * scale {
        return Err(StatsError::ZeroVariance);
    }
    Ok((z, m2))
}
