//! One indicator row of a profile table from the indicator's facts, with its footnotes; and
//! the disclosure-control lines a profile prints.

use super::build::ProfileRun;
use super::facts::Facts;
use crate::analysis::indicator_stats::benchmark_comparison::colours;
use crate::analysis::indicator_stats::spine::spine;
use crate::analysis::result_codes;
use crate::data::indicator::{Disclosure, Polarity as MetaPolarity, Status};
use crate::render::report::document::{Polarity, Row, Spine};
use crate::render::symbology::clusters::significance_label;

/// The profile's numbered footnotes, each line once.
#[derive(Debug, Default)]
pub struct Footnotes(Vec<String>);

impl Footnotes {
    /// The number (from 1) of `line`, added if new.
    pub fn number(&mut self, line: String) -> usize {
        match self.0.iter().position(|l| *l == line) {
            Some(i) => i + 1,
            None => {
                self.0.push(line);
                self.0.len()
            }
        }
    }

    pub fn into_lines(self) -> Vec<String> {
        self.0
    }
}

/// Whether the indicator is a count (no spine, no comparison of rates).
pub fn is_count(unit: &str) -> bool {
    matches!(
        unit.trim().to_ascii_lowercase().as_str(),
        "count" | "people" | "persons" | "number" | "households" | "dwellings"
    )
}

fn polarity(p: MetaPolarity) -> Polarity {
    match p {
        MetaPolarity::HigherIsBetter => Polarity::HigherIsBetter,
        MetaPolarity::LowerIsBetter => Polarity::LowerIsBetter,
        MetaPolarity::Neutral => Polarity::Neutral,
    }
}

/// The row of `f` for area `code`.
pub fn row(run: &ProfileRun, f: &Facts, code: &str, notes: &mut Footnotes) -> Row {
    let meta = &f.meta;
    let period = f.period.clone().unwrap_or_else(|| "–".into());
    let stored = f.value(code);
    let withheld = stored.is_some_and(|v| v.status == Status::Suppressed);
    let value = stored
        .filter(|_| !withheld)
        .and_then(|v| v.value)
        .filter(|v| v.is_finite());
    let cmp = f.comparison.get(code);
    let result = cmp.map_or("not_compared".to_string(), |c| c.result.clone());
    let label = result_codes::comparison(&result).map_or("Not compared", |r| r.label);
    let mut row_notes = Vec::new();
    if f.period.is_none() {
        row_notes.push(notes.number(format!(
            "– : {} has no values for this geography{}.",
            meta.title,
            run.comparators
                .period
                .as_ref()
                .map(|p| format!(" in {p}"))
                .unwrap_or_default()
        )));
    } else if withheld {
        row_notes.push(
            notes.number(
                "* : withheld by disclosure control (a small count, or one that would reveal it)."
                    .into(),
            ),
        );
    } else if value.is_none() {
        row_notes.push(notes.number(format!("– : no value for this area in {period}.")));
    }
    if value.is_some()
        && result == "not_compared"
        && let Some(reason) = cmp
            .and_then(|c| c.reason.clone())
            .or(f.not_compared.clone())
    {
        row_notes.push(notes.number(format!("Not compared: {reason}.")));
    }
    let centre = cmp
        .and_then(|c| c.benchmark_value)
        .or_else(|| benchmark_value(f));
    let (spine, spine_note) = if is_count(&meta.unit) || f.period.is_none() {
        (None, None)
    } else {
        match spine(&f.published, f.areas, centre) {
            Ok(s) => (
                Some(Spine {
                    min: s.min,
                    p25: s.p25,
                    p75: s.p75,
                    max: s.max,
                    centre: s.centre,
                    half_width: s.half_width,
                }),
                None,
            ),
            Err(e) => (None, Some(e.words().to_string())),
        }
    };
    let trend = f.trends.get(code).filter(|_| !withheld);
    let min = f.published.iter().copied().reduce(f64::min);
    let max = f.published.iter().copied().reduce(f64::max);
    Row {
        indicator: meta.code.clone(),
        title: meta.title.clone(),
        unit: meta.unit.clone(),
        period,
        count: stored
            .filter(|_| !withheld)
            .and_then(|v| v.numerator)
            .filter(|c| c.is_finite()),
        count_suppressed: withheld,
        value,
        lower_ci: stored.filter(|_| !withheld).and_then(|v| v.lower_ci),
        upper_ci: stored.filter(|_| !withheld).and_then(|v| v.upper_ci),
        value_suppressed: withheld,
        parent_value: f.parent_value.get(code).copied(),
        benchmark_code: cmp.and_then(|c| c.benchmark_code.clone()),
        benchmark_value: centre,
        result_words: if result == "not_compared" {
            "Not compared".into()
        } else {
            significance_label(label, &f.against)
        },
        colour: cmp.map_or(colours::NOT_COMPARED.to_string(), |c| c.colour.clone()),
        result,
        trend: trend.map(trend_code),
        trend_words: trend.map(|t| capitalise(&t.words())),
        lowest: min,
        highest: max,
        spine,
        spine_note,
        polarity: polarity(meta.polarity),
        decimals: meta.decimals.clamp(0, 6) as usize,
        notes: row_notes,
    }
}

/// The benchmark value when no area was compared (the same for every area).
fn benchmark_value(f: &Facts) -> Option<f64> {
    f.comparison.values().find_map(|c| c.benchmark_value)
}

/// The trend as one code: `increasing_getting_worse`, `no_significant_change`, …
fn trend_code(t: &crate::ops::trend::AreaTrend) -> String {
    match &t.direction {
        Some(d) => format!("{}_getting_{d}", t.marker),
        None => t.marker.clone(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One line per disclosure rule among the indicators shown.
pub fn disclosure_lines(run: &ProfileRun, rows: &[&Row]) -> Vec<String> {
    let mut out = Vec::new();
    for rule in [Disclosure::Suppress1To5, Disclosure::Suppress1To7Round5] {
        let titles: Vec<&str> = rows
            .iter()
            .filter(|r| run.facts[&r.indicator].meta.disclosure == rule)
            .map(|r| r.title.as_str())
            .collect();
        if titles.is_empty() {
            continue;
        }
        let words = match rule {
            Disclosure::Suppress1To5 => {
                "counts of 1 to 5 are withheld (shown *), with any value that would reveal one"
            }
            _ => {
                "counts of 1 to 7 are withheld (shown *) and other counts rounded to the nearest \
                 5, with any value that would reveal a withheld one"
            }
        };
        out.push(format!("{}: {words}.", titles.join("; ")));
    }
    out
}
