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
pub(crate) fn read_schema(conn: &Connection) -> rusqlite::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::journal_path;
    use crate::data::Workspace;
    use crate::data::sqlite_error::DISK_FULL;
    use sha2::{Digest, Sha256};
    use std::path::Path;

    fn sha256(path: &Path) -> Vec<u8> {
        Sha256::digest(std::fs::read(path).unwrap()).to_vec()
    }

    /// Writes `rows` rows of `size` bytes each to atlas_meta in one transaction.
    fn big_write(ws: &Workspace, rows: usize, size: usize) -> crate::error::Result<()> {
        ws.write(|tx| {
            let text = "x".repeat(size);
            for i in 0..rows {
                tx.execute(
                    "INSERT INTO atlas_meta VALUES (?1, ?2)",
                    (format!("filler{i}"), &text),
                )?;
            }
            Ok(())
        })
    }

    /// Asserts the failed write said "disk full", left no journal and the file as it was.
    fn assert_restored(path: &Path, before: &[u8], err: crate::error::Error) {
        let text = err.to_string();
        assert!(text.contains(DISK_FULL), "{text}");
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(!journal_path(path).exists(), "a journal is left");
        assert_eq!(sha256(path), before, "the workspace changed");
        Workspace::open(path).expect("the workspace opens");
    }

    /// SQLite's own "database or disk is full" (SQLITE_FULL), made by a page limit.
    #[test]
    fn a_full_database_leaves_the_workspace_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.gpkg");
        drop(Workspace::create(&path).unwrap());
        let before = sha256(&path);
        let ws = Workspace::open(&path).unwrap();
        let pages: i64 = ws
            .conn()
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        ws.conn()
            .pragma_update(None, "max_page_count", pages + 2)
            .unwrap();
        let err = big_write(&ws, 200, 4000).unwrap_err();
        drop(ws);
        assert_restored(&path, &before, err);
    }

    /// Mounts a 2 MB tmpfs on `dir`, or says why not (not root, no mount) and returns false.
    fn mount_small_disk(dir: &Path) -> bool {
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
            .arg(dir)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("skipping: cannot mount a small tmpfs here (needs root)");
        }
        ok
    }

    /// Free bytes on the file system holding `dir` (from `df`).
    fn free_bytes(dir: &Path) -> u64 {
        let out = std::process::Command::new("df")
            .args(["-B1", "--output=avail"])
            .arg(dir)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines().nth(1).unwrap().trim().parse().unwrap()
    }

    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }

    /// A real full disk (ENOSPC), journal and file on a 2 MB file system: whatever write
    /// fails (the journal, the file growing at commit), the file ends as it was.
    #[test]
    fn a_full_disk_leaves_the_workspace_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let disk = dir.path().join("disk");
        std::fs::create_dir(&disk).unwrap();
        if !mount_small_disk(&disk) {
            return;
        }
        let _unmount = Unmount(&disk);
        let path = disk.join("w.gpkg");
        drop(Workspace::create(&path).unwrap());
        big_write(&Workspace::open(&path).unwrap(), 50, 4000).unwrap();
        // room left for the transaction: less than its journal, than the file's growth, ...
        // and with a small page cache, pages spill into the file before the commit.
        let cases = [
            (8_000, 250, 2000),
            (120_000, 250, 2000),
            (400_000, 250, 2000),
        ];
        let spills = [(120_000, 250, 10), (400_000, 250, 10), (700_000, 250, 10)];
        for (room, rows, cache) in cases.into_iter().chain(spills) {
            let fill = disk.join("filler");
            let filler = free_bytes(&disk).saturating_sub(room);
            std::fs::write(&fill, vec![0u8; filler as usize]).unwrap();
            let before = sha256(&path);
            let ws = Workspace::open(&path).unwrap();
            ws.conn().pragma_update(None, "cache_size", cache).unwrap();
            let err = ws
                .write(|tx| {
                    let text = "y".repeat(4000);
                    tx.execute("DELETE FROM atlas_meta WHERE key LIKE 'filler%'", [])?;
                    for i in 0..rows {
                        tx.execute(
                            "INSERT INTO atlas_meta VALUES (?1, ?2)",
                            (format!("more{i}"), &text),
                        )?;
                    }
                    Ok(())
                })
                .unwrap_err();
            drop(ws);
            assert_restored(&path, &before, err);
            std::fs::remove_file(&fill).unwrap();
        }
    }
}
