//! Messages in the app's words. The library's errors say what to do in command-line terms
//! ("pass --period 2019"); the app shows the same advice naming its own fields and ticks, so
//! a user of the dialog is never told to type a flag.

/// Command-line phrases and what the import dialog calls the same thing, longest first so a
/// phrase wins over the flag inside it.
const PHRASES: &[(&str, &str)] = &[
    (
        "pass --period (e.g. --period 2019)",
        "fill in the Period (e.g. 2019)",
    ),
    (
        "or pass --period (e.g. --period 2019)",
        "or fill in the Period (e.g. 2019)",
    ),
    (
        "or pass --allow-unmatched to import the matching rows and skip these",
        "or tick \"Skip rows whose codes match no area\" to import the matching rows",
    ),
    (
        "for one column per indicator pass --wide",
        "for one column per indicator tick \"One column per indicator (wide)\"",
    ),
    (
        "pass --replace to replace them",
        "tick \"Replace values already in the workspace\"",
    ),
    (
        "or pass --encoding windows-1252 if it came from Excel on Windows",
        "or save it again from Excel as 'CSV UTF-8 (comma delimited)'",
    ),
    ("pass --code-field", "choose the Code field"),
    ("check --code-field", "check the Code field"),
    ("pass --source-crs", "give the coordinate system"),
    ("check --source-crs", "check the coordinate system"),
    ("(--source-crs)", "(the coordinate system)"),
    (
        "give --geography and --indicator",
        "choose a geography and an indicator",
    ),
    ("--geography name", "Geography name"),
    ("check --geography", "check the Geography"),
    ("--columns", "the Columns to import"),
    ("--period", "the Period"),
    ("--code-field", "the Code field"),
    ("--geography", "the Geography"),
];

/// `message` with command-line advice in the app's words.
///
/// ```
/// use local_atlas::ui::app_words::in_app_words;
/// assert_eq!(
///     in_app_words("rents.csv: wide form needs a period for its values. Pass --period (e.g. --period 2019)"),
///     "rents.csv: wide form needs a period for its values. Fill in the Period (e.g. 2019)"
/// );
/// assert!(!in_app_words("check --geography and --code-field, or pass --allow-unmatched to import the matching rows and skip these").contains("--"));
/// ```
pub fn in_app_words(message: &str) -> String {
    let mut out = message.to_string();
    for (cli, app) in PHRASES {
        out = replace_any_case(&out, cli, app);
    }
    out
}

/// Replaces `from` also when its first letter was capitalised (a hint after a full stop).
fn replace_any_case(text: &str, from: &str, to: &str) -> String {
    let capital_from = crate::error::sentence(from);
    let capital_to = crate::error::sentence(to);
    text.replace(from, to).replace(&capital_from, &capital_to)
}
