//! `smooth`: rates of an event count over a base population, raw or smoothed
//! (`analysis::indicator_stats::smoothing`: excess risk, empirical Bayes, spatial empirical
//! Bayes), saved as an ordinary indicator so that maps and `stats lisa` run on them.
//!
//! - **Inputs**: the count indicator's values (the event counts) and the population
//!   indicator's values at the same geography. The count's period is `--period` (default its
//!   latest); the population's is the same label when it has it, else its latest (reported
//!   as `population_period`, and in the provenance).
//! - **Undefined areas**: a zero population makes the rate undefined, not 0 (GeoDa #502,
//!   #544): the area is stored as missing and listed with the reason, as are areas without a
//!   count or a population, with a negative or non-numeric one, and (spatial EB) areas with
//!   no neighbour that has a population. They are left out of the pooled sums.
//! - **θ₂ < 0** (rates that vary less than Poisson noise would make them) is clamped to 0 as
//!   GeoDa does: every area then gets the pooled rate.
//! - **Saved**: kind value, values per 1 person (ratios of 1 for excess risk) as PySAL returns
//!   them, shown per 10ᵏ people (the metadata's multiplier, chosen so the pooled rate shows
//!   as a number of at least 1), the count's polarity, theme, source, licence and disclosure
//!   rule (a rate times its population gives the count back), and provenance naming the
//!   method, inputs, periods and weights. Under the count's disclosure rule the per-area
//!   figures are left out of the command's output (`withheld` says why).

use super::indicator_data::{WeightsKind, weights_for};
use crate::analysis::indicator_stats::disclosure::Rule;
use crate::analysis::indicator_stats::smoothing::{
    empirical_bayes, excess_risk, raw_rates, spatial_empirical_bayes,
};
use crate::analysis::indicator_stats::undefined::Undefined;
use crate::data::Workspace;
use crate::data::indicator::{IndicatorKind, IndicatorMeta, ValueRow};
use crate::data::query;
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Which rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmoothMethod {
    /// Events ÷ population.
    Raw,
    /// Observed ÷ expected at the pooled rate (a standardised ratio).
    ExcessRisk,
    /// Empirical Bayes: each rate shrunk towards the pooled rate by its reliability.
    #[serde(rename = "eb")]
    EmpiricalBayes,
    /// Spatial empirical Bayes: shrunk towards the rate of the area with its neighbours.
    #[serde(rename = "spatial_eb")]
    SpatialEmpiricalBayes,
}

impl std::str::FromStr for SmoothMethod {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "raw" => Ok(Self::Raw),
            "excess_risk" => Ok(Self::ExcessRisk),
            "eb" | "empirical_bayes" => Ok(Self::EmpiricalBayes),
            "spatial_eb" | "spatial_empirical_bayes" => Ok(Self::SpatialEmpiricalBayes),
            _ => Err(format!(
                "unknown smoothing method '{s}': use raw, excess_risk, eb or spatial_eb"
            )),
        }
    }
}

impl SmoothMethod {
    fn words(self) -> &'static str {
        match self {
            SmoothMethod::Raw => "raw rate",
            SmoothMethod::ExcessRisk => "excess risk",
            SmoothMethod::EmpiricalBayes => "empirical Bayes smoothed",
            SmoothMethod::SpatialEmpiricalBayes => "spatial empirical Bayes smoothed",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SmoothRequest {
    pub geography: String,
    /// The event count indicator.
    pub count: String,
    /// The base population indicator.
    pub population: String,
    pub method: SmoothMethod,
    /// Spatial EB only (default queen).
    pub weights: Option<WeightsKind>,
    /// The count's period (default: its latest).
    pub period: Option<String>,
    /// The code to save the rates under.
    pub save: String,
    pub title: Option<String>,
}

/// One area's rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmoothedArea {
    pub code: String,
    pub count: Option<f64>,
    pub population: Option<f64>,
    /// The raw rate per 1 (null when undefined).
    pub raw: Option<f64>,
    /// The saved value: per 1 (a ratio for excess risk); null when undefined.
    pub smoothed: Option<f64>,
    /// Why it is undefined.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmoothResult {
    pub saved: String,
    pub title: String,
    pub unit: String,
    pub geography: String,
    pub method: SmoothMethod,
    pub count: String,
    pub population: String,
    pub period: String,
    pub population_period: String,
    /// The weights (spatial EB only).
    pub weights: Option<String>,
    /// The pooled rate ΣE/ΣP over the areas with a defined rate (per 1).
    pub pooled_rate: f64,
    /// Empirical Bayes: θ₂ (after clamping) and whether it was negative.
    pub theta2: Option<f64>,
    pub theta2_clamped: Option<bool>,
    /// Shown values are the saved ones times this.
    pub multiplier: f64,
    pub areas: Vec<SmoothedArea>,
    /// Areas stored as missing.
    pub undefined: usize,
    /// When the count has a disclosure rule: why the per-area figures (count, raw and
    /// smoothed rate) are left out of this output (the saved indicator keeps the rule).
    pub withheld: Option<String>,
}

/// The count's (or population's) value in each area, by code.
fn by_code(
    ws: &Workspace,
    indicator: &str,
    geography: &str,
    period: &str,
) -> Result<HashMap<String, Option<f64>>> {
    Ok(query::values(ws, indicator, geography, period)?
        .into_iter()
        .map(|v| (v.area_code, v.value))
        .collect())
}

/// Why an area's inputs cannot be used, if they cannot.
fn unusable(count: Option<f64>, population: Option<f64>) -> Option<String> {
    match (count, population) {
        (None, _) => Some("no count".into()),
        (_, None) => Some("no population".into()),
        (Some(c), Some(p)) if !c.is_finite() || !p.is_finite() => {
            Some("the count or population is not a number".into())
        }
        (Some(c), _) if c < 0.0 => Some(format!("the count {c} is negative")),
        (_, Some(p)) if p < 0.0 => Some(format!("the population {p} is negative")),
        _ => None,
    }
}

/// The power of ten that shows the pooled rate as a number ≥ 1 (per 1,000 for 0.0106).
fn display_multiplier(pooled: f64) -> f64 {
    if !(pooled.is_finite() && pooled > 0.0) || pooled >= 1.0 {
        return 1.0;
    }
    let k = (-pooled.log10()).ceil() as i32 + 1;
    10f64.powi(k.clamp(0, 6))
}

fn per_words(m: f64) -> String {
    if m == 1.0 {
        return "per person".into();
    }
    format!(
        "per {} people",
        crate::render::symbology::format_value(m, 0)
    )
}

fn undefined_err(what: &str, e: Undefined) -> Error {
    Error::Invalid(format!("{what}: {e}"))
}

/// Computes the rates and saves them as indicator `req.save`.
pub fn run(ws: &Workspace, req: &SmoothRequest, feedback: &dyn Feedback) -> Result<SmoothResult> {
    let save = req.save.trim();
    if save.is_empty() || save == req.count || save == req.population {
        return Err(Error::Invalid(
            "--save needs a new code, not the count's or the population's".into(),
        ));
    }
    if req.weights.is_some() && req.method != SmoothMethod::SpatialEmpiricalBayes {
        return Err(Error::Invalid(
            "--weights is for --method spatial_eb only".into(),
        ));
    }
    if let Ok(existing) = query::indicator_meta(ws, save)
        && existing.source != COMPUTED
    {
        return Err(Error::Invalid(format!(
            "the workspace already has an indicator '{}' that was not computed by Local \
             Atlas; choose another code for --save",
            crate::error::excerpt(save)
        )));
    }
    let count_meta = query::indicator_meta(ws, &req.count)?;
    let pop_meta = query::indicator_meta(ws, &req.population)?;
    let period = query::resolve_period(ws, &req.count, &req.geography, req.period.as_deref())?;
    let pop_periods = query::periods(ws, &req.population, &req.geography)?;
    let population_period = if pop_periods.contains(&period) {
        period.clone()
    } else {
        query::resolve_period(ws, &req.population, &req.geography, None)?
    };
    feedback.stage("reading counts and populations");
    let counts = by_code(ws, &req.count, &req.geography, &period)?;
    let pops = by_code(ws, &req.population, &req.geography, &population_period)?;
    let weights = match req.method {
        SmoothMethod::SpatialEmpiricalBayes => Some(req.weights.unwrap_or(WeightsKind::Queen)),
        _ => None,
    };
    // Spatial EB needs the geometry for its weights; the others only the codes.
    let areas = match weights {
        Some(_) => query::areas(ws, &req.geography)?,
        None => query::area_names(ws, &req.geography)?,
    };
    let mut rows: Vec<SmoothedArea> = areas
        .iter()
        .map(|a| {
            let count = counts.get(&a.code).copied().flatten();
            let population = pops.get(&a.code).copied().flatten();
            SmoothedArea {
                code: a.code.clone(),
                count,
                population,
                raw: None,
                smoothed: None,
                reason: unusable(count, population),
            }
        })
        .collect();
    let keep: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].reason.is_none())
        .collect();
    if keep.is_empty() {
        return Err(Error::Invalid(format!(
            "no area of '{}' has both a count ({} in {period}) and a population ({} in \
             {population_period})",
            req.geography, req.count, req.population
        )));
    }
    let e: Vec<f64> = keep.iter().map(|&i| rows[i].count.unwrap_or(0.0)).collect();
    let p: Vec<f64> = keep
        .iter()
        .map(|&i| rows[i].population.unwrap_or(0.0))
        .collect();
    feedback.stage(req.method.words());
    let raw = raw_rates(&e, &p).map_err(|x| undefined_err("the raw rates", x))?;
    let (smoothed, theta2, clamped) = match req.method {
        SmoothMethod::Raw => (raw.clone(), None, None),
        SmoothMethod::ExcessRisk => (
            excess_risk(&e, &p).map_err(|x| undefined_err("excess risk", x))?,
            None,
            None,
        ),
        SmoothMethod::EmpiricalBayes => {
            let eb = empirical_bayes(&e, &p).map_err(|x| undefined_err("empirical Bayes", x))?;
            (eb.rates, Some(eb.theta2), Some(eb.theta2_clamped))
        }
        SmoothMethod::SpatialEmpiricalBayes => {
            let kind = weights.unwrap_or(WeightsKind::Queen);
            feedback.stage("building the spatial weights");
            let w = weights_for(&areas, kind)?.subset(&keep);
            if feedback.is_cancelled() {
                return Err(Error::Cancelled);
            }
            feedback.stage(req.method.words());
            let s = spatial_empirical_bayes(&e, &p, &w.neighbours)
                .map_err(|x| undefined_err("spatial empirical Bayes", x))?;
            (s, None, None)
        }
    };
    for (k, &i) in keep.iter().enumerate() {
        let r = &mut rows[i];
        r.raw = raw.get(k).copied().flatten().filter(|v| v.is_finite());
        r.smoothed = smoothed.get(k).copied().flatten().filter(|v| v.is_finite());
        if r.smoothed.is_none() {
            r.reason = Some(if r.population == Some(0.0) {
                "the population is 0: the rate is undefined, not 0".into()
            } else {
                "no neighbour with a population (an island): no local rate to smooth towards".into()
            });
        }
    }
    let (se, sp) = e
        .iter()
        .zip(&p)
        .filter(|(_, p)| **p > 0.0)
        .fold((0.0, 0.0), |(a, b), (e, p)| (a + e, b + p));
    let pooled_rate = if sp > 0.0 { se / sp } else { 0.0 };
    let multiplier = match req.method {
        SmoothMethod::ExcessRisk => 1.0,
        _ => display_multiplier(pooled_rate),
    };
    let unit = match req.method {
        SmoothMethod::ExcessRisk => "ratio (observed / expected)".to_string(),
        m => format!("rate {} ({})", per_words(multiplier), m.words()),
    };
    let title = req.title.clone().unwrap_or_else(|| match req.method {
        SmoothMethod::ExcessRisk => format!("{}: excess risk", count_meta.title),
        m => format!(
            "{} {} ({})",
            count_meta.title,
            per_words(multiplier),
            m.words()
        ),
    });
    let result = SmoothResult {
        saved: save.to_string(),
        title,
        unit,
        geography: req.geography.clone(),
        method: req.method,
        count: req.count.clone(),
        population: req.population.clone(),
        period,
        population_period,
        weights: weights.map(|w| w.to_string()),
        pooled_rate,
        theta2,
        theta2_clamped: clamped,
        multiplier,
        undefined: rows.iter().filter(|r| r.smoothed.is_none()).count(),
        areas: rows,
        withheld: None,
    };
    save_result(ws, req, &count_meta, &pop_meta, &result)?;
    Ok(withhold_protected(result, &count_meta))
}

/// The output as it may be shown: under the count's disclosure rule a rate (times its
/// population) gives the count away, so the per-area figures are left out (the saved
/// indicator keeps the rule, and every output of it applies it).
fn withhold_protected(mut r: SmoothResult, count: &IndicatorMeta) -> SmoothResult {
    if crate::ops::disclosure::rule_of(count) == Rule::None {
        return r;
    }
    for a in &mut r.areas {
        a.count = None;
        a.raw = None;
        a.smoothed = None;
    }
    r.withheld = Some(format!(
        "{} has the disclosure rule {}: the per-area counts and rates are not shown; the \
         saved indicator {} keeps the rule",
        r.count,
        count.disclosure.as_str(),
        r.saved
    ));
    r
}

/// The `source` of what `smooth` saves (and the mark that lets it replace its own results).
const COMPUTED: &str = "Computed by Local Atlas";

fn save_result(
    ws: &Workspace,
    req: &SmoothRequest,
    count: &IndicatorMeta,
    pop: &IndicatorMeta,
    r: &SmoothResult,
) -> Result<()> {
    let definition = format!(
        "{} of {} ({}, {}) over {} ({}, {}){}; stored per 1{}; areas with a zero, missing or \
         negative population are missing, not 0",
        r.method.words(),
        count.title,
        r.count,
        r.period,
        pop.title,
        r.population,
        r.population_period,
        r.weights
            .as_deref()
            .map(|w| format!(", {w} weights"))
            .unwrap_or_default(),
        if r.multiplier > 1.0 {
            format!(", shown {}", per_words(r.multiplier))
        } else {
            String::new()
        }
    );
    let meta = IndicatorMeta {
        title: r.title.clone(),
        theme: count.theme.clone(),
        definition,
        unit: r.unit.clone(),
        decimals: 2,
        polarity: count.polarity,
        source: COMPUTED.into(),
        licence: count.licence.clone(),
        kind: IndicatorKind::Value,
        multiplier: (r.multiplier > 1.0).then_some(r.multiplier),
        disclosure: count.disclosure,
        ..IndicatorMeta::default_for(&r.saved)
    };
    let rows: Vec<ValueRow> = r
        .areas
        .iter()
        .map(|a| ValueRow::computed(&r.saved, &a.code, &r.period, a.smoothed))
        .collect();
    let provenance = serde_json::json!({
        "tool": format!("local-atlas {}", env!("CARGO_PKG_VERSION")),
        "operation": "smooth",
        "request": req,
        "count_source": count.source,
        "population_source": pop.source,
        "period": r.period,
        "population_period": r.population_period,
        "weights": r.weights,
        "pooled_rate": r.pooled_rate,
        "theta2": r.theta2,
        "theta2_clamped": r.theta2_clamped,
        "n": r.areas.len() - r.undefined,
        "undefined": r.undefined,
    })
    .to_string();
    crate::data::derived::save_indicators(ws, &r.geography, &[meta], &rows, &provenance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipliers_show_the_pooled_rate_as_a_number() {
        assert_eq!(display_multiplier(0.0106), 1000.0);
        assert_eq!(display_multiplier(0.1), 100.0);
        assert_eq!(display_multiplier(0.0), 1.0);
        assert_eq!(display_multiplier(2.0), 1.0);
        assert_eq!(per_words(1000.0), "per 1,000 people");
    }

    #[test]
    fn methods_parse() {
        assert_eq!("EB".parse(), Ok(SmoothMethod::EmpiricalBayes));
        assert_eq!(
            "spatial-eb".parse(),
            Ok(SmoothMethod::SpatialEmpiricalBayes)
        );
        assert!("kernel".parse::<SmoothMethod>().is_err());
        assert!(unusable(Some(1.0), Some(-1.0)).is_some());
        assert!(
            unusable(Some(1.0), Some(0.0)).is_none(),
            "0 is undefined later"
        );
    }
}
