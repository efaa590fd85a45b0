//! The profile's small maps, drawn straight from the boundaries (no map recipe): the locator
//! (the area highlighted among its siblings — the wards of its district, or every district)
//! and an indicator's map (the siblings coloured by their comparison with the benchmark).
//! Boundaries are read once per run and each map is projected into its own box.

use super::build::ProfileRun;
use super::facts::Facts;
use crate::data::Workspace;
use crate::data::parent_maps::parent_maps;
use crate::data::query;
use crate::error::{Error, Result};
use crate::ops::compare::BenchmarkSpec;
use crate::render::report::document::MapFigure;
use crate::render::scene::{Colour, Fill, Group, Item, PathItem, PointMm, Scene, Stroke};
use geo::{BoundingRect, MultiPolygon};
use std::collections::HashMap;

/// The side of a map's square, in millimetres.
pub const MAP_MM: f64 = 55.0;
/// The highlighted area's fill (the locator).
const HIGHLIGHT: Colour = Colour::rgb(0, 94, 184);
const OTHERS: Colour = Colour::rgb(225, 225, 225);

/// The boundaries and groups the maps draw.
pub struct Locator {
    /// Area code → boundary (British National Grid metres).
    shapes: HashMap<String, MultiPolygon<f64>>,
    /// Area code → the group it is drawn with (its parent; one group for `all`).
    group_of: HashMap<String, String>,
    /// What the group is called in words ("Bolton"), by group.
    group_name: HashMap<String, String>,
}

impl Locator {
    /// Reads the geography's boundaries; `within` groups them (`parent:GEOGRAPHY` or `all`).
    pub fn new(ws: &Workspace, geography: &str, within: &BenchmarkSpec) -> Result<Locator> {
        let areas = query::areas(ws, geography)?;
        let (group_of, group_name) = match within {
            BenchmarkSpec::Parent(g) => {
                let map = parent_maps(ws, geography)?
                    .into_iter()
                    .find(|m| &m.parent_geography == g)
                    .ok_or_else(|| {
                        Error::Invalid(format!(
                            "locator map within {g}: the workspace has no lookup from \
                             '{geography}' to '{g}'"
                        ))
                    })?;
                let names = query::area_names(ws, g)?
                    .into_iter()
                    .map(|a| (a.code.clone(), a.name.unwrap_or(a.code)))
                    .collect();
                (map.parent_of, names)
            }
            BenchmarkSpec::All | BenchmarkSpec::Area(_) => (
                areas
                    .iter()
                    .map(|a| (a.code.clone(), "all".to_string()))
                    .collect(),
                HashMap::new(),
            ),
        };
        Ok(Locator {
            shapes: areas
                .into_iter()
                .map(|a| (a.code, a.geometry_bng))
                .collect(),
            group_of,
            group_name,
        })
    }

    fn members(&self, code: &str) -> Vec<&str> {
        let Some(g) = self.group_of.get(code) else {
            return vec![];
        };
        let mut m: Vec<&str> = self
            .group_of
            .iter()
            .filter(|(_, p)| *p == g)
            .map(|(c, _)| c.as_str())
            .filter(|c| self.shapes.contains_key(*c))
            .collect();
        m.sort_unstable();
        m
    }

    /// The locator map of `code`; none when it has no boundary.
    pub fn locator_map(&self, code: &str, name: &str) -> Option<MapFigure> {
        let members = self.members(code);
        let within = self
            .group_of
            .get(code)
            .and_then(|g| self.group_name.get(g))
            .cloned();
        let scene = self.scene(
            &members,
            code,
            |c| {
                if c == code { HIGHLIGHT } else { OTHERS }
            },
        )?;
        let title = match &within {
            Some(w) => format!("{name} in {w}"),
            None => name.to_string(),
        };
        Some(MapFigure {
            alt: format!(
                "Map of {} areas{} with {name} highlighted",
                members.len(),
                within.map(|w| format!(" of {w}")).unwrap_or_default()
            ),
            title,
            scene,
        })
    }

    /// The map of indicator `f` over `code`'s group, coloured by comparison.
    pub fn indicator_map(&self, run: &ProfileRun, f: &Facts, code: &str) -> Option<MapFigure> {
        let members = self.members(code);
        let colour = |c: &str| {
            f.comparison
                .get(c)
                .and_then(|a| Colour::parse(&a.colour))
                .unwrap_or(OTHERS)
        };
        let scene = self.scene(&members, code, colour)?;
        let name = run
            .names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string());
        Some(MapFigure {
            title: format!("{} ({})", f.meta.title, f.period.as_deref().unwrap_or("–")),
            alt: format!(
                "Map of {} areas coloured by how {} compares with {}; {name} outlined",
                members.len(),
                f.meta.title,
                run.comparators.benchmark_name
            ),
            scene,
        })
    }

    /// The members drawn in a square, `code` outlined on top.
    fn scene(&self, members: &[&str], code: &str, fill: impl Fn(&str) -> Colour) -> Option<Scene> {
        let mut bounds: Option<geo::Rect<f64>> = None;
        for m in members {
            if let Some(r) = self.shapes[*m].bounding_rect() {
                bounds = Some(match bounds {
                    None => r,
                    Some(b) => geo::Rect::new(
                        geo::coord! { x: b.min().x.min(r.min().x), y: b.min().y.min(r.min().y) },
                        geo::coord! { x: b.max().x.max(r.max().x), y: b.max().y.max(r.max().y) },
                    ),
                });
            }
        }
        let b = bounds?;
        let margin = 2.0;
        let side = MAP_MM - 2.0 * margin;
        let scale = side / b.width().max(b.height()).max(1.0);
        let (ox, oy) = (
            margin + (side - b.width() * scale) / 2.0,
            margin + (side - b.height() * scale) / 2.0,
        );
        let to_mm = |x: f64, y: f64| {
            PointMm::new(ox + (x - b.min().x) * scale, oy + (b.max().y - y) * scale)
        };
        let path = |c: &str, fill: Fill, stroke: Stroke| -> Item {
            let rings = self.shapes[c]
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .map(|r| r.0.iter().map(|q| to_mm(q.x, q.y)).collect())
                .collect();
            Item::Path(PathItem {
                rings,
                fill,
                stroke: Some(stroke),
                code: Some(c.to_string()),
                label: None,
            })
        };
        let mut group = Group::new("areas", "Areas");
        for m in members {
            group.items.push(path(
                m,
                Fill::Solid(fill(m)),
                Stroke::solid(Colour::WHITE, 0.25),
            ));
        }
        if self.shapes.contains_key(code) {
            group
                .items
                .push(path(code, Fill::None, Stroke::solid(Colour::BLACK, 0.6)));
        }
        Some(Scene {
            width_mm: MAP_MM,
            height_mm: MAP_MM,
            background: Colour::WHITE,
            groups: vec![group],
            title: String::new(),
            dropped_labels: vec![],
        })
    }
}
