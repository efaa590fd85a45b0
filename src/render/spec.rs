//! `MapSpec`, the serialisable "map recipe": what to draw (layers), where (extent), on what
//! (page) and with which furniture (title, legend, scale bar, north arrow, inset, source text,
//! note). Saved by name in the workspace as JSON; re-rendering a recipe after new data arrives
//! gives the updated map. Every field has a default, so `{}` is a valid (empty) recipe and old
//! recipes keep loading when fields are added.

use crate::analysis::classify::Method;
use serde::{Deserialize, Serialize};

/// Version of the recipe format written by this build.
pub const SPEC_VERSION: u32 = 1;

/// A map recipe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MapSpec {
    pub version: u32,
    /// Drawn bottom to top.
    pub layers: Vec<LayerSpec>,
    pub extent: Extent,
    pub page: Page,
    /// Title and subtitle may hold placeholders: `{indicator}` (title of the first choropleth's
    /// indicator), `{period}`, `{geography}`, `{unit}`, `{date}` (the render date, ISO 8601).
    pub title: String,
    pub subtitle: String,
    pub legend: LegendSpec,
    pub scale_bar: bool,
    pub north_arrow: bool,
    /// A locator map showing where the extent sits in the whole geography.
    pub inset: bool,
    /// Source and attribution text; `None` = built from the indicators' source/licence and the
    /// geographies' attribution lines.
    pub source: Option<String>,
    pub note: String,
}

impl Default for MapSpec {
    fn default() -> Self {
        Self {
            version: SPEC_VERSION,
            layers: Vec::new(),
            extent: Extent::default(),
            page: Page::default(),
            title: "{indicator}".into(),
            subtitle: "{geography}, {period}".into(),
            legend: LegendSpec::default(),
            scale_bar: true,
            north_arrow: true,
            inset: false,
            source: None,
            note: String::new(),
        }
    }
}

/// One layer of the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LayerSpec {
    /// Areas of `geography` coloured by the classes of an indicator.
    Choropleth {
        geography: String,
        indicator: String,
        #[serde(default)]
        period: Option<String>,
        #[serde(default)]
        classification: ClassificationSpec,
        #[serde(default)]
        palette: PaletteSpec,
    },
    /// A saved LISA cluster (`<ind>_lisa_cluster`) or Gi* class (`<ind>_gistar_class`)
    /// indicator drawn with the conventional colours.
    Clusters {
        geography: String,
        indicator: String,
        #[serde(default)]
        period: Option<String>,
        scheme: ClusterScheme,
    },
    /// A hotspot analysis run when the map is drawn: local Moran (LISA) drawn as a cluster map
    /// with GeoDa's colours, or Getis-Ord Gi* drawn as a hot/cold spot map, with counts in the
    /// legend — the symbology `stats … --save` results get, so the screen, the export and a
    /// saved result agree. Deterministic for a given `seed`.
    Hotspot {
        geography: String,
        indicator: String,
        #[serde(default)]
        period: Option<String>,
        statistic: HotspotStatistic,
        /// Spatial weights as `stats --weights` takes them: `queen`, `rook`, `knn:K`,
        /// `band:METRES`.
        #[serde(default = "default_weights")]
        weights: String,
        #[serde(default = "default_permutations")]
        permutations: usize,
        #[serde(default = "default_seed")]
        seed: u64,
        /// Significance level of the LISA clusters (Gi* classes use 90/95/99%).
        #[serde(default = "default_alpha")]
        alpha: f64,
        /// False discovery rate correction of the pseudo p-values.
        #[serde(default)]
        fdr: bool,
        #[serde(default)]
        two_sided: bool,
    },
    /// Boundaries of another geography drawn over the map (e.g. wards over LSOAs).
    Outline {
        geography: String,
        #[serde(default = "default_outline_colour")]
        colour: String,
        #[serde(default = "default_outline_width")]
        width_mm: f64,
        /// Label each area with its name (codes when there is no name), avoiding overlaps.
        #[serde(default)]
        labels: bool,
    },
    /// A point layer (e.g. children's centres) with a symbol and optional labels.
    Points {
        layer: String,
        #[serde(default)]
        symbol: Symbol,
        #[serde(default = "default_symbol_size")]
        size_mm: f64,
        #[serde(default = "default_point_colour")]
        colour: String,
        /// Attribute whose text labels each point (e.g. `name`); no labels when `None`.
        #[serde(default)]
        label_field: Option<String>,
        /// Legend text; the layer name when `None`.
        #[serde(default)]
        title: Option<String>,
    },
    /// Areas coloured by their comparison with a benchmark, run when the map is drawn
    /// (`compare`'s rules and Fingertips' colours), with the legend "Better / Similar / Worse
    /// than England (95%)" and counts: what councillors are shown instead of raw numbers.
    Significance {
        geography: String,
        indicator: String,
        #[serde(default)]
        period: Option<String>,
        /// A benchmark area's code (`E92000001`) or `parent:GEOGRAPHY`, as `compare` takes it.
        #[serde(default = "default_benchmark")]
        benchmark: String,
        /// `ci95`, `ci99_8`, `ci95_99_8`, `overlap`, `quintiles`, `quartiles` or `spc`.
        #[serde(default = "default_compare_method")]
        method: String,
    },
    /// Hatching over the "most deprived X%" of areas by any indicator (the worst end by the
    /// indicator's polarity; the highest values when it is neutral).
    Hatch {
        geography: String,
        indicator: String,
        #[serde(default)]
        period: Option<String>,
        /// Share of areas hatched, in percent (e.g. 10 for the most deprived decile).
        percent: f64,
        /// The indicator is a national rank (1 = most deprived) out of this many areas (e.g.
        /// 32844 English LSOAs): hatch the areas in the most deprived X% nationally (rank ≤
        /// of·X/100). Without it, the X% worst of the areas on the map.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        of: Option<f64>,
        #[serde(default = "default_hatch_colour")]
        colour: String,
    },
    /// The kernel density surface (quartic kernel, per km²) of a point layer, computed when
    /// the map is drawn and drawn as a raster under the layers above it, transparent where the
    /// density is near 0, with a continuous legend. Over the point layer's bounding box grown
    /// by the bandwidth.
    Density {
        layer: String,
        /// Search radius of the kernel, in metres.
        bandwidth_m: f64,
        /// Grid cell size, in metres.
        #[serde(default = "default_density_cell")]
        cell_m: f64,
        /// A sequential ColorBrewer palette, low to high (default YlOrRd).
        #[serde(default)]
        palette: PaletteSpec,
        /// 0 (invisible) to 1 (opaque).
        #[serde(default = "default_density_opacity")]
        opacity: f64,
        /// Legend heading; "<layer> density" when `None`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
}

fn default_benchmark() -> String {
    "E92000001".into()
}

fn default_compare_method() -> String {
    "ci95".into()
}

fn default_density_cell() -> f64 {
    100.0
}
fn default_density_opacity() -> f64 {
    0.85
}
fn default_weights() -> String {
    "queen".into()
}
fn default_permutations() -> usize {
    999
}
fn default_seed() -> u64 {
    12345
}
fn default_alpha() -> f64 {
    0.05
}
fn default_outline_colour() -> String {
    "#333333".into()
}
fn default_outline_width() -> f64 {
    0.35
}
fn default_symbol_size() -> f64 {
    2.5
}
fn default_point_colour() -> String {
    "#1f1f1f".into()
}
fn default_hatch_colour() -> String {
    "#000000".into()
}

/// How a choropleth's values are put into classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClassificationSpec {
    pub method: Method,
    pub k: usize,
    /// Upper bounds for [`Method::Manual`].
    pub breaks: Vec<f64>,
}

impl Default for ClassificationSpec {
    fn default() -> Self {
        Self {
            method: Method::Jenks,
            k: 5,
            breaks: Vec::new(),
        }
    }
}

/// A ColorBrewer palette by name (e.g. `YlOrRd`, `RdBu`, `Set2`), optionally reversed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaletteSpec {
    /// `None` = the default for the indicator: a sequential scheme oriented by polarity so that
    /// darker always means worse.
    pub name: Option<String>,
    pub reverse: bool,
}

/// Which conventional colour scheme a cluster layer uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClusterScheme {
    /// Codes 0 not significant, 1 HH, 2 LL, 3 LH, 4 HL, 5 island (as `stats lisa --save`).
    Lisa,
    /// Codes −3…3: cold 99/95/90, not significant, hot 90/95/99 (as `stats gistar --save`).
    GiStar,
    /// Codes 0–4 of a siting status: no demand, not covered, covered by the existing sites,
    /// newly covered, partly covered (as `site --save`).
    Siting,
    /// A comparison with a benchmark: 2 best, 1 better, 0 similar, −1 worse, −2 worst,
    /// 11 higher, 10 lower, 9 not compared (as `compare --save`).
    Significance,
}

/// The statistic of a hotspot layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HotspotStatistic {
    /// Local Moran's I, drawn as a LISA cluster map.
    Lisa,
    /// Getis-Ord Gi*, drawn as a hot/cold spot map.
    Gistar,
}

impl HotspotStatistic {
    /// The colour scheme the result is drawn with.
    pub fn scheme(self) -> ClusterScheme {
        match self {
            Self::Lisa => ClusterScheme::Lisa,
            Self::Gistar => ClusterScheme::GiStar,
        }
    }
}

/// Point symbol shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Symbol {
    #[default]
    Circle,
    Square,
    Triangle,
    Diamond,
}

/// What the map frame shows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Extent {
    /// Every area of the first polygon layer.
    #[default]
    Whole,
    /// These areas of `geography`; the other areas of the layers are drawn greyed as context.
    Areas {
        geography: String,
        codes: Vec<String>,
    },
    /// A box in British National Grid metres.
    Bbox {
        min_x: f64,
        min_y: f64,
        max_x: f64,
        max_y: f64,
    },
}

/// Paper (or screen) size, orientation, margins and resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Page {
    pub size: PageSize,
    pub landscape: bool,
    pub margin_mm: f64,
    /// Raster resolution (PNG); PDF and SVG are vector.
    pub dpi: f64,
}

impl Default for Page {
    fn default() -> Self {
        Self {
            size: PageSize::A4,
            landscape: false,
            margin_mm: 10.0,
            dpi: 150.0,
        }
    }
}

/// A paper size, a custom size in millimetres, or an exact pixel size (for slides and web: the
/// page is then `pixels × 25.4 / dpi` millimetres).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageSize {
    #[default]
    A4,
    A3,
    A2,
    Custom {
        width_mm: f64,
        height_mm: f64,
    },
    Pixels {
        width: u32,
        height: u32,
    },
}

impl Page {
    /// Page width and height in millimetres. A sizes are portrait unless `landscape`; custom
    /// sizes are as given (`landscape` turns a tall one); pixel sizes are exact.
    ///
    /// ```
    /// use local_atlas::render::spec::{Page, PageSize};
    /// let a4 = Page { landscape: true, ..Page::default() };
    /// assert_eq!(a4.size_mm(), (297.0, 210.0));
    /// let px = Page { size: PageSize::Pixels { width: 3000, height: 2000 }, dpi: 300.0, ..Page::default() };
    /// assert_eq!(px.size_mm(), (254.0, 2000.0 * 25.4 / 300.0));
    /// ```
    pub fn size_mm(&self) -> (f64, f64) {
        let (w, h) = match self.size {
            PageSize::A4 => (210.0, 297.0),
            PageSize::A3 => (297.0, 420.0),
            PageSize::A2 => (420.0, 594.0),
            PageSize::Custom {
                width_mm,
                height_mm,
            } => (width_mm, height_mm),
            PageSize::Pixels { width, height } => {
                return (
                    f64::from(width) * 25.4 / self.dpi,
                    f64::from(height) * 25.4 / self.dpi,
                );
            }
        };
        if self.landscape && w < h {
            (h, w)
        } else {
            (w, h)
        }
    }

    /// The raster size in pixels at `dpi`.
    pub fn size_px(&self) -> (u32, u32) {
        if let PageSize::Pixels { width, height } = self.size {
            return (width, height);
        }
        let (w, h) = self.size_mm();
        let px = |mm: f64| (mm / 25.4 * self.dpi).round().max(1.0) as u32;
        (px(w), px(h))
    }
}

/// Legend options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LegendSpec {
    pub show: bool,
    /// Show the number of areas in each class.
    pub counts: bool,
    /// Show every class, or only the classes that hold at least one area.
    pub all_classes: bool,
    /// Legend heading; `None` = the indicator title and unit.
    pub title: Option<String>,
}

impl Default for LegendSpec {
    fn default() -> Self {
        Self {
            show: true,
            counts: true,
            all_classes: true,
            title: None,
        }
    }
}
