//! One progress-and-cancel interface for long work (used by analysis, ops and both front ends), implemented by the CLI (progress bars)
//! and the app (progress bar and cancel button).

/// Receives progress from long operations and can ask them to stop.
pub trait Feedback: Sync {
    /// A new stage of the work begins (e.g. "importing boundaries").
    fn stage(&self, _name: &str) {}
    /// `done` of `total` steps of the current stage are complete.
    fn progress(&self, _done: u64, _total: u64) {}
    /// True when the user asked to stop; operations then return `Error::Cancelled`.
    fn is_cancelled(&self) -> bool {
        false
    }
}

/// Feedback that shows nothing and never cancels.
pub struct Silent;
impl Feedback for Silent {}
