//! A frame timer for checking that the window keeps repainting while background work runs:
//! when `LOCAL_ATLAS_FRAME_LOG=FILE` is set, every frame appends the milliseconds since the
//! first frame to FILE, one line a frame. The gaps between lines are the frame-to-frame times a
//! user sees (a frozen UI thread shows as one long gap). Off when the variable is unset.

use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

struct Log {
    out: std::fs::File,
    start: Instant,
}

static LOG: Mutex<Option<Option<Log>>> = Mutex::new(None);

fn open() -> Option<Log> {
    let path = std::env::var_os("LOCAL_ATLAS_FRAME_LOG")?;
    let out = std::fs::File::create(path).ok()?;
    Some(Log {
        out,
        start: Instant::now(),
    })
}

/// Records one frame (a no-op unless `LOCAL_ATLAS_FRAME_LOG` is set).
pub fn tick() {
    let Ok(mut guard) = LOG.lock() else {
        return;
    };
    if let Some(log) = guard.get_or_insert_with(open) {
        let ms = log.start.elapsed().as_secs_f64() * 1000.0;
        // A failed write only loses a diagnostic line.
        let _ = writeln!(log.out, "{ms:.1}");
    }
}
