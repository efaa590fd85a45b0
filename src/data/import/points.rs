//! Point layers (services such as children's centres or GP surgeries) from CSV with
//! easting/northing or longitude/latitude columns, or from GeoJSON / GeoPackage point layers.

use super::csv_text::{Cell, Table, TextEncoding, decode, parse_cell};
use super::point_coordinates::{Axis, implausible, off_grid};
use super::session::ImportRun;
use crate::data::crs::{Crs, Transformer};
use crate::data::feature_table::{self, FeatureTable};
use crate::data::source::{self, AttrValue, SourceLayer};
use crate::data::workspace::Workspace;
use crate::error::{Error, InputError, Result, excerpt};
use geo::{Geometry, Point};
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct PointOptions {
    pub layer: String,
    pub source_crs: Option<Crs>,
    /// Locate each row of a CSV by the postcode in this column (the workspace's postcode
    /// lookup), instead of coordinate columns.
    pub postcode_field: Option<String>,
    /// With `postcode_field`: import the rows whose postcode is found and skip the others.
    pub allow_unmatched: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PointReport {
    pub layer: String,
    pub file: String,
    pub features: usize,
    pub source_crs: String,
    /// How the postcodes were found (`--postcode-field` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcodes: Option<super::postcode_points::PostcodeMatch>,
    /// The file's columns of area codes checked against the workspace's boundaries (a
    /// warning when some match no area; see [`super::point_codes`]).
    pub area_codes: Vec<super::point_codes::PointCodeCheck>,
}

/// What to do about a coordinate outside its system's range.
const PLAUSIBLE_HINT: &str = "check that the columns are not swapped and that the coordinate system is right (--source-crs): easting/northing are British National Grid metres, longitude/latitude degrees";

/// Reads and stores a point layer in one transaction.
pub fn import_points(ws: &mut Workspace, path: &Path, opts: &PointOptions) -> Result<PointReport> {
    import_points_with(ws, path, opts, &ImportRun::silent())
}

/// [`import_points`] with progress, cancel, and the choice of keeping the result or rolling it
/// back (a trial).
pub fn import_points_with(
    ws: &Workspace,
    path: &Path,
    opts: &PointOptions,
    run: &ImportRun<'_>,
) -> Result<PointReport> {
    feature_table::check_table_name("layer", &opts.layer)?;
    let exists: bool = ws.conn().query_row(
        "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE name = ?1)",
        [&opts.layer],
        |r| r.get(0),
    )?;
    if exists {
        return Err(Error::Invalid(format!(
            "the workspace already has a layer or table named '{}'; choose another --layer name",
            opts.layer
        )));
    }
    run.stage("reading points");
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let mut postcodes = None;
    let (layer, crs) = if let Some(field) = &opts.postcode_field {
        let (layer, m) =
            super::postcode_points::read_postcode_points(ws, path, field, opts.allow_unmatched)?;
        postcodes = Some(m);
        (layer, Crs::Bng)
    } else if is_csv {
        read_csv_points(path, opts.source_crs)?
    } else {
        let l = source::read_layer_as(path, None, opts.source_crs)?;
        let crs = opts.source_crs.or(l.crs).unwrap_or(Crs::Wgs84);
        (l, crs)
    };
    let to_bng = Transformer::new(crs, Crs::Bng)?;
    let total = layer.features.len();
    let mut points = Vec::with_capacity(total);
    for (i, f) in layer.features.iter().enumerate() {
        run.step(i + 1, total)?;
        let err = |m: String| -> Error {
            InputError::new(&layer.file, format!("feature {}: {m}", i + 1))
                .hint("point layers need one point per feature")
                .into()
        };
        let p = match &f.geometry {
            Some(Geometry::Point(p)) => *p,
            Some(Geometry::MultiPoint(mp)) if mp.0.len() == 1 => {
                mp.0.first()
                    .copied()
                    .ok_or_else(|| err("empty multipoint".into()))?
            }
            Some(_) => return Err(err("is not a point".into())),
            None => return Err(err("has no location".into())),
        };
        if let Some((_, why)) = implausible(crs, p.x(), p.y()) {
            return Err(
                InputError::new(&layer.file, format!("feature {}: {why}", i + 1))
                    .hint(PLAUSIBLE_HINT)
                    .into(),
            );
        }
        let (x, y) = to_bng.point(p.x(), p.y()).map_err(|e| err(e.to_string()))?;
        if let Some(why) = off_grid(x, y) {
            return Err(
                InputError::new(&layer.file, format!("feature {}: {why}", i + 1))
                    .hint(PLAUSIBLE_HINT)
                    .into(),
            );
        }
        points.push(Geometry::Point(Point::new(x, y)));
    }
    let rows: Vec<&[AttrValue]> = layer.features.iter().map(|f| f.attrs.as_slice()).collect();
    let columns =
        feature_table::attribute_columns(&layer.file, &layer.fields, &rows, &["fid", "geom"])?;
    let description = format!("Point layer '{}' imported from {}", opts.layer, layer.file);
    let table = FeatureTable {
        table: &opts.layer,
        identifier: &opts.layer,
        description: &description,
        geometry_type: "POINT",
        fixed: &[],
        columns: &columns,
    };
    let report = PointReport {
        layer: opts.layer.clone(),
        file: layer.file.clone(),
        features: points.len(),
        source_crs: crs.label(),
        postcodes,
        area_codes: super::point_codes::check_point_codes(ws.conn(), &layer)?,
    };
    let sha = super::sha256_file(path);
    let detail = serde_json::to_string(&report).unwrap_or_default();
    run.stage("writing points");
    run.write(ws, |tx| {
        feature_table::create(tx, &table)?;
        for (i, (g, f)) in points.iter().zip(&layer.features).enumerate() {
            run.step(i + 1, total)?;
            feature_table::insert_feature(tx, &table, g, &[], &f.attrs)?;
        }
        feature_table::set_extent(tx, &opts.layer, feature_table::extent(points.iter()))?;
        tx.execute(
            "INSERT INTO atlas_layers VALUES (?1, ?1, 'points', ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
            (&opts.layer, &layer.file),
        )?;
        super::log_import(tx, "points", &opts.layer, path, points.len(), &sha, &detail)
    })?;
    Ok(report)
}

/// Reads a CSV of points: `easting`/`northing` (or `x`/`y`) in BNG, or `longitude`/`latitude`
/// (or `lon`/`lng`/`lat`) in WGS 84. Other columns become attributes.
fn read_csv_points(path: &Path, crs_flag: Option<Crs>) -> Result<(SourceLayer, Crs)> {
    let file = path.display().to_string();
    let bytes = super::read_file(path)?;
    let table = Table::parse(&file, &decode(&file, &bytes, TextEncoding::Auto)?)?;
    let en = (
        table.find(&["easting", "x", "eastings"]),
        table.find(&["northing", "y", "northings"]),
    );
    let ll = (
        table.find(&["longitude", "lon", "lng", "long"]),
        table.find(&["latitude", "lat"]),
    );
    let (xc, yc, default_crs) = match (en, ll) {
        ((Some(x), Some(y)), _) => (x, y, Crs::Bng),
        (_, (Some(x), Some(y))) => (x, y, Crs::Wgs84),
        _ => {
            return Err(InputError::new(&file, "has no coordinate columns")
                .line(1)
                .hint("name them easting and northing (British National Grid metres) or longitude and latitude (degrees)")
                .into())
        }
    };
    let crs = crs_flag.unwrap_or(default_crs);
    let to_bng = Transformer::new(crs, Crs::Bng)?;
    let fields: Vec<String> = table
        .headers
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != xc && *i != yc)
        .map(|(_, h)| h.clone())
        .collect();
    let mut features = Vec::with_capacity(table.rows.len());
    for (line, row) in &table.rows {
        let coord = |c: usize| -> Result<f64> {
            let raw = row.get(c).map(String::as_str).unwrap_or_default();
            match parse_cell(raw) {
                Cell::Number(v) => Ok(v),
                _ => Err(
                    InputError::new(&file, format!("'{}' is not a coordinate", excerpt(raw)))
                        .line(*line)
                        .column(table.column_name(c))
                        .hint("every point needs numeric coordinates; fix or delete the row")
                        .into(),
                ),
            }
        };
        let (x, y) = (coord(xc)?, coord(yc)?);
        let on_grid = || match to_bng.point(x, y) {
            Ok((e, n)) => off_grid(e, n).map(|why| (Axis::X, why)),
            Err(e) => Some((Axis::X, e.to_string())),
        };
        if let Some((axis, why)) = implausible(crs, x, y).or_else(on_grid) {
            let c = if axis == Axis::X { xc } else { yc };
            return Err(InputError::new(&file, why)
                .line(*line)
                .column(table.column_name(c))
                .hint(PLAUSIBLE_HINT)
                .into());
        }
        let attrs = row
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != xc && *i != yc)
            .map(|(_, v)| match parse_cell(v) {
                Cell::Number(n)
                    if !v.trim().starts_with('0') || v.trim() == "0" || v.contains('.') =>
                {
                    AttrValue::Real(n)
                }
                _ if v.trim().is_empty() => AttrValue::Null,
                _ => AttrValue::Text(v.trim().to_string()),
            })
            .collect();
        features.push(source::SourceFeature {
            attrs,
            geometry: Some(Geometry::Point(Point::new(x, y))),
        });
    }
    Ok((
        SourceLayer {
            file,
            fields,
            features,
            crs: Some(crs),
        },
        crs,
    ))
}
