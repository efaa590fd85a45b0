//! The full check of a workspace (`local-atlas check`): everything that reads every page, kept
//! out of [`super::Workspace::open`] so that opening costs the same however big the file is.
//! SQLite's `integrity_check` and `foreign_key_check`, the GeoPackage requirements (application
//! id, the required spatial reference systems, every `gpkg_contents` table present, every
//! geometry column present and every geometry blob decodable with the declared SRS), and that
//! every stored value belongs to an area of its geography.

use super::feature_table::quote_ident;
use super::gpkg_geom;
use super::schema::GPKG_APPLICATION_ID;
use super::workspace::Workspace;
use crate::error::{Error, Result, excerpt};
use crate::feedback::Feedback;
use rusqlite::Connection;

/// One thing found wrong: which check found it and what it is.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub check: String,
    pub detail: String,
}

/// The most problems one check lists (the count says how many there were in all).
pub const MAX_LISTED: usize = 20;

/// Rows between two looks at Cancel while geometries are decoded.
const STEP: u64 = 4096;

/// Runs every check; returns the problems (empty when the workspace is sound). Reports each
/// check as a stage and geometry progress per table; stops with [`Error::Cancelled`].
pub fn check(ws: &Workspace, feedback: &dyn Feedback) -> Result<Vec<Problem>> {
    let conn = ws.conn();
    let mut problems = Vec::new();
    type Check = fn(&Connection, &dyn Feedback, &mut Vec<Problem>) -> Result<()>;
    let checks: [(&str, Check); 5] = [
        ("SQLite integrity check", sqlite_integrity),
        ("foreign keys", foreign_keys),
        ("GeoPackage tables", geopackage_tables),
        ("geometries", geometries),
        ("indicator values", values_have_areas),
    ];
    for (name, run) in checks {
        feedback.stage(name);
        if feedback.is_cancelled() {
            return Err(Error::Cancelled);
        }
        run(conn, feedback, &mut problems)?;
    }
    Ok(problems)
}

fn push(problems: &mut Vec<Problem>, check: &str, detail: String) {
    problems.push(Problem {
        check: check.into(),
        detail,
    });
}

fn sqlite_integrity(conn: &Connection, _: &dyn Feedback, out: &mut Vec<Problem>) -> Result<()> {
    let mut stmt = conn.prepare(&format!("PRAGMA integrity_check({MAX_LISTED})"))?;
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for row in rows.into_iter().filter(|r| r != "ok") {
        push(out, "SQLite integrity check", excerpt(&row));
    }
    Ok(())
}

fn foreign_keys(conn: &Connection, _: &dyn Feedback, out: &mut Vec<Problem>) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let rows: Vec<(String, Option<i64>, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (table, rowid, parent) in rows.iter().take(MAX_LISTED) {
        let row = rowid.map(|r| format!(" row {r}")).unwrap_or_default();
        push(
            out,
            "foreign keys",
            format!("{table}{row} refers to a missing row of {parent}"),
        );
    }
    if rows.len() > MAX_LISTED {
        push(out, "foreign keys", format!("… {} rows in all", rows.len()));
    }
    Ok(())
}

fn geopackage_tables(conn: &Connection, _: &dyn Feedback, out: &mut Vec<Problem>) -> Result<()> {
    let check = "GeoPackage tables";
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app != GPKG_APPLICATION_ID {
        push(
            out,
            check,
            format!("application_id is {app:#x}, not GeoPackage's 0x47504b47"),
        );
    }
    for srs in [-1, 0, 4326] {
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs],
            |r| r.get(0),
        )?;
        if n == 0 {
            push(
                out,
                check,
                format!("gpkg_spatial_ref_sys lacks the required srs_id {srs}"),
            );
        }
    }
    let missing: Vec<String> = conn
        .prepare(
            "SELECT table_name FROM gpkg_contents WHERE table_name NOT IN \
             (SELECT name FROM sqlite_master WHERE type IN ('table', 'view')) ORDER BY table_name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for t in missing {
        push(
            out,
            check,
            format!(
                "gpkg_contents lists table '{}', which does not exist",
                excerpt(&t)
            ),
        );
    }
    Ok(())
}

/// Every geometry of every registered feature table decodes, with the column's SRS.
fn geometries(conn: &Connection, feedback: &dyn Feedback, out: &mut Vec<Problem>) -> Result<()> {
    let columns: Vec<(String, String, i64)> = conn
        .prepare(
            "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns ORDER BY table_name",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (table, column, srs) in columns {
        geometries_of(conn, (&table, &column, srs), feedback, out)?;
    }
    Ok(())
}

fn geometries_of(
    conn: &Connection,
    (table, column, srs): (&str, &str, i64),
    feedback: &dyn Feedback,
    out: &mut Vec<Problem>,
) -> Result<()> {
    let check = "geometries";
    let sql = format!(
        "SELECT rowid, {} FROM {}",
        quote_ident(column),
        quote_ident(table)
    );
    let mut stmt = match conn.prepare(&sql) {
        Ok(s) => s,
        Err(e) => {
            push(
                out,
                check,
                format!(
                    "{table}.{column} cannot be read ({})",
                    excerpt(&e.to_string())
                ),
            );
            return Ok(());
        }
    };
    let count_sql = format!("SELECT count(*) FROM {}", quote_ident(table));
    let total: i64 = conn.query_row(&count_sql, [], |r| r.get(0))?;
    let total = total.max(0) as u64;
    let mut rows = stmt.query([])?;
    let (mut done, mut bad) = (0u64, 0usize);
    while let Some(row) = rows.next()? {
        done += 1;
        if done % STEP == 0 {
            feedback.progress(done, total);
            if feedback.is_cancelled() {
                return Err(Error::Cancelled);
            }
        }
        let Some(blob) = row.get::<_, Option<Vec<u8>>>(1)? else {
            continue;
        };
        let why = match gpkg_geom::decode(&blob) {
            Ok((id, _)) if i64::from(id) != srs => {
                Some(format!("has SRS {id}, the column says {srs}"))
            }
            Ok(_) => None,
            Err(e) => Some(e.to_string()),
        };
        if let Some(why) = why {
            bad += 1;
            if bad <= MAX_LISTED {
                let rowid: i64 = row.get(0)?;
                push(out, check, format!("{table} row {rowid}: {why}"));
            }
        }
    }
    if bad > MAX_LISTED {
        push(
            out,
            check,
            format!("{table}: {bad} unreadable geometries in all"),
        );
    }
    Ok(())
}

/// Values whose series or area id is not in `atlas_series` / `atlas_areas` (one pass over the
/// values, two key lookups each).
fn values_have_keys(conn: &Connection, _: &dyn Feedback, out: &mut Vec<Problem>) -> Result<()> {
    for (what, sql) in [
        (
            "series",
            "SELECT count(*), min(v.series) FROM atlas_series_values v \
             WHERE NOT EXISTS (SELECT 1 FROM atlas_series s WHERE s.id = v.series)",
        ),
        (
            "area",
            "SELECT count(*), min(v.area) FROM atlas_series_values v \
             WHERE NOT EXISTS (SELECT 1 FROM atlas_areas a WHERE a.id = v.area)",
        ),
    ] {
        let (n, first): (i64, Option<i64>) =
            conn.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if n > 0 {
            push(
                out,
                "indicator values",
                format!(
                    "{n} value(s) in atlas_series_values refer to a missing {what} (e.g. id {}); \
                     re-import the indicators they belong to",
                    first.unwrap_or_default()
                ),
            );
        }
    }
    Ok(())
}

/// Examples of orphaned area codes a problem names.
const EXAMPLES: usize = 5;

/// Every value belongs to a series and an area that exist (the values table declares no
/// foreign keys, see `schema::MIGRATION_6_INTEGER_KEYS`), and every value's area code is an
/// area of its geography (boundaries re-imported without some areas would leave values no map
/// can draw).
fn values_have_areas(conn: &Connection, f: &dyn Feedback, out: &mut Vec<Problem>) -> Result<()> {
    values_have_keys(conn, f, out)?;
    let geographies: Vec<(String, String)> = conn
        .prepare("SELECT name, table_name FROM atlas_geographies ORDER BY name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, table) in geographies {
        // An area without a boundary is looked up in each series (one key seek per series):
        // the values are keyed by (series, area), with no index by area.
        let sql = format!(
            "SELECT a.code FROM atlas_areas a WHERE a.geography = ?1 AND NOT EXISTS \
             (SELECT 1 FROM {} t WHERE t.area_code = a.code) AND EXISTS \
             (SELECT 1 FROM atlas_series s JOIN atlas_series_values v \
              ON v.series = s.id AND v.area = a.id) ORDER BY a.code",
            quote_ident(&table)
        );
        let codes: Vec<String> = conn
            .prepare(&sql)?
            .query_map([&name], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if codes.is_empty() {
            continue;
        }
        let shown: Vec<String> = codes.iter().take(EXAMPLES).map(|c| excerpt(c)).collect();
        push(
            out,
            "indicator values",
            format!(
                "{} area code(s) of geography '{name}' have values but no boundary (e.g. {}); \
                 re-import the boundaries that hold them, or re-import the indicators with --replace",
                codes.len(),
                shown.join(", ")
            ),
        );
    }
    Ok(())
}
