//! Work slower than a frame runs on a named background thread with the library's
//! progress-and-cancel interface ([`Feedback`]); the app polls it each frame, draws a progress
//! bar and a Cancel button, and takes the result when it is done. Each job opens its own
//! workspace connection (SQLite handles concurrent readers), so the UI thread never blocks.

use crate::error::{Error, Result};
use crate::feedback::Feedback;
use crate::ops::Workspace;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Progress shared between a job and the UI.
#[derive(Default)]
pub struct Progress {
    stage: Mutex<String>,
    done: AtomicU64,
    total: AtomicU64,
    cancel: AtomicBool,
    ctx: Mutex<Option<egui::Context>>,
}

impl Progress {
    fn repaint(&self) {
        if let Ok(ctx) = self.ctx.lock()
            && let Some(ctx) = ctx.as_ref()
        {
            ctx.request_repaint();
        }
    }
}

impl Feedback for Progress {
    fn stage(&self, name: &str) {
        if let Ok(mut s) = self.stage.lock() {
            *s = name.to_string();
        }
        self.done.store(0, Ordering::Relaxed);
        self.total.store(0, Ordering::Relaxed);
        self.repaint();
    }
    fn progress(&self, done: u64, total: u64) {
        self.done.store(done, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.repaint();
    }
    fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// A running (or finished) background job producing a `T`.
pub struct Job<T> {
    pub name: String,
    progress: Arc<Progress>,
    handle: Option<JoinHandle<Result<T>>>,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on its own connection to the workspace `ws` (`Workspace::reopen`), on a
    /// thread named `local-atlas-<name>`: how every panel runs an operation.
    pub fn on_workspace(
        name: &str,
        ctx: &egui::Context,
        ws: &Workspace,
        work: impl FnOnce(&Workspace, &dyn Feedback) -> Result<T> + Send + 'static,
    ) -> Result<Self> {
        let own = ws.reopen()?;
        Self::spawn(name, ctx, move |feedback| work(&own, feedback))
    }

    /// Starts `work` on a thread named `local-atlas-<name>`.
    pub fn spawn(
        name: &str,
        ctx: &egui::Context,
        work: impl FnOnce(&dyn Feedback) -> Result<T> + Send + 'static,
    ) -> Result<Self> {
        let progress = Arc::new(Progress::default());
        if let Ok(mut c) = progress.ctx.lock() {
            *c = Some(ctx.clone());
        }
        let shared = progress.clone();
        let handle = std::thread::Builder::new()
            .name(format!("local-atlas-{name}"))
            .spawn(move || {
                let out = work(shared.as_ref());
                shared.repaint();
                out
            })
            .map_err(|e| Error::Invalid(format!("cannot start the {name} thread: {e}")))?;
        Ok(Self {
            name: name.to_string(),
            progress,
            handle: Some(handle),
        })
    }

    /// The result, once the thread has finished (then the job is spent).
    pub fn poll(&mut self) -> Option<Result<T>> {
        if !self.handle.as_ref()?.is_finished() {
            return None;
        }
        let handle = self.handle.take()?;
        Some(handle.join().unwrap_or_else(|_| {
            Err(Error::Invalid(format!(
                "the {} job stopped unexpectedly",
                self.name
            )))
        }))
    }

    /// The result of the job in `slot` once it has finished; the slot is then emptied, so a
    /// panel holding `Option<Job<T>>` takes each result exactly once.
    pub fn take_finished(slot: &mut Option<Self>) -> Option<Result<T>> {
        let done = slot.as_mut()?.poll()?;
        *slot = None;
        Some(done)
    }

    pub fn is_running(&self) -> bool {
        self.handle.is_some()
    }

    /// Asks the job to stop; it returns `Error::Cancelled` soon after.
    pub fn cancel(&self) {
        self.progress.cancel.store(true, Ordering::Relaxed);
    }

    /// The current stage and the fraction done (`None` when the stage has no count).
    pub fn status(&self) -> (String, Option<f32>) {
        let stage = self
            .progress
            .stage
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default();
        let done = self.progress.done.load(Ordering::Relaxed);
        let total = self.progress.total.load(Ordering::Relaxed);
        (stage, (total > 0).then(|| done as f32 / total as f32))
    }

    /// Progress bar and Cancel button; returns true when Cancel was clicked.
    pub fn ui(&self, ui: &mut egui::Ui) -> bool {
        let (stage, fraction) = self.status();
        let mut cancelled = false;
        // Keep drawing while the job runs, also between its progress reports, so the bar (and
        // the rest of the window) stays live.
        if self.is_running() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        ui.horizontal(|ui| {
            // Cancel first: the bar takes the rest of the row, so the button is never pushed
            // out of a narrow window.
            if ui.button("Cancel").clicked() {
                self.cancel();
                cancelled = true;
            }
            let text = if stage.is_empty() {
                self.name.clone()
            } else {
                stage
            };
            match fraction {
                Some(f) => ui.add(egui::ProgressBar::new(f).show_percentage().text(text)),
                None => ui.add(egui::ProgressBar::new(0.0).animate(true).text(text)),
            };
        });
        cancelled
    }
}
