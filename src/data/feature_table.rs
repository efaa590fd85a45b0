//! Writing GeoPackage feature tables (boundaries and point layers) and registering them in
//! `gpkg_contents` / `gpkg_geometry_columns` so QGIS and GDAL list them.

use super::gpkg_geom;
use super::source::AttrValue;
use crate::error::{Error, Result};
use geo::{BoundingRect, Geometry, Rect};
use rusqlite::{Transaction, params_from_iter};

/// Quotes an SQL identifier, doubling any `"` inside it, so a name from a file (`x"; DROP
/// TABLE t; --`) stays one identifier. Column names from files pass [`column_name`] first,
/// which removes what no identifier can hold (NUL and other control characters).
///
/// ```
/// use local_atlas::data::feature_table::quote_ident;
/// assert_eq!(quote_ident(r#"x"; DROP TABLE t; --"#), r#""x""; DROP TABLE t; --""#);
/// ```
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Checks a user-chosen geography or layer name, which becomes a table name.
pub fn check_table_name(kind: &str, name: &str) -> Result<()> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    let starts = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    let reserved = ["gpkg_", "atlas_", "sqlite_", "rtree_"]
        .iter()
        .any(|p| name.starts_with(p));
    if name.is_empty() || name.len() > 60 || !ok_chars || !starts || reserved {
        return Err(Error::Invalid(format!(
            "{kind} name '{name}' is not allowed: use lower-case letters, digits and '_', starting \
             with a letter (e.g. lsoa11, ward17, childrens_centres), not starting with gpkg_, atlas_ \
             or sqlite_"
        )));
    }
    Ok(())
}

/// One attribute column to create: its name in the table and the SQL type.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub sql_type: &'static str,
}

/// The most attribute fields a layer may have: 1,000. SQLite refuses tables of more than
/// 2,000 columns (its default `SQLITE_MAX_COLUMN`), and no boundary or service layer needs
/// more; a layer beyond it is refused with the count rather than with SQLite's message.
pub const MAX_FIELDS: usize = 1_000;

/// The longest column name made from a file's field name: 63 bytes (cut at a character
/// boundary), the PostgreSQL limit, so names survive a copy into other databases. The
/// mapping from a file's names is deterministic ([`column_name`], then [`attribute_columns`]'s
/// `_N` suffixes), so it is documented rather than stored.
pub const MAX_COLUMN_NAME_BYTES: usize = 63;

/// Refuses a layer with more than [`MAX_FIELDS`] attribute fields.
pub fn check_field_count(file: &str, count: usize) -> Result<()> {
    if count > MAX_FIELDS {
        return Err(crate::error::InputError::new(
            file,
            format!("has more than {MAX_FIELDS} attribute fields ({count} or more)"),
        )
        .hint(format!(
            "drop the columns you do not need (at most {MAX_FIELDS}; keep the code and name fields) and import again"
        ))
        .into());
    }
    Ok(())
}

/// The column name for a file's field name at 0-based `position`: control characters
/// (including NUL, which SQL cannot hold) become `_`, the name is cut to [`MAX_COLUMN_NAME_BYTES`] at a character boundary, and an empty name
/// becomes `field_N`. Quotes, `;` and `--` are kept: [`quote_ident`] makes them safe.
///
/// ```
/// use local_atlas::data::feature_table::column_name;
/// assert_eq!(column_name("a\0b", 0), "a_b");
/// assert_eq!(column_name("  ", 2), "field_3");
/// assert_eq!(column_name(&"é".repeat(40), 0).len(), 62);
/// assert_eq!(column_name("x\"; DROP TABLE t; --", 0), "x\"; DROP TABLE t; --");
/// ```
pub fn column_name(raw: &str, position: usize) -> String {
    let clean: String = raw
        .chars()
        .map(|c| if c.is_control() { '_' } else { c })
        .collect();
    let clean = cut_at_char(&clean, MAX_COLUMN_NAME_BYTES);
    if clean.trim().is_empty() {
        format!("field_{}", position + 1)
    } else {
        clean.to_string()
    }
}

/// The longest prefix of `s` of at most `max` bytes ending at a character boundary.
fn cut_at_char(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// `base` made unique against `used` (lower-cased names: SQLite compares identifiers
/// case-insensitively in ASCII) by a `_N` suffix, still within [`MAX_COLUMN_NAME_BYTES`].
fn unique_name(base: &str, used: &std::collections::HashSet<String>) -> String {
    let mut name = base.to_string();
    let mut n = 1;
    while used.contains(&name.to_ascii_lowercase()) {
        let suffix = format!("_{n}");
        name = format!(
            "{}{suffix}",
            cut_at_char(base, MAX_COLUMN_NAME_BYTES - suffix.len())
        );
        n += 1;
    }
    name
}

/// Chooses column names and types for a layer's attributes from file `file`: every name
/// through [`column_name`], made unique (case-insensitively, against `taken` too), types
/// inferred from the values. More than [`MAX_FIELDS`] fields are refused.
pub fn attribute_columns(
    file: &str,
    fields: &[String],
    rows: &[&[AttrValue]],
    taken: &[&str],
) -> Result<Vec<Column>> {
    check_field_count(file, fields.len())?;
    let mut used: std::collections::HashSet<String> =
        taken.iter().map(|t| t.to_ascii_lowercase()).collect();
    Ok(fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = unique_name(&column_name(f, i), &used);
            used.insert(name.to_ascii_lowercase());
            let sql_type = infer_type(rows.iter().filter_map(|r| r.get(i)));
            Column { name, sql_type }
        })
        .collect())
}

fn infer_type<'a>(values: impl Iterator<Item = &'a AttrValue>) -> &'static str {
    let mut t = "INTEGER";
    let mut any = false;
    for v in values {
        match v.sql_type() {
            Some("TEXT") => return "TEXT",
            Some("REAL") => t = "REAL",
            Some(_) => {}
            None => continue,
        }
        any = true;
    }
    if any { t } else { "TEXT" }
}

/// A feature table to write.
pub struct FeatureTable<'a> {
    pub table: &'a str,
    pub identifier: &'a str,
    pub description: &'a str,
    /// `MULTIPOLYGON` or `POINT`.
    pub geometry_type: &'a str,
    /// Fixed leading columns (e.g. area_code TEXT NOT NULL UNIQUE).
    pub fixed: &'a [(&'a str, &'a str)],
    pub columns: &'a [Column],
}

/// Creates and registers the table; rows are then added with [`insert_feature`].
pub fn create(tx: &Transaction<'_>, t: &FeatureTable<'_>) -> Result<()> {
    let mut cols = vec![
        "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string(),
        format!("geom {}", t.geometry_type),
    ];
    cols.extend(
        t.fixed
            .iter()
            .map(|(n, ty)| format!("{} {ty}", quote_ident(n))),
    );
    cols.extend(
        t.columns
            .iter()
            .map(|c| format!("{} {}", quote_ident(&c.name), c.sql_type)),
    );
    tx.execute_batch(&format!(
        "CREATE TABLE {} ({});",
        quote_ident(t.table),
        cols.join(", ")
    ))?;
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) \
         VALUES (?1, 'features', ?2, ?3, 27700)",
        (t.table, t.identifier, t.description),
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 27700, 0, 0)",
        (t.table, t.geometry_type),
    )?;
    Ok(())
}

/// Inserts one feature: geometry in BNG, then the fixed values, then the attributes.
pub fn insert_feature(
    tx: &Transaction<'_>,
    t: &FeatureTable<'_>,
    geometry: &Geometry<f64>,
    fixed: &[AttrValue],
    attrs: &[AttrValue],
) -> Result<()> {
    let n = 1 + t.fixed.len() + t.columns.len();
    let placeholders: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
    let names: Vec<String> = std::iter::once("geom".to_string())
        .chain(t.fixed.iter().map(|(n, _)| quote_ident(n)))
        .chain(t.columns.iter().map(|c| quote_ident(&c.name)))
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote_ident(t.table),
        names.join(", "),
        placeholders.join(", ")
    );
    let blob = AttrBlob(gpkg_geom::encode(geometry, 27700));
    let mut stmt = tx.prepare_cached(&sql)?;
    let values: Vec<&dyn rusqlite::ToSql> = std::iter::once(&blob as &dyn rusqlite::ToSql)
        .chain(fixed.iter().map(|v| v as &dyn rusqlite::ToSql))
        .chain(attrs.iter().map(|v| v as &dyn rusqlite::ToSql))
        .collect();
    stmt.execute(params_from_iter(values))?;
    Ok(())
}

struct AttrBlob(Vec<u8>);
impl rusqlite::ToSql for AttrBlob {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Blob(&self.0),
        ))
    }
}

/// Records the layer's extent in `gpkg_contents`.
pub fn set_extent(tx: &Transaction<'_>, table: &str, extent: Option<Rect<f64>>) -> Result<()> {
    if let Some(r) = extent {
        tx.execute(
            "UPDATE gpkg_contents SET min_x = ?2, min_y = ?3, max_x = ?4, max_y = ?5, \
             last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?1",
            (table, r.min().x, r.min().y, r.max().x, r.max().y),
        )?;
    }
    Ok(())
}

/// The union of geometries' bounding boxes.
pub fn extent<'a>(geoms: impl Iterator<Item = &'a Geometry<f64>>) -> Option<Rect<f64>> {
    geoms.filter_map(|g| g.bounding_rect()).reduce(|a, b| {
        Rect::new(
            geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
            geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
        )
    })
}
