//! Standard deviation classes (mapclassify `StdMean(multiples=[-2, -1, 1, 2])`, GeoDa's
//! standard deviation map).
//!
//! **Definition.** With mean ȳ and standard deviation s = √(Σ(y − ȳ)²/(n − ddof)), the upper
//! bounds are ȳ − 2s, ȳ − s, ȳ + s, ȳ + 2s and, when values exceed ȳ + 2s, the maximum. ddof = 1
//! (sample sd) is the default and what mapclassify 2.10 uses (`y.std(ddof=1)`); ddof = 0 gives
//! the population sd. The classes are fixed categories: an empty class below ȳ − 2s is kept.
//! Cost O(n).
//!
//! ```
//! use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
//! let v: Vec<Option<f64>> = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0].into_iter().map(Some).collect();
//! // mean 5, population sd 2
//! let o = ClassifyOptions { method: Method::Stddev, sd_ddof: 0, ..Default::default() };
//! let c = classify(&v, &o).unwrap();
//! assert_eq!(c.breaks, vec![1.0, 3.0, 7.0, 9.0]);
//! assert_eq!(c.counts, vec![0, 1, 6, 1]);
//! ```

pub(super) fn breaks(sorted: &[f64], ddof: u8, notes: &mut Vec<String>) -> Vec<f64> {
    let n = sorted.len();
    let max = sorted.last().copied().unwrap_or(f64::NAN);
    let dof = n.saturating_sub(usize::from(ddof));
    if dof == 0 {
        notes.push(format!(
            "standard deviation undefined for {n} value(s) with ddof {ddof}: one class"
        ));
        return vec![max];
    }
    let mean = sorted.iter().sum::<f64>() / n as f64;
    let scale = super::magnitude_scale(sorted);
    let ss: f64 = sorted
        .iter()
        .map(|y| ((y - mean) / scale) * ((y - mean) / scale))
        .sum();
    let sd = scale * (ss / dof as f64).sqrt();
    let mut b: Vec<f64> = [-2.0, -1.0, 1.0, 2.0]
        .iter()
        .map(|m| mean + m * sd)
        .collect();
    if b.last().is_some_and(|top| *top < max) {
        b.push(max);
    } else {
        notes.push(format!(
            "no values above mean + 2 sd ({}): 4 classes",
            mean + 2.0 * sd
        ));
    }
    b
}
