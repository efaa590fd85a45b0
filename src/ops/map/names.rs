//! File names for atlas pages that are safe on Windows, macOS and Linux.

/// Names Windows reserves for devices, with or without an extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// A file stem from an area code and name: letters and digits of any script, `-` and `_`
/// kept; spaces and everything else (path separators, `..`, `:`, `*`, quotes, control
/// characters) become `_`, runs collapsed; at most 80 characters; never empty, never a
/// Windows device name, never starting with a dot.
///
/// ```
/// use local_atlas::ops::map::names::safe_stem;
/// assert_eq!(safe_stem("E05000650", Some("St. Peter's")), "E05000650_St_Peter_s");
/// assert_eq!(safe_stem("../../etc/passwd", None), "etc_passwd");
/// assert_eq!(safe_stem("CON", None), "_CON");
/// assert_eq!(safe_stem("W05000001", Some("Ynys Môn")), "W05000001_Ynys_Môn");
/// assert_eq!(safe_stem("", Some("///")), "area");
/// ```
pub fn safe_stem(code: &str, name: Option<&str>) -> String {
    let raw = match name {
        Some(n) if !n.trim().is_empty() && n != code => format!("{code} {n}"),
        _ => code.to_string(),
    };
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let keep = c.is_alphanumeric() || c == '-' || c == '_';
        if keep {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed: String = out.trim_matches('_').chars().take(80).collect();
    let trimmed = trimmed.trim_end_matches('_').to_string();
    if trimmed.is_empty() {
        return "area".into();
    }
    let base = trimmed.split('.').next().unwrap_or("");
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(base)) {
        return format!("_{trimmed}");
    }
    trimmed
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
            assert!(!RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&s)), "{s}");
        }
        assert_eq!(safe_stem(&"x".repeat(500), None).chars().count(), 80);
    }
}
