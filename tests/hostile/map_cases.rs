//! Hostile map requests: recipe files, option values, texts, layers and output paths.

use super::harness::Case;

const MAP: &str = "map ws.gpkg --geography lsoa --indicator pop";

fn map(name: &str, extra: &str) -> Case {
    Case::new(name, &format!("{MAP} {extra}"))
}

fn map_args(name: &str, extra: &[&str]) -> Case {
    let mut args: Vec<String> = MAP.split_whitespace().map(String::from).collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    Case::with_args(name, args)
}

/// The base workspace's saved recipe `base` as a recipe file, with `title` instead of its own.
fn recipe_with_title(title: &str) -> String {
    let conn = rusqlite::Connection::open(super::harness::base_workspace()).unwrap();
    let spec: String = conn
        .query_row(
            "SELECT spec FROM atlas_recipes WHERE name = 'base'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&spec).unwrap();
    json["title"] = title.into();
    json.to_string()
}

pub fn cases() -> Vec<Case> {
    let long_title = "T".repeat(120_000);
    // 2,000 different geographies (one geography outlined twice is one layer).
    let names: Vec<String> = (0..2000).map(|i| format!("g{i}")).collect();
    let outlines: Vec<&str> = names
        .iter()
        .flat_map(|n| ["--outline", n.as_str()])
        .collect();
    let mut many = vec!["--out", "m.png"];
    many.extend(outlines);
    vec![
        Case::new(
            "recipe_file_dev_zero",
            "map ws.gpkg --recipe-file /dev/zero --out m.png",
        )
        .refused("/dev/zero"),
        Case::new(
            "recipe_file_not_json",
            "map ws.gpkg --recipe-file r.json --out m.png",
        )
        .file("r.json", "{{{{")
        .refused("r.json"),
        Case::new(
            "recipe_file_huge_title",
            "map ws.gpkg --recipe-file r.json --out m.png",
        )
        .file("r.json", recipe_with_title(&"T".repeat(1 << 20)))
        .refused("r.json"),
        Case::new(
            "recipe_file_deep_json",
            "map ws.gpkg --recipe-file r.json --out m.png",
        )
        .file(
            "r.json",
            format!("{}{}", "[".repeat(50_000), "]".repeat(50_000)),
        )
        .refused("r.json"),
        Case::new(
            "recipe_file_folder",
            "map ws.gpkg --recipe-file rdir --out m.png",
        )
        .prepare(|d| std::fs::create_dir(d.join("rdir")).unwrap())
        .refused("rdir"),
        Case::new("recipe_unknown", "map ws.gpkg --recipe nosuch --out m.png").refused("nosuch"),
        map_args("title_120k", &["--title", &long_title, "--out", "m.png"]).refused("title"),
        map_args("note_120k", &["--note", &long_title, "--out", "m.png"]).refused("note"),
        map("classes_million", "--classes 1000000 --out m.png").refused("classes"),
        map("classes_zero", "--classes 0 --out m.png").refused("class"),
        map("breaks_nan", "--breaks NaN,1 --out m.png").refused("breaks"),
        map("breaks_descending", "--breaks 9,1 --out m.png").refused("breaks"),
        map("dpi_huge", "--dpi 100000 --out m.png").refused("dpi"),
        map("size_huge", "--width 1000000 --height 1000000 --out m.png").refused("px"),
        map("dpi_zero", "--dpi 0 --out m.png").refused("dpi"),
        map("palette_unknown", "--palette NoSuchPalette --out m.png").refused("NoSuchPalette"),
        map("hatch_huge", "--hatch pop:1e308 --out m.png").refused("hatch"),
        map("hatch_nan", "--hatch pop:NaN --out m.png").refused("hatch"),
        map("points_unknown", "--points nosuch --out m.png").refused("nosuch"),
        map("out_missing_folder", "--out nofolder/m.png").refused("nofolder"),
        map("out_unknown_format", "--out m.xyz").refused("m.xyz"),
        map("out_is_folder", "--out outdir")
            .prepare(|d| std::fs::create_dir(d.join("outdir")).unwrap())
            .refused("outdir"),
        map_args("outlines_2000", &many).refused("layers"),
        map("symlinked_temporary", "--out m.png")
            .prepare(|d| {
                std::fs::write(d.join("victim.txt"), "keep me").unwrap();
                std::os::unix::fs::symlink(d.join("victim.txt"), d.join(".m.png.partial")).unwrap();
            })
            .accepted()
            .after(|d| {
                assert_eq!(
                    std::fs::read(d.join("victim.txt")).ok(),
                    Some(b"keep me".to_vec()),
                    "the map wrote through a symlink"
                );
            }),
        Case::new(
            "export_missing_folder",
            "export-data ws.gpkg --geography lsoa --indicator pop --out nofolder/x.csv",
        )
        .refused("nofolder"),
        Case::new(
            "export_symlinked_target_folder",
            "export-data ws.gpkg --geography lsoa --indicator pop --out x.csv",
        )
        .prepare(|d| {
            std::fs::write(d.join("victim.txt"), "keep me").unwrap();
            std::os::unix::fs::symlink(d.join("victim.txt"), d.join("x.csv.part")).unwrap();
            std::os::unix::fs::symlink(d.join("victim.txt"), d.join(".x.csv.partial")).unwrap();
        })
        .accepted()
        .after(|d| {
            assert_eq!(
                std::fs::read(d.join("victim.txt")).ok(),
                Some(b"keep me".to_vec()),
                "export wrote through a symlink"
            );
        }),
        Case::new(
            "weights_missing_folder",
            "weights ws.gpkg --geography lsoa --out nofolder/w.gal",
        )
        .refused("nofolder"),
        Case::new(
            "atlas_missing_geography",
            "atlas ws.gpkg --recipe base --per nosuch --out pages",
        )
        .refused("nosuch"),
    ]
}
