//! `deprivation-aggregate`: LSOA deprivation summarised for wards, districts or any groups of
//! areas with a stored lookup, the IoD way (`analysis::deprivation_aggregate`): population-
//! weighted average score, average rank, extent, local concentration, the share of LSOAs in
//! the most deprived 10/20/30% nationally, and their ranks among the groups.

use super::index::{check_code, derived_meta, value_row};
use crate::analysis::deprivation_aggregate::{GroupDeprivation, SmallArea, summarise};
use crate::data::Workspace;
use crate::data::indicator::Polarity;
use crate::data::query;
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
    if !(req.of.is_finite() && req.of >= 1.0) {
        return Err(Error::Invalid(format!(
            "the national ranking size must be at least 1 (e.g. 32844), got {}",
            req.of
        )));
    }
    let rank = match &req.rank {
        Some(r) => r.clone(),
        None => {
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
            guess
        }
    };
    let lookup = query::lookup(ws, &req.from, &req.to)?;
    let (period, scores) = values_by_code(ws, &req.score, &req.from, req.period.as_deref())?;
    let (_, ranks) = values_by_code(ws, &rank, &req.from, Some(&period))?;
    let pop_periods = if req.population == UNWEIGHTED {
        Vec::new()
    } else {
        query::periods(ws, &req.population, &req.from)?
    };
    let pop_period = if pop_periods.contains(&period) {
        Some(period.as_str())
    } else {
        None // the population's latest
    };
    let areas = query::areas(ws, &req.from)?;
    let population = if req.population == UNWEIGHTED {
        areas.iter().map(|a| (a.code.clone(), Some(1.0))).collect()
    } else {
        values_by_code(ws, &req.population, &req.from, pop_period)?.1
    };
    let not_in_lookup = areas
        .iter()
        .filter(|a| !lookup.contains_key(&a.code))
        .count();
    let small: Vec<SmallArea<'_>> = areas
        .iter()
        .filter_map(|a| {
            Some(SmallArea {
                group: lookup.get(&a.code)?,
                score: scores.get(&a.code).copied().flatten(),
                rank: ranks.get(&a.code).copied().flatten(),
                population: population.get(&a.code).copied().flatten(),
            })
        })
        .collect();
    if let Some(bad) = small
        .iter()
        .filter_map(|s| s.rank)
        .find(|r| *r < 1.0 || *r > req.of)
    {
        return Err(Error::Invalid(format!(
            "indicator '{rank}' has rank {bad}, outside 1..={}: is it a national rank (1 = most deprived)? Set --of to the size of its ranking",
            req.of
        )));
    }
    let groups = summarise(&small, req.of);
    let mut saved = Vec::new();
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    if req.save {
        feedback.stage("saving");
        saved = save(ws, req, &rank, &period, &groups)?;
    }
    Ok(DeprivationResponse {
        score: req.score.clone(),
        rank,
        population: req.population.clone(),
        from: req.from.clone(),
        to: req.to.clone(),
        period,
        of: req.of,
        groups_incomplete: groups.iter().filter(|g| g.incomplete_areas > 0).count(),
        groups,
        areas_not_in_lookup: not_in_lookup,
        saved,
    })
}

type Measure = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    Polarity,
    fn(&GroupDeprivation) -> Option<f64>,
);

fn save(
    ws: &Workspace,
    req: &DeprivationRequest,
    rank: &str,
    period: &str,
    groups: &[GroupDeprivation],
) -> Result<Vec<String>> {
    let prefix = req.score.strip_suffix("_score").unwrap_or(&req.score);
    check_code(prefix)?;
    let measures: [Measure; 11] = [
        (
            "average_score",
            "population-weighted average score",
            "score",
            3,
            Polarity::LowerIsBetter,
            |g| g.average_score,
        ),
        (
            "rank_average_score",
            "rank of average score (1 = most deprived)",
            "rank",
            0,
            Polarity::HigherIsBetter,
            |g| g.rank_average_score.map(|v| v as f64),
        ),
        (
            "average_rank",
            "population-weighted average rank (national ranks with N = most deprived, as IoD File 10)",
            "rank",
            1,
            Polarity::LowerIsBetter,
            |g| g.average_rank,
        ),
        (
            "rank_average_rank",
            "rank of average rank (1 = most deprived)",
            "rank",
            0,
            Polarity::HigherIsBetter,
            |g| g.rank_average_rank.map(|v| v as f64),
        ),
        (
            "extent",
            "extent: population share in the most deprived 30% of LSOAs, sliding weights beyond 10%",
            "share",
            3,
            Polarity::LowerIsBetter,
            |g| g.extent,
        ),
        (
            "rank_extent",
            "rank of extent (1 = most deprived)",
            "rank",
            0,
            Polarity::HigherIsBetter,
            |g| g.rank_extent.map(|v| v as f64),
        ),
        (
            "local_concentration",
            "local concentration: population-weighted average rank of the most deprived LSOAs holding 10% of the population",
            "rank",
            1,
            Polarity::LowerIsBetter,
            |g| g.local_concentration,
        ),
        (
            "rank_local_concentration",
            "rank of local concentration (1 = most deprived)",
            "rank",
            0,
            Polarity::HigherIsBetter,
            |g| g.rank_local_concentration.map(|v| v as f64),
        ),
        (
            "share_10",
            "share of LSOAs in the most deprived 10% nationally",
            "share",
            3,
            Polarity::LowerIsBetter,
            |g| g.share_most_deprived_10,
        ),
        (
            "share_20",
            "share of LSOAs in the most deprived 20% nationally",
            "share",
            3,
            Polarity::LowerIsBetter,
            |g| g.share_most_deprived_20,
        ),
        (
            "share_30",
            "share of LSOAs in the most deprived 30% nationally",
            "share",
            3,
            Polarity::LowerIsBetter,
            |g| g.share_most_deprived_30,
        ),
    ];
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
    for (suffix, what, unit, decimals, polarity, get) in measures {
        let code = format!("{prefix}_{suffix}");
        for g in groups {
            rows.push(value_row(&code, &g.group, period, get(g)));
        }
        metas.push(derived_meta(
            code.clone(),
            format!("{}: {what}", req.score),
            "Deprivation",
            format!(
                "{what}, from {} ({}) by {} weighted by {}, {} → {}",
                req.score, rank, req.from, req.population, req.from, req.to
            ),
            unit,
            decimals,
            polarity,
        ));
        saved.push(code);
    }
    crate::data::derived::save_indicators(ws, &req.to, &metas, &rows, &provenance)?;
    Ok(saved)
}
