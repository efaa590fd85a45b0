//! Classification of values into map classes.
//!
//! Quantiles follow mapclassify's `Quantiles`: the upper bound of class *i* (1-based) is the
//! (100·i/k)-th percentile with numpy's linear interpolation; equal breaks collapse, so fewer
//! classes may result (the caller is told by the length of the result).

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

/// numpy-style percentile (linear interpolation) of sorted, non-empty data.
fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let pos = (p / 100.0) * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let (a, b) = (
        sorted.get(lo).copied().unwrap_or(f64::NAN),
        sorted.get(hi).copied().unwrap_or(f64::NAN),
    );
    a + (b - a) * (pos - lo as f64)
}

/// The 0-based class of `value` given ascending upper bounds (a value equal to a bound belongs
/// to that class; values above the last bound go to the last class). `None` for non-finite
/// values or no classes.
pub fn class_of(value: f64, breaks: &[f64]) -> Option<usize> {
    if !value.is_finite() || breaks.is_empty() {
        return None;
    }
    Some(
        breaks
            .iter()
            .position(|b| value <= *b)
            .unwrap_or(breaks.len() - 1),
    )
}
