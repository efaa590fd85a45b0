//! The header row of a CSV: every column named, each name once. A column without a name would
//! become an indicator `''`; of two columns with one name only the first would ever be read,
//! so both are refused, naming the columns by number as a spreadsheet user counts them (1 = A).

use crate::error::{InputError, Result, excerpt};
use std::collections::HashMap;

/// A hint lists at most this many column names (a file may have thousands of columns; the
/// rest are counted, not listed).
pub const LISTED_COLUMNS: usize = 20;

/// Checks that every header is non-empty and unique ignoring case (the importers look columns
/// up without case, so `Code` and `code` are the same column to them).
///
/// ```
/// use local_atlas::data::import::csv_headers::check_headers;
/// let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
/// assert!(check_headers("f.csv", &h(&["code", "value"])).is_ok());
/// let e = check_headers("f.csv", &h(&["code", "", "value"])).unwrap_err().to_string();
/// assert!(e.contains("column 2 (B) has no name"), "{e}");
/// let e = check_headers("f.csv", &h(&["code", "value", "Value"])).unwrap_err().to_string();
/// assert!(e.contains("columns 2 (B) and 3 (C) are both named 'Value'"), "{e}");
/// ```
pub fn check_headers(file: &str, headers: &[String]) -> Result<()> {
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(headers.len());
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            return Err(InputError::new(
                file,
                format!("column {} has no name in the header row", column_label(i)),
            )
            .line(1)
            .hint("give the column a name, or delete it if it holds nothing you need")
            .into());
        }
        if let Some(first) = seen.insert(h.to_lowercase(), i) {
            return Err(InputError::new(
                file,
                format!(
                    "columns {} and {} are both named '{}'",
                    column_label(first),
                    column_label(i),
                    excerpt(h)
                ),
            )
            .line(1)
            .hint("rename one of them (names are compared without case)")
            .into());
        }
    }
    Ok(())
}

/// Column `index` (from 0) as "3 (C)": its number from 1 and its spreadsheet letters.
///
/// ```
/// use local_atlas::data::import::csv_headers::column_label;
/// assert_eq!(column_label(0), "1 (A)");
/// assert_eq!(column_label(26), "27 (AA)");
/// assert_eq!(column_label(701), "702 (ZZ)");
/// ```
pub fn column_label(index: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!(
        "{} ({})",
        index + 1,
        letters.into_iter().collect::<String>()
    )
}

/// Header names for a hint: each quoted through [`excerpt`], at most [`LISTED_COLUMNS`],
/// then how many more there are.
///
/// ```
/// use local_atlas::data::import::csv_headers::column_list;
/// let h: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
/// assert!(column_list(&h).ends_with("c19 and 5 more"));
/// assert_eq!(column_list(&h[..2]), "c0, c1");
/// ```
pub fn column_list(headers: &[String]) -> String {
    let shown: Vec<String> = headers
        .iter()
        .take(LISTED_COLUMNS)
        .map(|h| excerpt(h))
        .collect();
    let mut s = shown.join(", ");
    if headers.len() > LISTED_COLUMNS {
        s.push_str(&format!(" and {} more", headers.len() - LISTED_COLUMNS));
    }
    s
}
