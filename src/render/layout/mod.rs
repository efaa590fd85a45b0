//! The page layout: a [`MapInput`] becomes a [`Scene`].
//!
//! Top to bottom: title and subtitle; the map frame (neat line) with the legend beside it — to
//! the right on landscape pages, below on portrait ones — so it never covers data; the source
//! and attribution lines and the note at the foot, word-wrapped. Inside the frame: the layers
//! (clipped to it), labels, a locator inset (top left), the north arrow (top right) and the
//! scale bar (bottom left). Type sizes scale with the page's short side (A4 = 1), so A3, A2 and
//! slide-sized pages look proportionate. Map geometry is generalised at 0.1 mm and features
//! outside the frame are culled, so large maps stay fast and small.

pub mod furniture;
pub mod labels;
pub mod legend;
pub mod project;

use super::RenderError;
use super::font::{ascent_descent_mm, wrap};
use super::input::{Features, LegendBlock, MapInput, ResolvedLayer};
use super::scene::{
    Anchor, Colour, Fill, Group, ImageItem, Item, PathItem, PointMm, RectMm, Scene, Stroke,
    SymbolItem, TextItem,
};
use furniture::rect_item;
use geo::{Area, BoundingRect, InteriorPoint};
use labels::Placer;
use project::{Projection, project_multipolygon};

/// Vertices closer than this on the page are merged.
const TOLERANCE_MM: f64 = 0.1;
const TITLE_PT: f64 = 18.0;
const SUBTITLE_PT: f64 = 11.0;
const FOOT_PT: f64 = 6.5;
const LABEL_PT: f64 = 7.0;
const INK: Colour = Colour::rgb(0x1a, 0x1a, 0x1a);

/// Lays out one map page.
///
/// ```
/// use local_atlas::render::input::{MapInput, ResolvedLayer, Features, PolygonFeature};
/// use local_atlas::render::layout::layout;
/// use local_atlas::render::scene::{Colour, Fill};
/// use local_atlas::render::spec::MapSpec;
/// use geo::{coord, polygon, MultiPolygon, Rect};
/// let square = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 1000.0, y: 0.0), (x: 1000.0, y: 1000.0), (x: 0.0, y: 1000.0)]]);
/// let input = MapInput {
///     spec: MapSpec::default(), title: "A map".into(), subtitle: String::new(),
///     layers: vec![ResolvedLayer { id: "areas".into(), label: "Areas".into(), labels: false, legend: None,
///         features: Features::Polygons(vec![PolygonFeature { code: "A".into(), name: None,
///             geometry_bng: square, fill: Fill::Solid(Colour::BLACK), stroke: None, label: None }]) }],
///     extent_bng: Rect::new(coord! {x: 0.0, y: 0.0}, coord! {x: 1000.0, y: 1000.0}),
///     inset_bng: vec![], source_lines: vec!["Source: test".into()], note: String::new(),
/// };
/// let scene = layout(&input).unwrap();
/// assert_eq!((scene.width_mm, scene.height_mm), (210.0, 297.0));
/// let ids: Vec<&str> = scene.groups.iter().map(|g| g.id.as_str()).collect();
/// assert!(ids.contains(&"layer-areas") && ids.contains(&"title") && ids.contains(&"source"));
/// ```
pub fn layout(input: &MapInput) -> Result<Scene, RenderError> {
    let page = &input.spec.page;
    let (width_mm, height_mm) = page.size_mm();
    let margin = page.margin_mm.max(0.0);
    if !(width_mm.is_finite() && height_mm.is_finite())
        || width_mm - 2.0 * margin < 40.0
        || height_mm - 2.0 * margin < 40.0
    {
        return Err(RenderError::Invalid(format!(
            "the page ({width_mm:.0} × {height_mm:.0} mm with {margin:.0} mm margins) is too small for a map: use at least 40 mm inside the margins"
        )));
    }
    let scale = (width_mm.min(height_mm) / 210.0).clamp(0.5, 3.0);
    let inner = RectMm {
        x: margin,
        y: margin,
        width: width_mm - 2.0 * margin,
        height: height_mm - 2.0 * margin,
    };
    let mut groups = Vec::new();

    // Title block.
    let (title, mut top) = title_block(input, inner, scale);
    if !title.items.is_empty() {
        groups.push(title);
    }
    top += if top > inner.y { 3.0 * scale } else { 0.0 };
    // Footer.
    let (foot, foot_h) = footer(input, inner, scale);
    let bottom = inner.bottom() - foot_h - if foot_h > 0.0 { 2.5 * scale } else { 0.0 };
    let content = RectMm {
        x: inner.x,
        y: top,
        width: inner.width,
        height: bottom - top,
    };
    if content.height < 30.0 {
        return Err(RenderError::Invalid("the title and source text leave no room for the map: shorten them or use a larger page".into()));
    }
    // Legend beside the map.
    let blocks: Vec<&LegendBlock> = if input.spec.legend.show {
        input
            .layers
            .iter()
            .rev()
            .filter_map(|l| l.legend.as_ref())
            .filter(|b| !b.entries.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    let (frame, legend_group) = place_legend(&blocks, content, scale);
    let projection = Projection::fit(input.extent_bng, frame, 0.03)
        .ok_or_else(|| RenderError::Invalid("the map's extent is empty or not finite".into()))?;

    // Map layers, clipped to the frame.
    for layer in &input.layers {
        groups.push(map_layer(layer, &projection));
    }
    // Furniture inside the frame, then labels avoiding it.
    let mut obstacles = Vec::new();
    let mut furniture = Vec::new();
    if input.spec.inset
        && !input.inset_bng.is_empty()
        && let Some((g, r)) = inset(input, frame, scale)
    {
        furniture.push(g);
        obstacles.push(r);
    }
    if input.spec.north_arrow {
        let (g, r) = furniture::north_arrow(frame, scale);
        furniture.push(g);
        obstacles.push(r);
    }
    if input.spec.scale_bar {
        let (g, r) = furniture::scale_bar(&projection, scale);
        furniture.push(g);
        obstacles.push(r);
    }
    let mut dropped_labels = Vec::new();
    if let Some((labels, dropped)) = labels_group(input, &projection, &obstacles, scale) {
        groups.push(labels);
        dropped_labels = dropped;
    }
    groups.extend(furniture);
    let mut neat = Group::new("frame", "Neat line");
    neat.items.push(rect_item(
        frame,
        Fill::None,
        Some(Stroke::solid(INK, 0.3 * scale)),
    ));
    groups.push(neat);
    if let Some(g) = legend_group {
        groups.push(g);
    }
    if !foot.items.is_empty() {
        groups.push(foot);
    }
    Ok(Scene {
        width_mm,
        height_mm,
        background: Colour::WHITE,
        groups,
        title: input.title.clone(),
        dropped_labels,
    })
}

/// One line of text, anchored at its start.
fn text(pos: PointMm, text: String, size_pt: f64, bold: bool, colour: Colour) -> Item {
    Item::Text(TextItem {
        pos,
        text,
        size_pt,
        bold,
        anchor: Anchor::Start,
        colour,
        halo: None,
    })
}

/// The title and subtitle (wrapped to the page); returns the group and the y below it.
fn title_block(input: &MapInput, inner: RectMm, scale: f64) -> (Group, f64) {
    let mut g = Group::new("title", "Title");
    let mut y = inner.y;
    for (line, size, bold, colour) in [
        (&input.title, TITLE_PT * scale, true, INK),
        (
            &input.subtitle,
            SUBTITLE_PT * scale,
            false,
            Colour::rgb(0x4d, 0x4d, 0x4d),
        ),
    ] {
        if line.trim().is_empty() {
            continue;
        }
        let (ascent, descent) = ascent_descent_mm(size);
        for part in wrap(line, size, bold, inner.width) {
            y += ascent;
            g.items
                .push(text(PointMm::new(inner.x, y), part, size, bold, colour));
            y += descent + 0.8 * scale;
        }
    }
    (g, y)
}

/// Source lines and the note, wrapped, at the foot of the page; returns the group and height.
fn footer(input: &MapInput, inner: RectMm, scale: f64) -> (Group, f64) {
    let size = FOOT_PT * scale;
    let (ascent, descent) = ascent_descent_mm(size);
    let line_h = (ascent + descent) * 1.15;
    let mut lines: Vec<String> = Vec::new();
    for source in input
        .source_lines
        .iter()
        .chain(std::iter::once(&input.note))
    {
        if !source.trim().is_empty() {
            lines.extend(wrap(source, size, false, inner.width));
        }
    }
    let height = lines.len() as f64 * line_h;
    let mut g = Group::new("source", "Source and notes");
    let mut y = inner.bottom() - height;
    for line in lines {
        g.items.push(text(
            PointMm::new(inner.x, y + ascent),
            line,
            size,
            false,
            Colour::rgb(0x40, 0x40, 0x40),
        ));
        y += line_h;
    }
    (g, height)
}

/// Splits the content box between the map frame and the legend (right on landscape/wide
/// content, below otherwise). Returns the frame and the legend group.
fn place_legend(blocks: &[&LegendBlock], content: RectMm, scale: f64) -> (RectMm, Option<Group>) {
    if blocks.is_empty() {
        return (content, None);
    }
    let gap = 4.0 * scale;
    let wide = content.width > content.height * 1.15;
    let mut s = scale;
    loop {
        let (items, w, h, frame, origin) = if wide {
            let (_, w, h) = legend::flow(blocks, PointMm::default(), content.height, s);
            let frame = RectMm {
                width: content.width - w - gap,
                ..content
            };
            let origin = PointMm::new(frame.right() + gap, content.y);
            let (items, _, _) = legend::flow(blocks, origin, content.height, s);
            (items, w, h, frame, origin)
        } else {
            let max_h = content.height * 0.3;
            let (_, w, h) = legend::flow(blocks, PointMm::default(), max_h, s);
            let frame = RectMm {
                height: content.height - h - gap,
                ..content
            };
            let origin = PointMm::new(content.x, frame.bottom() + gap);
            let (items, _, _) = legend::flow(blocks, origin, max_h, s);
            (items, w, h, frame, origin)
        };
        let fits = if wide {
            w <= content.width * 0.4
        } else {
            w <= content.width
        };
        if fits || s <= scale * 0.7 {
            let _ = (h, origin);
            let mut g = Group::new("legend", "Legend");
            g.items = items;
            return (frame, Some(g));
        }
        s *= 0.9;
    }
}

/// One layer's group: its features on the page, clipped to the frame when anything reaches
/// outside it (clipping costs the rasteriser an off-screen layer, so whole-area maps skip it).
fn map_layer(layer: &ResolvedLayer, p: &Projection) -> Group {
    let mut g = Group::new(format!("layer-{}", layer.id), layer.label.clone());
    let mut inside = true;
    let mut check = |x: f64, y: f64, r: f64| {
        inside &= x - r >= p.frame.x
            && x + r <= p.frame.right()
            && y - r >= p.frame.y
            && y + r <= p.frame.bottom();
    };
    match &layer.features {
        Features::Polygons(features) => {
            for f in features {
                let Some(bbox) = f.geometry_bng.bounding_rect() else {
                    continue;
                };
                if !p.sees(bbox) {
                    continue;
                }
                let rings = project_multipolygon(p, &f.geometry_bng, TOLERANCE_MM);
                if rings.is_empty() {
                    continue;
                }
                let r = f.stroke.as_ref().map_or(0.0, |s| s.width_mm / 2.0);
                rings.iter().flatten().for_each(|q| check(q.x, q.y, r));
                g.items.push(Item::Path(PathItem {
                    rings,
                    fill: f.fill.clone(),
                    stroke: f.stroke.clone(),
                    code: Some(f.code.clone()),
                    label: f.name.clone(),
                }));
            }
        }
        Features::Points(points) => {
            for pt in points {
                let c = p.to_page(pt.point_bng);
                if !(c.x.is_finite() && c.y.is_finite()) {
                    continue;
                }
                check(c.x, c.y, pt.size_mm);
                g.items.push(Item::Symbol(SymbolItem {
                    centre: c,
                    symbol: pt.symbol,
                    size_mm: pt.size_mm,
                    fill: pt.fill,
                    stroke: pt.stroke.clone(),
                    label: pt.label.clone(),
                }));
            }
        }
        Features::Raster(r) => {
            if p.sees(r.extent_bng) {
                let rect = p.rect_to_page(r.extent_bng);
                check(rect.x, rect.y, 0.0);
                check(rect.right(), rect.bottom(), 0.0);
                g.items.push(Item::Image(ImageItem {
                    rect,
                    width_px: r.width_px,
                    height_px: r.height_px,
                    rgba: r.rgba.as_ref().clone(),
                }));
            }
        }
    }
    if !inside {
        g.clip = Some(p.frame);
    }
    g
}

/// Labels of labelled layers, top layer first, avoiding the furniture and each other; and the
/// texts of the labels anchored inside the frame that found no free place.
fn labels_group(
    input: &MapInput,
    p: &Projection,
    obstacles: &[RectMm],
    scale: f64,
) -> Option<(Group, Vec<String>)> {
    let labelled: Vec<&ResolvedLayer> = input.layers.iter().rev().filter(|l| l.labels).collect();
    if labelled.is_empty() {
        return None;
    }
    let size = LABEL_PT * scale;
    let mut blocked = obstacles.to_vec();
    // Symbols are obstacles for every label.
    for layer in &labelled {
        if let Features::Points(points) = &layer.features {
            for pt in points {
                let c = p.to_page(pt.point_bng);
                let r = pt.size_mm / 2.0;
                blocked.push(RectMm {
                    x: c.x - r,
                    y: c.y - r,
                    width: 2.0 * r,
                    height: 2.0 * r,
                });
            }
        }
    }
    let mut placer = Placer::new(p.frame, &blocked);
    let mut g = Group::new("labels", "Labels");
    let mut dropped = Vec::new();
    let in_frame = |c: PointMm| {
        c.x >= p.frame.x && c.x <= p.frame.right() && c.y >= p.frame.y && c.y <= p.frame.bottom()
    };
    for layer in labelled {
        match &layer.features {
            Features::Points(points) => {
                for pt in points {
                    let Some(text) = &pt.label else { continue };
                    let c = p.to_page(pt.point_bng);
                    match labels::place_point_label(&mut placer, c, pt.size_mm / 2.0, text, size) {
                        Some(item) => g.items.push(item),
                        None if in_frame(c) => dropped.push(text.clone()),
                        None => {}
                    }
                }
            }
            Features::Polygons(features) => {
                let mut order: Vec<(f64, usize)> = features
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.label.is_some())
                    .map(|(i, f)| (f.geometry_bng.unsigned_area(), i))
                    .collect();
                order.sort_by(|a, b| b.0.total_cmp(&a.0));
                for (_, i) in order {
                    let Some(f) = features.get(i) else { continue };
                    let Some(text) = &f.label else { continue };
                    let largest = f
                        .geometry_bng
                        .0
                        .iter()
                        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()));
                    let Some(at) = largest.and_then(|poly| poly.interior_point()) else {
                        continue;
                    };
                    let c = p.to_page(at.0);
                    match labels::place_area_label(&mut placer, c, text, size) {
                        Some(item) => g.items.push(item),
                        None if in_frame(c) => dropped.push(text.clone()),
                        None => {}
                    }
                }
            }
            Features::Raster(_) => {}
        }
    }
    Some((g, dropped))
}

/// The locator inset (top left in the frame): the inset outlines in grey and the extent in red.
fn inset(input: &MapInput, frame: RectMm, scale: f64) -> Option<(Group, RectMm)> {
    let world = input
        .inset_bng
        .iter()
        .filter_map(BoundingRect::bounding_rect)
        .reduce(|a, b| {
            geo::Rect::new(
                geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        })?;
    let pad = 1.5 * scale;
    let w = frame.width * 0.22;
    let aspect = (world.height() / world.width().max(1.0)).clamp(0.3, 1.6);
    let h = (w * aspect).min(frame.height * 0.35);
    let box_mm = RectMm {
        x: frame.x + 3.0 * scale,
        y: frame.y + 3.0 * scale,
        width: w,
        height: h,
    };
    let inner = RectMm {
        x: box_mm.x + pad,
        y: box_mm.y + pad,
        width: w - 2.0 * pad,
        height: h - 2.0 * pad,
    };
    let p = Projection::fit(world, inner, 0.02)?;
    let mut g = Group::new("inset", "Locator inset");
    g.items.push(rect_item(
        box_mm,
        Fill::Solid(Colour::WHITE),
        Some(Stroke::solid(INK, 0.25 * scale)),
    ));
    let grey = Fill::Solid(Colour::rgb(0xcc, 0xcc, 0xcc));
    for mp in &input.inset_bng {
        let rings = project_multipolygon(&p, mp, 0.25);
        if !rings.is_empty() {
            g.items.push(Item::Path(PathItem {
                rings,
                fill: grey.clone(),
                stroke: None,
                code: None,
                label: None,
            }));
        }
    }
    let mut r = p.rect_to_page(input.extent_bng);
    let min = 1.5 * scale;
    if r.width < min {
        r.x -= (min - r.width) / 2.0;
        r.width = min;
    }
    if r.height < min {
        r.y -= (min - r.height) / 2.0;
        r.height = min;
    }
    g.items.push(rect_item(
        r,
        Fill::None,
        Some(Stroke::solid(Colour::rgb(0xe3, 0x1a, 0x1c), 0.4 * scale)),
    ));
    Some((g, box_mm))
}
