//! Manual breaks (mapclassify `UserDefined`, QGIS "Custom").
//!
//! **Definition.** The user's upper bounds, which must be finite and strictly ascending, are
//! used as given. Values at or below the first bound form class 0. When values exceed the last
//! bound, an extra class with the maximum as its bound is added (as mapclassify does) and the
//! notes say so, so no value is left unclassified. Cost O(n·k) to assign classes.
//!
//! ```
//! use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
//! let v: Vec<Option<f64>> = [5.0, 15.0, 25.0, 40.0].into_iter().map(Some).collect();
//! let o = ClassifyOptions { method: Method::Manual, manual_breaks: vec![10.0, 20.0, 30.0], ..Default::default() };
//! let c = classify(&v, &o).unwrap();
//! assert_eq!(c.breaks, vec![10.0, 20.0, 30.0, 40.0]);
//! assert_eq!(c.counts, vec![1, 1, 1, 1]);
//! assert_eq!(c.requested_k, 3);
//! ```

use super::ClassifyError;

pub(super) fn validate(manual: &[f64]) -> Result<(), ClassifyError> {
    if manual.is_empty() {
        return Err(ClassifyError::BadManualBreaks(
            "no breaks given".to_string(),
        ));
    }
    if let Some(bad) = manual.iter().find(|b| !b.is_finite()) {
        return Err(ClassifyError::BadManualBreaks(format!(
            "{bad} is not a finite number"
        )));
    }
    if let Some(w) = manual.windows(2).find(|w| w[0] >= w[1]) {
        return Err(ClassifyError::BadManualBreaks(format!(
            "breaks must be strictly ascending, but {} is followed by {}",
            w[0], w[1]
        )));
    }
    Ok(())
}

pub(super) fn breaks(sorted: &[f64], manual: &[f64], notes: &mut Vec<String>) -> Vec<f64> {
    let mut b = manual.to_vec();
    if let (Some(&max), Some(&last)) = (sorted.last(), manual.last())
        && max > last
    {
        let above = sorted.len() - sorted.partition_point(|v| *v <= last);
        notes.push(format!(
            "{above} value(s) above the last manual break ({last}) form an extra class up to \
             the maximum ({max})"
        ));
        b.push(max);
    }
    b
}
