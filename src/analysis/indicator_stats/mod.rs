//! Indicator statistics as Fingertips and PHEindicatormethods define them: confidence intervals
//! for proportions, crude rates, directly and indirectly standardised rates and means;
//! comparison with a benchmark; the recent-trend marker; funnel-plot control limits; rate
//! smoothing (excess risk, empirical Bayes, spatial empirical Bayes); and the disclosure control
//! that protects small counts in every output. Pure maths on slices.
//!
//! - [`disclosure`]: the primary rule on one count and what it does to a value's figures
//!   (value, numerator, confidence limits);
//! - [`secondary`]: secondary (complementary) suppression over the totals a table adds up to,
//!   so no suppressed count can be recovered by subtraction.

pub mod benchmark_comparison;
pub mod confidence;
pub mod disclosure;
pub mod distributions;
pub mod dsr;
pub mod funnel;
pub mod isr;
pub mod secondary;
pub mod smoothing;
pub mod spine;
pub mod trend;
pub mod undefined;
