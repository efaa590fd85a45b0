//! The PDF backend: each page's SVG converted by svg2pdf into a vector Form XObject (areas as
//! paths, text as real text in the embedded, subset bundled font), placed on a page of the
//! scene's size. Several scenes make a multi-page PDF (the batch atlas).

use super::RenderError;
use super::pdf_native::{compress, content, drawable};
use super::raster::parse;
use super::scene::Scene;
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
}

/// A page's scene as its parts (see [`PARALLEL_POINTS`]).
fn page_parts(scene: &Scene) -> Result<Vec<Part>, RenderError> {
    use rayon::prelude::*;
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
        // (name, XObject, whether it is svg2pdf's unit square)
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
                    names.push((name, svg_id, true));
                }
                Part::Native(data) => {
                    let id = alloc.bump();
                    let mut x = pdf.form_xobject(id, &data);
                    x.bbox(Rect::new(0.0, 0.0, w, h));
                    x.filter(Filter::FlateDecode);
                    x.finish();
                    names.push((name, id, false));
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
        for (name, _, unit_square) in &names {
            content.save_state();
            if *unit_square {
                content.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
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
