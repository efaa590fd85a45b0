//! The area codes a partner's point file carries (a GP list's `area_code`, a school list's
//! `lad_code`), checked against the workspace's boundaries when the layer is imported: each
//! column whose name mentions a code and whose values look like ONS codes is matched with the
//! geography that knows most of them, and the codes that match no area are reported with the
//! code they look like (`E0800003 → E08000003`). A warning: the points are still imported.

use super::code_suggestion::likely_code;
use crate::data::source::{AttrValue, SourceLayer};
use crate::error::Result;
use rusqlite::Connection;
use std::collections::{BTreeMap, HashSet};

/// Examples a check lists.
const EXAMPLES: usize = 5;

/// What the check found in one column.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PointCodeCheck {
    pub column: String,
    /// The geography that matches most of the column's codes.
    pub geography: String,
    /// Distinct codes in the column, and how many match an area of the geography.
    pub codes: usize,
    pub matched: usize,
    /// Distinct codes that match no area, the points carrying them, and up to five examples.
    pub unmatched: usize,
    pub unmatched_points: usize,
    pub unmatched_examples: Vec<String>,
    /// Unmatched codes one digit (or a letter O) away from exactly one area code of the
    /// geography, with it ("E0800003 → E08000003").
    pub suggested: Vec<String>,
}

/// Whether a text looks like an ONS/GSS code: a capital letter and eight digits (E01005067,
/// W05000981), allowing a digit too few or too many — the mistakes worth reporting.
fn looks_like_code(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some('E' | 'W' | 'S' | 'N' | 'K' | 'J'))
        && (7..=10).contains(&s.len())
        && c.all(|d| d.is_ascii_digit() || d == 'O')
}

/// The checks of a layer's code columns against the workspace's geographies (none when no
/// column holds codes, or no geography knows any of them).
pub fn check_point_codes(conn: &Connection, layer: &SourceLayer) -> Result<Vec<PointCodeCheck>> {
    let mut geographies: Option<Vec<(String, HashSet<String>)>> = None;
    let mut out = Vec::new();
    for (col, name) in layer.fields.iter().enumerate() {
        if !name.to_lowercase().contains("code") {
            continue;
        }
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for f in &layer.features {
            if let Some(AttrValue::Text(t)) = f.attrs.get(col) {
                *counts.entry(t.trim().to_uppercase()).or_default() += 1;
            }
        }
        let looking = counts.keys().filter(|c| looks_like_code(c)).count();
        if counts.is_empty() || looking * 2 < counts.len() {
            continue;
        }
        let geos = match &geographies {
            Some(g) => g,
            None => geographies.insert(all_codes(conn)?),
        };
        let Some((geography, known)) = geos
            .iter()
            .map(|(g, k)| (g, k, counts.keys().filter(|c| k.contains(*c)).count()))
            .filter(|(_, _, n)| *n > 0)
            .max_by_key(|(_, _, n)| *n)
            .map(|(g, k, _)| (g, k))
        else {
            continue;
        };
        let unmatched: Vec<(&String, &usize)> =
            counts.iter().filter(|(c, _)| !known.contains(*c)).collect();
        out.push(PointCodeCheck {
            column: name.clone(),
            geography: geography.clone(),
            codes: counts.len(),
            matched: counts.len() - unmatched.len(),
            unmatched: unmatched.len(),
            unmatched_points: unmatched.iter().map(|(_, n)| **n).sum(),
            unmatched_examples: unmatched
                .iter()
                .take(EXAMPLES)
                .map(|(c, _)| c.to_string())
                .collect(),
            suggested: unmatched
                .iter()
                .filter_map(|(c, _)| {
                    likely_code(c, |k| known.contains(k)).map(|s| format!("{c} → {s}"))
                })
                .take(EXAMPLES * 2)
                .collect(),
        });
    }
    Ok(out)
}

/// Every geography's area codes.
fn all_codes(conn: &Connection) -> Result<Vec<(String, HashSet<String>)>> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM atlas_geographies ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    names
        .into_iter()
        .map(|g| Ok((g.clone(), super::geography_codes(conn, &g)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::looks_like_code;

    #[test]
    fn ons_codes_and_their_likely_mistakes_look_like_codes() {
        for c in [
            "E08000003",
            "E0800003",
            "E080000033",
            "E08OOOOO3",
            "W05000981",
        ] {
            assert!(looks_like_code(c), "{c}");
        }
        for c in ["M11 1DA", "Manchester", "E08", "1234567890", "E08-000003"] {
            assert!(!looks_like_code(c), "{c}");
        }
    }
}
