//! Reading a reference distribution of scores (e.g. the national scores of an index) from one
//! column of a CSV, to rank local areas against it.

use super::import::csv_text::{Table, TextEncoding, decode};
use crate::error::{Error, InputError, Result};
use std::path::Path;

/// The finite numbers of column `column` of a CSV. Empty cells and missing-data markers are
/// skipped; any other text is an error naming the line.
pub fn read_reference_scores(path: &Path, column: &str) -> Result<Vec<f64>> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
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
        if matches!(
            raw,
            "" | ".." | ":" | "-" | "NA" | "N/A" | "*" | "c" | "x" | "~"
        ) {
            continue;
        }
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() => out.push(v),
            _ => {
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
}
