//! What an import did (or, for a trial, would do), and the one plain-language summary both
//! front ends show: the CLI prints "imported …" / "would import …" before it, the app
//! "Imported: …" / "Check: …".

use crate::data::import::boundaries::BoundaryReport;
use crate::data::import::indicators::IndicatorReport;
use crate::data::import::lookup::LookupReport;
use crate::data::import::points::PointReport;
use crate::data::import::quality::QualityCheck;
use serde::Serialize;

/// What an import did (or would do). Serialised as the inner report alone: the `--json`
/// contract of each `import` command.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum ImportReport {
    Boundaries(BoundaryReport),
    Indicators(IndicatorReport),
    Points(PointReport),
    Lookup(LookupReport),
}

impl ImportReport {
    /// The summary: a first line of counts, then one line per warning.
    pub fn summary(&self) -> String {
        match self {
            Self::Boundaries(r) => boundaries(r),
            Self::Indicators(r) => indicators(r),
            Self::Points(r) => points(r),
            Self::Lookup(r) => format!(
                "lookup {} → {} ({} → {}): {} areas into {} groups; {} '{}' areas not covered",
                r.from,
                r.to,
                r.from_field,
                r.to_field,
                r.rows,
                r.to_areas,
                r.from_not_covered,
                r.from
            ),
        }
    }

    /// Distinct codes that match no boundary (indicators only).
    pub fn unmatched(&self) -> usize {
        match self {
            Self::Indicators(r) => r.unmatched,
            _ => 0,
        }
    }
}

fn boundaries(r: &BoundaryReport) -> String {
    let mut s = format!(
        "{} areas into '{}' from {} ({} → EPSG:27700; code field {}, name field {}); {} single-part, {} multi-part, {} holes, total area {:.1} km²",
        r.features,
        r.geography,
        r.file,
        r.source_crs,
        r.code_field,
        r.name_field.as_deref().unwrap_or("none"),
        r.single_part,
        r.multi_part,
        r.holes,
        r.total_area_m2 / 1e6
    );
    if !r.invalid.is_empty() {
        s.push_str(&format!(
            "\nwarning: {} area(s) have invalid geometry (kept as they are): {}",
            r.invalid.len(),
            r.invalid.join(", ")
        ));
        for reason in r.invalid_reasons.iter().take(SHOWN_REASONS) {
            s.push_str(&format!("\n  {reason}"));
        }
        if r.invalid_reasons.len() > SHOWN_REASONS {
            let more = r.invalid_reasons.len() - SHOWN_REASONS;
            s.push_str(&format!(
                "\n  … and {more} more (all in --json: invalid_reasons)"
            ));
        }
    }
    if !r.unchecked.is_empty() {
        s.push_str(&format!(
            "\nwarning: {} area(s) are too complex to check for validity in bounded time (kept as they are, not judged): {}",
            r.unchecked.len(),
            r.unchecked.join(", ")
        ));
    }
    s
}

/// How many invalid-geometry reasons the text summary lists (the JSON has them all).
const SHOWN_REASONS: usize = 5;

fn indicators(r: &IndicatorReport) -> String {
    let examples = if r.unmatched_examples.is_empty() {
        String::new()
    } else {
        format!(" (e.g. {})", r.unmatched_examples.join(", "))
    };
    let mut s = format!(
        "{} matched area codes, {} unmatched{examples}; {} values of {} indicator(s) ({}) for '{}' ({} form, period(s) {}): {} ok, {} suppressed, {} missing",
        r.matched,
        r.unmatched,
        r.values,
        r.indicators.len(),
        // A wide file may have thousands of columns: at most 20 codes are listed.
        crate::data::import::csv_headers::column_list(&r.indicators),
        r.geography,
        r.form,
        r.periods.join(", "),
        r.ok,
        r.suppressed,
        r.missing
    );
    if !r.suggested_codes.is_empty() {
        s.push_str(&format!(
            "\nlooks mistyped (not applied): {}",
            r.suggested_codes.join(", ")
        ));
    }
    if !r.skipped_columns.is_empty() {
        s.push_str(&format!(
            "\nskipped text column(s): {}",
            r.skipped_columns.join(", ")
        ));
    }
    if r.skipped_rows > 0 {
        s.push_str(&format!(
            "\nwarning: {} code(s) match no boundary{examples}; their {} row(s) are skipped",
            r.unmatched, r.skipped_rows
        ));
    }
    if r.fixed_codes > 0 {
        s.push_str(&format!(
            "\nfixed: {} area code(s) matched once trimmed and in upper case (e.g. {})",
            r.fixed_codes,
            r.fixed_code_examples.join("; ")
        ));
    }
    if r.fixed_values > 0 {
        s.push_str(&format!(
            "\nfixed: {} value(s) read once a currency symbol or % was removed (e.g. {})",
            r.fixed_values,
            r.fixed_value_examples.join("; ")
        ));
    }
    if r.outside_ci > 0 {
        s.push_str(&format!(
            "\nwarning: {} value(s) lie outside their own confidence interval, kept as published (e.g. {})",
            r.outside_ci,
            r.outside_ci_examples.join("; ")
        ));
    }
    // Values outside their interval and mistyped codes have their own lines above.
    for w in r.warnings.iter().filter(|w| {
        !matches!(
            w.check,
            QualityCheck::OutsideCi | QualityCheck::MistypedCodes
        )
    }) {
        s.push_str(&format!(
            "
warning: {}",
            w.message
        ));
    }
    s
}

/// A point layer's summary; located by postcode, the counts of each kind of match.
fn points(r: &crate::data::import::points::PointReport) -> String {
    let mut s = format!(
        "{} points into layer '{}' ({} → EPSG:27700)",
        r.features, r.layer, r.source_crs
    );
    for c in r.area_codes.iter().filter(|c| c.unmatched > 0) {
        s.push_str(&format!(
            "\nwarning: column '{}': {} of {} codes ({} points) match no area of {} (e.g. {})",
            c.column,
            c.unmatched,
            c.codes,
            c.unmatched_points,
            c.geography,
            c.unmatched_examples.join(", ")
        ));
        if !c.suggested.is_empty() {
            s.push_str(&format!("; they look mistyped: {}", c.suggested.join(", ")));
        }
    }
    if let Some(m) = &r.postcodes {
        s.push_str(&format!(
            "\nby postcode ('{}'): {} live, {} terminated (placed at their last location), {} unknown and {} invalid skipped",
            m.field, m.live, m.terminated, m.unknown, m.invalid
        ));
        for (what, ex) in [
            ("unknown", &m.unknown_examples),
            ("invalid", &m.invalid_examples),
            ("terminated", &m.terminated_examples),
        ] {
            if !ex.is_empty() {
                s.push_str(&format!("\n  {what}: {}", ex.join("; ")));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator_report() -> IndicatorReport {
        IndicatorReport {
            file: "f.csv".into(),
            geography: "lsoa11".into(),
            form: "wide".into(),
            code_field: "LSOA code".into(),
            matched: 3,
            indicators: vec!["places".into()],
            periods: vec!["2024".into()],
            values: 3,
            ok: 3,
            unmatched: 1,
            unmatched_examples: vec!["E09999999".into()],
            skipped_rows: 1,
            skipped_columns: vec!["name".into()],
            ..Default::default()
        }
    }

    #[test]
    fn indicator_summary_leads_with_the_matches_and_warns_of_skipped_rows() {
        let s = ImportReport::Indicators(indicator_report()).summary();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(
            lines,
            [
                "3 matched area codes, 1 unmatched (e.g. E09999999); 3 values of 1 indicator(s) (places) for 'lsoa11' (wide form, period(s) 2024): 3 ok, 0 suppressed, 0 missing",
                "skipped text column(s): name",
                "warning: 1 code(s) match no boundary (e.g. E09999999); their 1 row(s) are skipped",
            ]
        );
    }

    #[test]
    fn a_clean_indicator_import_has_one_line() {
        let r = IndicatorReport {
            unmatched: 0,
            unmatched_examples: vec![],
            skipped_rows: 0,
            skipped_columns: vec![],
            ..indicator_report()
        };
        let s = ImportReport::Indicators(r).summary();
        assert!(
            s.starts_with("3 matched area codes, 0 unmatched; 3 values"),
            "{s}"
        );
        assert_eq!(s.lines().count(), 1);
    }
}
