//! Quantile classes (mapclassify `Quantiles`, QGIS "Equal Count (Quantile)").
//!
//! **Definition.** The upper bound of class *i* (1-based) is the (100·i/k)-th percentile of the
//! values, with numpy's default linear interpolation: for sorted *y₀ … y_{n−1}* the p-th
//! percentile is *y_⌊h⌋ + (h − ⌊h⌋)(y_⌈h⌉ − y_⌊h⌋)* with *h = (n − 1)·p/100* (Hyndman and
//! Fan 1996, definition 7). Equal bounds (many tied values) collapse, so fewer than k classes
//! may result; [`super::classify`] says so in its notes. Cost O(n log n) for the sort.
//!
//! ```
//! use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
//! let v: Vec<Option<f64>> = (1..=10).map(|i| Some(f64::from(i))).collect();
//! let c = classify(&v, &ClassifyOptions { method: Method::Quantile, k: 4, ..Default::default() })
//!     .unwrap();
//! assert_eq!(c.breaks, vec![3.25, 5.5, 7.75, 10.0]);
//! assert_eq!(c.counts, vec![3, 2, 2, 3]);
//! ```

/// Upper bounds (ascending) of `k` quantile classes of the finite values in `values`.
/// Empty when there are no finite values or `k == 0`.
///
/// ```
/// use local_atlas::analysis::classify::quantile_breaks;
/// let v: Vec<f64> = (1..=10).map(f64::from).collect();
/// assert_eq!(quantile_breaks(&v, 4), vec![3.25, 5.5, 7.75, 10.0]);
/// // ties collapse: fewer classes than asked for
/// assert_eq!(quantile_breaks(&[1.0, 1.0, 1.0, 2.0], 4), vec![1.0, 1.25, 2.0]);
/// ```
pub fn quantile_breaks(values: &[f64], k: usize) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() || k == 0 {
        return Vec::new();
    }
    v.sort_by(f64::total_cmp);
    let mut breaks: Vec<f64> = (1..=k)
        .map(|i| percentile_sorted(&v, 100.0 * i as f64 / k as f64))
        .collect();
    breaks.dedup();
    breaks
}

/// Quantile breaks of sorted finite values, with a note when ties collapse classes.
pub(super) fn breaks(sorted: &[f64], k: usize, notes: &mut Vec<String>) -> Vec<f64> {
    let b = quantile_breaks(sorted, k);
    if b.len() < k {
        notes.push(format!(
            "quantile breaks tied: {} classes instead of {k}",
            b.len()
        ));
    }
    b
}

/// numpy-style percentile (linear interpolation) of sorted, non-empty data; NaN when empty.
pub(crate) fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let pos = (p / 100.0) * (n.max(1) - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let (a, b) = (
        sorted.get(lo).copied().unwrap_or(f64::NAN),
        sorted.get(hi).copied().unwrap_or(f64::NAN),
    );
    a + (b - a) * (pos - lo as f64)
}
