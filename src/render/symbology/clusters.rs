//! Conventional colours of LISA cluster maps (GeoDa) and Gi* hot/cold spot maps (ArcGIS Pro's
//! "Hot Spot Analysis" renderer), for the codes `stats … --save` writes; and the categories of
//! a siting status (`site --save`): newly covered green, partly covered light orange, covered
//! by the existing sites blue, not covered red-orange (the gaps to act on), no demand grey.

use super::{LegendOptions, area_entry};
use crate::analysis::result_codes::{
    COMPARISON, GISTAR_CLASS, LISA_CLUSTER, ResultCode, SITE_STATUS,
};
use crate::render::input::LegendBlock;
use crate::render::scene::{Colour, Fill};
use crate::render::spec::ClusterScheme;

/// A class of [`crate::analysis::result_codes`] with its colour.
const fn class(c: ResultCode, colour: Colour) -> (i64, &'static str, Colour) {
    (c.code, c.label, colour)
}

/// (code, label, colour) of every class, in legend order.
pub fn classes(scheme: ClusterScheme) -> &'static [(i64, &'static str, Colour)] {
    const LISA: [(i64, &str, Colour); 6] = [
        class(LISA_CLUSTER[0], Colour::rgb(0xff, 0x00, 0x00)),
        class(LISA_CLUSTER[1], Colour::rgb(0x00, 0x00, 0xff)),
        class(LISA_CLUSTER[2], Colour::rgb(0xa7, 0xad, 0xf9)),
        class(LISA_CLUSTER[3], Colour::rgb(0xf4, 0xad, 0xa8)),
        class(LISA_CLUSTER[4], Colour::rgb(0xee, 0xee, 0xee)),
        class(LISA_CLUSTER[5], Colour::rgb(0x99, 0x99, 0x99)),
    ];
    const GISTAR: [(i64, &str, Colour); 7] = [
        class(GISTAR_CLASS[0], Colour::rgb(0xd6, 0x2f, 0x27)),
        class(GISTAR_CLASS[1], Colour::rgb(0xed, 0x75, 0x51)),
        class(GISTAR_CLASS[2], Colour::rgb(0xfa, 0xb9, 0x84)),
        class(GISTAR_CLASS[3], Colour::rgb(0xf7, 0xf7, 0xf2)),
        class(GISTAR_CLASS[4], Colour::rgb(0xc0, 0xcc, 0xbe)),
        class(GISTAR_CLASS[5], Colour::rgb(0x84, 0x9e, 0xba)),
        class(GISTAR_CLASS[6], Colour::rgb(0x45, 0x75, 0xb5)),
    ];
    const SITING: [(i64, &str, Colour); 5] = [
        class(SITE_STATUS[0], Colour::rgb(0x1a, 0x98, 0x50)),
        class(SITE_STATUS[1], Colour::rgb(0xfd, 0xae, 0x61)),
        class(SITE_STATUS[2], Colour::rgb(0x6b, 0xae, 0xd6)),
        class(SITE_STATUS[3], Colour::rgb(0xd7, 0x30, 0x27)),
        class(SITE_STATUS[4], Colour::rgb(0xee, 0xee, 0xee)),
    ];
    // Fingertips' colours; best and worst (beyond 99.8%) a shade darker than better and worse
    // so a two-level map keeps them apart (Fingertips gives them no colours of their own).
    const SIGNIFICANCE: [(i64, &str, Colour); 8] = [
        class(COMPARISON[0], Colour::rgb(0x4e, 0x8f, 0x1c)),
        class(COMPARISON[1], Colour::rgb(0x92, 0xd0, 0x50)),
        class(COMPARISON[2], Colour::rgb(0xbe, 0xd2, 0xff)),
        class(COMPARISON[3], Colour::rgb(0xff, 0xc0, 0x00)),
        class(COMPARISON[4], Colour::rgb(0x55, 0x55, 0xe6)),
        class(COMPARISON[5], Colour::rgb(0xc0, 0x00, 0x00)),
        class(COMPARISON[6], Colour::rgb(0x70, 0x00, 0x00)),
        class(COMPARISON[7], Colour::rgb(0xc9, 0xc9, 0xc9)),
    ];
    match scheme {
        ClusterScheme::Significance => &SIGNIFICANCE,
        ClusterScheme::Lisa => &LISA,
        ClusterScheme::GiStar => &GISTAR,
        ClusterScheme::Siting => &SITING,
    }
}

/// Fills and legend for cluster codes (`None`, or a code outside the scheme, is "No data").
///
/// ```
/// use local_atlas::render::symbology::{clusters::symbolise, LegendOptions};
/// use local_atlas::render::spec::ClusterScheme;
/// let legend = LegendOptions { counts: true, all_classes: false };
/// let (fills, block) = symbolise(&[Some(1.0), Some(0.0), Some(1.0), None], ClusterScheme::Lisa, "LISA", legend, None);
/// assert_eq!(fills.len(), 4);
/// let rows: Vec<(&str, Option<usize>)> = block.entries.iter().map(|e| (e.label.as_str(), e.count)).collect();
/// assert_eq!(rows, [("High–High", Some(2)), ("Not significant", Some(1)), ("No data", Some(1))]);
/// ```
pub fn symbolise(
    codes: &[Option<f64>],
    scheme: ClusterScheme,
    title: &str,
    legend: LegendOptions,
    counted: Option<&[bool]>,
) -> (Vec<Fill>, LegendBlock) {
    let table = classes(scheme);
    let mut counts = vec![0usize; table.len()];
    let mut missing = 0usize;
    let mut fills = Vec::with_capacity(codes.len());
    for (i, code) in codes.iter().enumerate() {
        let in_view = counted.is_none_or(|c| c.get(i).copied().unwrap_or(false));
        let class = code
            .filter(|c| c.fract() == 0.0)
            .and_then(|c| table.iter().position(|(k, _, _)| *k as f64 == c));
        match class {
            Some(index) => {
                if in_view && let Some(n) = counts.get_mut(index) {
                    *n += 1;
                }
                fills.push(Fill::Solid(table[index].2));
            }
            None => {
                missing += usize::from(in_view);
                fills.push(Fill::Solid(super::MISSING));
            }
        }
    }
    let mut entries: Vec<_> = table
        .iter()
        .zip(&counts)
        .filter(|(_, n)| legend.all_classes || **n > 0)
        .map(|((_, label, colour), n)| {
            area_entry(Fill::Solid(*colour), label.to_string(), *n, legend)
        })
        .collect();
    if missing > 0 {
        entries.push(area_entry(
            Fill::Solid(super::MISSING),
            "No data".into(),
            missing,
            legend,
        ));
    }
    (
        fills,
        LegendBlock {
            title: title.to_string(),
            entries,
        },
    )
}

/// Whether a significance legend lists class `label` when no area falls in it: the classes
/// the comparison can give (better/similar/worse with a polarity, higher/similar/lower without;
/// best and worst with two levels or quintiles), so a reader sees "Worse than England (0)".
///
/// ```
/// use local_atlas::render::symbology::clusters::significance_class_shown;
/// assert!(significance_class_shown("Worse", "England (95%)", true));
/// assert!(!significance_class_shown("Worst", "England (95%)", true));
/// assert!(significance_class_shown("Worst", "England (95% and 99.8%)", true));
/// assert!(!significance_class_shown("Better", "England (95%)", false));
/// assert!(!significance_class_shown("Not compared", "England (95%)", true));
/// ```
pub fn significance_class_shown(label: &str, against: &str, judged: bool) -> bool {
    let strong = against.contains("99.8%)") && against.contains("95% and")
        || against.contains("quintiles")
        || against.contains("quartiles");
    match label {
        "Better" | "Worse" => judged,
        "Best" | "Worst" => judged && strong,
        "Higher" | "Lower" => !judged,
        "Similar" => !against.contains("quartiles"),
        _ => false,
    }
}

/// A significance legend row in words, from the class label and what the areas were compared
/// with ("England (95%)"): "Better than England (95%)", "Similar to England (95%)"; with two
/// levels ("England (95% and 99.8%)") better/worse read 95% and best/worst 99.8%. Labels of
/// group comparisons (no level in brackets), "Not compared" and "No data" stay as they are.
///
/// ```
/// use local_atlas::render::symbology::clusters::significance_label;
/// assert_eq!(significance_label("Worse", "England (95%)"), "Worse than England (95%)");
/// assert_eq!(significance_label("Similar", "England (95%)"), "Similar to England (95%)");
/// assert_eq!(significance_label("Best", "England (95% and 99.8%)"), "Better than England (99.8%)");
/// assert_eq!(significance_label("Better", "England (95% and 99.8%)"), "Better than England (95%)");
/// assert_eq!(significance_label("Better", "the quintiles of the lad16 areas"), "Better");
/// assert_eq!(significance_label("Not compared", "England (95%)"), "Not compared");
/// ```
pub fn significance_label(label: &str, against: &str) -> String {
    let Some((name, level)) = against.rsplit_once(" (") else {
        return label.to_string();
    };
    let level = level.trim_end_matches(')');
    let two = level == "95% and 99.8%";
    let at = |strong: bool| match (two, strong) {
        (true, true) => "99.8%",
        (true, false) => "95%",
        _ => level,
    };
    match label {
        "Best" => format!("Better than {name} ({})", at(true)),
        "Better" => format!("Better than {name} ({})", at(false)),
        "Similar" => format!("Similar to {name} ({})", at(false)),
        "Worse" => format!("Worse than {name} ({})", at(false)),
        "Worst" => format!("Worse than {name} ({})", at(true)),
        "Higher" => format!("Higher than {name} ({})", at(false)),
        "Lower" => format!("Lower than {name} ({})", at(false)),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siting_status_maps_to_its_categories() {
        let legend = LegendOptions {
            counts: true,
            all_classes: false,
        };
        let codes = [
            Some(3.0),
            Some(1.0),
            Some(1.0),
            Some(0.0),
            Some(4.0),
            Some(7.0),
        ];
        let (fills, block) = symbolise(&codes, ClusterScheme::Siting, "status", legend, None);
        let rows: Vec<(&str, Option<usize>)> = block
            .entries
            .iter()
            .map(|e| (e.label.as_str(), e.count))
            .collect();
        assert_eq!(
            rows,
            [
                ("newly covered", Some(1)),
                ("partly covered", Some(1)),
                ("not covered", Some(2)),
                ("no demand", Some(1)),
                ("No data", Some(1)),
            ]
        );
        assert_eq!(fills[0], Fill::Solid(Colour::rgb(0x1a, 0x98, 0x50)));
    }

    #[test]
    fn conventional_colours_stay_with_their_classes() {
        let colour = |scheme, code| {
            classes(scheme)
                .iter()
                .find(|(k, _, _)| *k == code)
                .map(|(_, l, c)| (*l, *c))
        };
        assert_eq!(
            colour(ClusterScheme::Lisa, 1),
            Some(("High–High", Colour::rgb(0xff, 0x00, 0x00)))
        );
        assert_eq!(
            colour(ClusterScheme::GiStar, -3),
            Some(("Cold spot, 99% confidence", Colour::rgb(0x45, 0x75, 0xb5)))
        );
        assert_eq!(
            colour(ClusterScheme::Siting, 1),
            Some(("not covered", Colour::rgb(0xd7, 0x30, 0x27)))
        );
    }
}
