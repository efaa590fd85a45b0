//! Reading the events of a point layer (position, fid and the text of chosen attributes) and
//! storing counts of them per area as indicators, in one transaction.

use super::feature_table::quote_ident;
use super::gpkg_geom;
use super::import::metadata::upsert;
use super::indicator::{IndicatorMeta, ValueRow};
use super::value_store::{delete_series, insert_values};
use super::workspace::Workspace;
use crate::error::{Error, Result};
use geo::Geometry;
use rusqlite::OptionalExtension;
use rusqlite::types::ValueRef;

/// One feature of a point layer.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPoint {
    /// The feature id in the layer's table.
    pub fid: i64,
    /// British National Grid metres; NaN when the feature has no usable point (NULL, empty,
    /// undecodable or not a point geometry).
    pub point_bng: [f64; 2],
    /// The text of each asked-for field, in the order asked; `None` when NULL or blank.
    pub fields: Vec<Option<String>>,
}

/// A point layer's features and what its registration records.
#[derive(Debug, Clone)]
pub struct EventLayer {
    pub name: String,
    /// The file it was imported from.
    pub source_file: String,
    /// The layer's spatial reference system id (27700 for British National Grid).
    pub srs_id: i64,
    pub points: Vec<EventPoint>,
}

/// Reads point layer `layer` in fid order with the text of `fields`. An unknown layer or field
/// is an error that lists what there is.
pub fn read_event_points(ws: &Workspace, layer: &str, fields: &[&str]) -> Result<EventLayer> {
    let found: Option<(String, String)> = ws
        .conn()
        .query_row(
            "SELECT table_name, source_file FROM atlas_layers WHERE name = ?1",
            [layer],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((table, source_file)) = found else {
        let names = layer_names(ws)?;
        return Err(Error::Invalid(format!(
            "the workspace has no point layer '{layer}'; {}",
            if names.is_empty() {
                "it has none: import one with `local-atlas import points`".to_string()
            } else {
                format!("its point layers are: {}", names.join(", "))
            }
        )));
    };
    let columns = table_columns(ws, &table)?;
    let mut chosen = Vec::with_capacity(fields.len());
    for f in fields {
        // The exact name, else the one name that differs only in case (as SQL reads it).
        let exact = columns.iter().find(|c| c == f);
        let mut folded = columns.iter().filter(|c| c.eq_ignore_ascii_case(f));
        let found = exact.or_else(|| folded.next().filter(|_| folded.next().is_none()));
        let Some(column) = found else {
            return Err(Error::Invalid(format!(
                "point layer '{layer}' has no field '{f}'; its fields are: {}",
                columns.join(", ")
            )));
        };
        chosen.push(column.clone());
    }
    let srs_id = srs_id(ws, &table)?;
    let mut stmt = ws.conn().prepare(&format!(
        "SELECT fid, geom FROM {} ORDER BY fid",
        quote_ident(&table)
    ))?;
    let mut rows = stmt.query([])?;
    let mut points = Vec::new();
    while let Some(r) = rows.next()? {
        let point_bng = match r.get_ref(1)? {
            ValueRef::Blob(b) => match gpkg_geom::decode(b) {
                Ok((_, Geometry::Point(p))) => [p.x(), p.y()],
                Ok((_, Geometry::MultiPoint(mp))) if mp.0.len() == 1 => [mp.0[0].x(), mp.0[0].y()],
                _ => [f64::NAN; 2],
            },
            _ => [f64::NAN; 2],
        };
        points.push(EventPoint {
            fid: r.get(0)?,
            point_bng,
            fields: Vec::with_capacity(fields.len()),
        });
    }
    // Each field in its own read, in the same fid order (one feature table, one transaction
    // of reads on one connection).
    for column in &chosen {
        let mut stmt = ws.conn().prepare(&format!(
            "SELECT {} FROM {} ORDER BY fid",
            quote_ident(column),
            quote_ident(&table)
        ))?;
        let mut rows = stmt.query([])?;
        for p in points.iter_mut() {
            let text = match rows.next()? {
                Some(r) => cell_text(r.get_ref(0)?),
                None => None,
            };
            p.fields.push(text);
        }
    }
    Ok(EventLayer {
        name: layer.to_string(),
        source_file,
        srs_id,
        points,
    })
}

/// The text of an attribute as the user typed it: a whole number stored as REAL (a CSV's
/// `2016`) reads `2016`, not `2016.0`, also where SQLite made that REAL text in a column of
/// mixed values.
fn cell_text(v: ValueRef<'_>) -> Option<String> {
    let t = match v {
        ValueRef::Null | ValueRef::Blob(_) => return None,
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        ValueRef::Real(x) => x.to_string(),
        ValueRef::Text(t) => {
            let t = String::from_utf8_lossy(t).trim().to_string();
            match t.strip_suffix(".0") {
                Some(whole) if !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit()) => {
                    whole.to_string()
                }
                _ => t,
            }
        }
    };
    (!t.is_empty()).then_some(t)
}

/// The names of the workspace's point layers, sorted.
pub fn layer_names(ws: &Workspace) -> Result<Vec<String>> {
    let mut stmt = ws
        .conn()
        .prepare("SELECT name FROM atlas_layers ORDER BY name")?;
    let out = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

/// The names of the workspace's geographies, sorted.
pub fn geography_names(ws: &Workspace) -> Result<Vec<String>> {
    let mut stmt = ws
        .conn()
        .prepare("SELECT name FROM atlas_geographies ORDER BY name")?;
    let out = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

/// The spatial reference system id of geography `geography`'s boundaries.
pub fn geography_srs_id(ws: &Workspace, geography: &str) -> Result<i64> {
    let table: Option<String> = ws
        .conn()
        .query_row(
            "SELECT table_name FROM atlas_geographies WHERE name = ?1",
            [geography],
            |r| r.get(0),
        )
        .optional()?;
    match table {
        Some(t) => srs_id(ws, &t),
        None => Err(Error::UnknownGeography {
            name: geography.to_string(),
        }),
    }
}

fn srs_id(ws: &Workspace, table: &str) -> Result<i64> {
    Ok(ws.conn().query_row(
        "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
        [table],
        |r| r.get(0),
    )?)
}

fn table_columns(ws: &Workspace, table: &str) -> Result<Vec<String>> {
    let mut stmt = ws
        .conn()
        .prepare("SELECT name FROM pragma_table_info(?1)")?;
    let all: Vec<String> = stmt
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(all
        .into_iter()
        .filter(|c| c != "fid" && c != "geom")
        .collect())
}

/// How indicator `code` was made (its provenance), or `None` when the workspace has no such
/// indicator.
pub fn indicator_provenance(ws: &Workspace, code: &str) -> Result<Option<String>> {
    Ok(ws
        .conn()
        .query_row(
            "SELECT provenance FROM atlas_indicators WHERE code = ?1",
            [code],
            |r| r.get(0),
        )
        .optional()?)
}

/// Counts to store: their indicators' metadata and one value per area, indicator and period.
pub struct CountWrite<'a> {
    pub geography: &'a str,
    pub metas: &'a [IndicatorMeta],
    pub provenance: &'a str,
    pub periods: &'a [String],
    pub rows: &'a [ValueRow],
    /// The report, as JSON, for the import log.
    pub detail: &'a str,
    /// The point layer counted (the log's file column).
    pub layer: &'a str,
}

/// Stores counts in one transaction: the indicators' metadata (replaced), then, for each
/// indicator and period, the series emptied and filled with the new values. All or nothing.
pub fn store_counts(ws: &Workspace, w: &CountWrite<'_>) -> Result<()> {
    ws.write(|tx| {
        upsert(tx, w.metas, true, w.provenance)?;
        for m in w.metas {
            for p in w.periods {
                delete_series(tx, &m.code, w.geography, p)?;
            }
        }
        insert_values(tx, w.geography, w.rows)?;
        tx.execute(
            "INSERT INTO atlas_import_log (kind, target, at, file, rows, sha256, detail) \
             VALUES ('aggregate-points', ?1, strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?2, ?3, '', ?4)",
            (w.geography, w.layer, w.rows.len() as i64, w.detail),
        )?;
        Ok(())
    })
}
