//! Disclosure control of every output: the one function each output path calls
//! ([`protect`]) to turn an indicator's stored values at a geography and period into the
//! values it may publish, and the override (`--disclosure off --reason TEXT`) with its log.
//!
//! The rule is the indicator's metadata `disclosure` (`none`, `suppress_1_5`,
//! `suppress_1_7_round_5`; see [`crate::analysis::indicator_stats::disclosure`] for what "the
//! count" of a value is and how rates and confidence limits follow it). Saved analysis results
//! (LISA clusters, Gi* classes, siting status) are codes, not counts: no rule applies.
//!
//! Secondary suppression ([`crate::analysis::indicator_stats::secondary`]) runs over the
//! whole table of the indicator's period — every geography that has it — with one equation
//! `parent = Σ children` per parent area of every stored lookup (direct, or through a common
//! finer geography: a ward's district through its LSOAs), a parent's total counting as known
//! when it has no value of its own (it can be aggregated at any time), and one equation per
//! geography for its whole total. So an LSOA table, a ward table and a district table of the
//! same period withhold consistent cells, whichever output asks first: the district total
//! minus the published wards never gives one withheld ward away.

use crate::analysis::indicator_stats::disclosure::{self as rules, Figures, Rule};
use crate::analysis::indicator_stats::secondary::{
    Cell, CellState, Equation, Total, secondary_suppression,
};
use crate::data::indicator::{Disclosure, IndicatorKind, IndicatorMeta, Status};
use crate::data::query::{self, StoredValue};
use crate::data::{Workspace, disclosure_log, parent_maps};
use crate::error::{Error, Result};
use std::collections::{BTreeMap, HashMap};

pub use crate::analysis::indicator_stats::disclosure::Reason;

/// Disclosure control turned off for one output, and why (logged in the workspace).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Override {
    pub reason: String,
}

impl Override {
    /// An override with a reason; refused without one (empty or only spaces).
    ///
    /// ```
    /// use local_atlas::ops::disclosure::Override;
    /// assert!(Override::new("  ").is_err());
    /// assert_eq!(Override::new(" DPIA 12 ").unwrap().reason, "DPIA 12");
    /// ```
    pub fn new(reason: &str) -> Result<Override> {
        let o = Override {
            reason: reason.trim().to_string(),
        };
        o.check()?;
        Ok(o)
    }

    /// Refuses an override without a reason.
    pub fn check(&self) -> Result<()> {
        if self.reason.trim().is_empty() {
            return Err(Error::Invalid(
                "--disclosure off needs --reason TEXT: say why the protected small counts may \
                 be written (the reason is logged in the workspace with the output)"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// Records that `command` wrote `output` of `indicators` with disclosure control off.
pub fn log_override(
    ws: &Workspace,
    command: &str,
    indicators: &[&str],
    output: &str,
    ov: &Override,
) -> Result<()> {
    ov.check()?;
    disclosure_log::record(ws, command, indicators, output, ov.reason.trim())
}

/// Every logged override, oldest first.
pub use crate::data::disclosure_log::{LogEntry, entries as log_entries};

/// The rule that applies to an indicator's values (none for saved analysis results).
pub fn rule_of(meta: &IndicatorMeta) -> Rule {
    if meta.kind != IndicatorKind::Value {
        return Rule::None;
    }
    match meta.disclosure {
        Disclosure::None => Rule::None,
        Disclosure::Suppress1To5 => Rule::Suppress1To5,
        Disclosure::Suppress1To7Round5 => Rule::Suppress1To7Round5,
    }
}

/// A table as it may be published.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Protected {
    /// The values, in the order given: withheld ones with status suppressed and value,
    /// numerator and limits empty; published counts rounded where the rule rounds.
    pub values: Vec<StoredValue>,
    /// Why each withheld value is withheld, by area code (only under a rule).
    pub reasons: HashMap<String, Reason>,
}

impl Protected {
    /// Values published as stored (no rule, or disclosure control off).
    pub fn as_stored(values: Vec<StoredValue>) -> Self {
        Protected {
            values,
            reasons: HashMap::new(),
        }
    }

    /// Why area `code`'s value is withheld, if it is (under a rule).
    pub fn reason(&self, code: &str) -> Option<Reason> {
        self.reasons.get(code).copied()
    }

    /// How many values are withheld for `reason`.
    pub fn count(&self, reason: Reason) -> usize {
        self.reasons.values().filter(|r| **r == reason).count()
    }
}

/// The values of `meta`'s indicator at `geography` and `period` (as [`query::values`] read
/// them) as they may be published.
pub fn protect(
    ws: &Workspace,
    meta: &IndicatorMeta,
    geography: &str,
    period: &str,
    values: Vec<StoredValue>,
) -> Result<Protected> {
    let rule = rule_of(meta);
    if rule == Rule::None {
        return Ok(Protected::as_stored(values));
    }
    let mut table = TableCells::default();
    table.add(meta, rule, geography, &values);
    for (indicator, g, p) in query::series(ws)? {
        if indicator == meta.code && p == period && g != geography {
            table.add(meta, rule, &g, &query::values(ws, &meta.code, &g, period)?);
        }
    }
    let equations = table.equations(ws)?;
    secondary_suppression(&mut table.cells, &equations, rule.largest_withheld());
    let mut reasons = HashMap::new();
    let values = values
        .into_iter()
        .map(|v| {
            let state = table
                .index
                .get(&(geography.to_string(), v.area_code.clone()))
                .map_or(CellState::Missing, |&i| table.cells[i].state);
            publish(rule, meta, v, state, &mut reasons)
        })
        .collect();
    Ok(Protected { values, reasons })
}

/// [`protect`] of the geography's whole table, then the value of area `code` (`None`: no
/// value stored) with the reason it is withheld.
pub fn protected_value(
    ws: &Workspace,
    meta: &IndicatorMeta,
    geography: &str,
    period: &str,
    code: &str,
) -> Result<Option<(StoredValue, Option<Reason>)>> {
    let stored = query::values(ws, &meta.code, geography, period)?;
    let p = protect(ws, meta, geography, period, stored)?;
    let reason = p.reason(code);
    Ok(p.values
        .into_iter()
        .find(|v| v.area_code == code)
        .map(|v| (v, reason)))
}

/// The cells of every geography of one period, indexed by (geography, area code).
#[derive(Default)]
struct TableCells {
    cells: Vec<Cell>,
    index: HashMap<(String, String), usize>,
    /// Geography → its cells, in area-code order.
    by_geography: BTreeMap<String, Vec<usize>>,
}

impl TableCells {
    fn add(&mut self, meta: &IndicatorMeta, rule: Rule, geography: &str, values: &[StoredValue]) {
        let mut mine = Vec::with_capacity(values.len());
        for v in values {
            let i = self.cells.len();
            self.cells.push(cell(meta, rule, v));
            self.index
                .insert((geography.to_string(), v.area_code.clone()), i);
            mine.push(i);
        }
        self.by_geography.insert(geography.to_string(), mine);
    }

    /// One equation per parent area of every lookup from each geography, and one per
    /// geography for its whole total.
    fn equations(&self, ws: &Workspace) -> Result<Vec<Equation>> {
        let mut out = Vec::new();
        for (geography, cells) in &self.by_geography {
            for map in parent_maps::parent_maps(ws, geography)? {
                let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
                for &i in cells {
                    if let Some(parent) = map.parent_of.get(&self.cells[i].key) {
                        groups.entry(parent.as_str()).or_default().push(i);
                    }
                }
                for (parent, members) in groups {
                    let total = self
                        .index
                        .get(&(map.parent_geography.clone(), parent.to_string()))
                        .filter(|&&t| self.cells[t].state != CellState::Missing)
                        .map_or(Total::Known, |&t| Total::Cell(t));
                    out.push(Equation { total, members });
                }
            }
            if cells.len() > 1 {
                out.push(Equation {
                    total: Total::Known,
                    members: cells.clone(),
                });
            }
        }
        Ok(out)
    }
}

fn figures(v: &StoredValue) -> Figures {
    Figures {
        value: v.value.filter(|x| x.is_finite()),
        numerator: v.numerator,
        denominator: v.denominator,
        lower_ci: v.lower_ci,
        upper_ci: v.upper_ci,
    }
}

/// A stored value as a cell of the table: its primary verdict and true count.
fn cell(meta: &IndicatorMeta, rule: Rule, v: &StoredValue) -> Cell {
    let f = figures(v);
    let is_count = rules::value_is_count(&meta.unit, f.denominator);
    let (count, state) = match v.status {
        Status::Suppressed => (None, CellState::Withheld(Reason::Source)),
        Status::Missing => (None, CellState::Missing),
        Status::Ok if f.value.is_none() && f.numerator.is_none() => (None, CellState::Missing),
        Status::Ok => match rules::primary(rule, &f, is_count) {
            Ok(c) => (Some(c), CellState::Published),
            Err(reason) => (rules::count_of(&f, is_count), CellState::Withheld(reason)),
        },
    };
    Cell {
        key: v.area_code.clone(),
        count,
        state,
    }
}

/// The value as published in its final state.
fn publish(
    rule: Rule,
    meta: &IndicatorMeta,
    v: StoredValue,
    state: CellState,
    reasons: &mut HashMap<String, Reason>,
) -> StoredValue {
    let f = figures(&v);
    let shown = match state {
        CellState::Missing => return v,
        CellState::Published => {
            rules::published(rule, &f, rules::value_is_count(&meta.unit, f.denominator))
        }
        CellState::Withheld(reason) => {
            reasons.insert(v.area_code.clone(), reason);
            rules::withheld(&f)
        }
    };
    StoredValue {
        value: shown.value,
        numerator: shown.numerator,
        denominator: shown.denominator,
        lower_ci: shown.lower_ci,
        upper_ci: shown.upper_ci,
        // The 99.8% limits go where the 95% ones go (withheld with the count).
        lower_ci_99_8: v.lower_ci_99_8.filter(|_| shown.lower_ci.is_some()),
        upper_ci_99_8: v.upper_ci_99_8.filter(|_| shown.upper_ci.is_some()),
        status: if matches!(state, CellState::Withheld(_)) {
            Status::Suppressed
        } else {
            v.status
        },
        area_code: v.area_code,
    }
}
