//! Indicator statistics as Fingertips and PHEindicatormethods define them: confidence intervals
//! for proportions, crude rates, directly and indirectly standardised rates and means;
//! comparison with a benchmark; the recent-trend marker; funnel-plot control limits; and rate
//! smoothing (excess risk, empirical Bayes, spatial empirical Bayes). Pure maths on slices.

pub mod benchmark_comparison;
pub mod confidence;
pub mod distributions;
pub mod dsr;
pub mod funnel;
pub mod isr;
pub mod smoothing;
pub mod trend;
pub mod undefined;
