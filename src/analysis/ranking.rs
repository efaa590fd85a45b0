//! Rankings of areas by an indicator: which end is worse, and which areas are among the worst
//! X% (the hatch of a map, the deprived areas a site finder must cover).

/// Which end of an indicator is worse (from its polarity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Worse {
    /// Higher values are worse ("lower is better", e.g. the IMD score).
    High,
    /// Lower values are worse ("higher is better", e.g. life expectancy).
    Low,
    /// Neither ("neutral").
    Neither,
}

/// Which areas are among the worst `percent`% by value (the high end when `worse` is High or
/// Neither, the low end when Low). The cut-off is the value of the ⌈n·p/100⌉-th worst area and
/// areas tied with it are included, so the share can slightly exceed p. Missing values are
/// never selected.
///
/// ```
/// use local_atlas::analysis::ranking::{worst_share, Worse};
/// let v = [Some(5.0), Some(1.0), None, Some(9.0), Some(7.0), Some(3.0)];
/// // 5 values, 40% → the 2 highest
/// assert_eq!(worst_share(&v, 40.0, Worse::High), [false, false, false, true, true, false]);
/// assert_eq!(worst_share(&v, 20.0, Worse::Low), [false, true, false, false, false, false]);
/// ```
pub fn worst_share(values: &[Option<f64>], percent: f64, worse: Worse) -> Vec<bool> {
    let sign = if worse == Worse::Low { -1.0 } else { 1.0 };
    let mut finite: Vec<f64> = values
        .iter()
        .filter_map(|v| v.filter(|x| x.is_finite()).map(|x| sign * x))
        .collect();
    finite.sort_unstable_by(|a, b| b.total_cmp(a));
    let take = ((finite.len() as f64) * percent.clamp(0.0, 100.0) / 100.0).ceil() as usize;
    let Some(cut) = take.checked_sub(1).and_then(|i| finite.get(i)).copied() else {
        return vec![false; values.len()];
    };
    values
        .iter()
        .map(|v| v.is_some_and(|x| x.is_finite() && sign * x >= cut))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_with_the_cut_off_are_included_and_nothing_is_taken_from_nothing() {
        let v = [Some(1.0), Some(2.0), Some(2.0), Some(3.0)];
        // 25% of 4 = the single worst; 50% = 2 areas, and the tie at 2.0 joins them.
        assert_eq!(
            worst_share(&v, 25.0, Worse::High),
            [false, false, false, true]
        );
        assert_eq!(
            worst_share(&v, 50.0, Worse::High),
            [false, true, true, true]
        );
        assert_eq!(worst_share(&v, 0.0, Worse::Low), [false; 4]);
        assert_eq!(
            worst_share(&[None, Some(f64::NAN)], 100.0, Worse::High),
            [false; 2]
        );
    }
}
