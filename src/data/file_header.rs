//! The SQLite file header (the first 100 bytes), read before SQLite opens the file: a cheap,
//! constant-time check that the file is whole. A workspace cut short (copied while it was being
//! written, a download that stopped) still opens in SQLite and fails later, far from the cause,
//! when a missing page is read; its header says how many pages it should have.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// The first 16 bytes of every SQLite 3 database file.
pub const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// What the header says about the file's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderSize {
    pub page_size: u64,
    /// The page count stored in the header, when the header's "version-valid-for" number says
    /// it is current (SQLite ≥ 3.7.0 writers keep it so).
    pub pages: Option<u64>,
}

/// Parses the 100-byte header: `None` when the bytes are not an SQLite 3 header.
///
/// ```
/// use local_atlas::data::file_header::{parse, SQLITE_MAGIC};
/// let mut h = [0u8; 100];
/// h[..16].copy_from_slice(SQLITE_MAGIC);
/// h[16..18].copy_from_slice(&4096u16.to_be_bytes());
/// h[24..28].copy_from_slice(&7u32.to_be_bytes()); // change counter
/// h[28..32].copy_from_slice(&10u32.to_be_bytes()); // pages
/// h[92..96].copy_from_slice(&7u32.to_be_bytes()); // valid for change 7
/// let size = parse(&h).unwrap();
/// assert_eq!((size.page_size, size.pages), (4096, Some(10)));
/// assert!(parse(b"not a database").is_none());
/// ```
pub fn parse(header: &[u8]) -> Option<HeaderSize> {
    if header.len() < 100 || &header[..16] != SQLITE_MAGIC {
        return None;
    }
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let (change, count, valid_for) = (be32(24), be32(28), be32(92));
    let pages = (count > 0 && valid_for == change).then_some(u64::from(count));
    Some(HeaderSize { page_size, pages })
}

/// Refuses a workspace file shorter than its header says it is. Files that are not SQLite, or
/// whose header carries no current page count, are left to SQLite's own checks.
pub fn check_whole(path: &Path) -> Result<()> {
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if len < 100 || file.read_exact(&mut header).is_err() {
        return Ok(());
    }
    let Some(HeaderSize {
        page_size,
        pages: Some(pages),
    }) = parse(&header)
    else {
        return Ok(());
    };
    let expected = page_size.saturating_mul(pages);
    if len < expected {
        return Err(Error::Workspace {
            path: path.display().to_string(),
            message: format!(
                "the file is shorter than it should be ({len} of {expected} bytes): it was cut \
                 short (copied while it was being written, or a download stopped); restore it \
                 from a backup or copy it again"
            ),
        });
    }
    Ok(())
}
