//! Point layers located by postcode (`import points --postcode-field F`): each row of a partner's
//! CSV (pharmacies with a postcode and no coordinates) gets its postcode's grid reference from the
//! workspace's postcode lookup, with the postcode's positional quality and status kept as
//! attributes. Rows whose postcode is unknown or not a postcode refuse the import, counted with
//! their first lines, unless they are to be skipped (`--allow-unmatched`); terminated postcodes
//! are placed at their last location and flagged.

use super::csv_text::{Cell, Table, TextEncoding, decode, parse_cell};
use crate::data::postcode::{is_postcode, normalise};
use crate::data::source::{AttrValue, SourceFeature, SourceLayer};
use crate::data::workspace::Workspace;
use crate::error::{Error, InputError, Result, excerpt};
use geo::{Geometry, Point};
use rusqlite::OptionalExtension;
use std::path::Path;

/// Example lines kept per kind.
const EXAMPLES: usize = 5;

/// How the rows' postcodes were found.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PostcodeMatch {
    pub field: String,
    pub live: usize,
    /// Placed at the terminated postcode's last location.
    pub terminated: usize,
    /// Well-formed postcodes the lookup does not have (skipped with `--allow-unmatched`).
    pub unknown: usize,
    /// Cells that are not postcodes (skipped with `--allow-unmatched`).
    pub invalid: usize,
    pub unknown_examples: Vec<String>,
    pub invalid_examples: Vec<String>,
    pub terminated_examples: Vec<String>,
}

/// Reads the CSV and places each row at its postcode; returns the layer (in BNG) and the counts.
pub fn read_postcode_points(
    ws: &Workspace,
    path: &Path,
    field: &str,
    allow_unmatched: bool,
) -> Result<(SourceLayer, PostcodeMatch)> {
    let stored: i64 = ws
        .conn()
        .query_row("SELECT COUNT(*) FROM atlas_postcodes", [], |r| r.get(0))?;
    if stored == 0 {
        return Err(Error::Invalid(
            "the workspace has no postcode lookup yet: import one first with `local-atlas import postcodes WS.gpkg NSPL.csv` (ONSPD, NSPL or Code-Point Open)".into(),
        ));
    }
    let file = path.display().to_string();
    let bytes = super::read_file(path)?;
    let table = Table::parse(&file, &decode(&file, &bytes, TextEncoding::Auto)?)?;
    let col = table.require(field, "--postcode-field")?;
    let mut lookup = ws.conn().prepare_cached(
        "SELECT easting, northing, quality, terminated FROM atlas_postcodes WHERE postcode = ?1",
    )?;
    let mut fields = table.headers.clone();
    fields.extend([
        "postcode_quality".to_string(),
        "postcode_status".to_string(),
    ]);
    let mut m = PostcodeMatch {
        field: table.column_name(col),
        ..Default::default()
    };
    let mut features = Vec::with_capacity(table.rows.len());
    for (line, row) in &table.rows {
        let text = row.get(col).map(|s| s.trim()).unwrap_or_default();
        let key = normalise(text);
        let example = format!("line {line}: '{}'", excerpt(text));
        let note = |v: &mut Vec<String>| {
            if v.len() < EXAMPLES {
                v.push(example.clone());
            }
        };
        if !is_postcode(&key) {
            m.invalid += 1;
            note(&mut m.invalid_examples);
            continue;
        }
        type Found = (Option<f64>, Option<f64>, Option<i64>, Option<String>);
        let found: Option<Found> = lookup
            .query_row([&key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let Some((Some(e), Some(n), quality, terminated)) = found else {
            m.unknown += 1;
            note(&mut m.unknown_examples);
            continue;
        };
        let status = if terminated.is_some() {
            m.terminated += 1;
            note(&mut m.terminated_examples);
            "terminated"
        } else {
            m.live += 1;
            "live"
        };
        let mut attrs: Vec<AttrValue> = row.iter().map(|v| attribute(v)).collect();
        attrs.push(quality.map_or(AttrValue::Null, |q| AttrValue::Real(q as f64)));
        attrs.push(AttrValue::Text(status.into()));
        features.push(SourceFeature {
            attrs,
            geometry: Some(Geometry::Point(Point::new(e, n))),
        });
    }
    if !allow_unmatched && m.unknown + m.invalid > 0 {
        return Err(unmatched_error(&file, &m));
    }
    Ok((
        SourceLayer {
            file,
            fields,
            features,
            crs: Some(crate::data::crs::Crs::Bng),
        },
        m,
    ))
}

/// A cell as an attribute: numbers as numbers (codes with leading zeros stay text).
fn attribute(v: &str) -> AttrValue {
    match parse_cell(v) {
        Cell::Number(n) if !v.trim().starts_with('0') || v.trim() == "0" || v.contains('.') => {
            AttrValue::Real(n)
        }
        _ if v.trim().is_empty() => AttrValue::Null,
        _ => AttrValue::Text(v.trim().to_string()),
    }
}

fn unmatched_error(file: &str, m: &PostcodeMatch) -> Error {
    let mut parts = Vec::new();
    if m.unknown > 0 {
        parts.push(format!(
            "{} postcode(s) not in the workspace's postcode lookup (e.g. {})",
            m.unknown,
            m.unknown_examples.join("; ")
        ));
    }
    if m.invalid > 0 {
        parts.push(format!(
            "{} cell(s) that are not postcodes (e.g. {})",
            m.invalid,
            m.invalid_examples.join("; ")
        ));
    }
    InputError::new(file, format!("{} rows cannot be placed: {}", m.unknown + m.invalid, parts.join("; ")))
        .column(m.field.clone())
        .hint("correct the postcodes, import a fuller postcode lookup, or pass --allow-unmatched to import the other rows and skip these")
        .into()
}
