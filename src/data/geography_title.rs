//! Display names of geographies: what a reader sees in headers, subtitles, legends, menus and
//! reports instead of the workspace's short name (`lsoa11` → "LSOA (2011)"). The default comes
//! from the well-known ONS geography codes; a user's own title (`geography rename`) is stored in
//! `atlas_geographies.title` and wins.

use super::workspace::Workspace;
use crate::error::{Error, Result};

/// The longest title accepted, in characters (it is drawn on maps and in menus).
pub const MAX_TITLE_CHARS: usize = 200;

/// ONS geography prefixes and what a reader calls them, longest prefix first where one is the
/// start of another (`lsoa` before `la`, `wd`/`ward` as one).
const KNOWN: &[(&str, &str)] = &[
    ("lsoa", "LSOA"),
    ("msoa", "MSOA"),
    ("oa", "Output area"),
    ("ward", "Ward"),
    ("wd", "Ward"),
    ("ltla", "Lower-tier local authority"),
    ("utla", "Upper-tier local authority"),
    ("laua", "Local authority district"),
    ("lad", "Local authority district"),
    ("cty", "County"),
    ("ctyua", "County or unitary authority"),
    ("rgn", "Region"),
    ("region", "Region"),
    ("ctry", "Country"),
    ("pcon", "Parliamentary constituency"),
    ("ced", "County electoral division"),
    ("par", "Parish"),
    ("ccg", "Clinical commissioning group"),
    ("sicbl", "Sub-ICB location"),
    ("icb", "Integrated care board"),
    ("stp", "Sustainability and transformation partnership"),
    ("nhser", "NHS England region"),
    ("pfa", "Police force area"),
    ("csp", "Community safety partnership"),
    ("fra", "Fire and rescue authority"),
    ("cauth", "Combined authority"),
    ("bua", "Built-up area"),
    ("ttwa", "Travel to work area"),
    ("lep", "Local enterprise partnership"),
];

/// Kinds whose boundaries a reader does not date (district names outlive boundary reviews).
const UNDATED: &[&str] = &["Local authority district", "Region", "Country"];

/// The default display name of geography `name`: the ONS kind with its year when the name is a
/// well-known code (`lsoa11`, `LSOA21CD`, `wd17`, `lad16`), else the name itself.
///
/// ```
/// use local_atlas::data::geography_title::default_title;
/// assert_eq!(default_title("lsoa11"), "LSOA (2011)");
/// assert_eq!(default_title("ward17"), "Ward (2017)");
/// assert_eq!(default_title("WD23CD"), "Ward (2023)");
/// assert_eq!(default_title("lad16"), "Local authority district");
/// assert_eq!(default_title("msoa"), "MSOA");
/// assert_eq!(default_title("neighbourhoods"), "neighbourhoods");
/// ```
pub fn default_title(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    let stem = lower
        .strip_suffix("cd")
        .filter(|s| s.ends_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(&lower);
    let letters = stem.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_');
    let digits = &stem[letters.len()..].trim_start_matches('_');
    let Some((_, kind)) = KNOWN.iter().find(|(k, _)| *k == letters) else {
        return name.to_string();
    };
    match digits.len() {
        2 if !UNDATED.contains(kind) => format!("{kind} ({})", 2000 + year(digits)),
        4 if !UNDATED.contains(kind) => format!("{kind} ({digits})"),
        _ => kind.to_string(),
    }
}

fn year(two_digits: &str) -> u32 {
    two_digits.parse().unwrap_or(0)
}

/// The display name of each geography: its stored title, or the default.
pub fn title_of(name: &str, stored: &str) -> String {
    let stored = stored.trim();
    if stored.is_empty() {
        default_title(name)
    } else {
        stored.to_string()
    }
}

/// The display name of geography `name` in `ws`.
pub fn title(ws: &Workspace, name: &str) -> Result<String> {
    let stored: Option<String> = rusqlite::OptionalExtension::optional(ws.conn().query_row(
        "SELECT title FROM atlas_geographies WHERE name = ?1",
        [name],
        |r| r.get(0),
    ))?;
    match stored {
        Some(t) => Ok(title_of(name, &t)),
        None => Err(no_such(name)),
    }
}

fn no_such(name: &str) -> Error {
    Error::Invalid(format!(
        "no geography called '{name}' in this workspace; `local-atlas info WS` lists them"
    ))
}

/// Gives geography `name` the display name `title` (empty = back to the default). Returns the
/// display name now in force.
pub fn rename(ws: &Workspace, name: &str, title: &str) -> Result<String> {
    let title = title.trim();
    let n = title.chars().count();
    if n > MAX_TITLE_CHARS {
        return Err(Error::Invalid(format!(
            "the title has {n} characters, more than {MAX_TITLE_CHARS}; shorten it"
        )));
    }
    if title.chars().any(char::is_control) {
        return Err(Error::Invalid(
            "the title holds a control character (a tab or line break); give it on one line".into(),
        ));
    }
    let changed = ws.conn().execute(
        "UPDATE atlas_geographies SET title = ?2 WHERE name = ?1",
        [name, title],
    )?;
    if changed == 0 {
        return Err(no_such(name));
    }
    Ok(title_of(name, title))
}

/// A point layer's name as a reader sees it: `burglaries_2018` → "Burglaries 2018" (underscores
/// as spaces, the first letter in capitals).
///
/// ```
/// use local_atlas::data::geography_title::layer_title;
/// assert_eq!(layer_title("burglaries_2018"), "Burglaries 2018");
/// assert_eq!(layer_title("gp_practices"), "Gp practices");
/// assert_eq!(layer_title(""), "");
/// ```
pub fn layer_title(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut c = spaced.trim().chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
