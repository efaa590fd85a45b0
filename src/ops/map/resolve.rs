//! From loaded data to the layout's input for one page: which areas are in focus, their fills,
//! the legends, the extent, the inset, the title's placeholders and the source lines.

use super::load::{Loaded, LoadedLayer};
use crate::analysis::classify::Classification;
use crate::data::indicator::IndicatorMeta;
use crate::data::query::Area;
use crate::error::{Error, Result};
use crate::render::input::{
    Features, LegendBlock, LegendEntry, MapInput, PointFeature, PolygonFeature, RasterFeature,
    ResolvedLayer, Swatch,
};
use crate::render::scene::{Colour, Fill, Stroke};
use crate::render::spec::{ClusterScheme, MapSpec, Symbol};
use crate::render::symbology::{self, AreaValue, LegendOptions, clusters};
use geo::{BoundingRect, Contains, Coord, MultiPolygon, Point, Rect};
use std::collections::HashSet;
use std::sync::Arc;

/// Which part of the map a page is about.
pub(crate) enum Focus {
    /// Everything in the layers.
    Whole,
    /// These areas of `geography` (atlas pages, `extent: areas`); other areas are greyed.
    Areas {
        geography: String,
        codes: HashSet<String>,
        polygons: Vec<MultiPolygon<f64>>,
        /// Name of the area (or its code) for the `{area}` placeholder; codes for `{area_code}`.
        name: String,
        code: String,
    },
    /// A box in BNG metres.
    Bbox(Rect<f64>),
}

/// Fill of areas outside the focus of an atlas page.
const CONTEXT_GREY: Colour = Colour::rgb(0xe8, 0xe8, 0xe8);

/// Builds the layout input of one page.
pub(crate) fn page(
    loaded: &Loaded,
    spec: &MapSpec,
    focus: &Focus,
    today: &str,
) -> Result<MapInput> {
    let cx = PageContext {
        loaded,
        spec,
        focus,
        legend_opts: LegendOptions {
            counts: spec.legend.counts,
            all_classes: spec.legend.all_classes,
        },
    };
    let layers = loaded
        .layers
        .iter()
        .enumerate()
        .map(|(index, layer)| resolve_layer(&cx, index, layer))
        .collect();
    let extent_bng = extent(loaded, focus)?;
    let inset_bng = if spec.inset {
        loaded
            .layers
            .iter()
            .find_map(LoadedLayer::areas)
            .map(|areas| areas.iter().map(|a| a.geometry_bng.clone()).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let fill = |text: &str| placeholders(text, loaded, focus, today);
    Ok(MapInput {
        spec: spec.clone(),
        title: fill(&spec.title),
        subtitle: fill(&spec.subtitle),
        layers,
        extent_bng,
        inset_bng,
        source_lines: source_lines(loaded, spec),
        note: fill(&spec.note),
    })
}

/// Whether each area of a layer is in the page's focus.
fn in_focus(loaded: &Loaded, areas: &std::sync::Arc<Vec<Area>>, focus: &Focus) -> Vec<bool> {
    match focus {
        Focus::Whole => vec![true; areas.len()],
        Focus::Bbox(rect) => {
            let points = loaded.interior_points(areas);
            (0..areas.len())
                .map(|i| {
                    points
                        .as_ref()
                        .and_then(|p| p.get(i))
                        .is_some_and(|c| rect.contains(c))
                })
                .collect()
        }
        Focus::Areas {
            geography,
            codes,
            polygons,
            ..
        } => {
            if geography_name(loaded, areas) == *geography {
                return areas.iter().map(|a| codes.contains(&a.code)).collect();
            }
            let points = loaded.interior_points(areas);
            let boxes: Vec<Option<Rect<f64>>> =
                polygons.iter().map(BoundingRect::bounding_rect).collect();
            areas
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    if codes.contains(&a.code) {
                        return true;
                    }
                    let Some(c) = points.as_ref().and_then(|p| p.get(i)).copied() else {
                        return false;
                    };
                    polygons.iter().zip(&boxes).any(|(poly, bbox)| {
                        bbox.is_some_and(|b| b.contains(&c)) && poly.contains(&c)
                    })
                })
                .collect()
        }
    }
}

/// What every layer of a page is resolved against: the loaded data, the recipe and the
/// page's focus.
struct PageContext<'a> {
    loaded: &'a Loaded,
    spec: &'a MapSpec,
    focus: &'a Focus,
    legend_opts: LegendOptions,
}

impl PageContext<'_> {
    /// Whether areas outside the focus are greyed (atlas pages focused on some areas).
    fn greyed(&self) -> bool {
        matches!(self.focus, Focus::Areas { .. })
    }

    /// The legend's title: the recipe's, else the indicator's title with its unit when the
    /// title does not already say it.
    fn legend_title(&self, title: &str, unit: &str) -> String {
        self.spec.legend.title.clone().unwrap_or_else(|| {
            if unit.is_empty() || title.contains(unit) {
                title.to_string()
            } else {
                format!("{title} ({unit})")
            }
        })
    }
}

/// Resolves one loaded layer (the `index`-th of the recipe) into features and a legend for
/// the page; dispatches on the kind of layer.
fn resolve_layer(cx: &PageContext<'_>, index: usize, layer: &LoadedLayer) -> ResolvedLayer {
    match layer {
        LoadedLayer::Choropleth {
            areas,
            meta,
            values,
            classification,
            colours,
            ..
        } => choropleth_layer(cx, index, areas, meta, values, classification, colours),
        LoadedLayer::Clusters {
            areas,
            meta,
            codes,
            scheme,
            against,
            ..
        } => clusters_layer(cx, index, areas, meta, codes, *scheme, against.as_deref()),
        LoadedLayer::Outline {
            areas,
            stroke,
            labels,
        } => outline_layer(cx, index, areas, stroke, *labels),
        LoadedLayer::Points {
            name,
            points,
            symbol,
            size_mm,
            colour,
            title,
        } => points_layer(
            cx,
            index,
            name,
            points,
            PointStyle {
                symbol: *symbol,
                size_mm: *size_mm,
                colour: *colour,
            },
            title,
        ),
        LoadedLayer::Density {
            name,
            grid,
            max_per_km2,
            ramp,
            rgba,
            title,
        } => density_layer(index, name, grid, *max_per_km2, ramp, rgba, title),
        LoadedLayer::Hatch {
            areas,
            meta,
            selected,
            percent,
            of,
            colour,
            ..
        } => hatch_layer(
            cx,
            index,
            areas,
            meta,
            HatchShare {
                selected,
                percent: *percent,
                national: of.is_some(),
                colour: *colour,
            },
        ),
    }
}

/// A choropleth: areas filled by class, areas outside the focus greyed on atlas pages; the
/// legend counts only the areas in focus.
fn choropleth_layer(
    cx: &PageContext<'_>,
    index: usize,
    areas: &Arc<Vec<Area>>,
    meta: &IndicatorMeta,
    values: &[AreaValue],
    classification: &Classification,
    colours: &[Colour],
) -> ResolvedLayer {
    let mask = in_focus(cx.loaded, areas, cx.focus);
    let decimals = usize::try_from(meta.decimals).unwrap_or(1);
    let map = symbology::choropleth(
        values,
        classification,
        colours,
        decimals,
        &cx.legend_title(&meta.title, &meta.unit),
        cx.legend_opts,
        Some(&mask),
    );
    let features = polygons(areas, map.fills, &mask, cx.greyed(), None);
    ResolvedLayer {
        id: format!("{index}-choropleth-{}", meta.code),
        label: meta.title.clone(),
        features: Features::Polygons(features),
        labels: false,
        legend: Some(map.legend),
    }
}

/// A cluster layer (a saved or computed hotspot result): areas filled by cluster code.
fn clusters_layer(
    cx: &PageContext<'_>,
    index: usize,
    areas: &Arc<Vec<Area>>,
    meta: &IndicatorMeta,
    codes: &[Option<f64>],
    scheme: ClusterScheme,
    against: Option<&str>,
) -> ResolvedLayer {
    let mask = in_focus(cx.loaded, areas, cx.focus);
    let (fills, mut legend) = clusters::symbolise(
        codes,
        scheme,
        &cx.legend_title(&meta.title, ""),
        cx.legend_opts,
        Some(&mask),
    );
    if scheme == ClusterScheme::Significance
        && let Some(against) = against
    {
        let judged = meta.polarity != crate::data::indicator::Polarity::Neutral;
        legend.entries.retain(|e| {
            e.count.is_some_and(|n| n > 0)
                || clusters::significance_class_shown(&e.label, against, judged)
        });
        for e in &mut legend.entries {
            e.label = clusters::significance_label(&e.label, against);
        }
    }
    ResolvedLayer {
        id: format!("{index}-clusters-{}", meta.code),
        label: meta.title.clone(),
        features: Features::Polygons(polygons(areas, fills, &mask, cx.greyed(), None)),
        labels: false,
        legend: Some(legend),
    }
}

/// Boundaries drawn unfilled, labelled with area names (only those in focus) when asked.
fn outline_layer(
    cx: &PageContext<'_>,
    index: usize,
    areas: &Arc<Vec<Area>>,
    stroke: &Stroke,
    labels: bool,
) -> ResolvedLayer {
    let fills = vec![Fill::None; areas.len()];
    let mask = vec![true; areas.len()];
    let geography = geography_name(cx.loaded, areas);
    let shown = geography_title(cx.loaded, areas);
    let mut features = polygons(areas, fills, &mask, false, Some(stroke));
    if labels {
        let focus_mask = in_focus(cx.loaded, areas, cx.focus);
        for ((f, a), show) in features.iter_mut().zip(areas.iter()).zip(focus_mask) {
            f.label = show.then(|| a.name.clone().unwrap_or_else(|| a.code.clone()));
        }
    }
    let label = format!("{shown} boundaries");
    ResolvedLayer {
        id: format!("{index}-outline-{geography}"),
        label: label.clone(),
        features: Features::Polygons(features),
        labels,
        legend: Some(single_entry(Swatch::Line(stroke.clone()), label, None)),
    }
}

/// How the points of a point layer are drawn.
#[derive(Clone, Copy)]
struct PointStyle {
    symbol: Symbol,
    size_mm: f64,
    colour: Colour,
}

/// A point layer: every point drawn with a thin white outline; the legend counts the points
/// inside the page's box.
fn points_layer(
    cx: &PageContext<'_>,
    index: usize,
    name: &str,
    points: &[(Point<f64>, Option<String>)],
    style: PointStyle,
    title: &str,
) -> ResolvedLayer {
    let stroke = Some(Stroke::solid(Colour::WHITE, 0.25));
    let features: Vec<PointFeature> = points
        .iter()
        .map(|(p, label)| PointFeature {
            point_bng: p.0,
            symbol: style.symbol,
            size_mm: style.size_mm,
            fill: style.colour,
            stroke: stroke.clone(),
            label: label.clone(),
        })
        .collect();
    let shown = match cx.focus {
        Focus::Bbox(r) => features.iter().filter(|f| r.contains(&f.point_bng)).count(),
        _ => features.len(),
    };
    let labels = features.iter().any(|f| f.label.is_some());
    let swatch = Swatch::Point {
        symbol: style.symbol,
        size_mm: style.size_mm,
        fill: style.colour,
        stroke,
    };
    let count = cx.legend_opts.counts.then_some(shown);
    ResolvedLayer {
        id: format!("{index}-points-{name}"),
        label: title.to_string(),
        features: Features::Points(features),
        labels,
        legend: Some(single_entry(swatch, title.to_string(), count)),
    }
}

/// A density surface: the coloured grid over its box, and a continuous legend from 0 to the
/// highest density.
fn density_layer(
    index: usize,
    name: &str,
    grid: &crate::analysis::kde::DensityGrid,
    max_per_km2: f64,
    ramp: &[Colour],
    rgba: &Arc<Vec<u8>>,
    title: &str,
) -> ResolvedLayer {
    let extent_bng = grid.extent_bng();
    let decimals = if max_per_km2 >= 100.0 {
        0
    } else if max_per_km2 >= 1.0 {
        1
    } else {
        3
    };
    ResolvedLayer {
        id: format!("{index}-density-{name}"),
        label: title.to_string(),
        features: Features::Raster(RasterFeature {
            extent_bng,
            width_px: u32::try_from(grid.cols).unwrap_or(0),
            height_px: u32::try_from(grid.rows).unwrap_or(0),
            rgba: rgba.clone(),
        }),
        labels: false,
        legend: Some(LegendBlock {
            title: title.to_string(),
            entries: vec![LegendEntry {
                swatch: Swatch::Ramp {
                    colours: ramp.to_vec(),
                    min_label: "0".into(),
                    max_label: symbology::format_value(max_per_km2, decimals),
                },
                label: "per km²".into(),
                count: None,
            }],
        }),
    }
}

/// A legend block without a title holding one entry.
fn single_entry(swatch: Swatch, label: String, count: Option<usize>) -> LegendBlock {
    LegendBlock {
        title: String::new(),
        entries: vec![LegendEntry {
            swatch,
            label,
            count,
        }],
    }
}

/// The worst share of areas a hatch layer marks, and how.
struct HatchShare<'a> {
    /// Whether each area is in the share.
    selected: &'a [bool],
    percent: f64,
    /// Ranked nationally rather than among the map's areas.
    national: bool,
    colour: Colour,
}

/// A hatch over the worst share of areas; on atlas pages only the areas in focus are hatched
/// (and counted).
fn hatch_layer(
    cx: &PageContext<'_>,
    index: usize,
    areas: &Arc<Vec<Area>>,
    meta: &IndicatorMeta,
    share: HatchShare<'_>,
) -> ResolvedLayer {
    let greyed = cx.greyed();
    let mask = in_focus(cx.loaded, areas, cx.focus);
    let hatch = symbology::share_hatch(share.colour);
    let mut features = Vec::new();
    let mut count = 0;
    for ((area, chosen), shown) in areas.iter().zip(share.selected).zip(&mask) {
        if *chosen && (*shown || !greyed) {
            count += usize::from(*shown);
            features.push(feature(area, hatch.clone(), None));
        }
    }
    let label = hatch_label(meta, share.percent, share.national);
    ResolvedLayer {
        id: format!("{index}-hatch-{}", meta.code),
        label: label.clone(),
        features: Features::Polygons(features),
        labels: false,
        legend: Some(LegendBlock {
            title: String::new(),
            entries: vec![symbology::area_entry(hatch, label, count, cx.legend_opts)],
        }),
    }
}

/// "Most deprived 10% nationally by …" (or "Worst …" for indicators outside deprivation).
fn hatch_label(meta: &IndicatorMeta, percent: f64, national: bool) -> String {
    let what = if meta.theme.eq_ignore_ascii_case("deprivation") {
        "Most deprived"
    } else {
        "Worst"
    };
    format!(
        "{what} {}%{} by {}",
        symbology::format_value(percent, 0),
        if national { " nationally" } else { "" },
        meta.title
    )
}

fn feature(area: &Area, fill: Fill, stroke: Option<Stroke>) -> PolygonFeature {
    PolygonFeature {
        code: area.code.clone(),
        name: area.name.clone(),
        geometry_bng: area.geometry_bng.clone(),
        fill,
        stroke,
        label: None,
    }
}

/// Polygon features with their fills; areas outside the focus are greyed when `greyed`.
fn polygons(
    areas: &[Area],
    fills: Vec<Fill>,
    mask: &[bool],
    greyed: bool,
    stroke: Option<&Stroke>,
) -> Vec<PolygonFeature> {
    let default_stroke = stroke.cloned().or_else(|| Some(symbology::area_stroke()));
    areas
        .iter()
        .zip(fills)
        .zip(mask)
        .map(|((area, fill), shown)| {
            let fill = if greyed && !shown {
                Fill::Solid(CONTEXT_GREY)
            } else {
                fill
            };
            feature(area, fill, default_stroke.clone())
        })
        .collect()
}

/// What a reader calls the geography of `areas` ("Ward (2017)").
fn geography_title(loaded: &Loaded, areas: &std::sync::Arc<Vec<Area>>) -> String {
    let name = geography_name(loaded, areas);
    loaded.titles.get(&name).cloned().unwrap_or(name)
}

fn geography_name(loaded: &Loaded, areas: &std::sync::Arc<Vec<Area>>) -> String {
    loaded
        .geographies
        .iter()
        .find(|(_, (a, _))| std::sync::Arc::ptr_eq(a, areas))
        .map(|(name, _)| name.clone())
        .unwrap_or_default()
}

/// The box holding both boxes (either alone when the other is `None`).
pub(crate) fn union(a: Option<Rect<f64>>, b: Option<Rect<f64>>) -> Option<Rect<f64>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Rect::new(
            Coord {
                x: a.min().x.min(b.min().x),
                y: a.min().y.min(b.min().y),
            },
            Coord {
                x: a.max().x.max(b.max().x),
                y: a.max().y.max(b.max().y),
            },
        )),
        (a, b) => a.or(b),
    }
}

/// The BNG box the page shows.
fn extent(loaded: &Loaded, focus: &Focus) -> Result<Rect<f64>> {
    let rect = match focus {
        Focus::Bbox(r) => Some(*r),
        Focus::Areas { polygons, .. } => polygons
            .iter()
            .map(BoundingRect::bounding_rect)
            .fold(None, union),
        Focus::Whole => match loaded.layers.iter().find_map(LoadedLayer::areas) {
            Some(areas) => areas
                .iter()
                .map(|a| a.geometry_bng.bounding_rect())
                .fold(None, union),
            None => loaded
                .layers
                .iter()
                .filter_map(|l| match l {
                    LoadedLayer::Points { points, .. } => Some(points),
                    _ => None,
                })
                .flatten()
                .map(|(p, _)| Some(Rect::new(p.0, p.0)))
                .chain(loaded.layers.iter().map(|l| match l {
                    LoadedLayer::Density { grid, .. } => Some(grid.extent_bng()),
                    _ => None,
                }))
                .fold(None, union),
        },
    };
    rect.filter(|r| r.width().is_finite() && r.height().is_finite())
        .ok_or_else(|| {
            Error::Invalid("the map's extent is empty: its layers have no features".into())
        })
}

/// Expands `{indicator}`, `{period}`, `{geography}`, `{unit}`, `{date}`, `{area}`, `{area_code}`.
fn placeholders(text: &str, loaded: &Loaded, focus: &Focus, today: &str) -> String {
    let first = loaded.layers.iter().find_map(|l| match l {
        LoadedLayer::Choropleth {
            areas,
            meta,
            period,
            ..
        }
        | LoadedLayer::Clusters {
            areas,
            meta,
            period,
            ..
        }
        | LoadedLayer::Hatch {
            areas,
            meta,
            period,
            ..
        } => Some((areas, meta, period)),
        _ => None,
    });
    let (indicator, unit, period, geography) = match first {
        Some((areas, meta, period)) => (
            meta.title.clone(),
            meta.unit.clone(),
            period.clone(),
            geography_title(loaded, areas),
        ),
        None => Default::default(),
    };
    let (area, area_code) = match focus {
        Focus::Areas { name, code, .. } => (name.clone(), code.clone()),
        _ => Default::default(),
    };
    text.replace("{indicator}", &indicator)
        .replace("{unit}", &unit)
        .replace("{period}", &period)
        .replace("{geography}", &geography)
        .replace("{date}", today)
        .replace("{area_code}", &area_code)
        .replace("{area}", &area)
}

/// The recipe's source text, or one line per indicator source and geography attribution, each
/// sentence said once.
fn source_lines(loaded: &Loaded, spec: &MapSpec) -> Vec<String> {
    if let Some(text) = &spec.source {
        return text.lines().map(str::to_string).collect();
    }
    let mut lines: Vec<String> = Vec::new();
    for layer in &loaded.layers {
        let meta = match layer {
            LoadedLayer::Choropleth { meta, .. }
            | LoadedLayer::Clusters { meta, .. }
            | LoadedLayer::Hatch { meta, .. } => meta,
            _ => continue,
        };
        let line = if meta.licence.contains("Source:") || meta.source.is_empty() {
            meta.licence.clone()
        } else {
            format!("Source: {}. {}", meta.source, meta.licence)
                .trim()
                .to_string()
        };
        if !line.is_empty() && !lines.contains(&line) {
            lines.push(line);
        }
    }
    for line in &loaded.attributions {
        if !lines.contains(line) {
            lines.push(line.clone());
        }
    }
    super::attribution::dedupe(&lines)
}
