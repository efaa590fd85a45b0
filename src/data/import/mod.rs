//! Importers. Each reads and checks everything first, then writes in one transaction: on any
//! error nothing is written and the workspace file is unchanged.

pub mod boundaries;
pub mod csv_text;
pub mod indicators;
pub mod lookup;
pub mod metadata;
pub mod points;
pub mod preview;
pub mod session;

use crate::error::{Error, InputError, Result};
use rusqlite::Transaction;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Reads a whole user file, with a clear error naming it.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        InputError::new(path.display(), format!("cannot read the file: {e}"))
            .hint("check the path and that you may read it")
            .into()
    })
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// SHA-256 of a file (empty string if it cannot be read: the log is informative only).
pub fn sha256_file(path: &Path) -> String {
    std::fs::read(path)
        .map(|b| sha256_hex(&b))
        .unwrap_or_default()
}

/// Appends a row to `atlas_import_log`.
pub fn log_import(
    tx: &Transaction<'_>,
    kind: &str,
    target: &str,
    path: &Path,
    rows: usize,
    sha256: &str,
    detail: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO atlas_import_log (kind, target, at, file, rows, sha256, detail) \
         VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?3, ?4, ?5, ?6)",
        (
            kind,
            target,
            path.display().to_string(),
            rows as i64,
            sha256,
            detail,
        ),
    )?;
    Ok(())
}

/// The area codes of a geography's boundaries, or a clear error if it has none.
pub fn geography_codes(
    conn: &rusqlite::Connection,
    geography: &str,
) -> Result<std::collections::HashSet<String>> {
    let table: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT table_name FROM atlas_geographies WHERE name = ?1",
        [geography],
        |r| r.get(0),
    ))?;
    let Some(table) = table else {
        return Err(Error::Invalid(format!(
            "the workspace has no geography '{geography}'; import its boundaries first with \
             `local-atlas import boundaries WS.gpkg FILE --geography {geography}` (see `local-atlas info`)"
        )));
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT area_code FROM {}",
        super::feature_table::quote_ident(&table)
    ))?;
    let codes = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(codes)
}
