//! Reading feature layers from user files (GeoJSON, shapefile, GeoPackage) into one neutral
//! form: ordered attribute fields, per-feature values and geometries, and the CRS the file
//! declares. Nothing here writes to the workspace.

use super::crs::Crs;
use super::geojson_reader::Axes;
pub use super::geojson_reader::{parse_geojson, parse_geojson_with};
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

/// Reads any supported layer file in the CRS it declares: [`read_layer_as`] with no override.
pub fn read_layer(path: &Path, gpkg_layer: Option<&str>) -> Result<SourceLayer> {
    read_layer_as(path, gpkg_layer, None)
}

/// Reads any supported layer file, choosing the reader by extension, then checks every
/// geometry ([`super::geometry_check::check_layer`]) against `crs`, the CRS the caller will
/// read the coordinates in (`--source-crs`), or the one the file declares when `crs` is None.
/// A GeoJSON file that declares `urn:ogc:def:crs:EPSG::4326` is read latitude first unless
/// `crs` names the CRS explicitly.
pub fn read_layer_as(
    path: &Path,
    gpkg_layer: Option<&str>,
    crs: Option<Crs>,
) -> Result<SourceLayer> {
    crate::data::read_limited::refuse_workbook(path)?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let layer = match ext.as_str() {
        "geojson" | "json" => {
            let axes = if crs.is_some() { Axes::XFirst } else { Axes::FromFile };
            super::geojson_reader::read_geojson(path, axes)?
        }
        "shp" => super::shapefile_reader::read_shapefile(path)?,
        "gpkg" => super::gpkg_source::read_gpkg_layer(path, gpkg_layer)?,
        _ => return Err(InputError::new(path.display(), "unsupported file type")
            .hint("use a GeoJSON (.geojson), shapefile (.shp with .dbf/.shx/.prj) or GeoPackage (.gpkg)")
            .into()),
    };
    super::geometry_check::check_layer(&layer, crs.or(layer.crs))?;
    Ok(layer)
}

/// Reads a GeoJSON FeatureCollection; honours the legacy `crs` member (GeoJSON 2008), with
/// its axis order, else RFC 7946's WGS 84 longitude/latitude.
pub fn read_geojson(path: &Path) -> Result<SourceLayer> {
    super::geojson_reader::read_geojson(path, Axes::FromFile)
}

/// The most attribute values (features × fields) a layer may hold in memory: 25 million
/// (about 0.8 GB as read). A GeoJSON file with a different property on each feature would
/// otherwise make a table of features × keys that exhausts memory; real layers are far below
/// (all 188,880 output areas of England and Wales × 20 fields is 3.8 million).
pub const MAX_ATTRIBUTE_CELLS: usize = 25_000_000;

/// Refuses a layer of more than [`MAX_ATTRIBUTE_CELLS`] attribute values, naming the counts.
pub fn check_cells(file: &str, features: usize, fields: usize) -> Result<()> {
    if features.saturating_mul(fields) > MAX_ATTRIBUTE_CELLS {
        return Err(InputError::new(
            file,
            format!(
                "has {features} features × {fields} attribute fields, more than the \
                 {MAX_ATTRIBUTE_CELLS} values this tool holds for one layer"
            ),
        )
        .hint("drop the attribute fields you do not need (keep the code and name) and try again")
        .into());
    }
    Ok(())
}
