//! What a profile knows about one indicator at the template's geography, computed once for
//! every area (so 215 ward bulletins cost one comparison, one trend and one disclosure pass per
//! indicator, not 215): the published values (disclosure control applied), each area's
//! comparison with the benchmark, its parent comparator's value, its trend, and the values the
//! spine chart's bands are taken over.

use crate::analysis::indicator_stats::disclosure::Reason;
use crate::data::indicator::{IndicatorMeta, Status};
use crate::data::parent_maps::parent_maps;
use crate::data::query::{self, StoredValue};
use crate::data::{Workspace, benchmark};
use crate::error::Result;
use crate::ops::compare::{
    self, AreaComparison, Benchmark, BenchmarkSpec, CompareMethod, CompareRequest,
};
use crate::ops::compare_save;
use crate::ops::disclosure;
use crate::ops::period_year;
use crate::ops::trend::{self, AreaTrend, TrendRequest, TrendTest};
use std::collections::HashMap;

/// One indicator's facts at one geography and period.
#[derive(Debug, Clone)]
pub struct Facts {
    pub meta: IndicatorMeta,
    /// The period shown; none: the indicator has no values at the geography (or not in the
    /// template's period).
    pub period: Option<String>,
    /// Published values by area code (withheld ones have status suppressed and no numbers).
    pub values: HashMap<String, StoredValue>,
    /// Why a value is withheld, by area code.
    pub withheld: HashMap<String, Reason>,
    /// Each area's comparison with the benchmark.
    pub comparison: HashMap<String, AreaComparison>,
    /// Why nothing was compared (the whole indicator), if so.
    pub not_compared: Option<String>,
    /// What the areas were compared with, as a legend says it ("England (95%)").
    pub against: String,
    /// The parent comparator's value, by area code.
    pub parent_value: HashMap<String, f64>,
    pub trends: HashMap<String, AreaTrend>,
    /// The published values of every area (the spine's and lowest/highest's population).
    pub published: Vec<f64>,
    /// How many areas the geography has (the spine needs 75% of them with a value).
    pub areas: usize,
}

/// The template's comparators, resolved.
#[derive(Debug, Clone)]
pub struct Comparators {
    pub geography: String,
    pub benchmark: BenchmarkSpec,
    pub benchmark_name: String,
    pub parent: Option<BenchmarkSpec>,
    pub method: CompareMethod,
    pub period: Option<String>,
}

impl Facts {
    /// The facts of `code` at `c.geography`.
    pub fn gather(ws: &Workspace, code: &str, c: &Comparators, areas: usize) -> Result<Facts> {
        let meta = query::indicator_meta(ws, code)?;
        let mut f = Facts {
            meta,
            period: None,
            values: HashMap::new(),
            withheld: HashMap::new(),
            comparison: HashMap::new(),
            not_compared: None,
            against: String::new(),
            parent_value: HashMap::new(),
            trends: HashMap::new(),
            published: Vec::new(),
            areas,
        };
        let periods = query::periods(ws, code, &c.geography)?;
        let period = match &c.period {
            Some(p) if periods.contains(p) => p.clone(),
            Some(_) => return Ok(f),
            None => match latest(&periods) {
                Some(p) => p,
                None => return Ok(f),
            },
        };
        let stored = query::values(ws, code, &c.geography, &period)?;
        let protected = disclosure::protect(ws, &f.meta, &c.geography, &period, stored)?;
        f.withheld = protected.reasons.clone();
        for v in protected.values {
            if v.status != Status::Suppressed
                && let Some(x) = v.value.filter(|x| x.is_finite())
            {
                f.published.push(x);
            }
            f.values.insert(v.area_code.clone(), v);
        }
        f.compare(ws, code, c, &period)?;
        f.parents(ws, code, c, &period)?;
        f.trends = trends(ws, code, &c.geography);
        f.period = Some(period);
        Ok(f)
    }

    fn compare(&mut self, ws: &Workspace, code: &str, c: &Comparators, period: &str) -> Result<()> {
        let req = CompareRequest {
            geography: c.geography.clone(),
            indicator: code.to_string(),
            period: Some(period.to_string()),
            benchmark: c.benchmark.clone(),
            method: c.method,
        };
        match compare::compare(ws, &req) {
            Ok(mut r) => {
                if let Benchmark::Area(b) = &mut r.benchmark {
                    b.name = Some(c.benchmark_name.clone());
                }
                self.against = compare_save::against(&r);
                for a in r.areas {
                    let withheld = self
                        .values
                        .get(&a.code)
                        .is_some_and(|v| v.status == Status::Suppressed);
                    let a = if withheld { not_compared(a) } else { a };
                    self.comparison.insert(a.code.clone(), a);
                }
            }
            Err(e) => {
                self.against = format!(
                    "{} ({})",
                    c.benchmark_name,
                    compare_save::method_words(c.method)
                );
                self.not_compared = Some(e.to_string());
            }
        }
        Ok(())
    }

    /// The parent comparator's value per area: pooled from counts where they can be, else the
    /// indicator's own stored value for the parent area.
    fn parents(&mut self, ws: &Workspace, code: &str, c: &Comparators, period: &str) -> Result<()> {
        let Some(spec) = &c.parent else {
            return Ok(());
        };
        let req = CompareRequest {
            geography: c.geography.clone(),
            indicator: code.to_string(),
            period: Some(period.to_string()),
            benchmark: spec.clone(),
            method: CompareMethod::Ci95,
        };
        if let Ok(r) = compare::compare(ws, &req) {
            for a in &r.areas {
                if let Some(v) = a.benchmark_value {
                    self.parent_value.insert(a.code.clone(), v);
                }
            }
        }
        // Stored values of the parent areas for whatever could not be pooled.
        let stored_parent: HashMap<String, f64> = match spec {
            BenchmarkSpec::Parent(g) => query::values(ws, code, g, period)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| Some((v.area_code, v.value?)))
                .collect(),
            BenchmarkSpec::Area(b) => benchmark::value(ws, code, period, b)?
                .and_then(|v| v.value)
                .map(|v| HashMap::from([(b.clone(), v)]))
                .unwrap_or_default(),
            BenchmarkSpec::All => HashMap::new(),
        };
        if stored_parent.is_empty() {
            return Ok(());
        }
        let parent_of: HashMap<String, String> = match spec {
            BenchmarkSpec::Parent(g) => parent_maps(ws, &c.geography)?
                .into_iter()
                .find(|m| &m.parent_geography == g)
                .map(|m| m.parent_of)
                .unwrap_or_default(),
            BenchmarkSpec::Area(b) => self.values.keys().map(|k| (k.clone(), b.clone())).collect(),
            BenchmarkSpec::All => HashMap::new(),
        };
        for area in self.values.keys() {
            if self.parent_value.contains_key(area) {
                continue;
            }
            if let Some(v) = parent_of.get(area).and_then(|p| stored_parent.get(p)) {
                self.parent_value.insert(area.clone(), *v);
            }
        }
        Ok(())
    }

    /// The published value of `area` (none when missing or withheld).
    pub fn value(&self, area: &str) -> Option<&StoredValue> {
        self.values.get(area)
    }
}

/// A withheld area is never compared (its comparison would tell what was withheld).
fn not_compared(mut a: AreaComparison) -> AreaComparison {
    a.result = "not_compared".into();
    a.reason = Some("value withheld by disclosure control".into());
    a.value = None;
    a.lower_ci = None;
    a.upper_ci = None;
    a.colour =
        crate::analysis::indicator_stats::benchmark_comparison::colours::NOT_COMPARED.to_string();
    a
}

/// The latest of `periods` by start year (then label), as a reader means "latest".
pub fn latest(periods: &[String]) -> Option<String> {
    periods
        .iter()
        .max_by(|a, b| {
            period_year::start_year(a)
                .cmp(&period_year::start_year(b))
                .then(a.cmp(b))
        })
        .cloned()
}

/// Every area's trend (none when the indicator has too few periods to read one).
fn trends(ws: &Workspace, code: &str, geography: &str) -> HashMap<String, AreaTrend> {
    let req = TrendRequest {
        geography: geography.to_string(),
        indicator: code.to_string(),
        benchmark: None,
        method: TrendTest::default(),
    };
    trend::trend(ws, &req)
        .map(|r| r.areas.into_iter().map(|a| (a.code.clone(), a)).collect())
        .unwrap_or_default()
}
