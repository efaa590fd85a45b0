//! Profile templates: what an area profile, ward bulletin or State of the Area report shows —
//! its title, sections and their indicators in order, comparators, period, text blocks with
//! placeholders, charts and maps. A template holds no data: run again after an import, it
//! shows the new data. Saved in the workspace (`data::profile_templates`) as JSON, versioned;
//! a template from a newer Local Atlas is refused with a message, never half-read.

use crate::error::{Error, Result};
use crate::ops::compare::{BenchmarkSpec, CompareMethod};
use serde::{Deserialize, Serialize};

/// The `format` every template file carries.
pub const FORMAT: &str = "local-atlas-profile-template";
/// The newest template version this build reads and writes.
pub const VERSION: u32 = 1;

/// The placeholders text blocks may use, and what each becomes.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("area", "the area's name"),
    ("code", "the area's code"),
    ("geography", "the area's geography title"),
    ("parent", "the parent comparator's name"),
    ("benchmark", "the benchmark's name"),
    ("date", "the date the profile was made"),
    ("n_indicators", "how many indicators the profile shows"),
    ("n_compared", "how many were compared with the benchmark"),
    ("n_worse", "how many are significantly worse (or worst)"),
    ("n_better", "how many are significantly better (or best)"),
    ("n_similar", "how many are similar"),
    ("n_getting_worse", "how many are getting worse (trend)"),
    ("n_getting_better", "how many are getting better (trend)"),
];

/// A profile template (the JSON a template file holds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Always [`FORMAT`].
    pub format: String,
    /// The template version it was written for ([`VERSION`] or older).
    pub version: u32,
    pub name: String,
    /// The page title; placeholders allowed ("Ward profile: {area}").
    pub title: String,
    /// The geography whose areas get a profile (`ward17`).
    pub geography: String,
    /// What significance is judged against: a benchmark area (`E92000001`), `all` (every area
    /// of the geography pooled) or `parent:GEOGRAPHY`.
    pub benchmark: String,
    /// The benchmark column's name ("Greater Manchester"); default: the benchmark's own name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark_name: Option<String>,
    /// A second comparator column: `parent:GEOGRAPHY`, `all` or a benchmark code; none: no
    /// such column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_name: Option<String>,
    /// `compare --method` (default `ci95`).
    #[serde(default = "default_method")]
    pub method: String,
    /// The period shown; none: each indicator's latest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Text blocks under the title.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intro: Vec<String>,
    /// Headline findings generated from the statistics (default on).
    #[serde(default = "yes")]
    pub headline: bool,
    /// The locator map: the area within this (`parent:lad16`: its district; `all`: the whole
    /// geography); none: no locator map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locator: Option<String>,
    pub sections: Vec<SectionTemplate>,
    /// State of the Area reports (`report`): the child geography of the heat table and maps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportTemplate>,
}

fn default_method() -> String {
    "ci95".into()
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionTemplate {
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub text: Vec<String>,
    /// Indicator codes, in the order the table shows them.
    pub indicators: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charts: Vec<ChartTemplate>,
}

/// A chart of one indicator of the section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartTemplate {
    /// `bars` (the area and its siblings), `series` (over time) or `map`.
    pub kind: ChartKind,
    pub indicator: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    Bars,
    Series,
    Map,
}

/// What a State of the Area report adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportTemplate {
    /// The geography of the child areas in the heat table (`ward17`).
    pub children: String,
    /// Indicators mapped (headline maps), at the child geography.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maps: Vec<String>,
    /// The indicator that ranks the child areas (most / least deprived or healthy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank_by: Option<String>,
    /// How many areas each ranked list shows (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank_count: Option<usize>,
}

impl Template {
    /// Every indicator code the template names, in order of first appearance.
    pub fn indicators(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let charts = self.sections.iter().flat_map(|s| {
            s.indicators
                .iter()
                .chain(s.charts.iter().map(|c| &c.indicator))
        });
        let report = self
            .report
            .iter()
            .flat_map(|r| r.maps.iter().chain(&r.rank_by));
        for code in charts.chain(report) {
            if !out.contains(code) {
                out.push(code.clone());
            }
        }
        out
    }

    /// The benchmark as `compare` takes it.
    pub fn benchmark_spec(&self) -> Result<BenchmarkSpec> {
        self.benchmark
            .parse()
            .map_err(|e: String| self.invalid(&format!("benchmark: {e}")))
    }

    /// The parent comparator as `compare` takes it, if any.
    pub fn parent_spec(&self) -> Result<Option<BenchmarkSpec>> {
        self.parent
            .as_deref()
            .map(|p| {
                p.parse()
                    .map_err(|e: String| self.invalid(&format!("parent: {e}")))
            })
            .transpose()
    }

    pub fn method_spec(&self) -> Result<CompareMethod> {
        self.method
            .parse()
            .map_err(|e: String| self.invalid(&format!("method: {e}")))
    }

    fn invalid(&self, what: &str) -> Error {
        Error::Invalid(format!(
            "profile template '{}': {what}",
            crate::error::excerpt(&self.name)
        ))
    }

    /// Checks everything that does not need the workspace: format, version, names, specs,
    /// placeholders, at least one indicator.
    pub fn check(&self) -> Result<()> {
        if self.format != FORMAT {
            return Err(Error::Invalid(format!(
                "not a profile template: \"format\" is '{}', expected '{FORMAT}'",
                crate::error::excerpt(&self.format)
            )));
        }
        if self.version > VERSION {
            return Err(newer(self.version));
        }
        crate::data::profile_templates::check_name(&self.name)?;
        self.benchmark_spec()?;
        self.parent_spec()?;
        self.method_spec()?;
        if let Some(l) = &self.locator {
            l.parse::<BenchmarkSpec>()
                .map_err(|e| self.invalid(&format!("locator: {e}")))?;
        }
        if self.indicators().is_empty() {
            return Err(self.invalid("it names no indicator: give each section \"indicators\""));
        }
        let texts = std::iter::once(&self.title).chain(&self.intro).chain(
            self.sections
                .iter()
                .flat_map(|s| std::iter::once(&s.title).chain(&s.text)),
        );
        for t in texts {
            placeholders(t).map_err(|e| self.invalid(&e))?;
        }
        Ok(())
    }
}

fn newer(version: u32) -> Error {
    Error::Invalid(format!(
        "this profile template was made by a newer Local Atlas (template version {version}; \
         this one reads versions up to {VERSION}): upgrade Local Atlas to use it"
    ))
}

/// The placeholders in `text` (`{area}`; `{{` and `}}` are literal braces), or an error
/// naming an unknown or unclosed one.
///
/// ```
/// use local_atlas::ops::profile::template::placeholders;
/// assert_eq!(placeholders("{area} in {parent} {{sic}}").unwrap(), vec!["area", "parent"]);
/// assert!(placeholders("{areas}").unwrap_err().contains("unknown placeholder {areas}"));
/// assert!(placeholders("{area").is_err());
/// ```
pub fn placeholders(text: &str) -> std::result::Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        let (c, after) = (rest.as_bytes()[i], &rest[i + 1..]);
        if after.as_bytes().first() == Some(&c) {
            rest = &after[1..];
            continue;
        }
        if c == b'}' {
            return Err(format!(
                "a lone '}}' in \"{}\" (write }}}} for a brace)",
                crate::error::excerpt(text)
            ));
        }
        let Some(end) = after.find('}') else {
            return Err(format!(
                "an unclosed '{{' in \"{}\"",
                crate::error::excerpt(text)
            ));
        };
        let name = &after[..end];
        if !PLACEHOLDERS.iter().any(|(p, _)| *p == name) {
            let known: Vec<String> = PLACEHOLDERS
                .iter()
                .map(|(p, _)| format!("{{{p}}}"))
                .collect();
            return Err(format!(
                "unknown placeholder {{{}}} in \"{}\"; known: {}",
                crate::error::excerpt(name),
                crate::error::excerpt(text),
                known.join(", ")
            ));
        }
        out.push(name.to_string());
        rest = &after[end + 1..];
    }
    Ok(out)
}

/// `text` with its placeholders replaced by `value(name)` (braces doubled become single).
///
/// ```
/// use local_atlas::ops::profile::template::fill;
/// let s = fill("{area} ({code}) {{x}}", &|p| match p { "area" => "Bolton".into(), _ => "E08000001".into() });
/// assert_eq!(s, "Bolton (E08000001) {x}");
/// ```
pub fn fill(text: &str, value: &impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let (c, after) = (rest.as_bytes()[i], &rest[i + 1..]);
        if after.as_bytes().first() == Some(&c) || c == b'}' {
            out.push(c as char);
            rest = if after.as_bytes().first() == Some(&c) {
                &after[1..]
            } else {
                after
            };
            continue;
        }
        match after.find('}') {
            Some(end) => {
                out.push_str(&value(&after[..end]));
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads a template from JSON (or TOML when `toml` is set), refusing a newer version before
/// anything else (so a newer file's new fields are not reported as mistakes).
pub fn parse(text: &str, toml_file: bool, file: &str) -> Result<Template> {
    let value: serde_json::Value = if toml_file {
        let t: toml::Value = toml::from_str(text)
            .map_err(|e| Error::Invalid(format!("{file}: not a TOML profile template: {e}")))?;
        serde_json::to_value(t).map_err(|e| Error::Invalid(format!("{file}: {e}")))?
    } else {
        serde_json::from_str(text).map_err(|e| {
            Error::Invalid(format!(
                "{file}, line {}, column {}: not a JSON profile template: {e}",
                e.line(),
                e.column()
            ))
        })?
    };
    if let Some(v) = value.get("version").and_then(|v| v.as_u64())
        && v > u64::from(VERSION)
    {
        return Err(Error::Invalid(format!("{file}: {}", newer(v as u32))));
    }
    let t: Template = if toml_file {
        serde_json::from_value(value).map_err(|e| Error::Invalid(format!("{file}: {e}")))?
    } else {
        serde_json::from_str(text).map_err(|e| {
            Error::Invalid(format!(
                "{file}, line {}, column {}: {e}",
                e.line(),
                e.column()
            ))
        })?
    };
    t.check()
        .map_err(|e| Error::Invalid(format!("{file}: {e}")))?;
    Ok(t)
}

/// The template as a file writes it (pretty JSON, or TOML).
pub fn to_text(t: &Template, toml_file: bool) -> Result<String> {
    if toml_file {
        toml::to_string_pretty(t).map_err(|e| Error::Invalid(format!("template as TOML: {e}")))
    } else {
        serde_json::to_string_pretty(t)
            .map(|s| s + "\n")
            .map_err(|e| Error::Invalid(format!("template as JSON: {e}")))
    }
}
