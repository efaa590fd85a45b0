//! How one import runs: who hears its progress (and may cancel it), and whether what it wrote
//! is kept (an import) or rolled back (a trial, which checks a file against the workspace by
//! doing everything the import does inside one transaction and then undoing it). A rollback
//! costs what the import wrote, never what the workspace already holds, and leaves the file
//! byte-for-byte as it was.

use crate::data::workspace::Workspace;
use crate::error::{Error, Result};
use crate::feedback::{Feedback, Silent};
use rusqlite::Transaction;

/// Progress is reported (and cancel checked) every this many rows or features.
const STEP: usize = 1024;

/// The way an importer runs.
#[derive(Clone, Copy)]
pub struct ImportRun<'a> {
    feedback: &'a dyn Feedback,
    keep: bool,
}

impl std::fmt::Debug for ImportRun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportRun")
            .field("keep", &self.keep)
            .finish()
    }
}

impl<'a> ImportRun<'a> {
    /// A real import: what it writes is committed.
    pub fn keep(feedback: &'a dyn Feedback) -> Self {
        Self {
            feedback,
            keep: true,
        }
    }

    /// A trial: every check and every write of the import, then rolled back.
    pub fn trial(feedback: &'a dyn Feedback) -> Self {
        Self {
            feedback,
            keep: false,
        }
    }

    /// A real import that reports nothing (scripts, tests, the sample builder).
    pub fn silent() -> ImportRun<'static> {
        ImportRun {
            feedback: &Silent,
            keep: true,
        }
    }

    /// Starts a named stage of the work (e.g. "reading boundaries").
    pub fn stage(&self, name: &str) {
        self.feedback.stage(name);
    }

    /// Reports that `done` of `total` items are through (every [`STEP`] items and at the
    /// end) and stops with [`Error::Cancelled`] when the user asked to.
    pub fn step(&self, done: usize, total: usize) -> Result<()> {
        if done.is_multiple_of(STEP) || done == total {
            self.feedback.progress(done as u64, total as u64);
            if self.feedback.is_cancelled() {
                return Err(Error::Cancelled);
            }
        }
        Ok(())
    }

    /// Progress of a streamed file: `rows` read so far, `read` of `total` bytes. Reports rows
    /// done of an estimated total (rows × total ÷ read), so a progress bar shows rows per
    /// second and the time left; every [`STEP`] rows, with a look at Cancel.
    pub fn step_stream(&self, rows: usize, read: u64, total: u64) -> Result<()> {
        if rows.is_multiple_of(STEP) || read >= total {
            let estimate = if read > 0 && total > read {
                ((rows as f64) * (total as f64) / (read as f64)).ceil() as u64
            } else {
                rows as u64
            };
            self.feedback
                .progress(rows as u64, estimate.max(rows as u64));
            if self.feedback.is_cancelled() {
                return Err(Error::Cancelled);
            }
        }
        Ok(())
    }

    /// Runs `f` in one transaction, committed by a real import and rolled back by a trial; an
    /// error or a cancel inside `f` rolls it back too, so nothing is half-written (even when
    /// the disk fills up: see `Workspace::transaction`).
    pub(crate) fn write<T>(
        &self,
        ws: &Workspace,
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        ws.transaction(self.keep, |tx| {
            let out = f(tx)?;
            if self.feedback.is_cancelled() {
                return Err(Error::Cancelled);
            }
            Ok(out)
        })
    }
}
