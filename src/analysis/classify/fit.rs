//! Goodness of fit of a classification.
//!
//! * **GVF** (goodness of variance fit; Jenks 1967, the figure ArcGIS and the Jenks literature
//!   quote): 1 − SDCM/SDAM, where SDCM = Σ_c Σ_{i∈c} (y_i − ȳ_c)² and SDAM = Σ_i (y_i − ȳ)².
//! * **GADF** (goodness of absolute deviation fit; mapclassify `MapClassifier.gadf`):
//!   1 − ADCM/ADAM, where ADCM = Σ_c Σ_{i∈c} |y_i − median_c| and ADAM = Σ_i |y_i − median|.
//!
//! Both are 1 for a perfect fit (and, by convention, when all values are equal). Cost
//! O(n log n) for the class medians.
//!
//! ```
//! use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
//! let v: Vec<Option<f64>> = [1.0, 2.0, 4.0, 7.0].into_iter().map(Some).collect();
//! let o = ClassifyOptions { method: Method::Manual, manual_breaks: vec![2.0, 7.0], ..Default::default() };
//! let c = classify(&v, &o).unwrap();
//! // classes {1,2} and {4,7}: SDCM = 0.5 + 4.5 = 5, SDAM = 21; ADCM = 1 + 3 = 4, ADAM = 8
//! assert!((c.gvf - (1.0 - 5.0 / 21.0)).abs() < 1e-12);
//! assert!((c.gadf - 0.5).abs() < 1e-12);
//! ```

/// (GVF, GADF) of the sorted finite values classified by ascending upper bounds `breaks`
/// (the rule of [`super::class_of`]). Classes are value ranges, so each is a contiguous run of
/// the sorted values and needs no sorting of its own.
pub(super) fn gvf_gadf(sorted: &[f64], breaks: &[f64]) -> (f64, f64) {
    // both measures are ratios, so rescaling extreme magnitudes changes nothing else
    let scale = super::magnitude_scale(sorted);
    let scaled: Vec<f64>;
    let values = if scale == 1.0 {
        sorted
    } else {
        scaled = sorted.iter().map(|x| x / scale).collect();
        &scaled
    };
    let (mut sdcm, mut adcm, mut start) = (0.0, 0.0, 0);
    for (c, b) in breaks.iter().enumerate() {
        let end = if c + 1 == breaks.len() {
            sorted.len()
        } else {
            sorted.partition_point(|v| v <= b).max(start)
        };
        let run = values.get(start..end).unwrap_or(&[]);
        sdcm += sum_sq_dev(run);
        adcm += sum_abs_dev_median(run);
        start = end;
    }
    let sdam = sum_sq_dev(values);
    let adam = sum_abs_dev_median(values);
    let gvf = if sdam == 0.0 { 1.0 } else { 1.0 - sdcm / sdam };
    let gadf = if adam == 0.0 { 1.0 } else { 1.0 - adcm / adam };
    (gvf, gadf)
}

/// Σ (x − x̄)², two-pass for accuracy.
fn sum_sq_dev(x: &[f64]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    x.iter().map(|v| (v - mean) * (v - mean)).sum()
}

/// Σ |x − median| of sorted `x` (numpy's median: mean of the two middle values for even n).
fn sum_abs_dev_median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    let med = match (sorted.get((n.max(1) - 1) / 2), sorted.get(n / 2)) {
        (Some(a), Some(b)) => (a + b) / 2.0,
        _ => return 0.0,
    };
    sorted.iter().map(|v| (v - med).abs()).sum()
}
