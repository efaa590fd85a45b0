//! Cutting a page's scene into consecutive parts of about equal drawing work, so that the PDF
//! backend can convert them on several cores (svg2pdf compresses each content stream on one
//! core; on a national map that compression was over half of the time). Each part keeps the
//! groups its items sit in (their ids, labels and clips), and the parts drawn one after the
//! other, in order, paint exactly what the whole scene paints.

use super::scene::{Colour, Group, Item, Scene};

/// The drawing work of an item: its points (1 for text and symbols).
fn weight(item: &Item) -> usize {
    match item {
        Item::Path(p) => p.rings.iter().map(Vec::len).sum::<usize>().max(1),
        Item::Line(l) => l.points.len().max(1),
        Item::Group(g) => g.items.iter().map(weight).sum(),
        Item::Text(_) | Item::Symbol(_) | Item::Image(_) => 1,
    }
}

/// The points of a scene (what [`split`] divides).
pub fn scene_weight(scene: &Scene) -> usize {
    scene
        .groups
        .iter()
        .flat_map(|g| g.items.iter())
        .map(weight)
        .sum()
}

/// An item that is not a group, with the path of group indices leading to it from the top.
struct Leaf<'a> {
    path: Vec<usize>,
    item: &'a Item,
}

fn leaves<'a>(group: &'a Group, path: &mut Vec<usize>, out: &mut Vec<Leaf<'a>>) {
    for (i, item) in group.items.iter().enumerate() {
        match item {
            Item::Group(g) => {
                path.push(i);
                leaves(g, path, out);
                path.pop();
            }
            other => out.push(Leaf {
                path: path.clone(),
                item: other,
            }),
        }
    }
}

fn shell(g: &Group) -> Group {
    Group {
        id: g.id.clone(),
        label: g.label.clone(),
        clip: g.clip,
        items: Vec::new(),
    }
}

/// The group at `path` under the top-level group `top` of `scene`.
fn source_group<'a>(scene: &'a Scene, path: &[usize]) -> Option<&'a Group> {
    let (&top, rest) = path.split_first()?;
    let mut g = scene.groups.get(top)?;
    for &i in rest {
        match g.items.get(i)? {
            Item::Group(sub) => g = sub,
            _ => return None,
        }
    }
    Some(g)
}

/// The innermost open group of `groups` at `depth` (0: the last top-level group).
fn open_group(groups: &mut [Group], depth: usize) -> Option<&mut Group> {
    let mut g = groups.last_mut()?;
    for _ in 0..depth {
        g = match g.items.last_mut()? {
            Item::Group(sub) => sub,
            _ => return None,
        };
    }
    Some(g)
}

/// Rebuilds the groups of consecutive leaves: a leaf shares the open groups its path has in
/// common with the previous leaf's, and opens shells of the rest.
fn build(scene: &Scene, leaves: &[Leaf<'_>], background: Colour) -> Scene {
    let mut groups: Vec<Group> = Vec::new();
    let mut last: &[usize] = &[];
    for leaf in leaves {
        let common = leaf
            .path
            .iter()
            .zip(last)
            .take_while(|(a, b)| a == b)
            .count();
        for depth in common..leaf.path.len() {
            let Some(src) = source_group(scene, &leaf.path[..=depth]) else {
                continue;
            };
            if depth == 0 {
                groups.push(shell(src));
            } else if let Some(parent) = open_group(&mut groups, depth - 1) {
                parent.items.push(Item::Group(shell(src)));
            }
        }
        if let Some(g) = open_group(&mut groups, leaf.path.len().saturating_sub(1)) {
            g.items.push(leaf.item.clone());
        }
        last = &leaf.path;
    }
    Scene {
        width_mm: scene.width_mm,
        height_mm: scene.height_mm,
        background,
        groups,
        title: scene.title.clone(),
        dropped_labels: Vec::new(),
    }
}

/// `scene` as at most `parts` consecutive scenes of about equal weight; only the first keeps
/// the background (the others are transparent). One part is the scene itself.
///
/// ```
/// use local_atlas::render::scene::{Colour, Fill, Group, Item, PathItem, PointMm, Scene};
/// use local_atlas::render::scene_split::split;
/// let square = |x: f64| Item::Path(PathItem { rings: vec![vec![PointMm { x, y: 0.0 },
///     PointMm { x: x + 1.0, y: 0.0 }, PointMm { x, y: 1.0 }]], fill: Fill::None,
///     stroke: None, code: None, label: None });
/// let mut layer = Group::new("areas", "Areas");
/// layer.items = (0..10).map(|i| square(i as f64)).collect();
/// let scene = Scene { width_mm: 10.0, height_mm: 10.0, background: Colour::WHITE,
///     groups: vec![layer], title: "t".into(), dropped_labels: vec![] };
/// let parts = split(&scene, 2);
/// assert_eq!(parts.len(), 2);
/// assert_eq!(parts[0].groups[0].items.len() + parts[1].groups[0].items.len(), 10);
/// assert_eq!(parts[1].groups[0].id, "areas");
/// ```
pub fn split(scene: &Scene, parts: usize) -> Vec<Scene> {
    let mut all = Vec::new();
    for (gi, g) in scene.groups.iter().enumerate() {
        leaves(g, &mut vec![gi], &mut all);
    }
    if parts <= 1 || all.len() < 2 {
        return vec![scene.clone()];
    }
    let total: usize = all.iter().map(|l| weight(l.item)).sum();
    let per_part = total.div_ceil(parts).max(1);
    let mut out = Vec::with_capacity(parts);
    let (mut start, mut acc) = (0, 0);
    for (i, leaf) in all.iter().enumerate() {
        acc += weight(leaf.item);
        let last_part = out.len() + 1 == parts;
        if acc >= per_part && !last_part && i + 1 < all.len() {
            let bg = if out.is_empty() {
                scene.background
            } else {
                Colour::TRANSPARENT
            };
            out.push(build(scene, &all[start..=i], bg));
            (start, acc) = (i + 1, 0);
        }
    }
    let bg = if out.is_empty() {
        scene.background
    } else {
        Colour::TRANSPARENT
    };
    out.push(build(scene, &all[start..], bg));
    out
}

/// `scene` as consecutive runs of items `special` accepts (`true`) or not (`false`), in
/// order; a run of accepted items weighing less than `min_weight` joins its neighbours (so a
/// legend's boxes between its texts do not make a run each). The first run keeps the
/// background.
pub fn runs(
    scene: &Scene,
    special: impl Fn(&Item) -> bool,
    min_weight: usize,
) -> Vec<(bool, Scene)> {
    let mut all = Vec::new();
    for (gi, g) in scene.groups.iter().enumerate() {
        leaves(g, &mut vec![gi], &mut all);
    }
    // (flag, start, end, weight) of maximal runs.
    let mut spans: Vec<(bool, usize, usize, usize)> = Vec::new();
    for (i, leaf) in all.iter().enumerate() {
        let (flag, w) = (special(leaf.item), weight(leaf.item));
        match spans.last_mut() {
            Some(last) if last.0 == flag => {
                last.2 = i + 1;
                last.3 += w;
            }
            _ => spans.push((flag, i, i + 1, w)),
        }
    }
    let mut merged: Vec<(bool, usize, usize)> = Vec::new();
    for (flag, a, b, w) in spans {
        let flag = flag && w >= min_weight;
        match merged.last_mut() {
            Some(last) if last.0 == flag => last.2 = b,
            _ => merged.push((flag, a, b)),
        }
    }
    merged
        .into_iter()
        .enumerate()
        .map(|(k, (flag, a, b))| {
            let bg = if k == 0 {
                scene.background
            } else {
                Colour::TRANSPARENT
            };
            (flag, build(scene, &all[a..b], bg))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::scene::{Fill, PathItem, PointMm, RectMm, TextItem};

    fn path(n: usize) -> Item {
        Item::Path(PathItem {
            rings: vec![
                (0..n)
                    .map(|i| PointMm {
                        x: i as f64,
                        y: 0.0,
                    })
                    .collect(),
            ],
            fill: Fill::None,
            stroke: None,
            code: Some(format!("c{n}")),
            label: None,
        })
    }

    /// Nested groups keep their shells (ids, clips) in every part that draws from them, and
    /// the parts' leaves, in order, are the scene's leaves.
    #[test]
    fn parts_keep_their_groups_and_the_order_of_items() {
        let mut inner = Group::new("layer", "Layer");
        inner.items = (1..=40).map(path).collect();
        let mut frame = Group::new("frame", "Frame");
        frame.clip = Some(RectMm {
            x: 0.0,
            y: 0.0,
            width: 5.0,
            height: 5.0,
        });
        frame.items = vec![path(3), Item::Group(inner)];
        let mut legend = Group::new("legend", "Legend");
        legend.items = vec![Item::Text(TextItem {
            pos: PointMm { x: 1.0, y: 1.0 },
            text: "legend".into(),
            size_pt: 8.0,
            bold: false,
            anchor: Default::default(),
            colour: Colour::BLACK,
            halo: None,
        })];
        let scene = Scene {
            width_mm: 10.0,
            height_mm: 10.0,
            background: Colour::WHITE,
            groups: vec![frame, legend],
            title: "t".into(),
            dropped_labels: Vec::new(),
        };
        let parts = split(&scene, 3);
        assert_eq!(parts.len(), 3);
        let flat = |s: &Scene| {
            let mut v = Vec::new();
            for (gi, g) in s.groups.iter().enumerate() {
                leaves(g, &mut vec![gi], &mut v);
            }
            v.into_iter().map(|l| l.item.clone()).collect::<Vec<_>>()
        };
        let joined: Vec<Item> = parts.iter().flat_map(flat).collect();
        assert_eq!(joined, flat(&scene));
        for p in &parts {
            assert_eq!(p.groups[0].id, "frame");
            assert!(p.groups[0].clip.is_some());
        }
        assert_eq!(parts[0].background, Colour::WHITE);
        assert_eq!(parts[2].background, Colour::TRANSPARENT);
        assert_eq!(parts.last().unwrap().groups.last().unwrap().id, "legend");
        assert_eq!(scene_weight(&scene), 3 + (1..=40).sum::<usize>() + 1);
        // Runs: the paths (heavy enough) then the text.
        let r = runs(&scene, |i| matches!(i, Item::Path(_)), 100);
        assert_eq!(r.iter().map(|(f, _)| *f).collect::<Vec<_>>(), [true, false]);
        assert_eq!(r[1].1.groups[0].id, "legend");
        let light = runs(&scene, |i| matches!(i, Item::Path(_)), 100_000);
        assert_eq!(light.len(), 1, "a light run joins its neighbours");
        assert!(!light[0].0);
    }
}
