//! An area profile as a document: everything a profile, ward bulletin or State of the Area
//! report prints, already computed (values, comparisons, trends, spine bands, chart series,
//! maps as scenes) and formatted where the words matter. `ops::profile` builds it from a
//! template and the workspace; the HTML and PDF writers only lay it out, so the two always say
//! the same thing, and the JSON a tool reads is the same numbers.

use crate::render::scene::Scene;
use serde::{Deserialize, Serialize};

/// One profile of one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileDocument {
    /// The template's name ("Ward profile").
    pub template: String,
    /// The page title, placeholders filled ("Ward profile: Astley Bridge").
    pub title: String,
    pub area: AreaHead,
    /// The date the profile was made, in words ("2 December 2026").
    pub date: String,
    /// Headline findings in plain words, biggest first.
    pub headline: Vec<String>,
    /// The template's opening text blocks, placeholders filled.
    pub intro: Vec<String>,
    /// The column names of the comparators.
    pub columns: ComparatorNames,
    pub sections: Vec<Section>,
    /// The locator map: the area (highlighted) in its parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locator: Option<MapFigure>,
    /// Definitions, sources and licences of every indicator shown, in order of appearance.
    pub indicators: Vec<IndicatorNote>,
    /// The disclosure rules applied (one sentence each); empty when none applied.
    pub disclosure: Vec<String>,
    /// Attribution lines of the boundaries and data shown.
    pub attribution: Vec<String>,
    /// Numbered footnotes the table refers to (missing values, confidence intervals).
    pub footnotes: Vec<String>,
}

/// The area a profile is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaHead {
    pub code: String,
    pub name: String,
    pub geography: String,
    /// The geography's title ("Ward (2017)").
    pub geography_title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<AreaLink>,
}

/// Another area named in a profile (a parent, a sibling).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaLink {
    pub code: String,
    pub name: String,
    pub geography: String,
}

/// What the value columns are called: "Bolton" / "England", or "Greater Manchester".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparatorNames {
    /// The parent comparator's column ("Bolton", "Greater Manchester"); none: no such column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The benchmark's column ("England"): what significance is judged against.
    pub benchmark: String,
    /// How significance was judged, in words ("95% confidence").
    pub method: String,
    /// What the spine's range is over ("the 10 districts of Greater Manchester").
    pub range_of: String,
}

/// A section of the profile: a heading, text, its indicator rows and charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    pub text: Vec<String>,
    pub rows: Vec<Row>,
    pub charts: Vec<Chart>,
}

/// Fingertips' reading of a comparison result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    HigherIsBetter,
    LowerIsBetter,
    Neutral,
}

/// One indicator row of the area-profile table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub indicator: String,
    pub title: String,
    /// The unit as the table prints it ("%", "per 1,000", "score").
    pub unit: String,
    pub period: String,
    /// The count (numerator); none when missing or suppressed.
    pub count: Option<f64>,
    /// The count was withheld by disclosure control (printed as the rule's mark, never the
    /// number).
    #[serde(default)]
    pub count_suppressed: bool,
    pub value: Option<f64>,
    pub lower_ci: Option<f64>,
    pub upper_ci: Option<f64>,
    /// The value was withheld by disclosure control.
    #[serde(default)]
    pub value_suppressed: bool,
    /// The parent comparator's value (pooled from counts, or stored).
    pub parent_value: Option<f64>,
    pub benchmark_code: Option<String>,
    pub benchmark_value: Option<f64>,
    /// better, similar, worse, best, worst, lower, higher or not_compared.
    pub result: String,
    /// The result in words ("Worse than England (95%)").
    pub result_words: String,
    /// Fingertips' colour of the result (`#rrggbb`).
    pub colour: String,
    /// The trend marker code (increasing_getting_worse, …); none: no trend read.
    pub trend: Option<String>,
    /// The trend in words ("Increasing and getting worse").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend_words: Option<String>,
    /// The lowest and highest value over the comparator areas.
    pub lowest: Option<f64>,
    pub highest: Option<f64>,
    /// The spine chart's bands; none: a count, or too few values (see `spine_note`).
    pub spine: Option<Spine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spine_note: Option<String>,
    pub polarity: Polarity,
    /// Decimal places the values print with.
    pub decimals: usize,
    /// The row's footnote numbers (into `ProfileDocument::footnotes`, from 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<usize>,
}

/// A spine chart's bands over the comparator areas (type-7 percentiles) and its centre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spine {
    pub min: f64,
    pub p25: f64,
    pub p75: f64,
    pub max: f64,
    /// The benchmark value at the centre.
    pub centre: f64,
    /// max(|centre − min|, |centre − max|): the chart spans centre ± this.
    pub half_width: f64,
}

/// A chart of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Chart {
    /// The area and its siblings, with CI whiskers and the benchmark line.
    Bars(BarChart),
    /// The area's values over time with the benchmark's.
    Series(TimeSeries),
    /// A small map.
    Map(MapFigure),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarChart {
    pub indicator: String,
    pub title: String,
    pub unit: String,
    pub period: String,
    pub decimals: usize,
    pub bars: Vec<Bar>,
    pub benchmark_name: String,
    pub benchmark_value: Option<f64>,
}

/// One bar: an area's value, limits and comparison colour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub code: String,
    pub name: String,
    pub value: Option<f64>,
    pub lower_ci: Option<f64>,
    pub upper_ci: Option<f64>,
    pub colour: String,
    /// The profile's own area (drawn emphasised).
    pub is_area: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeSeries {
    pub indicator: String,
    pub title: String,
    pub unit: String,
    pub decimals: usize,
    pub area_name: String,
    pub points: Vec<SeriesPoint>,
    pub benchmark_name: String,
    pub benchmark: Vec<SeriesPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub period: String,
    pub value: Option<f64>,
    pub lower_ci: Option<f64>,
    pub upper_ci: Option<f64>,
    /// The point's comparison colour (`#rrggbb`); none: not compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
}

/// A map drawn for the profile: a whole scene (its own size in millimetres) placed in the
/// page; `alt` describes it for screen readers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapFigure {
    pub title: String,
    pub alt: String,
    pub scene: Scene,
}

/// Where an indicator shown comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorNote {
    pub indicator: String,
    pub title: String,
    pub definition: String,
    pub source: String,
    pub licence: String,
    pub unit: String,
    /// How its confidence limits were computed (`derive`'s record), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_method: Option<String>,
}

impl ProfileDocument {
    /// Every row of every section, in order.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.sections.iter().flat_map(|s| s.rows.iter())
    }
}
