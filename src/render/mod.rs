//! Map rendering, headless: a serialisable [`spec::MapSpec`] ("map recipe") is resolved by
//! `ops::map` into a [`input::MapInput`], laid out into a backend-neutral [`scene::Scene`] in
//! page millimetres, and written by the backends (SVG; PNG and PDF from the same SVG, so all
//! three look the same). Text uses the bundled font in `assets/fonts`.

pub mod error;
pub mod font;
pub mod image;
pub mod input;
pub mod scene;
pub mod scene_split;
pub mod spec;
pub mod spec_limits;
pub mod symbology;

pub use error::RenderError;
pub mod layout;
pub mod pdf;
pub mod pdf_native;
pub mod raster;
pub mod raster_native;
pub mod report;
pub mod svg;
