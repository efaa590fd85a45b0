//! The bureau's tasks from the command line on the sample project: a district map with ward
//! names, human names instead of codes, find anything, the area card, and imports that fix
//! what they can and report every problem in one pass.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One sample workspace for the read-only tests (built once).
fn sample() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, ws) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let ws = common::cli_sample(dir.path());
        (dir, ws)
    });
    ws
}

/// A private copy of the sample (for tests that write).
fn sample_copy(dir: &Path) -> PathBuf {
    let to = dir.join("copy.gpkg");
    std::fs::copy(sample(), &to).unwrap();
    to
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// The text of an SVG's `<text>` elements (the same scene as the PDF and PNG).
fn svg_text(path: &Path) -> String {
    let svg = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    for part in svg.split("<text").skip(1) {
        let body = part.split_once('>').map(|(_, b)| b).unwrap_or_default();
        let body = body.split("</text>").next().unwrap_or_default();
        let plain: String = body
            .split('<')
            .map(|seg| seg.split_once('>').map_or(seg, |(_, t)| t))
            .collect();
        out.push_str(&plain.replace("&amp;", "&").replace("&apos;", "'"));
        out.push('\n');
    }
    out
}

const BOLTON_WARDS: [&str; 4] = [
    "Astley Bridge",
    "Breightmet",
    "Farnworth",
    "Horwich North East",
];

#[test]
fn the_bolton_map_with_ward_names_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("bolton.svg");
    let args = [
        "map",
        &s(sample()),
        "--geography",
        "lsoa11",
        "--indicator",
        "idaci_score",
        "--extent",
        "lad16:Bolton",
        "--outline",
        "ward17:labels",
        "--title",
        "Child poverty in Bolton",
        "--out",
        &s(&svg),
        "--json",
    ];
    let r = common::cli_ok(&args);
    let text = svg_text(&svg);
    assert!(text.contains("Child poverty in Bolton"), "{text}");
    for ward in BOLTON_WARDS {
        assert!(text.contains(ward), "ward label {ward} missing: {text}");
    }
    for elsewhere in ["Fallowfield", "Moss Side", "Wigan Central"] {
        assert!(
            !text.contains(elsewhere),
            "{elsewhere} is not in Bolton: {text}"
        );
    }
    for code in ["lsoa11", "ward17", "lad16"] {
        assert!(
            !text.contains(code),
            "raw geography code {code} on the map: {text}"
        );
    }
    assert!(
        text.contains("LSOA (2011)"),
        "subtitle names the geography: {text}"
    );
    assert!(text.contains("Ward (2017) boundaries"), "legend: {text}");
    // IDACI is stored as a proportion and shown as a percentage (metadata multiplier 100).
    assert!(text.contains("(%)"), "unit in the legend heading: {text}");
    let dropped = r["labels_dropped"].as_u64().unwrap();
    assert_eq!(
        dropped as usize,
        r["dropped_labels"].as_array().unwrap().len(),
        "{r}"
    );
    // The licence line is said once.
    assert_eq!(
        text.matches("Open Government Licence v3.0").count(),
        2,
        "one OGL sentence per source (IoD, ONS boundaries): {text}"
    );
    // The same map as an A4 PDF, from the same flags.
    let pdf = dir.path().join("bolton.pdf");
    let mut pdf_args = args.to_vec();
    let out = s(&pdf);
    let at = pdf_args.iter().position(|a| *a == "--out").unwrap() + 1;
    pdf_args[at] = &out;
    common::cli_ok(&pdf_args);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    // Its text as a PDF viewer reads it (pdftotext, installed by CI).
    match std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
    {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            assert!(text.contains("Child poverty in Bolton"), "{text}");
            assert!(text.contains("Astley Bridge"), "{text}");
            for code in ["lsoa11", "ward17", "lad16"] {
                assert!(!text.contains(code), "{code} in the PDF: {text}");
            }
        }
        _ => eprintln!("skipping: pdftotext is not installed, the PDF's text is not read"),
    }
}

#[test]
fn an_extent_by_code_a_view_box_and_bad_extents() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("m.svg");
    let base = |extent: &str| -> std::process::Output {
        common::cli(&[
            "map",
            &s(sample()),
            "--geography",
            "lsoa11",
            "--indicator",
            "imd_score",
            "--extent",
            extent,
            "--out",
            &s(&svg),
        ])
    };
    assert!(base("ward17:E05000701").status.success());
    assert!(base("view:380000,390000,390000,400000").status.success());
    let bad = base("lad16:Atlantis");
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("no area 'Atlantis' in geography 'lad16'"),
        "{err}"
    );
    let bad = base("view:1,2,3");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("MIN_X,MIN_Y,MAX_X,MAX_Y"));
}

#[test]
fn find_searches_every_geography_and_says_when_nothing_matches() {
    let r = common::cli_ok(&["find", &s(sample()), "Fallowfield", "--json"]);
    let first = &r["results"][0];
    assert_eq!(first["kind"], "area");
    assert_eq!(first["geography"], "ward17");
    assert_eq!(first["geography_title"], "Ward (2017)");
    assert_eq!(first["code"], "E05000701");
    let r = common::cli_ok(&["find", &s(sample()), "bolton", "--json"]);
    assert_eq!(
        r["results"][0]["code"], "E08000001",
        "the district first: {r}"
    );
    assert_eq!(
        r["results"][0]["geography_title"],
        "Local authority district"
    );
    let r = common::cli_ok(&["find", &s(sample()), "child", "--json"]);
    assert!(
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "indicator" && f["code"] == "idaci_score"),
        "{r}"
    );
    let out = common::cli(&["find", &s(sample()), "Atlantis"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("no match for 'Atlantis'"));
}

#[test]
fn the_area_card_lists_every_indicator_and_the_parents() {
    let r = common::cli_ok(&["area", &s(sample()), "E01005067", "--json"]);
    assert_eq!(r["area"]["geography"], "lsoa11");
    let values = r["values"].as_array().unwrap();
    assert_eq!(
        values.len(),
        35,
        "every indicator of the LSOA: 30 IoD, 4 population, burglaries"
    );
    let people = values
        .iter()
        .find(|v| v["indicator"] == "population_total")
        .unwrap();
    assert_eq!(people["period"], "2019");
    let idaci = values
        .iter()
        .find(|v| v["indicator"] == "idaci_score")
        .unwrap();
    assert!(idaci["shown"].as_str().unwrap().ends_with('%'), "{idaci}");
    let parents: Vec<&str> = r["parents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["area"]["geography"].as_str().unwrap())
        .collect();
    assert_eq!(parents, ["lad16", "ward17"], "{r}");
    // A ward: its district found through its LSOAs.
    let r = common::cli_ok(&["area", &s(sample()), "e05000701", "--json"]);
    assert_eq!(r["area"]["name"], "Fallowfield");
    assert_eq!(r["parents"][0]["area"]["name"], "Manchester", "{r}");
    let out = common::cli(&["area", &s(sample()), "E09999999"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no area with code 'E09999999'"));
}

#[test]
fn geographies_have_display_names_that_can_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample_copy(dir.path());
    let info = common::cli_ok(&["info", &s(&ws), "--json"]);
    let title = |info: &serde_json::Value, name: &str| {
        info["geographies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == name)
            .unwrap()["title"]
            .clone()
    };
    assert_eq!(title(&info, "lsoa11"), "LSOA (2011)");
    assert_eq!(title(&info, "ward17"), "Ward (2017)");
    assert_eq!(title(&info, "lad16"), "Local authority district");
    let r = common::cli_ok(&[
        "geography",
        "rename",
        &s(&ws),
        "lsoa11",
        "--title",
        "Neighbourhood",
        "--json",
    ]);
    assert_eq!(r["title"], "Neighbourhood");
    let info = common::cli_ok(&["info", &s(&ws), "--json"]);
    assert_eq!(title(&info, "lsoa11"), "Neighbourhood");
    let svg = dir.path().join("m.svg");
    common::cli_ok(&[
        "map",
        &s(&ws),
        "--geography",
        "lsoa11",
        "--indicator",
        "imd_score",
        "--out",
        &s(&svg),
        "--json",
    ]);
    assert!(svg_text(&svg).contains("Neighbourhood, 2019"));
    let out = common::cli(&["geography", "rename", &s(&ws), "nope", "--title", "x"]);
    assert!(!out.status.success());
}

#[test]
fn a_saved_lisa_result_is_titled_in_words_with_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample_copy(dir.path());
    common::cli_ok(&[
        "stats",
        &s(&ws),
        "lisa",
        "--geography",
        "lsoa11",
        "--indicator",
        "health_score",
        "--permutations",
        "99",
        "--fdr",
        "--save",
        "--json",
    ]);
    let info = common::cli_ok(&["info", &s(&ws), "--json"]);
    let cluster = info["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "health_score_lisa_cluster")
        .unwrap()
        .clone();
    assert_eq!(
        cluster["title"],
        "LISA clusters of Health deprivation and disability: score, queen, 99 permutations, FDR 5%"
    );
    assert_eq!(cluster["theme"], "Health");
    let svg = dir.path().join("lisa.svg");
    common::cli_ok(&[
        "map",
        &s(&ws),
        "--geography",
        "lsoa11",
        "--indicator",
        "health_score_lisa_cluster",
        "--out",
        &s(&svg),
        "--json",
    ]);
    let text = svg_text(&svg);
    assert!(
        text.contains("English Indices of Deprivation 2019"),
        "{text}"
    );
    assert!(!text.contains("Computed by Local Atlas"), "{text}");
}

#[test]
fn every_problem_of_a_file_is_reported_in_one_run_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample_copy(dir.path());
    let before = common::sha256(&ws);
    let csv = common::write(
        dir.path(),
        "rents.csv",
        "lsoa11cd,Average rent (£/month),Households\n\
         E01005067,£872,1200\n\
         E01005068,lots,1300\n\
         E01005069,£900,many\n\
         E01005070,much,1100\n",
    );
    let out = common::cli(&[
        "import",
        "indicators",
        &s(&ws),
        &s(&csv),
        "--geography",
        "lsoa11",
        "--wide",
        "--period",
        "2024",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("column 'Average rent (£/month)'"), "{err}");
    assert!(err.contains("line 3: 'lots' is not a number"), "{err}");
    assert!(
        err.contains("column 'Households'"),
        "both columns in one run: {err}"
    );
    assert_eq!(common::sha256(&ws), before, "nothing written");
    // Fixed, the headers become clean codes with the header as the title.
    let csv = common::write(
        dir.path(),
        "rents.csv",
        "lsoa11cd,Average rent (£/month),Households\nE01005067,£872,1200\nE01005068,£910,1300\n",
    );
    let r = common::cli_ok(&[
        "import",
        "indicators",
        &s(&ws),
        &s(&csv),
        "--geography",
        "lsoa11",
        "--wide",
        "--period",
        "2024",
        "--allow-unmatched",
        "--json",
    ]);
    assert_eq!(r["fixed_values"], 2, "{r}");
    let info = common::cli_ok(&["info", &s(&ws), "--json"]);
    let rent = info["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "average_rent_gbp_month")
        .unwrap_or_else(|| panic!("{info}"))
        .clone();
    assert_eq!(rent["title"], "Average rent (£/month)");
}

#[test]
fn the_recipe_example_in_the_readme_is_a_valid_recipe() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("#### Recipe format")
        .nth(1)
        .expect("the section");
    let json = section
        .split("```json")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a JSON example");
    let spec = local_atlas::ops::map::recipe::parse(json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spec.title, "Child poverty in Bolton");
    assert_eq!(spec.layers.len(), 4);
    assert!(matches!(
        spec.extent,
        local_atlas::render::spec::Extent::Areas { ref codes, .. } if codes == &["E08000001"]
    ));
}

#[test]
fn the_members_of_a_found_area_come_from_the_lookup_or_the_geometry() {
    let ws = local_atlas::ops::Workspace::open(sample()).unwrap();
    let by_lookup = local_atlas::ops::find::members(&ws, "ward17", "E05000701", "lsoa11").unwrap();
    assert!(by_lookup.len() >= 5, "Fallowfield's LSOAs: {by_lookup:?}");
    // lad16 → ward17 has no lookup: the wards whose interior point is in Bolton.
    let wards = local_atlas::ops::find::members(&ws, "lad16", "E08000001", "ward17").unwrap();
    assert_eq!(wards.len(), 20, "Bolton's 20 wards: {wards:?}");
    assert!(
        wards.contains(&"E05000667".to_string()),
        "Tonge with the Haulgh"
    );
}

#[test]
fn a_district_has_no_ward_for_a_parent() {
    let r = common::cli_ok(&["area", &s(sample()), "E08000001", "--json"]);
    assert_eq!(r["area"]["name"], "Bolton");
    assert_eq!(r["parents"].as_array().unwrap().len(), 0, "{r}");
}

#[test]
fn a_mistyped_district_code_is_reported_with_the_code_it_looks_like() {
    let dir = tempfile::tempdir().unwrap();
    let csv = common::write(
        dir.path(),
        "gp_counts.csv",
        "area_code,gp_practices\nE08000001,51\nE0800003,96\nE08000010,44\n",
    );
    let out = common::cli(&[
        "import",
        "indicators",
        &s(sample()),
        &s(&csv),
        "--geography",
        "lad16",
        "--wide",
        "--period",
        "2018",
        "--check",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("some look mistyped: E0800003 → E08000003"),
        "{err}"
    );
    let r = common::cli_ok(&[
        "import",
        "indicators",
        &s(sample()),
        &s(&csv),
        "--geography",
        "lad16",
        "--wide",
        "--period",
        "2018",
        "--check",
        "--allow-unmatched",
        "--json",
    ]);
    assert_eq!(r["suggested_codes"][0], "E0800003 → E08000003", "{r}");
    // Asked to, the import takes the code it looks like, and says so.
    let r = common::cli_ok(&[
        "import",
        "indicators",
        &s(sample()),
        &s(&csv),
        "--geography",
        "lad16",
        "--wide",
        "--period",
        "2018",
        "--check",
        "--fix-codes",
        "--json",
    ]);
    assert_eq!(
        (r["matched"].as_u64(), r["fixed_codes"].as_u64()),
        (Some(3), Some(1)),
        "{r}"
    );
    assert_eq!(
        r["fixed_code_examples"][0],
        "line 3: E0800003 → E08000003 (looked mistyped)"
    );
}

/// The sample project carries what a partnership's first workshop needs beyond the IMD: the
/// population by LSOA, GP practices and libraries, and the Wigan postcode lookup.
#[test]
fn the_sample_project_has_population_services_and_postcodes() {
    let info = common::cli_ok(&["info", &s(sample()), "--json"]);
    let layers: Vec<(String, u64)> = info["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap().to_string(),
                l["features"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(layers.contains(&("gp_practices".into(), 596)), "{layers:?}");
    assert!(layers.contains(&("libraries".into(), 141)), "{layers:?}");
    assert_eq!(info["postcodes"]["postcodes"], 7597);
    // GM's mid-2019 population is 2,835,686 (ONS), summed over the sample's LSOAs.
    let out = std::env::temp_dir().join(format!("pop-{}.csv", std::process::id()));
    common::cli_ok(&[
        "export-data",
        &s(sample()),
        "--geography",
        "lsoa11",
        "--indicator",
        "population_total",
        "--out",
        &s(&out),
        "--json",
    ]);
    let mut r = csv::Reader::from_path(&out).unwrap();
    let col = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "value")
        .unwrap();
    let total: f64 = r
        .records()
        .map(|x| x.unwrap()[col].parse::<f64>().unwrap())
        .sum();
    std::fs::remove_file(&out).ok();
    assert_eq!(total, 2_835_686.0);
    // A Wigan postcode finds its LSOA.
    let found = common::cli_ok(&["find", &s(sample()), "wn1 1aa", "--json"]);
    assert!(found.to_string().contains("E01006369"), "{found}");
}

/// The sample's burglary counts per LSOA are what `aggregate-points` counts from its 2018
/// burglary points (the seed was made so; this re-counts them).
#[test]
fn the_sample_burglary_counts_are_the_counted_points() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample_copy(dir.path());
    let r = common::cli_ok(&[
        "aggregate-points",
        &s(&ws),
        "--layer",
        "burglaries_2018",
        "--geography",
        "lsoa11",
        "--indicator",
        "recount",
        "--period-field",
        "Month",
        "--period-format",
        "YYYY",
        "--json",
    ]);
    assert_eq!(r["points"], 30198);
    assert_eq!(r["assigned"], 30189);
    assert_eq!(r["periods"], serde_json::json!(["2018"]));
    let read = |code: &str| -> std::collections::HashMap<String, String> {
        let out = dir.path().join(format!("{code}.csv"));
        common::cli_ok(&[
            "export-data",
            &s(&ws),
            "--geography",
            "lsoa11",
            "--indicator",
            code,
            "--period",
            "2018",
            "--out",
            &s(&out),
            "--json",
        ]);
        csv::Reader::from_path(&out)
            .unwrap()
            .deserialize::<std::collections::HashMap<String, String>>()
            .map(|row| {
                let row = row.unwrap();
                (row["area_code"].clone(), row["value"].clone())
            })
            .collect()
    };
    let (seeded, recounted) = (read("burglary_count"), read("recount"));
    assert_eq!(seeded.len(), 1673);
    assert_eq!(seeded, recounted);
}
