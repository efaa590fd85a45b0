//! Hostile index specs (`index --spec`), including their reference-score files.

use super::harness::Case;

const DOMAINS: &str = r#"
name = "t"
geography = "lsoa"
[[domain]]
indicator = "pop"
input = "score"
direction = "higher_is_worse"
transform = "none"
weight = W1
[[domain]]
indicator = "rate"
input = "score"
direction = "higher_is_worse"
transform = "none"
weight = W2
"#;

fn spec(w1: &str, w2: &str, extra: &str) -> String {
    format!("{}{extra}\n", DOMAINS.replace("W1", w1).replace("W2", w2))
}

fn bad(name: &str, text: String, names: &str) -> Case {
    Case::new(name, "index ws.gpkg --spec s.toml")
        .file("s.toml", text)
        .refused(names)
}

const SENS: &str = "[sensitivity]\ndraws = 10\nconcentration = 100\nseed = 1\ninterval = 0.9\nunstable_share = 0.25\n";

fn sensitivity(key: &str, value: &str) -> String {
    let mut out = String::new();
    for line in SENS.lines() {
        if line.starts_with(&format!("{key} ")) {
            out += &format!("{key} = {value}\n");
        } else {
            out += line;
            out.push('\n');
        }
    }
    out
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new("spec_control", "index ws.gpkg --spec s.toml")
            .file("s.toml", spec("0.5", "0.5", ""))
            .accepted(),
        Case::new("spec_dev_zero", "index ws.gpkg --spec /dev/zero").refused("/dev/zero"),
        Case::new("spec_folder", "index ws.gpkg --spec sdir")
            .prepare(|d| std::fs::create_dir(d.join("sdir")).unwrap())
            .refused("sdir"),
        bad("spec_syntax_error", "name = \"t\n[[domain".into(), "s.toml"),
        bad(
            "spec_two_mb_comment",
            format!("{}#{}\n", spec("0.5", "0.5", ""), "c".repeat(2 << 20)),
            "s.toml",
        ),
        bad(
            "spec_unknown_indicator",
            spec("0.5", "0.5", "").replace("\"rate\"", "\"nosuch\""),
            "nosuch",
        ),
        bad("spec_weight_huge", spec("1.7e308", "1.7e308", ""), "weight"),
        bad("spec_weights_zero", spec("0", "0", ""), "weight"),
        bad("spec_weight_nan", spec("nan", "0.5", ""), "weight"),
        bad("spec_weight_negative", spec("-1", "0.5", ""), "weight"),
        bad(
            "spec_draws_huge",
            spec("0.5", "0.5", &sensitivity("draws", "100000000")),
            "draws",
        ),
        bad(
            "spec_draws_negative",
            spec("0.5", "0.5", &sensitivity("draws", "-1")),
            "draws",
        ),
        bad(
            "spec_concentration_zero",
            spec("0.5", "0.5", &sensitivity("concentration", "0")),
            "concentration",
        ),
        bad(
            "spec_concentration_nan",
            spec("0.5", "0.5", &sensitivity("concentration", "nan")),
            "concentration",
        ),
        bad(
            "spec_interval_above_one",
            spec("0.5", "0.5", &sensitivity("interval", "2.5")),
            "interval",
        ),
        bad(
            "spec_unstable_negative",
            spec("0.5", "0.5", &sensitivity("unstable_share", "-1")),
            "unstable_share",
        ),
        bad(
            "spec_rank_against_dev_zero",
            spec(
                "0.5",
                "0.5",
                "[rank_against]\nfile = \"/dev/zero\"\ncolumn = \"score\"",
            ),
            "/dev/zero",
        ),
        Case::new("spec_rank_against_garbage", "index ws.gpkg --spec s.toml")
            .file(
                "s.toml",
                spec(
                    "0.5",
                    "0.5",
                    "[rank_against]\nfile = \"ref.csv\"\ncolumn = \"score\"",
                ),
            )
            .file("ref.csv", "code,score\nA,NaN\nB,inf\nA,3\n")
            .refused("ref.csv"),
        bad(
            "spec_of_zero",
            spec("0.5", "0.5", "").replacen("input = \"score\"", "input = \"rank\"\nof = 0", 1),
            "of",
        ),
        Case::new(
            "spec_save_bad_name",
            "index ws.gpkg --spec s.toml --save x\";DROP",
        )
        .file("s.toml", spec("0.5", "0.5", ""))
        .refused("x\";DROP"),
    ]
}
