//! `index`: a composite index (IMD-style, Townsend, Carstairs or local) from a TOML spec over
//! the workspace's indicators, optionally with weight sensitivity, saved as indicators with the
//! whole spec as provenance so it can be rebuilt, mapped and exported like any indicator.
//!
//! The spec format is documented in README.md ("Deprivation indices and service siting").

use crate::analysis::composite::presets::{Preset, preset};
use crate::analysis::composite::sensitivity::{
    Sensitivity, SensitivityOptions, weight_sensitivity,
};
use crate::analysis::composite::{
    Column, CompositeError, CompositeIndex, Direction, Domain, DomainMissing, DomainSource, Input,
    Transform, composite_index, rank_deciles_against,
};
use crate::data::Workspace;
use crate::data::indicator::Polarity;
use crate::data::query::{self, Area};
use crate::data::reference_scores::read_reference_scores;
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

mod save;
mod spec;
mod spec_check;

pub(crate) use save::{check_code, derived_meta, value_row};
pub use spec::{DomainSpec, IndexSpec, RankAgainst, parse_spec, read_spec};

/// The request: a spec and whether/under which name to save.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexRequest {
    pub spec: IndexSpec,
    /// Save as indicators `<save>_score`, `_rank`, `_decile`, `_quintile` (and the sensitivity
    /// results).
    pub save: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexArea {
    pub code: String,
    pub score: Option<f64>,
    pub rank: Option<usize>,
    pub decile: Option<usize>,
    pub quintile: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_low: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_high: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decile_change_share: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SensitivitySummary {
    pub draws: usize,
    pub concentration: f64,
    pub seed: u64,
    pub interval: f64,
    pub mean_share_changing_decile: f64,
    pub unstable_share: f64,
    pub unstable: Vec<String>,
    /// Always `workspace`: the perturbed scores are ranked among the workspace's areas.
    pub ranking: String,
    /// With `[rank_against]`: why the sensitivity ranks are not national.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `index --json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexResponse {
    pub name: String,
    pub geography: String,
    pub period: String,
    pub n: usize,
    pub areas: Vec<IndexArea>,
    pub excluded: Vec<String>,
    pub missing: Vec<DomainMissing>,
    pub weights_sum: f64,
    /// `workspace` (ranks among the areas scored) or `reference` (against `[rank_against]`).
    pub ranking: String,
    /// Size of the ranking the ranks and deciles refer to.
    pub ranking_size: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<SensitivitySummary>,
    pub saved: Vec<String>,
    /// The resolved recipe: the spec with every default filled in and the period of each input.
    pub recipe: serde_json::Value,
}

/// A domain with every default resolved.
struct Resolved {
    name: String,
    weight: f64,
    columns: Vec<(ColumnSpec, f64)>,
    combined_transform: Option<Transform>,
}

#[derive(Clone, Serialize)]
struct ColumnSpec {
    indicator: String,
    input: Input,
    of: Option<f64>,
    direction: Direction,
    transform: Transform,
    period: String,
}

/// Every domain of the spec with its defaults filled in (from the preset, then the
/// indicators' metadata) and the period of each input.
fn resolve(ws: &Workspace, spec: &IndexSpec) -> Result<Vec<Resolved>> {
    if spec.domains.is_empty() {
        return Err(Error::Invalid(format!(
            "index '{}' has no [[domain]]",
            spec.name
        )));
    }
    let preset = match &spec.preset {
        Some(p) => Some(preset(p).ok_or_else(|| {
            Error::Invalid(format!(
                "unknown preset '{p}': use imd2019, townsend or carstairs"
            ))
        })?),
        None => None,
    };
    spec.domains
        .iter()
        .enumerate()
        .map(|(k, d)| resolve_domain(ws, spec, preset.as_ref(), k, d))
        .collect()
}

/// The `k`-th domain resolved: named (its name, else its indicator, else its position), the
/// preset's weight, input, transform and direction filling what it leaves out.
fn resolve_domain(
    ws: &Workspace,
    spec: &IndexSpec,
    preset: Option<&Preset>,
    k: usize,
    d: &DomainSpec,
) -> Result<Resolved> {
    let name = d
        .name
        .clone()
        .or_else(|| d.indicator.clone())
        .unwrap_or_else(|| format!("domain {}", k + 1));
    let from_preset = preset.and_then(|p| p.domains.iter().find(|r| r.role == name));
    let mut d = d.clone();
    if let Some(p) = from_preset {
        d.weight = d.weight.or(Some(p.weight));
        d.input = d.input.or(Some(p.input));
        d.transform = d.transform.or(Some(p.transform));
        d.direction = d.direction.or(Some(p.direction));
    }
    let weight = d
        .weight
        .ok_or_else(|| Error::Invalid(format!("domain '{name}' needs a weight")))?;
    if d.components.is_empty() {
        let c = column(ws, spec, &name, &d)?;
        return Ok(Resolved {
            name,
            weight,
            columns: vec![(c, 1.0)],
            combined_transform: None,
        });
    }
    if d.indicator.is_some() {
        return Err(Error::Invalid(format!(
            "domain '{name}' has both an indicator and components: give one"
        )));
    }
    let columns = components(ws, spec, &name, &d.components)?;
    Ok(Resolved {
        name,
        weight,
        columns,
        combined_transform: Some(d.transform.unwrap_or(Transform::Exponential)),
    })
}

/// The columns of a domain built from weighted components; each component needs a weight.
fn components(
    ws: &Workspace,
    spec: &IndexSpec,
    domain: &str,
    components: &[DomainSpec],
) -> Result<Vec<(ColumnSpec, f64)>> {
    components
        .iter()
        .map(|c| {
            let w = c.weight.ok_or_else(|| {
                Error::Invalid(format!("a component of domain '{domain}' needs a weight"))
            })?;
            Ok((column(ws, spec, domain, c)?, w))
        })
        .collect()
}

fn column(ws: &Workspace, spec: &IndexSpec, domain: &str, d: &DomainSpec) -> Result<ColumnSpec> {
    let indicator = d.indicator.clone().ok_or_else(|| {
        Error::Invalid(format!(
            "domain '{domain}' needs an `indicator` (or `components`)"
        ))
    })?;
    let meta = query::indicator_meta(ws, &indicator)?;
    let input = d.input.unwrap_or(Input::Score);
    let direction = match (d.direction, input) {
        (Some(dir), _) => dir,
        (None, Input::Rank) => Direction::HigherIsWorse,
        (None, Input::Score) => match meta.polarity {
            Polarity::LowerIsBetter => Direction::HigherIsWorse,
            Polarity::HigherIsBetter => Direction::LowerIsWorse,
            Polarity::Neutral => {
                return Err(Error::Invalid(format!(
                    "domain '{domain}': indicator '{indicator}' is neutral, so say which end is deprived with direction = \"higher_is_worse\" or \"lower_is_worse\""
                )));
            }
        },
    };
    let transform = d.transform.ok_or_else(|| {
        Error::Invalid(format!(
            "domain '{domain}' needs a transform: exponential, normal, zscore, log_zscore or none"
        ))
    })?;
    let period = query::resolve_period(ws, &indicator, &spec.geography, spec.period.as_deref())?;
    Ok(ColumnSpec {
        indicator,
        input,
        of: d.of,
        direction,
        transform,
        period,
    })
}

fn load_values(
    ws: &Workspace,
    geography: &str,
    c: &ColumnSpec,
    areas: &[Area],
) -> Result<Vec<Option<f64>>> {
    let by_code: HashMap<String, Option<f64>> =
        query::values(ws, &c.indicator, geography, &c.period)?
            .into_iter()
            .map(|v| (v.area_code, v.value))
            .collect();
    Ok(areas
        .iter()
        .map(|a| by_code.get(&a.code).copied().flatten())
        .collect())
}

/// Why sensitivity with `[rank_against]` still ranks within the workspace.
const SENSITIVITY_LOCAL: &str = "the reference holds final scores only, so it cannot be re-scored with perturbed weights: the sensitivity ranks and decile changes are among the workspace's areas; for national ones, build the index over every area of the national ranking (e.g. all 32,844 English LSOAs)";

/// The `zscore_weights` indicator per area; refuses negative weights, naming the area.
fn weight_values(
    ws: &Workspace,
    spec: &IndexSpec,
    code: &str,
    areas: &[Area],
) -> Result<Vec<Option<f64>>> {
    query::indicator_meta(ws, code)?;
    let period = query::resolve_period(ws, code, &spec.geography, spec.period.as_deref())?;
    let column = ColumnSpec {
        indicator: code.to_string(),
        input: Input::Score,
        of: None,
        direction: Direction::HigherIsWorse,
        transform: Transform::None,
        period,
    };
    let values = load_values(ws, &spec.geography, &column, areas)?;
    if let Some((a, v)) = areas
        .iter()
        .zip(&values)
        .find_map(|(a, v)| v.filter(|v| *v < 0.0).map(|v| (a, v)))
    {
        return Err(Error::Invalid(format!(
            "zscore_weights '{code}' is {v} for {}: weights (e.g. populations) must be ≥ 0",
            a.code
        )));
    }
    Ok(values)
}

/// Builds the index (and saves it when asked). Reports a stage per domain loaded and per
/// sensitivity run with their progress; returns [`Error::Cancelled`], having written nothing,
/// when `feedback` asks to stop.
pub fn run(ws: &Workspace, req: &IndexRequest, feedback: &dyn Feedback) -> Result<IndexResponse> {
    let spec = &req.spec;
    feedback.stage("reading the index spec");
    let resolved = resolve(ws, spec)?;
    let areas = query::areas(ws, &spec.geography)?;
    if areas.is_empty() {
        return Err(Error::NoAreas {
            geography: spec.geography.clone(),
        });
    }
    let domains = load_domains(ws, spec, &resolved, &areas, feedback)?;
    feedback.stage("combining the domains");
    let (index, ranking) = combine(spec, &domains)?;
    let sensitivity = run_sensitivity(spec, &index, feedback)?;
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    let period = index_period(spec, &resolved);
    let recipe = recipe_json(spec, &resolved);
    let codes: Vec<String> = areas.iter().map(|a| a.code.clone()).collect();
    let mut saved = Vec::new();
    if let Some(name) = &req.save {
        feedback.stage("saving");
        saved = save::save(
            ws,
            spec,
            name,
            &period,
            &codes,
            &index,
            ranking.size,
            sensitivity.as_ref(),
            &recipe,
        )?;
    }
    Ok(IndexResponse {
        name: spec.name.clone(),
        geography: spec.geography.clone(),
        period,
        n: index.score.iter().flatten().count(),
        areas: index_areas(&codes, &index, sensitivity.as_ref()),
        excluded: index.excluded.iter().map(|&i| codes[i].clone()).collect(),
        missing: index.missing.clone(),
        weights_sum: index.weights.iter().sum(),
        ranking: ranking.kind.to_string(),
        ranking_size: ranking.size,
        sensitivity: sensitivity.map(|(o, s)| sensitivity_summary(spec, &codes, &o, &s)),
        saved,
        recipe,
    })
}

/// Reads every domain's columns for `areas`, reporting a stage and progress per domain and
/// stopping (with [`Error::Cancelled`]) between domains when asked.
fn load_domains(
    ws: &Workspace,
    spec: &IndexSpec,
    resolved: &[Resolved],
    areas: &[Area],
    feedback: &dyn Feedback,
) -> Result<Vec<Domain>> {
    let zscore_weights = match &spec.zscore_weights {
        Some(code) => Some(weight_values(ws, spec, code, areas)?),
        None => None,
    };
    let mut domains = Vec::new();
    for (k, r) in resolved.iter().enumerate() {
        if feedback.is_cancelled() {
            return Err(Error::Cancelled);
        }
        feedback.stage(&format!("domain '{}'", r.name));
        feedback.progress(k as u64, resolved.len() as u64);
        domains.push(load_domain(ws, spec, r, areas, zscore_weights.as_ref())?);
    }
    feedback.progress(resolved.len() as u64, resolved.len() as u64);
    Ok(domains)
}

/// One domain's input: its single column, or its weighted components combined by the
/// domain's transform.
fn load_domain(
    ws: &Workspace,
    spec: &IndexSpec,
    r: &Resolved,
    areas: &[Area],
    zscore_weights: Option<&Vec<Option<f64>>>,
) -> Result<Domain> {
    let mut cols = Vec::new();
    for (c, w) in &r.columns {
        let values = load_values(ws, &spec.geography, c, areas)?;
        cols.push((
            Column {
                values,
                input: c.input,
                of: c.of,
                direction: c.direction,
                transform: c.transform,
                zscore_weights: matches!(c.transform, Transform::Zscore | Transform::LogZscore)
                    .then(|| zscore_weights.cloned())
                    .flatten(),
            },
            *w,
        ));
    }
    let source = match r.combined_transform {
        None => DomainSource::Single(cols.remove(0).0),
        Some(transform) => DomainSource::Combined {
            components: cols,
            transform,
        },
    };
    Ok(Domain {
        name: r.name.clone(),
        weight: r.weight,
        source,
    })
}

/// What the ranks and deciles of an index refer to.
struct Ranking {
    /// `workspace` (among the areas scored) or `reference` (against `[rank_against]`).
    kind: &'static str,
    /// How many scores are ranked.
    size: usize,
}

/// A failure of the composite computation as the index's error (cancellation stays
/// [`Error::Cancelled`]).
fn index_error(spec: &IndexSpec, source: CompositeError) -> Error {
    match source {
        CompositeError::Cancelled => Error::Cancelled,
        source => Error::Index {
            name: spec.name.clone(),
            source,
        },
    }
}

/// Combines the domains into the index, ranked among the workspace's areas or, with
/// `[rank_against]`, against the reference scores.
fn combine(spec: &IndexSpec, domains: &[Domain]) -> Result<(CompositeIndex, Ranking)> {
    let mut index = composite_index(domains, spec.missing).map_err(|e| index_error(spec, e))?;
    let mut ranking = Ranking {
        kind: "workspace",
        size: index.score.iter().flatten().count(),
    };
    if let Some(r) = &spec.rank_against {
        let reference = read_reference_scores(&r.file, &r.column)?;
        let (rank, decile, quintile) = rank_deciles_against(&index.score, &reference);
        index.rank = rank;
        index.decile = decile;
        index.quintile = quintile;
        ranking = Ranking {
            kind: "reference",
            size: reference.len(),
        };
    }
    Ok((index, ranking))
}

/// The weight sensitivity the spec asks for (none without `[sensitivity]`).
fn run_sensitivity(
    spec: &IndexSpec,
    index: &CompositeIndex,
    feedback: &dyn Feedback,
) -> Result<Option<(SensitivityOptions, Sensitivity)>> {
    let Some(o) = spec.sensitivity else {
        return Ok(None);
    };
    feedback.stage(&format!("weight sensitivity ({} draws)", o.draws));
    let s = weight_sensitivity(&index.domain_values, &index.weights, &o, feedback)
        .map_err(|e| index_error(spec, e))?;
    Ok(Some((o, s)))
}

/// The index's period: the spec's, else the period of the first domain's first input.
fn index_period(spec: &IndexSpec, resolved: &[Resolved]) -> String {
    spec.period
        .clone()
        .or_else(|| {
            resolved
                .first()
                .and_then(|r| r.columns.first())
                .map(|c| c.0.period.clone())
        })
        .unwrap_or_default()
}

/// Score, rank, decile and quintile per area, with the sensitivity interval when run.
fn index_areas(
    codes: &[String],
    index: &CompositeIndex,
    sensitivity: Option<&(SensitivityOptions, Sensitivity)>,
) -> Vec<IndexArea> {
    codes
        .iter()
        .enumerate()
        .map(|(i, code)| IndexArea {
            code: code.clone(),
            score: index.score[i],
            rank: index.rank[i],
            decile: index.decile[i],
            quintile: index.quintile[i],
            rank_low: sensitivity.and_then(|(_, s)| s.rank_low[i]),
            rank_high: sensitivity.and_then(|(_, s)| s.rank_high[i]),
            decile_change_share: sensitivity.and_then(|(_, s)| s.decile_change_share[i]),
        })
        .collect()
}

/// The sensitivity part of the response: the options used and the unstable areas.
fn sensitivity_summary(
    spec: &IndexSpec,
    codes: &[String],
    o: &SensitivityOptions,
    s: &Sensitivity,
) -> SensitivitySummary {
    SensitivitySummary {
        draws: s.draws,
        concentration: o.concentration,
        seed: o.seed,
        interval: o.interval,
        mean_share_changing_decile: s.mean_share_changing_decile,
        unstable_share: o.unstable_share,
        unstable: s.unstable.iter().map(|&i| codes[i].clone()).collect(),
        ranking: "workspace".into(),
        note: spec
            .rank_against
            .as_ref()
            .map(|_| SENSITIVITY_LOCAL.to_string()),
    }
}

fn recipe_json(spec: &IndexSpec, resolved: &[Resolved]) -> serde_json::Value {
    serde_json::json!({
        "tool": format!("local-atlas {}", env!("CARGO_PKG_VERSION")),
        "spec": spec,
        "resolved": resolved.iter().map(|r| serde_json::json!({
            "domain": r.name,
            "weight": r.weight,
            "combined_transform": r.combined_transform,
            "columns": r.columns.iter().map(|(c, w)| serde_json::json!({"column": c, "weight": w})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
