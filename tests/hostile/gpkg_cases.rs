//! Hostile GeoPackage *sources* (files imported from), made from a copy of the base workspace
//! (itself a GeoPackage with the `lsoa` feature table) and then tampered with.

use super::harness::Case;
use rusqlite::Connection;
use std::path::Path;

/// The feature table holding geography `lsoa` in a workspace.
pub fn lsoa_table(conn: &Connection) -> String {
    conn.query_row(
        "SELECT table_name FROM atlas_geographies WHERE name = 'lsoa'",
        [],
        |r| r.get(0),
    )
    .expect("lsoa table")
}

/// A case importing layer `layer` of `src.gpkg`, a copy of the workspace changed by `sql` (which
/// may use `{t}` for the lsoa feature table).
fn source(name: &str, layer: &str, sql: &'static str) -> Case {
    let args = format!(
        "import boundaries ws.gpkg src.gpkg --geography g2 --code-field area_code --layer {layer}"
    );
    Case::new(name, &args)
        .prepare(move |d| {
            std::fs::copy(d.join("ws.gpkg"), d.join("src.gpkg")).unwrap();
            let conn = Connection::open(d.join("src.gpkg")).unwrap();
            let t = lsoa_table(&conn);
            conn.execute_batch(&sql.replace("{t}", &t)).unwrap();
        })
        .refused("src.gpkg")
}

/// The lsoa table's name, for layer arguments (read from the base workspace).
fn base_table() -> String {
    let conn = Connection::open(super::harness::base_workspace()).unwrap();
    lsoa_table(&conn)
}

fn raw(name: &str, bytes: Vec<u8>) -> Case {
    Case::new(
        name,
        "import boundaries ws.gpkg src.gpkg --geography g2 --code-field area_code",
    )
    .file("src.gpkg", bytes)
    .refused("src.gpkg")
}

const RECURSIVE_VIEW: &str = "
CREATE VIEW rv AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r)
  SELECT x AS fid, zeroblob(100000) AS geom, 'c' || x AS area_code FROM r;
INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('rv', 'features', 'rv', 27700);
INSERT INTO gpkg_geometry_columns VALUES ('rv', 'geom', 'MULTIPOLYGON', 27700, 0, 0);";

pub fn cases() -> Vec<Case> {
    let t = base_table();
    let header_only = {
        let mut b = b"SQLite format 3\0".to_vec();
        b.resize(100, 0);
        b
    };
    vec![
        source("gpkg_recursive_view", "rv", RECURSIVE_VIEW),
        source("gpkg_garbage_blobs", &t, "UPDATE \"{t}\" SET geom = randomblob(64);"),
        source("gpkg_huge_ring_count", &t,
            // GP header (8 bytes, no envelope), WKB little-endian polygon with 2^31-1 rings.
            "UPDATE \"{t}\" SET geom = X'47500001346C0000' || X'0103000000FFFFFF7F';"),
        source("gpkg_huge_point_count", &t,
            "UPDATE \"{t}\" SET geom = X'47500001346C0000' || X'010300000001000000FFFFFF7F';"),
        source("gpkg_nan_coordinates", &t,
            "UPDATE \"{t}\" SET geom = X'47500001346C0000' || X'01030000000100000004000000' || \
             X'000000000000F87F000000000000F87F' || X'0000000000000000000000000000F03F' || \
             X'000000000000F03F000000000000F03F' || X'000000000000F87F000000000000F87F';"),
        source("gpkg_null_geometries", &t, "UPDATE \"{t}\" SET geom = NULL;"),
        source("gpkg_empty_layer", &t, "DELETE FROM \"{t}\";"),
        source("gpkg_missing_layer", "nosuch", ""),
        source("gpkg_contents_without_table", "ghost",
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('ghost', 'features', 'ghost', 27700);
             INSERT INTO gpkg_geometry_columns VALUES ('ghost', 'geom', 'MULTIPOLYGON', 27700, 0, 0);"),
        source("gpkg_unknown_srs", &t, "PRAGMA foreign_keys = OFF; UPDATE gpkg_geometry_columns SET srs_id = 99999; UPDATE gpkg_contents SET srs_id = 99999;"),
        source("gpkg_sqlite_master_layer", "sqlite_master",
            "INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('sqlite_master', 'features', 'sm');"),
        raw("gpkg_zero_bytes", Vec::new()),
        raw("gpkg_random_bytes", (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()),
        raw("gpkg_header_only", header_only),
        raw("gpkg_text_file", b"this is not a database\n".to_vec()),
        Case::new("gpkg_source_is_workspace_itself", &format!("import boundaries ws.gpkg ws.gpkg --geography g2 --code-field area_code --layer {t}"))
            // A workspace is a GeoPackage: reading one of its own layers as a source is fine.
            .accepted(),
    ]
}

/// Opens `d/ws.gpkg` with plain rusqlite (no defences) to tamper with it.
pub fn tamper(d: &Path, sql: &str) {
    let conn = Connection::open(d.join("ws.gpkg")).unwrap();
    let t = lsoa_table(&conn);
    conn.execute_batch(&sql.replace("{t}", &t)).unwrap();
}
