//! Lookups between geographies (e.g. ONS LSOA → ward best-fit): each lower area belongs to
//! exactly one higher area.

use super::csv_text::{Table, TextEncoding, decode};
use super::session::ImportRun;
use crate::data::workspace::Workspace;
use crate::error::{InputError, Result, excerpt};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// A lower area's parent: code, name (if the file has one) and the line it came from.
type Parent = (String, Option<String>, u64);

#[derive(Debug, Clone, Default)]
pub struct LookupOptions {
    pub from: String,
    pub to: String,
    pub from_field: Option<String>,
    pub to_field: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LookupReport {
    pub file: String,
    pub from: String,
    pub to: String,
    pub from_field: String,
    pub to_field: String,
    pub rows: usize,
    pub to_areas: usize,
    /// `from` areas with boundaries that the lookup does not cover.
    pub from_not_covered: usize,
}

/// Reads and stores a best-fit lookup (replacing an earlier one between the same geographies).
pub fn import_lookup(
    ws: &mut Workspace,
    path: &Path,
    opts: &LookupOptions,
) -> Result<LookupReport> {
    import_lookup_with(ws, path, opts, &ImportRun::silent())
}

/// [`import_lookup`] with progress, cancel, and the choice of keeping the result or rolling it
/// back (a trial).
pub fn import_lookup_with(
    ws: &Workspace,
    path: &Path,
    opts: &LookupOptions,
    run: &ImportRun<'_>,
) -> Result<LookupReport> {
    run.stage("reading the lookup");
    let file = path.display().to_string();
    let bytes = super::read_file(path)?;
    let table = Table::parse(&file, &decode(&file, &bytes, TextEncoding::Auto)?)?;
    let from_codes = super::geography_codes(ws.conn(), &opts.from)?;
    let to_codes = super::geography_codes(ws.conn(), &opts.to).ok();
    let from_col = match &opts.from_field {
        Some(f) => table.require(f, "--from-field")?,
        None => best_column(&table, &from_codes, None)
            .ok_or_else(|| no_column(&table, &opts.from, "--from-field"))?,
    };
    let to_col = match (&opts.to_field, &to_codes) {
        (Some(f), _) => table.require(f, "--to-field")?,
        (None, Some(codes)) => best_column(&table, codes, Some(from_col))
            .ok_or_else(|| no_column(&table, &opts.to, "--to-field"))?,
        (None, None) => return Err(no_column(&table, &opts.to, "--to-field")),
    };
    let name_col = table.headers.get(to_col).and_then(|h| {
        let h = h.to_ascii_lowercase();
        h.strip_suffix("cd")
            .and_then(|stem| table.find(&[&format!("{stem}nm")]))
    });
    let mut pairs: HashMap<String, Parent> = HashMap::new();
    let total = table.rows.len();
    for (i, (line, row)) in table.rows.iter().enumerate() {
        run.step(i + 1, total)?;
        let get = |c: usize| row.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
        let (f, t) = (get(from_col), get(to_col));
        let col_name = |c: usize| table.column_name(c);
        if f.is_empty() || t.is_empty() {
            let c = if f.is_empty() { from_col } else { to_col };
            return Err(InputError::new(&file, "empty code")
                .line(*line)
                .column(col_name(c))
                .hint("fill it in or delete the row")
                .into());
        }
        if to_codes.as_ref().is_some_and(|codes| !codes.contains(&t)) {
            return Err(InputError::new(
                &file,
                format!("{} is not an area of geography '{}'", excerpt(&t), opts.to),
            )
            .line(*line)
            .column(col_name(to_col))
            .hint("check --to and --to-field")
            .into());
        }
        let name = name_col.map(get).filter(|n| !n.is_empty());
        if let Some((prev, _, first)) = pairs.get(&f) {
            if *prev != t {
                return Err(InputError::new(
                    &file,
                    format!(
                        "{} is assigned to both {} (line {first}) and {}",
                        excerpt(&f),
                        excerpt(prev),
                        excerpt(&t)
                    ),
                )
                .line(*line)
                .column(col_name(from_col))
                .hint("a best-fit lookup gives each area one parent; remove one of the rows")
                .into());
            }
            continue;
        }
        pairs.insert(f, (t, name, *line));
    }
    // Lookups are often national: rows for areas outside the workspace are skipped.
    let kept: Vec<(&String, &Parent)> = pairs
        .iter()
        .filter(|(f, _)| from_codes.contains(*f))
        .collect();
    if kept.is_empty() {
        return Err(no_column(&table, &opts.from, "--from-field"));
    }
    let report = LookupReport {
        file: file.clone(),
        from: opts.from.clone(),
        to: opts.to.clone(),
        from_field: table.column_name(from_col),
        to_field: table.column_name(to_col),
        rows: kept.len(),
        to_areas: kept
            .iter()
            .map(|(_, (t, _, _))| t)
            .collect::<HashSet<_>>()
            .len(),
        from_not_covered: from_codes
            .iter()
            .filter(|c| !pairs.contains_key(*c))
            .count(),
    };
    let sha = super::sha256_hex(&bytes);
    let detail = serde_json::to_string(&report).unwrap_or_default();
    run.stage("writing the lookup");
    run.write(ws, |tx| {
        tx.execute(
            "DELETE FROM atlas_lookups WHERE from_geography = ?1 AND to_geography = ?2",
            (&opts.from, &opts.to),
        )?;
        let mut stmt = tx.prepare("INSERT INTO atlas_lookups VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for (i, (f, (t, name, _))) in kept.iter().enumerate() {
            run.step(i + 1, kept.len())?;
            stmt.execute((&opts.from, &opts.to, f, t, name))?;
        }
        super::log_import(
            tx,
            "lookup",
            &format!("{}->{}", opts.from, opts.to),
            path,
            kept.len(),
            &sha,
            &detail,
        )
    })?;
    Ok(report)
}

fn best_column(table: &Table, codes: &HashSet<String>, not: Option<usize>) -> Option<usize> {
    (0..table.headers.len())
        .filter(|&i| Some(i) != not)
        .map(|i| {
            (
                table
                    .rows
                    .iter()
                    .take(500)
                    .filter(|(_, r)| r.get(i).is_some_and(|v| codes.contains(v.trim())))
                    .count(),
                std::cmp::Reverse(i),
            )
        })
        .max()
        .filter(|(hits, _)| *hits > 0)
        .map(|(_, std::cmp::Reverse(i))| i)
}

fn no_column(table: &Table, geography: &str, flag: &str) -> crate::error::Error {
    InputError::new(
        &table.file,
        format!("no column holds codes of geography '{geography}'"),
    )
    .line(1)
    .hint(format!("pass {flag} (one of: {})", table.column_list()))
    .into()
}
