//! Saved profile templates: named JSON documents in `atlas_profile_templates`, beside the map
//! recipes. The data layer stores and returns the text; `ops::profile::template` parses and
//! checks it (the workspace does not depend on the template's types).

use super::recipes::RecipeInfo;
use super::workspace::Workspace;
use crate::error::{Error, Result};
use rusqlite::OptionalExtension;

/// Checks a template name: 1–100 printable characters, not only spaces.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.trim().is_empty()
        && name.chars().count() <= 100
        && !name.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "profile template name '{}' is not usable: use 1–100 printable characters",
            name.escape_debug()
        )))
    }
}

/// Saves (or replaces) template `name`, in one transaction.
pub fn save(ws: &Workspace, name: &str, json: &str) -> Result<()> {
    check_name(name)?;
    ws.write(|tx| {
        tx.execute(
            "INSERT INTO atlas_profile_templates (name, template, created_at, updated_at) \
             VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'), strftime('%Y-%m-%dT%H:%M:%SZ','now')) \
             ON CONFLICT (name) DO UPDATE SET template = excluded.template, updated_at = excluded.updated_at",
            (name, json),
        )?;
        Ok(())
    })
}

/// The JSON of template `name`; the error lists the saved names.
pub fn load(ws: &Workspace, name: &str) -> Result<String> {
    let found: Option<String> = ws
        .conn()
        .query_row(
            "SELECT template FROM atlas_profile_templates WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?;
    found.ok_or_else(|| missing(ws, name))
}

fn missing(ws: &Workspace, name: &str) -> Error {
    let names: Vec<String> = list(ws)
        .map(|l| l.into_iter().map(|r| r.name).collect())
        .unwrap_or_default();
    Error::Invalid(format!(
        "no profile template called '{}' in this workspace; saved templates: {}",
        crate::error::excerpt(name),
        if names.is_empty() {
            "none (add one with `local-atlas profile-template WS import FILE.json`)".to_string()
        } else {
            names.join(", ")
        }
    ))
}

/// Deletes template `name`; an error naming the saved ones when there is none.
pub fn delete(ws: &Workspace, name: &str) -> Result<()> {
    let gone = ws.write(|tx| {
        Ok(tx.execute(
            "DELETE FROM atlas_profile_templates WHERE name = ?1",
            [name],
        )?)
    })?;
    if gone == 0 {
        return Err(missing(ws, name));
    }
    Ok(())
}

/// Every saved template, by name.
pub fn list(ws: &Workspace) -> Result<Vec<RecipeInfo>> {
    let mut stmt = ws
        .conn()
        .prepare("SELECT name, updated_at FROM atlas_profile_templates ORDER BY name")?;
    let rows = stmt.query_map([], |r| {
        Ok(RecipeInfo {
            name: r.get(0)?,
            updated_at: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
