//! Formula neutralisation of the CSV files Local Atlas writes (OWASP "CSV injection"): a
//! spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or `@` as a formula
//! (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`), and a leading tab or carriage return can hide
//! one. Codes, names, titles and labels come from users' files, so every *text* cell we write
//! goes through [`text_cell`]; numbers we format ourselves (a negative value starts with `-`)
//! do not. Machine consumers that want the text exactly can ask for raw cells (`--csv-raw` on
//! the command line, `csv_raw: true` in a request).

use std::borrow::Cow;

/// The characters that make a spreadsheet treat a cell as a formula (or hide one).
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` safe to open in a spreadsheet: prefixed with `'` when it starts with one of
/// [`FORMULA_STARTS`], unchanged otherwise. The CSV writer then quotes it as CSV needs (a
/// comma, quote or line break inside), so the prefix is part of the cell's value.
///
/// ```
/// use local_atlas::csv_formulas::neutralise;
/// assert_eq!(neutralise("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
/// assert_eq!(neutralise("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
/// assert_eq!(neutralise("+44"), "'+44");
/// assert_eq!(neutralise("\tx"), "'\tx");
/// assert_eq!(neutralise("E01000001"), "E01000001");
/// assert_eq!(neutralise("Bury - East"), "Bury - East");
/// assert_eq!(neutralise(""), "");
/// // A plain negative number (a partner's longitude) is a number to a spreadsheet, not a formula.
/// assert_eq!(neutralise("-2.164901"), "-2.164901");
/// assert_eq!(neutralise("-2.1-1"), "'-2.1-1");
/// ```
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if is_negative_number(text) {
        return Cow::Borrowed(text);
    }
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A text cell as written: [`neutralise`]d unless `raw` (the user asked for cells exactly as
/// stored, for a program rather than a spreadsheet).
///
/// ```
/// use local_atlas::csv_formulas::text_cell;
/// assert_eq!(text_cell("=1+1", false), "'=1+1");
/// assert_eq!(text_cell("=1+1", true), "=1+1");
/// ```
pub fn text_cell(text: &str, raw: bool) -> Cow<'_, str> {
    if raw {
        Cow::Borrowed(text)
    } else {
        neutralise(text)
    }
}

/// `-` then digits with at most one decimal point ("-2.164901"): nothing a spreadsheet runs.
fn is_negative_number(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('-') else {
        return false;
    };
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    let dots = rest.chars().filter(|c| *c == '.').count();
    digits > 0 && dots <= 1 && digits + dots == rest.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_formula_start_is_neutralised_and_quoted_where_csv_needs() {
        for start in FORMULA_STARTS {
            let cell = format!("{start}SUM(A1,A2)");
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([neutralise(&cell).as_ref()]).unwrap();
            let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(text.as_bytes());
            let back = r.records().next().unwrap().unwrap();
            assert_eq!(back.get(0).unwrap(), format!("'{cell}"), "{text:?}");
        }
    }
}
