//! Checks a shapefile's `.dbf` header before the `dbase` crate reads it. That crate trusts
//! the header length and ignores the 0x0D terminator, so a header written without it (or
//! with a wrong length) makes every value be read from the wrong byte: codes shift silently.
//! Here the field list must end with 0x0D exactly where the header length says, the record
//! length must be the fields' lengths plus the deletion flag, the file must hold every record
//! it announces, and no two fields may share a name.

use crate::error::{InputError, Result};
use std::io::Read;
use std::path::Path;

/// The dBase header's fixed part and one field descriptor, in bytes.
const HEADER: usize = 32;
const DESCRIPTOR: usize = 32;
/// Visual FoxPro tables (versions 0x30–0x32) carry a 263-byte backlink after the terminator.
const BACKLINK: usize = 263;

/// What the header says, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbfHeader {
    pub records: u64,
    /// Field names in file order (NUL padding removed).
    pub fields: Vec<String>,
}

/// Reads and checks the header of `dbf` (at most 64 KiB, the largest a header can be).
pub fn check_dbf(dbf: &Path) -> Result<DbfHeader> {
    let file = dbf.display().to_string();
    let len = std::fs::metadata(dbf)
        .map_err(|e| InputError::new(&file, format!("cannot read: {e}")))?
        .len();
    let mut head = Vec::new();
    std::fs::File::open(dbf)
        .and_then(|f| f.take(u64::from(u16::MAX)).read_to_end(&mut head))
        .map_err(|e| InputError::new(&file, format!("cannot read: {e}")))?;
    check_header_bytes(&file, &head, len)
}

fn damaged(file: &str, message: String) -> crate::error::Error {
    InputError::new(file, message)
        .hint("the .dbf is damaged or was written by a faulty program; export the layer again (e.g. from QGIS)")
        .into()
}

/// Checks header bytes `head` (the file's first bytes) of a `.dbf` of `file_len` bytes.
///
/// ```
/// use local_atlas::data::dbf_header::check_header_bytes;
/// // One character field CODE of 5 bytes, two records.
/// let mut h = vec![3u8, 126, 1, 1, 2, 0, 0, 0, 65, 0, 6, 0];
/// h.resize(32, 0);
/// let mut d = b"CODE".to_vec();
/// d.resize(11, 0);
/// d.push(b'C');
/// d.extend([0, 0, 0, 0, 5]);
/// d.resize(32, 0);
/// h.extend(d);
/// h.push(0x0D);
/// assert_eq!(check_header_bytes("a.dbf", &h, 65 + 12).unwrap().fields, vec!["CODE"]);
/// let mut bad = h.clone();
/// bad[64] = b' '; // no terminator
/// assert!(check_header_bytes("a.dbf", &bad, 77).unwrap_err().to_string().contains("0x0D"));
/// ```
pub fn check_header_bytes(file: &str, head: &[u8], file_len: u64) -> Result<DbfHeader> {
    if head.len() < HEADER + 1 {
        return Err(damaged(
            file,
            format!("is too short to be a .dbf ({} bytes)", head.len()),
        ));
    }
    let u16_at = |i: usize| u16::from_le_bytes([head[i], head[i + 1]]);
    let records = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
    let (header_len, record_len) = (usize::from(u16_at(8)), u64::from(u16_at(10)));
    if head.len() < header_len {
        return Err(damaged(
            file,
            format!(
                "is cut short: its header alone should be {header_len} bytes but the file has {}",
                head.len()
            ),
        ));
    }
    let terminator = find_terminator(head, header_len).ok_or_else(|| {
        damaged(
            file,
            "its header has no 0x0D terminator after the field list, so values would be read from the wrong byte".into(),
        )
    })?;
    let backlink = if (0x30..=0x32).contains(&head[0]) {
        BACKLINK
    } else {
        0
    };
    if terminator + 1 + backlink != header_len {
        return Err(damaged(
            file,
            format!(
                "its header length ({header_len} bytes) does not match its field list (which ends at byte {}), so values would be read from the wrong byte",
                terminator + 1
            ),
        ));
    }
    let descriptors: Vec<&[u8]> = head[HEADER..terminator].chunks(DESCRIPTOR).collect();
    let fields_len: u64 = descriptors.iter().map(|d| u64::from(d[16])).sum();
    if fields_len + 1 != record_len {
        return Err(damaged(
            file,
            format!(
                "its records are {record_len} bytes but its fields add up to {} (with the deletion flag), so values would be read from the wrong byte",
                fields_len + 1
            ),
        ));
    }
    let needed = header_len as u64 + records.saturating_mul(record_len);
    if file_len < needed {
        return Err(damaged(
            file,
            format!("announces {records} records but is cut short ({file_len} of {needed} bytes)"),
        ));
    }
    let fields = descriptors.iter().map(|d| field_name(d)).collect();
    Ok(DbfHeader {
        records,
        fields: unique_fields(file, fields)?,
    })
}

/// The offset of the 0x0D that ends the field descriptors, looked for at each descriptor
/// boundary within the header.
fn find_terminator(head: &[u8], header_len: usize) -> Option<usize> {
    let end = header_len.min(head.len());
    (HEADER..end)
        .step_by(DESCRIPTOR)
        .find(|&i| head.get(i) == Some(&0x0D))
}

/// A descriptor's name: 11 bytes, NUL-padded, in ASCII (dBase names are ASCII).
fn field_name(d: &[u8]) -> String {
    let raw = &d[..11];
    let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
    String::from_utf8_lossy(&raw[..end]).trim().to_string()
}

/// Refuses two fields of the same name (compared case-insensitively, as dBase does): the
/// `dbase` crate would keep only one of their values.
fn unique_fields(file: &str, fields: Vec<String>) -> Result<Vec<String>> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, f) in fields.iter().enumerate() {
        if let Some(first) = seen.insert(f.to_ascii_uppercase(), i) {
            return Err(InputError::new(
                file,
                format!(
                    "fields {} and {} are both named '{}'",
                    first + 1,
                    i + 1,
                    crate::error::excerpt(f)
                ),
            )
            .hint("rename one of them (e.g. in QGIS: Layer Properties ▸ Fields) and export again")
            .into());
        }
    }
    Ok(fields)
}
