//! `compare`: each area of a geography against a benchmark (a benchmark area such as England,
//! or each area's parent in a coarser geography), by Fingertips' rules
//! (`analysis::indicator_stats::benchmark_comparison`).
//!
//! - The benchmark is a stored benchmark area (`data::benchmark`) with a value for the
//!   indicator and period, or `parent:GEOGRAPHY`: for each parent, Σcount/Σdenominator ×
//!   multiplier over its children (the compared areas in it, through the workspace's lookups)
//!   when more than one has a count and a denominator; its 95%/99.8% limits from the pooled
//!   count and denominator by the value type's method (Wilson for proportions, Byar's, or
//!   exact Poisson under 10 events, for crude rates).
//! - The value type and multiplier are `ops::value_type`'s: a proportion or a crude rate can
//!   have its limits recomputed from count and denominator; 99.8% limits (for
//!   `ci99_8`, `ci95_99_8`) are computed from count and denominator for those two only, since
//!   a file gives 95% limits; standardised rates get none and are not compared at 99.8%.
//! - Polarity is the indicator's (`higher_is_better` / `lower_is_better`; neutral is
//!   Fingertips' "no judgement": higher / lower).
//! - Quintiles and quartiles need no benchmark value: the groups of the compared areas
//!   (type-7 bounds); with a polarity, quintiles read best, better, similar, worse, worst
//!   (quartiles: best, better, worse, worst), without one lower/similar/higher.

use crate::analysis::indicator_stats::benchmark_comparison::{
    self as rules, NotComparedReason, Outcome, Polarity as Pol,
};
use crate::analysis::indicator_stats::confidence::{Ci, Level, ValueType};
use crate::data::Workspace;
use crate::data::benchmark;
use crate::data::indicator::Polarity;
use crate::data::parent_maps::parent_maps;
use crate::data::query::{self, StoredValue};
use crate::error::{Error, Result};
use crate::ops::value_type::{self, limits_from_count};
use serde::Serialize;
use std::collections::BTreeMap;

/// How areas are compared (Fingertips' methods).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CompareMethod {
    /// The area's 95% interval against the benchmark value.
    #[serde(rename = "ci95")]
    Ci95,
    /// The area's 99.8% interval against the benchmark value.
    #[serde(rename = "ci99_8")]
    Ci99_8,
    /// Similar inside 95%, better/worse between 95% and 99.8%, best/worst beyond.
    #[serde(rename = "ci95_99_8")]
    Ci95And99_8,
    /// The area's and the benchmark's 95% intervals overlap or not.
    #[serde(rename = "overlap")]
    Overlap,
    #[serde(rename = "quintiles")]
    Quintiles,
    #[serde(rename = "quartiles")]
    Quartiles,
    /// SPC control limits (95%) around the benchmark proportion for the area's denominator.
    #[serde(rename = "spc")]
    Spc,
}

impl std::str::FromStr for CompareMethod {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "ci95" => Self::Ci95,
            "ci99_8" | "ci998" => Self::Ci99_8,
            "ci95_99_8" => Self::Ci95And99_8,
            "overlap" => Self::Overlap,
            "quintiles" => Self::Quintiles,
            "quartiles" => Self::Quartiles,
            "spc" => Self::Spc,
            _ => {
                return Err(format!(
                    "unknown method '{s}': use ci95, ci99_8, ci95_99_8, overlap, quintiles, \
                     quartiles or spc"
                ));
            }
        })
    }
}

/// What the areas are compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BenchmarkSpec {
    /// A stored benchmark area (`E92000001`).
    Area(String),
    /// Each area's parent in this geography (`parent:lad16`).
    Parent(String),
    /// Every area of the geography pooled (`all`): the partnership's own total, from counts and
    /// denominators, never an average of rates.
    All,
}

impl std::str::FromStr for BenchmarkSpec {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") {
            return Ok(Self::All);
        }
        match s.strip_prefix("parent:") {
            Some(g) if !g.trim().is_empty() => Ok(Self::Parent(g.trim().to_string())),
            Some(_) => Err("parent: needs a geography, e.g. parent:lad16".into()),
            None if s.is_empty() => {
                Err("give a benchmark code (e.g. E92000001), parent:GEOGRAPHY or all".into())
            }
            None => Ok(Self::Area(s.to_uppercase())),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CompareRequest {
    pub geography: String,
    pub indicator: String,
    pub period: Option<String>,
    pub benchmark: BenchmarkSpec,
    pub method: CompareMethod,
}

/// A benchmark's value and 95% limits (as stored, or computed for a parent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkValue {
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub value: Option<f64>,
    pub lower_ci: Option<f64>,
    pub upper_ci: Option<f64>,
    /// Parent benchmarks: the children pooled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub areas: Option<usize>,
    /// Parent benchmarks: why there is no value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The benchmark of a comparison: one area, or one per parent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Benchmark {
    Area(BenchmarkValue),
    Parent {
        parent_geography: String,
        parents: Vec<BenchmarkValue>,
    },
    /// Quintiles and quartiles: the group bounds of the compared areas.
    Groups {
        bounds: Vec<f64>,
    },
}

/// One area's comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaComparison {
    pub code: String,
    pub value: Option<f64>,
    pub lower_ci: Option<f64>,
    pub upper_ci: Option<f64>,
    /// The benchmark it was compared with (a parent's code for `parent:`).
    pub benchmark_code: Option<String>,
    pub benchmark_value: Option<f64>,
    /// better, similar, worse, lower, higher, best, worst or not_compared.
    pub result: String,
    /// Why not compared.
    pub reason: Option<String>,
    /// Quintiles/quartiles: the group (1 = lowest values).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<usize>,
    /// Fingertips' colour of the result.
    pub colour: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareResult {
    pub indicator: String,
    pub title: String,
    pub geography: String,
    pub period: String,
    pub method: CompareMethod,
    pub polarity: Polarity,
    /// The multiplier read off the values (100: a percentage); none when no area has a count
    /// and a denominator.
    pub multiplier: Option<f64>,
    pub value_type: String,
    pub benchmark: Benchmark,
    pub areas: Vec<AreaComparison>,
    /// Count of each result, e.g. {"similar": 6, "worse": 4}.
    pub counts: BTreeMap<String, usize>,
    /// `--save`: the code of the comparison indicator written (`ops::compare_save`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saved: Option<String>,
}

fn ci(lower: Option<f64>, upper: Option<f64>) -> Option<Ci> {
    Some(Ci {
        lower: lower?,
        upper: upper?,
    })
}

fn reason_text(r: &NotComparedReason) -> String {
    match r {
        NotComparedReason::NoValue => "no value".into(),
        NotComparedReason::NoConfidenceInterval => "no confidence interval at the level needed (99.8% limits are computed from count and denominator for proportions and crude rates only)".into(),
        NotComparedReason::NoBenchmark => "no benchmark value".into(),
        NotComparedReason::TooFewAreas { count, minimum } => {
            format!("{count} area(s) with values; the method needs {minimum}")
        }
        NotComparedReason::NoDenominator => "no count and denominator".into(),
        NotComparedReason::Invalid(s) => s.clone(),
    }
}

fn result_label(o: &Outcome) -> String {
    match o {
        Outcome::NotCompared(_) => "not_compared".into(),
        o => o.label().to_string(),
    }
}

fn pol(p: Polarity) -> Pol {
    match p {
        Polarity::HigherIsBetter => Pol::HighIsGood,
        Polarity::LowerIsBetter => Pol::LowIsGood,
        Polarity::Neutral => Pol::NoJudgement,
    }
}

/// Compares every area of the geography that has a stored row for the period.
pub fn compare(ws: &Workspace, req: &CompareRequest) -> Result<CompareResult> {
    if req.geography == benchmark::BENCHMARK_GEOGRAPHY {
        return Err(Error::Invalid(
            "compare the areas of a mapped geography (e.g. --geography lad16); benchmark areas \
             are what they are compared with"
                .into(),
        ));
    }
    let meta = query::indicator_meta(ws, &req.indicator)?;
    let period = query::resolve_period(ws, &req.indicator, &req.geography, req.period.as_deref())?;
    let values = query::values(ws, &req.indicator, &req.geography, &period)?;
    let kind = value_type::value_type(&meta);
    let polarity = pol(meta.polarity);
    let refs: Vec<&StoredValue> = values.iter().collect();
    let mult = value_type::multiplier_of(&meta, refs.iter().copied());
    // Per area: the benchmark it is compared with.
    let (bench, per_area): (Benchmark, Vec<Option<BenchmarkValue>>) = match &req.benchmark {
        _ if matches!(
            req.method,
            CompareMethod::Quintiles | CompareMethod::Quartiles
        ) =>
        {
            (
                Benchmark::Groups { bounds: Vec::new() },
                vec![None; values.len()],
            )
        }
        BenchmarkSpec::Area(code) => {
            let b = area_benchmark(ws, &req.indicator, &period, code)?;
            (Benchmark::Area(b.clone()), vec![Some(b); values.len()])
        }
        BenchmarkSpec::Parent(g) => parent_benchmarks(ws, req, &values, g, kind, mult)?,
        BenchmarkSpec::All => {
            let all: Vec<&StoredValue> = values.iter().collect();
            let mut b = pooled(ALL_AREAS, &all, kind, mult);
            b.name = Some(format!("all {} areas pooled", req.geography));
            (Benchmark::Area(b.clone()), vec![Some(b); values.len()])
        }
    };
    let mut areas: Vec<AreaComparison> = Vec::with_capacity(values.len());
    let mut bench = bench;
    let groups = match req.method {
        CompareMethod::Quintiles => Some(5),
        CompareMethod::Quartiles => Some(4),
        _ => None,
    };
    let group_of = match groups {
        Some(g) => {
            let v: Vec<f64> = values.iter().map(|v| v.value.unwrap_or(f64::NAN)).collect();
            match rules::quantile_bounds(&v, g) {
                Ok(bounds) => {
                    bench = Benchmark::Groups { bounds };
                    rules::quantile_groups(&v, g).map_err(|e| Error::Invalid(reason_text(&e)))?
                }
                Err(e) => {
                    return Err(Error::Invalid(format!(
                        "{} of {} in {period}: {}",
                        req.indicator,
                        req.geography,
                        reason_text(&e)
                    )));
                }
            }
        }
        None => vec![None; values.len()],
    };
    for ((v, b), group) in values.iter().zip(&per_area).zip(group_of) {
        let outcome = match groups {
            Some(g) => match group {
                Some(k) => group_outcome(k, g, polarity),
                None => Outcome::NotCompared(NotComparedReason::NoValue),
            },
            None => compare_one(v, b.as_ref(), req.method, kind, mult, polarity),
        };
        areas.push(AreaComparison {
            code: v.area_code.clone(),
            value: v.value,
            lower_ci: v.lower_ci,
            upper_ci: v.upper_ci,
            benchmark_code: b.as_ref().map(|b| b.code.clone()),
            benchmark_value: b.as_ref().and_then(|b| b.value),
            result: result_label(&outcome),
            reason: match &outcome {
                Outcome::NotCompared(r) => Some(reason_text(r)),
                _ => None,
            },
            group,
            colour: outcome.colour().to_string(),
        });
    }
    let mut counts = BTreeMap::new();
    for a in &areas {
        *counts.entry(a.result.clone()).or_insert(0) += 1;
    }
    Ok(CompareResult {
        indicator: req.indicator.clone(),
        title: meta.title.clone(),
        geography: req.geography.clone(),
        period,
        method: req.method,
        polarity: meta.polarity,
        multiplier: mult,
        value_type: kind
            .map(|k| value_type::value_type_text(k).to_string())
            .unwrap_or_else(|| meta.unit.clone()),
        benchmark: bench,
        areas,
        counts,
        saved: None,
    })
}

/// Quintile/quartile group `k` of `g` as an outcome: with a polarity, the best group first.
fn group_outcome(k: usize, g: usize, polarity: Pol) -> Outcome {
    // Rank from the good end: 1 = best.
    let rank = match polarity {
        Pol::HighIsGood => g + 1 - k,
        Pol::LowIsGood => k,
        Pol::NoJudgement => {
            return if 2 * k == g + 1 {
                Outcome::Similar
            } else if 2 * k < g + 1 {
                Outcome::Lower
            } else {
                Outcome::Higher
            };
        }
    };
    match (g, rank) {
        (_, 1) => Outcome::Best,
        (_, r) if r == g => Outcome::Worst,
        (5, 3) => Outcome::Similar,
        (_, r) if 2 * r < g + 1 => Outcome::Better,
        _ => Outcome::Worse,
    }
}

fn compare_one(
    v: &StoredValue,
    b: Option<&BenchmarkValue>,
    method: CompareMethod,
    kind: Option<ValueType>,
    mult: Option<f64>,
    polarity: Pol,
) -> Outcome {
    if v.value.is_none() {
        return Outcome::NotCompared(NotComparedReason::NoValue);
    }
    let Some(b) = b else {
        return Outcome::NotCompared(NotComparedReason::NoBenchmark);
    };
    let ci95 = ci(v.lower_ci, v.upper_ci);
    // Stored 99.8% limits (`derive`) first; else from count and denominator.
    let ci998 = || {
        if let Some(c) = ci(v.lower_ci_99_8, v.upper_ci_99_8) {
            return Some(c);
        }
        limits_from_count(
            kind?,
            v.numerator.unwrap_or(f64::NAN),
            v.denominator.unwrap_or(f64::NAN),
            mult?,
            Level::P99_8,
        )
    };
    match method {
        CompareMethod::Ci95 => rules::compare_ci(ci95, b.value, polarity),
        CompareMethod::Ci99_8 => rules::compare_ci(ci998(), b.value, polarity),
        CompareMethod::Ci95And99_8 => rules::compare_two_levels(ci95, ci998(), b.value, polarity),
        CompareMethod::Overlap => {
            if b.value.is_none() {
                return Outcome::NotCompared(NotComparedReason::NoBenchmark);
            }
            rules::compare_ci_overlap(ci95, ci(b.lower_ci, b.upper_ci), polarity)
        }
        CompareMethod::Spc => {
            if kind != Some(ValueType::Proportion) {
                return Outcome::NotCompared(NotComparedReason::Invalid(
                    "SPC limits are for proportions only".into(),
                ));
            }
            let (Some(c), Some(d), Some(m)) = (v.numerator, v.denominator, mult) else {
                return Outcome::NotCompared(NotComparedReason::NoDenominator);
            };
            rules::compare_spc_proportion(c, d, b.value.map(|x| x / m), Level::P95, polarity)
        }
        CompareMethod::Quintiles | CompareMethod::Quartiles => {
            Outcome::NotCompared(NotComparedReason::NoBenchmark)
        }
    }
}

/// A stored benchmark area's value for the period, or a clear error.
fn area_benchmark(
    ws: &Workspace,
    indicator: &str,
    period: &str,
    code: &str,
) -> Result<BenchmarkValue> {
    let Some(v) = benchmark::value(ws, indicator, period, code)? else {
        let known = benchmark::benchmarks(ws)?;
        if !known.iter().any(|b| b.code == code) {
            let list: Vec<String> = known
                .iter()
                .map(|b| match &b.name {
                    Some(n) => format!("{} ({n})", b.code),
                    None => b.code.clone(),
                })
                .collect();
            return Err(Error::Invalid(format!(
                "the workspace has no benchmark area '{}'; {}",
                crate::error::excerpt(code),
                if list.is_empty() {
                    "it has none: import a file with England's rows (E92000001) or pass \
                     --benchmark-codes to `import indicators`; or compare with parent:GEOGRAPHY"
                        .to_string()
                } else {
                    format!("it has: {}", list.join(", "))
                }
            )));
        }
        let periods = benchmark::periods(ws, indicator, code)?;
        return Err(Error::Invalid(format!(
            "benchmark {code} has no value of {indicator} in period {period} (its periods: {}); \
             pass --period",
            if periods.is_empty() {
                "none".to_string()
            } else {
                periods.join(", ")
            }
        )));
    };
    Ok(BenchmarkValue {
        name: benchmark::name(code).map(str::to_string),
        code: code.to_string(),
        value: v.value,
        lower_ci: v.lower_ci,
        upper_ci: v.upper_ci,
        areas: None,
        reason: None,
    })
}

type PerArea = (Benchmark, Vec<Option<BenchmarkValue>>);

/// Each parent's pooled benchmark, and each area's.
fn parent_benchmarks(
    ws: &Workspace,
    req: &CompareRequest,
    values: &[StoredValue],
    parent: &str,
    kind: Option<ValueType>,
    mult: Option<f64>,
) -> Result<PerArea> {
    let maps = parent_maps(ws, &req.geography)?;
    let Some(map) = maps.iter().find(|m| m.parent_geography == parent) else {
        let have: Vec<&str> = maps.iter().map(|m| m.parent_geography.as_str()).collect();
        return Err(Error::Invalid(format!(
            "the workspace has no lookup from '{}' to '{parent}' (parents it has: {}); import \
             one with `local-atlas import lookup`",
            req.geography,
            if have.is_empty() {
                "none".to_string()
            } else {
                have.join(", ")
            }
        )));
    };
    let mut members: BTreeMap<&str, Vec<&StoredValue>> = BTreeMap::new();
    for v in values {
        if let Some(p) = map.parent_of.get(&v.area_code) {
            members.entry(p.as_str()).or_default().push(v);
        }
    }
    let parents: BTreeMap<String, BenchmarkValue> = members
        .iter()
        .map(|(code, kids)| (code.to_string(), pooled(code, kids, kind, mult)))
        .collect();
    let per_area = values
        .iter()
        .map(|v| {
            map.parent_of
                .get(&v.area_code)
                .and_then(|p| parents.get(p))
                .cloned()
        })
        .collect();
    Ok((
        Benchmark::Parent {
            parent_geography: parent.to_string(),
            parents: parents.into_values().collect(),
        },
        per_area,
    ))
}

/// The benchmark code of every area pooled ([`BenchmarkSpec::All`]).
pub const ALL_AREAS: &str = "all";

/// The pooled value of `kids` (Σ counts / Σ denominators × multiplier) with its 95% limits by
/// the value type's method; a reason when it cannot be pooled.
fn pooled(
    code: &str,
    kids: &[&StoredValue],
    kind: Option<ValueType>,
    mult: Option<f64>,
) -> BenchmarkValue {
    let counts: Vec<f64> = kids
        .iter()
        .map(|v| v.numerator.unwrap_or(f64::NAN))
        .collect();
    let denoms: Vec<f64> = kids
        .iter()
        .map(|v| v.denominator.unwrap_or(f64::NAN))
        .collect();
    let usable = |(c, d): (&f64, &f64)| c.is_finite() && *c >= 0.0 && d.is_finite() && *d > 0.0;
    let used = counts.iter().zip(&denoms).filter(|p| usable(*p)).count();
    let (value, reason) = match mult {
        None => (None, Some(reason_text(&NotComparedReason::NoDenominator))),
        Some(m) => match rules::benchmark_average(&counts, &denoms, m) {
            Ok(b) => (Some(b), None),
            Err(e) => (None, Some(reason_text(&e))),
        },
    };
    let (c, d) = counts
        .iter()
        .zip(&denoms)
        .filter(|p| usable(*p))
        .fold((0.0, 0.0), |(x, n), (c, d)| (x + c, n + d));
    let c95 = value
        .and(mult)
        .and_then(|m| limits_from_count(kind?, c, d, m, Level::P95));
    BenchmarkValue {
        code: code.to_string(),
        name: None,
        value,
        lower_ci: c95.map(|c| c.lower),
        upper_ci: c95.map(|c| c.upper),
        areas: Some(used),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quintile_groups_read_by_polarity() {
        assert_eq!(group_outcome(1, 5, Pol::LowIsGood), Outcome::Best);
        assert_eq!(group_outcome(5, 5, Pol::HighIsGood), Outcome::Best);
        assert_eq!(group_outcome(3, 5, Pol::HighIsGood), Outcome::Similar);
        assert_eq!(group_outcome(4, 5, Pol::LowIsGood), Outcome::Worse);
        assert_eq!(group_outcome(2, 4, Pol::LowIsGood), Outcome::Better);
        assert_eq!(group_outcome(3, 4, Pol::LowIsGood), Outcome::Worse);
        assert_eq!(group_outcome(1, 5, Pol::NoJudgement), Outcome::Lower);
    }

    #[test]
    fn benchmarks_parse() {
        assert_eq!(
            "parent:lad16".parse::<BenchmarkSpec>(),
            Ok(BenchmarkSpec::Parent("lad16".into()))
        );
        assert_eq!(
            "e92000001".parse::<BenchmarkSpec>(),
            Ok(BenchmarkSpec::Area("E92000001".into()))
        );
        assert!("parent:".parse::<BenchmarkSpec>().is_err());
    }
}
