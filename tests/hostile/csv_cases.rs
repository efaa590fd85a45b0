//! Hostile CSV files: indicator imports (long and wide), metadata, lookups and point layers.

use super::harness::{Case, area_codes};

fn import(file: &str, extra: &str) -> String {
    format!("import indicators ws.gpkg {file} --geography lsoa {extra}")
}

/// A valid long-form CSV with one bad row appended.
fn long_with(row: &str) -> Vec<u8> {
    let mut s =
        String::from("code,indicator,period,value,numerator,denominator,lower_ci,upper_ci\n");
    for c in area_codes().iter().take(3) {
        s += &format!("{c},x,2024,10,1,10,5,15\n");
    }
    s += row;
    s += "\n";
    s.into_bytes()
}

fn bad(name: &str, bytes: impl Into<Vec<u8>>, extra: &str) -> Case {
    Case::new(name, &import("bad.csv", extra))
        .file("bad.csv", bytes)
        .refused("bad.csv")
}

pub fn cases() -> Vec<Case> {
    let code = &area_codes()[5];
    let mut garbage = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..4096 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        garbage.push((x >> 16) as u8);
    }
    let five_mb = format!(
        "code,indicator,period,value\n{code},x,2024,{}\n",
        "9".repeat(5 << 20)
    );
    let wide_10k: String = {
        let head: Vec<String> = (0..10_000).map(|i| format!("i{i}")).collect();
        let row: Vec<String> = (0..10_000).map(|i| i.to_string()).collect();
        format!("code,{}\n{code},{}\n", head.join(","), row.join(","))
    };
    vec![
        bad("csv_empty", "", ""),
        bad("csv_header_only", "code,indicator,period,value\n", ""),
        bad("csv_bom_only", "\u{feff}", ""),
        bad("csv_random_bytes", garbage, ""),
        bad(
            "csv_invalid_utf8_declared",
            b"code,indicator,value\nE01000001,x,\xff\xfe\n".to_vec(),
            "--encoding utf-8",
        ),
        bad(
            "csv_semicolons",
            format!("code;indicator;period;value\n{code};x;2024;3\n"),
            "",
        ),
        // Tab-separated files are read (the header has tabs and no comma).
        Case::new("csv_tabs", &import("bad.csv", ""))
            .file(
                "bad.csv",
                format!("code\tindicator\tperiod\tvalue\n{code}\tx\t2024\t3\n"),
            )
            .accepted(),
        bad(
            "csv_duplicate_header",
            format!("code,indicator,value,value\n{code},x,1,2\n"),
            "",
        ),
        bad(
            "csv_wide_empty_header",
            format!("code,,b\n{code},1,2\n"),
            "--wide",
        ),
        bad(
            "csv_wide_duplicate_header",
            format!("code,a,a\n{code},1,2\n"),
            "--wide",
        ),
        bad("csv_five_mb_cell", five_mb, ""),
        bad(
            "csv_nul_in_code",
            "code,indicator,period,value\nE0100\u{0}0001,x,2024,1\n",
            "",
        ),
        bad(
            "csv_unclosed_quote",
            format!("code,indicator,period,value\n{code},\"x,2024,1\n"),
            "",
        ),
        bad(
            "csv_ragged_row",
            format!("code,indicator,period,value\n{code},x,2024,1,9,9,9\n"),
            "",
        ),
        bad(
            "csv_negative_count",
            long_with(&format!("{code},x,2024,10,-1,10,5,15")),
            "",
        ),
        // Only a proportion's count may not exceed its denominator (ratios compare with an
        // expected count).
        bad(
            "csv_numerator_over_denominator",
            format!(
                "code,indicator,period,value,numerator,denominator,value_type\n{code},x,2024,10,20,10,Proportion\n"
            ),
            "",
        ),
        bad(
            "csv_zero_denominator",
            long_with(&format!("{code},x,2024,10,1,0,5,15")),
            "",
        ),
        bad(
            "csv_lower_above_upper",
            long_with(&format!("{code},x,2024,10,1,10,15,5")),
            "",
        ),
        // A value outside its own interval is a warning (published values are rounded).
        Case::new("csv_value_outside_ci", &import("bad.csv", ""))
            .file("bad.csv", long_with(&format!("{code},x,2024,99,1,10,5,15")))
            .accepted(),
        bad(
            "csv_value_nan",
            long_with(&format!("{code},x,2024,NaN,,,,")),
            "",
        ),
        bad(
            "csv_value_inf",
            long_with(&format!("{code},x,2024,inf,,,,")),
            "",
        ),
        bad(
            "csv_value_overflow",
            long_with(&format!("{code},x,2024,1e309,,,,")),
            "",
        ),
        bad(
            "csv_formula_code",
            long_with("=cmd|' /C calc'!A0,x,2024,1,,,,"),
            "",
        ),
        bad("csv_wide_10000_columns", wide_10k, "--wide"),
        bad("csv_ten_mb_line", "a".repeat(10 << 20), ""),
        bad(
            "csv_period_one_mb",
            long_with(&format!("{code},x,{},1,,,,", "2".repeat(1 << 20))),
            "",
        ),
        bad(
            "csv_indicator_one_mb",
            long_with(&format!("{code},{},2024,1,,,,", "i".repeat(1 << 20))),
            "",
        ),
        bad(
            "csv_wide_missing_column",
            format!("code,a\n{code},1\n"),
            "--wide --columns a,b",
        ),
        Case::new("csv_dev_zero", &import("/dev/zero", "")).refused("/dev/zero"),
        Case::new("csv_folder", &import("sub", ""))
            .prepare(|d| std::fs::create_dir(d.join("sub")).unwrap())
            .refused("sub"),
        Case::new("csv_missing_file", &import("nothere.csv", "")).refused("nothere.csv"),
        Case::new(
            "csv_metadata_bad_polarity",
            &import("ok.csv", "--metadata meta.csv"),
        )
        .file("ok.csv", long_with(&format!("{code},x,2024,10,1,10,5,15")))
        .file("meta.csv", "code,title,polarity\nx,X,sideways\n")
        .refused("meta.csv"),
        Case::new(
            "csv_metadata_dev_zero",
            &import("ok.csv", "--metadata /dev/zero"),
        )
        .file("ok.csv", long_with(&format!("{code},x,2024,10,1,10,5,15")))
        .refused("/dev/zero"),
        Case::new(
            "lookup_empty",
            "import lookup ws.gpkg lk.csv --from lsoa --to ward",
        )
        .file("lk.csv", "")
        .refused("lk.csv"),
        Case::new(
            "lookup_garbage",
            "import lookup ws.gpkg lk.csv --from lsoa --to ward",
        )
        .file("lk.csv", b"\x00\x01\x02\xff\n\xfe".to_vec())
        .refused("lk.csv"),
        Case::new(
            "lookup_duplicate_header",
            "import lookup ws.gpkg lk.csv --from lsoa --to ward",
        )
        .file("lk.csv", format!("lsoa,lsoa,ward\n{code},{code},W1\n"))
        .refused("lk.csv"),
        Case::new("points_nan", "import points ws.gpkg p.csv --layer p2")
            .file("p.csv", "id,easting,northing\nA,NaN,400000\n")
            .refused("p.csv"),
        Case::new(
            "points_huge_easting",
            "import points ws.gpkg p.csv --layer p2",
        )
        .file("p.csv", "id,easting,northing\nA,1e308,400000\n")
        .refused("p.csv"),
        Case::new(
            "points_lonlat_out_of_range",
            "import points ws.gpkg p.csv --layer p2",
        )
        .file("p.csv", "id,longitude,latitude\nA,500,-300\n")
        .refused("p.csv"),
        Case::new(
            "points_no_coordinates",
            "import points ws.gpkg p.csv --layer p2",
        )
        .file("p.csv", "id,name\nA,B\n")
        .refused("p.csv"),
        Case::new("points_empty", "import points ws.gpkg p.csv --layer p2")
            .file("p.csv", "")
            .refused("p.csv"),
    ]
}
