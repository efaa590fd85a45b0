//! The backend-neutral scene: what a map page looks like, as plain shapes in page millimetres
//! (origin top left, y down, as SVG). SVG, PNG, PDF and the desktop canvas all draw this, so
//! what the analyst sees is what the bureau exports.
//!
//! A scene is a list of named groups (SVG `<g>` with an id and an Inkscape layer label), each
//! optionally clipped to a rectangle (the map frame), holding paths, polylines, text and
//! symbols. Colours are sRGB with alpha.

use serde::{Deserialize, Serialize};

/// A point on the page, in millimetres from the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PointMm {
    pub x: f64,
    pub y: f64,
}

impl PointMm {
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

/// An axis-aligned rectangle on the page, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RectMm {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl RectMm {
    pub fn right(&self) -> f64 {
        self.x + self.width
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }
    /// Whether two rectangles overlap (touching edges do not).
    pub fn intersects(&self, other: &RectMm) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// An sRGB colour with alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: u8,
}

impl Colour {
    pub const BLACK: Colour = Colour::rgb(0, 0, 0);
    pub const WHITE: Colour = Colour::rgb(255, 255, 255);
    /// No colour at all (a background not drawn).
    pub const TRANSPARENT: Colour = Colour {
        r: 0,
        g: 0,
        b: 0,
        a: 0,
    };

    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b, a: 255 }
    }

    /// Parses `#rrggbb` or `#rrggbbaa` (case-insensitive); `None` otherwise.
    ///
    /// ```
    /// use local_atlas::render::scene::Colour;
    /// assert_eq!(Colour::parse("#FF8000"), Some(Colour::rgb(255, 128, 0)));
    /// assert_eq!(Colour::parse("#ff800080").map(|c| c.a), Some(128));
    /// assert_eq!(Colour::parse("orange"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.trim().strip_prefix('#')?;
        if !hex.is_ascii() || !(hex.len() == 6 || hex.len() == 8) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        Some(Self {
            r: byte(0)?,
            g: byte(2)?,
            b: byte(4)?,
            a: if hex.len() == 8 { byte(6)? } else { 255 },
        })
    }

    /// `#rrggbb` (alpha is written separately as an opacity).
    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// How the inside of a shape is painted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Fill {
    None,
    Solid(Colour),
    /// Parallel lines (e.g. "most deprived 10%"): `spacing_mm` apart, `angle_deg` clockwise from
    /// horizontal, `width_mm` thick, transparent between the lines.
    Hatch {
        colour: Colour,
        spacing_mm: f64,
        angle_deg: f64,
        width_mm: f64,
    },
}

/// A line style.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stroke {
    pub colour: Colour,
    pub width_mm: f64,
    /// Dash pattern in millimetres (on, off, …); empty = solid.
    pub dash_mm: Vec<f64>,
}

impl Stroke {
    pub fn solid(colour: Colour, width_mm: f64) -> Self {
        Self {
            colour,
            width_mm,
            dash_mm: Vec::new(),
        }
    }
}

/// Filled rings (outer rings and holes, filled with the even-odd rule), e.g. one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathItem {
    /// Closed rings; the closing segment is implicit.
    pub rings: Vec<Vec<PointMm>>,
    pub fill: Fill,
    pub stroke: Option<Stroke>,
    /// The area code or other identifier, written as the SVG element's `data-code` (and as
    /// its `<title>` with `label`), so the map can be edited and inspected.
    pub code: Option<String>,
    pub label: Option<String>,
}

/// An open line (scale bar ticks, leader lines, the neat line's parts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineItem {
    pub points: Vec<PointMm>,
    pub stroke: Stroke,
}

/// Horizontal alignment of text at its anchor point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Anchor {
    #[default]
    Start,
    Middle,
    End,
}

/// One line of text, drawn in the bundled font; `pos` is the baseline point at `anchor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextItem {
    pub pos: PointMm,
    pub text: String,
    pub size_pt: f64,
    pub bold: bool,
    pub anchor: Anchor,
    pub colour: Colour,
    /// A halo (outline) of this colour, 0.6 mm wide, for labels drawn over the map.
    pub halo: Option<Colour>,
}

/// Point-symbol shapes.
pub use super::spec::Symbol;

/// A point symbol centred at `centre`, `size_mm` across.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SymbolItem {
    pub centre: PointMm,
    pub symbol: Symbol,
    pub size_mm: f64,
    pub fill: Colour,
    pub stroke: Option<Stroke>,
    pub label: Option<String>,
}

/// A raster image stretched over `rect` (a density surface): straight (not premultiplied)
/// RGBA, `width_px × height_px`, row 0 at the top; drawn smoothed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageItem {
    pub rect: RectMm,
    pub width_px: u32,
    pub height_px: u32,
    pub rgba: Vec<u8>,
}

impl ImageItem {
    /// Whether the pixel buffer matches the size (a malformed image is not drawn).
    pub fn is_valid(&self) -> bool {
        self.width_px > 0
            && self.height_px > 0
            && self.rgba.len() as u64 == 4 * u64::from(self.width_px) * u64::from(self.height_px)
            && self.rect.width.is_finite()
            && self.rect.height.is_finite()
            && self.rect.width > 0.0
            && self.rect.height > 0.0
    }
}

/// A drawable element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Item {
    Path(PathItem),
    Line(LineItem),
    Text(TextItem),
    Symbol(SymbolItem),
    Image(ImageItem),
    Group(Group),
}

/// A named group of items: a map layer, the legend, the scale bar…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// A stable identifier (SVG `id`; letters, digits, `-` and `_` only), e.g. `layer-1-choropleth`.
    pub id: String,
    /// What an editor shows for the group (Inkscape layer label), e.g. "IMD score (LSOA)".
    pub label: String,
    /// Items outside this rectangle are clipped (the map frame).
    pub clip: Option<RectMm>,
    pub items: Vec<Item>,
}

impl Group {
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            label: label.into(),
            clip: None,
            items: Vec::new(),
        }
    }
}

/// One page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scene {
    pub width_mm: f64,
    pub height_mm: f64,
    pub background: Colour,
    /// Drawn in order, bottom to top.
    pub groups: Vec<Group>,
    /// The document title (SVG `<title>`, PDF metadata).
    pub title: String,
    /// Labels asked for whose place inside the map frame was taken (by another label or the
    /// furniture), so they were left out rather than overlapped: reported, never silent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped_labels: Vec<String>,
}
