//! `stats`: global Moran's I, local Moran (LISA) and Getis-Ord Gi* for one indicator, with
//! PySAL's conventions (row-standardised weights for Moran/LISA; binary weights with a
//! self-weight for Gi*). Areas without a value are left out (and listed); `--save` stores the
//! per-area results as indicators with the full recipe as provenance.

use super::indicator_data::{IndicatorData, WeightsKind, weights_for};
use crate::analysis::getis_ord::{GetisOrd, GiOptions, HotSpot, getis_ord_with};
use crate::analysis::lisa::{Cluster, Lisa, LisaOptions, Quadrant, local_moran_with};
use crate::analysis::moran::{Moran, moran_with};
use crate::analysis::multiple_testing::Correction;
use crate::analysis::permutation::{Alternative, PermutationOptions};
use crate::analysis::result_codes;
use crate::data::Workspace;
use crate::data::indicator::{IndicatorKind, IndicatorMeta, Polarity, ValueRow};
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    Moran,
    Lisa,
    Gistar,
}

impl std::str::FromStr for Statistic {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "moran" => Ok(Self::Moran),
            "lisa" => Ok(Self::Lisa),
            "gistar" => Ok(Self::Gistar),
            _ => Err(format!(
                "unknown statistic '{s}': use moran, lisa or gistar"
            )),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatsRequest {
    pub statistic: Statistic,
    pub geography: String,
    pub indicator: String,
    pub period: Option<String>,
    pub weights: WeightsKind,
    pub permutations: usize,
    pub seed: u64,
    pub alpha: f64,
    pub fdr: bool,
    pub two_sided: bool,
    pub save: bool,
}

impl StatsRequest {
    pub fn new(statistic: Statistic, geography: &str, indicator: &str) -> Self {
        Self {
            statistic,
            geography: geography.into(),
            indicator: indicator.into(),
            period: None,
            weights: WeightsKind::Queen,
            permutations: 999,
            seed: 12345,
            alpha: 0.05,
            fdr: false,
            two_sided: false,
            save: false,
        }
    }
    fn permutation(&self) -> PermutationOptions {
        PermutationOptions {
            permutations: self.permutations,
            seed: self.seed,
            alternative: if self.two_sided {
                Alternative::TwoSided
            } else {
                Alternative::Directed
            },
        }
    }
    fn correction(&self) -> Correction {
        if self.fdr {
            Correction::Fdr
        } else {
            Correction::None
        }
    }
}

/// `stats moran` JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MoranResponse {
    pub n: usize,
    #[serde(rename = "I")]
    pub i: f64,
    #[serde(rename = "expected_I")]
    pub expected_i: f64,
    pub variance_normal: f64,
    pub z_normal: f64,
    pub p_normal: f64,
    pub variance_randomisation: f64,
    pub z_randomisation: f64,
    pub p_randomisation: f64,
    pub p_sim: Option<f64>,
    pub z_sim: Option<f64>,
    pub islands: Vec<String>,
    pub excluded: Vec<String>,
    pub period: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LisaArea {
    pub code: String,
    #[serde(rename = "I")]
    pub i: f64,
    pub quadrant: Option<Quadrant>,
    pub p_sim: Option<f64>,
    pub cluster: Cluster,
    /// Standardised value zᵢ and its spatial lag (the Moran scatterplot's axes).
    pub z: f64,
    pub lag: f64,
}

/// `stats lisa` JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LisaResponse {
    pub n: usize,
    /// Global Moran's I, Σ zᵢ·lagᵢ / Σ zᵢ² (row-standardised weights): the slope of the Moran
    /// scatterplot.
    #[serde(rename = "moran_I")]
    pub moran_i: f64,
    pub cutoff: f64,
    pub counts: BTreeMap<String, usize>,
    pub areas: Vec<LisaArea>,
    pub excluded: Vec<String>,
    pub period: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GiArea {
    pub code: String,
    pub z: f64,
    pub p_sim: Option<f64>,
    pub class: HotSpot,
}

/// `stats gistar` JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GiResponse {
    pub n: usize,
    pub counts: BTreeMap<String, usize>,
    pub areas: Vec<GiArea>,
    pub warnings: Vec<String>,
    pub excluded: Vec<String>,
    pub period: String,
}

/// The result of any statistic.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StatsResponse {
    Moran(MoranResponse),
    Lisa(LisaResponse),
    Gistar(GiResponse),
}

/// The data a statistic runs on: complete areas only.
struct Prepared {
    period: String,
    codes: Vec<String>,
    y: Vec<f64>,
    excluded: Vec<String>,
    weights: crate::analysis::weights::SpatialWeights,
}

fn prepare(ws: &Workspace, req: &StatsRequest) -> Result<Prepared> {
    let data = IndicatorData::load(ws, &req.geography, &req.indicator, req.period.as_deref())?;
    let keep = data.complete();
    let excluded = (0..data.areas.len())
        .filter(|i| keep.binary_search(i).is_err())
        .filter_map(|i| data.areas.get(i).map(|a| a.code.clone()))
        .collect();
    let areas: Vec<_> = keep
        .iter()
        .filter_map(|&i| data.areas.get(i).cloned())
        .collect();
    let y: Vec<f64> = keep
        .iter()
        .filter_map(|&i| data.values.get(i).copied().flatten())
        .collect();
    let weights = weights_for(&areas, req.weights)?;
    Ok(Prepared {
        period: data.period,
        codes: areas.into_iter().map(|a| a.code).collect(),
        y,
        excluded,
        weights,
    })
}

/// Refuses a significance level that is not a share strictly between 0 and 1 (`--alpha 2` or
/// NaN would mark every area, or none, significant without saying so).
fn check_alpha(alpha: f64) -> Result<()> {
    if alpha > 0.0 && alpha < 1.0 {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "--alpha {alpha} is not usable: give a significance level between 0 and 1 (e.g. 0.05)"
    )))
}

/// Runs the statistic (and saves it when asked).
pub fn run(ws: &Workspace, req: &StatsRequest, feedback: &dyn Feedback) -> Result<StatsResponse> {
    check_alpha(req.alpha)?;
    let p = prepare(ws, req)?;
    let result = evaluate(&p, req, feedback)?;
    if req.save {
        match &result {
            Computed::Moran(m) => save_moran(ws, req, &p, m)?,
            Computed::Lisa(l) => save_lisa(ws, req, &p, l)?,
            Computed::Gistar(g) => save_gi(ws, req, &p, g)?,
        }
    }
    Ok(respond(p, result))
}

/// Runs the statistic without saving anything (`req.save` is ignored): what a map's hotspot
/// layer draws, from a workspace opened for reading.
pub fn compute(
    ws: &Workspace,
    req: &StatsRequest,
    feedback: &dyn Feedback,
) -> Result<StatsResponse> {
    let p = prepare(ws, req)?;
    let result = evaluate(&p, req, feedback)?;
    Ok(respond(p, result))
}

/// A statistic's result before it is turned into its response.
enum Computed {
    Moran(Moran),
    Lisa(Lisa),
    Gistar(GetisOrd),
}

fn evaluate(p: &Prepared, req: &StatsRequest, feedback: &dyn Feedback) -> Result<Computed> {
    feedback.stage(match req.statistic {
        Statistic::Moran => "global Moran's I",
        Statistic::Lisa => "local Moran (LISA)",
        Statistic::Gistar => "Getis-Ord Gi*",
    });
    Ok(match req.statistic {
        Statistic::Moran => Computed::Moran(moran_with(
            &p.y,
            &p.weights.row_standardised(),
            &req.permutation(),
            feedback,
        )?),
        Statistic::Lisa => {
            let opts = LisaOptions {
                permutation: req.permutation(),
                alpha: req.alpha,
                correction: req.correction(),
            };
            Computed::Lisa(local_moran_with(
                &p.y,
                &p.weights.row_standardised(),
                &opts,
                feedback,
            )?)
        }
        Statistic::Gistar => {
            let opts = GiOptions {
                star: true,
                permutation: req.permutation(),
                correction: req.correction(),
            };
            Computed::Gistar(getis_ord_with(&p.y, &p.weights.binary(), &opts, feedback)?)
        }
    })
}

fn respond(p: Prepared, result: Computed) -> StatsResponse {
    match result {
        Computed::Moran(m) => StatsResponse::Moran(moran_response(&p, m)),
        Computed::Lisa(l) => StatsResponse::Lisa(lisa_response(p, l)),
        Computed::Gistar(g) => StatsResponse::Gistar(gi_response(p, g)),
    }
}

fn moran_response(p: &Prepared, m: Moran) -> MoranResponse {
    MoranResponse {
        n: m.n,
        i: m.i,
        expected_i: m.expected_i,
        variance_normal: m.variance_normal,
        z_normal: m.z_normal,
        p_normal: m.p_normal,
        variance_randomisation: m.variance_randomisation,
        z_randomisation: m.z_randomisation,
        p_randomisation: m.p_randomisation,
        p_sim: m.p_sim,
        z_sim: m.z_sim,
        islands: m
            .islands
            .iter()
            .filter_map(|&i| p.codes.get(i).cloned())
            .collect(),
        excluded: p.excluded.clone(),
        period: p.period.clone(),
    }
}

/// The JSON key of a LISA cluster (`HH`, …, `island`).
pub fn cluster_name(c: Cluster) -> &'static str {
    result_codes::lisa(c).key
}

/// The JSON key of a Gi* class (`hot_99`, …, `cold_99`).
pub fn hotspot_name(h: HotSpot) -> &'static str {
    result_codes::gistar(h).key
}

fn lisa_response(p: Prepared, l: Lisa) -> LisaResponse {
    let mut counts: BTreeMap<String, usize> = result_codes::LISA_CLUSTER
        .iter()
        .map(|r| (r.key.to_string(), 0))
        .collect();
    for c in &l.clusters {
        *counts.entry(cluster_name(*c).to_string()).or_insert(0) += 1;
    }
    let areas = p
        .codes
        .into_iter()
        .enumerate()
        .map(|(i, code)| LisaArea {
            code,
            i: l.is.get(i).copied().unwrap_or(f64::NAN),
            quadrant: l.quadrants.get(i).copied().flatten(),
            p_sim: l.p_sim.get(i).copied().flatten(),
            cluster: l
                .clusters
                .get(i)
                .copied()
                .unwrap_or(Cluster::NotSignificant),
            z: l.z.get(i).copied().unwrap_or(f64::NAN),
            lag: l.lag.get(i).copied().unwrap_or(f64::NAN),
        })
        .collect();
    let zz: f64 = l.z.iter().map(|z| z * z).sum();
    let zl: f64 = l.z.iter().zip(&l.lag).map(|(z, w)| z * w).sum();
    LisaResponse {
        n: l.n,
        moran_i: if zz > 0.0 { zl / zz } else { f64::NAN },
        cutoff: l.cutoff,
        counts,
        areas,
        excluded: p.excluded,
        period: p.period,
    }
}

fn gi_response(p: Prepared, g: GetisOrd) -> GiResponse {
    let mut counts: BTreeMap<String, usize> = result_codes::GISTAR_CLASS
        .iter()
        .map(|r| (r.key.to_string(), 0))
        .collect();
    for c in &g.classes {
        *counts.entry(hotspot_name(*c).to_string()).or_insert(0) += 1;
    }
    let areas = p
        .codes
        .into_iter()
        .enumerate()
        .map(|(i, code)| GiArea {
            code,
            z: g.z.get(i).copied().unwrap_or(f64::NAN),
            p_sim: g.p_sim.get(i).copied().flatten(),
            class: g.classes.get(i).copied().unwrap_or(HotSpot::NotSignificant),
        })
        .collect();
    GiResponse {
        n: g.n,
        counts,
        areas,
        warnings: g.warnings,
        excluded: p.excluded,
        period: p.period,
    }
}

fn meta(
    code: String,
    title: String,
    definition: String,
    unit: &str,
    decimals: i64,
) -> IndicatorMeta {
    IndicatorMeta {
        code,
        title,
        theme: "Hotspots".into(),
        definition,
        unit: unit.into(),
        decimals,
        polarity: Polarity::Neutral,
        source: "Computed by Local Atlas".into(),
        licence: String::new(),
        sensitivity: "public".into(),
        kind: IndicatorKind::Value,
        ..Default::default()
    }
}

fn row(indicator: &str, code: &str, period: &str, value: Option<f64>) -> ValueRow {
    ValueRow::computed(indicator, code, period, value)
}

fn provenance(req: &StatsRequest, p: &Prepared) -> String {
    serde_json::json!({
        "tool": format!("local-atlas {}", env!("CARGO_PKG_VERSION")),
        "request": req,
        "period": p.period,
        "n": p.y.len(),
        "excluded": p.excluded.len(),
    })
    .to_string()
}

/// One per-area result to save: (code suffix, title, definition, unit, decimals, values).
type Series<'a> = (&'a str, String, String, &'a str, i64, Vec<Option<f64>>);

/// What the values of a series saved with `suffix` are: the class codes of the LISA and Gi*
/// results (the suffixes this module gives them), plain values otherwise.
fn series_kind(suffix: &str) -> IndicatorKind {
    match suffix {
        "lisa_cluster" => IndicatorKind::LisaCluster,
        "gistar_class" => IndicatorKind::GistarClass,
        _ => IndicatorKind::Value,
    }
}

/// Writes per-area series.
fn save_series(
    ws: &Workspace,
    req: &StatsRequest,
    p: &Prepared,
    series: Vec<Series<'_>>,
) -> Result<()> {
    let analysed = crate::data::query::indicator_meta(ws, &req.indicator)?;
    let mut metas = Vec::new();
    let mut rows = Vec::new();
    for (suffix, title, definition, unit, decimals, values) in series {
        let code = format!("{}_{suffix}", req.indicator);
        for (c, v) in p.codes.iter().zip(&values) {
            rows.push(row(&code, c, &p.period, *v));
        }
        for c in &p.excluded {
            rows.push(row(&code, c, &p.period, None));
        }
        let kind = series_kind(suffix);
        metas.push(IndicatorMeta {
            kind,
            // A z-score, lag or local statistic of a protected count gives the count away:
            // it keeps the rule (and, having no count of its own, is suppressed in outputs).
            // Class codes say nothing about the count and are shown.
            disclosure: match kind {
                IndicatorKind::Value => analysed.disclosure,
                _ => Default::default(),
            },
            theme: analysed.theme.clone(),
            source: analysed.source.clone(),
            licence: analysed.licence.clone(),
            ..meta(code, title, definition, unit, decimals)
        });
    }
    crate::data::derived::save_indicators(ws, &req.geography, &metas, &rows, &provenance(req, p))
}

fn save_moran(ws: &Workspace, req: &StatsRequest, p: &Prepared, m: &Moran) -> Result<()> {
    let of = analysed_title(ws, req)?;
    let z = m.scatter.iter().map(|s| Some(s[0])).collect();
    let lag = m.scatter.iter().map(|s| Some(s[1])).collect();
    save_series(
        ws,
        req,
        p,
        vec![
            (
                "std",
                format!("{of} (standardised)"),
                "z-score of the value (Moran scatterplot x axis)".into(),
                "z",
                3,
                z,
            ),
            (
                "std_lag",
                format!("{of} (spatial lag of standardised)"),
                format!(
                    "spatial lag of the z-score with {} weights (Moran scatterplot y axis)",
                    req.weights
                ),
                "z",
                3,
                lag,
            ),
        ],
    )
}

/// The title of the analysed indicator, for the titles of its results.
fn analysed_title(ws: &Workspace, req: &StatsRequest) -> Result<String> {
    Ok(crate::data::query::indicator_meta(ws, &req.indicator)?.title)
}

/// The code `stats lisa --save` stores for a cluster ([`result_codes::LISA_CLUSTER`]).
pub fn cluster_code(c: Cluster) -> f64 {
    result_codes::lisa(c).code as f64
}

fn save_lisa(ws: &Workspace, req: &StatsRequest, p: &Prepared, l: &Lisa) -> Result<()> {
    let of = analysed_title(ws, req)?;
    let what = format!(
        "local Moran's I of {} ({} weights, {} permutations, seed {}, alpha {}{})",
        req.indicator,
        req.weights,
        req.permutations,
        req.seed,
        req.alpha,
        if req.fdr { ", FDR" } else { "" }
    );
    save_series(
        ws,
        req,
        p,
        vec![
            (
                "lisa_cluster",
                crate::ops::result_titles::lisa_clusters(&of, req),
                format!(
                    "LISA cluster of {what}: 0 not significant, 1 HH, 2 LL, 3 LH, 4 HL, 5 island"
                ),
                "class",
                0,
                l.clusters.iter().map(|c| Some(cluster_code(*c))).collect(),
            ),
            (
                "lisa_i",
                format!("Local Moran's I of {of}"),
                what.clone(),
                "I",
                3,
                l.is.iter().map(|v| Some(*v)).collect(),
            ),
            (
                "lisa_p",
                format!("LISA pseudo p-value of {of}"),
                format!("permutation pseudo p-value of {what}"),
                "p",
                3,
                l.p_sim.clone(),
            ),
        ],
    )
}

/// The code `stats gistar --save` stores for a class ([`result_codes::GISTAR_CLASS`]).
pub fn hotspot_code(h: HotSpot) -> f64 {
    result_codes::gistar(h).code as f64
}

fn save_gi(ws: &Workspace, req: &StatsRequest, p: &Prepared, g: &GetisOrd) -> Result<()> {
    let of = analysed_title(ws, req)?;
    let what = format!(
        "Getis-Ord Gi* of {} ({} binary weights with self, {} permutations, seed {}{})",
        req.indicator,
        req.weights,
        req.permutations,
        req.seed,
        if req.fdr { ", FDR" } else { "" }
    );
    save_series(
        ws,
        req,
        p,
        vec![
            (
                "gistar_class",
                crate::ops::result_titles::gistar_classes(&of, req),
                format!(
                    "{what}: 3/2/1 hot spot at 99/95/90% confidence, 0 not significant, -1/-2/-3 cold spot"
                ),
                "class",
                0,
                g.classes.iter().map(|c| Some(hotspot_code(*c))).collect(),
            ),
            (
                "gistar_z",
                format!("Gi* z-score of {of}"),
                what.clone(),
                "z",
                3,
                g.z.iter().map(|v| Some(*v)).collect(),
            ),
            (
                "gistar_p",
                format!("Gi* pseudo p-value of {of}"),
                format!("permutation pseudo p-value of {what}"),
                "p",
                3,
                g.p_sim.clone(),
            ),
        ],
    )
}
