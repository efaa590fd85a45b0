//! UI preferences, the only thing eframe persists (recent workspaces, theme, presenter mode,
//! basemap). Everything about the project lives in the workspace.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The eframe storage key.
pub const KEY: &str = "local-atlas-prefs";
const RECENT: usize = 8;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    pub dark: bool,
    /// Larger type, high contrast, the map alone.
    pub presenter: bool,
    /// OpenStreetMap tiles under the areas (needs a network; off by default).
    pub basemap: bool,
    /// The interface's scale (Ctrl + / Ctrl − / Ctrl 0); see [`Prefs::ui_zoom`].
    pub ui_zoom: f32,
    /// Presenter mode shows the chart (the Moran scatterplot) beside the map.
    pub presenter_chart: bool,
}

/// The interface scales from half to three times its normal size.
pub const UI_ZOOM_RANGE: std::ops::RangeInclusive<f32> = 0.5..=3.0;

impl Prefs {
    /// The interface's scale: 1 when none was stored (or a stored one is out of range).
    pub fn ui_zoom(&self) -> f32 {
        if UI_ZOOM_RANGE.contains(&self.ui_zoom) {
            self.ui_zoom
        } else {
            1.0
        }
    }

    /// Puts `path` at the top of the recent list.
    ///
    /// ```
    /// # #[cfg(feature = "gui")] {
    /// use local_atlas::ui::prefs::Prefs;
    /// let mut p = Prefs::default();
    /// p.remember("a.gpkg".as_ref());
    /// p.remember("b.gpkg".as_ref());
    /// p.remember("a.gpkg".as_ref());
    /// assert_eq!(p.recent, ["a.gpkg", "b.gpkg"].map(std::path::PathBuf::from));
    /// # }
    /// ```
    pub fn remember(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT);
    }
}
