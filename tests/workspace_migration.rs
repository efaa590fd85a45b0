//! Schema version 6 (values keyed by integers) on a workspace written by the release before it:
//! `tests/fixtures/workspace_v5.gpkg` was made by Local Atlas at schema version 5 (`init`,
//! `import boundaries seeds/gm_lad2016_bgc.geojson --geography lad16`, `import indicators` of
//! 40 long-form values with counts, denominators, CIs, suppressed and missing cells). Opening
//! it migrates in one transaction; every value reads back the same, `check` passes, and GDAL
//! (`ogrinfo`, as QGIS reads it) still sees `atlas_values` with the textual codes.

mod common;

use local_atlas::data::Workspace;
use local_atlas::data::query;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

fn fixture(dir: &Path) -> PathBuf {
    let to = dir.join("old.gpkg");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workspace_v5.gpkg"),
        &to,
    )
    .unwrap();
    to
}

/// Every value as text, through the table (version 5) or the view (version 6) of that name.
fn long_rows(path: &Path) -> Vec<String> {
    let c = Connection::open(path).unwrap();
    let mut stmt = c
        .prepare(
            "SELECT indicator, geography, area_code, period, value, numerator, denominator, \
             lower_ci, upper_ci, status FROM atlas_values \
             ORDER BY indicator, geography, area_code, period",
        )
        .unwrap();
    stmt.query_map([], |r| {
        let cells: Vec<String> = (0..10)
            .map(|i| {
                let v: rusqlite::types::Value = r.get(i).unwrap();
                format!("{v:?}")
            })
            .collect();
        Ok(cells.join("|"))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

fn schema_version(path: &Path) -> String {
    Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT value FROM atlas_meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_version_5_workspace_migrates_with_every_value_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    assert_eq!(schema_version(&path), "5");
    let before = long_rows(&path);
    assert_eq!(before.len(), 40);
    let ws = Workspace::open(&path).unwrap();
    assert_eq!(
        schema_version(&path),
        local_atlas::data::schema::SCHEMA_VERSION.to_string()
    );
    assert_eq!(
        long_rows(&path),
        before,
        "the view shows what the table held"
    );
    let smoking = query::values(&ws, "smoking", "lad16", "2019").unwrap();
    assert_eq!(smoking.len(), 10);
    let suppressed = smoking.iter().filter(|v| v.value.is_none()).count();
    assert_eq!(suppressed, 1);
    assert_eq!(
        query::periods(&ws, "obesity", "lad16").unwrap(),
        ["2019", "2020"]
    );
    assert_eq!(query::series(&ws).unwrap().len(), 4);
    drop(ws);
    let out = common::cli(&["check", &path.display().to_string()]);
    assert!(
        out.status.success(),
        "check after migration: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let raw = Connection::open(&path).unwrap();
    let old_table: i64 = raw
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'atlas_values'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old_table, 0, "the old values table is gone");
}

/// A migration that fails half-way (here: an old value whose indicator was deleted behind
/// Local Atlas's back, which the new series table's foreign key refuses) rolls back whole: the
/// error names the file and the file is byte-for-byte as it was, still at version 5.
#[test]
fn a_migration_that_fails_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "PRAGMA foreign_keys = OFF; DELETE FROM atlas_indicators WHERE code = 'obesity';",
        )
        .unwrap();
    let before = common::sha256(&path);
    let err = Workspace::open(&path).unwrap_err().to_string();
    assert!(err.contains("old.gpkg"), "{err}");
    assert_eq!(
        common::sha256(&path),
        before,
        "the failed migration changed the file"
    );
    assert_eq!(schema_version(&path), "5");
    assert!(!path.with_extension("gpkg-journal").exists());
}

/// `ogrinfo` (GDAL, as QGIS opens a GeoPackage) lists the values view as an attribute layer
/// with its feature count and reads its textual codes.
#[test]
fn gdal_reads_the_values_view_with_textual_codes() {
    let Some(ogrinfo) = which("ogrinfo") else {
        if std::env::var_os("LOCAL_ATLAS_REQUIRE_GDAL").is_some() {
            panic!("ogrinfo is required (LOCAL_ATLAS_REQUIRE_GDAL is set) but not on PATH");
        }
        eprintln!("skipping: ogrinfo (GDAL) is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    drop(Workspace::open(&path).unwrap());
    let run = |args: &[&str]| {
        let out = std::process::Command::new(&ogrinfo)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let ws = path.display().to_string();
    let summary = run(&["-ro", "-so", &ws, "atlas_values"]);
    assert!(summary.contains("Feature Count: 40"), "{summary}");
    for field in [
        "indicator: String",
        "area_code: String",
        "value: Real",
        "status: String",
    ] {
        assert!(summary.contains(field), "{field} missing: {summary}");
    }
    let one = run(&[
        "-ro",
        &ws,
        "-sql",
        "SELECT indicator, area_code, period, value, status FROM atlas_values \
         WHERE indicator = 'smoking' AND area_code = 'E08000004' AND period = '2019'",
    ]);
    assert!(one.contains("Feature Count: 1"), "{one}");
    assert!(one.contains("status (String) = suppressed"), "{one}");
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}
