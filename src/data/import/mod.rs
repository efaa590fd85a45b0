//! Importers. Each runs in one transaction (indicator CSVs stream their rows into it, checking
//! each as it is stored; the others read and check everything first, then write): on any
//! error nothing is written and the workspace file is unchanged.

pub mod boundaries;
pub mod breakdown;
pub mod code_suggestion;
pub mod csv_headers;
pub mod csv_stream;
pub mod csv_text;
pub mod header_codes;
pub(crate) mod indicator_rows;
pub(crate) mod indicator_sink;
pub mod indicators;
pub mod lookup;
pub mod metadata;
pub mod point_codes;
pub mod point_coordinates;
pub mod points;
pub mod postcode_points;
pub mod postcodes;
pub mod preview;
pub(crate) mod problems;
pub mod quality;
pub mod session;
pub mod value_checks;
pub mod value_range;

use crate::error::{Error, InputError, Result};
use rusqlite::Transaction;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The largest CSV file read whole (lookups, metadata, points, reference scores), and the
/// largest read from a named pipe: 128 MiB. Such a file is held in memory while it is
/// checked, at about 20 times its size, so a larger one is refused before it is read rather
/// than exhaust memory. Indicator files from disk are streamed instead
/// ([`csv_stream::CsvStream`]) and have no size limit.
pub const MAX_CSV_BYTES: u64 = 128 << 20;

/// Reads a whole user CSV file, bounded ([`MAX_CSV_BYTES`]), with a clear error naming it: a
/// regular file, or a named pipe (`<(zcat data.csv.gz)`: read as it streams, never beyond the
/// limit); never a folder, a device such as `/dev/zero`, or a socket.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    crate::data::read_limited::refuse_workbook(path)?;
    if path.is_dir() {
        return Err(InputError::new(path.display(), "is a folder")
            .hint("give the CSV file inside it")
            .into());
    }
    if is_pipe(path) {
        return read_pipe(path, MAX_CSV_BYTES);
    }
    crate::data::read_limited::read_limited(path, MAX_CSV_BYTES)
}

#[cfg(unix)]
fn is_pipe(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

#[cfg(not(unix))]
fn is_pipe(_path: &Path) -> bool {
    false
}

/// Reads a named pipe until its writer closes it, stopping one byte past `max_bytes`.
fn read_pipe(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let cannot = |e: std::io::Error| -> crate::error::Error {
        InputError::new(path.display(), format!("cannot be read ({e})"))
            .hint("check the command that writes to it")
            .into()
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, max_bytes + 1), &mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > max_bytes {
        return Err(InputError::new(
            path.display(),
            format!("holds more than the {} MiB limit", max_bytes >> 20),
        )
        .hint("check that this is the right data, or split it")
        .into());
    }
    Ok(bytes)
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// SHA-256 of a file, streamed (empty string if it is not a regular file or cannot be read:
/// the log is informative only).
pub fn sha256_file(path: &Path) -> String {
    // Opening a pipe would wait for a writer: only a regular file is opened.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return String::new();
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return String::new();
    };
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match std::io::Read::read(&mut file, &mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(buf.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return String::new(),
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A pipe is read as it streams and never past the limit.
    #[test]
    fn a_pipe_is_read_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("p.csv");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return;
        }
        let (w, p) = (fifo.clone(), fifo.clone());
        let writer = std::thread::spawn(move || std::fs::write(w, vec![b'x'; 3 << 20]));
        let e = read_pipe(&p, 1 << 20).unwrap_err().to_string();
        assert!(e.contains("holds more than the 1 MiB limit"), "{e}");
        drop(writer.join());
        let w = fifo.clone();
        let writer = std::thread::spawn(move || std::fs::write(w, "code,value\n"));
        assert_eq!(read_file(&fifo).unwrap(), b"code,value\n");
        writer.join().unwrap().unwrap();
    }
}
