//! Why an indicator statistic has no value.
//!
//! Degenerate input (no events where a method needs some, a zero denominator, a negative count,
//! a count above its denominator, too few areas, a missing confidence interval) gives one of
//! these reasons instead of a panic or a NaN presented as a number. Fingertips and
//! PHEindicatormethods show such values as blank with a note ("dsr NA for total count < 10");
//! the reason here is that note.

/// The reason a statistic could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Undefined {
    /// A count (numerator, events, observed) is below zero.
    #[error("the count {0} is negative")]
    NegativeCount(f64),
    /// A denominator (population, sample size, expected events) is below zero.
    #[error("the denominator {0} is negative")]
    NegativeDenominator(f64),
    /// A denominator of zero: the rate or proportion is undefined, not zero.
    #[error("the denominator is zero")]
    ZeroDenominator,
    /// A proportion's numerator exceeds its denominator.
    #[error("the count {count} is larger than the denominator {denominator}")]
    CountExceedsDenominator { count: f64, denominator: f64 },
    /// An input is NaN or infinite (missing values must be left out first).
    #[error("an input is not a finite number")]
    NotFinite,
    /// Fewer events than the method accepts (a DSR needs at least 10).
    #[error("{count} events: at least {minimum} are needed")]
    TooFewEvents { count: f64, minimum: f64 },
    /// Fewer values (areas, periods, observations) than the method needs.
    #[error("{count} values: at least {minimum} are needed")]
    TooFewValues { count: usize, minimum: usize },
    /// Slices that describe the same bands or areas have different lengths.
    #[error("inputs of different lengths ({0} and {1})")]
    LengthMismatch(usize, usize),
    /// Byar's approximation gives a negative lower limit (very small counts at 99.8%), which
    /// PHEindicatormethods reports as missing; use the exact Poisson limits instead.
    #[error("Byar's lower limit is negative for this count; use the exact Poisson limits")]
    ByarsLowerNegative,
    /// All values are equal, so a variance-based statistic is undefined.
    #[error("the values have no variation")]
    NoVariation,
    /// A neighbour index points outside the list of areas.
    #[error("neighbour index {0} is out of range")]
    BadNeighbour(usize),
    /// A parameter is outside its range (a probability outside 0–1, a non-positive multiplier).
    #[error("invalid parameter: {0}")]
    BadParameter(&'static str),
}

/// Checks that a count is a finite number ≥ 0.
pub(crate) fn check_count(count: f64) -> Result<(), Undefined> {
    if !count.is_finite() {
        return Err(Undefined::NotFinite);
    }
    if count < 0.0 {
        return Err(Undefined::NegativeCount(count));
    }
    Ok(())
}

/// Checks that a denominator is a finite number > 0.
pub(crate) fn check_denominator(denominator: f64) -> Result<(), Undefined> {
    if !denominator.is_finite() {
        return Err(Undefined::NotFinite);
    }
    if denominator < 0.0 {
        return Err(Undefined::NegativeDenominator(denominator));
    }
    if denominator == 0.0 {
        return Err(Undefined::ZeroDenominator);
    }
    Ok(())
}

/// Checks that a multiplier (1, 100, 1,000, 100,000 …) is finite and positive.
pub(crate) fn check_multiplier(multiplier: f64) -> Result<(), Undefined> {
    if multiplier.is_finite() && multiplier > 0.0 {
        Ok(())
    } else {
        Err(Undefined::BadParameter(
            "the multiplier must be a positive number",
        ))
    }
}
