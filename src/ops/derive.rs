//! `derive`: a new indicator computed from stored ones, with both confidence levels and the
//! method recorded in its metadata (PHEindicatormethods' definitions, `analysis::indicator_stats`):
//!
//! - `proportion`: count ÷ denominator × multiplier (default 100), Wilson score limits;
//! - `rate`: a crude rate, count ÷ population × multiplier (default 100 000), Byar's limits,
//!   exact Poisson (χ²) below 10 events;
//! - `dsr`: a directly standardised rate from age-band counts and populations (`--age-bands`,
//!   `--populations`, in band order) and a standard population (default the 2013 European
//!   Standard Population, 19 bands), Dobson's limits, not reported below 10 events;
//! - `isr`: an indirectly standardised ratio O ÷ E × multiplier (default 100), expected events
//!   from the age-specific rates of a reference (a benchmark area's age-band values, or all the
//!   geography's areas pooled), exact limits below 10 observed events, Byar's otherwise.
//!
//! Values are derived for every area of the geography and, where the inputs have rows there,
//! for the benchmark areas (England, regions), so `compare` has a benchmark at once. A value
//! that cannot be computed (an input missing, a zero denominator, a count above its
//! denominator, too few events) is stored as missing and listed with its reason. Everything
//! is written in one transaction.

use crate::analysis::indicator_stats::confidence::{
    Estimate, Level, ValueType, crude_rate, proportion,
};
use crate::analysis::indicator_stats::dsr::{DSR_MINIMUM_EVENTS, ESP2013, dsr};
use crate::analysis::indicator_stats::isr::{expected_events, standardised_ratio};
use crate::analysis::indicator_stats::undefined::Undefined;
use crate::data::Workspace;
use crate::data::benchmark::BENCHMARK_GEOGRAPHY;
use crate::data::derived::save_indicators_at;
use crate::data::indicator::{IndicatorMeta, Polarity, Status, ValueRow};
use crate::data::query::{self, StoredValue};
use crate::error::{Error, Result};
use crate::ops::value_type::value_type_text;
use crate::render::symbology::format_value;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What is derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeriveType {
    Proportion,
    Rate,
    Dsr,
    Isr,
}

impl std::str::FromStr for DeriveType {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "proportion" | "percentage" => Self::Proportion,
            "rate" | "crude_rate" => Self::Rate,
            "dsr" => Self::Dsr,
            "isr" | "smr" => Self::Isr,
            _ => {
                return Err(format!(
                    "unknown type '{s}': use proportion, rate, dsr or isr"
                ));
            }
        })
    }
}

impl DeriveType {
    fn value_type(self) -> ValueType {
        match self {
            Self::Proportion => ValueType::Proportion,
            Self::Rate => ValueType::CrudeRate,
            Self::Dsr => ValueType::Dsr,
            Self::Isr => ValueType::Isr,
        }
    }
    fn default_multiplier(self) -> f64 {
        match self {
            Self::Proportion | Self::Isr => 100.0,
            Self::Rate | Self::Dsr => 100_000.0,
        }
    }
    /// How the limits are computed, as the metadata records it.
    pub fn ci_method(self) -> &'static str {
        match self {
            Self::Proportion => "Wilson score interval (95% and 99.8%)",
            Self::Rate => {
                "Byar's method; exact Poisson (chi-squared) below 10 events (95% and 99.8%)"
            }
            Self::Dsr => "Dobson's method with Byar's limits of the total count (95% and 99.8%)",
            Self::Isr => "exact Poisson below 10 observed events, Byar's otherwise (95% and 99.8%)",
        }
    }
}

/// The reference of an indirectly standardised ratio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IsrReference {
    /// The age-band values of a benchmark area (`E92000001`).
    Area(String),
    /// All the geography's areas pooled.
    Areas,
}

#[derive(Debug, Clone)]
pub struct DeriveRequest {
    pub indicator: String,
    pub kind: DeriveType,
    /// Proportion and rate: the count and the denominator.
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    /// DSR and ISR: the count per age band and the population per band, in the same order.
    pub age_bands: Vec<String>,
    pub populations: Vec<String>,
    /// DSR: standard population weights (default ESP 2013, which needs 19 bands).
    pub standard: Option<Vec<f64>>,
    /// ISR: where the age-specific reference rates come from.
    pub isr_reference: IsrReference,
    pub multiplier: Option<f64>,
    /// Default: the only geography the inputs have values at.
    pub geography: Option<String>,
    /// Default: every period all inputs have.
    pub period: Option<String>,
    /// Read the denominators (populations) at this period for every period derived (e.g. a
    /// mid-year population estimate for several years of counts).
    pub denominator_period: Option<String>,
    pub title: Option<String>,
    pub unit: Option<String>,
    pub polarity: Option<Polarity>,
}

/// A value that could not be derived.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotDerived {
    pub code: String,
    pub period: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeriveResult {
    pub indicator: String,
    pub geography: String,
    pub periods: Vec<String>,
    pub value_type: String,
    pub multiplier: f64,
    pub ci_method: String,
    /// Values stored (areas × periods with a value).
    pub values: usize,
    /// Benchmark areas derived too (England, regions…), by period.
    pub benchmarks: BTreeMap<String, Vec<String>>,
    pub not_derived: Vec<NotDerived>,
}

/// One area's inputs: (count, denominator) pairs, one per band (one band for proportion and
/// rate); `Err` names the input that is missing.
type Inputs = std::result::Result<Vec<(f64, f64)>, String>;

/// Derives the indicator and stores it (replacing an earlier derivation of the same code).
pub fn derive(ws: &Workspace, req: &DeriveRequest) -> Result<DeriveResult> {
    let (counts, denoms) = input_codes(req)?;
    let mut all: Vec<&str> = counts.iter().chain(&denoms).map(String::as_str).collect();
    let mut seen = BTreeSet::new();
    all.retain(|c| seen.insert(*c));
    if all.iter().any(|c| *c == req.indicator) {
        return Err(Error::Invalid(format!(
            "--indicator {} is one of its own inputs: give the new indicator another code",
            req.indicator
        )));
    }
    let metas: Vec<IndicatorMeta> = all
        .iter()
        .map(|c| query::indicator_meta(ws, c))
        .collect::<Result<_>>()?;
    check_not_foreign(ws, &req.indicator)?;
    let geography = geography(ws, req, &counts[0])?;
    let periods = match &req.denominator_period {
        Some(dp) => {
            for d in &denoms {
                query::resolve_period(ws, d, &geography, Some(dp))?;
            }
            let c: Vec<&str> = counts.iter().map(String::as_str).collect();
            periods(ws, req, &c, &geography)?
        }
        None => periods(ws, req, &all, &geography)?,
    };
    let mult = req.multiplier.unwrap_or(req.kind.default_multiplier());
    if !(mult.is_finite() && mult > 0.0) {
        return Err(Error::Invalid(format!(
            "--multiplier {mult} must be a positive number"
        )));
    }
    let standard = standard_for(req, counts.len())?;
    let mut rows_by_geo: BTreeMap<String, Vec<ValueRow>> = BTreeMap::new();
    let mut not_derived = Vec::new();
    let mut benchmarks: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for period in &periods {
        let at = Periods {
            counts: period,
            denominators: req.denominator_period.as_deref().unwrap_or(period),
        };
        let inputs = read_inputs(ws, &geography, at, &counts, &denoms)?;
        let bench_inputs = read_inputs(ws, BENCHMARK_GEOGRAPHY, at, &counts, &denoms)?;
        let reference = isr_reference(req, &inputs, &bench_inputs)?;
        for (geo, set) in [
            (&geography, &inputs),
            (&BENCHMARK_GEOGRAPHY.to_string(), &bench_inputs),
        ] {
            for (code, input) in set {
                let est = input
                    .clone()
                    .and_then(|bands| estimate(req.kind, &bands, &standard, &reference, mult));
                if geo != &geography {
                    if est.is_err() && input.is_err() {
                        continue; // a benchmark area without these inputs
                    }
                    benchmarks
                        .entry(code.clone())
                        .or_default()
                        .push(period.clone());
                }
                let row = value_row(&req.indicator, code, period, input, &est);
                if let Err(reason) = est {
                    not_derived.push(NotDerived {
                        code: code.clone(),
                        period: period.clone(),
                        reason,
                    });
                }
                rows_by_geo.entry(geo.clone()).or_default().push(row);
            }
        }
    }
    let meta = new_meta(req, &metas[0], mult);
    let values = rows_by_geo
        .get(&geography)
        .map_or(0, |r| r.iter().filter(|r| r.value.is_some()).count());
    let at: Vec<(&str, &[ValueRow])> = rows_by_geo
        .iter()
        .map(|(g, r)| (g.as_str(), r.as_slice()))
        .collect();
    save_indicators_at(ws, &at, &[meta], &provenance(req, &geography, mult))?;
    Ok(DeriveResult {
        indicator: req.indicator.clone(),
        geography,
        periods,
        value_type: value_type_text(req.kind.value_type()).into(),
        multiplier: mult,
        ci_method: req.kind.ci_method().into(),
        values,
        benchmarks,
        not_derived,
    })
}

fn input_codes(req: &DeriveRequest) -> Result<(Vec<String>, Vec<String>)> {
    match req.kind {
        DeriveType::Proportion | DeriveType::Rate => match (&req.numerator, &req.denominator) {
            (Some(n), Some(d)) => Ok((vec![n.clone()], vec![d.clone()])),
            _ => Err(Error::Invalid(format!(
                "--type {} needs --numerator and --denominator (the indicators holding the \
                 count and the denominator)",
                value_type_text(req.kind.value_type())
            ))),
        },
        DeriveType::Dsr | DeriveType::Isr => {
            if req.age_bands.is_empty() || req.age_bands.len() != req.populations.len() {
                return Err(Error::Invalid(format!(
                    "--type dsr|isr needs --age-bands and --populations with one indicator per \
                     age band each, in the same order ({} and {} given)",
                    req.age_bands.len(),
                    req.populations.len()
                )));
            }
            Ok((req.age_bands.clone(), req.populations.clone()))
        }
    }
}

/// Refuses to overwrite an indicator that `derive` did not make (an imported one).
fn check_not_foreign(ws: &Workspace, code: &str) -> Result<()> {
    match query::indicator_meta(ws, code) {
        Ok(_) => {
            let p = query::provenance(ws, code)?;
            if p.starts_with("derive ") {
                Ok(())
            } else {
                Err(Error::Invalid(format!(
                    "indicator {code} already exists and was not made by derive; choose \
                     another --indicator code"
                )))
            }
        }
        Err(Error::UnknownIndicator { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

fn geography(ws: &Workspace, req: &DeriveRequest, first: &str) -> Result<String> {
    if let Some(g) = &req.geography {
        return Ok(g.clone());
    }
    let geos: BTreeSet<String> = query::series(ws)?
        .into_iter()
        .filter(|(i, g, _)| i == first && g != BENCHMARK_GEOGRAPHY)
        .map(|(_, g, _)| g)
        .collect();
    match geos.len() {
        1 => Ok(geos.into_iter().next().unwrap_or_default()),
        0 => Err(Error::NoValues {
            indicator: first.to_string(),
            geography: "any geography".into(),
        }),
        _ => Err(Error::Invalid(format!(
            "{first} has values at {}; choose one with --geography",
            geos.into_iter().collect::<Vec<_>>().join(", ")
        ))),
    }
}

fn periods(
    ws: &Workspace,
    req: &DeriveRequest,
    all: &[&str],
    geography: &str,
) -> Result<Vec<String>> {
    if let Some(p) = &req.period {
        for c in all {
            query::resolve_period(ws, c, geography, Some(p))?;
        }
        return Ok(vec![p.clone()]);
    }
    let mut common: Option<BTreeSet<String>> = None;
    for c in all {
        let ps: BTreeSet<String> = query::periods(ws, c, geography)?.into_iter().collect();
        common = Some(match common {
            None => ps,
            Some(k) => k.intersection(&ps).cloned().collect(),
        });
    }
    let common: Vec<String> = common.unwrap_or_default().into_iter().collect();
    if common.is_empty() {
        return Err(Error::Invalid(format!(
            "{} have no period in common at {geography}",
            all.join(", ")
        )));
    }
    Ok(common)
}

fn standard_for(req: &DeriveRequest, bands: usize) -> Result<Vec<f64>> {
    if req.kind != DeriveType::Dsr {
        return Ok(Vec::new());
    }
    let w = req.standard.clone().unwrap_or_else(|| ESP2013.to_vec());
    if w.len() != bands {
        return Err(Error::Invalid(format!(
            "the standard population has {} bands and --age-bands {bands}: give 19 bands \
             (0-4, 5-9, …, 85-89, 90+) for the 2013 European Standard Population, or \
             --standard with one weight per band",
            w.len()
        )));
    }
    if w.iter().any(|x| !(x.is_finite() && *x >= 0.0)) {
        return Err(Error::Invalid(
            "--standard weights must be numbers ≥ 0".into(),
        ));
    }
    Ok(w)
}

/// The periods the counts and the denominators are read at.
#[derive(Debug, Clone, Copy)]
struct Periods<'a> {
    counts: &'a str,
    denominators: &'a str,
}

/// Per area code: its (count, denominator) per band, or which input is missing.
fn read_inputs(
    ws: &Workspace,
    geography: &str,
    at: Periods<'_>,
    counts: &[String],
    denoms: &[String],
) -> Result<BTreeMap<String, Inputs>> {
    let read = |code: &str, period: &str| -> Result<BTreeMap<String, StoredValue>> {
        let has = query::periods(ws, code, geography)?
            .iter()
            .any(|p| p == period);
        if !has {
            return Ok(BTreeMap::new());
        }
        Ok(query::values(ws, code, geography, period)?
            .into_iter()
            .map(|v| (v.area_code.clone(), v))
            .collect())
    };
    let count_sets: Vec<_> = counts
        .iter()
        .map(|c| read(c, at.counts))
        .collect::<Result<_>>()?;
    let denom_sets: Vec<_> = denoms
        .iter()
        .map(|c| read(c, at.denominators))
        .collect::<Result<_>>()?;
    let codes: BTreeSet<String> = count_sets
        .iter()
        .chain(&denom_sets)
        .flat_map(|s| s.keys().cloned())
        .collect();
    let plain =
        |v: Option<&StoredValue>| v.filter(|v| v.status == Status::Ok).and_then(|v| v.value);
    Ok(codes
        .into_iter()
        .map(|code| {
            let bands = (0..counts.len())
                .map(|i| {
                    let c = plain(count_sets[i].get(&code))
                        .ok_or_else(|| format!("no value of {}", counts[i]))?;
                    let d = plain(denom_sets[i].get(&code))
                        .ok_or_else(|| format!("no value of {}", denoms[i]))?;
                    Ok((c, d))
                })
                .collect::<std::result::Result<Vec<_>, String>>();
            (code, bands)
        })
        .collect())
}

/// The ISR's reference: per band (reference count, reference population).
fn isr_reference(
    req: &DeriveRequest,
    inputs: &BTreeMap<String, Inputs>,
    bench: &BTreeMap<String, Inputs>,
) -> Result<Vec<(f64, f64)>> {
    if req.kind != DeriveType::Isr {
        return Ok(Vec::new());
    }
    match &req.isr_reference {
        IsrReference::Area(code) => match bench.get(code) {
            Some(Ok(bands)) => Ok(bands.clone()),
            Some(Err(why)) => Err(Error::Invalid(format!(
                "the reference {code} has {why}: every age band needs a count and a population"
            ))),
            None => Err(Error::Invalid(format!(
                "the reference {code} has no age-band values; import its rows with \
                 --benchmark-codes {code}, or use --reference areas"
            ))),
        },
        IsrReference::Areas => {
            let n = req.age_bands.len();
            let mut sum = vec![(0.0, 0.0); n];
            for bands in inputs.values().flatten() {
                for (s, (c, d)) in sum.iter_mut().zip(bands) {
                    s.0 += c;
                    s.1 += d;
                }
            }
            Ok(sum)
        }
    }
}

/// Both levels of one area's value, or why there is none.
fn estimate(
    kind: DeriveType,
    bands: &[(f64, f64)],
    standard: &[f64],
    reference: &[(f64, f64)],
    mult: f64,
) -> std::result::Result<(Estimate, Option<Estimate>), String> {
    let at = |level: Level| -> std::result::Result<Estimate, Undefined> {
        match kind {
            DeriveType::Proportion => {
                let (c, d) = bands[0];
                if d == 0.0 {
                    return Err(Undefined::ZeroDenominator);
                }
                proportion(c, d, mult, level)
            }
            DeriveType::Rate => crude_rate(bands[0].0, bands[0].1, mult, level),
            DeriveType::Dsr => {
                let (c, p): (Vec<f64>, Vec<f64>) = bands.iter().copied().unzip();
                dsr(&c, &p, standard, mult, level).map(|d| d.estimate)
            }
            DeriveType::Isr => {
                let observed: f64 = bands.iter().map(|b| b.0).sum();
                let pops: Vec<f64> = bands.iter().map(|b| b.1).collect();
                let (rc, rp): (Vec<f64>, Vec<f64>) = reference.iter().copied().unzip();
                let expected = expected_events(&pops, &rc, &rp)?;
                standardised_ratio(observed, expected, mult, level)
            }
        }
    };
    let words = |e: Undefined| match e {
        Undefined::TooFewEvents { count, .. } if kind == DeriveType::Dsr => {
            format!("{count} events: a DSR is not reported below {DSR_MINIMUM_EVENTS}")
        }
        e => e.to_string(),
    };
    let p95 = at(Level::P95).map_err(words)?;
    // Should the 99.8% limits fail where the 95% ones did not, the value still stands.
    Ok((p95, at(Level::P99_8).ok()))
}

fn value_row(
    indicator: &str,
    code: &str,
    period: &str,
    input: &Inputs,
    est: &std::result::Result<(Estimate, Option<Estimate>), String>,
) -> ValueRow {
    let (count, denom) = match input {
        Ok(bands) => (
            Some(bands.iter().map(|b| b.0).sum::<f64>()),
            Some(bands.iter().map(|b| b.1).sum::<f64>()),
        ),
        Err(_) => (None, None),
    };
    let mut row = ValueRow::computed(indicator, code, period, None);
    row.numerator = count;
    row.denominator = denom;
    if let Ok((p95, p998)) = est
        && p95.value.is_finite()
    {
        row.value = Some(p95.value);
        row.status = Status::Ok;
        row.lower_ci = Some(p95.ci.lower);
        row.upper_ci = Some(p95.ci.upper);
        row.lower_ci_99_8 = p998.map(|e| e.ci.lower);
        row.upper_ci_99_8 = p998.map(|e| e.ci.upper);
    }
    row
}

fn new_meta(req: &DeriveRequest, first: &IndicatorMeta, mult: f64) -> IndicatorMeta {
    let per = format_value(mult, 0);
    let unit = req.unit.clone().unwrap_or_else(|| match req.kind {
        DeriveType::Proportion if mult == 100.0 => "%".into(),
        DeriveType::Proportion => format!("per {per}"),
        DeriveType::Rate => format!("per {per}"),
        DeriveType::Dsr => format!("per {per} (age-standardised)"),
        DeriveType::Isr => format!("ratio ({per} = as expected)"),
    });
    let what = match req.kind {
        DeriveType::Proportion => format!(
            "{} as a proportion of {}",
            req.numerator.as_deref().unwrap_or(""),
            req.denominator.as_deref().unwrap_or("")
        ),
        DeriveType::Rate => format!(
            "{} per {per} {}",
            req.numerator.as_deref().unwrap_or(""),
            req.denominator.as_deref().unwrap_or("")
        ),
        DeriveType::Dsr => format!(
            "directly standardised rate per {per} of {} over {}",
            req.age_bands.join(", "),
            req.populations.join(", ")
        ),
        DeriveType::Isr => format!(
            "indirectly standardised ratio of {} over {}",
            req.age_bands.join(", "),
            req.populations.join(", ")
        ),
    };
    IndicatorMeta {
        title: req.title.clone().unwrap_or_else(|| req.indicator.clone()),
        definition: what,
        unit,
        decimals: 1,
        polarity: req.polarity.unwrap_or_default(),
        value_type: Some(value_type_text(req.kind.value_type()).into()),
        value_multiplier: Some(mult),
        ci_method: Some(req.kind.ci_method().into()),
        theme: first.theme.clone(),
        source: first.source.clone(),
        licence: first.licence.clone(),
        sensitivity: first.sensitivity.clone(),
        disclosure: first.disclosure,
        ..IndicatorMeta::default_for(&req.indicator)
    }
}

fn provenance(req: &DeriveRequest, geography: &str, mult: f64) -> String {
    let inputs = match req.kind {
        DeriveType::Proportion | DeriveType::Rate => format!(
            "--numerator {} --denominator {}",
            req.numerator.as_deref().unwrap_or(""),
            req.denominator.as_deref().unwrap_or("")
        ),
        DeriveType::Dsr | DeriveType::Isr => format!(
            "--age-bands {} --populations {}",
            req.age_bands.join(","),
            req.populations.join(",")
        ),
    };
    let denominator_period = req
        .denominator_period
        .as_deref()
        .map(|p| format!(" --denominator-period {p}"))
        .unwrap_or_default();
    format!(
        "derive --indicator {} --type {} {inputs}{denominator_period} --multiplier {mult} \
         --geography {geography}",
        req.indicator,
        value_type_text(req.kind.value_type())
    )
}
