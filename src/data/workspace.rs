//! The workspace: one GeoPackage file opened with defensive SQLite settings, checked on open,
//! migrated forward in a transaction, refused when it comes from a newer Local Atlas.

use super::schema::{
    GPKG_APPLICATION_ID, GPKG_USER_VERSION, MIGRATIONS, REQUIRED_TABLES, SCHEMA_VERSION,
};
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

fn harden(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true)?;
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
        if path.exists() {
            return Err(Error::Workspace {
                path: path.display().to_string(),
                message: "a file already exists here; choose a new file name or delete it first"
                    .into(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags)?;
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
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens an existing workspace: checks integrity and tables, migrates an older schema.
    pub fn open(path: &Path) -> Result<Self> {
        let ws_err = |message: String| Error::Workspace {
            path: path.display().to_string(),
            message,
        };
        if !path.is_file() {
            return Err(ws_err(
                "no such file; create one with `local-atlas init FILE.gpkg`".into(),
            ));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags)?;
        let not_db = |e: rusqlite::Error| {
            ws_err(format!(
                "not a readable SQLite/GeoPackage file ({e}); check that it is a workspace made by Local Atlas"
            ))
        };
        harden(&conn).map_err(not_db)?;
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(not_db)?;
        if check != "ok" {
            return Err(ws_err(format!(
                "failed the SQLite integrity check ({check}); restore it from a backup"
            )));
        }
        let missing: Vec<&str> = REQUIRED_TABLES
            .iter()
            .copied()
            .filter(|t| !table_exists(&conn, t).unwrap_or(false))
            .collect();
        if !missing.is_empty() {
            return Err(ws_err(format!(
                "not a Local Atlas workspace: missing table(s) {}; create a workspace with \
                 `local-atlas init` and import this file's layers into it",
                missing.join(", ")
            )));
        }
        let version = schema_version(&conn)?;
        if version > SCHEMA_VERSION {
            return Err(ws_err(format!(
                "was written by a newer Local Atlas (schema version {version}; this build knows up \
                 to {SCHEMA_VERSION}); upgrade Local Atlas to open it"
            )));
        }
        if version < SCHEMA_VERSION {
            let tx = conn.transaction()?;
            migrate(&tx, version, SCHEMA_VERSION)?;
            tx.commit()?;
        }
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Another connection to this (already opened, checked and migrated) workspace, for
    /// background work: the same defensive settings, without the integrity check, whose cost
    /// grows with the file (seconds on a national workspace) and was paid when it was opened.
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
        let tx = self.conn.unchecked_transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

fn table_exists(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |_| Ok(()),
    )
    .optional()
    .map(|o| o.is_some())
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
