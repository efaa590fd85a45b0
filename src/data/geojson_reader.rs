//! Reading a GeoJSON FeatureCollection into a [`SourceLayer`]. Every position is checked
//! before it becomes a coordinate (2 or 3 numbers; rings of at least 4 positions, closed), so
//! no input, however damaged, can panic the reader; every problem names the feature.

use super::crs::{AxisOrder, Crs};
use super::geojson_geometry::{self, GeometryProblem};
use super::source::{AttrValue, SourceFeature, SourceLayer};
use crate::error::{InputError, Result, excerpt};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// The largest GeoJSON file read: 1 GiB. The whole file is parsed in memory (about five
/// times its size); a full-resolution national LSOA layer is a few hundred MB. Larger layers
/// are better given as a GeoPackage.
pub const MAX_GEOJSON_BYTES: u64 = 1 << 30;

/// Whether the axis order a file's `crs` member implies is applied when reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axes {
    /// Follow the file: `urn:ogc:def:crs:EPSG::4326` is latitude first and is swapped.
    FromFile,
    /// Read x first whatever the file says (the user named the CRS with `--source-crs`).
    XFirst,
}

/// Reads a GeoJSON file (at most [`MAX_GEOJSON_BYTES`]) with [`parse_geojson_with`].
pub fn read_geojson(path: &Path, axes: Axes) -> Result<SourceLayer> {
    let bytes = super::read_limited::read_limited(path, MAX_GEOJSON_BYTES)?;
    parse_geojson_with(&path.display().to_string(), &bytes, axes)
}

/// Parses GeoJSON bytes named `file` (for messages), following the axis order the file
/// declares.
///
/// ```
/// use local_atlas::data::source::parse_geojson;
/// let ok = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"A"},
///   "geometry":{"type":"Point","coordinates":[-2.2,53.5]}}]}"#;
/// assert_eq!(parse_geojson("a.geojson", ok).unwrap().features.len(), 1);
/// let short = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"A"},
///   "geometry":{"type":"Polygon","coordinates":[[[1],[2,3],[4,5],[1,2]]]}}]}"#;
/// let e = parse_geojson("a.geojson", short).unwrap_err().to_string();
/// assert!(e.contains("feature 1 (A)") && e.contains("2 or 3"), "{e}");
/// ```
pub fn parse_geojson(file: &str, bytes: &[u8]) -> Result<SourceLayer> {
    parse_geojson_with(file, bytes, Axes::FromFile)
}

/// [`parse_geojson`] with the choice of axis order.
pub fn parse_geojson_with(file: &str, bytes: &[u8], axes: Axes) -> Result<SourceLayer> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let json: Value = serde_json::from_slice(bytes).map_err(|e| {
        InputError::new(file, format!("not valid JSON: {e}"))
            .line(e.line() as u64)
            .hint("check the file is complete GeoJSON text in UTF-8 (was the download cut short?)")
    })?;
    let (crs, order) = geojson_crs(file, &json)?;
    let swap = order == AxisOrder::NorthEast && axes == Axes::FromFile;
    let features = feature_list(file, &json)?;
    let mut props = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        props.push(properties(file, i, f)?);
    }
    let fields = field_names(file, &props)?;
    super::source::check_cells(file, features.len(), fields.len())?;
    let mut out = Vec::with_capacity(features.len());
    for (i, (f, p)) in features.iter().zip(&props).enumerate() {
        let attrs: Vec<AttrValue> = fields
            .iter()
            .map(|k| json_attr(p.and_then(|m| m.get(k))))
            .collect();
        let geometry = geojson_geometry::convert(f.get("geometry"), swap).map_err(|problem| {
            let label = feature_label(f, i, &fields, &attrs);
            geometry_error(file, &label, problem)
        })?;
        out.push(SourceFeature { attrs, geometry });
    }
    Ok(SourceLayer {
        file: file.to_string(),
        fields,
        features: out,
        crs: Some(crs),
    })
}

fn feature_list<'a>(file: &str, json: &'a Value) -> Result<&'a Vec<Value>> {
    let kind = json.get("type").and_then(Value::as_str).unwrap_or_default();
    let features = json.get("features").and_then(Value::as_array);
    match features {
        Some(f) if kind == "FeatureCollection" => Ok(f),
        _ => Err(InputError::new(
            file,
            format!(
                "not a GeoJSON FeatureCollection (its type is '{}')",
                excerpt(kind)
            ),
        )
        .hint("export the layer as a GeoJSON FeatureCollection with a \"features\" list")
        .into()),
    }
}

fn properties<'a>(file: &str, i: usize, f: &'a Value) -> Result<Option<&'a Map<String, Value>>> {
    let bad = |what: &str| -> crate::error::Error {
        InputError::new(file, format!("feature {}: {what}", i + 1))
            .hint("each feature must be {\"type\": \"Feature\", \"properties\": {…}, \"geometry\": {…}}")
            .into()
    };
    let Some(obj) = f.as_object() else {
        return Err(bad("is not a JSON object"));
    };
    match obj.get("properties") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(bad("its \"properties\" is not an object")),
    }
}

/// The union of property keys in first-seen order, at most
/// [`super::feature_table::MAX_FIELDS`] of them (linear: keys are looked up in a map).
fn field_names(file: &str, props: &[Option<&Map<String, Value>>]) -> Result<Vec<String>> {
    let mut seen: HashMap<&str, ()> = HashMap::new();
    let mut fields = Vec::new();
    for key in props.iter().flatten().flat_map(|m| m.keys()) {
        if seen.insert(key.as_str(), ()).is_none() {
            fields.push(key.clone());
            super::feature_table::check_field_count(file, fields.len())?;
        }
    }
    Ok(fields)
}

/// "feature 3 (E01000001)": the position, and the feature's `id` or code property if any.
fn feature_label(f: &Value, i: usize, fields: &[String], attrs: &[AttrValue]) -> String {
    let id = match f.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    match id {
        Some(id) => format!("feature {} ({})", i + 1, excerpt(&id)),
        None => super::geometry_check::feature_label(fields, attrs, i),
    }
}

fn geometry_error(file: &str, label: &str, p: GeometryProblem) -> crate::error::Error {
    InputError::new(file, format!("{label}: {}", p.message))
        .hint(p.hint)
        .into()
}

fn geojson_crs(file: &str, json: &Value) -> Result<(Crs, AxisOrder)> {
    let Some(name) = json.get("crs") else {
        return Ok((Crs::Wgs84, AxisOrder::EastNorth));
    };
    if name.is_null() {
        return Ok((Crs::Wgs84, AxisOrder::EastNorth));
    }
    let label = name
        .pointer("/properties/name")
        .and_then(|n| n.as_str())
        .unwrap_or_default();
    Crs::parse_declared(label).ok_or_else(|| {
        InputError::new(
            file,
            format!("unsupported CRS '{}' in the 'crs' member", excerpt(label)),
        )
        .hint("reproject to EPSG:4326 or EPSG:27700, or pass --source-crs")
        .into()
    })
}

fn json_attr(v: Option<&Value>) -> AttrValue {
    match v {
        None | Some(Value::Null) => AttrValue::Null,
        Some(Value::Bool(b)) => AttrValue::Int(i64::from(*b)),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => AttrValue::Int(i),
            None => n.as_f64().map(AttrValue::Real).unwrap_or(AttrValue::Null),
        },
        Some(Value::String(s)) => AttrValue::Text(s.clone()),
        Some(other) => AttrValue::Text(other.to_string()),
    }
}
