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
    // The dbase crate takes (header length − backlink − 33) / 32 descriptors and reads records
    // from the header length on: both must agree with the field list. Padding of less than
    // one descriptor after the terminator (some writers add it) is harmless.
    let fields_seen = (terminator - HEADER) / DESCRIPTOR;
    let fields_taken = header_len.saturating_sub(backlink + HEADER + 1) / DESCRIPTOR;
    if header_len < terminator + 1 + backlink || fields_taken != fields_seen {
        return Err(damaged(
            file,
            format!(
                "its header length ({header_len} bytes) does not match its field list (which ends at byte {}), so values would be read from the wrong byte",
                terminator + 1
            ),
        ));
    }
    let descriptors: Vec<&[u8]> = head[HEADER..terminator].chunks(DESCRIPTOR).collect();
    check_records(
        file,
        &descriptors,
        (header_len as u64, record_len, records),
        file_len,
    )?;
    let fields = descriptors.iter().map(|d| field_name(d)).collect();
    Ok(DbfHeader {
        records,
        fields: unique_fields(file, fields)?,
    })
}

/// The record length must be the fields' lengths plus the deletion flag, and the file must
/// hold every record the header announces. `layout` is (header length, record length, records).
fn check_records(
    file: &str,
    descriptors: &[&[u8]],
    layout: (u64, u64, u64),
    file_len: u64,
) -> Result<()> {
    let (header_len, record_len, records) = layout;
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
    let needed = header_len + records.saturating_mul(record_len);
    if file_len < needed {
        return Err(damaged(
            file,
            format!("announces {records} records but is cut short ({file_len} of {needed} bytes)"),
        ));
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A header of character fields `(name, length)`, `pad` bytes after the terminator and
    /// `records` records (the file length is made to fit them).
    fn header(fields: &[(&str, u8)], pad: usize, records: u32) -> (Vec<u8>, u64) {
        let header_len = HEADER + DESCRIPTOR * fields.len() + 1 + pad;
        let record_len: u16 = 1 + fields.iter().map(|f| u16::from(f.1)).sum::<u16>();
        let mut h = vec![3u8, 126, 1, 1];
        h.extend(records.to_le_bytes());
        h.extend((header_len as u16).to_le_bytes());
        h.extend(record_len.to_le_bytes());
        h.resize(HEADER, 0);
        for (name, len) in fields {
            let mut d = name.as_bytes().to_vec();
            d.resize(11, 0);
            d.push(b'C');
            d.extend([0, 0, 0, 0, *len]);
            d.resize(DESCRIPTOR, 0);
            h.extend(d);
        }
        h.push(0x0D);
        h.resize(header_len, 0);
        let file_len = (header_len + usize::from(record_len) * records as usize) as u64;
        (h, file_len)
    }

    #[test]
    fn a_well_formed_header_passes_also_with_a_little_padding() {
        let (h, len) = header(&[("CODE", 9), ("NAME", 20)], 0, 3);
        let got = check_header_bytes("a.dbf", &h, len).unwrap();
        assert_eq!(
            (got.records, got.fields),
            (3, vec!["CODE".into(), "NAME".into()])
        );
        let (h, len) = header(&[("CODE", 9)], 5, 1);
        assert!(check_header_bytes("a.dbf", &h, len).is_ok());
    }

    #[test]
    fn lengths_that_would_shift_values_are_refused() {
        let (mut h, len) = header(&[("CODE", 9), ("NAME", 20)], 0, 3);
        h[10] += 1; // record length one byte longer than the fields
        let e = check_header_bytes("a.dbf", &h, len)
            .unwrap_err()
            .to_string();
        assert!(e.contains("wrong byte"), "{e}");
        // Padding of a whole descriptor: the crate would read a ghost field.
        let (h, len) = header(&[("CODE", 9)], 40, 1);
        let e = check_header_bytes("a.dbf", &h, len)
            .unwrap_err()
            .to_string();
        assert!(e.contains("header length"), "{e}");
        let (h, len) = header(&[("CODE", 9)], 0, 10);
        let e = check_header_bytes("a.dbf", &h, len - 1)
            .unwrap_err()
            .to_string();
        assert!(e.contains("announces 10 records but is cut short"), "{e}");
    }

    #[test]
    fn duplicate_names_are_refused_case_insensitively() {
        let (h, len) = header(&[("CODE", 9), ("NAME", 5), ("code", 9)], 0, 1);
        let e = check_header_bytes("a.dbf", &h, len)
            .unwrap_err()
            .to_string();
        assert!(e.contains("fields 1 and 3 are both named 'code'"), "{e}");
    }
}
