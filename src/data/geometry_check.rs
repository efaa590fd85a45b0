//! The one check every layer read by [`super::source::read_layer`] passes before it is used:
//! no empty geometries, rings of at least 4 points, every coordinate a finite number within
//! the range its CRS can hold. Linear in the number of coordinates.

use super::crs::Crs;
use super::source::{AttrValue, SourceLayer};
use crate::error::{InputError, Result, excerpt};
use geo::{CoordsIter, Geometry, LineString, Polygon};

/// British National Grid eastings accepted: −100 km … 800 km (the grid covers 0 … 700 km;
/// the margin admits offshore features and small datum slips, never another CRS's numbers).
pub const BNG_EASTING_RANGE: (f64, f64) = (-100_000.0, 800_000.0);
/// British National Grid northings accepted: −100 km … 1,400 km (the grid covers 0 … 1,300 km).
pub const BNG_NORTHING_RANGE: (f64, f64) = (-100_000.0, 1_400_000.0);
/// Web Mercator's square world is ±20,037,508.34 m; this bound (with a little slack) is also
/// used when the CRS is not known yet, so 1e308 is never taken for a coordinate.
pub const MERCATOR_LIMIT: f64 = 20_100_000.0;

/// Checks every feature's geometry against `crs` (the CRS the coordinates will be read in;
/// `None` when not known: only the widest bound applies). Null geometries pass: the importer
/// decides whether a feature may lack one.
///
/// ```
/// use local_atlas::data::crs::Crs;
/// use local_atlas::data::geometry_check::check_layer;
/// use local_atlas::data::source::{AttrValue, SourceFeature, SourceLayer};
/// let layer = |x: f64, y: f64| SourceLayer {
///     file: "p.shp".into(),
///     fields: vec!["code".into()],
///     features: vec![SourceFeature {
///         attrs: vec![AttrValue::Text("X1".into())],
///         geometry: Some(geo::Geometry::Point(geo::Point::new(x, y))),
///     }],
///     crs: None,
/// };
/// assert!(check_layer(&layer(383_997.0, 398_258.0), Some(Crs::Bng)).is_ok());
/// let e = check_layer(&layer(-2.24, 53.48), Some(Crs::Bng)).unwrap_err().to_string();
/// assert!(e.contains("feature 1 (X1)") && e.contains("longitude/latitude"), "{e}");
/// assert!(check_layer(&layer(f64::NAN, 1.0), None).is_err());
/// assert!(check_layer(&layer(1e308, 1.0), None).is_err());
/// ```
pub fn check_layer(layer: &SourceLayer, crs: Option<Crs>) -> Result<()> {
    for (i, f) in layer.features.iter().enumerate() {
        let Some(g) = &f.geometry else { continue };
        if let Err((message, hint)) = structure(g).and_then(|()| coordinates(g, crs)) {
            let label = feature_label(&layer.fields, &f.attrs, i);
            return Err(InputError::new(&layer.file, format!("{label}: {message}"))
                .hint(hint)
                .into());
        }
    }
    Ok(())
}

type Found = std::result::Result<(), (String, String)>;

fn found(message: impl Into<String>, hint: impl Into<String>) -> Found {
    Err((message.into(), hint.into()))
}

const EMPTY_HINT: &str = "give the feature its geometry or remove the feature";

/// No empty geometry, no polygon without an exterior ring, no ring of fewer than 4 points.
fn structure(g: &Geometry<f64>) -> Found {
    match g {
        Geometry::MultiPoint(m) if m.0.is_empty() => found("its MultiPoint is empty", EMPTY_HINT),
        Geometry::LineString(l) if l.0.len() < 2 => {
            found("its line has fewer than 2 points", EMPTY_HINT)
        }
        Geometry::MultiLineString(m) if m.0.is_empty() => {
            found("its MultiLineString is empty", EMPTY_HINT)
        }
        Geometry::Polygon(p) => polygon(p),
        Geometry::MultiPolygon(m) if m.0.is_empty() => {
            found("its MultiPolygon is empty (no polygons)", EMPTY_HINT)
        }
        Geometry::MultiPolygon(m) => m.0.iter().try_for_each(polygon),
        Geometry::GeometryCollection(c) if c.0.is_empty() => {
            found("its GeometryCollection is empty", EMPTY_HINT)
        }
        Geometry::GeometryCollection(c) => c.0.iter().try_for_each(structure),
        _ => Ok(()),
    }
}

fn polygon(p: &Polygon<f64>) -> Found {
    if p.exterior().0.is_empty() {
        return found("a polygon has no exterior ring (it is empty)", EMPTY_HINT);
    }
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .try_for_each(ring)
}

fn ring(r: &LineString<f64>) -> Found {
    if r.0.len() < 4 {
        return found(
            format!(
                "a ring has {} points; a ring needs at least 4 (the last repeating the first)",
                r.0.len()
            ),
            "repair the geometry in QGIS (Vector ▸ Geometry Tools ▸ Fix Geometries) or remove the feature",
        );
    }
    Ok(())
}

/// Every coordinate finite and inside the bounds of `crs`. Longitude/latitude read as British
/// National Grid fall inside the grid's bounds, so a feature lying wholly within 180 m × 90 m
/// of the grid's false origin (open sea 100 km south-west of Scilly) is taken for what it is.
fn coordinates(g: &Geometry<f64>, crs: Option<Crs>) -> Found {
    let mut all_lonlat = true;
    for c in g.coords_iter() {
        all_lonlat &= c.x.abs() <= 180.0 && c.y.abs() <= 90.0;
        if !c.x.is_finite() || !c.y.is_finite() {
            return found(
                format!("coordinate ({}, {}) is not a finite number", c.x, c.y),
                "the file is damaged or was written with missing values; repair or re-export the layer",
            );
        }
        if !inside(crs, c.x, c.y) {
            return found(out_of_range(crs, c.x, c.y), looks_like(crs, c.x, c.y));
        }
    }
    if crs == Some(Crs::Bng) && all_lonlat {
        let c = g.coords_iter().next().unwrap_or_default();
        return found(
            format!(
                "coordinate ({}, {}) lies in the sea 100 km south-west of Scilly if read as British National Grid metres",
                c.x, c.y
            ),
            looks_like(None, c.x, c.y),
        );
    }
    Ok(())
}

fn inside(crs: Option<Crs>, x: f64, y: f64) -> bool {
    let within = |v: f64, (lo, hi): (f64, f64)| (lo..=hi).contains(&v);
    match crs {
        Some(Crs::Bng) => within(x, BNG_EASTING_RANGE) && within(y, BNG_NORTHING_RANGE),
        Some(Crs::Wgs84) => x.abs() <= 180.0 && y.abs() <= 90.0,
        Some(Crs::WebMercator) | None => x.abs() <= MERCATOR_LIMIT && y.abs() <= MERCATOR_LIMIT,
    }
}

fn out_of_range(crs: Option<Crs>, x: f64, y: f64) -> String {
    let range = match crs {
        Some(Crs::Bng) => {
            "British National Grid (EPSG:27700) eastings −100 km…800 km and northings −100 km…1,400 km"
        }
        Some(Crs::Wgs84) => "longitude/latitude (EPSG:4326): longitude −180…180, latitude −90…90",
        Some(Crs::WebMercator) => "Web Mercator (EPSG:3857): ±20,037 km",
        None => "any coordinate system this tool reads (±20,100 km)",
    };
    format!("coordinate ({x}, {y}) is outside {range}")
}

/// What the numbers look like, as advice.
fn looks_like(crs: Option<Crs>, x: f64, y: f64) -> String {
    let lonlat = x.abs() <= 180.0 && y.abs() <= 90.0;
    let bng = inside(Some(Crs::Bng), x, y);
    if crs != Some(Crs::Wgs84) && lonlat {
        "it looks like longitude/latitude: import with --source-crs EPSG:4326".into()
    } else if crs == Some(Crs::Wgs84) && x.abs() <= 90.0 && y.abs() <= 180.0 {
        "latitude and longitude look swapped: write longitude first, or declare the CRS as urn:ogc:def:crs:EPSG::4326 (latitude first)".into()
    } else if crs != Some(Crs::Bng) && bng {
        "it looks like British National Grid metres: import with --source-crs EPSG:27700".into()
    } else {
        "check the coordinates and the coordinate system the file declares (.prj, the GeoJSON \"crs\" member, or --source-crs)".into()
    }
}

/// "feature 3 (E01000001)": the 1-based position, and the feature's code if one of its
/// fields looks like a code (`area_code`, `code`, `id`, or an ONS-style `…CD`).
pub fn feature_label(fields: &[String], attrs: &[AttrValue], index: usize) -> String {
    let is_code = |f: &String| {
        let u = f.to_ascii_uppercase();
        u == "AREA_CODE" || u == "CODE" || u == "ID" || u.ends_with("CD")
    };
    let code = fields
        .iter()
        .zip(attrs)
        .filter(|(f, _)| is_code(f))
        .find_map(|(_, v)| v.as_code());
    match code {
        Some(c) => format!("feature {} ({})", index + 1, excerpt(&c)),
        None => format!("feature {}", index + 1),
    }
}
