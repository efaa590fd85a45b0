//! Percentile map (GeoDa; mapclassify `Percentiles(pct=[1, 10, 50, 90, 99, 100])`).
//!
//! **Definition.** Six classes with upper bounds at the 1st, 10th, 50th, 90th, 99th and 100th
//! percentiles (numpy linear interpolation, as [`super::quantile_breaks`]), so the extreme 1 %
//! at each end stands out. The categories are fixed: tied percentiles are kept (the later class
//! of a tie is empty) and reported in the notes rather than collapsed. Cost O(n log n).
//!
//! ```
//! use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
//! let v: Vec<Option<f64>> = (0..=100).map(|i| Some(f64::from(i))).collect();
//! let c = classify(&v, &ClassifyOptions { method: Method::Percentile, ..Default::default() })
//!     .unwrap();
//! assert_eq!(c.breaks, vec![1.0, 10.0, 50.0, 90.0, 99.0, 100.0]);
//! assert_eq!(c.counts, vec![2, 9, 40, 40, 9, 1]);
//! ```

use super::quantile::percentile_sorted;

/// The percentiles GeoDa's percentile map and mapclassify use.
pub(super) const PERCENTILES: [f64; 6] = [1.0, 10.0, 50.0, 90.0, 99.0, 100.0];

pub(super) fn breaks(sorted: &[f64], notes: &mut Vec<String>) -> Vec<f64> {
    let b: Vec<f64> = PERCENTILES
        .iter()
        .map(|p| percentile_sorted(sorted, *p))
        .collect();
    if b.windows(2).any(|w| w[0] == w[1]) {
        notes.push(
            "tied percentiles: the six categories are kept, and a class whose bound equals the \
             previous one is empty"
                .to_string(),
        );
    }
    b
}
