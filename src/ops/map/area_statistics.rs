//! What the desktop map's hover card says of an area beyond its value: the 95% confidence
//! interval, its comparison with a benchmark ("Worse than England (95%)") and, where one can be
//! calculated, the trend marker — for the explored layer's indicator (a choropleth's, or the
//! indicator a significance layer compares). Limits are the published ones (under the
//! indicator's disclosure rule); the comparison is `compare`'s, against the layer's own
//! benchmark for a significance layer and otherwise against England (or the first benchmark
//! area holding the indicator), at 95%.

use crate::analysis::indicator_stats::trend::POINTS_TO_USE;
use crate::data::Workspace;
use crate::data::benchmark;
use crate::data::query;
use crate::error::Result;
use crate::ops::compare::{BenchmarkSpec, CompareMethod, CompareRequest, compare};
use crate::ops::compare_save::against;
use crate::ops::trend::{TrendRequest, TrendTest, trend};
use crate::render::spec::{LayerSpec, MapSpec};
use crate::render::symbology::clusters::significance_label;
use std::collections::HashMap;

/// One area's statistics (values in the indicator's shown units).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AreaStatistics {
    pub value: Option<f64>,
    /// 95% limits.
    pub ci95: Option<(f64, f64)>,
    /// "Worse than England (95%)", "Not compared: no confidence interval…".
    pub comparison: Option<String>,
    /// "↑ increasing and getting worse", "→ no significant change".
    pub trend: Option<String>,
}

/// The statistics of the explored layer's areas, in the order of `codes`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerStatistics {
    pub rows: Vec<AreaStatistics>,
}

/// What the statistics are of: geography, indicator, period and (significance layer)
/// benchmark and method; empty codes for a data layer of another kind.
type Subject = (String, String, Option<String>, Option<(String, String)>);

/// The subject of the recipe's first data layer.
fn subject(spec: &MapSpec) -> Option<Subject> {
    spec.layers.iter().find_map(|l| match l {
        LayerSpec::Choropleth {
            geography,
            indicator,
            period,
            ..
        } => Some((geography.clone(), indicator.clone(), period.clone(), None)),
        LayerSpec::Significance {
            geography,
            indicator,
            period,
            benchmark,
            method,
        } => Some((
            geography.clone(),
            indicator.clone(),
            period.clone(),
            Some((benchmark.clone(), method.clone())),
        )),
        LayerSpec::Clusters { .. } | LayerSpec::Hotspot { .. } => {
            Some((String::new(), String::new(), None, None))
        }
        _ => None,
    })
}

/// The statistics of the areas `codes` (the explored rows), or `None` when the layer is not
/// about one indicator's values (a cluster map, a hotspot run).
pub fn layer_statistics(
    ws: &Workspace,
    spec: &MapSpec,
    codes: &[&str],
) -> Result<Option<LayerStatistics>> {
    let Some((geography, indicator, period, bench)) = subject(spec) else {
        return Ok(None);
    };
    if indicator.is_empty() {
        return Ok(None);
    }
    let meta = query::indicator_meta(ws, &indicator)?;
    let period = query::resolve_period(ws, &indicator, &geography, period.as_deref())?;
    let stored = query::values(ws, &indicator, &geography, &period)?;
    let published = crate::ops::disclosure::protect(ws, &meta, &geography, &period, stored)?;
    let by_code: HashMap<&str, _> = published
        .values
        .iter()
        .map(|v| (v.area_code.as_str(), v))
        .collect();
    let has_limits = published.values.iter().any(|v| v.lower_ci.is_some());
    let (benchmark, method) = match bench {
        Some((b, m)) => (Some(b), m),
        // Without limits there is nothing to compare at 95%.
        None if !has_limits => (None, String::new()),
        None => (default_benchmark(ws, &indicator)?, "ci95".into()),
    };
    let comparisons = match benchmark {
        Some(b) => comparisons(ws, &geography, &indicator, &period, &b, &method),
        None => HashMap::new(),
    };
    let trends = trends(ws, &geography, &indicator)?;
    let rows = codes
        .iter()
        .map(|c| {
            let v = by_code.get(c);
            AreaStatistics {
                value: v.and_then(|v| v.value).map(|x| meta.shown(x)),
                ci95: v
                    .and_then(|v| v.lower_ci.zip(v.upper_ci))
                    .map(|(l, u)| (meta.shown(l), meta.shown(u))),
                comparison: comparisons.get(*c).cloned(),
                trend: trends.get(*c).cloned(),
            }
        })
        .collect();
    Ok(Some(LayerStatistics { rows }))
}

/// Each area's trend marker with its arrow ("↑ increasing and getting worse"), where one can
/// be calculated (Fingertips' rules need 5 consecutive periods; none is read otherwise).
fn trends(ws: &Workspace, geography: &str, indicator: &str) -> Result<HashMap<String, String>> {
    if query::periods(ws, indicator, geography)?.len() < POINTS_TO_USE {
        return Ok(HashMap::new());
    }
    let req = TrendRequest {
        geography: geography.to_string(),
        indicator: indicator.to_string(),
        benchmark: None,
        method: TrendTest::default(),
    };
    let Ok(r) = trend(ws, &req) else {
        return Ok(HashMap::new());
    };
    Ok(r.areas
        .iter()
        .filter_map(|a| {
            let arrow = match a.marker.as_str() {
                "increasing" => "↑",
                "decreasing" => "↓",
                "no_significant_change" => "→",
                _ => return None,
            };
            Some((a.code.clone(), format!("{arrow} {} (trend)", a.words())))
        })
        .collect())
}

/// England when it holds the indicator, else the first benchmark area that does.
fn default_benchmark(ws: &Workspace, indicator: &str) -> Result<Option<String>> {
    let mut areas = Vec::new();
    for b in benchmark::benchmarks(ws)? {
        if !benchmark::periods(ws, indicator, &b.code)?.is_empty() {
            areas.push(b.code);
        }
    }
    Ok(areas
        .iter()
        .find(|c| *c == "E92000001")
        .or(areas.first())
        .cloned())
}

/// Each area's comparison in words; empty when the comparison cannot run (no benchmark value
/// in this period, an unknown method), which the card then leaves out.
fn comparisons(
    ws: &Workspace,
    geography: &str,
    indicator: &str,
    period: &str,
    benchmark: &str,
    method: &str,
) -> HashMap<String, String> {
    let (Ok(benchmark), Ok(method)) = (
        benchmark.parse::<BenchmarkSpec>(),
        method.parse::<CompareMethod>(),
    ) else {
        return HashMap::new();
    };
    let req = CompareRequest {
        geography: geography.to_string(),
        indicator: indicator.to_string(),
        period: Some(period.to_string()),
        benchmark,
        method,
    };
    let Ok(r) = compare(ws, &req) else {
        return HashMap::new();
    };
    let with = against(&r);
    r.areas
        .iter()
        .map(|a| {
            let label = crate::analysis::result_codes::comparison(&a.result)
                .map_or(a.result.as_str(), |c| c.label);
            let text = match &a.reason {
                Some(why) => format!("Not compared with {with}: {why}"),
                None => significance_label(label, &with),
            };
            (a.code.clone(), text)
        })
        .collect()
}
