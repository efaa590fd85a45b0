//! The desktop app (eframe/egui, walkers, egui_plot): a thin shell over the library. It owns
//! no analysis and no project data. It has one door: everything it shows is read, and every
//! action is done, through `ops` (the catalogue, `explore`, the operations the CLI commands
//! call) with `ops::Workspace`; it never uses `data` or `analysis` directly (the exceptions
//! are the map layer's coordinate transform and the frame benchmark's classification). Work
//! slower than a frame runs as a `jobs::Job` on its own thread and workspace connection.
//!
//! `app` holds the app state and applies commands; each panel is a struct in a file named
//! after what the user sees, drawing from a read-only `AppView` and returning `Command`s:
//! `menu`, `indicator_browser`, `classification`, `legend`, `map_panel`, `charts`,
//! `hotspots`, `index_builder`, `site_finder`, `import_dialog`, `export_dialog`. Panels import
//! only `app`'s types and the shared widgets (`jobs`, `map_view`, `map_layer`, `app_words`),
//! never each other (`import_columns` is the import dialog's own part); `frame` lays them out.

mod app;
pub mod app_words;
mod area_card_panel;
pub mod bench;
mod charts;
mod classification;
mod compared_with;
mod density;
mod export_area;
mod export_dialog;
mod export_labels;
mod export_naming;
mod find_box;
mod first_steps;
mod frame;
pub mod frame_cache;
mod frame_log;
mod funnel_plot;
mod hotspots;
mod hover_card;
mod import_columns;
mod import_dialog;
mod index_builder;
mod indicator_browser;
pub mod jobs;
mod legend;
pub mod map_layer;
mod map_panel;
pub mod map_view;
mod menu;
mod open_recipe;
mod plain_boundaries;
pub mod prefs;
mod presenter;
mod recipe_window;
mod site_finder;
mod ui_zoom;
mod workspace_check;

pub use app::{AppView, AtlasApp, Command};
pub use menu::SHORTCUTS;

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
    // A workspace that cannot be opened is said before any window is tried.
    drop(crate::ops::Workspace::open(path)?);
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
    .map_err(|e| Error::Invalid(window_error(&e.to_string())))
}

/// Why the window could not open, in words: no display is the common case (a server, an SSH
/// session without X forwarding).
fn window_error(raw: &str) -> String {
    let no_display = raw.contains("WAYLAND_DISPLAY") || raw.contains("DISPLAY is set");
    if no_display {
        "cannot open the window: this session has no display (neither DISPLAY nor \
         WAYLAND_DISPLAY is set). Run Local Atlas on a desktop, or use the command line \
         (`local-atlas --help`)"
            .into()
    } else {
        format!("cannot open the window: {raw}")
    }
}
