//! Values for the app's linked charts: one indicator's values for chosen areas across all its
//! periods (the time series), and another indicator's values lined up with a list of areas
//! (the scatter plot's second axis).

use crate::data::Workspace;
use crate::data::query;
use crate::error::Result;
use std::collections::HashMap;

/// One period of a time series: the values of each requested area (in request order).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodValues {
    pub period: String,
    pub values: Vec<Option<f64>>,
}

/// `indicator`'s values at `geography` for `codes`, one entry per period (sorted).
pub fn time_series(
    ws: &Workspace,
    indicator: &str,
    geography: &str,
    codes: &[String],
) -> Result<Vec<PeriodValues>> {
    query::periods(ws, indicator, geography)?
        .into_iter()
        .map(|period| {
            let (_, values) = aligned(ws, indicator, geography, Some(&period), codes)?;
            Ok(PeriodValues { period, values })
        })
        .collect()
}

/// `indicator`'s values at `geography` in `period` (latest when `None`), in the order of
/// `codes`; returns the period used.
pub fn aligned(
    ws: &Workspace,
    indicator: &str,
    geography: &str,
    period: Option<&str>,
    codes: &[String],
) -> Result<(String, Vec<Option<f64>>)> {
    let period = query::resolve_period(ws, indicator, geography, period)?;
    let by_code: HashMap<String, Option<f64>> = query::values(ws, indicator, geography, &period)?
        .into_iter()
        .map(|v| (v.area_code, v.value.filter(|x| x.is_finite())))
        .collect();
    let values = codes
        .iter()
        .map(|c| by_code.get(c).copied().flatten())
        .collect();
    Ok((period, values))
}
