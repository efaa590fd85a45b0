//! `aggregate`: re-aggregates an indicator from one geography to another through the stored
//! lookup, for every period it has, and stores the result at the higher geography.

use crate::analysis::aggregate::{AggregateMethod, GroupValue, Member, aggregate};
use crate::data::Workspace;
use crate::data::indicator::{Status, ValueRow};
use crate::data::query;
use crate::data::value_store::{delete_series, insert_values};
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use std::collections::HashMap;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AggregateRequest {
    pub indicator: String,
    pub from: String,
    pub to: String,
    /// A weight indicator (e.g. population) for a weighted mean; none means sum.
    pub weight: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AggregateReport {
    pub indicator: String,
    pub from: String,
    pub to: String,
    pub method: AggregateMethod,
    pub periods: Vec<String>,
    pub groups: usize,
    pub groups_missing: usize,
    /// Areas of `from` with a value but no entry in the lookup.
    pub areas_not_in_lookup: usize,
}

/// Runs the aggregation and writes the values (replacing an earlier aggregation). A stage per
/// period read; cancelling before the write returns [`Error::Cancelled`] with nothing written.
pub fn run(
    ws: &Workspace,
    req: &AggregateRequest,
    feedback: &dyn Feedback,
) -> Result<AggregateReport> {
    query::indicator_meta(ws, &req.indicator)?;
    let lookup = query::lookup(ws, &req.from, &req.to)?;
    let periods = query::periods(ws, &req.indicator, &req.from)?;
    if periods.is_empty() {
        return Err(Error::Invalid(format!(
            "indicator '{}' has no values for '{}'",
            req.indicator, req.from
        )));
    }
    let method = if req.weight.is_some() {
        AggregateMethod::WeightedMean
    } else {
        AggregateMethod::Sum
    };
    let mut rows = Vec::new();
    let (mut groups, mut missing, mut not_in_lookup) = (0, 0, 0);
    feedback.stage("aggregating");
    for (k, period) in periods.iter().enumerate() {
        if feedback.is_cancelled() {
            return Err(Error::Cancelled);
        }
        feedback.progress(k as u64, periods.len() as u64);
        let values = query::values(ws, &req.indicator, &req.from, period)?;
        let weights = match &req.weight {
            Some(w) => weight_values(ws, w, &req.from, period)?,
            None => HashMap::new(),
        };
        not_in_lookup = values
            .iter()
            .filter(|v| !lookup.contains_key(&v.area_code))
            .count();
        let members: Vec<Member<'_>> = values
            .iter()
            .filter_map(|v| {
                let group = lookup.get(&v.area_code)?;
                Some(Member {
                    group,
                    value: v.value,
                    weight: weights.get(&v.area_code).copied().flatten(),
                })
            })
            .collect();
        let out = aggregate(&members, method);
        groups = out.len();
        missing = out.iter().filter(|g| g.value.is_none()).count();
        let mut period_rows: Vec<ValueRow> = out
            .into_iter()
            .map(|g| to_row(&req.indicator, period, g))
            .collect();
        // Sum numerators and denominators as well, so rates can be recomputed at the higher level.
        if method == AggregateMethod::Sum {
            add_associates(&mut period_rows, &values, &lookup);
        }
        rows.extend(period_rows);
    }
    let report = AggregateReport {
        indicator: req.indicator.clone(),
        from: req.from.clone(),
        to: req.to.clone(),
        method,
        periods: periods.clone(),
        groups,
        groups_missing: missing,
        areas_not_in_lookup: not_in_lookup,
    };
    let detail = serde_json::to_string(&report).unwrap_or_default();
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    feedback.progress(periods.len() as u64, periods.len() as u64);
    ws.write(|tx| {
        for p in &periods {
            delete_series(tx, &req.indicator, &req.to, p)?;
        }
        insert_values(tx, &req.to, &rows)?;
        tx.execute(
            "INSERT INTO atlas_import_log (kind, target, at, file, rows, sha256, detail) \
             VALUES ('aggregate', ?1, strftime('%Y-%m-%dT%H:%M:%SZ','now'), '', ?2, '', ?3)",
            (&req.to, rows.len() as i64, &detail),
        )?;
        Ok(())
    })?;
    Ok(report)
}

fn weight_values(
    ws: &Workspace,
    weight: &str,
    geography: &str,
    period: &str,
) -> Result<HashMap<String, Option<f64>>> {
    let periods = query::periods(ws, weight, geography)?;
    let p = if periods.iter().any(|p| p == period) {
        period.to_string()
    } else if let [only] = periods.as_slice() {
        only.clone()
    } else {
        return Err(Error::Invalid(format!(
            "weight indicator '{weight}' has no values for '{geography}' in period {period} (periods: {})",
            if periods.is_empty() {
                "none".to_string()
            } else {
                periods.join(", ")
            }
        )));
    };
    Ok(query::values(ws, weight, geography, &p)?
        .into_iter()
        .map(|v| (v.area_code, v.value))
        .collect())
}

fn to_row(indicator: &str, period: &str, g: GroupValue) -> ValueRow {
    ValueRow {
        indicator: indicator.to_string(),
        status: if g.value.is_some() {
            Status::Ok
        } else {
            Status::Missing
        },
        area_code: g.group,
        period: period.to_string(),
        value: g.value,
        numerator: None,
        denominator: None,
        lower_ci: None,
        upper_ci: None,
        lower_ci_99_8: None,
        upper_ci_99_8: None,
        line: 0,
    }
}

fn add_associates(
    rows: &mut [ValueRow],
    values: &[query::StoredValue],
    lookup: &HashMap<String, String>,
) {
    let mut sums: HashMap<&str, (Option<f64>, Option<f64>)> = HashMap::new();
    for v in values {
        let Some(group) = lookup.get(&v.area_code) else {
            continue;
        };
        let e = sums.entry(group.as_str()).or_insert((Some(0.0), Some(0.0)));
        e.0 = e.0.zip(v.numerator).map(|(a, b)| a + b);
        e.1 = e.1.zip(v.denominator).map(|(a, b)| a + b);
    }
    for r in rows.iter_mut() {
        if let Some((n, d)) = sums.get(r.area_code.as_str()) {
            r.numerator = *n;
            r.denominator = *d;
        }
    }
}
