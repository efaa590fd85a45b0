//! The PDF backend: each page's SVG converted by svg2pdf into a vector Form XObject (areas as
//! paths, text as real text in the embedded, subset bundled font), placed on a page of the
//! scene's size. Several scenes make a multi-page PDF (the batch atlas).

use super::RenderError;
use super::pdf_native::{compress, content, drawable};
use super::raster::parse;
use super::scene::{ImageItem, Item, RectMm, Scene};
use super::scene_split::{runs, scene_weight, split};
use super::svg::to_svg;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, TextStr};
use std::collections::HashMap;

/// PDF points per millimetre.
const PT_PER_MM: f64 = 72.0 / 25.4;

fn backend(message: impl ToString) -> RenderError {
    RenderError::Backend {
        backend: "pdf",
        message: message.to_string(),
    }
}

/// Points on a page above which it is drawn in parts: its big runs of plain polygons written
/// as PDF operators directly ([`super::pdf_native`]), the rest through svg2pdf, a big part cut
/// again into one per core and converted in parallel. A district map has far fewer points and
/// goes through svg2pdf whole, as it always did.
const PARALLEL_POINTS: usize = 200_000;

/// Points a run of plain polygons needs to be written directly rather than through svg2pdf
/// (a legend's few boxes stay with its text).
const NATIVE_POINTS: usize = 10_000;

/// One Form XObject of a page, in drawing order.
enum Part {
    /// svg2pdf's chunk and its XObject: one point square, scaled to the page.
    Svg(pdf_writer::Chunk, Ref),
    /// Deflated content in points with the page as its box.
    Native(Vec<u8>),
    /// A raster image (an Image XObject with its alpha as a soft mask), placed on its
    /// rectangle and clipped to the group's clip, both in page millimetres.
    Image(ImageItem, Option<RectMm>),
}

/// Whether a scene holds a raster image anywhere.
fn has_images(scene: &Scene) -> bool {
    fn any(items: &[Item]) -> bool {
        items.iter().any(|i| match i {
            Item::Image(_) => true,
            Item::Group(g) => any(&g.items),
            _ => false,
        })
    }
    scene.groups.iter().any(|g| any(&g.items))
}

/// The images of a scene with the innermost clip of the groups they sit in, in order.
fn images(scene: &Scene) -> Vec<Part> {
    fn walk(items: &[Item], clip: Option<RectMm>, out: &mut Vec<Part>) {
        for item in items {
            match item {
                Item::Image(i) => out.push(Part::Image(i.clone(), clip)),
                Item::Group(g) => walk(&g.items, g.clip.or(clip), out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for g in &scene.groups {
        walk(&g.items, g.clip, &mut out);
    }
    out
}

/// A scene with images: runs of images become image parts, the runs between them are drawn as
/// any page is; the page background goes first when an image run opens the page.
fn parts_with_images(scene: &Scene) -> Result<Vec<Part>, RenderError> {
    let mut parts = Vec::new();
    for (k, (image_run, run)) in runs(scene, |i| matches!(i, Item::Image(_)), 1)
        .into_iter()
        .enumerate()
    {
        if !image_run {
            parts.extend(page_parts(&run)?);
            continue;
        }
        if k == 0 && scene.background.a != 0 {
            let background = Scene {
                groups: Vec::new(),
                ..run.clone()
            };
            parts.extend(page_parts(&background)?);
        }
        parts.extend(images(&run));
    }
    Ok(parts)
}

/// Where a page's XObject goes.
enum Placement {
    /// svg2pdf's one-point square, scaled to the page.
    UnitSquare,
    /// Content already in page points.
    Page,
    /// An image (the unit square) on this rectangle, clipped to the second (page mm).
    Image(RectMm, Option<RectMm>),
}

/// A page's scene as its parts (see [`PARALLEL_POINTS`]).
fn page_parts(scene: &Scene) -> Result<Vec<Part>, RenderError> {
    use rayon::prelude::*;
    if has_images(scene) {
        return parts_with_images(scene);
    }
    if scene_weight(scene) <= PARALLEL_POINTS {
        let tree = parse(&to_svg(scene), "pdf")?;
        let (chunk, id) =
            svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default()).map_err(backend)?;
        return Ok(vec![Part::Svg(chunk, id)]);
    }
    let threads = rayon::current_num_threads().clamp(1, 8);
    let translucent_page = !matches!(scene.background.a, 0 | 255);
    let mut pieces: Vec<(bool, Scene)> = Vec::new();
    for (k, (native, run)) in runs(scene, drawable, NATIVE_POINTS).into_iter().enumerate() {
        let native = native && !(k == 0 && translucent_page);
        if !native && scene_weight(&run) > PARALLEL_POINTS {
            pieces.extend(split(&run, threads).into_iter().map(|s| (false, s)));
        } else {
            pieces.push((native, run));
        }
    }
    pieces
        .par_iter()
        .map(|(native, part)| {
            if *native {
                return Ok(Part::Native(compress(&content(part))));
            }
            let tree = parse(&to_svg(part), "pdf")?;
            let (chunk, id) =
                svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default()).map_err(backend)?;
            Ok(Part::Svg(chunk, id))
        })
        .collect()
}

/// The scenes as one PDF, a page each, page size = scene size.
///
/// ```
/// use local_atlas::render::scene::{Colour, Scene};
/// use local_atlas::render::pdf::to_pdf;
/// let page = Scene { width_mm: 210.0, height_mm: 297.0, background: Colour::WHITE,
///     groups: vec![], title: "Test".into(), dropped_labels: vec![] };
/// let pdf = to_pdf(&[page.clone(), page]).unwrap();
/// assert!(pdf.starts_with(b"%PDF-"));
/// assert!(to_pdf(&[]).is_err());
/// ```
pub fn to_pdf(pages: &[Scene]) -> Result<Vec<u8>, RenderError> {
    if pages.is_empty() {
        return Err(RenderError::Invalid("a PDF needs at least one page".into()));
    }
    let mut alloc = Ref::new(1);
    let catalog_id = alloc.bump();
    let tree_id = alloc.bump();
    let info_id = alloc.bump();
    let mut pdf = Pdf::new();
    let mut page_ids = Vec::with_capacity(pages.len());
    for scene in pages {
        let (w, h) = (
            (scene.width_mm * PT_PER_MM) as f32,
            (scene.height_mm * PT_PER_MM) as f32,
        );
        // (name, XObject, how it is placed)
        let mut names = Vec::new();
        for (i, part) in page_parts(scene)?.into_iter().enumerate() {
            let name = format!("S{}", i + 1);
            match part {
                Part::Svg(chunk, svg_id) => {
                    let mut map = HashMap::new();
                    let chunk =
                        chunk.renumber(|old| *map.entry(old).or_insert_with(|| alloc.bump()));
                    let svg_id = *map
                        .get(&svg_id)
                        .ok_or_else(|| backend("lost the page's XObject"))?;
                    pdf.extend(&chunk);
                    names.push((name, svg_id, Placement::UnitSquare));
                }
                Part::Native(data) => {
                    let id = alloc.bump();
                    let mut x = pdf.form_xobject(id, &data);
                    x.bbox(Rect::new(0.0, 0.0, w, h));
                    x.filter(Filter::FlateDecode);
                    x.finish();
                    names.push((name, id, Placement::Page));
                }
                Part::Image(image, clip) => {
                    let Some((rgb, alpha)) = super::image::rgb_and_alpha(&image) else {
                        continue;
                    };
                    let (id, mask_id) = (alloc.bump(), alloc.bump());
                    let (w_px, h_px) = (
                        i32::try_from(image.width_px).map_err(backend)?,
                        i32::try_from(image.height_px).map_err(backend)?,
                    );
                    let rgb = compress(&rgb);
                    let mut x = pdf.image_xobject(id, &rgb);
                    x.filter(Filter::FlateDecode);
                    x.width(w_px);
                    x.height(h_px);
                    x.color_space().device_rgb();
                    x.bits_per_component(8);
                    x.interpolate(true);
                    x.s_mask(mask_id);
                    x.finish();
                    let alpha = compress(&alpha);
                    let mut m = pdf.image_xobject(mask_id, &alpha);
                    m.filter(Filter::FlateDecode);
                    m.width(w_px);
                    m.height(h_px);
                    m.color_space().device_gray();
                    m.bits_per_component(8);
                    m.interpolate(true);
                    m.finish();
                    names.push((name, id, Placement::Image(image.rect, clip)));
                }
            }
        }
        let page_id = alloc.bump();
        let content_id = alloc.bump();
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, w, h));
        page.parent(tree_id);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut x_objects = resources.x_objects();
        for (name, id, _) in &names {
            x_objects.pair(Name(name.as_bytes()), *id);
        }
        x_objects.finish();
        resources.finish();
        page.finish();
        // The parts in order; svg2pdf's XObjects are one point square, scaled to the page.
        let mut content = Content::new();
        let page_h_mm = scene.height_mm;
        // A page rectangle in millimetres (y down) as PDF points (y up): x, y, width, height.
        let to_pt = |r: RectMm| {
            [
                (r.x * PT_PER_MM) as f32,
                ((page_h_mm - r.y - r.height) * PT_PER_MM) as f32,
                (r.width * PT_PER_MM) as f32,
                (r.height * PT_PER_MM) as f32,
            ]
        };
        for (name, _, placement) in &names {
            content.save_state();
            match placement {
                Placement::UnitSquare => {
                    content.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
                }
                Placement::Page => {}
                Placement::Image(rect, clip) => {
                    if let Some(clip) = clip {
                        let [x, y, cw, ch] = to_pt(*clip);
                        content.rect(x, y, cw, ch).clip_nonzero().end_path();
                    }
                    let [x, y, iw, ih] = to_pt(*rect);
                    content.transform([iw, 0.0, 0.0, ih, x, y]);
                }
            }
            content.x_object(Name(name.as_bytes()));
            content.restore_state();
        }
        pdf.stream(content_id, &content.finish());
        page_ids.push(page_id);
    }
    pdf.catalog(catalog_id).pages(tree_id);
    let count = i32::try_from(page_ids.len()).map_err(|_| backend("too many pages"))?;
    pdf.pages(tree_id).kids(page_ids).count(count);
    let mut info = pdf.document_info(info_id);
    if let Some(first) = pages.first() {
        info.title(TextStr(&first.title));
    }
    info.creator(TextStr("Local Atlas"));
    info.finish();
    Ok(pdf.finish())
}
