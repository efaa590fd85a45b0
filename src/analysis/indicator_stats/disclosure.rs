//! Disclosure control of small counts: the primary rule (METHODS.md "Disclosure control").
//!
//! Two rules are in use in UK health and local-government statistics:
//! - **suppress 1–5** (Fingertips' flag): a count of 1 to 5 is withheld;
//! - **suppress 1–7, round the rest to the nearest 5** (NHS Digital's rule for sub-national
//!   HES/ECDS counts): a count of 1 to 7 is withheld, every other count is published rounded
//!   to the nearest multiple of 5 (halves away from zero: 12.5 → 15).
//!
//! A true 0 is not disclosive and stays 0 under both rules; it is never confused with a
//! withheld value nor with a missing one. A fractional count (a weighted estimate) up to the
//! limit is withheld too.
//!
//! **The count of a value** is its numerator when it has one; otherwise the value itself when
//! the value is a count ([`value_is_count`]: no denominator, and a unit of "count", "number",
//! "people", "persons" or none). A rate or proportion with no numerator has no count to judge
//! it by: under a rule it is withheld ([`Reason::NoCount`]), since it may be a rate of a small
//! count.
//!
//! **Rates, proportions and confidence limits** follow their count: when the count is
//! withheld, so are the value, the numerator and both limits (the denominator, a population,
//! is kept). When the count is published rounded, the numerator is rounded, while a rate and
//! its limits stay as computed from the unrounded count — NHS Digital computes rates from
//! unrounded counts, and a rate recomputed from a rounded count would disagree with its own
//! limits and with the published figures. For an indicator whose value *is* the count, the
//! value is rounded and its limits (computed from the unrounded count, which they would give
//! away) are withheld.
//!
//! Cost: O(1) a value.

/// A rule that protects small counts (the metadata column `disclosure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rule {
    /// Published as stored.
    #[default]
    None,
    /// Counts 1–5 withheld.
    Suppress1To5,
    /// Counts 1–7 withheld, the others rounded to the nearest 5.
    Suppress1To7Round5,
}

impl Rule {
    /// The largest count the rule withholds (0 for [`Rule::None`]).
    pub fn largest_withheld(self) -> f64 {
        match self {
            Rule::None => 0.0,
            Rule::Suppress1To5 => 5.0,
            Rule::Suppress1To7Round5 => 7.0,
        }
    }

    /// True when nothing is withheld.
    pub fn is_none(self) -> bool {
        self == Rule::None
    }

    /// Whether published counts are rounded to the nearest 5.
    pub fn rounds(self) -> bool {
        self == Rule::Suppress1To7Round5
    }

    /// Whether a count is withheld by the rule: more than 0 and at most the limit.
    pub fn withholds(self, count: f64) -> bool {
        count > 0.0 && count <= self.largest_withheld()
    }

    /// One count as published: `None` when withheld, else the count (rounded when the rule
    /// rounds). A true 0 stays 0.
    ///
    /// ```
    /// use local_atlas::analysis::indicator_stats::disclosure::Rule;
    /// assert_eq!(Rule::Suppress1To5.count(0.0), Some(0.0));
    /// assert_eq!(Rule::Suppress1To5.count(5.0), None);
    /// assert_eq!(Rule::Suppress1To5.count(6.0), Some(6.0));
    /// assert_eq!(Rule::Suppress1To7Round5.count(12.5), Some(15.0));
    /// ```
    pub fn count(self, count: f64) -> Option<f64> {
        if self.withholds(count) {
            None
        } else if self.rounds() {
            Some(round_to_5(count))
        } else {
            Some(count)
        }
    }

    /// Counts as published, in order (`None` = withheld).
    ///
    /// ```
    /// use local_atlas::analysis::indicator_stats::disclosure::Rule;
    /// let shown = Rule::Suppress1To7Round5.counts(&[0.0, 3.0, 7.0, 8.0, 12.0, 13.0]);
    /// assert_eq!(shown, [Some(0.0), None, None, Some(10.0), Some(10.0), Some(15.0)]);
    /// ```
    pub fn counts(self, counts: &[f64]) -> Vec<Option<f64>> {
        counts.iter().map(|&c| self.count(c)).collect()
    }
}

/// A count rounded to the nearest multiple of 5 (halves away from zero).
pub fn round_to_5(count: f64) -> f64 {
    (count / 5.0).round() * 5.0
}

/// Whether an indicator's unit says its value is a count (case and spaces ignored; no unit
/// counts as a count, the conservative reading under a rule).
///
/// ```
/// use local_atlas::analysis::indicator_stats::disclosure::is_count_unit;
/// assert!(is_count_unit("Count") && is_count_unit("") && is_count_unit("number"));
/// assert!(!is_count_unit("per 1,000") && !is_count_unit("%"));
/// ```
pub fn is_count_unit(unit: &str) -> bool {
    matches!(
        unit.trim().to_ascii_lowercase().as_str(),
        "" | "count" | "counts" | "number" | "n" | "people" | "persons"
    )
}

/// Whether a value is itself a count: it has no denominator and its indicator's unit is a
/// count's ([`is_count_unit`]).
///
/// ```
/// use local_atlas::analysis::indicator_stats::disclosure::value_is_count;
/// assert!(value_is_count("count", None));
/// assert!(!value_is_count("count", Some(1200.0)));
/// assert!(!value_is_count("per 1,000", None));
/// ```
pub fn value_is_count(unit: &str, denominator: Option<f64>) -> bool {
    denominator.is_none() && is_count_unit(unit)
}

/// The figures of one stored value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Figures {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub lower_ci: Option<f64>,
    pub upper_ci: Option<f64>,
}

/// Why a value is withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Its own count is one the rule withholds.
    Primary,
    /// Withheld so that a primary one cannot be recovered from a total (complementary).
    Secondary,
    /// A rate or proportion with no numerator: no count to judge it by.
    NoCount,
    /// Withheld in the source file already (`*`, `c`…).
    Source,
}

impl Reason {
    /// The word outputs write (`suppression` column and property).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Primary => "primary",
            Reason::Secondary => "secondary",
            Reason::NoCount => "no_count",
            Reason::Source => "source",
        }
    }
}

/// The count a value is judged by: its numerator, else the value when the value is a count.
pub fn count_of(f: &Figures, value_is_count: bool) -> Option<f64> {
    f.numerator.or(if value_is_count { f.value } else { None })
}

/// The rule's verdict on one value (before secondary suppression): `Ok(count)` when it may be
/// published (the count it adds to totals), `Err(reason)` when withheld.
///
/// ```
/// use local_atlas::analysis::indicator_stats::disclosure::{primary, Figures, Reason, Rule};
/// let rate = Figures { value: Some(41.2), numerator: Some(3.0), denominator: Some(728.0), ..Default::default() };
/// assert_eq!(primary(Rule::Suppress1To5, &rate, false), Err(Reason::Primary));
/// let zero = Figures { value: Some(0.0), ..Default::default() };
/// assert_eq!(primary(Rule::Suppress1To5, &zero, true), Ok(0.0));
/// ```
pub fn primary(rule: Rule, f: &Figures, value_is_count: bool) -> Result<f64, Reason> {
    match count_of(f, value_is_count) {
        Some(c) if rule.withholds(c) => Err(Reason::Primary),
        Some(c) => Ok(c),
        None => Err(Reason::NoCount),
    }
}

/// A withheld value's figures: value, numerator and limits empty, the denominator kept.
pub fn withheld(f: &Figures) -> Figures {
    Figures {
        denominator: f.denominator,
        ..Figures::default()
    }
}

/// A published value's figures under the rule: the numerator rounded when the rule rounds; a
/// count-valued indicator's value rounded too and its limits withheld; a rate and its limits
/// kept as computed from the unrounded count.
///
/// ```
/// use local_atlas::analysis::indicator_stats::disclosure::{published, Figures, Rule};
/// let count = Figures { value: Some(13.0), lower_ci: Some(6.9), upper_ci: Some(22.2), ..Default::default() };
/// let shown = published(Rule::Suppress1To7Round5, &count, true);
/// assert_eq!((shown.value, shown.lower_ci), (Some(15.0), None));
/// let rate = Figures { value: Some(17.9), numerator: Some(13.0), denominator: Some(728.0), ..Default::default() };
/// let shown = published(Rule::Suppress1To7Round5, &rate, false);
/// assert_eq!((shown.value, shown.numerator), (Some(17.9), Some(15.0)));
/// ```
pub fn published(rule: Rule, f: &Figures, value_is_count: bool) -> Figures {
    if !rule.rounds() {
        return *f;
    }
    let numerator = f.numerator.map(round_to_5);
    if value_is_count {
        Figures {
            value: f.value.map(round_to_5),
            numerator,
            denominator: f.denominator,
            lower_ci: None,
            upper_ci: None,
        }
    } else {
        Figures { numerator, ..*f }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example() {
        let shown = Rule::Suppress1To7Round5.counts(&[0.0, 3.0, 7.0, 8.0, 12.0, 13.0]);
        assert_eq!(
            shown,
            [Some(0.0), None, None, Some(10.0), Some(10.0), Some(15.0)]
        );
    }

    #[test]
    fn suppress_1_5_keeps_zero_and_six() {
        let shown = Rule::Suppress1To5.counts(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(shown, [Some(0.0), None, None, None, None, None, Some(6.0)]);
        assert_eq!(Rule::Suppress1To5.count(5.5), Some(5.5));
        assert_eq!(Rule::None.count(1.0), Some(1.0));
    }

    #[test]
    fn a_rate_follows_its_numerator() {
        let rate = Figures {
            value: Some(0.4),
            numerator: Some(2.0),
            denominator: Some(5.0),
            lower_ci: Some(0.1),
            upper_ci: Some(0.8),
        };
        assert_eq!(
            primary(Rule::Suppress1To5, &rate, false),
            Err(Reason::Primary)
        );
        let w = withheld(&rate);
        assert_eq!(
            (w.value, w.numerator, w.denominator, w.lower_ci, w.upper_ci),
            (None, None, Some(5.0), None, None)
        );
        // Without a numerator, a rate has no count: withheld under a rule.
        let bare = Figures {
            numerator: None,
            ..rate
        };
        assert_eq!(
            primary(Rule::Suppress1To5, &bare, false),
            Err(Reason::NoCount)
        );
        // A count indicator is its own count.
        let count = Figures {
            value: Some(6.0),
            ..Figures::default()
        };
        assert_eq!(primary(Rule::Suppress1To5, &count, true), Ok(6.0));
    }

    #[test]
    fn rounding_leaves_rates_and_rounds_counts() {
        let rate = Figures {
            value: Some(12.0),
            numerator: Some(12.0),
            denominator: Some(100.0),
            lower_ci: Some(6.2),
            upper_ci: Some(20.9),
        };
        let p = published(Rule::Suppress1To7Round5, &rate, false);
        assert_eq!(
            (p.value, p.numerator, p.lower_ci),
            (Some(12.0), Some(10.0), Some(6.2))
        );
        assert_eq!(published(Rule::Suppress1To5, &rate, false), rate);
        assert_eq!(round_to_5(0.0), 0.0);
        assert_eq!(round_to_5(8.0), 10.0);
        assert_eq!(round_to_5(17.4), 15.0);
    }
}
