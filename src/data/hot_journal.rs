//! A leftover rollback journal (`FILE-journal`, left by a crash or a power cut in the middle of
//! a write) is played back into the file by SQLite the next time the file is opened. Played
//! into a *different* copy of the file (a backup restored over the crashed one), it corrupts
//! that copy for good, so before SQLite touches a workspace the journal beside it is checked
//! to belong to it, by the copy of page 1 (the file header) it holds.
//!
//! The journal format (sqlite.org/fileformat.html, "The Rollback Journal"): a header of
//! 8 magic bytes, the record count, a nonce, the initial page count, the sector size and the
//! page size (big-endian u32s), padded to one sector; then records of a 4-byte page number,
//! the page as it was when the transaction began, and a 4-byte checksum.

use super::workspace_restore::journal_path;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The first 8 bytes of a hot rollback journal.
pub const JOURNAL_MAGIC: [u8; 8] = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];

/// What a journal file holds, as far as this check cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Journal {
    /// Empty, zeroed or not a journal: SQLite plays nothing back from it.
    NotHot,
    /// A hot journal that holds no copy of page 1 (its transaction never wrote page 1, so the
    /// file's header cannot tell whether it belongs).
    WithoutPageOne { page_size: u32 },
    /// A hot journal with page 1 as it was when its transaction began.
    WithPageOne { page_size: u32, page: Vec<u8> },
}

/// Refuses to open `path` when the journal beside it is hot and was made for another file;
/// returns `Ok(true)` when a hot journal that belongs is there (SQLite plays it back on the
/// first read), `Ok(false)` when there is none or it is not hot.
pub fn check(path: &Path) -> Result<bool> {
    let journal = journal_path(path);
    let Ok(mut file) = File::open(&journal) else {
        return Ok(false);
    };
    let state = read_journal(&mut file).map_err(|e| Error::io(&journal, e))?;
    let page_size = match &state {
        Journal::NotHot => return Ok(false),
        Journal::WithoutPageOne { page_size } | Journal::WithPageOne { page_size, .. } => {
            *page_size
        }
    };
    let head = read_page_one(path, page_size).map_err(|e| Error::io(path, e))?;
    if belongs(&head, &state) {
        return Ok(true);
    }
    let shown = journal.display();
    Err(Error::Workspace {
        path: path.display().to_string(),
        message: format!(
            "the leftover journal {shown} was made for a different copy of this file (a backup \
             restored over a crashed one?); move {shown} away to open this file as it is, or \
             put back the file it belongs to"
        ),
    })
}

/// Whether a journal belongs to the file whose first page is `head`: its page size matches
/// and the file's change counter (offset 24) is the journaled one (then page 1 was never
/// rewritten and must be identical) or one more (the transaction wrote page 1). A file too
/// short to have a header (a crashed new file) takes any journal.
///
/// ```
/// use local_atlas::data::hot_journal::{belongs, Journal};
/// let mut page = vec![0u8; 512];
/// page[16..18].copy_from_slice(&512u16.to_be_bytes());
/// page[24..28].copy_from_slice(&7u32.to_be_bytes());
/// let journal = Journal::WithPageOne { page_size: 512, page: page.clone() };
/// assert!(belongs(&page, &journal));
/// let mut next = page.clone();
/// next[24..28].copy_from_slice(&8u32.to_be_bytes());
/// assert!(belongs(&next, &journal));
/// let mut other = page.clone();
/// other[24..28].copy_from_slice(&9u32.to_be_bytes());
/// assert!(!belongs(&other, &journal));
/// ```
pub fn belongs(head: &[u8], journal: &Journal) -> bool {
    if head.len() < 100 {
        return true;
    }
    let file_page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65536,
        n => u32::from(n),
    };
    match journal {
        Journal::NotHot => true,
        Journal::WithoutPageOne { page_size } => *page_size == file_page_size,
        Journal::WithPageOne { page_size, page } => {
            if *page_size != file_page_size || page.len() < 100 {
                return false;
            }
            let counter = |p: &[u8]| u32::from_be_bytes([p[24], p[25], p[26], p[27]]);
            let (now, then) = (counter(head), counter(page));
            (now == then && head == page.as_slice()) || now == then.wrapping_add(1)
        }
    }
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Reads the journal's header and finds the copy of page 1 among the records of its first
/// segment (reading 4 bytes per record, not the pages).
pub fn read_journal(file: &mut (impl Read + Seek)) -> std::io::Result<Journal> {
    let len = file.seek(SeekFrom::End(0))?;
    file.seek(SeekFrom::Start(0))?;
    let mut header = [0u8; 28];
    if len < 28 || file.read_exact(&mut header).is_err() || header[..8] != JOURNAL_MAGIC {
        return Ok(Journal::NotHot);
    }
    let (n_rec, sector, page_size) = (be32(&header[8..]), be32(&header[20..]), be32(&header[24..]));
    let valid = |n: u32, lo: u32| n.is_power_of_two() && (lo..=65536).contains(&n);
    if !valid(sector, 32) || !valid(page_size, 512) {
        return Ok(Journal::NotHot);
    }
    let record = u64::from(page_size) + 8;
    let fit = len.saturating_sub(u64::from(sector)) / record;
    let count = match n_rec {
        0 | u32::MAX => fit,
        n => u64::from(n).min(fit),
    };
    for i in 0..count {
        let at = u64::from(sector) + i * record;
        file.seek(SeekFrom::Start(at))?;
        let mut pgno = [0u8; 4];
        file.read_exact(&mut pgno)?;
        if u32::from_be_bytes(pgno) == 1 {
            let mut page = vec![0u8; page_size as usize];
            file.read_exact(&mut page)?;
            return Ok(Journal::WithPageOne { page_size, page });
        }
    }
    Ok(Journal::WithoutPageOne { page_size })
}

/// The first `page_size` bytes of the file (fewer when it is shorter).
fn read_page_one(path: &Path, page_size: u32) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(page_size as usize);
    File::open(path)?
        .take(u64::from(page_size.max(100)))
        .read_to_end(&mut head)?;
    Ok(head)
}
