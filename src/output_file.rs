//! Writing an output file safely: every file Local Atlas writes (maps, atlas pages, CSV and
//! GeoJSON exports, weights files, siting outputs) goes through [`write`] or [`write_with`].
//!
//! The bytes go to a temporary file created *exclusively* (`O_EXCL`, a random name, in the
//! target's own folder, so a symlink planted under a predictable name is never followed), are
//! synced to disk, and the temporary file is then renamed over the target. A rename replaces a
//! symlink at the target itself, never the file it points to. On any failure (full disk,
//! cancelled, an error while producing the content) the temporary file is removed and an
//! existing target is left exactly as it was. Errors name the user's file, never the
//! temporary one.

use crate::error::{Error, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (see the module documentation).
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let out = dir.path().join("map.svg");
/// local_atlas::output_file::write(&out, b"<svg/>").unwrap();
/// assert_eq!(std::fs::read(&out).unwrap(), b"<svg/>");
/// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
/// ```
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(path, |w| w.write_all(bytes).map_err(|e| Error::io(path, e)))
}

/// Streams content into `path` atomically: `produce` writes into a buffered writer on the
/// temporary file; when it returns an error, nothing is renamed and the temporary file is
/// removed, so a target that existed keeps its old content.
///
/// ```
/// use std::io::Write;
/// let dir = tempfile::tempdir().unwrap();
/// let out = dir.path().join("a.csv");
/// std::fs::write(&out, "old").unwrap();
/// let failed = local_atlas::output_file::write_with(&out, |w| {
///     w.write_all(b"half a ro").unwrap();
///     Err(local_atlas::Error::Invalid("stopped".into()))
/// });
/// assert!(failed.is_err());
/// assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
/// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
/// ```
pub fn write_with<F>(path: &Path, produce: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    let tmp = create_temporary(path)?;
    let mut writer = BufWriter::new(tmp);
    produce(&mut writer)?;
    let tmp = writer
        .into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// The folder an output goes into (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A new, exclusively created temporary file beside `path`, named `.<name>.<random>.tmp`;
/// removed when dropped unless persisted. Permissions are those of a normal new file
/// (0666 less the umask), not tempfile's private 0600.
fn create_temporary(path: &Path) -> Result<tempfile::NamedTempFile> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{}: an output must be a file name, not a folder",
                path.display()
            ))
        })?;
    // Keep the temporary name short even for a 255-byte target name.
    let stem: String = name.chars().take(40).collect();
    let prefix = format!(".{stem}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let folder = folder_of(path);
    builder
        .tempfile_in(&folder)
        .map_err(|e| create_error(path, &folder, e))
}

/// Why the temporary file could not be created, about the user's file and folder: tempfile
/// adds the temporary's own name to its errors, which the user never asked for.
fn create_error(path: &Path, folder: &Path, e: std::io::Error) -> Error {
    let shown = path.display();
    let dir = folder.display();
    match e.kind() {
        std::io::ErrorKind::NotFound => Error::Invalid(format!(
            "{shown}: the folder {dir} does not exist; create the folder or choose another"
        )),
        std::io::ErrorKind::PermissionDenied => Error::Invalid(format!(
            "{shown}: you may not write in the folder {dir}; choose another folder"
        )),
        kind => {
            let inner = e.into_inner();
            let os = inner
                .as_deref()
                .and_then(std::error::Error::source)
                .and_then(|s| s.downcast_ref::<std::io::Error>())
                .and_then(std::io::Error::raw_os_error);
            let clean = match os {
                Some(code) => std::io::Error::from_raw_os_error(code),
                None => std::io::Error::from(kind),
            };
            Error::io(path, clean)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_named_like_the_old_temporary_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        for old in [".m.png.partial", "m.part", ".m.png.tmp"] {
            std::os::unix::fs::symlink(&victim, dir.path().join(old)).unwrap();
        }
        write(&dir.path().join("m.png"), b"new map").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read(dir.path().join("m.png")).unwrap(), b"new map");
        assert_eq!(names(dir.path()).len(), 5, "{:?}", names(dir.path()));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_target_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let out = dir.path().join("out.csv");
        std::os::unix::fs::symlink(&victim, &out).unwrap();
        write(&out, b"a,b\n").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(!std::fs::symlink_metadata(&out).unwrap().is_symlink());
    }

    #[test]
    fn failure_leaves_no_temporary_and_the_old_target() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("s.csv");
        std::fs::write(&out, "old,content\n").unwrap();
        let r = write_with(&out, |w| {
            w.write_all(&[b'x'; 100_000]).unwrap();
            Err(Error::Cancelled)
        });
        assert!(matches!(r, Err(Error::Cancelled)));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old,content\n");
        assert_eq!(names(dir.path()), vec!["s.csv".to_string()]);
    }

    #[test]
    fn errors_name_the_users_file_not_the_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("no-such-folder").join("m.png");
        let e = write(&out, b"x").unwrap_err().to_string();
        assert!(e.starts_with(&out.display().to_string()), "{e}");
        assert!(e.contains("create the folder"), "{e}");
        assert!(!e.contains(".m.png."), "{e}");
    }

    #[test]
    fn a_failed_rename_leaves_no_temporary() {
        // The target name is taken by a non-empty folder: the rename fails after the write.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("taken");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("inside"), "x").unwrap();
        assert!(write(&out, b"data").is_err());
        assert_eq!(names(dir.path()), vec!["taken".to_string()]);
    }
}
