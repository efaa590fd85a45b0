//! Reading a travel-time or distance matrix computed elsewhere (a routing engine, a GIS): a CSV
//! with one row per (origin area, site) pair.
//!
//! Columns: the origin area code (`origin`, `from`, `origin_code`, `code`, else the first
//! column), the site id (`site`, `to`, `site_id`, `destination`, else the second) and the cost
//! (`minutes`, `time`, `metres`, `meters`, `distance`, `cost`, `value`, else the third). Pairs
//! that are missing are unreachable. A repeated pair is an error naming both lines.
//!
//! The file is streamed (never read whole; only regular files) into compact storage: origin
//! codes and site ids are interned as `u32` numbers and each pair is 16 bytes (two ids and an
//! `f64` cost) in one vector sorted by (origin, site), where repeated pairs are found next to
//! each other. 10 million rows (a 209 MB file) take about 160 MB. Cells are UTF-8, or
//! Windows-1252 where they are not valid UTF-8; a UTF-8 byte-order mark is skipped.

use super::import::csv_text::csv_error;
use crate::error::{Error, InputError, Result};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// The most rows a matrix may have: 50,000,000 (800 MB of pairs), e.g. every one of
/// England's 32,844 LSOAs to 1,500 sites.
pub const MAX_MATRIX_ROWS: usize = 50_000_000;

/// Names interned as dense `u32` numbers.
#[derive(Debug, Clone, Default, PartialEq)]
struct Names {
    index: HashMap<Box<str>, u32>,
}

impl Names {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.index.len() as u32;
        self.index.insert(name.into(), i);
        i
    }
    fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }
}

/// One (origin, site) pair and its cost.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pair {
    origin: u32,
    site: u32,
    cost: f64,
}

/// The matrix: (origin code, site id) → cost, and the name of the cost column.
#[derive(Debug, Clone, PartialEq)]
pub struct CostMatrix {
    origins: Names,
    sites: Names,
    /// Sorted by (origin, site), no two alike.
    pairs: Vec<Pair>,
    pub cost_column: String,
}

impl CostMatrix {
    /// The cost from `origin` to `site`, `None` when the matrix lacks the pair.
    pub fn get(&self, origin: &str, site: &str) -> Option<f64> {
        let key = (self.origins.get(origin)?, self.sites.get(site)?);
        self.pairs
            .binary_search_by(|p| (p.origin, p.site).cmp(&key))
            .ok()
            .map(|i| self.pairs[i].cost)
    }

    /// How many pairs the matrix holds.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// Reads a matrix CSV, streamed; errors name the file, line and column.
pub fn read_cost_matrix(path: &Path) -> Result<CostMatrix> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(
            InputError::new(&file, "is not a regular file (a folder, device or pipe)")
                .hint("give the matrix CSV file itself")
                .into(),
        );
    }
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let matrix = read_from(&file, std::io::BufReader::with_capacity(1 << 16, f))?;
    // A repeated pair is rare: find its two lines by reading the file again.
    match matrix {
        Ok(m) => Ok(m),
        Err(dup) => {
            let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            Err(repeated_pair(&file, std::io::BufReader::new(f), &dup))
        }
    }
}

/// Parses matrix CSV text (`file` names it in errors).
pub fn parse_cost_matrix(file: &str, text: &str) -> Result<CostMatrix> {
    match read_from(file, text.as_bytes())? {
        Ok(m) => Ok(m),
        Err(dup) => Err(repeated_pair(file, text.as_bytes(), &dup)),
    }
}

/// A pair found twice: its origin code and site id.
struct Repeated {
    origin: String,
    site: String,
}

/// The columns of a matrix by its header.
struct Columns {
    origin: usize,
    site: usize,
    cost: usize,
    cost_name: String,
}

fn columns(file: &str, headers: &[String]) -> Result<Columns> {
    if headers.len() < 3 {
        return Err(
            InputError::new(file, "needs three columns: origin code, site id and cost")
                .line(1)
                .hint("e.g. a header `origin,site,minutes` (separated by commas)")
                .into(),
        );
    }
    let find = |names: &[&str], default: usize| {
        names
            .iter()
            .find_map(|n| headers.iter().position(|h| h.eq_ignore_ascii_case(n)))
            .unwrap_or(default)
    };
    let origin = find(&["origin", "from", "origin_code", "code", "area_code"], 0);
    let site = find(&["site", "to", "site_id", "destination", "id"], 1);
    let cost = find(
        &[
            "minutes", "time", "metres", "meters", "distance", "cost", "value",
        ],
        2,
    );
    Ok(Columns {
        origin,
        site,
        cost,
        cost_name: headers[cost].clone(),
    })
}

/// A cell as text: UTF-8, else Windows-1252.
fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// Streams the CSV into a matrix; the inner `Err` is a repeated pair (reported with its
/// lines by [`repeated_pair`]).
fn read_from(file: &str, input: impl Read) -> Result<std::result::Result<CostMatrix, Repeated>> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(|e| csv_error(file, e))?
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h)
            } else {
                h
            };
            text(h).trim().to_string()
        })
        .collect();
    let cols = columns(file, &headers)?;
    let (mut origins, mut sites) = (Names::default(), Names::default());
    let mut pairs = Vec::new();
    let mut record = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(file, e))?
    {
        let line = record.position().map_or(0, |p| p.line());
        if pairs.len() == MAX_MATRIX_ROWS {
            return Err(
                InputError::new(file, format!("has more than {MAX_MATRIX_ROWS} rows"))
                    .line(line)
                    .hint("keep only the pairs within a useful reach, or fewer candidate sites")
                    .into(),
            );
        }
        let cell = |k: usize| record.get(k).map(text).unwrap_or_default();
        let cost = cost_cell(file, line, &cols.cost_name, cell(cols.cost).trim())?;
        pairs.push(Pair {
            origin: origins.intern(cell(cols.origin).trim()),
            site: sites.intern(cell(cols.site).trim()),
            cost,
        });
    }
    pairs.sort_unstable_by_key(|p| (p.origin, p.site));
    if let Some(w) = pairs
        .windows(2)
        .find(|w| (w[0].origin, w[0].site) == (w[1].origin, w[1].site))
    {
        let name = |names: &Names, i: u32| {
            names
                .index
                .iter()
                .find(|(_, v)| **v == i)
                .map(|(k, _)| k.to_string())
                .unwrap_or_default()
        };
        return Ok(Err(Repeated {
            origin: name(&origins, w[0].origin),
            site: name(&sites, w[0].site),
        }));
    }
    pairs.shrink_to_fit();
    Ok(Ok(CostMatrix {
        origins,
        sites,
        pairs,
        cost_column: cols.cost_name,
    }))
}

/// A cost cell: a number ≥ 0.
fn cost_cell(file: &str, line: u64, column: &str, raw: &str) -> Result<f64> {
    raw.parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| {
            InputError::new(
                file,
                format!(
                    "'{}' is not a cost (a number ≥ 0)",
                    crate::error::excerpt(raw)
                ),
            )
            .line(line)
            .column(column)
            .into()
        })
}

/// The error for a repeated pair, naming the lines of its first two rows.
fn repeated_pair(file: &str, input: impl Read, dup: &Repeated) -> Error {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers: Vec<String> = reader
        .headers()
        .map(|h| {
            h.iter()
                .map(|s| s.trim_start_matches('\u{feff}').trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut lines = Vec::new();
    if let Ok(cols) = columns(file, &headers) {
        let mut record = csv::ByteRecord::new();
        while lines.len() < 2 && reader.read_byte_record(&mut record).unwrap_or(false) {
            let cell = |k: usize| record.get(k).map(text).unwrap_or_default();
            if cell(cols.origin).trim() == dup.origin && cell(cols.site).trim() == dup.site {
                lines.push(record.position().map_or(0, |p| p.line()));
            }
        }
    }
    let (o, s) = (
        crate::error::excerpt(&dup.origin),
        crate::error::excerpt(&dup.site),
    );
    let mut e = match lines.as_slice() {
        [first, second] => InputError::new(
            file,
            format!("the pair ({o}, {s}) appears twice, on lines {first} and {second}"),
        )
        .line(*second),
        _ => InputError::new(file, format!("the pair ({o}, {s}) appears twice")),
    };
    e = e.hint("keep one row per origin and site");
    e.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs_and_names_bad_cells() {
        let m = parse_cost_matrix("m.csv", "origin,site,minutes\nE01,S1,4.5\nE02,S1,12\n").unwrap();
        assert_eq!(m.get("E01", "S1"), Some(4.5));
        assert_eq!(m.get("E02", "S2"), None);
        assert_eq!(m.cost_column, "minutes");
        let e = parse_cost_matrix("m.csv", "origin,site,minutes\nE01,S1,far\n").unwrap_err();
        assert!(
            e.to_string().contains("m.csv, line 2, column 'minutes'"),
            "{e}"
        );
        let e =
            parse_cost_matrix("m.csv", "origin,site,minutes\nE01,S1,1\nE01,S1,2\n").unwrap_err();
        assert!(e.to_string().contains("lines 2 and 3"), "{e}");
    }

    #[test]
    fn a_bom_and_named_columns_in_any_order_are_read() {
        let m = parse_cost_matrix("m.csv", "\u{feff}Minutes,Site,Origin\n3,S1,E01\n").unwrap();
        assert_eq!(m.get("E01", "S1"), Some(3.0));
        assert_eq!(m.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_unread() {
        let e = read_cost_matrix(Path::new("/dev/zero")).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }
}
