//! Natural breaks: the exact Fisher–Jenks optimum (Fisher 1958; Jenks 1977; mapclassify
//! `FisherJenks`).
//!
//! **Definition.** Among all ways of cutting the sorted values into k contiguous classes, the
//! one with the smallest within-class sum of squared deviations
//! SDCM = Σ_c Σ_{i∈c} (y_i − ȳ_c)² (equivalently the largest GVF). Upper bounds are the largest
//! value of each class. Equal values are never split between classes (a break-based map cannot
//! show such a split), so the optimum is taken over cuts between distinct values, each weighted
//! by its multiplicity. With fewer distinct values than k, each distinct value is a class and
//! the notes say so. All values are used: unlike QGIS (which samples 3,000 values) the result is
//! exact for any n.
//!
//! **Algorithm.** The dynamic programme D[q][i] = min_j D[q−1][j−1] + SSQ(j, i) over m distinct
//! values, with SSQ from prefix sums of the weighted, mean-centred values (centring keeps the
//! cancellation error small). The optimal j is non-decreasing in i (the cost satisfies the
//! quadrangle inequality), so each layer is filled by divide and conquer in O(m log m), as in
//! Ckmeans.1d.dp (Wang and Song 2011, *The R Journal* 3(2); Song and Zhong 2020,
//! *Bioinformatics* 36(20)). Total O(n log n + k·m·log m) time and O(k·m) memory. Ties between
//! equally good partitions go to the smaller first index of the last class.
//!
//! ```
//! use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
//! let v: Vec<Option<f64>> = [1.0, 2.0, 4.0, 5.0, 7.0, 8.0, 9.0, 20.0, 21.0]
//!     .into_iter().map(Some).collect();
//! let c = classify(&v, &ClassifyOptions { method: Method::Jenks, k: 3, ..Default::default() })
//!     .unwrap();
//! assert_eq!(c.breaks, vec![5.0, 9.0, 21.0]);
//! assert_eq!(c.counts, vec![4, 3, 2]);
//! ```

use super::distinct_with_counts;

pub(super) fn breaks(sorted: &[f64], k: usize, notes: &mut Vec<String>) -> Vec<f64> {
    let (u, w) = distinct_with_counts(sorted);
    if u.len() <= k {
        if u.len() < k {
            notes.push(format!(
                "only {} distinct values: {} classes instead of {k}",
                u.len(),
                u.len()
            ));
        }
        return u;
    }
    optimal_breaks(&u, &w, k)
}

/// Prefix sums `[Σw, Σw·x, Σw·x²]` over the first i distinct values (x centred and, for
/// extreme magnitudes, rescaled); entry 0 is all zeros.
struct Prefix(Vec<[f64; 3]>);

impl Prefix {
    fn new(u: &[f64], w: &[usize]) -> Prefix {
        let total: f64 = w.iter().map(|c| *c as f64).sum();
        let centre = u.iter().zip(w).map(|(x, c)| x * *c as f64).sum::<f64>() / total;
        // costs are compared, never reported, so extreme magnitudes may be rescaled
        let scale = super::magnitude_scale(u);
        let mut p = Vec::with_capacity(u.len() + 1);
        let mut acc = [0.0; 3];
        p.push(acc);
        for (x, n) in u.iter().zip(w) {
            let (x, n) = ((x - centre) / scale, *n as f64);
            acc = [acc[0] + n, acc[1] + n * x, acc[2] + n * x * x];
            p.push(acc);
        }
        Prefix(p)
    }

    /// Weighted sum of squared deviations of distinct values j..=i (j ≤ i).
    #[inline]
    fn ssq(&self, j: usize, i: usize) -> f64 {
        match (self.0.get(i + 1), self.0.get(j)) {
            (Some(a), Some(b)) => ssq_between(a, b),
            _ => f64::NAN,
        }
    }
}

/// Σw(x − x̄)² of the values between two prefix entries.
#[inline]
fn ssq_between(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let (w, s1, s2) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    (s2 - s1 * s1 / w).max(0.0)
}

/// Optimal upper bounds for `k` classes (2 ≤ k < m) of distinct values `u` with counts `w`.
fn optimal_breaks(u: &[f64], w: &[usize], k: usize) -> Vec<f64> {
    let m = u.len();
    let p = Prefix::new(u, w);
    // cost[i]: best SDCM of values 0..=i in q + 1 classes; first[q][i]: first index of the
    // last class in that optimum.
    let mut cost: Vec<f64> = (0..m).map(|i| p.ssq(0, i)).collect();
    let mut first: Vec<Vec<usize>> = Vec::with_capacity(k.saturating_sub(1));
    for q in 1..k {
        let mut next = vec![f64::INFINITY; m];
        let mut arg = vec![0usize; m];
        let last_layer = q + 1 == k;
        if last_layer {
            // only the full range is needed
            let (c, j) = best_split(&p, &cost, m - 1, q, m - 1);
            if let (Some(n), Some(a)) = (next.get_mut(m - 1), arg.get_mut(m - 1)) {
                (*n, *a) = (c, j);
            }
        } else {
            fill_layer(&p, &cost, &mut next, &mut arg, q, (q, m - 1), (q, m - 1));
        }
        cost = next;
        first.push(arg);
    }
    // backtrack from the full range
    let mut b = vec![0.0; k];
    let mut i = m - 1;
    for q in (0..k).rev() {
        if let Some(slot) = b.get_mut(q) {
            *slot = u.get(i).copied().unwrap_or(f64::NAN);
        }
        if q == 0 {
            break;
        }
        let j = first
            .get(q - 1)
            .and_then(|row| row.get(i))
            .copied()
            .unwrap_or(q);
        i = j.saturating_sub(1);
    }
    b
}

/// min over j in [lo_j, hi_j] (and j ≤ i) of prev[j − 1] + ssq(j, i); the smallest such j wins.
fn best_split(p: &Prefix, prev: &[f64], i: usize, lo_j: usize, hi_j: usize) -> (f64, usize) {
    let mut best = (f64::INFINITY, lo_j);
    let hi_j = hi_j.min(i);
    let (Some(end), Some(starts), Some(before)) = (
        p.0.get(i + 1),
        p.0.get(lo_j..=hi_j),
        prev.get(lo_j.wrapping_sub(1)..hi_j),
    ) else {
        return best;
    };
    for (j, (start, d)) in (lo_j..).zip(starts.iter().zip(before)) {
        let c = d + ssq_between(end, start);
        if c < best.0 {
            best = (c, j);
        }
    }
    best
}

/// Divide and conquer over i in `is` with the optimal j known to lie in `js`.
fn fill_layer(
    p: &Prefix,
    prev: &[f64],
    next: &mut [f64],
    arg: &mut [usize],
    q: usize,
    is: (usize, usize),
    js: (usize, usize),
) {
    let (ilo, ihi) = is;
    if ilo > ihi {
        return;
    }
    let mid = ilo + (ihi - ilo) / 2;
    let (c, j) = best_split(p, prev, mid, js.0.max(q), js.1);
    if let (Some(n), Some(a)) = (next.get_mut(mid), arg.get_mut(mid)) {
        (*n, *a) = (c, j);
    }
    if mid > ilo {
        fill_layer(p, prev, next, arg, q, (ilo, mid - 1), (js.0, j));
    }
    fill_layer(p, prev, next, arg, q, (mid + 1, ihi), (j, js.1));
}
