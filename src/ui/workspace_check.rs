//! The "Check workspace" window: the full check (`ops::check`, which reads every page and so
//! is not run on open) as a background job with progress and Cancel, then what it found.

use super::app::{AppView, Command};
use super::jobs::Job;
use crate::ops::check::{self, CheckRequest, CheckResponse};

/// The window's state: asked for, running, or showing a result.
#[derive(Default)]
pub struct CheckWindow {
    /// Set by [`CheckWindow::open`]; the job starts on the next frame (it needs the context).
    pending: bool,
    job: Option<Job<CheckResponse>>,
    result: Option<Result<CheckResponse, String>>,
    shown: bool,
}

impl CheckWindow {
    /// Opens the window and starts a check of the current workspace.
    pub fn open(&mut self) {
        self.pending = true;
        self.shown = true;
        self.result = None;
    }

    /// Draws the window when it is open (the check itself never touches the UI thread).
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        if self.pending {
            self.pending = false;
            let req = CheckRequest::default();
            let started = Job::on_workspace("check", ui.ctx(), view.ws, move |ws, feedback| {
                check::run(ws, &req, feedback)
            });
            match started {
                Ok(job) => self.job = Some(job),
                Err(e) => self.result = Some(Err(e.to_string())),
            }
        }
        if let Some(done) = Job::take_finished(&mut self.job) {
            self.result = Some(done.map_err(|e| e.to_string()));
        }
        let mut shown = self.shown;
        egui::Window::new("Check workspace")
            .open(&mut shown)
            .show(ui.ctx(), |ui| self.contents(ui));
        self.shown = shown;
        Vec::new()
    }

    fn contents(&mut self, ui: &mut egui::Ui) {
        if let Some(job) = &self.job {
            ui.label("Reading every page, table and geometry of the workspace…");
            job.ui(ui);
            return;
        }
        match &self.result {
            None => {}
            Some(Err(e)) => {
                ui.label(format!("The check stopped: {e}"));
            }
            Some(Ok(r)) if r.ok => {
                ui.label("No problems found: SQLite integrity, foreign keys, GeoPackage tables, every geometry and every value's area are sound.");
            }
            Some(Ok(r)) => {
                ui.label(format!("{} problem(s) found:", r.problems.len()));
                for p in &r.problems {
                    ui.label(format!("{}: {}", p.check, p.detail));
                }
                ui.label(format!("What to do: {}", r.recovery));
            }
        }
    }
}
