//! What [`crate::data::Workspace::open`] checks before it trusts a file: that its schema is
//! this application's (no triggers or virtual tables, which Local Atlas never creates, and no
//! view but its own `atlas_values`; every atlas table a table), that every registered geography and point layer names one of
//! its own feature tables, and that the stored schema version agrees with the tables there
//! are. Each check reads the schema and the registries only, so its cost does not grow with
//! the number of rows of data.

use super::feature_table::check_table_name;
use super::schema::{MIGRATION_MARKERS, Marker, REQUIRED_TABLES, VALUES_VIEW_SQL};
use crate::error::{Error, Result, excerpt};
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::Path;

/// What to tell the user whose workspace holds objects Local Atlas did not make.
const TAMPERED_HINT: &str = "it may have been tampered with; open only workspaces you made or \
     trust, or restore this one from a backup";

fn refuse(path: &Path, message: String) -> Error {
    Error::Workspace {
        path: path.display().to_string(),
        message,
    }
}

/// Refuses a workspace holding a view, a trigger or a virtual table (the schema creates none
/// but the `atlas_values` view, whose SQL must be exactly [`VALUES_VIEW_SQL`]; anything else
/// was added by something else and would run its SQL inside our queries or GDAL's), or whose
/// atlas tables are not plain tables.
pub(crate) fn check_schema_objects(conn: &Connection, path: &Path) -> Result<()> {
    let found: Option<(String, String)> = conn
        .query_row(
            "SELECT type, name FROM sqlite_master \
             WHERE (type = 'view' AND NOT (name = 'atlas_values' AND sql = ?1)) \
                OR type = 'trigger' \
                OR (type = 'table' AND (rootpage = 0 OR sql LIKE 'CREATE%VIRTUAL%')) \
             ORDER BY type, name LIMIT 1",
            [VALUES_VIEW_SQL],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((kind, name)) = found {
        let what = if kind == "table" {
            "virtual table"
        } else {
            kind.as_str()
        };
        let required = REQUIRED_TABLES.contains(&name.as_str()) || name.starts_with("atlas_");
        let as_table = if required {
            format!(" (where its own table '{}' should be)", excerpt(&name))
        } else {
            String::new()
        };
        return Err(refuse(
            path,
            format!(
                "it contains {what} '{}'{as_table} that Local Atlas did not create; {TAMPERED_HINT}",
                excerpt(&name)
            ),
        ));
    }
    Ok(())
}

/// The registry rows with what their table name names (schema version 1: geographies only).
macro_rules! registry_sql {
    ($layers:literal) => {
        concat!(
            "SELECT r.kind, r.name, r.table_name, \
               EXISTS(SELECT 1 FROM gpkg_contents c \
                      WHERE c.table_name = r.table_name AND c.data_type = 'features') \
             FROM (SELECT 'geography' AS kind, name, table_name FROM atlas_geographies",
            $layers,
            ") r"
        )
    };
}
const REGISTRY_GEOGRAPHIES: &str = registry_sql!("");
const REGISTRY_WITH_LAYERS: &str =
    registry_sql!(" UNION ALL SELECT 'point layer', name, table_name FROM atlas_layers");

/// One row of a registry: which registry, the name the user knows, the table it names, the
/// kind of schema object of that name (if any) and whether gpkg_contents lists it as features.
type Registered = (String, String, String, Option<String>, bool);

/// Refuses a workspace whose geography or point-layer registry names anything but one of its
/// own feature tables (e.g. `sqlite_master`, a missing table, another atlas table). One query
/// over the registries; the first bad row is named, with how many more there are.
pub(crate) fn check_registries(conn: &Connection, path: &Path) -> Result<()> {
    let sql = if table_exists(conn, "atlas_layers")? {
        REGISTRY_WITH_LAYERS
    } else {
        REGISTRY_GEOGRAPHIES
    };
    let objects = schema_objects(conn)?;
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        let table: String = r.get(2)?;
        let object = objects.get(&table).cloned();
        Ok((r.get(0)?, r.get(1)?, table, object, r.get(3)?))
    })?;
    let mut first: Option<String> = None;
    let mut more = 0usize;
    for row in rows {
        let row: Registered = row?;
        if let Some(problem) = registry_problem(&row) {
            if first.is_none() {
                first = Some(problem);
            } else {
                more += 1;
            }
        }
    }
    match first {
        None => Ok(()),
        Some(problem) => {
            let more = if more > 0 {
                format!(" (and {more} more registered the same way)")
            } else {
                String::new()
            };
            Err(refuse(
                path,
                format!(
                    "{problem}{more}; the file was changed by something other than Local Atlas: \
                     restore it from a backup, or import the boundaries into a new workspace"
                ),
            ))
        }
    }
}

/// Every schema object's name and type, read once (sqlite_master has no index on the name, so
/// looking each registry row up in it would cost registrations × objects).
fn schema_objects(conn: &Connection) -> Result<HashMap<String, String>> {
    let mut stmt = conn.prepare("SELECT name, type FROM sqlite_master")?;
    let map = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(map)
}

/// What is wrong with one registry row, or `None` when it names a feature table of its own.
fn registry_problem(row: &Registered) -> Option<String> {
    let (kind, name, table, object, registered) = row;
    let head = format!(
        "{kind} '{}' is registered with table '{}'",
        excerpt(name),
        excerpt(table)
    );
    if check_table_name(kind, table).is_err() {
        return Some(format!(
            "{head}, which is not a name Local Atlas gives a table"
        ));
    }
    match object.as_deref() {
        None => Some(format!("{head}, which does not exist")),
        Some("table") if !registered => Some(format!(
            "{head}, which is not a feature table listed in gpkg_contents"
        )),
        Some("table") => None,
        Some(other) => Some(format!("{head}, which is a {other}, not a table")),
    }
}

/// Refuses a stored schema version that disagrees with the tables there are: migrations up to
/// it must have left their marks, and later ones must not have (else opening would re-run a
/// migration and fail half-way, e.g. "duplicate column name").
pub(crate) fn check_schema_version(conn: &Connection, path: &Path, version: i64) -> Result<()> {
    for (i, markers) in MIGRATION_MARKERS.iter().enumerate() {
        let migration = i as i64 + 1;
        for marker in markers.iter() {
            let present = marker_present(conn, marker)?;
            let removed = match marker {
                Marker::Until(_, by) => version >= *by,
                _ => false,
            };
            let expected = migration <= version && !removed;
            if present != expected {
                let state = if present { "has" } else { "lacks" };
                return Err(refuse(
                    path,
                    format!(
                        "its stored schema version is {version} but it {state} {} (made by \
                         schema version {migration}); the file was changed by something other \
                         than Local Atlas: restore it from a backup",
                        marker.describe()
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn marker_present(conn: &Connection, marker: &Marker) -> Result<bool> {
    let found = match marker {
        Marker::Until(inner, _) => marker_present(conn, inner)?,
        Marker::Table(name) => table_exists(conn, name)?,
        Marker::Index(name) => conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1",
                [name],
                |_| Ok(()),
            )
            .optional()?
            .is_some(),
        Marker::Column(table, column) => conn
            .query_row(
                "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2",
                [table, column],
                |_| Ok(()),
            )
            .optional()?
            .is_some(),
    };
    Ok(found)
}

/// Whether `name` is a table (not a view or index) of the workspace.
pub(crate) fn table_exists(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |_| Ok(()),
    )
    .optional()
    .map(|o| o.is_some())
}
