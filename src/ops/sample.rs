//! The Greater Manchester sample project, built from `seeds/` so a fresh clone can open it.

use crate::data::Workspace;
use crate::data::crs::Crs;
use crate::data::import::boundaries::{BoundaryOptions, import_boundaries};
use crate::data::import::indicators::{IndicatorOptions, import_indicators};
use crate::data::import::lookup::{LookupOptions, import_lookup};
use crate::data::import::points::{PointOptions, import_points};
use crate::data::import::postcodes::{PostcodeOptions, import_postcodes_with};
use crate::data::import::session::ImportRun;
use crate::error::{Error, Result};
use crate::ops::Feedback;
use crate::render::spec::{ClassificationSpec, LayerSpec, MapSpec, Page, PaletteSpec};
use std::path::{Path, PathBuf};

/// The file name of the sample workspace inside its project folder.
pub const SAMPLE_FILE: &str = "greater-manchester.gpkg";

/// The sample's point layers: (layer, seed file): two services and the burglaries of 2018.
pub const SERVICE_LAYERS: [(&str, &str); 3] = [
    ("gp_practices", "gm_general_practices_cqc_2018-10.csv"),
    ("libraries", "gm_libraries_2023-11.csv"),
    ("burglaries_2018", "gm_burglary_points_2018.csv"),
];

/// The sample's postcode lookup: the NSPL rows of the WN postcode area in GM (Wigan).
pub const POSTCODE_SEED: &str = "nspl_nov2021_wn_gm.csv";
pub const POSTCODE_RELEASE: &str = "NSPL November 2021 (WN postcode area in Greater Manchester)";

/// The ONS/OS attribution line of the sample's boundaries (seeds/README.md).
pub const BOUNDARY_ATTRIBUTION: &str = "Source: Office for National Statistics licensed under the Open Government Licence v3.0. Contains National Statistics and OS data © Crown copyright and database right 2011–2019.";

/// The seeds folder: `$LOCAL_ATLAS_SEEDS`, else `seeds/` in the source tree this was built from.
pub fn seeds_dir() -> PathBuf {
    std::env::var_os("LOCAL_ATLAS_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds"))
}

/// The sample project folder in the source tree.
pub fn default_project_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_projects")
        .join("greater-manchester")
}

/// The sample workspace, built first if it does not exist yet.
pub fn ensure_sample(feedback: &dyn Feedback) -> Result<PathBuf> {
    let path = default_project_dir().join(SAMPLE_FILE);
    if path.is_file() {
        return Ok(path);
    }
    build(&default_project_dir(), &seeds_dir(), feedback)
}

/// (Re)builds the sample workspace in `dir` from `seeds`. It is written in a temporary folder
/// (random name, created exclusively) and moved into place at the end, so an interrupted or
/// failed build leaves no half-made workspace and touches no other file.
pub fn build(dir: &Path, seeds: &Path, feedback: &dyn Feedback) -> Result<PathBuf> {
    let seed = |name: &str| -> Result<PathBuf> {
        let p = seeds.join(name);
        if p.is_file() {
            Ok(p)
        } else {
            Err(Error::Invalid(format!(
                "seed file {} is missing; run from a full clone of Local Atlas or set LOCAL_ATLAS_SEEDS to its seeds/ folder",
                p.display()
            )))
        }
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let target = dir.join(SAMPLE_FILE);
    // Built inside a new folder with a random name (created exclusively, so nothing planted
    // beside the target is followed or deleted), removed with anything in it on failure.
    let building = tempfile::Builder::new()
        .prefix(".greater-manchester.")
        .suffix(".building")
        .tempdir_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    let tmp = building.path().join(SAMPLE_FILE);
    let mut ws = Workspace::create(&tmp)?;
    let steps: [(&str, &str, &str); 3] = [
        ("lsoa11", "gm_lsoa2011_bgc.geojson", "LSOA boundaries"),
        ("ward17", "gm_ward2017_bgc.geojson", "ward boundaries"),
        ("lad16", "gm_lad2016_bgc.geojson", "district boundaries"),
    ];
    let total = steps.len() as u64 + 5;
    for (i, (geography, file, what)) in steps.iter().enumerate() {
        check_cancel(feedback, &tmp)?;
        feedback.stage(&format!("importing {what}"));
        feedback.progress(i as u64, total);
        let opts = BoundaryOptions {
            geography: geography.to_string(),
            source_crs: Some(Crs::Wgs84),
            attribution: Some(BOUNDARY_ATTRIBUTION.into()),
            ..Default::default()
        };
        import_boundaries(&mut ws, &seed(file)?, &opts)?;
    }
    check_cancel(feedback, &tmp)?;
    feedback.stage("importing IMD 2019");
    feedback.progress(3, total);
    let opts = IndicatorOptions {
        geography: "lsoa11".into(),
        wide: true,
        period: Some("2019".into()),
        metadata: Some(seed("gm_iod2019_metadata.csv")?),
        ..Default::default()
    };
    import_indicators(&mut ws, &seed("gm_iod2019_lsoa_wide.csv")?, &opts)?;
    let opts = IndicatorOptions {
        metadata: Some(seed("gm_population_metadata.csv")?),
        ..opts
    };
    import_indicators(&mut ws, &seed("gm_population_mid2019_lsoa.csv")?, &opts)?;
    let opts = IndicatorOptions {
        geography: "lsoa11".into(),
        metadata: Some(seed("gm_burglary_metadata.csv")?),
        ..Default::default()
    };
    import_indicators(&mut ws, &seed("gm_burglary_lsoa_2017_2018.csv")?, &opts)?;
    feedback.stage("importing lookups");
    feedback.progress(4, total);
    let lookup = seed("gm_lsoa2011_to_ward2017_bestfit.csv")?;
    for (to, field) in [("ward17", "wd17cd"), ("lad16", "lad17cd")] {
        let opts = LookupOptions {
            from: "lsoa11".into(),
            to: to.into(),
            from_field: Some("lsoa11cd".into()),
            to_field: Some(field.into()),
        };
        import_lookup(&mut ws, &lookup, &opts)?;
    }
    check_cancel(feedback, &tmp)?;
    feedback.stage("importing services and postcodes");
    feedback.progress(5, total);
    for (layer, file) in SERVICE_LAYERS {
        let opts = PointOptions {
            layer: layer.to_string(),
            ..Default::default()
        };
        import_points(&mut ws, &seed(file)?, &opts)?;
    }
    let opts = PostcodeOptions {
        release: Some(POSTCODE_RELEASE.into()),
        ..Default::default()
    };
    import_postcodes_with(&ws, &seed(POSTCODE_SEED)?, &opts, &ImportRun::silent())?;
    for (name, spec) in sample_recipes() {
        crate::ops::map::recipe::save(&ws, name, &spec)?;
    }
    drop(ws);
    feedback.progress(total, total);
    std::fs::rename(&tmp, &target).map_err(|e| Error::io(&target, e))?;
    Ok(target)
}

/// Map recipes shipped with the sample project, for workshops: `local-atlas map WS --recipe
/// "IMD 2019" --out imd.pdf`.
pub fn sample_recipes() -> Vec<(&'static str, MapSpec)> {
    let choropleth = |indicator: &str| LayerSpec::Choropleth {
        geography: "lsoa11".into(),
        indicator: indicator.into(),
        period: None,
        classification: ClassificationSpec::default(),
        palette: PaletteSpec::default(),
    };
    let districts = LayerSpec::Outline {
        geography: "lad16".into(),
        colour: "#252525".into(),
        width_mm: 0.4,
        labels: true,
    };
    let imd = MapSpec {
        layers: vec![
            choropleth("imd_score"),
            LayerSpec::Hatch {
                geography: "lsoa11".into(),
                indicator: "imd_score".into(),
                period: None,
                percent: 10.0,
                of: None,
                colour: "#000000".into(),
            },
            districts.clone(),
        ],
        inset: false,
        note: "Classes: natural breaks (Fisher–Jenks). Hatched: the 10% most deprived LSOAs of Greater Manchester.".into(),
        ..MapSpec::default()
    };
    let idaci = MapSpec {
        layers: vec![choropleth("idaci_score"), districts],
        page: Page {
            landscape: true,
            ..Page::default()
        },
        ..MapSpec::default()
    };
    vec![("IMD 2019", imd), ("Child poverty (IDACI)", idaci)]
}

fn check_cancel(feedback: &dyn Feedback, tmp: &Path) -> Result<()> {
    if feedback.is_cancelled() {
        let _ = std::fs::remove_file(tmp);
        return Err(Error::Cancelled);
    }
    Ok(())
}
