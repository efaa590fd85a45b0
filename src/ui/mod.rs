//! The desktop app (eframe/egui, walkers, egui_plot): a thin shell over the library. It owns
//! no analysis and no project data; everything it shows is read through `data::query` and
//! `ops`, and every action calls the same operation as the matching CLI command.

mod app;
pub mod bench;
mod browser;
mod charts;
mod classify_panel;
mod deprivation;
mod export;
mod frame;
pub mod frame_cache;
mod hotspot;
mod import;
pub mod jobs;
mod legend;
pub mod map_layer;
mod map_panel;
pub mod map_view;
pub mod prefs;

pub use app::{AtlasApp, Command};
pub use frame::SHORTCUTS;

use crate::error::{Error, Result};
use std::path::Path;

/// Installs the TLS crypto provider the optional online basemap uses (pure-Rust-built
/// `ring`); harmless when called twice.
pub fn install_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Opens a window on the workspace at `path` and runs until it is closed.
pub fn run(path: &Path) -> Result<()> {
    install_tls();
    let path = path.to_path_buf();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(format!("Local Atlas — {}", path.display()))
            .with_inner_size([1280.0, 820.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Local Atlas",
        options,
        Box::new(move |cc| {
            let prefs = AtlasApp::stored_prefs(cc.storage);
            let app = AtlasApp::open_with(&path, prefs)?;
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| Error::Invalid(format!("cannot open the window: {e}")))
}
