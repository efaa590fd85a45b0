//! `import boundaries|indicators|lookup|points`: each builds one `ops::import` request, the
//! door the desktop app uses too. `--check` runs the very same import inside a transaction
//! that is rolled back, and prints the same report (with `"check": true` in the JSON).

use super::progress;
use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use clap::{Args, Subcommand};
use local_atlas::ops::Workspace;
use local_atlas::ops::import::{self, Crs, FileKind, ImportReport, ImportRequest, TextEncoding};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Boundaries from GeoJSON, a shapefile or a GeoPackage layer; stored in EPSG:27700.
    Boundaries(BoundaryArgs),
    /// Indicator values from CSV, long form (code, indicator, period, value, …) or --wide.
    Indicators(IndicatorArgs),
    /// A best-fit lookup between two geographies (e.g. LSOA → ward).
    Lookup(LookupArgs),
    /// A point layer from CSV (easting/northing or longitude/latitude) or GeoJSON.
    Points(PointArgs),
    /// A postcode lookup: ONS ONSPD or NSPL (header row) or OS Code-Point Open (no header);
    /// replaces the workspace's current release.
    Postcodes(super::import_postcodes::Args),
}

/// The workspace and the file to import into it.
#[derive(Args, Debug)]
pub struct Source {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    pub file: PathBuf,
}

/// What to do with the result: write it, or only check; print it as text or JSON.
#[derive(Args, Debug)]
pub struct Outcome {
    /// Only check the file against the workspace: the same checks and report as the import,
    /// nothing written (exit 1 with the error if it would not import).
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Args, Debug)]
pub struct BoundaryArgs {
    #[command(flatten)]
    pub source: Source,
    #[arg(long)]
    pub geography: String,
    #[arg(long)]
    pub code_field: Option<String>,
    #[arg(long)]
    pub name_field: Option<String>,
    /// CRS of the file when it does not say, or says wrongly (e.g. EPSG:27700).
    #[arg(long, value_parser = parse_crs)]
    pub source_crs: Option<Crs>,
    /// Layer to read from a GeoPackage source (default: the first).
    #[arg(long)]
    pub layer: Option<String>,
    /// Copyright line printed under maps of this geography, e.g. "Contains OS data ©
    /// Crown copyright and database right 2019".
    #[arg(long)]
    pub attribution: Option<String>,
    #[command(flatten)]
    pub outcome: Outcome,
}

#[derive(Args, Debug)]
pub struct IndicatorArgs {
    #[command(flatten)]
    pub source: Source,
    #[arg(long)]
    pub geography: String,
    #[arg(long)]
    pub code_field: Option<String>,
    /// One column per indicator; the column name becomes the indicator code.
    #[arg(long)]
    pub wide: bool,
    /// With --wide: import only these columns (comma-separated).
    #[arg(long, value_delimiter = ',', requires = "wide")]
    pub columns: Option<Vec<String>>,
    #[arg(long)]
    pub period: Option<String>,
    /// Metadata CSV: code, title, theme, definition, unit, decimals, polarity, source, licence, sensitivity.
    #[arg(long)]
    pub metadata: Option<PathBuf>,
    /// Import even if some area codes match no boundary.
    #[arg(long)]
    pub allow_unmatched: bool,
    /// Replace values already stored for the same indicator, geography and period.
    #[arg(long)]
    pub replace: bool,
    /// Take a code that matches no boundary but is one digit (or a letter O) away from exactly
    /// one boundary code as that code, e.g. E0800003 as E08000003; reported as fixed.
    #[arg(long)]
    pub fix_codes: bool,
    /// Refuse the import when it has data-quality warnings (areas without a value, outliers,
    /// unusual changes, values outside their confidence interval, codes that look mistyped).
    #[arg(long)]
    pub strict: bool,
    /// auto (UTF-8, else Windows-1252), utf-8 or windows-1252.
    #[arg(long, default_value = "auto")]
    pub encoding: TextEncoding,
    /// Area codes whose rows are stored as benchmark areas (comma-separated), beside the
    /// well-known ones recognised anyway: the UK's countries (E92000001 …) and England's
    /// regions (E12000001–E12000009).
    #[arg(long, value_delimiter = ',')]
    pub benchmark_codes: Vec<String>,
    /// A file with breakdown columns (sex, age, category_type, category; Fingertips):
    /// headline (one row per indicator, area and period) or all (the others under codes
    /// suffixed with their breakdown).
    #[arg(long, default_value = "headline")]
    pub breakdown: import::Breakdown,
    #[command(flatten)]
    pub outcome: Outcome,
}

#[derive(Args, Debug)]
pub struct LookupArgs {
    #[command(flatten)]
    pub source: Source,
    #[arg(long)]
    pub from: String,
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub from_field: Option<String>,
    #[arg(long)]
    pub to_field: Option<String>,
    #[command(flatten)]
    pub outcome: Outcome,
}

#[derive(Args, Debug)]
pub struct PointArgs {
    #[command(flatten)]
    pub source: Source,
    #[arg(long)]
    pub layer: String,
    #[arg(long, value_parser = parse_crs)]
    pub source_crs: Option<Crs>,
    /// Locate each row by the postcode in this column (the workspace's postcode lookup,
    /// `import postcodes`) instead of coordinate columns.
    #[arg(long, conflicts_with = "source_crs")]
    pub postcode_field: Option<String>,
    /// With --postcode-field: import the rows whose postcode is found and skip the others.
    #[arg(long, requires = "postcode_field")]
    pub allow_unmatched: bool,
    #[command(flatten)]
    pub outcome: Outcome,
}

fn parse_crs(s: &str) -> Result<Crs, String> {
    Crs::parse(s)
        .ok_or_else(|| format!("unsupported CRS '{s}': use EPSG:27700, EPSG:4326 or EPSG:3857"))
}

/// One import as the command asked for it.
struct Planned {
    workspace: PathBuf,
    request: ImportRequest,
    outcome: Outcome,
}

impl Command {
    /// The request of a file-kind import (`None` for postcodes, which have their own).
    fn plan(self) -> std::result::Result<Planned, super::import_postcodes::Args> {
        Ok(match self {
            Command::Boundaries(a) => a.plan(),
            Command::Indicators(a) => a.plan(),
            Command::Lookup(a) => a.plan(),
            Command::Points(a) => a.plan(),
            Command::Postcodes(a) => return Err(a),
        })
    }
}

impl Source {
    fn planned(self, request: impl FnOnce(PathBuf) -> ImportRequest, outcome: Outcome) -> Planned {
        Planned {
            workspace: self.ws.workspace,
            request: request(self.file),
            outcome,
        }
    }
}

impl BoundaryArgs {
    fn plan(self) -> Planned {
        let Self {
            source,
            geography,
            code_field,
            name_field,
            source_crs,
            layer,
            attribution,
            outcome,
        } = self;
        source.planned(
            |file| ImportRequest {
                code_field,
                name_field,
                source_crs,
                source_layer: layer,
                attribution,
                ..ImportRequest::new(FileKind::Boundaries, file, geography)
            },
            outcome,
        )
    }
}

impl IndicatorArgs {
    fn plan(self) -> Planned {
        let Self {
            source,
            geography,
            code_field,
            wide,
            columns,
            period,
            metadata,
            allow_unmatched,
            replace,
            fix_codes,
            strict,
            encoding,
            benchmark_codes,
            breakdown,
            outcome,
        } = self;
        source.planned(
            |file| ImportRequest {
                code_field,
                wide,
                columns,
                period,
                metadata,
                allow_unmatched,
                replace,
                fix_codes,
                strict,
                encoding,
                benchmark_codes,
                breakdown,
                ..ImportRequest::new(FileKind::Indicators, file, geography)
            },
            outcome,
        )
    }
}

impl LookupArgs {
    fn plan(self) -> Planned {
        let Self {
            source,
            from,
            to,
            from_field,
            to_field,
            outcome,
        } = self;
        source.planned(
            |file| ImportRequest {
                code_field: from_field,
                to,
                to_field,
                ..ImportRequest::new(FileKind::Lookup, file, from)
            },
            outcome,
        )
    }
}

impl PointArgs {
    fn plan(self) -> Planned {
        let Self {
            source,
            layer,
            source_crs,
            postcode_field,
            allow_unmatched,
            outcome,
        } = self;
        source.planned(
            |file| ImportRequest {
                source_crs,
                postcode_field,
                allow_unmatched,
                ..ImportRequest::new(FileKind::Points, file, layer)
            },
            outcome,
        )
    }
}

pub fn run(command: Command) -> Result<()> {
    let Planned {
        workspace,
        request,
        outcome,
    } = match command.plan() {
        Ok(p) => p,
        Err(postcodes) => return super::import_postcodes::run(postcodes),
    };
    let ws = Workspace::open(&workspace)?;
    let bar = progress::Bar::new();
    let report = if outcome.check {
        import::check(&ws, &request, &bar)
    } else {
        import::run(&ws, &request, &bar)
    };
    drop(bar);
    print(&report?, &outcome)
}

/// Prints the report: the import's JSON (plus `"check": true` for a check), or its summary.
fn print(report: &ImportReport, outcome: &Outcome) -> Result<()> {
    let mut value = serde_json::to_value(report)?;
    if let (true, Some(fields)) = (outcome.check, value.as_object_mut()) {
        fields.insert("check".into(), serde_json::Value::Bool(true));
    }
    outcome.json.emit(&value, || {
        if outcome.check {
            format!(
                "check passed, nothing written: would import {}",
                report.summary()
            )
        } else {
            format!("imported {}", report.summary())
        }
    })
}
