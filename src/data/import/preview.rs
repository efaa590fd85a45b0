//! A first look at a file before it is imported: its kind, columns and first rows, and which
//! geography its area codes belong to. Nothing is written; the exact counts come from a trial
//! import that is rolled back (`ops::import::trial`).

use super::csv_stream::CsvStream;
use super::csv_text::{Table, TextEncoding};
use crate::data::query;
use crate::data::source::{self, AttrValue};
use crate::data::workspace::Workspace;
use crate::error::{InputError, Result};
use geo::Geometry;
use std::path::Path;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Polygons: a new geography.
    Boundaries,
    /// A CSV of values per area.
    Indicators,
    /// Points: a service layer.
    Points,
    /// A CSV assigning each area of one geography to an area of another (e.g. LSOA → ward).
    /// The preview never proposes it; it is chosen by the user (`import lookup`).
    Lookup,
}

/// How many codes of a column match a geography.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GeographyMatch {
    pub geography: String,
    pub column: String,
    pub matched: usize,
    pub of: usize,
}

/// The first look at a file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FilePreview {
    pub file: String,
    pub kind: FileKind,
    pub columns: Vec<String>,
    /// Up to five rows, as text.
    pub sample: Vec<Vec<String>>,
    pub rows: usize,
    /// For a CSV: the geography and column whose codes match best (most matches first).
    pub matches: Vec<GeographyMatch>,
    /// For a CSV: looks like one column per indicator (no `indicator`/`value` columns).
    pub wide: bool,
    /// For boundaries: a geography name made from the file name.
    pub suggested_name: String,
}

const SAMPLE_ROWS: usize = 5;
const MATCH_ROWS: usize = 2000;

fn is_points_csv(headers: &[String]) -> bool {
    let has = |names: &[&str]| {
        headers
            .iter()
            .any(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    (has(&["easting", "x"]) && has(&["northing", "y"]))
        || (has(&["longitude", "lon", "lng"]) && has(&["latitude", "lat"]))
}

/// A table name from a file stem: lower case letters, digits and `_`, starting with a letter.
///
/// ```
/// use local_atlas::data::import::preview::table_name_from;
/// assert_eq!(table_name_from("Wards (Dec 2017) GB-BFC"), "wards_dec_2017_gb_bfc");
/// assert_eq!(table_name_from("2019 lsoa"), "g_2019_lsoa");
/// ```
pub fn table_name_from(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_string();
    match out.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => out,
        Some(_) => format!("g_{out}"),
        None => "areas".into(),
    }
}

/// Looks at `path` against the workspace's geographies.
pub fn preview(ws: &Workspace, path: &Path) -> Result<FilePreview> {
    let file = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("areas");
    if ext == "csv" || ext == "txt" {
        let (table, rows) = csv_head(path)?;
        let mut p = csv_preview(ws, file, table, stem);
        p.rows = rows;
        return Ok(p);
    }
    let layer = source::read_layer(path, None)?;
    let points = layer
        .features
        .iter()
        .filter_map(|f| f.geometry.as_ref())
        .all(|g| matches!(g, Geometry::Point(_) | Geometry::MultiPoint(_)));
    if layer.features.is_empty() {
        return Err(InputError::new(&file, "has no features")
            .hint("check that this is the right file")
            .into());
    }
    let sample = layer
        .features
        .iter()
        .take(SAMPLE_ROWS)
        .map(|f| f.attrs.iter().map(attr_text).collect())
        .collect();
    Ok(FilePreview {
        file,
        kind: if points {
            FileKind::Points
        } else {
            FileKind::Boundaries
        },
        columns: layer.fields.clone(),
        sample,
        rows: layer.features.len(),
        matches: Vec::new(),
        wide: false,
        suggested_name: table_name_from(stem),
    })
}

fn attr_text(a: &AttrValue) -> String {
    match a {
        AttrValue::Null => String::new(),
        AttrValue::Text(t) => t.clone(),
        AttrValue::Int(i) => i.to_string(),
        AttrValue::Real(r) => r.to_string(),
    }
}

/// The first [`MATCH_ROWS`] records of a CSV as a table, and how many records it has in all
/// (the rest are counted as they stream past: a national file is never held in memory).
fn csv_head(path: &Path) -> Result<(Table, usize)> {
    let mut stream = CsvStream::open(path, TextEncoding::Auto)?;
    let width = stream.columns.headers.len();
    let mut rows = Vec::new();
    let mut count = 0usize;
    while let Some(line) = stream.next_record()? {
        if rows.len() < MATCH_ROWS {
            rows.push((
                line,
                (0..width).map(|c| stream.cell(c).into_owned()).collect(),
            ));
        }
        count += 1;
    }
    let table = Table {
        columns: stream.columns,
        rows,
    };
    Ok((table, count))
}

fn csv_preview(ws: &Workspace, file: String, table: Table, stem: &str) -> FilePreview {
    let kind = if is_points_csv(&table.headers) {
        FileKind::Points
    } else {
        FileKind::Indicators
    };
    let lower: Vec<String> = table.headers.iter().map(|h| h.to_lowercase()).collect();
    let wide = !(lower.iter().any(|h| h == "indicator") && lower.iter().any(|h| h == "value"));
    let mut matches = Vec::new();
    if kind == FileKind::Indicators {
        for g in query::geographies(ws).unwrap_or_default() {
            let Ok(codes) = super::geography_codes(ws.conn(), &g.name) else {
                continue;
            };
            let best = (0..table.headers.len())
                .map(|c| {
                    let hits = table
                        .rows
                        .iter()
                        .take(MATCH_ROWS)
                        .filter(|(_, r)| {
                            r.get(c).is_some_and(|v| {
                                let v = v.trim();
                                codes.contains(v) || codes.contains(&v.to_uppercase())
                            })
                        })
                        .count();
                    (hits, c)
                })
                .max_by_key(|(hits, c)| (*hits, std::cmp::Reverse(*c)));
            if let Some((hits, c)) = best.filter(|(h, _)| *h > 0) {
                matches.push(GeographyMatch {
                    geography: g.name.clone(),
                    column: table.headers.get(c).cloned().unwrap_or_default(),
                    matched: hits,
                    of: table.rows.len().min(MATCH_ROWS),
                });
            }
        }
        matches.sort_by_key(|m| std::cmp::Reverse(m.matched));
    }
    FilePreview {
        file,
        kind,
        sample: table
            .rows
            .iter()
            .take(SAMPLE_ROWS)
            .map(|(_, r)| r.clone())
            .collect(),
        rows: table.rows.len(),
        columns: table.columns.headers,
        matches,
        wide,
        suggested_name: table_name_from(stem),
    }
}
