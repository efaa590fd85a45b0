//! Cartographic symbology: turns classified values into fills and legend entries, with the
//! conventions analysts know — ColorBrewer palettes oriented so that darker means worse, a
//! distinct neutral for missing and suppressed areas, GeoDa's LISA cluster colours, ArcGIS's
//! Gi* hot/cold spot colours, and a hatch for "the most deprived X%".

pub mod clusters;
pub mod density;
pub mod format;
pub mod palette;

use super::input::{LegendBlock, LegendEntry, Swatch};
use super::scene::{Colour, Fill, Stroke};
use crate::analysis::classify::Classification;
pub use format::format_value;

/// Which end of an indicator is worse: the ranking lives in the analysis layer.
pub use crate::analysis::ranking::Worse;

/// An area's state for a choropleth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AreaValue {
    Value(f64),
    /// No value published or imported.
    Missing,
    /// Withheld by the publisher (small numbers, disclosure control).
    Suppressed,
}

/// Colour of areas with no value.
pub const MISSING: Colour = Colour::rgb(0xd9, 0xd9, 0xd9);

/// Fill of areas whose value is suppressed: grey hatching on the page colour, so it reads as
/// "withheld" and not as a low value.
pub fn suppressed_fill() -> Fill {
    Fill::Hatch {
        colour: Colour::rgb(0x73, 0x73, 0x73),
        spacing_mm: 1.0,
        angle_deg: 45.0,
        width_mm: 0.18,
    }
}

/// The thin outline drawn around every choropleth area.
pub fn area_stroke() -> Stroke {
    Stroke::solid(Colour::rgb(0xff, 0xff, 0xff), 0.06)
}

/// The default palette for an indicator: a sequential ColorBrewer scheme oriented so that the
/// darkest class is the worst (YlOrRd; reversed when low values are worse), Blues for neutral
/// indicators (darker = higher). Returns (name, reverse).
///
/// ```
/// use local_atlas::render::symbology::{default_palette, Worse};
/// assert_eq!(default_palette(Worse::High), ("YlOrRd", false));
/// assert_eq!(default_palette(Worse::Low), ("YlOrRd", true));
/// ```
pub fn default_palette(worse: Worse) -> (&'static str, bool) {
    match worse {
        Worse::High => ("YlOrRd", false),
        Worse::Low => ("YlOrRd", true),
        Worse::Neither => ("Blues", false),
    }
}

/// Legend options of one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegendOptions {
    pub counts: bool,
    /// Every class, or only those with at least one area in view.
    pub all_classes: bool,
}

/// A symbolised choropleth: one fill per area and the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Choropleth {
    pub fills: Vec<Fill>,
    pub legend: LegendBlock,
}

/// Fills and legend of a classed choropleth. `classification` was made from `values` (its
/// `classes` align with them); `colours` has one colour per class; `counted[i]` says whether
/// area i counts in the legend (areas in view; all when `None`). Labels state the classes as
/// mapclassify defines them: the first class runs from the minimum to its upper bound, later
/// classes are "> lower – upper" (upper bounds inclusive).
///
/// ```
/// use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
/// use local_atlas::render::symbology::*;
/// use local_atlas::render::scene::Colour;
/// let raw = [1.0, 2.0, 3.0, 10.0, 11.0, 12.0];
/// let values: Vec<AreaValue> = raw.iter().map(|&v| AreaValue::Value(v)).collect();
/// let opts = ClassifyOptions { method: Method::Jenks, k: 2, ..Default::default() };
/// let c = classify(&raw.map(Some), &opts).unwrap();
/// let colours = [Colour::rgb(255, 255, 178), Colour::rgb(189, 0, 38)];
/// let legend = LegendOptions { counts: true, all_classes: true };
/// let map = choropleth(&values, &c, &colours, 1, "Score", legend, None);
/// let labels: Vec<&str> = map.legend.entries.iter().map(|e| e.label.as_str()).collect();
/// assert_eq!(labels, ["1.0 – 3.0", "> 3.0 – 12.0"]);
/// assert_eq!(map.legend.entries[1].count, Some(3));
/// ```
pub fn choropleth(
    values: &[AreaValue],
    classification: &Classification,
    colours: &[Colour],
    decimals: usize,
    title: &str,
    legend: LegendOptions,
    counted: Option<&[bool]>,
) -> Choropleth {
    let k = classification.breaks.len();
    let colour_of = |class: usize| colours.get(class).copied().unwrap_or(MISSING);
    let mut counts = vec![0usize; k];
    let (mut missing, mut suppressed) = (0usize, 0usize);
    let mut fills = Vec::with_capacity(values.len());
    let mut min = f64::INFINITY;
    for (i, value) in values.iter().enumerate() {
        let in_view = counted.is_none_or(|c| c.get(i).copied().unwrap_or(false));
        let class = classification.classes.get(i).copied().flatten();
        let fill = match (value, class) {
            (AreaValue::Value(v), Some(class)) => {
                min = min.min(*v);
                if in_view && let Some(n) = counts.get_mut(class) {
                    *n += 1;
                }
                Fill::Solid(colour_of(class))
            }
            (AreaValue::Suppressed, _) => {
                suppressed += usize::from(in_view);
                suppressed_fill()
            }
            _ => {
                missing += usize::from(in_view);
                Fill::Solid(MISSING)
            }
        };
        fills.push(fill);
    }
    let mut entries = Vec::new();
    for (class, upper) in classification.breaks.iter().enumerate() {
        let count = counts.get(class).copied().unwrap_or(0);
        if !legend.all_classes && count == 0 {
            continue;
        }
        let lower = class
            .checked_sub(1)
            .and_then(|c| classification.breaks.get(c));
        let (from, to) = (
            format_value(lower.copied().unwrap_or(min), decimals),
            format_value(*upper, decimals),
        );
        // A degenerate class (its bounds print alike, e.g. one repeated value) is labelled
        // once: "8.6", not "8.6 – 8.6".
        let label = match lower {
            _ if from == to => to,
            None => format!("{from} – {to}"),
            Some(_) => format!("> {from} – {to}"),
        };
        entries.push(area_entry(
            Fill::Solid(colour_of(class)),
            label,
            count,
            legend,
        ));
    }
    if missing > 0 {
        entries.push(area_entry(
            Fill::Solid(MISSING),
            "No data".into(),
            missing,
            legend,
        ));
    }
    if suppressed > 0 {
        entries.push(area_entry(
            suppressed_fill(),
            "Suppressed".into(),
            suppressed,
            legend,
        ));
    }
    Choropleth {
        fills,
        legend: LegendBlock {
            title: title.to_string(),
            entries,
        },
    }
}

/// A legend row for an area fill.
pub fn area_entry(fill: Fill, label: String, count: usize, legend: LegendOptions) -> LegendEntry {
    LegendEntry {
        swatch: Swatch::Area {
            fill,
            stroke: Some(Stroke::solid(Colour::rgb(0x96, 0x96, 0x96), 0.1)),
        },
        label,
        count: legend.counts.then_some(count),
    }
}

/// The hatch drawn over the worst X% of areas.
pub fn share_hatch(colour: Colour) -> Fill {
    Fill::Hatch {
        colour,
        spacing_mm: 1.4,
        angle_deg: -45.0,
        width_mm: 0.25,
    }
}
