//! Profile templates saved in the workspace: import (checked, then stored under its name),
//! load (refused when written by a newer Local Atlas), list, delete.

use super::template::{self, Template};
use crate::data::Workspace;
use crate::data::profile_templates as store;
use crate::data::recipes::RecipeInfo;
use crate::error::{Error, Result};

/// Saves `t` (checked first) under its own name, replacing a template of that name.
pub fn save(ws: &Workspace, t: &Template) -> Result<()> {
    t.check()?;
    let json = template::to_text(t, false)?;
    store::save(ws, &t.name, &json)
}

/// Template `name` from the workspace.
pub fn load(ws: &Workspace, name: &str) -> Result<Template> {
    let json = store::load(ws, name)?;
    template::parse(&json, false, &format!("saved profile template '{name}'"))
}

/// The saved templates, by name.
pub fn list(ws: &Workspace) -> Result<Vec<RecipeInfo>> {
    store::list(ws)
}

/// Deletes template `name`.
pub fn delete(ws: &Workspace, name: &str) -> Result<()> {
    store::delete(ws, name)
}

/// Reads a template file (`.json`, or `.toml`) — [`template::parse`] with the file's name in
/// every message.
pub fn read_file(path: &std::path::Path) -> Result<Template> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    template::parse(&text, is_toml(path), &path.display().to_string())
}

/// Whether a template file is TOML (by its extension).
pub fn is_toml(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}
