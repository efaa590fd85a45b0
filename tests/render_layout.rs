//! The layout on synthetic input (a 10 × 10 grid of 1 km squares in BNG, an outline layer and
//! labelled points): groups, legend placement by orientation, type scaling, clipping, labels.

use geo::{Coord, MultiPolygon, Rect, polygon};
use local_atlas::render::input::{
    Features, LegendBlock, LegendEntry, MapInput, PointFeature, PolygonFeature, ResolvedLayer,
    Swatch,
};
use local_atlas::render::layout::labels::text_box;
use local_atlas::render::layout::layout;
use local_atlas::render::scene::{Colour, Fill, Group, Item, RectMm, Scene, Stroke, Symbol};
use local_atlas::render::spec::{MapSpec, Page, PageSize};

fn square(i: usize, j: usize) -> MultiPolygon<f64> {
    let (x, y) = (400_000.0 + 1000.0 * i as f64, 300_000.0 + 1000.0 * j as f64);
    MultiPolygon(vec![
        polygon![(x: x, y: y), (x: x + 1000.0, y: y), (x: x + 1000.0, y: y + 1000.0), (x: x, y: y + 1000.0)],
    ])
}

fn input(page: Page) -> MapInput {
    let mut cells = Vec::new();
    for i in 0..10 {
        for j in 0..10 {
            let shade = (25 * ((i + j) % 10)) as u8;
            cells.push(PolygonFeature {
                code: format!("C{i}{j}"),
                name: None,
                geometry_bng: square(i, j),
                fill: Fill::Solid(Colour::rgb(255, 255 - shade, 0)),
                stroke: None,
                label: None,
            });
        }
    }
    let halves: Vec<PolygonFeature> = (0..2)
        .map(|h| PolygonFeature {
            code: format!("H{h}"),
            name: Some(format!("Half {h}")),
            geometry_bng: MultiPolygon(vec![polygon![(x: 400_000.0 + 5000.0 * h as f64, y: 300_000.0), (x: 405_000.0 + 5000.0 * h as f64, y: 300_000.0), (x: 405_000.0 + 5000.0 * h as f64, y: 310_000.0), (x: 400_000.0 + 5000.0 * h as f64, y: 310_000.0)]]),
            fill: Fill::None,
            stroke: Some(Stroke::solid(Colour::BLACK, 0.4)),
            label: Some(format!("Half {h}")),
        })
        .collect();
    let points: Vec<PointFeature> = (0..30)
        .map(|k| PointFeature {
            point_bng: Coord {
                x: 400_500.0 + 300.0 * k as f64,
                y: 305_000.0 + 100.0 * (k % 3) as f64,
            },
            symbol: Symbol::Circle,
            size_mm: 2.5,
            fill: Colour::BLACK,
            stroke: None,
            label: Some(format!("Centre {k}")),
        })
        .collect();
    let entries = (0..5)
        .map(|c| LegendEntry {
            swatch: Swatch::Area {
                fill: Fill::Solid(Colour::rgb(255, 200 - 40 * c, 0)),
                stroke: None,
            },
            label: format!("class {c}"),
            count: Some(20),
        })
        .collect();
    MapInput {
        spec: MapSpec {
            page,
            inset: true,
            ..MapSpec::default()
        },
        title: "Grid test".into(),
        subtitle: "synthetic".into(),
        layers: vec![
            ResolvedLayer {
                id: "cells".into(),
                label: "Cells".into(),
                features: Features::Polygons(cells),
                labels: false,
                legend: Some(LegendBlock {
                    title: "Value".into(),
                    entries,
                }),
            },
            ResolvedLayer {
                id: "halves".into(),
                label: "Halves".into(),
                features: Features::Polygons(halves),
                labels: true,
                legend: None,
            },
            ResolvedLayer {
                id: "centres".into(),
                label: "Centres".into(),
                features: Features::Points(points),
                labels: true,
                legend: None,
            },
        ],
        extent_bng: Rect::new(
            Coord {
                x: 400_000.0,
                y: 300_000.0,
            },
            Coord {
                x: 410_000.0,
                y: 310_000.0,
            },
        ),
        inset_bng: vec![square(0, 0), square(9, 9)],
        source_lines: vec!["Source: synthetic test grid.".into()],
        note: String::new(),
    }
}

fn group<'a>(scene: &'a Scene, id: &str) -> &'a Group {
    scene
        .groups
        .iter()
        .find(|g| g.id == id)
        .unwrap_or_else(|| panic!("no group {id}"))
}

fn bounds(items: &[Item]) -> RectMm {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut add = |x: f64, y: f64| {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    };
    for item in items {
        match item {
            Item::Path(p) => p.rings.iter().flatten().for_each(|q| add(q.x, q.y)),
            Item::Text(t) => add(t.pos.x, t.pos.y),
            Item::Symbol(s) => add(s.centre.x, s.centre.y),
            Item::Line(l) => l.points.iter().for_each(|q| add(q.x, q.y)),
            Item::Image(i) => {
                add(i.rect.x, i.rect.y);
                add(i.rect.right(), i.rect.bottom());
            }
            Item::Group(g) => {
                let b = bounds(&g.items);
                add(b.x, b.y);
                add(b.right(), b.bottom());
            }
        }
    }
    RectMm {
        x: x0,
        y: y0,
        width: x1 - x0,
        height: y1 - y0,
    }
}

#[test]
fn groups_come_in_drawing_order_and_map_layers_are_clipped_to_the_frame() {
    let scene = layout(&input(Page::default())).unwrap();
    let ids: Vec<&str> = scene.groups.iter().map(|g| g.id.as_str()).collect();
    let pos = |id: &str| {
        ids.iter()
            .position(|g| *g == id)
            .unwrap_or_else(|| panic!("{id} in {ids:?}"))
    };
    assert!(pos("title") < pos("layer-cells"));
    assert!(pos("layer-cells") < pos("layer-halves") && pos("layer-halves") < pos("layer-centres"));
    assert!(pos("layer-centres") < pos("labels") && pos("labels") < pos("inset"));
    for id in ["north-arrow", "scale-bar", "frame", "legend", "source"] {
        pos(id);
    }
    let frame = bounds(&group(&scene, "frame").items);
    assert!(
        group(&scene, "layer-cells").clip.is_none(),
        "nothing reaches outside: no clip"
    );
    let cells = bounds(&group(&scene, "layer-cells").items);
    assert!(cells.x >= frame.x - 1e-6 && cells.right() <= frame.right() + 1e-6);
    assert!(cells.y >= frame.y - 1e-6 && cells.bottom() <= frame.bottom() + 1e-6);
    // The square extent fills the frame's short side (3% padding each side).
    let ratio = cells.width.min(cells.height) / frame.width.min(frame.height);
    assert!((ratio - 1.0 / 1.06).abs() < 0.01, "{ratio}");
    assert!(
        (cells.width - cells.height).abs() < 0.01,
        "equal scales: {cells:?}"
    );
}

#[test]
fn a_zoomed_extent_clips_the_layers_to_the_frame() {
    let mut i = input(Page::default());
    i.extent_bng = Rect::new(
        Coord {
            x: 402_000.0,
            y: 302_000.0,
        },
        Coord {
            x: 404_000.0,
            y: 304_000.0,
        },
    );
    let scene = layout(&i).unwrap();
    let frame = bounds(&group(&scene, "frame").items);
    let clip = group(&scene, "layer-cells").clip.expect("clipped");
    assert!((clip.x - frame.x).abs() < 1e-9 && (clip.width - frame.width).abs() < 1e-9);
    // Cells far outside the view are not drawn at all.
    assert!(group(&scene, "layer-cells").items.len() < 100);
}

#[test]
fn the_legend_goes_below_on_portrait_and_right_on_landscape() {
    let portrait = layout(&input(Page::default())).unwrap();
    let landscape = layout(&input(Page {
        landscape: true,
        ..Page::default()
    }))
    .unwrap();
    for (scene, below) in [(&portrait, true), (&landscape, false)] {
        let frame = bounds(&group(scene, "frame").items);
        let legend = bounds(&group(scene, "legend").items);
        if below {
            assert!(legend.y >= frame.bottom(), "{legend:?} below {frame:?}");
        } else {
            assert!(legend.x >= frame.right(), "{legend:?} right of {frame:?}");
        }
        let texts: Vec<&str> = group(scene, "legend")
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text(t) => Some(t.text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            texts,
            [
                "Value",
                "class 0 (20)",
                "class 1 (20)",
                "class 2 (20)",
                "class 3 (20)",
                "class 4 (20)"
            ]
        );
    }
}

#[test]
fn type_scales_with_the_page() {
    let title_size = |page: Page| match group(&layout(&input(page)).unwrap(), "title").items.first()
    {
        Some(Item::Text(t)) => t.size_pt,
        other => panic!("{other:?}"),
    };
    let a4 = title_size(Page::default());
    let a3 = title_size(Page {
        size: PageSize::A3,
        ..Page::default()
    });
    assert!((a3 / a4 - 297.0 / 210.0).abs() < 1e-9, "{a4} {a3}");
}

#[test]
fn labels_never_overlap_and_avoid_the_furniture() {
    let scene = layout(&input(Page::default())).unwrap();
    let labels: Vec<RectMm> = group(&scene, "labels")
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text(t) => Some(text_box(t.pos, &t.text, t.size_pt, t.anchor)),
            _ => None,
        })
        .collect();
    assert!(
        labels.len() >= 5 && labels.len() < 32,
        "{} labels of 32",
        labels.len()
    );
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(!a.intersects(b), "{a:?} {b:?}");
        }
    }
    let inset = bounds(&group(&scene, "inset").items);
    assert!(labels.iter().all(|l| !l.intersects(&inset)));
}

#[test]
fn empty_title_and_tiny_pages() {
    let mut i = input(Page::default());
    i.title.clear();
    i.subtitle.clear();
    let scene = layout(&i).unwrap();
    assert!(scene.groups.iter().all(|g| g.id != "title"));
    let tiny = input(Page {
        size: PageSize::Custom {
            width_mm: 40.0,
            height_mm: 40.0,
        },
        ..Page::default()
    });
    let err = layout(&tiny).unwrap_err().to_string();
    assert!(err.contains("too small"), "{err}");
}
