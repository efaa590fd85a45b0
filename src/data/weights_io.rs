//! Spatial weights files in the GeoDa / PySAL text formats.
//!
//! **GAL** (binary neighbour lists). A header line, either `n` (PySAL) or
//! `0 n layer id_field` (GeoDa), then for each area a line `id k` followed by a line with its k
//! neighbour ids. Ids are the area codes. Reading is token based, as GeoDa's reader is, so an
//! island's empty neighbour line may be present or absent and long lists may wrap.
//!
//! **GWT** (weighted links). The header `0 n layer id_field`, then one line `id_i id_j w_ij`
//! per directed link. An area without neighbours has no line, so a GWT file cannot list islands:
//! on reading, the areas are the ids that appear, in order of first appearance.
//!
//! Files are written with the header `0 n local_atlas area_code` (the id column of a Local Atlas
//! workspace), or another layer and field via [`WeightsFileHeader`]. Weights are written with
//! Rust's shortest round-trip float format, so a GWT file reads back bit for bit.
//!
//! Malformed files give an [`InputError`] naming the file and line; nothing here panics on
//! user input.

use crate::analysis::weights::{SpatialWeights, Transform};
use crate::error::{Error, InputError, Result};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Write as _;
use std::path::Path;

/// The layer and id-field names written in a GAL/GWT header (GeoDa uses the field to match
/// ids to the table's rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightsFileHeader {
    pub layer: String,
    pub id_field: String,
}

impl Default for WeightsFileHeader {
    fn default() -> Self {
        Self {
            layer: "local_atlas".into(),
            id_field: "area_code".into(),
        }
    }
}

/// Writes binary neighbour lists as a GAL file (weights values are not stored).
pub fn write_gal(w: &SpatialWeights, path: &Path) -> Result<()> {
    write_gal_with(w, path, &WeightsFileHeader::default())
}

/// [`write_gal`] with the header's layer and id field named.
pub fn write_gal_with(w: &SpatialWeights, path: &Path, header: &WeightsFileHeader) -> Result<()> {
    check_writable(w, header)?;
    let mut out = header_line(w, header);
    for (i, row) in w.neighbours.iter().enumerate() {
        let _ = writeln!(out, "{} {}", id(w, i), row.len());
        let names: Vec<&str> = row.iter().map(|&j| id(w, j)).collect();
        let _ = writeln!(out, "{}", names.join(" "));
    }
    crate::output_file::write(path, out.as_bytes())
}

/// Writes every directed link with its weight as a GWT file.
pub fn write_gwt(w: &SpatialWeights, path: &Path) -> Result<()> {
    write_gwt_with(w, path, &WeightsFileHeader::default())
}

/// [`write_gwt`] with the header's layer and id field named.
pub fn write_gwt_with(w: &SpatialWeights, path: &Path, header: &WeightsFileHeader) -> Result<()> {
    check_writable(w, header)?;
    let mut out = header_line(w, header);
    for (i, (row, weights)) in w.neighbours.iter().zip(&w.weights).enumerate() {
        for (&j, wij) in row.iter().zip(weights) {
            let _ = writeln!(out, "{} {} {wij}", id(w, i), id(w, j));
        }
    }
    crate::output_file::write(path, out.as_bytes())
}

/// Reads a GAL file: areas in the order of their `id k` lines, binary weights.
pub fn read_gal(path: &Path) -> Result<SpatialWeights> {
    let text = read_text(path)?;
    let file = path.display().to_string();
    let mut tokens = Tokens::new(&text);
    let (n, _) = read_header(&file, &mut tokens, &[1, 4])?;
    let mut ids: Vec<String> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    // Neighbour names with their line numbers, resolved once every area is declared.
    let mut pending: Vec<Vec<(&str, u64)>> = Vec::new();
    while let Some((area, line)) = tokens.next() {
        if ids.len() == n {
            return Err(input(
                &file,
                line,
                format!("the header declares {n} areas, but area '{area}' is one more"),
            )
            .hint("correct the count in the first line")
            .into());
        }
        match index.entry(area) {
            Entry::Occupied(_) => {
                return Err(input(&file, line, format!("area '{area}' is listed twice"))
                    .hint("each area needs exactly one 'id count' line")
                    .into());
            }
            Entry::Vacant(v) => {
                v.insert(ids.len());
            }
        }
        let k = match tokens.next() {
            Some((t, l)) => t.parse::<usize>().map_err(|_| {
                input(
                    &file,
                    l,
                    format!("expected the number of neighbours of area '{area}', found '{t}'"),
                )
                .hint("each area starts with a line 'id count'")
            })?,
            None => {
                return Err(
                    input(&file, line, format!("area '{area}' has no neighbour count"))
                        .hint("each area starts with a line 'id count'")
                        .into(),
                );
            }
        };
        let mut row = Vec::new();
        for _ in 0..k {
            match tokens.next() {
                Some(t) => row.push(t),
                None => {
                    return Err(input(&file, tokens.line, format!(
                        "the file ends inside the neighbour list of area '{area}' ({} of {k} ids found)",
                        row.len()
                    ))
                    .hint("the file may be truncated")
                    .into());
                }
            }
        }
        ids.push(area.to_string());
        pending.push(row);
    }
    if ids.len() != n {
        return Err(input(
            &file,
            tokens.line,
            format!(
                "the header declares {n} areas but the file lists {}",
                ids.len()
            ),
        )
        .hint("the file may be truncated, or the count in the first line is wrong")
        .into());
    }
    let mut neighbours = Vec::with_capacity(n);
    for (i, row) in pending.into_iter().enumerate() {
        let mut resolved = Vec::with_capacity(row.len());
        for (name, line) in row {
            let j = resolve(&file, &index, name, line)?;
            if j == i {
                return Err(input(
                    &file,
                    line,
                    format!("area '{name}' is listed as its own neighbour"),
                )
                .hint("remove it: contiguity weights never link an area to itself")
                .into());
            }
            resolved.push(j);
        }
        neighbours.push(resolved);
    }
    Ok(SpatialWeights::from_neighbours(ids, neighbours))
}

/// Reads a GWT file. Areas are numbered in order of first appearance as `id_i` (so a file
/// written by [`write_gwt`] reads back in its row order), then ids seen only as `id_j`; the
/// weights are as given (`Original`).
pub fn read_gwt(path: &Path) -> Result<SpatialWeights> {
    let text = read_text(path)?;
    let file = path.display().to_string();
    let mut tokens = Tokens::new(&text);
    let (n, header_line) = read_header(&file, &mut tokens, &[1, 4])?;
    let links = gwt_links(&file, &text, header_line)?;
    let mut ids: Vec<String> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let named = links.iter().map(|l| (l.from, l.line));
    for (name, line) in named.chain(links.iter().map(|l| (l.to, l.line))) {
        if index.contains_key(name) {
            continue;
        }
        if ids.len() == n {
            return Err(input(
                &file,
                line,
                format!("the header declares {n} areas, but area '{name}' is one more"),
            )
            .hint("correct the count in the first line")
            .into());
        }
        index.insert(name, ids.len());
        ids.push(name.to_string());
    }
    let mut rows: Vec<Vec<(usize, f64)>> = vec![Vec::new(); ids.len()];
    let mut seen: HashMap<(usize, usize), u64> = HashMap::new();
    for l in &links {
        let (Some(&i), Some(&j)) = (index.get(l.from), index.get(l.to)) else {
            continue;
        };
        if let Some(first) = seen.insert((i, j), l.line) {
            return Err(input(
                &file,
                l.line,
                format!(
                    "the link {} → {} is listed twice (first on line {first})",
                    l.from, l.to
                ),
            )
            .hint("keep one line per link")
            .into());
        }
        if let Some(row) = rows.get_mut(i) {
            row.push((j, l.weight));
        }
    }
    let mut neighbours = Vec::with_capacity(rows.len());
    let mut weights = Vec::with_capacity(rows.len());
    for mut row in rows {
        row.sort_unstable_by_key(|&(j, _)| j);
        neighbours.push(row.iter().map(|&(j, _)| j).collect());
        weights.push(row.into_iter().map(|(_, w)| w).collect());
    }
    Ok(SpatialWeights {
        ids,
        neighbours,
        weights,
        transform: Transform::Original,
    })
}

/// One `id_i id_j w_ij` line of a GWT file.
struct GwtLink<'a> {
    from: &'a str,
    to: &'a str,
    weight: f64,
    line: u64,
}

/// The link lines after the header, checked one by one.
fn gwt_links<'a>(file: &str, text: &'a str, header_line: usize) -> Result<Vec<GwtLink<'a>>> {
    let mut links = Vec::new();
    for (k, raw) in text.lines().enumerate().skip(header_line) {
        let line = k as u64 + 1;
        let parts: Vec<&str> = raw.split_whitespace().collect();
        let [from, to, value] = parts.as_slice() else {
            if parts.is_empty() {
                continue;
            }
            return Err(input(
                file,
                line,
                format!("expected 'id_i id_j weight', found {} values", parts.len()),
            )
            .hint("each line after the header holds one link")
            .into());
        };
        let weight: f64 = value
            .parse()
            .ok()
            .filter(|w: &f64| w.is_finite())
            .ok_or_else(|| {
                input(
                    file,
                    line,
                    format!("the weight '{value}' is not a finite number"),
                )
            })?;
        if from == to {
            return Err(input(file, line, format!("area '{from}' is linked to itself"))
                .hint("weights with a diagonal (e.g. kernel weights with self-weights) are not supported; remove the line")
                .into());
        }
        links.push(GwtLink {
            from,
            to,
            weight,
            line,
        });
    }
    Ok(links)
}

fn id(w: &SpatialWeights, i: usize) -> &str {
    w.ids.get(i).map(String::as_str).unwrap_or("")
}

fn header_line(w: &SpatialWeights, header: &WeightsFileHeader) -> String {
    format!("0 {} {} {}\n", w.n(), header.layer, header.id_field)
}

/// Ids and header names are whitespace-separated tokens, so none may be empty or hold spaces.
fn check_writable(w: &SpatialWeights, header: &WeightsFileHeader) -> Result<()> {
    if w.ids.len() != w.n() {
        return Err(Error::Invalid(format!(
            "the weights have {} rows but {} ids",
            w.n(),
            w.ids.len()
        )));
    }
    let bad = |s: &str| s.is_empty() || s.chars().any(char::is_whitespace);
    let names = [header.layer.as_str(), header.id_field.as_str()];
    if let Some(s) = w
        .ids
        .iter()
        .map(String::as_str)
        .chain(names)
        .find(|s| bad(s))
    {
        return Err(Error::Invalid(format!(
            "'{s}' cannot be written to a GAL/GWT file: ids and names must be non-empty and have no spaces"
        )));
    }
    Ok(())
}

/// The largest GAL/GWT file read: 512 MiB, far above queen weights of every output area of
/// England and Wales (about 10 MB), so a wrong path or `/dev/zero` is refused unread.
pub const MAX_WEIGHTS_FILE_BYTES: u64 = 512 << 20;

fn read_text(path: &Path) -> Result<String> {
    // A missing or unreadable path is an I/O error naming it; a folder, a device or a file
    // over the limit is refused unread.
    std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let bytes = super::read_limited::read_limited(path, MAX_WEIGHTS_FILE_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        InputError::new(
            path.display(),
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        )
        .hint("GAL and GWT files are plain text; re-save the file as UTF-8")
    })?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
}

/// Reads the header (the first non-blank line); returns n and the number of lines consumed.
fn read_header(file: &str, tokens: &mut Tokens, allowed: &[usize]) -> Result<(usize, usize)> {
    let Some((first, line)) = tokens.next() else {
        return Err(InputError::new(file, "the file is empty")
            .hint("a weights file starts with a header line 'n' or '0 n layer id_field'")
            .into());
    };
    let mut parts = vec![first];
    while tokens.peek_line() == Some(line) {
        if let Some((t, _)) = tokens.next() {
            parts.push(t);
        }
    }
    let hint = "the first line must be 'n' or '0 n layer id_field'";
    if !allowed.contains(&parts.len()) {
        return Err(
            input(file, line, format!("the header has {} values", parts.len()))
                .hint(hint)
                .into(),
        );
    }
    let count = if parts.len() == 1 { parts[0] } else { parts[1] };
    let n = count.parse::<usize>().map_err(|_| {
        input(
            file,
            line,
            format!("the number of areas '{count}' is not a whole number"),
        )
        .hint(hint)
    })?;
    Ok((n, line as usize))
}

fn resolve(file: &str, index: &HashMap<&str, usize>, name: &str, line: u64) -> Result<usize> {
    index.get(name).copied().ok_or_else(|| {
        input(
            file,
            line,
            format!("neighbour '{name}' is not one of the areas in the file"),
        )
        .hint("every neighbour id must also have its own 'id count' line")
        .into()
    })
}

fn input(file: &str, line: u64, message: String) -> InputError {
    InputError::new(file, message).line(line)
}

/// Whitespace-separated tokens with their 1-based line numbers.
struct Tokens<'a> {
    lines: std::iter::Peekable<std::iter::Enumerate<std::str::Lines<'a>>>,
    current: std::iter::Peekable<std::str::SplitWhitespace<'a>>,
    /// Line of the last token returned (or of the end of the file).
    line: u64,
    current_line: u64,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            lines: text.lines().enumerate().peekable(),
            current: "".split_whitespace().peekable(),
            line: 0,
            current_line: 0,
        }
    }

    fn fill(&mut self) -> bool {
        while self.current.peek().is_none() {
            match self.lines.next() {
                Some((k, l)) => {
                    self.current = l.split_whitespace().peekable();
                    self.current_line = k as u64 + 1;
                }
                None => return false,
            }
        }
        true
    }

    fn next(&mut self) -> Option<(&'a str, u64)> {
        if !self.fill() {
            return None;
        }
        let t = self.current.next()?;
        self.line = self.current_line;
        Some((t, self.line))
    }

    /// The line of the next token, if any.
    fn peek_line(&mut self) -> Option<u64> {
        self.fill().then_some(self.current_line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SpatialWeights {
        // An asymmetric KNN-like matrix with an island and uneven weights.
        SpatialWeights {
            ids: vec![
                "E01000001".into(),
                "E01000002".into(),
                "E01000003".into(),
                "isle".into(),
            ],
            neighbours: vec![vec![1, 2], vec![0], vec![1], vec![]],
            weights: vec![vec![0.1, 1.0 / 3.0], vec![2.5], vec![1e-17], vec![]],
            transform: Transform::Original,
        }
    }

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn message(r: Result<SpatialWeights>) -> String {
        match r {
            Err(Error::Input(e)) => e.to_string(),
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn gal_round_trip_keeps_order_links_and_islands() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.gal");
        write_gal(&sample(), &p).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("0 4 local_atlas area_code\nE01000001 2\nE01000002 E01000003\n"));
        let back = read_gal(&p).unwrap();
        assert_eq!(back, sample().binary());
    }

    #[test]
    fn gwt_round_trip_is_bit_exact() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.gwt");
        let mut w = sample();
        // GWT cannot list islands: drop the island for an exact round trip.
        w = w.subset(&[0, 1, 2]);
        write_gwt(&w, &p).unwrap();
        let back = read_gwt(&p).unwrap();
        assert_eq!(back, w);
        assert_eq!(back.weights[0][1].to_bits(), (1.0f64 / 3.0).to_bits());
        // With the island, it is simply absent on reading.
        write_gwt(&sample(), &p).unwrap();
        assert_eq!(read_gwt(&p).unwrap().ids.len(), 3);
    }

    #[test]
    fn gal_accepts_pysal_header_missing_island_line_and_wrapped_lists() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "a.gal", "\u{feff}3\nb 2\na\nc\nc 1\nb\na 1 b\n");
        let w = read_gal(&p).unwrap();
        assert_eq!(w.ids, vec!["b", "c", "a"]);
        assert_eq!(w.neighbours, vec![vec![1, 2], vec![0], vec![0]]);
        let p = write(dir.path(), "i.gal", "0 2 x id\nq 0\nr 0");
        assert_eq!(read_gal(&p).unwrap().islands(), vec![0, 1]);
    }

    #[test]
    fn gal_errors_name_file_line_and_problem() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("", "the file is empty"),
            ("2 x\n", "line 1: the header has 2 values"),
            ("two\n", "'two' is not a whole number"),
            (
                "2\na 1\nb\nb 1\nz\n",
                "line 5: neighbour 'z' is not one of the areas",
            ),
            ("2\na 1\nb\na 1\nb\n", "line 4: area 'a' is listed twice"),
            (
                "1\na 1\nb\nb 1\na\n",
                "line 4: the header declares 1 areas, but area 'b'",
            ),
            (
                "3\na 1\nb\nb 1\na\n",
                "declares 3 areas but the file lists 2",
            ),
            (
                "2\na x\n",
                "line 2: expected the number of neighbours of area 'a', found 'x'",
            ),
            (
                "2\na 2\nb\n",
                "ends inside the neighbour list of area 'a' (1 of 2",
            ),
            (
                "1\na 1\na\n",
                "line 3: area 'a' is listed as its own neighbour",
            ),
        ];
        for (i, (text, expected)) in cases.iter().enumerate() {
            let p = write(dir.path(), &format!("bad{i}.gal"), text);
            let m = message(read_gal(&p));
            assert!(m.contains(&format!("bad{i}.gal")), "{m}");
            assert!(m.contains(expected), "case {i}: {m}");
        }
        let p = dir.path().join("binary.gal");
        std::fs::write(&p, [b'1', b'\n', 0xff, 0xfe]).unwrap();
        assert!(message(read_gal(&p)).contains("not UTF-8"));
        assert!(matches!(
            read_gal(&dir.path().join("missing.gal")),
            Err(Error::Io { .. })
        ));
    }

    #[test]
    fn a_device_is_refused_unread() {
        let e = read_gal(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn gwt_errors_name_file_line_and_problem() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                "0 2 x id\na b\n",
                "line 2: expected 'id_i id_j weight', found 2 values",
            ),
            (
                "0 2 x id\na b nan\n",
                "line 2: the weight 'nan' is not a finite number",
            ),
            ("0 2 x id\na a 1\n", "line 2: area 'a' is linked to itself"),
            (
                "0 2 x id\na b 1\n\na b 2\n",
                "line 4: the link a → b is listed twice (first on line 2)",
            ),
            (
                "0 1 x id\na b 1\n",
                "line 2: the header declares 1 areas, but area 'b'",
            ),
            ("0 2 x\n", "line 1: the header has 3 values"),
        ];
        for (i, (text, expected)) in cases.iter().enumerate() {
            let p = write(dir.path(), &format!("bad{i}.gwt"), text);
            let m = message(read_gwt(&p));
            assert!(m.contains(expected), "case {i}: {m}");
        }
    }

    #[test]
    fn writing_refuses_ids_with_spaces() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = sample();
        w.ids[0] = "two words".into();
        let r = write_gal(&w, &dir.path().join("w.gal"));
        assert!(matches!(r, Err(Error::Invalid(m)) if m.contains("'two words'")));
    }
}
