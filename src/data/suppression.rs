//! The missing-data and suppression markers of published statistics (ONS, NHS, DfE…): the one
//! table every reader of numbers uses, so a cell means the same in every file we read.

/// What a marker cell says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// No value exists or was collected (`..`, `:`, `-`, `NA`, an empty cell…).
    Missing,
    /// A value exists but is withheld, usually to protect small counts (`*`, `c`, `x`…).
    Suppressed,
}

/// Cells (after trimming) that mean "no value".
pub const MISSING: &[&str] = &["", "..", ":", "-", "NA", "N/A", "n/a"];

/// Cells (after trimming) that mean "value withheld".
pub const SUPPRESSED: &[&str] = &["*", "~", "x", "X", "c", "C"];

/// The marker a cell holds, if it is one (surrounding spaces ignored).
///
/// ```
/// use local_atlas::data::suppression::{marker, Marker};
/// assert_eq!(marker(" .. "), Some(Marker::Missing));
/// assert_eq!(marker("c"), Some(Marker::Suppressed));
/// assert_eq!(marker("12"), None);
/// ```
pub fn marker(cell: &str) -> Option<Marker> {
    let s = cell.trim();
    if MISSING.contains(&s) {
        Some(Marker::Missing)
    } else if SUPPRESSED.contains(&s) {
        Some(Marker::Suppressed)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_cell_is_both_missing_and_suppressed() {
        assert!(MISSING.iter().all(|m| !SUPPRESSED.contains(m)));
        assert_eq!(marker("n/a"), Some(Marker::Missing));
        assert_eq!(marker("X"), Some(Marker::Suppressed));
        assert_eq!(marker("high"), None);
    }
}
