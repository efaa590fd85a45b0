//! `derive`: a proportion, crude rate, DSR or ISR computed from stored indicators, with 95%
//! and 99.8% limits and the method in its metadata.

use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::catalog::Polarity;
use local_atlas::ops::derive::{self, DeriveRequest, DeriveResult, DeriveType, IsrReference};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// The new indicator's code.
    #[arg(long)]
    pub indicator: String,
    /// proportion, rate, dsr or isr.
    #[arg(long = "type")]
    pub kind: DeriveType,
    /// proportion/rate: the indicator holding the count.
    #[arg(long)]
    pub numerator: Option<String>,
    /// proportion/rate: the indicator holding the denominator (population).
    #[arg(long)]
    pub denominator: Option<String>,
    /// dsr/isr: the count indicators per age band, comma-separated, youngest first.
    #[arg(long, value_delimiter = ',')]
    pub age_bands: Vec<String>,
    /// dsr/isr: the population indicators per age band, in the same order.
    #[arg(long, value_delimiter = ',')]
    pub populations: Vec<String>,
    /// dsr: esp2013 (default; 19 bands) or one standard weight per band, comma-separated.
    /// isr: a benchmark area's code (its age-band values give the reference rates) or
    /// `areas` (default: all areas of the geography pooled).
    #[arg(long)]
    pub reference: Option<String>,
    /// value = count / denominator × this (default 100 for proportions and ISRs, 100000 for
    /// rates and DSRs).
    #[arg(long)]
    pub multiplier: Option<f64>,
    /// Default: the only geography the inputs have values at.
    #[arg(long)]
    pub geography: Option<String>,
    /// Default: every period the inputs share.
    #[arg(long)]
    pub period: Option<String>,
    /// Read the denominators at this period for every period (e.g. one population estimate).
    #[arg(long)]
    pub denominator_period: Option<String>,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub unit: Option<String>,
    /// higher_is_better, lower_is_better or neutral.
    #[arg(long, value_parser = parse_polarity)]
    pub polarity: Option<Polarity>,
    #[command(flatten)]
    pub json: JsonArg,
}

fn parse_polarity(s: &str) -> Result<Polarity, String> {
    Polarity::parse(s).ok_or_else(|| {
        format!("unknown polarity '{s}': use higher_is_better, lower_is_better or neutral")
    })
}

/// `--reference` for a DSR: the standard population weights (`None` = ESP 2013).
fn standard(kind: DeriveType, reference: Option<&str>) -> Result<Option<Vec<f64>>> {
    match (kind, reference) {
        (DeriveType::Dsr, Some(r)) if !r.trim().eq_ignore_ascii_case("esp2013") => r
            .split(',')
            .map(|w| {
                w.trim().parse::<f64>().map_err(|_| {
                    anyhow::anyhow!(
                        "--reference: '{w}' is not a number; give esp2013 or one weight per band"
                    )
                })
            })
            .collect::<Result<Vec<_>>>()
            .map(Some),
        _ => Ok(None),
    }
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let isr_reference = match (a.kind, a.reference.as_deref()) {
        (DeriveType::Isr, Some(r)) if !r.trim().eq_ignore_ascii_case("areas") => {
            IsrReference::Area(r.trim().to_uppercase())
        }
        _ => IsrReference::Areas,
    };
    let req = DeriveRequest {
        indicator: a.indicator,
        kind: a.kind,
        numerator: a.numerator,
        denominator: a.denominator,
        standard: standard(a.kind, a.reference.as_deref())?,
        age_bands: a.age_bands,
        populations: a.populations,
        isr_reference,
        multiplier: a.multiplier,
        geography: a.geography,
        period: a.period,
        denominator_period: a.denominator_period,
        title: a.title,
        unit: a.unit,
        polarity: a.polarity,
    };
    let r = derive::derive(&ws, &req)?;
    a.json.emit(&r, || text(&r))
}

fn text(r: &DeriveResult) -> String {
    let mut s = format!(
        "derived {} ({}, × {}) at {} for {}: {} values\nlimits: {}\n",
        r.indicator,
        r.value_type,
        r.multiplier,
        r.geography,
        r.periods.join(", "),
        r.values,
        r.ci_method
    );
    for (code, periods) in &r.benchmarks {
        s.push_str(&format!("benchmark {code}: {}\n", periods.join(", ")));
    }
    if !r.not_derived.is_empty() {
        s.push_str(&format!("{} value(s) not derived:\n", r.not_derived.len()));
        for n in r.not_derived.iter().take(10) {
            s.push_str(&format!("  {} {}: {}\n", n.code, n.period, n.reason));
        }
    }
    s
}
