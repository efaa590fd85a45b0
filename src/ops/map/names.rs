//! File names for atlas pages that are safe on Windows, macOS and Linux.

use std::collections::HashSet;

/// Names Windows reserves for devices, with or without an extension. `COM0`/`LPT0` and the
/// superscript digits `¹ ² ³` are reserved too (Windows treats them as COM1–3, LPT1–3).
const RESERVED: [&str; 30] = [
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
    "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// The longest file stem of an atlas page, in bytes (UTF-8): 200, so that a `_NNNNN` suffix
/// for names that collide and a `.png`/`.svg`/`.pdf` extension still fit the 255-byte name
/// limit of every common file system (ext4, APFS, NTFS counts UTF-16 units, fewer than bytes).
pub const MAX_STEM_BYTES: usize = 200;

/// A file stem from an area code and name: letters and digits of any script, `-` and `_`
/// kept; spaces and everything else (path separators, `..`, `:`, `*`, quotes, control
/// characters) become `_`, runs collapsed; at most [`MAX_STEM_BYTES`] bytes, cut at a
/// character boundary; never empty, never a Windows device name, never starting with a dot.
///
/// ```
/// use local_atlas::ops::map::names::safe_stem;
/// assert_eq!(safe_stem("E05000650", Some("St. Peter's")), "E05000650_St_Peter_s");
/// assert_eq!(safe_stem("../../etc/passwd", None), "etc_passwd");
/// assert_eq!(safe_stem("CON", None), "_CON");
/// assert_eq!(safe_stem("com¹", None), "_com¹");
/// assert_eq!(safe_stem("W05000001", Some("Ynys Môn")), "W05000001_Ynys_Môn");
/// assert_eq!(safe_stem("", Some("///")), "area");
/// assert!(safe_stem(&"𝔸".repeat(300), None).len() <= 200);
/// ```
pub fn safe_stem(code: &str, name: Option<&str>) -> String {
    let raw = match name {
        Some(n) if !n.trim().is_empty() && n != code => format!("{code} {n}"),
        _ => code.to_string(),
    };
    let mut out = String::with_capacity(raw.len().min(4 * MAX_STEM_BYTES));
    for c in raw.chars() {
        let keep = c.is_alphanumeric() || c == '-' || c == '_';
        if keep {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
        if out.len() > 2 * MAX_STEM_BYTES {
            break;
        }
    }
    let trimmed = cut_to_bytes(out.trim_matches('_'), MAX_STEM_BYTES - 1);
    let trimmed = trimmed.trim_end_matches('_').to_string();
    if trimmed.is_empty() {
        return "area".into();
    }
    if is_reserved(&trimmed) {
        return format!("_{trimmed}");
    }
    trimmed
}

/// Whether `stem` is a Windows device name (case-insensitively).
fn is_reserved(stem: &str) -> bool {
    let upper = stem.to_uppercase();
    RESERVED.contains(&upper.as_str())
}

/// The longest prefix of `text` of at most `max` bytes that ends at a character boundary.
///
/// ```
/// use local_atlas::ops::map::names::cut_to_bytes;
/// assert_eq!(cut_to_bytes("ééé", 5), "éé");
/// assert_eq!(cut_to_bytes("abc", 10), "abc");
/// ```
pub fn cut_to_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `stem`, or `stem_2`, `stem_3`… : the first whose Unicode lower-case form is not in `used`
/// (which it is then added to), so names differing only by case (`É01`/`é01`) get distinct
/// files on case-insensitive file systems (Windows, macOS). Stays within [`MAX_STEM_BYTES`].
///
/// ```
/// use local_atlas::ops::map::names::unique_stem;
/// let mut used = std::collections::HashSet::new();
/// assert_eq!(unique_stem("É01", &mut used), "É01");
/// assert_eq!(unique_stem("é01", &mut used), "é01_2");
/// assert_eq!(unique_stem("É01", &mut used), "É01_3");
/// ```
pub fn unique_stem(stem: &str, used: &mut HashSet<String>) -> String {
    if used.insert(stem.to_lowercase()) {
        return stem.to_string();
    }
    for n in 2u64.. {
        let suffix = format!("_{n}");
        let candidate = format!(
            "{}{suffix}",
            cut_to_bytes(stem, MAX_STEM_BYTES - suffix.len())
        );
        if used.insert(candidate.to_lowercase()) {
            return candidate;
        }
    }
    unreachable!("the counter runs until a name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_stem_escapes_its_folder_or_is_reserved() {
        let nasty = [
            "a/b",
            "a\\b",
            "..",
            ".",
            "C:\\x",
            "nul",
            "lpt9",
            "COM0",
            "LPT²",
            "x\u{0}y",
            " ",
            "a:b*c?d\"e<f>g|h",
            "\u{202e}txt.exe",
        ];
        for code in nasty {
            let s = safe_stem(code, None);
            assert!(!s.is_empty());
            assert!(
                !s.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|', '\0']),
                "{s}"
            );
            assert!(!s.starts_with('.'), "{s}");
            assert!(!is_reserved(&s), "{s}");
        }
        assert_eq!(safe_stem(&"x".repeat(500), None).len(), MAX_STEM_BYTES - 1);
    }

    #[test]
    fn long_names_of_four_byte_letters_fit_in_bytes() {
        let name = "𝔸".repeat(300);
        let stem = safe_stem("E01", Some(&name));
        assert!(stem.len() <= MAX_STEM_BYTES, "{}", stem.len());
        let mut used = HashSet::new();
        unique_stem(&stem, &mut used);
        let second = unique_stem(&stem, &mut used);
        assert!(second.len() <= MAX_STEM_BYTES && second.ends_with("_2"));
        assert!(format!("{second}.png").len() <= 255);
    }
}
