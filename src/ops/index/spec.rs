//! The index spec: the TOML recipe of a composite index (documented in README.md,
//! "Deprivation indices and service siting").

use crate::analysis::composite::sensitivity::SensitivityOptions;
use crate::analysis::composite::{Direction, Input, MissingPolicy, Transform};
use crate::error::{Error, InputError, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The index recipe (the TOML file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexSpec {
    pub name: String,
    pub geography: String,
    /// Period of the inputs (default: each indicator's latest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// `imd2019`, `townsend` or `carstairs`: fills weight, input and transform of domains
    /// whose `name` is one of the preset's roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    #[serde(default)]
    pub missing: MissingPolicy,
    /// An indicator (e.g. population) weighting the mean and variance of every `zscore` and
    /// `log_zscore` domain, as the published Carstairs scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zscore_weights: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<SensitivityOptions>,
    /// Rank the scores against a supplied (e.g. national) set of scores instead of among the
    /// workspace's areas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank_against: Option<RankAgainst>,
    #[serde(rename = "domain")]
    pub domains: Vec<DomainSpec>,
}

/// `[rank_against]`: a CSV column of reference scores (a path relative to the spec file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankAgainst {
    pub file: std::path::PathBuf,
    pub column: String,
}

/// One `[[domain]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DomainSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Input>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<Transform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Instead of `indicator`: components combined (by their weights) into the domain score.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<DomainSpec>,
}

/// The largest index spec file read: 1 MiB. A spec is a few dozen lines of TOML; the limit
/// stops `--spec /dev/zero` or a mistaken multi-gigabyte file from being read into memory.
pub const MAX_SPEC_BYTES: u64 = 1 << 20;

/// Reads a spec file (at most [`MAX_SPEC_BYTES`], a regular file); errors name the file and
/// line.
pub fn read_spec(path: &Path) -> Result<IndexSpec> {
    let file = path.display().to_string();
    let bytes = crate::data::read_limited::read_limited(path, MAX_SPEC_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::from(
            InputError::new(&file, "is not UTF-8 text")
                .line(line_at(
                    &String::from_utf8_lossy(e.as_bytes()),
                    e.utf8_error().valid_up_to(),
                ))
                .hint("save the spec as UTF-8 (plain text) TOML"),
        )
    })?;
    let mut spec = parse_spec(&file, &text)?;
    if let Some(r) = &mut spec.rank_against
        && r.file.is_relative()
        && let Some(dir) = path.parent()
    {
        r.file = dir.join(&r.file);
    }
    Ok(spec)
}

/// Parses spec text (`file` names it in errors) and checks its options' ranges (weights,
/// `of`, `[sensitivity]`), naming the line of a value out of range.
pub fn parse_spec(file: &str, text: &str) -> Result<IndexSpec> {
    let spec = toml::from_str::<IndexSpec>(text).map_err(|e| {
        let line = e.span().map(|span| line_at(text, span.start));
        // Quote the line (cut short): toml's message alone may not name the key.
        let source = line
            .and_then(|l| text.lines().nth(l as usize - 1))
            .map(str::trim)
            .filter(|l| !l.is_empty());
        let message = match source {
            Some(src) => format!("{} (in `{}`)", e.message(), crate::error::excerpt(src)),
            None => e.message().to_string(),
        };
        let mut err = InputError::new(file, message).hint(
            "See README.md, \"Deprivation indices and service siting\", for the index spec format",
        );
        if let Some(line) = line {
            err = err.line(line);
        }
        Error::from(err)
    })?;
    super::spec_check::check(file, text, &spec)?;
    Ok(spec)
}

/// The 1-based line of byte `at` in `text`.
pub(super) fn line_at(text: &str, at: usize) -> u64 {
    let at = at.min(text.len());
    text.as_bytes()[..at]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_parses_the_issue_form_and_reports_lines() {
        let text = r#"
name = "IMD 2019 rebuilt"
geography = "lsoa11"
[[domain]]
indicator = "income_rank"
input = "rank"
of = 32844
direction = "higher_is_worse"
transform = "exponential"
weight = 0.225
"#;
        let spec = parse_spec("x.toml", text).unwrap();
        assert_eq!(spec.domains.len(), 1);
        assert_eq!(spec.domains[0].of, Some(32844.0));
        let bad = parse_spec(
            "x.toml",
            "name = \"a\"\ngeography = \"g\"\n[[domain]]\ntransform = \"cubic\"\n",
        );
        let msg = bad.unwrap_err().to_string();
        assert!(msg.contains("x.toml, line 4"), "{msg}");
        let negative = parse_spec(
            "x.toml",
            "name = \"a\"\ngeography = \"g\"\n[sensitivity]\ndraws = -1\n[[domain]]\n",
        );
        let msg = negative.unwrap_err().to_string();
        assert!(
            msg.contains("line 4") && msg.contains("draws = -1"),
            "{msg}"
        );
    }
}
