//! Reading a feature layer from a user's GeoPackage (`import boundaries` / `import points`
//! from a `.gpkg`) into the neutral [`SourceLayer`] form.
//!
//! The file is someone else's, so it is treated as hostile: opened read-only (nothing is ever
//! written to it, not even a journal rollback), with SQLite's defensive mode on, its schema
//! untrusted (no functions with side effects from views or triggers), triggers and views
//! switched off; the layer must be a real table registered in `gpkg_contents` as features (a
//! view, e.g. a recursive one that would allocate gigabytes, or a virtual table is refused by
//! name); every statement is interrupted when SQLite has not produced its next row within
//! [`STATEMENT_TIME_LIMIT`]; at most [`MAX_SOURCE_FEATURES`] features are read, and a
//! geometry larger than [`MAX_GEOMETRY_BYTES`] is refused before it is decoded.

use super::crs::Crs;
use super::feature_table::quote_ident;
use super::gpkg_geom;
use super::source::{AttrValue, SourceFeature, SourceLayer};
use crate::data::import::boundaries::MAX_VERTICES_PER_FEATURE;
use crate::error::{Error, InputError, Result, excerpt};
use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long SQLite may work on one step of a statement (finding the layers, or fetching the
/// next feature) before it is interrupted: 60 s. Reading a real table row by row takes
/// microseconds per row; only a hostile file (or a damaged one) comes near this.
pub const STATEMENT_TIME_LIMIT: Duration = Duration::from_secs(60);

/// The most features read from one GeoPackage layer: 3,000,000 — every UK postcode centroid
/// (about 2.7 million) fits; the largest statistical geography (output areas) has under
/// 300,000. Beyond it the import is refused rather than filling memory.
pub const MAX_SOURCE_FEATURES: usize = 3_000_000;

/// The largest geometry blob decoded: 16 bytes per vertex for
/// [`MAX_VERTICES_PER_FEATURE`] vertices, plus 1 MiB for headers (about 81 MB).
pub const MAX_GEOMETRY_BYTES: usize = MAX_VERTICES_PER_FEATURE * 16 + (1 << 20);

/// How many SQLite virtual-machine instructions run between two looks at the clock.
const PROGRESS_OPS: i32 = 10_000;

/// The bounds a read runs under (the public constants; tests use smaller ones).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub time: Duration,
    pub features: usize,
    pub geometry_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            time: STATEMENT_TIME_LIMIT,
            features: MAX_SOURCE_FEATURES,
            geometry_bytes: MAX_GEOMETRY_BYTES,
        }
    }
}

/// Reads a feature table from a GeoPackage (the first feature table, by name, when `layer` is
/// None).
pub fn read_gpkg_layer(path: &Path, layer: Option<&str>) -> Result<SourceLayer> {
    read_gpkg_layer_with(path, layer, Limits::default())
}

/// [`read_gpkg_layer`] under the given limits.
pub(crate) fn read_gpkg_layer_with(
    path: &Path,
    layer: Option<&str>,
    limits: Limits,
) -> Result<SourceLayer> {
    let file = path.display().to_string();
    let source = Source::open(path, &file, limits)?;
    let (table, geom_col, srs_id) = source.choose_layer(layer)?;
    source.check_is_table(&table)?;
    let crs = u32::try_from(srs_id).ok().and_then(Crs::from_epsg);
    let (fields, features) = source.read_features(&table, &geom_col)?;
    Ok(SourceLayer {
        file,
        fields,
        features,
        crs,
    })
}

/// An open source GeoPackage and the clock of its statement time limit.
struct Source<'f> {
    conn: Connection,
    file: &'f str,
    /// When the current step started; the progress handler interrupts after `limit`.
    started: Arc<Mutex<Instant>>,
    limits: Limits,
}

impl<'f> Source<'f> {
    /// Opens read-only with defensive settings and the statement time limit.
    fn open(path: &Path, file: &'f str, limits: Limits) -> Result<Self> {
        if !path.is_file() {
            return Err(InputError::new(file, "is not a file")
                .hint("give the path of a .gpkg file")
                .into());
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let bad = |e: rusqlite::Error| unreadable(file, e);
        let mut conn = Connection::open_with_flags(path, flags).map_err(bad)?;
        for (setting, on) in [
            (DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true),
            (DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false),
            (DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false),
            (DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW, false),
        ] {
            conn.set_db_config(setting, on).map_err(bad)?;
        }
        // A row (geometry and attributes) may be at most 1 MiB more than the largest geometry.
        let row_bytes = limits.geometry_bytes.saturating_add(1 << 20);
        conn.set_limit(
            Limit::SQLITE_LIMIT_LENGTH,
            i32::try_from(row_bytes).unwrap_or(i32::MAX),
        )
        .map_err(bad)?;
        let limit = limits.time;
        let started = Arc::new(Mutex::new(Instant::now()));
        let clock = Arc::clone(&started);
        let handler = move || clock.lock().map(|t| t.elapsed() > limit).unwrap_or(true);
        conn.progress_handler(PROGRESS_OPS, Some(handler))
            .map_err(bad)?;
        Ok(Self {
            conn,
            file,
            started,
            limits,
        })
    }

    /// Restarts the statement clock (before each step).
    fn tick(&self) {
        if let Ok(mut t) = self.started.lock() {
            *t = Instant::now();
        }
    }

    /// Turns an SQLite failure into a message naming the file (and the time limit when it
    /// was what stopped the statement).
    fn fail(&self, e: rusqlite::Error) -> Error {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted) {
            return InputError::new(
                self.file,
                format!(
                    "reading it took longer than {} s for one step and was stopped",
                    self.limits.time.as_secs()
                ),
            )
            .hint("the GeoPackage may be damaged or built to stall readers; export the layer again from QGIS")
            .into();
        }
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::TooBig) {
            return InputError::new(
                self.file,
                format!(
                    "a row is larger than {} bytes (a geometry of more than {} bytes)",
                    self.limits.geometry_bytes.saturating_add(1 << 20),
                    self.limits.geometry_bytes
                ),
            )
            .hint(
                "simplify the layer's geometries first (QGIS: Vector ▸ Geometry Tools ▸ Simplify)",
            )
            .into();
        }
        unreadable(self.file, e)
    }
}

fn unreadable(file: &str, e: rusqlite::Error) -> Error {
    InputError::new(file, format!("cannot read as a GeoPackage: {e}"))
        .hint("check it is a valid .gpkg (open it in QGIS)")
        .into()
}

/// Layers listed in a message at most.
const LAYERS_LISTED: usize = 20;

impl Source<'_> {
    /// The chosen layer (by name, exactly or ignoring ASCII case; else the first) among the
    /// tables `gpkg_contents` registers as features: its table, geometry column and SRS id.
    fn choose_layer(&self, layer: Option<&str>) -> Result<(String, String, i64)> {
        self.tick();
        let sql = "SELECT g.table_name, g.column_name, g.srs_id FROM gpkg_geometry_columns g \
                   JOIN gpkg_contents c ON c.table_name = g.table_name \
                   WHERE c.data_type = 'features' ORDER BY g.table_name LIMIT 100000";
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.fail(e))?;
        let layers: Vec<(String, String, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.fail(e))?;
        let chosen = match layer {
            Some(name) => layers
                .iter()
                .find(|l| l.0 == name)
                .or_else(|| layers.iter().find(|l| l.0.eq_ignore_ascii_case(name))),
            None => layers.first(),
        };
        if let Some(l) = chosen {
            return Ok(l.clone());
        }
        let wanted = layer
            .map(|l| format!(" '{}'", excerpt(l)))
            .unwrap_or_default();
        let mut names: Vec<String> = layers
            .iter()
            .take(LAYERS_LISTED)
            .map(|l| excerpt(&l.0))
            .collect();
        if layers.len() > LAYERS_LISTED {
            names.push(format!("… ({} in all)", layers.len()));
        }
        let listed = if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        };
        Err(
            InputError::new(self.file, format!("has no feature layer{wanted}"))
                .hint(format!("feature layers in this file: {listed}"))
                .into(),
        )
    }

    /// Refuses a layer that is not a plain table: a view (which could run any query, e.g.
    /// a recursive one) or a virtual table.
    fn check_is_table(&self, table: &str) -> Result<()> {
        self.tick();
        let found: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT type, sql FROM sqlite_master WHERE name = ?1 COLLATE NOCASE \
                 ORDER BY type = 'table' LIMIT 1",
                [table],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(self.fail(e)),
            })?;
        let name = excerpt(table);
        let not_table = |what: &str| -> Error {
            InputError::new(self.file, format!("layer '{name}' is {what}, not a table"))
                .hint("only tables are read from a GeoPackage (views are not followed); save the layer as a table (QGIS: Export ▸ Save Features As…)")
                .into()
        };
        match found {
            None => Err(InputError::new(
                self.file,
                format!("layer '{name}' is registered but its table is missing"),
            )
            .hint("the GeoPackage is damaged; export the layer again")
            .into()),
            Some((kind, _)) if kind != "table" => Err(not_table(&format!("a {kind}"))),
            Some((_, Some(sql))) if is_virtual(&sql) => Err(not_table("a virtual table")),
            Some(_) => Ok(()),
        }
    }
}

/// Whether `CREATE` text declares a virtual table.
fn is_virtual(sql: &str) -> bool {
    let words: Vec<String> = sql
        .split_whitespace()
        .take(2)
        .map(|w| w.to_ascii_uppercase())
        .collect();
    words.get(1).map(String::as_str) == Some("VIRTUAL")
}

impl Source<'_> {
    /// Every row of the layer's table: the attribute fields (all columns but the geometry
    /// and `fid`) and the features.
    fn read_features(
        &self,
        table: &str,
        geom_col: &str,
    ) -> Result<(Vec<String>, Vec<SourceFeature>)> {
        let max_features = self.limits.features;
        self.tick();
        let sql = format!("SELECT * FROM {}", quote_ident(table));
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.fail(e))?;
        let columns: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        let geom_idx = columns.iter().position(|c| c == geom_col);
        let is_attr = |i: usize, c: &str| Some(i) != geom_idx && c != "fid";
        let fields: Vec<String> = columns
            .iter()
            .enumerate()
            .filter(|(i, c)| is_attr(*i, c))
            .map(|(_, c)| c.clone())
            .collect();
        let mut rows = stmt.query([]).map_err(|e| self.fail(e))?;
        let mut features = Vec::new();
        loop {
            self.tick();
            let Some(row) = rows.next().map_err(|e| self.fail(e))? else {
                break;
            };
            if features.len() == max_features {
                return Err(self.too_many(table, max_features));
            }
            let n = features.len() + 1;
            let mut attrs = Vec::with_capacity(fields.len());
            let mut geometry = None;
            for (i, c) in columns.iter().enumerate() {
                let v = row.get_ref(i).map_err(|e| self.fail(e))?;
                if Some(i) == geom_idx {
                    if let ValueRef::Blob(b) = v {
                        geometry = Some(self.geometry(table, n, b)?);
                    }
                } else if is_attr(i, c) {
                    attrs.push(attr(v));
                }
            }
            features.push(SourceFeature { attrs, geometry });
        }
        Ok((fields, features))
    }

    /// Decodes one geometry blob, refusing one too large to be a feature we would import.
    fn geometry(&self, table: &str, n: usize, blob: &[u8]) -> Result<geo::Geometry<f64>> {
        let at = |msg: String| format!("layer '{}', feature {n}: {msg}", excerpt(table));
        let max = self.limits.geometry_bytes;
        if blob.len() > max {
            return Err(InputError::new(
                self.file,
                at(format!(
                    "its geometry is {} bytes, more than the {max} a feature may have \
                     ({MAX_VERTICES_PER_FEATURE} vertices)",
                    blob.len()
                )),
            )
            .hint("simplify it first (QGIS: Vector ▸ Geometry Tools ▸ Simplify)")
            .into());
        }
        gpkg_geom::decode(blob).map(|(_, g)| g).map_err(|e| {
            InputError::new(self.file, at(e.to_string()))
                .hint("repair the geometry in QGIS (Vector ▸ Geometry Tools ▸ Fix Geometries)")
                .into()
        })
    }

    fn too_many(&self, table: &str, max: usize) -> Error {
        InputError::new(
            self.file,
            format!("layer '{}' has more than {max} features", excerpt(table)),
        )
        .hint("split the layer (e.g. by region) and import the parts as separate geographies")
        .into()
    }
}

/// One attribute value (text read leniently; blobs other than the geometry dropped).
fn attr(v: ValueRef<'_>) -> AttrValue {
    match v {
        ValueRef::Null | ValueRef::Blob(_) => AttrValue::Null,
        ValueRef::Integer(i) => AttrValue::Int(i),
        ValueRef::Real(f) => AttrValue::Real(f),
        ValueRef::Text(t) => AttrValue::Text(String::from_utf8_lossy(t).into_owned()),
    }
}

#[cfg(test)]
#[path = "gpkg_source_tests.rs"]
mod tests;
