//! `series`: values for the app's linked charts — one indicator's values for chosen areas across
//! all its periods (the time series), or in one period lined up with a list of areas (the
//! scatter plot's second axis).

use crate::data::Workspace;
use crate::data::indicator::IndicatorMeta;
use crate::data::query;
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Which periods to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Periods {
    /// Every period the indicator has at the geography, sorted (a time series).
    All,
    /// One period; the latest when `None`.
    One(Option<String>),
}

/// The values of `indicator` at `geography` for `codes`, in the periods asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesRequest {
    pub indicator: String,
    pub geography: String,
    /// Area codes; the values come back in this order (`None` where an area has none).
    pub codes: Vec<String>,
    pub periods: Periods,
}

/// One period of a series: the values of each requested area (in request order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodValues {
    pub period: String,
    pub values: Vec<Option<f64>>,
}

/// The periods read, sorted (one entry for [`Periods::One`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesResponse {
    pub periods: Vec<PeriodValues>,
}

/// Reads the values (a progress step per period; [`Error::Cancelled`] when asked to stop).
pub fn run(ws: &Workspace, req: &SeriesRequest, feedback: &dyn Feedback) -> Result<SeriesResponse> {
    let meta = query::indicator_meta(ws, &req.indicator)?;
    let periods = match &req.periods {
        Periods::All => query::periods(ws, &req.indicator, &req.geography)?,
        Periods::One(p) => vec![query::resolve_period(
            ws,
            &req.indicator,
            &req.geography,
            p.as_deref(),
        )?],
    };
    feedback.stage("reading values");
    let total = periods.len() as u64;
    let mut out = Vec::with_capacity(periods.len());
    for (k, period) in periods.into_iter().enumerate() {
        if feedback.is_cancelled() {
            return Err(Error::Cancelled);
        }
        feedback.progress(k as u64, total);
        let values = aligned(ws, &meta, req, &period)?;
        out.push(PeriodValues { period, values });
    }
    Ok(SeriesResponse { periods: out })
}

/// The request's indicator in `period`, in the order of its codes (non-finite values as none),
/// under its disclosure rule (a withheld value as none, a rounded count rounded).
fn aligned(
    ws: &Workspace,
    meta: &IndicatorMeta,
    req: &SeriesRequest,
    period: &str,
) -> Result<Vec<Option<f64>>> {
    let stored = query::values(ws, &req.indicator, &req.geography, period)?;
    let by_code: HashMap<String, Option<f64>> =
        crate::ops::disclosure::protect(ws, meta, &req.geography, period, stored)?
            .values
            .into_iter()
            .map(|v| (v.area_code, v.value.filter(|x| x.is_finite())))
            .collect();
    Ok(req
        .codes
        .iter()
        .map(|c| by_code.get(c).copied().flatten())
        .collect())
}
