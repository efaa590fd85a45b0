//! The statistics behind an import's data-quality warnings: values far outside the box plot's
//! fences, and changes from the previous period far from the typical change. Both are robust
//! (quartiles and medians), so the unusual values themselves do not hide each other.
//!
//! **Outliers** (Tukey 1977): with quartiles Q1, Q3 (numpy linear interpolation, as the box
//! map [`super::classify`]) and IQR = Q3 − Q1, a value below Q1 − h·IQR or above Q3 + h·IQR.
//! The import uses hinge h = 3 ("far out"), not the box map's 1.5, so only values worth a
//! second look are reported.
//!
//! **Unusual change** (Iglewicz & Hoaglin 1993, the modified z-score): for the changes
//! Δᵢ = valueᵢ − previousᵢ of the areas with a value in both periods, with median m and median
//! absolute deviation MAD = median |Δᵢ − m|, an area whose Mᵢ = 0.6745·(Δᵢ − m)/MAD has
//! |Mᵢ| > 3.5. When MAD = 0 (most areas unchanged by the same amount) the score is undefined
//! and nothing is reported.

use super::classify::percentile_sorted;

/// The hinge of the import's outlier check.
pub const OUTLIER_HINGE: f64 = 3.0;

/// |M| above this is an unusual change (Iglewicz & Hoaglin's recommended cut-off).
pub const MODIFIED_Z_LIMIT: f64 = 3.5;

/// Fewest values (or pairs of values) a check looks at: with fewer, quartiles and medians say
/// little, and nothing is reported.
pub const MIN_VALUES: usize = 8;

/// The indices of `values` outside the fences Q1 − hinge·IQR, Q3 + hinge·IQR (NaN ignored);
/// none for fewer than [`MIN_VALUES`] values.
///
/// ```
/// use local_atlas::analysis::data_quality::outliers;
/// let v = [10.0, 11.0, 12.0, 12.5, 13.0, 11.5, 12.2, 10.8, 95.0];
/// assert_eq!(outliers(&v, 3.0), vec![8]);
/// assert!(outliers(&v[..8], 3.0).is_empty());
/// ```
pub fn outliers(values: &[f64], hinge: f64) -> Vec<usize> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.len() < MIN_VALUES {
        return Vec::new();
    }
    sorted.sort_by(f64::total_cmp);
    let (q1, q3) = (
        percentile_sorted(&sorted, 25.0),
        percentile_sorted(&sorted, 75.0),
    );
    let iqr = q3 - q1;
    let (lo, hi) = (q1 - hinge * iqr, q3 + hinge * iqr);
    (0..values.len())
        .filter(|&i| values[i] < lo || values[i] > hi)
        .collect()
}

/// The indices of `changes` whose modified z-score exceeds [`MODIFIED_Z_LIMIT`] in size; none
/// for fewer than [`MIN_VALUES`] changes or when the median absolute deviation is 0.
///
/// ```
/// use local_atlas::analysis::data_quality::unusual_changes;
/// let d = [0.5, -0.2, 0.1, 0.3, -0.4, 0.0, 0.2, -0.1, 0.4, 12.0];
/// assert_eq!(unusual_changes(&d), vec![9]);
/// assert!(unusual_changes(&[0.0; 10]).is_empty());
/// ```
pub fn unusual_changes(changes: &[f64]) -> Vec<usize> {
    let finite: Vec<f64> = changes.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.len() < MIN_VALUES {
        return Vec::new();
    }
    let m = median(finite.clone());
    let mad = median(finite.iter().map(|d| (d - m).abs()).collect());
    if mad.is_nan() || mad <= 0.0 {
        return Vec::new();
    }
    (0..changes.len())
        .filter(|&i| (0.6745 * (changes[i] - m) / mad).abs() > MODIFIED_Z_LIMIT)
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    percentile_sorted(&v, 50.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fences use numpy's quartiles: for 1..=8 and 100, Q1 = 3, Q3 = 7, IQR = 4, so the
    /// upper fence at hinge 3 is 19 (numpy.percentile([1..8, 100], [25, 75]) = [3, 7]).
    #[test]
    fn fences_follow_numpy_quartiles() {
        let mut v: Vec<f64> = (1..=8).map(f64::from).collect();
        v.push(100.0);
        assert_eq!(outliers(&v, 3.0), vec![8]);
        v[8] = 19.0;
        assert!(outliers(&v, 3.0).is_empty(), "on the fence is not outside");
        v[8] = 19.01;
        assert_eq!(outliers(&v, 3.0), vec![8]);
    }

    #[test]
    fn falls_count_as_well_as_rises_and_nan_is_ignored() {
        let mut d = vec![1.0, 1.2, 0.8, 1.1, 0.9, 1.0, 1.05, 0.95, -30.0];
        assert_eq!(unusual_changes(&d), vec![8]);
        d.push(f64::NAN);
        assert_eq!(unusual_changes(&d), vec![8]);
    }
}
