//! Limits on what a user controls: files read whole, recipe texts and layers, index options.

mod common;

use std::path::Path;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn fails_with(args: &[&str], needles: &[&str]) {
    let started = std::time::Instant::now();
    let out = common::cli(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: {err} lacks {n}");
    }
    assert!(started.elapsed().as_secs() < 60, "{args:?} took too long");
}

fn workspace(dir: &Path) -> std::path::PathBuf {
    let ws = dir.join("ws.gpkg");
    let geo = common::write(dir, "a.geojson", common::squares_geojson(&["E01", "E02"]));
    let csv = common::write(dir, "v.csv", "area_code,score\nE01,1\nE02,2\n");
    for args in [
        vec!["init", s(&ws)],
        vec!["import", "boundaries", s(&ws), s(&geo), "--geography", "g"],
        vec![
            "import",
            "indicators",
            s(&ws),
            s(&csv),
            "--geography",
            "g",
            "--wide",
            "--period",
            "2024",
        ],
    ] {
        let out = common::cli(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    ws
}

#[cfg(unix)]
#[test]
fn devices_given_as_spec_recipe_or_reference_file_are_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    fails_with(
        &["index", s(&ws), "--spec", "/dev/zero"],
        &["/dev/zero", "not a regular file"],
    );
    fails_with(
        &[
            "map",
            s(&ws),
            "--recipe-file",
            "/dev/zero",
            "--out",
            s(&dir.path().join("m.svg")),
        ],
        &["/dev/zero", "not a regular file"],
    );
    let spec = common::write(
        dir.path(),
        "i.toml",
        "name = \"i\"\ngeography = \"g\"\n[rank_against]\nfile = \"/dev/zero\"\ncolumn = \"x\"\n[[domain]]\nindicator = \"score\"\ninput = \"score\"\ndirection = \"higher_is_worse\"\ntransform = \"none\"\nweight = 1\n",
    );
    fails_with(&["index", s(&ws), "--spec", s(&spec)], &["/dev/zero"]);
}

#[test]
fn a_saved_recipe_with_a_huge_title_fails_fast() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let title = "x".repeat(1 << 20);
    let json = serde_json::to_value(local_atlas::render::spec::MapSpec {
        title,
        ..Default::default()
    })
    .unwrap();
    {
        let w = local_atlas::data::Workspace::open(&ws).unwrap();
        local_atlas::data::recipes::save(&w, "big", &json.to_string()).unwrap();
    }
    let out = dir.path().join("m.svg");
    fails_with(
        &[
            "map",
            s(&ws),
            "--recipe",
            "big",
            "--indicator",
            "score",
            "--out",
            s(&out),
        ],
        &["title", "1000"],
    );
    fails_with(
        &[
            "map",
            s(&ws),
            "--geography",
            "g",
            "--indicator",
            "score",
            "--title",
            &"t".repeat(1001),
            "--out",
            s(&out),
        ],
        &["title", "1000"],
    );
    assert!(!out.exists());
}

#[test]
fn index_options_out_of_range_name_the_spec_line() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let head = "name = \"i\"\ngeography = \"g\"\n[[domain]]\nindicator = \"score\"\ninput = \"score\"\ndirection = \"higher_is_worse\"\n";
    for (body, line) in [
        ("weight = 1.7e308\n", 7),
        ("weight = 1\n[sensitivity]\ndraws = 100000000\n", 9),
        ("weight = 1\n[sensitivity]\ninterval = 2.5\n", 9),
        ("weight = 1\n[sensitivity]\nconcentration = 0\n", 9),
        ("weight = 1\n[sensitivity]\nunstable_share = -1\n", 9),
        ("weight = 0\n", 7),
    ] {
        let spec = common::write(dir.path(), "i.toml", format!("{head}{body}"));
        fails_with(
            &["index", s(&ws), "--spec", s(&spec)],
            &[&format!("i.toml, line {line}")],
        );
    }
}
