//! Indicator metadata: the sidecar CSV that gives each indicator its title, theme, unit,
//! polarity, source and licence.

use super::csv_text::{Table, TextEncoding, decode};
use crate::data::indicator::{Disclosure, IndicatorMeta, Polarity};
use crate::error::{InputError, Result, excerpt};
use std::collections::HashMap;
use std::path::Path;

/// The longest title, theme, unit, source, licence or sensitivity accepted, in characters:
/// 1,000. They are drawn on maps and listed in the app; a longer one is a mistake (a pasted
/// document), and laying out a very long title takes seconds.
pub const MAX_METADATA_TEXT: usize = 1_000;

/// The longest definition accepted, in characters: 10,000 (a few paragraphs; shown only in
/// the indicator's card).
pub const MAX_DEFINITION_TEXT: usize = 10_000;

/// Refuses a cell of column `name` longer than `max` characters.
fn check_length(
    file: &str,
    line: u64,
    name: &str,
    cell: Option<&String>,
    max: usize,
) -> Result<()> {
    let n = cell.map(|c| c.chars().count()).unwrap_or_default();
    if n > max {
        return Err(InputError::new(
            file,
            format!("the {name} has {n} characters, more than {max}"),
        )
        .line(line)
        .column(name)
        .hint(format!("shorten the {name} to at most {max} characters"))
        .into());
    }
    Ok(())
}

/// Reads a metadata CSV: `code` and any of `title, theme, definition, unit, decimals, multiplier,
/// polarity, source, licence, sensitivity, min, max, disclosure` (`multiplier`: shown values are
/// the stored ones times it, e.g. 100 with unit `%` for a stored proportion; `min`/`max`: the
/// range a value may take, in stored units; `disclosure`: `none`, `suppress_1_5` or
/// `suppress_1_7_round_5`).
pub fn read_metadata(path: &Path) -> Result<HashMap<String, IndicatorMeta>> {
    let file = path.display().to_string();
    let bytes = super::read_file(path)?;
    let table = Table::parse(&file, &decode(&file, &bytes, TextEncoding::Auto)?)?;
    let code_col = table
        .find(&["code", "indicator", "indicator_code"])
        .ok_or_else(|| {
            InputError::new(&file, "has no 'code' column")
                .line(1)
                .hint("the metadata file needs a column 'code' naming each indicator")
        })?;
    let col = |name: &str| table.find(&[name]);
    let multiplier = col("multiplier");
    let (min, max, disclosure) = (
        table.find(&["min", "minimum", "min_value"]),
        table.find(&["max", "maximum", "max_value"]),
        col("disclosure"),
    );
    let (title, theme, definition, unit, decimals, polarity, source, licence, sensitivity) = (
        col("title"),
        col("theme"),
        col("definition"),
        col("unit"),
        col("decimals"),
        col("polarity"),
        col("source"),
        table.find(&["licence", "license", "attribution"]),
        col("sensitivity"),
    );
    let mut out = HashMap::new();
    for (line, row) in &table.rows {
        let get = |i: Option<usize>| i.and_then(|i| row.get(i)).map(|s| s.trim().to_string());
        let Some(code) = get(Some(code_col)).filter(|c| !c.is_empty()) else {
            return Err(InputError::new(&file, "empty indicator code")
                .line(*line)
                .column("code")
                .hint("fill in the indicator's code or delete the row")
                .into());
        };
        for (name, c, max) in [
            ("title", title, MAX_METADATA_TEXT),
            ("theme", theme, MAX_METADATA_TEXT),
            ("definition", definition, MAX_DEFINITION_TEXT),
            ("unit", unit, MAX_METADATA_TEXT),
            ("source", source, MAX_METADATA_TEXT),
            ("licence", licence, MAX_METADATA_TEXT),
            ("sensitivity", sensitivity, MAX_METADATA_TEXT),
        ] {
            check_length(&file, *line, name, c.and_then(|c| row.get(c)), max)?;
        }
        let mut m = IndicatorMeta::default_for(&code);
        let set = |field: &mut String, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                *field = v;
            }
        };
        set(&mut m.title, get(title));
        set(&mut m.theme, get(theme));
        set(&mut m.definition, get(definition));
        set(&mut m.unit, get(unit));
        set(&mut m.source, get(source));
        set(&mut m.licence, get(licence));
        set(&mut m.sensitivity, get(sensitivity));
        if let Some(d) = get(decimals).filter(|d| !d.is_empty()) {
            m.decimals = d
                .parse()
                .ok()
                .filter(|d| (0..=10).contains(d))
                .ok_or_else(|| {
                    InputError::new(
                        &file,
                        format!(
                            "decimals '{}' is not a whole number from 0 to 10",
                            excerpt(&d)
                        ),
                    )
                    .line(*line)
                    .column("decimals")
                })?;
        }
        if let Some(text) = get(multiplier).filter(|t| !t.is_empty()) {
            m.multiplier = Some(
                text.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v > 0.0 && *v <= 1e9)
                    .ok_or_else(|| {
                        InputError::new(
                            &file,
                            format!("multiplier '{}' is not a positive number", excerpt(&text)),
                        )
                        .line(*line)
                        .column("multiplier")
                        .hint("give the factor values are shown at, e.g. 100 to show a proportion as a percentage, or leave it empty")
                    })?,
            );
        }
        m.min = limit(&file, *line, "min", get(min))?;
        m.max = limit(&file, *line, "max", get(max))?;
        if let (Some(lo), Some(hi)) = (m.min, m.max)
            && lo > hi
        {
            return Err(
                InputError::new(&file, format!("min {lo} is above max {hi}"))
                    .line(*line)
                    .column("min")
                    .hint("swap the two or correct one of them")
                    .into(),
            );
        }
        if let Some(d) = get(disclosure) {
            m.disclosure = Disclosure::parse(&d).ok_or_else(|| {
                InputError::new(
                    &file,
                    format!("disclosure rule '{}' is not recognised", excerpt(&d)),
                )
                .line(*line)
                .column("disclosure")
                .hint("use none, suppress_1_5 (counts 1–5 hidden) or suppress_1_7_round_5 (1–7 hidden, others rounded to 5)")
            })?;
        }
        if let Some(p) = get(polarity) {
            m.polarity = Polarity::parse(&p).ok_or_else(|| {
                InputError::new(
                    &file,
                    format!("polarity '{}' is not recognised", excerpt(&p)),
                )
                .line(*line)
                .column("polarity")
                .hint("use higher_is_better, lower_is_better or neutral")
            })?;
        }
        if out.insert(code.clone(), m).is_some() {
            return Err(InputError::new(
                &file,
                format!("indicator {} is described twice", excerpt(&code)),
            )
            .line(*line)
            .column("code")
            .hint("describe each indicator once: remove one of the rows")
            .into());
        }
    }
    Ok(out)
}

/// A `min` or `max` cell: empty = none declared; else a finite number.
fn limit(file: &str, line: u64, name: &str, cell: Option<String>) -> Result<Option<f64>> {
    let Some(text) = cell.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(InputError::new(
            file,
            format!("{name} '{}' is not a number", excerpt(&text)),
        )
        .line(line)
        .column(name)
        .hint(format!(
            "give the {} value the indicator can take, in the file's units, or leave it empty",
            if name == "min" { "lowest" } else { "highest" }
        ))
        .into()),
    }
}

/// Inserts or updates indicators (and their themes). `overwrite` replaces existing metadata;
/// otherwise existing indicators keep theirs.
pub fn upsert(
    tx: &rusqlite::Transaction<'_>,
    metas: &[IndicatorMeta],
    overwrite: bool,
    provenance: &str,
) -> Result<()> {
    for m in metas {
        tx.execute(
            "INSERT OR IGNORE INTO atlas_themes (name, position) \
             VALUES (?1, (SELECT COALESCE(MAX(position), 0) + 1 FROM atlas_themes))",
            [&m.theme],
        )?;
        let on_conflict = if overwrite {
            "DO UPDATE SET title = excluded.title, theme = excluded.theme, \
             definition = excluded.definition, unit = excluded.unit, decimals = excluded.decimals, \
             polarity = excluded.polarity, source = excluded.source, licence = excluded.licence, \
             sensitivity = excluded.sensitivity, provenance = excluded.provenance, kind = excluded.kind, \
             multiplier = excluded.multiplier, min_value = excluded.min_value, \
             max_value = excluded.max_value, disclosure = excluded.disclosure, \
             value_type = excluded.value_type, value_multiplier = excluded.value_multiplier, \
             ci_method = excluded.ci_method"
        } else {
            "DO NOTHING"
        };
        tx.execute(
            &format!(
                "INSERT INTO atlas_indicators (code, title, theme, definition, unit, decimals, polarity, source, licence, sensitivity, provenance, kind, multiplier, min_value, max_value, disclosure, value_type, value_multiplier, ci_method) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) ON CONFLICT(code) {on_conflict}"
            ),
            rusqlite::params![
                m.code, m.title, m.theme, m.definition, m.unit, m.decimals,
                m.polarity.as_str(), m.source, m.licence, m.sensitivity, provenance,
                m.kind.as_str(), m.multiplier, m.min, m.max, m.disclosure.as_str(),
                m.value_type, m.value_multiplier, m.ci_method
            ],
        )?;
    }
    Ok(())
}
