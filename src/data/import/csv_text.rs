//! CSV text handling shared by the importers: decoding (UTF-8 with or without BOM, or
//! Windows-1252), header lookup, and reading cells that may hold ONS missing-data markers.

use crate::data::suppression::{Marker, marker};
use crate::error::{InputError, Result, excerpt};

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum TextEncoding {
    /// UTF-8 if the bytes are valid UTF-8, otherwise Windows-1252 (Excel's "CSV" on Windows).
    #[default]
    Auto,
    Utf8,
    Windows1252,
}

impl std::str::FromStr for TextEncoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Ok(Self::Auto),
            "utf-8" | "utf8" => Ok(Self::Utf8),
            "windows-1252" | "cp1252" | "latin1" | "iso-8859-1" => Ok(Self::Windows1252),
            _ => Err(format!(
                "unknown encoding '{s}': use auto, utf-8 or windows-1252"
            )),
        }
    }
}

/// Decodes a CSV file's bytes to text.
///
/// ```
/// use local_atlas::data::import::csv_text::{decode, TextEncoding};
/// let bytes = b"\xEF\xBB\xBFcode,name\nE01,Caf\xC3\xA9\n";
/// assert_eq!(decode("f.csv", bytes, TextEncoding::Auto).unwrap(), "code,name\nE01,Café\n");
/// assert_eq!(decode("f.csv", b"Caf\xE9", TextEncoding::Auto).unwrap(), "Café");
/// ```
pub fn decode(file: &str, bytes: &[u8], encoding: TextEncoding) -> Result<String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(utf16_error(file));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match (encoding, std::str::from_utf8(body)) {
        (TextEncoding::Windows1252, _) => Ok(win1252(body)),
        (_, Ok(text)) => Ok(text.to_string()),
        (TextEncoding::Auto, Err(_)) => Ok(win1252(body)),
        (TextEncoding::Utf8, Err(e)) => {
            let valid = body.get(..e.valid_up_to()).unwrap_or_default();
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count() as u64;
            Err(not_utf8(file, line))
        }
    }
}

/// A file saved as UTF-16 (shared by the whole-file and the streamed reader).
pub(crate) fn utf16_error(file: &str) -> crate::error::Error {
    InputError::new(file, "is saved as UTF-16 text")
        .hint("save it as 'CSV UTF-8 (comma delimited)' and import again")
        .into()
}

/// Bytes that are not UTF-8 where UTF-8 was asked for, at `line`.
pub(crate) fn not_utf8(file: &str, line: u64) -> crate::error::Error {
    InputError::new(file, "is not valid UTF-8 text")
        .line(line)
        .hint("save it as 'CSV UTF-8', or pass --encoding windows-1252 if it came from Excel on Windows")
        .into()
}

fn win1252(bytes: &[u8]) -> String {
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
        .into_owned()
}

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Number(f64),
    /// `*`, `c`, `x`, `~`: withheld (disclosure control or too small to publish).
    Suppressed,
    /// empty, `..`, `:`, `-`, `NA`, `N/A`: not available.
    Missing,
    /// Anything else.
    Text,
}

/// Classifies a cell: a finite number (thousands separators allowed), a missing-data or
/// suppression marker ([`crate::data::suppression`]), or text.
///
/// ```
/// use local_atlas::data::import::csv_text::{parse_cell, Cell};
/// assert_eq!(parse_cell(" 12.5 "), Cell::Number(12.5));
/// assert_eq!(parse_cell("1,234"), Cell::Number(1234.0));
/// assert_eq!(parse_cell("*"), Cell::Suppressed);
/// assert_eq!(parse_cell(".."), Cell::Missing);
/// assert_eq!(parse_cell("NaN"), Cell::Text);
/// ```
pub fn parse_cell(raw: &str) -> Cell {
    let s = raw.trim();
    match marker(s) {
        Some(Marker::Missing) => return Cell::Missing,
        Some(Marker::Suppressed) => return Cell::Suppressed,
        None => {}
    }
    // Most cells have no comma: no copy, no grouping check.
    let plain = if s.contains(',') && is_thousands(s) {
        std::borrow::Cow::Owned(s.replace(',', ""))
    } else {
        std::borrow::Cow::Borrowed(s)
    };
    let numeric_chars = plain
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    match plain.parse::<f64>() {
        Ok(v) if v.is_finite() && numeric_chars => Cell::Number(v),
        _ => Cell::Text,
    }
}

/// What [`parse_cell_fixing`] had to take off a cell to read it as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellFix {
    /// A leading `£`, `$` or `€` (e.g. `£872`).
    Currency,
    /// A trailing `%` (e.g. `12.5%`: read as 12.5, the value in per cent).
    Percent,
}

impl CellFix {
    pub fn describe(self) -> &'static str {
        match self {
            CellFix::Currency => "currency symbol removed",
            CellFix::Percent => "per-cent sign removed",
        }
    }
}

/// [`parse_cell`], and where that finds text, the number a spreadsheet shows with a currency
/// symbol before it or a `%` after it, with what was taken off.
///
/// ```
/// use local_atlas::data::import::csv_text::{parse_cell_fixing, Cell, CellFix};
/// assert_eq!(parse_cell_fixing("£1,872"), (Cell::Number(1872.0), Some(CellFix::Currency)));
/// assert_eq!(parse_cell_fixing(" 12.5% "), (Cell::Number(12.5), Some(CellFix::Percent)));
/// assert_eq!(parse_cell_fixing("7"), (Cell::Number(7.0), None));
/// assert_eq!(parse_cell_fixing("£"), (Cell::Text, None));
/// assert_eq!(parse_cell_fixing("abc%"), (Cell::Text, None));
/// ```
pub fn parse_cell_fixing(raw: &str) -> (Cell, Option<CellFix>) {
    let cell = parse_cell(raw);
    if cell != Cell::Text {
        return (cell, None);
    }
    let s = raw.trim();
    let (body, fix) = if let Some(rest) = s.strip_suffix('%') {
        (rest, CellFix::Percent)
    } else if let Some(rest) = ['£', '$', '€'].iter().find_map(|c| s.strip_prefix(*c)) {
        (rest, CellFix::Currency)
    } else {
        return (Cell::Text, None);
    };
    match parse_cell(body) {
        Cell::Number(v) if !body.trim().is_empty() => (Cell::Number(v), Some(fix)),
        _ => (Cell::Text, None),
    }
}

fn is_thousands(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let int = body.split('.').next().unwrap_or_default();
    let groups: Vec<&str> = int.split(',').collect();
    groups.len() > 1
        && groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
        && groups.iter().skip(1).all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
}

/// A CSV file's name and header: how columns are found and named in messages (shared by the
/// whole-file [`Table`] and the streamed [`super::csv_stream::CsvStream`]).
#[derive(Debug, Clone, Default)]
pub struct CsvColumns {
    pub file: String,
    pub headers: Vec<String>,
}

/// A parsed CSV: header and records with their line numbers.
pub struct Table {
    pub columns: CsvColumns,
    pub rows: Vec<(u64, Vec<String>)>,
}

impl std::ops::Deref for Table {
    type Target = CsvColumns;
    fn deref(&self) -> &CsvColumns {
        &self.columns
    }
}

impl Table {
    /// Parses CSV text; every record must have as many fields as the header. The header must
    /// name every column, each once (compared without case, as [`Table::find`] looks them
    /// up); comma- and tab-separated files are read ([`delimiter`]).
    pub fn parse(file: &str, text: &str) -> Result<Table> {
        // The reader counts lines by LF, and after a CRLF (Excel on Windows) it counts the LF
        // into the next record, so messages would name the line before; old Mac spreadsheets
        // end lines with CR alone (every message would say line 1). Line ends become LF.
        let text = if text.contains('\r') {
            std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        let text = text.as_ref();
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .delimiter(delimiter(file, text)?)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(file, e))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if headers.iter().all(|h| h.is_empty()) {
            return Err(InputError::new(file, "is empty or has no header row")
                .line(1)
                .hint("the first row must name the columns")
                .into());
        }
        super::csv_headers::check_headers(file, &headers)?;
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(file, e))?;
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            rows.push((line, record.iter().map(str::to_string).collect()));
        }
        Ok(Table {
            columns: CsvColumns {
                file: file.to_string(),
                headers,
            },
            rows,
        })
    }
}

impl CsvColumns {
    /// Index of a column by any of `names` (case-insensitive).
    pub fn find(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.headers.iter().position(|h| h.eq_ignore_ascii_case(n)))
    }

    /// The name of column `col` as a message quotes it ([`excerpt`]).
    pub fn column_name(&self, col: usize) -> String {
        excerpt(
            self.headers
                .get(col)
                .map(String::as_str)
                .unwrap_or_default(),
        )
    }

    /// The columns' names as a hint lists them: quoted with [`excerpt`], at most
    /// [`super::csv_headers::LISTED_COLUMNS`] of them.
    pub fn column_list(&self) -> String {
        super::csv_headers::column_list(&self.headers)
    }

    /// Index of the column the user named, or an error listing the columns.
    pub fn require(&self, name: &str, flag: &str) -> Result<usize> {
        self.find(&[name]).ok_or_else(|| {
            InputError::new(&self.file, format!("has no column '{}'", excerpt(name)))
                .line(1)
                .hint(format!("{flag} must be one of: {}", self.column_list()))
                .into()
        })
    }
}

/// The field separator of CSV `text`, judged from its header line: a comma, or a tab when the
/// header has tabs and no comma (a TSV file). A header with semicolons and no comma is
/// refused: such files come from spreadsheets set to a decimal comma, where `1,234` means
/// 1.234 and would be misread.
///
/// ```
/// use local_atlas::data::import::csv_text::delimiter;
/// assert_eq!(delimiter("f.csv", "code,value\nA,1\n").unwrap(), b',');
/// assert_eq!(delimiter("f.csv", "code\tvalue\nA\t1\n").unwrap(), b'\t');
/// assert!(delimiter("f.csv", "code;value\nA;1,5\n").unwrap_err().to_string().contains("';'-separated"));
/// ```
pub fn delimiter(file: &str, text: &str) -> Result<u8> {
    let header = text.lines().next().unwrap_or_default();
    if header.contains(',') {
        return Ok(b',');
    }
    if header.contains('\t') {
        return Ok(b'\t');
    }
    if header.contains(';') {
        return Err(
            InputError::new(file, "the file looks ';'-separated (its header has no commas)")
                .line(1)
                .hint("save it as comma-separated CSV (in Excel: 'CSV UTF-8 (comma delimited)'), with a full stop as the decimal point")
                .into(),
        );
    }
    Ok(b',')
}

/// A `csv` crate error as an input error naming the file and line (shared by every CSV reader).
pub(crate) fn csv_error(file: &str, e: csv::Error) -> crate::error::Error {
    let line = e.position().map(|p| p.line());
    let mut err = InputError::new(file, format!("is not well-formed CSV: {e}"))
        .hint("every row must have as many fields as the header; check quoting");
    if let Some(l) = line {
        err = err.line(l);
    }
    err.into()
}
