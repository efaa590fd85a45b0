//! Reading feature layers from user files (GeoJSON, shapefile, GeoPackage) into one neutral
//! form: ordered attribute fields, per-feature values and geometries, and the CRS the file
//! declares. Nothing here writes to the workspace.

use super::crs::Crs;
use crate::error::{InputError, Result};
use geo::Geometry;
use rusqlite::types::{ToSql, ToSqlOutput, Value, ValueRef};
use std::path::Path;

/// One attribute value as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl AttrValue {
    /// The value as area-code text (numbers printed plainly, so `123` stays `123`).
    pub fn as_code(&self) -> Option<String> {
        match self {
            AttrValue::Null => None,
            AttrValue::Int(i) => Some(i.to_string()),
            AttrValue::Real(f) => Some(f.to_string()),
            AttrValue::Text(t) => {
                let t = t.trim();
                (!t.is_empty()).then(|| t.to_string())
            }
        }
    }
    pub fn sql_type(&self) -> Option<&'static str> {
        match self {
            AttrValue::Null => None,
            AttrValue::Int(_) => Some("INTEGER"),
            AttrValue::Real(_) => Some("REAL"),
            AttrValue::Text(_) => Some("TEXT"),
        }
    }
}

impl ToSql for AttrValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            AttrValue::Null => ToSqlOutput::Owned(Value::Null),
            AttrValue::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
            AttrValue::Real(f) => ToSqlOutput::Owned(Value::Real(*f)),
            AttrValue::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

/// A layer read from a file, before any checks or reprojection.
#[derive(Debug, Clone)]
pub struct SourceLayer {
    /// The file it came from, for messages.
    pub file: String,
    pub fields: Vec<String>,
    pub features: Vec<SourceFeature>,
    /// The CRS the file declares, if it declares one.
    pub crs: Option<Crs>,
}

#[derive(Debug, Clone)]
pub struct SourceFeature {
    /// Values in the order of [`SourceLayer::fields`].
    pub attrs: Vec<AttrValue>,
    pub geometry: Option<Geometry<f64>>,
}

impl SourceLayer {
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f == name).or_else(|| {
            self.fields
                .iter()
                .position(|f| f.eq_ignore_ascii_case(name))
        })
    }
}

/// Reads any supported layer file, choosing the reader by extension.
pub fn read_layer(path: &Path, gpkg_layer: Option<&str>) -> Result<SourceLayer> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "geojson" | "json" => read_geojson(path),
        "shp" => super::shapefile_reader::read_shapefile(path),
        "gpkg" => super::gpkg_source::read_gpkg_layer(path, gpkg_layer),
        _ => Err(InputError::new(path.display(), "unsupported file type")
            .hint("use a GeoJSON (.geojson), shapefile (.shp with .dbf/.shx/.prj) or GeoPackage (.gpkg)")
            .into()),
    }
}

/// Reads a GeoJSON FeatureCollection; honours the legacy `crs` member (GeoJSON 2008), else
/// RFC 7946's WGS 84 longitude/latitude.
pub fn read_geojson(path: &Path) -> Result<SourceLayer> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        InputError::new(&file, format!("cannot read: {e}"))
            .hint("check the path and that the file is UTF-8 text")
    })?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        InputError::new(&file, format!("not valid JSON: {e}"))
            .line(e.line() as u64)
            .hint("check the file is complete GeoJSON (was the download cut short?)")
    })?;
    let crs = geojson_crs(&file, &json)?;
    let fc: geojson::FeatureCollection = serde_json::from_value(json).map_err(|e| {
        InputError::new(&file, format!("not a GeoJSON FeatureCollection: {e}"))
            .hint("export the layer as a GeoJSON FeatureCollection")
    })?;
    let mut fields: Vec<String> = Vec::new();
    for f in &fc.features {
        for key in f.properties.iter().flat_map(|p| p.keys()) {
            if !fields.contains(key) {
                fields.push(key.clone());
            }
        }
    }
    let mut features = Vec::with_capacity(fc.features.len());
    for (i, f) in fc.features.iter().enumerate() {
        let attrs = fields
            .iter()
            .map(|k| json_attr(f.properties.as_ref().and_then(|p| p.get(k))))
            .collect();
        let geometry = match &f.geometry {
            None => None,
            Some(g) => Some(Geometry::<f64>::try_from(g).map_err(|e| {
                InputError::new(
                    &file,
                    format!("feature {} has an unreadable geometry: {e}", i + 1),
                )
                .hint("repair the geometry in QGIS (Vector ▸ Geometry Tools ▸ Fix Geometries)")
            })?),
        };
        features.push(SourceFeature { attrs, geometry });
    }
    Ok(SourceLayer {
        file,
        fields,
        features,
        crs: Some(crs),
    })
}

fn geojson_crs(file: &str, json: &serde_json::Value) -> Result<Crs> {
    let Some(name) = json.get("crs") else {
        return Ok(Crs::Wgs84);
    };
    let label = name
        .pointer("/properties/name")
        .and_then(|n| n.as_str())
        .unwrap_or_default();
    Crs::parse(label).ok_or_else(|| {
        InputError::new(
            file,
            format!("unsupported CRS '{label}' in the 'crs' member"),
        )
        .hint("reproject to EPSG:4326 or EPSG:27700, or pass --source-crs")
        .into()
    })
}

fn json_attr(v: Option<&serde_json::Value>) -> AttrValue {
    match v {
        None | Some(serde_json::Value::Null) => AttrValue::Null,
        Some(serde_json::Value::Bool(b)) => AttrValue::Int(i64::from(*b)),
        Some(serde_json::Value::Number(n)) => match n.as_i64() {
            Some(i) => AttrValue::Int(i),
            None => n.as_f64().map(AttrValue::Real).unwrap_or(AttrValue::Null),
        },
        Some(serde_json::Value::String(s)) => AttrValue::Text(s.clone()),
        Some(other) => AttrValue::Text(other.to_string()),
    }
}
