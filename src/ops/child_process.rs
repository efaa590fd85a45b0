//! Timing a whole child process: wall time from spawn to exit and, on Linux, the child's peak
//! resident memory as the kernel counts it (`wait4`'s `rusage.ru_maxrss`, the same figure
//! `/usr/bin/time -v` prints as "Maximum resident set size"). On other systems the memory is
//! `None`.
//!
//! Linux starts the child's count from the resident size of the process that spawned it (the
//! high-water mark survives the `exec`), so a parent that measures small children must itself
//! stay small: [`own_peak_rss_bytes`] tells how small it was.

use crate::error::{Error, Result};
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Instant;

/// A command to run: a program, its arguments and the folder it runs in.
#[derive(Debug, Clone)]
pub struct ChildCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub cwd: PathBuf,
}

impl ChildCommand {
    /// The command line as one line of text, for reports and error messages.
    pub fn display(&self) -> String {
        let mut s = self.program.display().to_string();
        for a in &self.args {
            s.push(' ');
            s.push_str(&a.to_string_lossy());
        }
        s
    }
}

/// How a child ran.
#[derive(Debug, Clone)]
pub struct ChildRun {
    pub wall_s: f64,
    /// Peak resident memory of the child in bytes (Linux), else `None`.
    pub peak_rss_bytes: Option<u64>,
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Runs `cmd` to completion, collecting its output, and times it. A child that cannot be
/// started is an error; one that fails is not (see [`run_checked`]).
pub fn run(cmd: &ChildCommand) -> Result<ChildRun> {
    let start = Instant::now();
    let mut child = Command::new(&cmd.program)
        .args(&cmd.args)
        .current_dir(&cmd.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io(&cmd.program, e))?;
    // Both pipes are drained on their own threads so a child writing much to one never blocks.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let (status, peak_rss_bytes) = wait(&mut child, &cmd.program)?;
    let wall_s = start.elapsed().as_secs_f64();
    Ok(ChildRun {
        wall_s,
        peak_rss_bytes,
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// [`run`], and a child that exits unsuccessfully is an error naming the command and quoting
/// its stderr.
pub fn run_checked(cmd: &ChildCommand) -> Result<ChildRun> {
    let out = run(cmd)?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(Error::Invalid(format!(
            "`{}` failed ({}): {}",
            cmd.display(),
            out.status,
            tail(stderr.trim(), STDERR_CHARS)
        )));
    }
    Ok(out)
}

/// How much of a failed child's stderr an error quotes (its end, where the error is).
const STDERR_CHARS: usize = 2000;

/// The last `max` characters of `text`, marked when cut.
fn tail(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_string();
    }
    let rest: String = text.chars().skip(count - max).collect();
    format!("…{rest}")
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// Waits for the child with `wait4`, which reaps it and returns its resource usage.
#[cfg(target_os = "linux")]
fn wait(child: &mut std::process::Child, program: &Path) -> Result<(ExitStatus, Option<u64>)> {
    use std::os::unix::process::ExitStatusExt;
    let pid = libc::pid_t::try_from(child.id())
        .map_err(|_| Error::Invalid(format!("{}: process id out of range", program.display())))?;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct of integers.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet reaped (`Child::wait` is never called on it);
        // both pointers are to live locals of the right types.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(Error::io(program, e));
        }
    }
    // Linux reports ru_maxrss in kibibytes.
    let peak = u64::try_from(usage.ru_maxrss).ok().map(|kib| kib * 1024);
    Ok((ExitStatus::from_raw(status), peak))
}

#[cfg(not(target_os = "linux"))]
fn wait(child: &mut std::process::Child, program: &Path) -> Result<(ExitStatus, Option<u64>)> {
    let status = child.wait().map_err(|e| Error::io(program, e))?;
    Ok((status, None))
}

/// The peak resident memory of this process so far, in bytes (Linux), else `None`.
#[cfg(target_os = "linux")]
pub fn own_peak_rss_bytes() -> Option<u64> {
    // SAFETY: as in `wait`: a zeroed `rusage` filled in by the kernel for this process.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pointer is to a live local of the right type.
    let r = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    (r == 0)
        .then(|| u64::try_from(usage.ru_maxrss).ok().map(|kib| kib * 1024))
        .flatten()
}

/// The peak resident memory of this process: not measured on this system.
#[cfg(not(target_os = "linux"))]
pub fn own_peak_rss_bytes() -> Option<u64> {
    None
}

/// Whether `program` (a bare name) is an executable file in a folder of `PATH`; its full path.
pub fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file() || p.with_extension("exe").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exe() -> ChildCommand {
        // The test binary itself, listing its tests: a real child that exits 0.
        ChildCommand {
            program: std::env::current_exe().unwrap(),
            args: vec!["--list".into()],
            cwd: std::env::temp_dir(),
        }
    }

    #[test]
    fn a_child_is_timed_and_its_memory_counted_on_linux() {
        let out = run_checked(&exe()).unwrap();
        assert!(out.wall_s > 0.0);
        assert!(String::from_utf8_lossy(&out.stdout).contains("tests"));
        if cfg!(target_os = "linux") {
            assert!(out.peak_rss_bytes.unwrap() > 0);
            assert!(own_peak_rss_bytes().unwrap() > 0);
        }
    }

    #[test]
    fn a_failed_child_names_the_command_and_its_stderr() {
        let mut cmd = exe();
        cmd.args = vec!["--no-such-flag-here".into()];
        let e = run_checked(&cmd).unwrap_err().to_string();
        assert!(e.contains("--no-such-flag-here"), "{e}");
        assert!(e.contains("failed"), "{e}");
    }
}
