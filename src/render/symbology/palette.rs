//! ColorBrewer palettes (Brewer & Harrower 2003), taken from the `colorous` crate (a port of
//! d3-scale-chromatic, whose 3–9 (sequential) and 3–11 (diverging) class sets are the published
//! ColorBrewer colours), with the colour-blind-safety flags of colorbrewer2.org.

use crate::render::RenderError;
use crate::render::scene::Colour;
use colorous::Gradient;
use serde::Serialize;

/// The three ColorBrewer families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaletteKind {
    /// Ordered data, light (low) to dark (high).
    Sequential,
    /// Data around a meaningful midpoint.
    Diverging,
    /// Categories with no order.
    Qualitative,
}

/// A palette's description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PaletteInfo {
    pub name: &'static str,
    pub kind: PaletteKind,
    /// Largest number of classes that colorbrewer2.org marks colour-blind safe (0 = never).
    pub colour_blind_safe_up_to: usize,
    /// Largest number of distinct classes the scheme defines.
    pub max_classes: usize,
}

enum Source {
    Gradient(Gradient),
    Categorical(&'static [colorous::Color]),
}

const fn seq(name: &'static str, g: Gradient) -> (PaletteInfo, Source) {
    let info = PaletteInfo {
        name,
        kind: PaletteKind::Sequential,
        colour_blind_safe_up_to: 9,
        max_classes: 9,
    };
    (info, Source::Gradient(g))
}

const fn div(name: &'static str, g: Gradient, safe: bool) -> (PaletteInfo, Source) {
    let info = PaletteInfo {
        name,
        kind: PaletteKind::Diverging,
        colour_blind_safe_up_to: if safe { 11 } else { 0 },
        max_classes: 11,
    };
    (info, Source::Gradient(g))
}

const fn qual(
    name: &'static str,
    colours: &'static [colorous::Color],
    safe_up_to: usize,
) -> (PaletteInfo, Source) {
    let info = PaletteInfo {
        name,
        kind: PaletteKind::Qualitative,
        colour_blind_safe_up_to: safe_up_to,
        max_classes: colours.len(),
    };
    (info, Source::Categorical(colours))
}

/// Every palette, by ColorBrewer name.
static PALETTES: [(PaletteInfo, Source); 35] = [
    seq("Blues", colorous::BLUES),
    seq("Greens", colorous::GREENS),
    seq("Greys", colorous::GREYS),
    seq("Oranges", colorous::ORANGES),
    seq("Purples", colorous::PURPLES),
    seq("Reds", colorous::REDS),
    seq("BuGn", colorous::BLUE_GREEN),
    seq("BuPu", colorous::BLUE_PURPLE),
    seq("GnBu", colorous::GREEN_BLUE),
    seq("OrRd", colorous::ORANGE_RED),
    seq("PuBu", colorous::PURPLE_BLUE),
    seq("PuBuGn", colorous::PURPLE_BLUE_GREEN),
    seq("PuRd", colorous::PURPLE_RED),
    seq("RdPu", colorous::RED_PURPLE),
    seq("YlGn", colorous::YELLOW_GREEN),
    seq("YlGnBu", colorous::YELLOW_GREEN_BLUE),
    seq("YlOrBr", colorous::YELLOW_ORANGE_BROWN),
    seq("YlOrRd", colorous::YELLOW_ORANGE_RED),
    div("BrBG", colorous::BROWN_GREEN, true),
    div("PiYG", colorous::PINK_GREEN, true),
    div("PRGn", colorous::PURPLE_GREEN, true),
    div("PuOr", colorous::PURPLE_ORANGE, true),
    div("RdBu", colorous::RED_BLUE, true),
    div("RdGy", colorous::RED_GREY, false),
    div("RdYlBu", colorous::RED_YELLOW_BLUE, true),
    div("RdYlGn", colorous::RED_YELLOW_GREEN, false),
    div("Spectral", colorous::SPECTRAL, false),
    qual("Accent", &colorous::ACCENT, 0),
    qual("Dark2", &colorous::DARK2, 3),
    qual("Paired", &colorous::PAIRED, 4),
    qual("Pastel1", &colorous::PASTEL1, 0),
    qual("Pastel2", &colorous::PASTEL2, 0),
    qual("Set1", &colorous::SET1, 0),
    qual("Set2", &colorous::SET2, 3),
    qual("Set3", &colorous::SET3, 0),
];

/// Descriptions of every palette, in ColorBrewer's order (sequential, diverging, qualitative).
pub fn palettes() -> impl Iterator<Item = PaletteInfo> {
    PALETTES.iter().map(|(info, _)| *info)
}

/// Looks a palette up by name, ignoring case (`ylorrd` finds `YlOrRd`).
pub fn palette_info(name: &str) -> Option<PaletteInfo> {
    find(name).map(|(info, _)| *info)
}

fn find(name: &str) -> Option<&'static (PaletteInfo, Source)> {
    PALETTES
        .iter()
        .find(|(info, _)| info.name.eq_ignore_ascii_case(name.trim()))
}

/// `k` colours of the palette `name`, light to dark for sequential schemes (or reversed).
/// Sequential and diverging schemes give ColorBrewer's own k-class set for k ≤ 9 (11); more
/// classes are interpolated along the scheme. Qualitative schemes refuse more classes than
/// they have colours.
///
/// ```
/// use local_atlas::render::symbology::palette::colours;
/// use local_atlas::render::scene::Colour;
/// // ColorBrewer YlOrRd, 5 classes: #ffffb2 #fecc5c #fd8d3c #f03b20 #bd0026
/// let c = colours("YlOrRd", 5, false).unwrap();
/// assert_eq!(c[0], Colour::parse("#ffffb2").unwrap());
/// assert_eq!(c[4], Colour::parse("#bd0026").unwrap());
/// assert_eq!(colours("ylorrd", 5, true).unwrap()[0], c[4]);
/// assert!(colours("Set2", 9, false).is_err());
/// ```
pub fn colours(name: &str, k: usize, reverse: bool) -> Result<Vec<Colour>, RenderError> {
    let (info, source) = find(name).ok_or_else(|| {
        let names: Vec<&str> = palettes().map(|p| p.name).collect();
        RenderError::Invalid(format!(
            "unknown palette '{name}'; expected one of: {}",
            names.join(", ")
        ))
    })?;
    if k == 0 {
        return Err(RenderError::Invalid(
            "a palette needs at least one class".into(),
        ));
    }
    let convert = |c: colorous::Color| Colour::rgb(c.r, c.g, c.b);
    let mut out: Vec<Colour> = match source {
        Source::Gradient(g) => (0..k).map(|i| convert(g.eval_rational(i, k))).collect(),
        Source::Categorical(list) => {
            if k > list.len() {
                return Err(RenderError::Invalid(format!(
                    "palette {} has {} colours, {k} classes asked; choose a sequential palette or fewer classes",
                    info.name,
                    list.len()
                )));
            }
            list.iter().take(k).copied().map(convert).collect()
        }
    };
    if reverse {
        out.reverse();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_palette_gives_distinct_colours_up_to_its_maximum() {
        for info in palettes() {
            for k in 3..=info.max_classes {
                let c = colours(info.name, k, false).unwrap();
                assert_eq!(c.len(), k);
                let distinct: std::collections::HashSet<_> = c.iter().collect();
                assert_eq!(distinct.len(), k, "{} k={k}", info.name);
            }
        }
    }

    #[test]
    fn sequential_palettes_darken() {
        let luminance =
            |c: &Colour| 0.2126 * c.r as f64 + 0.7152 * c.g as f64 + 0.0722 * c.b as f64;
        for info in palettes().filter(|p| p.kind == PaletteKind::Sequential) {
            let c = colours(info.name, 7, false).unwrap();
            assert!(
                c.windows(2).all(|w| luminance(&w[0]) > luminance(&w[1])),
                "{}",
                info.name
            );
        }
    }

    #[test]
    fn known_brewer_colours() {
        // colorbrewer2.org RdBu 3-class: #ef8a62 #f7f7f7 #67a9cf
        let c = colours("RdBu", 3, false).unwrap();
        let hex: Vec<String> = c.iter().map(Colour::hex).collect();
        assert_eq!(hex, ["#ef8a62", "#f7f7f7", "#67a9cf"]);
        assert_eq!(palette_info("Paired").unwrap().colour_blind_safe_up_to, 4);
        assert!(colours("Viridis", 5, false).is_err());
    }
}
