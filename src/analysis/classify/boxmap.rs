//! Box map (GeoDa; mapclassify `BoxPlot(hinge)`).
//!
//! **Definition.** With quartiles Q1, Q2, Q3 (numpy linear interpolation, as
//! [`super::quantile_breaks`]) and IQR = Q3 − Q1, the upper bounds are
//! Q1 − h·IQR (lower outliers), Q1, Q2, Q3, Q3 + h·IQR and max(Q3 + h·IQR, max y) (upper
//! outliers), with hinge h = 1.5 (Tukey 1977) or 3.0. GeoDa always shows these six categories,
//! so six bounds are produced even when a fence class is empty. mapclassify gives the same
//! bounds when there are upper outliers; without them it drops the sixth class (its fifth bound
//! is the upper fence), so its bounds are the first five of ours and the value classes agree.
//! Cost O(n log n).
//!
//! ```
//! use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
//! let mut v: Vec<Option<f64>> = (1..=9).map(|i| Some(f64::from(i))).collect();
//! v.push(Some(100.0)); // one upper outlier
//! let c = classify(&v, &ClassifyOptions { method: Method::Box, ..Default::default() }).unwrap();
//! // Q1 = 3.25, Q2 = 5.5, Q3 = 7.75, IQR = 4.5, fences −3.5 and 14.5
//! assert_eq!(c.breaks, vec![-3.5, 3.25, 5.5, 7.75, 14.5, 100.0]);
//! assert_eq!(c.counts, vec![0, 3, 2, 2, 2, 1]);
//! ```

use super::quantile::percentile_sorted;

pub(super) fn breaks(sorted: &[f64], hinge: f64, notes: &mut Vec<String>) -> Vec<f64> {
    let q1 = percentile_sorted(sorted, 25.0);
    let q2 = percentile_sorted(sorted, 50.0);
    let q3 = percentile_sorted(sorted, 75.0);
    let max = percentile_sorted(sorted, 100.0);
    let pivot = hinge * (q3 - q1);
    let lower_fence = q1 - pivot;
    let upper_fence = q3 + pivot;
    if max <= upper_fence {
        notes.push(format!(
            "box map: no upper outliers (max {max} ≤ upper fence {upper_fence}); the upper \
             outlier class is empty and its bound is the fence"
        ));
    }
    vec![lower_fence, q1, q2, q3, upper_fence, max.max(upper_fence)]
}
