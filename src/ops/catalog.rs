//! The catalogue: what a workspace holds, as the front ends list it — geographies, indicators
//! with their metadata cards, periods, point layers and saved map recipes. The CLI's `info` and
//! the app's indicator browser, period picker and layer menus read it here, so neither front
//! end reaches into the workspace's tables. Each indicator entry carries its periods.

use crate::data::Workspace;
/// Which way an indicator is better (shown on its metadata card).
pub use crate::data::indicator::Polarity;
pub use crate::data::query::{
    GeographyInfo, ImportRecord, IndicatorInfo, LayerInfo, WorkspaceInfo,
};
use crate::data::{query, recipes};
use crate::error::Result;
use serde::Serialize;

/// Everything `info` shows (schema version, geographies, indicators, layers, recipes).
pub fn info(ws: &Workspace) -> Result<WorkspaceInfo> {
    query::info(ws)
}

/// What the app lists: geographies, indicators, point layers and recipes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Catalog {
    /// Geography names, sorted.
    pub geographies: Vec<String>,
    /// Geography name → what a reader calls it ("Ward (2017)").
    pub titles: std::collections::BTreeMap<String, String>,
    /// One entry per indicator and geography, with its periods.
    pub indicators: Vec<IndicatorInfo>,
    /// Point layers (services, sites).
    pub point_layers: Vec<LayerInfo>,
    /// Names of the saved map recipes.
    pub recipes: Vec<String>,
}

impl Catalog {
    /// What a reader calls geography `name` (the name itself when unknown).
    pub fn title<'a>(&'a self, name: &'a str) -> &'a str {
        self.titles.get(name).map_or(name, String::as_str)
    }
}

/// Reads the catalogue of `ws`.
pub fn catalog(ws: &Workspace) -> Result<Catalog> {
    let geographies = query::geographies(ws)?;
    Ok(Catalog {
        titles: geographies
            .iter()
            .map(|g| (g.name.clone(), g.title.clone()))
            .collect(),
        geographies: geographies.into_iter().map(|g| g.name).collect(),
        indicators: query::indicators(ws)?,
        point_layers: query::layers(ws)?
            .into_iter()
            .filter(|l| l.kind == "points")
            .collect(),
        recipes: recipes::list(ws)?.into_iter().map(|r| r.name).collect(),
    })
}

/// The parts of an indicator's metadata card that are not in its metadata: how it was made
/// and its last import.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CardHistory {
    /// How the indicator was made, in words (the import file, or the statistic and its
    /// parameters).
    pub provenance: String,
    /// The latest import that wrote its values, if any.
    pub last_import: Option<ImportRecord>,
}

/// The history part of `indicator`'s metadata card.
pub fn card_history(ws: &Workspace, indicator: &str) -> Result<CardHistory> {
    Ok(CardHistory {
        provenance: super::provenance_prose::describe(&query::provenance(ws, indicator)?),
        last_import: query::last_import(ws, indicator)?,
    })
}

/// A point layer's name as the app shows it (`burglaries_2018` → "Burglaries 2018").
pub fn layer_title(name: &str) -> String {
    crate::data::geography_title::layer_title(name)
}
