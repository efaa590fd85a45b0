//! Reading what a recipe's layers need from the workspace, once: areas (decoded once per
//! geography through an [`AreaCache`]), values and their classification, hotspot statistics,
//! points. A batch atlas then lays out many pages from one load.

use super::area_cache::{AreaCache, CachedGeography};
use super::hotspot;
use crate::analysis::classify::{Classification, ClassifyOptions, classify};
use crate::data::Workspace;
use crate::data::indicator::{IndicatorMeta, Polarity, Status};
use crate::data::query::{self, Area};
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use crate::ops::compare::{BenchmarkSpec, CompareMethod, CompareRequest, compare};
use crate::ops::compare_save;
use crate::ops::stats::{StatsRequest, StatsResponse};
use crate::render::scene::{Colour, Stroke};
use crate::render::spec::{
    ClassificationSpec, ClusterScheme, LayerSpec, MapSpec, PaletteSpec, Symbol,
};
use crate::render::symbology::{self, AreaValue, Worse, palette};
use geo::{Coord, InteriorPoint, Point};
use std::cell::OnceCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// A layer's data, read and classified.
pub(crate) enum LoadedLayer {
    Choropleth {
        areas: Arc<Vec<Area>>,
        meta: IndicatorMeta,
        period: String,
        values: Vec<AreaValue>,
        classification: Classification,
        colours: Vec<Colour>,
    },
    Clusters {
        areas: Arc<Vec<Area>>,
        meta: IndicatorMeta,
        period: String,
        codes: Vec<Option<f64>>,
        scheme: ClusterScheme,
        /// The statistic run for a `hotspot` layer (`None` for a saved result).
        hotspot: Option<(StatsRequest, Arc<StatsResponse>)>,
        /// A significance layer's or saved comparison's benchmark in words ("England
        /// (95%)"), which its legend rows name.
        against: Option<String>,
    },
    Outline {
        areas: Arc<Vec<Area>>,
        stroke: Stroke,
        labels: bool,
    },
    Points {
        name: String,
        points: Vec<(Point<f64>, Option<String>)>,
        symbol: Symbol,
        size_mm: f64,
        colour: Colour,
        title: String,
    },
    Density {
        name: String,
        grid: Arc<crate::analysis::kde::DensityGrid>,
        max_per_km2: f64,
        ramp: Vec<Colour>,
        /// The coloured grid (RGBA, row 0 at the top), made once for every page.
        rgba: Arc<Vec<u8>>,
        title: String,
    },
    Hatch {
        areas: Arc<Vec<Area>>,
        meta: IndicatorMeta,
        period: String,
        selected: Vec<bool>,
        percent: f64,
        /// Ranked nationally (out of this many) rather than among the map's areas.
        of: Option<f64>,
        colour: Colour,
    },
}

impl LoadedLayer {
    /// The areas of a polygon layer.
    pub fn areas(&self) -> Option<&Arc<Vec<Area>>> {
        match self {
            Self::Choropleth { areas, .. }
            | Self::Clusters { areas, .. }
            | Self::Outline { areas, .. }
            | Self::Hatch { areas, .. } => Some(areas),
            Self::Points { .. } | Self::Density { .. } => None,
        }
    }
}

/// A geography's areas and an interior point per area (computed when first needed: only pages
/// focused on some areas use them).
pub(crate) type GeographyData = (Arc<Vec<Area>>, Rc<OnceCell<Vec<Coord<f64>>>>);
/// An indicator read for a geography: areas, metadata, period, values in area order.
type Values = (Arc<Vec<Area>>, IndicatorMeta, String, Vec<AreaValue>);

/// Everything a recipe needs, read once.
pub(crate) struct Loaded {
    pub layers: Vec<LoadedLayer>,
    /// Geography name → its areas and an interior point per area (for "in focus" tests).
    pub geographies: HashMap<String, GeographyData>,
    /// Attribution lines of the geographies used, in layer order.
    pub attributions: Vec<String>,
    /// Geography name → its display name ("Ward (2017)").
    pub titles: HashMap<String, String>,
}

impl Loaded {
    pub fn interior_points(&self, areas: &Arc<Vec<Area>>) -> Option<Rc<Vec<Coord<f64>>>> {
        let (_, cell) = self
            .geographies
            .values()
            .find(|(a, _)| Arc::ptr_eq(a, areas))?;
        let points = cell.get_or_init(|| {
            areas
                .iter()
                .map(|a| {
                    a.geometry_bng.interior_point().map_or(
                        Coord {
                            x: f64::NAN,
                            y: f64::NAN,
                        },
                        |p| p.0,
                    )
                })
                .collect()
        });
        Some(Rc::new(points.clone()))
    }
}

pub(crate) fn colour(text: &str, what: &str) -> Result<Colour> {
    Colour::parse(text).ok_or_else(|| {
        Error::Invalid(format!(
            "{what} colour '{text}' is not a colour; write it as #rrggbb, e.g. #333333"
        ))
    })
}

pub(crate) fn worse(polarity: Polarity) -> Worse {
    match polarity {
        Polarity::LowerIsBetter => Worse::High,
        Polarity::HigherIsBetter => Worse::Low,
        Polarity::Neutral => Worse::Neither,
    }
}

struct Reader<'a> {
    ws: &'a Workspace,
    cache: &'a mut AreaCache,
    feedback: &'a dyn Feedback,
    loaded: Loaded,
}

impl Reader<'_> {
    fn areas(&mut self, geography: &str) -> Result<Arc<Vec<Area>>> {
        if let Some((areas, _)) = self.loaded.geographies.get(geography) {
            return Ok(areas.clone());
        }
        let CachedGeography {
            areas,
            attribution: line,
            title,
        } = self.cache.geography(self.ws, geography)?;
        self.loaded.titles.insert(geography.to_string(), title);
        if !line.is_empty() && !self.loaded.attributions.contains(&line) {
            self.loaded.attributions.push(line);
        }
        self.loaded.geographies.insert(
            geography.to_string(),
            (areas.clone(), Rc::new(OnceCell::new())),
        );
        Ok(areas)
    }

    /// Values of `indicator` for every area of `geography`, in area order, with status, as
    /// shown (times the indicator's display multiplier: a proportion as a percentage) and
    /// under its disclosure rule: maps are coloured, classified, labelled and hovered by the
    /// published values, so a withheld count is drawn as suppressed everywhere a reader looks.
    fn values(&mut self, geography: &str, indicator: &str, period: Option<&str>) -> Result<Values> {
        let meta = query::indicator_meta(self.ws, indicator)?;
        let period = query::resolve_period(self.ws, indicator, geography, period)?;
        let areas = self.areas(geography)?;
        let stored = query::values(self.ws, indicator, geography, &period)?;
        let by_code: HashMap<String, (Option<f64>, Status)> =
            crate::ops::disclosure::protect(self.ws, &meta, geography, &period, stored)?
                .values
                .into_iter()
                .map(|v| (v.area_code, (v.value, v.status)))
                .collect();
        let values = areas
            .iter()
            .map(|a| match by_code.get(&a.code) {
                Some((Some(v), _)) if v.is_finite() => AreaValue::Value(meta.shown(*v)),
                Some((_, Status::Suppressed)) => AreaValue::Suppressed,
                _ => AreaValue::Missing,
            })
            .collect();
        Ok((areas, meta, period, values))
    }

    /// Reads one layer of the recipe; dispatches on its kind.
    fn layer(&mut self, spec: &LayerSpec) -> Result<LoadedLayer> {
        match spec {
            LayerSpec::Choropleth {
                geography,
                indicator,
                period,
                classification,
                palette,
            } => self.choropleth(
                geography,
                indicator,
                period.as_deref(),
                classification,
                palette,
            ),
            LayerSpec::Clusters {
                geography,
                indicator,
                period,
                scheme,
            } => self.clusters(geography, indicator, period.as_deref(), *scheme),
            LayerSpec::Hotspot { statistic, .. } => self.hotspot(spec, statistic.scheme()),
            LayerSpec::Significance {
                geography,
                indicator,
                period,
                benchmark,
                method,
            } => self.significance(geography, indicator, period.as_deref(), benchmark, method),
            LayerSpec::Outline {
                geography,
                colour: c,
                width_mm,
                labels,
            } => self.outline(geography, c, *width_mm, *labels),
            LayerSpec::Points {
                layer,
                symbol,
                size_mm,
                colour: c,
                label_field,
                title,
            } => self.points(
                layer,
                *symbol,
                *size_mm,
                c,
                label_field.as_deref(),
                title.as_deref(),
            ),
            LayerSpec::Hatch {
                geography,
                indicator,
                period,
                percent,
                of,
                colour: c,
            } => self.hatch(geography, indicator, period.as_deref(), *percent, *of, c),
            LayerSpec::Density {
                layer,
                bandwidth_m,
                cell_m,
                palette,
                opacity,
                title,
            } => self.density(
                layer,
                (*bandwidth_m, *cell_m),
                palette,
                *opacity,
                title.as_deref(),
            ),
        }
    }

    /// A choropleth: the indicator's values, classified as the recipe says, and the colours of
    /// its palette (by default the one suiting the indicator's polarity).
    fn choropleth(
        &mut self,
        geography: &str,
        indicator: &str,
        period: Option<&str>,
        classification: &ClassificationSpec,
        palette_spec: &PaletteSpec,
    ) -> Result<LoadedLayer> {
        let (areas, meta, period, values) = self.values(geography, indicator, period)?;
        let plain: Vec<Option<f64>> = values.iter().map(as_option).collect();
        let opts = ClassifyOptions {
            method: classification.method,
            k: classification.k,
            manual_breaks: classification.breaks.clone(),
            ..Default::default()
        };
        let classification = classify(&plain, &opts).map_err(|e| {
            Error::Invalid(format!(
                "cannot classify {indicator} ({geography}, {period}): {e}"
            ))
        })?;
        let colours = palette_colours(palette_spec, meta.polarity, classification.breaks.len())?;
        Ok(LoadedLayer::Choropleth {
            areas,
            meta,
            period,
            values,
            classification,
            colours,
        })
    }

    /// A saved cluster (or class) indicator, its codes drawn with `scheme`.
    fn clusters(
        &mut self,
        geography: &str,
        indicator: &str,
        period: Option<&str>,
        scheme: ClusterScheme,
    ) -> Result<LoadedLayer> {
        let (areas, meta, period, values) = self.values(geography, indicator, period)?;
        let against = compare_save::against_of_unit(&meta.unit).map(str::to_string);
        Ok(LoadedLayer::Clusters {
            areas,
            meta,
            period,
            codes: values.iter().map(as_option).collect(),
            scheme,
            hotspot: None,
            against,
        })
    }

    /// A significance layer: `compare` run now, each area coded by its result and drawn with
    /// Fingertips' colours; the legend says what it was compared with.
    fn significance(
        &mut self,
        geography: &str,
        indicator: &str,
        period: Option<&str>,
        benchmark: &str,
        method: &str,
    ) -> Result<LoadedLayer> {
        let layer_err = |e: String| Error::Invalid(format!("significance layer: {e}"));
        let req = CompareRequest {
            geography: geography.to_string(),
            indicator: indicator.to_string(),
            period: period.map(str::to_string),
            benchmark: benchmark.parse::<BenchmarkSpec>().map_err(layer_err)?,
            method: method.parse::<CompareMethod>().map_err(layer_err)?,
        };
        let result = compare(self.ws, &req)?;
        let areas = self.areas(geography)?;
        let by_area = compare_save::codes(&result);
        // The compared indicator's own metadata: the explored rows show its values.
        let meta = query::indicator_meta(self.ws, indicator)?;
        Ok(LoadedLayer::Clusters {
            codes: areas
                .iter()
                .map(|a| by_area.get(&a.code).copied())
                .collect(),
            areas,
            meta,
            against: Some(compare_save::against(&result)),
            period: result.period,
            scheme: ClusterScheme::Significance,
            hotspot: None,
        })
    }

    /// A geography's boundaries, with the stroke checked (colour, then width).
    fn outline(
        &mut self,
        geography: &str,
        c: &str,
        width_mm: f64,
        labels: bool,
    ) -> Result<LoadedLayer> {
        Ok(LoadedLayer::Outline {
            areas: self.areas(geography)?,
            stroke: Stroke::solid(
                colour(c, "outline")?,
                positive(width_mm, "outline width_mm")?,
            ),
            labels,
        })
    }

    /// A point layer with its labels; the title defaults to the layer's name.
    fn points(
        &mut self,
        layer: &str,
        symbol: Symbol,
        size_mm: f64,
        c: &str,
        label_field: Option<&str>,
        title: Option<&str>,
    ) -> Result<LoadedLayer> {
        Ok(LoadedLayer::Points {
            name: layer.to_string(),
            points: query::labelled_points(self.ws, layer, label_field)?,
            symbol,
            size_mm: positive(size_mm, "point size_mm")?,
            colour: colour(c, "point")?,
            title: title.unwrap_or(layer).to_string(),
        })
    }

    /// A point layer's density surface, computed and coloured.
    fn density(
        &mut self,
        layer: &str,
        (bandwidth_m, cell_m): (f64, f64),
        palette_spec: &PaletteSpec,
        opacity: f64,
        title: Option<&str>,
    ) -> Result<LoadedLayer> {
        let surface = crate::ops::kde::surface(self.ws, layer, bandwidth_m, cell_m, None)?;
        let name = palette_spec
            .name
            .as_deref()
            .unwrap_or(symbology::density::DEFAULT_PALETTE);
        let ramp = symbology::density::ramp(name, palette_spec.reverse)?;
        let max_per_km2 = surface.max_per_km2();
        let g = &surface.grid;
        let rgba = symbology::density::rgba(&g.values, g.cols, g.rows, max_per_km2, &ramp, opacity);
        Ok(LoadedLayer::Density {
            name: layer.to_string(),
            grid: Arc::new(surface.grid),
            max_per_km2,
            ramp,
            rgba: Arc::new(rgba),
            title: title.map_or_else(|| density_title(layer), str::to_string),
        })
    }

    /// The worst `percent` of areas by an indicator (ranked among the map's areas, or against
    /// a national ranking of `of` areas), to be hatched.
    fn hatch(
        &mut self,
        geography: &str,
        indicator: &str,
        period: Option<&str>,
        percent: f64,
        of: Option<f64>,
        c: &str,
    ) -> Result<LoadedLayer> {
        check_hatch_percent(percent)?;
        let (areas, meta, period, values) = self.values(geography, indicator, period)?;
        let plain: Vec<Option<f64>> = values.iter().map(as_option).collect();
        let selected = hatch_selection(&plain, percent, of, meta.polarity)?;
        Ok(LoadedLayer::Hatch {
            areas,
            meta,
            period,
            selected,
            percent,
            of,
            colour: colour(c, "hatch")?,
        })
    }
}

/// The colours of a choropleth's classes: the recipe's palette, or the default palette for the
/// indicator's polarity (which `reverse` flips).
fn palette_colours(spec: &PaletteSpec, polarity: Polarity, classes: usize) -> Result<Vec<Colour>> {
    let (name, reverse) = match &spec.name {
        Some(name) => (name.as_str(), spec.reverse),
        None => {
            let (name, rev) = symbology::default_palette(worse(polarity));
            (name, rev ^ spec.reverse)
        }
    };
    Ok(palette::colours(name, classes, reverse)?)
}

/// Refuses a hatch share that is not a percentage above 0.
fn check_hatch_percent(percent: f64) -> Result<()> {
    if percent.is_finite() && percent > 0.0 && percent <= 100.0 {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "hatch percent {percent} must be more than 0 and at most 100 (e.g. 10 for the most deprived decile)"
        )))
    }
}

/// Which areas are in the worst `percent`: with `of`, the values are national ranks (1 =
/// worst) cut at `of · percent / 100`; otherwise the worst share among the values given.
fn hatch_selection(
    plain: &[Option<f64>],
    percent: f64,
    of: Option<f64>,
    polarity: Polarity,
) -> Result<Vec<bool>> {
    match of {
        Some(n) if n.is_finite() && n >= 1.0 => {
            let cut = n * percent / 100.0;
            Ok(plain.iter().map(|r| r.is_some_and(|r| r <= cut)).collect())
        }
        Some(n) => Err(Error::Invalid(format!(
            "hatch: the national ranking size {n} must be at least 1 (e.g. 32844 LSOAs)"
        ))),
        None => Ok(crate::analysis::ranking::worst_share(
            plain,
            percent,
            worse(polarity),
        )),
    }
}

impl Reader<'_> {
    /// Runs (or takes from the cache) the statistic of a hotspot layer and draws it as the
    /// cluster layer of its saved result would be.
    fn hotspot(&mut self, spec: &LayerSpec, scheme: ClusterScheme) -> Result<LoadedLayer> {
        let Some(request) = hotspot::request_of(spec) else {
            return Err(Error::Invalid("not a hotspot layer".into()));
        };
        let request = request?;
        let source = query::indicator_meta(self.ws, &request.indicator)?;
        let period = query::resolve_period(
            self.ws,
            &request.indicator,
            &request.geography,
            request.period.as_deref(),
        )?;
        let request = StatsRequest {
            period: Some(period.clone()),
            ..request
        };
        let areas = self.areas(&request.geography)?;
        let response = hotspot::result(self.ws, &request, self.cache, self.feedback)?;
        Ok(LoadedLayer::Clusters {
            codes: hotspot::codes(&response, &areas),
            areas,
            meta: hotspot::meta(&source, &request),
            period,
            scheme,
            hotspot: Some((request, response)),
            against: None,
        })
    }
}

pub(crate) fn as_option(v: &AreaValue) -> Option<f64> {
    match v {
        AreaValue::Value(x) => Some(*x),
        _ => None,
    }
}

fn positive(v: f64, what: &str) -> Result<f64> {
    if v.is_finite() && v > 0.0 && v <= 100.0 {
        Ok(v)
    } else {
        Err(Error::Invalid(format!(
            "{what} {v} must be a size in millimetres between 0 and 100"
        )))
    }
}

/// Reads every layer of `spec`, taking decoded areas (and hotspot results) from `cache` while
/// the workspace is unchanged.
pub(crate) fn load(
    ws: &Workspace,
    spec: &MapSpec,
    cache: &mut AreaCache,
    feedback: &dyn Feedback,
) -> Result<Loaded> {
    if spec.layers.is_empty() {
        return Err(Error::Invalid(
            "the map has no layers: give --geography and --indicator (or --recipe NAME)".into(),
        ));
    }
    cache.validate(ws)?;
    let mut reader = Reader {
        ws,
        cache,
        feedback,
        loaded: Loaded {
            layers: Vec::new(),
            geographies: HashMap::new(),
            attributions: Vec::new(),
            titles: HashMap::new(),
        },
    };
    for layer in &spec.layers {
        if feedback.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let loaded = reader.layer(layer)?;
        reader.loaded.layers.push(loaded);
    }
    Ok(reader.loaded)
}

/// The legend title of a density surface of a point layer: "Burglaries 2018: density".
pub(crate) fn density_title(layer: &str) -> String {
    format!(
        "{}: density",
        crate::data::geography_title::layer_title(layer)
    )
}
