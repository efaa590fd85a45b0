//! Hostile and careless source GeoPackages: views, virtual tables, unregistered layers,
//! quotes in names, too many features, too big a geometry, a statement that runs too long.

use super::*;
use crate::data::Workspace;
use crate::data::import::boundaries::{BoundaryOptions, import_boundaries};
use std::path::PathBuf;

/// A GeoPackage with one feature layer `lad` (the 10 Greater Manchester districts).
fn source() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("src.gpkg");
    let mut ws = Workspace::create(&path).unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let opts = BoundaryOptions {
        geography: "lad".into(),
        ..Default::default()
    };
    import_boundaries(&mut ws, &seeds.join("gm_lad2016_bgc.geojson"), &opts).unwrap();
    drop(ws);
    (dir, path)
}

/// Runs SQL on the file as its author could, then registers `layer` as a feature layer.
fn add_layer(path: &Path, sql: &str, layer: &str) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?1, 'features', ?1, 27700)",
        [layer],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?1, 'geom', 'MULTIPOLYGON', 27700, 0, 0)",
        [layer],
    )
    .unwrap();
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_layer_is_read_and_the_file_left_as_it_was() {
    let (_d, path) = source();
    let before = bytes(&path);
    let l = read_gpkg_layer(&path, Some("LAD")).unwrap();
    assert_eq!(l.features.len(), 10);
    assert_eq!(l.crs, Some(Crs::Bng));
    assert!(l.fields.iter().any(|f| f == "area_code"), "{:?}", l.fields);
    assert!(l.features.iter().all(|f| f.geometry.is_some()));
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_recursive_view_is_refused_by_name_without_running_it() {
    let (_d, path) = source();
    add_layer(
        &path,
        "CREATE VIEW boom AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) \
         SELECT x AS fid, randomblob(1000000) AS geom FROM r;",
        "boom",
    );
    let before = bytes(&path);
    let t = Instant::now();
    for layer in [Some("boom"), None] {
        let e = read_gpkg_layer(&path, layer).unwrap_err().to_string();
        assert!(
            e.contains("src.gpkg") && e.contains("layer 'boom' is a view, not a table"),
            "{e}"
        );
        assert!(e.contains("save the layer as a table"), "{e}");
    }
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_virtual_table_is_refused() {
    let (_d, path) = source();
    add_layer(
        &path,
        "CREATE VIRTUAL TABLE vt USING rtree(id, minx, maxx);",
        "vt",
    );
    let e = read_gpkg_layer(&path, Some("vt")).unwrap_err().to_string();
    assert!(
        e.contains("layer 'vt' is a virtual table, not a table"),
        "{e}"
    );
}

#[test]
fn a_table_not_registered_as_features_is_not_a_layer() {
    let (_d, path) = source();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE loose AS SELECT * FROM lad;
         INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('loose', 'attributes', 'loose');
         INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ('loose', 'geom', 'MULTIPOLYGON', 27700, 0, 0);",
    )
    .unwrap();
    drop(conn);
    let e = read_gpkg_layer(&path, Some("loose"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("has no feature layer 'loose'"), "{e}");
    assert!(e.contains("Feature layers in this file: lad"), "{e}");
}

#[test]
fn quotes_and_sql_in_a_layer_name_are_only_a_name() {
    let (_d, path) = source();
    let name = "a\"b; DROP TABLE lad; --";
    let sql = format!("CREATE TABLE {} AS SELECT * FROM lad;", quote_ident(name));
    add_layer(&path, &sql, name);
    let l = read_gpkg_layer(&path, Some(name)).unwrap();
    assert_eq!(l.features.len(), 10);
    assert_eq!(
        read_gpkg_layer(&path, Some("lad")).unwrap().features.len(),
        10
    );
}

#[test]
fn too_many_features_or_too_big_a_geometry_is_refused() {
    let (_d, path) = source();
    let few = Limits {
        features: 5,
        ..Limits::default()
    };
    let e = read_gpkg_layer_with(&path, None, few)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("layer 'lad' has more than 5 features") && e.contains("Split"),
        "{e}"
    );
    let small = Limits {
        geometry_bytes: 1000,
        ..Limits::default()
    };
    let e = read_gpkg_layer_with(&path, None, small)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("src.gpkg") && e.contains("bytes") && e.contains("Simplify"),
        "{e}"
    );
}

#[test]
fn a_statement_running_past_the_time_limit_is_stopped() {
    let (_d, path) = source();
    add_layer(
        &path,
        "CREATE TABLE big (fid INTEGER PRIMARY KEY, geom BLOB, v TEXT);
         WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 200000)
         INSERT INTO big (v) SELECT printf('%d', x) FROM r;",
        "big",
    );
    let now = Limits {
        time: Duration::ZERO,
        ..Limits::default()
    };
    let e = read_gpkg_layer_with(&path, Some("big"), now)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("src.gpkg") && e.contains("longer than 0 s"),
        "{e}"
    );
}

#[test]
fn not_a_file_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let e = read_gpkg_layer(dir.path(), None).unwrap_err().to_string();
    assert!(e.contains("is not a file"), "{e}");
}

#[test]
fn the_connection_is_read_only_defensive_and_distrustful() {
    let (_d, path) = source();
    let file = path.display().to_string();
    let s = Source::open(&path, &file, Limits::default()).unwrap();
    let on = |c| s.conn.db_config(c).unwrap();
    assert!(on(DbConfig::SQLITE_DBCONFIG_DEFENSIVE));
    assert!(!on(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA));
    assert!(!on(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER));
    assert!(!on(DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW));
    assert!(s.conn.is_readonly("main").unwrap());
    assert!(s.conn.execute_batch("CREATE TABLE x (a)").is_err());
}
