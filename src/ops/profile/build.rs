//! Running a template: [`ProfileRun::new`] gathers every indicator's facts for the whole
//! geography once; [`ProfileRun::document`] then makes the profile of one area from them (so a
//! batch of bulletins costs one pass over the data, and the app's live profile re-reads
//! nothing when the area changes).

use super::facts::{Comparators, Facts};
use super::template::{self, ChartKind, Template};
use super::{charts, headline, locator, rows};
use crate::data::parent_maps::parent_maps;
use crate::data::query;
use crate::data::{Workspace, benchmark};
use crate::error::{Error, Result};
use crate::ops::compare::BenchmarkSpec;
use crate::render::report::document::*;
use std::collections::HashMap;

/// A template made ready for one geography: facts of every indicator, area names, parents.
pub struct ProfileRun {
    pub template: Template,
    pub comparators: Comparators,
    pub facts: HashMap<String, Facts>,
    /// Area code → name, for the geography.
    pub names: HashMap<String, String>,
    /// The geography's areas, by code.
    pub codes: Vec<String>,
    pub geography_title: String,
    /// Area code → its parent comparator (code, name), when the parent is `parent:GEOGRAPHY`.
    pub parent_of: HashMap<String, AreaLink>,
    /// The parent column's name when it is one area for all (`all`, a benchmark code).
    pub fixed_parent: Option<AreaLink>,
    /// The date printed, in words.
    pub date: String,
    pub locator: Option<locator::Locator>,
    /// Every period compared, for the indicators drawn as time series.
    pub series: HashMap<String, charts::SeriesData>,
    /// Attribution lines of the boundaries drawn.
    pub attribution: Vec<String>,
}

impl ProfileRun {
    /// Gathers the facts of every indicator the template names at its geography.
    pub fn new(ws: &Workspace, template: &Template) -> Result<ProfileRun> {
        template.check()?;
        let geography = template.geography.clone();
        let geo = query::geographies(ws)?
            .into_iter()
            .find(|g| g.name == geography)
            .ok_or_else(|| Error::UnknownGeography {
                name: geography.clone(),
            })?;
        missing_indicators(ws, template)?;
        let benchmark = template.benchmark_spec()?;
        let benchmark_name = template
            .benchmark_name
            .clone()
            .unwrap_or_else(|| spec_name(&benchmark, &geo.title));
        let comparators = Comparators {
            geography: geography.clone(),
            benchmark,
            benchmark_name,
            parent: template.parent_spec()?,
            method: template.method_spec()?,
            period: template.period.clone(),
        };
        let area_rows = query::area_names(ws, &geography)?;
        let codes: Vec<String> = area_rows.iter().map(|a| a.code.clone()).collect();
        let names: HashMap<String, String> = area_rows
            .into_iter()
            .map(|a| (a.code.clone(), a.name.unwrap_or(a.code)))
            .collect();
        let mut facts = HashMap::new();
        for code in template.indicators() {
            let f = Facts::gather(ws, &code, &comparators, codes.len())?;
            facts.insert(code, f);
        }
        let mut series = HashMap::new();
        for c in template.sections.iter().flat_map(|s| &s.charts) {
            if c.kind == ChartKind::Series && !series.contains_key(&c.indicator) {
                let data = charts::SeriesData::gather(ws, &c.indicator, &comparators)?;
                series.insert(c.indicator.clone(), data);
            }
        }
        let (parent_of, fixed_parent) = parents(ws, template, &comparators)?;
        let locator = match &template.locator {
            Some(l) => Some(locator::Locator::new(
                ws,
                &geography,
                &l.parse().map_err(Error::Invalid)?,
            )?),
            None => None,
        };
        let mut attribution = Vec::new();
        let line = query::geography_attribution(ws, &geography)?;
        if !line.trim().is_empty() {
            attribution.push(line);
        }
        Ok(ProfileRun {
            template: template.clone(),
            comparators,
            facts,
            names,
            codes,
            geography_title: geo.title,
            parent_of,
            fixed_parent,
            date: today(ws)?,
            locator,
            series,
            attribution,
        })
    }

    /// The area code as stored (any case accepted), or an error naming the geography.
    pub fn area_code(&self, code: &str) -> Result<String> {
        self.codes
            .iter()
            .find(|c| c.eq_ignore_ascii_case(code.trim()))
            .cloned()
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "no area with code '{}' in geography '{}' (the template's geography); \
                     `local-atlas find WS TEXT` searches names and codes",
                    crate::error::excerpt(code),
                    self.comparators.geography
                ))
            })
    }

    /// The profile of area `code`.
    pub fn document(&self, code: &str) -> Result<ProfileDocument> {
        let code = self.area_code(code)?;
        let name = self
            .names
            .get(&code)
            .cloned()
            .unwrap_or_else(|| code.clone());
        let parent = self
            .parent_of
            .get(&code)
            .cloned()
            .or_else(|| self.fixed_parent.clone());
        let mut notes = rows::Footnotes::default();
        let mut sections = Vec::new();
        let mut indicator_notes: Vec<IndicatorNote> = Vec::new();
        for s in &self.template.sections {
            let mut out_rows = Vec::new();
            for ind in &s.indicators {
                let f = &self.facts[ind];
                out_rows.push(rows::row(self, f, &code, &mut notes));
                note_of(f, &mut indicator_notes);
            }
            let mut out_charts = Vec::new();
            for c in &s.charts {
                let f = &self.facts[&c.indicator];
                note_of(f, &mut indicator_notes);
                let chart = match c.kind {
                    ChartKind::Bars => charts::bars(self, f, &code).map(Chart::Bars),
                    ChartKind::Series => charts::series(self, f, &code).map(Chart::Series),
                    ChartKind::Map => self
                        .locator
                        .as_ref()
                        .and_then(|l| l.indicator_map(self, f, &code))
                        .map(Chart::Map),
                };
                out_charts.extend(chart);
            }
            sections.push(Section {
                title: s.title.clone(),
                text: s.text.clone(),
                rows: out_rows,
                charts: out_charts,
            });
        }
        let (counts, headline, disclosure) = {
            let all_rows: Vec<&Row> = sections.iter().flat_map(|s| s.rows.iter()).collect();
            let headline = if self.template.headline {
                headline::sentences(&all_rows, &self.comparators.benchmark_name)
            } else {
                Vec::new()
            };
            (
                headline::Counts::of(&all_rows),
                headline,
                rows::disclosure_lines(self, &all_rows),
            )
        };
        let benchmark = self.comparators.benchmark_name.clone();
        let parent_name = parent.as_ref().map(|p| p.name.clone()).unwrap_or_default();
        let value = |p: &str| -> String {
            match p {
                "area" => name.clone(),
                "code" => code.clone(),
                "geography" => self.geography_title.clone(),
                "parent" => parent_name.clone(),
                "benchmark" => benchmark.clone(),
                "date" => self.date.clone(),
                _ => counts.placeholder(p).unwrap_or_default(),
            }
        };
        for s in &mut sections {
            s.title = template::fill(&s.title, &value);
            s.text = s.text.iter().map(|t| template::fill(t, &value)).collect();
        }
        let locator = self
            .locator
            .as_ref()
            .and_then(|l| l.locator_map(&code, &name));
        let mut attribution = self.attribution.clone();
        for n in &indicator_notes {
            if !n.licence.trim().is_empty() && !attribution.contains(&n.licence) {
                attribution.push(n.licence.clone());
            }
        }
        Ok(ProfileDocument {
            template: self.template.name.clone(),
            title: template::fill(&self.template.title, &value),
            area: AreaHead {
                code: code.clone(),
                name: name.clone(),
                geography: self.comparators.geography.clone(),
                geography_title: self.geography_title.clone(),
                parent: parent.clone(),
            },
            date: self.date.clone(),
            headline,
            intro: self
                .template
                .intro
                .iter()
                .map(|t| template::fill(t, &value))
                .collect(),
            columns: ComparatorNames {
                parent: self.template.parent.as_ref().map(|_| {
                    self.template.parent_name.clone().unwrap_or_else(|| {
                        if parent_name.is_empty() {
                            "Parent".into()
                        } else {
                            parent_name.clone()
                        }
                    })
                }),
                benchmark,
                method: format!(
                    "{} confidence",
                    crate::ops::compare_save::method_words(self.comparators.method)
                ),
                range_of: format!("the {} areas of {}", self.codes.len(), self.geography_title),
            },
            sections,
            locator,
            indicators: indicator_notes,
            disclosure,
            attribution,
            footnotes: notes.into_lines(),
        })
    }
}

/// The name of a comparator spec when the template gives none.
fn spec_name(spec: &BenchmarkSpec, geography_title: &str) -> String {
    match spec {
        BenchmarkSpec::Area(code) => benchmark::name(code)
            .map(str::to_string)
            .unwrap_or_else(|| code.clone()),
        BenchmarkSpec::Parent(_) => "Parent".into(),
        BenchmarkSpec::All => format!("All {geography_title} areas"),
    }
}

/// Each area's parent comparator (for `parent:GEOGRAPHY`) or the one for all.
fn parents(
    ws: &Workspace,
    t: &Template,
    c: &Comparators,
) -> Result<(HashMap<String, AreaLink>, Option<AreaLink>)> {
    let Some(spec) = &c.parent else {
        return Ok((HashMap::new(), None));
    };
    match spec {
        BenchmarkSpec::Parent(g) => {
            let map = parent_maps(ws, &c.geography)?
                .into_iter()
                .find(|m| &m.parent_geography == g)
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "profile template '{}': parent {g}: the workspace has no lookup from '{}' \
                         to '{g}'; import one with `local-atlas import lookup`",
                        t.name, c.geography
                    ))
                })?;
            let names: HashMap<String, String> = query::area_names(ws, g)?
                .into_iter()
                .map(|a| (a.code.clone(), a.name.unwrap_or(a.code)))
                .collect();
            let links = map
                .parent_of
                .into_iter()
                .map(|(child, p)| {
                    let link = AreaLink {
                        name: names.get(&p).cloned().unwrap_or_else(|| p.clone()),
                        code: p,
                        geography: g.clone(),
                    };
                    (child, link)
                })
                .collect();
            Ok((links, None))
        }
        BenchmarkSpec::Area(code) => Ok((
            HashMap::new(),
            Some(AreaLink {
                code: code.clone(),
                name: t
                    .parent_name
                    .clone()
                    .or_else(|| benchmark::name(code).map(str::to_string))
                    .unwrap_or_else(|| code.clone()),
                geography: benchmark::BENCHMARK_GEOGRAPHY.into(),
            }),
        )),
        BenchmarkSpec::All => Ok((
            HashMap::new(),
            Some(AreaLink {
                code: crate::ops::compare::ALL_AREAS.into(),
                name: t
                    .parent_name
                    .clone()
                    .unwrap_or_else(|| format!("All {} areas", c.geography)),
                geography: c.geography.clone(),
            }),
        )),
    }
}

/// Refuses a template that names indicators the workspace does not have.
fn missing_indicators(ws: &Workspace, t: &Template) -> Result<()> {
    let known: std::collections::HashSet<String> =
        query::indicators(ws)?.into_iter().map(|i| i.code).collect();
    let missing: Vec<String> = t
        .indicators()
        .into_iter()
        .filter(|c| !known.contains(c))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "profile template '{}' names indicators this workspace does not have: {}; import \
         them, or edit the template (`local-atlas profile-template WS export NAME FILE.json`, \
         then `import FILE.json`)",
        t.name,
        missing.join(", ")
    )))
}

fn note_of(f: &Facts, notes: &mut Vec<IndicatorNote>) {
    if notes.iter().any(|n| n.indicator == f.meta.code) {
        return;
    }
    notes.push(IndicatorNote {
        indicator: f.meta.code.clone(),
        title: f.meta.title.clone(),
        definition: f.meta.definition.clone(),
        source: f.meta.source.clone(),
        licence: f.meta.licence.clone(),
        unit: f.meta.unit.clone(),
        ci_method: f.meta.ci_method.clone(),
    });
}

/// Today's date in words ("2 December 2026"), from the workspace's clock (SQLite).
fn today(ws: &Workspace) -> Result<String> {
    let (y, m, d): (i64, i64, i64) = ws.conn().query_row(
        "SELECT CAST(strftime('%Y','now') AS INTEGER), CAST(strftime('%m','now') AS INTEGER), \
         CAST(strftime('%d','now') AS INTEGER)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(date_words(y, m, d))
}

/// A date as a British reader writes it.
///
/// ```
/// assert_eq!(local_atlas::ops::profile::build::date_words(2026, 12, 2), "2 December 2026");
/// ```
pub fn date_words(y: i64, m: i64, d: i64) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS
        .get((m.clamp(1, 12) - 1) as usize)
        .copied()
        .unwrap_or("");
    format!("{d} {month} {y}")
}
