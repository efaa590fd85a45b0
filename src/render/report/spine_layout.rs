//! Where a spine chart's bands and marker sit, as fractions of the chart's width, shared by the
//! HTML and PDF writers so both draw the same chart.
//!
//! Fingertips' rule: the benchmark sits at the centre; the chart spans centre ± half-width,
//! half-width = max(|B − min|, |B − max|); the bands are min–P25, P25–P75 and P75–max of the
//! comparator areas; the best end is on the right, so the axis runs high → low (flipped) when
//! low is good. With no judgement (neutral) the highest value is on the right.

use super::document::{Polarity, Row, Spine};

/// Positions in 0..=1 from the left edge of the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpinePositions {
    /// The left and right ends of the three bands, left to right: an outer band (min–P25 or
    /// P75–max), the interquartile band, the other outer band.
    pub bands: [(f64, f64); 3],
    /// The benchmark line (0.5).
    pub centre: f64,
    /// The area's marker; none: the area has no value.
    pub marker: Option<f64>,
}

/// The position of `value` on the chart (0 = left edge), clamped to the chart.
pub fn position(spine: &Spine, value: f64, flipped: bool) -> f64 {
    let half = if spine.half_width > 0.0 {
        spine.half_width
    } else {
        1.0
    };
    let t = 0.5 + (value - spine.centre) / (2.0 * half);
    let t = if flipped { 1.0 - t } else { t };
    t.clamp(0.0, 1.0)
}

/// Whether the axis runs high → low (low is good: best on the right).
pub fn flipped(polarity: Polarity) -> bool {
    polarity == Polarity::LowerIsBetter
}

/// The chart of one row; none when the row has no spine.
///
/// ```
/// use local_atlas::render::report::document::{Polarity, Spine};
/// use local_atlas::render::report::spine_layout::layout;
/// let s = Spine { min: 10.0, p25: 15.0, p75: 25.0, max: 30.0, centre: 20.0, half_width: 10.0 };
/// let p = layout(&s, Some(25.0), Polarity::HigherIsBetter);
/// assert_eq!(p.bands, [(0.0, 0.25), (0.25, 0.75), (0.75, 1.0)]);
/// assert_eq!(p.marker, Some(0.75));
/// // Low is good: the same value sits left of centre, the low end on the right.
/// let q = layout(&s, Some(25.0), Polarity::LowerIsBetter);
/// assert_eq!(q.marker, Some(0.25));
/// assert_eq!(q.bands[0], (0.0, 0.25));
/// ```
pub fn layout(spine: &Spine, value: Option<f64>, polarity: Polarity) -> SpinePositions {
    let f = flipped(polarity);
    let at = |v: f64| position(spine, v, f);
    let band = |a: f64, b: f64| {
        let (x, y) = (at(a), at(b));
        (x.min(y), x.max(y))
    };
    let mut bands = [
        band(spine.min, spine.p25),
        band(spine.p25, spine.p75),
        band(spine.p75, spine.max),
    ];
    bands.sort_by(|a, b| a.0.total_cmp(&b.0));
    SpinePositions {
        bands,
        centre: 0.5,
        marker: value.filter(|v| v.is_finite()).map(at),
    }
}

/// The chart of a row, if it has a spine.
pub fn row_layout(row: &Row) -> Option<SpinePositions> {
    row.spine.as_ref().map(|s| {
        layout(
            s,
            if row.value_suppressed {
                None
            } else {
                row.value
            },
            row.polarity,
        )
    })
}

/// The band colours left to right: the range min–max light grey with the interquartile range
/// shaded darker (Fingertips' spine).
pub const BAND_COLOURS: [&str; 3] = ["#dadada", "#a5a5a5", "#dadada"];
