//! `compare --save` and the recipes' significance layer: a comparison as per-area codes
//! (`analysis::result_codes::COMPARISON`), saved as an indicator of kind `comparison` so a map
//! draws it with Fingertips' colours, and the words that say what it was compared with
//! ("England (95%)") for its title and legend.

use super::compare::{Benchmark, CompareMethod, CompareResult};
use crate::analysis::result_codes::{self, COMPARISON};
use crate::data::Workspace;
use crate::data::derived::save_indicators;
use crate::data::indicator::{IndicatorKind, IndicatorMeta, ValueRow};
use crate::data::query;
use crate::error::Result;
use std::collections::HashMap;

/// What a method compares at, in words: "95%", "99.8%", …
pub fn method_words(m: CompareMethod) -> &'static str {
    match m {
        CompareMethod::Ci95 => "95%",
        CompareMethod::Ci99_8 => "99.8%",
        CompareMethod::Ci95And99_8 => "95% and 99.8%",
        CompareMethod::Overlap => "95%, intervals overlapping",
        CompareMethod::Spc => "SPC 95%",
        CompareMethod::Quintiles => "quintiles",
        CompareMethod::Quartiles => "quartiles",
    }
}

/// What the areas were compared with, as a legend says it: "England (95%)", "its parent
/// lad16 area (95%)", "the quintiles of the lad16 areas".
pub fn against(r: &CompareResult) -> String {
    match &r.benchmark {
        Benchmark::Groups { .. } => {
            format!(
                "the {} of the {} areas",
                method_words(r.method),
                r.geography
            )
        }
        Benchmark::Area(b) => format!(
            "{} ({})",
            b.name.clone().unwrap_or_else(|| b.code.clone()),
            method_words(r.method)
        ),
        Benchmark::Parent {
            parent_geography, ..
        } => format!(
            "its parent {parent_geography} area ({})",
            method_words(r.method)
        ),
    }
}

/// A benchmark an indicator can be compared with, as a front end offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchmarkChoice {
    /// What `compare --benchmark` takes: `E92000001` or `parent:lad16`.
    pub spec: String,
    /// "England", "its parent lad16 area".
    pub label: String,
}

/// The benchmarks `indicator` at `geography` can be compared with: the benchmark areas that
/// hold a value of it, then (when its values have counts and denominators to pool) each
/// coarser geography the workspace has a lookup to.
pub fn benchmark_choices(
    ws: &Workspace,
    indicator: &str,
    geography: &str,
) -> Result<Vec<BenchmarkChoice>> {
    let mut out = Vec::new();
    for b in crate::data::benchmark::benchmarks(ws)? {
        if !crate::data::benchmark::periods(ws, indicator, &b.code)?.is_empty() {
            out.push(BenchmarkChoice {
                label: b.name.clone().unwrap_or_else(|| b.code.clone()),
                spec: b.code,
            });
        }
    }
    // A parent's value is pooled from its children's counts and denominators: offered only
    // for an indicator that has them.
    let period = query::resolve_period(ws, indicator, geography, None)?;
    let pooled = query::values(ws, indicator, geography, &period)?
        .iter()
        .any(|v| v.numerator.is_some() && v.denominator.is_some());
    if !pooled {
        return Ok(out);
    }
    for parent in crate::data::parent_maps::parent_maps(ws, geography)?
        .into_iter()
        .map(|m| m.parent_geography)
    {
        out.push(BenchmarkChoice {
            label: format!("its parent {parent} area"),
            spec: format!("parent:{parent}"),
        });
    }
    Ok(out)
}

/// Each compared area's result code, by area code.
pub fn codes(r: &CompareResult) -> HashMap<String, f64> {
    r.areas
        .iter()
        .filter_map(|a| {
            result_codes::comparison(&a.result).map(|c| (a.code.clone(), c.code as f64))
        })
        .collect()
}

/// The code a saved comparison gets: `<indicator>_vs_<benchmark>_<method>`, lower case
/// (`93474_vs_e92000001_ci95`, `93474_vs_parent_lad16_ci95`).
pub fn saved_code(r: &CompareResult) -> String {
    let bench = benchmark_arg(r).replace(':', "_");
    format!("{}_vs_{bench}_{}", r.indicator, method_key(r.method)).to_lowercase()
}

/// The method as `compare --method` takes it (`ci95`).
fn method_key(m: CompareMethod) -> String {
    serde_json::to_value(m)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The benchmark as `compare --benchmark` takes it (`E92000001`, `parent:lad16`; `areas`
/// for quintiles and quartiles, which have none).
fn benchmark_arg(r: &CompareResult) -> String {
    match &r.benchmark {
        Benchmark::Area(b) => b.code.clone(),
        Benchmark::Parent {
            parent_geography, ..
        } => format!("parent:{parent_geography}"),
        Benchmark::Groups { .. } => "areas".into(),
    }
}

/// The unit a saved comparison carries, which its legend reads back: "compared with
/// England (95%)".
pub fn unit_of(r: &CompareResult) -> String {
    format!("compared with {}", against(r))
}

/// The benchmark words of a saved comparison's unit (the inverse of [`unit_of`]).
///
/// ```
/// use local_atlas::ops::compare_save::against_of_unit;
/// assert_eq!(against_of_unit("compared with England (95%)"), Some("England (95%)"));
/// assert_eq!(against_of_unit("people"), None);
/// ```
pub fn against_of_unit(unit: &str) -> Option<&str> {
    unit.strip_prefix("compared with ")
}

/// Saves the comparison as an indicator of kind `comparison` at its geography and period
/// (replacing an earlier save of the same comparison); returns its code.
pub fn save(ws: &Workspace, r: &CompareResult) -> Result<String> {
    let source = query::indicator_meta(ws, &r.indicator)?;
    let code = saved_code(r);
    let meta = IndicatorMeta {
        code: code.clone(),
        title: format!("{} compared with {}", source.title, against(r)),
        definition: format!(
            "Each area's {} compared with {} by Fingertips' rules; codes: {}",
            r.indicator,
            against(r),
            result_codes::codes_text(&COMPARISON)
        ),
        unit: unit_of(r),
        decimals: 0,
        // The source's, so the legend knows better/worse from higher/lower.
        polarity: source.polarity,
        kind: IndicatorKind::Comparison,
        multiplier: None,
        min: None,
        max: None,
        value_type: None,
        value_multiplier: None,
        ci_method: None,
        // Result codes say nothing about a count: shown without the source's rule.
        disclosure: Default::default(),
        ..source
    };
    let by_area = codes(r);
    let rows: Vec<ValueRow> = r
        .areas
        .iter()
        .map(|a| ValueRow::computed(&code, &a.code, &r.period, by_area.get(&a.code).copied()))
        .collect();
    let provenance = format!(
        "compare --geography {} --indicator {} --period {} --benchmark {} --method {}",
        r.geography,
        r.indicator,
        r.period,
        benchmark_arg(r),
        method_key(r.method)
    );
    save_indicators(ws, &r.geography, &[meta], &rows, &provenance)?;
    Ok(code)
}
