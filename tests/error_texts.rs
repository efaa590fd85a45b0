//! What the user reads when the file system or SQLite says no: the file named, what happened
//! and what to do, each OS error once.

#![cfg(unix)]

mod common;

use local_atlas::data::Workspace;
use std::path::Path;
use std::process::Output;

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn stderr(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "expected a failure");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn import_squares(ws: &Path, dir: &Path) -> Output {
    let gj = common::write(dir, "a.geojson", common::squares_geojson(&["A1", "A2"]));
    common::cli(&[
        "import",
        "boundaries",
        &s(ws),
        &s(&gj),
        "--geography",
        "area",
    ])
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A read-only view of `dir` at `view`: a read-only bind mount when root (who ignores file
/// permissions), else the folder and its files made read-only. `None` (after `skipping:`)
/// when neither can be made.
fn read_only_view(dir: &Path, view: &Path) -> Option<Box<dyn FnOnce()>> {
    if is_root() {
        std::fs::create_dir(view).unwrap();
        let run = |args: &[&str]| {
            std::process::Command::new("mount")
                .args(args)
                .status()
                .map(|s| s.success())
                .unwrap_or(false)
        };
        let (d, v) = (s(dir), s(view));
        if run(&["--bind", &d, &v]) && run(&["-o", "remount,ro,bind", &v]) {
            return Some(Box::new(move || {
                let _ = std::process::Command::new("umount").arg(&v).status();
            }));
        }
        eprintln!("skipping: cannot make a read-only bind mount here");
        let _ = std::process::Command::new("umount").arg(view).status();
        return None;
    }
    use std::os::unix::fs::PermissionsExt;
    for f in std::fs::read_dir(dir).unwrap() {
        let p = f.unwrap().path();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::os::unix::fs::symlink(dir, view).unwrap();
    let d = dir.to_path_buf();
    Some(Box::new(move || {
        let _ = std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755));
    }))
}

#[test]
fn a_read_only_workspace_says_copy_it_somewhere_writable() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let ws = data.join("ws.gpkg");
    drop(Workspace::create(&ws).unwrap());
    let gj = common::write(dir.path(), "a.geojson", common::squares_geojson(&["A1"]));
    let view = dir.path().join("ro");
    let Some(undo) = read_only_view(&data, &view) else {
        return;
    };
    let ro_ws = view.join("ws.gpkg");
    let before = common::sha256(&ro_ws);
    let out = common::cli(&[
        "import",
        "boundaries",
        &s(&ro_ws),
        &s(&gj),
        "--geography",
        "area",
    ]);
    let err = stderr(&out);
    let info = common::cli(&["info", &s(&ro_ws)]);
    undo();
    assert!(
        err.contains("the workspace is read-only: copy it somewhere you can write"),
        "{err}"
    );
    assert!(err.contains(&s(&ro_ws)), "{err}");
    assert!(!err.contains("Error code 8"), "{err}");
    assert!(
        info.status.success(),
        "a read-only workspace can still be read"
    );
    assert_eq!(common::sha256(&ws), before);
}

#[test]
fn a_workspace_in_use_says_wait_for_the_other_import() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.gpkg");
    drop(Workspace::create(&ws).unwrap());
    let holder = rusqlite::Connection::open(&ws).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO atlas_meta VALUES ('busy', 'x');")
        .unwrap();
    let err = stderr(&import_squares(&ws, dir.path()));
    holder.execute_batch("ROLLBACK").unwrap();
    assert!(
        err.contains("in use by another Local Atlas (an import running?): wait for it"),
        "{err}"
    );
    assert!(err.contains(&s(&ws)), "{err}");
    assert!(!err.contains("not a readable"), "{err}");
}

#[test]
fn a_folder_given_as_a_workspace_is_called_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let err = stderr(&common::cli(&["info", &s(dir.path())]));
    assert!(err.contains("is a folder, not a workspace file"), "{err}");
    let err = stderr(&common::cli(&["init", &s(dir.path())]));
    assert!(err.contains("is a folder"), "{err}");
}

#[test]
fn a_workspace_in_a_missing_folder_says_create_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("nowhere").join("ws.gpkg");
    let err = stderr(&common::cli(&["init", &s(&ws)]));
    assert!(
        err.contains("does not exist: create it or choose another"),
        "{err}"
    );
    assert!(err.contains("nowhere"), "{err}");
}

#[test]
fn os_errors_are_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.gpkg");
    drop(Workspace::create(&ws).unwrap());
    let missing = dir.path().join("missing.geojson");
    let out = common::cli(&[
        "import",
        "boundaries",
        &s(&ws),
        &s(&missing),
        "--geography",
        "a",
    ]);
    let err = stderr(&out);
    assert!(err.contains("missing.geojson"), "{err}");
    assert!(err.matches("os error").count() <= 1, "{err}");
    assert!(err.matches("No such file").count() <= 1, "{err}");
}

/// Runs the binary as an unprivileged user (`nobody` via setpriv when the tests run as root,
/// who ignores file permissions), or `None` after `skipping:` when that is not possible.
fn cli_unprivileged(args: &[&str]) -> Option<Output> {
    let bin = env!("CARGO_BIN_EXE_local-atlas");
    if !is_root() {
        return Some(common::cli(args));
    }
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", bin])
        .args(args)
        .output();
    match out {
        Ok(o) if !String::from_utf8_lossy(&o.stderr).contains("setpriv:") => Some(o),
        _ => {
            eprintln!("skipping: cannot run as an unprivileged user here");
            None
        }
    }
}

fn open_dir(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_workspace_that_may_not_be_read_says_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    open_dir(dir.path());
    let ws = dir.path().join("ws.gpkg");
    drop(Workspace::create(&ws).unwrap());
    std::fs::set_permissions(&ws, std::fs::Permissions::from_mode(0o000)).unwrap();
    let Some(out) = cli_unprivileged(&["info", &s(&ws)]) else {
        return;
    };
    let err = stderr(&out);
    assert!(err.contains("permission denied: ask for access"), "{err}");
    assert!(err.contains(&s(&ws)), "{err}");
    assert!(err.matches("os error").count() <= 1, "{err}");
}

#[test]
fn a_write_protected_workspace_says_it_is_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    open_dir(dir.path());
    let ws = dir.path().join("ws.gpkg");
    drop(Workspace::create(&ws).unwrap());
    let gj = common::write(dir.path(), "a.geojson", common::squares_geojson(&["A1"]));
    std::fs::set_permissions(&gj, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&ws, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = common::sha256(&ws);
    let args = [
        "import",
        "boundaries",
        &s(&ws),
        &s(&gj),
        "--geography",
        "area",
    ];
    let Some(out) = cli_unprivileged(&args) else {
        return;
    };
    let err = stderr(&out);
    assert!(
        err.contains("the workspace is read-only: copy it somewhere you can write"),
        "{err}"
    );
    assert_eq!(common::sha256(&ws), before);
}

#[test]
fn a_workspace_locked_while_another_import_commits_is_not_called_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.gpkg");
    drop(Workspace::create(&ws).unwrap());
    let holder = rusqlite::Connection::open(&ws).unwrap();
    holder
        .execute_batch("BEGIN EXCLUSIVE; INSERT INTO atlas_meta VALUES ('busy', 'x');")
        .unwrap();
    let err = stderr(&common::cli(&["info", &s(&ws)]));
    holder.execute_batch("ROLLBACK").unwrap();
    assert!(err.contains("in use by another Local Atlas"), "{err}");
    assert!(!err.contains("not a readable"), "{err}");
}
