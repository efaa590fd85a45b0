//! The national benchmark's input files: for each size, the synthetic tessellation as a
//! GeoJSON boundary file and a long-form indicator CSV over it (`ops::synthetic_files`),
//! written once into a cache folder and reused while they are there (generating 10 M rows
//! takes longer than some of the jobs timed on them). **Synthetic: never real areas.**
//!
//! Sizes: 32,844 areas (every LSOA in England, 2011) is a 204 × 161 grid, 171,000 (every
//! output area of England and Wales, about) 450 × 380; any other size is cut into its most
//! square grid. By default a size gets 5 periods and as many indicators as make at least
//! 10,000,000 values (61 on 32,844, 12 on 171,000).

use super::synthetic_files::{self, LongForm};
use crate::error::{Error, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Values a size gets by default, at least.
pub const DEFAULT_VALUES: usize = 10_000_000;
/// Periods a size gets by default (2019–2023).
pub const DEFAULT_PERIODS: usize = 5;
/// The longest side of a grid, as a multiple of the shorter one, for a size that is not one of
/// the two national ones.
const MAX_ASPECT: usize = 4;

/// The grid (columns, rows) of a size: the two national sizes have their own; any other is
/// cut into its most square factorisation, refused when that is longer than 4 × its width
/// (a prime, say).
///
/// ```
/// use local_atlas::ops::bench_national_files::grid;
/// assert_eq!(grid(32_844).unwrap(), (204, 161));
/// assert_eq!(grid(171_000).unwrap(), (450, 380));
/// assert_eq!(grid(64).unwrap(), (8, 8));
/// assert_eq!(grid(12).unwrap(), (4, 3));
/// assert!(grid(101).is_err());
/// ```
pub fn grid(areas: usize) -> Result<(usize, usize)> {
    match areas {
        32_844 => return Ok((204, 161)),
        171_000 => return Ok((450, 380)),
        0 => {
            return Err(Error::Invalid(
                "a benchmark size must be at least 1 area".into(),
            ));
        }
        _ => {}
    }
    let rows = (1..=areas.isqrt())
        .rev()
        .find(|&d| areas.is_multiple_of(d))
        .unwrap_or(1);
    let cols = areas / rows;
    if cols > MAX_ASPECT * rows {
        return Err(Error::Invalid(format!(
            "{areas} areas make no near-square grid (the squarest is {cols} × {rows}): choose a \
             size with factors near its square root, e.g. 32844 or 171000"
        )));
    }
    Ok((cols, rows))
}

/// The long-form shape of a size: `values_per_area` (indicators × periods) when given, split
/// into the most periods up to 5 that divide it; by default 5 periods and enough indicators
/// for [`DEFAULT_VALUES`] values.
///
/// ```
/// use local_atlas::ops::bench_national_files::shape;
/// let s = shape(32_844, None).unwrap();
/// assert_eq!((s.indicators, s.periods, s.values()), (61, 5, 10_017_420));
/// let s = shape(171_000, None).unwrap();
/// assert_eq!((s.indicators, s.periods, s.values()), (12, 5, 10_260_000));
/// let s = shape(32_844, Some(915)).unwrap();
/// assert_eq!((s.indicators, s.periods, s.values()), (183, 5, 30_052_260));
/// let s = shape(64, Some(4)).unwrap();
/// assert_eq!((s.indicators, s.periods), (1, 4));
/// ```
pub fn shape(areas: usize, values_per_area: Option<usize>) -> Result<LongForm> {
    let (cols, rows) = grid(areas)?;
    let (indicators, periods) = match values_per_area {
        Some(0) => {
            return Err(Error::Invalid(
                "--values-per-area must be at least 1".into(),
            ));
        }
        Some(n) => {
            let periods = (1..=DEFAULT_PERIODS)
                .rev()
                .find(|&p| n.is_multiple_of(p))
                .unwrap_or(1);
            (n / periods, periods)
        }
        None => (
            DEFAULT_VALUES.div_ceil(areas * DEFAULT_PERIODS),
            DEFAULT_PERIODS,
        ),
    };
    Ok(LongForm {
        cols,
        rows,
        indicators,
        periods,
    })
}

/// One size's input files.
#[derive(Debug, Clone, Serialize)]
pub struct NationalInputs {
    pub form: LongForm,
    pub boundaries: PathBuf,
    pub boundaries_bytes: u64,
    pub csv: PathBuf,
    pub csv_bytes: u64,
    /// Data rows of the CSV, and of them suppressed (`*`).
    pub values: usize,
    pub suppressed: usize,
    /// Whether the files were written now (else found in the cache folder).
    pub generated: bool,
}

fn size_of(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len())
}

/// The input files of `form` in `dir`, written when absent. File names carry the shape
/// (`cells_204x161.geojson`, `long_204x161_61x5.csv`), so a cached file is never mistaken for
/// another shape; both are written to a temporary name and renamed, so an interrupted run
/// leaves no half file under the cached name.
pub fn ensure(dir: &Path, form: &LongForm) -> Result<NationalInputs> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let grid = format!("{}x{}", form.cols, form.rows);
    let boundaries = dir.join(format!("cells_{grid}.geojson"));
    let csv = dir.join(format!(
        "long_{grid}_{}x{}.csv",
        form.indicators, form.periods
    ));
    let mut generated = false;
    if !boundaries.is_file() {
        synthetic_files::write_boundaries(&boundaries, form.cols, form.rows)?;
        generated = true;
    }
    let counts = if csv.is_file() {
        synthetic_files::long_counts(form)
    } else {
        generated = true;
        synthetic_files::write_long_csv(&csv, form)?
    };
    Ok(NationalInputs {
        form: *form,
        boundaries_bytes: size_of(&boundaries)?,
        boundaries,
        csv_bytes: size_of(&csv)?,
        csv,
        values: counts.rows,
        suppressed: counts.suppressed,
        generated,
    })
}

/// The default cache folder: under the system's temporary folder, named after the sizes.
pub fn default_dir(sizes: &[usize]) -> PathBuf {
    let names: Vec<String> = sizes.iter().map(usize::to_string).collect();
    std::env::temp_dir().join(format!("local-atlas-bench-national-{}", names.join("-")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn digest(p: &Path) -> Vec<u8> {
        Sha256::digest(std::fs::read(p).unwrap()).to_vec()
    }

    /// 12 areas × 2 values: the promised header and row count, the same bytes twice, and a
    /// cached file reused rather than rewritten.
    #[test]
    fn the_generator_is_deterministic_and_streams_the_promised_rows() {
        let form = shape(12, Some(2)).unwrap();
        assert_eq!(
            (form.cols, form.rows, form.indicators, form.periods),
            (4, 3, 1, 2)
        );
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let first = ensure(a.path(), &form).unwrap();
        let second = ensure(b.path(), &form).unwrap();
        assert!(first.generated && second.generated);
        assert_eq!(digest(&first.csv), digest(&second.csv));
        assert_eq!(digest(&first.boundaries), digest(&second.boundaries));
        let text = std::fs::read_to_string(&first.csv).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "code,indicator,period,value");
        assert_eq!(lines.len(), 1 + 24);
        assert_eq!(first.values, 24);
        assert_eq!(
            lines[1].split(',').collect::<Vec<_>>()[..3],
            ["SYN000001", "syn_ind_001", "2019"]
        );
        assert!(lines[13].starts_with("SYN000001,syn_ind_001,2020,"));
        for line in &lines[1..] {
            let value = line.rsplit(',').next().unwrap();
            let decimals = value.split('.').nth(1).map_or(0, str::len);
            assert!(
                value == "*" || (value.parse::<f64>().is_ok() && decimals <= 3),
                "{line}"
            );
        }
        let geojson: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&first.boundaries).unwrap()).unwrap();
        assert_eq!(geojson["features"].as_array().unwrap().len(), 12);
        let again = ensure(a.path(), &form).unwrap();
        assert!(!again.generated);
        assert_eq!(
            (again.values, again.suppressed),
            (first.values, first.suppressed)
        );
    }

    #[test]
    fn about_one_value_in_500_is_suppressed() {
        let form = shape(32_844, Some(10)).unwrap();
        let counts = synthetic_files::long_counts(&form);
        assert_eq!(counts.rows, 328_440);
        let per_500 = counts.suppressed as f64 / counts.rows as f64 * 500.0;
        assert!((0.8..1.2).contains(&per_500), "{per_500}");
    }
}
