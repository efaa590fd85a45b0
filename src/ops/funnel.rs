//! `funnel`: the data of a funnel plot of one indicator at one geography and period — each
//! area's value against its denominator, with the 95% and 99.8% control limits around the
//! average (`analysis::indicator_stats::funnel`, PHEindicatormethods' `calculate_funnel_limits`
//! and `assign_funnel_significance`).
//!
//! - **Proportions**: the average is Σcount/Σdenominator; at denominator n the limits are the
//!   proportions whose Wilson interval touches the average.
//! - **Crude rates**: the average rate is Σcount/Σpopulation; the limits are exact Poisson
//!   limits of the events expected at that rate, over the population.
//! - **Indirectly standardised ratios** (observed/expected): the denominator is the expected
//!   count; the funnel is centred on 1 (the reference's ratio, by construction of the
//!   expected counts) with exact Poisson limits; ΣO/ΣE is reported beside it.
//!
//! Every number is in the indicator's shown units: × the multiplier read off the values
//! (`ops::value_type::multiplier`; 100 for a percentage, 100,000 for a rate per 100,000). An
//! area's plotted value is count ÷ denominator × multiplier, the quantity the limits are
//! for. An area is outside a limit when its value is strictly above or below it (on the line
//! is inside). Areas without a usable count and denominator are listed in `excluded` with the
//! reason, as are areas whose figures the indicator's disclosure rule withholds
//! (`ops::disclosure`: the dots show counts, so they are what any output may show; rounded
//! counts are plotted as rounded).

use crate::analysis::indicator_stats::confidence::ValueType;
use crate::analysis::indicator_stats::funnel::{
    FunnelKind, FunnelRow, funnel_curve, funnel_limits,
};
use crate::data::Workspace;
use crate::data::benchmark;
use crate::data::query;
use crate::error::{Error, Result};
use crate::ops::value_type;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// How many denominators the drawn curve is sampled at.
pub const CURVE_POINTS: usize = 100;

#[derive(Debug, Clone)]
pub struct FunnelRequest {
    pub geography: String,
    pub indicator: String,
    /// Default: the latest period.
    pub period: Option<String>,
}

/// Which side of a limit an area lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Above,
    Below,
}

/// One area's dot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelArea {
    pub code: String,
    pub name: Option<String>,
    pub denominator: f64,
    pub count: f64,
    /// count ÷ denominator × multiplier.
    pub value: f64,
    /// The limits at this area's denominator.
    pub lower_95: f64,
    pub upper_95: f64,
    pub lower_99_8: f64,
    pub upper_99_8: f64,
    pub outside_95: Option<Side>,
    pub outside_99_8: Option<Side>,
}

/// The limits at one denominator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurveRow {
    pub denominator: f64,
    pub lower_95: f64,
    pub upper_95: f64,
    pub lower_99_8: f64,
    pub upper_99_8: f64,
}

/// An area left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    pub code: String,
    pub reason: String,
}

/// How many areas lie outside each limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct OutsideCounts {
    pub above_95: usize,
    pub below_95: usize,
    pub above_99_8: usize,
    pub below_99_8: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelResult {
    pub indicator: String,
    pub title: String,
    pub unit: String,
    pub geography: String,
    pub period: String,
    pub value_type: ValueType,
    pub multiplier: f64,
    /// What the denominator axis is: `denominator`, `population` or `expected`.
    pub denominator_kind: String,
    /// The centre line: Σcount/Σdenominator × multiplier (proportions, rates); 1 ×
    /// multiplier for ratios.
    pub average: f64,
    /// Ratios: ΣO/ΣE × multiplier over the areas plotted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_over_expected: Option<f64>,
    pub points: Vec<FunnelArea>,
    /// The limits from the smallest to the largest denominator, geometrically spaced.
    pub curve: Vec<CurveRow>,
    pub excluded: Vec<Excluded>,
    pub counts: OutsideCounts,
}

fn side(value: f64, lower: f64, upper: f64) -> Option<Side> {
    if value > upper {
        Some(Side::Above)
    } else if value < lower {
        Some(Side::Below)
    } else {
        None
    }
}

/// Why an area's count and denominator cannot be plotted, if they cannot.
fn unusable(vt: ValueType, count: Option<f64>, den: Option<f64>) -> Option<String> {
    let (Some(c), Some(d)) = (count, den) else {
        return Some(match (count, den) {
            (None, None) => "no count and no denominator".into(),
            (None, _) => "no count".into(),
            _ => "no denominator".into(),
        });
    };
    if !c.is_finite() || !d.is_finite() {
        return Some("the count or denominator is not a number".into());
    }
    if c < 0.0 {
        return Some(format!("the count {c} is negative"));
    }
    if d <= 0.0 {
        return Some(format!(
            "the denominator is {d}: the value is undefined, not 0"
        ));
    }
    if vt == ValueType::Proportion && c > d {
        return Some(format!(
            "the count {c} is larger than the denominator {d} (not a proportion)"
        ));
    }
    None
}

fn scaled(row: &FunnelRow, k: f64) -> CurveRow {
    CurveRow {
        denominator: row.denominator,
        lower_95: row.ci95.lower * k,
        upper_95: row.ci95.upper * k,
        lower_99_8: row.ci99_8.lower * k,
        upper_99_8: row.ci99_8.upper * k,
    }
}

/// The funnel plot of the indicator at the geography and period.
pub fn funnel(ws: &Workspace, req: &FunnelRequest) -> Result<FunnelResult> {
    if req.geography == benchmark::BENCHMARK_GEOGRAPHY {
        return Err(Error::Invalid(
            "draw the funnel of a mapped geography (e.g. --geography lad16)".into(),
        ));
    }
    let meta = query::indicator_meta(ws, &req.indicator)?;
    let Some(vt) = value_type::value_type(&meta) else {
        return Err(Error::Invalid(format!(
            "{} has no known value type (its unit is '{}'): funnel plots are drawn for \
             proportions (unit %, Proportion), crude rates (Crude rate) and indirectly \
             standardised ratios (Indirectly standardised ratio)",
            req.indicator,
            crate::error::excerpt(&meta.unit)
        )));
    };
    let (denominator_kind, words) = match vt {
        ValueType::Proportion => ("denominator", ""),
        ValueType::CrudeRate => ("population", ""),
        ValueType::Isr => ("expected", ""),
        ValueType::Dsr => ("", "a directly standardised rate"),
        ValueType::Mean => ("", "a mean"),
    };
    if denominator_kind.is_empty() {
        return Err(Error::Invalid(format!(
            "{} is {words}: funnel plots are drawn for proportions, crude rates and indirectly \
             standardised ratios, whose limits follow from a count and a denominator",
            req.indicator
        )));
    }
    let period = query::resolve_period(ws, &req.indicator, &req.geography, req.period.as_deref())?;
    let stored = query::values(ws, &req.indicator, &req.geography, &period)?;
    // The dots show counts: only what the indicator's disclosure rule lets an output show.
    let protected = crate::ops::disclosure::protect(ws, &meta, &req.geography, &period, stored)?;
    let values = &protected.values;
    let names: HashMap<String, Option<String>> = query::area_names(ws, &req.geography)?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let multiplier = value_type::multiplier(values.iter()).unwrap_or(1.0);
    let mut usable = Vec::new();
    let mut excluded = Vec::new();
    for v in values {
        if let Some(why) = protected.reason(&v.area_code) {
            excluded.push(Excluded {
                code: v.area_code.clone(),
                reason: format!(
                    "withheld by the indicator's disclosure rule ({} suppression)",
                    why.as_str()
                ),
            });
            continue;
        }
        match unusable(vt, v.numerator, v.denominator) {
            Some(reason) => excluded.push(Excluded {
                code: v.area_code.clone(),
                reason,
            }),
            None => usable.push((
                v.area_code.clone(),
                v.numerator.unwrap_or(0.0),
                v.denominator.unwrap_or(0.0),
            )),
        }
    }
    if usable.is_empty() {
        return Err(Error::Invalid(format!(
            "no area has a usable count and denominator of {} in {period}, so there is no \
             funnel to draw",
            req.indicator
        )));
    }
    let (sum_c, sum_d) = usable
        .iter()
        .fold((0.0, 0.0), |(a, b), (_, c, d)| (a + c, b + d));
    let pooled = sum_c / sum_d;
    let (kind, average, observed_over_expected) = match vt {
        ValueType::Proportion => (
            FunnelKind::Proportion { average: pooled },
            pooled * multiplier,
            None,
        ),
        ValueType::CrudeRate => {
            if pooled <= 0.0 {
                return Err(Error::Invalid(format!(
                    "no area has any events of {} in {period}: a rate funnel needs an average \
                     rate above 0",
                    req.indicator
                )));
            }
            (
                FunnelKind::Rate {
                    average_rate: pooled,
                },
                pooled * multiplier,
                None,
            )
        }
        _ => (FunnelKind::Ratio, multiplier, Some(pooled * multiplier)),
    };
    let bad = |e: crate::analysis::indicator_stats::undefined::Undefined| {
        Error::Invalid(format!("the funnel limits of {}: {e}", req.indicator))
    };
    let mut points = Vec::with_capacity(usable.len());
    let mut counts = OutsideCounts::default();
    for (code, c, d) in usable {
        let row = scaled(&funnel_limits(kind, d).map_err(bad)?, multiplier);
        let value = c / d * multiplier;
        let outside_95 = side(value, row.lower_95, row.upper_95);
        let outside_99_8 = side(value, row.lower_99_8, row.upper_99_8);
        match outside_95 {
            Some(Side::Above) => counts.above_95 += 1,
            Some(Side::Below) => counts.below_95 += 1,
            None => {}
        }
        match outside_99_8 {
            Some(Side::Above) => counts.above_99_8 += 1,
            Some(Side::Below) => counts.below_99_8 += 1,
            None => {}
        }
        points.push(FunnelArea {
            name: names.get(&code).cloned().flatten(),
            code,
            denominator: d,
            count: c,
            value,
            lower_95: row.lower_95,
            upper_95: row.upper_95,
            lower_99_8: row.lower_99_8,
            upper_99_8: row.upper_99_8,
            outside_95,
            outside_99_8,
        });
    }
    let (lo, hi) = points.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), p| {
        (lo.min(p.denominator), hi.max(p.denominator))
    });
    let curve = funnel_curve(kind, lo, hi, CURVE_POINTS)
        .map_err(bad)?
        .iter()
        .map(|r| scaled(r, multiplier))
        .collect();
    Ok(FunnelResult {
        indicator: req.indicator.clone(),
        title: meta.title.clone(),
        unit: meta.unit.clone(),
        geography: req.geography.clone(),
        period,
        value_type: vt,
        multiplier,
        denominator_kind: denominator_kind.into(),
        average,
        observed_over_expected,
        points,
        curve,
        excluded,
        counts,
    })
}

impl FunnelResult {
    /// The counts as `{"above_95": n, …}`, for text output.
    pub fn count_map(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("above_95", self.counts.above_95),
            ("below_95", self.counts.below_95),
            ("above_99_8", self.counts.above_99_8),
            ("below_99_8", self.counts.below_99_8),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_and_reasons() {
        assert_eq!(side(5.0, 1.0, 4.0), Some(Side::Above));
        assert_eq!(side(1.0, 1.0, 4.0), None, "on the line is inside");
        assert_eq!(side(0.5, 1.0, 4.0), Some(Side::Below));
        assert!(unusable(ValueType::Proportion, Some(5.0), Some(4.0)).is_some());
        assert!(unusable(ValueType::Isr, Some(5.0), Some(4.0)).is_none());
        assert!(unusable(ValueType::CrudeRate, Some(5.0), Some(0.0)).is_some());
        assert!(unusable(ValueType::CrudeRate, Some(-1.0), Some(10.0)).is_some());
        assert!(unusable(ValueType::CrudeRate, None, Some(10.0)).is_some());
    }
}
