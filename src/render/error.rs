//! Errors of the renderer.

/// Why a map could not be laid out or written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The recipe or its resolved input cannot be drawn (e.g. an empty extent, a page smaller
    /// than its margins); the message says what to change.
    #[error("{0}")]
    Invalid(String),
    /// A backend failed (SVG parsing for PNG/PDF, PNG encoding, PDF conversion).
    #[error("{backend}: {message}")]
    Backend {
        backend: &'static str,
        message: String,
    },
}
