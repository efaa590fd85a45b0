//! Range checks of an index spec's numbers, with the spec file and line of a bad value: domain
//! and component weights finite, 0 to [`MAX_WEIGHT`] and not all 0 (1.7e308 or all 0 would
//! rank every area the same), `of` a count ≥ 1, and the `[sensitivity]` options
//! ([`SensitivityOptions::problem`]).

use super::spec::{DomainSpec, IndexSpec, line_at};
use crate::analysis::composite::MAX_WEIGHT;
use crate::error::{InputError, Result};

/// Checks `spec` (parsed from `text` of `file`).
pub(super) fn check(file: &str, text: &str, spec: &IndexSpec) -> Result<()> {
    let bad = |key: &str, value: f64, message: String, hint: &str| {
        let mut e = InputError::new(file, message).hint(hint);
        if let Some(line) = line_of(text, key, value) {
            e = e.line(line);
        }
        Err(e.into())
    };
    for d in spec
        .domains
        .iter()
        .chain(spec.domains.iter().flat_map(|d| &d.components))
    {
        let name = domain_name(d);
        if let Some(w) = d.weight
            && !(w.is_finite() && (0.0..=MAX_WEIGHT).contains(&w))
        {
            return bad(
                "weight",
                w,
                format!("weight = {w} of '{name}' is not usable"),
                &format!(
                    "use a weight from 0 to {MAX_WEIGHT:e} (weights are relative, e.g. 0.225)"
                ),
            );
        }
        if let Some(of) = d.of
            && !(of.is_finite() && of >= 1.0)
        {
            return bad(
                "of",
                of,
                format!("of = {of} of '{name}' is not the size of a ranking"),
                "give the number of areas ranked, e.g. 32844 for English LSOAs",
            );
        }
    }
    let all_zero = !spec.domains.is_empty() && spec.domains.iter().all(|d| d.weight == Some(0.0));
    if all_zero {
        return bad(
            "weight",
            0.0,
            "every domain has weight = 0, so every area would rank the same".into(),
            "give the domains weights above 0",
        );
    }
    if let Some(s) = &spec.sensitivity
        && let Some((key, what)) = s.problem()
    {
        let value = match key {
            "draws" => s.draws as f64,
            "concentration" => s.concentration,
            "interval" => s.interval,
            _ => s.unstable_share,
        };
        return bad(
            key,
            value,
            format!("[sensitivity] {what}"),
            "see README.md, \"Deprivation indices and service siting\"",
        );
    }
    Ok(())
}

fn domain_name(d: &DomainSpec) -> String {
    d.name
        .clone()
        .or_else(|| d.indicator.clone())
        .unwrap_or_else(|| "a domain".into())
}

/// The line of the first `key = value` in `text` whose value reads as `value` (NaN matches
/// NaN), else of the first `key = …`: the place a range error points the user to.
///
/// ```ignore
/// assert_eq!(line_of("a = 1\nweight = 2\nweight = 1.7e308\n", "weight", 1.7e308), Some(3));
/// ```
fn line_of(text: &str, key: &str, value: f64) -> Option<u64> {
    let mut first = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let Some(rest) = line.trim_start().strip_prefix(key) else {
            continue;
        };
        let Some(v) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let v = v.split('#').next().unwrap_or("").trim().replace('_', "");
        let n = line_at(text, start);
        first.get_or_insert(n);
        let parsed: Option<f64> = match v.trim_start_matches('+') {
            "nan" | "-nan" => Some(f64::NAN),
            "inf" => Some(f64::INFINITY),
            "-inf" => Some(f64::NEG_INFINITY),
            other => other.parse().ok(),
        };
        if parsed.is_some_and(|p| p == value || (p.is_nan() && value.is_nan())) {
            return Some(n);
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::index::parse_spec;

    const HEAD: &str = "name = \"t\"\ngeography = \"g\"\n";

    fn error(body: &str) -> String {
        parse_spec("s.toml", &format!("{HEAD}{body}"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn finds_the_line_of_the_bad_value() {
        let text = "a = 1\nweight = 2\nweight = 1.7e308 # big\n";
        assert_eq!(line_of(text, "weight", 1.7e308), Some(3));
        assert_eq!(line_of(text, "weight", 9.0), Some(2));
    }

    #[test]
    fn weights_out_of_range_or_all_zero_are_refused_with_the_line() {
        let e = error("[[domain]]\nindicator = \"a\"\nweight = 1.7e308\n");
        assert!(
            e.starts_with("s.toml, line 5") && e.contains("weight"),
            "{e}"
        );
        let e = error("[[domain]]\nindicator = \"a\"\nweight = nan\n");
        assert!(e.contains("line 5"), "{e}");
        let e = error(
            "[[domain]]\nindicator = \"a\"\nweight = 0\n[[domain]]\nindicator = \"b\"\nweight = 0.0\n",
        );
        assert!(e.contains("every domain has weight = 0"), "{e}");
    }

    #[test]
    fn sensitivity_options_out_of_range_are_refused_with_the_line() {
        let domain = "[[domain]]\nindicator = \"a\"\nweight = 1\n";
        for (opt, needle) in [
            ("draws = 100000000", "draws"),
            ("draws = 0", "draws"),
            ("concentration = 0", "concentration"),
            ("concentration = nan", "concentration"),
            ("interval = 2.5", "interval"),
            ("interval = 1.0", "interval"),
            ("unstable_share = -1", "unstable_share"),
        ] {
            let e = error(&format!("{domain}[sensitivity]\n{opt}\n"));
            assert!(
                e.starts_with("s.toml, line 7") && e.contains(needle),
                "{opt}: {e}"
            );
        }
        parse_spec(
            "s.toml",
            &format!("{HEAD}{domain}[sensitivity]\ndraws = 500\n"),
        )
        .unwrap();
    }
}
