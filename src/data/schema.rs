//! The workspace schema: the GeoPackage core tables plus Local Atlas's own tables, built by
//! numbered migrations. The schema version lives in `atlas_meta.schema_version`; SQLite's
//! `user_version` carries the GeoPackage version as the GeoPackage spec requires.

/// `PRAGMA application_id` of a GeoPackage ("GPKG").
pub const GPKG_APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version` for GeoPackage 1.3.
pub const GPKG_USER_VERSION: i32 = 10300;

/// Migration `i` (0-based) brings the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    MIGRATION_1_GPKG_AND_INDICATORS,
    MIGRATION_2_LOOKUPS_AND_LAYERS,
    MIGRATION_3_RECIPES_AND_ATTRIBUTION,
    MIGRATION_4_INDICATOR_KIND,
    MIGRATION_5_SERIES_INDEX,
    MIGRATION_6_INTEGER_KEYS,
    MIGRATION_7_DISPLAY_NAMES,
    MIGRATION_8_POSTCODES,
    MIGRATION_9_QUALITY_AND_DISCLOSURE,
    MIGRATION_10_INDICATOR_STATISTICS,
    MIGRATION_11_PROFILE_TEMPLATES,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A schema object one migration creates, looked up (cheaply, in the schema) to tell whether
/// that migration has run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Table(&'static str),
    Index(&'static str),
    /// (table, column)
    Column(&'static str, &'static str),
    /// A marker a later migration (the version given) removes again: present from its own
    /// migration up to, not including, that version.
    Until(&'static Marker, i64),
}

impl Marker {
    /// How a message names it ("table atlas_recipes", "column atlas_geographies.attribution").
    pub fn describe(&self) -> String {
        match self {
            Marker::Table(t) => format!("table {t}"),
            Marker::Index(i) => format!("index {i}"),
            Marker::Column(t, c) => format!("column {t}.{c}"),
            Marker::Until(m, _) => m.describe(),
        }
    }
}

/// `MIGRATION_MARKERS[i]`: objects migration `i` creates; all of them exist exactly when the
/// stored schema version is `i + 1` or more (and, for [`Marker::Until`], less than the version
/// that removes them). Keep in step with [`MIGRATIONS`].
pub const MIGRATION_MARKERS: &[&[Marker]] = &[
    &[
        Marker::Until(&Marker::Table("atlas_values"), 6),
        Marker::Table("atlas_import_log"),
    ],
    &[
        Marker::Table("atlas_lookups"),
        Marker::Table("atlas_layers"),
    ],
    &[
        Marker::Column("atlas_geographies", "attribution"),
        Marker::Table("atlas_recipes"),
    ],
    &[Marker::Column("atlas_indicators", "kind")],
    &[Marker::Until(&Marker::Index("atlas_values_series"), 6)],
    &[
        Marker::Table("atlas_areas"),
        Marker::Table("atlas_series"),
        Marker::Table("atlas_series_values"),
    ],
    &[
        Marker::Column("atlas_geographies", "title"),
        Marker::Column("atlas_indicators", "multiplier"),
    ],
    &[Marker::Table("atlas_postcodes")],
    &[
        Marker::Column("atlas_indicators", "disclosure"),
        Marker::Table("atlas_disclosure_log"),
    ],
    &[
        Marker::Column("atlas_indicators", "ci_method"),
        Marker::Column("atlas_series_values", "lower_ci_99_8"),
    ],
    &[Marker::Table("atlas_profile_templates")],
];

const _: () = assert!(MIGRATION_MARKERS.len() == MIGRATIONS.len());

/// Tables a workspace must have to be opened.
pub const REQUIRED_TABLES: &[&str] = &[
    "gpkg_spatial_ref_sys",
    "gpkg_contents",
    "gpkg_geometry_columns",
    "atlas_meta",
    "atlas_geographies",
    "atlas_themes",
    "atlas_indicators",
    "atlas_import_log",
];

const MIGRATION_1_GPKG_AND_INDICATORS: &str = r#"
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
INSERT INTO gpkg_spatial_ref_sys VALUES
 ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
 ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
 ('WGS 84 geodetic', 4326, 'EPSG', 4326,
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
  'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'),
 ('OSGB36 / British National Grid', 27700, 'EPSG', 27700,
  'PROJCS["OSGB36 / British National Grid",GEOGCS["OSGB36",DATUM["Ordnance_Survey_of_Great_Britain_1936",SPHEROID["Airy 1830",6377563.396,299.3249646,AUTHORITY["EPSG","7001"]],TOWGS84[446.448,-125.157,542.06,0.15,0.247,0.842,-20.489],AUTHORITY["EPSG","6277"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4277"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",49],PARAMETER["central_meridian",-2],PARAMETER["scale_factor",0.9996012717],PARAMETER["false_easting",400000],PARAMETER["false_northing",-100000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","27700"]]',
  'British National Grid, metres');
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE atlas_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE atlas_geographies (
  name TEXT PRIMARY KEY,
  table_name TEXT NOT NULL UNIQUE,
  code_field TEXT NOT NULL,
  name_field TEXT,
  source_file TEXT NOT NULL,
  source_crs TEXT NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE TABLE atlas_themes (name TEXT PRIMARY KEY, position INTEGER NOT NULL DEFAULT 0);
CREATE TABLE atlas_indicators (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  theme TEXT NOT NULL REFERENCES atlas_themes(name),
  definition TEXT NOT NULL DEFAULT '',
  unit TEXT NOT NULL DEFAULT '',
  decimals INTEGER NOT NULL DEFAULT 1,
  polarity TEXT NOT NULL DEFAULT 'neutral'
    CHECK (polarity IN ('higher_is_better','lower_is_better','neutral')),
  source TEXT NOT NULL DEFAULT '',
  licence TEXT NOT NULL DEFAULT '',
  sensitivity TEXT NOT NULL DEFAULT 'public',
  provenance TEXT NOT NULL DEFAULT ''
);
CREATE TABLE atlas_values (
  id INTEGER PRIMARY KEY,
  indicator TEXT NOT NULL REFERENCES atlas_indicators(code),
  geography TEXT NOT NULL REFERENCES atlas_geographies(name),
  area_code TEXT NOT NULL,
  period TEXT NOT NULL,
  value REAL,
  numerator REAL,
  denominator REAL,
  lower_ci REAL,
  upper_ci REAL,
  status TEXT NOT NULL CHECK (status IN ('ok','suppressed','missing')),
  UNIQUE (indicator, geography, area_code, period),
  CHECK ((status = 'ok') = (value IS NOT NULL))
);
CREATE INDEX atlas_values_by_area ON atlas_values(geography, area_code);
CREATE TABLE atlas_import_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  at TEXT NOT NULL,
  file TEXT NOT NULL,
  rows INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
VALUES ('atlas_indicators', 'attributes', 'atlas_indicators', 'Local Atlas indicator metadata'),
       ('atlas_values', 'attributes', 'atlas_values', 'Local Atlas indicator values (long form)');
"#;

const MIGRATION_2_LOOKUPS_AND_LAYERS: &str = r#"
CREATE TABLE atlas_lookups (
  from_geography TEXT NOT NULL,
  to_geography TEXT NOT NULL,
  from_code TEXT NOT NULL,
  to_code TEXT NOT NULL,
  to_name TEXT,
  PRIMARY KEY (from_geography, to_geography, from_code)
) WITHOUT ROWID;
CREATE TABLE atlas_layers (
  name TEXT PRIMARY KEY,
  table_name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('points')),
  source_file TEXT NOT NULL,
  imported_at TEXT NOT NULL
);
"#;

/// Saved map recipes (`MapSpec` JSON) and an attribution line per geography (e.g. the OS/ONS
/// copyright line), printed at the foot of maps.
const MIGRATION_3_RECIPES_AND_ATTRIBUTION: &str = r#"
ALTER TABLE atlas_geographies ADD COLUMN attribution TEXT NOT NULL DEFAULT '';
CREATE TABLE atlas_recipes (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  spec TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
VALUES ('atlas_recipes', 'attributes', 'atlas_recipes', 'Local Atlas saved map recipes (JSON)');
"#;

/// What an indicator's numbers are (`data::indicator::IndicatorKind`): plain values or the codes
/// of a saved result. Results saved before this version are recognised once, here, by the code
/// suffix their command gave them.
const MIGRATION_4_INDICATOR_KIND: &str = r#"
ALTER TABLE atlas_indicators ADD COLUMN kind TEXT NOT NULL DEFAULT 'value'
  CHECK (kind IN ('value','lisa_cluster','gistar_class','site_status'));
UPDATE atlas_indicators SET kind = 'lisa_cluster' WHERE code LIKE '%\_lisa\_cluster' ESCAPE '\';
UPDATE atlas_indicators SET kind = 'gistar_class' WHERE code LIKE '%\_gistar\_class' ESCAPE '\';
UPDATE atlas_indicators SET kind = 'site_status' WHERE code LIKE '%\_site\_status' ESCAPE '\';
"#;

/// The series a workspace holds (indicator × geography × period) are listed by seeking this
/// index once per series (`query::indicators`), so listing them costs the number of series,
/// not the number of values (the unique index has `area_code` before `period`).
const MIGRATION_5_SERIES_INDEX: &str = r#"
CREATE INDEX atlas_values_series ON atlas_values(indicator, geography, period);
"#;

/// The textual long-form view of the values that GDAL and QGIS read (`ogrinfo WS
/// atlas_values`): the codes of the indicator, geography, area and period for each stored value,
/// as the values table had before schema version 6. `fid` is unique (series × 2³² + area) so
/// GDAL has a feature id. Local Atlas itself never reads it (views are off on its connections);
/// opening a workspace checks that this is the only view and that its SQL is exactly this.
macro_rules! values_view_sql {
    () => {
        "CREATE VIEW atlas_values AS SELECT \
v.series * 4294967296 + v.area AS fid, s.indicator AS indicator, s.geography AS geography, \
a.code AS area_code, s.period AS period, v.value AS value, v.numerator AS numerator, \
v.denominator AS denominator, v.lower_ci AS lower_ci, v.upper_ci AS upper_ci, \
CASE v.status WHEN 0 THEN 'ok' WHEN 1 THEN 'suppressed' ELSE 'missing' END AS status \
FROM atlas_series_values v JOIN atlas_series s ON s.id = v.series JOIN atlas_areas a ON a.id = v.area"
    };
}

/// The SQL of the `atlas_values` view, as `sqlite_master` stores it.
pub const VALUES_VIEW_SQL: &str = values_view_sql!();

/// Values keyed by integers (schema version 6): an area is (geography, code) → `atlas_areas.id`,
/// a series is (indicator, geography, period) → `atlas_series.id`, and a value is stored once,
/// keyed by (series, area) in a `WITHOUT ROWID` table: about 25 bytes a value where the text
/// keys, a rowid and two indexes took about 124. Status is 0 ok, 1 suppressed, 2 missing
/// ([`crate::data::indicator::Status::code`]). The values table declares no foreign keys: SQLite
/// would look both parents up on every insert (a fifth of an import's time); the writer only
/// ever uses ids it has just read or created, and `local-atlas check` looks for values whose
/// series or area is missing. The old table's rows move in this migration's
/// transaction, in key order; `atlas_values` becomes the textual view GDAL and QGIS read.
const MIGRATION_6_INTEGER_KEYS: &str = concat!(
    r#"
CREATE TABLE atlas_areas (
  id INTEGER PRIMARY KEY,
  geography TEXT NOT NULL,
  code TEXT NOT NULL,
  UNIQUE (geography, code)
);
CREATE TABLE atlas_series (
  id INTEGER PRIMARY KEY,
  indicator TEXT NOT NULL REFERENCES atlas_indicators(code),
  geography TEXT NOT NULL,
  period TEXT NOT NULL,
  UNIQUE (indicator, geography, period)
);
CREATE TABLE atlas_series_values (
  series INTEGER NOT NULL,
  area INTEGER NOT NULL,
  value REAL,
  numerator REAL,
  denominator REAL,
  lower_ci REAL,
  upper_ci REAL,
  status INTEGER NOT NULL CHECK (status IN (0, 1, 2)),
  PRIMARY KEY (series, area),
  CHECK ((status = 0) = (value IS NOT NULL))
) WITHOUT ROWID;
INSERT INTO atlas_areas (geography, code)
  SELECT DISTINCT geography, area_code FROM atlas_values ORDER BY geography, area_code;
INSERT INTO atlas_series (indicator, geography, period)
  SELECT DISTINCT indicator, geography, period FROM atlas_values ORDER BY indicator, geography, period;
INSERT INTO atlas_series_values
  SELECT s.id, a.id, v.value, v.numerator, v.denominator, v.lower_ci, v.upper_ci,
         CASE v.status WHEN 'ok' THEN 0 WHEN 'suppressed' THEN 1 ELSE 2 END
  FROM atlas_values v
  JOIN atlas_series s ON s.indicator = v.indicator AND s.geography = v.geography AND s.period = v.period
  JOIN atlas_areas a ON a.geography = v.geography AND a.code = v.area_code
  ORDER BY s.id, a.id;
DROP INDEX atlas_values_series;
DROP INDEX atlas_values_by_area;
DROP TABLE atlas_values;
"#,
    values_view_sql!(),
    ";\n"
);

/// What a reader sees instead of codes: a geography's display name ("Ward (2017)" for
/// `ward17`; empty = the default from its well-known ONS code, `data::geography_title`) and an
/// indicator's display multiplier (a stored proportion shown as a percentage with 100; NULL =
/// shown as stored).
const MIGRATION_7_DISPLAY_NAMES: &str = r#"
ALTER TABLE atlas_geographies ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE atlas_indicators ADD COLUMN multiplier REAL;
"#;

/// The postcode lookup (`import postcodes`): one row per postcode, keyed by its normalised
/// form (upper case, no spaces), with its grid reference (BNG metres; NULL when the release
/// gives none), positional quality, introduction and termination dates (YYYYMM as published;
/// terminated postcodes keep their last location) and the areas it lies in. The release
/// imported is `atlas_meta.postcode_release`.
const MIGRATION_8_POSTCODES: &str = r#"
CREATE TABLE atlas_postcodes (
  postcode TEXT PRIMARY KEY,
  shown TEXT NOT NULL,
  easting REAL,
  northing REAL,
  quality INTEGER,
  introduced TEXT,
  terminated TEXT,
  lsoa TEXT,
  ward TEXT,
  district TEXT
) WITHOUT ROWID;
"#;

/// What an indicator may hold and how its small counts are protected: its declared range in
/// stored units (`min_value`, `max_value`; NULL = none declared; an import refuses values
/// outside), its disclosure rule (`data::indicator::Disclosure`), and the log of every output
/// written with disclosure control turned off (who asked, why, for what).
const MIGRATION_9_QUALITY_AND_DISCLOSURE: &str = r#"
ALTER TABLE atlas_indicators ADD COLUMN min_value REAL;
ALTER TABLE atlas_indicators ADD COLUMN max_value REAL;
ALTER TABLE atlas_indicators ADD COLUMN disclosure TEXT NOT NULL DEFAULT 'none'
  CHECK (disclosure IN ('none','suppress_1_5','suppress_1_7_round_5'));
CREATE TABLE atlas_disclosure_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  command TEXT NOT NULL,
  indicators TEXT NOT NULL,
  output TEXT NOT NULL,
  reason TEXT NOT NULL
);
"#;

/// What the statistics commands need to know of an indicator and its values (issue 17):
/// its value type (`proportion`, `crude_rate`, `dsr`, `isr`, `mean`; NULL = read from the
/// unit, as a Fingertips import stores it there), the multiplier between a value and
/// count ÷ denominator (`value_multiplier`: 100 for a percentage, 100 000 for a rate per
/// 100 000; NULL = read off the values), how its limits were computed (`ci_method`, e.g.
/// "Wilson score (95% and 99.8%)"; NULL = as imported), the 99.8% limits of each value beside
/// the 95% ones, and the `comparison` kind (`compare --save`: areas coded by their result).
///
/// The new kind widens `atlas_indicators.kind`'s CHECK, which SQLite cannot alter in place,
/// so the table is rebuilt (its rows and ids kept); `Workspace` turns foreign keys off around
/// the migration's transaction and checks them before it commits.
const MIGRATION_10_INDICATOR_STATISTICS: &str = r#"
CREATE TABLE atlas_indicators_v10 (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  theme TEXT NOT NULL REFERENCES atlas_themes(name),
  definition TEXT NOT NULL DEFAULT '',
  unit TEXT NOT NULL DEFAULT '',
  decimals INTEGER NOT NULL DEFAULT 1,
  polarity TEXT NOT NULL DEFAULT 'neutral'
    CHECK (polarity IN ('higher_is_better','lower_is_better','neutral')),
  source TEXT NOT NULL DEFAULT '',
  licence TEXT NOT NULL DEFAULT '',
  sensitivity TEXT NOT NULL DEFAULT 'public',
  provenance TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT 'value'
    CHECK (kind IN ('value','lisa_cluster','gistar_class','site_status','comparison')),
  multiplier REAL,
  min_value REAL,
  max_value REAL,
  disclosure TEXT NOT NULL DEFAULT 'none'
    CHECK (disclosure IN ('none','suppress_1_5','suppress_1_7_round_5')),
  value_type TEXT CHECK (value_type IN ('proportion','crude_rate','dsr','isr','mean')),
  value_multiplier REAL,
  ci_method TEXT
);
INSERT INTO atlas_indicators_v10 (id, code, title, theme, definition, unit, decimals, polarity,
  source, licence, sensitivity, provenance, kind, multiplier, min_value, max_value, disclosure)
SELECT id, code, title, theme, definition, unit, decimals, polarity, source, licence,
  sensitivity, provenance, kind, multiplier, min_value, max_value, disclosure
FROM atlas_indicators;
DROP TABLE atlas_indicators;
ALTER TABLE atlas_indicators_v10 RENAME TO atlas_indicators;
ALTER TABLE atlas_series_values ADD COLUMN lower_ci_99_8 REAL;
ALTER TABLE atlas_series_values ADD COLUMN upper_ci_99_8 REAL;
"#;

/// Saved profile templates (`ops::profile::Template` JSON, versioned by its own `version`):
/// what an area profile, ward bulletin or State of the Area report shows. No data.
const MIGRATION_11_PROFILE_TEMPLATES: &str = r#"
CREATE TABLE atlas_profile_templates (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  template TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
VALUES ('atlas_profile_templates', 'attributes', 'atlas_profile_templates', 'Local Atlas profile templates (JSON)');
"#;

/// The first version whose migration rebuilds a table other tables refer to, so foreign keys
/// must be off while it runs (SQLite cannot turn them off inside a transaction).
pub const FIRST_REBUILDING_MIGRATION: i64 = 10;

#[cfg(test)]
mod tests {
    use crate::data::Workspace;
    use crate::data::indicator::IndicatorKind;
    use crate::data::query::indicator_kind;

    /// A version-3 workspace holding results saved before the kind existed: opening it
    /// migrates, and the migration recognises the results by their code suffix, once.
    #[test]
    fn migration_4_fills_the_kind_of_earlier_results() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.gpkg");
        let old = Workspace::create_at_version(&path, 3).unwrap();
        old.conn()
            .execute_batch(
                "INSERT INTO atlas_themes (name) VALUES ('t');
                 INSERT INTO atlas_indicators (code, title, theme) VALUES
                   ('imd_lisa_cluster', 'a', 't'), ('imd_gistar_class', 'b', 't'),
                   ('cc_site_status', 'c', 't'), ('imd_score', 'd', 't'), ('lisa_clusterx', 'e', 't');",
            )
            .unwrap();
        drop(old);
        let ws = Workspace::open(&path).unwrap();
        let kind = |c: &str| indicator_kind(&ws, c).unwrap();
        assert_eq!(kind("imd_lisa_cluster"), Some(IndicatorKind::LisaCluster));
        assert_eq!(kind("imd_gistar_class"), Some(IndicatorKind::GistarClass));
        assert_eq!(kind("cc_site_status"), Some(IndicatorKind::SiteStatus));
        assert_eq!(kind("imd_score"), Some(IndicatorKind::Value));
        assert_eq!(kind("lisa_clusterx"), Some(IndicatorKind::Value));
        assert_eq!(kind("nope"), None);
    }
}
