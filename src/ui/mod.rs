//! The desktop app (eframe/egui): a thin shell over the library. It owns no analysis and no
//! project data; everything it shows is read through `data::query` and `ops`.

mod app;
mod map_view;

pub use app::AtlasApp;

use crate::error::{Error, Result};
use std::path::Path;

/// Opens a window on the workspace at `path` and runs until it is closed.
pub fn run(path: &Path) -> Result<()> {
    let app = AtlasApp::open(path)?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(format!("Local Atlas — {}", path.display()))
            .with_inner_size([1200.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native("Local Atlas", options, Box::new(|_cc| Ok(Box::new(app))))
        .map_err(|e| Error::Invalid(format!("cannot open the window: {e}")))
}
