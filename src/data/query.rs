//! Reading the workspace: geographies, indicators, values, areas, lookups and point layers.

use super::feature_table::quote_ident;
use super::gpkg_geom;
use super::indicator::{Disclosure, IndicatorKind, IndicatorMeta, Polarity, Status};
use super::workspace::Workspace;
use crate::error::{Error, Result};
use geo::{Geometry, MultiPolygon, Point};
use rusqlite::OptionalExtension;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GeographyInfo {
    pub name: String,
    /// What a reader calls it ("LSOA (2011)"): the stored title or the default from its ONS
    /// code ([`super::geography_title`]).
    pub title: String,
    pub areas: i64,
    pub crs: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IndicatorInfo {
    pub code: String,
    pub title: String,
    pub theme: String,
    pub geography: String,
    pub periods: Vec<String>,
    /// Values or the codes of a saved result (left out of JSON for values).
    #[serde(skip_serializing_if = "IndicatorKind::is_value")]
    pub kind: IndicatorKind,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LayerInfo {
    pub name: String,
    pub kind: String,
    pub features: i64,
}

/// Everything `info` shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WorkspaceInfo {
    pub schema_version: i64,
    pub geographies: Vec<GeographyInfo>,
    pub indicators: Vec<IndicatorInfo>,
    pub layers: Vec<LayerInfo>,
    /// Names of the saved map recipes.
    pub recipes: Vec<String>,
    /// The postcode lookup imported (`import postcodes`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcodes: Option<PostcodeRelease>,
    /// The benchmark areas with values (England, regions; `data::benchmark`), which have no
    /// boundaries and are not among `indicators`' geographies.
    pub benchmarks: Vec<super::benchmark::BenchmarkInfo>,
}

/// The postcode lookup a workspace holds, as its import recorded it (read from `atlas_meta`,
/// so `info` does not count millions of rows).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PostcodeRelease {
    pub release: String,
    pub format: String,
    pub postcodes: u64,
}

/// The stored postcode release, if one was imported.
pub fn postcode_release(ws: &Workspace) -> Result<Option<PostcodeRelease>> {
    let meta: Option<String> = ws
        .conn()
        .query_row(
            "SELECT value FROM atlas_meta WHERE key = 'postcode_release'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(meta
        .and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok())
        .map(|v| PostcodeRelease {
            release: v["release"].as_str().unwrap_or_default().to_string(),
            format: v["format"].as_str().unwrap_or_default().to_string(),
            postcodes: v["postcodes"].as_u64().unwrap_or(0),
        }))
}

/// A stored value.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredValue {
    pub area_code: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub lower_ci: Option<f64>,
    pub upper_ci: Option<f64>,
    /// The 99.8% limits, where stored (`derive`).
    pub lower_ci_99_8: Option<f64>,
    pub upper_ci_99_8: Option<f64>,
    pub status: Status,
}

/// A boundary with its code and name, in BNG metres.
#[derive(Debug, Clone)]
pub struct Area {
    pub code: String,
    pub name: Option<String>,
    pub geometry_bng: MultiPolygon<f64>,
}

fn count_rows(ws: &Workspace, table: &str) -> Result<i64> {
    Ok(ws.conn().query_row(
        &format!("SELECT COUNT(*) FROM {}", quote_ident(table)),
        [],
        |r| r.get(0),
    )?)
}

/// The attribution line stored with a geography ("" when none was given).
pub fn geography_attribution(ws: &Workspace, geography: &str) -> Result<String> {
    let found: Option<String> = ws
        .conn()
        .query_row(
            "SELECT attribution FROM atlas_geographies WHERE name = ?1",
            [geography],
            |r| r.get(0),
        )
        .optional()?;
    found.ok_or_else(|| {
        Error::Invalid(format!(
            "no geography called '{geography}' in this workspace"
        ))
    })
}

/// Summary of the workspace.
pub fn info(ws: &Workspace) -> Result<WorkspaceInfo> {
    Ok(WorkspaceInfo {
        schema_version: ws.schema_version()?,
        geographies: geographies(ws)?,
        indicators: indicators(ws)?,
        layers: layers(ws)?,
        recipes: super::recipes::list(ws)?
            .into_iter()
            .map(|r| r.name)
            .collect(),
        postcodes: postcode_release(ws)?,
        benchmarks: super::benchmark::benchmarks(ws)?,
    })
}

pub fn geographies(ws: &Workspace) -> Result<Vec<GeographyInfo>> {
    let mut stmt = ws
        .conn()
        .prepare("SELECT name, table_name, title FROM atlas_geographies ORDER BY name")?;
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(name, table, title)| {
            Ok(GeographyInfo {
                areas: count_rows(ws, &table)?,
                title: super::geography_title::title_of(&name, &title),
                name,
                crs: "EPSG:27700".into(),
            })
        })
        .collect()
}

/// Indicators with the geographies and periods they have values for, by theme then code
/// (benchmark areas' values, which no map can draw, are left out: [`info`] lists them).
pub fn indicators(ws: &Workspace) -> Result<Vec<IndicatorInfo>> {
    let mut by_code: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (indicator, geography, period) in series(ws)? {
        if geography == super::benchmark::BENCHMARK_GEOGRAPHY {
            continue;
        }
        by_code
            .entry(indicator)
            .or_default()
            .push((geography, period));
    }
    let mut stmt = ws.conn().prepare(
        "SELECT i.code, i.title, i.theme, i.kind FROM atlas_indicators i \
         LEFT JOIN atlas_themes t ON t.name = i.theme ORDER BY t.position, i.theme, i.code",
    )?;
    let metas = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: Vec<IndicatorInfo> = Vec::new();
    for (code, title, theme, kind) in metas {
        for (geography, period) in by_code.remove(&code).unwrap_or_default() {
            match out.last_mut() {
                Some(last) if last.code == code && last.geography == geography => {
                    last.periods.push(period)
                }
                _ => out.push(IndicatorInfo {
                    code: code.clone(),
                    title: title.clone(),
                    theme: theme.clone(),
                    geography,
                    periods: vec![period],
                    kind: IndicatorKind::parse(&kind),
                }),
            }
        }
    }
    Ok(out)
}

/// Every (indicator, geography, period) that has values, sorted: the series table (one row
/// per series, a few thousand at most) with one seek each into the values to skip emptied ones.
pub fn series(ws: &Workspace) -> Result<Vec<(String, String, String)>> {
    let mut stmt = ws.conn().prepare_cached(
        "SELECT indicator, geography, period FROM atlas_series s \
         WHERE EXISTS (SELECT 1 FROM atlas_series_values v WHERE v.series = s.id) \
         ORDER BY indicator, geography, period",
    )?;
    let out = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

pub fn layers(ws: &Workspace) -> Result<Vec<LayerInfo>> {
    let mut stmt = ws
        .conn()
        .prepare("SELECT name, table_name, kind FROM atlas_layers ORDER BY name")?;
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(name, table, kind)| {
            Ok(LayerInfo {
                features: count_rows(ws, &table)?,
                name,
                kind,
            })
        })
        .collect()
}

/// Metadata of one indicator.
pub fn indicator_meta(ws: &Workspace, code: &str) -> Result<IndicatorMeta> {
    ws.conn()
        .query_row(
            "SELECT code, title, theme, definition, unit, decimals, polarity, source, licence, sensitivity, kind, multiplier, min_value, max_value, disclosure, value_type, value_multiplier, ci_method FROM atlas_indicators WHERE code = ?1",
            [code],
            |r| {
                Ok(IndicatorMeta {
                    code: r.get(0)?,
                    title: r.get(1)?,
                    theme: r.get(2)?,
                    definition: r.get(3)?,
                    unit: r.get(4)?,
                    decimals: r.get(5)?,
                    polarity: Polarity::parse(&r.get::<_, String>(6)?).unwrap_or_default(),
                    source: r.get(7)?,
                    licence: r.get(8)?,
                    sensitivity: r.get(9)?,
                    kind: IndicatorKind::parse(&r.get::<_, String>(10)?),
                    multiplier: r.get(11)?,
                    min: r.get(12)?,
                    max: r.get(13)?,
                    disclosure: Disclosure::parse(&r.get::<_, String>(14)?).unwrap_or_default(),
                    value_type: r.get(15)?,
                    value_multiplier: r.get(16)?,
                    ci_method: r.get(17)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::UnknownIndicator { code: code.to_string() })
}

/// The kind of an indicator, or `None` when the workspace has no such indicator.
pub fn indicator_kind(ws: &Workspace, code: &str) -> Result<Option<IndicatorKind>> {
    let kind: Option<String> = ws
        .conn()
        .query_row(
            "SELECT kind FROM atlas_indicators WHERE code = ?1",
            [code],
            |r| r.get(0),
        )
        .optional()?;
    Ok(kind.map(|k| IndicatorKind::parse(&k)))
}

/// The periods an indicator has at a geography, sorted.
pub fn periods(ws: &Workspace, indicator: &str, geography: &str) -> Result<Vec<String>> {
    let mut stmt = ws.conn().prepare_cached(
        "SELECT period FROM atlas_series s WHERE indicator = ?1 AND geography = ?2 \
         AND EXISTS (SELECT 1 FROM atlas_series_values v WHERE v.series = s.id) ORDER BY period",
    )?;
    let out = stmt
        .query_map([indicator, geography], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

/// Picks the requested period, or the latest one when none is given.
pub fn resolve_period(
    ws: &Workspace,
    indicator: &str,
    geography: &str,
    period: Option<&str>,
) -> Result<String> {
    let all = periods(ws, indicator, geography)?;
    match period {
        Some(p) if all.iter().any(|q| q == p) => Ok(p.to_string()),
        Some(p) => Err(Error::NoValuesInPeriod {
            indicator: indicator.to_string(),
            geography: geography.to_string(),
            period: p.to_string(),
            available: if all.is_empty() {
                "none".into()
            } else {
                all.join(", ")
            },
        }),
        None => all.last().cloned().ok_or_else(|| Error::NoValues {
            indicator: indicator.to_string(),
            geography: geography.to_string(),
        }),
    }
}

/// Values of an indicator at a geography and period, by area code.
pub fn values(
    ws: &Workspace,
    indicator: &str,
    geography: &str,
    period: &str,
) -> Result<Vec<StoredValue>> {
    let mut stmt = ws.conn().prepare_cached(
        "SELECT a.code, v.value, v.numerator, v.denominator, v.lower_ci, v.upper_ci, v.status, \
         v.lower_ci_99_8, v.upper_ci_99_8 \
         FROM atlas_series s JOIN atlas_series_values v ON v.series = s.id \
         JOIN atlas_areas a ON a.id = v.area \
         WHERE s.indicator = ?1 AND s.geography = ?2 AND s.period = ?3 ORDER BY a.code",
    )?;
    let out = stmt
        .query_map([indicator, geography, period], |r| {
            let status = Status::from_code(r.get(6)?);
            Ok(StoredValue {
                area_code: r.get(0)?,
                value: r.get(1)?,
                numerator: r.get(2)?,
                denominator: r.get(3)?,
                lower_ci: r.get(4)?,
                upper_ci: r.get(5)?,
                lower_ci_99_8: r.get(7)?,
                upper_ci_99_8: r.get(8)?,
                status,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

fn geography_table(ws: &Workspace, geography: &str) -> Result<String> {
    ws.conn()
        .query_row(
            "SELECT table_name FROM atlas_geographies WHERE name = ?1",
            [geography],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| Error::UnknownGeography {
            name: geography.to_string(),
        })
}

/// The boundaries of a geography, ordered by area code.
/// The area codes of a geography, sorted, without reading their geometry (an index-only read
/// of the code column: what classification and tables need).
pub fn area_codes(ws: &Workspace, geography: &str) -> Result<Vec<String>> {
    let table = geography_table(ws, geography)?;
    let mut stmt = ws.conn().prepare(&format!(
        "SELECT area_code FROM {} ORDER BY area_code",
        quote_ident(&table)
    ))?;
    let out = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

/// The areas of a geography with their codes and names but no geometry (an empty
/// `geometry_bng`): for tables and exports that never draw them.
pub fn area_names(ws: &Workspace, geography: &str) -> Result<Vec<Area>> {
    let table = geography_table(ws, geography)?;
    let mut stmt = ws.conn().prepare(&format!(
        "SELECT area_code, area_name FROM {} ORDER BY area_code",
        quote_ident(&table)
    ))?;
    let out = stmt
        .query_map([], |r| {
            Ok(Area {
                code: r.get(0)?,
                name: r.get(1)?,
                geometry_bng: MultiPolygon(Vec::new()),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

pub fn areas(ws: &Workspace, geography: &str) -> Result<Vec<Area>> {
    let table = geography_table(ws, geography)?;
    let mut stmt = ws.conn().prepare(&format!(
        "SELECT area_code, area_name, geom FROM {} ORDER BY area_code",
        quote_ident(&table)
    ))?;
    let rows: Vec<(String, Option<String>, Vec<u8>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(code, name, blob)| {
            let geometry_bng = match gpkg_geom::decode(&blob) {
                Ok((_, Geometry::MultiPolygon(mp))) => mp,
                Ok((_, Geometry::Polygon(p))) => MultiPolygon(vec![p]),
                Ok(_) => {
                    return Err(Error::Workspace {
                        path: ws.path().display().to_string(),
                        message: format!("area {code} in '{geography}' is not a polygon"),
                    });
                }
                Err(e) => {
                    return Err(Error::Workspace {
                        path: ws.path().display().to_string(),
                        message: format!("area {code} in '{geography}': {e}"),
                    });
                }
            };
            Ok(Area {
                code,
                name,
                geometry_bng,
            })
        })
        .collect()
}

/// The stored lookup from one geography to another: lower code → higher code.
pub fn lookup(ws: &Workspace, from: &str, to: &str) -> Result<HashMap<String, String>> {
    let mut stmt = ws.conn().prepare("SELECT from_code, to_code FROM atlas_lookups WHERE from_geography = ?1 AND to_geography = ?2")?;
    let map: HashMap<String, String> = stmt
        .query_map([from, to], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if map.is_empty() {
        return Err(Error::Invalid(format!(
            "the workspace has no lookup from '{from}' to '{to}'; import one with `local-atlas import lookup WS.gpkg FILE.csv --from {from} --to {to}`"
        )));
    }
    Ok(map)
}

/// The feature table of point layer `layer` (checked on open to be one of the workspace's).
fn layer_table(ws: &Workspace, layer: &str) -> Result<String> {
    ws.conn()
        .query_row(
            "SELECT table_name FROM atlas_layers WHERE name = ?1",
            [layer],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| Error::UnknownLayer {
            name: layer.to_string(),
        })
}

/// The points of a point layer, in BNG metres, with an id/name label when one is found.
pub fn points(ws: &Workspace, layer: &str) -> Result<Vec<Point<f64>>> {
    let table = layer_table(ws, layer)?;
    let mut stmt = ws.conn().prepare(&format!(
        "SELECT geom FROM {} ORDER BY fid",
        quote_ident(&table)
    ))?;
    let blobs: Vec<Vec<u8>> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    blobs
        .iter()
        .map(|b| match gpkg_geom::decode(b) {
            Ok((_, Geometry::Point(p))) => Ok(p),
            _ => Err(Error::Workspace {
                path: ws.path().display().to_string(),
                message: format!("layer '{layer}' has a feature that is not a point"),
            }),
        })
        .collect()
}

/// The points of a layer with the text of attribute `label_field` (`None` when not asked or
/// NULL). An unknown field is an error that lists the layer's fields.
pub fn labelled_points(
    ws: &Workspace,
    layer: &str,
    label_field: Option<&str>,
) -> Result<Vec<(Point<f64>, Option<String>)>> {
    let points = points(ws, layer)?;
    let Some(field) = label_field else {
        return Ok(points.into_iter().map(|p| (p, None)).collect());
    };
    check_point_field(ws, layer, field)?;
    let table = layer_table(ws, layer)?;
    let mut stmt = ws.conn().prepare(&format!(
        "SELECT CAST({} AS TEXT) FROM {} ORDER BY fid",
        quote_ident(field),
        quote_ident(&table)
    ))?;
    let labels: Vec<Option<String>> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(points.into_iter().zip(labels).collect())
}

/// The text of numeric field `field` of point layer `layer`, in feature order (as
/// [`labelled_points`]); `None` where it is empty.
pub fn point_field_text(ws: &Workspace, layer: &str, field: &str) -> Result<Vec<Option<String>>> {
    Ok(labelled_points(ws, layer, Some(field))?
        .into_iter()
        .map(|(_, v)| v.filter(|t| !t.trim().is_empty()))
        .collect())
}

/// Fails, listing the fields there are, when point layer `layer` has no field `field`.
fn check_point_field(ws: &Workspace, layer: &str, field: &str) -> Result<()> {
    let table = layer_table(ws, layer)?;
    let mut stmt = ws
        .conn()
        .prepare("SELECT name FROM pragma_table_info(?1)")?;
    let fields: Vec<String> = stmt
        .query_map([&table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if !fields.iter().any(|f| f == field) {
        let shown: Vec<&str> = fields
            .iter()
            .map(String::as_str)
            .filter(|f| *f != "fid" && *f != "geom")
            .collect();
        return Err(Error::Invalid(format!(
            "point layer '{layer}' has no field '{field}'; its fields are: {}",
            shown.join(", ")
        )));
    }
    Ok(())
}

/// One row of the import log.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportRecord {
    /// ISO 8601 UTC.
    pub at: String,
    pub file: String,
    pub rows: i64,
}

/// The latest import that wrote values of `indicator` (from the import log), if any.
pub fn last_import(ws: &Workspace, indicator: &str) -> Result<Option<ImportRecord>> {
    let pattern = format!("%\"{}\"%", indicator.replace(['%', '_'], ""));
    Ok(ws
        .conn()
        .query_row(
            "SELECT at, file, rows FROM atlas_import_log WHERE kind = 'indicators' AND detail LIKE ?1 \
             ORDER BY id DESC LIMIT 1",
            [pattern],
            |r| {
                Ok(ImportRecord {
                    at: r.get(0)?,
                    file: r.get(1)?,
                    rows: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// How an indicator was made (import file, or the statistic and its parameters).
pub fn provenance(ws: &Workspace, indicator: &str) -> Result<String> {
    Ok(ws
        .conn()
        .query_row(
            "SELECT provenance FROM atlas_indicators WHERE code = ?1",
            [indicator],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default())
}
