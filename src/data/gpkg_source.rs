//! Reading a feature layer from a user's GeoPackage (`import boundaries` / `import points`
//! from a `.gpkg`) into the neutral [`SourceLayer`] form. Nothing here writes to the file.

use super::crs::Crs;
use super::gpkg_geom;
use super::source::{AttrValue, SourceFeature, SourceLayer};
use crate::error::{InputError, Result};
use rusqlite::types::ValueRef;
use std::path::Path;

/// Reads a feature table from a GeoPackage (the first feature table when `layer` is None).
pub fn read_gpkg_layer(path: &Path, layer: Option<&str>) -> Result<SourceLayer> {
    let file = path.display().to_string();
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let bad = |e: rusqlite::Error| -> crate::error::Error {
        InputError::new(&file, format!("cannot read as a GeoPackage: {e}"))
            .hint("check it is a valid .gpkg (open it in QGIS)")
            .into()
    };
    let conn = rusqlite::Connection::open_with_flags(path, flags).map_err(bad)?;
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA,
        false,
    )
    .map_err(bad)?;
    let mut stmt = conn
        .prepare("SELECT g.table_name, g.column_name, g.srs_id FROM gpkg_geometry_columns g ORDER BY g.table_name")
        .map_err(bad)?;
    let layers: Vec<(String, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(bad)?
        .collect::<rusqlite::Result<_>>()
        .map_err(bad)?;
    let names: Vec<&str> = layers.iter().map(|l| l.0.as_str()).collect();
    let chosen = match layer {
        Some(name) => layers.iter().find(|l| l.0 == name),
        None => layers.first(),
    };
    let Some((table, geom_col, srs_id)) = chosen else {
        return Err(InputError::new(
            &file,
            format!(
                "no feature layer {}",
                layer.map(|l| format!("'{l}'")).unwrap_or_default()
            ),
        )
        .hint(format!(
            "layers in this file: {}",
            if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            }
        ))
        .into());
    };
    let crs = u32::try_from(*srs_id).ok().and_then(Crs::from_epsg);
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM \"{}\"", table.replace('"', "\"\"")))
        .map_err(bad)?;
    let columns: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let geom_idx = columns.iter().position(|c| c == geom_col);
    let fields: Vec<String> = columns
        .iter()
        .filter(|c| Some(c.as_str()) != Some(geom_col.as_str()) && *c != "fid")
        .cloned()
        .collect();
    let mut rows = stmt.query([]).map_err(bad)?;
    let mut features = Vec::new();
    while let Some(row) = rows.next().map_err(bad)? {
        let mut attrs = Vec::with_capacity(fields.len());
        let mut geometry = None;
        for (i, c) in columns.iter().enumerate() {
            let v = row.get_ref(i).map_err(bad)?;
            if Some(i) == geom_idx {
                if let ValueRef::Blob(b) = v {
                    let (_, g) = gpkg_geom::decode(b).map_err(|e| {
                        InputError::new(
                            &file,
                            format!("layer '{table}', feature {}: {e}", features.len() + 1),
                        )
                    })?;
                    geometry = Some(g);
                }
            } else if c != "fid" {
                attrs.push(match v {
                    ValueRef::Null | ValueRef::Blob(_) => AttrValue::Null,
                    ValueRef::Integer(i) => AttrValue::Int(i),
                    ValueRef::Real(f) => AttrValue::Real(f),
                    ValueRef::Text(t) => AttrValue::Text(String::from_utf8_lossy(t).into_owned()),
                });
            }
        }
        features.push(SourceFeature { attrs, geometry });
    }
    Ok(SourceLayer {
        file,
        fields,
        features,
        crs,
    })
}
