//! The import dialog, opened by dropping a file on the window (or File → Import…): it shows
//! the file's columns and first rows, proposes the kind, geography and code field, runs a
//! trial import on a scratch copy of the workspace to show matched / unmatched codes and any
//! error in plain words before anything is written, then imports for real.

use super::app::{AtlasApp, Command};
use crate::ops::import::{self, FileKind, FilePreview, ImportReport, ImportRequest};
use std::path::PathBuf;

#[derive(Default)]
pub struct ImportDialog {
    pub open: bool,
    pub path: String,
    pub preview: Option<FilePreview>,
    pub request: Option<ImportRequest>,
    /// The trial import's report (or its error), for the request it was made for.
    pub trial: Option<(ImportRequest, Result<ImportReport, String>)>,
    pub message: String,
}

fn kind_label(k: FileKind) -> &'static str {
    match k {
        FileKind::Boundaries => "Boundaries (a new geography)",
        FileKind::Indicators => "Indicator values (CSV)",
        FileKind::Points => "Points (a service layer)",
        FileKind::Lookup => "A lookup between geographies (CSV)",
    }
}

impl AtlasApp {
    /// Starts the dialog on `path` (a dropped or chosen file).
    pub(super) fn begin_import(&mut self, path: PathBuf) {
        let d = &mut self.import;
        d.open = true;
        d.path = path.display().to_string();
        d.trial = None;
        d.message.clear();
        match import::preview(&self.ws, &path) {
            Ok(p) => {
                d.request = Some(ImportRequest::proposed(&p));
                d.preview = Some(p);
            }
            Err(e) => {
                d.preview = None;
                d.request = None;
                d.message = e.to_string();
            }
        }
    }

    pub(super) fn import_window(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut out = Vec::new();
        let mut open = self.import.open;
        egui::Window::new("Import")
            .open(&mut open)
            .default_width(640.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let l = ui.label("File");
                    ui.text_edit_singleline(&mut self.import.path)
                        .labelled_by(l.id);
                    if ui.button("Browse…").clicked()
                        && let Some(p) = rfd::FileDialog::new()
                            .add_filter(
                                "Boundaries, points or CSV",
                                &["geojson", "json", "shp", "gpkg", "csv"],
                            )
                            .pick_file()
                    {
                        self.import.path = p.display().to_string();
                    }
                    if ui.button("Preview").clicked() {
                        let p = PathBuf::from(self.import.path.trim());
                        self.begin_import(p);
                    }
                });
                self.preview_table(ui);
                self.request_fields(ui);
                out.extend(self.trial_and_import(ui));
                if !self.import.message.is_empty() {
                    ui.colored_label(egui::Color32::from_rgb(170, 30, 30), &self.import.message);
                }
            });
        self.import.open = open;
        out
    }

    fn preview_table(&self, ui: &mut egui::Ui) {
        let Some(p) = &self.import.preview else {
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

    fn request_fields(&mut self, ui: &mut egui::Ui) {
        let (Some(p), Some(r)) = (&self.import.preview, &mut self.import.request) else {
            return;
        };
        egui::ComboBox::from_label("Kind")
            .selected_text(kind_label(r.kind))
            .show_ui(ui, |ui| {
                for k in [FileKind::Boundaries, FileKind::Indicators, FileKind::Points] {
                    ui.selectable_value(&mut r.kind, k, kind_label(k));
                }
            });
        match r.kind {
            FileKind::Indicators => {
                egui::ComboBox::from_label("Geography")
                    .selected_text(&r.target)
                    .show_ui(ui, |ui| {
                        for g in &self.geographies {
                            let hits = p
                                .matches
                                .iter()
                                .find(|m| &m.geography == g)
                                .map_or(String::new(), |m| {
                                    format!(" — {} of {} codes in '{}'", m.matched, m.of, m.column)
                                });
                            ui.selectable_value(&mut r.target, g.clone(), format!("{g}{hits}"));
                        }
                    });
                ui.checkbox(&mut r.wide, "One column per indicator (wide)");
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
            FileKind::Boundaries | FileKind::Points | FileKind::Lookup => {
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
        if r.kind != FileKind::Points {
            field_combo(ui, "Code field", &p.columns, &mut r.code_field);
        }
        if r.kind == FileKind::Boundaries {
            field_combo(ui, "Name field", &p.columns, &mut r.name_field);
        }
    }

    fn trial_and_import(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut out = Vec::new();
        let Some(req) = self.import.request.clone() else {
            return out;
        };
        let fresh = self.import.trial.as_ref().is_some_and(|(r, _)| *r == req);
        let check = ui
            .add_enabled(!fresh, egui::Button::new("Check"))
            .on_hover_text("Try the import on a scratch copy of the workspace")
            .clicked();
        if self.import.trial.is_none() || check {
            let result =
                import::trial(&self.ws, &req, &crate::ops::Silent).map_err(|e| e.to_string());
            self.import.trial = Some((req.clone(), result));
        }
        let Some((tried, result)) = &self.import.trial else {
            return out;
        };
        if *tried != req {
            ui.label("The settings changed: press Check before importing.");
            return out;
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
                ui.colored_label(
                    egui::Color32::from_rgb(170, 30, 30),
                    format!("Cannot import: {e}"),
                );
                false
            }
        };
        if ui.add_enabled(ready, egui::Button::new("Import")).clicked() {
            match import::run(&mut self.ws, &req, &crate::ops::Silent) {
                Ok(report) => {
                    self.status = format!("Imported: {}", report.summary());
                    self.import = Default::default();
                    out.push(match report {
                        ImportReport::Indicators(r) => match r.indicators.first() {
                            Some(code) => Command::ShowIndicator(code.clone()),
                            None => Command::Reload,
                        },
                        _ => Command::Reload,
                    });
                }
                Err(e) => self.import.message = e.to_string(),
            }
        }
        out
    }
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
