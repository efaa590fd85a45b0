//! The resolved input of the layout: a recipe whose data has been read, classified and
//! symbolised (by `ops::map`), as plain geometry in British National Grid metres with fills and
//! legend entries. The layout turns it into a [`Scene`](super::scene::Scene) without touching
//! the workspace.

use super::scene::{Colour, Fill, Stroke, Symbol};
use super::spec::MapSpec;
use geo::{Coord, MultiPolygon, Rect};

/// Everything needed to lay out one map page.
#[derive(Debug, Clone)]
pub struct MapInput {
    /// Page, legend options, scale bar, north arrow, inset flags (its layers and extent have
    /// been resolved into the fields below).
    pub spec: MapSpec,
    /// Title and subtitle with placeholders expanded.
    pub title: String,
    pub subtitle: String,
    /// Drawn bottom to top.
    pub layers: Vec<ResolvedLayer>,
    /// The part of the world the map frame must show (it is padded by the layout to the
    /// frame's aspect ratio), in BNG metres.
    pub extent_bng: Rect<f64>,
    /// Outlines for the inset/locator map (e.g. the whole geography); the inset draws these
    /// and a box for `extent_bng`. Empty = no inset even if the spec asks for one.
    pub inset_bng: Vec<MultiPolygon<f64>>,
    /// Source and attribution lines, drawn at the foot of the page.
    pub source_lines: Vec<String>,
    pub note: String,
}

/// A layer with its features already symbolised.
#[derive(Debug, Clone)]
pub struct ResolvedLayer {
    /// Stable id for the SVG group, e.g. `choropleth-imd_score`.
    pub id: String,
    /// Human label of the group (Inkscape layer name).
    pub label: String,
    pub features: Features,
    /// Draw the features' labels (avoiding overlaps).
    pub labels: bool,
    pub legend: Option<LegendBlock>,
}

/// The features of a layer.
#[derive(Debug, Clone)]
pub enum Features {
    Polygons(Vec<PolygonFeature>),
    Points(Vec<PointFeature>),
    /// An image over a BNG box (a density surface).
    Raster(RasterFeature),
}

/// A raster already coloured: straight (not premultiplied) RGBA, `width_px × height_px`,
/// row 0 at the top (north), covering `extent_bng` exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct RasterFeature {
    pub extent_bng: Rect<f64>,
    pub width_px: u32,
    pub height_px: u32,
    pub rgba: std::sync::Arc<Vec<u8>>,
}

/// One area, symbolised.
#[derive(Debug, Clone)]
pub struct PolygonFeature {
    pub code: String,
    pub name: Option<String>,
    pub geometry_bng: MultiPolygon<f64>,
    pub fill: Fill,
    pub stroke: Option<Stroke>,
    /// Label text when the layer is labelled (`None` = this feature is not labelled).
    pub label: Option<String>,
}

/// One point, symbolised.
#[derive(Debug, Clone)]
pub struct PointFeature {
    pub point_bng: Coord<f64>,
    pub symbol: Symbol,
    pub size_mm: f64,
    pub fill: Colour,
    pub stroke: Option<Stroke>,
    pub label: Option<String>,
}

/// One layer's legend: a heading and its entries, top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendBlock {
    pub title: String,
    pub entries: Vec<LegendEntry>,
}

/// What a legend entry's key looks like.
#[derive(Debug, Clone, PartialEq)]
pub enum Swatch {
    /// A small box painted like an area.
    Area { fill: Fill, stroke: Option<Stroke> },
    /// A line (outline layers).
    Line(Stroke),
    /// A continuous colour ramp, low to high, with its end values written under its ends.
    Ramp {
        colours: Vec<Colour>,
        min_label: String,
        max_label: String,
    },
    /// A point symbol.
    Point {
        symbol: Symbol,
        size_mm: f64,
        fill: Colour,
        stroke: Option<Stroke>,
    },
}

/// One legend row: key, text and the optional count of areas (drawn as "(n)").
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub swatch: Swatch,
    pub label: String,
    pub count: Option<usize>,
}
