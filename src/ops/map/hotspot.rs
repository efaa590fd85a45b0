//! A recipe's hotspot layer: the request `ops::stats` runs for it, and its result as the codes
//! `stats … --save` stores (so the layer draws with the saved result's symbology), per-area
//! class labels and the Moran scatterplot that the desktop app shows beside the map.

use super::area_cache::AreaCache;
use crate::data::Workspace;
use crate::data::indicator::{IndicatorMeta, Polarity};
use crate::data::query::Area;
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use crate::ops::indicator_data::WeightsKind;
use crate::ops::stats::{self, Statistic, StatsRequest, StatsResponse};
use crate::render::spec::{HotspotStatistic, LayerSpec};
use crate::render::symbology::clusters;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The statistic request of a `hotspot` layer (never saving), or `None` for other layers.
pub fn request_of(layer: &LayerSpec) -> Option<Result<StatsRequest>> {
    let LayerSpec::Hotspot {
        geography,
        indicator,
        period,
        statistic,
        weights,
        permutations,
        seed,
        alpha,
        fdr,
        two_sided,
    } = layer
    else {
        return None;
    };
    let statistic = match statistic {
        HotspotStatistic::Lisa => Statistic::Lisa,
        HotspotStatistic::Gistar => Statistic::Gistar,
    };
    Some(
        weights
            .parse::<WeightsKind>()
            .map_err(|e| Error::Invalid(format!("hotspot layer: {e}")))
            .map(|weights| StatsRequest {
                period: period.clone(),
                weights,
                permutations: *permutations,
                seed: *seed,
                alpha: *alpha,
                fdr: *fdr,
                two_sided: *two_sided,
                save: false,
                ..StatsRequest::new(statistic, geography, indicator)
            }),
    )
}

/// The recipe layer that draws the result of `req` (a LISA or Gi* request; `None` for global
/// Moran's I, which has no map): how the app puts a hotspot run into its recipe, so an export
/// draws what the screen shows. The inverse of [`request_of`].
///
/// ```
/// use local_atlas::ops::map::hotspot::{layer_of, request_of};
/// use local_atlas::ops::stats::{Statistic, StatsRequest};
/// let mut req = StatsRequest::new(Statistic::Gistar, "lsoa11", "imd_score");
/// req.seed = 7;
/// let layer = layer_of(&req).unwrap();
/// let back = request_of(&layer).unwrap().unwrap();
/// assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&req).unwrap());
/// assert!(layer_of(&StatsRequest::new(Statistic::Moran, "lsoa11", "imd_score")).is_none());
/// ```
pub fn layer_of(req: &StatsRequest) -> Option<LayerSpec> {
    let statistic = match req.statistic {
        Statistic::Lisa => HotspotStatistic::Lisa,
        Statistic::Gistar => HotspotStatistic::Gistar,
        Statistic::Moran => return None,
    };
    Some(LayerSpec::Hotspot {
        geography: req.geography.clone(),
        indicator: req.indicator.clone(),
        period: req.period.clone(),
        statistic,
        weights: req.weights.to_string(),
        permutations: req.permutations,
        seed: req.seed,
        alpha: req.alpha,
        fdr: req.fdr,
        two_sided: req.two_sided,
    })
}

/// Runs the statistic of `req` unless `cache` already holds its result for this workspace
/// state (a hotspot result depends only on the request and the data).
pub(crate) fn result(
    ws: &Workspace,
    req: &StatsRequest,
    cache: &mut AreaCache,
    feedback: &dyn Feedback,
) -> Result<Arc<StatsResponse>> {
    let key = serde_json::to_string(req)
        .map_err(|e| Error::Invalid(format!("hotspot layer cannot be keyed: {e}")))?;
    if let Some(kept) = cache.hotspot(&key) {
        return Ok(kept);
    }
    let response = Arc::new(stats::compute(ws, req, feedback)?);
    cache.keep_hotspot(key, response.clone());
    Ok(response)
}

/// Keeps `response`, the result a front end already ran for `req` (on a background thread),
/// in `cache`, so the next explore of the recipe layer [`layer_of`]`(req)` draws it without
/// running the statistic again on the caller's thread. The key is the layer's own request, as
/// [`result`] computes it; the result is the same (same request, same seed, same data).
pub fn remember(
    cache: &mut AreaCache,
    ws: &Workspace,
    req: &StatsRequest,
    response: StatsResponse,
) -> Result<()> {
    let Some(layer) = layer_of(req) else {
        return Ok(());
    };
    let Some(own) = request_of(&layer) else {
        return Ok(());
    };
    let key = serde_json::to_string(&own?)
        .map_err(|e| Error::Invalid(format!("hotspot layer cannot be keyed: {e}")))?;
    cache.validate(ws)?;
    cache.keep_hotspot(key, Arc::new(response));
    Ok(())
}

/// The code `stats … --save` stores for each area (in the order of `areas`; `None` for areas
/// left out of the statistic, drawn as "No data" as in the saved result).
pub(crate) fn codes(response: &StatsResponse, areas: &[Area]) -> Vec<Option<f64>> {
    let by_code: HashMap<&str, f64> = match response {
        StatsResponse::Lisa(l) => l
            .areas
            .iter()
            .map(|a| (a.code.as_str(), stats::cluster_code(a.cluster)))
            .collect(),
        StatsResponse::Gistar(g) => g
            .areas
            .iter()
            .map(|a| (a.code.as_str(), stats::hotspot_code(a.class)))
            .collect(),
        StatsResponse::Moran(_) => HashMap::new(),
    };
    areas
        .iter()
        .map(|a| by_code.get(a.code.as_str()).copied())
        .collect()
}

/// The metadata of the result as `stats … --save` writes it (code, title, unit), keeping the
/// analysed indicator's source and licence for the attribution line.
pub(crate) fn meta(source: &IndicatorMeta, req: &StatsRequest) -> IndicatorMeta {
    let (suffix, title, shown) = match req.statistic {
        Statistic::Gistar => (
            "gistar_class",
            "hot/cold spot",
            crate::ops::result_titles::gistar_classes(&source.title, req),
        ),
        _ => (
            "lisa_cluster",
            "LISA cluster",
            crate::ops::result_titles::lisa_clusters(&source.title, req),
        ),
    };
    IndicatorMeta {
        code: format!("{}_{suffix}", req.indicator),
        title: shown,
        definition: format!(
            "{} of {} ({} weights, {} permutations, seed {})",
            title, req.indicator, req.weights, req.permutations, req.seed
        ),
        unit: "class".into(),
        decimals: 0,
        polarity: Polarity::Neutral,
        ..source.clone()
    }
}

/// What the app shows of a hotspot layer besides its fills and legend.
#[derive(Debug, Clone)]
pub struct HotspotView {
    /// The request run (the recipe's layer as `ops::stats` takes it).
    pub request: StatsRequest,
    /// The full result, as `stats` prints it.
    pub response: Arc<StatsResponse>,
    /// Areas per class, keyed as `stats` counts them (`HH`, `hot_99`, …).
    pub counts: BTreeMap<String, usize>,
    /// Per area (in the order of `Explore::rows`): the legend label of its class, `None` when
    /// the area was left out (no value).
    pub labels: Vec<Option<String>>,
    /// LISA only: the Moran scatterplot.
    pub scatter: Option<MoranScatter>,
}

/// The Moran scatterplot of a LISA result.
#[derive(Debug, Clone, PartialEq)]
pub struct MoranScatter {
    /// (row index in `Explore::rows`, [z, spatial lag of z]) for every area with both.
    pub points: Vec<(usize, [f64; 2])>,
    /// The slope: global Moran's I.
    pub moran_i: f64,
}

/// The app's view of a hotspot result over `codes` (the layer's per-area codes) and the
/// explored rows' area codes.
pub(crate) fn view(
    request: &StatsRequest,
    response: Arc<StatsResponse>,
    codes: &[Option<f64>],
    row_codes: &[&str],
) -> HotspotView {
    let scheme = match request.statistic {
        Statistic::Gistar => HotspotStatistic::Gistar.scheme(),
        _ => HotspotStatistic::Lisa.scheme(),
    };
    let table = clusters::classes(scheme);
    let labels = codes
        .iter()
        .map(|c| {
            c.and_then(|v| table.iter().find(|(k, _, _)| *k as f64 == v))
                .map(|(_, label, _)| label.to_string())
        })
        .collect();
    let (counts, scatter) = match response.as_ref() {
        StatsResponse::Lisa(l) => {
            let index: HashMap<&str, usize> =
                row_codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
            let points = l
                .areas
                .iter()
                .filter_map(|a| Some((*index.get(a.code.as_str())?, [a.z, a.lag])))
                .filter(|(_, p)| p[0].is_finite() && p[1].is_finite())
                .collect();
            (
                owned(&l.counts),
                Some(MoranScatter {
                    points,
                    moran_i: l.moran_i,
                }),
            )
        }
        StatsResponse::Gistar(g) => (owned(&g.counts), None),
        StatsResponse::Moran(_) => (BTreeMap::new(), None),
    };
    HotspotView {
        request: request.clone(),
        counts,
        response,
        labels,
        scatter,
    }
}

fn owned(counts: &BTreeMap<String, usize>) -> BTreeMap<String, usize> {
    counts.clone()
}
