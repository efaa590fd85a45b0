//! Head/tail breaks (Jiang 2013, "Head/tail breaks: a new classification scheme for data with
//! a heavy-tailed distribution", *The Professional Geographer* 65(3)).
//!
//! **Definition.** Split the values at their mean into a tail (≤ mean) and a head (> mean);
//! the mean is a break. While the head is a minority — fewer than 40 % of the values being
//! split — and holds more than one distinct value, split the head again at its own mean. The
//! last class ends at the maximum. The number of classes (Jiang's ht-index) is therefore set by
//! the data and `k` is ignored. The first split is always made, so a non-constant input gives at
//! least two classes; if its head already holds ≥ 40 % of the values the data are not
//! heavy-tailed and the notes say so.
//!
//! mapclassify's `HeadTailBreaks` omits the 40 % rule and splits until one distinct value
//! remains; its breaks are the same successive means, so ours are its first breaks followed by
//! the maximum. R's classInt `style = "headtails"` uses the same rule with `≤ 0.4`. Cost O(n)
//! after the sort (each split bisects the sorted values).
//!
//! ```
//! use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
//! // Pareto-like data 1/i^1.16, i = 1 … 99 (the example of the `htb` Python implementation)
//! let v: Vec<Option<f64>> = (1..100).map(|i| Some((1.0 / f64::from(i)).powf(1.16))).collect();
//! let c = classify(&v, &ClassifyOptions { method: Method::Headtail, ..Default::default() })
//!     .unwrap();
//! let expected = [0.03883742394002349, 0.177990388624465, 0.481845351678573, 1.0];
//! assert_eq!(c.k, 4);
//! for (b, e) in c.breaks.iter().zip(expected) {
//!     assert!((b - e).abs() < 1e-12 * e);
//! }
//! ```

/// The head must be a smaller share than this of the values being split to split again.
pub(super) const HEAD_SHARE_LIMIT: f64 = 0.4;

pub(super) fn breaks(sorted: &[f64], notes: &mut Vec<String>) -> Vec<f64> {
    let Some(&max) = sorted.last() else {
        return Vec::new();
    };
    let mut b = Vec::new();
    let mut current = sorted;
    loop {
        let n = current.len();
        let mean = current.iter().sum::<f64>() / n as f64;
        // A constant subset has nothing to split (its mean is its value, the maximum).
        if current.first() == current.last() || mean >= max {
            break;
        }
        b.push(mean);
        let head = current
            .get(current.partition_point(|v| *v <= mean)..)
            .unwrap_or(&[]);
        let share = head.len() as f64 / n as f64;
        if share >= HEAD_SHARE_LIMIT {
            let why = if b.len() == 1 {
                " — the values are not heavy-tailed"
            } else {
                ""
            };
            notes.push(format!(
                "head/tail breaks stopped after {} split(s): the head held {:.1} % of the values \
                 split (≥ 40 %){why}",
                b.len(),
                100.0 * share
            ));
            break;
        }
        if head.len() <= 1 {
            break;
        }
        current = head;
    }
    b.push(max);
    b
}
