//! The hostile-input harness: each case writes its files into a fresh folder beside a copy of a
//! small real workspace, runs the real `local-atlas` binary on them under resource limits
//! (`ulimit -v` address space, `ulimit -t` CPU time, and a wall-clock kill), and checks what the
//! issue promises: no panic, no abort, no hang, exit code 1 with an error that names the file,
//! the workspace byte-identical and nothing left behind in the folder.

use super::common;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Address space a run may map (KiB): 4 GiB — an order of magnitude above what any case needs,
/// far below the 5–669 GB allocations the unbounded readers attempted.
const MEMORY_KIB: u64 = 4 << 20;
/// CPU seconds a run may use (debug build).
const CPU_SECONDS: u64 = 120;
/// Wall-clock bound after which the run is killed and the case fails as a hang.
const WALL: Duration = Duration::from_secs(180);
/// An error message longer than this echoes input back whole.
const MAX_STDERR_BYTES: usize = 4000;

/// What a case must end in.
pub enum Expect {
    /// Exit code 1, an error naming this text (usually the offending file), nothing changed.
    Refused(String),
    /// Exit code 0 (hostile-looking but legitimate input).
    Accepted,
    /// Either; when refused, nothing changed (e.g. a 1 M-vertex polygon: import or refuse).
    Either,
}

type Hook = Box<dyn Fn(&Path) + Send + Sync>;

/// One hostile input and the command that reads it.
pub struct Case {
    pub name: String,
    pub files: Vec<(String, Vec<u8>)>,
    pub args: Vec<String>,
    pub expect: Expect,
    /// Runs in the case folder after the files and the workspace copy are in place (tamper with
    /// the workspace, make a symlink…); the workspace is hashed after it.
    pub prepare: Option<Hook>,
    /// An extra check in the case folder after the run.
    pub after: Option<Hook>,
}

impl Case {
    /// A case running `args` (split on spaces; `ws.gpkg` is the workspace copy).
    pub fn new(name: impl Into<String>, args: &str) -> Self {
        Self::with_args(name, args.split_whitespace().map(String::from).collect())
    }
    pub fn with_args(name: impl Into<String>, args: Vec<String>) -> Self {
        Self {
            name: name.into(),
            files: Vec::new(),
            args,
            expect: Expect::Either,
            prepare: None,
            after: None,
        }
    }
    pub fn file(mut self, name: &str, bytes: impl Into<Vec<u8>>) -> Self {
        self.files.push((name.to_string(), bytes.into()));
        self
    }
    pub fn refused(mut self, names: &str) -> Self {
        self.expect = Expect::Refused(names.to_string());
        self
    }
    pub fn either(mut self) -> Self {
        self.expect = Expect::Either;
        self
    }
    pub fn accepted(mut self) -> Self {
        self.expect = Expect::Accepted;
        self
    }
    pub fn prepare(mut self, f: impl Fn(&Path) + Send + Sync + 'static) -> Self {
        self.prepare = Some(Box::new(f));
        self
    }
    pub fn after(mut self, f: impl Fn(&Path) + Send + Sync + 'static) -> Self {
        self.after = Some(Box::new(f));
        self
    }
}

/// The base workspace every case starts from: 25 square areas (geography `lsoa`), indicators
/// `pop` and `rate` (with numerators, denominators and CIs), a point layer `sites`, and a saved
/// map recipe `base`. Built once per test process through the CLI itself.
pub fn base_workspace() -> &'static Path {
    static BASE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &BASE.get_or_init(build_base).1
}

pub fn area_codes() -> Vec<String> {
    (1..=25).map(|i| format!("E010000{i:02}")).collect()
}

fn build_base() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let codes = area_codes();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    common::write(d, "areas.geojson", common::squares_geojson(&refs));
    let mut csv =
        String::from("code,indicator,period,value,numerator,denominator,lower_ci,upper_ci\n");
    for (i, c) in codes.iter().enumerate() {
        let n = 100.0 + 7.0 * i as f64;
        csv += &format!("{c},pop,2024,{n},,,,\n");
        let x = 5.0 + (i % 7) as f64;
        let r = 100.0 * x / n;
        csv += &format!("{c},rate,2024,{r},{x},{n},{},{}\n", r * 0.5, r * 1.5);
    }
    common::write(d, "values.csv", csv);
    let mut pts = String::from("id,name,longitude,latitude\n");
    for i in 0..6 {
        pts += &format!("S{i},Site {i},{},{}\n", -2.295 + 0.04 * i as f64, 53.405);
    }
    common::write(d, "sites.csv", pts);
    let steps = [
        "init ws.gpkg",
        "import boundaries ws.gpkg areas.geojson --geography lsoa --code-field area_code --name-field area_name",
        "import indicators ws.gpkg values.csv --geography lsoa",
        "import points ws.gpkg sites.csv --layer sites",
        "map ws.gpkg --geography lsoa --indicator pop --save-recipe base --out base.svg",
    ];
    for step in steps {
        let out = Command::new(env!("CARGO_BIN_EXE_local-atlas"))
            .args(step.split_whitespace())
            .current_dir(d)
            .output()
            .expect("run local-atlas");
        assert!(
            out.status.success(),
            "building the base workspace: {step}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let ws = d.join("ws.gpkg");
    (dir, ws)
}

/// Runs every case, then fails listing each broken promise (all cases run even if one fails).
pub fn run_all(cases: Vec<Case>) {
    write_corpus(&cases);
    let mut failures = Vec::new();
    let total = cases.len();
    for case in cases {
        if let Err(why) = run_case(&case) {
            failures.push(format!("{}: {why}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} hostile cases broke a promise:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Everything a run left behind, to compare.
#[derive(Debug, PartialEq)]
struct Snapshot {
    files: Vec<(String, u64)>,
    workspace: String,
}

fn snapshot(work: &Path) -> Snapshot {
    let mut files: Vec<(String, u64)> = std::fs::read_dir(work)
        .expect("list case folder")
        .filter_map(|e| e.ok())
        .map(|e| {
            let len = std::fs::symlink_metadata(e.path())
                .map(|m| m.len())
                .unwrap_or(0);
            (e.file_name().to_string_lossy().into_owned(), len)
        })
        .collect();
    files.sort();
    let ws = work.join("ws.gpkg");
    let workspace = if ws.is_file() {
        common::sha256(&ws)
    } else {
        String::new()
    };
    Snapshot { files, workspace }
}

fn run_case(case: &Case) -> Result<(), String> {
    let root = tempfile::tempdir().map_err(|e| e.to_string())?;
    let work = root.path().join("work");
    std::fs::create_dir(&work).map_err(|e| e.to_string())?;
    std::fs::copy(base_workspace(), work.join("ws.gpkg")).map_err(|e| e.to_string())?;
    for (name, bytes) in &case.files {
        std::fs::write(work.join(name), bytes).map_err(|e| format!("writing {name}: {e}"))?;
    }
    if let Some(prepare) = &case.prepare {
        prepare(&work);
    }
    let before = snapshot(&work);
    let (code, stderr, elapsed) = run_limited(&work, &case.args, root.path())?;
    let after = snapshot(&work);
    if stderr.contains("panicked") {
        return Err(format!("panicked: {}", first_lines(&stderr)));
    }
    let code = code.ok_or_else(|| format!("killed by a signal: {}", first_lines(&stderr)))?;
    let refused_check = |names: Option<&str>| -> Result<(), String> {
        if code != 1 {
            return Err(format!(
                "exit code {code}, expected 1: {}",
                first_lines(&stderr)
            ));
        }
        if let Some(n) = names
            && !stderr.contains(n)
        {
            return Err(format!(
                "the error does not name '{n}': {}",
                first_lines(&stderr)
            ));
        }
        if stderr.len() > MAX_STDERR_BYTES {
            return Err(format!(
                "the error is {} bytes long (input echoed?)",
                stderr.len()
            ));
        }
        if before != after {
            return Err(format!(
                "left things changed: before {before:?}\nafter {after:?}"
            ));
        }
        Ok(())
    };
    match &case.expect {
        Expect::Refused(names) => refused_check(Some(names))?,
        Expect::Accepted if code != 0 => {
            return Err(format!(
                "exit code {code}, expected 0: {}",
                first_lines(&stderr)
            ));
        }
        Expect::Accepted => {}
        Expect::Either if code == 0 => {}
        Expect::Either => refused_check(None)?,
    }
    if let Some(check) = &case.after {
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&work)));
        if let Err(panic) = run {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            return Err(format!("after the run: {}", first_lines(&why)));
        }
    }
    let _ = elapsed;
    Ok(())
}

fn first_lines(s: &str) -> String {
    let cut: String = s.chars().take(600).collect();
    cut.replace('\n', " | ")
}

/// Runs the binary in `work` under the address-space and CPU limits, killing it after [`WALL`].
/// Returns the exit code (None when a signal ended it), stderr and the elapsed time.
fn run_limited(
    work: &Path,
    args: &[String],
    logs: &Path,
) -> Result<(Option<i32>, String, Duration), String> {
    let err_path = logs.join("stderr.txt");
    let stderr = std::fs::File::create(&err_path).map_err(|e| e.to_string())?;
    let script = format!("ulimit -v {MEMORY_KIB}; ulimit -t {CPU_SECONDS}; exec \"$0\" \"$@\"");
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_local-atlas"))
        .args(args)
        .current_dir(work)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > WALL {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "still running after {} s: killed (a hang)",
                WALL.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = std::fs::read(&err_path).map_err(|e| e.to_string())?;
    Ok((
        status.code(),
        String::from_utf8_lossy(&text).into_owned(),
        started.elapsed(),
    ))
}

/// Writes every case's files into `dir/<case name>/` (the seed corpus of the fuzz targets):
/// `LOCAL_ATLAS_WRITE_CORPUS=DIR cargo test --test hostile`.
pub fn write_corpus(cases: &[Case]) {
    let Some(dir) = std::env::var_os("LOCAL_ATLAS_WRITE_CORPUS") else {
        return;
    };
    for case in cases {
        let d = Path::new(&dir).join(&case.name);
        std::fs::create_dir_all(&d).expect("corpus folder");
        for (name, bytes) in &case.files {
            std::fs::write(d.join(name), bytes).expect("corpus file");
        }
    }
}
