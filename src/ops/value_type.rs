//! What an indicator's values are (a proportion, a crude rate, a standardised rate…) and the
//! factor between a value and count ÷ denominator, as the statistics commands (`compare`,
//! `trend`, `funnel`, `derive`) need them, and the confidence limits that can be recomputed
//! from a count and a denominator.
//!
//! - The value type is read from the indicator's unit: a Fingertips import stores its
//!   `value_type` there ("Proportion", "Crude rate", "Directly standardised rate",
//!   "Indirectly standardised ratio", "Mean"); "%" reads as a proportion.
//! - The multiplier (100 for a percentage, 100 000 for a rate per 100 000) is not stored by a
//!   Fingertips extract: it is read off the values as the power of ten nearest to the median
//!   of value ÷ (count ÷ denominator).

use crate::analysis::indicator_stats::confidence::{Ci, Level, ValueType, poisson_limits, wilson};
use crate::data::import::value_checks::is_proportion;
use crate::data::indicator::IndicatorMeta;
use crate::data::query::StoredValue;

/// The value type an indicator's unit names, if any.
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::ValueType;
/// use local_atlas::ops::value_type::value_type_of_unit;
/// assert_eq!(value_type_of_unit("Proportion"), Some(ValueType::Proportion));
/// assert_eq!(value_type_of_unit("%"), Some(ValueType::Proportion));
/// assert_eq!(value_type_of_unit("Crude rate"), Some(ValueType::CrudeRate));
/// assert_eq!(value_type_of_unit("Directly standardised rate"), Some(ValueType::Dsr));
/// assert_eq!(value_type_of_unit("people"), None);
/// ```
pub fn value_type_of_unit(unit: &str) -> Option<ValueType> {
    let u = unit.trim().to_ascii_lowercase();
    if is_proportion(&u) {
        return Some(ValueType::Proportion);
    }
    Some(match u.as_str() {
        "crude rate" | "rate" => ValueType::CrudeRate,
        "directly standardised rate" | "dsr" => ValueType::Dsr,
        "indirectly standardised ratio" | "indirectly standardised rate" | "isr" | "smr" => {
            ValueType::Isr
        }
        "mean" => ValueType::Mean,
        _ => return None,
    })
}

/// The value type of an indicator: the one stored with it (`derive`, metadata
/// `value_type`), else the one its unit names.
pub fn value_type(meta: &IndicatorMeta) -> Option<ValueType> {
    meta.value_type
        .as_deref()
        .and_then(parse_value_type)
        .or_else(|| value_type_of_unit(&meta.unit))
}

/// A value type as stored (`proportion`, `crude_rate`, `dsr`, `isr`, `mean`).
pub fn parse_value_type(s: &str) -> Option<ValueType> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_ascii_lowercase())).ok()
}

/// A value type as stored.
pub fn value_type_text(t: ValueType) -> &'static str {
    match t {
        ValueType::Proportion => "proportion",
        ValueType::CrudeRate => "crude_rate",
        ValueType::Dsr => "dsr",
        ValueType::Isr => "isr",
        ValueType::Mean => "mean",
    }
}

/// The multiplier stored with the indicator, else the one read off its values.
pub fn multiplier_of<'a>(
    meta: &IndicatorMeta,
    values: impl IntoIterator<Item = &'a StoredValue>,
) -> Option<f64> {
    meta.value_multiplier
        .filter(|m| m.is_finite() && *m > 0.0)
        .or_else(|| multiplier(values))
}

/// The power of ten nearest the median of value ÷ (count ÷ denominator) over the values that
/// have all three (none when no value has).
pub fn multiplier<'a>(values: impl IntoIterator<Item = &'a StoredValue>) -> Option<f64> {
    multiplier_from(
        values
            .into_iter()
            .filter_map(|v| Some((v.value?, v.numerator?, v.denominator?))),
    )
}

/// [`multiplier`] from (value, count, denominator) triples.
pub fn multiplier_from(triples: impl IntoIterator<Item = (f64, f64, f64)>) -> Option<f64> {
    let mut k: Vec<f64> = triples
        .into_iter()
        .filter(|&(x, c, d)| c > 0.0 && d > 0.0 && x > 0.0)
        .map(|(x, c, d)| x / (c / d))
        .filter(|k| k.is_finite() && *k > 0.0)
        .collect();
    if k.is_empty() {
        return None;
    }
    k.sort_by(f64::total_cmp);
    let m = k[k.len() / 2];
    Some(10f64.powi(m.log10().round() as i32))
}

/// Limits at `level` from a count and denominator, scaled by the multiplier: Wilson for a
/// proportion, Byar's (exact Poisson under 10 events) for a crude rate; none for other types
/// (their limits need more than a count and a denominator) or impossible figures.
///
/// ```
/// use local_atlas::analysis::indicator_stats::confidence::{Level, ValueType};
/// use local_atlas::ops::value_type::limits_from_count;
/// let ci = limits_from_count(ValueType::Proportion, 65.0, 100.0, 100.0, Level::P95).unwrap();
/// assert!((ci.lower - 55.254443).abs() < 1e-5 && (ci.upper - 73.635752).abs() < 1e-5);
/// assert!(limits_from_count(ValueType::Dsr, 65.0, 100.0, 1e5, Level::P95).is_none());
/// ```
pub fn limits_from_count(
    value_type: ValueType,
    count: f64,
    denominator: f64,
    multiplier: f64,
    level: Level,
) -> Option<Ci> {
    if !(count.is_finite() && denominator.is_finite() && denominator > 0.0 && count >= 0.0) {
        return None;
    }
    let ci = match value_type {
        ValueType::Proportion => wilson(count, denominator, level).ok()?,
        ValueType::CrudeRate => {
            let (c, _) = poisson_limits(count, level).ok()?;
            Ci {
                lower: c.lower / denominator,
                upper: c.upper / denominator,
            }
        }
        _ => return None,
    };
    Some(Ci {
        lower: ci.lower * multiplier,
        upper: ci.upper * multiplier,
    })
}

/// Fills in the 99.8% limits of values that have none stored but can have them computed from
/// their count and denominator (proportions and crude rates), so every output carries both
/// levels where they exist. Withheld values (no count) stay without.
pub fn fill_99_8(meta: &IndicatorMeta, values: &mut [StoredValue]) {
    let Some(kind) = value_type(meta) else {
        return;
    };
    let Some(mult) = multiplier_of(meta, values.iter()) else {
        return;
    };
    for v in values.iter_mut() {
        if v.lower_ci_99_8.is_some() || v.value.is_none() || v.lower_ci.is_none() {
            continue;
        }
        if let (Some(c), Some(d)) = (v.numerator, v.denominator)
            && let Some(ci) = limits_from_count(kind, c, d, mult, Level::P99_8)
        {
            v.lower_ci_99_8 = Some(ci.lower);
            v.upper_ci_99_8 = Some(ci.upper);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiplier_is_read_off_the_values() {
        let v = StoredValue {
            area_code: "A".into(),
            value: Some(8.36),
            numerator: Some(20340.0),
            denominator: Some(243308.0),
            lower_ci: None,
            upper_ci: None,
            lower_ci_99_8: None,
            upper_ci_99_8: None,
            status: crate::data::indicator::Status::Ok,
        };
        assert_eq!(multiplier([&v]), Some(100.0));
        let none = StoredValue {
            numerator: None,
            ..v
        };
        assert_eq!(multiplier([&none]), None);
    }
}
