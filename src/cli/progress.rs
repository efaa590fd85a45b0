//! Progress display for the terminal: indicatif bars, shown only when stderr is a terminal so
//! scripts and `--json` output stay clean.

use indicatif::{ProgressBar, ProgressStyle};
use local_atlas::ops::Feedback;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// Set by Ctrl-C while a [`Bar`] is alive: the command's next look at Cancel stops it, and it
/// rolls back what it wrote.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// How many [`Bar`]s (cancellable commands) are alive.
static CANCELLABLE: AtomicUsize = AtomicUsize::new(0);

/// Installs the Ctrl-C handler, once, at start: during a cancellable command the first Ctrl-C
/// asks it to stop (it rolls back and exits with 130), a second one quits at once; otherwise
/// Ctrl-C quits at once, as it would without a handler. Quitting at once is safe: a workspace
/// write is one SQLite transaction, undone from its journal when the workspace is next opened.
pub fn handle_ctrl_c() {
    let _ = ctrlc::set_handler(|| {
        if CANCELLABLE.load(Ordering::SeqCst) == 0 || INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!(
            "\nstopping: undoing what was written (Ctrl-C again quits at once; the workspace is safe either way)"
        );
    });
}

/// True after Ctrl-C.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

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

/// A bar driven through the library's [`Feedback`] interface; while it lives, Ctrl-C cancels
/// the command ([`handle_ctrl_c`]). Rows per second and the time left are shown.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    pub fn new() -> Self {
        CANCELLABLE.fetch_add(1, Ordering::SeqCst);
        if !visible() {
            return Bar(None);
        }
        let bar = ProgressBar::new(1);
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:30} {human_pos}/{human_len} {msg} ({per_sec}, {eta} left)",
        ) {
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
    fn is_cancelled(&self) -> bool {
        interrupted()
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        CANCELLABLE.fetch_sub(1, Ordering::SeqCst);
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
