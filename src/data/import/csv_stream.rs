//! A CSV file read record by record in constant memory, for files of any size (a national
//! long-form indicator file has tens of millions of rows): the same decoding, line ends,
//! delimiter and header rules as [`super::csv_text::Table::parse`], applied as the bytes
//! stream past, with the SHA-256 of the file computed on the way. A regular file can be read
//! again from the start ([`CsvStream::reopen`]); a named pipe is read once into memory,
//! bounded as before ([`super::MAX_CSV_BYTES`]), and re-read from there.

use super::csv_text::{CsvColumns, TextEncoding, csv_error, delimiter, not_utf8, utf16_error};
use crate::error::{InputError, Result};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the bytes come from.
#[derive(Clone)]
enum Origin {
    File(PathBuf),
    Memory(Arc<[u8]>),
}

/// The longest line read: 16 MiB. The CSV reader holds one record in memory, so a file
/// without line ends (a sparse file of NUL bytes, a binary file given by mistake) would
/// otherwise be read whole into memory as one record.
pub const MAX_LINE_BYTES: u64 = 16 << 20;

/// Bytes of a file as read, with CRLF and lone CR turned into LF (so the CSV reader counts
/// lines as a user does), hashed and counted before translation; a line longer than
/// [`MAX_LINE_BYTES`] is an error.
struct LineEnds {
    inner: Box<dyn Read>,
    hasher: Sha256,
    raw_bytes: u64,
    /// The last raw byte was a CR (its LF, if any, arrives with the next read).
    after_cr: bool,
    /// Bytes since the last line end.
    line_bytes: u64,
    buf: Vec<u8>,
}

impl LineEnds {
    fn new(inner: Box<dyn Read>) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            raw_bytes: 0,
            after_cr: false,
            line_bytes: 0,
            buf: vec![0; 64 * 1024],
        }
    }
}

impl Read for LineEnds {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let want = out.len().min(self.buf.len());
            let n = self.inner.read(&mut self.buf[..want])?;
            if n == 0 {
                return Ok(0);
            }
            let raw = &self.buf[..n];
            self.hasher.update(raw);
            self.raw_bytes += n as u64;
            let mut k = 0;
            for &b in raw {
                let skip = b == b'\n' && self.after_cr;
                self.after_cr = b == b'\r';
                if !skip {
                    out[k] = if b == b'\r' { b'\n' } else { b };
                    k += 1;
                }
            }
            self.line_bytes = match raw.iter().rposition(|&b| b == b'\n' || b == b'\r') {
                Some(i) => (n - i - 1) as u64,
                None => self.line_bytes + n as u64,
            };
            if self.line_bytes > MAX_LINE_BYTES {
                return Err(std::io::Error::other(format!(
                    "a line is longer than {} MiB (is this a CSV file?)",
                    MAX_LINE_BYTES >> 20
                )));
            }
            if k > 0 {
                return Ok(k);
            }
        }
    }
}

type Reader = csv::Reader<std::io::Chain<Cursor<Vec<u8>>, LineEnds>>;

/// An open CSV stream: its columns, and the current record.
pub struct CsvStream {
    pub columns: CsvColumns,
    origin: Origin,
    encoding: TextEncoding,
    reader: Reader,
    record: csv::ByteRecord,
    line: u64,
    /// Column names of a file without a header row (OS Code-Point Open), its first line
    /// being a record.
    fixed: Option<Vec<String>>,
    /// Size of the file in bytes (0 when unknown).
    total_bytes: u64,
}

/// The first bytes read to find the header line (a longer header is still read whole; its
/// delimiter is judged from this much of it).
const PREFIX_BYTES: usize = 1 << 20;

impl CsvStream {
    /// Opens a CSV file: a regular file or a named pipe, never a folder or a device.
    pub fn open(path: &Path, encoding: TextEncoding) -> Result<Self> {
        let origin = Self::origin_of(path)?;
        Self::start(&path.display().to_string(), origin, encoding, None)
    }

    /// Where the bytes of `path` come from: the file, or (a named pipe) memory.
    fn origin_of(path: &Path) -> Result<Origin> {
        crate::data::read_limited::refuse_workbook(path)?;
        let shown = path.display();
        let meta =
            std::fs::metadata(path).map_err(|e| crate::data::read_limited::open_error(path, &e))?;
        let origin = if meta.is_dir() {
            return Err(InputError::new(shown, "is a folder")
                .hint("give the CSV file inside it")
                .into());
        } else if meta.is_file() {
            Origin::File(path.to_path_buf())
        } else {
            // A named pipe (or a refused device, which read_file names).
            Origin::Memory(super::read_file(path)?.into())
        };
        Ok(origin)
    }

    /// Opens a CSV file that has no header row, its columns named `names` (a documented
    /// layout such as OS Code-Point Open's); every line is a record.
    pub fn open_headerless(path: &Path, encoding: TextEncoding, names: &[&str]) -> Result<Self> {
        let origin = Self::origin_of(path)?;
        let fixed: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        Self::start(&path.display().to_string(), origin, encoding, Some(fixed))
    }

    /// The same file again from its first record (a second pass, or finding an earlier line).
    pub fn reopen(&self) -> Result<Self> {
        Self::start(
            &self.columns.file,
            self.origin.clone(),
            self.encoding,
            self.fixed.clone(),
        )
    }

    fn start(
        file: &str,
        origin: Origin,
        encoding: TextEncoding,
        fixed: Option<Vec<String>>,
    ) -> Result<Self> {
        let (inner, total_bytes): (Box<dyn Read>, u64) = match &origin {
            Origin::File(p) => {
                let f = std::fs::File::open(p)
                    .map_err(|e| crate::data::read_limited::open_error(p, &e))?;
                let len = f.metadata().map(|m| m.len()).unwrap_or(0);
                (Box::new(f), len)
            }
            Origin::Memory(bytes) => (Box::new(Cursor::new(bytes.clone())), bytes.len() as u64),
        };
        let mut source = LineEnds::new(inner);
        let prefix = read_prefix(file, &mut source)?;
        let text = String::from_utf8_lossy(&prefix);
        let delim = delimiter(file, &text)?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .has_headers(fixed.is_none())
            .delimiter(delim)
            .from_reader(Cursor::new(prefix).chain(source));
        if let Some(names) = fixed {
            return Ok(Self {
                columns: CsvColumns {
                    file: file.to_string(),
                    headers: names.clone(),
                },
                origin,
                encoding,
                reader,
                record: csv::ByteRecord::new(),
                line: 0,
                fixed: Some(names),
                total_bytes,
            });
        }
        let raw = reader
            .byte_headers()
            .map_err(|e| csv_error(file, e))?
            .clone();
        let headers: Vec<String> = raw
            .iter()
            .map(|h| decode_field(h, encoding).trim().to_string())
            .collect();
        if encoding == TextEncoding::Utf8 && raw.iter().any(|h| std::str::from_utf8(h).is_err()) {
            return Err(not_utf8(file, 1));
        }
        if headers.iter().all(|h| h.is_empty()) {
            return Err(InputError::new(file, "is empty or has no header row")
                .line(1)
                .hint("the first row must name the columns")
                .into());
        }
        super::csv_headers::check_headers(file, &headers)?;
        Ok(Self {
            columns: CsvColumns {
                file: file.to_string(),
                headers,
            },
            origin,
            encoding,
            reader,
            record: csv::ByteRecord::new(),
            line: 1,
            fixed: None,
            total_bytes,
        })
    }

    /// How many fields the current record has.
    pub fn fields(&self) -> usize {
        self.record.len()
    }

    /// Reads the next record; returns its line number, or `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<u64>> {
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| csv_error(&self.columns.file, e))?;
        if !more {
            return Ok(None);
        }
        self.line = self.record.position().map(|p| p.line()).unwrap_or(0);
        if self.encoding == TextEncoding::Utf8
            && self.record.iter().any(|f| std::str::from_utf8(f).is_err())
        {
            return Err(not_utf8(&self.columns.file, self.line));
        }
        Ok(Some(self.line))
    }

    /// Cell `col` of the current record, decoded (empty when the record is shorter).
    pub fn cell(&self, col: usize) -> Cow<'_, str> {
        self.record
            .get(col)
            .map(|f| decode_field(f, self.encoding))
            .unwrap_or(Cow::Borrowed(""))
    }

    /// The current record's line.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Bytes of the file read so far, and its size (for progress).
    pub fn progress(&self) -> (u64, u64) {
        let read = self.reader.position().byte();
        (read.min(self.total_bytes), self.total_bytes)
    }

    /// Reads what is left and returns the file's SHA-256 (lower-case hex).
    pub fn finish(self) -> Result<String> {
        let file = self.columns.file.clone();
        let (_, mut source) = self.reader.into_inner().into_inner();
        std::io::copy(&mut source, &mut std::io::sink()).map_err(|e| {
            crate::error::Error::from(InputError::new(&file, format!("cannot be read ({e})")))
        })?;
        Ok(source
            .hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }
}

/// Reads up to the end of the first line (or [`PREFIX_BYTES`]): refuses UTF-16, drops a UTF-8
/// byte-order mark.
fn read_prefix(file: &str, source: &mut LineEnds) -> Result<Vec<u8>> {
    let mut prefix = Vec::new();
    let mut chunk = vec![0u8; 8192];
    while prefix.len() < PREFIX_BYTES && !prefix.contains(&b'\n') {
        let n = source.read(&mut chunk).map_err(|e| {
            crate::error::Error::from(InputError::new(file, format!("cannot be read ({e})")))
        })?;
        if n == 0 {
            break;
        }
        prefix.extend_from_slice(&chunk[..n]);
    }
    if prefix.starts_with(&[0xFF, 0xFE]) || prefix.starts_with(&[0xFE, 0xFF]) {
        return Err(utf16_error(file));
    }
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        prefix.drain(..3);
    }
    Ok(prefix)
}

/// A field's text: UTF-8 when it is valid UTF-8 (unless Windows-1252 was asked for), else
/// Windows-1252, as [`super::csv_text::decode`] reads a whole file.
fn decode_field(bytes: &[u8], encoding: TextEncoding) -> Cow<'_, str> {
    match (encoding, std::str::from_utf8(bytes)) {
        (TextEncoding::Windows1252, _) | (_, Err(_)) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
        (_, Ok(text)) => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(bytes: &[u8]) -> (tempfile::TempDir, CsvStream) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, bytes).unwrap();
        let s = CsvStream::open(&p, TextEncoding::Auto).unwrap();
        (dir, s)
    }

    #[test]
    fn crlf_and_cr_line_ends_count_lines_as_a_user_does() {
        for bytes in [
            &b"a,b\r\n1,x\r\n2,y\r\n"[..],
            b"a,b\r1,x\r2,y\r",
            b"a,b\n1,x\n2,y\n",
        ] {
            let (_d, mut s) = stream(bytes);
            assert_eq!(s.columns.headers, vec!["a", "b"]);
            assert_eq!(s.next_record().unwrap(), Some(2));
            assert_eq!(s.cell(1), "x");
            assert_eq!(s.next_record().unwrap(), Some(3));
            assert_eq!(s.next_record().unwrap(), None);
            assert_eq!(s.finish().unwrap(), super::super::sha256_hex(bytes));
        }
    }

    #[test]
    fn bom_tabs_and_windows_1252_are_read() {
        let (_d, mut s) = stream(b"\xEF\xBB\xBFcode\tname\nE01\tCaf\xE9\n");
        assert_eq!(s.columns.headers, vec!["code", "name"]);
        s.next_record().unwrap();
        assert_eq!(s.cell(1), "Café");
        assert_eq!(s.cell(5), "");
    }

    #[test]
    fn reopen_reads_from_the_first_record_again() {
        let (_d, mut s) = stream(b"a\n1\n2\n");
        s.next_record().unwrap();
        s.next_record().unwrap();
        let mut again = s.reopen().unwrap();
        assert_eq!(again.next_record().unwrap(), Some(2));
        assert_eq!(again.cell(0), "1");
    }

    #[test]
    fn utf16_and_ragged_rows_are_refused_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("u.csv");
        std::fs::write(&p, b"\xFF\xFEa\x00").unwrap();
        let e = CsvStream::open(&p, TextEncoding::Auto).err().unwrap();
        assert!(e.to_string().contains("UTF-16"), "{e}");
        let (_d, mut s) = stream(b"a,b\n1,2\n3\n");
        s.next_record().unwrap();
        let e = s.next_record().unwrap_err().to_string();
        assert!(
            e.contains("line 3") && e.contains("not well-formed CSV"),
            "{e}"
        );
    }
}
