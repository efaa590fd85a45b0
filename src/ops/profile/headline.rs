//! Headline findings in plain words, from the rows' comparisons and trends: how many indicators
//! are significantly worse or better than the benchmark (named, the biggest gap first), which
//! are higher or lower where there is no judgement, and which are getting worse or better.

use crate::render::report::document::Row;

/// How many rows have each kind of result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub indicators: usize,
    pub compared: usize,
    pub worse: usize,
    pub better: usize,
    pub similar: usize,
    pub getting_worse: usize,
    pub getting_better: usize,
}

fn is_worse(r: &Row) -> bool {
    matches!(r.result.as_str(), "worse" | "worst")
}

fn is_better(r: &Row) -> bool {
    matches!(r.result.as_str(), "better" | "best")
}

fn trend_is(r: &Row, end: &str) -> bool {
    r.trend.as_deref().is_some_and(|t| t.ends_with(end))
}

impl Counts {
    pub fn of(rows: &[&Row]) -> Counts {
        let n = |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| f(r)).count();
        Counts {
            indicators: rows.len(),
            compared: n(&|r| r.result != "not_compared"),
            worse: n(&is_worse),
            better: n(&is_better),
            similar: n(&|r| r.result == "similar"),
            getting_worse: n(&|r| trend_is(r, "getting_worse")),
            getting_better: n(&|r| trend_is(r, "getting_better")),
        }
    }

    /// The value of a `{n_…}` placeholder.
    pub fn placeholder(&self, name: &str) -> Option<String> {
        Some(
            match name {
                "n_indicators" => self.indicators,
                "n_compared" => self.compared,
                "n_worse" => self.worse,
                "n_better" => self.better,
                "n_similar" => self.similar,
                "n_getting_worse" => self.getting_worse,
                "n_getting_better" => self.getting_better,
                _ => return None,
            }
            .to_string(),
        )
    }
}

/// The relative gap from the benchmark, the size a headline orders by.
fn gap(r: &Row) -> f64 {
    match (r.value, r.benchmark_value) {
        (Some(v), Some(b)) if b != 0.0 => ((v - b) / b).abs(),
        (Some(v), Some(b)) => (v - b).abs(),
        _ => 0.0,
    }
}

/// The titles of `rows`, biggest gap first, as a list in words ("a, b and c").
fn named(mut rows: Vec<&Row>) -> String {
    rows.sort_by(|a, b| gap(b).total_cmp(&gap(a)));
    let titles: Vec<String> = rows.iter().map(|r| lower_first(&r.title)).collect();
    match titles.len() {
        0 => String::new(),
        1 => titles[0].clone(),
        n => format!("{} and {}", titles[..n - 1].join(", "), titles[n - 1]),
    }
}

/// "Smoking prevalence" → "smoking prevalence", but "NHS Health Check" stays.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => a
            .to_lowercase()
            .chain(std::iter::once(b))
            .chain(chars)
            .collect(),
        _ => s.to_string(),
    }
}

fn indicators(n: usize) -> &'static str {
    if n == 1 { "indicator" } else { "indicators" }
}

/// The headline sentences, biggest finding first.
///
/// ```
/// use local_atlas::ops::profile::headline::sentences;
/// let doc = local_atlas::render::report::example::example_document();
/// let rows: Vec<_> = doc.rows().collect();
/// let s = sentences(&rows, "England");
/// assert!(s[0].starts_with("Significantly worse than England on 3 of 11 indicators compared: "));
/// ```
pub fn sentences(rows: &[&Row], benchmark: &str) -> Vec<String> {
    let c = Counts::of(rows);
    let pick =
        |f: &dyn Fn(&Row) -> bool| -> Vec<&Row> { rows.iter().copied().filter(|r| f(r)).collect() };
    let mut out = Vec::new();
    if c.compared == 0 {
        out.push(format!(
            "None of the {} {} could be compared with {benchmark}.",
            c.indicators,
            indicators(c.indicators)
        ));
    } else if c.worse > 0 {
        out.push(format!(
            "Significantly worse than {benchmark} on {} of {} {} compared: {}.",
            c.worse,
            c.compared,
            indicators(c.compared),
            named(pick(&is_worse))
        ));
    }
    if c.better > 0 {
        out.push(format!(
            "Significantly better than {benchmark} on {}{}: {}.",
            c.better,
            if c.worse == 0 {
                format!(" of {} {} compared", c.compared, indicators(c.compared))
            } else {
                String::new()
            },
            named(pick(&is_better))
        ));
    }
    if c.compared > 0 && c.worse == 0 && c.better == 0 && c.similar > 0 {
        out.push(format!(
            "Not significantly different from {benchmark} on any of the {} {} compared.",
            c.compared,
            indicators(c.compared)
        ));
    }
    for (key, words) in [("higher", "Higher"), ("lower", "Lower")] {
        let these = pick(&|r| r.result == key);
        if !these.is_empty() {
            out.push(format!(
                "{words} than {benchmark} (no judgement of better or worse) on {}: {}.",
                these.len(),
                named(these)
            ));
        }
    }
    if c.getting_worse > 0 {
        out.push(format!(
            "Getting worse on {} {}: {}.",
            c.getting_worse,
            indicators(c.getting_worse),
            named(pick(&|r| trend_is(r, "getting_worse")))
        ));
    }
    if c.getting_better > 0 {
        out.push(format!(
            "Getting better on {} {}: {}.",
            c.getting_better,
            indicators(c.getting_better),
            named(pick(&|r| trend_is(r, "getting_better")))
        ));
    }
    out
}
