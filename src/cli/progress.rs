//! Progress display for the terminal: indicatif bars, shown only when stderr is a terminal so
//! scripts and `--json` output stay clean.

use indicatif::{ProgressBar, ProgressStyle};
use local_atlas::ops::Feedback;
use std::io::IsTerminal;
use std::time::Duration;

fn visible() -> bool {
    std::io::stderr().is_terminal()
}

/// A spinner for work of unknown length.
pub struct Spinner(Option<ProgressBar>);

impl Spinner {
    pub fn start(message: &str) -> Self {
        if !visible() {
            return Spinner(None);
        }
        let bar = ProgressBar::new_spinner();
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(Some(bar))
    }
}

/// The spinner names the operation's current stage ("read", "draw", "encode", …).
impl Feedback for Spinner {
    fn stage(&self, name: &str) {
        if let Some(b) = &self.0 {
            b.set_message(name.to_string());
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// A bar driven through the library's [`Feedback`] interface.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    pub fn new() -> Self {
        if !visible() {
            return Bar(None);
        }
        let bar = ProgressBar::new(1);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        Bar(Some(bar))
    }
}

impl Feedback for Bar {
    fn stage(&self, name: &str) {
        if let Some(b) = &self.0 {
            b.set_message(name.to_string());
        }
    }
    fn progress(&self, done: u64, total: u64) {
        if let Some(b) = &self.0 {
            b.set_length(total);
            b.set_position(done);
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
