//! Reading a user's file whole, bounded: only regular files (never a folder, `/dev/zero`, a
//! FIFO or a terminal, which would read forever or fail obscurely), and never more than a
//! stated number of bytes, so a hostile or mistaken path cannot exhaust memory.

use crate::error::{InputError, Result};
use std::io::Read;
use std::path::Path;

/// Reads `path` whole when it is a regular file of at most `max_bytes` bytes. The size is
/// checked before reading and the read itself stops one byte past the limit, so a file that
/// grows while it is read is still bounded.
///
/// ```
/// use local_atlas::data::read_limited::read_limited;
/// let dir = tempfile::tempdir().unwrap();
/// let p = dir.path().join("a.csv");
/// std::fs::write(&p, "code,value\n").unwrap();
/// assert_eq!(read_limited(&p, 100).unwrap().len(), 11);
/// assert!(read_limited(&p, 5).unwrap_err().to_string().contains("larger than"));
/// assert!(read_limited(dir.path(), 100).unwrap_err().to_string().contains("folder"));
/// ```
pub fn read_limited(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| open_error(path, &e))?;
    if meta.is_dir() {
        return Err(InputError::new(shown, "is a folder, not a file")
            .hint("give the file inside it")
            .into());
    }
    if !meta.is_file() {
        return Err(
            InputError::new(shown, "is not a regular file (a device, pipe or socket)")
                .hint("save the data to a file and give that file")
                .into(),
        );
    }
    if meta.len() > max_bytes {
        return Err(too_large(path, max_bytes));
    }
    let file = std::fs::File::open(path).map_err(|e| open_error(path, &e))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| open_error(path, &e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(path, max_bytes));
    }
    Ok(bytes)
}

fn too_large(path: &Path, max_bytes: u64) -> crate::error::Error {
    InputError::new(
        path.display(),
        format!(
            "is larger than the {} limit for this kind of file",
            size_text(max_bytes)
        ),
    )
    .hint("check that this is the right file, or split it")
    .into()
}

pub(crate) fn open_error(path: &Path, e: &std::io::Error) -> crate::error::Error {
    let what = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "you may not read this file".to_string(),
        _ => format!("cannot be read ({e})"),
    };
    InputError::new(path.display(), what)
        .hint("check the path and that you may read it")
        .into()
}

/// Refuses a spreadsheet workbook given where a CSV or a layer file belongs (`.xlsx`, `.xls`,
/// `.xlsm`, `.ods`): its bytes are a zip or a binary format, and the useful answer is how to
/// save it as CSV, not which formats are read.
///
/// ```
/// use local_atlas::data::read_limited::refuse_workbook;
/// let e = refuse_workbook(std::path::Path::new("rents.xlsx")).unwrap_err().to_string();
/// assert!(e.contains("save it as 'CSV UTF-8"), "{e}");
/// assert!(refuse_workbook(std::path::Path::new("rents.csv")).is_ok());
/// ```
pub fn refuse_workbook(path: &Path) -> Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if matches!(ext.as_str(), "xlsx" | "xls" | "xlsm" | "ods") {
        return Err(InputError::new(
            path.display(),
            format!("is a spreadsheet workbook (.{ext}), not a CSV file"),
        )
        .hint("open it in Excel (or LibreOffice) and save it as 'CSV UTF-8 (comma delimited)', then import the .csv")
        .into());
    }
    Ok(())
}

/// `bytes` as "64 MiB", "2 GiB", "512 KiB" or "100 bytes".
fn size_text(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{} {name}", bytes / unit);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_devices_without_reading_them() {
        let e = read_limited(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }

    #[test]
    fn names_a_missing_file() {
        let e = read_limited(Path::new("/no/such/file.csv"), 10).unwrap_err();
        let s = e.to_string();
        assert!(
            s.starts_with("/no/such/file.csv") && s.contains("no such file"),
            "{s}"
        );
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(64 << 20), "64 MiB");
        assert_eq!(size_text(1000), "1000 bytes");
    }
}
