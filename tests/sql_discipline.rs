//! SQL discipline: no SQL text in `src/` is built with `format!` from anything but identifiers
//! quoted by `feature_table::quote_ident` or numeric constants. Values always go in as bound
//! parameters (`?1`); a name from a file or a workspace always goes through the one quoting
//! function. The few format!-built statements whose pieces are proven safe elsewhere are listed
//! in [`ALLOWED`] with the reason.

use std::path::{Path, PathBuf};

/// (file, a piece of the format string, why its interpolations are safe).
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "src/data/feature_table.rs",
        "CREATE TABLE {} ({});",
        "column definitions: each name through quote_ident, each type a &'static str",
    ),
    (
        "src/data/feature_table.rs",
        "INSERT INTO {} ({}) VALUES ({})",
        "column names through quote_ident, placeholders ?1..?n",
    ),
    (
        "src/data/value_batch.rs",
        "{COLUMNS}{many}",
        "a fixed column list and BATCH copies of a fixed `(?, …)` placeholder group",
    ),
    (
        "src/data/import/metadata.rs",
        "ON CONFLICT(code) {on_conflict}",
        "one of two fixed clauses (DO UPDATE … / DO NOTHING)",
    ),
];

/// Calls whose argument is SQL text.
const SQL_CALLS: &[&str] = &[
    "execute(&",
    "execute_batch(&",
    "prepare(&",
    "prepare_cached(&",
    "query_row(&",
    "query_map(&",
];

const SQL_STARTS: &[&str] = &[
    "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "PRAGMA", "WITH", "REPLACE",
    "ATTACH",
];

/// A string literal at the start of `s` (after blanks): its text and the rest after it.
fn literal(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    if let Some(rest) = s.strip_prefix('r') {
        let hashes = rest.len() - rest.trim_start_matches('#').len();
        let body = rest[hashes..].strip_prefix('"')?;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = body.find(&close)?;
        return Some((body[..end].to_string(), &body[end + close.len()..]));
    }
    let body = s.strip_prefix('"')?;
    let mut text = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, n)) = chars.next() {
                    text.push('\\');
                    text.push(n);
                }
            }
            '"' => return Some((text, &body[i + 1..])),
            _ => text.push(c),
        }
    }
    None
}

/// The comma-separated arguments after the format string, up to the closing parenthesis.
fn arguments(rest: &str) -> Vec<String> {
    let (mut depth, mut args, mut cur, mut in_str) = (0i32, Vec::new(), String::new(), false);
    let mut prev = ' ';
    for c in rest.chars() {
        if in_str {
            in_str = !(c == '"' && prev != '\\');
            cur.push(c);
            prev = c;
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                args.push(std::mem::take(&mut cur));
                prev = c;
                continue;
            }
            _ => {}
        }
        cur.push(c);
        prev = c;
    }
    args.push(cur);
    args.into_iter()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect()
}

/// The interpolations `{…}` of a format string (not `{{`), without their `:spec`.
fn holes(fmt: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = fmt.chars().peekable();
    while let Some(c) = it.next() {
        if c == '{' {
            if it.peek() == Some(&'{') {
                it.next();
                continue;
            }
            let inner: String = it.by_ref().take_while(|&c| c != '}').collect();
            out.push(inner.split(':').next().unwrap_or("").trim().to_string());
        }
    }
    out
}

/// Safe: quoted by quote_ident, a numeric literal, or a constant (UPPER_CASE).
fn safe(expr: &str) -> bool {
    let e = expr.trim();
    e.starts_with("quote_ident(")
        || e.contains("::quote_ident(")
        || e.parse::<f64>().is_ok()
        || (e
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && e.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
}

/// Every format!-built SQL statement in `source` with an interpolation not proven safe, as
/// (line, format string).
fn violations(file: &str, source: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (at, _) in source.match_indices("format!(") {
        let Some((fmt, rest)) = literal(&source[at + "format!(".len()..]) else {
            continue;
        };
        let before = &source[..at];
        let in_call = SQL_CALLS.iter().any(|c| before.trim_end().ends_with(c));
        let is_sql = SQL_STARTS.iter().any(|k| fmt.trim_start().starts_with(k));
        if !(in_call || is_sql) {
            continue;
        }
        if ALLOWED
            .iter()
            .any(|(f, piece, _)| file.ends_with(f) && fmt.contains(piece))
        {
            continue;
        }
        let rest = rest.trim_start().strip_prefix(',').unwrap_or("");
        let args = arguments(rest);
        let positional: Vec<&String> = args.iter().filter(|a| !is_named(a)).collect();
        let mut next = 0;
        let ok = holes(&fmt).iter().all(|h| {
            let expr = if h.is_empty() {
                next += 1;
                positional.get(next - 1).map(|s| s.as_str()).unwrap_or("")
            } else if let Ok(i) = h.parse::<usize>() {
                positional.get(i).map(|s| s.as_str()).unwrap_or("")
            } else {
                args.iter()
                    .find_map(|a| named_value(a, h))
                    .unwrap_or(h.as_str())
            };
            safe(expr)
        });
        if !ok {
            let line = before.matches('\n').count() + 1;
            out.push((line, fmt));
        }
    }
    out
}

fn is_named(arg: &str) -> bool {
    let Some((name, value)) = arg.split_once('=') else {
        return false;
    };
    !value.starts_with('=')
        && name
            .trim()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn named_value<'a>(arg: &'a str, name: &str) -> Option<&'a str> {
    let (n, v) = arg.split_once('=')?;
    (is_named(arg) && n.trim() == name).then_some(v.trim())
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_sql_is_built_from_unquoted_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut found = Vec::new();
    for f in files {
        let rel = f.strip_prefix(root).unwrap().display().to_string();
        let text = std::fs::read_to_string(&f).unwrap();
        for (line, fmt) in violations(&rel, &text) {
            found.push(format!("{rel}:{line}: format!(\"{fmt}\")"));
        }
    }
    assert!(
        found.is_empty(),
        "SQL built with format! from text not quoted by feature_table::quote_ident (bind values \
         as ?1 parameters, quote names with quote_ident, or add to ALLOWED with a reason):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_catches_an_interpolated_name() {
    let bad = r#"let s = conn.prepare(&format!("SELECT * FROM {name}"))?;"#;
    assert_eq!(violations("src/x.rs", bad).len(), 1);
    let bad = r#"conn.execute(&format!("DELETE FROM t WHERE c = '{}'", value), [])?;"#;
    assert_eq!(violations("src/x.rs", bad).len(), 1);
    let bad = "let sql = format!(\n  \"UPDATE {} SET x = 1\",\n  t.replace('\"', \"\"));";
    assert_eq!(violations("src/x.rs", bad).len(), 1);
    let good = r#"conn.prepare(&format!("SELECT COUNT(*) FROM {}", quote_ident(table)))?;"#;
    assert!(violations("src/x.rs", good).is_empty());
    let good = r#"format!("PRAGMA application_id = {GPKG_APPLICATION_ID};")"#;
    assert!(violations("src/x.rs", good).is_empty());
    let not_sql = r#"format!("Selected {n} areas")"#;
    assert!(violations("src/x.rs", not_sql).is_empty());
}
