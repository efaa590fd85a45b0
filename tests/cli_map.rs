//! `map` and `atlas` through the real binary: the JSON contract, recipes, flag errors.

mod common;

use common::{cli as run, cli_ok as ok, cli_sample as sample};
use serde_json::Value;

#[test]
fn map_writes_every_format_and_saves_recipes() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path()).display().to_string();
    let png = dir.path().join("imd.png").display().to_string();
    let r = ok(&[
        "map",
        &ws,
        "--geography",
        "lsoa11",
        "--indicator",
        "income_score",
        "--method",
        "quantile",
        "--classes",
        "4",
        "--palette",
        "Blues",
        "--width",
        "600",
        "--height",
        "400",
        "--outline",
        "lad16",
        "--save-recipe",
        "Income",
        "--out",
        &png,
        "--json",
    ]);
    assert_eq!(r["format"], "png");
    assert_eq!(
        (r["width_px"].as_u64(), r["height_px"].as_u64()),
        (Some(600), Some(400))
    );
    assert_eq!(r["saved_recipe"], "Income");
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let info = ok(&["info", &ws, "--json"]);
    let recipes: Vec<&str> = info["recipes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        recipes.contains(&"Income") && recipes.contains(&"IMD 2019"),
        "{recipes:?}"
    );
    // The saved recipe with one flag changed, to SVG and PDF.
    let svg = dir.path().join("income.svg").display().to_string();
    let r = ok(&[
        "map",
        &ws,
        "--recipe",
        "Income",
        "--title",
        "Income & <poverty>",
        "--no-counts",
        "--out",
        &svg,
        "--json",
    ]);
    assert_eq!(r["format"], "svg");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("Income &amp; &lt;poverty&gt;"));
    let counted = text.split("</text>").any(|t| {
        t.strip_suffix(')')
            .and_then(|t| t.rsplit_once('('))
            .is_some_and(|(_, n)| {
                !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == ',')
            })
    });
    assert!(!counted, "--no-counts: no '(n)' in the legend");
    assert_eq!(
        text.matches("data-code=\"E01").count(),
        1673,
        "one path per LSOA"
    );
    let pdf = dir.path().join("imd.pdf").display().to_string();
    let r = ok(&[
        "map",
        &ws,
        "--recipe",
        "IMD 2019",
        "--page",
        "a3",
        "--landscape",
        "--out",
        &pdf,
        "--json",
    ]);
    assert!((r["width_mm"].as_f64().unwrap() - 420.0).abs() < 1e-9);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
}

#[test]
fn atlas_and_flag_errors() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path()).display().to_string();
    let out = dir.path().join("districts").display().to_string();
    let r = ok(&[
        "atlas", &ws, "--recipe", "IMD 2019", "--per", "lad16", "--out", &out, "--format", "svg",
        "--json",
    ]);
    assert_eq!(r["pages"], 10);
    assert_eq!(r["files"].as_array().unwrap().len(), 10);
    assert!(r["pdf_single"].is_null());
    for (args, expected) in [
        (
            vec!["map", &ws, "--indicator", "imd_score", "--out", "x.png"],
            "--geography",
        ),
        (
            vec!["map", &ws, "--recipe", "Nope", "--out", "x.png"],
            "saved recipes: Child poverty (IDACI), IMD 2019",
        ),
        (
            vec![
                "map",
                &ws,
                "--recipe",
                "IMD 2019",
                "--hatch",
                "imd_score",
                "--out",
                "x.png",
            ],
            "INDICATOR:PERCENT",
        ),
        (
            vec!["atlas", &ws, "--recipe", "IMD 2019", "--per", "lad16"],
            "--out DIR",
        ),
    ] {
        let o = run(&args);
        assert!(!o.status.success(), "{args:?} should fail");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

#[test]
fn lisa_cluster_maps_and_recipe_files() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path()).display().to_string();
    ok(&[
        "stats",
        &ws,
        "lisa",
        "--geography",
        "lsoa11",
        "--indicator",
        "imd_score",
        "--permutations",
        "99",
        "--save",
        "--json",
    ]);
    let svg = dir.path().join("lisa.svg").display().to_string();
    ok(&[
        "map",
        &ws,
        "--geography",
        "lsoa11",
        "--indicator",
        "imd_score_lisa_cluster",
        "--save-recipe",
        "LISA",
        "--out",
        &svg,
        "--json",
    ]);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("High–High") && text.contains("fill=\"#ff0000\""),
        "LISA colours"
    );
    // A recipe edited as a file: the cluster layer with a new title on A3.
    let recipe = dir.path().join("lisa.json");
    let spec = r#"{"title": "Deprivation clusters", "page": {"size": "a3"},
        "layers": [{"kind": "clusters", "geography": "lsoa11", "indicator": "imd_score_lisa_cluster", "scheme": "lisa"}]}"#;
    std::fs::write(&recipe, spec).unwrap();
    let pdf = dir.path().join("lisa.pdf").display().to_string();
    let r = ok(&[
        "map",
        &ws,
        "--recipe-file",
        &recipe.display().to_string(),
        "--out",
        &pdf,
        "--json",
    ]);
    assert!(
        (r["height_mm"].as_f64().unwrap() - 420.0).abs() < 1e-9,
        "A3 portrait"
    );
    std::fs::write(&recipe, "{\"layers\": 3}").unwrap();
    let o = run(&[
        "map",
        &ws,
        "--recipe-file",
        &recipe.display().to_string(),
        "--out",
        &pdf,
    ]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("lisa.json"),
        "names the file"
    );
}

/// Value names are read in any case: users type `--page A4`, `--method Jenks`, `--format SVG`.
#[test]
fn value_names_are_case_insensitive() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path()).display().to_string();
    let svg = dir.path().join("a4.svg").display().to_string();
    let r = ok(&[
        "map",
        &ws,
        "--geography",
        "lsoa11",
        "--indicator",
        "imd_score",
        "--method",
        "Jenks",
        "--page",
        "A3",
        "--out",
        &svg,
        "--json",
    ]);
    assert!(
        (r["width_mm"].as_f64().unwrap() - 297.0).abs() < 1e-9,
        "{r}"
    );
    let r = ok(&[
        "map", &ws, "--recipe", "IMD 2019", "--page", "A4", "--out", &svg, "--json",
    ]);
    assert!(
        (r["width_mm"].as_f64().unwrap() - 210.0).abs() < 1e-9,
        "{r}"
    );
    let r = ok(&[
        "classify",
        &ws,
        "--geography",
        "lsoa11",
        "--indicator",
        "imd_score",
        "--method",
        "HeadTail",
        "--json",
    ]);
    assert_eq!(r["method"], "headtail");
    let out = dir.path().join("lad").display().to_string();
    let r = ok(&[
        "atlas", &ws, "--recipe", "IMD 2019", "--per", "lad16", "--out", &out, "--format", "SVG",
        "--json",
    ]);
    assert_eq!(r["pages"], 10);
    let o = run(&["map", &ws, "--page", "A5", "--out", &svg]);
    assert!(!o.status.success(), "A5 is not a page size");
}

/// A recipe file with a hotspot layer maps the statistic directly, with the counts `stats`
/// prints in the legend, without saving anything into the workspace.
#[test]
fn a_recipe_file_with_a_hotspot_layer_maps_gi_star_as_stats_counts_it() {
    let dir = tempfile::tempdir().unwrap();
    let ws_path = sample(dir.path());
    let ws = ws_path.display().to_string();
    let stats = ok(&[
        "stats",
        &ws,
        "gistar",
        "--geography",
        "lsoa11",
        "--indicator",
        "imd_score",
        "--permutations",
        "99",
        "--json",
    ]);
    let before = common::sha256(&ws_path);
    let recipe = dir.path().join("hot.json");
    let spec = r#"{"layers": [{"kind": "hotspot", "geography": "lsoa11", "indicator": "imd_score",
        "statistic": "gistar", "permutations": 99}]}"#;
    std::fs::write(&recipe, spec).unwrap();
    let svg = dir.path().join("hot.svg").display().to_string();
    ok(&[
        "map",
        &ws,
        "--recipe-file",
        &recipe.display().to_string(),
        "--out",
        &svg,
        "--json",
    ]);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("Hot and cold spots (Gi*) of Index of Multiple Deprivation: score, queen, 99 permutations"),
        "legend title in words"
    );
    for (key, label) in [
        ("hot_99", "Hot spot, 99% confidence"),
        ("not_significant", "Not significant"),
        ("cold_99", "Cold spot, 99% confidence"),
    ] {
        let n = stats["counts"][key].as_u64().unwrap() as f64;
        let row = format!(
            "{label} ({})",
            local_atlas::render::symbology::format_value(n, 0)
        );
        assert!(text.contains(&row), "legend row '{row}'");
    }
    assert_eq!(common::sha256(&ws_path), before, "nothing saved");
}
