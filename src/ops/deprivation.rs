//! `deprivation-aggregate`: LSOA deprivation summarised for wards, districts or any groups of
//! areas with a stored lookup, the IoD way (`analysis::deprivation_aggregate`): population-
//! weighted average score, average rank, extent, local concentration, the share of LSOAs in
//! the most deprived 10/20/30% nationally, and their ranks among the groups.

use super::index::{check_code, derived_meta, value_row};
use crate::analysis::deprivation_aggregate::{GroupDeprivation, SmallArea, summarise};
use crate::data::Workspace;
use crate::data::indicator::{IndicatorMeta, Polarity};
use crate::data::query::{self, Area};
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// `--population areas`: every LSOA weighs 1 (unweighted means; for when no population
/// indicator is at hand — the published IoD summaries are population-weighted).
pub const UNWEIGHTED: &str = "areas";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeprivationRequest {
    /// LSOA score (e.g. `imd_score`).
    pub score: String,
    /// National rank, 1 = most deprived (default: the score's code with `_score` → `_rank`).
    pub rank: Option<String>,
    /// Population of each LSOA (total, or the domain's own denominator), or [`UNWEIGHTED`].
    pub population: String,
    pub from: String,
    pub to: String,
    pub period: Option<String>,
    /// Size of the national ranking.
    pub of: f64,
    /// Save the measures at `to` as indicators `<prefix>_average_score`, … (prefix: the score
    /// code without `_score`).
    pub save: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeprivationResponse {
    pub score: String,
    pub rank: String,
    pub population: String,
    pub from: String,
    pub to: String,
    pub period: String,
    pub of: f64,
    pub groups: Vec<GroupDeprivation>,
    pub groups_incomplete: usize,
    pub areas_not_in_lookup: usize,
    pub saved: Vec<String>,
}

/// An indicator's values by area code at `geography`, and the period they are for (`period`,
/// else the indicator's latest there).
fn values_by_code(
    ws: &Workspace,
    indicator: &str,
    geography: &str,
    period: Option<&str>,
) -> Result<(String, HashMap<String, Option<f64>>)> {
    query::indicator_meta(ws, indicator)?;
    let period = query::resolve_period(ws, indicator, geography, period)?;
    let map = query::values(ws, indicator, geography, &period)?
        .into_iter()
        .map(|v| (v.area_code, v.value))
        .collect();
    Ok((period, map))
}

/// Runs the summary (and saves it when asked). Quick (one pass over the areas), so the
/// feedback only names the stages.
pub fn run(
    ws: &Workspace,
    req: &DeprivationRequest,
    feedback: &dyn Feedback,
) -> Result<DeprivationResponse> {
    feedback.stage("summarising deprivation");
    check_ranking_size(req.of)?;
    let rank = rank_indicator(ws, req)?;
    let inputs = Inputs::load(ws, req, &rank)?;
    let small = inputs.small_areas();
    check_ranks(&small, &rank, req.of)?;
    let groups = summarise(&small, req.of);
    let mut saved = Vec::new();
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    if req.save {
        feedback.stage("saving");
        saved = save(ws, req, &rank, &inputs.period, &groups)?;
    }
    Ok(DeprivationResponse {
        score: req.score.clone(),
        rank,
        population: req.population.clone(),
        from: req.from.clone(),
        to: req.to.clone(),
        period: inputs.period,
        of: req.of,
        groups_incomplete: groups.iter().filter(|g| g.incomplete_areas > 0).count(),
        groups,
        areas_not_in_lookup: inputs.not_in_lookup,
        saved,
    })
}

/// Refuses a national ranking smaller than one area.
fn check_ranking_size(of: f64) -> Result<()> {
    if of.is_finite() && of >= 1.0 {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "the national ranking size must be at least 1 (e.g. 32844), got {of}"
    )))
}

/// The national rank indicator: the request's, else the score's code with `_score` → `_rank`,
/// which must exist.
fn rank_indicator(ws: &Workspace, req: &DeprivationRequest) -> Result<String> {
    if let Some(r) = &req.rank {
        return Ok(r.clone());
    }
    let guess = req
        .score
        .strip_suffix("_score")
        .map(|p| format!("{p}_rank"))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "give the national rank indicator of '{}' with --rank",
                req.score
            ))
        })?;
    query::indicator_meta(ws, &guess).map_err(|_| {
        Error::Invalid(format!(
            "no indicator '{guess}' holds the national rank of '{}': give it with --rank",
            req.score
        ))
    })?;
    Ok(guess)
}

/// What the summary reads: the lookup from small areas to groups, and each small area's
/// score, rank and population.
struct Inputs {
    lookup: HashMap<String, String>,
    /// The score's period (the rank is read at the same one).
    period: String,
    scores: HashMap<String, Option<f64>>,
    ranks: HashMap<String, Option<f64>>,
    population: HashMap<String, Option<f64>>,
    areas: Vec<Area>,
    /// Small areas the lookup puts in no group.
    not_in_lookup: usize,
}

impl Inputs {
    /// Reads the inputs; the population at the score's period when it has one, else its latest.
    fn load(ws: &Workspace, req: &DeprivationRequest, rank: &str) -> Result<Self> {
        let lookup = query::lookup(ws, &req.from, &req.to)?;
        let (period, scores) = values_by_code(ws, &req.score, &req.from, req.period.as_deref())?;
        let (_, ranks) = values_by_code(ws, rank, &req.from, Some(&period))?;
        let has_period = population_has_period(ws, req, &period)?;
        let areas = query::areas(ws, &req.from)?;
        let population = if req.population == UNWEIGHTED {
            areas.iter().map(|a| (a.code.clone(), Some(1.0))).collect()
        } else {
            let pop_period = has_period.then_some(period.as_str());
            values_by_code(ws, &req.population, &req.from, pop_period)?.1
        };
        let not_in_lookup = areas
            .iter()
            .filter(|a| !lookup.contains_key(&a.code))
            .count();
        Ok(Self {
            lookup,
            period,
            scores,
            ranks,
            population,
            areas,
            not_in_lookup,
        })
    }

    /// The small areas in some group, with their values.
    fn small_areas(&self) -> Vec<SmallArea<'_>> {
        self.areas
            .iter()
            .filter_map(|a| {
                Some(SmallArea {
                    group: self.lookup.get(&a.code)?,
                    score: self.scores.get(&a.code).copied().flatten(),
                    rank: self.ranks.get(&a.code).copied().flatten(),
                    population: self.population.get(&a.code).copied().flatten(),
                })
            })
            .collect()
    }
}

/// Whether the population indicator has values at `period` (never for [`UNWEIGHTED`]).
fn population_has_period(ws: &Workspace, req: &DeprivationRequest, period: &str) -> Result<bool> {
    if req.population == UNWEIGHTED {
        return Ok(false);
    }
    Ok(query::periods(ws, &req.population, &req.from)?
        .iter()
        .any(|p| p == period))
}

/// Refuses ranks outside 1..=of: the indicator is then no national rank (or `of` is wrong).
fn check_ranks(small: &[SmallArea<'_>], rank: &str, of: f64) -> Result<()> {
    match small
        .iter()
        .filter_map(|s| s.rank)
        .find(|r| *r < 1.0 || *r > of)
    {
        Some(bad) => Err(Error::Invalid(format!(
            "indicator '{rank}' has rank {bad}, outside 1..={of}: is it a national rank (1 = most deprived)? Set --of to the size of its ranking"
        ))),
        None => Ok(()),
    }
}
/// One saved measure: the indicator `<prefix>_<suffix>`, what it is, and how to read it off
/// a group.
struct Measure {
    suffix: &'static str,
    what: &'static str,
    unit: &'static str,
    decimals: i64,
    polarity: Polarity,
    get: fn(&GroupDeprivation) -> Option<f64>,
}

/// The measures `--save` writes, in this order.
const MEASURES: [Measure; 11] = [
    Measure {
        suffix: "average_score",
        what: "population-weighted average score",
        unit: "score",
        decimals: 3,
        polarity: Polarity::LowerIsBetter,
        get: |g| g.average_score,
    },
    Measure {
        suffix: "rank_average_score",
        what: "rank of average score (1 = most deprived)",
        unit: "rank",
        decimals: 0,
        polarity: Polarity::HigherIsBetter,
        get: |g| g.rank_average_score.map(|v| v as f64),
    },
    Measure {
        suffix: "average_rank",
        what: "population-weighted average rank (national ranks with N = most deprived, as IoD File 10)",
        unit: "rank",
        decimals: 1,
        polarity: Polarity::LowerIsBetter,
        get: |g| g.average_rank,
    },
    Measure {
        suffix: "rank_average_rank",
        what: "rank of average rank (1 = most deprived)",
        unit: "rank",
        decimals: 0,
        polarity: Polarity::HigherIsBetter,
        get: |g| g.rank_average_rank.map(|v| v as f64),
    },
    Measure {
        suffix: "extent",
        what: "extent: population share in the most deprived 30% of LSOAs, sliding weights beyond 10%",
        unit: "share",
        decimals: 3,
        polarity: Polarity::LowerIsBetter,
        get: |g| g.extent,
    },
    Measure {
        suffix: "rank_extent",
        what: "rank of extent (1 = most deprived)",
        unit: "rank",
        decimals: 0,
        polarity: Polarity::HigherIsBetter,
        get: |g| g.rank_extent.map(|v| v as f64),
    },
    Measure {
        suffix: "local_concentration",
        what: "local concentration: population-weighted average rank of the most deprived LSOAs holding 10% of the population",
        unit: "rank",
        decimals: 1,
        polarity: Polarity::LowerIsBetter,
        get: |g| g.local_concentration,
    },
    Measure {
        suffix: "rank_local_concentration",
        what: "rank of local concentration (1 = most deprived)",
        unit: "rank",
        decimals: 0,
        polarity: Polarity::HigherIsBetter,
        get: |g| g.rank_local_concentration.map(|v| v as f64),
    },
    Measure {
        suffix: "share_10",
        what: "share of LSOAs in the most deprived 10% nationally",
        unit: "share",
        decimals: 3,
        polarity: Polarity::LowerIsBetter,
        get: |g| g.share_most_deprived_10,
    },
    Measure {
        suffix: "share_20",
        what: "share of LSOAs in the most deprived 20% nationally",
        unit: "share",
        decimals: 3,
        polarity: Polarity::LowerIsBetter,
        get: |g| g.share_most_deprived_20,
    },
    Measure {
        suffix: "share_30",
        what: "share of LSOAs in the most deprived 30% nationally",
        unit: "share",
        decimals: 3,
        polarity: Polarity::LowerIsBetter,
        get: |g| g.share_most_deprived_30,
    },
];

/// Saves the measures at `to` as indicators `<prefix>_<suffix>` (prefix: the score's code
/// without `_score`), with the request, rank and period as provenance.
fn save(
    ws: &Workspace,
    req: &DeprivationRequest,
    rank: &str,
    period: &str,
    groups: &[GroupDeprivation],
) -> Result<Vec<String>> {
    let prefix = req.score.strip_suffix("_score").unwrap_or(&req.score);
    check_code(prefix)?;
    let provenance = serde_json::json!({
        "tool": format!("local-atlas {}", env!("CARGO_PKG_VERSION")),
        "operation": "deprivation-aggregate",
        "request": req,
        "rank": rank,
        "period": period,
    })
    .to_string();
    let mut metas = Vec::new();
    let mut rows = Vec::new();
    let mut saved = Vec::new();
    for m in MEASURES {
        let code = format!("{prefix}_{}", m.suffix);
        for g in groups {
            rows.push(value_row(&code, &g.group, period, (m.get)(g)));
        }
        metas.push(measure_meta(req, rank, code.clone(), &m));
        saved.push(code);
    }
    crate::data::derived::save_indicators(ws, &req.to, &metas, &rows, &provenance)?;
    Ok(saved)
}

/// The metadata of measure `m` saved as `code`: its definition names the inputs.
fn measure_meta(req: &DeprivationRequest, rank: &str, code: String, m: &Measure) -> IndicatorMeta {
    let what = m.what;
    derived_meta(
        code,
        format!("{}: {what}", req.score),
        "Deprivation",
        format!(
            "{what}, from {} ({}) by {} weighted by {}, {} → {}",
            req.score, rank, req.from, req.population, req.from, req.to
        ),
        m.unit,
        m.decimals,
        m.polarity,
    )
}
