//! Errors of the library: one enum, every message names what the user must look at.

use std::fmt;

/// A problem in a file the user supplied: names the file and, where they apply, the line and
/// column, says what is wrong and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl InputError {
    pub fn new(file: impl fmt::Display, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: None,
            column: None,
            message: message.into(),
            hint: None,
        }
    }
    pub fn line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column '{column}'")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, ". {}", sentence(hint))?;
        }
        Ok(())
    }
}

/// `text` as a sentence after a full stop: its first letter a capital.
///
/// ```
/// use local_atlas::error::sentence;
/// assert_eq!(sentence("use a number"), "Use a number");
/// assert_eq!(sentence("--period 2019"), "--period 2019");
/// ```
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => c.to_uppercase().chain(chars).collect(),
        _ => text.to_string(),
    }
}

/// Every error the library returns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A user-supplied file is malformed or does not fit the workspace.
    #[error("{0}")]
    Input(Box<InputError>),
    /// The workspace file itself cannot be used (wrong version, damaged, missing tables).
    #[error("workspace {path}: {message}")]
    Workspace { path: String, message: String },
    /// A request names something that is not in the workspace or is not allowed.
    #[error("{0}")]
    Invalid(String),
    /// A file or folder could not be read or written; `message` says why in the user's terms
    /// and what to do (the OS's own text only when there is nothing better), so it is printed
    /// once, not again as a cause.
    #[error("{path}: {message}")]
    Io {
        path: String,
        message: String,
        kind: std::io::ErrorKind,
    },
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The user asked to stop (through a [`crate::feedback::Feedback`]); nothing was written.
    #[error("cancelled by the user")]
    Cancelled,
    /// A request names an indicator the workspace does not have.
    #[error("the workspace has no indicator '{code}'; see `local-atlas info` for the list")]
    UnknownIndicator { code: String },
    /// A request names a geography the workspace does not have.
    #[error("the workspace has no geography '{name}'; see `local-atlas info`")]
    UnknownGeography { name: String },
    /// A request names a point layer the workspace does not have.
    #[error("the workspace has no point layer '{name}'; see `local-atlas info`")]
    UnknownLayer { name: String },
    /// The indicator exists but has no values at the geography (in any period).
    #[error(
        "indicator '{indicator}' has no values for geography '{geography}'; see `local-atlas info`"
    )]
    NoValues {
        indicator: String,
        geography: String,
    },
    /// The indicator has values at the geography, but not in the period asked for.
    #[error(
        "indicator '{indicator}' has no values for '{geography}' in period '{period}' (periods: {available})"
    )]
    NoValuesInPeriod {
        indicator: String,
        geography: String,
        period: String,
        /// The periods it does have, comma-separated ("none" when there are none).
        available: String,
    },
    /// An output file's extension names no format the operation writes; `expected` says which.
    #[error("{path}: {expected}")]
    OutputFormat {
        path: String,
        expected: &'static str,
    },
    /// A geography without any area (nothing to compute over).
    #[error("geography '{geography}' has no areas")]
    NoAreas { geography: String },
    /// An indicator's values cannot be classified with the options given.
    #[error("{indicator}: {source}")]
    Classify {
        indicator: String,
        #[source]
        source: crate::analysis::classify::ClassifyError,
    },
    /// An output file (CSV, GeoJSON…) could not be written.
    #[error("cannot write {format}: {message}")]
    Write {
        format: &'static str,
        message: String,
    },
    /// A composite index could not be built (cancellation becomes [`Error::Cancelled`]).
    #[error("index '{name}': {source}")]
    Index {
        name: String,
        #[source]
        source: crate::analysis::composite::CompositeError,
    },
    /// A spatial statistic could not be computed (cancellation becomes [`Error::Cancelled`]).
    #[error("{0}")]
    Stats(#[source] crate::analysis::error::StatsError),
    /// Spatial weights could not be built from the areas' centroids.
    #[error("{0}")]
    Weights(#[from] crate::analysis::weights::distance::WeightsError),
    /// The siting model is ill-posed (bad reach, capacities, or more sites asked than exist).
    #[error("{0}")]
    Siting(#[from] crate::analysis::siting::SitingError),
    /// A map could not be drawn or written.
    #[error("map: {0}")]
    Render(#[from] crate::render::RenderError),
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(Box::new(e))
    }
}

/// The analysis layer's cancellation is the library's [`Error::Cancelled`]; every other
/// statistics error keeps its own type and text.
impl From<crate::analysis::error::StatsError> for Error {
    fn from(e: crate::analysis::error::StatsError) -> Self {
        match e {
            crate::analysis::error::StatsError::Cancelled => Error::Cancelled,
            other => Error::Stats(other),
        }
    }
}

impl Error {
    /// `path` has an extension the operation cannot write (`expected` tells the user which).
    pub fn output_format(path: &std::path::Path, expected: &'static str) -> Self {
        Error::OutputFormat {
            path: path.display().to_string(),
            expected,
        }
    }
    /// A CSV output could not be written.
    pub fn csv_write(e: impl fmt::Display) -> Self {
        Error::Write {
            format: "CSV",
            message: e.to_string(),
        }
    }
    /// A GeoJSON output could not be written.
    pub fn geojson_write(e: impl fmt::Display) -> Self {
        Error::Write {
            format: "GeoJSON",
            message: e.to_string(),
        }
    }
    /// `source`, met reading or writing `path`, in words that say what to do.
    pub fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.display().to_string(),
            message: io_text(path, &source),
            kind: source.kind(),
        }
    }
}

/// What an OS error on `path` means to the user and what to do about it.
///
/// ```
/// use local_atlas::error::Error;
/// let dir = tempfile::tempdir().unwrap();
/// let out = dir.path().join("no-such-folder").join("map.png");
/// let e = Error::io(&out, std::fs::File::create(&out).unwrap_err());
/// assert!(e.to_string().contains("does not exist: create it or choose another"));
/// assert!(!e.to_string().contains("os error"));
/// ```
fn io_text(path: &std::path::Path, e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    match e.kind() {
        K::NotFound => match parent {
            Some(dir) if !dir.exists() => format!(
                "the folder {} does not exist: create it or choose another",
                dir.display()
            ),
            _ => "no such file: check the name and the folder".into(),
        },
        K::PermissionDenied => "permission denied: ask for access to it, or use a copy in a \
             folder you may read and write"
            .into(),
        K::ReadOnlyFilesystem => {
            "the disk is read-only: choose a folder on a disk you can write".into()
        }
        K::StorageFull | K::QuotaExceeded => {
            "the disk is full: nothing was written; free space and try again".into()
        }
        K::IsADirectory => "is a folder, not a file: give a file inside it".into(),
        K::NotADirectory => "part of this path is a file, not a folder: check the path".into(),
        K::AlreadyExists => "already exists: choose another name or delete it first".into(),
        K::InvalidFilename => {
            "the name is too long or not allowed on this disk: choose a shorter, plainer one".into()
        }
        K::InvalidData if e.to_string().contains("valid UTF-8") => {
            "is not UTF-8 text: save it as UTF-8 (in Excel: Save As, \"CSV UTF-8\") and try again"
                .into()
        }
        _ => e.to_string(),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The longest piece of user input an error message repeats ([`excerpt`]).
pub const EXCERPT_CHARS: usize = 60;

/// `text` as an error message should quote it: whole when short, else its first
/// [`EXCERPT_CHARS`] characters (cut at a character boundary) and how long it was, so a 5 MB
/// cell or title is never echoed back whole. Control characters are shown escaped.
///
/// ```
/// use local_atlas::error::excerpt;
/// assert_eq!(excerpt("E01000001"), "E01000001");
/// let long = "é".repeat(1000);
/// let e = excerpt(&long);
/// assert!(e.starts_with("ééé") && e.ends_with("(1000 characters)"));
/// assert_eq!(excerpt("a\tb"), "a\\tb");
/// ```
pub fn excerpt(text: &str) -> String {
    let count = text.chars().count();
    let shown: String = text
        .chars()
        .take(EXCERPT_CHARS)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if count > EXCERPT_CHARS {
        format!("{shown}… ({count} characters)")
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::error::StatsError;

    #[test]
    fn statistics_cancellation_is_the_cancelled_variant() {
        assert!(matches!(
            Error::from(StatsError::Cancelled),
            Error::Cancelled
        ));
    }

    #[test]
    fn other_statistics_errors_keep_their_type_and_text() {
        let e = Error::from(StatsError::ZeroVariance);
        assert!(matches!(e, Error::Stats(StatsError::ZeroVariance)));
        assert_eq!(e.to_string(), StatsError::ZeroVariance.to_string());
    }

    #[test]
    fn text_that_is_not_utf8_names_the_file_and_the_encoding_expected() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("spec.toml");
        std::fs::write(&p, b"title = \"caf\xe9\"").unwrap();
        let e = Error::io(&p, std::fs::read_to_string(&p).unwrap_err());
        let text = e.to_string();
        assert!(text.starts_with(&p.display().to_string()), "{text}");
        assert!(
            text.contains("is not UTF-8 text: save it as UTF-8"),
            "{text}"
        );
        assert!(!text.contains("stream did not contain"), "{text}");
    }

    #[test]
    fn os_errors_have_no_cause_to_print_twice() {
        use std::error::Error as _;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("missing.csv");
        let e = Error::io(&p, std::fs::File::open(&p).unwrap_err());
        assert!(e.source().is_none());
        assert!(e.to_string().contains("no such file"), "{e}");
        let e = Error::io(
            dir.path(),
            std::io::Error::from(std::io::ErrorKind::StorageFull),
        );
        assert!(e.to_string().contains("the disk is full"), "{e}");
    }

    #[test]
    fn unknown_names_keep_their_messages() {
        let e = Error::UnknownIndicator { code: "imd".into() };
        assert_eq!(
            e.to_string(),
            "the workspace has no indicator 'imd'; see `local-atlas info` for the list"
        );
        let e = Error::NoValuesInPeriod {
            indicator: "a".into(),
            geography: "g".into(),
            period: "2020".into(),
            available: "none".into(),
        };
        assert_eq!(
            e.to_string(),
            "indicator 'a' has no values for 'g' in period '2020' (periods: none)"
        );
    }
}
