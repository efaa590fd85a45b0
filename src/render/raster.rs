//! The PNG backend: the scene's SVG rendered by resvg (tiny-skia, anti-aliased) with the
//! bundled fonts only, so the PNG is the SVG, pixel for pixel, on every machine.

use super::RenderError;
use super::font::{BOLD_TTF, FAMILY, REGULAR_TTF};
use super::scene::Scene;
use super::svg::to_svg;
use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb};
use std::sync::{Arc, OnceLock};

/// usvg options whose font database holds only the bundled faces (shared with the PDF backend).
pub fn usvg_options() -> usvg::Options<'static> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_data(REGULAR_TTF.to_vec());
        db.load_font_data(BOLD_TTF.to_vec());
        db.set_sans_serif_family(FAMILY);
        Arc::new(db)
    });
    usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: fonts.clone(),
        ..usvg::Options::default()
    }
}

/// Parses SVG text with [`usvg_options`].
pub(crate) fn parse(svg: &str, backend: &'static str) -> Result<usvg::Tree, RenderError> {
    usvg::Tree::from_str(svg, &usvg_options()).map_err(|e| RenderError::Backend {
        backend,
        message: e.to_string(),
    })
}

/// The scene drawn into a `width_px` × `height_px` pixmap (the page is scaled to fill it).
pub fn to_pixmap(scene: &Scene, width_px: u32, height_px: u32) -> Result<Pixmap, RenderError> {
    if width_px == 0 || height_px == 0 || u64::from(width_px) * u64::from(height_px) > 400_000_000 {
        return Err(RenderError::Invalid(format!(
            "a {width_px}×{height_px} pixel image cannot be made; use 1 to 20,000 pixels a side"
        )));
    }
    let tree = parse(&to_svg(scene), "png")?;
    let mut pixmap = Pixmap::new(width_px, height_px).ok_or_else(|| RenderError::Backend {
        backend: "png",
        message: format!("cannot allocate {width_px}×{height_px} pixels"),
    })?;
    let size = tree.size();
    let transform = Transform::from_scale(
        width_px as f32 / size.width(),
        height_px as f32 / size.height(),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    Ok(pixmap)
}

/// The scene as PNG bytes.
///
/// ```
/// use local_atlas::render::scene::{Colour, Scene};
/// use local_atlas::render::raster::to_png;
/// let scene = Scene { width_mm: 20.0, height_mm: 10.0, background: Colour::rgb(255, 0, 0),
///     groups: vec![], title: String::new() };
/// let png = to_png(&scene, 40, 20).unwrap();
/// assert_eq!(&png[1..4], b"PNG");
/// assert!(to_png(&scene, 0, 20).is_err());
/// ```
pub fn to_png(scene: &Scene, width_px: u32, height_px: u32) -> Result<Vec<u8>, RenderError> {
    to_pixmap(scene, width_px, height_px)?
        .encode_png()
        .map_err(|e| RenderError::Backend {
            backend: "png",
            message: e.to_string(),
        })
}
