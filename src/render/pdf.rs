//! The PDF backend: each page's SVG converted by svg2pdf into a vector Form XObject (areas as
//! paths, text as real text in the embedded, subset bundled font), placed on a page of the
//! scene's size. Several scenes make a multi-page PDF (the batch atlas).

use super::RenderError;
use super::raster::parse;
use super::scene::Scene;
use super::scene_split::{scene_weight, split};
use super::svg::to_svg;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, TextStr};
use std::collections::HashMap;

/// PDF points per millimetre.
const PT_PER_MM: f64 = 72.0 / 25.4;

fn backend(message: impl ToString) -> RenderError {
    RenderError::Backend {
        backend: "pdf",
        message: message.to_string(),
    }
}

/// Points on a page above which it is converted in parts on several cores (a district map
/// has far fewer and stays one part, as it always was).
const PARALLEL_POINTS: usize = 200_000;

/// A page's scene converted by svg2pdf: one Form XObject, or, for a big page, one per part
/// ([`crate::render::scene_split`]), converted in parallel and drawn in order.
fn page_parts(scene: &Scene) -> Result<Vec<(pdf_writer::Chunk, Ref)>, RenderError> {
    use rayon::prelude::*;
    let parts = if scene_weight(scene) > PARALLEL_POINTS {
        split(scene, rayon::current_num_threads().clamp(1, 8))
    } else {
        vec![scene.clone()]
    };
    let options = svg2pdf::ConversionOptions::default();
    parts
        .par_iter()
        .map(|part| {
            let tree = parse(&to_svg(part), "pdf")?;
            svg2pdf::to_chunk(&tree, options).map_err(backend)
        })
        .collect()
}

/// The scenes as one PDF, a page each, page size = scene size.
///
/// ```
/// use local_atlas::render::scene::{Colour, Scene};
/// use local_atlas::render::pdf::to_pdf;
/// let page = Scene { width_mm: 210.0, height_mm: 297.0, background: Colour::WHITE,
///     groups: vec![], title: "Test".into() };
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
        let mut names = Vec::new();
        for (i, (chunk, svg_id)) in page_parts(scene)?.into_iter().enumerate() {
            let mut map = HashMap::new();
            let chunk = chunk.renumber(|old| *map.entry(old).or_insert_with(|| alloc.bump()));
            let svg_id = *map
                .get(&svg_id)
                .ok_or_else(|| backend("lost the page's XObject"))?;
            pdf.extend(&chunk);
            names.push((format!("S{}", i + 1), svg_id));
        }
        let page_id = alloc.bump();
        let content_id = alloc.bump();
        let (w, h) = (
            (scene.width_mm * PT_PER_MM) as f32,
            (scene.height_mm * PT_PER_MM) as f32,
        );
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, w, h));
        page.parent(tree_id);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut x_objects = resources.x_objects();
        for (name, id) in &names {
            x_objects.pair(Name(name.as_bytes()), *id);
        }
        x_objects.finish();
        resources.finish();
        page.finish();
        // Each XObject is one point square: scale it to the page; the parts in order.
        let mut content = Content::new();
        content.save_state();
        content.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
        for (name, _) in &names {
            content.x_object(Name(name.as_bytes()));
        }
        content.restore_state();
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
