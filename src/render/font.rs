//! The bundled font (DejaVu Sans, regular and bold; `assets/fonts`) and text measurement.
//!
//! Every export draws text with these two faces only, never system fonts, so a map is laid out
//! and rendered identically on every machine. The layout measures strings with the same font
//! files the backends draw with: the advance widths of the glyphs (kerning ignored, so widths
//! are a hair generous, which is the safe side for boxes and collision tests).

use std::sync::OnceLock;
use ttf_parser::Face;

/// The family name written into SVG and used to look the faces up.
pub const FAMILY: &str = "DejaVu Sans";
/// DejaVu Sans regular, as bundled.
pub static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold, as bundled.
pub static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Millimetres per typographic point.
pub const MM_PER_PT: f64 = 25.4 / 72.0;

/// Per-face metrics, parsed once.
struct Metrics {
    units_per_em: f64,
    ascender: f64,
    descender: f64,
    /// Advance widths of the first 0x2000 code points (covers Latin, Greek, Cyrillic,
    /// punctuation) in font units; others are looked up on demand.
    advances: Vec<u16>,
    fallback: u16,
}

impl Metrics {
    fn parse(data: &'static [u8]) -> Option<Self> {
        let face = Face::parse(data, 0).ok()?;
        let advance = |c: char| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .unwrap_or(0)
        };
        let fallback = advance('\u{FFFD}').max(advance('?'));
        let advances = (0u32..0x2000)
            .map(|u| char::from_u32(u).map_or(fallback, advance))
            .collect();
        Some(Self {
            units_per_em: f64::from(face.units_per_em()),
            ascender: f64::from(face.ascender()),
            descender: f64::from(face.descender()),
            advances,
            fallback,
        })
    }

    fn advance(&self, c: char, data: &'static [u8]) -> u16 {
        if let Some(&a) = self.advances.get(c as usize) {
            return a;
        }
        Face::parse(data, 0)
            .ok()
            .and_then(|f| f.glyph_index(c).and_then(|g| f.glyph_hor_advance(g)))
            .unwrap_or(self.fallback)
    }
}

fn metrics(bold: bool) -> Option<&'static Metrics> {
    static REGULAR: OnceLock<Option<Metrics>> = OnceLock::new();
    static BOLD: OnceLock<Option<Metrics>> = OnceLock::new();
    if bold {
        BOLD.get_or_init(|| Metrics::parse(BOLD_TTF)).as_ref()
    } else {
        REGULAR.get_or_init(|| Metrics::parse(REGULAR_TTF)).as_ref()
    }
}

/// Width of one line of `text` at `size_pt` in millimetres.
///
/// ```
/// use local_atlas::render::font::text_width_mm;
/// let w = text_width_mm("Greater Manchester", 10.0, false);
/// assert!(w > 35.0 && w < 45.0, "{w}");
/// assert!(text_width_mm("Wigan", 10.0, true) > text_width_mm("Wigan", 10.0, false));
/// assert_eq!(text_width_mm("", 10.0, false), 0.0);
/// ```
pub fn text_width_mm(text: &str, size_pt: f64, bold: bool) -> f64 {
    Measure::new(size_pt, bold).mm(Measure::units(text, bold))
}

/// Text widths in font units (whole numbers, so sums of parts equal the width of the whole
/// exactly), converted to millimetres at one size.
struct Measure {
    size_pt: f64,
    bold: bool,
}

impl Measure {
    fn new(size_pt: f64, bold: bool) -> Self {
        Self { size_pt, bold }
    }

    /// The advance of `text` in font units (in 0.6 em per character without the font).
    fn units(text: &str, bold: bool) -> f64 {
        Self::char_units(text.chars(), bold)
    }

    fn char_units(chars: impl Iterator<Item = char>, bold: bool) -> f64 {
        match metrics(bold) {
            Some(m) => {
                let data = if bold { BOLD_TTF } else { REGULAR_TTF };
                chars.map(|c| f64::from(m.advance(c, data))).sum()
            }
            None => chars.count() as f64 * 600.0,
        }
    }

    /// `units` in millimetres.
    fn mm(&self, units: f64) -> f64 {
        let per_em = metrics(self.bold).map_or(1000.0, |m| m.units_per_em);
        units / per_em * self.size_pt * MM_PER_PT
    }
}

/// Height above the baseline (ascender) and depth below it (positive), in millimetres.
pub fn ascent_descent_mm(size_pt: f64) -> (f64, f64) {
    match metrics(false) {
        Some(m) => (
            m.ascender / m.units_per_em * size_pt * MM_PER_PT,
            -m.descender / m.units_per_em * size_pt * MM_PER_PT,
        ),
        None => (0.8 * size_pt * MM_PER_PT, 0.2 * size_pt * MM_PER_PT),
    }
}

/// Breaks `text` into lines no wider than `width_mm` at words; a word wider than a line is
/// cut between characters over as many lines as it needs, so no line is ever wider than
/// `width_mm` (a 120 KB word as one line took the rasteriser seconds). Existing line breaks
/// are kept. Linear in the length of `text`: each character is measured once.
///
/// ```
/// use local_atlas::render::font::{text_width_mm, wrap};
/// let lines = wrap("Contains OS data © Crown copyright and database right 2019", 8.0, false, 50.0);
/// assert!(lines.len() >= 2);
/// assert_eq!(lines.join(" "), "Contains OS data © Crown copyright and database right 2019");
/// let long = "x".repeat(1000);
/// let lines = wrap(&long, 8.0, false, 50.0);
/// assert!(lines.iter().all(|l| text_width_mm(l, 8.0, false) <= 50.0));
/// assert_eq!(lines.concat(), long);
/// ```
pub fn wrap(text: &str, size_pt: f64, bold: bool, width_mm: f64) -> Vec<String> {
    let m = Measure::new(size_pt, bold);
    let space = Measure::units(" ", bold);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut line_units = 0.0;
        for word in paragraph.split_whitespace() {
            let word_units = Measure::units(word, bold);
            if !line.is_empty() && m.mm(line_units + space + word_units) <= width_mm {
                line.push(' ');
                line.push_str(word);
                line_units += space + word_units;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if m.mm(word_units) <= width_mm {
                line = word.to_string();
                line_units = word_units;
            } else {
                let mut pieces = cut_word(word, &m, width_mm);
                line = pieces.pop().unwrap_or_default();
                line_units = Measure::units(&line, bold);
                lines.extend(pieces);
            }
        }
        lines.push(line);
    }
    lines
}

/// `word` cut into pieces no wider than `width_mm` (at least one character each).
fn cut_word(word: &str, m: &Measure, width_mm: f64) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    let mut units = 0.0;
    for c in word.chars() {
        let u = Measure::char_units(std::iter::once(c), m.bold);
        if !piece.is_empty() && m.mm(units + u) > width_mm {
            pieces.push(std::mem::take(&mut piece));
            units = 0.0;
        }
        piece.push(c);
        units += u;
    }
    pieces.push(piece);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welsh_and_symbols_are_in_the_font() {
        let face = Face::parse(REGULAR_TTF, 0).expect("bundled font parses");
        for c in "ŵŷâ©£–≥≤".chars() {
            assert!(face.glyph_index(c).is_some(), "{c} missing");
        }
        assert_eq!(
            face.names()
                .into_iter()
                .find_map(|n| {
                    (n.name_id == ttf_parser::name_id::FAMILY)
                        .then(|| n.to_string())
                        .flatten()
                })
                .as_deref(),
            Some(FAMILY)
        );
    }

    #[test]
    fn width_scales_with_size() {
        let a = text_width_mm("Salford 012A", 8.0, false);
        let b = text_width_mm("Salford 012A", 16.0, false);
        assert!((b - 2.0 * a).abs() < 1e-9);
    }
}
