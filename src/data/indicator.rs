//! The indicator model: what an indicator is (its metadata card: title, theme, unit,
//! polarity, source, licence) and one stored value of it (with its status). Every layer uses
//! these types: the importers fill them, the analyses save their results as them, the maps and
//! the front ends read them.

/// Whether a higher value is better, worse, or neither. Drives map colours (darker = worse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    HigherIsBetter,
    LowerIsBetter,
    #[default]
    Neutral,
}

impl Polarity {
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "higher_is_better",
            Polarity::LowerIsBetter => "lower_is_better",
            Polarity::Neutral => "neutral",
        }
    }
    pub fn parse(s: &str) -> Option<Polarity> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "higher_is_better" | "higher_better" | "high" | "rag_high_is_good" | "high_is_good" => {
                Some(Self::HigherIsBetter)
            }
            "lower_is_better" | "lower_better" | "low" | "rag_low_is_good" | "low_is_good" => {
                Some(Self::LowerIsBetter)
            }
            "neutral" | "" | "none" | "bob" | "no_judgement" | "not_applicable" => {
                Some(Self::Neutral)
            }
            _ => None,
        }
    }
}

/// What an indicator's numbers are: measured values, or the codes of a saved analysis result
/// (whose meaning and conventional colours come from `analysis::result_codes`). Stored in the
/// `kind` column of `atlas_indicators`, so a map knows how to draw a result without guessing
/// from its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// Measured or computed values, drawn as a choropleth.
    #[default]
    Value,
    /// LISA cluster codes (`stats lisa --save`).
    LisaCluster,
    /// Gi* hot/cold spot classes (`stats gistar --save`).
    GistarClass,
    /// Per-area siting status (`site --save`).
    SiteStatus,
    /// Each area's comparison with a benchmark (`compare --save`), coded as
    /// `analysis::result_codes::COMPARISON`.
    Comparison,
}

impl IndicatorKind {
    /// The text stored in the workspace.
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Value => "value",
            IndicatorKind::LisaCluster => "lisa_cluster",
            IndicatorKind::GistarClass => "gistar_class",
            IndicatorKind::SiteStatus => "site_status",
            IndicatorKind::Comparison => "comparison",
        }
    }
    /// The kind stored as `s` (unknown text reads as a plain value).
    pub fn parse(s: &str) -> IndicatorKind {
        [
            IndicatorKind::LisaCluster,
            IndicatorKind::GistarClass,
            IndicatorKind::SiteStatus,
            IndicatorKind::Comparison,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .unwrap_or_default()
    }
    /// True for plain values (left out of JSON, which so stays as it was for them).
    pub fn is_value(&self) -> bool {
        *self == IndicatorKind::Value
    }
}

/// How an indicator's small counts are protected in outputs (metadata `disclosure`; METHODS.md
/// "Disclosure control"): not at all; counts 1–5 suppressed (Fingertips' flag); or counts 1–7
/// suppressed and the others rounded to the nearest 5 (NHS Digital's rule for HES).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    #[default]
    None,
    #[serde(rename = "suppress_1_5")]
    Suppress1To5,
    #[serde(rename = "suppress_1_7_round_5")]
    Suppress1To7Round5,
}

impl Disclosure {
    /// The text stored in the workspace and written in metadata files.
    pub fn as_str(self) -> &'static str {
        match self {
            Disclosure::None => "none",
            Disclosure::Suppress1To5 => "suppress_1_5",
            Disclosure::Suppress1To7Round5 => "suppress_1_7_round_5",
        }
    }

    /// The rule a metadata cell names (case and spaces ignored; empty = none).
    ///
    /// ```
    /// use local_atlas::data::indicator::Disclosure;
    /// assert_eq!(Disclosure::parse(" Suppress_1_7_Round_5 "), Some(Disclosure::Suppress1To7Round5));
    /// assert_eq!(Disclosure::parse(""), Some(Disclosure::None));
    /// assert_eq!(Disclosure::parse("suppress_1_4"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Disclosure> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        [
            Disclosure::None,
            Disclosure::Suppress1To5,
            Disclosure::Suppress1To7Round5,
        ]
        .into_iter()
        .find(|d| d.as_str() == s || (s.is_empty() && *d == Disclosure::None))
    }

    /// True when no rule applies (left out of JSON).
    pub fn is_none(&self) -> bool {
        *self == Disclosure::None
    }
}

/// Metadata of one indicator.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct IndicatorMeta {
    pub code: String,
    pub title: String,
    pub theme: String,
    pub definition: String,
    pub unit: String,
    pub decimals: i64,
    pub polarity: Polarity,
    pub source: String,
    pub licence: String,
    pub sensitivity: String,
    /// Values or the codes of a saved result.
    #[serde(default, skip_serializing_if = "IndicatorKind::is_value")]
    pub kind: IndicatorKind,
    /// Shown values are the stored ones times this (100 shows a stored proportion as a
    /// percentage); `None` = shown as stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<f64>,
    /// The lowest and highest value the indicator can take, in stored units (metadata `min`,
    /// `max`): an imported value outside them is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The rule that protects its small counts in every output (metadata `disclosure`).
    #[serde(default, skip_serializing_if = "Disclosure::is_none")]
    pub disclosure: Disclosure,
    /// What its values are for the statistics: `proportion`, `crude_rate`, `dsr`, `isr` or
    /// `mean` (`None` = read from the unit, where a Fingertips import puts it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_type: Option<String>,
    /// value = count ÷ denominator × this (100 for a percentage, 100 000 for a rate per
    /// 100 000); `None` = read off the values. Not the display multiplier above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_multiplier: Option<f64>,
    /// How its confidence limits were computed (`None` = as imported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_method: Option<String>,
}

impl IndicatorMeta {
    /// The factor a stored value is multiplied by to be shown (1 when none is set).
    ///
    /// ```
    /// use local_atlas::data::indicator::IndicatorMeta;
    /// let mut m = IndicatorMeta::default_for("idaci_score");
    /// assert_eq!(m.display_factor(), 1.0);
    /// m.multiplier = Some(100.0);
    /// assert_eq!(m.shown(0.104), 10.4);
    /// ```
    pub fn display_factor(&self) -> f64 {
        self.multiplier
            .filter(|m| m.is_finite() && *m > 0.0)
            .unwrap_or(1.0)
    }

    /// A stored value as it is shown.
    pub fn shown(&self, stored: f64) -> f64 {
        let f = self.display_factor();
        if f == 1.0 {
            stored
        } else {
            // Rounded to 12 significant digits so 0.104 × 100 reads 10.4, not 10.400000000000002.
            let v = stored * f;
            if v == 0.0 || !v.is_finite() {
                return v;
            }
            let scale = 10f64.powi(11 - v.abs().log10().floor() as i32);
            (v * scale).round() / scale
        }
    }

    /// Metadata for an indicator imported without a sidecar entry.
    pub fn default_for(code: &str) -> Self {
        IndicatorMeta {
            code: code.to_string(),
            title: code.to_string(),
            theme: "Uncategorised".into(),
            decimals: 1,
            sensitivity: "public".into(),
            ..Default::default()
        }
    }
}

/// The status of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Suppressed,
    Missing,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Suppressed => "suppressed",
            Status::Missing => "missing",
        }
    }

    /// How `atlas_series_values.status` stores it: 0 ok, 1 suppressed, 2 missing.
    pub fn code(self) -> i64 {
        match self {
            Status::Ok => 0,
            Status::Suppressed => 1,
            Status::Missing => 2,
        }
    }

    /// The status a stored code means (anything unknown reads as missing).
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => Status::Ok,
            1 => Status::Suppressed,
            _ => Status::Missing,
        }
    }
}

/// One value to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    pub indicator: String,
    pub area_code: String,
    pub period: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub lower_ci: Option<f64>,
    pub upper_ci: Option<f64>,
    /// The 99.8% limits (computed by `derive`, or read from a file's `lower_ci_99_8`,
    /// `upper_ci_99_8` columns).
    pub lower_ci_99_8: Option<f64>,
    pub upper_ci_99_8: Option<f64>,
    pub status: Status,
    pub line: u64,
}

impl ValueRow {
    /// A value computed by Local Atlas (a statistic, an index, a siting result): no
    /// associates, status missing when there is no value.
    pub fn computed(indicator: &str, code: &str, period: &str, value: Option<f64>) -> Self {
        ValueRow {
            indicator: indicator.into(),
            area_code: code.into(),
            period: period.into(),
            status: if value.is_some() {
                Status::Ok
            } else {
                Status::Missing
            },
            value,
            numerator: None,
            denominator: None,
            lower_ci: None,
            upper_ci: None,
            lower_ci_99_8: None,
            upper_ci_99_8: None,
            line: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_stored_text() {
        for k in [
            IndicatorKind::Value,
            IndicatorKind::LisaCluster,
            IndicatorKind::GistarClass,
            IndicatorKind::SiteStatus,
            IndicatorKind::Comparison,
        ] {
            assert_eq!(IndicatorKind::parse(k.as_str()), k);
        }
        assert_eq!(IndicatorKind::parse("other"), IndicatorKind::Value);
    }
}
