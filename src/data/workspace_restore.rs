//! Failure restores: a write transaction on the workspace either commits, or leaves the file
//! byte-for-byte as it was. When the statement, the commit or the rollback itself fails (a full
//! disk, an I/O error), SQLite's journal still holds the pages as they were; they are played
//! back before the error is returned, so the workspace is never left changed beside a hot
//! journal (which a copy or a read-only open would see as a damaged file).

use super::sqlite_error::{translate, translate_error};
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags, Transaction};
use std::path::{Path, PathBuf};

/// Runs `f` in one transaction on `conn` (the workspace at `path`): committed when `keep`,
/// else rolled back (a trial). On any failure the workspace is restored (see [`restore`]) and
/// the error says what happened in the user's terms.
pub(crate) fn run<T>(
    conn: &Connection,
    path: &Path,
    keep: bool,
    f: impl FnOnce(&Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let tx = conn
        .unchecked_transaction()
        .map_err(|e| translate(path, e))?;
    let out = match f(&tx) {
        Ok(out) => out,
        Err(e) => {
            // A failed rollback is handled by `restore`, which finds the journal left behind.
            let _ = tx.rollback();
            return Err(restore(conn, path, e));
        }
    };
    let end = if keep { tx.commit() } else { tx.rollback() };
    match end {
        Ok(()) => Ok(out),
        Err(e) => Err(restore(conn, path, Error::Sqlite(e))),
    }
}

/// The journal SQLite keeps beside `path` while a transaction is open (journal_mode DELETE).
pub fn journal_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-journal");
    PathBuf::from(name)
}

/// After a failed transaction: ends it if SQLite kept it open, then, if a journal is left
/// (the rollback could not finish), has SQLite play it back, first on this connection (whose
/// next read, once the failed transaction has released its locks, rolls a hot journal back),
/// then on a fresh connection, as the next open of the file would. Returns `cause` in the
/// user's terms, or, when the journal is still there, says so and what to do.
fn restore(conn: &Connection, path: &Path, cause: Error) -> Error {
    if !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    let journal = journal_path(path);
    if journal.exists() {
        let _ = read_schema(conn);
    }
    if journal.exists() {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if let Ok(fresh) = Connection::open_with_flags(path, flags) {
            let _ = super::workspace::harden(&fresh).and_then(|()| read_schema(&fresh));
        }
    }
    let cause = translate_error(path, cause);
    if !journal.exists() {
        return cause;
    }
    Error::Workspace {
        path: path.display().to_string(),
        message: format!(
            "{}; the change could not be undone yet: keep {} beside the workspace and open it \
             again once that is fixed (Local Atlas then undoes the change)",
            strip_prefix(&cause, path),
            journal.display()
        ),
    }
}

/// A read that makes SQLite roll back a hot journal before it answers.
fn read_schema(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|_| ())
}

/// The text of `e` without the leading "workspace PATH: " it may carry.
fn strip_prefix(e: &Error, path: &Path) -> String {
    let text = e.to_string();
    let prefix = format!("workspace {}: ", path.display());
    text.strip_prefix(&prefix).unwrap_or(&text).to_string()
}
