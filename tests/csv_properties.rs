//! Properties of the CSV reader every tabular import uses: no input makes it panic, and a
//! number written by a program reads back as the same number.

use local_atlas::data::import::csv_text::{Cell, Table, TextEncoding, decode, parse_cell};
use proptest::prelude::*;

/// Text made of the characters that matter to CSV and to numbers, so the cases hit quoting,
/// delimiters, line ends, BOMs, markers, signs, exponents and thousands separators.
fn csvish() -> impl Strategy<Value = String> {
    let chars = vec![
        'a', 'Z', '0', '1', '9', ',', ';', '\t', '"', '\n', '\r', ' ', '.', '-', '+', 'e', 'E',
        '*', 'x', ':', '\u{FEFF}', 'é', '\0',
    ];
    proptest::collection::vec(proptest::sample::select(chars), 0..200)
        .prop_map(|v| v.into_iter().collect())
}

const ENCODINGS: [TextEncoding; 3] = [
    TextEncoding::Auto,
    TextEncoding::Utf8,
    TextEncoding::Windows1252,
];

#[test]
fn files_with_crlf_or_cr_line_ends_name_the_right_line() {
    for text in ["code,value\r\nA,1\r\nB,2,3\r\n", "code,value\rA,1\rB,2,3\r"] {
        let e = Table::parse("f.csv", text).err().map(|e| e.to_string());
        assert!(
            e.as_deref().is_some_and(|e| e.contains("line 3")),
            "{text:?}: {e:?}"
        );
    }
    let t = Table::parse("f.csv", "code,value\r\nA,1\r\nB,2\r\n").unwrap();
    let lines: Vec<u64> = t.rows.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [2, 3]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_cell_never_panics_on_any_string(s in any::<String>()) {
        let _ = parse_cell(&s);
    }

    #[test]
    fn parse_cell_never_panics_on_number_like_text(s in csvish()) {
        if let Cell::Number(v) = parse_cell(&s) {
            prop_assert!(v.is_finite());
        }
    }

    #[test]
    fn a_formatted_finite_number_reads_back_exactly(v in any::<f64>()) {
        prop_assume!(v.is_finite());
        for text in [format!("{v}"), format!("{v:e}"), format!("{v:?}"), format!(" {v} ")] {
            prop_assert_eq!(parse_cell(&text), Cell::Number(v), "{}", text);
        }
    }

    #[test]
    fn decode_and_parse_never_panic_on_any_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..600)
    ) {
        for enc in ENCODINGS {
            if let Ok(text) = decode("f.csv", &bytes, enc) {
                let _ = Table::parse("f.csv", &text);
            }
        }
    }

    #[test]
    fn parse_never_panics_on_csv_like_text_and_keeps_rows_square(text in csvish()) {
        // Lines end with LF, CRLF or CR: records start on line 2 or later.
        if let Ok(t) = Table::parse("f.csv", &text) {
            let mut last = 0;
            for (line, row) in &t.rows {
                prop_assert_eq!(row.len(), t.headers.len());
                prop_assert!(*line >= last);
                prop_assert!(*line >= 2, "line {}", line);
                last = *line;
            }
            prop_assert!(t.headers.iter().all(|h| !h.is_empty()));
        }
    }
}
