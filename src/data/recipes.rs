//! Saved map recipes: named JSON documents in `atlas_recipes`. The data layer stores and
//! returns the text; `ops::map` parses it as a `MapSpec` (the workspace does not depend on the
//! renderer's types).

use super::workspace::Workspace;
use crate::error::{Error, Result};
use rusqlite::OptionalExtension;

/// A saved recipe's name and when it last changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RecipeInfo {
    pub name: String,
    pub updated_at: String,
}

/// Checks a recipe name: 1–100 characters, no control characters, not only spaces.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.trim().is_empty()
        && name.chars().count() <= 100
        && !name.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "recipe name '{}' is not usable: use 1–100 printable characters",
            name.escape_debug()
        )))
    }
}

/// Saves (or replaces) recipe `name`, in one transaction.
pub fn save(ws: &Workspace, name: &str, spec_json: &str) -> Result<()> {
    check_name(name)?;
    ws.write(|tx| {
        tx.execute(
            "INSERT INTO atlas_recipes (name, spec, created_at, updated_at) \
             VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'), strftime('%Y-%m-%dT%H:%M:%SZ','now')) \
             ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at",
            (name, spec_json),
        )?;
        Ok(())
    })
}

/// The JSON of recipe `name`; the error lists the saved names.
pub fn load(ws: &Workspace, name: &str) -> Result<String> {
    let found: Option<String> = ws
        .conn()
        .query_row(
            "SELECT spec FROM atlas_recipes WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?;
    match found {
        Some(spec) => Ok(spec),
        None => {
            let names: Vec<String> = list(ws)?.into_iter().map(|r| r.name).collect();
            Err(Error::Invalid(format!(
                "no recipe called '{name}' in this workspace; saved recipes: {}",
                if names.is_empty() {
                    "none (save one with --save-recipe NAME)".to_string()
                } else {
                    names.join(", ")
                }
            )))
        }
    }
}

/// Every saved recipe, by name.
pub fn list(ws: &Workspace) -> Result<Vec<RecipeInfo>> {
    let mut stmt = ws
        .conn()
        .prepare("SELECT name, updated_at FROM atlas_recipes ORDER BY name")?;
    let rows = stmt.query_map([], |r| {
        Ok(RecipeInfo {
            name: r.get(0)?,
            updated_at: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
