//! Local Atlas: a Local Information System library. Layers: `data` (workspace, readers, CRS,
//! import) → `analysis` (pure maths) → `render` (map recipe → scene → SVG/PNG/PDF) → `ops` (the
//! API both front ends call) → `ui` (desktop app, behind the `gui` feature). The CLI lives in
//! the binary.

pub mod analysis;
pub mod csv_formulas;
pub mod data;
pub mod error;
pub mod feedback;
pub mod ops;
pub mod output_file;
pub mod render;
#[cfg(feature = "gui")]
pub mod ui;

pub use error::{Error, Result};
