//! SQLite's failures in words a user can act on: a read-only file, a full disk, a workspace in
//! use by another import, a file that is not a workspace. Each becomes an
//! [`Error::Workspace`] naming the file; errors that are not about the file itself (a bad
//! statement, a constraint) stay [`Error::Sqlite`].

use crate::error::Error;
use rusqlite::ErrorCode;
use std::path::Path;

/// What to tell the user when the disk filled up and the change was undone.
pub const DISK_FULL: &str = "the disk is full: nothing was written; free space and try again";
/// What to tell the user when the workspace cannot be written.
pub const READ_ONLY: &str = "the workspace is read-only: copy it somewhere you can write";
/// What to tell the user when another connection holds the workspace.
pub const BUSY: &str = "it is in use by another Local Atlas (an import running?): wait for it \
     to finish and try again";

/// `e`, met while using the workspace at `path`, as the error the user should see.
///
/// ```
/// use local_atlas::data::sqlite_error::{translate, DISK_FULL};
/// let full = rusqlite::Error::SqliteFailure(
///     rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
///     Some("database or disk is full".into()),
/// );
/// let e = translate(std::path::Path::new("ws.gpkg"), full);
/// assert_eq!(e.to_string(), format!("workspace ws.gpkg: {DISK_FULL}"));
/// ```
pub fn translate(path: &Path, e: rusqlite::Error) -> Error {
    match meaning(&e) {
        Some(message) => Error::Workspace {
            path: path.display().to_string(),
            message,
        },
        None => Error::Sqlite(e),
    }
}

/// [`translate`] for an error of the library: only its SQLite errors change.
pub fn translate_error(path: &Path, e: Error) -> Error {
    match e {
        Error::Sqlite(s) => translate(path, s),
        other => other,
    }
}

/// Whether `e` is SQLite saying the disk (or the database's size limit) is full.
pub fn is_disk_full(e: &Error) -> bool {
    matches!(e, Error::Sqlite(s) if s.sqlite_error_code() == Some(ErrorCode::DiskFull))
}

fn meaning(e: &rusqlite::Error) -> Option<String> {
    let rusqlite::Error::SqliteFailure(code, detail) = e else {
        return None;
    };
    let detail = detail.as_deref().unwrap_or("");
    let text = match code.code {
        ErrorCode::ReadOnly if code.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK => {
            "a leftover journal must be rolled back into it, but the file is read-only: copy the \
             file together with its -journal somewhere you can write and open it there"
                .to_string()
        }
        ErrorCode::ReadOnly => READ_ONLY.to_string(),
        ErrorCode::DiskFull => DISK_FULL.to_string(),
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => BUSY.to_string(),
        ErrorCode::PermissionDenied | ErrorCode::AuthorizationForStatementDenied => {
            "permission denied: ask for access to the file, or copy it somewhere you can read and \
             write"
                .to_string()
        }
        ErrorCode::CannotOpen => "cannot be opened: check that its folder exists and that you \
             may read and write there"
            .to_string(),
        ErrorCode::NotADatabase => "is not a readable SQLite/GeoPackage file; check that it is a \
             workspace made by Local Atlas (`local-atlas init` makes one)"
            .to_string(),
        ErrorCode::DatabaseCorrupt => {
            format!("is damaged ({detail}); restore it from a backup")
        }
        ErrorCode::SystemIoFailure => format!(
            "could not be read or written (I/O error: {detail}); check the disk and try again"
        ),
        _ => return None,
    };
    Some(text)
}
