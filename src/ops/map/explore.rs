//! What an interactive map needs beyond the page: for the first data layer of a recipe (a
//! choropleth, a cluster map or a hotspot analysis), one row per area with its value, status, class and rank, in
//! the same order as that layer's features in [`MapInput`], plus the breaks. Loaded once with
//! the page itself, so the screen's colours, legend and tooltips all come from one read.

use super::area_cache::AreaCache;
use super::hotspot::{self, HotspotView};
use super::load::{self, LoadedLayer};
use super::{focus_of, resolve, today};
use crate::data::Workspace;
use crate::data::indicator::IndicatorMeta;
use crate::error::{Error, Result};
use crate::feedback::Silent;
use crate::render::input::MapInput;
use crate::render::spec::{ClusterScheme, MapSpec};
use crate::render::symbology::AreaValue;

/// One area of the explored layer.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRow {
    pub code: String,
    pub name: String,
    pub value: AreaValue,
    /// 0-based class (`None` for areas without a value).
    pub class: Option<usize>,
    /// 1 = the highest value; ties share the best rank ("competition" ranking).
    pub rank: Option<usize>,
}

/// A resolved map page plus the table of its data layer.
#[derive(Debug, Clone)]
pub struct Explore {
    pub input: MapInput,
    /// Index in `input.layers` of the data layer the rows describe.
    pub layer_index: usize,
    pub rows: Vec<AreaRow>,
    /// Upper class bounds (empty for cluster maps).
    pub breaks: Vec<f64>,
    pub meta: IndicatorMeta,
    pub period: String,
    /// Plain-language remarks of the classification.
    pub notes: Vec<String>,
    /// When the data layer is a `hotspot` layer: the result, per-area class labels and (LISA)
    /// the Moran scatterplot. Fills and legend are in `input.layers[layer_index]`.
    pub hotspot: Option<HotspotView>,
    /// For a choropleth or significance layer: each row's value, 95% limits, comparison and
    /// trend (what the hover card adds to the value).
    pub statistics: Option<super::area_statistics::LayerStatistics>,
}

impl Explore {
    /// The indicator the data layer is about: its own code, or for a `hotspot` layer the
    /// indicator the statistic ran on (`meta` is then the result's, as a saved result's is).
    pub fn indicator(&self) -> &str {
        self.hotspot
            .as_ref()
            .map_or(self.meta.code.as_str(), |h| h.request.indicator.as_str())
    }

    /// Number of areas that have a value.
    pub fn valued(&self) -> usize {
        self.rows.iter().filter(|r| r.rank.is_some()).count()
    }
}

/// Ranks (1 = highest) of the values, `None` where there is none.
///
/// ```
/// use local_atlas::ops::map::explore::ranks_high_first;
/// assert_eq!(
///     ranks_high_first(&[Some(2.0), None, Some(5.0), Some(2.0)]),
///     vec![Some(2), None, Some(1), Some(2)]
/// );
/// ```
pub fn ranks_high_first(values: &[Option<f64>]) -> Vec<Option<usize>> {
    let mut order: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|x| x.is_finite()).map(|x| (i, x)))
        .collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut out = vec![None; values.len()];
    let mut rank = 0;
    let mut previous = None;
    for (pos, (i, v)) in order.iter().enumerate() {
        if previous != Some(*v) {
            rank = pos + 1;
            previous = Some(*v);
        }
        if let Some(slot) = out.get_mut(*i) {
            *slot = Some(rank);
        }
    }
    out
}

/// A significance layer's rows show the compared indicator's values (ranked), each in the
/// class of its legend row (the legend lists only the classes the method can give).
fn significance_rows(
    rows: &mut [AreaRow],
    stats: &super::area_statistics::LayerStatistics,
    layer: Option<&crate::render::input::ResolvedLayer>,
    codes: Option<&[Option<f64>]>,
    against: Option<&str>,
) {
    let values: Vec<Option<f64>> = stats.rows.iter().map(|s| s.value).collect();
    let ranks = ranks_high_first(&values);
    let labels: Vec<&str> = layer
        .and_then(|l| l.legend.as_ref())
        .map(|b| b.entries.iter().map(|e| e.label.as_str()).collect())
        .unwrap_or_default();
    let table = crate::render::symbology::clusters::classes(ClusterScheme::Significance);
    for (i, row) in rows.iter_mut().enumerate() {
        row.value = values
            .get(i)
            .copied()
            .flatten()
            .map_or(AreaValue::Missing, AreaValue::Value);
        row.rank = ranks.get(i).copied().flatten();
        let label = codes
            .and_then(|c| c.get(i).copied().flatten())
            .and_then(|c| table.iter().find(|(k, _, _)| *k as f64 == c))
            .map(|(_, l, _)| match against {
                Some(a) => crate::render::symbology::clusters::significance_label(l, a),
                None => l.to_string(),
            });
        row.class = label.and_then(|l| labels.iter().position(|x| *x == l));
    }
}

/// The columns of a data layer, in area order.
struct LayerTable<'a> {
    areas: &'a [crate::data::query::Area],
    codes: Option<&'a [Option<f64>]>,
    hotspot: Option<&'a (
        crate::ops::stats::StatsRequest,
        std::sync::Arc<crate::ops::stats::StatsResponse>,
    )>,
    meta: &'a IndicatorMeta,
    period: &'a str,
    values: Vec<AreaValue>,
    classes: Vec<Option<usize>>,
    breaks: Vec<f64>,
    notes: Vec<String>,
}

fn table_of(layer: &LoadedLayer) -> Option<LayerTable<'_>> {
    match layer {
        LoadedLayer::Choropleth {
            areas,
            meta,
            period,
            values,
            classification,
            ..
        } => Some(LayerTable {
            areas,
            codes: None,
            hotspot: None,
            meta,
            period,
            values: values.clone(),
            classes: classification.classes.clone(),
            breaks: classification.breaks.clone(),
            notes: classification.notes.clone(),
        }),
        LoadedLayer::Clusters {
            areas,
            meta,
            period,
            codes,
            scheme,
            hotspot,
            ..
        } => Some(LayerTable {
            areas,
            codes: Some(codes),
            hotspot: hotspot.as_ref(),
            meta,
            period,
            values: codes
                .iter()
                .map(|c| c.map_or(AreaValue::Missing, AreaValue::Value))
                .collect(),
            // The class is the legend row of the code, as for choropleths.
            classes: codes
                .iter()
                .map(|c| {
                    let table = crate::render::symbology::clusters::classes(*scheme);
                    c.and_then(|v| table.iter().position(|(k, _, _)| *k as f64 == v))
                })
                .collect(),
            breaks: Vec::new(),
            notes: Vec::new(),
        }),
        _ => None,
    }
}

/// Resolves `spec` (as [`super::resolve`]) and tabulates its first choropleth, cluster or
/// hotspot layer. Reads every geography afresh; the desktop map uses [`explore_cached`].
pub fn explore(ws: &Workspace, spec: &MapSpec) -> Result<Explore> {
    explore_cached(ws, spec, &mut AreaCache::new())
}

/// [`explore`] with the decoded areas (and hotspot results) kept in `cache` between calls, so
/// a palette or classification change does not read and decode the geometry again; an import
/// or any other write to the workspace makes the cache read afresh.
pub fn explore_cached(ws: &Workspace, spec: &MapSpec, cache: &mut AreaCache) -> Result<Explore> {
    let loaded = load::load(ws, spec, cache, &Silent)?;
    let focus = focus_of(ws, spec)?;
    let input = resolve::page(&loaded, spec, &focus, &today())?;
    let (layer_index, table) = loaded
        .layers
        .iter()
        .enumerate()
        .find_map(|(i, l)| table_of(l).map(|t| (i, t)))
        .ok_or_else(|| Error::Invalid("the map has no choropleth or cluster layer".into()))?;
    let LayerTable {
        areas,
        codes,
        hotspot,
        meta,
        period,
        values,
        classes,
        breaks,
        notes,
    } = table;
    let ranks = ranks_high_first(&values.iter().map(load::as_option).collect::<Vec<_>>());
    let rows = areas
        .iter()
        .enumerate()
        .map(|(i, a)| AreaRow {
            code: a.code.clone(),
            name: a.name.clone().unwrap_or_default(),
            value: values.get(i).cloned().unwrap_or(AreaValue::Missing),
            class: classes.get(i).copied().flatten(),
            rank: ranks.get(i).copied().flatten(),
        })
        .collect::<Vec<AreaRow>>();
    let row_codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    let statistics = super::area_statistics::layer_statistics(ws, spec, &row_codes)?;
    let hotspot = hotspot.zip(codes).map(|((request, response), codes)| {
        hotspot::view(request, response.clone(), codes, &row_codes)
    });
    let mut rows = rows;
    if let (
        Some(LoadedLayer::Clusters {
            scheme: ClusterScheme::Significance,
            against,
            ..
        }),
        Some(s),
    ) = (loaded.layers.get(layer_index), &statistics)
    {
        significance_rows(
            &mut rows,
            s,
            input.layers.get(layer_index),
            codes,
            against.as_deref(),
        );
    }
    Ok(Explore {
        input,
        layer_index,
        rows,
        breaks,
        meta: meta.clone(),
        period: period.to_string(),
        notes,
        hotspot,
        statistics,
    })
}
