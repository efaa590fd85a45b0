//! The export's title and file name follow the indicator on the map unless the user typed
//! their own. A typed title or file name is kept only when the user says so: when the
//! indicator changes, the dialog asks "keep mine / use the new indicator's", so a map of the
//! next indicator is never exported under the previous one's title or over its file.

use super::app::{AppView, Command};
use crate::render::spec::MapSpec;
use std::path::{Path, PathBuf};

/// What the export's naming follows.
#[derive(Debug, Default)]
pub struct ExportNaming {
    /// The indicator the title and file name were last set for.
    seen: Option<String>,
    /// The user typed the title (since it last followed the indicator).
    pub title_typed: bool,
    /// The file name made from the indicator (a different one was typed).
    auto_path: String,
    /// The indicator changed while a typed title or file name stood: the question is open.
    ask: Option<String>,
}

/// `dir/code.ext`: the file name for indicator `code`, in the folder and format of `like`
/// (the workspace's folder and PNG when `like` is empty).
pub fn path_for(code: &str, like: &str, workspace: &Path) -> String {
    let like = Path::new(like.trim());
    let dir = like
        .parent()
        .filter(|d| !like.as_os_str().is_empty() && !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .or_else(|| workspace.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let ext = like
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| ["png", "svg", "pdf"].contains(&e.to_ascii_lowercase().as_str()))
        .unwrap_or("png");
    let stem = crate::ops::map::names::safe_stem(code, None);
    dir.join(PathBuf::from(format!("{stem}.{ext}")))
        .display()
        .to_string()
}

impl ExportNaming {
    fn file_typed(&self, out_path: &str) -> bool {
        !out_path.trim().is_empty() && out_path != self.auto_path
    }

    /// Forgets what was typed (a recipe was opened: its title is the recipe's own).
    pub fn reset(&mut self) {
        self.seen = None;
        self.title_typed = false;
        self.ask = None;
    }

    /// The file name for the current indicator, unless one was typed.
    pub fn fill_path(&mut self, out_path: &mut String, view: &AppView) {
        if self.file_typed(out_path) {
            return;
        }
        let code = view.indicator.map_or("map", |i| i.code.as_str());
        *out_path = path_for(code, out_path, view.ws.path());
        self.auto_path = out_path.clone();
    }

    /// Follows a change of indicator: what was not typed follows at once; what was typed is
    /// asked about (see [`ExportNaming::question_ui`]).
    pub fn follow(&mut self, out_path: &mut String, view: &AppView) {
        let code = view.indicator.map(|i| i.code.clone());
        if code == self.seen {
            return;
        }
        let first = self.seen.is_none();
        self.seen = code.clone();
        let typed = self.title_typed || self.file_typed(out_path);
        if !first && typed {
            self.ask = code;
        }
        self.fill_path(out_path, view);
    }

    /// The "keep mine / use the new indicator's" window while the question is open.
    pub fn question_ui(
        &mut self,
        ctx: &egui::Context,
        out_path: &mut String,
        view: &AppView,
    ) -> Vec<Command> {
        let mut out = Vec::new();
        let Some(code) = self.ask.clone() else {
            return out;
        };
        let title = view.indicator.map_or(code.clone(), |i| i.title.clone());
        let mut answered = false;
        egui::Window::new("Export title and file")
            .collapsible(false)
            .show(ctx, |ui| {
                ui.label(format!(
                    "The map now shows {title}. The export still has the title you typed, \
                     \u{201c}{}\u{201d}, and the file {}.",
                    view.recipe.title, out_path
                ));
                ui.horizontal(|ui| {
                    if ui.button("Keep mine").clicked() {
                        answered = true;
                    }
                    if ui.button("Use the new indicator's").clicked() {
                        answered = true;
                        self.title_typed = false;
                        self.auto_path.clear();
                        let code = view.indicator.map_or("map", |i| i.code.as_str());
                        *out_path = path_for(code, out_path, view.ws.path());
                        self.auto_path = out_path.clone();
                        let spec = MapSpec {
                            title: MapSpec::default().title,
                            ..view.recipe.clone()
                        };
                        out.push(Command::SetLayout(Box::new(spec)));
                    }
                });
            });
        if answered {
            self.ask = None;
        }
        out
    }
}
