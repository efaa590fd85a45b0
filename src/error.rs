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
            write!(f, ". {hint}")?;
        }
        Ok(())
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
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cancelled by the user")]
    Cancelled,
    /// A map could not be drawn or written.
    #[error("map: {0}")]
    Render(#[from] crate::render::RenderError),
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(Box::new(e))
    }
}

impl Error {
    pub fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
