//! `aggregate-points`: counts the events of a point layer (recorded burglaries, incidents,
//! service users) in each area of a geography and stores the counts as indicators.
//!
//! - Assignment: exact point-in-polygon with the rule of [`crate::analysis::points_in_areas`]
//!   (closed polygons; a point on a shared edge or vertex goes to the smallest area code).
//! - Every area of the geography gets a value in every period and indicator: the count, a true
//!   0 where no point fell (value = numerator = count, no denominator, status ok).
//! - Without `by`, one indicator `CODE`; with `by`, one per category: `CODE_<category>`, the
//!   category made a clean code ([`category_code`]); an empty category counts as
//!   `CODE_unknown`.
//! - Without `period_field`, one period: `period` or [`DEFAULT_PERIOD`] ("all"). With it,
//!   each point's date is read and grouped to its year or month; a date that cannot be read is
//!   an error naming the layer, feature, field and value, and nothing is written.
//! - Points in no area are counted and reported (`outside`), never an error; features with no
//!   usable point (NULL, empty or NaN geometry) are `skipped`.
//! - Everything is written in one transaction; re-running replaces the series of the periods
//!   it counts. An indicator of that code not made by this command is never overwritten.

use crate::analysis::points_in_areas::{Placement, assign_points};
use crate::data::Workspace;
use crate::data::event_period::period_of;
pub use crate::data::event_period::{ACCEPTED_DATES, PeriodFormat};
use crate::data::import::header_codes::clean_code;
use crate::data::indicator::{IndicatorMeta, Polarity, Status, ValueRow};
use crate::data::point_counts::{self, CountWrite, EventPoint};
use crate::data::query;
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use geo::MultiPolygon;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The period of counts made without a period field.
pub const DEFAULT_PERIOD: &str = "all";
/// The code suffix of points whose category is empty.
pub const UNKNOWN_CATEGORY: &str = "unknown";
/// The theme of new count indicators.
pub const THEME: &str = "Counts";
/// How many example points the report lists.
const MAX_EXAMPLES: usize = 5;
/// The start of every provenance this command writes (how it knows its own indicators).
const PROVENANCE_START: &str = "counted from point layer";

/// An `aggregate-points` request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregatePointsRequest {
    pub layer: String,
    pub geography: String,
    /// The indicator code (with `by`, the prefix of one code per category).
    pub indicator: String,
    /// A field of the layer whose categories are counted apart.
    #[serde(default)]
    pub by: Option<String>,
    /// A date field: one series per period of it.
    #[serde(default)]
    pub period_field: Option<String>,
    /// How the dates of `period_field` are grouped.
    #[serde(default)]
    pub period_format: Option<PeriodFormat>,
    /// The period of all counts when there is no `period_field` (default "all").
    #[serde(default)]
    pub period: Option<String>,
    /// The indicator's title (default "<layer> count").
    #[serde(default)]
    pub title: Option<String>,
}

/// A point named in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointExample {
    pub fid: i64,
    pub easting: f64,
    pub northing: f64,
}

/// Points in no area.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Outside {
    pub count: usize,
    /// The first few, in feature order.
    pub examples: Vec<PointExample>,
}

/// Features with no usable point.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Skipped {
    pub count: usize,
    /// Feature ids of the first few.
    pub examples: Vec<i64>,
}

/// One indicator written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountedIndicator {
    pub code: String,
    /// The category counted (the `by` field's text; `""` for the empty one), `None` without
    /// `by`. Several texts that make the same code (`Burglary`, `burglary`) are counted
    /// together and listed in `merged`.
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
    /// Points assigned to an area, over all periods.
    pub points: usize,
}

/// What `aggregate-points` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AggregatePointsReport {
    pub layer: String,
    pub geography: String,
    /// Features of the layer.
    pub points: usize,
    /// Points counted in an area.
    pub assigned: usize,
    pub outside: Outside,
    pub skipped: Skipped,
    /// Areas of the geography (each has a value in every period and indicator).
    pub areas: usize,
    pub periods: Vec<String>,
    pub indicators: Vec<CountedIndicator>,
    /// Areas where no point fell (in any period or category).
    pub zero_areas: usize,
    /// Values written (areas × periods × indicators).
    pub values: usize,
}

/// The code suffix for a category: [`clean_code`] of its text (lower case, every run of other
/// characters one `_`), without the `i_` that code gives text starting with a digit;
/// [`UNKNOWN_CATEGORY`] for an empty one or one with no letter or digit.
///
/// ```
/// use local_atlas::ops::aggregate_points::category_code;
/// assert_eq!(category_code("Burglary"), "burglary");
/// assert_eq!(category_code("Anti-social behaviour"), "anti_social_behaviour");
/// assert_eq!(category_code("2a"), "2a");
/// assert_eq!(category_code(" "), "unknown");
/// ```
pub fn category_code(category: &str) -> String {
    if !category.chars().any(char::is_alphanumeric) {
        return UNKNOWN_CATEGORY.into();
    }
    let code = clean_code(category);
    if category
        .trim_start()
        .starts_with(|c: char| c.is_ascii_digit())
    {
        code.trim_start_matches("i_").to_string()
    } else {
        code
    }
}

/// Counts and stores (see the module doc). Cancelling before the write returns
/// [`Error::Cancelled`] with nothing written.
pub fn run(
    ws: &Workspace,
    req: &AggregatePointsRequest,
    feedback: &dyn Feedback,
) -> Result<AggregatePointsReport> {
    super::index::check_code(&req.indicator)?;
    let format = period_options(req)?;
    let geographies = point_counts::geography_names(ws)?;
    if !geographies.contains(&req.geography) {
        return Err(Error::Invalid(format!(
            "the workspace has no geography '{}'; its geographies are: {}",
            req.geography,
            if geographies.is_empty() {
                "none (import boundaries first)".to_string()
            } else {
                geographies.join(", ")
            }
        )));
    }
    feedback.stage("reading points");
    let fields: Vec<&str> = [req.by.as_deref(), req.period_field.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let layer = point_counts::read_event_points(ws, &req.layer, &fields)?;
    let area_srs = point_counts::geography_srs_id(ws, &req.geography)?;
    if layer.srs_id != area_srs {
        return Err(Error::Invalid(format!(
            "point layer '{}' is in EPSG:{} but geography '{}' is in EPSG:{}; both must be in one coordinate system",
            req.layer, layer.srs_id, req.geography, area_srs
        )));
    }
    let by_at = req.by.as_ref().map(|_| 0);
    let period_at = req
        .period_field
        .as_ref()
        .map(|_| usize::from(req.by.is_some()));
    let periods = point_periods(req, &layer.points, period_at, format)?;
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    feedback.stage("reading areas");
    let areas: Vec<(String, MultiPolygon<f64>)> = query::areas(ws, &req.geography)?
        .into_iter()
        .map(|a| (a.code, a.geometry_bng))
        .collect();
    feedback.stage("counting points in areas");
    let coords: Vec<[f64; 2]> = layer.points.iter().map(|p| p.point_bng).collect();
    let placements = assign_points(&areas, &coords);
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    let tally = tally(
        req,
        &layer.points,
        &placements,
        &periods,
        by_at,
        areas.len(),
    );
    check_not_foreign(ws, tally.counts.keys().map(|(code, _)| code))?;
    let indicators = tally.indicators(req.by.is_some());
    let period_list: Vec<String> = tally.periods.iter().cloned().collect();
    let rows = value_rows(&tally, &areas, &indicators, &period_list);
    let zero_areas = tally.per_area.iter().filter(|n| **n == 0).count();
    let report = AggregatePointsReport {
        layer: req.layer.clone(),
        geography: req.geography.clone(),
        points: layer.points.len(),
        assigned: tally.assigned,
        outside: tally.outside,
        skipped: tally.skipped,
        areas: areas.len(),
        periods: period_list.clone(),
        indicators,
        zero_areas,
        values: rows.len(),
    };
    let provenance = provenance(req);
    let metas: Vec<IndicatorMeta> = report
        .indicators
        .iter()
        .map(|i| meta(req, &layer.source_file, i))
        .collect();
    let detail = serde_json::to_string(&report).unwrap_or_default();
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    feedback.stage("writing counts");
    point_counts::store_counts(
        ws,
        &CountWrite {
            geography: &req.geography,
            metas: &metas,
            provenance: &provenance,
            periods: &period_list,
            rows: &rows,
            detail: &detail,
            layer: &req.layer,
        },
    )?;
    Ok(report)
}

/// The period format, checking the period options go together.
fn period_options(req: &AggregatePointsRequest) -> Result<Option<PeriodFormat>> {
    match (&req.period_field, req.period_format, &req.period) {
        (Some(_), Some(f), None) => Ok(Some(f)),
        (Some(_), None, _) => Err(Error::Invalid(
            "--period-field needs --period-format YYYY (one period per year) or YYYY-MM (per month)".into(),
        )),
        (Some(_), Some(_), Some(_)) => Err(Error::Invalid(
            "give --period-field (a period per date) or --period (one period), not both".into(),
        )),
        (None, Some(_), _) => Err(Error::Invalid(
            "--period-format needs --period-field, the field holding each point's date".into(),
        )),
        (None, None, Some(p)) if p.trim().is_empty() => {
            Err(Error::Invalid("--period is empty: give a period such as 2019".into()))
        }
        (None, None, _) => Ok(None),
    }
}

/// Each point's period (`None` for a point with no usable position), or the error naming the
/// first date that cannot be read.
fn point_periods(
    req: &AggregatePointsRequest,
    points: &[EventPoint],
    period_at: Option<usize>,
    format: Option<PeriodFormat>,
) -> Result<Vec<Option<String>>> {
    let single = req.period.clone().unwrap_or_else(|| DEFAULT_PERIOD.into());
    let field = req.period_field.as_deref().unwrap_or_default();
    points
        .iter()
        .map(|p| {
            if !(p.point_bng[0].is_finite() && p.point_bng[1].is_finite()) {
                return Ok(None);
            }
            let (Some(at), Some(format)) = (period_at, format) else {
                return Ok(Some(single.clone()));
            };
            let text = p.fields.get(at).cloned().flatten().unwrap_or_default();
            period_of(&text, format).map(Some).map_err(|why| {
                Error::Invalid(format!(
                    "point layer '{}', feature {}: field '{field}' has '{}', which {why}; nothing was written. \
                     Fix the date in the layer's source file and import the layer again",
                    req.layer,
                    p.fid,
                    crate::error::excerpt(&text)
                ))
            })
        })
        .collect()
}

/// Counts by (indicator code, period) and area, and what the report says about the points.
struct Tally {
    counts: BTreeMap<(String, String), Vec<u64>>,
    /// Category text → code (with `by`).
    categories: BTreeMap<String, String>,
    periods: std::collections::BTreeSet<String>,
    per_area: Vec<u64>,
    assigned: usize,
    outside: Outside,
    skipped: Skipped,
}

fn tally(
    req: &AggregatePointsRequest,
    points: &[EventPoint],
    placements: &[Placement],
    periods: &[Option<String>],
    by_at: Option<usize>,
    n_areas: usize,
) -> Tally {
    let mut t = Tally {
        counts: BTreeMap::new(),
        categories: BTreeMap::new(),
        periods: Default::default(),
        per_area: vec![0; n_areas],
        assigned: 0,
        outside: Outside::default(),
        skipped: Skipped::default(),
    };
    let mut codes_seen = std::collections::BTreeSet::new();
    for ((p, place), period) in points.iter().zip(placements).zip(periods) {
        let Some(period) = period else {
            t.skipped.count += 1;
            if t.skipped.examples.len() < MAX_EXAMPLES {
                t.skipped.examples.push(p.fid);
            }
            continue;
        };
        t.periods.insert(period.clone());
        let code = match by_at {
            None => req.indicator.clone(),
            Some(at) => {
                let text = p.fields.get(at).cloned().flatten().unwrap_or_default();
                let code = format!("{}_{}", req.indicator, category_code(&text));
                t.categories.entry(text).or_insert_with(|| code.clone());
                code
            }
        };
        codes_seen.insert(code.clone());
        match *place {
            Placement::Area(i) => {
                t.assigned += 1;
                if let Some(n) = t.per_area.get_mut(i) {
                    *n += 1;
                }
                t.counts
                    .entry((code, period.clone()))
                    .or_insert_with(|| vec![0; n_areas])[i] += 1;
            }
            Placement::Outside => {
                t.outside.count += 1;
                if t.outside.examples.len() < MAX_EXAMPLES {
                    t.outside.examples.push(PointExample {
                        fid: p.fid,
                        easting: p.point_bng[0],
                        northing: p.point_bng[1],
                    });
                }
            }
            Placement::NotFinite => {}
        }
    }
    if by_at.is_none() && codes_seen.is_empty() {
        // A layer with no point still gives its indicator: zeros in the one period.
        codes_seen.insert(req.indicator.clone());
        t.periods
            .insert(req.period.clone().unwrap_or_else(|| DEFAULT_PERIOD.into()));
    }
    // Every indicator in every period, zeros included.
    for code in &codes_seen {
        for period in &t.periods {
            t.counts
                .entry((code.clone(), period.clone()))
                .or_insert_with(|| vec![0; n_areas]);
        }
    }
    t
}

impl Tally {
    /// The indicators written, by code.
    fn indicators(&self, by: bool) -> Vec<CountedIndicator> {
        let mut out: BTreeMap<&str, CountedIndicator> = BTreeMap::new();
        for ((code, _), counts) in &self.counts {
            let e = out
                .entry(code.as_str())
                .or_insert_with(|| CountedIndicator {
                    code: code.clone(),
                    category: None,
                    merged: Vec::new(),
                    points: 0,
                });
            e.points += counts.iter().sum::<u64>() as usize;
        }
        if by {
            for (text, code) in &self.categories {
                if let Some(e) = out.get_mut(code.as_str()) {
                    match e.category {
                        None => e.category = Some(text.clone()),
                        Some(_) => e.merged.push(text.clone()),
                    }
                }
            }
        }
        out.into_values().collect()
    }
}

fn value_rows(
    tally: &Tally,
    areas: &[(String, MultiPolygon<f64>)],
    indicators: &[CountedIndicator],
    periods: &[String],
) -> Vec<ValueRow> {
    let mut rows = Vec::with_capacity(areas.len() * periods.len() * indicators.len());
    for ind in indicators {
        for period in periods {
            let Some(counts) = tally.counts.get(&(ind.code.clone(), period.clone())) else {
                continue;
            };
            for ((code, _), n) in areas.iter().zip(counts) {
                let v = *n as f64;
                rows.push(ValueRow {
                    numerator: Some(v),
                    status: Status::Ok,
                    ..ValueRow::computed(&ind.code, code, period, Some(v))
                });
            }
        }
    }
    rows
}

/// Refuses to overwrite an indicator this command did not make (an imported one).
fn check_not_foreign<'a>(ws: &Workspace, codes: impl Iterator<Item = &'a String>) -> Result<()> {
    for code in codes {
        if let Some(p) = point_counts::indicator_provenance(ws, code)?
            && !p.starts_with(PROVENANCE_START)
        {
            return Err(Error::Invalid(format!(
                "the workspace already has an indicator '{code}' that was not counted by aggregate-points; choose another --indicator"
            )));
        }
    }
    Ok(())
}

fn provenance(req: &AggregatePointsRequest) -> String {
    let mut s = format!(
        "{PROVENANCE_START} '{}' by aggregate-points in {}",
        req.layer, req.geography
    );
    if let Some(by) = &req.by {
        s.push_str(&format!(", by field '{by}'"));
    }
    match (&req.period_field, req.period_format) {
        (Some(f), Some(PeriodFormat::Year)) => s.push_str(&format!(", per year of field '{f}'")),
        (Some(f), Some(PeriodFormat::Month)) => s.push_str(&format!(", per month of field '{f}'")),
        _ => {}
    }
    s.push_str(" (a point on a shared boundary counted in the area with the smallest code)");
    s
}

fn meta(req: &AggregatePointsRequest, source_file: &str, ind: &CountedIndicator) -> IndicatorMeta {
    let base = req
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| format!("{} count", req.layer));
    let (title, which) = match (&req.by, &ind.category) {
        (Some(by), Some(cat)) => {
            let shown = if cat.is_empty() { "(no value)" } else { cat };
            (format!("{base}: {shown}"), format!(" with {by} '{shown}'"))
        }
        _ => (base, String::new()),
    };
    let file = std::path::Path::new(source_file)
        .file_name()
        .map_or(source_file.to_string(), |f| {
            f.to_string_lossy().into_owned()
        });
    IndicatorMeta {
        title,
        theme: THEME.into(),
        definition: format!(
            "Number of points of layer '{}'{which} in each area of {}",
            req.layer, req.geography
        ),
        unit: "count".into(),
        decimals: 0,
        polarity: Polarity::Neutral,
        source: format!("point layer '{}' (imported from {file})", req.layer),
        ..IndicatorMeta::default_for(&ind.code)
    }
}
