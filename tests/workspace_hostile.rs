//! Workspaces changed by something other than Local Atlas: opening one is refused with a
//! message naming what is wrong, before any of its SQL runs and before anything is written.

mod common;

use local_atlas::data::Workspace;
use std::path::Path;

/// A workspace with one geography `area` (three squares), closed again.
fn workspace_with_geography(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("ws.gpkg");
    let gj = common::write(
        dir,
        "a.geojson",
        common::squares_geojson(&["A1", "A2", "A3"]),
    );
    Workspace::create(&path).unwrap();
    let s = |p: &Path| p.display().to_string();
    let out = common::cli(&[
        "import",
        "boundaries",
        &s(&path),
        &s(&gj),
        "--geography",
        "area",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

/// Changes the file with plain SQLite (as another program would), then checks that opening it
/// fails with a message containing every one of `expect`, and leaves the file as it was.
fn tamper_then_refused(sql: &str, expect: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace_with_geography(dir.path());
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(sql).unwrap();
    drop(raw);
    let before = common::sha256(&path);
    let err = Workspace::open(&path).unwrap_err().to_string();
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert_eq!(common::sha256(&path), before, "opening wrote to the file");
    let out = common::cli(&["info", &path.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(expect[0]), "{stderr}");
    assert_eq!(common::sha256(&path), before, "info wrote to the file");
}

#[test]
fn a_trigger_added_to_a_workspace_is_refused_by_name() {
    tamper_then_refused(
        "CREATE TRIGGER t AFTER INSERT ON atlas_series_values BEGIN \
           UPDATE atlas_series_values SET value = 0; END;",
        &["trigger 't'", "Local Atlas did not create", "tampered"],
    );
}

#[test]
fn a_view_added_to_a_workspace_is_refused_by_name() {
    tamper_then_refused(
        "CREATE VIEW v AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) \
         SELECT x FROM r;",
        &["view 'v'", "Local Atlas did not create"],
    );
}

#[test]
fn a_geography_table_replaced_by_a_recursive_view_is_refused() {
    tamper_then_refused(
        "DROP TABLE area; CREATE VIEW area AS WITH RECURSIVE r(x) AS \
           (SELECT 1 UNION ALL SELECT x + 1 FROM r) \
         SELECT x AS fid, NULL AS geom, 'c' AS area_code, 'n' AS area_name FROM r;",
        &["view 'area'"],
    );
}

#[test]
fn an_atlas_table_replaced_by_a_view_is_refused() {
    tamper_then_refused(
        "DROP TABLE atlas_recipes; CREATE VIEW atlas_recipes AS SELECT 1 AS id;",
        &["view 'atlas_recipes'", "where its own table"],
    );
}

#[test]
fn a_virtual_table_is_refused() {
    tamper_then_refused(
        "CREATE VIRTUAL TABLE vt USING fts5(x);",
        &["virtual table 'vt'"],
    );
}

#[test]
fn sqlite_master_as_a_geography_table_is_refused() {
    tamper_then_refused(
        "UPDATE atlas_geographies SET table_name = 'sqlite_master';",
        &[
            "geography 'area' is registered with table 'sqlite_master'",
            "not a name Local Atlas gives a table",
        ],
    );
}

#[test]
fn another_atlas_table_as_a_geography_table_is_refused() {
    tamper_then_refused(
        "UPDATE atlas_geographies SET table_name = 'atlas_values';",
        &["registered with table 'atlas_values'"],
    );
}

#[test]
fn a_table_not_registered_as_features_is_refused() {
    tamper_then_refused(
        "CREATE TABLE other (fid INTEGER PRIMARY KEY, geom BLOB, area_code TEXT, area_name TEXT);
         UPDATE atlas_geographies SET table_name = 'other';",
        &[
            "registered with table 'other'",
            "not a feature table listed in gpkg_contents",
        ],
    );
}

#[test]
fn ten_thousand_geographies_without_tables_are_refused_in_one_message() {
    let mut sql = String::from("BEGIN;");
    for i in 0..10_000 {
        sql.push_str(&format!(
            "INSERT INTO atlas_geographies (name, table_name, code_field, source_file, source_crs, imported_at) \
             VALUES ('g{i}', 'g{i}', 'c', 'f', 'EPSG:27700', 'now');"
        ));
    }
    sql.push_str("COMMIT;");
    tamper_then_refused(
        &sql,
        &[
            "is registered with table 'g",
            "which does not exist",
            "and 9999 more",
        ],
    );
}

#[test]
fn a_point_layer_registered_with_a_missing_table_is_refused() {
    tamper_then_refused(
        "INSERT INTO atlas_layers VALUES ('pts', 'pts', 'points', 'f', 'now');",
        &["point layer 'pts' is registered with table 'pts', which does not exist"],
    );
}

#[test]
fn a_schema_version_behind_the_tables_is_refused_not_migrated() {
    tamper_then_refused(
        "UPDATE atlas_meta SET value = '2' WHERE key = 'schema_version';",
        &["stored schema version is 2", "lacks table atlas_values"],
    );
}

#[test]
fn a_schema_version_ahead_of_the_tables_is_refused() {
    let stored = format!(
        "stored schema version is {}",
        local_atlas::data::schema::SCHEMA_VERSION
    );
    tamper_then_refused(
        "DROP TABLE atlas_series_values;",
        &[stored.as_str(), "lacks table atlas_series_values"],
    );
}

#[test]
fn quotes_semicolons_and_comments_in_property_keys_stay_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace_with_geography(dir.path());
    let key = r#"x"; DROP TABLE atlas_values; --'"#;
    let gj = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"area_code":"B1",{k}:1}},"geometry":{{"type":"Polygon","coordinates":[[[-2.3,53.4],[-2.29,53.4],[-2.29,53.41],[-2.3,53.41],[-2.3,53.4]]]}}}}]}}"#,
        k = serde_json::to_string(key).unwrap()
    );
    let f = common::write(dir.path(), "k.geojson", gj);
    let out = common::cli(&[
        "import",
        "boundaries",
        &path.display().to_string(),
        &f.display().to_string(),
        "--geography",
        "keys",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ws = Workspace::open(&path).unwrap();
    assert_eq!(
        local_atlas::data::query::areas(&ws, "keys").unwrap().len(),
        1
    );
    let raw = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = raw
        .query_row(
            "SELECT count(*) FROM pragma_table_info('keys') WHERE name = ?1",
            [key],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1, "the key is a column of its own");
    assert!(Workspace::open(&path).is_ok(), "atlas_values still there");
}

/// Leaves `path` as a crash would in the middle of a big write: the file with pages of an
/// unfinished transaction spilled into it, and the hot journal beside it. Made by copying both
/// while a second connection holds the transaction open.
fn crashed_copy(path: &Path, into: &Path) {
    let raw = rusqlite::Connection::open(path).unwrap();
    raw.execute_batch("PRAGMA cache_size = 10; BEGIN;").unwrap();
    let text = "z".repeat(1000);
    for i in 0..2000 {
        raw.execute(
            "INSERT INTO atlas_meta VALUES (?1, ?2)",
            (format!("crash{i}"), &text),
        )
        .unwrap();
    }
    let journal = |p: &Path| std::path::PathBuf::from(format!("{}-journal", p.display()));
    assert!(
        journal(path).exists(),
        "no journal while the transaction is open"
    );
    std::fs::copy(path, into).unwrap();
    std::fs::copy(journal(path), journal(into)).unwrap();
    raw.execute_batch("ROLLBACK").unwrap();
}

fn meta_rows(path: &Path) -> i64 {
    let raw = rusqlite::Connection::open(path).unwrap();
    raw.query_row("SELECT count(*) FROM atlas_meta", [], |r| r.get(0))
        .unwrap()
}

fn journal_of(path: &Path) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}-journal", path.display()))
}

#[test]
fn a_crash_journal_beside_its_own_file_is_played_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace_with_geography(dir.path());
    let rows = meta_rows(&path);
    let crashed = dir.path().join("crashed.gpkg");
    crashed_copy(&path, &crashed);
    assert_ne!(
        common::sha256(&crashed),
        common::sha256(&path),
        "nothing spilled"
    );
    let mut j = std::fs::File::open(journal_of(&crashed)).unwrap();
    let state = local_atlas::data::hot_journal::read_journal(&mut j).unwrap();
    assert!(
        matches!(
            state,
            local_atlas::data::hot_journal::Journal::WithPageOne { .. }
        ),
        "{state:?}"
    );
    let ws = Workspace::open(&crashed).expect("the crashed copy opens");
    drop(ws);
    assert!(!journal_of(&crashed).exists());
    assert_eq!(meta_rows(&crashed), rows, "the unfinished write was undone");
}

#[test]
fn a_crash_journal_beside_a_restored_backup_is_refused_and_the_backup_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace_with_geography(dir.path());
    let backup = dir.path().join("backup.gpkg");
    std::fs::copy(&path, &backup).unwrap();
    // work goes on after the backup, then a crash in the middle of a write
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute("INSERT INTO atlas_meta VALUES ('later', 'x')", [])
        .unwrap();
    drop(raw);
    let crashed = dir.path().join("crashed.gpkg");
    crashed_copy(&path, &crashed);
    // the backup is restored over the crashed file, its journal still beside it
    std::fs::copy(&backup, &crashed).unwrap();
    let before = common::sha256(&crashed);
    let err = Workspace::open(&crashed).unwrap_err().to_string();
    assert!(
        err.contains("was made for a different copy of this file"),
        "{err}"
    );
    assert!(err.contains("crashed.gpkg-journal"), "{err}");
    assert!(err.contains("move"), "{err}");
    assert_eq!(common::sha256(&crashed), before, "the backup was changed");
    assert!(
        journal_of(&crashed).exists(),
        "the journal was used or removed"
    );
    let out = common::cli(&["info", &crashed.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(common::sha256(&crashed), before);
    // moved away, the backup opens as it is
    std::fs::rename(journal_of(&crashed), dir.path().join("aside")).unwrap();
    drop(Workspace::open(&crashed).unwrap());
    assert_eq!(common::sha256(&crashed), before);
}

#[test]
fn a_crash_journal_beside_another_workspace_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace_with_geography(dir.path());
    let crashed = dir.path().join("crashed.gpkg");
    crashed_copy(&path, &crashed);
    let other_dir = dir.path().join("other");
    std::fs::create_dir(&other_dir).unwrap();
    let other = workspace_with_geography(&other_dir);
    let raw = rusqlite::Connection::open(&other).unwrap();
    raw.execute_batch(
        "INSERT INTO atlas_meta VALUES ('a', 'x'); INSERT INTO atlas_meta VALUES ('b', 'y');",
    )
    .unwrap();
    drop(raw);
    std::fs::copy(journal_of(&crashed), journal_of(&other)).unwrap();
    let before = common::sha256(&other);
    let err = Workspace::open(&other).unwrap_err().to_string();
    assert!(err.contains("different copy"), "{err}");
    assert_eq!(common::sha256(&other), before);
}

/// Free bytes on the file system holding `dir` (from `df`).
fn free_bytes(dir: &Path) -> u64 {
    let out = std::process::Command::new("df")
        .args(["-B1", "--output=avail"])
        .arg(dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().nth(1).unwrap().trim().parse().unwrap()
}

/// An import that fills the disk (a real 2 MB tmpfs) leaves the workspace byte-identical,
/// without a journal, and says the disk is full.
#[test]
fn an_import_on_a_full_disk_leaves_the_workspace_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let Some((disk, _unmount)) = small_disk(dir.path()) else {
        return;
    };
    let ws = workspace_with_geography(&disk);
    let codes: Vec<String> = (0..6000).map(|i| format!("E{i:08}")).collect();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let big = common::write(dir.path(), "big.geojson", common::squares_geojson(&refs));
    import_onto_a_full_disk(
        &disk,
        &ws,
        &[
            "boundaries",
            &big.display().to_string(),
            "--geography",
            "big",
        ],
    );
}

/// A small tmpfs mounted at `dir/disk`, unmounted when the guard drops; `None` (the test is
/// skipped) where mounting needs root and there is none.
fn small_disk(dir: &Path) -> Option<(std::path::PathBuf, Unmount)> {
    let disk = dir.join("disk");
    std::fs::create_dir(&disk).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&disk)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipping: cannot mount a small tmpfs here (needs root)");
        return None;
    }
    Some((disk.clone(), Unmount(disk)))
}

struct Unmount(std::path::PathBuf);
impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// The streamed indicator import filling the disk half-way through its rows: it says so, and
/// the workspace is byte-identical, without a journal, and opens.
#[test]
fn an_indicator_import_on_a_full_disk_leaves_the_workspace_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let Some((disk, _unmount)) = small_disk(dir.path()) else {
        return;
    };
    let ws = workspace_with_geography(&disk);
    let mut csv = String::from("code,indicator,period,value\n");
    for k in 0..400 {
        for p in 0..30 {
            for c in ["A1", "A2", "A3"] {
                csv.push_str(&format!("{c},indicator_{k:03},{},{k}.{p}\n", 1990 + p));
            }
        }
    }
    let f = common::write(dir.path(), "many.csv", csv);
    import_onto_a_full_disk(
        &disk,
        &ws,
        &[
            "indicators",
            &f.display().to_string(),
            "--geography",
            "area",
        ],
    );
}

/// Fills `disk` to within 150 kB, runs `import ARGS` into `ws` on it, and checks that the
/// import says the disk is full and leaves the workspace byte-identical, without a journal,
/// and openable.
fn import_onto_a_full_disk(disk: &Path, ws: &Path, args: &[&str]) {
    let filler = free_bytes(disk).saturating_sub(150_000);
    std::fs::write(disk.join("filler"), vec![0u8; filler as usize]).unwrap();
    let before = common::sha256(ws);
    let ws_arg = ws.display().to_string();
    let mut all = vec!["import", args[0], ws_arg.as_str()];
    all.extend_from_slice(&args[1..]);
    let out = common::cli(&all);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the disk is full: nothing was written"),
        "{err}"
    );
    assert!(!journal_of(ws).exists(), "a journal is left");
    assert_eq!(common::sha256(ws), before, "the workspace changed");
    drop(Workspace::open(ws).expect("the workspace opens"));
}
