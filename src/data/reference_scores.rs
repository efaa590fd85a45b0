//! Reading a reference distribution of scores (e.g. the national scores of an index) from one
//! column of a CSV, to rank local areas against it.

use super::import::csv_text::{Cell, Table, TextEncoding, decode, parse_cell};
use crate::error::{InputError, Result};
use std::path::Path;

/// The largest reference-score file read (`[rank_against] file`): 256 MiB, far above a
/// national set (England's 32,844 LSOA scores are about 1 MB), so `/dev/zero` or a wrong
/// multi-gigabyte file is refused without being read.
pub const MAX_REFERENCE_BYTES: u64 = 256 << 20;

/// The finite numbers of column `column` of a CSV, read as the indicator importer reads them
/// ([`parse_cell`]: thousands separators allowed). Empty cells, missing-data and suppression
/// markers are skipped; any other text is an error naming the line.
pub fn read_reference_scores(path: &Path, column: &str) -> Result<Vec<f64>> {
    let file = path.display().to_string();
    let bytes = super::read_limited::read_limited(path, MAX_REFERENCE_BYTES)?;
    let text = decode(&file, &bytes, TextEncoding::Auto)?;
    parse_reference_scores(&file, &text, column)
}

/// Parses reference scores from CSV text (`file` names it in errors).
pub fn parse_reference_scores(file: &str, text: &str, column: &str) -> Result<Vec<f64>> {
    let table = Table::parse(file, text)?;
    let k = table.require(column, "rank_against.column")?;
    let mut out = Vec::with_capacity(table.rows.len());
    for (line, row) in &table.rows {
        let raw = row.get(k).map(|s| s.trim()).unwrap_or_default();
        match parse_cell(raw) {
            Cell::Number(v) => out.push(v),
            Cell::Missing | Cell::Suppressed => {}
            Cell::Text => {
                return Err(InputError::new(file, format!("'{raw}' is not a number"))
                    .line(*line)
                    .column(column)
                    .into());
            }
        }
    }
    if out.is_empty() {
        return Err(InputError::new(file, format!("column '{column}' holds no numbers")).into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_and_names_text() {
        let v = parse_reference_scores("r.csv", "code,score\nA,1.5\nB,\nC,3\n", "score").unwrap();
        assert_eq!(v, vec![1.5, 3.0]);
        let e = parse_reference_scores("r.csv", "code,score\nA,high\n", "score").unwrap_err();
        assert!(
            e.to_string().contains("r.csv, line 2, column 'score'"),
            "{e}"
        );
        assert!(parse_reference_scores("r.csv", "code,score\nA,1\n", "nope").is_err());
    }

    /// Every marker of the one table is skipped here and is a marker to the indicator
    /// importer's cell parser; thousands separators are read alike.
    #[test]
    fn reads_the_same_markers_and_numbers_as_the_importer() {
        use crate::data::suppression::{MISSING, SUPPRESSED};
        for m in MISSING.iter().chain(SUPPRESSED) {
            let text = format!("code,score\nA,\"{m}\"\nB,2\n");
            let v = parse_reference_scores("r.csv", &text, "score");
            assert_eq!(v.ok(), Some(vec![2.0]), "marker '{m}'");
            assert!(
                matches!(parse_cell(m), Cell::Missing | Cell::Suppressed),
                "marker '{m}'"
            );
        }
        let v = parse_reference_scores("r.csv", "code,score\nA,\"1,234.5\"\n", "score");
        assert_eq!(v.ok(), Some(vec![1234.5]));
        assert_eq!(parse_cell("1,234.5"), Cell::Number(1234.5));
    }
}
