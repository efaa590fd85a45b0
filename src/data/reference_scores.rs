//! Reading a reference distribution of scores (e.g. the national scores of an index) from one
//! column of a CSV, to rank local areas against it.

use super::import::csv_text::{Cell, Table, TextEncoding, decode, parse_cell};
use crate::error::{InputError, Result, excerpt};
use std::collections::HashMap;
use std::path::Path;

/// The finite numbers of column `column` of a CSV, read as the indicator importer reads them
/// ([`parse_cell`]: thousands separators allowed). Empty cells, missing-data and suppression
/// markers are skipped; any other text is an error naming the line. The file is read bounded
/// ([`super::import::MAX_CSV_BYTES`], a regular file only). When the file has an area-code
/// column ([`code_column`]), an area listed twice is an error: it would weigh twice in the
/// reference distribution.
pub fn read_reference_scores(path: &Path, column: &str) -> Result<Vec<f64>> {
    let file = path.display().to_string();
    let bytes = super::import::read_file(path)?;
    let text = decode(&file, &bytes, TextEncoding::Auto)?;
    parse_reference_scores(&file, &text, column)
}

/// Parses reference scores from CSV text (`file` names it in errors).
pub fn parse_reference_scores(file: &str, text: &str, column: &str) -> Result<Vec<f64>> {
    let table = Table::parse(file, text)?;
    let k = table.require(column, "rank_against.column")?;
    if let Some(c) = code_column(&table.headers) {
        check_duplicate_codes(&table, c)?;
    }
    let mut out = Vec::with_capacity(table.rows.len());
    for (line, row) in &table.rows {
        let raw = row.get(k).map(|s| s.trim()).unwrap_or_default();
        match parse_cell(raw) {
            Cell::Number(v) => out.push(v),
            Cell::Missing | Cell::Suppressed => {}
            Cell::Text => {
                return Err(
                    InputError::new(file, format!("'{}' is not a number", excerpt(raw)))
                        .line(*line)
                        .column(excerpt(column))
                        .hint("use a number, or a marker for a score that is not available (empty, .., *)")
                        .into(),
                );
            }
        }
    }
    if out.is_empty() {
        return Err(InputError::new(
            file,
            format!("column '{}' holds no numbers", excerpt(column)),
        )
        .hint("check rank_against.column names the column of scores")
        .into());
    }
    Ok(out)
}

/// The column of area codes, if any: the first named `code`, `area_code` or `areacode`, or
/// ending in `code` or `cd` (ONS style, e.g. `LSOA11CD`).
///
/// ```
/// use local_atlas::data::reference_scores::code_column;
/// let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
/// assert_eq!(code_column(&h(&["LSOA11CD", "score"])), Some(0));
/// assert_eq!(code_column(&h(&["score"])), None);
/// ```
pub fn code_column(headers: &[String]) -> Option<usize> {
    headers.iter().position(|h| {
        let h = h.to_lowercase().replace([' ', '_'], "");
        h == "code" || h.ends_with("code") || h.ends_with("cd")
    })
}

fn check_duplicate_codes(table: &Table, col: usize) -> Result<()> {
    let mut seen: HashMap<&str, u64> = HashMap::with_capacity(table.rows.len());
    for (line, row) in &table.rows {
        let code = row.get(col).map(|s| s.trim()).unwrap_or_default();
        if code.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(code, *line) {
            return Err(InputError::new(
                &table.file,
                format!(
                    "area {} is listed twice (first on line {first})",
                    excerpt(code)
                ),
            )
            .line(*line)
            .column(table.column_name(col))
            .hint("each area may appear once in the reference scores: remove the duplicate row")
            .into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_area_listed_twice_is_refused() {
        let e = parse_reference_scores("r.csv", "LSOA11CD,score\nA,1\nB,2\nA,1\n", "score")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(
                "r.csv, line 4, column 'LSOA11CD': area A is listed twice (first on line 2)"
            ),
            "{e}"
        );
        assert!(parse_reference_scores("r.csv", "score\n1\n1\n", "score").is_ok());
    }

    #[test]
    fn a_score_beyond_f64_is_not_a_number() {
        let e = parse_reference_scores("r.csv", "score\n1e400\n", "score").unwrap_err();
        assert!(e.to_string().contains("'1e400' is not a number"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_or_folder_is_refused_without_reading_it() {
        let e = read_reference_scores(Path::new("/dev/zero"), "score").unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = read_reference_scores(dir.path(), "score").unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
    }

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
