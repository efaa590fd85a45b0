//! The import dialog, opened by dropping a file on the window (or File → Import…): it shows
//! the file's columns and first rows, proposes the kind, geography and code field, runs a
//! trial import that writes nothing to show matched / unmatched codes and any error in plain
//! words, then imports for real. The trial and the import run as background jobs with a
//! progress bar and Cancel, each on its own workspace connection, so the window never
//! freezes; a cancelled import leaves the workspace as it was.

use super::app::{AppView, Command};
use super::app_words::in_app_words;
use super::jobs::Job;
use crate::ops::Workspace;
use crate::ops::catalog::Catalog;
use crate::ops::import::{self, FileKind, FilePreview, ImportReport, ImportRequest};
use std::path::PathBuf;

/// Red for errors.
const ERROR: egui::Color32 = egui::Color32::from_rgb(170, 30, 30);

/// What the dialog is running.
enum Running {
    /// The trial import of this request.
    Trial(Box<ImportRequest>, Job<ImportReport>),
    /// The real import.
    Import(Job<ImportReport>),
}

/// The dialog's file, its preview, the request being edited, the trial's report and the job.
#[derive(Default)]
pub struct ImportDialog {
    open: bool,
    path: String,
    preview: Option<FilePreview>,
    request: Option<ImportRequest>,
    /// The trial import's report (or its error), for the request it was made for.
    trial: Option<(ImportRequest, Result<ImportReport, String>)>,
    running: Option<Running>,
    /// A file waiting to be previewed (the preview starts on the next frame, as a job), and
    /// the running preview.
    pending: Option<PathBuf>,
    previewing: Option<Job<FilePreview>>,
    message: String,
}

fn kind_label(k: FileKind) -> &'static str {
    match k {
        FileKind::Boundaries => "Boundaries (a new geography)",
        FileKind::Indicators => "Indicator values (CSV)",
        FileKind::Points => "Points (a service layer)",
        FileKind::Lookup => "Lookup (area → higher area, CSV)",
    }
}

/// The trial import of `req`, on its own connection to the workspace at `path`: it writes
/// nothing the workspace keeps.
fn trial_job(
    ctx: &egui::Context,
    ws: Workspace,
    req: ImportRequest,
) -> crate::Result<Job<ImportReport>> {
    Job::spawn("import-check", ctx, move |feedback| {
        feedback.stage("checking the file against the workspace");
        import::trial(&ws, &req, feedback)
    })
}

/// The real import of `req`. The file is read again first (it may have changed since the
/// check); a Cancel before the import starts writing leaves the workspace untouched.
fn import_job(
    ctx: &egui::Context,
    ws: Workspace,
    req: ImportRequest,
) -> crate::Result<Job<ImportReport>> {
    Job::spawn("import", ctx, move |feedback| {
        feedback.stage("reading the file");
        if req.kind != FileKind::Lookup {
            import::preview(&ws, &req.path)?;
        }
        if feedback.is_cancelled() {
            return Err(crate::Error::Cancelled);
        }
        feedback.stage("importing");
        import::run(&ws, &req, feedback)
    })
}

impl ImportDialog {
    /// Opens the dialog, previewing `path` when given (a dropped or chosen file).
    pub fn open(&mut self, path: Option<PathBuf>) {
        self.open = true;
        let Some(path) = path else {
            return;
        };
        self.path = path.display().to_string();
        self.trial = None;
        self.running = None;
        self.preview = None;
        self.request = None;
        self.message.clear();
        self.pending = Some(path);
    }

    /// Reads the pending file's first rows and matches its codes on a background thread (a
    /// large file takes seconds), then proposes the request.
    fn preview_job(&mut self, ui: &mut egui::Ui, view: &AppView) {
        if let Some(path) = self.pending.take() {
            let job = Job::on_workspace("import-preview", ui.ctx(), view.ws, move |ws, fb| {
                fb.stage("reading the file");
                import::preview(ws, &path)
            });
            match job {
                Ok(job) => self.previewing = Some(job),
                Err(e) => self.message = in_app_words(&e.to_string()),
            }
        }
        let Some(job) = &mut self.previewing else {
            return;
        };
        let Some(done) = job.poll() else {
            job.ui(ui);
            return;
        };
        self.previewing = None;
        match done {
            Ok(p) => {
                self.request = Some(ImportRequest::proposed(&p));
                self.preview = Some(p);
            }
            Err(e) => self.message = in_app_words(&e.to_string()),
        }
    }

    /// The dialog window, when open.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        if !self.open {
            return out;
        }
        let mut open = self.open;
        egui::Window::new("Import")
            .open(&mut open)
            .default_width(640.0)
            .show(ui.ctx(), |ui| {
                self.file_row(ui);
                self.preview_job(ui, view);
                self.preview_table(ui);
                self.request_fields(ui, view);
                out.extend(self.poll());
                self.trial_and_import(ui, view);
                if !self.message.is_empty() {
                    ui.colored_label(ERROR, &self.message);
                }
            });
        // Closing the window cancels what it runs.
        if !open && let Some(Running::Trial(_, job) | Running::Import(job)) = &self.running {
            job.cancel();
        }
        self.open = open || self.running.is_some();
        out
    }

    fn file_row(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let l = ui.label("File");
            ui.text_edit_singleline(&mut self.path).labelled_by(l.id);
            if ui.button("Browse…").clicked()
                && let Some(p) = rfd::FileDialog::new()
                    .add_filter(
                        "Boundaries, points or CSV",
                        &["geojson", "json", "shp", "gpkg", "csv"],
                    )
                    .pick_file()
            {
                self.path = p.display().to_string();
            }
            if ui.button("Preview").clicked() {
                let p = PathBuf::from(self.path.trim());
                self.open(Some(p));
            }
        });
    }

    fn preview_table(&self, ui: &mut egui::Ui) {
        let Some(p) = &self.preview else {
            return;
        };
        ui.label(format!("{} rows, {} columns", p.rows, p.columns.len()));
        egui::ScrollArea::both()
            .id_salt("import-preview")
            .max_height(140.0)
            .show(ui, |ui| {
                egui::Grid::new("import-grid").striped(true).show(ui, |ui| {
                    for c in &p.columns {
                        ui.strong(c);
                    }
                    ui.end_row();
                    for row in &p.sample {
                        for v in row {
                            ui.label(v);
                        }
                        ui.end_row();
                    }
                });
            });
    }

    fn request_fields(&mut self, ui: &mut egui::Ui, view: &AppView) {
        let (Some(p), Some(r)) = (&self.preview, &mut self.request) else {
            return;
        };
        let idle = self.running.is_none();
        ui.add_enabled_ui(idle, |ui| {
            egui::ComboBox::from_label("Kind")
                .selected_text(kind_label(r.kind))
                .show_ui(ui, |ui| {
                    for k in [
                        FileKind::Boundaries,
                        FileKind::Indicators,
                        FileKind::Points,
                        FileKind::Lookup,
                    ] {
                        ui.selectable_value(&mut r.kind, k, kind_label(k));
                    }
                });
            match r.kind {
                FileKind::Indicators => indicator_fields(ui, p, r, view.catalog),
                FileKind::Lookup => lookup_fields(ui, p, r, view.catalog),
                FileKind::Boundaries | FileKind::Points => {
                    ui.horizontal(|ui| {
                        let l = ui.label(if r.kind == FileKind::Points {
                            "Layer name"
                        } else {
                            "Geography name"
                        });
                        ui.text_edit_singleline(&mut r.target).labelled_by(l.id);
                    });
                }
            }
            if matches!(r.kind, FileKind::Indicators | FileKind::Boundaries) {
                field_combo(ui, "Code field", &p.columns, &mut r.code_field);
            }
            if r.kind == FileKind::Boundaries {
                field_combo(ui, "Name field", &p.columns, &mut r.name_field);
            }
            if r.kind == FileKind::Points {
                postcode_fields(ui, p, r);
            }
        });
    }

    /// Takes a finished trial or import.
    fn poll(&mut self) -> Vec<Command> {
        let mut out = Vec::new();
        let done = match &mut self.running {
            Some(Running::Trial(_, job) | Running::Import(job)) => job.poll(),
            None => None,
        };
        let Some(done) = done else {
            return out;
        };
        match self.running.take() {
            Some(Running::Trial(req, _)) => {
                self.trial = Some((*req, done.map_err(|e| in_app_words(&e.to_string()))));
            }
            Some(Running::Import(_)) => match done {
                Ok(report) => {
                    out.push(Command::SetStatus(format!(
                        "Imported: {}",
                        report.summary()
                    )));
                    *self = Default::default();
                    out.push(match report {
                        ImportReport::Indicators(r) => match r.indicators.first() {
                            Some(code) => Command::ShowIndicator(code.clone()),
                            None => Command::Reload,
                        },
                        _ => Command::Reload,
                    });
                }
                Err(crate::Error::Cancelled) => {
                    self.message = "Import cancelled: the workspace is unchanged.".into()
                }
                Err(e) => self.message = in_app_words(&e.to_string()),
            },
            None => {}
        }
        out
    }

    /// Starts a trial of `req`, unless one is already running for it.
    fn start_trial(&mut self, ui: &egui::Ui, view: &AppView, req: &ImportRequest) {
        if matches!(&self.running, Some(Running::Trial(r, _)) if **r == *req) {
            return;
        }
        if let Some(Running::Trial(_, job)) = &self.running {
            job.cancel();
        }
        match view
            .ws
            .reopen()
            .and_then(|ws| trial_job(ui.ctx(), ws, req.clone()))
        {
            Ok(job) => self.running = Some(Running::Trial(Box::new(req.clone()), job)),
            Err(e) => self.message = e.to_string(),
        }
    }

    fn trial_and_import(&mut self, ui: &mut egui::Ui, view: &AppView) {
        let Some(req) = self.request.clone() else {
            return;
        };
        // A cancelled check is not a report: Check can be pressed again.
        let cancelled = crate::Error::Cancelled.to_string();
        let fresh = self
            .trial
            .as_ref()
            .is_some_and(|(r, result)| *r == req && result.as_ref().err() != Some(&cancelled));
        let check = ui
            .add_enabled(!fresh && self.running.is_none(), egui::Button::new("Check"))
            .on_hover_text("Try the import without writing anything")
            .clicked();
        if (self.trial.is_none() && self.running.is_none()) || check {
            self.start_trial(ui, view, &req);
        }
        if let Some(Running::Trial(_, job) | Running::Import(job)) = &self.running {
            job.ui(ui);
            return;
        }
        let Some((tried, result)) = &self.trial else {
            return;
        };
        if *tried != req {
            ui.label("The settings changed: press Check before importing.");
            return;
        }
        let ready = match result {
            Ok(report) => {
                ui.label(format!("Check: {}", report.summary()));
                if report.unmatched() > 0 && !req.allow_unmatched {
                    ui.label("Some codes match no area: tick \"Skip rows…\" to import the rest, or pick another geography.");
                    false
                } else {
                    true
                }
            }
            Err(e) => {
                ui.colored_label(ERROR, format!("Cannot import: {e}"));
                false
            }
        };
        if ui.add_enabled(ready, egui::Button::new("Import")).clicked() {
            self.message.clear();
            match view
                .ws
                .reopen()
                .and_then(|ws| import_job(ui.ctx(), ws, req))
            {
                Ok(job) => self.running = Some(Running::Import(job)),
                Err(e) => self.message = e.to_string(),
            }
        }
    }
}

/// The fields of an indicator file: geography (with the codes each would match), wide or
/// long, period, and what to do with unmatched codes and values already there.
fn indicator_fields(ui: &mut egui::Ui, p: &FilePreview, r: &mut ImportRequest, catalog: &Catalog) {
    egui::ComboBox::from_label("Geography")
        .selected_text(catalog.title(&r.target))
        .show_ui(ui, |ui| {
            for g in &catalog.geographies {
                let hits = p
                    .matches
                    .iter()
                    .find(|m| &m.geography == g)
                    .map_or(String::new(), |m| {
                        format!(" — {} of {} codes in '{}'", m.matched, m.of, m.column)
                    });
                let shown = catalog.title(g);
                ui.selectable_value(&mut r.target, g.clone(), format!("{shown}{hits}"));
            }
        });
    ui.checkbox(&mut r.wide, "One column per indicator (wide)");
    if r.wide {
        super::import_columns::column_picker(ui, p, r);
        super::import_columns::describe(ui, p, r);
    }
    let mut period = r.period.clone().unwrap_or_default();
    ui.horizontal(|ui| {
        let l = ui.label("Period");
        ui.text_edit_singleline(&mut period).labelled_by(l.id);
    });
    r.period = (!period.trim().is_empty()).then(|| period.trim().to_string());
    ui.checkbox(
        &mut r.allow_unmatched,
        "Skip rows whose codes match no area",
    );
    ui.checkbox(&mut r.replace, "Replace values already in the workspace");
}

/// A lookup's two geographies and their code columns (`import lookup --from --to
/// --from-field --to-field`).
fn lookup_fields(ui: &mut egui::Ui, p: &FilePreview, r: &mut ImportRequest, catalog: &Catalog) {
    geography_combo(ui, "From geography", catalog, &mut r.target);
    field_combo(ui, "From column", &p.columns, &mut r.code_field);
    geography_combo(ui, "To geography", catalog, &mut r.to);
    field_combo(ui, "To column", &p.columns, &mut r.to_field);
}

fn geography_combo(ui: &mut egui::Ui, label: &str, catalog: &Catalog, value: &mut String) {
    egui::ComboBox::from_label(label)
        .selected_text(catalog.title(value).to_string())
        .show_ui(ui, |ui| {
            for g in &catalog.geographies {
                ui.selectable_value(value, g.clone(), catalog.title(g));
            }
        });
}

fn field_combo(ui: &mut egui::Ui, label: &str, columns: &[String], value: &mut Option<String>) {
    egui::ComboBox::from_label(label)
        .selected_text(value.clone().unwrap_or_else(|| "automatic".into()))
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, "automatic");
            for c in columns {
                ui.selectable_value(value, Some(c.clone()), c);
            }
        });
}

/// A point file's postcode column (its rows placed by the workspace's postcode lookup) or
/// none (its coordinate columns), and whether rows whose postcode is not found are skipped.
fn postcode_fields(ui: &mut egui::Ui, p: &FilePreview, r: &mut ImportRequest) {
    egui::ComboBox::from_label("Locate by postcode")
        .selected_text(
            r.postcode_field
                .clone()
                .unwrap_or_else(|| "no: coordinate columns".into()),
        )
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut r.postcode_field, None, "no: coordinate columns");
            for c in &p.columns {
                ui.selectable_value(&mut r.postcode_field, Some(c.clone()), c);
            }
        });
    if r.postcode_field.is_some() {
        ui.checkbox(
            &mut r.allow_unmatched,
            "Skip rows whose postcode is not in the postcode lookup",
        );
    }
}
