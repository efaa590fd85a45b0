//! Fingertips-style breakdowns of a long-form file: the `sex`, `age`, `category_type` and
//! `category` columns split one indicator × area × period into several rows (Persons, Male,
//! Female; each age band; deprivation deciles). A first pass over the file decides, per
//! indicator, which rows are its *headline* (no category; Persons when the indicator has
//! Persons rows, else its most common sex; then "All ages" when present, else the most common
//! age, ties to the first seen) and gathers the metadata the file carries (`indicator_name`,
//! `polarity`, `value_type`). With [`Breakdown::All`] the other rows are kept too, their
//! indicator code suffixed with the breakdown (`92708 | Male | 0-4 yrs`). An indicator whose
//! chosen rows still give two values for one area and period (e.g. quarterly rows under a
//! financial year) is skipped and reported, since no rule says which value is the one.

use super::csv_stream::CsvStream;
use crate::data::indicator::{IndicatorMeta, Polarity};
use crate::error::Result;
use std::collections::{HashMap, HashSet};

/// Which rows of a file with breakdown columns are imported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    /// One row per indicator × area × period: the headline breakdown.
    #[default]
    Headline,
    /// Every row; rows other than the headline get the breakdown in their indicator code.
    All,
}

impl std::str::FromStr for Breakdown {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "headline" => Ok(Self::Headline),
            "all" => Ok(Self::All),
            other => Err(format!("unknown breakdown '{other}'; use headline or all")),
        }
    }
}

/// The breakdown and metadata columns a file has.
#[derive(Debug, Clone, Default)]
struct Columns {
    sex: Option<usize>,
    age: Option<usize>,
    category_type: Option<usize>,
    category: Option<usize>,
    title: Option<usize>,
    polarity: Option<usize>,
    value_type: Option<usize>,
}

impl Columns {
    fn any_breakdown(&self) -> bool {
        self.sex.is_some()
            || self.age.is_some()
            || self.category_type.is_some()
            || self.category.is_some()
    }
}

/// What the first pass decided.
#[derive(Debug, Default)]
pub(crate) struct BreakdownPlan {
    cols: Columns,
    mode: Breakdown,
    indicator: usize,
    /// Indicator → its headline (sex, age).
    headline: HashMap<String, (String, String)>,
    /// Indicator codes (as stored) skipped because two chosen rows share an area and period.
    pub ambiguous: Vec<String>,
    ambiguous_set: HashSet<String>,
    /// Metadata read from the file, by stored indicator code.
    pub meta: HashMap<String, IndicatorMeta>,
}

/// The fate of one record.
pub(crate) enum Keep {
    /// Skipped (not the headline, or an ambiguous indicator).
    Skip,
    /// Kept under its own indicator code.
    AsIs,
    /// Kept under this code (the breakdown appended).
    As(String),
}

fn cell(s: &CsvStream, c: Option<usize>) -> String {
    c.map(|c| s.cell(c).trim().to_string()).unwrap_or_default()
}

impl BreakdownPlan {
    /// Reads the file once (from its start, `stream` is not moved) when it has breakdown or
    /// metadata columns; `None` when it has neither.
    pub fn read(
        stream: &CsvStream,
        indicator: usize,
        code: usize,
        period: Option<usize>,
        mode: Breakdown,
    ) -> Result<Option<Self>> {
        let h = &stream.columns;
        let cols = Columns {
            sex: h.find(&["sex"]),
            age: h.find(&["age"]),
            category_type: h.find(&["category_type", "categorytype"]),
            category: h.find(&["category"]),
            title: h.find(&["indicator_name", "indicatorname", "indicator_title"]),
            polarity: h.find(&["polarity"]),
            value_type: h.find(&["value_type", "valuetype"]),
        };
        if !cols.any_breakdown() && cols.title.is_none() && cols.polarity.is_none() {
            return Ok(None);
        }
        let mut plan = BreakdownPlan {
            cols,
            mode,
            indicator,
            ..Default::default()
        };
        // Pass 1: counts of (sex, age) among the rows without a category, per indicator.
        type Counts = Vec<((String, String), usize)>;
        let mut counts: HashMap<String, Counts> = HashMap::new();
        let mut again = stream.reopen()?;
        while again.next_record()?.is_some() {
            let id = again.cell(indicator).trim().to_string();
            plan.note_meta(&again, &id, &id);
            if plan.has_category(&again) {
                continue;
            }
            let key = (cell(&again, plan.cols.sex), cell(&again, plan.cols.age));
            let v = counts.entry(id).or_default();
            match v.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => v.push((key, 1)),
            }
        }
        for (id, v) in counts {
            let persons = v
                .iter()
                .any(|((s, _), _)| s.eq_ignore_ascii_case("persons"));
            let sex = if persons {
                v.iter()
                    .find(|((s, _), _)| s.eq_ignore_ascii_case("persons"))
                    .map(|((s, _), _)| s.clone())
            } else {
                let mut by_sex: Vec<(String, usize)> = Vec::new();
                for ((s, _), n) in &v {
                    match by_sex.iter_mut().find(|(t, _)| t == s) {
                        Some((_, m)) => *m += n,
                        None => by_sex.push((s.clone(), *n)),
                    }
                }
                most_common(&by_sex)
            }
            .unwrap_or_default();
            let ages: Vec<(String, usize)> = v
                .iter()
                .filter(|((s, _), _)| *s == sex)
                .map(|((_, a), n)| (a.clone(), *n))
                .collect();
            let age = ages
                .iter()
                .find(|(a, _)| a.eq_ignore_ascii_case("all ages"))
                .map(|(a, _)| a.clone())
                .or_else(|| most_common(&ages))
                .unwrap_or_default();
            plan.headline.insert(id, (sex, age));
        }
        // Pass 2: keys of the kept rows, to find indicators with two values for one key.
        let mut seen: HashSet<(String, String, String)> = HashSet::new();
        let mut again = stream.reopen()?;
        while again.next_record()?.is_some() {
            let code_of = match plan.keep_unchecked(&again) {
                Keep::Skip => continue,
                Keep::AsIs => again.cell(indicator).trim().to_string(),
                Keep::As(c) => {
                    let id = again.cell(indicator).trim().to_string();
                    plan.note_meta(&again, &id, &c);
                    c
                }
            };
            let per = cell(&again, period);
            let key = (code_of.clone(), again.cell(code).trim().to_uppercase(), per);
            if !seen.insert(key) && plan.ambiguous_set.insert(code_of.clone()) {
                plan.ambiguous.push(code_of);
            }
        }
        plan.ambiguous.sort();
        Ok(Some(plan))
    }

    fn has_category(&self, s: &CsvStream) -> bool {
        !cell(s, self.cols.category_type).is_empty() || !cell(s, self.cols.category).is_empty()
    }

    /// The metadata a record carries for indicator `stored` (first record of it wins).
    fn note_meta(&mut self, s: &CsvStream, id: &str, stored: &str) {
        if self.meta.contains_key(stored) {
            return;
        }
        let mut m = IndicatorMeta::default_for(stored);
        let title = cell(s, self.cols.title);
        if !title.is_empty() {
            m.title = if stored == id {
                title
            } else {
                format!(
                    "{title} ({})",
                    &stored[id.len()..]
                        .trim_start_matches(" | ")
                        .replace(" | ", ", ")
                )
            };
        }
        if let Some(p) = Polarity::parse(&cell(s, self.cols.polarity)) {
            m.polarity = p;
        }
        let vt = cell(s, self.cols.value_type);
        if !vt.is_empty() {
            m.unit = vt;
        }
        self.meta.insert(stored.to_string(), m);
    }

    fn keep_unchecked(&self, s: &CsvStream) -> Keep {
        if !self.cols.any_breakdown() {
            return Keep::AsIs;
        }
        let id = s.cell(self.indicator);
        let id = id.trim();
        let (sex, age) = (cell(s, self.cols.sex), cell(s, self.cols.age));
        let headline = !self.has_category(s)
            && self
                .headline
                .get(id)
                .is_some_and(|(hs, ha)| *hs == sex && *ha == age);
        if headline {
            return Keep::AsIs;
        }
        match self.mode {
            Breakdown::Headline => Keep::Skip,
            Breakdown::All => {
                let parts: Vec<String> = [
                    sex,
                    age,
                    cell(s, self.cols.category_type),
                    cell(s, self.cols.category),
                ]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect();
                Keep::As(format!("{id} | {}", parts.join(" | ")))
            }
        }
    }

    /// Whether (and as what) the current record is imported.
    pub fn keep(&self, s: &CsvStream) -> Keep {
        let k = self.keep_unchecked(s);
        let code = match &k {
            Keep::Skip => return Keep::Skip,
            Keep::AsIs => s.cell(self.indicator).trim().to_string(),
            Keep::As(c) => c.clone(),
        };
        if self.ambiguous_set.contains(&code) {
            Keep::Skip
        } else {
            k
        }
    }
}

fn most_common(v: &[(String, usize)]) -> Option<String> {
    let max = v.iter().map(|(_, n)| *n).max()?;
    v.iter().find(|(_, n)| *n == max).map(|(k, _)| k.clone())
}
