//! `classify`: the classification of one indicator at one geography and period.

use super::indicator_data::IndicatorValues;
use crate::analysis::classify::classify;
/// The classification options and methods a request takes (re-exported for the front ends).
pub use crate::analysis::classify::{Classification, ClassifyOptions, Method};
use crate::data::Workspace;
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClassifyRequest {
    pub geography: String,
    pub indicator: String,
    pub period: Option<String>,
    pub options: ClassifyOptions,
}

/// The class of one area (`null` when it has no value).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AreaClass {
    pub code: String,
    pub class: Option<usize>,
}

/// The JSON contract of `local-atlas classify --json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClassifyResponse {
    pub indicator: String,
    pub geography: String,
    pub period: String,
    pub method: Method,
    pub k: usize,
    pub requested_k: usize,
    pub breaks: Vec<f64>,
    pub counts: Vec<usize>,
    pub gvf: f64,
    pub missing: usize,
    pub notes: Vec<String>,
    pub classes: Vec<AreaClass>,
}

/// Classifies the indicator (quick: the feedback only names the stage).
pub fn run(
    ws: &Workspace,
    req: &ClassifyRequest,
    feedback: &dyn Feedback,
) -> Result<ClassifyResponse> {
    feedback.stage("classifying");
    let data = IndicatorValues::load(ws, &req.geography, &req.indicator, req.period.as_deref())?;
    let c = classify(&data.values, &req.options).map_err(|source| Error::Classify {
        indicator: req.indicator.clone(),
        source,
    })?;
    let classes = data
        .codes
        .iter()
        .zip(&c.classes)
        .map(|(code, class)| AreaClass {
            code: code.clone(),
            class: *class,
        })
        .collect();
    Ok(ClassifyResponse {
        indicator: req.indicator.clone(),
        geography: req.geography.clone(),
        period: data.period,
        method: c.method,
        k: c.k,
        requested_k: c.requested_k,
        breaks: c.breaks,
        counts: c.counts,
        gvf: c.gvf,
        missing: c.missing,
        notes: c.notes,
        classes,
    })
}

/// Classifies values a caller already holds (no workspace), with the same options and errors as
/// [`run`]; `label` names them in an error. The app's frame benchmark classifies its synthetic
/// values this way.
///
/// ```
/// use local_atlas::ops::classify::{ClassifyOptions, Method, classify_values};
/// let v: Vec<Option<f64>> = (1..=10).map(|x| Some(x as f64)).collect();
/// let opts = ClassifyOptions { method: Method::Quantile, k: 2, ..Default::default() };
/// let c = classify_values("ten", &v, &opts).unwrap();
/// assert_eq!(c.classes[0], Some(0));
/// assert_eq!(c.classes[9], Some(1));
/// ```
pub fn classify_values(
    label: &str,
    values: &[Option<f64>],
    options: &ClassifyOptions,
) -> Result<Classification> {
    classify(values, options).map_err(|source| Error::Classify {
        indicator: label.to_string(),
        source,
    })
}
