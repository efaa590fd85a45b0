//! The workspace: one GeoPackage file opened with defensive SQLite settings, checked on open,
//! migrated forward in a transaction, refused when it comes from a newer Local Atlas.

use super::schema::{
    FIRST_REBUILDING_MIGRATION, GPKG_APPLICATION_ID, GPKG_USER_VERSION, MIGRATIONS,
    REQUIRED_TABLES, SCHEMA_VERSION,
};
use super::sqlite_error::{translate, translate_error};
use super::workspace_check;
use crate::error::{Error, Result};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction};
use std::path::{Path, PathBuf};

/// An open workspace.
pub struct Workspace {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("path", &self.path)
            .finish()
    }
}

/// The settings of every workspace connection: defensive mode (no writes to the schema
/// tables, no corrupting pragmas), an untrusted schema (functions with side effects refused in
/// views, triggers, defaults and CHECKs), and views and triggers not run at all: the schema
/// has neither (a GeoPackage's only triggers are the optional R-tree ones, which Local Atlas
/// does not create), so any there were added by someone else.
pub(crate) fn harden(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW, false)?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA journal_mode = DELETE;")?;
    Ok(())
}

impl Workspace {
    /// Creates a new, empty workspace at `path`; refuses to overwrite an existing file.
    pub fn create(path: &Path) -> Result<Self> {
        Self::create_at_version(path, SCHEMA_VERSION)
    }

    /// Creates a workspace whose schema stops at `version` (tests of migration use this).
    pub fn create_at_version(path: &Path, version: i64) -> Result<Self> {
        let ws_err = |message: String| Error::Workspace {
            path: path.display().to_string(),
            message,
        };
        if path.is_dir() {
            return Err(ws_err(
                "is a folder; give the name of a new .gpkg file inside it".into(),
            ));
        }
        if path.exists() {
            return Err(ws_err(
                "a file already exists here; choose a new file name or delete it first".into(),
            ));
        }
        if let Some(dir) = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty() && !d.is_dir())
        {
            return Err(ws_err(format!(
                "the folder {} does not exist: create it or choose another",
                dir.display()
            )));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| translate(path, e))?;
        let made = (|| -> Result<()> {
            harden(&conn)?;
            conn.execute_batch(&format!(
                "PRAGMA application_id = {GPKG_APPLICATION_ID}; PRAGMA user_version = {GPKG_USER_VERSION};"
            ))?;
            let tx = conn.transaction()?;
            migrate(&tx, 0, version)?;
            tx.execute(
                "INSERT OR REPLACE INTO atlas_meta VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                [],
            )?;
            tx.commit()?;
            compact(&conn);
            Ok(())
        })();
        made.map_err(|e| translate_error(path, e))?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens an existing workspace in time that does not grow with the file: checks that it is
    /// whole ([`super::file_header`]), that any leftover journal belongs to it
    /// ([`super::hot_journal`]) and that its schema is this application's
    /// ([`super::workspace_check`]), then migrates an older schema. The full check, which
    /// reads every page, is [`super::workspace_integrity`] (`local-atlas check`).
    pub fn open(path: &Path) -> Result<Self> {
        let ws_err = |message: String| Error::Workspace {
            path: path.display().to_string(),
            message,
        };
        if path.is_dir() {
            return Err(ws_err(
                "is a folder, not a workspace file; give the path of a .gpkg file (create one \
                 with `local-atlas init FILE.gpkg`)"
                    .into(),
            ));
        }
        if !path.is_file() {
            return Err(ws_err(
                "no such file; create one with `local-atlas init FILE.gpkg`".into(),
            ));
        }
        // SQLite says only "unable to open" when the file may not be read; the OS says why.
        std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if super::hot_journal::check(path)? {
            // A write was cut off (a crash, `kill -9`): its journal is played back first, which
            // puts the file back as it was, header and length included (the unfinished
            // transaction may have written a header counting pages it never wrote).
            let c = Connection::open_with_flags(path, flags).map_err(|e| translate(path, e))?;
            harden(&c).map_err(|e| translate(path, e))?;
            super::workspace_restore::read_schema(&c).map_err(|e| translate(path, e))?;
        }
        // A journal still there belongs to a live writer in another process (SQLite then waits
        // or says the workspace is busy): the header may count pages it has not written yet.
        if !super::workspace_restore::journal_path(path).exists() {
            super::file_header::check_whole(path)?;
        }
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| translate(path, e))?;
        harden(&conn).map_err(|e| translate(path, e))?;
        let version = check_tables(&conn, path).map_err(|e| translate_error(path, e))?;
        if version < SCHEMA_VERSION {
            upgrade(&mut conn, version).map_err(|e| {
                ws_err(format!(
                    "could not be upgraded from schema version {version} to {SCHEMA_VERSION} \
                     ({}); nothing was changed: run `local-atlas check` on it, or restore it \
                     from a backup",
                    translate_error(path, e)
                ))
            })?;
            compact(&conn);
        }
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Another connection to this (already opened, checked and migrated) workspace, for
    /// background work: the same defensive settings, without the checks made when it was
    /// opened.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let ws = local_atlas::data::Workspace::create(&dir.path().join("w.gpkg")).unwrap();
    /// let other = ws.reopen().unwrap();
    /// assert_eq!(other.schema_version().unwrap(), ws.schema_version().unwrap());
    /// ```
    pub fn reopen(&self) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        harden(&conn)?;
        Ok(Self {
            conn,
            path: self.path.clone(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version stored in the file.
    pub fn schema_version(&self) -> Result<i64> {
        schema_version(&self.conn)
    }

    /// Read access to the connection for queries inside the data layer.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one transaction: all of it is written, or none of it.
    ///
    /// Takes `&self` so that every operation has one shape (`run(&Workspace, ..)`): SQLite
    /// itself serialises writers, and a `Workspace` is never shared between threads (it is
    /// not `Sync`), so no second transaction can start on this connection while `f` runs
    /// except from inside `f`, which SQLite refuses with an error rather than nesting.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.transaction(true, f)
    }

    /// Runs `f` in one transaction, committed when `keep`, else rolled back (a trial). After
    /// any failure the file is as it was before (see [`super::workspace_restore`]).
    pub(crate) fn transaction<T>(
        &self,
        keep: bool,
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        super::workspace_restore::run(&self.conn, &self.path, keep, f)
    }
}

/// The checks of [`Workspace::open`] on the schema, cheapest first; returns the stored schema
/// version once the tables agree with it.
fn check_tables(conn: &Connection, path: &Path) -> Result<i64> {
    let ws_err = |message: String| Error::Workspace {
        path: path.display().to_string(),
        message,
    };
    workspace_check::check_schema_objects(conn, path)?;
    let missing: Vec<&str> = REQUIRED_TABLES
        .iter()
        .copied()
        .filter(|t| !workspace_check::table_exists(conn, t).unwrap_or(false))
        .collect();
    if !missing.is_empty() {
        return Err(ws_err(format!(
            "not a Local Atlas workspace: missing table(s) {}; create a workspace with \
             `local-atlas init` and import this file's layers into it",
            missing.join(", ")
        )));
    }
    let version = schema_version(conn)?;
    if version > SCHEMA_VERSION {
        return Err(ws_err(format!(
            "was written by a newer Local Atlas (schema version {version}; this build knows up \
             to {SCHEMA_VERSION}); upgrade Local Atlas to open it"
        )));
    }
    workspace_check::check_schema_version(conn, path, version)?;
    workspace_check::check_registries(conn, path)?;
    Ok(version)
}

/// Gives back the pages a migration freed (version 6 drops the old values table: most of an
/// old workspace's file), once, after it committed. Besides the size, this matters for the
/// promise that a failed write leaves the file byte-identical: SQLite does not journal a free
/// page it reuses (its old content is garbage), so a rolled-back write would leave new bytes
/// in it. A failure (e.g. no room for the copy VACUUM makes) leaves the migrated file as it
/// is, merely larger.
fn compact(conn: &Connection) {
    let _ = conn.execute_batch("VACUUM");
}

fn schema_version(conn: &Connection) -> Result<i64> {
    let text: Option<String> = conn
        .query_row(
            "SELECT value FROM atlas_meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(text.and_then(|t| t.parse().ok()).unwrap_or(0))
}

/// Migrates an existing workspace from `version` to [`SCHEMA_VERSION`] in one transaction.
/// A migration that rebuilds a referenced table runs with foreign keys off (they cannot be
/// switched inside a transaction); they are checked before the commit and switched back on
/// whatever happens.
fn upgrade(conn: &mut Connection, version: i64) -> Result<()> {
    let rebuilds = version < FIRST_REBUILDING_MIGRATION;
    if rebuilds {
        conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    }
    let done = (|| -> Result<()> {
        let tx = conn.transaction()?;
        migrate(&tx, version, SCHEMA_VERSION)?;
        if rebuilds {
            let broken: Option<String> = tx
                .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
                .optional()?;
            if let Some(table) = broken {
                return Err(Error::Invalid(format!(
                    "table {table} refers to rows that are not there"
                )));
            }
        }
        tx.commit()?;
        Ok(())
    })();
    if rebuilds {
        conn.execute_batch("PRAGMA foreign_keys = ON")?;
    }
    done
}

fn migrate(tx: &Transaction<'_>, from: i64, to: i64) -> Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let target = i as i64 + 1;
        if target > from && target <= to {
            tx.execute_batch(sql)?;
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO atlas_meta VALUES ('schema_version', ?1)",
        [to.to_string()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Workspace;
    use rusqlite::config::DbConfig;

    /// The settings [`super::harden`] makes, read back from SQLite itself.
    fn assert_hardened(ws: &Workspace) {
        let c = ws.conn();
        let get = |k| c.db_config(k).unwrap();
        assert!(
            get(DbConfig::SQLITE_DBCONFIG_DEFENSIVE),
            "defensive mode off"
        );
        assert!(
            !get(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA),
            "schema trusted"
        );
        assert!(
            !get(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER),
            "triggers run"
        );
        assert!(!get(DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW), "views run");
        let fk: i64 = c
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn defensive_settings_hold_on_create_open_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.gpkg");
        let created = Workspace::create(&path).unwrap();
        assert_hardened(&created);
        assert_hardened(&created.reopen().unwrap());
        drop(created);
        let opened = Workspace::open(&path).unwrap();
        assert_hardened(&opened);
        assert_hardened(&opened.reopen().unwrap());
    }

    /// Defensive mode refuses what could corrupt the file even through our own connection.
    #[test]
    fn defensive_mode_refuses_writing_the_schema_table() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(&dir.path().join("w.gpkg")).unwrap();
        let c = ws.conn();
        let refused = c.execute_batch("PRAGMA writable_schema = ON; DELETE FROM sqlite_master;");
        assert!(refused.is_err(), "the schema table was writable");
    }

    #[test]
    fn a_folder_given_as_a_workspace_is_named_as_one() {
        let dir = tempfile::tempdir().unwrap();
        let err = Workspace::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("is a folder, not a workspace file"), "{err}");
    }
}
