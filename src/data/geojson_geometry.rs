//! GeoJSON geometry objects (RFC 7946 §3.1) to `geo` geometries, checking every position
//! before it is used: a position is 2 or 3 numbers, a line string has at least 2 positions,
//! a polygon ring at least 4 and is closed, and no geometry is empty. The `geojson` crate's
//! own conversion indexes positions unchecked (it panics on `[1]`), so it is not used.

use geo::{Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint};
use geo::{MultiPolygon, Point, Polygon};
use serde_json::Value;

/// What is wrong with a geometry, and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct GeometryProblem {
    pub message: String,
    pub hint: &'static str,
}

const REPAIR: &str =
    "repair the geometry in QGIS (Vector ▸ Geometry Tools ▸ Fix Geometries) or remove the feature";
const EMPTY: &str =
    "give the feature its geometry, set \"geometry\" to null, or remove the feature";

type Checked<T> = std::result::Result<T, GeometryProblem>;

fn problem(message: impl Into<String>, hint: &'static str) -> GeometryProblem {
    GeometryProblem {
        message: message.into(),
        hint,
    }
}

/// Prefixes the place (e.g. "ring 2") to a problem found inside it.
fn within(place: String) -> impl FnOnce(GeometryProblem) -> GeometryProblem {
    move |p| problem(format!("{place}, {}", p.message), p.hint)
}

/// Converts a feature's `geometry` member (absent or `null`: no geometry). With `swap`, the
/// two numbers of each position are read latitude first. Linear in the number of positions.
///
/// ```
/// use local_atlas::data::geojson_geometry::convert;
/// let v: serde_json::Value = serde_json::json!({"type": "Point", "coordinates": [53.5, -2.2]});
/// let g = convert(Some(&v), true).unwrap().unwrap();
/// assert_eq!(g, geo::Geometry::Point(geo::Point::new(-2.2, 53.5)));
/// let bad = serde_json::json!({"type": "LineString", "coordinates": [[1], [2, 3]]});
/// assert!(convert(Some(&bad), false).unwrap_err().message.contains("1 number"));
/// ```
pub fn convert(v: Option<&Value>, swap: bool) -> Checked<Option<Geometry<f64>>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(g) => geometry(g, swap, 0).map(Some),
    }
}

/// How deep GeometryCollections may nest: 8. RFC 7946 §3.1.8 advises against nesting at
/// all; the bound keeps the reader's recursion shallow whatever the file holds.
pub const MAX_NESTING: usize = 8;

fn geometry(g: &Value, swap: bool, depth: usize) -> Checked<Geometry<f64>> {
    let kind = g.get("type").and_then(Value::as_str).unwrap_or_default();
    if kind == "GeometryCollection" {
        return collection(g, swap, depth);
    }
    let Some(c) = g.get("coordinates") else {
        return Err(problem(
            format!("the {} geometry has no \"coordinates\"", shown(kind)),
            REPAIR,
        ));
    };
    Ok(match kind {
        "Point" => Geometry::Point(Point(position(c, swap)?)),
        "MultiPoint" => {
            let pts = list(c, "MultiPoint", |i, p| {
                position(p, swap).map_err(within(format!("point {i}")))
            })?;
            Geometry::MultiPoint(MultiPoint(pts.into_iter().map(Point).collect()))
        }
        "LineString" => Geometry::LineString(line(c, swap)?),
        "MultiLineString" => {
            Geometry::MultiLineString(MultiLineString(list(c, "MultiLineString", |i, l| {
                line(l, swap).map_err(within(format!("line {i}")))
            })?))
        }
        "Polygon" => Geometry::Polygon(polygon(c, swap)?),
        "MultiPolygon" => Geometry::MultiPolygon(MultiPolygon(list(c, "MultiPolygon", |i, p| {
            polygon(p, swap).map_err(within(format!("polygon {i}")))
        })?)),
        other => {
            return Err(problem(
                format!("'{}' is not a GeoJSON geometry type", shown(other)),
                "use Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon or GeometryCollection",
            ));
        }
    })
}

fn shown(kind: &str) -> String {
    crate::error::excerpt(kind)
}

fn collection(g: &Value, swap: bool, depth: usize) -> Checked<Geometry<f64>> {
    if depth >= MAX_NESTING {
        return Err(problem(
            format!("GeometryCollections are nested more than {MAX_NESTING} deep"),
            "flatten the collection (RFC 7946 advises against nesting)",
        ));
    }
    let Some(parts) = g.get("geometries") else {
        return Err(problem(
            "the GeometryCollection has no \"geometries\"",
            REPAIR,
        ));
    };
    let parts = list(parts, "GeometryCollection", |i, p| {
        geometry(p, swap, depth + 1).map_err(within(format!("geometry {i}")))
    })?;
    Ok(Geometry::GeometryCollection(GeometryCollection(parts)))
}

/// A non-empty JSON array, each element converted by `each(1-based index, element)`.
fn list<T>(
    v: &Value,
    what: &str,
    mut each: impl FnMut(usize, &Value) -> Checked<T>,
) -> Checked<Vec<T>> {
    let Some(items) = v.as_array() else {
        return Err(problem(
            format!("the {what} coordinates are not a list"),
            REPAIR,
        ));
    };
    if items.is_empty() {
        return Err(problem(format!("the {what} is empty"), EMPTY));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, x)| each(i + 1, x))
        .collect()
}

fn position(v: &Value, swap: bool) -> Checked<Coord<f64>> {
    let Some(nums) = v.as_array() else {
        return Err(problem("a position is not a list of numbers", REPAIR));
    };
    if !(2..=3).contains(&nums.len()) {
        let n = nums.len();
        return Err(problem(
            format!(
                "a position has {n} number{}; it needs 2 or 3 (x, y and an optional height)",
                if n == 1 { "" } else { "s" }
            ),
            REPAIR,
        ));
    }
    let num = |i: usize| -> Checked<f64> {
        match nums.get(i).and_then(Value::as_f64) {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(problem(
                format!(
                    "a position holds {}, not a number",
                    crate::error::excerpt(&nums.get(i).map(Value::to_string).unwrap_or_default())
                ),
                REPAIR,
            )),
        }
    };
    let (a, b) = (num(0)?, num(1)?);
    if nums.len() == 3 {
        num(2)?;
    }
    Ok(if swap {
        Coord { x: b, y: a }
    } else {
        Coord { x: a, y: b }
    })
}

fn positions(v: &Value, what: &str, swap: bool) -> Checked<Vec<Coord<f64>>> {
    list(v, what, |i, p| {
        position(p, swap).map_err(within(format!("position {i}")))
    })
}

fn line(v: &Value, swap: bool) -> Checked<LineString<f64>> {
    let pts = positions(v, "LineString", swap)?;
    if pts.len() < 2 {
        return Err(problem("a LineString has fewer than 2 positions", REPAIR));
    }
    Ok(LineString(pts))
}

/// A linear ring: at least 4 positions, the last equal to the first (RFC 7946 §3.1.6).
fn ring(v: &Value, swap: bool) -> Checked<LineString<f64>> {
    if v.as_array().is_some_and(Vec::is_empty) {
        return Err(problem("is empty", EMPTY));
    }
    let pts = positions(v, "ring", swap)?;
    if pts.len() < 4 {
        return Err(problem(
            format!(
                "has {} positions; a ring needs at least 4 (the last repeating the first)",
                pts.len()
            ),
            REPAIR,
        ));
    }
    let (first, last) = (pts[0], pts[pts.len() - 1]);
    if first != last {
        return Err(problem(
            format!(
                "is not closed: it starts at ({}, {}) but ends at ({}, {})",
                first.x, first.y, last.x, last.y
            ),
            "close the ring (repeat its first position at the end) or repair it in QGIS",
        ));
    }
    Ok(LineString(pts))
}

fn polygon(v: &Value, swap: bool) -> Checked<Polygon<f64>> {
    let mut rings = list(v, "Polygon", |i, r| {
        ring(r, swap).map_err(|p| {
            let name = if i == 1 {
                "exterior ring".to_string()
            } else {
                format!("ring {i}")
            };
            problem(format!("{name} {}", p.message), p.hint)
        })
    })
    .map_err(|p| {
        if p.message == "the Polygon is empty" {
            problem("the Polygon has no exterior ring", EMPTY)
        } else {
            p
        }
    })?;
    let exterior = rings.remove(0);
    Ok(Polygon::new(exterior, rings))
}
