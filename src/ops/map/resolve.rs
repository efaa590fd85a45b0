//! From loaded data to the layout's input for one page: which areas are in focus, their fills,
//! the legends, the extent, the inset, the title's placeholders and the source lines.

use super::load::{Loaded, LoadedLayer};
use crate::data::query::Area;
use crate::error::{Error, Result};
use crate::render::input::{
    Features, LegendBlock, LegendEntry, MapInput, PointFeature, PolygonFeature, ResolvedLayer,
    Swatch,
};
use crate::render::scene::{Colour, Fill, Stroke};
use crate::render::spec::MapSpec;
use crate::render::symbology::{self, LegendOptions, clusters};
use geo::{BoundingRect, Contains, Coord, MultiPolygon, Rect};
use std::collections::HashSet;

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
    let legend_opts = LegendOptions {
        counts: spec.legend.counts,
        all_classes: spec.legend.all_classes,
    };
    let mut layers = Vec::with_capacity(loaded.layers.len());
    for (index, layer) in loaded.layers.iter().enumerate() {
        layers.push(resolve_layer(
            loaded,
            spec,
            focus,
            layer,
            index,
            legend_opts,
        )?);
    }
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

fn resolve_layer(
    loaded: &Loaded,
    spec: &MapSpec,
    focus: &Focus,
    layer: &LoadedLayer,
    index: usize,
    legend_opts: LegendOptions,
) -> Result<ResolvedLayer> {
    let greyed = matches!(focus, Focus::Areas { .. });
    let legend_title = |title: &str, unit: &str| {
        spec.legend.title.clone().unwrap_or_else(|| {
            if unit.is_empty() || title.contains(unit) {
                title.to_string()
            } else {
                format!("{title} ({unit})")
            }
        })
    };
    Ok(match layer {
        LoadedLayer::Choropleth {
            areas,
            meta,
            values,
            classification,
            colours,
            ..
        } => {
            let mask = in_focus(loaded, areas, focus);
            let decimals = usize::try_from(meta.decimals).unwrap_or(1);
            let map = symbology::choropleth(
                values,
                classification,
                colours,
                decimals,
                &legend_title(&meta.title, &meta.unit),
                legend_opts,
                Some(&mask),
            );
            let features = polygons(areas, map.fills, &mask, greyed, None);
            ResolvedLayer {
                id: format!("{index}-choropleth-{}", meta.code),
                label: meta.title.clone(),
                features: Features::Polygons(features),
                labels: false,
                legend: Some(map.legend),
            }
        }
        LoadedLayer::Clusters {
            areas,
            meta,
            codes,
            scheme,
            ..
        } => {
            let mask = in_focus(loaded, areas, focus);
            let (fills, legend) = clusters::symbolise(
                codes,
                *scheme,
                &legend_title(&meta.title, ""),
                legend_opts,
                Some(&mask),
            );
            ResolvedLayer {
                id: format!("{index}-clusters-{}", meta.code),
                label: meta.title.clone(),
                features: Features::Polygons(polygons(areas, fills, &mask, greyed, None)),
                labels: false,
                legend: Some(legend),
            }
        }
        LoadedLayer::Outline {
            areas,
            stroke,
            labels,
        } => {
            let fills = vec![Fill::None; areas.len()];
            let mask = vec![true; areas.len()];
            let geography = geography_name(loaded, areas);
            let mut features = polygons(areas, fills, &mask, false, Some(stroke));
            if *labels {
                let focus_mask = in_focus(loaded, areas, focus);
                for ((f, a), show) in features.iter_mut().zip(areas.iter()).zip(focus_mask) {
                    f.label = show.then(|| a.name.clone().unwrap_or_else(|| a.code.clone()));
                }
            }
            ResolvedLayer {
                id: format!("{index}-outline-{geography}"),
                label: format!("{geography} boundaries"),
                features: Features::Polygons(features),
                labels: *labels,
                legend: Some(LegendBlock {
                    title: String::new(),
                    entries: vec![LegendEntry {
                        swatch: Swatch::Line(stroke.clone()),
                        label: format!("{geography} boundaries"),
                        count: None,
                    }],
                }),
            }
        }
        LoadedLayer::Points {
            name,
            points,
            symbol,
            size_mm,
            colour,
            title,
        } => {
            let stroke = Some(Stroke::solid(Colour::WHITE, 0.25));
            let features: Vec<PointFeature> = points
                .iter()
                .map(|(p, label)| PointFeature {
                    point_bng: p.0,
                    symbol: *symbol,
                    size_mm: *size_mm,
                    fill: *colour,
                    stroke: stroke.clone(),
                    label: label.clone(),
                })
                .collect();
            let shown = match focus {
                Focus::Bbox(r) => features.iter().filter(|f| r.contains(&f.point_bng)).count(),
                _ => features.len(),
            };
            let labels = features.iter().any(|f| f.label.is_some());
            ResolvedLayer {
                id: format!("{index}-points-{name}"),
                label: title.clone(),
                features: Features::Points(features),
                labels,
                legend: Some(LegendBlock {
                    title: String::new(),
                    entries: vec![LegendEntry {
                        swatch: Swatch::Point {
                            symbol: *symbol,
                            size_mm: *size_mm,
                            fill: *colour,
                            stroke,
                        },
                        label: title.clone(),
                        count: legend_opts.counts.then_some(shown),
                    }],
                }),
            }
        }
        LoadedLayer::Hatch {
            areas,
            meta,
            selected,
            percent,
            of,
            colour,
            ..
        } => {
            let mask = in_focus(loaded, areas, focus);
            let hatch = symbology::share_hatch(*colour);
            let mut features = Vec::new();
            let mut count = 0;
            for ((area, chosen), shown) in areas.iter().zip(selected).zip(&mask) {
                if *chosen && (*shown || !greyed) {
                    count += usize::from(*shown);
                    features.push(feature(area, hatch.clone(), None));
                }
            }
            let what = if meta.theme.eq_ignore_ascii_case("deprivation") {
                "Most deprived"
            } else {
                "Worst"
            };
            let label = format!(
                "{what} {}%{} by {}",
                symbology::format_value(*percent, 0),
                if of.is_some() { " nationally" } else { "" },
                meta.title
            );
            ResolvedLayer {
                id: format!("{index}-hatch-{}", meta.code),
                label: label.clone(),
                features: Features::Polygons(features),
                labels: false,
                legend: Some(LegendBlock {
                    title: String::new(),
                    entries: vec![symbology::area_entry(hatch, label, count, legend_opts)],
                }),
            }
        }
    })
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

fn geography_name(loaded: &Loaded, areas: &std::sync::Arc<Vec<Area>>) -> String {
    loaded
        .geographies
        .iter()
        .find(|(_, (a, _))| std::sync::Arc::ptr_eq(a, areas))
        .map(|(name, _)| name.clone())
        .unwrap_or_default()
}

fn union(a: Option<Rect<f64>>, b: Option<Rect<f64>>) -> Option<Rect<f64>> {
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
            geography_name(loaded, areas),
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

/// The recipe's source text, or one line per indicator source and geography attribution.
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
    lines
}
