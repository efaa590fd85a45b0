//! The data of a profile's charts: the area and its siblings (bars with limits, coloured by
//! comparison, the benchmark line) and the area over time with the benchmark (series).

use super::build::ProfileRun;
use super::facts::{Comparators, Facts};
use crate::data::Workspace;
use crate::data::query;
use crate::error::Result;
use crate::ops::compare::{self, AreaComparison, CompareRequest};
use crate::ops::period_year;
use crate::render::report::document::{Bar, BarChart, SeriesPoint, TimeSeries};
use std::collections::HashMap;

/// Every period of one indicator compared: (period, area code → comparison), oldest first.
#[derive(Debug, Clone, Default)]
pub struct SeriesData(pub Vec<(String, HashMap<String, AreaComparison>)>);

impl SeriesData {
    /// Compares every period of `code` at the geography (raw values where a period cannot be
    /// compared, e.g. the benchmark has no value for it).
    pub fn gather(ws: &Workspace, code: &str, c: &Comparators) -> Result<SeriesData> {
        let mut periods = query::periods(ws, code, &c.geography)?;
        periods.sort_by(|a, b| {
            period_year::start_year(a)
                .cmp(&period_year::start_year(b))
                .then(a.cmp(b))
        });
        let mut out = Vec::with_capacity(periods.len());
        for p in periods {
            let req = CompareRequest {
                geography: c.geography.clone(),
                indicator: code.to_string(),
                period: Some(p.clone()),
                benchmark: c.benchmark.clone(),
                method: c.method,
            };
            let by_area: HashMap<String, AreaComparison> = match compare::compare(ws, &req) {
                Ok(r) => r.areas.into_iter().map(|a| (a.code.clone(), a)).collect(),
                Err(_) => query::values(ws, code, &c.geography, &p)?
                    .into_iter()
                    .map(|v| {
                        let a = AreaComparison {
                            code: v.area_code.clone(),
                            value: v.value,
                            lower_ci: v.lower_ci,
                            upper_ci: v.upper_ci,
                            benchmark_code: None,
                            benchmark_value: None,
                            result: "not_compared".into(),
                            reason: None,
                            group: None,
                            colour: String::new(),
                        };
                        (v.area_code, a)
                    })
                    .collect(),
            };
            out.push((p.clone(), withhold(ws, code, c, &p, by_area)?));
        }
        Ok(SeriesData(out))
    }
}

/// `by_area` with the values disclosure control withholds in that period taken out.
fn withhold(
    ws: &Workspace,
    code: &str,
    c: &Comparators,
    period: &str,
    mut by_area: HashMap<String, AreaComparison>,
) -> Result<HashMap<String, AreaComparison>> {
    let meta = query::indicator_meta(ws, code)?;
    if crate::ops::disclosure::rule_of(&meta)
        == crate::analysis::indicator_stats::disclosure::Rule::None
    {
        return Ok(by_area);
    }
    let stored = query::values(ws, code, &c.geography, period)?;
    let p = crate::ops::disclosure::protect(ws, &meta, &c.geography, period, stored)?;
    for code in p.reasons.keys() {
        if let Some(a) = by_area.get_mut(code) {
            a.value = None;
            a.lower_ci = None;
            a.upper_ci = None;
            a.result = "not_compared".into();
            a.colour = String::new();
        }
    }
    Ok(by_area)
}

/// The areas a bar chart shows beside `code`: those with the same parent, else all.
fn siblings(run: &ProfileRun, code: &str) -> Vec<String> {
    match run.parent_of.get(code) {
        Some(p) => run
            .codes
            .iter()
            .filter(|c| run.parent_of.get(*c).is_some_and(|q| q.code == p.code))
            .cloned()
            .collect(),
        None => run.codes.clone(),
    }
}

/// The bar chart of `f` for area `code` and its siblings, ranked by value (highest first).
pub fn bars(run: &ProfileRun, f: &Facts, code: &str) -> Option<BarChart> {
    let period = f.period.clone()?;
    let mut bars: Vec<Bar> = siblings(run, code)
        .into_iter()
        .map(|c| {
            let cmp = f.comparison.get(&c);
            let withheld = f
                .value(&c)
                .is_some_and(|v| v.status == crate::data::indicator::Status::Suppressed);
            let v = f.value(&c).filter(|_| !withheld);
            Bar {
                name: run.names.get(&c).cloned().unwrap_or_else(|| c.clone()),
                value: v.and_then(|v| v.value),
                lower_ci: v.and_then(|v| v.lower_ci),
                upper_ci: v.and_then(|v| v.upper_ci),
                colour: cmp.map_or_else(String::new, |a| a.colour.clone()),
                is_area: c == code,
                code: c,
            }
        })
        .collect();
    bars.sort_by(|a, b| {
        b.value
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.value.unwrap_or(f64::NEG_INFINITY))
            .then(a.name.cmp(&b.name))
    });
    Some(BarChart {
        indicator: f.meta.code.clone(),
        title: f.meta.title.clone(),
        unit: f.meta.unit.clone(),
        period,
        decimals: f.meta.decimals.clamp(0, 6) as usize,
        bars,
        benchmark_name: run.comparators.benchmark_name.clone(),
        benchmark_value: f.comparison.get(code).and_then(|c| c.benchmark_value),
    })
}

/// The time series of `f` for area `code`, with the benchmark's values.
pub fn series(run: &ProfileRun, f: &Facts, code: &str) -> Option<TimeSeries> {
    let data = run.series.get(&f.meta.code)?;
    if data.0.is_empty() {
        return None;
    }
    let withheld_now = f
        .value(code)
        .is_some_and(|v| v.status == crate::data::indicator::Status::Suppressed);
    let mut points = Vec::new();
    let mut benchmark = Vec::new();
    for (period, areas) in &data.0 {
        let a = areas.get(code).filter(|_| !withheld_now);
        points.push(SeriesPoint {
            period: period.clone(),
            value: a.and_then(|a| a.value),
            lower_ci: a.and_then(|a| a.lower_ci),
            upper_ci: a.and_then(|a| a.upper_ci),
            colour: a.map(|a| a.colour.clone()).filter(|c| !c.is_empty()),
        });
        benchmark.push(SeriesPoint {
            period: period.clone(),
            value: areas.get(code).and_then(|a| a.benchmark_value),
            lower_ci: None,
            upper_ci: None,
            colour: None,
        });
    }
    Some(TimeSeries {
        indicator: f.meta.code.clone(),
        title: f.meta.title.clone(),
        unit: f.meta.unit.clone(),
        decimals: f.meta.decimals.clamp(0, 6) as usize,
        area_name: run
            .names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string()),
        points,
        benchmark_name: run.comparators.benchmark_name.clone(),
        benchmark,
    })
}
