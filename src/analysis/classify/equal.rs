//! Equal interval classes (mapclassify `EqualInterval`, QGIS "Equal Interval").
//!
//! **Definition.** The range [min, max] is cut into k intervals of width w = (max − min)/k; the
//! upper bounds are min + i·w for i = 1 … k − 1, and max. The arithmetic follows numpy's
//! `arange(min + w, max + w, w)` as mapclassify uses it (step taken as the difference of the
//! first two terms), so bounds agree with mapclassify to the last bit in ordinary cases.
//! Classes may be empty. Cost O(k) after the sort.
//!
//! ```
//! use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
//! let v: Vec<Option<f64>> = [0.0, 1.0, 2.0, 9.0, 10.0].into_iter().map(Some).collect();
//! let c = classify(&v, &ClassifyOptions { method: Method::Equal, k: 4, ..Default::default() })
//!     .unwrap();
//! assert_eq!(c.breaks, vec![2.5, 5.0, 7.5, 10.0]);
//! assert_eq!(c.counts, vec![3, 0, 0, 2]);
//! ```

/// Equal-interval bounds of sorted, non-constant finite values; `k ≥ 1`.
pub(super) fn breaks(sorted: &[f64], k: usize) -> Vec<f64> {
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
        return Vec::new();
    };
    let mut width = (max - min) / k as f64;
    if !width.is_finite() {
        // the range itself overflows (values near ±f64::MAX)
        width = max / k as f64 - min / k as f64;
    }
    let start = min + width;
    let step = (start + width) - start;
    let mut b: Vec<f64> = (0..k).map(|i| start + i as f64 * step).collect();
    if let Some(last) = b.last_mut() {
        *last = max;
    }
    b
}
