//! The PNG backend: the scene's SVG rendered by resvg (tiny-skia, anti-aliased) with the
//! bundled fonts only, so the PNG is the SVG, pixel for pixel, on every machine.

use super::RenderError;
use super::font::{BOLD_TTF, FAMILY, REGULAR_TTF};
use super::raster_native;
use super::scene::{Colour, Group, Item, Scene};
use super::svg::to_svg;
pub use resvg::tiny_skia::Pixmap;
use resvg::tiny_skia::Transform;
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
/// Plain polygon layers are drawn directly ([`super::raster_native`]); runs of other groups go
/// through their SVG and resvg, in drawing order.
pub fn to_pixmap(scene: &Scene, width_px: u32, height_px: u32) -> Result<Pixmap, RenderError> {
    if width_px == 0 || height_px == 0 || u64::from(width_px) * u64::from(height_px) > 400_000_000 {
        return Err(RenderError::Invalid(format!(
            "a {width_px}×{height_px} pixel image cannot be made; use 1 to 20,000 pixels a side"
        )));
    }
    let mut pixmap = Pixmap::new(width_px, height_px).ok_or_else(|| RenderError::Backend {
        backend: "png",
        message: format!("cannot allocate {width_px}×{height_px} pixels"),
    })?;
    let bg = scene.background;
    pixmap.fill(resvg::tiny_skia::Color::from_rgba8(bg.r, bg.g, bg.b, bg.a));
    let ts = Transform::from_scale(
        (f64::from(width_px) / scene.width_mm) as f32,
        (f64::from(height_px) / scene.height_mm) as f32,
    );
    let mut pending: Vec<Group> = Vec::new();
    for group in &scene.groups {
        if group.items.iter().any(|i| matches!(i, Item::Image(_))) {
            // Images are drawn here (resvg is built without image decoders), then the rest of
            // the group through its SVG.
            draw_svg(scene, std::mem::take(&mut pending), &mut pixmap, ts)?;
            let mut rest = Group {
                items: Vec::new(),
                ..group.clone()
            };
            for item in &group.items {
                match item {
                    Item::Image(image) => super::image::draw(image, group.clip, &mut pixmap, ts),
                    other => rest.items.push(other.clone()),
                }
            }
            pending.push(rest);
        } else if raster_native::can_draw(group) {
            draw_svg(scene, std::mem::take(&mut pending), &mut pixmap, ts)?;
            let width = pixmap.width();
            raster_native::draw(group, pixmap.data_mut(), width, ts);
        } else {
            pending.push(group.clone());
        }
    }
    draw_svg(scene, pending, &mut pixmap, ts)?;
    Ok(pixmap)
}

/// Draws `groups` through their SVG (transparent page) onto the pixmap.
fn draw_svg(
    scene: &Scene,
    groups: Vec<Group>,
    pixmap: &mut Pixmap,
    ts: Transform,
) -> Result<(), RenderError> {
    if groups.is_empty() {
        return Ok(());
    }
    let part = Scene {
        width_mm: scene.width_mm,
        height_mm: scene.height_mm,
        background: Colour {
            a: 0,
            ..Colour::WHITE
        },
        groups,
        title: String::new(),
        dropped_labels: Vec::new(),
    };
    let tree = parse(&to_svg(&part), "png")?;
    // usvg sizes the tree in CSS pixels (96 per inch); scale it to the page in millimetres.
    let size = tree.size();
    let to_mm = Transform::from_scale(
        (scene.width_mm / f64::from(size.width())) as f32,
        (scene.height_mm / f64::from(size.height())) as f32,
    );
    resvg::render(&tree, ts.pre_concat(to_mm), &mut pixmap.as_mut());
    Ok(())
}

/// The scene as PNG bytes, with its resolution (pHYs) from the page size.
///
/// ```
/// use local_atlas::render::scene::{Colour, Scene};
/// use local_atlas::render::raster::to_png;
/// let scene = Scene { width_mm: 20.0, height_mm: 10.0, background: Colour::rgb(255, 0, 0),
///     groups: vec![], title: String::new(), dropped_labels: vec![] };
/// let png = to_png(&scene, 40, 20).unwrap();
/// assert_eq!(&png[1..4], b"PNG");
/// assert!(to_png(&scene, 0, 20).is_err());
/// ```
pub fn to_png(scene: &Scene, width_px: u32, height_px: u32) -> Result<Vec<u8>, RenderError> {
    let pixmap = to_pixmap(scene, width_px, height_px)?;
    pixmap_to_png(pixmap, scene.width_mm)
}

/// PNG bytes of a pixmap drawn by [`to_pixmap`] from a page `width_mm` wide (for its pHYs
/// resolution): the encoding half of [`to_png`], for callers that report the two apart.
pub fn pixmap_to_png(pixmap: Pixmap, width_mm: f64) -> Result<Vec<u8>, RenderError> {
    let dots_per_m = (f64::from(pixmap.width()) / (width_mm / 1000.0)).round();
    encode_png(pixmap, dots_per_m as u32)
}

/// PNG with fast compression (maps are large flat areas; the default level costs several
/// times more for a few percent), straight (non-premultiplied) RGBA.
fn encode_png(mut pixmap: Pixmap, dots_per_m: u32) -> Result<Vec<u8>, RenderError> {
    let err = |e: png::EncodingError| RenderError::Backend {
        backend: "png",
        message: e.to_string(),
    };
    let (width, height) = (pixmap.width(), pixmap.height());
    let rgba = pixmap.data_mut();
    for px in rgba.chunks_exact_mut(4) {
        let a = u32::from(px[3]);
        if a != 255 && a != 0 {
            for c in &mut px[..3] {
                *c = ((u32::from(*c) * 255 + a / 2) / a).min(255) as u8;
            }
        }
    }
    let mut out = Vec::with_capacity(rgba.len() / 8);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: dots_per_m,
        yppu: dots_per_m,
        unit: png::Unit::Meter,
    }));
    let mut writer = encoder.write_header().map_err(err)?;
    writer.write_image_data(rgba).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(out)
}
