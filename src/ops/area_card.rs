//! The area card: every indicator of one area at its latest period, shown as a reader reads it
//! (units, display multiplier, class names for saved results, "suppressed" and "no value"),
//! and the areas it lies in (its ward, its district) with their values. The app's area card
//! and `local-atlas area` print the same. Values are shown under their indicator's disclosure
//! rule ([`crate::ops::disclosure`]): a withheld value reads "suppressed", with no value,
//! numerator or limits, and `suppression` says why.

use crate::analysis::result_codes::{self, ResultCode};
use crate::data::Workspace;
use crate::data::area_values::{self, SeriesValue};
use crate::data::indicator::{IndicatorKind, IndicatorMeta, Status};
use crate::data::{geography_title, query};
use crate::error::{Error, Result};
use crate::ops::disclosure;
use crate::render::symbology::format::format_value;
use serde::Serialize;

/// An area, named.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaRef {
    pub code: String,
    pub name: Option<String>,
    pub geography: String,
    pub geography_title: String,
}

/// One indicator's value for the area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardValue {
    pub indicator: String,
    pub title: String,
    pub theme: String,
    pub period: String,
    /// The value as stored.
    pub value: Option<f64>,
    pub status: &'static str,
    /// As a reader sees it: "10.4%", "High–High", "suppressed".
    pub shown: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_ci: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper_ci: Option<f64>,
    /// Why the value is withheld under the indicator's disclosure rule (`primary`,
    /// `secondary`, `no_count`, `source`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<&'static str>,
}

/// An area the card's area lies in, with its own values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParentCard {
    pub area: AreaRef,
    pub values: Vec<CardValue>,
}

/// Everything `area` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaCard {
    pub area: AreaRef,
    pub values: Vec<CardValue>,
    pub parents: Vec<ParentCard>,
}

/// The card of area `code` (any case); `geography` picks one when the code is in several.
pub fn area_card(ws: &Workspace, code: &str, geography: Option<&str>) -> Result<AreaCard> {
    let area = locate(ws, code, geography)?;
    let values = card_values(ws, &area)?;
    let mut parents = Vec::new();
    let geographies = query::geographies(ws)?;
    for p in area_values::parents(ws, &area.geography, &area.code)? {
        let known = geographies.iter().find(|g| g.name == p.geography).cloned();
        let name = match &known {
            Some(_) => query::area_names(ws, &p.geography)?
                .into_iter()
                .find(|a| a.code == p.code)
                .and_then(|a| a.name)
                .or(p.name.clone()),
            None => p.name.clone(),
        };
        let parent = AreaRef {
            geography_title: known
                .map(|g| g.title)
                .unwrap_or_else(|| geography_title::default_title(&p.geography)),
            code: p.code,
            name,
            geography: p.geography,
        };
        parents.push(ParentCard {
            values: card_values(ws, &parent)?,
            area: parent,
        });
    }
    Ok(AreaCard {
        area,
        values,
        parents,
    })
}

/// Finds the area by code in every geography (or in `geography`).
fn locate(ws: &Workspace, code: &str, geography: Option<&str>) -> Result<AreaRef> {
    let wanted = code.trim();
    let mut hits = Vec::new();
    for g in query::geographies(ws)? {
        if geography.is_some_and(|w| w != g.name) {
            continue;
        }
        if let Some(a) = query::area_names(ws, &g.name)?
            .into_iter()
            .find(|a| a.code.eq_ignore_ascii_case(wanted))
        {
            hits.push(AreaRef {
                code: a.code,
                name: a.name,
                geography: g.name,
                geography_title: g.title,
            });
        }
    }
    match hits.len() {
        1 => Ok(hits.remove(0)),
        0 => Err(Error::Invalid(match geography {
            Some(g) => format!(
                "no area with code '{wanted}' in geography '{g}'; `local-atlas find WS TEXT` searches names and codes"
            ),
            None => format!(
                "no area with code '{wanted}' in this workspace; `local-atlas find WS TEXT` searches names and codes"
            ),
        })),
        _ => Err(Error::Invalid(format!(
            "code '{wanted}' is in several geographies ({}); pick one with --geography",
            hits.iter()
                .map(|h| h.geography.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn card_values(ws: &Workspace, area: &AreaRef) -> Result<Vec<CardValue>> {
    let mut out = Vec::new();
    for v in area_values::latest_values(ws, &area.geography, &area.code)? {
        let meta = query::indicator_meta(ws, &v.indicator)?;
        let (v, reason) = protected(ws, &meta, area, v)?;
        let mut card = card_value(&meta, v);
        card.suppression = reason.map(|r| r.as_str());
        out.push(card);
    }
    out.sort_by(|a, b| (&a.theme, &a.title).cmp(&(&b.theme, &b.title)));
    Ok(out)
}

/// The value as the indicator's disclosure rule lets it be shown (the area's row of the
/// protected table of its geography and period).
fn protected(
    ws: &Workspace,
    meta: &IndicatorMeta,
    area: &AreaRef,
    v: SeriesValue,
) -> Result<(SeriesValue, Option<disclosure::Reason>)> {
    if disclosure::rule_of(meta).is_none() {
        return Ok((v, None));
    }
    let Some((p, reason)) =
        disclosure::protected_value(ws, meta, &area.geography, &v.period, &area.code)?
    else {
        return Ok((v, None));
    };
    let shown = SeriesValue {
        value: p.value,
        numerator: p.numerator,
        denominator: p.denominator,
        lower_ci: p.lower_ci,
        upper_ci: p.upper_ci,
        status: p.status,
        ..v
    };
    Ok((shown, reason))
}

fn card_value(meta: &IndicatorMeta, v: SeriesValue) -> CardValue {
    CardValue {
        indicator: v.indicator,
        title: meta.title.clone(),
        theme: meta.theme.clone(),
        period: v.period,
        value: v.value,
        status: v.status.as_str(),
        shown: shown(meta, v.value, v.status),
        numerator: v.numerator,
        denominator: v.denominator,
        lower_ci: v.lower_ci,
        upper_ci: v.upper_ci,
        suppression: None,
    }
}

/// A value as a reader sees it: the class name of a saved result, else the value times the
/// display multiplier with the indicator's decimals and unit.
///
/// ```
/// use local_atlas::data::indicator::{IndicatorMeta, Status};
/// use local_atlas::ops::area_card::shown;
/// let mut m = IndicatorMeta::default_for("idaci_score");
/// m.unit = "%".into();
/// m.multiplier = Some(100.0);
/// assert_eq!(shown(&m, Some(0.1043), Status::Ok), "10.4%");
/// m.unit = "score".into();
/// m.multiplier = None;
/// assert_eq!(shown(&m, Some(23.456), Status::Ok), "23.5 score");
/// assert_eq!(shown(&m, None, Status::Suppressed), "suppressed");
/// ```
pub fn shown(meta: &IndicatorMeta, value: Option<f64>, status: Status) -> String {
    let Some(v) = value.filter(|v| v.is_finite()) else {
        return match status {
            Status::Suppressed => "suppressed".into(),
            _ => "no value".into(),
        };
    };
    if let Some(table) = classes(meta.kind) {
        return table
            .iter()
            .find(|c| c.code as f64 == v)
            .map_or_else(|| format!("code {v}"), |c| c.label.to_string());
    }
    let decimals = usize::try_from(meta.decimals).unwrap_or(1);
    let number = format_value(meta.shown(v), decimals);
    match meta.unit.trim() {
        "" => number,
        "%" => format!("{number}%"),
        unit => format!("{number} {unit}"),
    }
}

fn classes(kind: IndicatorKind) -> Option<&'static [ResultCode]> {
    match kind {
        IndicatorKind::Value => None,
        IndicatorKind::LisaCluster => Some(&result_codes::LISA_CLUSTER),
        IndicatorKind::GistarClass => Some(&result_codes::GISTAR_CLASS),
        IndicatorKind::SiteStatus => Some(&result_codes::SITE_STATUS),
        IndicatorKind::Comparison => Some(&result_codes::COMPARISON),
    }
}
