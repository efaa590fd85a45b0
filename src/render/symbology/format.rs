//! Number formatting for legends: fixed decimals, thousands separators, a true minus sign.

/// `value` rounded half away from zero to `decimals` decimals, a comma every three digits and U+2212 for negatives;
/// "–" for non-finite values.
///
/// ```
/// use local_atlas::render::symbology::format_value;
/// assert_eq!(format_value(1234567.891, 2), "1,234,567.89");
/// assert_eq!(format_value(-0.04, 1), "0.0");
/// assert_eq!(format_value(-12.5, 0), "\u{2212}13");
/// assert_eq!(format_value(999.95, 1), "1,000.0");
/// ```
pub fn format_value(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    let decimals = decimals.min(12);
    // Half away from zero, as spreadsheets and published tables round (Rust's formatting
    // rounds an exact half to even).
    let scale = 10f64.powi(decimals as i32);
    let rounded = (value.abs() * scale).round() / scale;
    let text = format!(
        "{:.*}",
        decimals,
        if rounded.is_finite() {
            rounded
        } else {
            value.abs()
        }
    );
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::with_capacity(text.len() + int.len() / 3 + 1);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if !frac.is_empty() {
        grouped.push('.');
        grouped.push_str(frac);
    }
    let is_zero = text.chars().all(|c| c == '0' || c == '.');
    if value < 0.0 && !is_zero {
        format!("\u{2212}{grouped}")
    } else {
        grouped
    }
}

/// A p-value as a reader expects it: three decimals, and "< 0.001" below that (never
/// "0.0000", which reads as impossible).
///
/// ```
/// use local_atlas::render::symbology::format::format_p;
/// assert_eq!(format_p(0.0004), "< 0.001");
/// assert_eq!(format_p(0.0123), "0.012");
/// assert_eq!(format_p(1.0), "1.000");
/// ```
pub fn format_p(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".into()
    } else {
        format!("{p:.3}")
    }
}

/// "NAME = 0.012", or "NAME < 0.001" ([`format_p`]).
///
/// ```
/// use local_atlas::render::symbology::format::p_clause;
/// assert_eq!(p_clause("pseudo p", 0.00002), "pseudo p < 0.001");
/// assert_eq!(p_clause("p", 0.5), "p = 0.500");
/// ```
pub fn p_clause(name: &str, p: f64) -> String {
    if p < 0.001 {
        format!("{name} < 0.001")
    } else {
        format!("{name} = {}", format_p(p))
    }
}
