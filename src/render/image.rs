//! Raster images in a scene (a density surface): encoded as PNG for the SVG backend, drawn
//! directly onto the PNG backend's pixmap, and handed to the PDF backend as samples plus an
//! alpha mask. No image decoder is needed anywhere: images are made here, never read.

use super::scene::{ImageItem, RectMm};
use resvg::tiny_skia::{self, FilterQuality, Pixmap, PixmapPaint, Transform};

/// The image as PNG bytes (straight RGBA, fast compression); `None` if it is malformed.
pub fn png_bytes(image: &ImageItem) -> Option<Vec<u8>> {
    if !image.is_valid() {
        return None;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width_px, image.height_px);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&image.rgba).ok()?;
    writer.finish().ok()?;
    Some(out)
}

/// Standard base64 (RFC 4648, with padding), for `data:` URLs.
///
/// ```
/// use local_atlas::render::image::base64;
/// assert_eq!(base64(b"Man"), "TWFu");
/// assert_eq!(base64(b"Ma"), "TWE=");
/// assert_eq!(base64(b"M"), "TQ==");
/// ```
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The image as a premultiplied tiny-skia pixmap.
fn to_pixmap(image: &ImageItem) -> Option<Pixmap> {
    if !image.is_valid() {
        return None;
    }
    let mut pixmap = Pixmap::new(image.width_px, image.height_px)?;
    for (out, px) in pixmap
        .pixels_mut()
        .iter_mut()
        .zip(image.rgba.chunks_exact(4))
    {
        *out = tiny_skia::ColorU8::from_rgba(px[0], px[1], px[2], px[3]).premultiply();
    }
    Some(pixmap)
}

/// Draws `image` onto `target` (whose page-to-pixel transform is `page_to_px`), smoothed,
/// clipped to `clip` (page millimetres) when given.
pub fn draw(image: &ImageItem, clip: Option<RectMm>, target: &mut Pixmap, page_to_px: Transform) {
    let Some(source) = to_pixmap(image) else {
        return;
    };
    let mask = clip.and_then(|c| {
        let rect =
            tiny_skia::Rect::from_xywh(c.x as f32, c.y as f32, c.width as f32, c.height as f32)?;
        let mut mask = tiny_skia::Mask::new(target.width(), target.height())?;
        let path = tiny_skia::PathBuilder::from_rect(rect);
        mask.fill_path(&path, tiny_skia::FillRule::Winding, true, page_to_px);
        Some(mask)
    });
    let r = image.rect;
    let ts = page_to_px.pre_translate(r.x as f32, r.y as f32).pre_scale(
        (r.width / f64::from(image.width_px)) as f32,
        (r.height / f64::from(image.height_px)) as f32,
    );
    let paint = PixmapPaint {
        quality: FilterQuality::Bilinear,
        ..PixmapPaint::default()
    };
    target.draw_pixmap(0, 0, source.as_ref(), &paint, ts, mask.as_ref());
}

/// The image's colour samples (RGB, 8 bits) and alpha samples, for a PDF image and its soft
/// mask; `None` if it is malformed.
pub fn rgb_and_alpha(image: &ImageItem) -> Option<(Vec<u8>, Vec<u8>)> {
    if !image.is_valid() {
        return None;
    }
    let n = image.rgba.len() / 4;
    let (mut rgb, mut alpha) = (Vec::with_capacity(3 * n), Vec::with_capacity(n));
    for px in image.rgba.chunks_exact(4) {
        rgb.extend_from_slice(&px[..3]);
        alpha.push(px[3]);
    }
    Some((rgb, alpha))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image() -> ImageItem {
        ImageItem {
            rect: RectMm {
                x: 1.0,
                y: 1.0,
                width: 8.0,
                height: 8.0,
            },
            width_px: 2,
            height_px: 1,
            rgba: vec![255, 0, 0, 255, 0, 0, 255, 0],
        }
    }

    #[test]
    fn an_image_is_drawn_where_its_rectangle_is() {
        let mut target = Pixmap::new(10, 10).unwrap();
        draw(&image(), None, &mut target, Transform::identity());
        let px = |x: u32, y: u32| target.pixel(x, y).unwrap();
        assert_eq!(px(2, 5).red(), 255, "left half red");
        assert_eq!(px(2, 5).alpha(), 255);
        assert_eq!(px(8, 5).alpha(), 0, "right half transparent");
        assert_eq!(px(0, 0).alpha(), 0, "outside the rectangle");
    }

    #[test]
    fn a_malformed_image_is_not_drawn() {
        let bad = ImageItem {
            rgba: vec![0; 3],
            ..image()
        };
        assert!(png_bytes(&bad).is_none());
        assert!(rgb_and_alpha(&bad).is_none());
        assert!(png_bytes(&image()).is_some_and(|p| &p[1..4] == b"PNG"));
    }
}
