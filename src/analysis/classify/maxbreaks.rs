//! Maximum breaks (mapclassify `MaximumBreaks(k, mindiff=0)`; Slocum et al. 2009).
//!
//! **Definition.** Sort the distinct values and find the k − 1 largest gaps between neighbours;
//! the upper bounds are the midpoints of those gaps, in ascending order, and the maximum. Equal
//! gaps are taken from the top of the range first (what numpy's `argsort` does on short arrays,
//! which mapclassify relies on). With fewer than k distinct values every gap is a break and the
//! notes say fewer classes result; mapclassify instead splits tied values arbitrarily. Cost
//! O(n log n).
//!
//! ```
//! use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
//! let v: Vec<Option<f64>> = [1.0, 2.0, 3.0, 10.0, 11.0, 30.0].into_iter().map(Some).collect();
//! let c = classify(&v, &ClassifyOptions { method: Method::Maxbreaks, k: 3, ..Default::default() })
//!     .unwrap();
//! // largest gaps 11→30 and 3→10
//! assert_eq!(c.breaks, vec![6.5, 20.5, 30.0]);
//! assert_eq!(c.counts, vec![3, 2, 1]);
//! ```

use super::distinct_with_counts;

pub(super) fn breaks(sorted: &[f64], k: usize, notes: &mut Vec<String>) -> Vec<f64> {
    let (u, _) = distinct_with_counts(sorted);
    let Some(&max) = u.last() else {
        return Vec::new();
    };
    // gap i lies between u[i] and u[i + 1]
    let mut gaps: Vec<(f64, usize)> = u.windows(2).map(|w| w[1] - w[0]).zip(0..).collect();
    // largest first; among equal gaps the higher one first
    gaps.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    let wanted = k.saturating_sub(1);
    if gaps.len() < wanted {
        notes.push(format!(
            "only {} distinct values: {} classes instead of {k}",
            u.len(),
            u.len()
        ));
    }
    let mut b: Vec<f64> = gaps
        .iter()
        .take(wanted)
        .filter_map(|&(_, i)| Some((u.get(i)? + u.get(i + 1)?) / 2.0))
        .collect();
    b.sort_by(f64::total_cmp);
    b.push(max);
    b
}
