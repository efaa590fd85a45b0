//! Find anything: one search over the names and codes of every geography's areas, the
//! indicators' codes and titles, and the postcodes of the workspace's postcode lookup (a
//! postcode is found as the LSOA it lies in), as the app's search box and `local-atlas find` use it. Best
//! matches first: exact, then starting with the text, then a word starting with it, then
//! containing it; among equals, coarser geographies (fewer areas) first, so "Bolton" the
//! district comes before the LSOAs "Bolton 001A"….

use crate::data::Workspace;
use crate::data::geography_title;
use crate::data::query;
use crate::error::{Error, Result};
use serde::Serialize;

/// The most results returned by default.
pub const DEFAULT_LIMIT: usize = 50;

/// What a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FoundKind {
    Area,
    Indicator,
    /// A postcode of the workspace's postcode lookup: `geography` and `code` are the area it
    /// lies in (its LSOA), `name` the postcode.
    Postcode,
}

/// One match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    pub kind: FoundKind,
    /// The area's geography (for areas) or the geography with the indicator's values.
    pub geography: String,
    /// What a reader calls that geography ("Ward (2017)").
    pub geography_title: String,
    pub code: String,
    /// The area's name or the indicator's title (the code when the area has no name).
    pub name: String,
    /// 0 exact, 1 starts with, 2 a word starts with, 3 contains.
    pub rank: u8,
}

/// The results of one search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindResponse {
    pub query: String,
    pub results: Vec<Found>,
    /// Matches beyond the limit, not listed.
    pub more: usize,
}

/// How well `text` matches `query` (both lower case), if at all.
///
/// ```
/// use local_atlas::ops::find::match_rank;
/// assert_eq!(match_rank("fallowfield", "fallowfield"), Some(0));
/// assert_eq!(match_rank("bolton 001a", "bolton"), Some(1));
/// assert_eq!(match_rank("tonge with the haulgh", "haul"), Some(2));
/// assert_eq!(match_rank("smithills", "hill"), Some(3));
/// assert_eq!(match_rank("wigan", "bolton"), None);
/// ```
pub fn match_rank(text: &str, query: &str) -> Option<u8> {
    if query.is_empty() {
        return None;
    }
    if text == query {
        return Some(0);
    }
    if text.starts_with(query) {
        return Some(1);
    }
    let word_start = text.match_indices(query).any(|(i, _)| {
        text[..i]
            .chars()
            .last()
            .is_some_and(|c| !c.is_alphanumeric())
    });
    if word_start {
        return Some(2);
    }
    text.contains(query).then_some(3)
}

/// Searches every geography's areas (by name, and by code from its start) and the indicators
/// (by code and title) for `text`; at most `limit` results.
pub fn find(ws: &Workspace, text: &str, limit: usize) -> Result<FindResponse> {
    let query_text = normalise(text);
    if query_text.is_empty() {
        return Err(Error::Invalid(
            "nothing to find: give part of an area's name or code, or an indicator".into(),
        ));
    }
    let mut found: Vec<(usize, Found)> = Vec::new();
    let postcode = match crate::data::postcode::normalise(text) {
        k if crate::data::postcode::is_postcode(&k) => super::postcodes::lookup(ws, &k)?,
        _ => None,
    };
    let geographies = query::geographies(ws)?;
    for g in &geographies {
        let size = usize::try_from(g.areas).unwrap_or(usize::MAX);
        for a in query::area_names(ws, &g.name)? {
            if let Some(pc) = &postcode
                && pc.lsoa.as_deref() == Some(a.code.as_str())
            {
                let status = match &pc.terminated {
                    Some(t) => format!(", terminated {t}"),
                    None => String::new(),
                };
                found.push((
                    0,
                    Found {
                        kind: FoundKind::Postcode,
                        geography: g.name.clone(),
                        geography_title: g.title.clone(),
                        code: a.code.clone(),
                        name: format!("{}{status}", pc.postcode),
                        rank: 0,
                    },
                ));
            }
            let code_rank = code_rank(&a.code, &query_text);
            let name_rank = a
                .name
                .as_deref()
                .and_then(|n| match_rank(&normalise(n), &query_text));
            let Some(rank) = best(code_rank, name_rank) else {
                continue;
            };
            found.push((
                size,
                Found {
                    kind: FoundKind::Area,
                    geography: g.name.clone(),
                    geography_title: g.title.clone(),
                    name: a.name.clone().unwrap_or_else(|| a.code.clone()),
                    code: a.code,
                    rank,
                },
            ));
        }
    }
    for i in query::indicators(ws)? {
        let rank = best(
            match_rank(&i.code.to_lowercase(), &query_text),
            match_rank(&normalise(&i.title), &query_text),
        );
        let Some(rank) = rank else { continue };
        let geography_title = geographies
            .iter()
            .find(|g| g.name == i.geography)
            .map_or_else(
                || geography_title::default_title(&i.geography),
                |g| g.title.clone(),
            );
        found.push((
            0,
            Found {
                kind: FoundKind::Indicator,
                geography: i.geography,
                geography_title,
                code: i.code,
                name: i.title,
                rank,
            },
        ));
    }
    found.sort_by(|(sa, a), (sb, b)| {
        (a.rank, *sa, a.name.to_lowercase(), &a.code).cmp(&(
            b.rank,
            *sb,
            b.name.to_lowercase(),
            &b.code,
        ))
    });
    let more = found.len().saturating_sub(limit);
    Ok(FindResponse {
        query: text.trim().to_string(),
        results: found.into_iter().take(limit).map(|(_, f)| f).collect(),
        more,
    })
}

/// Codes match exactly or from their start only (a code's middle means nothing to a reader).
fn code_rank(code: &str, query: &str) -> Option<u8> {
    let code = code.to_lowercase();
    if code == query {
        Some(0)
    } else if query.len() >= 3 && code.starts_with(query) {
        Some(1)
    } else {
        None
    }
}

fn best(a: Option<u8>, b: Option<u8>) -> Option<u8> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Lower case with runs of white space as one space.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The areas of `of_geography` that make up area `code` of `geography`: itself when the
/// geographies are one; else the stored lookup's members (an LSOA → ward lookup gives a ward's
/// LSOAs); else the areas whose interior point lies inside it. Sorted codes.
pub fn members(
    ws: &Workspace,
    geography: &str,
    code: &str,
    of_geography: &str,
) -> Result<Vec<String>> {
    if geography == of_geography {
        return Ok(vec![code.to_string()]);
    }
    // No stored lookup is an error from `query::lookup`: fall back to the geometry.
    if let Ok(lookup) = query::lookup(ws, of_geography, geography) {
        let mut out: Vec<String> = lookup
            .into_iter()
            .filter(|(_, to)| to == code)
            .map(|(from, _)| from)
            .collect();
        out.sort();
        return Ok(out);
    }
    use geo::{Contains, InteriorPoint};
    let Some(outer) = query::areas(ws, geography)?
        .into_iter()
        .find(|a| a.code == code)
    else {
        return Ok(Vec::new());
    };
    Ok(query::areas(ws, of_geography)?
        .into_iter()
        .filter(|a| {
            a.geometry_bng
                .interior_point()
                .is_some_and(|p| outer.geometry_bng.contains(&p))
        })
        .map(|a| a.code)
        .collect())
}
