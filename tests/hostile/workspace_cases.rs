//! Hostile and damaged workspaces: tampered schemas, triggers and views, registries pointing at
//! the wrong tables, inconsistent versions, foreign journals, files that are not workspaces.

use super::gpkg_cases::tamper;
use super::harness::Case;
use rusqlite::Connection;

fn tampered(name: &str, args: &str, sql: &'static str) -> Case {
    Case::new(name, args)
        .prepare(move |d| tamper(d, sql))
        .refused("ws.gpkg")
}

fn values_csv() -> String {
    let mut s = String::from("code,indicator,period,value\n");
    for c in super::harness::area_codes() {
        s += &format!("{c},newind,2024,1\n");
    }
    s
}

const IMPORT: &str = "import indicators ws.gpkg v.csv --geography lsoa";

/// A workspace beside a hot journal taken from a *different* workspace mid-transaction.
fn foreign_journal(d: &std::path::Path) {
    let other = d.join("other.gpkg");
    std::fs::copy(d.join("ws.gpkg"), &other).unwrap();
    // The workspace moves on by two commits after the copy, so the copy's journal is not its own.
    let ws = Connection::open(d.join("ws.gpkg")).unwrap();
    for v in ["a", "b"] {
        ws.execute(
            "UPDATE atlas_meta SET value = ?1 WHERE key = 'created_at'",
            [v],
        )
        .unwrap();
    }
    drop(ws);
    let conn = Connection::open(&other).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = DELETE; PRAGMA cache_size = 1; BEGIN;
         CREATE TABLE filler(x BLOB);
         WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 200)
           INSERT INTO filler SELECT randomblob(4000) FROM r;
         UPDATE atlas_meta SET value = 'x' WHERE key = 'created_at';",
    )
    .unwrap();
    let journal = d.join("other.gpkg-journal");
    assert!(journal.is_file(), "the transaction made no journal");
    std::fs::copy(&journal, d.join("ws.gpkg-journal")).unwrap();
    drop(conn);
    std::fs::remove_file(&other).unwrap();
}

pub fn cases() -> Vec<Case> {
    vec![
        tampered("ws_geography_table_recursive_view", "info ws.gpkg",
            "DROP TABLE \"{t}\"; CREATE VIEW \"{t}\" AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x AS fid, NULL AS geom, 'c' AS area_code, 'n' AS area_name FROM r;"),
        tampered("ws_geography_view_map", "map ws.gpkg --recipe base --out m.png",
            "DROP TABLE \"{t}\"; CREATE VIEW \"{t}\" AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x AS fid, NULL AS geom, 'c' AS area_code, 'n' AS area_name FROM r;"),
        tampered("ws_table_name_sqlite_master", "info ws.gpkg", "UPDATE atlas_geographies SET table_name = 'sqlite_master';"),
        tampered("ws_table_name_atlas_values", "map ws.gpkg --recipe base --out m.png", "UPDATE atlas_geographies SET table_name = 'atlas_values';"),
        tampered("ws_table_name_sql_text", "info ws.gpkg", "UPDATE atlas_geographies SET table_name = 'x\"; DROP TABLE atlas_values; --';"),
        tampered("ws_trigger_rewrites_values", IMPORT,
            "CREATE TRIGGER t AFTER INSERT ON atlas_series_values BEGIN UPDATE atlas_series_values SET value = 0; END;")
            .file("v.csv", values_csv()),
        tampered("ws_trigger_raise", IMPORT,
            "CREATE TRIGGER t BEFORE INSERT ON atlas_series_values BEGIN SELECT RAISE(ABORT, 'boom'); END;")
            .file("v.csv", values_csv()),
        tampered("ws_view_load_extension", "info ws.gpkg", "CREATE VIEW v AS SELECT load_extension('/tmp/evil.so') AS x;"),
        tampered("ws_indicators_table_is_view", "info ws.gpkg",
            "PRAGMA foreign_keys = OFF; ALTER TABLE atlas_indicators RENAME TO old_ind; CREATE VIEW atlas_indicators AS SELECT * FROM old_ind;"),
        tampered("ws_10000_geographies_without_tables", "info ws.gpkg",
            "WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < 9999)
             INSERT INTO atlas_geographies (name, table_name, code_field, name_field, source_file, source_crs, imported_at)
             SELECT 'g' || i, 'g' || i, 'code', NULL, 'f', 'EPSG:27700', 'now' FROM r;"),
        tampered("ws_schema_version_2_on_v5", "info ws.gpkg", "UPDATE atlas_meta SET value = '2' WHERE key = 'schema_version';"),
        tampered("ws_schema_version_newer", "info ws.gpkg", "UPDATE atlas_meta SET value = '99' WHERE key = 'schema_version';"),
        tampered("ws_schema_version_text", "info ws.gpkg", "UPDATE atlas_meta SET value = 'five' WHERE key = 'schema_version';"),
        tampered("ws_missing_values_table", "info ws.gpkg", "PRAGMA foreign_keys = OFF; DROP TABLE atlas_series_values;"),
        tampered("ws_values_view_rewritten", "info ws.gpkg",
            "DROP VIEW atlas_values; CREATE VIEW atlas_values AS SELECT load_extension('/tmp/evil.so') AS x;"),
        tampered("ws_values_view_replaced_by_table", "info ws.gpkg",
            "DROP VIEW atlas_values; CREATE TABLE atlas_values (x);"),
        tampered("ws_huge_recipe_title", "map ws.gpkg --recipe base --out m.png",
            "UPDATE atlas_recipes SET spec = json_set(spec, '$.title', printf('%.*c', 1000000, 'T'));")
            .refused("base"),
        tampered("ws_recipe_not_json", "map ws.gpkg --recipe base --out m.png", "UPDATE atlas_recipes SET spec = 'not json';").refused("base"),
        tampered("ws_geometry_garbage", "map ws.gpkg --recipe base --out m.png", "UPDATE \"{t}\" SET geom = randomblob(50);"),
        tampered("ws_check_finds_garbage_geometry", "check ws.gpkg", "UPDATE \"{t}\" SET geom = randomblob(50);"),
        tampered("ws_check_finds_value_without_series", "check ws.gpkg",
            "INSERT INTO atlas_series_values (series, area, value, status) VALUES (99999, 99999, 1, 0);"),
        tampered("ws_check_finds_broken_foreign_key", "check ws.gpkg",
            "PRAGMA foreign_keys = OFF; INSERT INTO atlas_series (id, indicator, geography, period) VALUES (9999, 'ghost', 'lsoa', '2024');"),
        Case::new("ws_check_sound", "check ws.gpkg").accepted(),
        Case::new("ws_foreign_hot_journal", "info ws.gpkg").prepare(foreign_journal).refused("journal"),
        Case::new("ws_text_file", "info ws.gpkg").prepare(|d| std::fs::write(d.join("ws.gpkg"), "hello\n").unwrap()).refused("ws.gpkg"),
        Case::new("ws_zero_bytes", "info ws.gpkg").prepare(|d| std::fs::write(d.join("ws.gpkg"), "").unwrap()).refused("ws.gpkg"),
        Case::new("ws_folder", "info wsdir").prepare(|d| std::fs::create_dir(d.join("wsdir")).unwrap()).refused("wsdir"),
        Case::new("ws_missing", "info nothere.gpkg").refused("nothere.gpkg"),
        Case::new("ws_truncated", "info ws.gpkg").prepare(|d| {
            let p = d.join("ws.gpkg");
            let b = std::fs::read(&p).unwrap();
            std::fs::write(&p, &b[..b.len() / 2]).unwrap();
        }).refused("ws.gpkg"),
    ]
}
