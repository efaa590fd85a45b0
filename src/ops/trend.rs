//! `trend`: Fingertips' recent-trend marker for every area of a geography (and a benchmark
//! area), over the latest 5 consecutive periods of the indicator
//! (`analysis::indicator_stats::trend`).
//!
//! - **Periods.** Every period the indicator has at the geography, ordered by its start year
//!   ([`crate::ops::period_year`]); consecutive periods start in consecutive years. Each area
//!   gets a point for every one of them (no value where it has no row), so its run ends at
//!   the indicator's latest period: an area missing that period "cannot be calculated". A
//!   label that cannot be read as a year makes every trend "cannot be calculated" with a
//!   reason naming it; the run itself does not fail.
//! - **Value type and polarity** from the indicator's metadata (`ops::value_type`: the unit,
//!   where a Fingertips import stores its `value_type`): trends are for proportions and crude
//!   rates; the polarity turns increasing/decreasing into getting better/worse.
//! - **Method**: weighted least squares on the values and their stored 95% limits (the
//!   default), or Cochran–Armitage on counts and denominators (`--method cochran_armitage`,
//!   Fingertips' choice for indicators compared by SPC for proportions).

use crate::analysis::indicator_stats::benchmark_comparison::Polarity as Pol;
use crate::analysis::indicator_stats::confidence::{Ci, ValueType};
use crate::analysis::indicator_stats::trend::{
    Judgement, POINTS_TO_USE, PointProblem, Trend, TrendIssue, TrendMarker, TrendMethod,
    TrendPoint, trend_marker,
};
use crate::data::Workspace;
use crate::data::benchmark;
use crate::data::indicator::Polarity;
use crate::data::query::{self, StoredValue};
use crate::error::{Error, Result};
use crate::ops::period_year::start_year;
use crate::ops::value_type;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Which test decides the marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum TrendTest {
    /// Weighted least squares of the value on time, weights 1/SE² from the 95% limits.
    #[default]
    #[serde(rename = "wls")]
    Wls,
    /// Cochran–Armitage test for trend in proportions, from counts and denominators.
    #[serde(rename = "cochran_armitage")]
    CochranArmitage,
}

impl std::str::FromStr for TrendTest {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "wls" => Ok(Self::Wls),
            "cochran_armitage" | "ca" => Ok(Self::CochranArmitage),
            _ => Err(format!(
                "unknown trend method '{s}': use wls or cochran_armitage"
            )),
        }
    }
}

impl TrendTest {
    fn method(self) -> TrendMethod {
        match self {
            TrendTest::Wls => TrendMethod::WeightedLeastSquares,
            TrendTest::CochranArmitage => TrendMethod::CochranArmitage,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TrendRequest {
    pub geography: String,
    pub indicator: String,
    /// A stored benchmark area (E92000001) whose trend is reported too.
    pub benchmark: Option<String>,
    pub method: TrendTest,
}

/// One area's trend (the JSON contract: `code, periods, chi2, slope, marker, direction,
/// reason`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaTrend {
    pub code: String,
    /// The area's name, for the text output (not part of the JSON).
    #[serde(skip)]
    pub name: Option<String>,
    /// The period labels the marker was calculated over, oldest first (empty when it could
    /// not be calculated).
    pub periods: Vec<String>,
    pub chi2: Option<f64>,
    pub slope: Option<f64>,
    /// `increasing`, `decreasing`, `no_significant_change` or `cannot_be_calculated`.
    pub marker: String,
    /// `better` / `worse` for a significant trend of an indicator with a polarity, else null.
    pub direction: Option<String>,
    /// Why the marker cannot be calculated.
    pub reason: Option<String>,
}

impl AreaTrend {
    /// Fingertips' words: "increasing and getting worse", "no significant change",
    /// "cannot be calculated: …".
    pub fn words(&self) -> String {
        match (self.marker.as_str(), self.direction.as_deref()) {
            ("cannot_be_calculated", _) => format!(
                "cannot be calculated: {}",
                self.reason.as_deref().unwrap_or("no reason given")
            ),
            ("no_significant_change", _) => "no significant change".into(),
            (m, Some(d)) => format!("{m} and getting {d}"),
            (m, None) => m.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendResult {
    pub indicator: String,
    pub title: String,
    pub geography: String,
    pub method: TrendTest,
    /// `proportion`, `crude_rate`, `dsr`, `isr`, `mean`, or null when the unit names none.
    pub value_type: Option<ValueType>,
    pub polarity: Polarity,
    /// The benchmark area's own trend row (`--benchmark`), else null.
    pub benchmark: Option<AreaTrend>,
    pub areas: Vec<AreaTrend>,
    /// How many areas have each marker.
    pub counts: BTreeMap<String, usize>,
}

fn pol(p: Polarity) -> Pol {
    match p {
        Polarity::HigherIsBetter => Pol::HighIsGood,
        Polarity::LowerIsBetter => Pol::LowIsGood,
        Polarity::Neutral => Pol::NoJudgement,
    }
}

/// The indicator's period labels with their start years, oldest first, or the first label
/// that cannot be read.
fn ordered_periods(labels: &[String]) -> std::result::Result<Vec<(i32, String)>, String> {
    let mut out = Vec::with_capacity(labels.len());
    for l in labels {
        match start_year(l) {
            Some(y) => out.push((y, l.clone())),
            None => return Err(l.clone()),
        }
    }
    out.sort();
    Ok(out)
}

/// What the trend of one series needs besides its values.
struct Context<'a> {
    periods: &'a std::result::Result<Vec<(i32, String)>, String>,
    value_type: Option<ValueType>,
    method: TrendTest,
    polarity: Pol,
    unit: &'a str,
}

fn cannot(code: &str, reason: String) -> AreaTrend {
    AreaTrend {
        code: code.to_string(),
        name: None,
        periods: Vec::new(),
        chi2: None,
        slope: None,
        marker: "cannot_be_calculated".into(),
        direction: None,
        reason: Some(reason),
    }
}

/// The trend of one area from its stored values by period label.
fn area_trend(code: &str, rows: &HashMap<&str, &StoredValue>, cx: &Context<'_>) -> AreaTrend {
    let periods = match cx.periods {
        Ok(p) => p,
        Err(label) => {
            return cannot(
                code,
                format!(
                    "the period '{}' cannot be read as a year (use 2018, 2018/19, 2018-19 or \
                     2016 - 18)",
                    crate::error::excerpt(label)
                ),
            );
        }
    };
    let Some(vt) = cx.value_type else {
        return cannot(
            code,
            format!(
                "the indicator's value type is not known (its unit '{}' names none): trends \
                 are calculated for proportions and crude rates",
                crate::error::excerpt(cx.unit)
            ),
        );
    };
    let points: Vec<TrendPoint> = periods
        .iter()
        .map(|(year, label)| {
            let v = rows.get(label.as_str());
            TrendPoint {
                period: *year,
                value: v.and_then(|v| v.value),
                count: v.and_then(|v| v.numerator),
                denominator: v.and_then(|v| v.denominator),
                ci95: v.and_then(|v| {
                    Some(Ci {
                        lower: v.lower_ci?,
                        upper: v.upper_ci?,
                    })
                }),
            }
        })
        .collect();
    let t = trend_marker(&points, vt, cx.method.method(), cx.polarity);
    row(code, &t, periods)
}

fn label_of(periods: &[(i32, String)], year: i32) -> String {
    let labels: Vec<&str> = periods
        .iter()
        .filter(|(y, _)| *y == year)
        .map(|(_, l)| l.as_str())
        .collect();
    if labels.is_empty() {
        year.to_string()
    } else {
        labels.join("' and '")
    }
}

fn problem_text(p: PointProblem) -> &'static str {
    match p {
        PointProblem::MissingValue => "has no value",
        PointProblem::MissingConfidenceInterval => "has no 95% confidence interval",
        PointProblem::ZeroStandardError => "has a 95% interval of zero width",
        PointProblem::MissingCount => "has no count",
        PointProblem::MissingDenominator => "has no denominator",
        PointProblem::Gap => "is not followed by the next year's period (a gap in the series)",
    }
}

fn value_type_text(vt: ValueType) -> &'static str {
    match vt {
        ValueType::Proportion => "a proportion",
        ValueType::CrudeRate => "a crude rate",
        ValueType::Dsr => "a directly standardised rate",
        ValueType::Isr => "an indirectly standardised ratio",
        ValueType::Mean => "a mean",
    }
}

/// Why a trend cannot be calculated, in words naming the period labels.
fn issue_text(issue: &TrendIssue, periods: &[(i32, String)]) -> String {
    match issue {
        TrendIssue::TooFewPeriods {
            available,
            stopped_by: Some((year, why)),
        } => format!(
            "{available} consecutive period(s) usable back from the latest; '{}' {}; {} are \
             needed",
            label_of(periods, *year),
            problem_text(*why),
            POINTS_TO_USE
        ),
        TrendIssue::TooFewPeriods {
            available,
            stopped_by: None,
        } => format!(
            "{available} period(s) with values; {} consecutive periods are needed",
            POINTS_TO_USE
        ),
        TrendIssue::ValueTypeNotSupported(vt) => format!(
            "trends are calculated for proportions and crude rates (Cochran–Armitage: \
             proportions); this indicator is {}",
            value_type_text(*vt)
        ),
        TrendIssue::DegenerateCount { period } => format!(
            "in '{}' the count equals the denominator (or, for Cochran–Armitage, is 0)",
            label_of(periods, *period)
        ),
        TrendIssue::DuplicatePeriod(year) => format!(
            "the periods '{}' start in the same year",
            label_of(periods, *year)
        ),
        TrendIssue::SingularFit => "the fit is singular (no usable weights)".into(),
    }
}

fn row(code: &str, t: &Trend, periods: &[(i32, String)]) -> AreaTrend {
    let (marker, direction) = match &t.marker {
        TrendMarker::Increasing(j) => ("increasing", judgement(*j)),
        TrendMarker::Decreasing(j) => ("decreasing", judgement(*j)),
        TrendMarker::NoSignificantChange => ("no_significant_change", None),
        TrendMarker::CannotBeCalculated(issue) => {
            return cannot(code, issue_text(issue, periods));
        }
    };
    AreaTrend {
        code: code.to_string(),
        name: None,
        periods: t.periods.iter().map(|y| label_of(periods, *y)).collect(),
        chi2: t.chi_squared.filter(|c| c.is_finite()),
        slope: t.slope.filter(|s| s.is_finite()),
        marker: marker.into(),
        direction: direction.map(str::to_string),
        reason: None,
    }
}

fn judgement(j: Judgement) -> Option<&'static str> {
    match j {
        Judgement::Better => Some("better"),
        Judgement::Worse => Some("worse"),
        Judgement::NoJudgement => None,
    }
}

/// The trend of every area of the geography (and of the benchmark area, when asked).
pub fn trend(ws: &Workspace, req: &TrendRequest) -> Result<TrendResult> {
    if req.geography == benchmark::BENCHMARK_GEOGRAPHY {
        return Err(Error::Invalid(
            "give a mapped geography (e.g. --geography lad16); a benchmark area's trend is \
             asked for with --benchmark CODE"
                .into(),
        ));
    }
    let meta = query::indicator_meta(ws, &req.indicator)?;
    let labels = query::periods(ws, &req.indicator, &req.geography)?;
    if labels.is_empty() {
        return Err(Error::NoValues {
            indicator: req.indicator.clone(),
            geography: req.geography.clone(),
        });
    }
    let periods = ordered_periods(&labels);
    let cx = Context {
        periods: &periods,
        value_type: value_type::value_type(&meta),
        method: req.method,
        polarity: pol(meta.polarity),
        unit: &meta.unit,
    };
    let mut stored: Vec<(String, Vec<StoredValue>)> = Vec::with_capacity(labels.len());
    for l in &labels {
        stored.push((
            l.clone(),
            query::values(ws, &req.indicator, &req.geography, l)?,
        ));
    }
    let mut by_area: HashMap<&str, HashMap<&str, &StoredValue>> = HashMap::new();
    for (label, values) in &stored {
        for v in values {
            by_area
                .entry(v.area_code.as_str())
                .or_default()
                .insert(label.as_str(), v);
        }
    }
    let empty = HashMap::new();
    let areas: Vec<AreaTrend> = query::area_names(ws, &req.geography)?
        .into_iter()
        .map(|a| {
            let rows = by_area.get(a.code.as_str()).unwrap_or(&empty);
            AreaTrend {
                name: a.name.clone(),
                ..area_trend(&a.code, rows, &cx)
            }
        })
        .collect();
    let benchmark = match &req.benchmark {
        Some(code) => Some(benchmark_trend(ws, req, &meta, code.trim())?),
        None => None,
    };
    let mut counts = BTreeMap::new();
    for a in &areas {
        *counts.entry(a.marker.clone()).or_insert(0) += 1;
    }
    Ok(TrendResult {
        indicator: req.indicator.clone(),
        title: meta.title.clone(),
        geography: req.geography.clone(),
        method: req.method,
        value_type: cx.value_type,
        polarity: meta.polarity,
        benchmark,
        areas,
        counts,
    })
}

/// The benchmark area's trend over its own periods.
fn benchmark_trend(
    ws: &Workspace,
    req: &TrendRequest,
    meta: &crate::data::indicator::IndicatorMeta,
    code: &str,
) -> Result<AreaTrend> {
    let code = code.to_uppercase();
    let known = benchmark::benchmarks(ws)?;
    if !known.iter().any(|b| b.code == code) {
        let list: Vec<&str> = known.iter().map(|b| b.code.as_str()).collect();
        return Err(Error::Invalid(format!(
            "the workspace has no benchmark area '{}' (it has: {}); import a file with its \
             rows, e.g. England's (E92000001)",
            crate::error::excerpt(&code),
            if list.is_empty() {
                "none".to_string()
            } else {
                list.join(", ")
            }
        )));
    }
    let labels = benchmark::periods(ws, &req.indicator, &code)?;
    let periods = ordered_periods(&labels);
    let mut values = Vec::new();
    for l in &labels {
        if let Some(v) = benchmark::value(ws, &req.indicator, l, &code)? {
            values.push((l.clone(), v));
        }
    }
    let rows: HashMap<&str, &StoredValue> = values.iter().map(|(l, v)| (l.as_str(), v)).collect();
    let cx = Context {
        periods: &periods,
        value_type: value_type::value_type(meta),
        method: req.method,
        polarity: pol(meta.polarity),
        unit: &meta.unit,
    };
    if labels.is_empty() {
        return Ok(cannot(
            &code,
            format!("the benchmark has no values of {}", req.indicator),
        ));
    }
    Ok(AreaTrend {
        name: benchmark::name(&code).map(str::to_string),
        ..area_trend(&code, &rows, &cx)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_follow_fingertips() {
        let mut t = cannot("A", "no values".into());
        assert_eq!(t.words(), "cannot be calculated: no values");
        t.marker = "increasing".into();
        t.direction = Some("worse".into());
        assert_eq!(t.words(), "increasing and getting worse");
        t.direction = None;
        assert_eq!(t.words(), "increasing");
        t.marker = "no_significant_change".into();
        assert_eq!(t.words(), "no significant change");
    }

    #[test]
    fn methods_parse() {
        assert_eq!("WLS".parse::<TrendTest>(), Ok(TrendTest::Wls));
        assert_eq!(
            "cochran-armitage".parse::<TrendTest>(),
            Ok(TrendTest::CochranArmitage)
        );
        assert!("ols".parse::<TrendTest>().is_err());
    }

    #[test]
    fn unreadable_labels_are_named() {
        let p = ordered_periods(&["2019".into(), "Q1 2018".into()]);
        assert_eq!(p, Err("Q1 2018".to_string()));
        let p = ordered_periods(&["2019/20".into(), "2018/19".into()]).unwrap();
        assert_eq!(p[0], (2018, "2018/19".to_string()));
    }
}
