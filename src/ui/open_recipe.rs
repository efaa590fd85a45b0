//! Opening a map recipe (File ▸ Open recipe…): the recipe replaces the map on screen and the
//! export dialog's fields (its title, map area and labels are the recipe's own).

use super::app::AtlasApp;
use super::recipe_window::RecipeSource;
use crate::ops::map::recipe;

impl AtlasApp {
    /// Puts the recipe from `source` on the map; an unreadable recipe leaves the map as it
    /// was and says why.
    pub(super) fn open_recipe(&mut self, source: &RecipeSource) {
        let (loaded, what) = match source {
            RecipeSource::Saved(name) => (recipe::load(&self.state.ws, name), format!("'{name}'")),
            RecipeSource::File(path) => (recipe::read_file(path), path.display().to_string()),
        };
        match loaded {
            Ok(spec) => {
                let s = &mut self.state;
                s.base_layer = None;
                s.map_result = None;
                s.spec = spec;
                self.panels.export.recipe_opened(&self.state.spec);
                self.refresh();
                if self.state.error.is_none() {
                    self.state.status = format!("Opened recipe {what}");
                }
            }
            Err(e) => self.state.error = Some(e.to_string()),
        }
    }
}
